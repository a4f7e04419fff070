"""One path from a user's file to a figure: every command reads the same way, checks the same way,
computes the same figures, and reads what the project itself writes.

Files are typed the way users type them: their own headers, title rows above the header,
columns we do not use, no leave-taken column, the project's own outputs fed back in.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from test_cli import run  # the command line in this process: exit code, stdout, stderr

from xl_kent.files.reading import read_table
from xl_kent.lists import synth
from xl_kent.lists.award_log import AWARD_SCHEMA
from xl_kent.lists.fields import header_scorer
from xl_kent.lists.figures import FIGURES, STAFF_SCHEMA, TOTALS

AS_OF = "2027-03-31"
RATES = ("--pension-rate", "18.5", "--pay-award", "2.5")
LABEL = {f.label: f.name for f in FIGURES}
BUDGET_FIGURES = ("fte", "year_share", "weekly_pay_gbp", "pay_cost_gbp", "employer_ni_gbp", "pension_gbp", "levy_gbp",
                  "total_cost_gbp", "leave_year_entitlement_days", "leave_year_entitlement_hours",
                  "leave_accrued_days", "leave_accrued_hours", "leave_untaken_days", "leave_value_gbp",
                  "sick_absence_cost_gbp", "age_years", "service_years", "redundancy_weeks", "redundancy_pay_gbp")


def _xlsx(path: Path, headers: list[str], rows: list[list], title: list[str] | None = None,
          first_sheet: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if first_sheet:
        ws.title = first_sheet
        ws.append(["This sheet explains the list; the data is on the next sheet."])
        ws = wb.create_sheet("Staff list")
    for line in title or []:
        ws.append([line])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _edge_rows() -> list[dict]:
    base = {"Employee Number": "X1", "Grade": "KR6", "Annual Salary": 30_000.0, "Date of Birth": dt.date(1980, 1, 1),
            "Continuous Service Date": dt.date(2010, 1, 1), "At Risk": "Yes", "Leave Taken (days)": 12.0}
    return [
        {**base, "Employee Number": "D1"}, {**base, "Employee Number": "d1 "},  # the same id twice
        {**base, "Employee Number": "S16", "Date of Birth": dt.date(2000, 5, 1),
         "Continuous Service Date": dt.date(2014, 1, 1)},  # service before the 16th birthday
        {**base, "Employee Number": "LOW", "Annual Salary": 500.0},
        {**base, "Employee Number": "SICK", "Sick Days (12 months)": 400.0},
        {**base, "Employee Number": "FUT", "End Date": dt.date(2150, 1, 1)},
        {**base, "Employee Number": "TBC", "Annual Salary": "TBC"},
        {**base, "Employee Number": "KR2", "Grade": "KR2"},
        {**base, "Employee Number": "RISK", "At Risk": "maybe"},
        {**base, "Employee Number": "LEFT", "End Date": dt.date(2026, 10, 31), "Leave Taken (days)": 20.0},
        {},  # a blank row inside the list
        {**base, "Employee Number": "CAS", "Contract": "Casual", "Hours Worked": 120.0, "Annual Salary": None,
         "At Risk": None, "Leave Taken (days)": None},
    ]


@pytest.fixture(scope="module")
def staff_list(tmp_path_factory):
    """A 300-row synthetic list with user headers, a title block, a Notes column and edge rows."""
    d = tmp_path_factory.mktemp("one_path")
    s = synth.staff_sample(300, bad=6, seed=77, as_of=np.datetime64(AS_OF))
    headers = ["Employee Number" if h == "Employee ID" else h for h in s.headers] + ["Notes"]
    rows = []
    for i in range(300):
        row = []
        for c in s.columns:
            v = c[i]
            if isinstance(v, np.datetime64):
                v = None if np.isnat(v) else v.astype(dt.date)
            elif isinstance(v, (float, np.floating)) and math.isnan(v):
                v = None
            elif isinstance(v, np.generic):
                v = v.item()
            row.append(v)
        rows.append(row + ["note" if i % 7 == 0 else None])
    for e in _edge_rows():
        rows.append([e.get(h) for h in headers])
    path = _xlsx(d / "staff.xlsx", headers, rows, title=["Kent County Council", "Staff list 2026/27", ""],
                 first_sheet="Read me")
    return path


@pytest.fixture(scope="module")
def outputs(staff_list):
    d = staff_list.parent
    recalc_out = d / "staff.recalc.xlsx"
    code, out, err = run("recalc", staff_list, "--as-of", AS_OF, *RATES, "-o", recalc_out)
    assert code == 1, err
    budget_out = d / "budget.xlsx"
    code2, out2, err2 = run("fill", "budget", "--staff", staff_list, "--as-of", AS_OF, *RATES, "-o", budget_out)
    assert code2 == 1, err2
    return {"recalc": recalc_out, "budget": budget_out, "recalc_out": out, "recalc_err": err, "fill_out": out2,
            "fill_err": err2}


def _recalc(path: Path):
    t = read_table(path, sheet="Staff")
    return {h: t.columns[j] for j, h in enumerate(t.headers)}, t


def _summary(path: Path) -> dict:
    t = read_table(path, sheet="Summary")
    return dict(zip(t.columns[0].tolist(), t.columns[1].tolist(), strict=True))


def _budget_staff(path: Path):
    t = read_table(path, sheet="Staff", scorer=header_scorer(STAFF_SCHEMA))
    return {LABEL.get(h, h): t.columns[j] for j, h in enumerate(t.headers)}, t


def _num(v) -> float:
    if v is None or v == "":
        return math.nan
    return float(v)


def test_the_reader_finds_the_data_past_a_read_me_sheet_and_title_rows(outputs):
    assert "reading sheet 'Staff list', header on row 4, passed over: 'Read me'" in outputs["recalc_err"]
    assert "columns not used: 'Notes'" in outputs["recalc_err"]
    assert "columns not used by the budget: 'Notes'" in outputs["fill_err"]


def test_recalc_and_fill_budget_flag_the_same_rows_with_the_same_reasons(outputs):
    r, _ = _recalc(outputs["recalc"])
    b, table = _budget_staff(outputs["budget"])
    n = len(r["status"])
    assert table.n_rows >= n - 0  # every row in is a row out (the budget keeps an interior blank row blank)
    rs = r["status"].tolist()
    bs = [("row is blank" if v in (None, "") else v) for v in b["status"].tolist()[:n]] if "status" in b else None
    bs = bs or [("row is blank" if v in (None, "") else v) for v in b["Status"].tolist()[:n]]
    assert rs == bs
    for reason in ("employee_id is on more than one row", "service_start is before the 16th birthday",
                   "annual_salary is below £1,000", "prior_sick_days is above 366", "employment_end is after the year 2100",
                   "annual_salary is not a number", "grade is not a Kent Scheme grade", "at_risk is not Yes or No"):
        assert any(reason in s for s in rs), reason


def test_recalc_and_fill_budget_give_the_same_figures_row_by_row(outputs):
    r, _ = _recalc(outputs["recalc"])
    b, _ = _budget_staff(outputs["budget"])
    n = len(r["status"])
    at_risk = [str(v).casefold() == "yes" for v in r["At Risk"].tolist()]
    bad = []
    for name in BUDGET_FIGURES:
        got, want = b[name].tolist()[:n], r[name].tolist()
        for i in range(n):
            g, w = _num(got[i]), _num(want[i])
            if name.startswith("redundancy") and not at_risk[i]:
                w = math.nan  # the budget shows redundancy for the posts at risk only
            money = name.endswith("_gbp")
            same = (math.isnan(g) and math.isnan(w)) or (not math.isnan(g) and not math.isnan(w) and
                                                          abs(g - w) <= (0.005 + 1e-9 if money else 1e-9))
            if not same:
                bad.append((name, i, g, w))
    assert not bad, bad[:10]


def test_recalc_and_fill_budget_give_the_same_totals(outputs):
    s = _summary(outputs["recalc"])
    for _key, label in TOTALS:
        assert f"{label}: " in outputs["fill_out"], label
        printed = next(line for line in outputs["fill_out"].splitlines() if line.startswith(f"{label}: "))
        value = printed.split(": ", 1)[1].replace(",", "")
        assert float(value) == pytest.approx(float(s[label]), abs=0.006), label
    assert float(s["Redundancy cost £ (posts at risk)"]) > 0 and float(s["Leave liability £"]) != 0


def test_recalc_reads_the_filled_budget_and_its_own_output_with_the_same_verdicts_and_figures(outputs, tmp_path):
    first, _ = _recalc(outputs["recalc"])
    for source in (outputs["budget"], outputs["recalc"]):
        again = tmp_path / f"again_{source.stem}.xlsx"
        code, _, err = run("recalc", source, "--as-of", AS_OF, *RATES, "-o", again)
        assert code == 1, err
        assert "computed again" in err  # the earlier results are named, not read
        r, t = _recalc(again)
        blank = [s == "row is blank" for s in first["status"].tolist()]
        got = [s for s, b in zip(r["status"].tolist(), blank, strict=False) if not b]
        assert got == [s for s, b in zip(first["status"].tolist(), blank, strict=True) if not b] or \
            r["status"].tolist() == first["status"].tolist()
        assert t.headers.count("status") == 1 and t.headers.count("pay_cost_gbp") == 1
        for name in ("pay_cost_gbp", "leave_value_gbp", "sick_absence_cost_gbp", "redundancy_weeks"):
            a = [_num(v) for v in first[name].tolist()]
            b = [_num(v) for v in r[name].tolist()]
            if len(b) != len(a):  # the filled budget has no interior blank row
                a = [x for x, bl in zip(a, blank, strict=True) if not bl]
                b = b[: len(a)]
            assert all((math.isnan(x) and math.isnan(y)) or abs(x - y) < 0.006 for x, y in zip(a, b, strict=True)), name
        s1, s2 = _summary(outputs["recalc"]), _summary(again)
        for _key, label in TOTALS:
            assert float(s2[label]) == pytest.approx(float(s1[label]), abs=0.006), (source.name, label)


@pytest.mark.parametrize("source", ["recalc", "budget"])
def test_fill_budget_reads_a_recalc_output_and_a_filled_budget(outputs, tmp_path, source):
    out = tmp_path / "budget2.xlsx"
    code, text, err = run("fill", "budget", "--staff", outputs[source], "--as-of", AS_OF, *RATES, "-o", out)
    assert code == 1, err
    for _key, label in TOTALS:
        line = next(x for x in text.splitlines() if x.startswith(f"{label}: "))
        first = next(x for x in outputs["fill_out"].splitlines() if x.startswith(f"{label}: "))
        assert line == first


def test_the_filled_budget_says_which_rates_are_examples(staff_list, tmp_path):
    code, _, err = run("fill", "budget", "--staff", staff_list, "--as-of", AS_OF, "-o", tmp_path / "b.xlsx")
    assert code == 1
    assert "pension rate 20.0% is an EXAMPLE" in err and "pay award 3.0% is an EXAMPLE" in err


def test_a_list_without_leave_taken_says_the_liability_assumes_none(tmp_path):
    src = _xlsx(tmp_path / "s.xlsx", ["Employee ID", "Grade", "Salary", "DOB", "CSD"],
                [["E1", "KR6", 30000, dt.date(1980, 1, 1), dt.date(2010, 1, 1)]])
    for argv in (("recalc", src, "-o", tmp_path / "r.xlsx"), ("fill", "budget", "--staff", src, "-o",
                                                               tmp_path / "b.xlsx")):
        code, _, err = run(*argv, "--as-of", AS_OF, *RATES)
        assert code == 0, err
        assert "no leave-taken column: the leave liability assumes no leave has been taken" in err
    t = read_table(tmp_path / "r.xlsx", sheet="Summary")
    notes = [v for k, v in zip(t.columns[0].tolist(), t.columns[1].tolist(), strict=True) if k == "note"]
    assert any("no leave-taken column" in v for v in notes)
    wb = openpyxl.load_workbook(tmp_path / "b.xlsx", read_only=True)
    said = [c for row in wb["Summary"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    wb.close()
    assert any(c.startswith("Note: no leave-taken column: the leave liability assumes") for c in said)


def test_unfamiliar_headers_give_a_result_in_one_run(tmp_path):
    """A list whose headers are close to ours but none of them exactly: one run, and it says how it read them."""
    headers = ["Staff Ref No", "Grade (KR)", "Salary (actual) £", "D.O.B.", "Contnuous Service Date", "Leaver Date",
               "Notes"]
    rows = [["E1", "KR6", 30000, dt.date(1980, 1, 1), dt.date(2010, 1, 1), None, "x"],
            ["E2", "KR9", 38000, dt.date(1975, 6, 1), dt.date(2001, 9, 3), dt.date(2026, 12, 31), None]]
    src = _xlsx(tmp_path / "hr.xlsx", headers, rows)
    code, out, err = run("recalc", src, "--as-of", AS_OF, *RATES)
    assert code == 0, err
    assert "'Contnuous Service Date' as service_start" in err and "'Notes'" in err
    r, _ = _recalc(tmp_path / "hr.recalc.xlsx")
    assert r["status"].tolist() == ["OK", "OK"] and r["in_post_on_as_of"].tolist() == [True, False]
    s = _summary(tmp_path / "hr.recalc.xlsx")
    assert s["leavers (employment_end on or before the as-of date)"] == 1


def test_every_missing_column_is_named_in_one_run(tmp_path):
    src = _xlsx(tmp_path / "odd.xlsx", ["Ref", "Band", "Pay", "Born", "Since"],
                [["E1", "KR6", 30000, dt.date(1980, 1, 1), dt.date(2010, 1, 1)]])
    code, _, err = run("recalc", src, "--as-of", AS_OF)
    assert code == 2 and err.count("\n") == 1
    for name in ("employee_id", "grade", "annual_salary", "date_of_birth", "service_start"):
        assert name in err


# ---------------------------------------------------------------- award logs

_TEMPLATE_HEADERS = ["Employee ID", "Award date", "Amount £", "Individual or team", "Work reference",
                     "Team award endorsed?", "Teachers' terms?", "Capability procedure?"]


def _award_rows():
    """Awards with the breaches the template's own columns carry, and the rule each must break (0 = OK)."""
    d = dt.date
    rows = [  # (row, expected rule)
        (["A1", d(2026, 5, 1), 250, "Team", "P1", "Yes", "No", "No"], 2),  # P1's team total 750 > 500
        (["A2", d(2026, 5, 1), 250, "Team", "P1", "Yes", None, None], 2),
        (["A3", d(2026, 5, 1), 250, "Team", "P1", "Yes", None, None], 2),
        (["B1", d(2026, 6, 1), 100, "Team", "P2", "No", None, None], 5),  # not endorsed
        (["B2", d(2026, 6, 1), 100, "Team", "P2", "No", None, None], 5),
        (["C1", d(2026, 7, 1), 100, "Team", "P3", "Yes", None, None], 4),  # same work rewarded twice
        (["C1", d(2026, 7, 2), 100, "Individual", "P3", None, None, None], 4),
        (["T1", d(2026, 8, 1), 100, "Individual", "W1", None, "Yes", None], 1),  # Teachers' terms
        (["K1", d(2026, 8, 1), 100, "Individual", "W2", None, None, "Yes"], 1),  # capability procedure
        (["OK1", d(2026, 9, 1), 200, "Individual", "W3", None, "No", "No"], 0),
        (["OK2", d(2026, 9, 1), 150, "Team", "P4", "Yes", None, None], 0),
    ]
    return [r for r, _ in rows], [rule for _, rule in rows]


