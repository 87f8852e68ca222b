"""Which songs file is served: the shipped one, or one a person uploaded and that loaded cleanly.

Uploads are stored under the cache directory by the SHA-256 of their bytes, never by the name
they came with, so no file name can make the app read or write anywhere else. An upload is
served to the sessions whose link names it (`?data=<key>`, its stored name); the installation's
default changes only when the operator chooses it. The store is bounded: past MAX_UPLOADS files
or MAX_UPLOAD_BYTES, the uploads unused longest go, with the models trained on them.
"""

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

from recsys.store import file_digest, modified_time, read_record, write_atomically, write_record
from recsys.errors import RecsysError
from recsys.load import Catalogue, load_catalogue
from recsys.worker import RUNS

UPLOADS = "uploads"
CURRENT_DATA_FILE = "current-data.json"
NAME_DIGITS = 32  # of the upload's SHA-256: its stored name, and the checksum it is verified against
MAX_UPLOADS = int(os.environ.get("RECSYS_MAX_UPLOADS", 20))
MAX_UPLOAD_BYTES = int(os.environ.get("RECSYS_MAX_UPLOAD_BYTES", 2**30))
IN_USE_SECONDS = 3600  # an upload a session used this recently is being served: never evicted
STRAY_SECONDS = 3600  # a writer's temporary file this old was left by a killed process


