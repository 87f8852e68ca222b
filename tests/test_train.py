"""recsys/train.py: progress callback, reproducibility, learning, and the two-playlist known answer."""

import numpy as np
import pytest
import torch

from recsys.config import DEFAULT_DATA, TrainConfig
from recsys.errors import RecsysError
from recsys.load import load_catalogue
from recsys.train import train
from tests.conftest import PLAYLIST_SIZE, nearest

MODELS = ("kg", "gcn-paper")  # every model train() builds must keep the same contract


def small(model: str, **changes) -> TrainConfig:
    return TrainConfig.preset(model, **{"epochs": 5, "hidden_dim": 16, "out_dim": 8, "seed": 0, **changes})


@pytest.mark.parametrize("model", MODELS)
def test_on_epoch_is_called_once_per_epoch_with_the_loss(model, two_playlists):
    calls = []
    embeddings = train(two_playlists, small(model), on_epoch=lambda *args: calls.append(args))
    assert [(epoch, total) for epoch, total, _, _ in calls] == [(e, 5) for e in range(1, 6)]
    assert [loss for _, _, loss, _ in calls] == list(embeddings.loss_history)
    assert all(isinstance(loss, float) and np.isfinite(loss) for _, _, loss, _ in calls)
    assert all(recall is None for *_, recall in calls)  # nothing held out, nothing to validate on


@pytest.mark.parametrize("model", MODELS)
def test_a_holdout_reports_validation_recall_each_epoch_and_trains_without_it(model, two_playlists):
    calls = []
    held_out = train(two_playlists, small(model, holdout=0.4), on_epoch=lambda *args: calls.append(args))
    recalls = [recall for *_, recall in calls]
    assert len(recalls) == 5 and all(0 <= recall <= 1 for recall in recalls)
    # Each 6-song playlist gives up 2 songs: every song still gets a vector, but from fewer edges.
    everything = train(two_playlists, small(model))
    assert held_out.track.shape == everything.track.shape
    assert not np.array_equal(held_out.track, everything.track)


@pytest.mark.parametrize("model", MODELS)
def test_same_seed_gives_bit_identical_embeddings(model, two_playlists):
    first, second = train(two_playlists, small(model)), train(two_playlists, small(model))
    np.testing.assert_array_equal(first.track, second.track)
    np.testing.assert_array_equal(first.playlist, second.playlist)
    assert first.loss_history == second.loss_history


@pytest.mark.parametrize("model", MODELS)
def test_same_seed_is_bit_identical_with_several_threads_on_the_real_data(model):
    # The tiny graphs above are summed in one block; the real one is split across threads.
    catalogue = load_catalogue(DEFAULT_DATA)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        first, second = (train(catalogue, small(model, epochs=2)) for _ in range(2))
    finally:
        torch.set_num_threads(threads)
    np.testing.assert_array_equal(first.track, second.track)


@pytest.mark.parametrize("model", MODELS)
def test_other_seed_gives_other_embeddings(model, two_playlists):
    first = train(two_playlists, small(model))
    other = train(two_playlists, small(model, seed=1))
    assert not np.array_equal(first.track, other.track)


@pytest.mark.parametrize("model", MODELS)
def test_loss_falls_with_training(model, two_playlists):
    losses = train(two_playlists, small(model, epochs=50)).loss_history
    assert len(losses) == 50
    assert np.mean(losses[-5:]) < np.mean(losses[:5])


@pytest.mark.parametrize("model", MODELS)
def test_embeddings_are_unit_rows_of_float32_aligned_with_the_catalogue(model, two_playlists):
    config = small(model)
    embeddings = train(two_playlists, config)
    assert embeddings.track.shape == (12, config.embedding_dim) and embeddings.playlist.shape == (2, config.embedding_dim)
    assert embeddings.track.dtype == np.float32 and embeddings.playlist.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embeddings.track, axis=1), 1, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(embeddings.playlist, axis=1), 1, atol=1e-6)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_known_answer_neighbours_come_from_the_same_playlist(two_playlists, model, seed):
    """Audio features alone interleave A and B; only the graph can put each track with its own playlist."""
    embeddings = train(two_playlists, small(model, epochs=50, seed=seed))
    playlist_of = two_playlists.tracks["track_id"].str[0].to_numpy()  # 'a' or 'b'
    for track in range(len(playlist_of)):
        neighbours = nearest(embeddings.track, track, PLAYLIST_SIZE - 1)
        assert len(neighbours) == PLAYLIST_SIZE - 1
        assert set(playlist_of[neighbours]) == {playlist_of[track]}, two_playlists.tracks["track_id"][track]


def test_audio_features_alone_do_not_give_the_known_answer(two_playlists):
    """Guards the known-answer test: if the features already separated A from B it would prove nothing."""
    from recsys.embeddings import l2_normalise

    features = l2_normalise(two_playlists.features - two_playlists.features.mean(axis=0))
    playlist_of = two_playlists.tracks["track_id"].str[0].to_numpy()
    separated = [
        set(playlist_of[nearest(features, t, PLAYLIST_SIZE - 1)]) == {playlist_of[t]}
        for t in range(len(playlist_of))
    ]
    assert not any(separated)


@pytest.mark.parametrize("model", MODELS)
def test_cold_start_track_still_gets_an_embedding(model, make_csv):
    from recsys.load import load_catalogue

    rows = [{"track_id": f"t{i}", "playlist_id": "p1", "tempo": 90 + i} for i in range(4)]
    rows.append({"track_id": "cold", "playlist_id": "", "tempo": 200})
    catalogue = load_catalogue(make_csv(rows))
    embeddings = train(catalogue, small(model))
    cold = catalogue.ids.track_index(["cold"])[0]
    assert np.isfinite(embeddings.track[cold]).all()
    assert np.linalg.norm(embeddings.track[cold]) == pytest.approx(1, abs=1e-6)


def test_data_with_no_playlist_at_all_is_a_clear_error(make_csv):
    catalogue = load_catalogue(make_csv([{"track_id": f"t{i}", "playlist_id": ""} for i in range(4)]))
    with pytest.raises(RecsysError, match="in a playlist"):
        train(catalogue, small("kg"))
