"""recsys/share.py: a recommendation list as CSV and M3U, read back."""

import csv
import io

import numpy as np
import pandas as pd
import pytest

from recsys.share import as_csv, as_m3u, score_decimals, terminal_text

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


def csv_rows(table: pd.DataFrame) -> list[dict]:
    """The rows of `table`'s CSV as a spreadsheet would read them."""
    return list(csv.DictReader(io.StringIO(as_csv(table).decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("name, cell", [
    ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
    ("+44 Song", "'+44 Song"),  # the shipped data has titles starting "+" and "@"
    ("-1 title", "'-1 title"),
    ("@handle", "'@handle"),
    ("\tTabbed", "'\tTabbed"),
    ("\rReturn", "'\rReturn"),
    ("Señorita", "Señorita"),  # anything else is left as it is
    ("a=b+c", "a=b+c"),  # only the first character makes a formula
])
def test_no_name_in_the_csv_starts_like_a_formula(name, cell):
    """Regression (OWASP "CSV Injection"): a title like =HYPERLINK(…) ran when the CSV was opened."""
    table = TABLE.assign(track_name=name, track_artist=name, track_album_name=name, genre=name, track_id=name)
    for row in csv_rows(table):
        assert [row[column] for column in ("title", "artist", "album", "genre", "track_id")] == [cell] * 5


def test_numbers_in_the_csv_stay_numbers_negative_ones_included():
    rows = csv_rows(TABLE.assign(cosine=[-0.5, 0.25]))
    assert [row["cosine"] for row in rows] == ["-0.500000", "0.250000"]  # not "'-0.500000"
    assert [(row["rank"], row["year"], row["score"]) for row in rows] == [("1", "2019", "0.876543"), ("2", "", "0.500000")]


def test_a_carriage_return_inside_a_name_never_ends_its_row():
    """Regression: rows ended in "\\n" alone, so the csv module left a lone "\\r" unquoted and a
    spreadsheet started a new row there."""
    rows = csv_rows(TABLE.assign(track_artist=["a\rb", "c\r\nd"]))
    assert [row["artist"] for row in rows] == ["a\rb", "c\r\nd"]


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


@pytest.mark.parametrize("name, shown", [
    ("\x1b[31mRed\x1b[0m", "Red"),  # ANSI colour
    ("\x1b]8;;http://x\x07link\x1b]8;;\x07", "link"),  # OSC 8: a hidden hyperlink
    ("\x1b]0;title\x07Name", "Name"),  # OSC 0: retitles the window
    ("Copy\x1b]52;c;aGk=\x1b\\me", "Copyme"),  # OSC 52, ended by ESC \: writes the clipboard
    ("Clear\x9b2J", "Clear"),  # 8-bit CSI: clears the screen
    ("Bell\x07\x00\x7f\x85x", "Bell x"),  # lone control characters; NEL is a line break
    ("Two\nLines\tand\rmore", "Two Lines and more"),  # names print on one line
    ("Dangling\x1b]0;rest of it", "Dangling"),  # unterminated: a terminal would swallow the rest too
    ("Señorita — Shawn, Camila", "Señorita — Shawn, Camila"),
])
def test_terminal_text_keeps_only_what_a_terminal_shows(name, shown):
    assert terminal_text(name) == shown
