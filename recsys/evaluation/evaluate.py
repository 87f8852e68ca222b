"""Offline evaluation: every model on the same held-out split, two views, warm and cold tracks."""

import json
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from recsys import cache
from recsys.calibrate import fit_calibration
from recsys.config import EVALUATION, EvaluationConfig
from recsys.embeddings import sound_vectors
from recsys.errors import RecsysError
from recsys.evaluation.baselines import (
    ArtistAlbum, AudioFeatures, CoOccurrence, GCNPaper, KnowledgeGraphModel, LightGCNBaseline, Model, Popularity,
    Random, VectorModel,
)
from recsys.evaluation.metrics import CAPPED, KS, genre_coherence, list_metrics, ranking_metrics, recall_at
from recsys.evaluation.split import Split, holdout_split
from recsys.load import Catalogue
from recsys.recommend import Filters, Groups, pick, sound_bonus
from recsys.words import PLAIN_NAMES, word_for

EVALUATED_MODELS: dict[str, Callable[[], Model]] = {
    "random": Random,
    "popularity": Popularity,
    "audio-features": AudioFeatures,
    "co-occurrence": CoOccurrence,
    "artist-album": ArtistAlbum,
    "lightgcn": LightGCNBaseline,
    "gcn-paper": GCNPaper,
    "kg": KnowledgeGraphModel,
}
AS_SHOWN = "song→songs (as shown)"  # the app's list: sound blended in, one version per song, default caps
VARIETY_LEVELS = (0.3, 0.6)  # the search page's Variety slider, measured beside 0 (AS_SHOWN)
VARIED = tuple(f"song→songs (as shown, variety {level:g})" for level in VARIETY_LEVELS)
PLAYLIST_VIEW = "playlist→track"
VIEWS = ("song→songs", AS_SHOWN, *VARIED, PLAYLIST_VIEW)
# Per seed: two views in three subsets each, and the list as shown, plain and at each variety, over all held-out tracks.
ROWS_PER_MODEL = 7 + len(VARIETY_LEVELS)
LIST_LENGTH = KS[0]  # songs in a list judged, as the app shows ten
LIST_METRICS = ("distinct artists", "most from one album", "tie rate", "tie rate at 3 decimals", "score spread",
                "mean popularity")


def evaluate(catalogue: Catalogue, names: list[str], seeds: list[int], on_result=None,
             config: EvaluationConfig = EVALUATION) -> pd.DataFrame:
    """One row per (seed, model, view, subset) with every metric; `on_result(row)` as each lands."""
    unknown = [name for name in names if name not in EVALUATED_MODELS]
    if unknown:
        raise RecsysError(f"Unknown {word_for(len(unknown), 'model')}: {', '.join(unknown)}. Choose from: {', '.join(EVALUATED_MODELS)}.")
    rows = []
    for seed in seeds:
        split = holdout_split(catalogue, seed, config.test_fraction, config.min_playlist_tracks)
        task = EvaluationTask(catalogue, split, seed, config)
        for name in names:
            for row in task.run(name):
                rows.append(row)
                if on_result:
                    on_result(row)
    return pd.DataFrame(rows)


def progress_line(row: dict, seeds: list[int]) -> str:
    """What a progress bar says once `row` has landed: "Knowledge graph, seed 1 of 3: done"."""
    return f"{PLAIN_NAMES[row['model']]}, seed {seeds.index(row['seed']) + 1} of {len(seeds)}: done"


