"""Trained embeddings, L2-normalised once so that cosine similarity is a dot product."""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Calibration:
    """A strictly increasing map from a list's blended score to [0, 1], through (knot, chance)
    points (recsys.calibrate fits it): the list's order is the order of its scores, and songs that
    score apart read apart. The default only rescales: a blended score lies within ±2."""

    knots: tuple[float, ...] = (-2.0, 2.0)
    chances: tuple[float, ...] = (0.0, 1.0)

    def __call__(self, blended) -> np.ndarray:
        return np.interp(np.asarray(blended, dtype=np.float64), self.knots, self.chances)


@dataclass(frozen=True)
class Embeddings:
    """Row-aligned with the catalogue: track[i] is local track i, playlist[j] is playlist j."""

    track: np.ndarray  # (T, d) float32, unit rows (zero rows stay zero)
    playlist: np.ndarray  # (P, d) float32, unit rows
    loss_history: tuple[float, ...] = field(default=())
    calibration: Calibration = field(default=Calibration())  # blended score → the chance people read

    def __post_init__(self):
        # One copy is served to every session at once: a session that changed it would change it
        # for all, so it cannot be changed.
        for matrix in (self.track, self.playlist):
            matrix.flags.writeable = False

    @classmethod
    def from_raw(cls, track: np.ndarray, playlist: np.ndarray, loss_history=()) -> "Embeddings":
        return cls(l2_normalise(track), l2_normalise(playlist), tuple(float(x) for x in loss_history))

    def with_calibration(self, calibration: Calibration) -> "Embeddings":
        return Embeddings(self.track, self.playlist, self.loss_history, calibration)


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    """Unit-length rows; a zero row stays zero instead of becoming NaN."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def sound_vectors(features_raw: np.ndarray) -> np.ndarray:
    """(T, 12) unit vectors of the standardised audio features: their cosine is how alike two songs sound."""
    spread = features_raw.std(axis=0)
    return l2_normalise((features_raw - features_raw.mean(axis=0)) / np.where(spread > 0, spread, 1.0))


def playlist_vectors(track_emb: np.ndarray, edge_playlist: np.ndarray, edge_track: np.ndarray,
                     num_playlists: int) -> np.ndarray:
    """(P, d) unit vectors: each playlist's mean song vector, so that playlist · track ranks songs
    as the app ranks them for a set; zeros for an empty playlist."""
    sums = np.zeros((num_playlists, track_emb.shape[1]), dtype=np.float32)  # (P, d)
    np.add.at(sums, edge_playlist, track_emb[edge_track])  # (E, d) summed by playlist
    return l2_normalise(sums)  # the mean points where the sum does
