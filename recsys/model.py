"""The two models, each `model(x, graph) -> node embeddings`: the report's GCN (`GNNRec`, the
gcn-paper preset) and the knowledge-graph model (`KGRec`, the default)."""

import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch_geometric.nn import GCNConv

from recsys.config import TrainConfig
from recsys.graph import RELATIONS, KnowledgeGraph


class GNNRec(nn.Module):
    """GCNConv(in→hidden) → ReLU → dropout → GCNConv(hidden→out)."""

    def __init__(self, in_dim: int, config: TrainConfig):
        super().__init__()
        # cached=True: the graph never changes during training, so normalise it once.
        self.conv1 = GCNConv(in_dim, config.hidden_dim, cached=True)
        self.conv2 = GCNConv(config.hidden_dim, config.out_dim, cached=True)
        self.dropout = SeededDropout(config.dropout, config.seed)

    def forward(self, x: torch.Tensor, adj_t: torch.Tensor) -> torch.Tensor:
        """(P+T, out) node vectors from node features x (P+T, in) over the sparse adjacency adj_t."""
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


class KGRec(nn.Module):
    """Free vectors for playlists and entities, projected features for tracks; relation-weighted
    LightGCN propagation; the final vector concatenates every layer's output (as the paper does).

    Tracks start from their features and have no free vector, so a song in no playlist starts like
    any other; propagation then brings in its artist, album, and through them the playlists and
    genres their other songs belong to.
    """

    def __init__(self, num_playlists: int, num_tracks: int, num_entities: int, feature_dim: int,
                 config: TrainConfig):
        super().__init__()
        self.num_playlists = num_playlists
        self.free = nn.Parameter(_free_start(num_playlists, num_tracks, num_entities, config))  # (P + entities, dim)
        self.project = nn.Linear(feature_dim, config.out_dim)
        self.relation_weight = nn.Parameter(torch.zeros(len(RELATIONS)))  # softplus(0) ≈ 0.69 each
        self.layers = config.layers

    def forward(self, x: torch.Tensor, graph: KnowledgeGraph) -> torch.Tensor:
        """(P + T, dim·layers) playlist and track vectors from track features x (T, feature_dim):
        the propagated layers, each scaled to unit length, so every layer counts alike in a cosine
        similarity.

        Layer 0 (a track's own projected sound) is left out of the output: kept in, it made songs
        that merely sound alike look related and cost AUC (0.833 against 0.856 on seed 0). Unscaled,
        the first layer (a song's artist and album, for a song in no playlist) had the largest norm
        and drowned out the wider ones: AUC 0.873 against 0.923 (seed 0, temperature 5).
        """
        P = self.num_playlists
        h = torch.cat([self.free[:P], self.project(x), self.free[P:]])  # (N, dim): playlists, tracks, entities
        weight = F.softplus(self.relation_weight)  # (len(RELATIONS),) how much each relation counts
        layers = [h]
        for _ in range(self.layers):
            layers.append(propagate(layers[-1], graph, weight))
        # Entities' vectors are only a means to place playlists and songs: leave them out here.
        return torch.cat([F.normalize(layer[:graph.tracks.stop], dim=-1) for layer in layers[1:]], dim=1)


def _free_start(num_playlists: int, num_tracks: int, num_entities: int, config: TrainConfig) -> torch.Tensor:
    """(P + entities, dim) starting vectors, N(0, init_std²), from the global RNG.

    Drawn as the (N, dim) block an nn.Embedding over every node once drew (its default N(0, 1)
    init, then this one over it), less the track rows: the same draws in the same order, so a
    seed still gives the vectors it gave when tracks held unused rows. Only this transient block
    spans the tracks; the parameter, its gradient and Adam's state do not.
    """
    block = torch.empty(num_playlists + num_tracks + num_entities, config.out_dim)
    block.normal_()  # nn.Embedding's own init, overwritten below: it advances the RNG as it did
    block.normal_(std=config.init_std)
    return torch.cat([block[:num_playlists], block[num_playlists + num_tracks:]])


def propagate(h: torch.Tensor, graph: KnowledgeGraph, weight: torch.Tensor) -> torch.Tensor:
    """One LightGCN layer with a weight per relation: D^-1/2 (Σ_r w_r A_r) D^-1/2 h, D the weighted
    degree, which is what PyG's LGConv computes with per-edge weights w_r. h: (N, d) → (N, d)."""
    degree = graph.degree @ weight  # (N,)
    scale = torch.where(degree > 0, degree.clamp(min=1e-12).rsqrt(), 0.0).unsqueeze(1)  # (N, 1); 0 for a lone node
    return RelationProduct.apply(weight, h * scale, graph) * scale


class RelationProduct(torch.autograd.Function):
    """(Σ_r w_r A_r) x as one sparse product, with the weights' gradient read off the graph's
    edges. LGConv instead holds a message per edge (edges × width: 3.6 GB a layer at a million
    songs), and autograd through a sparse matrix's values is a hundred times slower than this."""

    @staticmethod
    def forward(ctx, weight: torch.Tensor, x: torch.Tensor, graph: KnowledgeGraph) -> torch.Tensor:
        ctx.save_for_backward(weight, x)
        ctx.graph = graph
        return torch.sparse.mm(graph.weighted(weight), x)  # (N, d)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        weight, x = ctx.saved_tensors
        g = ctx.graph
        adjacency = g.weighted(weight)
        grad_x = torch.sparse.mm(adjacency, grad)  # the matrix is symmetric: Mᵀ = M
        # ∂/∂w_r = Σ over r's edges (i, j) of grad_i · x_j: (grad xᵀ) sampled on the edges, in CSR
        # order as edge_relation is. Gathering both rows per edge instead took 30 times as long.
        with warnings.catch_warnings():  # torch flags every CSR tensor as "beta"
            warnings.simplefilter("ignore", UserWarning)
            dots = torch.sparse.sampled_addmm(adjacency, grad, x.T, beta=0.0).values()  # (edges,)
        return torch.zeros_like(weight).index_add_(0, g.edge_relation, dots), grad_x, None
