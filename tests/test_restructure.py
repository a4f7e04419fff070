"""A restructure's costs: notice and pay in lieu, the unreduced pension flag and strain cost,
Loss of Earnings Compensation (Kent Scheme I.2.E, L.2-3, L.4.E, chapter I Appendix 1), in the
core and through the one computation of the staff list."""

from __future__ import annotations

import numpy as np
import pytest

from xl_kent.lists.figures import (
    RESTRUCTURE_TOTALS,
    SettingsError,
    compute,
    default_settings,
    missing_top_words,
    parse_grade_max,
    read_staff,
    restructure_totals,
    totals,
)
from xl_kent.notice import notice
from xl_kent.restructure import loss_of_earnings, unreduced_pension_on_redundancy

AS_OF = np.datetime64("2027-03-31")
TOPS = {7: 30_000.0, 8: 34_000.0, 9: 38_000.0, 10: 43_000.0}


class Table:  # the shape of xl_kent.files.reading.Table
    def __init__(self, rows: list[dict]):
        self.headers = list(dict.fromkeys(k for r in rows for k in r))
        self.columns = [np.array([r.get(h) for r in rows], dtype=object) for h in self.headers]
        self.first_row, self.sheet, self.kind = 2, None, "xlsx"

    @property
    def n_rows(self) -> int:
        return len(self.columns[0])


def run(rows, **given):
    s = default_settings(str(AS_OF), pension_rate=0.2, pay_award_pct=0.0, **given)
    t = Table(rows)
    staff = read_staff(t, s.as_of)
    return staff, compute(staff, s, t)


def person(**kw):
    base = {"Employee ID": "E1", "Grade": "KR6", "Annual salary": 36_500.0, "Date of birth": "1970-01-01",
            "Continuous service date": "2010-04-01", "At risk of redundancy": "Yes"}
    base.update(kw)
    return base


# ------------------------------------------------------------------ Loss of Earnings Compensation

def test_the_policys_own_example_kr10_to_kr7_is_the_top_of_kr9_less_the_top_of_kr7():
    """Appendix 1: "redeployed from a KR10 to KR7 post ... the difference between the top of KR9
    (i.e. two grades up from the employee's new substantive grade) and the top of KR7"."""
    r = loss_of_earnings("KR10", "KR7", 45_000.0, TOPS, AS_OF)
    assert float(r.annual_gbp) == TOPS[9] - TOPS[7]
    assert int(r.protected_grade) == 9
    assert float(r.cost_gbp) == pytest.approx((TOPS[9] - TOPS[7]) / 12 * 18)  # 18 monthly instalments
    assert float(r.monthly_gbp) == pytest.approx((TOPS[9] - TOPS[7]) / 12)


def test_within_two_grades_the_salary_is_protected_and_the_same_grade_gets_nothing():
    r = loss_of_earnings(["KR9", "KR9", "KR8", "KR7", "KR10"], ["KR7", "KR8", "KR8", "KR9", "KR7"],
                         [37_000.0, 37_000.0, 33_000.0, 29_000.0, 36_000.0], TOPS, AS_OF)
    # KR9 -> KR7: two grades down, the salary itself; the same or a higher grade: 0; a salary
    # below the top of the grade two above the new one caps at the salary.
    assert r.annual_gbp.tolist() == [7_000.0, 3_000.0, 0.0, 0.0, 6_000.0]


def test_a_missing_grade_maximum_is_never_zero():
    r = loss_of_earnings(["KR10", "KR10", "KR5"], ["KR7", "KR3", "KR4"], 45_000.0, {7: 30_000.0}, AS_OF)
    assert np.isnan(r.annual_gbp).all()
    assert r.missing_grade.tolist() == [9, 3, 4]


def test_named_grades_are_refused():
    r = loss_of_earnings(["KR5", "KR Entry"], ["Apprentice", "KR3"], 25_000.0, TOPS, AS_OF)
    assert r.named_grade.tolist() == [True, True] and np.isnan(r.annual_gbp).all()


