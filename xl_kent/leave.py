"""Annual leave accrued in a leave year (Kent Scheme G.1, G.2).

:func:`leave_accrual` gives, per row, the leave earned in the leave year (1 April to
31 March) that contains ``as_of``, up to ``as_of``: in days or hours for salaried
staff (full-time or part-time), or in hours per hours worked for casual and
permanent relief contracts. ``as_of`` = 31 March gives the whole year's entitlement.

Salaried staff (``unit`` "days" or "hours"):

* days employed = complete calendar days from the later of the leave year start and
  ``employment_start`` to the earlier of ``as_of`` and ``employment_end``, both
  ends included; ``D`` = days in the leave year (366 with a 29 February);
* the grade band (G.2.A) gives the basic and after-5-years entitlement; the extra
  days accrue from the first day of the month after the fifth anniversary of
  ``service_start`` (G.2.B: anniversary 15 June, extra leave from 1 July);
* full-time days = ``round_half(basic * days / D) + round_half(extra * days_up / D)``
  (nearest half day, a quarter rounds up); part-time days =
  ``round_half(unrounded * weekly_hours / 37)``; full-time hours = days * 7.4;
  part-time hours = ``hours_rule(unrounded * 7.4 * weekly_hours / 37)`` (G.1).

Casual (G.2.I) and permanent relief (G.2.J) contracts, ``unit`` "casual" or "relief":
the fourth argument is the hours worked in the period (e.g. a month) and the result
is the hours of leave accrued: casual ``0.121 * hours`` (not rounded); relief
``rate * hours`` rounded by the hours rule, the rate chosen by the full-time
entitlement of the grade on ``as_of`` (27, 29 or 30 days).

Examples
--------
A full year at KR6 with 3 years' service, and a joiner on 1 October 2025:

>>> leave_accrual(["KR6", "KR6"], ["2022-04-01", "2025-10-01"], "2026-03-31").value
array([27. , 13.5])

The policy's worked examples: 20 hours worked, casual and relief at 27 days:

>>> float(leave_accrual(None, None, "2026-05-31", 20, unit="casual").value.round(4))
2.42
>>> leave_accrual("KR5", "2024-01-01", "2026-05-31", 20, unit="relief").value
array(3.)
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

from . import params
from ._arrays import blockwise, broadcast_rows, dates, factorize_text, floats
from .dates import (
    CALENDAR_FIRST,
    CALENDAR_LAST,
    MONTHS_PER_YEAR,
    first_of_month_number,
    month_and_day,
    month_start,
)
from .errors import OK, describe, reason, set_above, set_error

__all__ = [
    "Leave",
    "leave_accrual",
    "grade_entitlement_days",
    "round_half",
    "hours_rule",
    "leave_year_bounds",
    "UNITS",
    "describe",
]

#: Units accepted by :func:`leave_accrual` and their codes.
UNITS = {"days": 0, "hours": 1, "casual": 2, "relief": 3}
DAYS, HOURS, CASUAL, RELIEF = 0, 1, 2, 3

E_GRADE_BLANK = reason("#VALUE!", "grade is blank")
E_GRADE = reason("#N/A", "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)")
E_SERVICE_START = reason("#VALUE!", "service_start is blank or not a date")
E_AS_OF = reason("#VALUE!", "as_of is blank or not a date")
E_WORKED_BLANK = reason("#VALUE!", "hours worked is blank (needed for casual and relief)")
E_HOURS_RANGE = reason("#NUM!", "weekly_hours is outside 0 to 37")
E_WORKED_RANGE = reason("#NUM!", "hours worked is negative")
E_EMPLOYMENT_ORDER = reason("#NUM!", "employment_end is before employment_start")
E_UNIT = reason("#VALUE!", 'unit is not one of "days", "hours", "casual", "relief"')
E_NO_RULES = reason("#N/A", "no leave rules are in force on as_of")
# RULES.md, decided round 2: the policy text holds the leave rules from its first dated
# entry (G.2.A, 1 April 2023) on; a leave year that starts earlier is not computed.
_FIRST_RULES = params.parameter("leave", "grade_bands").first_date.astype(object)
E_EARLY_YEAR = reason("#N/A", f"the leave year of as_of starts before {_FIRST_RULES.day} {_FIRST_RULES:%B %Y}: "
                      "the scheme's earlier leave rules are not in the policy text")
# Hours worked (casual, relief) above the bound in force on as_of (plausibility.max_hours_worked).
W_WORKED_HIGH = "hours worked is above {0:,.0f} (24 hours a day for 366 days)"
reason("#NUM!", W_WORKED_HIGH.format(params.parameter("plausibility", "max_hours_worked").value_on()))
E_NO_RELIEF_RATE = reason("#N/A", "no relief accrual rate for this grade's entitlement")

# Tolerance for float noise before rounding to halves or hundredths, so that an
# exact quarter (e.g. 13.25 computed as 13.249999...) still rounds up.
_EPS = 1e-9


class Leave(NamedTuple):
    """Result of :func:`leave_accrual` (``nan`` on bad rows)."""

    value: np.ndarray  # days or hours, by unit
    error: np.ndarray  # reason codes, 0 = good row


def _p(name: str) -> params.Parameter:
    return params.parameter("leave", name)


def round_half(x) -> np.ndarray:
    """Round to the nearest half; a quarter rounds up (G.2.A "nearest half day").

    >>> round_half(np.array([13.24, 13.25, 13.74, 13.75])).tolist()
    [13.0, 13.5, 13.5, 14.0]
    """
    return np.floor(np.asarray(x) * 2 + 0.5 + _EPS) / 2


def hours_rule(hours, half_from=None, half_to=None) -> np.ndarray:
    """The scheme's hours rounding (G.1, G.2.J).

    The value is taken to 2 decimals (half up); a fraction of .00-.40 rounds down,
    .41-.59 becomes .5, .60 and above rounds up. The band edges are the parameters
    ``leave.hours_rounding_half_from`` / ``_to`` (latest entry unless given).

    >>> hours_rule(np.array([3.214, 10.40, 10.405, 10.41, 10.59, 10.60])).tolist()
    [3.0, 10.0, 10.5, 10.5, 10.5, 11.0]
    """
    lo = _p("hours_rounding_half_from").value_on() if half_from is None else half_from
    hi = _p("hours_rounding_half_to").value_on() if half_to is None else half_to
    hundredths = np.floor(np.asarray(hours, dtype=np.float64) * 100 + 0.5 + _EPS)
    whole, frac = np.divmod(hundredths, 100)
    lo_h = np.round(np.asarray(lo) * 100)
    hi_h = np.round(np.asarray(hi) * 100)
    return whole + np.where(frac < lo_h, 0.0, np.where(frac <= hi_h, 0.5, 1.0))


def leave_year_bounds(as_of, start_month=None) -> tuple[np.ndarray, np.ndarray]:
    """First day of the leave year containing ``as_of``, and the first day of the next.

    >>> s, e = leave_year_bounds(np.array(["2024-03-31", "2024-04-01"], dtype="datetime64[D]"))
    >>> s.tolist(), (e - s).astype(int).tolist()
    ([datetime.date(2023, 4, 1), datetime.date(2024, 4, 1)], [366, 365])
    """
    as_of = np.asarray(as_of, dtype="datetime64[D]")
    if start_month is None:
        start_month, _ = _p("leave_year_start_month").at(as_of)
    start_month = np.nan_to_num(np.asarray(start_month, dtype=np.float64)).astype(np.int64)
    if start_month.ndim == 0 or (start_month.size and (start_month == start_month.flat[0]).all()):
        # One leave-year start for all rows (the usual case): two gathers from a table.
        return _leave_year_lookup(as_of, int(start_month.flat[0]) if start_month.size else 4)
    m, _ = month_and_day(as_of)
    first = m - (m % MONTHS_PER_YEAR + 1 - start_month) % MONTHS_PER_YEAR  # month it began
    start = first_of_month_number(first)
    end = first_of_month_number(first + MONTHS_PER_YEAR)
    nat = np.isnat(as_of)
    if not nat.any():
        return start, end
    return np.where(nat, as_of, start), np.where(nat, as_of, end)


@cache
def _leave_year_table(start_month: int) -> tuple[np.datetime64, np.ndarray, np.ndarray]:
    """For every day of the calendar table, the first day of its leave year and of the next."""
    days = np.arange(CALENDAR_FIRST, CALENDAR_LAST + 1, dtype="datetime64[D]")
    m, _ = month_and_day(days)
    first = m - (m % MONTHS_PER_YEAR + 1 - start_month) % MONTHS_PER_YEAR
    return CALENDAR_FIRST, first_of_month_number(first), first_of_month_number(first + MONTHS_PER_YEAR)


def _leave_year_lookup(as_of: np.ndarray, start_month: int) -> tuple[np.ndarray, np.ndarray]:
    first_day, starts, ends = _leave_year_table(start_month)
    idx = as_of.view(np.int64) - first_day.astype(np.int64)
    inside = (idx >= 0) & (idx < starts.shape[0])
    safe = np.where(inside, idx, 0)
    start, end = starts[safe], ends[safe]
    if not inside.all():  # NaT or outside 1900-2199: the general path, row by row in numpy
        m, _ = month_and_day(as_of)
        first = m - (m % MONTHS_PER_YEAR + 1 - start_month) % MONTHS_PER_YEAR
        start = np.where(inside, start, first_of_month_number(first))
        end = np.where(inside, end, first_of_month_number(first + MONTHS_PER_YEAR))
        nat = np.isnat(as_of)
        start, end = np.where(nat, as_of, start), np.where(nat, as_of, end)
    return start, end


@cache
def named_grades() -> tuple[str, ...]:
    """Every named grade of every grade table, normalised ("KRENTRY", "APPRENTICE")."""
    names = {n.upper().replace(" ", "") for e in _p("grade_bands").entries for b in e.value for n in b["grades"]}
    return tuple(sorted(names))


# KR numbers above this are read as this: far above every band edge, so "KR13 and
# above" still holds, while an absurd grade (1e18) cannot size a lookup table.
_GRADE_CODE_CAP = 10_000


@cache
def _grade_code(text: str) -> int:
    """``"KR 6"`` and ``"6"`` -> 6; a named grade -> ``-2 - its index``; unknown -> -1."""
    t = text.upper().replace(" ", "")
    names = named_grades()
    if t in names:
        return -2 - names.index(t)
    if t.startswith("KR") and t[2:].isdigit():
        return min(int(t[2:]), _GRADE_CODE_CAP)
    try:
        f = float(t)
    except ValueError:
        return -1
    return int(min(f, _GRADE_CODE_CAP)) if f.is_integer() and f >= 0 else -1


def parse_grades(grade) -> tuple[np.ndarray, np.ndarray]:
    """Grade codes (KR number, ``-2 - i`` for named grade i, -1 unknown) and blank mask."""
    g = np.asarray(grade)
    if g.dtype.kind in "iu":
        return np.where(g >= 0, np.minimum(g, _GRADE_CODE_CAP), -1).astype(np.int64), np.zeros(g.shape, bool)
    if g.dtype.kind == "f":
        blank = np.isnan(g)
        whole = (g == np.floor(g)) & (g >= 0) & np.isfinite(g)  # nan/inf compare False
        return np.where(whole, np.minimum(g, _GRADE_CODE_CAP), -1).astype(np.int64), blank
    if g.dtype.kind == "b":
        return np.full(g.shape, -1, dtype=np.int64), np.zeros(g.shape, bool)
    if g.dtype.kind == "O":
        blank = np.array([v is None or (isinstance(v, float) and v != v) for v in g.reshape(-1)],
                         dtype=bool).reshape(g.shape)
        g = np.where(blank, "", g).astype(str)
    labels, inverse = factorize_text(g)  # parse each distinct label once
    codes = np.array([_grade_code(str(s)) for s in labels] or [-1], dtype=np.int64)
    blank = np.array([str(s).strip() == "" for s in labels] or [False], dtype=bool)
    return codes[inverse], blank[inverse]


def _entitlement_tables(bands, top_kr: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Basic and after-uplift days indexed by ``grade code + offset``."""
    names = named_grades()
    offset = len(names) + 1
    top = max(top_kr, *(b["from_kr"] for b in bands), 0)
    basic = np.full(offset + top + 1, np.nan)
    after = np.full(offset + top + 1, np.nan)
    for band in bands:
        last = band["to_kr"] if band["to_kr"] > 0 else top
        sel = [offset + k for k in range(band["from_kr"], last + 1)]
        sel += [offset - 2 - names.index(n.upper().replace(" ", "")) for n in band["grades"]]
        basic[sel] = band["basic_days"]
        after[sel] = band["after_uplift_days"]
    return basic, after, offset


