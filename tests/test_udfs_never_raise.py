"""No cell value and no shape of range, however odd, makes a KENT_ function raise.

Whatever Excel (through xlwings), LibreOffice or a Python caller hands over (numbers,
huge integers, inf and nan, text, booleans, dates, numpy scalars and arrays, error
values, blanks, empty, ragged and 2-D ranges, tuples, objects of unknown type), each
function answers with per-row values and errors, or with one error value for a call
whose ranges cannot be read as columns of one length (RULES.md, "Calling from Python
and from Excel"). The last-resort ``except Exception`` of each UDF must never be what
answers: these tests run with :data:`udfs._excel.STRICT` set, so that path re-raises.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from udfs import (
    KENT_AWARD_OK,
    KENT_LEAVE_ACCRUAL,
    KENT_NOTICE,
    KENT_REDUNDANCY_WEEKS,
    KENT_SICKPAY,
    KENT_SICKPAY_LOG,
    _excel,
)
from xl_kent.awards import RULES
from xl_kent.awards import explain as explain_rules
from xl_kent.errors import EXCEL_ERRORS

D = dt.date
MAX_EXCEL_NUMBER = 9.99999999999999e307
WHOLE_CALL_ERROR = ("#VALUE!", [["#VALUE!"]])
AWARD_WORDS = frozenset(explain_rules(np.array(sorted(RULES))).tolist())


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    """The last-resort path re-raises (a bug shows itself), and is never taken."""
    monkeypatch.setattr(_excel, "STRICT", True)
    before = _excel.last_resort_calls
    yield
    assert _excel.last_resort_calls == before, "a UDF answered through its last-resort except"


# ---------------------------------------------------------------------------- cells
class Unknown:
    """An object of a type no spreadsheet cell holds."""

    def __repr__(self):
        return "Unknown()"


WORDS = ["#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", " #n/a ", " ",
         "KR6", "kr 9", "KR Entry", "Apprentice", "KR2", "team", "individual", "TEAM", "yes", "no", "TRUE",
         "false", "days", "hours", "casual", "relief", "pay", "ssp", "full_days", "nil_days", "prior_paid_days", "ssp_days_left", "12", "x",
         "end_date", "statutory_weeks", "contractual_months", "END_DATE ", "KR9", "KR10", 9,
         "E1", "e1 ", "2025-06-01", "1e400"]
HUGE = [10**400, -10**400, 2**63, -(2**63) - 1, 2 * 10**308, 1e308, -1e308, 1.7976931348623157e308,
        5e-324, -0.0, 0, 1, 10_000_000, 10_000_000.01, 366, 367, 3_660, 3_661, 8_784, 8_784.01]

cells = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(WORDS),
    st.text(max_size=6),
    st.booleans(),
    st.integers(-(10**6), 10**7),
    st.sampled_from(HUGE),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.dates(D(2015, 1, 1), D(2028, 12, 31)),  # dates the rules are in force on
    st.datetimes(),
    st.sampled_from([np.float64(2.5), np.float32(np.inf), np.int64(40), np.int16(5), np.bool_(True),
                     np.str_("KR6"), np.datetime64("2025-06-01"), np.datetime64("NaT"),
                     np.datetime64("2025-06-01T10:30:00.123456789"), np.timedelta64(5, "D"), np.float64("nan")]),
    st.sampled_from([{}, {"a": 1}, {1, 2}, Unknown(), object(), complex(1, 2), Decimal("1.5"), b"KR6",
                     dt.time(9, 30), range(3)]),
)


# ---------------------------------------------------------------------------- shapes
# Each argument is drawn with how the call must read it: a single cell, an empty range
# (one blank cell), a column of m cells, or a shape that is no column (the whole call is
# then one error value).
CELL, EMPTY, COLUMN, NOT_A_COLUMN = "cell", "empty", "column", "not a column"

EMPTIES = [[], (), [[]], [[], []], [()], np.empty(0), np.empty((0, 1)), np.empty((3, 0)), np.array([], dtype=object)]


def _np(values, shape=None):
    a = np.empty(len(values), dtype=object)
    a[:] = values
    return a if shape is None else a.reshape(shape)


@st.composite
def argument(draw, n: int):
    """``(value, how, length)`` for one argument of a call of ``n`` rows."""
    form = draw(st.sampled_from([
        "cell", "cell", "cell", "np0", "empty", "list", "tuple", "nested", "nested", "nested_tuples",
        "np_rows", "row", "np1", "np_n1", "np_1n", "np_float", "np_dates", "block", "np_block",
        "ragged", "ragged_rows", "deep", "np_3d",
    ]))
    if form == "cell":
        return draw(cells), CELL, 1
    if form == "np0":  # a 0-d array is its one cell
        typed = [np.array(2.5), np.array(40), np.array("KR6"), np.array(np.datetime64("2025-06-01")), np.array(True)]
        return draw(st.sampled_from([_np([draw(cells)], ()), *typed])), CELL, 1
    if form == "empty":
        return draw(st.sampled_from(EMPTIES)), EMPTY, 1
    m = draw(st.sampled_from([n, n, n, 1, n + 1]))
    values = draw(st.lists(cells, min_size=m, max_size=m))
    if form == "list":
        return values, COLUMN, m
    if form == "tuple":
        return tuple(values), COLUMN, m
    if form == "nested":
        return [[v] for v in values], COLUMN, m
    if form == "nested_tuples":
        return tuple((v,) for v in values), COLUMN, m
    if form == "np_rows":  # rows as 1-element numpy arrays
        return [_np([v]) for v in values], COLUMN, m
    if form == "row":  # one row, 1 x m: read as m rows
        return [values], COLUMN, m
    if form == "np1":
        return _np(values), COLUMN, m
    if form == "np_n1":
        return _np(values, (m, 1)), COLUMN, m
    if form == "np_1n":
        return _np(values, (1, m)), COLUMN, m
    if form == "np_float":
        return np.array(draw(st.lists(st.floats(), min_size=m, max_size=m)), dtype=float), COLUMN, m
    if form == "np_dates":
        days = draw(st.lists(st.integers(-30_000, 40_000), min_size=m, max_size=m))
        return np.array(days, dtype="datetime64[D]").reshape(draw(st.sampled_from([(m,), (m, 1)]))), COLUMN, m
    rows, width = draw(st.integers(2, 4)), draw(st.integers(2, 3))
    block = draw(st.lists(st.lists(cells, min_size=width, max_size=width), min_size=rows, max_size=rows))
    if form == "block":  # n x 2 or wider: never flattened
        return block, NOT_A_COLUMN, 0
    if form == "np_block":
        return _np([v for r in block for v in r], (rows, width)), NOT_A_COLUMN, 0
    if form == "ragged":  # single cells mixed with rows: [[40], 50]
        return [[block[0][0]], block[1][0]], NOT_A_COLUMN, 0
    if form == "ragged_rows":  # rows of different lengths
        return [[block[0][0]], block[1]], NOT_A_COLUMN, 0
    if form == "deep":  # a range inside a cell
        return [[[block[0][0]]], [[block[1][0]]]], NOT_A_COLUMN, 0
    return _np([v for r in block for v in r] * 2, (2, rows, width)), NOT_A_COLUMN, 0


SIGNATURES = {
    KENT_SICKPAY: ["service_start", "absence_start", "absence_days", "annual_salary",
                   "prior_paid_days", "output", "temporary_short"],
    KENT_REDUNDANCY_WEEKS: ["age", "years_of_service", "multiplier"],
    KENT_LEAVE_ACCRUAL: ["grade", "service_start", "as_of", "weekly_hours",
                         "employment_start", "employment_end", "unit"],
    KENT_AWARD_OK: ["employee_ids", "award_dates", "amounts", "kinds", "work_refs",
                    "endorsed", "ineligible", "explain"],
    KENT_SICKPAY_LOG: ["employee_ids", "first_days", "last_days", "service_starts", "annual_salaries",
                       "temporary_short", "output"],
    KENT_NOTICE: ["grade", "service_start", "notice_date", "output", "annual_salary"],
}
REQUIRED = {KENT_SICKPAY: 4, KENT_REDUNDANCY_WEEKS: 2, KENT_LEAVE_ACCRUAL: 3, KENT_AWARD_OK: 3, KENT_SICKPAY_LOG: 5,
            KENT_NOTICE: 3}


@st.composite
def calls(draw, function=None):
    """A function and its arguments (optional ones given, by keyword, or left out)."""
    f = draw(st.sampled_from(list(SIGNATURES))) if function is None else function
    n = draw(st.integers(1, 6))
    names = SIGNATURES[f]
    args, kwargs, hows = [], {}, []
    for i, name in enumerate(names):
        if i >= REQUIRED[f] and draw(st.integers(0, 2)) == 0:
            continue  # optional argument left out
        value, how, length = draw(argument(n))
        hows.append((how, length))
        if i < REQUIRED[f]:
            args.append(value)
        else:
            kwargs[name] = value
    return f, args, kwargs, hows


def expected_shape(hows) -> tuple[str, int]:
    """("error", 0), ("column", n) or ("single", 1), from how each argument must be read."""
    if any(how == NOT_A_COLUMN for how, _ in hows):
        return "error", 0
    lengths = {length for how, length in hows if how == COLUMN}
    if len(lengths - {1}) > 1:
        return "error", 0
    if lengths:
        return "column", max(lengths - {1}, default=1)
    return "single", 1


def check_value(f, v, where):
    """A blank, TRUE/FALSE, a finite number within Excel's range, an error value, words, or
    (KENT_NOTICE's end date) a date Excel can show."""
    if isinstance(v, str):
        assert v == "" or v in EXCEL_ERRORS or (f is KENT_AWARD_OK and (v in AWARD_WORDS or v in _reasons())), where
    elif type(v) is dt.datetime:
        assert f is KENT_NOTICE and v.time() == dt.time() and D(1900, 3, 1) <= v.date() <= D(9999, 12, 31), where
    elif type(v) is float:
        assert math.isfinite(v) and abs(v) <= MAX_EXCEL_NUMBER, where
    else:
        assert type(v) is bool and f is KENT_AWARD_OK, where


def _reasons() -> set[str]:
    """Every reason in words registered so far (an explained bad row gives its reason)."""
    from xl_kent import errors

    return {text for _, text in errors._table if text}


def check_call(f, args, kwargs, hows):
    where = (f.__name__, args, kwargs)
    result = f(*args, **kwargs)
    shape, n = expected_shape(hows)
    if shape == "error":
        assert any(result == e for e in WHOLE_CALL_ERROR), (result, where)
        return result
    if shape == "single":
        assert not isinstance(result, list), (result, where)
        check_value(f, result, (result, where))
        return result
    assert isinstance(result, list) and len(result) == n, (result, where)
    for row in result:
        assert isinstance(row, list) and len(row) == 1, (row, where)
        check_value(f, row[0], (row, where))
    return result


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=calls())
def test_any_cells_in_any_shape_give_values_or_errors_never_an_exception(call):
    f, args, kwargs, hows = call
    check_call(f, args, kwargs, hows)


