"""The xlsx read side's shortcuts (issue 16) give what the general paths give.

(The file is named for the read side's cells; the shortcuts are in
``xl_kent/files/_xlsx_guard.py`` and ``xl_kent/files/reading.py``.)

* the sheet guard's bulk scan reads the cell references off the bytes in bulk and accounts
  each region of the part in a worker thread while expat parses the region before: on
  workbooks as Excel, openpyxl, xlsxwriter and our writer write them it applies, and it
  agrees with the event scan; references in unusual forms are left to the event scan (or
  agree with it); a refusal is the one the one-by-one order gives (the first defect in
  the part), shortcuts on or not (:func:`xl_kent._arrays.general_paths`);
* the reader's grid: which cells are filled, found without a comparison per cell, is
  what comparing each cell with ``None`` gives.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import struct
import zipfile
from unittest import mock

import hostile
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_kent._arrays import general_paths
from xl_kent.files import _xlsx_guard, reading

SMALL_CHUNK = 256  # compressed bytes inflated at a time: a small sheet becomes many regions


def _sheet_member(zf: zipfile.ZipFile) -> zipfile.ZipInfo:
    book = reading._workbook_sheets(zf)
    return zf.getinfo(book.sheets[0].members[0])


def _scans(path, chunk: int | None = None) -> dict:
    """The bulk, event and exact scans of a workbook's first sheet (a refusal as its message)."""
    out = {}
    with zipfile.ZipFile(path) as zf, mock.patch.object(_xlsx_guard, "CHUNK_BYTES",
                                                        chunk or _xlsx_guard.CHUNK_BYTES):
        book = reading._workbook_sheets(zf)
        strings = reading._check_parts(zf, book)
        info = _sheet_member(zf)
        for how in ("bulk", "events", "exact"):
            try:
                out[how] = _xlsx_guard.measure_sheet(zf, info, strings, how)
            except _xlsx_guard.GuardError as e:
                out[how] = str(e)
    return out


def _agree(scans: dict) -> None:
    bulk, exact = scans["bulk"], scans["exact"]
    assert isinstance(bulk, _xlsx_guard.SheetScan), bulk  # the bulk scan applies
    assert (bulk.cells, bulk.max_row, bulk.max_col, bulk.errors) == (exact.cells, exact.max_row, exact.max_col,
                                                                     exact.errors)
    assert bulk.chars >= exact.chars
    assert (bulk.errors.unsaved, bulk.errors.merged) == (exact.errors.unsaved, exact.errors.merged)


def _openpyxl_book(path, far: bool) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws.append(["Employee ID", "Name", "Grade", "Start", "Hours", "Flag", "Note"])
    for i in range(400):
        ws.append([f"E{i:05d}", f"Person {i % 37}", ["KR3", "KR6", "KR9"][i % 3], dt.date(2020, 1, 1 + i % 28),
                   37.5 - i % 5, i % 2 == 0, "#N/A" if i % 50 == 0 else None])
    if far:
        ws.cell(row=1000, column=16_384, value="far")  # XFD1000 (under the cell limit)
        ws.cell(row=1200, column=3, value=1.5)
    wb.save(path)


