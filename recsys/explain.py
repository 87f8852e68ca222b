"""Why a song was recommended: the playlists, artist and album it shares with the song asked about,
the shortest chain of links between them, and the audio features where they agree and differ.

The chain is a breadth-first search over a plain graph of tracks, playlists, artists, albums and
genres (the readable relations of the knowledge graph in recsys.graph), held as CSR arrays so that one
search from the song asked about, vectorised with numpy, serves every recommended song at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recsys.config import AUDIO_FEATURES
from recsys.load import Catalogue

MAX_HOPS = 6  # a longer chain explains nothing a person would recognise
FEATURES_SHOWN = 3  # features listed as "agree" and as "differ"
PLAYLISTS_SHOWN = 5  # shared playlists named in the text and drawn in the graph; the rest are counted
KINDS = ("playlist", "song", "artist", "album", "genre")  # in node-index order
CATEGORIES = [AUDIO_FEATURES.index("key"), AUDIO_FEATURES.index("mode")]  # features that are not amounts


@dataclass(frozen=True)
class Step:
    """One node of a path, as a person reads it."""

    kind: str  # "song", "playlist", "artist", "album" or "genre"
    label: str  # song: "Title — Artist"; playlist: its name (else its id); artist/album/genre: the name


@dataclass(frozen=True)
class Explanation:
    """What links one recommended song to the song asked about."""

    shared_playlists: tuple[str, ...]  # names of the playlists both songs are in, sorted
    same_artist: bool
    same_album: bool
    path: tuple[Step, ...]  # a shortest path query → other, both ends included; () if none within MAX_HOPS
    agree: tuple[tuple[str, float, float], ...]  # (feature, query's raw value, other's), closest first
    differ: tuple[tuple[str, float, float], ...]  # the same, largest scaled difference first
    links: tuple[Step, ...] = ()  # every node next to both songs: shared playlists by name, then artist, album


@dataclass(frozen=True)
class Explainer:
    """The explanation graph, built once per catalogue: nodes are playlists, tracks, artists,
    albums, genres (in that order, tracks placed by catalogue.ids), edges in both directions."""

    catalogue: Catalogue
    indptr: np.ndarray  # (N + 1,) node n's neighbours are indices[indptr[n]:indptr[n + 1]]
    indices: np.ndarray  # (2E,) neighbours, ascending within each node
    starts: np.ndarray  # (5,) first node index of each of KINDS
    names: tuple[np.ndarray, np.ndarray, np.ndarray]  # artist, album, genre names by code
    artist_of: np.ndarray  # (T,) artist code of each track, -1 if it has none
    album_of: np.ndarray  # (T,) album code of each track, -1 if it has none

    @classmethod
    def build(cls, catalogue: Catalogue) -> "Explainer":
        """Index the catalogue's relations as an undirected CSR graph."""
        artist_of = catalogue.tracks["artist_code"].to_numpy()
        album_of = catalogue.tracks["album_code"].to_numpy()
        genre_of = catalogue.playlists["genre_code"].to_numpy()
        artists, albums, genres = catalogue.artist_names, catalogue.album_names, catalogue.genre_names
        P, T = catalogue.ids.num_playlists, catalogue.ids.num_tracks
        starts = np.cumsum([0, P, T, len(artists), len(albums)])
        track_nodes = catalogue.ids.track_node(np.arange(T))
        pairs = [
            (catalogue.edge_playlist, catalogue.ids.track_node(catalogue.edge_track)),
            (track_nodes[artist_of >= 0], starts[2] + artist_of[artist_of >= 0]),
            (track_nodes[album_of >= 0], starts[3] + album_of[album_of >= 0]),
            (np.flatnonzero(genre_of >= 0), starts[4] + genre_of[genre_of >= 0]),
        ]
        indptr, indices = _csr(pairs, int(starts[4] + len(genres)))
        return cls(catalogue, indptr, indices, starts, (artists, albums, genres), artist_of, album_of)

    def explain(self, query: int, others: Sequence[int]) -> list[Explanation]:
        """One Explanation per song of `others` (local track indices), in their order."""
        ids = self.catalogue.ids
        targets = ids.track_node(np.asarray(others, dtype=np.int64))
        parent = bfs_parents(self.indptr, self.indices, int(ids.track_node(query)), targets, MAX_HOPS)
        return [self._explain_one(query, int(other), parent) for other in others]

    def _explain_one(self, query: int, other: int, parent: np.ndarray) -> Explanation:
        agree, differ = feature_contrast(self.catalogue, query, other)
        links = self._links(query, other)
        return Explanation(
            shared_playlists=tuple(step.label for step in links if step.kind == "playlist"),
            same_artist=bool(self.artist_of[query] >= 0 and self.artist_of[query] == self.artist_of[other]),
            same_album=bool(self.album_of[query] >= 0 and self.album_of[query] == self.album_of[other]),
            path=tuple(self._step(node) for node in path_to(parent, int(self.catalogue.ids.track_node(other)))),
            agree=agree, differ=differ, links=links,
        )

    def _links(self, query: int, other: int) -> tuple[Step, ...]:
        # A track's neighbours are its playlists, its artist and its album, so the common ones are what both share.
        both = np.intersect1d(*(self._neighbours(int(self.catalogue.ids.track_node(t))) for t in (query, other)))
        return tuple(sorted((self._step(int(node)) for node in both), key=lambda s: (KINDS.index(s.kind), s.label)))

    def _neighbours(self, node: int) -> np.ndarray:
        return self.indices[self.indptr[node]:self.indptr[node + 1]]

    def _step(self, node: int) -> Step:
        kind = int(np.searchsorted(self.starts, node, side="right")) - 1
        offset = node - int(self.starts[kind])
        if KINDS[kind] == "playlist":
            return Step("playlist", _playlist_label(self.catalogue.playlists, offset))
        if KINDS[kind] == "song":
            row = self.catalogue.tracks.iloc[offset]
            return Step("song", f"{row['track_name']} — {row['track_artist']}")
        return Step(KINDS[kind], str(self.names[kind - 2][offset]))


