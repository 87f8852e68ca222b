"""Many people at once: browser sessions search and recommend on one server while another trains.

    python bench/concurrency.py [--sessions 20] [--rounds 5] [--data CSV] [--no-train]

Starts `streamlit run` on a free local port with a copy of the cache in a temporary folder (the
installation's models stay as they are) and opens one headless Chromium context per session
(Playwright, /usr/bin/chromium). Each session types misspelled queries one after another and
waits for the ten recommendations of the song each one finds. Meanwhile one more session
trains the model on the Train page and another asks to train at the same time, which must be
refused. With --no-train (the baseline) those two sessions open the Train page and do nothing,
so both runs draw the same pages. Prints the errors (there must be none) and the recommendation
latency: from pressing Enter to the ten songs shown, through the server, under this load.

The server (and the training process it starts) runs on the first core and the browsers on the
others: the browsers stand for the visitors' own machines, so what a run under way changes is
what the server does, not how twenty renderers share the same cores as the server.
"""

import argparse
import asyncio
import os
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench import (  # noqa: E402
    CHROMIUM, CHROMIUM_ARGS, QUERIES, READY_TEXT, percentiles_ms, streamlit_server, wait_for_port,
)
from recsys import cache  # noqa: E402
from recsys.config import DEFAULT_CACHE_DIR, DEFAULT_DATA  # noqa: E402
from recsys.load import load_catalogue  # noqa: E402
from recsys.pipeline import prepare  # noqa: E402
from recsys.search import SearchIndex  # noqa: E402

REFUSED = "Another training run"
TIMEOUT_MS = 300_000  # a page may wait this long for the server under load before it counts as an error


@dataclass
class Crowd:
    """What the sessions saw: every problem, each recommendation's latency, the training outcomes."""

    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds from Enter to the ten songs shown
    while_training: int = 0  # of those recommendations, how many came while the training run was going
    trained: bool = False  # the training session saw its run finish
    refused: str = ""  # what the second training request was told
    training_seconds: float = 0.0


def expected_headings(data: Path, queries: list[str]) -> dict[str, str]:
    """query → the heading its ten recommendations appear under, for queries that find a song."""
    tracks = load_catalogue(data).tracks
    index = SearchIndex.build(tracks)
    headings = {}
    for query in queries:
        found = index.search(query, 1)
        if found.matched:
            song = tracks.iloc[int(found.tracks[0])]
            headings[query] = f"10 songs like {song.track_name} by {song.track_artist}"
    return headings


def crowd(url: str, sessions: int, rounds: int, headings: dict[str, str], train_epochs: int | None = None,
          train: bool = True, train_when_ready: bool = False, one_context: bool = False) -> Crowd:
    """Run `sessions` searching sessions against the server at `url`, `rounds` queries each once
    training has started, beside one session that trains (`train_epochs`, or the page's default)
    and one that asks to train meanwhile; without `train`, the searching sessions alone.

    `train_when_ready`: the run starts once every searching session has its page, so a short run
    still has the searches beside it. `one_context`: every session is a tab of one browser context,
    which compiles the app's scripts once instead of once a session; each tab is still a session of
    its own on the server."""
    return asyncio.run(_crowd(url, sessions, rounds, headings, train_epochs, train, train_when_ready, one_context))


async def _crowd(url, sessions, rounds, headings, train_epochs, train, train_when_ready, one_context) -> Crowd:
    from playwright.async_api import async_playwright

    result = Crowd()
    training, trained, searched = asyncio.Event(), asyncio.Event(), asyncio.Event()
    ready = Arrivals(sessions if train_when_ready else 0)
    if not train:  # the searches start at once, and none counts as made while a model trained
        training.set()
        trained.set()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        visitors = SharedContext(await _context(browser)) if one_context else browser  # what opens a visitor's context
        try:
            trainers = [_train(visitors, url, result, train_epochs, training, trained, ready),
                        _second_trainer(visitors, url, result, training, trained)] if train else \
                [_bystander(visitors, url, result, searched) for _ in range(2)]
            searches = asyncio.gather(*(_search(visitors, url, result, headings, rounds, training, trained, ready, seed)
                                        for seed in range(sessions)))
            searches.add_done_callback(lambda _: searched.set())
            await asyncio.gather(searches, *trainers)
        finally:
            await browser.close()
    return result


