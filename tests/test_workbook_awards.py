"""The award tracking template (workbooks/awards.py), recalculated by a real LibreOffice.

A test copy of the template is filled with a few hundred generated awards and the rows a
paste could bring (text and negative amounts, a blank date, an unknown kind, ids in mixed
case, awards on one day, 29 February...), recalculated once in LibreOffice 25.2 with the
xl-kent extension, and every computed cell (all 5,000 rows of each Award log column and
every Monitoring formula) is compared with ``awards.model``. Independent checks: the
KENT_ columns against ``udfs.KENT_AWARD_OK`` called over the columns as LibreOffice holds
them, the rolling total against a slow per-row loop over the input rows. The saved
result shows that validation, protection, conditional formats and the chart survive.
``fill`` is checked against the model, in LibreOffice too, and for its exit codes.
"""

from __future__ import annotations

import calendar
import csv
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
from lo_calc import CellError, same
from xlsxwriter.utility import xl_col_to_name

import udfs
from workbooks import awards, common
from xl_kent.awards import explain
from xl_kent.lists import staff as st

D = dt.date
LOG, MON = awards.LOG, awards.MONITORING
FIRST, LAST = common.FIRST_ROW, common.FIRST_ROW + common.DATA_ROWS - 1
AS_OF = D(2026, 11, 23)


def _letter(key: str) -> str:
    return xl_col_to_name(awards._COL[key])


def _row(emp, when, amount, kind=None, ref=None, endorsed=None, **more) -> dict:
    row = dict.fromkeys(c.key for c in awards.INPUT_COLUMNS)
    row.update(employee_id=emp, award_date=when, amount_gbp=amount, kind=kind, work_ref=ref,
               endorsed=endorsed)
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
                             capability_procedure="Yes" if rng.random() < 0.03 else "No"))
    for r in rows:
        grade, directorate, part_time, front_line = people[r["employee_id"].upper()]
        r.update(name=f"Person {r['employee_id'].upper()}", grade=grade, directorate=directorate,
                 part_time=part_time, front_line=front_line)
    return rows[:n]


EDGE_ROWS = [
    _row("E3001", D(2026, 2, 1), "250 pounds", "Individual", "X-1"),  # text amount: #VALUE!, counted nowhere
    _row("E3001", D(2026, 2, 2), -50.0, "Individual", "X-2"),  # negative amount: #NUM!
    _row("E3001", None, 100.0, "Individual", "X-3"),  # blank date: #VALUE!
    _row("E3001", D(2026, 2, 3), 100.0, "bonus", "X-4"),  # unknown kind: #VALUE!, counted nowhere
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
    _row(None, D(2026, 6, 1), 100.0, "Individual", "N-1", name="No id yet"),  # no employee: #VALUE!
    _row("E3005", D(2026, 6, 2), 100.0, "Individual", "T-1", teachers_terms="maybe"),  # not Yes/No: #VALUE!
    _row("E3006", D(2026, 6, 3), 120.0, "team", None, "Yes"),  # a team row without a work reference
    _row("E3007", D(2019, 1, 15), 100.0, "Individual", "OLD-1"),  # before the scheme's rules: #N/A
    _row("E10*", D(2026, 7, 1), 50.0, "Individual", "W-1"),  # a wildcard id (pasted): SUMIFS reads it as one
    _row(None, None, None, name="A name only"),  # no employee, date or amount: a blank row
    _row("E3008", D(2026, 8, 1), "£300", "Individual", "M-1"),  # pasted money text: #VALUE!
    _row("E3009", D(2026, 8, 2), 200.0, "Team", "PRJ-X", "No", capability_procedure="Yes"),
    _row("E3010", D(2026, 8, 2), 350.0, "TEAM", "prj-x", "Yes"),  # one team award with the row above
]


def _settings() -> dict:
    s = awards.default_settings(AS_OF)
    s["headcounts"] = {("band", "KR Entry-KR6 (lower paid)"): 1200, ("part_time", "Part-time"): 800,
                       ("directorate", "Adult Social Care and Health"): 3000,
                       ("front_line", "Not recorded"): 0,
                       ("band", awards.ALL_LABEL): 9000}
    return s


def _same(got, want) -> bool:
    return same(got, want)


def _log_column(book, key: str) -> list:
    x = _letter(key)
    return book.column(LOG, f"{x}{FIRST}:{x}{LAST}")


