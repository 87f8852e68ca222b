"""recsys/datasets.py: uploads are checked before they are served, and stay inside the cache."""

import json

import pytest

from recsys import datasets
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


@pytest.mark.parametrize("pointer", [
    {"file": "../../../etc/passwd", "name": "x"}, {"file": "/etc/passwd", "name": "x"},
    {"file": "gone.csv", "name": "x"}, {"name": "x"}, "not an object",
])
def test_a_pointer_outside_the_uploads_folder_or_to_nothing_means_the_shipped_data(tmp_path, pointer):
    (tmp_path / datasets.UPLOADS).mkdir()
    (tmp_path / datasets.CURRENT_DATA_FILE).write_text(json.dumps(pointer))
    assert datasets.current_upload(tmp_path) is None
