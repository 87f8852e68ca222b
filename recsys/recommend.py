"""The list a person sees: songs ranked by the model's cosine similarity plus a little of how alike
they sound, one version per song, at most a few per artist and per album, and the filters a
listener sets (genre, years, the seeds' artists)."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# How much sound similarity counts beside the model's: album-mates whose graph neighbourhoods
# coincide get the same vector, and only how they sound tells them apart. The smallest weight of
# bench/lists.py's sweep that does (with album-mates allowed, 50% of lists show a tie at 0, 0.15%
# at 0.001); larger weights only trade the model's judgement for sound's (README, Quality).
SOUND_WEIGHT = 0.001
PER_ARTIST = 2  # default cap of songs by one artist in a list; 0 = no cap
PER_ALBUM = 1  # default cap of songs from one album


@dataclass(frozen=True)
class Filters:
    """Which songs may be recommended, and how varied the list must be (0 = no cap)."""

    genres: tuple[str, ...] = ()  # empty: any genre; else a song in a playlist of any of them
    years: tuple[int, int] | None = None  # inclusive; a song with no known release year is left out
    per_artist: int = PER_ARTIST  # at most this many songs by one artist
    per_album: int = PER_ALBUM  # at most this many songs from one album
    exclude_seed_artists: bool = False  # no songs by the artists of the songs asked about

    def allowed(self, catalogue, seeds: np.ndarray, rows=slice(None)) -> np.ndarray:
        """Bool per song of `catalogue.tracks.iloc[rows]` (default: all): those these filters let
        through, for the songs `seeds`."""
        tracks = catalogue.tracks
        keep = np.ones(len(tracks), dtype=bool)[rows]
        # Column by column: a few hundred candidates' rows of the whole table cost a millisecond.
        if self.genres:
            keep &= catalogue.has_genre(self.genres, rows)
        if self.years is not None:
            keep &= tracks["release_year"].iloc[rows].between(*self.years).to_numpy()  # NaN is never between
        if self.exclude_seed_artists:
            artists = tracks["artist_code"].to_numpy()
            keep &= ~np.isin(artists[rows], artists[seeds][artists[seeds] >= 0])
        return keep


@dataclass(frozen=True)
class Groups:
    """What the list's variety is counted by, one code per track; -1 (no artist, no album) is never capped."""

    song: np.ndarray  # (T,) the versions of one song share a code
    artist: np.ndarray  # (T,)
    album: np.ndarray  # (T,)

    @classmethod
    def of(cls, tracks) -> "Groups":
        return cls(*(tracks[column].to_numpy(dtype=np.int64) for column in ("song_code", "artist_code", "album_code")))


def scores(track_emb: np.ndarray, sound: np.ndarray, seeds: Sequence[int], rows=slice(None)):
    """(cosine, blended) of songs `rows` (default: all) with the seeds: the mean cosine over the
    seeds (one dot product with their mean vector, the rows being unit length), and that plus
    sound_bonus."""
    seeds = np.asarray(seeds, dtype=np.int64)
    cosine = track_emb[rows] @ track_emb[seeds].mean(axis=0)  # (R,)
    return cosine, cosine + sound_bonus(sound, seeds, rows)


def sound_bonus(sound: np.ndarray, seeds, rows=slice(None), weight: float = SOUND_WEIGHT) -> np.ndarray:
    """(R,) `weight` · the mean sound cosine of songs `rows` with the seeds: what a list adds to any
    model's score."""
    return weight * (sound[rows] @ sound[np.asarray(seeds, dtype=np.int64)].mean(axis=0))


def pick(scores: np.ndarray, k: int, groups: Groups, filters: Filters, rows=None, seeds=()) -> np.ndarray:
    """Positions in `scores` of the list as shown: the k best finite ones, best first, keeping each
    song's best-scored version only, no version of the `seeds`, and at most `filters.per_artist` /
    `per_album` per artist and album. `rows` maps a position to its track (default: position = track)."""
    finite = int(np.isfinite(scores).sum())
    if finite == 0 or k <= 0:
        return np.empty(0, dtype=np.int64)
    first = min(finite, max(20 * k, 200))  # enough nearly always; the rest is sorted only if needed
    order = np.argpartition(-scores, first - 1)[:first] if first < len(scores) else np.arange(len(scores))
    order = order[np.argsort(-scores[order], kind="stable")]
    taken = set(groups.song[np.asarray(seeds, dtype=np.int64)].tolist())
    chosen = _varied(order, k, groups, filters, rows, taken)
    if len(chosen) < k and first < finite:
        rest = np.argsort(-scores, kind="stable")[:finite]
        chosen = _varied(rest, k, groups, filters, rows, taken)
    return chosen


def _varied(order: np.ndarray, k: int, groups: Groups, filters: Filters, rows, taken: set[int]) -> np.ndarray:
    """The first k of `order` (best first) that keep one version per song, none of the songs
    `taken`, and the caps."""
    tracks = order if rows is None else np.asarray(rows)[order]
    song, artist, album = groups.song[tracks], groups.artist[tracks], groups.album[tracks]
    seen_songs = set(taken)
    per_artist: dict[int, int] = {}
    per_album: dict[int, int] = {}
    chosen = []
    for position, s, a, b in zip(order.tolist(), song.tolist(), artist.tolist(), album.tolist()):
        if s in seen_songs or _full(per_artist, a, filters.per_artist) or _full(per_album, b, filters.per_album):
            continue
        seen_songs.add(s)
        for counts, code in ((per_artist, a), (per_album, b)):
            if code >= 0:
                counts[code] = counts.get(code, 0) + 1
        chosen.append(position)
        if len(chosen) == k:
            break
    return np.asarray(chosen, dtype=np.int64)


def _full(counts: dict[int, int], code: int, cap: int) -> bool:
    return cap > 0 and code >= 0 and counts.get(code, 0) >= cap
