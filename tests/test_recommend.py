"""recsys/recommend.py: the list as shown, on hand-made vectors and codes with a known answer; at the end,
👍 / 👎 turned into Feedback and the list they give, on a tiny trained model."""

import numpy as np
import pandas as pd
import pytest

from recsys.errors import RecsysError
from recsys.pipeline import prepare
from recsys.recommend import (
    DISLIKE_WEIGHT, LIKE_WEIGHT, MAX_FEEDBACK, SOUND_WEIGHT, Feedback, Filters, Groups, mmr, pairwise, pick,
    query_vector, scores,
)
from tests.conftest import TINY_CONFIG, two_playlist_rows

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
    (Filters(exclude_chosen_artists=True), [False, False, True, True, True]),  # chosen song 1 is by artist 0
    (Filters(genres=("pop",), years=(1990, 2030), exclude_chosen_artists=True), [False, False, False, False, True]),
])
def test_filters_let_through_the_songs_they_describe(filters, allowed):
    assert filters.allowed(Catalogue(), np.array([1])).tolist() == allowed


def test_default_caps_are_two_per_artist_one_per_album():
    assert (Filters().per_artist, Filters().per_album) == (2, 1)


def test_the_list_as_shown_leaves_out_every_version_of_the_seeds():
    # 1 is another version of seed 0; 3 of seed 2. Neither may show, whatever its score.
    g = groups(song=[0, 0, 2, 2, 4, 5])
    blended = scores(EMB, SOUND, [0, 2])[1]
    assert pick(blended, 4, g, Filters(), chosen=[0, 2]).tolist() == [4, 5]


# --- 👍 / 👎 and variety -----------------------------------------------------------------------------

def test_a_like_and_a_dislike_move_the_query_by_rocchios_weights():
    # Seed (1, 0); liked 4 at 90° (0, 1); disliked 5 at 180° (-1, 0):
    # (1, 0) + 0.75·(0, 1) − 0.15·(−1, 0) = (1.15, 0.75), rescaled to the seed's length 1.
    query = query_vector(EMB, [0], Feedback(liked=(4,), disliked=(5,)))
    np.testing.assert_allclose(query, np.array([1.15, 0.75]) / np.hypot(1.15, 0.75), rtol=1e-6)
    np.testing.assert_allclose(query_vector(EMB, [0], Feedback(liked=(4,))), [0.8, 0.6], rtol=1e-6)  # (1, .75)/1.25


def test_the_query_keeps_the_length_of_the_seeds_mean():
    # Seeds at 0° and 90°: their mean (0.5, 0.5) has length 0.707; a set's scores stay on that scale.
    base = EMB[[0, 4]].mean(axis=0)
    query = query_vector(EMB, [0, 4], Feedback(liked=(1,)))
    assert np.linalg.norm(query) == pytest.approx(np.linalg.norm(base), rel=1e-6)
    direction = base + LIKE_WEIGHT * EMB[1]
    np.testing.assert_allclose(query, direction * np.linalg.norm(base) / np.linalg.norm(direction), rtol=1e-6)


def test_a_dislike_alone_turns_the_query_away_from_the_disliked_song():
    # (1, 0) − 0.15·(cos 30°, sin 30°), rescaled to length 1: it now points slightly below the x axis.
    away = np.array([1 - DISLIKE_WEIGHT * np.cos(np.radians(30)), -DISLIKE_WEIGHT * np.sin(np.radians(30))])
    query = query_vector(EMB, [0], Feedback(disliked=(2,)))
    np.testing.assert_allclose(query, away / np.linalg.norm(away), rtol=1e-6)
    assert EMB[2] @ query < EMB[2] @ EMB[0]


def test_variety_alone_leaves_the_query_as_it_is():
    assert not Feedback(variety=0.5).moves_query and Feedback(disliked=(1,)).moves_query


# Songs 0 and 1 nearly the same (0.95), 2 unlike 0 (0.1) and fairly unlike 1 (0.2).
RELEVANCE = np.array([0.9, 0.8, 0.7])
SIMILARITY = np.array([[1.0, 0.95, 0.1], [0.95, 1.0, 0.2], [0.1, 0.2, 1.0]])


@pytest.mark.parametrize("variety, order", [
    (0.0, [0, 1, 2]),  # relevance order
    (0.5, [0, 2, 1]),  # after 0: 1 gains .5·.8 − .5·.95 = −.075, 2 gains .5·.7 − .5·.1 = .3
    (1.0, [0, 2, 1]),  # the least like those picked
])
def test_mmr_trades_relevance_for_difference(variety, order):
    assert mmr(RELEVANCE, SIMILARITY, 3, variety).tolist() == order


