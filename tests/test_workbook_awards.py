"""The award tracking template (workbooks/awards.py), recalculated by a real LibreOffice.

A test copy of the template is filled with a few hundred generated awards and the rows a
paste could bring (text, negative and zero amounts, a blank date, a date after 2100, an
unknown kind, unreadable Yes/No cells, "Not eligible (other reason)?", ids in mixed case,
awards on one day, 29 February, several problems on one row...), recalculated once in
LibreOffice 25.2 with the xl-kent extension, and every computed cell (all 5,000 rows of each
Award log column, hidden helpers included, and every Monitoring formula) is compared with
the award-log layer (:mod:`xl_kent.lists.award_log`) over the same cells: the judgement's
results, reasons and totals directly, every other cell through :func:`awards.fill_values`,
Monitoring through :mod:`xl_kent.lists.monitoring`. Independent checks: the check columns
against ``udfs.KENT_AWARD_OK`` over the columns as LibreOffice holds them, the rolling total
against a slow per-row loop. A small sheet of every kind of cell (booleans, error values,
numbers in Yes/No columns...) shows that the template's checks read a cell as the layer
does. The saved result shows that validation, protection, conditional formats and the chart
survive. A filled copy (``write_filled``) holds the layer's values, and keeps them when
LibreOffice recalculates it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import html
import io
import re
import warnings
import zipfile
from types import SimpleNamespace

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from lo_calc import CellError, same
from xlsxwriter.utility import xl_col_to_name

import udfs
from workbooks import awards, common
from xl_kent.awards import RULES, explain
from xl_kent.files.reading import Table
from xl_kent.lists import award_log
from xl_kent.lists import monitoring as mon
from xl_kent.lists.award_log import AWARD_FIELDS, AWARD_SCHEMA, judge, read_award_log
from xl_kent.lists.fields import map_columns

D = dt.date
LOG, MON = awards.LOG, awards.MONITORING
FIRST, LAST = common.FIRST_ROW, common.FIRST_ROW + common.DATA_ROWS - 1
AS_OF = D(2026, 11, 23)
INPUTS = [c.key for c in awards.INPUT_COLUMNS]
RULE_TEXTS = set(explain(np.arange(len(RULES))).tolist())
CALCS = [c.key for c in awards.CALC_COLUMNS]


def _letter(key: str) -> str:
    return xl_col_to_name(awards._COL[key])


def _row(emp, when, amount, kind=None, ref=None, endorsed=None, **more) -> dict:
    row = dict.fromkeys(INPUTS)
    row.update(employee_id=emp, award_date=when, amount=amount, kind=kind, work_ref=ref, endorsed=endorsed)
    row.update(more)
    return row


def _generated(n: int, seed: int = 20261123) -> list[dict]:
    """Awards to ~100 employees over two and a half years: individual and team, a few repeats."""
    rng = np.random.default_rng(seed)
    grades = common.grade_choices()
    dirs = list(awards.DEFAULT_DIRECTORATES) + ["Schools' Services"]

    def pick(options, p=None):
        return options[int(rng.choice(len(options), p=p))]

    people = {f"E{1000 + k}": (pick(grades), pick(dirs), pick(["Yes", "No", None], [0.3, 0.65, 0.05]),
                               pick(["Yes", "No", None], [0.4, 0.45, 0.15])) for k in range(100)}
    ids = list(people)
    rows = []
    while len(rows) < n:
        when = D(2024, 6, 1) + dt.timedelta(days=int(rng.integers(0, 900)))
        if rng.random() < 0.25:  # a team award: 2-4 members sharing a work reference
            ref, endorsed = f"PRJ-{len(rows)}", "Yes" if rng.random() < 0.85 else "No"
            share = float(rng.choice([100, 150, 200]))
            for e in rng.choice(ids, int(rng.integers(2, 5)), replace=False):
                rows.append(_row(str(e), when, share, "Team", ref, endorsed))
                if rng.random() < 0.1:  # the same work rewarded again individually
                    rows.append(_row(str(e), when + dt.timedelta(days=7), 100.0, "Individual", ref))
        else:
            e = ids[int(rng.integers(0, len(ids)))]
            kind = "Individual" if rng.random() < 0.7 else None
            ref = f"BC-{len(rows)}" if rng.random() < 0.9 else None
            rows.append(_row(e if rng.random() > 0.1 else e.lower(), when,
                             float(rng.choice([50, 100, 150, 250, 300, 400, 500, 600])), kind, ref,
                             teachers_terms="Yes" if rng.random() < 0.03 else None,
                             capability_procedure="Yes" if rng.random() < 0.03 else "No",
                             ineligible="Yes" if rng.random() < 0.02 else None))
    for r in rows:
        grade, directorate, part_time, front_line = people[r["employee_id"].upper()]
        r.update(name=f"Person {r['employee_id'].upper()}", grade=grade, directorate=directorate,
                 part_time=part_time, front_line=front_line)
    return rows[:n]


EDGE_ROWS = [
    _row("E3001", D(2026, 2, 1), "250 pounds", "Individual", "X-1"),  # text amount: not judged, counted nowhere
    _row("E3001", D(2026, 2, 2), -50.0, "Individual", "X-2"),  # negative amount
    _row("E3001", None, 100.0, "Individual", "X-3"),  # blank date
    _row("E3001", D(2026, 2, 3), 100.0, "bonus", "X-4"),  # unknown kind
    _row("e3002", D(2026, 1, 10), 400.0, grade="kr7", part_time="yes", front_line="NO"),  # ids in mixed case
    _row("E3002", D(2026, 3, 1), 400.0, grade="KR25", directorate="growth, environment and transport"),
    _row("e3002", D(2026, 5, 1), 300.0, "Individual", grade="Apprentice"),  # over £1,000 with the two above
    _row("E3003", D(2026, 4, 1), 400.0, "Individual", "S-1"),  # three awards on one day: the third is over
    _row("E3003", D(2026, 4, 1), 400.0, "Individual", "S-2"),
    _row("E3003", D(2026, 4, 1), 300.0, "Individual", "S-3"),
    _row("E3004", D(2024, 2, 29), 450.0, "Individual", "L-1"),  # 29 February and the window after it
    _row("E3004", D(2025, 2, 28), 400.0, "Individual", "L-2"),
    _row("E3004", D(2025, 2, 28), 200.0, "Individual", "L-3"),
    _row("E3004", D(2025, 3, 1), 100.0, "Individual", "L-4"),
    _row(None, D(2026, 6, 1), 100.0, "Individual", "N-1", name="No id yet"),  # no employee
    _row("E3005", D(2026, 6, 2), 100.0, "Individual", "T-1", teachers_terms="maybe"),  # not Yes/No
    _row("E3006", D(2026, 6, 3), 120.0, "team", None, "Yes"),  # a team row without a work reference
    _row("E3007", D(2019, 1, 15), 100.0, "Individual", "OLD-1"),  # before the scheme's rules: #N/A
    _row("E10*", D(2026, 7, 1), 50.0, "Individual", "W-1"),  # a wildcard id (pasted): one employee
    _row("E10*", D(2026, 7, 2), 60.0, "Individual", "W-*"),  # ... and a wildcard work reference
    _row("<E20", D(2026, 7, 3), 700.0, "Individual", "W-2"),  # an id that looks like an operator
    _row(None, None, None, name="A name only"),  # a row in use without employee, date or amount
    _row("E3009", D(2026, 8, 2), 200.0, "Team", "PRJ-X", "No", capability_procedure="Yes"),
    _row("E3010", D(2026, 8, 2), 350.0, "TEAM", "prj-x", "Yes"),  # one team award with the row above
    _row("E3011", D(2026, 8, 3), 100.0, "Individual", "NE-1", ineligible="Yes"),  # not eligible, other reason
    _row("E3012", D(2026, 8, 4), 100.0, "Individual", "NE-2", ineligible="perhaps"),  # unreadable
    _row("E3013", D(2026, 8, 5), 150.0, "Team", "PRJ-Y", "maybe"),  # endorsement unreadable
    _row("E3014", D(2026, 8, 6), "TBC", "Individual", "A-1"),  # text amount
    _row("E3014", D(2026, 8, 7), None, "Individual", "A-2"),  # blank amount
    _row("E3014", D(2026, 8, 8), 0.0, "Individual", "A-3"),  # amount not above 0
    _row("E3014", D(2026, 8, 9), "#N/A", "Individual", "A-4"),  # an error value pasted as text
    _row("E3015", D(2101, 1, 5), 100.0, "Individual", "F-1"),  # after 2100: a typing error
    _row("E3015", 45.0, 100.0, "Individual", "F-2"),  # a date serial before March 1900
    _row(None, "soon", "TBC", "bonus", None, "maybe", teachers_terms="x"),  # every problem at once
    _row(None, None, None),  # a blank row between rows: not judged, counted nowhere, shown blank
    _row("E3016", D(2026, 9, 1), 300.0, " team ", "PRJ-Z", "y", part_time="Y", front_line="n",
         grade=" KR8 "),  # spaces and Y/N: read as the layer reads them
    _row("E3017", D(2026, 9, 1), 300.0, "Team", "PRJ-Z", "TRUE", part_time="1", front_line="maybe"),
    # one work typed three ways (case, a trailing space): one team award of £900, as the check says
    _row("E3019", D(2026, 9, 2), 300.0, "Team", "ab-1", "Yes"),
    _row("E3020", D(2026, 9, 2), 300.0, "Team", "AB-1", "Yes"),
    _row("E3021", D(2026, 9, 2), 300.0, "Team", "ab-1 ", "Yes"),
    # exactly £500.00 in pennies (a float sum in this order is 500.00000000000006): within the limit
    _row("E3022", D(2026, 9, 3), 218.86, "Team", "T9", "Yes"),
    _row("E3023", D(2026, 9, 3), 176.34, "Team", "T9", "Yes"),
    _row("E3024", D(2026, 9, 3), 104.80, "Team", "T9", "Yes"),
    # one employee typed with a trailing space and in lower case: £1,100 in 12 months
    _row("E3025 ", D(2026, 9, 4), 400.0, "Individual", "S-1"),
    _row("e3025", D(2026, 9, 5), 400.0, "Individual", "S-2"),
    _row("E3025", D(2026, 9, 6), 300.0, "Individual", "S-3"),
]

#: Cells the template cannot read as xl-kent does (documented): text where a number or a date
#: belongs. Used in the filled copy (the layer reads them) and in the sheet of every kind of cell.
PASTED_TEXT_ROWS = [
    _row("E3008", D(2026, 8, 1), "£300", "Individual", "M-1"),  # pasted money text: xl-kent reads £300
    _row("E3018", "01/10/2026", 100.0, "Individual", "M-2"),  # a date pasted as text
]


def _settings() -> dict:
    s = awards.default_settings(AS_OF)
    s["headcounts"] = {("band", "KR Entry-KR6 (lower paid)"): 1200, ("part_time", "Part-time"): 800,
                       ("directorate", "Adult Social Care and Health"): 3000,
                       ("front_line", "Not recorded"): 0,
                       ("band", awards.ALL_LABEL): 9000}
    return s


def _log_column(book, key: str) -> list:
    x = _letter(key)
    return book.column(LOG, f"{x}{FIRST}:{x}{LAST}")


def _cell_as_read(v):
    """A cell as LibreOffice gives it, as a file reader gives it: blank None, an error its code."""
    if isinstance(v, CellError):
        return str(v)
    return None if v == "" else v


def _table_of(book) -> Table:
    """The Award log's input cells as the layer reads them from the file (dates as serials)."""
    return Table([c.header for c in awards.INPUT_COLUMNS],
                 [np.array([_cell_as_read(v) for v in _log_column(book, c.key)], dtype=object)
                  for c in awards.INPUT_COLUMNS], FIRST, LOG, "xlsx")


