"""recsys/kg.py: the knowledge graph's typed edges, and that the model learns playlist structure."""

import numpy as np

from recsys.baselines import KnowledgeGraphModel
from recsys.kg import RELATIONS, build_knowledge_graph
from recsys.load import load_catalogue
from tests.conftest import COLUMNS, PLAYLIST_SIZE


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


def test_the_knowledge_graph_model_learns_which_songs_share_a_playlist(two_playlists):
    model = KnowledgeGraphModel().fit(two_playlists, 0)
    playlist_of = dict(zip(two_playlists.edge_track, two_playlists.edge_playlist))
    tracks = np.arange(two_playlists.ids.num_tracks)
    same = [playlist_of[n] == playlist_of[t] for t, row in zip(tracks, model.neighbours(tracks, PLAYLIST_SIZE - 1)) for n in row]
    assert np.mean(same) > 0.9
