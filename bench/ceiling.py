"""How far could any scorer get on the evaluation's split? Bounds on song → songs Recall@10:

    python bench/ceiling.py [--data CSV] [--candidates 2000] [--json PATH]

- Which held-out songs the knowledge-graph model finds: album-mates of the playlist's songs,
  artist-mates on another album, and songs sharing neither.
- The perfect ranker, and an oracle that puts first exactly the held-out songs that share an artist
  with their playlist's training songs (and finds nothing else).
- A learned ranker: a small network over per-(playlist, song) signals, the knowledge-graph model's
  score beside every other signal the data has (artist, album and release-date shares, era,
  popularity overall and within the artist, sound, the artist's subgenres, the artist's size),
  trained on seed 0's held-out songs and judged on seed 1's. It may weigh each signal per playlist,
  which no single song vector can, so it bounds what better vectors could reach from above.
- The same with one more input: whether a song is in any training playlist. That is the split's
  own artefact (held-out songs are mostly the ones left without a playlist), not a property of
  a song, and the product never uses it; it shows how much of the gap it would explain.

Each ranker sees, per playlist, the songs sharing an artist with it and then the model's best
others, `--candidates` in all; a held-out song outside them counts as a miss. About 4 minutes on 2 cores.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recsys.evaluation.baselines import KnowledgeGraphModel  # noqa: E402
from recsys.config import DEFAULT_DATA  # noqa: E402
from recsys.embeddings import sound_vectors  # noqa: E402
from recsys.evaluation.evaluate import EvaluationTask  # noqa: E402
from recsys.load import Catalogue, load_catalogue  # noqa: E402
from recsys.evaluation.metrics import ranking_metrics  # noqa: E402
from recsys.evaluation.split import holdout_split  # noqa: E402

SIGNALS = ("kg score", "artist share", "album share", "release-date share", "years from the playlist's median",
           "popularity", "popularity within the artist", "sound (cosine to the playlist's mean)",
           "artist's share of edges in the playlist's subgenre", "artist's song count (log)")
ARTEFACT = "in no training playlist"
EPOCHS = 300


class Signals:
    """Per-song facts that do not depend on the split, and per-(playlist, song) signals that do."""

    def __init__(self, catalogue: Catalogue, data: Path):
        tracks = catalogue.tracks
        self.artist = tracks["artist_code"].to_numpy()  # -1: no artist named, no group
        self.album = tracks["album_code"].to_numpy()
        dates = pd.read_csv(data, usecols=["track_id", "track_album_release_date"], dtype=str)
        date = dates.drop_duplicates("track_id").set_index("track_id")["track_album_release_date"]
        date = date.reindex(tracks["track_id"]).fillna("").to_numpy()
        # Only a full day says "released together"; a bare year is shared by thousands of songs.
        self.date = np.where([len(d) == 10 for d in date], pd.factorize(date)[0], -1)
        year = tracks["release_year"].to_numpy(float)
        self.year = np.where(np.isnan(year), np.nanmedian(year), year)
        popularity = pd.to_numeric(tracks["track_popularity"], errors="coerce")
        self.popularity = popularity.rank(pct=True).fillna(0.5).to_numpy()
        within = popularity.groupby(self.artist).rank(pct=True).where(self.artist >= 0)
        self.popularity_in_artist = within.fillna(0.5).to_numpy()
        self.sound = sound_vectors(catalogue.features_raw)
        songs_by = np.bincount(self.artist + 1)[self.artist + 1]  # shifted past -1
        self.artist_size = np.log1p(np.where(self.artist >= 0, songs_by, 1))  # no artist: a song of its own
        self.subgenre = catalogue.playlists["subgenre_code"].to_numpy()

    def for_split(self, task: EvaluationTask, kg_scores: np.ndarray, candidates: int):
        """(B, C, len(SIGNALS) + 1) signals of each test playlist's C candidates, the last column
        the artefact; (B, C) candidate track indices; (B, C) bool, held out from that playlist."""
        train = task.split.train
        in_playlists = np.bincount(train.edge_track, minlength=len(self.artist))
        # A row and a column more, where code -1 (nothing named) lands and then counts for nothing.
        affinity = np.zeros((self.artist.max() + 2, self.subgenre.max() + 2))
        np.add.at(affinity, (self.artist[train.edge_track], self.subgenre[train.edge_playlist]), 1)
        affinity[-1], affinity[:, -1] = 0, 0
        affinity /= np.maximum(affinity.sum(1, keepdims=True), 1)
        rows, picks = [], []
        for r, songs in enumerate(task.sets):
            artist = self._share(self.artist, songs)
            date = self._share(self.date, songs) * (self.date >= 0)
            signals = np.stack([
                kg_scores[r], artist, self._share(self.album, songs), date,
                np.abs(self.year - np.median(self.year[songs])) / 10, self.popularity, self.popularity_in_artist,
                self.sound @ self.sound[songs].mean(0), affinity[self.artist, self.subgenre[task.playlists[r]]],
                self.artist_size, in_playlists == 0,
            ], axis=1)
            order = np.where(task.exclude[r], -np.inf, kg_scores[r] + 10 * (artist > 0))  # artist-mates first
            pick = np.argsort(-order)[:candidates]
            rows.append(signals[pick])
            picks.append(pick)
        picks = np.stack(picks)
        return np.stack(rows).astype(np.float32), picks, np.take_along_axis(held_out(task), picks, axis=1)

    @staticmethod
    def _share(group: np.ndarray, songs: np.ndarray) -> np.ndarray:
        """Per track: the share of the playlist's training songs in the track's group."""
        counts = np.bincount(group[songs][group[songs] >= 0], minlength=group.max() + 1)
        return np.where(group >= 0, counts[group], 0) / len(songs)


def held_out(task: EvaluationTask) -> np.ndarray:
    """(B, T) bool: the songs held out from each test playlist."""
    positive = np.zeros(task.exclude.shape, dtype=bool)
    positive[task.pos_row, task.pos_col] = True
    return positive


def train_ranker(signals: np.ndarray, positive: np.ndarray, seed: int):
    """A two-layer network trained with a softmax over each playlist's candidates."""
    torch.manual_seed(seed)
    x = torch.from_numpy(signals)
    mean, std = x.mean((0, 1)), x.std((0, 1)) + 1e-6
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[-1], 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    rows, cols = map(torch.from_numpy, np.nonzero(positive))
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        logits = net((x - mean) / std).squeeze(-1)  # (B, C)
        (-torch.log_softmax(logits, dim=1)[rows, cols].mean()).backward()
        optimizer.step()
    return lambda other: net((torch.from_numpy(other) - mean) / std).squeeze(-1).detach().numpy()


