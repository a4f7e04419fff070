"""The award tracking template: HR's log of recognition cash awards, checked against the scheme.

Sheets, in order: **How to use**; **Award log** (one row per payment to one employee:
yellow inputs, then grey columns that are each one formula over the 5,000 pre-sized
rows); **Monitoring** (equity of application for a period: awards by grade band,
part-time, front-line and directorate); **Lists** (grade bands, directorates, the
scheme's limits); **xlwings.conf**.

The calculated columns of the Award log (``""`` on rows without an employee id):

* ``log_row``: the row's number in the log, only on rows the check could judge
  (``ROW() - 4``); it orders awards made on the same day and marks the judged rows
  that the totals count;
* ``ineligible``: "Yes" when Teachers' terms or the capability procedure is "Yes",
  "No" when both are No or blank, else a text that KENT_AWARD_OK refuses (a data
  argument of a KENT_ function must be a plain range, so this helper column is what
  its ``ineligible`` argument reads);
* ``within_scheme`` / ``reason``: ``KENT_AWARD_OK`` over the whole log (TRUE/FALSE,
  and with ``explain`` the first rule broken in words);
* ``rolling_total_gbp``: the employee's judged awards dated after
  ``EDATE(date, -12)`` up to this one, same-date awards in row order (one SUMIFS
  over ``order_key``);
* ``team_total_gbp``: on team rows, every judged team row with the same work
  reference (one SUMIFS over ``team_amount_gbp``); the amount itself when the
  reference is blank;
* ``grade_band``: the grade looked up in the Lists sheet's grade table;
* ``order_key`` (hidden helper): ``INT(date) * 8192 + log_row`` on judged rows, so
  that "after EDATE(date, -12) and up to this row" is one range of numbers;
* ``team_amount_gbp`` (hidden helper): the amount on judged team rows.

The helpers are for speed. A SUMIFS over array criteria scans the whole log once per
criterion for every row (quadratic), and LibreOffice spends most of it on the cells a
criterion matches: the rolling total is one SUMIFS with three criteria (was two with
seven) and the team total one SUMIFS with one narrow criterion, the "judged team row"
test being carried by what it adds up (was three, two of them matching half the log).
A full log of 5,000 rows recalculates over twice as fast in LibreOffice (calculateAll
about 17 s before, 7 s after, on a 2-core machine).

:func:`model` computes every calculated cell of the workbook from the same input
rows: the KENT_ columns by calling :func:`udfs.KENT_AWARD_OK` over whole columns, as
Excel hands them over, and the ordinary formulas by replicating what Excel and
LibreOffice do (SUMIFS criteria: case-insensitive, ``*``/``?``/``~`` wildcards, text
never matching a number, only numbers summed). ``build(filled=True)`` writes the
model's values in place of the Award log formulas (``xl-kent fill awards``).

Examples
--------
>>> m = model(EXAMPLE_ROWS, default_settings(), data_rows=20)
>>> m.log["within_scheme"][:3], m.log["reason"][1]
([True, False, True], 'Over the £500 limit for one award')
>>> m.log["rolling_total_gbp"][2:6]
[450.0, 850.0, 1150.0, 950.0]
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from xlsxwriter.utility import xl_col_to_name

import udfs
from xl_kent import params
from xl_kent.awards import RULES
from xl_kent.files.reading import InputFileError, read_table
from xl_kent.lists import staff as st
from xl_kent_cli import awards as award_log

from . import common
from .common import DATA_ROWS, FIRST_ROW, HEADER_ROW, Col

__all__ = [
    "FILE_NAME", "EXAMPLE_AS_OF", "INPUT_COLUMNS", "CALC_COLUMNS", "EXAMPLE_ROWS", "AWARD_FIELDS",
    "AwardModel", "default_settings", "model", "build", "read_award_rows", "fill", "log_formulas",
    "conditional_rules",
]

FILE_NAME = "kent_award_tracking.xlsx"
EXAMPLE_AS_OF = dt.date(2026, 11, 23)  # the committed template's settings date (deterministic build)

LOG, MONITORING, LISTS = "Award log", "Monitoring", "Lists"


def _limit(name: str, on: dt.date | None = None) -> float:
    p = params.parameter("awards", name)
    return float(p.value_on(None if on is None or np.datetime64(on, "D") < p.first_date else on))


def _money(x: float) -> str:
    return f"£{x:,.0f}"


_MAX_AWARD, _MAX_TOTAL, _MONTHS = (_limit(n) for n in ("max_award_gbp", "max_rolling_total_gbp",
                                                        "rolling_period_months"))

# ---------------------------------------------------------------------------- columns
_YES_NO = common.yes_no_validation()
_ID_RULE = ('=AND(A5=TRIM(A5),ISERROR(FIND("*",A5)),ISERROR(FIND("?",A5)),ISERROR(FIND("~",A5)),'
            'ISERROR(FIND(LEFT(A5,1),"<>=")))')

INPUT_COLUMNS: tuple[Col, ...] = (
    Col("employee_id", "Employee ID", "text", 12,
        "Payroll number of the employee paid (required). One row per payment to one employee: a team award "
        "has one row per team member. Ids match ignoring case; no spaces at either end and no * ? ~ "
        "(they are wildcards in Excel's totals).",
        {"validate": "custom", "value": _ID_RULE,
         "error_message": "Type the payroll number as text, without spaces at either end and without * ? ~ "
                          "or a leading < > =."}),
    Col("name", "Name", "text", 20, "Employee's name (for you; not used in any check)."),
    Col("grade", "Grade", "text", 10,
        "Kent Scheme grade (KR Entry, Apprentice, KR3...): sets the grade band used on the Monitoring sheet.",
        {**common.grade_validation(),
         "error_message": "Not a Kent Scheme grade from the list: the row counts as 'Grade blank or not "
                          "listed' on Monitoring unless the grade is added to the Lists sheet."}),
    Col("part_time", "Part-time?", "flag", 9, "Yes if the employee works part-time (Monitoring).", _YES_NO),
    Col("directorate", "Directorate", "text", 24,
        "Directorate of the employee, from the list on the Lists sheet (Monitoring). Other text is kept "
        "(a warning) and counts as 'Not in the list'.",
        {"validate": "list", "source": "=Directorates", "error_type": "warning",
         "error_message": "Not a directorate from the Lists sheet: it will count as 'Not in the list'."}),
    Col("front_line", "Front-line?", "flag", 9,
        "Yes for front-line staff (optional): the scheme asks for emphasis on lower paid, part-time and "
        "front-line employees (Monitoring).", _YES_NO),
    Col("award_date", "Award date", "date", 11,
        f"Date of the award (required): fixes the {_MONTHS:.0f}-month window and the monitoring period.",
        common.date_validation("Type a date (dd/mm/yyyy) between 1900 and 2099.")),
    Col("amount_gbp", "Amount £", "gbp", 11,
        "Cash paid to this employee, in £ (required, above 0). For a team award: this member's share.",
        {"validate": "decimal", "criteria": ">", "value": 0,
         "error_message": "Type an amount in £ above 0."}),
    Col("kind", "Individual or team", "text", 11,
        "Individual or Team (blank = Individual). A team award is every Team row with the same work "
        "reference, and must be endorsed by a senior manager outside the team.",
        {"validate": "list", "source": ["Individual", "Team"],
         "error_message": "Choose Individual or Team (blank = Individual)."}),
    Col("work_ref", "Work reference", "text", 13,
        "Reference of the piece of work rewarded (business case or project). Team rows of one award share "
        "it; the same reference on a team and an individual row of one employee is the same work rewarded "
        "twice. Blank never matches another row."),
    Col("endorsed", "Team award endorsed?", "flag", 11,
        "Team awards: Yes when endorsed by a senior manager who is not part of the team.", _YES_NO),
    Col("teachers_terms", "Teachers' terms?", "flag", 10,
        "Yes if the employee is on Teachers' terms and conditions: the scheme does not apply to them.",
        _YES_NO),
    Col("capability_procedure", "Capability procedure?", "flag", 11,
        "Yes if the employee's performance is being reviewed under the performance and capability "
        "procedure: not eligible for a cash award.", _YES_NO),
)

CALC_COLUMNS: tuple[Col, ...] = (
    Col("log_row", "Log row (judged)", "int", 8,
        "The row's number in the log (1 = row 5), on rows the check could judge; blank on rows with an "
        f"error. Orders awards made on the same day for the {_MONTHS:.0f}-month total."),
    Col("ineligible", "Not eligible?", "flag", 9,
        "Yes when Teachers' terms or the capability procedure is Yes (read by the check). A cell that is "
        "neither Yes, No nor blank gives 'Check: not Yes/No', and the row #VALUE!."),
    Col("within_scheme", "Within the scheme?", "bool", 10,
        "KENT_AWARD_OK over the whole log: TRUE when the award is within the scheme, FALSE when not "
        "(the row turns red), an error when the row cannot be judged (amber)."),
    Col("reason", "Reason", "text", 62,
        "OK, or the first rule the award breaks, in words (KENT_AWARD_OK with explain TRUE)."),
    Col("rolling_total_gbp", f"Employee's awards in {_MONTHS:.0f} months £", "gbp", 13,
        f"The employee's judged awards dated after the same day {_MONTHS:.0f} months earlier, up to and "
        f"including this one (same-day awards in row order). Red above {_money(_MAX_TOTAL)}."),
    Col("team_total_gbp", "Team award total £", "gbp", 12,
        "Team rows: all judged team rows with this work reference together. Red above "
        f"{_money(_MAX_AWARD)}."),
    Col("grade_band", "Grade band", "text", 22,
        "The grade's band from the grade table on the Lists sheet (Monitoring)."),
    Col("order_key", "Order key (judged)", "int", 12,
        "Hidden helper for the 12-month total: the award date's serial number times 8192 plus the log row, "
        "on rows the check could judge. Its order is the date order, same-day awards in row order."),
    Col("team_amount_gbp", "Team row amount (judged)", "gbp", 12,
        "Hidden helper for the team award total: the amount on team rows the check could judge."),
)

_KEYS = [c.key for c in INPUT_COLUMNS + CALC_COLUMNS]
_COL = {k: j for j, k in enumerate(_KEYS)}
_KIND = {c.key: c.kind for c in INPUT_COLUMNS}
_TEXT_KEYS = {k for k, kind in _KIND.items() if kind in ("text", "flag")}
LAST_COL = len(_KEYS) - 1
HELPER_KEYS = ("order_key", "team_amount_gbp")  # hidden helper columns, the last ones
ORDER_SCALE = 8192  # order_key = INT(date) * ORDER_SCALE + log_row: exact in doubles and in "<="&key text
if DATA_ROWS >= ORDER_SCALE:
    raise AssertionError("the log rows must stay below ORDER_SCALE")

UNLISTED_GRADE = "Grade blank or not listed"
CHECK_YES_NO = "Check: not Yes/No"
SAME_WORK_TEXT = RULES[4]

# ---------------------------------------------------------------------------- lists
DEFAULT_BANDS = ("Apprentice", "KR Entry-KR6 (lower paid)", "KR7-KR9", "KR10-KR12", "KR13 and above")
BAND_SLOTS = 6
DIRECTORATE_SLOTS = 15
SPARE_GRADE_ROWS = 6
DEFAULT_DIRECTORATES = (
    "Adult Social Care and Health",
    "Children, Young People and Education",
    "Growth, Environment and Transport",
    "Chief Executive's Department",
    "Deputy Chief Executive's Department",
)


def _default_band(grade: str) -> str:
    if grade == "Apprentice":
        return DEFAULT_BANDS[0]
    if grade == "KR Entry":
        return DEFAULT_BANDS[1]
    k = int(grade[2:])
    for band, top in zip(DEFAULT_BANDS[1:], (6, 9, 12), strict=False):
        if k <= top:
            return band
    return DEFAULT_BANDS[-1]


def default_grade_bands() -> tuple[tuple[str, str], ...]:
    """(grade, band) for every grade of the grade drop-down.

    >>> dict(default_grade_bands())["KR6"], dict(default_grade_bands())["KR13"]
    ('KR Entry-KR6 (lower paid)', 'KR13 and above')
    """
    return tuple((g, _default_band(g)) for g in common.grade_choices())


def default_settings(as_of: dt.date | None = None) -> dict:
    """The workbook's settings: the monitoring period (the 12 months to ``as_of``), lists, headcounts.

    ``as_of`` None gives :data:`EXAMPLE_AS_OF` (the committed template).

    >>> s = default_settings(dt.date(2026, 3, 31))
    >>> s["period_start"], s["period_end"]
    (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    """
    as_of = as_of or EXAMPLE_AS_OF
    months = int(_limit("rolling_period_months", as_of))
    return {
        "as_of": as_of,
        "period_start": _edate(as_of, -months) + dt.timedelta(days=1),
        "period_end": as_of,
        "bands": DEFAULT_BANDS,
        "grade_bands": default_grade_bands(),
        "directorates": DEFAULT_DIRECTORATES,
        "headcounts": {},  # {(table, row label): staff in the group} -> awards per 100 staff
    }


def _edate(d: dt.date, months: int) -> dt.date:
    m = d.year * 12 + d.month - 1 + months
    y, mo = divmod(m, 12)
    first_next = dt.date(y + (mo == 11), (mo + 1) % 12 + 1, 1)
    return dt.date(y, mo + 1, min(d.day, (first_next - dt.timedelta(days=1)).day))


# ---------------------------------------------------------------------------- examples
def _ex(emp, name, grade, pt, dirn, fl, when, amount, kind=None, ref=None, endorsed=None, teacher=None,
        cap=None):
    return {"employee_id": emp, "name": name, "grade": grade, "part_time": pt, "directorate": dirn,
            "front_line": fl, "award_date": when, "amount_gbp": amount, "kind": kind, "work_ref": ref,
            "endorsed": endorsed, "teachers_terms": teacher, "capability_procedure": cap}


_D = dt.date
_ASCH, _CYPE, _GET, _CED, _DCED = DEFAULT_DIRECTORATES
EXAMPLE_ROWS: tuple[dict, ...] = (
    # within the scheme
    _ex("E1001", "Priya Shah", "KR6", "No", _ASCH, "Yes", _D(2026, 1, 15), 250.0, "Individual", "BC-101"),
    # one award over £500
    _ex("E1002", "Tom Baker", "KR9", "No", _GET, "No", _D(2026, 2, 3), 650.0, "Individual", "BC-102"),
    # four awards to one part-time employee: the third takes her over £1,000 in 12 months; the fourth is
    # within again (the first has left the 12-month window)
    _ex("E1003", "Amina Yusuf", "KR5", "Yes", _CYPE, "Yes", _D(2025, 3, 10), 450.0, "Individual", "BC-103"),
    _ex("E1003", "Amina Yusuf", "KR5", "Yes", _CYPE, "Yes", _D(2025, 9, 1), 400.0, "Individual", "BC-104"),
    _ex("E1003", "Amina Yusuf", "KR5", "Yes", _CYPE, "Yes", _D(2026, 2, 20), 300.0, "Individual", "BC-105"),
    _ex("E1003", "Amina Yusuf", "KR5", "Yes", _CYPE, "Yes", _D(2026, 6, 15), 250.0, "Individual", "BC-106"),
    # a team award, endorsed, £400 in all; one member also had an individual award for the same work
    _ex("E1004", "Gareth Jones", "KR8", "No", _DCED, "No", _D(2026, 4, 9), 200.0, "Team", "PRJ-201", "Yes"),
    _ex("E1005", "Lucy Chen", "Apprentice", "No", _DCED, "Yes", _D(2026, 4, 9), 200.0, "Team", "PRJ-201",
        "Yes"),
    _ex("E1004", "Gareth Jones", "KR8", "No", _DCED, "No", _D(2026, 5, 2), 100.0, "Individual", "PRJ-201"),
    # a team award of three, endorsed, £600 together: over £500
    _ex("E1006", "Sam Patel", "KR11", "No", _GET, "No", _D(2026, 7, 21), 200.0, "Team", "PRJ-202", "Yes"),
    _ex("E1007", "Ruth Okafor", "KR7", "Yes", _GET, "Yes", _D(2026, 7, 21), 200.0, "Team", "PRJ-202", "Yes"),
    _ex("E1008", "Dan Murphy", "KR14", "No", _GET, "No", _D(2026, 7, 21), 200.0, "Team", "PRJ-202", "Yes"),
    # a team award not endorsed by a senior manager outside the team
    _ex("E1009", "Kate Hughes", "KR4", "Yes", _ASCH, "Yes", _D(2026, 9, 30), 150.0, "Team", "PRJ-203", "No"),
    # not eligible: Teachers' terms; under the capability procedure
    _ex("E1010", "Mark Evans", "KR10", "No", _CYPE, "No", _D(2026, 10, 5), 200.0, "Individual", "BC-107",
        None, "Yes", "No"),
    _ex("E1011", "Jo Clarke", "KR3", "Yes", _CED, "No", _D(2026, 11, 2), 100.0, "Individual", "BC-108",
        None, "No", "Yes"),
)


# ---------------------------------------------------------------------------- cells as written
def _text_of(v: Any) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return str(int(f)) if f.is_integer() else repr(f)
    return str(v)


def _cell(key: str, v: Any) -> Any:
    """A row value as the template's input cell holds it.

    Text and Yes/No columns hold text (a number is written as its digits, TRUE/FALSE as
    Yes/No in a Yes/No column); dates become datetimes; blank is None. A TRUE/FALSE in
    the date or amount column is written as text (it is neither).
    """
    if v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and v == ""):
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if key in _TEXT_KEYS:
        if isinstance(v, bool) and _KIND[key] == "flag":
            return "Yes" if v else "No"
        return v if isinstance(v, str) else _text_of(v)
    if isinstance(v, bool):
        return _text_of(v)
    if isinstance(v, int):
        return float(v)
    return common.cell_value(v)


def _input_cells(rows: Sequence[dict], data_rows: int) -> dict[str, list]:
    if len(rows) > data_rows:
        raise ValueError(f"{len(rows)} rows do not fit the template's {data_rows} input rows")
    cols: dict[str, list] = {}
    for c in INPUT_COLUMNS:
        col = [_cell(c.key, r.get(c.key)) for r in rows]
        cols[c.key] = col + [None] * (data_rows - len(col))
    return cols


# ---------------------------------------------------------------------------- Excel semantics
_EPOCH = dt.datetime(1899, 12, 30)


def _serial(v: Any) -> float | None:
    """A cell's value as an Excel number (dates as serials), or None for text and blanks."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return None
    if isinstance(v, dt.datetime):
        return (v - _EPOCH).total_seconds() / 86400.0
    if isinstance(v, dt.date):
        return float((v - _EPOCH.date()).days)
    return float(v)


def _number(v: Any) -> float | None:
    """A cell's number as SUMIFS adds it (numbers only: text, TRUE/FALSE and blanks are skipped)."""
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _edate_serial(serial: float, months: int) -> float:
    """EDATE on a serial (its fraction dropped), as a serial."""
    d = _EPOCH.date() + dt.timedelta(days=math.floor(serial))
    return float((_edate(d, months) - _EPOCH.date()).days)


def _is_error(v: Any) -> bool:
    return isinstance(v, str) and v in _ERRORS


_ERRORS = frozenset(("#N/A", "#VALUE!", "#NUM!", "#DIV/0!", "#REF!", "#NAME?", "#NULL!"))


def _eq(cell: Any, text: str) -> bool:
    """Excel's ``cell = "text"``: case-insensitive; a blank cell equals ""; a number never equals text."""
    if cell is None:
        return text == ""
    return isinstance(cell, str) and cell.casefold() == text.casefold()


def _wildcard(crit: str) -> re.Pattern | None:
    """The regex of a criterion with ``*``/``?`` wildcards (``~`` escapes), or None without any."""
    if not any(ch in crit for ch in "*?~"):
        return None
    out, i = [], 0
    while i < len(crit):
        ch = crit[i]
        if ch == "~" and i + 1 < len(crit) and crit[i + 1] in "*?~":
            out.append(re.escape(crit[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _matcher(crit: str) -> Callable[[Any], bool]:
    """Which cells a SUMIFS/COUNTIFS text criterion (a cell's text) matches.

    Equality ignoring case, with wildcards; only text cells match a text criterion (a
    blank criterion matches blank cells). Criteria starting with ``=``, ``<>``, ``<``
    or ``>`` are operators: equality and inequality are replicated; the text order of
    ``<``/``>`` is the programs' collation and is only approximated here (the employee
    id validation refuses such ids).
    """
    for op in ("<>", "<=", ">=", "=", "<", ">"):
        if crit.startswith(op):
            rest = crit[len(op):]
            if op == "=":
                return _matcher(rest) if rest[:1] not in ("<", ">", "=") else _plain(rest)
            if op == "<>":
                inner = _matcher(rest)
                return lambda c: not inner(c)
            key = rest.casefold()
            cmp = {"<": str.__lt__, ">": str.__gt__, "<=": str.__le__, ">=": str.__ge__}[op]
            return lambda c: isinstance(c, str) and cmp(c.casefold(), key)
    return _plain(crit)


def _plain(crit: str) -> Callable[[Any], bool]:
    if crit == "":
        return lambda c: c is None or c == ""
    pattern = _wildcard(crit)
    if pattern is None:
        key = crit.casefold()
        return lambda c: isinstance(c, str) and c.casefold() == key
    return lambda c: isinstance(c, str) and pattern.fullmatch(c) is not None


def _has_special(crit: str) -> bool:
    return any(ch in crit for ch in "*?~") or crit[:1] in ("<", ">", "=") or crit == ""


# ---------------------------------------------------------------------------- the model
@dataclass
class AwardModel:
    """Every calculated cell of the workbook, as the template computes it.

    ``log``: Award log column key -> one value per pre-sized row (``""`` blank, error
    strings such as ``"#VALUE!"``, bools in ``within_scheme``, floats).
    ``monitoring``: ``(table, row label, column key)`` -> value of each Monitoring formula cell;
    ``cells``: the same keys -> the cell's A1 reference on the Monitoring sheet.
    Tables: ``"summary"`` (column ``"value"``), ``"band"``, ``"part_time"``,
    ``"front_line"``, ``"directorate"``; an empty list slot's row label is ``"(empty slot k)"``.
    """

    log: dict[str, list]
    monitoring: dict[tuple[str, str, str], Any]
    cells: dict[tuple[str, str, str], str] = field(default_factory=dict)
    inputs: dict[str, list] = field(default_factory=dict, repr=False)


def model(rows: Sequence[dict], settings: dict, data_rows: int = DATA_ROWS) -> AwardModel:
    """Compute every calculated cell of the workbook for these input rows and settings."""
    cells = _input_cells(rows, data_rows)
    log = _log_columns(cells, settings, data_rows)
    mon, refs = _monitoring(cells, log, settings)
    return AwardModel(log, mon, refs, cells)


def _col(values: Sequence[Any]) -> list[list[Any]]:
    return [[v] for v in values]


def _log_columns(c: dict[str, list], settings: dict, n: int) -> dict[str, list]:
    ids = c["employee_id"]
    blank_id = [_eq(v, "") for v in ids]

    # Not eligible? (Yes/No helper read by KENT_AWARD_OK)
    inel = []
    for i in range(n):
        t, p = c["teachers_terms"][i], c["capability_procedure"][i]
        if blank_id[i]:
            inel.append("")
        elif _eq(t, "Yes") or _eq(p, "Yes"):
            inel.append("Yes")
        elif (_eq(t, "") or _eq(t, "No")) and (_eq(p, "") or _eq(p, "No")):
            inel.append("No")
        else:
            inel.append(CHECK_YES_NO)

    args = [_col(c[k]) for k in ("employee_id", "award_date", "amount_gbp", "kind", "work_ref", "endorsed")]
    args.append(_col(inel))
    ok = [r[0] for r in udfs.KENT_AWARD_OK(*args)]
    why = [r[0] for r in udfs.KENT_AWARD_OK(*args, explain=True)]

    judged = [isinstance(v, bool) for v in ok]
    log_row: list[Any] = [float(i + 1) if judged[i] else "" for i in range(n)]

    def not_judged(i: int) -> Any:
        return ok[i] if _is_error(ok[i]) else "#N/A"

    amount = [_number(v) for v in c["amount_gbp"]]
    when = [_serial(v) for v in c["award_date"]]
    months = int(_limit("rolling_period_months", settings.get("as_of")))
    judged_rows = [i for i in range(n) if judged[i]]

    # Order key: INT(date) * ORDER_SCALE + log row on judged rows.
    key: list[Any] = [math.floor(when[i]) * ORDER_SCALE + log_row[i] if judged[i] else "" for i in range(n)]

    # Employee's rolling total: SUMIFS(amount, id, id, key, ">="&(EDATE(date, -months) + 1) * ORDER_SCALE,
    # key, "<="&key); candidates are judged rows whose id matches the row's id as a criterion.
    by_id: dict[str, list[int]] = {}
    for j in judged_rows:
        if isinstance(ids[j], str):
            by_id.setdefault(ids[j].casefold(), []).append(j)
    rolling: list[Any] = [""] * n
    for i in range(n):
        if blank_id[i]:
            continue
        if not judged[i]:
            rolling[i] = not_judged(i)
            continue
        crit = ids[i]
        if _has_special(crit):
            match = _matcher(crit)
            cand = [j for j in judged_rows if match(ids[j])]
        else:
            cand = by_id.get(crit.casefold(), [])
        lo, hi = (_edate_serial(when[i], -months) + 1) * ORDER_SCALE, key[i]
        rolling[i] = sum((amount[j] for j in cand if lo <= key[j] <= hi), 0.0)  # row order, as SUMIFS adds

    # Team total: judged team rows with the same work reference.
    kinds, refs = c["kind"], c["work_ref"]
    team_rows = [j for j in judged_rows if _eq(kinds[j], "team")]
    team_amount: list[Any] = [""] * n  # judged team rows' amounts: what SUMIFS adds
    for j in team_rows:
        team_amount[j] = amount[j]
    team: list[Any] = [""] * n
    for i in range(n):
        if blank_id[i]:
            continue
        if not judged[i]:
            team[i] = not_judged(i)
        elif _eq(kinds[i], "team"):
            if _eq(refs[i], ""):
                team[i] = amount[i]
            else:
                match = _matcher(refs[i])
                team[i] = sum((team_amount[j] for j in team_rows if match(refs[j])), 0.0)

    # Grade band: VLOOKUP(grade, GradeBands, 2, FALSE) & "" (first match, wildcards, no case).
    table = _grade_table(settings)
    band: list[Any] = [""] * n
    for i in range(n):
        if blank_id[i]:
            continue
        grade = c["grade"][i]
        found = ""
        if not _eq(grade, ""):
            found = _vlookup_text(grade, table)
        band[i] = found if found else UNLISTED_GRADE

    return {"log_row": log_row, "ineligible": inel, "within_scheme": ok, "reason": why,
            "rolling_total_gbp": rolling, "team_total_gbp": team, "grade_band": band, "order_key": key,
            "team_amount_gbp": team_amount}


def _grade_table(settings: dict) -> list[tuple[str | None, str | None]]:
    pairs = [(g or None, b or None) for g, b in settings["grade_bands"]]
    return pairs + [(None, None)] * (_grade_slots(settings) - len(pairs))


def _grade_slots(settings: dict) -> int:
    return len(settings["grade_bands"]) + SPARE_GRADE_ROWS


def _vlookup_text(value: Any, table: list[tuple[Any, Any]]) -> str:
    """``IFERROR(VLOOKUP(value, table, 2, FALSE) & "", "")`` for a lookup value from a text cell."""
    if not isinstance(value, str):
        return ""
    match = _plain(value)
    for key, result in table:
        if key is not None and match(key):
            return "" if result is None else _text_of(result)
    return ""


# ---------------------------------------------------------------------------- Monitoring
_MON_HEADERS = (
    ("label", "Group", 34), ("headcount", "Headcount in group (optional)", 12), ("count", "Awards", 10),
    ("total_gbp", "Total £", 12), ("average_gbp", "Average £", 11), ("share_count", "% of awards", 10),
    ("share_gbp", "% of £", 10), ("outside", "Outside the scheme", 10),
    ("per_100", "Awards per 100 staff", 11),
)
_MON_COL = {k: j for j, (k, _, _) in enumerate(_MON_HEADERS)}
_MON_KIND = {"count": "int", "total_gbp": "gbp", "average_gbp": "gbp", "share_count": "pct",
             "share_gbp": "pct",
             "outside": "int", "per_100": "number", "headcount": "int"}
_SUMMARY = (
    ("period_check", "Period check"),
    ("judged", "Awards in the log that could be judged"),
    ("not_judged", "Rows that could not be judged (amber on the Award log; counted nowhere here)"),
    ("count", "Awards in the period"),
    ("total_gbp", "Total £ in the period"),
    ("outside", "Awards in the period outside the scheme"),
)
_PERIOD_ROW = 4  # Excel rows of From / To
_SUMMARY_ROW = 6
ALL_LABEL = "All awards in the period"


@dataclass
class _Table:
    key: str
    title: str
    rows: list[tuple[str, str, Any]]  # (row label key, kind, spec): kind "slot", "fixed", "rest", "all"
    first: int = 0  # Excel row of the first group row


def _tables(settings: dict) -> list[_Table]:
    bands = list(settings["bands"])
    if len(bands) > BAND_SLOTS:
        raise ValueError(f"at most {BAND_SLOTS} grade bands")
    dirs = list(settings["directorates"])
    if len(dirs) > DIRECTORATE_SLOTS:
        raise ValueError(f"at most {DIRECTORATE_SLOTS} directorates")
    band_rows = [(_slot_label(b, k), "slot", ("band", k))
                 for k, b in enumerate(bands + [""] * (BAND_SLOTS - len(bands)))]
    dir_rows = [(_slot_label(d, k), "slot", ("directorate", k))
                for k, d in enumerate(dirs + [""] * (DIRECTORATE_SLOTS - len(dirs)))]
    tables = [
        _Table("band", "By grade band (bands and grades on the Lists sheet)",
               band_rows + [(UNLISTED_GRADE, "rest", None), (ALL_LABEL, "all", None)]),
        _Table("part_time", "Part-time and full-time",
               [("Part-time", "fixed", ("part_time", "Yes")), ("Full-time", "fixed", ("part_time", "No")),
                ("Not recorded", "rest", None), (ALL_LABEL, "all", None)]),
        _Table("front_line", "Front-line staff",
               [("Front-line", "fixed", ("front_line", "Yes")),
                ("Not front-line", "fixed", ("front_line", "No")),
                ("Not recorded", "rest", None), (ALL_LABEL, "all", None)]),
        _Table("directorate", "By directorate (the list on the Lists sheet)",
               dir_rows + [("Not in the list (or blank)", "rest", None), (ALL_LABEL, "all", None)]),
    ]
    r = _SUMMARY_ROW + len(_SUMMARY) + 2
    for t in tables:
        t.first = r + 2  # title, header, then the rows
        r = t.first + len(t.rows) + 1
    return tables


def _slot_label(text: str, k: int) -> str:
    return text if text else f"(empty slot {k + 1})"


def _monitoring(c: dict[str, list], log: dict[str, list], settings: dict):
    n = len(c["employee_id"])
    start, end = settings["period_start"], settings["period_end"]
    lo, hi = _serial(start), _serial(end)
    rolling = log["rolling_total_gbp"]
    when = [_serial(v) for v in c["award_date"]]
    amount = [_number(v) for v in c["amount_gbp"]]
    counted = [i for i in range(n) if isinstance(rolling[i], float) and when[i] is not None
               and lo <= when[i] <= hi]
    is_out = {i: log["within_scheme"][i] is False for i in counted}

    def stats(rows: list[int]) -> tuple[float, float, float]:
        return float(len(rows)), sum((amount[i] for i in rows if amount[i] is not None), 0.0), \
            float(sum(is_out[i] for i in rows))

    mon: dict[tuple[str, str, str], Any] = {}
    refs: dict[tuple[str, str, str], str] = {}
    all_count, all_total, all_out = stats(counted)
    col_b = xl_col_to_name(1)
    summary_values = {
        "period_check": "OK" if lo is not None and hi is not None and lo <= hi
        else "Enter two dates: From on or before To",
        "judged": float(sum(isinstance(v, float) for v in rolling)),
        "not_judged": float(sum(_is_error(v) for v in log["within_scheme"])),
        "count": all_count, "total_gbp": all_total, "outside": all_out,
    }
    for k, (key, label) in enumerate(_SUMMARY):
        mon[("summary", label, "value")] = summary_values[key]
        refs[("summary", label, "value")] = f"{col_b}{_SUMMARY_ROW + k}"

    source = {"band": log["grade_band"], "directorate": c["directorate"], "part_time": c["part_time"],
              "front_line": c["front_line"]}
    headcounts = settings.get("headcounts") or {}
    for t in _tables(settings):
        values: dict[str, tuple[float, float, float] | None] = {}
        for label, kind, spec in t.rows:
            if kind in ("slot", "fixed"):
                column, what = spec
                text = _slot_text(settings, column, what) if kind == "slot" else what
                if kind == "slot":
                    mon[(t.key, label, "label")] = text
                if text == "":
                    values[label] = None
                    continue
                match = _matcher(text)
                values[label] = stats([i for i in counted if match(source[column][i])])
            elif kind == "all":
                values[label] = (all_count, all_total, all_out)
        groups = [v for (label, kind, _) in t.rows
                  if kind in ("slot", "fixed") and (v := values[label]) is not None]
        for label, kind, _ in t.rows:
            if kind == "rest":
                values[label] = tuple(a - sum(g[m] for g in groups) for m, a in
                                      enumerate((all_count, all_total, all_out)))
        for r, (label, _kind, _) in enumerate(t.rows):
            row = t.first + r
            v = values[label]
            cells = _row_values(v, headcounts.get((t.key, label)), all_count, all_total)
            for key, value in cells.items():
                mon[(t.key, label, key)] = value
            for key in ("label", *cells):
                if (t.key, label, key) in mon:
                    refs[(t.key, label, key)] = f"{xl_col_to_name(_MON_COL[key])}{row}"
    return mon, refs


def _slot_text(settings: dict, column: str, k: int) -> str:
    items = list(settings["bands"] if column == "band" else settings["directorates"])
    return items[k] if k < len(items) else ""


def _row_values(v, headcount, all_count: float, all_total: float) -> dict[str, Any]:
    if v is None:
        return dict.fromkeys(("count", "total_gbp", "average_gbp", "share_count", "share_gbp", "outside",
                              "per_100"), "")
    count, total, out = v
    per_100: Any = ""
    if isinstance(headcount, (int, float)) and not isinstance(headcount, bool) and headcount > 0:
        per_100 = count / headcount * 100
    return {
        "count": count, "total_gbp": total,
        "average_gbp": "" if count == 0 else total / count,
        "share_count": "" if all_count == 0 else count / all_count,
        "share_gbp": "" if all_total == 0 else total / all_total,
        "outside": out, "per_100": per_100,
    }


# ---------------------------------------------------------------------------- formulas
def _rng(key: str, rows: int = DATA_ROWS) -> str:
    return common.col_range(_COL[key], rows)


def log_formulas(rows: int = DATA_ROWS) -> dict[str, str]:
    """The Award log's calculated columns: one formula each over the pre-sized rows.

    >>> log_formulas()["within_scheme"][:58]
    '=KENT_AWARD_OK($A$5:$A$5004,$G$5:$G$5004,$H$5:$H$5004,$I$5'
    """
    r = {k: _rng(k, rows) for k in _KEYS}
    ids, grade, when, amount, kind, ref = (r[k] for k in ("employee_id", "grade", "award_date", "amount_gbp",
                                                          "kind", "work_ref"))
    teach, cap, row, ok = r["teachers_terms"], r["capability_procedure"], r["log_row"], r["within_scheme"]
    key, S = r["order_key"], ORDER_SCALE
    kent = f"KENT_AWARD_OK({ids},{when},{amount},{kind},{ref},{r['endorsed']},{r['ineligible']}"
    not_judged = f"IF(ISERROR({ok}),{ok},NA())"
    lookup = f"VLOOKUP({grade},GradeBands,2,FALSE)&\"\""
    return {
        "log_row": f'=IF(ISNUMBER({ok})+ISLOGICAL({ok}),ROW({ids})-{FIRST_ROW - 1},"")',
        "ineligible": (f'=IF({ids}="","",IF(({teach}="Yes")+({cap}="Yes"),"Yes",'
                       f'IF((({teach}="")+({teach}="No"))*(({cap}="")+({cap}="No")),'
                       f'"No","{CHECK_YES_NO}")))'),
        "within_scheme": f"={kent})",
        "reason": f"={kent},TRUE)",
        "rolling_total_gbp": (f'=IF({ids}="","",IF({row}="",{not_judged},'
                              f'SUMIFS({amount},{ids},{ids},{key},">="&(EDATE({when}+0,-RollingMonths)+1)*{S},'
                              f'{key},"<="&{key})))'),
        "team_total_gbp": (f'=IF({ids}="","",IF({row}="",{not_judged},IF({kind}="team",'
                           f'IF({ref}="",{amount},SUMIFS({r["team_amount_gbp"]},{ref},{ref})),"")))'),
        "grade_band": (f'=IF({ids}="","",IF({grade}="","{UNLISTED_GRADE}",'
                       f'IF(IFERROR({lookup},"")="","{UNLISTED_GRADE}",{lookup})))'),
        "order_key": f'=IF({row}="","",INT({when})*{S}+{row})',
        "team_amount_gbp": f'=IF({row}="","",IF({kind}="team",{amount},""))',
    }


# Names of whole Award log columns, used by the Monitoring formulas.
_LOG_NAMES = {"AwardDate": "award_date", "AwardAmount": "amount_gbp", "AwardPartTime": "part_time",
              "AwardFrontLine": "front_line", "AwardDirectorate": "directorate",
              "AwardCheck": "within_scheme",
              "AwardRollingTotal": "rolling_total_gbp", "AwardGradeBand": "grade_band"}
_IN_PERIOD = 'AwardRollingTotal,"<9.99E+307",AwardDate,">="&PeriodFrom,AwardDate,"<="&PeriodTo'
_GROUP_COLUMN = {"band": "AwardGradeBand", "directorate": "AwardDirectorate", "part_time": "AwardPartTime",
                 "front_line": "AwardFrontLine"}
_CHECK_MESSAGE = "Enter two dates: From on or before To"


def _summary_formulas() -> dict[str, str]:
    return {
        "period_check": (f'=IF(AND(ISNUMBER(PeriodFrom),ISNUMBER(PeriodTo)),IF(PeriodFrom<=PeriodTo,"OK",'
                         f'"{_CHECK_MESSAGE}"),"{_CHECK_MESSAGE}")'),
        "judged": "=COUNT(AwardRollingTotal)",
        "not_judged": "=SUMPRODUCT(ISERROR(AwardCheck)*1)",
        "count": f"=COUNTIFS({_IN_PERIOD})",
        "total_gbp": f"=SUMIFS(AwardAmount,{_IN_PERIOD})",
        "outside": f"=COUNTIFS({_IN_PERIOD},AwardCheck,FALSE)",
    }


def _row_formulas(t: _Table, r: int, kind: str, spec, label_ref: str) -> dict[str, str]:
    """The formulas of one group row of a Monitoring table (Excel row ``r``)."""
    all_row = t.first + len(t.rows) - 1
    first, last = t.first, t.first + sum(k in ("slot", "fixed") for _, k, _ in t.rows) - 1
    f: dict[str, str] = {}
    if kind == "all":
        f["count"] = f"=COUNTIFS({_IN_PERIOD})"
        f["total_gbp"] = f"=SUMIFS(AwardAmount,{_IN_PERIOD})"
        f["outside"] = f"=COUNTIFS({_IN_PERIOD},AwardCheck,FALSE)"
    elif kind == "rest":
        for key in ("count", "total_gbp", "outside"):
            x = xl_col_to_name(_MON_COL[key])
            f[key] = f"={x}{all_row}-SUM({x}{first}:{x}{last})"
    else:
        crit = label_ref if kind == "slot" else f'"{spec[1]}"'
        group = f"{_GROUP_COLUMN[spec[0]]},{crit}"
        f["count"] = f"=COUNTIFS({_IN_PERIOD},{group})"
        f["total_gbp"] = f"=SUMIFS(AwardAmount,{_IN_PERIOD},{group})"
        f["outside"] = f"=COUNTIFS({_IN_PERIOD},{group},AwardCheck,FALSE)"
        if kind == "slot":
            f = {k: f'=IF({label_ref}="","",{v[1:]})' for k, v in f.items()}
    C, D, B = (f"{xl_col_to_name(_MON_COL[k])}{r}" for k in ("count", "total_gbp", "headcount"))
    c_all, d_all = (f"${xl_col_to_name(_MON_COL[k])}${all_row}" for k in ("count", "total_gbp"))
    f["average_gbp"] = f'=IF(N({C})=0,"",{D}/{C})'
    f["share_count"] = f'=IF(OR({C}="",N({c_all})=0),"",{C}/{c_all})'
    f["share_gbp"] = f'=IF(OR({D}="",N({d_all})=0),"",{D}/{d_all})'
    f["per_100"] = f'=IF(AND(ISNUMBER({B}),{C}<>""),IF({B}>0,{C}/{B}*100,""),"")'
    return f


# ---------------------------------------------------------------------------- the workbook
def _how_to(settings: dict) -> common.HowTo:
    award, total, months = _money(_MAX_AWARD), _money(_MAX_TOTAL), f"{_MONTHS:.0f}"
    return common.HowTo(
        title="Kent County Council: recognition cash award tracking",
        purpose="Log every cash award, see at once whether it is within the cash award scheme, and monitor "
                "how fairly awards reach lower paid, part-time and front-line staff.",
        sheets=[
            (LOG, "One row per payment to one employee (a team award has a row per member). Yellow columns "
                  "are "
                  "yours; the grey columns check each award against the whole log: Within the scheme? "
                  "(TRUE/FALSE), the Reason in words, the employee's awards in the last "
                  f"{months} months, the team award's total and the grade band. A red row is outside the "
                  "scheme (the cell that breaks a rule is darker); an amber row could not be checked."),
            (MONITORING, "Equity of application for a period you choose (From/To): awards, £, average, share "
                         "of all awards and awards outside the scheme by grade band, part-time, front-line "
                         "and "
                         "directorate; type a headcount beside a group for awards per 100 staff. A chart "
                         "shows £ and awards by grade band."),
            (LISTS, "The grade table (which band each grade is in: yellow cells can be changed), the band "
                    "names, the directorates offered on the Award log, and the scheme's limits."),
            ("xlwings.conf", "Settings for the classic xlwings add-in (Windows): leave as it is."),
        ],
        steps=[
            "Before an award is made, add a row on the Award log: employee ID, name, grade, part-time, "
            "directorate, front-line, award date, amount, Individual or Team, work reference (the business "
            "case or project), and for a team award whether a senior manager outside the team endorsed it. "
            "Mark Teachers' terms or the capability procedure with Yes.",
            "For a team award, add one row per team member with his or her share, all with the same work "
            "reference and Team.",
            "Read Within the scheme? and Reason. OK means within the scheme. Otherwise the Reason names the "
            f"first rule broken: over {award} for one award (a team award counts all its members' rows "
            f"together), over {total} for one employee in {months} months, the same work rewarded twice "
            "(a team and an individual award for one work reference), a team award not endorsed, or not "
            "eligible. Exceptionally an amount above the limits goes to a senior manager, as the scheme "
            "says.",
            "An amber row could not be checked: the Reason says why (for example the amount is text, the "
            "date is blank, Individual or Team is misspelt). Correct the yellow cell.",
            "Each month (or quarter), open Monitoring, set the period From and To, and compare the groups: "
            "the scheme asks for emphasis on lower paid, part-time and front-line employees. Type the "
            "headcount of each group to see awards per 100 staff.",
            "Colleagues without the add-in: `xl-kent fill awards --log LOG.xlsx -o checked.xlsx` writes this "
            "workbook filled in, with every check as a value.",
        ],
        functions=["KENT_AWARD_OK"],
        notes=[
            ("Scheme limits", f"{award} an award; {total} per employee in any {months} months (from "
                              "xl_kent/parameters/awards.toml; shown on the Lists sheet)."),
            ("Rolling total", f"Awards dated after the same day {months} months earlier, up to and including "
                              "this award; awards on the same day are counted in row order. Every judged "
                              "award "
                              "counts, within the scheme or not. Rows that cannot be judged count nowhere."),
            ("Same work twice", "An employee with a Team row and an Individual row for the same work "
                                "reference: both rows are outside the scheme."),
            ("Not eligible?", "Yes when Teachers' terms or the capability procedure is Yes. Any other text "
                              f"there gives '{CHECK_YES_NO}' and the row #VALUE! (nothing is guessed)."),
            ("Employee ID", "Compared ignoring case by both the check and the totals. Keep ids free of "
                            "spaces at either end and of * ? ~ (wildcards in Excel's SUMIFS); the cell "
                            "refuses them when typed."),
            ("Monitoring counts", "Only awards the check could judge (TRUE or FALSE) count, by award date in "
                                  "the period; 'Outside the scheme' counts the FALSE ones. Rows that could "
                                  "not be judged are counted once, at the top."),
            ("Grade bands", "Lower paid = KR Entry to KR6; apprentices are a band of their own. Change a "
                            "grade's band, or add a grade (KR21 and above) in the yellow rows of the Lists "
                            "grade table; a grade not in the table counts as 'Grade blank or not listed'."),
            ("Directorates", "The Lists directorates are examples: rename or add up to "
                             f"{DIRECTORATE_SLOTS}; each name once. A directorate typed on the log that is "
                             "not "
                             "in the list counts as 'Not in the list'."),
        ],
    )


def build(target, rows: Sequence[dict] | None = None, settings: dict | None = None, *,
          filled: bool = False) -> None:
    """Write the award tracking workbook to ``target`` (a path or a binary file object).

    ``rows`` None gives :data:`EXAMPLE_ROWS`, ``settings`` None :func:`default_settings`.
    ``filled=False`` writes the template's formulas; ``filled=True`` writes the Award log's
    calculated columns as the model's values (no KENT_ formula; Monitoring keeps its formulas).
    """
    rows = EXAMPLE_ROWS if rows is None else rows
    settings = default_settings() if settings is None else settings
    _build(target, rows, settings, filled, model(rows, settings))


def _build(target, rows: Sequence[dict], settings: dict, filled: bool, m: AwardModel) -> None:
    wb, styles = common.new_workbook(target, "Recognition cash award tracking",
                                     "Kent County Council cash award scheme: award log and monitoring")
    common.add_how_to_sheet(wb, styles, _how_to(settings))
    _log_sheet(wb, styles, rows, m, filled)
    _monitoring_sheet(wb, styles, settings, m)
    _lists_sheet(wb, styles, settings)
    common.add_xlwings_conf_sheet(wb, styles)
    _names(wb, settings)
    wb.close()


def _names(wb, settings: dict) -> None:
    lists = common.quote_sheet(LISTS)
    slots = _grade_slots(settings)
    wb.define_name("GradeBands", f"={lists}!$A${FIRST_ROW}:$B${FIRST_ROW + slots - 1}")
    wb.define_name("Bands", f"={lists}!$D${FIRST_ROW}:$D${FIRST_ROW + BAND_SLOTS - 1}")
    wb.define_name("Directorates", f"={lists}!$F${FIRST_ROW}:$F${FIRST_ROW + DIRECTORATE_SLOTS - 1}")
    for k, name in enumerate(("MaxAward", "MaxRollingTotal", "RollingMonths")):
        wb.define_name(name, f"={lists}!$I${FIRST_ROW + k}")
    mon = common.quote_sheet(MONITORING)
    wb.define_name("PeriodFrom", f"={mon}!$B${_PERIOD_ROW}")
    wb.define_name("PeriodTo", f"={mon}!$B${_PERIOD_ROW + 1}")
    for name, key in _LOG_NAMES.items():
        wb.define_name(name, f"={common.quote_sheet(LOG)}!{_rng(key)}")


def _log_sheet(wb, styles: common.Styles, rows: Sequence[dict], m: AwardModel, filled: bool) -> None:
    ws = wb.add_worksheet(LOG)
    common.write_title(ws, styles, "Recognition cash award log",
                       "One row per payment to one employee (yellow). The grey columns check each award "
                       "against the whole log; red = outside the scheme, amber = could not be checked.")
    ws.write_string(2, 0, f"Limits: {_money(_MAX_AWARD)} an award (a team award: all its rows together); "
                          f"{_money(_MAX_TOTAL)} per employee in {_MONTHS:.0f} months. Not for Teachers' "
                          "terms or "
                          "staff under the capability procedure; the same work is not rewarded twice; team "
                          "awards need a senior manager's endorsement.", styles.note)
    data = [[m.inputs[c.key][i] for c in INPUT_COLUMNS] for i in range(len(rows))]
    common.write_inputs(ws, styles, INPUT_COLUMNS, 0, data)
    common.write_headers(ws, styles, CALC_COLUMNS, len(INPUT_COLUMNS), inputs=False)
    formulas = log_formulas()
    for c in CALC_COLUMNS:
        values = m.log[c.key] if filled else None
        common.write_calc_column(ws, styles, _COL[c.key], c, formulas[c.key], values)
    for key in HELPER_KEYS:  # hidden helpers of the totals
        ws.set_column(_COL[key], _COL[key], CALC_COLUMNS[_COL[key] - len(INPUT_COLUMNS)].width, None,
                      {"hidden": True})
    _conditional_formats(wb, ws, styles)
    last = FIRST_ROW + DATA_ROWS - 2  # 0-based index of the last data row
    ws.autofilter(HEADER_ROW - 1, 0, last, LAST_COL)
    ws.freeze_panes(HEADER_ROW, 2)
    common.setup_print(ws, LAST_COL, last, landscape=True, header_rows=f"{HEADER_ROW}:{HEADER_ROW}",
                       title="Recognition cash award log")
    common.protect(ws)


def conditional_rules() -> list[tuple[str, str]]:
    """The Award log's conditional formats, by priority: (range, formula).

    The first seven mark the cell that breaks a rule (darker red); then the whole row
    amber when it could not be judged, pale red when it is outside the scheme.
    """
    def cell(key: str) -> str:
        return f"${xl_col_to_name(_COL[key])}{FIRST_ROW}"

    def column(key: str) -> str:
        x = xl_col_to_name(_COL[key])
        return f"{x}{FIRST_ROW}:{x}{FIRST_ROW + DATA_ROWS - 1}"

    c = {k: cell(k) for k in _KEYS}
    amount, kind, ok = c["amount_gbp"], c["kind"], c["within_scheme"]
    team_total, rolling = c["team_total_gbp"], c["rolling_total_gbp"]
    row = f"A{FIRST_ROW}:{xl_col_to_name(LAST_COL)}{FIRST_ROW + DATA_ROWS - 1}"
    return [
        (column("amount_gbp"), f'=AND(ISNUMBER({amount}),{kind}<>"team",{amount}>MaxAward)'),
        (column("team_total_gbp"), f"=AND(ISNUMBER({team_total}),{team_total}>MaxAward)"),
        (column("rolling_total_gbp"), f"=AND(ISNUMBER({rolling}),{rolling}>MaxRollingTotal)"),
        (column("endorsed"), f'=AND({kind}="team",{c["endorsed"]}<>"Yes")'),
        (column("teachers_terms"), f'={c["teachers_terms"]}="Yes"'),
        (column("capability_procedure"), f'={c["capability_procedure"]}="Yes"'),
        # &"": LibreOffice compares the add-in's text with = only once it is a new string
        (column("work_ref"), f'={c["reason"]}&""="{SAME_WORK_TEXT}"'),
        (row, f"=ISERROR({ok})"),
        # not =$P5=FALSE: LibreOffice (TRUE/FALSE as 1/0) saves that as =$P5=0, which Excel never
        # matches for a FALSE. No TRUE/FALSE constant here: 0 and FALSE both count, "" and errors not.
        (row, f"=IF(ISLOGICAL({ok})+ISNUMBER({ok}),NOT({ok}))"),
    ]


def _conditional_formats(wb, ws, styles: common.Styles) -> None:
    breach = wb.add_format({"bg_color": "#FF7C80", "font_color": "#9C0006", "bold": True})
    rules = conditional_rules()
    formats = [breach] * (len(rules) - 2) + [styles.warn, styles.bad]
    for (cells, formula), fmt in zip(rules, formats, strict=True):
        ws.conditional_format(cells, {"type": "formula", "criteria": formula, "format": fmt})


def _monitoring_sheet(wb, styles: common.Styles, settings: dict, m: AwardModel) -> None:
    ws = wb.add_worksheet(MONITORING)
    common.write_title(ws, styles, "Monitoring: equity of application",
                       "Awards the check could judge, by award date in the period below. The scheme asks for "
                       "particular emphasis on lower paid, part-time and front-line employees.")
    for j, (_, _, width) in enumerate(_MON_HEADERS):
        ws.set_column(j, j, width)
    date_rule = common.date_validation("Type a date (dd/mm/yyyy).")
    for k, (label, key) in enumerate((("Period from", "period_start"), ("Period to", "period_end"))):
        r = _PERIOD_ROW - 1 + k
        ws.write_string(r, 0, label, styles.bold)
        ws.write_datetime(r, 1, common.cell_value(settings[key]), styles.input("date"))
        ws.data_validation(r, 1, r, 1, {"input_title": label, "input_message": "First and last award dates "
                                        "counted (both included).", "error_title": label, **date_rule})
    ws.write_string(_PERIOD_ROW - 1, 2, f"Default: the {_MONTHS:.0f} months to "
                                        f"{settings['as_of']:%d/%m/%Y}. Type other dates for another period.",
                    styles.note)
    formulas = _summary_formulas()
    kinds = {"period_check": "text", "total_gbp": "gbp"}
    for k, (key, label) in enumerate(_SUMMARY):
        r = _SUMMARY_ROW - 1 + k
        ws.write_string(r, 0, label, styles.bold)
        ws.write_formula(r, 1, formulas[key], styles.calc(kinds.get(key, "int")),
                         m.monitoring[("summary", label, "value")])
    lists = common.quote_sheet(LISTS)
    headcount_rule = common.number_validation(1, 10_000_000, "Type the number of staff in the group "
                                              "(a whole number above 0).", whole=True)
    for t in _tables(settings):
        ws.write_string(t.first - 3, 0, t.title, styles.subtitle)
        for j, (key, header, _) in enumerate(_MON_HEADERS):
            style = styles.header_input if key == "headcount" else styles.header
            ws.write_string(t.first - 2, j, header, style)
        ws.set_row(t.first - 2, 40)
        for i, (label, kind, spec) in enumerate(t.rows):
            r = t.first + i
            label_ref = f"$A{r}"
            if kind == "slot":
                column, k = spec
                src = f"{lists}!${'D' if column == 'band' else 'F'}${FIRST_ROW + k}"
                ws.write_formula(r - 1, 0, f'=IF({src}="","",{src})', styles.calc("text"),
                                 m.monitoring[(t.key, label, "label")])
            else:
                ws.write_string(r - 1, 0, label, styles.plain("text", bold=kind == "all"))
            headcount = (settings.get("headcounts") or {}).get((t.key, label))
            fmt = styles.input("int")
            if headcount is None:
                ws.write_blank(r - 1, 1, None, fmt)
            else:
                ws.write_number(r - 1, 1, float(headcount), fmt)
            ws.data_validation(r - 1, 1, r - 1, 1, {
                "input_title": "Headcount in group",
                "input_message": "Staff in this group (optional): gives awards per 100 staff.",
                "error_title": "Headcount", **headcount_rule})
            for key, formula in _row_formulas(t, r, kind, spec, label_ref).items():
                fmt = styles.calc(_MON_KIND[key], bold=kind == "all")
                ws.write_formula(r - 1, _MON_COL[key], formula, fmt, m.monitoring[(t.key, label, key)])
    _chart(wb, ws, settings)
    ws.freeze_panes(3, 1)
    last_row = _tables(settings)[-1].first + len(_tables(settings)[-1].rows) - 1
    common.setup_print(ws, len(_MON_HEADERS) - 1, last_row - 1, landscape=True, title="Award monitoring")
    common.protect(ws)


def _chart(wb, ws, settings: dict) -> None:
    band = _tables(settings)[0]
    first = band.first
    last = first + max(1, len(settings["bands"])) - 1
    name = common.quote_sheet(MONITORING)
    cats = f"={name}!$A${first}:$A${last}"
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "Total £", "categories": cats,
                      "values": f"={name}!$D${first}:$D${last}", "fill": {"color": "#1F4E78"}})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": "Awards", "categories": cats, "values": f"={name}!$C${first}:$C${last}",
                     "y2_axis": True, "marker": {"type": "circle"}, "line": {"color": "#C55A11"}})
    chart.combine(line)
    chart.set_title({"name": "Awards in the period by grade band"})
    chart.set_y_axis({"name": "Total £", "num_format": "£#,##0"})
    line.set_y2_axis({"name": "Awards"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 340})
    ws.insert_chart(_PERIOD_ROW - 1, len(_MON_HEADERS) + 1, chart)


