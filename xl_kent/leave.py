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

:func:`leave_explained` takes the same arguments and says, per row, how the figure was
reached (band, uplift, leave year, days counted, arithmetic and rounding), ending with
the figure itself; a bad row gives its reason in words.
"""

from __future__ import annotations

from functools import cache, partial
from typing import NamedTuple

import numpy as np

from . import params
from ._arrays import (
    answers_not_columns,
    blockwise,
    broadcast_rows,
    dates,
    factorize_text,
    fast,
    floats,
    not_columns_result,
    not_columns_words,
)
from .dates import (
    CALENDAR_FIRST,
    CALENDAR_LAST,
    MONTHS_PER_YEAR,
    add_months,
    first_of_month_number,
    month_and_day,
    month_start,
)
from .errors import OK, describe, reason, set_above, set_error
from .words import day_text, explained, join, number

__all__ = [
    "Leave",
    "leave_accrual",
    "grade_entitlement_days",
    "round_half",
    "hours_rule",
    "leave_year_bounds",
    "UNITS",
    "describe",
    "leave_explained",
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


@answers_not_columns(lambda: not_columns_result(Leave))
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
    return _leave_accrual_parsed(parse_grades(grade), service_start, as_of, weekly_hours, employment_start,
                                 employment_end, unit)


def _leave_accrual_parsed(parsed, service_start, as_of, weekly_hours, employment_start, employment_end,
                          unit) -> Leave:
    """:func:`leave_accrual` with the grades given as :func:`parse_grades` gives them (a caller that
    parses each distinct grade once)."""
    code, grade_blank = parsed
    columns, shape = broadcast_rows(
        code, grade_blank, dates(service_start), dates(as_of), floats(weekly_hours),
        dates(employment_start), dates(employment_end), _units(unit),
    )
    value, error = blockwise(partial(_leave_rows, shortcuts=fast()), *columns)
    return Leave(value.reshape(shape), error.reshape(shape))


def _salaried_leave(
    grade, service_start, as_of, weekly_hours=None, employment_start=None, employment_end=None, parsed=None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Salaried leave in days and in hours from one pass: ``(days, hours, error)``.

    The same figures and error codes as :func:`leave_accrual` with ``unit="days"`` and
    with ``unit="hours"`` (their errors are the same), for callers that want both (the
    staff lists' figures). ``parsed``, when given, is :func:`parse_grades` of ``grade``
    (a caller with each distinct grade parsed once; ``grade`` is then not read).

    >>> days, hours, error = _salaried_leave(["KR6", "KR2"], "2022-04-01", "2026-03-31", 18.5)
    >>> days.tolist(), hours.tolist(), (error != 0).tolist()
    ([13.5, nan], [99.9, nan], [False, True])
    """
    code, grade_blank = parse_grades(grade) if parsed is None else parsed
    columns, shape = broadcast_rows(
        code, grade_blank, dates(service_start), dates(as_of), floats(weekly_hours),
        dates(employment_start), dates(employment_end), np.array(DAYS),
    )
    days, hours, error = blockwise(partial(_leave_rows, both_units=True, shortcuts=fast()), *columns)
    return days.reshape(shape), hours.reshape(shape), error.reshape(shape)


