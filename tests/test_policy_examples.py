"""Every worked example and table edge of the policy texts, on the real core.

Expected values are worked out here from the policy wording (and RULES.md), with the
policy's own numbers typed in as test data, never read back from the code.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from xl_kent import award_ok, leave_accrual, redundancy_weeks, sick_pay
from xl_kent.errors import describe
from xl_kent.leave import hours_rule, leave_year_bounds, round_half

D = dt.date


def months_back(d: D, m: int) -> D:
    total = d.year * 12 + d.month - 1 - m
    return D(total // 12, total % 12 + 1, d.day)


# ------------------------------------------------------------------ leave G.1, G.2
def test_casual_20_hours_accrue_2_42_hours():  # G.2.I worked example
    r = leave_accrual(None, None, "2026-06-30", 20, unit="casual")
    assert r.error == 0 and r.value == pytest.approx(2.42, abs=1e-12)


@pytest.mark.parametrize(
    "grade, service_start, want",
    [
        ("KR5", "2024-01-01", 3.0),   # 27 days: 20 x 0.1607 = 3.214 -> 3 (G.2.J example)
        ("KR5", "2015-01-01", 3.5),   # 29 days: 20 x 0.1712 = 3.424 -> .42 -> 3.5
        ("KR13", "2024-01-01", 3.5),  # 30 days: 20 x 0.1765 = 3.53 -> 3.5
    ],
)
def test_relief_accrual_examples(grade, service_start, want):
    r = leave_accrual(grade, service_start, "2026-06-30", 20, unit="relief")
    assert r.error == 0 and float(r.value) == want


def test_uplift_from_first_of_month_after_fifth_anniversary():
    """G.2.B: anniversary 15 June -> extra leave from 1 July."""
    service = "2019-06-15"
    # Relief on a KR6 grade moves from the 27-day to the 29-day rate on 1 July 2024.
    on_30_june = leave_accrual("KR6", service, "2024-06-30", 20, unit="relief").value
    on_1_july = leave_accrual("KR6", service, "2024-07-01", 20, unit="relief").value
    assert (float(on_30_june), float(on_1_july)) == (3.0, 3.5)  # 3.214 -> 3, 3.424 -> 3.5
    # A 36-hour KR6 for the 2024/25 leave year: 274 uplift days (1 Jul - 31 Mar).
    days_up = (D(2025, 3, 31) - D(2024, 7, 1)).days + 1
    unrounded = 27 + 2 * days_up / 365
    want = 205.0  # 28.5014 x 7.4 x 36/37 = 205.21 -> 205 (from 15 June it would be 206)
    assert unrounded * 7.4 * 36 / 37 == pytest.approx(205.21, abs=0.01)
    got = leave_accrual("KR6", service, "2025-03-31", 36, unit="hours")
    assert float(got.value) == want


@pytest.mark.parametrize(
    "grade, basic, after5",
    [("KR Entry", 27, 29), ("Apprentice", 27, 29), ("KR3", 27, 29), ("KR7", 27, 29),
     ("KR8", 29, 30), ("KR12", 29, 30), ("KR13", 30, 30), ("KR15", 30, 30)],
)
@pytest.mark.parametrize("year_end", ["2024-03-31", "2026-03-31"])  # 366- and 365-day years
def test_whole_year_gives_the_table(grade, basic, after5, year_end):
    new = leave_accrual(grade, "2022-06-01", year_end).value
    long = leave_accrual(grade, "2010-06-01", year_end).value
    assert (float(new), float(long)) == (basic, after5)
    hours = leave_accrual(grade, "2010-06-01", year_end, unit="hours").value
    assert float(hours) == pytest.approx(after5 * 7.4)


@pytest.mark.parametrize("spelling", ["KR6", "kr 6", "KR 6", " kr6 ", 6, 6.0, "6"])
def test_grade_spellings(spelling):
    r = leave_accrual(np.array([spelling], dtype=object), "2010-01-01", "2026-03-31")
    assert r.error[0] == 0 and r.value[0] == 29


@pytest.mark.parametrize("bad", ["KR2", "KR1", "KR0", 2, 6.5, "Manager", "KR-6"])
def test_unknown_grades_are_na(bad):
    r = leave_accrual(np.array([bad], dtype=object), "2010-01-01", "2026-03-31")
    assert r.error[0] != 0 and np.isnan(r.value[0])


@pytest.mark.parametrize(
    "value, want",
    [(10.0, 10.0), (10.40, 10.0), (10.404, 10.0), (10.405, 10.5), (10.41, 10.5),
     (10.5, 10.5), (10.59, 10.5), (10.594, 10.5), (10.595, 11.0), (10.60, 11.0), (10.99, 11.0)],
)
def test_hours_rounding_bands(value, want):  # G.1: under .4 down; .41-.59 -> .5; .6 up
    assert float(hours_rule(value)) == want


@pytest.mark.parametrize("value, want", [(13.24, 13.0), (13.25, 13.5), (13.74, 13.5), (13.75, 14.0)])
def test_nearest_half_day_quarter_rounds_up(value, want):
    assert float(round_half(value)) == want


def test_part_time_days_and_hours():
    # 18.5 h KR6 with 3 years' service, whole 2025/26 year: 27 x 18.5/37 = 13.5 days,
    # 27 x 7.4 x 0.5 = 99.9 hours -> .90 rounds up to 100.
    assert float(leave_accrual("KR6", "2022-04-01", "2026-03-31", 18.5).value) == 13.5
    assert float(leave_accrual("KR6", "2022-04-01", "2026-03-31", 18.5, unit="hours").value) == 100.0


def test_joiners_and_leavers_count_complete_calendar_days():
    # Joiner 1 October 2025: 182 days of 365 -> 27 x 182/365 = 13.46 -> 13.5.
    assert float(leave_accrual("KR6", "2025-10-01", "2026-03-31").value) == 13.5
    # Leaver 31 December 2025 with 10 years: 275 days -> 27x275/365=20.34 -> 20.5,
    # 2x275/365 = 1.51 -> 1.5: 22 days.
    r = leave_accrual("KR6", "2015-01-01", "2026-03-31", employment_end="2025-12-31")
    assert float(r.value) == 22.0
    # Accrued to date: as_of 30 September 2025 (183 days) for a KR13.
    assert float(leave_accrual("KR13", "2000-01-01", "2025-09-30").value) == round(30 * 183 / 365 * 2) / 2


def test_leap_year_leave_year_has_366_days():
    start, end = leave_year_bounds(np.array(["2023-07-15", "2024-07-15"], dtype="datetime64[D]"))
    assert (end - start).astype(int).tolist() == [366, 365]
    # 30 h KR8 (basic 29) to 15 July 2023: 106 days of 366 ->
    # 29 x 106/366 x 7.4 x 30/37 = 50.39 -> .39 down -> 50; of 365 days it would be
    # 50.53 -> 50.5.
    days = (D(2023, 7, 15) - D(2023, 4, 1)).days + 1
    assert days == 106
    assert 50.38 < 29 * days / 366 * 7.4 * 30 / 37 < 50.40
    assert 50.52 < 29 * days / 365 * 7.4 * 30 / 37 < 50.54
    r = leave_accrual("KR8", "2021-01-01", "2023-07-15", 30, unit="hours")
    assert float(r.value) == 50.0


def test_weekly_hours_outside_0_to_37_is_num():
    r = leave_accrual("KR6", "2020-01-01", "2026-03-31", np.array([0, -1, 37.5, 40, 37, 0.5]))
    assert (r.error[:4] != 0).all() and (r.error[4:] == 0).all()


# ------------------------------------------------------------------ sick pay J.2
BANDS = [  # (complete months of service, full months, half months): J.2.A table
    (0, 1, 0), (3, 1, 0), (4, 1, 2), (11, 1, 2), (12, 2, 2), (23, 2, 2),
    (24, 4, 4), (35, 4, 4), (36, 5, 5), (59, 5, 5), (60, 6, 6), (200, 6, 6),
]


@pytest.mark.parametrize("months, full, half", BANDS)
def test_sick_pay_bands_at_each_edge(months, full, half):
    absence = D(2025, 6, 10)
    exact = months_back(absence, months)  # exactly `months` complete months
    r = sick_pay(np.datetime64(exact), np.datetime64(absence), 500, 36_500)
    assert float(r.full_pay_days) == pytest.approx(full * 365 / 12)
    assert float(r.half_pay_days) == pytest.approx(half * 365 / 12)
    if months:
        # One day less service falls in the band below (DATEDIF "M").
        short = exact + dt.timedelta(days=1)
        below = sick_pay(np.datetime64(short), np.datetime64(absence), 500, 36_500)
        prev = [b for b in BANDS if b[0] <= months - 1][-1]
        assert float(below.full_pay_days) == pytest.approx(prev[1] * 365 / 12)


def test_prior_paid_days_come_off_full_pay_first():
    # 24 months' service: 4 + 4 months. 150 prior days: full 121.67 - 150 -> 0 left,
    # half 121.67 - 28.33 = 93.33 left.
    r = sick_pay("2023-06-01", "2025-06-01", 200, 36_500, prior_paid_days=150)
    assert float(r.full_pay_days) == pytest.approx(0.0)
    assert float(r.half_pay_days) == pytest.approx(8 * 365 / 12 - 150)
    assert float(r.nil_pay_days) == pytest.approx(200 - (8 * 365 / 12 - 150))


def test_temporary_short_contract_gets_ssp_only():
    r = sick_pay("2025-03-01", "2025-05-01", 10, 36_500, temporary_short=True)
    assert float(r.full_pay_days) == 0 and float(r.half_pay_days) == 0
    assert float(r.pay_gbp) == pytest.approx(7 * 118.75 / 7)  # days 4-10 at 2025/26 rate


def test_ssp_change_on_6_april_2026():
    # Before: under 4 days no SSP, waiting days; after: SSP from day 1.
    old = sick_pay("2026-01-01", "2026-04-05", 3, 36_500, temporary_short=True)
    new = sick_pay("2026-01-01", "2026-04-06", 3, 36_500, temporary_short=True)
    assert float(old.ssp_gbp) == 0.0
    assert float(new.ssp_gbp) == pytest.approx(3 * 123.25 / 7)
    # A 4-day absence from 5 April 2026 keeps the old rules: 3 waiting days, then
    # day 4 (8 April) at the new weekly rate in force that day.
    four = sick_pay("2026-01-01", "2026-04-05", 4, 36_500, temporary_short=True)
    assert float(four.ssp_gbp) == pytest.approx(123.25 / 7)


def test_ssp_rate_changes_inside_an_absence():
    # 1-10 April 2025: waiting 1-3, 4-5 April at £116.75, 6-10 April at £118.75.
    r = sick_pay("2020-01-01", "2025-04-01", 10, 36_500, temporary_short=True)
    assert float(r.ssp_gbp) == pytest.approx(2 * 116.75 / 7 + 5 * 118.75 / 7)


def test_lower_earnings_limit_before_2026_and_80_percent_after():
    weekly = 124.0  # between the 2024/25 (£123) and 2025/26 (£125) limits
    salary = weekly / 7 * 365
    in_2024 = sick_pay("2020-01-01", "2024-05-01", 10, salary, temporary_short=True)
    in_2025 = sick_pay("2020-01-01", "2025-05-01", 10, salary, temporary_short=True)
    in_2026 = sick_pay("2020-01-01", "2026-05-01", 10, salary, temporary_short=True)
    assert float(in_2024.ssp_gbp) == pytest.approx(7 * 116.75 / 7)
    assert float(in_2025.ssp_gbp) == 0.0
    assert float(in_2026.ssp_gbp) == pytest.approx(10 * min(123.25, 0.8 * weekly) / 7)


def test_ssp_stops_after_28_weeks():
    r = sick_pay("2020-01-01", "2026-05-01", 300, 60_000, temporary_short=True)
    assert float(r.ssp_gbp) == pytest.approx(196 * 123.25 / 7)
    # SSP paid inside full pay uses the 28 weeks up too (6 months full pay here).
    long = sick_pay("2000-01-01", "2026-05-01", 500, 60_000)
    assert float(long.ssp_gbp) == pytest.approx(196 * 123.25 / 7)
    full, half = 6 * 365 / 12, 6 * 365 / 12
    daily = 60_000 / 365
    half_with_ssp = 196 - full  # the first 13.5 half-pay days still carry SSP
    want = daily * full + daily / 2 * half + half_with_ssp * min(daily / 2, 123.25 / 7)
    assert float(long.pay_gbp) == pytest.approx(want)


def test_half_pay_day_is_capped_at_full_pay():
    salary = 7_300.0  # £20 a day: half pay £10 + SSP £14.08 would exceed £20
    r = sick_pay("2024-01-01", "2026-05-01", 200, salary, prior_paid_days=4 * 365 / 12)
    daily = salary / 365
    ssp_daily = min(123.25, 0.8 * daily * 7) / 7
    half_days = 4 * 365 / 12
    assert float(r.half_pay_days) == pytest.approx(half_days)
    # Nil days carry SSP only up to day 196 (28 weeks from day 1 under the 2026 rules).
    want = half_days * min(daily, daily / 2 + ssp_daily) + (196 - half_days) * ssp_daily
    assert float(r.pay_gbp) == pytest.approx(want)


# ------------------------------------------------------------------ redundancy I.2.G
@pytest.mark.parametrize(
    "age, service, multiplier, want",
    [(42, 2, 1, 2.5), (61, 20, 1, 30), (70, 30, 1, 30), (30, 1, 1, 0), (18, 2, 1, 1),
     (61, 20, 2, 52), (45, 10, 1.5, 18), (41.9, 2.9, 1, 2)],
)
def test_redundancy_examples(age, service, multiplier, want):
    assert float(redundancy_weeks(age, service, multiplier).weeks) == want


@pytest.mark.parametrize("age, service, multiplier", [(-1, 0, 1), (30, -1, 1), (30, 31, 1), (40, 10, 0.9), (40, 10, 2.1)])
def test_redundancy_errors(age, service, multiplier):
    r = redundancy_weeks(age, service, multiplier)
    assert r.error != 0 and np.isnan(r.weeks)


# ------------------------------------------------------------------ cash awards
def test_award_limits():
    r = award_ok(["A", "B", "C", "C", "C"],
                 ["2025-01-01", "2025-01-01", "2025-01-01", "2025-06-01", "2025-12-31"],
                 [500, 500.01, 500, 500, 0.01])
    assert r.ok.tolist() == [True, False, True, True, False]
    assert r.rule.tolist() == [0, 2, 0, 0, 3]


def test_rolling_window_is_after_edate_minus_12():
    # An award exactly 12 months earlier (EDATE) has left the window; one a day later
    # has not: EDATE(28 Feb 2025, -12) = 28 Feb 2024, so 29 Feb 2024 is inside.
    r = award_ok(["A"] * 3, ["2024-02-28", "2025-02-28", "2025-02-28"], [500, 400, 200])
    assert r.rolling_total_gbp.tolist() == [500, 400, 600]
    inside = award_ok(["A"] * 3, ["2024-02-29", "2025-02-28", "2025-02-28"], [500, 400, 200])
    assert inside.rolling_total_gbp.tolist() == [500, 900, 1100]
    r2 = award_ok(["A"] * 3, ["2024-03-01", "2025-02-28", "2025-02-28"], [500, 400, 200])
    assert r2.rule.tolist() == [0, 0, 3]


def test_team_rules():
    r = award_ok(["A", "B", "C", "C", "D"], ["2025-05-01"] * 5, [200, 200, 200, 50, 100],
                 team=[True, True, True, False, True], work_ref=["P1", "P1", "P1", "P1", "P2"],
                 endorsed=[True, True, True, False, False])
    # P1 team total 600 > 500: every P1 team row fails rule 2; C's individual row for
    # P1 is the same work rewarded twice (rule 4); D's team award is not endorsed (5).
    assert r.rule.tolist() == [2, 2, 2, 4, 5]


@pytest.mark.parametrize("amounts", [[218.86, 176.34, 104.80], [104.80, 176.34, 218.86], [176.34, 218.86, 104.80]])
def test_a_team_award_of_exactly_500_split_in_pennies_is_within_the_limit(amounts):
    # "no more than £500 per award": £218.86 + £176.34 + £104.80 is £500.00 exactly, in any
    # row order (a float sum in this order is 500.00000000000006).
    r = award_ok(["F1", "F2", "F3"], ["2025-05-01"] * 3, amounts, team=True, work_ref="T9", endorsed=True)
    assert r.error.tolist() == [0, 0, 0]
    assert r.rule.tolist() == [0, 0, 0] and r.ok.all()
    assert r.team_total_gbp.tolist() == [500.0] * 3
    over = award_ok(["F1", "F2", "F3"], ["2025-05-01"] * 3, [218.86, 176.34, 104.81], team=True, work_ref="T9",
                    endorsed=True)
    assert over.rule.tolist() == [2, 2, 2] and over.team_total_gbp.tolist() == [500.01] * 3


def test_other_employees_large_awards_do_not_change_an_employees_12_month_total():
    # ZZ4's awards come to exactly £1,000.00 in 12 months: within "cannot exceed £1,000",
    # whatever the other 50 employees (£999,999.99 each, sorted before ZZ4) were paid.
    others = [f"O{i}" for i in range(50)]
    mine = [0.1, 0.2, 499.7, 200, 200, 100]
    days = [f"2025-05-0{k}" for k in range(1, 7)]
    r = award_ok(others + ["ZZ4"] * 6, ["2025-05-01"] * 50 + days, [999_999.99] * 50 + mine)
    assert r.error.tolist() == [0] * 56
    assert r.ok[50:].tolist() == [True] * 6 and r.rule[:50].tolist() == [2] * 50
    assert r.rolling_total_gbp[50:].tolist() == [0.1, 0.3, 500.0, 700.0, 900.0, 1000.0]
    alone = award_ok(["ZZ4"] * 6, days, mine)
    np.testing.assert_array_equal(alone.rolling_total_gbp, r.rolling_total_gbp[50:])
    assert alone.ok.tolist() == r.ok[50:].tolist()
    penny_more = award_ok(others + ["ZZ4"] * 6, ["2025-05-01"] * 50 + days, [999_999.99] * 50 + mine[:-1] + [100.01])
    assert penny_more.rule[50:].tolist() == [0, 0, 0, 0, 0, 3]


@pytest.mark.parametrize("amount", [500.004, 0.001, 100.005, 250.5001])
def test_an_award_amount_with_a_fraction_of_a_penny_is_a_problem_row(amount):
    # Decided (docs/decisions.md): money is paid in whole pence; 500.004 is neither an award
    # of £500.00 nor one over the £500 limit, but a typing error that counts in no totals.
    r = award_ok(["A", "A"], ["2025-05-01", "2025-06-01"], [amount, 600.0])
    assert describe(r.error) == [(0, "#NUM!", "amount is not a whole number of pence")]
    assert r.rule.tolist() == [-1, 2] and np.isnan(r.rolling_total_gbp[0]) and r.rolling_total_gbp[1] == 600


@pytest.mark.parametrize("amount", [0.1 + 0.2, 218.86, 0.07, 1.15, 999_999.99, 1_000_000.0, 0.01])
def test_float_noise_in_an_award_amount_is_not_a_fraction_of_a_penny(amount):
    r = award_ok("A", "2025-05-01", amount)
    assert r.error == 0


@pytest.mark.parametrize("grade", [13, 99, 10**6, 1e18, "KR99999999999999999999"])
def test_kr13_and_above_is_open_ended_even_for_absurd_numbers(grade):
    r = leave_accrual(np.array([grade], dtype=object), "2010-01-01", "2026-03-31")
    assert r.error[0] == 0 and r.value[0] == 30