def metrics(task: EvaluationTask, scores: np.ndarray) -> dict:
    m = ranking_metrics(scores, task.exclude, task.pos_row, task.pos_col)
    return {"recall@10": round(m["recall@10"], 4), "ndcg@10": round(m["ndcg@10"], 4)}


def found_by_link(task: EvaluationTask, scores: np.ndarray, facts: Signals) -> dict:
    """Held-out songs by their link to the playlist's training songs: each group's share of them,
    and the share of the group that `scores` puts in the top 10."""
    top = np.argsort(-np.where(task.exclude, -np.inf, scores), axis=1)[:, :10]
    found = (top[task.pos_row] == task.pos_col[:, None]).any(axis=1)
    album, artist = (np.array([group[c] in group[task.sets[r]] for r, c in zip(task.pos_row, task.pos_col)])
                     for group in (facts.album, facts.artist))
    groups = {"album-mates": album, "artist-mates on another album": artist & ~album, "neither": ~artist}
    return {name: {"share": round(float(g.mean()), 3), "found": round(float(found[g].mean()), 3)}
            for name, g in groups.items()}


def on_candidates(task: EvaluationTask, picks: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """(B, T) scores: the candidates' own, every other song below them all."""
    full = np.full(task.exclude.shape, -1e9, dtype=np.float32)
    np.put_along_axis(full, picks, scores, axis=1)
    return full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    torch.set_num_threads(2)
    catalogue = load_catalogue(args.data)
    facts = Signals(catalogue, args.data)
    splits = {}
    for seed in (0, 1):
        task = EvaluationTask(catalogue, holdout_split(catalogue, seed), seed)
        kg = KnowledgeGraphModel().fit(task.split.train, seed).set_scores(task.sets)
        splits[seed] = (task, kg, *facts.for_split(task, kg, args.candidates))
    _, _, train_signals, _, train_positive = splits[0]
    task, kg, signals, picks, positive = splits[1]
    positives = held_out(task)
    sharing = np.stack([np.isin(facts.artist, facts.artist[songs]) for songs in task.sets])
    noise = np.random.default_rng(1).random(task.exclude.shape, dtype=np.float32)  # ties among the rest
    results = {
        "held-out songs among the candidates": round(float(positive.sum() / len(task.pos_row)), 4),
        "perfect ranker": metrics(task, positives + noise / 2),
        "oracle: exactly the held-out artist-mates first": metrics(task, (positives & sharing) + noise / 2),
        "knowledge-graph model alone": metrics(task, kg),
        "knowledge-graph model, held-out songs found in the top 10 by link": found_by_link(task, kg, facts),
    }
    for name, columns in (("learned ranker, every signal", slice(0, len(SIGNALS))),
                          (f"learned ranker, every signal and '{ARTEFACT}'", slice(None))):
        ranker = train_ranker(train_signals[..., columns], train_positive, seed=0)
        results[name] = metrics(task, on_candidates(task, picks, ranker(signals[..., columns])))
    print(f"Seed 1's split, {len(task.playlists)} test playlists; rankers trained on seed 0's held-out songs.")
    for name, value in results.items():
        print(f"  {name}: {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
