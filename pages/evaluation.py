"""Evaluation page: how well each model finds songs that were hidden from it."""

import streamlit as st

from pages import escape_markdown, latest_evaluation, menu, not_in_demo, operator_only, run_evaluation
from recsys.charts import METRIC_LABELS, MODEL_LABELS, metric_bars
from recsys.errors import RecsysError
from recsys.evaluate import VIEWS, summarise, summary_table
from recsys.metrics import CAPPED

# The figures in three tables, each of them no wider than a 1400-px window: in one, thirteen
# columns needed twice that width.
TABLES = {
    "Finding the hidden songs": ("recall@10", CAPPED, "ndcg@10", "hit_rate@10", "auc"),
    "What the lists hold": ("coverage@10", "genre_coherence", "distinct artists", "most from one album",
                            "mean popularity"),
    "How far apart the scores are": ("tie rate", "tie rate at 3 decimals", "score spread"),
}

menu()
not_in_demo()
st.title(":material/leaderboard: How good are the recommendations?")
st.caption(
    "A fifth of the songs of every playlist are hidden; each model then ranks the whole catalogue "
    "for the playlist from the songs left. Recall@10 is the share of hidden songs in its top 10; "
    "AUC the chance a hidden song outranks one the playlist never had. Averages over three seeds."
)
running = st.session_state.get("evaluating", False)
if operator_only("running the evaluation") and st.button("Run the evaluation (about 7 minutes)", disabled=running):
    st.session_state.evaluating = True
    st.rerun()
if running:
    try:
        # Kept for this session if the disk refused them: four minutes of work are not thrown away.
        st.session_state.unsaved_evaluation, st.session_state.evaluation_problem = run_evaluation()
    except RecsysError as err:
        st.session_state.evaluation_problem = str(err)
    finally:
        st.session_state.evaluating = False
    st.rerun()

problem = st.session_state.get("evaluation_problem")
if problem:
    st.error(escape_markdown(problem))
results = latest_evaluation()
if results is None and problem:
    results = st.session_state.get("unsaved_evaluation")
if results is None:
    st.info("No evaluation of this data yet. Run it above, or with `python -m recsys evaluate`.")
    st.stop()
summary = summarise(results)
left, right = st.columns(2)
view = left.radio("Scored as", VIEWS, horizontal=True, help="song → songs is how the search page recommends")
subset = right.radio("Hidden songs", ("all", "warm", "cold"), horizontal=True,
                     help="cold: the song is in no other playlist, so only its sound, artist and album are known")
tables = {title: summary_table(summary, view, subset, metrics) for title, metrics in TABLES.items()}
tables = {title: table.loc[:, (table != "—").any()] for title, table in tables.items()}  # the figures measured
for title, table in tables.items():
    if not table.empty:
        st.caption(title)
        st.dataframe(table.rename(index=MODEL_LABELS, columns=METRIC_LABELS), width="stretch")
if all(table.empty for table in tables.values()):
    st.info("This evaluation has no figures for this view and these hidden songs: the lists as shown are "
            "measured over all hidden songs, and an evaluation older than a view lacks it.")
st.plotly_chart(metric_bars(summary, view, subset, ("recall@10", "ndcg@10", "hit_rate@10", "auc", "genre_coherence")),
                key="metric-bars")
