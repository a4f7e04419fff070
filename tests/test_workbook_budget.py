"""The budget planning template: every calculated cell, recalculated by LibreOffice, equals the model.

A test copy of the template holds ~300 generated staff rows and the edge rows a paste can
bring in; LibreOffice (with the xl-kent extension) recalculates it once, and every cell of
every calculated Staff column (all 5,000 rows), every Summary cell and the calculated
Assumptions cell must equal :func:`workbooks.budget.model` for the same inputs. The model
computes the KENT_ columns with the Excel layer (as Excel hands it the columns) and the
native columns by replicating the formulas, so nothing here is a hard-coded answer.
Further tests: the round trip keeps validation, protection, frozen panes and the chart;
the build is deterministic and spills; ``fill`` writes the model's values and its exit
codes; reading a staff list; and row independence (hypothesis).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lo_calc import CellError, same

from workbooks import budget, common
from xl_kent.leave import grade_entitlement_days

D = dt.date
LAST = common.FIRST_ROW + common.DATA_ROWS - 1


# ---------------------------------------------------------------- test rows
def generated_rows(n: int, seed: int = 20261123) -> list[dict]:
    """Realistic staff rows: grades of every band, part-time hours, joiners, leavers, at-risk
    posts, multipliers, cost centres of the list, one in another case, one not listed, blanks."""
    rng = np.random.default_rng(seed)
    grades = ["KR Entry", "Apprentice"] + [f"KR{k}" for k in range(3, 16)] + ["kr 6", 9.0]
    centres = [*budget.EXAMPLE_COST_CENTRES, "highways", "Unlisted Team", None]

    def day(lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))

    rows = []
    for i in range(n):
        dob = day(D(1958, 1, 1), D(2007, 6, 30))
        service = day(max(D(1985, 1, 1), D(dob.year + 17, dob.month, 1)), D(2027, 2, 28))
        r = {"employee_id": f"G{i:04d}", "name": f"Person {i}", "cost_centre": centres[rng.integers(len(centres))],
             "grade": grades[rng.integers(len(grades))],
             "annual_salary_gbp": float(round(rng.uniform(17_000, 72_000), 2)),
             "date_of_birth": dob, "service_start": service}
        if rng.random() < 0.35:
            r["weekly_hours"] = float(rng.choice([7.5, 15.0, 18.5, 22.2, 30.0, 36.0, 37.0]))
        if rng.random() < 0.12:
            r["employment_start"] = day(service, D(2027, 3, 1))
        if rng.random() < 0.12:
            end = day(D(2026, 1, 1), D(2027, 12, 31))
            if end >= r.get("employment_start", service):
                r["employment_end"] = end
        if rng.random() < 0.3:
            r["prior_sick_days"] = float(rng.integers(0, 250))
        u = rng.random()
        r["at_risk"] = "Yes" if u < 0.15 else ("No" if u < 0.8 else None)
        if rng.random() < 0.15:
            r["multiplier"] = float(rng.choice([1.0, 1.25, 1.5, 2.0]))
        if rng.random() < 0.7:
            r["leave_taken_days"] = float(rng.integers(0, 26))
        rows.append({k: v for k, v in r.items() if v is not None})
    return rows


_BASE = {"name": "Edge", "cost_centre": "Finance", "grade": "KR6", "annual_salary_gbp": 30_000.0,
         "date_of_birth": D(1980, 1, 1), "service_start": D(2010, 1, 1), "at_risk": "No"}
EDGE_ROWS = [  # what a paste can bring in
    {**_BASE, "employee_id": "X01", "annual_salary_gbp": "thirty k"},
    {**_BASE, "employee_id": "X02", "grade": "Manager"},
    {**{k: v for k, v in _BASE.items() if k != "date_of_birth"}, "employee_id": "X03", "at_risk": "Yes"},
    {**_BASE, "employee_id": "X04", "employment_start": D(2026, 6, 1), "employment_end": D(2026, 5, 1)},
    {**_BASE, "employee_id": "X05", "weekly_hours": 40.0},
    {**_BASE, "employee_id": "X06", "at_risk": "Yes", "multiplier": 3.0},
    {**_BASE, "employee_id": "X07", "employment_start": "soon"},
    {**_BASE, "employee_id": "X08", "leave_taken_days": "five"},
    {**_BASE, "employee_id": "X09", "at_risk": "maybe"},
    {**_BASE},  # data but no employee id
    {"employee_id": "X11"},  # an id and nothing else
    {**_BASE, "employee_id": "X12", "date_of_birth": D(2028, 1, 1), "at_risk": "Yes"},
    {**_BASE, "employee_id": "X13", "service_start": D(2027, 6, 1), "at_risk": "Yes"},
    {**_BASE, "employee_id": 1001.0, "grade": 6.0, "at_risk": "yes"},
    {**_BASE, "employee_id": "X15", "cost_centre": "#N/A", "weekly_hours": "full"},
    {**_BASE, "employee_id": "X16", "date_of_birth": "unknown", "at_risk": "Yes", "multiplier": 1.5},
    {**_BASE, "employee_id": "X17", "multiplier": 3.0},
    {**_BASE, "employee_id": "X18", "annual_salary_gbp": -5.0},
    {**_BASE, "employee_id": "X19", "prior_sick_days": "#N/A", "employment_end": D(2026, 3, 1)},
]


def _same(got, want) -> bool:
    """A LibreOffice value equals the model's: errors by their code, blanks as "", numbers closely."""
    return same(got, want, rel_tol=1e-9, abs_tol=1e-6)


