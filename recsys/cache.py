"""Save and load what the app keeps on disk: trained embeddings, keyed by the data file's bytes
and the training config, and small JSON records (the model served, the data served, evaluations).

Embeddings, and a large catalogue's approximate-neighbour index beside them, are `.npz` archives
read with `allow_pickle=False`, JSON records plain JSON: nothing in the cache can run code. Every
file carries a format version and a SHA-256 of its content, and is written atomically (temporary
file, then rename), so an interrupted run leaves either the old file or the new one, never half of one.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import numpy as np

from recsys.config import TrainConfig
from recsys.embeddings import Calibration, Embeddings
from recsys.errors import RecsysError
from recsys.ids import IdMap
from recsys.recommend import SOUND_WEIGHT

# 2: a checksum over the arrays. 3: the kg model learns from year and popularity with another
# loss, so its vectors from version 2 with the same settings are another model. 4: the score
# scale (recsys.calibrate) is kept with the vectors. 5: with the sound weight it was fitted for.
FORMAT_VERSION = 5
RECORD_FORMAT_VERSION = 1  # of the JSON records
CHECKED = ("track_ids", "playlist_ids", "track_emb", "playlist_emb", "loss_history", "knots", "chances")
CURRENT_MODEL_FILE = "current-model.json"
TRAINING_LOCK = "training.lock"
EVALUATION_LOCK = "evaluation.lock"


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise RecsysError(f"Cannot read data file {path}: {err.strerror or err}.") from None
    return digest.hexdigest()


def config_json(config: TrainConfig) -> str:
    return json.dumps(config.as_dict(), sort_keys=True)


def config_key(config: TrainConfig) -> str:
    """16 hex digits naming a model's settings: its cache file's name, and `?model=` in a link."""
    return hashlib.sha256(config_json(config).encode()).hexdigest()[:16]


def cache_path(cache_dir: str | Path, data_digest: str, config: TrainConfig) -> Path:
    """Where the embeddings for this data and config live."""
    return Path(cache_dir) / f"embeddings-{data_digest[:16]}-{config_key(config)}.npz"


def save(path: Path, embeddings: Embeddings, ids: IdMap, data_digest: str, config: TrainConfig) -> None:
    """Write the embeddings and the ids they are aligned with, atomically."""
    arrays = {
        "format_version": np.array(FORMAT_VERSION),
        "sound_weight": np.array(SOUND_WEIGHT),  # the score scale was fitted to lists blended with it
        "data_digest": np.array(data_digest),
        "config": np.array(config_json(config)),
        "track_ids": ids.track_ids.to_numpy(dtype=str),
        "playlist_ids": ids.playlist_ids.to_numpy(dtype=str),
        "track_emb": embeddings.track,
        "playlist_emb": embeddings.playlist,
        "loss_history": np.asarray(embeddings.loss_history, dtype=np.float64),
        "knots": np.asarray(embeddings.calibration.knots, dtype=np.float64),
        "chances": np.asarray(embeddings.calibration.chances, dtype=np.float64),
    }
    arrays["checksum"] = np.array(_checksum(arrays))
    write_atomically(path, lambda handle: np.savez(handle, **arrays))


def index_path(embeddings_path: Path) -> Path:
    """Where the approximate-neighbour index of the embeddings at `embeddings_path` is kept."""
    return embeddings_path.with_name(embeddings_path.name.replace("embeddings-", "neighbours-", 1))


def save_index(path: Path, vectors: np.ndarray, index: np.ndarray) -> None:
    """Write an index's bytes with a digest of the vectors it files, and their own, atomically."""
    arrays = {"format_version": np.array(FORMAT_VERSION), "vectors_digest": np.array(_array_digest(vectors)),
              "index": index, "checksum": np.array(_array_digest(index))}
    write_atomically(path, lambda handle: np.savez(handle, **arrays))


