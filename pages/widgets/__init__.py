"""Parts several pages draw: the recommendation filters, the list of recommendations with its
downloads, the evidence behind each recommendation, a song's Listen and 👍 / 👎 buttons, and the
URL state they keep (the likes and dislikes, the Variety, the mini playlist's set).

A package, not a module beside the pages: Streamlit treats every .py file directly in pages/ as a
page of its own when a page is the first request after the server starts.
"""

import numpy as np
import pandas as pd
import streamlit as st

from pages import data_digest, escape_markdown, explainer, write_url
from recsys.charts import FEATURE_LABELS, evidence_graph, format_feature
from recsys.explain import PLAYLISTS_SHOWN, Explanation, knowledge_badge
from recsys.pipeline import Recommender
from recsys.recommend import MAX_FEEDBACK, PER_ALBUM, PER_ARTIST, VARIETY_RANGE, Feedback, Filters
from recsys.share import SPOTIFY_TRACK_URL, as_csv, as_m3u, score_decimals

CAPS = [0, 1, 2, 3, 5]  # 0: no cap
SCORE_MEANING = ("the chance that a playlist holding the song you chose also holds this one, as measured on "
                 "playlist songs the model was not shown. Cosine similarity, the model's raw number, is in the CSV.")
# Material icons ship with Streamlit's own font; emoji would need a font the machine may not have.
KIND_ICONS = {"song": ":material/music_note:", "playlist": ":material/queue_music:", "artist": ":material/mic:",
              "album": ":material/album:", "genre": ":material/sell:"}


def filter_controls(rec: Recommender, key: str, seeds: str) -> Filters:
    """Filters in a collapsed expander; `seeds` names what is asked about ("the chosen song")."""
    tracks = rec.catalogue.tracks
    years = tracks["release_year"].dropna()
    with st.expander("Filters: genre, years, songs per artist and album"):
        left, right = st.columns(2)
        genres = left.multiselect("Genres", rec.catalogue.genre_names, key=f"{key}-genres", placeholder="any genre",
                                  help="A song counts as any genre of the playlists it is in.")
        caps = left.columns(2)
        per_artist = caps[0].selectbox("Songs per artist, at most", CAPS, index=CAPS.index(PER_ARTIST),
                                       format_func=_cap_label, key=f"{key}-per-artist",
                                       help="Fewer songs by one artist make a more varied list.")
        per_album = caps[1].selectbox("Songs per album, at most", CAPS, index=CAPS.index(PER_ALBUM),
                                      format_func=_cap_label, key=f"{key}-per-album",
                                      help="Albums often hold songs the model cannot tell apart.")
        span = None
        if len(years) and years.min() < years.max():
            low, high = int(years.min()), int(years.max())
            chosen = right.slider("Released", low, high, (low, high), key=f"{key}-years",
                                  help="Narrowing the years leaves out songs whose release year is unknown.")
            span = chosen if chosen != (low, high) else None
        exclude = right.checkbox(f"Leave out the artist of {seeds}", key=f"{key}-exclude")
    return Filters(genres=tuple(genres), years=span, per_artist=per_artist, per_album=per_album,
                   exclude_seed_artists=exclude)


def _cap_label(cap: int) -> str:
    return "no cap" if cap == 0 else str(cap)


def recommendation_list(rec: Recommender, seeds: list[int], table: pd.DataFrame, title: str, key: str,
                        feedback: Feedback | None = None) -> None:
    """The recommendations as a table, CSV and M3U downloads, and a "why" panel for each song;
    with `feedback` (the list's, from url_feedback) each panel offers 👍 / 👎 too."""
    shown = table.assign(known=table["playlist_count"].map(knowledge_badge),
                         release_year=table["release_year"].map(lambda year: "" if pd.isna(year) else f"{year:.0f}"))
    st.dataframe(
        # Rank, title, artist and score first and narrow enough (350 px) to fit a 390 px phone unscrolled.
        shown[["rank", "track_name", "track_artist", "score", "track_album_name", "release_year", "genre", "known"]],
        hide_index=True,
        column_config={
            "rank": st.column_config.NumberColumn("#", width=30),
            "track_name": st.column_config.TextColumn("Title", width=120),
            "track_artist": st.column_config.TextColumn("Artist", width=100),
            "track_album_name": st.column_config.TextColumn("Album", width=130),
            "release_year": st.column_config.TextColumn("Year", width=50),
            "genre": st.column_config.TextColumn("Genre", width=60),
            "known": st.column_config.TextColumn(
                "Model knows it from", width=120, help="How many playlists the song is in; a new song is placed by its sound, "
                                            "artist and album alone"),
            "score": score_column(table["score"]),
        },
    )
    st.caption(f"Match: {SCORE_MEANING}")
    durations = rec.catalogue.features_raw[table["track"].to_numpy(), -1]  # duration_ms is the last feature
    left, right, _ = st.columns([1, 1.4, 2.6])
    file_name = _file_name(title)
    left.download_button("Download CSV", as_csv(table), f"{file_name}.csv", "text/csv", key=f"{key}-csv",
                         icon=":material/download:")
    right.download_button("Download M3U playlist", as_m3u(table, durations, title), f"{file_name}.m3u",
                          "audio/x-mpegurl", key=f"{key}-m3u", icon=":material/queue_music:")
    why_panels(rec, seeds, table, key, feedback)


