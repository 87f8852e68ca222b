"""Fuzzy song search over "title artist": typos, partial titles, case and accents.

Scoring all 28k songs with rapidfuzz takes 20–40 ms per query, so search runs in two stages:
a character-trigram inverted index picks the few hundred songs sharing the most trigrams with
the query, and rapidfuzz rescores only those.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from recsys.errors import RecsysError

MAX_QUERY_CHARS = 200
CANDIDATES = 300  # songs rescored by rapidfuzz per query
MIN_SCORE = 55  # token_set_ratio below this is noise, not a match


def normalise(text: pd.Series) -> pd.Series:
    """Casefold, strip accents ("Señorita" → "senorita"), turn punctuation into spaces."""
    return (
        text.str.normalize("NFKD")
        .str.replace("[\u0300-\u036f]", "", regex=True)  # combining accents left by NFKD
        .str.casefold()
        .str.replace(r"[\W_]+", " ", regex=True)
        .str.strip()
    )


def _trigrams(normalised: pd.Series) -> pd.Series:
    """Overlapping 3-character grams of each padded string, one row per (string, gram)."""
    return (" " + normalised + " ").str.findall("(?=(...))").explode().dropna()


@dataclass(frozen=True)
class SearchIndex:
    """Normalised "title artist" strings and a trigram → tracks inverted index."""

    choices: list[str]  # normalised "title artist", one per local track index
    song_key: np.ndarray  # (T,) int: tracks with the same title and artist (one song, several releases)
    display_key: np.ndarray  # (T,) int: tracks with the same title, artist and album share it
    popularity: np.ndarray  # (T,) float: tie-break, the better-known song first
    grams: pd.Index  # trigram vocabulary
    postings: np.ndarray  # track indices, grouped by trigram
    offsets: np.ndarray  # (len(grams)+1,) postings[offsets[g]:offsets[g+1]] hold gram g

    @classmethod
    def build(cls, tracks: pd.DataFrame) -> "SearchIndex":
        """Index a track table with track_name, track_artist, track_album_name, track_popularity."""
        title = normalise(tracks["track_name"]).reset_index(drop=True)
        artist = normalise(tracks["track_artist"]).reset_index(drop=True)
        choices = (title + " " + artist).str.strip()
        # Keys join fields with a separator no text contains: "Love Me" by Harder and "Love" by
        # Me Harder read the same as one string but are two songs.
        song = title + "\x00" + artist
        pairs = _trigrams(choices).reset_index()
        pairs = pairs.drop_duplicates().set_axis(["track", "gram"], axis=1)
        codes, grams = pd.factorize(pairs["gram"])
        order = np.argsort(codes, kind="stable")
        offsets = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(grams)))])
        album = normalise(tracks["track_album_name"]).reset_index(drop=True)
        popularity = pd.to_numeric(tracks["track_popularity"], errors="coerce").fillna(0).to_numpy()
        return cls(choices.tolist(), pd.factorize(song)[0], pd.factorize(song + "\x00" + album)[0], popularity, pd.Index(grams),
                   pairs["track"].to_numpy()[order], offsets)

    def search(self, query: str, limit: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Best matches first as (local track indices, scores 0–100); empty if nothing matches.

        Raises RecsysError for a query that cannot be searched (empty, too long, no letters).
        """
        text = clean_query(query)
        candidates = self._candidates(text)
        if len(candidates) == 0:
            return np.empty(0, dtype=np.int64), np.empty(0)
        subset = [self.choices[i] for i in candidates]
        token_set = process.cdist([text], subset, scorer=fuzz.token_set_ratio)[0]
        weighted = process.cdist([text], subset, scorer=fuzz.WRatio)[0]
        # Best token-set match first; ties go to a near-exact match (WRatio in 10-point steps),
        # then to the better-known song, so "shape of you" finds Ed Sheeran before a cover.
        order = np.lexsort((-self.popularity[candidates], -(weighted // 10), -token_set))
        order = order[token_set[order] >= MIN_SCORE]
        _, first = np.unique(self.display_key[candidates[order]], return_index=True)
        order = order[np.sort(first)][:limit]  # one row per title–artist–album, best kept
        return candidates[order], token_set[order].astype(float)

    def _candidates(self, text: str) -> np.ndarray:
        """Tracks sharing the most trigrams with the query: at most CANDIDATES of them."""
        codes = self.grams.get_indexer(_trigrams(pd.Series([text])).unique())
        codes = codes[codes >= 0]
        if len(codes) == 0:
            return np.empty(0, dtype=np.int64)
        hits = np.concatenate([self.postings[self.offsets[c]:self.offsets[c + 1]] for c in codes])
        counts = np.bincount(hits, minlength=len(self.choices))
        found = np.flatnonzero(counts)
        if len(found) > CANDIDATES:
            found = found[np.argpartition(-counts[found], CANDIDATES)[:CANDIDATES]]
        return found


def clean_query(query: str) -> str:
    """The normalised query, or a RecsysError telling the user how to fix it."""
    if not isinstance(query, str) or not query.strip():
        raise RecsysError("Type part of a song title or an artist's name to search.")
    if len(query) > MAX_QUERY_CHARS:
        raise RecsysError(
            f"That search is {len(query):,} characters long; use at most {MAX_QUERY_CHARS}, "
            "for example a title and an artist."
        )
    text = normalise(pd.Series([query])).iloc[0]
    if not text:
        raise RecsysError("The search has no letters or digits in it; type part of a title or artist.")
    return text
