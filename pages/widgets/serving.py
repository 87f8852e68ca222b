"""What this session serves: its songs file (the installation's, or the one its link names), its
model (the default, or the one its link names), the Recommender for them, and the sidebar's model
picker and word on training runs under way."""

from pathlib import Path

import streamlit as st

import app_context
from app_context import MODEL_SERVED, RUN_NOTE, TRAIN_REPORT, TRAIN_REQUEST
from pages import SHIPPED, escape_markdown, in_demo, notify, this_run, write_url
from pages.widgets.operator import gate
from recsys import cache, datasets, store, worker
from recsys.config import DEFAULT_DATA, TrainConfig
from recsys.errors import RecsysError
from recsys.pipeline import Recommender
from recsys.words import PLAIN_NAMES


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
    pinned = app_context.config().data
    if pinned is not None:
        return pinned, pinned.name
    key = st.query_params.get("data")
    if key == SHIPPED:
        return DEFAULT_DATA, DEFAULT_DATA.name
    if key:
        try:
            return datasets.find_upload(cache_dir(), key, app_context.data_digest)
        except RecsysError as err:
            notify(f"{err} Serving the default data meanwhile.")
            write_url("data", None)
    return default_data()


def default_data() -> tuple[Path, str]:
    """(path, name) of the installation's default songs file."""
    upload = datasets.current_upload(cache_dir(), notify, digest=app_context.data_digest)
    return upload or (DEFAULT_DATA, DEFAULT_DATA.name)


def data_digest() -> str:
    """The served data file's SHA-256, which keys its models, evaluations and cached views."""
    return app_context.data_digest(data_path())


def data_report() -> list[str]:
    """The LoadReport lines of the served data (loaded once per file version)."""
    return list(app_context.report_lines(data_path()))


def cache_dir() -> Path:
    """The cache folder: models, maps, uploads and evaluations."""
    return app_context.config().cache_dir


def model_path(config: TrainConfig) -> Path:
    """Where `config`'s model of the served data is stored (its t-SNE map beside it)."""
    return cache.cache_path(cache_dir(), data_digest(), config)


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


def recommender() -> Recommender:
    """The Recommender for the current model, trained first (with a progress bar) if needed.

    A data problem stops the page with one clear error instead of a traceback.
    """
    try:
        app_context.sweep_once(str(cache_dir()))
        digest = data_digest()
        config = current_config()
        # Trained here with a progress bar, then loaded from disk by load_recommender. A disk that
        # cannot take the model leaves it to load_recommender, which trains once and keeps the model in memory.
        if not cache.cache_path(cache_dir(), digest, config).exists() and store.writable(cache_dir()):
            notice = st.empty()
            notice.info("No trained model for this data yet: training one now, once (about 15 seconds on two cores).")
            train_first_model(config)
            notice.empty()
        recommender, messages = app_context.load_recommender(str(data_path()), digest, str(cache_dir()), config)
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
    run, note = st.session_state.get(RUN_NOTE, (None, None))
    if run is this_run():
        note.empty()  # the sidebar's word on the run this one waits for: the bar below shows it, and moves
    bar = st.progress(0.0, text="Starting the training process…")

    def show(progress: worker.Progress) -> None:
        done, text = progress.bar()
        bar.progress(done, text=text)

    progress = worker.follow(worker.start(data_path(), cache_dir(), config, first=True), show)
    bar.empty()
    if progress.finished == "error":
        raise RecsysError(progress.message)
    # "not-saved": the disk filled up meanwhile; load_recommender trains again and serves from memory.
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
    st.session_state[MODEL_SERVED] = current  # before the widget is drawn: it shows what is served
    st.sidebar.selectbox(
        "Model served", configs, format_func=short_label, key=MODEL_SERVED,
        help="Every model trained on this data. The choice is this session's, kept in its link; "
             "the Train page trains another.",
        on_change=lambda: serve_in_session(st.session_state[MODEL_SERVED]),  # before the page runs
        disabled=TRAIN_REQUEST in st.session_state,  # a switch now would stop the training run
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
    if report is None or TRAIN_REPORT in st.session_state:  # this session's own run shows on its page
        return
    progress = worker.read(report)
    where = f"epoch {progress.epochs[-1][0]} of {progress.epochs[-1][1]}" if progress.epochs else "loading songs"
    note = st.sidebar.empty()
    st.session_state[RUN_NOTE] = this_run(), note  # drawn once a run: a first start's bar takes over from it
    with note.container():
        st.caption(f"A training run is under way on this installation: {where}.")
        if gate().may_change:
            st.button("Stop that run", key="stop-other-run", on_click=worker.stop, args=(report,))
