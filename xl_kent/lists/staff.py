"""Columns of a staff list: header mapping, cell parsing and row validation.

A file's header cells are matched to the canonical field names of :data:`STAFF_FIELDS`
ignoring case, spaces, underscores, hyphens and punctuation (``"Date of Birth"``,
``"date_of_birth"`` and ``"DOB"`` are one field), with a few common aliases each, and
``--map "Pay=annual_salary"`` for any other name. Every column not mapped is carried
through untouched.

Cells are parsed column by column into typed numpy arrays with a status per row (the
codes of :mod:`xl_kent.cells`); nothing is guessed: text that is not a number or a
date, a US month/day date, an impossible age... is a *problem* of that row, listed
with the file's row number, the column header and a plain reason, and the row is kept.

Examples
--------
>>> normalise_header(" Date of Birth ") == normalise_header("date_of_birth") == "dateofbirth"
True
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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from xl_kent import params

from ..cells import BLANK, ERROR, GOOD, OUT_OF_RANGE, WRONG_TYPE, to_dates, to_text
from ..dates import MONTHS_PER_YEAR, complete_months
from ..errors import EXCEL_ERRORS
from ..leave import grade_entitlement_days

__all__ = [
    "Field",
    "STAFF_FIELDS",
    "MIN_AGE_YEARS",
    "MAX_AGE_YEARS",
    "CONTRACTS",
    "ColumnError",
    "Problems",
    "Staff",
    "normalise_header",
    "parse_map_options",
    "map_columns",
    "parse_numbers",
    "parse_dates",
    "parse_text",
    "parse_bools",
    "factorize",
    "read_staff",
]

#: Youngest and oldest plausible age (completed years) on the as-of date. An age
#: outside these is a data error (a mistyped birth year), not a person to model.
MIN_AGE_YEARS = 16
MAX_AGE_YEARS = 100

#: Contract types and the words accepted for them (case ignored).
CONTRACTS = {"salaried": "salaried", "permanent": "salaried", "fixed term": "salaried",
             "casual": "casual", "relief": "relief", "permanent relief": "relief"}


@dataclass(frozen=True)
class Field:
    """A canonical column: its name, kind, whether it must be present, and aliases."""

    name: str
    kind: str  # "id", "text", "grade", "contract", "number", "date", "bool"
    required: bool
    aliases: tuple[str, ...] = ()
    meaning: str = ""


STAFF_FIELDS: tuple[Field, ...] = (
    Field("employee_id", "id", True,
          ("employee number", "employee no", "emp id", "emp no", "staff id", "staff number",
           "person id", "payroll number", "payroll id", "id"),
          "unique id of the employee (text or number)"),
    Field("name", "text", False, ("employee name", "full name", "staff name"), "carried through"),
    Field("cost_centre", "text", False, ("cost center", "cost code", "cc"), "carried; totals by it are up to you"),
    Field("grade", "grade", True, ("pay grade", "kr grade", "kent scheme grade"),
          "KR Entry, Apprentice, KR3 and above (\"KR6\", \"kr 6\" or 6)"),
    Field("contract_type", "contract", False, ("contract", "employment type", "contract basis"),
          "salaried (default), casual or relief"),
    Field("weekly_hours", "number", False,
          ("hours per week", "contracted hours", "contractual hours", "weekly contracted hours", "fte hours"),
          "contracted hours a week, above 0 up to the full-time week; blank = full time"),
    Field("hours_worked", "number", False, ("hours worked in year", "worked hours", "hours worked to date"),
          "casual and relief: hours worked in the leave year up to the as-of date"),
    Field("annual_salary", "number", True,
          ("salary", "actual salary", "annual pay", "actual annual salary", "salary gbp", "annual salary gbp"),
          "actual annual pay in £ (pro rata for part-time)"),
    Field("date_of_birth", "date", True, ("dob", "birth date", "birthdate"), "date of birth"),
    Field("service_start", "date", True,
          ("continuous service date", "continuous service start", "service start date", "service date", "csd"),
          "continuous service date (includes Modification Order service)"),
    Field("employment_start", "date", False,
          ("employment start date", "start date", "date joined", "joined", "hire date", "start"),
          "start of this employment; blank = service_start"),
    Field("employment_end", "date", False,
          ("employment end date", "end date", "leaving date", "date left", "termination date", "end"),
          "last day of employment; blank = still employed"),
    Field("prior_sick_days", "number", False,
          ("prior paid sick days", "paid sick days", "sick days", "sick days 12 months",
           "sick days last 12 months", "prior paid days"),
          "calendar days of paid sick leave in the 12 months before the as-of date; blank = 0"),
    Field("multiplier", "number", False,
          ("enhancement", "enhancement multiplier", "redundancy multiplier"),
          "discretionary redundancy enhancement, 1 to 2; blank = 1"),
)


class ColumnError(Exception):
    """A column problem that stops the run (missing, ambiguous, bad ``--map``); one line."""


def normalise_header(text) -> str:
    """Header text for matching: lower case, letters and digits only.

    >>> normalise_header("Sick Days (12 months)")
    'sickdays12months'
    """
    return re.sub(r"[^0-9a-z]", "", str(text or "").casefold())


def parse_map_options(options: Iterable[str] | None, fields: Sequence[Field]) -> dict[str, str]:
    """``--map`` options (``"Pay=annual_salary"``, repeatable or comma separated) as
    ``{normalised header: field name}``.

    >>> parse_map_options(["Pay=annual salary, Born = dob"], STAFF_FIELDS)
    {'pay': 'annual_salary', 'born': 'date_of_birth'}
    """
    lookup = _field_lookup(fields)
    out: dict[str, str] = {}
    for option in options or ():
        for part in str(option).split(","):
            if not part.strip():
                continue
            header, sep, target = part.partition("=")
            if not sep or not header.strip() or not target.strip():
                raise ColumnError(f'--map "{part.strip()}": write it as "HEADER IN FILE=field name"')
            name = lookup.get(normalise_header(target))
            if name is None:
                raise ColumnError(f'--map "{part.strip()}": "{target.strip()}" is not a column name; '
                                  f"use one of: {', '.join(f.name for f in fields)}")
            out[normalise_header(header)] = name
    return out


def _field_lookup(fields: Sequence[Field]) -> dict[str, str]:
    lookup = {}
    for f in fields:
        for label in (f.name, *f.aliases):
            lookup[normalise_header(label)] = f.name
    return lookup


def map_columns(headers: Sequence[str], fields: Sequence[Field],
                overrides: dict[str, str] | None = None) -> dict[str, int]:
    """Index of the file column of each field found: ``{field name: column index}``.

    Raises :class:`ColumnError` (one line) when a required field is missing, when two
    columns match one field, or when a ``--map`` header is not in the file.

    >>> map_columns(["Emp No", "Grade", "Salary", "DOB", "CSD", "Notes"], STAFF_FIELDS)
    {'employee_id': 0, 'grade': 1, 'annual_salary': 2, 'date_of_birth': 3, 'service_start': 4}
    >>> try:
    ...     map_columns(["Emp No", "Grade"], STAFF_FIELDS)
    ... except ColumnError as e:
    ...     print(str(e)[:37], "...", str(e)[-33:])
    missing required column annual_salary ... headers found: 'Emp No', 'Grade'
    """
    overrides = overrides or {}
    norm = [normalise_header(h) for h in headers]
    found_list = ", ".join(repr(h) for h in headers)
    for header in overrides:
        if header not in norm:
            raise ColumnError(f'--map: no column "{header}" in the file; headers found: {found_list}')
    lookup = _field_lookup(fields)
    mapping: dict[str, int] = {}
    claimed: dict[str, list[int]] = {}
    for i, h in enumerate(norm):
        name = overrides.get(h) or (lookup.get(h) if h not in overrides else None)
        if name is not None and h:
            claimed.setdefault(name, []).append(i)
    for f in fields:
        cols = claimed.get(f.name, [])
        if len(cols) > 1:
            names = " and ".join(repr(headers[i]) for i in cols)
            raise ColumnError(f"columns {names} both read as {f.name}: rename one or use --map")
        if cols:
            mapping[f.name] = cols[0]
        elif f.required:
            also = ", ".join(f.aliases[:4])
            raise ColumnError(f"missing required column {f.name} (also read as: {also}...); "
                              f"headers found: {found_list or '(none)'}")
    return mapping


# ---------------------------------------------------------------------------- parsing

_NUM, _STR, _NONE, _BOOL, _DATE, _OTHER = range(6)
_TYPE_CODE = {float: _NUM, int: _NUM, np.float64: _NUM, np.int64: _NUM, np.float32: _NUM, np.int32: _NUM,
              str: _STR, np.str_: _STR, type(None): _NONE, bool: _BOOL, np.bool_: _BOOL,
              dt.date: _DATE, dt.datetime: _DATE}
_ERROR_VALUES = frozenset(EXCEL_ERRORS)
_MONEY = re.compile(r"^[+-]?£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^[+-]?£?\s*\.\d+$")


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
        v = np.empty(len(text))
        for start in range(0, len(text), _NUMBER_CHUNK):  # plain numbers in bulk, chunk by chunk
            chunk = text[start : start + _NUMBER_CHUNK]
            try:
                v[start : start + len(chunk)] = np.fromiter(map(float, chunk), dtype=np.float64, count=len(chunk))
            except ValueError:  # some text in this chunk is not a plain number
                v[start : start + len(chunk)] = np.fromiter(map(_float_or_nan, chunk), dtype=np.float64,
                                                            count=len(chunk))
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


_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(:\d{2}(\.\d*)?)?)?$")
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
    values, status, _index = _parse_text_indexed(col)
    return values, status


def _parse_text_indexed(col, kind: np.ndarray | None = None):
    """:func:`parse_text`, and ``(distinct texts, inverse)`` or the trimmed texts as a list
    when they came for free (else None)."""
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
    return coded.dictionary.to_pylist(), coded.indices.to_numpy().astype(np.int64)


_TRUE = frozenset({"true", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "no", "n", "0", "0.0"})


def parse_bools(col) -> tuple[np.ndarray, np.ndarray]:
    """Cells to ``bool``: TRUE/FALSE cells, 1/0, and yes/no, y/n, true/false text.

    >>> parse_bools(np.array([True, "yes", "N", 1, None, "maybe"], dtype=object))[1].tolist()
    [0, 0, 0, 0, 1, 3]
    """
    text, status = parse_text(col)
    low = {s: s.casefold() for s in dict.fromkeys(text.tolist())}
    values = np.fromiter((low[s] in _TRUE for s in text.tolist()), dtype=bool, count=text.shape[0])
    known = np.fromiter((low[s] in _TRUE or low[s] in _FALSE for s in text.tolist()), dtype=bool,
                        count=text.shape[0])
    status = np.where((status == GOOD) & ~known, WRONG_TYPE, status).astype(np.int8)
    return values & (status == GOOD), status


# ---------------------------------------------------------------------------- problems


@dataclass
class Problems:
    """Problems found, kept as arrays: each entry is (rows, column, reason).

    ``column`` is a field name (shown as the file's header) or a result column.
    """

    entries: list[tuple[np.ndarray, str, str]] = field(default_factory=list)

    def add(self, mask_or_rows: np.ndarray, column: str, reason: str) -> None:
        a = np.asarray(mask_or_rows)
        rows = np.flatnonzero(a) if a.dtype == bool else a.astype(np.int64)
        if rows.size:
            self.entries.append((rows, column, reason))

    def rows_with(self, n: int, columns: Iterable[str] | None = None) -> np.ndarray:
        """Mask of rows with a problem (on any of ``columns`` when given)."""
        wanted = None if columns is None else set(columns)
        mask = np.zeros(n, dtype=bool)
        for rows, col, _ in self.entries:
            if wanted is None or col in wanted:
                mask[rows] = True
        return mask


_STATUS_REASON = {WRONG_TYPE: "is not {what}", ERROR: "holds an Excel error value",
                  OUT_OF_RANGE: "is an Excel date serial below 61 (before March 1900)"}


def _status_problems(problems: Problems, name: str, status: np.ndarray, what: str,
                     blank_is_problem: np.ndarray | bool = False) -> None:
    for code, template in _STATUS_REASON.items():
        problems.add(status == code, name, f"{name} {template.format(what=what)}")
    problems.add((status == BLANK) & blank_is_problem, name, f"{name} is blank")


# ---------------------------------------------------------------------------- staff


@dataclass
class Staff:
    """A staff list parsed and validated: typed columns by field name, problems."""

    n_rows: int
    mapping: dict[str, int]  # field -> column index in the file
    values: dict[str, np.ndarray]  # typed columns (defaults filled where a blank takes one)
    contract: np.ndarray  # "salaried" / "casual" / "relief" (object); "" where unknown
    blank_row: np.ndarray  # rows whose cells are all blank
    problems: Problems


def _blank_rows(columns: Sequence[np.ndarray], n: int) -> np.ndarray:
    """Rows whose cells are all blank (``None`` or spaces), narrowed column by column."""
    candidates = np.arange(n)
    for col in columns:
        sub = col[candidates]
        empty = np.equal(sub, None)
        rest = np.flatnonzero(~empty)
        if rest.size and rest.size <= len(candidates) // 2 + 64:  # spaces-only text is blank too
            empty[rest] = [isinstance(v, str) and not v.strip() for v in sub[rest].tolist()]
        candidates = candidates[empty]
        if not candidates.size:
            break
    blank = np.zeros(n, dtype=bool)
    blank[candidates] = True
    return blank


def _repeated(texts: list[str]) -> np.ndarray | None:
    """Mask of the texts that occur more than once, or None when each occurs once.

    >>> _repeated(["a", "b", "a"]).tolist(), _repeated(["a", "b"])
    ([True, False, True], None)
    """
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
    codes = coded.indices.to_numpy()
    return np.bincount(codes)[codes] > 1


def _leave_param(name: str, on: np.datetime64) -> float:
    p = params.parameter("leave", name)
    return float(p.value_on(on if on >= p.first_date else None))


def read_staff(table, as_of, overrides: dict[str, str] | None = None) -> Staff:
    """Map, parse and validate a staff list (a ``reading.Table``) on the as-of date.

    Raises :class:`ColumnError` for a missing, ambiguous or badly mapped column.
    Every row is kept; its problems are in ``Staff.problems``.
    """
    as_of = np.datetime64(as_of, "D")
    mapping = map_columns(table.headers, STAFF_FIELDS, overrides)
    n = table.n_rows
    problems = Problems()
    blank_row = _blank_rows(table.columns, n)
    problems.add(blank_row, "", "row is blank")
    filled = ~blank_row

    def col(name):
        return table.columns[mapping[name]] if name in mapping else np.full(n, None, dtype=object)

    csv = getattr(table, "kind", "") == "csv"

    def kinds(name):  # a CSV cell is text or None (the reader's contract): one test per cell
        return np.where(np.equal(col(name), None), _NONE, _STR).astype(np.int8) if csv else None

    values: dict[str, np.ndarray] = {}

    # Contract type: blank (or no column) is salaried.
    text, status, indexed = _parse_text_indexed(col("contract_type"), kinds("contract_type"))
    if isinstance(indexed, tuple):  # few distinct texts (the usual case): each looked up once
        labels, inverse = indexed
        contract = np.array([CONTRACTS.get(" ".join(s.casefold().split()), "") for s in labels.tolist()],
                            dtype=object)[inverse]
    else:
        words = {s: CONTRACTS.get(" ".join(s.casefold().split()), "") for s in dict.fromkeys(text.tolist())}
        contract = np.array([words[s] for s in text.tolist()], dtype=object) if n else np.array([], dtype=object)
    contract[status == BLANK] = "salaried"
    problems.add(filled & (contract == "") & (status != BLANK), "contract_type",
                 "contract_type is not salaried, casual or relief")
    salaried, casual = contract == "salaried", contract == "casual"
    relief = contract == "relief"

    # Employee id: required on every row; duplicates flag every row with that id.
    ids, status, fixed = _parse_text_indexed(col("employee_id"), kinds("employee_id"))
    values["employee_id"] = ids
    _status_problems(problems, "employee_id", status, "text", filled)
    if n:
        folded = list(map(str.casefold, fixed if isinstance(fixed, list) else ids.tolist()))
        dup = _repeated(folded)
        if dup is not None:  # some id (or blank) repeats
            problems.add(dup & (status == GOOD), "employee_id",
                         "employee_id is on more than one row (every such row is listed)")

    # Grade: needed for salaried and relief rows.
    grade, status, indexed = _parse_text_indexed(col("grade"), kinds("grade"))
    values["grade"] = grade
    needs_grade = filled & (salaried | relief)
    _status_problems(problems, "grade", status, "a grade", needs_grade)
    on = as_of if as_of >= params.parameter("leave", "grade_bands").first_date else np.datetime64("9999-12-31")
    if isinstance(indexed, tuple):  # distinct raw texts: equal trimmed labels may repeat, harmless
        labels, inverse = indexed[0].tolist(), indexed[1]
    else:
        labels, inverse = factorize(grade)
    values["grade_labels"], values["grade_index"] = np.array(labels + [""], dtype=object), inverse
    basic, _after = grade_entitlement_days(labels + [""], on)  # each distinct grade once
    problems.add(needs_grade & (status == GOOD) & np.isnan(basic[inverse]), "grade",
                 "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)")

    # Numbers.
    full_week = _leave_param("full_time_weekly_hours", as_of)
    for name, default in (("weekly_hours", full_week), ("hours_worked", np.nan), ("annual_salary", np.nan),
                          ("prior_sick_days", 0.0), ("multiplier", 1.0)):
        v, status = parse_numbers(col(name), kinds(name))
        _status_problems(problems, name, status, "a number")
        values[name] = np.where(status == BLANK, default, v)
        values[name + "_status"] = status
    hours = values["weekly_hours"]
    problems.add(filled & ~casual & ~relief & ~((hours > 0) & (hours <= full_week)) & ~np.isnan(hours),
                 "weekly_hours", f"weekly_hours is outside 0 to {full_week:g}")
    worked = values["hours_worked"]
    problems.add(filled & (casual | relief) & (values["hours_worked_status"] == BLANK), "hours_worked",
                 "hours_worked is blank (needed for casual and relief)")
    problems.add(filled & (worked < 0), "hours_worked", "hours_worked is negative")
    salary = values["annual_salary"]
    problems.add(filled & salaried & (values["annual_salary_status"] == BLANK), "annual_salary",
                 "annual_salary is blank")
    problems.add(filled & (salary <= 0), "annual_salary", "annual_salary is not above 0")
    problems.add(filled & (values["prior_sick_days"] < 0), "prior_sick_days", "prior_sick_days is negative")
    red = params.family("redundancy")
    lo, hi = float(red["min_multiplier"].value_on()), float(red["max_multiplier"].value_on())
    mult = values["multiplier"]
    problems.add(filled & ~((mult >= lo) & (mult <= hi)) & ~np.isnan(mult), "multiplier",
                 f"multiplier is outside {lo:g} to {hi:g}")

    # Dates.
    for name in ("date_of_birth", "service_start", "employment_start", "employment_end"):
        v, status = parse_dates(col(name), kinds(name))
        values[name] = v
        values[name + "_status"] = status
        required = {"date_of_birth": salaried, "service_start": salaried | relief}.get(name, False)
        _status_problems(problems, name, status, "a date", filled & required)
    birth, service = values["date_of_birth"], values["service_start"]
    start = np.where(np.isnat(values["employment_start"]), service, values["employment_start"])
    values["employment_start"] = start
    end = values["employment_end"]
    age = complete_months(birth, as_of) // MONTHS_PER_YEAR
    has_birth = ~np.isnat(birth)
    problems.add(filled & has_birth & (age < MIN_AGE_YEARS), "date_of_birth",
                 f"age on the as-of date is under {MIN_AGE_YEARS}")
    problems.add(filled & has_birth & (age > MAX_AGE_YEARS), "date_of_birth",
                 f"age on the as-of date is over {MAX_AGE_YEARS}")
    sixteenth = _add_years(birth, MIN_AGE_YEARS)
    problems.add(filled & has_birth & (age >= MIN_AGE_YEARS) & (age <= MAX_AGE_YEARS) & (service < sixteenth),
                 "service_start", f"service_start is before the {MIN_AGE_YEARS}th birthday")
    problems.add(filled & (start < service), "employment_start", "employment_start is before service_start")
    problems.add(filled & (end < start), "employment_end", "employment_end is before employment_start")
    values["age_years"] = np.where(has_birth, age, np.nan).astype(np.float64)
    values["service_years"] = np.where(
        np.isnat(service) | (service > as_of), np.nan, complete_months(service, as_of) // MONTHS_PER_YEAR
    ).astype(np.float64)

    # Blank rows have one problem only ("row is blank").
    if blank_row.any():
        problems.entries = [(r[~blank_row[r]], c, t) if c else (r, c, t) for r, c, t in problems.entries]
        problems.entries = [e for e in problems.entries if e[0].size]
    return Staff(n, mapping, values, contract, blank_row, problems)


def _add_years(d: np.ndarray, years: int) -> np.ndarray:
    from ..dates import add_months

    return add_months(d, years * MONTHS_PER_YEAR)
