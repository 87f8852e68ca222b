"""The score a person reads: the chance that a playlist holding one song also holds another this
similar, fitted by isotonic regression on playlist songs a model was not shown."""

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from recsys.embeddings import Calibration, sound_vectors
from recsys.recommend import SOUND_WEIGHT, Groups

if TYPE_CHECKING:  # the split, and training, are only needed when a model is calibrated
    from recsys.config import TrainConfig
    from recsys.load import Catalogue
    from recsys.evaluation.split import Split

QUERIES = 1000  # training songs of test playlists whose pairs the fit sees (a seeded sample)
NEAREST = 50  # each query's nearest songs, where the scores people see lie, and as many random ones
BINS = 200  # equal-count bins of pairs the isotonic fit pools
BLOCK = 128  # queries scored at once: (BLOCK, T) floats
TOP = 1.0 + SOUND_WEIGHT  # the highest blended score there is: a song and itself


def held_out_calibration(catalogue: "Catalogue", config: "TrainConfig", on_epoch=None) -> Calibration:
    """Train `config` once more without a fifth of each playlist, and fit the scale on what it
    was not shown: a chance measured on pairs the vectors never saw together. `on_epoch(epoch,
    epochs)` follows that second run."""
    from recsys.evaluation.split import holdout_split
    from recsys.train import train

    split = holdout_split(catalogue, config.seed)
    report = None if on_epoch is None else lambda epoch, epochs, *_: on_epoch(epoch, epochs)
    vectors = train(split.train, replace(config, holdout=0.0), report).track
    sound = sound_vectors(catalogue.features_raw)
    return fit_calibration(lambda tracks: vectors[tracks] @ vectors.T, sound, split, config.seed)


def fit_calibration(song_scores, sound: np.ndarray, split: "Split", seed: int = 0) -> Calibration:
    """Fitted on `split`'s held-out songs with `song_scores(tracks) -> (len(tracks), T)` from a
    model trained on `split.train` alone, the sound bonus added as a list adds it: a training song
    of a test playlist against its nearest and random songs not in a playlist with it, a pair
    counting as together when the other is held out of one of its playlists."""
    pair_scores, together = _pairs(song_scores, sound, split, np.random.default_rng(seed))
    if len(together) < BINS or together.all() or not together.any() or np.ptp(pair_scores) == 0:
        return Calibration()  # nothing to tell apart: keep the order, rescaled to 0–1
    return _isotonic(pair_scores, together)


def _pairs(song_scores, sound: np.ndarray, split: "Split", rng: np.random.Generator):
    """(blended scores, held-out-together flags) of the sampled pairs."""
    train = split.train
    known = _co_members(train.edge_playlist, train.edge_track, train.ids.num_tracks)
    held = _co_members(np.concatenate([train.edge_playlist, split.test_playlist]),
                       np.concatenate([train.edge_track, split.test_track]), train.ids.num_tracks)
    tested = np.isin(train.edge_playlist, split.test_playlist)
    candidates = np.unique(train.edge_track[tested])
    queries = rng.choice(candidates, min(QUERIES, len(candidates)), replace=False) if len(candidates) else []
    song = Groups.of(train.tracks).song
    all_scores, all_flags = [], []
    for start in range(0, len(queries), BLOCK):
        block = np.asarray(queries[start:start + BLOCK], dtype=np.int64)
        blended = np.array(song_scores(block), dtype=np.float64) + SOUND_WEIGHT * (sound[block] @ sound.T)  # (B, T)
        for query, row in zip(block, blended):
            row[song == song[query]] = -np.inf  # itself and its other versions, as in a list
            row[known(query)] = -np.inf  # already together: nothing to predict
            near = np.argpartition(-row, NEAREST)[:NEAREST] if len(row) > NEAREST else np.arange(len(row))
            others = np.concatenate([near, rng.integers(0, len(row), NEAREST)])
            others = others[np.isfinite(row[others])]
            all_scores.append(row[others])
            all_flags.append(np.isin(others, held(query)))
    if not all_scores:
        return np.empty(0), np.empty(0, dtype=bool)
    return np.concatenate(all_scores), np.concatenate(all_flags)


def _co_members(edge_playlist: np.ndarray, edge_track: np.ndarray, num_tracks: int):
    """A function from a track to every track sharing one of the given playlists with it."""
    by_track, by_playlist = np.argsort(edge_track, kind="stable"), np.argsort(edge_playlist, kind="stable")
    track_start = np.searchsorted(edge_track[by_track], np.arange(num_tracks + 1))
    playlist_start = np.searchsorted(edge_playlist[by_playlist], np.arange(int(edge_playlist.max(initial=0)) + 2))

    def members(track: int) -> np.ndarray:
        lists = edge_playlist[by_track[track_start[track]:track_start[track + 1]]]
        parts = [edge_track[by_playlist[playlist_start[p]:playlist_start[p + 1]]] for p in lists]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    return members


def _isotonic(x: np.ndarray, y: np.ndarray) -> Calibration:
    """Pool-adjacent-violators over equal-count bins, one knot per pooled block, and straight lines
    to 0 at the lowest score there is and 1 at the highest (a song and itself): strictly increasing, no flat step."""
    order = np.argsort(x, kind="stable")
    bins = np.array_split(order, BINS)
    centres = np.array([x[b].mean() for b in bins])
    rates, weights = _pool(np.array([y[b].mean() for b in bins]), np.array([len(b) for b in bins], dtype=float))
    ends = np.cumsum([len(w) for w in weights])
    knots = np.array([np.average(centres[end - len(w):end], weights=w) for end, w in zip(ends, weights)])
    totals = np.array([w.sum() for w in weights])
    # Tied scores can fill several bins: one knot per distinct score, its blocks' pooled rate.
    knots, where = np.unique(knots, return_inverse=True)
    rates = np.bincount(where, weights=np.asarray(rates) * totals) / np.bincount(where, weights=totals)
    low, high = min(-TOP, float(x.min()) - 1e-6), max(TOP, float(x.max()) + 1e-6)  # a baseline's scores may pass ±1
    return Calibration((low, *map(float, knots), high), (0.0, *map(float, rates), 1.0))


def _pool(rates: np.ndarray, weights: np.ndarray) -> tuple[list[float], list[np.ndarray]]:
    """Merge neighbouring bins until the rates strictly increase: (block rates, each block's bin weights)."""
    blocks: list[tuple[float, np.ndarray]] = []
    for rate, weight in zip(rates, weights):
        blocks.append((float(rate), np.array([weight])))
        while len(blocks) > 1 and blocks[-2][0] >= blocks[-1][0]:
            (r1, w1), (r2, w2) = blocks[-2], blocks.pop()
            blocks[-1] = ((r1 * w1.sum() + r2 * w2.sum()) / (w1.sum() + w2.sum()), np.concatenate([w1, w2]))
    # The pooled rates lie strictly inside (0, 1) only if the ends do: clip so the lines to 0 and 1 still rise.
    return [min(max(r, 1e-6), 1 - 1e-6) for r, _ in blocks], [w for _, w in blocks]
