"""The contract every evaluated model keeps (recsys.evaluation.evaluate.EVALUATED_MODELS: the baselines and both trained
models), on the two-disjoint-playlists dataset whose answer is known: a model that learns from
playlists finds each song's neighbours in its own playlist; one that does not, cannot."""

import numpy as np
import pytest

from recsys.evaluation.evaluate import EVALUATED_MODELS
from recsys.load import load_catalogue
from tests.conftest import PLAYLIST_SIZE, two_playlist_rows, write_songs_csv

# The models that learn from playlist membership, and so must find the known answer.
LEARN_PLAYLISTS = {"co-occurrence", "lightgcn", "gcn-paper", "kg"}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """The two-disjoint-playlists dataset (tests/conftest.py), loaded once for the module."""
    return load_catalogue(write_songs_csv(tmp_path_factory.mktemp("two") / "two.csv", two_playlist_rows()))


@pytest.fixture(scope="module", params=[(name, seed) for name in EVALUATED_MODELS for seed in (0, 1, 2)], ids=str)
def fitted(request, catalogue):
    """Each model once per seed, fitted as the evaluation fits it."""
    name, seed = request.param
    return name, EVALUATED_MODELS[name]().fit(catalogue, seed), catalogue


def test_scores_come_in_the_shared_shapes(fitted):
    _, model, catalogue = fitted
    T = catalogue.ids.num_tracks
    sets = [np.array([0, 1]), np.array([5])]
    assert model.song_scores(np.array([0, 3, 4])).shape == (3, T)
    assert model.set_scores(sets).shape == (2, T)
    assert model.playlist_scores(np.array([0, 1]), sets).shape == (2, T)


def test_neighbours_are_k_other_songs(fitted):
    _, model, catalogue = fitted
    tracks = np.arange(catalogue.ids.num_tracks)
    neighbours = model.neighbours(tracks, PLAYLIST_SIZE - 1)
    assert neighbours.shape == (len(tracks), PLAYLIST_SIZE - 1)
    assert not (neighbours == tracks[:, None]).any()  # never the song itself
    assert all(len(set(row)) == len(row) for row in neighbours.tolist())


def test_a_songs_neighbours_come_from_its_own_playlist_exactly_when_the_model_learns_playlists(fitted):
    """Audio features interleave the playlists, and every song has its own artist and album: only
    playlist membership can put each song with the five others of its playlist."""
    name, model, catalogue = fitted
    playlist_of = catalogue.tracks["track_id"].str[0].to_numpy()  # 'a' or 'b'
    tracks = np.arange(catalogue.ids.num_tracks)
    own = [set(playlist_of[row]) == {playlist_of[track]}
           for track, row in zip(tracks, model.neighbours(tracks, PLAYLIST_SIZE - 1))]
    if name in LEARN_PLAYLISTS:
        assert all(own), [catalogue.tracks["track_id"][t] for t in tracks if not own[t]]
    elif name == "audio-features":  # the features interleave A and B: no song's neighbours are all its own
        assert not any(own)
    else:
        assert not all(own)  # guards the known answer: if this model found it too, it would prove nothing
