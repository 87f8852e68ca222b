"""Property-based tests: whatever file or query a user brings, the loader and the search give a
valid result or one clear RecsysError, never another exception."""

import csv
import io
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recsys.config import AUDIO_FEATURES, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from recsys.entities import normalise, normalise_text, song_codes
from recsys.errors import RecsysError
from recsys.load import Catalogue, load_catalogue
from recsys.search import MAX_QUERY_CHARS, SearchIndex

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Cell values a hand-edited or foreign export may hold: numbers in odd spellings, gaps, markup,
# quotes, delimiters and line breaks inside fields, any other text.
CELLS = st.one_of(
    st.sampled_from(["", "nan", "NaN", "inf", "-inf", "1e400", "-0", "7", "0.5", "NA", "null", " 3 ", "1,5",
                     '"', "a,b", "x;y", "line\nbreak", "tab\there", "<img src=x onerror=alert(1)>", "\ufeff"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**20, 10**20).map(str),
    st.text(max_size=12),
)
COLUMN_SETS = st.one_of(
    st.just(list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)),
    st.lists(st.sampled_from(REQUIRED_COLUMNS + OPTIONAL_COLUMNS + ("extra", "")), min_size=1, max_size=25),
    st.permutations(REQUIRED_COLUMNS).map(list),
)


@st.composite
def tables(draw) -> bytes:
    """A delimited table: some header, rows of arbitrary cells, some delimiter and encoding."""
    columns = draw(COLUMN_SETS)
    rows = draw(st.lists(st.lists(CELLS, min_size=len(columns), max_size=len(columns)), max_size=8))
    return draw(encoded(columns, rows))


TEXT = st.text(st.characters(exclude_characters="\x00"), max_size=12)  # a NUL makes the file binary
ODD_NUMBERS = st.one_of(st.sampled_from(["", "nan", "inf", "7", "-1e400", "x", "1e5"]), TEXT)
# Mostly a value in range (0–1, or milliseconds for duration_ms), now and then an odd one.
FRACTIONS = st.one_of(*[st.floats(0, 1).map(str)] * 6, ODD_NUMBERS)
DURATIONS = st.one_of(*[st.integers(1, 600_000).map(str)] * 6, ODD_NUMBERS)


@st.composite
def song_tables(draw) -> bytes:
    """A songs table with every required column: few distinct ids (so repeats and conflicts),
    any names, mostly numeric features with odd values among them."""
    columns = draw(st.permutations(REQUIRED_COLUMNS + OPTIONAL_COLUMNS + ("extra",)))
    ids = st.sampled_from(["t1", "t2", "t3", "", "t1 "])
    cell = {"track_id": ids, "playlist_id": st.sampled_from(["p1", "p2", ""])} | dict.fromkeys(AUDIO_FEATURES, FRACTIONS) | {"duration_ms": DURATIONS}
    rows = draw(st.lists(st.tuples(*(cell.get(column, TEXT) for column in columns)), min_size=1, max_size=8))
    return draw(encoded(columns, rows))


def encoded(columns, rows) -> st.SearchStrategy[bytes]:
    """The table written as CSV with some delimiter, in some encoding."""
    @st.composite
    def write(draw) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t", "|"])))
        writer.writerow(columns)
        writer.writerows(rows)
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
        return out.getvalue().encode(encoding, errors="replace")
    return write()


def load_bytes(data: bytes) -> Catalogue | None:
    """load_catalogue on a file holding `data`: its catalogue, or None after a RecsysError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "songs.csv"
        path.write_bytes(data)
        try:
            return load_catalogue(path)
        except RecsysError as err:
            assert str(err).strip(), "a RecsysError must say what is wrong"
            return None


def check_catalogue(catalogue: Catalogue) -> None:
    """What every loaded catalogue promises the rest of the pipeline."""
    tracks = len(catalogue.tracks)
    assert tracks == catalogue.ids.num_tracks >= 1
    assert catalogue.features.shape == catalogue.features_raw.shape == (tracks, len(AUDIO_FEATURES))
    assert np.isfinite(catalogue.features_raw).all()
    assert ((catalogue.features >= 0) & (catalogue.features <= 1)).all()
    assert len(catalogue.edge_playlist) == len(catalogue.edge_track) == catalogue.report.edges
    assert ((catalogue.edge_track >= 0) & (catalogue.edge_track < tracks)).all()
    assert ((catalogue.edge_playlist >= 0) & (catalogue.edge_playlist < catalogue.ids.num_playlists)).all()
    assert catalogue.tracks["track_id"].is_unique
    assert catalogue.report.cold_start_tracks == int((catalogue.tracks["playlist_count"] == 0).sum())


@PROPERTY_SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_load_or_give_a_clear_error(data):
    catalogue = load_bytes(data)
    if catalogue is not None:
        check_catalogue(catalogue)


@PROPERTY_SETTINGS
@given(st.text(max_size=400))
def test_any_text_loads_or_gives_a_clear_error(text):
    catalogue = load_bytes(text.encode("utf-8", errors="surrogatepass"))
    if catalogue is not None:
        check_catalogue(catalogue)


@PROPERTY_SETTINGS
@given(st.one_of(tables(), song_tables()))
def test_any_table_loads_or_gives_a_clear_error(data):
    catalogue = load_bytes(data)
    if catalogue is not None:
        check_catalogue(catalogue)


@st.composite
def catalogues(draw) -> pd.DataFrame:
    """A track table with arbitrary titles, artists and albums (duplicates and empties included)."""
    names = st.one_of(st.text(max_size=20), st.sampled_from(["", "Love", "Love Me", "Señorita", "NA", "***"]))
    size = draw(st.integers(1, 12))
    return pd.DataFrame({
        "track_name": draw(st.lists(names, min_size=size, max_size=size)),
        "track_artist": draw(st.lists(names, min_size=size, max_size=size)),
        "track_album_name": draw(st.lists(names, min_size=size, max_size=size)),
        "track_popularity": draw(st.lists(st.sampled_from(["", "50", "x", "100"]), min_size=size, max_size=size)),
    })


@PROPERTY_SETTINGS
@given(catalogues(), st.text(max_size=MAX_QUERY_CHARS + 20), st.integers(1, 20))
def test_any_query_on_any_catalogue_gives_matches_or_a_clear_error(tracks, query, limit):
    index = SearchIndex.build(tracks.assign(song_code=song_codes(tracks)))
    try:
        matches = index.search(query, limit)
    except RecsysError as err:
        assert str(err).strip()
        return
    found, scores = matches.tracks, matches.scores
    assert len(found) == len(scores) <= limit
    assert len(set(found.tolist())) == len(found)
    assert ((found >= 0) & (found < len(tracks))).all()
    assert ((scores >= 0) & (scores <= 100)).all()
    assert (np.diff(scores) <= 0).all()  # best first


@PROPERTY_SETTINGS
@given(st.text(max_size=40))
def test_a_query_is_normalised_exactly_as_the_catalogue_is(text):
    assert normalise_text(text) == normalise(pd.Series([text])).iloc[0]
