"""recsys/recommend.py: top-k cosine neighbours on a hand-made embedding matrix with a known order."""

import numpy as np
import pytest

from recsys.embeddings import l2_normalise
import pandas as pd

from recsys.recommend import Filters, similar_to_set, similar_tracks

# Unit vectors at these angles (degrees): from track 0, the order is 1 (10°), 2 (30°), 3 (60°), 4 (90°), 5 (180°).
ANGLES = np.radians([0, 10, 30, 60, 90, 180])
EMB = np.stack([np.cos(ANGLES), np.sin(ANGLES)], axis=1).astype(np.float32)


def test_neighbours_come_in_order_of_cosine_similarity():
    indices, scores = similar_tracks(EMB.copy(), 0, 3)
    assert indices.tolist() == [1, 2, 3]
    np.testing.assert_allclose(scores, np.cos(np.radians([10, 30, 60])), rtol=1e-6)


def test_never_returns_the_query():
    for query in range(len(EMB)):
        indices, _ = similar_tracks(EMB.copy(), query, len(EMB))
        assert query not in indices


def test_query_is_left_out_even_when_another_track_is_identical():
    emb = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    indices, scores = similar_tracks(emb, 1, 2)
    assert indices.tolist() == [0, 2]
    np.testing.assert_allclose(scores, [1.0, 0.0])


def test_respects_exclude():
    exclude = np.array([False, True, False, True, False, False])
    indices, _ = similar_tracks(EMB.copy(), 0, 3, exclude=exclude)
    assert indices.tolist() == [2, 4, 5]


def test_scores_are_sorted_descending():
    rng = np.random.default_rng(0)
    emb = l2_normalise(rng.normal(size=(40, 5)))
    indices, scores = similar_tracks(emb, 7, 15)
    assert len(indices) == 15
    assert np.all(np.diff(scores) <= 0)
    np.testing.assert_allclose(scores, emb[indices] @ emb[7], rtol=1e-6)
    expected = np.argsort(-(emb @ emb[7]))[1:16]  # best-first, without the query (its own score is 1)
    assert indices.tolist() == expected.tolist()


def test_k_larger_than_the_catalogue_returns_everything_else():
    indices, scores = similar_tracks(EMB.copy(), 0, 100)
    assert indices.tolist() == [1, 2, 3, 4, 5]
    assert np.isfinite(scores).all()


def test_k_larger_than_what_exclude_leaves_returns_only_the_allowed():
    exclude = np.array([False, True, True, True, True, False])
    indices, _ = similar_tracks(EMB.copy(), 0, 10, exclude=exclude)
    assert indices.tolist() == [5]


@pytest.mark.parametrize("k", [0, -1])
def test_k_zero_or_less_returns_nothing(k):
    indices, scores = similar_tracks(EMB.copy(), 0, k)
    assert len(indices) == 0 and len(scores) == 0
    assert indices.dtype == np.int64


def test_does_not_modify_the_embedding_matrix():
    emb = EMB.copy()
    similar_tracks(emb, 0, 3, exclude=np.array([False, True, False, False, False, False]))
    np.testing.assert_array_equal(emb, EMB)


def test_a_set_is_scored_by_its_mean_cosine_and_its_songs_are_never_returned():
    indices, scores = similar_to_set(EMB.copy(), [0, 2], 4)  # songs at 0° and 30°
    mean = (EMB @ EMB[0] + EMB @ EMB[2]) / 2
    assert indices.tolist() == [1, 3, 4, 5]  # 10°, 60°, 90°, 180°
    np.testing.assert_allclose(scores, mean[[1, 3, 4, 5]], rtol=1e-6)


def test_at_most_n_songs_per_artist_then_the_next_best_of_others():
    artist = np.array([0, 7, 7, 7, 8, 9])  # songs 1, 2, 3 share an artist
    indices, _ = similar_to_set(EMB.copy(), [0], 3, artist=artist, per_artist=1)
    assert indices.tolist() == [1, 4, 5]
    indices, _ = similar_to_set(EMB.copy(), [0], 4, artist=artist, per_artist=2)
    assert indices.tolist() == [1, 2, 4, 5]


def test_the_artist_cap_returns_fewer_when_too_few_artists_are_left():
    indices, _ = similar_to_set(EMB.copy(), [0], 5, artist=np.zeros(6, dtype=int), per_artist=2)
    assert indices.tolist() == [1, 2]


TRACKS = pd.DataFrame({
    "track_artist": ["A", "A", "B", "C", "D"],
    "genre": ["pop", "rock", "pop", "rap", "pop"],
    "release_year": [1999.0, 2005.0, np.nan, 2010.0, 2020.0],
})


@pytest.mark.parametrize("filters, allowed", [
    (Filters(), [True, True, True, True, True]),
    (Filters(genres=("pop", "rap")), [True, False, True, True, True]),
    (Filters(years=(2000, 2010)), [False, True, False, True, False]),  # an unknown year is left out
    (Filters(exclude_seed_artists=True), [False, False, True, True, True]),  # seed 1 is by A
    (Filters(genres=("pop",), years=(1990, 2030), exclude_seed_artists=True), [False, False, False, False, True]),
])
def test_filters_let_through_the_songs_they_describe(filters, allowed):
    assert filters.allowed(TRACKS, np.array([1])).tolist() == allowed