def load_index(path: Path, vectors: np.ndarray) -> np.ndarray | None:
    """The stored index's bytes if they arrived intact and file exactly `vectors`, else None
    (missing, damaged, or left from vectors since retrained): the caller builds it again."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            stored = {name: archive[name] for name in archive.files}
        usable = (int(stored["format_version"]) == FORMAT_VERSION
                  and str(stored["checksum"]) == _array_digest(stored["index"])
                  and str(stored["vectors_digest"]) == _array_digest(vectors))
    except Exception:  # any unreadable file is rebuilt, whatever broke it
        return None
    return stored["index"] if usable else None


def projection_path(embeddings_path: Path) -> Path:
    """Where the stored 2-D map of the embeddings at `embeddings_path` is kept."""
    return embeddings_path.with_name(embeddings_path.name.replace("embeddings-", "map-", 1))


def save_projection(path: Path, vectors: np.ndarray, coords: np.ndarray, preservation: dict[str, float]) -> None:
    """Write a map's (T, 2) coordinates, with each projection's neighbourhood preservation and a
    digest of the vectors it maps, atomically."""
    arrays = {"format_version": np.array(FORMAT_VERSION), "vectors_digest": np.array(_array_digest(vectors)),
              "coords": np.asarray(coords, dtype=np.float32), "preservation": np.array(json.dumps(preservation))}
    arrays["checksum"] = np.array(_array_digest(arrays["coords"]) + str(arrays["preservation"]))
    write_atomically(path, lambda handle: np.savez(handle, **arrays))


def load_projection(path: Path, vectors: np.ndarray) -> tuple[np.ndarray, dict[str, float]] | None:
    """The stored map's (coordinates, preservation by projection) if it arrived intact and maps
    exactly `vectors`, else None (missing, damaged, or left from vectors since retrained)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            stored = {name: archive[name] for name in archive.files}
        usable = (int(stored["format_version"]) == FORMAT_VERSION
                  and str(stored["checksum"]) == _array_digest(stored["coords"]) + str(stored["preservation"])
                  and str(stored["vectors_digest"]) == _array_digest(vectors)
                  and stored["coords"].shape == (len(vectors), 2))
        preservation = json.loads(str(stored["preservation"]))
    except Exception:  # any unreadable file is computed again, whatever broke it
        return None
    return (stored["coords"], preservation) if usable else None


def projection_lock(path: Path):
    """One computation of the map at `path` at a time, across processes: a second is refused with a RecsysError."""
    return _file_lock(path.with_name(path.name + ".lock"), False, "This map is being computed already.")


def projection_under_way(path: Path) -> bool:
    """Whether a process holds the lock of the map at `path` right now, computing it."""
    try:
        with projection_lock(path):
            return False
    except RecsysError:
        return True


def _array_digest(array: np.ndarray) -> str:
    """SHA-256 of an array's dtype, shape and bytes."""
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(np.ascontiguousarray(array).data)
    return digest.hexdigest()


def _checksum(arrays: dict) -> str:
    """SHA-256 over the data arrays: what a damaged file that still unzips cannot match."""
    digest = hashlib.sha256()
    for name in CHECKED:
        digest.update(np.ascontiguousarray(arrays[name]).tobytes())
    return digest.hexdigest()


def load(path: Path, ids: IdMap, data_digest: str, config: TrainConfig) -> tuple[Embeddings | None, str]:
    """The cached embeddings, or (None, why they cannot be used) if missing, stale or unreadable."""
    if not path.exists():
        return None, "No trained model for this data and configuration yet"
    try:
        with np.load(path, allow_pickle=False) as archive:
            stored = {name: archive[name] for name in archive.files}
        problem = _mismatch(stored, ids, data_digest, config)
        if problem:
            return None, f"The saved model is stale ({problem})"
        calibration = Calibration(tuple(stored["knots"].tolist()), tuple(stored["chances"].tolist()))
        embeddings = Embeddings(stored["track_emb"], stored["playlist_emb"], tuple(stored["loss_history"].tolist()),
                                calibration)
    except Exception as err:  # any unreadable file is rebuilt, whatever broke it
        return None, f"The saved model is unreadable ({type(err).__name__})"
    return embeddings, ""


