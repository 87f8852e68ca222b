"""Ranking metrics for held-out playlist tracks: Recall, NDCG, HitRate, MRR @K, AUC, coverage."""

import numpy as np
import torch
from torch_geometric.metrics import (
    LinkPredCoverage, LinkPredHitRatio, LinkPredMetricCollection, LinkPredMRR, LinkPredNDCG, LinkPredRecall,
)

KS = (10, 20)
METRIC_NAMES = tuple(f"{name}@{k}" for k in KS for name in ("recall", "ndcg", "hit_rate", "mrr")) + (
    f"coverage@{KS[0]}", "auc")


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
    coverage = LinkPredCoverage(k=KS[0], num_dst_nodes=scores.shape[1])
    coverage.update(top, label)
    results[f"coverage@{KS[0]}"] = float(coverage.compute())
    results["auc"] = auc(scores, exclude, pos_row, pos_col)
    return results


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
    rows, slot = _slots(pos_row)
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


def _slots(rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """For entries grouped by row, each entry's position within its row: (rows, slot)."""
    order = np.argsort(rows, kind="stable")
    sorted_rows = rows[order]
    starts = np.searchsorted(sorted_rows, sorted_rows, side="left")
    slot = np.empty(len(rows), dtype=np.int64)
    slot[order] = np.arange(len(rows)) - starts
    return torch.from_numpy(rows), torch.from_numpy(slot)
