"""recsys/datasets.py: uploads are checked before they are served, and stay inside the cache."""

import os
import time

import pytest

from recsys import datasets
from recsys.store import write_record
from recsys.errors import RecsysError
from tests.conftest import two_playlist_rows, write_songs_csv


@pytest.fixture
def good_bytes(tmp_path) -> bytes:
    return write_songs_csv(tmp_path / "good.csv", two_playlist_rows()).read_bytes()


def test_a_checked_upload_is_stored_by_content_and_can_be_served(tmp_path, good_bytes):
    path, catalogue = datasets.check_upload(tmp_path, "../../my songs.csv", good_bytes)
    assert path.parent == tmp_path / datasets.UPLOADS and path.read_bytes() == good_bytes
    assert catalogue.report.tracks == 12
    assert datasets.current_upload(tmp_path) is None  # checked is not yet served
    datasets.use_upload(tmp_path, path, "../../my songs.csv")
    assert datasets.current_upload(tmp_path) == (path, "../../my songs.csv")
    datasets.use_shipped(tmp_path)
    assert datasets.current_upload(tmp_path) is None


def test_an_upload_that_does_not_load_is_removed_and_named_in_the_error(tmp_path):
    with pytest.raises(RecsysError, match=r"^mine\.csv: missing required column"):
        datasets.check_upload(tmp_path, "mine.csv", b"track_id,track_name\n1,x\n")
    assert list((tmp_path / datasets.UPLOADS).iterdir()) == []


@pytest.mark.parametrize("pointer, problem", [
    ({"file": "../../../etc/passwd", "name": "x"}, "points outside the uploads folder"),
    ({"file": "/etc/passwd", "name": "x"}, "points outside the uploads folder"),
    ({"file": "gone.csv", "name": "x"}, "The uploaded file x is no longer stored"),
    ({"name": "x"}, "is incomplete"), ("not an object", "is incomplete"),
])
def test_a_pointer_outside_the_uploads_folder_or_to_nothing_means_the_shipped_data(tmp_path, pointer, problem):
    (tmp_path / datasets.UPLOADS).mkdir()
    write_record(tmp_path / datasets.CURRENT_DATA_FILE, pointer)
    heard = []
    assert datasets.current_upload(tmp_path, heard.append) is None
    assert len(heard) == 1 and problem in heard[0] and heard[0].endswith("; serving the shipped data.")


def test_a_damaged_upload_is_not_served(tmp_path, good_bytes):
    path, _ = datasets.check_upload(tmp_path, "mine.csv", good_bytes)
    datasets.use_upload(tmp_path, path, "mine.csv")
    path.write_bytes(good_bytes.replace(b"Song", b"Sang", 1))  # still a valid CSV, but not what was checked
    heard = []
    assert datasets.current_upload(tmp_path, heard.append) is None
    assert heard == ["The stored copy of mine.csv is damaged (its checksum does not match); serving the shipped data."]


def test_a_damaged_record_of_the_data_served_means_the_shipped_data(tmp_path, good_bytes):
    path, _ = datasets.check_upload(tmp_path, "mine.csv", good_bytes)
    datasets.use_upload(tmp_path, path, "mine.csv")
    record = tmp_path / datasets.CURRENT_DATA_FILE
    record.write_text(record.read_text().replace("mine.csv", "other.csv"))
    heard = []
    assert datasets.current_upload(tmp_path, heard.append) is None
    assert heard == ["The record of the data served (current-data.json) is damaged (its checksum does not match); "
                     "serving the shipped data."]


@pytest.mark.parametrize("name", ["../../outside.csv", "/tmp/absolute.csv", "..\\..\\windows.csv", "a/../../b.csv",
                                  "current-data.json", "~/home.csv", "nul\x00byte.csv", "<img src=x>.csv"])
