"""KENT_SICKPAY_LOG's core, ``xl_kent.sick_pay_log.sick_pay_log``: every clause of RULES.md's
KENT_SICKPAY_LOG section, the chapter J examples that apply to an absence record, the slow
independent reference (``tests/reference.py``) over random records, and properties.

Expected values are worked out here from the policy wording and RULES.md, with the policy's
own numbers typed in as test data, never read back from the code.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import reference as ref
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xl_kent.errors import describe, excel_error, reason_text
from xl_kent.sick_pay import sick_pay
from xl_kent.sick_pay_log import OUTPUTS, sick_pay_log

D = dt.date
DAY = dt.timedelta(days=1)
FIELDS = ("full_pay_days", "half_pay_days", "nil_pay_days", "ssp_gbp", "pay_gbp", "prior_paid_days",
          "ssp_days_left")
OVERLAP = "overlaps another absence of the same employee"
MONTH = 365 / 12  # one month of sick pay in calendar days (B.2.D; RULES.md)
SSP_2025 = 118.75 / 7  # daily SSP, 6 April 2025 to 5 April 2026
SSP_2026 = 123.25 / 7  # daily SSP from 6 April 2026


def d64(values):
    return np.array(values, dtype="datetime64[D]")


def log(rows, output="pay", **kw):
    """A record from ``(id, first, last[, service_start, salary, temporary_short])`` tuples."""
    full = [tuple(r) + (D(2015, 1, 1), 36_500.0, False)[len(r) - 3:] for r in rows]
    ids = np.array([r[0] for r in full], dtype=object)
    return sick_pay_log(ids, d64([r[1] for r in full]), d64([r[2] for r in full]), d64([r[3] for r in full]),
                        np.array([r[4] for r in full], dtype=float), np.array([r[5] for r in full]),
                        output=output, **kw)


def reasons(r):
    return [reason_text(c) for c in np.asarray(r.error).reshape(-1)]


# ------------------------------------------------------------------ the record itself
def test_rows_in_any_order_are_taken_in_order_of_first_day():
    rows = [("E", D(2025, 5, 1), D(2025, 5, 10)), ("E", D(2025, 1, 6), D(2025, 1, 20)),
            ("E", D(2025, 9, 1), D(2025, 9, 3))]
    r = log(rows)
    # 15 paid days in January, then 10 in May: the rolling years see 0, 15 and 25.
    assert r.prior_paid_days.tolist() == [15.0, 0.0, 25.0]
    assert r.full_pay_days.tolist() == [10.0, 15.0, 3.0]


def test_absence_days_are_last_minus_first_plus_one():
    r = log([("E", D(2025, 5, 1), D(2025, 5, 1)), ("F", D(2025, 5, 1), D(2025, 5, 31))], output="full_days")
    assert r.value.tolist() == [1.0, 31.0]
    assert (r.full_pay_days + r.half_pay_days + r.nil_pay_days).tolist() == [1.0, 31.0]


@pytest.mark.parametrize("other", ["1001", " 1001 ", 1001.0, np.int64(1001)])
def test_ids_match_trimmed_and_as_numbers(other):
    r = sick_pay_log(np.array([1001, other], dtype=object), d64(["2025-01-06", "2025-03-03"]),
                     d64(["2025-01-15", "2025-03-04"]), "2015-01-01", 36_500)
    assert r.prior_paid_days.tolist() == [0.0, 10.0]


def test_text_ids_match_ignoring_case_and_spaces():
    r = sick_pay_log(["Ab-7", " aB-7", "AB-7 ", "ab-8"], d64(["2025-01-06", "2025-03-03", "2025-04-01",
                                                           "2025-04-01"]),
                     d64(["2025-01-15", "2025-03-04", "2025-04-01", "2025-04-01"]), "2015-01-01", 36_500)
    assert r.prior_paid_days.tolist() == [0.0, 10.0, 12.0, 0.0]


def test_salary_service_and_temporary_short_are_per_row():
    rows = [("E", D(2025, 1, 6), D(2025, 1, 15), D(2024, 12, 1), 36_500.0, False),  # 1 month full pay
            ("E", D(2025, 2, 3), D(2025, 3, 14), D(2024, 12, 1), 73_000.0, False),
            ("E", D(2025, 4, 7), D(2025, 4, 10), D(2024, 12, 1), 36_500.0, True)]
    r = log(rows)
    # Second absence: 30.42 - 10 = 20.42 days at full pay (of £200 a day), the rest nil + SSP.
    assert r.full_pay_days[1] == pytest.approx(MONTH - 10)
    assert r.half_pay_days[1] == 0.0  # under 4 months' service: no half pay
    assert r.pay_gbp[0] == pytest.approx(1000.0)
    assert r.full_pay_days[2] == 0.0 and r.half_pay_days[2] == 0.0  # temporary: SSP only


# ------------------------------------------------------------------ errors
def test_overlapping_absences_are_both_errors_and_the_rest_unaffected():
    rows = [("E", D(2025, 1, 6), D(2025, 1, 20)), ("E", D(2025, 1, 20), D(2025, 1, 25)),
            ("E", D(2025, 3, 3), D(2025, 3, 7)), ("F", D(2025, 1, 10), D(2025, 1, 12))]
    r = log(rows)
    assert reasons(r)[:2] == [OVERLAP, OVERLAP] and r.error[2] == 0 and r.error[3] == 0
    assert excel_error(r.error[0]) == "#VALUE!"
    assert np.isnan(r.pay_gbp[:2]).all()
    alone = log(rows[2:])
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(r, f)[2:], getattr(alone, f))


def test_same_first_day_is_an_overlap_both_rows():
    r = log([("E", D(2025, 1, 6), D(2025, 1, 6)), ("e", D(2025, 1, 6), D(2025, 1, 9))])
    assert reasons(r) == [OVERLAP, OVERLAP]


def test_a_long_absence_overlaps_one_that_is_not_next_to_it():
    rows = [("E", D(2025, 1, 1), D(2025, 3, 31)), ("E", D(2025, 2, 1), D(2025, 2, 2)),
            ("E", D(2025, 3, 1), D(2025, 3, 2)), ("E", D(2025, 5, 1), D(2025, 5, 2))]
    r = log(rows)
    assert reasons(r) == [OVERLAP, OVERLAP, OVERLAP, ""]


def test_touching_absences_do_not_overlap():
    r = log([("E", D(2025, 1, 6), D(2025, 1, 10)), ("E", D(2025, 1, 11), D(2025, 1, 12))])
    assert r.error.tolist() == [0, 0]
    assert r.prior_paid_days.tolist() == [0.0, 5.0]


@pytest.mark.parametrize("row, words", [
    ((None, "2025-03-03", "2025-03-04", "2015-01-01", 36_500.0), "employee id is blank"),
    (("  ", "2025-03-03", "2025-03-04", "2015-01-01", 36_500.0), "employee id is blank"),
    (("E", None, "2025-03-04", "2015-01-01", 36_500.0), "first_day is blank or not a date"),
    (("E", "2025-03-03", None, "2015-01-01", 36_500.0), "last_day is blank or not a date"),
    (("E", "2025-03-03", "2025-03-02", "2015-01-01", 36_500.0), "last_day is before first_day"),
    (("E", "2025-03-03", "2025-03-04", None, 36_500.0), "service_start is blank or not a date"),
    (("E", "2025-03-03", "2025-03-04", "2015-01-01", np.nan), "annual_salary is blank or not a number"),
    (("E", "2025-03-03", "2025-03-04", "2025-03-04", 36_500.0), "service_start is after absence_start"),
    (("E", "2025-03-03", "2025-03-04", "2015-01-01", 0.0), "annual_salary is not above 0"),
    (("E", "2021-03-03", "2021-03-04", "2015-01-01", 36_500.0),
     "no sick pay or SSP rules are in force on absence_start"),
])
def test_a_bad_row_is_an_error_and_takes_no_part(row, words):
    ids = np.array(["E", row[0]], dtype=object)
    r = sick_pay_log(ids, d64(["2025-01-06", row[1]]), d64(["2025-01-15", row[2]]),
                     d64(["2015-01-01", row[3]]), np.array([36_500.0, row[4]]))
    assert reasons(r)[1] == words
    assert np.isnan([getattr(r, f)[1] for f in FIELDS]).all() and np.isnan(r.value[1])
    # The good row is what it is alone.
    alone = sick_pay_log("E", "2025-01-06", "2025-01-15", "2015-01-01", 36_500)
    for f in FIELDS:
        assert getattr(r, f)[0] == getattr(alone, f)


def test_a_bad_row_neither_makes_nor_breaks_a_link_nor_adds_paid_days():
    good = [("E", D(2025, 1, 6), D(2025, 1, 31)), ("E", D(2025, 4, 28), D(2025, 5, 9))]
    bad = ("E", D(2025, 3, 1), D(2025, 3, 20), D(2025, 3, 5))  # service after its first day
    r = log(good[:1] + [bad] + good[1:])
    alone = log(good)
    assert r.error[1] != 0
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(r, f)[[0, 2]], getattr(alone, f))
    # Without the bad row the two are 86 days apart: not linked, 3 new waiting days.
    assert alone.ssp_gbp[1] == pytest.approx(9 * SSP_2025)


def test_sick_pay_errors_of_the_row_itself_such_as_plausibility():
    # 3,661 days (above the 3,660 of KENT_SICKPAY), and a salary above £10,000,000.
    r = log([("E", D(2022, 4, 6), D(2032, 4, 13)), ("E", D(2033, 3, 3), D(2033, 3, 4), D(2010, 1, 1), 2e7)])
    assert (D(2032, 4, 13) - D(2022, 4, 6)).days + 1 == 3_661
    assert [excel_error(c) for c in r.error] == ["#NUM!", "#NUM!"]


@pytest.mark.parametrize("output", ["Pay ", "FULL_DAYS", "ssp_days_left", "prior_paid_days"])
def test_output_choices(output):
    rows = [("E", D(2025, 1, 6), D(2025, 1, 15)), ("E", D(2025, 2, 3), D(2025, 2, 9))]
    r = log(rows, output=output)
    field = FIELDS[OUTPUTS.index(output.strip().lower())]
    np.testing.assert_array_equal(r.value, getattr(r, field))


def test_an_unknown_output_is_an_error_for_its_row_only():
    rows = [("E", D(2025, 1, 6), D(2025, 1, 15)), ("E", D(2025, 2, 3), D(2025, 2, 9))]
    r = log(rows, output=np.array(["days", "full_days"]))
    assert excel_error(r.error[0]) == "#VALUE!" and reason_text(r.error[0]).startswith("output is not one of")
    assert np.isnan(r.value[0])
    assert r.value[1] == 7.0 and r.prior_paid_days[1] == 10.0  # the first row still counted


def test_single_values_broadcast_and_shapes():
    one = sick_pay_log("E", "2025-05-01", "2025-05-10", "2015-01-01", 36_500)
    assert one.value.shape == () and float(one.value) == 1000.0
    col = sick_pay_log("E", d64(["2025-05-01", "2025-07-01"]), d64(["2025-05-10", "2025-07-02"]),
                       "2015-01-01", 36_500)
    assert col.value.shape == (2,) and col.prior_paid_days.tolist() == [0.0, 10.0]
    empty = sick_pay_log(np.array([], dtype=object), d64([]), d64([]), d64([]), np.array([]))
    assert empty.value.shape == (0,)


# ------------------------------------------------------------------ the rolling year (J.2.A)
@pytest.mark.parametrize("first, earlier_last, counted", [
    # The window is EDATE(first, -12) up to first - 1: an earlier paid day on EDATE(first, -12)
    # counts, the day before does not.
    (D(2025, 6, 10), D(2024, 6, 10), 1.0),
    (D(2025, 6, 10), D(2024, 6, 9), 0.0),
    # EDATE(29 Feb 2028, -12) = 28 Feb 2027; EDATE(28 Feb 2025, -12) = 28 Feb 2024, so
    # 29 Feb 2024 is inside that window; EDATE(29 Feb 2024, -12) = 28 Feb 2023.
    (D(2028, 2, 29), D(2027, 2, 28), 1.0),
    (D(2028, 2, 29), D(2027, 2, 27), 0.0),
    (D(2025, 2, 28), D(2024, 2, 28), 1.0),
    (D(2025, 2, 28), D(2024, 2, 27), 0.0),
    (D(2024, 2, 29), D(2023, 2, 28), 1.0),
    (D(2024, 2, 29), D(2023, 2, 27), 0.0),
    (D(2025, 3, 1), D(2024, 2, 29), 0.0),  # EDATE(1 March 2025, -12) = 1 March 2024
])
def test_rolling_year_is_edate_minus_12_to_the_day_before(first, earlier_last, counted):
    r = log([("E", earlier_last - 9 * DAY, earlier_last), ("E", first, first + 4 * DAY)])
    assert r.prior_paid_days[1] == counted


def test_only_paid_days_count_and_full_pay_comes_first():
    # 4 months' service (4 <= m < 12): 1 month full + 2 months half = 91.25 paid days.
    rows = [("E", D(2025, 5, 5), D(2025, 9, 30), D(2025, 1, 1)), ("E", D(2025, 11, 3), D(2025, 11, 7), D(2025, 1, 1))]
    r = log(rows)
    assert r.full_pay_days[0] == pytest.approx(MONTH) and r.half_pay_days[0] == pytest.approx(2 * MONTH)
    assert r.nil_pay_days[0] == pytest.approx(149 - 3 * MONTH)
    assert r.prior_paid_days[1] == pytest.approx(3 * MONTH)  # the nil days do not count
    # All used up (to float noise: 91.25 - 30.42 - 60.83; the Excel layer rounds days to 10 places).
    assert r.full_pay_days[1] == 0.0 and r.half_pay_days[1] == pytest.approx(0.0, abs=1e-9)


def test_a_part_day_counts_by_its_fraction():
    # 1 month full pay (30.4167 days) under 4 months' service; its 31st day is paid for 0.4167.
    # A window that starts on that day sees just the fraction.
    first_abs = D(2025, 1, 6)
    last_paid_day = first_abs + 30 * DAY  # 5 Feb 2025
    nxt = D(2026, 2, 5)  # EDATE(5 Feb 2026, -12) = 5 Feb 2025
    r = log([("E", first_abs, D(2025, 2, 20), D(2024, 11, 1)), ("E", nxt, nxt + DAY, D(2024, 11, 1))])
    assert r.full_pay_days[0] == pytest.approx(MONTH)
    assert r.prior_paid_days[1] == pytest.approx(MONTH - 30)
    assert last_paid_day == D(2025, 2, 5)
    r2 = log([("E", first_abs, D(2025, 2, 20), D(2024, 11, 1)), ("E", nxt + DAY, nxt + 2 * DAY, D(2024, 11, 1))])
    assert r2.prior_paid_days[1] == 0.0


def test_paid_days_are_those_this_rule_found_for_the_earlier_absence():
    # Three absences of 60 days within a year, 2 years' service (4 + 4 months, 243.33 days):
    # the third's rolling year holds 120 paid days; its split follows from them.
    rows = [("E", D(2025, 1, 6), D(2025, 3, 6), D(2023, 1, 1)), ("E", D(2025, 5, 5), D(2025, 7, 3), D(2023, 1, 1)),
            ("E", D(2025, 9, 1), D(2025, 10, 30), D(2023, 1, 1))]
    r = log(rows)
    assert r.prior_paid_days.tolist() == [0.0, 60.0, 120.0]
    assert r.full_pay_days[2] == pytest.approx(4 * MONTH - 120)
    assert r.half_pay_days[2] == pytest.approx(60 - (4 * MONTH - 120))


def test_the_band_is_fixed_by_each_absences_own_first_day():
    # Service from 1 Jan 2025: the first absence (3 months) gets 1 month full pay, no half
    # pay; the second (after 4 months) 1 month full + 2 months half, less the 20 paid days.
    rows = [("E", D(2025, 4, 1), D(2025, 4, 20), D(2025, 1, 1)), ("E", D(2025, 5, 5), D(2025, 8, 31), D(2025, 1, 1))]
    r = log(rows)
    assert r.full_pay_days[1] == pytest.approx(MONTH - 20)
    assert r.half_pay_days[1] == pytest.approx(2 * MONTH)


# ------------------------------------------------------------------ SSP over linked absences (J.2.B)
SALARY = 36_500.0  # £100 a day: SSP is always inside full pay here; use temporary_short for SSP-only


def ssp_log(absences, salary=SALARY):
    """Absences of one temporary-short employee (SSP only), as (first, last) pairs."""
    return log([("E", a, b, D(2015, 1, 1), salary, True) for a, b in absences])


@pytest.mark.parametrize("gap, linked", [(0, True), (55, True), (56, True), (57, False), (58, False)])
def test_piws_56_days_apart_link_57_do_not(gap, linked):
    a = (D(2025, 5, 1), D(2025, 5, 10))
    first = a[1] + (gap + 1) * DAY  # first - previous_last - 1 == gap
    r = ssp_log([a, (first, first + 9 * DAY)])
    assert r.ssp_gbp[0] == pytest.approx(7 * SSP_2025)  # 3 waiting days, then 7 days
    want = 10 if linked else 7  # linked: no new waiting days
    assert r.ssp_gbp[1] == pytest.approx(want * SSP_2025)
    assert r.ssp_days_left.tolist() == [189.0, 179.0 if linked else 189.0]


def test_an_absence_under_4_days_before_april_2026_is_no_piw():
    # Under 4 days (before 6 April 2026): no SSP, and it neither links nor breaks a link.
    a = (D(2025, 5, 1), D(2025, 5, 10))
    short = (D(2025, 6, 30), D(2025, 7, 2))  # 50 days after a
    c = (D(2025, 8, 11), D(2025, 8, 20))  # 39 days after short, 92 after a: not linked
    r = ssp_log([a, short, c])
    assert r.ssp_gbp[1] == 0.0 and r.ssp_days_left[1] == 189.0  # within 56 days of a's series
    assert r.ssp_gbp[2] == pytest.approx(7 * SSP_2025)  # its own waiting days
    near = (D(2025, 6, 20), D(2025, 6, 29))  # 40 days after a: links, though short lies between
    r = ssp_log([a, (D(2025, 5, 20), D(2025, 5, 22)), near])
    assert r.ssp_gbp[2] == pytest.approx(10 * SSP_2025)
    far = ssp_log([a, (D(2025, 9, 1), D(2025, 9, 3))])
    assert far.ssp_days_left[1] == 196.0  # no series within 56 days


def test_every_absence_is_a_piw_from_6_april_2026():
    a = (D(2026, 5, 4), D(2026, 5, 5))
    b = (D(2026, 6, 29), D(2026, 6, 30))  # 54 days later
    r = ssp_log([a, b])
    assert r.ssp_gbp.tolist() == pytest.approx([2 * SSP_2026, 2 * SSP_2026])
    assert r.ssp_days_left.tolist() == [194.0, 192.0]


def test_waiting_days_once_per_series_before_the_reform_only():
    # A series started before 6 April 2026 (3 waiting days in its first PIW), continued after.
    a = (D(2026, 3, 2), D(2026, 3, 11))
    b = (D(2026, 4, 20), D(2026, 4, 24))
    r = ssp_log([a, b])
    assert r.ssp_gbp[0] == pytest.approx(7 * SSP_2025)
    assert r.ssp_gbp[1] == pytest.approx(5 * SSP_2026)
    assert r.ssp_days_left.tolist() == [189.0, 184.0]
    # Three linked PIWs before the reform: 3 waiting days in all.
    r = ssp_log([(D(2025, 5, 1), D(2025, 5, 4)), (D(2025, 5, 20), D(2025, 5, 23)),
                 (D(2025, 6, 10), D(2025, 6, 13))])
    assert r.ssp_gbp.tolist() == pytest.approx([1 * SSP_2025, 4 * SSP_2025, 4 * SSP_2025])


def test_at_most_196_ssp_days_across_a_linked_series():
    a = (D(2026, 5, 4), D(2026, 10, 30))  # 180 days of SSP from day 1
    b = (D(2026, 12, 1), D(2026, 12, 31))  # linked: 16 days left
    c = (D(2027, 1, 20), D(2027, 1, 29))  # linked: none left
    r = ssp_log([a, b, c])
    assert r.ssp_gbp.tolist() == pytest.approx([180 * SSP_2026, 16 * SSP_2026, 0.0])
    assert r.ssp_days_left.tolist() == [16.0, 0.0, 0.0]
    # 57 days after c the series is over: 196 days anew.
    d = (D(2027, 3, 28), D(2027, 3, 30))
    assert ssp_log([a, b, c, d]).ssp_days_left[3] == 193.0


def test_ssp_inside_full_pay_uses_the_series_up_too():
    # Six months' full pay: SSP is offset inside full pay, but the 196 days still run.
    a = (D(2026, 5, 4), D(2026, 10, 30))
    b = (D(2026, 12, 1), D(2026, 12, 31))
    r = log([("E", *a, D(2010, 1, 1), 60_000.0), ("E", *b, D(2010, 1, 1), 60_000.0)])
    assert r.ssp_days_left.tolist() == [16.0, 0.0]
    assert r.ssp_gbp[1] == pytest.approx(16 * SSP_2026)


def test_rates_limits_and_cap_by_the_absences_own_first_day():
    # Weekly earnings £124: above the 2024/25 limit (£123), below 2025/26's (£125); from
    # 6 April 2026 no limit, the rate at most 80% of earnings.
    salary = 124.0 / 7 * 365
    a = (D(2025, 3, 3), D(2025, 3, 12))  # 2024/25: SSP after 3 waiting days, £116.75
    b = (D(2025, 4, 14), D(2025, 4, 23))  # linked, 2025/26: below the limit, no SSP
    c = (D(2026, 4, 27), D(2026, 5, 6))  # after the reform: SSP from day 1 at 80% of £124
    r = ssp_log([a, b, c], salary=salary)
    assert r.ssp_gbp.tolist() == pytest.approx([7 * 116.75 / 7, 0.0, 10 * 0.8 * 124.0 / 7])
    assert r.ssp_days_left.tolist() == [189.0, 189.0, 186.0]


def test_half_pay_day_with_ssp_never_exceeds_full_pay():
    # £20 a day; 12 to 23 months' service: 2 + 2 months. A linked second absence at half pay.
    salary = 7_300.0
    a = (D(2026, 5, 4), D(2026, 7, 3))  # 61 days at full pay (60.83) then half
    b = (D(2026, 7, 20), D(2026, 7, 29))
    r = log([("E", *a, D(2025, 1, 1), salary), ("E", *b, D(2025, 1, 1), salary)])
    daily = salary / 365
    ssp = min(123.25, 0.8 * daily * 7) / 7
    assert r.half_pay_days[1] == 10.0
    assert r.pay_gbp[1] == pytest.approx(10 * min(daily, daily / 2 + ssp))


# ------------------------------------------------------------------ chapter J examples
def test_j2b_ssp_after_4_days_in_a_row():
    """J.2.B: "SSP is paid where you have taken 4 days of sickness in a row ... If you have
    taken less than 4 days sick leave you will not be entitled to SSP." (before 6 April 2026)"""
    r = ssp_log([(D(2025, 5, 1), D(2025, 5, 3)), (D(2025, 9, 1), D(2025, 9, 4))])
    assert r.ssp_gbp.tolist() == pytest.approx([0.0, SSP_2025])


