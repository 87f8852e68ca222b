"""recsys/datasets.py: uploads are checked before they are served, and stay inside the cache."""

import pytest

from recsys import datasets
from recsys.cache import write_record
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
    assert written == [f"deep/cache/{datasets.CURRENT_DATA_FILE}", f"deep/cache/{datasets.UPLOADS}/{path.name}"]
    assert datasets.current_upload(cache_dir) == (path, name)
