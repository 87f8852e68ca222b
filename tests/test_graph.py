"""recsys/graph.py and recsys/ids.py: node numbering, undirected edges, features, the knowledge graph's typed edges."""

import numpy as np
import pytest
import torch

from recsys.graph import RELATIONS, build_graph, build_knowledge_graph
from recsys.ids import IdMap
from recsys.load import load_catalogue
from tests.conftest import COLUMNS


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


def test_every_relation_is_present_in_both_directions(two_playlists):
    graph = build_knowledge_graph(two_playlists)
    P, T = two_playlists.ids.num_playlists, two_playlists.ids.num_tracks
    counts = np.bincount(graph.edge_relation.numpy(), minlength=len(RELATIONS)) // 2
    # 12 playlist edges, one artist and one album per track, one genre and subgenre per playlist
    assert list(counts) == [len(two_playlists.edge_track), T, T, P, P]
    edges = set(zip(graph.edge_row.tolist(), graph.edge_col.tolist()))
    assert all((b, a) in edges for a, b in edges)
    # 2 playlists, 12 tracks, 12 artists, 12 albums, 2 genres ("rock", "rap"), 1 subgenre
    assert graph.num_nodes == P + T + 12 + 12 + 2 + 1
    assert graph.num_entities == 12 + 12 + 2 + 1


def test_the_knowledge_graph_is_a_csr_matrix_with_its_degrees_per_relation(small):
    """p1 → {x, y}, p2 → {y, z}: nodes p1 p2 x y z, then artists x y z, albums x y z, genre, subgenre."""
    graph = build_knowledge_graph(small)
    assert graph.num_nodes == 2 + 3 + 3 + 3 + 1 + 1
    rows = graph.edge_row.tolist()
    assert rows == sorted(rows)  # CSR order: by row, then column within a row
    assert graph.crow.tolist() == [0] + np.cumsum(np.bincount(rows, minlength=graph.num_nodes)).tolist()
    dense = graph.weighted(torch.tensor([1.0, 10.0, 100.0, 1000.0, 10000.0])).to_dense()
    assert torch.equal(dense, dense.t())
    # y (node 3): two playlists, its artist (node 6) and its album (node 9)
    assert {c: dense[3, c].item() for c in torch.nonzero(dense[3]).flatten().tolist()} == {
        0: 1.0, 1: 1.0, 6: 10.0, 9: 100.0}
    assert graph.degree[3].tolist() == [2, 1, 1, 0, 0]
    assert graph.degree[0].tolist() == [2, 0, 0, 1, 1]  # p1: x, y, its genre and subgenre
    assert graph.degree[11].tolist() == [0, 0, 0, 2, 0]  # the genre: both playlists
    assert graph.pos_playlist.tolist() == [0, 0, 1, 1] and graph.pos_track.tolist() == [2, 3, 3, 4]


def test_an_upload_without_genres_has_no_genre_node_joining_every_playlist(make_csv):
    # Regression: every playlist had an edge to one "" genre node, and so to every other playlist.
    rows = [{"track_id": f"t{i}", "playlist_id": f"p{i % 2}"} for i in range(4)]
    catalogue = load_catalogue(make_csv(rows, columns=[c for c in COLUMNS if c not in ("playlist_genre", "playlist_subgenre")]))
    graph = build_knowledge_graph(catalogue)
    assert graph.num_nodes == 2 + 4 + 4 + 4  # playlists, tracks, artists, albums: no genre, no subgenre
    counts = np.bincount(graph.edge_relation.numpy(), minlength=len(RELATIONS)) // 2
    assert list(counts) == [4, 4, 4, 0, 0]


def test_a_song_with_no_artist_or_album_named_has_no_edge_to_one(make_csv):
    rows = [{"track_id": "a"}, {"track_id": "b", "track_artist": "", "track_album_name": ""},
            {"track_id": "c", "track_artist": "", "track_album_name": ""}]
    graph = build_knowledge_graph(load_catalogue(make_csv(rows)))
    assert graph.num_nodes == 1 + 3 + 1 + 1 + 1 + 1  # a's artist and album only
    assert list(np.bincount(graph.edge_relation.numpy(), minlength=len(RELATIONS)) // 2) == [3, 1, 1, 1, 1]
