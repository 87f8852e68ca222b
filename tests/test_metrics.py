"""recsys/evaluation/metrics.py against values computed by hand on a 2-playlist, 6-track example."""

import numpy as np
import pytest

from recsys.evaluation.metrics import capped_recall, genre_coherence, list_metrics, ranking_metrics, recall_at

# Row 0 ranks tracks 0..5 in order and has trained on track 0; its held-out tracks are 1 and 4,
# ranked 1st and 4th of the five left. Row 1 ranks them in reverse, trained on track 5; its
# held-out track 0 comes 5th of five.
SCORES = np.array([[6, 5, 4, 3, 2, 1], [1, 2, 3, 4, 5, 6]], dtype=float)
EXCLUDE = np.zeros((2, 6), dtype=bool)
EXCLUDE[0, 0] = EXCLUDE[1, 5] = True
POS_ROW, POS_COL = np.array([0, 0, 1]), np.array([1, 4, 0])


@pytest.fixture(scope="module")
def metrics():
    return ranking_metrics(SCORES, EXCLUDE, POS_ROW, POS_COL)


def test_recall_and_hit_rate(metrics):
    assert metrics["recall@10"] == pytest.approx(1.0)
    assert metrics["hit_rate@10"] == pytest.approx(1.0)


def test_recall_at_a_small_k_by_hand():
    # @1: row 0's top pick is held-out track 1 (1 of its 2), row 1's top pick track 4 is not its 1.
    assert recall_at(SCORES, EXCLUDE, POS_ROW, POS_COL, k=1) == pytest.approx((1 / 2 + 0) / 2)
    assert recall_at(SCORES, EXCLUDE, POS_ROW, POS_COL, k=10) == pytest.approx(1.0)
    assert np.isnan(recall_at(SCORES, EXCLUDE, POS_ROW[:0], POS_COL[:0], k=10))


def test_ndcg_by_hand(metrics):
    row0 = (1 + 1 / np.log2(5)) / (1 + 1 / np.log2(3))  # hits at ranks 1 and 4 of an ideal 1, 2
    row1 = (1 / np.log2(6)) / 1.0  # one hit at rank 5
    assert metrics["ndcg@10"] == pytest.approx((row0 + row1) / 2, abs=1e-6)


def test_mrr_by_hand(metrics):
    assert metrics["mrr@10"] == pytest.approx((1 / 1 + 1 / 5) / 2)


def test_auc_by_hand(metrics):
    # Row 0: negatives 2, 3, 5; track 1 beats all three, track 4 beats only 5 → 4/6. Row 1: 0/4.
    assert metrics["auc"] == pytest.approx((4 / 6 + 0) / 2)


def test_auc_counts_ties_as_half():
    scores = np.array([[1.0, 1.0, 0.0]])
    result = ranking_metrics(scores, np.zeros((1, 3), dtype=bool), np.array([0]), np.array([0]))
    assert result["auc"] == pytest.approx((0.5 + 1) / 2)


def test_excluded_tracks_are_never_recommended():
    scores = np.array([[9.0, 1.0, 2.0, 3.0]])
    exclude = np.array([[True, False, False, False]])
    result = ranking_metrics(scores, exclude, np.array([0]), np.array([3]))
    assert result["mrr@10"] == pytest.approx(1.0)  # track 3 is first once track 0 is masked


def test_genre_coherence():
    genres = np.array(["pop", "pop", "rap", "pop"])
    neighbours = np.array([[1, 2], [0, 3]])  # song 0's: pop, rap; song 1's: pop, pop
    assert genre_coherence(neighbours, np.array([0, 1]), genres) == pytest.approx(3 / 4)


def test_no_positive_at_all_gives_nan_not_zero():
    result = ranking_metrics(SCORES, EXCLUDE, np.array([], dtype=int), np.array([], dtype=int))
    assert set(result) >= {"recall@10", "ndcg@10", "auc"}
    assert all(np.isnan(value) for value in result.values())


def test_recall_at_10_both_ways_on_a_known_answer():
    """Row 0 holds out 20 songs and finds 5 in its ten: Recall@10 (hits / held-out) is 0.25, capped
    (hits / min(10, held-out)) 0.5. Row 1 holds out 2 and finds 1 in a list cut short by a -1 pad: 0.5 both ways."""
    lists = np.array([list(range(10)), [30, 40, -1, -1, -1, -1, -1, -1, -1, -1]])
    pos_row = np.array([0] * 20 + [1, 1])
    pos_col = np.array([*range(5), *range(100, 115), 30, 50])
    shown = np.array([np.linspace(0.9, 0.1, 10), [0.5, 0.5, *[np.nan] * 8]])
    metrics = list_metrics(lists, shown, pos_row, pos_col, artist=np.zeros(200, dtype=int),
                           album=np.arange(200), popularity=np.full(200, 50.0), num_tracks=200)
    assert metrics["recall@10"] == pytest.approx((0.25 + 0.5) / 2)
    assert metrics["recall@10 (capped)"] == pytest.approx((0.5 + 0.5) / 2)
    assert capped_recall(lists, pos_row, pos_col) == metrics["recall@10 (capped)"]
    assert metrics["distinct artists"] == 1 and metrics["most from one album"] == 1
    assert metrics["tie rate"] == 0.5  # row 1 shows 0.5 twice
    assert metrics["score spread"] == pytest.approx(0.8)  # only full lists count