@pytest.mark.parametrize("f", list(SIGNATURES), ids=lambda f: f.__name__)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_function_with_every_optional_argument(f, data):
    """Each function on its own, every optional argument given in some shape."""
    n = data.draw(st.integers(1, 5))
    kwargs, hows = {}, []
    for name in SIGNATURES[f]:
        value, how, length = data.draw(argument(n))
        kwargs[name] = value
        hows.append((how, length))
    check_call(f, [], kwargs, hows)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(cells, min_size=8, max_size=8))
def test_single_odd_cells_give_one_value(values):
    for f, names in SIGNATURES.items():
        v = f(*values[: len(names)])
        check_value(f, v, (f.__name__, values))


@st.composite
def absence_logs(draw):
    """A KENT_SICKPAY_LOG call over a plausible absence record (a few employees, absences that
    link, overlap or follow each other, over the April 2026 change), some cells made odd."""
    n = draw(st.integers(1, 12))
    ids, first, last = [], [], []
    for _ in range(n):
        start = D(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 1200)))
        ids.append(draw(st.sampled_from(["E1", "e1 ", 1001, "1001", 1001.0, "E2"])))
        first.append(start)
        last.append(start + dt.timedelta(days=draw(st.integers(-2, 250))))
    service = [draw(st.sampled_from([D(2010, 5, 1), D(2023, 9, 1), D(2025, 11, 1)])) for _ in range(n)]
    salary = [draw(st.sampled_from([6_000.0, 18_250.0, 36_500.0, 9_999_999.99])) for _ in range(n)]
    columns = [ids, first, last, service, salary]
    for _ in range(draw(st.integers(0, 3))):  # a few odd cells anywhere
        draw(st.sampled_from(columns))[draw(st.integers(0, n - 1))] = draw(cells)
    temp = draw(st.one_of(st.booleans(), st.lists(cells, min_size=n, max_size=n)))
    output = draw(st.one_of(st.sampled_from(["pay", "full_days", "half_days", "nil_days", "ssp", "prior_paid_days",
                                             "ssp_days_left", "PAY ", "wages"]),
                            st.lists(st.sampled_from(["pay", "ssp", "prior_paid_days", "ssp_days_left", "x", None]),
                                     min_size=n, max_size=n)))
    as_column = draw(st.sampled_from([lambda c: [[v] for v in c], list, lambda c: _np(c, (len(c), 1))]))
    args = [as_column(c) for c in columns]
    kwargs = {"temporary_short": as_column(temp) if isinstance(temp, list) else temp,
              "output": as_column(output) if isinstance(output, list) else output}
    return args, kwargs, n


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=absence_logs())
def test_sickpay_log_over_plausible_records_with_odd_cells(call):
    """The fuzz above rarely draws a record whose rows link or overlap: here every call is one."""
    args, kwargs, n = call
    result = check_call(KENT_SICKPAY_LOG, args, kwargs, [(COLUMN, n)] * 7)
    assert any(isinstance(row[0], float) for row in result) or any(row[0] for row in result)


