"""The core's shortcuts give the general path's results, to the last bit (issue 16).

Every function is called twice on the same inputs: with the shortcuts on (the default)
and within :func:`xl_kent._arrays.general_paths`. Floats are compared as their bit
patterns (so ``-0.0`` against ``0.0`` or two different ``nan`` would fail), dates as day
numbers, codes exactly, and the types and shapes must match. The inputs are drawn to
hit both sides of each shortcut: blocks with and without bad rows, absences in one SSP
rate period and across several 6 April changes (2022 to 2027, the 2026 rule change
included), NaT, dates outside the calendar tables, and blocks of several thousand rows
(the kernels run per block of ``BLOCK_ROWS`` rows).
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_kent import _arrays, dates, errors, params
from xl_kent._arrays import general_paths
from xl_kent.redundancy import W_AGE_HIGH, W_AGE_LOW, redundancy_weeks
from xl_kent.sick_pay import (
    E_ABSENCE_DAYS,
    E_ABSENCE_START,
    E_SALARY,
    E_SERVICE_START,
    service_band_months,
    sick_pay,
    sick_pay_allowance,
    sick_pay_explained,
    ssp_and_pay,
)
from xl_kent.sick_pay_log import sick_pay_log

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAT = np.datetime64("NaT", "D")


def bits(a):
    """An array as comparable bits: floats and dates as int64, the rest as they are."""
    a = np.asarray(a)
    if a.dtype.kind in "fM":
        return a.view(np.int64)
    return a


def assert_same(fast, general):
    """Equal to the last bit, with the same types, dtypes and shapes (tuples field by field)."""
    if isinstance(fast, tuple | list):
        assert type(fast) is type(general) and len(fast) == len(general)
        for f, g in zip(fast, general, strict=True):
            assert_same(f, g)
        return
    assert type(fast) is type(general), (type(fast), type(general))
    f, g = np.asarray(fast), np.asarray(general)
    assert f.dtype == g.dtype and f.shape == g.shape, (f.dtype, g.dtype, f.shape, g.shape)
    if f.dtype == object:
        assert f.tolist() == g.tolist()
    else:
        assert np.array_equal(bits(f), bits(g)), np.flatnonzero(bits(f).ravel() != bits(g).ravel())[:10]


def both(fn, *args, **kwargs):
    """``fn`` with the shortcuts on and off; asserts the results are the same."""
    assert _arrays.fast()
    fast = fn(*args, **kwargs)
    with _arrays.general_paths():
        general = fn(*args, **kwargs)
    assert _arrays.fast()
    assert_same(fast, general)
    return fast


# ---------------------------------------------------------------- random staff blocks
def days_between(rng, first, last, n):
    first, last = np.datetime64(first, "D"), np.datetime64(last, "D")
    return first + rng.integers(0, int((last - first).astype(np.int64)) + 1, n).astype("timedelta64[D]")


def absences(seed: int, rows: int, spoil: float, one_period: bool, only: int | None = None):
    """Sick pay inputs: absence starts from the first SSP rules (6 April 2022) to 2027 (or
    all in the SSP year from 6 April 2026), service starts before them, and a share
    ``spoil`` of bad rows (``only``: one bad row, of that kind, in row 0)."""
    rng = np.random.default_rng(seed)
    if one_period:
        ab = days_between(rng, "2026-04-06", "2027-04-05", rows)
    else:
        ab = days_between(rng, "2022-04-06", "2027-12-31", rows)
    ss = ab - rng.integers(0, 40 * 366, rows).astype("timedelta64[D]")
    n = np.floor(np.exp(rng.uniform(0.0, np.log(401.0), rows)))
    n = np.where(rng.random(rows) < 0.1, n + rng.random(rows), n)  # fractions are kept
    sal = rng.uniform(5_000, 90_000, rows)
    prior = np.where(rng.random(rows) < 0.5, 0.0, rng.uniform(0, 250, rows))
    temp = rng.random(rows) < 0.05
    if spoil or only is not None:
        bad = rng.random(rows) < spoil
        kind = rng.integers(0, SICK_KINDS, rows)
        if only is not None:
            bad = np.arange(rows) == 0
            kind = np.full(rows, only)
        ss = np.where(bad & (kind == 0), NAT, ss)
        ab = np.where(bad & (kind == 1), NAT, ab)
        n = np.where(bad & (kind == 2), np.nan, n)
        n = np.where(bad & (kind == 3), 0.5, n)
        n = np.where(bad & (kind == 4), np.inf, n)
        sal = np.where(bad & (kind == 5), 0.0, sal)
        sal = np.where(bad & (kind == 6), 2e7, sal)
        prior = np.where(bad & (kind == 7), -1.0, prior)
        prior = np.where(bad & (kind == 8), np.nan, prior)
        ss = np.where(bad & (kind == 9), ab + np.timedelta64(3, "D"), ss)  # after the absence start
        ab = np.where(bad & (kind == 10), np.datetime64("2019-05-01"), ab)  # no SSP rules yet
        ss = np.where(bad & (kind == 11), np.datetime64("1850-01-01"), ss)  # outside the calendar table
        prior = np.where(bad & (kind == 12), 400.0, prior)  # above the plausibility bound
        n = np.where(bad & (kind == 13), 4_000.0, n)
        ab = np.where(bad & (kind == 14), np.datetime64("2250-06-01"), ab)  # good: after the calendar table
    return ss, ab, n, sal, prior, temp


SICK_KINDS = 15  # the kinds of bad row made by absences() (11 and 14 are good, but unusual)


@pytest.mark.parametrize("kind", range(SICK_KINDS))
@pytest.mark.parametrize("one_period", [False, True])
def test_sick_pay_one_bad_row(kind, one_period):
    """One bad row in a block otherwise clean: the block must leave the shortcut. (Kinds 11
    and 14, a service start in 1850 and an absence in 2250, are good: outside the calendar
    table, not outside the rules.)"""
    ss, ab, n, sal, prior, temp = absences(kind, 3_000, 0.0, one_period, only=kind)
    r = both(sick_pay, ss, ab, n, sal, prior, temp)
    good = kind in (11, 14)
    assert (r.error[0] == 0) == good and (r.error[1:] == 0).all()
    assert np.isnan(r.pay_gbp[0]) != good
    a = both(sick_pay_allowance, ss, ab, prior, temp)
    assert (a.error[1:] == 0).all()


CASES = st.tuples(
    st.integers(0, 2**32 - 1),                       # seed
    st.sampled_from([1, 7, 500, 5_000, 40_000]),     # rows (40,000: two blocks)
    st.sampled_from([0.0, 0.0, 0.0005, 0.05, 0.5]),  # share of bad rows
    st.booleans(),                                   # every absence in one SSP rate period
)


@SETTINGS
@given(CASES)
def test_sick_pay(case):
    ss, ab, n, sal, prior, temp = absences(*case)
    r = both(sick_pay, ss, ab, n, sal, prior, temp)
    if case[2] == 0.0:
        assert (r.error == 0).all()


@SETTINGS
@given(CASES)
def test_sick_pay_allowance(case):
    ss, ab, _, _, prior, temp = absences(*case)
    both(sick_pay_allowance, ss, ab, prior, temp)


@settings(max_examples=10, deadline=None)
@given(CASES)
def test_sick_pay_explained(case):
    seed, rows, spoil, one = case
    ss, ab, n, sal, prior, temp = absences(seed, min(rows, 500), spoil, one)
    both(sick_pay_explained, ss, ab, n, sal, prior, temp)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_sick_pay_log(seed, one_period):
    ss, ab, n, sal, _, temp = absences(seed, 300, 0.02, one_period)
    rng = np.random.default_rng(seed)
    employee = rng.integers(0, 60, ab.shape[0])
    last = ab + np.maximum(np.nan_to_num(n, nan=1.0, posinf=1.0), 1).astype(np.int64).astype("timedelta64[D]")
    for output in ("pay", "ssp", "full_days", "ssp_days_left"):
        both(sick_pay_log, employee, ab, last, ss, sal, temp, output)


def test_sick_pay_scalars_and_shapes():
    both(sick_pay, "2020-01-01", "2026-05-01", 10, 36500)
    both(sick_pay, np.datetime64("2020-01-01"), ["2025-03-30", "2026-04-06"], [[5.0], [400.0]], 30000)
    both(sick_pay, [], [], [], [])
    both(sick_pay_allowance, "2020-01-01", ["2025-06-01", "2026-06-01"], 40)


def test_one_period_block_takes_the_shortcut():
    """All rows in one SSP year, none bad: the parameters come back as scalars."""
    from xl_kent.sick_pay import row_checks

    ss, ab, n, sal, prior, temp = absences(1, 2_000, 0.0, True)
    error, rules = row_checks(ss, ab, n, sal, prior, temp)
    assert (error == 0).all() and np.ndim(rules.waiting) == 0 and np.ndim(rules.lel) == 0
    with _arrays.general_paths():
        error_g, rules_g = row_checks(ss, ab, n, sal, prior, temp)
    for fast, general in zip(rules, rules_g, strict=True):
        assert np.array_equal(bits(np.broadcast_to(fast, np.shape(general))), bits(general))


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 100, 5_000]), st.booleans())
def test_ssp_and_pay_direct(seed, rows, all_good):
    """The SSP walk as sick_pay_log calls it: rows with and without rules in force."""
    rng = np.random.default_rng(seed)
    ab = days_between(rng, "2021-01-01", "2028-06-30", rows)
    good = np.ones(rows, dtype=bool) if all_good else rng.random(rows) < 0.8
    n = np.floor(rng.uniform(1, 800, rows))
    daily = rng.uniform(10, 300, rows)
    cap = np.where(rng.random(rows) < 0.5, np.inf, 0.8 * daily)
    full = np.minimum(n, np.floor(rng.uniform(0, 200, rows)))
    half = np.minimum(n - full, np.floor(rng.uniform(0, 200, rows)))
    ssp_from = np.where(good, rng.integers(0, 4, rows).astype(float), 0.0)
    longest = 600.0 if seed % 2 else 196.0  # 28 weeks, or long enough to cross two 6 Aprils
    ssp_to = np.where(good, ssp_from + np.minimum(longest, np.maximum(0.0, n - ssp_from)), 0.0)
    both(ssp_and_pay, good, ab, n, daily, cap, 7.0, full, half, ssp_from, ssp_to)


# ---------------------------------------------------------------- redundancy
@SETTINGS
@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 50, 5_000, 40_000]),
       st.sampled_from([0.0, 0.0, 0.01, 0.3]), st.sampled_from(["none", "one", "span"]),
       st.booleans())
def test_redundancy_weeks(seed, rows, spoil, dated, fractions):
    rng = np.random.default_rng(seed)
    age = rng.integers(16, 70, rows).astype(float)
    service = np.minimum(rng.integers(0, 45, rows), np.maximum(age - 16, 0)).astype(float)
    mult = rng.choice(np.array([1.0, 1.25, 1.5, 2.0]), rows)
    if fractions:
        age += rng.random(rows) * 0.99
        service += rng.random(rows) * 0.99
    if spoil:
        bad = rng.random(rows) < spoil
        kind = rng.integers(0, 9, rows)
        age = np.where(bad & (kind == 0), np.nan, age)
        service = np.where(bad & (kind == 1), np.nan, service)
        mult = np.where(bad & (kind == 2), np.nan, mult)
        age = np.where(bad & (kind == 3), -1.0, age)
        service = np.where(bad & (kind == 4), age + 1, service)
        mult = np.where(bad & (kind == 5), 2.5, mult)
        age = np.where(bad & (kind == 6), 130.0, age)
        age = np.where(bad & (kind == 7), 15.0, age)
        service = np.where(bad & (kind == 8), np.maximum(age - 10, 0), service)
    on = {"none": None, "one": np.datetime64("2026-03-31"),
          "span": days_between(rng, "2019-01-01", "2027-12-31", rows)}[dated]
    r = both(redundancy_weeks, age, service, mult, termination_date=on)
    if spoil == 0.0 and dated != "span":
        assert (r.error == 0).all()


REDUNDANCY_BAD = [("age", np.nan), ("service", np.nan), ("mult", np.nan), ("age", -1.0), ("service", -1.0),
                  ("service", 41.0), ("mult", 2.5), ("mult", 0.5), ("age", 130.0), ("age", 15.0),
                  ("service", 29.0), ("age", np.inf), ("service", np.inf), ("mult", np.inf)]


@pytest.mark.parametrize("column, value", REDUNDANCY_BAD)
def test_redundancy_one_bad_row(column, value):
    """One bad row (age 40 unless spoilt) in a block otherwise clean: it leaves the shortcut."""
    rng = np.random.default_rng(3)
    rows = 3_000
    data = {"age": np.full(rows, 40.0), "service": rng.integers(0, 20, rows).astype(float),
            "mult": rng.choice(np.array([1.0, 1.5, 2.0]), rows)}
    data[column][0] = value  # service 29 at age 40: service before the 14th birthday
    r = both(redundancy_weeks, data["age"], data["service"], data["mult"])
    assert r.error[0] != 0 and (r.error[1:] == 0).all()


def test_redundancy_scalars():
    both(redundancy_weeks, 42, 2)
    both(redundancy_weeks, [18, 30, 61, 70], [2, 10, 20, 25])
    both(redundancy_weeks, [], [])
    both(redundancy_weeks, [[40.0], [30.0]], [12, 31], 1.5)


# ---------------------------------------------------------------- parameters and dates
ALL = [p for fam in params.families() for p in params.family(fam).values() if p.numbers is not None]


def random_dates(rng, rows: int, kind: str) -> np.ndarray:
    if kind == "one":
        out = np.full(rows, np.datetime64("2026-06-01"))
    elif kind == "near":
        out = days_between(rng, "2014-01-01", "2028-12-31", rows)
    else:  # far: centuries away, before and after the calendar tables
        out = (rng.integers(-200_000, 200_000, rows)).view("datetime64[D]")
    if rows and rng.random() < 0.3:
        out[rng.integers(0, rows)] = NAT
    return out


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 1, 9, 3_000]), st.sampled_from(["one", "near", "far"]),
       st.lists(st.sampled_from(range(len(ALL))), min_size=1, max_size=6))
def test_lookup_and_index(seed, rows, kind, chosen):
    rng = np.random.default_rng(seed)
    on = random_dates(rng, rows, kind)
    chosen = [ALL[i] for i in chosen]
    both(params.lookup, on, *chosen)
    both(params.lookup, on.reshape(-1, 1) if rows % 3 == 0 else on, *chosen)
    for p in chosen:
        both(p.index, on)
        both(p.at, on)
    # scalars=True: a scalar only where the value is the same on every row, all in force.
    values, ok = params.lookup(on, *chosen, scalars=True)
    with _arrays.general_paths():
        want, want_ok = params.lookup(on, *chosen)
    assert_same(ok, want_ok)
    for v, w in zip(values, want, strict=True):
        if np.ndim(v) == 0 and np.ndim(w):
            assert ok.all() and (w == w.flat[0]).all()
        assert np.array_equal(bits(np.broadcast_to(v, np.shape(w))), bits(w))


def test_entries_far_apart_take_the_general_search():
    """A table by day is not built over a millennium: the general search answers."""
    entries = (params.Entry(np.datetime64("0500-01-01", "D"), 1.0, "test"),
               params.Entry(np.datetime64("2026-01-01", "D"), 2.0, "test"))
    far = params.Parameter("test", "far_apart", "entries far apart", "days", entries)
    rng = np.random.default_rng(0)
    for kind in ("one", "near", "far"):
        on = random_dates(rng, 500, kind)
        both(params.lookup, on, far, params.parameter("ssp", "waiting_days"))
        both(far.index, on)
    assert far.index_throughout(np.array(["2026-02-01", "2027-01-01"], dtype="datetime64[D]")) == 1
    assert far.index_throughout(np.array(["2025-02-01", "2027-01-01"], dtype="datetime64[D]")) is None


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.sampled_from([1, 50, 6_000]), st.sampled_from(["near", "far"]),
       st.integers(-30, 30))
def test_dates(seed, rows, kind, months):
    rng = np.random.default_rng(seed)
    a, b = random_dates(rng, rows, kind), random_dates(rng, rows, "near")
    both(dates.complete_months, a, b)
    both(dates.complete_months, b, a)
    both(dates.month_and_day, a)
    both(dates.add_months, a, months)
    both(dates.month_start, b, months)
    both(dates.first_of_month_number, rng.integers(-2_000, 4_000, rows))


@pytest.mark.parametrize("on", ["2025-01-01", "2026-06-01"])
def test_service_band_months(on):
    months = np.arange(-5, 600)
    both(service_band_months, months, np.datetime64(on))
    both(service_band_months, months.astype(float) + 0.5, np.datetime64(on))
    both(service_band_months, months, np.array([on, "1990-01-01"] * (months.size // 2) + [on], dtype="datetime64[D]"))


# ---------------------------------------------------------------- error codes
@SETTINGS
@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 1, 100]), st.sampled_from([0.0, 0.01, 0.5]))
def test_error_codes(seed, rows, share):
    rng = np.random.default_rng(seed)
    masks = [rng.random(rows) < share for _ in range(4)]
    # Reasons the rules register anyway (a reason registered here would stay in the table the
    # docs test reads): the error codes' order is what is compared.
    codes = [E_SERVICE_START, E_ABSENCE_START, E_ABSENCE_DAYS, E_SALARY]
    low, high = (float(params.parameter("plausibility", name).value_on())
                 for name in ("min_age_years", "max_age_years"))
    both(errors.first_reason, *zip(masks, codes, strict=True))

    def marked():
        error = errors.first_reason((masks[0], codes[0]))
        errors.set_error(error, masks[1], codes[1])
        errors.set_above(error, np.arange(rows, dtype=float), high, "#NUM!", W_AGE_HIGH)
        errors.set_below(error, np.arange(rows, dtype=float), low, "#NUM!", W_AGE_LOW)
        return error

    both(marked)


@pytest.mark.parametrize("day", ["1850-06-30", "2300-01-01", "2024-02-29"])
def test_month_and_day_of_one_date_inside_or_outside_the_table(day):
    """A single (0-d) date gives the months and day of a one-row array, both ways
    (the general path once raised for a 0-d date outside 1900-2199)."""
    one = np.datetime64(day, "D")
    row = np.array([one])
    for general in (False, True):
        with general_paths() if general else contextlib.nullcontext():
            m, d = dates.month_and_day(one)
            m1, d1 = dates.month_and_day(row)
            assert (int(m), int(d)) == (int(m1[0]), int(d1[0]))
            y, mo, dd = (int(x) for x in str(one).split("-"))
            assert (int(m), int(d)) == ((y - 1970) * 12 + mo - 1, dd)
