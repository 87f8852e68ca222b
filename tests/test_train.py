"""recsys/train.py: progress callback, injected validation, reproducibility from the seed alone, learning."""

import numpy as np
import pytest
import torch

from recsys.config import DEFAULT_DATA, TRAINABLE_MODELS, UNUSED_BY, TrainConfig
from recsys.errors import RecsysError
from recsys.load import load_catalogue
from recsys.pipeline import held_out_task, train_model
from recsys.train import SETUPS, embed, seeded, train


def small(model: str, **changes) -> TrainConfig:
    return TrainConfig.preset(model, **{"epochs": 5, "hidden_dim": 16, "out_dim": 8, "seed": 0, **changes})


@pytest.mark.parametrize("model", TRAINABLE_MODELS)
def test_on_epoch_is_called_once_per_epoch_with_the_loss(model, two_playlists):
    calls = []
    embeddings = train(two_playlists, small(model), on_epoch=lambda *args: calls.append(args))
    assert [(epoch, total) for epoch, total, _, _ in calls] == [(e, 5) for e in range(1, 6)]
    assert [loss for _, _, loss, _ in calls] == list(embeddings.loss_history)
    assert all(isinstance(loss, float) and np.isfinite(loss) for _, _, loss, _ in calls)
    assert all(recall is None for *_, recall in calls)  # nothing held out, nothing to validate on


@pytest.mark.parametrize("model", TRAINABLE_MODELS)
def test_a_holdout_reports_validation_recall_each_epoch_and_trains_without_it(model, two_playlists):
    calls = []
    config = small(model, holdout=0.4)
    task = held_out_task(two_playlists, config)  # what recsys.pipeline does for a run with a validation share
    held_out = train(task.split.train, config, lambda *args: calls.append(args), task.song_recall)
    recalls = [recall for *_, recall in calls]
    assert len(recalls) == 5 and all(0 <= recall <= 1 for recall in recalls)
    # Each 6-song playlist gives up 2 songs: every song still gets a vector, but from fewer edges.
    assert len(task.split.test_track) == 4 and len(task.split.train.edge_track) == 8
    everything = train(two_playlists, small(model))
    assert held_out.track.shape == everything.track.shape
    assert not np.array_equal(held_out.track, everything.track)


def test_validation_scores_the_vectors_of_each_epoch_and_nothing_else(two_playlists):
    scored = []
    calls = []
    final = train(two_playlists, small("kg", epochs=3), lambda *args: calls.append(args),
                  lambda vectors: scored.append(vectors.copy()) or float(len(scored)))
    assert [recall for *_, recall in calls] == [1.0, 2.0, 3.0]
    assert [v.shape for v in scored] == [(12, small("kg").embedding_dim)] * 3
    np.testing.assert_array_equal(scored[-1] / np.linalg.norm(scored[-1], axis=1, keepdims=True), final.track)
    unvalidated = train(two_playlists, small("kg", epochs=3))
    np.testing.assert_array_equal(unvalidated.track, final.track)  # validation reads, never changes, the model


def test_the_pipeline_trains_a_holdout_run_on_the_rest_of_each_playlist(two_playlists):
    config = small("kg", holdout=0.4)
    calls = []
    trained = train_model(two_playlists, config, on_epoch=lambda *args: calls.append(args))
    task = held_out_task(two_playlists, config)
    np.testing.assert_array_equal(trained.track, train(task.split.train, config).track)
    assert all(0 <= recall <= 1 for *_, recall in calls) and len(calls) == config.epochs


@pytest.mark.parametrize("model", TRAINABLE_MODELS)
def test_same_seed_gives_bit_identical_embeddings(model, two_playlists):
    first, second = train(two_playlists, small(model)), train(two_playlists, small(model))
    np.testing.assert_array_equal(first.track, second.track)
    np.testing.assert_array_equal(first.playlist, second.playlist)
    assert first.loss_history == second.loss_history


@pytest.mark.slow  # the full shipped data
@pytest.mark.parametrize("model", TRAINABLE_MODELS)
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


@pytest.mark.parametrize("model", TRAINABLE_MODELS)
def test_other_seed_gives_other_embeddings(model, two_playlists):
    first = train(two_playlists, small(model))
    other = train(two_playlists, small(model, seed=1))
    assert not np.array_equal(first.track, other.track)


@pytest.mark.parametrize("model", TRAINABLE_MODELS)
def test_loss_falls_with_training(model, two_playlists):
    losses = train(two_playlists, small(model, epochs=50)).loss_history
    assert len(losses) == 50
    assert np.mean(losses[-5:]) < np.mean(losses[:5])


@pytest.mark.parametrize("model", TRAINABLE_MODELS)
def test_embeddings_are_unit_rows_of_float32_aligned_with_the_catalogue(model, two_playlists):
    config = small(model)
    embeddings = train(two_playlists, config)
    assert embeddings.track.shape == (12, config.embedding_dim) and embeddings.playlist.shape == (2, config.embedding_dim)
    assert embeddings.track.dtype == np.float32 and embeddings.playlist.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embeddings.track, axis=1), 1, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(embeddings.playlist, axis=1), 1, atol=1e-6)


@pytest.mark.parametrize("model", TRAINABLE_MODELS)
def test_cold_start_track_still_gets_an_embedding(model, make_csv):

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


@pytest.mark.parametrize("model", TRAINABLE_MODELS)
def test_training_leaves_the_global_rng_as_it_was(model, two_playlists):
    state = torch.get_rng_state()
    first = train(two_playlists, small(model))
    assert torch.equal(torch.get_rng_state(), state)
    torch.manual_seed(12345)  # whatever the caller's RNG holds, the seed alone decides the model
    np.testing.assert_array_equal(train(two_playlists, small(model)).track, first.track)


def test_seeded_builds_from_the_seed_and_restores_the_rng():
    state = torch.get_rng_state()
    first, again, other = (seeded(seed, lambda: torch.nn.Linear(4, 3)) for seed in (7, 7, 8))
    assert torch.equal(first.weight, again.weight) and not torch.equal(first.weight, other.weight)
    assert torch.equal(torch.get_rng_state(), state)


@pytest.mark.parametrize("model", TRAINABLE_MODELS)
def test_embed_switches_dropout_off(model, two_playlists):
    run = SETUPS[model](two_playlists, small(model, dropout=0.5))
    run.model.train()
    once, twice = embed(run.model, run.x, run.graph), embed(run.model, run.x, run.graph)
    assert not run.model.training
    assert torch.equal(once, twice)
    assert once.shape == (2 + 12, small(model).embedding_dim)


@pytest.mark.parametrize("model, setting", [(model, setting) for model in TRAINABLE_MODELS for setting in UNUSED_BY[model]])
def test_a_setting_the_model_never_reads_leaves_its_vectors_as_they_are(model, setting, two_playlists):
    """UNUSED_BY hides these settings from "About the model": changing one must change nothing."""
    base = small(model)
    value = getattr(base, setting)
    changed = small(model, **{setting: value / 2 if isinstance(value, float) else value + 1})
    np.testing.assert_array_equal(train(two_playlists, changed).track, train(two_playlists, base).track)


@pytest.mark.parametrize("setting, value", [("shared_negatives", 8), ("max_pairs", 3), ("init_std", 0.5)])
def test_the_knowledge_graph_models_own_settings_shape_its_vectors(setting, value, two_playlists):
    changed = train(two_playlists, small("kg", **{setting: value})).track
    assert not np.array_equal(changed, train(two_playlists, small("kg")).track)
