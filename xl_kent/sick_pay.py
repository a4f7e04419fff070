"""Contractual sick pay for one absence, with statutory sick pay (Kent Scheme J.2).

One flat function, :func:`sick_pay`, over numpy arrays: every argument may be a
scalar or an array, arrays broadcast together, and each row is judged on its own.

The rules (``../shared/RULES.md``, KENT_SICKPAY):

* Service is the complete months (Excel ``DATEDIF "M"``) from the continuous service
  date to the first day of the absence; it fixes the band for the whole absence
  (J.2.A table; parameter ``sick_pay.service_bands``).
* A month of sick pay is ``days_per_year / months_per_year`` calendar days at the
  daily rate ``annual_salary / days_per_year`` (B.2.D apportionment).
* Paid sick days in the 12 months before the absence are deducted from the
  allowance, full pay first (J.2.A rolling year).
* Statutory sick pay (SSP) is paid per calendar day at the weekly rate in force on
  that day / 7. Waiting days, the minimum absence, the lower earnings limit and the
  80 % cap are those in force on the first day of the absence; at most
  ``ssp.max_weeks`` weeks of SSP in one absence.
* A full-pay day pays the daily rate (its SSP is inside it); a half-pay day pays
  ``min(daily, daily / 2 + daily SSP)``; a nil day pays the daily SSP.

Examples
--------
Two years' service, a 10-day absence in May 2025 on £36,500 a year (£100 a day):

>>> r = sick_pay(np.datetime64("2023-05-01"), np.datetime64("2025-05-01"), 10, 36500)
>>> float(r.full_pay_days), float(r.half_pay_days), float(r.pay_gbp)
(10.0, 0.0, 1000.0)

The same absence after four months' service already used, 20 days paid before:

>>> r = sick_pay("2025-01-01", "2025-05-01", 40, 36500, prior_paid_days=20)
>>> round(float(r.full_pay_days), 4), round(float(r.half_pay_days), 4)
(10.4167, 29.5833)

Each row is judged alone; a bad row gets an error code and ``nan`` values:

>>> r = sick_pay(["2020-01-01", "2026-01-01"], "2025-06-01", [5, 5], 30000)
>>> r.error.tolist()[0], bool(r.error[1] != 0)
(0, True)
>>> describe(r.error)
[(1, '#NUM!', 'service_start is after absence_start')]
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

from . import params
from ._arrays import blockwise, bools, broadcast_rows, dates, floats, interval_overlap
from .dates import complete_months
from .errors import OK, describe, first_reason, reason, set_above, set_error

__all__ = ["SickPay", "SickAllowance", "sick_pay", "sick_pay_allowance", "service_band_months", "describe"]

E_SERVICE_START = reason("#VALUE!", "service_start is blank or not a date")
E_ABSENCE_START = reason("#VALUE!", "absence_start is blank or not a date")
E_ABSENCE_DAYS = reason("#VALUE!", "absence_days is blank or not a number")
E_SALARY = reason("#VALUE!", "annual_salary is blank or not a number")
E_PRIOR = reason("#VALUE!", "prior_paid_days is not a number")
E_ORDER = reason("#NUM!", "service_start is after absence_start")
E_DAYS_RANGE = reason("#NUM!", "absence_days is below 1")
E_SALARY_RANGE = reason("#NUM!", "annual_salary is not above 0")
E_PRIOR_RANGE = reason("#NUM!", "prior_paid_days is negative")
E_NO_RULES = reason("#N/A", "no sick pay or SSP rules are in force on absence_start")
# Plausibility bounds (RULES.md, decided round 2; parameters plausibility.*), by absence_start.
_BOUNDS = {  # argument: (parameter, words of the reason; {0} is the bound in force)
    "absence_days": ("max_absence_days", "absence_days is above {0:,.0f} (a typing error?)"),
    "annual_salary": ("max_annual_salary_gbp", "annual_salary is above £{0:,.0f} (a typing error?)"),
    "prior_paid_days": ("max_prior_paid_days",
                        "prior_paid_days is above {0:,.0f} (more paid sick days than 12 months hold)"),
}
for _name, _words in _BOUNDS.values():  # register today's words (docs/functions.md lists them)
    reason("#NUM!", _words.format(params.parameter("plausibility", _name).value_on()))


class SickPay(NamedTuple):
    """Result of :func:`sick_pay`: one value per row (``nan`` on bad rows)."""

    full_pay_days: np.ndarray
    half_pay_days: np.ndarray
    nil_pay_days: np.ndarray
    ssp_gbp: np.ndarray
    pay_gbp: np.ndarray
    error: np.ndarray  # reason codes, 0 = good row (see xl_kent.errors)


class SickAllowance(NamedTuple):
    """Result of :func:`sick_pay_allowance`: days left at full and half pay (``nan`` on bad rows)."""

    full_pay_days: np.ndarray
    half_pay_days: np.ndarray
    error: np.ndarray  # reason codes, 0 = good row


def _param(name: str, fam: str = "ssp") -> params.Parameter:
    return params.parameter(fam, name)


def service_band_months(service_months, on) -> tuple[np.ndarray, np.ndarray]:
    """Months at full pay and at half pay for ``service_months`` of service.

    The band table in force on the date ``on`` is used (``nan`` where none is).

    >>> full, half = service_band_months(np.array([3, 4, 11, 12, 59, 60]),
    ...                                  np.datetime64("2025-01-01"))
    >>> full.tolist(), half.tolist()
    ([1.0, 1.0, 1.0, 2.0, 5.0, 6.0], [0.0, 2.0, 2.0, 2.0, 5.0, 6.0])
    """
    m = np.asarray(service_months)
    on = np.broadcast_to(np.asarray(on, dtype="datetime64[D]"), m.shape)
    bands = _param("service_bands", "sick_pay")
    entry = bands.index(on)
    full = np.full(m.shape, np.nan)
    half = np.full(m.shape, np.nan)
    for i, (edges, full_table, half_table) in enumerate(_band_tables()):  # dated entries, not rows
        b = np.clip(np.searchsorted(edges, m, side="right") - 1, 0, None)
        if len(bands.entries) == 1:
            ok = entry == 0
            return np.where(ok, full_table[b], np.nan), np.where(ok, half_table[b], np.nan)
        rows = entry == i
        full = np.where(rows, full_table[b], full)
        half = np.where(rows, half_table[b], half)
    return full, half


@cache
def _band_tables() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each dated band table as arrays: service edges, full months, half months."""
    return [
        (np.array([b["from_months"] for b in e.value]),
         np.array([b["full_months"] for b in e.value], dtype=float),
         np.array([b["half_months"] for b in e.value], dtype=float))
        for e in _param("service_bands", "sick_pay").entries
    ]


