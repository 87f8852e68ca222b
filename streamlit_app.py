"""Entry point: page setup and navigation only."""

import streamlit as st

from pages import MENU

# No page_icon: Streamlit fetches Material favicons from Google, and the app must work offline.
st.set_page_config(page_title="Song recommender", layout="wide")
st.navigation([st.Page(path, title=title, icon=icon, default=path == MENU[0][0]) for path, title, icon in MENU],
              position="hidden").run()  # each page draws the menu: see pages.menu
