"""recsys/pipeline.py: train once, then serve from the cache; the Recommender's answers."""

import dataclasses
import errno
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import recsys.train
from recsys import cache, store
from recsys.config import TrainConfig
from recsys.errors import NotSaved, RecsysError
from recsys.pipeline import prepare, train_and_save
from recsys.recommend import Filters
from tests.conftest import TINY_CONFIG, two_playlist_rows


@pytest.fixture
def train_calls(monkeypatch) -> list:
    """Records every training run while still training for real: two per model, the model and
    the held-out run its score scale is fitted on (recsys.calibrate)."""
    calls, real_train = [], recsys.train.train

    def counting(*args, **kwargs):
        calls.append(args)
        return real_train(*args, **kwargs)

    monkeypatch.setattr(recsys.train, "train", counting)
    return calls


def run(data, cache_dir, config=TINY_CONFIG):
    messages = []
    recommender = prepare(data, cache_dir, config, on_message=messages.append)
    return recommender, messages


def serve(data, cache_dir, config=TINY_CONFIG) -> None:
    """Train `config` and make it the installation's default, as the operator would."""
    run(data, cache_dir, config)
    cache.save_current_config(cache_dir, config)


def test_first_prepare_trains_and_writes_the_cache(two_playlists_csv, tmp_path, train_calls):
    recommender, messages = run(two_playlists_csv, tmp_path / "cache")
    assert len(train_calls) == 2
    assert any("training" in m for m in messages)
    path = cache.cache_path(tmp_path / "cache", store.file_digest(two_playlists_csv), TINY_CONFIG)
    assert path.is_file()
    assert not (tmp_path / "cache" / cache.CURRENT_MODEL_FILE).exists()  # serving a model never makes it the default
    assert recommender.embeddings.track.shape == (12, TINY_CONFIG.embedding_dim)
    assert len(recommender.embeddings.loss_history) == TINY_CONFIG.epochs


def test_second_prepare_loads_the_cache_without_training(two_playlists_csv, tmp_path, monkeypatch):
    first, _ = run(two_playlists_csv, tmp_path)

    def no_training(*args, **kwargs):
        raise AssertionError("trained again although the cache was valid")

    monkeypatch.setattr(recsys.train, "train", no_training)
    second, messages = run(two_playlists_csv, tmp_path)
    np.testing.assert_array_equal(second.embeddings.track, first.embeddings.track)
    assert second.embeddings.loss_history == first.embeddings.loss_history
    assert not any("training" in m for m in messages)


def test_prepare_without_a_config_serves_the_current_model(two_playlists_csv, tmp_path, train_calls):
    chosen = TrainConfig(epochs=2, hidden_dim=8, out_dim=4, seed=5)
    run(two_playlists_csv, tmp_path, chosen)
    cache.save_current_config(tmp_path, chosen)  # the operator's choice
    recommender = prepare(two_playlists_csv, tmp_path)
    assert recommender.config == chosen
    assert len(train_calls) == 2


def test_changed_data_file_is_retrained(make_csv, tmp_path, train_calls):
    rows = two_playlist_rows()
    path = make_csv(rows)
    run(path, tmp_path / "cache")
    rows[0]["track_popularity"] = 51  # one byte of metadata is enough: the cache is keyed by the file
    make_csv(rows)
    _, messages = run(path, tmp_path / "cache")
    assert len(train_calls) == 4
    assert any("training" in m for m in messages)


def test_changed_config_is_retrained(two_playlists_csv, tmp_path, train_calls):
    run(two_playlists_csv, tmp_path)
    run(two_playlists_csv, tmp_path, TrainConfig(epochs=3, hidden_dim=16, out_dim=8, seed=1))
    assert len(train_calls) == 4


@pytest.mark.parametrize("damage", [b"", b"\x00garbage\xff" * 10], ids=["empty", "garbage"])
def test_corrupted_cache_is_rebuilt_with_a_message(two_playlists_csv, tmp_path, train_calls, damage):
    first, _ = run(two_playlists_csv, tmp_path)
    path = cache.cache_path(tmp_path, store.file_digest(two_playlists_csv), TINY_CONFIG)
    path.write_bytes(damage)
    second, messages = run(two_playlists_csv, tmp_path)
    assert len(train_calls) == 4
    assert any("unreadable" in m and "training" in m for m in messages)
    np.testing.assert_array_equal(second.embeddings.track, first.embeddings.track)  # same seed, same model
    assert cache.load(path, first.catalogue.ids, store.file_digest(two_playlists_csv), TINY_CONFIG)[0] is not None


@pytest.mark.parametrize("code, reason", [(errno.EROFS, "Read-only file system"), (errno.ENOSPC, "No space left")],
                         ids=["read-only", "full"])
