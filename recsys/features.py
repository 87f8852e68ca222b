"""Track input features of the knowledge-graph model: each song's sound, era and popularity as ranks."""

import numpy as np
import pandas as pd

from recsys.load import Catalogue


def track_features(catalogue: Catalogue) -> np.ndarray:
    """(T, 14) float32: the audio features, release year and popularity, each as its rank among the
    tracks in [0, 1] (ties share one); a missing year or popularity sits in the middle, 0.5.

    Ranks rather than min–max: a few extreme values (a 60-minute track, a silent one) no longer
    squeeze every other song into a narrow band. Year and popularity belong to the song, not to a
    playlist, so a song in no playlist has them too; playlists often keep to an era.
    """
    tracks = catalogue.tracks
    year = tracks["release_year"] if "release_year" in tracks else pd.Series(np.nan, index=tracks.index)
    columns = pd.concat([pd.DataFrame(catalogue.features_raw, index=tracks.index), year,
                         pd.to_numeric(tracks["track_popularity"], errors="coerce")], axis=1)
    return columns.rank(pct=True).fillna(0.5).to_numpy(dtype=np.float32, copy=True)  # writable, for torch