def test_j2b_off_sick_again_within_8_weeks_serves_no_new_waiting_days():
    """J.2.B: no new SSP claim "if you are off sick within 8 weeks or less of a previous SSP
    claim": the spells link (one claim), so the waiting days are not served again."""
    r = ssp_log([(D(2025, 5, 1), D(2025, 5, 7)), (D(2025, 7, 2), D(2025, 7, 8))])  # 8 weeks less a day
    assert r.ssp_gbp.tolist() == pytest.approx([4 * SSP_2025, 7 * SSP_2025])


def test_j2b_28_weeks_in_linked_spells():
    """J.2.B: no SSP "if you have already had 28 weeks SSP in one spell of sickness, or in
    linked spells"."""
    spells = [(D(2026, 4, 6) + 70 * i * DAY, D(2026, 4, 6) + (70 * i + 49) * DAY) for i in range(5)]  # 50 days
    r = ssp_log(spells)  # each starts 20 days after the last: all linked
    assert r.ssp_days_left.tolist() == [146.0, 96.0, 46.0, 0.0, 0.0]
    assert r.ssp_gbp[3] == pytest.approx(46 * SSP_2026) and r.ssp_gbp[4] == 0.0


def test_j2a_rolling_year_deducted_on_the_first_day_of_the_new_absence():
    """J.2.A: "the combined amount of paid sick leave you have taken in the previous 12 months
    is calculated on the first day of your new absence and deducted from your allowance"."""
    # 5 years' service: 6 + 6 months. Paid: 100 days (Jan 2025), 90 days (Jul 2025).
    rows = [("E", D(2025, 1, 6), D(2025, 4, 15)), ("E", D(2025, 7, 1), D(2025, 9, 28)),
            ("E", D(2026, 1, 5), D(2026, 1, 9))]
    r = log(rows)
    assert r.prior_paid_days[2] == 190.0
    assert r.full_pay_days[2] == 0.0 and r.half_pay_days[2] == 5.0  # 182.5 full pay used
    # A year after the first absence began, only the part of it in the window counts.
    late = log(rows[:2] + [("E", D(2026, 4, 1), D(2026, 4, 3))])
    assert late.prior_paid_days[2] == 15.0 + 90.0  # 1-15 April 2025, and July's 90