def _leave_rows(code, grade_blank, ss, on, hours, es, ee, unit_code, both_units=False, shortcuts=False):
    """The rules over 1-D rows (see :func:`leave_accrual`); ``both_units``: salaried rows'
    days and hours, each as its unit would give it (see :func:`_salaried_leave`).

    ``shortcuts`` (:func:`~xl_kent._arrays.fast`): no masking of bad rows when there is
    none, and one unit's arithmetic when every row asks for the same unit; the same
    figures to the last bit."""
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
    set_error(error, (unit_code >= 0) & _year_before_rules(on, shortcuts), E_EARLY_YEAR)
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
    all_good = shortcuts and bool(good.all())  # then every np.where(good, x, placeholder) is x
    on_safe = on if all_good else np.where(good, on, np.datetime64("2000-01-01"))
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
    if not all_good:
        basic = np.where(good, basic, 0.0)
    extra = (after if all_good else np.where(good, after, 0.0)) - basic
    unrounded = (basic * days + extra * days_up) / year_days
    full_time_days = round_half(basic * days / year_days) + round_half(extra * days_up / year_days)

    # Only the units some row asks for are computed (a branch per unit, not per row).
    full_time = hours == ft_hours
    fraction = hours / (ft_hours if all_good else np.where(good, ft_hours, 1.0))
    if both_units:  # every row "days" (the errors of "hours" are the same)
        days_value = np.where(full_time, full_time_days, round_half(unrounded * fraction))
        hours_value = np.where(
            full_time,
            full_time_days * hours_per_day,
            hours_rule(unrounded * hours_per_day * fraction, half_from, half_to),
        )
        if all_good:
            return days_value, hours_value, error
        ok = error == OK
        return np.where(ok, days_value, np.nan), np.where(ok, hours_value, np.nan), error
    if shortcuts and rows and unit_code.strides[0] == 0 and unit_code[0] in (DAYS, HOURS):
        # One unit for every row (given once, broadcast): that unit's arithmetic only.
        if unit_code[0] == DAYS:
            value = np.where(full_time, full_time_days, round_half(unrounded * fraction))
        else:
            value = np.where(
                full_time,
                full_time_days * hours_per_day,
                hours_rule(unrounded * hours_per_day * fraction, half_from, half_to),
            )
        return (value if all_good else np.where(good, value, np.nan)), error
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


def _year_before_rules(on: np.ndarray, shortcut: bool = False) -> np.ndarray:
    """Rows whose leave year (of ``as_of``) starts before the first dated leave rules.

    With ``shortcut``: one comparison with the first leave year start on or after the
    first rules (a leave year's start never decreases with ``as_of``, and is never after it).
    """
    first = _p("grade_bands").first_date
    start_month = _p("leave_year_start_month").entries[0].value  # the first rules' leave year
    if shortcut:
        return on < _first_full_year_start(first, int(start_month))  # NaT compares False
    year_start, _ = leave_year_bounds(np.where(np.isnat(on), first, on), start_month)
    return ~np.isnat(on) & (year_start < first)


@cache
def _first_full_year_start(first: np.datetime64, start_month: int) -> np.datetime64:
    """The first leave year start on or after ``first``: ``as_of`` before it has its year start before ``first``."""
    start, end = leave_year_bounds(np.array([first], dtype="datetime64[D]"), start_month)
    return start[0] if start[0] == first else end[0]


def _relief_rate(entitlement_days: np.ndarray, on: np.ndarray) -> np.ndarray:
    table = _p("relief_accrual_rates")
    entry = table.index(on)
    rate = np.full(entitlement_days.shape, np.nan)
    for i, e in enumerate(table.entries):
        for row in e.value:
            hit = (entry == i) & (entitlement_days == row["entitlement_days"])
            rate = np.where(hit, row["rate"], rate)
    return rate


# --- The explanation: one line of plain English per row (RULES.md, "Every figure explained") ---

_ROUND_HALF_WORDS = "to the nearest half day (a quarter rounds up)"


