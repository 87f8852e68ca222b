"""recsys/postings.py: byte trigrams, postings lists and the deletion index."""

import numpy as np

from recsys.postings import Deletions, Postings, trigram_codes


def code(trigram: str) -> int:
    first, second, third = trigram.encode()
    return first << 16 | second << 8 | third


def test_trigrams_are_the_padded_texts_own_and_never_straddle_two():
    text, codes = trigram_codes(["ab", "c"])
    assert text.tolist() == [0, 0, 1]
    assert codes.tolist() == [code(" ab"), code("ab "), code(" c ")]


def test_postings_list_each_keys_tracks_once_in_rank_order():
    keys, tracks = np.array([7, 3, 7, 7, 3]), np.array([0, 1, 2, 0, 2])
    by_index = Postings.of(keys, tracks)
    assert by_index.keys.tolist() == [3, 7]
    assert by_index.gather(by_index.slots(np.array([7]))).tolist() == [0, 2]  # the repeat filed once
    best_known = Postings.of(keys, tracks, rank=np.array([2, 0, 1]))  # track 1 first, then 2, then 0
    assert best_known.gather(best_known.slots(np.array([3, 7]))).tolist() == [1, 2, 2, 0]
    assert best_known.gather(best_known.slots(np.array([7])), first=1).tolist() == [2]
    assert best_known.slots(np.array([5])).tolist() == []  # a key nothing has


def test_deletions_find_every_name_one_edit_away():
    names = ["love", "live", "lover", "glove", "dove", "night"]
    near = {names[i] for i in Deletions.of(names, longest=9).near("lvoe")}
    assert "love" in near and "night" not in near
    assert {names[i] for i in Deletions.of(names, longest=9).near("love")} >= {"love", "live", "lover", "glove", "dove"}


def test_names_longer_than_the_longest_are_not_filed():
    near = Deletions.of(["lover", "lovers"], longest=5).near("lovers")
    assert near.tolist() == [0]  # "lover" is one edit away; "lovers" itself, six letters, was never filed
