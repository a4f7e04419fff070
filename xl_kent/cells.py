"""Turn spreadsheet cell values into typed numpy columns, row by row status kept.

Excel (through xlwings), LibreOffice and file readers hand over cells as Python
objects: numbers, ``datetime``/``date``, ``bool``, text, ``None`` or ``""`` for a
blank, and error values as strings such as ``"#N/A"``. These converters turn one
column of such values into a typed array plus a per-row status, so that the caller
can give each bad row its own error and compute the rest. They never raise for a
bad value.

Status codes: :data:`GOOD`, :data:`BLANK`, :data:`ERROR` (an error value in the
cell, kept in ``passthrough``), :data:`WRONG_TYPE` (e.g. text where a number
belongs) and :data:`OUT_OF_RANGE` (e.g. an Excel serial below 61).

Examples
--------
>>> import datetime as dt
>>> col = to_dates([dt.datetime(2024, 4, 1, 9, 30), 45383, None, "#N/A", "soon", 12])
>>> col.values.astype(str).tolist()
['2024-04-01', '2024-04-01', 'NaT', 'NaT', 'NaT', 'NaT']
>>> col.status.tolist()
[0, 0, 1, 2, 3, 4]
>>> col.passthrough[3]
'#N/A'
>>> to_numbers([1, 2.5, "", True, "3"]).status.tolist()
[0, 0, 1, 3, 3]
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import numpy as np

from .dates import MAX_EXCEL_SERIAL, MIN_EXCEL_SERIAL, excel_serial_to_date
from .errors import EXCEL_ERRORS

NAT = np.datetime64("NaT", "D")

__all__ = [
    "as_dates",
    "GOOD",
    "BLANK",
    "ERROR",
    "WRONG_TYPE",
    "OUT_OF_RANGE",
    "Column",
    "NotAColumn",
    "as_column",
    "to_dates",
    "to_numbers",
    "to_bools",
    "to_text",
]

GOOD, BLANK, ERROR, WRONG_TYPE, OUT_OF_RANGE = 0, 1, 2, 3, 4

_ERROR_SET = frozenset(EXCEL_ERRORS)
_ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()
_NUMBER_TYPES = frozenset({int, float, np.float64, np.float32, np.int64, np.int32})
_DATE_TYPES = frozenset({dt.date, dt.datetime})
_TRUE_WORDS = frozenset({"TRUE", "YES", "Y"})
_FALSE_WORDS = frozenset({"FALSE", "NO", "N"})


class Column(NamedTuple):
    """A converted column: typed values, per-row status, error values passed through."""

    values: np.ndarray
    status: np.ndarray  # int8 codes GOOD/BLANK/ERROR/WRONG_TYPE/OUT_OF_RANGE
    passthrough: np.ndarray | None  # object array of the error strings, or None


class NotAColumn(ValueError):
    """Cells that cannot be read as one column: a ragged range (rows of different
    lengths, or single cells mixed with rows), a block of two or more rows and two or
    more columns, or a cell that itself holds a range. Never flattened: the caller
    answers the whole call with one error value."""


_SEQUENCES = (list, tuple, np.ndarray)


class _Cells(list):
    """Cells already read by :func:`as_column` (a plain 1-D list): not read again."""


def as_column(x: Any) -> tuple[list | np.ndarray, bool]:
    """Read a single cell or a range as a 1-D sequence of cells.

    Returns ``(values, is_range)``. A single value gives a one-item list and
    ``False``; a 1-D list, an ``n x 1`` nested list, one row (``1 x n``: read as ``n``
    rows, the way Excel through xlwings hands over a row or a column alike) or a
    numpy array of those shapes gives its cells and ``True``. An empty range (``[]``,
    ``[[]]``, an empty array) is one blank cell. Anything else raises
    :class:`NotAColumn` (a ragged range, ``n x 2`` or more, a range inside a cell).

    >>> as_column([[1], [2], [3]])
    ([1, 2, 3], True)
    >>> as_column(5), as_column([])
    (([5], False), ([None], False))
    >>> as_column([[1, 2], [3, 4]])
    Traceback (most recent call last):
    ...
    xl_kent.cells.NotAColumn: a 2 x 2 range where a column belongs
    """
    if type(x) is _Cells:
        return x, True
    if isinstance(x, np.ndarray):
        return _array_column(x)
    if isinstance(x, (list, tuple)):
        return _list_column(x)
    return [x], False


def _array_column(a: np.ndarray) -> tuple[list | np.ndarray, bool]:
    if a.ndim == 0:
        v = a[()]  # a numpy scalar (datetime64 stays a date) or the object held
        return as_column(v) if isinstance(v, _SEQUENCES) else ([v], False)
    if a.size == 0:
        return [None], False
    if a.ndim > 2 or (a.ndim == 2 and min(a.shape) > 1):
        raise NotAColumn(f"a {' x '.join(map(str, a.shape))} range where a column belongs")
    values = a.reshape(-1)
    if values.dtype == object:
        return _plain_cells(values.tolist()), True
    return values, True


def _list_column(x: list | tuple) -> tuple[list, bool]:
    if not x:
        return [None], False
    kinds = frozenset(map(type, x))
    if not any(issubclass(k, _SEQUENCES) for k in kinds):  # 1-D: a row or a column of cells
        return _plain_cells(x, kinds), True
    if kinds == {list} and set(map(len, x)) == {1}:  # n x 1, as a range arrives: the fast path
        return _plain_cells([r[0] for r in x]), True
    if not all(issubclass(k, _SEQUENCES) for k in kinds):
        raise NotAColumn("a ragged range: single cells mixed with rows")
    rows = []
    for r in x:  # rows given as arrays or tuples
        if isinstance(r, np.ndarray) and r.ndim != 1:
            raise NotAColumn("a ragged range: a row that is not a row of cells")
        rows.append(list(r))
    widths = set(map(len, rows))
    if widths == {0}:
        return [None], False
    if len(widths) > 1:
        raise NotAColumn("a ragged range: rows of different lengths")
    (width,) = widths
    if width == 1:
        return _plain_cells([r[0] for r in rows]), True
    if len(rows) == 1:  # one row: its cells, as a 1-D list
        return _plain_cells(rows[0]), True
    raise NotAColumn(f"a {len(rows)} x {width} range where a column belongs")


def _plain_cells(values: list, kinds: frozenset | None = None) -> list:
    """The cells themselves: a 0-d array is its value; a range inside a cell is refused."""
    kinds = frozenset(map(type, values)) if kinds is None else kinds
    if not any(issubclass(k, _SEQUENCES) for k in kinds):
        return _Cells(values)
    out = []
    for v in values:
        if isinstance(v, np.ndarray) and v.ndim == 0 and not isinstance(v[()], _SEQUENCES):
            v = v[()]
        elif isinstance(v, _SEQUENCES):
            raise NotAColumn("a cell holds a range")
        out.append(v)
    return _Cells(out)


def _is_number(v: Any) -> bool:
    """A number cell: int, float or a numpy number, not TRUE/FALSE (nor a numpy timedelta, nor
    a complex number, whose imaginary part ``float`` would drop)."""
    return type(v) in _NUMBER_TYPES or (
        isinstance(v, (int, float, np.number))
        and not isinstance(v, (bool, np.bool_, np.timedelta64, np.complexfloating)))


def _float(v: Any) -> float:
    """``float(v)``; a whole number beyond float's range (``10**400``) is ``inf`` or ``-inf``,
    so that the rules' bounds judge it as the huge number it is."""
    try:
        return float(v)
    except OverflowError:
        return float("inf") if v > 0 else float("-inf")