# ------------------------------------------------------------------ unreduced pension (L.4.E)

def test_unreduced_pension_needs_55_two_years_and_lgps():
    flag = unreduced_pension_on_redundancy([55, 54, 55, 55, 70], [2, 2, 1, 2, 40],
                                           [True, True, True, False, True], AS_OF)
    assert flag.tolist() == [1.0, 0.0, 0.0, 0.0, 1.0]


def test_pension_flag_strain_cost_and_its_problems_through_the_figures():
    rows = [
        person(**{"Employee ID": "A", "Date of birth": "1971-03-31", "Pension strain cost £": 50_000}),  # 56
        person(**{"Employee ID": "B", "Date of birth": "1972-04-01", "Pension strain cost £": 40_000}),  # 55 tomorrow
        person(**{"Employee ID": "C", "LGPS member?": "No", "Pension strain cost £": 1_000}),
        person(**{"Employee ID": "D"}),  # flagged, no quote
        person(**{"Employee ID": "E", "At risk of redundancy": "No", "Pension strain cost £": 1_000}),
        person(**{"Employee ID": "F", "Continuous service date": "2025-04-01"}),  # under 2 years
    ]
    _, f = run(rows)
    assert f.values["unreduced_pension"].tolist() == [True, False, False, True, None, False]
    strain = f.values["pension_strain_cost_gbp"]
    assert strain[0] == 50_000 and np.isnan(strain[1:]).all()
    assert f.status[0] == "OK" and f.status[3] == "OK" and f.status[5] == "OK"
    assert "redundancy brings no unreduced pension (that needs age 55 or over and 2 years'" in f.status[1]
    assert "redundancy brings no unreduced pension" in f.status[2]
    assert "pension_strain_gbp is given on a row not marked at risk" in f.status[4]
    t = restructure_totals(f)
    assert t["pension_strain_gbp"] == 50_000 and t["unreduced_pension_headcount"] == 2
    assert t["strain_not_quoted"] == 1


# ------------------------------------------------------------------ notice through the figures

@pytest.mark.parametrize(("grade", "service_start", "want_days"), [
    ("KR8", "2027-03-01", 30),    # 1 month of service: 1 week statutory, 1 month contractual (31 Mar -> 30 Apr)
    ("KR8", "2027-03-02", 30),    # under 1 month: no statutory notice, still 1 month contractual
    ("KR8", "2025-03-31", 30),    # 2 years: 2 weeks < 1 month
    ("KR8", "2025-04-01", 30),    # 1 year 11 months: 1 week
    ("KR8", "2021-03-31", 42),    # 6 years: 6 weeks beat 1 month
    ("KR8", "2015-03-31", 84),    # 12 years: 12 weeks
    ("KR8", "2015-04-01", 77),    # 11 years: 11 weeks
    ("KR8", "1990-03-31", 84),    # 37 years: still 12 weeks
    ("KR9", "2027-03-01", 61),    # 2 months contractual: 31 Mar -> 31 May
    ("KR9", "2018-03-31", 63),    # 9 weeks beat 2 months
    ("KR10", "2027-03-01", 91),   # 3 months: 31 Mar -> 30 Jun
    ("KR10", "2015-03-31", 91),   # 12 weeks (84) < 3 months
])
def test_notice_at_each_band_edge_through_the_figures(grade, service_start, want_days):
    _, f = run([person(Grade=grade, **{"Continuous service date": service_start})])
    assert f.status.tolist() == ["OK"]
    assert f.values["notice_days"][0] == want_days
    core = notice(grade, service_start, AS_OF, 36_500.0)
    assert float(core.days) == want_days
    assert f.values["notice_pay_gbp"][0] == pytest.approx(round(want_days * 36_500 / 365, 2))


