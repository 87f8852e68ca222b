"""recsys/model.py: GNNRec shapes, the seeded dropout, and KGRec's propagation with its hand-written gradient."""

import numpy as np
import pytest
import torch

from recsys.config import TrainConfig
from recsys.graph import RELATIONS, build_graph, build_knowledge_graph
from recsys.load import load_catalogue
from recsys.model import GNNRec, KGRec, RelationProduct, SeededDropout, link_logits, propagate
from tests.conftest import COLUMNS

NO_GENRES = [c for c in COLUMNS if c not in ("playlist_genre", "playlist_subgenre")]


@pytest.fixture
def square(make_csv):
    """Playlist p holds x and y, both by Ann, no album named; c is in no playlist and has no artist.

    The knowledge graph is the square p – x – Ann – y – p, and c on its own.
    """
    rows = [{"track_id": "x", "playlist_id": "p", "track_artist": "Ann", "track_album_name": ""},
            {"track_id": "y", "playlist_id": "p", "track_artist": "Ann", "track_album_name": ""},
            {"track_id": "c", "playlist_id": "", "track_artist": "", "track_album_name": ""}]
    catalogue = load_catalogue(make_csv(rows, columns=NO_GENRES))
    graph = build_knowledge_graph(catalogue)
    x, y, c = (graph.num_playlists + catalogue.ids.track_index([t])[0] for t in "xyc")
    return graph, {"p": 0, "x": x, "y": y, "c": c, "Ann": graph.num_nodes - 1}


def test_gnnrec_maps_every_node_to_an_out_dim_embedding(two_playlists):
    graph = build_graph(two_playlists, seed=0)
    model = GNNRec(graph.num_features, TrainConfig(hidden_dim=16, out_dim=8))
    z = model(graph.x, graph.adj_t)
    assert z.shape == (2 + 12, 8)
    assert torch.isfinite(z).all()


def test_gnnrec_is_deterministic_in_eval_mode(two_playlists):
    graph = build_graph(two_playlists, seed=0)
    model = GNNRec(graph.num_features, TrainConfig(hidden_dim=16, out_dim=8)).eval()
    assert torch.equal(model(graph.x, graph.adj_t), model(graph.x, graph.adj_t))


def test_link_logits_is_the_dot_product_of_each_pair():
    z = torch.tensor([[1.0, 0.0], [0.5, 2.0], [3.0, -1.0]])
    logits = link_logits(z, torch.tensor([0, 1, 2]), torch.tensor([1, 2, 2]))
    assert logits.tolist() == [0.5, -0.5, 10.0]


def test_dropout_is_the_identity_in_eval_mode():
    dropout = SeededDropout(0.5, seed=0).eval()
    h = torch.rand(50, 20)
    assert torch.equal(dropout(h), h)


def test_dropout_with_p_zero_is_the_identity_in_train_mode():
    h = torch.rand(10, 10)
    assert torch.equal(SeededDropout(0.0, seed=0).train()(h), h)


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_dropout_zeros_about_p_and_scales_the_rest(p):
    dropout = SeededDropout(p, seed=0).train()
    h = torch.full((200, 100), 2.0)
    out = dropout(h)
    zeroed = (out == 0).float().mean().item()
    assert zeroed == pytest.approx(p, abs=0.02)  # 20,000 draws: σ ≈ 0.0035
    kept = out[out != 0]
    torch.testing.assert_close(kept, torch.full_like(kept, 2.0 / (1 - p)))


def test_dropout_masks_are_reproducible_per_seed_and_change_between_calls():
    h = torch.ones(30, 30)
    first, again, other = (SeededDropout(0.5, seed=s).train() for s in (3, 3, 4))
    mask = first(h)
    assert torch.equal(mask, again(h))
    assert not torch.equal(mask, other(h))
    assert not torch.equal(first(h), mask)  # a fresh mask every forward pass