def test_mmr_gives_equal_gains_to_the_earlier_position_and_stops_at_what_there_is():
    assert mmr(np.full(3, 0.5), np.eye(3), 3, 1.0).tolist() == [0, 1, 2]
    assert mmr(np.full(3, 0.5), np.ones((3, 3)), 2, 0.4).tolist() == [0, 1]
    assert mmr(RELEVANCE, SIMILARITY, 10, 0.0).tolist() == [0, 1, 2]
    assert mmr(RELEVANCE, SIMILARITY, 0, 0.5).tolist() == []


def test_variety_chooses_only_among_songs_the_caps_allow():
    # One song per artist; 1 and 5 share artist 7, 2 and 3 artist 6. The caps leave 1, 2 and 4, and
    # variety 1 takes 1 then 4 (80° from it); without the caps it would take 5, 170° from 1.
    g = groups(artist=[9, 7, 6, 6, 8, 7])
    blended = scores(EMB, SOUND, [0])[1]
    similarity = lambda tracks: pairwise(EMB, tracks)  # noqa: E731
    assert pick(blended, 2, g, Filters(per_artist=1), chosen=[0], variety=1.0, similarity=similarity).tolist() == [1, 4]
    assert pick(blended, 2, g, Filters(per_artist=0), chosen=[0], variety=1.0, similarity=similarity).tolist() == [1, 5]


@pytest.mark.parametrize("variety", [-0.1, 1.5, float("nan"), True, "0.5", None])
def test_feedback_refuses_a_variety_outside_zero_to_one(variety):
    with pytest.raises(RecsysError, match="Variety must be a number from 0 to 1"):
        Feedback(variety=variety)


def test_feedback_takes_whole_and_fractional_varieties_in_range():
    assert [Feedback(variety=v).variety for v in (0, 1, 0.3)] == [0, 1, 0.3]


# --- the Recommender's feedback, on a trained tiny model ---------------------------------------------

@pytest.fixture
def recommender(make_csv, tmp_path):
    """The two playlists, a1, a2 and a3 all by Artist X."""
    rows = two_playlist_rows()
    for row in rows:
        if row["track_id"] in ("a1", "a2", "a3"):
            row["track_artist"] = "Artist X"
    return prepare(make_csv(rows), tmp_path / "cache", TINY_CONFIG)


def local(recommender, *track_ids: str) -> tuple[int, ...]:
    return tuple(int(i) for i in recommender.catalogue.ids.track_index(list(track_ids)))


def test_feedback_names_unknown_ids_and_a_song_liked_and_disliked_is_disliked(recommender):
    feedback, unknown = recommender.feedback(["a1", "nope", "b2", "a1"], ["b2", "gone"], ["b3"], 0.2)
    assert feedback == Feedback(liked=local(recommender, "a1"), disliked=local(recommender, "b2"),
                                fewer_artists=local(recommender, "b3"), variety=0.2)
    assert unknown == ("gone", "nope")  # the dislikes are read first


def test_feedback_takes_the_first_max_feedback_of_each_kind(recommender):
    feedback, unknown = recommender.feedback([f"x{i}" for i in range(MAX_FEEDBACK)] + ["a1"], ["b1"])
    assert feedback.liked == () and len(unknown) == MAX_FEEDBACK  # a1 came after the first MAX_FEEDBACK
    assert feedback.disliked == local(recommender, "b1")


@pytest.mark.parametrize("variety", [0.0, 0.6])
def test_a_disliked_song_never_shows(recommender, variety):
    seed, disliked = local(recommender, "a0", "a4")
    feedback = Feedback(disliked=(disliked,), variety=variety)
    tracks = recommender.neighbours_table(seed, k=11, filters=Filters(per_artist=0), feedback=feedback)["track"]
    assert disliked not in tracks.tolist() and len(tracks) == 10  # 12 songs less the seed and the disliked


def test_fewer_by_this_artist_leaves_out_every_song_of_theirs(recommender):
    seed, a2 = local(recommender, "b0", "a2")
    plain = recommender.neighbours_table(seed, k=11, filters=Filters(per_artist=0))["track_artist"]
    assert (plain == "Artist X").sum() == 3
    feedback = Feedback(fewer_artists=(a2,))
    fewer = recommender.neighbours_table(seed, k=11, filters=Filters(per_artist=0), feedback=feedback)
    assert "Artist X" not in set(fewer["track_artist"]) and len(fewer) == 8
