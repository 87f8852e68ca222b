"""Ranking metrics for held-out playlist tracks: Recall, NDCG, HitRate, MRR @K, AUC, coverage."""

import numpy as np
import pandas as pd
import torch
from torch_geometric.metrics import (
    LinkPredCoverage, LinkPredHitRatio, LinkPredMetricCollection, LinkPredMRR, LinkPredNDCG, LinkPredRecall,
)

from recsys.share import score_decimals

KS = (10, 20)
CAPPED = "recall@10 (capped)"  # hits / min(10, held-out), as Liang et al. 2018; "recall@10" is hits / held-out
METRIC_NAMES = tuple(f"{name}@{k}" for k in KS for name in ("recall", "ndcg", "hit_rate", "mrr")) + (
    CAPPED, f"coverage@{KS[0]}", "auc")


def ranking_metrics(scores: np.ndarray, exclude: np.ndarray, pos_row: np.ndarray, pos_col: np.ndarray) -> dict:
    """Metrics of `scores` (B, T) for the positives (pos_row[i], pos_col[i]).

    `exclude` (B, T) bool marks tracks that are neither positive nor negative for a row (the
    playlist's training tracks); they are never ranked. Rows without positives are skipped, and
    with no positive at all every metric is NaN: there is nothing to measure, not a score of 0.
    """
    if len(pos_row) == 0:
        return dict.fromkeys(METRIC_NAMES, float("nan"))
    scores = _masked(scores, exclude)  # (B, T)
    top = scores.topk(min(max(KS), scores.shape[1]), dim=1).indices  # (B, ≤ 20)
    label = (torch.from_numpy(pos_row), torch.from_numpy(pos_col))
    collection = LinkPredMetricCollection(
        {f"{name}@{k}": metric(k) for k in KS for name, metric in
         (("recall", LinkPredRecall), ("ndcg", LinkPredNDCG), ("hit_rate", LinkPredHitRatio), ("mrr", LinkPredMRR))}
    )
    collection.update(top, label)
    results = {name: float(value) for name, value in collection.compute().items()}
    results[CAPPED] = capped_recall(top[:, :KS[0]].numpy(), pos_row, pos_col)
    coverage = LinkPredCoverage(k=KS[0], num_dst_nodes=scores.shape[1])
    coverage.update(top, label)
    results[f"coverage@{KS[0]}"] = float(coverage.compute())
    results["auc"] = auc(scores, exclude, pos_row, pos_col)
    return results


def capped_recall(top: np.ndarray, pos_row: np.ndarray, pos_col: np.ndarray) -> float:
    """Mean over rows with positives of hits in `top` (B, k; -1 pads a short list) / min(k, the row's positives)."""
    hits, counts = _hits(top, pos_row, pos_col)
    rows = counts > 0
    return float((hits.sum(1)[rows] / np.minimum(top.shape[1], counts[rows])).mean())


def list_metrics(lists: np.ndarray, shown: np.ndarray, pos_row: np.ndarray, pos_col: np.ndarray,
                 artist: np.ndarray, album: np.ndarray, popularity: np.ndarray, num_tracks: int) -> dict:
    """What a person sees in each row's list `lists` (B, k; -1 pads a short list) with the
    scores `shown` (B, k): accuracy under both Recall definitions, variety, ties and spread."""
    k = lists.shape[1]
    hits, counts = _hits(lists, pos_row, pos_col)
    rows = counts > 0
    ideal = np.cumsum(1 / np.log2(np.arange(k) + 2))[np.minimum(k, counts[rows]) - 1]
    valid = lists >= 0
    return {
        "recall@10": float((hits.sum(1)[rows] / counts[rows]).mean()),
        CAPPED: capped_recall(lists, pos_row, pos_col),
        "ndcg@10": float(((hits[rows] / np.log2(np.arange(k) + 2)).sum(1) / ideal).mean()),
        "distinct artists": float(np.mean([len(np.unique(artist[l[v]])) for l, v in zip(lists, valid)])),
        "most from one album": float(np.mean([np.bincount(album[l[v]] + 1).max(initial=0) for l, v in zip(lists, valid)])),
        "tie rate": tie_rate(shown, valid),
        "tie rate at 3 decimals": tie_rate(shown, valid, 3),
        "score spread": float(np.nanmean(np.where(valid.all(1), shown[:, 0] - shown[:, -1], np.nan))),
        "coverage@10": len(np.unique(lists[valid])) / num_tracks,
        "mean popularity": float(np.nanmean(popularity[lists[valid]])),
    }


