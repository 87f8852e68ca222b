"""The list a person sees: songs ranked by the model's cosine similarity plus a little of how alike
they sound, one version per song, at most a few per artist and per album, and the filters a
listener sets (genre, years, the chosen songs' artists)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from recsys.errors import RecsysError

# How much sound similarity counts beside the model's: album-mates whose graph neighbourhoods
# coincide get the same vector, and only how they sound tells them apart. The smallest weight of
# bench/lists.py's sweep that does (with album-mates allowed, 50% of lists show a tie at 0, 0.15%
# at 0.001); larger weights only trade the model's judgement for sound's (README, Quality).
SOUND_WEIGHT = 0.001
PER_ARTIST = 2  # default cap of songs by one artist in a list; 0 = no cap
PER_ALBUM = 1  # default cap of songs from one album
# 👍 / 👎 move the query as Rocchio's relevance feedback does, with the textbook's weights (Manning,
# Raghavan & Schütze, Introduction to Information Retrieval, §9.1.1: 1 for the query, 0.75 for the
# relevant, 0.15 for the non-relevant): a like pulls the list most of the way towards the liked songs,
# a dislike pushes it only a little away, as the disliked song itself already leaves the list.
LIKE_WEIGHT = 0.75
DISLIKE_WEIGHT = 0.15
MAX_FEEDBACK = 20  # liked and disliked songs a list takes, each: a link that carries them stays short
VARIETY_RANGE = (0.0, 1.0)  # 0: today's ranking exactly; 1: each next song the least like those already picked
# With variety, maximal marginal relevance chooses the k songs from the VARIETY_POOL · k best the
# filters and caps allow: far enough down to find other kinds of song, not so far that they stop
# resembling the chosen one.
VARIETY_POOL = 5


@dataclass(frozen=True)
class Filters:
    """Which songs may be recommended, and how varied the list must be (0 = no cap)."""

    genres: tuple[str, ...] = ()  # empty: any genre; else a song in a playlist of any of them
    years: tuple[int, int] | None = None  # inclusive; a song with no known release year is left out
    per_artist: int = PER_ARTIST  # at most this many songs by one artist
    per_album: int = PER_ALBUM  # at most this many songs from one album
    exclude_chosen_artists: bool = False  # no songs by the artists of the songs asked about

    def allowed(self, catalogue, chosen: np.ndarray, rows=slice(None)) -> np.ndarray:
        """Bool per song of `catalogue.tracks.iloc[rows]` (default: all): those these filters let
        through, for the `chosen` songs."""
        tracks = catalogue.tracks
        keep = np.ones(len(tracks), dtype=bool)[rows]
        # Column by column: a few hundred candidates' rows of the whole table cost a millisecond.
        if self.genres:
            keep &= catalogue.has_genre(self.genres, rows)
        if self.years is not None:
            keep &= tracks["release_year"].iloc[rows].between(*self.years).to_numpy()  # NaN is never between
        if self.exclude_chosen_artists:
            artists = tracks["artist_code"].to_numpy()
            keep &= ~np.isin(artists[rows], artists[chosen][artists[chosen] >= 0])
        return keep


@dataclass(frozen=True)
class Feedback:
    """How a person refined a list: songs liked and disliked (local track indices), artists whose
    songs should leave the list (named by a song of theirs), and how much variety (VARIETY_RANGE)."""

    liked: tuple[int, ...] = ()
    disliked: tuple[int, ...] = ()  # every version of these leaves the list
    fewer_artists: tuple[int, ...] = ()  # "fewer by this artist": none of these songs' artists' songs
    variety: float = 0.0

    def __post_init__(self):
        low, high = VARIETY_RANGE
        if isinstance(self.variety, bool) or not isinstance(self.variety, (int, float)) or not low <= self.variety <= high:
            raise RecsysError(f"Variety must be a number from {low:g} to {high:g}; got {self.variety!r}.")

    @property
    def moves_query(self) -> bool:
        """Whether the list is ranked by a query other than the chosen songs' mean."""
        return bool(self.liked or self.disliked)

    def allowed(self, groups: "Groups", rows=slice(None)) -> np.ndarray:
        """Bool per track of `rows` (default: all): False for songs by a `fewer_artists` artist."""
        artist = groups.artist
        keep = np.ones(len(artist), dtype=bool)[rows]
        if self.fewer_artists:
            named = artist[np.asarray(self.fewer_artists, dtype=np.int64)]
            keep &= ~np.isin(artist[rows], named[named >= 0])
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


def scores(track_emb: np.ndarray, sound: np.ndarray, chosen: Sequence[int], rows=slice(None),
           query: np.ndarray | None = None):
    """(cosine, blended) of songs `rows` (default: all) with the chosen songs: the mean cosine over the
    chosen songs (one dot product with their mean vector, the rows being unit length), or the dot product
    with `query` (d,) if given (see query_vector), and that plus sound_bonus."""
    chosen = np.asarray(chosen, dtype=np.int64)
    cosine = track_emb[rows] @ (track_emb[chosen].mean(axis=0) if query is None else query)  # (R,)
    return cosine, cosine + sound_bonus(sound, chosen, rows)


