"""Plotly figures beside a song and a model: the audio-feature radar, the training loss curve, the
evidence graph and the evaluation's metric bars; the map's figures are in recsys.map_charts."""

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from recsys.config import AUDIO_FEATURES, MODEL_NAMES
from recsys.explain import PLAYLISTS_SHOWN, Explanation

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
PITCH_CLASSES = ("C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B")
# Key and mode are categories: a polygon would draw (and a mean would average) pitch classes.
KEY_COLUMN, MODE_COLUMN = AUDIO_FEATURES.index("key"), AUDIO_FEATURES.index("mode")
RADAR_COLUMNS = [i for i in range(len(AUDIO_FEATURES)) if i not in (KEY_COLUMN, MODE_COLUMN)]
RADAR_FEATURES = tuple(AUDIO_FEATURES[i] for i in RADAR_COLUMNS)


def audio_radar(series: list[tuple[str, np.ndarray, np.ndarray]]) -> go.Figure:
    """One closed trace per (name, scaled 0–1 features (12,), raw features (12,)) over the 10
    continuous features (key and mode left out: see `key_summary`); hover shows raw values."""
    labels = [FEATURE_LABELS[name] for name in RADAR_FEATURES]
    figure = go.Figure()
    for (name, scaled, raw), colour in zip(series, COLOURS * len(series)):
        scaled, raw = np.asarray(scaled)[RADAR_COLUMNS], np.asarray(raw)[RADAR_COLUMNS]  # (10,) each
        hover = [format_feature(feature, value) for feature, value in zip(RADAR_FEATURES, raw)]
        figure.add_trace(go.Scatterpolar(
            r=np.append(scaled, scaled[0]), theta=labels + labels[:1], customdata=hover + hover[:1],
            name=plain_text(name), fill="toself", opacity=0.55, line={"color": colour},
            hovertemplate="%{theta}: %{r:.2f} (%{customdata})<extra>%{fullData.name}</extra>",
        ))
    figure.update_layout(
        polar={"radialaxis": {"range": [0, 1], "tickvals": [0, 0.25, 0.5, 0.75, 1]}},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08},
        # Room for the longest axis label ("Instrumental") each side: a 390 px phone clipped it at 60.
        margin={"l": 85, "r": 85, "t": 30, "b": 30},
        height=520,
    )
    return figure


def key_summary(keys: np.ndarray, modes: np.ndarray) -> str:
    """The key of one song ("E minor"), or of a set: its most common key, ties going to the lower
    pitch class and then to minor, and how many are in a major key. Key -1 (none detected) is left
    out of the counts."""
    keys, modes = (np.rint(np.asarray(values, dtype=float)).astype(int) for values in (keys, modes))
    if keys.shape != modes.shape:
        raise ValueError(f"keys and modes must match; got {keys.shape} and {modes.shape}")
    detected = keys >= 0
    if not detected.any():
        return "no key detected"
    if len(keys) == 1:
        return _key_name(keys[0], modes[0])
    # One code per (key, mode), sorted: C minor, C major, C♯ minor, …
    codes, counts = np.unique(keys[detected] * 2 + modes[detected], return_counts=True)
    best, total = codes[np.argmax(counts)], int(detected.sum())  # argmax takes the first of a tie
    parts = [f"Most common key: {_key_name(best // 2, best % 2)} ({counts.max()} of {total})",
             f"{int(modes[detected].sum())} of {total} in a major key"]
    if total < len(keys):
        parts.append(f"{len(keys) - total} with no key detected")
    return " · ".join(parts)


def _key_name(key: int, mode: int) -> str:
    """A pitch class (0–11) and a mode (0 minor, 1 major) as "E minor"."""
    return f"{PITCH_CLASSES[key]} {'major' if mode == 1 else 'minor'}"


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


# Paul Tol's bright scheme: distinct for colour-blind readers; the names are the text's words.
KIND_COLOURS = {"song": "#4477AA", "playlist": "#228833", "artist": "#EE6677", "album": "#AA3377", "genre": "#CCBB44"}
EVIDENCE_HEIGHT = 220
EVIDENCE_NAME = 18  # characters of a name written beside its node; the hover shows it whole


def evidence_graph(explanation: Explanation) -> go.Figure:
    """The link from the chosen song (left) to a recommendation (right) as a small static graph: the
    nodes both touch (at most PLAYLISTS_SHOWN playlists, then artist and album) stacked between them,
    else the shortest path in a row. One trace per kind, so the legend names kinds as the text does."""
    if not explanation.path:
        raise ValueError("no link to draw: the explanation has no path within MAX_HOPS")
    nodes, edges, more = _evidence_layout(explanation)
    x, y = np.array([node[1] for node in nodes]), np.array([node[2] for node in nodes])
    figure = go.Figure(go.Scatter(
        x=[v for a, b in edges for v in (x[a], x[b], None)], y=[v for a, b in edges for v in (y[a], y[b], None)],
        mode="lines", line={"color": "#bbbbbb", "width": 1.5}, hoverinfo="skip", showlegend=False,
    ))
    for kind in dict.fromkeys(step.kind for step, *_ in nodes):  # kinds in the order they appear
        rows = [i for i, (step, *_) in enumerate(nodes) if step.kind == kind]
        figure.add_trace(go.Scatter(
            x=x[rows], y=y[rows], mode="markers+text", name=kind, marker={"size": 14, "color": KIND_COLOURS[kind]},
            text=[plain_text(_shorten(nodes[i][0].label)) for i in rows], textposition=[nodes[i][3] for i in rows],
            hovertext=[plain_text(nodes[i][4]) for i in rows], hovertemplate="%{hovertext}<extra></extra>",
        ))
    if more > 0:
        figure.add_annotation(text=f"and {more} more playlist{'s' if more != 1 else ''}", x=0.5, y=-1.45,
                              showarrow=False, font={"size": 11})
    # No zoom, pan or drag: the picture is a fixed diagram, and a drag on a phone should scroll the page.
    hidden = {"visible": False, "fixedrange": True}
    figure.update_layout(
        height=EVIDENCE_HEIGHT, margin={"l": 10, "r": 10, "t": 30, "b": 10}, dragmode=False, hovermode="closest",
        showlegend=True, legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        # Wide enough sides that a centred end label (EVIDENCE_NAME characters) is not cut at 390 px.
        xaxis={**hidden, "range": [-0.4, 1.4]}, yaxis={**hidden, "range": [-1.6, 1.5]},
    )
    return figure


