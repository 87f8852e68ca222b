"""The Streamlit pages, driven headless through streamlit.testing.v1.AppTest."""

import dataclasses
import errno
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from pages import short_label
from recsys import cache, datasets
from recsys.charts import METRIC_LABELS, MODEL_LABELS
from recsys.config import AUDIO_FEATURES, TrainConfig
from recsys.evaluate import AS_SHOWN, MODELS, TABLE_METRICS
from recsys.load import load_catalogue
from recsys.pipeline import train_and_save
from tests.conftest import write_songs_csv

FAST = TrainConfig(epochs=3, hidden_dim=16, out_dim=8)


@pytest.fixture()
def app_env(tmp_path, monkeypatch):
    """A 30-song, 3-playlist CSV and a cache dir whose current model trains in a blink."""
    rng = np.random.default_rng(0)
    rows = [
        {"playlist_id": f"p{i % 3}", **dict(zip(AUDIO_FEATURES, rng.random(len(AUDIO_FEATURES)).round(3))),
         "duration_ms": int(rng.integers(120_000, 300_000))}  # the one feature whose range is not 0–1
        for i in range(30)
    ]
    rows[0].update(track_name="Blinding Lights", track_artist="The Weeknd")
    path = write_songs_csv(tmp_path / "songs.csv", rows)
    cache_dir = tmp_path / "cache"
    cache.save_current_config(cache_dir, FAST)
    monkeypatch.setenv("RECSYS_DATA", str(path))
    monkeypatch.setenv("RECSYS_CACHE_DIR", str(cache_dir))
    return path, cache_dir


def open_app(page: str | None = None) -> AppTest:
    app = AppTest.from_file("../streamlit_app.py", default_timeout=60)
    if page:
        app.switch_page(page)
    return app.run()


def test_misspelled_query_gives_ten_recommendations_and_a_radar(app_env):
    app = open_app()
    assert not app.exception
    app.text_input[0].input("blinding lites").run()
    assert not app.exception
    chosen = app.main.selectbox[0]
    assert chosen.format_func(chosen.value).startswith("Blinding Lights — The Weeknd")
    table = app.dataframe[0].value
    assert len(table) == 10
    assert list(table["rank"]) == list(range(1, 11))
    assert "Blinding Lights" not in set(table["track_name"])
    assert len(app.get("plotly_chart")) == 10 + 1  # each "why" panel's evidence graph, then the radar
    # Compare with the #1 recommendation instead of the mean of ten (options are track indices).
    catalogue = load_catalogue(app_env[0])
    best = catalogue.tracks.index[catalogue.tracks["track_name"] == table["track_name"][0]][0]
    app.selectbox(key="compare").set_value(int(best)).run()
    assert not app.exception
    figure = app.get("plotly_chart")[-1].proto.spec
    assert "Blinding Lights" in figure and f"#1 {table['track_name'][0]}" in figure


def test_first_start_trains_and_caches_the_current_model(app_env):
    path, cache_dir = app_env
    open_app()
    digest = cache.file_digest(path)
    assert cache.cache_path(cache_dir, digest, FAST).exists()


@pytest.mark.parametrize("query, message", [
    ("   ", "Start typing"),
    ("x" * 10_000, "Start typing"),  # the box refuses input over 200 characters, so the page still asks
    ("🎵 !!!", "no letters or digits"),
    ("qqqzzzxxx", "No close match for “qqqzzzxxx”."),
])
def test_odd_queries_give_a_message_not_an_exception(app_env, query, message):
    app = open_app()
    app.text_input[0].input(query).run()
    assert not app.exception
    assert message in " ".join(e.value for e in [*app.info, *app.warning])


def test_a_query_without_a_close_match_offers_suggestions_and_no_list_until_one_is_picked(app_env):
    app = open_app()
    app.text_input[0].input("blinding lxxxxx").run()
    assert not app.exception
    assert [w.value for w in app.warning] == ["No close match for “blinding lxxxxx”."]
    assert not app.dataframe and not app.main.selectbox  # nothing recommended, nothing chosen
    suggestion = next(b for b in app.button if b.label == "Blinding Lights — The Weeknd")
    suggestion.click().run()
    assert not app.exception
    assert app.text_input[0].value == ""
    assert len(app.dataframe[0].value) == 10
    assert "songs like Blinding Lights by The Weeknd" in " ".join(h.value for h in app.subheader)


