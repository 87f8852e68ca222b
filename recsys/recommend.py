"""Top-k most similar songs by cosine similarity of normalised track embeddings."""

import numpy as np


def similar_tracks(track_emb: np.ndarray, query: int, k: int, exclude: np.ndarray | None = None):
    """The k tracks most similar to track `query`, best first, as (local indices, cosine scores).

    `track_emb` rows are unit length, so cosine similarity is a dot product. The query track is
    never returned, nor any track where `exclude` is True (e.g. the same song on another album).
    """
    scores = track_emb @ track_emb[query]  # (T,)
    scores[query] = -np.inf
    if exclude is not None:
        scores[exclude] = -np.inf
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return top, scores[top]
