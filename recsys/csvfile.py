"""Read a songs CSV file's bytes into a table of text and numbers: find its encoding and delimiter,
and refuse, saying what it is and what to do, anything that is not a usable CSV table.

What people send instead is named by its first bytes (gzip, ZIP or Excel, UTF-16, binary), so the
message can say how to export the songs as plain UTF-8 CSV. Every error is one RecsysError line
that starts with the file's path.
"""

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow.csv

from recsys.config import AUDIO_FEATURES, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from recsys.errors import RecsysError
from recsys.words import word_for

TEXT_COLUMNS = tuple(c for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if c not in AUDIO_FEATURES)
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
# Arrow parses in blocks of this many bytes and cannot split a row across two: a longer row fails.
READER_BLOCK = pyarrow.csv.ReadOptions().block_size
STRADDLING = "straddling object straddles two block boundaries"  # Arrow's words for that failure
UTF16_SAMPLE = 1024  # bytes looked at for UTF-16 without a byte-order mark: the header row's worth
# What people send instead of CSV text, known by its first bytes: (magic, what it is, what to do).
NOT_TEXT = (
    (b"\x1f\x8b", "gzip-compressed",
     "Decompress it (gunzip) and load the CSV inside, or export the songs as plain UTF-8 CSV."),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one too)",
     "Unzip it and load the CSV inside; from a spreadsheet, save the songs as \"CSV UTF-8\"."),
)


