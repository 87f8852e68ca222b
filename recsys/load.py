"""Load the songs CSV into a clean catalogue: one row per track, one edge per (playlist, track).

Files come from people's own exports, so the reader (recsys.csvfile) finds the delimiter (comma,
semicolon, tab or bar) and the encoding (UTF-8, with or without a byte-order mark, else Latin-1)
itself, and every repair made here is counted in the LoadReport with the first rows it concerned.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from recsys.config import AUDIO_FEATURES
from recsys.csvfile import DELIMITER_NAMES, read_csv
from recsys.entities import TrackLabels, codes, names_of, song_codes
from recsys.errors import RecsysError
from recsys.ids import IdMap
from recsys.words import plural, word_for

# Spotify's documented ranges. A value outside one is an error in the file, so it is treated like a
# missing value (imputed and reported) rather than stretching the 0–1 scaling of every other song.
# duration_ms has no documented top; a day is far above any song (the shipped file's longest is
# under 9 minutes) and keeps a typo like 1e308 from squashing every other song's length to 0.
FEATURE_RANGES = {
    "danceability": (0, 1), "energy": (0, 1), "key": (-1, 11), "loudness": (-60, 5), "mode": (0, 1),
    "speechiness": (0, 1), "acousticness": (0, 1), "instrumentalness": (0, 1), "liveness": (0, 1),
    "valence": (0, 1), "tempo": (0, 300), "duration_ms": (1, 24 * 60 * 60 * 1000),
}
EXAMPLE_ROWS = 3  # rows named in a report line or an error
SPOTIFY_ID = r"[0-9A-Za-z]{22}"  # a Spotify track id: 22 base-62 characters


@dataclass
class LoadReport:
    """What loading found and fixed, for the user to see once."""

    rows: int
    tracks: int
    playlists: int
    edges: int
    cold_start_tracks: int
    duplicate_rows: int  # repeated (playlist, track) rows, merged into one edge
    dropped_rows: int  # rows without a track_id
    imputed: dict = field(default_factory=dict)  # feature -> (tracks missing or non-numeric, first rows)
    out_of_range: dict = field(default_factory=dict)  # feature -> (tracks outside FEATURE_RANGES, first rows)
    conflicting: tuple = (0, [])  # (track_ids whose rows disagree on title/artist/album, first rows)
    extra_columns: list = field(default_factory=list)  # columns the app does not use
    encoding: str = "UTF-8"
    delimiter: str = ","

    def lines(self) -> list[str]:
        out = [
            f"{plural(self.rows, 'row')} → {plural(self.tracks, 'track')}, {plural(self.playlists, 'playlist')}, "
            f"{plural(self.edges, 'playlist–track edge')}, {plural(self.cold_start_tracks, 'track')} in no playlist"
        ]
        if self.encoding != "UTF-8" or self.delimiter != ",":
            out.append(f"read as {self.encoding} text separated by {DELIMITER_NAMES[self.delimiter]}")
        if self.duplicate_rows:
            out.append(f"{plural(self.duplicate_rows, 'repeated (playlist, track) row')} merged into one edge each")
        if self.dropped_rows:
            out.append(f"{plural(self.dropped_rows, 'row')} without a track_id dropped")
        for name, (count, rows) in self.imputed.items():
            out.append(f"{plural(count, 'track')} had a missing or non-numeric {name} ({_rows(rows)}); used the column median")
        for name, (count, rows) in self.out_of_range.items():
            out.append(f"{plural(count, 'track')} had a {name} outside {_range(name)} ({_rows(rows)}); used the column median")
        if self.conflicting[0]:
            have = "has" if self.conflicting[0] == 1 else "have"
            out.append(f"{plural(self.conflicting[0], 'track_id')} {have} rows that disagree on title, artist or album "
                       f"({_rows(self.conflicting[1])}); each track keeps its first row's")
        if self.extra_columns:
            out.append(f"{word_for(len(self.extra_columns), 'column')} not used: {', '.join(self.extra_columns[:10])}")
        return out

    @property
    def repairs(self) -> bool:
        """Whether loading changed or dropped anything a person should know about."""
        return bool(self.dropped_rows or self.imputed or self.out_of_range or self.conflicting[0])


def _rows(rows: list[int]) -> str:
    """ "row 5" / "rows 5, 9, 12" / "rows 5, 9, 12, …": file rows, the header being row 1."""
    shown = ", ".join(str(r) for r in rows[:EXAMPLE_ROWS])
    return f"row {shown}" if len(rows) == 1 else f"rows {shown}{', …' if len(rows) > EXAMPLE_ROWS else ''}"


def _range(name: str) -> str:
    """ "0 to 1", "-60 to 5", "1 to 86,400,000": a feature's range as a person reads it."""
    return " to ".join(f"{end:,.0f}" if float(end).is_integer() else f"{end:g}" for end in FEATURE_RANGES[name])


