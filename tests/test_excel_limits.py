"""Excel-safe values and zip layout in every xlsx we write (issue 11).

* the zip layout: every local header agrees with the central directory, and no part under
  zipfile's 2 GiB limit carries a Zip64 extra field (SheetJS refuses those), for the
  streaming writer (``_xlsx.write_workbook``, ``recalc``, ``awards``) and XlsxWriter
  (``fill``); the size bound that decides Zip64 is an upper bound;
* numbers beyond +-9.99999999999999E+307 and infinities are ``#NUM!`` error cells, NaN a
  blank, with an issue in words (:func:`xl_kent.files.limits.excel_safe`);
* text over 32,767 UTF-16 units is cut (never inside a surrogate pair), not a failed run;
* control characters in every column kind, and in ``fill budget`` / ``fill awards``:
  every part is well-formed, openpyxl, python-calamine (and SheetJS where installed) read
  the file, and ``openxml-audit`` passes.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import python_calamine
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from test_cli import run  # the command line in this process: exit code, stdout, stderr

from xl_kent.files import _xlsx
from xl_kent.files.limits import (
    EXCEL_MAX_NUMBER,
    EXCEL_MAX_TEXT_UNITS,
    HEADER_ROW,
    NUM_ERROR,
    cut_text,
    excel_safe,
    utf16_units,
)
from xl_kent.files.writing import Sheet, write_csv, write_xlsx

EMOJI = "\U0001F600"  # two UTF-16 units
CONTROLS = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
AS_OF = "2027-03-31"


def obj(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def excel_unescape(text: str) -> str:
    """``_xHHHH_`` as Excel reads it (openpyxl leaves the escapes in the text)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


# ---------------------------------------------------------------- checks of a written file
def zip_problems(path: Path) -> list[str]:
    """Each member's local header (30 bytes at ``header_offset``, then its name and extra
    field) against the central directory."""
    problems = []
    with zipfile.ZipFile(path) as zf, open(path, "rb") as raw:
        assert zf.testzip() is None
        for info in zf.infolist():
            raw.seek(info.header_offset)
            (sig, _ver, flags, method, _t, _d, crc, csize, usize, name_len,
             extra_len) = struct.unpack("<4sHHHHHLLLHH", raw.read(30))
            name = raw.read(name_len).decode("utf-8")
            extra = raw.read(extra_len)
            ids = []
            i = 0
            while i + 4 <= len(extra):
                tag, size = struct.unpack_from("<HH", extra, i)
                ids.append(tag)
                i += 4 + size
            if sig != b"PK\x03\x04" or name != info.filename or method != info.compress_type:
                problems.append(f"{info.filename}: local header {sig!r} {name!r} method {method}")
            if i != len(extra):
                problems.append(f"{name}: malformed local extra field {extra.hex()}")
            if 0x0001 in ids and info.file_size < zipfile.ZIP64_LIMIT:
                problems.append(f"{name}: Zip64 extra field on a {info.file_size:,}-byte part")
            if 0x0001 in _central_extra_ids(info) and info.file_size < zipfile.ZIP64_LIMIT:
                problems.append(f"{name}: Zip64 extra field in the central directory")
            if (flags ^ info.flag_bits) & 0x0809:
                problems.append(f"{name}: flags {flags:#x} locally, {info.flag_bits:#x} centrally")
            if not flags & 0x08 and (crc, csize, usize) != (info.CRC, info.compress_size, info.file_size):
                problems.append(f"{name}: local CRC/sizes {crc:#x}/{csize}/{usize}, central "
                                f"{info.CRC:#x}/{info.compress_size}/{info.file_size}")
    return problems


def _central_extra_ids(info: zipfile.ZipInfo) -> list[int]:
    ids, i, extra = [], 0, info.extra
    while i + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, i)
        ids.append(tag)
        i += 4 + size
    return ids


def xml_problems(path: Path) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(zf.read(name), etree.XMLParser(huge_tree=True))
                except etree.XMLSyntaxError as e:
                    problems.append(f"{name}: {e}")
    return problems


