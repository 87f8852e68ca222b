"""The app in a real browser: Debian's Chromium driven through Playwright against `streamlit run`."""

import pytest

from bench.bench import CHROMIUM, CHROMIUM_ARGS, READY_TEXT
from recsys import cache
from recsys.pipeline import prepare
from tests.conftest import COLUMNS, TINY_CONFIG, app_server, write_songs_csv

pytestmark = pytest.mark.slow  # Chromium against `streamlit run`

IMG = "<img src=x onerror=alert(1)>"
MARKDOWN = "**bold** [link](javascript:alert(1))"
# Names markdown would autolink (GFM autolink literals), were they not escaped.
URL, WWW, EMAIL = "https://evil.example/x", "www.evil.example", "someone@example.com"
WORD_JOINER = "\u2060"  # what escape_markdown puts inside them: unseen, but in the page's text


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1300, "height": 1600})
        finally:
            browser.close()


def test_names_that_look_like_html_or_markdown_show_literally_everywhere(tmp_path, monkeypatch, page):
    rows = [{"playlist_id": f"p{i % 2}", "danceability": i / 20} for i in range(11)]  # ten songs like any one
    rows[0].update(track_name=MARKDOWN, track_artist=IMG, playlist_name=IMG)
    rows[1].update(track_name=IMG, track_artist=MARKDOWN, energy="")  # a gap: the page warns of a repair
    rows[1].update(playlist_name=WWW)  # names playlist p1
    rows[2].update(track_name=URL, track_artist=EMAIL, track_album_name=WWW)
    data = write_songs_csv(tmp_path / "odd.csv", rows, columns=COLUMNS + (MARKDOWN,))
    cache_dir = tmp_path / "cache"
    prepare(data, cache_dir, TINY_CONFIG)
    cache.save_current_config(cache_dir, TINY_CONFIG)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with app_server(data, cache_dir, tmp_path / "streamlit.log", monkeypatch) as url:
        page.goto(url)
        page.get_by_text(READY_TEXT).wait_for(timeout=60_000)
        page.get_by_label("Song title or artist").fill("bold link")
        page.get_by_label("Song title or artist").press("Enter")
        heading = page.get_by_role("heading", name="10 songs like")
        heading.wait_for(timeout=60_000)
        page.get_by_text("How they sound").wait_for()
        page.locator(".js-plotly-plot .main-svg").last.wait_for()  # the radar: the evidence graphs are folded away
        page.get_by_text("About the data and the model").wait_for()  # the page's last element: its run is over

        assert heading.inner_text().startswith(f"10 songs like {MARKDOWN} by {IMG}")
        assert page.get_by_label("Which song?").input_value().startswith(f"{MARKDOWN} — {IMG}")  # the search result
        assert f"column not used: {MARKDOWN}" in page.get_by_test_id("stAlertContentWarning").inner_text()
        legend = " ".join(page.locator(".legendtext").all_text_contents())
        assert MARKDOWN in legend  # the radar chart names the chosen song as it is written
        compare = page.get_by_label("Compare the chosen song with")
        compare.scroll_into_view_if_needed()  # a list opened while the page scrolls closes again
        page.wait_for_timeout(300)
        compare.click()  # every recommendation, in the list
        assert IMG in page.get_by_role("listbox").inner_text()
        page.keyboard.press("Escape")
        why = page.locator("summary", has_text=IMG)  # the other hostile song, among the ten
        assert why.inner_text().endswith(f"{IMG} — {MARKDOWN} · in 1 playlist")
        why.click()
        evidence = why.locator("xpath=..").get_by_text("Shortest link in the graph")  # in the <details> opened
        evidence.wait_for()
        path = shown(evidence.inner_text())
        assert f"{IMG} → sell pop → queue_music {WWW}" in path  # via its playlist, named WWW
        open_every_expander(page)
        assert sum(f"{URL} — {EMAIL} ·" in shown(label) for label in page.locator("summary").all_inner_texts()) == 1
        assert links_from_names(page) == []

        page.goto(f"{url}playlist")  # the mini playlist's search offers the song by its name
        page.get_by_label("Add a song").fill("bold link")
        page.get_by_label("Add a song").press("Enter")
        page.get_by_role("button", name=f"＋ {MARKDOWN} — {IMG} · Album t0").wait_for(timeout=30_000)

        assert page.locator("img[src='x']").count() == 0  # nothing was turned into markup
        assert page.locator("a[href^='javascript']").count() == 0
        assert page.locator("strong", has_text="bold").count() == 0

        page.goto(f"{url}?track=t2")  # the song named like a link, by someone named like an address
        heading = page.get_by_role("heading", name="10 songs like")
        heading.wait_for(timeout=60_000)
        page.get_by_text("About the data and the model").wait_for()
        assert shown(heading.inner_text()).startswith(f"10 songs like {URL} by {EMAIL}")
        open_every_expander(page)
        assert f"queue_music {WWW}" in shown(" ".join(page.locator("details").all_inner_texts()))  # in the bodies too
        assert links_from_names(page) == []
        assert dialogs == []


def shown(text: str) -> str:
    """`text` as a person reads it: without the word joiners that keep a name from becoming a link."""
    return text.replace(WORD_JOINER, "")


def open_every_expander(page) -> None:
    """Open each closed "Why" panel, so their bodies are drawn and can be checked."""
    summaries = page.locator("details > summary")
    for index in range(summaries.count()):
        summary = summaries.nth(index)
        if not summary.evaluate("node => node.parentElement.open"):
            summary.click()
    page.get_by_text("Shortest link in the graph").last.wait_for()


def links_from_names(page) -> list[tuple[str, str]]:
    """(text, href) of every <a> made from a link-like name; the page's own (the menu, heading
    anchors) never name these."""
    links = page.locator("a").evaluate_all("nodes => nodes.map(a => [a.innerText, a.getAttribute('href') || ''])")
    return [(text, href) for text, href in links
            if any(part in shown(text) + " " + href for part in ("evil.example", "example.com", "mailto:"))]
