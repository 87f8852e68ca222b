"""Embedding map page: every song's vector projected to two dimensions; click a song to explore it."""

import streamlit as st

from pages import (
    current_song, data_digest, escape_markdown, map_coordinates, menu, model_picker, recommender, show_song,
)
from pages.widgets import score_column
from recsys.charts import MAP_COLOURS, embedding_map
from recsys.projection import map_sample

menu()
model_picker()
st.title(":material/scatter_plot: The embedding map")
rec = recommender()
catalogue = rec.catalogue
coordinates, kept = map_coordinates(data_digest(), rec.config, rec.embeddings.track)
shown = map_sample(len(catalogue.tracks))
who = (f"All {catalogue.report.tracks:,} songs" if shown is None else
       f"A fixed random {len(shown):,} of the {catalogue.report.tracks:,} songs (the current song and its "
       "neighbours are always drawn)")
st.caption(
    f"{who}, placed by the model's song vectors squeezed into two dimensions "
    f"(principal component analysis; the two axes keep {kept:.0%} of the vectors' variation, so songs the model "
    "finds alike can still land apart here). Hover a point to see the song; click it to make it the current song."
)


def select_clicked_song() -> None:
    points = st.session_state["map"]["selection"]["points"]
    if points:
        show_song(catalogue, int(points[0]["customdata"][0]))


track = current_song(catalogue)
colour = st.segmented_control("Colour by", list(MAP_COLOURS), format_func=MAP_COLOURS.get, default="genre",
                              key="map-colour") or "genre"
table = rec.neighbours_table(track, k=10) if track is not None else None
neighbours = table["track"].to_numpy() if table is not None else []
figure = embedding_map(coordinates, catalogue.tracks, colour, track, neighbours, shown)
st.plotly_chart(figure, key="map", on_select=select_clicked_song, selection_mode="points")
if track is None:
    st.info("Click any point, or choose a song on the search page, to see it and its ten neighbours here.")
    st.stop()

song = catalogue.tracks.iloc[track]
st.subheader(f"{escape_markdown(song.track_name)} by {escape_markdown(song.track_artist)} and its ten neighbours")
st.dataframe(table[["rank", "track_name", "track_artist", "genre", "score"]], hide_index=True,
             column_config={"rank": "#", "track_name": "Title", "track_artist": "Artist", "genre": "Genre",
                            "score": score_column(table["score"])})
st.page_link("pages/search.py", label="See why, and how they sound", icon=":material/search:",
             query_params={"track": song.track_id})
