"""Cells of a file read into typed columns, with a status per cell.

Cells are parsed column by column into numpy arrays (``float64``, ``datetime64[D]``,
``bool``, trimmed text) and a status per row (the codes of :mod:`xl_kent.cells`:
``GOOD``, ``BLANK``, ``WRONG_TYPE``, ``ERROR``, ``OUT_OF_RANGE``). Nothing is guessed:
text that is not a number or a date, a US month/day date, a two-digit year is
``WRONG_TYPE``. Each distinct text is parsed once.

Examples
--------
>>> vals, status = parse_dates(np.array(["2024-04-01", "01/04/2024", "45383", "04/13/2024", None],
...                                     dtype=object))
>>> vals.astype(str).tolist(), status.tolist()
(['2024-04-01', '2024-04-01', '2024-04-01', 'NaT', 'NaT'], [0, 0, 0, 3, 1])
>>> vals, status = parse_numbers(np.array(["32000", "£32,000.50", "TBC", 41.5, None], dtype=object))
>>> vals.tolist(), status.tolist()
([32000.0, 32000.5, nan, 41.5, nan], [0, 0, 3, 0, 1])
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from itertools import repeat

import numpy as np

from .._arrays import fast
from ..cells import BLANK, ERROR, GOOD, OUT_OF_RANGE, WRONG_TYPE, to_dates, to_text
from ..errors import EXCEL_ERRORS

__all__ = ["BLANK", "ERROR", "GOOD", "OUT_OF_RANGE", "WRONG_TYPE", "parse_numbers", "parse_dates", "parse_text",
           "parse_bools", "factorize", "blank_rows", "repeated", "date_from_text"]

_NUM, _STR, _NONE, _BOOL, _DATE, _OTHER = range(6)
_TYPE_CODE = {float: _NUM, int: _NUM, np.float64: _NUM, np.int64: _NUM, np.float32: _NUM, np.int32: _NUM,
              str: _STR, np.str_: _STR, type(None): _NONE, bool: _BOOL, np.bool_: _BOOL,
              dt.date: _DATE, dt.datetime: _DATE}
_ERROR_VALUES = frozenset(EXCEL_ERRORS)
_MONEY = re.compile(r"^[+-]?£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^[+-]?£?\s*\.\d+$")


def _coded(col):
    """The CSV reader's coded form of ``col`` (:func:`xl_kent.files.reading.coded`) when the
    shortcuts are on, else None. Parsing each distinct cell once and indexing the results by
    the codes gives what parsing every cell gives: each cell's result depends on that cell only."""
    if not fast():
        return None
    from ..files.reading import coded

    return coded(col)


def _of_labels(what: str, parse, labels: np.ndarray):
    """``parse(labels)`` (a coded column's distinct cells: never changed in place), worked out
    once for labels that several blocks of rows share (:func:`xl_kent._arrays.once_per_array`)."""
    from .._arrays import once_per_array

    return once_per_array(what, parse, labels)


def _labelled(col):
    """:func:`_coded` when it has distinct labels and codes (a column of repeated texts)."""
    c = _coded(col)
    return c if c is not None and c.labels is not None else None


def _type_codes(col: np.ndarray) -> np.ndarray:
    """A kind code per cell (number, text, blank, bool, date, other), int8."""
    n = col.shape[0]
    kinds = set(map(type, col))
    codes = {_TYPE_CODE.get(k, _OTHER) for k in kinds}
    if len(codes) == 1:  # one kind of cell: the usual case
        return np.full(n, codes.pop(), dtype=np.int8)
    if len(codes) == 2 and _NONE in codes:  # one kind and blanks (a CSV column)
        other = (codes - {_NONE}).pop()
        return np.where(np.equal(col, None), _NONE, other).astype(np.int8)
    get = _TYPE_CODE.get
    return np.fromiter(map(get, map(type, col), repeat(_OTHER)), dtype=np.int8, count=n)


def _text_status(s: str) -> int:
    t = s.strip()
    if not t:
        return BLANK
    return ERROR if t.upper() in _ERROR_VALUES else WRONG_TYPE


