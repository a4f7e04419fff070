"""Rows and columns hidden in Excel (by hand, or by a filter) are read like the others: the
reader drops none, and a warning says so (on stderr and on the Summary sheet), with the
rows as Excel numbers them, for every command that reads a list. Rows hidden above the
header (a title) or below the data, blank rows, and hidden columns not read are no note."""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from pathlib import Path

import hostile
import numpy as np
import pytest

from xl_kent.files import _xlsx_guard, reading
from xl_kent.lists.figures import STAFF_SCHEMA
from xl_kent.lists.source import read_list
from xl_kent_cli.cli import main

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parents[1]
READ_LIKE = "are read like the others: the figures and totals include them; to leave them out, delete them from the list"


def _sample(tmp_path, name="s.xlsx"):
    from xl_kent.lists import synth

    path = tmp_path / name
    synth.write_sample(path, synth.staff_sample(60, 0, seed=1))
    return path


def _hidden(tmp_path, rows=(), columns=(), title=False, name="hidden.xlsx"):
    """The sample re-saved by openpyxl with ``rows`` (Excel's numbers, after a title row
    when ``title``: hidden too, the header on row 3) and ``columns`` (letters) hidden."""
    wb = openpyxl.load_workbook(_sample(tmp_path))
    ws = wb.worksheets[0]
    if title:
        ws.insert_rows(1, 2)
        ws["A1"] = "Kent County Council staff list 2026/27"
        ws.row_dimensions[1].hidden = True
    for r in rows:
        ws.row_dimensions[r].hidden = True
    for c in columns:
        ws.column_dimensions[c].hidden = True
    path = tmp_path / name
    wb.save(path)
    return path


def _scans(path):
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(hostile.SHEET)
        return {how: _xlsx_guard.measure_sheet(zf, info, how=how) for how in ("bulk", "events", "exact")}


def _hidden_of(scan):
    e = scan.errors
    rows = [] if e.hidden_rows is None else np.flatnonzero(e.hidden_rows).tolist()
    cols = [] if e.hidden_columns is None else np.flatnonzero(e.hidden_columns).tolist()
    return rows, cols, e.filtered


# ---------------------------------------------------------------- the reader
def test_hidden_rows_are_read_and_named_as_excel_numbers_them(tmp_path):
    path = _hidden(tmp_path, rows=[*range(7, 20), 25], title=True)
    table = reading.read_table(path)  # (no scorer: the header is the first row, the hidden title)
    assert table.header_row == 1 and table.n_rows == 62
    assert (table.hidden.rows + table.first_row).tolist() == [*range(7, 20), 25]
    got = read_list(path, STAFF_SCHEMA)  # the header on row 3: the hidden title above it is no note
    assert got.table.header_row == 3 and got.table.n_rows == 60  # (every row read, hidden or not)
    assert (got.table.hidden.rows + got.table.first_row).tolist() == [*range(7, 20), 25]
    assert not got.table.hidden.filtered and got.table.hidden.columns == ()
    lines = [w for w in got.columns.warnings() if "hidden" in w]
    assert lines == [f"sheet 'Staff': 14 rows hidden in Excel (rows 7-19, 25) {READ_LIKE}"], lines


def test_a_sheet_that_hides_nothing_has_no_note(tmp_path):
    path = _hidden(tmp_path, rows=[1], title=True)  # (only the title above the header)
    got = read_list(path, STAFF_SCHEMA)
    assert got.table.header_row == 3 and got.table.hidden is None
    assert not [w for w in got.columns.warnings() if "hidden" in w]
    assert reading.read_table(_sample(tmp_path, "plain.xlsx")).hidden is None


def test_hidden_blank_rows_and_rows_below_the_data_are_no_note(tmp_path):
    wb = openpyxl.load_workbook(_sample(tmp_path))
    ws = wb.worksheets[0]
    ws.insert_rows(30)  # a blank row inside the list (sheet row 30)
    for r in (30, 40, 70, 80):  # 70 and 80: below the last data row (62)
        ws.row_dimensions[r].hidden = True
    path = tmp_path / "blank.xlsx"
    wb.save(path)
    got = read_list(path, STAFF_SCHEMA)
    assert (got.table.hidden.rows + got.table.first_row).tolist() == [30, 40]
    assert [w for w in got.columns.warnings() if "hidden" in w] == [
        "sheet 'Staff': 1 row hidden in Excel (row 40) is read like the others: the figures and totals include "
        "it; to leave it out, delete it from the list"]


