"""The explanations of KENT_REDUNDANCY_WEEKS and KENT_NOTICE (RULES.md, "Every figure explained").

Word for word against sentences worked out by hand from the policy (Kent Scheme I.2.G,
Appendix 2, L.1-L.3, I.2.E), the bad rows' reasons, and properties: the figure in the
sentence is the Excel function's figure for the same row.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from udfs import KENT_NOTICE, KENT_REDUNDANCY_WEEKS
from xl_kent import params
from xl_kent.errors import reason_texts
from xl_kent.notice import notice, notice_explained
from xl_kent.redundancy import redundancy_explained, redundancy_weeks

# ---------------------------------------------------------------- redundancy, word for word


def test_rules_example_age_42_with_2_years():
    # RULES.md: at age 42 with 2 years, 1.5 + 1 = 2.5 weeks
    assert str(redundancy_explained(42, 2)) == (
        "Age 42 with 2 years' service: 1 year at 1.5 weeks (aged 41 or over all year) + "
        "1 year at 1 week (aged 22 to 40) = 2.5 weeks"
    )


def test_ready_reckoner_cell():
    # Appendix 2, age 28 with 10 years: the years began at ages 27 down to 18, so
    # 6 years at 1 week (22-27) and 4 at half a week (18-21): 8 weeks. With at most 20
    # years counted, no cell of the table spans all three bands (that needs 21 years).
    table = params.ready_reckoner()
    cell = table[(table["age_years"] == 28) & (table["service_years"] == 10)]
    assert cell["weeks"].tolist() == [8.0]
    assert str(redundancy_explained(28, 10)) == (
        "Age 28 with 10 years' service: 6 years at 1 week (aged 22 to 40) + "
        "4 years at 0.5 weeks (aged under 22) = 8 weeks"
    )


def test_every_ready_reckoner_cell_ends_with_its_weeks():
    table = params.ready_reckoner()
    sentences = redundancy_explained(table["age_years"], table["service_years"])
    ends = [float(re.search(r"([\d.]+) weeks?\)?$", s).group(1)) for s in sentences.tolist()]
    assert ends == table["weeks"].tolist()


def test_under_two_years():
    assert str(redundancy_explained(30, 1)) == (
        "Age 30 with 1 year's service: under 2 years' service: no redundancy payment (0 weeks)"
    )
    # fractions are floored, as the core does: 1.9 years is 1 complete year
    assert str(redundancy_explained(30.7, 1.9, 2)) == (
        "Age 30 with 1 year's service: under 2 years' service: no redundancy payment (0 weeks)"
    )


def test_capped_at_20_years_of_service():
    # age 50, 30 years: the last 20 began at ages 49 down to 30: 9 years 41-49 at 1.5 weeks,
    # 11 years 30-40 at 1 week: 13.5 + 11 = 24.5 weeks
    assert float(redundancy_weeks(50, 30).weeks) == 24.5
    assert str(redundancy_explained(50, 30)) == (
        "Age 50 with 30 years' service, of which the last 20 years count (the most that can): "
        "9 years at 1.5 weeks (aged 41 or over all year) + 11 years at 1 week (aged 22 to 40) = 24.5 weeks"
    )


def test_multiplier_and_the_52_week_cap():
    # 20 years at 1.5 weeks = 30 weeks, doubled = 60, capped at 52 (I.2.G)
    assert str(redundancy_explained(61, 20, 2)) == (
        "Age 61 with 20 years' service: 20 years at 1.5 weeks (aged 41 or over all year) = 30 weeks, "
        "times the multiplier 2 = 60 weeks, capped at 52 weeks"
    )
    assert str(redundancy_explained(45, 2, 1.5)) == (
        "Age 45 with 2 years' service: 2 years at 1.5 weeks (aged 41 or over all year) = 3 weeks, "
        "times the multiplier 1.5 = 4.5 weeks"
    )


def test_redundancy_bad_rows_give_the_core_reason():
    age, service, mult = [30, np.nan, 40, 200, 20, -1], [40, 2, 10, 3, 10, 2], [1, 1, 3, 1, 1, 1]
    out = redundancy_explained(age, service, mult).tolist()
    assert out[:3] == ["years_of_service is longer than age", "age is blank or not a number",
                       "multiplier is outside 1 to 2"]
    assert out == reason_texts(redundancy_weeks(age, service, mult).error).tolist()
    assert all(out)


def test_redundancy_shapes():
    one = redundancy_explained(42, 2)
    assert one.shape == () and one.dtype == object and isinstance(one.item(), str)
    grid = redundancy_explained([[42], [30]], [2, 3, 40])
    assert grid.shape == (2, 3)
    assert grid[1, 2] == "years_of_service is longer than age"
    assert redundancy_explained([], []).shape == (0,)
    # the rules of a termination date: none in force in 1990 (a reason, not an exception)
    assert str(redundancy_explained(42, 2, termination_date="1990-01-01")) == str(reason_texts(
        redundancy_weeks(42, 2, termination_date="1990-01-01").error))


# ---------------------------------------------------------------- notice, word for word


def test_kr6_with_10_years_statutory_is_longer():
    # L.2.A: KR6 1 month (to 1 Apr, 31 days); L.3: 10 years, 10 weeks (to 10 May, 70 days)
    assert str(notice_explained("KR6", "2016-03-01", "2026-03-01")) == (
        "KR6: contractual notice 1 month, ending 1 Apr 2026; 10 years' service at 1 Mar 2026: "
        "statutory notice 10 weeks (1 week per complete year from 2 years' service), ending 10 May 2026; "
        "the statutory notice ends later, so it applies: 70 days, to 10 May 2026"
    )


def test_kr10_with_13_years_contractual_is_longer():
    # 10 Jan 2013 to 1 Mar 2026: 13 years 1 month; 12 weeks (84 days, to 24 May) at most;
    # KR10 3 months, to 1 Jun 2026: 31 + 30 + 31 = 92 days
    assert str(notice_explained("KR10", "2013-01-10", "2026-03-01")) == (
        "KR10: contractual notice 3 months, ending 1 Jun 2026; 13 years 1 month's service at 1 Mar 2026: "
        "statutory notice 12 weeks (the maximum, from 12 years' service), ending 24 May 2026; "
        "the contractual notice ends later, so it applies: 92 days, to 1 Jun 2026"
    )


def test_under_one_month_of_service():
    assert str(notice_explained("KR Entry", "2026-02-20", "2026-03-01")) == (
        "KR Entry: contractual notice 1 month, ending 1 Apr 2026; 0 months' service at 1 Mar 2026: "
        "no statutory notice (under 1 month's service), so the contractual notice applies: "
        "31 days, to 1 Apr 2026"
    )
    # from 1 month to under 2 years: 1 week
    assert str(notice_explained("apprentice", "2025-01-15", "2026-03-01")) == (
        "Apprentice: contractual notice 1 month, ending 1 Apr 2026; 1 year 1 month's service at 1 Mar 2026: "
        "statutory notice 1 week (1 month to under 2 years' service), ending 8 Mar 2026; "
        "the contractual notice ends later, so it applies: 31 days, to 1 Apr 2026"
    )


def test_both_end_on_the_same_day():
    # 1 Feb 2026 + 1 month = 1 Mar 2026 = 1 Feb + 4 weeks (4 years' service)
    assert str(notice_explained("KR3", "2022-02-01", "2026-02-01")) == (
        "KR3: contractual notice 1 month, ending 1 Mar 2026; 4 years' service at 1 Feb 2026: "
        "statutory notice 4 weeks (1 week per complete year from 2 years' service), ending 1 Mar 2026; "
        "both end on the same day: 28 days, to 1 Mar 2026"
    )


def test_with_pay_in_lieu():
    # KR9 2 months from 31 Jan 2026: to 31 Mar (28 + 31 = 59 days); 59 x 36,500 / 365 = 5,900
    assert str(notice_explained("KR9", "2020-01-01", "2026-01-31", 36500)) == (
        "KR9: contractual notice 2 months, ending 31 Mar 2026; 6 years' service at 31 Jan 2026: "
        "statutory notice 6 weeks (1 week per complete year from 2 years' service), ending 14 Mar 2026; "
        "the contractual notice ends later, so it applies: 59 days, to 31 Mar 2026; "
        "pay in lieu of notice: 59 days at £100.00 a day (£36,500.00 a year / 365) = £5,900.00"
    )
    # 31 x 30,000 / 365 = 2,547.945...: £2,547.95 (not 31 x £82.19)
    assert str(notice_explained("KR6", "2025-01-15", "2026-03-01", 30000)).endswith(
        "; pay in lieu of notice: 31 days at £82.19 a day (£30,000.00 a year / 365) = £2,547.95")


def test_bad_salary_keeps_the_notice_and_says_why_no_pay():
    base = ("KR6: contractual notice 1 month, ending 1 Apr 2026; 10 years' service at 1 Mar 2026: "
            "statutory notice 10 weeks (1 week per complete year from 2 years' service), ending 10 May 2026; "
            "the statutory notice ends later, so it applies: 70 days, to 10 May 2026")
    out = notice_explained("KR6", "2016-03-01", "2026-03-01", [-5, 2e7, np.nan, None]).tolist()
    r = notice("KR6", "2016-03-01", "2026-03-01", np.array([-5, 2e7]))
    reasons = reason_texts(r.pay_error).tolist()
    assert reasons[0] == "annual_salary is not above 0"
    assert out[0] == base + "; the pay in lieu cannot be worked out: annual_salary is not above 0"
    assert out[1] == base + "; the pay in lieu cannot be worked out: " + reasons[1]
    assert out[2] == out[3] == base  # a blank salary: no pay, and no complaint
    assert str(notice_explained("KR6", "2016-03-01", "2026-03-01")) == base


def test_notice_bad_rows_give_the_core_reason():
    grade = ["KR2", "KR6", "", "KR6", "KR6"]
    start = ["2016-03-01", "2026-03-02", "2016-03-01", "", "2016-03-01"]
    out = notice_explained(grade, start, ["2026-03-01"] * 4 + ["9999-12-20"], 36500).tolist()
    assert out[:4] == ["grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)",
                       "service_start is after notice_date", "grade is blank",
                       "service_start is blank or not a date"]
    assert out == reason_texts(notice(grade, start, ["2026-03-01"] * 4 + ["9999-12-20"]).error).tolist()


def test_notice_shapes():
    one = notice_explained("KR6", "2016-03-01", "2026-03-01")
    assert one.shape == () and one.dtype == object and isinstance(one.item(), str)
    grid = notice_explained(np.array([["KR6"], ["KR10"]]), "2016-03-01", ["2026-03-01", "2010-01-01"])
    assert grid.shape == (2, 2)
    assert grid[1, 1] == "service_start is after notice_date"
    assert grid[1, 0].startswith("KR10: contractual notice 3 months")
    assert notice_explained([], [], []).shape == (0,)


# ---------------------------------------------------------------- properties

_WEEKS = re.compile(r"([\d,]+(?:\.\d+)?) weeks?\)?$")
_DAYS = re.compile(r"([\d,]+) days?, to (\d{1,2} [A-Z][a-z]{2} \d{4})")
_PAY = re.compile(r"= £([\d,]+\.\d\d)$")

ages = st.one_of(st.integers(-2, 120).map(float), st.floats(10, 110), st.just(float("nan")))
services = st.one_of(st.integers(-1, 90).map(float), st.floats(0, 90))
multipliers = st.one_of(st.sampled_from([1.0, 1.5, 2.0, 0.5, 3.0]), st.floats(0.9, 2.1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(ages, services, multipliers), min_size=1, max_size=30))
def test_redundancy_weeks_in_the_sentence_are_the_excel_figure(rows):
    age, service, mult = (list(c) for c in zip(*rows, strict=True))
    out = redundancy_explained(age, service, mult)
    excel = KENT_REDUNDANCY_WEEKS([[a] for a in age], [[s] for s in service], [[m] for m in mult])
    reasons = reason_texts(redundancy_weeks(age, service, mult).error)
    for sentence, (value,), reason in zip(out.tolist(), excel, reasons.tolist(), strict=True):
        if isinstance(value, str):
            assert sentence == reason and reason
        else:
            shown = float(_WEEKS.search(sentence).group(1).replace(",", ""))
            assert shown == round(value, 4)
    # a single row gives the same words as that row in a column
    i = len(rows) // 2
    assert str(redundancy_explained(age[i], service[i], mult[i])) == out[i]


grades = st.sampled_from(["KR Entry", "Apprentice", "KR3", "KR6", "kr 8", "KR9", "KR10", "KR15", "KR2", "",
                          7])
days_ = st.dates(dt.date(1960, 1, 1), dt.date(2040, 12, 31))
salaries = st.one_of(st.none(), st.floats(-100, 200_000), st.sampled_from([36500.0, 0.0, 2e7, 12345.67]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(grades, days_, days_, salaries), min_size=1, max_size=30))
def test_notice_days_end_and_pay_in_the_sentence_are_the_excel_figures(rows):
    grade, start, given_on, salary = (list(c) for c in zip(*rows, strict=True))
    salary = [np.nan if s is None else s for s in salary]
    out = notice_explained(np.array(grade, dtype=object), start, given_on, salary)
    col = [[g] for g in grade], [[d] for d in start], [[d] for d in given_on]
    days = KENT_NOTICE(*col, "days")
    end = KENT_NOTICE(*col, "end_date")
    pay = KENT_NOTICE(*col, "pay", [[None if np.isnan(s) else s] for s in salary])
    reasons = reason_texts(notice(np.array(grade, dtype=object), start, given_on).error).tolist()
    for i, sentence in enumerate(out.tolist()):
        (d,), (e,), (p,) = days[i], end[i], pay[i]
        if isinstance(d, str):
            assert sentence == reasons[i] and sentence
            continue
        m = _DAYS.search(sentence)
        assert float(m.group(1).replace(",", "")) == d
        assert dt.datetime.strptime(m.group(2), "%d %b %Y") == e
        if isinstance(p, str):
            assert "pay in lieu of notice:" not in sentence
            assert ("cannot be worked out" in sentence) == (not np.isnan(salary[i]))
        else:
            assert float(_PAY.search(sentence).group(1).replace(",", "")) == p
    i = len(rows) // 2
    assert str(notice_explained(grade[i], start[i], given_on[i], salary[i])) == out[i]


@pytest.mark.parametrize("salary", [None, 36500])
def test_notice_single_row_equals_its_row_in_a_column(salary):
    grade = ["KR6", "KR10", "KR Entry", "KR2"]
    start = ["2016-03-01", "2013-01-10", "2026-02-20", "2016-03-01"]
    column = notice_explained(grade, start, "2026-03-01", salary).tolist()
    rows = [str(notice_explained(g, s, "2026-03-01", salary)) for g, s in zip(grade, start, strict=True)]
    assert column == rows
