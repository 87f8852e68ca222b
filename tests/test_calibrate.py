"""recsys/calibrate.py: the score scale is a strictly increasing map fitted by isotonic regression."""

import numpy as np
import pytest

from recsys.calibrate import BINS, TOP, _isotonic, _pool, fit_calibration
from recsys.embeddings import Calibration
from recsys.evaluation.split import holdout_split


def test_violators_are_pooled_into_their_weighted_mean():
    rates, weights = _pool(np.array([0.1, 0.3, 0.2, 0.5]), np.array([1.0, 1.0, 3.0, 1.0]))
    assert rates == pytest.approx([0.1, (0.3 + 3 * 0.2) / 4, 0.5])
    assert [len(w) for w in weights] == [1, 2, 1]


def test_the_fitted_scale_rises_strictly_from_0_to_1_and_follows_the_data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 20_000)
    y = rng.random(20_000) < (x + 1) / 2  # the true chance rises linearly from 0 to 1
    scale = _isotonic(x, y)
    grid = np.linspace(-TOP, TOP, 2001)
    chances = scale(grid)
    assert np.all(np.diff(scale.knots) > 0) and np.all(np.diff(scale.chances) > 0)
    assert np.all(np.diff(chances) > 0)  # strictly: two different scores never read the same
    assert chances[0] == 0 and chances[-1] == 1
    assert scale(np.array([-0.5, 0.0, 0.5])) == pytest.approx([0.25, 0.5, 0.75], abs=0.05)


def test_an_order_that_the_data_contradicts_still_gives_a_rising_scale():
    x = np.linspace(0, 1, 4 * BINS)
    y = (np.arange(4 * BINS) // BINS) % 2 == 0  # together, apart, together, apart: no monotone truth
    scale = _isotonic(x, y)
    assert np.all(np.diff(scale(np.linspace(-TOP, TOP, 500))) > 0)


def test_scores_that_tell_nothing_apart_keep_the_plain_scale(two_playlists):
    split = holdout_split(two_playlists, 0)
    no_sound = np.zeros((two_playlists.ids.num_tracks, 12))
    scale = fit_calibration(lambda tracks: np.zeros((len(tracks), two_playlists.ids.num_tracks)), no_sound, split)
    assert scale == Calibration()


def test_tied_scores_across_bins_give_one_knot_each():
    x = np.repeat([0.1, 0.2, 0.9], [3 * BINS, BINS, BINS])  # 0.1 fills three fifths of the bins
    y = np.concatenate([np.arange(3 * BINS) % 4 == 0, np.arange(BINS) % 2 == 0, np.ones(BINS, dtype=bool)])
    scale = _isotonic(x, y)
    assert np.all(np.diff(scale.knots) > 0) and np.all(np.diff(scale.chances) > 0)
    assert scale(np.array([0.1, 0.2, 0.9])) == pytest.approx([0.25, 0.5, 1.0], abs=1e-5)