def _summary_ref(k: int, j: int) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(common.FIRST_ROW - 1 + k, j)


def _mismatches_in_staff(values_of, m) -> list:
    bad = []
    for c in budget.CALC_COLUMNS:
        letter = budget.staff_column_letter(c.key)
        got = values_of(f"{letter}{common.FIRST_ROW}:{letter}{LAST}")
        assert len(got) == common.DATA_ROWS
        bad += [(c.key, common.FIRST_ROW + i, g, w) for i, (g, w) in enumerate(zip(got, m.staff[c.key], strict=True))
                if not _same(g, w)]
    return bad


def _mismatches_in_summary(cell_of, m) -> list:
    bad = []
    for k, label in enumerate(m.summary_rows):
        for j, c in enumerate(budget.SUMMARY_COLUMNS):
            got, want = cell_of(_summary_ref(k, j)), m.summary[(label, c.key)]
            if not _same(got, want):
                bad.append((label, c.key, got, want))
    return bad


# ---------------------------------------------------------------- the test copy in LibreOffice
@pytest.fixture(scope="module")
def test_copy(calc, tmp_path_factory):
    folder = tmp_path_factory.mktemp("budget")
    rows = generated_rows(300) + EDGE_ROWS
    a = budget.default_assumptions()
    path = folder / "budget_test.xlsx"
    budget.build(path, rows, a)
    book = calc.recalculate(path, save_as=folder / "saved.xlsx")
    return {"book": book, "model": budget.model(rows, a), "saved": folder / "saved.xlsx", "rows": rows,
            "assumptions": a, "folder": folder}


def test_every_calculated_staff_cell_equals_the_model(test_copy):
    bad = _mismatches_in_staff(lambda r: test_copy["book"].column("Staff", r), test_copy["model"])
    assert not bad, f"{len(bad)} cells differ (column, row, LibreOffice, model): {bad[:10]}"


def test_every_summary_cell_equals_the_model(test_copy):
    bad = _mismatches_in_summary(lambda r: test_copy["book"].cell("Summary", r), test_copy["model"])
    assert not bad, f"(row, column, LibreOffice, model): {bad}"


