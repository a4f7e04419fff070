"""The bulk commands' work over DataFrames: ``xl-kent recalc``, ``awards`` and ``absences`` from Python.

:func:`recalc`, :func:`awards` and :func:`absences` take a pandas or a polars DataFrame (or a
pyarrow Table), read it through Arrow into the cells a file reader gives (text as ``str``,
numbers as ``float``, dates as ``datetime`` at midnight, ``True``/``False``, nulls and NaN as
blank), and hand it to the commands' own functions (:func:`xl_kent_cli.recalc.recalc_table`,
:func:`xl_kent_cli.awards.check_table`, :func:`xl_kent_cli.absences.absences_table`): the same
column mapping, the same checks, figures, How sentences and problems as the commands. The
:class:`Result` comes back in the input's library (pandas in, pandas out; polars in, polars
out; pyarrow in, pyarrow out). pandas and polars are imported only when given or asked for:
neither is needed by ``xl_kent`` itself.

A missing or ambiguous column raises :class:`ColumnError` with the command's message; a
DataFrame without rows is a :class:`ValueError`, as the command refuses a file without data
rows. A bad cell never raises: it is a problem of its row, as in a file. What differs from a
file: every row is kept (a file's trailing rows that hold only an earlier run's results are
dropped by the commands; a DataFrame has none to drop), and nothing is made to fit Excel (no
number becomes ``#NUM!``, no text is cut: nothing is written to Excel).

Examples
--------
>>> import pyarrow as pa
>>> staff = pa.table({"Employee ID": ["E1", "E2"], "Grade": ["KR6", "KR6"],
...                   "Annual Salary": [30000.0, None],
...                   "Date of Birth": ["01/02/1980", "1985-06-30"],
...                   "Continuous Service Date": ["01/04/2010", "01/04/2020"]})
>>> r = recalc(staff, "2027-03-31", pay_award_pct=0.03, pension_rate=0.2)
>>> r.exit_code, r.figures.num_rows, r.figures.column("status").to_pylist()
(1, 2, ['OK', 'annual_salary is blank'])
>>> r.problems.to_pylist()[0]["row"], r.problems.column("reason").to_pylist()
(3, ['annual_salary is blank'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from xl_kent.lists import fields as _fields

__all__ = ["ColumnError", "Result", "absences", "awards", "recalc"]

#: The setting keywords of :func:`recalc` (the ``xl-kent recalc`` options, in
#: :class:`xl_kent.lists.figures.Settings`' names).
SETTINGS = ("absence_start", "absence_days", "redundancy_date", "pay_award_pct", "employer_ni_rate",
            "ni_threshold_gbp", "pension_rate", "levy_rate", "grade_max")
_DATES = ("absence_start", "redundancy_date")
_RATES = ("pay_award_pct", "employer_ni_rate", "pension_rate", "levy_rate")
#: The Errors sheet's columns.
PROBLEM_COLUMNS = ("row", "employee_id", "column", "value", "reason")
# Whole numbers above this are not all exact as floats: such a cell is read as its digits (text).
_EXACT_INTEGERS = 2**53
# The datetimes Python has (years 1 to 9999): other days are read as their ISO text (not a date).
_FIRST_DAY, _LAST_DAY = np.datetime64("0001-01-01", "us"), np.datetime64("9999-12-31T23:59:59", "us")


class ColumnError(_fields.ColumnError, ValueError):
    """A missing or ambiguous column, or a ``columns=`` entry that cannot be used: the run stops.

    The message is the one the command prints after ``xl-kent COMMAND: error:`` (it names the
    missing columns and the headers found). It is the commands' own
    :class:`xl_kent.lists.fields.ColumnError`, and a :class:`ValueError`.

    >>> issubclass(ColumnError, ValueError) and issubclass(ColumnError, _fields.ColumnError)
    True
    """


@dataclass
class Result:
    """What a bulk command writes, as DataFrames of the input's library.

    Attributes
    ----------
    figures : DataFrame
        The main sheet: the input's columns (an earlier run's result columns left out, as the
        command computes them again) and the result columns, in the command's order, one row
        per input row (pandas: the input's own columns and index, unchanged).
    problems : DataFrame
        The Errors sheet: ``row`` (the row number as in a file: header row 1, first data
        row 2), ``employee_id``, ``column``, ``value`` (the cell as text) and ``reason``.
    summary : list of (str, object)
        The Summary sheet's (item, value) pairs: settings, rows, problems by reason, totals,
        how each column was read.
    exit_code : int
        The command's exit code: 0 every row OK, 1 some rows have problems (or, for awards,
        some awards are outside the scheme).
    notes : list of str
        The warning lines the command prints (columns not used, closest headers, examples).
    library : str
        ``"pandas"``, ``"polars"`` or ``"pyarrow"``: the library of the input and of the DataFrames.
    """

    figures: object
    problems: object
    summary: list[tuple[str, object]]
    exit_code: int
    notes: list[str] = field(default_factory=list)
    library: str = "pyarrow"

    def summary_frame(self):
        """The Summary as a two-column DataFrame (``item``, ``value`` as text) of the same library.

        >>> import pyarrow as pa
        >>> r = awards(pa.table({"Employee ID": ["E1"], "Award Date": ["01/05/2026"], "Amount": [100.0]}))
        >>> dict(zip(*r.summary_frame().to_pydict().values()))["awards within the scheme"]
        '1'
        """
        import pyarrow as pa

        items = [str(k) for k, _ in self.summary]
        values = [_summary_text(v) for _, v in self.summary]  # one per Summary item, not per row
        return _to_library(pa.table({"item": pa.array(items, pa.string()), "value": pa.array(values, pa.string())}),
                           self.library)


def recalc(staff, as_of, *, absences=None, how: bool = True, columns: Mapping[str, str] | None = None,
           absences_columns: Mapping[str, str] | None = None, **settings) -> Result:
    """``xl-kent recalc`` over a DataFrame: every per-person figure of a staff list.

    Parameters
    ----------
    staff : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        The staff list, one row per person, with the headers a staff list file has (matched as
        the command matches them: ignoring case, spaces and punctuation, with the same aliases).
    as_of : str, date, datetime, numpy.datetime64 or a number (an Excel serial, as ``--as-of 46477``)
        The date to calculate on (``"2027-03-31"`` or ``"31/03/2027"``, day/month/year).
    absences : DataFrame or pyarrow.Table, optional
        An absence record (``--absences``): each employee's paid sick days of the 12 months
        before the modelled absence start are taken from it instead of a typed column.
    how : bool, default True
        Add the How columns (each figure explained in words); ``False`` is ``--no-how``.
    columns : dict, optional
        ``{header: field}``: read a column with another header as a field (``--map``).
    absences_columns : dict, optional
        The same for the absence record (``--absences-map``).
    **settings
        The command's settings, by :class:`xl_kent.lists.figures.Settings`' names:
        ``absence_start``, ``redundancy_date`` (dates as ``as_of``), ``absence_days``,
        ``ni_threshold_gbp`` (numbers), ``pay_award_pct``, ``employer_ni_rate``,
        ``pension_rate``, ``levy_rate`` (fractions: ``0.035`` for the command's ``3.5``),
        ``grade_max`` (``"KR7=30000,KR9=38000"`` or ``{7: 30000, 9: 38000}``).

    Returns
    -------
    Result
        The figures, problems, summary and exit code, as ``xl-kent recalc`` writes them.

    Raises
    ------
    ColumnError
        A required column is missing or two columns are read as one field (the command's message).
    ValueError
        A setting the command refuses (a date before the rules, a percentage out of range).
    TypeError
        An unknown setting, or an input that is not a DataFrame.

    Examples
    --------
    >>> import pyarrow as pa
    >>> staff = pa.table({"Emp No": ["1001"], "Grade": ["KR6"], "Pay": [30000.0],
    ...                   "DOB": ["01/02/1980"], "CSD": ["01/04/2010"]})
    >>> r = recalc(staff, "31/03/2027", columns={"Pay": "annual_salary"}, how=False, pay_award_pct=0.0)
    >>> r.exit_code, r.figures.column("pay_cost_gbp").to_pylist(), r.figures.column_names[:3]
    (0, [30000.0], ['Emp No', 'Grade', 'Pay'])
    >>> recalc(pa.table({"Emp No": ["1001"]}), "2027-03-31")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    xl_kent.frame.ColumnError: missing required columns: ...
    """
    from xl_kent.lists.figures import STAFF_SCHEMA
    from xl_kent_cli.recalc import recalc_table

    s = _settings(as_of, settings)
    frame = _read(staff)
    cm = _column_map(frame, STAFF_SCHEMA, columns)
    record, source = None, None
    if absences is not None:
        from xl_kent.lists.absence_log import ABSENCE_SCHEMA, read_absence_log
        from xl_kent.lists.absence_log import compute as compute_record

        if absences is staff:
            raise ValueError("absences: the absence record is the staff list itself; give the record")
        log = _read(absences)
        log_map = _column_map(log, ABSENCE_SCHEMA, absences_columns)
        record = compute_record(read_absence_log(log.table, columns=log_map), log.table)
        source = _source(log.library, "absence record")
    outcome = recalc_table(frame.table, s, cm, _source(frame.library, "staff list"), record=record,
                           record_source=source, how=how)
    return _result(outcome, frame)


def awards(log, *, how: bool = True, columns: Mapping[str, str] | None = None) -> Result:
    """``xl-kent awards`` over a DataFrame: judge every row of a cash award log against the whole log.

    Parameters
    ----------
    log : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        The award log, one row per payment (``employee_id``, ``award_date``, ``amount``, and
        the optional columns the command reads).
    how : bool, default True
        Add the How column (each verdict explained in words).
    columns : dict, optional
        ``{header: field}``: read a column with another header as a field (``--map``).

    Returns
    -------
    Result
        ``award_ok``, ``reason`` and the totals beside the log, the problems, summary and exit
        code (1 when a row has a problem or an award is outside the scheme).

    Raises
    ------
    ColumnError
        A required column is missing or ambiguous (the command's message).

    Examples
    --------
    >>> import pyarrow as pa
    >>> log = pa.table({"Employee ID": ["E1", "E1"], "Award Date": ["01/05/2026", "01/06/2026"],
    ...                 "Amount": [600.0, 100.0]})
    >>> r = awards(log, how=False)
    >>> r.figures.column("award_ok").to_pylist(), r.figures.column("reason").to_pylist()[0], r.exit_code
    ([False, True], 'Over the £500 limit for one award', 1)
    """
    from xl_kent.lists.award_log import AWARD_SCHEMA
    from xl_kent_cli.awards import check_table

    frame = _read(log)
    cm = _column_map(frame, AWARD_SCHEMA, columns)
    try:
        checked = check_table(frame.table, cm, _source(frame.library, "award log"), how=how)
    except _fields.ColumnError as e:  # (team awards and no work reference column)
        raise ColumnError(str(e)) from None
    return _result(checked, frame)


def absences(record, *, as_of=None, how: bool = True, columns: Mapping[str, str] | None = None) -> Result:
    """``xl-kent absences`` over a DataFrame: sick pay for every absence of an absence record.

    Parameters
    ----------
    record : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        The absence record, one row per absence of one employee (``employee_id``,
        ``first_day``, ``last_day``, ``service_start``, ``annual_salary``; ``temporary_short``).
    as_of : str, date, datetime or numpy.datetime64, optional
        Also give each employee's full and half sick pay left for an absence starting that day.
    how : bool, default True
        Add the How column (each absence's figures explained in words).
    columns : dict, optional
        ``{header: field}``: read a column with another header as a field (``--map``).

    Returns
    -------
    Result
        The figures of every absence beside the record, the problems, summary and exit code.

    Raises
    ------
    ColumnError
        A required column is missing or ambiguous (the command's message).

    Examples
    --------
    >>> import pyarrow as pa
    >>> rec = pa.table({"Employee ID": ["E1"], "First day": ["01/06/2026"], "Last day": ["10/06/2026"],
    ...                 "Service start": ["01/04/2015"], "Annual salary": [36500.0]})
    >>> r = absences(rec, how=False)
    >>> r.figures.column("full_pay_days").to_pylist(), r.figures.column("pay_gbp").to_pylist()
    ([10.0], [1000.0])
    """
    from xl_kent.lists.absence_log import ABSENCE_SCHEMA
    from xl_kent_cli.absences import absences_table

    day = None if as_of is None else _day(as_of, "as_of")
    frame = _read(record)
    cm = _column_map(frame, ABSENCE_SCHEMA, columns)
    return _result(absences_table(frame.table, cm, _source(frame.library, "absence record"), as_of=day, how=how),
                   frame)


# ---------------------------------------------------------------- settings


def _day(value, name: str) -> np.datetime64:
    """A date setting as ``datetime64[D]``: text as the command reads it (ISO or day/month/year)."""
    from xl_kent.cells import GOOD
    from xl_kent.lists.parse import date_from_text

    if isinstance(value, str):
        days, status = date_from_text(value)
        if status != GOOD:
            raise ValueError(f"{name}={value!r} is not a date (write 2027-03-31 or 31/03/2027)")
        return np.datetime64(days, "D")
    if isinstance(value, dt.datetime):
        value = value.date()  # the wall-clock day (a time of day, and a time zone, are ignored)
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{name}={value!r} is not a date (write 2027-03-31 or 31/03/2027)")
    if isinstance(value, int | float | np.integer | np.floating):  # an Excel serial, as the command reads 46477
        return _day(repr(float(value)).removesuffix(".0"), name)
    try:
        day = np.datetime64(value, "D")
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not a date (write 2027-03-31 or 31/03/2027)") from None
    if np.isnat(day):
        raise ValueError(f"{name} is not a date (NaT)")
    return day


def _checked(name: str, value, check: Callable[[str], object], scale: float = 1.0):
    """A number setting checked by the command's own option check (``check`` of its text)."""
    import argparse

    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name}={value!r} is not a number")
    try:
        return check(repr(float(value) * scale))
    except argparse.ArgumentTypeError as e:
        raise ValueError(f"{name}={value!r}: {e}" + (" (give a fraction: 0.035 for 3.5%)" if scale != 1 else "")
                         ) from None


def _grade_max(value) -> tuple[tuple[int, float], ...]:
    from xl_kent.lists.figures import parse_grade_max

    if isinstance(value, str):
        return parse_grade_max(value)
    pairs = value.items() if isinstance(value, Mapping) else value
    text = ",".join(f"KR{str(g).upper().removeprefix('KR')}={top}" for g, top in pairs)  # one per grade
    return parse_grade_max(text)


def _settings(as_of, given: dict):
    """The command's settings (:func:`xl_kent_cli.cli._settings`) from ``recalc``'s keywords."""
    from xl_kent.lists.figures import default_settings
    from xl_kent_cli import cli

    unknown = sorted(set(given) - set(SETTINGS))
    if unknown:
        raise TypeError(f"recalc() got an unexpected keyword argument {unknown[0]!r}; the settings are: "
                        + ", ".join(SETTINGS))
    s = {k: v for k, v in given.items() if v is not None}
    for k in _DATES:
        if k in s:
            s[k] = _day(s[k], k)
    for k in _RATES:
        if k in s:
            s[k] = _checked(k, s[k], cli._percent, scale=100.0)
    if "absence_days" in s:
        s["absence_days"] = _checked("absence_days", s["absence_days"], cli._days)
    if "ni_threshold_gbp" in s:
        s["ni_threshold_gbp"] = _checked("ni_threshold_gbp", s["ni_threshold_gbp"], cli._money)
    if "grade_max" in s:
        s["grade_max"] = _grade_max(s["grade_max"])
    return default_settings(_day(as_of, "as_of"), **s)


# ---------------------------------------------------------------- reading


@dataclass
class _Frame:
    """A DataFrame read: the table of cells, each header's Arrow column (None where Arrow could not
    hold it) and the DataFrame given (pandas: its own columns go back into the figures)."""

    table: object
    arrow: list
    library: str
    data: object = None


_KINDS = {("pandas", "DataFrame"), ("polars", "DataFrame"), ("polars", "LazyFrame"), ("pyarrow", "Table"),
          ("pyarrow", "RecordBatch")}


def _library(data) -> str:
    """``"pandas"``, ``"polars"`` or ``"pyarrow"``, told by the type's module (nothing is imported).

    >>> _library([1, 2])
    Traceback (most recent call last):
    ...
    TypeError: expected a pandas or polars DataFrame or a pyarrow Table, not list
    """
    kind = (type(data).__module__.split(".")[0], type(data).__name__)
    if kind in _KINDS:
        return kind[0]
    raise TypeError(f"expected a pandas or polars DataFrame or a pyarrow Table, not {type(data).__name__}")


def _arrow_columns(data, library: str) -> tuple[list[str], list]:
    """Headers and one Arrow array per column (or an object array when Arrow cannot hold the column)."""
    import pyarrow as pa

    if library == "pyarrow":
        table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
        return [str(h) for h in table.column_names], list(table.columns)
    if library == "pandas":
        headers = [str(h) for h in data.columns]
        return headers, [_pandas_column(data.iloc[:, j]) for j in range(data.shape[1])]
    import polars as pl

    headers = [str(h) for h in data.columns]
    if pl.Object not in data.dtypes:
        try:
            return headers, list(data.to_arrow().columns)
        except pa.ArrowException:  # a type pyarrow cannot import (Int128): column by column, below
            pass

    def column(c):
        # An Object column (Python objects) would go to Arrow as the objects' addresses: its cells instead.
        if c.dtype == pl.Object:
            return np.asarray(c.to_list(), dtype=object)
        try:
            return c.to_arrow()
        except pa.ArrowException:
            return np.asarray(c.to_list(), dtype=object)

    return headers, [column(c) for c in data.get_columns()]


def _pandas_column(series):
    """One pandas column as an Arrow array, or as an object array of its cells (read kind by kind,
    :func:`_object_cells`): an ``object`` column (Arrow would read a ``True`` beside floats as
    1.0, and every aware datetime in the first one's time zone), a ``Period`` column (Arrow
    holds its ordinal numbers: a day's start instead, a month's or a year's text, not a date)."""
    import pyarrow as pa

    kind = series.dtype
    if kind is np.dtype(object):
        return np.asarray(series.to_numpy(dtype=object), dtype=object)
    if type(kind).__name__ == "PeriodDtype":
        return _period_cells(series)
    try:
        return pa.array(series, from_pandas=True)
    except (pa.ArrowException, ValueError, TypeError):
        return np.asarray(series.to_numpy(dtype=object), dtype=object)


def _period_cells(series) -> np.ndarray:
    """A pandas ``Period`` column as cells: periods of a day or less as their start (a date),
    longer ones (a month, a year) as their text ("1980-02"), which is not read as a date."""
    try:
        span_ns = series.dtype.freq.nanos  # (a Tick: days, hours...; months and years have none)
    except (AttributeError, ValueError):
        span_ns = None
    if span_ns is not None and span_ns <= 86_400 * 10**9:
        starts = series.dt.start_time.to_numpy(dtype="datetime64[us]")
        return _datetime_cells(starts)
    out = np.asarray(series.astype(str).to_numpy(dtype=object), dtype=object)
    out[series.isna().to_numpy()] = None
    return out


def _read(data) -> _Frame:
    """The cells a file reader gives, from a DataFrame, as a :class:`xl_kent.files.reading.Table`."""
    from xl_kent.files.reading import Table

    library = _library(data)
    if type(data).__name__ == "LazyFrame":
        data = data.collect()
    headers, arrays = _arrow_columns(data, library)
    cells = [_object_cells(a) if isinstance(a, np.ndarray) else _cells(a) for a in arrays]  # one per column
    if not cells or not len(cells[0]):
        from xl_kent.files.reading import quote_names

        raise ValueError(f"no data rows: the {'Table' if library == 'pyarrow' else 'DataFrame'} is empty "
                         f"(headers found: {quote_names([h for h in headers if h]) or '(none)'})")
    table = Table([h.strip() for h in headers], cells, first_row=2, sheet=None, kind="frame")
    return _Frame(table, [None if isinstance(a, np.ndarray) else a for a in arrays], library, data)


def _cells(a) -> np.ndarray:
    """One Arrow column as reader cells (object array).

    >>> import pyarrow as pa
    >>> _cells(pa.array([1, None, 2**60])).tolist()
    [1.0, None, '1152921504606846976']
    >>> _cells(pa.array([dt.date(2024, 4, 1), None])).tolist()
    [datetime.datetime(2024, 4, 1, 0, 0), None]
    >>> _cells(pa.array([1_700_000_000_123_456_789], pa.timestamp("ns", "Europe/London"))).tolist()
    [datetime.datetime(2023, 11, 14, 22, 13, 20, 123456)]
    >>> _cells(pa.array([1.5, float("nan"), float("inf")], from_pandas=False)).tolist()
    [1.5, None, 'inf']
    >>> _cells(pa.array(["KR6", None]).dictionary_encode()).tolist()
    ['KR6', None]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(a, pa.ChunkedArray):
        a = a.combine_chunks() if a.num_chunks else pa.array([], a.type)
    t = a.type
    if isinstance(t, pa.ExtensionType):
        return _cells(a.storage)
    if pa.types.is_dictionary(t):
        return _cells(a.dictionary_decode())
    n = len(a)
    if pa.types.is_null(t):
        return np.full(n, None, dtype=object)
    try:
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
            return np.asarray(a.cast(pa.large_string()).to_numpy(zero_copy_only=False), dtype=object)
        if pa.types.is_boolean(t):
            return np.asarray(a.to_numpy(zero_copy_only=False), dtype=object)
        if pa.types.is_integer(t):
            return _integer_cells(a)
        if pa.types.is_decimal(t):
            return _decimal_cells(a)
        if pa.types.is_floating(t):
            values = a.to_numpy(zero_copy_only=False)
            if values.dtype.itemsize < 8:  # float32, float16: the number as written (22.2, not 22.200000762939453)
                values = np.where(np.isfinite(values), values.astype(str), values.astype(np.float64))
            return _float_cells(values.astype(np.float64))
        if pa.types.is_duration(t):  # a length of time is not a number: its text ("20 s")
            text = pc.binary_join_element_wise(a.cast(pa.int64()).cast(pa.string()), f" {t.unit}", "")
            return np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
        if pa.types.is_timestamp(t):
            if t.tz is not None:
                a = pc.local_timestamp(a)  # the wall-clock time in its own zone
            # nanoseconds to microseconds cannot overflow; what is below a microsecond is dropped
            return _datetime_cells(pc.cast(a, pa.timestamp("us"), safe=False).to_numpy(zero_copy_only=False))
        if pa.types.is_date(t):
            return _datetime_cells(a.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False))
    except (pa.ArrowException, ValueError, OverflowError):
        pass
    return _other_cells(a)


def _integer_cells(a) -> np.ndarray:
    import pyarrow as pa

    null = a.is_null().to_numpy(zero_copy_only=False)
    ints = a.fill_null(0).to_numpy(zero_copy_only=False)
    out = ints.astype(np.float64).astype(object)
    # (compared as integers: 2**53 + 1 as a float is 2**53, and would pass for it)
    big = (ints > _EXACT_INTEGERS) | ((ints < -_EXACT_INTEGERS) if ints.dtype.kind == "i" else False)
    if big.any():  # a long id: its digits, as a CSV file gives them
        out[big] = np.asarray(a.filter(pa.array(big)).cast(pa.large_string()).to_numpy(zero_copy_only=False),
                              dtype=object)
    out[null] = None
    return out


def _decimal_cells(a) -> np.ndarray:
    """Decimals as cells: their float, but a whole number beyond 2**53 as its digits (an id), as
    a CSV file gives it (its float would be another number, shared with its neighbours)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    floats = a.cast(pa.float64()).to_numpy(zero_copy_only=False)  # (NaN where null)
    out = _float_cells(floats)
    whole = pc.equal(a, pc.floor(a)).fill_null(False).to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        beyond = (np.abs(floats) >= _EXACT_INTEGERS) & whole
    if beyond.any():
        digits = pc.cast(pc.floor(a.filter(pa.array(beyond))), pa.decimal128(38, 0) if a.type.precision <= 38
                         else pa.decimal256(76, 0))
        out[beyond] = np.asarray(digits.cast(pa.large_string()).to_numpy(zero_copy_only=False), dtype=object)
    return out


def _float_cells(values: np.ndarray) -> np.ndarray:
    """Floats as cells: NaN blank, an infinity its text (``"inf"``: not a number, as in a CSV file)."""
    values = np.asarray(values, dtype=np.float64)
    out = values.astype(object)
    out[np.isnan(values)] = None
    inf = np.isinf(values)
    out[inf] = np.where(values[inf] > 0, "inf", "-inf")
    return out


def _datetime_cells(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values).astype("datetime64[us]")
    nat = np.isnat(values)
    inside = ~nat & (values >= _FIRST_DAY) & (values <= _LAST_DAY)
    out = np.full(values.shape[0], None, dtype=object)
    out[inside] = values[inside].astype(object)
    outside = ~nat & ~inside
    if outside.any():  # beyond Python's dates: the day as text, which is not read as a date
        out[outside] = np.datetime_as_string(values[outside].astype("datetime64[D]")).astype(object)
    return out


def _other_cells(a) -> np.ndarray:
    """Times, durations, binary, lists: their text (a time is Python's ``time``, as a workbook gives it).

    >>> import pyarrow as pa
    >>> _other_cells(pa.array([b"ab", b"\\xff", None])).tolist(), _other_cells(pa.array([[1], None])).tolist()
    (['ab', '\ufffd', None], ['[1]', None])
    """
    import pyarrow as pa

    if pa.types.is_time(a.type):
        return np.asarray(a.to_pylist(), dtype=object)
    if not (pa.types.is_binary(a.type) or pa.types.is_large_binary(a.type)):
        try:
            return np.asarray(a.cast(pa.large_string()).to_numpy(zero_copy_only=False), dtype=object)
        except (pa.ArrowException, ValueError):
            pass
    cells = a.to_pylist()  # a column of a kind no list has: its cells' text, one by one
    return np.asarray([None if v is None else v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                       for v in cells], dtype=object)


def _object_cells(values: np.ndarray) -> np.ndarray:
    """A column Arrow cannot hold whole (pandas object cells of several kinds) as reader cells:
    each kind of cell read through Arrow together, anything else as its text.

    >>> _object_cells(np.array([30000, "TBC", None, float("nan"), True], dtype=object)).tolist()
    [30000.0, 'TBC', None, None, True]
    """
    import operator
    from itertools import repeat

    import pyarrow as pa

    values = np.asarray(values, dtype=object)
    n = values.shape[0]
    types = list(map(type, values.tolist()))
    out = np.full(n, None, dtype=object)
    for t in set(types):  # one kind of cell at a time
        rows = np.fromiter(map(operator.is_, types, repeat(t)), dtype=bool, count=n)
        kept = values[rows]
        if issubclass(t, dt.datetime):  # each its own wall clock (Arrow would take the first one's zone)
            kept = np.asarray([v if v.tzinfo is None else v.replace(tzinfo=None) for v in kept.tolist()],
                              dtype=object)
        try:
            out[rows] = _cells(pa.array(kept, from_pandas=True))
        except (pa.ArrowException, ValueError, TypeError, OverflowError):
            out[rows] = np.asarray(list(map(str, values[rows].tolist())), dtype=object)
    return out


def _column_map(frame: _Frame, schema, columns: Mapping[str, str] | None):
    """The column mapping :func:`xl_kent.lists.source.read_list` makes for a file, for these headers."""
    from xl_kent.lists.fields import fits_kind, map_columns, normalise_header
    from xl_kent.lists.parse import blank_rows

    table = frame.table
    lookup = {normalise_header(label): f.name for f in reversed(schema.fields) for label in reversed(f.names)}
    overrides = {}
    for header, name in (columns or {}).items():
        target = lookup.get(normalise_header(name))
        if target is None:
            raise ColumnError(f"columns {{{header!r}: {name!r}}}: {str(name)!r} is not a column name; use one of: "
                              + ", ".join(f.name for f in schema.fields))
        overrides[normalise_header(header)] = target
    kinds = {f.name: f.kind for f in schema.fields}

    def fits(name: str, col: int) -> bool:
        return fits_kind(kinds[name], table.columns[col])

    def has_data(col: int) -> bool:
        return not blank_rows([table.columns[col]], table.n_rows).all()

    from xl_kent.files.reading import InputFileError
    from xl_kent.lists.source import content_checks

    try:
        cm = map_columns(table.headers, schema, overrides, fits, has_data)
        content_checks("the " + ("Table" if frame.library == "pyarrow" else "DataFrame"), table, cm, schema)  # (as a file's: the same checks)
        return cm
    except (_fields.ColumnError, InputFileError) as e:
        raise ColumnError(str(e)) from None


def _source(library: str, what: str) -> str:
    return f"a pyarrow Table ({what})" if library == "pyarrow" else f"a {library} DataFrame ({what})"


# ---------------------------------------------------------------- results


def _result(outcome, frame: _Frame) -> Result:
    import pyarrow as pa

    carried = {id(c): j for j, c in enumerate(frame.table.columns)}
    arrays, own = [], {}
    for i, col in enumerate(outcome.columns):  # one per column
        j = carried.get(id(col))
        if j is not None:
            own[i] = j
        if j is not None and frame.arrow[j] is not None:
            arrays.append(frame.arrow[j])  # the user's own column, as given
        elif j is not None and frame.library in ("pandas", "polars"):
            arrays.append(pa.nulls(len(col)))  # the user's own cells go in below
        else:
            arrays.append(_arrow_array(col))
    figures = pa.Table.from_arrays(arrays, names=list(outcome.headers))
    problems = pa.Table.from_arrays([pa.array(np.asarray(outcome.errors_columns[0], dtype=np.int64))]
                                    + [_text_array(c) for c in outcome.errors_columns[1:]],
                                    names=list(PROBLEM_COLUMNS))
    out = _to_library(figures, frame.library)
    if frame.library == "pandas":
        for i, j in own.items():  # the user's own columns, dtypes and all (not through Arrow and back)
            out.isetitem(i, frame.data.iloc[:, j].array)
        given = list(frame.data.columns)  # (their own names too: 0, not "0"; " Pay ", not "Pay")
        out.columns = [given[own[i]] if i in own else name for i, name in enumerate(out.columns)]
        out.index = frame.data.index  # row for row: the figures join back onto the input
    elif frame.library == "polars":
        for i, j in own.items():
            if frame.arrow[j] is None:  # an Object column: the user's own
                out = out.replace_column(i, frame.data.to_series(j).alias(out.columns[i]))
    return Result(out, _to_library(problems, frame.library), list(outcome.summary), int(outcome.exit_code),
                  list(outcome.notes), frame.library)


def _arrow_array(values):
    """A result column as an Arrow array: numbers, text, TRUE/FALSE or dates, blanks (NaN, ``""``)
    null; a column of mixed cells as their text.

    >>> _arrow_array(np.array([1.5, np.nan])).to_pylist()
    [1.5, None]
    >>> _arrow_array(np.array([True, None], dtype=object)).to_pylist()
    [True, None]
    >>> _arrow_array(np.array(["x", 1.0, None], dtype=object)).to_pylist()
    ['x', '1', None]
    """
    import pyarrow as pa

    values = np.asarray(values)
    text = _as_text(values)
    if text is not None:
        return text
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return _text_array(values)


def _as_text(values: np.ndarray):
    """An object column of text (and blanks) as an Arrow text array with ``""`` null, or None when
    it holds other cells (Arrow checks every cell, in C)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.dtype != object:
        return None
    try:
        a = pa.array(values, pa.large_string())  # None is null; a NaN or any other cell is refused
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None
    return pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.large_string()), a)


def _text_array(values):
    """Cells as text, as a CSV file holds them (blank, ``""`` too, null), each kind of cell formatted together.

    >>> _text_array(np.array([1.0, "TBC", None, 2.5, ""], dtype=object)).to_pylist()
    ['1', 'TBC', None, '2.5', None]
    """
    import operator
    from itertools import repeat

    from xl_kent.files.writing import csv_column

    values = np.asarray(values)
    text = _as_text(values)
    if text is not None:
        return text
    if values.dtype != object:
        texts = np.asarray(csv_column(values), dtype=object)
    else:
        n = values.shape[0]
        types = list(map(type, values.tolist()))
        texts = np.full(n, "", dtype=object)
        for t in set(types):  # one kind of cell at a time
            rows = np.fromiter(map(operator.is_, types, repeat(t)), dtype=bool, count=n)
            texts[rows] = csv_column(values[rows])
    return _as_text(texts)


def _summary_text(v) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return f"{v:.15g}" if v == v else ""
    return "" if v is None else str(v)


def _to_library(table, library: str):
    """An Arrow table as a DataFrame of ``library`` (polars needs distinct names: a repeated header
    gets `` (2)``, `` (3)`` ...)."""
    if library == "pandas":
        return table.to_pandas()
    if library == "polars":
        import polars as pl

        names, seen = [], {}
        for name in table.column_names:  # one per column
            seen[name] = seen.get(name, 0) + 1
            names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
        return pl.from_arrow(table.rename_columns(names))
    return table