def test_j2a_temporary_staff_get_ssp_only_but_their_ssp_still_links():
    r = ssp_log([(D(2026, 5, 4), D(2026, 5, 13)), (D(2026, 6, 1), D(2026, 6, 5))])
    assert r.pay_gbp.tolist() == pytest.approx([10 * SSP_2026, 5 * SSP_2026])
    assert r.prior_paid_days.tolist() == [0.0, 0.0]


def test_earlier_absences_are_not_always_a_loss():
    """The rolling year slides: a longer old absence (outside the last absence's 12 months)
    uses up allowance a middle absence would have taken, so the last absence, whose year
    holds the middle one, pays more. And a PIW within 8 weeks before an absence saves it the
    waiting days. Both follow from the contract; the property test below keeps clear of them."""
    service = D(2010, 1, 1)  # 6 + 6 months = 365 paid days
    mid = ("E", D(2024, 12, 1), D(2025, 6, 18), service)  # 200 days
    last = ("E", D(2025, 11, 1), D(2026, 3, 30), service)  # 150 days
    short = log([("E", D(2024, 1, 1), D(2024, 10, 26), service), mid, last])  # 300 days
    longer = log([("E", D(2024, 1, 1), D(2024, 11, 5), service), mid, last])  # 310 days
    assert short.prior_paid_days[2] == 65.0 and longer.prior_paid_days[2] == pytest.approx(60.0)
    assert longer.full_pay_days[2] == pytest.approx(short.full_pay_days[2] + 5)
    assert longer.pay_gbp[2] > short.pay_gbp[2]
    b = (D(2025, 9, 1), D(2025, 9, 10))
    alone = ssp_log([b])
    after = ssp_log([(D(2025, 7, 1), D(2025, 7, 10)), b])
    assert after.ssp_gbp[1] > alone.ssp_gbp[0]


