"""The cells of a block of worksheet rows built with Arrow's string kernels (private to ``_xlsx``).

:func:`block_xml` gives exactly the bytes :mod:`xl_kent.files._xlsx` joins in Python for a
block of rows (``<row r="N">`` + each column's cells + ``</row>``, row after row), but builds
each column's cells with a few Arrow kernel calls instead of one f-string per cell, and joins
the rows with one call over all the columns: the block's bytes are then the data buffer of
the joined array. Numbers are written as Python's ``repr`` writes them: Arrow's shortest
round-trip text (the same digits: both give the shortest digits that read back to the same
float, the nearest on a tie) with ``.0`` added to whole numbers, where both write them
positionally (1e-4 <= |x| < 1e10, and zero); any other float takes ``repr`` itself. Whole
numbers, booleans, dates from 1 March 1900 and text that needs no escaping, no formula guard
and no cut are built in Arrow; any other column (datetimes, dates before March 1900, mixed
objects, text to escape) takes the Python builder's cells (:meth:`_xlsx._Cells.column`),
turned into an Arrow array. ``None`` (the caller builds the block in Python) where Arrow
cannot hold the block (over 2 GiB of text in one array) or refuses a value.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .limits import EXCEL_MAX_NUMBER, EXCEL_MAX_TEXT_UNITS

# Widest block built here (a kernel call per column, and one over all of them).
MAX_COLUMNS = 1_024
# Where ``repr`` writes a float in positional notation: 1e-4 <= |x| < 1e16 (and zero).
_REPR_POSITIONAL_FROM = 1e-4
# Below it Arrow writes a float in positional notation (from 1e-7).
_ARROW_POSITIONAL_BELOW = 1e10
_STRING = pa.string()
# A text of at most this many characters is never cut (as _xlsx._SURELY_SHORT).
_SURELY_SHORT = EXCEL_MAX_TEXT_UNITS // 2
# Excel's serial number of 1970-01-01 (Arrow's day 0), and of 1 March 1900 (before it, Excel's
# phantom 29 February 1900: those dates take the Python builder).
_SERIAL_1970 = (dt.date(1970, 1, 1) - dt.date(1899, 12, 30)).days
_FIRST_SAFE_SERIAL = (dt.date(1900, 3, 1) - dt.date(1899, 12, 30)).days


def _join(*parts) -> pa.Array:
    """The pieces (arrays and texts) joined element by element; null where a piece is null."""
    return pc.binary_join_element_wise(*parts, "")


# What ends a number cell: after a float written with its ".0" or without.
_NUMBER_ENDS = pa.array(["</v></c>", ".0</v></c>"], _STRING)
_NULL = pa.scalar(None, _STRING)


def _number_texts(values: np.ndarray, fits: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """Arrow's text of each float64 that ``fits`` (null for the others) and where ``.0`` is to
    be added, so that together they are ``repr``'s text.

    Both write the shortest digits that read back to the float (the nearest on a tie). Arrow
    writes them positionally for 1e-7 <= |x| < 1e10 (its ``decimal_in_shortest`` range), ``repr``
    for 1e-4 <= |x| < 1e16: in between, both write ``"30000.5"``, a whole number ``"30000"``
    for ``repr``'s ``"30000.0"``; outside, the few values take ``repr`` itself.
    """
    with np.errstate(invalid="ignore"):
        size = np.abs(values)
        other = fits & ((size >= _ARROW_POSITIONAL_BELOW) | ((size < _REPR_POSITIONAL_FROM) & (size != 0)))
        whole = fits & ~other & (values == np.trunc(values))
    texts = pc.cast(pa.array(values, pa.float64(), mask=None if fits.all() else ~fits), _STRING)
    if other.any():
        texts = pc.replace_with_mask(texts, pa.array(other),
                                     pa.array([repr(v) for v in values[other].tolist()], _STRING))
    return texts, whole


def float_texts(values: np.ndarray) -> pa.Array:
    """``repr`` of each float64 of ``values`` (finite), as an Arrow string array (as cells hold them).

    >>> float_texts(np.array([1.0, -0.0, 0.1, 1e16, 1.5e-07, 123456789012345.6, 1e-05, 30000.25])).to_pylist()
    ['1.0', '-0.0', '0.1', '1e+16', '1.5e-07', '123456789012345.6', '1e-05', '30000.25']
    """
    values = np.asarray(values, dtype=np.float64)
    texts, whole = _number_texts(values, np.isfinite(values))
    return pc.if_else(pa.array(whole), _join(texts, ".0"), texts)


@functools.cache
def agrees() -> bool:
    """Whether this pyarrow writes floats as :func:`float_texts` expects: checked once a process
    on probe values (the notation's edges, whole numbers, money, tiny and huge numbers, zeros),
    so that another pyarrow's formatting sends the writer back to Python rather than change a file.

    >>> agrees()
    True
    """
    edges = [1e-4, 1e-7, 1e10, 1e16, 5e-324, 1.7976931348623157e308, 2.0 ** 53, 0.1, 1 / 3, 30000.0, 32893.57]
    probe = [0.0, -0.0, 1.0, -1.0, 100000.0, 1234.5, 0.001, 123456789.25, 9999999999.0, 1e15 + 0.5]
    with np.errstate(over="ignore"):
        for x in edges:
            probe += [x, -x, float(np.nextafter(x, 0)), float(np.nextafter(x, np.inf))]
    values = np.array(probe, dtype=np.float64)
    values = values[np.isfinite(values)]
    try:
        return float_texts(values).to_pylist() == [repr(v) for v in values.tolist()]
    except Exception:  # noqa: BLE001 (any failure: the Python writer)
        return False


def _float_cells(cells, values: np.ndarray, rns: pa.Array) -> list:
    """As ``_Cells._floats``: a number, blank (null) for NaN, ``#NUM!`` beyond Excel's largest."""
    with np.errstate(over="ignore"):
        values = values.astype(np.float64, copy=False)
    with np.errstate(invalid="ignore"):
        fits = np.abs(values) <= EXCEL_MAX_NUMBER  # False for NaN, infinities and beyond Excel's largest
    texts, whole = _number_texts(values, fits)
    ends = ".0</v></c>" if whole.all() else _NUMBER_ENDS.take(pa.array(whole.view(np.int8))) if whole.any() \
        else "</v></c>"
    if fits.all():  # no blank: the pieces go into the rows' join as they are
        return [cells.open, rns, cells.num, texts, ends]
    out = _join(cells.open, rns, cells.num, texts, ends)
    big = ~fits & ~np.isnan(values)
    if big.any():
        out = pc.replace_with_mask(out, pa.array(big), _join(cells.open, rns.filter(pa.array(big)), cells.err,
                                                             "#NUM!</v></c>"))
    return [out]


# _xlsx._NEEDS_ESCAPE for RE2 (a lone surrogate cannot be in an Arrow string), and a formula's start.
_NEEDS_ESCAPE = r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]|_x[0-9A-Fa-f]{4}_"
_FORMULA_START = r"^[=+\-@\t\r]"
_EDGE_SPACE = r"^[ \t\n\r]|[ \t\n\r]$"  # XML's white space first or last (as _xlsx._XML_SPACE)