def test_many_hidden_rows_are_counted_and_shortened(tmp_path):
    rows = [*range(2, 10), 12, 14, 16, 18, 20, *range(30, 62)]
    got = read_list(_hidden(tmp_path, rows=rows), STAFF_SCHEMA)
    lines = [w for w in got.columns.warnings() if "hidden" in w]
    assert lines == [f"sheet 'Staff': {len(rows)} rows hidden in Excel (rows 2-9, 12, 14, 16, 18 and 33 more) "
                     f"{READ_LIKE}"], lines


def test_hidden_columns_read_as_fields_are_named(tmp_path):
    wb = openpyxl.load_workbook(_sample(tmp_path))
    ws = wb.worksheets[0]
    ws.cell(row=1, column=ws.max_column + 1, value="Notes")  # (a column not used: no note when hidden)
    notes = openpyxl.utils.get_column_letter(ws.max_column)
    for c in ("H", "I", notes):  # Annual Salary, Date of Birth
        ws.column_dimensions[c].hidden = True
    path = tmp_path / "cols.xlsx"
    wb.save(path)
    got = read_list(path, STAFF_SCHEMA)
    assert got.table.hidden.columns == (7, 8, ws.max_column - 1) and got.table.hidden.rows.size == 0
    lines = [w for w in got.columns.warnings() if "hidden" in w]
    assert lines == ["sheet 'Staff': columns H ('Annual Salary', read as annual_salary) and I ('Date of Birth', "
                     "read as date_of_birth) are hidden in Excel: they are read like the others, and the figures "
                     "use them"], lines
    one = read_list(_hidden(tmp_path, columns=["C"], name="one.xlsx"), STAFF_SCHEMA)
    assert [w for w in one.columns.warnings() if "hidden" in w] == [
        "sheet 'Staff': column C ('Cost Centre', read as cost_centre) is hidden in Excel: it is read like the "
        "others, and the figures use it"]


def test_rows_filtered_out_are_said_to_be_filtered(tmp_path):
    wb = openpyxl.load_workbook(_sample(tmp_path))
    ws = wb.worksheets[0]
    ws.auto_filter.ref = f"A1:R{ws.max_row}"
    ws.auto_filter.add_filter_column(2, ["CC100"])  # (openpyxl hides no row itself: Excel would)
    for r in (4, 5, 6, 50):
        ws.row_dimensions[r].hidden = True
    path = tmp_path / "filtered.xlsx"
    wb.save(path)
    got = read_list(path, STAFF_SCHEMA)
    assert got.table.hidden.filtered and got.table.n_rows == 60
    assert [w for w in got.columns.warnings() if "hidden" in w] == [
        f"sheet 'Staff': 4 rows hidden in Excel (the sheet is filtered: rows 4-6, 50) {READ_LIKE}"]


def test_a_filter_that_hides_no_row_is_no_note(tmp_path):
    wb = openpyxl.load_workbook(_sample(tmp_path))
    ws = wb.worksheets[0]
    ws.auto_filter.ref = f"A1:R{ws.max_row}"
    ws.auto_filter.add_filter_column(2, ["CC100"])
    path = tmp_path / "filter.xlsx"
    wb.save(path)
    assert reading.read_table(path).hidden is None


def test_xlsxwriter_hidden_rows_and_columns(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    from xl_kent.lists import synth

    sample = synth.staff_sample(40, 0, seed=3)
    path = tmp_path / "xw.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Staff")
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, sample.headers)
    for i in range(40):
        for j, c in enumerate(sample.columns):
            v = hostile._plain(c[i])
            if v is None:
                continue
            if hasattr(v, "isoformat"):
                ws.write_datetime(i + 1, j, v, date)
            else:
                ws.write(i + 1, j, v)
    for r in (6, 7, 8, 20):  # 0-based: Excel's rows 7-9 and 21
        ws.set_row(r, None, None, {"hidden": True})
    ws.set_column(7, 7, None, None, {"hidden": True})  # H: Annual Salary
    ws.autofilter(0, 0, 40, len(sample.headers) - 1)
    wb.close()
    scans = _scans(path)
    assert scans["bulk"] is not None  # (the bulk scan reads XlsxWriter's rows)
    for scan in scans.values():
        assert _hidden_of(scan) == ([7, 8, 9, 21], [8], False)
    got = read_list(path, STAFF_SCHEMA)
    assert got.table.n_rows == 40
    assert [w for w in got.columns.warnings() if "hidden" in w] == [
        f"sheet 'Staff': 4 rows hidden in Excel (rows 7-9, 21) {READ_LIKE}",
        "sheet 'Staff': column H ('Annual Salary', read as annual_salary) is hidden in Excel: it is read like the "
        "others, and the figures use it"]


