"""recsys/map_charts.py: the embedding map, its close-up and caption."""

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from recsys.charts import plain_text
from recsys.map_charts import MAP_COLOURS, embedding_map

HOSTILE = "<img src=x onerror=alert(1)>"
# Eight songs: two genres plus one without, a hostile title and artist, one song without a popularity.
MAP_TRACKS = pd.DataFrame({
    "track_id": [f"t{i}" for i in range(8)],
    "track_name": [HOSTILE] + [f"Song {i}" for i in range(1, 8)],
    "track_artist": ["Artist 0", HOSTILE] + [f"Artist {i}" for i in range(2, 8)],
    "track_album_name": [f"Album {i}" for i in range(8)],
    "track_popularity": [10, 20, np.nan, 40, 50, 60, 70, 80],
    "release_year": [2000.0] * 8,
    "genre": ["rock", "r&b", "rock", "", "r&b", "rock", "r&b", "rock"],
    "playlist_count": [1, 1, 2, 0, 8, 1, 3, 1],
})
MAP_COORDS = np.arange(16, dtype=np.float32).reshape(8, 2) / 10


def song_points(figure: go.Figure) -> list[tuple[int, float, float]]:
    """(local index from customdata, x, y) of every point in every trace."""
    return [(int(row[0]), x, y) for trace in figure.data for row, x, y in zip(trace.customdata, trace.x, trace.y)]


@pytest.mark.parametrize("colour_by", list(MAP_COLOURS))
def test_map_customdata_names_the_row_each_point_is_drawn_from(colour_by):
    figure = embedding_map(MAP_COORDS, MAP_TRACKS, colour_by, current=2, neighbours=[3, 5])
    assert all(isinstance(trace, go.Scattergl) for trace in figure.data)
    for index, x, y in song_points(figure):
        assert (x, y) == tuple(MAP_COORDS[index])
    for trace in figure.data:
        for row in trace.customdata:
            assert row[1] == plain_text(MAP_TRACKS["track_name"][row[0]])


@pytest.mark.parametrize("colour_by", list(MAP_COLOURS))
def test_map_draws_every_song_once_behind_the_highlights(colour_by):
    figure = embedding_map(MAP_COORDS, MAP_TRACKS, colour_by, current=None, neighbours=[])
    assert sorted(index for index, _, _ in song_points(figure)) == list(range(8))


def test_map_has_one_trace_per_genre_sorted_with_a_legend():
    figure = embedding_map(MAP_COORDS, MAP_TRACKS, "genre", current=None, neighbours=[])
    assert [trace.name for trace in figure.data] == ["no genre", "r&amp;b", "rock"]
    assert [[int(row[0]) for row in trace.customdata] for trace in figure.data] == [[3], [1, 4, 6], [0, 2, 5, 7]]
    assert len({trace.marker.color for trace in figure.data}) == 3


def test_map_highlights_exactly_the_current_song_and_its_neighbours_on_top():
    figure = embedding_map(MAP_COORDS, MAP_TRACKS, "genre", current=2, neighbours=[3, 5, 7])
    *background, neighbours, current = figure.data
    assert neighbours.name == "its 3 neighbours" and [int(row[0]) for row in neighbours.customdata] == [3, 5, 7]
    assert current.name == "this song" and [int(row[0]) for row in current.customdata] == [2]
    assert current.marker.symbol == "star" and current.marker.size > neighbours.marker.size
    assert neighbours.marker.size > background[0].marker.size and neighbours.marker.line.width > 0
    assert all(trace.marker.opacity == pytest.approx(0.35) for trace in background)


def test_map_without_a_current_song_has_no_highlights_and_is_not_dimmed():
    figure = embedding_map(MAP_COORDS, MAP_TRACKS, "genre", current=None, neighbours=[])
    assert not {"this song"} & {trace.name for trace in figure.data}
    assert all(trace.marker.opacity > 0.35 for trace in figure.data)


def test_map_escapes_html_in_names_in_the_hover():
    figure = embedding_map(MAP_COORDS, MAP_TRACKS, "popularity", current=0, neighbours=[1])
    strings = [value for trace in figure.data for row in trace.customdata for value in row if isinstance(value, str)]
    assert not any("<" in value or ">" in value for value in strings)
    assert strings.count("&lt;img src=x onerror=alert(1)&gt;") == 4  # title and artist, background and highlight
    assert all("customdata[1]" in trace.hovertemplate for trace in figure.data)


def test_map_popularity_is_one_coloured_trace_and_unknowns_are_grey():
    figure = embedding_map(MAP_COORDS, MAP_TRACKS, "popularity", current=None, neighbours=[])
    scale, unknown = figure.data
    assert scale.marker.colorbar.title.text == "Popularity" and scale.marker.showscale
    assert list(scale.marker.color) == sorted(scale.marker.color)  # the most popular drawn last, on top
    assert [int(row[0]) for row in unknown.customdata] == [2] and unknown.customdata[0][5] == "unknown"


def test_map_playlist_colour_bar_is_labelled_in_counts():
    figure = embedding_map(MAP_COORDS, MAP_TRACKS, "playlist_count", current=None, neighbours=[])
    (scale,) = figure.data
    assert scale.marker.colorbar.title.text == "Playlists"
    assert list(scale.marker.colorbar.ticktext) == ["0", "1", "2", "3", "5", "8"]
    np.testing.assert_allclose(scale.marker.colorbar.tickvals, np.log1p([0, 1, 2, 3, 5, 8]))


def test_map_layout_suits_clicking_a_point():
    layout = embedding_map(MAP_COORDS, MAP_TRACKS, "genre", current=None, neighbours=[]).layout
    assert layout.clickmode == "event+select"
    assert layout.xaxis.title.text == "component 1" and layout.yaxis.title.text == "component 2"
    assert layout.xaxis.showticklabels is False and layout.yaxis.showticklabels is False


def test_map_customdata_reaches_the_browser_as_plain_lists():
    # A typed (base64) array would reach Streamlit's selection as {"0": index}, not [index, ...].
    spec = json.loads(embedding_map(MAP_COORDS, MAP_TRACKS, "genre", current=2, neighbours=[3]).to_json())
    assert all(isinstance(trace["customdata"][0][0], int) for trace in spec["data"])


def test_map_rejects_an_unknown_colouring_naming_the_choices():
    with pytest.raises(ValueError, match="genre, popularity, playlist_count"):
        embedding_map(MAP_COORDS, MAP_TRACKS, "tempo", current=None, neighbours=[])


def test_a_map_of_some_songs_draws_those_and_the_highlights_and_names_each_by_its_own_index():
    figure = embedding_map(MAP_COORDS, MAP_TRACKS, "genre", current=6, neighbours=[3, 7], shown=np.array([0, 2, 4]))
    points = song_points(figure)
    assert sorted({index for index, _, _ in points}) == [0, 2, 3, 4, 6, 7]
    for index, x, y in points:
        assert (x, y) == tuple(MAP_COORDS[index])
    assert [int(row[0]) for row in figure.data[-1].customdata] == [6]  # the star
    assert sorted(int(row[0]) for row in figure.data[-2].customdata) == [3, 7]
    names = {int(row[0]): row[1] for trace in figure.data for row in trace.customdata}
    assert names[6] == "Song 6" and names[3] == "Song 3"
