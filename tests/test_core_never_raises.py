"""No input of any shape makes a function of the Python core raise.

RULES.md ("Calling from Python and from Excel"): whatever is handed over gives per-row
values and errors, or one error for a call whose inputs cannot be read as columns of
one length. The Excel functions are tested for this in test_udfs_never_raise.py; these
tests call the core itself, as a Python user does: every public function, each argument
in turn given an odd value (booleans, complex numbers, timedeltas, dicts, huge integers,
empty and 2-D arrays, columns of another length) while the others hold good values.
"""

from __future__ import annotations

import datetime as dt
import inspect

import numpy as np
import pytest

from xl_kent import (
    award_ok,
    leave_accrual,
    notice,
    redundancy_pay_gbp,
    redundancy_weeks,
    sick_pay,
    sick_pay_log,
    weekly_pay_gbp,
)
from xl_kent._arrays import E_NOT_COLUMNS
from xl_kent.carry_over import carry_over
from xl_kent.errors import OK, describe, excel_error, reason_text
from xl_kent.leave import leave_explained
from xl_kent.notice import notice_explained
from xl_kent.redundancy import redundancy_explained
from xl_kent.restructure import loss_of_earnings, unreduced_pension_on_redundancy
from xl_kent.sick_pay import sick_pay_allowance, sick_pay_explained
from xl_kent.sick_pay_log import allowance_left, paid_days_before, sick_pay_log_explained

NOT_COLUMNS = reason_text(E_NOT_COLUMNS)

#: Functions returning a result with an ``error`` field.
WITH_ERRORS = [sick_pay, sick_pay_allowance, sick_pay_log, allowance_left, redundancy_weeks, leave_accrual,
               notice, award_ok, carry_over]
#: Functions returning sentences (a bad row: its reason in words).
EXPLAINED = [sick_pay_explained, sick_pay_log_explained, redundancy_explained, leave_explained, notice_explained]
#: Functions returning figures only (``nan`` where a figure cannot be had).
FIGURES = [weekly_pay_gbp, redundancy_pay_gbp, paid_days_before, unreduced_pension_on_redundancy]

#: A good value for each argument name (the others take their defaults).
GOOD = {"service_start": "2010-01-01", "absence_start": "2026-05-01", "absence_days": 10,
        "annual_salary_gbp": 30000, "age_years": 40, "service_years": 10, "grade": 6, "as_of": "2026-06-01",
        "on": "2026-06-01", "old_grade": 8, "new_grade": 7, "top_of_grade": {7: 30000.0, 8: 34000.0},
        "employee_id": 7, "award_date": "2026-06-01", "amount_gbp": 100, "employee_ids": 7,
        "first_days": "2026-03-02", "last_days": "2026-03-31", "service_starts": "2010-01-01",
        "annual_salaries": 30000, "log_employee_ids": 7, "log_first_days": "2026-03-02", "log_paid_days": 30,
        "on_day": "2026-06-01", "untaken_days": 3, "weekly_hours": 37, "long_term_sick": False,
        "deferral_agreed_days": 0, "weeks": 10, "lgps_member": True, "notice_date": "2026-06-01"}

#: Values no cell holds, or of a shape that is not a column of one row.
ODD = [None, True, np.array([True, False]), [1, 2, 3], np.zeros((2, 2)), [], np.array([]), "x",
       "2026-01-01", 1e308, -1, np.nan, np.array(["a", "b"]), [dt.date(2026, 1, 1)] * 2,
       np.array([1 + 2j, 3j]), np.array([1, 2], dtype="m8[D]"), [{"a": 1}, {}], 10**30, [[1], [2]],
       np.array([1, 2], dtype=np.float16), b"xy", np.array([1, 2], dtype=np.uint64), [None, None]]


def _arguments(func):
    """The names of the data arguments of ``func`` and a call of good values."""
    names = [p.name for p in inspect.signature(func).parameters.values()
             if p.name != "top_of_grade" and p.name != "output"]  # a setting: a mapping / a choice
    good = {n: GOOD[n] for n in inspect.signature(func).parameters if n in GOOD}
    return names, good


def _cases(funcs):
    for func in funcs:
        names, _ = _arguments(func)
        for name in names:
            yield pytest.param(func, name, id=f"{func.__name__}-{name}")


def _check_errors(result):
    """Every error field has the shape of the values; every bad row has a reason in words."""
    shape = np.shape(result[0])
    for field, value in zip(result._fields, result, strict=True):
        assert np.shape(value) == shape, field
        if field == "error" or field.endswith("_error"):
            codes = np.asarray(value).reshape(-1)
            for code in codes[codes != OK].tolist():
                assert excel_error(code).startswith("#") and reason_text(code), code


@pytest.mark.parametrize(("func", "name"), list(_cases(WITH_ERRORS + EXPLAINED + FIGURES)))
def test_no_odd_value_of_one_argument_raises(func, name):
    _, good = _arguments(func)
    for odd in ODD:
        result = func(**{**good, name: odd})
        if func in WITH_ERRORS:
            _check_errors(result)
        elif func in EXPLAINED:
            assert all(isinstance(s, str) for s in np.asarray(result, dtype=object).reshape(-1).tolist())
        else:
            assert np.asarray(result).dtype.kind == "f"


