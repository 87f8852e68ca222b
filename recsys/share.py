"""A recommendation list as people read it and keep it: its scores' precision, CSV for
spreadsheets, M3U for music players."""

import re

import numpy as np
import pandas as pd

FEWEST_DECIMALS, MOST_DECIMALS = 3, 6

SPOTIFY_TRACK_URL = "https://open.spotify.com/track/"
CSV_COLUMNS = {"rank": "rank", "track_name": "title", "track_artist": "artist", "track_album_name": "album",
               "release_year": "year", "genre": "genre", "score": "score", "cosine": "cosine", "track_id": "track_id"}


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
    spreadsheet programs read accented names right."""
    present = {column: name for column, name in CSV_COLUMNS.items() if column in table}
    out = table[list(present)].rename(columns=present)
    if "year" in out:
        out["year"] = out["year"].astype("Int64")  # 2019, not 2019.0; unknown stays empty
    return out.to_csv(index=False, float_format="%.6f").encode("utf-8-sig")


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