def _lists_sheet(wb, styles: common.Styles, settings: dict) -> None:
    ws = wb.add_worksheet(LISTS)
    common.write_title(ws, styles, "Lists", "Yellow cells can be changed: grade bands, band names, "
                                            "directorates. The scheme's limits come from the parameters.")
    hr = HEADER_ROW - 1
    heads = [(0, "Grade", 14), (1, "Grade band", 26), (3, "Grade bands (Monitoring order)", 28),
             (5, "Directorates", 40), (7, "Scheme limit", 62), (8, "Value", 10), (9, "Source", 100)]
    for j, text, width in heads:
        ws.write_string(hr, j, text, styles.header)
        ws.set_column(j, j, width)
    ws.set_row(hr, 30)
    band_rule = {"validate": "list", "source": "=Bands", "error_type": "warning",
                 "error_message": "Not one of the band names (column D): it will have no row on Monitoring."}
    table = _grade_table(settings)
    n_named = len(settings["grade_bands"])
    for i, (grade, band) in enumerate(table):
        r = FIRST_ROW - 1 + i
        spare = i >= n_named
        g_fmt = styles.input("text") if spare else styles.plain("text")
        if grade is None:
            ws.write_blank(r, 0, None, g_fmt)
        else:
            ws.write_string(r, 0, grade, g_fmt)
        if band is None:
            ws.write_blank(r, 1, None, styles.input("text"))
        else:
            ws.write_string(r, 1, band, styles.input("text"))
    ws.data_validation(FIRST_ROW - 1, 1, FIRST_ROW - 2 + len(table), 1, {
        "input_title": "Grade band", "input_message": "The band this grade counts in on Monitoring.",
        "error_title": "Grade band", **band_rule})
    bands = list(settings["bands"]) + [""] * (BAND_SLOTS - len(settings["bands"]))
    dirs = list(settings["directorates"]) + [""] * (DIRECTORATE_SLOTS - len(settings["directorates"]))
    for j, items in ((3, bands), (5, dirs)):
        for i, text in enumerate(items):
            r = FIRST_ROW - 1 + i
            if text:
                ws.write_string(r, j, text, styles.input("text"))
            else:
                ws.write_blank(r, j, None, styles.input("text"))
        col = xl_col_to_name(j)
        last = FIRST_ROW + len(items) - 1
        ws.data_validation(FIRST_ROW - 1, j, last - 1, j, {
            "validate": "custom", "value": f"=COUNTIF(${col}${FIRST_ROW}:${col}${last},{col}{FIRST_ROW})<=1",
            "input_title": "Names", "input_message": "Each name once; the Monitoring rows follow this list.",
            "error_title": "Names", "error_message": "This name is already in the list."})
    as_of = settings.get("as_of")
    for k, name in enumerate(("max_award_gbp", "max_rolling_total_gbp", "rolling_period_months")):
        p = params.parameter("awards", name)
        r = FIRST_ROW - 1 + k
        ws.write_string(r, 7, p.description, styles.plain("text"))
        ws.write_number(r, 8, _limit(name, as_of), styles.plain("gbp0" if p.unit == "GBP" else "int"))
        entry = p.entries[max(0, int(p.index(np.array([as_of or EXAMPLE_AS_OF], dtype="datetime64[D]"))[0]))]
        ws.write_string(r, 9, f"{entry.source} (in force from {entry.start.astype(dt.date):%d/%m/%Y}; "
                              f"xl_kent/parameters/awards.toml)", styles.plain("text"))
    ws.freeze_panes(HEADER_ROW, 0)
    last = FIRST_ROW + max(len(table), DIRECTORATE_SLOTS) - 2
    common.setup_print(ws, 9, last, landscape=True, title="Lists")
    common.protect(ws)


