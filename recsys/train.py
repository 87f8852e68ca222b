"""Training: `train` builds the configured model; the report's GCN recipe lives here, the
knowledge-graph model in recsys.kg."""

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch_geometric.data import Data

from recsys.config import TrainConfig
from recsys.embeddings import Embeddings
from recsys.errors import RecsysError
from recsys.evaluate import EvaluationTask
from recsys.graph import build_graph
from recsys.kg import train_kg
from recsys.load import Catalogue
from recsys.model import GNNRec, link_logits
from recsys.split import holdout_split

# Called after each epoch with (epoch number from 1, epochs in all, that epoch's loss, validation
# Recall@10 or None when config.holdout is 0).
EpochCallback = Callable[[int, int, float, float | None], None]
# What a trainer reports after each epoch: (epoch, loss, a function giving the current track vectors).
TrainerCallback = Callable[[int, float, Callable[[], np.ndarray]], None]


def train(catalogue: Catalogue, config: TrainConfig, on_epoch: EpochCallback | None = None) -> Embeddings:
    """Train `config.model` from scratch, reproducibly for a given seed; normalised embeddings.

    With `config.holdout` > 0, that share of each playlist's songs is kept out of training and the
    song → songs Recall@10 on them is measured after every epoch (the evaluation's split and metric).
    """
    if len(catalogue.edge_track) == 0:
        raise RecsysError(
            "No song in the data is in a playlist (every playlist_id is empty); the model learns "
            "from playlists, so add rows that place songs in playlists."
        )
    validation = None
    if config.holdout > 0:
        validation = EvaluationTask(catalogue, holdout_split(catalogue, config.seed, config.holdout), config.seed)
        catalogue = validation.split.train

    def report(epoch: int, loss: float, current_tracks: Callable[[], np.ndarray]) -> None:
        if on_epoch:
            recall = validation.song_recall(current_tracks()) if validation else None
            on_epoch(epoch, config.epochs, loss, recall)

    torch.manual_seed(config.seed)
    trainer = train_kg if config.model == "kg" else train_gcn
    # With more than one thread, PyTorch's CPU scatter adds in a different order on every run, and
    # a seed must give one model; its deterministic mode fixes the order at no measurable cost here.
    previous = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    try:
        return trainer(catalogue, config, report)
    finally:
        torch.use_deterministic_algorithms(previous)


def train_gcn(catalogue: Catalogue, config: TrainConfig, on_epoch: TrainerCallback) -> Embeddings:
    """The report's recipe: GNNRec on observed edges against random pairs."""
    graph = build_graph(catalogue, config.seed)
    model = GNNRec(graph.num_features, config)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    sampler = torch.Generator().manual_seed(config.seed)
    losses = []
    for epoch in range(1, config.epochs + 1):
        losses.append(train_epoch(model, graph, optimizer, config, sampler))
        on_epoch(epoch, losses[-1], lambda: embed(model, graph)[graph.num_playlists:].numpy())
    z = embed(model, graph)
    return Embeddings.from_raw(
        track=z[graph.num_playlists:].numpy(), playlist=z[: graph.num_playlists].numpy(), loss_history=losses
    )


def train_epoch(model: GNNRec, graph: Data, optimizer, config: TrainConfig, sampler: torch.Generator) -> float:
    """One full-batch step: observed edges are positives, uniform random pairs negatives."""
    model.train()
    optimizer.zero_grad()
    z = model(graph.x, graph.adj_t)  # (P+T, out)
    pos = link_logits(z, graph.pos_playlist, graph.pos_track)  # (E,)
    neg_playlist, neg_track = negative_pairs(graph, len(pos) * config.negatives_per_positive, sampler)
    neg = link_logits(z, neg_playlist, neg_track)  # (E * negatives,)
    # −log σ(pos) − log(1 − σ(neg)), each averaged so the scale does not depend on graph size.
    loss = F.binary_cross_entropy_with_logits(pos, torch.ones_like(pos)) + F.binary_cross_entropy_with_logits(
        neg, torch.zeros_like(neg)
    )
    loss.backward()
    optimizer.step()
    return loss.item()


def negative_pairs(graph: Data, count: int, sampler: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` uniformly random (playlist node, track node) pairs."""
    playlists = torch.randint(0, graph.num_playlists, (count,), generator=sampler)
    tracks = torch.randint(0, graph.num_tracks, (count,), generator=sampler) + graph.num_playlists
    return playlists, tracks


@torch.no_grad()
def embed(model: GNNRec, graph: Data) -> torch.Tensor:
    """Node embeddings with dropout off: (P+T, out)."""
    model.eval()
    return model(graph.x, graph.adj_t)