def _evidence_layout(explanation: Explanation):
    """(nodes, edges, playlists left out): nodes are (Step, x, y, text position, hover text), the
    chosen song first and the recommendation second; edges are pairs of node positions."""
    chosen, song = explanation.path[0], explanation.path[-1]
    ends = [(chosen, 0.0, 0.0, "bottom center", f"the chosen song: {chosen.label}"),
            (song, 1.0, 0.0, "bottom center", f"recommended: {song.label}")]
    playlists = [step for step in explanation.links if step.kind == "playlist"]
    between = playlists[:PLAYLISTS_SHOWN] + [step for step in explanation.links if step.kind != "playlist"]
    if between:  # each node both songs touch is a two-step link of its own
        heights = np.linspace(1, -1, len(between)) if len(between) > 1 else [0.0]
        middle = [(step, 0.5, float(h), "top center", f"{step.kind}: {step.label}") for step, h in zip(between, heights)]
        edges = [(i, end) for i in range(2, 2 + len(middle)) for end in (0, 1)]
        return ends + middle, edges, len(playlists) - PLAYLISTS_SHOWN
    inner = explanation.path[1:-1]  # no shared node: the shortest path, left to right
    middle = [(step, (i + 1) / (len(inner) + 1), 0.0, "top center" if i % 2 == 0 else "bottom center",
               f"{step.kind}: {step.label}") for i, step in enumerate(inner)]
    order = [0, *range(2, 2 + len(middle)), 1]
    return ends + middle, list(zip(order, order[1:])), 0


def _shorten(name: str) -> str:
    return name if len(name) <= EVIDENCE_NAME else name[:EVIDENCE_NAME - 1].rstrip() + "…"


def plain_text(text: str) -> str:
    """Plotly renders a few HTML tags in labels; escape them so names from data show literally.

    Quotes stay as they are: plotly decodes only a few named entities (&amp; &lt; &gt; among
    them, not &quot;), so an escaped quote would show as "&quot;"."""
    return html.escape(str(text), quote=False)


def format_feature(feature: str, value: float) -> str:
    """A raw feature value as a person reads it; means of several songs stay numeric."""
    if feature == "mode":
        return {0.0: "minor", 1.0: "major"}.get(float(value), f"{value:.0%} major")
    if feature == "key" and float(value).is_integer() and 0 <= value < 12:
        return PITCH_CLASSES[int(value)]
    if feature == "duration_ms":
        seconds = int(round(value / 1000))
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{value:.3g}{UNITS.get(feature, '')}"


# How the Evaluation page names models and metrics; the terminal keeps the keys `--models` takes.
MODEL_LABELS = {
    "random": "random", "popularity": "popularity", "audio-features": "audio-feature cosine",
    "co-occurrence": "item co-occurrence", "artist-album": "artist/album rule", "lightgcn": "LightGCN",
    "gcn-paper": f"{MODEL_NAMES['gcn-paper']} (gcn-paper)", "kg": f"{MODEL_NAMES['kg']} (kg, the default)",
}
METRIC_LABELS = {
    "recall@10": "Recall@10", "ndcg@10": "NDCG@10", "hit_rate@10": "HitRate@10", "mrr@10": "MRR@10",
    "auc": "AUC", "recall@20": "Recall@20", "ndcg@20": "NDCG@20", "coverage@10": "Coverage@10",
    "genre_coherence": "genre coherence",
}


def metric_bars(summary, view: str, subset: str, metrics: tuple[str, ...]) -> go.Figure:
    """Grouped bars: one group per metric, one bar per model, error bars of one std over seeds."""
    part = summary[(summary["view"] == view) & (summary["subset"] == subset)]
    figure = go.Figure([
        go.Bar(name=MODEL_LABELS[row["model"]], x=[METRIC_LABELS[m] for m in metrics], y=[row[m] for m in metrics],
               error_y={"type": "data", "array": [row[f"{m}_std"] for m in metrics]})
        for row in part.to_dict("records")
    ])
    figure.update_layout(barmode="group", yaxis={"title": "score (higher is better)", "range": [0, 1]},
                         legend={"orientation": "h", "yanchor": "top", "y": -0.12},
                         margin={"l": 60, "r": 20, "t": 30, "b": 40})
    return figure
