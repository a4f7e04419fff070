"""KENT_NOTICE: notice that KCC gives (RULES.md; Kent Scheme L.1-L.3, I.2.E).

The core (:func:`xl_kent.notice.notice`) at every band edge and grade, month ends,
pay in lieu and every error; the Excel function (:func:`udfs.KENT_NOTICE`) over
cells as Excel hands them; and the core against the independent slow reference
(``tests/reference.py``, ``notice_rows``) over random rows.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pytest
import reference as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from udfs import KENT_NOTICE
from xl_kent import notice, params
from xl_kent.errors import describe, excel_error, reason_text
from xl_kent.money import round_pennies
from xl_kent.notice import contractual_months, statutory_weeks

D = dt.date
DT = dt.datetime
GIVEN = D(2026, 3, 1)  # notice given on 1 March 2026: 1 month = 31 days, 3 months = 92 days


def one(grade, start, day=GIVEN, salary=None):
    return notice(grade, np.datetime64(start) if start is not None else None, np.datetime64(day), salary)


def reasons(r):
    return [(e, t) for _, e, t in describe(np.atleast_1d(r.error))]


# ---------------------------------------------------------------- statutory bands, at each edge
@pytest.mark.parametrize(("start", "weeks"), [
    (D(2026, 3, 1), 0),    # 0 days' service
    (D(2026, 2, 2), 0),    # just under 1 month
    (D(2026, 2, 1), 1),    # exactly 1 month
    (D(2024, 3, 2), 1),    # just under 2 years (23 complete months)
    (D(2024, 3, 1), 2),    # 2 years
    (D(2014, 4, 1), 11),   # 11 years 11 months
    (D(2014, 3, 2), 11),   # a day short of 12 years
    (D(2014, 3, 1), 12),   # 12 years
    (D(2006, 3, 1), 12),   # 20 years: still 12 weeks
    (D(1976, 3, 1), 12),   # 50 years
])
def test_statutory_weeks_at_every_band_edge(start, weeks):
    r = one("KR3", start)
    assert r.error == 0
    assert float(r.statutory_weeks) == weeks and float(r.contractual_months) == 1
    assert float(r.days) == max(7 * weeks, 31)  # the one that ends later
    assert ref.notice_row("KR3", start, GIVEN)["statutory_weeks"] == weeks


def test_service_counts_complete_months_as_datedif():
    # 31 January to 28 February is no complete month (DATEDIF "M" gives 0)
    assert float(one("KR3", D(2026, 1, 31), D(2026, 2, 28)).statutory_weeks) == 0
    assert float(one("KR3", D(2026, 1, 31), D(2026, 3, 1)).statutory_weeks) == 1
    # 29 February: 2 years are complete on 1 March 2026 (DATEDIF), not on 28 February
    assert float(one("KR3", D(2024, 2, 29), D(2026, 2, 28)).statutory_weeks) == 1
    assert float(one("KR3", D(2024, 2, 29), D(2026, 3, 1)).statutory_weeks) == 2


def test_the_weeks_function_over_months_of_service():
    months = np.arange(0, 300)
    got = statutory_weeks(months, np.datetime64("2026-01-01"))
    want = [0 if m < 1 else 1 if m < 24 else min(m // 12, 12) for m in months]
    assert got.tolist() == want
    assert np.isnan(statutory_weeks(np.array([5]), np.datetime64("2015-06-30"))).all()  # no rules yet


# ---------------------------------------------------------------- contractual notice by grade
@pytest.mark.parametrize(("grade", "months"), [
    ("KR3", 1), ("KR8", 1), ("KR9", 2), ("KR10", 3), ("KR13", 3), ("KR17", 3), ("KR Entry", 1), ("Apprentice", 1),
    ("kr 6", 1), ("KR 9", 2), ("apprentice", 1), ("KRENTRY", 1), (6, 1), (9.0, 2), ("10", 3), (np.int64(12), 3),
])
def test_contractual_months_by_grade(grade, months):
    r = one(grade, D(2026, 2, 20))  # a week's service at most: the contract decides
    assert r.error == 0 and float(r.contractual_months) == months
    assert (r.end_date - np.datetime64(GIVEN)).astype(int) == r.days
    assert r.end_date == np.datetime64({1: "2026-04-01", 2: "2026-05-01", 3: "2026-06-01"}[months])


def test_every_named_grade_of_the_table_is_read_by_the_grade_parser():
    for e in params.parameter("notice", "contractual_months_by_grade").entries:
        for band in e.value:
            names = band["grades"]
            got = contractual_months(names, e.start) if names else np.array([])
            assert (got == band["months"]).all(), names


# ---------------------------------------------------------------- which ends later
def test_which_ends_later_both_ways():
    # KR6 with 10 years: 10 weeks (70 days) beat 1 month (31 days)
    r = one("KR6", D(2016, 3, 1))
    assert (float(r.days), float(r.statutory_weeks), str(r.end_date)) == (70.0, 10.0, "2026-05-10")
    # KR10 with 12 years: 12 weeks (84 days) against 3 months (92 days): the contract
    r = one("KR10", D(2014, 3, 1))
    assert (float(r.days), float(r.statutory_weeks), str(r.end_date)) == (92.0, 12.0, "2026-06-01")
    # KR9: 2 months from 1 January are 59 days; 9 years' statutory 63 days win, 8 years' 56 lose
    assert float(one("KR9", D(2017, 1, 1), D(2026, 1, 1)).days) == 63.0
    assert float(one("KR9", D(2018, 1, 1), D(2026, 1, 1)).days) == 59.0
    # KR8 with 5 years: 35 days against a 31-day month
    assert float(one("KR8", D(2021, 3, 1)).days) == 35.0
    # equal ends (4 weeks = a 28-day February): either way the same day
    r = one("KR4", D(2022, 2, 1), D(2026, 2, 1))
    assert float(r.days) == 28.0 and str(r.end_date) == "2026-03-01"


# ---------------------------------------------------------------- month ends (EDATE)
@pytest.mark.parametrize(("day", "grade", "end"), [
    (D(2026, 1, 31), "KR3", D(2026, 2, 28)),
    (D(2028, 1, 31), "KR3", D(2028, 2, 29)),  # a leap year
    (D(2026, 8, 31), "KR3", D(2026, 9, 30)),
    (D(2026, 12, 31), "KR9", D(2027, 2, 28)),
    (D(2026, 11, 30), "KR10", D(2027, 2, 28)),
    (D(2027, 11, 29), "KR10", D(2028, 2, 29)),
    (D(2026, 2, 28), "KR3", D(2026, 3, 28)),  # the 28th stays the 28th
])
def test_a_month_ends_as_edate(day, grade, end):
    r = one(grade, day, day)  # no service: the contract decides
    assert r.end_date == np.datetime64(end) and float(r.days) == (end - day).days
    assert KENT_NOTICE(grade, day, day, "end_date") == DT(end.year, end.month, end.day)


# ---------------------------------------------------------------- pay in lieu
def test_pay_is_days_at_actual_pay_rounded_to_the_penny_only_at_the_edge():
    r = one("KR6", D(2016, 3, 1), salary=30_000)  # 70 days
    assert float(r.pay_gbp) == pytest.approx(70 * 30_000 / 365)
    assert float(r.pay_gbp) != round(float(r.pay_gbp), 2)  # unrounded in the core
    assert KENT_NOTICE("KR6", D(2016, 3, 1), GIVEN, "pay", 30_000) == 5753.42
    assert KENT_NOTICE("KR Entry", D(2025, 1, 31), D(2025, 12, 31), "pay", 36_500) == 3100.0  # 31 days at £100


@pytest.mark.parametrize("salary", [10_000.0, 18_333.33, 27_512.5, 36_500.0, 41_999.99, 99_999.0, 1.0, 0.01])
def test_pay_rounds_half_a_penny_up_as_exact_arithmetic_does(salary):
    for start, day in [(D(2016, 3, 1), GIVEN), (D(2014, 3, 1), GIVEN), (D(2025, 1, 31), D(2026, 1, 31))]:
        days = int(one("KR10", start, day).days)
        exact = Fraction(days) * Fraction(str(salary)) / 365
        want = float((exact * 100 + Fraction(1, 2)) // 1) / 100
        assert KENT_NOTICE("KR10", start, day, "pay", salary) == want


def test_a_half_penny_rounds_up():
    # 92 days at £39.69375 a year are exactly £10.005
    r = one("KR10", D(2014, 3, 1), salary=39.69375)
    assert float(r.days) == 92 and Fraction(92) * Fraction("39.69375") / 365 == Fraction("10.005")
    assert float(r.pay_gbp) == pytest.approx(10.005)
    assert KENT_NOTICE("KR10", D(2014, 3, 1), GIVEN, "pay", 39.69375) == 10.01


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize(("args", "excel", "words"), [
    (("KR2", D(2020, 1, 1)), "#N/A", "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)"),
    (("KR0", D(2020, 1, 1)), "#N/A", "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)"),
    (("Scale 6", D(2020, 1, 1)), "#N/A", "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)"),
    (("KR", D(2020, 1, 1)), "#N/A", "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)"),
    ((6.5, D(2020, 1, 1)), "#N/A", "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)"),
    (("", D(2020, 1, 1)), "#VALUE!", "grade is blank"),
    (("KR6", None), "#VALUE!", "service_start is blank or not a date"),
    (("KR6", D(2026, 3, 2)), "#NUM!", "service_start is after notice_date"),
])
def test_each_error_with_its_reason(args, excel, words):
    assert reasons(one(*args)) == [(excel, words)]


def test_date_errors_and_rules_in_force():
    r = notice("KR6", "2010-01-01", np.array(["NaT", "2015-06-30", "2015-07-01", "9999-10-31", "9999-12-31"],
                                             dtype="datetime64[D]"))
    assert describe(r.error) == [
        (0, "#VALUE!", "notice_date is blank or not a date"),
        (1, "#N/A", "no notice rules are in force on notice_date"),
        (3, "#NUM!", "the notice would end after 31 December 9999, Excel's last date"),
        (4, "#NUM!", "the notice would end after 31 December 9999, Excel's last date"),
    ]
    assert np.isnan(r.days[[0, 1, 3, 4]]).all() and np.isnat(r.end_date[[0, 1, 3, 4]]).all()
    assert r.days[2] == 35  # 5 years: 5 weeks


def test_pay_errors_are_the_pay_rows_only():
    r = notice("KR6", "2016-03-01", "2026-03-01", [np.nan, 0.0, -5.0, 10_000_000.01, np.inf, 10_000_000.0])
    assert (r.error == 0).all() and (r.days == 70).all()  # days need no salary
    assert describe(r.pay_error) == [
        (0, "#VALUE!", 'annual_salary is blank or not a number (needed for output "pay")'),
        (1, "#NUM!", "annual_salary is not above 0"),
        (2, "#NUM!", "annual_salary is not above 0"),
        (3, "#NUM!", "annual_salary is above £10,000,000 (a typing error?)"),
        (4, "#NUM!", "annual_salary is above £10,000,000 (a typing error?)"),
    ]
    assert np.isnan(r.pay_gbp[:5]).all() and np.isfinite(r.pay_gbp[5])
    r = notice("KR6", "2026-03-02", "2026-03-01", 30_000)  # the notice's own error comes first
    assert excel_error(int(r.pay_error)) == "#NUM!" and reason_text(int(r.pay_error)) == \
        "service_start is after notice_date"


# ---------------------------------------------------------------- the Excel function
def column(values):
    return [[v] for v in values]


def test_excel_function_outputs():
    start = D(2016, 3, 1)
    assert KENT_NOTICE("KR6", start, GIVEN) == 70.0
    assert KENT_NOTICE("KR6", start, GIVEN, "DAYS") == 70.0
    assert KENT_NOTICE("KR6", start, GIVEN, "end_date") == DT(2026, 5, 10)
    assert KENT_NOTICE("KR6", start, GIVEN, "statutory_weeks") == 10.0
    assert KENT_NOTICE("KR6", start, GIVEN, "contractual_months") == 1.0
    assert KENT_NOTICE("KR6", start, GIVEN, "pay", 36_500) == 7000.0
    assert KENT_NOTICE("KR6", start, GIVEN, "weeks") == "#VALUE!"
    assert KENT_NOTICE("KR6", start, GIVEN, None) == 70.0  # blank output: the default
    assert KENT_NOTICE("KR6", start, GIVEN, "pay") == "#VALUE!"  # pay without a salary
    assert KENT_NOTICE("KR6", start, GIVEN, "pay", 0) == "#NUM!"
    assert KENT_NOTICE("KR6", start, GIVEN, "pay", "£30k") == "#VALUE!"
    assert KENT_NOTICE("KR6", start, GIVEN, "days", None) == 70.0  # no salary needed
    assert KENT_NOTICE("KR2", start, GIVEN) == "#N/A"
    assert KENT_NOTICE("KR6", "1 March 2016", GIVEN) == "#VALUE!"
    assert KENT_NOTICE("KR6", D(2026, 3, 2), GIVEN) == "#NUM!"
    assert KENT_NOTICE("KR6", start, "#N/A") == "#N/A"
    assert KENT_NOTICE(None, None, GIVEN) == "#VALUE!"  # one cell filled: grade is blank
    assert KENT_NOTICE(None, None, None) == ""


@pytest.mark.parametrize("when", [DT(2026, 3, 1), DT(2026, 3, 1, 16, 30), D(2026, 3, 1), 46082, 46082.75,
                                  np.datetime64("2026-03-01")])
def test_every_date_form_is_the_same_date(when):
    assert KENT_NOTICE("KR6", D(2016, 3, 1), when, "end_date") == DT(2026, 5, 10)


def test_a_column_with_good_bad_and_blank_rows_and_an_output_per_row():
    grades = column(["KR6", "KR10", "kr 9", None, "KR2", "Apprentice", None])
    starts = column([D(2016, 3, 1), D(2014, 3, 1), D(2025, 12, 15), None, D(2020, 1, 1), "soon", None])
    outputs = column(["days", "end_date", "pay", "days", "days", "days", "pay"])
    got = KENT_NOTICE(grades, starts, GIVEN, outputs, column([None, None, 41_000, None, None, None, None]))
    assert got == [[70.0], [DT(2026, 6, 1)], [round(61 * 41_000 / 365, 2)], [""], ["#N/A"], ["#VALUE!"], [""]]
    assert type(got[1][0]) is dt.datetime and type(got[2][0]) is float
    # one output for every row, with one salary cell for all
    assert KENT_NOTICE(grades[:3], starts[:3], GIVEN, "pay", 36_500) == [[7000.0], [9200.0], [6100.0]]
    assert KENT_NOTICE(grades[:2], starts[:2], GIVEN, "end_date") == [[DT(2026, 5, 10)], [DT(2026, 6, 1)]]


def test_a_pre_sized_pay_column_stays_blank_below_the_list():
    got = KENT_NOTICE(column(["KR6", None, None]), column([D(2016, 3, 1), None, None]), GIVEN, "pay",
                      column([36_500, None, None]))
    assert got == [[7000.0], [""], [""]]


def test_the_excel_function_over_many_rows_equals_the_core():
    rng = np.random.default_rng(14)
    n = 140_000  # more than four blocks of the core: they run on its thread pool
    grades = np.array(["KR Entry", "Apprentice", "KR3", "KR8", "KR9", "KR10", "KR13", "KR2"])[rng.integers(0, 8, n)]
    starts = np.datetime64("1990-01-01") + rng.integers(0, 14_000, n).astype("timedelta64[D]")
    on = np.datetime64("2026-01-01") + rng.integers(0, 400, n).astype("timedelta64[D]")
    salary = rng.uniform(5_000, 120_000, n).round(2)
    core = notice(grades, starts, on, salary)
    got = KENT_NOTICE(grades.reshape(-1, 1), starts.reshape(-1, 1), on.reshape(-1, 1), "pay",
                      salary.reshape(-1, 1))
    from xl_kent.errors import excel_errors
    want = np.where(core.pay_error == 0, round_pennies(core.pay_gbp).astype(object), excel_errors(core.pay_error))
    assert [r[0] for r in got] == want.tolist()
    assert "#N/A" in want.tolist() and "#NUM!" in want.tolist()  # KR2, and service after the notice date
    # blockwise and threaded: the same as one row at a time, for a sample
    for i in rng.integers(0, n, 50).tolist():
        r = notice(grades[i], starts[i], on[i], salary[i])
        assert (r.days == core.days[i] or (np.isnan(r.days) and np.isnan(core.days[i])))
        assert r.end_date == core.end_date[i] or (np.isnat(r.end_date) and np.isnat(core.end_date[i]))


# ---------------------------------------------------------------- against the slow reference
GRADES = ["KR Entry", "Apprentice", "KR3", "kr 4", "KR8", "KR 9", "KR9", "KR10", "KR13", "KR20", 6, 9, 10,
          "KR2", "KR1", "Scale 6", "", "KR"]


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(st.tuples(
    st.sampled_from(GRADES),
    st.dates(D(1960, 1, 1), D(2030, 12, 31)),
    st.one_of(st.dates(D(2015, 6, 1), D(2030, 12, 31)),
              st.sampled_from([D(2026, 1, 31), D(2028, 2, 29), D(2026, 11, 30), D(2027, 12, 31)])),
    st.one_of(st.none(), st.floats(0, 200_000), st.sampled_from([0.01, 36_500.0, 18_250.55]))),
    min_size=1, max_size=20))
def test_the_core_equals_the_independent_reference(rows):
    grades, starts, days, salaries = (list(c) for c in zip(*rows, strict=True))
    want = ref.notice_rows(grades, starts, days, salaries)
    r = notice(np.array(grades, dtype=object), np.array(starts, dtype="datetime64[D]"),
               np.array(days, dtype="datetime64[D]"), np.array([np.nan if s is None else s for s in salaries]))
    for i, w in enumerate(want):
        if isinstance(w, ValueError):
            assert r.error[i] != 0, (rows[i], w)
            continue
        assert r.error[i] == 0, (rows[i], describe(r.error[i:i + 1]))
        assert r.days[i] == w["days"] and r.end_date[i] == np.datetime64(w["end_date"])
        assert r.statutory_weeks[i] == w["statutory_weeks"] and r.contractual_months[i] == w["contractual_months"]
        if w["pay"] is None or isinstance(w["pay"], ValueError):
            assert r.pay_error[i] != 0
        else:
            assert r.pay_error[i] == 0 and r.pay_gbp[i] == pytest.approx(w["pay"], rel=1e-12, abs=1e-9)