# ------------------------------------------------------------------ random records
# Absences start around the edges that matter: 29 February 2024 and 2028, 6 April 2026.
ANCHORS = [D(2024, 2, 29), D(2026, 4, 6), D(2028, 2, 29), D(2025, 1, 1)]
IDS = ["E1", " e1", "E2", 3, "3", "x"]


@st.composite
def records(draw, max_rows=10, overlaps=True):
    """A record: a few employees, each with absences in date order, gaps chosen around the
    56-day link and the 12-month window; with ``overlaps``, now and then a negative gap."""
    count = draw(st.integers(1, max_rows))
    gaps = st.one_of(st.sampled_from([0, 1, 55, 56, 57, 58, 300, 364, 365, 366]), st.integers(0, 420))
    if overlaps:
        gaps = st.one_of(gaps, st.integers(-30, -1))
    lengths = st.one_of(st.sampled_from([1, 2, 3, 4, 5, 7, 30, 31, 92, 183, 196, 197]), st.integers(1, 420))
    cursor = {}
    rows = []
    for _ in range(count):
        emp = draw(st.sampled_from(IDS))
        key = str(emp).strip().lower()
        if key in cursor:
            first = cursor[key] + (draw(gaps) + 1) * DAY
        else:
            first = draw(st.sampled_from(ANCHORS)) + draw(st.integers(-400, 120)) * DAY
        last = first + (draw(lengths) - 1) * DAY
        cursor[key] = max(last, cursor.get(key, last))
        service = first - draw(st.sampled_from([-5, 0, 30, 120, 400, 800, 1200, 1900, 4000])) * DAY
        salary = draw(st.sampled_from([6_000.0, 6_450.0, 6_520.0, 9_000.0, 36_500.0, 60_000.0]))
        rows.append((emp, first, last, service, salary, draw(st.booleans())))
    order = draw(st.permutations(range(count)))
    return [rows[i] for i in order]


