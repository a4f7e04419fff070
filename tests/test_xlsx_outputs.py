"""Every xlsx the project writes passes the checks of ``xlsx_checks``, one test per (file, check).

The files: the two committed templates and a fresh build of each (``workbooks.build``), the
staff list and award log of ``xl-kent sample``, the outputs of ``recalc``, ``awards``, ``fill
budget`` and ``fill awards`` on them, and the outputs of the same commands on inputs holding
hostile data: control characters, formula-looking text, a literal ``_x0041_``, emoji,
``&<>"'`` (and, for recalc and awards, white space first, last and doubled) in the cost
centre, name, employee id, kind and work reference ("hostile"); a 40,000-character text
("long text"); 1e308 and -1e308 in the number columns ("1e308"). recalc
and awards get each kind apart; the fill commands get them all in one list (a filled template
costs ~20 s of checks). A command that fails or writes nothing fails every check of its file
with its message. Each file is made once a session, and each check runs once a distinct file
(a fresh build is byte for byte its committed template while the build is unchanged).

The checks (``xlsx_checks``): well-formed XML parts, the zip layout, Excel's limits, hostile text
kept as text, SheetJS / calamine / openpyxl reading the same cells, LibreOffice holding the same
constant cells (every file loaded and saved again in one headless session), and openxml-audit
(~10 s a template: run in the background on every file as soon as the files are made, while the
other checks run, so it comes last for each file). SheetJS (``.ci/run`` installs it, see
``xlsx_checks.sheetjs_package``), openxml-audit (the test extra) and LibreOffice are needed:
without one, its checks skip here and fail where ``XL_KENT_REQUIRE_LIBREOFFICE=1`` or ``CI`` is set.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import shutil
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import xlsx_checks as xc
from test_cli import run  # the command line in this process: exit code, stdout, stderr

from workbooks.build import build_all, template_path
from xl_kent.lists import synth

AS_OF = "2027-03-31"
LONG_TEXT = "Long " + "x" * 39_995  # 40,000 characters
HOSTILE_TEXTS = ["bell\x01here", "\x0bvertical tab", "unit separator\x1f", "=1+1", "@SUM(A1)",
                 "+cmd|' /C calc'!A0", "-2+3", "_x0041_ escaped", "Team \U0001F600\U0001F469\u200d\U0001F4BB",
                 "&<>\"' & co"]
# White space first, last and doubled: recalc and awards write the list as it was read (the fill
# commands write names and teams trimmed, so these go to recalc and awards only).
SPACED_TEXTS = ["  padded  ", "two  spaces\nand a line\n"]
HUGE = 1e308

FILES = (  # made by ``outputs``
    "template budget (committed)", "template awards (committed)",
    "template budget (fresh build)", "template awards (fresh build)",
    "sample staff", "sample awards",
    "recalc", "awards", "fill budget", "fill awards",
    "recalc hostile", "awards hostile", "fill budget hostile", "fill awards hostile",
    "recalc long text", "awards long text", "recalc 1e308", "awards 1e308",
)
HOSTILE = {name for name in FILES if "hostile" in name}  # where HOSTILE_TEXTS must come out as text
CHECKS = ["well-formed", "zip layout", "Excel limits", "text kept as text", "readers agree", "LibreOffice",
          "openxml-audit"]  # openxml-audit last: it runs in the background meanwhile


def _cases():  # file by file (the checks of a file share its reading), in the order the audits run
    for name in FILES:
        for check in CHECKS:
            if check == "text kept as text" and name not in HOSTILE:
                continue
            yield pytest.param(name, check, id=f"{name} | {check}")


# ---------------------------------------------------------------- inputs
def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, np.datetime64):
        return "" if np.isnat(v) else str(v.astype("datetime64[D]"))
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return ""
    return repr(v) if isinstance(v, float) else str(v)


def _write_csv(path: Path, headers: list[str], columns: list[np.ndarray]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headers)
        for i in range(len(columns[0])):
            w.writerow([_cell(c[i]) for c in columns])
    return path


def _hostile_inputs(folder: Path, texts: list[str], huge: bool, stem: str) -> tuple[Path, Path]:
    """A staff list and an award log (CSV: any text gets in) with ``texts`` in the cost centre, name
    and employee id (the award log: kind, work reference and employee id), and with ``huge``, 1e308
    in the number columns."""
    staff = synth.staff_sample(60, bad=3, seed=11, as_of=np.datetime64(AS_OF))
    cols = [c.astype(object) if c.dtype.kind != "M" else c.copy() for c in staff.columns]
    h = staff.headers
    for k, text in enumerate(texts):
        cols[h.index("Cost Centre")][k] = text
        cols[h.index("Name")][k + 12] = text
        cols[h.index("Employee ID")][k + 24] = text
    if huge:
        for row, column in ((40, "Annual Salary"), (41, "Weekly Hours"), (42, "Sick Days (12 months)"),
                            (43, "Redundancy Multiplier"), (44, "Leave Taken (days)"), (45, "Hours Worked")):
            cols[h.index(column)][row] = HUGE
    staff_path = _write_csv(folder / f"staff_{stem}.csv", h, cols)
    log = synth.award_sample(staff.columns[0], 40, seed=11, as_of=np.datetime64(AS_OF))
    acols = [c.astype(object) if c.dtype.kind != "M" else c.copy() for c in log.columns]
    ah = log.headers
    for k, text in enumerate(texts):
        acols[ah.index("Work Reference")][k] = text
        acols[ah.index("Kind")][k + 12] = text
        acols[ah.index("Employee ID")][k + 24] = text
    if huge:
        acols[ah.index("Amount")][38] = HUGE
        acols[ah.index("Amount")][39] = -HUGE
    log_path = _write_csv(folder / f"awards_{stem}.csv", ah, acols)
    return staff_path, log_path


def _command(out: Path, *argv) -> Path | str:
    """Run ``xl-kent ARGV``; the file written, or why there is none."""
    try:
        code, stdout, stderr = run(*argv)
    except Exception as e:  # a crash is this file's failure, not every file's
        return f"`xl-kent {' '.join(map(str, argv))}` raised {type(e).__name__}: {e}"
    if code in (0, 1) and out.exists():
        return out
    return f"`xl-kent {' '.join(map(str, argv))}` wrote no file (exit {code}): {stderr.strip()[-500:]}"


def _commands(d: Path, staff: Path, log: Path, tag: str, which=("recalc", "awards", "fill budget", "fill awards")
              ) -> dict[str, Path | str]:
    """The outputs of the commands ``which`` on a staff list and an award log, named "COMMAND{tag}"."""
    stem = tag.strip().replace(" ", "_")
    argv = {
        "recalc": lambda out: ("recalc", staff, "--as-of", AS_OF, "-o", out),
        "awards": lambda out: ("awards", log, "-o", out),
        "fill budget": lambda out: ("fill", "budget", "--staff", staff, "--as-of", AS_OF, "-o", out),
        "fill awards": lambda out: ("fill", "awards", "--log", log, "--to", AS_OF, "-o", out),
    }
    made = {}
    for command in which:
        out = d / f"{command.replace(' ', '_')}{'_' + stem if stem else ''}.xlsx"
        made[f"{command}{tag}"] = _command(out, *argv[command](out))
    return made


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, request) -> dict[str, Path | str]:
    """Every file of ``FILES``: its path, or why it was not written."""
    d = tmp_path_factory.mktemp("xlsx_outputs")
    made: dict[str, Path | str] = {
        "template budget (committed)": template_path("budget"),
        "template awards (committed)": template_path("awards"),
    }
    fresh = d / "fresh"
    fresh.mkdir()
    build_all(fresh)
    made["template budget (fresh build)"] = template_path("budget", fresh)
    made["template awards (fresh build)"] = template_path("awards", fresh)
    staff, log = d / "staff.xlsx", d / "awards_log.xlsx"
    code, _, err = run("sample", "--rows", 300, "--bad", 6, "--seed", 3, "--as-of", AS_OF, "-o", staff,
                       "--awards", log)
    made["sample staff"] = staff if code == 0 else f"xl-kent sample failed (exit {code}): {err[-500:]}"
    made["sample awards"] = log if code == 0 else made["sample staff"]
    if code == 0:
        made.update(_commands(d, staff, log, ""))
    # recalc and awards (small files) get each kind of hostile input apart, so that refusing or
    # failing on one kind does not hide what they do with the others; the fill commands get them
    # all in one list (each filled template costs ~20 s of openxml-audit, LibreOffice and readers).
    made.update(_commands(d, *_hostile_inputs(d, HOSTILE_TEXTS + SPACED_TEXTS, huge=False, stem="hostile"), " hostile",
                          ("recalc", "awards")))
    made.update(_commands(d, *_hostile_inputs(d, [LONG_TEXT], huge=False, stem="long"), " long text",
                          ("recalc", "awards")))
    made.update(_commands(d, *_hostile_inputs(d, [], huge=True, stem="huge"), " 1e308", ("recalc", "awards")))
    made.update(_commands(d, *_hostile_inputs(d, [*HOSTILE_TEXTS, LONG_TEXT], huge=True, stem="all"),
                          " hostile", ("fill budget", "fill awards")))
    for name in FILES:
        made.setdefault(name, "not made")
    audited = {item.callspec.params["name"] for item in request.session.items
               if item.path == Path(__file__) and getattr(item, "callspec", None) is not None
               and item.callspec.params.get("check") == "openxml-audit"}
    pool = _start_audits(made, [name for name in FILES if name in audited])
    yield made
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)  # a run stopped early (-x) does not wait for them


# ---------------------------------------------------------------- one result per distinct file
_SHA: dict[Path, str] = {}
_RESULTS: dict[tuple[str, str], list[str]] = {}
_AUDITS: dict[str, Future] = {}
_LOCK = threading.Lock()


def _sha(path: Path) -> str:
    if path not in _SHA:
        _SHA[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _SHA[path]


def _start_audits(made: dict[str, Path | str], names: list[str]) -> ThreadPoolExecutor | None:
    """openxml-audit takes ~10 s a template-sized file: run it on each distinct file of ``names``
    (those whose audit test runs, in the order of the tests) in the background, one process at a
    time on a 2-core machine, while the other checks run."""
    if xc.openxml_audit_unavailable() or not names:
        return None
    workers = min(3, max(1, (os.cpu_count() or 2) - 1))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="openxml-audit")
    for name in names:
        path = made[name]
        if isinstance(path, Path):
            key = _sha(path)
            if key not in _AUDITS:
                _AUDITS[key] = pool.submit(xc.openxml_audit, path)
    return pool


def _once(path: Path, check: str, compute) -> list[str]:
    key = (_sha(path), check)
    with _LOCK:
        if key not in _RESULTS:
            _RESULTS[key] = compute()
        return _RESULTS[key]


_SHEETJS: dict[str, object] = {}


def _sheetjs(path: Path):
    """SheetJS's reading of ``path`` (or the error it raised); the last file's is kept."""
    key = _sha(path)
    if key not in _SHEETJS:
        _SHEETJS.clear()
        try:
            _SHEETJS[key] = xc.sheetjs_cells(path)
        except xc.ReaderError as e:
            _SHEETJS[key] = e
    return _SHEETJS[key]


@pytest.fixture(scope="module")
def libreoffice(outputs, tmp_path_factory) -> dict[Path, Path | str]:
    """Every distinct file loaded and saved again by one headless LibreOffice (one session)."""
    if not shutil.which("soffice"):
        xc.missing_tool("LibreOffice (soffice) is not installed; .ci/run installs LibreOffice 25.2")
    distinct = {}
    for path in outputs.values():
        if isinstance(path, Path):
            distinct.setdefault(_sha(path), path)
    resaved = xc.libreoffice_resave(distinct.values(), tmp_path_factory.mktemp("libreoffice"))
    return {path: resaved[distinct[_sha(path)]] for path in outputs.values() if isinstance(path, Path)}


# ---------------------------------------------------------------- the test
@pytest.mark.parametrize(("name", "check"), list(_cases()))
def test_xlsx_output(outputs, name, check, request):
    path = outputs[name]
    if check == "readers agree":
        reason = xc.sheetjs_unavailable()
        if reason:
            xc.missing_tool(reason)
    if check == "openxml-audit":
        reason = xc.openxml_audit_unavailable()
        if reason:
            xc.missing_tool(reason)
    if not isinstance(path, Path):
        pytest.fail(f"{name}: {path}", pytrace=False)
    if check == "well-formed":
        problems = _once(path, check, lambda: xc.well_formed(path))
    elif check == "zip layout":
        problems = _once(path, check, lambda: xc.zip_layout(path))
    elif check == "Excel limits":
        problems = _once(path, check, lambda: xc.excel_limits(path))
    elif check == "text kept as text":
        texts = HOSTILE_TEXTS + [LONG_TEXT] + (SPACED_TEXTS if name in ("recalc hostile", "awards hostile") else [])
        problems = _once(path, check, lambda: xc.text_kept_as_text(path, texts))
    elif check == "readers agree":
        problems = _once(path, check, lambda: xc.readers_agree(path, _sheetjs(path)))
    elif check == "LibreOffice":
        resaved = request.getfixturevalue("libreoffice")
        problems = _once(path, check, lambda: xc.libreoffice_agrees(path, resaved[path], _sheetjs(path)))
    elif check == "openxml-audit":
        future = _AUDITS.get(_sha(path))
        problems = _once(path, check, future.result if future else lambda: xc.openxml_audit(path))
    else:
        raise AssertionError(check)
    if problems:
        pytest.fail(f"{name} ({path.name}), {check}:\n  " + "\n  ".join(problems), pytrace=False)


# ---------------------------------------------------------------- the checks catch what they look for
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _tiny_xlsx(path: Path, cells: str, sheet: str = "Sheet1", zip64: bool = False) -> Path:
    """A one-sheet xlsx written by hand: ``cells`` is the XML of the sheet's rows."""
    import zipfile
    from xml.sax.saxutils import quoteattr

    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL}"><sheets>'
        f'<sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{cells}'
        '</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            with zf.open(name, "w", force_zip64=zip64) as f:
                f.write(text.encode("utf-8"))
    return path