#: pandas' missing values (``pd.NA``, ``pd.NaT``) by their type's name: a pandas column
#: handed to the core holds them, and pandas need not be imported to know them.
_PANDAS_MISSING = frozenset({"NAType", "NaTType"})


def _is_pandas_missing(v: Any) -> bool:
    """``pd.NA`` or ``pd.NaT`` (``pd.NaT`` is a ``datetime`` whose fields must not be read)."""
    return type(v).__name__ in _PANDAS_MISSING and type(v).__module__.startswith("pandas")


def _is_blank_value(v: Any) -> bool:
    if v is None or _is_pandas_missing(v):
        return True
    if isinstance(v, str):
        return v.strip() == ""
    if isinstance(v, float) and v != v:  # NaN from numpy/pandas = missing
        return True
    return False


def _error_or_type(v: Any) -> tuple[int, str | None]:
    """Status of a value that is not of the wanted type."""
    if _is_blank_value(v):
        return BLANK, None
    if isinstance(v, str) and v.strip().upper() in _ERROR_SET:
        return ERROR, v.strip().upper()
    return WRONG_TYPE, None


def _types(values) -> frozenset:
    return frozenset(map(type, values))


def _finish(values: np.ndarray, status: np.ndarray, errs: dict[int, str]) -> Column:
    passthrough = None
    if errs:
        passthrough = np.full(len(status), None, dtype=object)
        for i, e in errs.items():
            passthrough[i] = e
    return Column(values, status, passthrough)