def sick_pay(
    service_start,
    absence_start,
    absence_days,
    annual_salary_gbp,
    prior_paid_days=0.0,
    temporary_short=False,
) -> SickPay:
    """Contractual and statutory sick pay for one absence per row.

    Parameters
    ----------
    service_start : array_like of dates
        Continuous service date (``datetime64``, ``date`` or Excel serial).
    absence_start : array_like of dates
        First day of the absence; picks the band and the SSP rules.
    absence_days : array_like of float
        Calendar days of the absence (>= 1; fractions are kept).
    annual_salary_gbp : array_like of float
        Actual annual pay (pro rata for part-time), > 0.
    prior_paid_days : array_like of float, optional
        Calendar days of paid sick leave (full or half pay) in the 12 months
        before ``absence_start``; deducted from the allowance full pay first.
    temporary_short : array_like of bool, optional
        True for a temporary contract of 4 months or less: SSP only.

    Returns
    -------
    SickPay
        ``full_pay_days``, ``half_pay_days``, ``nil_pay_days`` (calendar days),
        ``ssp_gbp`` (SSP within the absence, whatever band it is paid in),
        ``pay_gbp`` (gross pay for the absence, unrounded) and ``error``.

    Examples
    --------
    No SSP for an absence under 4 days before 6 April 2026, from day 1 after:

    >>> r = sick_pay("2000-01-01", ["2026-03-01", "2026-05-01"], 3, 36500,
    ...              temporary_short=True)
    >>> r.pay_gbp.round(2).tolist()
    [0.0, 52.82]
    """
    columns, shape = broadcast_rows(
        dates(service_start),
        dates(absence_start),
        floats(absence_days),
        floats(annual_salary_gbp),
        floats(prior_paid_days),
        bools(temporary_short),
    )
    out = blockwise(_sick_pay_rows, *columns)
    return SickPay(*[a.reshape(shape) for a in out])


