"""A recommendation list as people read it and keep it: its scores' precision, CSV for
spreadsheets, M3U for music players, plain text for terminals."""

import re

import numpy as np
import pandas as pd

FEWEST_DECIMALS, MOST_DECIMALS = 3, 6

SPOTIFY_TRACK_URL = "https://open.spotify.com/track/"
CSV_COLUMNS = {"rank": "rank", "track_name": "title", "track_artist": "artist", "track_album_name": "album",
               "release_year": "year", "genre": "genre", "score": "score", "cosine": "cosine", "track_id": "track_id"}
CSV_TEXT_COLUMNS = ("title", "artist", "album", "genre", "track_id")  # names from the data; the rest are numbers
# A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection").
FORMULA_START = re.compile(r"[=+\-@\t\r]")


def score_decimals(scores) -> int:
    """The fewest decimals (at least 3) at which the list's different scores read differently:
    two songs then show one number only when they score the same to a millionth."""
    values = np.asarray(scores, dtype=np.float64)
    distinct = len(np.unique(np.round(values, MOST_DECIMALS)))
    for decimals in range(FEWEST_DECIMALS, MOST_DECIMALS):
        if len(np.unique(np.round(values, decimals))) == distinct:
            return decimals
    return MOST_DECIMALS


def as_csv(table: pd.DataFrame) -> bytes:
    """The list (a Recommender.neighbours_table) as UTF-8 CSV with a byte-order mark, so that
    spreadsheet programs read accented names right, and no name runs as a formula."""
    present = {column: name for column, name in CSV_COLUMNS.items() if column in table}
    out = table[list(present)].rename(columns=present)
    if "year" in out:
        out["year"] = out["year"].astype("Int64")  # 2019, not 2019.0; unknown stays empty
    for column in CSV_TEXT_COLUMNS:
        if column in out:
            out[column] = not_a_formula(out[column])
    # RFC 4180's CRLF rows: with "\n" alone the csv module would leave a lone "\r" in a name unquoted,
    # and spreadsheets end the row there.
    return out.to_csv(index=False, float_format="%.6f", lineterminator="\r\n").encode("utf-8-sig")


def not_a_formula(cells: pd.Series) -> pd.Series:
    """Text cells with an apostrophe put before any that a spreadsheet would run as a formula
    ("=HYPERLINK(…)", "+44 Song", "@handle"): it then shows the text, apostrophe hidden."""
    text = cells.astype("string")  # missing stays missing
    return text.mask(text.str.match(FORMULA_START, na=False), "'" + text)


def as_m3u(table: pd.DataFrame, durations_ms, title: str) -> bytes:
    """The list as an extended M3U playlist named `title`: each song's length, "artist - title",
    and its Spotify link. Line breaks inside names are flattened: each would start a new entry."""
    lines = ["#EXTM3U", f"#PLAYLIST:{_one_line(title)}"]
    for row, duration in zip(table.itertuples(), durations_ms):
        lines.append(f"#EXTINF:{round(duration / 1000)},{_one_line(row.track_artist)} - {_one_line(row.track_name)}")
        lines.append(SPOTIFY_TRACK_URL + _one_line(row.track_id))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _one_line(text) -> str:
    return re.sub(r"[\r\n\x0b\x0c\x85\u2028\u2029]+", " ", str(text)).strip()


# A terminal acts on these instead of showing them: CSI (colours, cursor moves, clearing the screen),
# OSC/DCS/SOS/PM/APC strings (window titles, hyperlinks, clipboard writes) up to their terminator or
# the end of the text, the other escape sequences, each in its 7-bit (ESC …) or 8-bit (C1) form.
TERMINAL_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|\Z)"
    r"|\x1b[ -/]*[0-~]?",
    re.DOTALL,
)
LINE_BREAKS = re.compile(r"[\t\n\x0b\x0c\r\x85\u2028\u2029]+")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def terminal_text(text) -> str:
    """`text` as a terminal should print a name: one line (breaks and tabs become spaces) with every
    control sequence and control character taken out, so a name cannot recolour, retitle, link or
    clear anything, only show its visible characters."""
    text = TERMINAL_SEQUENCE.sub("", str(text))
    return CONTROL_CHARACTERS.sub("", LINE_BREAKS.sub(" ", text))
