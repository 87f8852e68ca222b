"""recsys/explain.py: shared playlists, artist and album, the shortest path and the feature contrast
on tiny catalogues whose answers are known."""

import pytest

import recsys.explain
from recsys.explain import MAX_HOPS, Explainer, Step, knowledge_badge
from recsys.load import load_catalogue


@pytest.fixture
def explain(make_csv):
    """`explain(rows, "t0", "t1", ...)`: the explanations of t1, ... for the query t0."""

    def run(rows, query, *others):
        catalogue = load_catalogue(make_csv(rows))
        local = catalogue.ids.track_index([query, *others])
        return Explainer.build(catalogue).explain(int(local[0]), [int(t) for t in local[1:]])

    return run


def song(track_id: str, artist: str = "") -> Step:
    return Step("song", f"Song {track_id} — {artist or 'Artist ' + track_id}")


def kinds(path) -> list[str]:
    return [step.kind for step in path]


def test_songs_in_the_same_playlists_are_linked_through_the_first_one(explain):
    rows = [
        {"track_id": "t0", "playlist_id": "pB", "playlist_name": "Beta"},
        {"track_id": "t0", "playlist_id": "pA", "playlist_name": "Alpha"},
        {"track_id": "t1", "playlist_id": "pA", "playlist_name": "Alpha"},
        {"track_id": "t1", "playlist_id": "pB", "playlist_name": "Beta"},
    ]
    [why] = explain(rows, "t0", "t1")
    assert why.shared_playlists == ("Alpha", "Beta")  # sorted by name
    # Both paths are as short; "Beta" comes first in the file, so it has the lower node index.
    assert why.path == (song("t0"), Step("playlist", "Beta"), song("t1"))
    assert not why.same_artist and not why.same_album


def test_songs_by_one_artist_in_different_playlists_are_linked_through_the_artist(explain):
    rows = [
        {"track_id": "t0", "playlist_id": "pA", "playlist_genre": "rock", "track_artist": "Nina"},
        {"track_id": "t1", "playlist_id": "pB", "playlist_genre": "rap", "track_artist": "Nina"},
    ]
    [why] = explain(rows, "t0", "t1")
    assert why.path == (song("t0", "Nina"), Step("artist", "Nina"), song("t1", "Nina"))
    assert why.same_artist and not why.same_album and why.shared_playlists == ()


def test_an_album_is_its_name_and_artist_together(explain):
    rows = [
        {"track_id": "t0", "track_artist": "Nina", "track_album_name": "Blue"},
        {"track_id": "t1", "track_artist": "Nina", "track_album_name": "Blue"},
        {"track_id": "t2", "track_artist": "Joni", "track_album_name": "Blue"},
    ]
    same, other_artist = explain(rows, "t0", "t1", "t2")
    assert same.same_album and same.same_artist
    assert not other_artist.same_album and not other_artist.same_artist


def test_links_are_every_node_both_songs_touch_playlists_by_name_then_artist_and_album(explain):
    rows = [
        {"track_id": "t0", "playlist_id": "pB", "playlist_name": "Beta", "track_artist": "Nina", "track_album_name": "Blue"},
        {"track_id": "t0", "playlist_id": "pA", "playlist_name": "Alpha", "track_artist": "Nina", "track_album_name": "Blue"},
        {"track_id": "t0", "playlist_id": "pC", "playlist_name": "Gamma", "track_artist": "Nina", "track_album_name": "Blue"},
        {"track_id": "t1", "playlist_id": "pA", "playlist_name": "Alpha", "track_artist": "Nina", "track_album_name": "Blue"},
        {"track_id": "t1", "playlist_id": "pB", "playlist_name": "Beta", "track_artist": "Nina", "track_album_name": "Blue"},
        {"track_id": "t2", "playlist_id": "pC", "playlist_name": "Gamma", "track_artist": "Joni", "track_album_name": "Blue"},
    ]
    same, other_artist = explain(rows, "t0", "t1", "t2")
    assert same.links == (Step("playlist", "Alpha"), Step("playlist", "Beta"), Step("artist", "Nina"),
                          Step("album", "Blue"))  # Gamma holds only t0
    assert other_artist.links == (Step("playlist", "Gamma"),)  # Joni's "Blue" is another album
    assert same.shared_playlists == ("Alpha", "Beta") and other_artist.shared_playlists == ("Gamma",)


def test_songs_with_no_artist_are_linked_by_their_album_not_by_the_missing_artist(explain):
    rows = [
        {"track_id": "t0", "playlist_id": "", "track_artist": "", "track_album_name": "Blue"},
        {"track_id": "t1", "playlist_id": "", "track_artist": "", "track_album_name": "Blue"},
        {"track_id": "t2", "playlist_id": "", "track_artist": "", "track_album_name": "Red"},
    ]
    album, unrelated = explain(rows, "t0", "t1", "t2")
    assert album.path == (Step("song", "Song t0 — "), Step("album", "Blue"), Step("song", "Song t1 — "))
    assert album.same_album and not album.same_artist
    assert unrelated.path == () and not unrelated.same_artist


