"""The Train page's parts: the form of a model's settings, a run's progress as it trains, and how
the last run ended."""

import dataclasses
from functools import partial
from pathlib import Path

import streamlit as st

from app_context import TRAIN_OUTCOME, TRAIN_REPORT, TRAIN_REQUEST, TRAIN_TYPED
from pages import escape_markdown
from pages.widgets.serving import serve_in_session
from recsys import worker
from recsys.charts import loss_chart
from recsys.config import FORM_BOUNDS, TRAINABLE_MODELS, TrainConfig
from recsys.errors import RecsysError
from recsys.words import plural

DESCRIPTIONS = {
    "kg": "Knowledge-graph model (best measured): songs, playlists, artists, albums and genres in one "
          "graph; songs that share a playlist are pulled together.",
    "gcn-paper": "The report's recipe: a two-layer graph convolutional network on playlists and songs.",
}


def number_box(column, label: str, name: str, config: TrainConfig, **options):
    """A number box for the training setting `name`, within FORM_BOUNDS, prefilled from `config`."""
    return column.number_input(label, *FORM_BOUNDS[name], getattr(config, name), **options)


def training_form(shown: TrainConfig, locked: bool) -> TrainConfig | None:
    """The model and its settings, prefilled from `shown` (disabled while a run is `locked` in);
    on Start, the TrainConfig asked for (None before, or with a word if it is not one)."""
    model = st.radio("Model", TRAINABLE_MODELS, index=TRAINABLE_MODELS.index(shown.model),
                     format_func=DESCRIPTIONS.get, disabled=locked)
    start_from = shown if shown.model == model else TrainConfig.preset(model)
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
    if not start:
        return None
    try:
        # On top of start_from, not the preset: the settings this model ignores stay as they were,
        # so Start with the form as prefilled reproduces the model served (the same cache key).
        return dataclasses.replace(start_from, **settings)
    except RecsysError as err:
        st.error(escape_markdown(str(err)))
        st.stop()


@st.fragment(run_every=2.0)
def follow(report: Path, config: TrainConfig) -> None:
    """The run's progress, redrawn every two seconds without rerunning the page; once it ends, its outcome."""
    progress = worker.read(report)
    st.button("Stop training", icon=":material/stop_circle:", on_click=worker.stop, args=(report,))
    done, text = progress.bar()
    st.progress(done, text=text)
    if progress.epochs:
        st.plotly_chart(loss_chart(progress.losses, progress.epochs[-1][1], progress.recalls), key="loss-live")
    if not worker.running(progress):
        st.session_state[TRAIN_OUTCOME] = outcome(progress)
        st.session_state[TRAIN_TYPED] = None if progress.finished == "done" else config
        if progress.finished == "done":
            serve_in_session(config)
        del st.session_state[TRAIN_REQUEST], st.session_state[TRAIN_REPORT]
        st.rerun()  # the whole page: the form unlocks, the sidebar offers the new model


def outcome(progress: worker.Progress) -> tuple[str, object]:
    """("done", (losses, recalls)), ("error", its message) or ("stopped", None) of a run that ended."""
    if progress.finished == "done":
        return "done", (progress.losses, progress.recalls)
    if progress.finished == "error":
        return "error", progress.message
    return "stopped", None  # stopped, or ended without a word: nothing was saved either way


def last_outcome(current: TrainConfig) -> None:
    """How this session's last run ended, or, before any, what is served and how to train another."""
    kind, detail = st.session_state.get(TRAIN_OUTCOME, (None, None))
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