def test_a_cache_that_cannot_be_written_is_served_from_memory(two_playlists_csv, tmp_path, refuse_writes, code, reason):
    refuse_writes(tmp_path, code)
    recommender, messages = run(two_playlists_csv, tmp_path)
    assert recommender.embeddings.track.shape[0] == 12
    assert any("Could not save" in m and reason in m and "from memory" in m for m in messages)
    assert not list(tmp_path.glob("*.npz"))


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC], ids=["read-only", "full"])
def test_a_model_the_disk_refuses_is_handed_back_and_the_served_one_stays(two_playlists, two_playlists_csv, tmp_path,
                                                                         refuse_writes, code):
    digest = store.file_digest(two_playlists_csv)
    served = train_and_save(two_playlists, digest, tmp_path, TINY_CONFIG, serve=True)
    refuse_writes(tmp_path, code)
    other = dataclasses.replace(TINY_CONFIG, seed=1)
    with pytest.raises(NotSaved, match="Could not save the trained model") as refused:
        train_and_save(two_playlists, digest, tmp_path, other, serve=True)
    assert refused.value.embeddings.track.shape == served.track.shape
    assert cache.load_current_config(tmp_path) == TINY_CONFIG
    assert not cache.cache_path(tmp_path, digest, other).exists()
    np.testing.assert_array_equal(cache.load(cache.cache_path(tmp_path, digest, TINY_CONFIG), two_playlists.ids,
                                             digest, TINY_CONFIG)[0].track, served.track)


@pytest.mark.parametrize("below", [False, True], ids=["the-file", "a-folder-below-it"])
def test_a_cache_folder_that_is_a_file_is_refused_before_training(two_playlists_csv, tmp_path, train_calls, below):
    """Regression: every epoch ran before the save found a file where the folder should be."""
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    cache_dir = blocker / "models" if below else blocker
    with pytest.raises(RecsysError) as refused:
        run(two_playlists_csv, cache_dir)
    assert str(refused.value) == (f"No model can be saved in {cache_dir}: {blocker} is a file, not a folder. Move that "
                                  "file, or choose another cache folder (--cache-dir, or RECSYS_CACHE_DIR for the app).")
    assert train_calls == []


# --- the Recommender ------------------------------------------------------------------------------


@pytest.fixture
def with_duplicate(make_csv, tmp_path):
    """The two playlists plus 'a0 again': the same title and artist as a0 under another track_id."""
    rows = two_playlist_rows()
    rows.append({**rows[0], "track_id": "a0-again", "track_name": "Song a0", "track_artist": "Artist a0",
                 "track_album_name": "Greatest Hits", "danceability": 0.01})
    recommender, _ = run(make_csv(rows), tmp_path)
    return recommender


def local(recommender, track_id: str) -> int:
    return int(recommender.catalogue.ids.track_index([track_id])[0])


def test_a_run_stopped_midway_leaves_the_served_model_and_frees_the_lock(two_playlists, two_playlists_csv, tmp_path):
    cache_dir, digest = tmp_path / "cache", store.file_digest(two_playlists_csv)
    serve(two_playlists_csv, cache_dir)

    def stop_at_epoch_2(epoch, *_):
        if epoch == 2:
            raise KeyboardInterrupt  # what a Stop click, a closed tab or Ctrl-C does to the run

    longer = dataclasses.replace(TINY_CONFIG, epochs=5)
    with pytest.raises(KeyboardInterrupt):
        train_and_save(two_playlists, digest, cache_dir, longer, on_epoch=stop_at_epoch_2, serve=True)
    assert cache.load_current_config(cache_dir) == TINY_CONFIG
    assert not cache.cache_path(cache_dir, digest, longer).exists()
    with cache.training_lock(cache_dir):  # released: the next run may start
        pass


def test_a_run_that_waited_for_another_uses_the_model_it_saved(two_playlists, two_playlists_csv, tmp_path, train_calls):
    cache_dir, digest = tmp_path / "cache", store.file_digest(two_playlists_csv)
    first = train_and_save(two_playlists, digest, cache_dir, TINY_CONFIG)
    second = train_and_save(two_playlists, digest, cache_dir, TINY_CONFIG, wait=True)
    assert len(train_calls) == 2
    np.testing.assert_array_equal(first.track, second.track)


def test_training_is_refused_while_another_run_holds_the_cache(two_playlists, two_playlists_csv, tmp_path):
    with cache.training_lock(tmp_path), pytest.raises(RecsysError, match="Another training run"):
        train_and_save(two_playlists, store.file_digest(two_playlists_csv), tmp_path, TINY_CONFIG)


def test_similar_leaves_out_the_query_and_the_same_song_under_another_id(with_duplicate):
    query, twin = local(with_duplicate, "a0"), local(with_duplicate, "a0-again")
    indices, scores = with_duplicate.similar(query, k=100)
    assert query not in indices and twin not in indices
    assert len(indices) == 13 - 2
    assert np.all(np.diff(scores) <= 0)
    twin_indices, _ = with_duplicate.similar(twin, k=100)
    assert query not in twin_indices and twin not in twin_indices


