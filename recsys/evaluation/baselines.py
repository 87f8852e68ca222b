"""Models the evaluation compares, behind one interface: fit on a training catalogue, then score.

Each model answers two questions for the evaluation:
- `playlist_scores`: how well each track fits each playlist (playlist → track);
- `set_scores`: each track's mean similarity to a set of songs (song → songs, the app's view);
and `neighbours` gives each song's most similar songs, for genre coherence.
"""

import numpy as np
import pandas as pd
import torch

from recsys.config import LightGCNConfig, TrainConfig
from recsys.embeddings import l2_normalise, sound_vectors
from recsys.load import Catalogue

BLOCK = 2048  # songs scored at once when finding neighbours: (BLOCK, T) floats at a time


class Model:
    """Base: song → songs is the mean of per-song similarity rows; subclasses say how to score."""

    name = "model"

    def fit(self, train: Catalogue, seed: int) -> "Model":
        self.num_tracks = train.ids.num_tracks
        self.popularity = train.tracks["playlist_count"].to_numpy(dtype=float)
        return self

    def song_scores(self, tracks: np.ndarray) -> np.ndarray:
        """(len(tracks), T) similarity of each given song to every song."""
        raise NotImplementedError

    def set_scores(self, sets: list[np.ndarray]) -> np.ndarray:
        """(len(sets), T) mean similarity of every song to the songs of each set."""
        return np.stack([self.song_scores(songs).mean(axis=0) for songs in sets])

    def playlist_scores(self, playlists: np.ndarray, sets: list[np.ndarray]) -> np.ndarray:
        """(len(playlists), T) playlist → track; item-based models score a playlist by its songs."""
        return self.set_scores(sets)

    def neighbours(self, tracks: np.ndarray, k: int) -> np.ndarray:
        """(len(tracks), k) the k most similar other songs of each song."""
        out = []
        for start in range(0, len(tracks), BLOCK):
            block = tracks[start:start + BLOCK]
            scores = torch.from_numpy(self.song_scores(block).astype(np.float32))
            scores[torch.arange(len(block)), torch.from_numpy(block)] = -torch.inf  # never itself
            out.append(scores.topk(k, dim=1).indices.numpy())
        return np.concatenate(out)


class Random(Model):
    name = "random"

    def fit(self, train, seed):
        super().fit(train, seed)
        self.rng = np.random.default_rng(seed)
        return self

    def song_scores(self, tracks):
        return self.rng.random((len(tracks), self.num_tracks))

    def set_scores(self, sets):
        return self.rng.random((len(sets), self.num_tracks))


class Popularity(Model):
    """Songs in the most training playlists first; Spotify's popularity breaks ties."""

    name = "popularity"

    def fit(self, train, seed):
        super().fit(train, seed)
        spotify = pd.to_numeric(train.tracks["track_popularity"], errors="coerce").fillna(0).to_numpy()
        self.score = self.popularity + spotify / 101  # ties only: spotify/101 < 1
        return self

    def song_scores(self, tracks):
        return np.broadcast_to(self.score, (len(tracks), self.num_tracks))

    def set_scores(self, sets):
        return np.broadcast_to(self.score, (len(sets), self.num_tracks))


class VectorModel(Model):
    """Songs as unit vectors: similarity is a dot product, and a set's mean similarity is the dot
    product with the set's mean vector, so song → songs costs one matrix product per batch."""

    playlist_vectors: np.ndarray | None = None  # (P, d) when the model embeds playlists too
    track_vectors: np.ndarray  # (T, d) as the model scores playlists with them

    def song_scores(self, tracks):
        return self.unit[tracks] @ self.unit.T

    def set_scores(self, sets):
        means = np.stack([self.unit[songs].mean(axis=0) for songs in sets])  # (B, d)
        return means @ self.unit.T

    def playlist_scores(self, playlists, sets):
        if self.playlist_vectors is None:
            return self.set_scores(sets)
        return self.playlist_vectors[playlists] @ self.track_vectors.T

    def set_vectors(self, track_vectors: np.ndarray, playlist_vectors: np.ndarray | None = None) -> "VectorModel":
        """Score with these vectors from now on: (T, d) tracks, and (P, d) playlists or None."""
        self.track_vectors = np.asarray(track_vectors, dtype=np.float32)
        self.playlist_vectors = playlist_vectors
        self.unit = l2_normalise(self.track_vectors)
        return self


class AudioFeatures(VectorModel):
    """Cosine similarity of standardised audio features: what the songs sound like, nothing else."""

    name = "audio-features"

    def fit(self, train, seed):
        super().fit(train, seed)
        self.set_vectors(sound_vectors(train.features_raw))
        return self