# ---------------------------------------------------------------------------- reading an award log
def _extended(f: st.Field, *aliases: str) -> st.Field:
    return st.Field(f.name, f.kind, f.required, f.aliases + aliases, f.meaning)


_EXTRA_ALIASES = {"kind": ("individual or team",), "endorsed": ("team award endorsed",)}
AWARD_FIELDS: tuple[st.Field, ...] = tuple(
    _extended(f, *_EXTRA_ALIASES.get(f.name, ())) for f in award_log.AWARD_FIELDS) + (
    st.Field("name", "text", False, ("employee name", "full name", "staff name"), "for you; not checked"),
    st.Field("grade", "grade", False, ("pay grade", "kr grade", "kent scheme grade"), "for the grade band"),
    st.Field("part_time", "bool", False, ("part time", "part timer", "pt"), "Yes for part-time staff"),
    st.Field("directorate", "text", False, ("division",), "directorate, from the Lists sheet"),
    st.Field("front_line", "bool", False, ("front line", "front line staff", "frontline staff"),
             "Yes for front-line staff"),
    st.Field("teachers_terms", "bool", False, ("teachers terms", "on teachers terms",
                                               "teachers terms and conditions"), "Yes: on Teachers' terms"),
    st.Field("capability_procedure", "bool", False, ("capability", "under capability procedure",
                                                     "performance and capability procedure"),
             "Yes: under the performance and capability procedure"),
)
"""The award log's columns as ``xl-kent fill awards`` reads them: ``xl-kent awards``' fields
(:data:`xl_kent_cli.awards.AWARD_FIELDS`) and the template's extra columns."""

