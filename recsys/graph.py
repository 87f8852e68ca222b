"""The graphs the models propagate over: the report's playlist–track graph as a PyG `Data` object,
and the knowledge graph (playlists, tracks, artists, albums, genres) as a typed sparse matrix."""

import warnings
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch_geometric.data import Data
from torch_geometric.utils import scatter, sort_edge_index, to_torch_csr_tensor, to_undirected
from torch_geometric.utils.sparse import index2ptr

from recsys.load import Catalogue

RELATIONS = ("playlist-track", "track-artist", "track-album", "playlist-genre", "playlist-subgenre")


def build_graph(catalogue: Catalogue, seed: int) -> Data:
    """Nodes 0..P-1 are playlists, P..P+T-1 tracks; every edge appears in both directions.

    Track features are the scaled audio features; playlists get seeded random-normal
    vectors of the same width, as in the report.
    """
    ids = catalogue.ids
    playlist_nodes = torch.from_numpy(catalogue.edge_playlist)
    track_nodes = torch.from_numpy(ids.track_node(catalogue.edge_track))
    edge_index = to_undirected(torch.stack([playlist_nodes, track_nodes]), num_nodes=ids.num_nodes)  # (2, 2E)
    generator = torch.Generator().manual_seed(seed)
    playlist_x = torch.randn(ids.num_playlists, catalogue.features.shape[1], generator=generator)
    x = torch.cat([playlist_x, torch.from_numpy(catalogue.features)])  # (P+T, 12)
    with warnings.catch_warnings():  # torch flags every CSR tensor as "beta"; PyG's layers support it
        warnings.simplefilter("ignore", UserWarning)
        adj_t = to_torch_csr_tensor(edge_index, size=(ids.num_nodes, ids.num_nodes))
    return Data(
        x=x,
        edge_index=edge_index,
        # The same edges as a sparse matrix: propagation becomes one sparse–dense product,
        # about twice as fast on CPU as gather/scatter over edge_index.
        adj_t=adj_t,
        pos_playlist=playlist_nodes,  # (E,) the observed edges, once each, for training
        pos_track=track_nodes,
        num_playlists=ids.num_playlists,
        num_tracks=ids.num_tracks,
    )


@dataclass(frozen=True)
class KnowledgeGraph:
    """All nodes in one index space: playlists, tracks, then artists, albums, genres, subgenres."""

    num_nodes: int
    num_playlists: int
    num_tracks: int
    pos_playlist: torch.Tensor  # (E,) training playlist–track edges, playlist node
    pos_track: torch.Tensor  # (E,) the track node
    # Every relation edge in both directions, as an (N, N) CSR matrix: its row pointers, and per
    # stored edge (2R of them) the column, the row and the relation (an index into RELATIONS).
    crow: torch.Tensor
    edge_col: torch.Tensor
    edge_row: torch.Tensor
    edge_relation: torch.Tensor
    degree: torch.Tensor  # (N, len(RELATIONS)) each node's edge count per relation

    def weighted(self, weight: torch.Tensor) -> torch.Tensor:
        """The adjacency with every edge valued by its relation's weight, a sparse (N, N) CSR matrix."""
        with warnings.catch_warnings():  # torch flags every CSR tensor as "beta"; sparse products support it
            warnings.simplefilter("ignore", UserWarning)
            return torch.sparse_csr_tensor(self.crow, self.edge_col, weight[self.edge_relation],
                                           size=(self.num_nodes, self.num_nodes))

    @property
    def tracks(self) -> slice:
        """Where the track nodes sit in the index space."""
        return slice(self.num_playlists, self.num_playlists + self.num_tracks)

    @property
    def num_entities(self) -> int:
        """Artists, albums, genres and subgenres: the nodes after the tracks."""
        return self.num_nodes - self.tracks.stop


def build_knowledge_graph(catalogue: Catalogue) -> KnowledgeGraph:
    """Typed edges from the catalogue's playlist edges, track metadata and playlist genres; an
    empty name (code -1) is no entity and gets no node or edge."""
    P, T = catalogue.ids.num_playlists, catalogue.ids.num_tracks
    tracks, playlists = catalogue.tracks, catalogue.playlists
    track_nodes, playlist_nodes = P + np.arange(T), np.arange(P)
    entities = [
        (track_nodes, tracks["artist_code"].to_numpy()),
        (track_nodes, tracks["album_code"].to_numpy()),
        (playlist_nodes, playlists["genre_code"].to_numpy()),
        (playlist_nodes, playlists["subgenre_code"].to_numpy()),
    ]
    pairs = [(catalogue.edge_playlist, P + catalogue.edge_track)]
    base = P + T  # each entity kind's first node, after the playlists and tracks
    for nodes, code in entities:
        pairs.append((nodes[code >= 0], base + code[code >= 0]))
        base += int(code.max(initial=-1)) + 1
    src = np.concatenate([a for a, _ in pairs])
    dst = np.concatenate([b for _, b in pairs])
    relation = np.concatenate([np.full(len(a), r) for r, (a, _) in enumerate(pairs)])
    edge_index = torch.from_numpy(np.stack([np.concatenate([src, dst]), np.concatenate([dst, src])]))
    relation = torch.from_numpy(np.concatenate([relation, relation]))
    num_nodes = base
    (row, col), relation = sort_edge_index(edge_index, relation, num_nodes)  # CSR order: by row, then column
    # (N, R) edge counts: one-hot relations summed per row (exact in float32 below 2^24 edges a node).
    degree = scatter(F.one_hot(relation, len(RELATIONS)).float(), row, dim=0, dim_size=num_nodes, reduce="sum")
    return KnowledgeGraph(
        num_nodes=num_nodes, num_playlists=P, num_tracks=T,
        pos_playlist=torch.from_numpy(catalogue.edge_playlist), pos_track=torch.from_numpy(P + catalogue.edge_track),
        crow=index2ptr(row, num_nodes), edge_col=col, edge_row=row, edge_relation=relation, degree=degree,
    )
