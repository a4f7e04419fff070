"""Plain per-row Python baseline of the four rules: the speed yardstick for the core.

This is how a spreadsheet developer would write the rules without numpy: one ``for``
loop over the rows, floats, ``datetime.date`` arithmetic and ``if`` statements, closed
forms (no day-by-day walking). It is a *speed* baseline only, not a correctness
oracle (``tests/reference.py`` is the slow exact oracle), and it covers the common
path the benchmarks exercise:

* sick pay: the pay in £ (the UDF's default output); the SSP weekly rate is the one
  in force on the absence start for the whole absence (the core re-rates each
  6 April inside an absence);
* leave accrual: ``unit="days"`` only, KR grades as text or numbers;
* awards: a dict per employee of sorted ``(date, row, amount)`` lists with running
  totals, searched with ``bisect``.

Bad inputs get an Excel error string, as a spreadsheet formula would show.

The policy numbers are read once, at import, from the same dated parameter files as
the core (``xl_kent/parameters``), taking the entries in force on the dates the
benchmark uses; the loops themselves only see plain Python tuples and floats.

>>> from datetime import date
>>> sick_pay_rows([date(2023, 5, 1)], [date(2025, 5, 1)], [10.0], [36500.0], [0.0], [False])
[1000.0]
>>> redundancy_weeks_rows([42.0], [2.0], [1.0])
[2.5]
>>> leave_accrual_rows(["KR6"], [date(2022, 4, 1)], [date(2026, 3, 31)], [37.0], [None])
[27.0]
>>> award_ok_rows(["E1", "E1", "E1"], [date(2025, 1, 10), date(2025, 6, 1), date(2026, 1, 9)],
...               [400.0, 500.0, 200.0], [False] * 3, [None] * 3, [False] * 3, [False] * 3)
[True, True, False]
"""

from __future__ import annotations

import calendar
import math
from bisect import bisect_right
from datetime import date

from xl_kent import params

__all__ = ["sick_pay_rows", "redundancy_weeks_rows", "leave_accrual_rows", "award_ok_rows"]


# ---------------------------------------------------------------------------
# Parameters, read once into plain Python values (not timed)
# ---------------------------------------------------------------------------


def _p(family: str, name: str, on=None):
    return params.parameter(family, name).value_on(on)


_DAYS_PER_YEAR = float(_p("pay", "days_per_year"))
_MONTHS_PER_YEAR = float(_p("pay", "months_per_year"))
_DAYS_PER_WEEK = float(_p("pay", "days_per_week"))
_DAYS_PER_MONTH = _DAYS_PER_YEAR / _MONTHS_PER_YEAR

# Sick pay bands: (from_months, full_months, half_months), ascending.
_SICK_BANDS = tuple(
    (b["from_months"], float(b["full_months"]), float(b["half_months"]))
    for b in _p("sick_pay", "service_bands")
)
_TEMP_FULL = float(_p("sick_pay", "temporary_short_full_months"))
_TEMP_HALF = float(_p("sick_pay", "temporary_short_half_months"))

# SSP rules by start date: (weekly rate, lower earnings limit, waiting days,
# minimum absence, 80% replacement rate (0 = none), max days).
_SSP_NAMES = ("weekly_rate_gbp", "lower_earnings_limit_gbp", "waiting_days",
              "min_absence_days", "earnings_replacement_rate", "max_weeks")
_SSP_STARTS = sorted({e.start.item() for n in _SSP_NAMES for e in params.parameter("ssp", n).entries})
_SSP_TABLE = tuple(
    (
        float(_p("ssp", "weekly_rate_gbp", d)),
        float(_p("ssp", "lower_earnings_limit_gbp", d)),
        float(_p("ssp", "waiting_days", d)),
        float(_p("ssp", "min_absence_days", d)),
        float(_p("ssp", "earnings_replacement_rate", d)),
        float(_p("ssp", "max_weeks", d)) * _DAYS_PER_WEEK,
    )
    for d in _SSP_STARTS
)

