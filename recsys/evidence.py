"""The evidence behind a list: each recommendation explained against the chosen song it is closest to."""

import numpy as np

from recsys.explain import Explainer, Explanation


def closest_chosen(unit: np.ndarray, chosen, songs) -> np.ndarray:
    """For each of `songs`, the chosen song (of `chosen`) its unit vector is closest to. unit: (T, d)
    L2-normalised song vectors, so a dot product is the cosine. Returns (len(songs),) chosen songs."""
    chosen, songs = np.asarray(chosen), np.asarray(songs)
    return chosen[np.argmax(unit[songs] @ unit[chosen].T, axis=1)]  # (k, s) → (k,)


def list_evidence(explainer: Explainer, unit: np.ndarray, chosen, songs) -> list[tuple[int, Explanation]]:
    """(closest chosen song, its Explanation) for each of `songs`, in order, from one graph search per chosen song."""
    songs = np.asarray(songs)
    closest = closest_chosen(unit, chosen, songs)
    found = {}
    for asked in np.unique(closest):
        mine = songs[closest == asked]
        found |= {(int(asked), int(song)): e for song, e in zip(mine, explainer.explain(int(asked), mine))}
    return [(int(asked), found[int(asked), int(song)]) for asked, song in zip(closest, songs)]