def test_the_scans_agree_on_hidden_rows_however_written(tmp_path):
    """The bulk scan's two ways (rows as Excel writes them; each tag read on its own) and the
    event scans give the same rows and columns."""
    def edit(xml: str) -> str:
        xml = xml.replace('<row r="5"', '<row r="5" hidden="true"', 1)
        xml = xml.replace('<row r="6"', '<row hidden="1" r="6"', 1)  # (hidden first: each tag read)
        xml = xml.replace('<row r="7"', '<row r="7" hidden="0"', 1)  # (not hidden)
        xml = xml.replace('<row r="8"', '<row r="8" spans="1:18" hidden="1" customHeight="1" ht="0"', 1)
        xml = xml.replace("<sheetData>", '<cols><col min="2" max="3" width="9" hidden="1"/><col min="5" '
                          'max="5" hidden="false"/></cols><sheetData>', 1) if "<cols>" not in xml else \
            xml.replace("<cols>", '<cols><col min="2" max="3" width="9" hidden="1"/>', 1)
        return xml

    path = hostile._with_sheet(tmp_path, "forms.xlsx", edit, _sample(tmp_path))
    scans = _scans(path)
    assert scans["bulk"] is not None
    for how, scan in scans.items():
        assert _hidden_of(scan) == ([5, 6, 8], [2, 3], False), how
    fast = hostile._with_sheet(tmp_path, "fast.xlsx", lambda x: x.replace('<row r="5"', '<row r="5" hidden="1"', 1)
                               .replace('<row r="9"', '<row r="9" hidden="1"', 1), _sample(tmp_path, "f.xlsx"))
    for scan in _scans(fast).values():
        assert _hidden_of(scan) == ([5, 9], [], False)


def test_a_hidden_row_the_bulk_scan_cannot_read_is_left_to_the_event_scan(tmp_path):
    """A value written with a character reference, a hidden row without its number."""
    def reference(xml: str) -> str:
        return xml.replace('<row r="5"', '<row r="5" hidden="&#49;"', 1)

    def unnumbered(xml: str) -> str:
        start = xml.index('<row r="11"')
        return xml[:start] + '<row hidden="1"' + xml[start + len('<row r="11"'):]

    for name, edit, rows in (("reference", reference, [5]), ("unnumbered", unnumbered, [11])):
        path = hostile._with_sheet(tmp_path, f"{name}.xlsx", edit, _sample(tmp_path, f"{name}-base.xlsx"))
        scans = _scans(path)
        assert scans["bulk"] is None, name
        for how in ("events", "exact"):
            assert _hidden_of(scans[how]) == (rows, [], False), (name, how)
        table = reading.read_table(path)
        assert (table.hidden.rows + table.first_row).tolist() == rows and table.n_rows == 60


def test_a_hidden_word_in_a_text_is_not_a_hidden_row(tmp_path):
    def edit(xml: str) -> str:
        at = xml.index("<t>", xml.index('<row r="4"'))
        return xml[:at] + '<t>row hidden="1" ' + xml[at + 3:]

    path = hostile._with_sheet(tmp_path, "text.xlsx", edit, _sample(tmp_path))
    for scan in _scans(path).values():
        assert scan is not None and _hidden_of(scan) == ([], [], False)
    assert reading.read_table(path).hidden is None


def test_hidden_rows_follow_a_block_of_rows(tmp_path):
    table = read_list(_hidden(tmp_path, rows=[5, 9, 30]), STAFF_SCHEMA).table
    block = table.rows(5, 40)  # data rows 5-39: sheet rows 7-41
    assert (block.hidden.rows + block.first_row).tolist() == [9, 30]


def test_joined_scans_keep_hidden_rows():
    a, b = _xlsx_guard.SheetCells(), _xlsx_guard.SheetCells()
    a.hide_rows(3)
    b.hide_rows([5, 6])
    b.hide_columns(2, 4)
    b.filtered = True
    j = a.joined(b)
    assert np.flatnonzero(j.hidden_rows).tolist() == [3, 5, 6]
    assert np.flatnonzero(j.hidden_columns).tolist() == [2, 3, 4] and j.filtered
    assert _xlsx_guard.SheetCells().joined(_xlsx_guard.SheetCells()).hidden_rows is None


