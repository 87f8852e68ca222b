"""The catalogue's entities as integer codes, built once at load: artists, albums, songs (a song's
versions folded into one) and playlist genres, with each track's genres and how often it has them.

Every code runs 0..n-1 in first-seen order (as pd.factorize gives it); -1 marks an empty name,
which is a gap in the file, never an entity that would link unrelated songs.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

UNKNOWN = "unknown"  # the genre of a song that neither its playlists nor its artist give one

# Words that mark a title's part as a version of the same song (a remix counts, per the product).
# The patterns run on Arrow's RE2 engine (vectorised; \b and \s are ASCII there): no look-arounds.
VERSION = (r"remaster(?:ed|izad[oa])?|remix(?:ed)?|rmx|mix(?:ed)?|edit(?:ed|ion)?|versi[oó]n|ver"
           r"|demo|aco?[uú]stic[oa]?|instrumental|unplugged|extended|explicit|bonus(?:track)?|deluxe"
           r"|re-?recorded|recorded|recording|mono|stereo|stripped|karaoke|soundtrack|motion picture|(?:19|20)\d\d")
CREDIT = r"(?:feat|ft|featuring|with|con|prod|co-starring)\b|w/"  # a part opening with one credits a guest
# A bracketed part that names a version, credits a guest, is live, or names a film it is from.
BRACKETED = (rf"(?i)\s*[\(\[](?:[^\(\)\[\]]*\b(?:{VERSION})\b|\s*(?:{CREDIT}|live\b)|\s*from\s+[\"“])"
             r"[^\(\)\[\]]*[\)\]]")
SEPARATOR = "\x1f"  # stands in for " - " while trailing parts are peeled off
# A last " - " part that names a version; after a dash, "live" anywhere and "from" first are versions too.
DASHED = (rf"(?i){SEPARATOR}(?:[^{SEPARATOR}]*\b(?:{VERSION}|live|original|radio|single|take \d+|vivo)\b"
          rf"|\s*(?:{CREDIT}|from\b|de\s+[\"“]))[^{SEPARATOR}]*$")
BARE_CREDIT = r"(?i)\s(?:feat|ft)\.\s.*$"  # "Title feat. Guest" without brackets


ACCENTS = "[\u0300-\u036f]"  # the combining accents NFKD leaves
PUNCTUATION = r"[\W_]+"


def normalise(text: pd.Series) -> pd.Series:
    """Casefold, strip accents ("Señorita" → "senorita"), turn punctuation into spaces."""
    return (
        text.str.normalize("NFKD")
        .str.replace(ACCENTS, "", regex=True)
        .str.casefold()
        .str.replace(PUNCTUATION, " ", regex=True)
        .str.strip()
    )


def normalise_text(text: str) -> str:
    """`normalise` for one string, without a Series' overhead (about 1 ms): for a query."""
    text = re.sub(ACCENTS, "", unicodedata.normalize("NFKD", text)).casefold()
    return re.sub(PUNCTUATION, " ", text).strip()


def base_title(titles: pd.Series) -> pd.Series:
    """The normalised title without version parts ("Song - Remastered 2011", "Song (feat. X)" → "song");
    never empty where the normalised title is not."""
    text = pc.replace_substring_regex(pa.array(titles.astype("str")), BRACKETED, "")
    text = pc.replace_substring_regex(text, r"\s[-–—]\s", SEPARATOR)
    while pc.any(pc.match_substring_regex(text, DASHED)).as_py():  # one part a pass: "Song - Live - 2011 Remaster"
        text = pc.replace_substring_regex(text, DASHED, "")
    folded = normalise(pd.Series(pc.replace_substring_regex(text, BARE_CREDIT, ""), index=titles.index, dtype="str"))
    empty = folded == ""
    folded[empty] = normalise(titles[empty].astype("str"))  # nothing but a version part: keep it
    return folded


def song_codes(tracks: pd.DataFrame) -> np.ndarray:
    """(T,) int64: tracks by the same artist with the same base title share a code. A track with no
    artist or no title is a song of its own: nothing says it is another's version."""
    base = base_title(tracks["track_name"])
    title, artist = (pd.factorize(names)[0].astype(np.int64) for names in (base, tracks["track_artist"]))
    known = (base != "").to_numpy() & (tracks["track_artist"] != "").to_numpy()
    pair = np.where(known, title * (artist.max(initial=0) + 1) + artist, -1 - np.arange(len(title)))
    return pd.factorize(pair)[0].astype(np.int64)


def codes(keys: pd.Series, present: pd.Series) -> np.ndarray:
    """(n,) int64 codes of `keys` in first-seen order; -1 where `present` is False."""
    return pd.factorize(keys.where(present))[0].astype(np.int64)


def names_of(code: np.ndarray, names: pd.Series) -> np.ndarray:
    """(number of codes,) object: the name at each code's first row."""
    present = code >= 0
    _, first = np.unique(code[present], return_index=True)
    return np.asarray(names, dtype=object)[present][first]