def test_calculated_assumptions_equal_the_model(test_copy):
    book, m = test_copy["book"], test_copy["model"]
    for name, value in m.assumptions.items():
        got = book.cell("Assumptions", budget.ASSUMPTION_CELLS[name])
        assert got == (value - D(1899, 12, 30)).days, name


def test_the_test_copy_covers_good_bad_and_blank_rows(test_copy):
    """Guard against a vacuous comparison: every kind of result is there."""
    m, n = test_copy["model"], len(test_copy["rows"])
    seen = [v for col in m.staff.values() for v in col]
    for kind in ("#N/A", "#VALUE!", "#NUM!", "", "OK"):
        assert kind in seen, kind
    assert any(isinstance(s, str) and s.startswith("Check: ") for s in m.staff["status"][:n])
    assert "Check: employee ID is blank" in m.staff["status"]
    assert all(v == "" for col in m.staff.values() for v in col[n:])  # blank below the data
    assert all(m.staff["redundancy_weeks"][i] == "" for i in range(n)
               if str(test_copy["rows"][i].get("at_risk", "")).casefold() != "yes")
    assert any(isinstance(w, float) and w > 0 for w in m.staff["redundancy_weeks"])
    assert any(isinstance(v, float) and v < 0 for v in m.staff["leave_untaken_days"])
    assert m.summary[(budget.NOT_IN_LIST, "headcount")] > 0  # blank and unlisted cost centres
    assert m.summary[(budget.NOT_IN_LIST, "rows_with_problems")] > 0
    assert m.summary[("Highways", "headcount")] > sum(r.get("cost_centre") == "Highways" for r in test_copy["rows"])
    assert 0 < m.summary[(budget.TOTAL, "rows_with_problems")] < n


KENT_COLUMNS = {"leave_year_days": "KENTLEAVEACCRUAL", "leave_year_hours": "KENTLEAVEACCRUAL",
                "leave_accrued_days": "KENTLEAVEACCRUAL", "sick_pay_cost_gbp": "KENTSICKPAY",
                "redundancy_weeks": "KENTREDUNDANCYWEEKS"}


def test_kent_columns_call_the_extension_and_every_column_is_one_array_formula(test_copy):
    formulas = test_copy["book"].formulas["Staff"]
    for c in budget.CALC_COLUMNS:
        j = budget._COL_INDEX[c.key]
        top, bottom = formulas[common.FIRST_ROW - 1][j], formulas[LAST - 1][j]
        assert top.startswith("{=") and top == bottom, c.key  # one array formula over all 5,000 rows
        called = set(re.findall(r"XLKENT\.KENTFUNCTIONS\.(\w+)\(", top))
        assert called == ({KENT_COLUMNS[c.key]} if c.key in KENT_COLUMNS else set()), c.key
        assert "KENT_" not in top, f"{c.key}: a KENT_ name LibreOffice did not bind"
    assert len(formulas) < LAST + 1 or not any(formulas[LAST][budget.FIRST_CALC:])


