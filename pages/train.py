"""Training page: choose a model and its settings, retrain on the current data, watch the loss fall."""

from pathlib import Path

import streamlit as st

from app_context import TRAIN_REPORT, TRAIN_REQUEST, TRAIN_TYPED
from pages import escape_markdown, menu, not_in_demo
from pages.widgets.operator import operator_only
from pages.widgets.serving import cache_dir, current_config, data_path, default_config, model_picker
from pages.widgets.training import follow, last_outcome, training_form
from recsys import cache, store, worker

menu()
not_in_demo()
model_picker()
st.title(":material/model_training: Train the model")
if not operator_only("training a model"):
    st.stop()
current = current_config()
request = st.session_state.get(TRAIN_REQUEST)  # a TrainConfig while a run is under way
# While a run is under way the locked form shows its settings; after one stopped or failed, what
# was typed for it, so it can be started again as it was.
config = training_form(request or st.session_state.get(TRAIN_TYPED) or current, locked=request is not None)

if config is not None:
    if cache.training_under_way(cache_dir()):
        st.error("Another training run on this installation is under way; wait for it to finish, then try again.")
        st.stop()
    if not store.writable(cache_dir()):  # said before training, not after every epoch has run
        st.error(f"The cache folder {escape_markdown(str(cache_dir()))} cannot take a new model (it is read-only "
                 f"or full). The app keeps serving the {current.label}; make the folder writable or free some "
                 "space, then train again.")
        st.stop()
    st.session_state[TRAIN_REQUEST] = config
    st.session_state[TRAIN_REPORT] = str(worker.start(data_path(), cache_dir(), config))
    st.rerun()  # draw the form disabled while the run is under way

if request is not None:
    follow(Path(st.session_state[TRAIN_REPORT]), request)
    st.stop()

last_outcome(current)
if current != default_config() and st.button("Serve this model to everyone by default"):
    try:
        cache.save_current_config(cache_dir(), current)
    except OSError as err:
        st.error(f"Cannot change the default: {escape_markdown(err.strerror or str(err))}.")
        st.stop()
    st.rerun()
