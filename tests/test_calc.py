"""The KENT_ functions in LibreOffice Calc, recalculated by a real LibreOffice.

Workbooks are written here with openpyxl, with KENT_ formulas per row and over whole
columns (array formulas) and good, bad and blank rows; LibreOffice (with the
extension built from this checkout) recalculates every formula, and each computed
cell must equal what the Excel layer gives for the same cells, as Excel would hand
them over. The first tests need no LibreOffice: they check the extension's parts.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import lo_calc
import openpyxl
import pytest
from lo_calc import CellError, same
from openpyxl.worksheet.formula import ArrayFormula

import udfs
from udfs.calc import bridge, build
from udfs.functions import ARG_HELP

D = dt.date


class Err:
    """An input cell holding an error value, written as a formula that makes it."""

    FORMULAS = {"#N/A": "=NA()", "#DIV/0!": "=1/0", "#VALUE!": '=VALUE("x")'}

    def __init__(self, excel_error: str):
        self.excel_error = excel_error


# ---------------------------------------------------------------- the parts (no LibreOffice)

def test_error_values_carry_calcs_error_codes():
    for text, code in bridge.LO_ERROR_CODES.items():
        value = bridge.error_value(text)
        assert math.isnan(value) and bridge.lo_error_code(value) == code
        assert bridge.excel_error_of(code) == text
    assert bridge.lo_error_code(float("nan")) == 0 and bridge.lo_error_code(2.5) is None


def test_answers_become_calc_rows():
    rows = bridge.to_calc([[1.5], [""], ["#N/A"], [True], ["OK"], [None], [float("inf")]])
    assert rows[:2] == ((1.5,), ("",)) and rows[3:6] == ((1.0,), ("OK",), ("",))
    assert all(type(v) is float for v in (rows[3][0], bridge.to_calc(False)[0][0]))
    assert bridge.lo_error_code(rows[2][0]) == 32767 and bridge.lo_error_code(rows[6][0]) == 503
    assert bridge.to_calc(2.5) == ((2.5,),)


def test_value_arguments_read_calcs_blank_as_blank_for_dates_and_text_only():
    assert bridge._from_value(0.0, "date", 0.0) is None
    assert bridge._from_value(0.0, "text", 0.0) is None
    assert bridge._from_value(0.0, "number", 0.0) == 0.0
    assert bridge._from_value(45383.0, "date", 1462.0) == 45383.0 + 1462.0
    assert bridge._from_value(((1.0,), ("",)), "number", 0.0) == [[1.0], [""]]


def test_range_cells_keep_blanks_and_each_cells_error():
    cells = bridge.RangeCells(((45383.0,), ("",), (None,), ("x",)), {(2, 0): 532})
    assert bridge._from_range(cells, "date", 1462.0) == [[46845.0], [""], ["#DIV/0!"], ["x"]]
    one = bridge.RangeCells((("",),), {})
    assert bridge._from_range(one, "number", 0.0) == ""  # one cell: a scalar, as Excel passes it


def test_a_1904_workbook_gives_the_same_dates():
    offset = bridge._date_offset(D(1904, 1, 1))
    assert offset == (D(1904, 1, 1) - D(1899, 12, 30)).days
    assert bridge._date_offset(None) == 0.0


def test_type_library_source_matches_the_bridge():
    """The committed IDL (and so the .rdb compiled from it) declares what the bridge expects."""
    assert build.IDL.read_text(encoding="utf-8") == build.idl_text()
    assert build.RDB.stat().st_mtime and build.RDB.read_bytes().startswith(b"UNOIDL")


def test_component_methods_take_the_arguments_of_rules_md():
    tree = ast.parse((Path(bridge.__file__).parent / "component.py").read_text(encoding="utf-8"))
    methods = {n.name: [a.arg for a in n.args.args] for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    for f in bridge.FUNCTIONS:
        assert methods[f.method] == ["self", "options"] + [p.idl for p in f.params]
        assert [p.name for p in f.params] == list(ARG_HELP[f.name])


def test_calc_configuration_names_and_documents_every_function():
    root = ElementTree.fromstring(build.xcu_text())
    ns = {"oor": "http://openoffice.org/2001/registry"}
    nodes = root.findall(".//node[@oor:name='AddInFunctions']/node", ns)
    assert [n.get("{http://openoffice.org/2001/registry}name") for n in nodes] == [f.method for f in bridge.FUNCTIONS]
    for node, f in zip(nodes, bridge.FUNCTIONS, strict=True):
        props = {p.get("{http://openoffice.org/2001/registry}name"): p.findtext("value") for p in node.findall("prop")}
        assert props["DisplayName"] == props["CompatibilityName"] == f.name
        assert props["Description"] == build._summary(getattr(udfs, f.name).__doc__)
        params = node.findall("node/node")
        assert [p.find("prop[@oor:name='DisplayName']/value", ns).text for p in params] == [p.name for p in f.params]


def test_build_is_reproducible(tmp_path):
    a = build.build(tmp_path / "a.oxt", with_numpy=False)
    b = build.build(tmp_path / "b.oxt", with_numpy=False)
    assert a.read_bytes() == b.read_bytes()
    names = zipfile.ZipFile(a).namelist()
    for part in ("META-INF/manifest.xml", "description.xml", "CalcAddIns.xcu", "XKentFunctions.rdb",
                 "xl_kent_calc.py", "pythonpath/xl_kent/parameters/leave.toml", "pythonpath/udfs/calc/bridge.py"):
        assert part in names
    assert not any(n.startswith("pythonpath/numpy/") for n in names)
    assert not any("__pycache__" in n or n.startswith("pythonpath/xl_kent/bulk/") for n in names)


# ---------------------------------------------------------------- workbooks recalculated by LibreOffice

def _write(ws, row: int, col: int, value) -> None:
    if isinstance(value, Err):
        ws.cell(row, col, Err.FORMULAS[value.excel_error])
    else:
        ws.cell(row, col, value)
        if isinstance(value, D):
            ws.cell(row, col).number_format = "DD/MM/YYYY"


def _excel(value):
    """What Excel hands a UDF for this cell."""
    if isinstance(value, Err):
        return value.excel_error
    if isinstance(value, D):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _same(got, want) -> bool:
    return same(got, want)


def _check(book, sheet: str, col: str, first: int, expected: list) -> None:
    got = book.column(sheet, f"{col}{first}:{col}{first + len(expected) - 1}")
    bad = [(first + i, g, w) for i, (g, w) in enumerate(zip(got, expected, strict=True)) if not _same(g, w)]
    assert not bad, f"{sheet}!{col}: (row, Calc, expected) {bad}"


SICK = [  # service_start, annual_salary, prior_paid_days
    (D(2012, 9, 3), 27_500, 0),
    (D(2025, 6, 2), 19_250, 0),  # under a year: one month full, two half
    (D(2019, 3, 1), 22_300, 45),
    (D(2020, 1, 6), "thirty k", 0),  # text salary: #VALUE!
    (D(2026, 1, 5), 30_000, 0),  # service after the absence: #NUM!
    (None, None, None),  # blank row: ""
    (Err("#N/A"), 40_000, 0),  # the error of the input cell, in its row only
    (D(1999, 4, 12), 58_900, 200),
]
ABSENCE = (D(2025, 11, 3), 30)
REDUNDANCY = [(42, 2, 1), (61, 20, 1.5), (30, 40, 1), ("x", 3, 1), (None, None, None), (Err("#DIV/0!"), 5, 1),
              (50, 12, 2), (19, 1, 1)]
LEAVE = [  # grade, service_start, weekly_hours, employment_start, employment_end
    ("KR6", D(2015, 6, 1), 37, None, None),
    ("kr 9", D(2021, 6, 15), 18.5, None, None),
    ("KR13", D(2026, 1, 5), 37, D(2026, 1, 5), None),
    ("KR5", D(2019, 3, 1), 37, None, D(2026, 12, 31)),
    (6, D(2020, 10, 19), 30, None, None),
    ("Manager", D(2020, 1, 1), 37, None, None),  # not a grade: #N/A
    (None, None, None, None, None),
    ("KR8", Err("#N/A"), 37, None, None),
    ("KR4", D(2018, 1, 1), 37, D(2025, 5, 1), D(2025, 4, 1)),  # end before start: #NUM!
]
AS_OF = D(2026, 11, 23)
AWARDS = [  # employee, date, amount, kind, work ref, endorsed, ineligible
    ("E1", D(2025, 1, 10), 400, None, "W1", None, None),
    ("E1", D(2025, 6, 1), 500, None, "W2", None, None),
    ("E1", D(2026, 1, 9), 200, None, "W3", None, None),  # over £1,000 in 12 months
    ("E2", D(2025, 3, 3), 600, None, "W4", None, None),  # over £500 for one award
    ("E3", D(2025, 4, 4), 150, "team", "T1", False, None),  # team award not endorsed
    ("E4", D(2025, 4, 4), 150, "team", "T2", True, None),
    ("E5", D(2025, 5, 5), 100, None, "W5", None, True),  # ineligible
    (None, None, None, None, None, None, None),
    ("E6", D(2025, 5, 5), "lots", None, "W6", None, None),  # #VALUE!
    ("E1", D(2025, 6, 20), 50, None, "W2", None, None),  # the same work rewarded twice
]
ABSENCES = [  # employee, first day, last day, service start, salary, temporary_short
    ("E1", D(2025, 5, 1), D(2025, 5, 10), D(2018, 1, 1), 36_500, None),
    ("e1 ", D(2025, 6, 1), D(2025, 6, 5), D(2018, 1, 1), 36_500, None),  # linked: no new waiting days
    (1001, D(2025, 1, 6), D(2025, 4, 30), D(2023, 1, 1), 36_500, None),
    ("1001", D(2025, 8, 4), D(2025, 8, 31), D(2023, 1, 1), 36_500, None),  # 115 prior paid days, half pay
    ("E2", D(2025, 5, 1), D(2025, 5, 4), D(2020, 2, 3), 24_000, None),  # these two overlap: #VALUE! both
    ("E2", D(2025, 5, 3), D(2025, 5, 6), D(2020, 2, 3), 24_000, None),
    (None, None, None, None, None, None),  # blank row: ""
    ("E3", Err("#N/A"), D(2025, 5, 6), D(2020, 2, 3), 24_000, None),  # the cell's error, in its row only
    ("E4", D(2026, 3, 2), D(2026, 3, 31), D(2025, 11, 1), 18_000, True),  # temporary: SSP only
    ("E5", D(2025, 5, 1), D(2025, 4, 1), D(2020, 2, 3), 24_000, None),  # last day before first: #NUM!
    ("E1", D(2025, 7, 20), D(2025, 7, 22), D(2018, 1, 1), 36_500, None),  # 3 days: no PIW, prior 15
    ("E1", D(2025, 7, 28), D(2025, 8, 15), D(2018, 1, 1), 36_500, False),  # 52 days after June's: linked
]
NOTICE = [  # grade, service_start, annual_salary
    ("KR6", D(2016, 1, 31), 30_000),  # 10 years: 10 weeks beat a month
    ("KR10", D(2014, 1, 31), 52_000),  # 12 years: 12 weeks (84 days), 3 months from 31 January 89
    ("kr 9", D(2025, 12, 15), 41_000),  # 1 month's service: 1 week; 2 months to 31 March
    ("Apprentice", D(2026, 1, 20), 12_000),  # no service: a month, to 28 February
    (6, D(2006, 1, 9), 28_000),  # 20 years: 12 weeks
    ("KR2", D(2020, 1, 1), 20_000),  # not a Kent Scheme grade: #N/A
    (None, None, None),  # blank row: ""
    ("KR8", Err("#N/A"), 30_000),  # the cell's error, in its row only
    ("KR3", D(2026, 6, 1), 30_000),  # service after the notice date: #NUM!
    ("KR4", D(2019, 1, 31), None),  # no salary: days, but pay #VALUE!
]
NOTICE_DATE = D(2026, 1, 31)
NOTICE_OUTPUTS = {"I": "days", "J": "end_date", "K": "statutory_weeks", "L": "contractual_months"}
LOG_OUTPUTS = {"G": "pay", "H": "prior_paid_days", "I": "ssp_days_left", "J": "full_days", "K": "half_days",
               "L": "ssp", "M": "nil_days"}
EXTRA_ROWS = 4  # array formulas are sized past the last filled row, as templates are


def _staff_book(path: Path, epoch=None) -> dict:
    """Write the test workbook; return the expected value of every formula column."""
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    expected = {}

    ws = wb.active
    ws.title = "Sick"
    ws["H1"], ws["H2"] = ABSENCE
    ws["H1"].number_format = "DD/MM/YYYY"
    n = len(SICK)
    last = n + 1 + EXTRA_ROWS
    for i, row in enumerate(SICK, 2):
        for j, v in enumerate(row, 1):
            _write(ws, i, j, v)
        ws.cell(i, 4, f"=KENT_SICKPAY(A{i},$H$1,$H$2,B{i},C{i})")
        ws.cell(i, 5, f'=KENT_SICKPAY(A{i},$H$1,$H$2,B{i},C{i},"full_days")')
    ws["F2"] = ArrayFormula(f"F2:F{last}", f"=KENT_SICKPAY(A2:A{last},$H$1,$H$2,B2:B{last},C2:C{last})")
    ws["G2"] = ArrayFormula(f"G2:G{last}", f'=KENT_SICKPAY(A2:A{last},H1,H2,B2:B{last},C2:C{last},"half_days")')
    start, days = (_excel(v) for v in ABSENCE)
    cols = [[_excel(r[k]) for r in SICK] + [None] * EXTRA_ROWS for k in range(3)]
    expected["Sick"] = {
        "D": [udfs.KENT_SICKPAY(_excel(s), start, days, _excel(p), _excel(q)) for s, p, q in SICK],
        "E": [udfs.KENT_SICKPAY(_excel(s), start, days, _excel(p), _excel(q), "full_days") for s, p, q in SICK],
        "F": [c[0] for c in udfs.KENT_SICKPAY([[v] for v in cols[0]], start, days, [[v] for v in cols[1]],
                                              [[v] for v in cols[2]])],
        "G": [c[0] for c in udfs.KENT_SICKPAY([[v] for v in cols[0]], start, days, [[v] for v in cols[1]],
                                              [[v] for v in cols[2]], "half_days")],
    }

    ws = wb.create_sheet("Redundancy")
    last = len(REDUNDANCY) + 1 + EXTRA_ROWS
    for i, row in enumerate(REDUNDANCY, 2):
        for j, v in enumerate(row, 1):
            _write(ws, i, j, v)
        ws.cell(i, 4, f"=KENT_REDUNDANCY_WEEKS(A{i},B{i},C{i})" if row[2] is not None
                else f"=KENT_REDUNDANCY_WEEKS(A{i},B{i})")
    ws["E2"] = ArrayFormula(f"E2:E{last}", f"=KENT_REDUNDANCY_WEEKS(A2:A{last},B2:B{last},C2:C{last})")
    cols = [[_excel(r[k]) for r in REDUNDANCY] + [None] * EXTRA_ROWS for k in range(3)]
    expected["Redundancy"] = {
        "D": [udfs.KENT_REDUNDANCY_WEEKS(_excel(a), _excel(s), _excel(m) if m is not None else 1)
              for a, s, m in REDUNDANCY],
        "E": [c[0] for c in udfs.KENT_REDUNDANCY_WEEKS(*[[[v] for v in c] for c in cols])],
    }

    ws = wb.create_sheet("Leave")
    ws["J1"] = AS_OF
    last = len(LEAVE) + 1 + EXTRA_ROWS
    for i, row in enumerate(LEAVE, 2):
        for j, v in enumerate(row, 1):
            _write(ws, i, j, v)
        ws.cell(i, 6, f"=KENT_LEAVE_ACCRUAL(A{i},B{i},$J$1,C{i},D{i},E{i})")
        ws.cell(i, 7, f'=KENT_LEAVE_ACCRUAL(A{i},B{i},$J$1,C{i},D{i},E{i},"hours")')
    ws["H2"] = ArrayFormula(f"H2:H{last}", f"=KENT_LEAVE_ACCRUAL(A2:A{last},B2:B{last},$J$1,C2:C{last},"
                                           f"D2:D{last},E2:E{last})")
    ws["I2"] = ArrayFormula(f"I2:I{last}", f'=KENT_LEAVE_ACCRUAL(A2:A{last},B2:B{last},$J$1,C2:C{last},'
                                           f'D2:D{last},E2:E{last},"hours")')
    as_of = _excel(AS_OF)
    cols = [[[_excel(r[k])] for r in LEAVE] + [[None]] * EXTRA_ROWS for k in range(5)]

    def one(row, unit="days"):
        g, s, h, es, ee = (_excel(v) for v in row)
        return udfs.KENT_LEAVE_ACCRUAL(g, s, as_of, h if h is not None else 0, es, ee, unit)

    expected["Leave"] = {
        "F": [one(r) for r in LEAVE],
        "G": [one(r, "hours") for r in LEAVE],
        "H": [c[0] for c in udfs.KENT_LEAVE_ACCRUAL(cols[0], cols[1], as_of, *cols[2:])],
        "I": [c[0] for c in udfs.KENT_LEAVE_ACCRUAL(cols[0], cols[1], as_of, *cols[2:], "hours")],
    }

    ws = wb.create_sheet("Awards")
    last = len(AWARDS) + 1 + EXTRA_ROWS
    for i, row in enumerate(AWARDS, 2):
        for j, v in enumerate(row, 1):
            _write(ws, i, j, v)
    args = ",".join(f"{c}2:{c}{last}" for c in "ABCDEFG")
    ws["H2"] = ArrayFormula(f"H2:H{last}", f"=KENT_AWARD_OK({args})")
    ws["I2"] = ArrayFormula(f"I2:I{last}", f"=KENT_AWARD_OK({args},TRUE())")
    cols = [[[_excel(r[k])] for r in AWARDS] + [[None]] * EXTRA_ROWS for k in range(7)]
    expected["Awards"] = {
        "H": [c[0] for c in udfs.KENT_AWARD_OK(*cols)],
        "I": [c[0] for c in udfs.KENT_AWARD_OK(*cols, explain=True)],
    }

    ws = wb.create_sheet("Log")
    last = len(ABSENCES) + 1 + EXTRA_ROWS
    for i, row in enumerate(ABSENCES, 2):
        for j, v in enumerate(row, 1):
            _write(ws, i, j, v)
        ws.cell(i, 14, f"=KENT_SICKPAY_LOG(A{i},B{i},C{i},D{i},E{i})")  # one row: judged alone
        ws.cell(i, 15, f'=KENT_SICKPAY_LOG(A{i},B{i},C{i},D{i},E{i},F{i},"ssp_days_left")')
    args = ",".join(f"{c}2:{c}{last}" for c in "ABCDEF")
    for col, output in LOG_OUTPUTS.items():
        ws[f"{col}2"] = ArrayFormula(f"{col}2:{col}{last}", f'=KENT_SICKPAY_LOG({args},"{output}")')
    cols = [[[_excel(r[k])] for r in ABSENCES] + [[None]] * EXTRA_ROWS for k in range(6)]
    expected["Log"] = {col: [c[0] for c in udfs.KENT_SICKPAY_LOG(*cols, output=output)]
                       for col, output in LOG_OUTPUTS.items()}
    expected["Log"]["N"] = [udfs.KENT_SICKPAY_LOG(*(_excel(v) for v in r[:5])) for r in ABSENCES]
    expected["Log"]["O"] = [udfs.KENT_SICKPAY_LOG(*(_excel(v) for v in r), "ssp_days_left") for r in ABSENCES]

    ws = wb.create_sheet("Notice")
    ws["N1"] = NOTICE_DATE
    ws["N1"].number_format = "DD/MM/YYYY"
    last = len(NOTICE) + 1 + EXTRA_ROWS
    for i, row in enumerate(NOTICE, 2):
        for j, v in enumerate(row, 1):
            _write(ws, i, j, v)
        ws.cell(i, 4, f"=KENT_NOTICE(A{i},B{i},$N$1)")
        ws.cell(i, 5, f'=KENT_NOTICE(A{i},B{i},$N$1,"end_date")')
        ws.cell(i, 6, f'=KENT_NOTICE(A{i},B{i},$N$1,"pay",C{i})')  # a blank salary cell: Calc hands over 0
    for col, output in NOTICE_OUTPUTS.items():
        ws[f"{col}2"] = ArrayFormula(f"{col}2:{col}{last}", f'=KENT_NOTICE(A2:A{last},B2:B{last},$N$1,"{output}")')
    ws["M2"] = ArrayFormula(f"M2:M{last}", f'=KENT_NOTICE(A2:A{last},B2:B{last},N1,"pay",C2:C{last})')
    null_date = D(1904, 1, 1) if epoch is not None else D(1899, 12, 30)

    def serial(v):  # a date as the document's serial number, as Calc shows the extension's dates
        return float((v.date() - null_date).days) if isinstance(v, dt.datetime) else v

    given = _excel(NOTICE_DATE)
    cols = [[[_excel(r[k])] for r in NOTICE] + [[None]] * EXTRA_ROWS for k in range(3)]
    expected["Notice"] = {
        "D": [udfs.KENT_NOTICE(_excel(g), _excel(s), given) for g, s, _ in NOTICE],
        "E": [serial(udfs.KENT_NOTICE(_excel(g), _excel(s), given, "end_date")) for g, s, _ in NOTICE],
        "F": [udfs.KENT_NOTICE(_excel(g), _excel(s), given, "pay", _excel(p)) for g, s, p in NOTICE],
        **{col: [serial(c[0]) for c in udfs.KENT_NOTICE(cols[0], cols[1], given, output)]
           for col, output in NOTICE_OUTPUTS.items()},
        "M": [c[0] for c in udfs.KENT_NOTICE(cols[0], cols[1], given, "pay", cols[2])],
    }
    wb.save(path)
    return expected


@pytest.fixture(scope="module")
def staff_book(calc, tmp_path_factory):
    path = tmp_path_factory.mktemp("calc") / "staff.xlsx"
    expected = _staff_book(path)
    return calc.recalculate(path), expected


@pytest.mark.parametrize("sheet", ["Sick", "Redundancy", "Leave", "Awards", "Log", "Notice"])
def test_libreoffice_computes_what_the_excel_layer_computes(staff_book, sheet):
    book, expected = staff_book
    for col, values in expected[sheet].items():
        _check(book, sheet, col, 2, values)


def test_the_workbook_covers_good_bad_and_blank_rows(staff_book):
    """Guard against a vacuous comparison: every kind of result appears."""
    book, expected = staff_book
    seen = [v for sheet in expected.values() for col in sheet.values() for v in col]
    assert any(isinstance(v, float) and v > 0 for v in seen)
    for kind in ("#N/A", "#VALUE!", "#NUM!", "#DIV/0!", "", True, False, "OK"):
        assert any(type(v) is type(kind) and v == kind for v in seen), kind
    assert isinstance(book.cell("Redundancy", "E7"), CellError)


def test_the_absence_log_links_overlaps_and_reads_the_rolling_year(staff_book):
    """Guard against a vacuous comparison of the Log sheet: the log's own figures are there."""
    book, expected = staff_book
    assert book.formulas["Log"][1][6].startswith("{=XLKENT.KENTFUNCTIONS.KENTSICKPAYLOG(")
    assert book.formulas["Log"][1][13].startswith("=XLKENT.KENTFUNCTIONS.KENTSICKPAYLOG(")
    log = expected["Log"]
    assert log["H"][:4] == [0.0, 10.0, 0.0, 115.0]  # prior paid days read from the record
    assert log["K"][3] > 0 and log["G"][3] < log["N"][3]  # half pay in the log; alone, full pay
    assert log["G"][4:6] == ["#VALUE!", "#VALUE!"] and all(type(v) is float for v in log["N"][4:6])  # overlap
    assert log["G"][6] == "" and log["G"][7] == "#N/A" and log["G"][9] == "#NUM!"
    assert log["I"][:2] == [189.0, 184.0] and log["O"][1] == 194.0  # linked; alone, 3 new waiting days
    assert log["H"][10:12] == [15.0, 18.0] and log["L"][10] == 0.0  # a 3-day absence: paid, but no SSP
    assert log["I"][10:12] == [184.0, 184.0 - 19]  # the series carries on past it: no waiting days


