"""Excel-safe values: what every file we write may hold, and what is done with the rest.

Excel's specifications and limits (Microsoft Support, "Excel specifications and limits"):

* the largest number that can be typed or stored in a cell is 9.99999999999999E+307 (and
  the smallest negative -9.99999999999999E+307): :data:`EXCEL_MAX_NUMBER`;
* a cell holds at most 32,767 characters, counted as Excel counts them, in UTF-16 code
  units (a character outside the Basic Multilingual Plane, an emoji, is two):
  :data:`EXCEL_MAX_TEXT_UNITS`.

The rules (issue 11), applied by :func:`excel_safe` before a sheet is written, and
defensively by the xlsx writer itself (:mod:`xl_kent.files._xlsx`) when it is handed
values that did not go through :func:`excel_safe`:

* a number beyond Excel's range, or infinite, becomes the :data:`NUM_ERROR` marker, which
  the xlsx writer writes as the error value ``#NUM!`` (``<c t="e"><v>#NUM!</v></c>``) and
  the CSV writer as the text ``#NUM!``; never a number Excel cannot hold. NaN stays a
  blank cell, as it always was;
* text longer than 32,767 UTF-16 units is cut to 32,767 (32,766 where the cut would split
  a surrogate pair);
* control characters: an xlsx file carries them escaped as Excel itself does (``_xHHHH_``,
  :func:`xl_kent.files._xlsx.xml_text`), so they are kept and read back exactly; a CSV file
  (``csv=True``) gets the C0 control characters other than tab, line feed and carriage
  return, and any lone surrogate, as the visible text ``_xHHHH_`` (a CSV file cannot carry
  NUL, and Excel shows the others as boxes).

Each change is an :class:`Issue` in words, to be listed as a problem of the row, so that
nothing is changed silently and no run fails for these values.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from .._arrays import fast

__all__ = ["EXCEL_MAX_NUMBER", "EXCEL_MAX_NUMBER_TEXT", "EXCEL_MAX_TEXT_UNITS", "HEADER_ROW", "NUM_ERROR", "Issue",
           "cut_text", "escape_csv_controls", "excel_safe", "number_beyond", "utf16_units"]

#: Excel's largest number (Excel specifications and limits: "Largest allowed positive number").
EXCEL_MAX_NUMBER = 9.99999999999999e307
#: :data:`EXCEL_MAX_NUMBER` as Excel writes it, for messages.
EXCEL_MAX_NUMBER_TEXT = "9.99999999999999E+307"
#: Characters a cell holds (Excel specifications and limits: "Total number of characters that a
#: cell can contain"), in UTF-16 code units as Excel counts them.
EXCEL_MAX_TEXT_UNITS = 32_767
#: What a number Excel cannot hold is replaced with: both writers write infinity as ``#NUM!``.
NUM_ERROR = math.inf
#: :attr:`Issue.row` of a header cell.
HEADER_ROW = -1

# A text of at most this many characters is within the limit whatever it holds (each
# character is at most two UTF-16 units).
_SURELY_SHORT = EXCEL_MAX_TEXT_UNITS // 2
# What a CSV file gets escaped: C0 controls but tab, LF, CR; lone surrogates (not UTF-8).
_CSV_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# Scalar types that never need a change.
_ALWAYS_SAFE = (type(None), bool, np.bool_, dt.date, dt.datetime, dt.time, dt.timedelta, np.datetime64,
                np.timedelta64)


class Issue(NamedTuple):
    """One cell changed to fit Excel: its 0-based data row (:data:`HEADER_ROW` for the header),
    its column's header and what was done, in words."""

    row: int
    header: str
    reason: str


