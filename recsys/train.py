"""Training: one loop for both models, the knowledge-graph model (the default) and the report's GCN.

Each model's recipe (`setup_kg`, `setup_gcn`) gives its inputs, graph, module and loss; `fit` runs
the PyG-shaped loop over them (`train_epoch`, then `embed`). Holding songs out and scoring on
them is the caller's (recsys.pipeline splits and passes a score in), so training never depends on
the evaluation.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import torch
from torch import nn

from recsys import distributed
from recsys.config import TrainConfig
from recsys.embeddings import Embeddings
from recsys.errors import RecsysError
from recsys.features import track_features
from recsys.graph import build_graph, build_knowledge_graph
from recsys.load import Catalogue
from recsys.loss import kg_loss, link_loss
from recsys.model import GNNRec, KGRec

# Called after each epoch with (epoch number from 1, epochs in all, that epoch's loss, validation
# Recall@10 or None when nothing is validated).
EpochCallback = Callable[[int, int, float, float | None], None]
# What `fit` reports after each epoch: (epoch, loss, a function giving the current track vectors).
TrainerCallback = Callable[[int, float, Callable[[], np.ndarray]], None]
# Track vectors (T, d) → validation Recall@10 on the songs the caller held out.
Validate = Callable[[np.ndarray], float]


def train(catalogue: Catalogue, config: TrainConfig, on_epoch: EpochCallback | None = None,
          validate: Validate | None = None) -> Embeddings:
    """Train `config.model` from scratch on `catalogue`, reproducibly for a given seed; normalised
    embeddings. `validate`, when given, scores the track vectors after every epoch.

    With `config.holdout` > 0 the caller has already held that share of each playlist's songs out
    of `catalogue` (recsys.pipeline.train_model does), and `validate` scores on them.
    """
    if len(catalogue.edge_track) == 0:
        raise RecsysError(
            "No song in the data is in a playlist (every playlist_id is empty); the model learns "
            "from playlists, so add rows that place songs in playlists."
        )

    def report(epoch: int, loss: float, current_tracks: Callable[[], np.ndarray]) -> None:
        if on_epoch:
            on_epoch(epoch, config.epochs, loss, validate(current_tracks()) if validate else None)

    with deterministic():
        return fit(catalogue, config, report)


@contextlib.contextmanager
def deterministic():
    """PyTorch's deterministic mode for the block, then the mode as it was.

    With more than one thread, PyTorch's CPU scatter adds in a different order on every run, and a
    seed must give one model; its deterministic mode fixes the order at no measurable cost here.
    """
    previous = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous)


@dataclass(frozen=True)
class Setup:
    """One model ready to train: `loss(model(x, graph), sampler)` is what an epoch minimises."""

    x: torch.Tensor  # the model's input features
    graph: Any  # what the model propagates over
    model: nn.Module
    loss: Callable[[torch.Tensor, torch.Generator], torch.Tensor]  # (node vectors (P+T, d), sampler) -> loss
    num_playlists: int
    num_tracks: int
    shards: bool  # whether each torchrun process learns from its share of the pairs (gradients averaged)


def setup_kg(catalogue: Catalogue, config: TrainConfig) -> Setup:
    """The knowledge-graph model: track features (T, 14) over the typed graph, the song–song loss."""
    graph = build_knowledge_graph(catalogue)
    x = torch.from_numpy(track_features(catalogue))
    model = seeded(config.seed, lambda: KGRec(graph.num_playlists, graph.num_tracks, graph.num_entities,
                                              x.shape[1], config))
    return Setup(x, graph, model, partial(kg_loss, graph=graph, config=config), graph.num_playlists,
                 graph.num_tracks, shards=True)


def setup_gcn(catalogue: Catalogue, config: TrainConfig) -> Setup:
    """The report's recipe: GNNRec over the playlist–track graph, observed edges against random pairs."""
    graph = build_graph(catalogue, config.seed)
    model = seeded(config.seed, lambda: GNNRec(graph.num_features, config))
    loss = partial(link_loss, pos_playlist=graph.pos_playlist, pos_track=graph.pos_track,
                   num_playlists=graph.num_playlists, num_tracks=graph.num_tracks,
                   negatives_per_positive=config.negatives_per_positive)
    return Setup(graph.x, graph.adj_t, model, loss, graph.num_playlists, graph.num_tracks, shards=False)


SETUPS: dict[str, Callable[[Catalogue, TrainConfig], Setup]] = {"kg": setup_kg, "gcn-paper": setup_gcn}


def seeded(seed: int, build: Callable[[], nn.Module]) -> nn.Module:
    """`build()` with PyTorch's global CPU RNG seeded by `seed`, and that RNG left as it was after.

    Layers (nn.Linear, GCNConv, LightGCN) draw their initial weights from the global RNG and take
    no generator; forking it keeps their init exactly as the libraries define it, and so a seed's
    vectors as they always were, without leaving the caller's RNG changed.
    """
    with torch.random.fork_rng(devices=[]):  # CPU only: no accelerator's RNG is touched
        torch.default_generator.manual_seed(seed)
        return build()


def fit(catalogue: Catalogue, config: TrainConfig, on_epoch: TrainerCallback) -> Embeddings:
    """Train `config.model` on `catalogue` for config.epochs full-batch epochs.

    Launched by torchrun, every process builds the same graph and model and draws the same pairs;
    a model whose loss shards them learns from its share, gradients and losses averaged over the processes.
    """
    run = SETUPS[config.model](catalogue, config)
    step = distributed.wrap(run.model) if run.shards else run.model
    optimizer = torch.optim.Adam(run.model.parameters(), lr=config.lr)
    sampler = torch.Generator().manual_seed(config.seed)  # every draw the loop makes: pairs, negatives
    tracks = slice(run.num_playlists, run.num_playlists + run.num_tracks)
    losses = []
    for epoch in range(1, config.epochs + 1):
        losses.append(train_epoch(step, run.x, run.graph, optimizer, run.loss, sampler))
        on_epoch(epoch, losses[-1], lambda: embed(run.model, run.x, run.graph)[tracks].numpy())
    z = embed(run.model, run.x, run.graph)  # (P+T, d)
    return Embeddings.from_raw(track=z[tracks].numpy(), playlist=z[:run.num_playlists].numpy(), loss_history=losses)


def train_epoch(model: nn.Module, x: torch.Tensor, graph, optimizer: torch.optim.Optimizer,
                loss: Callable[[torch.Tensor, torch.Generator], torch.Tensor], sampler: torch.Generator) -> float:
    """One full-batch step; the loss, averaged over torchrun's processes."""
    model.train()
    optimizer.zero_grad()
    value = loss(model(x, graph), sampler)
    value.backward()
    optimizer.step()
    return distributed.mean(value.item())


@torch.no_grad()
def embed(model: nn.Module, x: torch.Tensor, graph) -> torch.Tensor:
    """Node vectors with dropout off: (P+T, d)."""
    model.eval()
    return model(x, graph)
