"""The one mapping between raw ids (playlist_id, track_id) and graph node indices.

Node indices follow the report: playlists are nodes 0..P-1, tracks are nodes P..P+T-1.
A track's *local* index (0..T-1) is its row in the track table and embedding matrix.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class IdMap:
    """Converts ids to indices and back, vectorised; unknown ids map to -1."""

    playlist_ids: pd.Index  # position = playlist node index
    track_ids: pd.Index  # position = local track index

    @classmethod
    def from_ids(cls, playlist_ids, track_ids) -> "IdMap":
        return cls(pd.Index(np.asarray(playlist_ids, dtype=object)), pd.Index(np.asarray(track_ids, dtype=object)))

    @property
    def num_playlists(self) -> int:
        return len(self.playlist_ids)

    @property
    def num_tracks(self) -> int:
        return len(self.track_ids)

    @property
    def num_nodes(self) -> int:
        return self.num_playlists + self.num_tracks

    def playlist_index(self, ids) -> np.ndarray:
        return self.playlist_ids.get_indexer(np.asarray(ids, dtype=object))

    def track_index(self, ids) -> np.ndarray:
        return self.track_ids.get_indexer(np.asarray(ids, dtype=object))

    def track_node(self, local: np.ndarray) -> np.ndarray:
        """Local track index → graph node index."""
        return np.asarray(local) + self.num_playlists

    def track_local(self, node: np.ndarray) -> np.ndarray:
        """Graph node index → local track index."""
        return np.asarray(node) - self.num_playlists
