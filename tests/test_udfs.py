"""The Excel layer, fed exactly what Excel (through xlwings) hands a UDF.

Single cells arrive as scalars; ranges as 1-D lists, n x 1 nested lists or numpy
arrays; dates as datetime/date or serial numbers; blanks as None or ""; error cells
as "#N/A"-style strings (err_to_str=True); and stray text anywhere.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from pathlib import Path

import numpy as np
import pytest

import udfs
from udfs import (
    KENT_AWARD_OK,
    KENT_LEAVE_ACCRUAL,
    KENT_NOTICE,
    KENT_REDUNDANCY_WEEKS,
    KENT_SICKPAY,
    KENT_SICKPAY_LOG,
)
from xl_kent import leave_accrual, redundancy_weeks, sick_pay, sick_pay_log
from xl_kent.dates import date_to_excel_serial
from xl_kent.money import round_pennies

D = dt.date
DT = dt.datetime


def column(values):
    """As xlwings passes a one-column range: an n x 1 nested list."""
    return [[v] for v in values]


def flat(result):
    assert isinstance(result, list) and all(isinstance(r, list) and len(r) == 1 for r in result)
    return [r[0] for r in result]


# ------------------------------------------------------------------ shapes
SERVICE = DT(2019, 3, 4)
ABSENCE = DT(2025, 11, 3)


def test_single_values_give_a_single_value():
    got = KENT_SICKPAY(SERVICE, ABSENCE, 30, 40_000)
    want = float(round_pennies(sick_pay(np.datetime64(SERVICE.date()), np.datetime64(ABSENCE.date()), 30, 40_000).pay_gbp))
    assert got == want and isinstance(got, float)


@pytest.mark.parametrize(
    "as_range",
    [
        lambda v: list(v),                                   # 1-D list (a row or column)
        column,                                              # n x 1 nested list
        lambda v: np.array(v, dtype=object),                 # numpy 1-D
        lambda v: np.array(v, dtype=object).reshape(-1, 1),  # numpy n x 1
    ],
    ids=["list", "nested", "numpy", "numpy-2d"],
)
def test_every_range_form_gives_the_same_column(as_range):
    ages = [30, 45, 61, 70]
    years = [5, 12, 20, 3]
    got = flat(KENT_REDUNDANCY_WEEKS(as_range(ages), as_range(years)))
    assert got == redundancy_weeks(np.array(ages), np.array(years)).weeks.tolist()


@pytest.mark.parametrize(
    "when",
    [DT(2025, 11, 3), DT(2025, 11, 3, 17, 45), D(2025, 11, 3),
     float(date_to_excel_serial(np.datetime64("2025-11-03"))),
     int(date_to_excel_serial(np.datetime64("2025-11-03"))),
     np.datetime64("2025-11-03")],
    ids=["datetime", "datetime+time", "date", "serial", "int-serial", "datetime64"],
)
def test_every_date_form_is_the_same_date(when):
    assert KENT_SICKPAY(SERVICE, when, 30, 40_000) == KENT_SICKPAY(SERVICE, ABSENCE, 30, 40_000)
    assert KENT_LEAVE_ACCRUAL("KR6", SERVICE, when) == KENT_LEAVE_ACCRUAL("KR6", SERVICE, ABSENCE)


def test_a_single_cell_broadcasts_over_a_column():
    grades = column(["KR4", "KR9", "KR13"])
    starts = column([D(2010, 1, 1), D(2024, 1, 1), D(2022, 6, 15)])
    got = flat(KENT_LEAVE_ACCRUAL(grades, starts, D(2026, 3, 31)))
    assert got == [29.0, 29.0, 30.0]


def test_columns_of_different_lengths_are_one_value_error():
    assert KENT_REDUNDANCY_WEEKS(column([30, 40]), column([5, 6, 7])) == [["#VALUE!"]]
    assert KENT_REDUNDANCY_WEEKS([[30, 40], [50, 60]], 5) == [["#VALUE!"]]  # 2 x 2: never flattened


# ------------------------------------------------------------------ bad and blank rows
def test_bad_rows_get_their_own_error_and_good_rows_their_values():
    ages = column([40, "forty", None, 35, "#N/A", True, 50, 30, 45])
    years = column([10, 10, 10, None, 10, 10, -1, 31, "#DIV/0!"])
    got = flat(KENT_REDUNDANCY_WEEKS(ages, years))
    assert got == [
        float(redundancy_weeks(40, 10).weeks),
        "#VALUE!",   # text where a number belongs
        "#VALUE!",   # required age blank, service filled
        "#VALUE!",   # service blank
        "#N/A",      # error value passed through
        "#VALUE!",   # TRUE is not a number
        "#NUM!",     # negative service
        "#NUM!",     # service longer than age
        "#DIV/0!",   # error value passed through
    ]


def test_all_blank_rows_are_blank_not_errors():
    got = flat(KENT_SICKPAY(column([SERVICE, None, ""]), column([ABSENCE, None, "  "]),
                            column([10, None, ""]), column([30_000, None, None])))
    assert got[0] == KENT_SICKPAY(SERVICE, ABSENCE, 10, 30_000)
    assert got[1:] == ["", ""]


def test_pre_sized_range_below_the_list_stays_blank_with_a_single_as_of_cell():
    grades = column(["KR6", None, None])
    starts = column([D(2015, 1, 1), None, None])
    assert flat(KENT_LEAVE_ACCRUAL(grades, starts, D(2026, 3, 31))) == [29.0, "", ""]


def test_dates_as_text_or_out_of_range_serials_are_errors():
    got = flat(KENT_SICKPAY(column(["2019-03-04", 60, 45000.0, True]), ABSENCE, 10, 30_000))
    assert got[:2] == ["#VALUE!", "#NUM!"]
    assert isinstance(got[2], float) and got[3] == "#VALUE!"


def test_numbers_as_text_are_errors():
    # RULES.md: text where a number belongs is an error for that row, even "12".
    assert KENT_SICKPAY(SERVICE, ABSENCE, "12", 30_000) == "#VALUE!"


def test_single_bad_value_gives_a_single_error():
    assert KENT_REDUNDANCY_WEEKS("old", 3) == "#VALUE!"
    assert KENT_REDUNDANCY_WEEKS(40, 3, 2.5) == "#NUM!"
    assert KENT_REDUNDANCY_WEEKS(None, None) == ""


# ------------------------------------------------------------------ each function
def test_sickpay_outputs_and_rounding():
    args = (D(2023, 1, 1), D(2025, 6, 1), 200, 33_333)
    core = sick_pay(*[np.datetime64(a) if isinstance(a, D) else a for a in args])
    assert KENT_SICKPAY(*args) == float(round_pennies(core.pay_gbp))
    assert KENT_SICKPAY(*args, output="FULL_DAYS") == float(core.full_pay_days)
    assert KENT_SICKPAY(*args, output="half_days") == float(core.half_pay_days)
    assert KENT_SICKPAY(*args, output="nil_days") == float(core.nil_pay_days)
    assert KENT_SICKPAY(*args, output="ssp") == float(round_pennies(core.ssp_gbp))
    assert KENT_SICKPAY(*args, output="wages") == "#VALUE!"
    assert KENT_SICKPAY(*args, prior_paid_days=None) == KENT_SICKPAY(*args)  # blank = 0
    assert KENT_SICKPAY(*args, temporary_short="Yes") == KENT_SICKPAY(*args, temporary_short=True)
    assert KENT_SICKPAY(*args, temporary_short=True) < KENT_SICKPAY(*args)


def test_leave_optional_arguments_and_units():
    assert KENT_LEAVE_ACCRUAL("KR6", D(2022, 4, 1), D(2026, 3, 31), None) == 27.0  # blank hours = 37
    assert KENT_LEAVE_ACCRUAL("KR6", D(2022, 4, 1), D(2026, 3, 31), 18.5) == 13.5
    assert KENT_LEAVE_ACCRUAL("KR6", D(2022, 4, 1), D(2026, 3, 31), 40) == "#NUM!"
    assert KENT_LEAVE_ACCRUAL(6, D(2022, 4, 1), D(2026, 3, 31), unit="Hours") == pytest.approx(27 * 7.4)
    assert KENT_LEAVE_ACCRUAL("KR6", D(2022, 4, 1), D(2026, 3, 31), unit="weeks") == "#VALUE!"
    assert KENT_LEAVE_ACCRUAL("KR2", D(2022, 4, 1), D(2026, 3, 31)) == "#N/A"
    assert KENT_LEAVE_ACCRUAL("KR6", D(2022, 4, 1), D(2026, 3, 31), None, D(2025, 10, 1)) == 13.5
    assert KENT_LEAVE_ACCRUAL("KR6", D(2022, 4, 1), D(2026, 3, 31), None, None, D(2025, 4, 1)) == 0.0
    assert KENT_LEAVE_ACCRUAL(None, None, D(2026, 5, 31), 20, unit="casual") == 2.42
    assert KENT_LEAVE_ACCRUAL(None, None, D(2026, 5, 31), None, unit="casual") == "#VALUE!"
    assert KENT_LEAVE_ACCRUAL("KR5", D(2024, 1, 1), D(2026, 5, 31), 20, unit="relief") == 3.0


def test_leave_round_2_decisions():
    """RULES.md, decided round 2: employment_start defaults to service_start, an end before
    it is an error (every unit), and a leave year before 1 April 2023 is #N/A."""
    assert KENT_LEAVE_ACCRUAL("KR6", D(2025, 10, 1), D(2026, 3, 31)) == 13.5  # joined with the service date
    assert KENT_LEAVE_ACCRUAL("KR6", D(2025, 10, 1), D(2026, 3, 31), None, None, D(2025, 9, 30)) == "#NUM!"
    assert KENT_LEAVE_ACCRUAL("KR6", D(2025, 10, 1), D(2026, 3, 31), None, None, D(2025, 10, 1)) == 0.0
    assert KENT_LEAVE_ACCRUAL("KR5", D(2025, 10, 1), D(2026, 5, 31), 20, None, D(2025, 9, 30),
                              unit="relief") == "#NUM!"
    assert KENT_LEAVE_ACCRUAL(None, D(2025, 10, 1), D(2026, 5, 31), 20, None, D(2025, 9, 30),
                              unit="casual") == "#NUM!"
    assert KENT_LEAVE_ACCRUAL(None, None, D(2026, 5, 31), 20, None, D(2025, 9, 30), unit="casual") == 2.42
    for early in (D(2023, 3, 31), D(2022, 6, 1), D(2019, 4, 1)):
        assert KENT_LEAVE_ACCRUAL("KR6", D(2010, 1, 1), early) == "#N/A"
        assert KENT_LEAVE_ACCRUAL(None, None, early, 20, unit="casual") == "#N/A"
    assert KENT_LEAVE_ACCRUAL("KR6", D(2010, 1, 1), D(2023, 4, 1)) == 0.0
    r = leave_accrual("KR6", "2010-01-01", "2023-03-31")
    from xl_kent.errors import describe
    assert describe(r.error.reshape(1)) == [(0, "#N/A", "the leave year of as_of starts before 1 April 2023: "
                                             "the scheme's earlier leave rules are not in the policy text")]