@st.composite
def notice_calls(draw):
    """A KENT_NOTICE call over plausible staff rows (grades, service across every band edge,
    month-end notice dates, salaries), some cells made odd, outputs per row or one for all."""
    n = draw(st.integers(1, 10))
    grades = [draw(st.sampled_from(["KR Entry", "Apprentice", "KR3", "kr 8", "KR9", "KR10", "KR13", 6, "KR2"]))
              for _ in range(n)]
    given = [draw(st.one_of(st.dates(D(2015, 6, 1), D(2030, 12, 31)),
                            st.sampled_from([D(2026, 1, 31), D(2028, 2, 29), D(9999, 12, 1)]))) for _ in range(n)]
    back = [draw(st.sampled_from([0, 27, 28, 31, 730, 731, 4383, 4384, 7305, draw(st.integers(-40, 20_000))]))
            for _ in range(n)]  # days of service before the notice date (negative: a start after it)
    starts = [g - dt.timedelta(days=k if g.year < 9999 else abs(k)) for g, k in zip(given, back, strict=True)]
    salaries = [draw(st.sampled_from([None, 0, 18_250.0, 36_500.0, 10_000_000.0, 10_000_000.01])) for _ in range(n)]
    columns = [grades, starts, given, salaries]
    for _ in range(draw(st.integers(0, 3))):
        draw(st.sampled_from(columns))[draw(st.integers(0, n - 1))] = draw(cells)
    output = draw(st.one_of(st.sampled_from(["days", "end_date", "statutory_weeks", "contractual_months", "pay",
                                             "Pay ", "weeks", None]),
                            st.lists(st.sampled_from(["days", "end_date", "pay", "x", None]), min_size=n, max_size=n)))
    as_column = draw(st.sampled_from([lambda c: [[v] for v in c], list, lambda c: _np(c, (len(c), 1))]))
    args = [as_column(c) for c in columns[:3]]
    kwargs = {"output": as_column(output) if isinstance(output, list) else output,
              "annual_salary": as_column(salaries)}
    return args, kwargs, n


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=notice_calls())
def test_notice_over_plausible_rows_with_odd_cells(call):
    args, kwargs, n = call
    check_call(KENT_NOTICE, args, kwargs, [(COLUMN, n)] * 5)


