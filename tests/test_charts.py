"""recsys/charts.py: the radar chart and the loss curve."""

import numpy as np
import plotly.graph_objects as go
import pytest

from recsys.charts import FEATURE_LABELS, _format, audio_radar, loss_chart, plain_text
from recsys.config import AUDIO_FEATURES

SCALED = np.linspace(0, 1, 12)
RAW = np.array([0.5, 0.8, 4, -6.5, 1, 0.05, 0.2, 0.0, 0.1, 0.6, 120.0, 215000])


def test_radar_has_one_closed_trace_per_series():
    figure = audio_radar([("Song", SCALED, RAW), ("Neighbours", SCALED[::-1], RAW)])
    assert len(figure.data) == 2
    assert all(isinstance(trace, go.Scatterpolar) for trace in figure.data)
    assert [trace.name for trace in figure.data] == ["Song", "Neighbours"]
    for trace, values in zip(figure.data, (SCALED, SCALED[::-1])):
        assert len(trace.r) == len(trace.theta) == 13
        assert trace.r[0] == trace.r[-1] and trace.theta[0] == trace.theta[-1]
        np.testing.assert_allclose(trace.r[:12], values)


def test_radar_axis_is_zero_to_one_with_twelve_readable_labels():
    figure = audio_radar([("Song", SCALED, RAW)])
    assert list(figure.layout.polar.radialaxis.range) == [0, 1]
    labels = figure.data[0].theta[:12]
    assert len(set(labels)) == 12
    assert list(labels) == [FEATURE_LABELS[name] for name in AUDIO_FEATURES]
    assert not any("_" in label for label in labels)  # "Length", not "duration_ms"


def test_radar_hover_shows_raw_values_as_people_read_them():
    hover = audio_radar([("Song", SCALED, RAW)]).data[0].customdata
    by_feature = dict(zip(AUDIO_FEATURES, hover))
    assert by_feature["key"] == "E"
    assert by_feature["mode"] == "major"
    assert by_feature["duration_ms"] == "3:35"
    assert by_feature["tempo"] == "120 BPM"
    assert by_feature["loudness"] == "-6.5 dB"


@pytest.mark.parametrize("feature, value, text", [
    ("mode", 0.0, "minor"), ("mode", 0.25, "25% major"), ("key", 0, "C"), ("key", 11, "B"),
    ("key", 5.5, "5.5"), ("duration_ms", 59_600, "1:00"), ("energy", 0.12345, "0.123"),
])
def test_format(feature, value, text):
    assert _format(feature, value) == text


def test_html_in_a_name_is_escaped():
    name = "<img src=x onerror=alert(1)>"
    trace = audio_radar([(name, SCALED, RAW)]).data[0]
    assert "<" not in trace.name and ">" not in trace.name
    assert trace.name == "&lt;img src=x onerror=alert(1)&gt;"


def test_plain_text_escapes_ampersands_first():
    assert plain_text("R&B <b>") == "R&amp;B &lt;b&gt;"


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
