"""Both template workbooks: the committed files, their shared parts, and the commands around them.

Each template's own contents and numbers are checked in test_workbook_budget.py and
test_workbook_awards.py (recalculated in LibreOffice against the model).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zipfile
import zlib

import numpy as np
import openpyxl
import pytest
from xlsxwriter.utility import xl_col_to_name

import udfs.functions
from workbooks import awards, budget, build, common, pictures
from xl_kent_cli import cli

TEMPLATES = {"budget": budget, "awards": awards}
KENT_FUNCTIONS = ["KENT_SICKPAY", "KENT_REDUNDANCY_WEEKS", "KENT_LEAVE_ACCRUAL", "KENT_AWARD_OK"]


def _sheet_xml(path) -> dict[str, str]:
    """Every worksheet's XML, by sheet name."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
        targets |= {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)}
        out = {}
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', book):
            out[name.replace("&amp;", "&")] = z.read("xl/" + targets[rid].lstrip("/").removeprefix("xl/")).decode()
        return out


def test_the_committed_templates_are_what_the_build_makes():
    for name in TEMPLATES:
        committed = build.template_path(name)
        assert committed.exists(), f"{committed} is missing: run python3 -m workbooks.build"
    assert build.check() == [], "a committed template is stale: run python3 -m workbooks.build"


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_build_gives_the_same_bytes_every_run(name, tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    common.save_atomically(a, TEMPLATES[name].build)
    common.save_atomically(b, TEMPLATES[name].build)
    assert a.read_bytes() == b.read_bytes()


def test_check_notices_a_stale_template(tmp_path):
    stale = build.template_path("awards", tmp_path)
    common.save_atomically(stale, awards.build)
    wb = openpyxl.load_workbook(stale)
    wb["How to use"]["A1"] = "edited by hand"
    wb.save(stale)
    assert build.check(tmp_path, ["awards"]) == [str(stale)]


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_has_how_to_use_first_and_xlwings_conf(name):
    wb = openpyxl.load_workbook(build.template_path(name))
    assert wb.sheetnames[0] == "How to use"
    conf = wb["xlwings.conf"]
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "udfs")
    text = "\n".join(str(c.value) for row in wb["How to use"].iter_rows() for c in row if c.value is not None)
    for sheet in wb.sheetnames[1:]:
        assert sheet in text, f"How to use does not describe the sheet {sheet}"
    for code, _ in common.ERROR_MEANINGS:
        assert code in text
    used = {f for f in KENT_FUNCTIONS for xml in _sheet_xml(build.template_path(name)).values() if f in xml}
    assert used, "the template uses no KENT_ function"
    for f in used:
        assert f + "(" in text, f"How to use does not explain {f}"
        for arg in udfs.functions.ARG_HELP[f]:
            assert arg in text


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> dict:
    """Each template freshly built (the committed files are checked against a build above)."""
    folder = tmp_path_factory.mktemp("fresh")
    return {name: common.save_atomically(build.template_path(name, folder), TEMPLATES[name].build)
            for name in TEMPLATES}


@pytest.mark.parametrize("name", TEMPLATES)
def test_xlwings_conf_is_laid_out_as_the_add_in_reads_it(name, fresh):
    """xlwings.bas reads the keys from A1 down to A1.End(xlDown) and each value from column B: the
    keys are contiguous from A1 with nothing else in column A, the values and spare rows are
    unlocked, the notes are beside them (column D), and the sheet is hidden so it is not printed."""
    wb = openpyxl.load_workbook(fresh[name])
    conf = wb["xlwings.conf"]
    assert conf.sheet_state == "hidden"
    assert wb.active.title == "How to use"
    column_a = [conf.cell(r, 1).value for r in range(1, conf.max_row + 1)]
    keys = column_a[:column_a.index(None)] if None in column_a else column_a
    assert keys == ["UDF Modules"]
    assert all(v is None for v in column_a[len(keys):]), "something below the keys in column A"
    assert conf["B1"].value == "udfs"
    for r in range(1, 2 + common.CONF_SPARE_ROWS):
        for col in "AB":
            assert conf[f"{col}{r}"].protection.locked is False, f"{col}{r} is locked"
    assert conf.protection.sheet
    notes = [conf.cell(r, 4).value for r in range(1, conf.max_row + 1) if conf.cell(r, 4).value]
    assert any("Interpreter_Win" in n for n in notes)
    assert all(conf.cell(r, 3).value is None for r in range(1, conf.max_row + 1))
    assert conf.print_area is None or "xlwings" not in str(conf.print_area)


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_sheet_is_protected_without_a_password_and_inputs_are_unlocked(name):
    wb = openpyxl.load_workbook(build.template_path(name))
    for ws in wb.worksheets:
        assert ws.protection.sheet, f"{ws.title} is not protected"
        assert not ws.protection.password, f"{ws.title} has a password"
    module = TEMPLATES[name]
    data = wb["Staff" if name == "budget" else "Award log"]
    headers = [c.value for c in data[common.HEADER_ROW]]
    for col in module.INPUT_COLUMNS:
        j = headers.index(col.header) + 1
        for r in (common.FIRST_ROW, common.FIRST_ROW + common.DATA_ROWS - 1):
            assert data.cell(r, j).protection.locked is False, f"{col.header} row {r} is locked"
    for col in module.CALC_COLUMNS:
        j = headers.index(col.header) + 1
        assert data.cell(common.FIRST_ROW, j).protection.locked is not False, f"{col.header} is not locked"