def test_notice_only_for_posts_at_risk_and_zero_when_not_employed_on_the_date():
    _, f = run([person(**{"At risk of redundancy": "No"}),
                person(**{"Employee ID": "E2", "Employment end": "2027-01-31"}),
                person(**{"Employee ID": "E3", "Contract type": "Casual", "Hours worked this leave year": 100})])
    assert np.isnan(f.values["notice_days"][0]) and np.isnan(f.values["notice_pay_gbp"][0])
    assert f.values["notice_days"][1] == 0 and f.values["notice_pay_gbp"][1] == 0
    assert np.isnan(f.values["notice_days"][2])


# ------------------------------------------------------------------ LEC through the figures

def test_lec_through_the_figures_and_the_missing_top_in_words():
    rows = [
        person(**{"Employee ID": "R1", "Grade": "KR10", "Annual salary": 45_000, "At risk of redundancy": "No",
                  "Redeployed to grade": "KR7"}),
        person(**{"Employee ID": "R2", "Grade": "KR10", "Annual salary": 45_000, "At risk of redundancy": None,
                  "Redeployed to grade": "KR6"}),
        person(**{"Employee ID": "R3", "Redeployed to grade": "KR5"}),  # at risk and redeployed
        person(**{"Employee ID": "R4", "At risk of redundancy": "No", "Redeployed to grade": "KR2"}),
    ]
    _, f = run(rows, grade_max=tuple(TOPS.items()))
    assert f.values["lec_annual_gbp"][0] == TOPS[9] - TOPS[7]
    assert f.values["lec_cost_gbp"][0] == pytest.approx((TOPS[9] - TOPS[7]) * 18 / 12)
    assert f.status[0] == "OK"
    assert missing_top_words(6) in f.status[1] and "the top of KR6 is not in the grade maximum table" in f.status[1]
    assert np.isnan(f.values["lec_annual_gbp"][1])
    assert "a post is either made redundant or redeployed, not both" in f.status[2]
    assert "redeployed_grade is not a Kent Scheme grade" in f.status[3]
    t = restructure_totals(f)
    assert t["lec_gbp"] == pytest.approx((TOPS[9] - TOPS[7]) * 18 / 12) and t["redeployed_headcount"] == 1


def test_a_part_timers_lec_takes_the_tops_pro_rata():
    """The grade maxima are full-time salaries; a part-timer's salary is pro rata (B.2.C). A
    half-time KR9 on £20,000 (£40,000 full time) redeployed to KR7 was set against the full-time
    top of KR7 (£30,000): £0, status OK. Pro rata, the tops are halves: £19,000 - £15,000."""
    tops = {7: 30_000.0, 9: 38_000.0}
    full = loss_of_earnings("KR9", "KR7", 40_000.0, tops, AS_OF)
    for fte in (1.0, 0.5, 30 / 37):
        part = loss_of_earnings("KR9", "KR7", 40_000.0 * fte, tops, AS_OF, fte)
        assert float(part.annual_gbp) == pytest.approx(float(full.annual_gbp) * fte, abs=1e-9)
    rows = [person(**{"Employee ID": f"P{k}", "Grade": "KR9", "Annual salary": salary, "Weekly hours": hours,
                      "At risk of redundancy": "No", "Redeployed to grade": "KR7"})
            for k, (salary, hours) in enumerate(((40_000.0, 37), (20_000.0, 18.5), (16_000.0, 18.5)))]
    _, f = run(rows, grade_max=tuple(tops.items()))
    assert f.values["lec_annual_gbp"].tolist() == pytest.approx([8_000.0, 4_000.0, 1_000.0])
    assert f.status.tolist() == ["OK"] * 3