@pytest.mark.parametrize("func", WITH_ERRORS + EXPLAINED + FIGURES, ids=lambda f: f.__name__)
def test_columns_of_different_lengths_give_one_error(func):
    """Two arguments given columns of 2 and 3 rows: one row, with the reason, not a raise."""
    names, good = _arguments(func)
    first, second = names[0], names[1]
    for a, b in (([good.get(first, 1)] * 2, [good.get(second, 1)] * 3),
                 (np.full((2, 2), good.get(first, 1), dtype=object), [good.get(second, 1)] * 3)):
        result = func(**{**good, first: a, second: b})
        if func in WITH_ERRORS:
            assert np.shape(result.error) == ()
            assert int(result.error) == E_NOT_COLUMNS
            assert describe(result.error) == [(0, "#VALUE!", NOT_COLUMNS)]
            figures = [v for f, v in zip(result._fields, result, strict=True)
                       if np.asarray(v).dtype.kind == "f"]
            assert figures and all(np.isnan(v) for v in figures)
        elif func in EXPLAINED:
            assert str(result) == NOT_COLUMNS
        else:
            assert np.shape(result) == () and np.isnan(result)


def test_equal_columns_still_broadcast():
    """The one-error answer is only for shapes that do not broadcast: a single value and a
    column, or a row against a column, broadcast as numpy does."""
    r = sick_pay("2010-01-01", ["2026-05-01", "2026-06-01"], 10, [30000.0])
    assert r.pay_gbp.shape == (2,) and (r.error == OK).all()
    r = redundancy_weeks(np.array([[40.0], [50.0]]), np.array([10.0, 20.0, 5.0]))
    assert r.weeks.shape == (2, 3) and (r.error == OK).all()


def test_a_boolean_is_not_a_number_nor_a_date():
    """An array of booleans where numbers or dates belong: each row gets its reason."""
    r = sick_pay("2010-01-01", "2026-05-01", np.array([True, False]), 30000)
    assert describe(r.error) == [(0, "#VALUE!", "absence_days is blank or not a number"),
                                 (1, "#VALUE!", "absence_days is blank or not a number")]
    r = sick_pay(np.array([True]), "2026-05-01", 10, 30000)
    assert describe(r.error) == [(0, "#VALUE!", "service_start is blank or not a date")]
    r = redundancy_weeks(np.array([True, False]), 10)
    assert (r.error != OK).all() and np.isnan(r.weeks).all()


def test_a_termination_date_column_broadcasts_with_single_values():
    """``termination_date`` (and ``on``) as a column with the other inputs single values:
    one row per date, as each date alone gives (this raised before)."""
    days = ["2015-01-01", "2026-06-01", "1990-01-01"]
    r = redundancy_weeks(45, 12, termination_date=days)
    for i, day in enumerate(days):
        one = redundancy_weeks(45, 12, termination_date=day)
        assert r.weeks[i] == one.weeks or (np.isnan(r.weeks[i]) and np.isnan(one.weeks))
        assert r.error[i] == one.error
    words = redundancy_explained(45, 12, termination_date=days)
    assert words.tolist() == [str(redundancy_explained(45, 12, termination_date=d)) for d in days]
    # Omitted, the latest rules; a blank date in a column is that row's problem.
    r = redundancy_weeks(45, 12, termination_date=["2026-06-01", None])
    assert r.error[0] == OK and r.error[1] != OK and reason_text(r.error[1])
    pay = weekly_pay_gbp(36500, on=["2026-06-01", "2027-06-01"])
    assert pay.tolist() == [float(weekly_pay_gbp(36500, on="2026-06-01"))] * 2


def test_carry_over_reads_cells_as_the_other_rules_do():
    """Text where a number belongs is that row's problem; "no" is not read as True."""
    r = carry_over(["x", 12.0], 37, ["no", "yes"], 0, "2026-03-31")
    assert describe(r.error) == [(0, "#VALUE!", "untaken leave at the year end is not a number")]
    assert r.why.tolist() == [-1, 1]  # the second row: long-term sick, read from "yes"


def test_loss_of_earnings_reads_a_text_salary_as_a_bad_row():
    r = loss_of_earnings(["KR8", "KR8"], ["KR7", "KR7"], ["TBC", 33000.0], {7: 30000.0, 8: 34000.0}, "2026-11-23")
    assert np.isnan(r.annual_gbp[0]) and r.annual_gbp[1] == 3000.0


def _ids(v):
    """One employee (and one work reference) per row: the rows of a log then do not count
    towards each other, and each row is judged as it would be alone."""
    return list(range(len(v))) if isinstance(v, list) else 0


def _refs(v):
    return [f"W{i}" for i in range(len(v))] if isinstance(v, list) else "W0"