def test_calc_bridge_refuses_a_2d_range_as_python_does():
    from udfs.calc import bridge

    def error_of(out):
        return [[bridge.excel_error_of(bridge.lo_error_code(v)) if bridge.lo_error_code(v) else v for v in row]
                for row in out]

    two_by_two = bridge.RangeCells(((42.0, 43.0), (50.0, 51.0)), {})
    column = bridge.RangeCells(((2.0,), (3.0,)), {})
    assert error_of(bridge.call("KENT_REDUNDANCY_WEEKS", [two_by_two, column])) == [["#VALUE!"]]
    # a 2-D array where a value belongs (an inline {1,1;2,2} or a range passed by value)
    ages = bridge.RangeCells(((42.0,), (50.0,)), {})
    assert error_of(bridge.call("KENT_REDUNDANCY_WEEKS", [ages, column, ((1.0, 1.0), (2.0, 2.0))])) == [["#VALUE!"]]
    # one row is read as its cells, as in Excel
    row = bridge.RangeCells(((42.0, 50.0),), {})
    assert error_of(bridge.call("KENT_REDUNDANCY_WEEKS", [row, column])) == [[2.5], [4.5]]
    # huge and odd values: per-row errors, never an exception
    odd = bridge.RangeCells(((1e308,), ("x",)), {})
    assert error_of(bridge.call("KENT_REDUNDANCY_WEEKS", [odd, column])) == [["#NUM!"], ["#VALUE!"]]


