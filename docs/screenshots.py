"""Take the README's screenshots along the browser tests' journeys: `python docs/screenshots.py [URL]`.

Needs Debian's chromium and the playwright package; start the app first with
`RECSYS_CACHE_DIR=/tmp/shots streamlit run streamlit_app.py --server.headless true` on a copy of
`.cache/` (the last journey trains a 6-epoch model, which its link then serves).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.test_e2e import SHAPE_OF_YOU, map_click, open_explanation, search, train_briefly  # noqa: E402

URL = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501").rstrip("/") + "/"
OUT = ROOT / "docs"

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1300, "height": 1500})
    search(page, URL, OUT / "search.png")
    open_explanation(page, OUT / "explanation.png")
    map_click(page, URL, SHAPE_OF_YOU, OUT / "map.png")
    page = browser.new_page(viewport={"width": 1300, "height": 1250})
    train_briefly(page, URL, OUT / "training.png")
    browser.close()