@pytest.mark.parametrize(("func", "call", "flag"), [
    (sick_pay, lambda v: sick_pay("2010-01-01", "2026-05-01", 10, 30000, temporary_short=v), "temporary_short"),
    (sick_pay_allowance, lambda v: sick_pay_allowance("2010-01-01", "2026-05-01", temporary_short=v),
     "temporary_short"),
    (sick_pay_log, lambda v: sick_pay_log(_ids(v), "2026-03-02", "2026-03-31", "2010-01-01", 30000, temporary_short=v),
     "temporary_short"),
    (award_ok, lambda v: award_ok(_ids(v), "2026-06-01", 100, team=v, work_ref=_refs(v), endorsed=True), "team"),
    (award_ok, lambda v: award_ok(_ids(v), "2026-06-01", 100, team=True, work_ref=_refs(v), endorsed=v), "endorsed"),
    (award_ok, lambda v: award_ok(_ids(v), "2026-06-01", 100, ineligible=v), "ineligible"),
    (carry_over, lambda v: carry_over(3, 37, v, 0, "2026-03-31"), "long_term_sick"),
    (carry_over, lambda v: carry_over(3, 37, False, 0, "2026-03-31", leaving=v), "leaving"),
], ids=lambda x: x if isinstance(x, str) else getattr(x, "__name__", ""))
def test_a_flag_that_is_neither_true_nor_false_is_the_rows_problem(func, call, flag):
    """A flag given as "team", "maybe", 2 or an error value is not read as FALSE (which
    would judge a team award as an individual one, or a temporary contract as permanent):
    the row gets "<flag> is not TRUE or FALSE"; the readable values beside it are read."""
    values = ["team", "maybe", 2, -1, 0.5, "#N/A", True, "yes", 1, False, "n", 0, None]
    r = call(values)
    said = dict((row, text) for row, _, text in describe(r.error))
    for row, v in enumerate(values):
        readable = v is None or v in (True, False, 0, 1) or v in ("yes", "n")
        if readable:
            assert row not in said or flag not in said[row], (v, said.get(row))
            one = call(v)
            for field, a, b in zip(r._fields, r, one, strict=True):
                assert np.array_equal(np.asarray(a)[row], b, equal_nan=True), (field, v)
        else:
            assert said.get(row) == f"{flag} is not TRUE or FALSE", (v, said.get(row))
            figures = [np.asarray(a)[row] for a in r if np.asarray(a).dtype.kind == "f"]
            assert all(np.isnan(f) for f in figures)


def test_a_team_award_with_an_unreadable_kind_takes_no_part_in_the_totals():
    """Two team rows of one work: the row whose team flag is unreadable is not added to the
    team's total (nor to the employee's rolling total)."""
    r = award_ok([1, 2, 1], "2026-06-01", [300.0, 300.0, 100.0], ["yes", "tem", "no"], ["W1", "W1", "W2"], True)
    assert r.team_total_gbp[0] == 300.0 and np.isnan(r.team_total_gbp[1])
    assert r.rolling_total_gbp[2] == 400.0
    assert r.ok.tolist() == [True, False, True]


def test_unreduced_pension_with_an_unreadable_membership_is_not_known():
    assert np.isnan(unreduced_pension_on_redundancy([60, 60], [5, 5], ["x", True], "2026-11-23")).tolist() == [
        True, False]


def test_pandas_missing_values_are_blank():
    """A pandas column handed to the core as it is (object dtype) holds ``pd.NA`` and
    ``pd.NaT``: blank cells. ``pd.NaT`` is a ``datetime`` whose fields read as 1 January of
    the year 1: it must not become that date, nor raise."""
    pd = pytest.importorskip("pandas")
    from xl_kent._arrays import dates, flags, floats

    cells = np.array([pd.NaT, pd.NA, pd.Timestamp("2026-01-01")], dtype=object)
    assert np.isnat(dates(cells)[:2]).all() and dates(cells)[2] == np.datetime64("2026-01-01")
    assert np.isnat(dates(np.array([pd.NaT], dtype=object))).all()  # all "dates", one of them NaT
    assert np.isnan(floats(np.array([pd.NA, 3.0], dtype=object))).tolist() == [True, False]
    assert flags(np.array([pd.NA, True], dtype=object))[1] is None  # blank: FALSE, not a problem
    r = sick_pay(pd.Series([pd.NaT, pd.Timestamp("2010-01-01")], dtype=object), "2026-05-01", 10, 30000)
    assert describe(r.error) == [(0, "#VALUE!", "service_start is blank or not a date")]
    assert r.error[1] == OK


def test_a_nat_employee_id_is_blank():
    """Ids given as dates (a column read as dates by mistake): NaT is a blank id, said as
    such, and the other rows' ids are their dates' text, counted together."""
    ids = np.array(["2020-01-01", "NaT", "2020-01-01"], dtype="datetime64[D]")
    r = award_ok(ids, "2026-06-01", [600.0, 100.0, 500.0])
    assert describe(r.error) == [(1, "#VALUE!", "employee id is blank")]
    assert r.rolling_total_gbp[2] == 1100.0
    r = sick_pay_log(ids, ["2026-01-05", "2026-02-02", "2026-03-02"], ["2026-01-09", "2026-02-06", "2026-03-06"],
                     "2010-01-01", 30000)
    assert describe(r.error) == [(1, "#VALUE!", "employee id is blank")]