@answers_not_columns(not_columns_words)
def leave_explained(
    grade,
    service_start,
    as_of,
    weekly_hours=None,
    employment_start=None,
    employment_end=None,
    unit="days",
) -> np.ndarray:
    """How :func:`leave_accrual` reached each row's figure, in one line of plain English.

    Same arguments, defaults and broadcasting as :func:`leave_accrual`. A good row
    says the grade and its band, when the 5-year uplift starts, the leave year and the
    days employed counted in it, the arithmetic with its rounding rule, and ends with
    the figure as KENT_LEAVE_ACCRUAL returns it; a bad row gives the core's reason.

    Returns
    -------
    numpy.ndarray
        Object array of ``str`` in the broadcast shape (0-d for scalar inputs).

    Examples
    --------
    The policy's uplift example (G.2.B): fifth anniversary on 15 June, extra leave from 1 July:

    >>> print(leave_explained("KR6", "2020-06-15", "2026-03-31"))
    KR6: 27 days a year, 29 after 5 years' service; 5 years' service on 15 Jun 2025, so 29 days a year \
from 1 Jul 2025; leave year 1 Apr 2025 to 31 Mar 2026 (365 days), counted from 1 Apr 2025 (start of the \
leave year) to 31 Mar 2026 (end of the leave year): 365 days employed; 27 x 365 / 365 = 27 and 2 extra x \
274 / 365 (days from 1 Jul 2025) = 1.5, each to the nearest half day (a quarter rounds up): 27 + 1.5 = 28.5 days

    Casual and relief workers, 20 hours worked (G.2.I, G.2.J):

    >>> print(leave_explained(None, None, "2026-05-31", 20, unit="casual"))
    Casual contract: 20 hours worked at 0.121 hours an hour: 2.42 hours (not rounded)
    >>> print(leave_explained("KR5", "2024-01-01", "2026-05-31", 20, unit="relief"))
    Permanent relief contract, KR5: 27 days a year, 29 after 5 years' service; 5 years' service on 1 Jan 2029, \
so 29 days only from 1 Feb 2029; full-time entitlement on 31 May 2026: 27 days; 20 hours worked at 0.1607 hours \
an hour (the rate for 27 days) = 3.214 hours, by the hours rule (.00-.40 down, .41-.59 to .5, .60 up): 3 hours

    A bad row gives the core's reason:

    >>> leave_explained("KR2", "2024-01-01", "2026-05-31").tolist()
    'grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)'
    """
    result = leave_accrual(grade, service_start, as_of, weekly_hours, employment_start, employment_end, unit)
    code, _blank = parse_grades(grade)
    columns, shape = broadcast_rows(
        code,
        dates(service_start),
        dates(as_of),
        floats(weekly_hours),
        dates(employment_start),
        dates(employment_end),
        _units(unit),
    )
    error = result.error.reshape(-1)
    # The figure exactly as KENT_LEAVE_ACCRUAL shows it (udfs rounds away float noise only).
    value = result.value.reshape(-1)
    figure = np.where(np.isnan(value), value, np.round(value, 10))
    good = np.flatnonzero(error == OK)
    sentences = np.full(error.shape, "", dtype=object)
    if good.size:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            sentences[good] = _explain_rows(*(c[good] for c in columns), figure[good])
    return explained(sentences, error).reshape(shape)


class _Steps(NamedTuple):
    """The intermediate figures of :func:`leave_accrual` for good rows (see :func:`_leave_steps`)."""

    basic: np.ndarray
    after: np.ndarray
    uplift_years: np.ndarray
    anniversary: np.ndarray
    uplift_start: np.ndarray
    year_start: np.ndarray
    next_year_start: np.ndarray
    year_days: np.ndarray
    window_start: np.ndarray
    window_end: np.ndarray
    employment_start: np.ndarray
    days: np.ndarray
    up_from: np.ndarray
    days_up: np.ndarray
    basic_part: np.ndarray
    extra_part: np.ndarray
    full_time_days: np.ndarray
    unrounded: np.ndarray
    hours: np.ndarray
    ft_hours: np.ndarray
    hours_per_day: np.ndarray
    casual_rate: np.ndarray
    half_from: np.ndarray
    half_to: np.ndarray
    relief_entitlement: np.ndarray
    relief_rate: np.ndarray


