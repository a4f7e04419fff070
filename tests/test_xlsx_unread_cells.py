"""Cells the fast reader reads as blank although the sheet shows something: a formula with no
saved result (openpyxl saves every formula so) and the cells of a merged range after its
first. Each is a problem of its row, in words, on a column read as a field; a warning line
counts them; nothing else changes (a formula with a saved value, a merged title or header,
a formula in a column not read)."""

from __future__ import annotations

import zipfile

import hostile
import numpy as np
import pytest

from xl_kent.files import _xlsx_guard, reading
from xl_kent.lists.figures import STAFF_SCHEMA
from xl_kent.lists.source import read_list
from xl_kent_cli.cli import main

openpyxl = pytest.importorskip("openpyxl")

UNSAVED = "holds a formula with no saved result"


def _sample(tmp_path):
    from xl_kent.lists import synth

    path = tmp_path / "s.xlsx"
    synth.write_sample(path, synth.staff_sample(60, 0, seed=1))
    return path


def _column(ws, header: str) -> str:
    from openpyxl.utils import get_column_letter

    for c in ws[1]:
        if c.value == header:
            return get_column_letter(c.column)
    raise KeyError(header)


def _formulas(tmp_path):
    """The sample re-saved by openpyxl with formulas (no saved results) in five columns read."""
    wb = openpyxl.load_workbook(_sample(tmp_path))
    ws = wb.worksheets[0]
    for row, header, formula in ((2, "Annual Salary", "=23032.0*1"), (3, "Weekly Hours", "=32.0*1"),
                                 (4, "End Date", "=DATE(2027,1,20)"), (5, "At Risk", '=IF(1=1,"Yes","No")'),
                                 (6, "Leave Taken (days)", "=20.5+0")):
        ws[f"{_column(ws, header)}{row}"] = formula
    ws.cell(row=7, column=ws.max_column + 1, value="=1+1")  # (a column not read: no problem)
    ws.cell(row=1, column=ws.max_column, value="Notes")
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    return path


def _merged(tmp_path):
    """Rows 5-9 with equal Weekly Hours and At Risk merged vertically (only row 5 holds them)."""
    wb = openpyxl.load_workbook(_sample(tmp_path))
    ws = wb.worksheets[0]
    hours, risk = _column(ws, "Weekly Hours"), _column(ws, "At Risk")
    for r in range(5, 10):
        ws[f"{hours}{r}"], ws[f"{risk}{r}"] = 30.0, "Yes"
    ws.merge_cells(f"{hours}5:{hours}9")
    ws.merge_cells(f"{risk}5:{risk}9")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    return path


def _run(capsys, path, tmp_path):
    out = tmp_path / "o.csv"
    code = main(["recalc", str(path), "--as-of", "2027-03-31", "-o", str(out)])
    captured = capsys.readouterr()
    import csv

    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return code, captured.err, [r["status"] for r in rows]


def test_formula_without_saved_result_is_a_problem_of_its_row(tmp_path, capsys):
    code, err, status = _run(capsys, _formulas(tmp_path), tmp_path)
    assert code == 1
    for i, header in enumerate(["Annual Salary", "Weekly Hours", "End Date", "At Risk", "Leave Taken (days)"]):
        assert status[i].startswith(f"'{header}' {UNSAVED} (the file was last saved by a program that does not "
                                    "calculate, such as openpyxl): open it in Excel or LibreOffice and save it"), status[i]
    assert status[5] == "OK"  # (the formula in the column not read)
    assert "annual_salary is blank" not in status[0]  # (the user sees a number there: one reason, the true one)
    assert err.count("no saved result") == 1 and "warning: 5 cell(s) of the columns read hold a formula with no saved result" in err, err


def test_merged_over_data_rows_is_a_problem_of_each_row_after_the_first(tmp_path, capsys):
    code, err, status = _run(capsys, _merged(tmp_path), tmp_path)
    assert code == 1
    assert status[3] == "OK"  # row 5: the first row of the range holds the values
    for s in status[4:8]:  # rows 6-9
        assert s == ("'Weekly Hours' is merged with the cell above (rows 5-9): only the first row of a merged range "
                     "holds the value; unmerge the cells and fill each row; 'At Risk' is merged with the cell above "
                     "(rows 5-9): only the first row of a merged range holds the value; unmerge the cells and fill "
                     "each row"), s
    assert status[8] == "OK"
    assert "8 cell(s) of the columns read are merged with the cell above" in err, err


def test_merged_title_and_header_cells_are_no_problem(tmp_path):
    """A merged title row above the header, and a group heading merged over two header
    cells: read as before, no note."""
    src = openpyxl.load_workbook(_sample(tmp_path)).worksheets[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws["A1"] = "Kent County Council staff list 2026/27"
    ws.merge_cells("A1:F1")
    values = list(src.values)
    for j, h in enumerate(values[0], start=1):
        ws.cell(row=3, column=j, value=h)
    ws["F2"] = "Hours"  # (a group heading over two header cells)
    ws.merge_cells("F2:G2")
    for i, row in enumerate(values[1:], start=4):
        for j, v in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=v)
    path = tmp_path / "titled.xlsx"
    wb.save(path)
    got = read_list(path, STAFF_SCHEMA)
    assert got.table.header_row == 3 and got.table.n_rows == len(values) - 1
    assert got.table.notes == [] and got.columns.notes == []