class EvaluationTask:
    """What every model is judged against for one seed: test playlists, their masks and positives."""

    def __init__(self, catalogue: Catalogue, split: Split, seed: int, config: EvaluationConfig = EVALUATION):
        self.split, self.seed = split, seed
        train = split.train
        rng = np.random.default_rng(seed)
        self.playlists = np.unique(split.test_playlist)  # (B,) test playlists, one score row each
        if len(self.playlists) > config.max_test_playlists:
            self.playlists = np.sort(rng.choice(self.playlists, config.max_test_playlists, replace=False))
        row_of = np.full(catalogue.ids.num_playlists, -1)
        row_of[self.playlists] = np.arange(len(self.playlists))
        in_test = row_of[train.edge_playlist] >= 0
        rows, tracks = row_of[train.edge_playlist[in_test]], train.edge_track[in_test]
        self.sets = [tracks[rows == r] for r in range(len(self.playlists))]  # training songs per test playlist
        self.exclude = np.zeros((len(self.playlists), catalogue.ids.num_tracks), dtype=bool)  # (B, T)
        self.exclude[rows, tracks] = True
        sampled = row_of[split.test_playlist] >= 0
        self.pos_row, self.pos_col = row_of[split.test_playlist][sampled], split.test_track[sampled]
        self.cold = split.cold_test[sampled]
        self.sample = rng.choice(catalogue.ids.num_tracks, min(config.coherence_sample, catalogue.ids.num_tracks), replace=False)
        self.genres = catalogue.tracks["genre"].to_numpy()
        self.groups = Groups.of(catalogue.tracks)
        self.sound = sound_vectors(catalogue.features_raw)
        self.popularity = pd.to_numeric(catalogue.tracks["track_popularity"], errors="coerce").to_numpy()

    def run(self, name: str) -> list[dict]:
        started = time.perf_counter()
        model = EVALUATED_MODELS[name]().fit(self.split.train, self.seed)
        fit_seconds = time.perf_counter() - started
        coherence = genre_coherence(model.neighbours(self.sample, LIST_LENGTH), self.sample, self.genres)
        common = {"seed": self.seed, "model": name, "fit_seconds": fit_seconds}
        rows = []
        song_scores = model.set_scores(self.sets)
        raw_lists = self._raw_lists(song_scores)
        for subset, metrics in self._by_subset(song_scores).items():
            if subset == "all":
                metrics |= {m: raw_lists[m] for m in LIST_METRICS}
            rows.append({**common, "view": VIEWS[0], "subset": subset, **metrics, "genre_coherence": coherence})
        calibration = fit_calibration(model.song_scores, self.sound, self.split, self.seed)
        for view, variety in zip((AS_SHOWN, *VARIED), (0.0, *VARIETY_LEVELS)):
            shown = self._as_shown(model, song_scores, calibration, variety)
            rows.append({**common, "view": view, "subset": "all", **shown, "genre_coherence": coherence})
        for subset, metrics in self._by_subset(model.playlist_scores(self.playlists, self.sets)).items():
            rows.append({**common, "view": PLAYLIST_VIEW, "subset": subset, **metrics, "genre_coherence": np.nan})
        return rows

    def _raw_lists(self, song_scores: np.ndarray) -> dict:
        """List metrics of each playlist's plain top 10, scores shown as they are."""
        masked = np.where(self.exclude, -np.inf, song_scores)
        top = np.argpartition(-masked, LIST_LENGTH, axis=1)[:, :LIST_LENGTH]  # (B, 10), unordered
        lists = np.take_along_axis(top, np.argsort(-np.take_along_axis(masked, top, axis=1), axis=1, kind="stable"), axis=1)
        return self._list_metrics(lists, np.take_along_axis(masked, lists, axis=1))

    def _as_shown(self, model: Model, song_scores: np.ndarray, calibration, variety: float = 0.0) -> dict:
        """List metrics of each playlist's list as the app would show it from this model at this
        Variety (the model's own similarity between songs), scores on the scale `calibration`
        fitted to this model (recsys.calibrate) on this split."""
        blended = song_scores + np.stack([sound_bonus(self.sound, songs) for songs in self.sets])
        similarity = partial(_among, model)
        lists = np.full((len(self.sets), LIST_LENGTH), -1)
        for row, songs in enumerate(self.sets):
            picked = pick(np.where(self.exclude[row], -np.inf, blended[row]), LIST_LENGTH, self.groups, Filters(),
                          chosen=songs, variety=variety, similarity=similarity)
            lists[row, :len(picked)] = picked
        shown = np.where(lists >= 0, calibration(np.take_along_axis(blended, np.maximum(lists, 0), axis=1)), np.nan)
        # Variety orders a list by more than its scores: ties and spread are read over its scores sorted
        # (NaN pads stay last, beside the -1 pads of `lists`).
        return self._list_metrics(lists, -np.sort(-shown, axis=1))

    def _list_metrics(self, lists: np.ndarray, shown: np.ndarray) -> dict:
        return list_metrics(lists, shown, self.pos_row, self.pos_col, self.groups.artist, self.groups.album,
                            self.popularity, len(self.genres))

    def song_recall(self, track_vectors: np.ndarray) -> float:
        """Song → songs Recall@10 of track vectors over every held-out track: what training follows."""
        model = VectorModel().set_vectors(track_vectors)
        return recall_at(model.set_scores(self.sets), self.exclude, self.pos_row, self.pos_col, LIST_LENGTH)

    def _by_subset(self, scores: np.ndarray) -> dict[str, dict]:
        """Metrics over all held-out tracks, over warm ones only and over cold-start ones only.

        For a subset, the other subset's held-out tracks are left out of the ranking altogether,
        so they neither count as hits nor push the subset's tracks down.
        """
        cold = self.cold
        out = {}
        for subset, keep in (("all", np.ones_like(cold)), ("warm", ~cold), ("cold", cold)):
            exclude = self.exclude.copy()
            exclude[self.pos_row[~keep], self.pos_col[~keep]] = True
            out[subset] = ranking_metrics(scores, exclude, self.pos_row[keep], self.pos_col[keep])
        return out


