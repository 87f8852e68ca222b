"""What a person does to one song or a list, kept in the URL: a song's Listen and 👍 / 👎 buttons,
the likes and dislikes (recsys.linkstate), the Variety slider, and the mini playlist's set."""

import streamlit as st

from app_context import FEEDBACK_SONG
from pages import escape_markdown, write_url
from recsys import linkstate
from recsys.linkstate import DISLIKE, FEWER, LIKE, MAX_SET, SET, VARIETY_STEP
from recsys.pipeline import Recommender
from recsys.recommend import MAX_FEEDBACK, VARIETY_RANGE, Feedback
from recsys.share import SPOTIFY_TRACK_URL

SPOTIFY_EMBED = "https://open.spotify.com/embed/track/"
PLAYER_HEIGHT = 80  # px: Spotify's compact embedded player


def song_actions(rec: Recommender, track: int, key: str, feedback: Feedback | None = None) -> None:
    """A row of buttons for one song: Listen and Open in Spotify (Spotify catalogues only; the
    player loads only once Listen is pressed), and with `feedback` 👍, 👎 and "fewer by this artist"."""
    track_id = str(rec.catalogue.tracks["track_id"].iat[track])
    playing = f"{key}-playing"
    with st.container(horizontal=True, gap="small"):
        if rec.catalogue.spotify_ids:
            on = st.session_state.get(playing, False)
            st.button("Hide player" if on else "Listen", key=f"{key}-listen", on_click=_flip, args=(playing,),
                      icon=":material/stop:" if on else ":material/play_arrow:",
                      help="Spotify's player for this song; it loads from open.spotify.com once pressed")
            st.link_button("Open in Spotify", SPOTIFY_TRACK_URL + track_id, icon=":material/open_in_new:")
        if feedback is not None:
            liked, disliked = track in feedback.liked, track in feedback.disliked
            for kind, label, icon, on in ((LIKE, "More like this", ":material/thumb_up:", liked),
                                          (DISLIKE, "Less like this", ":material/thumb_down:", disliked),
                                          (FEWER, "Fewer by this artist", ":material/person_off:",
                                           track in feedback.fewer_artists)):
                st.button(label, key=f"{key}-{kind}", icon=icon, type="primary" if on else "secondary",
                          on_click=_press, args=(kind, track_id),
                          help="Pressed again, undone" if on else FEEDBACK_HELP[kind])
    if rec.catalogue.spotify_ids and st.session_state.get(playing, False):
        st.iframe(SPOTIFY_EMBED + track_id, height=PLAYER_HEIGHT)  # a catalogue of Spotify ids only: no other text


FEEDBACK_HELP = {
    LIKE: "Re-rank the list towards this song too",
    DISLIKE: "Leave this song out and re-rank the list away from it",
    FEWER: "Leave this song and every other by its artist out",
}


def _flip(name: str) -> None:
    st.session_state[name] = not st.session_state.get(name, False)


def _url_ids(name: str) -> list[str]:
    """The track ids of `?name=a,b,…`, in order, repeats once."""
    return linkstate.track_ids(st.query_params.get(name))


def _press(kind: str, track_id: str) -> None:
    """👍 / 👎 / fewer pressed on a song (recsys.linkstate.press): into the URL, or out of it."""
    given = {name: _url_ids(name) for name in (LIKE, DISLIKE, FEWER)}
    for name, value in linkstate.press(given, kind, track_id).items():
        write_url(name, value)


def url_feedback(rec: Recommender, track: int | None, variety: float) -> Feedback:
    """The 👍 / 👎 of the URL (`?like=…&dislike=…&fewer=…`) for the chosen song `track` (None: the
    mini playlist's set), with `variety`. Choosing another song, or going between a song and the set,
    clears them; adding to the set keeps them. Ids no song has are named and left out."""
    track_id = SET if track is None else str(rec.catalogue.tracks["track_id"].iat[track])
    if st.session_state.get(FEEDBACK_SONG, track_id) != track_id:
        _clear_feedback()
    st.session_state[FEEDBACK_SONG] = track_id
    given = {name: _url_ids(name) for name in (LIKE, DISLIKE, FEWER)}
    feedback, unknown = rec.feedback(given[LIKE], given[DISLIKE], given[FEWER], variety)
    if unknown:
        st.warning(f"The link names songs not in this catalogue (track_id {_named(unknown)}); the list leaves them "
                   "out of its likes and dislikes.", icon=":material/link_off:")
    if any(len(ids) > MAX_FEEDBACK for ids in given.values()):
        st.warning(f"The link holds more than {MAX_FEEDBACK} songs of one kind; the list uses the first "
                   f"{MAX_FEEDBACK}.", icon=":material/warning:")
    return feedback


