"""recsys/words.py and what the pages say with it: counts, the models' plain names, short titles,
and the words a new visitor tripped over (a cut model name, internal model names, a cache path)."""

import dataclasses

import pytest

from pages.widgets.serving import short_label
from recsys import cache, store
from recsys.config import TrainConfig
from recsys.evaluation.evaluate import EVALUATED_MODELS, progress_line
from recsys.words import PLAIN_NAMES, plural, short_title
from tests.apptest import FAST

# What the sidebar's box shows without cutting it, measured in Chromium (tests/test_demo.py).
SIDEBAR_CHARACTERS = 30


@pytest.mark.parametrize("count, noun, many, words", [
    (1, "song", None, "1 song"),
    (2, "song", None, "2 songs"),
    (0, "playlist", None, "0 playlists"),
    (28356, "song", None, "28,356 songs"),
    (1, "try", "tries", "1 try"),
    (3, "try", "tries", "3 tries"),
])
def test_plural_says_one_song_and_two_songs(count, noun, many, words):
    assert plural(count, noun, many) == words


@pytest.mark.parametrize("title, short", [
    ("Bohemian Rhapsody - 2011 Mix", "Bohemian Rhapsody"),
    ('Lose Yourself - From "8 Mile" Soundtrack', "Lose Yourself"),
    ("Blinding Lights", "Blinding Lights"),
    ("Anti-Hero", "Anti-Hero"),  # a hyphen inside a word is no version mark
    (" - Live", " - Live"),  # nothing but a version: kept whole, never an empty button
])
def test_short_title_drops_the_version_only(title, short):
    assert short_title(title) == short


def test_evaluation_progress_names_the_model_plainly_and_counts_seeds():
    """Regression: the bar read "Seed 0: kg measured"."""
    assert progress_line({"model": "kg", "seed": 0}, [0, 1, 2]) == "Knowledge graph, seed 1 of 3: done"
    assert progress_line({"model": "gcn-paper", "seed": 7}, [5, 7]) == "The report's GCN, seed 2 of 2: done"
    assert set(PLAIN_NAMES) >= set(EVALUATED_MODELS)  # every model evaluated has a plain name


@pytest.mark.parametrize("config, label", [
    (TrainConfig(), "Knowledge graph"),
    (TrainConfig.preset("gcn-paper"), "The report's GCN"),
    (TrainConfig(epochs=3), "Knowledge graph · 3 epochs"),
    (TrainConfig(seed=2, holdout=0.2), "Knowledge graph · seed 2 · 20% held out"),
])
def test_the_sidebar_names_a_model_by_what_differs_from_its_preset(config, label):
    assert short_label(config) == label
    if label.count("·") <= 1:  # one change from the preset fits the box; with more, the caption under it helps
        assert len(label) <= SIDEBAR_CHARACTERS


def test_short_labels_tell_apart_models_that_differ_in_one_setting():
    """The browser sends back the label of the option chosen: two alike would be one model."""
    base = TrainConfig()
    changes = [{}, {"epochs": 3}, {"lr": 0.01}, {"seed": 1}, {"holdout": 0.1}, {"out_dim": 32}, {"layers": 2},
               {"temperature": 5.0}, {"model": "gcn-paper"}, {"model": "gcn-paper", "dropout": 0.3}]
    configs = [dataclasses.replace(base, **change) for change in changes]
    assert len({short_label(config) for config in configs}) == len(configs)


def test_the_sidebar_shows_the_served_models_full_name_under_its_short_one(shared_env):
    app = shared_env.open()
    assert app.sidebar.selectbox[0].value == FAST
    assert app.sidebar.selectbox[0].options == [short_label(FAST)]
    assert app.sidebar.caption[-1].value == FAST.label


# The Train page's boxes: label → the TrainConfig setting it sets.
TRAIN_BOXES = {
    "Epochs": "epochs", "Learning rate": "lr", "Seed": "seed", "Embedding dimension per layer": "out_dim",
    "Embedding dimension": "out_dim", "Propagation layers": "layers", "Temperature": "temperature",
    "Hidden dimension": "hidden_dim", "Dropout": "dropout", "Negatives per positive": "negatives_per_positive",
    "Validation share": "holdout",
}


@pytest.mark.parametrize("model", ["kg", "gcn-paper"])
def test_every_training_box_stops_where_the_config_does(shared_env, model):
    """The Train page's bounds are values TrainConfig accepts: a box never offers one it refuses."""
    app = shared_env.open("pages/train.py")
    app.radio[0].set_value(model).run()
    preset = TrainConfig.preset(model)
    assert len(app.number_input) == {"kg": 7, "gcn-paper": 8}[model]
    for box in app.number_input:
        name = TRAIN_BOXES[box.label]
        for edge in (box.min, box.max):
            kind = type(getattr(preset, name))  # the page sends a box's bounds as floats
            TrainConfig.preset(model, **{name: kind(edge)})  # raises RecsysError if the config refuses it


def test_a_rebuilt_model_is_announced_without_its_cache_path(app_env):
    """Regression: the toast read "Saved the trained model to /…/embeddings-6b2ce…-9cbba….npz"."""
    import streamlit as st

    path, cache_dir = app_env
    app_env.open()
    cache.cache_path(cache_dir, store.file_digest(path), FAST).write_bytes(b"damaged")
    st.cache_resource.clear()
    toasts = [toast.value for toast in app_env.open().toast]
    assert toasts and not any(word in text for text in toasts for word in ("npz", "embeddings", "pytest"))
