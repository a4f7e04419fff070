"""Sick pay over an absence record, with SSP over linked absences (Kent Scheme J.2).

:func:`sick_pay_log` reads a whole absence record (one row per absence of one
employee) and gives each absence what :func:`xl_kent.sick_pay.sick_pay` gives one
absence, with the two inputs a single absence cannot know taken from the record
itself (``../shared/RULES.md``, KENT_SICKPAY_LOG):

* **the rolling year** (J.2.A "Calculation of Contractual Sick Pay Entitlement"): an
  absence's ``prior_paid_days`` are the days from ``EDATE(first, -12)`` to
  ``first - 1`` on which the same employee's earlier absences were paid at full or
  half pay. An absence's paid days are its first ``full_days + half_days`` days (full
  pay first), a part day by its fraction, so the record is worked through in order
  of first day;
* **linked SSP** (J.2.B "Non-Payment of SSP"; SSCBA 1992 s.152(3)): an absence is a
  period of incapacity for work (PIW) unless it starts before 6 April 2026 and lasts
  under 4 days (parameter ``ssp.min_absence_days``). A PIW starting at most
  ``ssp.linking_gap_days`` (56) days after the employee's previous PIW ended links to
  it; a linked series serves its waiting days once (``ssp.waiting_days``, 3 before
  6 April 2026, by each absence's own first day) and pays at most ``ssp.max_weeks``
  (28) weeks of SSP in all. Rates, the lower earnings limit and the 80 % cap are
  those of :func:`~xl_kent.sick_pay.sick_pay`, by day and by the absence's own first
  day.

A row in error (its own values, or two absences of one employee that overlap: both
are errors) takes no part in the other rows' figures. A one-row record gives what
:func:`~xl_kent.sick_pay.sick_pay` gives with ``prior_paid_days=0``.

How: the valid rows are sorted once by (employee, first day); a loop runs over
``k``, the k-th absence of every employee at once (vectorised over the employees
that have a k-th absence, so a record where one employee has 2,000 absences loops
2,000 times over one employee, not over the record). Each step needs only per
employee running totals, so it costs O(employees still active). The money (SSP by
rate period and pay) is then computed for all rows in one pass, by the same code as
:func:`~xl_kent.sick_pay.sick_pay`.

Examples
--------
Two absences of one employee (5 years' service, £36,500 a year, £100 a day) a month
apart: the second starts with the first's 10 paid days in its rolling year, and
links to it for SSP (no new waiting days):

>>> r = sick_pay_log(["E1", "e1 "], ["2025-05-01", "2025-06-01"], ["2025-05-10", "2025-06-05"],
...                  "2018-01-01", 36500)
>>> r.prior_paid_days.tolist(), r.pay_gbp.tolist()
([0.0, 10.0], [1000.0, 500.0])
>>> r.ssp_gbp.round(2).tolist(), r.ssp_days_left.tolist()
([118.75, 84.82], [189.0, 184.0])

Two absences that overlap are both errors; the other rows are worked out without them:

>>> r = sick_pay_log([1, 1, 2], ["2025-05-01", "2025-05-03", "2025-05-01"],
...                  ["2025-05-04", "2025-05-06", "2025-05-04"], "2018-01-01", 36500,
...                  output="full_days")
>>> r.value.tolist()
[nan, nan, 4.0]
>>> describe(r.error)[0]
(0, '#VALUE!', 'overlaps another absence of the same employee')
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import params, words
from ._arrays import (
    answers_not_columns,
    blockwise,
    broadcast_shape,
    dates,
    flag_errors,
    flags,
    floats,
    not_columns_result,
    not_columns_words,
)
from .awards import _codes, _stable_order
from .dates import add_months
from .errors import OK, describe, first_reason, reason, set_error
from .sick_pay import E_NO_RULES, _days_left, _explain_parts, _per_key, _pick, row_checks, ssp_and_pay

__all__ = ["AllowanceLeft", "SickPayLog", "allowance_left", "paid_days_before", "sick_pay_log", "sick_pay_log_explained",
           "OUTPUTS", "describe"]

#: The figures ``output`` can ask for, in the order of :class:`SickPayLog`'s fields.
OUTPUTS = ("full_days", "half_days", "nil_days", "ssp", "pay", "prior_paid_days", "ssp_days_left")

E_EMPLOYEE = reason("#VALUE!", "employee id is blank")  # the words of KENT_AWARD_OK
E_FIRST_DAY = reason("#VALUE!", "first_day is blank or not a date")
E_LAST_DAY = reason("#VALUE!", "last_day is blank or not a date")
E_DAY_ORDER = reason("#NUM!", "last_day is before first_day")
E_OVERLAP = reason("#VALUE!", "overlaps another absence of the same employee")
E_OUTPUT = reason(
    "#VALUE!",
    'output is not one of "pay", "full_days", "half_days", "nil_days", "ssp", "prior_paid_days", "ssp_days_left"',
)

_NO_DAY = np.iinfo(np.int64).min // 2  # "no such day" in the sequential part (far before any date)


class SickPayLog(NamedTuple):
    """Result of :func:`sick_pay_log`: one value per row of the record (``nan`` on bad rows)."""

    full_pay_days: np.ndarray
    half_pay_days: np.ndarray
    nil_pay_days: np.ndarray
    ssp_gbp: np.ndarray  # SSP within the absence, whatever band it is paid in
    pay_gbp: np.ndarray  # gross pay for the absence, unrounded
    prior_paid_days: np.ndarray  # paid sick days of the rolling year the record gave this row
    ssp_days_left: np.ndarray  # SSP days left of the linked series after this absence
    value: np.ndarray  # the figure ``output`` asks for
    error: np.ndarray  # reason codes, 0 = good row (see xl_kent.errors)


@answers_not_columns(lambda: not_columns_result(SickPayLog))
def sick_pay_log(
    employee_ids,
    first_days,
    last_days,
    service_starts,
    annual_salaries,
    temporary_short=False,
    output="pay",
) -> SickPayLog:
    """Contractual and statutory sick pay for every absence of an absence record.

    Parameters
    ----------
    employee_ids : array_like
        Employee of each absence: text or number, trimmed and matched ignoring case
        (``1001`` is ``"1001"``), as in :func:`xl_kent.awards.award_ok`.
    first_days, last_days : array_like of dates
        First and last day of incapacity, both included: ``N = last - first + 1``
        calendar days.
    service_starts : array_like of dates
        Continuous service date, per row; fixes the band on the row's first day.
    annual_salaries : array_like of float
        Actual annual pay (pro rata for part-time) in £, per row, > 0.
    temporary_short : array_like of bool, optional
        True for a temporary contract of 4 months or less: SSP only.
    output : str or array_like of str, optional
        The figure put in ``value``: ``"pay"`` (default, £), ``"full_days"``,
        ``"half_days"``, ``"nil_days"``, ``"ssp"`` (£), ``"prior_paid_days"`` or
        ``"ssp_days_left"``; case and surrounding spaces are ignored. Any other text
        is an error for that row (its figures still count for the other rows).

    Returns
    -------
    SickPayLog
        Every figure of each row (calendar days, £ unrounded), ``value`` (the one
        ``output`` asks for) and ``error``. All arguments broadcast against each
        other; the result has their shape.

    Examples
    --------
    Two years' service gives 4 months' full pay (121.67 days); a 115-day absence uses
    most of it, so the next absence within 12 months has 6.67 days at full pay, then
    half pay. The two are 95 days apart: no SSP link (3 new waiting days, 196 days anew).

    >>> r = sick_pay_log("A7", ["2025-01-06", "2025-08-04"], ["2025-04-30", "2025-08-31"],
    ...                  "2023-01-01", 36500)
    >>> r.prior_paid_days.round(2).tolist(), r.full_pay_days.round(2).tolist()
    ([0.0, 115.0], [115.0, 6.67])
    >>> r.half_pay_days.round(2).tolist(), r.ssp_days_left.tolist()
    ([0.0, 21.33], [84.0, 171.0])

    A one-row record is :func:`~xl_kent.sick_pay.sick_pay` with no paid days before:

    >>> from xl_kent.sick_pay import sick_pay
    >>> one = sick_pay_log(7, "2026-03-02", "2026-03-31", "2025-11-01", 18000, output="ssp")
    >>> float(one.value) == float(sick_pay("2025-11-01", "2026-03-02", 30, 18000).ssp_gbp)
    True
    """
    return _sick_pay_log(employee_ids, first_days, last_days, service_starts, annual_salaries, temporary_short,
                         output)[0]


def _sick_pay_log(employee_ids, first_days, last_days, service_starts, annual_salaries, temporary_short, output):
    """:func:`sick_pay_log`, and beside it (1-D, one per row of the record) what its explanation
    needs: the rows' own values, whether each absence is a PIW, its SSP window and the last day
    of the employee's previous PIW when it starts within the linking gap of it (else NaT)."""
    ids = np.asarray(employee_ids if employee_ids is not None else np.nan, dtype=None)
    temp, temp_bad = flags(temporary_short)
    columns = [dates(first_days), dates(last_days), dates(service_starts), floats(annual_salaries), temp]
    which = _outputs(output)
    shape = broadcast_shape(ids.shape, which.shape, *[c.shape for c in columns])
    first, last, ss, sal, temp = [np.broadcast_to(c, shape).reshape(-1) for c in columns]
    rows = first.shape[0]
    emp = _codes(np.broadcast_to(ids, shape).reshape(-1), rows)

    # Each row on its own: its checks and the rules in force on its first day.
    (error, n, full_allow, half_allow, daily_gbp, cap_daily, days_per_week, piw, ssp_ok, waiting,
     max_ssp_days, linking_gap, window_from) = blockwise(_absence_rows, emp, first, last, ss, sal, temp)
    # temporary_short neither TRUE nor FALSE: that row's reason, and it leaves the record
    error = flag_errors(error, shape, temporary_short=temp_bad)

    order = _by_employee_and_first_day(error, emp, first, last)
    figures = _work_through(order, emp, first, last, n, full_allow, half_allow, window_from, piw, ssp_ok,
                            waiting, max_ssp_days, linking_gap)
    full_days, half_days, prior, ssp_from, ssp_to, ssp_left, previous_last = figures
    good = error == OK
    ssp_gbp, pay_gbp = blockwise(ssp_and_pay, good, first, n, daily_gbp, cap_daily, days_per_week,
                                 full_days, half_days, ssp_from, ssp_to)
    nil_days = n - full_days - half_days

    out = [full_days, half_days, nil_days, ssp_gbp, pay_gbp, prior, ssp_left]
    if which.ndim == 0:  # one choice for every row
        known = np.full(rows, str(which) in OUTPUTS)
        choice = OUTPUTS.index(str(which)) if known.all() else 0
    else:
        which = np.broadcast_to(which, shape).reshape(-1)
        known = np.isin(which, OUTPUTS)
        choice = np.zeros(rows, dtype=np.intp)
        for i, name in enumerate(OUTPUTS):  # seven choices, not rows
            choice[which == name] = i
    set_error(error, ~known, E_OUTPUT)
    bad = error != OK
    out = [np.where(bad, np.nan, a) for a in out]
    value = out[choice] if isinstance(choice, int) else np.choose(choice, out)
    result = SickPayLog(*[a.reshape(shape) for a in (*out, value, error)])
    previous_last = np.where(previous_last > _NO_DAY, previous_last, np.iinfo(np.int64).min).view("datetime64[D]")
    extras = {"first": first, "last": last, "service_start": ss, "salary": sal, "temporary_short": temp,
              "days": n, "piw": piw, "ssp_from": ssp_from, "ssp_to": ssp_to, "previous_piw_last": previous_last,
              "window_from": window_from.view("datetime64[D]")}
    return result, extras