def _named(track_ids: list[str]) -> str:
    """The first few of a link's unknown track ids, quoted for markdown (a link may hold anything)."""
    quoted = ", ".join(f"“{escape_markdown(t[:40])}”" for t in track_ids[:5])
    return quoted + (" and more" if len(track_ids) > 5 else "")


def variety_slider(key: str) -> float:
    """The Variety slider, kept in the URL (`?variety=0.3`; absent: 0, the plain ranking)."""
    state = f"{key}-variety"
    # From the URL on every run, the one source of truth: the browser's Back button changes it under the slider.
    st.session_state[state] = _url_variety()
    low, high = VARIETY_RANGE
    return st.slider("Variety", low, high, step=VARIETY_STEP, key=state, on_change=_variety_to_url, args=(state,),
                     help="0: the songs most like the chosen one. Higher: each next song also as unlike those "
                          "above it as can be (maximal marginal relevance), trading some similarity for variety.")


def _url_variety() -> float:
    """`?variety=` as the slider takes it; 0 (with a word) if it is not a number in VARIETY_RANGE."""
    text = st.query_params.get("variety")
    value = linkstate.variety(text)
    if value is None:
        low, high = VARIETY_RANGE
        st.warning(f"The link's variety “{escape_markdown(text[:20])}” is not a number from {low:g} to {high:g}; "
                   "showing the plain ranking.")
        write_url("variety", None)
        return 0.0
    return value


def _variety_to_url(state: str) -> None:
    value = st.session_state[state]
    write_url("variety", f"{value:g}" if value else None)


def feedback_summary(rec: Recommender, feedback: Feedback) -> None:
    """What the list was refined by, and a button that undoes every 👍 / 👎."""
    if not feedback.moves_query and not feedback.fewer_artists and not feedback.variety:
        return
    parts = [f"{len(songs)} {what}" for songs, what in ((feedback.liked, "liked"), (feedback.disliked, "left out"),
                                                        (feedback.fewer_artists, "artists left out")) if songs]
    if feedback.variety:
        parts.append(f"variety {feedback.variety:g}, so the list is in the order variety chose and each Match is "
                     "still the song's own")
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.caption("Refined: " + "; ".join(parts) + ".")
    if feedback.moves_query or feedback.fewer_artists:
        right.button("Undo likes and dislikes", key="feedback-clear", icon=":material/restart_alt:", on_click=_clear_feedback)


def _clear_feedback() -> None:
    for name in (LIKE, DISLIKE, FEWER):
        write_url(name, None)


def url_set(rec: Recommender) -> list[str]:
    """The track ids of the set in the URL (`?set=…`), at most MAX_SET: ids no song has are named and
    dropped, songs past MAX_SET dropped with a word, and the URL then names what is kept."""
    given = _url_ids(SET)
    tracks = rec.catalogue.ids.track_index(given) if given else []
    unknown = [t for t, track in zip(given, tracks) if track < 0]
    known = [t for t, track in zip(given, tracks) if track >= 0]
    if unknown:
        st.warning(f"The link names songs not in this catalogue (track_id {_named(unknown)}); the set leaves them out.",
                   icon=":material/link_off:")
    if len(known) > MAX_SET:
        st.warning(f"The link's set holds {len(known)} songs; a set holds at most {MAX_SET}, so it keeps the first "
                   f"{MAX_SET}.", icon=":material/warning:")
    kept = known[:MAX_SET]
    write_url(SET, ",".join(kept) or None)
    return kept


def set_room(track_id: str) -> str | None:
    """Why `track_id` cannot join the URL's set (already in it, or the set full), or None if it can."""
    return linkstate.set_room(_url_ids(SET), track_id)


def add_to_set(track_id: str) -> None:
    """Add a song to the URL's set (a callback: the page then runs with it, its links carrying it)."""
    if set_room(track_id) is None:
        ids = [*_url_ids(SET), track_id]
        write_url(SET, ",".join(ids))
        st.toast(f"Added to the mini playlist ({len(ids)} songs).")


def keep_in_set(track_ids: list[str]) -> None:
    """Make the URL's set exactly `track_ids` (what is left after removing some)."""
    write_url(SET, ",".join(track_ids) or None)