@dataclass(frozen=True)
class TrackLabels:
    """The labels (genres, or subgenres) of each track's playlists with their edge counts, as CSR
    arrays, most edges first; and the one label a track shows, its own or else its artist's.

    Ties go to the label with more edges in the whole catalogue, then to the alphabetically first.
    """

    names: np.ndarray  # (G,) object, index = label code
    indptr: np.ndarray  # (T + 1,) track t's labels are codes[indptr[t]:indptr[t + 1]]
    codes: np.ndarray  # (nnz,) int32 label codes, most edges first within each track
    counts: np.ndarray  # (nnz,) int32 the track's edges to playlists with that label
    main: np.ndarray  # (T,) int64 the label shown: its first own, else its artist's; -1: UNKNOWN
    inferred: np.ndarray  # (T,) bool: main is its artist's, the track's playlists having none

    @classmethod
    def build(cls, names: np.ndarray, edge_track: np.ndarray, edge_label: np.ndarray,
              artist: np.ndarray) -> "TrackLabels":
        """From every (playlist, track) edge's label code (-1: none) and each track's artist code."""
        num_labels, num_tracks = len(names), len(artist)
        labelled = edge_label >= 0
        rank = _rank(names, np.bincount(edge_label[labelled], minlength=num_labels))  # (G,) code → rank
        by_rank = np.argsort(rank)  # rank → code
        indptr, ranked, counts = _ranked_counts(edge_track[labelled], rank[edge_label[labelled]],
                                                num_tracks, num_labels)
        own = _leaders(indptr, ranked, by_rank)
        main = own.copy()
        cold = (own < 0) & (artist >= 0)
        main[cold] = _artist_label(own, artist, rank, by_rank)[artist[cold]]
        return cls(names, indptr, by_rank[ranked].astype(np.int32), counts.astype(np.int32),
                   main, cold & (main >= 0))

    def shown(self) -> np.ndarray:
        """(T,) object: each track's label name, UNKNOWN where it has none."""
        return np.append(self.names, UNKNOWN).astype(object)[self.main]  # -1 picks the appended UNKNOWN

    def of(self, track: int) -> list[tuple[str, int]]:
        """(label, edges) of one track's playlists, most first."""
        part = slice(self.indptr[track], self.indptr[track + 1])
        return list(zip(self.names[self.codes[part]].tolist(), self.counts[part].tolist()))

    def has(self, labels: Sequence[str], rows=slice(None)) -> np.ndarray:
        """Bool per track of `rows`: one of its playlists has one of `labels`; for a track whose
        playlists have none, its shown label is one of them."""
        wanted = np.append(np.isin(self.names, list(labels)), UNKNOWN in labels)  # (G + 1,): -1 → UNKNOWN
        track = _positions(rows, len(self.main))
        start = self.indptr[track]
        count = self.indptr[track + 1] - start
        slot = np.repeat(start - (np.cumsum(count) - count), count) + np.arange(count.sum())  # every label slot
        hits = np.bincount(np.repeat(np.arange(len(track)), count), weights=wanted[self.codes[slot]],
                           minlength=len(track))
        return np.where(count > 0, hits > 0, wanted[self.main[track]])


def _rank(names: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """(G,) each label's place in the tie-break: more edges first, then alphabetical."""
    alphabetical = np.argsort(np.argsort(np.asarray(names, dtype=str), kind="stable"), kind="stable")
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.lexsort((alphabetical, -edges))] = np.arange(len(names))
    return rank


def _ranked_counts(owner: np.ndarray, value: np.ndarray, num_owners: int, num_values: int):
    """CSR (indptr, values, counts) of how often each owner has each value, most first, ties to the
    lower value."""
    pairs, counts = np.unique(owner.astype(np.int64) * num_values + value, return_counts=True)
    owner, value = pairs // num_values, pairs % num_values
    order = np.lexsort((value, -counts, owner))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=num_owners))])
    return indptr, value[order], counts[order]


def _artist_label(own: np.ndarray, artist: np.ndarray, rank: np.ndarray, by_rank: np.ndarray) -> np.ndarray:
    """(A,) each artist's most common own label among its tracks (same tie-break); -1 if none has one."""
    num_artists = int(artist.max()) + 1 if len(artist) else 0
    known = (own >= 0) & (artist >= 0)
    indptr, ranked, _ = _ranked_counts(artist[known], rank[own[known]], num_artists, len(rank))
    return _leaders(indptr, ranked, by_rank)


def _leaders(indptr: np.ndarray, ranked: np.ndarray, by_rank: np.ndarray) -> np.ndarray:
    """(owners,) the code of each owner's first (most common) value; -1 for an owner with none."""
    leader = np.full(len(indptr) - 1, -1, dtype=np.int64)
    some = np.diff(indptr) > 0
    leader[some] = by_rank[ranked[indptr[:-1][some]]]
    return leader


def _positions(rows, size: int) -> np.ndarray:
    """Track positions of `rows` (a slice, indices or a bool mask) without an (T,) array per call."""
    if isinstance(rows, slice):
        return np.arange(*rows.indices(size))
    rows = np.asarray(rows)
    return np.flatnonzero(rows) if rows.dtype == bool else rows.astype(np.int64)