def _mismatch(stored: dict, ids: IdMap, data_digest: str, config: TrainConfig) -> str:
    """Why a loaded archive does not fit this data and config, or '' if it does."""
    if int(stored["format_version"]) != FORMAT_VERSION:
        return "older file format"
    if str(stored["checksum"]) != _checksum(stored):
        return "its checksum does not match: the file is damaged"
    if float(stored["sound_weight"]) != SOUND_WEIGHT:
        return "its score scale was fitted to another sound weight"
    if str(stored["data_digest"]) != data_digest:
        return "made from other data"
    if str(stored["config"]) != config_json(config):
        return "made with other settings"
    if not np.array_equal(stored["track_ids"], ids.track_ids.to_numpy(dtype=str)) or not np.array_equal(
        stored["playlist_ids"], ids.playlist_ids.to_numpy(dtype=str)
    ):
        return "its songs do not match the data"
    if stored["track_emb"].shape[0] != ids.num_tracks or stored["playlist_emb"].shape[0] != ids.num_playlists:
        return "wrong number of embeddings"
    return ""


def trained_configs(cache_dir: str | Path, data_digest: str) -> list[TrainConfig]:
    """Every model cached for this data, newest first: what the app offers to switch between."""
    found = []
    for path in Path(cache_dir).glob(f"embeddings-{data_digest[:16]}-*.npz"):
        config = _stored_config(path)
        if config is not None and cache_path(cache_dir, data_digest, config) == path:
            found.append((modified_time(path), config))
    return [config for _, config in sorted(found, key=lambda pair: pair[0], reverse=True)]


def find_config(cache_dir: str | Path, data_digest: str, key: str) -> TrainConfig | None:
    """The model trained on this data whose config_key is `key` (as a link carries it), or None."""
    if not re.fullmatch(r"[0-9a-f]{16}", key):
        return None  # never a path: a key only ever names a file of this folder
    path = Path(cache_dir) / f"embeddings-{data_digest[:16]}-{key}.npz"
    config = _stored_config(path)
    return config if config is not None and cache_path(cache_dir, data_digest, config) == path else None


def _stored_config(path: Path) -> TrainConfig | None:
    """The config a model file was trained with; None if it is missing, unreadable or from an older version."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            if int(archive["format_version"]) != FORMAT_VERSION:
                return None
            return TrainConfig(**json.loads(str(archive["config"])))
    except Exception:  # unreadable or from an older version: never offered, rebuilt if asked for
        return None


def modified_time(path: Path) -> float:
    """A file's modification time; 0 for one that is gone or unreadable."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def save_current_config(cache_dir: str | Path, config: TrainConfig) -> None:
    """Record `config` as the installation's default: the model the CLI and every app session
    without `?model=` in its link serve from now on."""
    write_record(Path(cache_dir) / CURRENT_MODEL_FILE, config.as_dict())


def load_current_config(cache_dir: str | Path, on_problem: Callable[[str], None] = lambda text: None) -> TrainConfig:
    """The model last trained or chosen, or the default model if none is recorded or readable."""
    settings, problem = read_record(Path(cache_dir) / CURRENT_MODEL_FILE, "The record of the model served")
    try:
        # A record from a version with other settings meant another model: filling the gaps with
        # today's defaults would serve a model nobody chose.
        if settings is not None and set(settings) == {setting.name for setting in fields(TrainConfig)}:
            return TrainConfig(**settings)
    except (TypeError, RecsysError):
        pass
    if settings is not None:
        problem = "The record of the model served names settings this version cannot use"
    if problem:
        on_problem(f"{problem}; serving the default model.")
    return TrainConfig()


def write_record(path: Path, payload) -> None:
    """`payload` as JSON with a format version and its SHA-256, written atomically."""
    body = json.dumps(payload, sort_keys=True, allow_nan=False)
    record = {"format_version": RECORD_FORMAT_VERSION, "sha256": _sha256(body), "payload": payload}
    text = json.dumps(record, sort_keys=True, allow_nan=False).encode()
    write_atomically(path, lambda handle: handle.write(text))