def test_validation_protection_frozen_panes_and_chart_survive_the_round_trip(test_copy):
    saved = test_copy["saved"]
    wb = openpyxl.load_workbook(saved)
    assert wb.sheetnames == ["How to use", "Assumptions", "Staff", "Summary", "xlwings.conf"]
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
    staff = wb["Staff"]
    for c in budget.INPUT_COLUMNS:
        letter = budget.staff_column_letter(c.key)
        assert staff[f"{letter}{common.FIRST_ROW}"].protection.locked is False, c.key
        assert staff[f"{letter}{LAST}"].protection.locked is False, c.key
    for c in budget.CALC_COLUMNS:
        assert staff[f"{budget.staff_column_letter(c.key)}{common.FIRST_ROW}"].protection.locked is not False
    rules = {str(dv.sqref): dv for dv in staff.data_validations.dataValidation}

    def rule(key):
        letter = budget.staff_column_letter(key)
        return rules[f"{letter}{common.FIRST_ROW}:{letter}{LAST}"]

    grade = rule("grade")
    assert grade.type == "list" and "KR Entry" in grade.formula1 and "KR6" in grade.formula1
    hours = rule("weekly_hours")
    assert hours.type == "decimal" and float(hours.formula2) == budget.default_assumptions()["full_time_weekly_hours"]
    for key in ("date_of_birth", "service_start", "employment_start", "employment_end"):
        assert rule(key).type == "date", key
    assert rule("at_risk").type == "list" and rule("at_risk").formula1 == '"Yes,No"'
    cc = rule("cost_centre")
    assert cc.type == "list" and cc.formula1 == "CostCentres" and cc.errorStyle == "warning"
    assert rule("multiplier").type == "decimal"
    conditional = [str(r.formula) for rules in staff.conditional_formatting._cf_rules.values() for r in rules]
    assert any("ISERROR" in f for f in conditional) and any('"Check"' in f for f in conditional)
    assert staff.freeze_panes == "C5"
    assert wb["Summary"].freeze_panes == "B5"
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    for name, ref in budget.ASSUMPTION_CELLS.items():
        assert names[name] == "Assumptions!" + re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref), name
    assumption_rules = {str(dv.sqref): dv.formula1 for dv in wb["Assumptions"].data_validations.dataValidation}
    assert "DAY(" in assumption_rules[budget.ASSUMPTION_CELLS["LeaveYearStart"]]
    assert "LeaveYearEnd" in assumption_rules[budget.ASSUMPTION_CELLS["AsOfDate"]]
    assert len(wb["Summary"]._charts) == 1
    assert any(n.startswith("xl/charts/chart") for n in zipfile.ZipFile(saved).namelist())


def test_a_filled_copy_recalculated_gives_the_same_summary(calc, test_copy):
    """The filled copy holds values, no KENT_ call; its SUMIFS and COUNTIFS over them give the model's totals."""
    path = test_copy["folder"] / "filled.xlsx"
    budget.build(path, test_copy["rows"], test_copy["assumptions"], filled=True)
    book = calc.recalculate(path)
    assert not any("KENTFUNCTIONS" in f for row in book.formulas["Staff"] for f in row)
    bad = _mismatches_in_summary(lambda r: book.cell("Summary", r), test_copy["model"])
    assert not bad, bad


# ---------------------------------------------------------------- the build (no LibreOffice)
def test_build_is_deterministic():
    a, b = io.BytesIO(), io.BytesIO()
    budget.build(a)
    budget.build(b)
    assert a.getvalue() == b.getvalue()


def _sheet_xml(data: bytes, sheet_number: int) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(f"xl/worksheets/sheet{sheet_number}.xml").decode()


def test_the_example_template_spills_kent_columns_without_implicit_intersection():
    f = io.BytesIO()
    budget.build(f)
    xml = _sheet_xml(f.getvalue(), 3)  # Staff
    cells = re.findall(r'<c r="([A-Z]+)5"([^>]*)><f([^>]*)>([^<]*)</f>', xml)
    by_col = {col: (attrs, fattrs, formula) for col, attrs, fattrs, formula in cells}
    for c in budget.CALC_COLUMNS:
        attrs, fattrs, formula = by_col[budget.staff_column_letter(c.key)]
        assert 'cm="1"' in attrs and 't="array"' in fattrs and f'ref="{budget.staff_column_letter(c.key)}5:' in fattrs
        assert "@" not in formula and "_xlfn" not in formula, formula[:80]
        assert ("KENT_" in formula) == (c.key in KENT_COLUMNS), c.key
    assert "_xlfn.SINGLE" not in xml and "_xlfn" not in _sheet_xml(f.getvalue(), 4)
    assert len(re.findall(r"<f[ >]", xml)) == len(budget.CALC_COLUMNS)  # one formula per column
    for literal in ("7.4", "37"):  # scheme constants come from the Assumptions names
        assert not any(re.search(rf"(?<![\d.$A-Z]){re.escape(literal)}(?![\d.])", formula)
                       for _, _, formula in by_col.values()), literal


