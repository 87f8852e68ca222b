"""recsys/evaluation/baselines.py: each baseline's known answer on a toy catalogue (the answer every model
shares, on two disjoint playlists, is in tests/test_models_contract.py)."""

import numpy as np
import pytest
import torch

from recsys.evaluation.baselines import ArtistAlbum, AudioFeatures, CoOccurrence, LightGCNBaseline, Popularity, Random, VectorModel
from recsys.config import LightGCNConfig
from recsys.load import load_catalogue


@pytest.fixture()
def toy(make_csv):
    """Tracks x, y share playlist p1; y, z share p2; w is alone in p3; c is in no playlist (cold).

    x and c are by the same artist; z and w share an album.
    """
    rows = [
        {"track_id": "x", "playlist_id": "p1", "track_artist": "Ann", "track_popularity": 10},
        {"track_id": "y", "playlist_id": "p1", "track_artist": "Bob"},
        {"track_id": "y", "playlist_id": "p2", "track_artist": "Bob"},
        {"track_id": "z", "playlist_id": "p2", "track_artist": "Cat", "track_album_name": "Shared"},
        {"track_id": "w", "playlist_id": "p3", "track_artist": "Cat", "track_album_name": "Shared",
         "danceability": 0.9, "energy": 0.9},
        {"track_id": "c", "playlist_id": "", "track_artist": "Ann", "track_popularity": 90},
    ]
    return load_catalogue(make_csv(rows))


def index(catalogue, *ids):
    return catalogue.ids.track_index(list(ids))


def test_popularity_ranks_by_playlist_count_then_spotify_popularity(toy):
    scores = Popularity().fit(toy, 0).set_scores([index(toy, "x")])[0]
    order = toy.tracks["track_id"].to_numpy()[np.argsort(-scores, kind="stable")]
    assert order[0] == "y"  # two playlists
    assert list(order[-1:]) == ["c"]  # no playlist, even though Spotify rates it 90


def test_co_occurrence_knows_songs_that_share_a_playlist_and_nothing_of_cold_ones(toy):
    model = CoOccurrence().fit(toy, 0)
    row = model.song_scores(index(toy, "x"))[0]
    assert row[index(toy, "y")[0]] > 0
    assert row[index(toy, "z")[0]] == 0 and row[index(toy, "w")[0]] == 0
    assert model.song_scores(index(toy, "c"))[0].max() == 0  # a cold song is a zero vector


def test_artist_album_rule_finds_same_artist_and_same_album(toy):
    model = ArtistAlbum().fit(toy, 0)
    assert model.neighbours(index(toy, "x"), 1)[0][0] == index(toy, "c")[0]  # same artist, no playlist
    assert model.neighbours(index(toy, "z"), 1)[0][0] == index(toy, "w")[0]  # same artist and album
    sets = model.set_scores([index(toy, "x", "z")])[0]
    assert sets[index(toy, "w")[0]] == pytest.approx(1.0, abs=0.1)  # (0 + 2) / 2 songs


def test_audio_features_make_identical_songs_most_similar(toy):
    model = AudioFeatures().fit(toy, 0)
    # x, y, z and c carry the same default features; w sounds different.
    neighbours = set(model.neighbours(index(toy, "x"), 3)[0])
    assert neighbours == set(index(toy, "y", "z", "c"))


def test_random_is_seeded(toy):
    first = Random().fit(toy, 5).set_scores([index(toy, "x")])
    again = Random().fit(toy, 5).set_scores([index(toy, "x")])
    assert np.array_equal(first, again)
    assert first.shape == (1, toy.ids.num_tracks)


def test_mean_similarity_to_a_set_equals_the_mean_of_song_rows(toy):
    model = CoOccurrence().fit(toy, 0)
    songs = index(toy, "x", "y")
    assert np.allclose(model.set_scores([songs])[0], model.song_scores(songs).mean(axis=0))


def test_lightgcn_follows_its_settings_and_its_seed_alone(two_playlists):
    state = torch.get_rng_state()
    tiny = LightGCNConfig(epochs=3, dim=8, layers=2)
    first, again, other = (LightGCNBaseline(tiny).fit(two_playlists, seed) for seed in (0, 0, 1))
    assert first.track_vectors.shape == (12, 8) and first.playlist_vectors.shape == (2, 8)
    np.testing.assert_array_equal(first.track_vectors, again.track_vectors)
    assert not np.array_equal(first.track_vectors, other.track_vectors)
    assert torch.equal(torch.get_rng_state(), state)  # the caller's RNG is left as it was


def test_artist_album_rule_never_links_songs_whose_artist_and_album_are_missing(make_csv):
    # Regression: an empty artist and album were one code each, so every such song was "the same artist".
    rows = [{"track_id": t, "track_artist": "", "track_album_name": "", "playlist_id": p}
            for t, p in (("a", "p1"), ("b", "p2"), ("c", "p3"))]
    catalogue = load_catalogue(make_csv(rows))
    model = ArtistAlbum().fit(catalogue, 0)
    assert model.song_scores(index(catalogue, "a"))[0].max() < 0.1  # tie-break only
    assert model.set_scores([index(catalogue, "a", "b")])[0].max() < 0.1


def test_a_vector_model_scores_with_the_vectors_it_is_given():
    model = VectorModel().set_vectors(np.array([[3.0, 0.0], [0.0, 2.0], [1.0, 1.0]]))
    np.testing.assert_allclose(model.song_scores(np.array([0]))[0], [1.0, 0.0, 2 ** -0.5], rtol=1e-6)
    np.testing.assert_allclose(model.set_scores([np.array([0, 1])])[0], [0.5, 0.5, 2 ** -0.5], rtol=1e-6)


@pytest.mark.slow  # the full shipped data
def test_lightgcn_gives_one_model_per_seed_with_several_threads_on_the_real_data():
    # Regression: without PyTorch's deterministic mode two threads summed in another order each run.
    from recsys.config import DEFAULT_DATA

    catalogue = load_catalogue(DEFAULT_DATA)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        first, second = (LightGCNBaseline(LightGCNConfig(epochs=3)).fit(catalogue, 0) for _ in range(2))
    finally:
        torch.set_num_threads(threads)
    np.testing.assert_array_equal(first.track_vectors, second.track_vectors)