def _sick_pay_rows(ss, ab, n, sal, prior, temp):
    """The rules over 1-D rows (see :func:`sick_pay`)."""
    error, r = row_checks(ss, ab, n, sal, prior, temp)
    good = error == OK
    n = np.where(good, n, 0.0)
    sal = np.where(good, sal, 0.0)
    prior = np.where(good, prior, 0.0)
    days_per_year = np.where(good, r.days_per_year, 1.0)

    rem_full, rem_half = _days_left(good, temp, r.full_m, r.half_m, r.temp_full, r.temp_half, prior,
                                    days_per_year, r.months_per_year)
    full_days = np.minimum(n, rem_full)
    half_days = np.minimum(n - full_days, rem_half)
    nil_days = n - full_days - half_days

    # Statutory sick pay window, in days from the start of the absence.
    daily_gbp = sal / days_per_year
    weekly_earnings_gbp = daily_gbp * r.days_per_week
    eligible = good & (n >= r.min_absence) & (weekly_earnings_gbp >= r.lel)
    ssp_from = np.where(eligible, r.waiting, 0.0)
    ssp_to = np.where(
        eligible, ssp_from + np.minimum(r.max_weeks * r.days_per_week, np.maximum(0.0, n - ssp_from)), 0.0
    )
    cap_daily = np.where(r.replacement > 0, r.replacement * daily_gbp, np.inf)
    ssp_gbp, pay_gbp = ssp_and_pay(good, ab, n, daily_gbp, cap_daily, r.days_per_week,
                                   full_days, half_days, ssp_from, ssp_to)

    bad = ~good
    out = [np.where(bad, np.nan, a) for a in (full_days, half_days, nil_days, ssp_gbp, pay_gbp)]
    return (*out, error)


class RowRules(NamedTuple):
    """The parameters of each row in force on its first day (scalars where they never change)."""

    days_per_year: np.ndarray
    months_per_year: np.ndarray
    days_per_week: np.ndarray
    waiting_days: np.ndarray
    min_absence_days: np.ndarray
    lower_earnings_limit_gbp: np.ndarray
    earnings_replacement_rate: np.ndarray
    max_weeks: np.ndarray
    temp_full: np.ndarray
    temp_half: np.ndarray
    full_m: np.ndarray  # months at full pay of the row's service band (nan: none in force)
    half_m: np.ndarray

    # Short names used by the rules.
    waiting = property(lambda self: self.waiting_days)
    min_absence = property(lambda self: self.min_absence_days)
    lel = property(lambda self: self.lower_earnings_limit_gbp)
    replacement = property(lambda self: self.earnings_replacement_rate)


def row_checks(ss, ab, n, sal, prior, temp) -> tuple[np.ndarray, RowRules]:
    """Each row's reason code (0 = good) and the rules in force on its first day ``ab``.

    The checks of :func:`sick_pay` over 1-D rows, shared with
    :func:`xl_kent.sick_pay_log.sick_pay_log` (which checks each absence of a log
    with ``prior = 0``).

    >>> error, rules = row_checks(*[np.array([v]) for v in (np.datetime64("2020-01-01"),
    ...     np.datetime64("2025-06-01"), 10.0, 30000.0, 0.0, False)])
    >>> error.tolist(), rules.full_m.tolist(), rules.waiting.tolist()
    ([0], [6.0], [3.0])
    """
    error = first_reason(
        (np.isnat(ss), E_SERVICE_START),
        (np.isnat(ab), E_ABSENCE_START),
        (np.isnan(n), E_ABSENCE_DAYS),
        (np.isnan(sal), E_SALARY),
        (np.isnan(prior), E_PRIOR),
        (ss > ab, E_ORDER),
        (~(n >= 1), E_DAYS_RANGE),
        (~(sal > 0), E_SALARY_RANGE),
        (~(prior >= 0), E_PRIOR_RANGE),
    )
    _check_bounds(error, ab, absence_days=n, annual_salary=sal, prior_paid_days=prior)

    # Parameters in force on the first day of the absence.
    (days_per_year, months_per_year, days_per_week), ok_pay = params.lookup(
        ab, *[_param(name, "pay") for name in ("days_per_year", "months_per_year", "days_per_week")]
    )
    (waiting, min_absence, lel, replacement, max_weeks), ok_ssp = params.lookup(
        ab, *[_param(name) for name in ("waiting_days", "min_absence_days", "lower_earnings_limit_gbp",
                                        "earnings_replacement_rate", "max_weeks")]
    )
    (temp_full, temp_half), ok_temp = params.lookup(
        ab, *[_param(name, "sick_pay") for name in ("temporary_short_full_months", "temporary_short_half_months")]
    )
    full_m, half_m = service_band_months(complete_months(ss, ab), ab)
    in_force = ok_pay & ok_ssp & ok_temp & ~np.isnan(full_m)
    set_error(error, ~in_force, E_NO_RULES)
    return error, RowRules(days_per_year, months_per_year, days_per_week, waiting, min_absence, lel,
                           replacement, max_weeks, temp_full, temp_half, full_m, half_m)


