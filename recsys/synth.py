"""A synthetic songs file in the shipped format, at any size, for benchmarks and scale tests.

Its shape follows the real data's: playlist lengths and track popularity follow power laws, most
artists have one or two songs and a few have a hundred, albums hold a song or a few, audio features
and release years depend on the genre, and playlists keep to a genre and return to a few artists.
Songs no playlist drew are written as rows with an empty playlist_id: cold-start tracks.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from recsys.config import AUDIO_FEATURES
from recsys.errors import RecsysError
from recsys.load import FEATURE_RANGES

GENRES = {  # genre → its subgenres, as in the shipped data
    "edm": ("electro house", "big room", "pop edm", "progressive electro house"),
    "latin": ("tropical", "latin pop", "reggaeton", "latin hip hop"),
    "pop": ("dance pop", "post-teen pop", "electropop", "indie poptimism"),
    "r&b": ("urban contemporary", "hip pop", "new jack swing", "neo soul"),
    "rap": ("hip hop", "southern hip hop", "gangster rap", "trap"),
    "rock": ("album rock", "classic rock", "permanent wave", "hard rock"),
}
# Per-genre means of the continuous features in the shipped data (danceability … tempo, duration),
# and a within-genre spread a little below the catalogue-wide standard deviation.
MEANS = {
    "edm": (0.655, 0.802, -5.43, 0.087, 0.082, 0.219, 0.212, 0.401, 125.8, 222_541),
    "latin": (0.713, 0.708, -6.26, 0.103, 0.211, 0.044, 0.181, 0.606, 118.6, 216_863),
    "pop": (0.639, 0.701, -6.32, 0.074, 0.171, 0.060, 0.177, 0.504, 120.7, 217_768),
    "r&b": (0.670, 0.591, -7.87, 0.117, 0.260, 0.029, 0.175, 0.531, 114.2, 237_599),
    "rap": (0.718, 0.651, -7.04, 0.198, 0.192, 0.076, 0.192, 0.505, 120.7, 214_164),
    "rock": (0.521, 0.733, -7.59, 0.058, 0.145, 0.062, 0.203, 0.537, 125.0, 248_577),
}
CONTINUOUS = ("danceability", "energy", "loudness", "speechiness", "acousticness", "instrumentalness",
              "liveness", "valence", "tempo", "duration_ms")
SPREAD = (0.13, 0.16, 2.7, 0.09, 0.2, 0.2, 0.14, 0.21, 24.0, 54_000)
MAJOR_SHARE = {"edm": 0.52, "latin": 0.56, "pop": 0.59, "r&b": 0.52, "rap": 0.52, "rock": 0.70}
MEDIAN_YEAR = {"edm": 2018, "latin": 2017, "pop": 2016, "r&b": 2014, "rap": 2017, "rock": 2000}
SONGS_PER_ARTIST = 2.65  # the shipped data's mean; its median is 1 and its largest 130
SONGS_PER_ALBUM = 1.3
ARTISTS_PER_PLAYLIST = 6  # a playlist returns to a few artists for half of its songs
COLUMNS = ("track_id", "track_name", "track_artist", "track_popularity", "track_album_id", "track_album_name",
           "track_album_release_date", "playlist_name", "playlist_id", "playlist_genre", "playlist_subgenre"
           ) + AUDIO_FEATURES


def synthesize(tracks: int, playlists: int, mean_length: float = 50.0, seed: int = 0) -> pd.DataFrame:
    """Rows of a songs file with `tracks` songs and `playlists` playlists of about `mean_length`
    songs (at least 5 drawn each; a song drawn twice for one playlist is kept once), in the shipped
    file's columns."""
    if tracks < 10 or playlists < 1 or mean_length < 5:
        raise RecsysError("A synthetic catalogue needs at least 10 tracks, 1 playlist and a mean length of 5.")
    rng = np.random.default_rng(seed)
    song = _songs(tracks, rng)
    pl_genre = rng.integers(0, len(GENRES), playlists)
    member, track = _memberships(song, pl_genre, mean_length, rng)
    member, track = np.unique(np.stack([member, track]), axis=1)  # a song once per playlist
    cold = np.setdiff1d(np.arange(tracks), track)  # songs no playlist drew: rows in no playlist
    rows = np.concatenate([track, cold])
    pl = np.concatenate([member, np.full(len(cold), -1)])
    return _frame(song, pl_genre, rows, pl, rng)


