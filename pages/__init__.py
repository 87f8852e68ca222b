"""What the pages share: where the data and models live, and the cached Recommender.

It is the package init so that Streamlit's file-based page discovery never lists it as a page.
"""

import os
import re
from pathlib import Path

import streamlit as st

from recsys import cache, datasets
from recsys.config import DEFAULT_CACHE_DIR, DEFAULT_DATA, TrainConfig
from recsys.errors import NotSaved, RecsysError
from recsys.load import load_catalogue
from recsys.pipeline import Recommender, prepare, train_and_save


# The pages, in menu order: (file, title, icon). The first is the home page.
MENU = (
    ("pages/search.py", "Find similar songs", ":material/search:"),
    ("pages/playlist.py", "Mini playlist", ":material/queue_music:"),
    ("pages/map.py", "Embedding map", ":material/scatter_plot:"),
    ("pages/train.py", "Train the model", ":material/model_training:"),
    ("pages/evaluation.py", "Evaluation", ":material/leaderboard:"),
    ("pages/data.py", "Your data", ":material/upload_file:"),
)


def menu() -> None:
    """The sidebar's page menu. Every page draws it, and Streamlit's own is off
    (client.showSidebarNavigation): a link straight to a page, as the first request after the
    server starts, runs that page without streamlit_app.py, and Streamlit would then list the
    files in pages/ instead.

    The links carry the URL's song and demo mode, so another page opens on the same song."""
    carried = {name: st.query_params[name] for name in URL_STATE if name in st.query_params}
    for path, title, icon in MENU:
        st.sidebar.page_link(path, label=title, icon=icon, query_params=carried or None)
    st.sidebar.divider()


URL_STATE = ("track", "demo")  # what a shared link keeps: the current song, and demo mode


def current_song(catalogue) -> int | None:
    """The song in the URL (`?track=<track_id>`), so that a link opens the same view for someone
    else and the browser's back button returns to the song before; None if there is none."""
    track_id = st.query_params.get("track")
    if not track_id:
        return None
    index = int(catalogue.ids.track_index([track_id])[0])
    if index < 0:
        st.warning(f"The link names a song that is not in this catalogue (track_id "
                   f"“{escape_markdown(track_id[:60])}”). Search for it by title instead.")
        return None
    return index


def show_song(catalogue, track: int) -> None:
    """Make `track` the current song: it goes into the URL, which the browser keeps in its history."""
    st.query_params["track"] = catalogue.tracks["track_id"].iat[track]


def demo_mode() -> bool:
    """The sidebar's demo switch, kept in the URL (`?demo=1`) so a demo can be opened by a link."""
    on = st.sidebar.toggle("Demo mode", value=st.query_params.get("demo") == "1",
                           help="Famous songs one click away and a plain-language account of the model.")
    if on:
        st.query_params["demo"] = "1"
    elif "demo" in st.query_params:
        del st.query_params["demo"]
    return on


def data_path() -> Path:
    """The songs CSV being served."""
    return _served_data()[0]


def data_name() -> str:
    """What to call the served data: the name it was uploaded as, or its file name."""
    return _served_data()[1]


def _served_data() -> tuple[Path, str]:
    """(path, name) of the songs CSV: `RECSYS_DATA` if set (deployments, tests), else an upload
    chosen on the Data page, else the shipped file."""
    if os.environ.get("RECSYS_DATA"):
        path = Path(os.environ["RECSYS_DATA"])
        return path, path.name
    upload = datasets.current_upload(cache_dir(), notify, digest=lambda path: _data_digest(str(path), *_stamp(path)))
    return upload or (DEFAULT_DATA, DEFAULT_DATA.name)


def data_digest() -> str:
    """The served data file's SHA-256, which keys its models, evaluations and cached views."""
    return _data_digest(str(data_path()), *_stamp(data_path()))


def data_report() -> list[str]:
    """The LoadReport lines of the served data (loaded once per file version)."""
    path = data_path()
    return list(_report_lines(str(path), *_stamp(path)))


def cache_dir() -> Path:
    return Path(os.environ.get("RECSYS_CACHE_DIR") or DEFAULT_CACHE_DIR)


def current_config() -> TrainConfig:
    return cache.load_current_config(cache_dir(), notify)


def recommender() -> Recommender:
    """The Recommender for the current model, trained first (with a progress bar) if needed.

    A data problem stops the page with one clear error instead of a traceback.
    """
    try:
        digest = data_digest()
        config = current_config()
        # Trained here with a progress bar, then loaded from disk by _load. A disk that cannot take
        # the model leaves it to _load, which trains once and keeps the model in memory.
        if not cache.cache_path(cache_dir(), digest, config).exists() and cache.writable(cache_dir()):
            notice = st.empty()
            notice.info("No trained model for this data yet: training one now (about half a minute, once).")
            try:
                train_with_progress(config, digest, wait=True)  # another session may be training it already
            except NotSaved:
                pass  # the disk filled up meanwhile: _load trains again and serves from memory
            notice.empty()
        recommender, messages = _load(str(data_path()), digest, str(cache_dir()), config)
    except RecsysError as err:
        st.error(escape_markdown(str(err)))  # messages quote file names, which may hold markdown
        st.stop()
    for text in messages:
        notify(text)
    return recommender