def test_a_casual_or_relief_post_at_risk_is_a_problem_not_a_free_redundancy():
    """Redundancy is costed for salaried staff: a relief or casual post marked at risk counted in
    the at-risk headcount and added £0 to the restructure, status OK. It is the row's problem."""
    rows = [person(**{"Employee ID": "C1", "Contract type": "Relief", "Hours worked": 500}),
            person(**{"Employee ID": "C2", "Contract type": "Casual", "Hours worked": 500}),
            person(**{"Employee ID": "C3"}),
            person(**{"Employee ID": "C4", "Contract type": "Casual", "Hours worked": 500,
                      "At risk of redundancy": "No"})]
    _, f = run(rows)
    words = "at_risk is Yes on a casual or relief row (redundancy is costed for salaried staff)"
    assert f.status.tolist() == [words, words, "OK", "OK"]
    assert totals(f)["at_risk_headcount"] == 1


def test_no_grade_maxima_is_a_problem_for_the_redeployed_row_only():
    _, f = run([person(**{"At risk of redundancy": "No", "Redeployed to grade": "KR5"}),
                person(**{"Employee ID": "E2"})])
    assert missing_top_words(5) in f.status[0]
    assert f.status[1] == "OK"


def test_grade_max_option():
    assert parse_grade_max("KR7=30000, KR9 = 38000;kr10=43000.5") == ((7, 30000.0), (9, 38000.0), (10, 43000.5))
    for bad in ("KR7", "KR Entry=20000", "KR7=abc", "KR7=-1"):
        with pytest.raises(SettingsError):
            parse_grade_max(bad)
    with pytest.raises(SettingsError, match="gives KR7 twice"):  # (the last one won, with no word)
        parse_grade_max("KR7=30000,KR9=38000,KR7=31000")
    assert parse_grade_max("KR7=30000,kr7=30000") == ((7, 30000.0),)  # the same top twice: one


# ------------------------------------------------------------------ totals against the rows

def test_restructure_totals_equal_the_per_row_figures():
    from tests.test_recalc import sample_table
    from xl_kent.lists.figures import STAFF_SCHEMA

    t, _ = sample_table(rows=400, bad=8, seed=3)
    s = default_settings(str(AS_OF), pension_rate=0.2, pay_award_pct=0.0)
    staff = read_staff(t, s.as_of, schema=STAFF_SCHEMA)
    f = compute(staff, s, t)
    tot = restructure_totals(f)
    ok, risk, v = f.ok, f.ok & f.at_risk, f.values
    assert risk.sum() > 5
    assert tot["notice_pay_gbp"] == pytest.approx(np.nansum(v["notice_pay_gbp"][risk]))
    assert tot["redundancy_pay_gbp"] == pytest.approx(np.nansum(v["redundancy_pay_gbp"][risk]))
    assert tot["untaken_leave_gbp"] == pytest.approx(np.nansum(v["leave_value_gbp"][risk]))
    assert tot["restructure_cost_gbp"] == pytest.approx(sum(tot[k] for k, _ in RESTRUCTURE_TOTALS[:5]))
    # every at-risk OK row has its notice, and only at-risk rows do
    assert not np.isnan(v["notice_days"][risk]).any()
    assert np.isnan(v["notice_days"][ok & ~f.at_risk]).all()
    core = notice(np.asarray(staff.values["grade"])[risk], staff.values["service_start"][risk], AS_OF,
                  staff.values["annual_salary"][risk])
    employed = ~np.isnan(core.days) & (v["notice_days"][risk] > 0)
    assert np.array_equal(v["notice_days"][risk][employed], core.days[employed])


# ------------------------------------------------------------------ recalc and fill budget, row by row

RESTRUCTURE_FIGURES = ("notice_days", "notice_pay_gbp", "unreduced_pension", "pension_strain_cost_gbp",
                       "lec_annual_gbp", "lec_cost_gbp")