def _xlsxwriter_book(path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Staff")
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    for j, h in enumerate(["Employee ID", "Name", "Start", "Hours", "Flag", "Total"]):
        ws.write_string(0, j, h)
    for i in range(1, 500):
        ws.write_string(i, 0, f"E{i}")
        ws.write_string(i, 1, f"Name {i % 11}")
        ws.write_datetime(i, 2, dt.datetime(2021, 3, 1 + i % 28), date)
        ws.write_number(i, 3, i / 7)
        ws.write_boolean(i, 4, i % 3 == 0)
        ws.write_formula(i, 5, f"=D{i + 1}*2", None, i / 3.5)
    ws.write_string(20_000, 701, "far")  # ZZ20001
    wb.close()


@pytest.mark.parametrize("kind", ["ours", "openpyxl", "openpyxl-far", "xlsxwriter"])
@pytest.mark.parametrize("chunk", [None, SMALL_CHUNK])
def test_bulk_scan_applies_and_agrees_on_written_workbooks(tmp_path, kind, chunk):
    path = tmp_path / f"{kind}.xlsx"
    if kind == "ours":
        hostile.sample_workbook(tmp_path, rows=300, name=path.name)
    elif kind == "xlsxwriter":
        _xlsxwriter_book(path)
    else:
        _openpyxl_book(path, far=kind.endswith("far"))
    scans = _scans(path, chunk)
    _agree(scans)
    with general_paths():
        assert _scans(path, chunk) == scans  # one region after another: the same outcome


_LETTERS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz", min_size=1, max_size=3)
_ROWS = st.integers(1, 9_999_999).map(str)
# References as Excel writes them, and in the forms the bulk scan leaves to the event scan.
_REFS = st.one_of(
    st.builds(lambda c, r: f"{c}{r}", _LETTERS, st.integers(1, 1_048_576).map(str)),
    st.builds(lambda c, r: f"{c}{r}", _LETTERS, _ROWS),
    st.builds(lambda c, r: f"{c}0{r}", _LETTERS, _ROWS),  # a leading zero
    st.builds(lambda c, r: f"{r}{c}", _LETTERS, _ROWS),  # digits first
    st.builds(lambda c, r, d: f"{c}{r}{d}", _LETTERS, _ROWS, _LETTERS),
    st.builds(lambda c, r: f"{c}{r}", st.text("ABCDEFXYZ", min_size=4, max_size=5), _ROWS),
    st.sampled_from(["", "A", "1", "A-1", "A 1", "XFD1048576", "XFE1", "A1048577", "a1", "ZZ99", "AAA1",
                     "A12345678", "A1234567", "ÄÖ1", "A\u0661"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(refs=st.lists(_REFS, min_size=1, max_size=12), valid_only=st.booleans())
def test_references_in_any_form_agree_with_the_event_scan(tmp_path_factory, refs, valid_only):
    if valid_only:  # as Excel writes them: the bulk scan applies
        refs = [r for r in refs if re.fullmatch(r"[A-Za-z]{1,3}[1-9][0-9]{0,6}", r)
                and int(r.lstrip(string.ascii_letters)) <= 1000
                and _xlsx_guard.column_index(r.rstrip(string.digits)) <= 16_384] or ["B2"]
    cells = "".join(f'<c r="{r}" t="inlineStr"><is><t>x</t></is></c><c r="{r}"><v>1</v></c>' for r in refs)
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{hostile.NS}"><sheetData>'
           f'<row r="1">{cells}</row></sheetData></worksheet>')
    folder = tmp_path_factory.mktemp("refs")
    parts = hostile.parts_of(hostile.sample_workbook(folder, rows=2))
    parts[hostile.SHEET] = xml.encode()
    path = hostile.write_zip(folder / "r.xlsx", parts)
    scans = _scans(path)
    bulk, events, exact = scans["bulk"], scans["events"], scans["exact"]
    assert type(events) is type(exact)
    if isinstance(exact, str):
        assert bulk is None or isinstance(bulk, str)  # refused either way (or left to the event scan)
        return
    if valid_only:
        _agree(scans)
    elif bulk is not None:
        assert not isinstance(bulk, str), bulk
        assert (bulk.cells, bulk.max_row, bulk.max_col) == (exact.cells, exact.max_row, exact.max_col)


def _long_sheet(rows: int, defects: dict[int, str]) -> bytes:
    """A sheet of ``rows`` rows of simple cells, with row ``k`` replaced by ``defects[k]``."""
    body = []
    for i in range(1, rows + 1):
        body.append(defects.get(i, f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}" t="inlineStr">'
                                   f"<is><t>n{i * 7919 % 1000}</t></is></c></row>"))
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{hostile.NS}"><sheetData>'
            f"{''.join(body)}</sheetData></worksheet>").encode()


_MALFORMED = '<row r="{k}"><c r="A{k}"><v>1</x></c></row>'
_FAR = '<row r="{k}"><c r="XFD1048576"><v>1</v></c></row>'


def _set_crc(path, name: str, crc: int) -> None:
    """Write ``crc`` as member ``name``'s checksum in the zip's central directory."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        pos = zf.start_dir
    while data[pos:pos + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<3H", data, pos + 28)
        if data[pos + 46:pos + 46 + n] == name.encode():
            struct.pack_into("<L", data, pos + 16, crc)
        pos += 46 + n + m + k
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("defects, crc, expected", [
    ({40: _MALFORMED, 3000: _FAR}, False, "not well-formed"),
    ({40: _FAR, 3000: _MALFORMED}, False, "has cells as far as"),
    ({3000: _MALFORMED}, True, "not well-formed"),
    ({}, True, "checksum"),
    ({2999: _FAR, 3000: _MALFORMED}, True, "has cells as far as"),
    ({4000: _FAR}, True, "has cells as far as"),  # (in the last regions: measured when the checksum fails)
    ({40: '<row r="{k}"><c r="XFD1048576"><v>1</v></c><c r="A{k}"><v>1</x></c></row>'}, False,
     "has cells as far as"),  # (one region: its accounting comes before its parsing)
])
def test_a_refusal_names_the_first_defect_of_the_part(tmp_path, defects, crc, expected):
    parts = hostile.parts_of(hostile.sample_workbook(tmp_path, rows=2))
    parts[hostile.SHEET] = _long_sheet(4000, {k: v.format(k=k) for k, v in defects.items()})
    path = hostile.write_zip(tmp_path / "d.xlsx", parts)
    if crc:
        _set_crc(path, hostile.SHEET, 12345)
    got = {}
    for mode in ("fast", "general", "then load"):
        with zipfile.ZipFile(path) as zf, mock.patch.object(_xlsx_guard, "CHUNK_BYTES", SMALL_CHUNK):
            info = zf.getinfo(hostile.SHEET)
            assert info.file_size > 40 * SMALL_CHUNK  # (many regions)
            got[mode] = _refusal(zf, info, mode)
    assert got["fast"] is not None and expected in got["fast"], got
    assert got["fast"] == got["general"] == got["then load"]


def _refusal(zf: zipfile.ZipFile, info: zipfile.ZipInfo, mode: str) -> str | None:
    """The bulk scan's refusal of a part (None: passed): one region after another
    ("general"), accounted beside expat ("fast"), or accounted first on two workers and
    then parsed beside the reader's load (``scan_then_load``, as the reader reads)."""
    try:
        if mode == "fast":
            _xlsx_guard.measure_sheet(zf, info, how="bulk")
        elif mode == "general":
            with general_paths():
                _xlsx_guard.measure_sheet(zf, info, how="bulk")
        else:
            loaded = []
            _xlsx_guard.scan_then_load(zf, info, _xlsx_guard.NO_STRINGS, lambda: loaded.append(1))
            assert loaded == [1]
    except _xlsx_guard.GuardError as e:
        return str(e)
    return None


def test_a_sheet_is_read_the_same_with_the_shortcuts_on_or_off(tmp_path):
    path = tmp_path / "o.xlsx"
    _openpyxl_book(path, far=False)
    got = reading.read_table(path)
    with general_paths():
        want = reading.read_table(path)
    assert got.headers == want.headers and (got.first_row, got.header_row) == (want.first_row, want.header_row)
    for g, w in zip(got.columns, want.columns, strict=True):
        assert g.tolist() == w.tolist() and list(map(type, g.tolist())) == list(map(type, w.tolist()))
    assert "#N/A" in got.columns[6].tolist()  # (an error cell, as its text)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.lists(st.sampled_from(["", None, "x", 0.0, 1.5, True, False, dt.date(2024, 1, 1), " "]),
                              min_size=3, max_size=3), min_size=0, max_size=8),
       errors=st.dictionaries(st.tuples(st.integers(1, 9), st.integers(1, 4)), st.sampled_from(["#N/A", "#REF!"]),
                              max_size=3))
