"""Recognition cash awards: is each award within the scheme? (KCC cash award scheme)

:func:`award_ok` judges every row of an award log (one row per payment to one
employee) against the whole log. A row is not OK when, in this order:

1. the employee is ineligible (Teachers' terms, or under the performance and
   capability procedure);
2. the award is over ``max_award_gbp`` (500): an individual row's amount, or for a
   team row the sum of all team rows with the same work reference;
3. the employee's awards dated after ``EDATE(award_date, -12)`` and up to this row
   (same-date rows in row order), this row included, add up to more than
   ``max_rolling_total_gbp`` (1,000); every valid row counts, OK or not;
4. the employee has both a team row and an individual row for the same work
   reference (the same work rewarded twice);
5. a team row is not endorsed by a senior manager outside the team.

Rows with bad inputs (no employee, no date, an amount that is blank, not above 0 or
not a whole number of pence) get an error and do not count towards anyone's totals.

Money is counted exactly, in whole pence (int64): each amount is turned into pence
once, and the team totals, the running sums and the limits (the parameter file's
pounds, in pence) are compared in pence, so that no sum depends on the order of the
log or on other employees' amounts (a float sum of 218.86 + 176.34 + 104.80 is
500.00000000000006). The totals returned are the pence / 100.

The rolling totals need no loop: rows are sorted once by (employee, date, row), a
running sum is taken, and each row's window start is found with one
``searchsorted`` on a combined (employee, date) key.

Examples
--------
>>> r = award_ok(["E1", "E1", "E1", "E2"],
...              ["2025-01-10", "2025-06-01", "2026-01-09", "2025-06-01"],
...              [400, 500, 200, 600])
>>> r.ok.tolist(), r.rule.tolist()
([True, True, False, False], [0, 0, 3, 2])
>>> r.rolling_total_gbp.tolist()
[400.0, 900.0, 1100.0, 600.0]
>>> explain(r.rule, r.error).tolist()[2]
'Over the £1,000 limit for one employee in 12 months'
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import params
from ._arrays import (
    answers_not_columns,
    blockwise,
    box_numbers,
    broadcast_rows,
    dates,
    factorize_keys,
    factorize_text,
    fast,
    flag_errors,
    flags,
    floats,
    not_columns_result,
    packed_text,
    thread_pool,
)
from .dates import add_months
from .errors import OK, describe, reason, reason_texts, set_above, set_error

__all__ = ["Award", "award_ok", "explain", "RULES", "describe"]

E_EMPLOYEE = reason("#VALUE!", "employee id is blank")
E_DATE = reason("#VALUE!", "award date is blank or not a date")
E_AMOUNT = reason("#VALUE!", "amount is blank or not a number")
E_AMOUNT_RANGE = reason("#NUM!", "amount is not above 0")
E_NO_RULES = reason("#N/A", "no cash award rules are in force on the award date")
# An amount above plausibility.max_award_amount_gbp (by award date) is a typing error, not an
# award over the limit; it also keeps every sum of the amounts judged finite (RULES.md,
# "No input raises"; the bound is the staff lists' top plausible salary).
W_AMOUNT_HIGH = "amount is above £{0:,.0f} (a typing error?)"
reason("#NUM!", W_AMOUNT_HIGH.format(params.parameter("plausibility", "max_award_amount_gbp").value_on()))
# Decided (docs/decisions.md): money is paid in whole pence; an amount with a fraction of a
# penny (500.004) is a typing error, not an award judged on a figure it does not show.
E_AMOUNT_PENCE = reason("#NUM!", "amount is not a whole number of pence")
#: How far (in pence) an amount may be from a whole number of pence and still be that number:
#: float noise only (218.86 * 100 is 21885.999999999996), far below any fraction typed.
PENCE_NOISE = 1e-6

#: Rule numbers returned in ``Award.rule`` (0 = OK) and their plain-words templates.
RULES = {
    0: "OK",
    1: "Not eligible (Teachers' terms, or under the performance and capability procedure)",
    2: "Over the £{max_award:,.0f} limit for one award",
    3: "Over the £{max_total:,.0f} limit for one employee in {months:.0f} months",
    4: "Same work rewarded twice (team and individual award for the same work reference)",
    5: "Team award not endorsed by a senior manager outside the team",
}


class Award(NamedTuple):
    """Result of :func:`award_ok`, one value per row of the log."""

    ok: np.ndarray  # bool; False on error rows too
    rule: np.ndarray  # first failed rule 1-5, 0 when OK, -1 on error rows
    rolling_total_gbp: np.ndarray  # employee's total in the window to this row
    team_total_gbp: np.ndarray  # team rows: all team rows for the work; else the amount
    error: np.ndarray  # reason codes, 0 = good row


def _p(name: str) -> params.Parameter:
    return params.parameter("awards", name)


def _codes(x, n: int, ordered: bool = True) -> np.ndarray:
    """Integer codes for ids (-1 = blank); text ids are trimmed and case-folded.

    Whole-number ids in a compact range are used as they are (no sort needed), and so are
    short ASCII text ids numbered in the box their bytes span (:func:`~xl_kent._arrays.box_numbers`:
    "E000123"): the codes then have gaps, at most ``4 n + 1024`` of them; anything else is factorised (:func:`~xl_kent._arrays.factorize_text` for text).
    The codes follow the ids' sort order, which fixes the order in which the rolling
    totals add up; with ``ordered=False`` (work references, only grouped) text codes
    may come in any order, one per id.
    """
    if x is None:
        return np.full(n, -1, dtype=np.int64)
    a = np.broadcast_to(np.asarray(x), (n,))
    if a.dtype.kind in "iu" and n:
        lo, hi = int(a.min()), int(a.max())
        if hi - lo <= 4 * n + 1024:
            return a.astype(np.int64) - lo
        return np.unique(a, return_inverse=True)[1].astype(np.int64)
    if a.dtype.kind == "f":
        blank = np.isnan(a)
        filled = np.where(blank, 0.0, a)
        if n and (filled == np.floor(filled)).all() and np.isfinite(filled).all():
            lo, hi = filled.min(), filled.max()
            if hi - lo <= 4 * n + 1024:  # whole numbers in a compact range: use as they are
                return np.where(blank, -1, (filled - lo).astype(np.int64))
        _, inv = np.unique(filled, return_inverse=True)
        return np.where(blank, -1, inv).astype(np.int64)
    if a.dtype.kind in "Mm":  # dates or durations as ids: their text; NaT is a blank id
        a = np.where(np.isnat(a), "", a.astype(str))
    if a.dtype.kind == "O":
        from .cells import to_text

        a = to_text(a).values  # numbers 123.0 -> "123", None -> ""
    keys = packed_text(a) if fast() and a.dtype.kind == "U" and n else None
    if keys is not None:  # short ASCII ids without spaces: folded while packed, in the text's order
        numbers = box_numbers(keys)  # ids such as "E000123": numbered in their box, as whole numbers are
        if numbers is None:
            numbers = factorize_keys(keys, ordered)[1]
        # int64, as every code here: the callers' sort keys (code x days) do not fit 32 bits
        codes = numbers.astype(np.int64)  # (a copy: box numbers or codes of their own)
        blank = keys == 0  # key 0: the blank id
        if blank.any():
            codes[blank] = -1
        return codes
    folded_fast = factorize_text(a, fold=True, ordered=ordered)
    if folded_fast is not None:  # short ASCII ids without spaces: folded while packed
        labels, inv = folded_fast
        blank = labels == ""
        if not blank.any():  # no blank id: the codes are the labels' indices (fast path only)
            return inv.astype(np.int64, copy=False)
        codes = np.where(blank, -1, np.arange(labels.shape[0]))
        return codes[inv].astype(np.int64)
    # Trim and case-fold each distinct label once, not each row.
    labels, inv = factorize_text(a)
    folded = np.array([s.strip().casefold() for s in labels.tolist()] or [""], dtype=object)
    names, code_of_label = np.unique(folded, return_inverse=True)
    codes = np.where(names == "", -1, np.arange(names.shape[0]))[code_of_label]
    return codes[inv].astype(np.int64)


def _ref_keys(x, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Work references as integers equal for the same work (trimmed, case-folded) and a mask of the
    non-blank ones: short ASCII text packed (:func:`~xl_kent._arrays.packed_text`), else :func:`_codes`."""
    if x is not None:
        a = np.broadcast_to(np.asarray(x), (n,))
        if a.dtype.kind == "O":
            from .cells import to_text

            a = to_text(a).values
        if a.dtype.kind == "U":
            keys = packed_text(a)
            if keys is not None:
                return keys, keys != 0  # 0: the blank reference
    codes = _codes(x, n, ordered=False)
    return codes, codes >= 0