def test_leave_column_matches_the_core():
    rng = np.random.default_rng(3)
    n = 500
    grades = [f"KR{g}" for g in rng.integers(3, 16, n)]
    starts = [D(2000, 1, 1) + dt.timedelta(days=int(x)) for x in rng.integers(0, 9000, n)]
    hours = rng.choice([37.0, 18.5, 30.0], n).tolist()
    got = flat(KENT_LEAVE_ACCRUAL(column(grades), column(starts), D(2026, 3, 31), column(hours), unit="hours"))
    want = leave_accrual(np.array(grades), np.array(starts, dtype="datetime64[D]"), "2026-03-31",
                         np.array(hours), unit="hours").value
    np.testing.assert_allclose(got, want)


def test_award_log_judged_as_a_whole():
    ids = column(["E1", "E1", "e1", "E2", "E3", None, None])
    when = column([D(2025, 1, 10), D(2025, 6, 1), D(2026, 1, 9), D(2025, 6, 1), D(2025, 6, 1), None, None])
    amounts = column([400, 500, 200, 300, 100, None, None])
    kinds = column([None, "", "Individual", "TEAM", "bonus", None, None])
    refs = column([None, None, None, "P1", "P2", None, None])
    endorsed = column([None, None, None, True, None, None, None])
    assert flat(KENT_AWARD_OK(ids, when, amounts, kinds, refs, endorsed)) == [
        True, True, False, True, "#VALUE!", "", ""]
    words = flat(KENT_AWARD_OK(ids, when, amounts, kinds, refs, endorsed, None, True))
    assert words[:4] == ["OK", "OK", "Over the £1,000 limit for one employee in 12 months", "OK"]
    assert words[4:] == ['kind is not "team" or "individual"', "", ""]  # explained, a bad row says why in words


