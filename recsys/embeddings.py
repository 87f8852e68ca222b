"""Trained embeddings, L2-normalised once so that cosine similarity is a dot product."""

from dataclasses import dataclass, field

import numpy as np

from recsys.calibrate import Calibration


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