def bfs_parents(indptr: np.ndarray, indices: np.ndarray, source: int, targets: np.ndarray, max_hops: int) -> np.ndarray:
    """(N,) each node's parent on a shortest path from `source` (source: itself; unreached: -1),
    searched level by level until every target is reached or `max_hops` levels are done.

    Among equally short paths the parent with the lowest node index wins, so the answer is the
    same every run: the frontier is kept sorted and np.unique keeps each node's first occurrence.
    """
    parent = np.full(len(indptr) - 1, -1, dtype=np.int64)
    parent[source] = source
    frontier = np.array([source], dtype=np.int64)
    for _ in range(max_hops):
        if frontier.size == 0 or (parent[targets] >= 0).all():
            break
        start, count = indptr[frontier], indptr[frontier + 1] - indptr[frontier]
        # Every neighbour slot of every frontier node, flattened: (sum(count),)
        slot = np.repeat(start - (np.cumsum(count) - count), count) + np.arange(count.sum())
        came_from, reached = np.repeat(frontier, count), indices[slot]
        fresh = parent[reached] < 0
        frontier, first = np.unique(reached[fresh], return_index=True)
        parent[frontier] = came_from[fresh][first]
    return parent


def path_to(parent: np.ndarray, target: int) -> list[int]:
    """The nodes from the search's source to `target`, both included; [] if `target` was not reached."""
    if parent[target] < 0:
        return []
    path = [target]
    while parent[path[-1]] != path[-1]:
        path.append(int(parent[path[-1]]))
    return path[::-1]


def feature_contrast(catalogue: Catalogue, query: int, other: int):
    """The FEATURES_SHOWN features where two songs are closest and where they differ most, judged on
    the 0–1 scaled features (so tempo does not outweigh valence) and reported in original units."""
    gap = np.abs(catalogue.features[query] - catalogue.features[other])  # (12,)
    gap[CATEGORIES] = np.nan  # key and mode are categories: "closer" means nothing for them
    amounts = np.flatnonzero(~np.isnan(gap))
    closest = amounts[np.argsort(gap[amounts], kind="stable")][:FEATURES_SHOWN]
    furthest = amounts[np.argsort(-gap[amounts], kind="stable")][:FEATURES_SHOWN]
    raw = catalogue.features_raw

    def describe(order):
        return tuple((AUDIO_FEATURES[f], float(raw[query, f]), float(raw[other, f])) for f in order)

    return describe(closest), describe(furthest)


def knowledge_badge(playlist_count: int) -> str:
    """How much the graph knows about a song, in a few words."""
    if playlist_count == 0:
        return "new: audio features only"
    if playlist_count == 1:
        return "in 1 playlist"
    return f"in {playlist_count:,} playlists"


def _csr(pairs: list[tuple[np.ndarray, np.ndarray]], num_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """(indptr, indices) of the undirected graph with edges `pairs`, neighbours ascending."""
    src = np.concatenate([a for a, _ in pairs] + [b for _, b in pairs]).astype(np.int64)
    dst = np.concatenate([b for _, b in pairs] + [a for a, _ in pairs]).astype(np.int64)
    order = np.lexsort((dst, src))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=num_nodes))])
    return indptr, dst[order]


def _playlist_label(playlists: pd.DataFrame, index: int) -> str:
    name = playlists["playlist_name"].iat[index]
    return name if name else playlists["playlist_id"].iat[index]
