"""Tiny songs CSVs with known answers, written to tmp_path so each test states only what matters."""

import contextlib
import csv
import errno
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import torch

from recsys import cache, store
from recsys.config import AUDIO_FEATURES, DEFAULT_DATA, TrainConfig
from recsys.projection import MAP_LOG

# The pages' AppTest fixtures (app_env, shared_env, untrained_env), for every test module.
pytest_plugins = ("tests.apptest",)

# The graphs here have a dozen nodes: one thread avoids thread start-up and contention costs that
# otherwise make a 50-epoch run ten times slower on a busy 2-core machine.
torch.set_num_threads(1)


def pytest_configure(config):
    """The `slow` tier: `python -m pytest -m "not slow"` is the quick loop, CI runs both tiers."""
    config.addinivalue_line(
        "markers", "slow: drives a browser, starts a process (server, CLI, worker, torchrun) or trains or loads "
                   "the full shipped data; skipped by the quick loop, run by CI")

COLUMNS = (
    "track_id", "track_name", "track_artist", "track_popularity", "track_album_id", "track_album_name",
    "playlist_name", "playlist_id", "playlist_genre", "playlist_subgenre",
) + AUDIO_FEATURES

# Plausible values for a song; a test overrides only the fields it is about.
FEATURE_DEFAULTS = {
    "danceability": 0.5, "energy": 0.5, "key": 5, "loudness": -7.0, "mode": 1, "speechiness": 0.05,
    "acousticness": 0.2, "instrumentalness": 0.0, "liveness": 0.1, "valence": 0.5, "tempo": 120.0,
    "duration_ms": 200000,
}

# Small enough that training on the tiny datasets below takes a few milliseconds per epoch.
TINY_CONFIG = TrainConfig(epochs=3, hidden_dim=16, out_dim=8, seed=0)


def song_row(index: int, **fields) -> dict:
    """One CSV row: defaults derived from `index` (so ids and titles differ), then `fields`."""
    track_id = fields.get("track_id", f"t{index}")
    playlist_id = fields.get("playlist_id", "p0")
    row = {
        "track_id": track_id,
        "track_name": f"Song {track_id}",
        "track_artist": f"Artist {track_id}",
        "track_popularity": 50,
        "track_album_id": f"album-{track_id}",
        "track_album_name": f"Album {track_id}",
        "playlist_name": f"Playlist {playlist_id}",
        "playlist_id": playlist_id,
        "playlist_genre": "pop",
        "playlist_subgenre": "dance pop",
        **FEATURE_DEFAULTS,
    }
    row.update(fields)
    return row


