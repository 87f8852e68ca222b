"""How big the cache folder grows when people and processes misbehave, and what a restart leaves.

    python bench/storage.py [--uploads 30] [--megabytes 5]

In a temporary cache folder holding the served model, it uploads `--uploads` distinct songs
files of about `--megabytes` each through the upload store (each then unused for two hours),
kills five writers in the middle of an atomic write, and kills a training run after its first
epoch. Then it ages what they left past datasets.STRAY_SECONDS and sweeps it, as the app does
at start. It prints the folder's size after each step and fails if the store's caps are broken
or anything a killed writer left survives the sweep.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recsys import datasets, worker  # noqa: E402
from recsys.config import DEFAULT_CACHE_DIR, DEFAULT_DATA, TrainConfig  # noqa: E402
from recsys.synth import write_synthetic  # noqa: E402

HOURS_AGO = 2 * 3600  # older than IN_USE_SECONDS and STRAY_SECONDS
KILLED_WRITER = """
import os, sys
from pathlib import Path
from recsys.store import write_atomically

def half_then_die(handle):
    handle.write(b"x" * int(sys.argv[2]))
    handle.flush()
    os.kill(os.getpid(), 9)

write_atomically(Path(sys.argv[1]), half_then_die)
"""


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under `folder`."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def show(step: str, cache_dir: Path) -> None:
    size, files = folder_size(cache_dir)
    print(f"{step:<58} {size / 2**20:8.1f} MB  {files:4d} files")


def age(paths) -> None:
    then = time.time() - HOURS_AGO
    for path in paths:
        os.utime(path, (then, then))


def upload_many(cache_dir: Path, count: int, megabytes: float, workdir: Path) -> None:
    rows = int(megabytes * 2**20 / 180)  # a synthetic row is about 180 bytes
    for seed in range(count):
        source = workdir / f"songs-{seed}.csv"
        write_synthetic(source, tracks=rows // 2, playlists=rows // 50, mean_length=50, seed=seed)
        path, _ = datasets.check_upload(cache_dir, source.name, source.read_bytes())
        age([path, path.with_suffix(".json")])  # unused since: evictable


def kill_writers(cache_dir: Path, count: int) -> None:
    for number in range(count):
        subprocess.run([sys.executable, "-c", KILLED_WRITER, str(cache_dir / f"model-{number}.npz"), str(2**20)],
                       cwd=ROOT, check=False)


def kill_a_run(cache_dir: Path) -> None:
    report = worker.start(DEFAULT_DATA, cache_dir, TrainConfig(epochs=1000))
    deadline = time.monotonic() + 300
    while not worker.read(report).epochs and time.monotonic() < deadline:
        time.sleep(0.5)
    os.kill(worker.read(report).pid, signal.SIGKILL)
    while worker.running(worker.read(report)):
        time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--megabytes", type=float, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        cache_dir = Path(workdir) / "cache"
        cache_dir.mkdir()
        for model in DEFAULT_CACHE_DIR.glob("embeddings-*.npz"):
            shutil.copy(model, cache_dir)
        show("the served model", cache_dir)
        upload_many(cache_dir, args.uploads, args.megabytes, Path(workdir))
        uploads = list((cache_dir / datasets.UPLOADS).glob("*.csv"))
        show(f"after {args.uploads} uploads ({len(uploads)} kept, cap {datasets.MAX_UPLOADS})", cache_dir)
        kill_writers(cache_dir, 5)
        show("after 5 writers killed mid-write", cache_dir)
        kill_a_run(cache_dir)
        show("after a training run killed after its first epoch", cache_dir)
        age(path for pattern in datasets.STRAYS for path in cache_dir.glob(pattern))
        swept = datasets.sweep_strays(cache_dir)
        show(f"after the sweep at start ({swept} files removed)", cache_dir)
        left = [path.name for pattern in datasets.STRAYS for path in cache_dir.glob(pattern)]
        stored = sum(path.stat().st_size for path in (cache_dir / datasets.UPLOADS).glob("*.csv"))
    problems = [f"{len(uploads)} uploads kept, over the cap"] * (len(uploads) > datasets.MAX_UPLOADS)
    problems += [f"{stored} bytes of uploads, over the cap"] * (stored > datasets.MAX_UPLOAD_BYTES)
    problems += [f"left after the sweep: {', '.join(left)}"] * bool(left)
    print("\n".join(problems) or "caps held; nothing a killed writer left survived the sweep")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
