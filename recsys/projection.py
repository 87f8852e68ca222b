"""Project song embeddings onto a 2-D map (PCA, or t-SNE stored with the model), and measure how much of each song's
neighbourhood a map keeps. The same picture every time for the same embeddings."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recsys import cache
from recsys.embeddings import l2_normalise
from recsys.errors import RecsysError

# Songs the map draws at most. The shipped 28k make a 2 MB figure that a browser redraws in a
# moment; a million would be about 70 MB of JSON on every click.
MAP_POINTS = 50_000
# Neighbourhood preservation: the share of a song's PRESERVED_K nearest in the model that stay among
# its PRESERVED_K nearest on the map, measured on a fixed PRESERVED_QUERIES songs (against all of
# them): for PCA on the shipped 28k that gives 0.075 where every song gives 0.073, in 4 s rather than 92 s.
PRESERVED_K = 10
PRESERVED_QUERIES = 2_000
PRESERVED_CHUNK = 256
# openTSNE's default perplexity (about 30 effective neighbours per song), as bench/projection.py measured it.
TSNE_PERPLEXITY = 30
MAP_LOG = "map.log"  # beside the models: what the detached map processes printed
PROJECTIONS = {"tsne": "t-SNE", "pca": "PCA"}  # best first: what the map shows once both are there


@dataclass(frozen=True)
class SongMap:
    """A map of the songs: (T, 2) coordinates, and the share of each song's ten nearest that every
    projection keeps (measured when the t-SNE map was stored; empty before), with PCA's variance share."""

    coords: np.ndarray
    kept: dict[str, float] = field(default_factory=dict)
    variance: float | None = None


class MapNotReady(Exception):
    """The t-SNE map of the served model is not stored yet; `coming`: a process is making it now."""

    def __init__(self, coming: bool):
        super().__init__("The t-SNE map is not stored yet.")
        self.coming = coming


def map_sample(count: int, limit: int = MAP_POINTS, seed: int = 0) -> np.ndarray | None:
    """The local indices of the songs a map of `count` songs draws, sorted: None (every song) up
    to `limit`, else the same seeded random `limit` every time, so the picture does not shift."""
    if count <= limit:
        return None
    return np.sort(np.random.default_rng(seed).choice(count, limit, replace=False))


def neighbourhood_preservation(vectors: np.ndarray, coords: np.ndarray, k: int = PRESERVED_K,
                               queries: np.ndarray | None = None) -> float:
    """The mean share (0–1) of each query song's `k` nearest songs by cosine of `vectors` (T, d)
    that are among its `k` nearest on the map by Euclidean distance of `coords` (T, 2); every song
    is a query unless `queries` (local indices) says otherwise. The song itself never counts."""
    queries = np.arange(len(vectors)) if queries is None else np.asarray(queries, dtype=np.int64)
    k = min(k, len(vectors) - 1)
    if k < 1 or not len(queries):
        return 1.0  # one song, or none: there is no neighbourhood to lose
    units, coords = l2_normalise(vectors), np.asarray(coords, dtype=np.float64)
    kept = 0
    for start in range(0, len(queries), PRESERVED_CHUNK):  # (chunk, T) blocks stay a few MB
        chunk = queries[start:start + PRESERVED_CHUNK]
        alike = _nearest(units[chunk] @ units.T, chunk, k)  # (c, T) cosine -> (c, k)
        near = _nearest(-((coords[chunk, None, :] - coords[None]) ** 2).sum(axis=-1), chunk, k)
        kept += sum(len(np.intersect1d(a, b)) for a, b in zip(alike, near))
    return kept / (len(queries) * k)