def test_neighbours_table_ranks_ten_songs(with_duplicate):
    query = local(with_duplicate, "b3")
    table = with_duplicate.neighbours_table(query, k=10)
    assert len(table) == 10
    assert table["rank"].tolist() == list(range(1, 11))
    assert query not in table["track"].tolist()
    assert table["score"].is_monotonic_decreasing and table["score"].between(0, 1).all()
    indices, scores = with_duplicate.similar(query, k=10)
    assert table["track"].tolist() == indices.tolist()
    np.testing.assert_allclose(table["score"], scores)
    unit = with_duplicate.embeddings.track
    np.testing.assert_allclose(table["cosine"], unit[indices] @ unit[query], rtol=1e-5)
    ids = with_duplicate.catalogue.tracks["track_id"].to_numpy()
    assert table["track_id"].tolist() == ids[indices].tolist()
    assert {"track_name", "track_artist", "track_album_name", "genre", "playlist_count"} <= set(table.columns)


def test_neighbours_table_is_short_when_the_catalogue_is(with_duplicate):
    table = with_duplicate.neighbours_table(local(with_duplicate, "a1"), k=50)
    assert table["rank"].tolist() == list(range(1, 12))  # 13 tracks, less the query and a0's second release


def test_a_set_of_songs_leaves_out_every_seed_and_its_other_releases(with_duplicate):
    seeds = [local(with_duplicate, "a0"), local(with_duplicate, "b1")]
    table = with_duplicate.neighbours_table(seeds, k=100)
    indices = table["track"].to_numpy()
    left_out = {*seeds, local(with_duplicate, "a0-again")}
    assert not left_out & set(indices.tolist()) and len(indices) == 13 - 3
    unit = with_duplicate.embeddings.track
    np.testing.assert_allclose(table["cosine"], (unit[indices] @ unit[seeds].T).mean(axis=1), rtol=1e-5)


def test_filters_narrow_the_recommendations(with_duplicate):
    query = local(with_duplicate, "a1")
    table = with_duplicate.neighbours_table(query, k=10, filters=Filters(genres=("rap",)))
    assert table["genre"].eq("rap").all() and len(table) == 6  # playlist B's six songs
    assert with_duplicate.neighbours_table(query, filters=Filters(years=(1900, 2100))).empty  # no years in the file


def test_search_and_describe_find_the_song(with_duplicate):
    found = with_duplicate.search("song b4 artist b4", limit=1)
    assert found.matched
    described = with_duplicate.describe(found.tracks)
    assert described.loc[0, "track_id"] == "b4"
    assert described.loc[0, "genre"] == "rap"


def test_feature_profile_is_the_mean_of_the_tracks(with_duplicate):
    tracks = [local(with_duplicate, "a0"), local(with_duplicate, "b5")]
    scaled, raw = with_duplicate.feature_profile(tracks)
    catalogue = with_duplicate.catalogue
    np.testing.assert_allclose(scaled, catalogue.features[tracks].mean(axis=0))
    np.testing.assert_allclose(raw, catalogue.features_raw[tracks].mean(axis=0))
    assert raw[-1] == pytest.approx((150000 + 205000) / 2)  # duration_ms of a0 and b5


def test_different_songs_whose_title_and_artist_run_together_are_both_recommended(make_csv, tmp_path):
    """'Love Me' by Harder and 'Love' by Me Harder are different songs, though "title artist" reads alike."""
    rows = two_playlist_rows()
    rows.append({**rows[0], "track_id": "x1", "track_name": "Love Me", "track_artist": "Harder"})
    rows.append({**rows[0], "track_id": "x2", "track_name": "Love", "track_artist": "Me Harder"})
    recommender, _ = run(make_csv(rows), tmp_path)
    indices, _ = recommender.similar(local(recommender, "x1"), k=100)
    assert local(recommender, "x2") in indices


@pytest.mark.slow  # a `python -m recsys train` process
def test_a_training_process_killed_midway_leaves_the_served_model_and_frees_the_lock(two_playlists_csv, tmp_path):
    cache_dir = tmp_path / "cache"
    serve(two_playlists_csv, cache_dir)
    before = sorted(path.name for path in cache_dir.iterdir())
    command = [sys.executable, "-m", "recsys", "train", "--data", str(two_playlists_csv), "--cache-dir", str(cache_dir),
               "--epochs", "100000", "--out-dim", "4"]
    process = subprocess.Popen(command, cwd=Path(__file__).parent.parent, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not cache.training_under_way(cache_dir):  # the run holds the lock from loading the data to saving
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1)  # well into its epochs
    finally:
        process.kill()
        process.wait()
    assert cache.load_current_config(cache_dir) == TINY_CONFIG
    assert sorted(path.name for path in cache_dir.iterdir() if not path.name.endswith(".tmp")) == before
    with cache.training_lock(cache_dir):  # the OS released the dead process's lock
        pass

