"""The search page, driven headless through streamlit.testing.v1.AppTest: a query, a link or a demo
button to one song, its ten recommendations with their evidence, and the faults it survives."""

import dataclasses
import json
import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from recsys import cache, store, worker
from recsys.load import load_catalogue
from recsys.pipeline import prepare
from tests.apptest import FAST
from tests.conftest import write_songs_csv


def test_misspelled_query_gives_ten_recommendations_and_a_radar(shared_env):
    app = shared_env.open()
    assert not app.exception
    app.text_input[0].input("blinding lites").run()
    assert not app.exception
    chosen = app.main.selectbox[0]
    assert chosen.format_func(chosen.value).startswith("Blinding Lights — The Weeknd")
    table = app.dataframe[0].value
    assert len(table) == 10
    assert list(table["rank"]) == list(range(1, 11))
    assert "Blinding Lights" not in set(table["track_name"])
    assert [chart.key for chart in app.get("plotly_chart")] == ["radar"]  # no panel's graph until it is opened
    catalogue = load_catalogue(shared_env.path)
    best = catalogue.tracks.index[catalogue.tracks["track_name"] == table["track_name"][0]][0]
    app.session_state[f"search-open-{best}"] = True  # what opening the first "why" panel does
    app.run()
    assert len(app.get("plotly_chart")) == 1 + 1  # that panel's evidence graph, then the radar
    # Compare with the #1 recommendation instead of the mean of ten (options are track indices).
    app.selectbox(key="compare").set_value(int(best)).run()
    assert not app.exception
    figure = app.get("plotly_chart")[-1].proto.spec
    assert "Blinding Lights" in figure and f"#1 {table['track_name'][0]}" in figure


@pytest.mark.slow  # the training run is a process of its own
def test_first_start_trains_and_caches_the_current_model(untrained_env):
    path, cache_dir = untrained_env
    untrained_env.open()
    digest = store.file_digest(path)
    assert cache.cache_path(cache_dir, digest, FAST).exists()


@pytest.mark.slow  # two training runs, each a process of its own
def test_a_first_start_that_waits_for_another_run_shows_it_in_its_bar_not_in_a_stale_sidebar_word(untrained_env):
    path, cache_dir = untrained_env
    other = worker.start(path, cache_dir, dataclasses.replace(FAST, epochs=100_000, seed=1))  # another model
    deadline = time.monotonic() + 60
    while not worker.read(other).epochs and time.monotonic() < deadline:
        time.sleep(0.1)
    stopper = threading.Timer(3.0, worker.stop, args=(other,))  # then the first start may train its own
    stopper.start()
    app = untrained_env.open()  # drawn while that run held the cache: the sidebar's word on it, then the bar
    stopper.join()
    assert not app.exception and worker.read(other).finished == "stopped"
    assert cache.cache_path(cache_dir, store.file_digest(path), FAST).exists()
    assert not [caption for caption in app.sidebar.caption if "training run is under way" in caption.value]
    assert not app.sidebar.button  # nor its Stop


@pytest.mark.parametrize("query, message", [
    ("   ", "Start typing"),
    ("x" * 10_000, "Start typing"),  # the box refuses input over 200 characters, so the page still asks
    ("🎵 !!!", "no letters or digits"),
    ("qqqzzzxxx", "No close match for “qqqzzzxxx”."),
])
def test_odd_queries_give_a_message_not_an_exception(shared_env, query, message):
    app = shared_env.open()
    app.text_input[0].input(query).run()
    assert not app.exception
    assert message in " ".join(e.value for e in [*app.info, *app.warning])


def test_a_query_without_a_close_match_offers_suggestions_and_no_list_until_one_is_picked(shared_env):
    app = shared_env.open()
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


@pytest.fixture(scope="module")
def song_page(shared_env) -> AppTest:
    """The search page opened by a link to Blinding Lights (`?track=t0`): what several tests read."""
    return shared_env.open("pages/search.py", track="t0")


@pytest.fixture(scope="module")
def every_panel_open(shared_env) -> AppTest:
    """That page again with every "why" panel opened, as a person clicking each would."""
    opened = {f"search-open-{track}": True for track in range(1, 30)}  # every song but t0 may be in the list
    return shared_env.open("pages/search.py", state=opened, track="t0")


def test_a_link_with_a_track_id_opens_that_song_with_its_evidence_and_downloads(song_page):
    app = song_page
    assert not app.exception
    assert app.subheader[0].value == "10 songs like Blinding Lights by The Weeknd"
    assert len(app.dataframe[0].value) == 10
    assert len(app.expander) == 1 + 10 + 1  # filters, one "why" per song, about the model
    assert "Shortest link in the graph" in app.expander[1].markdown[0].value  # the text, with no graph yet
    assert not app.expander[1].get("plotly_chart")
    assert [button.label for button in app.get("download_button")] == ["Download CSV", "Download M3U playlist"]


