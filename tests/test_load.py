"""recsys/load.py: the real data file's traps, each reproduced in a tiny CSV."""

import gzip
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from recsys.config import AUDIO_FEATURES, DEFAULT_DATA
from recsys.errors import RecsysError
from recsys.load import load_catalogue, min_max_scale
from tests.conftest import COLUMNS

ENERGY = AUDIO_FEATURES.index("energy")
TEMPO = AUDIO_FEATURES.index("tempo")


def track_row(catalogue, track_id: str):
    return catalogue.tracks.set_index("track_id").loc[track_id]


def test_literal_na_text_is_a_title_not_a_missing_value(make_csv):
    path = make_csv([
        {"track_id": "na", "track_name": "NA", "track_artist": "NA", "track_album_name": "NA"},
        {"track_id": "other"},
    ])
    catalogue = load_catalogue(path)
    row = track_row(catalogue, "na")
    assert (row.track_name, row.track_artist, row.track_album_name) == ("NA", "NA", "NA")


def test_repeated_playlist_track_rows_become_one_edge(make_csv):
    path = make_csv([
        {"track_id": "x", "playlist_id": "p1"},
        {"track_id": "x", "playlist_id": "p1"},
        {"track_id": "x", "playlist_id": "p1"},
        {"track_id": "y", "playlist_id": "p1"},
    ])
    catalogue = load_catalogue(path)
    assert catalogue.report.edges == 2
    assert catalogue.report.duplicate_rows == 2
    assert len(catalogue.edge_track) == 2
    assert track_row(catalogue, "x").playlist_count == 1
    assert any("repeated" in line for line in catalogue.report.lines())


def test_track_in_several_playlists_is_one_track_with_one_edge_per_playlist(make_csv):
    path = make_csv([
        {"track_id": "hit", "playlist_id": "p1"},
        {"track_id": "hit", "playlist_id": "p2"},
        {"track_id": "hit", "playlist_id": "p3"},
        {"track_id": "other", "playlist_id": "p1"},
    ])
    catalogue = load_catalogue(path)
    assert list(catalogue.tracks["track_id"]) == ["hit", "other"]
    assert track_row(catalogue, "hit").playlist_count == 3
    assert track_row(catalogue, "other").playlist_count == 1
    assert catalogue.report.playlists == 3
    hit = catalogue.ids.track_index(["hit"])[0]
    assert sorted(catalogue.edge_playlist[catalogue.edge_track == hit]) == [0, 1, 2]


def test_row_without_playlist_is_a_cold_start_track(make_csv):
    path = make_csv([
        {"track_id": "listed", "playlist_id": "p1", "tempo": 100},
        {"track_id": "cold", "playlist_id": "", "tempo": 140},
    ])
    catalogue = load_catalogue(path)
    cold = catalogue.ids.track_index(["cold"])[0]
    assert cold >= 0
    assert catalogue.features_raw[cold, TEMPO] == 140
    assert cold not in catalogue.edge_track
    assert catalogue.report.cold_start_tracks == 1
    assert track_row(catalogue, "cold").playlist_count == 0
    assert list(catalogue.playlists["playlist_id"]) == ["p1"]  # "" is not a playlist


@pytest.mark.parametrize("bad_value", ["abc", "", "inf"])
def test_missing_or_non_numeric_feature_is_imputed_with_the_column_median(make_csv, bad_value):
    energies = [0.1, 0.3, 0.5, 0.9]  # median 0.4: the mean of the middle two
    rows = [{"track_id": f"t{i}", "energy": e} for i, e in enumerate(energies)]
    rows.append({"track_id": "bad", "energy": bad_value})
    catalogue = load_catalogue(make_csv(rows))
    bad = catalogue.ids.track_index(["bad"])[0]
    assert catalogue.features_raw[bad, ENERGY] == pytest.approx(0.4)
    assert catalogue.report.imputed == {"energy": (1, [6])}  # the fifth song, below the header
    assert any("energy" in line and "row 6" in line and "median" in line for line in catalogue.report.lines())


