"""What the pages share: where the data and models live, and the cached Recommender.

It is the package init so that Streamlit's file-based page discovery never lists it as a page.
"""

import os
import re
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from recsys import access, cache, datasets, worker
from recsys.config import DEFAULT_CACHE_DIR, DEFAULT_DATA, TrainConfig
from recsys.errors import RecsysError
from recsys.load import load_catalogue
from recsys.pipeline import Recommender, prepare
from recsys.words import PLAIN_NAMES, plural


# No page or page_icon icons: Streamlit fetches a Material icon favicon from Google, and the app
# must make no request outside localhost. The menu's icons come with Streamlit's own font.
PAGE_SETUP = {"page_title": "Song recommender", "layout": "wide"}

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

    The links carry the URL's state (URL_STATE), so another page opens on the same song. They sit
    in a placeholder that write_url redraws: a page sets `?track=` after the menu is drawn (the
    search page, once the search has run), and often ends in st.stop(), after which nothing can
    be drawn, so the menu cannot wait for the end of the run.

    It sets the page up too, for the same reason: a page run without streamlit_app.py would
    otherwise be drawn narrow."""
    st.set_page_config(**PAGE_SETUP)
    st.session_state[MENU_SLOT] = (_this_run(), st.sidebar.empty())
    _draw_menu()
    st.sidebar.divider()


def _draw_menu() -> None:
    """Fill the menu's placeholder with links that carry the URL's state as it is now."""
    run, slot = st.session_state.get(MENU_SLOT, (None, None))
    if run is not _this_run():  # a callback, before this run's menu: the page draws it with the change
        return
    _fill_menu(slot)


def redraw_menu() -> None:
    """Redraw the menu from a fragment (the map's), on its every run: a click reruns only the
    fragment, after the callback changed the URL, and the links must carry the change. Streamlit
    keeps a place for a fragment's writes outside it only if the full run made them too."""
    _, slot = st.session_state.get(MENU_SLOT, (None, None))
    if slot is not None:
        _fill_menu(slot)


def carried_state() -> dict[str, str]:
    """The URL's state (URL_STATE) as it is now: what every link the app draws carries."""
    return {name: st.query_params[name] for name in URL_STATE if name in st.query_params}


def _fill_menu(slot) -> None:
    carried = carried_state()
    with slot.container():
        for path, title, icon in MENU:
            if not (in_demo() and path in DEMO_HIDES):
                st.page_link(path, label=title, icon=icon, query_params=carried or None)


def _this_run() -> dict:
    """An object that is new in every script run (its cursors, which Streamlit resets before callbacks)."""
    return get_script_run_ctx().cursors


def write_url(name: str, value: str | None) -> None:
    """Set (or, with None, remove) `?name=` and redraw the menu, so its links carry the change.
    URL state changes through here, never through st.query_params directly."""
    if st.query_params.get(name) == value:
        return
    if value is None:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = value
    _draw_menu()


MENU_SLOT = "menu-slot"  # session state: this run's menu placeholder
# What demo mode leaves out of the menu: the engineering, not the songs.
DEMO_HIDES = ("pages/train.py", "pages/evaluation.py", "pages/data.py")


def in_demo() -> bool:
    """Whether the URL asks for demo mode (`?demo=1`)."""
    return st.query_params.get("demo") == "1"


def not_in_demo() -> None:
    """Stop a page demo mode hides (Train, Evaluation, Data) with a plain word and a way back."""
    if in_demo():
        st.info("This page is about how the app is built, so the demo leaves it out.")
        st.page_link(MENU[0][0], label="Back to " + MENU[0][1], icon=MENU[0][2], query_params=carried_state())
        st.stop()


# What a shared link keeps: the current song, demo mode, and the model and data this session
# serves (absent: the installation's default), so a link reproduces the view for someone else.
# A tuple others extend: the menu carries every name in it.
URL_STATE = ("track", "demo", "model", "data", "like", "dislike", "fewer", "variety", "set")
SHIPPED = "shipped"  # ?data=shipped: the shipped file, whatever the default


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
    write_url("track", catalogue.tracks["track_id"].iat[track])


def demo_mode() -> bool:
    """The sidebar's demo switch, kept in the URL (`?demo=1`) so a demo can be opened by a link."""
    # The switch flips the URL in its callback, before the run: the menu and the model picker,
    # drawn above it, then already follow it.
    on = st.sidebar.toggle("Demo mode", value=in_demo(), on_change=_flip_demo,
                           help="Famous songs one click away and a plain-language account of the model.")
    write_url("demo", "1" if on else None)
    return on


def _flip_demo() -> None:
    # A callback runs before the page, which then draws the menu afresh: no redraw here.
    if in_demo():
        del st.query_params["demo"]
    else:
        st.query_params["demo"] = "1"


def data_path() -> Path:
    """The songs CSV being served."""
    return _served_data()[0]


def data_name() -> str:
    """What to call the served data: the name it was uploaded as, or its file name."""
    return _served_data()[1]


def _served_data() -> tuple[Path, str]:
    """(path, name) of the songs CSV: `RECSYS_DATA` if set (deployments, tests), else the one this
    session's link names (`?data=`), else the installation's default: an upload the operator
    chose, or the shipped file."""
    if os.environ.get("RECSYS_DATA"):
        path = Path(os.environ["RECSYS_DATA"])
        return path, path.name
    key = st.query_params.get("data")
    if key == SHIPPED:
        return DEFAULT_DATA, DEFAULT_DATA.name
    if key:
        try:
            return datasets.find_upload(cache_dir(), key, _cached_digest)
        except RecsysError as err:
            notify(f"{err} Serving the default data meanwhile.")
            write_url("data", None)
    return default_data()


def default_data() -> tuple[Path, str]:
    """(path, name) of the installation's default songs file."""
    upload = datasets.current_upload(cache_dir(), notify, digest=_cached_digest)
    return upload or (DEFAULT_DATA, DEFAULT_DATA.name)


def _cached_digest(path: Path) -> str:
    return _data_digest(str(path), *_stamp(path))


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
    """The model this session serves: the one its link names (`?model=`), else the default."""
    key = st.query_params.get("model")
    if key:
        config = cache.find_config(cache_dir(), data_digest(), key)
        if config is not None:
            return config
        notify("The link names a model not trained on this data; serving the default model.")
        write_url("model", None)
    return default_config()


def default_config() -> TrainConfig:
    """The installation's default model, which sessions without `?model=` serve."""
    return cache.load_current_config(cache_dir(), notify)


def serve_in_session(config: TrainConfig) -> None:
    """Serve `config` to this session (and its link) from now on; the default stays as it is. The
    link names it even when it is the default, so it still opens this model after the default changes."""
    write_url("model", cache.config_key(config))


def gate() -> access.Gate:
    """This session's standing with the operator password (see recsys.access)."""
    if "gate" not in st.session_state:
        st.session_state["gate"] = access.Gate(access.operator_password(_secrets()))
    return st.session_state["gate"]


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets file, or one that does not parse: no password from there
        return {}


def operator_only(what: str) -> bool:
    """Whether this session may do `what` (e.g. "training a model"). In shared mode, until the
    operator password is given, it says why the control is locked and asks for the password."""
    standing = gate()
    if standing.may_change:
        return True
    st.info(f"This app is shared: {what} needs the operator password.", icon=":material/lock:")
    if not standing.locked_out:
        with st.form(f"unlock-{what}"):
            given = st.text_input("Operator password", type="password")
            if st.form_submit_button("Unlock"):
                if standing.try_password(given):
                    st.rerun()
                left = access.MAX_ATTEMPTS - standing.failures
                if left:
                    st.error(f"That is not the operator password ({plural(left, 'try', 'tries')} left).")
    if standing.locked_out:
        st.error("Too many wrong passwords in this session; the controls stay locked.")
    return False


def recommender() -> Recommender:
    """The Recommender for the current model, trained first (with a progress bar) if needed.

    A data problem stops the page with one clear error instead of a traceback.
    """
    try:
        _sweep_once(str(cache_dir()))
        digest = data_digest()
        config = current_config()
        # Trained here with a progress bar, then loaded from disk by _load. A disk that cannot take
        # the model leaves it to _load, which trains once and keeps the model in memory.
        if not cache.cache_path(cache_dir(), digest, config).exists() and cache.writable(cache_dir()):
            notice = st.empty()
            notice.info("No trained model for this data yet: training one now, once (about a minute on two cores).")
            train_first_model(config)
            notice.empty()
        recommender, messages = _load(str(data_path()), digest, str(cache_dir()), config)
    except RecsysError as err:
        st.error(escape_markdown(str(err)))  # messages quote file names, which may hold markdown
        st.stop()
    for text in messages:
        notify(text)
    return recommender


def train_first_model(config: TrainConfig) -> None:
    """Train the model this session must have before it can serve anything: in a worker process,
    with a progress bar. A session that arrives meanwhile starts a run that waits for this one and
    then uses what it saved (see recsys.worker)."""
    bar = st.progress(0.0, text="Starting the training process…")

    def show(progress: worker.Progress) -> None:
        if progress.epochs:
            epoch, epochs, loss, _ = progress.epochs[-1]
            bar.progress(epoch / epochs, text=f"Epoch {epoch} of {epochs} · loss {loss:.4f}")
        elif progress.holding:
            bar.progress(0.0, text="Loading songs…")

    progress = worker.follow(worker.start(data_path(), cache_dir(), config, first=True), show)
    bar.empty()
    if progress.finished == "error":
        raise RecsysError(progress.message)
    # "not-saved": the disk filled up meanwhile; _load trains again and serves from memory.
    if progress.finished not in ("done", "not-saved"):
        raise RecsysError("The first model's training run was stopped before it finished; reload the page to "
                          "train it again.")


def model_picker() -> None:
    """A sidebar choice between the models trained on the current data; the one chosen is served.
    Below it, any training run under way on this installation, which the operator may stop.
    Demo mode draws neither."""
    if in_demo():
        return
    try:
        digest = data_digest()
    except RecsysError:
        return  # the page itself shows the data problem
    training_status()
    current = current_config()
    configs = cache.trained_configs(cache_dir(), digest)
    if current not in configs:
        configs.insert(0, current)  # not trained yet: the search page trains it
    st.session_state["model_served"] = current  # before the widget is drawn: it shows what is served
    st.sidebar.selectbox(
        "Model served", configs, format_func=short_label, key="model_served",
        help="Every model trained on this data. The choice is this session's, kept in its link; "
             "the Train page trains another.",
        on_change=lambda: serve_in_session(st.session_state["model_served"]),  # before the page runs
        disabled="train_request" in st.session_state,  # a switch now would stop the training run
    )
    st.sidebar.caption(current.label)  # in full: the box cuts what is wider than the sidebar


def short_label(config: TrainConfig) -> str:
    """The model's plain name and only the settings that differ from its preset ("Knowledge graph ·
    3 epochs"): short enough for the sidebar's box, yet as distinct as the full label, which the
    browser sends back to say which model was chosen."""
    preset = TrainConfig.preset(config.model).label.split(" · ")
    changed = [part for part in config.label.split(" · ")[1:] if part not in preset]
    return " · ".join([PLAIN_NAMES[config.model], *changed])


def training_status() -> None:
    """Say in the sidebar that a run is training on this installation, how far it is, and offer
    Stop to whoever may change things (anyone in local mode)."""
    report = worker.under_way(cache_dir())
    if report is None or "train_report" in st.session_state:  # this session's own run shows on its page
        return
    progress = worker.read(report)
    where = f"epoch {progress.epochs[-1][0]} of {progress.epochs[-1][1]}" if progress.epochs else "loading songs"
    st.sidebar.caption(f"A training run is under way on this installation: {where}.")
    if gate().may_change:
        st.sidebar.button("Stop that run", key="stop-other-run", on_click=worker.stop, args=(report,))


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
    from recsys.evaluate import MODELS, ROWS_PER_MODEL, evaluate, progress_line, report_path, write_report

    digest = data_digest()
    bar = st.progress(0.0, text="Loading songs…")
    total = len(EVALUATION_SEEDS) * len(MODELS) * ROWS_PER_MODEL
    done = []

    def report(row: dict) -> None:
        done.append(row)
        bar.progress(len(done) / total, text=progress_line(row, EVALUATION_SEEDS))

    with cache.evaluation_lock(cache_dir()):  # four minutes of every core: one at a time
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


@st.cache_resource(show_spinner="Projecting every song onto the map…", max_entries=8)
def map_coordinates(digest: str, config: TrainConfig, projection: str, _track_emb):
    """The served model's songs on a map (recsys.projection.SongMap): "pca", computed here, or
    "tsne", read from beside the model. Until that is stored it raises MapNotReady, which is not
    cached, so a later run finds the map the process it started has made."""
    from recsys.projection import pca_map, stored_map

    if projection == "pca":
        return pca_map(_track_emb)
    return stored_map(cache.cache_path(cache_dir(), digest, config), _track_emb)


@st.cache_resource(show_spinner=False, max_entries=8)
def map_figure(digest: str, config: TrainConfig, projection: str, colour: str, axes: tuple[str, str], _coords,
               _tracks):
    """The map's big figure, built once per model, map and colouring (28k points take a second) and
    the same object from click to click, so Streamlit need not send it again."""
    from recsys.map_charts import embedding_map
    from recsys.projection import map_sample

    return embedding_map(_coords, _tracks, colour, None, [], map_sample(len(_tracks)), axes)


# Streamlit's markdown links bare URLs, www. domains and e-mail addresses (GFM autolink literals) by
# matching the text after parsing, when backslash escapes and entities are already resolved, so
# neither stops it (tried in Chromium against Streamlit 1.67). An invisible word joiner where the
# autolinker needs two characters side by side does: in "://", after "www", before "@". A word
# joiner (U+2060) rather than a zero-width joiner (U+200D), which fuses emoji and shapes scripts.
AUTOLINK_JOINTS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """Show names from the data literally in markdown: a title like "**x**" is not bold, and one
    like "www.example.com" or "me@example.com" is not a link."""
    text = AUTOLINK_JOINTS.sub(WORD_JOINER, str(text))
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


@st.cache_resource(show_spinner=False)
def _sweep_once(cache_dir: str) -> int:
    """Temporary files killed writers left in the cache, removed once per server start."""
    return datasets.sweep_strays(cache_dir)


# Shared by every session, read-only: at most MODELS_HELD models (with their data) in memory.
MODELS_HELD = 4


@st.cache_resource(show_spinner="Loading songs and the trained model…", max_entries=MODELS_HELD)
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
