"""Plotly figures of the map: every song at its 2-D place (PCA or t-SNE), the close-up a click
draws around a song and its neighbours, and the caption saying how faithful the map is."""

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from recsys.charts import plain_text
from recsys.projection import PROJECTIONS
from recsys.words import plural

MAP_COLOURS = {"genre": "Genre", "popularity": "Popularity", "playlist_count": "Playlists"}
MAP_COLUMNS = {"genre": "genre", "popularity": "track_popularity", "playlist_count": "playlist_count"}
GENRE_PALETTE = qualitative.Safe  # Paul Tol's palette: distinct for colour-blind readers too
# Hover reads customdata so each point ships its fields once, not again inside a formatted string.
MAP_HOVER = ("<b>%{customdata[1]}</b><br>%{customdata[2]}<br>genre: %{customdata[3]}"
             "<br>in %{customdata[4]} · popularity %{customdata[5]}<extra></extra>")
MAP_POINT_SIZE = 5
MAP_OPACITY, MAP_DIMMED = 0.8, 0.35  # all songs; all songs behind a chosen song and its neighbours
NEIGHBOUR_MARKER = {"size": 11, "color": "#ffffff", "line": {"color": "#222222", "width": 2}}
CURRENT_MARKER = {"symbol": "star", "size": 22, "color": "#e8112d", "line": {"color": "#222222", "width": 1.5}}
UNKNOWN_COLOUR = "#9e9e9e"
PCA_AXES, TSNE_AXES = ("component 1", "component 2"), ("", "")  # t-SNE's axes mean nothing on their own
# The close-up: the neighbours' box padded by a fifth of its size, or at least 3% of the whole map's
# span each way, with at most 300 other songs (the nearest the star): a click sends some 15 kB.
CLOSEUP_PAD, CLOSEUP_MIN_SPAN, CLOSEUP_POINTS, CLOSEUP_HEIGHT = 0.2, 0.03, 300, 340
CLOSEUP_MARKER = {"size": 7, "color": "#bdbdbd", "opacity": 0.7}
# Said instead of the engineers' caption in demo mode.
DEMO_MAP_CAPTION = ("Songs the model finds alike sit close together. Click one to see it and its ten "
                    "closest songs.")


def embedding_map(coords: np.ndarray, tracks: pd.DataFrame, colour_by: str, current: int | None,
                  neighbours: Sequence[int], shown: np.ndarray | None = None,
                  axes: tuple[str, str] = PCA_AXES) -> go.Figure:
    """Every song (or the local indices `shown`) at its `coords` (T, 2) row, coloured by a
    MAP_COLOURS key, the current song and its neighbours drawn on top, the axes titled `axes`. Each
    trace's customdata rows start with the local track index, so a clicked point names its song.

    The page draws it without a current song, so the figure stays the same from click to click
    and Streamlit need not send it again; map_closeup draws the highlight."""
    if colour_by not in MAP_COLOURS:
        raise ValueError(f"colour_by must be one of {', '.join(MAP_COLOURS)}; got {colour_by!r}")
    highlighted = np.asarray(([] if current is None else [current]) + list(neighbours), dtype=np.int64)
    rows = np.arange(len(tracks)) if shown is None else np.union1d(shown, highlighted)
    # From here on, songs are positions in `rows`; the hover keeps their local indices for a click.
    coords, tracks, hover = coords[rows], tracks.iloc[rows], _map_hover(tracks.iloc[rows], rows)
    if current is not None:
        current = int(np.searchsorted(rows, current))
    neighbours = np.searchsorted(rows, np.asarray(neighbours, dtype=np.int64))
    opacity = MAP_DIMMED if current is not None else MAP_OPACITY
    if colour_by == "genre":
        background = _genre_traces(coords, hover, opacity)
    else:
        background = _scale_traces(coords, hover, tracks[MAP_COLUMNS[colour_by]], colour_by, opacity)
    figure = go.Figure(background + _highlight_traces(coords, hover, current, neighbours))
    figure.update_layout(
        height=650, margin={"l": 20, "r": 20, "t": 40, "b": 40}, hovermode="closest",
        # A click selects one point and reports it; box zoom is how to reach into the dense middle.
        clickmode="event+select", dragmode="zoom",
        uirevision="embedding-map",  # keep the reader's zoom when a click redraws the figure
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "itemsizing": "constant"},
        # The axes have no units, but both share one scale: equal aspect keeps distances honest.
        xaxis={"title": axes[0], "showticklabels": False, "zeroline": False},
        yaxis={"title": axes[1], "showticklabels": False, "zeroline": False, "scaleanchor": "x"},
    )
    return figure