def audit(path: Path) -> None:
    exe = Path(sys.executable).with_name("openxml-audit")
    cmd = [str(exe)] if exe.exists() else ([shutil.which("openxml-audit")] if shutil.which("openxml-audit") else None)
    if cmd is None:
        pytest.skip("openxml-audit is not installed")
    done = subprocess.run([*cmd, "--policy", "permissive", "-f", "microsoft365", "-m", "0", str(path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def sheetjs_reads(path: Path) -> dict | None:
    """The first sheet's cells as SheetJS reads them ({address: [type, value]}), or None where
    node or the npm package xlsx is missing."""
    package = Path.home() / ".cache" / "xl-kent-node" / "node_modules" / "xlsx"
    if not shutil.which("node") or not (package / "package.json").exists():
        return None
    script = ("const X=require(process.argv[1]);const wb=X.read(require('fs').readFileSync(process.argv[2]));"
              "const ws=wb.Sheets[wb.SheetNames[0]];const out={};"
              "for(const k of Object.keys(ws)){if(k[0]!=='!')out[k]=[ws[k].t,ws[k].v];}"
              "process.stdout.write(JSON.stringify(out));")
    done = subprocess.run(["node", "-e", script, str(package), str(path)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-1500:]
    return json.loads(done.stdout)


def well_formed_everywhere(path: Path) -> None:
    assert xml_problems(path) == []
    assert zip_problems(path) == []
    openpyxl.load_workbook(path)  # loads
    python_calamine.CalamineWorkbook.from_path(str(path))


def first_sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode("utf-8")


# ---------------------------------------------------------------- zip layout
def _every_kind(n: int = 2_000) -> Sheet:
    i = np.arange(n)
    return Sheet("Data", ["float", "int", "bool", "date", "text", "object"],
                 [i * 1.5, i, i % 2 == 0, np.datetime64("2024-01-01") + i,
                  np.array([f"t{k}" for k in range(n)]), obj([None if k % 3 else f"o{k}" for k in range(n)])])


def test_write_workbook_zip_layout_has_no_zip64(tmp_path):
    s = _every_kind()
    with open(tmp_path / "w.xlsx", "wb") as f:
        _xlsx.write_workbook(f, ["Data", "Two"], [(s.headers, s.columns, [0] * 6, [10.0] * 6, True),
                                                  (["x"], [np.arange(3.0)], [0], [10.0], False)])
    assert zip_problems(tmp_path / "w.xlsx") == []
    write_xlsx(tmp_path / "x.xlsx", [s])
    assert zip_problems(tmp_path / "x.xlsx") == []
    got = sheetjs_reads(tmp_path / "x.xlsx")
    if got is not None:
        assert got["A3"] == ["n", 1.5] and got["E2"] == ["s", "t0"]


def test_a_forced_zip64_part_that_turns_out_small_has_no_zip64_field(tmp_path, monkeypatch):
    monkeypatch.setattr(_xlsx, "ZIP64_FROM_BYTES", 10_000)  # every sheet "might" pass the limit
    s = _every_kind()
    write_xlsx(tmp_path / "z.xlsx", [s, Sheet("Errors", ["row"], [np.arange(2)])])
    assert zip_problems(tmp_path / "z.xlsx") == []
    with open(tmp_path / "z.xlsx", "rb") as raw, zipfile.ZipFile(tmp_path / "z.xlsx") as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        raw.seek(info.header_offset + 28)
        (extra_len,) = struct.unpack("<H", raw.read(2))
        raw.seek(info.header_offset + 30 + len(info.filename))
        assert extra_len == 20 and raw.read(4) == struct.pack("<HH", 0xD935, 16)  # the padding field
    well_formed_everywhere(tmp_path / "z.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "z.xlsx")
    assert wb["Data"]["A3"].value == 1.5 and wb["Data"].max_row == 2_001
    got = sheetjs_reads(tmp_path / "z.xlsx")
    if got is not None:
        assert got["A3"] == ["n", 1.5]


@pytest.fixture(scope="module")
def lists(tmp_path_factory):
    d = tmp_path_factory.mktemp("limits_lists")
    code, _, err = run("sample", "--rows", "80", "--bad", "4", "-o", d / "staff.xlsx", "--awards", d / "awards.xlsx")
    assert code == 0, err
    return d


@pytest.mark.parametrize("argv", [("recalc", "staff.xlsx", "-o", "r.xlsx", "--as-of", AS_OF),
                                  ("awards", "awards.xlsx", "-o", "a.xlsx"),
                                  ("fill", "budget", "--staff", "staff.xlsx", "-o", "b.xlsx", "--as-of", AS_OF),
                                  ("fill", "awards", "--log", "awards.xlsx", "-o", "t.xlsx", "--to", AS_OF)])
def test_command_outputs_zip_layout(lists, argv):
    argv = [str(lists / a) if a.endswith(".xlsx") else a for a in argv]
    code, _, err = run(*argv)
    assert code in (0, 1), err
    out = Path(argv[argv.index("-o") + 1])
    assert zip_problems(out) == []
    assert xml_problems(out) == []
    if argv[0] != "fill":
        assert sheetjs_reads(out) is None or sheetjs_reads(out)


hostile = st.lists(st.sampled_from(["a", "&", "<", "_", "x", "0", "_x0041_", "\x01", "\x00", "\r", "\ufffe",
                                    "\ud800", "\u00e9", "\u20ac", EMOJI]), max_size=60).map("".join)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(hostile, st.none(), st.floats(allow_nan=True), st.integers(-10**400, 10**400),
                          st.booleans(), st.dates(min_value=dt.date(1800, 1, 1))), min_size=1, max_size=40),
       st.lists(st.floats(), min_size=1, max_size=40))
def test_part_size_bound_is_an_upper_bound(cells, floats):
    n = min(len(cells), len(floats))
    columns = [obj(cells[:n]), np.array(floats[:n]), np.array([c if isinstance(c, str) else "" for c in cells[:n]])]
    headers = ["object \x01 & _x0041_", "float", "text" + EMOJI]
    import io

    buf = io.BytesIO()
    _xlsx.write_workbook(buf, ["S"], [(headers, columns, [0, 0, 0], [10.0] * 3, True)])
    with zipfile.ZipFile(buf) as zf:
        size = zf.getinfo("xl/worksheets/sheet1.xml").file_size
    assert _xlsx.part_size_bound(headers, columns) >= size
    for c in columns:  # the scanned bound of an object column is an upper bound too
        assert _xlsx._column_bound(c, 0, exact=True) <= _xlsx._column_bound(c, 0, exact=False) or c.dtype.kind != "O"


def test_long_texts_bound_stays_an_upper_bound(monkeypatch):
    monkeypatch.setattr(_xlsx, "ZIP64_FROM_BYTES", 1_000)  # scan the object columns
    texts = obj(["\x01" * 40_000, "&" * 5, None, 10**300, float("inf")])
    import io

    buf = io.BytesIO()
    _xlsx.write_workbook(buf, ["S"], [(["t"], [texts], [0], [10.0], True)])
    with zipfile.ZipFile(buf) as zf:
        assert _xlsx.part_size_bound(["t"], [texts]) >= zf.getinfo("xl/worksheets/sheet1.xml").file_size


# ---------------------------------------------------------------- numbers
def test_numbers_beyond_excel_are_num_errors_with_issues():
    x = np.array([1.5, 1e308, -1e308, np.inf, -np.inf, np.nan, EXCEL_MAX_NUMBER, -EXCEL_MAX_NUMBER])
    headers, cols, issues = excel_safe(["pay"], [x])
    assert headers == ["pay"]
    got = cols[0]
    assert got.dtype == np.float64 and np.isnan(got[5]) and got[[0, 6, 7]].tolist() == x[[0, 6, 7]].tolist()
    assert got[1:5].tolist() == [NUM_ERROR] * 4
    assert [(i.row, i.header) for i in issues] == [(1, "pay"), (2, "pay"), (3, "pay"), (4, "pay")]
    assert issues[0].reason == ("the number 1e+308 is beyond Excel's largest (9.99999999999999E+307): "
                                "written as #NUM!")
    assert issues[1].reason.startswith("the number -1e+308 is beyond Excel's smallest (-9.99999999999999E+307)")
    assert "inf" in issues[2].reason and "#NUM!" in issues[3].reason
    same = np.array([1.0, np.nan])
    assert excel_safe(["a"], [same])[1][0] is same  # nothing wrong: the same array, no copy


def test_numbers_in_object_and_other_float_columns():
    col = obj([1.5, 1e308, None, "x", 10**400, -(10**309), 7, np.float64(-2e308), True, dt.date(2024, 1, 1)])
    _, cols, issues = excel_safe(["as read"], [col])
    assert cols[0].tolist() == [1.5, math.inf, None, "x", math.inf, math.inf, 7, math.inf, True, dt.date(2024, 1, 1)]
    assert [i.row for i in issues] == [1, 4, 5, 7]
    assert "digits" in issues[2].reason
    f32 = np.array([1, np.inf], dtype=np.float32)
    _, cols, issues = excel_safe(["f"], [f32])
    assert cols[0].dtype == np.float32 and [i.row for i in issues] == [1]


def test_xlsx_writer_writes_num_errors_and_blanks(tmp_path):
    x = np.array([1.5, 1e308, -1e308, np.inf, np.nan, -np.inf])
    o = obj([1e308, None, 10**400, "t", -np.inf, 2])
    s = Sheet("S", ["float", "object"], [x, o])
    for name, sheet in (("raw.xlsx", s), ("safe.xlsx", Sheet("S", *excel_safe(s.headers, s.columns)[:2]))):
        write_xlsx(tmp_path / name, [sheet])  # without excel_safe the writer applies the same rules
        well_formed_everywhere(tmp_path / name)
        xml = first_sheet_xml(tmp_path / name)
        assert xml.count('t="e"><v>#NUM!</v>') == 7
        assert "e+308" not in xml and "inf" not in xml
        ws = openpyxl.load_workbook(tmp_path / name)["S"]
        assert [ws.cell(r, 1).value for r in range(2, 8)] == [1.5, "#NUM!", "#NUM!", "#NUM!", None, "#NUM!"]
        assert [ws.cell(r, 1).data_type for r in (3, 4, 5, 7)] == ["e"] * 4
        assert [ws.cell(r, 2).value for r in range(2, 8)] == ["#NUM!", None, "#NUM!", "t", "#NUM!", 2]
        rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / name)).get_sheet_by_name("S").to_python()
        assert rows[1][0] == 1.5 and rows[5][0] == "" and rows[6][1] == 2
        got = sheetjs_reads(tmp_path / name)
        if got is not None:
            assert got["A3"][0] == "e" and got["A2"] == ["n", 1.5] and "A6" not in got


def test_csv_writes_num_errors_as_text(tmp_path):
    _, cols, _ = excel_safe(["x", "o"], [np.array([1e308, 2.5, np.nan]), obj([None, -np.inf, "a"])], csv=True)
    write_csv(tmp_path / "o.csv", Sheet("S", ["x", "o"], cols))
    rows = list(csv.reader((tmp_path / "o.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows == [["x", "o"], ["#NUM!", ""], ["2.5", "#NUM!"], ["", "a"]]


# ---------------------------------------------------------------- text
@pytest.mark.parametrize(("text", "kept"), [
    ("x" * 32_767, 32_767),
    ("x" * 32_768, 32_767),
    ("x" * 40_000, 32_767),
    ("x" * 32_765 + EMOJI, 32_767),  # exactly at the limit: kept whole
    ("x" * 32_766 + EMOJI, 32_766),  # the emoji would be split: cut before it
    ("x" * 32_767 + EMOJI, 32_767),
    (EMOJI * 16_384, 32_766),
    ("\u00e9" * 32_768, 32_767),
])
def test_text_is_cut_in_utf16_units_never_inside_a_pair(tmp_path, text, kept):
    cut = cut_text(text)
    assert utf16_units(cut) == kept and text.startswith(cut) and not (0xD800 <= ord(cut[-1]) <= 0xDFFF)
    _, cols, issues = excel_safe(["t"], [obj(["a", text])])
    assert cols[0][1] == cut
    if utf16_units(text) > EXCEL_MAX_TEXT_UNITS:
        assert [i.row for i in issues] == [1]
        assert issues[0].reason.startswith(f"the text is {utf16_units(text):,} characters long")
        assert issues[0].reason.endswith(f"(Excel holds 32,767): cut to {kept:,}")
    else:
        assert issues == []
    _, ucols, uissues = excel_safe(["t"], [np.array(["a", text])])  # a numpy text column
    assert ucols[0][1] == cut and len(uissues) == len(issues)
    write_xlsx(tmp_path / "t.xlsx", [Sheet("S", ["t", "u"], [obj(["a", text]), np.array(["a", text])])])
    well_formed_everywhere(tmp_path / "t.xlsx")
    rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_name("S").to_python()
    assert rows[2] == [cut, cut]
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["S"]
    assert ws["A3"].value == cut and ws["B3"].value == cut


def test_a_long_text_no_longer_fails_the_run(tmp_path):
    src = tmp_path / "staff.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Employee ID", "Name", "Grade", "Annual Salary", "Date of Birth", "Continuous Service Date"])
        w.writerow(["E1", "x" * 40_000, "KR6", "30000", "1980-01-01", "2010-01-01"])
        w.writerow(["E2", "y" * 32_766 + EMOJI, "KR6", "30000", "1980-01-01", "2010-01-01"])
    code, _, err = run("recalc", src, "-o", tmp_path / "r.xlsx", "--as-of", AS_OF)
    assert code in (0, 1), err
    well_formed_everywhere(tmp_path / "r.xlsx")
    book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "r.xlsx"))
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    assert rows[1][1] == "x" * 32_767 and rows[2][1] == "y" * 32_766