def test_example_rows_are_all_ok_and_show_every_feature():
    a = budget.default_assumptions()
    rows = budget.EXAMPLE_ROWS
    m = budget.model(rows, a)
    n = len(rows)
    s = {k: v[:n] for k, v in m.staff.items()}
    assert s["status"] == ["OK"] * n
    assert 10 <= n <= 14
    hours = [r.get("weekly_hours") for r in rows]
    assert None in hours and any(h is not None and h < a["full_time_weekly_hours"] for h in hours)
    lys, lye = a["leave_year_start"], m.assumptions["LeaveYearEnd"]
    assert any(lys <= r.get("employment_end", D(1900, 3, 1)) <= lye for r in rows)  # a leaver
    assert any(a["as_of"] < r.get("employment_start", r["service_start"]) <= lye for r in rows)  # a joiner
    basic, after = grade_entitlement_days([r["grade"] for r in rows], lye)
    full_year = [i for i in range(n) if s["year_share"][i] == 1.0 and s["fte"][i] == 1.0]
    bands = {(basic[i], after[i], s["leave_year_days"][i] == after[i] != basic[i]) for i in full_year}
    for b_, a_ in {(27.0, 29.0), (29.0, 30.0), (30.0, 30.0)}:
        assert any((b_, a_, False) == x or (b_, a_, True) == x for x in bands), (b_, a_)
    assert (27.0, 29.0, True) in bands and (29.0, 30.0, True) in bands  # the 5-year uplift
    assert any(basic[i] < s["leave_year_days"][i] < after[i] for i in full_year)  # uplift within the year
    at_risk = [i for i in range(n) if rows[i]["at_risk"] == "Yes"]
    assert any(s["service_years"][i] < 2 and s["redundancy_weeks"][i] == 0 for i in at_risk)
    assert any(s["service_years"][i] >= 20 for i in at_risk)
    assert any("multiplier" in rows[i] for i in at_risk)
    assert any(r.get("prior_sick_days") for r in rows)
    assert any(v < 0 for v in s["leave_untaken_days"])  # leave taken ahead of accrual
    centres = {r["cost_centre"] for r in rows}
    assert centres == set(budget.EXAMPLE_COST_CENTRES) and len(centres) >= 5
    assert m.summary[(budget.NOT_IN_LIST, "headcount")] == 0


def test_default_assumptions_come_from_the_parameters_of_the_leave_and_tax_year():
    from xl_kent import params

    a = budget.default_assumptions(D(2026, 2, 10))
    assert a["leave_year_start"] == D(2025, 4, 1) and a["redundancy_date"] == D(2026, 3, 31)
    assert a["as_of"] == a["absence_start"] == D(2026, 2, 10)
    # on-costs follow the tax year that starts on 6 April inside the leave year (NI changed 6 April 2025)
    for key, name in (("employer_ni_rate", "employer_ni_rate"),
                      ("ni_threshold_year", "employer_ni_threshold_gbp_per_year")):
        assert a[key] == params.parameter("oncosts", name).value_on(D(2025, 4, 6))
        assert a[key] != params.parameter("oncosts", name).value_on(D(2025, 4, 1))
    assert a["hours_per_day"] == params.parameter("leave", "hours_per_day").value_on(D(2025, 4, 1))
    assert budget.default_assumptions()["as_of"] == budget.EXAMPLE_AS_OF
    with pytest.raises(ValueError, match="in force on"):
        budget.default_assumptions(D(2010, 6, 1))


def test_model_refuses_rows_it_cannot_place():
    a = budget.default_assumptions()
    with pytest.raises(ValueError, match="do not fit"):
        budget.model([{"employee_id": "E"}] * 3, a, data_rows=2)
    with pytest.raises(ValueError, match="unknown column"):
        budget.model([{"employee_id": "E", "salary": 1}], a)
    with pytest.raises(ValueError, match="repeats"):
        budget.model([], {**a, "cost_centres": ["Finance", "finance"]})


