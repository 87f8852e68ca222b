"""The Train page and the sidebar's model picker, driven headless through AppTest: a run in its
own process from the form to the model served, Stop, and a disk that refuses the model."""

import dataclasses
import errno
import time

import numpy as np
import pytest

from app_context import TRAIN_OUTCOME, TRAIN_REPORT
from pages.widgets.serving import short_label
from recsys import cache, store
from recsys.config import TrainConfig
from recsys.load import load_catalogue
from recsys.pipeline import train_and_save
from tests.apptest import FAST, AppEnv


def served_in_link(app_env: AppEnv, app) -> TrainConfig:
    """The model the session's link names (`?model=`), which it serves."""
    return cache.find_config(app_env.cache_dir, store.file_digest(app_env.path), app.query_params["model"])


def number_input(app, label):
    return next(w for w in app.number_input if w.label == label)


def start_on_page(app, **inputs) -> None:
    """Set the training form's inputs by label, press Start, and follow the run (its own process) to its end."""
    for label, value in inputs.items():
        number_input(app, label).set_value(value)
    app.button[0].click().run()
    deadline = time.monotonic() + 120
    while TRAIN_REPORT in app.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        app.run()  # what the page's refresh every two seconds does in a browser
    assert not app.exception


def train_on_page(app, **inputs) -> tuple[list, list]:
    """Train through the page and return (losses, recalls) of the run."""
    start_on_page(app, **inputs)
    kind, history = app.session_state[TRAIN_OUTCOME]
    assert kind == "done"
    return history


@pytest.mark.slow  # the run is a training process of its own
def test_training_page_runs_two_epochs_and_updates_the_cache(app_env):
    path, cache_dir = app_env
    app = app_env.open("pages/train.py")
    losses, recalls = train_on_page(app, **{"Epochs": 2, "Embedding dimension per layer": 8, "Validation share": 0.2})
    assert len(losses) == 2 and all(np.isfinite(losses))
    assert len(recalls) == 2 and all(0 <= recall <= 1 for recall in recalls)  # the page validates by default
    assert "validation Recall@10" in app.get("plotly_chart")[-1].proto.spec  # plotted beside the loss
    trained = dataclasses.replace(FAST, epochs=2, holdout=0.2)  # the model served, two settings changed
    assert served_in_link(app_env, app) == trained  # this session serves it now; everyone else keeps the default
    assert cache.load_current_config(cache_dir) == FAST
    assert cache.cache_path(cache_dir, store.file_digest(path), trained).exists()
    assert "final loss" in app.success[0].value


@pytest.mark.slow  # the run is a training process of its own
def test_a_validation_share_of_zero_trains_on_everything_and_plots_the_loss_alone(app_env):
    _, cache_dir = app_env
    app = app_env.open("pages/train.py")
    losses, recalls = train_on_page(app, **{"Epochs": 2, "Validation share": 0.0})
    assert len(losses) == 2 and recalls == []
    assert "validation Recall@10" not in app.get("plotly_chart")[-1].proto.spec
    current = served_in_link(app_env, app)
    assert (current.epochs, current.holdout) == (2, 0.0)


@pytest.mark.slow  # the run is a training process of its own
def test_a_second_training_run_is_refused_while_one_runs_and_changes_nothing(app_env):
    _, cache_dir = app_env
    app = app_env.open("pages/train.py")
    number_input(app, "Epochs").set_value(2)
    with cache.training_lock(cache_dir):  # another session's run
        app.button[0].click().run()
    assert not app.exception
    assert "Another training run" in app.error[0].value
    assert cache.load_current_config(cache_dir) == FAST
    start_on_page(app)  # once it has finished, training works again
    assert app.session_state[TRAIN_OUTCOME][0] == "done"