def score_column(scores: pd.Series):
    """The score as a bar on 0–1 with as many decimals as tell the list's songs apart."""
    return st.column_config.ProgressColumn("Match", help=f"Match: {SCORE_MEANING}", format=f"%.{score_decimals(scores)}f",
                                           min_value=0.0, max_value=1.0, width=100)


def why_panels(rec: Recommender, seeds: list[int], table: pd.DataFrame, key: str = "why",
               feedback: Feedback | None = None) -> None:
    """One expander per recommendation with the evidence for it, against the seed it is closest to,
    under its song_actions."""
    st.subheader("Why these songs")
    st.caption(_panels_hint(rec, feedback is not None))
    others = table["track"].to_numpy()
    unit = rec.embeddings.track
    closest_seed = np.asarray(seeds)[np.argmax(unit[others] @ unit[seeds].T, axis=1)]  # (k,)
    explain = explainer(data_digest(), rec.catalogue)
    evidence = {}  # (seed, song) → Explanation, from one graph search per seed
    for seed in np.unique(closest_seed):
        songs = others[closest_seed == seed]
        evidence |= {(seed, song): e for song, e in zip(songs, explain.explain(int(seed), songs))}
    for row, seed in zip(table.itertuples(), closest_seed):
        song = escape_markdown(f"{row.track_name} — {row.track_artist}")  # labels read markdown
        label = f"#{row.rank} {song} · {knowledge_badge(row.playlist_count)}"
        with st.expander(label):
            song_actions(rec, int(row.track), f"{key}-{row.track}", feedback)
            _evidence(rec, int(seed), evidence[seed, row.track], several=len(seeds) > 1)
            st.caption(_genre_line(rec, int(row.track)))


def _evidence(rec: Recommender, seed: int, evidence: Explanation, several: bool) -> None:
    """The evidence as text (what a screen reader reads), the link drawn as a graph, then the sound."""
    seed_row = rec.catalogue.tracks.iloc[seed]
    seed_name = f"{seed_row.track_name} — {seed_row.track_artist}"
    lines = []
    if several:
        lines.append(f"Closest to **{escape_markdown(seed_name)}** of the songs asked about.")
    if evidence.shared_playlists:
        names = ", ".join(f"“{escape_markdown(name)}”" for name in evidence.shared_playlists[:PLAYLISTS_SHOWN])
        more = len(evidence.shared_playlists) - PLAYLISTS_SHOWN
        lines.append(f"In {len(evidence.shared_playlists)} of the same playlists: {names}"
                     + (f" and {more} more" if more > 0 else "") + ".")
    if evidence.same_album:
        lines.append("On the same album.")
    elif evidence.same_artist:
        lines.append("By the same artist.")
    if evidence.path:
        lines.append("Shortest link in the graph: " + " → ".join(
            f"{KIND_ICONS[step.kind]} {escape_markdown(step.label)}" for step in evidence.path))
    else:
        lines.append("No short link in the graph: the model places it by sound and by the company its "
                     "artist keeps.")
    st.markdown("\n".join(f"- {line}" for line in lines))
    if evidence.path:  # with no link there is nothing to draw
        st.plotly_chart(evidence_graph(evidence), config={"displayModeBar": False})
    st.markdown(_feature_sentence("Sound alike in", evidence.agree) + "  \n"
                + _feature_sentence("Differ most in", evidence.differ))


def _genre_line(rec: Recommender, track: int) -> str:
    """Every genre of the song's playlists with how many, or where its genre came from instead."""
    counts = rec.catalogue.genre_counts(track)
    if counts:
        return "Playlist genres: " + " · ".join(f"{escape_markdown(name)} {n}" for name, n in counts) + "."
    song = rec.catalogue.tracks.iloc[track]
    if song.genre_inferred:
        return f"Genre {escape_markdown(song.genre)}, inferred from the artist's other songs (it is in no playlist)."
    return "Genre unknown: no playlist or other song by the artist says."


