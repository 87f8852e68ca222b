"""recsys/evaluation/split.py: held-out edges never leak into training; cold-start tracks stay in the catalogue."""

import numpy as np

from recsys.load import load_catalogue
from recsys.evaluation.split import holdout_split


def test_split_never_leaks_test_edges_into_training(two_playlists):
    split = holdout_split(two_playlists, seed=0)
    train = set(zip(split.train.edge_playlist, split.train.edge_track))
    test = set(zip(split.test_playlist, split.test_track))
    everything = set(zip(two_playlists.edge_playlist, two_playlists.edge_track))
    assert train.isdisjoint(test)
    assert train | test == everything


def test_a_fifth_of_each_playlist_of_five_or_more_is_held_out(make_csv):
    rows = [{"track_id": f"a{i}", "playlist_id": "big"} for i in range(10)]
    rows += [{"track_id": f"b{i}", "playlist_id": "small"} for i in range(4)]  # under 5: all kept
    catalogue = load_catalogue(make_csv(rows))
    split = holdout_split(catalogue, seed=3)
    held = catalogue.playlists["playlist_id"].to_numpy()[split.test_playlist]
    assert list(held) == ["big", "big"]


def test_a_track_whose_only_edge_is_held_out_stays_as_a_cold_start_track(two_playlists):
    split = holdout_split(two_playlists, seed=0)
    counts = split.train.tracks["playlist_count"].to_numpy()
    assert split.train.ids.num_tracks == two_playlists.ids.num_tracks  # no track dropped
    assert (counts[split.test_track] == 0).all()  # each track here is in one playlist only
    assert split.cold_test.all()
    assert np.array_equal(split.train.features, two_playlists.features)


def test_the_split_is_seeded(two_playlists):
    first, again = holdout_split(two_playlists, seed=1), holdout_split(two_playlists, seed=1)
    assert np.array_equal(first.test_track, again.test_track)
    others = [holdout_split(two_playlists, seed=s).test_track for s in range(2, 6)]
    assert any(not np.array_equal(first.test_track, other) for other in others)


def test_the_training_catalogue_keeps_every_songs_genres_from_the_whole_catalogue(two_playlists):
    split = holdout_split(two_playlists, seed=0)
    train = split.train
    held = int(split.test_track[0])  # in no training playlist now, yet still a rock or rap song
    assert train.tracks["playlist_count"].iat[held] == 0
    assert train.genre_counts(held) == two_playlists.genre_counts(held)
    assert np.array_equal(train.has_genre(["rock"]), two_playlists.has_genre(["rock"]))
    assert train.tracks["genre"].equals(two_playlists.tracks["genre"])
