"""The map: every song at its 2-D place (PCA or t-SNE) as the canvas map's payload, the plotly
close-up a click draws around a song and its neighbours, and the caption saying how faithful the
map is."""

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative, sample_colorscale

from recsys.charts import plain_text
from recsys.projection import PROJECTIONS
from recsys.words import plural

MAP_COLOURS = {"genre": "Genre", "popularity": "Popularity", "playlist_count": "Playlists"}
MAP_COLUMNS = {"genre": "genre", "popularity": "track_popularity", "playlist_count": "playlist_count"}
GENRE_PALETTE = qualitative.Safe  # Paul Tol's palette: distinct for colour-blind readers too
# Hover reads customdata so each point ships its fields once, not again inside a formatted string.
MAP_HOVER = ("<b>%{customdata[1]}</b><br>%{customdata[2]}<br>genre: %{customdata[3]}"
             "<br>in %{customdata[4]} · popularity %{customdata[5]}<extra></extra>")
NEIGHBOUR_MARKER = {"size": 11, "color": "#ffffff", "line": {"color": "#222222", "width": 2}}
CURRENT_MARKER = {"symbol": "star", "size": 22, "color": "#e8112d", "line": {"color": "#222222", "width": 1.5}}
UNKNOWN_COLOUR = "#9e9e9e"
PCA_AXES, NO_AXES = ("component 1", "component 2"), ("", "")  # t-SNE's axes, and demo mode's, go unnamed
# The close-up: the neighbours' box padded by a fifth of its size, or at least 3% of the whole map's
# span each way, with at most 300 other songs (the nearest the star): a click sends some 15 kB.
CLOSEUP_PAD, CLOSEUP_MIN_SPAN, CLOSEUP_POINTS, CLOSEUP_HEIGHT = 0.2, 0.03, 300, 340
CLOSEUP_MARKER = {"size": 7, "color": "#bdbdbd", "opacity": 0.7}
# The canvas map (pages/widgets/song_map.js): points as integers on a MAP_GRID square grid, about
# a hundredth of a pixel on a 650-pixel map, which keeps the payload about half the size of floats.
MAP_GRID = 65_535
POPULARITY_EDGES = np.arange(0, 101, 10)  # popularity bins of ten: 0–9, …, 90–100
# Said instead of the engineers' caption in demo mode.
DEMO_MAP_CAPTION = ("Songs the model finds alike sit close together. Click one to see it and its ten "
                    "closest songs.")


def map_points(coords: np.ndarray, tracks: pd.DataFrame, colour_by: str, shown: np.ndarray | None = None,
               axes: tuple[str, str] = PCA_AXES) -> dict:
    """Every song (or the local indices `shown`) at its `coords` (T, 2) row as the canvas map's
    payload: songs in drawing order (group by group, as a legend lists them), each with its place,
    its group (a genre, or a bin of the MAP_COLOURS column) and its hover fields, names as plain
    text (the map sets them as text, never as HTML); a clicked song is named by its local index."""
    if colour_by not in MAP_COLOURS:
        raise ValueError(f"colour_by must be one of {', '.join(MAP_COLOURS)}; got {colour_by!r}")
    rows = np.arange(len(tracks)) if shown is None else np.asarray(shown, dtype=np.int64)
    tracks = tracks.iloc[rows]
    groups, group = (_genre_groups(tracks["genre"]) if colour_by == "genre"
                     else _bin_groups(tracks[MAP_COLUMNS[colour_by]].to_numpy(dtype=float), colour_by))
    order = np.argsort(group, kind="stable")
    low, span = coords[rows].min(axis=0), np.ptp(coords[rows], axis=0).max() or 1.0
    place = np.rint((coords[rows[order]] - low) / span * MAP_GRID).astype(int)
    songs = _hover_fields(tracks, rows, escape=str)[order]
    return {"x": place[:, 0].tolist(), "y": place[:, 1].tolist(), "group": group[order].tolist(),
            "groups": groups, "title": "" if colour_by == "genre" else MAP_COLOURS[colour_by], "axes": list(axes),
            "songs": songs.tolist()}


