"""recsys/picking.py: which song the search page is about after a query, a pick or a link."""

import numpy as np

from recsys.picking import NEW_QUERY, PICKED, chosen_song, famous_songs, shown_pick
from recsys.search import Matches


def test_a_new_query_chooses_its_best_match_over_the_song_in_the_link():
    assert chosen_song(7, [3, 5, 7], NEW_QUERY, None) == 3


def test_a_pick_among_the_matches_chooses_it():
    assert chosen_song(7, [3, 5, 7], PICKED, 5) == 5


def test_a_pick_that_is_not_a_match_leaves_the_song_as_it_was():
    assert chosen_song(7, [3, 5], PICKED, 9) == 7
    assert chosen_song(None, [3, 5], PICKED, None) is None


def test_with_nothing_asked_the_song_in_the_link_stays_even_if_the_search_did_not_find_it():
    assert chosen_song(7, [3, 5], None, 3) == 7


def test_which_song_shows_the_chosen_song_only_if_the_search_found_it():
    assert shown_pick(5, [3, 5]) == 5
    assert shown_pick(7, [3, 5]) is None and shown_pick(None, [3, 5]) is None


def test_famous_songs_are_those_the_catalogue_holds_closely_in_the_order_asked():
    known = {"one": Matches(np.array([4]), np.array([100.0])), "two": Matches(np.array([9]), np.array([10.0])),
             "three": Matches(np.array([1]), np.array([95.0]))}
    assert famous_songs(lambda query, limit: known[query], ["one", "two", "three"]) == [4, 1]