# ---------------------------------------------------------------------------- the examples found
SERVICE, ABSENCE = D(2019, 3, 4), D(2025, 11, 3)


def test_huge_integers_are_numbers_too_big_not_an_exception():
    assert KENT_REDUNDANCY_WEEKS(10**400, 5) == "#NUM!"
    assert KENT_REDUNDANCY_WEEKS(-(10**400), 5) == "#NUM!"
    assert KENT_SICKPAY(SERVICE, ABSENCE, 10, 10**400) == "#NUM!"
    assert KENT_SICKPAY(SERVICE, ABSENCE, 10, -(10**400)) == "#NUM!"
    assert KENT_SICKPAY(10**400, ABSENCE, 10, 30_000) == "#NUM!"  # a serial beyond Excel's dates
    assert KENT_LEAVE_ACCRUAL(10**400, SERVICE, D(2026, 3, 31)) == "#N/A"  # no such grade
    assert KENT_AWARD_OK(10**400, D(2025, 1, 1), 100) is True  # an employee id, as text
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 10**400) == "#NUM!"
    assert KENT_SICKPAY_LOG("E1", ABSENCE, ABSENCE, SERVICE, 10**400) == "#NUM!"
    assert KENT_SICKPAY_LOG("E1", ABSENCE, 10**400, SERVICE, 30_000) == "#NUM!"  # a serial beyond Excel's dates
    assert KENT_SICKPAY_LOG(10**400, ABSENCE, ABSENCE, SERVICE, 30_000) == KENT_SICKPAY_LOG("E1", ABSENCE, ABSENCE,
                                                                                            SERVICE, 30_000)
    assert KENT_NOTICE(10**400, SERVICE, ABSENCE) == "#N/A"  # no such grade
    assert KENT_NOTICE("KR6", SERVICE, 10**400) == "#NUM!"  # a serial beyond Excel's dates
    assert KENT_NOTICE("KR6", SERVICE, ABSENCE, "pay", 10**400) == "#NUM!"
    assert KENT_NOTICE("KR6", SERVICE, D(9999, 12, 1), "end_date") == "#NUM!"  # would end after 9999
    # in a column, the other rows keep their values
    assert KENT_REDUNDANCY_WEEKS([[10**400], [42]], [[5], [2]]) == [["#NUM!"], [2.5]]


