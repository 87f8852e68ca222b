"""Parts several pages draw: the recommendation filters, the list of recommendations with its
downloads, and the evidence behind each recommendation.

A package, not a module beside the pages: Streamlit treats every .py file directly in pages/ as a
page of its own when a page is the first request after the server starts.
"""

import numpy as np
import pandas as pd
import streamlit as st

from pages import data_digest, escape_markdown, explainer
from recsys.charts import FEATURE_LABELS, format_feature
from recsys.explain import Explanation, knowledge_badge
from recsys.pipeline import Recommender
from recsys.recommend import PER_ALBUM, PER_ARTIST, Filters
from recsys.share import as_csv, as_m3u, score_decimals

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


def recommendation_list(rec: Recommender, seeds: list[int], table: pd.DataFrame, title: str, key: str) -> None:
    """The recommendations as a table, CSV and M3U downloads, and a "why" panel for each song."""
    shown = table.assign(known=table["playlist_count"].map(knowledge_badge),
                         release_year=table["release_year"].map(lambda year: "" if pd.isna(year) else f"{year:.0f}"))
    st.dataframe(
        # The score beside the title: on a phone the first three columns are all that fit.
        shown[["rank", "track_name", "score", "track_artist", "track_album_name", "release_year", "genre", "known"]],
        hide_index=True,
        column_config={
            "rank": st.column_config.NumberColumn("#", width=30),
            "track_name": st.column_config.TextColumn("Title", width=190),
            "track_artist": st.column_config.TextColumn("Artist", width=120),
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
    why_panels(rec, seeds, table)


def score_column(scores: pd.Series):
    """The score as a bar on 0–1 with as many decimals as tell the list's songs apart."""
    return st.column_config.ProgressColumn("Match", help=f"Match: {SCORE_MEANING}", format=f"%.{score_decimals(scores)}f",
                                           min_value=0.0, max_value=1.0, width=100)


def why_panels(rec: Recommender, seeds: list[int], table: pd.DataFrame) -> None:
    """One expander per recommendation with the evidence for it, against the seed it is closest to."""
    st.subheader("Why these songs")
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
            _evidence(rec, int(seed), evidence[seed, row.track], several=len(seeds) > 1)
            st.caption(_genre_line(rec, int(row.track)))


def _evidence(rec: Recommender, seed: int, evidence: Explanation, several: bool) -> None:
    seed_row = rec.catalogue.tracks.iloc[seed]
    seed_name = f"{seed_row.track_name} — {seed_row.track_artist}"
    lines = []
    if several:
        lines.append(f"Closest to **{escape_markdown(seed_name)}** of the songs asked about.")
    if evidence.shared_playlists:
        names = ", ".join(f"“{escape_markdown(name)}”" for name in evidence.shared_playlists[:5])
        more = len(evidence.shared_playlists) - 5
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
