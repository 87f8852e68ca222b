"""Entry point: page setup and navigation only."""

import streamlit as st

from pages import MENU

# No page or page_icon icons: Streamlit fetches a Material icon favicon from Google, and the app
# must make no request outside localhost. The menu's icons come with Streamlit's own font.
st.set_page_config(page_title="Song recommender", layout="wide")
st.navigation([st.Page(path, title=title, default=path == MENU[0][0]) for path, title, _ in MENU],
              position="hidden").run()  # each page draws the menu: see pages.menu
