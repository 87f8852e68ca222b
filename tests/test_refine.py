"""Refining a list (👍 / 👎, variety) and sharing a mini playlist by its link, driven through AppTest:
what the URL says is what the page shows, and the list is the one the Recommender ranks."""

import numpy as np
import pytest

from recsys.linkstate import MAX_SET
from recsys.pipeline import prepare
from tests.apptest import FAST


@pytest.fixture(scope="module")
def rec(shared_env):
    """The Recommender the app serves from shared_env: a 30-song, 3-playlist CSV and its model."""
    return prepare(shared_env.path, shared_env.cache_dir, FAST)


def index(rec, track_id: str) -> int:
    return int(rec.catalogue.ids.track_index([track_id])[0])


def expected(rec, chosen: list[str], like=(), dislike=(), variety=0.0) -> list[str]:
    """The titles Recommender.neighbours_table ranks for `chosen` with that feedback."""
    feedback, _ = rec.feedback(like, dislike, (), variety)
    tracks = [index(rec, t) for t in chosen]
    table = rec.neighbours_table(tracks if len(tracks) > 1 else tracks[0], k=10, feedback=feedback)
    return table["track_name"].tolist()


def shown(app) -> list[str]:
    return app.dataframe[0].value["track_name"].tolist()


def ids_of(rec, titles: list[str]) -> list[str]:
    tracks = rec.catalogue.tracks
    return [tracks["track_id"].iat[int(np.flatnonzero(tracks["track_name"] == title)[0])] for title in titles]


def warnings(app) -> str:
    return " ".join(w.value for w in app.warning)


def test_a_link_with_likes_and_dislikes_reproduces_the_refined_list(rec, shared_env):
    plain = ids_of(rec, expected(rec, ["t0"]))
    liked, disliked = plain[4], plain[0]
    app = shared_env.open("pages/search.py", track="t0", like=liked, dislike=disliked)
    assert not app.exception
    refined = expected(rec, ["t0"], like=[liked], dislike=[disliked])
    assert shown(app) == refined and len(refined) == 10
    assert f"Song {disliked}" not in shown(app)
    assert "Refined: 1 liked; 1 left out." in " ".join(c.value for c in app.caption)


def test_pressing_less_like_this_writes_the_dislike_and_removes_the_song(rec, shared_env):
    app = shared_env.open("pages/search.py", track="t0")
    first = ids_of(rec, shown(app))[0]
    app.button(key=f"search-{index(rec, first)}-dislike").click().run()
    assert not app.exception
    assert app.query_params["dislike"] == first
    assert f"Song {first}" not in shown(app) and shown(app) == expected(rec, ["t0"], dislike=[first])
    app.button(key="feedback-clear").click().run()  # undone: the plain list again
    assert "dislike" not in app.query_params and shown(app) == expected(rec, ["t0"])


def test_choosing_another_song_clears_the_feedback(rec, shared_env):
    app = shared_env.open("pages/search.py", track="t3")
    disliked = ids_of(rec, shown(app))[0]
    app.button(key=f"search-{index(rec, disliked)}-dislike").click().run()
    assert app.query_params["dislike"] == disliked
    app.text_input[0].input("blinding lights").run()
    assert not app.exception
    assert app.query_params["track"] == "t0" and "dislike" not in app.query_params
    assert shown(app) == expected(rec, ["t0"])


def test_a_bad_variety_in_the_link_warns_and_shows_the_plain_list(rec, shared_env):
    app = shared_env.open("pages/search.py", track="t0", variety="abc")
    assert not app.exception
    assert "variety “abc” is not a number from 0 to 1" in warnings(app)
    assert shown(app) == expected(rec, ["t0"]) and "variety" not in app.query_params


def test_a_set_link_opens_the_set_and_its_ten_songs(rec, shared_env):
    app = shared_env.open("pages/playlist.py", set="t0,t1")
    assert not app.exception
    assert app.multiselect[0].value == ["t0", "t1"]
    assert shown(app) == expected(rec, ["t0", "t1"]) and len(shown(app)) == 10
    assert not {"Blinding Lights", "Song t1"} & set(shown(app))
    app.multiselect[0].unselect("t1").run()  # removing a song takes it out of the link
    assert app.query_params["set"] == "t0" and shown(app) == expected(rec, ["t0"])


