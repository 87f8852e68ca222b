"""recsys/cache.py: round trip, staleness, unreadable files, interrupted saves, the current-model pointer, the index."""

import dataclasses
import errno
import json
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from recsys import cache, store
from recsys.config import TrainConfig
from recsys.embeddings import Calibration, Embeddings
from recsys.ids import IdMap

CONFIG = TrainConfig(epochs=3, hidden_dim=16, out_dim=4, seed=0)
IDS = IdMap.from_ids(["p0", "p1"], ["t0", "t1", "t2"])
DIGEST = "ab" * 32


def make_embeddings(seed: int = 0) -> Embeddings:
    rng = np.random.default_rng(seed)
    return Embeddings.from_raw(rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), [0.9, 0.7, 0.6])


@pytest.fixture
def saved(tmp_path) -> tuple[Path, Embeddings]:
    path = cache.cache_path(tmp_path, DIGEST, CONFIG)
    embeddings = make_embeddings()
    cache.save(path, embeddings, IDS, DIGEST, CONFIG)
    return path, embeddings


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_save_then_load_gives_equal_arrays(saved):
    path, embeddings = saved
    loaded, why = cache.load(path, IDS, DIGEST, CONFIG)
    assert why == ""
    np.testing.assert_array_equal(loaded.track, embeddings.track)
    np.testing.assert_array_equal(loaded.playlist, embeddings.playlist)
    assert loaded.track.dtype == np.float32
    assert loaded.loss_history == embeddings.loss_history


def test_archive_holds_no_pickles(saved):
    path, embeddings = saved
    with np.load(path, allow_pickle=False) as archive:
        assert archive["track_ids"].tolist() == ["t0", "t1", "t2"]
        assert archive["playlist_ids"].tolist() == ["p0", "p1"]
        assert all(archive[name].dtype != object for name in archive.files)


def test_cache_path_depends_on_data_and_config(tmp_path):
    base = cache.cache_path(tmp_path, DIGEST, CONFIG)
    assert base.parent == tmp_path and base.suffix == ".npz"
    assert cache.cache_path(tmp_path, DIGEST, CONFIG) == base
    assert cache.cache_path(tmp_path, "cd" * 32, CONFIG) != base
    assert cache.cache_path(tmp_path, DIGEST, dataclasses.replace(CONFIG, seed=1)) != base


def test_missing_file_is_none_with_a_reason(tmp_path):
    loaded, why = cache.load(tmp_path / "none.npz", IDS, DIGEST, CONFIG)
    assert loaded is None and why


@pytest.mark.parametrize("change", [
    {"data_digest": "cd" * 32},
    {"config": dataclasses.replace(CONFIG, lr=0.02)},
    {"ids": IdMap.from_ids(["p0", "p1"], ["t0", "t2", "t1"])},
    {"ids": IdMap.from_ids(["p0", "p1"], ["t0", "t1", "t2", "t3"])},
    {"ids": IdMap.from_ids(["p0", "pX"], ["t0", "t1", "t2"])},
], ids=["data", "config", "track order", "more tracks", "other playlist"])
def test_stale_file_is_none_with_the_reason(saved, change):
    path, _ = saved
    arguments = {"ids": IDS, "data_digest": DIGEST, "config": CONFIG, **change}
    loaded, why = cache.load(path, **arguments)
    assert loaded is None
    assert "stale" in why


@pytest.mark.parametrize("content", [b"", b"not an npz at all", None], ids=["empty", "garbage", "truncated"])
def test_unreadable_file_is_none_and_never_raises(saved, content):
    path, _ = saved
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2] if content is None else content)
    loaded, why = cache.load(path, IDS, DIGEST, CONFIG)
    assert loaded is None
    assert "unreadable" in why


def rewrite_archive(path: Path, change) -> None:
    """Load the archive's arrays, let `change` edit the dict, and save it back as a valid archive."""
    with np.load(path) as archive:
        arrays = {name: archive[name].copy() for name in archive.files}
    change(arrays)
    np.savez(path, **arrays)


def test_archive_missing_an_array_is_unreadable(saved):
    path, _ = saved
    rewrite_archive(path, lambda arrays: arrays.pop("track_emb"))
    loaded, why = cache.load(path, IDS, DIGEST, CONFIG)
    assert loaded is None and "unreadable" in why


def test_damage_that_still_unzips_fails_the_checksum(saved):
    path, _ = saved
    rewrite_archive(path, lambda arrays: arrays["track_emb"].__setitem__((0, 0), 0.5))  # one changed value
    loaded, why = cache.load(path, IDS, DIGEST, CONFIG)
    assert loaded is None and "checksum" in why


def test_a_score_scale_fitted_to_another_sound_weight_is_not_used(saved):
    path, _ = saved
    rewrite_archive(path, lambda arrays: arrays.__setitem__("sound_weight", np.array(0.5)))
    loaded, why = cache.load(path, IDS, DIGEST, CONFIG)
    assert loaded is None and "sound weight" in why