@dataclass
class Catalogue:
    """Tracks (row i = local track index i), playlists, their edges and features, and the codes of
    the artists, albums, songs and genres they name (recsys.entities; -1 for an empty name)."""

    # track_id, track_name, track_artist, track_album_name, track_popularity, release_year, playlist_count,
    # artist_code, album_code, song_code (versions share one), genre, subgenre, genre_inferred
    tracks: pd.DataFrame
    playlists: pd.DataFrame  # playlist_id, playlist_name, genre, subgenre, genre_code, subgenre_code
    ids: IdMap
    edge_playlist: np.ndarray  # (E,) playlist index of each edge
    edge_track: np.ndarray  # (E,) local track index of each edge
    features_raw: np.ndarray  # (T, 12) audio features, imputed, original units
    features: np.ndarray  # (T, 12) float32, min–max scaled to [0, 1]
    report: LoadReport
    artist_names: np.ndarray  # (A,) object, index = artist_code
    album_names: np.ndarray  # (B,) object, the album's name alone, index = album_code
    # Each track's playlist genres and subgenres, from every edge at load: a split keeps them whole.
    genres: TrackLabels
    subgenres: TrackLabels

    @cached_property
    def spotify_ids(self) -> bool:
        """Whether every track_id is a Spotify track id (22 base-62 characters), so that Spotify's
        player and track pages can be offered: an upload or synthetic data may use ids of its own."""
        ids = self.tracks["track_id"].astype(str)
        return len(ids) > 0 and bool(ids.str.fullmatch(SPOTIFY_ID).all())

    @property
    def genre_names(self) -> np.ndarray:
        """(G,) object, index = genre_code."""
        return self.genres.names

    def genre_counts(self, track: int) -> list[tuple[str, int]]:
        """(genre, playlists) of every playlist genre of one track, most first."""
        return self.genres.of(track)

    def has_genre(self, genres: Sequence[str], rows=slice(None)) -> np.ndarray:
        """Bool per track of tracks.iloc[rows]: in a playlist of one of `genres`, or, in none with a
        genre, its (inferred) genre is one of them."""
        return self.genres.has(genres, rows)


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and clean the CSV at `path`; raise RecsysError naming the problem if it is unusable."""
    frame, source = read_csv(Path(path))
    rows = len(frame)
    frame = frame[frame["track_id"] != ""]
    if frame.empty:
        raise RecsysError(f"{path}: no usable rows: every row's track_id is empty. Fill in track_id, one per song.")
    tracks, raw, repairs = _tracks(frame, path)
    playlists = _playlists(frame)
    ids = IdMap.from_ids(playlists["playlist_id"], tracks["track_id"])
    pairs = frame.loc[frame["playlist_id"] != "", ["playlist_id", "track_id"]]
    edges = pairs.drop_duplicates()
    edge_playlist = ids.playlist_index(edges["playlist_id"])
    edge_track = ids.track_index(edges["track_id"])
    tracks["playlist_count"] = np.bincount(edge_track, minlength=len(tracks))
    names = _add_codes(tracks, playlists, edge_playlist, edge_track)
    report = LoadReport(
        rows=rows, tracks=len(tracks), playlists=len(playlists), edges=len(edges),
        cold_start_tracks=int((tracks["playlist_count"] == 0).sum()),
        duplicate_rows=len(pairs) - len(edges), dropped_rows=rows - len(frame), **repairs, **source,
    )
    return Catalogue(tracks, playlists, ids, edge_playlist.astype(np.int64), edge_track.astype(np.int64),
                     raw, min_max_scale(raw), report, **names)


def _add_codes(tracks: pd.DataFrame, playlists: pd.DataFrame, edge_playlist: np.ndarray,
               edge_track: np.ndarray) -> dict:
    """Add the entity codes and each track's genre and subgenre to the tables; return the
    Catalogue's name tables and track labels."""
    artist, album = tracks["track_artist"], tracks["track_album_name"]
    tracks["artist_code"] = codes(artist, artist != "")
    tracks["album_code"] = codes(album + "\x00" + artist, album != "")  # one name, two artists: two albums
    tracks["song_code"] = song_codes(tracks)
    labels = {}
    for column in ("genre", "subgenre"):
        code = codes(playlists[column], playlists[column] != "")
        playlists[f"{column}_code"] = code
        labels[column] = TrackLabels.build(names_of(code, playlists[column]), edge_track, code[edge_playlist],
                                           tracks["artist_code"].to_numpy())
        tracks[column] = labels[column].shown()
    tracks["genre_inferred"] = labels["genre"].inferred
    return {"artist_names": names_of(tracks["artist_code"].to_numpy(), artist),
            "album_names": names_of(tracks["album_code"].to_numpy(), album),
            "genres": labels["genre"], "subgenres": labels["subgenre"]}


