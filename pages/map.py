"""Embedding map page: every song's vector placed on a 2-D map; click a song to explore it.

The map and the clicked song's panel are a fragment, so a click reruns only them. The big figure
is the same from click to click (the highlight is the close-up's), so Streamlit sends it once
and the browser keeps it: a click sends the close-up and the table, a few kB."""

import streamlit as st

from pages import (
    carried_state, current_song, data_digest, escape_markdown, in_demo, map_coordinates, map_figure, menu, model_picker,
    recommender, redraw_menu, show_song,
)
from pages.widgets import score_column
from recsys.map_charts import DEMO_MAP_CAPTION, MAP_COLOURS, PCA_AXES, TSNE_AXES, map_caption, map_closeup
from recsys.projection import PROJECTIONS, MapNotReady, map_sample
from recsys.words import plural

menu()
model_picker()
st.title(":material/scatter_plot: The embedding map")
rec = recommender()
catalogue = rec.catalogue
maps = {"pca": map_coordinates(data_digest(), rec.config, "pca", rec.embeddings.track)}
try:
    maps["tsne"] = map_coordinates(data_digest(), rec.config, "tsne", rec.embeddings.track)
except MapNotReady as pending:
    if pending.coming:
        st.info("A better map, one that keeps each song beside the songs the model finds closest, is being made "
                "in the background (about two minutes). This quicker one will do meanwhile; come back to see it.",
                icon=":material/hourglass_top:")
best = next(projection for projection in PROJECTIONS if projection in maps)
projection = best if in_demo() or len(maps) == 1 else st.segmented_control(
    "Projection", list(PROJECTIONS), format_func=PROJECTIONS.get, default=best, key="map-projection") or best
shown = map_sample(len(catalogue.tracks))
who = (f"All {plural(catalogue.report.tracks, 'song')}" if shown is None else
       f"A fixed random {len(shown):,} of the {plural(catalogue.report.tracks, 'song')}")
st.caption(DEMO_MAP_CAPTION if in_demo() else
           f"{who}, placed by the model's song vectors squeezed into two dimensions. "
           f"{map_caption(projection, maps.get('tsne', maps['pca']).kept, maps['pca'].variance)} "
           "Hover a point to see the song; click it to make it the current song.")
colour = st.segmented_control("Colour by", list(MAP_COLOURS), format_func=MAP_COLOURS.get, default="genre",
                              key="map-colour") or "genre"
axes = PCA_AXES if projection == "pca" and not in_demo() else TSNE_AXES
PANEL_COLUMNS = (1, 2)  # the close-up, and the neighbours' table beside it, wide enough for its five columns


def select_clicked_song(key: str) -> None:
    points = st.session_state[key]["selection"]["points"]
    if points:
        show_song(catalogue, int(points[0]["customdata"][0]))


@st.fragment
def explore(coords) -> None:
    """The map, and under it the current song with its ten neighbours: what a click redraws. The
    panel is written first, so it shows before Streamlit has serialised the (unchanged) map again."""
    redraw_menu()
    canvas = st.container()
    song_panel(coords)
    with canvas:
        figure = map_figure(data_digest(), rec.config, projection, colour, axes, coords, catalogue.tracks)
        st.plotly_chart(figure, key="map", on_select=lambda: select_clicked_song("map"), selection_mode="points")


def song_panel(coords) -> None:
    track = current_song(catalogue)
    if track is None:
        st.info("Click any point, or choose a song on the search page, to see it and its ten neighbours here.")
        return
    song, table = catalogue.tracks.iloc[track], rec.neighbours_table(track, k=10)
    st.subheader(f"{escape_markdown(song.track_name)} by {escape_markdown(song.track_artist)} and its ten neighbours")
    closeup, listing = st.columns(PANEL_COLUMNS)  # one above the other on a phone
    closeup.plotly_chart(map_closeup(coords, catalogue.tracks, track, table["track"].to_numpy()), key="map-closeup",
                         on_select=lambda: select_clicked_song("map-closeup"), selection_mode="points")
    listing.dataframe(table[["rank", "track_name", "track_artist", "genre", "score"]], hide_index=True,
                      column_config={"rank": "#", "track_name": "Title", "track_artist": "Artist", "genre": "Genre",
                                     "score": score_column(table["score"])})
    listing.page_link("pages/search.py", label="See why, and how they sound", icon=":material/search:",
                      query_params=carried_state() | {"track": song.track_id})


explore(maps[projection].coords)