def _stable_order(key: np.ndarray) -> np.ndarray:
    """Row order sorted by integer ``key``, ties kept in row order."""
    return _sorted_rows(key)[0]


def _sorted_rows(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row order sorted by integer ``key`` (ties kept in row order) and the keys in that order.

    One plain sort of the key with the row number packed in its low bits (cheaper than
    ``lexsort``) when that fits in 63 bits; the order and the sorted keys are then read
    back with a mask and a shift, with no gather.
    """
    n = key.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64), key[:0]
    lo = key.min()
    bits = max(1, (n - 1).bit_length())
    if int(key.max()) - int(lo) >= 1 << (62 - bits):  # the packed key would not fit
        order = np.lexsort((np.arange(n), key))
        return order, key[order]
    packed = np.sort(((key - lo) << bits) | np.arange(n))  # distinct values: ties in row order
    return packed & ((1 << bits) - 1), (packed >> bits) + lo


@answers_not_columns(lambda: not_columns_result(Award, ok=False, rule=-1))
def award_ok(
    employee_id,
    award_date,
    amount_gbp,
    team=False,
    work_ref=None,
    endorsed=False,
    ineligible=False,
) -> Award:
    """Judge every award of a log against the scheme's limits and rules.

    Parameters
    ----------
    employee_id : array_like
        Employee of each payment (text or number; text is trimmed and case-folded).
    award_date : array_like of dates
    amount_gbp : array_like of float
        Payment to this employee, > 0.
    team : array_like of bool, optional
        True for a row of a team award (False = individual). The flags read TRUE/FALSE,
        1/0 and yes/no; any other value ("team", 2) is the row's error, never FALSE.
    work_ref : array_like, optional
        Reference of the work rewarded; blank = none (never matches another row).
    endorsed : array_like of bool, optional
        A team award endorsed by a senior manager outside the team.
    ineligible : array_like of bool, optional
        On Teachers' terms, or under the performance and capability procedure.

    Returns
    -------
    Award
    """
    # the ids and references broadcast with the rest (a 2-D log is flattened as every column is)
    (is_team, team_bad), (is_endorsed, endorsed_bad), (is_ineligible, ineligible_bad) = (
        flags(team), flags(endorsed), flags(ineligible))
    (amount, when, is_team, is_endorsed, is_ineligible, employee_id, *refs), shape = broadcast_rows(
        floats(amount_gbp), dates(award_date), is_team, is_endorsed, is_ineligible, employee_id,
        *([] if work_ref is None else [work_ref])
    )
    work_ref = refs[0] if refs else None
    n = amount.shape[0]
    shortcuts = fast()
    emp = _codes(employee_id, n)
    # Work references are only grouped: on the fast path they stay keys (text packed, not
    # numbered), and only the rows each rule groups are numbered.
    if shortcuts:
        ref_key, has_ref = _ref_keys(work_ref, n)
    else:
        ref = _codes(work_ref, n)
        ref_key, has_ref = ref, ref >= 0

    # Row by row (in cache-sized blocks): errors, amounts and limits in whole pence, window dates.
    error, pence, max_award, max_total, day, window_from = blockwise(
        _award_rows, emp, amount, when
    )
    # A flag neither TRUE nor FALSE ("team" given as the kind, say) is that row's reason: the
    # row takes no part in anyone's totals, rather than being judged as FALSE.
    error = flag_errors(error, shape, team=team_bad, endorsed=endorsed_bad, ineligible=ineligible_bad)
    good = error == OK

    # Rule 2: a team award is all team rows for the same work reference (sums in pence).
    team_ref = good & is_team & has_ref
    if shortcuts:  # the same groups, numbered without the codes' sort
        _, group = factorize_keys(ref_key[team_ref], ordered=False)
    else:
        group = ref[team_ref]
    team_total = pence.copy()
    team_total[team_ref] = _group_sums(group, pence[team_ref])[group]
    over_award = team_total > max_award  # a row not of a team: its own amount

    # Rules 3 and 4 each sort the log once; they run side by side where threads can.
    pool = thread_pool() if n >= 100_000 else None
    if pool is not None:
        twice_job = pool.submit(_same_work_twice, good, emp, ref_key, has_ref, is_team)
        rolling = _rolling_totals(good, emp, day, window_from, pence)
        twice = twice_job.result()
    else:
        rolling = _rolling_totals(good, emp, day, window_from, pence)
        twice = _same_work_twice(good, emp, ref_key, has_ref, is_team)
    over_total = rolling > max_total

    not_endorsed = is_team & ~is_endorsed

    rule = np.select(
        [~good, is_ineligible, over_award, over_total, twice, not_endorsed],
        [-1, 1, 2, 3, 4, 5],
        0,
    )
    nan = np.nan
    return Award(
        (rule == 0).reshape(shape),
        rule.reshape(shape),
        np.where(good, rolling / 100, nan).reshape(shape),
        np.where(good, team_total / 100, nan).reshape(shape),
        error.reshape(shape),
    )


def _group_sums(group: np.ndarray, pence: np.ndarray) -> np.ndarray:
    """Exact int64 sum of ``pence`` for each group code (0 .. max), by ``bincount``.

    ``bincount`` adds in float64, which is exact for whole numbers while every partial
    sum stays below 2**53 pence (about £90 trillion): true whenever the sum of all
    the rows is (the amounts are above 0). Beyond that the groups are summed in int64
    after one sort.
    """
    if group.size == 0:
        return np.zeros(1, dtype=np.int64)
    if int(pence.sum()) < 1 << 53:
        return np.bincount(group, weights=pence).astype(np.int64)
    order = np.argsort(group, kind="stable")
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    out = np.zeros(int(g[-1]) + 1, dtype=np.int64)
    out[g[starts]] = np.add.reduceat(pence[order], starts)
    return out


def _rolling_totals(good, emp, day, window_from, amount) -> np.ndarray:
    """Rule 3: each row's employee total over (EDATE(date, -months), date], row order.

    ``amount`` is in whole pence (int64): the running sum and its differences are exact,
    so a row's total does not depend on the rows of other employees sorted before it.

    One sort by (employee, date, row), a running sum, and each row's window start
    found by ``searchsorted`` on the combined key (:func:`_rolling_totals_fast` on the
    fast path: the same totals to the last bit on every good row).
    """
    n = amount.shape[0]
    lo_day = min(int(window_from.min(initial=0)), int(day.min(initial=0)))
    span = int(day.max(initial=0)) - lo_day + 2
    emp_key = np.where(good, emp, -1) + 1  # bad rows sort into their own group 0
    key = emp_key * span + (day - lo_day + 1)
    if fast() and n:
        return _rolling_totals_fast(key, day - window_from, amount)
    order = _stable_order(key)  # by employee, date, then row
    sorted_key = key[order]
    running = np.concatenate((np.zeros(1, dtype=np.int64), np.cumsum(amount[order])))
    # Window starts, searched in sorted order (nearly sorted needles: cache friendly).
    window_key = (emp_key * span + (window_from - lo_day + 1))[order]
    first = np.searchsorted(sorted_key, window_key, side="right")
    rolling = np.empty(n, dtype=np.int64)
    rolling[order] = running[1:] - running[first]
    return rolling


_NEAR_ROWS = 4  # window starts looked for among the 4 rows before each row (most logs: 2-4 awards a year)


def _rolling_totals_fast(key: np.ndarray, window_days: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """:func:`_rolling_totals` with fewer passes over memory: the same sums, in the same order.

    ``key`` (>= 1) is (employee, day) combined, ``window_days`` each row's day minus its
    window's first excluded day (>= 0). The sorted keys come from the sort itself
    (:func:`_sorted_rows`), not from a gather. A window start is the first sorted row whose key is above the
    row's window key; the rows sorted before a row are compared with it ``_NEAR_ROWS`` at a
    time (slices, no search), and only the rows whose window reaches further back are
    searched.
    """
    n = key.shape[0]
    order, sorted_key = _sorted_rows(key)
    running = np.empty(n + 1, dtype=np.int64)
    running[0] = 0
    np.cumsum(np.take(amount, order), out=running[1:])
    window_key = sorted_key - np.take(window_days, order)
    # back[i]: rows just before i (same employee, as keys of an earlier employee are below every
    # window key of a later one) that are inside i's window, counted up to _NEAR_ROWS.
    back = np.zeros(n, dtype=np.int8)
    for k in range(1, min(_NEAR_ROWS, n - 1) + 1):
        back[k:] += np.greater(sorted_key[:-k], window_key[k:]).view(np.int8)
    first = np.arange(n) - back
    far = np.flatnonzero(back == _NEAR_ROWS)
    if far.size:
        first[far] = np.searchsorted(sorted_key, window_key[far], side="right")
    rolling = np.empty(n, dtype=np.int64)
    np.put(rolling, order, running[1:] - np.take(running, first))
    return rolling


def _same_work_twice(good, emp, ref, has_ref, is_team) -> np.ndarray:
    """Rule 4: rows whose employee has a team and an individual row for one work.

    ``ref``: the work references as codes or keys (any integers equal for the same
    work, where ``has_ref``); only the few rows that may pair up are numbered.
    """
    twice = np.zeros(emp.shape[0], dtype=bool)
    rows = _possible_pairs(np.flatnonzero(good & has_ref), emp, ref, is_team)
    if rows.size:
        _, work = np.unique(ref[rows], return_inverse=True)
        pair = emp[rows] * (int(work.max()) + 1) + work
        by_pair = _stable_order(pair)
        sorted_pair = pair[by_pair]
        team_sorted = is_team[rows][by_pair]
        new_group = np.r_[True, sorted_pair[1:] != sorted_pair[:-1]]
        starts = np.flatnonzero(new_group)
        group = np.cumsum(new_group) - 1
        both = np.logical_or.reduceat(team_sorted, starts) & np.logical_or.reduceat(~team_sorted, starts)
        twice[rows[by_pair]] = both[group]
    return twice


def _possible_pairs(rows: np.ndarray, emp: np.ndarray, ref: np.ndarray, team: np.ndarray) -> np.ndarray:
    """Rows that may share (employee, work) with a row of the other kind.

    A multiplicative hash of (employee, work) into a power-of-two table of flags
    (no sort, no modulo) keeps every true pair and drops almost every other row, so
    that the exact grouping sort runs on a handful of rows instead of the whole log.
    """
    if rows.size == 0:
        return rows
    bits = max(4, int(np.ceil(np.log2(2 * rows.size))))
    key = emp[rows].astype(np.uint64) * _PAIR_STRIDE + ref[rows].astype(np.uint64)
    h = ((key * _FIBONACCI) >> np.uint64(64 - bits)).astype(np.intp)  # wraps: intended
    t = team[rows]
    with_team = np.zeros(1 << bits, dtype=bool)
    with_team[h[t]] = True
    with_single = np.zeros(1 << bits, dtype=bool)
    with_single[h[~t]] = True
    return rows[with_team[h] & with_single[h]]


_PAIR_STRIDE = np.uint64(1_000_003)  # a prime that mixes employee and work before hashing
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio: Knuth's multiplicative hash


def _award_rows(emp, amount, when):
    """Per-row part of :func:`award_ok`: errors, limits, and day numbers of the window."""
    error = np.zeros(amount.shape[0], dtype=np.int32)
    set_error(error, emp < 0, E_EMPLOYEE)
    set_error(error, np.isnat(when), E_DATE)
    set_error(error, np.isnan(amount), E_AMOUNT)
    set_error(error, ~(amount > 0) | np.isinf(amount), E_AMOUNT_RANGE)
    bound, _ = params.parameter("plausibility", "max_award_amount_gbp").at(when)
    set_above(error, amount, bound, "#NUM!", W_AMOUNT_HIGH)
    # Whole pence, once (the bound keeps them far inside int64); a fraction of a penny is an error.
    cents = amount * 100
    whole = np.round(cents)
    set_error(error, np.abs(cents - whole) > PENCE_NOISE, E_AMOUNT_PENCE)
    (max_award, max_total, months), in_force = params.lookup(
        when, *[_p(n) for n in ("max_award_gbp", "max_rolling_total_gbp", "rolling_period_months")]
    )
    set_error(error, ~in_force, E_NO_RULES)
    good = error == OK
    when_safe = np.where(good, when, _EPOCH)
    day = (when_safe - _EPOCH).astype(np.int64)
    back = -np.nan_to_num(np.broadcast_to(months, day.shape)).astype(np.int64)
    window_from = (add_months(when_safe, back) - _EPOCH).astype(np.int64)
    shape = day.shape
    return (error, np.where(good, whole, 0.0).astype(np.int64), _pence(max_award, shape),
            _pence(max_total, shape), day, window_from)


def _pence(gbp, shape) -> np.ndarray:
    """A limit in pounds (the parameter file's) as whole pence; 0 where none is in force
    (those rows are errors)."""
    p = np.asarray(gbp, dtype=np.float64) * 100
    return np.broadcast_to(np.where(np.isfinite(p), np.round(p), 0.0).astype(np.int64), shape)


_EPOCH = np.datetime64("1970-01-01", "D")


def explain(rule, error=None, award_date=None) -> np.ndarray:
    """Plain words for each row: "OK", the first failed rule, or the error's reason.

    The limits quoted are those in force on ``award_date`` (latest when omitted).
    """
    rule = np.asarray(rule)
    on = None if award_date is None else np.broadcast_to(dates(award_date), rule.shape)
    out = np.empty(rule.shape, dtype=object)
    for r, template in RULES.items():  # loop over the five rules, not rows
        hit = rule == r
        if not hit.any():
            continue
        if on is None:
            values = {
                "max_award": _p("max_award_gbp").value_on(),
                "max_total": _p("max_rolling_total_gbp").value_on(),
                "months": _p("rolling_period_months").value_on(),
            }
            out[hit] = template.format(**values)
        else:
            a, _ = _p("max_award_gbp").at(on)
            t, _ = _p("max_rolling_total_gbp").at(on)
            m, _ = _p("rolling_period_months").at(on)
            combos = np.stack([a, t, m], axis=-1)[hit]
            for combo in np.unique(combos, axis=0):  # one per dated entry in use
                sel = hit & np.all(np.stack([a, t, m], axis=-1) == combo, axis=-1)
                out[sel] = template.format(max_award=combo[0], max_total=combo[1], months=combo[2])
    if error is not None:
        err = np.asarray(error)
        out = np.where(err != OK, reason_texts(err), out)
    return out
