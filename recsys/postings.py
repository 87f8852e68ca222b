"""The inverted indexes search finds candidates with: byte trigrams and their postings (key →
tracks, CSR), and a deletion index of the names one edit away from a short query."""

from dataclasses import dataclass

import numpy as np
import pandas as pd


def trigram_codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(text number, code) for every byte trigram of each space-padded UTF-8 text.

    A code packs three bytes into one int, so the whole catalogue is indexed with a few NumPy
    passes instead of a Python loop or a regex per string.
    """
    encoded = [f" {text} ".encode() for text in texts]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    buffer = np.frombuffer(b"".join(encoded), dtype=np.uint8).astype(np.int64)
    codes = (buffer[:-2] << 16) | (buffer[1:-1] << 8) | buffer[2:]  # (N-2,)
    text = np.repeat(np.arange(len(encoded)), lengths)[:-2]
    ends = np.cumsum(lengths)  # one past each text's last byte
    inside = np.arange(len(codes)) + 3 <= ends[text]  # drop trigrams that straddle two texts
    return text[inside], codes[inside]


@dataclass(frozen=True)
class Postings:
    """key → track indices, as a sorted key array and CSR offsets."""

    keys: np.ndarray
    tracks: np.ndarray
    offsets: np.ndarray  # tracks[offsets[k]:offsets[k+1]] hold keys[k]

    @classmethod
    def of(cls, keys: np.ndarray, tracks: np.ndarray, rank: np.ndarray | None = None) -> "Postings":
        """Within a key, tracks in `rank` order ((T,) a permutation, e.g. best-known first), else by index."""
        values = tracks if rank is None else rank[tracks]
        pairs = _sorted_unique((keys.astype(np.int64) << 32) | values)  # by key, then value
        first = np.flatnonzero(np.diff(pairs >> 32, prepend=-1))  # where each key's run starts
        values = pairs & 0xFFFFFFFF
        if rank is not None:
            values = np.argsort(rank)[values]  # rank → track
        return cls((pairs >> 32)[first], values, np.append(first, len(pairs)))

    def sizes(self, slots: np.ndarray) -> np.ndarray:
        return self.offsets[slots + 1] - self.offsets[slots]

    def slots(self, keys: np.ndarray) -> np.ndarray:
        """Where each of `keys` sits in `self.keys`; keys it lacks are left out."""
        if len(self.keys) == 0:
            return np.empty(0, dtype=np.int64)
        slots = np.searchsorted(self.keys, keys).clip(max=len(self.keys) - 1)
        return slots[self.keys[slots] == keys]

    def gather(self, slots: np.ndarray, first: int | None = None) -> np.ndarray:
        """The tracks of the keys at `slots` (only each one's `first` few, if given), concatenated."""
        if len(slots) == 0:
            return np.empty(0, dtype=np.int64)
        ends = self.offsets[slots + 1] if first is None else np.minimum(self.offsets[slots + 1], self.offsets[slots] + first)
        return np.concatenate([self.tracks[a:b] for a, b in zip(self.offsets[slots], ends)])


@dataclass(frozen=True)
class Deletions:
    """Short names within one edit of a short query, found by hash lookups instead of a scan.

    Each name is filed under itself and every way of deleting one of its letters (symmetric
    delete, as SymSpell does): two strings one edit apart, of any kind, share such a key.
    """

    hashes: np.ndarray  # sorted uint64 hashes of the keys
    names: np.ndarray  # (len(hashes),) the name each key was made from

    @classmethod
    def of(cls, names: list[str], longest: int) -> "Deletions":
        """Index the `names` of at most `longest` characters: a longer one is not one edit from a short query."""
        short = [(position, name) for position, name in enumerate(names) if len(name) <= longest]
        variants = [_one_deleted(name) for _, name in short]
        owners = np.repeat([position for position, _ in short], [len(v) for v in variants]).astype(np.int64)
        hashes = _hashes([key for keys in variants for key in keys])
        order = np.argsort(hashes, kind="stable")
        return cls(hashes[order], owners[order])

    def near(self, text: str) -> np.ndarray:
        """Positions of the names sharing a key with `text`: all those one edit away, some two."""
        hashes = _hashes(_one_deleted(text))
        low, high = np.searchsorted(self.hashes, hashes), np.searchsorted(self.hashes, hashes, side="right")
        return np.unique(np.concatenate([self.names[a:b] for a, b in zip(low, high)]))


def _one_deleted(text: str) -> list[str]:
    return [text] + [text[:i] + text[i + 1:] for i in range(len(text))]


def _hashes(keys: list[str]) -> np.ndarray:
    return pd.util.hash_array(np.asarray(keys, dtype=object))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting: NumPy 2's hash-based unique is several times slower on ~1M ints."""
    values = np.sort(values)
    return values[np.diff(values, prepend=values[:1] - 1) != 0]