def test_award_single_row_is_judged_alone():
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 450) is True
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 550) is False
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 450, "team") is False  # not endorsed
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 450, "team", "P1", True) is True
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 450, ineligible="yes") is False
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 0) == "#NUM!"
    assert KENT_AWARD_OK(None, D(2025, 1, 1), 10) == "#VALUE!"


def test_award_sums_are_exact_in_pence():
    # A team award of exactly £500.00 over three rows is OK in any order; an employee's
    # £1,000.00 in 12 months is OK whatever other employees were paid.
    d = D(2025, 5, 1)
    assert KENT_AWARD_OK(["F1", "F2", "F3"], [d] * 3, [218.86, 176.34, 104.8], "team", "T9", True, False,
                         True) == [["OK"], ["OK"], ["OK"]]
    ids = column([f"O{i}" for i in range(50)] + ["ZZ4"] * 6)
    when = column([d] * 50 + [D(2025, 5, k) for k in range(1, 7)])
    got = flat(KENT_AWARD_OK(ids, when, column([999_999.99] * 50 + [0.1, 0.2, 499.7, 200, 200, 100])))
    assert got[50:] == [True] * 6
    assert KENT_AWARD_OK("E1", d, 500.004) == "#NUM!"  # not a whole number of pence


def test_numeric_and_text_employee_ids_match():
    got = flat(KENT_AWARD_OK(column([1001, "1001", 1001.0]), D(2025, 1, 1), column([400, 400, 400])))
    assert got == [True, True, False]


# ------------------------------------------------------------------ KENT_SICKPAY_LOG
# One employee (7 years' service, £36,500 a year: £100 a day) off 1-10 May and 1-5 June 2025,
# a second employee off twice with the two absences overlapping, and a blank row.
LOG_IDS = ["E1", "e1 ", "E2", "E2", None]
LOG_FIRST = [D(2025, 5, 1), D(2025, 6, 1), D(2025, 5, 1), D(2025, 5, 3), None]
LOG_LAST = [D(2025, 5, 10), D(2025, 6, 5), D(2025, 5, 4), D(2025, 5, 6), None]
LOG_SERVICE = D(2018, 1, 1)
LOG_SALARY = 36_500
SSP_DAY_2025 = 118.75 / 7  # RULES.md: the weekly SSP rate of 2025/26, per calendar day


def _log(output="pay", ids=LOG_IDS, first=LOG_FIRST, last=LOG_LAST, service=LOG_SERVICE, salary=LOG_SALARY,
         shape=column, **kw):
    return KENT_SICKPAY_LOG(shape(ids), shape(first), shape(last), service, salary, output=output, **kw)


def test_sickpay_log_every_output_over_a_log():
    """Worked from RULES.md: the second absence has the first's 10 paid days in its rolling year,
    and links to it for SSP (3 waiting days once, then SSP every day); the overlap is #VALUE! twice."""
    want = {
        "pay": [1000.0, 500.0],
        "full_days": [10.0, 5.0],
        "half_days": [0.0, 0.0],
        "nil_days": [0.0, 0.0],
        "ssp": [round(7 * SSP_DAY_2025, 2), round(5 * SSP_DAY_2025, 2)],
        "prior_paid_days": [0.0, 10.0],
        "ssp_days_left": [196.0 - 7, 196.0 - 7 - 5],
    }
    for output, figures in want.items():
        assert flat(_log(output)) == [*figures, "#VALUE!", "#VALUE!", ""], output
        assert flat(_log(output.upper())) == flat(_log(output))
    assert flat(_log("wages")) == ["#VALUE!"] * 4 + [""]


def test_sickpay_log_every_range_form_gives_the_same_column():
    want = _log("prior_paid_days")
    for shape in (list, tuple, lambda v: np.array(v, dtype=object), lambda v: np.array(v, dtype=object).reshape(-1, 1),
                  lambda v: [v]):  # a 1 x n row reads as n rows
        assert _log("prior_paid_days", shape=shape) == want


