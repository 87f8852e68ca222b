"""Plotly figures: the audio-feature radar chart and the training loss curve."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from recsys.config import AUDIO_FEATURES

FEATURE_LABELS = {
    "danceability": "Danceability",
    "energy": "Energy",
    "key": "Key (C→B)",
    "loudness": "Loudness",
    "mode": "Major key",
    "speechiness": "Speechiness",
    "acousticness": "Acousticness",
    "instrumentalness": "Instrumental",
    "liveness": "Live feel",
    "valence": "Positivity",
    "tempo": "Tempo",
    "duration_ms": "Length",
}
UNITS = {"loudness": " dB", "tempo": " BPM", "duration_ms": " ms"}
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")  # the chosen song first, then comparisons


def audio_radar(series: list[tuple[str, np.ndarray, np.ndarray]]) -> go.Figure:
    """One closed trace per (name, scaled 0–1 features (12,), raw features (12,)); hover shows raw values."""
    labels = [FEATURE_LABELS[name] for name in AUDIO_FEATURES]
    figure = go.Figure()
    for (name, scaled, raw), colour in zip(series, COLOURS * len(series)):
        hover = [f"{_format(feature, value)}" for feature, value in zip(AUDIO_FEATURES, raw)]
        figure.add_trace(go.Scatterpolar(
            r=np.append(scaled, scaled[0]), theta=labels + labels[:1], customdata=hover + hover[:1],
            name=plain_text(name), fill="toself", opacity=0.55, line={"color": colour},
            hovertemplate="%{theta}: %{r:.2f} (%{customdata})<extra>%{fullData.name}</extra>",
        ))
    figure.update_layout(
        polar={"radialaxis": {"range": [0, 1], "tickvals": [0, 0.25, 0.5, 0.75, 1]}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08},
        margin={"l": 60, "r": 60, "t": 30, "b": 30},
        height=520,
    )
    return figure


def loss_chart(losses: list[float], epochs: int | None = None, recalls: list[float] | None = None) -> go.Figure:
    """Training loss per epoch and, when given, validation Recall@10 in a second panel beside it.
    The x axes span all `epochs` so the curves grow into them live."""
    epoch_numbers = list(range(1, len(losses) + 1))
    span = [0.5, (epochs or max(len(losses), 1)) + 0.5]
    panels = 2 if recalls else 1
    figure = make_subplots(rows=1, cols=panels, horizontal_spacing=0.12)
    figure.add_trace(go.Scatter(x=epoch_numbers, y=losses, mode="lines+markers", name="training loss"), 1, 1)
    figure.update_yaxes(title_text="training loss", row=1, col=1)
    if recalls:
        figure.add_trace(go.Scatter(x=epoch_numbers[:len(recalls)], y=recalls, mode="lines+markers",
                                    name="validation Recall@10"), 1, 2)
        figure.update_yaxes(title_text="validation Recall@10", rangemode="tozero", row=1, col=2)
    figure.update_xaxes(title_text="epoch", range=span)
    figure.update_layout(showlegend=False, margin={"l": 60, "r": 20, "t": 30, "b": 40})
    return figure


def plain_text(text: str) -> str:
    """Plotly renders a few HTML tags in labels; escape them so names from data show literally."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _format(feature: str, value: float) -> str:
    """A raw feature value as a person reads it; means of several songs stay numeric."""
    if feature == "mode":
        return {0.0: "minor", 1.0: "major"}.get(float(value), f"{value:.0%} major")
    if feature == "key" and float(value).is_integer() and 0 <= value < 12:
        return ["C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"][int(value)]
    if feature == "duration_ms":
        seconds = int(round(value / 1000))
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{value:.3g}{UNITS.get(feature, '')}"


def metric_bars(summary, view: str, subset: str, metrics: tuple[str, ...]) -> go.Figure:
    """Grouped bars: one group per metric, one bar per model, error bars of one std over seeds."""
    part = summary[(summary["view"] == view) & (summary["subset"] == subset)]
    figure = go.Figure([
        go.Bar(name=row["model"], x=list(metrics), y=[row[m] for m in metrics],
               error_y={"type": "data", "array": [row[f"{m}_std"] for m in metrics]})
        for row in part.to_dict("records")
    ])
    figure.update_layout(barmode="group", yaxis={"title": "score (higher is better)", "range": [0, 1]},
                         legend={"orientation": "h", "yanchor": "top", "y": -0.12},
                         margin={"l": 60, "r": 20, "t": 30, "b": 40})
    return figure
