"""Hyperparameters, column names and default paths, in one place."""

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from recsys.errors import RecsysError
from recsys.words import plural

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = PROJECT_ROOT / "data" / "spotify_songs.csv"
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache"

# The 12 audio features the report uses as track features, in its order.
AUDIO_FEATURES = (
    "danceability", "energy", "key", "loudness", "mode", "speechiness",
    "acousticness", "instrumentalness", "liveness", "valence", "tempo", "duration_ms",
)
REQUIRED_COLUMNS = ("track_id", "track_name", "track_artist", "playlist_id") + AUDIO_FEATURES
OPTIONAL_COLUMNS = (
    "track_album_id", "track_album_name", "track_popularity", "track_album_release_date",
    "playlist_name", "playlist_genre", "playlist_subgenre",
)


TRAINABLE_MODELS = ("kg", "gcn-paper")  # what `train` can build; the first is the default
MODEL_NAMES = {"kg": "knowledge-graph model", "gcn-paper": "the report's GCN"}
PRESETS = {
    "kg": {},  # the dataclass defaults
    "gcn-paper": {"model": "gcn-paper", "epochs": 100, "lr": 0.01},  # the report's recipe
}


# Settings each model's training never reads (recsys.model, recsys.loss, recsys.train): kg has no
# hidden layer, no dropout and no negatives per positive (its loss contrasts each pair with one
# shared set of songs); the GCN has no free vectors to start, no song pairs and no temperature.
UNUSED_BY = {"kg": ("hidden_dim", "dropout", "negatives_per_positive"),
             "gcn-paper": ("layers", "temperature", "shared_negatives", "max_pairs", "init_std")}

# Settings a label names only when they differ from the preset.
LABEL_IF_CHANGED = ("hidden_dim", "out_dim", "dropout", "negatives_per_positive", "layers", "temperature",
                    "shared_negatives", "max_pairs", "init_std")