@pytest.mark.parametrize(
    "as_date",
    [lambda d: DT(d.year, d.month, d.day), lambda d: DT(d.year, d.month, d.day, 17, 45),
     lambda d: float(date_to_excel_serial(np.datetime64(d))), lambda d: int(date_to_excel_serial(np.datetime64(d))),
     np.datetime64],
    ids=["datetime", "datetime+time", "serial", "int-serial", "datetime64"],
)
def test_sickpay_log_every_date_form_is_the_same_date(as_date):
    def dates(values):
        return [None if d is None else as_date(d) for d in values]

    for output in ("pay", "prior_paid_days", "ssp_days_left"):
        assert _log(output, first=dates(LOG_FIRST), last=dates(LOG_LAST), service=as_date(LOG_SERVICE)) == _log(output)


def test_sickpay_log_a_single_row_equals_kent_sickpay_with_no_prior_days():
    """A single-row call judges the row alone: the June absence gets no prior paid days then."""
    cases = [(D(2018, 1, 1), D(2025, 6, 1), D(2025, 6, 5), 36_500, False),
             (D(2025, 1, 6), D(2025, 9, 1), D(2025, 11, 14), 23_114, False),  # under a year: half pay too
             (D(2024, 3, 1), D(2026, 4, 20), D(2026, 9, 30), 19_000.5, False),  # new SSP rules, over 4 months
             (D(2023, 5, 2), D(2025, 11, 3), D(2025, 11, 30), 41_000, True)]  # temporary: SSP only
    for service, first, last, salary, temp in cases:
        days = (last - first).days + 1
        for output in ("pay", "full_days", "half_days", "nil_days", "ssp"):
            got = KENT_SICKPAY_LOG("E9", first, last, service, salary, temp, output)
            want = KENT_SICKPAY(service, first, days, salary, 0, output, temp)
            if output.endswith("_days"):  # days to 10 decimal places: the log's float noise only
                want = round(want, 10)
            assert got == want and type(got) is float, (first, output)
    assert KENT_SICKPAY_LOG("E1", D(2025, 6, 1), D(2025, 6, 5), LOG_SERVICE, LOG_SALARY, output="prior_paid_days") == 0.0
    assert _log("prior_paid_days")[1] == [10.0]  # in the log: the May absence's 10 days


def test_sickpay_log_money_to_the_penny_and_days_without_float_noise():
    """Six months' service: 1 month full pay (365/12 days), 2 half; a 40-day absence."""
    args = ("A1", D(2025, 6, 2), D(2025, 7, 11), D(2025, 1, 1), 25_000.17)
    core = sick_pay_log(*[np.datetime64(a) if isinstance(a, D) else a for a in args])
    assert KENT_SICKPAY_LOG(*args) == float(round_pennies(core.pay_gbp))
    assert KENT_SICKPAY_LOG(*args, output="ssp") == float(round_pennies(core.ssp_gbp))
    full = KENT_SICKPAY_LOG(*args, output="full_days")
    assert full == round(365 / 12, 10) and full == float(np.round(core.full_pay_days, 10))
    assert KENT_SICKPAY_LOG(*args, output="half_days") == round(40 - 365 / 12, 10)
    for output in ("pay", "ssp"):
        got = KENT_SICKPAY_LOG(*args, output=output)
        assert got == round(got, 2)


def test_sickpay_log_bad_blank_and_error_cells_are_their_rows_and_take_no_part():
    ids = column(["E1", "E1", "E1", "E1", None, "E3", "E4"])
    first = column([D(2025, 1, 6), D(2025, 2, 3), D(2025, 3, 3), D(2025, 4, 1), None, "soon", D(2025, 3, 3)])
    last = column([D(2025, 1, 10), D(2025, 2, 7), D(2025, 3, 7), D(2025, 4, 4), None, D(2025, 3, 7),
                   D(2025, 3, 2)])
    salary = column([36_500, "#N/A", "lots", 36_500, None, 36_500, 36_500])
    got = flat(KENT_SICKPAY_LOG(ids, first, last, D(2018, 1, 1), salary, output="prior_paid_days"))
    # The #N/A and the text salary rows add no paid days: the April absence sees January's 5 only.
    assert got == [0.0, "#N/A", "#VALUE!", 5.0, "", "#VALUE!", "#NUM!"]  # last day before first: #NUM!
    assert KENT_SICKPAY_LOG(None, None, None, None, None) == ""
    assert KENT_SICKPAY_LOG("E1", D(2025, 1, 6), D(2025, 1, 10), None, 36_500) == "#VALUE!"
    assert KENT_SICKPAY_LOG("E1", D(2025, 1, 6), D(2025, 1, 10), D(2026, 1, 1), 36_500) == "#NUM!"
    assert KENT_SICKPAY_LOG("E1", D(2025, 1, 6), D(2025, 1, 10), D(2018, 1, 1), "#DIV/0!") == "#DIV/0!"
    assert KENT_SICKPAY_LOG("E1", D(2020, 1, 6), D(2020, 1, 10), D(2018, 1, 1), 36_500) == "#N/A"  # no rules


