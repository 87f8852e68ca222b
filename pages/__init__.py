"""The menu every page draws and the URL state its links carry (the song, demo mode, the model
and data served, the likes, the variety, the set), and names from the data put into markdown.

It is the package init so that Streamlit's file-based page discovery never lists it as a page.
"""

import re

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app_context import MENU_SLOT, SHOWN_MESSAGES


# No page or page_icon icons: Streamlit fetches a Material icon favicon from Google, and the app
# must make no request outside localhost. The menu's icons come with Streamlit's own font.
PAGE_SETUP = {"page_title": "Song recommender", "layout": "wide"}

# The pages, in menu order: (file, title, icon). The first is the home page.
MENU = (
    ("pages/search.py", "Find similar songs", ":material/search:"),
    ("pages/playlist.py", "Mini playlist", ":material/queue_music:"),
    ("pages/map.py", "Embedding map", ":material/scatter_plot:"),
    ("pages/train.py", "Train the model", ":material/model_training:"),
    ("pages/evaluation.py", "Evaluation", ":material/leaderboard:"),
    ("pages/data.py", "Your data", ":material/upload_file:"),
)


def menu(by_fragment: bool = False) -> None:
    """The sidebar's page menu. Every page draws it, and Streamlit's own is off
    (client.showSidebarNavigation): a link straight to a page, as the first request after the
    server starts, runs that page without streamlit_app.py, and Streamlit would then list the
    files in pages/ instead.

    The links carry the URL's state (URL_STATE), so another page opens on the same song. They sit
    in a placeholder that write_url redraws: a page sets `?track=` after the menu is drawn (the
    search page, once the search has run), and often ends in st.stop(), after which nothing can
    be drawn, so the menu cannot wait for the end of the run.

    It sets the page up too, for the same reason: a page run without streamlit_app.py would
    otherwise be drawn narrow. `by_fragment`: the page's fragment draws the links (redraw_menu)."""
    st.set_page_config(**PAGE_SETUP)
    st.session_state[MENU_SLOT] = (this_run(), st.sidebar.empty(), by_fragment)
    _draw_menu()
    st.sidebar.divider()


def _draw_menu() -> None:
    """Fill the menu's placeholder with links that carry the URL's state as it is now."""
    run, slot, by_fragment = st.session_state.get(MENU_SLOT, (None, None, False))
    # Not from a callback, before this run's menu (the page draws it with the change), nor where a
    # fragment draws it (redraw_menu), which must then be its one writer: the same placeholder
    # filled twice in one run, once from inside a fragment, made the browser drop the whole page
    # now and then ("Cannot set a node at a delta path").
    if run is this_run() and not by_fragment:
        _fill_menu(slot)


def redraw_menu() -> None:
    """Draw the menu from a fragment (the map's), on its every run, for a page whose menu() was
    told so: a click reruns only the fragment, after the callback changed the URL, and the links
    must carry the change. Streamlit keeps a place for a fragment's writes outside it only if the
    full run made them too."""
    _, slot, by_fragment = st.session_state.get(MENU_SLOT, (None, None, False))
    if slot is not None and by_fragment:
        _fill_menu(slot)


def carried_state() -> dict[str, str]:
    """The URL's state (URL_STATE) as it is now: what every link the app draws carries."""
    return {name: st.query_params[name] for name in URL_STATE if name in st.query_params}


def _fill_menu(slot) -> None:
    carried = carried_state()
    with slot.container():
        for path, title, icon in MENU:
            if not (in_demo() and path in DEMO_HIDES):
                st.page_link(path, label=title, icon=icon, query_params=carried or None)


def this_run() -> dict:
    """An object that is new in every script run (its cursors, which Streamlit resets before callbacks)."""
    return get_script_run_ctx().cursors


def write_url(name: str, value: str | None) -> None:
    """Set (or, with None, remove) `?name=` and redraw the menu, so its links carry the change.
    URL state changes through here, never through st.query_params directly."""
    if st.query_params.get(name) == value:
        return
    if value is None:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = value
    _draw_menu()


# What demo mode leaves out of the menu: the engineering, not the songs.
DEMO_HIDES = ("pages/train.py", "pages/evaluation.py", "pages/data.py")


def in_demo() -> bool:
    """Whether the URL asks for demo mode (`?demo=1`)."""
    return st.query_params.get("demo") == "1"


def not_in_demo() -> None:
    """Stop a page demo mode hides (Train, Evaluation, Data) with a plain word and a way back."""
    if in_demo():
        st.info("This page is about how the app is built, so the demo leaves it out.")
        st.page_link(MENU[0][0], label="Back to " + MENU[0][1], icon=MENU[0][2], query_params=carried_state())
        st.stop()


# What a shared link keeps: the current song, demo mode, and the model and data this session
# serves (absent: the installation's default), so a link reproduces the view for someone else.
# The menu carries every name in it.
URL_STATE = ("track", "demo", "model", "data", "like", "dislike", "fewer", "variety", "set")
SHIPPED = "shipped"  # ?data=shipped: the shipped file, whatever the default


def current_song(catalogue) -> int | None:
    """The song in the URL (`?track=<track_id>`), so that a link opens the same view for someone
    else and the browser's back button returns to the song before; None if there is none."""
    track_id = st.query_params.get("track")
    if not track_id:
        return None
    index = int(catalogue.ids.track_index([track_id])[0])
    if index < 0:
        st.warning(f"The link names a song that is not in this catalogue (track_id "
                   f"“{escape_markdown(track_id[:60])}”). Search for it by title instead.")
        return None
    return index


def show_song(catalogue, track: int) -> None:
    """Make `track` the current song: it goes into the URL, which the browser keeps in its history."""
    write_url("track", catalogue.tracks["track_id"].iat[track])


def demo_mode() -> bool:
    """The sidebar's demo switch, kept in the URL (`?demo=1`) so a demo can be opened by a link."""
    # The switch flips the URL in its callback, before the run: the menu and the model picker,
    # drawn above it, then already follow it.
    on = st.sidebar.toggle("Demo mode", value=in_demo(), on_change=_flip_demo,
                           help="Famous songs one click away and a plain-language account of the model.")
    write_url("demo", "1" if on else None)
    return on


def _flip_demo() -> None:
    # A callback runs before the page, which then draws the menu afresh: no redraw here.
    if in_demo():
        del st.query_params["demo"]
    else:
        st.query_params["demo"] = "1"


# Streamlit's markdown links bare URLs, www. domains and e-mail addresses (GFM autolink literals) by
# matching the text after parsing, when backslash escapes and entities are already resolved, so
# neither stops it (tried in Chromium against Streamlit 1.67). An invisible word joiner where the
# autolinker needs two characters side by side does: in "://", after "www", before "@". A word
# joiner (U+2060) rather than a zero-width joiner (U+200D), which fuses emoji and shapes scripts.
AUTOLINK_JOINTS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """Show names from the data literally in markdown: a title like "**x**" is not bold, and one
    like "www.example.com" or "me@example.com" is not a link."""
    text = AUTOLINK_JOINTS.sub(WORD_JOINER, str(text))
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)


def notify(text: str) -> None:
    """Toast a message about the data or the cache (a model rebuilt, a damaged file set aside)
    once per browser session, not on every rerun."""
    seen = st.session_state.setdefault(SHOWN_MESSAGES, set())
    if text not in seen:
        seen.add(text)
        _toast(text)


def _toast(text: str) -> None:
    st.toast(escape_markdown(text))  # messages quote paths and file names