def ssp_and_pay(good, ab, n, daily_gbp, cap_daily, days_per_week, full_days, half_days, ssp_from, ssp_to):
    """SSP within each absence and its gross pay, over 1-D rows (J.2.A, J.2.B).

    ``ssp_from`` and ``ssp_to`` bound each row's SSP window in days from its first day
    ``ab`` (after waiting days, up to the 28-week limit); ``full_days`` and
    ``half_days`` are its contractual split, full pay first. SSP is the weekly rate in
    force on each day / 7, at most ``cap_daily``. A full-pay day pays ``daily_gbp``
    (its SSP is inside it), a half-pay day ``min(daily, daily / 2 + daily SSP)``, a nil
    day the daily SSP. Rows not ``good`` give 0. Returns ``(ssp_gbp, pay_gbp)``.

    >>> one = lambda v: np.array([v])
    >>> ssp, pay = ssp_and_pay(one(True), one(np.datetime64("2025-05-01")), one(10.0), one(100.0),
    ...                        one(np.inf), 7.0, one(0.0), one(0.0), one(3.0), one(10.0))
    >>> ssp.round(2).tolist(), pay.round(2).tolist()   # 7 nil days at 118.75 / 7
    ([118.75], [118.75])
    """
    rows = n.shape[0]
    # The weekly rate can change inside an absence (each 6 April): walk the rate
    # periods a row's SSP window crosses. The loop runs once per boundary crossed
    # by the longest absence (usually once or twice), never once per row.
    rate = _param("weekly_rate_gbp")
    starts = rate.starts
    weekly = rate.numbers[:-1]
    ab_safe = np.where(good, ab, starts[0])
    first_period = rate.index(ab_safe)
    last_period = rate.index(ab_safe + np.ceil(ssp_to).astype("timedelta64[D]"))
    crossings = int(np.max(last_period - first_period, initial=0))
    offset_ends = np.append((starts[1:] - starts[0]).astype(np.float64), np.inf)
    ab_offset = (ab_safe - starts[0]).astype(np.float64)

    ssp_gbp = np.zeros(rows)
    half_ssp_gbp = np.zeros(rows)
    nil_ssp_gbp = np.zeros(rows)
    half_cap = daily_gbp / 2
    band_half_end = full_days + half_days
    days_per_week = np.broadcast_to(days_per_week, (rows,))
    crossed = last_period - first_period
    for k in range(crossings + 1):
        # The k-th rate period of each window; after the first pass only the rows
        # whose window crosses k boundaries take part.
        sel = slice(None) if k == 0 else np.flatnonzero(crossed >= k)
        period = first_period[sel] + k
        start_k = -np.inf if k == 0 else (starts[period] - starts[0]).astype(np.float64) - ab_offset[sel]
        end_k = offset_ends[period] - ab_offset[sel]
        lo, hi = ssp_from[sel], ssp_to[sel]
        daily_ssp = np.minimum(weekly[period] / days_per_week[sel], cap_daily[sel])
        ssp_gbp[sel] += daily_ssp * interval_overlap(lo, hi, start_k, end_k)
        half_days_k = interval_overlap(lo, hi, start_k, end_k, full_days[sel], band_half_end[sel])
        half_ssp_gbp[sel] += np.minimum(half_cap[sel], daily_ssp) * half_days_k
        nil_days_k = interval_overlap(lo, hi, start_k, end_k, band_half_end[sel], n[sel])
        nil_ssp_gbp[sel] += daily_ssp * nil_days_k

    pay_gbp = daily_gbp * full_days + half_cap * half_days + half_ssp_gbp + nil_ssp_gbp
    return ssp_gbp, pay_gbp


