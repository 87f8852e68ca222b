"""Approximate nearest neighbours for catalogues too large to scan for every request.

An exact scan of the unit-length song vectors takes about 1 ms at 30k songs but 40 ms at a
million. Above EXACT_UP_TO songs the recommender first asks a faiss inverted-file index for a few
hundred candidates and ranks only those exactly. faiss is the field's standard library for this.
An inverted file sorts the vectors into about √n k-means lists and scans only the lists nearest a
query; how many is chosen when the index is built, by checking it against an exact scan.
"""

import numpy as np

EXACT_UP_TO = 100_000  # songs: up to this an exact scan meets the 10 ms target on its own
TARGET_RECALL = 0.99  # of the exact ten neighbours (and the song itself) found among the candidates
CALIBRATION_SONGS = 50  # songs whose exact neighbours the build checks the index against


class VectorIndex:
    """An inverted file over unit-length vectors, inner product = cosine similarity."""

    def __init__(self, index):
        self.index = index  # a faiss IndexIVFFlat, its lists to scan per query (nprobe) calibrated
        # One request is one query: spread its lists over the cores rather than queries (about
        # 1.6× faster on two cores at a million songs). faiss does not store this setting.
        self.index.parallel_mode = 1

    @classmethod
    def build(cls, vectors: np.ndarray, seed: int = 0) -> "VectorIndex":
        """k-means lists over `vectors` (T, d), every vector filed, the lists to scan calibrated."""
        import faiss  # only large catalogues need it, so the app starts without loading it

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        lists = max(1, int(np.sqrt(len(vectors))))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], lists,
                                   faiss.METRIC_INNER_PRODUCT)
        index.cp.seed = seed  # the same vectors give the same lists
        rng = np.random.default_rng(seed)
        # k-means on a sample: faiss needs ~40 points a list, and more only slows the build.
        index.train(vectors[np.sort(rng.choice(len(vectors), min(len(vectors), 64 * lists), replace=False))])
        index.add(vectors)
        built = cls(index)
        index.nprobe = built._calibrate(vectors, rng)
        return built

    @classmethod
    def from_bytes(cls, data: np.ndarray) -> "VectorIndex":
        """An index as `to_bytes` wrote it."""
        import faiss

        return cls(faiss.deserialize_index(data))

    def to_bytes(self) -> np.ndarray:
        """(bytes,) uint8: the lists, the vectors and the lists to scan, for `from_bytes`."""
        import faiss

        return faiss.serialize_index(self.index)

    def candidates(self, query: np.ndarray, count: int) -> np.ndarray:
        """Up to `count` row numbers of vectors near `query`, best first."""
        _, found = self.index.search(np.asarray(query, dtype=np.float32)[None], count)
        return found[0][found[0] >= 0]

    def _calibrate(self, vectors: np.ndarray, rng: np.random.Generator) -> int:
        """The fewest lists to scan (from 1/32 of them, half as many again each try) that find
        TARGET_RECALL of the exact 11 nearest (a song and its ten) of sampled songs."""
        songs = rng.choice(len(vectors), min(len(vectors), CALIBRATION_SONGS), replace=False)
        nearest = min(11, len(vectors))
        scores = vectors @ vectors[songs].T  # (n, songs): exact, once
        exact = np.argpartition(-scores, nearest - 1, axis=0)[:nearest].T  # (songs, nearest)
        lists = self.index.nlist
        probes = max(1, lists // 32)
        while probes < lists:
            self.index.nprobe = probes
            _, found = self.index.search(vectors[songs], nearest)
            if np.mean([len(set(a) & set(b)) for a, b in zip(exact, found)]) / nearest >= TARGET_RECALL:
                break
            probes = int(probes * 1.5) + 1
        return min(probes, lists)
