"""The explanations of KENT_SICKPAY and KENT_SICKPAY_LOG (RULES.md, "Every figure explained"):
``xl_kent.sick_pay.sick_pay_explained`` and ``xl_kent.sick_pay_log.sick_pay_log_explained``.

Each expected sentence below was worked out by hand from the policy (chapter J.2) and RULES.md;
the figures in it are typed in, not read back from the code. The properties check that the £
figures in every sentence are the Excel functions' own, over random rows.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from udfs import KENT_SICKPAY, KENT_SICKPAY_LOG
from xl_kent.errors import reason_texts
from xl_kent.sick_pay import sick_pay, sick_pay_explained
from xl_kent.sick_pay_log import sick_pay_log, sick_pay_log_explained

D = dt.date
MONEY = re.compile(r", (-?£[\d,]+\.\d\d), of which SSP (£[\d,]+\.\d\d)")
LEFT = re.compile(r"; ([\d.,]+) of the 196 SSP days")
RULES_EXAMPLE = (
    "4 years 2 months' service: 5 months full pay and 5 months half pay (152.08 + 152.08 days); 20 paid sick "
    "days in the last 12 months come off full pay; this 40-day absence: 40 days at full pay, £4,000.00, of "
    "which SSP £474.50"
)


def one(*args, **kw) -> str:
    out = sick_pay_explained(*args, **kw)
    assert isinstance(out, np.ndarray) and out.dtype == object and out.shape == ()
    return str(out)


def money(value) -> str:
    return f"£{value:,.2f}"


# ------------------------------------------------------------------ RULES.md's example
def test_rules_example_word_for_word_but_its_ssp():
    # 4 years 2 months (50 complete months): 5 + 5 months; 20 prior days come off full pay;
    # £36,500 a year is £100 a day, 40 days at full pay £4,000.00. The SSP inside them is
    # 37 days (after 3 waiting days) at £118.75 / 7 = £627.68 in May 2025.
    got = one("2021-03-01", "2025-05-01", 40, 36_500, 20)
    want = RULES_EXAMPLE.replace("40 days at full pay,", "40 days at full pay at £100.00 a day,").replace(
        "£474.50", "£627.68 (after 3 waiting days)"
    )
    assert got == want


def test_no_absence_start_gives_the_rules_examples_ssp():
    # RULES.md's £474.50 cannot come out: 40 days at full pay have 37 SSP days at the least
    # rate (£99.35 / 7 a day, 2022/23) = £525.14 before 6 April 2026, and 40 days after.
    days = np.arange(np.datetime64("2022-04-06"), np.datetime64("2028-01-01"))
    r = sick_pay("2015-07-01", days, 40, 36_500, 20)
    ssp = np.round(r.ssp_gbp, 2)
    assert (r.error == 0).all() and not (ssp == 474.50).any() and ssp.min() >= 525.14


# ------------------------------------------------------------------ chapter J.2 examples
def test_policy_prior_paid_days_reach_into_half_pay():
    # tests/test_policy_examples.py: 24 months (4 + 4 months, 121.67 days each), 150 paid days
    # before: full pay used up and 28.33 days of half pay; 93.33 half-pay days left of the
    # 200-day absence, 106.67 at no pay. Pay: 93.33 x £50 + SSP on days 4 to 199 (196 days,
    # the 28-week limit) at £118.75 / 7 = £4,666.67 + £3,325.00 = £7,991.67.
    assert one("2023-06-01", "2025-06-01", 200, 36_500, 150) == (
        "2 years' service: 4 months full pay and 4 months half pay (121.67 + 121.67 days); 150 paid sick days "
        "in the last 12 months use up full pay and 28.33 days of half pay; this 200-day absence: 93.33 days at "
        "half pay (half of £100.00 a day) and 106.67 days at no pay, £7,991.67, of which SSP £3,325.00 (after 3 "
        "waiting days, up to the 28-week limit)"
    )


def test_band_with_no_half_pay_and_one_prior_day():
    # Under 4 months: 1 month full pay only (30.42 days).
    assert one("2025-03-01", "2025-05-01", 10, 36_500, 1) == (
        "2 months' service: 1 month full pay (30.42 days); 1 paid sick day in the last 12 months comes off "
        "full pay; this 10-day absence: 10 days at full pay at £100.00 a day, £1,000.00, of which SSP £118.75 "
        "(after 3 waiting days)"
    )


def test_full_half_and_no_pay_in_one_absence():
    # 1 year: 2 + 2 months (60.83 days each); a 130-day absence: 60.83 full, 60.83 half, 8.33 nil.
    got = one("2024-05-01", "2025-05-01", 130, 36_500)
    assert (
        "this 130-day absence: 60.83 days at full pay at £100.00 a day, 60.83 days at half pay and "
        "8.33 days at no pay, "
    ) in got
    assert got.startswith(
        "1 year's service: 2 months full pay and 2 months half pay (60.83 + 60.83 days); this"
    )


def test_temporary_contract_ssp_only():
    # J.2.A Temporary Staff: SSP only; 7 SSP days after 3 waiting days at £118.75 / 7 = £118.75.
    assert one("2025-03-01", "2025-05-01", 10, 36_500, 5, temporary_short=True) == (
        "2 months' service, temporary contract of 4 months or less: no contractual sick pay, SSP only; this "
        "10-day absence: 10 days at no pay, £118.75, of which SSP £118.75 (after 3 waiting days)"
    )


def test_under_four_days_before_april_2026_and_from_day_one_after():
    assert one("2026-01-01", "2026-04-05", 3, 36_500, temporary_short=True) == (
        "3 months' service, temporary contract of 4 months or less: no contractual sick pay, SSP only; this "
        "3-day absence: 3 days at no pay, £0.00, of which SSP £0.00 (no SSP: an absence under 4 days, under "
        "the rules before 6 Apr 2026)"
    )
    # From 6 April 2026: SSP from day 1, 3 x £123.25 / 7 = £52.82, nothing to explain.
    assert one("2026-01-01", "2026-04-06", 3, 36_500, temporary_short=True).endswith(
        "3 days at no pay, £52.82, of which SSP £52.82"
    )


def test_lower_earnings_limit():
    # Weekly earnings £124 are below the 2025/26 limit (£125): no SSP; full pay £17.71 a day.
    salary = 124 / 7 * 365
    assert one("2020-01-01", "2025-05-01", 10, salary) == (
        "5 years 4 months' service: 6 months full pay and 6 months half pay (182.5 + 182.5 days); this 10-day "
        "absence: 10 days at full pay at £17.71 a day, £177.14, of which SSP £0.00 (no SSP: weekly earnings "
        "£124.00 are below the lower earnings limit of £125.00)"
    )


def test_eighty_percent_cap_from_april_2026():
    # 80% of £124 = £99.20 a week, below £123.25: 10 x £99.20 / 7 = £141.71.
    salary = 124 / 7 * 365
    assert one("2020-01-01", "2026-05-01", 10, salary, temporary_short=True) == (
        "6 years 4 months' service, temporary contract of 4 months or less: no contractual sick pay, SSP only; "
        "this 10-day absence: 10 days at no pay, £141.71, of which SSP £141.71 (capped at 80% of weekly "
        "earnings of £124.00, £99.20 a week)"
    )


def test_twenty_eight_week_limit():
    # 196 days x £123.25 / 7 = £3,451.00.
    assert one("2020-01-01", "2026-05-01", 300, 60_000, temporary_short=True).endswith(
        "300 days at no pay, £3,451.00, of which SSP £3,451.00 (up to the 28-week limit)"
    )


def test_bad_rows_give_the_cores_reason():
    args = (
        np.array(["2020-01-01", "2026-01-01", "2020-01-01", "NaT", "2020-01-01"], dtype="datetime64[D]"),
        "2025-06-01",
        [5, 5, 0.5, 5, 5],
        30_000,
        [0, 0, 0, 0, 400],
    )
    got = sick_pay_explained(*args)
    want = reason_texts(sick_pay(*args).error)
    assert got[1:].tolist() == want[1:].tolist()
    assert got[1:].tolist() == [
        "service_start is after absence_start",
        "absence_days is below 1",
        "service_start is blank or not a date",
        "prior_paid_days is above 366 (more paid sick days than 12 months hold)",
    ]
    assert got[0].startswith("5 years 5 months' service")


def test_shapes_and_one_row_equals_its_row_in_a_column():
    column = np.array([["2020-01-01"], ["2024-02-10"], ["2025-05-01"]], dtype="datetime64[D]")
    days = np.array([[10.0], [45.5], [3.0]])
    got = sick_pay_explained(column, "2025-06-01", days, 28_000, [[0], [30], [0]])
    assert got.shape == (3, 1) and got.dtype == object
    for i in range(3):
        assert one(column[i, 0], "2025-06-01", days[i, 0], 28_000, [0, 30, 0][i]) == got[i, 0]


# ------------------------------------------------------------------ properties
def _parse(sentence: str) -> tuple[float, float]:
    m = MONEY.search(sentence)
    assert m, sentence
    return tuple(float(g.replace("£", "").replace(",", "")) for g in m.groups())


rows = st.lists(
    st.tuples(
        st.integers(0, 12_000),
        st.integers(0, 2_000),
        st.floats(0.5, 800),
        st.floats(50, 200_000),
        st.floats(0, 400),
        st.booleans(),
    ),
    min_size=1,
    max_size=15,
)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_property_sentence_figures_are_the_excel_functions(rows):
    start = D(2022, 4, 6)
    ab = [start + dt.timedelta(days=r[1]) for r in rows]
    ss = [a - dt.timedelta(days=r[0]) for a, r in zip(ab, rows, strict=True)]
    n, sal, prior, temp = ([r[i] for r in rows] for i in (2, 3, 4, 5))
    col = [[v] for v in ss], [[v] for v in ab], [[v] for v in n], [[v] for v in sal]
    pay = KENT_SICKPAY(*col, [[v] for v in prior], "pay", [[v] for v in temp])
    ssp = KENT_SICKPAY(*col, [[v] for v in prior], "ssp", [[v] for v in temp])
    got = sick_pay_explained(
        np.array(ss, dtype="datetime64[D]"), np.array(ab, dtype="datetime64[D]"), n, sal, prior, temp
    )
    core = sick_pay(
        np.array(ss, dtype="datetime64[D]"), np.array(ab, dtype="datetime64[D]"), n, sal, prior, temp
    )
    for i, sentence in enumerate(got.tolist()):
        if isinstance(pay[i][0], str):  # an error: its reason
            assert sentence == reason_texts(core.error)[i]
        else:
            assert _parse(sentence) == (pay[i][0], ssp[i][0])
            assert sentence.count(money(pay[i][0])) >= 1
        # one row alone gives the same sentence
        if i == 0:
            assert (
                one(np.datetime64(ss[0]), np.datetime64(ab[0]), n[0], sal[0], prior[0], temp[0]) == sentence
            )


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "c"]),
            st.integers(0, 900),
            st.integers(0, 70),
            st.integers(0, 4_000),
            st.sampled_from([9_000.0, 36_500.0, 52_000.5]),
        ),
        min_size=1,
        max_size=14,
    )
)
def test_property_log_sentence_figures_are_the_excel_functions(rows):
    start = D(2025, 1, 1)
    ids = [r[0] for r in rows]
    first = [start + dt.timedelta(days=r[1]) for r in rows]
    last = [f + dt.timedelta(days=r[2]) for f, r in zip(first, rows, strict=True)]
    ss = [f - dt.timedelta(days=r[3]) for f, r in zip(first, rows, strict=True)]
    sal = [r[4] for r in rows]
    col = [[[v] for v in a] for a in (ids, first, last, ss, sal)]
    pay = KENT_SICKPAY_LOG(*col, output="pay")
    ssp = KENT_SICKPAY_LOG(*col, output="ssp")
    left = KENT_SICKPAY_LOG(*col, output="ssp_days_left")
    got = sick_pay_log_explained(
        ids,
        np.array(first, dtype="datetime64[D]"),
        np.array(last, dtype="datetime64[D]"),
        np.array(ss, dtype="datetime64[D]"),
        sal,
    )
    core = sick_pay_log(
        ids,
        np.array(first, dtype="datetime64[D]"),
        np.array(last, dtype="datetime64[D]"),
        np.array(ss, dtype="datetime64[D]"),
        sal,
    )
    assert got.shape == (len(rows),)
    for i, sentence in enumerate(got.tolist()):
        if isinstance(pay[i][0], str):
            assert sentence == reason_texts(core.error)[i]
        else:
            assert _parse(sentence) == (pay[i][0], ssp[i][0])
            assert float(LEFT.search(sentence).group(1).replace(",", "")) == left[i][0]


# ------------------------------------------------------------------ the absence record
def test_log_linked_series_word_for_word():
    # 7 years 4/5 months: 6 + 6 months (182.5 days). The first absence, 1-10 May 2025: 3 waiting
    # days then 7 SSP days at £118.75 / 7 = £118.75; 196 - 7 = 189 days left. The second, 1-5 June,
    # starts 21 days after 10 May (within 56): linked, no new waiting days, 5 x £16.96 = £84.82,
    # 184 left; the record's 10 paid days (1 Jun 2024 to 31 May 2025) come off full pay.
    got = sick_pay_log_explained(
        ["E1", "e1 "], ["2025-05-01", "2025-06-01"], ["2025-05-10", "2025-06-05"], "2018-01-01", 36_500
    ).tolist()
    assert got == [
        "7 years 4 months' service: 6 months full pay and 6 months half pay (182.5 + 182.5 days); this 10-day "
        "absence: 10 days at full pay at £100.00 a day, £1,000.00, of which SSP £118.75 (after 3 waiting days); "
        "189 of the 196 SSP days left",
        "7 years 5 months' service: 6 months full pay and 6 months half pay (182.5 + 182.5 days); the absence "
        "record gives 10 paid sick days from 1 Jun 2024 to 31 May 2025, which come off full pay; this 5-day "
        "absence: 5 days at full pay at £100.00 a day, £500.00, of which SSP £84.82; linked to the absence "
        "ending 10 May 2025 (within 56 days), so the waiting days were already served; 184 of the 196 SSP days "
        "of the linked series left",
    ]


def test_log_short_absence_is_no_piw_and_overlaps_are_errors():
    # A 3-day absence before 6 April 2026 is no PIW: no SSP, no link; it starts 9 days after the
    # 115-day absence (SSP days 4 to 115: 112 used, 84 left).
    got = sick_pay_log_explained(
        ["A", "A", "B", "B"],
        ["2025-01-06", "2025-05-10", "2025-03-01", "2025-03-03"],
        ["2025-04-30", "2025-05-12", "2025-03-05", "2025-03-04"],
        "2023-01-01",
        36_500,
    ).tolist()
    assert got[1] == (
        "2 years 4 months' service: 4 months full pay and 4 months half pay (121.67 + 121.67 days); the absence "
        "record gives 115 paid sick days from 10 May 2024 to 9 May 2025, which come off full pay; this 3-day "
        "absence: 3 days at full pay at £100.00 a day, £300.00, of which SSP £0.00 (no SSP: an absence under 4 "
        "days, under the rules before 6 Apr 2026); not a period of incapacity for work, so it neither links nor "
        "breaks a link; it starts within 56 days of the absence ending 30 Apr 2025; 84 of the 196 SSP days of "
        "that series left"
    )
    assert got[2:] == ["overlaps another absence of the same employee"] * 2


def test_log_one_row_is_sick_pay_with_the_link_clause():
    alone = sick_pay_log_explained(7, "2026-03-02", "2026-03-31", "2025-11-01", 18_000)
    assert alone.shape == ()
    base = one("2025-11-01", "2026-03-02", 30, 18_000)
    assert str(alone) == base + "; 169 of the 196 SSP days left"  # 30 - 3 waiting = 27 SSP days


def test_log_half_pay_from_the_record_and_a_later_unlinked_absence():
    # 2 years (4 + 4 months, 121.67 days each). 115 days in Jan-Apr 2025 (all full pay); 3 days in
    # May (full pay; no PIW); 6 days from 20 May: 3.67 full, 2.33 half, linked to 30 Apr (19 days
    # between). 28 days from 4 Aug: 124 paid days in its rolling year (4 Aug 2024 to 3 Aug 2025) use
    # up full pay and 2.33 days of half pay, so all 28 at half pay: 28 x £50 + SSP. Not linked (70
    # days after 25 May): 3 waiting days, 25 x £118.75 / 7 = £424.11; pay £1,824.11; 171 days left.
    got = sick_pay_log_explained(
        ["A"] * 4,
        ["2025-01-06", "2025-05-10", "2025-05-20", "2025-08-04"],
        ["2025-04-30", "2025-05-12", "2025-05-25", "2025-08-31"],
        "2023-01-01",
        36_500,
    ).tolist()
    assert got[3] == (
        "2 years 7 months' service: 4 months full pay and 4 months half pay (121.67 + 121.67 days); the absence "
        "record gives 124 paid sick days from 4 Aug 2024 to 3 Aug 2025, which use up full pay and 2.33 days of "
        "half pay; this 28-day absence: 28 days at half pay (half of £100.00 a day), £1,824.11, of which SSP "
        "£424.11 (after 3 waiting days); 171 of the 196 SSP days left"
    )
    assert (
        "this 6-day absence: 3.67 days at full pay at £100.00 a day and 2.33 days at half pay, £522.92, "
        "of which SSP £101.79; linked to the absence ending 30 Apr 2025 (within 56 days), so the waiting "
        "days were already served; 78 of the 196 SSP days of the linked series left"
    ) in got[2]


@pytest.mark.parametrize("bad", [None, "x", np.nan])
def test_never_raises_on_odd_inputs(bad):
    got = sick_pay_explained(bad, "2025-06-01", [1, bad], bad, bad, False)
    assert got.shape == (2,) and all(isinstance(s, str) and s for s in got.tolist())
    got = sick_pay_log_explained([bad, "A"], ["2025-01-01", bad], "2025-01-05", "2020-01-01", [bad, 1])
    assert got.shape == (2,) and all(isinstance(s, str) and s for s in got.tolist())
