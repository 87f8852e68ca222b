"""The search page and the map on a 390×844 phone, in Chromium against `streamlit run` on the
shipped data: the results' first columns fit unscrolled, the radar's labels stay inside it, no chart
toolbar covers a legend, and a song tapped on the map comes into view with its neighbours.
`docs/screenshots.py` takes phone-search.png and phone-why.png along the same journeys."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.test_e2e import POINT_ON_SCREEN, SHAPE_OF_YOU, open_explanation, search
from tests.test_e2e import app_url  # noqa: F401 (the served app, a fixture)

pytestmark = pytest.mark.slow  # a streamlit server and Chromium

PHONE = {"width": 390, "height": 844}
FIRST_COLUMNS = 30 + 120 + 100 + 100  # rank, title, artist and match widths in recommendation_list

# Each plotly chart's box, its radar axis labels' boxes, and its toolbar and legend boxes (null if none).
CHART_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
    const box = element => { if (!element) return null; const r = element.getBoundingClientRect();
                             return r.width ? [r.left, r.top, r.right, r.bottom] : null; };
    return {box: box(plot), labels: [...plot.querySelectorAll('.angularaxistick text')].map(box).filter(Boolean),
            modebar: box(plot.querySelector('.modebar')), legend: box(plot.querySelector('.legend'))};
})"""


def phone_context(browser):
    """A 390×844 phone's browser context: a mobile viewport, touch."""
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def phone(browser):
    context = phone_context(browser)
    yield context.new_page()
    context.close()


def phone_search(page, url: str, shot: Path | None = None) -> None:
    """`search` on a phone, then scroll the results' table into view."""
    search(page, url)
    page.locator("[data-testid=stDataFrame]").first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    if shot:
        page.screenshot(path=shot)


def phone_why(page, shot: Path | None = None) -> None:
    """Open the first "why" panel and scroll its evidence graph into view."""
    open_explanation(page)
    page.locator("details[open] .js-plotly-plot").first.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    if shot:
        page.screenshot(path=shot)


def overlap(a, b) -> bool:
    return a is not None and b is not None and a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_on_a_phone_the_table_radar_and_evidence_fit_and_no_toolbar_covers_a_legend(app_url, phone):  # noqa: F811
    phone_search(phone, app_url)
    left, right, visible = phone.evaluate("""() => { const d = document.querySelector('[data-testid=stDataFrame]');
        const r = d.getBoundingClientRect(); return [r.left, r.right, d.querySelector('.dvn-scroller').clientWidth]; }""")
    # The grid draws on a canvas: its unscrolled part holds rank, title, artist and match if it is wide enough.
    assert 0 <= left and right <= PHONE["width"] and visible >= FIRST_COLUMNS
    phone_why(phone)
    phone.get_by_role("heading", name="How they sound").scroll_into_view_if_needed()
    phone.wait_for_timeout(1000)
    charts = [chart for chart in phone.evaluate(CHART_BOXES) if chart["box"]]
    radar = next(chart for chart in charts if chart["labels"])
    assert len(radar["labels"]) == 10
    assert all(radar["box"][0] <= label[0] and label[2] <= radar["box"][2] for label in radar["labels"])
    assert not any(overlap(chart["modebar"], chart["legend"]) for chart in charts)
    assert any(chart["legend"] and chart["modebar"] is None for chart in charts)  # the evidence graph: no toolbar


def test_on_a_phone_a_song_tapped_on_the_map_comes_into_view_with_its_neighbours(app_url, phone):  # noqa: F811
    phone.goto(f"{app_url}map?track={SHAPE_OF_YOU}")
    heading = phone.get_by_role("heading", name=re.compile("and its ten neighbours"))
    heading.wait_for(timeout=120_000)
    phone.locator("canvas.song-map-canvas").scroll_into_view_if_needed()
    phone.wait_for_timeout(1000)
    expect(heading).not_to_be_in_viewport()  # under the map, which is as tall as the screen is wide
    phone.touchscreen.tap(*phone.evaluate(POINT_ON_SCREEN, 0.5))
    phone.wait_for_url(lambda address: f"track={SHAPE_OF_YOU}" not in address, timeout=30_000)
    expect(heading).not_to_contain_text("Shape of You", timeout=30_000)
    expect(heading).to_be_in_viewport()
    phone.wait_for_timeout(1000)
    closeup = [chart for chart in phone.evaluate(CHART_BOXES) if chart["box"]]
    assert closeup and not any(overlap(chart["modebar"], chart["legend"]) for chart in closeup)
