"""What a person does with the app, in Debian's Chromium driven by Playwright against `streamlit run`
on the shipped data: search with a typo, open the evidence, follow a link, go back, click the map,
train for a few epochs. `docs/screenshots.py` takes the README's pictures along the same journeys."""

import re
from pathlib import Path

import pytest

from bench.bench import READY_TEXT
from tests.conftest import E2E_CONFIG, own_copy, trained_app

pytestmark = pytest.mark.slow  # Chromium against `streamlit run`, a model trained on the shipped data

SHAPE_OF_YOU = "7qiZfU4dY1lWllzX7mPBI3"


def search(page, url: str, shot: Path | None = None) -> None:
    """Type a misspelled title, choose the song from the matches, see ten songs and the radar chart."""
    page.goto(url)
    page.get_by_text(READY_TEXT).wait_for(timeout=120_000)
    box = page.get_by_label("Song title or artist")
    box.fill("blinding lites")
    box.press("Enter")
    page.get_by_role("heading", name="10 songs like Blinding Lights by The Weeknd").wait_for(timeout=60_000)
    page.get_by_label("Which song?").click()
    page.get_by_role("option", name=re.compile("^Blinding Lights — The Weeknd")).first.click()
    page.get_by_role("heading", name="How they sound").wait_for()
    page.locator(".js-plotly-plot .main-svg").last.wait_for(timeout=60_000)  # the radar; the evidence graphs are folded
    page.locator("[data-testid=stDataFrame] canvas").first.wait_for(timeout=60_000)
    if shot:
        page.wait_for_timeout(1500)  # let the table and chart finish drawing
        page.screenshot(path=shot)


def open_explanation(page, shot: Path | None = None):
    """Open the first "why" panel; returns its text."""
    summary = page.locator("summary", has_text=re.compile(r"#1 "))
    summary.click()
    panel = summary.locator("xpath=..")  # the <details> it opens
    evidence = panel.get_by_text("Shortest link in the graph")
    evidence.wait_for(timeout=30_000)
    if shot:
        page.get_by_role("heading", name="Why these songs").scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=shot)
    return panel.inner_text()


def map_click(page, url: str, track_id: str, shot: Path | None = None) -> str:
    """Open the map on a song, click another point; returns the track_id the URL then names."""
    page.goto(f"{url}map?track={track_id}")
    page.get_by_role("heading", name=re.compile("and its ten neighbours")).wait_for(timeout=120_000)
    page.locator("canvas.song-map-canvas").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    if shot:
        page.screenshot(path=shot)
    x, y = page.evaluate(POINT_ON_SCREEN, 0.5)
    page.mouse.click(x, y)
    page.wait_for_url(lambda address: f"track={track_id}" not in address, timeout=30_000)
    return re.search(r"track=([^&]+)", page.url).group(1)


# Where a song (`share` of the way through the map's drawing order) sits on screen, as the canvas
# map (pages/widgets/song_map.js) places it.
POINT_ON_SCREEN = "(share) => document.querySelector('canvas.song-map-canvas').songOnScreen(share)"


# Epochs of the Train-page run: at about 0.2 s each, enough for the page, redrawn every two
# seconds, to show the chart growing.
SHORT_RUN = 20


def train_briefly(page, url: str, shot: Path | None = None) -> list[int]:
    """Start a SHORT_RUN-epoch run; returns how many epochs the loss chart held each time it was looked at."""
    page.goto(f"{url}train")
    epochs = page.get_by_label("Epochs")
    epochs.wait_for(timeout=60_000)
    epochs.fill(str(SHORT_RUN))
    epochs.press("Tab")
    share = page.get_by_role("spinbutton", name="Validation share")  # the served model used none: hold some out to plot Recall@10
    share.fill("0.2")
    share.press("Tab")
    page.get_by_role("button", name="Start training").click()
    seen = []
    while not page.get_by_text("final loss").is_visible():
        points = page.evaluate("() => document.querySelector('.js-plotly-plot')?.data?.[0]?.x?.length ?? 0")
        if points and (not seen or seen[-1] != points):
            seen.append(points)
            if shot and len(seen) == 2:  # mid-run, the chart redrawn once already
                page.screenshot(path=shot)
        page.wait_for_timeout(50)
    return seen