def test_the_filled_cells_are_those_not_none(rows, errors):
    grid, filled = reading._filled_grid([list(r) for r in rows], errors)
    assert filled.shape == grid.shape and filled.dtype == bool
    assert np.array_equal(filled, np.not_equal(grid, None))
    with general_paths():
        general, general_filled = reading._filled_grid([list(r) for r in rows], errors)
    assert np.array_equal(filled, general_filled) and general.tolist() == grid.tolist()
    expected = [[None if v == "" and isinstance(v, str) else v for v in r] for r in rows]
    for (r, c), text in errors.items():
        if r <= len(rows) and c <= 3:
            expected[r - 1][c - 1] = text
    assert grid.tolist() == expected
    assert np.array_equal(reading._grid([list(r) for r in rows], errors), grid)


@pytest.mark.parametrize("gap", range(0, 60, 3))
@pytest.mark.parametrize("first", [_MALFORMED, _FAR])
def test_two_defects_close_together_are_refused_in_the_one_by_one_order(tmp_path, gap, first):
    """Two defects in the same region or in regions next to each other (where the worker is
    one region ahead of expat): the refusal is the one the one-by-one scan gives."""
    second = _FAR if first is _MALFORMED else _MALFORMED
    parts = hostile.parts_of(hostile.sample_workbook(tmp_path, rows=2))
    parts[hostile.SHEET] = _long_sheet(600, {300: first.format(k=300), 301 + gap: second.format(k=301 + gap)})
    path = hostile.write_zip(tmp_path / "d.xlsx", parts)
    got = []
    for mode in ("fast", "general", "then load"):
        with zipfile.ZipFile(path) as zf, mock.patch.object(_xlsx_guard, "CHUNK_BYTES", 64):
            got.append(_refusal(zf, zf.getinfo(hostile.SHEET), mode))
    assert got[0] is not None and got[0] == got[1] == got[2]