def test_a_ragged_range_is_one_error():
    assert KENT_REDUNDANCY_WEEKS([[40], 50], [[10], [10]]) == [["#VALUE!"]]
    assert KENT_REDUNDANCY_WEEKS([[40], [50, 51]], [[10], [10]]) == [["#VALUE!"]]
    assert KENT_REDUNDANCY_WEEKS([[[40]], [[50]]], [[10], [10]]) == [["#VALUE!"]]


def test_an_empty_explain_is_its_default():
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 100, explain=[]) is True
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 100, explain=[[]]) is True
    assert KENT_AWARD_OK([["E1"], ["E1"]], D(2025, 1, 1), [[600], [100]], explain=[]) == [[False], [True]]


def test_optional_arguments_as_ranges_apply_row_by_row():
    two = [[D(2025, 1, 1)], [D(2025, 1, 1)]]
    assert KENT_AWARD_OK([["E1"], ["E2"]], two, [[600], [100]], explain=[[True], [False]]) == [
        ["Over the £500 limit for one award"], [True]]
    assert KENT_REDUNDANCY_WEEKS([[50], [50]], [[10], [10]], [[1], [2]]) == [[14.5], [29.0]]
    got = KENT_SICKPAY(SERVICE, ABSENCE, 200, 36_500, output=[["pay"], ["full_days"], ["wages"]])
    assert got[1] == [KENT_SICKPAY(SERVICE, ABSENCE, 200, 36_500, output="full_days")] and got[2] == ["#VALUE!"]
    # a unit per row: a casual row needs no grade, a salaried row does (blank below the list)
    got = KENT_LEAVE_ACCRUAL([[None], ["KR6"], [None]], [[None], [D(2022, 4, 1)], [None]], D(2026, 3, 31),
                             [[20], [None], [None]], unit=[["casual"], ["days"], ["days"]])
    assert got == [[2.42], [27.0], [""]]