def to_numbers(values) -> Column:
    """Convert cells to ``float64``; numbers only (text and booleans are wrong types)."""
    values = as_column(values)[0]
    n = len(values)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        out = values.astype(np.float64)
        status = np.where(np.isnan(out), BLANK, GOOD).astype(np.int8)
        return Column(out, status, None)
    if isinstance(values, np.ndarray) and values.dtype.kind in "Mm":
        return Column(np.full(n, np.nan), np.full(n, WRONG_TYPE, np.int8), None)
    kinds = _types(values)
    if kinds <= _NUMBER_TYPES:  # fast path: all numbers
        try:
            out = np.array(values, dtype=np.float64)
        except OverflowError:  # a whole number beyond float's range: the slow path
            pass
        else:
            status = np.where(np.isnan(out), BLANK, GOOD).astype(np.int8)
            return Column(out, status, None)
    out = np.full(n, np.nan)
    status = np.zeros(n, dtype=np.int8)
    errs: dict[int, str] = {}
    for i, v in enumerate(values):  # slow path: mixed column from a spreadsheet
        if _is_number(v):
            f = _float(v)
            if f != f:
                status[i] = BLANK
            else:
                out[i] = f
        else:
            status[i], e = _error_or_type(v)
            if e is not None:
                errs[i] = e
    return _finish(out, status, errs)


def to_dates(values) -> Column:
    """Convert cells to ``datetime64[D]``: dates, datetimes (time dropped), Excel serials."""
    values = as_column(values)[0]
    n = len(values)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        out = values.astype("datetime64[D]")
        return Column(out, np.where(np.isnat(out), BLANK, GOOD).astype(np.int8), None)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuf":
        return _serials(values.astype(np.float64))
    kinds = _types(values)
    if kinds and all(issubclass(k, dt.date) and k.__name__ not in _PANDAS_MISSING for k in kinds):  # all dates
        days = np.fromiter(map(dt.date.toordinal, values), dtype=np.int64, count=n)
        return Column((days - _ORDINAL_1970).astype("datetime64[D]"), np.zeros(n, np.int8), None)
    if kinds <= _NUMBER_TYPES:  # fast path: all serial numbers
        try:
            return _serials(np.array(values, dtype=np.float64))
        except OverflowError:  # a whole number beyond float's range: the slow path
            pass
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    status = np.zeros(n, dtype=np.int8)
    errs: dict[int, str] = {}
    for i, v in enumerate(values):  # slow path: mixed column
        if _is_pandas_missing(v):  # pd.NaT is a datetime: before the dates
            status[i] = BLANK
        elif isinstance(v, dt.date):
            out[i] = np.datetime64(v.toordinal() - _ORDINAL_1970, "D")
        elif isinstance(v, np.datetime64):
            out[i] = v.astype("datetime64[D]")
            status[i] = BLANK if np.isnat(out[i]) else GOOD
        elif _is_number(v):
            c = _serials(np.array([_float(v)]))
            out[i], status[i] = c.values[0], c.status[0]
        else:
            status[i], e = _error_or_type(v)
            if e is not None:
                errs[i] = e
    return _finish(out, status, errs)


def _serials(s: np.ndarray) -> Column:
    out = excel_serial_to_date(s)
    status = np.where(
        np.isnan(s),
        BLANK,
        np.where((s >= MIN_EXCEL_SERIAL) & (s < MAX_EXCEL_SERIAL + 1), GOOD, OUT_OF_RANGE),
    ).astype(np.int8)
    return Column(out, status, None)


def to_bools(values) -> Column:
    """Convert cells to ``bool``: TRUE/FALSE, 1/0, and the words yes/no, y/n, true/false."""
    values = as_column(values)[0]
    n = len(values)
    if isinstance(values, np.ndarray) and values.dtype.kind == "b":
        return Column(values.copy(), np.zeros(n, np.int8), None)
    kinds = _types(values)
    if kinds <= {bool, np.bool_}:  # fast path: all TRUE/FALSE
        return Column(np.array(values, dtype=bool), np.zeros(n, np.int8), None)
    if kinds <= {bool, np.bool_, type(None)}:  # TRUE/FALSE and blanks
        is_none = np.array([v is None for v in values], dtype=bool)
        out = np.array([bool(v) for v in values], dtype=bool)
        return Column(out, np.where(is_none, BLANK, GOOD).astype(np.int8), None)
    out = np.zeros(n, dtype=bool)
    status = np.zeros(n, dtype=np.int8)
    errs: dict[int, str] = {}
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)):
            out[i] = bool(v)
        elif _is_number(v) and v in (0, 1):
            out[i] = v == 1
        elif isinstance(v, str) and v.strip().upper() in _TRUE_WORDS:
            out[i] = True
        elif isinstance(v, str) and v.strip().upper() in _FALSE_WORDS:
            out[i] = False
        else:
            status[i], e = _error_or_type(v)
            if e is not None:
                errs[i] = e
    return _finish(out, status, errs)