def write_songs_csv(path: Path, rows: list[dict], columns=COLUMNS) -> Path:
    """Write `rows` (partial dicts, defaults filled in) as a songs CSV with `columns`; return the path."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for index, fields in enumerate(rows):
            writer.writerow(song_row(index, **fields))
    return Path(path)


@pytest.fixture
def make_csv(tmp_path):
    """`make_csv(rows, name=..., columns=...)` writes a songs CSV under tmp_path and returns its path."""

    def make(rows: list[dict], name: str = "songs.csv", columns=COLUMNS) -> Path:
        return write_songs_csv(tmp_path / name, rows, columns)

    return make


PLAYLIST_SIZE = 6


def two_playlist_rows() -> list[dict]:
    """Playlist A holds a0..a5, playlist B holds b0..b5; no track is in both.

    Audio features differ per track and are interleaved between the playlists (a0 sits next to
    b0, not next to a5), so only the graph, not the features, separates A from B.
    """
    rows = []
    for position in range(PLAYLIST_SIZE):
        for playlist, offset in (("A", 0.0), ("B", 0.04)):
            level = position / PLAYLIST_SIZE + offset  # A and B alternate along every feature
            rows.append({
                "track_id": f"{playlist.lower()}{position}", "playlist_id": f"pl{playlist}",
                "playlist_genre": "rock" if playlist == "A" else "rap",
                "danceability": round(level, 3), "energy": round(1 - level, 3), "key": position * 2 % 12,
                "loudness": round(-20 + 15 * level, 3), "mode": position % 2,
                "speechiness": round(0.02 + 0.3 * level, 3), "acousticness": round(0.9 - 0.8 * level, 3),
                "instrumentalness": round(0.5 * level, 3), "liveness": round(0.05 + 0.4 * level, 3),
                "valence": round((0.3 + level) % 1, 3), "tempo": round(80 + 90 * level, 3),
                "duration_ms": 150000 + 10000 * position + (5000 if playlist == "B" else 0),
            })
    return rows


@pytest.fixture
def two_playlists_csv(make_csv) -> Path:
    """The two-disjoint-playlists dataset as a CSV file."""
    return make_csv(two_playlist_rows(), name="two_playlists.csv")


@pytest.fixture
def two_playlists(two_playlists_csv):
    """The two-disjoint-playlists dataset, loaded."""
    from recsys.load import load_catalogue

    return load_catalogue(two_playlists_csv)


@pytest.fixture
def refuse_writes(monkeypatch):
    """`refuse_writes(folder, code)`: from now on the disk under `folder` acts read-only (EROFS:
    no file can be created) or full (ENOSPC: a file can be created, not filled). Every file the
    app keeps is written through a temporary file beside it, so that is where the fault goes in;
    running as root, a chmod would not stop a write."""

    def refuse(folder: Path, code: int = errno.EROFS) -> None:
        real = tempfile.NamedTemporaryFile

        def temporary_file(*args, dir=None, **kwargs):
            if dir is None or not Path(dir).resolve().is_relative_to(Path(folder).resolve()):
                return real(*args, dir=dir, **kwargs)
            if code == errno.EROFS:
                raise OSError(code, os.strerror(code))
            handle = real(*args, dir=dir, **kwargs)

            def full(data):
                raise OSError(code, os.strerror(code))

            handle.write = full
            return handle

        monkeypatch.setattr(tempfile, "NamedTemporaryFile", temporary_file)

    return refuse


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a test module; each test opens its own contexts (its visitors)."""
    from playwright.sync_api import sync_playwright

    from bench.bench import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def app_server(data: Path | None, cache_dir: Path, log: Path, monkeypatch):
    """`streamlit run` serving `data` with `cache_dir` on a free local port; yields its URL.
    `data` None: RECSYS_DATA unset, so the installation's default data is served and uploads are on."""
    from bench.bench import streamlit_server, wait_for_port

    if data is None:
        monkeypatch.delenv("RECSYS_DATA", raising=False)
    else:
        monkeypatch.setenv("RECSYS_DATA", str(data))
    monkeypatch.setenv("RECSYS_CACHE_DIR", str(cache_dir))
    with streamlit_server(dict(os.environ), log) as (port, started):
        wait_for_port(port, deadline=started + 60)
        yield f"http://127.0.0.1:{port}/"


# The default model's shape, trained briefly: the browser journeys need real songs, not a good model.
E2E_CONFIG = TrainConfig(epochs=3)
# The neighbourhood figures stored with the browser tests' map: measuring them takes longer than a fixture should.
STORED_MAP_KEPT = {"pca": 0.08, "tsne": 0.55}


@pytest.fixture(scope="session")
def trained_cache(tmp_path_factory) -> Path:
    """A cache folder holding E2E_CONFIG trained once on the shipped data, as the current model, with a
    map stored beside it (its PCA picture, filed as the t-SNE map) so that no page starts the two-minute
    t-SNE process. Each browser module serves its own copy (`own_copy`)."""
    from recsys.pipeline import prepare
    from recsys.projection import pca_2d

    cache_dir = tmp_path_factory.mktemp("trained") / "cache"
    vectors = prepare(DEFAULT_DATA, cache_dir, E2E_CONFIG).embeddings.track
    cache.save_current_config(cache_dir, E2E_CONFIG)
    path = cache.cache_path(cache_dir, store.file_digest(DEFAULT_DATA), E2E_CONFIG)
    cache.save_projection(cache.projection_path(path), vectors, pca_2d(vectors), STORED_MAP_KEPT)
    return cache_dir


def own_copy(trained_cache: Path, folder: Path) -> Path:
    """A copy of `trained_cache` as `folder`/cache: what one module trains or uploads stays out of the others'."""
    return Path(shutil.copytree(trained_cache, folder / "cache"))


@contextlib.contextmanager
def trained_app(folder: Path, monkeypatch, data: Path | None = DEFAULT_DATA):
    """`app_server` on `folder`/cache (an `own_copy`), logging beside it; yields its URL. Fails at
    teardown if a page started the t-SNE process there, which the stored map should have spared."""
    cache_dir = folder / "cache"
    with app_server(data, cache_dir, folder / "streamlit.log", monkeypatch) as url:
        yield url
    assert not (cache_dir / MAP_LOG).exists(), f"a page started the t-SNE process: see {cache_dir / MAP_LOG}"


def nearest(vectors, query: int, k: int):
    """The k rows with the highest dot product with row `query`, best first, never itself: the exact answer."""
    scores = vectors @ vectors[query]
    scores[query] = -float("inf")
    return scores.argsort(kind="stable")[::-1][:k]