def _nearest(scores: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """(c, T) scores, higher nearer -> (c, k) column indices of the `k` highest, each row's own song left out."""
    scores = np.array(scores, dtype=np.float64)
    scores[np.arange(len(rows)), rows] = -np.inf
    return np.argpartition(-scores, k - 1, axis=1)[:, :k]


def preservation_sample(count: int, size: int = PRESERVED_QUERIES, seed: int = 0) -> np.ndarray | None:
    """The query songs a catalogue of `count` is measured on: all (None) up to `size`, else a fixed seeded `size`."""
    return map_sample(count, size, seed)


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    """(T, d) embeddings -> (T, 2) float32 coordinates on the top two principal components of the unit rows."""
    centred, axes, _ = _principal_axes(vectors)
    return (centred @ axes).astype(np.float32)  # (T, d) @ (d, 2) -> (T, 2)


def tsne_2d(vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    """(T, d) embeddings -> (T, 2) float32 t-SNE coordinates by cosine, the same for the same seed.

    A minute or two of one core for the shipped 28k (README, The map): run it off the page, where training saves a model."""
    units = l2_normalise(np.atleast_2d(vectors))
    if len(units) < 4:  # no neighbourhoods to keep: the PCA picture is as good
        return pca_2d(units)
    from openTSNE import TSNE  # imported only where a map is computed

    # A few songs: about a third of them as neighbours, as t-SNE needs perplexity < (T - 1) / 3.
    perplexity = min(TSNE_PERPLEXITY, (len(units) - 1) / 3 - 0.01)
    # One thread: it runs beside the server's page runs, at the lowest priority, and the sum order stays fixed.
    tsne = TSNE(perplexity=perplexity, metric="cosine", n_jobs=1, random_state=seed, verbose=False)
    return np.asarray(tsne.fit(units), dtype=np.float32)


def store_map(embeddings_path: Path, vectors: np.ndarray) -> bool:
    """Compute the t-SNE map of `vectors` (T, d) and its and PCA's neighbourhood preservation, and
    keep them beside the embeddings at `embeddings_path`; False if another process is at it already."""
    path = cache.projection_path(embeddings_path)
    try:
        with cache.projection_lock(path):
            if cache.load_projection(path, vectors) is not None:
                return True  # the process that held the lock before us stored it
            coords, queries = tsne_2d(vectors), preservation_sample(len(vectors))
            preservation = {"pca": neighbourhood_preservation(vectors, pca_2d(vectors), queries=queries),
                            "tsne": neighbourhood_preservation(vectors, coords, queries=queries)}
            cache.save_projection(path, vectors, coords, preservation)
    except RecsysError:
        return False
    return True


def pca_map(vectors: np.ndarray) -> SongMap:
    """The PCA map of `vectors` (T, d), with the share of variance it keeps."""
    return SongMap(pca_2d(vectors), variance=explained_variance(vectors))


def stored_map(embeddings_path: Path, vectors: np.ndarray) -> SongMap:
    """The t-SNE map stored beside the model at `embeddings_path`; MapNotReady if there is none yet,
    after starting the process that makes it (a page never waits two minutes for t-SNE)."""
    stored = cache.load_projection(cache.projection_path(embeddings_path), vectors)
    if stored is None:
        raise MapNotReady(start_map(embeddings_path))
    coords, kept = stored
    return SongMap(coords, kept)


def start_map(embeddings_path: Path) -> bool:
    """Start `python -m recsys.projection` on the model at `embeddings_path` in a detached process,
    unless one is making its map already; whether a map is on its way. A model that is not on disk
    (served from memory) or a cache that takes no files has none coming."""
    path = cache.projection_path(embeddings_path)
    if cache.projection_under_way(path):
        return True
    if not embeddings_path.is_file():
        return False
    try:
        log = open(embeddings_path.parent / MAP_LOG, "ab")
    except OSError:
        return False
    with log:  # the child keeps its own copy of the descriptor
        # Its own session: a server stopped with Ctrl-C leaves it to finish and store the map.
        subprocess.Popen([sys.executable, "-m", "recsys.projection", str(embeddings_path)], stdin=subprocess.DEVNULL,
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                         cwd=Path(__file__).resolve().parent.parent)
    return True


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


def main(embeddings_path: str) -> int:
    """`python -m recsys.projection EMBEDDINGS.npz`: store the map of a model trained before maps
    were stored with it, at the lowest priority; exit 1 if another process is computing it."""
    os.nice(19)  # beside a server, its page runs come first
    started = time.perf_counter()
    with np.load(embeddings_path, allow_pickle=False) as archive:
        track = archive["track_emb"]
    if not store_map(Path(embeddings_path), track):
        return 1
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} map of {Path(embeddings_path).name} stored "
          f"({len(track):,} songs, {time.perf_counter() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