def served_in_link(app) -> TrainConfig:
    """The model the session's link names (`?model=`), which it serves."""
    path, cache_dir = Path(os.environ["RECSYS_DATA"]), Path(os.environ["RECSYS_CACHE_DIR"])
    return cache.find_config(cache_dir, cache.file_digest(path), app.query_params["model"])


def number_input(app, label):
    return next(w for w in app.number_input if w.label == label)


def start_on_page(app, **inputs) -> None:
    """Set the training form's inputs by label, press Start, and follow the run (its own process) to its end."""
    for label, value in inputs.items():
        number_input(app, label).set_value(value)
    app.button[0].click().run()
    deadline = time.monotonic() + 120
    while "train_report" in app.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        app.run()  # what the page's refresh every two seconds does in a browser
    assert not app.exception


def train_on_page(app, **inputs) -> tuple[list, list]:
    """Train through the page and return (losses, recalls) of the run."""
    start_on_page(app, **inputs)
    kind, history = app.session_state["train_outcome"]
    assert kind == "done"
    return history


def test_training_page_runs_two_epochs_and_updates_the_cache(app_env):
    path, cache_dir = app_env
    app = open_app("pages/train.py")
    losses, recalls = train_on_page(app, **{"Epochs": 2, "Embedding dimension per layer": 8, "Validation share": 0.2})
    assert len(losses) == 2 and all(np.isfinite(losses))
    assert len(recalls) == 2 and all(0 <= recall <= 1 for recall in recalls)  # the page validates by default
    assert "validation Recall@10" in app.get("plotly_chart")[-1].proto.spec  # plotted beside the loss
    trained = dataclasses.replace(FAST, epochs=2, holdout=0.2)  # the model served, two settings changed
    assert served_in_link(app) == trained  # this session serves it now; everyone else keeps the default
    assert cache.load_current_config(cache_dir) == FAST
    assert cache.cache_path(cache_dir, cache.file_digest(path), trained).exists()
    assert "final loss" in app.success[0].value


def test_a_validation_share_of_zero_trains_on_everything_and_plots_the_loss_alone(app_env):
    _, cache_dir = app_env
    app = open_app("pages/train.py")
    losses, recalls = train_on_page(app, **{"Epochs": 2, "Validation share": 0.0})
    assert len(losses) == 2 and recalls == []
    assert "validation Recall@10" not in app.get("plotly_chart")[-1].proto.spec
    current = served_in_link(app)
    assert (current.epochs, current.holdout) == (2, 0.0)


def test_a_second_training_run_is_refused_while_one_runs_and_changes_nothing(app_env):
    _, cache_dir = app_env
    app = open_app("pages/train.py")
    number_input(app, "Epochs").set_value(2)
    with cache.training_lock(cache_dir):  # another session's run
        app.button[0].click().run()
    assert not app.exception
    assert "Another training run" in app.error[0].value
    assert cache.load_current_config(cache_dir) == FAST
    start_on_page(app)  # once it has finished, training works again
    assert app.session_state["train_outcome"][0] == "done"


