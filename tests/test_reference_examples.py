"""Tests of the independent reference implementation (tests/reference.py) ITSELF,
against the worked examples and tables in the policy texts and RULES.md.

Expectations are computed here by hand from the policy wording (not by calling the
reference's own helpers), so these tests can fail if the reference is wrong.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import pytest

try:  # works whether or not tests/ is a package
    from tests import reference as ref
except ImportError:  # pragma: no cover
    import reference as ref  # type: ignore[no-redef]

sick_pay_row = ref.sick_pay_row
redundancy_weeks_row = ref.redundancy_weeks_row
leave_accrual_row = ref.leave_accrual_row
award_ok_log = ref.award_ok_log

APPROX = dict(rel=1e-12, abs=1e-9)


def months_before(d: date, m: int) -> date:
    """d moved back m calendar months (test-local; only used with day <= 28)."""
    total = d.year * 12 + d.month - 1 - m
    return date(total // 12, total % 12 + 1, d.day)


def days_incl(a: date, b: date) -> int:
    return (b - a).days + 1


def nearest_half(x) -> float:
    """Nearest half, quarter up (test-local, exact)."""
    x = Fraction(x)
    lo = Fraction(int(x * 2), 2)  # x >= 0 here
    return float(lo + Fraction(1, 2) if x - lo >= Fraction(1, 4) else lo)


# ===========================================================================
# Sick pay (chapter J.2, RULES.md KENT_SICKPAY)
# ===========================================================================

ABSENCE = date(2025, 6, 16)  # 2025/26 tax year, before the 2026 reform
SALARY = 36500.0             # daily rate exactly £100
DAILY = 100.0
MONTH_DAYS = 365 / 12

# Chapter J.2.A table, by complete months of service at the start of the absence.
BAND_EDGES = [
    (3, (1, 0)),   # "Up to 4 months' service": 1 month full
    (4, (1, 2)),   # "During year 1 (after 4 months' service)"
    (11, (1, 2)),
    (12, (2, 2)),  # "During year 2"
    (23, (2, 2)),
    (24, (4, 4)),  # "During year 3"
    (35, (4, 4)),
    (36, (5, 5)),  # "During year 4 & 5"
    (59, (5, 5)),
    (60, (6, 6)),  # "After year 5"
]


@pytest.mark.parametrize("months,band", BAND_EDGES)
def test_sick_pay_band_edges(months, band):
    service = months_before(ABSENCE, months)  # exactly `months` complete months
    r = sick_pay_row(service, ABSENCE, 400, SALARY)
    full, half = band
    assert r["full_days"] == pytest.approx(full * MONTH_DAYS, **APPROX)
    assert r["half_days"] == pytest.approx(half * MONTH_DAYS, **APPROX)
    assert r["nil_days"] == pytest.approx(400 - (full + half) * MONTH_DAYS, **APPROX)


@pytest.mark.parametrize("months,band", BAND_EDGES)
def test_sick_pay_band_edges_one_day_short(months, band):
    # One day later service start -> one complete month fewer (DATEDIF "M").
    service = months_before(ABSENCE, months)
    service = date(service.year, service.month, service.day + 1)
    r = sick_pay_row(service, ABSENCE, 400, SALARY)
    expected = dict(BAND_EDGES + [(2, (1, 0)), (10, (1, 2)), (22, (2, 2)),
                                  (34, (4, 4)), (58, (5, 5))])
    full, _half = expected[months - 1]
    assert r["full_days"] == pytest.approx(full * MONTH_DAYS, **APPROX)


def test_sick_pay_zero_service_gets_one_month():
    r = sick_pay_row(ABSENCE, ABSENCE, 100, SALARY)
    assert r["full_days"] == pytest.approx(MONTH_DAYS)
    assert r["half_days"] == 0


def test_sick_pay_temporary_short_is_ssp_only():
    r = sick_pay_row(date(2025, 5, 1), date(2025, 6, 2), 10, SALARY, temporary_short=True)
    assert r["full_days"] == 0 and r["half_days"] == 0
    assert r["nil_days"] == 10
    # 3 waiting days, then 7 days at £118.75/7 (2025/26)
    assert r["ssp"] == pytest.approx(118.75, **APPROX)
    assert r["pay"] == pytest.approx(118.75, **APPROX)


def test_sick_pay_full_pay_days_pay_daily_rate_with_ssp_inside():
    r = sick_pay_row(date(2010, 1, 1), date(2025, 6, 2), 10, SALARY)
    assert r["full_days"] == 10
    assert r["pay"] == pytest.approx(10 * DAILY, **APPROX)
    assert r["ssp"] == pytest.approx(7 * 118.75 / 7, **APPROX)


def test_sick_pay_half_pay_plus_ssp():
    # 5 months' service: 1 month full, 2 months half.  40 days absence from 2 June 2025.
    r = sick_pay_row(date(2025, 1, 2), date(2025, 6, 2), 40, SALARY)
    full = 365 / 12
    half = 40 - full
    daily_ssp = 118.75 / 7
    assert r["full_days"] == pytest.approx(full)
    assert r["half_days"] == pytest.approx(half)
    assert r["nil_days"] == pytest.approx(0, abs=1e-9)
    assert r["ssp"] == pytest.approx(37 * daily_ssp)
    assert r["pay"] == pytest.approx(full * DAILY + half * (DAILY / 2 + daily_ssp))


def test_sick_pay_half_pay_never_exceeds_full_pay():
    # low salary: daily/2 + daily SSP > daily, so a half day pays the daily rate
    salary = 7300.0  # daily £20, weekly £140 >= LEL
    r = sick_pay_row(date(2025, 1, 2), date(2025, 6, 2), 40, salary)
    assert r["pay"] == pytest.approx(40 * 20.0)


def test_sick_pay_prior_days_deducted_full_first():
    # 6 + 6 months allowance = 182.5 + 182.5 days; 200 prior days uses all full + 17.5 half
    r = sick_pay_row(date(2010, 1, 1), ABSENCE, 400, SALARY, prior_paid_days=200)
    assert r["full_days"] == 0
    assert r["half_days"] == pytest.approx(182.5 - 17.5)
    assert r["nil_days"] == pytest.approx(400 - 165)
    r = sick_pay_row(date(2010, 1, 1), ABSENCE, 400, SALARY, prior_paid_days=100)
    assert r["full_days"] == pytest.approx(82.5)
    assert r["half_days"] == pytest.approx(182.5)


def test_ssp_waiting_days_before_2026_reform():
    kw = dict(temporary_short=True)
    assert sick_pay_row(date(2020, 1, 1), date(2025, 6, 2), 3, SALARY, **kw)["ssp"] == 0
    assert sick_pay_row(date(2020, 1, 1), date(2025, 6, 2), 3.5, SALARY, **kw)["ssp"] == 0
    assert sick_pay_row(date(2020, 1, 1), date(2025, 6, 2), 4, SALARY, **kw)["ssp"] == \
        pytest.approx(118.75 / 7)
    # fractional last day pays the same fraction
    assert sick_pay_row(date(2020, 1, 1), date(2025, 6, 2), 4.5, SALARY, **kw)["ssp"] == \
        pytest.approx(1.5 * 118.75 / 7)


def test_ssp_from_day_one_after_2026_reform():
    kw = dict(temporary_short=True)
    assert sick_pay_row(date(2020, 1, 1), date(2026, 6, 1), 1, SALARY, **kw)["ssp"] == \
        pytest.approx(123.25 / 7)
    assert sick_pay_row(date(2020, 1, 1), date(2026, 6, 1), 3, SALARY, **kw)["ssp"] == \
        pytest.approx(3 * 123.25 / 7)
    assert sick_pay_row(date(2020, 1, 1), date(2026, 6, 1), 10, SALARY, **kw)["ssp"] == \
        pytest.approx(10 * 123.25 / 7)
    # the day before the reform: old rules (3 waiting days)
    r = sick_pay_row(date(2020, 1, 1), date(2026, 4, 5), 10, SALARY, **kw)
    assert r["ssp"] == pytest.approx(7 * 123.25 / 7)  # days 8-14 April, all at the 2026/27 rate


def test_ssp_low_earner_before_and_after_reform():
    salary = 6000.0  # weekly earnings 6000/365*7 = £115.07
    kw = dict(temporary_short=True)
    assert sick_pay_row(date(2020, 1, 1), date(2025, 6, 2), 10, salary, **kw)["ssp"] == 0
    weekly = 6000 / 365 * 7
    r = sick_pay_row(date(2020, 1, 1), date(2026, 6, 1), 10, salary, **kw)
    assert r["ssp"] == pytest.approx(10 * 0.8 * weekly / 7)
    assert r["pay"] == pytest.approx(r["ssp"])


def test_ssp_lower_earnings_limit_taken_at_absence_start():
    salary = 124 * 365 / 7  # weekly earnings exactly £124: >= £123 (2024/25), < £125 (2025/26)
    kw = dict(temporary_short=True)
    assert sick_pay_row(date(2020, 1, 1), date(2025, 4, 1), 10, salary, **kw)["ssp"] > 0
    assert sick_pay_row(date(2020, 1, 1), date(2025, 4, 7), 10, salary, **kw)["ssp"] == 0


def test_ssp_rate_changes_on_6_april_within_an_absence():
    r = sick_pay_row(date(2020, 1, 1), date(2025, 4, 1), 10, SALARY, temporary_short=True)
    # SSP days 4..10 April: 4, 5 April at £116.75; 6..10 April at £118.75
    assert r["ssp"] == pytest.approx((2 * 116.75 + 5 * 118.75) / 7)
    r = sick_pay_row(date(2020, 1, 1), date(2023, 4, 1), 10, SALARY, temporary_short=True)
    assert r["ssp"] == pytest.approx((2 * 99.35 + 5 * 109.40) / 7)


def test_ssp_196_day_cap():
    kw = dict(temporary_short=True)
    # before reform: SSP days are absence days 4..199 (196 days), all at £118.75 in 2025/26
    r = sick_pay_row(date(2020, 1, 1), date(2025, 5, 1), 300, SALARY, **kw)
    assert r["ssp"] == pytest.approx(28 * 118.75)
    r = sick_pay_row(date(2020, 1, 1), date(2025, 5, 1), 198, SALARY, **kw)
    assert r["ssp"] == pytest.approx(195 * 118.75 / 7)
    # after reform: days 1..196
    r = sick_pay_row(date(2020, 1, 1), date(2026, 5, 1), 300, SALARY, **kw)
    assert r["ssp"] == pytest.approx(28 * 123.25)


def test_ssp_inside_full_pay_uses_up_the_196_days():
    salary = 30000.0
    r = sick_pay_row(date(2010, 1, 1), date(2026, 5, 1), 400, salary)
    daily = salary / 365
    daily_ssp = 123.25 / 7
    assert r["full_days"] == pytest.approx(182.5)
    assert r["half_days"] == pytest.approx(182.5)
    assert r["nil_days"] == pytest.approx(35)
    assert r["ssp"] == pytest.approx(196 * daily_ssp)
    half_with_ssp = 196 - 182.5
    expected = (182.5 * daily + half_with_ssp * (daily / 2 + daily_ssp)
                + (182.5 - half_with_ssp) * daily / 2)
    assert r["pay"] == pytest.approx(expected)


def test_sick_pay_accepts_datetime():
    r1 = sick_pay_row(datetime(2010, 1, 1, 9, 30), datetime(2025, 6, 2, 17, 0), 10, SALARY)
    r2 = sick_pay_row(date(2010, 1, 1), date(2025, 6, 2), 10, SALARY)
    assert r1 == r2


@pytest.mark.parametrize("args,kw", [
    ((date(2025, 7, 1), date(2025, 6, 2), 10, SALARY), {}),        # service after absence
    ((date(2020, 1, 1), date(2025, 6, 2), 0.5, SALARY), {}),       # under 1 day
    ((date(2020, 1, 1), date(2025, 6, 2), 10, 0.0), {}),           # salary 0
    ((date(2020, 1, 1), date(2025, 6, 2), 10, -1.0), {}),
    ((date(2020, 1, 1), date(2025, 6, 2), 10, SALARY), {"prior_paid_days": -1}),
    ((None, date(2025, 6, 2), 10, SALARY), {}),
    ((date(2020, 1, 1), "2025-06-02", 10, SALARY), {}),
    ((date(2020, 1, 1), date(2025, 6, 2), "10", SALARY), {}),
    ((date(2020, 1, 1), date(2025, 6, 2), float("nan"), SALARY), {}),
    ((date(2020, 1, 1), date(2022, 3, 1), 10, SALARY), {}),        # no SSP data before 6/4/2022
])
def test_sick_pay_errors(args, kw):
    with pytest.raises(ValueError):
        sick_pay_row(*args, **kw)


# ===========================================================================
# Redundancy (chapter I.2.G, Appendix 2)
# ===========================================================================

def test_redundancy_worked_examples():
    assert redundancy_weeks_row(42, 2) == 2.5        # RULES.md: 1.5 + 1
    assert redundancy_weeks_row(61, 20) == 30        # Appendix 2 bottom-right cell
    assert redundancy_weeks_row(18, 2) == 1
    assert redundancy_weeks_row(42.9, 2.99) == 2.5   # fractions floored
    assert redundancy_weeks_row(40, 1) == 0          # under 2 years
    assert redundancy_weeks_row(40, 1.99) == 0


def test_redundancy_multiplier_and_52_week_cap():
    # chapter I.2.G: "can be doubled, up to a maximum of 52 weeks"
    assert redundancy_weeks_row(61, 20, 1.5) == 45
    assert redundancy_weeks_row(61, 20, 2) == 52
    assert redundancy_weeks_row(42, 2, 2) == 5


def test_redundancy_ages_above_61_use_the_61_row():
    # Appendix 2 note [2]
    for age in range(62, 81):
        for service in range(2, 21):
            assert redundancy_weeks_row(age, service) == redundancy_weeks_row(61, service)


def test_redundancy_service_beyond_20_counts_as_20():
    assert redundancy_weeks_row(64, 25) == 30
    assert redundancy_weeks_row(50, 30) == redundancy_weeks_row(50, 20)


@pytest.mark.parametrize("args", [(-1, 0), (30, -1), (20, 21), (40, 5, 0.5), (40, 5, 2.5),
                                  (None, 5), ("40", 5), (40, None)])
def test_redundancy_errors(args):
    with pytest.raises(ValueError):
        redundancy_weeks_row(*args)


POLICY_FILE = "002_bd61f1b72b7b3c49.txt"


def _policy_path():
    candidates = [
        Path(__file__).resolve().parents[2] / "shared" / "policy" / POLICY_FILE,
        Path("/work/shared/policy") / POLICY_FILE,
    ]
    for p in candidates:
        if p.is_file():
            return p
    return None


def _parse_weeks(cell: str) -> Fraction:
    cell = cell.strip()
    if cell.endswith("\u00bd"):
        whole = cell[:-1]
        return Fraction(int(whole) if whole else 0) + Fraction(1, 2)
    return Fraction(int(cell))


def parse_appendix2(text: str):
    """{(age, service): weeks} for every filled cell of the Appendix 2 ready reckoner."""
    start = text.index("Ready Reckoner for Calculating the Number of Weeks Redundancy Pay Due")
    lines = text[start:].splitlines()
    header_i = next(i for i, ln in enumerate(lines) if ln.startswith("Age (yrs)"))
    header = lines[header_i].split("\t")
    services = [int(h) for h in header[1:] if h.strip()]
    cells = {}
    ages_seen = []
    for ln in lines[header_i + 1:]:
        if not ln.strip():
            break
        parts = ln.split("\t")
        m = re.match(r"^(\d+)\s*(\*\s*\[\d\])?$", parts[0].strip())
        assert m, f"unexpected row label {parts[0]!r}"
        age = int(m.group(1))
        ages_seen.append(age)
        for service, cell in zip(services, parts[1:], strict=False):
            if cell.strip():
                cells[(age, service)] = _parse_weeks(cell)
    return services, ages_seen, cells


def test_appendix2_ready_reckoner_every_cell():
    path = _policy_path()
    if path is None:
        pytest.skip(f"policy text {POLICY_FILE} not found (looked in ../../shared/policy "
                    "and /work/shared/policy)")
    services, ages, cells = parse_appendix2(path.read_text(encoding="utf-8"))
    assert services == list(range(2, 21))
    assert ages == list(range(18, 62))
    assert len(cells) == 665
    bad = {k: (float(v), redundancy_weeks_row(*k)) for k, v in cells.items()
           if redundancy_weeks_row(*k) != float(v)}
    assert not bad, f"cells differing from the ready reckoner: {bad}"
    # and the table is triangular: a cell is filled iff service <= age - 16
    for age in ages:
        for s in services:
            assert ((age, s) in cells) == (s <= age - 16)


# ===========================================================================
# Annual leave (chapter G.1, G.2)
# ===========================================================================

RECENT = date(2023, 1, 1)   # uplift not before 2028
LONG = date(2000, 1, 1)     # uplift long ago

TABLE = [
    ("KR Entry", 27, 29), ("Apprentice", 27, 29), ("KR3", 27, 29), ("KR7", 27, 29),
    ("KR8", 29, 30), ("KR12", 29, 30), ("KR13", 30, 30), ("KR20", 30, 30),
]


@pytest.mark.parametrize("grade,basic,after5", TABLE)
@pytest.mark.parametrize("as_of", [date(2025, 3, 31), date(2024, 3, 31)])  # 365- and 366-day years
def test_full_year_gives_table(grade, basic, after5, as_of):
    assert leave_accrual_row(grade, RECENT if as_of.year == 2025 else date(2022, 6, 1),
                             as_of) == basic
    assert leave_accrual_row(grade, LONG, as_of) == after5
    assert leave_accrual_row(grade, LONG, as_of, unit="hours") == pytest.approx(after5 * 7.4)


@pytest.mark.parametrize("grade", ["KR6", "kr 6", "KR 6", " kr6 ", 6, 6.0, "6", "KR Entry",
                                   "kr entry", "KRENTRY", "Apprentice", "APPRENTICE", "KR3"])
def test_grade_forms(grade):
    assert leave_accrual_row(grade, RECENT, date(2025, 3, 31)) == 27


@pytest.mark.parametrize("grade", ["KR1", "KR2", 0, 2, "X", 6.5, None, "", True, "KR", "KR-6"])
def test_grade_errors(grade):
    with pytest.raises(ValueError):
        leave_accrual_row(grade, RECENT, date(2025, 3, 31))


def test_uplift_start_15_june_gives_1_july():
    assert ref.uplift_start(date(2019, 6, 15)) == date(2024, 7, 1)
    assert ref.uplift_start(date(2019, 6, 1)) == date(2024, 7, 1)
    assert ref.uplift_start(date(2019, 6, 30)) == date(2024, 7, 1)
    assert ref.uplift_start(date(2019, 12, 31)) == date(2025, 1, 1)
    assert ref.uplift_start(date(2020, 2, 29)) == date(2025, 3, 1)


def test_uplift_from_first_of_next_month_in_accrual():
    # KR3, fifth anniversary 15 June 2024 -> uplift from 1 July 2024; leave year 2024/25 (365 d).
    # Part-time 36 h in hours: unrounded days * 7.4 * 36/37, by the hours rule.
    days_up = days_incl(date(2024, 7, 1), date(2025, 3, 31))
    assert days_up == 274
    value = (27 + Fraction(2 * days_up, 365)) * Fraction(74, 10) * 36 / 37   # 205.2099...
    assert 205.2 < value < 205.3         # .21 -> rounds down
    got = leave_accrual_row("KR3", date(2019, 6, 15), date(2025, 3, 31), 36, unit="hours")
    assert got == 205.0
    # Had the uplift started on the anniversary (15 June), it would be 205.84 -> 206.
    # relief: the after-5 rate applies from 1 July 2024, not 15 or 30 June.
    kw = dict(unit="relief")
    assert leave_accrual_row("KR3", date(2019, 6, 15), date(2024, 6, 30), 20, **kw) == 3.0
    assert leave_accrual_row("KR3", date(2019, 6, 15), date(2024, 7, 1), 20, **kw) == 3.5


def test_part_year_joiner_and_leaver_round_to_half_day():
    # joiner 1 October 2024: 182 days of 365
    got = leave_accrual_row("KR5", date(2024, 10, 1), date(2025, 3, 31))
    assert got == nearest_half(Fraction(27 * 182, 365)) == 13.5
    # leaver 30 June 2024 (service since 2023): 91 days
    got = leave_accrual_row("KR5", RECENT, date(2025, 3, 31), employment_end=date(2024, 6, 30))
    assert got == nearest_half(Fraction(27 * 91, 365)) == 6.5
    # as_of part way through the year counts days to as_of
    got = leave_accrual_row("KR5", RECENT, date(2024, 9, 30))
    assert got == nearest_half(Fraction(27 * 183, 365)) == 13.5


def test_two_components_rounded_separately_full_time():
    # KR3 service 15 June 2019: 27 + round_half(2 * 274/365 = 1.501) = 28.5
    assert leave_accrual_row("KR3", date(2019, 6, 15), date(2025, 3, 31)) == 28.5
    assert leave_accrual_row("KR3", date(2019, 6, 15), date(2025, 3, 31), unit="hours") == \
        pytest.approx(28.5 * 7.4)


def test_part_time():
    # half-time, basic 27, full year: 13.5 days; 99.9 hours -> .90 rounds up -> 100
    assert leave_accrual_row("KR5", RECENT, date(2025, 3, 31), 18.5) == 13.5
    assert leave_accrual_row("KR5", RECENT, date(2025, 3, 31), 18.5, unit="hours") == 100.0
    # after 5 years: 29 * 18.5/37 = 14.5 days; 29 * 3.7 = 107.3 hours -> .30 rounds down
    assert leave_accrual_row("KR5", LONG, date(2025, 3, 31), 18.5) == 14.5
    assert leave_accrual_row("KR5", LONG, date(2025, 3, 31), 18.5, unit="hours") == 107.0


def test_part_time_days_round_the_total_not_the_parts():
    # KR3, uplift from 1 July 2024 (274 days of 365), 36 h/week:
    # (27 + 2*274/365) * 36/37 = 27.73 -> 27.5  (rounding the parts would give 26.5 + 1.5 = 28)
    value = (27 + Fraction(2 * 274, 365)) * Fraction(36, 37)
    assert nearest_half(value) == 27.5
    assert leave_accrual_row("KR3", date(2019, 6, 15), date(2025, 3, 31), 36) == 27.5


def test_uplift_day_itself_counts():
    # service 10 March 2020 -> uplift from 1 April 2025; as_of 1 April 2025: 1 day, 1 uplift day.
    # 25.5 h/week in hours: (27 + 2) / 365 * 7.4 * 25.5 / 37 = 0.4052 -> .41 -> 0.5 hours
    # (without the uplift day: 27/365 * 5.1 = 0.377 -> 0).
    assert Fraction(29, 365) * Fraction(74, 10) * Fraction(255, 10) / 37 > Fraction(405, 1000)
    got = leave_accrual_row("KR3", date(2020, 3, 10), date(2025, 4, 1), 25.5, unit="hours")
    assert got == 0.5


def test_no_overlap_is_zero():
    assert leave_accrual_row("KR5", RECENT, date(2025, 3, 31), employment_start=date(2025, 4, 1),
                             employment_end=date(2025, 5, 1)) == 0
    assert leave_accrual_row("KR5", date(2020, 1, 1), date(2025, 3, 31),
                             employment_end=date(2024, 3, 31)) == 0
    assert leave_accrual_row("KR5", date(2025, 1, 10), date(2024, 12, 31)) == 0


def test_casual_worked_example():
    # chapter G.2.I: 0.121 x 20 = 2.42 hours (not rounded)
    assert leave_accrual_row(None, None, date(2025, 1, 31), 20, unit="casual") == \
        pytest.approx(2.42, abs=1e-12)
    assert leave_accrual_row("KR6", date(2020, 1, 1), date(2025, 1, 31), 0, unit="casual") == 0
    assert leave_accrual_row(None, None, date(2025, 1, 31), 160, unit="casual") == \
        pytest.approx(19.36, abs=1e-12)


def test_relief_worked_example():
    # chapter G.2.J: 20 h x 0.1607 = 3.214 -> 3 hours
    assert leave_accrual_row("KR5", RECENT, date(2025, 1, 31), 20, unit="relief") == 3.0
    # 29 days (KR8 basic): 3.424 -> 3.5; 30 days (KR8 after 5 / KR13): 3.53 -> 3.5
    assert leave_accrual_row("KR8", RECENT, date(2025, 1, 31), 20, unit="relief") == 3.5
    assert leave_accrual_row("KR8", LONG, date(2025, 1, 31), 20, unit="relief") == 3.5
    # KR3 after 5 years (29 days): 100 h x 0.1712 = 17.12 -> 17
    assert leave_accrual_row("KR3", LONG, date(2025, 1, 31), 100, unit="relief") == 17.0
    # KR13 (30): 100 h x 0.1765 = 17.65 -> 18
    assert leave_accrual_row("KR13", RECENT, date(2025, 1, 31), 100, unit="relief") == 18.0


@pytest.mark.parametrize("value,expected", [
    (3.40, 3.0), (3.41, 3.5), (3.59, 3.5), (3.60, 4.0), (3.0, 3.0), (3.99, 4.0),
    (3.404, 3.0),   # 3.40 to 2 decimals -> down
    (3.405, 3.5),   # 3.41 to 2 decimals (half up) -> .5
    (3.595, 4.0),   # 3.60 -> up
    (0.40, 0.0), (0.41, 0.5),
])
def test_hours_rule_bands(value, expected):
    assert float(ref.hours_rule(value)) == expected


@pytest.mark.parametrize("value,expected", [
    (0.25, 0.5), (0.24, 0.0), (0.75, 1.0), (0.74, 0.5), (1.74, 1.5), (13.463, 13.5),
])
def test_round_half(value, expected):
    assert float(ref.round_half(value)) == expected


@pytest.mark.parametrize("kw", [
    dict(weekly_hours=0), dict(weekly_hours=37.5), dict(weekly_hours=-5),
    dict(unit="weeks"), dict(employment_end=date(2022, 12, 31)),
    dict(employment_start=date(2024, 5, 1), employment_end=date(2024, 4, 30)),
])
def test_leave_errors(kw):
    with pytest.raises(ValueError):
        leave_accrual_row("KR5", RECENT, date(2025, 3, 31), **kw)


def test_leave_errors_casual_relief():
    with pytest.raises(ValueError):
        leave_accrual_row(None, None, date(2025, 1, 31), -1, unit="casual")
    with pytest.raises(ValueError):
        leave_accrual_row("KR5", RECENT, date(2025, 1, 31), -1, unit="relief")
    with pytest.raises(ValueError):
        leave_accrual_row("KR1", RECENT, date(2025, 1, 31), 20, unit="relief")
    with pytest.raises(ValueError):
        leave_accrual_row(None, RECENT, date(2025, 3, 31))


# ===========================================================================
# Cash awards (policy 000)
# ===========================================================================

def row(emp, d, amount, kind=None, work_ref=None, endorsed=False, ineligible=False):
    return dict(employee_id=emp, award_date=d, amount=amount, kind=kind, work_ref=work_ref,
                endorsed=endorsed, ineligible=ineligible)


def test_award_500_limit_individual():
    assert award_ok_log([row("A", date(2025, 1, 1), 500)]) == [(True, 0)]
    assert award_ok_log([row("A", date(2025, 1, 1), 500.01)]) == [(False, 2)]


def test_award_500_limit_team_summed_over_the_work():
    log = [row("A", date(2025, 1, 1), 250, "team", "P1", True),
           row("B", date(2025, 1, 1), 250, "team", "P1", True)]
    assert award_ok_log(log) == [(True, 0), (True, 0)]
    log[1]["amount"] = 251
    assert award_ok_log(log) == [(False, 2), (False, 2)]
    # blank work ref: each team row judged on its own amount
    log = [row("A", date(2025, 1, 1), 300, "team", None, True),
           row("B", date(2025, 1, 1), 300, "team", "", True)]
    assert award_ok_log(log) == [(True, 0), (True, 0)]


def test_award_1000_rolling_limit():
    log = [row("A", date(2024, 1, 10), 500),
           row("A", date(2024, 6, 10), 500),
           row("A", date(2024, 12, 10), 0.01),
           row("A", date(2025, 1, 10), 100),   # window after 10/1/2024: 500 + .01 + 100
           row("B", date(2024, 12, 10), 400)]
    assert award_ok_log(log) == [(True, 0), (True, 0), (False, 3), (True, 0), (True, 0)]


def test_award_rolling_same_date_in_row_order():
    d = date(2025, 3, 3)
    assert award_ok_log([row("A", d, 500), row("A", d, 500), row("A", d, 1)]) == \
        [(True, 0), (True, 0), (False, 3)]
    assert award_ok_log([row("A", d, 1), row("A", d, 500), row("A", d, 500)]) == \
        [(True, 0), (True, 0), (False, 3)]


def test_award_rolling_leap_day():
    log = [row("A", date(2024, 2, 29), 500),
           row("A", date(2024, 6, 1), 500),
           row("A", date(2025, 2, 28), 1),    # EDATE -12 = 28/2/2024: 29/2 counts -> 1001
           row("A", date(2025, 3, 1), 1)]     # EDATE -12 = 1/3/2024: 500 + 1 + 1
    assert award_ok_log(log) == [(True, 0), (True, 0), (False, 3), (True, 0)]
    assert ref.edate(date(2024, 2, 29), -12) == date(2023, 2, 28)


def test_award_exactly_one_year_earlier_drops_out():
    log = [row("A", date(2024, 5, 1), 500), row("A", date(2024, 9, 1), 500),
           row("A", date(2025, 5, 1), 1)]
    assert award_ok_log(log) == [(True, 0), (True, 0), (True, 0)]


def test_award_rule_order_and_rules_1_4_5():
    log = [row("A", date(2025, 1, 1), 600, ineligible=True),             # 1 before 2
           row("B", date(2025, 1, 1), 100, "team", "W", True),           # 4
           row("B", date(2025, 1, 2), 100, "individual", "W"),           # 4
           row("C", date(2025, 1, 1), 100, "team", "W", True),           # ok
           row("D", date(2025, 1, 1), 100, "team", "X", False),          # 5
           row("E", date(2025, 1, 1), 100, "Team", "Y", None)]           # 5
    assert award_ok_log(log) == [(False, 1), (False, 4), (False, 4), (True, 0),
                                 (False, 5), (False, 5)]


def test_award_not_ok_rows_still_count_towards_rolling():
    log = [row("A", date(2025, 1, 1), 600, ineligible=True),
           row("A", date(2025, 2, 1), 450)]
    assert award_ok_log(log) == [(False, 1), (False, 3)]


def test_award_invalid_rows():
    log = [row("A", date(2025, 1, 1), None),
           row("A", date(2025, 1, 1), 0),
           row("A", date(2025, 1, 1), -5),
           row(None, date(2025, 1, 1), 100),
           row("", date(2025, 1, 1), 100),
           row("A", None, 900),
           row("A", date(2025, 1, 1), "900"),
           row("A", date(2025, 1, 2), 500),
           row("A", date(2025, 1, 3), 500)]
    assert award_ok_log(log) == [(False, -1)] * 7 + [(True, 0), (True, 0)]


def test_award_single_row():
    assert award_ok_log([row("A", date(2025, 1, 1), 100, "team", "W", True)]) == [(True, 0)]
    assert award_ok_log([]) == []