_GOOD_CELLS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c><c r="B1"><v>1.5</v></c>'
               '<c r="C1" t="b"><v>1</v></c><c r="D1" t="e"><v>#N/A</v></c>'
               '<c r="E1" t="inlineStr"><is><t>bell_x0001_ and _x005F_x0041_</t></is></c></row>')


def test_the_checks_pass_a_good_file(tmp_path):
    good = _tiny_xlsx(tmp_path / "good.xlsx", _GOOD_CELLS)
    assert xc.well_formed(good) == []
    assert xc.zip_layout(good) == []
    assert xc.excel_limits(good) == []
    sheet = xc.read_raw(good).sheets[0]
    assert sheet.cells[(0, 4)] == ("s", "bell\x01 and _x0041_")
    assert xc.compare_cells("openpyxl", xc.openpyxl_cells(good), "calamine", xc.calamine_cells(good),
                            same=xc._same_openpyxl, b_without_errors=True) == []  # calamine: #N/A reads empty


def test_the_checks_catch_broken_files(tmp_path):
    bad_xml = _tiny_xlsx(tmp_path / "ctl.xlsx", '<row r="1"><c r="A1" t="str"><f>A2</f><v>bell\x01</v></c></row>')
    assert any("sheet1.xml: not well-formed XML" in p for p in xc.well_formed(bad_xml))
    zip64 = _tiny_xlsx(tmp_path / "zip64.xlsx", _GOOD_CELLS, zip64=True)
    assert sum("Zip64 extra field in the local header" in p for p in xc.zip_layout(zip64)) == 5
    big = _tiny_xlsx(tmp_path / "limits.xlsx", f'<row r="1"><c r="A1"><v>1e308</v></c><c r="B1" t="inlineStr"><is>'
                     f'<t>{"x" * 40_000}</t></is></c><c r="C1"><v>-9.99999999999999E+307</v></c></row>', sheet="a/b")
    problems = " ".join(xc.excel_limits(big))
    assert "A1 holds the number 1e308" in problems and "B1 holds 40,000 characters" in problems
    assert "C1" not in problems and "sheet name 'a/b' holds '/'" in problems
    formula = _tiny_xlsx(tmp_path / "formula.xlsx", '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>')
    assert "became the formula '1+1'" in " ".join(xc.text_kept_as_text(formula, ["=1+1"]))
    report = [{"valid": True, "errors": [
        {"type": "semantic", "severity": "warning", "part_uri": "/xl/worksheets/sheet1.xml", "node": "c",
         "description": "Worksheet sheet1.xml has 3 inline-string cell(s) (`<c t=\"inlineStr\">`) but the package "
                        "has no populated `xl/sharedStrings.xml`. Excel will move every inline string"},
        {"type": "schema", "severity": "warning", "part_uri": "/xl/worksheets/sheet1.xml", "node": "bogus",
         "path": "/worksheet[1]/sheetData[1]", "description": "Unexpected element 'bogus' found"}]}]
    import json

    assert [p for p in xc.audit_problems(0, json.dumps(report), "") if "bogus" in p] == xc.audit_problems(
        0, json.dumps(report), "")
    assert len(xc.audit_problems(0, json.dumps(report), "")) == 1
    if xc.sheetjs_unavailable() is None:
        with pytest.raises(xc.ReaderError, match="Bad compressed size"):
            xc.sheetjs_cells(zip64)
        good = _tiny_xlsx(tmp_path / "good.xlsx", _GOOD_CELLS)
        assert xc.readers_agree(good) == []