class CoOccurrence(VectorModel):
    """Item kNN: cosine similarity of songs' playlist memberships (columns of the incidence matrix)."""

    name = "co-occurrence"

    def fit(self, train, seed):
        super().fit(train, seed)
        incidence = np.zeros((train.ids.num_tracks, train.ids.num_playlists), dtype=np.float32)  # (T, P)
        incidence[train.edge_track, train.edge_playlist] = 1.0
        self.set_vectors(incidence)  # a song in no training playlist is a zero row: scores 0
        return self


class ArtistAlbum(Model):
    """The rule: songs by the same artist or on the same album as the given songs, popular first."""

    name = "artist-album"

    def fit(self, train, seed):
        super().fit(train, seed)
        tracks = train.tracks
        # -1 (no artist, no album named) matches nothing: a gap in the file is not a shared artist.
        self.artist = tracks["artist_code"].to_numpy()
        self.album = tracks["album_code"].to_numpy()
        # Ties go to Spotify's popularity, a property of the song, not the training playlist
        # count, which is 0 for every cold-start song and would bury them.
        spotify = pd.to_numeric(tracks["track_popularity"], errors="coerce").fillna(0).to_numpy()
        self.tie_break = spotify / (spotify.max() + 1) / 10  # < 0.1: ties only
        return self

    def song_scores(self, tracks):
        return _same(self.artist, tracks) + _same(self.album, tracks) + self.tie_break

    def set_scores(self, sets):
        # The mean of the song rows, from counts instead of a (len(songs), T) matrix.
        return np.stack([(_shared(self.artist, songs) + _shared(self.album, songs)) / len(songs) + self.tie_break
                         for songs in sets])


def _same(code: np.ndarray, tracks: np.ndarray) -> np.ndarray:
    """(len(tracks), T) bool: each other track has the code of tracks[i], and that code is not -1."""
    mine = code[tracks][:, None]
    return (mine == code[None, :]) & (mine >= 0)


def _shared(code: np.ndarray, songs: np.ndarray) -> np.ndarray:
    """(T,) how many of `songs` have each track's code; 0 for a track with code -1."""
    counts = np.bincount(code[songs] + 1, minlength=code.max(initial=-1) + 2)  # shifted: -1 counts in slot 0
    counts[0] = 0
    return counts[code + 1]


class LightGCNBaseline(VectorModel):
    """PyG's LightGCN on the playlist–track graph, trained with BPR against random tracks.

    It learns one free vector per node, so a song in no training playlist keeps its random start:
    the collaborative ceiling for warm songs and the floor for cold ones.
    """

    name = "lightgcn"

    def __init__(self, config: LightGCNConfig = LightGCNConfig()):
        self.config = config

    def fit(self, train, seed):
        # Imported here, as torch_geometric is: reading an evaluation's results needs neither.
        from torch_geometric.nn.models import LightGCN

        from recsys.graph import build_graph
        from recsys.train import deterministic, seeded

        super().fit(train, seed)
        config = self.config
        graph = build_graph(train, seed)  # only its structure: LightGCN ignores node features
        model = seeded(seed, lambda: LightGCN(graph.num_nodes, config.dim, config.layers))
        optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
        sampler = torch.Generator().manual_seed(seed)
        playlists = torch.cat([graph.pos_playlist, graph.pos_playlist])
        model.train()
        with deterministic():  # as recsys.train's models: a seed gives one model on any number of threads
            for _ in range(config.epochs):
                optimizer.zero_grad()
                negatives = torch.randint(0, graph.num_tracks, graph.pos_track.shape, generator=sampler)
                pairs = torch.stack([playlists, torch.cat([graph.pos_track, negatives + graph.num_playlists])])
                positive, negative = model(graph.adj_t, pairs).chunk(2)  # (E,), (E,)
                model.recommendation_loss(positive, negative, node_id=pairs.unique()).backward()
                optimizer.step()
            model.eval()
            with torch.no_grad():
                z = model.get_embedding(graph.adj_t)  # (P+T, dim)
        self.set_vectors(z[graph.num_playlists:].numpy(), z[:graph.num_playlists].numpy())
        return self


class Trained(VectorModel):
    """A model trained by recsys.train exactly as the app trains it, from its preset."""

    preset = ""
    scores_playlists = True  # use the playlist embeddings for playlist → track

    def fit(self, train, seed):
        from recsys.train import train as train_model  # imported here: it loads PyG (see LightGCNBaseline)

        super().fit(train, seed)
        embeddings = train_model(train, TrainConfig.preset(self.preset, seed=seed))
        self.set_vectors(embeddings.track, embeddings.playlist if self.scores_playlists else None)
        return self


class GCNPaper(Trained):
    """The report's recipe."""

    name = preset = "gcn-paper"


class KnowledgeGraphModel(Trained):
    """recsys.model's KGRec. Its playlist vectors are never trained to score tracks (only songs are pulled
    together), so it scores a playlist by its songs, as the app does."""

    name = preset = "kg"
    scores_playlists = False