# Redundancy.
_RED_MIN_SERVICE = float(_p("redundancy", "min_service_years"))
_RED_MAX_SERVICE = float(_p("redundancy", "max_service_years"))
_RED_MAX_WEEKS = float(_p("redundancy", "max_weeks"))
_RED_MIN_MULT = float(_p("redundancy", "min_multiplier"))
_RED_MAX_MULT = float(_p("redundancy", "max_multiplier"))
_RED_BANDS = tuple(  # (from_age, extra weeks over the band below), ascending
    (float(b["from_age"]), float(b["weeks_per_year"]))
    for b in sorted(_p("redundancy", "age_bands"), key=lambda b: b["from_age"])
)

# Leave.
_LEAVE_BANDS = tuple(  # (from_kr, to_kr (0 = no top), named grades, basic, after 5 years)
    (b["from_kr"], b["to_kr"], tuple(g.replace(" ", "") for g in b["grades"]),
     float(b["basic_days"]), float(b["after_uplift_days"]))
    for b in _p("leave", "grade_bands")
)
_LEAVE_YEAR_MONTH = int(_p("leave", "leave_year_start_month"))
_FULL_TIME_HOURS = float(_p("leave", "full_time_weekly_hours"))
_UPLIFT_MONTHS = int(_p("leave", "uplift_after_years")) * 12 + int(
    _p("leave", "uplift_start_months_after_anniversary")
)

# Awards.
_MAX_AWARD = float(_p("awards", "max_award_gbp"))
_MAX_TOTAL = float(_p("awards", "max_rolling_total_gbp"))
_ROLLING_MONTHS = int(_p("awards", "rolling_period_months"))

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _edate(d: date, months: int) -> date:
    """Excel EDATE: the same day ``months`` later, clamped to the month's end."""
    m = d.month - 1 + months
    y = d.year + m // 12
    m = m % 12 + 1
    last = 29 if m == 2 and calendar.isleap(y) else _DAYS_IN_MONTH[m - 1]
    return date(y, m, d.day if d.day <= last else last)


def _round_half(x: float) -> float:
    """Nearest half day, a quarter rounding up."""
    return math.floor(x * 2 + 0.5 + 1e-9) / 2


# ---------------------------------------------------------------------------
# The four rules, one row at a time
# ---------------------------------------------------------------------------


def sick_pay_rows(service_start, absence_start, absence_days, salary, prior_paid_days,
                  temporary_short) -> list:
    """Gross sick pay in £ for each absence (unrounded), or an Excel error string."""
    out = []
    for ss, ab, n, sal, prior, temp in zip(service_start, absence_start, absence_days, salary,
                                           prior_paid_days, temporary_short, strict=True):
        if ss is None or ab is None or n is None or sal is None:
            out.append("#VALUE!")
            continue
        if prior is None:
            prior = 0.0
        if ss > ab or n < 1 or sal <= 0 or prior < 0:
            out.append("#NUM!")
            continue
        # Complete months of service (DATEDIF "M") fix the band.
        months = (ab.year - ss.year) * 12 + ab.month - ss.month
        if ab.day < ss.day:
            months -= 1
        if temp:
            full_m, half_m = _TEMP_FULL, _TEMP_HALF
        else:
            full_m = half_m = 0.0
            for from_months, f, h in _SICK_BANDS:
                if months >= from_months:
                    full_m, half_m = f, h
        full_allow = full_m * _DAYS_PER_MONTH
        half_allow = half_m * _DAYS_PER_MONTH
        # Rolling year: prior paid days come off the allowance, full pay first.
        rem_full = full_allow - prior
        if rem_full < 0:
            rem_full = 0.0
        used_half = prior - full_allow
        if used_half < 0:
            used_half = 0.0
        rem_half = half_allow - used_half
        if rem_half < 0:
            rem_half = 0.0
        full_days = n if n < rem_full else rem_full
        half_days = n - full_days
        if half_days > rem_half:
            half_days = rem_half
        half_end = full_days + half_days

        # SSP: for simplicity the weekly rate in force on the absence start is used for
        # the whole absence (the core re-rates each 6 April inside a long absence).
        i = bisect_right(_SSP_STARTS, ab) - 1
        if i < 0:
            out.append("#N/A")
            continue
        rate, lel, waiting, min_absence, replacement, max_days = _SSP_TABLE[i]
        daily = sal / _DAYS_PER_YEAR
        weekly_earnings = daily * _DAYS_PER_WEEK
        ssp_daily = rate / _DAYS_PER_WEEK
        if replacement > 0 and replacement * daily < ssp_daily:
            ssp_daily = replacement * daily
        pay = daily * full_days + daily / 2 * half_days
        if n >= min_absence and weekly_earnings >= lel:
            ssp_from = waiting
            ssp_to = n if n < ssp_from + max_days else ssp_from + max_days
            # SSP inside the half-pay band is capped at half a day's pay; SSP inside the
            # nil band is paid as it is; SSP inside full pay is offset in the full pay.
            lo = ssp_from if ssp_from > full_days else full_days
            hi = ssp_to if ssp_to < half_end else half_end
            if hi > lo:
                pay += (ssp_daily if ssp_daily < daily / 2 else daily / 2) * (hi - lo)
            lo = ssp_from if ssp_from > half_end else half_end
            if ssp_to > lo:
                pay += ssp_daily * (ssp_to - lo)
        out.append(pay)
    return out