# ---------------------------------------------------------------- the commands
def _summary_notes(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    return [v for k, v in wb["Summary"].iter_rows(values_only=True) if k == "note"]


def _summary(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    return {k: v for k, v in wb["Summary"].iter_rows(values_only=True)
            if k not in ("note", "xl-kent", "input file")}


def test_recalc_says_so_and_writes_every_row(tmp_path):
    """On the command line (a process of its own): the warning line, every row in the output,
    the totals those of the same list with nothing hidden."""
    path = _hidden(tmp_path, rows=[*range(7, 20), 25], columns=["H"])
    plain = _hidden(tmp_path, name="plain.xlsx")
    out, out_plain = tmp_path / "out.xlsx", tmp_path / "plain.out.xlsx"
    run = subprocess.run([sys.executable, "-m", "xl_kent_cli", "recalc", str(path), "--as-of", "31/03/2027",
                          "-o", str(out)], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert run.returncode == 0, run.stderr
    rows_line = f"xl-kent recalc: warning: sheet 'Staff': 14 rows hidden in Excel (rows 7-19, 25) {READ_LIKE}"
    col_line = ("xl-kent recalc: warning: sheet 'Staff': column H ('Annual Salary', read as annual_salary) is "
                "hidden in Excel: it is read like the others, and the figures use it")
    assert rows_line in run.stderr.splitlines() and col_line in run.stderr.splitlines(), run.stderr
    wb = openpyxl.load_workbook(out, read_only=True)
    ids = [r[0] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True) if r[0] is not None]
    source = [r[0] for r in openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(
        min_row=2, values_only=True)]
    assert len(ids) == 60 and ids == source
    notes = _summary_notes(out)
    assert rows_line.removeprefix("xl-kent recalc: warning: ") in notes and \
        col_line.removeprefix("xl-kent recalc: warning: ") in notes
    assert main(["recalc", str(plain), "--as-of", "31/03/2027", "-o", str(out_plain)]) == 0
    assert _summary(out) == _summary(out_plain)
    assert not [n for n in _summary_notes(out_plain) if "hidden" in n]


def test_recalc_without_hidden_rows_says_nothing_of_them(tmp_path, capsys):
    out = tmp_path / "o.csv"
    assert main(["recalc", str(_sample(tmp_path)), "--as-of", "31/03/2027", "-o", str(out)]) == 0
    assert "hidden" not in capsys.readouterr().err


def test_awards_and_absences_say_so_too(tmp_path, capsys):
    from xl_kent.lists import synth

    staff = synth.staff_sample(60, 0, seed=1)
    for command, sample in (("awards", synth.award_sample(staff.columns[0], 30, seed=1)),
                            ("absences", synth.absence_sample(staff, 30, seed=1))):
        src = tmp_path / f"{command}.xlsx"
        synth.write_sample(src, sample, sheet=command.title())
        wb = openpyxl.load_workbook(src)
        for r in (3, 4, 10):
            wb.worksheets[0].row_dimensions[r].hidden = True
        wb.save(src)
        out = tmp_path / f"{command}.out.csv"
        code = main([command, str(src), "-o", str(out)])
        err = capsys.readouterr().err
        assert code in (0, 1), err
        assert (f"xl-kent {command}: warning: sheet '{command.title()}': 3 rows hidden in Excel (rows 3-4, 10) "
                f"{READ_LIKE}") in err.splitlines(), err
        with open(out, encoding="utf-8-sig", newline="") as f:
            assert len(list(csv.DictReader(f))) == len(sample.columns[0])
        with open(tmp_path / f"{command}.out.summary.csv", encoding="utf-8-sig", newline="") as f:
            assert any("3 rows hidden in Excel" in " ".join(r) for r in csv.reader(f))



def test_the_bulk_scan_reads_hidden_rows_written_with_spaces():
    """``hidden = "1"`` in a region with no cell (where the bulk scan does not check how the
    attributes are written): read, not missed."""
    state = _xlsx_guard._Bulk("sheet1.xml", _xlsx_guard.NO_STRINGS)
    m = state.measure(b'<row r="5" hidden = "1"/><row r="6" hidden="1"/><row r="7" spans="1:2" hidden="0"/>'
                      b'<row r="8" ht="0"/>')
    assert m.stop is None and sorted(m.hidden_rows) == [5, 6]
    assert state.commit(m) and np.flatnonzero(state.errors.hidden_rows).tolist() == [5, 6]
