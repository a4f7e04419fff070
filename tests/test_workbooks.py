"""Both template workbooks: the committed files, their shared parts, and the commands around them.

Each template's own contents and numbers are checked in test_workbook_budget.py and
test_workbook_awards.py (recalculated in LibreOffice against the model).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib

import numpy as np
import openpyxl
import pytest

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
