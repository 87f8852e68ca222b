"""The model registry on disk: trained embeddings keyed by the data file's bytes and the training
config, the model served, the files kept beside a model (neighbour index, map), and the locks that
let one training run, evaluation or map computation at a time.

Every file here is an `.npz` archive read without pickles or a checked JSON record, carries a
format version and a SHA-256 of its content, and is written atomically (see recsys.store).
"""

import contextlib
import fcntl
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import numpy as np

from recsys.config import TrainConfig
from recsys.embeddings import Calibration, Embeddings
from recsys.errors import RecsysError
from recsys.ids import IdMap
from recsys.recommend import SOUND_WEIGHT
from recsys.store import array_digest, modified_time, read_arrays, read_record, write_atomically, write_record

# 2: a checksum over the arrays. 3: the kg model learns from year and popularity with another
# loss, so its vectors from version 2 with the same settings are another model. 4: the score
# scale (recsys.calibrate) is kept with the vectors. 5: with the sound weight it was fitted for.
FORMAT_VERSION = 5
CHECKED = ("track_ids", "playlist_ids", "track_emb", "playlist_emb", "loss_history", "knots", "chances")
CURRENT_MODEL_FILE = "current-model.json"
TRAINING_LOCK = "training.lock"
EVALUATION_LOCK = "evaluation.lock"


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
    arrays = {"format_version": np.array(FORMAT_VERSION), "vectors_digest": np.array(array_digest(vectors)),
              "index": index, "checksum": np.array(array_digest(index))}
    write_atomically(path, lambda handle: np.savez(handle, **arrays))


def load_index(path: Path, vectors: np.ndarray) -> np.ndarray | None:
    """The stored index's bytes if they arrived intact and file exactly `vectors`, else None
    (missing, damaged, or left from vectors since retrained): the caller builds it again."""
    try:
        stored = read_arrays(path)
        usable = (int(stored["format_version"]) == FORMAT_VERSION
                  and str(stored["checksum"]) == array_digest(stored["index"])
                  and str(stored["vectors_digest"]) == array_digest(vectors))
    except Exception:  # any unreadable file is rebuilt, whatever broke it
        return None
    return stored["index"] if usable else None


def projection_path(embeddings_path: Path) -> Path:
    """Where the stored 2-D map of the embeddings at `embeddings_path` is kept."""
    return embeddings_path.with_name(embeddings_path.name.replace("embeddings-", "map-", 1))


def save_projection(path: Path, vectors: np.ndarray, coords: np.ndarray, preservation: dict[str, float]) -> None:
    """Write a map's (T, 2) coordinates, with each projection's neighbourhood preservation and a
    digest of the vectors it maps, atomically."""
    arrays = {"format_version": np.array(FORMAT_VERSION), "vectors_digest": np.array(array_digest(vectors)),
              "coords": np.asarray(coords, dtype=np.float32), "preservation": np.array(json.dumps(preservation))}
    arrays["checksum"] = np.array(array_digest(arrays["coords"]) + str(arrays["preservation"]))
    write_atomically(path, lambda handle: np.savez(handle, **arrays))


def load_projection(path: Path, vectors: np.ndarray) -> tuple[np.ndarray, dict[str, float]] | None:
    """The stored map's (coordinates, preservation by projection) if it arrived intact and maps
    exactly `vectors`, else None (missing, damaged, or left from vectors since retrained)."""
    try:
        stored = read_arrays(path)
        usable = (int(stored["format_version"]) == FORMAT_VERSION
                  and str(stored["checksum"]) == array_digest(stored["coords"]) + str(stored["preservation"])
                  and str(stored["vectors_digest"]) == array_digest(vectors)
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
        stored = read_arrays(path)
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