def call(rows, output="pay"):
    ids = np.array([r[0] for r in rows], dtype=object)
    return sick_pay_log(ids, d64([r[1] for r in rows]), d64([r[2] for r in rows]), d64([r[3] for r in rows]),
                        np.array([r[4] for r in rows]), np.array([r[5] for r in rows]), output=output)


def close(a, b, tol=1e-7):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


@settings(max_examples=150, deadline=None)
@given(rows=records())
def test_matches_the_slow_reference(rows):
    r = call(rows)
    want = ref.sick_pay_log_rows([x[0] for x in rows], [x[1] for x in rows], [x[2] for x in rows],
                                 [x[3] for x in rows], [x[4] for x in rows], [x[5] for x in rows])
    names = {"full_days": "full_pay_days", "half_days": "half_pay_days", "nil_days": "nil_pay_days",
             "ssp": "ssp_gbp", "pay": "pay_gbp", "prior_paid_days": "prior_paid_days",
             "ssp_days_left": "ssp_days_left"}
    for i, w in enumerate(want):
        if "error" in w:
            assert r.error[i] != 0, (i, w)
            if w["error"] == OVERLAP:
                assert reason_text(r.error[i]) == OVERLAP
            continue
        assert r.error[i] == 0, (i, describe(r.error))
        for key, field in names.items():
            assert close(getattr(r, field)[i], w[key]), (i, key, getattr(r, field)[i], w[key])