def _outputs(output) -> np.ndarray:
    """``output`` as lower-case trimmed text (an array; a scalar for one choice)."""
    if isinstance(output, str) or output is None:
        return np.array("pay" if output is None else output.strip().lower())
    a = np.asarray(output)
    if a.dtype.kind != "U":
        a = np.array([v if isinstance(v, str) else "" for v in a.reshape(-1).tolist()], dtype=str).reshape(a.shape)
    return np.char.lower(np.char.strip(a))


def _absence_rows(emp, first, last, ss, sal, temp):
    """Each absence on its own (1-D rows): its checks and terms, the rules on its first day."""
    rows = first.shape[0]
    missing_day = np.isnat(first) | np.isnat(last)
    n = np.where(missing_day, np.nan, (last - first).astype(np.float64) + 1.0)
    own = first_reason(
        (emp < 0, E_EMPLOYEE),
        (np.isnat(first), E_FIRST_DAY),
        (np.isnat(last), E_LAST_DAY),
        (last < first, E_DAY_ORDER),
    )
    # Every check of KENT_SICKPAY for the row's own values (prior paid days 0).
    error, r = row_checks(ss, first, n, sal, np.zeros(rows), temp)
    error = np.where(own != OK, own, error).astype(np.int32)
    (linking_gap, rolling_months), ok_log = params.lookup(
        first, params.parameter("ssp", "linking_gap_days"), params.parameter("sick_pay", "rolling_period_months")
    )
    set_error(error, ~ok_log, E_NO_RULES)

    # As sick_pay's rows: bad rows carry harmless placeholders until masked.
    good = error == OK
    n = np.where(good, n, 0.0)
    sal = np.where(good, sal, 0.0)
    days_per_year = np.where(good, r.days_per_year, 1.0)
    full_allow, half_allow = _days_left(good, temp, r.full_m, r.half_m, r.temp_full, r.temp_half, 0.0,
                                        days_per_year, r.months_per_year)
    daily_gbp = sal / days_per_year
    weekly_earnings_gbp = daily_gbp * r.days_per_week
    piw = good & (n >= r.min_absence)  # a period of incapacity for work (J.2.B: 4 days in a row)
    ssp_ok = weekly_earnings_gbp >= r.lel
    cap_daily = np.where(r.replacement > 0, r.replacement * daily_gbp, np.inf)
    max_ssp_days = r.max_weeks * r.days_per_week
    # The rolling year (J.2.A): from EDATE(first, -months) up to first - 1.
    rolling_months = np.asarray(rolling_months)  # a scalar while it never changes: one table lookup
    rolling_months = np.where(np.isnan(rolling_months), 0, rolling_months).astype(np.int64)
    window_from = add_months(first, -rolling_months).view(np.int64)

    def col(a, dtype=np.float64):
        return np.broadcast_to(np.asarray(a, dtype=dtype), (rows,))

    return (error, n, col(full_allow), col(half_allow), daily_gbp, cap_daily, col(r.days_per_week), piw,
            col(ssp_ok, bool), col(r.waiting), col(max_ssp_days), col(linking_gap), window_from)


