"""What the app's pages share that is not drawing: its configuration, read once, the Streamlit
caches over recsys, and the names of the session state the pages keep.

Beside streamlit_app.py rather than in pages/: Streamlit lists every .py file directly in pages/ as
a page, and recsys/ stays free of Streamlit.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from recsys import access, datasets, store
from recsys.config import DEFAULT_CACHE_DIR, TrainConfig
from recsys.errors import RecsysError
from recsys.load import load_catalogue
from recsys.pipeline import Recommender, prepare

DATA_VARIABLE = "RECSYS_DATA"  # one songs file served, whatever links ask for; uploads are off
CACHE_VARIABLE = "RECSYS_CACHE_DIR"  # models, maps, uploads and evaluations


@dataclass(frozen=True)
class AppConfig:
    """How this installation runs: the data it is pinned to, its cache folder, and its operator
    password (set: shared mode, where changes need it; None: local mode, where anyone may)."""

    data: Path | None = None
    cache_dir: Path = DEFAULT_CACHE_DIR
    operator_password: str | None = None

    @classmethod
    def from_env(cls, environ=os.environ, secrets: dict | None = None) -> "AppConfig":
        """The configuration the environment gives; the password may come from the secrets file instead."""
        return cls(data=Path(environ[DATA_VARIABLE]) if environ.get(DATA_VARIABLE) else None,
                   cache_dir=Path(environ.get(CACHE_VARIABLE) or DEFAULT_CACHE_DIR),
                   operator_password=access.operator_password(secrets, environ))


# Session state, by name: what pages and their callbacks keep between runs.
CONFIG = "app-config"  # this session's AppConfig
MENU_SLOT = "menu-slot"  # this run's menu placeholder
RUN_NOTE = "run-note"  # (run, placeholder) of the sidebar's word on a training run under way
SHOWN_MESSAGES = "shown_messages"  # toasts already shown to this session
GATE = "gate"  # this session's recsys.access.Gate
MODEL_SERVED = "model_served"  # the sidebar's model picker
FEEDBACK_SONG = "feedback-song"  # the track_id the URL's 👍 / 👎 were given for
QUERY = "query"  # the search page's box
PICK = "pick"  # the search page's "Which song?"
SEARCH_STEP = "search-step"  # what the search page's last callback asked for (recsys.picking)
PLAYLIST_QUERY = "playlist-query"  # the mini playlist's search box
TRAIN_REQUEST = "train_request"  # the TrainConfig of this session's run under way
TRAIN_REPORT = "train_report"  # that run's progress file
TRAIN_TYPED = "train_typed"  # the settings of a run that stopped or failed, to start it again
TRAIN_OUTCOME = "train_outcome"  # ("done" | "stopped" | "error", detail) of the last run
EVALUATING = "evaluating"
EVALUATION_PROBLEM = "evaluation_problem"
UNSAVED_EVALUATION = "unsaved_evaluation"  # results the disk refused, kept for this session
DATA_BEFORE = "data-before"  # (?data= value, name) of what was served before "Use this data"


def config() -> AppConfig:
    """This session's configuration, read from the environment at its first run. A test puts its
    own AppConfig under CONFIG before the first run instead."""
    if CONFIG not in st.session_state:
        st.session_state[CONFIG] = AppConfig.from_env(secrets=_secrets())
    return st.session_state[CONFIG]


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file, or one that does not parse: no password from there
        return {}


@st.cache_resource(show_spinner=False)
def sweep_once(cache_dir: str) -> int:
    """Temporary files killed writers left in the cache, removed once per server start."""
    return datasets.sweep_strays(cache_dir)


# Shared by every session, read-only: at most MODELS_HELD models (with their data) in memory.
MODELS_HELD = 4


@st.cache_resource(show_spinner="Loading songs and the trained model…", max_entries=MODELS_HELD)
def load_recommender(data_path: str, digest: str, cache_dir: str,
                     config: TrainConfig) -> tuple[Recommender, tuple[str, ...]]:
    """The Recommender, and what loading had to say (a stale cache rebuilt, a failed write)."""
    messages: list[str] = []
    return prepare(data_path, cache_dir, config, on_message=messages.append), tuple(messages)


@st.cache_data(show_spinner=False, max_entries=8)
def _report_lines(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    return tuple(load_catalogue(path).report.lines())


def report_lines(path: Path) -> tuple[str, ...]:
    """What loading the songs file had to say, parsed once per file version: the Data page shows it
    without loading, or training, a model."""
    return _report_lines(str(path), *_stamp(path))


@st.cache_data(show_spinner=False, max_entries=8)
def _data_digest(path: str, mtime_ns: int, size: int) -> str:
    return store.file_digest(path)


def data_digest(path: Path) -> str:
    """The data file's SHA-256, recomputed only when its modification time or size changes."""
    return _data_digest(str(path), *_stamp(path))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        raise RecsysError(f"Data file not found: {path}") from None
    return info.st_mtime_ns, info.st_size


@st.cache_resource(show_spinner=False, max_entries=4)
def explainer(digest: str, _catalogue):
    """The Explainer of the served catalogue (its graph of songs, playlists, artists, albums, genres)."""
    from recsys.explain import Explainer  # builds a graph: only pages with "why" panels need it

    return Explainer.build(_catalogue)


@st.cache_resource(show_spinner="Projecting every song onto the map…", max_entries=8)
def map_coordinates(model_path: Path, projection: str, _track_emb):
    """The served model's songs on a map (recsys.projection.SongMap): "pca", computed here, or
    "tsne", read from beside the model at `model_path`. Until that is stored it raises MapNotReady,
    which is not cached, so a later run finds the map the process it started has made."""
    from recsys.projection import pca_map, stored_map

    if projection == "pca":
        return pca_map(_track_emb)
    return stored_map(model_path, _track_emb)


@st.cache_resource(show_spinner=False, max_entries=8)
def map_payload(model_path: Path, projection: str, colour: str, axes: tuple[str, str], _coords, _tracks) -> str:
    """The canvas map's payload as JSON (recsys.map_charts.map_points), built once per model, map
    and colouring and the same string from click to click, so Streamlit need not send it again."""
    from recsys.map_charts import map_points
    from recsys.projection import map_sample

    return json.dumps(map_points(_coords, _tracks, colour, map_sample(len(_tracks)), axes), separators=(",", ":"))
