"""Twenty browser sessions on one server search and recommend while another session trains.

Drives Debian's Chromium through Playwright against `streamlit run` on a free local port (see
bench/concurrency.py, which measures the same on the whole catalogue).
"""

import dataclasses

import pytest

from bench.bench import QUERIES
from bench.concurrency import HELD_OUT, REFUSED, crowd, expected_headings
from recsys import cache, store
from recsys.config import DEFAULT_DATA, TrainConfig
from recsys.pipeline import prepare
from tests.conftest import app_server

pytestmark = pytest.mark.slow  # twenty Chromium sessions against `streamlit run`, a training process

SERVED = TrainConfig(epochs=3, out_dim=16, layers=2)  # the model served while the crowd searches
ROWS = 4000  # of the shipped file: enough songs for every query below, quick to train
# Of the run the crowd searches beside. It starts once every session has its page, so it need only
# outlast their first round; at the lowest priority it yields the cores to them, which stretches it.
EPOCHS = 20


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A server on the first ROWS rows of the shipped data, SERVED already trained: (url, cache dir)."""
    data = tmp_path / "songs.csv"
    with open(DEFAULT_DATA, encoding="utf-8") as source:
        data.write_text("".join(line for _, line in zip(range(ROWS + 1), source)), encoding="utf-8")
    cache_dir = tmp_path / "cache"
    prepare(data, cache_dir, SERVED)
    cache.save_current_config(cache_dir, SERVED)
    with app_server(data, cache_dir, tmp_path / "streamlit.log", monkeypatch) as url:
        yield url, data, cache_dir


def test_twenty_sessions_search_while_one_trains_and_a_second_run_is_refused(server):
    url, data, cache_dir = server
    headings = expected_headings(data, QUERIES)
    assert len(set(headings.values())) >= 5  # the sessions move between several songs
    result = crowd(url, sessions=20, rounds=2, headings=headings, train_epochs=EPOCHS, train_when_ready=True,
                   one_context=True)
    assert result.errors == []
    assert len(result.latencies) == 40 and result.while_training >= 20
    assert result.trained and result.refused.startswith(REFUSED)
    trained = dataclasses.replace(SERVED, epochs=EPOCHS, holdout=HELD_OUT)  # the crowd's run validates on a fifth
    assert cache.load_current_config(cache_dir) == SERVED  # the run saved, served to its own link, not the default
    assert cache.trained_configs(cache_dir, store.file_digest(data)) == [trained, SERVED]