@pytest.fixture(scope="module")
def recalculated(calc, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("award_template")
    rows = _generated(300) + EDGE_ROWS
    settings = _settings()
    path = tmp / "awards_test.xlsx"
    awards.build(path, rows, settings)
    book = calc.recalculate(path, save_as=tmp / "saved.xlsx")
    return SimpleNamespace(rows=rows, settings=settings, model=awards.model(rows, settings), book=book,
                           saved=tmp / "saved.xlsx")


# ---------------------------------------------------------------- the recalculated template

def test_the_test_data_reach_every_outcome(recalculated):
    ok, why = recalculated.model.log["within_scheme"], recalculated.model.log["reason"]
    assert {True, False, ""} <= set(v for v in ok if not isinstance(v, str) or v == "")
    assert {"#VALUE!", "#NUM!", "#N/A"} <= {v for v in ok if isinstance(v, str) and v.startswith("#")}
    assert set(explain(np.arange(len(awards.RULES))).tolist()) <= set(why)
    assert any(isinstance(v, float) and v > 1000 for v in recalculated.model.log["rolling_total_gbp"])
    assert any(isinstance(v, float) and v > 500 for v in recalculated.model.log["team_total_gbp"])


@pytest.mark.parametrize("key", [c.key for c in awards.CALC_COLUMNS])
def test_every_award_log_cell_is_what_the_model_computes(recalculated, key):
    got = _log_column(recalculated.book, key)
    want = recalculated.model.log[key]
    assert len(got) == len(want) == common.DATA_ROWS
    bad = [(FIRST + i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if not _same(g, w)]
    assert not bad, f"{key} (row, LibreOffice, model): {bad[:10]}"


def test_every_monitoring_cell_is_what_the_model_computes(recalculated):
    book, m = recalculated.book, recalculated.model
    bad = [(k, ref, book.cell(MON, ref), m.monitoring[k]) for k, ref in m.cells.items()
           if not _same(book.cell(MON, ref), m.monitoring[k])]
    assert not bad, bad[:10]
    formula_cells = {xl_col_to_name(j) + str(i + 1) for i, row in enumerate(book.formulas[MON])
                     for j, f in enumerate(row) if str(f).startswith(("=", "{="))}
    assert formula_cells == set(m.cells.values()), "a Monitoring formula the model does not compute"
    counts = [v for (t, _, k), v in m.monitoring.items() if k == "count" and t == "band" and v != ""]
    assert sum(counts) > 50 and m.monitoring[("band", "KR Entry-KR6 (lower paid)", "per_100")] != ""


def test_the_check_columns_are_kent_award_ok_over_the_same_columns(recalculated):
    """udfs.KENT_AWARD_OK over the input columns as LibreOffice holds them (blank = None)."""
    book = recalculated.book
    args = [[[None if v == "" else v] for v in _log_column(book, k)]
            for k in ("employee_id", "award_date", "amount_gbp", "kind", "work_ref", "endorsed",
                      "ineligible")]
    for key, words in (("within_scheme", False), ("reason", True)):
        want = [r[0] for r in udfs.KENT_AWARD_OK(*args, explain=words)]
        got = _log_column(book, key)
        bad = [(FIRST + i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if not _same(g, w)]
        assert not bad, bad[:10]


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
        if re.search(r"[*?~]", r["employee_id"]):  # SUMIFS reads a wildcard id as a pattern (documented)
            continue
        start = _edate_back(r["award_date"], months)
        total = sum(rows[j]["amount_gbp"] for j in range(len(rows)) if judged[j]
                    and rows[j]["employee_id"].casefold() == r["employee_id"].casefold()
                    and (start < rows[j]["award_date"] < r["award_date"]
                         or (rows[j]["award_date"] == r["award_date"] and j <= i)))
        assert rolling[i] == pytest.approx(total, abs=1e-9), (FIRST + i, r)
        checked += 1
    assert checked > 250
    assert all(v == "" for v in rolling[len(rows):])


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
    assert not hidden & {_letter(c.key) for c in awards.INPUT_COLUMNS + awards.CALC_COLUMNS
                         if c.key not in awards.HELPER_KEYS}

    found = {str(dv.sqref): (dv.type, dv.errorStyle) for dv in log.data_validations.dataValidation}
    for c in awards.INPUT_COLUMNS:
        if c.validation:
            x = _letter(c.key)
            style = c.validation.get("error_type", "stop")
            assert found.get(f"{x}{FIRST}:{x}{LAST}") == (c.validation["validate"], style), c.key
    mon = {str(dv.sqref): dv.type for dv in wb[MON].data_validations.dataValidation}
    assert mon["B4"] == mon["B5"] == "date" and "whole" in mon.values()
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
    assert {"PeriodFrom", "PeriodTo", "GradeBands", "Directorates", "MaxAward"} <= names


def test_the_outside_the_scheme_format_marks_false_and_0_only(calc, tmp_path):
    """The pale red rule evaluated as cell formulas: FALSE (Excel) and 0 (LibreOffice) match; TRUE, 1,
    "", blank, errors and error text do not."""
    import xlsxwriter

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


# ---------------------------------------------------------------- the template file (no LibreOffice)

def _built(rows=None, settings=None, filled=False) -> bytes:
    buf = io.BytesIO()
    awards.build(buf, rows, settings, filled=filled)
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
    assert "@" not in "".join(re.findall(r"<f[^>]*>([^<]*)</f>", xml))
    mon = _sheet_xml(_example(), MON)
    assert "KENT_" not in mon and "@" not in "".join(re.findall(r"<f[^>]*>([^<]*)</f>", mon))


def test_the_examples_show_every_rule():
    m = awards.model(awards.EXAMPLE_ROWS, awards.default_settings(), data_rows=len(awards.EXAMPLE_ROWS))
    reasons = set(m.log["reason"])
    assert len(reasons) == len(awards.RULES), reasons
    assert not any(isinstance(v, str) and v.startswith("#") for v in m.log["within_scheme"])
    rows = awards.EXAMPLE_ROWS
    for key in ("part_time", "front_line", "teachers_terms", "capability_procedure", "endorsed"):
        assert {r[key] for r in rows} >= {"Yes"}, key
    team = [v for v in m.log["team_total_gbp"] if v != ""]
    assert max(team) > awards._MAX_AWARD and any(v <= awards._MAX_AWARD for v in team)
    rolling = m.log["rolling_total_gbp"]
    over = [i for i, v in enumerate(rolling) if v > awards._MAX_TOTAL]
    assert over and any(rows[j]["employee_id"] == rows[over[0]]["employee_id"] and m.log["within_scheme"][j]
                        for j in range(over[0] + 1, len(rows))), "no award within the 12 months again"


def test_the_how_to_sheet_takes_the_limits_from_the_parameters():
    text = _sheet_xml(_example(), "How to use")
    with zipfile.ZipFile(io.BytesIO(_example())) as z:
        text += z.read("xl/sharedStrings.xml").decode()
    assert f"£{awards._MAX_AWARD:,.0f} an award" in text and f"£{awards._MAX_TOTAL:,.0f} per employee" in text


def test_criteria_follow_sumifs():
    match = awards._matcher
    assert match("e1")("E1") and not match("E1")("E1 ") and not match("E1")(None) and not match("E1")(1.0)
    assert match("E*")("e77") and match("E?")("E7") and not match("E?")("E77") and match("E~*")("E*")
    assert not match("E~*")("E1") and match("")(None) and match("<>OK")("Over") and not match("<>OK")("ok")


# ---------------------------------------------------------------- reading a log and xl-kent fill awards

def _write_log(path, rows: list[dict], headers=None) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    cols = [c for c in awards.INPUT_COLUMNS]
    ws.append(headers or [c.header for c in cols])
    for r in rows:
        ws.append([r[c.key] for c in cols])
    wb.save(path)


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("award_fill")
    rows = _generated(120, seed=7) + EDGE_ROWS
    log, out = tmp / "log.xlsx", tmp / "filled.xlsx"
    _write_log(log, rows)
    msg_out, msg_err = io.StringIO(), io.StringIO()
    code = awards.fill(log, out, period_start=D(2025, 11, 24), period_end=AS_OF, out=msg_out, err=msg_err)
    read, _ = awards.read_award_rows(log)
    settings = awards.default_settings(AS_OF)
    return SimpleNamespace(rows=rows, read=read, log=log, out=out, code=code, stdout=msg_out.getvalue(),
                           model=awards.model(read, settings))


def test_fill_reads_the_log_as_it_was_typed(filled):
    assert len(filled.read) == len(filled.rows)
    for got, want in zip(filled.read, filled.rows, strict=True):
        for key in ("employee_id", "award_date", "kind", "work_ref", "name"):
            w = want[key]
            w = {"team": "Team", "TEAM": "Team", "bonus": "bonus"}.get(w, w) if key == "kind" else w
            assert got[key] == w, (key, got, want)
        a = want["amount_gbp"]
        assert got["amount_gbp"] == (300.0 if a == "£300" else a)  # £ and commas read as a person means them


def test_fill_writes_the_models_values_and_no_kent_formula(filled):
    assert filled.code == 1, filled.stdout  # some rows could not be judged
    errors = sum(isinstance(v, str) and v.startswith("#") for v in filled.model.log["within_scheme"])
    assert errors and f"could not be judged (errors, amber rows): {errors}" in filled.stdout
    for xml in (_sheet_xml(filled.out.read_bytes(), s) for s in (LOG, MON)):
        assert not re.search(r"<f[^>]*>[^<]*KENT_", xml)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(filled.out, data_only=True)[LOG]
    for c in awards.CALC_COLUMNS:
        x = _letter(c.key)
        got = [r[0].value for r in ws[f"{x}{FIRST}:{x}{LAST}"]]
        want = filled.model.log[c.key]
        bad = [(FIRST + i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True))
               if not (g == w or (g is None and w == "") or (isinstance(w, float) and g == pytest.approx(w)))]
        assert not bad, (c.key, bad[:5])


def test_the_filled_copy_recalculated_in_libreoffice_keeps_the_monitoring_values(filled, calc):
    book = calc.recalculate(filled.out)
    m = filled.model
    bad = [(k, ref, book.cell(MON, ref), m.monitoring[k]) for k, ref in m.cells.items()
           if not _same(book.cell(MON, ref), m.monitoring[k])]
    assert not bad, bad[:10]
    # The log's values stay, errors included (written as formulas that make them, such as =#VALUE!).
    for c in awards.CALC_COLUMNS:
        got, want = _log_column(book, c.key), m.log[c.key]
        bad = [(FIRST + i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True)) if not _same(g, w)]
        assert not bad, (c.key, bad[:5])
    errors = {v for c in awards.CALC_COLUMNS for v in m.log[c.key] if isinstance(v, str) and v.startswith("#")}
    assert {"#VALUE!", "#NUM!", "#N/A"} <= errors


def test_fill_exit_codes(tmp_path):
    good = tmp_path / "good.xlsx"
    _write_log(good, _generated(30, seed=3))
    out, err = io.StringIO(), io.StringIO()
    assert awards.fill(good, tmp_path / "ok.xlsx", out=out, err=err) == 0, err.getvalue()
    assert (tmp_path / "ok.xlsx").exists()

    no_amount = tmp_path / "no_amount.xlsx"
    headers = [c.header if c.key != "amount_gbp" else "Notes" for c in awards.INPUT_COLUMNS]
    _write_log(no_amount, _generated(5, seed=3), headers)
    err = io.StringIO()
    assert awards.fill(no_amount, tmp_path / "x.xlsx", out=io.StringIO(), err=err) == 2
    assert "missing required column amount" in err.getvalue() and not (tmp_path / "x.xlsx").exists()

    before = good.read_bytes()
    err = io.StringIO()
    assert awards.fill(good, good, out=io.StringIO(), err=err) == 3
    assert good.read_bytes() == before and "input file" in err.getvalue()

    too_long = tmp_path / "long.csv"
    with open(too_long, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Employee ID", "Award date", "Amount"])
        w.writerows([f"E{k}", "2026-01-01", "10"] for k in range(common.DATA_ROWS + 1))
    assert awards.fill(too_long, tmp_path / "y.xlsx", out=io.StringIO(), err=io.StringIO()) == 2
    assert awards.fill(good, tmp_path / "z.xlsx", period_start=D(2026, 5, 1), period_end=D(2026, 4, 1),
                       out=io.StringIO(), err=io.StringIO()) == 2
    assert not (tmp_path / "y.xlsx").exists() and not (tmp_path / "z.xlsx").exists()


def test_read_award_rows_converts_cells_as_a_person_would_type_them(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Emp No,Date paid,Award amount,Type,Project,Endorsed,Grade,Part time,Directorate,Pay\n"
                    "1001,01/04/2026,\"£1,250.50\",TEAM,P-1,yes,kr 6,Y,adult social care and health,1\n"
                    "1002,31/02/2026,abc,bonus,,maybe,7,n,Elsewhere,2\n", encoding="utf-8")
    rows, notes = awards.read_award_rows(path, maps=["Pay=name"])
    a, b = rows
    assert (a["employee_id"], a["award_date"], a["amount_gbp"], a["kind"]) == (
        "1001", D(2026, 4, 1), 1250.5, "Team")
    assert (a["endorsed"], a["grade"], a["part_time"], a["directorate"], a["name"]) == (
        "Yes", "KR6", "Yes", "Adult Social Care and Health", "1")
    assert (b["award_date"], b["amount_gbp"], b["kind"], b["endorsed"], b["grade"], b["part_time"]) == (
        "31/02/2026", "abc", "bonus", "maybe", "KR7", "No")
    assert b["directorate"] == "Elsewhere" and b["work_ref"] is None
    assert any("could not be read as a date" in n for n in notes)
    with pytest.raises(st.ColumnError):
        awards.read_award_rows(path, maps=["Pay=nonsense"])