def test_awards_reads_the_template_headers_and_finds_every_breach(tmp_path):
    rows, rules = _award_rows()
    src = _xlsx(tmp_path / "log.xlsx", _TEMPLATE_HEADERS, rows, title=["Award log", "", ""])
    code, _, err = run("awards", src)
    assert code == 1, err
    t = read_table(tmp_path / "log.checked.xlsx")
    ok = t.columns[t.headers.index("award_ok")].tolist()
    assert ok == [rule == 0 for rule in rules]
    code, _, err = run("fill", "awards", "--log", src, "-o", tmp_path / "tracking.xlsx", "--to", "2026-11-30")
    assert code == 1, err
    filled = read_table(tmp_path / "tracking.xlsx", scorer=header_scorer(AWARD_SCHEMA))
    within = filled.columns[filled.headers.index("Within the scheme?")].tolist()[: len(rows)]
    assert [bool(v) for v in within] == [rule == 0 for rule in rules]


def test_awards_reads_a_filled_award_template_and_its_own_output(tmp_path):
    rows, rules = _award_rows()
    src = _xlsx(tmp_path / "log.xlsx", _TEMPLATE_HEADERS, rows)
    assert run("fill", "awards", "--log", src, "-o", tmp_path / "tracking.xlsx", "--to", "2026-11-30")[0] == 1
    for source in (tmp_path / "tracking.xlsx",):
        code, _, err = run("awards", source, "-o", tmp_path / "again.xlsx")
        assert code == 1, err
        assert "reading sheet 'Award log', header on row 4, passed over: 'How to use'" in err
        t = read_table(tmp_path / "again.xlsx")
        assert t.columns[t.headers.index("award_ok")].tolist()[: len(rows)] == [rule == 0 for rule in rules]
    code, _, err = run("awards", tmp_path / "again.xlsx", "-o", tmp_path / "again2.xlsx")
    assert code == 1 and "computed again" in err
    t = read_table(tmp_path / "again2.xlsx")
    assert t.headers.count("award_ok") == 1
    assert t.columns[t.headers.index("award_ok")].tolist()[: len(rows)] == [rule == 0 for rule in rules]
    code, _, err = run("fill", "awards", "--log", tmp_path / "again2.xlsx", "-o", tmp_path / "t2.xlsx",
                       "--to", "2026-11-30")
    assert code == 1, err