def test_headers_are_checked_too():
    headers, _, issues = excel_safe(["ok", "h" * 33_000], [np.zeros(1), np.zeros(1)])
    assert len(headers[1]) == 32_767 and [(i.row, i.header[:1]) for i in issues] == [(HEADER_ROW, "h")]


# ---------------------------------------------------------------- control characters
def test_control_characters_in_every_column_kind(tmp_path):
    texts = ["Fin\x01ance\x1f", "E\x0b1", CONTROLS, "_x0041_ literal", "a\ufffeb", "lone \ud800 half", "tab\tok"]
    n = len(texts)
    s = Sheet("S", [f"head\x01{j}" for j in range(4)],
              [obj(texts), np.array(texts), obj([*texts[:-1], 3.5]), np.arange(n) * 1.0])
    _, _, issues = excel_safe(s.headers, s.columns)
    assert issues == []  # xlsx carries control characters itself
    write_xlsx(tmp_path / "c.xlsx", [s])
    well_formed_everywhere(tmp_path / "c.xlsx")
    rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "c.xlsx")).get_sheet_by_name("S").to_python()
    assert rows[0] == [f"head\x01{j}" for j in range(4)]
    for k, t in enumerate(texts):
        if "\ud800" in t or "\ufffe" in t:
            continue  # a lone surrogate, a non-character: escaped in the file, each reader decodes them its own way
        assert rows[k + 1][0] == t and rows[k + 1][1] == t
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx")["S"]
    assert [excel_unescape(ws.cell(k + 2, 1).value) for k in range(n) if "\ud800" not in texts[k]] == \
        [t for t in texts if "\ud800" not in t]  # openpyxl leaves _xHHHH_ as it is: Excel's reading of it
    got = sheetjs_reads(tmp_path / "c.xlsx")
    if got is not None:
        assert got["A2"] == ["s", "Fin\x01ance\x1f"] and got["B4"] == ["s", CONTROLS]