def to_text(values) -> Column:
    """Convert cells to trimmed text (object array); whole numbers lose their ``.0``."""
    values = as_column(values)[0]
    n = len(values)
    if _types(values) <= {str, np.str_}:  # fast path: all text
        stripped = [v.strip() for v in values]
        out = np.array(stripped, dtype=object)
        status = np.where(out == "", BLANK, GOOD).astype(np.int8)
        errs = {i: t.upper() for i, t in enumerate(stripped)
                if t[:1] == "#" and t.upper() in _ERROR_SET}
        for i in errs:
            status[i] = ERROR
            out[i] = ""
        return _finish(out, status, errs)
    out = np.full(n, "", dtype=object)
    status = np.zeros(n, dtype=np.int8)
    errs: dict[int, str] = {}
    for i, v in enumerate(values):
        if isinstance(v, str):
            s = v.strip()
            if s == "":
                status[i] = BLANK
            elif s.upper() in _ERROR_SET:
                status[i], errs[i] = ERROR, s.upper()
            else:
                out[i] = s
        elif isinstance(v, (bool, np.bool_)):
            out[i] = "TRUE" if v else "FALSE"
        elif isinstance(v, (int, np.integer)) and not isinstance(v, np.timedelta64):
            out[i] = str(int(v))
        elif isinstance(v, (float, np.floating)):
            f = float(v)
            if f != f:
                status[i] = BLANK
            else:
                out[i] = str(int(f)) if f.is_integer() else repr(f)
        elif v is None or _is_pandas_missing(v):
            status[i] = BLANK
        elif isinstance(v, (dt.date, dt.time, np.datetime64)):
            out[i] = str(v)
        else:  # an object no cell holds (a dict, a set, a complex number ...)
            status[i] = WRONG_TYPE
    return _finish(out, status, errs)


def as_array(x) -> np.ndarray:
    """``np.asarray(x)``, except that a Python list (or tuple) mixing text with other
    values stays an array of objects: numpy would make every value text (``3`` becoming
    ``"3"``, then read as the year 3), and a number must stay the number it is.

    >>> as_array(["2026-01-01", 3]).dtype, as_array(["a", "b"]).dtype, as_array([1, 2.5]).dtype
    (dtype('O'), dtype('<U1'), dtype('float64'))
    """
    a = np.asarray(x)
    if a.dtype.kind in "US" and isinstance(x, (list, tuple)):
        try:
            cells = np.array(x, dtype=object)
        except ValueError:  # ragged: numpy made one text of it all the same; keep that
            return a
        if cells.shape == a.shape and not all(isinstance(v, str) for v in cells.reshape(-1).tolist()):
            return cells
    return a


def as_dates(x) -> np.ndarray:
    """Coerce the core's date inputs to ``datetime64[D]``.

    Accepts ``datetime64`` of any unit (times of day are floored away), numbers
    (Excel serials), ``datetime.date``/``datetime`` objects and ``None`` (``NaT``).
    ISO text ("2026-03-31") is read for Python callers; text that is not a date
    gives ``NaT``, as do booleans. Spreadsheet cells (where text is an error) go through
    :func:`to_dates`, which keeps a status per row.
    """
    if x is None:
        return np.array(NAT)
    a = as_array(x)
    if a.dtype.kind == "M":
        return a.astype("datetime64[D]", copy=False)  # no copy: the rules never write their inputs
    if a.dtype.kind in "iuf":
        return excel_serial_to_date(a)
    if a.dtype.kind == "b":  # not dates: NaT, so that each such row gets its reason
        return np.full(a.shape, NAT)
    if a.dtype.kind in "US":  # ISO text, for Python callers ("2026-03-31")
        try:
            return a.astype("datetime64[D]")
        except ValueError:
            return np.array([_iso_or_nat(v) for v in a.reshape(-1)]).reshape(a.shape)
    flat = a.reshape(-1)
    column = to_dates(flat)  # object arrays: classify each value
    values = column.values
    text = np.flatnonzero(column.status == WRONG_TYPE)
    if text.size:  # ISO text among other values, for Python callers as above
        values = values.copy()
        for i in text.tolist():
            if isinstance(flat[i], str):
                values[i] = _iso_or_nat(flat[i])
    return values.reshape(a.shape)


def _iso_or_nat(text) -> np.datetime64:
    try:
        return np.datetime64(str(text).strip(), "D")
    except ValueError:
        return NAT