def check_upload(cache_dir: str | Path, name: str, data: bytes, max_files: int = MAX_UPLOADS,
                 max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[Path, Catalogue]:
    """Store an upload and load it: (where it is stored, its catalogue); its key is the path's stem.
    A file that does not load is removed again and raises RecsysError naming the upload, not
    where it was stored. Room is made first by evicting the uploads unused longest."""
    path = Path(cache_dir) / UPLOADS / f"{hashlib.sha256(data).hexdigest()[:NAME_DIGITS]}.csv"
    make_room(cache_dir, len(data), path, max_files, max_bytes)
    try:
        write_atomically(path, lambda handle: handle.write(data))
        write_record(path.with_suffix(".json"), {"name": name})
    except OSError as err:
        raise RecsysError(f"Cannot store the upload in {path.parent} ({err.strerror or err}).") from None
    try:
        return path, load_catalogue(path)
    except RecsysError as err:
        _remove(cache_dir, path)
        raise RecsysError(str(err).replace(str(path), name)) from None


def find_upload(cache_dir: str | Path, key: str, digest: Callable[[Path], str] = file_digest) -> tuple[Path, str]:
    """(stored path, name it was uploaded as) of the upload a link names, marked as in use; a
    RecsysError saying why it cannot be served otherwise."""
    if not re.fullmatch(f"[0-9a-f]{{{NAME_DIGITS}}}", key):
        raise RecsysError("The link's data key is not one this app makes. Upload the file again on the Data page.")
    name, _ = read_record(Path(cache_dir) / UPLOADS / f"{key}.json", "The record of an upload")
    pointer = {"file": f"{key}.csv", "name": (name or {}).get("name", "the uploaded file")}
    problem = _unusable(Path(cache_dir) / UPLOADS, pointer, digest)
    if problem:
        raise RecsysError(f"{problem}. Upload it again on the Data page.")
    path = Path(cache_dir) / UPLOADS / pointer["file"]
    with contextlib.suppress(OSError):
        os.utime(path)  # in use now: the eviction of uploads unused longest leaves it
    return path, pointer["name"]


def use_upload(cache_dir: str | Path, path: Path, name: str) -> None:
    """Make a checked upload the installation's default: every session without `?data=` serves it."""
    write_record(Path(cache_dir) / CURRENT_DATA_FILE, {"file": path.name, "name": name})


def use_shipped(cache_dir: str | Path) -> None:
    """Make the shipped data the installation's default again."""
    (Path(cache_dir) / CURRENT_DATA_FILE).unlink(missing_ok=True)


def make_room(cache_dir: str | Path, incoming: int, keep: Path, max_files: int, max_bytes: int) -> None:
    """Evict the uploads unused longest until `incoming` more bytes (the file `keep`) fit the caps.
    The default's file, `keep`, and uploads in use within IN_USE_SECONDS stay; if they alone fill
    the store, a RecsysError says so."""
    uploads = sorted((path for path in Path(cache_dir, UPLOADS).glob("*.csv") if path != keep), key=modified_time)
    kept = set(_default_file(cache_dir))
    count, size = len(uploads), sum(_size(path) for path in uploads) + incoming
    for path in uploads:
        if count < max_files and size <= max_bytes:
            return
        if path.name in kept or time.time() - modified_time(path) < IN_USE_SECONDS:
            continue
        count, size = count - 1, size - _size(path)
        _remove(cache_dir, path)
    if count >= max_files or size > max_bytes:
        raise RecsysError(f"The upload store is full ({max_files} files or {max_bytes / 2**20:,.0f} MB, all "
                          "in use within the hour); try again later, or ask the operator to raise the limits.")


# What killed writers leave: atomic writes' temporary files, write probes, and the report files
# of training runs (a run appends to its report every epoch, so one this old has ended).
STRAYS = (".*.tmp", f"{UPLOADS}/.*.tmp", ".write-test.*", f"{RUNS}/*.jsonl")


def sweep_strays(cache_dir: str | Path) -> int:
    """Remove the files killed writers and ended runs left (older than STRAY_SECONDS); how many went."""
    removed = 0
    for path in [path for pattern in STRAYS for path in Path(cache_dir).glob(pattern)]:
        if time.time() - modified_time(path) > STRAY_SECONDS:
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


def _remove(cache_dir: str | Path, upload: Path) -> None:
    """An upload, its record, and the models and evaluation made of it (their names hold its digest)."""
    made = [*Path(cache_dir).glob(f"*-{upload.stem[:16]}-*.npz"), Path(cache_dir) / f"evaluation-{upload.stem[:16]}.json"]
    for path in [upload, upload.with_suffix(".json"), *made]:
        with contextlib.suppress(OSError):
            path.unlink()


def _default_file(cache_dir: str | Path) -> list[str]:
    pointer, _ = read_record(Path(cache_dir) / CURRENT_DATA_FILE, "The record of the data served")
    return [pointer["file"]] if isinstance(pointer, dict) and "file" in pointer else []


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def current_upload(
    cache_dir: str | Path, on_problem: Callable[[str], None] = lambda text: None,
    digest: Callable[[Path], str] = file_digest,
) -> tuple[Path, str] | None:
    """(stored path, name it was uploaded as) of the upload being served, or None for the shipped data.

    The record may only name a file directly inside the uploads folder whose bytes still hash to
    its name; anything else means the shipped data, and `on_problem` hears why. `digest` is the
    SHA-256 of a file in hex (callers that cache it pass their own).
    """
    pointer, problem = read_record(Path(cache_dir) / CURRENT_DATA_FILE, "The record of the data served")
    if pointer is not None:
        problem = _unusable(Path(cache_dir) / UPLOADS, pointer, digest)
        if not problem:
            return Path(cache_dir) / UPLOADS / pointer["file"], str(pointer["name"])
    if problem:
        on_problem(f"{problem}; serving the shipped data.")
    return None


def _unusable(uploads: Path, pointer, digest: Callable[[Path], str]) -> str:
    """Why the upload a record points to cannot be served, or "" if it can."""
    try:
        path = uploads / pointer["file"]
        name = str(pointer["name"])
        inside = path.parent.resolve() == uploads.resolve() and Path(pointer["file"]).name == pointer["file"]
    except (KeyError, TypeError):
        return "The record of the data served is incomplete"
    if not inside:
        return "The record of the data served points outside the uploads folder"
    if not path.is_file():
        return f"The uploaded file {name} is no longer stored"
    try:
        intact = digest(path)[:NAME_DIGITS] == path.stem
    except RecsysError:
        return f"The uploaded file {name} cannot be read"
    return "" if intact else f"The stored copy of {name} is damaged (its checksum does not match)"
