"""The menu every page draws, driven headless through AppTest: its links carry the song, demo mode
leaves the engineering out, and visitors get no developer menu."""

from pathlib import Path


def menu_links(app) -> dict[str, str]:
    """The sidebar menu's links: page title → the query string it carries."""
    return {link.proto.label: link.proto.query_string for link in app.sidebar.get("page_link")}


def test_after_a_search_the_menu_links_carry_the_song(shared_env):
    """Regression: the menu was drawn before the search set ?track=, so its links dropped the song
    and the map and the search page opened on nothing."""
    app = shared_env.open("pages/search.py", demo="1")
    assert set(menu_links(app).values()) == {"demo=1"}
    app.text_input[0].input("blinding lights").run()
    assert app.query_params["track"] == "t0"
    links = menu_links(app)
    assert links["Embedding map"] == links["Find similar songs"] == "track=t0&demo=1"


def test_demo_mode_hides_the_engineering(shared_env):
    app = shared_env.open()
    assert "Train the model" in menu_links(app) and app.sidebar.selectbox  # the model picker
    next(t for t in app.sidebar.toggle if t.label == "Demo mode").set_value(True).run()
    assert app.query_params["demo"] == "1"
    assert list(menu_links(app)) == ["Find similar songs", "Mini playlist", "Embedding map"]
    assert not app.sidebar.selectbox  # no model picker
    for page in ("pages/train.py", "pages/evaluation.py", "pages/data.py"):
        direct = shared_env.open(page, demo="1")
        assert "the demo leaves it out" in direct.info[0].value
        assert not direct.number_input and not direct.file_uploader and not direct.button


def test_config_toml_keeps_the_developer_menu_hidden():
    import tomllib

    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] == "viewer"