def _rows_file(tmp_path):
    import datetime as dt

    import openpyxl

    from xl_kent.lists import synth

    s = synth.staff_sample(150, bad=0, seed=11, as_of=AS_OF)
    wb = openpyxl.Workbook()
    ws = wb.active
    headers = list(s.headers) + ["Redeployed to grade"]
    ws.append(headers)
    n = len(s.columns[0])
    for i in range(n):
        row = []
        for c in s.columns:
            v = c[i]
            if isinstance(v, np.datetime64):
                v = None if np.isnat(v) else v.astype(dt.date)
            elif isinstance(v, (float, np.floating)) and np.isnan(v):
                v = None
            elif isinstance(v, np.generic):
                v = v.item()
            row.append(v)
        ws.append(row + [None])
    base = {"Employee ID": 0, "Grade": "KR10", "Annual Salary": 45_000.0, "Date of Birth": dt.date(1965, 1, 1),
            "Continuous Service Date": dt.date(2005, 1, 1), "At Risk": "No"}
    extra = [{**base, "Employee ID": 9001, "Redeployed to grade": "KR7"},
             {**base, "Employee ID": 9002, "Redeployed to grade": "KR5"},  # no top of KR5
             {**base, "Employee ID": 9003, "At Risk": "Yes", "Pension strain cost £": 60_000.0},
             {**base, "Employee ID": 9004, "At Risk": "Yes", "LGPS member?": "No", "Pension strain cost £": 9.0},
             {**base, "Employee ID": 9005, "At Risk": "Yes", "Grade": "KR9"}]
    for e in extra:
        ws.append([e.get(h) for h in headers])
    path = tmp_path / "staff.xlsx"
    wb.save(path)
    return path


def test_recalc_and_the_filled_budget_give_the_same_restructure_figures_row_by_row(tmp_path):
    import math

    from test_cli import run

    from xl_kent.files.reading import read_table
    from xl_kent.lists.fields import header_scorer
    from xl_kent.lists.figures import FIGURES, STAFF_SCHEMA

    staff_path = _rows_file(tmp_path)
    opts = ("--as-of", str(AS_OF), "--pension-rate", "18.5", "--pay-award", "2.5",
            "--grade-max", "KR7=30000,KR8=34000,KR9=38000")
    code, out, err = run("recalc", staff_path, *opts, "-o", tmp_path / "r.xlsx")
    assert code == 1, err  # the rows without a top or with a strain cost that does not count
    code2, out2, err2 = run("fill", "budget", "--staff", staff_path, *opts, "-o", tmp_path / "b.xlsx")
    assert code2 == 1, err2
    r = read_table(tmp_path / "r.xlsx", sheet="Staff")
    rc = {h: r.columns[j] for j, h in enumerate(r.headers)}
    b = read_table(tmp_path / "b.xlsx", sheet="Staff", scorer=header_scorer(STAFF_SCHEMA))
    label = {f.label: f.name for f in FIGURES}
    bc = {label.get(h, h): b.columns[j] for j, h in enumerate(b.headers)}
    n = r.n_rows
    for name in RESTRUCTURE_FIGURES:
        for i in range(n):
            want, got = rc[name][i], bc[name][i]
            if name == "unreduced_pension":
                assert {True: "Yes", False: "No", None: None}[want] == (got or None), (name, i)
                continue
            w = math.nan if want in (None, "") else float(want)
            g = math.nan if got in (None, "") else float(got)
            assert (math.isnan(w) and math.isnan(g)) or abs(w - g) <= 0.005, (name, i, w, g)
    assert rc["lec_annual_gbp"][n - 5] == 8_000 and rc["pension_strain_cost_gbp"][n - 3] == 60_000
    assert "the top of KR5 is not in the grade maximum table" in rc["status"][n - 4]
    assert "redundancy brings no unreduced pension" in rc["status"][n - 2]
    assert rc["notice_days"][n - 1] == 84  # KR9 with 22 years: 12 weeks beat 2 months (61 days)
    for label_ in ("Pay in lieu of notice £", "Loss of earnings compensation £", "Restructure cost £"):
        line = next(x for x in out.splitlines() if x.startswith(f"{label_}: "))
        assert line == next(x for x in out2.splitlines() if x.startswith(f"{label_}: ")), label_
    assert "grade maxima £ a year (Loss of Earnings Compensation; --grade-max): KR7=30000, KR8=34000, KR9=38000" \
        in out
