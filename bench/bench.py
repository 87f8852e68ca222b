"""Performance on the real data: load, train, cache, search, recommend, a batch of them and app start.

    python bench/bench.py [--data CSV] [--repeats N] [--app-runs N] [--json PATH]

Prints one row per figure with its target. App start is timed in headless Chromium through
Playwright when both are installed (`apt-get install chromium`, `pip install playwright`), else
with Streamlit's AppTest in a fresh process (no browser, so not comparable).
"""

import argparse
import contextlib
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recsys import cache, store  # noqa: E402
from recsys.config import DEFAULT_DATA, TrainConfig  # noqa: E402
from recsys.explain import Explainer  # noqa: E402
from recsys.graph import build_graph  # noqa: E402
from recsys.load import load_catalogue  # noqa: E402
from recsys.map_charts import map_points  # noqa: E402
from recsys.pipeline import Recommender  # noqa: E402
from recsys.projection import pca_2d  # noqa: E402
from recsys.recommend import Filters  # noqa: E402
from recsys.train import train  # noqa: E402

DEFAULT = TrainConfig()  # the default model, which the cache and the app below use

QUERIES = [
    "blinding lites", "senorita", "without me eminem", "shape of yu", "dance monkey", "bad guy billie",
    "rockstar post malone", "the weeknd", "despacito", "old town road", "sunflower", "someone you loved",
    "memories maroon", "circles post", "lose you to love me", "roxanne", "tusa karol", "dont start now",
    "watermelon sugar", "bohemian rhapsody", "smells like teen spirit", "billie jean", "hotel california",
    "uptown funk", "thunderstruck", "sweet child o mine", "lean on", "wake me up avicii", "titanium",
    "levels", "one dance drake", "gods plan", "humble kendrick", "sicko mode", "stan eminem",
    "Señorita shawn mendes", "cant stop the feeling", "havana camila", "closer chainsmokers", "faded alan walker",
]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
READY_TEXT = "songs from"  # the search page's caption, drawn once the model has loaded
FIRST_START_NOTICE = "No trained model for this data yet"  # what a first start says while it trains


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def percentiles_ms(seconds: list[float]) -> tuple[float, float]:
    return float(np.percentile(seconds, 50) * 1e3), float(np.percentile(seconds, 95) * 1e3)


def bench_core(data: Path, repeats: int, workdir: Path) -> tuple[dict, Recommender]:
    """Load + build, training, cache save/load, search and recommend latencies."""
    results = {}
    load_times = []
    for _ in range(repeats):
        catalogue, seconds = timed(load_catalogue, data)
        _, build_seconds = timed(build_graph, catalogue, 0)
        load_times.append(seconds + build_seconds)
    results["load + graph build (s, median)"] = float(np.median(load_times))

    recipe = TrainConfig.preset("gcn-paper")
    _, seconds = timed(train, catalogue, recipe)
    results[f"train report's GCN, {recipe.epochs} epochs (s)"] = seconds
    results["  per epoch (s)"] = seconds / recipe.epochs
    config = DEFAULT
    embeddings, seconds = timed(train, catalogue, config)
    results[f"train default model ({config.model}, {config.epochs} epochs) (s)"] = seconds

    digest = store.file_digest(data)
    path = cache.cache_path(workdir, digest, config)
    cache.save(path, embeddings, catalogue.ids, digest, config)
    cache.save_current_config(workdir, config)
    results["cache load (s, median)"] = float(np.median(
        [timed(cache.load, path, catalogue.ids, digest, config)[1] for _ in range(repeats)]
    ))

    recommender = Recommender.build(catalogue, embeddings, config)
    searches = [timed(recommender.search, query)[1] for _ in range(repeats) for query in QUERIES]
    results["search p50 (ms)"], results["search p95 (ms)"] = percentiles_ms(searches)
    tracks = np.random.default_rng(0).integers(0, catalogue.ids.num_tracks, 200)
    recommends = [timed(recommender.similar, int(t))[1] for _ in range(repeats) for t in tracks]
    results["recommend p50 (ms)"], results["recommend p95 (ms)"] = percentiles_ms(recommends)
    varied = Filters(per_artist=1, exclude_chosen_artists=True)
    filtered = [timed(recommender.similar, int(t), 10, varied)[1] for _ in range(repeats) for t in tracks]
    results["recommend, one song per artist, p50 (ms)"], _ = percentiles_ms(filtered)
    results |= bench_explore(recommender, tracks[:20], repeats)
    return results, recommender