def _feature_sentence(lead: str, features) -> str:
    parts = [f"{FEATURE_LABELS[name].lower()} ({format_feature(name, a)} vs {format_feature(name, b)})"
             for name, a, b in features]
    return f"{lead}: " + ", ".join(parts) + "."


def _file_name(title: str) -> str:
    """A safe file name from a title: letters, digits and dashes only."""
    return "-".join("".join(c if c.isalnum() else " " for c in title).split())[:80] or "recommendations"


SPOTIFY_EMBED = "https://open.spotify.com/embed/track/"
PLAYER_HEIGHT = 80  # px: Spotify's compact embedded player
LIKE, DISLIKE, FEWER = "like", "dislike", "fewer"  # URL parameters, each comma-separated track ids
FEEDBACK_SONG = "feedback-song"  # session state: the track_id the URL's 👍 / 👎 were given for
VARIETY_STEP = 0.1


def _panels_hint(rec: Recommender, rates: bool) -> str:
    """What opening a panel offers besides the evidence."""
    offers = (["listen to it"] if rec.catalogue.spotify_ids else []) + (["ask for more or less like it"] if rates else [])
    return "Open a song to see the evidence" + (" or to " + " or ".join(offers) if offers else "") + "."


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
    return list(dict.fromkeys(t for t in st.query_params.get(name, "").split(",") if t.strip()))


def _press(kind: str, track_id: str) -> None:
    """👍 / 👎 / fewer pressed on a song: into the URL (out of the others); pressed again, out.
    "Fewer by this artist" dislikes the song too, and undoing the 👎 undoes it."""
    given = {name: [t for t in _url_ids(name) if t != track_id] for name in (LIKE, DISLIKE, FEWER)}
    if track_id not in _url_ids(kind):
        given[kind].append(track_id)
        if kind == FEWER:
            given[DISLIKE].append(track_id)
    for name, ids in given.items():
        write_url(name, ",".join(ids[-MAX_FEEDBACK:]) or None)  # the latest, as the link takes the first MAX_FEEDBACK


def url_feedback(rec: Recommender, track: int | None, variety: float) -> Feedback:
    """The 👍 / 👎 of the URL (`?like=…&dislike=…&fewer=…`) for the chosen song `track` (None: the
    mini playlist's set), with `variety`. Choosing another song, or going between a song and the set,
    clears them; adding to the set keeps them. Ids no song has are named and left out."""
    track_id = SET if track is None else str(rec.catalogue.tracks["track_id"].iat[track])
    if st.session_state.get(FEEDBACK_SONG, track_id) != track_id:
        for name in (LIKE, DISLIKE, FEWER):
            write_url(name, None)
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
    """`?variety=` as a number in VARIETY_RANGE on the slider's steps; 0 (with a word) if it is not one."""
    text = st.query_params.get("variety")
    if text is None:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    low, high = VARIETY_RANGE
    if not low <= value <= high:
        st.warning(f"The link's variety “{escape_markdown(text[:20])}” is not a number from {low:g} to {high:g}; "
                   "showing the plain ranking.")
        write_url("variety", None)
        return 0.0
    return round(round(value / VARIETY_STEP) * VARIETY_STEP, 1)


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


SET = "set"  # URL parameter of the mini playlist: its songs' track ids, comma-separated, in the order added
# A link names the whole set: 25 ids of 22 characters stay near 600 characters of URL, well inside what
# chat apps and browsers keep, and a set's list (the mean of its songs) blurs long before 25.
MAX_SET = 25


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
    ids = _url_ids(SET)
    if track_id in ids:
        return "Already in the mini playlist"
    return f"The mini playlist holds at most {MAX_SET} songs" if len(ids) >= MAX_SET else None


def add_to_set(track_id: str) -> None:
    """Add a song to the URL's set (a callback: the page then runs with it, its links carrying it)."""
    if set_room(track_id) is None:
        ids = [*_url_ids(SET), track_id]
        write_url(SET, ",".join(ids))
        st.toast(f"Added to the mini playlist ({len(ids)} songs).")


def keep_in_set(track_ids: list[str]) -> None:
    """Make the URL's set exactly `track_ids` (what is left after removing some)."""
    write_url(SET, ",".join(track_ids) or None)