@pytest.mark.parametrize("block", [
    [[40, 41], [50, 51]],
    np.array([[40, 41], [50, 51]]),
    [[40, 41, 42], [50, 51, 52]],
    [(40, 41), (50, 51)],
])
def test_a_2d_range_is_one_error_never_flattened(block):
    assert KENT_REDUNDANCY_WEEKS(block, [[10], [10], [10], [10]]) == [["#VALUE!"]]
    assert KENT_REDUNDANCY_WEEKS(block, 10) == [["#VALUE!"]]
    assert KENT_REDUNDANCY_WEEKS(50, 10, block) == [["#VALUE!"]]  # where a setting belongs too


def test_one_row_is_read_as_its_cells_and_answers_a_column():
    """A 1 x n range reads as n rows, as Excel through xlwings hands a row range (a 1-D list)."""
    want = KENT_REDUNDANCY_WEEKS([50, 30], [10, 5])
    assert want == [[14.5], [5.0]]
    assert KENT_REDUNDANCY_WEEKS([[50, 30]], [[10, 5]]) == want
    assert KENT_REDUNDANCY_WEEKS(np.array([[50, 30]]), [[10], [5]]) == want
    assert KENT_REDUNDANCY_WEEKS([[50]], [[10]]) == [[14.5]]  # a one-cell range: a one-cell column


def test_columns_of_different_lengths_are_one_error():
    assert KENT_REDUNDANCY_WEEKS([[30], [40]], [[5], [6], [7]]) == [["#VALUE!"]]
    assert KENT_REDUNDANCY_WEEKS([30, 40], [5], [[1], [1], [1]]) == [["#VALUE!"]]
    assert KENT_REDUNDANCY_WEEKS([[30], [50]], [[5]]) == [[5.0], [7.5]]  # a one-cell range broadcasts


def test_nobody_is_200():
    assert KENT_REDUNDANCY_WEEKS(200, 20) == "#NUM!"


def test_a_salary_of_1e308_is_no_inf():
    assert KENT_SICKPAY(SERVICE, ABSENCE, 10, 1e308) == "#NUM!"
    assert KENT_SICKPAY(SERVICE, ABSENCE, 10, float("inf")) == "#NUM!"
    assert KENT_SICKPAY(SERVICE, ABSENCE, 3_660, 10_000_000, output="ssp") >= 0


def test_5000_prior_sick_days_are_no_number():
    assert KENT_SICKPAY(SERVICE, ABSENCE, 10, 30_000, 5_000) == "#NUM!"


def test_1e300_casual_hours_are_no_inf():
    assert KENT_LEAVE_ACCRUAL(None, None, D(2026, 5, 31), 1e300, unit="casual") == "#NUM!"
    assert KENT_LEAVE_ACCRUAL("KR5", D(2024, 1, 1), D(2026, 5, 31), 1e300, unit="relief") == "#NUM!"


def test_award_amounts_that_would_overflow_a_sum():
    """1e308 + 1e308 is inf: such amounts are typing errors, and the other rows are judged."""
    ids = [["E1"], ["E1"], ["E2"], ["E2"]]
    when = [[D(2025, 1, 1)], [D(2025, 2, 1)], [D(2025, 3, 1)], [D(2025, 4, 1)]]
    amounts = [[1e308], [1e308], [600], [450]]
    assert KENT_AWARD_OK(ids, when, amounts) == [["#NUM!"], ["#NUM!"], [False], [False]]
    got = KENT_AWARD_OK(ids, when, amounts, explain=True)  # explained, a bad row says why in words
    assert got == [["amount is above £1,000,000 (a typing error?)"]] * 2 + [
        ["Over the £500 limit for one award"], ["Over the £1,000 limit for one employee in 12 months"]]
    team = KENT_AWARD_OK(ids, when, [[1e308], [1e308], [100], [100]], "team", "W1", True)
    assert team == [["#NUM!"], ["#NUM!"], [True], [True]]
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 1_000_000) is False  # over £500: not a typing error
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 1_000_000.01) == "#NUM!"


