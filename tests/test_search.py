"""recsys/search.py: typos, accents, case, artist disambiguation, de-duplication, bad queries."""

import numpy as np
import pandas as pd
import pytest

from recsys.config import DEFAULT_DATA
from recsys.entities import song_codes
from recsys.errors import RecsysError
from recsys.load import load_catalogue
from recsys.search import SUGGESTIONS, SearchIndex, clean_query, no_match_message, normalise

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
    found = index.search(query)
    assert found.matched, query
    return SONGS[found.tracks[0]][:2]


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
    matches = index.search("without me")
    found, scores = matches.tracks, matches.scores
    assert len(found) == len(scores) >= 2
    assert np.all(np.diff(scores) <= 0)
    assert scores.max() <= 100 and scores.min() >= 0
    assert set(titles(found[:2])) == {("Without Me", "Eminem"), ("Without Me", "Halsey")}


def test_same_title_artist_and_album_appear_once(index):
    found = index.search("bad guy billie eilish").tracks
    assert titles(found).count(("Bad Guy", "Billie Eilish")) == 1


def test_popularity_breaks_ties(index):
    matches = index.search("shape of you")
    found, scores = matches.tracks, matches.scores
    assert [SONGS[i][2] for i in found[:2]] == ["÷ (Deluxe)", "Cover Hits"]
    assert scores[0] == scores[1]


def test_limit_caps_the_results(index):
    matches = index.search("without", limit=2)
    found, scores = matches.tracks, matches.scores
    assert len(found) == len(scores) == 2


def test_a_query_sharing_no_letters_finds_nothing(index):
    for query in ("qzxjvvkw", "zzzz qqqq", "42"):
        found = index.search(query)
        assert len(found.tracks) == 0 and len(found.scores) == 0 and not found.matched, query
        assert found.tracks.dtype.kind == "i"
        assert len(index.suggest(found)) == 0


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


@pytest.mark.slow  # the full shipped catalogue
@pytest.mark.parametrize("query, title, artist", [
    ("lvoe yourself", "Love Yourself", "Justin Bieber"),  # two letters swapped
    ("shpe of you", "Shape of You", "Ed Sheeran"),  # a letter dropped, no artist
    ("bohemain rapsody", "Bohemian Rhapsody - 2011 Mix", "Queen"),  # two edits
    ("withot me eminme", "Without Me", "Eminem"),  # title and artist, a typo in each
    ("eminem without me", "Without Me", "Eminem"),  # artist then title
    ("ed sheeran", "South of the Border (feat. Camila Cabello & Cardi B)", "Ed Sheeran"),  # the artist alone: their best-known song
    ("weeknd", "Blinding Lights", "The Weeknd"),  # an artist's last name
    ("billie", "everything i wanted", "Billie Eilish"),  # an artist's first name
    ("smells like teen", "Smells Like Teen Spirit", "Nirvana"),  # the start of a title
    ("blinding lites", "Blinding Lights", "The Weeknd"),
    ("senorita", "Señorita", "Shawn Mendes"),
    ("without me eminem", "Without Me", "Eminem"),
    ("shape of you", "Shape of You", "Ed Sheeran"),  # before the cover by EZA
    ("bohemian rapsody", "Bohemian Rhapsody - 2011 Mix", "Queen"),  # not "Power" by Rapsody
    ("purpl haze", "Purple Haze", "Jimi Hendrix"),
])
def test_real_catalogue_best_match(real, query, title, artist):
    tracks, index = real
    found = index.search(query)
    assert found.matched
    best = tracks.iloc[found.tracks[0]]
    assert (best.track_name, best.track_artist) == (title, artist)


def test_a_short_title_one_typo_from_the_query_is_found_though_no_trigram_survives():
    tracks = pd.DataFrame(
        [("Love", "Someone", "A", 10)] + [(f"Lovely Song {i}", "Band", "B", 90) for i in range(400)],
        columns=["track_name", "track_artist", "track_album_name", "track_popularity"],
    )
    index = SearchIndex.build(tracks)
    for query in ("lvoe", "loev", "lve", "lovx", "loove"):  # swapped, swapped, dropped, replaced, added
        found = index.search(query)
        assert found.matched and found.tracks[0] == 0, query


@pytest.mark.slow  # the full shipped catalogue
@pytest.mark.parametrize("query", [
    "a song that is surely not in the catalogue xyzzy", "xyzzy", "the window before every morning finds",
    "qwrtpsdf", "blorvent kalimu",
])
def test_nonsense_is_not_chosen_but_gets_suggestions(real, query):
    _, index = real
    found = index.search(query)
    assert not found.matched
    suggested = index.suggest(found)
    assert 1 <= len(suggested) <= SUGGESTIONS
    songs = list(zip(index.bases[suggested], index.artists[suggested]))
    assert len(set(songs)) == len(songs)  # one release per song


@pytest.mark.slow  # the full shipped catalogue
def test_a_half_typed_word_is_suggested_not_chosen(real):
    tracks, index = real
    found = index.search("bohemian rh")
    assert not found.matched
    assert tracks.iloc[index.suggest(found)[0]].track_name.startswith("Bohemian Rhapsody")
    assert index.search("bohemian rhapsody").matched


def test_no_match_message_quotes_the_query():
    assert no_match_message("  xyzzy ") == "No close match for “xyzzy”."


def test_different_songs_whose_title_and_artist_run_together_are_both_found():
    """'Love Me' by Harder and 'Love' by Me Harder on one album are two songs, not one shown twice."""
    tracks = pd.DataFrame(
        [("Love Me", "Harder", "Same Album", 50), ("Love", "Me Harder", "Same Album", 50)],
        columns=["track_name", "track_artist", "track_album_name", "track_popularity"],
    )
    found = SearchIndex.build(tracks).search("love me harder").tracks
    assert sorted(found.tolist()) == [0, 1]


def test_a_song_titled_exactly_as_typed_beats_a_more_popular_partial_match():
    # Regression: the real file's song "NA" by NA lost to the more popular "Na Onda".
    tracks = pd.DataFrame(
        [("Na Onda", "Orochi", "Na Onda", 80), ("NA", "NA", "NA", 10)],
        columns=["track_name", "track_artist", "track_album_name", "track_popularity"],
    )
    found = SearchIndex.build(tracks).search("NA").tracks
    assert list(found) == [1, 0]


def test_a_catalogue_whose_names_are_all_empty_finds_nothing():
    tracks = pd.DataFrame({"track_name": ["", "  "], "track_artist": ["", ""], "track_album_name": ["", ""],
                           "track_popularity": ["", ""]})
    found = SearchIndex.build(tracks).search("love")
    assert len(found.tracks) == len(found.scores) == 0


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
    found = SearchIndex.build(tracks).search("bohemian rhapsody").tracks
    assert sorted(found.tolist()) == [0, 1, 2, 3]  # search still shows every release