async def _search(browser, url, result: Crowd, headings: dict[str, str], rounds: int, training, trained,
                  ready: "Arrivals", seed: int) -> None:
    """Once training has started, type `rounds` queries one after another, each finding another
    song than the last; time each."""
    rng = random.Random(seed)
    context = await _context(browser)
    try:
        page = await context.new_page()
        await page.goto(url)
        await page.get_by_text(READY_TEXT).wait_for()
        ready.arrive(seed)
        box = page.get_by_label("Song title or artist")
        await training.wait()
        last = None
        for _ in range(rounds):
            query = rng.choice([query for query, heading in headings.items() if heading != last])
            last = headings[query]
            await box.fill(query)
            started = time.perf_counter()
            await box.press("Enter")
            await page.get_by_text(last).wait_for()
            result.latencies.append(time.perf_counter() - started)
            result.while_training += not trained.is_set()
            result.errors.extend(await _problems(page))
    except Exception as err:  # a session that fails is an error to report, not a crash of the run
        result.errors.append(f"search session {seed}: {type(err).__name__}: {str(err).splitlines()[0]}")
    finally:
        ready.arrive(seed)  # one that failed waits for nothing: the run need not wait for it
        await context.close()


async def _train(browser, url, result: Crowd, epochs: int | None, training, trained, ready: "Arrivals") -> None:
    context = await _context(browser)
    try:
        page = await _train_page(context, url, epochs)
        await ready.everyone.wait()
        started = time.perf_counter()
        await page.get_by_role("button", name="Start training").click()
        training.set()
        await page.get_by_text(re.compile(r"^Trained \d+ epochs")).wait_for(timeout=TIMEOUT_MS * 2)
        result.training_seconds = time.perf_counter() - started
        result.trained = True
        result.errors.extend(await _problems(page))
    except Exception as err:
        result.errors.append(f"training session: {type(err).__name__}: {str(err).splitlines()[0]}")
    finally:
        training.set()
        trained.set()
        await context.close()


async def _second_trainer(browser, url, result: Crowd, training, trained) -> None:
    """Ask to train while the first run holds the cache; the answer must be a refusal."""
    context = await _context(browser)
    try:
        page = await _train_page(context, url, 1)
        await training.wait()
        while not cache.training_under_way(os.environ["RECSYS_CACHE_DIR"]) and not trained.is_set():
            await asyncio.sleep(0.05)  # until the first run has the lock
        if trained.is_set():
            result.errors.append("training finished before a second request could be made")
            return
        await page.get_by_role("button", name="Start training").click()
        await page.get_by_text(REFUSED).wait_for()
        result.refused = await page.get_by_text(REFUSED).inner_text()
    except Exception as err:
        result.errors.append(f"second training session: {type(err).__name__}: {str(err).splitlines()[0]}")
    finally:
        await context.close()


async def _context(browser):
    """A visitor's own browser context, whose every wait may last as long as the server needs under load."""
    context = await browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    return context


@dataclass
class SharedContext:
    """Stands in for the browser when every session is a tab of one context: `new_context` gives a
    visitor's view of it, whose `close` closes that visitor's tabs alone."""

    context: object

    async def new_context(self):
        return _Tab(self.context)


@dataclass
class _Tab:
    context: object
    pages: list = field(default_factory=list)

    def set_default_timeout(self, timeout_ms: float) -> None:
        pass  # the shared context has it already

    async def new_page(self):
        self.pages.append(await self.context.new_page())
        return self.pages[-1]

    async def close(self) -> None:
        for page in self.pages:
            await page.close()