def test_control_characters_in_csv_are_escaped_and_listed(tmp_path):
    _, cols, issues = excel_safe(["t", "u"], [obj(["Fin\x01ance", None, "nul\x00", 2.0]),
                                              np.array(["ok", "x\x1fy", "", "tab\tok"])], csv=True)
    assert cols[0].tolist() == ["Fin_x0001_ance", None, "nul_x0000_", 2.0]
    assert cols[1].tolist() == ["ok", "x_x001F_y", "", "tab\tok"]
    assert [(i.row, i.header) for i in issues] == [(0, "t"), (1, "u"), (2, "t")]
    assert "U+0001" in issues[0].reason
    write_csv(tmp_path / "c.csv", Sheet("S", ["t", "u"], cols))  # a NUL no longer fails the run


# ---------------------------------------------------------------- the template workbooks
def _staff_xlsx(path: Path, rows: list[list]) -> Path:
    """A staff list written with XlsxWriter (it carries control characters and 1e308 as typed)."""
    headers = ["Employee ID", "Name", "Cost Centre", "Grade", "Annual Salary", "Date of Birth",
               "Continuous Service Date", "At Risk", "Leave Taken (days)"]
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Staff")
    for j, h in enumerate(headers):
        ws.write_string(0, j, h)
    for i, row in enumerate(rows, 1):
        for j, v in enumerate(row):
            (ws.write_string if isinstance(v, str) else ws.write_number)(i, j, v)
    wb.close()
    return path


