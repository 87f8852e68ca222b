"""The Evaluation page, driven headless through AppTest: no report yet, a run of every model with its
tables and chart, and a report the disk refuses."""

from recsys.charts import METRIC_LABELS, MODEL_LABELS
from recsys.evaluation.evaluate import AS_SHOWN, EVALUATED_MODELS, TABLE_METRICS


def test_evaluation_page_without_a_report_says_how_to_make_one(shared_env):
    app = shared_env.open("pages/evaluation.py")
    assert not app.exception
    assert "python -m recsys evaluate" in app.info[0].value


def test_evaluation_page_runs_the_evaluation_and_shows_table_and_chart(app_env):
    app = app_env.open("pages/evaluation.py")
    app.button[0].click().run()
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table.index) == {MODEL_LABELS[name] for name in EVALUATED_MODELS}
    assert table.loc["knowledge-graph model (kg, the default)", "Recall@10"].count("±") == 1
    assert len(app.get("plotly_chart")) == 1
    app.radio[1].set_value("cold").run()  # the toy's held-out songs are all cold-start songs
    assert not app.exception and app.dataframe[0].value.loc["random", "AUC"] != "—"
    # Regression: thirteen columns in one table were clipped at 1400 px; every figure is still shown.
    app.radio[1].set_value("all").run()  # song → songs over all hidden songs: every figure there is
    shown = [column for frame in app.dataframe for column in frame.value.columns]
    assert sorted(shown) == sorted(METRIC_LABELS.get(m, m) for m in TABLE_METRICS)
    assert max(len(frame.value.columns) for frame in app.dataframe) <= 5
    app.radio[0].set_value(AS_SHOWN).run()
    app.radio[1].set_value("warm").run()  # the lists as shown are measured over all hidden songs only
    assert not app.dataframe and "no figures" in app.info[-1].value


def test_an_evaluation_the_disk_refuses_is_shown_and_its_problem_named(app_env, refuse_writes):
    _, cache_dir = app_env
    refuse_writes(cache_dir)
    app = app_env.open("pages/evaluation.py")
    app.button[0].click().run()
    assert not app.exception
    assert "Cannot write" in app.error[0].value and "Read\\-only file system" in app.error[0].value
    assert set(app.dataframe[0].value.index) == {MODEL_LABELS[name] for name in EVALUATED_MODELS}
