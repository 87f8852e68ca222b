"""Search page: find a song, see the ten songs most like it, why each was chosen, how they sound."""

from itertools import cycle

import streamlit as st

from pages import current_song, demo_mode, escape_markdown, menu, model_picker, recommender, show_song
from pages.widgets import (
    add_to_set, feedback_summary, filter_controls, recommendation_list, set_room, song_actions, url_feedback,
    variety_slider,
)
from recsys.charts import KEY_COLUMN, MODE_COLUMN, audio_radar, key_summary
from recsys.errors import RecsysError
from recsys.search import no_match_message
from recsys.words import plural, short_title

TYPING_PAUSE = "400ms"  # a page run costs a few hundred ms: wait for a real pause, not every letter

# Well-known songs for demos, as search queries: those the catalogue holds are offered.
DEMO_QUERIES = ("blinding lights the weeknd", "shape of you ed sheeran", "bohemian rhapsody queen",
                "billie jean michael jackson", "smells like teen spirit nirvana", "despacito luis fonsi",
                "lose yourself eminem", "bad guy billie eilish")
PLAIN_ACCOUNT = """**What you are looking at.** The app learned from 471 real Spotify playlists which songs
people put together. It drew one big web: every song is linked to the playlists it is in, to its
artist and to its album, and playlists to their genre. A graph neural network then gave each song a
position in a space where songs that keep the same company sit close together. "Songs like this one"
are simply its nearest neighbours there. A new song that is in no playlist yet still gets a place,
from its artist, its album and how it sounds. Open any recommendation to see the evidence."""


def ask_for_best_match() -> None:
    st.session_state["take_best_match"] = True  # a new query: its best match becomes the song


def ask_for_pick() -> None:
    st.session_state["take_pick"] = True


def choose(catalogue, track: int) -> None:
    show_song(catalogue, track)
    st.session_state["query"] = ""  # the box would otherwise name another song


def did_you_mean(rec, found) -> None:
    """The closest songs of a weak search as buttons: one press makes it the song."""
    suggestions = rec.suggest(found)
    if len(suggestions) == 0:
        st.caption("Try part of the title or the artist's name.")
        return
    st.caption("Did you mean")
    for track in map(int, suggestions):
        song = rec.catalogue.tracks.iloc[track]
        st.button(escape_markdown(f"{song.track_name} — {song.track_artist}"), key=f"suggest-{track}",
                  on_click=choose, args=(rec.catalogue, track))


menu()
model_picker()
demo = demo_mode()
st.title(":material/headphones: Find songs like the one you love")
if demo:
    st.info(PLAIN_ACCOUNT)
# live: the box commits when typing pauses, so the song and its list follow as a person types
# and "did you mean" suggestions show while a word is half typed.
query = st.text_input("Song title or artist", placeholder="e.g. blinding lites, senorita, without me eminem",
                      max_chars=200, key="query", on_change=ask_for_best_match, live=TYPING_PAUSE)
rec = recommender()  # after the search box, so a person can type while the model loads
catalogue, report = rec.catalogue, rec.catalogue.report
if demo:
    famous = [int(found.tracks[0]) for found in (rec.search(q, limit=1) for q in DEMO_QUERIES) if found.matched]
    st.caption("Try a famous song:")
    for column, track in zip(cycle(st.columns(4)), famous):  # rows of four: titles stay readable
        song = catalogue.tracks.iloc[track]
        column.button(escape_markdown(short_title(song.track_name)), key=f"demo-{track}", on_click=choose,
                      args=(catalogue, track), help=escape_markdown(f"{song.track_name} — {song.track_artist}"),
                      width="stretch")
else:
    st.caption(f"{plural(report.tracks, 'song')} from {plural(report.playlists, 'playlist')} · {rec.config.label}")
if report.repairs:
    # The lines name columns of the file, which may hold markdown.
    st.warning(escape_markdown("Data repaired while loading: " + "; ".join(report.lines()[1:]) + "."))

track = current_song(catalogue)
if query.strip():
    try:
        found = rec.search(query, limit=10)
    except RecsysError as err:
        st.warning(escape_markdown(str(err)))
        st.stop()
    if not found.matched:  # a weak best match is not what the person meant: ask, and recommend nothing yet
        st.warning(no_match_message(escape_markdown(query)))
        did_you_mean(rec, found)
        st.stop()
    options = [int(i) for i in found.tracks]
    if st.session_state.pop("take_best_match", False):
        track = options[0]
    elif st.session_state.pop("take_pick", False) and st.session_state.get("pick") in options:
        track = st.session_state["pick"]
    if track is not None:
        show_song(catalogue, track)
    st.session_state["pick"] = track if track in options else None  # the list shows the song in the URL
    labels = rec.describe(found.tracks)
    names = {i: f"{r.track_name} — {r.track_artist} · {r.track_album_name}" for i, r in zip(options, labels.itertuples())}
    st.selectbox("Which song?", options=options, format_func=names.get, key="pick", on_change=ask_for_pick,
                 placeholder="Choose one of the matching songs")
if track is None:
    st.info("Start typing a song title, an artist, or both." if not query.strip() else "Choose the song you meant.")
    st.stop()

song = catalogue.tracks.iloc[track]
filters = filter_controls(rec, "search", "the chosen song")
feedback = url_feedback(rec, track, variety_slider("search"))
table = rec.neighbours_table(track, k=10, filters=filters, feedback=feedback)
heading = f"{plural(len(table), 'song')} like {escape_markdown(song.track_name)} by {escape_markdown(song.track_artist)}"
left, right = st.columns([3, 1.2], vertical_alignment="bottom")
left.subheader(heading)
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

st.subheader("How they sound")
choices = {-1: f"The {plural(len(table), 'recommendation')} (mean)"} | {
    int(r.track): f"#{r.rank} {r.track_name} — {r.track_artist}" for r in table.itertuples()
}
compare = st.selectbox("Compare the chosen song with", options=list(choices), format_func=choices.get, key="compare")
others = table["track"].tolist() if compare == -1 else [compare]
series = [(song.track_name, *rec.feature_profile([track])), (choices[compare], *rec.feature_profile(others))]
st.plotly_chart(audio_radar(series), key="radar")
st.caption("Each audio feature is scaled to 0–1 across the whole catalogue; hover for the real value. "
           "Key and mode are categories, not amounts, so they are counted below instead of drawn.")
raw = rec.catalogue.features_raw  # (T, 12) in AUDIO_FEATURES order
keys = [f"- **{escape_markdown(name)}**: {key_summary(raw[songs, KEY_COLUMN], raw[songs, MODE_COLUMN])}"
        for name, songs in ((song.track_name, [track]), (choices[compare], others))]
st.markdown("\n".join(keys))

if not demo:
    with st.expander("About the data and the model"):
        st.text("\n".join(rec.catalogue.report.lines()))
        st.json(rec.config.settings_used())