def _entitlement_by_code(code: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    table = _p("grade_bands")
    entry = table.index(on)
    top_kr = int(code.max(initial=0))
    basic = np.full(code.shape, np.nan)
    after = np.full(code.shape, np.nan)
    for i, e in enumerate(table.entries):  # loop over dated tables, not rows
        b_tab, a_tab, offset = _entitlement_tables(e.value, top_kr)
        idx = code + offset
        rows = entry == i
        if len(table.entries) == 1 and rows.all():
            return b_tab[idx], a_tab[idx]
        basic = np.where(rows, b_tab[idx], basic)
        after = np.where(rows, a_tab[idx], after)
    return basic, after


def grade_entitlement_days(grade, on) -> tuple[np.ndarray, np.ndarray]:
    """Full-time basic and after-5-years leave (days) for each grade, by date.

    Grades may be "KR6", "kr 6", 6, "KR Entry" or "Apprentice"; an unknown grade
    (or no table in force on ``on``) gives ``nan``.

    >>> basic, after = grade_entitlement_days(["KR Entry", "kr 8", 13, "KR2"], "2026-01-01")
    >>> basic.tolist(), after.tolist()
    ([27.0, 29.0, 30.0, nan], [29.0, 30.0, 30.0, nan])
    """
    code, _blank = parse_grades(np.asarray(grade, dtype=object) if isinstance(grade, list) else grade)
    return _entitlement_by_code(code, np.broadcast_to(dates(on), code.shape))


def _units(unit) -> np.ndarray:
    u = np.asarray(unit)
    if u.dtype.kind in "US" and u.ndim == 0:
        return np.array(UNITS.get(str(u).strip().lower(), -1))
    flat = u.reshape(-1)
    labels, inverse = factorize_text(flat)
    codes = np.array([UNITS.get(s.strip().lower(), -1) for s in labels], dtype=np.int64)
    return codes[inverse].reshape(u.shape)


def leave_accrual(
    grade,
    service_start,
    as_of,
    weekly_hours=None,
    employment_start=None,
    employment_end=None,
    unit="days",
) -> Leave:
    """Annual leave accrued in the leave year containing ``as_of``, per row.

    Parameters
    ----------
    grade : array_like
        "KR Entry", "Apprentice", "KR3" ... (or the number); not needed for casual.
    service_start : array_like of dates
        Continuous service date: fixes the 5-year uplift; not needed for casual.
    as_of : array_like of dates
        Leave is counted to this day; its leave year is used (31 March = whole year).
    weekly_hours : array_like of float, optional
        Contracted weekly hours, in (0, 37]; the full-time week when omitted or
        ``nan``. With unit "casual" or "relief": the hours worked in the period
        (required).
    employment_start, employment_end : array_like of dates, optional
        Start and end of employment; the start defaults to ``service_start`` and a
        blank end means still employed.
    unit : {"days", "hours", "casual", "relief"}, optional

    Returns
    -------
    Leave
        ``value`` (days, or hours for "hours", "casual", "relief") and ``error``.
    """
    code, grade_blank = parse_grades(grade)
    columns, shape = broadcast_rows(
        code, grade_blank, dates(service_start), dates(as_of), floats(weekly_hours),
        dates(employment_start), dates(employment_end), _units(unit),
    )
    value, error = blockwise(_leave_rows, *columns)
    return Leave(value.reshape(shape), error.reshape(shape))


def _leave_rows(code, grade_blank, ss, on, hours, es, ee, unit_code):
    """The rules over 1-D rows (see :func:`leave_accrual`)."""
    rows = on.shape[0]
    error = np.zeros(rows, dtype=np.int32)
    salaried = unit_code <= HOURS
    needs_grade = unit_code != CASUAL

    set_error(error, unit_code < 0, E_UNIT)
    set_error(error, np.isnat(on), E_AS_OF)
    set_error(error, needs_grade & grade_blank, E_GRADE_BLANK)
    set_error(error, needs_grade & np.isnat(ss), E_SERVICE_START)
    # Blank weekly hours mean full-time; casual and relief need the hours worked.
    set_error(error, ~salaried & np.isnan(hours), E_WORKED_BLANK)

    (ft_hours, hours_per_day, uplift_years, uplift_lag, casual_rate, half_from, half_to,
     year_start_month), in_force = params.lookup(on, *[_p(n) for n in (
        "full_time_weekly_hours", "hours_per_day", "uplift_after_years",
        "uplift_start_months_after_anniversary", "casual_accrual_rate",
        "hours_rounding_half_from", "hours_rounding_half_to", "leave_year_start_month")])
    hours = np.where(np.isnan(hours) & salaried, ft_hours, hours)
    basic, after = _entitlement_by_code(code, on)
    set_error(error, (unit_code >= 0) & _year_before_rules(on), E_EARLY_YEAR)
    set_error(error, ~in_force & (unit_code >= 0), E_NO_RULES)
    set_error(error, needs_grade & np.isnan(basic), E_GRADE)
    set_error(error, salaried & ~((hours > 0) & (hours <= ft_hours)), E_HOURS_RANGE)
    set_error(error, ~salaried & ~(hours >= 0), E_WORKED_RANGE)
    max_worked, _ = params.parameter("plausibility", "max_hours_worked").at(on)
    set_above(error, np.where(salaried, 0.0, hours), max_worked, "#NUM!", W_WORKED_HIGH)  # inf too
    # Nobody is employed before their continuous service date: a blank employment_start
    # is service_start (RULES.md, round 2), and an employment_end before it is an error.
    es = np.where(np.isnat(es), ss, es)
    set_error(error, ee < es, E_EMPLOYMENT_ORDER)

    good = error == OK
    on_safe = np.where(good, on, np.datetime64("2000-01-01"))
    year_start, next_year_start = leave_year_bounds(on_safe, year_start_month)
    year_days = (next_year_start - year_start).astype(np.float64)

    # Days employed in the leave year up to as_of, both ends included (G.2.A).
    window_start = np.where(np.isnat(es), year_start, np.maximum(year_start, es))
    window_end = np.where(np.isnat(ee), on_safe, np.minimum(on_safe, ee))
    days = np.maximum(0, (window_end - window_start).astype(np.int64) + 1)

    # The uplift accrues from the first of the month after the 5th anniversary (G.2.B).
    uplift_months = np.where(good, uplift_years * MONTHS_PER_YEAR + uplift_lag, 0).astype(np.int64)
    uplift_start = month_start(np.where(np.isnat(ss), on_safe, ss), uplift_months)
    days_up = np.maximum(
        0, (window_end - np.maximum(window_start, uplift_start)).astype(np.int64) + 1
    )
    basic = np.where(good, basic, 0.0)
    extra = np.where(good, after, 0.0) - basic
    unrounded = (basic * days + extra * days_up) / year_days
    full_time_days = round_half(basic * days / year_days) + round_half(extra * days_up / year_days)

    # Only the units some row asks for are computed (a branch per unit, not per row).
    full_time = hours == ft_hours
    fraction = hours / np.where(good, ft_hours, 1.0)
    value = np.full(rows, np.nan)
    wanted = {u: unit_code == u for u in (DAYS, HOURS, CASUAL, RELIEF)}
    if wanted[DAYS].any():
        days_value = np.where(full_time, full_time_days, round_half(unrounded * fraction))
        value = np.where(wanted[DAYS], days_value, value)
    if wanted[HOURS].any():
        hours_value = np.where(
            full_time,
            full_time_days * hours_per_day,
            hours_rule(unrounded * hours_per_day * fraction, half_from, half_to),
        )
        value = np.where(wanted[HOURS], hours_value, value)
    if wanted[CASUAL].any():
        value = np.where(wanted[CASUAL], casual_rate * hours, value)
    if wanted[RELIEF].any():
        # Relief: rate by the full-time entitlement in force on as_of (G.2.J).
        entitlement = np.where(uplift_start <= on_safe, after, basic)
        relief_rate = _relief_rate(entitlement, on_safe)
        set_error(error, good & wanted[RELIEF] & np.isnan(relief_rate), E_NO_RELIEF_RATE)
        value = np.where(wanted[RELIEF], hours_rule(relief_rate * hours, half_from, half_to), value)
    value = np.where(error == OK, value, np.nan)
    return value, error


def _year_before_rules(on: np.ndarray) -> np.ndarray:
    """Rows whose leave year (of ``as_of``) starts before the first dated leave rules."""
    first = _p("grade_bands").first_date
    start_month = _p("leave_year_start_month").entries[0].value  # the first rules' leave year
    year_start, _ = leave_year_bounds(np.where(np.isnat(on), first, on), start_month)
    return ~np.isnat(on) & (year_start < first)


def _relief_rate(entitlement_days: np.ndarray, on: np.ndarray) -> np.ndarray:
    table = _p("relief_accrual_rates")
    entry = table.index(on)
    rate = np.full(entitlement_days.shape, np.nan)
    for i, e in enumerate(table.entries):
        for row in e.value:
            hit = (entry == i) & (entitlement_days == row["entitlement_days"])
            rate = np.where(hit, row["rate"], rate)
    return rate