class Arrivals:
    """`everyone` is set once each of `count` sessions has arrived (or given up); at once when `count` is 0."""

    def __init__(self, count: int):
        self.waiting = set(range(count))
        self.everyone = asyncio.Event()
        if not self.waiting:
            self.everyone.set()

    def arrive(self, session: int) -> None:
        self.waiting.discard(session)
        if not self.waiting:
            self.everyone.set()


async def _bystander(browser, url, result: Crowd, searched) -> None:
    """The baseline's stand-in for a trainer: the Train page, open until the searches end."""
    context = await _context(browser)
    try:
        await _train_page(context, url, None)
        await searched.wait()
    except Exception as err:
        result.errors.append(f"train page session: {type(err).__name__}: {str(err).splitlines()[0]}")
    finally:
        await context.close()


HELD_OUT = 0.2  # the validation share of the run the crowd searches beside


async def _train_page(context, url: str, epochs: int | None):
    page = await context.new_page()
    await page.goto(url.rstrip("/") + "/train")
    await page.get_by_role("button", name="Start training").wait_for()
    if epochs is not None:
        await page.get_by_label("Epochs").fill(str(epochs))
        await page.get_by_label("Epochs").press("Tab")  # Enter would submit the form, and start training
    # A fifth held out, validated after every epoch, as the figures in the README were measured (the
    # form starts from the model served, which holds none out).
    share = page.get_by_role("spinbutton", name="Validation share")
    await share.fill(str(HELD_OUT))
    await share.press("Tab")
    return page


async def _problems(page) -> list[str]:
    """Exceptions and error messages on the page, apart from a training refusal."""
    shown = await page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').all_inner_texts()
    return [text.splitlines()[0] for text in shown if REFUSED not in text]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="queries per session, at least")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--epochs", type=int, help="epochs of the training run (default: the model's own)")
    parser.add_argument("--no-train", action="store_true", help="the searching sessions alone: the baseline")
    args = parser.parse_args()
    headings = expected_headings(args.data, QUERIES)
    with tempfile.TemporaryDirectory() as workdir:
        cache_dir = Path(workdir) / "cache"
        cache_dir.mkdir()
        for model in DEFAULT_CACHE_DIR.glob("embeddings-*.npz"):  # the served model, so no session waits for one
            shutil.copy(model, cache_dir)
        prepare(args.data, cache_dir, on_message=print)  # trains it first if none is cached yet
        os.environ.update(RECSYS_DATA=str(args.data), RECSYS_CACHE_DIR=str(cache_dir))
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) > 1:
            os.sched_setaffinity(0, cores[:1])  # inherited by the server, and by any run it starts
        with streamlit_server(dict(os.environ), Path(workdir) / "streamlit.log") as (port, started):
            os.sched_setaffinity(0, cores[1:] or cores)  # and by the browsers this process launches
            wait_for_port(port, deadline=started + 60)
            began = time.perf_counter()
            result = crowd(f"http://127.0.0.1:{port}/", args.sessions, args.rounds, headings, args.epochs,
                           train=not args.no_train)
            elapsed = time.perf_counter() - began
        if result.errors:
            print("server log, last lines:\n" + "\n".join((Path(workdir) / "streamlit.log").read_text().splitlines()[-30:]))
    p50, p95 = percentiles_ms(result.latencies)
    print(f"{args.sessions} sessions, {len(result.latencies)} recommendations in {elapsed:.0f} s; "
          f"{result.while_training} of them while another session trained the model ({result.training_seconds:.0f} s)")
    print(f"recommendation, Enter → ten songs shown: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    if not args.no_train:
        print(f"second training request: {result.refused or 'NOT refused'}")
    print(f"errors: {len(result.errors)}")
    for error in result.errors[:10]:
        print("  " + error)
    return 0 if not result.errors and (args.no_train or (result.refused and result.trained)) else 1


if __name__ == "__main__":
    sys.exit(main())
