"""The Evaluation page's parts: the last evaluation of the served data, a run of a new one with a
progress bar, and the figures in tables narrow enough for a laptop."""

import streamlit as st

from pages import notify
from pages.widgets.serving import cache_dir, data_digest, data_path
from recsys import cache
from recsys.charts import METRIC_LABELS, MODEL_LABELS
from recsys.config import EVALUATION
from recsys.errors import RecsysError
from recsys.evaluation.evaluate import summary_table
from recsys.evaluation.metrics import CAPPED
from recsys.load import load_catalogue

# The figures in three tables, each of them no wider than a 1400-px window: in one, thirteen
# columns needed twice that width.
TABLES = {
    "Finding the hidden songs": ("recall@10", CAPPED, "ndcg@10", "hit_rate@10", "auc"),
    "What the lists hold": ("coverage@10", "genre_coherence", "distinct artists", "most from one album",
                            "mean popularity"),
    "How far apart the scores are": ("tie rate", "tie rate at 3 decimals", "score spread"),
}


def latest_evaluation():
    """Per-seed results of the last evaluation of the current data, or None."""
    # recsys.evaluation.evaluate imports torch and PyG (two seconds); only the Evaluation page needs them.
    from recsys.evaluation.evaluate import read_report, report_path

    digest = data_digest()
    return read_report(report_path(cache_dir(), digest), notify)


def run_evaluation():
    """Evaluate every model on the current data with a progress bar, and save the report.
    Returns the per-seed results and "" or, if they could not be saved, why not."""
    from recsys.evaluation.evaluate import (EVALUATED_MODELS, ROWS_PER_MODEL, evaluate, progress_line, report_path,
                                            write_report)

    digest, seeds = data_digest(), list(EVALUATION.seeds)
    bar = st.progress(0.0, text="Loading songs…")
    total = len(seeds) * len(EVALUATED_MODELS) * ROWS_PER_MODEL
    done = []

    def report(row: dict) -> None:
        done.append(row)
        bar.progress(len(done) / total, text=progress_line(row, seeds))

    with cache.evaluation_lock(cache_dir()):  # four minutes of every core: one at a time
        results = evaluate(load_catalogue(data_path()), list(EVALUATED_MODELS), seeds, on_result=report)
    bar.empty()
    try:
        write_report(report_path(cache_dir(), digest), results, seeds, list(EVALUATED_MODELS))
    except RecsysError as err:
        return results, str(err)
    return results, ""


def score_tables(summary, view: str, subset: str) -> None:
    """The measured figures of `view` and `subset` in TABLES, or a word if there are none."""
    tables = {title: summary_table(summary, view, subset, metrics) for title, metrics in TABLES.items()}
    tables = {title: table.loc[:, (table != "—").any()] for title, table in tables.items()}  # the figures measured
    for title, table in tables.items():
        if not table.empty:
            st.caption(title)
            st.dataframe(table.rename(index=MODEL_LABELS, columns=METRIC_LABELS), width="stretch")
    if all(table.empty for table in tables.values()):
        st.info("This evaluation has no figures for this view and these hidden songs: the lists as shown are "
                "measured over all hidden songs, and an evaluation older than a view lacks it.")
