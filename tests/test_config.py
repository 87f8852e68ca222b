"""TrainConfig: the knowledge-graph model by default, the report's recipe as a preset, and a clear error for settings that cannot train."""

import pytest

from recsys.config import TrainConfig
from recsys.errors import RecsysError


def test_the_default_is_the_knowledge_graph_model_and_the_reports_recipe_is_a_preset():
    assert TrainConfig().model == "kg"
    config = TrainConfig.preset("gcn-paper")
    assert (config.model, config.epochs, config.lr, config.hidden_dim, config.out_dim, config.dropout) == (
        "gcn-paper", 100, 0.01, 128, 64, 0.5)
    assert config.negatives_per_positive == 1 and config.embedding_dim == 64
    assert TrainConfig(out_dim=8, layers=3).embedding_dim == 24  # kg concatenates its layers


def test_an_unknown_preset_is_a_clear_error():
    with pytest.raises(RecsysError, match="Unknown model 'nope'.*kg, gcn-paper"):
        TrainConfig.preset("nope")


@pytest.mark.parametrize("setting, value", [
    ("epochs", 0), ("lr", 0.0), ("lr", 2.0), ("hidden_dim", 0), ("out_dim", -1),
    ("dropout", 1.0), ("negatives_per_positive", 0), ("seed", -1), ("model", "nope"), ("layers", 0),
    ("temperature", 0.0), ("holdout", -0.1), ("holdout", 0.6), ("shared_negatives", 0), ("max_pairs", 0),
    ("init_std", 0.0),
])
def test_out_of_range_settings_are_refused_by_name(setting, value):
    with pytest.raises(RecsysError, match=setting):
        TrainConfig(**{setting: value})


@pytest.mark.parametrize("setting, value", [("epochs", 2.5), ("seed", True), ("hidden_dim", "128"), ("lr", "0.1")])
def test_wrong_types_are_refused_by_name(setting, value):
    with pytest.raises(RecsysError, match=f"{setting}="):
        TrainConfig(**{setting: value})


def test_an_integer_learning_rate_is_the_same_model_as_its_float():
    assert TrainConfig(lr=1) == TrainConfig(lr=1.0)
    assert isinstance(TrainConfig(lr=1).lr, float)
    assert TrainConfig(lr=1).as_dict() == TrainConfig(lr=1.0).as_dict()


def test_the_knowledge_graph_models_sampling_and_start_keep_their_measured_values():
    config = TrainConfig()
    assert (config.shared_negatives, config.max_pairs, config.init_std) == (64, 1 << 18, 0.1)


def test_label_names_the_model_and_its_main_settings():
    assert TrainConfig().label == "knowledge-graph model · 40 epochs · lr 0.03 · seed 0"
    assert TrainConfig(shared_negatives=32).label.endswith(" · shared negatives 32")
    assert TrainConfig.preset("gcn-paper", holdout=0.2, seed=3).label == (
        "the report's GCN · 100 epochs · lr 0.01 · seed 3 · 20% held out")


def test_models_that_differ_in_any_setting_have_different_labels():
    """The sidebar's choice of model tells models apart by their labels."""
    assert TrainConfig(temperature=5.0).label == "knowledge-graph model · 40 epochs · lr 0.03 · seed 0 · temperature 5"
    assert TrainConfig.preset("gcn-paper", hidden_dim=64, dropout=0.25).label.endswith("hidden dim 64 · dropout 0.25")
    assert len({TrainConfig(**{name: value}).label for name, value in
                [("layers", 2), ("out_dim", 32), ("temperature", 6.0), ("seed", 1)]}) == 4


def test_settings_used_leave_out_what_the_model_never_reads():
    """Regression: "About the data and the model" listed hidden_dim, dropout and negatives_per_positive for kg."""
    assert list(TrainConfig().settings_used()) == ["model", "epochs", "lr", "out_dim", "layers", "temperature",
                                                   "shared_negatives", "max_pairs", "init_std", "holdout", "seed"]
    gcn = TrainConfig.preset("gcn-paper").settings_used()
    assert list(gcn) == ["model", "epochs", "lr", "hidden_dim", "out_dim", "dropout", "negatives_per_positive",
                         "holdout", "seed"]
    assert gcn["dropout"] == 0.5