def map_closeup(coords: np.ndarray, tracks: pd.DataFrame, current: int, neighbours: Sequence[int]) -> go.Figure:
    """The current song (a star) and its neighbours (rings) at their `coords` (T, 2) rows, among the
    CLOSEUP_POINTS songs nearest the star on the map, zoomed to the neighbours: the small figure a
    click redraws. customdata rows start with the local track index, so a clicked point names its song."""
    neighbours = np.asarray(neighbours, dtype=np.int64)
    highlighted = np.append(neighbours, current)
    low, high = coords[highlighted].min(axis=0), coords[highlighted].max(axis=0)
    pad = np.maximum((high - low) * CLOSEUP_PAD, np.ptp(coords, axis=0) * CLOSEUP_MIN_SPAN)
    low, high = low - pad, high + pad
    inside = np.flatnonzero(((coords >= low) & (coords <= high)).all(axis=1))
    inside = inside[~np.isin(inside, highlighted)]
    distance = ((coords[inside] - coords[current]) ** 2).sum(axis=1)
    rows = np.sort(np.concatenate([inside[np.argsort(distance)[:CLOSEUP_POINTS]], highlighted]))
    # From here on, songs are positions in `rows`; the hover keeps their local indices for a click.
    near, hover = coords[rows], _hover_fields(tracks.iloc[rows], rows)
    others = np.flatnonzero(~np.isin(rows, highlighted))
    background = [_points(near, hover, others, "other songs", CLOSEUP_MARKER)] if others.size else []
    spots = _highlight_traces(near, hover, int(np.searchsorted(rows, current)), np.searchsorted(rows, neighbours))
    figure = go.Figure(background + spots)
    figure.update_layout(
        height=CLOSEUP_HEIGHT, margin={"l": 20, "r": 20, "t": 30, "b": 20}, hovermode="closest",
        clickmode="event+select", dragmode="zoom", showlegend=True,
        # Under the plot: above it, on a phone, the legend wraps to two rows and the toolbar covers the second.
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
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


def _hover_fields(tracks: pd.DataFrame, indices: np.ndarray, escape=plain_text) -> np.ndarray:
    """(len(tracks), 6) object array: local index (from `indices`), title, artist, genre, playlist
    count ("3 playlists"), popularity; names through `escape` (plotly reads HTML, the canvas text)."""
    columns = [
        indices, tracks["track_name"].map(escape), tracks["track_artist"].map(escape),
        tracks["genre"].replace("", "no genre").map(escape),
        tracks["playlist_count"].astype(int).map(lambda count: plural(count, "playlist")),
        tracks["track_popularity"].map(lambda value: "unknown" if pd.isna(value) else f"{value:.0f}"),
    ]
    hover = np.empty((len(tracks), len(columns)), dtype=object)
    for position, column in enumerate(columns):
        hover[:, position] = np.asarray(column)
    return hover


def _points(coords: np.ndarray, hover: np.ndarray, rows: np.ndarray, name: str, marker: dict) -> go.Scatter:
    """The songs at local indices `rows` as one SVG trace: a few hundred at most, so it needs no
    WebGL context, which costs most when a click redraws the figure."""
    return go.Scatter(
        x=coords[rows, 0], y=coords[rows, 1], customdata=hover[rows], name=name, mode="markers",
        marker=marker, hovertemplate=MAP_HOVER,
        # The page redraws its own highlight after a click; plotly's fading of unselected points would hide it.
        unselected={"marker": {"opacity": marker.get("opacity", 1.0)}},
    )


def _highlight_traces(coords: np.ndarray, hover: np.ndarray, current: int | None,
                      neighbours: Sequence[int]) -> list[go.Scatter]:
    """The neighbours, then the current song, as their own traces so they draw above the rest."""
    traces = []
    if len(neighbours):
        count = len(neighbours)
        traces.append(_points(coords, hover, np.asarray(neighbours, dtype=int),
                              f"its {count} neighbour{'s' if count != 1 else ''}", NEIGHBOUR_MARKER))
    if current is not None:
        traces.append(_points(coords, hover, np.array([current]), "this song", CURRENT_MARKER))
    return traces


def _genre_groups(genres: pd.Series) -> tuple[list[dict], np.ndarray]:
    """One group per genre, sorted by name, coloured from GENRE_PALETTE; each song's group."""
    names = genres.replace("", "no genre").to_numpy(dtype=str)
    labels, group = np.unique(names, return_inverse=True)
    return ([{"name": str(name), "colour": GENRE_PALETTE[i % len(GENRE_PALETTE)]} for i, name in enumerate(labels)],
            group)


def _bin_groups(values: np.ndarray, colour_by: str) -> tuple[list[dict], np.ndarray]:
    """Bins of `values` coloured along Viridis, lowest first so the highest draw on top, and a
    grey group for songs without a value; each song's group. Popularity has fixed bins of ten
    (a colour means the same on any data); playlist counts, nine in ten of them 1 or 2, bins that
    grow geometrically, so 1 and 2 get colours of their own."""
    known = values[~np.isnan(values)]
    if colour_by == "popularity":
        edges = POPULARITY_EDGES
    else:
        top = max(int(known.max(initial=0)), 1)
        edges = np.unique(np.concatenate([[0], np.round(np.geomspace(1, top + 1, num=min(top, 6) + 1))])).astype(int)
    bins = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    used = np.unique(bins[~np.isnan(values)])
    colours = sample_colorscale("Viridis", list((used + 0.5) / (len(edges) - 1)))
    groups = [{"name": _bin_label(edges, int(b), colour_by), "colour": colour} for b, colour in zip(used, colours)]
    group = np.searchsorted(used, bins)
    if np.isnan(values).any():
        group[np.isnan(values)] = len(groups)
        groups.append({"name": "unknown", "colour": UNKNOWN_COLOUR})
    return groups, group


def _bin_label(edges: np.ndarray, b: int, colour_by: str) -> str:
    """A bin's range as the legend shows it: "10–19", or "3" for a one-count bin; the last bin of
    popularity includes 100."""
    low, high = int(edges[b]), int(edges[b + 1]) - 1
    if colour_by == "popularity" and b == len(edges) - 2:
        high += 1
    return str(low) if low == high else f"{low}–{high}"
