"""Top-k most similar songs by cosine similarity of normalised track embeddings, for one song or a
set of them, with the filters a listener sets (genre, years, songs per artist)."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Filters:
    """Which songs may be recommended. The defaults let every song through."""

    genres: tuple[str, ...] = ()  # empty: any genre
    years: tuple[int, int] | None = None  # inclusive; a song with no known release year is left out
    per_artist: int | None = None  # at most this many songs by one artist
    exclude_seed_artists: bool = False  # no songs by the artists of the songs asked about

    def allowed(self, tracks: pd.DataFrame, seeds: np.ndarray, rows=slice(None)) -> np.ndarray:
        """Bool per song of `tracks.iloc[rows]` (default: all): those these filters let through,
        for the songs `seeds`."""
        keep = np.ones(len(tracks), dtype=bool)[rows]
        # Column by column: a few hundred candidates' rows of the whole table cost a millisecond.
        if self.genres:
            keep &= tracks["genre"].iloc[rows].isin(self.genres).to_numpy()
        if self.years is not None:
            keep &= tracks["release_year"].iloc[rows].between(*self.years).to_numpy()  # NaN is never between
        if self.exclude_seed_artists:
            artists = tracks["track_artist"]
            keep &= ~artists.iloc[rows].isin(artists.iloc[seeds]).to_numpy()
        return keep


def similar_tracks(track_emb: np.ndarray, query: int, k: int, exclude: np.ndarray | None = None):
    """The k tracks most similar to track `query`, best first, as (local indices, cosine scores)."""
    return similar_to_set(track_emb, [query], k, exclude)


def similar_to_set(track_emb: np.ndarray, seeds: Sequence[int], k: int, exclude: np.ndarray | None = None,
                   artist: np.ndarray | None = None, per_artist: int | None = None,
                   candidates: np.ndarray | None = None):
    """The k tracks with the highest mean cosine similarity to the `seeds`, best first, as
    (local indices, scores).

    `track_emb` rows are unit length, so the mean of the cosines is one dot product with the seeds'
    mean vector. The seeds are never returned, nor any track where `exclude` is True (e.g. the same
    song on another album); with `per_artist`, no more than that many share an `artist` code.
    With `candidates` (track indices), only those are ranked, and `exclude` is one flag per candidate.
    """
    seeds = np.asarray(seeds, dtype=np.int64)
    query = track_emb[seeds].mean(axis=0)
    if candidates is None:
        scores = track_emb @ query  # (T,)
        scores[seeds] = -np.inf
    else:
        scores = track_emb[candidates] @ query  # (C,)
        scores[np.isin(candidates, seeds)] = -np.inf
        artist = None if artist is None else artist[candidates]
    if exclude is not None:
        scores[exclude] = -np.inf
    top = _top(scores, k, artist, per_artist)
    return (top if candidates is None else candidates[top]), scores[top]


def _top(scores: np.ndarray, k: int, artist: np.ndarray | None, per_artist: int | None) -> np.ndarray:
    """Positions of the k highest finite scores, best first, at most `per_artist` per artist code."""
    finite = int(np.isfinite(scores).sum())
    k = min(k, finite)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if per_artist is None:
        top = np.argpartition(-scores, k - 1)[:k]
        return top[np.argsort(-scores[top], kind="stable")]
    order = np.argsort(-scores, kind="stable")[:finite]
    return order[_occurrence(artist[order]) < per_artist][:k]


def _occurrence(codes: np.ndarray) -> np.ndarray:
    """For each entry, how many earlier entries share its code: 0 for the first of each."""
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    occurrence = np.empty(len(codes), dtype=np.int64)
    occurrence[order] = np.arange(len(codes)) - np.searchsorted(sorted_codes, sorted_codes, side="left")
    return occurrence
