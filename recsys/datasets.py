"""Which songs file is served: the shipped one, or one a person uploaded and that loaded cleanly.

Uploads are stored under the cache directory by the SHA-256 of their bytes, never by the name
they came with, so no file name can make the app read or write anywhere else. A file only
becomes current after `load_catalogue` accepted it; until then the data being served stays.
"""

import hashlib
import json
from pathlib import Path

from recsys.cache import write_atomically
from recsys.errors import RecsysError
from recsys.load import Catalogue, load_catalogue

UPLOADS = "uploads"
CURRENT_DATA_FILE = "current-data.json"


def check_upload(cache_dir: str | Path, name: str, data: bytes) -> tuple[Path, Catalogue]:
    """Store an upload and load it: (where it is stored, its catalogue). A file that does not load
    is removed again and raises RecsysError naming the upload, not where it was stored."""
    path = Path(cache_dir) / UPLOADS / f"{hashlib.sha256(data).hexdigest()[:32]}.csv"
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
    text = json.dumps({"file": path.name, "name": name}).encode()
    write_atomically(Path(cache_dir) / CURRENT_DATA_FILE, lambda handle: handle.write(text))


def use_shipped(cache_dir: str | Path) -> None:
    """Go back to the shipped data."""
    (Path(cache_dir) / CURRENT_DATA_FILE).unlink(missing_ok=True)


def current_upload(cache_dir: str | Path) -> tuple[Path, str] | None:
    """(stored path, name it was uploaded as) of the upload being served, or None for the shipped data.

    The pointer may only name a file directly inside the uploads folder; anything else, or a file
    that has gone, means the shipped data.
    """
    uploads = Path(cache_dir) / UPLOADS
    try:
        pointer = json.loads((Path(cache_dir) / CURRENT_DATA_FILE).read_text())
        path = uploads / pointer["file"]
        if path.parent.resolve() == uploads.resolve() and Path(pointer["file"]).name == pointer["file"] and path.is_file():
            return path, str(pointer["name"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None