def _among(model: Model, tracks: np.ndarray) -> np.ndarray:
    """(n, n) the model's similarity between the songs `tracks`."""
    return model.song_scores(tracks)[:, tracks]


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds, one row per (model, view, subset)."""
    metrics = [c for c in results.columns if c not in ("seed", "model", "view", "subset")]
    grouped = results.groupby(["model", "view", "subset"], sort=False)[metrics]
    return grouped.mean().join(grouped.std(ddof=0).add_suffix("_std")).reset_index()


TABLE_METRICS = ("recall@10", CAPPED, "ndcg@10", "hit_rate@10", "auc", "coverage@10", "genre_coherence") + LIST_METRICS


def summary_table(summary: pd.DataFrame, view: str, subset: str, metrics=TABLE_METRICS) -> pd.DataFrame:
    """One view and subset as "mean ± std" text per metric, models as rows, for people to read."""
    part = summary[(summary["view"] == view) & (summary["subset"] == subset)].set_index("model")
    cells = {m: [("—" if pd.isna(mean) else f"{mean:.4f} ± {std:.4f}") for mean, std in zip(part[m], part[f"{m}_std"])]
             for m in metrics}
    return pd.DataFrame(cells, index=part.index)


def format_table(summary: pd.DataFrame, view: str, subset: str, metrics=TABLE_METRICS) -> str:
    """summary_table as plain text with a title line, for the terminal."""
    return f"{view}, {subset} held-out tracks\n" + summary_table(summary, view, subset, metrics).to_string()


def report_path(cache_dir: str | Path, data_digest: str) -> Path:
    """Where the latest evaluation of a data file is kept, next to its trained models."""
    return Path(cache_dir) / f"evaluation-{data_digest[:16]}.json"


def write_report(path: str | Path, results: pd.DataFrame, seeds: list[int], names: list[str]) -> None:
    """Every figure as a JSON record (NaN as null), written atomically."""
    report = {"seeds": seeds, "models": names, "results": json.loads(results.to_json(orient="records"))}
    try:
        cache.write_record(Path(path), report)
    except OSError as err:
        raise RecsysError(f"Cannot write {path}: {err.strerror or err}.") from None


def read_report(path: str | Path, on_problem: Callable[[str], None] = lambda text: None) -> pd.DataFrame | None:
    """The per-seed results of a saved evaluation, or None if there is none or it cannot be
    trusted (then `on_problem` hears why)."""
    report, problem = cache.read_record(Path(path), "The saved evaluation")
    try:
        return pd.DataFrame(report["results"]).astype({"seed": int, "model": str, "view": str, "subset": str})
    except (KeyError, TypeError, ValueError):
        problem = problem or ("The saved evaluation has no results table" if report is not None else "")
    if problem:
        on_problem(f"{problem}; run the evaluation again.")
    return None
