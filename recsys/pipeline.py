"""From a data file to a ready Recommender: load, then load cached embeddings or train them."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from recsys import cache, store
from recsys.ann import EXACT_UP_TO, VectorIndex
from recsys.calibrate import held_out_calibration
from recsys.config import TrainConfig
from recsys.embeddings import Embeddings, sound_vectors
from recsys.errors import NotSaved, RecsysError
from recsys.load import Catalogue, load_catalogue
from recsys.recommend import MAX_FEEDBACK, Feedback, Filters, Groups, pairwise, pick, query_vector, scores
from recsys.search import Matches, SearchIndex

Messages = Callable[[str], None]
ANN_CANDIDATES = 200  # songs an approximate search hands to exact ranking: room for filters to drop some


@dataclass(frozen=True)
class Recommender:
    """A catalogue with its embeddings and search index: what the app and CLI serve from."""

    catalogue: Catalogue
    embeddings: Embeddings
    config: TrainConfig
    search_index: SearchIndex
    groups: Groups  # song, artist and album codes: one version per song, the caps
    sound: np.ndarray  # (T, 12) unit sound vectors, which break the model's ties
    vector_index: VectorIndex | None  # approximate neighbours, for catalogues too large to scan per request

    @classmethod
    def build(cls, catalogue: Catalogue, embeddings: Embeddings, config: TrainConfig,
              vector_index: VectorIndex | None = None, exact_up_to: int = EXACT_UP_TO) -> "Recommender":
        """The search index, and for a catalogue above `exact_up_to` songs the vector index, built here if not given."""
        if vector_index is None and len(embeddings.track) > exact_up_to:
            vector_index = VectorIndex.build(embeddings.track)
        return cls(catalogue, embeddings, config, SearchIndex.build(catalogue.tracks), Groups.of(catalogue.tracks),
                   sound_vectors(catalogue.features_raw), vector_index)

    def search(self, query: str, limit: int = 10) -> Matches:
        """Songs matching a free-text query, best first, and whether the best is close enough to choose."""
        return self.search_index.search(query, limit)

    def suggest(self, found: Matches) -> np.ndarray:
        """Local indices of the few songs of a search that matched nothing closely: "did you mean"."""
        return self.search_index.suggest(found)

    def similar(self, chosen, k: int = 10, filters: Filters = Filters(),
                feedback: Feedback = Feedback()) -> tuple[np.ndarray, np.ndarray]:
        """The k songs most like the `chosen` song (or set of songs) that `filters` let through, as
        (local track indices, the chance people read), leaving out the chosen songs under any version;
        refined by `feedback` (👍 / 👎, variety)."""
        tracks, chances, _ = self.ranked(chosen, k, filters, feedback)
        return tracks, chances

    def ranked(self, chosen, k: int = 10, filters: Filters = Filters(),
               feedback: Feedback = Feedback()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(tracks, the chance people read, the model's cosine) of the `similar` songs, best first
        (with variety, in the order variety chose them). With 👍 / 👎 both are of the refined query."""
        tracks, blended, cosine = self._ranked(chosen, k, filters, feedback)
        return tracks, self.embeddings.calibration(blended), cosine

    def feedback(self, liked=(), disliked=(), fewer=(), variety: float = 0.0) -> tuple[Feedback, tuple[str, ...]]:
        """Feedback from track ids (a link's, the command line's): the first MAX_FEEDBACK of each
        kind, repeats once, a song both liked and disliked disliked; and the ids no song has, which
        are left out and should be named to the person."""
        unknown: list[str] = []

        def known(track_ids) -> tuple[int, ...]:
            track_ids = list(dict.fromkeys(str(t) for t in track_ids))[:MAX_FEEDBACK]
            tracks = self.catalogue.ids.track_index(track_ids) if track_ids else np.empty(0, dtype=np.int64)
            unknown.extend(t for t, track in zip(track_ids, tracks) if track < 0)
            return tuple(int(track) for track in tracks if track >= 0)

        disliked_tracks = known(disliked)
        liked_tracks = tuple(track for track in known(liked) if track not in disliked_tracks)
        return Feedback(liked_tracks, disliked_tracks, known(fewer), variety), tuple(dict.fromkeys(unknown))

    def _ranked(self, chosen, k: int, filters: Filters, feedback: Feedback) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(tracks, blended scores, model cosines) of the list, best first."""
        chosen = np.atleast_1d(np.asarray(chosen, dtype=np.int64))
        query = query_vector(self.embeddings.track, chosen, feedback) if feedback.moves_query else None
        if self.vector_index is not None:
            near = self.embeddings.track[chosen].mean(axis=0) if query is None else query
            wanted = ANN_CANDIDATES + len(chosen) + len(feedback.disliked)
            found = self._rank(chosen, k, filters, feedback, query, self.vector_index.candidates(near, wanted))
            if len(found[0]) == k:
                return found
            # The filters left fewer than k of the candidates (a rare genre, a narrow year range): scan all.
        return self._rank(chosen, k, filters, feedback, query, None)

    def _rank(self, chosen: np.ndarray, k: int, filters: Filters, feedback: Feedback, query: np.ndarray | None,
              candidates: np.ndarray | None):
        """_ranked over the `candidates` only, or over every song when None."""
        rows = slice(None) if candidates is None else candidates
        cosine, blended = scores(self.embeddings.track, self.sound, chosen, rows, query)
        blended[~(filters.allowed(self.catalogue, chosen, rows) & feedback.allowed(self.groups, rows))] = -np.inf
        left_out = np.concatenate([chosen, np.asarray(feedback.disliked, dtype=np.int64)])  # every version of them
        picked = pick(blended, k, self.groups, filters, candidates, left_out, feedback.variety, self._similarity)
        tracks = picked if candidates is None else candidates[picked]
        return tracks, blended[picked], cosine[picked]

    def _similarity(self, tracks: np.ndarray) -> np.ndarray:
        return pairwise(self.embeddings.track, tracks)

    def describe(self, tracks: np.ndarray) -> pd.DataFrame:
        """Id, title, artist, album, release year, genre and playlist count of the given tracks."""
        columns = ["track_id", "track_name", "track_artist", "track_album_name", "release_year", "genre",
                   "playlist_count"]
        return self.catalogue.tracks.iloc[np.asarray(tracks)][columns].reset_index(drop=True)

    def neighbours_table(self, chosen, k: int = 10, filters: Filters = Filters(),
                         feedback: Feedback = Feedback()) -> pd.DataFrame:
        """The `similar` songs as a table: local index `track`, rank, metadata, `score` (the chance
        people read) and `cosine` (the model's raw similarity), refined by `feedback`."""
        tracks, chances, cosine = self.ranked(chosen, k, filters, feedback)
        table = self.describe(tracks)
        table.insert(0, "rank", np.arange(1, len(table) + 1))
        table.insert(0, "track", tracks)
        table["score"] = chances
        table["cosine"] = cosine.astype(float)
        return table

    def feature_profile(self, tracks) -> tuple[np.ndarray, np.ndarray]:
        """Mean audio features of `tracks`: (scaled 0–1 (12,), original units (12,))."""
        tracks = np.asarray(tracks)
        return self.catalogue.features[tracks].mean(axis=0), self.catalogue.features_raw[tracks].mean(axis=0)


def prepare(
    data_path: str | Path,
    cache_dir: str | Path,
    config: TrainConfig | None = None,
    on_message: Messages = lambda text: None,
    on_epoch=None,
    exact_up_to: int = EXACT_UP_TO,
) -> Recommender:
    """Load the data and its embeddings for `config` (default: the current model), training if needed;
    above `exact_up_to` songs, with an approximate-neighbour index kept beside them."""
    catalogue = load_catalogue(data_path)
    config = config or cache.load_current_config(cache_dir, on_message)
    digest = store.file_digest(data_path)
    path = cache.cache_path(cache_dir, digest, config)
    embeddings, why = cache.load(path, catalogue.ids, digest, config)
    if embeddings is None:
        on_message(f"{why}; training it now ({config.epochs} epochs).")
        try:
            embeddings = train_and_save(catalogue, digest, cache_dir, config, on_message, on_epoch, wait=True)
        except NotSaved as err:
            on_message(f"{err} Serving it from memory until the app restarts.")
            embeddings = err.embeddings
    vector_index = _stored_vector_index(path, embeddings.track, exact_up_to)
    return Recommender.build(catalogue, embeddings, config, vector_index, exact_up_to)


def _stored_vector_index(embeddings_path: Path, track: np.ndarray, exact_up_to: int) -> VectorIndex | None:
    """A large catalogue's approximate-neighbour index, kept beside its embeddings: at a million
    songs reading it back takes 2.5 s, building it most of the recommender's 12 s. None for a small catalogue."""
    if len(track) <= exact_up_to:
        return None
    path = cache.index_path(embeddings_path)
    stored = cache.load_index(path, track)
    if stored is not None:
        return VectorIndex.from_bytes(stored)
    index = VectorIndex.build(track)
    try:
        cache.save_index(path, track, index.to_bytes())
    except OSError:
        pass  # a disk that refuses it costs the next start a rebuild, nothing more
    return index


def train_and_save(
    catalogue: Catalogue, data_digest: str, cache_dir: str | Path, config: TrainConfig,
    on_message: Messages = lambda text: None, on_epoch=None, wait: bool = False, serve: bool = False,
    on_locked: Callable[[], None] = lambda: None, on_calibration_epoch=None,
) -> Embeddings:
    """Train and cache the embeddings; with `serve`, also make them the installation's default
    model. If the disk refuses them, raise NotSaved, which carries the embeddings: the default
    stays as it was.

    Only one run trains per cache directory at a time. Another is refused, or with `wait` (a model
    needed to serve at all) waits, then uses what the run it waited for saved if that was this model.
    `on_locked` is called once this run holds the cache; `on_calibration_epoch(epoch, epochs)`
    follows the second run that fits the score scale.
    """
    blocker = store.file_in_the_way(cache_dir)
    if blocker is not None:  # said now: no disk setting would let this run's model be saved after training
        raise RecsysError(f"No model can be saved in {Path(cache_dir)}: {blocker} is a file, not a folder. Move "
                          "that file, or choose another cache folder (--cache-dir, or RECSYS_CACHE_DIR for the app).")
    path = cache.cache_path(cache_dir, data_digest, config)
    with cache.training_lock(cache_dir, wait):
        on_locked()
        if wait:
            ready, _ = cache.load(path, catalogue.ids, data_digest, config)
            if ready is not None:
                return ready
        embeddings = train_model(catalogue, config, on_message, on_epoch, on_calibration_epoch)
        try:
            cache.save(path, embeddings, catalogue.ids, data_digest, config)
            if serve:
                cache.save_current_config(cache_dir, config)
        except OSError as err:
            raise NotSaved(f"Could not save the trained model in {Path(cache_dir)} ({err.strerror or err}).",
                           embeddings) from None
        on_message("Trained the model and saved it.")  # the cache path is a digest: no help to a person
    return embeddings


def train_model(catalogue: Catalogue, config: TrainConfig, on_message: Messages = lambda text: None,
                on_epoch=None, on_calibration_epoch=None) -> Embeddings:
    """The model, and its score scale fitted on a second run that has not seen a fifth of each
    playlist. Under torchrun every process runs both, as each training step needs them all."""
    # Imported here: torch is only imported when a model is actually trained.
    from recsys.train import train

    if config.holdout > 0:  # that share of each playlist's songs kept out, Recall@10 on them after each epoch
        task = held_out_task(catalogue, config)
        embeddings = train(task.split.train, config, on_epoch, task.song_recall if on_epoch else None)
    else:
        embeddings = train(catalogue, config, on_epoch)
    on_message("Fitting the score scale on playlist songs held out of a second training run…")
    return embeddings.with_calibration(held_out_calibration(catalogue, config, on_calibration_epoch))


def held_out_task(catalogue: Catalogue, config: TrainConfig):
    """The evaluation's task on `config.holdout` of each playlist's songs, held out with the model's seed."""
    from recsys.evaluation.evaluate import EvaluationTask
    from recsys.evaluation.split import holdout_split

    return EvaluationTask(catalogue, holdout_split(catalogue, config.seed, config.holdout), config.seed)
