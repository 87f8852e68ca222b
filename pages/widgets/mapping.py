"""The map page's parts: the maps of the served model that are ready, the map itself (a canvas,
song_map.js) and the current song's panel under it (its close-up and its ten neighbours)."""

from pathlib import Path

import streamlit as st

from app_context import map_coordinates
from pages import carried_state, current_song, escape_markdown, show_song
from pages.widgets.recommendations import score_column
from pages.widgets.serving import model_path
from recsys.map_charts import map_closeup
from recsys.projection import PROJECTIONS, MapNotReady

PANEL_COLUMNS = (1, 2)  # the close-up, and the neighbours' table beside it, wide enough for its five columns


def ready_maps(rec) -> dict:
    """The served model's maps by projection, best first: PCA always, t-SNE once it is stored (until
    then, a word that it is being made)."""
    path = model_path(rec.config)
    maps = {"pca": map_coordinates(path, "pca", rec.embeddings.track)}
    try:
        maps["tsne"] = map_coordinates(path, "tsne", rec.embeddings.track)
    except MapNotReady as pending:
        if pending.coming:
            st.info("A better map, one that keeps each song beside the songs the model finds closest, is being "
                    "made in the background (about two minutes). This quicker one will do meanwhile; come back "
                    "to see it.", icon=":material/hourglass_top:")
    return {projection: maps[projection] for projection in PROJECTIONS if projection in maps}


# Drawn in the browser on a 2-D canvas, not in plotly's WebGL: without a GPU, plotly spent 0.1-0.35 s
# of a click redrawing 28k points before the click even left the page; the canvas finds the song in
# a few milliseconds and draws nothing until the map changes.
SONG_MAP = st.components.v2.component(
    "song_map", js=(Path(__file__).parent / "song_map.js").read_text(),
    css=(Path(__file__).parent / "song_map.css").read_text(), isolate_styles=False)


def song_map(rec, payload: str, key: str = "map") -> None:
    """The map of every song from `payload` (app_context.map_payload); a click on a song makes it current."""
    SONG_MAP(data=payload, key=key, on_clicked_change=lambda: _show_clicked(rec, key))


def _show_clicked(rec, key: str) -> None:
    """The song clicked on the canvas map `key` (a callback) becomes the current song."""
    clicked = st.session_state[key]["clicked"]
    if clicked is not None:
        show_song(rec.catalogue, int(clicked))


def select_clicked_song(rec, key: str) -> None:
    """A click on chart `key` (a callback): the song of the point clicked becomes the current song."""
    points = st.session_state[key]["selection"]["points"]
    if points:
        show_song(rec.catalogue, int(points[0]["customdata"][0]))


def song_panel(rec, coords) -> None:
    """The current song's close-up on the map beside its ten neighbours, or how to choose one."""
    catalogue = rec.catalogue
    track = current_song(catalogue)
    if track is None:
        st.info("Click any point, or choose a song on the search page, to see it and its ten neighbours here.")
        return
    song, table = catalogue.tracks.iloc[track], rec.neighbours_table(track, k=10)
    st.subheader(f"{escape_markdown(song.track_name)} by {escape_markdown(song.track_artist)} and its ten neighbours")
    closeup, listing = st.columns(PANEL_COLUMNS)  # one above the other on a phone
    closeup.plotly_chart(map_closeup(coords, catalogue.tracks, track, table["track"].to_numpy()), key="map-closeup",
                         on_select=lambda: select_clicked_song(rec, "map-closeup"), selection_mode="points")
    listing.dataframe(table[["rank", "track_name", "track_artist", "genre", "score"]], hide_index=True,
                      column_config={"rank": "#", "track_name": "Title", "track_artist": "Artist", "genre": "Genre",
                                     "score": score_column(table["score"])})
    listing.page_link("pages/search.py", label="See why, and how they sound", icon=":material/search:",
                      query_params=carried_state() | {"track": song.track_id})