def bench_explore(recommender: Recommender, tracks: np.ndarray, repeats: int) -> dict:
    """The evidence for ten recommendations, and the map's projection and payload."""
    explainer, build = timed(Explainer.build, recommender.catalogue)
    explain = [timed(explainer.explain, int(t), recommender.similar(int(t))[0])[1]
               for _ in range(repeats) for t in tracks]
    emb = recommender.embeddings.track
    coordinates, project = timed(pca_2d, emb)
    draw = [timed(lambda: json.dumps(map_points(coordinates, recommender.catalogue.tracks, "genre")))[1]
            for _ in range(repeats)]
    return {
        "explain: build the graph (s)": build,
        "explain ten recommendations p50 (ms)": percentiles_ms(explain)[0],
        "map: project every song to 2-D (s)": project,
        "map: every song's place and hover built and serialised (s, median)": float(np.median(draw)),
    }


def bench_batch(data: Path, recommender: Recommender, cache_dir: Path, lines: int = 1_000) -> dict:
    """Seconds for `python -m recsys recommend --batch` over `lines` real requests in turn, a title, a
    title and its artist, a set of three track ids, in a fresh process: its model load included."""
    tracks = recommender.catalogue.tracks
    rng = np.random.default_rng(0)
    songs = tracks.iloc[rng.integers(0, len(tracks), lines)]
    sets = tracks["track_id"].to_numpy()[rng.integers(0, len(tracks), (lines, 3))].tolist()
    requests = [
        [{"query": title}, {"query": f"{title} {artist}"}, {"track_ids": ids}][line % 3]
        for line, (title, artist, ids) in enumerate(zip(songs["track_name"], songs["track_artist"], sets))
    ]
    batch, out = cache_dir / "batch-in.jsonl", cache_dir / "batch-out.jsonl"
    batch.write_text("".join(json.dumps(request) + "\n" for request in requests), encoding="utf-8")
    command = [sys.executable, "-m", "recsys", "recommend", "--batch", str(batch), "--out", str(out),
               "--data", str(data), "--cache-dir", str(cache_dir)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    answered = out.read_text(encoding="utf-8").splitlines()
    assert len(answered) == lines, f"{len(answered)} answers to {lines} lines"
    return {f"recommend --batch {lines:,} lines, load included (s)": seconds}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(env: dict, log_path: Path, app: Path = ROOT):
    """`streamlit run` of `app`'s streamlit_app.py on a free loopback port in its own process
    group; yields (port, start time)."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    with open(log_path, "wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=app, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            yield port, started
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def bench_app_browser(env: dict, runs: int, workdir: Path) -> dict:
    """Seconds from `streamlit run` until the search box shows and until the model has loaded,
    with the model cached (median of `runs`), and once more from an empty cache (first start)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            floor = [_time_start(browser, env, workdir / f"streamlit-bare-{run}.log", bare_app(workdir))[0]
                     for run in range(runs)]
            warm = [_time_start(browser, env, workdir / f"streamlit-{run}.log") for run in range(runs)]
            empty = workdir / "empty-cache"
            cold = _time_start(browser, env | {"RECSYS_CACHE_DIR": str(empty)}, workdir / "streamlit-cold.log",
                               notice=FIRST_START_NOTICE)
            # Last: the map's first visit starts its t-SNE process, which would share the machine with what follows.
            clicks = _time_map_clicks(browser, env, workdir / "streamlit-map.log")
        finally:
            browser.close()
            end_processes_on(workdir)  # that t-SNE process outlives the server, as it should, but not the bench
    return {
        "bare Streamlit app (a title and a text box) start → box, browser (s, median)": float(np.median(floor)),
        "app start → search box, browser (s, median)": float(np.median([box for box, _ in warm])),
        "app start → model loaded, browser (s, median)": float(np.median([ready for _, ready in warm])),
        "first start, no cache → search box and the training notice (s)": cold[0],
        "first start, no cache → model trained and loaded (s)": cold[1],
        "map: click a point → its song and neighbours shown (s, median)": float(np.median(clicks)),
    }


def _time_map_clicks(browser, env: dict, log_path: Path, clicks: int = 5) -> list[float]:
    """Seconds from a click on the map to the clicked song's heading and its close-up (the star
    among its neighbours) drawn beside it, for `clicks` clicks in a row."""
    from tests.test_e2e import POINT_ON_SCREEN

    page = browser.new_page(viewport={"width": 1300, "height": 1400})
    seconds = []
    try:
        with streamlit_server(env, log_path) as (port, started):
            wait_for_port(port, deadline=started + 60)
            page.goto(f"http://127.0.0.1:{port}/map?track=7qiZfU4dY1lWllzX7mPBI3", timeout=60_000)
            heading = page.get_by_role("heading", name=re.compile("and its ten neighbours"))
            for share in np.random.default_rng(0).random(clicks):
                heading.wait_for(timeout=180_000)
                page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)  # the close-up, after the text
                page.wait_for_timeout(500)
                before = heading.inner_text()
                x, y = page.evaluate(POINT_ON_SCREEN, share)
                start = time.perf_counter()
                page.mouse.click(x, y)
                page.wait_for_function(CLOSEUP_SHOWS, arg=before, timeout=60_000, polling="raf")
                seconds.append(time.perf_counter() - start)
    finally:
        page.close()
    return seconds


