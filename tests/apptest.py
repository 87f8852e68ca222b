"""What the page tests (tests/test_app_*.py and the other AppTest modules) share: a 30-song app
installation in a folder, opened headless through streamlit.testing.v1.AppTest with its AppConfig
passed in, as a server would read it from the environment."""

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app_context import CONFIG, AppConfig
from recsys import cache
from recsys.config import AUDIO_FEATURES, TrainConfig
from recsys.pipeline import prepare
from tests.conftest import write_songs_csv

FAST = TrainConfig(epochs=3, hidden_dim=16, out_dim=8)


def songs_csv(path: Path) -> Path:
    """A 30-song, 3-playlist CSV whose first song is Blinding Lights by The Weeknd."""
    rng = np.random.default_rng(0)
    rows = [
        {"playlist_id": f"p{i % 3}", **dict(zip(AUDIO_FEATURES, rng.random(len(AUDIO_FEATURES)).round(3))),
         "duration_ms": int(rng.integers(120_000, 300_000))}  # the one feature whose range is not 0–1
        for i in range(30)
    ]
    rows[0].update(track_name="Blinding Lights", track_artist="The Weeknd")
    return write_songs_csv(path, rows)


@dataclass(frozen=True)
class AppEnv:
    """An installation: its songs file, its cache folder, and the AppConfig every session opened here gets."""

    path: Path
    cache_dir: Path
    config: AppConfig

    def __iter__(self):
        return iter((self.path, self.cache_dir))  # `path, cache_dir = app_env`

    def replace(self, **changes) -> "AppEnv":
        """The same installation configured otherwise (`data=None`, `operator_password=…`)."""
        return dataclasses.replace(self, config=dataclasses.replace(self.config, **changes))

    def open(self, page: str | None = None, state: dict | None = None, **query) -> AppTest:
        """A new session on `page` (default: the home page) with the URL's `query` and the session
        `state` given (widgets' values by key), after its first run."""
        app = AppTest.from_file("../streamlit_app.py", default_timeout=60)
        for key, value in {CONFIG: self.config, **(state or {})}.items():
            app.session_state[key] = value
        if page:
            app.switch_page(page)
        app.query_params.update(query)
        return app.run()


def make_env(folder: Path, trained: bool = True) -> AppEnv:
    """An installation in `folder` whose current model is FAST, trained here first unless `trained`
    is False (then the first page run trains it, in a worker process)."""
    path, cache_dir = songs_csv(folder / "songs.csv"), folder / "cache"
    cache.save_current_config(cache_dir, FAST)
    if trained:
        prepare(path, cache_dir, FAST)
    return AppEnv(path, cache_dir, AppConfig(data=path, cache_dir=cache_dir))


@pytest.fixture()
def app_env(tmp_path) -> AppEnv:
    """An installation of this test's own, its model trained."""
    return make_env(tmp_path)


@pytest.fixture()
def untrained_env(tmp_path) -> AppEnv:
    """An installation of this test's own whose model the first page run must train."""
    return make_env(tmp_path, trained=False)


@pytest.fixture(scope="module")
def shared_env(tmp_path_factory) -> AppEnv:
    """One installation for a module's tests that only read what a page shows."""
    return make_env(tmp_path_factory.mktemp("app"))
