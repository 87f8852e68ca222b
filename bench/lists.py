"""The list as shown: ties, spread and variety of the served model's single-song lists, and what
the caps and the sound weight do to Recall@10 (capped) on the evaluation's splits.

    python bench/lists.py [--songs 2000] [--cache-dir .cache] [--sweep-seeds 0 1 2]

Draws a seeded sample of songs, builds each one's ten recommendations exactly as the search page
does (Recommender.neighbours_table, default caps), and reports the share of lists in which two
songs show the same score (at the app's precision and at three decimals), the mean gap between
#1 and #10, and the variety the caps give. Trains the default model first if it is not cached.

With --sweep-seeds it then trains the default model on each seed's split (as `evaluate` does,
about 30 s each) and measures each test playlist's list with every sound weight and without each
cap, scored as hits / min(10, held-out).
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recsys.config import DEFAULT_CACHE_DIR, DEFAULT_DATA, TrainConfig  # noqa: E402
from recsys.embeddings import sound_vectors  # noqa: E402
from recsys.evaluation.evaluate import LIST_LENGTH, EvaluationTask  # noqa: E402
from recsys.load import load_catalogue  # noqa: E402
from recsys.evaluation.metrics import capped_recall, tie_rate  # noqa: E402
from recsys.pipeline import prepare  # noqa: E402
from recsys.recommend import Filters, Groups, pick, sound_bonus  # noqa: E402
from recsys.evaluation.split import holdout_split  # noqa: E402

WEIGHTS = (0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.2)
CAPS = {"no caps, every version": None, "one version per song only": Filters(per_artist=0, per_album=0),
        "versions and the album cap": Filters(per_artist=0), "versions and the artist cap": Filters(per_album=0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR)
    parser.add_argument("--sweep-seeds", type=int, nargs="*", default=[], metavar="N")
    args = parser.parse_args()
    rec = prepare(args.data, args.cache_dir, on_message=lambda text: print(text, file=sys.stderr))
    songs = np.random.default_rng(0).choice(len(rec.catalogue.tracks), args.songs, replace=False)
    tables = [rec.neighbours_table(int(song), k=10) for song in songs]
    full = [t for t in tables if len(t) == 10]
    shown = np.stack([t["score"].to_numpy() for t in full])
    cosine = np.stack([t["cosine"].to_numpy() for t in full])
    valid = np.ones_like(shown, dtype=bool)
    tracks = rec.catalogue.tracks
    print(f"{len(full):,} of {len(tables):,} single-song lists hold ten songs")
    print(f"lists with a displayed tie: {tie_rate(shown, valid):.1%} at the app's precision, "
          f"{tie_rate(shown, valid, 3):.1%} at three decimals (raw cosine at three decimals: {tie_rate(cosine, valid, 3):.1%})")
    print(f"score #1 {shown[:, 0].mean():.3f}, #10 {shown[:, -1].mean():.3f}, mean gap {np.mean(shown[:, 0] - shown[:, -1]):.3f} "
          f"(raw cosine gap {np.mean(cosine[:, 0] - cosine[:, -1]):.3f})")
    artists = [tracks["artist_code"].to_numpy()[t["track"]] for t in full]
    albums = [tracks["album_code"].to_numpy()[t["track"]] for t in full]
    print(f"distinct artists per list {np.mean([len(set(a)) for a in artists]):.2f}, most by one artist "
          f"{max(np.bincount(a[a >= 0]).max(initial=0) for a in artists)}, most from one album "
          f"{max(np.bincount(b[b >= 0]).max(initial=0) for b in albums)}")
    print("lists with a displayed tie, no album cap, by sound weight: " + ", ".join(
        f"{weight:g} → {ties_without_album_cap(rec, songs, weight):.2%}" for weight in WEIGHTS), flush=True)
    for seed in args.sweep_seeds:
        sweep(args.data, seed)


def ties_without_album_cap(rec, songs: np.ndarray, weight: float) -> float:
    """Share of the songs' lists, album-mates allowed, in which two songs score the same to a
    millionth (the blended score itself: the served scale was fitted to one weight only)."""
    track, filters = rec.embeddings.track, Filters(per_album=0)
    lists = []
    for song in songs:
        blended = track @ track[song] + sound_bonus(rec.sound, [song], weight=weight)
        lists.append(blended[pick(blended, 10, rec.groups, filters, chosen=[song])])
    full = [row for row in lists if len(row) == 10]
    return tie_rate(np.stack(full), np.ones((len(full), 10), dtype=bool), decimals=6)


def sweep(data: Path, seed: int) -> None:
    """As-shown Recall@10 (capped) of the kg model on one seed's split, per sound weight and cap."""
    from recsys.train import train

    catalogue = load_catalogue(data)
    task = EvaluationTask(catalogue, holdout_split(catalogue, seed), seed)
    vectors = train(task.split.train, TrainConfig(seed=seed)).track
    groups, sound = Groups.of(catalogue.tracks), sound_vectors(catalogue.features_raw)
    cosine = np.stack([vectors[songs].mean(axis=0) for songs in task.sets]) @ vectors.T  # (B, T)

    def recall(weight: float, filters: Filters | None) -> float:
        lists = np.full((len(task.sets), LIST_LENGTH), -1)
        for row, songs in enumerate(task.sets):
            blended = np.where(task.exclude[row], -np.inf, cosine[row] + sound_bonus(sound, songs, weight=weight))
            picked = (np.argsort(-blended)[:LIST_LENGTH] if filters is None
                      else pick(blended, LIST_LENGTH, groups, filters, chosen=songs))
            lists[row, :len(picked)] = picked
        return capped_recall(lists, task.pos_row, task.pos_col)

    for name, filters in CAPS.items():
        print(f"seed {seed}, {name}, no sound: {recall(0.0, filters):.4f}")
    print(f"seed {seed}, as shown (default caps), by sound weight: "
          + ", ".join(f"{weight:g} → {recall(weight, Filters()):.4f}" for weight in WEIGHTS), flush=True)


if __name__ == "__main__":
    main()
