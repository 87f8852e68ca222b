"""The Mini playlist page, driven headless through AppTest: a set from a link, songs added from its
search, and suggestions when nothing matches."""


def test_a_mini_playlist_gets_ten_songs_for_the_whole_set(shared_env):
    app = shared_env.open("pages/playlist.py", set="t0,t1,gone")  # "gone": a song no longer in the data is dropped
    assert not app.exception
    assert app.multiselect[0].value == ["t0", "t1"]
    table = app.dataframe[0].value
    assert len(table) == 10 and not {"Blinding Lights", "Song t1"} & set(table["track_name"])
    app.multiselect[0].unselect("t1").run()
    assert app.query_params["set"] == "t0"


def test_songs_are_added_to_the_mini_playlist_from_the_search(shared_env):
    app = shared_env.open("pages/playlist.py")
    assert "Add at least one song" in app.info[0].value
    app.text_input[0].input("blinding").run()
    app.button[0].click().run()
    assert app.query_params["set"] == "t0"


def test_the_mini_playlist_search_offers_suggestions_when_nothing_matches(shared_env):
    app = shared_env.open("pages/playlist.py")
    app.text_input[0].input("blinding lxxxxx").run()
    assert app.warning[0].value == "No close match for “blinding lxxxxx”. Did you mean one of these?"
    assert app.button[0].label.startswith("＋ Blinding Lights — The Weeknd")
    app.button[0].click().run()
    assert app.query_params["set"] == "t0"