def test_imputation_counts_tracks_not_rows(make_csv):
    path = make_csv([
        {"track_id": "a", "energy": 0.2, "playlist_id": "p1"},
        {"track_id": "b", "energy": "", "playlist_id": "p1"},
        {"track_id": "b", "energy": "", "playlist_id": "p2"},
        {"track_id": "c", "energy": 0.6, "playlist_id": "p1"},
    ])
    catalogue = load_catalogue(path)
    assert catalogue.report.imputed == {"energy": (1, [3])}  # b's first row
    assert catalogue.features_raw[catalogue.ids.track_index(["b"])[0], ENERGY] == pytest.approx(0.4)


def test_features_are_min_max_scaled_to_unit_range(make_csv):
    path = make_csv([
        {"track_id": "slow", "tempo": 100},
        {"track_id": "mid", "tempo": 150},
        {"track_id": "fast", "tempo": 200},
        {"track_id": "quarter", "tempo": 125},
    ])
    catalogue = load_catalogue(path)
    scaled = catalogue.features[catalogue.ids.track_index(["slow", "mid", "fast", "quarter"]), TEMPO]
    np.testing.assert_allclose(scaled, [0.0, 0.5, 1.0, 0.25])
    assert catalogue.features.dtype == np.float32
    assert catalogue.features.shape == (4, len(AUDIO_FEATURES))
    assert catalogue.features.min() >= 0 and catalogue.features.max() <= 1
    np.testing.assert_allclose(catalogue.features_raw[:, TEMPO], [100, 150, 200, 125])


def test_constant_column_scales_to_zero_not_nan():
    scaled = min_max_scale(np.array([[3.0, 1.0], [3.0, 2.0]]))
    np.testing.assert_array_equal(scaled, [[0.0, 0.0], [0.0, 1.0]])


def test_first_row_of_a_track_supplies_its_metadata_and_features(make_csv):
    path = make_csv([
        {"track_id": "x", "track_name": "First", "tempo": 90, "playlist_id": "p1"},
        {"track_id": "x", "track_name": "Second", "tempo": 180, "playlist_id": "p2"},
    ])
    catalogue = load_catalogue(path)
    assert track_row(catalogue, "x").track_name == "First"
    assert catalogue.features_raw[0, TEMPO] == 90


def test_genre_is_the_most_common_playlist_genre(make_csv):
    path = make_csv([
        {"track_id": "x", "playlist_id": "p1", "playlist_genre": "rock"},
        {"track_id": "x", "playlist_id": "p2", "playlist_genre": "pop"},
        {"track_id": "x", "playlist_id": "p3", "playlist_genre": "pop"},
    ])
    assert track_row(load_catalogue(path), "x").genre == "pop"


def test_genre_counts_each_playlist_once_and_breaks_a_tie_by_the_catalogues_edges_then_the_name(make_csv):
    path = make_csv([
        *[{"track_id": "x", "playlist_id": "p1", "playlist_genre": "rock"}] * 3,  # one edge, not three
        {"track_id": "x", "playlist_id": "p2", "playlist_genre": "pop"},
        {"track_id": "x", "playlist_id": "p3", "playlist_genre": "pop"},
        {"track_id": "tie", "playlist_id": "p1"},  # rock 1, pop 1: pop has more edges in the catalogue
        {"track_id": "tie", "playlist_id": "p2"},
        {"track_id": "abc", "playlist_id": "p4", "playlist_genre": "latin"},  # latin 1, edm 1 here and
        {"track_id": "abc", "playlist_id": "p5", "playlist_genre": "edm"},  # overall: edm, by its name
    ])
    catalogue = load_catalogue(path)
    assert [track_row(catalogue, t).genre for t in ("x", "tie", "abc")] == ["pop", "pop", "edm"]
    assert catalogue.genre_counts(catalogue.ids.track_index(["x"])[0]) == [("pop", 2), ("rock", 1)]
    assert catalogue.genre_counts(catalogue.ids.track_index(["tie"])[0]) == [("pop", 1), ("rock", 1)]
    assert not catalogue.tracks["genre_inferred"].any()


