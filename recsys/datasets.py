"""Which songs file is served: the shipped one, or one a person uploaded and that loaded cleanly.

Uploads are stored under the cache directory by the SHA-256 of their bytes, never by the name
they came with, so no file name can make the app read or write anywhere else. A file only
becomes current after `load_catalogue` accepted it; until then the data being served stays.
"""

import hashlib
from collections.abc import Callable
from pathlib import Path

from recsys.cache import file_digest, read_record, write_atomically, write_record
from recsys.errors import RecsysError
from recsys.load import Catalogue, load_catalogue

UPLOADS = "uploads"
CURRENT_DATA_FILE = "current-data.json"
NAME_DIGITS = 32  # of the upload's SHA-256: its stored name, and the checksum it is verified against


def check_upload(cache_dir: str | Path, name: str, data: bytes) -> tuple[Path, Catalogue]:
    """Store an upload and load it: (where it is stored, its catalogue). A file that does not load
    is removed again and raises RecsysError naming the upload, not where it was stored."""
    path = Path(cache_dir) / UPLOADS / f"{hashlib.sha256(data).hexdigest()[:NAME_DIGITS]}.csv"
    try:
        write_atomically(path, lambda handle: handle.write(data))
    except OSError as err:
        raise RecsysError(f"Cannot store the upload in {path.parent} ({err.strerror or err}).") from None
    try:
        return path, load_catalogue(path)
    except RecsysError as err:
        path.unlink(missing_ok=True)
        raise RecsysError(str(err).replace(str(path), name)) from None


def use_upload(cache_dir: str | Path, path: Path, name: str) -> None:
    """Serve a checked upload from now on (for every session of this installation)."""
    write_record(Path(cache_dir) / CURRENT_DATA_FILE, {"file": path.name, "name": name})


def use_shipped(cache_dir: str | Path) -> None:
    """Go back to the shipped data."""
    (Path(cache_dir) / CURRENT_DATA_FILE).unlink(missing_ok=True)


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