def test_a_set_link_naming_an_unknown_song_says_which_and_keeps_the_rest(rec, shared_env):
    app = shared_env.open("pages/playlist.py", set="t0,gone,t2")
    assert not app.exception
    assert "not in this catalogue (track_id “gone”)" in warnings(app)
    assert app.multiselect[0].value == ["t0", "t2"] and app.query_params["set"] == "t0,t2"
    assert len(shown(app)) == 10


def test_a_set_link_over_the_cap_warns_and_keeps_the_first(rec, shared_env):
    given = [f"t{i}" for i in range(MAX_SET + 2)]
    app = shared_env.open("pages/playlist.py", set=",".join(given))
    assert not app.exception
    assert f"holds {MAX_SET + 2} songs; a set holds at most {MAX_SET}, so it keeps the first {MAX_SET}" in warnings(app)
    assert app.multiselect[0].value == given[:MAX_SET] and app.query_params["set"] == ",".join(given[:MAX_SET])
    assert shown(app) == expected(rec, given[:MAX_SET])


def test_add_to_mini_playlist_puts_the_song_in_the_link_the_menu_carries(rec, shared_env):
    app = shared_env.open("pages/search.py", track="t0", set="t5")
    app.button(key=next(b.key for b in app.button if b.label == "Add to mini playlist")).click().run()
    assert not app.exception
    assert app.query_params["set"] == "t5,t0"
    assert next(b for b in app.button if b.label == "Add to mini playlist").disabled  # already in it
    links = {link.proto.label: link.proto.query_string for link in app.sidebar.get("page_link")}
    assert "set=t5%2Ct0" in links["Mini playlist"]


def test_the_mini_playlist_search_adds_to_the_link(rec, shared_env):
    app = shared_env.open("pages/playlist.py")
    assert "Add at least one song" in app.info[0].value
    app.text_input[0].input("blinding").run()
    app.button[0].click().run()
    assert not app.exception
    assert app.query_params["set"] == "t0" and len(shown(app)) == 10


def test_a_like_on_the_mini_playlist_refines_its_list(rec, shared_env):
    app = shared_env.open("pages/playlist.py", set="t0,t1")
    liked = ids_of(rec, shown(app))[3]
    app.button(key=f"playlist-{index(rec, liked)}-like").click().run()
    assert not app.exception
    assert app.query_params["like"] == liked
    assert shown(app) == expected(rec, ["t0", "t1"], like=[liked]) != expected(rec, ["t0", "t1"])


def test_variety_follows_the_link_from_page_to_page(rec, shared_env):
    app = shared_env.open("pages/search.py", track="t0")
    app.slider(key="search-variety").set_value(0.5).run()
    assert app.query_params["variety"] == "0.5"
    app.switch_page("pages/playlist.py")
    app.query_params["set"] = "t0,t1"
    app.run()
    assert app.slider(key="playlist-variety").value == 0.5
    app.slider(key="playlist-variety").set_value(0.2).run()
    assert shown(app) == expected(rec, ["t0", "t1"], variety=0.2)
    app.switch_page("pages/search.py").run()
    assert not app.exception
    assert app.slider(key="search-variety").value == 0.2 and app.query_params["variety"] == "0.2"
    assert shown(app) == expected(rec, ["t0"], variety=0.2)


def test_after_a_dislike_and_an_added_song_the_menu_links_carry_both(rec, shared_env):
    """The links carry what the URL holds as it changes: a 👎 and the set, not only the song."""
    app = shared_env.open("pages/search.py", track="t0")
    first = ids_of(rec, shown(app))[0]
    app.button(key=f"search-{index(rec, first)}-dislike").click().run()
    next(b for b in app.button if b.label == "Add to mini playlist").click().run()
    assert app.query_params["dislike"] == first and app.query_params["set"] == "t0"
    links = {link.proto.label: link.proto.query_string for link in app.sidebar.get("page_link")}
    assert f"dislike={first}" in links["Mini playlist"] and "set=t0" in links["Mini playlist"]
