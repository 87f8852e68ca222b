"""Hold out part of each playlist for offline evaluation, never leaking it into training."""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from recsys.config import EVALUATION
from recsys.load import Catalogue


@dataclass(frozen=True)
class Split:
    """The training catalogue (all tracks, training edges only) and the held-out edges."""

    train: Catalogue
    test_playlist: np.ndarray  # (E_test,) playlist index
    test_track: np.ndarray  # (E_test,) local track index

    @property
    def cold_test(self) -> np.ndarray:
        """(E_test,) bool: the held-out track has no training edge left (a cold-start track)."""
        return self.train.tracks["playlist_count"].to_numpy()[self.test_track] == 0


def holdout_split(catalogue: Catalogue, seed: int, fraction: float = EVALUATION.test_fraction,
                  min_tracks: int = EVALUATION.min_playlist_tracks) -> Split:
    """For every playlist with ≥ `min_tracks` tracks, hold out round(fraction·n) of them (≥ 1).

    A track whose every edge is held out stays in the catalogue with its features, artist and
    album but no playlist edge, exactly like a row with an empty playlist_id.
    """
    playlist, track = catalogue.edge_playlist, catalogue.edge_track
    size = np.bincount(playlist, minlength=catalogue.ids.num_playlists)  # (P,)
    held = np.where(size >= min_tracks, np.maximum(1, np.rint(fraction * size)), 0).astype(np.int64)
    # A random rank of each edge within its playlist: its random key's place among the playlist's (0 first).
    key = pd.Series(np.random.default_rng(seed).random(len(playlist)))
    rank = key.groupby(playlist).rank(method="first").to_numpy(dtype=np.int64) - 1
    test = rank < held[playlist]  # (E,)
    return Split(_with_edges(catalogue, ~test), playlist[test], track[test])


def _with_edges(catalogue: Catalogue, keep: np.ndarray) -> Catalogue:
    """The catalogue with only the edges where `keep` is True; every track and playlist stays."""
    edge_playlist, edge_track = catalogue.edge_playlist[keep], catalogue.edge_track[keep]
    tracks = catalogue.tracks.copy()
    tracks["playlist_count"] = np.bincount(edge_track, minlength=len(tracks))
    return replace(catalogue, tracks=tracks, edge_playlist=edge_playlist, edge_track=edge_track)