def test_a_song_in_no_playlist_takes_its_artists_genre_and_says_it_was_inferred(make_csv):
    path = make_csv([
        {"track_id": "a1", "track_artist": "Ann", "playlist_id": "p1", "playlist_genre": "rap", "playlist_subgenre": "trap"},
        {"track_id": "a2", "track_artist": "Ann", "playlist_id": "p2", "playlist_genre": "rap", "playlist_subgenre": "trap"},
        {"track_id": "a3", "track_artist": "Ann", "playlist_id": "p3", "playlist_genre": "pop", "playlist_subgenre": "indie"},
        {"track_id": "cold", "track_artist": "Ann", "playlist_id": ""},
        {"track_id": "alone", "track_artist": "Bob", "playlist_id": ""},
    ])
    catalogue = load_catalogue(path)
    cold, alone = track_row(catalogue, "cold"), track_row(catalogue, "alone")
    assert (cold.genre, cold.subgenre, cold.genre_inferred) == ("rap", "trap", True)
    assert (alone.genre, alone.subgenre, alone.genre_inferred) == ("unknown", "unknown", False)
    assert not track_row(catalogue, "a3").genre_inferred
    assert catalogue.genre_counts(catalogue.ids.track_index(["cold"])[0]) == []


def test_has_genre_asks_every_playlist_of_a_song_then_its_inferred_genre(make_csv):
    path = make_csv([
        {"track_id": "x", "track_artist": "Ann", "playlist_id": "p1", "playlist_genre": "rock"},
        {"track_id": "x", "track_artist": "Ann", "playlist_id": "p2", "playlist_genre": "pop"},
        {"track_id": "y", "track_artist": "Ann", "playlist_id": "p2", "playlist_genre": "pop"},
        {"track_id": "cold", "track_artist": "Ann", "playlist_id": ""},  # Ann's genre: pop (2 against 1)
        {"track_id": "none", "track_artist": "Bob", "playlist_id": ""},
    ])
    catalogue = load_catalogue(path)
    assert list(catalogue.tracks["genre"]) == ["pop", "pop", "pop", "unknown"]
    assert catalogue.has_genre(["rock"]).tolist() == [True, False, False, False]  # x is rock too
    assert catalogue.has_genre(["pop", "latin"]).tolist() == [True, True, True, False]
    assert catalogue.has_genre(["unknown"]).tolist() == [False, False, False, True]
    assert catalogue.has_genre(["rock"], np.array([2, 0])).tolist() == [False, True]


def test_artists_albums_and_genres_get_one_code_each_and_an_empty_name_none(make_csv):
    path = make_csv([
        {"track_id": "a", "track_artist": "Ann", "track_album_name": "Blue", "playlist_id": "p1", "playlist_genre": "jazz"},
        {"track_id": "b", "track_artist": "Bob", "track_album_name": "Blue", "playlist_id": "p2", "playlist_genre": ""},
        {"track_id": "c", "track_artist": "Ann", "track_album_name": "Blue", "playlist_id": "p1"},
        {"track_id": "d", "track_artist": "", "track_album_name": "", "playlist_id": "p2"},
    ])
    catalogue = load_catalogue(path)
    tracks, playlists = catalogue.tracks, catalogue.playlists
    assert list(tracks["artist_code"]) == [0, 1, 0, -1]
    assert list(tracks["album_code"]) == [0, 1, 0, -1]  # one name, two artists: two albums
    assert list(catalogue.artist_names) == ["Ann", "Bob"] and list(catalogue.album_names) == ["Blue", "Blue"]
    assert list(playlists["genre_code"]) == [0, -1] and list(catalogue.genre_names) == ["jazz"]
    assert list(playlists["genre"]) == ["jazz", ""]  # the names stay
    assert all(tracks[c].dtype == np.int64 for c in ("artist_code", "album_code", "song_code"))


