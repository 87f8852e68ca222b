"""Load the songs CSV into a clean catalogue: one row per track, one edge per (playlist, track)."""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from recsys.config import AUDIO_FEATURES, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from recsys.errors import RecsysError
from recsys.ids import IdMap

TEXT_COLUMNS = tuple(c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c not in AUDIO_FEATURES)


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
    imputed: dict = field(default_factory=dict)  # feature -> tracks whose value was missing

    def lines(self) -> list[str]:
        out = [
            f"{self.rows:,} rows → {self.tracks:,} tracks, {self.playlists:,} playlists, "
            f"{self.edges:,} playlist–track edges, {self.cold_start_tracks:,} tracks in no playlist"
        ]
        if self.duplicate_rows:
            out.append(f"{self.duplicate_rows:,} repeated (playlist, track) rows merged into one edge each")
        if self.dropped_rows:
            out.append(f"{self.dropped_rows:,} rows without a track_id dropped")
        for name, count in self.imputed.items():
            out.append(f"{count:,} tracks had a missing or non-numeric {name}; used the column median")
        return out


@dataclass
class Catalogue:
    """Tracks (row i = local track index i), playlists, their edges and features."""

    tracks: pd.DataFrame  # track_id, track_name, track_artist, track_album_name, track_popularity, genre, playlist_count
    playlists: pd.DataFrame  # playlist_id, playlist_name, genre, subgenre
    ids: IdMap
    edge_playlist: np.ndarray  # (E,) playlist index of each edge
    edge_track: np.ndarray  # (E,) local track index of each edge
    features_raw: np.ndarray  # (T, 12) audio features, imputed, original units
    features: np.ndarray  # (T, 12) float32, min–max scaled to [0, 1]
    report: LoadReport


def load_catalogue(path: str | Path) -> Catalogue:
    """Read and clean the CSV at `path`; raise RecsysError naming the problem if it is unusable."""
    frame = _read_csv(Path(path))
    rows = len(frame)
    frame = frame[frame["track_id"] != ""]
    if frame.empty:
        raise RecsysError(f"{path}: no usable rows (every row lacks a track_id).")
    tracks, raw, imputed = _tracks(frame)
    playlists = _playlists(frame)
    ids = IdMap.from_ids(playlists["playlist_id"], tracks["track_id"])
    pairs = frame.loc[frame["playlist_id"] != "", ["playlist_id", "track_id"]]
    edges = pairs.drop_duplicates()
    edge_playlist = ids.playlist_index(edges["playlist_id"])
    edge_track = ids.track_index(edges["track_id"])
    tracks["playlist_count"] = np.bincount(edge_track, minlength=len(tracks))
    report = LoadReport(
        rows=rows, tracks=len(tracks), playlists=len(playlists), edges=len(edges),
        cold_start_tracks=int((tracks["playlist_count"] == 0).sum()),
        duplicate_rows=len(pairs) - len(edges), dropped_rows=rows - len(frame), imputed=imputed,
    )
    return Catalogue(tracks, playlists, ids, edge_playlist.astype(np.int64), edge_track.astype(np.int64),
                     raw, min_max_scale(raw), report)


def min_max_scale(values: np.ndarray) -> np.ndarray:
    """Scale each column to [0, 1]; a constant column becomes 0 rather than dividing by zero."""
    low, high = values.min(axis=0), values.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return ((values - low) / span).astype(np.float32)


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise RecsysError(f"Data file not found: {path}")
    try:
        frame = _parse(path)
    except pd.errors.EmptyDataError:
        raise RecsysError(f"{path}: the file is empty.") from None
    except (ValueError, UnicodeDecodeError, OSError) as err:
        raise RecsysError(f"{path}: could not be read as a CSV file ({_first_line(err)}).") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise RecsysError(f"{path}: missing required column(s): {', '.join(missing)}.")
    if frame.empty:
        raise RecsysError(f"{path}: no usable rows (the file has a header but no data).")
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].str.strip() if column in frame.columns else ""
    return frame


def _parse(path: Path) -> pd.DataFrame:
    """The CSV with stripped column names; text columns as text, audio features as floats.

    Text is read with no NA guessing: a song titled "NA" is a title, not a gap. Features are
    parsed by Arrow as floats when every value is a number, else read as text and coerced
    (and imputed) by `_tracks`.
    """
    names = {str(raw).strip(): raw for raw in pd.read_csv(path, nrows=0).columns}
    text = {names[c]: str for c in TEXT_COLUMNS if c in names}
    features = [names[c] for c in AUDIO_FEATURES if c in names]
    options = {"keep_default_na": False, "engine": "pyarrow"}
    try:
        frame = pd.read_csv(path, dtype=text | dict.fromkeys(features, "float64"), **options)
    except ValueError:  # a feature value that is not a number
        frame = pd.read_csv(path, dtype=text | dict.fromkeys(features, str), **options)
    return frame.rename(columns=lambda raw: str(raw).strip())


def _tracks(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """One row per track_id (its first row's metadata and features), features imputed."""
    first = frame.drop_duplicates("track_id").reset_index(drop=True)
    numeric = pd.DataFrame({name: _to_float(first[name]) for name in AUDIO_FEATURES})
    numeric = numeric.replace([np.inf, -np.inf], np.nan)
    missing = numeric.isna().sum()
    empty = [name for name in AUDIO_FEATURES if missing[name] == len(numeric)]
    if empty:
        raise RecsysError(f"No numeric values in column(s): {', '.join(empty)}.")
    numeric = numeric.fillna(numeric.median())
    tracks = pd.DataFrame({
        "track_id": first["track_id"],
        "track_name": first["track_name"],
        "track_artist": first["track_artist"],
        "track_album_name": first["track_album_name"],
        "track_popularity": pd.to_numeric(first["track_popularity"], errors="coerce"),
        "genre": _main_genre(frame, first["track_id"]),
    })
    imputed = {name: int(missing[name]) for name in AUDIO_FEATURES if missing[name]}
    return tracks, numeric.to_numpy(dtype=np.float64), imputed


def _to_float(text: pd.Series) -> pd.Series:
    """Parse a text column as floats; anything unparseable (blank, "n/a", "fast") becomes NaN."""
    try:
        return text.astype("float64")  # Arrow's strict cast: fast, and right whenever all values parse
    except (ValueError, TypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64")


def _main_genre(frame: pd.DataFrame, track_ids: pd.Series) -> np.ndarray:
    """The genre of the playlists a track appears in most often (first seen on a tie)."""
    labelled = frame.loc[frame["playlist_genre"] != "", ["track_id", "playlist_genre"]]
    counts = labelled.groupby(["track_id", "playlist_genre"], sort=False).size().rename("n").reset_index()
    best = counts.sort_values("n", ascending=False, kind="stable").drop_duplicates("track_id")
    genre = track_ids.map(best.set_index("track_id")["playlist_genre"]).to_numpy(dtype=object)
    return np.where(pd.isna(genre), "", genre).astype(object)  # no genre column or value: ""


def _playlists(frame: pd.DataFrame) -> pd.DataFrame:
    listed = frame[frame["playlist_id"] != ""].drop_duplicates("playlist_id")
    return pd.DataFrame({
        "playlist_id": listed["playlist_id"],
        "playlist_name": listed["playlist_name"],
        "genre": listed["playlist_genre"],
        "subgenre": listed["playlist_subgenre"],
    }).reset_index(drop=True)


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__