# ---------------------------------------------------------------- a template typed by hand

def test_recalc_reads_a_template_typed_by_hand(tmp_path):
    from workbooks.build import template_path
    from xl_kent.lists.staff import STAFF_FIELDS

    wb = openpyxl.load_workbook(template_path("budget"))
    ws = wb["Staff"]
    inputs = range(1, len(STAFF_FIELDS) + 1)  # every input column of the Staff sheet
    labels = {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    row = 5
    for values in ({"Employee ID": "H1", "Grade": "KR7", "Annual salary £": 31_000, "Date of birth":
                    dt.datetime(1985, 3, 1), "Continuous service date": dt.datetime(2016, 9, 1),
                    "At risk of redundancy": "Yes"},
                   {"Employee ID": "H2", "Grade": "KR2", "Annual salary £": 31_000, "Date of birth":
                    dt.datetime(1985, 3, 1), "Continuous service date": dt.datetime(2016, 9, 1)}):
        for c in inputs:
            ws.cell(row, c).value = None
        for k, v in values.items():
            ws.cell(row, labels[k]).value = v
        row += 1
    for r in range(row, row + 20):  # the template's example rows below are cleared
        for c in inputs:
            ws.cell(r, c).value = None
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    code, _, err = run("recalc", typed, "--as-of", AS_OF, *RATES, "-o", tmp_path / "typed.recalc.xlsx")
    assert code == 1, err
    assert "passed over: 'How to use'" in err
    r, t = _recalc(tmp_path / "typed.recalc.xlsx")
    assert t.n_rows == 2
    assert r["status"].tolist() == ["OK", "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)"]
    assert float(r["redundancy_weeks"][0]) > 0


def test_awards_and_fill_awards_read_an_award_template_typed_by_hand(tmp_path):
    from workbooks.build import template_path

    rows, rules = _award_rows()
    wb = openpyxl.load_workbook(template_path("awards"))
    ws = wb["Award log"]
    labels = {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(5, 40):  # the template's example rows are cleared, then the log typed in
        for header in labels:
            if header in _TEMPLATE_HEADERS or header in ("Name", "Grade", "Part-time?", "Directorate", "Front-line?",
                                                         "Not eligible (other reason)?"):
                ws.cell(r, labels[header]).value = None
    for k, row in enumerate(rows):
        for header, v in zip(_TEMPLATE_HEADERS, row, strict=True):
            ws.cell(5 + k, labels[header]).value = dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) else v
    typed = tmp_path / "typed_log.xlsx"
    wb.save(typed)
    code, _, err = run("awards", typed, "-o", tmp_path / "typed.checked.xlsx")
    assert code == 1, err
    t = read_table(tmp_path / "typed.checked.xlsx")
    assert t.n_rows == len(rows)
    assert t.columns[t.headers.index("award_ok")].tolist() == [rule == 0 for rule in rules]
    code, _, err = run("fill", "awards", "--log", typed, "-o", tmp_path / "typed_tracking.xlsx", "--to", "2026-11-30")
    assert code == 1, err


def test_a_row_with_cells_only_in_a_column_not_used_is_blank_in_a_filled_copy(tmp_path):
    """A filled template carries only the columns read as fields, so a row with cells only in
    the others (a note) is a blank row of the copy, as its formulas see it, and its stored
    Status agrees with them; fill says so. recalc, which carries every column, keeps it as a
    row with problems (it has a cell: it is not blank)."""
    src = tmp_path / "staff.csv"
    src.write_text("Employee ID,Grade,Annual Salary,Date of Birth,Continuous Service Date,Notes\n"
                   "E1,KR6,30000,01/02/1980,01/04/2010,\n"
                   ",,,,,vacant: to be recruited\n"
                   "E3,KR7,32000,01/02/1985,01/04/2015,\n", encoding="utf-8")
    code, _, err = run("fill", "budget", "--staff", src, "--as-of", AS_OF, "-o", tmp_path / "b.xlsx")
    assert code == 0, err
    assert "1 row(s) have cells only in columns not used by the budget: they are blank rows" in err
    b, _ = _budget_staff(tmp_path / "b.xlsx")
    assert [v or "" for v in b["Status"].tolist()[:3]] == ["OK", "", "OK"]
    code, _, err = run("recalc", src, "--as-of", AS_OF, "-o", tmp_path / "r.xlsx")
    assert code == 1
    r, _ = _recalc(tmp_path / "r.xlsx")
    assert r["status"].tolist()[1].startswith("employee_id is blank")
    log = tmp_path / "log.csv"
    log.write_text("Employee ID,Award Date,Amount,Kind,Work Reference,My notes\n"
                   "E1,01/06/2026,100,individual,W1,\n"
                   ",,,,,ask the manager\n", encoding="utf-8")
    code, _, err = run("fill", "awards", "--log", log, "-o", tmp_path / "t.xlsx", "--to", "2026-11-30")
    assert code == 0, err
    assert "1 row(s) have cells only in columns not used by the award template" in err


def test_rows_typed_below_the_budget_templates_rows_are_warned_of(tmp_path):
    """Rows typed below the budget template's pre-sized Staff rows are worked out by recalc, but the
    workbook's formulas stop at the last pre-sized row, so its totals leave them out: recalc says so."""
    from workbooks.build import template_path
    from workbooks.common import DATA_ROWS, FIRST_ROW

    wb = openpyxl.load_workbook(template_path("budget"))
    ws = wb["Staff"]
    labels = {ws.cell(FIRST_ROW - 1, c).value: c for c in range(1, ws.max_column + 1)}
    row = {"Employee ID": "E9", "Grade": "KR6", "Annual salary £": 30000, "Date of birth": dt.datetime(1980, 2, 1),
           "Continuous service date": dt.datetime(2010, 4, 1)}
    assert set(row) <= set(labels), sorted(h for h in labels if h)[:30]
    last = FIRST_ROW + DATA_ROWS - 1
    for r in (FIRST_ROW + 3, last + 2):
        for h, v in row.items():
            ws.cell(r, labels[h]).value = v if r < last else v if h != "Employee ID" else "E10"
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    code, _, err = run("recalc", path, "--as-of", AS_OF, "-o", tmp_path / "r.xlsx")
    assert f"1 row(s) below row {last:,} of the budget template's Staff sheet (rows {last + 2:,} to {last + 2:,})" in err
    inside = tmp_path / "inside.xlsx"
    ws.cell(last + 2, labels["Employee ID"]).value = None
    for h in row:
        ws.cell(last + 2, labels[h]).value = None
    wb.save(inside)
    code, _, err = run("recalc", inside, "--as-of", AS_OF, "-o", tmp_path / "r2.xlsx")
    assert "below row" not in err
