"""The shortcuts of leave_accrual, award_ok, factorize_text and the staff lists' leave figures give the
general path's results to the last bit (issue 16): each compared with ``general_paths()`` on and off."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_kent import _arrays, award_ok, awards, leave_accrual
from xl_kent._arrays import factorize_text, general_paths
from xl_kent.files.reading import Table
from xl_kent.leave import _leave_accrual_parsed, _salaried_leave
from xl_kent.lists import synth
from xl_kent.lists.figures import compute, default_settings
from xl_kent.lists.staff import read_staff

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GRADE_TEXTS = ["KR6", "kr6", "KR 6", "Kr13", "KR2", "KR99", "", " ", "6", "Apprentice", "KR Entry", "krentry",
               "x", "KR6é", "KR6 long grade", "KR3", "KR10", "KR15"]
DAY0 = np.datetime64("2019-01-01", "D")


def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return a.shape == b.shape and np.array_equal(a, b)


def _both(fn, *args, **kwargs):
    fast = fn(*args, **kwargs)
    with general_paths():
        general = fn(*args, **kwargs)
    return fast, general


def _dates(draw, n, span_days, nat_share):
    days = np.array(draw(st.lists(st.integers(0, span_days), min_size=n, max_size=n)), dtype=np.int64)
    out = DAY0 + days.astype("timedelta64[D]")
    nat = np.array(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))) < nat_share
    return np.where(nat, np.datetime64("NaT"), out)


@st.composite
def leave_inputs(draw):
    n = draw(st.integers(1, 60))
    kind = draw(st.sampled_from(["text", "int", "float", "object", "scalar"]))
    pool = draw(st.lists(st.sampled_from(GRADE_TEXTS), min_size=1, max_size=6))
    pick = draw(st.lists(st.integers(0, len(pool) - 1), min_size=n, max_size=n))
    if kind == "text":
        grade = np.array([pool[i] for i in pick])
    elif kind == "object":
        grade = np.array([None if pool[i] == " " else pool[i] for i in pick], dtype=object)
    elif kind == "int":
        grade = np.array(draw(st.lists(st.integers(-1, 20), min_size=n, max_size=n)), dtype=np.int64)
    elif kind == "float":
        grade = np.array(draw(st.lists(st.sampled_from([6.0, 3.0, 13.0, 2.5, np.nan, 1e18, -3.0]),
                                       min_size=n, max_size=n)))
    else:
        grade = pool[0]
    # One leave year, or as-of dates across several years and dated entries (2019-2031, NaT too).
    one_period = draw(st.booleans())
    as_of = (np.datetime64("2026-04-01") + np.arange(n) % 365).astype("datetime64[D]") if one_period \
        else _dates(draw, n, 13 * 365, 0.1)
    service = _dates(draw, n, 12 * 365, draw(st.sampled_from([0.0, 0.2])))
    hours = np.array(draw(st.lists(st.sampled_from([37.0, 18.5, 0.0, 40.0, np.nan, 22.2, 1e9]),
                                   min_size=n, max_size=n)))
    end = _dates(draw, n, 13 * 365, 0.7)
    if draw(st.booleans()):  # no bad row (the unmasked shortcut)
        good_grades = ["KR6", "kr 6", "Apprentice", "KR13", "6", "KR Entry"]
        grade = np.array([good_grades[i % len(good_grades)] for i in pick]) if kind != "scalar" else "KR7"
        service = np.where(np.isnat(service), DAY0, service)
        as_of = np.maximum(np.where(np.isnat(as_of), np.datetime64("2026-01-01"), as_of), np.datetime64("2024-04-01"))
        hours = np.where(np.isnan(hours) | (hours <= 0) | (hours > 37), 37.0, hours)
        end = np.where(np.isnat(end), end, np.maximum(end, service))
    unit = draw(st.sampled_from(["days", "hours", "casual", "relief", "mixed"]))
    if unit == "mixed":
        unit = np.array(draw(st.lists(st.sampled_from(["days", "hours", "casual", "relief", "weeks", "DAYS "]),
                                      min_size=n, max_size=n)))
    return grade, service, as_of, hours, end, unit


@SETTINGS
@given(leave_inputs())
def test_leave_accrual_fast_equals_general(inputs):
    grade, service, as_of, hours, end, unit = inputs
    for start in (None, service):
        fast, general = _both(leave_accrual, grade, service, as_of, hours, start, end, unit)
        assert _same(fast.value, general.value)
        assert _same(fast.error, general.error)
    if isinstance(unit, str):  # the unit given once and as a column: the same figures
        column = leave_accrual(grade, service, as_of, hours, None, end, np.full(as_of.shape, unit))
        fast = leave_accrual(grade, service, as_of, hours, None, end, unit)
        assert _same(fast.value, column.value) and _same(fast.error, column.error)


@SETTINGS
@given(leave_inputs())
def test_salaried_leave_is_the_days_and_hours_calls(inputs):
    grade, service, as_of, hours, end, _unit = inputs
    got, general = _both(_salaried_leave, grade, service, as_of, hours, None, end)
    for a, b in zip(got, general, strict=True):
        assert _same(a, b)
    days, hours_value, error = got
    for unit, value in (("days", days), ("hours", hours_value)):
        r = leave_accrual(grade, service, as_of, hours, None, end, unit)
        assert _same(r.value, value)
        assert _same(r.error, error)


def test_leave_accrual_text_grades_many_rows():
    """Above the sample size: few grades (a perfect-hash table), one grade the sample misses, mixed case."""
    rng = np.random.default_rng(5)
    n = 70_000
    grade = np.array(["KR6", "kr7", "KR13", "Apprentice", "KR2"])[rng.integers(0, 5, n)]
    grade[12_345] = "KR9"  # not in the sampled rows
    service = DAY0 + rng.integers(0, 4000, n).astype("timedelta64[D]")
    as_of = np.datetime64("2023-01-01") + rng.integers(0, 2500, n).astype("timedelta64[D]")
    fast, general = _both(leave_accrual, grade, service, as_of, 30.0, None, None, "hours")
    assert _same(fast.value, general.value) and _same(fast.error, general.error)
    assert np.isfinite(fast.value[12_345])


TEXT_POOL = ["E1", "e1", "E10", "E2", "", "a b", "KR6", "kr6", "ÿÿÿÿÿÿÿÿ", "Ω", "abcdefgh", "abcdefghi",
             "\x00x", "x\x00y", "Z", "z", "@[`{"]


@SETTINGS
@given(st.lists(st.sampled_from(TEXT_POOL), min_size=0, max_size=80), st.booleans())
def test_factorize_text_fast_equals_np_unique(values, ordered):
    a = np.array(values) if values else np.array([], dtype="<U2")
    labels, codes = factorize_text(a, ordered=ordered)
    general_labels, general_codes = np.unique(a, return_inverse=True)
    if ordered:
        assert _same(labels, general_labels) and _same(codes, general_codes)
    assert _same(labels[codes], a)
    assert np.unique(labels).shape == labels.shape
    with general_paths():
        assert factorize_text(a, fold=True) is None
        g = factorize_text(a)
    assert _same(g[0], general_labels) and _same(g[1], general_codes)
    folded = factorize_text(a, fold=True)
    if folded is not None:  # ASCII without spaces: one code per lower-case text
        _, expect = np.unique(np.strings.lower(a), return_inverse=True)
        assert _same(folded[1], expect)


@pytest.mark.parametrize("odd", [None, "Q"])
@pytest.mark.parametrize("distinct", [1, 7, 300, 50_000])
@pytest.mark.parametrize("arrow", [True, False])
def test_factorize_text_many_rows(distinct, odd, arrow, monkeypatch):
    """Few and many distinct labels over more rows than the sample (and than the hash threshold): the
    perfect-hash table, the dense box ("E" and 6 digits), pyarrow's hash table or np.unique (without
    pyarrow, as in xlwings Lite); "Q" is a label the sample misses and that breaks the box."""
    if not arrow:
        monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    rng = np.random.default_rng(distinct)
    pool = np.char.add("E", np.char.zfill(rng.permutation(10 * distinct)[:distinct].astype(str), 6))
    a = pool[rng.integers(0, distinct, 80_000)]
    if odd:
        a[77_777] = odd
    for ordered in (True, False):
        labels, codes = factorize_text(a, ordered=ordered)
        assert _same(labels[codes], a) and np.unique(labels).shape == labels.shape
    labels, codes = factorize_text(a)
    expect = np.unique(a, return_inverse=True)
    assert _same(labels, expect[0]) and _same(codes, expect[1])
    _, folded = factorize_text(np.strings.lower(a), fold=True)
    _, expect_folded = np.unique(np.strings.lower(a), return_inverse=True)
    assert _same(folded, expect_folded)


@st.composite
def boxed_keys(draw):
    """uint64 keys with few values per byte position (a compact box, or not), many rows or few."""
    n = draw(st.sampled_from([1, 5, 63, 64, 65, 200, 3000]))
    keys = np.zeros(n, dtype=np.uint64)
    for k in range(8):
        choices = draw(st.lists(st.integers(0, 255), min_size=1, max_size=4))
        pick = np.array(choices, dtype=np.uint64)[np.array(draw(st.lists(st.integers(0, len(choices) - 1),
                                                                         min_size=n, max_size=n)))]
        keys |= pick << np.uint64(8 * k)
    return keys


@SETTINGS
@given(boxed_keys(), st.booleans())
def test_integer_factorisations_equal_np_unique(keys, ordered):
    expect = np.unique(keys, return_inverse=True)
    dense = _arrays._dense_codes(keys)
    if dense is not None:
        assert _same(dense[0], expect[0]) and _same(dense[1], expect[1])
    numbers = _arrays.box_numbers(keys)
    assert (numbers is None) == (dense is None)
    if numbers is not None:  # the keys' order and equality, gaps allowed, within 4 n + 1024
        assert 0 <= numbers.min() and numbers.max() <= 4 * keys.shape[0] + 1024
        ranked = np.unique(numbers, return_inverse=True)
        assert _same(ranked[1], expect[1])
        assert (np.diff(ranked[0]) > 0).all()
    codes = _arrays._perfect_hash_codes(keys, expect[0])
    if codes is not None:
        assert _same(codes, expect[1])
    labels, codes = _arrays._factorize_uint64(keys, ordered)
    assert _same(labels[codes], keys) and np.unique(labels).shape == labels.shape
    if ordered:
        assert _same(labels, expect[0]) and _same(codes, expect[1])


@st.composite
def award_inputs(draw):
    n = draw(st.integers(1, 60))
    kind = draw(st.sampled_from(["text", "int", "float", "object"]))
    few = draw(st.booleans())
    k = 3 if few else 40
    pick = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    if kind == "text":
        pool = np.array(draw(st.lists(st.sampled_from(TEXT_POOL + ["E3", "e2", " E1"]), min_size=k, max_size=k)))
        emp = pool[pick]
    elif kind == "int":
        emp = pick * draw(st.sampled_from([1, 10**12]))
    elif kind == "float":
        emp = np.where(pick == 0, np.nan, pick.astype(float) * draw(st.sampled_from([1.0, 0.5])))
    else:
        emp = np.array([None if i == 0 else (f"E{i}" if i % 2 else float(i)) for i in pick], dtype=object)
    ref_pick = np.array(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)))
    ref = np.array(["", "W1", "w1", "T2", "T3", "T2 "])[ref_pick] if draw(st.booleans()) \
        else np.where(ref_pick == 0, np.nan, ref_pick.astype(float))
    when = _dates(draw, n, 6 * 365, draw(st.sampled_from([0.0, 0.1])))
    amount = np.array(draw(st.lists(st.sampled_from([100.0, 250.5, 500.0, 600.0, 0.0, np.nan, 1e9, 0.1]),
                                    min_size=n, max_size=n)))
    flags = [np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))) for _ in range(3)]
    return emp, when, amount, flags[0], ref, flags[1], flags[2]


@SETTINGS
@given(award_inputs())
def test_award_ok_fast_equals_general(inputs):
    fast, general = _both(award_ok, *inputs)
    for a, b in zip(fast, general, strict=True):
        assert _same(a, b)


@SETTINGS
@given(st.integers(1, 40), st.integers(1, 4), st.integers(0, 45), st.data())
def test_rolling_totals_fast_equals_general_when_windows_reach_far_back(n, employees, spread_days, data):
    """Dense logs: many awards of one employee inside one window (the window start is then searched,
    not found among the few rows before), same-day rows, and logs shorter than those few rows."""
    emp = np.array(data.draw(st.lists(st.integers(0, employees - 1), min_size=n, max_size=n)))
    offsets = np.array(data.draw(st.lists(st.integers(0, spread_days), min_size=n, max_size=n)))
    when = (np.datetime64("2025-03-01", "D") + np.sort(offsets) * data.draw(st.sampled_from([1, 9]))
            if data.draw(st.booleans()) else np.datetime64("2025-03-01", "D") + offsets)
    amount = np.array(data.draw(st.lists(st.sampled_from([50.0, 120.25, 0.1, 400.0]), min_size=n, max_size=n)))
    fast, general = _both(award_ok, emp, when, amount)
    for a, b in zip(fast, general, strict=True):
        assert _same(a, b)
    counts = np.bincount(emp)
    if counts.max() > awards._NEAR_ROWS and spread_days < 300:  # some window held more rows than are compared
        assert (fast.rolling_total_gbp > amount).any()


@pytest.mark.parametrize("ids", ["text", "int"])
def test_award_ok_big_log(ids):
    """A log big enough for the threads and pyarrow's hash table: the same awards, to the last bit."""
    from benchmarks import synthetic

    log = synthetic.award_log(120_000, 7)
    emp = log.employee_text.copy() if ids == "text" else log.employee_code
    ref = log.work_ref_text.copy() if ids == "text" else log.work_ref_code
    if ids == "text":
        emp[::97] = np.strings.lower(emp[::97])  # mixed case: one employee
        ref[5::89] = np.strings.lower(ref[5::89])
    fast, general = _both(award_ok, emp, log.award_date, log.amount_gbp, log.team, ref, log.endorsed,
                          log.ineligible)
    for a, b in zip(fast, general, strict=True):
        assert _same(a, b)
    assert (fast.rule == 3).any() and (fast.rule == 5).any()