@pytest.mark.parametrize("name", TEMPLATES)
def test_kent_formulas_spill_in_excel_365_and_use_only_excel_2010_functions(name):
    sheets = _sheet_xml(build.template_path(name))
    kent = 0
    for sheet, xml in sheets.items():
        for attrs, formula in re.findall(r"<f([^>]*)>([^<]*)</f>", xml):
            assert "_xlfn." not in formula, f"{sheet}: a function newer than Excel 2010 in {formula[:80]}"
            assert "@" not in formula, f"{sheet}: implicit intersection in {formula[:80]}"
            if "KENT_" in formula:
                kent += 1
                assert 't="array"' in attrs, f"{sheet}: a KENT_ formula that is not an array: {formula[:80]}"
        # every array formula is a dynamic array (cell metadata), not a legacy CSE array
        arrays = re.findall(r'<c r="[A-Z]+\d+"([^>]*)><f t="array"', xml)
        assert all('cm="1"' in a for a in arrays), f"{sheet}: an array formula without dynamic-array metadata"
        # one formula per column: no KENT_ formula is repeated per row
        assert len(re.findall(r"KENT_", xml)) <= 40, f"{sheet}: KENT_ called per row?"
    assert kent >= 1


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_command_copies_the_blank_template(name, tmp_path, capsys):
    target = tmp_path / "mine.xlsx"
    assert cli.main(["template", name, "-o", str(target)]) == 0
    assert target.read_bytes() == build.template_path(name).read_bytes()
    assert cli.main(["template", name, "-o", str(target)]) == 3  # exists: refused without --force
    assert "exists" in capsys.readouterr().err
    assert cli.main(["template", name, "-o", str(target), "--force"]) == 0


def test_fill_commands_write_workbooks_without_kent_formulas(tmp_path, capsys):
    staff, log = tmp_path / "staff.xlsx", tmp_path / "awards.xlsx"
    assert cli.main(["sample", "--rows", "60", "--bad", "2", "-o", str(staff), "--awards", str(log)]) == 0
    out_budget, out_awards = tmp_path / "budget.xlsx", tmp_path / "checked.xlsx"
    code = cli.main(["fill", "budget", "--staff", str(staff), "-o", str(out_budget), "--as-of", "31/03/2027",
                     "--pay-award", "3.2"])
    assert code in (0, 1), capsys.readouterr().err
    code = cli.main(["fill", "awards", "--log", str(log), "-o", str(out_awards)])
    assert code in (0, 1), capsys.readouterr().err
    for path in (out_budget, out_awards):
        for sheet, xml in _sheet_xml(path).items():
            assert not re.search(r"<f[^>]*>[^<]*KENT_", xml), f"{path.name} {sheet} still calls a KENT_ function"
    wb = openpyxl.load_workbook(out_budget)
    assert wb["Assumptions"] is not None


def test_fill_refuses_to_overwrite_its_input(tmp_path, capsys):
    staff = tmp_path / "staff.xlsx"
    assert cli.main(["sample", "--rows", "10", "-o", str(staff)]) == 0
    before = staff.read_bytes()
    assert cli.main(["fill", "budget", "--staff", str(staff), "-o", str(staff)]) == 3
    assert staff.read_bytes() == before


@pytest.mark.parametrize("text, fraction", [("3.5", 0.035), ("3.5%", 0.035), ("0", 0.0)])
def test_pay_award_is_read_as_a_percentage(text, fraction):
    assert cli._percent(text) == pytest.approx(fraction)


def test_picture_trim_and_png_writer(tmp_path):
    rng = np.random.default_rng(7)
    page = np.full((60, 80, 3), 255, np.uint8)
    page[20:30, 10:50] = rng.integers(0, 200, (10, 40, 3), dtype=np.uint8)
    cut = pictures.trim(page, margin=2)
    assert cut.shape == (14, 44, 3)
    assert np.array_equal(cut[2:12, 2:42], page[20:30, 10:50])
    footed = np.full((400, 80, 3), 255, np.uint8)  # content at the top, a footer line at the bottom
    footed[20:30, 10:50] = 0
    footed[390:393, 5:70] = 0
    assert pictures.trim(footed, margin=2).shape == (14, 44, 3)
    path = tmp_path / "x.png"
    pictures.write_png(path, cut)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    assert (w, h) == (44, 14)
    idat = data.index(b"IDAT")
    n = struct.unpack(">I", data[idat - 4: idat])[0]
    raw = zlib.decompress(data[idat + 4: idat + 4 + n])
    rows = np.frombuffer(raw, np.uint8).reshape(14, 1 + 44 * 3)
    assert np.array_equal(rows[:, 1:].reshape(14, 44, 3), cut)


