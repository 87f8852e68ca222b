"""What a first-time visitor sees, in Debian's Chromium against `streamlit run` on the shipped data:
demo mode on a desktop and on a phone, the sidebar's model name, the evaluation tables. Nothing
may be cut off or need a sideways scroll. `docs/screenshots.py` takes demo.png and demo-phone.png
along the same journeys."""

import re
import shutil
from pathlib import Path

import pytest

from bench.bench import READY_TEXT
from recsys import store
from recsys.config import DEFAULT_DATA
from recsys.evaluation.evaluate import report_path
from tests.conftest import own_copy, trained_app

pytestmark = pytest.mark.slow  # a streamlit server and Chromium

DOCS = Path(__file__).parent.parent / "docs"
DESKTOP = {"width": 1300, "height": 1400}
PHONE = {"width": 390, "height": 844}
WAIT = 120_000  # ms: the first page run loads 28,356 songs and the model
DEMO_MENU = ["Find similar songs", "Mini playlist", "Embedding map"]

# Text an element cuts off: an ellipsised label (Streamlit's stMarkdownEllipsis), or an input
# whose value is wider than its box, as the sidebar's model box with a long name was.
CUT_TEXT = """(root) => [...document.querySelectorAll(root)].flatMap(box => [...box.querySelectorAll('*')])
    .filter(e => e.getClientRects().length && (e.children.length === 0 || e.tagName === 'INPUT'))
    .filter(e => e.scrollWidth > e.clientWidth)
    .map(e => (e.value || e.innerText || e.tagName).slice(0, 80))"""
# Each famous-song button as shown: its label and whether the label fits (only visible ones:
# Streamlit keeps a second, hidden copy of a button with help).
FAMOUS = """() => [...document.querySelectorAll('[class*=st-key-demo-] button')].filter(b => b.getClientRects().length)
    .map(b => { const label = b.querySelector('[data-testid=stMarkdownContainer]');
                return [label.innerText, label.scrollWidth <= label.clientWidth]; })"""
# Every dataframe on the page: its right edge, the viewport's width, and whether its grid scrolls sideways.
TABLES = """() => [...document.querySelectorAll('[data-testid=stDataFrame]')].map(frame => {
    const grid = frame.querySelector('.dvn-scroller');
    return {right: frame.getBoundingClientRect().right, viewport: innerWidth,
            scrolls: grid.scrollWidth > grid.clientWidth}; })"""


@pytest.fixture(scope="module")
def app_url(trained_cache, tmp_path_factory):
    """The app on the shipped data, with a briefly trained model and the README's evaluation."""
    folder = tmp_path_factory.mktemp("demo")
    cache_dir = own_copy(trained_cache, folder)
    shutil.copy(DOCS / "evaluation.json", report_path(cache_dir, store.file_digest(DEFAULT_DATA)))
    with pytest.MonkeyPatch.context() as monkeypatch, trained_app(folder, monkeypatch) as url:
        yield url


def visit(browser, url: str, viewport: dict):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url)
    return context, page


def famous_songs(page, shot: Path | None = None) -> list:
    """Wait for demo mode's famous-song buttons; returns each as shown: [label, whether it fits]."""
    page.locator("[class*=st-key-demo-] button").locator("visible=true").first.wait_for(timeout=WAIT)
    if shot:
        page.wait_for_timeout(500)
        page.screenshot(path=shot)
    return page.evaluate(FAMOUS)


def choose_blinding_lights(page, shot: Path | None = None) -> None:
    """Press the Blinding Lights button; wait for its ten songs."""
    page.get_by_role("button", name="Blinding Lights", exact=True).locator("visible=true").click()
    page.get_by_role("heading", name="10 songs like Blinding Lights by The Weeknd").wait_for(timeout=WAIT)
    page.locator("[data-testid=stDataFrame] canvas").first.wait_for(timeout=WAIT)
    if shot:
        width, height = page.viewport_size["width"], page.viewport_size["height"]
        page.mouse.move(width - 20, height - 20)  # the button's tooltip would cover the caption
        page.wait_for_timeout(1000)  # let the list finish drawing
        page.screenshot(path=shot)


def test_demo_mode_offers_famous_songs_whole_and_hides_the_engineering(app_url, browser):
    context, page = visit(browser, f"{app_url}?demo=1", DESKTOP)
    buttons = famous_songs(page)
    assert len(buttons) >= 6 and all(fits for _, fits in buttons), buttons
    assert "Bohemian Rhapsody" in [label for label, _ in buttons]  # "- 2011 Mix" left to the tooltip
    assert page.get_by_text("What you are looking at.").is_visible()  # the plain-language account
    sidebar = page.get_by_test_id("stSidebar")
    # A link's text starts with its icon's name ("search"), drawn by a ligature font.
    assert [link.inner_text().splitlines()[-1] for link in sidebar.get_by_role("link").all()] == DEMO_MENU
    assert page.get_by_role("combobox", name="Model served").count() == 0
    assert page.get_by_role("button", name="Deploy").count() == 0  # no developer toolbar
    assert page.evaluate(CUT_TEXT, "section[data-testid=stSidebar]") == []
    choose_blinding_lights(page)
    sidebar.get_by_role("link", name="Embedding map").click()  # the menu carries the song and demo mode
    page.get_by_role("heading", name=re.compile("and its ten neighbours")).wait_for(timeout=WAIT)
    words = page.get_by_test_id("stMain").inner_text()
    assert not re.search(r"\bPCA\b|component", words, re.IGNORECASE), words
    context.close()


def test_on_a_phone_the_famous_songs_are_whole_too(app_url, browser):
    context, page = visit(browser, f"{app_url}?demo=1", PHONE)
    buttons = famous_songs(page)
    assert len(buttons) >= 6 and all(fits for _, fits in buttons), buttons
    context.close()


def test_the_sidebar_shows_the_served_model_uncut(app_url, browser):
    """Regression: the box read "knowledge-graph model · 3 epoc", cut by the sidebar's width."""
    context, page = visit(browser, app_url, DESKTOP)
    page.get_by_text(READY_TEXT).wait_for(timeout=WAIT)
    assert page.get_by_role("combobox", name="Model served").input_value() == "Knowledge graph · 3 epochs"
    assert page.evaluate(CUT_TEXT, "section[data-testid=stSidebar]") == []
    context.close()


def test_the_evaluation_tables_fit_a_1400_px_window(app_url, browser):
    """Regression: thirteen columns in one table ran past the window's right edge."""
    context, page = visit(browser, app_url, {"width": 1400, "height": 1000})
    page.get_by_text(READY_TEXT).wait_for(timeout=WAIT)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Evaluation").click()
    page.locator("[data-testid=stDataFrame] canvas").first.wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)
    tables = page.evaluate(TABLES)
    assert len(tables) == 3
    assert all(table["right"] <= table["viewport"] and not table["scrolls"] for table in tables), tables
    context.close()
