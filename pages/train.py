"""Training page: choose hyperparameters, retrain on the current data and watch the loss fall."""

import streamlit as st

from pages import current_config, escape_markdown, train_with_progress
from recsys.charts import loss_chart
from recsys.config import TrainConfig
from recsys.errors import RecsysError

st.title(":material/model_training: Train the model")
st.caption(
    "A two-layer graph convolutional network learns an embedding per song from which playlists it "
    "shares; similar songs end up close together. The defaults are the original recipe."
)
current = current_config()
request = st.session_state.get("train_request")  # a TrainConfig while a run is under way

with st.form("train"):
    left, middle, right = st.columns(3)
    epochs = left.number_input("Epochs", 1, 2000, current.epochs, disabled=request is not None)
    lr = left.number_input("Learning rate", 1e-5, 1.0, current.lr, format="%.4f", disabled=request is not None)
    seed = left.number_input("Seed", 0, 2**31 - 1, current.seed, disabled=request is not None)
    hidden = middle.number_input("Hidden dimension", 1, 1024, current.hidden_dim, disabled=request is not None)
    out = middle.number_input("Embedding dimension", 1, 512, current.out_dim, disabled=request is not None)
    dropout = right.number_input("Dropout", 0.0, 0.95, current.dropout, step=0.05, disabled=request is not None)
    negatives = right.number_input("Negatives per positive", 1, 20, current.negatives_per_positive, disabled=request is not None)
    start = st.form_submit_button("Start training", type="primary", disabled=request is not None)

if start:
    try:
        st.session_state.train_request = TrainConfig(
            epochs=int(epochs), lr=float(lr), hidden_dim=int(hidden), out_dim=int(out),
            dropout=float(dropout), negatives_per_positive=int(negatives), seed=int(seed),
        )
    except RecsysError as err:
        st.error(escape_markdown(str(err)))
        st.stop()
    st.rerun()  # draw the form disabled before the run starts

if request is not None:
    progress_area, chart = st.container(), st.empty()  # progress bar above the growing chart
    try:
        with progress_area:
            history = train_with_progress(
                request, on_epoch=lambda losses, n: chart.plotly_chart(loss_chart(losses, n), key=f"loss-{len(losses)}")
            )
        st.session_state.loss_history = history
    except RecsysError as err:
        st.error(escape_markdown(str(err)))
    finally:
        del st.session_state["train_request"]
    st.rerun()

history = st.session_state.get("loss_history")
if history:
    st.success(f"Trained {len(history)} epochs; final loss {history[-1]:.4f}. The search page now uses this model.")
    st.plotly_chart(loss_chart(history), key="loss-final")
else:
    st.info(f"The app serves the model trained with: {current.as_dict()}. Press Start to train a new one.")
