"""recsys/graph.py and recsys/ids.py: node numbering, undirected edges, features."""

import numpy as np
import pytest
import torch

from recsys.graph import build_graph
from recsys.ids import IdMap
from recsys.load import load_catalogue


@pytest.fixture
def small(make_csv):
    """2 playlists, 3 tracks, 4 edges: p1 → {x, y}, p2 → {y, z}."""
    return load_catalogue(make_csv([
        {"track_id": "x", "playlist_id": "p1", "tempo": 100},
        {"track_id": "y", "playlist_id": "p1", "tempo": 150},
        {"track_id": "y", "playlist_id": "p2", "tempo": 150},
        {"track_id": "z", "playlist_id": "p2", "tempo": 200},
    ]))


def edge_set(edge_index: torch.Tensor) -> set[tuple[int, int]]:
    return set(map(tuple, edge_index.t().tolist()))


def test_playlists_are_nodes_0_to_p_minus_1_and_tracks_follow(small):
    graph = build_graph(small, seed=0)
    assert (graph.num_playlists, graph.num_tracks) == (2, 3)
    assert graph.pos_playlist.tolist() == [0, 0, 1, 1]
    assert graph.pos_track.tolist() == [2, 3, 3, 4]  # x, y, y, z offset by P = 2
    assert graph.pos_playlist.max() < graph.num_playlists <= graph.pos_track.min()


def test_every_edge_appears_in_both_directions(small):
    graph = build_graph(small, seed=0)
    assert graph.edge_index.shape == (2, 2 * 4)
    assert edge_set(graph.edge_index) == {(0, 2), (0, 3), (1, 3), (1, 4), (2, 0), (3, 0), (3, 1), (4, 1)}
    dense = graph.adj_t.to_dense()
    assert torch.equal(dense, dense.t())
    assert dense.sum().item() == 8


def test_track_rows_of_x_are_the_scaled_features(small):
    graph = build_graph(small, seed=0)
    assert graph.x.shape == (2 + 3, 12)
    assert graph.x.dtype == torch.float32
    np.testing.assert_array_equal(graph.x[2:].numpy(), small.features)


def test_playlist_features_are_seeded(small):
    first, again, other = build_graph(small, seed=7), build_graph(small, seed=7), build_graph(small, seed=8)
    assert torch.equal(first.x[:2], again.x[:2])
    assert not torch.equal(first.x[:2], other.x[:2])
    assert torch.equal(first.x[2:], other.x[2:])  # the seed touches playlists only


def test_two_playlists_graph_has_no_edge_between_the_halves(two_playlists):
    graph = build_graph(two_playlists, seed=0)
    ids = two_playlists.ids
    a = ids.playlist_index(["plA"])[0]
    a_tracks = set(ids.track_node(ids.track_index([f"a{i}" for i in range(6)])).tolist())
    linked = {t for p, t in zip(graph.pos_playlist.tolist(), graph.pos_track.tolist()) if p == a}
    assert linked == a_tracks


def test_id_map_round_trip_and_offsets():
    ids = IdMap.from_ids(["pa", "pb"], ["t0", "t1", "t2"])
    assert (ids.num_playlists, ids.num_tracks, ids.num_nodes) == (2, 3, 5)
    local = ids.track_index(["t2", "t0"])
    assert local.tolist() == [2, 0]
    nodes = ids.track_node(local)
    assert nodes.tolist() == [4, 2]
    assert ids.track_local(nodes).tolist() == [2, 0]
    assert ids.track_ids[ids.track_local(nodes)].tolist() == ["t2", "t0"]
    assert ids.playlist_ids[ids.playlist_index(["pb", "pa"])].tolist() == ["pb", "pa"]


def test_id_map_unknown_id_is_minus_one():
    ids = IdMap.from_ids(["pa"], ["t0", "t1"])
    assert ids.track_index(["t1", "nope"]).tolist() == [1, -1]
    assert ids.playlist_index(["nope", "pa"]).tolist() == [-1, 0]


def test_id_map_keeps_numeric_looking_ids_as_text():
    ids = IdMap.from_ids(["001"], ["1", "01"])
    assert ids.track_index(["01", "1", 1]).tolist() == [1, 0, -1]
