"""Performance benchmark for the song recommender.

Run from the project root:

    python bench/bench.py [--data CSV] [--repeats N] [--json PATH]

Measures, on the real data file by default:

  1. load + graph build       recsys.load.load_catalogue + recsys.graph.build_graph   target < 1 s
  2. training                 recsys.train.train, default TrainConfig (100 epochs)    target < 15 s
  3. cache load               recsys.cache.load of the saved npz                      target < 1 s
  4. search p50/p95           Recommender.search over ~40 realistic queries           target p50 < 15 ms
  5. recommend p50/p95        Recommender.similar for 200 seeded random tracks        target p50 < 2 ms
  6. app start                `streamlit run` until the search box has rendered       target < 5 s
                              (warm model cache; real Chromium via Playwright if
                              available, else streamlit's AppTest in a fresh process)

Each section runs on its own: an error in one is reported in the table and the rest still run.
Nothing here writes outside temporary directories; all network traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import numpy as np  # noqa: E402

from recsys import cache  # noqa: E402
from recsys.config import DEFAULT_DATA, TrainConfig  # noqa: E402
from recsys.embeddings import Embeddings  # noqa: E402
from recsys.load import Catalogue, load_catalogue  # noqa: E402
from recsys.pipeline import Recommender  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
SEARCH_LABEL = "Song title or artist"

# Realistic queries: typos, partial titles, "title artist", accents, artist-only, lower/upper case.
QUERIES = [
    "blinding lites", "senorita", "Señorita shawn mendes", "without me eminem", "shape of yu",
    "dance monkey", "bad guy billie", "rockstar post malone", "the weeknd", "despacito",
    "old town road", "someone you loved", "lose yourself", "bohemian rapsody", "smells like teen spirit",
    "hotel california eagles", "uptown funk", "havana camila", "sunflower post malone", "believer imagine dragons",
    "thunderstruck", "billie jean michael jackson", "sweet child o mine", "rolling in the deep adele", "take on me",
    "circles", "watermelon sugar", "levitating dua lipa", "beyonce", "taylor swift",
    "gods plan drake", "mi gente j balvin", "tusa karol g", "shallow lady gaga", "cant stop the feeling",
    "happier marshmello", "closer chainsmokers", "alors on danse", "DONT START NOW", "in the end linkin park",
    "one more time daft punk", "mr brightside", "wonderwall oasis", "lovely billie eilish khalid",
]


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Metric:
    name: str
    value: float | None  # None: could not be measured
    unit: str  # "s" or "ms"
    target: float | None = None  # pass when value < target; None: informational only
    note: str = ""

    @property
    def passed(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value < self.target

    def as_dict(self) -> dict:
        return {"metric": self.name, "value": self.value, "unit": self.unit, "target": self.target,
                "target_op": "<" if self.target is not None else None, "passed": self.passed, "note": self.note}


@dataclass
class Section:
    title: str
    metrics: list[Metric] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    other_cpu: float | None = None  # share of the machine's CPU used by other processes (incl. steal)


def log(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q))


def median(values) -> float:
    return float(np.median(np.asarray(values, dtype=float)))


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"
    return f"{value:.3f} s" if value < 10 else f"{value:.2f} s"


# --------------------------------------------------------------------------------------------
# Shared state between sections (each section copes with what is missing)


@dataclass
class Shared:
    data: Path
    repeats: int
    workdir: Path
    catalogue: Catalogue | None = None
    embeddings: Embeddings | None = None
    embeddings_note: str = ""
    digest: str | None = None
    recommender: Recommender | None = None

    def get_catalogue(self) -> Catalogue:
        if self.catalogue is None:
            self.catalogue = load_catalogue(self.data)
        return self.catalogue

    def get_digest(self) -> str:
        if self.digest is None:
            self.digest = cache.file_digest(self.data)
        return self.digest

    def get_embeddings(self) -> Embeddings:
        """The trained embeddings; random unit vectors of the right shape if training did not run.

        Search, recommend, cache and app timings do not depend on the embedding values.
        """
        if self.embeddings is None:
            catalogue = self.get_catalogue()
            rng = np.random.default_rng(0)
            out_dim = TrainConfig().out_dim
            self.embeddings = Embeddings.from_raw(
                rng.standard_normal((catalogue.ids.num_tracks, out_dim)),
                rng.standard_normal((catalogue.ids.num_playlists, out_dim)),
                loss_history=[0.0] * TrainConfig().epochs,
            )
            self.embeddings_note = "random embeddings (training section did not produce any)"
            log(f"using {self.embeddings_note}")
        return self.embeddings

    def get_recommender(self) -> Recommender:
        if self.recommender is None:
            self.recommender = Recommender.build(self.get_catalogue(), self.get_embeddings(), TrainConfig())
        return self.recommender

    def warm_cache_dir(self, name: str) -> Path:
        """A fresh cache dir holding the default-config model and the current-model pointer."""
        cache_dir = self.workdir / name
        config = TrainConfig()
        path = cache.cache_path(cache_dir, self.get_digest(), config)
        cache.save(path, self.get_embeddings(), self.get_catalogue().ids, self.get_digest(), config)
        cache.save_current_config(cache_dir, config)
        return cache_dir


# --------------------------------------------------------------------------------------------
# Sections


def bench_load(shared: Shared, section: Section) -> None:
    from recsys.graph import build_graph

    runs = max(3, shared.repeats)
    load_s, graph_s, total_s = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        catalogue = load_catalogue(shared.data)
        t1 = time.perf_counter()
        graph = build_graph(catalogue, TrainConfig().seed)
        t2 = time.perf_counter()
        load_s.append(t1 - t0)
        graph_s.append(t2 - t1)
        total_s.append(t2 - t0)
    shared.catalogue = catalogue
    rep = catalogue.report
    section.details = {
        "runs": runs, "load_s": load_s, "graph_s": graph_s, "total_s": total_s,
        "rows": rep.rows, "tracks": rep.tracks, "playlists": rep.playlists, "edges": rep.edges,
        "graph_nodes": int(graph.num_nodes), "graph_directed_edges": int(graph.edge_index.shape[1]),
    }
    section.metrics += [
        Metric("load + graph build (median)", median(total_s), "s", 1.0,
               f"median of {runs}; first run {total_s[0]:.3f} s"),
        Metric("  load_catalogue (median)", median(load_s), "s"),
        Metric("  build_graph (median)", median(graph_s), "s"),
    ]


def bench_train(shared: Shared, section: Section) -> None:
    from recsys.train import train

    catalogue = shared.get_catalogue()
    config = TrainConfig()
    stamps: list[float] = []

    def on_epoch(epoch: int, epochs: int, loss: float) -> None:
        stamps.append(time.perf_counter())

    log(f"training {config.epochs} epochs with the default TrainConfig…")
    t0 = time.perf_counter()
    embeddings = train(catalogue, config, on_epoch)
    t1 = time.perf_counter()
    total = t1 - t0
    shared.embeddings = embeddings
    epoch_s = np.diff([t0] + stamps)  # epoch 1 also includes build_graph + model setup
    steady = epoch_s[1:] if len(epoch_s) > 1 else epoch_s
    setup_and_first = float(epoch_s[0])
    tail = t1 - stamps[-1]  # final embed() + normalisation
    section.details = {
        "config": config.as_dict(), "total_s": total, "epoch_s": epoch_s.tolist(),
        "first_epoch_incl_setup_s": setup_and_first, "final_embed_s": tail,
        "final_loss": embeddings.loss_history[-1], "torch_threads": _torch_threads(),
    }
    section.metrics += [
        Metric(f"train {config.epochs} epochs (total)", total, "s", 15.0,
               f"incl. graph build, first epoch {setup_and_first:.3f} s, final embed {tail:.3f} s"),
        Metric("  per epoch (total / epochs)", total / config.epochs, "s"),
        Metric("  per epoch (median, epochs 2..N)", median(steady), "s",
               note=f"p95 {percentile(steady, 95):.3f} s, max {float(np.max(steady)):.3f} s"),
    ]


def bench_cache(shared: Shared, section: Section) -> None:
    catalogue = shared.get_catalogue()
    config = TrainConfig()
    t0 = time.perf_counter()
    digest = cache.file_digest(shared.data)
    digest_s = time.perf_counter() - t0
    shared.digest = digest
    cache_dir = shared.workdir / "cache-section"
    path = cache.cache_path(cache_dir, digest, config)
    t0 = time.perf_counter()
    cache.save(path, shared.get_embeddings(), catalogue.ids, digest, config)
    save_s = time.perf_counter() - t0
    runs = max(3, shared.repeats)
    load_s = []
    for _ in range(runs):
        t0 = time.perf_counter()
        embeddings, why = cache.load(path, catalogue.ids, digest, config)
        load_s.append(time.perf_counter() - t0)
        if embeddings is None:
            raise RuntimeError(f"cache.load refused the file it just saved: {why}")
    section.details = {"runs": runs, "load_s": load_s, "save_s": save_s, "file_digest_s": digest_s,
                       "npz_bytes": path.stat().st_size, "embeddings": shared.embeddings_note or "trained"}
    section.metrics += [
        Metric("cache load (median)", median(load_s), "s", 1.0,
               f"median of {runs}; npz {path.stat().st_size / 1e6:.1f} MB"),
        Metric("  cache save", save_s, "s"),
        Metric("  file_digest (sha256 of CSV)", digest_s, "s"),
    ]


def bench_search(shared: Shared, section: Section) -> None:
    t0 = time.perf_counter()
    rec = shared.get_recommender()
    build_s = time.perf_counter() - t0
    for query in QUERIES:  # warm-up, not timed
        rec.search(query)
    timings: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(shared.repeats):
        for query in QUERIES:
            t = time.perf_counter()
            rec.search(query)
            timings[query].append((time.perf_counter() - t) * 1e3)
    every = [ms for values in timings.values() for ms in values]
    per_query = {q: median(v) for q, v in timings.items()}
    slowest = sorted(per_query.items(), key=lambda kv: -kv[1])[:5]
    top_hits = {}
    for query in QUERIES:
        found, scores = rec.search(query, limit=1)
        top_hits[query] = (None if len(found) == 0 else
                           f"{rec.catalogue.tracks.track_name.iat[found[0]]} — "
                           f"{rec.catalogue.tracks.track_artist.iat[found[0]]} ({scores[0]:.0f})")
    section.details = {"queries": len(QUERIES), "repeats": shared.repeats, "samples": len(every),
                       "median_ms_per_query": per_query, "top_hit": top_hits,
                       "recommender_build_s": build_s}
    section.metrics += [
        Metric("search p50", percentile(every, 50), "ms", 15.0, f"{len(QUERIES)} queries × {shared.repeats}"),
        Metric("search p95", percentile(every, 95), "ms",
               note="slowest: " + ", ".join(f"{q!r} {ms:.1f}" for q, ms in slowest[:3])),
        Metric("  Recommender.build (search index)", build_s, "s"),
    ]


def bench_recommend(shared: Shared, section: Section) -> None:
    rec = shared.get_recommender()
    rng = np.random.default_rng(12345)
    tracks = rng.choice(rec.catalogue.ids.num_tracks, size=min(200, rec.catalogue.ids.num_tracks), replace=False)
    for track in tracks[:20]:  # warm-up
        rec.similar(int(track))
    every = []
    for _ in range(shared.repeats):
        for track in tracks:
            t = time.perf_counter()
            rec.similar(int(track), k=10)
            every.append((time.perf_counter() - t) * 1e3)
    section.details = {"tracks": len(tracks), "repeats": shared.repeats, "samples": len(every), "seed": 12345}
    section.metrics += [
        Metric("recommend p50", percentile(every, 50), "ms", 2.0, f"{len(tracks)} tracks × {shared.repeats}, k=10"),
        Metric("recommend p95", percentile(every, 95), "ms"),
    ]


# --------------------------------------------------------------------------------------------
# App start


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def app_env(shared: Shared, cache_dir: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "RECSYS_CACHE_DIR": str(cache_dir),
        "RECSYS_DATA": str(shared.data),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",
    })
    return env


@contextlib.contextmanager
def streamlit_server(shared: Shared, cache_dir: Path, log_path: Path):
    """Start `streamlit run` on a free local port; yields (process, port, start time). Always stops it."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
           "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false"]
    with open(log_path, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=app_env(shared, cache_dir), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            yield proc, port, t0
        finally:
            stop_process(proc)


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: only what we started
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def browser_available() -> tuple[bool, str]:
    try:
        import playwright.sync_api  # noqa: F401
    except Exception as err:  # ImportError or a broken install
        return False, f"playwright not importable ({type(err).__name__})"
    if not Path(CHROMIUM).exists():
        return False, f"{CHROMIUM} not found"
    return True, ""


def bench_app(shared: Shared, section: Section, method: str, runs: int, timeout: float) -> None:
    cache_dir = shared.warm_cache_dir("app-cache")
    ok, why = browser_available()
    if method == "browser" and not ok:
        raise RuntimeError(f"--app-method browser requested but {why}")
    use_browser = method == "browser" or (method == "auto" and ok)
    if use_browser:
        _app_browser(shared, section, cache_dir, runs, timeout)
    else:
        _app_apptest(shared, section, cache_dir, runs, timeout,
                     why if method == "auto" else "--app-method apptest requested")


def _app_browser(shared: Shared, section: Section, cache_dir: Path, runs: int, timeout: float) -> None:
    from playwright.sync_api import sync_playwright

    method = "browser: streamlit run + headless Chromium (Playwright), until the search box is visible"
    section.details["method"] = method
    starts, port_s, title_s, reload_s, blocked = [], [], [], [], set()

    def local_only(route):
        url = route.request.url
        host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        if host in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.add(url.split("?", 1)[0][:120])
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for run in range(runs):
                log(f"app start, browser run {run + 1}/{runs}…")
                log_path = shared.workdir / f"streamlit-{run}.log"
                context = browser.new_context()
                try:
                    page = context.new_page()
                    page.route("**/*", local_only)
                    with streamlit_server(shared, cache_dir, log_path) as (proc, port, t0):
                        deadline = t0 + timeout
                        while not port_open(port):
                            if proc.poll() is not None:
                                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{tail(log_path)}")
                            if time.perf_counter() > deadline:
                                raise TimeoutError(f"port {port} not open after {timeout:.0f} s:\n{tail(log_path)}")
                            time.sleep(0.02)
                        t_port = time.perf_counter()
                        url = f"http://127.0.0.1:{port}/"
                        left_ms = max(1000.0, (deadline - time.perf_counter()) * 1e3)
                        page.goto(url, wait_until="commit", timeout=left_ms)
                        title = page.get_by_text("Find songs like the one you love")
                        box = page.locator(f'input[aria-label="{SEARCH_LABEL}"]')
                        left_ms = max(1000.0, (deadline - time.perf_counter()) * 1e3)
                        title.first.wait_for(state="visible", timeout=left_ms)
                        t_title = time.perf_counter()
                        left_ms = max(1000.0, (deadline - time.perf_counter()) * 1e3)
                        box.wait_for(state="visible", timeout=left_ms)
                        t_box = time.perf_counter()
                        _check_no_app_error(page)
                        # The same server again, page reloaded: cached Recommender, no process start.
                        t_r = time.perf_counter()
                        page.reload(wait_until="commit")
                        box.wait_for(state="visible", timeout=timeout * 1e3)
                        reload_s.append(time.perf_counter() - t_r)
                    starts.append(t_box - t0)
                    port_s.append(t_port - t0)
                    title_s.append(t_title - t0)
                    log(f"  search box visible after {t_box - t0:.2f} s (port {t_port - t0:.2f} s, "
                        f"title {t_title - t0:.2f} s)")
                finally:
                    context.close()
        finally:
            browser.close()
    section.details.update({"runs": runs, "start_to_search_box_s": starts, "port_open_s": port_s,
                           "title_visible_s": title_s, "warm_reload_s": reload_s,
                           "blocked_external_requests": sorted(blocked),
                           "embeddings": shared.embeddings_note or "trained"})
    section.metrics += [
        Metric("app start → search box (median)", median(starts), "s", 5.0,
               f"real browser; median of {runs}: " + ", ".join(f"{s:.2f}" for s in starts)),
        Metric("  process start → port open", median(port_s), "s"),
        Metric("  process start → page title visible", median(title_s), "s"),
        Metric("  warm reload → search box (same server)", median(reload_s), "s"),
    ]


def _check_no_app_error(page) -> None:
    """Fail if the page shows a Streamlit exception or st.error box instead of the app."""
    errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    if errors.count():
        raise RuntimeError("the app rendered an error: " + errors.first.inner_text()[:300])


APPTEST_SCRIPT = textwrap.dedent(f"""
    import sys, time
    t0 = time.perf_counter()
    from streamlit.testing.v1 import AppTest
    t1 = time.perf_counter()
    at = AppTest.from_file("streamlit_app.py", default_timeout=float(sys.argv[1])).run()
    t2 = time.perf_counter()
    errors = [e.value for e in at.exception] + [e.value for e in at.error]
    boxes = [t for t in at.text_input if t.label == {SEARCH_LABEL!r}]
    if errors or not boxes:
        print("APPTEST-FAIL", errors[:2] or "no search box", file=sys.stderr)
        sys.exit(3)
    print(f"APPTEST-OK import={{t1 - t0:.4f}} run={{t2 - t1:.4f}}")
""")


def _app_apptest(shared: Shared, section: Section, cache_dir: Path, runs: int, timeout: float, why: str) -> None:
    method = f"fallback: AppTest.from_file(...).run() in a fresh Python process ({why})"
    section.details["method"] = method
    log(f"app start: {method}")
    starts, runs_s = [], []
    for run in range(runs):
        t0 = time.perf_counter()
        result = subprocess.run([sys.executable, "-c", APPTEST_SCRIPT, str(timeout)], cwd=PROJECT_ROOT,
                                env=app_env(shared, cache_dir), capture_output=True, text=True,
                                timeout=timeout + 30)
        elapsed = time.perf_counter() - t0
        if result.returncode != 0:
            raise RuntimeError(f"AppTest run failed ({result.returncode}): {result.stderr[-1500:]}")
        starts.append(elapsed)
        line = next(ln for ln in result.stdout.splitlines() if ln.startswith("APPTEST-OK"))
        runs_s.append(float(line.split("run=")[1]))
        log(f"  run {run + 1}/{runs}: {elapsed:.2f} s")
    section.details.update({"runs": runs, "process_total_s": starts, "apptest_run_s": runs_s})
    section.metrics += [
        Metric("app start → first page run (median)", median(starts), "s", 5.0,
               f"AppTest fallback, NOT a browser; median of {runs}"),
        Metric("  of which AppTest.run()", median(runs_s), "s"),
    ]


# --------------------------------------------------------------------------------------------
# Driver


def machine_info() -> dict:
    info = {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "torch_threads": _torch_threads(),
    }
    for package in ("torch", "torch_geometric", "numpy", "pandas", "pyarrow", "rapidfuzz", "streamlit", "playwright"):
        try:
            info[package] = importlib.metadata.version(package.replace("_", "-"))
        except importlib.metadata.PackageNotFoundError:
            info[package] = None
    info["chromium"] = CHROMIUM if Path(CHROMIUM).exists() else None
    return info


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Fraction of all CPUs busy (incl. steal) over `seconds`, from /proc/stat; None if unknown."""
    def sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields[:8]), idle
    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return None if total1 == total0 else 1.0 - (idle1 - idle0) / (total1 - total0)


def load_line() -> str:
    busy = cpu_busy()
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        load = ["?"] * 3
    text = f"load average {' '.join(load)}"
    if busy is not None:
        text += f", CPUs {busy:.0%} busy over 1 s"
        if busy > 0.25:
            text += "  ** WARNING: other work is running; timings will be inflated **"
    return text


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _torch_threads() -> int | None:
    try:
        import torch
        return torch.get_num_threads()
    except Exception:
        return None


def _busy_cpu_seconds() -> float | None:
    """CPU-seconds all CPUs spent busy (or stolen by the hypervisor) since boot."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    t = os.times()  # this process and its waited-for children (streamlit, browser driver)
    return t.user + t.system + t.children_user + t.children_system


def run_section(title: str, fn, *args) -> Section:
    section = Section(title)
    log(f"{title}…")
    busy0, own0 = _busy_cpu_seconds(), _own_cpu_seconds()
    t0 = time.perf_counter()
    try:
        fn(*args, section)
    except Exception as err:  # report, keep going
        section.error = f"{type(err).__name__}: {err}"
        section.details["traceback"] = traceback.format_exc()
        log(f"{title} FAILED: {section.error}")
    section.seconds = time.perf_counter() - t0
    busy1, own1 = _busy_cpu_seconds(), _own_cpu_seconds()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if busy0 is not None and busy1 is not None and section.seconds > 0:
        # Approximate: children's CPU counts as ours only once they have been waited for.
        other = max(0.0, (busy1 - busy0) - (own1 - own0))
        section.other_cpu = min(1.0, other / (cores * section.seconds))
        section.details["other_cpu_share"] = section.other_cpu
        if section.other_cpu > 0.10:
            log(f"  WARNING: other processes used ~{section.other_cpu:.0%} of the CPUs during this section")
    return section


def print_report(info: dict, args, sections: list[Section]) -> None:
    print()
    print("Song recommender benchmark")
    print(f"  machine : {info['cpu']} — {info['usable_cores']} usable cores ({info['cpu_count']} online), "
          f"{info['platform']}")
    print(f"  python  : {info['python']}   torch {info['torch']} ({info['torch_threads']} threads)   "
          f"torch_geometric {info['torch_geometric']}   numpy {info['numpy']}   pandas {info['pandas']}")
    print(f"            rapidfuzz {info['rapidfuzz']}   streamlit {info['streamlit']}   "
          f"playwright {info['playwright']}   chromium {info['chromium'] or 'absent'}")
    print(f"  data    : {args.data}   repeats {args.repeats}")
    print(f"  before  : {info['load_before']}")
    print(f"  after   : {info['load_after']}")
    print()
    rows = [("metric", "measured", "target", "result")]
    for section in sections:
        if section.error:
            rows.append((section.title, "ERROR", "", "ERROR"))
        for m in section.metrics:
            target = f"< {fmt(m.target, m.unit)}" if m.target is not None else ""
            result = {True: "PASS", False: "FAIL", None: ""}[m.passed]
            rows.append((m.name, fmt(m.value, m.unit), target, result))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w) if j < 3 else cell
                        for j, (cell, w) in enumerate(zip(row, widths))).rstrip())
        if i == 0:
            print(line)
    print()
    notes = [(s.title, m) for s in sections for m in s.metrics if m.note]
    if notes:
        print("notes:")
        for _, m in notes:
            print(f"  {m.name.strip()}: {m.note}")
    for section in sections:
        if "method" in section.details:
            print(f"  app start method: {section.details['method']}")
        if section.details.get("blocked_external_requests"):
            print(f"  blocked non-local requests from the page: {section.details['blocked_external_requests']}")
        if section.details.get("embeddings", "trained") != "trained":
            print(f"  {section.title}: used {section.details['embeddings']}")
    noisy = [s for s in sections if s.other_cpu is not None and s.other_cpu > 0.10]
    print("  CPU used by other processes during each section (contention; ~0% means a clean run): "
          + ", ".join(f"{s.title.split('.')[0]}: {s.other_cpu:.0%}" for s in sections if s.other_cpu is not None))
    if noisy:
        print("  ** WARNING: sections " + ", ".join(s.title.split('.')[0] for s in noisy)
              + " ran while other processes used >10% of the CPUs; their timings are inflated. Re-run on a quiet machine. **")
    errors = [s for s in sections if s.error]
    if errors:
        print()
        print("errors:")
        for section in errors:
            print(f"  {section.title}: {section.error}")
    checked = [m for s in sections for m in s.metrics if m.passed is not None]
    failed = [m for m in checked if not m.passed]
    print()
    print(f"{len(checked) - len(failed)}/{len(checked)} targets met"
          + (f"; {len(errors)} section(s) failed to run" if errors else "")
          + (f"; missed: {', '.join(m.name for m in failed)}" if failed else ""))


