"""Training page: choose a model and its settings, retrain on the current data, watch the loss fall."""

import dataclasses
from functools import partial
from pathlib import Path

import streamlit as st

from pages import (cache_dir, current_config, data_path, default_config, escape_markdown, menu, model_picker,
                   not_in_demo, operator_only, serve_in_session)
from recsys import cache, worker
from recsys.charts import loss_chart
from recsys.config import MODELS, TrainConfig
from recsys.errors import RecsysError
from recsys.words import plural

DESCRIPTIONS = {
    "kg": "Knowledge-graph model (best measured): songs, playlists, artists, albums and genres in one "
          "graph; songs that share a playlist are pulled together.",
    "gcn-paper": "The report's recipe: a two-layer graph convolutional network on playlists and songs.",
}
# (min, max) of each setting's box: within what TrainConfig accepts (recsys.config; a test holds
# them to it), and no wider than one run on a small server can sensibly take.
BOUNDS = {
    "epochs": (1, 2000), "lr": (1e-5, 1.0), "seed": (0, 2**31 - 1), "out_dim": (1, 512), "layers": (1, 6),
    "temperature": (0.1, 100.0), "hidden_dim": (1, 1024), "dropout": (0.0, 0.95), "negatives_per_positive": (1, 20),
    "holdout": (0.0, 0.5),
}

menu()
not_in_demo()
model_picker()
st.title(":material/model_training: Train the model")
if not operator_only("training a model"):
    st.stop()
current = current_config()
request = st.session_state.get("train_request")  # a TrainConfig while a run is under way
locked = request is not None
# While a run is under way the locked form shows its settings; after one stopped or failed, what
# was typed for it, so it can be started again as it was.
shown = request or st.session_state.get("train_typed") or current
model = st.radio("Model", MODELS, index=MODELS.index(shown.model), format_func=DESCRIPTIONS.get, disabled=locked)
start_from = shown if shown.model == model else TrainConfig.preset(model)


def number_box(column, label: str, name: str, config: TrainConfig, **options):
    """A number box for the training setting `name`, within BOUNDS, prefilled from `config`."""
    return column.number_input(label, *BOUNDS[name], getattr(config, name), **options)


with st.form("train"):
    left, middle, right = st.columns(3)
    setting = partial(number_box, config=start_from, disabled=locked)
    settings = {
        "epochs": setting(left, "Epochs", "epochs"),
        "lr": setting(left, "Learning rate", "lr", format="%.4f"),
        "seed": setting(left, "Seed", "seed"),
        "out_dim": setting(middle, "Embedding dimension" + (" per layer" if model == "kg" else ""), "out_dim"),
    }
    if model == "kg":
        settings["layers"] = setting(middle, "Propagation layers", "layers")
        settings["temperature"] = setting(right, "Temperature", "temperature")
    else:
        settings["hidden_dim"] = setting(middle, "Hidden dimension", "hidden_dim")
        settings["dropout"] = setting(right, "Dropout", "dropout", step=0.05)
        settings["negatives_per_positive"] = setting(right, "Negatives per positive", "negatives_per_positive")
    settings["holdout"] = setting(
        left, "Validation share", "holdout", step=0.05,
        help="Share of each playlist's songs kept out of training; Recall@10 on them is plotted after every "
             "epoch. The model then learns from the rest. 0 learns from every song and plots the loss only.")
    start = st.form_submit_button("Start training", type="primary", disabled=locked)

if start:
    try:
        # On top of start_from, not the preset: the settings this model ignores stay as they were,
        # so Start with the form as prefilled reproduces the model served (the same cache key).
        config = dataclasses.replace(start_from, **settings)
    except RecsysError as err:
        st.error(escape_markdown(str(err)))
        st.stop()
    if cache.training_under_way(cache_dir()):
        st.error("Another training run on this installation is under way; wait for it to finish, then try again.")
        st.stop()
    if not cache.writable(cache_dir()):  # said before training, not after every epoch has run
        st.error(f"The cache folder {escape_markdown(str(cache_dir()))} cannot take a new model (it is read-only "
                 f"or full). The app keeps serving the {current.label}; make the folder writable or free some "
                 "space, then train again.")
        st.stop()
    st.session_state.train_request = config
    st.session_state.train_report = str(worker.start(data_path(), cache_dir(), config))
    st.rerun()  # draw the form disabled while the run is under way


@st.fragment(run_every=2.0)
def follow(report: Path, config: TrainConfig) -> None:
    """The run's progress, redrawn every two seconds without rerunning the page; once it ends, its outcome."""
    progress = worker.read(report)
    st.button("Stop training", icon=":material/stop_circle:", on_click=worker.stop, args=(report,))
    if progress.epochs:
        epoch, epochs, loss, recall = progress.epochs[-1]
        validation = "" if recall is None else f" · validation Recall@10 {recall:.3f}"
        st.progress(epoch / epochs, text=f"Epoch {epoch} of {epochs} · loss {loss:.4f}{validation}")
        st.plotly_chart(loss_chart(progress.losses, epochs, progress.recalls), key="loss-live")
    else:
        st.progress(0.0, text="Loading songs…" if progress.holding else "Starting the training process…")
    if not worker.running(progress):
        st.session_state.train_outcome = outcome(progress)
        st.session_state.train_typed = None if progress.finished == "done" else config
        if progress.finished == "done":
            serve_in_session(config)
        del st.session_state.train_request, st.session_state.train_report
        st.rerun()  # the whole page: the form unlocks, the sidebar offers the new model


def outcome(progress: worker.Progress) -> tuple[str, object]:
    if progress.finished == "done":
        return "done", (progress.losses, progress.recalls)
    if progress.finished == "error":
        return "error", progress.message
    return "stopped", None  # stopped, or ended without a word: nothing was saved either way


if request is not None:
    follow(Path(st.session_state.train_report), request)
    st.stop()

kind, detail = st.session_state.get("train_outcome", (None, None))
if kind == "done":
    losses, recalls = detail
    validation = f", validation Recall@10 {recalls[-1]:.3f}" if recalls else ""
    st.success(f"Trained {plural(len(losses), 'epoch')}; final loss {losses[-1]:.4f}{validation}. "
               "This session now serves it, and so does its link; everyone else keeps the default.")
    st.plotly_chart(loss_chart(losses, recalls=recalls), key="loss-final")
elif kind == "stopped":
    st.warning("Training stopped before it finished; the model served is unchanged.")
elif kind == "error":
    st.error(escape_markdown(detail))
else:
    st.info(f"This session serves the {current.label}. Press Start to train a new model; the sidebar switches "
            "between the models trained on this data.")
if current != default_config() and st.button("Serve this model to everyone by default"):
    try:
        cache.save_current_config(cache_dir(), current)
    except OSError as err:
        st.error(f"Cannot change the default: {escape_markdown(err.strerror or str(err))}.")
        st.stop()
    st.rerun()
