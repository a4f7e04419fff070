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
from udfs import KENT_AWARD_OK, KENT_LEAVE_ACCRUAL, KENT_REDUNDANCY_WEEKS, KENT_SICKPAY
from xl_kent import leave_accrual, redundancy_weeks, sick_pay
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
    assert words[4:] == ["#VALUE!", "", ""]


def test_award_single_row_is_judged_alone():
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 450) is True
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 550) is False
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 450, "team") is False  # not endorsed
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 450, "team", "P1", True) is True
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 450, ineligible="yes") is False
    assert KENT_AWARD_OK("E1", D(2025, 1, 1), 0) == "#NUM!"
    assert KENT_AWARD_OK(None, D(2025, 1, 1), 10) == "#VALUE!"


def test_numeric_and_text_employee_ids_match():
    got = flat(KENT_AWARD_OK(column([1001, "1001", 1001.0]), D(2025, 1, 1), column([400, 400, 400])))
    assert got == [True, True, False]


# ------------------------------------------------------------------ xlwings metadata
FUNCTIONS = [KENT_SICKPAY, KENT_REDUNDANCY_WEEKS, KENT_LEAVE_ACCRUAL, KENT_AWARD_OK]


def test_contract_signatures_match_rules_md():
    sig = {f.__name__: list(inspect.signature(f).parameters) for f in FUNCTIONS}
    assert sig == {
        "KENT_SICKPAY": ["service_start", "absence_start", "absence_days", "annual_salary",
                         "prior_paid_days", "output", "temporary_short"],
        "KENT_REDUNDANCY_WEEKS": ["age", "years_of_service", "multiplier"],
        "KENT_LEAVE_ACCRUAL": ["grade", "service_start", "as_of", "weekly_hours",
                               "employment_start", "employment_end", "unit"],
        "KENT_AWARD_OK": ["employee_ids", "award_dates", "amounts", "kinds", "work_refs",
                          "endorsed", "ineligible", "explain"],
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
