"""Embedding map page: every song's vector placed on a 2-D map; click a song to explore it.

The map and the clicked song's panel are a fragment, so a click reruns only them. The map is the
same from click to click (the highlight is the close-up's), so Streamlit sends it once and the
browser keeps it: a click sends the close-up and the table, a few kB."""

import streamlit as st

from app_context import map_payload
from pages import in_demo, menu, redraw_menu
from pages.widgets.mapping import ready_maps, song_map, song_panel
from pages.widgets.serving import model_path, model_picker, recommender
from recsys.map_charts import DEMO_MAP_CAPTION, MAP_COLOURS, NO_AXES, PCA_AXES, map_caption
from recsys.projection import PROJECTIONS, map_sample
from recsys.words import plural

menu(by_fragment=True)  # the map's fragment draws the links, on every click
model_picker()
st.title(":material/scatter_plot: The embedding map")
rec = recommender()
catalogue = rec.catalogue
maps = ready_maps(rec)
best = next(iter(maps))
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
axes = PCA_AXES if projection == "pca" and not in_demo() else NO_AXES


@st.fragment
def explore(coords) -> None:
    """The map, and under it the current song with its ten neighbours: what a click redraws. The
    panel is written first, so it shows before Streamlit has serialised the (unchanged) map again."""
    redraw_menu()
    canvas = st.container()
    song_panel(rec, coords)
    with canvas:
        song_map(rec, map_payload(model_path(rec.config), projection, colour, axes, coords, catalogue.tracks))


explore(maps[projection].coords)
