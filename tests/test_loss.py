"""recsys/loss.py: the pairs each epoch samples and the losses on them, against hand-computed answers."""

import math

import pytest
import torch

from recsys import distributed
from recsys.config import TrainConfig
from recsys.graph import build_knowledge_graph
from recsys.loss import co_playlist_pairs, link_loss, negative_pairs, shard_loss, song_loss, song_pairs


def generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_co_playlist_pairs_join_each_song_to_another_of_its_playlist():
    """Playlist 0 holds 10, 11, 12; playlist 1 holds 20, 21; playlist 2 holds 30 alone."""
    pos_playlist = torch.tensor([0, 1, 0, 2, 1, 0])
    pos_track = torch.tensor([10, 20, 11, 30, 21, 12])
    playlist_of = {10: 0, 11: 0, 12: 0, 20: 1, 21: 1, 30: 2}
    anchor, partner = co_playlist_pairs(pos_playlist, pos_track, generator())
    pairs = list(zip(anchor.tolist(), partner.tolist()))
    # A playlist of n songs gives n - 1 pairs (a chain through them in random order); a lone song none.
    assert len(pairs) == 2 + 1 + 0
    assert all(playlist_of[a] == playlist_of[b] and a != b for a, b in pairs)
    assert {a for a, _ in pairs} | {b for _, b in pairs} == {10, 11, 12, 20, 21}
    assert sorted(playlist_of[a] for a, _ in pairs) == [0, 0, 1]


def test_one_playlists_pairs_close_into_a_cycle():
    # With a single playlist the pair that wraps around joins two of its own songs: n pairs, not n - 1.
    anchor, partner = co_playlist_pairs(torch.zeros(4, dtype=torch.long), torch.tensor([5, 6, 7, 8]), generator())
    assert sorted(anchor.tolist()) == sorted(partner.tolist()) == [5, 6, 7, 8]


def test_co_playlist_pairs_follow_the_generator():
    pos_playlist, pos_track = torch.zeros(20, dtype=torch.long), torch.arange(20)
    first, again, other = (co_playlist_pairs(pos_playlist, pos_track, generator(seed)) for seed in (1, 1, 2))
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    assert not torch.equal(first[0], other[0])


def test_song_pairs_keep_at_most_max_pairs_and_draw_shared_negatives_among_tracks(two_playlists):
    graph = build_knowledge_graph(two_playlists)
    anchor, partner, negatives = song_pairs(graph, TrainConfig(max_pairs=1000, shared_negatives=3), generator())
    assert len(anchor) == len(partner) == 12 - 2  # two playlists of six: five pairs each
    assert len(negatives) == 3
    assert ((negatives >= graph.num_playlists) & (negatives < graph.tracks.stop)).all()
    anchor, partner, negatives = song_pairs(graph, TrainConfig(max_pairs=4, shared_negatives=7), generator())
    assert len(anchor) == len(partner) == 4 and len(negatives) == 7


def test_song_loss_is_the_softmax_cross_entropy_of_the_mates_cosine_against_the_negatives():
    # Song 0 points along x, its mate 1 too (cosine 1, at any length); negatives: 2 at 90°, 3 opposite.
    z = torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [-0.5, 0.0]])
    loss = song_loss(z, torch.tensor([0]), torch.tensor([1]), torch.tensor([2, 3]), temperature=2.0)
    # logits 2·(1, 0, -1): −log(e² / (e² + e⁰ + e⁻²)) = log(1 + e⁻² + e⁻⁴)
    assert loss.item() == pytest.approx(math.log(1 + math.exp(-2) + math.exp(-4)), rel=1e-6)


def test_song_loss_averages_over_pairs():
    z = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    # Pair (0, 1): log(1 + e⁻¹); pair (0, 2): the mate at 90° ties the negative 2 itself: log 2.
    loss = song_loss(z, torch.tensor([0, 0]), torch.tensor([1, 2]), torch.tensor([2]), temperature=1.0)
    assert loss.item() == pytest.approx((math.log(1 + math.exp(-1)) + math.log(2)) / 2, rel=1e-6)


def test_shards_of_an_uneven_split_average_to_the_whole_loss(monkeypatch):
    z = torch.randn(6, 4, generator=generator())
    anchor, partner, negatives = torch.tensor([0, 3, 4]), torch.tensor([1, 1, 0]), torch.tensor([2, 5])
    whole = song_loss(z, anchor, partner, negatives, 3.0)
    assert shard_loss(z, anchor, partner, negatives, 3.0).item() == whole.item()  # alone: every pair, weight 1
    monkeypatch.setattr(distributed, "world_size", lambda: 2)
    shards = []
    for rank in (0, 1):  # rank 0 takes pairs 0 and 2, rank 1 pair 1
        monkeypatch.setattr(distributed, "rank", lambda rank=rank: rank)
        shards.append(shard_loss(z, anchor, partner, negatives, 3.0).item())
    assert sum(shards) / 2 == pytest.approx(whole.item(), rel=1e-6)
    assert shards[1] == pytest.approx(song_loss(z, anchor[1:2], partner[1:2], negatives, 3.0).item() * 2 / 3, rel=1e-6)


@pytest.mark.parametrize("score", [0.0, 2.0, -1.5])
def test_link_loss_is_the_binary_cross_entropy_of_positives_and_negatives(score):
    # Every playlist is [1] and every track [score]: each pair, observed or random, has logit `score`.
    P, T = 2, 3
    z = torch.tensor([[1.0]] * P + [[score]] * T)
    loss = link_loss(z, generator(), torch.tensor([0, 1]), torch.tensor([2, 4]), P, T, negatives_per_positive=2)
    softplus = lambda v: math.log1p(math.exp(v))  # noqa: E731
    assert loss.item() == pytest.approx(softplus(-score) + softplus(score), rel=1e-6)  # −log σ(s) − log(1 − σ(s))


def test_negative_pairs_are_a_playlist_node_and_a_track_node():
    playlists, tracks = negative_pairs(3, 5, 1000, generator())
    assert len(playlists) == len(tracks) == 1000
    assert set(playlists.tolist()) == {0, 1, 2} and set(tracks.tolist()) == set(range(3, 8))