@pytest.mark.parametrize("data, applies, far", [
    (b'<row r="1"><c r="A1"/></row><c/>', False, None),  # a cell without a reference, at the very end
    (b'<c r="XFD1"/>', True, (1, 16_384)),  # a reference at the very end of the region
    (b'<c r="xfd7"/><c r="B10"/>', True, (10, 16_384)),  # (lower case, as the reader takes it)
    (b'<c r="A1048576"/><c r="ZZ9"/>', True, (1_048_576, 702)),
    (b'<c r="A01"/>', False, None),  # a leading zero: the event scan reads it
    (b'<c r="1A"/>', False, None),
    (b'<c r="ABCD1"/>', False, None),
    (b'<c r="A12345678"/>', False, None),
    (b'<c r=""/>', False, None),
    (b'<c t="s" r="A1"/>', False, None),  # the reference not first
])
def test_references_at_a_region_end_are_read_in_bulk(data, applies, far):
    state = _xlsx_guard._Bulk("sheet", _xlsx_guard.NO_STRINGS)
    with mock.patch.object(_xlsx_guard, "MAX_CELLS", 1 << 40):
        assert state.region(data) is applies
    if applies:
        assert (state.max_row, state.max_col) == far


@pytest.mark.parametrize("where", ["head", "late"])
@pytest.mark.parametrize("chunk", [None, SMALL_CHUNK])
def test_a_far_declared_dimension_is_refused_by_every_scan(tmp_path, where, chunk):
    """``<dimension ref="A1:XFD1048576"/>`` before the sheet data, or (not where Excel puts it)
    after many rows: the bulk scan refuses it as the exact scan does, in the same words."""
    path = hostile.sample_workbook(tmp_path, rows=300, name="base.xlsx")
    far = '<dimension ref="A1:XFD1048576"/>'

    def edit(xml: str) -> str:
        xml = re.sub(r"<dimension [^>]*/>", "", xml)
        if where == "head":
            return xml.replace("<sheetData", far + "<sheetData", 1)
        return xml.replace("</sheetData>", "</sheetData>" + far, 1)

    edited = hostile._with_sheet(tmp_path, "far.xlsx", edit, base=path)
    scans = _scans(edited, chunk)
    assert isinstance(scans["exact"], str) and "declares" in scans["exact"], scans["exact"]
    assert scans["bulk"] == scans["exact"]
