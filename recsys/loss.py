"""What the models learn from: the pairs each epoch samples, and the loss on them."""

import torch
import torch.nn.functional as F

from recsys import distributed
from recsys.config import TrainConfig
from recsys.graph import KnowledgeGraph
from recsys.model import link_logits


def negative_pairs(num_playlists: int, num_tracks: int, count: int,
                   sampler: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` uniformly random (playlist node, track node) pairs."""
    playlists = torch.randint(0, num_playlists, (count,), generator=sampler)
    tracks = torch.randint(0, num_tracks, (count,), generator=sampler) + num_playlists
    return playlists, tracks


def link_loss(z: torch.Tensor, sampler: torch.Generator, pos_playlist: torch.Tensor, pos_track: torch.Tensor,
              num_playlists: int, num_tracks: int, negatives_per_positive: int) -> torch.Tensor:
    """The report's loss on node vectors z (P+T, d): observed playlist–track edges are positives,
    uniform random pairs negatives; −log σ(pos) − log(1 − σ(neg)), each averaged so the scale does
    not depend on the graph's size."""
    pos = link_logits(z, pos_playlist, pos_track)  # (E,)
    neg_playlist, neg_track = negative_pairs(num_playlists, num_tracks, len(pos) * negatives_per_positive, sampler)
    neg = link_logits(z, neg_playlist, neg_track)  # (E * negatives,)
    return (F.binary_cross_entropy_with_logits(pos, torch.ones_like(pos))
            + F.binary_cross_entropy_with_logits(neg, torch.zeros_like(neg)))


def co_playlist_pairs(pos_playlist: torch.Tensor, pos_track: torch.Tensor, generator: torch.Generator):
    """Each training edge's track with another, random track of the same playlist: (anchor, partner)."""
    shuffled = torch.randperm(len(pos_playlist), generator=generator)
    order = shuffled[torch.argsort(pos_playlist[shuffled], stable=True)]  # grouped by playlist, random within
    partner = order.roll(1)
    same = pos_playlist[order] == pos_playlist[partner]  # drop the pair that straddles two playlists
    return pos_track[order][same], pos_track[partner][same]


def song_pairs(graph: KnowledgeGraph, config: TrainConfig, sampler: torch.Generator):
    """One epoch's (anchor, partner, negatives) track nodes: playlist-mate pairs, at most
    config.max_pairs of them, and config.shared_negatives random songs shared by every pair."""
    anchor, partner = co_playlist_pairs(graph.pos_playlist, graph.pos_track, sampler)
    if len(anchor) > config.max_pairs:
        keep = torch.randperm(len(anchor), generator=sampler)[:config.max_pairs]
        anchor, partner = anchor[keep], partner[keep]
    negatives = torch.randint(0, graph.num_tracks, (config.shared_negatives,), generator=sampler) + graph.num_playlists
    return anchor, partner, negatives


def song_loss(z: torch.Tensor, anchor, partner, negatives, temperature: float) -> torch.Tensor:
    """Sampled softmax on cosine similarity: a song should be closer to a playlist-mate than to
    any of `negatives` random songs (one shared set); it beat BPR against one random song each."""
    # Each song once, however many pairs it is in; and only the songs in pairs, which at a million
    # songs (max_pairs of them sampled) is half the catalogue.
    songs, where = torch.unique(torch.cat([anchor, partner, negatives]), return_inverse=True)
    unit = F.normalize(z[songs], dim=-1)
    u, v, w = (unit[at] for at in where.split([len(anchor), len(partner), len(negatives)]))
    logits = temperature * torch.cat([(u * v).sum(-1, keepdim=True), u @ w.T], dim=1)  # (B, 1 + negatives)
    return -F.log_softmax(logits, dim=1)[:, 0].mean()


def shard_loss(z: torch.Tensor, anchor, partner, negatives, temperature: float) -> torch.Tensor:
    """song_loss over this process's share of the pairs, weighted by that share: the processes'
    losses, and so their gradients, then average to the loss over all pairs (B), even when B does
    not split evenly. One process takes every pair at weight 1."""
    mine = slice(distributed.rank(), None, distributed.world_size())
    share = len(anchor[mine]) * distributed.world_size() / len(anchor)  # 1 when the split is even
    return song_loss(z, anchor[mine], partner[mine], negatives, temperature) * share


def kg_loss(z: torch.Tensor, sampler: torch.Generator, graph: KnowledgeGraph, config: TrainConfig) -> torch.Tensor:
    """The knowledge-graph model's loss on node vectors z (P+T, d): this epoch's song pairs, this
    process's share of them (all of them outside torchrun)."""
    return shard_loss(z, *song_pairs(graph, config, sampler), config.temperature)
