"""Data page: what is served now, bring your own songs file, or go back to the shipped one."""

import os

import streamlit as st

from pages import (SHIPPED, cache_dir, data_name, data_path, data_report, default_data, escape_markdown, menu,
                   not_in_demo, operator_only, write_url)
from recsys import datasets
from recsys.config import DEFAULT_DATA, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from recsys.errors import RecsysError

BEFORE = "data-before"  # session state: (?data= value, name) of what was served before "Use this data"


def use_upload(key: str) -> None:
    """Serve the checked upload `key` to this session (only links that carry it serve it),
    remembering what it served before. A callback: the whole run that follows shows the new file."""
    st.session_state[BEFORE] = (st.query_params.get("data"), data_name())
    write_url("data", key)


def go_back() -> None:
    write_url("data", st.session_state.pop(BEFORE)[0])


menu()
not_in_demo()
st.title(":material/upload_file: Your data")
st.caption("Recommend from your own playlists: upload a CSV shaped like the shipped Spotify file. It is "
           "checked first; the songs served now stay until you choose to use the new file. What you choose "
           "here is this session's, kept in its link: other visitors keep the default.")

st.subheader("Served now")
try:
    st.text("\n".join([data_name(), *data_report()]))
except RecsysError as err:
    st.error(escape_markdown(str(err)))
if os.environ.get("RECSYS_DATA"):
    st.info("This installation serves the file set in RECSYS_DATA; uploads are turned off.")
    st.stop()
default_path, default_name = default_data()
if data_path() != DEFAULT_DATA and st.button("Use the shipped data"):
    st.query_params["data"] = SHIPPED  # this session's link; a default upload stays the default
    st.rerun()
if data_path() != default_path:
    st.caption(f"Everyone else is served {escape_markdown(default_name)}, the installation's default.")
    if operator_only("changing the default data") and st.button("Serve these songs to everyone by default"):
        try:
            if data_path() == DEFAULT_DATA:
                datasets.use_shipped(cache_dir())
            else:
                datasets.use_upload(cache_dir(), data_path(), data_name())
        except OSError as err:
            st.error(f"Cannot change the default: {escape_markdown(err.strerror or str(err))}. The cache folder "
                     f"{escape_markdown(str(cache_dir()))} must be writable.")
            st.stop()
        st.query_params.pop("data", None)  # the default now, so the link need not name it
        st.rerun()

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
if path.stem == st.query_params.get("data"):  # chosen: say so, and offer the way back, in this same run
    st.success(f"Done: the search page now serves {escape_markdown(upload.name)}.")
    if BEFORE in st.session_state:
        st.button(f"Go back to {escape_markdown(st.session_state[BEFORE][1])}", on_click=go_back)
    st.stop()
st.button("Use this data", type="primary", on_click=use_upload, args=(path.stem,))
