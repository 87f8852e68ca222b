"""The recommendations as several pages draw them: the filters above, the list with its downloads,
and a "why" panel for each song with its evidence."""

import pandas as pd
import streamlit as st

import app_context
from pages import escape_markdown
from pages.widgets.refine import song_actions
from pages.widgets.serving import data_digest
from recsys.charts import FEATURE_LABELS, evidence_graph, format_feature
from recsys.evidence import list_evidence
from recsys.explain import PLAYLISTS_SHOWN, Explanation, knowledge_badge
from recsys.pipeline import Recommender
from recsys.recommend import PER_ALBUM, PER_ARTIST, Feedback, Filters
from recsys.share import as_csv, as_m3u, score_decimals

CAPS = [0, 1, 2, 3, 5]  # 0: no cap
SCORE_MEANING = ("the chance that a playlist holding the song you chose also holds this one, as measured on "
                 "playlist songs the model was not shown. Cosine similarity, the model's raw number, is in the CSV.")
# Material icons ship with Streamlit's own font; emoji would need a font the machine may not have.
KIND_ICONS = {"song": ":material/music_note:", "playlist": ":material/queue_music:", "artist": ":material/mic:",
              "album": ":material/album:", "genre": ":material/sell:"}


def filter_controls(rec: Recommender, key: str, chosen_name: str) -> Filters:
    """Filters in a collapsed expander; `chosen_name` names what is asked about ("the chosen song")."""
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
        exclude = right.checkbox(f"Leave out the artist of {chosen_name}", key=f"{key}-exclude")
    return Filters(genres=tuple(genres), years=span, per_artist=per_artist, per_album=per_album,
                   exclude_chosen_artists=exclude)


def _cap_label(cap: int) -> str:
    return "no cap" if cap == 0 else str(cap)


def recommendation_list(rec: Recommender, chosen: list[int], table: pd.DataFrame, title: str, key: str,
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
    why_panels(rec, chosen, table, key, feedback)


def score_column(scores: pd.Series):
    """The score as a bar on 0–1 with as many decimals as tell the list's songs apart."""
    return st.column_config.ProgressColumn("Match", help=f"Match: {SCORE_MEANING}", format=f"%.{score_decimals(scores)}f",
                                           min_value=0.0, max_value=1.0, width=100)


def why_panels(rec: Recommender, chosen: list[int], table: pd.DataFrame, key: str = "why",
               feedback: Feedback | None = None) -> None:
    """One expander per recommendation with the evidence for it, against the chosen song it is closest to,
    under its song_actions. Its graph is drawn once the panel is opened: ten plotly figures on
    every run cost more than the rest of the list."""
    st.subheader("Why these songs")
    st.caption(_panels_hint(rec, feedback is not None))
    explain = app_context.explainer(data_digest(), rec.catalogue)
    evidence = list_evidence(explain, rec.embeddings.track, chosen, table["track"].to_numpy())
    for row, (asked, found) in zip(table.itertuples(), evidence):
        song = escape_markdown(f"{row.track_name} — {row.track_artist}")  # labels read markdown
        label = f"#{row.rank} {song} · {knowledge_badge(row.playlist_count)}"
        with st.expander(label, key=f"{key}-open-{row.track}", on_change="rerun") as panel:
            song_actions(rec, int(row.track), f"{key}-{row.track}", feedback)
            _evidence(rec, asked, found, several=len(chosen) > 1, graph=panel.open)
            st.caption(_genre_line(rec, int(row.track)))


def _evidence(rec: Recommender, asked: int, evidence: Explanation, several: bool, graph: bool) -> None:
    """The evidence as text (what a screen reader reads), the link drawn as a graph (if `graph`),
    then the sound."""
    chosen_row = rec.catalogue.tracks.iloc[asked]
    chosen_name = f"{chosen_row.track_name} — {chosen_row.track_artist}"
    lines = []
    if several:
        lines.append(f"Closest to **{escape_markdown(chosen_name)}** of the songs asked about.")
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
    if graph and evidence.path:  # with no link there is nothing to draw
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


def _panels_hint(rec: Recommender, rates: bool) -> str:
    """What opening a panel offers besides the evidence."""
    offers = (["listen to it"] if rec.catalogue.spotify_ids else []) + (["ask for more or less like it"] if rates else [])
    return "Open a song to see the evidence" + (" or to " + " or ".join(offers) if offers else "") + "."
