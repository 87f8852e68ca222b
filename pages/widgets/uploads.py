"""The Data page's parts: what is served now and the choice of the default, and an upload that
checked out, with the button that serves it and the one that goes back."""

import streamlit as st

import app_context
from app_context import DATA_BEFORE
from pages import SHIPPED, escape_markdown, write_url
from pages.widgets.operator import operator_only
from pages.widgets.serving import cache_dir, data_name, data_path, data_report, default_data
from recsys import datasets
from recsys.config import DEFAULT_DATA
from recsys.errors import RecsysError


def served_now() -> None:
    """The served file's name and report; the way back to the shipped file, and (for the operator)
    making the served file everyone's default. With RECSYS_DATA set it says uploads are off, and stops."""
    st.subheader("Served now")
    try:
        st.text("\n".join([data_name(), *data_report()]))
    except RecsysError as err:
        st.error(escape_markdown(str(err)))
    if app_context.config().data is not None:
        st.info("This installation serves the file set in RECSYS_DATA; uploads are turned off.")
        st.stop()
    default_path, default_name = default_data()
    if data_path() != DEFAULT_DATA and st.button("Use the shipped data"):
        st.query_params["data"] = SHIPPED  # this session's link; a default upload stays the default
        st.rerun()
    if data_path() != default_path:
        st.caption(f"Everyone else is served {escape_markdown(default_name)}, the installation's default.")
        if operator_only("changing the default data") and st.button("Serve these songs to everyone by default"):
            make_default()


def make_default() -> None:
    """Make the served file the installation's default, then rerun with a link that need not name it."""
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


def use_upload(key: str) -> None:
    """Serve the checked upload `key` to this session (only links that carry it serve it),
    remembering what it served before. A callback: the whole run that follows shows the new file."""
    st.session_state[DATA_BEFORE] = (st.query_params.get("data"), data_name())
    write_url("data", key)


def go_back() -> None:
    write_url("data", st.session_state.pop(DATA_BEFORE)[0])


def offer_upload(name: str, key: str) -> None:
    """For an upload that checked out: "Use this data", or once it is used, a word and the way back."""
    if key == st.query_params.get("data"):  # chosen: say so, and offer the way back, in this same run
        st.success(f"Done: the search page now serves {escape_markdown(name)}.")
        if DATA_BEFORE in st.session_state:
            st.button(f"Go back to {escape_markdown(st.session_state[DATA_BEFORE][1])}", on_click=go_back)
        return
    st.button("Use this data", type="primary", on_click=use_upload, args=(key,))