def _leave_steps(code, ss, on, hours, es, ee, unit_code) -> _Steps:
    """The steps of :func:`_leave_rows` for rows known to be good, kept for the words."""
    shape = on.shape
    names = (
        "full_time_weekly_hours",
        "hours_per_day",
        "uplift_after_years",
        "uplift_start_months_after_anniversary",
        "casual_accrual_rate",
        "hours_rounding_half_from",
        "hours_rounding_half_to",
        "leave_year_start_month",
    )
    looked_up, _in_force = params.lookup(on, *[_p(n) for n in names])
    (ft_hours, hours_per_day, uplift_years, uplift_lag, casual_rate, half_from, half_to, year_start_month) = (
        np.broadcast_to(v, shape) for v in looked_up
    )
    salaried = unit_code <= HOURS
    hours = np.where(np.isnan(hours) & salaried, ft_hours, hours)
    basic, after = _entitlement_by_code(code, on)
    year_start, next_year_start = leave_year_bounds(on, year_start_month)
    year_days = (next_year_start - year_start).astype(np.float64)
    es = np.where(np.isnat(es), ss, es)
    window_start = np.where(np.isnat(es), year_start, np.maximum(year_start, es))
    window_end = np.where(np.isnat(ee), on, np.minimum(on, ee))
    days = np.maximum(0, (window_end - window_start).astype(np.int64) + 1)
    ss_known = np.where(np.isnat(ss), on, ss)  # casual rows need no service date
    years = np.nan_to_num(uplift_years).astype(np.int64)
    anniversary = add_months(ss_known, years * MONTHS_PER_YEAR)
    uplift_start = month_start(ss_known, years * MONTHS_PER_YEAR + np.nan_to_num(uplift_lag).astype(np.int64))
    up_from = np.maximum(window_start, uplift_start)
    days_up = np.maximum(0, (window_end - up_from).astype(np.int64) + 1)
    extra = after - basic
    basic_part = basic * days / year_days
    extra_part = extra * days_up / year_days
    entitlement = np.where(uplift_start <= on, after, basic)
    return _Steps(
        basic,
        after,
        uplift_years,
        anniversary,
        uplift_start,
        year_start,
        next_year_start,
        year_days,
        window_start,
        window_end,
        es,
        days,
        up_from,
        days_up,
        basic_part,
        extra_part,
        round_half(basic_part) + round_half(extra_part),
        (basic * days + extra * days_up) / year_days,
        hours,
        ft_hours,
        hours_per_day,
        casual_rate,
        half_from,
        half_to,
        entitlement,
        _relief_rate(entitlement, on),
    )