def _by_employee_and_first_day(error, emp, first, last) -> np.ndarray:
    """Rows that take part, sorted by (employee, first day); overlapping rows get an error (in place).

    Two absences of one employee overlap when one starts on or before the other's last
    day (the same first day included); both are errors and both leave the record.
    """
    rows = np.flatnonzero(error == OK)
    if rows.size == 0:
        return rows
    day_first = first.view(np.int64)[rows]
    day_last = last.view(np.int64)[rows]
    lo = int(day_first.min())
    span = int(day_last.max()) - lo + 2
    e = emp[rows]
    order = _stable_order(e * span + (day_first - lo))
    rows = rows[order]
    first_key = (e * span + (day_first - lo))[order]
    last_key = (e * span + (day_last - lo))[order]
    # A row overlaps an earlier one of its employee when it starts on or before the latest
    # last day so far (keys of earlier employees are all smaller), and a later one when the
    # next row starts on or before its last day.
    latest = np.maximum.accumulate(last_key)
    after_earlier = np.r_[False, first_key[1:] <= latest[:-1]]
    before_later = np.r_[first_key[1:] <= last_key[:-1], False]
    overlap = after_earlier | before_later
    error[rows[overlap]] = E_OVERLAP
    return rows[~overlap]


def _work_through(order, emp, first, last, n, full_allow, half_allow, window_from, piw, ssp_ok, waiting,
                  max_ssp_days, linking_gap):
    """The sequential part, absence by absence of each employee in date order.

    Returns, per row of the record (0 where the row takes no part): full and half pay
    days, prior paid days, the SSP window (days from the first day), the SSP days
    left of the linked series, and the last day (days since 1970) of the employee's
    previous PIW when this absence starts within the linking gap of it (else ``_NO_DAY``).
    """
    rows = first.shape[0]
    outs = [np.zeros(rows) for _ in range(6)] + [np.full(rows, _NO_DAY)]
    count = order.shape[0]
    if count == 0:
        return tuple(outs)

    # Each employee's block of absences in the sorted record; an absence's k is its
    # place in its block (0 = the employee's first absence).
    e = emp[order]
    d_first = first.view(np.int64)[order]
    block_start = np.flatnonzero(np.r_[True, e[1:] != e[:-1]])
    block_size = np.diff(np.r_[block_start, count])
    block = np.repeat(np.arange(block_start.shape[0]), block_size)
    k_of = np.arange(count) - block_start[block]

    # Where each absence's rolling year starts: the k of the employee's first absence that
    # starts on or after EDATE(first, -12) (all absences from there on lie inside it).
    w0 = window_from[order]
    lo = int(min(w0.min(), d_first.min()))
    span = int(d_first.max()) - lo + 2
    key = e * span + (d_first - lo)
    window_k = np.searchsorted(key, e * span + (w0 - lo), side="left") - block_start[block]

    # Lay the record out k by k: all employees' k-th absences side by side, the employees
    # with the most absences first, so that step k works on one contiguous slice
    # (``at[k]`` to ``at[k + 1]``) and an employee keeps its place in every slice.
    by_size = np.argsort(-block_size, kind="stable")
    size = block_size[by_size]
    active = np.searchsorted(-size, -np.arange(int(size[0])), side="left")  # employees with a k-th absence
    at = np.r_[0, np.cumsum(active)]
    place = np.empty(block_start.shape[0], dtype=np.int64)
    place[by_size] = np.arange(block_start.shape[0])
    layout = np.empty(count, dtype=np.int64)
    layout[at[k_of] + place[block]] = np.arange(count)
    rows_k = order[layout]  # the record's row at each position of the k-by-k layout

    def lay(a):
        return a[rows_k]

    d_first, d_last = lay(first.view(np.int64)), lay(last.view(np.int64))
    nn, fa, ha, w0 = lay(n), lay(full_allow), lay(half_allow), lay(window_from)
    is_piw, ok, wait, max_days, gap = lay(piw), lay(ssp_ok), lay(waiting), lay(max_ssp_days), lay(linking_gap)
    window_k = window_k[layout]

    paid = np.zeros(count)  # full + half pay days of each absence, once worked out
    paid_before = np.zeros(count)  # the employee's paid days of the absences before it
    full_s, half_s, prior_s, from_s, to_s, left_s = (np.zeros(count) for _ in range(6))
    previous_s = np.full(count, _NO_DAY)  # last day of the previous PIW within the linking gap
    employees = block_start.shape[0]
    place_of = np.arange(employees)
    paid_so_far = np.zeros(employees)
    series_last = np.full(employees, _NO_DAY)  # last day of the latest PIW
    series_used = np.zeros(employees)  # SSP days paid in the linked series
    series_waited = np.zeros(employees)  # waiting days served in the linked series

    for k, m in enumerate(active.tolist()):
        i = slice(int(at[k]), int(at[k + 1]))
        done = paid_so_far[:m]
        paid_before[i] = done
        # J.2.A rolling year: the absences from window_k on lie wholly inside it; the one
        # just before may straddle its start (its paid days run on past EDATE(first, -12)).
        if k == 0:
            prior = np.zeros(m)
        else:
            w = window_k[i]
            straddles = w > 0
            before = at[np.maximum(w - 1, 0)] + place_of[:m]
            part = np.where(straddles, np.maximum(0.0, paid[before] - (w0[i] - d_first[before])), 0.0)
            prior = (done - paid_before[at[w] + place_of[:m]]) + part
        fa_i, n_i = fa[i], nn[i]
        rem_full = np.maximum(0.0, fa_i - prior)
        rem_half = np.maximum(0.0, ha[i] - np.maximum(0.0, prior - fa_i))
        full = np.minimum(n_i, rem_full)
        half = np.minimum(n_i - full, rem_half)
        paid[i] = full + half
        paid_so_far[:m] += full + half
        full_s[i], half_s[i], prior_s[i] = full, half, prior

        # J.2.B linked SSP: a PIW within the gap of the series' last PIW continues it.
        near = (d_first[i] - series_last[:m] - 1) <= gap[i]
        piw_i = is_piw[i]
        linked = piw_i & near
        used = np.where(linked, series_used[:m], 0.0)
        waited = np.where(linked, series_waited[:m], 0.0)
        wait_left = np.maximum(0.0, wait[i] - waited)
        max_i = max_days[i]
        eligible = piw_i & ok[i]
        ssp_from = np.where(eligible, wait_left, 0.0)
        ssp_to = np.where(
            eligible, ssp_from + np.minimum(np.maximum(0.0, max_i - used), np.maximum(0.0, n_i - ssp_from)), 0.0
        )
        used = used + (ssp_to - ssp_from)
        left_s[i] = np.where(piw_i, np.maximum(0.0, max_i - used),
                             np.where(near, np.maximum(0.0, max_i - series_used[:m]), max_i))
        from_s[i], to_s[i] = ssp_from, ssp_to
        previous_s[i] = np.where(near, series_last[:m], _NO_DAY)
        series_last[:m] = np.where(piw_i, d_last[i], series_last[:m])
        series_used[:m] = np.where(piw_i, used, series_used[:m])
        series_waited[:m] = np.where(piw_i, waited + np.minimum(n_i, wait_left), series_waited[:m])

    for out, s in zip(outs, (full_s, half_s, prior_s, from_s, to_s, left_s, previous_s), strict=True):
        out[rows_k] = s
    return tuple(outs)


