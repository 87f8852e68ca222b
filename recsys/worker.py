"""Training runs started from the app, each in its own process, so the server keeps answering
searches while a model trains.

The page starts `python -m recsys.worker`, which trains at a lower priority (a first start's run
excepted, see below). Its report file, JSON lines, says what it does: "launched" (its process id,
written by the page), "started" once it holds the training lock, one "epoch" line per epoch (loss,
validation Recall@10), one "calibration" line per epoch of the second run that fits the score
scale, then "done", "stopped", "error" or "not-saved" (trained, but the disk refused the model).
The run holding the lock also names its report in RUN_FILE, so every session can show its
progress and stop it. Stopping sends SIGTERM; nothing is saved until the last epoch,
and then atomically, so a stopped run leaves the models as they were. A server killed meanwhile
leaves the run to finish and save on its own; Ctrl-C in the server's terminal ends both.

A first start's run (`first`) is the one every session is waiting for: it trains at full speed,
and if another run holds the lock it waits for that one and uses its model when it is this one.
"""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from collections.abc import Callable

from recsys import cache, store
from recsys.config import TrainConfig
from recsys.errors import NotSaved, RecsysError

RUNS = "runs"  # folder of the report files
RUN_FILE = "training-run.json"  # names the report of the run that holds the lock now
NICENESS = 19  # the lowest priority there is: the server's page runs come first


@dataclasses.dataclass
class Progress:
    """What a report file says so far."""

    # (epoch, of, loss, validation Recall@10) of each epoch so far
    epochs: list[tuple[int, int, float, float | None]] = dataclasses.field(default_factory=list)
    calibration: tuple[int, int] | None = None  # (epoch, of) of the second run, once it has begun
    pid: int | None = None
    holding: bool = False  # it holds the training lock: the data is loaded and the epochs begin
    finished: str | None = None  # "done", "stopped", "error" or "not-saved", once it has ended
    message: str = ""  # the error's message
    seconds: float | None = None  # the whole run's, once done
    waiting_for: Path | None = None  # set by follow: the report of the run this one waits for, whose progress this is

    @property
    def losses(self) -> list[float]:
        return [loss for _, _, loss, _ in self.epochs]

    @property
    def recalls(self) -> list[float]:
        return [recall for *_, recall in self.epochs if recall is not None]

    def bar(self) -> tuple[float, str]:
        """The progress bar's share done and text: the model's epochs, then the second run's."""
        if self.calibration:
            epoch, epochs = self.calibration
            done, text = epoch / epochs, ("Fitting the score scale on a second run that has not seen a fifth of "
                                          f"each playlist: epoch {epoch} of {epochs}")
        elif self.epochs:
            epoch, epochs, loss, recall = self.epochs[-1]
            validation = "" if recall is None else f" · validation Recall@10 {recall:.3f}"
            done, text = epoch / epochs, f"Epoch {epoch} of {epochs} · loss {loss:.4f}{validation}"
        else:
            done, text = 0.0, "Loading songs…" if self.holding else "Starting the training process…"
        return done, f"Waiting for the training run under way · {text}" if self.waiting_for else text


def start(data_path: str | Path, cache_dir: str | Path, config: TrainConfig, first: bool = False) -> Path:
    """Start a training run in a new process; returns its report file. `first`: see above."""
    report = Path(cache_dir) / RUNS / f"{uuid.uuid4().hex}.jsonl"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.touch()
    command = [sys.executable, "-m", "recsys.worker", str(data_path), str(cache_dir), cache.config_json(config),
               str(report), *(["--first"] if first else [])]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, cwd=Path(__file__).resolve().parent.parent)
    with open(report, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"kind": "launched", "pid": process.pid}) + "\n")
    return report


