"""recsys/evidence.py: each recommendation is explained against the chosen song it is closest to."""

import numpy as np

from recsys.evidence import closest_chosen, list_evidence

# Unit vectors on a circle: songs 0 and 1 point one way, 2 and 3 the opposite way, 4 between.
UNIT = np.array([[1.0, 0.0], [0.8, 0.6], [-1.0, 0.0], [-0.8, 0.6], [0.6, 0.8]])


def test_each_song_is_matched_to_the_chosen_song_its_vector_is_closest_to():
    assert closest_chosen(UNIT, [0, 2], [1, 3, 4]).tolist() == [0, 2, 0]


def test_with_one_chosen_song_every_song_is_matched_to_it():
    assert closest_chosen(UNIT, [2], [0, 1, 4]).tolist() == [2, 2, 2]


class Recorder:
    """An Explainer stand-in that says which (chosen song, song) it was asked about, and how often."""

    def __init__(self):
        self.calls = []

    def explain(self, query, others):
        self.calls.append((query, [int(o) for o in others]))
        return [(query, int(other)) for other in others]


def test_evidence_comes_in_the_list_order_from_one_search_per_chosen_song():
    explainer = Recorder()
    evidence = list_evidence(explainer, UNIT, [0, 2], [3, 1, 4])
    assert evidence == [(2, (2, 3)), (0, (0, 1)), (0, (0, 4))]
    assert sorted(explainer.calls) == [(0, [1, 4]), (2, [3])]