def test_sickpay_log_an_output_per_row_and_a_bad_output_still_counts_for_the_others():
    """output is a choice of what to show, not a fact of the record (docs/functions.md)."""
    ids, first, last = column(["E1"] * 3), column(LOG_FIRST[:2] + [D(2025, 7, 1)]), column(LOG_LAST[:2] + [D(2025, 7, 2)])
    got = flat(KENT_SICKPAY_LOG(ids, first, last, LOG_SERVICE, LOG_SALARY,
                                output=column(["#N/A", "wages", "prior_paid_days"])))
    assert got == ["#N/A", "#VALUE!", 15.0]
    got = flat(KENT_SICKPAY_LOG(ids, first, last, LOG_SERVICE, LOG_SALARY,
                                output=column(["pay", "ssp_days_left", "prior_paid_days"])))
    assert got == [1000.0, 184.0, 15.0]


def test_sickpay_log_ids_match_as_award_ok_and_temporary_short_is_per_row():
    first, last = column([D(2025, 1, 6), D(2025, 3, 3)]), column([D(2025, 1, 15), D(2025, 3, 4)])
    for other in ("1001", " 1001 ", 1001.0):
        got = KENT_SICKPAY_LOG(column([1001, other]), first, last, D(2015, 1, 1), 36_500, output="prior_paid_days")
        assert got == [[0.0], [10.0]]
    got = flat(KENT_SICKPAY_LOG(column(["a", "b"]), first, last, D(2015, 1, 1), 36_500, column([True, "no"]),
                                "full_days"))
    assert got == [0.0, 2.0]


def test_sickpay_log_malformed_calls_are_one_error():
    assert KENT_SICKPAY_LOG(column(["E1", "E2"]), column(LOG_FIRST[:3]), column(LOG_LAST[:3]), LOG_SERVICE,
                            LOG_SALARY) == [["#VALUE!"]]
    block = [[D(2025, 5, 1), D(2025, 5, 2)], [D(2025, 6, 1), D(2025, 6, 2)]]
    assert KENT_SICKPAY_LOG(column(["E1", "E1"]), block, block, LOG_SERVICE, LOG_SALARY) == [["#VALUE!"]]
    assert KENT_SICKPAY_LOG("E1", D(2025, 5, 1), D(2025, 5, 2), LOG_SERVICE, LOG_SALARY, output=[["pay", "ssp"],
                                                                                                  ["pay", "ssp"]]) \
        == [["#VALUE!"]]


def test_sickpay_log_column_matches_the_core():
    rng = np.random.default_rng(12)
    n = 400
    ids = rng.integers(0, 40, n).tolist()
    first = [D(2024, 6, 1) + dt.timedelta(days=int(x)) for x in rng.integers(0, 700, n)]
    last = [f + dt.timedelta(days=int(x)) for f, x in zip(first, rng.integers(0, 60, n), strict=True)]
    salary = rng.choice([18_000.0, 27_500.5, 52_000.0], n).tolist()
    core = sick_pay_log(np.array(ids), np.array(first, dtype="datetime64[D]"), np.array(last, dtype="datetime64[D]"),
                        "2021-09-01", np.array(salary))
    got = flat(KENT_SICKPAY_LOG(column(ids), column(first), column(last), D(2021, 9, 1), column(salary)))
    from xl_kent.errors import excel_errors
    want = np.where(core.error == 0, round_pennies(core.pay_gbp).astype(object), excel_errors(core.error)).tolist()
    assert got == want
    assert "#VALUE!" in got and any(isinstance(v, float) for v in got)  # overlaps, and figures


# ------------------------------------------------------------------ KENT_NOTICE
NOTICE_GIVEN = D(2026, 3, 1)


@pytest.mark.parametrize(
    "as_range",
    [list, column, lambda v: np.array(v, dtype=object), lambda v: np.array(v, dtype=object).reshape(-1, 1)],
    ids=["list", "nested", "numpy", "numpy-2d"],
)
def test_notice_every_range_form_gives_the_same_column(as_range):
    grades = ["KR6", "KR10", "Apprentice", 9]
    starts = [D(2016, 3, 1), D(2014, 3, 1), D(2026, 2, 1), D(2017, 3, 1)]
    assert KENT_NOTICE(as_range(grades), as_range(starts), NOTICE_GIVEN) == [[70.0], [92.0], [31.0], [63.0]]


