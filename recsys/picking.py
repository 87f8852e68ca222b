"""Which song the search page is about: the steps from what was typed and picked to one song, and
the famous songs a demo offers."""

from collections.abc import Callable, Sequence

from recsys.search import Matches

NEW_QUERY, PICKED = "new-query", "picked"  # what the search box's last change asked for

# Well-known songs for demos, as search queries: those the catalogue holds are offered.
DEMO_QUERIES = ("blinding lights the weeknd", "shape of you ed sheeran", "bohemian rhapsody queen",
                "billie jean michael jackson", "smells like teen spirit nirvana", "despacito luis fonsi",
                "lose yourself eminem", "bad guy billie eilish")


def chosen_song(current: int | None, options: Sequence[int], asked: str | None, picked: int | None) -> int | None:
    """The song after a search run: a new query's best match, the song picked from its matches
    (if it is one of them), else the song already chosen (`current`, from the link)."""
    if asked == NEW_QUERY and len(options):
        return int(options[0])
    if asked == PICKED and picked in options:
        return picked
    return current


def shown_pick(song: int | None, options: Sequence[int]) -> int | None:
    """What "Which song?" shows: the chosen song if the search matched it, else nothing."""
    return song if song in options else None


def famous_songs(search: Callable[..., Matches], queries: Sequence[str] = DEMO_QUERIES) -> list[int]:
    """The local indices of the demo's famous songs that `search` (a Recommender's) finds closely."""
    found = (search(query, limit=1) for query in queries)
    return [int(match.tracks[0]) for match in found if match.matched]