def train_with_progress(config: TrainConfig, digest: str | None = None, on_epoch=None, wait: bool = False):
    """Train `config` on the current data, showing a progress bar; returns the loss and the
    validation Recall@10 per epoch (the latter empty when nothing is held out). While another run
    trains, raise RecsysError, or with `wait` wait for it (see pipeline.train_and_save)."""
    digest = digest or data_digest()
    bar = st.progress(0.0, text="Loading songs…")
    losses: list[float] = []
    recalls: list[float] = []

    def report(epoch: int, epochs: int, loss: float, recall: float | None) -> None:
        losses.append(loss)
        validation = ""
        if recall is not None:
            recalls.append(recall)
            validation = f" · validation Recall@10 {recall:.3f}"
        bar.progress(epoch / epochs, text=f"Epoch {epoch} of {epochs} · loss {loss:.4f}{validation}")
        if on_epoch:
            on_epoch(losses, recalls, epochs)

    catalogue = load_catalogue(data_path())
    train_and_save(catalogue, digest, cache_dir(), config, on_message=_toast, on_epoch=report, wait=wait)
    bar.empty()
    return losses, recalls


def model_picker() -> None:
    """A sidebar choice between the models trained on the current data; the one chosen is served."""
    try:
        digest = data_digest()
    except RecsysError:
        return  # the page itself shows the data problem
    current = current_config()
    configs = cache.trained_configs(cache_dir(), digest)
    if current not in configs:
        configs.insert(0, current)  # not trained yet: the search page trains it
    chosen = st.sidebar.selectbox(
        "Model served", configs, index=configs.index(current), format_func=lambda config: config.label,
        help="Every model trained on this data; train another on the Train page.",
        disabled="train_request" in st.session_state,  # a switch now would stop the training run
    )
    if chosen != current:
        try:
            cache.save_current_config(cache_dir(), chosen)
        except OSError as err:
            st.sidebar.error(f"Cannot switch models: {escape_markdown(err.strerror or str(err))}.")
            return
        st.rerun()


EVALUATION_SEEDS = [0, 1, 2]


def latest_evaluation():
    """Per-seed results of the last evaluation of the current data, or None."""
    # recsys.evaluate imports torch and PyG (two seconds); only the Evaluation page needs them.
    from recsys.evaluate import read_report, report_path

    digest = data_digest()
    return read_report(report_path(cache_dir(), digest), notify)


def run_evaluation():
    """Evaluate every model on the current data with a progress bar, and save the report.
    Returns the per-seed results and "" or, if they could not be saved, why not."""
    from recsys.evaluate import MODELS, ROWS_PER_MODEL, evaluate, report_path, write_report

    digest = data_digest()
    bar = st.progress(0.0, text="Loading songs…")
    total = len(EVALUATION_SEEDS) * len(MODELS) * ROWS_PER_MODEL
    done = []

    def report(row: dict) -> None:
        done.append(row)
        bar.progress(len(done) / total, text=f"Seed {row['seed']}: {row['model']} measured")

    results = evaluate(load_catalogue(data_path()), list(MODELS), EVALUATION_SEEDS, on_result=report)
    bar.empty()
    try:
        write_report(report_path(cache_dir(), digest), results, EVALUATION_SEEDS, list(MODELS))
    except RecsysError as err:
        return results, str(err)
    return results, ""


@st.cache_resource(show_spinner=False, max_entries=4)
def explainer(digest: str, _catalogue):
    """The Explainer of the served catalogue (its graph of songs, playlists, artists, albums, genres)."""
    from recsys.explain import Explainer

    return Explainer.build(_catalogue)


@st.cache_resource(show_spinner="Projecting every song onto the map…", max_entries=4)
def map_coordinates(digest: str, config: TrainConfig, _track_emb):
    """The 2-D projection of the served model's song vectors (and the share of variance it keeps)."""
    from recsys.projection import explained_variance, pca_2d

    return pca_2d(_track_emb), explained_variance(_track_emb)


def escape_markdown(text: str) -> str:
    """Show names from the data literally in markdown (a title like "**x**" is not bold)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))


@st.cache_resource(show_spinner="Loading songs and the trained model…", max_entries=4)
def _load(data_path: str, digest: str, cache_dir: str, config: TrainConfig) -> tuple[Recommender, tuple[str, ...]]:
    """The Recommender, and what loading had to say (a stale cache rebuilt, a failed write)."""
    messages: list[str] = []
    return prepare(data_path, cache_dir, config, on_message=messages.append), tuple(messages)


def notify(text: str) -> None:
    """Toast a message about the data or the cache (a model rebuilt, a damaged file set aside)
    once per browser session, not on every rerun."""
    seen = st.session_state.setdefault("shown_messages", set())
    if text not in seen:
        seen.add(text)
        _toast(text)


def _toast(text: str) -> None:
    st.toast(escape_markdown(text))  # messages quote paths and file names


@st.cache_data(show_spinner=False, max_entries=8)
def _report_lines(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    return tuple(load_catalogue(path).report.lines())


@st.cache_data(show_spinner=False, max_entries=8)
def _data_digest(path: str, mtime_ns: int, size: int) -> str:
    """The data file's SHA-256, recomputed only when its modification time or size changes."""
    return cache.file_digest(path)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        raise RecsysError(f"Data file not found: {path}") from None
    return info.st_mtime_ns, info.st_size
