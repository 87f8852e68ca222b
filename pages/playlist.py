"""Mini playlist page: collect a few songs, get ten songs that go with all of them, take the list away."""

import streamlit as st

from pages import escape_markdown, menu, model_picker, recommender
from pages.widgets import (
    add_to_set, feedback_summary, filter_controls, keep_in_set, recommendation_list, set_room, url_feedback, url_set,
    variety_slider,
)
from recsys.errors import RecsysError
from recsys.search import no_match_message
from recsys.words import plural

menu()
model_picker()
st.title(":material/queue_music: Build a mini playlist")
st.caption("Pick a few songs; the ten recommendations suit the whole set (their mean similarity to its songs). "
           "The set is in the page's link: share it, and it opens the same set and list.")
rec = recommender()
catalogue = rec.catalogue
# The set lives in the URL (`?set=`), by track_id: it survives a reload, a change of model and a
# page switch, and a link carries it to someone else.
seeds = url_set(rec)


def label(track_id: str) -> str:
    """Title, artist and album: one song is often on several albums."""
    song = catalogue.tracks.iloc[catalogue.ids.track_index([track_id])[0]]
    return f"{song.track_name} — {song.track_artist} · {song.track_album_name}"


def add(track_id: str) -> None:
    add_to_set(track_id)
    st.session_state["playlist-query"] = ""


query = st.text_input("Add a song", placeholder="title or artist, e.g. dance monkey", max_chars=200,
                      key="playlist-query")
if query.strip():
    try:
        found = rec.search(query)
        matches = found.tracks[:5]
        if not found.matched:
            st.warning(no_match_message(escape_markdown(query)) + " Did you mean one of these?")
            matches = rec.suggest(found)
    except RecsysError as err:
        st.warning(escape_markdown(str(err)))
        matches = []
    for track in matches:
        track_id = catalogue.tracks["track_id"].iat[int(track)]
        why_not = set_room(track_id)
        st.button(f"＋ {escape_markdown(label(track_id))}", key=f"add-{track_id}", on_click=add, args=(track_id,),
                  disabled=why_not is not None, help=why_not)

kept = st.multiselect("Songs in the set", seeds, default=seeds, format_func=label,
                      help="Remove a song with its ×.", placeholder="No songs yet: add some above")
if kept != seeds:
    keep_in_set(kept)
    st.rerun()
if not seeds:
    st.info("Add at least one song to get recommendations for the set.")
    st.stop()

tracks = catalogue.ids.track_index(seeds)
filters = filter_controls(rec, "playlist", "these songs")
feedback = url_feedback(rec, None, variety_slider("playlist"))
table = rec.neighbours_table(tracks, k=10, filters=filters, feedback=feedback)
st.subheader(f"{plural(len(table), 'song')} for a set of {len(seeds)}")
feedback_summary(rec, feedback)
if table.empty:
    st.warning("No song passes these filters. Widen the genres or years, or allow more songs per artist.")
    st.stop()
recommendation_list(rec, tracks, table, "Mini playlist", key="playlist", feedback=feedback)
