"""Take the README's screenshots along the browser tests' journeys: `python docs/screenshots.py [URL]`.

Needs Debian's chromium and the playwright package; start the app first with
`RECSYS_CACHE_DIR=/tmp/shots streamlit run streamlit_app.py --server.headless true` on a copy of
`.cache/` (the last journey trains a 20-epoch model, which its link then serves). The map's picture
waits for the served model's stored t-SNE map; where there is none yet, the map page starts it
(about two minutes).
"""

import re
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.test_demo import DESKTOP, PHONE, choose_blinding_lights, famous_songs  # noqa: E402
from tests.test_e2e import SHAPE_OF_YOU, map_click, open_explanation, search, train_briefly  # noqa: E402
from tests.test_listen import listed, listen, open_refined, open_set, open_song  # noqa: E402
from tests.test_phone import phone_context, phone_search, phone_why  # noqa: E402

URL = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501").rstrip("/") + "/"
OUT = ROOT / "docs"
LISTS = {"width": 1300, "height": 1000}  # listen, refine and set: tests/test_listen.py's page
MAP = {"width": 1300, "height": 1550}  # tall enough for the map and, under it, the song's close-up
TSNE_CAPTION = re.compile(r"t-SNE keeps \d+%")  # the map page's caption once the t-SNE map is stored
TSNE_WAIT_S = 600  # the shipped 28k songs' t-SNE map takes about two minutes of one core
TSNE_POLL_MS = 10_000


def wait_for_tsne_map(page, url: str) -> None:
    """Open the map page until it shows the stored t-SNE map, so that is what map.png pictures."""
    deadline = time.monotonic() + TSNE_WAIT_S
    while True:
        page.goto(f"{url}map?track={SHAPE_OF_YOU}")
        page.get_by_role("heading", name=re.compile("and its ten neighbours")).wait_for(timeout=120_000)
        page.locator("canvas.song-map-canvas").wait_for(timeout=60_000)
        if page.get_by_text(TSNE_CAPTION).count():
            return
        if time.monotonic() > deadline:
            sys.exit(f"No t-SNE map after {TSNE_WAIT_S} s: see map.log in the app's cache folder.")
        page.wait_for_timeout(TSNE_POLL_MS)


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1300, "height": 1500})
    search(page, URL, OUT / "search.png")
    open_explanation(page, OUT / "explanation.png")
    page = browser.new_page(viewport=MAP)
    wait_for_tsne_map(page, URL)
    map_click(page, URL, SHAPE_OF_YOU, OUT / "map.png")
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{URL}?demo=1")
    famous_songs(page)
    choose_blinding_lights(page, OUT / "demo.png")
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{URL}?demo=1")
    famous_songs(page, OUT / "demo-phone.png")
    page = phone_context(browser).new_page()
    phone_search(page, URL, OUT / "phone-search.png")
    phone_why(page, OUT / "phone-why.png")
    page = browser.new_page(viewport=LISTS)
    page.route("https://open.spotify.com/**", lambda route: route.abort())  # the picture the tests see, offline
    open_song(page, URL)
    listen(page, OUT / "listen.png")
    open_song(page, URL)
    ranked = listed(page)
    open_refined(page, URL, liked=ranked[3], disliked=ranked[0], shot=OUT / "refine.png")
    open_set(page, URL, OUT / "set.png")
    page = browser.new_page(viewport={"width": 1300, "height": 1250})
    train_briefly(page, URL, OUT / "training.png")
    browser.close()