def test_rows_without_track_id_are_dropped_and_counted(make_csv):
    path = make_csv([{"track_id": "a"}, {"track_id": ""}, {"track_id": "b"}])
    catalogue = load_catalogue(path)
    assert list(catalogue.tracks["track_id"]) == ["a", "b"]
    assert catalogue.report.dropped_rows == 1
    assert catalogue.report.rows == 3


def test_optional_columns_may_be_absent(make_csv):
    required_only = [c for c in COLUMNS if c not in ("track_album_id", "track_album_name", "playlist_name",
                                                      "playlist_genre", "playlist_subgenre", "track_popularity")]
    catalogue = load_catalogue(make_csv([{"track_id": "a"}, {"track_id": "b"}], columns=required_only))
    assert catalogue.report.tracks == 2
    assert list(catalogue.tracks["track_album_name"]) == ["", ""]
    assert list(catalogue.tracks["genre"]) == ["unknown", "unknown"] and len(catalogue.genre_names) == 0
    assert list(catalogue.tracks["album_code"]) == [-1, -1]


def test_release_year_is_read_from_a_full_date_a_year_or_a_month(make_csv):
    dates = ["2012-01-01", "1999", "2005-07", ""]
    rows = [{"track_id": f"t{i}", "track_album_release_date": d} for i, d in enumerate(dates)]
    catalogue = load_catalogue(make_csv(rows, columns=COLUMNS + ("track_album_release_date",)))
    assert list(catalogue.tracks["release_year"].fillna(0)) == [2012, 1999, 2005, 0]
    assert not catalogue.report.extra_columns
    without = load_catalogue(make_csv([{"track_id": "a"}]))  # no date column: no year, still loads
    assert catalogue.report.tracks == 4 and without.tracks["release_year"].isna().all()


# --- files that cannot be used: one RecsysError whose message names the problem ---------------------


def test_missing_file(tmp_path):
    with pytest.raises(RecsysError, match="not found"):
        load_catalogue(tmp_path / "nowhere.csv")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(RecsysError, match="empty"):
        load_catalogue(path)


def test_header_only(make_csv):
    with pytest.raises(RecsysError, match="header but no rows"):
        load_catalogue(make_csv([]))


def test_missing_required_column_is_named(make_csv):
    path = make_csv([{"track_id": "a"}], columns=[c for c in COLUMNS if c != "tempo"])
    with pytest.raises(RecsysError, match="missing required column.*tempo"):
        load_catalogue(path)


def test_every_row_lacking_track_id(make_csv):
    with pytest.raises(RecsysError, match="track_id"):
        load_catalogue(make_csv([{"track_id": ""}, {"track_id": "  "}]))


def test_column_without_numeric_values_is_named(make_csv):
    path = make_csv([{"track_id": "a", "liveness": "n/a"}, {"track_id": "b", "liveness": ""}])
    with pytest.raises(RecsysError, match=r"No usable numeric values.*liveness \(rows 2, 3\)"):
        load_catalogue(path)


@pytest.mark.parametrize("column, values, shown_range", [
    ("duration_ms", [100_000, 200_000, 300_000], "1 to 86,400,000"),
    ("tempo", [90, 120, 150], "0 to 300"),
])
def test_an_absurd_duration_or_tempo_is_out_of_range_and_imputed_not_stretching_the_scale(make_csv, column, values,
                                                                                           shown_range):
    """Regression: duration_ms had no top, so 1e308 was kept and every other song's scaled length became 0."""
    rows = [{"track_id": "absurd", column: 1e308}] + [{"track_id": f"t{value}", column: value} for value in values]
    catalogue = load_catalogue(make_csv(rows))
    index = AUDIO_FEATURES.index(column)
    np.testing.assert_allclose(catalogue.features_raw[:, index], [values[1], *values])  # the median stands in
    np.testing.assert_allclose(catalogue.features[:, index], [0.5, 0.0, 0.5, 1.0])
    assert catalogue.report.out_of_range == {column: (1, [2])} and catalogue.report.repairs
    assert f"1 track had a {column} outside {shown_range} (row 2); used the column median" in catalogue.report.lines()