def _explain_rows(code, ss, on, hours, es, ee, unit_code, figure) -> np.ndarray:
    """The sentences of good 1-D rows; ``figure`` is KENT_LEAVE_ACCRUAL's number.

    Rows are grouped by the shape of their sentence (which steps it has: a band with an
    uplift or not, a joiner, a leaver, part-time ...; a few dozen at most) and each
    group's sentences are glued in one :func:`~xl_kent.words.join`, so that a row's
    parts are formatted and joined once, only those its sentence uses.
    """
    s = _leave_steps(code, ss, on, hours, es, ee, unit_code)
    after_year = s.uplift_start >= s.next_year_start
    in_year = (s.uplift_start > s.year_start) & ~after_year
    left = ~np.isnat(ee) & (ee <= on)
    flags = {
        "casual": unit_code == CASUAL,
        "relief": unit_code == RELIEF,
        "hours_unit": unit_code == HOURS,
        "uplift_band": s.after > s.basic,
        "in_year": in_year,
        "after_year": after_year,
        "no_days": s.window_end < s.window_start,
        "ended_before": ~np.isnat(ee) & (ee < s.year_start),
        "joined": s.window_start > s.year_start,
        "left": left,
        "year_end": ~left & (on == s.next_year_start - 1),
        "with_up": (s.after > s.basic) & (s.days_up > 0),
        "later": s.up_from > s.window_start,
        "full_time": s.hours == s.ft_hours,
        "reached": s.uplift_start <= on,
    }
    # A flag that a sentence does not look at is cleared, so that rows differing only in
    # it share their group (fewer, larger groups).
    salaried = ~flags["casual"] & ~flags["relief"]
    band = flags["uplift_band"]
    flags["hours_unit"] &= salaried
    flags["uplift_band"] &= ~flags["casual"]
    flags["in_year"] &= salaried & band
    flags["after_year"] &= salaried & band
    flags["no_days"] &= salaried
    flags["ended_before"] &= flags["no_days"]
    for name in ("joined", "left", "year_end"):
        flags[name] &= salaried & ~flags["no_days"]
    flags["with_up"] &= salaried
    flags["later"] &= flags["with_up"]
    flags["full_time"] &= salaried
    flags["reached"] &= flags["relief"] & band
    key = np.zeros(on.shape, dtype=np.int64)
    for bit, f in enumerate(flags.values()):  # a loop over the flags, not rows
        key |= f.astype(np.int64) << bit
    makers = _text_makers(s, code, on, ee, figure)
    out = np.full(on.shape, "", dtype=object)
    order = np.argsort(key, kind="stable")
    kinds, starts = np.unique(key[order], return_index=True)
    for k, rows in zip(kinds.tolist(), np.split(order, starts[1:]), strict=True):  # per sentence shape
        f = {name: bool(k >> bit & 1) for bit, name in enumerate(flags)}
        t = _Texts(makers, rows)
        if f["casual"]:
            parts = _casual_parts(t)
        elif f["relief"]:
            parts = _relief_parts(f, t)
        else:
            parts = _salaried_parts(f, t)
        out[rows] = join(*_merged(parts))
    return out


def _merged(parts: list) -> list:
    """Neighbouring fixed words glued once, so that each row joins fewer parts."""
    out: list = []
    for p in parts:  # a loop over the parts of one sentence shape, not rows
        if isinstance(p, str) and out and isinstance(out[-1], str):
            out[-1] += p
        else:
            out.append(p)
    return out


class _Texts(dict):
    """The words of one group of rows, each formatted on first use (``*t["days"]``)."""

    def __init__(self, makers: dict, rows: np.ndarray):
        super().__init__()
        self.makers, self.rows = makers, rows

    def __missing__(self, name: str) -> np.ndarray:
        text = self[name] = self.makers[name](self.rows)
        return text