_FIELD_KEY = {"amount": "amount_gbp"}  # field name -> INPUT_COLUMNS key where they differ
_WHAT = {"date": "a date", "number": "a number", "bool": "Yes or No"}


def _keep(original: Any) -> Any:
    """An unreadable cell as the template will hold it: text (a number below Excel's dates stays a number)."""
    if isinstance(original, (int, float)) and not isinstance(original, bool):
        return float(original)
    return _text_of(original).strip() if not isinstance(original, str) else original.strip()


def _grade_text(v: str) -> str:
    """A grade as the drop-down spells it ("kr 6" and "6" -> "KR6"), else the text as it is."""
    names = {st.normalise_header(g): g for g in common.grade_choices()}
    key = st.normalise_header(v)
    return names.get(key) or names.get("kr" + key) or v


def read_award_rows(path, *, sheet=None, maps=None) -> tuple[list[dict], list[str]]:
    """Read an award log (xlsx or CSV) into template rows: ``(rows, warnings)``.

    Headers are matched to :data:`AWARD_FIELDS` by name and alias (case, spaces and
    punctuation ignored; ``maps`` as ``--map "Header=field"``). Cells become what a person
    would type: dates as dates, amounts with £ and commas as numbers, yes/no/true/false as
    Yes/No, Team/Individual and grades spelt as the drop-downs spell them. A cell that
    cannot be read is kept as its text, so that the template shows the row's error.

    Raises :class:`xl_kent.lists.staff.ColumnError` (a required column missing, two columns
    for one field, a bad ``--map``) and :class:`xl_kent.files.reading.InputFileError`.
    """
    table = read_table(path, sheet=sheet)
    overrides = st.parse_map_options(maps, AWARD_FIELDS)
    mapping = st.map_columns(table.headers, AWARD_FIELDS, overrides)
    n = table.n_rows
    warnings: list[str] = []
    unused = [h for j, h in enumerate(table.headers) if j not in mapping.values() and str(h or "").strip()]
    if unused:
        warnings.append("columns not used: " + ", ".join(repr(h) for h in unused))
    out: dict[str, list] = {c.key: [None] * n for c in INPUT_COLUMNS}
    directorates = {d.casefold(): d for d in DEFAULT_DIRECTORATES}
    flags: dict[str, list] = {}
    for f in AWARD_FIELDS:
        if f.name not in mapping:
            continue
        raw = np.asarray(table.columns[mapping[f.name]], dtype=object)
        header = table.headers[mapping[f.name]]
        kept = 0
        if f.kind == "date":
            values, status = st.parse_dates(raw)
            cells = [v.astype(dt.date) if s == st.GOOD else None if s == st.BLANK else _keep(r)
                     for v, s, r in zip(values, status.tolist(), raw.tolist(), strict=True)]
        elif f.kind == "number":
            values, status = st.parse_numbers(raw)
            cells = [float(v) if s == st.GOOD else None if s == st.BLANK else _keep(r)
                     for v, s, r in zip(values.tolist(), status.tolist(), raw.tolist(), strict=True)]
        elif f.kind == "bool":
            values, status = st.parse_bools(raw)
            cells = [("Yes" if v else "No") if s == st.GOOD else None if s == st.BLANK else _keep(r)
                     for v, s, r in zip(values.tolist(), status.tolist(), raw.tolist(), strict=True)]
        else:
            values, status = st.parse_text(raw)
            cells = [v if s == st.GOOD else None if s == st.BLANK else _keep(r)
                     for v, s, r in zip(values.tolist(), status.tolist(), raw.tolist(), strict=True)]
            if f.name == "kind":
                words = {"team": "Team", "individual": "Individual"}
                cells = [words.get(v.casefold(), v) if isinstance(v, str) else v for v in cells]
            elif f.name == "grade":
                cells = [_grade_text(v) if isinstance(v, str) else v for v in cells]
            elif f.name == "directorate":
                cells = [directorates.get(v.casefold(), v) if isinstance(v, str) else v for v in cells]
        kept = sum(s not in (st.GOOD, st.BLANK) for s in status.tolist())
        if kept:
            what = _WHAT.get(f.kind, "text")
            warnings.append(f"{kept:,} cell(s) of {header!r} could not be read as {what}: kept as they are, "
                            "so those rows show an error")
        if f.name == "ineligible":
            flags["ineligible"] = cells
            continue
        out[_FIELD_KEY.get(f.name, f.name)] = cells
    if "ineligible" in flags:
        moved = 0
        for i, v in enumerate(flags["ineligible"]):
            if v == "Yes" and out["teachers_terms"][i] != "Yes" and out["capability_procedure"][i] != "Yes":
                out["capability_procedure"][i] = "Yes"
                moved += 1
            elif v not in ("No", "Yes", None) and out["capability_procedure"][i] in (None, "No"):
                out["capability_procedure"][i] = v  # unreadable: kept, so the row shows #VALUE!
        header = table.headers[mapping["ineligible"]]
        warnings.append(f"column {header!r} (not eligible) has no column of its own "
                        f"in the template: {moved:,} row(s) marked Yes are put under 'Capability procedure?' "
                        "(the check treats it like Teachers' terms); correct the rows that are Teachers' "
                        "terms")
    rows = [{c.key: out[c.key][i] for c in INPUT_COLUMNS} for i in range(n)]
    return rows, warnings