@pytest.mark.slow  # the run is a training process of its own
def test_every_session_sees_a_run_under_way_and_may_stop_it_in_local_mode(app_env):
    _, cache_dir = app_env
    trainer = app_env.open("pages/train.py")
    number_input(trainer, "Epochs").set_value(2000)
    trainer.button[0].click().run()
    deadline = time.monotonic() + 60
    while not cache.training_under_way(cache_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    other = app_env.open()  # another visitor, on the search page
    assert "A training run is under way on this installation" in " ".join(c.value for c in other.sidebar.caption)
    next(b for b in other.sidebar.button if b.label == "Stop that run").click().run()
    while TRAIN_REPORT in trainer.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        trainer.run()
    assert trainer.session_state[TRAIN_OUTCOME][0] == "stopped"
    assert "stopped before it finished" in trainer.warning[0].value


@pytest.mark.slow  # the run is a training process of its own
def test_training_page_can_train_the_reports_recipe_instead(app_env):
    _, cache_dir = app_env
    app = app_env.open("pages/train.py")
    app.radio[0].set_value("gcn-paper").run()
    assert "Dropout" in [w.label for w in app.number_input]  # the form now shows the GCN's settings
    number_input(app, "Epochs").set_value(2)
    number_input(app, "Hidden dimension").set_value(16)
    number_input(app, "Embedding dimension").set_value(8)
    start_on_page(app)
    assert served_in_link(app_env, app) == TrainConfig.preset("gcn-paper", epochs=2, hidden_dim=16, out_dim=8)


@pytest.mark.slow  # the run is a training process of its own
def test_start_with_the_form_as_prefilled_reproduces_the_served_model(app_env):
    """Regression: the validation share was prefilled with 0.2 though the model served used 0."""
    app = app_env.open("pages/train.py")
    assert number_input(app, "Validation share").value == 0.0
    start_on_page(app)
    assert served_in_link(app_env, app) == FAST


@pytest.mark.slow  # the run is a training process of its own
def test_after_stop_the_form_keeps_what_was_typed(app_env):
    _, cache_dir = app_env
    app = app_env.open("pages/train.py")
    number_input(app, "Epochs").set_value(2000)
    number_input(app, "Validation share").set_value(0.1)
    app.button[0].click().run()
    deadline = time.monotonic() + 60
    while worker_report(app) is None and time.monotonic() < deadline:
        time.sleep(0.2)
        app.run()
    next(b for b in app.button if b.label == "Stop training").click().run()
    while TRAIN_REPORT in app.session_state and time.monotonic() < deadline:
        time.sleep(0.5)
        app.run()
    assert app.session_state[TRAIN_OUTCOME][0] == "stopped"
    assert (number_input(app, "Epochs").value, number_input(app, "Validation share").value) == (2000, 0.1)
    assert not number_input(app, "Epochs").disabled


def worker_report(app):
    return app.session_state[TRAIN_REPORT] if TRAIN_REPORT in app.session_state else None


def test_the_sidebar_switches_this_sessions_model_and_no_one_elses(app_env):
    path, cache_dir = app_env
    app = app_env.open()  # serves FAST, the default model
    other = dataclasses.replace(FAST, epochs=2)
    train_and_save(load_catalogue(path), store.file_digest(path), cache_dir, other)
    picker = app.run().sidebar.selectbox[0]
    assert picker.options == [short_label(other), short_label(FAST)]  # newest first
    assert FAST.label in app.sidebar.caption[-1].value  # the served model's full name, under the box
    assert picker.value == FAST
    picker.set_value(other).run()
    assert not app.exception
    assert served_in_link(app_env, app) == other and cache.load_current_config(cache_dir) == FAST
    assert other.label in " ".join(c.value for c in app.caption)  # the search page serves it at once
    assert FAST.label in " ".join(c.value for c in app_env.open().caption)  # another visitor: the default
    app.sidebar.selectbox[0].set_value(FAST).run()
    assert FAST.label in " ".join(c.value for c in app.caption)


def test_models_that_differ_in_one_setting_only_are_told_apart(app_env):
    path, cache_dir = app_env
    app = app_env.open()  # serves FAST
    other = dataclasses.replace(FAST, temperature=5.0)
    train_and_save(load_catalogue(path), store.file_digest(path), cache_dir, other)
    picker = app.run().sidebar.selectbox[0]
    # The browser sends back the label of the option chosen: two alike would be one model.
    assert len(set(picker.options)) == 2
    picker.set_value(other).run()
    assert served_in_link(app_env, app) == other


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC], ids=["read-only", "full"])
def test_training_on_a_disk_that_refuses_it_says_so_and_keeps_serving(app_env, refuse_writes, code):
    _, cache_dir = app_env
    refuse_writes(cache_dir, code)
    app = app_env.open("pages/train.py")
    number_input(app, "Epochs").set_value(2)
    app.button[0].click().run()
    assert not app.exception
    message = app.error[0].value
    assert "cannot take a new model" in message and "keeps serving" in message
    assert TRAIN_REPORT not in app.session_state  # refused before any run started
    assert cache.load_current_config(cache_dir) == FAST
    app = app_env.open()
    app.text_input[0].input("blinding lights").run()
    assert not app.exception and len(app.dataframe[0].value) == 10
