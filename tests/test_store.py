"""recsys/store.py: atomic writes, checked JSON records, file digests."""

import pytest

from recsys import store
from recsys.errors import RecsysError


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_interrupt_mid_write_is_cleaned_up_too(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")

    def interrupted(handle):
        handle.write(b"new, but only ha")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.write_atomically(target, interrupted)
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_record_round_trips(tmp_path):
    payload = {"seeds": [0, 1], "figure": 0.1 + 0.2, "name": "Beyoncé <b>", "none": None}
    store.write_record(tmp_path / "r.json", payload)
    assert store.read_record(tmp_path / "r.json", "The record") == (payload, "")
    assert store.read_record(tmp_path / "missing.json", "The record") == (None, "")


def test_file_digest_is_the_sha256_of_the_bytes(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"abc")
    assert store.file_digest(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_file_digest_of_a_missing_file_is_a_recsys_error(tmp_path):
    with pytest.raises(RecsysError, match="Cannot read"):
        store.file_digest(tmp_path / "missing.csv")


def test_a_file_where_the_folder_should_be_is_named(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    assert store.file_in_the_way(blocker / "models") == blocker
    assert store.folder_problem(blocker / "models") == f"{blocker} is a file, not a folder"
    assert not store.writable(blocker / "models")
    assert store.file_in_the_way(tmp_path / "new" / "models") is None
    assert store.folder_problem(tmp_path / "new" / "models") == "" and (tmp_path / "new" / "models").is_dir()