# ---------------------------------------------------------------- row independence (hypothesis)
_DATES = st.one_of(st.none(), st.dates(D(1950, 1, 1), D(2030, 12, 31)), st.just("soon"))
_ROW = st.fixed_dictionaries({
    "employee_id": st.one_of(st.none(), st.sampled_from(["E1", "E2", "x"]), st.just(1001.0)),
    "cost_centre": st.sampled_from([*budget.EXAMPLE_COST_CENTRES, "finance", "Other", None]),
    "grade": st.sampled_from(["KR6", "kr 9", "KR13", "Apprentice", "KR Entry", "Manager", 6.0, None]),
    "weekly_hours": st.one_of(st.none(), st.floats(0, 45), st.just("full")),
    "annual_salary_gbp": st.one_of(st.none(), st.floats(-100, 90_000), st.just("TBC")),
    "date_of_birth": _DATES, "service_start": _DATES, "employment_start": _DATES, "employment_end": _DATES,
    "prior_sick_days": st.one_of(st.none(), st.floats(0, 400), st.just("#N/A")),
    "at_risk": st.sampled_from(["Yes", "No", None, "maybe", "yes"]),
    "multiplier": st.one_of(st.none(), st.floats(0.5, 3)),
    "leave_taken_days": st.one_of(st.none(), st.floats(0, 40), st.just("x")),
})


