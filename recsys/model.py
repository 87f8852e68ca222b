"""The report's two-layer GCN that turns node features into embeddings."""

import numpy as np
import torch
from torch import nn
from torch_geometric.nn import GCNConv

from recsys.config import TrainConfig


class GNNRec(nn.Module):
    """GCNConv(in→hidden) → ReLU → dropout → GCNConv(hidden→out)."""

    def __init__(self, in_dim: int, config: TrainConfig):
        super().__init__()
        # cached=True: the graph never changes during training, so normalise it once.
        self.conv1 = GCNConv(in_dim, config.hidden_dim, cached=True)
        self.conv2 = GCNConv(config.hidden_dim, config.out_dim, cached=True)
        self.dropout = SeededDropout(config.dropout, config.seed)

    def forward(self, x: torch.Tensor, adj_t: torch.Tensor) -> torch.Tensor:
        h = self.dropout(torch.relu(self.conv1(x, adj_t)))  # (N, hidden)
        return self.conv2(h, adj_t)  # (N, out)


class SeededDropout(nn.Module):
    """Inverted dropout, as nn.Dropout, with its mask drawn by NumPy's PCG64 generator.

    torch's CPU Bernoulli sampler took a third of every epoch on the real graph; PCG64 draws
    the same-size mask about seven times faster, and its own seed keeps runs reproducible.
    """

    def __init__(self, p: float, seed: int):
        super().__init__()
        self.p = p
        self.rng = np.random.default_rng(seed)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return h
        draws = self.rng.random(h.shape, dtype=np.float32)
        # One float mask with the 1/(1-p) scale folded in: a single multiply, no bool→float copy.
        mask = np.where(draws >= self.p, np.float32(1.0 / (1.0 - self.p)), np.float32(0.0))
        return h * torch.from_numpy(mask)


def link_logits(z: torch.Tensor, src: torch.Tensor, dst: torch.Tensor) -> torch.Tensor:
    """Dot-product score of each (src, dst) node pair: (B,)."""
    return (z.index_select(0, src) * z.index_select(0, dst)).sum(dim=-1)
