"""Entry point: navigation only; each page sets itself up and draws the menu (pages.menu)."""

import streamlit as st

from pages import MENU

st.navigation([st.Page(path, title=title, default=path == MENU[0][0]) for path, title, _ in MENU],
              position="hidden").run()
