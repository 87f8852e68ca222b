"""Files that are whole or absent, and known to be ours: atomic writes, checked JSON records, digests.

Every file the app keeps is written to a temporary file beside its place and renamed into it, so an
interrupted run leaves either the old file or the new one, never half of one. A JSON record carries a
format version and the SHA-256 of its payload; one that fails either check is reported and set aside.
"""

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from recsys.errors import RecsysError

RECORD_FORMAT_VERSION = 1


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


def array_digest(array: np.ndarray) -> str:
    """SHA-256 of an array's dtype, shape and bytes."""
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(np.ascontiguousarray(array).data)
    return digest.hexdigest()


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every array of an `.npz` archive, read without pickles: nothing in a stored file can run code."""
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def modified_time(path: Path) -> float:
    """A file's modification time; 0 for one that is gone or unreadable."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


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


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
