"""recsys/share.py: a recommendation list as CSV and M3U, read back."""

import csv
import io

import numpy as np
import pandas as pd

from recsys.share import as_csv, as_m3u, score_decimals

TABLE = pd.DataFrame({
    "track": [4, 9], "rank": [1, 2], "track_id": ["id4", "id9"],
    "track_name": ["Señorita", "Two\nLines"], "track_artist": ["Shawn, Camila", "B"],
    "track_album_name": ["X", "Y"], "release_year": [2019.0, np.nan], "genre": ["pop", "rock"],
    "playlist_count": [3, 0], "score": [0.8765432, 0.5], "cosine": [0.98765, 0.5],
})


def test_the_csv_reads_back_with_names_commas_and_accents_intact():
    data = as_csv(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Señorita", "Two\nLines"]
    assert rows[0] == {"rank": "1", "title": "Señorita", "artist": "Shawn, Camila", "album": "X", "year": "2019",
                       "genre": "pop", "score": "0.876543", "cosine": "0.987650", "track_id": "id4"}
    assert rows[1]["year"] == ""


def test_the_m3u_has_one_entry_per_song_and_no_name_can_break_a_line():
    text = as_m3u(TABLE, [215000, 61400], "Like\nSeñorita").decode("utf-8")
    assert text.splitlines() == [
        "#EXTM3U",
        "#PLAYLIST:Like Señorita",
        "#EXTINF:215,Shawn, Camila - Señorita",
        "https://open.spotify.com/track/id4",
        "#EXTINF:61,B - Two Lines",
        "https://open.spotify.com/track/id9",
    ]


def test_scores_show_three_decimals_unless_more_are_needed_to_tell_songs_apart():
    assert score_decimals([0.9, 0.8512, 0.8498]) == 3
    assert score_decimals([0.9, 0.85121, 0.85119]) == 5
    assert score_decimals([0.5, 0.5]) == 3  # truly equal: no precision tells them apart
    assert score_decimals([0.123456, 0.123457]) == 6
    assert score_decimals([0.1234561, 0.1234564]) == 3  # equal to a millionth: shown as equal