def _check_workbook(path: Path) -> None:
    well_formed_everywhere(path)
    audit(path)


def test_fill_budget_with_control_characters_long_text_and_1e308(tmp_path):
    src = _staff_xlsx(tmp_path / "staff.xlsx", [
        ["E\x0b1", "Ann\x0bSmith", "Fin\x01ance\x1f", "KR6", 30_000, "1980-01-01", "2010-01-01", "Yes", 3],
        ["E2", "y" * 32_766 + EMOJI, "Finance", "KR6", 1e308, "1980-01-01", "2010-01-01", "No", 1e308],
        ["E3", "Bob", "Fin\x01ance\x1f", "KR6", -1e308, "1980-01-01", "2010-01-01", "No", 2],
    ])
    out = tmp_path / "budget.xlsx"
    code, _, err = run("fill", "budget", "--staff", src, "-o", out, "--as-of", AS_OF)
    assert code == 1, err
    _check_workbook(out)
    book = python_calamine.CalamineWorkbook.from_path(str(out))
    staff = book.get_sheet_by_name("Staff").to_python()
    assert staff[4][:3] == ["E\x0b1", "Ann\x0bSmith", "Fin\x01ance"]  # the core trims the trailing \x1f
    assert staff[5][1] == "y" * 32_766
    wb = openpyxl.load_workbook(out)
    salary = wb["Staff"]["H6"]
    assert salary.value == "=SQRT(-1)"  # 1e308: the error #NUM!, never the number
    assert wb["Summary"]["A5"].value.startswith("=IF(Assumptions!")
    summary = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Summary").to_python()
    assert [r[0] for r in summary[4:6]] == ["Fin\x01ance", "Finance"]  # the formulas' cached results
    assert [c.value for c in openpyxl.load_workbook(out, data_only=True)["Summary"]["A"][4:6]] == \
        ["Fin_x0001_ance", "Finance"]  # openpyxl leaves Excel's escape as it is
    got = sheetjs_reads(out)
    if got is not None:
        assert got["A1"][0] == "s"  # SheetJS reads the file (its first sheet: How to use)