def test_notice_gives_both_ends_month_ends_and_pay_in_calc(staff_book):
    """Guard against a vacuous comparison of the Notice sheet: its own figures are there."""
    book, expected = staff_book
    assert book.formulas["Notice"][1][3].startswith("=XLKENT.KENTFUNCTIONS.KENTNOTICE(")
    assert book.formulas["Notice"][1][8].startswith("{=XLKENT.KENTFUNCTIONS.KENTNOTICE(")
    notice = expected["Notice"]
    assert notice["D"][:5] == [70.0, 89.0, 59.0, 28.0, 84.0]  # statutory, contract, contract, contract, statutory
    assert notice["E"][1] == float((D(2026, 4, 30) - D(1899, 12, 30)).days)  # EDATE(31 January, 3)
    assert notice["K"][:5] == [10.0, 12.0, 1.0, 0.0, 12.0] and notice["L"][:5] == [1.0, 3.0, 2.0, 1.0, 1.0]
    assert notice["I"][5:9] == ["#N/A", "", "#N/A", "#NUM!"]  # in a column, a blank row is blank
    assert notice["M"][0] == round(70 * 30_000 / 365, 2) and notice["M"][9] == "#VALUE!"
    assert notice["F"][9] == "#VALUE!" and notice["D"][9] == 49.0  # no salary: the days stand
    assert book.cell("Notice", "E2") == notice["E"][0] and book.cell("Notice", "F3") == round(89 * 52_000 / 365, 2)


