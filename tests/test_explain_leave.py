"""The explanations of KENT_LEAVE_ACCRUAL (xl_kent.leave.leave_explained).

The word-for-word sentences were checked by hand against the policy (Kent Scheme G.1, G.2.A,
G.2.B, G.2.I, G.2.J) and RULES.md; the properties check that the figure a sentence ends with
is the Excel function's own number, row by row.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import udfs
from xl_kent.errors import OK, reason_texts
from xl_kent.leave import _leave_steps, _units, leave_accrual, leave_explained, parse_grades, round_half

D = dt.date
RULE = "by the hours rule (.00-.40 down, .41-.59 to .5, .60 up)"
YEAR_2025 = (
    "leave year 1 Apr 2025 to 31 Mar 2026 (365 days), counted from 1 Apr 2025 (start of the leave year) "
    "to 31 Mar 2026 (end of the leave year): 365 days employed"
)
KR6 = "KR6: 27 days a year, 29 after 5 years' service"


def one(*args, **kwargs) -> str:
    out = leave_explained(*args, **kwargs)
    assert isinstance(out, np.ndarray) and out.shape == () and out.dtype == object
    return out.item()


# --- The policy's examples, word for word ------------------------------------------------


def test_uplift_example_anniversary_15_june_extra_leave_from_1_july():
    # G.2.B: fifth anniversary on 15 June 2025, the 2 extra days accrue from 1 July 2025:
    # 1 Jul 2025 to 31 Mar 2026 is 274 days; 2 x 274 / 365 = 1.50 -> 1.5; 27 + 1.5 = 28.5.
    assert one("KR6", D(2020, 6, 15), D(2026, 3, 31)) == (
        f"{KR6}; 5 years' service on 15 Jun 2025, so 29 days a year from 1 Jul 2025; {YEAR_2025}; "
        "27 x 365 / 365 = 27 and 2 extra x 274 / 365 (days from 1 Jul 2025) = 1.5, "
        "each to the nearest half day (a quarter rounds up): 27 + 1.5 = 28.5 days"
    )
    assert udfs.KENT_LEAVE_ACCRUAL("KR6", D(2020, 6, 15), D(2026, 3, 31)) == 28.5


def test_whole_year_at_kr6_gives_exactly_27_and_29():
    # 3 years' service: fifth anniversary 1 Apr 2027, the uplift from 1 May 2027.
    assert one("KR6", D(2022, 4, 1), D(2026, 3, 31)) == (
        f"{KR6}; 5 years' service on 1 Apr 2027, so 29 days a year from 1 May 2027: not in this leave year; "
        f"{YEAR_2025}; 27 x 365 / 365 = 27, to the nearest half day (a quarter rounds up): 27 days"
    )
    # 10 years' service: the uplift started on 1 Jul 2020, before this leave year.
    assert one("KR6", D(2015, 6, 1), D(2026, 3, 31)) == (
        f"{KR6}; 5 years' service on 1 Jun 2020, so 29 days a year already in force; {YEAR_2025}; "
        "27 x 365 / 365 = 27 and 2 extra x 365 / 365 = 2, each to the nearest half day (a quarter rounds up): "
        "27 + 2 = 29 days"
    )


def test_joiner_on_1_october():
    # 1 Oct 2025 to 31 Mar 2026 = 31+30+31+31+28+31 = 182 days; 27 x 182 / 365 = 13.46 -> 13.5.
    assert one("KR6", D(2025, 10, 1), D(2026, 3, 31)) == (
        f"{KR6}; 5 years' service on 1 Oct 2030, so 29 days a year from 1 Nov 2030: not in this leave year; "
        "leave year 1 Apr 2025 to 31 Mar 2026 (365 days), counted from 1 Oct 2025 (start of employment) to "
        "31 Mar 2026 (end of the leave year): 182 days employed; 27 x 182 / 365 = 13.46, "
        "to the nearest half day (a quarter rounds up): 13.5 days"
    )


def test_leaver_part_time_in_days():
    # Left 31 Aug 2025: 1 Apr to 31 Aug = 30+31+30+31+31 = 153 days, of which 62 from 1 Jul (uplift);
    # (27 x 153 + 2 x 62) / 365 = 11.66 full-time days; x 30 / 37 = 9.45 -> 9.5 days.
    assert one("KR6", D(2020, 6, 15), D(2025, 9, 30), 30, None, D(2025, 8, 31)) == (
        f"{KR6}; 5 years' service on 15 Jun 2025, so 29 days a year from 1 Jul 2025; leave year 1 Apr 2025 "
        "to 31 Mar 2026 (365 days), counted from 1 Apr 2025 (start of the leave year) to 31 Aug 2025 "
        "(end of employment): 153 days employed; (27 x 153 + 2 x 62 days from 1 Jul 2025) / 365 = "
        "11.66 full-time days x 30 / 37 hours a week = 9.45, to the nearest half day (a quarter rounds up): 9.5 days"
    )
    assert udfs.KENT_LEAVE_ACCRUAL("KR6", D(2020, 6, 15), D(2025, 9, 30), 30, None, D(2025, 8, 31)) == 9.5


def test_part_time_18_5_hours_in_hours_whole_year_at_29_days():
    # 29 days x 7.4 x 18.5 / 37 = 107.3 hours; .30 is under .41: rounded down to 107 hours.
    assert one("KR6", D(2015, 6, 1), D(2026, 3, 31), 18.5, unit="hours") == (
        f"{KR6}; 5 years' service on 1 Jun 2020, so 29 days a year already in force; {YEAR_2025}; "
        "(27 x 365 + 2 x 365) / 365 = 29 full-time days x 7.4 hours a day x 18.5 / 37 hours a week = 107.3 hours, "
        f"{RULE}: 107 hours"
    )
    assert udfs.KENT_LEAVE_ACCRUAL("KR6", D(2015, 6, 1), D(2026, 3, 31), 18.5, unit="hours") == 107


def test_full_time_in_hours():
    # 29 days x 7.4 = 214.6 hours (no hours rule for full-time: the rounded days times 7.4).
    assert one("KR6", D(2015, 6, 1), D(2026, 3, 31), unit="hours").endswith(
        "27 + 2 = 29 days x 7.4 hours a day = 214.6 hours"
    )


def test_casual_20_hours():
    # G.2.I: 0.121 x 20 = 2.42 hours.
    assert one(None, None, D(2026, 5, 31), 20, unit="casual") == (
        "Casual contract: 20 hours worked at 0.121 hours an hour: 2.42 hours (not rounded)"
    )


def test_relief_at_27_days_20_hours():
    # G.2.J: 20 x 0.1607 = 3.214 hours, rounded to 3 hours (KR5, fifth anniversary in 2029: 27 days).
    assert one("KR5", D(2024, 1, 1), D(2026, 5, 31), 20, unit="relief") == (
        "Permanent relief contract, KR5: 27 days a year, 29 after 5 years' service; 5 years' service on "
        "1 Jan 2029, so 29 days only from 1 Feb 2029; full-time entitlement on 31 May 2026: 27 days; "
        f"20 hours worked at 0.1607 hours an hour (the rate for 27 days) = 3.214 hours, {RULE}: 3 hours"
    )
    # After the uplift, KR9 is at 30 days: 20 x 0.1765 = 3.53 -> .53 is in .41-.59 -> 3.5 hours.
    assert one(9, D(2015, 1, 1), D(2026, 5, 31), 20, unit="relief").endswith(
        "full-time entitlement on 31 May 2026: 30 days; 20 hours worked at 0.1765 hours an hour "
        f"(the rate for 30 days) = 3.53 hours, {RULE}: 3.5 hours"
    )


def test_named_grade_and_top_band():
    assert one("kr entry", D(2024, 4, 1), D(2026, 3, 31)).startswith("KR Entry: 27 days a year, 29 after 5")
    assert one("Apprentice", D(2024, 4, 1), D(2026, 3, 31)).startswith("Apprentice: 27 days a year")
    assert one("KR 13", D(2024, 4, 1), D(2026, 3, 31)) == (
        f"KR13: 30 days a year (the same after 5 years' service); {YEAR_2025}; "
        "30 x 365 / 365 = 30, to the nearest half day (a quarter rounds up): 30 days"
    )


def test_no_days_employed():
    assert one("KR6", D(2025, 10, 1), D(2025, 9, 30)).endswith(
        "leave year 1 Apr 2025 to 31 Mar 2026 (365 days): employment starts 1 Oct 2025, after 30 Sep 2025, "
        "so no days employed; 27 x 0 / 365 = 0, to the nearest half day (a quarter rounds up): 0 days"
    )
    assert "employment ended 31 Mar 2025, so no days employed" in one(
        "KR6", D(2020, 10, 1), D(2025, 9, 30), None, None, D(2025, 3, 31)
    )


def test_two_decimals_never_mislead_the_half_day_rounding():
    # Joined 24 Dec 2025: 8 + 31 + 28 + 31 = 98 days; 27 x 98 / 365 = 7.2493, just under the quarter,
    # rounds down to 7 days. To 2 decimals it would read 7.25 (which rounds up), so more are shown.
    assert one("KR6", D(2025, 12, 24), D(2026, 3, 31)).endswith(
        "98 days employed; 27 x 98 / 365 = 7.249315, to the nearest half day (a quarter rounds up): 7 days"
    )
    assert udfs.KENT_LEAVE_ACCRUAL("KR6", D(2025, 12, 24), D(2026, 3, 31)) == 7


# --- Bad rows: the core's own reason ---------------------------------------------------


def test_bad_grade_gives_the_reason():
    assert one("KR2", D(2024, 1, 1), D(2026, 5, 31)) == (
        "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)"
    )


def test_leave_year_before_the_rules_gives_the_reason():
    assert one("KR6", D(2015, 6, 1), D(2023, 3, 31)) == (
        "the leave year of as_of starts before 1 April 2023: the scheme's earlier leave rules are not in the policy text"
    )


def test_bad_rows_in_a_column_keep_the_good_ones():
    out = leave_explained(
        ["KR6", "KR2", "KR6", "KR6"],
        [D(2022, 4, 1), D(2022, 4, 1), None, D(2022, 4, 1)],
        D(2026, 3, 31),
        [37, 37, 37, 40],
        unit=["days", "days", "days", "weeks"],
    )
    r = leave_accrual(
        ["KR6", "KR2", "KR6", "KR6"],
        [D(2022, 4, 1), D(2022, 4, 1), None, D(2022, 4, 1)],
        D(2026, 3, 31),
        [37, 37, 37, 40],
        unit=["days", "days", "days", "weeks"],
    )
    assert out.shape == (4,) and out.dtype == object
    assert out[0].endswith(": 27 days")
    assert out[1:].tolist() == reason_texts(r.error[1:]).tolist()
    assert out[2] == "service_start is blank or not a date"
    assert out[3] == 'unit is not one of "days", "hours", "casual", "relief"'


def test_shapes_follow_the_core():
    grid = leave_explained(
        "KR6",
        np.array([["2015-06-01"], ["2022-04-01"]], dtype="datetime64[D]"),
        np.array(["2025-09-30", "2026-03-31"], dtype="datetime64[D]"),
    )
    assert grid.shape == (2, 2) and grid.dtype == object
    assert all(isinstance(s, str) and s for s in grid.ravel())
    empty = leave_explained(
        np.array([], dtype=object), np.array([], dtype="datetime64[D]"), np.array([], dtype="datetime64[D]")
    )
    assert empty.shape == (0,)


# --- Properties over random rows -------------------------------------------------------

FIGURE = re.compile(r"(-?[\d,]+(?:\.\d+)?) (?:days?|hours?)(?: \(not rounded\))?$")

GRADES = ["KR Entry", "Apprentice", "kr 6", 6, 13, "KR2", "", *[f"KR{k}" for k in range(3, 16)]]
days = st.dates(D(2000, 1, 1), D(2030, 12, 31))
row = st.fixed_dictionaries(
    {
        "grade": st.sampled_from(GRADES),
        "service_start": st.one_of(days, days, days, st.none()),
        "as_of": st.one_of(
            *[st.dates(D(2023, 4, 1), D(2030, 3, 31))] * 3, st.dates(D(2022, 6, 1), D(2023, 3, 31))
        ),
        "hours": st.one_of(
            st.none(),
            st.sampled_from([37.0, 18.5, 30.0, 22.2, 0.0, 40.0]),
            st.floats(0, 45, allow_nan=False).map(lambda h: round(h, 2)),
            st.floats(0, 9000, allow_nan=False).map(lambda h: round(h, 2)),
        ),
        "employment_start": st.one_of(st.none(), days),
        "employment_end": st.one_of(st.none(), st.none(), days),
        "unit": st.sampled_from(["days", "days", "hours", "hours", "casual", "relief"]),
    }
)


def _columns(rows):
    keys = ["grade", "service_start", "as_of", "hours", "employment_start", "employment_end", "unit"]
    return [[r[k] for r in rows] for k in keys]


def _row_columns(grade, service_start, as_of, hours=None, es=None, ee=None, unit="days"):
    """One good row as the 1-D columns :func:`_leave_steps` takes."""
    code, _ = parse_grades(np.array([grade], dtype=object))
    as_days = [np.array([d], dtype="datetime64[D]") for d in (service_start, as_of, es, ee)]
    return (
        code,
        as_days[0],
        as_days[1],
        np.array([np.nan if hours is None else hours]),
        as_days[2],
        as_days[3],
        _units(np.array([unit])),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(row, min_size=1, max_size=12))
def test_the_figure_in_each_sentence_is_the_excel_functions(rows):
    cols = _columns(rows)
    out = leave_explained(*[np.array(c, dtype=object) for c in cols])
    excel = [c[0] for c in udfs.KENT_LEAVE_ACCRUAL(*[[[v] for v in c] for c in cols])]
    error = leave_accrual(*[np.array(c, dtype=object) for c in cols]).error
    assert out.shape == (len(rows),)
    for sentence, value, e in zip(out.tolist(), excel, error.tolist(), strict=True):
        assert isinstance(sentence, str) and sentence
        if e != OK:
            assert isinstance(value, str) and value.startswith("#")
            assert sentence == reason_texts(np.array([e]))[0]
            continue
        m = FIGURE.search(sentence)
        assert m, sentence
        assert abs(float(m.group(1).replace(",", "")) - value) < 1e-9, (sentence, value)


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=2, max_size=8), st.data())
def test_a_single_row_call_equals_its_row_in_a_column_call(rows, data):
    cols = _columns(rows)
    column = leave_explained(*[np.array(c, dtype=object) for c in cols])
    i = data.draw(st.integers(0, len(rows) - 1))
    single = leave_explained(*[c[i] for c in cols])
    assert single.shape == () and single.item() == column[i]


@settings(max_examples=150, deadline=None)
@given(row)
def test_the_steps_told_give_the_cores_figure(r):
    """The days, the uplift days and the rounding the words show rebuild the core's value."""
    cols = [c[0] for c in _columns([r])]
    result = leave_accrual(*cols)
    if result.error.item() != OK or r["unit"] not in ("days", "hours"):
        return
    s = _leave_steps(*_row_columns(*cols))
    fraction = s.hours / s.ft_hours
    if fraction[0] == 1:
        days = round_half(s.basic_part) + round_half(s.extra_part)
        expected = days if r["unit"] == "days" else days * s.hours_per_day
    elif r["unit"] == "days":
        expected = round_half(s.unrounded * fraction)
    else:
        from xl_kent.leave import hours_rule

        expected = hours_rule(s.unrounded * s.hours_per_day * fraction)
    assert abs(float(expected[0]) - float(result.value)) < 1e-9
    assert 0 <= s.days_up[0] <= s.days[0] <= s.year_days[0]