@settings(max_examples=100, deadline=None)
@given(rows=records(), data=st.data())
def test_shuffling_the_rows_changes_no_rows_figures(rows, data):
    order = data.draw(st.permutations(range(len(rows))))
    a = call(rows)
    b = call([rows[i] for i in order])
    for f in (*FIELDS, "error"):
        np.testing.assert_array_equal(getattr(a, f)[order], getattr(b, f))


single_rows = st.tuples(
    st.dates(D(2022, 4, 6), D(2028, 6, 30)),
    st.integers(1, 500),
    st.integers(0, 8000),
    st.one_of(st.floats(4_000, 130_000), st.sampled_from([6_412.0, 6_519.0, 6_520.0])),
    st.booleans(),
)


@given(row=single_rows)
def test_a_single_row_equals_sick_pay_with_no_prior_days(row):
    first, days, back, salary, temp = row
    r = sick_pay_log("E", first, first + (days - 1) * DAY, first - back * DAY, salary, temp)
    s = sick_pay(first - back * DAY, first, days, salary, 0, temp)
    for f in ("full_pay_days", "half_pay_days", "nil_pay_days", "ssp_gbp", "pay_gbp"):
        np.testing.assert_array_equal(getattr(r, f), getattr(s, f))
    assert (r.error == 0) == (s.error == 0)
    if r.error == 0:
        assert r.prior_paid_days == 0.0