def test_fill_budget_keeps_text_that_looks_like_an_escape(tmp_path):
    src = _staff_xlsx(tmp_path / "staff.xlsx", [
        ["E1", "_x0041_ name", "_x0041_ escaped", "KR6", 30_000, "1980-01-01", "2010-01-01", "No", 3]])
    out = tmp_path / "budget.xlsx"
    code, _, err = run("fill", "budget", "--staff", src, "-o", out, "--as-of", AS_OF)
    assert code in (0, 1), err
    _check_workbook(out)
    book = python_calamine.CalamineWorkbook.from_path(str(out))
    assert book.get_sheet_by_name("Summary").to_python()[4][0] == "_x0041_ escaped"
    assert book.get_sheet_by_name("Staff").to_python()[4][1:3] == ["_x0041_ name", "_x0041_ escaped"]


def test_fill_budget_from_csv_with_a_40000_character_text(tmp_path):
    src = tmp_path / "staff.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Employee ID", "Name", "Cost Centre", "Grade", "Annual Salary", "Date of Birth",
                    "Continuous Service Date"])
        w.writerow(["E\x0b1", "x" * 40_000, "Fin\x01ance\x1f", "KR6", "30000", "1980-01-01", "2010-01-01"])
        w.writerow(["E2", "z", "C\x7f\x02" * 3, "KR6", "1e308", "1980-01-01", "2010-01-01"])
    out = tmp_path / "budget.xlsx"
    code, _, err = run("fill", "budget", "--staff", src, "-o", out, "--as-of", AS_OF)
    assert code in (0, 1), err
    _check_workbook(out)
    staff = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Staff").to_python()
    assert staff[4][1] == "x" * 32_767


