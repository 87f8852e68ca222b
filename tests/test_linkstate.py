"""recsys/linkstate.py: the likes, dislikes, set and variety a link carries, read and changed."""

from recsys.linkstate import DISLIKE, FEWER, LIKE, MAX_SET, press, set_room, track_ids, variety
from recsys.recommend import MAX_FEEDBACK


def test_track_ids_keep_order_drop_repeats_and_blanks():
    assert track_ids("b,a,,b, ,c") == ["b", "a", "c"]
    assert track_ids(None) == [] and track_ids("") == []


def test_a_press_adds_the_song_to_its_list_and_takes_it_out_of_the_others():
    assert press({LIKE: ["a"], DISLIKE: ["b"]}, LIKE, "b") == {LIKE: "a,b", DISLIKE: None, FEWER: None}


def test_pressed_again_the_song_leaves_every_list():
    assert press({LIKE: ["a", "b"]}, LIKE, "a") == {LIKE: "b", DISLIKE: None, FEWER: None}


def test_fewer_by_this_artist_dislikes_the_song_too_and_undoing_the_dislike_undoes_it():
    fewer = press({}, FEWER, "a")
    assert fewer == {LIKE: None, DISLIKE: "a", FEWER: "a"}
    assert press({DISLIKE: ["a"], FEWER: ["a"]}, DISLIKE, "a") == {LIKE: None, DISLIKE: None, FEWER: None}


def test_a_list_keeps_its_latest_max_feedback_songs():
    given = {LIKE: [f"t{i}" for i in range(MAX_FEEDBACK)]}
    liked = press(given, LIKE, "new")[LIKE].split(",")
    assert len(liked) == MAX_FEEDBACK and liked[0] == "t1" and liked[-1] == "new"


def test_a_song_joins_the_set_unless_it_is_there_or_the_set_is_full():
    assert set_room(["a"], "b") is None
    assert set_room(["a"], "a") == "Already in the mini playlist"
    assert set_room([f"t{i}" for i in range(MAX_SET)], "b") == f"The mini playlist holds at most {MAX_SET} songs"


def test_variety_is_rounded_to_the_slider_steps_and_anything_else_is_refused():
    assert variety(None) == 0.0
    assert variety("0.34") == 0.3 and variety("1") == 1.0
    assert variety("1.5") is None and variety("lots") is None and variety("nan") is None and variety("-0.1") is None
