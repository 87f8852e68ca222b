"""A knowledge-graph recommender: artists, albums and genres as entity nodes beside playlists and
tracks, LightGCN-style propagation with a learned weight per relation, layers concatenated.

Tracks start from their projected audio features, release year and popularity (each as its rank
among the catalogue's tracks) and have no free vector, so a song in no playlist starts like any
other; propagation then brings in its artist, album, and through them the playlists and genres
their other songs belong to. Training pulls together songs that share a playlist (a sampled-softmax
loss on cosine similarity against random songs), which is exactly what the app asks of the vectors:
songs like this one.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from recsys import distributed
from recsys.config import TrainConfig
from recsys.embeddings import Embeddings
from recsys.load import Catalogue

RELATIONS = ("playlist-track", "track-artist", "track-album", "playlist-genre", "playlist-subgenre")
NEGATIVES = 64  # random songs every pair is contrasted with, one set shared by all pairs of an epoch
# Playlist-mate pairs an epoch learns from at most: every pair of the shipped data (32k), and a
# bounded sample of a large catalogue's millions, whose (pairs × width) vectors would not fit.
MAX_PAIRS = 1 << 18
EDGE_CHUNK = 1 << 20  # edges whose (edges × width) products are held at once in the backward pass


@dataclass(frozen=True)
class KnowledgeGraph:
    """All nodes in one index space: playlists, tracks, then artists, albums, genres, subgenres."""

    num_nodes: int
    num_playlists: int
    num_tracks: int
    pos_playlist: torch.Tensor  # (E,) training playlist–track edges, playlist node
    pos_track: torch.Tensor  # (E,) the track node
    # Every relation edge in both directions, as an (N, N) CSR matrix: its row pointers, and per
    # stored edge (2R of them) the column, the row and the relation (an index into RELATIONS).
    crow: torch.Tensor
    edge_col: torch.Tensor
    edge_row: torch.Tensor
    edge_relation: torch.Tensor
    degree: torch.Tensor  # (N, len(RELATIONS)) each node's edge count per relation

    def weighted(self, weight: torch.Tensor) -> torch.Tensor:
        """The adjacency with every edge valued by its relation's weight, a sparse (N, N) CSR matrix."""
        with warnings.catch_warnings():  # torch flags every CSR tensor as "beta"; sparse products support it
            warnings.simplefilter("ignore", UserWarning)
            return torch.sparse_csr_tensor(self.crow, self.edge_col, weight[self.edge_relation],
                                           size=(self.num_nodes, self.num_nodes))

    @property
    def tracks(self) -> slice:
        """Where the track nodes sit in the index space."""
        return slice(self.num_playlists, self.num_playlists + self.num_tracks)


def build_knowledge_graph(catalogue: Catalogue) -> KnowledgeGraph:
    """Typed edges from the catalogue's playlist edges, track metadata and playlist genres; an
    empty name (code -1) is no entity and gets no node or edge."""
    P, T = catalogue.ids.num_playlists, catalogue.ids.num_tracks
    tracks, playlists = catalogue.tracks, catalogue.playlists
    track_nodes, playlist_nodes = P + np.arange(T), np.arange(P)
    entities = [
        (track_nodes, tracks["artist_code"].to_numpy()),
        (track_nodes, tracks["album_code"].to_numpy()),
        (playlist_nodes, playlists["genre_code"].to_numpy()),
        (playlist_nodes, playlists["subgenre_code"].to_numpy()),
    ]
    pairs = [(catalogue.edge_playlist, P + catalogue.edge_track)]
    base = P + T  # each entity kind's first node, after the playlists and tracks
    for nodes, code in entities:
        pairs.append((nodes[code >= 0], base + code[code >= 0]))
        base += int(code.max(initial=-1)) + 1
    src = np.concatenate([a for a, _ in pairs])
    dst = np.concatenate([b for _, b in pairs])
    relation = np.concatenate([np.full(len(a), r) for r, (a, _) in enumerate(pairs)])
    edge_index = torch.from_numpy(np.stack([np.concatenate([src, dst]), np.concatenate([dst, src])]))
    relation = torch.from_numpy(np.concatenate([relation, relation]))
    num_nodes = base
    order = torch.argsort(edge_index[0] * num_nodes + edge_index[1])  # CSR order: by row, then column
    row, col = edge_index[:, order]
    degree = torch.zeros(num_nodes, len(RELATIONS)).index_put_(
        (edge_index[0], relation), torch.ones(len(relation)), accumulate=True)
    return KnowledgeGraph(
        num_nodes=num_nodes, num_playlists=P, num_tracks=T,
        pos_playlist=torch.from_numpy(catalogue.edge_playlist), pos_track=torch.from_numpy(P + catalogue.edge_track),
        crow=torch.cat([torch.zeros(1, dtype=torch.long), torch.bincount(row, minlength=num_nodes).cumsum(0)]),
        edge_col=col, edge_row=row, edge_relation=relation[order], degree=degree,
    )


