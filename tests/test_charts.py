"""recsys/charts.py: the radar chart, key summary, loss curve, metric bars and evidence graph."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from recsys.charts import (FEATURE_LABELS, MODEL_LABELS, RADAR_FEATURES, audio_radar, format_feature, key_summary,
                           loss_chart, metric_bars, plain_text)
from recsys.config import AUDIO_FEATURES
from recsys.evaluation.evaluate import EVALUATED_MODELS

SCALED = np.linspace(0, 1, 12)
RAW = np.array([0.5, 0.8, 4, -6.5, 1, 0.05, 0.2, 0.0, 0.1, 0.6, 120.0, 215000])
CONTINUOUS = [0, 1, 3, 5, 6, 7, 8, 9, 10, 11]  # AUDIO_FEATURES without key (2) and mode (4)


def test_radar_has_one_closed_trace_per_series():
    figure = audio_radar([("Song", SCALED, RAW), ("Neighbours", SCALED[::-1], RAW)])
    assert len(figure.data) == 2
    assert all(isinstance(trace, go.Scatterpolar) for trace in figure.data)
    assert [trace.name for trace in figure.data] == ["Song", "Neighbours"]
    for trace, values in zip(figure.data, (SCALED, SCALED[::-1])):
        assert len(trace.r) == len(trace.theta) == 11  # 10 axes and the closing point
        assert trace.r[0] == trace.r[-1] and trace.theta[0] == trace.theta[-1]
        np.testing.assert_allclose(trace.r[:10], values[CONTINUOUS])


def test_metric_bars_name_every_model_and_metric_for_people_with_one_std_error_bars():
    summary = pd.DataFrame([{"model": name, "view": "v", "subset": "all", "recall@10": 0.1 * i, "recall@10_std": 0.01,
                             "auc": 0.5, "auc_std": 0.02} for i, name in enumerate(EVALUATED_MODELS)])
    figure = metric_bars(summary, "v", "all", ("recall@10", "auc"))
    assert [bar.name for bar in figure.data] == [MODEL_LABELS[name] for name in EVALUATED_MODELS]
    kg = figure.data[list(EVALUATED_MODELS).index("kg")]
    assert kg.name == "knowledge-graph model (kg, the default)"
    assert list(kg.x) == ["Recall@10", "AUC"]
    np.testing.assert_allclose(kg.y, [0.1 * list(EVALUATED_MODELS).index("kg"), 0.5])
    np.testing.assert_allclose(kg.error_y.array, [0.01, 0.02])


def test_radar_axis_is_zero_to_one_with_ten_readable_labels():
    figure = audio_radar([("Song", SCALED, RAW)])
    assert list(figure.layout.polar.radialaxis.range) == [0, 1]
    labels = figure.data[0].theta[:10]
    assert len(set(labels)) == 10
    assert list(labels) == [FEATURE_LABELS[AUDIO_FEATURES[i]] for i in CONTINUOUS]
    assert not any("_" in label for label in labels)  # "Length", not "duration_ms"


def test_radar_draws_no_key_or_mode_axis():
    # Regression: key (a pitch class) and mode were polygon axes, and the mean of ten songs averaged them.
    assert RADAR_FEATURES == tuple(AUDIO_FEATURES[i] for i in CONTINUOUS)
    theta = set(audio_radar([("Song", SCALED, RAW)]).data[0].theta)
    assert not theta & {FEATURE_LABELS["key"], FEATURE_LABELS["mode"]}


def test_radar_hover_shows_raw_values_as_people_read_them():
    hover = audio_radar([("Song", SCALED, RAW)]).data[0].customdata
    by_feature = dict(zip(RADAR_FEATURES, hover))
    assert by_feature["duration_ms"] == "3:35"
    assert by_feature["tempo"] == "120 BPM"
    assert by_feature["loudness"] == "-6.5 dB"
    assert by_feature["danceability"] == "0.5"
    assert hover[0] == hover[-1]  # the closing point repeats the first


@pytest.mark.parametrize("keys, modes, text", [
    ([4], [0], "E minor"),
    ([1.0], [1.0], "C♯ major"),  # features_raw holds floats
    ([-1], [1], "no key detected"),
    ([4, 4, 4, 7, 7, 0, 2, 9, 11, 5], [0, 0, 0, 1, 1, 1, 1, 1, 1, 0],
     "Most common key: E minor (3 of 10) · 6 of 10 in a major key"),
    # A tie goes to the lower pitch class: A major and D major both twice, D comes first.
    ([9, 9, 2, 2, 5], [1, 1, 1, 1, 0], "Most common key: D major (2 of 5) · 4 of 5 in a major key"),
    # Same pitch class, both modes twice: minor sorts first.
    ([4, 4, 4, 4], [1, 1, 0, 0], "Most common key: E minor (2 of 4) · 2 of 4 in a major key"),
    # Songs with no key detected count in neither the key nor the mode; their mode value is ignored.
    ([-1, -1, 7, 7, 0], [1, 1, 1, 1, 0],
     "Most common key: G major (2 of 3) · 2 of 3 in a major key · 2 with no key detected"),
    ([-1, -1], [0, 1], "no key detected"),
])
def test_key_summary_known_answers(keys, modes, text):
    assert key_summary(np.array(keys), np.array(modes)) == text


def test_key_summary_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="keys and modes must match"):
        key_summary(np.array([1, 2]), np.array([1]))


@pytest.mark.parametrize("feature, value, text", [
    ("mode", 0.0, "minor"), ("mode", 0.25, "25% major"), ("key", 0, "C"), ("key", 11, "B"),
    ("key", 5.5, "5.5"), ("duration_ms", 59_600, "1:00"), ("energy", 0.12345, "0.123"),
])
def test_format_feature(feature, value, text):
    assert format_feature(feature, value) == text


def test_html_in_a_name_is_escaped():
    name = "<img src=x onerror=alert(1)>"
    trace = audio_radar([(name, SCALED, RAW)]).data[0]
    assert "<" not in trace.name and ">" not in trace.name
    assert trace.name == "&lt;img src=x onerror=alert(1)&gt;"


def test_plain_text_escapes_ampersands_first():
    assert plain_text("R&B <b>") == "R&amp;B &lt;b&gt;"


def test_a_name_in_tags_shows_literally_and_quotes_stay_quotes():
    # plotly turns &lt; &gt; &amp; back into characters but not &quot;, so quotes are left alone
    name = '<b>x</b> "Heroes" & Rock\'n\'Roll'
    assert plain_text(name) == '&lt;b&gt;x&lt;/b&gt; "Heroes" &amp; Rock\'n\'Roll'
    assert audio_radar([(name, SCALED, RAW)]).data[0].name == plain_text(name)


def test_loss_chart_has_one_point_per_epoch():
    losses = [1.4, 1.2, 1.1, 1.05]
    figure = loss_chart(losses)
    assert len(figure.data) == 1
    assert list(figure.data[0].x) == [1, 2, 3, 4]
    assert list(figure.data[0].y) == losses
    assert list(figure.layout.xaxis.range) == [0.5, 4.5]


def test_loss_chart_axis_spans_all_planned_epochs():
    figure = loss_chart([1.4, 1.2], epochs=100)
    assert list(figure.data[0].x) == [1, 2]
    assert list(figure.layout.xaxis.range) == [0.5, 100.5]


def test_loss_chart_of_no_epochs_yet_is_empty_but_valid():
    figure = loss_chart([])
    assert len(figure.data[0].x) == 0
    assert list(figure.layout.xaxis.range) == [0.5, 1.5]


def test_radar_series_get_distinct_colours():
    figure = audio_radar([(f"s{i}", SCALED, RAW) for i in range(3)])
    colours = [trace.line.color for trace in figure.data]
    assert None not in colours and len(set(colours)) == 3


def test_evidence_graph_draws_both_songs_and_exactly_the_nodes_they_share_coloured_by_kind():
    from recsys.charts import KIND_COLOURS, evidence_graph
    from recsys.explain import Explanation, Step

    chosen, song = Step("song", "Chosen — A"), Step("song", "Pick — B")
    links = (Step("playlist", "<b>Gym</b>"), Step("playlist", "Run"), Step("artist", "Nina"))
    why = Explanation(("<b>Gym</b>", "Run"), True, False, (chosen, links[0], song), (), (), links=links)
    figure = evidence_graph(why)
    nodes = {trace.name: trace for trace in figure.data if trace.mode == "markers+text"}
    assert set(nodes) == {"song", "playlist", "artist"}
    assert {name: trace.marker.color for name, trace in nodes.items()} == {k: KIND_COLOURS[k] for k in nodes}
    assert list(nodes["playlist"].text) == ["&lt;b&gt;Gym&lt;/b&gt;", "Run"]  # escaped: plotly reads HTML
    assert list(nodes["song"].x) == [0, 1] and set(nodes["playlist"].x) == set(nodes["artist"].x) == {0.5}
    edges = figure.data[0]
    assert len(edges.x) == 3 * 2 * 3  # each shared node joins both songs; (x0, x1, None) per edge
    assert figure.layout.dragmode is False and figure.layout.height == 220


def test_evidence_graph_without_shared_nodes_draws_the_path_and_counts_playlists_beyond_five():
    from recsys.charts import evidence_graph
    from recsys.explain import Explanation, Step

    path = (Step("song", "S — A"), Step("playlist", "Late"), Step("genre", "jazz"), Step("playlist", "Early"),
            Step("song", "R — B"))
    figure = evidence_graph(Explanation((), False, False, path, (), ()))
    assert [trace.name for trace in figure.data[1:]] == ["song", "playlist", "genre"]
    assert len(figure.data[0].x) == 4 * 3  # a chain of four edges
    many = tuple(Step("playlist", f"P{i}") for i in range(7))
    crowded = evidence_graph(Explanation(tuple(s.label for s in many), False, False, (path[0], many[0], path[-1]),
                                         (), (), links=many))
    assert len(crowded.data[2].x) == 5 and crowded.layout.annotations[0].text == "and 2 more playlists"
    with pytest.raises(ValueError):
        evidence_graph(Explanation((), False, False, (), (), ()))
