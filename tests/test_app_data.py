"""The Data page, driven headless through AppTest: an upload checked, served to this session when
chosen and undone; uploads off where the installation sets its data; a bad data file."""

from pathlib import Path

from recsys import datasets
from tests.apptest import AppEnv


def uploads_on(app_env: AppEnv) -> AppEnv:
    """The installation with uploads allowed: no RECSYS_DATA, so the shipped file is served until one is chosen."""
    return app_env.replace(data=None)


def test_an_upload_that_does_not_load_shows_its_message_and_changes_nothing(app_env):
    _, cache_dir = app_env
    app = uploads_on(app_env).open("pages/data.py")
    bad = (Path(__file__).parent / "data" / "bad" / "missing_columns.csv").read_bytes()
    app.file_uploader[0].upload("my export.csv", bad, "text/csv").run()
    assert not app.exception
    assert "missing required column" in app.error[0].value and "my export" in app.error[0].value
    assert not any(b.label == "Use this data" for b in app.button)
    assert datasets.current_upload(cache_dir) is None


def test_an_upload_that_loads_is_summarised_then_served_when_chosen(app_env):
    path, cache_dir = app_env
    app = uploads_on(app_env).open("pages/data.py")
    assert "spotify_songs.csv" in app.text[0].value  # the shipped file is served
    app.file_uploader[0].upload("my songs.csv", path.read_bytes(), "text/csv").run()
    assert "30 rows → 30 tracks, 3 playlists" in app.text[-1].value
    assert datasets.current_upload(cache_dir) is None  # checked, not yet served
    next(b for b in app.button if b.label == "Use this data").click().run()
    key = app.query_params["data"]
    assert datasets.find_upload(cache_dir, key)[1] == "my songs.csv"
    assert datasets.current_upload(cache_dir) is None  # this session's link serves it; the default stays
    app.switch_page("pages/search.py").run()
    assert "30 songs from 3 playlists" in " ".join(c.value for c in app.caption)
    assert "spotify_songs.csv" in uploads_on(app_env).open("pages/data.py").text[0].value  # another visitor


def test_using_an_upload_says_done_with_its_name_and_offers_go_back_at_once(app_env):
    """Regression: after "Use this data" the upload section still offered the file as new, and
    the way back showed only after a reload."""
    path, _ = app_env
    app = uploads_on(app_env).open("pages/data.py")
    app.file_uploader[0].upload("my songs.csv", path.read_bytes(), "text/csv").run()
    next(b for b in app.button if b.label == "Use this data").click().run()
    assert not app.exception
    assert app.text[0].value.startswith("my songs.csv")  # served now, in the same run
    assert [s.value for s in app.success][-1] == "Done: the search page now serves my songs\\.csv."
    assert not any(b.label == "Use this data" for b in app.button)
    back = next(b for b in app.button if b.label.startswith("Go back to"))
    assert back.label == "Go back to spotify\\_songs\\.csv"
    back.click().run()
    assert "data" not in app.query_params and app.text[0].value.startswith("spotify_songs.csv")
    assert any(b.label == "Use this data" for b in app.button)  # the upload is on offer again


def test_uploads_are_off_when_the_installation_sets_its_data(app_env):
    app = app_env.open("pages/data.py")
    assert len(app.file_uploader) == 0
    assert "uploads are turned off" in app.info[0].value


def test_a_bad_data_file_is_one_clear_error(app_env, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("track_id,track_name\n1,x\n")
    app = app_env.replace(data=bad).open()
    assert not app.exception
    assert len(app.error) == 1
    assert "missing required column" in app.error[0].value
