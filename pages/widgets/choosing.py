"""The search page's parts: what a search shows on its way to one song (a warning, "did you mean",
"Which song?"), the demo's famous songs, and how the chosen song and its list sound."""

from itertools import cycle

import streamlit as st

from app_context import PICK, QUERY, SEARCH_STEP
from pages import escape_markdown, show_song
from pages.widgets.refine import set_room
from recsys.charts import KEY_COLUMN, MODE_COLUMN, audio_radar, key_summary
from recsys.errors import RecsysError
from recsys.picking import NEW_QUERY, famous_songs
from recsys.search import Matches, no_match_message
from recsys.words import plural, short_title

PLAIN_ACCOUNT = """**What you are looking at.** The app learned from 471 real Spotify playlists which songs
people put together. It drew one big web: every song is linked to the playlists it is in, to its
artist and to its album, and playlists to their genre. A graph neural network then gave each song a
position in a space where songs that keep the same company sit close together. "Songs like this one"
are simply its nearest neighbours there. A new song that is in no playlist yet still gets a place,
from its artist, its album and how it sounds. Open any recommendation to see the evidence."""


def ask(step: str) -> None:
    """A callback of the search box (NEW_QUERY) or of "Which song?" (PICKED): what the run takes.
    A new query wins over a pick made in the same run."""
    if st.session_state.get(SEARCH_STEP) != NEW_QUERY:
        st.session_state[SEARCH_STEP] = step


def choose(catalogue, track: int) -> None:
    """Make `track` the song (a button's callback) and empty the box, which would name another."""
    show_song(catalogue, track)
    st.session_state[QUERY] = ""


def search(rec, query: str) -> Matches:
    """The songs matching `query`; a query that cannot be searched, or that matches nothing closely,
    stops the page with a word (and, for a weak match, the closest songs as buttons)."""
    try:
        found = rec.search(query, limit=10)
    except RecsysError as err:
        st.warning(escape_markdown(str(err)))
        st.stop()
    if not found.matched:  # a weak best match is not what the person meant: ask, and recommend nothing yet
        st.warning(no_match_message(escape_markdown(query)))
        did_you_mean(rec, found)
        st.stop()
    return found


def did_you_mean(rec, found: Matches) -> None:
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


def which_song(rec, found: Matches, on_change) -> None:
    """"Which song?": the search's matches by title, artist and album, showing the chosen one."""
    labels = rec.describe(found.tracks)
    names = {int(i): f"{r.track_name} — {r.track_artist} · {r.track_album_name}"
             for i, r in zip(found.tracks, labels.itertuples())}
    st.selectbox("Which song?", options=list(names), format_func=names.get, key=PICK, on_change=on_change,
                 placeholder="Choose one of the matching songs")


def demo_songs(rec) -> None:
    """The demo's famous songs the catalogue holds, as buttons in rows of four (titles stay readable)."""
    st.caption("Try a famous song:")
    for column, track in zip(cycle(st.columns(4)), famous_songs(rec.search)):
        song = rec.catalogue.tracks.iloc[track]
        column.button(escape_markdown(short_title(song.track_name)), key=f"demo-{track}", on_click=choose,
                      args=(rec.catalogue, track), help=escape_markdown(f"{song.track_name} — {song.track_artist}"),
                      width="stretch")


def how_they_sound(rec, track: int, table) -> None:
    """The chosen song's sound beside its list's mean (or one song of it): a radar, then key and mode."""
    st.subheader("How they sound")
    song = rec.catalogue.tracks.iloc[track]
    choices = {-1: f"The {plural(len(table), 'recommendation')} (mean)"} | {
        int(r.track): f"#{r.rank} {r.track_name} — {r.track_artist}" for r in table.itertuples()
    }
    compare = st.selectbox("Compare the chosen song with", options=list(choices), format_func=choices.get,
                           key="compare")
    others = table["track"].tolist() if compare == -1 else [compare]
    series = [(song.track_name, *rec.feature_profile([track])), (choices[compare], *rec.feature_profile(others))]
    st.plotly_chart(audio_radar(series), key="radar")
    st.caption("Each audio feature is scaled to 0–1 across the whole catalogue; hover for the real value. "
               "Key and mode are categories, not amounts, so they are counted below instead of drawn.")
    raw = rec.catalogue.features_raw  # (T, 12) in AUDIO_FEATURES order
    keys = [f"- **{escape_markdown(name)}**: {key_summary(raw[songs, KEY_COLUMN], raw[songs, MODE_COLUMN])}"
            for name, songs in ((song.track_name, [track]), (choices[compare], others))]
    st.markdown("\n".join(keys))


def song_label(catalogue, track_id: str) -> str:
    """Title, artist and album: one song is often on several albums."""
    song = catalogue.tracks.iloc[catalogue.ids.track_index([track_id])[0]]
    return f"{song.track_name} — {song.track_artist} · {song.track_album_name}"


def add_buttons(rec, query: str, on_add) -> None:
    """The best five matches of `query` (or, for a weak match, the closest songs) as ＋ buttons that
    call `on_add(track_id)`; a song the set cannot take is shown disabled, saying why."""
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
        track_id = rec.catalogue.tracks["track_id"].iat[int(track)]
        why_not = set_room(track_id)
        st.button(f"＋ {escape_markdown(song_label(rec.catalogue, track_id))}", key=f"add-{track_id}", on_click=on_add,
                  args=(track_id,), disabled=why_not is not None, help=why_not)


def about_the_model(rec) -> None:
    """The data's load report and the settings the served model used, collapsed."""
    with st.expander("About the data and the model"):
        st.text("\n".join(rec.catalogue.report.lines()))
        st.json(rec.config.settings_used())