def test_a_column_whose_every_number_is_out_of_range_says_so_and_gives_the_range(make_csv):
    """Regression: every danceability 5.0 was told "Fill them with numbers", which they were."""
    path = make_csv([{"track_id": "a", "danceability": 5.0}, {"track_id": "b", "danceability": 5.0}])
    with pytest.raises(RecsysError) as caught:
        load_catalogue(path)
    assert str(caught.value) == (f"{path}: Every danceability given is out of range (rows 2, 3): danceability runs "
                                 "from 0 to 1. Convert the column to that scale (it may use another, such as percent) "
                                 "and try again.")


def test_columns_without_numbers_and_columns_out_of_range_are_named_in_one_line(make_csv):
    path = make_csv([{"track_id": "a", "liveness": "n/a", "tempo": 900},
                     {"track_id": "b", "liveness": "", "tempo": ""}])
    with pytest.raises(RecsysError) as caught:
        load_catalogue(path)
    assert str(caught.value) == (f"{path}: No usable numeric values in column: liveness (rows 2, 3). Fill them "
                                 "with numbers. Every tempo given is out of range (row 2): tempo runs from 0 to 300. "
                                 "Convert the column to that scale (it may use another, such as percent) and try "
                                 "again.")


def test_a_data_path_naming_a_folder_asks_for_the_csv_file_inside(tmp_path, make_csv):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RecsysError) as caught:
        load_catalogue(empty)
    assert str(caught.value) == f"{empty} is a folder, not a file: give the path of the songs CSV file itself."
    make_csv([{"track_id": "a"}], name="songs.csv")
    with pytest.raises(RecsysError) as caught:
        load_catalogue(tmp_path)
    assert str(caught.value) == (f"{tmp_path} is a folder, not a file: give the path of the songs CSV file itself, "
                                 f"such as {tmp_path / 'songs.csv'}.")


@pytest.mark.parametrize("encoding, described, codec", [
    ("utf-16", "UTF-16LE text with a byte-order mark", "UTF-16LE"),
    ("utf-16-le", "UTF-16LE text without a byte-order mark", "UTF-16LE"),
    ("utf-16-be", "UTF-16BE text without a byte-order mark", "UTF-16BE"),
])
def test_a_utf16_file_is_named_with_how_to_make_it_utf8(make_csv, encoding, described, codec):
    """Regression: UTF-16, what a spreadsheet's "Unicode text" export writes, was called binary data."""
    path = make_csv([{"track_id": "a", "track_artist": "Señor"}, {"track_id": "b"}])
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    with pytest.raises(RecsysError) as caught:
        load_catalogue(path)
    assert str(caught.value) == (f"{path}: this file is {described}; songs files are read as UTF-8. Save it again as "
                                 "\"CSV UTF-8\" (a spreadsheet's \"Unicode text\" is UTF-16), or convert it "
                                 f"(iconv -f {codec} -t UTF-8 songs.csv > songs-utf8.csv) and load the copy.")


