"""Entry point: page setup and navigation only."""

import streamlit as st

# No page_icon: Streamlit fetches Material favicons from Google, and the app must work offline.
st.set_page_config(page_title="Song recommender", layout="wide")
st.navigation([
    st.Page("pages/search.py", title="Find similar songs", icon=":material/search:", default=True),
    st.Page("pages/train.py", title="Train the model", icon=":material/model_training:"),
    st.Page("pages/evaluation.py", title="Evaluation", icon=":material/leaderboard:"),
    st.Page("pages/data.py", title="Your data", icon=":material/upload_file:"),
]).run()
