"""Project song embeddings onto a 2-D map with PCA, the same picture every time for the same embeddings."""

import numpy as np

from recsys.embeddings import l2_normalise

# Songs the map draws at most. The shipped 28k make a 2 MB figure that a browser redraws in a
# moment; a million would be about 70 MB of JSON on every click.
MAP_POINTS = 50_000


def map_sample(count: int, limit: int = MAP_POINTS, seed: int = 0) -> np.ndarray | None:
    """The local indices of the songs a map of `count` songs draws, sorted: None (every song) up
    to `limit`, else the same seeded random `limit` every time, so the picture does not shift."""
    if count <= limit:
        return None
    return np.sort(np.random.default_rng(seed).choice(count, limit, replace=False))


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """(T, d) embeddings -> (T, 2) float32 coordinates on the top two principal components of the unit rows."""
    centred, axes, _ = _principal_axes(vectors)
    return (centred @ axes).astype(np.float32)  # (T, d) @ (d, 2) -> (T, 2)


def explained_variance(vectors: np.ndarray) -> float:
    """The share (0–1) of the unit rows' total variance that the two `pca_2d` axes keep."""
    _, _, variances = _principal_axes(vectors)
    total = variances.sum()
    # All points coincide (or there is one): the map loses nothing, and 0/0 would be NaN.
    return float(variances[:2].sum() / total) if total > 0 else 1.0


def _principal_axes(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centred unit rows (T, d), the top two axes (d, 2) with a fixed sign, and the variance (times T) along
    every axis (d,), largest first."""
    units = l2_normalise(np.atleast_2d(vectors)).astype(np.float64)  # cosine is what the app compares
    centred = units - units.mean(axis=0) if len(units) else units
    # Eigen-decompose the (d, d) scatter matrix rather than SVD the (T, d) one: for 28k x 192 it is
    # about six times faster, and float64 keeps the small eigenvalues accurate.
    variances, eigenvectors = np.linalg.eigh(centred.T @ centred)  # ascending
    variances, eigenvectors = np.clip(variances[::-1], 0.0, None), eigenvectors[:, ::-1]
    axes = np.zeros((centred.shape[1], 2))
    axes[:, :min(2, centred.shape[1])] = eigenvectors[:, :2]  # d == 1: the second axis stays zero
    return centred, _fix_signs(axes), variances


def _fix_signs(axes: np.ndarray) -> np.ndarray:
    """Flip each axis (d, 2) so its largest-magnitude loading is positive: an eigenvector's sign is arbitrary."""
    largest = axes[np.abs(axes).argmax(axis=0), np.arange(axes.shape[1])]
    return axes * np.where(largest < 0, -1.0, 1.0)
