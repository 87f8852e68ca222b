"""recsys/map_charts.py: the canvas map's payload (and the canvas map's script), the close-up and caption."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recsys.map_charts import MAP_COLOURS, MAP_GRID, map_points

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


def drawn(payload: dict) -> dict[int, tuple]:
    """{local index: (x, y, group name, hover fields)} of every song in a map payload."""
    return {song[0]: (x, y, payload["groups"][g]["name"], tuple(song[1:]))
            for song, x, y, g in zip(payload["songs"], payload["x"], payload["y"], payload["group"])}


@pytest.mark.parametrize("colour_by", list(MAP_COLOURS))
def test_map_draws_every_song_once_at_its_place_on_one_square_grid(colour_by):
    payload = map_points(MAP_COORDS, MAP_TRACKS, colour_by)
    songs = drawn(payload)
    assert sorted(songs) == list(range(8)) and len(payload["songs"]) == 8
    place = (MAP_COORDS - MAP_COORDS.min(axis=0)) / np.ptp(MAP_COORDS, axis=0).max() * MAP_GRID  # one scale: no stretching
    for index, (x, y, _, _) in songs.items():
        assert (x, y) == pytest.approx(tuple(place[index]), abs=0.5)


@pytest.mark.parametrize("colour_by", list(MAP_COLOURS))
def test_map_lists_songs_group_by_group_so_each_group_draws_in_one_go(colour_by):
    group = map_points(MAP_COORDS, MAP_TRACKS, colour_by)["group"]
    assert group == sorted(group)


def test_map_has_one_group_per_genre_sorted_with_distinct_colours():
    payload = map_points(MAP_COORDS, MAP_TRACKS, "genre")
    assert [group["name"] for group in payload["groups"]] == ["no genre", "r&b", "rock"]
    assert [song[0] for song in payload["songs"]] == [3, 1, 4, 6, 0, 2, 5, 7]
    assert len({group["colour"] for group in payload["groups"]}) == 3 and payload["title"] == ""


def test_map_hover_fields_are_the_songs_own_words_as_plain_text():
    # The canvas sets them as text (textContent), so they are not escaped: an escape would show.
    songs = drawn(map_points(MAP_COORDS, MAP_TRACKS, "popularity"))
    assert songs[0][3] == (HOSTILE, "Artist 0", "rock", "1 playlist", "10")
    assert songs[1][3][1] == HOSTILE and songs[2][3][4] == "unknown" and songs[3][3][2] == "no genre"


def test_map_popularity_bins_of_ten_lowest_first_and_unknowns_grey():
    payload = map_points(MAP_COORDS, MAP_TRACKS, "popularity")
    names = [group["name"] for group in payload["groups"]]
    assert names == ["10–19", "20–29", "40–49", "50–59", "60–69", "70–79", "80–89", "unknown"]
    assert payload["title"] == "Popularity" and payload["groups"][-1]["colour"] == "#9e9e9e"
    assert drawn(payload)[2][2] == "unknown" and drawn(payload)[7][2] == "80–89"  # the most popular drawn last


def test_map_playlist_bins_give_one_and_two_playlists_colours_of_their_own():
    payload = map_points(MAP_COORDS, MAP_TRACKS, "playlist_count")
    assert [group["name"] for group in payload["groups"]] == ["0", "1", "2", "3", "6–8"]
    songs = drawn(payload)
    assert songs[0][2] == "1" and songs[2][2] == "2" and songs[4][2] == "6–8"


def test_a_map_of_some_songs_draws_only_those_and_names_each_by_its_own_index():
    payload = map_points(MAP_COORDS, MAP_TRACKS, "genre", shown=np.array([0, 2, 4]))
    songs = drawn(payload)
    assert sorted(songs) == [0, 2, 4]
    assert songs[4][3][0] == "Song 4" and songs[4][2] == "r&b"


def test_map_carries_its_axis_titles():
    assert map_points(MAP_COORDS, MAP_TRACKS, "genre", axes=("component 1", "component 2"))["axes"] == [
        "component 1", "component 2"]


def test_map_payload_is_plain_json():
    payload = map_points(MAP_COORDS, MAP_TRACKS, "genre")
    assert json.loads(json.dumps(payload)) == payload


def test_map_rejects_an_unknown_colouring_naming_the_choices():
    with pytest.raises(ValueError, match="genre, popularity, playlist_count"):
        map_points(MAP_COORDS, MAP_TRACKS, "tempo")


def test_the_canvas_map_sets_names_as_text_and_asks_nothing_of_other_hosts():
    script = (Path(__file__).parent.parent / "pages" / "widgets" / "song_map.js").read_text()
    assert "textContent" in script
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|https?://|fetch\(|import\(", script)