def redundancy_weeks_rows(age_years, service_years, multiplier) -> list:
    """Weeks' pay due on redundancy for each row, or an Excel error string."""
    out = []
    for age, service, mult in zip(age_years, service_years, multiplier, strict=True):
        if age is None or service is None:
            out.append("#VALUE!")
            continue
        if mult is None:
            mult = 1.0
        if age < 0 or service < 0 or mult < _RED_MIN_MULT or mult > _RED_MAX_MULT:
            out.append("#NUM!")
            continue
        age = math.floor(age)
        service = math.floor(service)
        if service > age:
            out.append("#NUM!")
            continue
        if service < _RED_MIN_SERVICE:
            out.append(0.0)
            continue
        counted = service if service < _RED_MAX_SERVICE else _RED_MAX_SERVICE
        # Years (counting back) spent at or above each band's lower age, closed form.
        weeks = 0.0
        below = 0.0
        for from_age, per_year in _RED_BANDS:
            years = age - from_age
            if years < 0:
                years = 0.0
            elif years > counted:
                years = counted
            weeks += (per_year - below) * years
            below = per_year
        weeks *= mult
        out.append(weeks if weeks < _RED_MAX_WEEKS else _RED_MAX_WEEKS)
    return out


def _grade_band(grade):
    """(basic, after 5 years) days for a grade "KR6", "kr 6" or 6; None if unknown."""
    if isinstance(grade, str):
        t = grade.upper().replace(" ", "")
        if t.startswith("KR") and t[2:].isdigit():
            kr, name = int(t[2:]), ""
        else:
            kr, name = -1, t
    else:
        if grade != int(grade) or grade < 0:
            return None
        kr, name = int(grade), ""
    for from_kr, to_kr, names, basic, after in _LEAVE_BANDS:
        if name:
            if name in names:
                return basic, after
        elif kr >= from_kr and (to_kr == 0 or kr <= to_kr):
            return basic, after
    return None