def zipped(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("songs.csv", data)
    return out.getvalue()


@pytest.mark.parametrize("pack, expected", [
    (gzip.compress, ("this file is gzip-compressed, not CSV text. Decompress it (gunzip) and load the CSV inside, "
                     "or export the songs as plain UTF-8 CSV.")),
    (zipped, ("this file is a ZIP archive (an Excel .xlsx workbook is one too), not CSV text. Unzip it and load the "
              "CSV inside; from a spreadsheet, save the songs as \"CSV UTF-8\".")),
], ids=["gzip", "zip"])
def test_a_compressed_file_is_named_not_called_binary(make_csv, pack, expected):
    path = make_csv([{"track_id": "a"}, {"track_id": "b"}])
    path.write_bytes(pack(path.read_bytes()))
    with pytest.raises(RecsysError) as caught:
        load_catalogue(path)
    assert str(caught.value) == f"{path}: {expected}"


@pytest.mark.parametrize("track, line", [(1, 3), (600, 602)])
def test_a_nul_byte_is_refused_wherever_it_is(make_csv, track, line):
    """Regression: only the first 64 KiB were looked at, so a NUL byte further on was loaded silently."""
    path = make_csv([{"track_id": f"t{i}"} for i in range(800)])
    data = path.read_bytes().replace(f"Song t{track},".encode(), f"Song t{track}\x00,".encode())
    assert (data.index(b"\x00") > 65_536) == (track == 600)
    path.write_bytes(data)
    with pytest.raises(RecsysError) as caught:
        load_catalogue(path)
    assert str(caught.value) == (f"{path}: this is not a CSV file (it holds binary data). Export the songs as CSV "
                                 f"text; if it is CSV text, delete the NUL byte (character 0) on line {line}.")


def test_a_field_longer_than_the_readers_block_is_named_with_its_row(make_csv):
    """Regression: Arrow's "straddling object straddles two block boundaries" reached the user as it was."""
    path = make_csv([{"track_id": "a"}, {"track_id": "b", "track_name": "x" * (3 << 20)}, {"track_id": "c"}])
    with pytest.raises(RecsysError) as caught:
        load_catalogue(path)
    assert str(caught.value) == (f"{path}: row 3 is too long to read: a field in it is longer than the 1 MiB the "
                                 "reader takes at once, and no title or name is that long. Shorten or empty that field "
                                 "(or close a quote left open there), then try again.")


@pytest.mark.parametrize("repeat", ["tempo", " tempo "])
def test_a_column_named_twice_is_a_duplicate_not_tempo_1(make_csv, repeat):
    """Regression: pandas renamed the second "tempo" to "tempo.1" and the loader used the first unasked."""
    path = make_csv([{"track_id": "a"}])
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + f",{repeat}", lines[1] + ",130"]) + "\n", encoding="utf-8")
    with pytest.raises(RecsysError) as caught:
        load_catalogue(path)
    assert str(caught.value) == (f"{path}: duplicate column tempo (columns 21, 23): which one holds the songs' values "
                                 "is unclear. Delete or rename all but one, then try again.")


def test_a_repeated_column_the_app_does_not_use_is_listed_once(make_csv):
    catalogue = load_catalogue(make_csv([{"track_id": "a"}], columns=COLUMNS + ("bonus", "bonus")))
    assert catalogue.report.extra_columns == ["bonus"]
    assert "column not used: bonus" in catalogue.report.lines()


def test_binary_garbage_is_a_recsys_error(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(RecsysError):
        load_catalogue(path)


# --- the shipped file ------------------------------------------------------------------------------

NA_TRACK_IDS = ["69gRFGOWY9OMpFJgFol1u0", "5cjecvX0CmC9gK0Laf5EMQ", "5TTzhRSWQS4Yu8xTgAuq6D", "3VKFip3OdAvv4OfNTgFWeQ"]


@pytest.mark.slow  # loads the full shipped file
def test_shipped_file_counts_match_the_data_readme():
    catalogue = load_catalogue(DEFAULT_DATA)
    report = catalogue.report
    assert (report.rows, report.tracks, report.playlists) == (32_833, 28_356, 471)
    assert (report.duplicate_rows, report.edges, report.cold_start_tracks) == (582, 32_251, 0)
    assert report.dropped_rows == 0
    assert catalogue.tracks["playlist_count"].max() == 8
    assert catalogue.tracks["track_id"].is_unique
    assert catalogue.features.shape == (28_356, 12)
    na_titles = catalogue.tracks.set_index("track_id").loc[NA_TRACK_IDS]
    assert (na_titles[["track_name", "track_artist", "track_album_name"]] == "NA").all().all()
    assert catalogue.tracks["song_code"].max() + 1 == 24_798  # versions folded: 28,356 tracks, 24,798 songs
    assert set(catalogue.tracks["genre"]) == {"pop", "rap", "rock", "latin", "r&b", "edm"}


def test_quoted_commas_utf8_bom_and_padded_header_are_read(tmp_path, make_csv):
    path = make_csv([{"track_id": "a", "track_name": "Hello, World", "track_artist": "Señor"}, {"track_id": "b"}])
    lines = path.read_text(encoding="utf-8").splitlines()
    padded = ", ".join(lines[0].split(","))  # "track_id, track_name, ..." as some tools write it
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + "\n".join([padded, *lines[1:]]).encode("utf-8"))
    row = track_row(load_catalogue(bom), "a")
    assert (row.track_name, row.track_artist) == ("Hello, World", "Señor")


