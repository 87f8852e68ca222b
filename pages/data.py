"""Data page: what is served now, bring your own songs file, or go back to the shipped one."""

import streamlit as st

from pages import escape_markdown, menu, not_in_demo
from pages.widgets.operator import operator_only
from pages.widgets.serving import cache_dir
from pages.widgets.uploads import offer_upload, served_now
from recsys import datasets
from recsys.config import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from recsys.errors import RecsysError

menu()
not_in_demo()
st.title(":material/upload_file: Your data")
st.caption("Recommend from your own playlists: upload a CSV shaped like the shipped Spotify file. It is "
           "checked first; the songs served now stay until you choose to use the new file. What you choose "
           "here is this session's, kept in its link: other visitors keep the default.")

served_now()

st.subheader("Upload a songs file")
if not operator_only("uploading a songs file"):
    st.stop()
limit = st.get_option("server.maxUploadSize")
upload = st.file_uploader(
    f"CSV, up to {limit} MB", type=["csv", "tsv", "txt"],
    help=f"Required columns: {', '.join(REQUIRED_COLUMNS)}. Used when present: {', '.join(OPTIONAL_COLUMNS)}. "
         "Commas, semicolons or tabs; UTF-8 or Latin-1.",
)
if upload is None:
    st.stop()
try:
    path, catalogue = datasets.check_upload(cache_dir(), upload.name, upload.getvalue())
except RecsysError as err:
    st.error(escape_markdown(str(err)))  # names from the file are shown, never interpreted
    st.stop()

st.success(f"{escape_markdown(upload.name)} can be used:")
st.text("\n".join(catalogue.report.lines()))
if catalogue.report.edges == 0:
    st.warning("No song in this file is in a playlist (every playlist_id is empty), so no model can learn "
               "from it. Add rows that place songs in playlists.")
    st.stop()
offer_upload(upload.name, path.stem)
