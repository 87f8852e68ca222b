"""recsys/synth.py: a synthetic catalogue in the shipped format, with the real data's shape."""

import numpy as np
import pandas as pd
import pytest

from recsys.cli import main
from recsys.config import DEFAULT_DATA
from recsys.errors import RecsysError
from recsys.load import load_catalogue
from recsys.synth import synthesize


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "songs.csv"
    assert main(["synth", "--tracks", "20000", "--playlists", "400", "--seed", "1", "--out", str(path)]) == 0
    return load_catalogue(path)


def test_the_file_has_the_shipped_columns_and_loads_without_repairs(catalogue):
    shipped = pd.read_csv(DEFAULT_DATA, nrows=1).columns.tolist()
    assert synthesize(50, 3).columns.tolist() == shipped
    assert catalogue.report.tracks == 20000 and catalogue.report.playlists == 400
    assert not catalogue.report.repairs and not catalogue.report.duplicate_rows


def test_sizes_follow_long_tails_like_the_real_data(catalogue):
    per_artist = catalogue.tracks.groupby("track_artist").size()
    assert per_artist.median() == 1 and 1.8 < per_artist.mean() < 3.5 and per_artist.max() > 30
    lengths = np.bincount(catalogue.edge_playlist)
    assert lengths.min() >= 3 and lengths.max() > 3 * np.median(lengths)
    in_playlists = catalogue.tracks["playlist_count"]
    assert in_playlists.max() >= 10 and (in_playlists == 0).any()  # hits, and cold-start songs


def test_audio_features_and_years_depend_on_the_genre(catalogue):
    warm = catalogue.tracks["playlist_count"] > 0
    speech = pd.Series(catalogue.features_raw[warm.to_numpy(), 5], index=catalogue.tracks["genre"][warm])
    by_genre = speech.groupby(level=0).mean()
    assert by_genre["rap"] > 2 * by_genre["rock"]  # speechiness, as in the shipped data
    years = catalogue.tracks[warm].groupby("genre")["release_year"].median()
    assert years["rock"] < years["edm"] - 10


def test_playlists_keep_to_a_few_artists(catalogue):
    artists = catalogue.tracks["track_artist"].to_numpy()[catalogue.edge_track]
    def songs_per_artist(playlist):
        frame = pd.DataFrame({"playlist": playlist, "artist": artists})
        return (frame.groupby("playlist").size() / frame.groupby("playlist")["artist"].nunique()).mean()

    shuffled = np.random.default_rng(0).permutation(catalogue.edge_playlist)  # same songs, dealt at random
    assert songs_per_artist(catalogue.edge_playlist) > 1.2 * songs_per_artist(shuffled)


def test_the_same_seed_writes_the_same_file_and_another_does_not():
    assert synthesize(500, 20, seed=4).equals(synthesize(500, 20, seed=4))
    assert not synthesize(500, 20, seed=4).equals(synthesize(500, 20, seed=5))


@pytest.mark.parametrize("tracks, playlists, mean_length", [(9, 5, 50), (100, 0, 50), (100, 5, 4)])
def test_sizes_too_small_to_shape_are_refused(tracks, playlists, mean_length):
    with pytest.raises(RecsysError, match="at least 10 tracks"):
        synthesize(tracks, playlists, mean_length)
