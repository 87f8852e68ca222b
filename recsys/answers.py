"""Recommendation requests answered as JSON, for `recommend --json` and `--batch`: a song found by
a query, or a set of songs by track id; a request that cannot be answered gets the message a
person would see instead."""

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from recsys.errors import RecsysError
from recsys.pipeline import Recommender
from recsys.recommend import Feedback, Filters
from recsys.search import Matches, no_match_message

MAX_CHOSEN = 100  # track ids in one set of a batch line
SHOWN_UNKNOWN = 5  # unknown track ids an error names
SONG_FIELDS = {  # a song's field in a JSON answer → its column in the track table
    "track_id": "track_id", "title": "track_name", "artist": "track_artist", "album": "track_album_name",
    "genre": "genre", "year": "release_year",
}
CHOSEN_FIELDS = ("track_id", "title", "artist")


def read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 JSON-lines file, or a RecsysError saying why it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RecsysError(f"Batch file {path} not found; give the path of a JSON-lines file.") from None
    except UnicodeDecodeError:
        raise RecsysError(f"Batch file {path} is not UTF-8 text; save it as UTF-8 JSON lines.") from None
    except OSError as err:
        raise RecsysError(f"Cannot read batch file {path}: {err.strerror or err}.") from None
    # Split on newlines only: str.splitlines also breaks at U+2028, which JSON strings may hold.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines[-1] == "" else lines


def answer_line(recommender: Recommender, songs: "Songs", line: str, k: int, filters: Filters) -> dict:
    """One output line for one input line: its answer, or {"input", "error"} with the message a person would see."""
    try:
        request = json.loads(line)
    except json.JSONDecodeError as err:
        return {"input": line, "error": f"Not JSON ({err.msg}, column {err.colno}); write one object a line, "
                                        'e.g. {"query": "title artist"}.'}
    try:
        return answer(recommender, songs, request, k, filters)
    except RecsysError as err:
        return {"input": request, "error": str(err)}


def answer(recommender: Recommender, songs: "Songs", request, k: int, filters: Filters,
           feedback: Feedback = Feedback()) -> dict:
    """{"input", "seeds", "recommendations"} for a parsed request {"query": …} or {"track_ids": […]}, the
    list neighbours_table gives (refined by `feedback`, which a "feedback" field then shows); a
    RecsysError for a request that cannot be answered."""
    chosen = _chosen(recommender, request)
    # ranked() is neighbours_table's list without the table, which would cost a batch line as much again.
    ranked = zip(*(column.tolist() for column in recommender.ranked(chosen, k, filters, feedback)))
    reply = {
        "input": request,
        "seeds": [songs.shown(song, CHOSEN_FIELDS) for song in chosen],  # the songs asked about; the name scripts read
        "recommendations": [{"rank": rank, **songs.shown(track), "score": round(chance, 4), "cosine": round(cosine, 4)}
                            for rank, (track, chance, cosine) in enumerate(ranked, start=1)],
    }
    if feedback != Feedback():
        reply["feedback"] = feedback_shown(songs, feedback)
    return reply


def feedback_shown(songs: "Songs", feedback: Feedback) -> dict:
    """The feedback a list was refined by, songs as track ids."""
    ids = songs.columns["track_id"]
    return {"like": [ids[t] for t in feedback.liked], "dislike": [ids[t] for t in feedback.disliked],
            "fewer_by_artist_of": [ids[t] for t in feedback.fewer_artists], "variety": feedback.variety}


@dataclass(frozen=True)
class Songs:
    """The track table's SONG_FIELDS as Python lists, read once: a batch line then looks its songs up for free."""

    columns: dict[str, list]  # field → one JSON value per local track index

    @classmethod
    def of(cls, tracks: pd.DataFrame) -> "Songs":
        columns = {field: tracks[column].tolist() for field, column in SONG_FIELDS.items()}
        years = tracks["release_year"]
        columns["year"] = years.astype("Int64").astype(object).where(years.notna(), None).tolist()
        return cls(columns)

    def shown(self, track: int, fields=tuple(SONG_FIELDS)) -> dict:
        return {field: self.columns[field][track] for field in fields}


def _chosen(recommender: Recommender, request) -> list[int]:
    """The local track indices a request asks about: the song a query finds best, or a set of ids."""
    if not isinstance(request, dict):
        raise RecsysError('Each line must be a JSON object: {"query": "title artist"} or {"track_ids": ["…"]}.')
    if ("query" in request) == ("track_ids" in request):
        both = "query" in request
        raise RecsysError(f'Give {"either" if both else "one of"} "query" (a title and/or artist) or "track_ids" '
                          f'(a list of track ids){", not both" if both else ""}.')
    if "query" in request:
        return [match(recommender, request["query"])]
    return _known_tracks(recommender, request["track_ids"])


def match(recommender: Recommender, query) -> int:
    """The local index of the song `query` finds best; a RecsysError, with suggestions, if none is close."""
    if not isinstance(query, str):
        raise RecsysError('"query" must be text: part of a title and/or an artist\'s name.')
    found = recommender.search(query)
    if not found.matched:
        raise RecsysError(no_match_message(query) + _did_you_mean(recommender, found))
    return int(found.tracks[0])


def _did_you_mean(recommender: Recommender, found: Matches) -> str:
    songs = recommender.describe(recommender.suggest(found))
    named = "; ".join(f"“{song.track_name}” by {song.track_artist}" for song in songs.itertuples())
    return f" Did you mean {named}?" if named else " Try part of the title or the artist's name."


def _known_tracks(recommender: Recommender, track_ids) -> list[int]:
    """The local indices of a set of track ids (repeats dropped), or a RecsysError naming what is wrong."""
    if not isinstance(track_ids, list) or not track_ids or not all(isinstance(t, str) for t in track_ids):
        raise RecsysError('"track_ids" must be a non-empty list of track ids, each a string.')
    if len(track_ids) > MAX_CHOSEN:
        raise RecsysError(f"A set holds at most {MAX_CHOSEN} track ids; this one has {len(track_ids):,}.")
    track_ids = list(dict.fromkeys(track_ids))
    tracks = recommender.catalogue.ids.track_index(track_ids)
    unknown = [track_id for track_id, track in zip(track_ids, tracks) if track < 0]
    if unknown:
        more = len(unknown) - SHOWN_UNKNOWN
        named = ", ".join(unknown[:SHOWN_UNKNOWN]) + (f" and {more} more" if more > 0 else "")
        raise RecsysError(f"No song has the track id{'s' * (len(unknown) > 1)} {named}; "
                          "check them against the songs file.")
    return tracks.tolist()
