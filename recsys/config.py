"""Hyperparameters, column names and default paths, in one place."""

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from recsys.errors import RecsysError

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
    "track_album_id", "track_album_name", "track_popularity",
    "playlist_name", "playlist_genre", "playlist_subgenre",
)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that shapes a trained model; the defaults are the report's recipe."""

    epochs: int = 100
    lr: float = 0.01
    hidden_dim: int = 128
    out_dim: int = 64
    dropout: float = 0.5
    negatives_per_positive: int = 1
    seed: int = 0

    def __post_init__(self):
        for setting in fields(self):
            value = getattr(self, setting.name)
            # bool passes as int, and a fractional epoch count would only fail deep inside training.
            allowed = (int, float) if setting.type is float else (int,)
            if isinstance(value, bool) or not isinstance(value, allowed):
                kind = "a number" if setting.type is float else "a whole number"
                raise RecsysError(f"Training setting {setting.name}={value!r} must be {kind}.")
            if setting.type is float:  # lr=1 and lr=1.0 are one model with one cache key
                object.__setattr__(self, setting.name, float(value))
        checks = {
            "epochs": self.epochs >= 1,
            "lr": 0 < self.lr <= 1,
            "hidden_dim": self.hidden_dim >= 1,
            "out_dim": self.out_dim >= 1,
            "dropout": 0 <= self.dropout < 1,
            "negatives_per_positive": self.negatives_per_positive >= 1,
            "seed": self.seed >= 0,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise RecsysError(
                f"Invalid training setting(s): {', '.join(f'{n}={getattr(self, n)!r}' for n in bad)}. "
                "Use epochs ≥ 1, 0 < lr ≤ 1, dimensions ≥ 1, 0 ≤ dropout < 1, "
                "negatives per positive ≥ 1 and seed ≥ 0."
            )

    def as_dict(self) -> dict:
        return asdict(self)
