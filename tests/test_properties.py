"""Properties that must hold for any input (hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_kent import award_ok, leave_accrual, redundancy_weeks, sick_pay

N = 20_000  # a large array: the rows drawn by hypothesis are planted inside it
PLANTED = settings(max_examples=60, deadline=None)


@pytest.fixture(scope="module")
def big():
    """A large synthetic staff list, computed once."""
    rng = np.random.default_rng(7)
    base = np.datetime64("2026-06-01")
    absence = base + rng.integers(-1400, 500, N).astype("timedelta64[D]")
    service = absence - rng.integers(0, 14000, N).astype("timedelta64[D]")
    data = dict(
        service=service,
        absence=absence,
        days=rng.integers(1, 420, N).astype(float),
        salary=rng.uniform(5_000, 95_000, N),
        prior=rng.integers(0, 250, N).astype(float),
        temp=rng.random(N) < 0.05,
        age=rng.integers(16, 75, N).astype(float),
        grade=rng.integers(3, 17, N).astype(float),
        hours=rng.choice([37.0, 18.5, 22.5, 30.0, 7.4], N),
        as_of=base + rng.integers(-900, 700, N).astype("timedelta64[D]"),
    )
    data["years"] = np.minimum(rng.integers(0, 45, N), data["age"] - 16).clip(0).astype(float)
    data["mult"] = rng.choice([1.0, 1.0, 1.5, 2.0], N)
    return data


def _plant(big, i, **row):
    out = {k: v.copy() for k, v in big.items()}
    for k, v in row.items():
        out[k][i] = v
    return out


dates = st.dates(dt.date(2022, 4, 6), dt.date(2028, 3, 31)).map(lambda d: np.datetime64(d, "D"))


@PLANTED
@given(
    i=st.integers(0, N - 1),
    service_back=st.integers(0, 15_000),
    absence=dates,
    days=st.floats(1, 500, allow_nan=False),
    salary=st.floats(1_000, 150_000, allow_nan=False),
    prior=st.floats(0, 400, allow_nan=False),
    temp=st.booleans(),
)
def test_sick_pay_row_alone_equals_row_in_large_array(big, i, service_back, absence, days, salary, prior, temp):
    service = absence - np.timedelta64(service_back, "D")
    data = _plant(big, i, service=service, absence=absence, days=days, salary=salary, prior=prior, temp=temp)
    many = sick_pay(data["service"], data["absence"], data["days"], data["salary"], data["prior"], data["temp"])
    one = sick_pay(service, absence, days, salary, prior, temp)
    for field in one._fields:
        assert np.asarray(getattr(one, field)).shape == ()
        np.testing.assert_array_equal(getattr(many, field)[i], getattr(one, field))


@PLANTED
@given(i=st.integers(0, N - 1), age=st.floats(0, 90), years=st.floats(0, 90), mult=st.floats(0.5, 2.5))
def test_redundancy_row_alone_equals_row_in_large_array(big, i, age, years, mult):
    data = _plant(big, i, age=age, years=years, mult=mult)
    many = redundancy_weeks(data["age"], data["years"], data["mult"])
    one = redundancy_weeks(age, years, mult)
    np.testing.assert_array_equal(many.weeks[i], one.weeks)
    assert many.error[i] == one.error


@PLANTED
@given(
    i=st.integers(0, N - 1),
    grade=st.integers(0, 20),
    service_back=st.integers(-400, 12_000),
    as_of=dates,
    hours=st.floats(0, 40),
)
def test_leave_row_alone_equals_row_in_large_array(big, i, grade, service_back, as_of, hours):
    service = as_of - np.timedelta64(service_back, "D")
    data = _plant(big, i, grade=grade, service=service, as_of=as_of, hours=hours)
    for unit in ("days", "hours", "relief"):
        many = leave_accrual(data["grade"], data["service"], data["as_of"], data["hours"], unit=unit)
        one = leave_accrual(float(grade), service, as_of, hours, unit=unit)
        np.testing.assert_array_equal(many.value[i], one.value)
        assert many.error[i] == one.error


@given(
    age=st.integers(16, 80),
    years=st.integers(0, 64),
    mult=st.sampled_from([1.0, 1.25, 1.5, 2.0]),
)
def test_redundancy_weeks_never_fall_as_age_or_service_rise(age, years, mult):
    years = min(years, age - 14)  # RULES.md round 2: service at most age - 14
    w = redundancy_weeks(age, years, mult).weeks
    older = redundancy_weeks(age + 1, years, mult).weeks
    assert older >= w
    if years + 1 <= age - 14:
        assert redundancy_weeks(age, years + 1, mult).weeks >= w
    assert 0 <= w <= 52


@given(
    grade=st.sampled_from(["KR4", "KR9", "KR14"]),
    service=st.dates(dt.date(2010, 1, 1), dt.date(2026, 1, 1)),
    day=st.integers(0, 364),
    hours=st.sampled_from([37.0, 30.0, 18.5]),
)
def test_leave_never_falls_as_the_year_goes_on(grade, service, day, hours):
    start = np.datetime64("2025-04-01")
    a = leave_accrual(grade, np.datetime64(service), start + day, hours, unit="hours").value
    b = leave_accrual(grade, np.datetime64(service), start + min(day + 1, 364), hours, unit="hours").value
    assert b >= a


award_logs = st.lists(
    st.tuples(
        st.sampled_from(["E1", "E2", "E3"]),
        st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
        st.sampled_from([25.0, 100.0, 250.0, 300.0, 499.0, 500.0, 501.0]),
        st.booleans(),
        st.sampled_from(["W1", "W2", "W3", None]),
        st.booleans(),
    ),
    min_size=1,
    max_size=60,
)


@given(log=award_logs)
def test_rows_judged_ok_never_breach_the_limits(log):
    emp = np.array([r[0] for r in log], dtype=object)
    when = np.array([r[1] for r in log], dtype="datetime64[D]")
    amount = np.array([r[2] for r in log])
    team = np.array([r[3] for r in log])
    ref = np.array([r[4] for r in log], dtype=object)
    r = award_ok(emp, when, amount, team, ref, np.array([r[5] for r in log]))
    for i in np.flatnonzero(r.ok):
        # Limit 1: one award <= 500 (team: all team rows of the same work).
        if team[i] and ref[i] is not None:
            same = team & (ref == ref[i])
            assert amount[same].sum() <= 500
        else:
            assert amount[i] <= 500
        # Limit 2: the employee's rolling 12 months to this row <= 1,000.
        d = log[i][1]
        year_ago = d.replace(year=d.year - 1) if not (d.month == 2 and d.day == 29) else dt.date(d.year - 1, 2, 28)
        window = [j for j in range(len(log)) if log[j][0] == log[i][0]
                  and year_ago < log[j][1] <= d and (log[j][1] < d or j <= i)]
        assert sum(log[j][2] for j in window) <= 1000
        # Limit 3: no team and individual award for the same work.
        if ref[i] is not None:
            mine = (emp == emp[i]) & (ref == ref[i])
            assert not (team[mine].any() and (~team[mine]).any())


# Amounts in whole pence, among them splits of £500.00 and £1,000.00 whose float sums are not
# exact (218.86 + 176.34 + 104.80 is 500.00000000000006), and large ones of other employees.
penny_amounts = st.one_of(
    st.sampled_from([218.86, 176.34, 104.80, 0.1, 0.2, 499.7, 200.0, 100.0, 500.0, 500.01, 999_999.99]),
    st.integers(1, 60_000).map(lambda p: p / 100),
)
shuffled_logs = st.lists(
    st.tuples(
        st.sampled_from(["E1", "e1 ", "E2", "E3", "BIG1", "BIG2"]),
        st.dates(dt.date(2025, 1, 1), dt.date(2025, 1, 20)) | st.dates(dt.date(2024, 1, 1), dt.date(2026, 6, 30)),
        penny_amounts,
        st.booleans(),
        st.sampled_from(["T9", "t9", "W2", None]),
        st.booleans(),
    ),
    min_size=1,
    max_size=40,
)


def _award_columns(log):
    return (np.array([r[0] for r in log], dtype=object), np.array([r[1] for r in log], dtype="datetime64[D]"),
            np.array([r[2] for r in log]), np.array([r[3] for r in log], dtype=bool),
            np.array([r[4] for r in log], dtype=object), np.array([r[5] for r in log], dtype=bool))


@settings(max_examples=300, deadline=None)
@given(log=shuffled_logs, data=st.data())
def test_shuffling_an_award_log_changes_no_verdict_but_same_date_rows(log, data):
    """The order of a log matters only between one employee's rows of the same date (RULES.md:
    "same-date rows in row order"); every other row's verdict and totals are the same, to the
    penny, in any order."""
    order = data.draw(st.permutations(range(len(log))))
    r = award_ok(*_award_columns(log))
    s = award_ok(*_award_columns([log[i] for i in order]))
    day_of = [(e.strip().casefold(), d) for e, d, *_ in log]
    for k, i in enumerate(order):
        np.testing.assert_array_equal(s.team_total_gbp[k], r.team_total_gbp[i])  # any order, every row
        if day_of.count(day_of[i]) > 1:
            continue  # another row of the employee's on that date: its place may matter
        assert (int(s.rule[k]), bool(s.ok[k])) == (int(r.rule[i]), bool(r.ok[i])), (i, log[i])
        np.testing.assert_array_equal(s.rolling_total_gbp[k], r.rolling_total_gbp[i])


def test_a_million_rows_give_each_row_its_own_answer():
    """One call over 1,000,000 rows equals single-row calls on a sample of them."""
    rng = np.random.default_rng(11)
    n = 1_000_000
    absence = np.datetime64("2024-01-01") + rng.integers(0, 1500, n).astype("timedelta64[D]")
    service = absence - rng.integers(-30, 12_000, n).astype("timedelta64[D]")  # some bad rows
    days = rng.integers(0, 400, n).astype(float)
    salary = rng.uniform(-100, 90_000, n)
    grade = rng.integers(1, 16, n).astype(float)
    sick = sick_pay(service, absence, days, salary)
    leave = leave_accrual(grade, service, absence, days / 10, unit="hours")
    assert (sick.error != 0).any() and (sick.error == 0).any()
    assert (leave.error != 0).any() and (leave.error == 0).any()
    for i in rng.choice(n, 40, replace=False):
        one = sick_pay(service[i], absence[i], days[i], salary[i])
        np.testing.assert_array_equal(sick.pay_gbp[i], one.pay_gbp)
        assert sick.error[i] == one.error
        lone = leave_accrual(grade[i], service[i], absence[i], days[i] / 10, unit="hours")
        np.testing.assert_array_equal(leave.value[i], lone.value)
        assert leave.error[i] == lone.error
