"""recsys/projection.py: the 2-D PCA map of the embeddings."""

import numpy as np
import pytest

from recsys.projection import explained_variance, map_sample, pca_2d

E1, E2, E3 = np.eye(3)


def test_two_directions_map_onto_the_first_axis_with_the_largest_loading_positive():
    u, v = E1, np.array([0.6, 0.8, 0.0])
    vectors = np.stack([u, 2 * u, v, 5 * v])  # lengths differ: rows are normalised first
    coords = pca_2d(vectors)
    # The axis is along v - u = (-0.4, 0.8, 0); its largest loading (0.8) is made positive, so v's
    # songs land on the positive side, each half the distance |u - v| = sqrt(0.8) from the middle.
    half = np.sqrt(0.8) / 2
    np.testing.assert_allclose(coords[:, 0], [-half, -half, half, half], atol=1e-6)
    np.testing.assert_allclose(coords[:, 1], 0, atol=1e-6)
    assert explained_variance(vectors) == pytest.approx(1.0)


def test_variance_share_and_axes_of_a_constructed_example():
    # Centred already; variance 4 along e1, 2 along e2 and 2 along e3: the map keeps (4 + 2) / 8.
    vectors = np.stack([E1, -E1, E1, -E1, E2, -E2, E3, -E3])
    assert explained_variance(vectors) == pytest.approx(0.75)
    np.testing.assert_allclose(pca_2d(vectors)[:4, 0], [1, -1, 1, -1], atol=1e-6)


def test_the_picture_does_not_depend_on_the_sign_the_solver_returns(monkeypatch):
    vectors = np.random.default_rng(0).standard_normal((50, 6))
    expected = pca_2d(vectors)
    eigh = np.linalg.eigh
    monkeypatch.setattr(np.linalg, "eigh", lambda matrix: (eigh(matrix)[0], -eigh(matrix)[1]))
    np.testing.assert_array_equal(pca_2d(vectors), expected)


def test_two_dimensional_embeddings_keep_their_cosine_distances():
    vectors = np.random.default_rng(1).standard_normal((20, 2))
    units = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    coords = pca_2d(vectors)
    distance = lambda points: np.linalg.norm(points[:, None] - points[None], axis=-1)  # noqa: E731
    np.testing.assert_allclose(distance(coords), distance(units), atol=1e-5)
    assert explained_variance(vectors) == pytest.approx(1.0)


def test_output_is_float32_with_two_columns_per_song():
    coords = pca_2d(np.random.default_rng(2).standard_normal((30, 8)).astype(np.float32))
    assert coords.shape == (30, 2) and coords.dtype == np.float32
    assert 0 < explained_variance(np.random.default_rng(2).standard_normal((30, 8))) < 1


@pytest.mark.parametrize("vectors", [
    np.zeros((0, 4)),  # no songs
    np.ones((1, 4)),  # one song
    np.tile([0.3, -1.0, 2.0], (5, 1)),  # every song the same
    np.zeros((3, 4)),  # untrained, all-zero embeddings
    np.array([[2.0], [-1.0], [3.0]]),  # one dimension
], ids=["empty", "one-song", "constant", "zero", "d=1"])
def test_degenerate_inputs_give_finite_coordinates(vectors):
    coords = pca_2d(vectors)
    assert coords.shape == (len(vectors), 2)
    assert np.isfinite(coords).all()
    assert 0 <= explained_variance(vectors) <= 1


def test_one_dimension_uses_only_the_first_axis():
    coords = pca_2d(np.array([[2.0], [-1.0], [3.0]]))
    np.testing.assert_allclose(coords[:, 1], 0)
    assert len(set(np.round(coords[:, 0], 6))) == 2  # +1 and -1 after normalising, two apart


def test_the_map_draws_every_song_up_to_its_limit_then_the_same_sorted_sample():
    assert map_sample(28_356, limit=50_000) is None
    sample = map_sample(1_000, limit=100)
    assert len(sample) == 100 and len(set(sample.tolist())) == 100
    assert np.all(np.diff(sample) > 0) and sample.min() >= 0 and sample.max() < 1_000
    assert map_sample(1_000, limit=100).tolist() == sample.tolist()