@settings(max_examples=60, deadline=None)
@given(row=single_rows, others=records(max_rows=8, overlaps=False))
def test_a_lone_employee_in_a_record_equals_sick_pay(row, others):
    first, days, back, salary, temp = row
    mine = ("lone", first, first + (days - 1) * DAY, first - back * DAY, salary, temp)
    r = call([*others, mine])
    s = sick_pay(first - back * DAY, first, days, salary, 0, temp)
    for f in ("full_pay_days", "half_pay_days", "nil_pay_days", "ssp_gbp", "pay_gbp"):
        np.testing.assert_array_equal(getattr(r, f)[-1], getattr(s, f))


@settings(max_examples=100, deadline=None)
@given(rows=records())
def test_rows_in_error_take_no_part(rows):
    """The good rows of a record are what the record of the good rows alone gives them; and
    every row that shares a day with another valid row of its employee is an overlap."""
    r = call(rows)
    good = [i for i in range(len(rows)) if r.error[i] == 0]
    assume(good)
    alone = call([rows[i] for i in good])
    assert (alone.error == 0).all()
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(r, f)[good], getattr(alone, f))
    for i in range(len(rows)):
        if reason_text(r.error[i]) == OVERLAP:
            assert any(j != i and str(rows[j][0]).strip().lower() == str(rows[i][0]).strip().lower()
                       and rows[j][1] <= rows[i][2] and rows[i][1] <= rows[j][2] for j in range(len(rows)))


@settings(max_examples=100, deadline=None)
@given(rows=records(overlaps=False), data=st.data())
def test_an_overlapping_pair_is_both_errors_and_the_rest_unaffected(rows, data):
    base = call(rows)
    assume((base.error == 0).any())
    j = data.draw(st.sampled_from([i for i in range(len(rows)) if base.error[i] == 0]))
    emp, first, last, service, salary, temp = rows[j]
    start = first + data.draw(st.integers(0, (last - first).days)) * DAY
    extra = (emp, start, start + data.draw(st.integers(0, 5)) * DAY, service, salary, temp)
    r = call([*rows, extra])
    assert reason_text(r.error[j]) == OVERLAP and reason_text(r.error[-1]) == OVERLAP
    kept = [i for i in range(len(rows)) if r.error[i] == 0]
    alone = call([rows[i] for i in kept])
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(r, f)[kept], getattr(alone, f))