def test_every_session_sees_a_run_under_way_and_may_stop_it_in_local_mode(app_env):
    _, cache_dir = app_env
    open_app()  # the default model, trained: a visitor needs no training of their own
    trainer = open_app("pages/train.py")
    number_input(trainer, "Epochs").set_value(2000)
    trainer.button[0].click().run()
    deadline = time.monotonic() + 60
    while not cache.training_under_way(cache_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    other = open_app()  # another visitor, on the search page
    assert "A training run is under way on this installation" in " ".join(c.value for c in other.sidebar.caption)
    next(b for b in other.sidebar.button if b.label == "Stop that run").click().run()
    while "train_report" in trainer.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        trainer.run()
    assert trainer.session_state["train_outcome"][0] == "stopped"
    assert "stopped before it finished" in trainer.warning[0].value


def test_training_page_can_train_the_reports_recipe_instead(app_env):
    _, cache_dir = app_env
    app = open_app("pages/train.py")
    app.radio[0].set_value("gcn-paper").run()
    assert "Dropout" in [w.label for w in app.number_input]  # the form now shows the GCN's settings
    number_input(app, "Epochs").set_value(2)
    number_input(app, "Hidden dimension").set_value(16)
    number_input(app, "Embedding dimension").set_value(8)
    start_on_page(app)
    assert served_in_link(app) == TrainConfig.preset("gcn-paper", epochs=2, hidden_dim=16, out_dim=8)


def test_the_sidebar_switches_this_sessions_model_and_no_one_elses(app_env):
    path, cache_dir = app_env
    app = open_app()  # trains FAST, the default model
    other = dataclasses.replace(FAST, epochs=2)
    train_and_save(load_catalogue(path), cache.file_digest(path), cache_dir, other)
    picker = app.run().sidebar.selectbox[0]
    assert picker.options == [short_label(other), short_label(FAST)]  # newest first
    assert FAST.label in app.sidebar.caption[-1].value  # the served model's full name, under the box
    assert picker.value == FAST
    picker.set_value(other).run()
    assert not app.exception
    assert served_in_link(app) == other and cache.load_current_config(cache_dir) == FAST
    assert other.label in " ".join(c.value for c in app.caption)  # the search page serves it at once
    assert FAST.label in " ".join(c.value for c in open_app().caption)  # another visitor: the default
    app.sidebar.selectbox[0].set_value(FAST).run()
    assert FAST.label in " ".join(c.value for c in app.caption)


def test_models_that_differ_in_one_setting_only_are_told_apart(app_env):
    path, cache_dir = app_env
    app = open_app()  # trains FAST
    other = dataclasses.replace(FAST, temperature=5.0)
    train_and_save(load_catalogue(path), cache.file_digest(path), cache_dir, other)
    picker = app.run().sidebar.selectbox[0]
    # The browser sends back the label of the option chosen: two alike would be one model.
    assert len(set(picker.options)) == 2
    picker.set_value(other).run()
    assert served_in_link(app) == other


def data_page(app_env, monkeypatch) -> AppTest:
    """The Data page with uploads allowed: no RECSYS_DATA, so the shipped file is served until one is chosen."""
    monkeypatch.delenv("RECSYS_DATA")
    return open_app("pages/data.py")


def test_an_upload_that_does_not_load_shows_its_message_and_changes_nothing(app_env, monkeypatch):
    _, cache_dir = app_env
    app = data_page(app_env, monkeypatch)
    bad = (Path(__file__).parent / "data" / "bad" / "missing_columns.csv").read_bytes()
    app.file_uploader[0].upload("my export.csv", bad, "text/csv").run()
    assert not app.exception
    assert "missing required column" in app.error[0].value and "my export" in app.error[0].value
    assert not any(b.label == "Use this data" for b in app.button)
    assert datasets.current_upload(cache_dir) is None


def test_an_upload_that_loads_is_summarised_then_served_when_chosen(app_env, monkeypatch):
    path, cache_dir = app_env
    app = data_page(app_env, monkeypatch)
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
    assert "spotify_songs.csv" in open_app("pages/data.py").text[0].value  # another visitor: the default


def test_using_an_upload_says_done_with_its_name_and_offers_go_back_at_once(app_env, monkeypatch):
    """Regression: after "Use this data" the upload section still offered the file as new, and
    the way back showed only after a reload."""
    path, _ = app_env
    app = data_page(app_env, monkeypatch)
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
    app = open_app("pages/data.py")
    assert len(app.file_uploader) == 0
    assert "uploads are turned off" in app.info[0].value


def test_a_bad_data_file_is_one_clear_error(app_env, monkeypatch, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("track_id,track_name\n1,x\n")
    monkeypatch.setenv("RECSYS_DATA", str(bad))
    app = open_app()
    assert not app.exception
    assert len(app.error) == 1
    assert "missing required column" in app.error[0].value


def test_a_corrupted_cache_is_rebuilt_with_a_message(app_env):
    import streamlit as st

    path, cache_dir = app_env
    open_app()
    model = cache.cache_path(cache_dir, cache.file_digest(path), FAST)
    model.write_bytes(b"not an npz archive")
    st.cache_resource.clear()  # a fresh server process would start with an empty resource cache
    app = open_app()
    assert any("unreadable" in toast.value for toast in app.toast)
    app.text_input[0].input("blinding lights").run()
    assert not app.exception
    assert len(app.dataframe[0].value) == 10
    assert cache.load(model, *_ids_digest_config(path))[0] is not None  # rewritten, valid again


def _ids_digest_config(path):
    return load_catalogue(path).ids, cache.file_digest(path), FAST


def test_names_from_the_data_are_shown_literally_not_as_markdown(app_env, monkeypatch, tmp_path):
    rows = [{"playlist_id": f"p{i % 2}", "danceability": i / 20} for i in range(20)]
    rows[0].update(track_name="**Bold** [x](javascript:alert(1))", track_artist="<img src=x onerror=alert(1)>")
    monkeypatch.setenv("RECSYS_DATA", str(write_songs_csv(tmp_path / "odd.csv", rows)))
    app = open_app()
    app.text_input[0].input("bold").run()
    heading = app.subheader[0].value
    assert r"\*\*Bold\*\* \[x\]\(javascript\:alert\(1\)\)" in heading
    assert r"\<img src=x onerror=alert\(1\)\>" in heading


def test_evaluation_page_without_a_report_says_how_to_make_one(app_env):
    app = open_app("pages/evaluation.py")
    assert not app.exception
    assert "python -m recsys evaluate" in app.info[0].value


def test_evaluation_page_runs_the_evaluation_and_shows_table_and_chart(app_env):
    app = open_app("pages/evaluation.py")
    app.button[0].click().run()
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table.index) == {MODEL_LABELS[name] for name in MODELS}
    assert table.loc["knowledge-graph model (kg, the default)", "Recall@10"].count("±") == 1
    assert len(app.get("plotly_chart")) == 1
    app.radio[1].set_value("cold").run()  # the toy's held-out songs are all cold-start songs
    assert not app.exception and app.dataframe[0].value.loc["random", "AUC"] != "—"
    # Regression: thirteen columns in one table were clipped at 1400 px; every figure is still shown.
    app.radio[1].set_value("all").run()  # song → songs over all hidden songs: every figure there is
    shown = [column for frame in app.dataframe for column in frame.value.columns]
    assert sorted(shown) == sorted(METRIC_LABELS.get(m, m) for m in TABLE_METRICS)
    assert max(len(frame.value.columns) for frame in app.dataframe) <= 5
    app.radio[0].set_value(AS_SHOWN).run()
    app.radio[1].set_value("warm").run()  # the lists as shown are measured over all hidden songs only
    assert not app.dataframe and "no figures" in app.info[-1].value


# --- faults: a disk that refuses writes, damaged records -----------------------------------------


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC], ids=["read-only", "full"])
def test_training_on_a_disk_that_refuses_it_says_so_and_keeps_serving(app_env, refuse_writes, code):
    _, cache_dir = app_env
    open_app()  # the model served, trained and saved
    refuse_writes(cache_dir, code)
    app = open_app("pages/train.py")
    number_input(app, "Epochs").set_value(2)
    app.button[0].click().run()
    assert not app.exception
    message = app.error[0].value
    assert "cannot take a new model" in message and "keeps serving" in message
    assert "train_report" not in app.session_state  # refused before any run started
    assert cache.load_current_config(cache_dir) == FAST
    app = open_app()
    app.text_input[0].input("blinding lights").run()
    assert not app.exception and len(app.dataframe[0].value) == 10