def read_record(path: Path, what: str) -> tuple[object | None, str]:
    """(payload, "") from a file write_record wrote; (None, "") if there is none; (None, why not)
    if it cannot be trusted. `what` names the record in that message. An untrusted file is
    removed, so it is reported once and written anew by whatever needs it next."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, ""
    except (OSError, UnicodeDecodeError) as err:
        return None, f"{what} ({path.name}) cannot be read ({getattr(err, 'strerror', None) or err})"
    try:
        record = json.loads(text)
        version, payload = record["format_version"], record["payload"]
        intact = record["sha256"] == _sha256(json.dumps(payload, sort_keys=True, allow_nan=False))
    except (ValueError, KeyError, TypeError):
        problem = "is not a file this app wrote"
    else:
        if version != RECORD_FORMAT_VERSION:
            problem = "is from another version of the app"
        elif not intact:
            problem = "is damaged (its checksum does not match)"
        else:
            return payload, ""
    with contextlib.suppress(OSError):  # a read-only folder: it stays, and is reported again
        path.unlink()
    return None, f"{what} ({path.name}) {problem}"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def training_lock(cache_dir: str | Path, wait: bool = False):
    """One training run at a time per cache directory, across sessions, threads and processes.

    Without `wait`, a second run is refused with a RecsysError; a directory that cannot hold the
    lock file cannot take a model either, so training goes ahead and serves from memory.
    """
    return _file_lock(Path(cache_dir) / TRAINING_LOCK, wait, "Another training run on this installation is "
                      "under way; wait for it to finish, then try again.")


def evaluation_lock(cache_dir: str | Path):
    """One evaluation at a time per cache directory: a second is refused with a RecsysError."""
    return _file_lock(Path(cache_dir) / EVALUATION_LOCK, False, "An evaluation on this installation is under way; "
                      "its results appear here when it finishes.")


@contextlib.contextmanager
def _file_lock(path: Path, wait: bool, busy: str):
    """An OS file lock, so a run that is killed releases it with its process; `busy` is the
    RecsysError's message when another holds it and we do not wait."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a")
    except OSError:
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise RecsysError(busy) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def training_under_way(cache_dir: str | Path) -> bool:
    """Whether a training run holds `cache_dir`'s lock right now."""
    try:
        with training_lock(cache_dir):
            return False
    except RecsysError:
        return True


def writable(cache_dir: str | Path) -> bool:
    """Whether a model can be saved in `cache_dir` now: a read-only or full disk says no."""
    return not write_problem(cache_dir)


def write_problem(cache_dir: str | Path) -> str:
    """Why no model can be saved in `cache_dir` now, or '' if one can: a file in the way, a folder
    that cannot be created, a read-only or full disk."""
    problem = folder_problem(cache_dir)
    if problem:
        return problem
    try:
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".write-test.") as probe:
            probe.write(bytes(1 << 16))  # a full disk accepts a new empty file, not its blocks
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as err:
        return f"{cache_dir} cannot be written to ({err.strerror or err})"
    return ""


def folder_problem(cache_dir: str | Path) -> str:
    """Why `cache_dir` is not a folder and cannot be made one, or '' once it is one (created if need be)."""
    blocker = file_in_the_way(cache_dir)
    if blocker is not None:
        return f"{blocker} is a file, not a folder"
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return f"the folder {cache_dir} cannot be created ({err.strerror or err})"
    return ""


def file_in_the_way(cache_dir: str | Path) -> Path | None:
    """`cache_dir` itself, or the folder above it, where that is a file: no model can ever be saved
    there, whatever the disk allows. None if there is none."""
    for path in (Path(cache_dir), *Path(cache_dir).parents):
        try:
            if path.exists():
                return None if path.is_dir() else path
        except OSError:  # a folder we may not look into: creating the cache says why, if it fails
            return None
    return None


def write_atomically(path: Path, write) -> None:
    """Call write(handle) on a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