def _text_makers(s: _Steps, code, on, ee, figure) -> dict:
    """How each word of a sentence is formatted, for any subset of the rows."""
    fraction = s.hours / s.ft_hours
    _days = _day_table(
        s.anniversary,
        s.uplift_start,
        s.year_start,
        s.next_year_start,
        s.window_start,
        s.window_end,
        s.employment_start,
        ee,
        on,
    )
    return {
        "grade": lambda i: _grade_names(code[i]),
        "basic": lambda i: _num(s.basic[i]),
        "after": lambda i: _num(s.after[i]),
        "extra": lambda i: _num(s.after[i] - s.basic[i]),
        "years": lambda i: _num(s.uplift_years[i]),
        "anniversary": lambda i: _days(s.anniversary[i]),
        "uplift_start": lambda i: _days(s.uplift_start[i]),
        "year_start": lambda i: _days(s.year_start[i]),
        "year_end": lambda i: _days(s.next_year_start[i] - 1),
        "year_days": lambda i: _num(s.year_days[i]),
        "window_start": lambda i: _days(s.window_start[i]),
        "window_end": lambda i: _days(s.window_end[i]),
        "employment_start": lambda i: _days(s.employment_start[i]),
        "employment_end": lambda i: _days(ee[i]),
        "on": lambda i: _days(on[i]),
        "days": lambda i: _plural_parts(s.days[i], "day employed", "days employed"),
        "days_number": lambda i: _num(s.days[i]),
        "days_up": lambda i: _num(s.days_up[i]),
        "up_from": lambda i: _days(s.up_from[i]),
        "basic_part": lambda i: _before_half(s.basic_part[i]),
        "extra_part": lambda i: _before_half(s.extra_part[i]),
        "basic_rounded": lambda i: _num(round_half(s.basic_part[i])),
        "extra_rounded": lambda i: _num(round_half(s.extra_part[i])),
        "full_time_days": lambda i: _plural_parts(s.full_time_days[i], "day", "days"),
        "unrounded": lambda i: number(s.unrounded[i]),
        "part_time_days": lambda i: _before_half(s.unrounded[i] * fraction[i]),
        "part_time_hours": lambda i: number(_hundredths(s.unrounded[i] * s.hours_per_day[i] * fraction[i])),
        "hours": lambda i: number(s.hours[i], 6),
        "ft_hours": lambda i: _num(s.ft_hours[i]),
        "hours_per_day": lambda i: number(s.hours_per_day[i]),
        "hours_rule": lambda i: _hours_rule_words(s.half_from[i], s.half_to[i]),
        "casual_rate": lambda i: number(s.casual_rate[i], 6),
        "relief_rate": lambda i: number(s.relief_rate[i], 6),
        "relief_days": lambda i: _num(s.relief_entitlement[i]),
        "relief_product": lambda i: number(s.relief_rate[i] * s.hours[i], 6),
        "figure_days": lambda i: _plural_parts(figure[i], "day", "days"),
        "figure_hours": lambda i: _plural_parts(figure[i], "hour", "hours"),
    }


def _band_parts(f: dict, t: _Texts) -> list:
    """``KR6: 27 days a year, 29 after 5 years' service`` (the band in force)."""
    parts = [t["grade"], ": ", t["basic"], " days a year"]
    if f["uplift_band"]:
        return [*parts, ", ", t["after"], " after ", t["years"], " years' service"]
    return [*parts, " (the same after ", t["years"], " years' service)"]


def _salaried_parts(f: dict, t: _Texts) -> list:
    parts = _band_parts(f, t)
    if f["uplift_band"]:  # when the 5-year uplift starts (G.2.B)
        parts += [
            "; ",
            t["years"],
            " years' service on ",
            t["anniversary"],
            ", so ",
            t["after"],
            " days a year ",
        ]
        if f["in_year"]:
            parts += ["from ", t["uplift_start"]]
        elif f["after_year"]:
            parts += ["from ", t["uplift_start"], ": not in this leave year"]
        else:
            parts += ["already in force"]
    # The leave year and the days employed counted in it (G.2.A).
    parts += ["; leave year ", t["year_start"], " to ", t["year_end"], " (", t["year_days"], " days)"]
    if f["no_days"] and f["ended_before"]:
        parts += [": employment ended ", t["employment_end"], ", so no days employed"]
    elif f["no_days"]:
        parts += [
            ": employment starts ",
            t["employment_start"],
            ", after ",
            t["window_end"],
            ", so no days employed",
        ]
    else:
        parts += [
            ", counted from ",
            t["window_start"],
            " (start of employment)" if f["joined"] else " (start of the leave year)",
            " to ",
            t["window_end"],
            " (end of employment)"
            if f["left"]
            else " (end of the leave year)"
            if f["year_end"]
            else " (the as-of date)",
            ": ",
            *t["days"],
        ]
    since = [" days from ", t["up_from"]] if f["later"] else []
    if f["full_time"]:
        parts += ["; ", t["basic"], " x ", t["days_number"], " / ", t["year_days"], " = ", t["basic_part"]]
        total = t["full_time_days"] if f["hours_unit"] else t["figure_days"]
        if f["with_up"]:
            parts += [
                " and ",
                t["extra"],
                " extra x ",
                t["days_up"],
                " / ",
                t["year_days"],
                *([" (days from ", t["up_from"], ")"] if f["later"] else []),
                " = ",
                t["extra_part"],
                ", each ",
                _ROUND_HALF_WORDS,
                ": ",
                t["basic_rounded"],
                " + ",
                t["extra_rounded"],
                " = ",
                *total,
            ]
        else:
            parts += [", ", _ROUND_HALF_WORDS, ": ", *total]
        if f["hours_unit"]:
            parts += [" x ", t["hours_per_day"], " hours a day = ", *t["figure_hours"]]
        return parts
    if f["with_up"]:
        parts += [
            "; (",
            t["basic"],
            " x ",
            t["days_number"],
            " + ",
            t["extra"],
            " x ",
            t["days_up"],
            *since,
            ") / ",
            t["year_days"],
        ]
    else:
        parts += ["; ", t["basic"], " x ", t["days_number"], " / ", t["year_days"]]
    parts += [" = ", t["unrounded"], " full-time days x "]
    week = [t["hours"], " / ", t["ft_hours"], " hours a week = "]
    if f["hours_unit"]:
        return [
            *parts,
            t["hours_per_day"],
            " hours a day x ",
            *week,
            t["part_time_hours"],
            " hours, by the hours rule (",
            t["hours_rule"],
            "): ",
            *t["figure_hours"],
        ]
    return [*parts, *week, t["part_time_days"], ", ", _ROUND_HALF_WORDS, ": ", *t["figure_days"]]