def test_other_format_version_is_not_used(saved):
    path, _ = saved
    rewrite_archive(path, lambda arrays: arrays.__setitem__("format_version", np.array(cache.FORMAT_VERSION + 1)))
    loaded, why = cache.load(path, IDS, DIGEST, CONFIG)
    assert loaded is None
    assert "format" in why


def test_crash_mid_write_keeps_the_previous_file_and_leaves_no_temp_file(saved, monkeypatch):
    path, embeddings = saved
    before = path.read_bytes()

    def half_then_crash(handle, **arrays):
        handle.write(b"PK\x03\x04 half an archive")
        raise OSError("disk full")

    monkeypatch.setattr(cache.np, "savez", half_then_crash)
    with pytest.raises(OSError, match="disk full"):
        cache.save(path, make_embeddings(seed=1), IDS, DIGEST, CONFIG)
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []
    loaded, _ = cache.load(path, IDS, DIGEST, CONFIG)
    np.testing.assert_array_equal(loaded.track, embeddings.track)


def test_save_replaces_an_older_file(saved):
    path, _ = saved
    newer = make_embeddings(seed=5)
    cache.save(path, newer, IDS, DIGEST, CONFIG)
    loaded, _ = cache.load(path, IDS, DIGEST, CONFIG)
    np.testing.assert_array_equal(loaded.track, newer.track)
    assert leftovers(path.parent) == []


def test_save_creates_the_cache_folder(tmp_path):
    path = cache.cache_path(tmp_path / "new" / "dir", DIGEST, CONFIG)
    cache.save(path, make_embeddings(), IDS, DIGEST, CONFIG)
    assert cache.load(path, IDS, DIGEST, CONFIG)[0] is not None


def test_current_config_round_trip(tmp_path):
    chosen = TrainConfig(epochs=7, lr=0.05, hidden_dim=9, out_dim=5, dropout=0.1, negatives_per_positive=2, seed=3)
    cache.save_current_config(tmp_path, chosen)
    assert cache.load_current_config(tmp_path) == chosen


@pytest.mark.parametrize("settings", [
    None, {**TrainConfig().as_dict(), "epochs": 0}, {**TrainConfig().as_dict(), "colour": "red"}, [1, 2],
    {"epochs": 100, "lr": 0.01, "seed": 0},
], ids=["missing", "invalid value", "unknown field", "not an object", "older settings"])
def test_current_config_falls_back_to_the_default(tmp_path, settings):
    if settings is not None:
        cache.write_record(tmp_path / cache.CURRENT_MODEL_FILE, settings)
    heard = []
    assert cache.load_current_config(tmp_path, heard.append) == TrainConfig()
    assert heard == ([] if settings is None else
                     ["The record of the model served names settings this version cannot use; serving the default model."])


def _damage(path: Path, how: str) -> None:
    text = path.read_text()
    record = json.loads(text)
    path.write_text({
        "garbage": "{not json",
        "truncated": text[: len(text) // 2],
        "foreign": json.dumps(record["payload"]),  # the payload alone, as an older version wrote it
        "other version": json.dumps({**record, "format_version": 99}),
        "edited": text.replace('"lr": 0.03', '"lr": 0.3'),  # still JSON, one figure changed
    }[how])


@pytest.mark.parametrize("how, problem", [
    ("garbage", "is not a file this app wrote"), ("truncated", "is not a file this app wrote"),
    ("foreign", "is not a file this app wrote"), ("other version", "is from another version of the app"),
    ("edited", "is damaged (its checksum does not match)"),
])
def test_an_untrusted_record_is_reported_once_then_set_aside(tmp_path, how, problem):
    cache.save_current_config(tmp_path, TrainConfig(epochs=7))
    _damage(tmp_path / cache.CURRENT_MODEL_FILE, how)
    heard = []
    assert cache.load_current_config(tmp_path, heard.append) == TrainConfig()
    assert cache.load_current_config(tmp_path, heard.append) == TrainConfig()  # removed: nothing more to say
    assert heard == [f"The record of the model served (current-model.json) {problem}; serving the default model."]
    cache.save_current_config(tmp_path, TrainConfig(epochs=7))  # and written anew when a model is chosen
    assert cache.load_current_config(tmp_path) == TrainConfig(epochs=7)


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC], ids=["read-only", "full"])
def test_a_disk_that_refuses_writes_is_not_writable_and_keeps_every_file(tmp_path, refuse_writes, code, saved):
    path, embeddings = saved
    cache.save_current_config(path.parent, CONFIG)
    assert store.writable(path.parent)
    refuse_writes(path.parent, code)
    assert not store.writable(path.parent)
    for write in (lambda: cache.save(path, make_embeddings(seed=3), IDS, DIGEST, CONFIG),
                  lambda: cache.save_current_config(path.parent, TrainConfig(epochs=9))):
        with pytest.raises(OSError) as raised:
            write()
        assert raised.value.errno == code
    np.testing.assert_array_equal(cache.load(path, IDS, DIGEST, CONFIG)[0].track, embeddings.track)
    assert cache.load_current_config(path.parent) == CONFIG
    assert leftovers(path.parent) == []