def write_synthetic(path: str | Path, tracks: int, playlists: int, mean_length: float = 50.0, seed: int = 0) -> int:
    """Write `synthesize(...)` as CSV to `path`; returns the number of rows."""
    frame = synthesize(tracks, playlists, mean_length, seed)
    frame.to_csv(path, index=False)
    return len(frame)


def _songs(tracks: int, rng: np.random.Generator) -> dict:
    """Each song's artist, album, genre (its artist's) and popularity weight."""
    # Artist sizes from a Pareto law with the shipped data's mean (median 1, a long tail). An
    # artist's songs are contiguous, which makes "a random song by this artist" one computation.
    alpha = SONGS_PER_ARTIST / (SONGS_PER_ARTIST - 1)  # a Pareto(alpha) from 1 has this mean
    sizes = np.floor(rng.pareto(alpha, tracks) + 1).astype(np.int64)
    artist = np.repeat(np.arange(tracks), sizes)[:tracks]
    genre = rng.integers(0, len(GENRES), artist[-1] + 1)[artist]
    # Albums: runs of consecutive songs of one artist, a new album with probability 1/SONGS_PER_ALBUM.
    new_album = (rng.random(tracks) < 1 / SONGS_PER_ALBUM) | np.r_[True, artist[1:] != artist[:-1]]
    album = np.cumsum(new_album) - 1
    popularity = rng.pareto(2.5, tracks) + 1  # a few songs are in many playlists, most in one or none
    return {"artist": artist, "album": album, "genre": genre, "popularity": popularity}


def _memberships(song: dict, pl_genre: np.ndarray, mean_length: float, rng: np.random.Generator):
    """(playlist, track) for every row: half drawn from the playlist's genre by popularity, half
    from a few artists of that genre, so songs that share a playlist share more than chance."""
    lengths = np.maximum(5, np.rint(5 + (mean_length - 5) * (rng.pareto(3.0, len(pl_genre)) * 2))).astype(np.int64)
    member = np.repeat(np.arange(len(pl_genre)), lengths)
    genre = pl_genre[member]
    track = np.empty(len(member), dtype=np.int64)
    from_artists = rng.random(len(member)) < 0.5
    artist_start = np.searchsorted(song["artist"], np.arange(song["artist"].max() + 2))
    for g in range(len(GENRES)):
        pool = np.flatnonzero(song["genre"] == g)
        if pool.size == 0:
            pool = np.arange(len(song["genre"]))  # a tiny catalogue may lack a genre
        chance = song["popularity"][pool] / song["popularity"][pool].sum()
        here = genre == g
        track[here] = rng.choice(pool, here.sum(), p=chance)
        # The playlist's few artists: those of ARTISTS_PER_PLAYLIST popular songs of its genre.
        anchors = rng.choice(pool, (len(pl_genre), ARTISTS_PER_PLAYLIST), p=chance)
        rows = here & from_artists
        artist = song["artist"][anchors[member[rows], rng.integers(0, ARTISTS_PER_PLAYLIST, rows.sum())]]
        start, size = artist_start[artist], artist_start[artist + 1] - artist_start[artist]
        track[rows] = start + (rng.random(rows.sum()) * size).astype(np.int64)
    return member, track