@settings(max_examples=8, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_a_row_gives_the_same_results_alone_and_inside_a_full_sheet(rows, rnd):
    a = budget.default_assumptions()
    positions = sorted(rnd.sample(range(common.DATA_ROWS), len(rows)))
    placed = [{}] * common.DATA_ROWS
    for p, r in zip(positions, rows, strict=True):
        placed[p] = r
    whole = budget.model(placed, a)
    for p, r in zip(positions, rows, strict=True):
        alone = budget.model([r], a, data_rows=1)
        for key, values in alone.staff.items():
            want, got = values[0], whole.staff[key][p]
            assert type(want) is type(got) and (want == got or (isinstance(want, float) and math.isclose(
                want, got, rel_tol=1e-12))), (key, r, want, got)


# ---------------------------------------------------------------- reading a staff list
def _write_xlsx(path: Path, headers: list[str], rows: list[list]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_read_staff_rows_maps_aliases_and_converts_cells_as_a_person_would_type_them(tmp_path):
    path = tmp_path / "list.xlsx"
    headers = ["Emp No", "Full Name", "Cost Center", "Grade", "Hours per week", "Pay", "DOB", "CSD",
               "Start Date", "Leaving date", "Sick days", "At risk", "Enhancement", "Leave taken", "Notes", "Contract"]
    _write_xlsx(path, headers, [
        [1001, "Ann", " Finance ", 6, 18.5, "£32,000.50", dt.datetime(1980, 1, 2), "01/04/2015", 45383,
         None, "12", "Y", 1.5, 3, "x", "Permanent"],
        [None] * 16,
        ["E2", "Bob", "Highways", "KR9", None, "TBC", "1985-02-03", "31/02/2020", None, "2026-12-31", None,
         "maybe", None, None, None, "Casual"],
    ])
    rows, warnings = budget.read_staff_rows(path, maps=["Pay=annual_salary_gbp"])
    assert len(rows) == 2  # the blank row is dropped
    ann, bob = rows
    assert ann == {"employee_id": "1001", "name": "Ann", "cost_centre": "Finance", "grade": "6",
                   "weekly_hours": 18.5, "annual_salary_gbp": 32000.5, "date_of_birth": D(1980, 1, 2),
                   "service_start": D(2015, 4, 1), "employment_start": D(2024, 4, 1), "prior_sick_days": 12.0,
                   "at_risk": "Yes", "multiplier": 1.5, "leave_taken_days": 3.0}
    assert bob["annual_salary_gbp"] == "TBC" and bob["service_start"] == "31/02/2020"
    assert bob["at_risk"] == "maybe" and bob["employment_end"] == D(2026, 12, 31)
    assert any("'Notes'" in w for w in warnings)
    assert any(w.startswith("row 4: Pay 'TBC' is not a number") for w in warnings)
    assert any(w.startswith("1 row(s) are casual or relief") for w in warnings)
    assert any("CSD '31/02/2020' is not a date" in w for w in warnings)
    assert any("At risk 'maybe' is not Yes or No" in w for w in warnings)
    m = budget.model(rows, budget.default_assumptions())
    assert m.staff["status"][0] == "OK" and m.staff["status"][1].startswith("Check: pay")


def test_read_staff_rows_needs_the_required_columns(tmp_path):
    from xl_kent.lists.staff import ColumnError

    path = tmp_path / "list.xlsx"
    _write_xlsx(path, ["Employee ID", "Grade", "DOB", "CSD"], [["E1", "KR6", D(1980, 1, 1), D(2010, 1, 1)]])
    with pytest.raises(ColumnError, match="annual_salary_gbp"):
        budget.read_staff_rows(path)


# ---------------------------------------------------------------- xl-kent fill budget
def _staff_csv(path: Path, rows: list[dict]) -> None:
    """A staff list as CSV, with the headers and UK dates a payroll export has."""
    headers = {"employee_id": "Employee Number", "name": "Name", "cost_centre": "Cost Centre", "grade": "Grade",
               "weekly_hours": "Contracted Hours", "annual_salary_gbp": "Salary", "date_of_birth": "Date of Birth",
               "service_start": "Continuous Service Date", "employment_start": "Start Date",
               "employment_end": "End Date", "prior_sick_days": "Sick Days", "at_risk": "At Risk",
               "multiplier": "Enhancement", "leave_taken_days": "Leave Taken"}

    def text(v):
        if v is None:
            return ""
        if isinstance(v, dt.date):
            return f"{v:%d/%m/%Y}"
        if isinstance(v, float):
            return f"{v:g}" if v.is_integer() else repr(v)
        return str(v)

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headers.values())
        for r in rows:
            w.writerow([text(r.get(k)) for k in headers])


def _filled_assumptions(path: Path, as_of: dt.date, **overrides) -> dict:
    a = budget.default_assumptions(as_of) | overrides
    ws = openpyxl.load_workbook(path)["Assumptions"]
    first, last = budget.ASSUMPTION_CELLS["CostCentres"].split(":")
    a["cost_centres"] = [c.value for row in ws[f"{first}:{last}"] for c in row]
    return a


def test_fill_writes_the_models_values_and_no_kent_formula(tmp_path):
    source = tmp_path / "staff.csv"
    _staff_csv(source, generated_rows(40, seed=7) + EDGE_ROWS[:6])
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "budget.xlsx"
    as_of = D(2027, 1, 15)
    code = budget.fill(source, target, as_of=as_of, absence_days=10, pay_award=0.025, out=out, err=err)
    assert code == 1, err.getvalue()  # the edge rows need checking
    assert "rows with problems: " in out.getvalue() and "written: " in out.getvalue()
    rows, _ = budget.read_staff_rows(source)
    a = _filled_assumptions(target, as_of, absence_days=10.0, pay_award_pct=0.025)
    listed = {c.casefold() for c in a["cost_centres"] if c}
    assert listed == {r["cost_centre"].casefold() for r in rows if r.get("cost_centre")}
    m = budget.model(rows, a)
    def grids(**options) -> dict[str, dict[str, object]]:  # every sheet's cells by reference, read once
        wb = openpyxl.load_workbook(target, read_only=True, **options)
        try:
            return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row
                               if getattr(c, "coordinate", None)} for ws in wb.worksheets}
        finally:
            wb.close()

    formulas, values = grids(), grids(data_only=True)
    for sheet, cells in formulas.items():
        texts = [v for v in cells.values() if isinstance(v, str) and v.startswith("=")]
        assert not any("KENT_" in t for t in texts), sheet
        if sheet == "Staff":
            assert texts and set(texts) <= set(common._ERROR_FORMULAS.values())  # error values only
    assert formulas["Summary"]["B5"].startswith("=COUNTIFS(") or formulas["Summary"]["B5"].startswith("=IF(")

    def cell(v):  # as lo_calc gives it: "" for blank, floats, CellError for an error value
        if v is None:
            return ""
        if isinstance(v, int) and not isinstance(v, bool):
            return float(v)
        return CellError(v) if isinstance(v, str) and v in {"#N/A", "#VALUE!", "#NUM!", "#DIV/0!"} else v

    def column(ref):
        first, last = ref.split(":")
        letter, r0, r1 = re.sub(r"\d", "", first), int(re.sub(r"\D", "", first)), int(re.sub(r"\D", "", last))
        return [cell(values["Staff"].get(f"{letter}{r}")) for r in range(r0, r1 + 1)]

    bad = _mismatches_in_staff(column, m)
    assert not bad, bad[:10]
    bad = _mismatches_in_summary(lambda r: cell(values["Summary"].get(r)), m)
    assert not bad, bad
    assert values["Assumptions"][budget.ASSUMPTION_CELLS["AsOfDate"]].date() == as_of


