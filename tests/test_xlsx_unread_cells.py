"""Cells the fast reader reads as blank although the sheet shows something: a formula with no
saved result (openpyxl saves every formula so). Each is a problem of its row, in words, on a
column read as a field; a warning line counts them; nothing else changes (a formula with a
saved value, a formula in a column not read)."""

from __future__ import annotations

import zipfile

import hostile
import pytest

from xl_kent.files import _xlsx_guard
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
    assert err.count("no saved result") == 1 and "warning: 5 cell(s) of the columns read hold a formula with no saved result" in err, err


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
