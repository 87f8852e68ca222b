"""The lists a shared link carries (`?like=`, `?dislike=`, `?fewer=`, `?set=`, `?variety=`), read
and changed as plain values; the app keeps them in the URL."""

from recsys.recommend import MAX_FEEDBACK, VARIETY_RANGE

LIKE, DISLIKE, FEWER = "like", "dislike", "fewer"  # URL parameters, each comma-separated track ids
SET = "set"  # the mini playlist: its songs' track ids, comma-separated, in the order added
# A link names the whole set: 25 ids of 22 characters stay near 600 characters of URL, well inside what
# chat apps and browsers keep, and a set's list (the mean of its songs) blurs long before 25.
MAX_SET = 25
VARIETY_STEP = 0.1


def track_ids(text: str | None) -> list[str]:
    """The track ids of a comma-separated parameter, in order, repeats once, blanks left out."""
    return list(dict.fromkeys(t for t in (text or "").split(",") if t.strip()))


def press(given: dict[str, list[str]], kind: str, track_id: str) -> dict[str, str | None]:
    """The like / dislike / fewer parameters after `kind` is pressed on `track_id` (`given`: each
    one's ids now): in that list and out of the others; pressed again, out of all. "Fewer by this
    artist" dislikes the song too. Each keeps its latest MAX_FEEDBACK, as a link takes the first
    MAX_FEEDBACK; None: the parameter goes."""
    lists = {name: [t for t in given.get(name, []) if t != track_id] for name in (LIKE, DISLIKE, FEWER)}
    if track_id not in given.get(kind, []):
        lists[kind].append(track_id)
        if kind == FEWER:
            lists[DISLIKE].append(track_id)
    return {name: ",".join(ids[-MAX_FEEDBACK:]) or None for name, ids in lists.items()}


def set_room(ids: list[str], track_id: str) -> str | None:
    """Why `track_id` cannot join the set `ids` (already in it, or the set full), or None if it can."""
    if track_id in ids:
        return "Already in the mini playlist"
    return f"The mini playlist holds at most {MAX_SET} songs" if len(ids) >= MAX_SET else None


def variety(text: str | None) -> float | None:
    """`?variety=` as a number in VARIETY_RANGE on the slider's steps (absent: 0), or None if it is not one."""
    if text is None:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        return None
    low, high = VARIETY_RANGE
    if not low <= value <= high:  # NaN too
        return None
    return round(round(value / VARIETY_STEP) * VARIETY_STEP, 1)
