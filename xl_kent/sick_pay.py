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

from functools import cache, partial
from typing import NamedTuple

import numpy as np

from . import params, words
from ._arrays import (
    answers_not_columns,
    blockwise,
    bools,
    broadcast_rows,
    dates,
    fast,
    flag_errors,
    flags,
    floats,
    interval_overlap,
    not_columns_result,
    not_columns_words,
)
from .dates import MONTHS_PER_YEAR, complete_months
from .errors import OK, describe, first_reason, reason, set_above, set_error
from .money import round_pennies

__all__ = ["SickPay", "SickAllowance", "sick_pay", "sick_pay_allowance", "sick_pay_explained", "service_band_months",
           "describe"]

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
    if fast():
        shortcut = _band_months_by_table(m, on)
        if shortcut is not None:
            return shortcut
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


def _band_months_by_table(m: np.ndarray, on: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`service_band_months` when every date ``on`` has the same band table in force
    and the months are whole numbers: two gathers by month; None otherwise."""
    if m.dtype.kind not in "iu" or m.size == 0:
        return None
    entry = _param("service_bands", "sick_pay").index_throughout(on)
    if entry is None:
        return None
    full, half = _band_months_by_month()[entry]
    # Months beyond the last band's start are in the last band, months below 0 in the
    # first (the general path's clip): ``take``'s clip mode does both.
    return np.take(full, m, mode="clip"), np.take(half, m, mode="clip")


@cache
def _band_months_by_month() -> list[tuple[np.ndarray, np.ndarray]]:
    """Each dated band table as full and half months for service of 0, 1, ... months up to
    its last band's start, by the general path's own search."""
    out = []
    for edges, full_table, half_table in _band_tables():
        months = np.arange(int(edges[-1]) + 1)
        b = np.clip(np.searchsorted(edges, months, side="right") - 1, 0, None)
        out.append((full_table[b], half_table[b]))
    return out


@cache
def _band_tables() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each dated band table as arrays: service edges, full months, half months."""
    return [
        (np.array([b["from_months"] for b in e.value]),
         np.array([b["full_months"] for b in e.value], dtype=float),
         np.array([b["half_months"] for b in e.value], dtype=float))
        for e in _param("service_bands", "sick_pay").entries
    ]


@answers_not_columns(lambda: not_columns_result(SickPay))
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
        True for a temporary contract of 4 months or less: SSP only. TRUE/FALSE, 1/0 or
        yes/no; any other value is the row's error ("temporary_short is not TRUE or FALSE").

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
    temp, temp_bad = flags(temporary_short)
    columns, shape = broadcast_rows(
        dates(service_start),
        dates(absence_start),
        floats(absence_days),
        floats(annual_salary_gbp),
        floats(prior_paid_days),
        temp,
    )
    out = blockwise(partial(_sick_pay_rows, shortcut=fast()), *columns)
    if temp_bad is not None:  # temporary_short neither TRUE nor FALSE: that row's reason
        out = _flagged(out, flag_errors(out[-1], shape, temporary_short=temp_bad))
    return SickPay(*[a.reshape(shape) for a in out])


def _flagged(out: tuple, error: np.ndarray) -> tuple:
    """The figures of ``out`` (its last item the error) with ``nan`` on the rows ``error`` marks."""
    bad = error != OK
    return (*[np.where(bad, np.nan, a) for a in out[:-1]], error)


def _sick_pay_rows(ss, ab, n, sal, prior, temp, shortcut=False):
    """The rules over 1-D rows (see :func:`sick_pay`).

    ``shortcut``: the fast paths are on. A block with no bad row (the usual case) then
    skips the placeholders of bad rows and the ``nan`` put back on them.
    """
    error, r, clean = _checks(ss, ab, n, sal, prior, temp, shortcut)
    if clean:
        good = True
        days_per_year = r.days_per_year
    else:
        good = error == OK
        n = np.where(good, n, 0.0)
        sal = np.where(good, sal, 0.0)
        prior = np.where(good, prior, 0.0)
        days_per_year = np.where(good, r.days_per_year, 1.0)

    rem_full, rem_half = _days_left(good, temp, r.full_m, r.half_m, r.temp_full, r.temp_half, prior,
                                    days_per_year, r.months_per_year, shortcut=shortcut)
    full_days = np.minimum(n, rem_full)
    half_days = np.minimum(n - full_days, rem_half)
    nil_days = n - full_days - half_days

    # Statutory sick pay window, in days from the start of the absence.
    daily_gbp = sal / days_per_year
    piw = n >= r.min_absence
    if not clean:
        piw &= good
    _, ssp_from, ssp_to = ssp_window(piw, n, daily_gbp * r.days_per_week, r, shortcut=shortcut)
    if shortcut and np.ndim(r.replacement) == 0:  # one cap rule for the block: no choice per row
        cap_daily = r.replacement * daily_gbp if r.replacement > 0 else np.inf
    else:
        cap_daily = np.where(r.replacement > 0, r.replacement * daily_gbp, np.inf)
    ssp_gbp, pay_gbp = ssp_and_pay(good, ab, n, daily_gbp, cap_daily, r.days_per_week,
                                   full_days, half_days, ssp_from, ssp_to, shortcut=shortcut)

    out = [full_days, half_days, nil_days, ssp_gbp, pay_gbp]
    if not clean:
        bad = ~good
        out = [np.where(bad, np.nan, a) for a in out]
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


def row_checks(ss, ab, n, sal, prior, temp, shortcut=None) -> tuple[np.ndarray, RowRules]:
    """Each row's reason code (0 = good) and the rules in force on its first day ``ab``.

    The checks of :func:`sick_pay` over 1-D rows, shared with
    :func:`xl_kent.sick_pay_log.sick_pay_log` (which checks each absence of a log
    with ``prior = 0``).

    >>> error, rules = row_checks(*[np.array([v]) for v in (np.datetime64("2020-01-01"),
    ...     np.datetime64("2025-06-01"), 10.0, 30000.0, 0.0, False)])
    >>> error.tolist(), rules.full_m.tolist(), np.ndim(rules.full_m), float(rules.waiting)
    ([0], [6.0], 1, 3.0)

    ``shortcut`` (default: whether the fast paths are on) lets a parameter that has one
    value on every row be a scalar, and lets a block with no bad row skip the per-row checks.
    """
    error, rules, _ = _checks(ss, ab, n, sal, prior, temp, fast() if shortcut is None else shortcut)
    return error, rules


def _checks(ss, ab, n, sal, prior, temp, shortcut) -> tuple[np.ndarray, RowRules, bool]:
    """:func:`row_checks`, and whether the block is clean (no bad row; only with ``shortcut``)."""
    if shortcut:
        clean = _clean_rules(ss, ab, n, sal, prior)
        if clean is not None:
            return np.zeros(ab.shape[0], dtype=np.int32), clean, True
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
    (days_per_year, months_per_year, days_per_week), ok_pay = params.lookup(ab, *_pay(), scalars=shortcut)
    (waiting, min_absence, lel, replacement, max_weeks), ok_ssp = params.lookup(ab, *_ssp(), scalars=shortcut)
    (temp_full, temp_half), ok_temp = params.lookup(ab, *_temp(), scalars=shortcut)
    full_m, half_m = service_band_months(complete_months(ss, ab), ab)
    in_force = ok_pay & ok_ssp & ok_temp & ~np.isnan(full_m)
    set_error(error, ~in_force, E_NO_RULES)
    return error, RowRules(days_per_year, months_per_year, days_per_week, waiting, min_absence, lel,
                           replacement, max_weeks, temp_full, temp_half, full_m, half_m), False


# The parameters each row looks up on its first day (J.2.A, J.2.B; pay: B.2.D), found
# afresh on each call (a test may swap a parameter file's contents).
def _pay() -> list[params.Parameter]:
    return [_param(name, "pay") for name in ("days_per_year", "months_per_year", "days_per_week")]


def _ssp() -> list[params.Parameter]:
    return [_param(name) for name in ("waiting_days", "min_absence_days", "lower_earnings_limit_gbp",
                                      "earnings_replacement_rate", "max_weeks")]


def _temp() -> list[params.Parameter]:
    return [_param(name, "sick_pay") for name in ("temporary_short_full_months", "temporary_short_half_months")]


def _plausible() -> list[params.Parameter]:
    return [_param(_BOUNDS[k][0], "plausibility") for k in ("absence_days", "annual_salary", "prior_paid_days")]


def _clean_bands(ss, ab) -> tuple[np.ndarray, np.ndarray] | None:
    """The service band months (full, half) of a block with no bad row, or None when a
    row's service is negative or has no band in force (the general path judges it)."""
    months = complete_months(ss, ab)
    if int(months.min()) < 0:
        return None
    full_m, half_m = service_band_months(months, ab)
    if np.isnan(full_m).any():
        return None
    return full_m, half_m


def _clean_rules(ss, ab, n, sal, prior) -> RowRules | None:
    """The rules of a block in which no row fails a check of :func:`row_checks`, or None.

    The checks are made on the block's extremes (a few reductions instead of a mask per
    check): no NaT (the smallest day number), the smallest ``n``, ``sal`` and ``prior``
    within range and the largest within the plausibility bounds (``nan`` fails every
    comparison), every parameter in force, and ``ss <= ab`` on every row: the complete
    months from ``ss`` to ``ab`` are negative exactly where ``ss > ab``.
    """
    if ab.shape[0] == 0 or min(int(ss.view(np.int64).min()), int(ab.view(np.int64).min())) <= _FAR_PAST_DAY:
        return None
    if not (float(n.min()) >= 1 and float(sal.min()) > 0 and float(prior.min()) >= 0):
        return None
    # One lookup for all the rules: one search of the dates, and none in force means not clean.
    values, in_force = params.lookup(ab, *_plausible(), *_pay(), *_ssp(), *_temp(), scalars=True)
    bounds = values[:3]
    if any(np.ndim(b) for b in bounds) or not (
            float(n.max()) <= bounds[0] and float(sal.max()) <= bounds[1] and float(prior.max()) <= bounds[2]):
        return None
    if not in_force.all():
        return None
    (days_per_year, months_per_year, days_per_week, waiting, min_absence, lel, replacement, max_weeks,
     temp_full, temp_half) = values[3:]
    bands = _clean_bands(ss, ab)
    if bands is None:
        return None
    return RowRules(days_per_year, months_per_year, days_per_week, waiting, min_absence, lel,
                    replacement, max_weeks, temp_full, temp_half, *bands)


_FAR_PAST_DAY = -(2**40)  # day numbers at or below this: NaT (the smallest int64)


def ssp_window(piw, n, weekly_earnings_gbp, r: RowRules, shortcut=False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's SSP window in days from its first day: ``(eligible, ssp_from, ssp_to)``.

    ``piw``: the absence can earn SSP at all (a good row, long enough); eligible rows also
    earn at least the lower earnings limit. The window starts after the waiting days and
    lasts at most ``max_weeks`` weeks (J.2, SSP); ``(0, 0)`` for the others. One function for
    :func:`sick_pay` and its explanation, so that both see the same window. (``shortcut``:
    see :func:`_zero`.)
    """
    eligible = piw & (weekly_earnings_gbp >= r.lel)
    ssp_from = np.where(eligible, r.waiting, 0.0)
    ssp_to = np.where(
        eligible, ssp_from + np.minimum(r.max_weeks * r.days_per_week, np.maximum(_zero(n, shortcut), n - ssp_from)),
        0.0
    )
    return eligible, ssp_from, ssp_to


def ssp_and_pay(good, ab, n, daily_gbp, cap_daily, days_per_week, full_days, half_days, ssp_from, ssp_to,
                shortcut=None):
    """SSP within each absence and its gross pay, over 1-D rows (J.2.A, J.2.B).

    ``ssp_from`` and ``ssp_to`` bound each row's SSP window in days from its first day
    ``ab`` (after waiting days, up to the 28-week limit); ``full_days`` and
    ``half_days`` are its contractual split, full pay first. SSP is the weekly rate in
    force on each day / 7, at most ``cap_daily``. A full-pay day pays ``daily_gbp``
    (its SSP is inside it), a half-pay day ``min(daily, daily / 2 + daily SSP)``, a nil
    day the daily SSP. Rows not ``good`` give 0 (``good`` may be ``True``: every row).
    Returns ``(ssp_gbp, pay_gbp)``. ``shortcut`` (default: whether the fast paths are on)
    reads the first rate period of each window from a table by day.

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
    if fast() if shortcut is None else shortcut:
        ab_safe = ab if good is True or np.all(good) else np.where(good, ab, starts[0])
        if rows and int(ab_safe.view(np.int64).min()) >= int(starts[0].astype(np.int64)):  # no NaT either
            return _ssp_and_pay_by_table(rate, ab_safe, n, daily_gbp, cap_daily, days_per_week, full_days,
                                         half_days, ssp_from, ssp_to)
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


def _ssp_and_pay_by_table(rate, ab, n, daily_gbp, cap_daily, days_per_week, full_days, half_days, ssp_from,
                          ssp_to):
    """:func:`ssp_and_pay`'s walk for rows whose first day ``ab`` has a rate in force.

    The same figures by the same operations, in the same order: the first rate period
    of every window (``k = 0``) reads its weekly rate and its end, in days from ``ab``,
    from tables by day (no search); only the windows that reach a later period (those
    with ``ssp_to > end - 1``, as the general path counts them: up to the day after the
    window) walk on, as in the general path.
    """
    starts = rate.starts
    weekly = rate.numbers[:-1]
    weekly_by_day, end_by_day, period_by_day, base, offset_ends, per_day = _rate_tables(rate)
    slots = ab.view(np.int64) - base
    if np.ndim(days_per_week) == 0:  # the weekly rate / 7, by day (the same division, made once)
        key = float(days_per_week)
        if key not in per_day:
            per_day[key] = weekly_by_day / days_per_week
        daily_ssp = np.take(per_day[key], slots, mode="clip")
    else:
        daily_ssp = np.take(weekly_by_day, slots, mode="clip") / days_per_week
    if not (np.ndim(cap_daily) == 0 and cap_daily == np.inf):  # no cap: the minimum is the rate
        daily_ssp = np.minimum(daily_ssp, cap_daily)
    end_0 = np.take(end_by_day, slots, mode="clip")
    half_cap = daily_gbp / 2
    band_half_end = full_days + half_days
    # k = 0: the period starts at -inf, which leaves each lower bound as it is.
    hi = np.minimum(ssp_to, end_0)
    zero = _zero(n, True)
    ssp_gbp = np.maximum(hi - ssp_from, zero)
    ssp_gbp *= daily_ssp
    ssp_gbp += 0.0  # as the general path's sum from 0.0 (-0.0 becomes 0.0)
    half_ssp_gbp = np.maximum(np.minimum(hi, band_half_end) - np.maximum(ssp_from, full_days), zero)
    half_ssp_gbp *= np.minimum(half_cap, daily_ssp)
    half_ssp_gbp += 0.0
    nil_ssp_gbp = np.maximum(np.minimum(hi, n) - np.maximum(ssp_from, band_half_end), zero)
    nil_ssp_gbp *= daily_ssp
    nil_ssp_gbp += 0.0

    on = np.flatnonzero(ssp_to > end_0 - 1.0)  # windows that reach the next period (ceil(ssp_to) >= end)
    if on.size:
        ab_on = ab[on]
        slots_on = slots[on]
        first_period = np.take(period_by_day, slots_on, mode="clip")
        # rate.index(ab + ceil(ssp_to)), by the table (the windows are finite).
        crossed = np.take(period_by_day, slots_on + np.ceil(ssp_to[on]).astype(np.int64), mode="clip")
        crossed -= first_period
        ab_offset = (ab_on - starts[0]).astype(np.float64)
        for k in range(1, int(crossed.max()) + 1):  # rate periods crossed, not rows
            sel = np.flatnonzero(crossed >= k)
            at = on[sel]
            period = first_period[sel] + k
            start_k = (starts[period] - starts[0]).astype(np.float64) - ab_offset[sel]
            end_k = offset_ends[period] - ab_offset[sel]
            lo, hi = ssp_from[at], ssp_to[at]
            daily_k = np.minimum(weekly[period] / _rows_of(days_per_week, at), _rows_of(cap_daily, at))
            ssp_gbp[at] += daily_k * interval_overlap(lo, hi, start_k, end_k)
            half_days_k = interval_overlap(lo, hi, start_k, end_k, full_days[at], band_half_end[at])
            half_ssp_gbp[at] += np.minimum(half_cap[at], daily_k) * half_days_k
            nil_days_k = interval_overlap(lo, hi, start_k, end_k, band_half_end[at], n[at])
            nil_ssp_gbp[at] += daily_k * nil_days_k

    pay_gbp = daily_gbp * full_days  # the general path's sum, in its order, in place
    pay_gbp += half_cap * half_days
    pay_gbp += half_ssp_gbp
    pay_gbp += nil_ssp_gbp
    return ssp_gbp, pay_gbp


_RATE_TABLES: dict[int, tuple] = {}

_ZEROS: dict[int, np.ndarray] = {}


def _rows_of(a, rows: np.ndarray):
    """``a[rows]``, or ``a`` itself if it is a scalar (it broadcasts)."""
    return a if np.ndim(a) == 0 else a[rows]


def _zero(like, shortcut: bool):
    """``0.0``, or with ``shortcut`` an array of zeros of the 1-D ``like``'s length (read
    only, shared): ``np.maximum`` of two arrays runs about twice as fast as against a
    scalar, with the same result row by row (the operands keep their order)."""
    if not shortcut or np.ndim(like) != 1:
        return 0.0
    rows = np.shape(like)[0]
    zeros = _ZEROS.get(rows)
    if zeros is None:
        zeros = np.zeros(rows)
        zeros.flags.writeable = False
        if len(_ZEROS) < 8:  # a block's length, and the last block's
            _ZEROS[rows] = zeros
    return zeros


def _rate_tables(rate: params.Parameter) -> tuple[np.ndarray, np.ndarray, int]:
    """For each day from the day before the first SSP rate to the last rate's start: the
    weekly rate in force (the general path's ``weekly[period]``), the end of its period
    in days from that day (its ``offset_ends[period] - ab_offset``: ``inf`` in the last)
    and the period (``rate.index``); the day number of the first slot, ``offset_ends``, and
    a dict for the daily rate by day for a number of days a week. Later days are as the last slot (``take``'s
    clip mode); earlier days are not looked up (they have no rate in force)."""
    cached = _RATE_TABLES.get(id(rate))
    if cached is None or cached[0] is not rate:
        starts = rate.starts
        base = int(starts[0].astype(np.int64)) - 1
        days = np.arange(base, int(starts[-1].astype(np.int64)) + 1).view("datetime64[D]")
        period = np.searchsorted(starts, days, side="right") - 1
        offset_ends = np.append((starts[1:] - starts[0]).astype(np.float64), np.inf)
        end = offset_ends[period] - (days - starts[0]).astype(np.float64)
        cached = _RATE_TABLES[id(rate)] = (rate, rate.numbers[:-1][period], end, period, base, offset_ends, {})
    return cached[1:]


def _check_bounds(error, absence_start, **values) -> None:
    """RULES.md's plausibility bounds (round 2), in force on ``absence_start``: #NUM! above
    them (inf included), so that no row gives a number for a typing error, nor inf or nan.
    A row with no bound in force (before 1900) has no sick pay rules in force either (#N/A)."""
    names = [_BOUNDS[k][0] for k in values]
    bounds, _ = params.lookup(absence_start, *[_param(n, "plausibility") for n in names], scalars=fast())
    for (key, value), bound in zip(values.items(), bounds, strict=True):
        set_above(error, value, bound, "#NUM!", _BOUNDS[key][1])


def _days_left(good, temp, full_m, half_m, temp_full, temp_half, prior, days_per_year, months_per_year,
               shortcut=False):
    """Allowance left after the rolling year's paid days (J.2.A), full pay first.

    ``good`` may be ``True`` (every row good); with ``shortcut``, a block without a
    temporary contract skips choosing between the two allowances.
    """
    if good is True:
        days_per_month = days_per_year / months_per_year
    else:
        days_per_month = days_per_year / np.where(good, months_per_year, 1.0)
    if shortcut and np.ndim(full_m) == 1 and np.shape(full_m) == np.shape(half_m) == np.shape(temp):
        # The allowance of the service band, then that of a short temporary contract on its
        # rows (np.where's choice, row by row, without its pass).
        full_allow = full_m * days_per_month
        half_allow = half_m * days_per_month
        if np.any(temp):
            np.copyto(full_allow, temp_full * days_per_month, where=temp)
            np.copyto(half_allow, temp_half * days_per_month, where=temp)
    else:
        full_allow = np.where(temp, temp_full, full_m) * days_per_month
        half_allow = np.where(temp, temp_half, half_m) * days_per_month
    zero = _zero(full_allow, shortcut)
    rem_full = np.maximum(zero, full_allow - prior)
    rem_half = np.maximum(zero, half_allow - np.maximum(zero, prior - full_allow))
    return rem_full, rem_half


@answers_not_columns(lambda: not_columns_result(SickAllowance))
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
    temp, temp_bad = flags(temporary_short)
    columns, shape = broadcast_rows(dates(service_start), dates(absence_start), floats(prior_paid_days), temp)
    out = blockwise(partial(_allowance_rows, shortcut=fast()), *columns)
    if temp_bad is not None:
        out = _flagged(out, flag_errors(out[-1], shape, temporary_short=temp_bad))
    return SickAllowance(*[a.reshape(shape) for a in out])


def _allowance_rows(ss, ab, prior, temp, shortcut=False):
    """:func:`sick_pay_allowance` over 1-D rows, with the checks of :func:`_sick_pay_rows`.

    ``shortcut``: the fast paths are on; a block with no bad row then skips the masks.
    """
    clean = _clean_allowance(ss, ab, prior) if shortcut else None
    if clean is not None:
        days_per_year, months_per_year, temp_full, temp_half, full_m, half_m = clean
        rem_full, rem_half = _days_left(True, temp, full_m, half_m, temp_full, temp_half, prior,
                                        days_per_year, months_per_year, shortcut=True)
        return rem_full, rem_half, np.zeros(ab.shape[0], dtype=np.int32)
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
                                    days_per_year, months_per_year, shortcut=shortcut)
    return np.where(good, rem_full, np.nan), np.where(good, rem_half, np.nan), error


def _clean_allowance(ss, ab, prior) -> tuple | None:
    """The rules of :func:`_allowance_rows` for a block in which no row fails a check, or None
    (the checks on the block's extremes, as :func:`_clean_rules`)."""
    if ab.shape[0] == 0 or min(int(ss.view(np.int64).min()), int(ab.view(np.int64).min())) <= _FAR_PAST_DAY:
        return None
    if not float(prior.min()) >= 0:
        return None
    values, in_force = params.lookup(ab, _plausible()[2], *_pay()[:2], *_temp(), scalars=True)
    if np.ndim(values[0]) or not float(prior.max()) <= values[0] or not in_force.all():
        return None
    bands = _clean_bands(ss, ab)
    if bands is None:
        return None
    return (*values[1:], *bands)


# ---------------------------------------------------------------- the figure explained
@answers_not_columns(not_columns_words)
def sick_pay_explained(
    service_start,
    absence_start,
    absence_days,
    annual_salary_gbp,
    prior_paid_days=0.0,
    temporary_short=False,
) -> np.ndarray:
    """One line of plain English per row: how :func:`sick_pay` reached its pay and SSP.

    Same arguments and broadcasting as :func:`sick_pay`. A good row says the service
    and its band, the paid sick days of the last 12 months taken off, this absence's
    split into days at full, half and no pay, the daily rate, the pay (to the penny,
    as KENT_SICKPAY gives it) and the SSP within it, with why SSP is what it is
    (waiting days, an absence too short, earnings below the lower earnings limit,
    the 80 % cap, the 28-week limit). A bad row gives its reason in words.

    Returns
    -------
    numpy.ndarray
        Object array of ``str`` of the broadcast shape (0-d for scalars).

    Examples
    --------
    >>> print(sick_pay_explained("2021-03-01", "2025-05-01", 40, 36500, 20))  # doctest: +NORMALIZE_WHITESPACE
    4 years 2 months' service: 5 months full pay and 5 months half pay (152.08 + 152.08 days);
    20 paid sick days in the last 12 months come off full pay; this 40-day absence: 40 days at
    full pay at £100.00 a day, £4,000.00, of which SSP £627.68 (after 3 waiting days)
    >>> print(sick_pay_explained("2023-06-01", "2025-06-01", 200, 36500, 150))  # doctest: +NORMALIZE_WHITESPACE
    2 years' service: 4 months full pay and 4 months half pay (121.67 + 121.67 days); 150 paid sick
    days in the last 12 months use up full pay and 28.33 days of half pay; this 200-day absence:
    93.33 days at half pay (half of £100.00 a day) and 106.67 days at no pay, £7,991.67, of which
    SSP £3,325.00 (after 3 waiting days, up to the 28-week limit)
    >>> sick_pay_explained(["2025-03-01", "2026-01-01"], "2025-06-01", 10, 36500,
    ...                    temporary_short=True).tolist()[1]
    'service_start is after absence_start'
    """
    r = sick_pay(service_start, absence_start, absence_days, annual_salary_gbp, prior_paid_days, temporary_short)
    columns, _ = broadcast_rows(
        dates(service_start), dates(absence_start), floats(absence_days), floats(annual_salary_gbp),
        floats(prior_paid_days), bools(temporary_short),
    )
    error = r.error.reshape(-1)
    sentence = np.full(error.shape, "", dtype=object)
    rows = np.flatnonzero(error == OK)
    if rows.size:
        ss, ab, n, sal, prior, temp = [c[rows] for c in columns]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            _, rr = row_checks(ss, ab, n, sal, prior, temp)
            # The SSP window as sick_pay's rows find it (the same function).
            piw = n >= rr.min_absence
            _, ssp_from, ssp_to = ssp_window(piw, n, sal / rr.days_per_year * rr.days_per_week, rr)
            figures = [a.reshape(-1)[rows] for a in r[:5]]
            sentence[rows] = words.join(*_explain_parts(ss, ab, n, sal, temp, rr, figures, prior, piw, ssp_from,
                                                        ssp_to))
    return words.explained(sentence, error).reshape(r.error.shape)


def _explain_parts(ss, ab, n, sal, temp, rr, figures, prior, piw, ssp_from, ssp_to, record=None) -> list:
    """The parts of the sentence of good rows (1-D), to be joined (see :func:`sick_pay_explained`).

    ``piw``: the absence can earn SSP at all (long enough); ``ssp_from``, ``ssp_to``: its
    SSP window in days from ``ab``. ``record``, for an absence record: ``(window_from,
    day_before)``, the rolling year the record's paid days were counted in.
    """
    full_days, half_days, nil_days, ssp_gbp, pay_gbp = figures
    count = n.shape[0]
    days_per_month = rr.days_per_year / rr.months_per_year
    daily = sal / rr.days_per_year
    weekly = daily * rr.days_per_week
    eligible = piw & (weekly >= rr.lel)

    band = _per_key(count, [complete_months(ss, ab), temp, rr.full_m, rr.half_m, rr.temp_full, rr.temp_half,
                            days_per_month], _band_words)
    # The rolling year's paid days, full pay first (left out when none, or SSP only).
    prior_words = [np.full(count, "", dtype=object) for _ in range(3)]
    some = np.flatnonzero((prior > 0) & ~temp)
    if some.size:
        take = _take_rules(rr, some, count)
        full, half = take.full_m * days_per_month, take.half_m * days_per_month
        if record is None:
            prior_words[0][some] = _per_key(some.size, [prior[some], full, half, _rolling_months(ab[some])],
                                            _prior_clause)
        else:  # the record's words: its paid days, the dates of that rolling year, how they come off
            window_from, day_before = record
            prior_words[0][some] = _per_key(some.size, [prior[some]], lambda p: words.join(
                "the absence record gives ", words.plural(p, "paid sick day"), " from "))
            prior_words[1][some] = _per_key(some.size, [window_from[some], day_before[some]], lambda f, b: words.join(
                words.day_text(f.view("datetime64[D]")), " to ", words.day_text(b.view("datetime64[D]")), ", which"))
            prior_words[2][some] = _per_key(some.size, [prior[some], full, half], lambda p, f, h: words.join(
                _prior_verb(p, f, h, False), "; "))
    absence = _per_key(count, [n], lambda v: words.join("this ", words.number(v), "-day absence: "))

    # The split: the words before the daily rate and after it, once per distinct split.
    values, inverse = _distinct(count, [full_days, half_days, nil_days])
    before, after = _split_words(*values)
    has_rate = (full_days + half_days) > 0
    daily_text = words.gbp(round_pennies(np.where(has_rate, daily, np.nan)))
    split = [before[inverse], daily_text, after[inverse]]
    why = _ssp_why(ab, n, weekly, rr, piw, eligible, ssp_from, ssp_to)
    return [band, "; ", *prior_words, absence, *split, ", ", words.gbp(round_pennies(pay_gbp)), ", of which SSP ",
            words.gbp(round_pennies(ssp_gbp)), why]


def _take_rules(rules: RowRules, rows: np.ndarray, count: int) -> RowRules:
    """The rules of the rows ``rows`` only (scalars stay scalars)."""
    return RowRules(*[a[rows] if np.ndim(a) and np.shape(a)[0] == count else a for a in rules])


def _rolling_months(ab) -> np.ndarray:
    (months,), _ = params.lookup(ab, _param("rolling_period_months", "sick_pay"))
    return np.broadcast_to(months, np.shape(ab))


def _distinct(count: int, keys) -> tuple[list, np.ndarray]:
    """The distinct rows of ``keys`` (arrays of ``count`` rows; scalars are passed as they
    are) and each row's index into them. Whole numbers in a short range (months, days,
    dates, flags) are numbered without sorting."""
    arrays = [np.asarray(k) for k in keys]
    arrays = [a.view(np.int64) if a.dtype.kind == "M" else a for a in arrays]
    codes = np.zeros(count, dtype=np.int64)
    size = 1
    for a in arrays:
        if a.ndim == 0:
            continue
        c, kinds = _numbered(a)
        if size * kinds > _DENSE:  # keep the combined code small: renumber what is seen so far
            codes, size = _renumber(codes, size)
        codes = codes * kinds + c
        size *= kinds
    inverse, size = _renumber(codes, size)
    first = np.zeros(size, dtype=np.intp)
    first[inverse[::-1]] = np.arange(count - 1, -1, -1)  # the first row of each distinct key
    return [a if a.ndim == 0 else a[first] for a in arrays], inverse


_DENSE = 4_194_304  # codes up to this many are renumbered by a table, not by sorting


def _numbered(a: np.ndarray) -> tuple[np.ndarray, int]:
    """Each row's number among the values of ``a`` (0 up), and how many numbers there may be."""
    if a.dtype == bool:
        return a.astype(np.int64), 2
    if a.size and a.dtype.kind in "iuf":
        lo, hi = float(a.min()), float(a.max())
        if np.isfinite(lo) and np.isfinite(hi) and hi - lo < _DENSE:
            whole = a.astype(np.int64)
            if (whole == a).all():
                return whole - int(lo), int(hi - lo) + 1
    values, c = np.unique(a, return_inverse=True)
    return c.ravel().astype(np.int64), max(int(values.shape[0]), 1)


def _renumber(codes: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """``codes`` (below ``size``) numbered 0 up in order, and how many distinct there are."""
    if size <= _DENSE:
        seen = np.zeros(size, dtype=bool)
        seen[codes] = True
        number = np.cumsum(seen) - 1
        return number[codes], int(number[-1]) + 1 if size else 0
    values, inverse = np.unique(codes, return_inverse=True)
    return inverse.ravel(), int(values.shape[0])


def _per_key(count: int, keys, build) -> np.ndarray:
    """``build`` called once on the distinct rows of ``keys`` (see :func:`_distinct`); its
    texts given back to every row."""
    values, inverse = _distinct(count, keys)
    texts = np.asarray(build(*values), dtype=object)
    return np.broadcast_to(texts, (int(inverse.max(initial=-1)) + 1,))[inverse] if inverse.size else texts[:0]


def _pick(condition, yes: str, no: str = "") -> np.ndarray:
    """``yes`` where ``condition`` holds, else ``no`` (the same two str objects, shared)."""
    return np.array([no, yes], dtype=object)[np.asarray(condition, dtype=np.intp)]


def _split_words(full_days, half_days, nil_days) -> tuple[np.ndarray, np.ndarray]:
    """This absence's days at full, half and no pay, as the words before and after the daily
    rate: ``"40 days at full pay at "`` + rate + ``" a day and 10 days at no pay"``."""
    on_full, on_half, on_nil = full_days > 0, half_days > 0, nil_days > 0
    half_only = on_half & ~on_full
    full = words.join(words.plural(full_days, "day"), " at full pay at ", where=on_full)
    half = words.join(words.plural(half_days, "day"), " at half pay", _pick(half_only, " (half of "),
                      where=on_half)
    nil = words.join(words.plural(nil_days, "day"), " at no pay", where=on_nil)
    before = words.choose([on_full, on_half], [full, half], nil)
    sep_ab = np.where(on_full & on_half, _pick(on_nil, ", ", " and "), "").astype(object)
    sep_bc = _pick((on_full | on_half) & on_nil, " and ")
    after = words.choose(
        [on_full, on_half],
        [words.join(" a day", sep_ab, np.where(on_half, half, ""), sep_bc, np.where(on_nil, nil, "")),
         words.join(" a day)", sep_bc, np.where(on_nil, nil, ""))],
        "",
    )
    return before, after


def _possessive(months) -> np.ndarray:
    """``"4 years 2 months'"``, ``"1 month's"``, ``"1 year's"``: service in words, possessive."""
    m = np.asarray(months, dtype=np.float64)
    y = np.floor(m / MONTHS_PER_YEAR)
    rest = m - y * MONTHS_PER_YEAR
    single = (rest == 1) | ((rest == 0) & (y == 1))
    return words.join(words.years_months(m), np.where(single, "'s", "'"))


def _band_words(months, temp, full_m, half_m, temp_full, temp_half, days_per_month) -> np.ndarray:
    """``"4 years 2 months' service: 5 months full pay and 5 months half pay (152.08 + 152.08 days)"``."""
    full = np.where(temp, temp_full, full_m)
    half = np.where(temp, temp_half, half_m)
    service = words.join(_possessive(months), " service",
                         np.where(temp, ", temporary contract of 4 months or less", ""), ": ")
    days = words.join(" (", words.number(full * days_per_month),
                      np.where(half > 0, words.join(" + ", words.number(half * days_per_month)), ""), " days)")
    band = words.join(words.plural(full, "month"), " full pay",
                      np.where(half > 0, words.join(" and ", words.plural(half, "month"), " half pay"), ""), days)
    nothing = (full == 0) & (half == 0)
    return words.join(service, np.where(nothing, "no contractual sick pay, SSP only", band))


def _prior_verb(prior, full, half, singular) -> np.ndarray:
    """How the rolling year's paid days come off the allowance, full pay first."""
    one = (prior == 1) & singular  # "1 paid sick day ... comes off"
    return words.choose(
        [prior <= full, prior < full + half],
        [np.where(one, " comes off full pay", " come off full pay"),
         words.join(np.where(one, " uses up", " use up"), " full pay and ", words.plural(prior - full, "day"),
                    " of half pay")],
        np.where(one, " uses up full and half pay", " use up full and half pay"),
    )


def _prior_clause(prior, full, half, rolling_months) -> np.ndarray:
    """``"20 paid sick days in the last 12 months come off full pay; "``."""
    return words.join(words.plural(prior, "paid sick day"), " in the last ",
                      words.plural(rolling_months, "month", decimals=0), _prior_verb(prior, full, half, True), "; ")


def _ssp_why(ab, n, weekly, rr, piw, eligible, ssp_from, ssp_to) -> np.ndarray:
    """Why SSP is what it is, ``" (...)"``, or ``""`` when nothing needs saying.

    Reasons: an absence too short (with the date its rule changed), weekly earnings below
    the lower earnings limit, the waiting days (``ssp_from``: those left to serve), the
    cap at a share of weekly earnings, the limit of weeks. All from the rules in force on
    the row's first day ``ab``.
    """
    count = n.shape[0]
    # The date the minimum absence rule changed: the next entry after the one in force.
    p = _param("min_absence_days")
    later = p.index(ab) + 1
    until = np.where(later < len(p.entries), p.starts[np.minimum(later, len(p.entries) - 1)], np.datetime64("NaT"))
    # The cap binds when it is below the weekly rate on the first or last SSP day.
    rate = _param("weekly_rate_gbp")
    last_day = ab + np.maximum(np.ceil(ssp_to) - 1, 0).astype("timedelta64[D]")
    flat = np.maximum(rate.at(np.where(eligible, ab, rate.starts[0]))[0],
                      rate.at(np.where(eligible, last_day, rate.starts[0]))[0])
    capped = eligible & (rr.replacement > 0) & (rr.replacement * weekly < flat)
    limited = eligible & (ssp_to - ssp_from < n - ssp_from)
    waiting = np.where(eligible, ssp_from, 0.0)
    why = _per_key(count, [~piw, piw & ~eligible, waiting, limited, rr.min_absence, until, rr.max_weeks],
                   _why_words)
    # Reasons with the row's own earnings in them: said row by row (few rows have them).
    low = np.flatnonzero(piw & ~eligible)
    if low.size:
        take = _take_rules(rr, low, count)
        why[low] = words.join(" (no SSP: weekly earnings ", words.gbp(round_pennies(weekly[low])),
                              " are below the lower earnings limit of ", words.gbp(take.lel), ")")
    cap = np.flatnonzero(capped)
    if cap.size:
        take = _take_rules(rr, cap, count)
        share = take.replacement * weekly[cap]
        cap_words = words.join("capped at ", words.number(take.replacement * 100), "% of weekly earnings of ",
                               words.gbp(round_pennies(weekly[cap])), ", ", words.gbp(round_pennies(share)),
                               " a week")
        parts = _why_parts(False, waiting[cap], limited[cap], take.min_absence, until[cap], take.max_weeks)
        why[cap] = _listed([*parts[:2], cap_words, parts[2]], " (", ", ", ")")
    return why


def _why_parts(short, waiting, limited, min_absence, until, max_weeks) -> list:
    """The reasons that need no earnings figure, as words (``""`` where they do not apply)."""
    short_words = words.join(
        "no SSP: an absence under ", words.plural(min_absence, "day"),
        np.where(np.isnat(until), "", words.join(", under the rules before ", words.day_text(until))),
        where=short,
    )
    wait_words = words.join("after ", words.plural(waiting, "waiting day"), where=waiting > 0)
    limit_words = words.join("up to the ", words.number(max_weeks), "-week limit", where=limited)
    return [short_words, wait_words, limit_words]


def _why_words(short, low, waiting, limited, min_absence, until, max_weeks) -> np.ndarray:
    """The reasons of :func:`_why_parts` in brackets (``low`` rows are worded by the caller)."""
    until = np.asarray(until).view("datetime64[D]")
    return _listed(_why_parts(short, waiting, limited, min_absence, until, max_weeks), " (", ", ", ")")


def _listed(parts, opening, sep, closing) -> np.ndarray:
    """The non-empty parts of each row joined by ``sep`` inside ``opening``/``closing``; ``""`` if none."""
    parts = [np.asarray(p, dtype=object) for p in parts]
    seen = np.zeros(np.broadcast_shapes(*[p.shape for p in parts]), dtype=bool)
    glued = []
    for p in parts:  # a handful of parts, not rows
        on = p != ""
        glued += [np.where(seen & on, sep, ""), p]
        seen = seen | on
    return words.join(np.where(seen, opening, ""), *glued, np.where(seen, closing, ""))
