"""Rows and columns hidden in Excel (by hand, or by a filter): the sheet check notes them
(the bulk and event scans alike) for the reader, which reads them like the others."""

from __future__ import annotations

import zipfile
from pathlib import Path

import hostile
import numpy as np
import pytest

from xl_kent.files import _xlsx_guard, reading

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


# ---------------------------------------------------------------- the scans
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


def test_the_bulk_scan_reads_hidden_rows_written_with_spaces():
    """``hidden = "1"`` in a region with no cell (where the bulk scan does not check how the
    attributes are written): read, not missed."""
    state = _xlsx_guard._Bulk("sheet1.xml", _xlsx_guard.NO_STRINGS)
    m = state.measure(b'<row r="5" hidden = "1"/><row r="6" hidden="1"/><row r="7" spans="1:2" hidden="0"/>'
                      b'<row r="8" ht="0"/>')
    assert m.stop is None and sorted(m.hidden_rows) == [5, 6]
    assert state.commit(m) and np.flatnonzero(state.errors.hidden_rows).tolist() == [5, 6]