def test_formulas_bind_to_the_extension_and_arrays_stay_blank_below_the_data(staff_book):
    book, _ = staff_book
    assert book.formulas["Redundancy"][1][3].startswith("=XLKENT.KENTFUNCTIONS.KENTREDUNDANCYWEEKS(")
    assert book.formulas["Awards"][1][7].startswith("{=XLKENT.KENTFUNCTIONS.KENTAWARDOK(")
    last = len(REDUNDANCY) + 1
    assert book.column("Redundancy", f"E{last + 1}:E{last + EXTRA_ROWS}") == [""] * EXTRA_ROWS


def test_a_1904_date_system_workbook_gives_the_same_results(calc, tmp_path, staff_book):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    path = tmp_path / "mac.xlsx"
    expected = _staff_book(path, epoch=CALENDAR_MAC_1904)
    book = calc.recalculate(path)
    for sheet in ("Sick", "Leave", "Awards", "Log", "Notice"):
        for col, values in expected[sheet].items():
            _check(book, sheet, col, 2, values)


def test_how_calc_passes_literals_blank_cells_and_error_cells(calc, tmp_path):
    """Documented differences from Excel that come from Calc's add-in calling convention."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = 42, 2, None
    ws["A2"] = '=KENT_REDUNDANCY_WEEKS(42,2)'  # a literal for a range argument: Calc refuses the call
    ws["A3"] = "=KENT_REDUNDANCY_WEEKS(A1,B1,C1)"  # blank single cell for a value argument: Calc passes 0
    ws["A4"] = "=KENT_REDUNDANCY_WEEKS(A1,B1)"  # left out: the default
    ws["D1"], ws["D2"] = 1, "=NA()"
    ws["A5"] = ArrayFormula("A5:A6", "=KENT_REDUNDANCY_WEEKS(A1:B1,A1:B1,D1:D2)")  # error cell, value arg
    wb.save(tmp_path / "convention.xlsx")
    book = calc.recalculate(tmp_path / "convention.xlsx")
    assert isinstance(book.cell("Sheet", "A2"), CellError)
    assert book.cell("Sheet", "A3") == CellError("#NUM!")  # multiplier 0 is outside 1 to 2
    assert book.cell("Sheet", "A4") == udfs.KENT_REDUNDANCY_WEEKS(42, 2)
    assert isinstance(book.cell("Sheet", "A5"), CellError)


def test_dynamic_array_formulas_written_by_xlsxwriter_spill_in_calc(calc, tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "spill.xlsx"
    with xlsxwriter.Workbook(path) as wb:
        ws = wb.add_worksheet("S")
        for i, (age, years, _mult) in enumerate(REDUNDANCY[:3], 1):
            ws.write_number(i, 0, age)
            ws.write_number(i, 1, years)
        ws.write_dynamic_array_formula("C2:C4", "=KENT_REDUNDANCY_WEEKS(A2:A4,B2:B4)")
    book = calc.recalculate(path)
    want = udfs.KENT_REDUNDANCY_WEEKS([[r[0]] for r in REDUNDANCY[:3]], [[r[1]] for r in REDUNDANCY[:3]])
    _check(book, "S", "C", 2, [w[0] for w in want])


def test_function_wizard_shows_help_for_every_function_and_argument(calc):
    shown = {f["name"]: f for f in calc.describe("KENT_")}
    assert set(shown) == {f.name for f in bridge.FUNCTIONS}
    for f in bridge.FUNCTIONS:
        entry = shown[f.name]
        assert entry["description"] == build._summary(getattr(udfs, f.name).__doc__)
        assert [a["name"] for a in entry["arguments"]] == [p.name for p in f.params]
        for a, p in zip(entry["arguments"], f.params, strict=True):
            assert a["description"].startswith(ARG_HELP[f.name][p.name])
            if p.optional:
                assert a["optional"]
            if p.takes == "range":
                assert not a["optional"]


def test_helper_reports_why_it_cannot_run(monkeypatch):
    monkeypatch.setattr(lo_calc.shutil, "which", lambda name: None)
    assert "LibreOffice" in lo_calc.unavailable_reason()
