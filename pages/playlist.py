"""Mini playlist page: collect a few songs, get ten songs that go with all of them, take the list away."""

import streamlit as st

from pages import escape_markdown, menu, model_picker, recommender
from pages.widgets import filter_controls, recommendation_list
from recsys.errors import RecsysError
from recsys.search import no_match_message

menu()
model_picker()
st.title(":material/queue_music: Build a mini playlist")
st.caption("Pick a few songs; the ten recommendations suit the whole set (their mean similarity to its songs).")
rec = recommender()
catalogue = rec.catalogue
# Songs are kept by track_id, so a set survives a change of model or a page switch; an id the data
# no longer holds is dropped.
stored = st.session_state.setdefault("seeds", [])
seeds = [track_id for track_id, i in zip(stored, catalogue.ids.track_index(stored)) if i >= 0]


def label(track_id: str) -> str:
    """Title, artist and album: one song is often on several albums."""
    song = catalogue.tracks.iloc[catalogue.ids.track_index([track_id])[0]]
    return f"{song.track_name} — {song.track_artist} · {song.track_album_name}"


def add(track_id: str) -> None:
    if track_id not in st.session_state["seeds"]:
        st.session_state["seeds"].append(track_id)
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
        st.button(f"＋ {escape_markdown(label(track_id))}", key=f"add-{track_id}", on_click=add, args=(track_id,),
                  disabled=track_id in seeds)

kept = st.multiselect("Songs in the set", seeds, default=seeds, format_func=label,
                      help="Remove a song with its ×.", placeholder="No songs yet: add some above")
if kept != seeds:
    st.session_state["seeds"] = kept
    st.rerun()
if not seeds:
    st.info("Add at least one song to get recommendations for the set.")
    st.stop()

tracks = catalogue.ids.track_index(seeds)
filters = filter_controls(rec, "playlist", "these songs")
table = rec.neighbours_table(tracks, k=10, filters=filters)
st.subheader(f"{len(table)} songs for a set of {len(seeds)}")
if table.empty:
    st.warning("No song passes these filters. Widen the genres or years, or allow more songs per artist.")
    st.stop()
recommendation_list(rec, tracks, table, "Mini playlist", key="playlist")