def read(report: Path) -> Progress:
    """The progress a report file records (a line still being written is left for next time)."""
    progress = Progress()
    try:
        lines = report.read_text(encoding="utf-8").splitlines()
    except OSError:
        return progress
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event["kind"] == "launched":
            progress.pid = event["pid"]
        elif event["kind"] == "started":
            progress.holding = True
        elif event["kind"] == "epoch":
            progress.epochs.append((event["epoch"], event["epochs"], event["loss"], event["recall"]))
        elif event["kind"] == "calibration":
            progress.calibration = event["epoch"], event["epochs"]
        else:
            progress.finished, progress.message, progress.seconds = event["kind"], event.get("message", ""), \
                event.get("seconds")
    return progress


def under_way(cache_dir: str | Path) -> Path | None:
    """The report of the run training on this cache now, or None."""
    if not cache.training_under_way(cache_dir):
        return None
    pointer, _ = cache.read_record(Path(cache_dir) / RUN_FILE, "The record of the training run")
    report = Path(cache_dir) / RUNS / str((pointer or {}).get("report", ""))
    # The lock may be another kind of run's (the CLI's, a first start's): then no report is running.
    return report if pointer and report.is_file() and running(read(report)) else None


def follow(report: Path, on_progress: Callable[[Progress], None], every: float = 0.25) -> Progress:
    """Wait for the run to end, passing on its progress whenever it changes; returns how it ended.
    While the run waits for the lock (a first start's), the progress passed on is that of the run it
    waits for, `waiting_for` set: else a session that arrived second would see nothing move."""
    cache_dir = report.parent.parent  # reports are kept in the cache's RUNS folder
    seen = None
    while True:
        progress = read(report)
        shown = progress
        if running(progress) and not progress.holding:
            other = under_way(cache_dir)
            if other is not None and other != report:
                shown = dataclasses.replace(read(other), waiting_for=other)
        if shown != seen:
            on_progress(shown)
            seen = shown
        if not running(progress):
            return progress
        time.sleep(every)


def running(progress: Progress) -> bool:
    """Whether the run's process is still there: not ended, and not a finished child yet to be reaped."""
    if progress.pid is None or progress.finished:
        return False
    try:
        state = Path(f"/proc/{progress.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def stop(report: Path) -> bool:
    """End the run a report belongs to; whether there was one to end."""
    progress = read(report)
    if not running(progress):
        return False
    try:
        os.kill(progress.pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True


def _run(data_path: str, cache_dir: str, config_json: str, report: Path, first: bool) -> int:
    """The worker process: train, reporting every step to `report`."""
    from recsys.load import load_catalogue
    from recsys.pipeline import train_and_save

    if not first:
        os.nice(NICENESS)
        import torch

        torch.set_num_threads(1)  # one core at most: on a small server the others stay with the page runs
    started = time.perf_counter()

    def write(kind: str, **fields) -> None:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"kind": kind, **fields}) + "\n")

    def holding_lock() -> None:
        write("started")
        cache.write_record(Path(cache_dir) / RUN_FILE, {"report": report.name})

    try:
        config = TrainConfig(**json.loads(config_json))
        catalogue = load_catalogue(data_path)
        train_and_save(catalogue, store.file_digest(data_path), cache_dir, config, on_locked=holding_lock, wait=first,
                       on_epoch=lambda epoch, epochs, loss, recall: write(
                           "epoch", epoch=epoch, epochs=epochs, loss=loss, recall=recall),
                       on_calibration_epoch=lambda epoch, epochs: write("calibration", epoch=epoch, epochs=epochs))
    except Stopped:
        write("stopped")
        return 143
    except NotSaved as err:
        write("not-saved", message=str(err))
        return 3
    except RecsysError as err:
        write("error", message=str(err))
        return 2
    except Exception as err:  # a bug, never a silent end: the page that follows the run says so
        write("error", message=f"The training run failed ({type(err).__name__}: {err}).")
        raise
    write("done", seconds=time.perf_counter() - started)
    return 0


class Stopped(BaseException):
    """SIGTERM arrived: the run ends where it is, and saves nothing. A BaseException, as
    KeyboardInterrupt is, so no `except Exception` on the way can swallow it."""


def _stopped(*_) -> None:
    raise Stopped


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stopped)
    sys.exit(_run(*sys.argv[1:4], Path(sys.argv[4]), first="--first" in sys.argv[5:]))