def _hits(lists: np.ndarray, pos_row: np.ndarray, pos_col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(B, k) bool: each list entry is one of its row's positives (never a -1 pad); (B,) positives per row."""
    positive = np.zeros((len(lists), int(max(lists.max(initial=0), pos_col.max(initial=0))) + 1), dtype=bool)
    positive[pos_row, pos_col] = True
    hits = np.take_along_axis(positive, np.maximum(lists, 0), axis=1) & (lists >= 0)
    return hits, np.bincount(pos_row, minlength=len(lists))


def tie_rate(shown: np.ndarray, valid: np.ndarray, decimals: int | None = None) -> float:
    """Share of lists in which two songs show the same score: at the precision the app shows
    (recsys.share.score_decimals, per list), or at `decimals` places."""
    places = [decimals or score_decimals(row[v]) for row, v in zip(shown, valid)]
    rounded = np.stack([np.round(np.where(v, row, np.nan), d) for row, v, d in zip(shown, valid, places)])
    same = (np.diff(rounded, axis=1) == 0)  # lists are sorted, so equal scores sit side by side
    return float(same.any(axis=1).mean())


def recall_at(scores: np.ndarray, exclude: np.ndarray, pos_row: np.ndarray, pos_col: np.ndarray, k: int) -> float:
    """Recall@k alone, as ranking_metrics computes it: cheap enough to follow every training epoch."""
    if len(pos_row) == 0:
        return float("nan")
    scores = _masked(scores, exclude)
    recall = LinkPredRecall(k)
    recall.update(scores.topk(min(k, scores.shape[1]), dim=1).indices, (torch.from_numpy(pos_row), torch.from_numpy(pos_col)))
    return float(recall.compute())


def _masked(scores: np.ndarray, exclude: np.ndarray) -> torch.Tensor:
    """Scores with excluded tracks at -inf, so no ranking ever picks them."""
    return torch.from_numpy(np.where(exclude, -np.inf, scores).astype(np.float32))


def auc(scores: torch.Tensor, exclude: np.ndarray, pos_row: np.ndarray, pos_col: np.ndarray) -> float:
    """Mean over rows of P(a held-out track outscores a track the playlist never had); ties count ½.

    `scores` (B, T) has -inf where `exclude` is True. One sort per row, then every positive's
    count of lower-scoring tracks comes from a batched searchsorted.
    """
    rows = torch.from_numpy(pos_row)
    slot = torch.from_numpy(pd.Series(pos_row).groupby(pos_row).cumcount().to_numpy(copy=True))  # its place in its row
    values = torch.full((scores.shape[0], int(slot.max()) + 1), float("nan"))  # (B, max positives)
    values[rows, slot] = scores[rows, torch.from_numpy(pos_col)]
    ordered = scores.sort(dim=1).values
    below = torch.searchsorted(ordered, values.nan_to_num(0.0), right=False)  # strictly lower, all tracks
    ties = torch.searchsorted(ordered, values.nan_to_num(0.0), right=True) - below
    # Remove the excluded (-inf, always lower) and the other positives from the counts.
    positives = ~values.isnan()
    pos_below = (values.unsqueeze(2) > values.unsqueeze(1)).sum(2)  # (B, m, m) → (B, m)
    pos_ties = (values.unsqueeze(2) == values.unsqueeze(1)).sum(2)
    n_excluded = torch.from_numpy(exclude.sum(1))
    n_positive = positives.sum(1)
    negatives = scores.shape[1] - n_excluded - n_positive  # (B,)
    wins = (below - n_excluded.unsqueeze(1) - pos_below) + 0.5 * (ties - pos_ties)
    per_row = (wins * positives).sum(1) / (n_positive * negatives).clamp(min=1)
    return float(per_row[(n_positive > 0) & (negatives > 0)].mean())


def genre_coherence(neighbours: np.ndarray, queries: np.ndarray, genres: np.ndarray) -> float:
    """Mean share of each query song's neighbours (Q, k) that have the query's genre."""
    return float((genres[neighbours] == genres[queries][:, None]).mean())
