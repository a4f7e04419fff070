"""Vectorised calendar arithmetic on ``datetime64[D]`` arrays, Excel-compatible.

All functions take and return numpy arrays and propagate ``NaT`` (a missing date);
none loops over rows. Month arithmetic reads a precomputed calendar table for dates
from 1900 to 2199 (much faster than numpy's month conversion) and falls back to
numpy's conversion outside it.

Examples
--------
>>> d = np.array(["2020-02-29", "2024-06-15"], dtype="datetime64[D]")
>>> add_months(d, -12)
array(['2019-02-28', '2023-06-15'], dtype='datetime64[D]')
>>> int(complete_months(np.datetime64("2024-01-31"), np.datetime64("2024-02-29")))
0
>>> excel_serial_to_date(np.array([45383.0, 60.0])).astype(str).tolist()
['2024-04-01', 'NaT']
"""

from __future__ import annotations

import sys
from functools import cache

import numpy as np

__all__ = [
    "EXCEL_EPOCH",
    "MIN_EXCEL_SERIAL",
    "MAX_EXCEL_SERIAL",
    "excel_serial_to_date",
    "date_to_excel_serial",
    "year_month_day",
    "complete_months",
    "add_months",
    "month_start",
    "month_and_day",
    "first_of_month_number",
    "MONTHS_PER_YEAR",
]

#: Day 0 of Excel's 1900 date system as Python sees it (serial 1 = 1900-01-01,
#: valid from serial 61 = 1900-03-01 because Excel counts a 29 February 1900).
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
#: Smallest serial accepted: below it Excel's fictitious 29 Feb 1900 shifts the dates.
MIN_EXCEL_SERIAL = 61
#: Largest serial Excel shows as a date (9999-12-31).
MAX_EXCEL_SERIAL = 2958465

_NAT = np.datetime64("NaT", "D")
MONTHS_PER_YEAR = 12  # calendar fact, not a policy number


def excel_serial_to_date(serial: np.ndarray) -> np.ndarray:
    """Excel 1900-system serial numbers to dates; the time of day is dropped.

    Serials below 61, above 9999-12-31, or not finite give ``NaT``.
    """
    s = np.asarray(serial, dtype=np.float64)
    ok = np.isfinite(s) & (s >= MIN_EXCEL_SERIAL) & (s < MAX_EXCEL_SERIAL + 1)
    days = np.floor(np.where(ok, s, 0.0)).astype(np.int64)
    return np.where(ok, EXCEL_EPOCH + days, _NAT)


def date_to_excel_serial(dates: np.ndarray) -> np.ndarray:
    """Dates to Excel serial numbers (float; ``nan`` for ``NaT``)."""
    d = np.asarray(dates, dtype="datetime64[D]")
    out = (d - EXCEL_EPOCH).astype(np.float64)
    return np.where(np.isnat(d), np.nan, out)


def month_index(d: np.ndarray) -> np.ndarray:
    """Months since 1970-01 as int64 (garbage for NaT: mask it yourself)."""
    return np.asarray(d, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)