class AllowanceLeft(NamedTuple):
    """Result of :func:`allowance_left`: one value per employee asked about."""

    prior_paid_days: np.ndarray  # paid sick days of the record in the 12 months before on_day
    full_pay_days: np.ndarray  # full sick pay left for an absence starting on on_day (nan on bad rows)
    half_pay_days: np.ndarray  # half sick pay left
    error: np.ndarray  # reason codes of the allowance (service start, dates), 0 = good row


@answers_not_columns(lambda: np.array(np.nan))
def paid_days_before(log_employee_ids, log_first_days, log_paid_days, employee_ids, on_day) -> np.ndarray:
    """Paid sick days each employee had, by the record, in the 12 months before ``on_day``.

    An absence of the record was paid (full or half pay) on its first ``paid_days`` days
    (``full_days + half_days`` of :func:`sick_pay_log`, full pay first), a part day by its
    fraction: the span ``[first, first + paid_days)``. The days of that span inside the
    rolling year before ``on_day`` (``EDATE(on_day, -12)`` up to ``on_day - 1``, as the
    record's own rows use it) are summed per employee. A record row whose paid days are
    blank or ``nan`` (a row in error) adds nothing; an employee with no absence in the
    record, or a blank id, gets 0. Ids match as in :func:`sick_pay_log` (trimmed,
    ignoring case, ``1001`` is ``"1001"``). ``on_day`` broadcasts against ``employee_ids``.

    Examples
    --------
    A 10-day absence paid in full, another of 40 days straddling the rolling year's start
    (EDATE(2026-04-01, -12) = 2025-04-01: its 29 March days fall before it, 11 inside), and an
    absence that starts on the day asked about (after the rolling year):

    >>> paid_days_before(["E1", "e1", "E1"], ["2026-01-05", "2025-03-03", "2026-04-01"], [10, 40, 5],
    ...                  ["E1", "E2"], "2026-04-01").tolist()
    [21.0, 0.0]
    """
    log_ids = np.asarray(log_employee_ids if log_employee_ids is not None else np.nan, dtype=object).reshape(-1)
    first = np.asarray(dates(log_first_days)).reshape(-1)
    paid = np.asarray(floats(log_paid_days), dtype=np.float64).reshape(-1)
    (n_log,) = broadcast_shape(log_ids.shape, first.shape, paid.shape)
    log_ids, first, paid = (np.broadcast_to(a, (n_log,)) for a in (log_ids, first, paid))
    emp = np.asarray(employee_ids if employee_ids is not None else np.nan, dtype=object)
    on = np.asarray(dates(on_day))
    shape = broadcast_shape(emp.shape, on.shape)
    emp = np.broadcast_to(emp, shape).reshape(-1)
    on = np.broadcast_to(on, shape).reshape(-1)
    n_emp = emp.shape[0]
    codes = _codes(np.concatenate([log_ids, emp]), n_log + n_emp)
    log_code, emp_code = codes[:n_log], codes[n_log:]
    out = np.zeros(n_emp)
    counted = (log_code >= 0) & ~np.isnat(first) & (paid > 0)
    if not counted.any() or n_emp == 0:
        return out.reshape(shape)
    rows = np.flatnonzero(counted)
    order = rows[np.argsort(log_code[rows], kind="stable")]
    sorted_codes = log_code[order]
    # Each employee's block of record rows (by code): every (employee, absence) pair at once.
    lo = np.searchsorted(sorted_codes, emp_code, side="left")
    hi = np.searchsorted(sorted_codes, emp_code, side="right")
    size = np.where(emp_code >= 0, hi - lo, 0)
    total = int(size.sum())
    if total == 0:
        return out.reshape(shape)
    who = np.repeat(np.arange(n_emp), size)
    starts = np.repeat(lo - np.r_[0, np.cumsum(size)[:-1]], size)
    pair = order[np.arange(total) + starts]
    day_on = on.view(np.int64)
    valid_on = ~np.isnat(on)
    # The rolling year (J.2.A) before on_day: EDATE(on_day, -months) up to on_day - 1.
    (months,), _ok = params.lookup(on, params.parameter("sick_pay", "rolling_period_months"))
    months = np.asarray(months)
    months = np.where(np.isnan(months), 0, months).astype(np.int64)
    window_from = add_months(on, -months).view(np.int64)
    a_first = first.view(np.int64)[pair].astype(np.float64)
    a_end = a_first + paid[pair]
    w_lo = window_from[who].astype(np.float64)
    w_hi = day_on[who].astype(np.float64)  # the rolling year ends on on_day - 1: exclusive end on_day
    overlap = np.minimum(a_end, w_hi) - np.maximum(a_first, w_lo)
    overlap = np.where(valid_on[who] & (overlap > 0), overlap, 0.0)
    out = np.bincount(who, weights=overlap, minlength=n_emp)
    out[~valid_on] = np.nan
    return out.reshape(shape)