KILLED_MID_WRITE = """
import os, signal, sys
from recsys import cache
from recsys.config import TrainConfig
from tests.test_cache import CONFIG, DIGEST, IDS, make_embeddings

os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # killed after writing, before the rename
folder = sys.argv[1]
if sys.argv[2] == "embeddings":
    cache.save(cache.cache_path(folder, DIGEST, CONFIG), make_embeddings(seed=9), IDS, DIGEST, CONFIG)
else:
    cache.save_current_config(folder, TrainConfig(epochs=9))
"""


@pytest.mark.slow  # a Python process killed mid-write
@pytest.mark.parametrize("artefact", ["embeddings", "record"])
def test_a_process_killed_mid_write_leaves_the_previous_file(tmp_path, artefact):
    path = cache.cache_path(tmp_path, DIGEST, CONFIG)
    cache.save(path, make_embeddings(), IDS, DIGEST, CONFIG)
    cache.save_current_config(tmp_path, CONFIG)
    run = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, str(tmp_path), artefact],
                         cwd=Path(__file__).parent.parent, capture_output=True)
    assert run.returncode == -signal.SIGKILL, run.stderr
    np.testing.assert_array_equal(cache.load(path, IDS, DIGEST, CONFIG)[0].track, make_embeddings().track)
    assert cache.load_current_config(tmp_path) == CONFIG


def test_trained_configs_lists_this_datas_readable_models_newest_first(tmp_path):
    import os

    older, newer = CONFIG, dataclasses.replace(CONFIG, epochs=9)
    for stamp, config in ((1_000, older), (2_000, newer)):
        path = cache.cache_path(tmp_path, DIGEST, config)
        cache.save(path, make_embeddings(), IDS, DIGEST, config)
        os.utime(path, (stamp, stamp))
    other_data = cache.cache_path(tmp_path, "f" * 64, CONFIG)
    cache.save(other_data, make_embeddings(), IDS, "f" * 64, CONFIG)
    cache.cache_path(tmp_path, DIGEST, dataclasses.replace(CONFIG, seed=5)).write_bytes(b"not an npz")
    older_format = cache.cache_path(tmp_path, DIGEST, dataclasses.replace(CONFIG, seed=6))
    cache.save(older_format, make_embeddings(), IDS, DIGEST, dataclasses.replace(CONFIG, seed=6))
    rewrite_archive(older_format, lambda arrays: arrays.update(format_version=np.array(cache.FORMAT_VERSION - 1)))
    assert cache.trained_configs(tmp_path, DIGEST) == [newer, older]
    assert cache.trained_configs(tmp_path / "nothing-here", DIGEST) == []


def test_an_index_is_read_back_only_for_the_vectors_it_files_and_only_intact(tmp_path):
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3)
    index = np.frombuffer(b"an index's bytes", dtype=np.uint8)
    path = cache.index_path(tmp_path / "embeddings-aaaa-bbbb.npz")
    assert path == tmp_path / "neighbours-aaaa-bbbb.npz"  # never taken for a model by trained_configs
    assert cache.load_index(path, vectors) is None  # nothing saved yet
    cache.save_index(path, vectors, index)
    np.testing.assert_array_equal(cache.load_index(path, vectors), index)
    assert cache.load_index(path, vectors + 1) is None  # the model was retrained since
    assert cache.load_index(path, vectors.astype(np.float64)) is None
    with np.load(path) as archive:
        stored = dict(archive)
    stored["index"] = np.frombuffer(b"An index's bytes", dtype=np.uint8)  # damage that still unzips
    with path.open("wb") as handle:
        np.savez(handle, **stored)
    assert cache.load_index(path, vectors) is None
    path.write_bytes(b"not an archive")
    assert cache.load_index(path, vectors) is None


def test_the_score_scale_is_kept_with_the_vectors(tmp_path, two_playlists):
    config = TrainConfig(epochs=1)
    embeddings = Embeddings.from_raw(np.eye(12, 4), np.eye(2, 4)).with_calibration(
        Calibration((-2.0, 0.3, 0.8, 2.0), (0.0, 0.1, 0.6, 1.0)))
    path = tmp_path / "m.npz"
    cache.save(path, embeddings, two_playlists.ids, "digest", config)
    loaded, why = cache.load(path, two_playlists.ids, "digest", config)
    assert why == "" and loaded.calibration == embeddings.calibration
