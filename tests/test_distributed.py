"""recsys/distributed.py and kg training under torchrun: two processes train the model one does."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from recsys import distributed
from recsys.cli import main
from recsys.config import PROJECT_ROOT, TrainConfig
from recsys.load import load_catalogue
from recsys.synth import write_synthetic
from recsys.train import train

EPOCHS = 5
# Float sums in another order (two halves, then their mean) leave the runs ~1e-7 apart; a step
# without gradient averaging moves them apart by far more (see the in-process test below).
RTOL = 1e-4

pytestmark = pytest.mark.skipif(not torch.distributed.is_available(), reason="torch built without distributed")


@pytest.fixture(scope="module")
def songs(tmp_path_factory):
    """300 synthetic songs in 30 playlists: about 500 song pairs an epoch, an odd number."""
    path = tmp_path_factory.mktemp("songs") / "songs.csv"
    write_synthetic(path, tracks=300, playlists=30)
    return path


def run_train(launcher: list[str], data, cache_dir) -> subprocess.CompletedProcess:
    """`python -m recsys train` on `data` for EPOCHS epochs, started through `launcher`."""
    command = [sys.executable, *launcher, "-m", "recsys", "train", "--data", str(data), "--cache-dir",
               str(cache_dir), "--epochs", str(EPOCHS)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # what torchrun gives each of its processes
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def saved(cache_dir):
    """The one embeddings archive a training run left in `cache_dir`."""
    (path,) = cache_dir.glob("embeddings-*.npz")
    return np.load(path)


@pytest.mark.slow  # torchrun and two training processes
def test_two_processes_train_the_model_one_process_trains(songs, tmp_path):
    # --standalone: a rendezvous on a free local port, so parallel test runs cannot collide.
    two = run_train(["-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"], songs, tmp_path / "two")
    one = run_train([], songs, tmp_path / "one")
    assert "Training across 2 processes" in two.stderr  # rank 0 saw a group of two
    assert "Training across" not in one.stderr
    # Only rank 0 reports: the same progress bar as one process draws, one final line.
    last_epoch = f"epoch {EPOCHS}/{EPOCHS}"
    assert two.stderr.count(last_epoch) == one.stderr.count(last_epoch) > 0 and two.stdout.count("final loss") == 1
    files = {name: sorted(p.name for p in (tmp_path / name).iterdir()) for name in ("two", "one")}
    assert files["two"] == files["one"]
    two_saved, one_saved = saved(tmp_path / "two"), saved(tmp_path / "one")
    assert len(one_saved["loss_history"]) == EPOCHS
    np.testing.assert_allclose(two_saved["loss_history"], one_saved["loss_history"], rtol=RTOL)
    np.testing.assert_allclose(two_saved["track_emb"], one_saved["track_emb"], atol=1e-5)
    np.testing.assert_allclose(two_saved["playlist_emb"], one_saved["playlist_emb"], atol=1e-5)


def test_each_rank_learns_from_its_own_share_and_alone_would_drift(songs, monkeypatch):
    """Ranks 0 and 1 of 2 run one after the other, without the gradient averaging a group gives:
    their first losses (one shared starting model) differ, so each took other pairs, and average
    to the one-process loss; their later losses drift from it by more than RTOL, which the
    two-process test would therefore catch."""
    catalogue, config = load_catalogue(songs), TrainConfig(epochs=EPOCHS)
    whole = np.array(train(catalogue, config).loss_history)
    monkeypatch.setattr(distributed, "world_size", lambda: 2)
    halves = []
    for rank in (0, 1):
        monkeypatch.setattr(distributed, "rank", lambda rank=rank: rank)
        halves.append(np.array(train(catalogue, config).loss_history))
    assert abs(halves[0][0] - halves[1][0]) > 1e-3
    assert np.mean([halves[0][0], halves[1][0]]) == pytest.approx(whole[0], rel=1e-6)
    assert not np.allclose(halves[0][1:], whole[1:], rtol=RTOL)


def test_outside_torchrun_every_helper_answers_as_a_lone_process(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    model = torch.nn.Linear(2, 2)
    with distributed.process_group():
        assert not distributed.launched() and not distributed.active()
        assert (distributed.rank(), distributed.world_size()) == (0, 1)
        assert distributed.wrap(model) is model
        assert distributed.mean(2.5) == 2.5


def test_only_the_kg_model_trains_across_processes(two_playlists_csv, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORLD_SIZE", "2")
    cache_dir = tmp_path / "cache"
    code = main(["train", "--model", "gcn-paper", "--data", str(two_playlists_csv), "--cache-dir", str(cache_dir)])
    assert code == 2
    assert "Only the kg model trains across processes" in capsys.readouterr().err
    assert not cache_dir.exists()  # refused before anything was written
