"""Listen, refine and share a set, in Debian's Chromium driven by Playwright against `streamlit run` on
the shipped data: the page asks no other host until Listen is pressed, then Spotify's player for
exactly that song; a link with 👍 / 👎 or a set opens the list the Recommender ranks, after a reload too.
`docs/screenshots.py` takes listen.png, refine.png and set.png along the same journeys."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from recsys.config import DEFAULT_DATA
from recsys.pipeline import prepare
from recsys.share import SPOTIFY_TRACK_URL
from tests.conftest import E2E_CONFIG, own_copy, trained_app
from tests.test_e2e import SHAPE_OF_YOU

pytestmark = pytest.mark.slow  # a streamlit server and Chromium

BLINDING_LIGHTS = "0sf12qNH5qcw8qpgymFOqD"
EMBED = "https://open.spotify.com/embed/track/"
PLAYER_HEIGHT = 80  # px, as pages.widgets.refine draws it
LOCAL_HOSTS = ("127.0.0.1", "localhost")
SET_HEADING = "10 songs for a set of 2"
WAIT = 120_000  # ms: the first page run loads 28,356 songs and the model


@pytest.fixture(scope="module")
def served(trained_cache, tmp_path_factory):
    """(the app's URL, the Recommender it serves): the default model's shape, briefly trained, on the shipped data."""
    folder = tmp_path_factory.mktemp("listen")
    recommender = prepare(DEFAULT_DATA, own_copy(trained_cache, folder), E2E_CONFIG)  # loads the copied model
    with pytest.MonkeyPatch.context() as monkeypatch, trained_app(folder, monkeypatch) as url:
        yield url, recommender


@pytest.fixture
def page(browser):
    """A desktop-sized page that records every request it makes in `page.asked`, and never reaches Spotify."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    page.asked = []
    page.on("request", lambda request: page.asked.append(request.url))
    page.route("https://open.spotify.com/**", lambda route: route.abort())  # offline, yet the request is seen
    yield page
    context.close()


def outside(urls: list[str]) -> list[str]:
    return [url for url in urls if not url.startswith("data:") and urlsplit(url).hostname not in LOCAL_HOSTS]


def local(rec, track_id: str) -> int:
    return int(rec.catalogue.ids.track_index([track_id])[0])


def titles(rec, chosen: list[str], like=(), dislike=()) -> list[str]:
    """"Title — Artist" of the list Recommender.neighbours_table ranks for `chosen` with that feedback."""
    feedback, _ = rec.feedback(like, dislike)
    tracks = [local(rec, t) for t in chosen]
    table = rec.neighbours_table(tracks if len(tracks) > 1 else tracks[0], k=10, feedback=feedback)
    return [f"{row.track_name} — {row.track_artist}" for row in table.itertuples()]


def panels(page) -> list[str]:
    """"Title — Artist" of each "why" panel's summary ("#3 Title — Artist · …"), in rank order."""
    summaries = page.locator("[data-testid=stExpander] summary", has_text=re.compile(r"#\d+ "))
    # Each reads "keyboard_arrow_right" (its icon's ligature), then "#3 Title — Artist · in 5 playlists".
    return [re.search(r"#\d+ (.*) · [^·]*$", text).group(1) for text in summaries.all_inner_texts()]


def listed(page) -> list[str]:
    """The track_id of each "why" panel's song, in rank order, from its Open in Spotify link (folded panels too)."""
    links = page.locator("[data-testid=stExpander]", has_text=re.compile(r"#\d+ ")).locator(
        f'a[href^="{SPOTIFY_TRACK_URL}"]')
    return [link.get_attribute("href").removeprefix(SPOTIFY_TRACK_URL) for link in links.all()]


def open_song(page, url: str, query: str = "") -> None:
    page.goto(f"{url}?track={SHAPE_OF_YOU}{query}")
    page.get_by_role("heading", name="10 songs like Shape of You by Ed Sheeran").wait_for(timeout=WAIT)
    page.locator("[data-testid=stDataFrame] canvas").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # icons, fonts and charts load after the heading


def listen(page, shot: Path | None = None) -> None:
    """Press the open song's Listen; wait for Spotify's player and the Hide player button."""
    page.get_by_role("button", name="Listen").first.click()
    page.locator(f'iframe[src="{EMBED}{SHAPE_OF_YOU}"]').wait_for(state="attached", timeout=30_000)
    page.get_by_role("button", name="Hide player").first.wait_for()
    page.wait_for_timeout(500)
    if shot:
        page.mouse.move(1250, 950)  # off the button, whose tooltip would cover the heading
        page.wait_for_timeout(500)
        page.screenshot(path=shot)


def open_refined(page, url: str, liked: str, disliked: str, shot: Path | None = None) -> None:
    """Open Shape of You from a link with one 👍 and one 👎; wait for the list they refine."""
    open_song(page, url, f"&like={liked}&dislike={disliked}")
    page.get_by_text("Refined: 1 liked; 1 left out.").wait_for()
    if shot:
        page.get_by_role("heading", name="10 songs like").scroll_into_view_if_needed()
        page.screenshot(path=shot)


def open_set(page, url: str, shot: Path | None = None) -> None:
    """Open the set of Shape of You and Blinding Lights from its link; wait for its ten songs."""
    page.goto(f"{url}playlist?set={SHAPE_OF_YOU},{BLINDING_LIGHTS}")
    page.get_by_role("heading", name=SET_HEADING).wait_for(timeout=WAIT)
    if shot:
        page.wait_for_timeout(1000)  # let the table draw
        page.screenshot(path=shot)


def test_listen_loads_spotifys_player_for_that_song_only_once_pressed(served, page):
    url, rec = served
    open_song(page, url)
    assert page.asked and outside(page.asked) == []
    # The ranked songs' ids, as docs/screenshots.py reads them to pick a 👍 and a 👎.
    assert listed(page) == rec.neighbours_table(local(rec, SHAPE_OF_YOU), k=10)["track_id"].tolist()
    link = page.get_by_role("link", name="Open in Spotify").first
    assert link.get_attribute("href") == SPOTIFY_TRACK_URL + SHAPE_OF_YOU
    pressed = len(page.asked)
    listen(page)
    assert page.locator(f'iframe[src^="{EMBED}"]').count() == 1
    player = page.locator(f'iframe[src="{EMBED}{SHAPE_OF_YOU}"]')
    assert player.bounding_box()["height"] == pytest.approx(PLAYER_HEIGHT, abs=2)
    assert outside(page.asked[:pressed]) == []
    assert outside(page.asked[pressed:]) and all(u.startswith(f"{EMBED}{SHAPE_OF_YOU}")
                                                  for u in outside(page.asked[pressed:]))


def test_a_link_with_a_like_and_a_dislike_shows_the_refined_list(served, page):
    url, rec = served
    plain = rec.neighbours_table(local(rec, SHAPE_OF_YOU), k=10)["track_id"].tolist()
    liked, disliked = plain[3], plain[0]
    open_refined(page, url, liked, disliked)
    refined = titles(rec, [SHAPE_OF_YOU], like=[liked], dislike=[disliked])
    assert panels(page) == refined
    assert titles(rec, [SHAPE_OF_YOU])[0] not in refined
    assert outside(page.asked) == []


def test_a_set_link_opens_the_set_and_its_ten_songs_after_a_reload_too(served, page):
    url, rec = served
    expected = titles(rec, [SHAPE_OF_YOU, BLINDING_LIGHTS])
    open_set(page, url)
    for visit in ("link", "reload"):
        if visit == "reload":
            page.reload()
            page.get_by_role("heading", name=SET_HEADING).wait_for(timeout=WAIT)
        chosen = page.locator("[data-testid=stMultiSelect]", has_text="Songs in the set").inner_text()
        assert "Shape of You — Ed Sheeran" in chosen and "Blinding Lights — The Weeknd" in chosen
        assert panels(page) == expected
    assert outside(page.asked) == []