def test_saved_results_are_no_problem(tmp_path):
    """A formula with a saved value (XlsxWriter's ``<v>0</v>`` too), and Excel's saved empty
    text (``t="str"`` with an empty ``<v>``), are not notes; no ``<v>`` or an empty untyped
    one is (the scans agree)."""
    path = _sample(tmp_path)
    parts = hostile.parts_of(path)
    xml = parts[hostile.SHEET].decode()
    start = xml.index('<row r="2"')
    end = xml.index("</row>", start)
    cells = ('<c r="AA2"><f>1+1</f><v>0</v></c><c r="AB2" t="str"><f>""</f><v></v></c>'
             '<c r="AC2"><f>1+1</f><v></v></c><c r="AD2"><f>1+1</f></c><c r="AE2" t="str"><f>"a"</f></c>'
             '<c r="AF2"><f t="shared" si="0"/><v/></c>')
    parts[hostile.SHEET] = (xml[:end] + cells + xml[end:]).encode()
    bad = hostile.write_zip(tmp_path / "v.xlsx", parts)
    with zipfile.ZipFile(bad) as zf:
        info = zf.getinfo(hostile.SHEET)
        scans = {how: _xlsx_guard.measure_sheet(zf, info, how=how) for how in ("bulk", "events", "exact")}
    assert scans["bulk"] is not None
    for scan in scans.values():
        assert scan.errors.unsaved == [(2, 29), (2, 30), (2, 31), (2, 32)], (scan.errors.unsaved)


def test_scans_agree_on_merged_ranges(tmp_path):
    path = _merged(tmp_path)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        scans = {how: _xlsx_guard.measure_sheet(zf, info, how=how) for how in ("bulk", "events", "exact")}
    assert scans["bulk"] is not None
    for scan in scans.values():
        assert sorted(scan.errors.merged) == [(5, 6, 9, 6), (5, 14, 9, 14)], scan.errors.merged


def test_notes_follow_a_block_of_rows(tmp_path):
    table = read_list(_merged(tmp_path), STAFF_SCHEMA).table
    block = table.rows(5, 20)  # data rows 5-19: sheet rows 7-21
    assert sorted((j, rows.tolist()) for j, rows, _k, _r in block.notes) == [(5, [0, 1, 2]), (13, [0, 1, 2])]


def test_a_row_of_unsaved_formulas_only_is_no_blank_row(tmp_path):
    """A last row whose cells read are all formulas with no saved result is a row with
    problems, not a blank row dropped or passed over."""
    wb = openpyxl.load_workbook(_sample(tmp_path))
    ws = wb.worksheets[0]
    last = ws.max_row + 1
    for j in range(1, ws.max_column + 1):
        ws.cell(row=last, column=j, value="=1+1")
    path = tmp_path / "last.xlsx"
    wb.save(path)
    got = read_list(path, STAFF_SCHEMA)
    assert got.table.n_rows == last - 1
    assert not got.columns.blank_rows(got.table)[-1]
    assert got.columns.cell_notes(got.table)


def test_many_merged_ranges_are_counted_quickly(tmp_path):
    """A reason per merged range: the problem table numbers them with a dict (thousands of ranges)."""
    from xl_kent.lists.problems import Problems, problem_table

    p = Problems()
    for k in range(5_000):
        p.add(np.array([2 * k + 1]), "weekly_hours", f"merged (rows {2 * k}-{2 * k + 1})")
    t = problem_table(p, 10_000, ["Weekly Hours"], [np.full(10_000, None, dtype=object)], {"weekly_hours": 0})
    assert t.problem_rows == 5_000 and len(t.counts) == 5_000 and all(c == 1 for _, c in t.counts)


def test_cell_notes_name_the_column(tmp_path):
    cells = _xlsx_guard.SheetCells()
    cells.unsaved = [(3, 2), (1, 2), (9, 1)]  # (row 1: the header; row 9: below the data)
    cells.merged = [(2, 1, 3, 2)]
    table = reading.Table(["id", ""], [np.array(["a", None], dtype=object), np.array([None, None], dtype=object)],
                          first_row=2, sheet="S", kind="xlsx")
    notes = reading.cell_notes(cells, table)
    assert [(j, rows.tolist(), k) for j, rows, k, _ in notes] == [(1, [1], "unsaved"), (0, [1], "merged"),
                                                                   (1, [1], "merged"), (1, [0], "merged")]
    assert notes[0][3].startswith("column B holds a formula")
    assert "merged with the cell to its left (A2:B3)" in notes[3][3]