def test_a_first_start_on_a_read_only_disk_trains_once_and_serves_from_memory(app_env, refuse_writes, monkeypatch):
    import streamlit as st

    import recsys.train

    _, cache_dir = app_env
    calls, real_train = [], recsys.train.train
    monkeypatch.setattr(recsys.train, "train", lambda *args, **kwargs: calls.append(1) or real_train(*args, **kwargs))
    refuse_writes(cache_dir)
    st.cache_resource.clear()
    app = open_app()
    assert any("from memory" in toast.value for toast in app.toast)
    app.text_input[0].input("blinding lights").run()
    assert not app.exception and len(app.dataframe[0].value) == 10
    open_app()  # another session
    assert len(calls) == 2  # once: the model, and the held-out run its score scale is fitted on


def test_a_damaged_record_of_the_model_served_is_reported_once(app_env):
    _, cache_dir = app_env
    record = cache_dir / cache.CURRENT_MODEL_FILE
    record.write_text(record.read_text().replace('"epochs": 3', '"epochs": 30'))
    app = open_app()
    assert not app.exception
    assert [toast.value for toast in app.toast if "model served" in toast.value] == [
        r"The record of the model served \(current\-model\.json\) is damaged \(its checksum does not match\); "
        r"serving the default model\."]
    app.text_input[0].input("blinding lights").run()
    assert not app.exception and len(app.dataframe[0].value) == 10
    assert not any("model served" in toast.value for toast in app.toast)