def year_month_day(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day (1-31) of each date, as int64 arrays."""
    d = np.asarray(d, dtype="datetime64[D]")
    months = d.astype("datetime64[M]")
    m = months.astype(np.int64)
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return m // MONTHS_PER_YEAR + 1970, m % MONTHS_PER_YEAR + 1, day


def day_of_month(d: np.ndarray) -> np.ndarray:
    """Day of the month (1-31), int64."""
    d = np.asarray(d, dtype="datetime64[D]")
    return (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1


def complete_months(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Complete months from ``start`` to ``end``, as Excel's ``DATEDIF(start, end, "M")``.

    ``(y2-y1)*12 + (m2-m1) - (1 if d2 < d1 else 0)``; negative when ``end`` is
    before ``start`` (Excel gives #NUM! there: callers check the order).
    """
    if _fast():
        shortcut = _complete_months_by_table(start, end)
        if shortcut is not None:
            return shortcut
    m1, d1 = month_and_day(start)
    m2, d2 = month_and_day(end)
    return (m2 - m1) - (d2 < d1)


def add_months(d: np.ndarray, months) -> np.ndarray:
    """Excel's ``EDATE``: the same day ``months`` later, clamped to the month's end."""
    d = np.asarray(d, dtype="datetime64[D]")
    months = np.asarray(months, dtype=np.int64)
    if months.size and (months.ndim == 0 or (months == months.flat[0]).all()) and d.size > 4096:
        return _add_months_by_table(d, int(months.flat[0]))
    m, day = month_and_day(d)
    target = m + months
    first = first_of_month_number(target)
    last_day = (first_of_month_number(target + 1) - first).astype(np.int64)
    out = first + (np.minimum(day, last_day) - 1)
    return np.where(np.isnat(d), _NAT, out)


def month_start(d: np.ndarray, months_after=0) -> np.ndarray:
    """First day of the month ``months_after`` months after the month of ``d``."""
    d = np.asarray(d, dtype="datetime64[D]")
    m, _ = month_and_day(d)
    out = first_of_month_number(m + np.asarray(months_after, dtype=np.int64))
    return np.where(np.isnat(d), _NAT, out)



# --- Fast calendar lookups -------------------------------------------------------
# Converting datetime64[D] to months (astype "datetime64[M]") costs ~40 ms per million
# dates. Staff data lies in a bounded range, so month and day-of-month come from a
# precomputed table instead (a gather from ~110k entries that fit in cache); dates
# outside the table fall back to numpy's own conversion.
CALENDAR_FIRST = _TABLE_FIRST = np.datetime64("1900-01-01", "D")
CALENDAR_LAST = _TABLE_LAST = np.datetime64("2199-12-31", "D")


def _build_tables():
    days = np.arange(_TABLE_FIRST, _TABLE_LAST + 1, dtype="datetime64[D]")
    months = days.astype("datetime64[M]")
    month_no = months.astype(np.int64)
    dom = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    first_month = int(month_no[0])
    month_first = np.arange(first_month, int(month_no[-1]) + 2).astype("datetime64[M]").astype(
        "datetime64[D]"
    ).astype(np.int64)
    return month_no.astype(np.int32), dom.astype(np.int8), first_month, month_first


_TABLES = None


def _tables():
    global _TABLES
    if _TABLES is None:
        _TABLES = _build_tables()
    return _TABLES


def _fast() -> bool:
    """The shortcut switch of :mod:`xl_kent._arrays` (found late: it imports this module)."""
    arrays = sys.modules.get(__package__ + "._arrays")
    if arrays is None:
        from . import _arrays as arrays
    return arrays.fast()


_TABLE_FIRST_DAY = int(_TABLE_FIRST.astype(np.int64))
_TABLE_DAYS = int((_TABLE_LAST - _TABLE_FIRST).astype(np.int64)) + 1


def _table_slots(d: np.ndarray) -> np.ndarray | None:
    """Slots of the calendar table for dates all inside it (no NaT); None otherwise."""
    if d.size == 0:
        return None
    days = d.view(np.int64)
    if int(days.min()) < _TABLE_FIRST_DAY or int(days.max()) >= _TABLE_FIRST_DAY + _TABLE_DAYS:
        return None
    return days - _TABLE_FIRST_DAY


_WIDE = None


def _wide_tables():
    """The calendar table as int64 (month number, day of month, and both packed as
    ``month * 32 + day``), for the fast path: no conversion after the gather."""
    global _WIDE
    if _WIDE is None:
        month_no, dom, _, _ = _tables()
        m, day = month_no.astype(np.int64), dom.astype(np.int64)
        _WIDE = m, day, m * 32 + day
    return _WIDE


def _complete_months_by_table(start, end) -> np.ndarray | None:
    """:func:`complete_months` for dates inside the calendar table, or None.

    With ``k = month * 32 + day`` (day 1-31), ``(k2 - k1) >> 5`` is ``m2 - m1`` when
    ``d2 >= d1`` and one less when ``d2 < d1`` (``d2 - d1`` lies in -30..30).
    """
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    s1, s2 = _table_slots(start), _table_slots(end)
    if s1 is None or s2 is None:
        return None
    packed = _wide_tables()[2]
    return (np.take(packed, s2) - np.take(packed, s1)) >> 5


def month_and_day(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Months since 1970-01 and day of month (1-31) of each date, as int64.

    Rows that are ``NaT`` give meaningless numbers: mask them yourself.

    >>> m, day = month_and_day(np.array(["1970-02-03", "2024-02-29"], dtype="datetime64[D]"))
    >>> m.tolist(), day.tolist()
    ([1, 649], [3, 29])
    """
    d = np.asarray(d, dtype="datetime64[D]")
    if _fast():
        slots = _table_slots(d)
        if slots is not None:  # every date inside the table: two gathers
            m, day, _ = _wide_tables()
            return np.take(m, slots), np.take(day, slots)
    month_no, dom, _, _ = _tables()
    days = d.view(np.int64)
    lo = _TABLE_FIRST.astype(np.int64)
    idx = days - lo
    inside = (idx >= 0) & (idx < month_no.shape[0])
    safe = np.where(inside, idx, 0)
    m = month_no[safe].astype(np.int64)
    day = dom[safe].astype(np.int64)
    if not inside.all():  # dates outside the table (0-d too: np.where keeps the shape)
        m = np.where(inside, m, month_index(d))
        day = np.where(inside, day, day_of_month(d))
    return m, day


def first_of_month_number(months: np.ndarray) -> np.ndarray:
    """First day (``datetime64[D]``) of month numbers counted from 1970-01."""
    months = np.asarray(months, dtype=np.int64)
    _, _, first_month, month_first = _tables()
    idx = months - first_month
    if _fast() and idx.size and int(idx.min()) >= 0 and int(idx.max()) < month_first.shape[0]:
        return np.take(month_first, idx).view("datetime64[D]")
    inside = (idx >= 0) & (idx < month_first.shape[0])
    out = month_first[np.where(inside, idx, 0)]
    if not inside.all():
        out = np.where(inside, out, months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64))
    return out.view("datetime64[D]")


@cache
def _add_months_table(months: int) -> np.ndarray:
    """``EDATE(day, months)`` for every day of the calendar table, as day numbers."""
    days = np.arange(_TABLE_FIRST, _TABLE_LAST + 1, dtype="datetime64[D]")
    return _edate_days(days, months)


def _edate_days(days: np.ndarray, months: int) -> np.ndarray:
    m, day = month_and_day(days)
    target = m + months
    first = first_of_month_number(target)
    last_day = (first_of_month_number(target + 1) - first).astype(np.int64)
    return (first + (np.minimum(day, last_day) - 1)).view(np.int64)


def _add_months_by_table(d: np.ndarray, months: int) -> np.ndarray:
    """:func:`add_months` for one month offset over many dates: one gather."""
    table = _add_months_table(months)
    if _fast():
        slots = _table_slots(d)
        if slots is not None:  # every date inside the table: one gather
            return np.take(table, slots).view("datetime64[D]")
    idx = d.view(np.int64) - _TABLE_FIRST.astype(np.int64)
    inside = (idx >= 0) & (idx < table.shape[0])
    out = table[np.where(inside, idx, 0)].view("datetime64[D]")
    if not inside.all():
        outside = ~inside
        out = out.copy()
        out[outside] = np.where(np.isnat(d[outside]), _NAT, _edate_days(d[outside], months).view("datetime64[D]"))
    return out