def test_fill_awards_with_control_characters(tmp_path):
    headers = ["Employee ID", "Name", "Grade", "Part time", "Directorate", "Front line", "Award date", "Amount",
               "Kind", "Work reference"]
    rows = [["E\x0b1", "Ann\x0bSmith", "KR6", "No", "Dir\x01ectorate\x1f", "Yes", "2026-09-01", 200, "Individual",
             "W\x021"],
            ["E2", "B" * 40_000, "KR7", "Yes", "Growth", "No", "2026-09-02", 1e308, "Team", "P\x0c4"],
            ["E3", "C", "KR\x018", "No", "Dir\x01ectorate\x1f", "No", "2026-09-03", 100, "Individual", "W3"]]
    src = tmp_path / "log.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headers)
        w.writerows(rows)
    out = tmp_path / "tracking.xlsx"
    code, _, err = run("fill", "awards", "--log", src, "-o", out, "--to", "2026-11-30")
    assert code in (0, 1), err
    _check_workbook(out)
    log = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Award log").to_python()
    assert log[4][0] == "E\x0b1" and log[4][1] == "Ann\x0bSmith"
    assert log[5][1] == "B" * 32_767
    code, _, err = run("awards", src, "-o", tmp_path / "checked.xlsx")
    assert code in (0, 1), err
    well_formed_everywhere(tmp_path / "checked.xlsx")


def test_workbook_helpers_write_well_formed_xml(tmp_path):
    from workbooks import common

    path = tmp_path / "h.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("S")
    common.write_text(ws, 0, 0, "Fin\x01ance\x1f\ufffe" + "x" * 40_000)
    common.write_formula(ws, 0, 1, "=A1", None, "Fin\x01ance\x1f\ufffe")
    common.write_formula(ws, 0, 2, "=1", None, float("inf"))
    common.write_array_formula(ws, 0, 3, 2, 3, "=A1:A3", None, "E\x0b1")
    common.write_number(ws, 1, 0, 1e308)
    common.write_number(ws, 2, 0, float("nan"))
    common.data_validation(ws, 3, 0, 3, 0, {"validate": "list", "source": ["a\x01", "b"],
                                            "input_title": "T\x01", "input_message": "M\x02"})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"categories": "=S!$B$1:$B$1", "values": "=S!$C$1:$C$1"})
    ws.insert_chart(5, 5, chart)
    wb.close()
    well_formed_everywhere(path)
    audit(path)
    cells = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S").to_python()
    assert cells[0][0] == "Fin\x01ance\x1f\ufffd" + "x" * (32_767 - 10)
    assert cells[0][1] == "Fin\x01ance\x1f\ufffd" and cells[0][3] == "E\x0b1"
    ws2 = openpyxl.load_workbook(path)["S"]
    assert ws2["A2"].value == "=SQRT(-1)" and ws2["A3"].value is None
    assert openpyxl.load_workbook(path, data_only=True)["S"]["C1"].value == "#NUM!"