def _check_bounds(error, absence_start, **values) -> None:
    """RULES.md's plausibility bounds (round 2), in force on ``absence_start``: #NUM! above
    them (inf included), so that no row gives a number for a typing error, nor inf or nan.
    A row with no bound in force (before 1900) has no sick pay rules in force either (#N/A)."""
    names = [_BOUNDS[k][0] for k in values]
    bounds, _ = params.lookup(absence_start, *[_param(n, "plausibility") for n in names])
    for (key, value), bound in zip(values.items(), bounds, strict=True):
        set_above(error, value, bound, "#NUM!", _BOUNDS[key][1])


def _days_left(good, temp, full_m, half_m, temp_full, temp_half, prior, days_per_year, months_per_year):
    """Allowance left after the rolling year's paid days (J.2.A), full pay first."""
    days_per_month = days_per_year / np.where(good, months_per_year, 1.0)
    full_allow = np.where(temp, temp_full, full_m) * days_per_month
    half_allow = np.where(temp, temp_half, half_m) * days_per_month
    rem_full = np.maximum(0.0, full_allow - prior)
    rem_half = np.maximum(0.0, half_allow - np.maximum(0.0, prior - full_allow))
    return rem_full, rem_half


def sick_pay_allowance(service_start, absence_start, prior_paid_days=0.0, temporary_short=False) -> SickAllowance:
    """Sick pay allowance left for an absence starting on ``absence_start`` (J.2.A).

    The service band on ``absence_start`` gives the full- and half-pay allowance
    (a month is ``days_per_year / months_per_year`` calendar days); the paid sick
    days of the 12 months before come off full pay first. This is what
    :func:`sick_pay` pays an absence from, so ``sick_pay(...).full_pay_days`` of an
    absence is ``min(absence_days, full_pay_days)`` of this result. No salary is
    needed; the errors are those of :func:`sick_pay` for the same arguments.

    Examples
    --------
    Five years' service, 40 days paid in the last 12 months: 6 months full pay
    (182.5 days) less 40, and 6 months half pay untouched.

    >>> r = sick_pay_allowance("2020-01-01", "2025-06-01", 40)
    >>> float(r.full_pay_days), float(r.half_pay_days)
    (142.5, 182.5)
    >>> describe(sick_pay_allowance(["2026-01-01"], "2025-06-01").error)
    [(0, '#NUM!', 'service_start is after absence_start')]
    """
    columns, shape = broadcast_rows(
        dates(service_start), dates(absence_start), floats(prior_paid_days), bools(temporary_short)
    )
    out = blockwise(_allowance_rows, *columns)
    return SickAllowance(*[a.reshape(shape) for a in out])


def _allowance_rows(ss, ab, prior, temp):
    """:func:`sick_pay_allowance` over 1-D rows, with the checks of :func:`_sick_pay_rows`."""
    error = first_reason(
        (np.isnat(ss), E_SERVICE_START),
        (np.isnat(ab), E_ABSENCE_START),
        (np.isnan(prior), E_PRIOR),
        (ss > ab, E_ORDER),
        (~(prior >= 0), E_PRIOR_RANGE),
    )
    _check_bounds(error, ab, prior_paid_days=prior)
    (days_per_year, months_per_year), ok_pay = params.lookup(
        ab, *[_param(name, "pay") for name in ("days_per_year", "months_per_year")]
    )
    (temp_full, temp_half), ok_temp = params.lookup(
        ab, *[_param(name, "sick_pay") for name in ("temporary_short_full_months", "temporary_short_half_months")]
    )
    full_m, half_m = service_band_months(complete_months(ss, ab), ab)
    set_error(error, ~(ok_pay & ok_temp & ~np.isnan(full_m)), E_NO_RULES)
    good = error == OK
    prior = np.where(good, prior, 0.0)
    days_per_year = np.where(good, days_per_year, 1.0)
    rem_full, rem_half = _days_left(good, temp, full_m, half_m, temp_full, temp_half, prior,
                                    days_per_year, months_per_year)
    return np.where(good, rem_full, np.nan), np.where(good, rem_half, np.nan), error
