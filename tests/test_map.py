"""The map page (pages/map.py): PCA until the t-SNE map is stored, then t-SNE with both projections'
neighbourhood figures; demo mode's plain caption; a click makes the song current. AppTest, and one
journey in Chromium on the shipped data."""

import json
import re

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from app_context import map_coordinates
from recsys import cache, store
from recsys.map_charts import DEMO_MAP_CAPTION, MAP_GRID
from tests.conftest import STORED_MAP_KEPT
from tests.apptest import FAST


@pytest.fixture()
def map_env(app_env, monkeypatch):  # noqa: F811
    """(app_env, the maps it was asked to start): no process started for the t-SNE map (a test stores one itself) and no map
    held over from another test in this process's cache."""
    started = []
    monkeypatch.setattr("recsys.projection.start_map", lambda path: started.append(path) or True)
    map_coordinates.clear()
    yield app_env, started
    map_coordinates.clear()


def store_fake_map(data_path, cache_dir) -> np.ndarray:
    """Store a map with known preservation figures for the served (trained) model; returns its coordinates."""
    path = cache.cache_path(cache_dir, store.file_digest(data_path), FAST)
    with np.load(path, allow_pickle=False) as archive:
        vectors = archive["track_emb"]
    coords = np.random.default_rng(0).standard_normal((len(vectors), 2)).astype(np.float32)
    cache.save_projection(cache.projection_path(path), vectors, coords, STORED_MAP_KEPT)
    return coords


def map_payload(app) -> dict:
    """The canvas map's payload as the page sent it: a JSON string (app_context.map_payload), sent as JSON."""
    (element,) = app.get("bidi_component")
    return json.loads(json.loads(element.proto.json))


def caption(app) -> str:
    return next(c.value for c in app.caption if "Hover a point" in c.value or c.value == DEMO_MAP_CAPTION)


def test_without_a_stored_map_the_page_shows_pca_and_says_a_better_one_is_coming(map_env):
    env, started = map_env
    app = env.open("pages/map.py")
    assert not app.exception
    assert "being made in the background (about two minutes)" in app.info[0].value
    assert len(started) == 1 and started[0].name.startswith("embeddings-")  # the computation was started
    assert "principal component analysis" in caption(app)
    assert not [control for control in app.get("button_group") if "Projection" in control.proto.label]
    assert map_payload(app)["axes"] == ["component 1", "component 2"]


def test_a_stored_map_is_shown_by_default_with_both_projections_figures(map_env):
    env, _ = map_env
    coords = store_fake_map(env.path, env.cache_dir)
    map_coordinates.clear()
    app = env.open("pages/map.py")
    assert not app.exception and not app.info[0].value.startswith("A better map")
    assert "t-SNE keeps 55% of each song's ten nearest neighbours (PCA 8%)." in caption(app)
    (projection,) = [control for control in app.get("button_group") if control.proto.label == "Projection"]
    payload = map_payload(app)
    drawn = {song[0]: (x, y) for song, x, y in zip(payload["songs"], payload["x"], payload["y"])}
    place = (coords[0] - coords.min(axis=0)) / np.ptp(coords, axis=0).max() * MAP_GRID
    assert drawn[0] == pytest.approx(tuple(place), abs=0.5)  # the stored map's place for the song


def test_demo_mode_says_it_plainly_and_shows_the_best_map(map_env):
    env, _ = map_env
    store_fake_map(env.path, env.cache_dir)
    map_coordinates.clear()
    app = env.open("pages/map.py", demo="1")
    assert caption(app) == DEMO_MAP_CAPTION
    assert not [control for control in app.get("button_group") if control.proto.label == "Projection"]
    words = " ".join(element.value for element in [*app.caption, *app.markdown, *app.info])
    assert not re.search(r"PCA|t-SNE|component|variance", words)
    assert map_payload(app)["axes"] == ["", ""]