def utf16_units(text: str) -> int:
    """The length of ``text`` as Excel counts it: UTF-16 code units.

    >>> utf16_units("abc"), utf16_units("\\U0001F600"), utf16_units("caf\\u00e9")
    (3, 2, 4)
    """
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut_text(text: str, limit: int = EXCEL_MAX_TEXT_UNITS) -> str:
    """``text`` cut to at most ``limit`` UTF-16 units, never between the two halves of a
    surrogate pair (the text is then one unit shorter).

    >>> len(cut_text("x" * 40_000)), cut_text("ab\\U0001F600", 3), cut_text("ab\\U0001F600", 4) == "ab\\U0001F600"
    (32767, 'ab', True)
    """
    if len(text) <= limit // 2 or utf16_units(text) <= limit:
        return text
    if text.isascii():
        return text[:limit]
    raw = text.encode("utf-16-le", "surrogatepass")[: 2 * limit]
    last = int.from_bytes(raw[-2:], "little")
    if 0xD800 <= last <= 0xDBFF:  # a high surrogate whose low half was cut off
        raw = raw[:-2]
    return raw.decode("utf-16-le", "surrogatepass")


def escape_csv_controls(text: str) -> str:
    """The C0 control characters (but tab, LF, CR) and lone surrogates of ``text`` as ``_xHHHH_``.

    >>> escape_csv_controls("Fin\\x01ance\\tok")
    'Fin_x0001_ance\\tok'
    """
    return _CSV_CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def number_beyond(value) -> bool:
    """Whether a Python or numpy number is one Excel cannot hold (infinite or beyond
    +-9.99999999999999E+307); NaN (a blank) is not.

    >>> number_beyond(1e308), number_beyond(-math.inf), number_beyond(math.nan), number_beyond(10**400)
    (True, True, False, True)
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return abs(int(value)) > EXCEL_MAX_NUMBER
    return abs(float(value)) > EXCEL_MAX_NUMBER


def _number_text(v) -> str:
    if isinstance(v, int) and not isinstance(v, bool):
        if abs(v) < 10**20:
            return str(v)
        log = math.log10(abs(v))  # (str() of an int of thousands of digits raises)
        exp = int(log)
        return f"{'-' if v < 0 else ''}{10 ** (log - exp):.6g}e+{exp} (a whole number of {exp + 1:,} digits)"
    v = float(v)
    if math.isinf(v):
        return "-inf" if v < 0 else "inf"
    return repr(v)


def _number_reason(v) -> str:
    if not isinstance(v, int) and math.isinf(float(v)):
        return f"the number {_number_text(v)} (infinite) is not one Excel can hold: written as #NUM!"
    if v < 0:
        return (f"the number {_number_text(v)} is beyond Excel's smallest (-{EXCEL_MAX_NUMBER_TEXT}): "
                "written as #NUM!")
    return f"the number {_number_text(v)} is beyond Excel's largest ({EXCEL_MAX_NUMBER_TEXT}): written as #NUM!"


def _text_fix(text: str, csv: bool) -> tuple[str, list[str]]:
    """The text as written, and the reasons it was changed."""
    reasons = []
    if csv and _CSV_CONTROL.search(text):
        found = sorted({f"U+{ord(c):04X}" for c in _CSV_CONTROL.findall(text)})
        shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        text = escape_csv_controls(text)
        reasons.append(f"the text holds control characters ({shown}) a CSV file should not carry: "
                       "written as _xHHHH_")
    if len(text) > _SURELY_SHORT:
        units = utf16_units(text)
        if units > EXCEL_MAX_TEXT_UNITS:
            counted = "" if units == len(text) else " as Excel counts them (UTF-16 units)"
            text = cut_text(text)
            kept = utf16_units(text)
            reasons.append(f"the text is {units:,} characters long{counted} (Excel holds "
                           f"{EXCEL_MAX_TEXT_UNITS:,}): cut to {kept:,}")
    return text, reasons


def _float_column(col: np.ndarray) -> tuple[np.ndarray, list[tuple[int, str]]]:
    with np.errstate(invalid="ignore", over="ignore"):
        x = col if col.dtype == np.float64 else col.astype(np.float64)
        bad = np.abs(x) > EXCEL_MAX_NUMBER  # inf too; NaN compares False (a blank)
    if not bad.any():
        return col, []
    rows = np.flatnonzero(bad)
    found = [(i, _number_reason(v)) for i, v in zip(rows.tolist(), x[rows].tolist(), strict=True)]
    out = col.copy()
    out[rows] = NUM_ERROR
    return out, found


def _text_array_column(col: np.ndarray, csv: bool) -> tuple[np.ndarray, list[tuple[int, str]]]:
    chars = col.dtype.itemsize // (4 if col.dtype.kind == "U" else 1)
    if chars <= _SURELY_SHORT and not csv:
        return col, []
    texts = col.astype(str).tolist() if col.dtype.kind == "S" else col.tolist()
    suspect: Sequence[int]
    if csv and _CSV_CONTROL.search("\n".join(texts)):
        suspect = range(len(texts))
    elif chars > _SURELY_SHORT:
        suspect = np.flatnonzero(np.char.str_len(col) > _SURELY_SHORT).tolist()
    else:
        return col, []
    found, changed = [], {}
    for i in suspect:
        new, reasons = _text_fix(texts[i], csv)
        if reasons:
            changed[i] = new
            found += [(i, r) for r in reasons]
    if not changed:
        return col, []
    for i, new in changed.items():
        texts[i] = new
    return np.array(texts, dtype=str), found  # as wide as the longest text now is


def _of(items: list, classes: set) -> list:
    """The items of exactly these classes (``is`` for one class: several times faster than ``in``)."""
    if len(classes) == 1:
        (cls,) = classes
        return [v for v in items if v.__class__ is cls]
    return [v for v in items if v.__class__ in classes]


def _coded_safe(col: np.ndarray, csv: bool) -> bool:
    """Whether a column the CSV reader coded (:func:`xl_kent.files.reading.coded`) surely needs
    no change, read off its Arrow form: its distinct cells checked (repeated texts), or its
    UTF-8 bytes (no text over :data:`_SURELY_SHORT` bytes, no control character for a CSV; a
    valid UTF-8 text has no lone surrogate). False: check the cells one by one."""
    from .reading import coded

    c = coded(col) if fast() else None
    if c is None:
        return False
    if c.labels is not None:
        return _labels_safe(c.labels, csv)
    _validity, offsets, data = c.text.buffers()
    if data is None:
        return True
    offsets = np.frombuffer(offsets, dtype=np.int32)[c.text.offset:c.text.offset + len(c.text) + 1]
    if len(offsets) > 1 and int(np.diff(offsets).max()) > _SURELY_SHORT:  # (bytes >= characters)
        return False
    return not (csv and _CSV_CONTROL_BYTES[np.frombuffer(data, dtype=np.uint8)[offsets[0]:offsets[-1]]].any())


def _labels_safe(labels: np.ndarray, csv: bool) -> bool:
    """Whether no distinct cell of a coded column needs a change: worked out once for the labels
    every block of rows of a big CSV shares (the reader's, never changed in place)."""
    from .._arrays import once_per_array

    return once_per_array(f"excel safe, csv={csv}", lambda v: not _object_column(v, csv)[1], labels)


_CSV_CONTROL_BYTES = np.zeros(256, dtype=bool)
_CSV_CONTROL_BYTES[[i for i in range(32) if _CSV_CONTROL.match(chr(i))]] = True


def _object_column(col: np.ndarray, csv: bool) -> tuple[np.ndarray, list[tuple[int, str]]]:
    if _coded_safe(col, csv):
        return col, []
    items = col.tolist()
    types = set(map(type, items))
    safe = {t for t in types if issubclass(t, _ALWAYS_SAFE) or issubclass(t, np.integer)}  # numpy ints fit
    if safe == types:
        return col, []
    text_types = {t for t in types if issubclass(t, str)}
    float_types = {t for t in types if issubclass(t, (float, np.floating))}
    int_types = {t for t in types - safe if issubclass(t, int)}
    other = types - safe - text_types - float_types - int_types  # written as their text, str(value)
    suspect: set = set()
    if text_types:
        texts = list(filter(None, items)) if types <= text_types | {type(None)} else _of(items, text_types)
        if fast():  # each distinct text checked once (a reason repeated on many rows)
            texts = list(dict.fromkeys(texts))
        if (max(map(len, texts), default=0) > _SURELY_SHORT
                or (csv and _CSV_CONTROL.search("\n".join(texts)))):
            suspect |= text_types
    if float_types:
        with np.errstate(invalid="ignore", over="ignore"):
            floats = np.array(_of(items, float_types), dtype=np.float64)
            if (np.abs(floats) > EXCEL_MAX_NUMBER).any():
                suspect |= float_types
    if int_types:
        ints = _of(items, int_types)
        if max(ints) > EXCEL_MAX_NUMBER or min(ints) < -EXCEL_MAX_NUMBER:
            suspect |= int_types
    suspect |= other
    if not suspect:
        return col, []
    found, changed = [], {}
    for i, v in enumerate(items):
        cls = v.__class__
        if cls not in suspect:
            continue
        if cls in text_types or cls in other:
            new, reasons = _text_fix(v if cls in text_types else str(v), csv)
            if reasons:
                changed[i] = new
                found += [(i, r) for r in reasons]
        elif number_beyond(v):
            changed[i] = NUM_ERROR
            found.append((i, _number_reason(v)))
    if not changed:
        return col, []
    out = col.copy()
    for i, new in changed.items():
        out[i] = new
    return out, found


def excel_safe(headers: Sequence[str], columns: Sequence[np.ndarray], *, csv: bool = False
               ) -> tuple[list[str], list[np.ndarray], list[Issue]]:
    """The headers and columns of a sheet with every value Excel cannot hold made safe, and
    what was changed.

    Parameters
    ----------
    headers : sequence of str
        The header row.
    columns : sequence of numpy arrays
        The columns as :class:`xl_kent.files.writing.Sheet` takes them (float, int, bool,
        ``datetime64``, text or object arrays of cells).
    csv : bool
        The sheet is written as CSV: control characters are escaped as ``_xHHHH_`` too
        (xlsx carries them itself).

    Returns
    -------
    headers : list of str
        As given, a header over the text limit cut.
    columns : list of numpy arrays
        A column with nothing to change is the same array (no copy); a changed one is a
        copy of the same dtype, with :data:`NUM_ERROR` (infinity: ``#NUM!`` in both
        writers) for a number beyond Excel's range and the cut (or escaped) text.
    issues : list of Issue
        One per change, by row then column: the 0-based data row (:data:`HEADER_ROW` for a
        header), the column's header, and the reason in words.

    Notes
    -----
    Float columns are checked in one vectorised comparison; text and object columns with
    one pass over their cells' lengths (and one regular-expression search over the joined
    text for CSV); cells are looked at one by one only in a column where something is wrong.

    >>> h, cols, issues = excel_safe(["pay", "name"], [np.array([1.5, 1e308, np.nan]),
    ...                                                np.array(["a", "x" * 40_000, None], dtype=object)])
    >>> cols[0].tolist(), len(cols[1][1])
    ([1.5, inf, nan], 32767)
    >>> for i in issues:
    ...     print(i.row, i.header, i.reason)
    1 pay the number 1e+308 is beyond Excel's largest (9.99999999999999E+307): written as #NUM!
    1 name the text is 40,000 characters long (Excel holds 32,767): cut to 32,767
    """
    if len(headers) != len(columns):
        raise ValueError(f"{len(headers)} headers but {len(columns)} columns")
    found: list[tuple[int, int, str]] = []
    out_headers = []
    for j, h in enumerate(headers):
        new, reasons = _text_fix(str(h), csv)
        out_headers.append(new)
        found += [(HEADER_ROW, j, r) for r in reasons]
    out_columns = []
    for j, col in enumerate(columns):
        col = np.asarray(col)
        kind = col.dtype.kind
        if kind == "f":
            col, col_found = _float_column(col)
        elif kind in "US":
            col, col_found = _text_array_column(col, csv)
        elif kind == "O":
            col, col_found = _object_column(col, csv)
        else:  # bool, int64 (never beyond 9.2E+18), datetime64, timedelta64
            col_found = []
        out_columns.append(col)
        found += [(i, j, r) for i, r in col_found]
    found.sort(key=lambda f: (f[0], f[1]))
    return out_headers, out_columns, [Issue(i, out_headers[j], r) for i, j, r in found]