def _layer(table: Table, settings: dict) -> SimpleNamespace:
    log = read_award_log(table)
    j = judge(log, table)
    return SimpleNamespace(table=table, log=log, j=j, filled=awards.fill_values(table, log, j, settings),
                           mon=mon.monitoring(log, j, settings))


def _mismatches(got: list, want: list) -> list:
    return [(FIRST + i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if not same(g, w)]


@pytest.fixture(scope="module")
def recalculated(calc, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("award_template")
    rows = _generated(300) + EDGE_ROWS
    settings = _settings()
    path = tmp / "awards_test.xlsx"
    awards.build(path, rows, settings)
    book = calc.recalculate(path, save_as=tmp / "saved.xlsx")
    return SimpleNamespace(rows=rows, settings=settings, book=book, saved=tmp / "saved.xlsx",
                           layer=_layer(_table_of(book), settings))


# ---------------------------------------------------------------- the recalculated template

def test_the_test_data_reach_every_outcome(recalculated):
    j, log = recalculated.layer.j, recalculated.layer.log
    assert set(j.reason[j.judged]) == RULE_TEXTS
    assert {t for _, c, t in log.problems.entries if c in awards.PROBLEM_FIELDS} == {
        "amount is not a number", "amount is not above 0", "amount is blank", "amount holds an Excel error value",
        "award_date is blank", "award_date is not a date", "award_date is after the year 2100 (a typing error?)",
        "award_date is outside Excel's dates (serial below 61 or after 9999)", "employee_id is blank",
        "kind is not team or individual", "endorsed is not Yes or No", "teachers_terms is not Yes or No",
        "ineligible is not Yes or No"}
    assert awards.NO_RULES_TEXT in set(j.reason)
    assert np.nanmax(j.rolling_total_gbp) > 1000 and np.nanmax(j.team_total_gbp) > 500
    assert log.blank_row[:len(recalculated.rows)].sum() == 1


@pytest.mark.parametrize("key", CALCS)
def test_every_award_log_cell_is_what_the_layer_gives(recalculated, key):
    got = _log_column(recalculated.book, key)
    want = recalculated.layer.filled.calculated[key]
    assert len(got) == len(want) == common.DATA_ROWS
    bad = _mismatches(got, want)
    assert not bad, f"{key} (row, LibreOffice, layer): {bad[:10]}"


def test_judged_rows_and_reasons_are_the_judgement_itself(recalculated):
    """The judgement's own arrays, not through fill_values: within the scheme, reason, totals."""
    book, j, log = recalculated.book, recalculated.layer.j, recalculated.layer.log
    ok, why = _log_column(book, "within_scheme"), _log_column(book, "reason")
    rolling, team = _log_column(book, "rolling_total_gbp"), _log_column(book, "team_total_gbp")
    for i in range(common.DATA_ROWS):
        if j.judged[i]:
            assert ok[i] == float(j.ok[i]) and why[i] == j.reason[i], (FIRST + i, ok[i], why[i])
            assert rolling[i] == j.rolling_total_gbp[i], (FIRST + i, rolling[i], j.rolling_total_gbp[i])
            assert (team[i] == "") if np.isnan(j.team_total_gbp[i]) else team[i] == j.team_total_gbp[i]
        elif log.blank_row[i]:
            assert ok[i] == why[i] == rolling[i] == team[i] == "", FIRST + i
        else:  # not judged: an error value, and the layer's reason in words
            assert isinstance(ok[i], CellError) and why[i] == j.reason[i], (FIRST + i, ok[i], why[i], j.reason[i])
            assert isinstance(rolling[i], CellError) or rolling[i] == "", FIRST + i
    several = [w for w in why if isinstance(w, str) and w.count(";") >= 5]
    assert several == ["employee_id is blank; award_date is not a date; amount is not a number; kind is not "
                       "team or individual; endorsed is not Yes or No; teachers_terms is not Yes or No"]


def test_each_check_column_holds_the_layers_problems_of_that_cell(recalculated):
    book, log = recalculated.book, recalculated.layer.log
    want = {name: [""] * common.DATA_ROWS for name in awards.PROBLEM_FIELDS}
    for rows, column, text in log.problems.entries:
        for r in rows.tolist():
            if column in want:
                want[column][r] = f"{want[column][r]}; {text}" if want[column][r] else text
    for name in awards.PROBLEM_FIELDS:
        bad = _mismatches(_log_column(book, f"problems_{name}"), want[name])
        assert not bad, (name, bad[:5])


def test_every_monitoring_cell_is_what_monitoring_py_computes(recalculated):
    book, layer = recalculated.book, recalculated.layer
    want = awards.monitoring_values(layer.mon, recalculated.settings)
    bad = [(ref, book.cell(MON, ref), v) for ref, v in want.items() if not same(book.cell(MON, ref), v)]
    assert not bad, bad[:10]
    formula_cells = {xl_col_to_name(j) + str(i + 1) for i, row in enumerate(book.formulas[MON])
                     for j, f in enumerate(row) if str(f).startswith(("=", "{="))}
    assert formula_cells == set(want), "a Monitoring formula monitoring.py does not compute"
    m = layer.mon
    assert m.summary["count"] > 100 and m.summary["not_judged"] > 15 and m.summary["outside"] > 10
    assert m.row("band", "KR Entry-KR6 (lower paid)")["per_100"] != ""
    assert m.row("part_time", "Part-time")["count"] > 0 and m.row("front_line", mon.NOT_RECORDED)["count"] > 0


def test_the_check_columns_are_kent_award_ok_over_the_same_columns(recalculated):
    """udfs.KENT_AWARD_OK over the input columns as LibreOffice holds them (blank = None), on the
    rows without a problem; the rows with one show #VALUE! and the problems."""
    book = recalculated.book
    args = [[[None if v == "" else v] for v in _log_column(book, k)]
            for k in ("employee_id", "award_date", "amount", "kind_check", "work_ref_check", "endorsed_check",
                      "not_eligible")]
    problems = _log_column(book, "problems")
    for key, words in (("within_scheme", False), ("reason", True)):
        want = [r[0] for r in udfs.KENT_AWARD_OK(*args, explain=words)]
        got = _log_column(book, key)
        bad = [(FIRST + i, g, w) for i, (g, w, p) in enumerate(zip(got, want, problems, strict=True))
               if p == "" and not same(g, w) and not (words and w == "#N/A" and g == awards.NO_RULES_TEXT)]
        assert not bad, bad[:10]
        if not words:
            assert all(g == "#VALUE!" for g, p in zip(got, problems, strict=True) if p)


def _edate_back(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    return D(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def test_the_rolling_total_is_rule_3_counted_row_by_row(recalculated):
    """A slow loop over the input rows: the employee's judged awards after EDATE(date, -12) up to this row."""
    rows, book = recalculated.rows, recalculated.book
    ok = _log_column(book, "within_scheme")
    rolling = _log_column(book, "rolling_total_gbp")
    judged = [not isinstance(v, CellError) and v != "" for v in ok]
    months = int(awards._limit("rolling_period_months"))
    checked = 0
    for i, r in enumerate(rows):
        if not judged[i]:
            assert isinstance(rolling[i], CellError) or rolling[i] == ""
            continue
        start = _edate_back(r["award_date"], months)
        total = sum(rows[j]["amount"] for j in range(len(rows)) if judged[j]
                    and rows[j]["employee_id"].strip().casefold() == r["employee_id"].strip().casefold()
                    and (start < rows[j]["award_date"] < r["award_date"]
                         or (rows[j]["award_date"] == r["award_date"] and j <= i)))
        assert rolling[i] == pytest.approx(total, abs=1e-9), (FIRST + i, r)
        checked += 1
    assert checked > 250
    assert all(v == "" for v in rolling[len(rows):])
    wild = [rolling[i] for i, r in enumerate(rows) if r["employee_id"] in ("E10*", "<E20")]
    assert wild == [50.0, 110.0, 700.0]  # taken literally, not as a pattern or an operator
    spaced = [rolling[i] for i, r in enumerate(rows) if (r["employee_id"] or "").strip().casefold() == "e3025"]
    assert spaced == [400.0, 800.0, 1100.0]  # ids matched trimmed, ignoring case, as the check does


def test_the_shown_totals_are_the_checks_totals(recalculated):
    """The Team award total and 12-month total beside a verdict are the totals it was judged on:
    work references and ids matched trimmed and ignoring case, sums to the penny."""
    rows, book = recalculated.rows, recalculated.book
    team, rolling = _log_column(book, "team_total_gbp"), _log_column(book, "rolling_total_gbp")
    why = _log_column(book, "reason")

    def at(ids):
        return [i for i, r in enumerate(rows) if r["employee_id"] in ids]

    over_award, over_total = explain(np.array([2, 3])).tolist()
    ab = at(("E3019", "E3020", "E3021"))
    assert [team[i] for i in ab] == [900.0] * 3 and {why[i] for i in ab} == {over_award}
    t9 = at(("E3022", "E3023", "E3024"))
    assert [team[i] for i in t9] == [500.0] * 3 and [why[i] for i in t9] == ["OK"] * 3
    assert [why[i] for i in at(("E3025 ", "e3025", "E3025"))] == ["OK", "OK", over_total]
    assert [rolling[i] for i in t9] == [218.86, 176.34, 104.8]


def test_xl_kent_reads_the_recalculated_template_as_the_test_does(recalculated):
    """The one reader (xl-kent awards' and fill's) on the saved template: the same rows, the
    same judgement."""
    from xl_kent.lists.source import read_list

    loaded = read_list(recalculated.saved, AWARD_SCHEMA)
    assert loaded.table.sheet == LOG and loaded.table.header_row == common.HEADER_ROW
    assert {name: loaded.table.headers[j] for name, j in loaded.columns.fields.items()} == {
        c.key: c.header for c in awards.INPUT_COLUMNS}
    log = read_award_log(loaded.table, columns=loaded.columns)
    j = judge(log, loaded.table)
    n = len(recalculated.rows)
    assert j.reason.tolist()[:n] == recalculated.layer.j.reason.tolist()[:n]
    np.testing.assert_array_equal(j.rolling_total_gbp[:n], recalculated.layer.j.rolling_total_gbp[:n])


def _rules_of(ws) -> set[tuple[str, str]]:
    return {(str(cf.sqref), _norm(f)) for cf in ws.conditional_formatting for rule in cf.rules
            for f in rule.formula}


def _norm(formula: str) -> str:
    return formula.lstrip("=").replace(" ", "")


def test_validation_protection_conditional_formats_and_chart_survive_libreoffice(recalculated):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl cannot read the formula print area
        wb = openpyxl.load_workbook(recalculated.saved)
    assert wb.sheetnames == ["How to use", LOG, MON, awards.LISTS, "xlwings.conf"]
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password, ws.title
    log = wb[LOG]
    for c in awards.INPUT_COLUMNS:
        for r in (FIRST, LAST):
            assert log[f"{_letter(c.key)}{r}"].protection.locked is False, (c.key, r)
    for c in awards.CALC_COLUMNS:
        assert log[f"{_letter(c.key)}{FIRST}"].protection.locked is not False, c.key
    assert log.freeze_panes == "C5" and wb[awards.LISTS].freeze_panes == "A5"
    hidden = {xl_col_to_name(j - 1) for d in log.column_dimensions.values() if d.hidden
              for j in range(d.min, d.max + 1)}
    assert {_letter(k) for k in awards.HELPER_KEYS} <= hidden, hidden
    assert not hidden & {_letter(k) for k in INPUTS + CALCS if k not in awards.HELPER_KEYS}

    found = {str(dv.sqref): (dv.type, dv.errorStyle) for dv in log.data_validations.dataValidation}
    for c in awards.INPUT_COLUMNS:
        if c.validation:
            x = _letter(c.key)
            style = c.validation.get("error_type", "stop")
            assert found.get(f"{x}{FIRST}:{x}{LAST}") == (c.validation["validate"], style), c.key
    mon_dv = {str(dv.sqref): dv.type for dv in wb[MON].data_validations.dataValidation}
    assert mon_dv["B4"] == mon_dv["B5"] == "date" and "whole" in mon_dv.values()
    lists = {dv.type for dv in wb[awards.LISTS].data_validations.dataValidation}
    assert lists == {"list", "custom"}

    # LibreOffice writes every rule back as it was written (a TRUE/FALSE constant would come back
    # as 1/0, which Excel would then compare with its booleans and never match)
    want = {(rng, _norm(f)) for rng, f in awards.conditional_rules()}
    assert want <= _rules_of(log), want - _rules_of(log)
    assert not re.search(r"\b(TRUE|FALSE)\b", "".join(f for _, f in awards.conditional_rules()))

    assert wb[MON]._charts, "the chart was lost"
    with zipfile.ZipFile(recalculated.saved) as z:
        charts = [z.read(n).decode() for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    assert len(charts) == 1 and "barChart" in charts[0] and "lineChart" in charts[0]
    band = awards._tables(recalculated.settings)[0]
    assert f"$D${band.first}" in charts[0] and f"$C${band.first}" in charts[0]
    names = set(wb.defined_names.keys()) if hasattr(wb.defined_names, "keys") else set()
    assert {"PeriodFrom", "PeriodTo", "GradeBands", "Directorates", "MaxAward", "AwardPartTime"} <= names


def test_the_outside_the_scheme_format_marks_false_and_0_only(calc, tmp_path):
    """The pale red rule evaluated as cell formulas: FALSE (Excel) and 0 (LibreOffice) match; TRUE, 1,
    "", blank, errors and error text do not."""
    rng, rule = awards.conditional_rules()[-1]
    col = _letter("within_scheme")
    assert rng.startswith(f"A{FIRST}:") and f"${col}{FIRST}" in rule
    samples = [True, False, 1.0, 0.0, "", None, "#N/A", "=NA()", "=1/0", "OK"]
    path = tmp_path / "rule.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    for i, v in enumerate(samples):
        r = FIRST + i
        cell = f"{col}{r}"
        if isinstance(v, bool):
            ws.write_boolean(cell, v)
        elif isinstance(v, float):
            ws.write_number(cell, v)
        elif v == "":
            ws.write_formula(cell, '=""', None, "")
        elif isinstance(v, str) and v.startswith("="):
            ws.write_formula(cell, v)
        elif v is not None:
            ws.write_string(cell, v)
        ws.write_formula(f"A{r}", rule.replace(f"${col}{FIRST}", f"${col}{r}"))
    wb.close()
    got = calc.recalculate(path).column("Sheet1", f"A{FIRST}:A{FIRST + len(samples) - 1}")
    want = [float(v is False or (isinstance(v, float) and v == 0)) for v in samples]
    assert got == want, list(zip(samples, got, strict=True))


# ---------------------------------------------------------------- every kind of cell

class Err(str):
    """An error value in a cell: written as a formula that gives it, read back as its code."""


_ERROR_FORMULA = {"#N/A": "=NA()", "#DIV/0!": "=1/0", "#VALUE!": '="a"+1', "#REF!": "=#REF!"}
_FLAG_ZOO = ["y", "N", " yes ", "TRUE", "true", "No", 1.0, 0.0, 2.0, 0.5, True, False, "maybe", Err("#N/A"),
             "#N/A", "#div/0!", "  ", "yes|0", "1.0", "0"]
_ZOO = (
    [dict(employee_id=v) for v in (None, "  ", Err("#N/A"), "#VALUE!", 1001.0, True, "E 1")]
    + [dict(award_date=v) for v in (None, "soon", 45.0, 2958466.0, dt.datetime(2101, 1, 5), Err("#VALUE!"),
                                    "#N/A", dt.datetime(2026, 5, 1, 12, 0), "  ", 60.0, 61.0, 73415.0, 73416.0)]
    + [dict(amount=v) for v in (0.0, -5.0, "TBC", "  ", None, Err("#DIV/0!"), "#n/a", 1e-9)]
    + [dict(kind=v) for v in ("bonus", " Team ", "TEAM", "individual", 5.0, Err("#N/A"), "#N/A", "  ", True)]
    + [dict(work_ref=v) for v in (Err("#REF!"), "#N/A", 123.0, "  ")]
    + [{name: v} for name in ("teachers_terms", "capability_procedure", "ineligible", "part_time", "front_line")
       for v in _FLAG_ZOO]
    + [dict(endorsed=v, kind="Team") for v in _FLAG_ZOO]
    + [dict(employee_id=None, award_date=None, amount=None, name="only a name"),
       dict(employee_id=None, award_date=None, amount=None, grade=Err("#N/A")), {}]
)
#: Cells the template reads otherwise than xl-kent (documented): (cells, Reason in the template, in
#: LibreOffice). Text where a number or a date belongs: xl-kent reads it, the template cannot. A
#: TRUE/FALSE in a date or amount cell: LibreOffice holds it as 1/0 (Excel, like xl-kent, says "not a
#: date" / "not a number"); the row is not judged either way.
_PASTED = [
    (dict(amount="£300"), "amount is not a number"),
    (dict(amount="250"), "amount is not a number"),
    (dict(award_date="01/04/2026"), "award_date is not a date"),
    (dict(award_date=True), "award_date is outside Excel's dates (serial below 61 or after 9999)"),
    (dict(amount=False), "amount is not above 0"),
]


def _zoo_rows() -> list[dict]:
    rows = []
    for k, cells in enumerate(_ZOO + [c for c, _ in _PASTED]):
        row = _row(f"Z{k}", dt.datetime(2026, 3, 1) + dt.timedelta(days=k), 100.0, "Individual", f"R{k}")
        row.update(cells)
        if cells == {}:
            row = dict.fromkeys(INPUTS)
        rows.append(row)
    return rows


def _write_cell(ws, r: int, c: int, v) -> None:
    if isinstance(v, Err):
        ws.write_formula(r, c, _ERROR_FORMULA[str(v)], None, str(v))
    elif v is None:
        return
    elif isinstance(v, bool):
        ws.write_boolean(r, c, v)
    elif isinstance(v, float):
        ws.write_number(r, c, v)
    elif isinstance(v, dt.datetime):
        ws.write_datetime(r, c, v, ws._date_format)
    else:
        ws.write_string(r, c, v)


def test_the_checks_read_every_kind_of_cell_as_the_layer_does(calc, tmp_path):
    """Booleans, numbers and error values in Yes/No columns, error values typed as text, spaces,
    serials out of range...: each check column, the Yes/No helpers, the check and the reason of
    the template equal the layer's reading of the same cells (as a file reader gives them), but
    for the documented pasted text the template cannot read (then: not a number / not a date)."""
    rows = _zoo_rows()
    n = len(rows)
    path = tmp_path / "cells.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet(LOG)
    ws._date_format = wb.add_format({"num_format": "dd/mm/yyyy"})
    for i, row in enumerate(rows):
        for key in INPUTS:
            _write_cell(ws, FIRST - 1 + i, awards._COL[key], row[key])
    lists = wb.add_worksheet("Lists")
    lists.write_number(0, 0, 12)
    for k, (g, b) in enumerate(awards.default_grade_bands()):
        lists.write_string(k, 2, g)
        lists.write_string(k, 3, b)
    wb.define_name("RollingMonths", "=Lists!$A$1")
    wb.define_name("GradeBands", f"=Lists!$C$1:$D${len(awards.default_grade_bands())}")
    for key, formula in awards.log_formulas(rows=n).items():
        col = awards._COL[key]
        ws.write_dynamic_array_formula(FIRST - 1, col, FIRST + n - 2, col, formula)
    wb.close()
    book = calc.recalculate(path)

    def as_read(v):  # what openpyxl gives for the cells written: error formulas as their code
        return str(v) if isinstance(v, Err) else v

    table = Table([c.header for c in awards.INPUT_COLUMNS],
                  [np.array([as_read(r[k]) for r in rows], dtype=object) for k in INPUTS], FIRST, LOG, "xlsx")
    layer = _layer(table, awards.default_settings(AS_OF))
    pasted = set(range(len(_ZOO), n))
    for key in CALCS:
        x = _letter(key)
        got = book.column(LOG, f"{x}{FIRST}:{x}{FIRST + n - 1}")
        want = layer.filled.calculated[key]
        # (the hidden id helper of a TRUE/FALSE id: LibreOffice's TRIM(TRUE) is "1", Excel's "TRUE"; the
        # total's criterion is TRIM of the same cell, so the totals agree either way)
        bad = [(FIRST + i, rows[i], g, w) for i, (g, w) in enumerate(zip(got, want, strict=True))
               if i not in pasted and not same(g, w)
               and not (key == "employee_id_check" and isinstance(rows[i]["employee_id"], bool))]
        assert not bad, (key, bad[:6])
    why = book.column(LOG, f"{_letter('reason')}{FIRST}:{_letter('reason')}{FIRST + n - 1}")
    for i, (cells, words) in zip(sorted(pasted), _PASTED, strict=True):
        if isinstance(next(iter(cells.values())), bool):  # not judged by either
            assert not layer.j.judged[i] and layer.j.reason[i] != words, rows[i]
        else:  # xl-kent reads the text
            assert layer.j.judged[i] and layer.j.reason[i] == "OK", rows[i]
        assert why[i] == words, (rows[i], why[i])  # the template cannot


# ---------------------------------------------------------------- the template file (no LibreOffice)

def _built(rows=None, settings=None) -> bytes:
    buf = io.BytesIO()
    awards.build(buf, rows, settings)
    return buf.getvalue()


@functools.cache
def _example() -> bytes:
    return _built()


def _sheet_xml(data: bytes, sheet: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)"', book)
        return z.read(f"xl/worksheets/sheet{names.index(html.escape(sheet, quote=False)) + 1}.xml").decode()


def test_the_build_is_deterministic():
    rows = _generated(40) + EDGE_ROWS
    assert _built(rows, _settings()) == _built(rows, _settings())
    assert _built() == _example()


def test_the_template_columns_are_dynamic_arrays_without_implicit_intersection():
    xml = _sheet_xml(_example(), LOG)
    formulas = awards.log_formulas()
    for c in awards.CALC_COLUMNS:
        x = _letter(c.key)
        pattern = rf'<c r="{x}{FIRST}"([^>]*)><f t="array" ref="{x}{FIRST}:{x}{LAST}"[^>]*>([^<]*)</f>'
        m = re.search(pattern, xml)
        assert m, f"{c.key}: no array formula over {x}{FIRST}:{x}{LAST}"
        assert 'cm="1"' in m.group(1), f"{c.key}: not a dynamic array"
        assert html.unescape(m.group(2)) == formulas[c.key][1:]
    assert xml.count("<f t=\"array\"") == len(awards.CALC_COLUMNS)
    texts = "".join(re.findall(r"<f[^>]*>([^<]*)</f>", xml))
    assert "@" not in texts and "_xlfn" not in texts and "_xlws" not in texts
    mon_xml = _sheet_xml(_example(), MON)
    texts = "".join(re.findall(r"<f[^>]*>([^<]*)</f>", mon_xml))
    assert "KENT_" not in mon_xml and "@" not in texts and "_xlfn" not in texts
    assert max(len(f) for f in formulas.values()) < 8192  # Excel's limit for a formula


def test_the_input_columns_are_the_award_log_fields():
    assert [(c.key, c.header) for c in awards.INPUT_COLUMNS] == [(f.name, f.label) for f in AWARD_FIELDS]
    assert awards.PROBLEM_FIELDS == award_log._JUDGED_BY
    headers = [c.header for c in awards.INPUT_COLUMNS + awards.CALC_COLUMNS]
    m = map_columns(headers, AWARD_SCHEMA)  # the template's headers read back: each field its own column
    assert m.fields == {c.key: awards._COL[c.key] for c in awards.INPUT_COLUMNS}
    assert [h for h in headers if h.startswith("Problems: ")] == [
        f"Problems: {award_log._FIELD[n].label}" for n in awards.PROBLEM_FIELDS]


def test_every_calculated_header_is_a_result_of_the_award_schema():
    results = set(AWARD_SCHEMA.results)
    assert [c.header for c in awards.CALC_COLUMNS if c.header not in results] == []


def test_the_examples_show_every_rule():
    rows = awards.EXAMPLE_ROWS
    cells = {k: [r[k] for r in rows] for k in INPUTS}
    t = Table([c.header for c in awards.INPUT_COLUMNS],
              [np.array([dt.datetime.combine(v, dt.time()) if isinstance(v, D) else v for v in cells[k]],
                        dtype=object) for k in INPUTS], FIRST, LOG, "xlsx")
    log = read_award_log(t)
    j = judge(log, t)
    assert j.judged.all() and set(j.reason) == RULE_TEXTS
    for key in ("part_time", "front_line", "teachers_terms", "capability_procedure", "ineligible", "endorsed"):
        assert {r[key] for r in rows} >= {"Yes"}, key
    team = j.team_total_gbp[~np.isnan(j.team_total_gbp)]
    assert team.max() > awards._MAX_AWARD and (team <= awards._MAX_AWARD).any()
    over = np.flatnonzero(j.rolling_total_gbp > awards._MAX_TOTAL)
    assert over.size and any(rows[k]["employee_id"] == rows[over[0]]["employee_id"] and j.ok[k]
                             for k in range(over[0] + 1, len(rows))), "no award within the 12 months again"


def test_the_how_to_sheet_takes_the_limits_from_the_parameters():
    text = _sheet_xml(_example(), "How to use")
    with zipfile.ZipFile(io.BytesIO(_example())) as z:
        text += z.read("xl/sharedStrings.xml").decode()
    assert f"£{awards._MAX_AWARD:,.0f} an award" in text and f"£{awards._MAX_TOTAL:,.0f} per employee" in text


# ---------------------------------------------------------------- a filled copy (xl-kent fill awards)

def _as_file(rows: list[dict]) -> Table:
    """The rows as a reader gives an xlsx log back: dates as datetimes, text as typed."""
    def cell(v):
        return dt.datetime.combine(v, dt.time()) if type(v) is D else v

    return Table([c.header for c in awards.INPUT_COLUMNS],
                 [np.array([cell(r[k]) for r in rows], dtype=object) for k in INPUTS], 2, "Sheet1", "xlsx")


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("award_fill")
    rows = _generated(120, seed=7) + EDGE_ROWS + PASTED_TEXT_ROWS
    settings = awards.default_settings(AS_OF)
    settings["period_start"] = D(2025, 11, 24)
    layer = _layer(_as_file(rows), settings)
    out = tmp / "filled.xlsx"
    common.save_atomically(out, lambda f: awards.write_filled(f, layer.table, layer.log, layer.j, settings))
    return SimpleNamespace(rows=rows, layer=layer, out=out, settings=settings)


def _values(path, sheet: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, data_only=True)[sheet]


def test_a_filled_copy_holds_the_layers_values_and_no_kent_formula(filled):
    for xml in (_sheet_xml(filled.out.read_bytes(), s) for s in (LOG, MON)):
        assert not re.search(r"<f[^>]*>[^<]*KENT_", xml)
    ws = _values(filled.out, LOG)
    j, n = filled.layer.j, len(filled.rows)

    def column(key):
        x = _letter(key)
        return [r[0].value for r in ws[f"{x}{FIRST}:{x}{LAST}"]]

    def cached(v):  # an error is written as a formula with its code cached
        return "" if v is None else v

    for key in CALCS:
        want = filled.layer.filled.calculated[key] + [""] * (common.DATA_ROWS - n)
        bad = [(FIRST + i, g, w) for i, (g, w) in enumerate(zip(map(cached, column(key)), want, strict=True))
               if not (g == w or (isinstance(w, float) and g == pytest.approx(w)))]
        assert not bad, (key, bad[:5])
    assert column("reason")[:n] == [r if r != "row is blank" else None for r in j.reason.tolist()]
    ok = column("within_scheme")[:n]
    assert [ok[i] for i in np.flatnonzero(j.judged)] == j.ok[j.judged].tolist()
    assert {ok[i] for i in np.flatnonzero(~j.judged & ~filled.layer.log.blank_row)} == {"#VALUE!", "#N/A"}
    rolling = column("rolling_total_gbp")
    assert [rolling[i] for i in np.flatnonzero(j.judged)] == j.rolling_total_gbp[j.judged].tolist()


def test_a_filled_copy_holds_the_inputs_as_the_layer_read_them(filled):
    ws = _values(filled.out, LOG)
    got = {key: [ws.cell(FIRST + i, awards._COL[key] + 1).value for i in range(len(filled.rows))] for key in INPUTS}
    i = filled.rows.index(PASTED_TEXT_ROWS[0])
    assert got["amount"][i] == 300.0 and got["award_date"][i + 1] == dt.datetime(2026, 10, 1)
    for key, raw, want in (("kind", "TEAM", "Team"), ("kind", " team ", "Team"), ("part_time", "Y", "Yes"),
                           ("front_line", "NO", "No"), ("endorsed", "y", "Yes"), ("grade", " KR8 ", "KR8"),
                           ("amount", "TBC", "TBC"), ("kind", "bonus", "bonus"), ("endorsed", "maybe", "maybe"),
                           ("teachers_terms", "x", "x"), ("award_date", "soon", "soon"),
                           ("award_date", 45.0, 45.0), ("amount", "#N/A", "#N/A")):
        k = next(k for k, r in enumerate(filled.rows) if r[key] == raw)
        assert got[key][k] == want, (key, raw, got[key][k])
    # read back, a filled copy is judged as the log it came from
    back = Table([c.header for c in awards.INPUT_COLUMNS],
                 [np.array(got[k], dtype=object) for k in INPUTS], FIRST, LOG, "xlsx")
    j2 = judge(read_award_log(back), back)
    assert j2.reason.tolist() == filled.layer.j.reason.tolist()
    np.testing.assert_array_equal(j2.rolling_total_gbp, filled.layer.j.rolling_total_gbp)


def test_the_filled_copy_recalculated_in_libreoffice_keeps_its_values(filled, calc):
    book = calc.recalculate(filled.out)
    want = awards.monitoring_values(filled.layer.mon, filled.settings)
    bad = [(ref, book.cell(MON, ref), v) for ref, v in want.items() if not same(book.cell(MON, ref), v)]
    assert not bad, bad[:10]
    n = len(filled.rows)
    for key in CALCS:  # the log's values stay, errors included (written as formulas that make them)
        bad = _mismatches(_log_column(book, key), filled.layer.filled.calculated[key] + [""] * (common.DATA_ROWS - n))
        assert not bad, (key, bad[:5])
    assert filled.layer.mon.summary["count"] > 30


def test_write_filled_refuses_a_log_longer_than_the_template():
    rows = [_row(f"E{k}", D(2026, 1, 1), 10.0) for k in range(common.DATA_ROWS + 1)]
    layer_table = _as_file(rows)
    log = read_award_log(layer_table)
    with pytest.raises(ValueError, match="do not fit"):
        awards.write_filled(io.BytesIO(), layer_table, log, judge(log, layer_table), awards.default_settings())


def test_a_filled_copy_shows_the_core_error_of_a_fraction_of_a_penny_as_the_check_does():
    """KENT_AWARD_OK gives #NUM! for an amount not a whole number of pence (and above £1,000,000):
    a filled copy holds the same error value, not #VALUE!."""
    rows = [_row("E1", D(2026, 5, 1), 500.004, "Individual", "P-1"),
            _row("E2", D(2026, 5, 1), 2_000_000.0, "Individual", "P-2"),
            _row("E3", D(2026, 5, 1), 100.0, "Individual", "P-3")]
    table = Table([c.header for c in awards.INPUT_COLUMNS],
                  [np.array([r[c.key] for r in rows], dtype=object) for c in awards.INPUT_COLUMNS], FIRST, LOG,
                  "xlsx")
    layer = _layer(table, awards.default_settings(AS_OF))
    calc = layer.filled.calculated
    assert calc["within_scheme"][:3] == ["#NUM!", "#NUM!", True]
    assert calc["reason"][0] == "amount is not a whole number of pence"
    assert udfs.KENT_AWARD_OK("E1", D(2026, 5, 1), 500.004) == "#NUM!"
