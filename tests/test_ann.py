"""recsys/ann.py, and the recommender's use of it: approximate candidates, ranked exactly."""

import numpy as np

from recsys import cache, pipeline, store
from recsys.ann import VectorIndex
from recsys.config import TrainConfig
from recsys.embeddings import Embeddings, l2_normalise
from recsys.recommend import Filters
from tests.conftest import TINY_CONFIG, nearest


def clustered(count: int, clusters: int, dim: int, spread: float, seed: int = 0) -> np.ndarray:
    """Unit vectors scattered around `clusters` random centres, as trained song vectors are."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    return l2_normalise(centres[rng.integers(0, clusters, count)] + spread * rng.normal(size=(count, dim)))


def test_candidates_hold_the_exact_ten_nearest_and_come_best_first():
    vectors = clustered(20_000, 100, 32, 0.3)
    index = VectorIndex.build(vectors)
    assert index.index.nprobe < index.index.nlist / 4  # calibrated to a few lists, not a full scan
    recalls = []
    for song in range(0, len(vectors), 200):
        exact = set(nearest(vectors, song, 10).tolist())
        found = index.candidates(vectors[song], 11)
        assert np.all(np.diff(vectors[found] @ vectors[song]) <= 1e-6)
        recalls.append(len(exact & set(found.tolist())) / 10)
    assert np.mean(recalls) >= 0.98


def test_the_recommender_ranks_candidates_exactly_and_scans_everything_when_filters_leave_too_few(two_playlists):
    # Three tight groups of four songs, one per k-means list of the 12-song catalogue; a query
    # made to probe only its own group's list gets four candidates.
    T = two_playlists.ids.num_tracks
    track = np.repeat(np.eye(3, 8), 4, axis=0) + 0.01 * np.random.default_rng(0).normal(size=(T, 8))
    embeddings = Embeddings.from_raw(track, np.ones((two_playlists.ids.num_playlists, 8)), [1.0])
    exact = pipeline.Recommender.build(two_playlists, embeddings, TrainConfig())
    approximate = pipeline.Recommender.build(two_playlists, embeddings, TrainConfig(), exact_up_to=0)
    assert exact.vector_index is None and approximate.vector_index is not None
    approximate.vector_index.index.nprobe = 1
    assert len(approximate.vector_index.candidates(embeddings.track[0], 12)) == 4  # one list of four
    for song in range(T):
        got, want = approximate.similar(song, 3), exact.similar(song, 3)
        assert got[0].tolist() == want[0].tolist()
        np.testing.assert_allclose(got[1], want[1])
    # Ten songs are more than a query's list holds: every song is scanned, and still ranked exactly.
    assert approximate.similar(0, 10)[0].tolist() == exact.similar(0, 10)[0].tolist()
    genres = Filters(genres=("rap",))  # song 0 is rock
    assert approximate.similar(0, 5, genres)[0].tolist() == exact.similar(0, 5, genres)[0].tolist()


def test_a_large_catalogues_index_is_kept_beside_its_model_and_read_back(two_playlists_csv, tmp_path, monkeypatch):
    # exact_up_to=0: the 12-song catalogue treated as a large one
    first = pipeline.prepare(two_playlists_csv, tmp_path, TINY_CONFIG, exact_up_to=0)
    digest = store.file_digest(two_playlists_csv)
    assert cache.index_path(cache.cache_path(tmp_path, digest, TINY_CONFIG)).is_file()

    def no_build(*args, **kwargs):
        raise AssertionError("built the index again although a usable one was kept")

    monkeypatch.setattr(VectorIndex, "build", no_build)
    second = pipeline.prepare(two_playlists_csv, tmp_path, TINY_CONFIG, exact_up_to=0)
    assert second.vector_index.index.nprobe == first.vector_index.index.nprobe
    assert second.vector_index.index.parallel_mode == 1  # a setting faiss does not store
    for song in range(12):
        np.testing.assert_array_equal(second.vector_index.candidates(second.embeddings.track[song], 5),
                                      first.vector_index.candidates(first.embeddings.track[song], 5))
        assert second.similar(song, 3)[0].tolist() == first.similar(song, 3)[0].tolist()


def test_a_disk_that_refuses_the_index_still_serves_it(two_playlists_csv, tmp_path, monkeypatch):
    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "save_index", full_disk)
    recommender = pipeline.prepare(two_playlists_csv, tmp_path, TINY_CONFIG, exact_up_to=0)
    assert recommender.vector_index is not None
    assert len(recommender.similar(0, 3)[0]) == 3