# Whether the panel shows another song than the heading `before` names: its heading names it, and
# the close-up's star is it (the map picks the top song under the pointer, not always the one aimed at).
CLOSEUP_SHOWS = """(before) => {
    const closeup = document.querySelector('.js-plotly-plot');
    const star = closeup?._fullData?.find(trace => trace.name === 'this song');
    const heading = [...document.querySelectorAll('h3')].find(h => h.innerText.includes('and its ten neighbours'));
    if (!star || !heading || heading.innerText === before) return false;
    const title = document.createElement('textarea');
    title.innerHTML = star.customdata[0][1];  // the hover's escaped title
    return heading.innerText.startsWith(title.value + ' by ');
}"""


def end_processes_on(folder: Path) -> None:
    """End every process whose command line names a path in `folder` (the app's background map runs)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if str(folder) in cmdline.read_bytes().decode(errors="replace"):
                os.kill(int(cmdline.parent.name), signal.SIGTERM)


def bare_app(workdir: Path) -> Path:
    """A folder holding the least a Streamlit app can be, a title and the search box: what any
    app start costs on this machine (Python, Streamlit, the browser), for the row beside ours."""
    folder = workdir / "bare"
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    (folder / ".streamlit" / "config.toml").write_text((ROOT / ".streamlit" / "config.toml").read_text())
    (folder / "streamlit_app.py").write_text(
        'import streamlit as st\nst.title("Find songs")\nst.text_input("Song title or artist")\n')
    return folder


def _time_start(browser, env: dict, log_path: Path, app: Path = ROOT, notice: str | None = None
                ) -> tuple[float, float | None]:
    """(search box visible, model loaded) in seconds after `streamlit run` of the app in `app`
    (the bare one: model loaded None); with `notice`, the box counts once that text shows too."""
    page = browser.new_page()
    try:
        with streamlit_server(env, log_path, app) as (port, started):
            wait_for_port(port, deadline=started + 60)
            page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
            page.get_by_label("Song title or artist").wait_for(timeout=60_000)
            if notice:
                page.get_by_text(notice).wait_for(timeout=60_000)
            box = time.perf_counter() - started
            if app != ROOT:
                return box, None
            page.get_by_text(READY_TEXT).wait_for(timeout=300_000)
            return box, time.perf_counter() - started
    finally:
        page.close()


def bench_app_apptest(env: dict) -> dict:
    """Fallback without a browser: a fresh Python process running the search page once."""
    code = ("from streamlit.testing.v1 import AppTest; "
            f"AppTest.from_file({str(ROOT / 'streamlit_app.py')!r}, default_timeout=60).run()")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)
    return {"app start → page rendered, AppTest, no browser (s)": time.perf_counter() - started}


def wait_for_port(port: int, deadline: float) -> None:
    while time.perf_counter() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"streamlit did not open port {port}")


TARGETS = {  # figure → (limit, the wording)
    "load + graph build (s, median)": 1.0,
    "train report's GCN, 100 epochs (s)": 15.0,
    f"train default model ({DEFAULT.model}, {DEFAULT.epochs} epochs) (s)": 60.0,
    "cache load (s, median)": 1.0,
    "search p50 (ms)": 5.0,
    "search p95 (ms)": 15.0,
    "recommend p50 (ms)": 2.0,
    "recommend --batch 1,000 lines, load included (s)": 15.0,
    "app start → search box, browser (s, median)": 2.0,
    "app start → model loaded, browser (s, median)": 5.0,
    "first start, no cache → search box and the training notice (s)": 20.0,
    "first start, no cache → model trained and loaded (s)": 20.0,
    "map: click a point → its song and neighbours shown (s, median)": 0.4,
    "app start → page rendered, AppTest, no browser (s)": 5.0,
}


def report(results: dict) -> None:
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")
    print(f"{'figure':<54} {'measured':>10} {'target':>8}")
    for name, value in results.items():
        limit = TARGETS.get(name)
        verdict = "" if limit is None else f"< {limit:g}  {'ok' if value < limit else 'MISSED'}"
        print(f"{name:<54} {value:>10.3f} {verdict:>8}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--app-runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        workdir = Path(workdir)
        results, recommender = bench_core(args.data, args.repeats, workdir)
        results |= bench_batch(args.data, recommender, workdir)
        env = dict(os.environ, RECSYS_DATA=str(args.data), RECSYS_CACHE_DIR=str(workdir))
        try:
            import playwright  # noqa: F401

            browser = Path(CHROMIUM).exists()
        except ImportError:
            browser = False
        results |= bench_app_browser(env, args.app_runs, workdir) if browser else bench_app_apptest(env)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
