"""Year-end leave carry-over (Kent Scheme G.2.L-O, issue 17): the core, the staff list and recalc.

The expected figures are worked by hand from the policy text (G.2.L: 10 days, pro rata for
part-time; G.2.M: 20 days after long-term sickness; G.2.N: deferral up to 30 days; G.2.O:
leavers) and the daily pay of ``leave_value_gbp`` (7.4 hours x weekly pay / weekly hours).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_kent import params
from xl_kent.carry_over import (
    WHY_AGREED,
    WHY_DEFERRED,
    WHY_DEFERRED_CAPPED,
    WHY_LEAVER,
    WHY_NONE,
    WHY_SICK,
    carry_over,
    why_texts,
    why_words,
)
from xl_kent.errors import reason_texts
from xl_kent.files.reading import Table
from xl_kent.lists.figures import (
    CARRY_OVER_TOTALS,
    FIGURES,
    carry_over_totals,
    default_settings,
    read_and_compute,
)
from xl_kent.lists.staff import CARRY_OVER_FIELDS, STAFF_FIELDS, carry_over_checks

AS_OF = "2027-03-31"  # the leave year 1 Apr 2026 to 31 Mar 2027
YEAR_END = "2027-03-31"


def _p(name):
    return float(params.parameter("leave", name).value_on(YEAR_END))


# ---------------------------------------------------------------- the parameters


def test_parameters_are_the_policy_numbers_with_their_sections():
    for name, value, section in (("carry_over_max_days", 10, "G.2.L"), ("carry_over_sickness_max_days", 20, "G.2.M"),
                                 ("carry_over_deferred_max_days", 30, "G.2.N"),
                                 ("carry_over_pro_rata_weekly_hours", 37, "G.2.L")):
        p = params.parameter("leave", name)
        assert p.value_on(YEAR_END) == value
        assert section in p.entries[-1].source
        assert str(p.first_date) == "2019-04-01"


# ---------------------------------------------------------------- the core at the policy's edges


def test_ten_days_full_time_at_the_edge():
    r = carry_over([9.5, 10.0, 10.5, 0.0, -2.0], 37.0, False, 0.0, YEAR_END)
    assert r.limit_days.tolist() == [10.0] * 5
    assert r.carried_days.tolist() == [9.5, 10.0, 10.0, 0.0, 0.0]
    assert r.lost_days.tolist() == [0.0, 0.0, 0.5, 0.0, 0.0]
    assert r.why.tolist() == [WHY_AGREED] * 5
    assert (r.error == 0).all()


def test_five_days_at_eighteen_and_a_half_hours():
    r = carry_over([5.0, 5.5, 12.0], 18.5, False, 0.0, YEAR_END)
    assert r.limit_days.tolist() == [5.0, 5.0, 5.0]
    assert r.carried_days.tolist() == [5.0, 5.0, 5.0]
    assert r.lost_days.tolist() == [0.0, 0.5, 7.0]


def test_twenty_days_with_long_term_sickness():
    r = carry_over([20.0, 21.0, 20.0], [37.0, 37.0, 18.5], True, 0.0, YEAR_END)
    assert r.limit_days.tolist() == [20.0, 20.0, 10.0]
    assert r.carried_days.tolist() == [20.0, 20.0, 10.0]
    assert r.lost_days.tolist() == [0.0, 1.0, 10.0]
    assert r.why.tolist() == [WHY_SICK] * 3


def test_thirty_days_deferred():
    # agreed 30: all 30 carried, a 31st lost; agreed 35: capped at 30; agreed 4 (below 10): the usual 10
    r = carry_over([30.0, 31.0, 40.0, 12.0, 30.0, 30.0], [37, 37, 37, 37, 18.5, 37], [False, False, False, False,
                                                                                       False, True],
                   [30.0, 30.0, 35.0, 4.0, 30.0, 25.0], YEAR_END)
    assert r.limit_days.tolist() == [30.0, 30.0, 30.0, 10.0, 15.0, 25.0]
    assert r.carried_days.tolist() == [30.0, 30.0, 30.0, 10.0, 15.0, 25.0]
    assert r.lost_days.tolist() == [0.0, 1.0, 10.0, 2.0, 15.0, 5.0]
    assert r.why.tolist() == [WHY_DEFERRED, WHY_DEFERRED, WHY_DEFERRED_CAPPED, WHY_AGREED, WHY_DEFERRED_CAPPED,
                              WHY_DEFERRED]


def test_a_leaver_carries_and_loses_nothing():
    r = carry_over([6.0, -3.0], 37.0, True, 30.0, YEAR_END, leaving=True)
    assert r.limit_days.tolist() == [0.0, 0.0]
    assert r.carried_days.tolist() == [0.0, 0.0]
    assert r.lost_days.tolist() == [0.0, 0.0]
    assert r.why.tolist() == [WHY_LEAVER, WHY_LEAVER]


def test_bad_rows_give_their_reason_and_the_others_are_kept():
    r = carry_over([12.0, np.nan, 12.0, 12.0, 12.0, 12.0], [37, 37, 0, 38, 37, 37], False,
                   [0, 0, 0, 0, -1, np.nan], YEAR_END)
    assert r.carried_days[0] == 10.0 and np.isnan(r.carried_days[1:]).all()
    assert r.why.tolist() == [WHY_AGREED] + [WHY_NONE] * 5
    assert reason_texts(r.error).tolist() == [
        "", "untaken leave at the year end is not a number", "weekly_hours is outside 0 to 37",
        "weekly_hours is outside 0 to 37", "deferral_agreed_days is negative", "deferral_agreed_days is not a number"]
    before = carry_over(12.0, 37.0, False, 0.0, "2019-03-31")
    assert reason_texts(before.error) == "no carry-over rules are in force on the leave year end"


def test_scalars_give_zero_dimensional_results():
    r = carry_over(14.0, 37.0, False, 0.0, YEAR_END)
    assert r.carried_days.shape == () and float(r.carried_days) == 10.0 and float(r.lost_days) == 4.0


def test_the_why_words_word_for_word():
    assert why_texts(YEAR_END) == (
        "up to 10 days (pro rata for part-time) with the manager's agreement (G.2.L)",
        "up to 20 days (pro rata for part-time): long-term sickness stopped the leave being taken (G.2.M)",
        "the deferral agreed (G.2.N), within the scheme's most of 30 days, pro rata for part-time",
        "the deferral agreed is above the scheme's most (G.2.N): capped at 30 days, pro rata for part-time",
        "leaves before the leave year ends: nothing is carried over, untaken leave is taken before the last day "
        "(G.2.O)",
    )
    assert why_words([4, -1, 0], YEAR_END).tolist() == [why_texts(YEAR_END)[4], "", why_texts(YEAR_END)[0]]


@settings(max_examples=200, deadline=None)
@given(st.floats(-40, 80, allow_nan=False), st.floats(0.5, 37), st.booleans(), st.floats(0, 60), st.booleans())
def test_property_the_limit_is_the_largest_the_row_qualifies_for(untaken, hours, sick, deferral, leaving):
    r = carry_over(untaken, hours, sick, deferral, YEAR_END, leaving)
    share = hours / _p("carry_over_pro_rata_weekly_hours")
    usual = (_p("carry_over_sickness_max_days") if sick else _p("carry_over_max_days")) * share
    limit = 0.0 if leaving else max(usual, min(deferral, _p("carry_over_deferred_max_days") * share))
    assert float(r.limit_days) == pytest.approx(limit)
    assert float(r.carried_days) == pytest.approx(min(max(untaken, 0.0), limit))
    assert float(r.lost_days) == pytest.approx(0.0 if leaving else max(untaken - limit, 0.0))
    if not leaving:  # nothing untaken disappears: carried + lost is what was untaken
        assert float(r.carried_days + r.lost_days) == pytest.approx(max(untaken, 0.0))


# ---------------------------------------------------------------- the staff list


def _table(rows: list[dict]) -> Table:
    headers = ["Employee ID", "Grade", "Annual salary", "Weekly hours", "Date of birth", "Continuous service date",
               "Employment end", "Leave taken this leave year (days)", "Leave brought forward (days)",
               "Long-term sick this leave year", "Deferral agreed (days)", "Cost centre"]
    keys = ["id", "grade", "salary", "hours", "dob", "csd", "end", "taken", "bf", "sick", "deferral", "cc"]
    base = {"grade": "KR6", "salary": 36500.0, "hours": None, "dob": "1980-01-01", "csd": "2023-04-01", "end": None,
            "taken": 0, "bf": None, "sick": None, "deferral": None, "cc": "A"}
    cols = [np.array([{**base, **r}.get(k) for r in rows], dtype=object) for k in keys]
    return Table(headers, cols, 2, None, "xlsx")


def _compute(rows):
    s = default_settings(AS_OF, pension_rate=0.2, pay_award_pct=0.0)
    return read_and_compute(_table(rows), s)


def test_the_new_columns_are_read_by_name_and_alias():
    staff, _ = _compute([{"id": "E1"}])
    assert {"leave_brought_forward_days", "long_term_sick", "deferral_agreed_days"} <= staff.present
    from xl_kent.lists.fields import map_columns
    from xl_kent.lists.figures import STAFF_SCHEMA

    m = map_columns(["Emp No", "Grade", "Salary", "DOB", "CSD", "Brought forward", "Long term sickness",
                     "Deferred leave"], STAFF_SCHEMA)
    assert (m.fields["leave_brought_forward_days"], m.fields["long_term_sick"], m.fields["deferral_agreed_days"]) \
        == (5, 6, 7)
    # the carry-over inputs are the last fields of the staff list (the budget template's last input columns)
    assert STAFF_FIELDS[-len(CARRY_OVER_FIELDS):] == CARRY_OVER_FIELDS


def test_the_checks_of_the_new_columns():
    _, f = _compute([{"id": "E1", "bf": -1}, {"id": "E2", "bf": 400}, {"id": "E3", "sick": "maybe"},
                     {"id": "E4", "deferral": "TBC"}, {"id": "E5", "deferral": 367}, {"id": "E6", "sick": "Y",
                                                                                       "bf": "", "deferral": 0}])
    assert f.status.tolist() == [
        "leave_brought_forward_days is negative",
        "leave_brought_forward_days is above 366 days (more than a leave year holds: a typing error?)",
        "long_term_sick is not Yes or No",
        "deferral_agreed_days is not a number",
        "deferral_agreed_days is above 366 days (more than a leave year holds: a typing error?)",
        "OK"]
    assert np.isnan(f.values["leave_carried_days"][:5]).all()
    assert all(w is None for w in f.values["carry_over_limit_why"][:5])
    reasons = {c.reason for c in carry_over_checks(AS_OF)}
    assert set(f.status[:5]) <= reasons


def test_staff_figures_row_by_row():
    # KR6 with 3 years' service: 27 days a year. Weekly pay 36500 / 365 * 7 = 700; a standard day is worth
    # 7.4 hours x 700 / 37 = 140 (full time; 280 at 18.5 hours on the same salary, 18.5 hours paid 700).
    _, f = _compute([
        {"id": "FT", "taken": 15, "bf": 2},  # 27 + 2 - 15 = 14: 10 carried, 4 lost, 10 x 140
        {"id": "PT", "hours": 18.5},  # 13.5 untaken: 5 carried, 8.5 lost, 5 x 280
        {"id": "SICK", "taken": 2, "sick": "Yes"},  # 25: 20 carried, 5 lost
        {"id": "DEF", "bf": 5, "deferral": 30},  # 32: 30 carried, 2 lost
        {"id": "OVER", "end": "2026-09-30", "taken": 20},  # leaver: 183 / 365 x 27 = 13.5; 6.5 over, 6.5 x 140
        {"id": "TOTAKE", "end": "2026-09-30", "taken": 10},  # leaver: 3.5 to take, 3.5 x 140
    ])
    v = f.values
    assert f.status.tolist() == ["OK"] * 6
    assert v["leave_year_end_untaken_days"].tolist() == [14.0, 13.5, 25.0, 32.0, -6.5, 3.5]
    assert v["carry_over_limit_days"].tolist() == [10.0, 5.0, 20.0, 30.0, 0.0, 0.0]
    assert v["leave_carried_days"].tolist() == [10.0, 5.0, 20.0, 30.0, 0.0, 0.0]
    assert v["leave_lost_days"].tolist() == [4.0, 8.5, 5.0, 2.0, 0.0, 0.0]
    assert np.round(v["leave_carried_liability_gbp"], 2).tolist() == [1400.0, 1400.0, 2800.0, 4200.0, 0.0, 0.0]
    texts = why_texts(YEAR_END)
    assert v["carry_over_limit_why"].tolist() == [texts[0], texts[0], texts[1], texts[2], texts[4], texts[4]]
    assert np.isnan(v["leaver_leave_to_take_days"][:4]).all() and np.isnan(v["leaver_recovery_gbp"][:4]).all()
    assert v["leaver_leave_to_take_days"][4:].tolist() == [0.0, 3.5]
    assert v["leaver_leave_overtaken_days"][4:].tolist() == [6.5, 0.0]
    assert np.round(v["leaver_leave_to_take_gbp"][4:], 2).tolist() == [0.0, 490.0]
    assert np.round(v["leaver_recovery_gbp"][4:], 2).tolist() == [910.0, 0.0]
    # the liability uses the rate of leave_value_gbp, the template's daily pay
    rate = v["leave_value_gbp"][:4] / v["leave_untaken_days"][:4]
    assert v["leave_carried_liability_gbp"][:4] == pytest.approx(rate * v["leave_carried_days"][:4])
    t = carry_over_totals(f)
    assert [k for k, _ in CARRY_OVER_TOTALS] == list(t)
    assert t["leave_carried_days"] == 65.0 and t["leave_carried_liability_gbp"] == pytest.approx(9800.0)
    assert t["leaver_recovery_gbp"] == pytest.approx(910.0) and t["leaver_leave_to_take_gbp"] == pytest.approx(490.0)
    assert carry_over_totals(f, np.array([True, False, False, False, False, False]))["leave_lost_days"] == 4.0


def test_without_the_new_columns_nothing_is_brought_forward_nor_deferred():
    s = default_settings(AS_OF, pension_rate=0.2, pay_award_pct=0.0)
    cols = {"Employee ID": ["E1"], "Grade": ["KR6"], "Annual salary": [36500.0], "Date of birth": ["1980-01-01"],
            "Continuous service date": ["2023-04-01"]}
    _, f = read_and_compute(Table(list(cols), [np.array(c, dtype=object) for c in cols.values()], 2, None, "xlsx"), s)
    assert f.values["leave_year_end_untaken_days"].tolist() == [27.0]
    assert f.values["leave_carried_days"].tolist() == [10.0] and f.values["leave_lost_days"].tolist() == [17.0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([None, 18.5, 30.0, 37.0]), st.integers(0, 40), st.integers(0, 30),
                          st.sampled_from([None, "Yes", "No"]), st.integers(0, 40),
                          st.sampled_from([None, "2026-06-30", "2027-03-31", "2027-06-30"])), min_size=1, max_size=8))
def test_property_staff_figures_are_the_core_on_the_row(rows):
    _, f = _compute([{"id": f"E{i}", "hours": h, "taken": t, "bf": b, "sick": s, "deferral": d, "end": e}
                     for i, (h, t, b, s, d, e) in enumerate(rows)])
    v = f.values
    for i, (h, t, b, s, d, e) in enumerate(rows):
        untaken = v["leave_year_entitlement_days"][i] + b - t
        leaving = e is not None and e <= YEAR_END
        r = carry_over(untaken, h or 37.0, s == "Yes", d, YEAR_END, leaving)
        assert v["leave_year_end_untaken_days"][i] == untaken
        assert v["leave_carried_days"][i] == r.carried_days and v["leave_lost_days"][i] == r.lost_days
        assert v["carry_over_limit_why"][i] == why_texts(YEAR_END)[int(r.why)]
        day = v["leave_value_gbp"][i] / v["leave_untaken_days"][i] if v["leave_untaken_days"][i] else None
        if day is not None:
            assert v["leave_carried_liability_gbp"][i] == pytest.approx(float(r.carried_days) * day)
        if leaving:
            assert v["leaver_leave_to_take_days"][i] == max(untaken, 0.0)
            assert v["leaver_leave_overtaken_days"][i] == max(-untaken, 0.0)
        else:
            assert np.isnan(v["leaver_leave_to_take_days"][i])


# ---------------------------------------------------------------- recalc


def test_recalc_writes_the_figures_row_by_row():
    from xl_kent_cli import recalc

    s = default_settings(AS_OF, pension_rate=0.2, pay_award_pct=0.0)
    o = recalc.recalc_table(_table([{"id": "FT", "taken": 15, "bf": 2}, {"id": "OVER", "end": "2026-09-30",
                                                                          "taken": 20}, {"id": "BAD", "bf": -3}]), s)
    col = {h: c for h, c in zip(o.headers, o.columns, strict=True)}
    names = [f.name for f in FIGURES]
    for name in ("leave_year_end_untaken_days", "carry_over_limit_days", "carry_over_limit_why", "leave_carried_days",
                 "leave_lost_days", "leave_carried_liability_gbp", "leaver_leave_to_take_days",
                 "leaver_leave_to_take_gbp", "leaver_leave_overtaken_days", "leaver_recovery_gbp"):
        assert name in names and name in col
    assert col["leave_carried_days"][:2].tolist() == [10.0, 0.0]
    assert col["leave_lost_days"][:2].tolist() == [4.0, 0.0]
    assert col["leave_carried_liability_gbp"][:2].tolist() == [1400.0, 0.0]  # to the penny
    assert col["leaver_recovery_gbp"][1] == 910.0 and np.isnan(col["leaver_recovery_gbp"][0])
    assert col["carry_over_limit_why"][1] == why_texts(YEAR_END)[4]
    assert col["status"].tolist() == ["OK", "OK", "leave_brought_forward_days is negative"]
    assert np.isnan(col["leave_carried_days"][2]) and col["carry_over_limit_why"][2] is None
    assert o.formats[o.headers.index("carry_over_limit_why")] == "text"