@answers_not_columns(lambda: not_columns_result(AllowanceLeft))
def allowance_left(log_employee_ids, log_first_days, log_paid_days, employee_ids, on_day, service_starts,
                   temporary_short=False) -> AllowanceLeft:
    """The full- and half-pay sick allowance each employee has left for an absence starting
    on ``on_day``, the paid days of the 12 months before it taken from an absence record.

    ``prior_paid_days`` is :func:`paid_days_before`; the allowance is then exactly
    :func:`xl_kent.sick_pay.sick_pay_allowance` (the service band on ``on_day``, the
    prior days off full pay first), with its errors (a blank or later ``service_starts``,
    a blank ``on_day``).

    Examples
    --------
    Five years' service (6 months full and 6 months half pay, 182.5 days each); the record
    holds 21 paid days in the rolling year before 1 April 2026:

    >>> r = allowance_left(["E1", "E1"], ["2026-01-05", "2025-03-03"], [10, 40], ["E1", "E9"], "2026-04-01",
    ...                    "2020-01-01")
    >>> r.prior_paid_days.tolist(), r.full_pay_days.tolist(), r.half_pay_days.tolist()
    ([21.0, 0.0], [161.5, 182.5], [182.5, 182.5])
    """
    from .sick_pay import sick_pay_allowance

    # (undecorated: a record whose columns do not broadcast is this call's one error too)
    prior = paid_days_before.__wrapped__(log_employee_ids, log_first_days, log_paid_days, employee_ids, on_day)
    a = sick_pay_allowance(service_starts, on_day, prior, temporary_short)
    shape = np.broadcast_shapes(prior.shape, a.error.shape)
    return AllowanceLeft(np.broadcast_to(prior, shape).copy(), a.full_pay_days, a.half_pay_days, a.error)