def click_map(app, track: int):
    """Send the run the canvas map's "clicked" trigger naming local index `track`, as a click on the map does."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    (element,) = app.get("bidi_component")
    states = app._tree.get_widget_states()
    states.widgets.append(WidgetState(id=_make_trigger_id(element.proto.id, "events"),
                                      json_trigger_value=json.dumps([{"event": "clicked", "value": track}])))
    return app._run(states)


def click(app, key: str, track: int):
    """Send the run a plotly selection of the point naming local index `track` on chart `key`, as a click does."""
    chart = next(chart for chart in app.get("plotly_chart") if chart.proto.id.endswith(key) or key in chart.proto.id)
    states = app._tree.get_widget_states()
    selection = {"selection": {"points": [{"customdata": [track]}], "point_indices": [0], "box": [], "lasso": []}}
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps(selection)))
    return app._run(states)


def test_a_click_on_the_map_makes_that_song_current_and_shows_it_up_close(map_env):
    env, _ = map_env
    app = env.open("pages/map.py")
    assert "Click any point" in app.info[-1].value
    before = map_payload(app)
    click_map(app, 0)
    assert not app.exception
    assert app.query_params["track"] == "t0"
    assert app.subheader[0].value == "Blinding Lights by The Weeknd and its ten neighbours"
    closeup = app.get("plotly_chart")[0].proto.spec
    assert '"name":"this song"' in closeup and '"name":"its 10 neighbours"' in closeup
    assert map_payload(app) == before  # the map stays as it was, so the browser keeps it
    click(app, "map-closeup", 3)  # a song in the close-up
    assert app.query_params["track"] == "t3"


def test_the_map_highlights_the_song_in_the_link_and_its_neighbours(map_env):
    env, _ = map_env
    app = env.open("pages/map.py", track="t0")
    assert not app.exception
    spec = app.get("plotly_chart")[0].proto.spec  # the close-up: the map itself stays the same from click to click
    assert '"name":"this song"' in spec and '"name":"its 10 neighbours"' in spec
    assert app.subheader[0].value == "Blinding Lights by The Weeknd and its ten neighbours"


@pytest.fixture(scope="module")
def map_url(trained_cache, tmp_path_factory):
    """`streamlit run` on the shipped data with a briefly trained model and its map stored
    (conftest's trained_cache, with STORED_MAP_KEPT), so no t-SNE process is started."""
    from tests.conftest import own_copy, trained_app

    folder = tmp_path_factory.mktemp("map")
    own_copy(trained_cache, folder)
    with pytest.MonkeyPatch.context() as monkeypatch, trained_app(folder, monkeypatch) as url:
        yield url


CHART_NAMES = "(n) => [...document.querySelectorAll('.js-plotly-plot')][n]._fullData.map(trace => trace.name)"


@pytest.mark.slow  # a streamlit server and Chromium
def test_a_click_on_the_map_shows_that_song_its_star_and_carries_it_to_the_other_pages(map_url, browser):
    from tests.test_e2e import POINT_ON_SCREEN, SHAPE_OF_YOU

    page = browser.new_context(viewport={"width": 1300, "height": 1400}).new_page()
    page.goto(f"{map_url}map?track={SHAPE_OF_YOU}")
    page.get_by_role("heading", name="Shape of You by Ed Sheeran and its ten neighbours").wait_for(timeout=120_000)
    page.locator("canvas.song-map-canvas").wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").wait_for(timeout=60_000)
    assert "this song" in page.evaluate(CHART_NAMES, 0)  # the star, in the close-up
    assert page.get_by_text("t-SNE keeps 55%").count() == 1
    page.wait_for_timeout(1000)
    x, y = page.evaluate(POINT_ON_SCREEN, 0.5)
    page.mouse.move(x, y)
    hovered = page.locator(".song-map-tip b").inner_text(timeout=5_000)  # the song's title, in the tooltip
    page.mouse.click(x, y)
    page.wait_for_url(lambda address: f"track={SHAPE_OF_YOU}" not in address, timeout=30_000)
    clicked = re.search(r"track=([^&]+)", page.url).group(1)
    page.get_by_role("heading", name=re.compile("and its ten neighbours")).wait_for()
    page.wait_for_function("() => !document.body.innerText.includes('Shape of You by Ed Sheeran and its')",
                           timeout=30_000)
    assert page.get_by_role("heading", name=re.compile("and its ten neighbours")).inner_text().startswith(hovered)
    assert "this song" in page.evaluate(CHART_NAMES, 0)
    menu = page.get_by_test_id("stSidebar").get_by_role("link", name="Find similar songs")
    assert f"track={clicked}" in menu.get_attribute("href")
    page.context.close()


def test_the_closeup_zooms_to_the_song_and_its_neighbours_among_the_nearest_others():
    from recsys.map_charts import CLOSEUP_POINTS, map_closeup
    from tests.test_map_charts import MAP_TRACKS

    coords = np.array([[0, 0], [1, 0], [0, 1], [9, 9], [0.5, 0.5], [5, 5], [0.2, 0.1], [8, 8]], dtype=np.float32)
    figure = map_closeup(coords, MAP_TRACKS, current=0, neighbours=[1, 2])
    names = {trace.name: sorted(int(row[0]) for row in trace.customdata) for trace in figure.data}
    assert names == {"other songs": [4, 6], "its 2 neighbours": [1, 2], "this song": [0]}  # 3, 5, 7 lie outside
    assert figure.data[-1].marker.symbol == "star"
    low, high = figure.layout.xaxis.range
    assert low < 0 and 1 < high < 3  # the neighbours' box, padded
    assert CLOSEUP_POINTS < 1_000  # a click sends the close-up, not the catalogue


def test_the_caption_gives_both_projections_figures_once_the_map_is_stored():
    from recsys.map_charts import map_caption

    kept = STORED_MAP_KEPT
    assert map_caption("tsne", kept, 0.2) == "t-SNE keeps 55% of each song's ten nearest neighbours (PCA 8%)."
    assert map_caption("pca", kept, 0.2) == "PCA keeps 8% of each song's ten nearest neighbours (t-SNE 55%)."
    assert "keep 20% of the vectors' variation" in map_caption("pca", {}, 0.2)
