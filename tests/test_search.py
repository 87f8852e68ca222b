"""recsys/search.py: typos, accents, case, artist disambiguation, de-duplication, bad queries."""

import numpy as np
import pandas as pd
import pytest

from recsys.config import DEFAULT_DATA
from recsys.entities import song_codes
from recsys.errors import RecsysError
from recsys.load import load_catalogue
from recsys.search import SearchIndex, clean_query, normalise

SONGS = [  # (title, artist, album, popularity)
    ("Lights Up", "Harry Styles", "Fine Line", 70),
    ("Blinding Lights", "The Weeknd", "After Hours", 90),
    ("Blind", "Korn", "Korn", 40),
    ("Señorita", "Shawn Mendes", "Shawn Mendes (Deluxe)", 85),
    ("Without You", "Avicii", "Avīci (01)", 60),
    ("Without Me", "Eminem", "The Eminem Show", 80),
    ("Without Me", "Halsey", "Manic", 82),
    ("Shape of You", "Ed Sheeran", "Cover Hits", 20),  # same song, two albums: popularity decides
    ("Shape of You", "Ed Sheeran", "÷ (Deluxe)", 87),
    ("Bad Guy", "Billie Eilish", "When We All Fall Asleep", 88),
    ("Bad Guy", "Billie Eilish", "When We All Fall Asleep", 88),  # same title, artist, album: shown once
    ("Dance Monkey", "Tones and I", "The Kids Are Coming", 83),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    tracks = pd.DataFrame(SONGS, columns=["track_name", "track_artist", "track_album_name", "track_popularity"])
    tracks.index = range(100, 100 + len(tracks))  # the index must not leak into local track numbers
    return SearchIndex.build(tracks)


def titles(found: np.ndarray) -> list[tuple[str, str]]:
    return [SONGS[i][:2] for i in found]


def top(index: SearchIndex, query: str) -> tuple[str, str]:
    found, _ = index.search(query)
    assert len(found) > 0, query
    return SONGS[found[0]][:2]


@pytest.mark.parametrize("query, expected", [
    ("blinding lites", ("Blinding Lights", "The Weeknd")),
    ("BLINDING LIGHTS", ("Blinding Lights", "The Weeknd")),
    ("senorita", ("Señorita", "Shawn Mendes")),
    ("SEÑORITA", ("Señorita", "Shawn Mendes")),
    ("without me eminem", ("Without Me", "Eminem")),
    ("without me halsey", ("Without Me", "Halsey")),
    ("eminem without me", ("Without Me", "Eminem")),
    ("dance monkey!", ("Dance Monkey", "Tones and I")),
    ("weeknd", ("Blinding Lights", "The Weeknd")),
])
def test_best_match_first(index, query, expected):
    assert top(index, query) == expected


def test_scores_are_0_to_100_and_best_first(index):
    found, scores = index.search("without me")
    assert len(found) == len(scores) >= 2
    assert np.all(np.diff(scores) <= 0)
    assert scores.max() <= 100 and scores.min() >= 0
    assert set(titles(found[:2])) == {("Without Me", "Eminem"), ("Without Me", "Halsey")}


def test_same_title_artist_and_album_appear_once(index):
    found, _ = index.search("bad guy billie eilish")
    assert titles(found).count(("Bad Guy", "Billie Eilish")) == 1


def test_popularity_breaks_ties(index):
    found, scores = index.search("shape of you")
    assert [SONGS[i][2] for i in found[:2]] == ["÷ (Deluxe)", "Cover Hits"]
    assert scores[0] == scores[1]


def test_limit_caps_the_results(index):
    found, scores = index.search("without", limit=2)
    assert len(found) == len(scores) == 2


def test_nonsense_query_returns_empty_arrays(index):
    for query in ("qzxjvvkw", "zzzz qqqq", "42"):
        found, scores = index.search(query)
        assert len(found) == 0 and len(scores) == 0, query
        assert found.dtype.kind == "i"


@pytest.mark.parametrize("query, hint", [
    ("", "Type part of a song title"),
    ("   ", "Type part of a song title"),
    ("x" * 10_000, "at most 200"),
    ("🎵🎵", "no letters or digits"),
    ("!!!", "no letters or digits"),
])
def test_unsearchable_queries_raise_a_helpful_error(index, query, hint):
    with pytest.raises(RecsysError, match=hint):
        index.search(query)


def test_non_text_query_is_a_recsys_error():
    with pytest.raises(RecsysError):
        clean_query(None)


def test_normalise_strips_accents_case_and_punctuation():
    assert normalise(pd.Series(["Señorita", "  Don't STOP—me_now!  ", "Beyoncé & JAY-Z"])).tolist() == [
        "senorita", "don t stop me now", "beyonce jay z",
    ]


# --- the shipped catalogue, indexed once ----------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    tracks = load_catalogue(DEFAULT_DATA).tracks
    return tracks, SearchIndex.build(tracks)


@pytest.mark.parametrize("query, title, artist", [
    ("blinding lites", "Blinding Lights", "The Weeknd"),
    ("senorita", "Señorita", "Shawn Mendes"),
    ("without me eminem", "Without Me", "Eminem"),
    ("shape of you", "Shape of You", "Ed Sheeran"),  # before the cover by EZA
    ("bohemian rapsody", "Bohemian Rhapsody - 2011 Mix", "Queen"),  # not "Power" by Rapsody
    ("purpl haze", "Purple Haze", "Jimi Hendrix"),
])
def test_real_catalogue_best_match(real, query, title, artist):
    tracks, index = real
    found, _ = index.search(query)
    best = tracks.iloc[found[0]]
    assert (best.track_name, best.track_artist) == (title, artist)


def test_different_songs_whose_title_and_artist_run_together_are_both_found():
    """'Love Me' by Harder and 'Love' by Me Harder on one album are two songs, not one shown twice."""
    tracks = pd.DataFrame(
        [("Love Me", "Harder", "Same Album", 50), ("Love", "Me Harder", "Same Album", 50)],
        columns=["track_name", "track_artist", "track_album_name", "track_popularity"],
    )
    found, _ = SearchIndex.build(tracks).search("love me harder")
    assert sorted(found.tolist()) == [0, 1]


def test_a_song_titled_exactly_as_typed_beats_a_more_popular_partial_match():
    # Regression: the real file's song "NA" by NA lost to the more popular "Na Onda".
    tracks = pd.DataFrame(
        [("Na Onda", "Orochi", "Na Onda", 80), ("NA", "NA", "NA", 10)],
        columns=["track_name", "track_artist", "track_album_name", "track_popularity"],
    )
    found, _ = SearchIndex.build(tracks).search("NA")
    assert list(found) == [1, 0]


def test_a_catalogue_whose_names_are_all_empty_finds_nothing():
    tracks = pd.DataFrame({"track_name": ["", "  "], "track_artist": ["", ""], "track_album_name": ["", ""],
                           "track_popularity": ["", ""]})
    found, scores = SearchIndex.build(tracks).search("love")
    assert len(found) == len(scores) == 0


def test_versions_of_a_song_share_its_code_but_each_release_is_its_own_row():
    tracks = pd.DataFrame(
        [("Bohemian Rhapsody", "Queen", "A Night at the Opera", 80),
         ("Bohemian Rhapsody - Remastered 2011", "Queen", "A Night at the Opera (2011 Remaster)", 70),
         ("Bohemian Rhapsody - 2011 Mix", "Queen", "Bohemian Rhapsody (Soundtrack)", 75),
         ("Bohemian Rhapsody", "Panic! At The Disco", "Suicide Squad", 60)],
        columns=["track_name", "track_artist", "track_album_name", "track_popularity"],
    )
    song = song_codes(tracks)
    assert song[0] == song[1] == song[2] != song[3]
    found, _ = SearchIndex.build(tracks).search("bohemian rhapsody")
    assert sorted(found.tolist()) == [0, 1, 2, 3]  # search still shows every release