def test_an_evaluation_the_disk_refuses_is_shown_and_its_problem_named(app_env, refuse_writes):
    _, cache_dir = app_env
    refuse_writes(cache_dir)
    app = open_app("pages/evaluation.py")
    app.button[0].click().run()
    assert not app.exception
    assert "Cannot write" in app.error[0].value and "Read\\-only file system" in app.error[0].value
    assert set(app.dataframe[0].value.index) == {MODEL_LABELS[name] for name in MODELS}


def open_with(page: str, **query) -> AppTest:
    app = AppTest.from_file("../streamlit_app.py", default_timeout=60)
    app.switch_page(page)
    app.query_params.update(query)
    return app.run()


def test_a_link_with_a_track_id_opens_that_song_with_its_evidence_and_downloads(app_env):
    app = open_with("pages/search.py", track="t0")
    assert not app.exception
    assert app.subheader[0].value == "10 songs like Blinding Lights by The Weeknd"
    assert len(app.dataframe[0].value) == 10
    assert len(app.expander) == 1 + 10 + 1  # filters, one "why" per song, about the model
    assert "Shortest link in the graph" in app.expander[1].markdown[0].value
    for why in app.expander[1:11]:  # every song is linked through a playlist, shared or of one genre
        [graph] = why.get("plotly_chart")
        assert '"name":"playlist"' in graph.proto.spec and json.loads(graph.proto.config) == {"displayModeBar": False}
    assert [button.label for button in app.get("download_button")] == ["Download CSV", "Download M3U playlist"]


def test_choosing_a_song_puts_it_in_the_url(app_env):
    app = open_app()
    app.text_input[0].input("blinding lights").run()
    assert app.query_params["track"] == "t0"


def test_a_link_to_an_unknown_song_says_so_and_offers_the_search(app_env):
    app = open_with("pages/search.py", track="no-such-id")
    assert not app.exception
    assert "not in this catalogue" in app.warning[0].value and "no\\-such\\-id" in app.warning[0].value
    assert "Start typing" in app.info[0].value


def test_demo_mode_explains_the_model_and_offers_famous_songs(app_env):
    app = open_with("pages/search.py", demo="1")
    assert "What you are looking at" in app.info[0].value
    demo_buttons = [button for button in app.button if button.key and button.key.startswith("demo-")]
    assert [button.label for button in demo_buttons] == ["Blinding Lights"]  # the one famous song in this file
    demo_buttons[0].click().run()
    assert app.query_params["track"] == "t0" and app.query_params["demo"] == "1"
    assert app.subheader[0].value.startswith("10 songs like Blinding Lights")


def test_a_mini_playlist_gets_ten_songs_for_the_whole_set(app_env):
    app = open_with("pages/playlist.py", set="t0,t1,gone")  # "gone": a song no longer in the data is dropped
    assert not app.exception
    assert app.multiselect[0].value == ["t0", "t1"]
    table = app.dataframe[0].value
    assert len(table) == 10 and not {"Blinding Lights", "Song t1"} & set(table["track_name"])
    app.multiselect[0].unselect("t1").run()
    assert app.query_params["set"] == "t0"


def test_songs_are_added_to_the_mini_playlist_from_the_search(app_env):
    app = open_with("pages/playlist.py")
    assert "Add at least one song" in app.info[0].value
    app.text_input[0].input("blinding").run()
    app.button[0].click().run()
    assert app.query_params["set"] == "t0"


def test_the_mini_playlist_search_offers_suggestions_when_nothing_matches(app_env):
    app = open_with("pages/playlist.py")
    app.text_input[0].input("blinding lxxxxx").run()
    assert app.warning[0].value == "No close match for “blinding lxxxxx”. Did you mean one of these?"
    assert app.button[0].label.startswith("＋ Blinding Lights — The Weeknd")
    app.button[0].click().run()
    assert app.query_params["set"] == "t0"


def test_the_map_highlights_the_song_in_the_link_and_its_neighbours(app_env):
    app = open_with("pages/map.py", track="t0")
    assert not app.exception
    spec = app.get("plotly_chart")[1].proto.spec  # the close-up: the map itself stays the same from click to click
    assert '"name":"this song"' in spec and '"name":"its 10 neighbours"' in spec
    assert app.subheader[0].value == "Blinding Lights by The Weeknd and its ten neighbours"


def unlock(app, password: str) -> None:
    """Type `password` into the page's operator password form and submit it."""
    next(w for w in app.text_input if w.label == "Operator password").input(password)
    next(b for b in app.button if b.label == "Unlock").click().run()