SECTIONS = ("load", "train", "cache", "search", "recommend", "app")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="songs CSV (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="repeats for load/cache medians and search/recommend passes (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this path")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run, from {','.join(SECTIONS)} (default: all)")
    parser.add_argument("--app-method", choices=("auto", "browser", "apptest"), default="auto",
                        help="app start: real Chromium via Playwright, or AppTest (auto: browser if available)")
    parser.add_argument("--app-runs", type=int, default=3, help="app starts to time (default: %(default)s)")
    parser.add_argument("--app-timeout", type=float, default=90.0,
                        help="seconds before one app start is given up (default: %(default)s)")
    args = parser.parse_args(argv)
    args.data = args.data.resolve()
    args.repeats = max(1, args.repeats)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    info = machine_info()
    info["load_before"] = load_line()
    log(f"before: {info['load_before']}")
    workdir = Path(tempfile.mkdtemp(prefix="recsys-bench-"))
    shared = Shared(args.data, args.repeats, workdir)
    plan = [
        ("load", "1. load + graph build", bench_load, ()),
        ("train", "2. training", bench_train, ()),
        ("cache", "3. cache load", bench_cache, ()),
        ("search", "4. search", bench_search, ()),
        ("recommend", "5. recommend", bench_recommend, ()),
        ("app", "6. app start (warm cache)", bench_app, (args.app_method, max(1, args.app_runs), args.app_timeout)),
    ]
    sections = []
    t0 = time.perf_counter()
    try:
        for key, title, fn, extra in plan:
            if key in only:
                sections.append(run_section(title, lambda s, fn=fn, extra=extra: fn(shared, s, *extra)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    info["load_after"] = load_line()
    print_report(info, args, sections)
    if args.json:
        payload = {
            "machine": info, "data": str(args.data), "repeats": args.repeats,
            "total_seconds": time.perf_counter() - t0,
            "sections": [{"title": s.title, "seconds": s.seconds, "error": s.error, "other_cpu_share": s.other_cpu,
                          "metrics": [m.as_dict() for m in s.metrics], "details": s.details} for s in sections],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        print(f"results written to {args.json}")
    return 1 if any(s.error for s in sections) else 0


if __name__ == "__main__":
    sys.exit(main())