def map_closeup(coords: np.ndarray, tracks: pd.DataFrame, current: int, neighbours: Sequence[int]) -> go.Figure:
    """The current song (a star) and its neighbours (rings) at their `coords` (T, 2) rows, among the
    CLOSEUP_POINTS songs nearest the star on the map, zoomed to the neighbours: the small figure a
    click redraws. customdata rows start with the local track index, as embedding_map's do."""
    neighbours = np.asarray(neighbours, dtype=np.int64)
    highlighted = np.append(neighbours, current)
    low, high = coords[highlighted].min(axis=0), coords[highlighted].max(axis=0)
    pad = np.maximum((high - low) * CLOSEUP_PAD, np.ptp(coords, axis=0) * CLOSEUP_MIN_SPAN)
    low, high = low - pad, high + pad
    inside = np.flatnonzero(((coords >= low) & (coords <= high)).all(axis=1))
    inside = inside[~np.isin(inside, highlighted)]
    distance = ((coords[inside] - coords[current]) ** 2).sum(axis=1)
    rows = np.sort(np.concatenate([inside[np.argsort(distance)[:CLOSEUP_POINTS]], highlighted]))
    # From here on, songs are positions in `rows`, as in embedding_map.
    near, hover = coords[rows], _map_hover(tracks.iloc[rows], rows)
    others = np.flatnonzero(~np.isin(rows, highlighted))
    background = [_points(near, hover, others, "other songs", CLOSEUP_MARKER, go.Scatter)] if others.size else []
    spots = _highlight_traces(near, hover, int(np.searchsorted(rows, current)), np.searchsorted(rows, neighbours),
                              go.Scatter)
    figure = go.Figure(background + spots)
    figure.update_layout(
        height=CLOSEUP_HEIGHT, margin={"l": 20, "r": 20, "t": 30, "b": 20}, hovermode="closest",
        clickmode="event+select", dragmode="zoom", showlegend=True,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0},
        xaxis={"range": [low[0], high[0]], "showticklabels": False, "zeroline": False, "title": None},
        yaxis={"range": [low[1], high[1]], "showticklabels": False, "zeroline": False, "scaleanchor": "x",
               "title": None},
    )
    return figure


def map_caption(projection: str, kept: dict[str, float], variance: float | None) -> str:
    """What the map an engineer chose shows and how much of the model's neighbourhoods it keeps:
    both projections' shares once the t-SNE map is stored, else PCA's share of the variance."""
    name, other = PROJECTIONS[projection], next(p for p in PROJECTIONS if p != projection)
    if projection in kept and other in kept:
        return (f"{name} keeps {kept[projection]:.0%} of each song's ten nearest neighbours "
                f"({PROJECTIONS[other]} {kept[other]:.0%}).")
    return (f"Placed by principal component analysis: the two axes keep {variance:.0%} of the vectors' variation, "
            "so songs the model finds alike can still land apart here.")


def _map_hover(tracks: pd.DataFrame, indices: np.ndarray) -> np.ndarray:
    """(len(tracks), 6) object array: local index (from `indices`), title, artist, genre, playlist
    count ("3 playlists"), popularity; names escaped."""
    popularity = tracks["track_popularity"]
    columns = [
        indices, tracks["track_name"].map(plain_text), tracks["track_artist"].map(plain_text),
        tracks["genre"].replace("", "no genre").map(plain_text), tracks["playlist_count"].astype(int).map(lambda count: plural(count, "playlist")),
        popularity.map(lambda value: "unknown" if pd.isna(value) else f"{value:.0f}"),
    ]
    hover = np.empty((len(tracks), len(columns)), dtype=object)
    for position, column in enumerate(columns):
        hover[:, position] = np.asarray(column)
    return hover