def test_no_upload_name_makes_anything_be_written_outside_the_uploads_folder(tmp_path, good_bytes, name):
    cache_dir = tmp_path / "deep" / "cache"
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    path, _ = datasets.check_upload(cache_dir, name, good_bytes)
    datasets.use_upload(cache_dir, path, name)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() and p not in before)
    assert written == [f"deep/cache/{datasets.CURRENT_DATA_FILE}", f"deep/cache/{datasets.UPLOADS}/{path.name}",
                       f"deep/cache/{datasets.UPLOADS}/{path.stem}.json"]  # the name it came with, as data
    assert datasets.current_upload(cache_dir) == (path, name)


def store(tmp_path, index: int, **limits):
    """Upload a distinct small file (its bytes differ by a title) and return its stored path."""
    rows = two_playlist_rows()
    rows[0]["track_name"] = f"Distinct {index}"
    data = write_songs_csv(tmp_path / f"upload{index}.csv", rows).read_bytes()
    path, _ = datasets.check_upload(tmp_path / "cache", f"mine{index}.csv", data, **limits)
    return path


def unused_for(path, seconds: float) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_a_link_names_an_upload_by_its_key_and_only_an_intact_one_is_served(tmp_path):
    path = store(tmp_path, 0)
    assert datasets.find_upload(tmp_path / "cache", path.stem) == (path, "mine0.csv")
    with pytest.raises(RecsysError, match="no longer stored"):
        datasets.find_upload(tmp_path / "cache", "0" * 32)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(RecsysError, match="damaged"):
        datasets.find_upload(tmp_path / "cache", path.stem)


def test_the_store_evicts_the_uploads_unused_longest_with_their_models(tmp_path):
    first, second = store(tmp_path, 0), store(tmp_path, 1)
    model = tmp_path / "cache" / f"embeddings-{first.stem[:16]}-0123456789abcdef.npz"
    model.write_bytes(b"model")
    unused_for(first, 2 * datasets.IN_USE_SECONDS)
    unused_for(second, 3 * datasets.IN_USE_SECONDS)
    datasets.find_upload(tmp_path / "cache", second.stem)  # a session uses it again
    third = store(tmp_path, 2, max_files=2)
    assert sorted(p.name for p in (tmp_path / "cache" / datasets.UPLOADS).glob("*.csv")) == sorted(
        [second.name, third.name])
    assert not model.exists() and not first.with_suffix(".json").exists()


def test_the_default_and_uploads_in_use_are_never_evicted(tmp_path):
    first, second = store(tmp_path, 0), store(tmp_path, 1)
    datasets.use_upload(tmp_path / "cache", first, "mine0.csv")
    unused_for(first, 2 * datasets.IN_USE_SECONDS)
    with pytest.raises(RecsysError, match="upload store is full"):
        store(tmp_path, 2, max_files=2)  # first is the default, second was used just now
    assert first.exists() and second.exists()
    assert len(list((tmp_path / "cache" / datasets.UPLOADS).glob("*.csv"))) == 2


def test_a_byte_cap_counts_the_new_upload_too(tmp_path):
    first = store(tmp_path, 0)
    unused_for(first, 2 * datasets.IN_USE_SECONDS)
    second = store(tmp_path, 1, max_bytes=first.stat().st_size + 10)
    assert not first.exists() and second.exists()


def test_stray_temporary_files_are_swept_and_fresh_ones_left(tmp_path):
    (tmp_path / "runs").mkdir()
    strays = [tmp_path / ".embeddings-x.npz.abc.tmp", tmp_path / ".write-test.q1w2", tmp_path / "runs" / "ended.jsonl"]
    fresh = [tmp_path / ".current-model.json.def.tmp", tmp_path / "runs" / "training.jsonl", tmp_path / "songs.csv"]
    for path in strays + fresh:
        path.write_bytes(b"partial")
    for path in strays + fresh[-1:]:
        unused_for(path, 2 * datasets.STRAY_SECONDS)
    assert datasets.sweep_strays(tmp_path) == len(strays)
    assert not any(path.exists() for path in strays) and all(path.exists() for path in fresh)