def test_notice_outputs_equal_the_core():
    from xl_kent import notice

    start = DT(2019, 7, 31)
    core = notice("KR9", np.datetime64("2019-07-31"), np.datetime64("2026-01-31"), 29_999.99)
    given = DT(2026, 1, 31)
    assert KENT_NOTICE("KR9", start, given) == float(core.days) == 59.0  # 2 months to 31 March
    assert KENT_NOTICE("KR9", start, given, "end_date") == DT(2026, 3, 31)
    assert KENT_NOTICE("KR9", start, given, "statutory_weeks") == float(core.statutory_weeks) == 6.0
    assert KENT_NOTICE("KR9", start, given, "contractual_months") == 2.0
    assert KENT_NOTICE("KR9", start, given, "pay", 29_999.99) == float(round_pennies(core.pay_gbp))
    # an end date as Excel's serial number: the date the core found
    assert float(date_to_excel_serial(core.end_date)) == (DT(2026, 3, 31) - DT(1899, 12, 30)).days


def test_notice_bad_and_blank_rows():
    got = flat(KENT_NOTICE(column(["KR6", "KR 1", None, "#REF!", True, "KR7"]),
                           column([D(2016, 3, 1), D(2016, 3, 1), None, D(2016, 3, 1), D(2016, 3, 1), 60]),
                           NOTICE_GIVEN))
    assert got == [70.0, "#N/A", "", "#REF!", "#N/A", "#NUM!"]  # TRUE is text "TRUE": no grade


def test_notice_in_the_calc_bridge_returns_the_documents_serial_dates():
    from udfs.calc import bridge

    grades = bridge.RangeCells((("KR6",), ("KR2",), ("",)), {})
    starts = bridge.RangeCells(((42430.0,), (42430.0,), ("",)), {})  # 1 March 2016
    out = bridge.call("KENT_NOTICE", [grades, starts, 46082.0, "end_date", None])
    assert out[0] == (46152.0,) and bridge.excel_error_of(bridge.lo_error_code(out[1][0])) == "#N/A"
    assert out[2] == ("",)
    # a 1904 document: serials in, serials out, counted from its own null date
    offset = 1462.0
    out = bridge.call("KENT_NOTICE", [bridge.RangeCells((("KR6",),), {}),
                                      bridge.RangeCells(((42430.0 - offset,),), {}), 46082.0 - offset, "end_date"],
                      D(1904, 1, 1))
    assert out == ((46152.0 - offset,),)
    # Calc hands a blank single salary cell over as 0: read as blank, as Excel does
    one = [bridge.RangeCells((("KR6",),), {}), bridge.RangeCells(((42430.0,),), {}), 46082.0, "pay"]
    assert bridge.excel_error_of(bridge.lo_error_code(bridge.call("KENT_NOTICE", one + [0.0])[0][0])) == "#VALUE!"
    assert bridge.call("KENT_NOTICE", one + [36_500.0]) == ((7000.0,),)


# ------------------------------------------------------------------ xlwings metadata
FUNCTIONS = [KENT_SICKPAY, KENT_REDUNDANCY_WEEKS, KENT_LEAVE_ACCRUAL, KENT_AWARD_OK, KENT_SICKPAY_LOG, KENT_NOTICE]


def test_contract_signatures_match_rules_md():
    sig = {f.__name__: list(inspect.signature(f).parameters) for f in FUNCTIONS}
    assert sig == {
        "KENT_SICKPAY": ["service_start", "absence_start", "absence_days", "annual_salary",
                         "prior_paid_days", "output", "temporary_short"],
        # RULES.md, "Every figure explained": one more optional last argument, explain
        "KENT_REDUNDANCY_WEEKS": ["age", "years_of_service", "multiplier", "explain"],
        "KENT_LEAVE_ACCRUAL": ["grade", "service_start", "as_of", "weekly_hours",
                               "employment_start", "employment_end", "unit", "explain"],
        "KENT_AWARD_OK": ["employee_ids", "award_dates", "amounts", "kinds", "work_refs",
                          "endorsed", "ineligible", "explain"],
        "KENT_SICKPAY_LOG": ["employee_ids", "first_days", "last_days", "service_starts", "annual_salaries",
                             "temporary_short", "output"],
        "KENT_NOTICE": ["grade", "service_start", "notice_date", "output", "annual_salary"],
    }
    assert udfs.__all__ == [f.__name__ for f in FUNCTIONS]


