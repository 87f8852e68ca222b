"""Search page: find a song, see the ten songs most like it, why each was chosen, how they sound."""

import streamlit as st

from app_context import PICK, QUERY, SEARCH_STEP
from pages import current_song, demo_mode, escape_markdown, menu, show_song
from pages.widgets.choosing import PLAIN_ACCOUNT, about_the_model, ask, demo_songs, how_they_sound, search, which_song
from pages.widgets.recommendations import filter_controls, recommendation_list
from pages.widgets.refine import add_to_set, feedback_summary, set_room, song_actions, url_feedback, variety_slider
from pages.widgets.serving import model_picker, recommender
from recsys.picking import NEW_QUERY, PICKED, chosen_song, shown_pick
from recsys.words import plural

TYPING_PAUSE = "400ms"  # a page run costs a few hundred ms: wait for a real pause, not every letter

menu()
model_picker()
demo = demo_mode()
st.title(":material/headphones: Find songs like the one you love")
if demo:
    st.info(PLAIN_ACCOUNT)
# live: the box commits when typing pauses, so the song and its list follow as a person types
# and "did you mean" suggestions show while a word is half typed.
query = st.text_input("Song title or artist", placeholder="e.g. blinding lites, senorita, without me eminem",
                      max_chars=200, key=QUERY, on_change=ask, args=(NEW_QUERY,), live=TYPING_PAUSE)
rec = recommender()  # after the search box, so a person can type while the model loads
catalogue, report = rec.catalogue, rec.catalogue.report
if demo:
    demo_songs(rec)
else:
    st.caption(f"{plural(report.tracks, 'song')} from {plural(report.playlists, 'playlist')} · {rec.config.label}")
if report.repairs:  # the lines name columns of the file, which may hold markdown
    st.warning(escape_markdown("Data repaired while loading: " + "; ".join(report.lines()[1:]) + "."))

track = current_song(catalogue)
if query.strip():
    found = search(rec, query)
    options = [int(i) for i in found.tracks]
    track = chosen_song(track, options, st.session_state.pop(SEARCH_STEP, None), st.session_state.get(PICK))
    if track is not None:
        show_song(catalogue, track)
    st.session_state[PICK] = shown_pick(track, options)  # the list shows the song in the URL
    which_song(rec, found, on_change=lambda: ask(PICKED))
if track is None:
    st.info("Start typing a song title, an artist, or both." if not query.strip() else "Choose the song you meant.")
    st.stop()

song = catalogue.tracks.iloc[track]
filters = filter_controls(rec, "search", "the chosen song")
feedback = url_feedback(rec, track, variety_slider("search"))
table = rec.neighbours_table(track, k=10, filters=filters, feedback=feedback)
left, right = st.columns([3, 1.2], vertical_alignment="bottom")
left.subheader(f"{plural(len(table), 'song')} like {escape_markdown(song.track_name)} by "
               f"{escape_markdown(song.track_artist)}")
why_not = set_room(song.track_id)
right.button("Add to mini playlist", icon=":material/playlist_add:", on_click=add_to_set, args=(song.track_id,),
             disabled=why_not is not None,
             help=why_not or "Collect songs on the Mini playlist page (the link carries them)")
song_actions(rec, track, "chosen")
feedback_summary(rec, feedback)
if table.empty:
    st.warning("No song passes these filters. Widen the genres or years, or allow more songs per artist.")
    st.stop()
recommendation_list(rec, [track], table, f"Songs like {song.track_name}", key="search", feedback=feedback)
how_they_sound(rec, track, table)
if not demo:
    about_the_model(rec)
