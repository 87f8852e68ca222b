"""recsys/features.py: the knowledge-graph model's track features, as ranks with known answers."""

import numpy as np

from recsys.config import AUDIO_FEATURES
from recsys.features import track_features
from recsys.load import load_catalogue
from tests.conftest import COLUMNS

TEMPO = AUDIO_FEATURES.index("tempo")
YEAR, POPULARITY = len(AUDIO_FEATURES), len(AUDIO_FEATURES) + 1


def test_features_are_ranks_ties_shared_and_missing_values_in_the_middle(make_csv):
    rows = [
        {"track_id": "w", "tempo": 100, "track_album_release_date": "1999-01-01", "track_popularity": 10},
        {"track_id": "x", "tempo": 150, "track_album_release_date": "2005", "track_popularity": 30},
        {"track_id": "y", "tempo": 150, "track_album_release_date": "", "track_popularity": 20},
        {"track_id": "z", "tempo": 200, "track_album_release_date": "1980-05", "track_popularity": ""},
    ]
    catalogue = load_catalogue(make_csv(rows, columns=COLUMNS + ("track_album_release_date",)))
    features = track_features(catalogue)
    assert features.shape == (4, 14) and features.dtype == np.float32
    row = {t: catalogue.ids.track_index([t])[0] for t in "wxyz"}

    def column(index):
        return [features[row[t], index] for t in "wxyz"]

    # Ranks 1, 2.5, 2.5, 4 of 4: tied tempos share one.
    np.testing.assert_allclose(column(TEMPO), [0.25, 0.625, 0.625, 1.0])
    # Years 1999, 2005, none, 1980: ranks among the three known; the missing one sits at 0.5.
    np.testing.assert_allclose(column(YEAR), [2 / 3, 1.0, 0.5, 1 / 3])
    np.testing.assert_allclose(column(POPULARITY), [1 / 3, 1.0, 2 / 3, 0.5])
    # A feature every song shares: all tied at the mean rank, 2.5 of 4.
    np.testing.assert_allclose(features[:, AUDIO_FEATURES.index("energy")], 0.625)


def test_a_catalogue_without_release_dates_gives_every_song_the_middle_year(two_playlists):
    features = track_features(two_playlists)
    assert (features[:, YEAR] == 0.5).all()
    assert features[:, :YEAR].min() > 0 and features.max() <= 1