def read_csv(path: Path) -> tuple[pd.DataFrame, dict]:
    """The parsed file and how it was read (encoding, delimiter, unused columns)."""
    data = _read_bytes(path)
    _check_text(path, data)
    text, encoding = _decode(data)
    first_line = re.split(r"\r\n|\r|\n", text.lstrip("\ufeff"), maxsplit=1)[0]  # old Macs end lines in \r alone
    delimiter = _delimiter(first_line)
    header = _header(path, first_line, delimiter)
    try:
        frame = _parse(data, encoding, delimiter)
    except (ValueError, OSError) as err:
        raise RecsysError(_unparsed(path, err, text, delimiter)) from None
    if frame.empty:
        raise RecsysError(f"{path}: the file has a header but no rows of songs.")
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].str.strip() if column in frame.columns else ""
    # From the header, once each: pandas would list a repeated name again as "name.1".
    extra = [name or "(no name)" for name in dict.fromkeys(header) if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    return frame, {"encoding": encoding, "delimiter": delimiter, "extra_columns": extra}


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a RecsysError if there is no file there to read."""
    if path.is_dir():
        raise RecsysError(_a_folder(path))
    if not path.is_file():
        raise RecsysError(f"Data file not found: {path}")
    try:
        return path.read_bytes()
    except OSError as err:
        raise RecsysError(f"{path}: cannot be read ({err.strerror or err}).") from None


def _a_folder(path: Path) -> str:
    """The message for a data path that names a folder: which CSV file inside it to give instead."""
    try:
        inside = sorted(child.name for child in path.glob("*.csv") if child.is_file())
    except OSError:  # a folder that cannot be listed: say what it is all the same
        inside = []
    example = f", such as {path / inside[0]}" if inside else ""
    return f"{path} is a folder, not a file: give the path of the songs CSV file itself{example}."


def _check_text(path: Path, data: bytes) -> None:
    """Refuse bytes that are not CSV text, saying what they are: nothing, an archive, UTF-16, binary."""
    if not data.strip():
        raise RecsysError(f"{path}: the file is empty. Export the songs as CSV with a header row and try again.")
    for magic, what, fix in NOT_TEXT:
        if data.startswith(magic):
            raise RecsysError(f"{path}: this file is {what}, not CSV text. {fix}")
    utf16 = _utf16(data)
    if utf16:
        described, codec = utf16
        raise RecsysError(f"{path}: this file is {described}; songs files are read as UTF-8. Save it again as "
                          f"\"CSV UTF-8\" (a spreadsheet's \"Unicode text\" is UTF-16), or convert it "
                          f"(iconv -f {codec} -t UTF-8 {path.name} > {path.stem}-utf8.csv) and load the copy.")
    nul = data.find(b"\x00")  # anywhere: a NUL byte is no part of any text, early or late
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise RecsysError(f"{path}: this is not a CSV file (it holds binary data). Export the songs as CSV text; "
                          f"if it is CSV text, delete the NUL byte (character 0) on line {line:,}.")


def _utf16(data: bytes) -> tuple[str, str] | None:
    """(what the file is, its iconv name) if it is UTF-16, else None. Known by its byte-order mark,
    or without one by the NUL that ASCII text (the header row, at least) puts in every other byte."""
    marks = {b"\xff\xfe": "UTF-16LE", b"\xfe\xff": "UTF-16BE"}
    if data[:2] in marks:
        return f"{marks[data[:2]]} text with a byte-order mark", marks[data[:2]]
    sample = data[:UTF16_SAMPLE]
    first, second = sample[0::2], sample[1::2]  # the low bytes come first in UTF-16LE
    for codec, high, low in (("UTF-16LE", second, first), ("UTF-16BE", first, second)):
        if high.count(0) > 0.4 * len(high) and low.count(0) < 0.05 * len(low):
            return f"{codec} text without a byte-order mark", codec
    return None


def _header(path: Path, first_line: str, delimiter: str) -> list[str]:
    """The column names of the first line, stripped; a RecsysError if they cannot name the columns."""
    try:
        header = [name.strip() for name in next(csv.reader([first_line], delimiter=delimiter), [])]
    except csv.Error as err:
        raise RecsysError(f"{path}: the header row cannot be read ({err}). The first row must name the columns.") from None
    repeated = _duplicates(header)
    if repeated:
        raise RecsysError(f"{path}: {repeated}: which one holds the songs' values is unclear. Delete or rename all "
                          "but one, then try again.")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise RecsysError(
            f"{path}: missing required {word_for(len(missing), 'column')}: {', '.join(missing)}. The first row must be a header naming "
            f"{', '.join(REQUIRED_COLUMNS)}; this file's header has: {', '.join(header[:12])[:300]}"
            f"{', …' if len(header) > 12 else ''}."
        )
    return header


def _duplicates(header: list[str]) -> str:
    """ "duplicate column energy (columns 11, 23)" for each column the app reads that the header names
    more than once, or ''. A column the app does not read may repeat: it is only listed as unused."""
    counts = Counter(header)
    return ", ".join(
        f"duplicate column {name} (columns {', '.join(str(i) for i, other in enumerate(header, 1) if other == name)})"
        for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if counts[name] > 1
    )


def _unparsed(path: Path, err: Exception, text: str, delimiter: str) -> str:
    """The message for a file Arrow could not parse; a row too long for its block gets its own."""
    if STRADDLING not in str(err):
        return f"{path}: could not be read as a CSV file ({_first_line(err)})."
    row = _overlong_row(text, delimiter)
    return (f"{path}: {f'row {row:,}' if row else 'a row'} is too long to read: a field in it is longer than the "
            f"{READER_BLOCK / 2**20:g} MiB the reader takes at once, and no title or name is that long. Shorten or "
            "empty that field (or close a quote left open there), then try again.")


def _overlong_row(text: str, delimiter: str) -> int | None:
    """The file row (the header is row 1) where the first field over Python's csv limit (128 KiB,
    an eighth of Arrow's block) starts: the row Arrow could not fit in a block. None if none is."""
    rows = 0
    try:
        for rows, _ in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            pass
    except csv.Error as err:
        return rows + 1 if "field larger than field limit" in str(err) else None
    return None


def _decode(data: bytes) -> tuple[str, str]:
    """The file's text and encoding: UTF-8 (a byte-order mark is fine), else Latin-1, which never fails."""
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _delimiter(header: str) -> str:
    """The candidate that splits the header line into the most fields; a comma by default."""
    return max(DELIMITERS, key=lambda candidate: (header.count(candidate), candidate == ","))


def _parse(data: bytes, encoding: str, delimiter: str) -> pd.DataFrame:
    """The CSV with stripped column names; text columns as text, audio features as floats.

    Text is read with no NA guessing: a song titled "NA" is a title, not a gap. Features are
    parsed by Arrow as floats when every value is a number, else read as text and coerced
    (and imputed) by recsys.load.
    """
    options = {"keep_default_na": False, "engine": "pyarrow", "sep": delimiter, "encoding": encoding.lower()}
    names = {str(raw).strip(): raw for raw in pd.read_csv(io.BytesIO(data), nrows=0, sep=delimiter,
                                                          encoding=encoding.lower()).columns}
    text = {names[c]: str for c in TEXT_COLUMNS if c in names}
    features = [names[c] for c in AUDIO_FEATURES if c in names]
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=text | dict.fromkeys(features, "float64"), **options)
    except ValueError:  # a feature value that is not a number
        frame = pd.read_csv(io.BytesIO(data), dtype=text | dict.fromkeys(features, str), **options)
    return frame.rename(columns=lambda raw: str(raw).strip())


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__
