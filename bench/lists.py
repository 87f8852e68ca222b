"""The list as shown, on single-song lists of the served model: ties, the score's spread, variety.

    python bench/lists.py [--songs 2000] [--cache-dir .cache]

Draws a seeded sample of songs, builds each one's ten recommendations exactly as the search page
does (Recommender.neighbours_table, default caps), and reports the share of lists in which two
songs show the same score (at the app's precision and at three decimals), the mean gap between
#1 and #10, and the variety the caps give. Trains the default model first if it is not cached.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recsys.config import DEFAULT_CACHE_DIR, DEFAULT_DATA  # noqa: E402
from recsys.metrics import tie_rate  # noqa: E402
from recsys.pipeline import prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--songs", type=int, default=2000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR)
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


if __name__ == "__main__":
    main()