def propagate(h: torch.Tensor, graph: KnowledgeGraph, weight: torch.Tensor) -> torch.Tensor:
    """One LightGCN layer with a weight per relation: D^-1/2 (Σ_r w_r A_r) D^-1/2 h, D the weighted
    degree, which is what PyG's LGConv computes with per-edge weights w_r."""
    degree = graph.degree @ weight  # (N,)
    scale = torch.where(degree > 0, degree.clamp(min=1e-12).rsqrt(), 0.0).unsqueeze(1)
    return RelationProduct.apply(weight, h * scale, graph) * scale


class RelationProduct(torch.autograd.Function):
    """(Σ_r w_r A_r) x as one sparse product, with the weights' gradient computed edge by edge in
    chunks. LGConv instead holds a message per edge (edges × width: 3.6 GB a layer at a million
    songs), and autograd through a sparse matrix's values is a hundred times slower than this."""

    @staticmethod
    def forward(ctx, weight: torch.Tensor, x: torch.Tensor, graph: KnowledgeGraph) -> torch.Tensor:
        ctx.save_for_backward(weight, x)
        ctx.graph = graph
        return torch.sparse.mm(graph.weighted(weight), x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        weight, x = ctx.saved_tensors
        g = ctx.graph
        grad_x = torch.sparse.mm(g.weighted(weight), grad)  # the matrix is symmetric: Mᵀ = M
        grad_weight = torch.zeros_like(weight)
        for start in range(0, len(g.edge_relation), EDGE_CHUNK):
            part = slice(start, start + EDGE_CHUNK)
            dots = torch.einsum("ed,ed->e", grad[g.edge_row[part]], x[g.edge_col[part]])  # (edges,)
            grad_weight.index_add_(0, g.edge_relation[part], dots)
        return grad_weight, grad_x, None


class KGRec(nn.Module):
    """Free vectors for playlists and entities, projected features for tracks; relation-weighted
    LightGCN propagation; the final vector concatenates every layer's output (as the paper does)."""

    def __init__(self, graph: KnowledgeGraph, feature_dim: int, dim: int, layers: int):
        super().__init__()
        self.graph = graph
        self.embedding = nn.Embedding(graph.num_nodes, dim)
        nn.init.normal_(self.embedding.weight, std=0.1)
        self.project = nn.Linear(feature_dim, dim)
        self.relation_weight = nn.Parameter(torch.zeros(len(RELATIONS)))  # softplus(0) ≈ 0.69 each
        self.layers = layers

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """(P + T, dim·layers) playlist and track vectors from track features (T, feature_dim): the
        propagated layers, each scaled to unit length, so every layer counts alike in a cosine similarity.

        Layer 0 (a track's own projected sound) is left out of the output: kept in, it made songs
        that merely sound alike look related and cost AUC (0.833 against 0.856 on seed 0). Unscaled,
        the first layer (a song's artist and album, for a song in no playlist) had the largest norm
        and drowned out the wider ones: AUC 0.873 against 0.923 (seed 0, temperature 5).
        """
        g = self.graph
        track_start = self.project(features)  # (T, dim)
        free = self.embedding.weight  # its track rows are never used: tracks have no free vector
        h = torch.cat([free[:g.num_playlists], track_start, free[g.tracks.stop:]])
        weight = F.softplus(self.relation_weight)  # (len(RELATIONS),) how much each relation counts
        layers = [h]
        for _ in range(self.layers):
            layers.append(propagate(layers[-1], g, weight))
        # Entities' vectors are only a means to place playlists and songs: leave them out here.
        return torch.cat([F.normalize(layer[:g.tracks.stop], dim=-1) for layer in layers[1:]], dim=1)


def co_playlist_pairs(pos_playlist: torch.Tensor, pos_track: torch.Tensor, generator: torch.Generator):
    """Each training edge's track with another, random track of the same playlist: (anchor, partner)."""
    shuffled = torch.randperm(len(pos_playlist), generator=generator)
    order = shuffled[torch.argsort(pos_playlist[shuffled], stable=True)]  # grouped by playlist, random within
    partner = order.roll(1)
    same = pos_playlist[order] == pos_playlist[partner]  # drop the pair that straddles two playlists
    return pos_track[order][same], pos_track[partner][same]


def song_loss(z: torch.Tensor, anchor, partner, negatives, temperature: float) -> torch.Tensor:
    """Sampled softmax on cosine similarity: a song should be closer to a playlist-mate than to
    any of `negatives` random songs (one shared set); it beat BPR against one random song each."""
    u, v, w = (F.normalize(z[i], dim=-1) for i in (anchor, partner, negatives))
    logits = temperature * torch.cat([(u * v).sum(-1, keepdim=True), u @ w.T], dim=1)  # (B, 1 + negatives)
    return -F.log_softmax(logits, dim=1)[:, 0].mean()


def shard_loss(z: torch.Tensor, anchor, partner, negatives, temperature: float) -> torch.Tensor:
    """song_loss over this process's share of the pairs, weighted by that share: the processes'
    losses, and so their gradients, then average to the loss over all pairs (B), even when B does
    not split evenly. One process takes every pair at weight 1."""
    mine = slice(distributed.rank(), None, distributed.world_size())
    share = len(anchor[mine]) * distributed.world_size() / len(anchor)  # 1 when the split is even
    return song_loss(z, anchor[mine], partner[mine], negatives, temperature) * share


def train_kg(catalogue: Catalogue, config: TrainConfig, on_epoch) -> Embeddings:
    """Train KGRec with the song–song loss; `on_epoch(epoch, loss, current track vectors)` after each epoch.

    Launched by torchrun, every process builds the same graph and model and draws the same pairs,
    then learns from its share of them; gradients and losses are averaged over the processes.
    """
    graph = build_knowledge_graph(catalogue)
    features = torch.from_numpy(track_features(catalogue))
    model = KGRec(graph, features.shape[1], config.out_dim, config.layers)
    step = distributed.wrap(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    sampler = torch.Generator().manual_seed(config.seed)
    losses = []
    for epoch in range(1, config.epochs + 1):
        optimizer.zero_grad()
        anchor, partner = co_playlist_pairs(graph.pos_playlist, graph.pos_track, sampler)
        if len(anchor) > MAX_PAIRS:
            keep = torch.randperm(len(anchor), generator=sampler)[:MAX_PAIRS]
            anchor, partner = anchor[keep], partner[keep]
        negatives = torch.randint(0, graph.num_tracks, (NEGATIVES,), generator=sampler) + graph.num_playlists
        loss = shard_loss(step(features), anchor, partner, negatives, config.temperature)
        loss.backward()
        optimizer.step()
        losses.append(distributed.mean(loss.item()))
        on_epoch(epoch, losses[-1], lambda: _vectors(model, features)[graph.tracks].numpy())
    z = _vectors(model, features)
    return Embeddings.from_raw(track=z[graph.tracks].numpy(), playlist=z[:graph.num_playlists].numpy(),
                               loss_history=losses)


def track_features(catalogue: Catalogue) -> np.ndarray:
    """(T, 14) float32: the audio features, release year and popularity, each as its rank among the
    tracks in [0, 1] (ties share one); a missing year or popularity sits in the middle, 0.5.

    Ranks rather than min–max: a few extreme values (a 60-minute track, a silent one) no longer
    squeeze every other song into a narrow band. Year and popularity belong to the song, not to a
    playlist, so a song in no playlist has them too; playlists often keep to an era.
    """
    tracks = catalogue.tracks
    year = tracks["release_year"] if "release_year" in tracks else pd.Series(np.nan, index=tracks.index)
    columns = pd.concat([pd.DataFrame(catalogue.features_raw, index=tracks.index), year,
                         pd.to_numeric(tracks["track_popularity"], errors="coerce")], axis=1)
    return columns.rank(pct=True).fillna(0.5).to_numpy(dtype=np.float32, copy=True)  # writable, for torch


@torch.no_grad()
def _vectors(model: KGRec, features: torch.Tensor) -> torch.Tensor:
    return model(features)  # (N, out_dim·layers)
