"""Evaluation page: how well each model finds songs that were hidden from it."""

import streamlit as st

from app_context import EVALUATING, EVALUATION_PROBLEM, UNSAVED_EVALUATION
from pages import escape_markdown, menu, not_in_demo
from pages.widgets.operator import operator_only
from pages.widgets.scores import latest_evaluation, run_evaluation, score_tables
from recsys.charts import metric_bars
from recsys.errors import RecsysError
from recsys.evaluation.evaluate import VIEWS, summarise

menu()
not_in_demo()
st.title(":material/leaderboard: How good are the recommendations?")
st.caption(
    "A fifth of the songs of every playlist are hidden; each model then ranks the whole catalogue "
    "for the playlist from the songs left. Recall@10 is the share of hidden songs in its top 10; "
    "AUC the chance a hidden song outranks one the playlist never had. Averages over three seeds."
)
running = st.session_state.get(EVALUATING, False)
if operator_only("running the evaluation") and st.button("Run the evaluation (about 7 minutes)", disabled=running):
    st.session_state[EVALUATING] = True
    st.rerun()
if running:
    try:
        # Kept for this session if the disk refused them: four minutes of work are not thrown away.
        st.session_state[UNSAVED_EVALUATION], st.session_state[EVALUATION_PROBLEM] = run_evaluation()
    except RecsysError as err:
        st.session_state[EVALUATION_PROBLEM] = str(err)
    finally:
        st.session_state[EVALUATING] = False
    st.rerun()

problem = st.session_state.get(EVALUATION_PROBLEM)
if problem:
    st.error(escape_markdown(problem))
results = latest_evaluation()
if results is None and problem:
    results = st.session_state.get(UNSAVED_EVALUATION)
if results is None:
    st.info("No evaluation of this data yet. Run it above, or with `python -m recsys evaluate`.")
    st.stop()
summary = summarise(results)
left, right = st.columns(2)
view = left.radio("Scored as", VIEWS, horizontal=True, help="song → songs is how the search page recommends")
subset = right.radio("Hidden songs", ("all", "warm", "cold"), horizontal=True,
                     help="cold: the song is in no other playlist, so only its sound, artist and album are known")
score_tables(summary, view, subset)
st.plotly_chart(metric_bars(summary, view, subset, ("recall@10", "ndcg@10", "hit_rate@10", "auc", "genre_coherence")),
                key="metric-bars")
