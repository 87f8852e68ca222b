"""Fuzzy song search over titles and artists: typos, partial titles, case and accents, and a
clear "no match" for a query nothing resembles.

Scoring every song per query would cost tens of milliseconds, so search runs in two stages: a
trigram inverted index (over the UTF-8 bytes of normalised text, so character trigrams for the
Latin titles most songs have) and a deletion index for short queries (both in recsys.postings)
pick a few hundred candidates, and rapidfuzz scores only those by edit distance.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA

from recsys.entities import base_title, normalise, normalise_text
from recsys.errors import RecsysError
from recsys.postings import Deletions, Postings, trigram_codes

MAX_QUERY_CHARS = 200
TRIGRAM_CANDIDATES = 300  # songs sharing the most trigrams with the query, rescored by rapidfuzz
POSTINGS = 100_000  # trigram postings counted per query, at most: a large catalogue's common trigrams are skipped
SHORT_QUERY = 8  # characters: up to this, one typo can leave a title no trigram in common with the query
PER_NAME = 20  # the best-known tracks taken of each short name near the query ("love" names dozens)
PART = 0.9  # a query matching only the start of a title, or part of an artist's name, scores this share
# A best score below this is no match: the person gets suggestions, not a song. Chosen with
# bench/search.py --sweep: 95.8% of nonsense refused and every typo target held; at 80, two
# edits in a long title are found only 90% of the time.
MATCH_SCORE = 75
TYPING = 0.7  # a query ending mid-word ("bohemian rh") scores this share: suggested, never chosen on its own
SUGGESTIONS = 5  # "did you mean" songs offered when nothing matches closely enough


@dataclass(frozen=True)
class Matches:
    """Search results, best first: local track indices and their scores (0–100)."""

    tracks: np.ndarray
    scores: np.ndarray

    @property
    def matched(self) -> bool:
        """Whether the best result is close enough to be what the person meant."""
        return len(self.scores) > 0 and self.scores[0] >= MATCH_SCORE


@dataclass(frozen=True)
class SearchIndex:
    """A song's names in the shapes people type them, and two ways to find candidates fast.

    Trigrams find songs whose title and artist share most of the query's letters, whatever the
    order; they miss short titles, whose few trigrams one typo destroys, so every distinct title
    and artist name within an edit of a short query is found by a deletion index.
    """

    titles: np.ndarray  # (T,) object: normalised titles as written ("bohemian rhapsody 2011 mix")
    bases: np.ndarray  # (T,) object: without the version part ("bohemian rhapsody")
    artists: np.ndarray  # (T,) object: normalised artist names
    last_names: np.ndarray  # (T,) object: an artist name's last word, "" for a one-word name
    display_key: np.ndarray  # (T,) int: tracks with the same title, artist and album share it
    song_key: np.ndarray  # (T,) int: a song's versions (base title, artist) share it
    popularity: np.ndarray  # (T,) float: tie-break, the better-known song first
    trigrams: Postings  # trigram code → tracks, over "title artist"
    named: Postings  # distinct title, base title, artist or last name → tracks, best-known first
    deletions: Deletions  # the short names, by their one-letter deletions

    @classmethod
    def build(cls, tracks: pd.DataFrame) -> "SearchIndex":
        """Index a track table with track_name, track_artist, track_album_name, track_popularity."""
        title, base, artist = (names.reset_index(drop=True) for names in (
            normalise(tracks["track_name"]), base_title(tracks["track_name"]), normalise(tracks["track_artist"])))
        # The key joins fields with a separator no text contains: "Love Me" by Harder and "Love"
        # by Me Harder on one album read the same as one string but are two rows.
        shown = title + "\x00" + artist + "\x00" + normalise(tracks["track_album_name"]).reset_index(drop=True)
        tracks_of, codes = trigram_codes((title + " " + artist).str.strip().tolist())
        track = np.arange(len(title))
        last = artist.str.extract(r" (\S+)$", expand=False).fillna("")  # "" for a one-word name
        every = pd.concat([title, base, artist, last], ignore_index=True)
        code, uniques = pd.factorize(every)
        present = (every != "").to_numpy()
        popularity = pd.to_numeric(tracks["track_popularity"], errors="coerce").fillna(0).to_numpy()
        best_known = np.empty(len(track), dtype=np.int64)
        best_known[np.argsort(-popularity, kind="stable")] = track  # rank 0: the best-known track
        texts = (names.to_numpy(dtype=object) for names in (title, base, artist, last))
        return cls(*texts, pd.factorize(shown)[0], pd.factorize(base + "\x00" + artist)[0], popularity,
                   Postings.of(codes, tracks_of), Postings.of(code[present], np.tile(track, 4)[present], best_known),
                   Deletions.of(uniques.tolist(), SHORT_QUERY + 1))

    def search(self, query: str, limit: int = 10) -> Matches:
        """Best matches first, one row per title–artist–album; empty if nothing shares enough letters.

        Raises RecsysError for a query that cannot be searched (empty, too long, no letters).
        """
        text = clean_query(query)
        candidates = np.union1d(self._by_trigrams(text), self._by_edits(text))
        if len(candidates) == 0:
            return Matches(np.empty(0, dtype=np.int64), np.empty(0))
        score = self._score(text, candidates)
        exact_title = ((self.titles[candidates] == text) | (self.bases[candidates] == text)).astype(int)
        # Best score first; among equals the song titled exactly as typed (the song "NA", not
        # "Na Onda"), then the better-known song, so "shape of you" finds Ed Sheeran before a cover.
        order = np.lexsort((-self.popularity[candidates], -exact_title, -np.round(score, 1)))
        _, first = np.unique(self.display_key[candidates[order]], return_index=True)
        order = order[np.sort(first)][:limit]  # one row per title–artist–album, best kept
        return Matches(candidates[order], np.round(score[order], 1))

    def suggest(self, found: Matches) -> np.ndarray:
        """Up to SUGGESTIONS of a search's tracks, one per song, closest first, however weak: "did you mean"."""
        _, first = np.unique(self.song_key[found.tracks], return_index=True)
        return found.tracks[np.sort(first)][:SUGGESTIONS]

    def _score(self, text: str, candidates: np.ndarray) -> np.ndarray:
        """(len(candidates),) 0–100: the best of the shapes a query takes.

        Whole: the title, "title artist" in either order. In part, at PART of a whole match, so a
        title typed whole wins over a longer one that starts the same way and over an artist
        of that name: the artist, the first words of "title artist" or of the artist (a person
        who remembers half a title, or types "billie"), and an artist's last name ("weeknd").
        Last, at TYPING, the start of "title artist" cut mid-word, as it is while a person types.
        """
        title, base, artist = self.titles[candidates], self.bases[candidates], self.artists[candidates]
        pair = base + " " + artist
        wholes = [title, base, pair, artist + " " + base]
        parts = [artist, _first_words(pair, len(text)), _first_words(artist, len(text)), self.last_names[candidates]]
        whole = np.max([similarity(text, list(names)) for names in wholes], axis=0)
        part = np.max([similarity(text, names) for names in parts], axis=0)
        typing = similarity(text, [name[:len(text)] for name in pair])
        return np.max([whole, PART * part, TYPING * typing], axis=0)

    def _by_trigrams(self, text: str) -> np.ndarray:
        """Tracks sharing the most trigrams with the query: at most TRIGRAM_CANDIDATES of them.

        The rarest trigrams are counted first, and the commonest left out once POSTINGS tracks are
        counted: in a large catalogue " lo" names a tenth of it, and says little about which song.
        """
        slots = self.trigrams.slots(np.unique(trigram_codes([text])[1]))
        sizes = self.trigrams.sizes(slots)
        order = np.argsort(sizes, kind="stable")
        kept = slots[order][np.cumsum(sizes[order]) - sizes[order] < POSTINGS]  # the rarest always
        counts = np.bincount(self.trigrams.gather(kept), minlength=len(self.titles))
        found = np.flatnonzero(counts)
        if len(found) > TRIGRAM_CANDIDATES:
            found = found[np.argpartition(-counts[found], TRIGRAM_CANDIDATES)[:TRIGRAM_CANDIDATES]]
        return found

    def _by_edits(self, text: str) -> np.ndarray:
        """The tracks of every title or artist within an edit of a short query: too short for trigrams to survive a typo."""
        if len(text) > SHORT_QUERY:
            return np.empty(0, dtype=np.int64)
        return self.named.gather(self.named.slots(self.deletions.near(text)), first=PER_NAME)