def _points(coords: np.ndarray, hover: np.ndarray, rows: np.ndarray, name: str, marker: dict, trace=go.Scattergl,
            **extra) -> go.Scattergl | go.Scatter:
    """The songs at local indices `rows` as one trace: WebGL (28k SVG points would stall the browser),
    or for a few hundred `trace=go.Scatter`, SVG, which needs no new WebGL context when it is redrawn."""
    return trace(
        x=coords[rows, 0], y=coords[rows, 1], customdata=hover[rows], name=name, mode="markers",
        marker=marker, hovertemplate=MAP_HOVER,
        # The page redraws its own highlight after a click; plotly's fading of unselected points would hide it.
        unselected={"marker": {"opacity": marker.get("opacity", 1.0)}}, **extra,
    )


def _genre_traces(coords: np.ndarray, hover: np.ndarray, opacity: float) -> list[go.Scattergl]:
    """One trace per genre, sorted by name, so the legend toggles genres."""
    genres = hover[:, 3]
    return [
        _points(coords, hover, np.flatnonzero(genres == genre), genre,
                {"size": MAP_POINT_SIZE, "opacity": opacity, "color": GENRE_PALETTE[i % len(GENRE_PALETTE)]})
        for i, genre in enumerate(sorted(set(genres)))
    ]


def _scale_traces(coords: np.ndarray, hover: np.ndarray, values: pd.Series, colour_by: str,
                  opacity: float) -> list[go.Scattergl]:
    """One trace on a continuous colour scale, highest values drawn last so the rare ones are not buried;
    songs without a value (popularity can be blank) in a grey trace of their own."""
    values = values.to_numpy(dtype=float)
    known = np.flatnonzero(~np.isnan(values))
    rows = known[np.argsort(values[known], kind="stable")]
    marker = {"size": MAP_POINT_SIZE, "opacity": opacity, "colorscale": "Viridis", "showscale": True,
              **_colour_scale(colour_by, values[rows])}
    traces = [_points(coords, hover, rows, MAP_COLOURS[colour_by], marker, showlegend=False)]
    missing = np.flatnonzero(np.isnan(values))
    if missing.size:
        traces.append(_points(coords, hover, missing, f"{MAP_COLOURS[colour_by]} unknown",
                              {"size": MAP_POINT_SIZE, "opacity": opacity, "color": UNKNOWN_COLOUR}))
    return traces


def _colour_scale(colour_by: str, values: np.ndarray) -> dict:
    """Marker colour settings for sorted `values`: colours, range and a titled colour bar."""
    title = {"title": {"text": MAP_COLOURS[colour_by]}}
    if colour_by == "popularity":  # a fixed 0–100 range, so a colour means the same on any data
        return {"color": values.astype(np.float32), "cmin": 0, "cmax": 100, "colorbar": title}
    # Nine in ten songs sit in one or two playlists and a few in eight: on a linear scale 1 and 2
    # would look alike, so colour by log(1 + count) and label the bar with the counts themselves.
    top = max(int(values.max(initial=0)), 1)
    ticks = np.unique(np.concatenate([[0], np.round(np.geomspace(1, top, num=min(top, 6)))])).astype(int)
    return {"color": np.log1p(values).astype(np.float32), "cmin": 0, "cmax": np.log1p(top),
            "colorbar": {**title, "tickvals": np.log1p(ticks).tolist(), "ticktext": [str(t) for t in ticks]}}


def _highlight_traces(coords: np.ndarray, hover: np.ndarray, current: int | None,
                      neighbours: Sequence[int], trace=go.Scattergl) -> list[go.Scattergl | go.Scatter]:
    """The neighbours, then the current song, as their own traces so they draw above the rest."""
    traces = []
    if len(neighbours):
        count = len(neighbours)
        traces.append(_points(coords, hover, np.asarray(neighbours, dtype=int),
                              f"its {count} neighbour{'s' if count != 1 else ''}", NEIGHBOUR_MARKER, trace))
    if current is not None:
        traces.append(_points(coords, hover, np.array([current]), "this song", CURRENT_MARKER, trace))
    return traces