def query_vector(track_emb: np.ndarray, chosen: Sequence[int], feedback: Feedback) -> np.ndarray:
    """(d,) what a refined list is ranked by, as Qdrant's recommend with positives and negatives:
    the chosen songs' mean vector + LIKE_WEIGHT · the liked songs' mean − DISLIKE_WEIGHT · the disliked
    songs' mean. Rescaled to the length of the chosen songs' mean, so its dot product reads on the scale
    the score calibration was fitted on (for one chosen song: the cosine with the refined direction)."""
    base = track_emb[np.asarray(chosen, dtype=np.int64)].mean(axis=0)  # (d,)
    query = base.copy()
    if feedback.liked:
        query += LIKE_WEIGHT * track_emb[np.asarray(feedback.liked, dtype=np.int64)].mean(axis=0)
    if feedback.disliked:
        query -= DISLIKE_WEIGHT * track_emb[np.asarray(feedback.disliked, dtype=np.int64)].mean(axis=0)
    norm = float(np.linalg.norm(query))
    return base if norm == 0 else query * (float(np.linalg.norm(base)) / norm)


def pairwise(track_emb: np.ndarray, tracks: np.ndarray) -> np.ndarray:
    """(n, n) cosines between the unit rows `tracks`: the similarity variety is measured by."""
    vectors = track_emb[np.asarray(tracks, dtype=np.int64)]
    return vectors @ vectors.T


def mmr(relevance: np.ndarray, similarity: np.ndarray, k: int, variety: float) -> np.ndarray:
    """Positions in `relevance` (n,), best first, of k picks by greedy maximal marginal relevance
    (Carbonell & Goldstein 1998): the most relevant first, then each time the one with the highest
    (1 − variety) · relevance − variety · its largest `similarity` (n, n) to those already picked.
    Variety 0 is relevance order; 1 is each time the one least like those picked so far. Equal
    gains go to the earlier position."""
    count = min(k, len(relevance))
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    picked = [int(np.argmax(relevance))]
    closest = similarity[picked[0]].astype(np.float64)  # (n,) largest similarity to a pick so far
    free = np.ones(len(relevance), dtype=bool)
    free[picked[0]] = False
    while len(picked) < count:
        gain = np.where(free, (1 - variety) * relevance - variety * closest, -np.inf)
        best = int(np.argmax(gain))
        picked.append(best)
        free[best] = False
        closest = np.maximum(closest, similarity[best])
    return np.asarray(picked, dtype=np.int64)


def sound_bonus(sound: np.ndarray, chosen, rows=slice(None), weight: float = SOUND_WEIGHT) -> np.ndarray:
    """(R,) `weight` · the mean sound cosine of songs `rows` with the chosen songs: what a list adds to any
    model's score."""
    return weight * (sound[rows] @ sound[np.asarray(chosen, dtype=np.int64)].mean(axis=0))


def pick(scores: np.ndarray, k: int, groups: Groups, filters: Filters, rows=None, chosen=(), variety: float = 0.0,
         similarity: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """Positions in `scores` of the list as shown: the k best finite ones, best first, keeping each
    song's best-scored version only, no version of the `chosen` songs, and at most `filters.per_artist` /
    `per_album` per artist and album. `rows` maps a position to its track (default: position = track).

    With `variety` > 0, mmr chooses the k (in its order) from the VARIETY_POOL · k best such songs,
    `similarity(tracks)` giving their (n, n) similarities; any part of a capped list keeps the caps."""
    finite = int(np.isfinite(scores).sum())
    if finite == 0 or k <= 0:
        return np.empty(0, dtype=np.int64)
    size = k if variety == 0 else VARIETY_POOL * k
    first = min(finite, max(20 * size, 200))  # enough nearly always; the rest is sorted only if needed
    order = np.argpartition(-scores, first - 1)[:first] if first < len(scores) else np.arange(len(scores))
    order = order[np.argsort(-scores[order], kind="stable")]
    taken = set(groups.song[np.asarray(chosen, dtype=np.int64)].tolist())
    picked = _varied(order, size, groups, filters, rows, taken)
    if len(picked) < size and first < finite:
        rest = np.argsort(-scores, kind="stable")[:finite]
        picked = _varied(rest, size, groups, filters, rows, taken)
    if variety == 0:
        return picked
    tracks = picked if rows is None else np.asarray(rows)[picked]
    return picked[mmr(scores[picked], similarity(tracks), k, variety)]


def _varied(order: np.ndarray, k: int, groups: Groups, filters: Filters, rows, taken: set[int]) -> np.ndarray:
    """The first k of `order` (best first) that keep one version per song, none of the songs
    `taken`, and the caps."""
    tracks = order if rows is None else np.asarray(rows)[order]
    song, artist, album = groups.song[tracks], groups.artist[tracks], groups.album[tracks]
    seen_songs = set(taken)
    per_artist: dict[int, int] = {}
    per_album: dict[int, int] = {}
    picked = []
    for position, s, a, b in zip(order.tolist(), song.tolist(), artist.tolist(), album.tolist()):
        if s in seen_songs or _full(per_artist, a, filters.per_artist) or _full(per_album, b, filters.per_album):
            continue
        seen_songs.add(s)
        for counts, code in ((per_artist, a), (per_album, b)):
            if code >= 0:
                counts[code] = counts.get(code, 0) + 1
        picked.append(position)
        if len(picked) == k:
            break
    return np.asarray(picked, dtype=np.int64)


def _full(counts: dict[int, int], code: int, cap: int) -> bool:
    return cap > 0 and code >= 0 and counts.get(code, 0) >= cap