@st.composite
def earlier_within_the_year(draw):
    """A last absence, and earlier absences that all lie inside its 12 months and end more
    than 56 days before it (so that it starts a new SSP series whatever they are)."""
    last_first = draw(st.sampled_from(ANCHORS)) + draw(st.integers(0, 400)) * DAY
    window_from = ref.edate(last_first, -12)
    service = last_first - draw(st.sampled_from([400, 800, 1200, 1900, 4000])) * DAY
    salary = draw(st.sampled_from([6_520.0, 9_000.0, 36_500.0]))
    earlier, cursor = [], window_from + draw(st.integers(0, 30)) * DAY
    for _ in range(draw(st.integers(0, 4))):
        length = draw(st.integers(1, 120))
        end = cursor + (length - 1) * DAY
        if (last_first - end).days - 1 <= 60:
            break
        earlier.append((cursor, end))
        cursor = end + draw(st.integers(1, 60)) * DAY
    last_days = draw(st.integers(1, 250))
    return earlier, (last_first, last_first + (last_days - 1) * DAY), service, salary, draw(st.booleans())


@settings(max_examples=150, deadline=None)
@given(case=earlier_within_the_year(), data=st.data())
def test_more_earlier_absence_never_pays_more_for_the_last(case, data):
    earlier, last, service, salary, temp = case
    rows = [("E", a, b, service, salary, temp) for a, b in [*earlier, last]]
    before = call(rows)
    assume(before.error[-1] == 0 and (before.error == 0).all())
    # More: one earlier absence a little longer (still clear of the next), or one more absence.
    more = list(earlier)
    if earlier and data.draw(st.booleans()):
        i = data.draw(st.integers(0, len(earlier) - 1))
        limit = (earlier[i + 1][0] if i + 1 < len(earlier) else last[0] - 58 * DAY) - earlier[i][1] - DAY
        assume(limit.days >= 1)
        more[i] = (earlier[i][0], earlier[i][1] + data.draw(st.integers(1, limit.days)) * DAY)
    else:
        start = ref.edate(last[0], -12) + DAY
        taken = [(a, b) for a, b in earlier]
        gaps = [(start, (taken[0][0] if taken else last[0] - 57 * DAY) - DAY)]
        gaps += [(taken[k][1] + DAY, (taken[k + 1][0] if k + 1 < len(taken) else last[0] - 57 * DAY) - DAY)
                 for k in range(len(taken))]
        gaps = [(a, b) for a, b in gaps if a <= b]
        assume(gaps)
        a, b = data.draw(st.sampled_from(gaps))
        s = a + data.draw(st.integers(0, (b - a).days)) * DAY
        more.append((s, s + data.draw(st.integers(0, (b - s).days)) * DAY))
        more.sort()
    after = call([("E", a, b, service, salary, temp) for a, b in [*more, last]])
    assert (after.error == 0).all()
    assert after.prior_paid_days[-1] >= before.prior_paid_days[-1] - 1e-9
    assert after.pay_gbp[-1] <= before.pay_gbp[-1] + 1e-9


def test_a_long_record_with_one_busy_employee_matches_the_reference():
    """About 560 absences of 31 employees, one of them with 200 absences (the k-loop
    runs 200 times over a shrinking set of employees), against the slow reference."""
    rng = np.random.default_rng(5)
    rows = []
    for e in range(31):
        count = 200 if e == 0 else int(rng.integers(5, 19))
        day = D(2023, 1, 1) + int(rng.integers(0, 200)) * DAY
        service = day - int(rng.integers(100, 5000)) * DAY
        salary = float(rng.choice([6_450.0, 9_000.0, 36_500.0]))
        for _ in range(count):
            length = int(rng.choice([1, 2, 3, 4, 6, 10] if e == 0 else [1, 2, 3, 4, 6, 10, 40, 150]))
            if rng.random() < 0.02:
                day -= 2 * DAY  # now and then an overlap
            rows.append((f"E{e}", day, day + (length - 1) * DAY, service, salary, bool(rng.random() < 0.05)))
            day += (length + int(rng.choice([0, 1, 2, 5, 56, 57] if e == 0 else [0, 1, 5, 20, 56, 57, 90]))) * DAY
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    assert len(rows) > 500 and max(x[2] for x in rows) < D(2040, 1, 1)
    r = call(rows)
    want = ref.sick_pay_log_rows([x[0] for x in rows], [x[1] for x in rows], [x[2] for x in rows],
                                 [x[3] for x in rows], [x[4] for x in rows], [x[5] for x in rows])
    names = dict(zip(("full_days", "half_days", "nil_days", "ssp", "pay", "prior_paid_days", "ssp_days_left"),
                     FIELDS, strict=True))
    assert sum("error" in w for w in want) > 0
    for i, w in enumerate(want):
        assert (r.error[i] != 0) == ("error" in w), (i, w)
        for key, field in names.items():
            if "error" not in w:
                assert close(getattr(r, field)[i], w[key]), (i, key, getattr(r, field)[i], w[key])
