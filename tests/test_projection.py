"""recsys/projection.py: the 2-D PCA map of the embeddings."""

import numpy as np
import pytest

from recsys import cache
from recsys.projection import (MAP_LOG, MapNotReady, explained_variance, map_sample, neighbourhood_preservation,
                               pca_2d, preservation_sample, start_map, store_map, stored_map, tsne_2d)

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


# Four songs in two pairs by angle: 0 and 10 degrees, 90 and 100 degrees. Each song's one nearest is its pair.
PAIRS = np.array([[np.cos(np.radians(a)), np.sin(np.radians(a))] for a in (0, 10, 90, 100)])


@pytest.mark.parametrize("xs, kept", [
    ([0, 1, 5, 6.5], 1.0),  # both pairs side by side
    ([0, 5, 1, 6], 0.0),  # interleaved: every song's map neighbour is from the other pair
    ([0, 1, 3, 10], 0.75),  # song 2 lands nearer song 1 than its own pair
], ids=["kept", "lost", "three-of-four"])
def test_preservation_is_the_share_of_model_neighbours_kept_on_the_map(xs, kept):
    coords = np.stack([xs, np.zeros(4)], axis=1)
    assert neighbourhood_preservation(PAIRS, coords, k=1) == pytest.approx(kept)


def test_preservation_counts_only_the_query_songs_and_never_the_song_itself():
    coords = np.stack([[0, 1, 3, 10], np.zeros(4)], axis=1)
    assert neighbourhood_preservation(PAIRS, coords, k=1, queries=np.array([2, 3])) == pytest.approx(0.5)
    # k = 3 of 4 songs: every other song is a neighbour everywhere, whatever the map.
    assert neighbourhood_preservation(PAIRS, coords, k=3) == pytest.approx(1.0)
    assert neighbourhood_preservation(PAIRS[:1], coords[:1]) == 1.0  # one song: nothing to lose


def test_preservation_is_measured_on_a_fixed_sample_of_a_large_catalogue():
    assert preservation_sample(1_500) is None
    sample = preservation_sample(28_356)
    assert len(sample) == 2_000 and sample.tolist() == preservation_sample(28_356).tolist()


def test_a_stored_map_is_read_back_only_for_the_vectors_it_maps(tmp_path):
    vectors = np.random.default_rng(3).standard_normal((40, 5)).astype(np.float32)
    coords = np.random.default_rng(4).standard_normal((40, 2)).astype(np.float32)
    path = cache.projection_path(tmp_path / "embeddings-aaaa-bbbb.npz")
    assert path.name == "map-aaaa-bbbb.npz"
    assert cache.load_projection(path, vectors) is None  # nothing stored yet: the page shows PCA
    cache.save_projection(path, vectors, coords, {"pca": 0.1, "tsne": 0.5})
    stored, preservation = cache.load_projection(path, vectors)
    np.testing.assert_array_equal(stored, coords)
    assert preservation == {"pca": 0.1, "tsne": 0.5}
    assert cache.load_projection(path, vectors + 1) is None  # retrained since: never a stale map
    assert cache.load_projection(path, vectors[:39]) is None
    path.write_bytes(path.read_bytes()[:-20])  # cut short
    assert cache.load_projection(path, vectors) is None


def test_store_map_keeps_a_seeded_tsne_map_that_keeps_neighbours_better_than_pca(tmp_path):
    # A closed curve that winds five times round its widest plane: PCA shows that plane, folding the
    # curve onto itself (0.565 kept); t-SNE unrolls it (0.683).
    t = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    vectors = np.stack([0.5 * np.cos(t), 0.5 * np.sin(t), np.cos(5 * t), np.sin(5 * t)], axis=1).astype(np.float32)
    embeddings = tmp_path / "embeddings-aaaa-bbbb.npz"
    assert store_map(embeddings, vectors)
    coords, preservation = cache.load_projection(cache.projection_path(embeddings), vectors)
    np.testing.assert_array_equal(coords, tsne_2d(vectors))  # the same picture every time
    assert set(preservation) == {"pca", "tsne"}
    assert preservation["tsne"] > preservation["pca"] + 0.1
    assert preservation["pca"] == pytest.approx(neighbourhood_preservation(vectors, pca_2d(vectors)))


def test_store_map_leaves_a_map_being_computed_to_the_process_computing_it(tmp_path):
    vectors = np.random.default_rng(6).standard_normal((30, 4)).astype(np.float32)
    embeddings = tmp_path / "embeddings-aaaa-bbbb.npz"
    with cache.projection_lock(cache.projection_path(embeddings)):
        assert not store_map(embeddings, vectors)
    assert cache.load_projection(cache.projection_path(embeddings), vectors) is None


@pytest.mark.slow  # a `python -m recsys.projection` process
def test_the_command_stores_the_map_of_a_model_trained_before_maps_were_kept(tmp_path):
    import subprocess
    import sys

    vectors = np.random.default_rng(7).standard_normal((30, 4)).astype(np.float32)
    embeddings = tmp_path / "embeddings-aaaa-bbbb.npz"
    np.savez(embeddings, track_emb=vectors)
    subprocess.run([sys.executable, "-m", "recsys.projection", str(embeddings)], check=True, timeout=120)
    coords, _ = cache.load_projection(cache.projection_path(embeddings), vectors)
    np.testing.assert_array_equal(coords, tsne_2d(vectors))


@pytest.mark.slow  # the map process it starts
def test_start_map_makes_the_map_in_a_process_of_its_own_once(tmp_path):
    import time

    vectors = np.random.default_rng(8).standard_normal((30, 4)).astype(np.float32)
    embeddings = tmp_path / "embeddings-aaaa-bbbb.npz"
    assert not start_map(embeddings)  # no model on disk (served from memory): no map is coming
    np.savez(embeddings, track_emb=vectors)
    path = cache.projection_path(embeddings)
    with cache.projection_lock(path):  # another process is making it: none is started
        assert start_map(embeddings)
        assert not (tmp_path / MAP_LOG).exists()
    assert start_map(embeddings)
    deadline = time.monotonic() + 120
    while cache.load_projection(path, vectors) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    np.testing.assert_array_equal(stored_map(embeddings, vectors).coords, tsne_2d(vectors))
    while cache.projection_under_way(path):  # the process has let go of the lock and written its line
        time.sleep(0.1)
    assert (tmp_path / MAP_LOG).read_text().count("stored") == 1


def test_stored_map_says_whether_a_map_is_coming(tmp_path, monkeypatch):
    vectors = np.random.default_rng(9).standard_normal((10, 4)).astype(np.float32)
    monkeypatch.setattr("recsys.projection.start_map", lambda path: True)
    with pytest.raises(MapNotReady) as pending:
        stored_map(tmp_path / "embeddings-aaaa-bbbb.npz", vectors)
    assert pending.value.coming