def _casual_parts(t: _Texts) -> list:
    return [
        "Casual contract: ",
        t["hours"],
        " hours worked at ",
        t["casual_rate"],
        " hours an hour: ",
        *t["figure_hours"],
        " (not rounded)",
    ]


def _relief_parts(f: dict, t: _Texts) -> list:
    parts = ["Permanent relief contract, ", *_band_parts(f, t), "; "]
    if f["uplift_band"]:
        parts += [
            t["years"],
            " years' service on ",
            t["anniversary"],
            ", so ",
            t["after"],
            " days ",
            "from " if f["reached"] else "only from ",
            t["uplift_start"],
            "; ",
        ]
    return [
        *parts,
        "full-time entitlement on ",
        t["on"],
        ": ",
        t["relief_days"],
        " days; ",
        t["hours"],
        " hours worked at ",
        t["relief_rate"],
        " hours an hour (the rate for ",
        t["relief_days"],
        " days) = ",
        t["relief_product"],
        " hours, by the hours rule (",
        t["hours_rule"],
        "): ",
        *t["figure_hours"],
    ]


def _plural_parts(x: np.ndarray, one: str, many: str) -> list:
    """:func:`~xl_kent.words.plural` as two parts of a sentence (the number, its unit): one join less."""
    x = np.asarray(x, dtype=np.float64)
    return [
        number(x, 10) if x.size and (x != np.floor(x)).any() else _num(x),
        np.where(x == 1, " " + one, " " + many).astype(object),
    ]


def _num(x: np.ndarray) -> np.ndarray:
    """:func:`~xl_kent.words.number` (2 decimals), by a table for small whole numbers (day counts).

    >>> _num(np.array([365.0, 0.0, 27.0, 1234.0])).tolist()
    ['365', '0', '27', '1,234']
    """
    x = np.asarray(x, dtype=np.float64)
    if (
        x.size
        and np.isfinite(x).all()
        and (x == np.floor(x)).all()
        and x.min() >= 0
        and x.max() < _WHOLE_TABLE
    ):
        top = int(x.max())
        return _whole_table(1 << top.bit_length())[x.astype(np.int64)]
    return number(x)


@cache
def _whole_table(size: int) -> np.ndarray:
    return number(np.arange(size))