# (min, max) of each setting's box on the Train page: within what TrainConfig accepts (a test holds
# them to it), and no wider than one run on a small server can sensibly take.
FORM_BOUNDS = {
    "epochs": (1, 2000), "lr": (1e-5, 1.0), "seed": (0, 2**31 - 1), "out_dim": (1, 512), "layers": (1, 6),
    "temperature": (0.1, 100.0), "hidden_dim": (1, 1024), "dropout": (0.0, 0.95), "negatives_per_positive": (1, 20),
    "holdout": (0.0, 0.5),
}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that shapes a trained model. The defaults are the knowledge-graph model, the
    best measured (README, Quality); `TrainConfig.preset("gcn-paper")` is the report's recipe."""

    model: str = "kg"
    epochs: int = 40
    lr: float = 0.03
    hidden_dim: int = 128  # gcn-paper: width of the first GCN layer
    out_dim: int = 64  # embedding width (kg: per propagation layer)
    dropout: float = 0.5  # gcn-paper only
    negatives_per_positive: int = 1  # gcn-paper only
    layers: int = 3  # kg only: propagation layers
    temperature: float = 7.0  # kg only: sharpness of the song–song loss
    shared_negatives: int = 64  # kg only: random songs every pair is contrasted with, one set per epoch
    # kg only: playlist-mate pairs an epoch learns from at most: every pair of the shipped data
    # (32k), and a bounded sample of a large catalogue's millions, whose (pairs × width) vectors would not fit.
    max_pairs: int = 1 << 18
    init_std: float = 0.1  # kg only: spread of the playlists' and entities' random starting vectors
    holdout: float = 0.0  # share of each playlist's songs kept out of training to validate on each epoch
    seed: int = 0

    @classmethod
    def preset(cls, model: str, **changes) -> "TrainConfig":
        """A named model's settings, with `changes` on top."""
        if model not in PRESETS:
            raise RecsysError(f"Unknown model {model!r}; choose one of: {', '.join(TRAINABLE_MODELS)}.")
        return cls(**{**PRESETS[model], **changes})

    def __post_init__(self):
        for setting in fields(self):
            value = getattr(self, setting.name)
            # bool passes as int, and a fractional epoch count would only fail deep inside training.
            allowed = {float: (int, float), int: (int,), str: (str,)}[setting.type]
            if isinstance(value, bool) or not isinstance(value, allowed):
                kind = {float: "a number", int: "a whole number", str: "text"}[setting.type]
                raise RecsysError(f"Training setting {setting.name}={value!r} must be {kind}.")
            if setting.type is float:  # lr=1 and lr=1.0 are one model with one cache key
                object.__setattr__(self, setting.name, float(value))
        checks = {
            "model": self.model in TRAINABLE_MODELS,
            "epochs": self.epochs >= 1,
            "lr": 0 < self.lr <= 1,
            "hidden_dim": self.hidden_dim >= 1,
            "out_dim": self.out_dim >= 1,
            "dropout": 0 <= self.dropout < 1,
            "negatives_per_positive": self.negatives_per_positive >= 1,
            "seed": self.seed >= 0,
            "layers": self.layers >= 1,
            "temperature": self.temperature > 0,
            "shared_negatives": self.shared_negatives >= 1,
            "max_pairs": self.max_pairs >= 1,
            "init_std": self.init_std > 0,
            "holdout": 0 <= self.holdout <= 0.5,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise RecsysError(
                f"Invalid training {'setting' if len(bad) == 1 else 'settings'}: {', '.join(f'{n}={getattr(self, n)!r}' for n in bad)}. "
                f"Use a model from {', '.join(TRAINABLE_MODELS)}, epochs ≥ 1, 0 < lr ≤ 1, dimensions and layers ≥ 1, "
                "0 ≤ dropout < 1, negatives per positive ≥ 1, temperature > 0, shared negatives ≥ 1, max pairs ≥ 1, "
                "init std > 0, 0 ≤ holdout ≤ 0.5 and seed ≥ 0."
            )

    @property
    def embedding_dim(self) -> int:
        """Width of the trained embeddings: kg concatenates one out_dim block per layer."""
        return self.out_dim * self.layers if self.model == "kg" else self.out_dim

    @property
    def label(self) -> str:
        """One line for people: which model, and the settings one is most likely to have changed."""
        parts = [MODEL_NAMES[self.model], plural(self.epochs, "epoch"), f"lr {self.lr:g}", f"seed {self.seed}"]
        if self.holdout:
            parts.append(f"{self.holdout:.0%} held out")
        # Any other setting that differs from the preset, so no two models share a label: the
        # sidebar's choice of model tells them apart by it.
        preset = TrainConfig.preset(self.model)
        parts += [f"{name.replace('_', ' ')} {getattr(self, name):g}" for name in LABEL_IF_CHANGED
                  if getattr(self, name) != getattr(preset, name)]
        return " · ".join(parts)

    def as_dict(self) -> dict:
        return asdict(self)

    def settings_used(self) -> dict:
        """The settings this model's training reads: as_dict less the other model's."""
        return {name: value for name, value in asdict(self).items() if name not in UNUSED_BY[self.model]}


@dataclass(frozen=True)
class LightGCNConfig:
    """The LightGCN baseline's settings (recsys.evaluation.baselines): PyG's LightGCN trained with BPR."""

    epochs: int = 200
    dim: int = 64
    layers: int = 3
    lr: float = 0.01


@dataclass(frozen=True)
class EvaluationConfig:
    """How offline evaluation judges every model (recsys.evaluation): the held-out split and the
    samples. EVALUATION is the one the CLI, the app and the README's figures use."""

    seeds: tuple[int, ...] = (0, 1, 2)  # one split and one fit of every model per seed
    test_fraction: float = 0.2  # share of each playlist's songs held out
    min_playlist_tracks: int = 5  # smaller playlists keep all their songs for training
    coherence_sample: int = 2000  # songs whose neighbours are checked for genre; one seeded sample for all models
    # Test playlists scored at most, a seeded sample beyond it: every one of the shipped data's 471,
    # and a (playlists × songs) score matrix that still fits memory at a million songs.
    max_test_playlists: int = 500


EVALUATION = EvaluationConfig()