def _plain(texts: pa.Array) -> bool:
    """Whether these texts are written as they are (as ``_Cells.plain_strings``, cell by cell)."""
    return not (pc.any(pc.match_substring_regex(texts, _NEEDS_ESCAPE)).as_py()
                or pc.any(pc.match_substring_regex(texts, _FORMULA_START)).as_py()
                or (pc.max(pc.utf8_length(texts)).as_py() or 0) > _SURELY_SHORT)


def _string_cells(cells, items: list, rns_text: Sequence[str], rns: pa.Array) -> pa.Array:
    """As ``_Cells._strings``: inline text, blank (null) for ``None`` and ``""``."""
    try:
        texts = pa.array(items, _STRING)
    except (UnicodeError, pa.ArrowException):  # a lone surrogate: escaped by the Python builder
        texts = None
    if texts is None or not _plain(texts):
        return pa.array(cells._strings(items, rns_text), _STRING)
    empty = pc.equal(texts, "")
    if pc.any(empty).as_py():
        texts = pc.if_else(empty, _NULL, texts)
    head = cells.text
    kept = pc.match_substring_regex(texts, _EDGE_SPACE)  # (as _Cells: xml:space="preserve" for these)
    if pc.any(kept).as_py():
        head = pc.if_else(kept, cells.text_kept, cells.text)
    return _join(cells.open, rns, head, texts, "</t></is></c>")