def similarity(text: str, names: list[str]) -> np.ndarray:
    """(len(names),) 0–100: 100 × (1 − edits / the longer length). Every kind of edit costs one
    (a letter dropped, added, replaced, or two swapped), as a person's typos come."""
    return 100 * process.cdist([text], names, scorer=OSA.normalized_similarity)[0]


def _first_words(texts: np.ndarray, length: int) -> list[str]:
    """Each text cut after the word that reaches `length` - 1 characters: the words a query of that length could be."""
    return [text[:end] if (end := text.find(" ", length - 1)) >= 0 else text for text in texts]


def no_match_message(query: str) -> str:
    """What a person is told when nothing matches their query closely enough."""
    return f"No close match for “{query.strip()[:80]}”."


def clean_query(query: str) -> str:
    """The normalised query, or a RecsysError telling the user how to fix it."""
    if not isinstance(query, str) or not query.strip():
        raise RecsysError("Type part of a song title or an artist's name to search.")
    if len(query) > MAX_QUERY_CHARS:
        raise RecsysError(
            f"That search is {len(query):,} characters long; use at most {MAX_QUERY_CHARS}, "
            "for example a title and an artist."
        )
    text = normalise_text(query)
    if not text:
        raise RecsysError("The search has no letters or digits in it; type part of a title or artist.")
    return text