def min_max_scale(values: np.ndarray) -> np.ndarray:
    """Scale each column to [0, 1]; a constant column becomes 0 rather than dividing by zero."""
    low, high = values.min(axis=0), values.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return ((values - low) / span).astype(np.float32)


def _tracks(frame: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """One row per track_id (its first row's metadata and features), features imputed; and the
    LoadReport fields that say what was repaired."""
    first = frame.drop_duplicates("track_id")
    file_rows = first.index.to_numpy() + 2  # the header is row 1
    first = first.reset_index(drop=True)
    numeric = pd.DataFrame({name: _to_float(first[name]) for name in AUDIO_FEATURES})
    absent = numeric.isna() | np.isinf(numeric)
    outside = pd.DataFrame({name: ~absent[name] & ~numeric[name].between(*FEATURE_RANGES[name])
                            for name in AUDIO_FEATURES})
    _check_usable(path, absent, outside, file_rows)
    numeric = numeric.mask(absent | outside)
    numeric = numeric.fillna(numeric.median())
    tracks = pd.DataFrame({
        "track_id": first["track_id"],
        "track_name": first["track_name"],
        "track_artist": first["track_artist"],
        "track_album_name": first["track_album_name"],
        "track_popularity": pd.to_numeric(first["track_popularity"], errors="coerce"),
        "release_year": release_year(first["track_album_release_date"]),
    })
    repairs = {
        "imputed": _where(absent, file_rows), "out_of_range": _where(outside, file_rows),
        "conflicting": _conflicts(frame),
    }
    return tracks, numeric.to_numpy(dtype=np.float64), repairs


def _check_usable(path: Path, absent: pd.DataFrame, outside: pd.DataFrame, file_rows: np.ndarray) -> None:
    """Refuse a feature column with no value to impute from, saying why: no numbers, or none in range."""
    unusable = absent | outside
    no_numbers = [name for name in AUDIO_FEATURES if absent[name].all()]
    out_of_range = [name for name in AUDIO_FEATURES if unusable[name].all() and outside[name].any()]
    problems = []
    if no_numbers:
        problems.append(f"No usable numeric values in {word_for(len(no_numbers), 'column')}: {', '.join(no_numbers)} "
                        f"({_rows(file_rows.tolist())}). Fill them with numbers.")
    for name in out_of_range:
        problems.append(f"Every {name} given is out of range ({_rows(file_rows[outside[name].to_numpy()].tolist())}): "
                        f"{name} runs from {_range(name)}. Convert the column to that scale (it may use another, "
                        "such as percent) and try again.")
    if problems:
        raise RecsysError(f"{path}: {' '.join(problems)}")


def release_year(dates: pd.Series) -> pd.Series:
    """The year of "2012-01-01", "2012-01" or "2012" as a float; NaN where there is none."""
    return pd.to_numeric(dates.str.extract(r"^(\d{4})", expand=False), errors="coerce").astype("float64")


def _where(flags: pd.DataFrame, file_rows: np.ndarray) -> dict:
    """feature -> (how many rows are flagged, their first file rows), for flagged features only."""
    return {name: (int(flags[name].sum()), file_rows[flags[name].to_numpy()][:EXAMPLE_ROWS].tolist())
            for name in flags.columns if flags[name].any()}


def _conflicts(frame: pd.DataFrame) -> tuple[int, list[int]]:
    """track_ids whose rows name different titles, artists or albums: (how many, first file rows)."""
    identity = frame[["track_id", "track_name", "track_artist", "track_album_name"]].drop_duplicates()
    clashing = identity["track_id"].duplicated(keep=False)
    later = identity.index[clashing & identity["track_id"].duplicated()]  # the disagreeing rows
    return int(identity.loc[clashing, "track_id"].nunique()), (later.to_numpy() + 2)[:EXAMPLE_ROWS].tolist()


def _to_float(text: pd.Series) -> pd.Series:
    """Parse a text column as floats; anything unparseable (blank, "n/a", "fast") becomes NaN."""
    try:
        return text.astype("float64")  # Arrow's strict cast: fast, and right whenever all values parse
    except (ValueError, TypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64")


def _playlists(frame: pd.DataFrame) -> pd.DataFrame:
    listed = frame[frame["playlist_id"] != ""].drop_duplicates("playlist_id")
    return pd.DataFrame({
        "playlist_id": listed["playlist_id"],
        "playlist_name": listed["playlist_name"],
        "genre": listed["playlist_genre"],
        "subgenre": listed["playlist_subgenre"],
    }).reset_index(drop=True)