@pytest.fixture(scope="module")
def app_url(trained_cache, tmp_path_factory):
    """The app on the shipped data, serving this module's copy of the briefly trained model."""
    folder = tmp_path_factory.mktemp("e2e")
    own_copy(trained_cache, folder)
    with pytest.MonkeyPatch.context() as monkeypatch, trained_app(folder, monkeypatch) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 1400})
    yield context.new_page()
    context.close()


def test_a_misspelled_search_shows_ten_songs_their_evidence_and_the_radar(app_url, page):
    search(page, app_url)
    assert page.locator("[data-testid=stExpander] summary", has_text=re.compile(r"#\d+ ")).count() == 10
    legend = page.locator(".legendtext").all_text_contents()
    assert "Blinding Lights" in legend and "The 10 recommendations (mean)" in legend
    assert "track=0sf12qNH5qcw8qpgymFOqD" in page.url  # the song is in the URL, ready to share
    evidence = open_explanation(page)
    assert "Sound alike in" in evidence and "Differ most in" in evidence


def test_a_link_opens_the_same_song_and_back_returns_to_the_previous_one(app_url, page):
    page.goto(f"{app_url}?track={SHAPE_OF_YOU}")
    page.get_by_role("heading", name="10 songs like Shape of You by Ed Sheeran").wait_for(timeout=120_000)
    box = page.get_by_label("Song title or artist")
    box.fill("dance monkey")
    box.press("Enter")
    page.get_by_role("heading", name="10 songs like Dance Monkey by Tones and I").wait_for(timeout=60_000)
    page.go_back()
    page.get_by_role("heading", name="10 songs like Shape of You by Ed Sheeran").wait_for(timeout=60_000)
    assert f"track={SHAPE_OF_YOU}" in page.url


def test_clicking_a_point_on_the_map_makes_it_the_current_song(app_url, page):
    clicked = map_click(page, app_url, SHAPE_OF_YOU)
    assert clicked != SHAPE_OF_YOU
    heading = page.get_by_role("heading", name=re.compile("and its ten neighbours"))
    page.wait_for_function("() => !document.body.innerText.includes('Shape of You by Ed Sheeran and its')")
    assert "Shape of You" not in heading.inner_text()
    page.get_by_role("link", name="See why, and how they sound").click()  # the song travels to the search page
    page.get_by_role("heading", name=re.compile("^10 songs like")).wait_for(timeout=60_000)
    assert f"track={clicked}" in page.url


def test_a_short_run_grows_the_loss_chart_and_is_served_to_its_link_alone(app_url, page, browser):
    seen = train_briefly(page, app_url)
    assert seen[-1] == SHORT_RUN and seen == sorted(seen) and len(seen) >= 2
    assert page.get_by_text(f"Trained {SHORT_RUN} epochs").is_visible()
    key = re.search(r"model=([0-9a-f]{16})", page.url).group(1)  # the trainer's link names the new model
    page.goto(f"{app_url}?model={key}")
    page.get_by_text(READY_TEXT).wait_for(timeout=120_000)
    assert page.get_by_test_id("stMain").get_by_text("20% held out").count() == 1  # the page trains on four fifths of each playlist
    other = browser.new_context().new_page()  # a second visitor, on the link without ?model=
    other.goto(app_url)
    other.get_by_text(READY_TEXT).wait_for(timeout=120_000)
    main = other.get_by_test_id("stMain")  # the sidebar names the model served too
    assert main.get_by_text(E2E_CONFIG.label).count() == 1 and other.get_by_text("held out").count() == 0
    other.context.close()


def test_no_page_asks_any_host_but_this_one(app_url, page):
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    for path in ("", "playlist", "map", "train", "evaluation", "data"):
        page.goto(f"{app_url}{path}?track={SHAPE_OF_YOU}")
        page.get_by_role("heading", level=1).first.wait_for(timeout=120_000)
        page.wait_for_timeout(1500)  # icons, fonts and charts load after the heading
    # The map's component loads its inline script as a blob: of this page's own origin.
    elsewhere = [url for url in asked if not url.startswith((app_url, "data:", f"blob:{app_url}"))]
    assert asked and elsewhere == []