def test_an_opened_panel_draws_its_evidence_graph(every_panel_open):
    app = every_panel_open
    assert not app.exception
    for why in app.expander[1:11]:  # every song is linked through a playlist, shared or of one genre
        [graph] = why.get("plotly_chart")
        assert '"name":"playlist"' in graph.proto.spec and json.loads(graph.proto.config) == {"displayModeBar": False}


def test_about_the_model_lists_only_the_settings_it_uses(song_page):
    about = song_page.expander[-1]
    assert about.label == "About the data and the model"
    assert json.loads(about.json[0].value) == FAST.settings_used()


def test_choosing_a_song_puts_it_in_the_url(shared_env):
    app = shared_env.open()
    app.text_input[0].input("blinding lights").run()
    assert app.query_params["track"] == "t0"


def test_a_link_to_an_unknown_song_says_so_and_offers_the_search(shared_env):
    app = shared_env.open("pages/search.py", track="no-such-id")
    assert not app.exception
    assert "not in this catalogue" in app.warning[0].value and "no\\-such\\-id" in app.warning[0].value
    assert "Start typing" in app.info[0].value


def test_demo_mode_explains_the_model_and_offers_famous_songs(shared_env):
    app = shared_env.open("pages/search.py", demo="1")
    assert "What you are looking at" in app.info[0].value
    demo_buttons = [button for button in app.button if button.key and button.key.startswith("demo-")]
    assert [button.label for button in demo_buttons] == ["Blinding Lights"]  # the one famous song in this file
    demo_buttons[0].click().run()
    assert app.query_params["track"] == "t0" and app.query_params["demo"] == "1"
    assert app.subheader[0].value.startswith("10 songs like Blinding Lights")


def test_names_from_the_data_are_shown_literally_not_as_markdown(app_env, tmp_path):
    rows = [{"playlist_id": f"p{i % 2}", "danceability": i / 20} for i in range(20)]
    rows[0].update(track_name="**Bold** [x](javascript:alert(1))", track_artist="<img src=x onerror=alert(1)>")
    odd = write_songs_csv(tmp_path / "odd.csv", rows)
    prepare(odd, app_env.cache_dir, FAST)
    app = app_env.replace(data=odd).open()
    app.text_input[0].input("bold").run()
    heading = app.subheader[0].value
    assert r"\*\*Bold\*\* \[x\]\(javascript\:alert\(1\)\)" in heading
    assert r"\<img src=x onerror=alert\(1\)\>" in heading


def test_a_corrupted_cache_is_rebuilt_with_a_message(app_env):
    import streamlit as st

    path, cache_dir = app_env
    app_env.open()
    model = cache.cache_path(cache_dir, store.file_digest(path), FAST)
    model.write_bytes(b"not an npz archive")
    st.cache_resource.clear()  # a fresh server process would start with an empty resource cache
    app = app_env.open()
    assert any("unreadable" in toast.value for toast in app.toast)
    app.text_input[0].input("blinding lights").run()
    assert not app.exception
    assert len(app.dataframe[0].value) == 10
    assert cache.load(model, *_ids_digest_config(path))[0] is not None  # rewritten, valid again


def _ids_digest_config(path):
    return load_catalogue(path).ids, store.file_digest(path), FAST


def test_a_first_start_on_a_read_only_disk_trains_once_and_serves_from_memory(untrained_env, refuse_writes,
                                                                             monkeypatch):
    import streamlit as st

    import recsys.train

    app_env = untrained_env
    _, cache_dir = app_env
    calls, real_train = [], recsys.train.train
    monkeypatch.setattr(recsys.train, "train", lambda *args, **kwargs: calls.append(1) or real_train(*args, **kwargs))
    refuse_writes(cache_dir)
    st.cache_resource.clear()
    app = app_env.open()
    assert any("from memory" in toast.value for toast in app.toast)
    app.text_input[0].input("blinding lights").run()
    assert not app.exception and len(app.dataframe[0].value) == 10
    app_env.open()  # another session
    assert len(calls) == 2  # once: the model, and the held-out run its score scale is fitted on


@pytest.mark.slow  # the default model it falls back on trains in a process of its own
def test_a_damaged_record_of_the_model_served_is_reported_once(app_env):
    _, cache_dir = app_env
    record = cache_dir / cache.CURRENT_MODEL_FILE
    record.write_text(record.read_text().replace('"epochs": 3', '"epochs": 30'))
    app = app_env.open()
    assert not app.exception
    assert [toast.value for toast in app.toast if "model served" in toast.value] == [
        r"The record of the model served \(current\-model\.json\) is damaged \(its checksum does not match\); "
        r"serving the default model\."]
    app.text_input[0].input("blinding lights").run()
    assert not app.exception and len(app.dataframe[0].value) == 10
    assert not any("model served" in toast.value for toast in app.toast)