@answers_not_columns(not_columns_words)
def sick_pay_log_explained(
    employee_ids,
    first_days,
    last_days,
    service_starts,
    annual_salaries,
    temporary_short=False,
) -> np.ndarray:
    """One line of plain English per absence: how :func:`sick_pay_log` reached its figures.

    The sentence of :func:`xl_kent.sick_pay.sick_pay_explained` for the row with the
    paid sick days the record gave it (and the dates of that rolling year), then the SSP
    link: whether the absence links to the employee's previous period of incapacity for
    work (PIW), ending on which day, so that the waiting days were already served, and
    the SSP days left of the linked series after it (``ssp_days_left``). An absence that
    is no PIW says so. Overlapping absences and other bad rows give their reason.

    Returns
    -------
    numpy.ndarray
        Object array of ``str`` of the broadcast shape of the arguments.

    Examples
    --------
    >>> s = sick_pay_log_explained(["E1", "E1"], ["2025-05-01", "2025-06-01"], ["2025-05-10", "2025-06-05"],
    ...                            "2018-01-01", 36500)
    >>> print(s[1])  # doctest: +NORMALIZE_WHITESPACE
    7 years 5 months' service: 6 months full pay and 6 months half pay (182.5 + 182.5 days); the absence
    record gives 10 paid sick days from 1 Jun 2024 to 31 May 2025, which come off full pay; this 5-day
    absence: 5 days at full pay at £100.00 a day, £500.00, of which SSP £84.82; linked to the absence
    ending 10 May 2025 (within 56 days), so the waiting days were already served; 184 of the 196 SSP
    days of the linked series left
    >>> sick_pay_log_explained([1, 1], ["2025-05-01", "2025-05-03"], ["2025-05-04", "2025-05-06"],
    ...                        "2018-01-01", 36500).tolist()[0]
    'overlaps another absence of the same employee'
    """
    result, x = _sick_pay_log(employee_ids, first_days, last_days, service_starts, annual_salaries,
                              temporary_short, "pay")
    error = result.error.reshape(-1)
    sentence = np.full(error.shape, "", dtype=object)
    rows = np.flatnonzero(error == OK)
    if rows.size:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            sentence[rows] = _log_sentences(result, x, rows)
    return words.explained(sentence, error).reshape(result.error.shape)