def test_fill_exit_codes(tmp_path):
    good, bad_rows, no_salary = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "nosalary.csv"
    _staff_csv(good, list(budget.EXAMPLE_ROWS))
    _staff_csv(bad_rows, list(budget.EXAMPLE_ROWS) + EDGE_ROWS[:2])
    no_salary.write_text("Employee Number,Grade,Date of Birth,Continuous Service Date\nE1,KR6,01/01/1980,"
                         "01/01/2010\n", encoding="utf-8")

    def run(src, dst, **kw):
        out, err = io.StringIO(), io.StringIO()
        code = budget.fill(src, dst, as_of=budget.EXAMPLE_AS_OF, out=out, err=err, **kw)
        return code, out.getvalue(), err.getvalue()

    code, out, err = run(good, tmp_path / "g.xlsx")
    assert code == 0 and "rows with problems: 0" in out, err
    code, out, _ = run(bad_rows, tmp_path / "b.xlsx")
    assert code == 1 and "rows with problems: 2" in out
    code, _, err = run(no_salary, tmp_path / "n.xlsx")
    assert code == 2 and "missing required column annual_salary_gbp" in err
    assert not (tmp_path / "n.xlsx").exists()
    source = tmp_path / "g.xlsx"
    before = source.read_bytes()
    code, _, err = run(source, source)
    assert code == 3 and "input file" in err and source.read_bytes() == before
    code, _, err = run(good, tmp_path / "nowhere" / "x.xlsx")
    assert code == 3
    code, _, err = run(good, tmp_path / "x.csv")
    assert code == 2 and ".xlsx" in err
    code, _, err = run(tmp_path / "missing.csv", tmp_path / "m.xlsx")
    assert code == 2 and "no such file" in err


def test_fill_refuses_more_rows_than_the_template_holds(tmp_path):
    source = tmp_path / "big.csv"
    row = "E{},KR6,30000,01/01/1980,01/01/2010\n"
    source.write_text("Employee ID,Grade,Salary,DOB,CSD\n" + "".join(row.format(i) for i in range(
        common.DATA_ROWS + 1)), encoding="utf-8")
    err = io.StringIO()
    code = budget.fill(source, tmp_path / "big.xlsx", as_of=budget.EXAMPLE_AS_OF, out=io.StringIO(), err=err)
    assert code == 2 and f"{common.DATA_ROWS + 1:,} staff rows" in err.getvalue()
    assert not (tmp_path / "big.xlsx").exists()
