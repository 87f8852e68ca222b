"""Take the README's screenshots from a running app: `python docs/screenshots.py [URL]`.

Needs Debian's chromium and the playwright package (`pip install playwright`); start the app first
with `streamlit run streamlit_app.py --server.headless true`.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501"
OUT = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def search_page(page) -> None:
    page.goto(URL)
    box = page.get_by_label("Song title or artist")
    box.wait_for(timeout=120_000)
    box.fill("blinding lites")
    box.press("Enter")
    page.get_by_text("10 songs like").wait_for(timeout=60_000)
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    page.locator("[data-testid=stDataFrame] canvas").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=OUT / "search.png")


def training_page(page) -> None:
    page.goto(f"{URL}/train")
    start = page.get_by_role("button", name="Start training")
    start.wait_for(timeout=60_000)
    start.click()
    # Epochs can end faster than the browser repaints, so wait on the bar's value, not a text.
    page.wait_for_function(
        "() => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) >= 30",
        timeout=120_000,
    )
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)  # let plotly finish drawing
    page.screenshot(path=OUT / "training.png")
    page.get_by_text("final loss").wait_for(timeout=300_000)


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    search_page(browser.new_page(viewport={"width": 1300, "height": 1900}))
    training_page(browser.new_page(viewport={"width": 1300, "height": 1250}))
    browser.close()