def test_playlists_of_one_genre_link_their_songs_in_four_hops(explain):
    rows = [
        {"track_id": "t0", "playlist_id": "pA", "playlist_name": "Late", "playlist_genre": "jazz"},
        {"track_id": "t1", "playlist_id": "pB", "playlist_name": "Early", "playlist_genre": "jazz"},
    ]
    [why] = explain(rows, "t0", "t1")
    assert why.path == (song("t0"), Step("playlist", "Late"), Step("genre", "jazz"),
                        Step("playlist", "Early"), song("t1"))


def test_a_song_in_no_playlist_with_its_own_artist_and_album_has_no_path(explain):
    rows = [{"track_id": "t0", "playlist_id": "pA"}, {"track_id": "t1", "playlist_id": ""}]
    [why] = explain(rows, "t0", "t1")
    assert why.path == () and why.shared_playlists == ()


def test_a_path_longer_than_max_hops_is_not_reported(explain):
    # t0 -pA- t1 -artist X- t2 -pB- t3 -artist Y- t4: t3 is 6 hops away, t4 is 8.
    rows = [
        {"track_id": "t0", "playlist_id": "pA", "playlist_genre": "g1"},
        {"track_id": "t1", "playlist_id": "pA", "playlist_genre": "g1", "track_artist": "X"},
        {"track_id": "t2", "playlist_id": "pB", "playlist_genre": "g2", "track_artist": "X"},
        {"track_id": "t3", "playlist_id": "pB", "playlist_genre": "g2", "track_artist": "Y"},
        {"track_id": "t4", "playlist_id": "", "track_artist": "Y"},
    ]
    near, far = explain(rows, "t0", "t3", "t4")
    assert MAX_HOPS == 6
    assert kinds(near.path) == ["song", "playlist", "song", "artist", "song", "playlist", "song"]
    assert far.path == ()


def test_one_search_gives_each_target_its_own_path(explain, monkeypatch):
    searches = []
    real = recsys.explain.bfs_parents
    monkeypatch.setattr(recsys.explain, "bfs_parents", lambda *a: searches.append(a) or real(*a))
    rows = [
        {"track_id": "t0", "playlist_id": "pA", "playlist_genre": "jazz", "track_artist": "Nina"},
        {"track_id": "t1", "playlist_id": "pA", "playlist_genre": "jazz"},
        {"track_id": "t2", "playlist_id": "pB", "playlist_genre": "rap", "track_artist": "Nina"},
        {"track_id": "t3", "playlist_id": "pC", "playlist_genre": "jazz"},
        {"track_id": "t4", "playlist_id": ""},
    ]
    paths = [why.path for why in explain(rows, "t0", "t3", "t1", "t4", "t2")]
    assert len(searches) == 1
    assert [kinds(p) for p in paths] == [
        ["song", "playlist", "genre", "playlist", "song"],
        ["song", "playlist", "song"],
        [],
        ["song", "artist", "song"],
    ]
    assert paths[0][-1] == song("t3") and paths[1][-1] == song("t1") and paths[3][-1] == song("t2", "Nina")


def test_agree_and_differ_are_judged_on_scaled_features_and_shown_in_raw_units(explain):
    # t2 only sets each feature's range. Scaled gaps t0–t1: acousticness 1, tempo 1, danceability
    # 0.9, energy 0.5, duration 0.1 (though 10,000 ms is the largest raw gap), loudness ≈ 0.01,
    # the rest 0.
    values = {
        "danceability": (0.0, 0.9, 1.0), "energy": (0.0, 0.5, 1.0), "acousticness": (0.1, 0.9, 0.1),
        "tempo": (100.0, 190.0, 100.0), "duration_ms": (200000, 210000, 300000), "loudness": (-7.0, -6.9, -17.0),
    }
    rows = [{"track_id": f"t{i}", **{name: v[i] for name, v in values.items()}} for i in range(3)]
    [why] = explain(rows, "t0", "t1")
    # Ties keep AUDIO_FEATURES order: speechiness, instrumentalness, liveness agree exactly; acousticness
    # before tempo. Key and mode are categories, never "closest" or "furthest", though they agree too.
    assert why.agree == (("speechiness", 0.05, 0.05), ("instrumentalness", 0.0, 0.0), ("liveness", 0.1, 0.1))
    assert why.differ == (("acousticness", 0.1, 0.9), ("tempo", 100.0, 190.0), ("danceability", 0.0, 0.9))


def test_a_playlist_without_a_name_is_labelled_by_its_id(explain):
    rows = [
        {"track_id": "t0", "playlist_id": "pA", "playlist_name": ""},
        {"track_id": "t1", "playlist_id": "pA", "playlist_name": ""},
    ]
    [why] = explain(rows, "t0", "t1")
    assert why.shared_playlists == ("pA",)
    assert why.path[1] == Step("playlist", "pA")


@pytest.mark.parametrize("count, badge", [
    (0, "new: audio features only"), (1, "in 1 playlist"), (2, "in 2 playlists"), (1234, "in 1,234 playlists"),
])
def test_the_knowledge_badge_says_how_much_the_graph_knows(count, badge):
    assert knowledge_badge(count) == badge