def leave_accrual_rows(grade, service_start, as_of, weekly_hours, employment_end,
                       employment_start=None) -> list:
    """Leave accrued (days) in the leave year containing ``as_of``, or an error string."""
    if employment_start is None:
        employment_start = [None] * len(grade)
    out = []
    for g, ss, on, hours, end, start in zip(grade, service_start, as_of, weekly_hours,
                                            employment_end, employment_start, strict=True):
        if g is None or ss is None or on is None:
            out.append("#VALUE!")
            continue
        band = _grade_band(g)
        if band is None:
            out.append("#N/A")
            continue
        basic, after = band
        if hours is None:
            hours = _FULL_TIME_HOURS
        if not 0 < hours <= _FULL_TIME_HOURS:
            out.append("#NUM!")
            continue
        if start is None:
            start = ss
        if end is not None and end < start:
            out.append("#NUM!")
            continue
        # Leave year 1 April - 31 March containing as_of.
        y = on.year if on.month >= _LEAVE_YEAR_MONTH else on.year - 1
        year_start = date(y, _LEAVE_YEAR_MONTH, 1)
        year_days = (date(y + 1, _LEAVE_YEAR_MONTH, 1) - year_start).days
        window_start = start if start > year_start else year_start
        window_end = end if end is not None and end < on else on
        days = (window_end - window_start).days + 1
        if days < 0:
            days = 0
        # The uplift starts on the 1st of the month after the 5th anniversary.
        m = ss.month - 1 + _UPLIFT_MONTHS
        uplift = date(ss.year + m // 12, m % 12 + 1, 1)
        up_from = uplift if uplift > window_start else window_start
        days_up = (window_end - up_from).days + 1
        if days_up < 0:
            days_up = 0
        extra = after - basic
        if hours == _FULL_TIME_HOURS:
            value = _round_half(basic * days / year_days) + _round_half(extra * days_up / year_days)
        else:
            unrounded = (basic * days + extra * days_up) / year_days
            value = _round_half(unrounded * hours / _FULL_TIME_HOURS)
        out.append(value)
    return out


def award_ok_rows(employee_ids, award_dates, amounts, team, work_refs, endorsed,
                  ineligible) -> list:
    """TRUE/FALSE for each award of the log (judged against the whole log)."""
    n = len(employee_ids)
    # Pass 1: each employee's awards, team totals per work reference, and which kinds
    # of award each (employee, work reference) pair has.
    by_employee: dict = {}
    team_total: dict = {}
    kinds: dict = {}
    valid = [False] * n
    for i in range(n):
        e, d, a = employee_ids[i], award_dates[i], amounts[i]
        if e is None or e == "" or d is None or a is None or not a > 0:
            continue
        valid[i] = True
        lst = by_employee.get(e)
        if lst is None:
            lst = by_employee[e] = []
        lst.append((d, i, a))
        r = work_refs[i]
        if r is not None:
            if team[i]:
                team_total[r] = team_total.get(r, 0.0) + a
            k = kinds.get((e, r))
            if k is None:
                k = kinds[(e, r)] = [False, False]
            k[0 if team[i] else 1] = True
    # Sort each employee's awards by (date, row) and keep running totals.
    keys: dict = {}
    running: dict = {}
    for e, lst in by_employee.items():
        lst.sort()
        keys[e] = [(d, i) for d, i, _ in lst]
        total = 0.0
        sums = [0.0]
        for _, _, a in lst:
            total += a
            sums.append(total)
        running[e] = sums
    # Pass 2: judge each row.
    out = []
    for i in range(n):
        if not valid[i]:
            out.append("#VALUE!")
            continue
        if ineligible[i]:
            out.append(False)
            continue
        e, d, a, r = employee_ids[i], award_dates[i], amounts[i], work_refs[i]
        award = team_total[r] if team[i] and r is not None else a
        if award > _MAX_AWARD:
            out.append(False)
            continue
        k = keys[e]
        hi = bisect_right(k, (d, i))  # this row and all before it
        lo = bisect_right(k, (_edate(d, -_ROLLING_MONTHS), n))  # dated on or before EDATE(d, -12)
        sums = running[e]
        if sums[hi] - sums[lo] > _MAX_TOTAL + 1e-9:
            out.append(False)
            continue
        if r is not None:
            both = kinds[(e, r)]
            if both[0] and both[1]:
                out.append(False)
                continue
        if team[i] and not endorsed[i]:
            out.append(False)
            continue
        out.append(True)
    return out