# ---------------------------------------------------------------------------- each plausibility edge
@pytest.mark.parametrize(("args", "ok"), [
    ((SERVICE, ABSENCE, 10, 10_000_000), True),
    ((SERVICE, ABSENCE, 10, 10_000_000.01), False),
    ((SERVICE, ABSENCE, 10, 30_000, 366), True),
    ((SERVICE, ABSENCE, 10, 30_000, 367), False),
    ((SERVICE, ABSENCE, 3_660, 30_000), True),
    ((SERVICE, ABSENCE, 3_661, 30_000), False),
])
def test_sickpay_plausibility_edges(args, ok):
    got = KENT_SICKPAY(*args)
    assert (type(got) is float and math.isfinite(got)) if ok else got == "#NUM!"


@pytest.mark.parametrize(("age", "service", "ok"), [
    (16, 2, True), (15, 0, False), (100, 20, True), (101, 20, False), (15.9, 0, False), (100.9, 20, True),
    (40, 26, True), (40, 27, False), (16, 2, True), (16, 3, False),
])
def test_redundancy_plausibility_edges(age, service, ok):
    got = KENT_REDUNDANCY_WEEKS(age, service)
    assert type(got) is float if ok else got == "#NUM!"


@pytest.mark.parametrize(("hours", "ok"), [(8_784, True), (8_784.01, False)])
@pytest.mark.parametrize("unit", ["casual", "relief"])
def test_leave_hours_worked_edge(hours, ok, unit):
    got = KENT_LEAVE_ACCRUAL("KR5", D(2024, 1, 1), D(2026, 5, 31), hours, unit=unit)
    assert type(got) is float if ok else got == "#NUM!"


def test_salaried_weekly_hours_keep_their_own_bound():
    assert KENT_LEAVE_ACCRUAL("KR6", D(2022, 4, 1), D(2026, 3, 31), 8_784.01) == "#NUM!"  # above 37


def test_the_bounds_are_in_the_core_with_their_reasons():
    """The bulk commands and the Calc extension use the same core: the same #NUM! and words."""
    from xl_kent import leave_accrual, redundancy_weeks, sick_pay
    from xl_kent.errors import describe

    r = sick_pay("2019-03-04", "2025-11-03", [10, 3_661, 10, 10], [30_000, 30_000, 10_000_000.01, 30_000],
                 [0, 0, 0, 367])
    assert describe(r.error) == [
        (1, "#NUM!", "absence_days is above 3,660 (a typing error?)"),
        (2, "#NUM!", "annual_salary is above £10,000,000 (a typing error?)"),
        (3, "#NUM!", "prior_paid_days is above 366 (more paid sick days than 12 months hold)"),
    ]
    assert np.isfinite(r.pay_gbp[0]) and np.isnan(r.pay_gbp[1:]).all()
    r = redundancy_weeks([15, 101, 40, 40, np.inf], [0, 20, 26, 27, 5])
    assert describe(r.error) == [
        (0, "#NUM!", "age is below 16"), (1, "#NUM!", "age is above 100"),
        (3, "#NUM!", "years_of_service is more than age - 14 (service before the 14th birthday)"),
        (4, "#NUM!", "age is above 100"),
    ]
    r = leave_accrual("KR5", "2024-01-01", "2026-05-31", [8_784, 8_784.01, np.inf], unit="casual")
    assert describe(r.error) == [(1, "#NUM!", "hours worked is above 8,784 (24 hours a day for 366 days)"),
                                 (2, "#NUM!", "hours worked is above 8,784 (24 hours a day for 366 days)")]