def test_dropout_keeps_gradients_flowing_through_kept_entries():
    h = torch.ones(20, 20, requires_grad=True)
    SeededDropout(0.5, seed=0).train()(h).sum().backward()
    assert set(np.unique(h.grad.numpy()).tolist()) == {0.0, 2.0}


def test_propagation_is_the_symmetrically_normalised_relation_weighted_adjacency(square):
    graph, node = square
    assert graph.num_nodes == 5
    weight = torch.tensor([1.0, 3.0, 5.0, 7.0, 9.0])  # playlist-track 1, track-artist 3; no other edges
    out = propagate(torch.eye(5), graph, weight)  # propagating the identity gives the operator itself
    # Weighted degrees: p 1+1 = 2, x and y 1+3 = 4, Ann 3+3 = 6, c 0. Entry w / sqrt(d_i d_j).
    expected = torch.zeros(5, 5)
    for a, b, value in (("p", "x", 1 / 8 ** 0.5), ("p", "y", 1 / 8 ** 0.5),
                        ("x", "Ann", 3 / 24 ** 0.5), ("y", "Ann", 3 / 24 ** 0.5)):
        expected[node[a], node[b]] = expected[node[b], node[a]] = value
    torch.testing.assert_close(out, expected)
    assert out[node["c"]].eq(0).all()  # a lone node gets nothing, and no NaN from its zero degree


def test_relation_product_gradient_matches_finite_differences(square):
    graph, _ = square
    generator = torch.Generator().manual_seed(0)
    weight = torch.rand(len(RELATIONS), dtype=torch.float64, generator=generator, requires_grad=True)
    x = torch.randn(graph.num_nodes, 3, dtype=torch.float64, generator=generator, requires_grad=True)
    assert torch.autograd.gradcheck(lambda w, h: RelationProduct.apply(w, h, graph), (weight, x))


def test_relation_product_is_the_weighted_adjacency_times_x(square):
    graph, node = square
    weight = torch.tensor([2.0, 0.5, 1.0, 1.0, 1.0])
    x = torch.arange(10.0).reshape(5, 2)
    out = RelationProduct.apply(weight, x, graph)
    torch.testing.assert_close(out[node["x"]], 2 * x[node["p"]] + 0.5 * x[node["Ann"]])
    torch.testing.assert_close(out[node["p"]], 2 * (x[node["x"]] + x[node["y"]]))


def test_kgrec_has_free_vectors_for_playlists_and_entities_only(two_playlists):
    graph = build_knowledge_graph(two_playlists)
    config = TrainConfig(out_dim=8, layers=2)
    model = KGRec(graph.num_playlists, graph.num_tracks, graph.num_entities, 14, config)
    assert model.free.shape == (graph.num_playlists + graph.num_entities, 8)  # no row for any of the 12 tracks
    z = model(torch.rand(graph.num_tracks, 14), graph)
    assert z.shape == (graph.num_playlists + graph.num_tracks, 8 * 2)  # playlists and tracks, a block per layer
    for block in z.split(8, dim=1):
        torch.testing.assert_close(block.norm(dim=1), torch.ones(len(z)))


def test_kgrec_tracks_start_from_their_features(two_playlists):
    """Tracks have no free vector: change one song's features and, two layers on, its playlist and
    every song of it move, and nothing of the other playlist does."""
    graph = build_knowledge_graph(two_playlists)
    model = KGRec(graph.num_playlists, graph.num_tracks, graph.num_entities, 14, TrainConfig(out_dim=8, layers=2))
    x = torch.rand(graph.num_tracks, 14)
    first = model(x, graph)
    ids = two_playlists.ids
    a0 = ids.track_index(["a0"])[0]
    x[a0] += 1.0
    moved = set(torch.nonzero((model(x, graph) - first).abs().sum(dim=1) > 0).flatten().tolist())
    playlist_a = set(ids.playlist_index(["plA"]).tolist())
    songs_a = set((graph.num_playlists + ids.track_index([f"a{i}" for i in range(6)])).tolist())
    assert moved == playlist_a | songs_a