def test_a_file_that_is_not_utf8_is_read_as_latin1_and_says_so(make_csv):
    path = make_csv([{"track_id": "a"}, {"track_id": "b"}])
    path.write_bytes(path.read_bytes().replace(b"Song a", "Señor".encode("latin-1")))
    catalogue = load_catalogue(path)
    assert track_row(catalogue, "a").track_name == "Señor"
    assert "read as Latin-1 text separated by commas" in catalogue.report.lines()


def test_ragged_row_is_a_recsys_error(make_csv):
    path = make_csv([{"track_id": "a"}, {"track_id": "b"}])
    path.write_bytes(path.read_bytes() + b"c,too,few,fields\r\n")
    with pytest.raises(RecsysError, match="could not be read as a CSV"):
        load_catalogue(path)


BAD = Path(__file__).parent / "data" / "bad"
MESSAGES = json.loads((BAD / "messages.json").read_text(encoding="utf-8"))


def test_every_file_in_the_bad_collection_has_its_message():
    assert sorted(MESSAGES) == sorted(p.name for p in BAD.iterdir() if p.name != "messages.json")


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_a_malformed_file_gives_its_message(name):
    expected = MESSAGES[name]
    if "error" in expected:
        with pytest.raises(RecsysError) as caught:
            load_catalogue(BAD / name)
        assert expected["error"] in str(caught.value)
        assert str(caught.value).startswith(str(BAD / name))  # names the file
    else:
        lines = load_catalogue(BAD / name).report.lines()
        for line in expected["report"]:
            assert line in lines


def test_quoted_commas_quotes_and_newlines_stay_in_the_title():
    catalogue = load_catalogue(BAD / "quoted_commas_newlines.csv")
    assert track_row(catalogue, "t0").track_name == 'Hello, "World"\nPart 2'


def test_an_out_of_range_value_is_replaced_by_the_median_not_kept():
    catalogue = load_catalogue(BAD / "out_of_range.csv")
    assert catalogue.features_raw[:, AUDIO_FEATURES.index("danceability")].max() == pytest.approx(0.5)


def test_a_hundred_thousand_rows_load(tmp_path):
    path = tmp_path / "big.csv"
    header = ",".join(COLUMNS)
    row = "t{i},Song {i},Artist {a},50,al{a},Album {a},Mix {p},p{p},pop,dance pop,0.5,0.6,5,-6.0,1,0.05,0.1,0.0,0.1,0.4,120.0,200000"
    path.write_text(header + "\n" + "\n".join(row.format(i=i, a=i % 5000, p=i % 2000) for i in range(100_000)) + "\n")
    report = load_catalogue(path).report
    assert (report.rows, report.tracks, report.playlists, report.edges) == (100_000, 100_000, 2000, 100_000)


def test_a_header_too_long_to_parse_is_a_clear_error(tmp_path):
    path = tmp_path / "songs.csv"
    path.write_text("x" * 200_000 + "\n1\n")
    with pytest.raises(RecsysError, match="the header row cannot be read"):
        load_catalogue(path)