def _day_table(*columns: np.ndarray):
    """:func:`~xl_kent.words.day_text` for subsets of these dates: one table over their span when short.

    >>> d = np.array(["2025-07-01", "NaT", "2026-03-31"], dtype="datetime64[D]")
    >>> _day_table(d)(d).tolist()
    ['1 Jul 2025', '', '31 Mar 2026']
    """
    known = [c[~np.isnat(c)] for c in columns]
    known = [c for c in known if c.size]
    if not known:
        return day_text
    first = min(c.min() for c in known)
    span = int((max(c.max() for c in known) - first).astype(np.int64)) + 1
    if span > max(_WHOLE_TABLE, sum(c.size for c in known) // 4):
        return day_text
    table = np.append(day_text(first + np.arange(span)), "")

    def texts(d: np.ndarray) -> np.ndarray:
        d = np.asarray(d, dtype="datetime64[D]")
        offset = (d - first).astype(np.int64)
        inside = ~np.isnat(d) & (offset >= 0) & (offset < span)
        return table[np.where(inside, offset, span)]

    return texts


# Whole numbers below this are formatted through a table (day counts, days, hours a week).
_WHOLE_TABLE = 100_000


def _before_half(x: np.ndarray) -> np.ndarray:
    """A value about to be rounded to the half day, in 2 decimals, or more where 2 would mislead.

    >>> _before_half(np.array([14.7945, 13.2496, 13.25])).tolist()
    ['14.79', '13.2496', '13.25']
    """
    x = np.asarray(x, dtype=np.float64)
    out = number(x, 2)
    misleading = round_half(np.round(x, 2)) != round_half(x)
    if misleading.any():
        out[misleading] = number(x[misleading], 6)
    return out


def _hundredths(x: np.ndarray) -> np.ndarray:
    """The value to 2 decimals as the hours rule takes it (half up)."""
    return np.floor(np.asarray(x, dtype=np.float64) * 100 + 0.5 + _EPS) / 100


def _hours_rule_words(half_from, half_to) -> np.ndarray:
    """``.00-.40 down, .41-.59 to .5, .60 up`` from the parameters in force.

    >>> _hours_rule_words(np.array([0.41]), np.array([0.59])).tolist()
    ['.00-.40 down, .41-.59 to .5, .60 up']
    """
    lo = np.round(np.asarray(half_from, dtype=np.float64) * 100).astype(np.int64)
    hi = np.round(np.asarray(half_to, dtype=np.float64) * 100).astype(np.int64)
    out = np.full(np.broadcast_shapes(lo.shape, hi.shape), "", dtype=object)
    pairs, inverse = np.unique(
        np.stack(np.broadcast_arrays(lo, hi), -1).reshape(-1, 2), axis=0, return_inverse=True
    )
    texts = np.array(
        [f".00-.{a - 1:02d} down, .{a:02d}-.{b:02d} to .5, .{b + 1:02d} up" for a, b in pairs.tolist()]
        + [""],
        dtype=object,
    )
    out[...] = texts[inverse.reshape(-1)].reshape(out.shape) if out.size else out
    return out


@cache
def _grade_display() -> dict[int, str]:
    """Grade code -> the grade as HR writes it ("KR Entry", "Apprentice"), for the named grades."""
    names = named_grades()
    out = {}
    for e in _p("grade_bands").entries:
        for band in e.value:
            for n in band["grades"]:
                words = [w if w.upper().startswith("KR") else w.capitalize() for w in n.split()]
                out[-2 - names.index(n.upper().replace(" ", ""))] = " ".join(words)
    return out


def _grade_names(code: np.ndarray) -> np.ndarray:
    """``KR6``, ``KR Entry``: each grade code as words (once per distinct code)."""
    code = np.asarray(code, dtype=np.int64)
    if not code.size:
        return np.full(code.shape, "", dtype=object)
    values, inverse = np.unique(code, return_inverse=True)
    display = _grade_display()
    texts = np.array([f"KR{c}" if c >= 0 else display.get(c, "") for c in values.tolist()], dtype=object)
    return texts[inverse.reshape(code.shape)]