def _number_from_text(s: str) -> tuple[float, int]:
    t = s.strip()
    if _MONEY.match(t):
        v = float(t.replace("£", "").replace(",", "").replace(" ", ""))
        return v, GOOD
    try:
        v = float(t)
    except ValueError:
        return np.nan, _text_status(t)
    return (v, GOOD) if np.isfinite(v) else (np.nan, WRONG_TYPE)


#: Text numbers converted at a time: a chunk with a bad cell is read again more slowly.
_NUMBER_CHUNK = 4096


def _plain_numbers(text: list[str]) -> np.ndarray:
    """``float`` of each text, NaN where it is not a plain number (read again by the caller)."""
    v = np.empty(len(text))
    for start in range(0, len(text), _NUMBER_CHUNK):  # plain numbers in bulk, chunk by chunk
        chunk = text[start : start + _NUMBER_CHUNK]
        try:
            v[start : start + len(chunk)] = np.fromiter(map(float, chunk), dtype=np.float64, count=len(chunk))
        except ValueError:  # some text in this chunk is not a plain number
            v[start : start + len(chunk)] = np.fromiter(map(_float_or_nan, chunk), dtype=np.float64,
                                                        count=len(chunk))
    return v


def _arrow_numbers(col: np.ndarray, idx: np.ndarray) -> np.ndarray | None:
    """The numbers of the text cells ``idx`` of a column the CSV reader kept as Arrow text (ids,
    salaries: many distinct texts), parsed by Arrow in one go, or None (not such a column, or
    some text is not a plain decimal number: then the general code reads them all).

    Arrow's parse and ``float`` both give the correctly rounded double of a decimal number, so a
    finite value is the one ``float`` gives; the cells Arrow reads as NaN or infinite (``"nan"``,
    ``"inf"``, ``"1e999"``, also ``"nan(1)"``, which ``float`` refuses) are read one by one by the
    caller, as the general code reads them."""
    c = _coded(col)
    if c is None or c.labels is not None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        numbers = pc.cast(c.text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return numbers.to_numpy(zero_copy_only=False)[idx]  # (the blank rows, null here, are not in idx)


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return np.nan


def parse_numbers(col, kind: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cells to ``float64`` and a status per row.

    Numbers are taken as they are; text is read as a number when it is one (CSV
    fields are all text), allowing a leading ``£`` and thousands commas
    (``"£32,000.50"``). Other text (``"TBC"``), booleans and dates are
    ``WRONG_TYPE``; ``"#N/A"``-style error values ``ERROR``; blanks ``BLANK``.
    """
    c = _labelled(col)
    if c is not None:  # a CSV column of repeated texts: each distinct one parsed once
        values, status = _of_labels("parse_numbers", parse_numbers, c.labels)
        return values[c.codes], status[c.codes]
    col = np.asarray(col, dtype=object)
    n = col.shape[0]
    values = np.full(n, np.nan)
    status = np.full(n, GOOD, dtype=np.int8)
    kind = _type_codes(col) if kind is None else kind
    num = kind == _NUM
    if num.all():
        values = col.astype(np.float64)
        return values, np.where(np.isnan(values), BLANK, GOOD).astype(np.int8)
    values[num] = col[num].astype(np.float64)
    status[num] = np.where(np.isnan(values[num]), BLANK, GOOD)
    status[kind == _NONE] = BLANK
    status[(kind == _BOOL) | (kind == _DATE) | (kind == _OTHER)] = WRONG_TYPE
    idx = np.flatnonzero(kind == _STR)
    if idx.size:
        text = col[idx].tolist()
        if len(set(text[:_PROBE_CELLS])) <= _PROBE_CELLS // 4:  # few distinct texts (hours, days)
            distinct, inverse = _distinct(text)
            parsed = [_number_from_text(s) for s in distinct]
            values[idx] = np.array([v for v, _ in parsed], dtype=np.float64)[inverse]
            status[idx] = np.array([c for _, c in parsed], dtype=np.int8)[inverse]
            return values, status
        v = _arrow_numbers(col, idx)
        if v is None:
            v = _plain_numbers(text)
        values[idx], status[idx] = v, GOOD
        odd = np.flatnonzero(~np.isfinite(v))  # "TBC", "£32,000", "nan": one by one
        cache: dict[str, tuple[float, int]] = {}
        for i in odd.tolist():
            t = text[i]
            r = cache.get(t)
            if r is None:
                r = cache[t] = _number_from_text(t)
            values[idx[i]], status[idx[i]] = r
    return values, status


# (a time may carry its UTC offset, as pandas and ISO 8601 write it: the day written is the day)
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(:\d{2}(\.\d*)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: \d{1,2}:\d{2}(:\d{2})?)?$")
_SERIAL = re.compile(r"^\d+(\.\d+)?$")
_NAMED_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%B-%Y", "%d %b %y")
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_NO_DAY = np.iinfo(np.int64).min


def _date_from_text(s: str) -> tuple[int, int]:
    """(days since 1970-01-01, status) of one text cell."""
    t = s.strip()
    m = _ISO.match(t)
    ymd = (int(m[1]), int(m[2]), int(m[3])) if m else None
    if ymd is None:
        m = _UK.match(t)
        ymd = (int(m[3]), int(m[2]), int(m[1])) if m else None  # day/month/year, never US
    if ymd is not None:
        try:
            return dt.date(*ymd).toordinal() - _EPOCH_ORDINAL, GOOD
        except ValueError:
            return _NO_DAY, WRONG_TYPE  # 31/02/2024, 04/13/2024 (a US date)
    if _SERIAL.match(t):
        c = to_dates([float(t)])
        return (int(c.values[0].astype(np.int64)), GOOD) if c.status[0] == GOOD else (_NO_DAY, int(c.status[0]))
    for fmt in _NAMED_FORMATS[:-1]:  # "1 April 2024", "01-Apr-2024" (two-digit years are refused)
        try:
            return dt.datetime.strptime(t, fmt).date().toordinal() - _EPOCH_ORDINAL, GOOD
        except ValueError:
            pass
    return _NO_DAY, _text_status(t)


def parse_dates(col, kind: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cells to ``datetime64[D]`` (``NaT`` where not a date) and a status per row.

    Date cells (time of day dropped); Excel serial numbers, as numbers or as text
    (below 61 is ``OUT_OF_RANGE``); text in ISO ``2024-04-01`` (a time after it is
    ignored), UK ``01/04/2024`` day/month/year (``/``, ``.`` or ``-``), or with the
    month in words (``1 April 2024``, ``01-Apr-2024``). A date that does not exist
    in day/month order (``04/13/2024``) is ``WRONG_TYPE``: US month/day is never
    guessed, nor two-digit years. Each distinct text is parsed once.
    """
    c = _labelled(col)
    if c is not None:  # a CSV column of repeated texts: the distinct ones parsed (in one go if ISO)
        values, status = _of_labels("parse_dates", parse_dates, c.labels)
        return values[c.codes], status[c.codes]
    col = np.asarray(col, dtype=object)
    n = col.shape[0]
    days = np.full(n, _NO_DAY, dtype=np.int64)
    status = np.full(n, GOOD, dtype=np.int8)
    kind = _type_codes(col) if kind is None else kind
    status[kind == _NONE] = BLANK
    status[(kind == _BOOL) | (kind == _OTHER)] = WRONG_TYPE
    for k in (_DATE, _NUM):
        idx = np.flatnonzero(kind == k)
        if idx.size:
            c = to_dates(col[idx].tolist())
            days[idx] = np.where(c.status == GOOD, c.values.astype(np.int64), _NO_DAY)
            status[idx] = c.status
    idx = np.flatnonzero(kind == _STR)
    if idx.size:
        text = col[idx].tolist()
        iso = _all_iso(text)
        if iso is not None:
            days[idx] = iso
            return np.where(status == GOOD, days, _NAT_DAYS).astype("datetime64[D]"), status
        distinct, inverse = _distinct(text)  # each distinct text parsed once
        parsed = [_date_from_text(s) for s in distinct]
        days[idx] = np.array([d for d, _ in parsed], dtype=np.int64)[inverse]
        status[idx] = np.array([c for _, c in parsed], dtype=np.int8)[inverse]
    return np.where(status == GOOD, days, _NAT_DAYS).astype("datetime64[D]"), status


_NAT_DAYS = np.datetime64("NaT").astype(np.int64)


def _all_iso(text: list[str]) -> np.ndarray | None:
    """Days of a list of ``YYYY-MM-DD`` texts parsed by numpy in one go, or None if any is not.

    numpy reads ISO dates in C; ten characters and a four-digit year leave no other form
    it would accept (``2024-4-1``, ``01/04/2024``, ``2024-02-30`` fall back to the
    one-by-one reading).
    """
    if set(map(len, text)) != {_ISO_CHARS}:
        return None
    try:
        days = np.array(text, dtype="datetime64[D]")
    except ValueError:
        return None
    if not ((days >= _ISO_FIRST) & (days <= _ISO_LAST)).all():
        return None
    return days.astype(np.int64)


_ISO_CHARS = len("2024-04-01")
_ISO_FIRST, _ISO_LAST = np.datetime64("1000-01-01"), np.datetime64("9999-12-31")


def parse_text(col) -> tuple[np.ndarray, np.ndarray]:
    """Cells to trimmed text (object array; whole numbers lose ``.0``) and a status.

    A column of text and blanks with few distinct values (grades, contract types) is
    trimmed once per distinct value.
    """
    c = _labelled(col)
    if c is not None:  # a CSV column of repeated texts (names, teams): each distinct one trimmed once
        labels = _of_labels("to_text", to_text, c.labels)
        return labels.values[c.codes], labels.status[c.codes]
    values, status, _index = _parse_text_indexed(col)
    return values, status


def _parse_text_indexed(col, kind: np.ndarray | None = None):
    """:func:`parse_text`, and ``(distinct texts, inverse)`` or the trimmed texts as a list
    (or, for a CSV column, as a pyarrow string array) when they came for free (else None)."""
    fastest = _parse_text_coded(col)
    if fastest is not None:
        return fastest
    col = np.asarray(col, dtype=object)
    n = col.shape[0]
    kind = _type_codes(col) if kind is None else kind
    if n and ((kind == _STR) | (kind == _NONE)).all():
        cells = col.tolist()
        if len(set(cells[:_PROBE_CELLS])) <= _PROBE_CELLS // 4:  # few distinct values (grades)
            distinct, inverse = _distinct(cells)
            if len(distinct) <= n // 4:
                labels = to_text(distinct)
                return labels.values[inverse], labels.status[inverse], (labels.values, inverse)
        if (kind == _STR).all():  # many distinct texts (ids): trimmed, then checked in bulk
            stripped = list(map(str.strip, cells))
            values = np.array(stripped, dtype=object)
            status = np.where(values == "", BLANK, GOOD).astype(np.int8)
            joined = "\n".join(stripped)
            if joined.startswith("#") or "\n#" in joined:  # error values start with #
                hashes = np.fromiter(map(str.startswith, stripped, repeat("#")), dtype=bool, count=n)
                for i in np.flatnonzero(hashes).tolist():
                    if stripped[i].upper() in _ERROR_VALUES:
                        values[i], status[i] = "", ERROR
            return values, status, stripped
    c = to_text(col)
    return c.values, c.status, None


#: Cells looked at to decide whether a text column has few distinct values.
_PROBE_CELLS = 2000


def _parse_text_coded(col):
    """:func:`_parse_text_indexed` of a column the CSV reader coded, taking the same route as
    the general code (so the same result): the distinct texts trimmed once, or (ids) the
    texts unchanged when the UTF-8 bytes show that none has a space at either end or starts
    with ``#`` (no error value). None: take the general code."""
    c = _coded(col)
    if c is None:
        return None
    if c.labels is not None:
        n = len(c.codes)
        if n and np.unique(c.codes[:_PROBE_CELLS]).size <= _PROBE_CELLS // 4 and len(c.labels) <= n // 4:
            labels = _of_labels("to_text", to_text, c.labels)
            inverse = c.codes.astype(np.int64)
            return labels.values[inverse], labels.status[inverse], (labels.values, inverse)
        return None
    s = c.text
    n = len(s)
    if not n or s.null_count or len(set(s.slice(0, _PROBE_CELLS).to_pylist())) <= _PROBE_CELLS // 4:
        return None
    from ..files.reading import utf8_layout  # (as coded: the files layer only where it read the column)

    offsets, data = utf8_layout(s)
    if not (offsets[1:] > offsets[:-1]).all():
        return None
    if _KEEP_FIRST_BYTE[data[offsets[:-1]]].all() and _KEEP_LAST_BYTE[data[offsets[1:] - 1]].all():
        return np.array(col, dtype=object), np.full(n, GOOD, dtype=np.int8), s
    return None


def _byte_mask(bad: str) -> np.ndarray:
    """True for the bytes that are ASCII and not in ``bad`` (a byte of a non-ASCII character is False)."""
    keep = np.zeros(256, dtype=bool)
    keep[:128] = True
    keep[[ord(ch) for ch in bad]] = False
    return keep


# Characters str.strip() takes off (ASCII ones; any non-ASCII byte sends the column the general way).
_STRIPPED = "".join(chr(i) for i in range(128) if chr(i).isspace())
_KEEP_FIRST_BYTE = _byte_mask(_STRIPPED + "#")  # every error value starts with "#"
_KEEP_LAST_BYTE = _byte_mask(_STRIPPED)


def factorize(text: np.ndarray, fold: bool = False) -> tuple[list[str], np.ndarray]:
    """Distinct values of a text column (object array) and each row's index into them.

    With ``fold=True`` values are matched ignoring case.

    >>> factorize(np.array(["KR6", "kr6", "E1", "KR6"], dtype=object), fold=True)
    (['kr6', 'e1'], array([0, 0, 1, 0]))
    """
    cells = text.tolist()
    if fold:
        cells = list(map(str.casefold, cells))
    return _distinct(cells)


def _distinct(cells: list) -> tuple[list, np.ndarray]:
    """The distinct texts (or ``None``) of a list in order of first appearance, as
    ``dict.fromkeys`` gives them, and each cell's index into them (int64).

    >>> _distinct(["b", None, "a", "b", None])
    (['b', None, 'a'], array([0, 1, 2, 0, 1]))
    """
    try:  # pyarrow hashes the texts in C (equal texts are equal UTF-8)
        import pyarrow as pa

        coded = pa.array(cells, type=pa.string()).dictionary_encode(null_encoding="encode")
    except (ImportError, UnicodeError, ValueError, TypeError):  # (ArrowInvalid is a ValueError)
        index = {s: i for i, s in enumerate(dict.fromkeys(cells))}
        return list(index), np.fromiter(map(index.__getitem__, cells), dtype=np.int64, count=len(cells))
    return coded.dictionary.to_pylist(), _ints(coded.indices).astype(np.int64)


_TRUE = frozenset({"true", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "no", "n", "0", "0.0"})


def parse_bools(col) -> tuple[np.ndarray, np.ndarray]:
    """Cells to ``bool``: TRUE/FALSE cells, 1/0, and yes/no, y/n, true/false text.

    >>> parse_bools(np.array([True, "yes", "N", 1, None, "maybe"], dtype=object))[1].tolist()
    [0, 0, 0, 0, 1, 3]
    """
    c = _labelled(col)
    if c is not None:  # a CSV column of repeated texts: each distinct one read once
        values, status = _of_labels("parse_bools", parse_bools, c.labels)
        return values[c.codes], status[c.codes]
    text, status = parse_text(col)
    distinct, inverse = _distinct(text.tolist())  # each distinct trimmed text looked up once
    low = [s.casefold() for s in distinct]
    values = np.array([s in _TRUE for s in low], dtype=bool)[inverse]
    known = np.array([s in _TRUE or s in _FALSE for s in low], dtype=bool)[inverse]
    status = np.where((status == GOOD) & ~known, WRONG_TYPE, status).astype(np.int8)
    return values & (status == GOOD), status


def blank_rows(columns: Iterable, n: int) -> np.ndarray:
    """Rows whose cells are all blank (``None`` or spaces), narrowed column by column.

    Each column is an array of cells, or a function giving the cells on given rows (an
    index array: :meth:`xl_kent.files.reading.Table.cells`), so only the rows still blank
    are looked at, or a pair of functions of those rows: which of their cells are ``None``
    (bool), and their cells (asked for only where text might be spaces alone: a column the
    CSV reader keeps coded is then never made whole, :meth:`ArrowColumns.none_on
    <xl_kent.files.reading.ArrowColumns.none_on>`). The three give the same rows.

    >>> blank_rows([np.array([None, "x", " "], dtype=object), lambda rows: np.full(len(rows), None)], 3).tolist()
    [True, False, True]
    >>> cells = np.array([None, "x", " "], dtype=object)
    >>> blank_rows([(lambda rows: np.equal(cells[rows], None), lambda rows: cells[rows])], 3).tolist()
    [True, False, True]
    """
    candidates = np.arange(n)
    for col in columns:
        if isinstance(col, tuple):
            none_on, cells_on = col
            sub = None
            empty = np.asarray(none_on(candidates), dtype=bool)
        else:
            sub = col(candidates) if callable(col) else col[candidates]
            empty = np.equal(sub, None)
        rest = np.flatnonzero(~empty)
        if rest.size and rest.size <= len(candidates) // 2 + 64:  # spaces-only text is blank too
            texts = (cells_on(candidates[rest]) if sub is None else sub[rest]).tolist()
            empty[rest] = [isinstance(v, str) and not v.strip() for v in texts]
        candidates = candidates[empty]
        if not candidates.size:
            break
    blank = np.zeros(n, dtype=bool)
    blank[candidates] = True
    return blank



def _ints(a) -> np.ndarray:
    """A pyarrow integer array without nulls as numpy, in place (:func:`xl_kent.files.reading.int_values`)."""
    from ..files.reading import int_values

    return int_values(a)


def repeated(texts: list[str], fold: bool = False) -> np.ndarray | None:
    """Mask of the texts that occur more than once, or None when each occurs once.

    ``texts`` may be a pyarrow string array without nulls; ``fold=True`` matches them
    ignoring case (``str.casefold``).

    >>> repeated(["a", "b", "a"]).tolist(), repeated(["a", "b"]), repeated(["a", "A"], fold=True).tolist()
    ([True, False, True], None, [True, True])
    """
    if not isinstance(texts, list):  # a pyarrow array (a CSV column)
        import pyarrow.compute as pc

        numbers = _canonical_integers(texts)
        if numbers is not None:  # payroll numbers: equal texts are equal integers, found by sorting
            ordered = np.sort(numbers)
            twice = ordered[1:][ordered[1:] == ordered[:-1]]
            return np.isin(numbers, twice) if twice.size else None
        if fold and not pc.all(pc.string_is_ascii(texts)).as_py():
            texts = texts.to_pylist()
        else:
            coded = (pc.ascii_lower(texts) if fold else texts).dictionary_encode()  # ASCII: casefold is lower
            if len(coded.dictionary) == len(texts):
                return None
            codes = _ints(coded.indices)
            return np.bincount(codes)[codes] > 1
    if fold:
        texts = list(map(str.casefold, texts))
    try:  # pyarrow hashes the texts in C (equal texts are equal UTF-8)
        import pyarrow as pa

        coded = pa.array(texts, type=pa.string()).dictionary_encode()
    except (ImportError, UnicodeError, ValueError, TypeError):  # (ArrowInvalid is a ValueError)
        if len(set(texts)) == len(texts):
            return None
        counts = Counter(texts)
        return np.fromiter(map(counts.__getitem__, texts), dtype=np.int64, count=len(texts)) > 1
    if len(coded.dictionary) == len(texts):
        return None
    codes = _ints(coded.indices)
    return np.bincount(codes)[codes] > 1



def _canonical_integers(s) -> np.ndarray | None:
    """The texts of a pyarrow string array without nulls as int64 when every one is a whole
    number written the one way (digits only, at most 18, no leading zero): then two texts are
    equal exactly when their numbers are. Else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(s) or s.null_count:
        return None
    from ..files.reading import utf8_layout  # (as coded: the files layer only where it read the column)

    offsets, data = utf8_layout(s)
    size = offsets[1:] - offsets[:-1]
    if size.min() < 1 or size.max() > 18:
        return None
    if not _DIGIT_BYTES[data[offsets[0]:offsets[-1]]].all():
        return None
    if ((data[offsets[:-1]] == ord("0")) & (size > 1)).any():  # "007" is not "7"
        return None
    return _ints(pc.cast(s, pa.int64()))


_DIGIT_BYTES = np.zeros(256, dtype=bool)
_DIGIT_BYTES[ord("0"):ord("9") + 1] = True


date_from_text = _date_from_text
