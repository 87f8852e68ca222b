"""How each cost grows with the catalogue, on synthetic catalogues (`python -m recsys synth`):

    python bench/scale.py [--sizes 30000 300000 1000000] [--train-epochs 2] [--train-up-to 300000]
                          [--json PATH] [--plot PNG]

A catalogue of N songs gets N/10 playlists of about 50 distinct songs (1M songs: 100k playlists,
about 5M rows, the shape of a large real catalogue). Each size is measured in a fresh process, so its peak
memory is its own: load + graph build, the search index, search and recommend latencies over
random 192-wide unit vectors (the default model's width), and seconds per training epoch of the
default model, full batch, up to the size where it still fits this machine's memory. `--plot` draws
every cost against the catalogue size on log–log axes (plotly, photographed in headless Chromium).
"""

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recsys.synth import write_synthetic  # noqa: E402

WIDTH = 192  # the default model's embedding width: three 64-wide layers
MEAN_LENGTH = 67  # songs drawn per playlist; about 50 distinct remain once repeats are merged


def measure(path: Path, train_epochs: int) -> dict:
    """Every figure for one catalogue file, in this process."""
    from recsys.config import TrainConfig
    from recsys.embeddings import l2_normalise
    from recsys.kg import build_knowledge_graph, train_kg
    from recsys.load import load_catalogue
    from recsys.recommend import similar_tracks
    from recsys.search import SearchIndex

    figures = {}
    started = time.perf_counter()
    catalogue = load_catalogue(path)
    build_knowledge_graph(catalogue)
    figures["load + graph build (s)"] = time.perf_counter() - started
    figures["peak memory after load (GB)"] = _peak_gb()
    started = time.perf_counter()
    index = SearchIndex.build(catalogue.tracks)
    figures["search index build (s)"] = time.perf_counter() - started
    rng = np.random.default_rng(0)
    titles = catalogue.tracks["track_name"].to_numpy()[rng.integers(0, len(catalogue.tracks), 50)]
    queries = [title[:-2] + title[-1] for title in titles]  # a letter dropped: a typo
    figures["search p50 (ms)"] = _p50_ms(index.search, queries)
    emb = l2_normalise(rng.standard_normal((len(catalogue.tracks), WIDTH)).astype(np.float32))
    figures["recommend p50, exact (ms)"] = _p50_ms(lambda t: similar_tracks(emb, int(t), 10),
                                                   rng.integers(0, len(emb), 100))
    gc.collect()
    figures["memory while serving (GB)"] = _resident_gb()  # catalogue, index and vectors; the graph is gone
    if train_epochs:
        started = time.perf_counter()
        train_kg(catalogue, TrainConfig(epochs=train_epochs), lambda *_: None)
        figures["train, seconds per epoch (s)"] = (time.perf_counter() - started) / train_epochs
        figures["peak memory training (GB)"] = _peak_gb()
    return figures


def _p50_ms(fn, inputs) -> float:
    seconds = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        seconds.append(time.perf_counter() - start)
    return float(np.percentile(seconds, 50) * 1e3)


def _resident_gb() -> float:
    """What this process holds now (VmRSS), not its peak."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 2**20  # KiB


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux reports KiB


PLOTTED = ("load + graph build (s)", "search p50 (ms)", "recommend p50, exact (ms)", "train, seconds per epoch (s)",
           "peak memory after load (GB)")


def plot(results: dict, out: Path) -> None:
    """A log–log chart of each cost against the number of songs, saved as a PNG via Chromium."""
    import plotly.graph_objects as go
    from playwright.sync_api import sync_playwright

    from bench.bench import CHROMIUM, CHROMIUM_ARGS

    figure = go.Figure()
    for name in PLOTTED:
        sizes = [size for size, figures in results.items() if name in figures]
        figure.add_trace(go.Scatter(x=sizes, y=[results[size][name] for size in sizes], name=name,
                                    mode="lines+markers"))
    figure.add_trace(go.Scatter(x=[3e4, 1e6], y=[1, 1e6 / 3e4], name="linear growth (slope 1)",
                                mode="lines", line={"dash": "dot", "color": "grey"}))
    figure.update_xaxes(type="log", title="songs in the catalogue")
    figure.update_yaxes(type="log", title="cost (unit in the legend)")
    figure.update_layout(width=900, height=520, margin={"l": 70, "r": 20, "t": 30, "b": 60},
                         legend={"orientation": "h", "y": -0.18})
    with tempfile.TemporaryDirectory() as workdir, sync_playwright() as playwright:
        html = Path(workdir) / "scale.html"
        figure.write_html(html, include_plotlyjs=True)  # inline: no network
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 920, "height": 540})
        page.goto(html.as_uri())
        page.locator(".main-svg").first.wait_for()
        page.screenshot(path=out)
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30_000, 300_000, 1_000_000])
    parser.add_argument("--train-epochs", type=int, default=2, help="0 skips training")
    parser.add_argument("--train-up-to", type=int, default=300_000,
                        help="largest size trained full batch (300k songs took 12 GB)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--plot", type=Path, help="draw the costs on log–log axes into this PNG")
    parser.add_argument("--from-json", type=Path, help="plot figures measured before instead of measuring")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # one size, in a fresh process
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.train_epochs)))
        return 0
    if args.from_json:
        plot({int(size): figures for size, figures in json.loads(args.from_json.read_text()).items()}, args.plot)
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        for size in args.sizes:
            path = Path(workdir) / f"synth-{size}.csv"
            started = time.perf_counter()
            rows = write_synthetic(path, size, size // 10, MEAN_LENGTH)
            figures = {"rows": rows, "synth (s)": time.perf_counter() - started}
            epochs = args.train_epochs if size <= args.train_up_to else 0
            child = subprocess.run([sys.executable, __file__, "--child", str(path), "--train-epochs", str(epochs)],
                                   capture_output=True, text=True)
            if child.returncode:
                figures["error"] = child.stderr.strip().splitlines()[-1] if child.stderr.strip() else "killed"
            else:
                figures |= json.loads(child.stdout)
            results[size] = figures
            print(f"{size:,} songs: " + ", ".join(f"{k} {v:,.3f}" if isinstance(v, float) else f"{k} {v}"
                                                  for k, v in figures.items()), flush=True)
            path.unlink()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    if args.plot:
        plot(results, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
