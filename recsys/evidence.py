"""The evidence behind a list: each recommendation explained against the seed it is closest to."""

import numpy as np

from recsys.explain import Explainer, Explanation


def closest_seeds(unit: np.ndarray, seeds, songs) -> np.ndarray:
    """For each of `songs`, the seed (of `seeds`) its unit vector is closest to. unit: (T, d)
    L2-normalised song vectors, so a dot product is the cosine. Returns (len(songs),) seed indices."""
    seeds, songs = np.asarray(seeds), np.asarray(songs)
    return seeds[np.argmax(unit[songs] @ unit[seeds].T, axis=1)]  # (k, s) → (k,)


def list_evidence(explainer: Explainer, unit: np.ndarray, seeds, songs) -> list[tuple[int, Explanation]]:
    """(closest seed, its Explanation) for each of `songs`, in order, from one graph search per seed."""
    songs = np.asarray(songs)
    closest = closest_seeds(unit, seeds, songs)
    found = {}
    for seed in np.unique(closest):
        mine = songs[closest == seed]
        found |= {(int(seed), int(song)): e for song, e in zip(mine, explainer.explain(int(seed), mine))}
    return [(int(seed), found[int(seed), int(song)]) for seed, song in zip(closest, songs)]
