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

    def allowed(self, tracks: pd.DataFrame, seeds: np.ndarray) -> np.ndarray:
        """(T,) bool: the songs of `tracks` these filters let through, for the songs `seeds`."""
        keep = np.ones(len(tracks), dtype=bool)
        if self.genres:
            keep &= tracks["genre"].isin(self.genres).to_numpy()
        if self.years is not None:
            keep &= tracks["release_year"].between(*self.years).to_numpy()  # NaN is never between
        if self.exclude_seed_artists:
            artists = tracks["track_artist"]
            keep &= ~artists.isin(artists.iloc[seeds]).to_numpy()
        return keep


def similar_tracks(track_emb: np.ndarray, query: int, k: int, exclude: np.ndarray | None = None):
    """The k tracks most similar to track `query`, best first, as (local indices, cosine scores)."""
    return similar_to_set(track_emb, [query], k, exclude)


def similar_to_set(track_emb: np.ndarray, seeds: Sequence[int], k: int, exclude: np.ndarray | None = None,
                   artist: np.ndarray | None = None, per_artist: int | None = None):
    """The k tracks with the highest mean cosine similarity to the `seeds`, best first, as
    (local indices, scores).

    `track_emb` rows are unit length, so the mean of the cosines is one dot product with the seeds'
    mean vector. The seeds are never returned, nor any track where `exclude` is True (e.g. the same
    song on another album); with `per_artist`, no more than that many share an `artist` code.
    """
    seeds = np.asarray(seeds, dtype=np.int64)
    scores = track_emb @ track_emb[seeds].mean(axis=0)  # (T,)
    scores[seeds] = -np.inf
    if exclude is not None:
        scores[exclude] = -np.inf
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    if per_artist is None:
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
    else:
        order = np.argsort(-scores, kind="stable")[:int(np.isfinite(scores).sum())]
        top = order[_occurrence(artist[order]) < per_artist][:k]
    return top, scores[top]


def _occurrence(codes: np.ndarray) -> np.ndarray:
    """For each entry, how many earlier entries share its code: 0 for the first of each."""
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    occurrence = np.empty(len(codes), dtype=np.int64)
    occurrence[order] = np.arange(len(codes)) - np.searchsorted(sorted_codes, sorted_codes, side="left")
    return occurrence
