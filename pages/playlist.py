"""Mini playlist page: collect a few songs, get ten songs that go with all of them, take the list away."""

from functools import partial

import streamlit as st

from app_context import PLAYLIST_QUERY
from pages import menu
from pages.widgets.choosing import add_buttons, song_label
from pages.widgets.recommendations import filter_controls, recommendation_list
from pages.widgets.refine import add_to_set, feedback_summary, keep_in_set, url_feedback, url_set, variety_slider
from pages.widgets.serving import model_picker, recommender
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
set_ids = url_set(rec)


def add(track_id: str) -> None:
    add_to_set(track_id)
    st.session_state[PLAYLIST_QUERY] = ""


query = st.text_input("Add a song", placeholder="title or artist, e.g. dance monkey", max_chars=200,
                      key=PLAYLIST_QUERY)
if query.strip():
    add_buttons(rec, query, on_add=add)

kept = st.multiselect("Songs in the set", set_ids, default=set_ids, format_func=partial(song_label, catalogue),
                      help="Remove a song with its ×.", placeholder="No songs yet: add some above")
if kept != set_ids:
    keep_in_set(kept)
    st.rerun()
if not set_ids:
    st.info("Add at least one song to get recommendations for the set.")
    st.stop()

tracks = catalogue.ids.track_index(set_ids)
filters = filter_controls(rec, "playlist", "these songs")
feedback = url_feedback(rec, None, variety_slider("playlist"))
table = rec.neighbours_table(tracks, k=10, filters=filters, feedback=feedback)
st.subheader(f"{plural(len(table), 'song')} for a set of {len(set_ids)}")
feedback_summary(rec, feedback)
if table.empty:
    st.warning("No song passes these filters. Widen the genres or years, or allow more songs per artist.")
    st.stop()
recommendation_list(rec, tracks, table, "Mini playlist", key="playlist", feedback=feedback)
