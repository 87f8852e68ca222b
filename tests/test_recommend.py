"""recsys/recommend.py: the list as shown, on hand-made vectors and codes with a known answer."""

import numpy as np
import pandas as pd
import pytest

from recsys.recommend import SOUND_WEIGHT, Filters, Groups, pick, scores

# Unit vectors at these angles (degrees): from track 0 the order is 1 (10°), 2 (30°), 3 (60°), 4 (90°), 5 (180°).
ANGLES = np.radians([0, 10, 30, 60, 90, 180])
EMB = np.stack([np.cos(ANGLES), np.sin(ANGLES)], axis=1).astype(np.float32)
SOUND = np.zeros((6, 2), dtype=np.float32)  # no sound: the model alone decides


def groups(song=None, artist=None, album=None) -> Groups:
    """Every track its own song, artist and album unless a test says otherwise."""
    own = np.arange(6)
    return Groups(*(np.asarray(codes if codes is not None else own) for codes in (song, artist, album)))


def ranked(seeds, k, g=None, filters=Filters(), emb=EMB, sound=SOUND):
    blended = scores(emb, sound, seeds)[1]
    blended[np.asarray(seeds)] = -np.inf
    return pick(blended, k, g or groups(), filters).tolist()


def test_neighbours_come_in_order_of_cosine_similarity():
    assert ranked([0], 3) == [1, 2, 3]
    cosine, blended = scores(EMB, SOUND, [0])
    np.testing.assert_allclose(cosine[[1, 2, 3]], np.cos(np.radians([10, 30, 60])), rtol=1e-6)


def test_a_set_is_scored_by_its_mean_similarity():
    cosine, _ = scores(EMB, SOUND, [0, 2])
    np.testing.assert_allclose(cosine, (EMB @ EMB[0] + EMB @ EMB[2]) / 2, rtol=1e-6)
    assert ranked([0, 2], 2) == [1, 3]


def test_one_version_per_song_the_best_scored_kept():
    # 1 and 2 are one song (two versions): only 1, the closer, shows.
    assert ranked([0], 3, groups(song=[0, 1, 1, 3, 4, 5])) == [1, 3, 4]


def test_at_most_two_by_one_artist_then_the_next_best_of_others():
    assert ranked([0], 3, groups(artist=[9, 7, 7, 7, 8, 6])) == [1, 2, 4]
    assert ranked([0], 3, groups(artist=[9, 7, 7, 7, 8, 6]), Filters(per_artist=1)) == [1, 4, 5]


def test_one_per_album_by_default_and_zero_means_no_cap():
    album = [9, 7, 7, 7, 8, 6]
    assert ranked([0], 3, groups(album=album)) == [1, 4, 5]
    assert ranked([0], 3, groups(album=album), Filters(per_album=0)) == [1, 2, 3]


def test_a_song_dropped_by_one_cap_does_not_count_toward_the_other():
    # 2 is left out for its album (shared with 1); its artist must still have room for 3.
    assert ranked([0], 3, groups(artist=[9, 5, 7, 7, 8, 6], album=[9, 5, 5, 3, 8, 6]), Filters(per_artist=1)) == [1, 3, 4]


def test_unknown_artist_and_album_are_never_capped():
    assert ranked([0], 4, groups(artist=[-1] * 6, album=[-1] * 6)) == [1, 2, 3, 4]


def test_the_list_is_full_whenever_the_catalogue_allows():
    # Caps leave only one per album of two: every allowed song is still found past the first candidates.
    many = 1000
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(many, 4)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    g = Groups(np.arange(many), np.arange(many), np.arange(many) // 2)
    top = pick(emb @ emb[0], 400, g, Filters())
    assert len(top) == 400 and len(set((np.arange(many) // 2)[top])) == 400


def test_sound_breaks_a_tie_between_identical_vectors():
    emb = np.array([[1, 0], [0.8, 0.6], [0.8, 0.6], [0, 1]], dtype=np.float32)
    sound = np.array([[1, 0], [0, 1], [1, 0], [0, 1]], dtype=np.float32)  # 2 sounds like 0, 1 does not
    cosine, blended = scores(emb, sound, [0])
    assert cosine[1] == cosine[2]
    assert blended[2] - blended[1] == pytest.approx(SOUND_WEIGHT, rel=1e-4)  # float32 sums
    g = Groups(np.arange(4), np.arange(4), np.arange(4))
    blended[0] = -np.inf
    assert pick(blended, 2, g, Filters()).tolist() == [2, 1]


def test_nothing_finite_gives_an_empty_list():
    assert pick(np.full(4, -np.inf), 3, Groups(*(np.arange(4),) * 3), Filters()).tolist() == []


class Catalogue:
    """What Filters reads of a catalogue: the track table and has_genre."""

    tracks = pd.DataFrame({
        "artist_code": [0, 0, 1, 2, 3],
        "release_year": [1999.0, 2005.0, np.nan, 2010.0, 2020.0],
    })
    genres = [{"pop"}, {"rock"}, {"pop", "latin"}, {"rap"}, {"pop"}]

    def has_genre(self, wanted, rows=slice(None)):
        return np.array([bool(g & set(wanted)) for g in self.genres])[rows]


@pytest.mark.parametrize("filters, allowed", [
    (Filters(), [True, True, True, True, True]),
    (Filters(genres=("latin", "rap")), [False, False, True, True, False]),
    (Filters(years=(2000, 2010)), [False, True, False, True, False]),  # an unknown year is left out
    (Filters(exclude_seed_artists=True), [False, False, True, True, True]),  # seed 1 is by artist 0
    (Filters(genres=("pop",), years=(1990, 2030), exclude_seed_artists=True), [False, False, False, False, True]),
])
def test_filters_let_through_the_songs_they_describe(filters, allowed):
    assert filters.allowed(Catalogue(), np.array([1])).tolist() == allowed


def test_default_caps_are_two_per_artist_one_per_album():
    assert (Filters().per_artist, Filters().per_album) == (2, 1)


def test_the_list_as_shown_leaves_out_every_version_of_the_seeds():
    # 1 is another version of seed 0; 3 of seed 2. Neither may show, whatever its score.
    g = groups(song=[0, 0, 2, 2, 4, 5])
    blended = scores(EMB, SOUND, [0, 2])[1]
    assert pick(blended, 4, g, Filters(), seeds=[0, 2]).tolist() == [4, 5]