# ---------------------------------------------------------------------------- xl-kent fill awards
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3


def _same_file(a, b) -> bool:
    pa, pb = Path(a), Path(b)
    try:
        return pa.resolve() == pb.resolve() or (pa.exists() and pb.exists() and pa.samefile(pb))
    except OSError:
        return False


def fill(input_path, output, *, maps=None, sheet=None, period_start=None, period_end=None,
         out=sys.stdout, err=sys.stderr) -> int:
    """``xl-kent fill awards --log LOG -o OUT``: the template filled with the log, checks as values.

    The monitoring period is ``period_start`` to ``period_end`` (default: the 12 months
    to today). Exit codes: 0 written and every row judged; 1 written, some rows could not
    be judged; 2 the input is unusable (or longer than the template); 3 output refused.
    """
    prog = "xl-kent fill awards"
    if _same_file(output, input_path):
        print(f"{prog}: error: refusing to write {output}: it is the input file; give another output name",
              file=err)
        return EXIT_OUTPUT
    if Path(output).suffix.lower() != ".xlsx":
        print(f"{prog}: error: output {output}: the name must end in .xlsx", file=err)
        return EXIT_USAGE
    try:
        rows, warnings = read_award_rows(input_path, sheet=sheet, maps=maps)
    except (InputFileError, st.ColumnError) as e:
        print(f"{prog}: error: {e}", file=err)
        return EXIT_USAGE
    except OSError as e:
        print(f"{prog}: error: cannot read {input_path}: {e.strerror or e}", file=err)
        return EXIT_USAGE
    if not rows:
        print(f"{prog}: error: {input_path}: no award rows below the header", file=err)
        return EXIT_USAGE
    if len(rows) > DATA_ROWS:
        print(f"{prog}: error: {len(rows):,} rows do not fit the template's {DATA_ROWS:,} rows: "
              "check a longer log with `xl-kent awards`", file=err)
        return EXIT_USAGE
    settings = default_settings(period_end or dt.date.today())
    if period_start is not None:
        settings["period_start"] = period_start
    if settings["period_start"] > settings["period_end"]:
        print(f"{prog}: error: the period starts ({settings['period_start']:%d/%m/%Y}) after it ends "
              f"({settings['period_end']:%d/%m/%Y})", file=err)
        return EXIT_USAGE
    for w in warnings:
        print(f"{prog}: warning: {w}", file=err)
    m = model(rows, settings)
    try:
        written = common.save_atomically(output, lambda f: _build(f, rows, settings, True, m), input_path)
    except common.OutputFileError as e:
        print(f"{prog}: error: {e}", file=err)
        return EXIT_OUTPUT
    ok = m.log["within_scheme"]
    within = sum(v is True for v in ok)
    outside = sum(v is False for v in ok)
    errors = sum(_is_error(v) for v in ok)
    unused = sum(v == "" and any(x is not None for x in r.values()) for v, r in zip(ok, rows, strict=False))
    print(f"{prog}: {len(rows):,} row(s) read from {input_path}", file=out)
    print(f"within the scheme: {within:,}", file=out)
    print(f"outside the scheme: {outside:,}", file=out)
    print(f"could not be judged (errors, amber rows): {errors:,}", file=out)
    if unused:
        print(f"rows without employee, date and amount (left blank): {unused:,}", file=out)
    print(f"monitoring period: {settings['period_start']:%d/%m/%Y} to {settings['period_end']:%d/%m/%Y}",
          file=out)
    print(f"written: {written}", file=out)
    if errors:
        print(f"{errors:,} row(s) could not be judged: see the Reason column (exit code {EXIT_PROBLEMS})",
              file=out)
        return EXIT_PROBLEMS
    return EXIT_OK