@pytest.mark.parametrize("bad", [0, 12])
def test_figures_leave_columns_fast_equals_general(bad):
    sample = synth.staff_sample(3000, bad=bad, seed=11)
    table = Table(sample.headers, sample.columns, 2, None, "xlsx")
    s = default_settings(synth.SAMPLE_AS_OF, pension_rate=0.2, pay_award_pct=0.0)
    fast = compute(read_staff(table, s.as_of), s, table)
    with general_paths():
        general = compute(read_staff(table, s.as_of), s, table)
    for name, column in fast.values.items():
        assert _same(column, general.values[name]), name
    assert _same(fast.status, general.status)
    for field in ("rows", "columns", "values", "reasons", "status"):
        assert _same(getattr(fast.problems, field), getattr(general.problems, field)), field
    assert fast.problems.counts == general.problems.counts
    assert np.isfinite(fast.values["leave_accrued_hours"]).sum() > 1000


@SETTINGS
@given(st.data())
def test_figures_leave_problems_in_the_order_of_the_per_grade_calls(data):
    """Core errors on rows that passed the list's checks (rare in a list): the one-pass leave figures
    add the same problems, in the same order, as four calls per distinct grade."""
    from xl_kent.lists import figures
    from xl_kent.lists.problems import Problems

    n = data.draw(st.integers(1, 50))
    labels = np.array(["KR6", "KR2", "", "Apprentice", "KR13", "kr 9"], dtype=object)
    values = {
        "grade_labels": labels,
        "grade_index": np.array(data.draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))),
        "service_start": _dates(data.draw, n, 9 * 365, 0.1),
        "employment_start": _dates(data.draw, n, 9 * 365, 0.5),
        "employment_end": _dates(data.draw, n, 9 * 365, 0.6),
        "weekly_hours": np.array(data.draw(st.lists(st.sampled_from([37.0, 18.5, 40.0, 0.0]),
                                                     min_size=n, max_size=n))),
    }
    rows = np.flatnonzero(np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n))))
    on = (np.datetime64("2026-03-31"), np.datetime64("2025-11-15"))
    got_out = {name: np.full(n, np.nan) for name in figures._LEAVE_FIGURES}
    got = Problems()
    figures._salaried_leave_figures(got_out, got, values, rows, on)
    want_out = {name: np.full(n, np.nan) for name in figures._LEAVE_FIGURES}
    want = Problems()
    v = values
    for grade, part in figures._by_grade(v, rows):  # the general path of figures.compute
        for name, day, unit in zip(figures._LEAVE_FIGURES, (on[0], on[0], on[1], on[1]), ("days", "hours") * 2,
                                   strict=True):
            r = leave_accrual(grade, v["service_start"][part], day, v["weekly_hours"][part],
                              v["employment_start"][part], v["employment_end"][part], unit)
            want_out[name][part] = r.value
            figures._core_problems(want, part, r.error, name)
    for name in figures._LEAVE_FIGURES:
        assert _same(got_out[name], want_out[name])
    assert len(got.entries) == len(want.entries)
    for (r1, c1, t1), (r2, c2, t2) in zip(got.entries, want.entries, strict=True):
        assert _same(r1, r2) and c1 == c2 and t1 == t2
    # Casual and relief rows: one call with the unit per row, the problems added grade by grade.
    units = np.array(data.draw(st.lists(st.sampled_from(["casual", "relief"]), min_size=n, max_size=n)))
    worked = np.array(data.draw(st.lists(st.sampled_from([20.0, -1.0, np.nan, 1e9]), min_size=n, max_size=n)))
    got, want = Problems(), Problems()
    r = _leave_accrual_parsed(figures._parsed_grades(v, rows), v["service_start"][rows], on[1], worked[rows],
                              None, None, units[rows])
    figures._problems_by_grade(got, v, rows, [r.error], ("leave_accrued_hours",))
    for grade, part in figures._by_grade(v, rows):
        r_part = leave_accrual(grade, v["service_start"][part], on[1], worked[part], None, None, units[part])
        assert _same(r_part.value, r.value[np.searchsorted(rows, part)])
        figures._core_problems(want, part, r_part.error, "leave_accrued_hours")
    assert [(e[0].tolist(), e[1], e[2]) for e in got.entries] == [(e[0].tolist(), e[1], e[2]) for e in want.entries]