def _pdf_pages(pdf) -> int:
    """Pages of a PDF: pdfinfo (poppler-utils) where installed, else its page objects counted."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        done = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"^Pages:\s+(\d+)", done.stdout, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def _to_pdf(xlsx, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("XL_KENT_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required here")
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), str(xlsx)], capture_output=True, timeout=300, check=True)
    return tmp_path / "pdf" / (xlsx.stem + ".pdf")


def _print_areas(path) -> dict[str, str]:
    xml = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    return dict(re.findall(r"<definedName name=\"_xlnm.Print_Area\" localSheetId=\"\d+\">'?([^'!<]+)'?!([^<]+)<", xml))


def test_a_filled_copy_prints_its_filled_rows_in_libreoffice_too(tmp_path, capsys):
    """A filled copy has a fixed print area of its filled rows (LibreOffice ignores the template's formula
    print area): 30 awards print on one page and each workbook on a handful, not 5,000 empty rows."""
    staff, log = tmp_path / "staff.xlsx", tmp_path / "awards.xlsx"
    assert cli.main(["sample", "--rows", "120", "-o", str(staff), "--awards", str(log)]) == 0
    filled_awards, filled_budget = tmp_path / "filled_awards.xlsx", tmp_path / "filled_budget.xlsx"
    assert cli.main(["fill", "awards", "--log", str(log), "-o", str(filled_awards)]) in (0, 1), \
        capsys.readouterr().err
    assert cli.main(["fill", "budget", "--staff", str(staff), "-o", str(filled_budget), "--as-of",
                     "31/03/2027"]) in (0, 1), capsys.readouterr().err
    n = openpyxl.load_workbook(log).worksheets[0].max_row - 1
    assert n == 30
    areas = _print_areas(filled_awards)
    assert areas[awards.LOG] == f"$A$1:${xl_col_to_name(awards.LAST_COL)}${common.HEADER_ROW + n}"
    assert re.fullmatch(rf"\$A\$1:\$[A-Z]+\${common.HEADER_ROW + 120}", _print_areas(filled_budget)["Staff"])
    for path in (filled_awards, filled_budget):
        assert "xlwings.conf" not in _print_areas(path)
        pages = _pdf_pages(_to_pdf(path, tmp_path))
        assert pages <= 8, f"{path.name}: {pages} pages: the filled copy prints empty rows"


def test_the_template_keeps_a_print_area_that_grows_in_excel(fresh):
    xml = zipfile.ZipFile(fresh["awards"]).read("xl/workbook.xml").decode()
    assert re.search(r"Print_Area[^>]*>OFFSET\('Award log'!\$A\$1,0,0,4\+COUNTA\(", xml)


def test_every_number_format_is_one_sheetjs_and_excel_read(tmp_path, fresh):
    """The cells' and charts' number formats, £ ones first: Excel's own UK currency format (the £
    quoted), which SheetJS's strict format parser accepts; a bare £ it refuses."""
    import json

    import xlsx_checks

    reason = xlsx_checks.sheetjs_unavailable()
    if reason:
        xlsx_checks.missing_tool(reason)
    formats = sorted(set(common._NUMBER_FORMATS.values()) | {common.GBP_CHART_FORMAT})
    script = tmp_path / "ssf.js"
    script.write_text(
        "const XLSX = require(process.argv[2]); const out = {};\n"
        "for (const f of JSON.parse(process.argv[3])) { try { out[f] = XLSX.SSF.format(f, -1234.5); }"
        " catch (e) { out[f] = 'ERROR ' + e.message; } }\nconsole.log(JSON.stringify(out));\n")
    done = subprocess.run(["node", str(script), str(xlsx_checks.sheetjs_package()), json.dumps(formats)],
                          capture_output=True, text=True, timeout=120, check=True)
    shown = json.loads(done.stdout)
    assert not [f for f, v in shown.items() if v.startswith("ERROR")], shown
    assert shown[common.GBP_FORMAT] == "-£1,234.50"
    assert shown[common.GBP_CHART_FORMAT] == "-£1,235"
    # no bare £ in the formats the built templates hold (cells and charts)
    for name in TEMPLATES:
        with zipfile.ZipFile(fresh[name]) as z:
            codes = [c for part in z.namelist() if part.startswith(("xl/styles", "xl/charts/chart"))
                     for c in re.findall(r'formatCode="([^"]*)"', z.read(part).decode())]
        assert codes
        for code in codes:
            assert "£" not in code.replace("&quot;£&quot;", ""), f"{name}: a bare £ in {code}"