def _date_cells(cells, values: np.ndarray, items: list, rns_text: Sequence[str], rns: pa.Array) -> pa.Array:
    """As ``_Cells.column`` for ``datetime.date`` cells (not datetimes): the serial number with
    the date format when every date is from 1 March 1900 (else the Python builder's cells)."""
    days = pa.array(items, pa.date32())  # days since 1970-01-01
    serial = pc.add(pc.cast(days, pa.int32()), _SERIAL_1970)
    low = pc.min(serial).as_py()
    if low is None or low < _FIRST_SAFE_SERIAL:
        return pa.array(cells.column(values, rns_text), _STRING)
    return _join(cells.open, rns, cells.date, pc.cast(serial, _STRING), "</v></c>")


def column_cells(cells, values: np.ndarray, rns_text: Sequence[str], rns: pa.Array) -> list:
    """One column's cells for the block, as ``cells.column`` writes them: the pieces that joined
    make them (texts and arrays without nulls), or one array of them (null or ``""`` for a blank)."""
    kind = values.dtype.kind
    if kind == "f":
        return _float_cells(cells, values, rns)
    if kind in "iu":
        return [cells.open, rns, cells.num, pc.cast(pa.array(values), _STRING), "</v></c>"]
    if kind == "b":
        return [cells.open, rns, cells.bool, pc.if_else(pa.array(values), "1", "0"), "</v></c>"]
    if kind == "O":
        items = values.tolist()
        types = set(map(type, items))
        if types <= {str, type(None)}:
            return [_string_cells(cells, items, rns_text, rns)]
        if types <= {dt.date, type(None)}:
            return [_date_cells(cells, values, items, rns_text, rns)]
        if types <= {bool, type(None)}:
            flags = pa.array(items, pa.bool_())
            return [_join(cells.open, rns, cells.bool, pc.if_else(flags, "1", "0"), "</v></c>")]
        if types <= {float, int, type(None)}:
            try:  # (an int not exactly a float is refused here: numpy rounds it, below)
                floats = pa.array(items, pa.float64()).to_numpy(zero_copy_only=False)  # None -> NaN
            except (pa.ArrowInvalid, OverflowError):
                try:
                    floats = np.array([np.nan if v is None else v for v in items], dtype=np.float64)
                except OverflowError:  # an int beyond any float: cell by cell (#NUM!)
                    floats = None
            if floats is not None:
                return _float_cells(cells, floats, rns)
    return [pa.array(cells.column(values, rns_text), _STRING)]


def block_xml(builders: Sequence, columns: Sequence[np.ndarray], start: int, stop: int,
              rns_text: Sequence[str]) -> bytes | None:
    """The UTF-8 XML of rows ``start`` to ``stop`` (0-based data rows; sheet rows from 2).

    ``None`` when Arrow cannot hold the block (the caller then builds it in Python).

    >>> from xl_kent.files._xlsx import _Cells
    >>> block_xml([_Cells("A", 0)], [np.array([1.0, np.nan])], 0, 2, ["2", "3"])
    b'<row r="2"><c r="A2"><v>1.0</v></c></row><row r="3"></row>'
    """
    try:
        rns = pa.array(rns_text, _STRING)
        pieces = ['<row r="', rns, '">']
        for b, col in zip(builders, columns, strict=True):
            pieces += column_cells(b, col[start:stop], rns_text, rns)
        rows = pc.binary_join_element_wise(*pieces, "</row>", "", null_handling="skip")
    except (pa.ArrowException, OverflowError, UnicodeError):  # over 2 GiB of text, ...: the Python way
        return None
    if not len(rows):
        return b""
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset:rows.offset + len(rows) + 1]
    return rows.buffers()[2].to_pybytes()[int(offsets[0]):int(offsets[-1])]