def _log_sentences(result, x, rows):
    """The sentences of the good rows ``rows`` (see :func:`sick_pay_log_explained`)."""
    first, ss, temp, n = x["first"][rows], x["service_start"][rows], x["temporary_short"][rows], x["days"][rows]
    sal = x["salary"][rows]
    count = rows.shape[0]
    _, rr = row_checks(ss, first, n, sal, np.zeros(count), temp)
    figures = [a.reshape(-1)[rows] for a in result[:5]]
    prior = result.prior_paid_days.reshape(-1)[rows]
    piw, ssp_from, ssp_to = x["piw"][rows], x["ssp_from"][rows], x["ssp_to"][rows]
    record = (x["window_from"][rows], first - np.timedelta64(1, "D"))
    parts = _explain_parts(ss, first, n, sal, temp, rr, figures, prior, piw, ssp_from, ssp_to, record)

    # The SSP link (J.2.B): to the employee's previous PIW, within the linking gap of it.
    previous = x["previous_piw_last"][rows]
    near = ~np.isnat(previous)
    linked = piw & near
    (gap,), _ = params.lookup(first, params.parameter("ssp", "linking_gap_days"))
    left = result.ssp_days_left.reshape(-1)[rows]
    kind = np.where(linked, 0, np.where(piw, 1, np.where(near, 2, 3)))
    link = _per_key(count, [kind, left, rr.max_weeks * rr.days_per_week, gap], _link_words)
    ending = [_pick(near, " "), words.day_text(previous),
              _per_key(count, [linked, gap], lambda on, g: words.join(" (within ", words.plural(g, "day"), ")",
                                                                      where=on))]
    tail = _pick((kind == 0) & (rr.waiting > 0), ", so the waiting days were already served")
    after = _per_key(count, [kind, left, rr.max_weeks * rr.days_per_week], _left_words)
    return words.join(*parts, link, *ending, tail, after)


def _link_words(kind, left, max_days, gap) -> np.ndarray:
    """The opening of the link clause, up to the previous PIW's last day."""
    no_piw = "; not a period of incapacity for work, so it neither links nor breaks a link"
    within = words.join(no_piw, "; it starts within ", words.plural(gap, "day"), " of the absence ending")
    return words.choose([kind == 0, kind == 1, kind == 2], ["; linked to the absence ending", "", within], no_piw)


def _left_words(kind, left, max_days) -> np.ndarray:
    """``"; 184 of the 196 SSP days of the linked series left"``."""
    of_all = words.join("; ", words.number(left), " of the ", words.number(max_days), " SSP days")
    return words.join(of_all, words.choose([kind == 0, kind == 2], [" of the linked series left", " of that series left"],
                                           " left"))