def test_every_argument_has_excel_help_and_errors_as_strings(monkeypatch):
    """On Linux the decorators are no-ops, so record what they are called with."""
    import udfs.functions as module

    calls = []

    class Recorder:
        @staticmethod
        def func(**kwargs):
            calls.append(("func", None, kwargs))
            return lambda f: f

        @staticmethod
        def arg(name, **kwargs):
            calls.append(("arg", name, kwargs))
            return lambda f: f

    monkeypatch.setattr(module, "xw", Recorder)
    assert set(module.ARG_HELP) == {f.__name__ for f in FUNCTIONS}
    for f in FUNCTIONS:
        calls.clear()
        module._documented(f.__name__)(f)
        params = list(inspect.signature(f).parameters)
        # Applied innermost first, as stacked decorators are.
        assert [name for kind, name, _ in calls if kind == "arg"][::-1] == params, f.__name__
        assert calls[-1] == ("func", None, {"category": module.CATEGORY})
        for _kind, _, kwargs in calls[:-1]:
            assert kwargs["err_to_str"] is True and 0 < len(kwargs["doc"].strip()) <= 255
    # Each function is registered through _documented, under its own name.
    tree = ast.parse(Path(inspect.getsourcefile(KENT_SICKPAY)).read_text())
    decorated = {node.name: [ast.unparse(d) for d in node.decorator_list]
                 for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("KENT_")}
    assert decorated == {name: [f"_documented({name!r})"] for name in module.ARG_HELP}


def test_function_help_fits_excels_255_characters():
    for f in FUNCTIONS:
        summary = f.__doc__.split("\n\n")[0]
        assert 40 < len(summary) <= 255, f.__name__


def test_in_libreoffice_a_2d_range_is_one_error_and_a_row_reads_as_its_cells(calc, tmp_path):
    """The Calc extension goes through the same Excel layer: the same shapes, the same errors."""
    import openpyxl
    from lo_calc import CellError
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["A2"], ws["B2"] = 42, 50, 43, 51
    ws["C1"], ws["C2"] = 2, 3
    ws["D1"] = ArrayFormula("D1:D2", "=KENT_REDUNDANCY_WEEKS(A1:B2,C1:C2)")  # 2 x 2: one #VALUE!
    ws["E1"] = ArrayFormula("E1:E2", "=KENT_REDUNDANCY_WEEKS(A1:B1,C1:C2)")  # a row: its two cells
    ws["F1"] = 1e308
    ws["G1"] = '=KENT_REDUNDANCY_WEEKS(A1,F1)'  # no number for an impossible service
    wb.save(tmp_path / "shapes.xlsx")
    book = calc.recalculate(tmp_path / "shapes.xlsx")
    assert book.cell("Sheet", "D1") == CellError("#VALUE!")
    assert [book.cell("Sheet", "E1"), book.cell("Sheet", "E2")] == [2.5, 4.5]
    assert book.cell("Sheet", "G1") == CellError("#NUM!")


def test_calc_bridge_passes_explain_through_for_every_explained_function():
    """Calc's calling convention (udfs.calc.bridge): the explain arguments reach the functions,
    and the words come back as text cells, one per row."""
    from udfs.calc import bridge

    cells = bridge.RangeCells
    ages, years = cells(((42.0,), (30.0,)), {}), cells(((2.0,), (40.0,)), {})
    out = bridge.call("KENT_REDUNDANCY_WEEKS", [ages, years, None, 1.0])
    assert out[0][0] == KENT_REDUNDANCY_WEEKS(42, 2, 1, True) and out[1][0] == "years_of_service is longer than age"
    grade, start = cells((("KR6",),), {}), cells(((43997.0,),), {})  # 15 June 2020
    out = bridge.call("KENT_LEAVE_ACCRUAL", [grade, start, 46112.0, None, None, None, "days", True])  # 31 Mar 2026
    assert out == ((KENT_LEAVE_ACCRUAL("KR6", D(2020, 6, 15), D(2026, 3, 31), explain=True),),)
    assert "from 1 Jul 2025" in out[0][0]
    ids, firsts, lasts = (cells((("E1",), ("E1",)), {}), cells(((45778.0,), (45809.0,)), {}),
                          cells(((45787.0,), (45813.0,)), {}))  # 1-10 May and 1-5 June 2025
    service, salary = cells(((43101.0,), (43101.0,)), {}), cells(((36500.0,), (36500.0,)), {})
    out = bridge.call("KENT_SICKPAY_LOG", [ids, firsts, lasts, service, salary, None, "explain"])
    assert "linked to the absence ending 10 May 2025" in out[1][0]
    out = bridge.call("KENT_NOTICE", [grade, start, 46082.0, "explain", 36500.0])
    assert out[0][0] == KENT_NOTICE("KR6", D(2020, 6, 15), D(2026, 3, 1), "explain", 36500)
    assert out[0][0].endswith("= £3,500.00")  # 5 weeks' statutory notice is longer than 1 month
    out = bridge.call("KENT_SICKPAY", [start, 45778.0, 10.0, cells(((36500.0,),), {}), 0.0, "explain", None])
    assert out[0][0] == KENT_SICKPAY(D(2020, 6, 15), D(2025, 5, 1), 10, 36500, 0, "explain")
    assert ", £1,000.00, of which SSP" in out[0][0]
