"""recsys/worker.py: a training run in its own process, followed, stopped, and saving atomically."""

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recsys import cache, store, worker
from recsys.config import TrainConfig
from recsys.load import load_catalogue

pytestmark = pytest.mark.slow  # every run is a process of its own

TINY = TrainConfig(epochs=3, hidden_dim=8, out_dim=4, holdout=0.25)


def wait_until(report: Path, done, seconds: float = 120) -> worker.Progress:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress = worker.read(report)
        if done(progress):
            return progress
        time.sleep(0.1)
    raise AssertionError(f"the run did not get there in {seconds} s: {worker.read(report)}")


def test_a_run_reports_every_epoch_then_saves_without_changing_the_default(two_playlists_csv, tmp_path):
    report = worker.start(two_playlists_csv, tmp_path, TINY)
    progress = wait_until(report, lambda p: p.finished)
    assert progress.finished == "done" and progress.seconds > 0
    assert [epoch for epoch, *_ in progress.epochs] == [1, 2, 3] and len(progress.recalls) == 3
    assert progress.calibration == (3, 3)  # the second run, which fits the score scale, reported too
    assert cache.cache_path(tmp_path, store.file_digest(two_playlists_csv), TINY).is_file()
    assert not (tmp_path / cache.CURRENT_MODEL_FILE).exists()  # the default is the operator's to change
    assert worker.under_way(tmp_path) is None


def test_a_run_can_be_seen_from_anywhere_stopped_and_leaves_nothing(two_playlists_csv, tmp_path):
    long = dataclasses.replace(TINY, epochs=100_000)
    report = worker.start(two_playlists_csv, tmp_path, long)
    progress = wait_until(report, lambda p: p.epochs)
    assert worker.under_way(tmp_path) == report  # another session finds it through the cache
    assert os.getpriority(os.PRIO_PROCESS, progress.pid) >= worker.NICENESS  # the server's page runs come first
    assert worker.stop(report)
    assert wait_until(report, lambda p: p.finished).finished == "stopped"
    assert not cache.cache_path(tmp_path, store.file_digest(two_playlists_csv), long).exists()
    with cache.training_lock(tmp_path):  # released: the next run may start
        pass
    assert not worker.stop(report)  # nothing left to stop


def test_a_second_run_is_refused_while_one_trains(two_playlists_csv, tmp_path):
    with cache.training_lock(tmp_path):  # another run holds the cache
        report = worker.start(two_playlists_csv, tmp_path, TINY)
        progress = wait_until(report, lambda p: p.finished)
    assert progress.finished == "error" and progress.message.startswith("Another training run")


def test_a_first_start_waits_for_the_run_holding_the_cache_then_uses_its_model(two_playlists_csv, tmp_path):
    report = worker.start(two_playlists_csv, tmp_path, TINY)
    wait_until(report, lambda p: p.holding)
    waiting = worker.start(two_playlists_csv, tmp_path, TINY, first=True)  # a second session's first start
    assert wait_until(report, lambda p: p.finished).finished == "done"
    seen = []
    progress = worker.follow(waiting, seen.append, every=0.05)
    assert progress.finished == "done" and progress.epochs == []  # it trained nothing: the model was there
    assert seen[-1] == progress and len(seen) == len({repr(p) for p in seen})  # each change, once


def test_a_first_start_that_waits_shows_the_progress_of_the_run_it_waits_for(two_playlists_csv, tmp_path):
    long = worker.start(two_playlists_csv, tmp_path, dataclasses.replace(TINY, epochs=100_000))
    wait_until(long, lambda p: p.holding)
    waiting = worker.start(two_playlists_csv, tmp_path, TINY, first=True)
    seen = []

    def show(progress: worker.Progress) -> None:
        seen.append(progress)
        if progress.waiting_for == long and progress.epochs:
            worker.stop(long)  # seen: let the waiting run have the cache

    progress = worker.follow(waiting, show, every=0.05)
    assert progress.finished == "done" and [epoch for epoch, *_ in progress.epochs] == [1, 2, 3]
    waited = [p for p in seen if p.waiting_for is not None]
    assert waited and waited[-1].bar()[1].startswith("Waiting for the training run under way · Epoch ")
    assert seen[-1] == progress  # then its own run, to the end


def test_a_run_whose_server_is_killed_finishes_and_saves_on_its_own(two_playlists_csv, tmp_path):
    started = subprocess.run(  # a server that starts a run, then is killed
        [sys.executable, "-c", "import os, sys; from recsys import worker; from recsys.config import TrainConfig; "
         "print(worker.start(sys.argv[1], sys.argv[2], TrainConfig(**eval(sys.argv[3]))), flush=True); "
         "os.kill(os.getpid(), 9)", str(two_playlists_csv), str(tmp_path), repr(dataclasses.asdict(TINY))],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert started.returncode == -9
    report = Path(started.stdout.strip())
    progress = wait_until(report, lambda p: p.finished)
    assert progress.finished == "done"
    assert cache.load(cache.cache_path(tmp_path, store.file_digest(two_playlists_csv), TINY),
                      load_catalogue(two_playlists_csv).ids, store.file_digest(two_playlists_csv), TINY)[0] is not None
    assert not [path for path in tmp_path.rglob("*") if ".tmp" in path.name]  # written atomically


def test_the_progress_bar_follows_the_model_then_the_score_scale_run(tmp_path):
    report = tmp_path / "run.jsonl"
    events = ['{"kind": "launched", "pid": 1}', '{"kind": "started"}',
              '{"kind": "epoch", "epoch": 1, "epochs": 4, "loss": 2.5, "recall": null}',
              '{"kind": "epoch", "epoch": 4, "epochs": 4, "loss": 1.25, "recall": 0.5}',
              '{"kind": "calibration", "epoch": 1, "epochs": 4}']
    bars = []
    for count in range(1, len(events) + 1):
        report.write_text("\n".join(events[:count]) + "\n")
        bars.append(worker.read(report).bar())
    assert bars == [
        (0.0, "Starting the training process…"),
        (0.0, "Loading songs…"),
        (0.25, "Epoch 1 of 4 · loss 2.5000"),
        (1.0, "Epoch 4 of 4 · loss 1.2500 · validation Recall@10 0.500"),
        (0.25, "Fitting the score scale on a second run that has not seen a fifth of each playlist: epoch 1 of 4"),
    ]
