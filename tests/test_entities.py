"""recsys/entities.py: version folding on real-looking titles, song codes, and per-track labels."""

import numpy as np
import pandas as pd
import pytest

from recsys.entities import UNKNOWN, TrackLabels, base_title, song_codes

FOLDS = [  # (title, its base title): versions of one recording-song
    ("Bohemian Rhapsody - Remastered 2011", "bohemian rhapsody"),
    ("Bohemian Rhapsody - 2011 Mix", "bohemian rhapsody"),
    ("Come Together - Remastered 2009", "come together"),
    ("Hey Jude - 2015 Remaster", "hey jude"),
    ("Wonderwall - Remastered", "wonderwall"),
    ("Dreams - Live", "dreams"),
    ("Radio Ga Ga - Live at Wembley 1986", "radio ga ga"),
    ("Titanium - Radio Edit", "titanium"),
    ("Beautiful People (feat. Khalid)", "beautiful people"),
    ("Beautiful People [feat. Khalid]", "beautiful people"),
    ("I Don't Care (with Justin Bieber)", "i don t care"),
    ("Let It Be - Single Version", "let it be"),
    ("Sorry - Remix", "sorry"),
    ("Sorry - R3hab Remix", "sorry"),
    ("Creep - Acoustic", "creep"),
    ("Help! - Mono", "help"),
    ("Paint It Black - Stereo", "paint it black"),
    ("Faded - Edit", "faded"),
    ("Yesterday - Mono Version", "yesterday"),
    ("Run - Bonus Track", "run"),
    ("Yellow - Demo", "yellow"),
    ('Love Me Like You Do - From "Fifty Shades of Grey"', "love me like you do"),
    ("Take On Me (Remastered)", "take on me"),
    ("Levels - Extended Version", "levels"),
    ("Animals - Original Mix", "animals"),
    ("Hurt - Deluxe", "hurt"),
    ("Sandstorm - Instrumental", "sandstorm"),
    ("Or Nah (feat. Wiz Khalifa) - Live at the Village, Los Angeles, CA", "or nah"),  # two parts
    ("Run to the Hills - 1998 Remastered Version", "run to the hills"),
    ("Longe - Acústico", "longe"),
    ("Señorita - Remix", "senorita"),
    ("(Remix)", "remix"),  # nothing but a version part: the title stays
    ("Live - Remastered", "live"),
]

KEPT = [  # titles that name a different song, or only look like a version
    ("Live Forever", "live forever"),
    ("Edit the World", "edit the world"),
    ("Mix Tape", "mix tape"),
    ("Remember the Time", "remember the time"),
    ("(I Can't Get No) Satisfaction", "i can t get no satisfaction"),
    ("Runnin' (Dying To Live)", "runnin dying to live"),
    ("Jerusalem - Pt. 2", "jerusalem pt 2"),
    ("WTF (Interlude)", "wtf interlude"),
    ("Take Me Home", "take me home"),
    ("With or Without You", "with or without you"),
    ("Alive", "alive"),
]


@pytest.mark.parametrize("title, base", FOLDS + KEPT)
def test_base_title_folds_version_parts_only(title, base):
    assert base_title(pd.Series([title])).tolist() == [base]


def test_base_title_keeps_the_index_and_never_empties_a_title():
    folded = base_title(pd.Series(["Song - Live", "(feat. X)", ""], index=[7, 8, 9], dtype=object))
    assert folded.to_dict() == {7: "song", 8: "feat x", 9: ""}


def test_versions_by_one_artist_are_one_song_and_other_artists_are_not():
    tracks = pd.DataFrame({
        "track_name": ["Bohemian Rhapsody - Remastered 2011", "Bohemian Rhapsody - 2011 Mix", "Bohemian Rhapsody",
                       "Bohemian Rhapsody", "Intro", "Intro"],
        "track_artist": ["Queen", "Queen", "Queen", "Panic! At The Disco", "", ""],
    })
    code = song_codes(tracks)
    assert code[0] == code[1] == code[2] != code[3]
    assert code[4] != code[5]  # no artist: nothing says the two are one song
    assert code.dtype == np.int64 and list(np.unique(code)) == list(range(code.max() + 1))


def labels(edges: list[tuple[int, int]], artist: list[int], names=("pop", "rock", "edm")) -> TrackLabels:
    """TrackLabels of tracks with artist codes `artist` and (track, label code) edges."""
    track, label = (np.array(column, dtype=np.int64) for column in zip(*edges))
    return TrackLabels.build(np.array(names, dtype=object), track, label, np.array(artist, dtype=np.int64))


def test_a_tie_goes_to_the_label_with_more_edges_then_to_the_first_alphabetically():
    # Track 0: pop once, rock once; pop has more edges overall (track 1). Track 2: rock and edm,
    # 1 each, and overall rock 2, edm 2 after track 3: alphabetical, edm.
    found = labels([(0, 0), (0, 1), (1, 0), (2, 1), (2, 2), (3, 2), (1, 0)], artist=[0, 1, 2, 3])
    assert found.shown().tolist()[:3] == ["pop", "pop", "edm"]
    assert found.of(0) == [("pop", 1), ("rock", 1)]
    assert found.of(2) == [("edm", 1), ("rock", 1)]


def test_a_track_without_labels_takes_its_artists_and_else_is_unknown():
    # Artist 0: tracks 0, 1 rock, track 2 pop; track 3 (artist 0) and 4 (artist 1) have no edges.
    found = labels([(0, 1), (1, 1), (2, 0)], artist=[0, 0, 0, 0, 1])
    assert found.shown().tolist() == ["rock", "rock", "pop", "rock", UNKNOWN]
    assert found.inferred.tolist() == [False, False, False, True, False]
    assert found.of(3) == []


def test_has_asks_the_playlists_first_and_the_shown_label_for_a_track_with_none():
    found = labels([(0, 0), (0, 1), (1, 0)], artist=[0, 1, 1, 2])  # 2 takes artist 1's pop; 3 unknown
    assert found.has(["rock"]).tolist() == [True, False, False, False]
    assert found.has(["pop"]).tolist() == [True, True, True, False]
    assert found.has([UNKNOWN]).tolist() == [False, False, False, True]
    assert found.has(["pop"], np.array([3, 0])).tolist() == [False, True]  # rows in the order asked
    assert found.has(["pop"], slice(1, 3)).tolist() == [True, True]
    assert found.has(["rock"], np.array([True, False, False, True])).tolist() == [True, False]
    assert found.has(["jazz"], np.array([], dtype=np.int64)).tolist() == []


def test_labels_of_a_catalogue_without_edges():
    found = TrackLabels.build(np.array([], dtype=object), np.array([], dtype=np.int64),
                              np.array([], dtype=np.int64), np.array([0, -1]))
    assert found.shown().tolist() == [UNKNOWN, UNKNOWN]
    assert found.has(["pop"]).tolist() == [False, False]