@SETTINGS
@given(st.lists(st.sampled_from(TEXT_POOL + ["E 1", "\tx", "W1", "w1"]), min_size=0, max_size=40))
def test_packed_text_keys_group_as_the_folded_factorisation(values):
    a = np.array(values) if values else np.array([], dtype="<U2")
    keys = _arrays.packed_text(a)
    folded = factorize_text(a, fold=True)
    assert (keys is None) == (folded is None or a.size == 0)
    if keys is not None:
        labels, codes = folded
        assert _same(keys[:, None] == keys[None, :], codes[:, None] == codes[None, :])
        assert _same(keys == 0, labels[codes] == "")
        _, by_keys = _arrays.factorize_keys(keys)
        assert _same(by_keys, codes)


@SETTINGS
@given(award_inputs(), st.booleans())
def test_id_codes_are_int64_in_the_ids_order(inputs, ordered):
    """Every kind of id gives int64 codes (the callers multiply them by day counts and work
    counts: 32 bits overflow at a million rows), equal for equal ids, in the ids' order."""
    emp = inputs[0]
    n = len(emp)
    codes = awards._codes(emp, n, ordered)
    assert codes.dtype == np.int64 and codes.shape == (n,)
    with _arrays.general_paths():
        general = awards._codes(emp, n, ordered)
    assert general.dtype == np.int64
    assert _same(codes < 0, general < 0)  # the same blanks
    kept = general >= 0
    if ordered:
        assert _same(np.unique(codes[kept], return_inverse=True)[1], np.unique(general[kept], return_inverse=True)[1])
    else:  # the same groups, in any order
        pairs = np.unique(np.stack([codes[kept], general[kept]]), axis=1).shape[1]
        assert pairs == np.unique(codes[kept]).shape[0] == np.unique(general[kept]).shape[0]


def test_text_id_codes_are_int64_at_a_million_rows():
    """The box numbers of "E000123" ids are int32 inside: the codes handed on are int64."""
    ids = np.char.add("E", np.char.zfill(np.arange(1_000_000).astype(str), 6))
    codes = awards._codes(ids, ids.shape[0])
    assert codes.dtype == np.int64 and int(codes.max()) >= 999_999
    assert (np.diff(codes) > 0).all()  # in the ids' order


def test_award_group_sums_stay_exact_beyond_float_precision():
    """Team totals are int64 pence; past 2**53 pence (where float sums stop being exact) they are
    summed in int64, not by ``bincount``'s float64."""
    big = 1 << 52
    got = awards._group_sums(np.array([0, 1, 0, 2]), np.array([big, 5, big + 1, 7], dtype=np.int64))
    assert got.dtype == np.int64 and got.tolist() == [2 * big + 1, 5, 7]
    small = awards._group_sums(np.array([1, 1, 0]), np.array([21886, 17634, 10480], dtype=np.int64))
    assert small.tolist() == [10480, 39520]