def test_in_shared_mode_training_uploads_and_evaluation_wait_for_the_operator_password(app_env, monkeypatch):
    monkeypatch.setenv("RECSYS_OPERATOR_PASSWORD", "correct horse")
    app = open_app("pages/train.py")
    assert "training a model needs the operator password" in app.info[0].value
    assert not [b for b in app.button if b.label == "Start training"]
    unlock(app, "wrong")
    assert "not the operator password (4 tries left)" in app.error[0].value
    unlock(app, "correct horse")
    assert [b for b in app.button if b.label == "Start training"]  # unlocked for this session
    app.switch_page("pages/evaluation.py").run()
    assert [b for b in app.button if b.label.startswith("Run the evaluation")]  # once per session
    visitor = open_app("pages/evaluation.py")  # another session: still locked
    assert "running the evaluation needs the operator password" in visitor.info[0].value
    monkeypatch.delenv("RECSYS_DATA")
    assert not open_app("pages/data.py").file_uploader  # uploads are the operator's too


def test_a_session_that_guesses_wrong_too_often_is_locked_out(app_env, monkeypatch):
    monkeypatch.setenv("RECSYS_OPERATOR_PASSWORD", "correct horse")
    app = open_app("pages/train.py")
    for _ in range(5):
        unlock(app, "guess")
    assert "Too many wrong passwords" in app.error[0].value
    app.run()
    assert not [w for w in app.text_input if w.label == "Operator password"]  # no more tries
    assert "Too many wrong passwords" in app.error[0].value


# --- found by a new user ---------------------------------------------------------------------------


def menu_links(app) -> dict[str, str]:
    """The sidebar menu's links: page title → the query string it carries."""
    return {link.proto.label: link.proto.query_string for link in app.sidebar.get("page_link")}


def test_after_a_search_the_menu_links_carry_the_song(app_env):
    """Regression: the menu was drawn before the search set ?track=, so its links dropped the song
    and the map and the search page opened on nothing."""
    app = open_with("pages/search.py", demo="1")
    assert set(menu_links(app).values()) == {"demo=1"}
    app.text_input[0].input("blinding lights").run()
    assert app.query_params["track"] == "t0"
    links = menu_links(app)
    assert links["Embedding map"] == links["Find similar songs"] == "track=t0&demo=1"


def test_demo_mode_hides_the_engineering(app_env):
    app = open_app()
    assert "Train the model" in menu_links(app) and app.sidebar.selectbox  # the model picker
    next(t for t in app.sidebar.toggle if t.label == "Demo mode").set_value(True).run()
    assert app.query_params["demo"] == "1"
    assert list(menu_links(app)) == ["Find similar songs", "Mini playlist", "Embedding map"]
    assert not app.sidebar.selectbox  # no model picker
    for page in ("pages/train.py", "pages/evaluation.py", "pages/data.py"):
        direct = open_with(page, demo="1")
        assert "the demo leaves it out" in direct.info[0].value
        assert not direct.number_input and not direct.file_uploader and not direct.button


def test_config_toml_keeps_the_developer_menu_hidden():
    import tomllib

    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] == "viewer"


def test_start_with_the_form_as_prefilled_reproduces_the_served_model(app_env):
    """Regression: the validation share was prefilled with 0.2 though the model served used 0."""
    app = open_app("pages/train.py")
    assert number_input(app, "Validation share").value == 0.0
    start_on_page(app)
    assert served_in_link(app) == FAST


def test_after_stop_the_form_keeps_what_was_typed(app_env):
    _, cache_dir = app_env
    app = open_app("pages/train.py")
    number_input(app, "Epochs").set_value(2000)
    number_input(app, "Validation share").set_value(0.1)
    app.button[0].click().run()
    deadline = time.monotonic() + 60
    while worker_report(app) is None and time.monotonic() < deadline:
        time.sleep(0.2)
        app.run()
    next(b for b in app.button if b.label == "Stop training").click().run()
    while "train_report" in app.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        app.run()
    assert app.session_state["train_outcome"][0] == "stopped"
    assert (number_input(app, "Epochs").value, number_input(app, "Validation share").value) == (2000, 0.1)
    assert not number_input(app, "Epochs").disabled


def worker_report(app):
    return app.session_state["train_report"] if "train_report" in app.session_state else None


def test_about_the_model_lists_only_the_settings_it_uses(app_env):
    app = open_with("pages/search.py", track="t0")
    about = app.expander[-1]
    assert about.label == "About the data and the model"
    assert json.loads(about.json[0].value) == FAST.settings_used()
