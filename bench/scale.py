"""How each cost grows with the catalogue, on synthetic catalogues (`python -m recsys synth`):

    python bench/scale.py [--sizes 30000 300000 1000000] [--train-epochs 3] [--json PATH] [--plot PNG]

A catalogue of N songs gets N/10 playlists of about 50 distinct songs (1M songs: 100k playlists,
about 5M rows, the shape of a large real catalogue). Each size is measured in two fresh processes,
so peak memory is each one's own. Training: load + knowledge-graph build, then the default model,
full batch, on 80% of every playlist, with seconds per epoch, peak memory and the song → songs
Recall@10 on the held-out 20% (a seeded sample of 500 test playlists). Serving, from those trained
vectors: the recommender's build (search index, and the approximate-neighbour index above 100k
songs), search and recommend p50, recall@10 of recommend against an exact scan, memory while
serving, and the seconds to read that index back from where the app keeps it. `--plot` draws
every cost against the catalogue size on log–log axes (plotly, photographed in headless Chromium).
"""

import argparse
import dataclasses
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

MEAN_LENGTH = 67  # songs drawn per playlist; about 50 distinct remain once repeats are merged


def measure_training(path: Path, epochs: int, vectors_out: Path) -> dict:
    """Load, graph build and training figures; the trained song vectors go to `vectors_out`."""
    from recsys.config import TrainConfig
    from recsys.graph import build_knowledge_graph
    from recsys.load import load_catalogue
    from recsys.pipeline import held_out_task
    from recsys.train import train

    figures = {}
    started = time.perf_counter()
    catalogue = load_catalogue(path)
    build_knowledge_graph(catalogue)
    figures["load + graph build (s)"] = time.perf_counter() - started
    figures["peak memory after load (GB)"] = _peak_gb()
    recalls = []
    started = time.perf_counter()
    config = TrainConfig(epochs=epochs, holdout=0.2)
    task = held_out_task(catalogue, config)
    embeddings = train(task.split.train, config, lambda epoch, epochs, loss, recall: recalls.append(recall),
                       task.song_recall)
    figures["train, seconds per epoch (s)"] = (time.perf_counter() - started) / epochs  # split and validation included
    figures["peak memory training (GB)"] = _peak_gb()
    figures["validation Recall@10"] = recalls[-1]
    np.save(vectors_out, embeddings.track)
    return figures


def measure_serving(path: Path, vectors: Path) -> dict:
    """What the app does with a trained model: build the recommender, search, recommend."""
    from recsys.config import TrainConfig
    from recsys.embeddings import Embeddings
    from recsys.load import load_catalogue
    from recsys.pipeline import Recommender

    catalogue = load_catalogue(path)
    track = np.load(vectors)
    embeddings = Embeddings(track=track, playlist=np.zeros((catalogue.ids.num_playlists, track.shape[1]), np.float32))
    figures = {}
    started = time.perf_counter()
    recommender = Recommender.build(catalogue, embeddings, TrainConfig())
    figures["recommender build (s)"] = time.perf_counter() - started
    if recommender.vector_index is not None:
        index = recommender.vector_index.index
        figures["lists scanned"] = f"{index.nprobe} of {index.nlist}"
    rng = np.random.default_rng(0)
    titles = catalogue.tracks["track_name"].to_numpy()[rng.integers(0, len(catalogue.tracks), 50)]
    queries = [title[:-2] + title[-1] if len(title) > 3 else title for title in titles]  # a letter dropped
    figures["search p50 (ms)"] = _p50_ms(recommender.search, queries)
    songs = rng.integers(0, len(track), 100)
    figures["recommend p50 (ms)"] = _p50_ms(lambda song: recommender.similar(int(song), 10), songs)
    exact = dataclasses.replace(recommender, vector_index=None)  # the same recommender, scanning every song
    figures["exact scan p50 (ms)"] = _p50_ms(lambda song: exact.similar(int(song), 10), songs)
    figures["recommend recall@10 vs exact"] = float(np.mean([
        len(set(recommender.similar(int(song), 10)[0]) & set(exact.similar(int(song), 10)[0])) / 10 for song in songs]))
    gc.collect()
    figures["memory while serving (GB)"] = _resident_gb()
    if recommender.vector_index is not None:  # after the memory figure: the copies it makes would count there
        figures["index read back (s)"] = _index_read_back(recommender.vector_index, track)
    return figures


def _index_read_back(vectors, track: np.ndarray) -> float:
    """Seconds to read the index back from where the app keeps it, instead of building it again."""
    from recsys import cache
    from recsys.ann import VectorIndex

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "neighbours.npz"
        cache.save_index(path, track, vectors.to_bytes())
        started = time.perf_counter()
        VectorIndex.from_bytes(cache.load_index(path, track))
        return time.perf_counter() - started


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


PLOTTED = ("load + graph build (s)", "search p50 (ms)", "recommend p50 (ms)", "exact scan p50 (ms)",
           "train, seconds per epoch (s)", "peak memory training (GB)")


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
    parser.add_argument("--train-epochs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--plot", type=Path, help="draw the costs on log–log axes into this PNG")
    parser.add_argument("--from-json", type=Path, help="plot figures measured before instead of measuring")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)  # STAGE CSV VECTORS, in a fresh process
    args = parser.parse_args()
    if args.child:
        stage, path, vectors = args.child
        figures = (measure_training(Path(path), args.train_epochs, Path(vectors)) if stage == "train"
                   else measure_serving(Path(path), Path(vectors)))
        print(json.dumps(figures))
        return 0
    if args.from_json:
        plot({int(size): figures for size, figures in json.loads(args.from_json.read_text()).items()}, args.plot)
        return 0
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        for size in args.sizes:
            path, vectors = Path(workdir) / f"synth-{size}.csv", Path(workdir) / f"vectors-{size}.npy"
            started = time.perf_counter()
            rows = write_synthetic(path, size, size // 10, MEAN_LENGTH)
            figures = {"rows": rows, "synth (s)": time.perf_counter() - started}
            for stage in ("train", "serve"):
                child = subprocess.run([sys.executable, __file__, "--child", stage, str(path), str(vectors),
                                        "--train-epochs", str(args.train_epochs)], capture_output=True, text=True)
                if child.returncode:
                    figures[f"{stage} error"] = (child.stderr.strip().splitlines() or ["killed"])[-1]
                    break
                figures |= json.loads(child.stdout.strip().splitlines()[-1])
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