def _vocabulary(rng: np.random.Generator, size: int = 30_000) -> np.ndarray:
    """Distinct pseudo-words of two or three syllables ("kelo", "maritu"), in a seeded order; a
    Zipf draw of positions makes the first ones the most common."""
    syllables = np.array([c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["sha", "ion", "ee", "ay"])
    count = rng.choice([2, 3], size * 2)
    parts = rng.integers(0, len(syllables), (size * 2, 3))
    words = np.char.add(np.char.add(syllables[parts[:, 0]], syllables[parts[:, 1]]),
                        np.where(count == 3, syllables[parts[:, 2]], ""))
    return pd.unique(words)[:size]


def _names(rng: np.random.Generator, vocabulary: np.ndarray, count: int, words: tuple[int, int],
           zipf: float | None) -> np.ndarray:
    """`count` capitalised names of `words` (low, high) pseudo-words; with `zipf`, common words
    recur as they do in real titles ("love", "night"), otherwise words are drawn uniformly."""
    length = rng.integers(words[0], words[1] + 1, count)
    if zipf:
        picks = np.minimum(rng.zipf(zipf, (count, words[1])) - 1, len(vocabulary) - 1)
    else:
        picks = rng.integers(0, len(vocabulary), (count, words[1]))
    out = np.char.capitalize(vocabulary[picks[:, 0]])
    for position in range(1, words[1]):
        word = np.char.capitalize(vocabulary[picks[:, position]])
        out = np.where(length > position, np.char.add(np.char.add(out, " "), word), out)
    return out


def _frame(song: dict, pl_genre: np.ndarray, rows: np.ndarray, pl: np.ndarray, rng) -> pd.DataFrame:
    """The CSV columns for rows of (track, playlist or -1)."""
    tracks = len(song["artist"])
    names = list(GENRES)
    genre = np.array(names, dtype=object)[song["genre"]]
    features = _features(song["genre"], rng)
    pl_subgenre = np.array([GENRES[names[g]][i] for g, i in zip(pl_genre, rng.integers(0, 4, len(pl_genre)))],
                           dtype=object)
    year = np.clip(np.array([MEDIAN_YEAR[g] for g in genre]) - rng.exponential(5, tracks).astype(int), 1957, 2020)
    in_playlist = pl >= 0
    vocabulary = _vocabulary(rng)
    # Two or three uniformly drawn words make artist names almost surely distinct (one artist, one
    # name, as the graph's artist nodes need); titles repeat common words, so search must rank.
    artist_names = _names(rng, vocabulary, song["artist"].max() + 1, (2, 3), zipf=None)
    frame = pd.DataFrame({
        "track_id": _ids("t", tracks)[rows],
        "track_name": _names(rng, vocabulary, tracks, (1, 5), zipf=1.3)[rows],
        "track_artist": artist_names[song["artist"]][rows],
        "track_popularity": np.minimum(100, np.rint(20 * np.log(song["popularity"]) + 30)).astype(int)[rows],
        "track_album_id": _ids("a", song["album"].max() + 1)[song["album"]][rows],
        "track_album_name": np.char.add("Album ", song["album"].astype(str))[rows],
        "track_album_release_date": year.astype(str)[rows],
        "playlist_name": np.where(in_playlist, np.char.add("Playlist ", pl.astype(str)), ""),
        "playlist_id": np.where(in_playlist, _ids("p", len(pl_genre))[np.maximum(pl, 0)], ""),
        "playlist_genre": np.where(in_playlist, np.array(names, dtype=object)[pl_genre[np.maximum(pl, 0)]], ""),
        "playlist_subgenre": np.where(in_playlist, pl_subgenre[np.maximum(pl, 0)], ""),
    })
    for name in AUDIO_FEATURES:
        frame[name] = features[name][rows]
    return frame


def _features(genre: np.ndarray, rng: np.random.Generator) -> dict:
    """Audio features around each genre's means, inside Spotify's documented ranges."""
    names = list(GENRES)
    means = np.array([MEANS[names[g]] for g in range(len(names))])[genre]  # (T, 10)
    values = means + rng.standard_normal(means.shape) * np.array(SPREAD)
    out = {}
    for column, name in enumerate(CONTINUOUS):
        out[name] = np.clip(values[:, column], *FEATURE_RANGES[name]).round(4)  # 4 places keep the file small
    out["duration_ms"] = np.maximum(30_000, out["duration_ms"]).astype(np.int64)
    out["key"] = rng.integers(0, 12, len(genre))
    out["mode"] = (rng.random(len(genre)) < np.array([MAJOR_SHARE[n] for n in names])[genre]).astype(int)
    return out


def _ids(prefix: str, count: int) -> np.ndarray:
    """Distinct ids like Spotify's 22 characters: the prefix and a zero-padded number."""
    return np.char.add(prefix, np.char.zfill(np.arange(count).astype(str), 21))
