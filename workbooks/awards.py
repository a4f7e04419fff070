"""The award tracking template: HR's log of recognition cash awards, checked against the scheme.

Sheets, in order: **How to use**; **Award log** (one row per payment to one employee:
yellow inputs, then grey columns that are each one formula over the 5,000 pre-sized
rows); **Monitoring** (equity of application for a period: awards by grade band,
part-time, front-line and directorate); **Lists** (grade bands, directorates, the
scheme's limits); **xlwings.conf**.

The log is the award-log layer's (:mod:`xl_kent.lists.award_log`): the input columns
are its fields (:data:`~xl_kent.lists.award_log.AWARD_FIELDS`) in its order, headed by
their labels, and the template checks and judges a row as ``xl-kent awards`` does.

* **Checks** (hidden helpers "Problems: <header>", one per judgement input): the layer's
  checks of that cell, in its words ("amount is not a number", "award_date is blank",
  "endorsed is not Yes or No"...); "Problems (row)" joins a row's problems in column
  order with "; ", as the layer does.
* ``not_eligible``: "Yes" when Teachers' terms, the capability procedure or "Not eligible
  (other reason)?" reads Yes (Yes/No, y/n, TRUE/FALSE, 1/0, as the layer reads them); on
  a row with a problem, a text that KENT_AWARD_OK refuses, so that the row counts in no
  one's totals (a data argument of a KENT_ function must be a plain range: this column
  is what its ``ineligible`` argument reads).
* ``within_scheme`` / ``reason``: ``KENT_AWARD_OK`` over the whole log (TRUE/FALSE, and
  with ``explain`` the first rule broken in words). A row with a problem shows
  ``#VALUE!`` and, as its Reason, the problems; a row whose date has no rules in force,
  ``#N/A`` and the layer's words for it. The function reads the hidden helpers
  ``kind_check``, ``work_ref_check`` and ``endorsed_check`` (the cells on rows without a
  problem, never an error value: in LibreOffice one error value in an optional column of
  the function turns its whole column into #VALUE!).
* ``rolling_total_gbp``, ``team_total_gbp``: one SUMIFS each over the helpers
  ``order_key`` (``INT(date) * 8192 + log_row`` on judged rows) and ``team_amount_gbp``
  (the amount on judged team rows), rounded to the penny (the check adds whole pence);
  the criteria are the row's id and work reference trimmed and taken literally (``*``
  ``?`` ``~`` escaped), matched against the trimmed helpers ``employee_id_check`` and
  ``work_ref_check``, so that a total counts the rows the check counts (``ab-1`` and
  ``ab-1 `` are one work).
* ``grade_band``: ``VLOOKUP(TRIM(grade), GradeBands, 2, FALSE)``; ``part_time_read`` and
  ``front_line_read`` (hidden): the Yes/No cells as the layer reads them, for Monitoring.

Why helpers: a SUMIFS over array criteria scans the whole log once per criterion for
every row (quadratic), and LibreOffice spends most of it on the cells a criterion
matches; with the order key the rolling total is one SUMIFS with three criteria.

The formulas avoid IFERROR inside an array IF and ``A&B&...`` over columns (LibreOffice:
docs/award-template.md says why). Nothing here computes a check or a total: :func:`build` writes the template (its cached
Monitoring values come from :mod:`xl_kent.lists.monitoring`), :func:`write_filled` writes
a filled copy from the layer's reading and judgement (``xl-kent fill awards``), with
:func:`fill_values` giving every cell it writes.

Examples
--------
>>> log_formulas()["within_scheme"][:63]
'=IF($AL$5:$AL$5004<>"",#VALUE!,KENT_AWARD_OK($A$5:$A$5004,$G$5:'
>>> [c.header for c in INPUT_COLUMNS][-2:]
['Capability procedure?', 'Not eligible (other reason)?']
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xlsxwriter.utility import xl_col_to_name

from xl_kent import params
from xl_kent.awards import (
    E_AMOUNT,
    E_AMOUNT_PENCE,
    E_AMOUNT_RANGE,
    E_DATE,
    E_EMPLOYEE,
    E_NO_RULES,
    RULES,
    W_AMOUNT_HIGH,
)
from xl_kent.dates import MAX_EXCEL_SERIAL
from xl_kent.errors import EXCEL_ERRORS, excel_error, reason_text
from xl_kent.files.reading import Table
from xl_kent.lists import monitoring as mon
from xl_kent.lists import parse
from xl_kent.lists.award_log import AWARD_FIELDS, award_checks, judge, read_award_log
from xl_kent.lists.staff import check_bounds

from . import common
from .common import DATA_ROWS, FIRST_ROW, HEADER_ROW, Col

__all__ = [
    "FILE_NAME", "EXAMPLE_AS_OF", "INPUT_COLUMNS", "CALC_COLUMNS", "HELPER_KEYS", "PROBLEM_FIELDS",
    "EXAMPLE_ROWS", "Filled", "default_settings", "build", "write_filled", "fill_values", "log_formulas",
    "conditional_rules", "monitoring_values",
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
_FIELD = {f.name: f for f in AWARD_FIELDS}
_YES_NO = common.yes_no_validation()
_ID_RULE = ('=AND(A5=TRIM(A5),ISERROR(FIND("*",A5)),ISERROR(FIND("?",A5)),ISERROR(FIND("~",A5)),'
            'ISERROR(FIND(LEFT(A5,1),"<>=")))')


def _input(name: str, kind: str, width: float, help_text: str, validation: dict | None = None) -> Col:
    return Col(name, _FIELD[name].label, kind, width, help_text, validation)


INPUT_COLUMNS: tuple[Col, ...] = (
    _input("employee_id", "text", 12,
           "Payroll number of the employee paid (required). One row per payment to one employee: a team award "
           "has one row per team member. Ids match ignoring case; no spaces at either end and no * ? ~ "
           "or leading < > =.",
           {"validate": "custom", "value": _ID_RULE,
            "error_message": "Type the payroll number as text, without spaces at either end and without * ? ~ "
                             "or a leading < > =."}),
    _input("name", "text", 20, "Employee's name (for you; not used in any check)."),
    _input("grade", "text", 10,
           "Kent Scheme grade (KR Entry, Apprentice, KR3...): sets the grade band used on the Monitoring sheet.",
           {**common.grade_validation(),
            "error_message": "Not a Kent Scheme grade from the list: the row counts as 'Grade blank or not "
                             "listed' on Monitoring unless the grade is added to the Lists sheet."}),
    _input("part_time", "flag", 9, "Yes if the employee works part-time (Monitoring).", _YES_NO),
    _input("directorate", "text", 24,
           "Directorate of the employee, from the list on the Lists sheet (Monitoring). Other text is kept "
           "(a warning) and counts as 'Not in the list'.",
           {"validate": "list", "source": "=Directorates", "error_type": "warning",
            "error_message": "Not a directorate from the Lists sheet: it will count as 'Not in the list'."}),
    _input("front_line", "flag", 9,
           "Yes for front-line staff (optional): the scheme asks for emphasis on lower paid, part-time and "
           "front-line employees (Monitoring).", _YES_NO),
    _input("award_date", "date", 11,
           f"Date of the award (required): fixes the {_MONTHS:.0f}-month window and the monitoring period.",
           common.date_validation("Type a date (dd/mm/yyyy) between 1900 and 2099.")),
    _input("amount", "gbp", 11,
           "Cash paid to this employee, in £ (required, above 0). For a team award: this member's share.",
           {"validate": "decimal", "criteria": ">", "value": 0, "error_message": "Type an amount in £ above 0."}),
    _input("kind", "text", 11,
           "Individual or Team (blank = Individual). A team award is every Team row with the same work "
           "reference, and must be endorsed by a senior manager outside the team.",
           {"validate": "list", "source": ["Individual", "Team"],
            "error_message": "Choose Individual or Team (blank = Individual)."}),
    _input("work_ref", "text", 13,
           "Reference of the piece of work rewarded (business case or project). Team rows of one award share "
           "it; the same reference on a team and an individual row of one employee is the same work rewarded "
           "twice. Blank never matches another row."),
    _input("endorsed", "flag", 11,
           "Team awards: Yes when endorsed by a senior manager who is not part of the team.", _YES_NO),
    _input("teachers_terms", "flag", 10,
           "Yes if the employee is on Teachers' terms and conditions: the scheme does not apply to them.",
           _YES_NO),
    _input("capability_procedure", "flag", 11,
           "Yes if the employee's performance is being reviewed under the performance and capability "
           "procedure: not eligible for a cash award.", _YES_NO),
    _input("ineligible", "flag", 11,
           "Yes if the employee is not eligible for another reason (the scheme's other exclusions).", _YES_NO),
)
if tuple(c.key for c in INPUT_COLUMNS) != tuple(f.name for f in AWARD_FIELDS):
    raise AssertionError("the Award log's input columns must be the award-log fields, in their order")

#: The judgement inputs that have a "Problems:" helper column, in column order (the layer's).
PROBLEM_FIELDS = ("employee_id", "award_date", "amount", "kind", "work_ref", "endorsed", "teachers_terms",
                  "capability_procedure", "ineligible")
_FLAG_FIELDS = ("endorsed", "teachers_terms", "capability_procedure", "ineligible")
NOT_ELIGIBLE_CHECK = "Check: see Reason"


def _problem_col(name: str) -> Col:
    label = _FIELD[name].label
    return Col(f"problems_{name}", f"Problems: {label}", "text", 30,
               f"Hidden helper: the checks of '{label}' on this row, in words (blank: none). The same checks "
               "and words as xl-kent awards.")


CALC_COLUMNS: tuple[Col, ...] = (
    Col("log_row", "Log row (judged)", "int", 8,
        "The row's number in the log (1 = row 5), on rows the check could judge; blank on rows not judged. "
        f"Orders awards made on the same day for the {_MONTHS:.0f}-month total."),
    Col("not_eligible", "Not eligible (any reason)?", "flag", 15,
        "Yes when Teachers' terms, the capability procedure or 'Not eligible (other reason)?' is Yes (read "
        f"by the check). '{NOT_ELIGIBLE_CHECK}' on a row with a problem: the row is not judged."),
    Col("within_scheme", "Within the scheme?", "bool", 10,
        "KENT_AWARD_OK over the whole log: TRUE when the award is within the scheme, FALSE when not "
        "(the row turns red); #VALUE! when a cell cannot be read (amber: see Reason), #N/A when no rules are "
        "in force on the date."),
    Col("reason", "Reason", "text", 62,
        "OK, or the first rule the award breaks, in words (KENT_AWARD_OK with explain TRUE); on a row that "
        "cannot be judged, why: the same words as xl-kent awards."),
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
    Col("kind_check", "Individual or team (for the check)", "text", 11,
        "Hidden helper read by KENT_AWARD_OK: Team or Individual (blank: blank) on rows without a problem, "
        "else blank (an error value in a column it reads stops LibreOffice's whole check column)."),
    Col("work_ref_check", "Work reference (for the check)", "text", 13,
        "Hidden helper read by KENT_AWARD_OK: the work reference on rows without a problem, else blank."),
    Col("endorsed_check", "Team award endorsed (for the check)", "flag", 11,
        "Hidden helper read by KENT_AWARD_OK: Team award endorsed? read as Yes or No (Yes/No, Y/N, "
        "TRUE/FALSE, 1/0; blank = No) on rows without a problem, else blank."),
    Col("part_time_read", "Part-time (read)", "flag", 9,
        "Hidden helper for Monitoring: Part-time? read as Yes or No (Yes/No, Y/N, TRUE/FALSE, 1/0); blank "
        "when blank or neither."),
    Col("front_line_read", "Front-line (read)", "flag", 9,
        "Hidden helper for Monitoring: Front-line? read as Yes or No; blank when blank or neither."),
    *(_problem_col(name) for name in PROBLEM_FIELDS),
    Col("problems", "Problems (row)", "text", 40,
        "Hidden helper: the row's problems, in column order, joined with '; ' (blank: none). A row with a "
        "problem is not judged and counts in no totals."),
    Col("employee_id_check", "Employee ID (for the totals)", "text", 11,
        f"Hidden helper for the {_MONTHS:.0f}-month total: the employee ID trimmed, as text, on rows "
        "the check could judge, else blank, so that the total matches ids as the check does."),
)

_KEYS = [c.key for c in INPUT_COLUMNS + CALC_COLUMNS]
_COL = {k: j for j, k in enumerate(_KEYS)}
_KIND = {c.key: c.kind for c in INPUT_COLUMNS}
_TEXT_KEYS = {k for k, kind in _KIND.items() if kind in ("text", "flag")}
LAST_COL = len(_KEYS) - 1
#: Hidden helper columns, from "Order key (judged)" to the last.
HELPER_KEYS = tuple(_KEYS[_COL["order_key"]:])
ORDER_SCALE = 8192  # order_key = INT(date) * ORDER_SCALE + log_row: exact in doubles and in "<="&key text
if DATA_ROWS >= ORDER_SCALE:
    raise AssertionError("the log rows must stay below ORDER_SCALE")

UNLISTED_GRADE = mon.UNLISTED_GRADE
ALL_LABEL = mon.ALL_LABEL
SAME_WORK_TEXT = RULES[4]
NO_RULES_TEXT = reason_text(E_NO_RULES)
#: The core's own reasons for a row it cannot judge, and the Excel error KENT_AWARD_OK shows.
_CORE_ERRORS = {reason_text(c): excel_error(c) for c in (E_EMPLOYEE, E_DATE, E_AMOUNT, E_AMOUNT_RANGE,
                                                          E_AMOUNT_PENCE, E_NO_RULES)}
_CORE_ERRORS[W_AMOUNT_HIGH.format(params.parameter("plausibility", "max_award_amount_gbp").value_on())] = "#NUM!"

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


def _grade_table(settings: dict) -> list[tuple[str | None, str | None]]:
    pairs = [(g or None, b or None) for g, b in settings["grade_bands"]]
    return pairs + [(None, None)] * (_grade_slots(settings) - len(pairs))


def _grade_slots(settings: dict) -> int:
    return len(settings["grade_bands"]) + SPARE_GRADE_ROWS


# ---------------------------------------------------------------------------- examples
def _ex(emp, name, grade, pt, dirn, fl, when, amount, kind=None, ref=None, endorsed=None, teacher=None,
        cap=None, other=None):
    return {"employee_id": emp, "name": name, "grade": grade, "part_time": pt, "directorate": dirn,
            "front_line": fl, "award_date": when, "amount": amount, "kind": kind, "work_ref": ref,
            "endorsed": endorsed, "teachers_terms": teacher, "capability_procedure": cap, "ineligible": other}


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
    # not eligible: Teachers' terms; under the capability procedure; another reason
    _ex("E1010", "Mark Evans", "KR10", "No", _CYPE, "No", _D(2026, 10, 5), 200.0, "Individual", "BC-107",
        None, "Yes", "No"),
    _ex("E1011", "Jo Clarke", "KR3", "Yes", _CED, "No", _D(2026, 11, 2), 100.0, "Individual", "BC-108",
        None, "No", "Yes"),
    _ex("E1012", "Alex Reed", "KR12", "No", _GET, "Yes", _D(2026, 11, 9), 150.0, "Individual", "BC-109",
        None, "No", "No", "Yes"),
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
    """A row value as the template's input cell holds it (:func:`build`).

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


def _input_cells(rows: Sequence[dict]) -> dict[str, list]:
    if len(rows) > DATA_ROWS:
        raise ValueError(f"{len(rows)} rows do not fit the template's {DATA_ROWS} input rows")
    return {c.key: [_cell(c.key, r.get(c.key)) for r in rows] for c in INPUT_COLUMNS}


def _as_table(cells: dict[str, list], n: int) -> Table:
    """The input cells as a file read gives them, for the layer."""
    return Table([c.header for c in INPUT_COLUMNS],
                 [np.array(cells[c.key] if n else [], dtype=object) for c in INPUT_COLUMNS],
                 FIRST_ROW, LOG, "xlsx")


# ---------------------------------------------------------------------------- formulas
_BOUNDS = check_bounds(np.datetime64(EXAMPLE_AS_OF, "D"))
_EPOCH = dt.date(1899, 12, 30)


def _serial(d: np.datetime64) -> int:
    """A date's Excel serial number (1900 system: 1 is 1 January 1900, 61 is 1 March 1900)."""
    days = (d.astype(dt.date) - _EPOCH).days
    return days - 1 if days < 61 else days


_EARLIEST, _LATEST = _BOUNDS["earliest_date"], _BOUNDS["latest_date"]
_WORDS = {(c.field, c.id): c.reason for c in award_checks(np.datetime64(EXAMPLE_AS_OF, "D"))}
"""The layer's words for each check (xl_kent.lists.award_log.award_checks): one set of checks."""
_IDS = {"error": "error_value", "serial": "serial", "blank": "blank", "not": "wrong_type", "before": "too_early",
        "after": "too_late", "not_above_0": "not_positive", "kind": "unknown"}


def _word(what: str, name: str, extra: str = "") -> str:
    """The layer's reason for check ``what`` of field ``name`` (``extra`` is said by the layer's words)."""
    return _WORDS[(name, _IDS[what])]


def _bar(words) -> str:
    return "|" + "|".join(words) + "|"


_ERROR_LIST = _bar(EXCEL_ERRORS)
_YES_LIST = _bar(sorted(parse._TRUE))
_NO_LIST = _bar(sorted(parse._FALSE))
_YES_NO_LIST = _bar(sorted(parse._TRUE) + sorted(parse._FALSE))


def _listed(x: str, words: str, case: str) -> str:
    """1 when the trimmed text of ``x``, in ``case`` (UPPER/LOWER), is one of ``words`` (no wildcards)."""
    t = f"TRIM({x})"
    return f'ISNUMBER(FIND("|"&{case}({t})&"|","{words}"))*ISERROR(FIND("|",{t}))'


def _error_text(x: str) -> str:
    """An error value typed or pasted as text (``#N/A``): the layer reads it as an error value."""
    return _listed(x, _ERROR_LIST, "UPPER")


def _is_yes(x: str) -> str:
    """Yes as the layer reads a Yes/No cell: TRUE, 1, or yes/y/true/1 as text (case and spaces ignored).
    ISNUMBER before ISLOGICAL: LibreOffice holds TRUE as 1."""
    return f"IF(ISERROR({x}),0,IF(ISNUMBER({x}),{x}=1,IF(ISLOGICAL({x}),{x},{_listed(x, _YES_LIST, 'LOWER')})))"


def _is_no(x: str) -> str:
    return (f"IF(ISERROR({x}),0,IF(ISNUMBER({x}),{x}=0,IF(ISLOGICAL({x}),NOT({x}),"
            f"{_listed(x, _NO_LIST, 'LOWER')})))")


def _literal(x: str) -> str:
    """A SUMIFS criterion that matches the text of ``x`` itself (``=``, and * ? ~ escaped).

    On a blank cell, a number no id or reference is: ``"="`` would match every blank row,
    and LibreOffice spends its time on the cells a criterion matches (the result of those
    rows is not used)."""
    return (f'IF(TRIM({x})="","=-9.99E+307","="&SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({x},"~","~~"),"*","~*"),'
            f'"?","~?"))')


def _rng(key: str, rows: int = DATA_ROWS) -> str:
    return common.col_range(_COL[key], rows)


def _problem_formulas(r: dict[str, str]) -> dict[str, str]:
    """The "Problems:" helpers: the layer's checks of each judgement input, in its words."""
    # a used row: any input not blank (spaces count as blank, an error value as used), as the layer's
    # blank rows. No IFERROR inside an IF: LibreOffice then evaluates it once per row over the whole
    # column (seconds); and no A&B&... of the columns: LibreOffice shifts the values after an error.
    filled = "(" + "+".join(f'IF(ISERROR({r[c.key]}),1,TRIM({r[c.key]})<>"")' for c in INPUT_COLUMNS) + ")>0"

    def blank_or(x: str, name: str, text_rest: str) -> str:
        """A text (or blank) cell: blank (a problem on a used row), an error value as text, or ``text_rest``."""
        return (f'IF(TRIM({x})="",IF({filled},"{_word("blank", name)}",""),IF({_error_text(x)},'
                f'"{_word("error", name)}",{text_rest}))')

    out: dict[str, str] = {}
    a = r["employee_id"]
    out["employee_id"] = f'=IF(ISERROR({a}),"{_word("error", "employee_id")}",{blank_or(a, "employee_id", chr(34) * 2)})'
    g, name = r["award_date"], "award_date"
    out["award_date"] = (
        f'=IF(ISERROR({g}),"{_word("error", name)}",IF(ISLOGICAL({g}),"{_word("not", name, "a date")}",'
        f'IF(ISNUMBER({g}),IF(({g}<61)+({g}>={MAX_EXCEL_SERIAL + 1}),"{_word("serial", name)}",'
        f'IF(INT({g})<{_serial(_EARLIEST)},"{_word("before", name)}",IF(INT({g})>{_serial(_LATEST)},'
        f'"{_word("after", name)}",""))),{blank_or(g, name, chr(34) + _word("not", name, "a date") + chr(34))})))')
    h, name = r["amount"], "amount"
    out["amount"] = (
        f'=IF(ISERROR({h}),"{_word("error", name)}",IF(ISLOGICAL({h}),"{_word("not", name, "a number")}",'
        f'IF(ISNUMBER({h}),IF({h}<=0,"{_word("not_above_0", name)}",""),'
        f'{blank_or(h, name, chr(34) + _word("not", name, "a number") + chr(34))})))')
    i, name = r["kind"], "kind"
    out["kind"] = (f'=IF(ISERROR({i}),"{_word("error", name)}",IF(TRIM({i})="","",IF({_error_text(i)},'
                   f'"{_word("error", name)}",IF((TRIM({i})="team")+(TRIM({i})="individual"),"",'
                   f'"{_word("kind", name)}"))))')
    j, name = r["work_ref"], "work_ref"
    out["work_ref"] = (f'=IF(ISERROR({j}),"{_word("error", name)}",IF({_error_text(j)},"{_word("error", name)}",'
                       f'""))')
    for name in _FLAG_FIELDS:
        x, bad, err = r[name], _word("not", name, "Yes or No"), _word("error", name)
        out[name] = (f'=IF(ISERROR({x}),"{err}",IF(ISNUMBER({x}),IF(({x}=0)+({x}=1),"","{bad}"),'
                     f'IF(ISLOGICAL({x}),"",IF(TRIM({x})="","",IF({_error_text(x)},"{err}",'
                     f'IF({_listed(x, _YES_NO_LIST, "LOWER")},"","{bad}"))))))')
    return {f"problems_{k}": v for k, v in out.items()}


def log_formulas(rows: int = DATA_ROWS) -> dict[str, str]:
    """The Award log's calculated columns: one formula each over the pre-sized rows.

    >>> log_formulas()["log_row"]
    '=IF(ISNUMBER($Q$5:$Q$5004)+ISLOGICAL($Q$5:$Q$5004),ROW($A$5:$A$5004)-4,"")'
    """
    r = {k: _rng(k, rows) for k in _KEYS}
    ids, grade, when, amount, kind, ref = (r[k] for k in ("employee_id", "grade", "award_date", "amount",
                                                          "kind", "work_ref"))
    row, ok, problems, key, S = r["log_row"], r["within_scheme"], r["problems"], r["order_key"], ORDER_SCALE
    kent = (f"KENT_AWARD_OK({ids},{when},{amount},{r['kind_check']},{r['work_ref_check']},{r['endorsed_check']},"
            f"{r['not_eligible']}")
    not_judged = f"IF(ISERROR({ok}),{ok},NA())"
    no_id = f'IF(ISERROR({ids}),0,TRIM({ids})="")'
    team = f'TRIM({kind})="team"'
    lookup = f'VLOOKUP(TRIM({grade}),GradeBands,2,FALSE)&""'
    # (IF(ISERROR(x),...,x) rather than IFERROR: see _problem_formulas)
    joined = "&".join(f'IF({r[f"problems_{n}"]}="","","; "&{r[f"problems_{n}"]})' for n in PROBLEM_FIELDS)
    yes = "+".join(_is_yes(r[n]) for n in ("teachers_terms", "capability_procedure", "ineligible"))
    return {
        "log_row": f'=IF(ISNUMBER({ok})+ISLOGICAL({ok}),ROW({ids})-{FIRST_ROW - 1},"")',
        "not_eligible": f'=IF({problems}<>"","{NOT_ELIGIBLE_CHECK}",IF({no_id},"",IF({yes},"Yes","No")))',
        "within_scheme": f'=IF({problems}<>"",#VALUE!,{kent}))',
        "reason": f'=IF({problems}<>"",{problems},IF(ISNA({ok}),"{NO_RULES_TEXT}",{kent},TRUE)))',
        # The totals match ids and references trimmed, on the helpers the check reads (as it does), and
        # are rounded to the penny: the check adds whole pence, so £218.86 + £176.34 + £104.80 is 500.
        "rolling_total_gbp": (f'=IF({no_id},"",IF({row}="",{not_judged},'
                              f'ROUND(SUMIFS({amount},{r["employee_id_check"]},{_literal(f"TRIM({ids})")},{key},'
                              f'">="&(EDATE({when}+0,-RollingMonths)+1)*{S},{key},"<="&{key}),2)))'),
        "team_total_gbp": (f'=IF({no_id},"",IF({row}="",{not_judged},IF({team},'
                           f'IF(TRIM({ref})="",{amount},ROUND(SUMIFS({r["team_amount_gbp"]},{r["work_ref_check"]},'
                           f'{_literal(f"TRIM({ref})")}),2)),"")))'),
        "employee_id_check": f'=IF({row}="","",TRIM({ids}))',
        "grade_band": (f'=IF({no_id},"",IF(IF(ISERROR({grade}),1,TRIM({grade})=""),"{UNLISTED_GRADE}",'
                       f'IF(IF(ISERROR({lookup}),1,{lookup}=""),"{UNLISTED_GRADE}",{lookup})))'),
        "order_key": f'=IF({row}="","",INT({when})*{S}+{row})',
        "team_amount_gbp": f'=IF({row}="","",IF({team},{amount},""))',
        "kind_check": f'=IF({problems}<>"","",IF({team},"Team",IF(TRIM({kind})="","","Individual")))',
        "work_ref_check": f'=IF({problems}<>"","",TRIM({ref}))',
        "endorsed_check": f'=IF({problems}<>"","",IF({no_id},"",IF({_is_yes(r["endorsed"])},"Yes","No")))',
        "part_time_read": f'=IF({_is_yes(r["part_time"])},"Yes",IF({_is_no(r["part_time"])},"No",""))',
        "front_line_read": f'=IF({_is_yes(r["front_line"])},"Yes",IF({_is_no(r["front_line"])},"No",""))',
        **_problem_formulas(r),
        "problems": f"=MID({joined},3,9999)",
    }


def conditional_rules() -> list[tuple[str, str]]:
    """The Award log's conditional formats, by priority: (range, formula).

    The first eight mark the cell that breaks a rule (darker red); then the whole row
    amber when it could not be judged, pale red when it is outside the scheme. No
    TRUE/FALSE constant: LibreOffice would save it back as 1/0.
    """
    def cell(key: str) -> str:
        return f"${xl_col_to_name(_COL[key])}{FIRST_ROW}"

    def column(key: str) -> str:
        x = xl_col_to_name(_COL[key])
        return f"{x}{FIRST_ROW}:{x}{FIRST_ROW + DATA_ROWS - 1}"

    c = {k: cell(k) for k in _KEYS}
    amount, kind, ok = c["amount"], c["kind"], c["within_scheme"]
    team_total, rolling = c["team_total_gbp"], c["rolling_total_gbp"]
    row = f"A{FIRST_ROW}:{xl_col_to_name(LAST_COL)}{FIRST_ROW + DATA_ROWS - 1}"
    return [
        (column("amount"), f'=AND(ISNUMBER({amount}),TRIM({kind})<>"team",{amount}>MaxAward)'),
        (column("team_total_gbp"), f"=AND(ISNUMBER({team_total}),ROUND({team_total},2)>MaxAward)"),
        (column("rolling_total_gbp"), f"=AND(ISNUMBER({rolling}),ROUND({rolling},2)>MaxRollingTotal)"),
        (column("endorsed"), f'=AND(TRIM({kind})="team",NOT({_is_yes(c["endorsed"])}))'),
        (column("teachers_terms"), f'={_is_yes(c["teachers_terms"])}'),
        (column("capability_procedure"), f'={_is_yes(c["capability_procedure"])}'),
        (column("ineligible"), f'={_is_yes(c["ineligible"])}'),
        # &"": LibreOffice compares the add-in's text with = only once it is a new string
        (column("work_ref"), f'={c["reason"]}&""="{SAME_WORK_TEXT}"'),
        (row, f"=ISERROR({ok})"),
        # not =$Q5=FALSE: LibreOffice (TRUE/FALSE as 1/0) saves that as =$Q5=0, which Excel never
        # matches for a FALSE. No TRUE/FALSE constant here: 0 and FALSE both count, "" and errors not.
        (row, f"=IF(ISLOGICAL({ok})+ISNUMBER({ok}),NOT({ok}))"),
    ]


# ---------------------------------------------------------------------------- Monitoring layout
_MON_HEADERS = (
    ("label", "Group", 34), ("headcount", "Headcount in group (optional)", 12), ("count", "Awards", 10),
    ("total_gbp", "Total £", 12), ("average_gbp", "Average £", 11), ("share_count", "% of awards", 10),
    ("share_gbp", "% of £", 10), ("outside", "Outside the scheme", 10),
    ("per_100", "Awards per 100 staff", 11),
)
_MON_COL = {k: j for j, (k, _, _) in enumerate(_MON_HEADERS)}
_MON_KIND = {"count": "int", "total_gbp": "gbp", "average_gbp": "gbp", "share_count": "pct",
             "share_gbp": "pct", "outside": "int", "per_100": "number", "headcount": "int"}
_SUMMARY_LABELS = {
    "period_check": "Period check",
    "judged": "Awards in the log that could be judged",
    "not_judged": "Rows that could not be judged (amber on the Award log; counted nowhere here)",
    "count": "Awards in the period",
    "total_gbp": "Total £ in the period",
    "outside": "Awards in the period outside the scheme",
}
_PERIOD_ROW = 4  # Excel rows of From / To
_SUMMARY_ROW = 6
_TITLES = {"band": "By grade band (bands and grades on the Lists sheet)", "part_time": "Part-time and full-time",
           "front_line": "Front-line staff", "directorate": "By directorate (the list on the Lists sheet)"}
_SLOTS = {"band": ("bands", BAND_SLOTS, "D"), "directorate": ("directorates", DIRECTORATE_SLOTS, "F")}


@dataclass
class _Row:
    label: str  # the key of the row: a group's label, or "(empty slot k)"
    kind: str  # "slot" (a band or directorate slot of the Lists sheet), "fixed", "rest", "all"
    group: mon.Group | None  # None: an empty slot
    slot: int = -1
    criterion: str = ""


@dataclass
class _Table:
    key: str
    title: str
    rows: list[_Row]
    first: int = 0  # Excel row of the first group row


def _tables(settings: dict) -> list[_Table]:
    """The four Monitoring tables as laid out: list slots padded to the Lists sheet's slots."""
    out = []
    for b in mon.breakdowns(settings):
        rows: list[_Row] = []
        if b.key in _SLOTS:
            name, slots, _ = _SLOTS[b.key]
            items = list(settings[name])
            if len(items) > slots:
                raise ValueError(f"at most {slots} {name}")
            named = iter(g for g in b.groups if g.kind == "list")
            for k, text in enumerate(items + [""] * (slots - len(items))):
                rows.append(_Row(text, "slot", next(named), k) if text else
                            _Row(f"(empty slot {k + 1})", "slot", None, k))
        rows += [_Row(g.label, g.kind, g, criterion=g.criterion) for g in b.groups if g.kind != "list"]
        out.append(_Table(b.key, _TITLES[b.key], rows))
    r = _SUMMARY_ROW + len(_SUMMARY_LABELS) + 2
    for t in out:
        t.first = r + 2  # title, header, then the rows
        r = t.first + len(t.rows) + 1
    return out


# Names of whole Award log columns, used by the Monitoring formulas.
_LOG_NAMES = {"AwardDate": "award_date", "AwardAmount": "amount", "AwardPartTime": "part_time_read",
              "AwardFrontLine": "front_line_read", "AwardDirectorate": "directorate",
              "AwardCheck": "within_scheme", "AwardRollingTotal": "rolling_total_gbp",
              "AwardGradeBand": "grade_band"}
_IN_PERIOD = 'AwardRollingTotal,"<9.99E+307",AwardDate,">="&PeriodFrom,AwardDate,"<="&PeriodTo'
_GROUP_COLUMN = {"band": "AwardGradeBand", "directorate": "AwardDirectorate", "part_time": "AwardPartTime",
                 "front_line": "AwardFrontLine"}


def _summary_formulas() -> dict[str, str]:
    msg = mon.PERIOD_MESSAGE
    return {
        "period_check": (f'=IF(AND(ISNUMBER(PeriodFrom),ISNUMBER(PeriodTo)),IF(PeriodFrom<=PeriodTo,"OK",'
                         f'"{msg}"),"{msg}")'),
        "judged": "=COUNT(AwardRollingTotal)",
        "not_judged": "=SUMPRODUCT(ISERROR(AwardCheck)*1)",
        "count": f"=COUNTIFS({_IN_PERIOD})",
        "total_gbp": f"=SUMIFS(AwardAmount,{_IN_PERIOD})",
        "outside": f"=COUNTIFS({_IN_PERIOD},AwardCheck,FALSE)",
    }


def _row_formulas(t: _Table, r: int, row: _Row, label_ref: str) -> dict[str, str]:
    """The formulas of one group row of a Monitoring table (Excel row ``r``)."""
    all_row = t.first + len(t.rows) - 1
    first, last = t.first, t.first + sum(x.kind in ("slot", "fixed") for x in t.rows) - 1
    f: dict[str, str] = {}
    if row.kind == "all":
        f["count"] = f"=COUNTIFS({_IN_PERIOD})"
        f["total_gbp"] = f"=SUMIFS(AwardAmount,{_IN_PERIOD})"
        f["outside"] = f"=COUNTIFS({_IN_PERIOD},AwardCheck,FALSE)"
    elif row.kind == "rest":
        for key in ("count", "total_gbp", "outside"):
            x = xl_col_to_name(_MON_COL[key])
            f[key] = f"={x}{all_row}-SUM({x}{first}:{x}{last})"
    else:
        crit = label_ref if row.kind == "slot" else f'"{row.criterion}"'
        group = f"{_GROUP_COLUMN[t.key]},{crit}"
        f["count"] = f"=COUNTIFS({_IN_PERIOD},{group})"
        f["total_gbp"] = f"=SUMIFS(AwardAmount,{_IN_PERIOD},{group})"
        f["outside"] = f"=COUNTIFS({_IN_PERIOD},{group},AwardCheck,FALSE)"
        if row.kind == "slot":
            f = {k: f'=IF({label_ref}="","",{v[1:]})' for k, v in f.items()}
    C, D, B = (f"{xl_col_to_name(_MON_COL[k])}{r}" for k in ("count", "total_gbp", "headcount"))
    c_all, d_all = (f"${xl_col_to_name(_MON_COL[k])}${all_row}" for k in ("count", "total_gbp"))
    f["average_gbp"] = f'=IF(N({C})=0,"",{D}/{C})'
    f["share_count"] = f'=IF(OR({C}="",N({c_all})=0),"",{C}/{c_all})'
    f["share_gbp"] = f'=IF(OR({D}="",N({d_all})=0),"",{D}/{d_all})'
    f["per_100"] = f'=IF(AND(ISNUMBER({B}),{C}<>""),IF({B}>0,{C}/{B}*100,""),"")'
    return f


def monitoring_values(m: mon.Monitoring, settings: dict) -> dict[str, Any]:
    """Every formula cell of the Monitoring sheet (A1 reference) and its value for these figures:
    what :func:`build` and :func:`write_filled` cache, and what the tests compare."""
    out: dict[str, Any] = {}
    for k, key in enumerate(_SUMMARY_LABELS):
        out[f"B{_SUMMARY_ROW + k}"] = m.summary[key]
    for t in _tables(settings):
        for i, row in enumerate(t.rows):
            r = t.first + i
            if row.kind == "slot":
                out[f"A{r}"] = row.label if row.group else ""
            figures = m.row(t.key, row.group.label) if row.group else dict.fromkeys(mon.MEASURES, "")
            for key in mon.MEASURES:
                out[f"{xl_col_to_name(_MON_COL[key])}{r}"] = figures[key]
    return out


# ---------------------------------------------------------------------------- the workbook
def _how_to(settings: dict) -> common.HowTo:
    award, total, months = _money(_MAX_AWARD), _money(_MAX_TOTAL), f"{_MONTHS:.0f}"
    return common.HowTo(
        title="Kent County Council: recognition cash award tracking",
        purpose="Log every cash award, see at once whether it is within the cash award scheme, and monitor "
                "how fairly awards reach lower paid, part-time and front-line staff.",
        sheets=[
            (LOG, "One row per payment to one employee (a team award has a row per member). Yellow columns "
                  "are yours; the grey columns check each award against the whole log: Within the scheme? "
                  "(TRUE/FALSE), the Reason in words, the employee's awards in the last "
                  f"{months} months, the team award's total and the grade band. A red row is outside the "
                  "scheme (the cell that breaks a rule is darker); an amber row could not be checked, and "
                  "its Reason says why."),
            (MONITORING, "Equity of application for a period you choose (From/To): awards, £, average, share "
                         "of all awards and awards outside the scheme by grade band, part-time, front-line "
                         "and directorate; type a headcount beside a group for awards per 100 staff. A chart "
                         "shows £ and awards by grade band."),
            (LISTS, "The grade table (which band each grade is in: yellow cells can be changed), the band "
                    "names, the directorates offered on the Award log, and the scheme's limits."),
            ("xlwings.conf", "Settings for the classic xlwings add-in (Windows): leave as it is."),
        ],
        steps=[
            "Before an award is made, add a row on the Award log: employee ID, name, grade, part-time, "
            "directorate, front-line, award date, amount, Individual or Team, work reference (the business "
            "case or project), and for a team award whether a senior manager outside the team endorsed it. "
            "Mark Teachers' terms, the capability procedure or another reason not to be eligible with Yes.",
            "For a team award, add one row per team member with his or her share, all with the same work "
            "reference and Team.",
            "Read Within the scheme? and Reason. OK means within the scheme. Otherwise the Reason names the "
            f"first rule broken: over {award} for one award (a team award counts all its members' rows "
            f"together), over {total} for one employee in {months} months, the same work rewarded twice "
            "(a team and an individual award for one work reference), a team award not endorsed, or not "
            "eligible. Exceptionally an amount above the limits goes to a senior manager, as the scheme "
            "says.",
            "An amber row could not be checked: the Reason says why, in the same words as xl-kent awards "
            "(for example 'amount is not a number', 'award_date is blank', 'kind is not team or "
            "individual'). Correct the yellow cell; until then the row counts in no one's totals.",
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
                              "award counts, within the scheme or not. Rows that cannot be judged count "
                              "nowhere."),
            ("Same work twice", "An employee with a Team row and an Individual row for the same work "
                                "reference: both rows are outside the scheme."),
            ("Yes/No cells", "Read as xl-kent reads them: Yes/No, Y/N, TRUE/FALSE or 1/0 (case and spaces "
                             "ignored); blank = No. Anything else is a problem of the row (it is not judged)."),
            ("Not eligible (any reason)?", "Yes when Teachers' terms, the capability procedure or 'Not "
                                           "eligible (other reason)?' is Yes."),
            ("Text in a date or amount cell", "The template reads dates and amounts as Excel holds them: a "
                                              "date or an amount held as text (typed after an apostrophe, or "
                                              "pasted as text) is 'not a date' or 'not a number' here; "
                                              "xl-kent reads such text as the date or the number. Retype it."),
            ("Employee ID", "Compared ignoring case, and taken literally (* ? ~ are no wildcards), by both "
                            "the check and the totals. Keep ids free of spaces at either end: the totals "
                            "compare them as typed (the cell refuses them when typed)."),
            ("Monitoring counts", "Only awards the check could judge (TRUE or FALSE) count, by award date in "
                                  "the period; 'Outside the scheme' counts the FALSE ones. Rows that could "
                                  "not be judged are counted once, at the top."),
            ("Grade bands", "Lower paid = KR Entry to KR6; apprentices are a band of their own. Change a "
                            "grade's band, or add a grade (KR21 and above) in the yellow rows of the Lists "
                            "grade table; a grade not in the table counts as 'Grade blank or not listed'."),
            ("Directorates", "The Lists directorates are examples: rename or add up to "
                             f"{DIRECTORATE_SLOTS}; each name once. A directorate typed on the log that is "
                             "not in the list counts as 'Not in the list'."),
        ],
    )


def _write(target, settings: dict, cells: dict[str, list], values: dict[str, list] | None,
           m: mon.Monitoring) -> None:
    wb, styles = common.new_workbook(target, "Recognition cash award tracking",
                                     "Kent County Council cash award scheme: award log and monitoring")
    common.add_how_to_sheet(wb, styles, _how_to(settings))
    _log_sheet(wb, styles, cells, values)
    _monitoring_sheet(wb, styles, settings, m)
    _lists_sheet(wb, styles, settings)
    common.add_xlwings_conf_sheet(wb, styles)
    _names(wb, settings)
    wb.close()


def build(target, rows: Sequence[dict] | None = None, settings: dict | None = None) -> None:
    """Write the award tracking template to ``target`` (a path or a binary file object).

    ``rows``: dicts keyed by field name (:data:`INPUT_COLUMNS` keys), written into the
    yellow cells as typed (default :data:`EXAMPLE_ROWS`); ``settings``:
    :func:`default_settings`. The Award log's columns are formulas; the Monitoring
    formulas are cached with the figures of :mod:`xl_kent.lists.monitoring` over the
    layer's reading of the same cells.
    """
    rows = EXAMPLE_ROWS if rows is None else rows
    settings = default_settings() if settings is None else settings
    cells = _input_cells(rows)
    table = _as_table(cells, len(rows))
    log = read_award_log(table)
    m = mon.monitoring(log, judge(log, table), settings)
    _write(target, settings, cells, None, m)


def write_filled(target, table, log, judgement, settings: dict) -> None:
    """Write a filled copy of the template: ``xl-kent fill awards`` (inside ``save_atomically``).

    ``table`` is the file read, ``log`` and ``judgement`` the layer's
    (:func:`~xl_kent.lists.award_log.read_award_log`, :func:`~xl_kent.lists.award_log.judge`),
    ``settings`` :func:`default_settings` (its period). The inputs are written as the layer
    read them, the Award log's calculated columns as values (:func:`fill_values`), and the
    Monitoring sheet keeps its formulas, cached with the same figures.
    Raises ValueError for a log longer than the template's rows.
    """
    f = fill_values(table, log, judgement, settings)
    _write(target, settings, f.inputs, f.calculated, f.monitoring)


@dataclass
class Filled:
    """What a filled copy holds: ``inputs`` and ``calculated`` (Award log column key -> one
    cell per log row: text, floats, bools, ``""`` blank, ``"#VALUE!"``-style errors) and
    the ``monitoring`` figures."""

    inputs: dict[str, list]
    calculated: dict[str, list]
    monitoring: mon.Monitoring


def _blank_cell(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and math.isnan(v))


def _kept(v: Any) -> Any:
    """An unreadable cell as the filled copy holds it: a number stays a number, anything else its text."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    return _text_of(v).strip()


def _field_problems(log, n: int) -> dict[str, np.ndarray]:
    """The layer's problems of each judgement input, per row (``""``: none), in its order."""
    out = {name: np.full(n, "", dtype=object) for name in PROBLEM_FIELDS}
    for rows, column, text in log.problems.entries:
        if column in out:
            cur = out[column][rows]
            out[column][rows] = np.where(cur == "", text, cur + "; " + text)
    return out


_FIRST_EXCEL_DAY, _LAST_EXCEL_DAY = np.datetime64("1900-03-01", "D"), np.datetime64("9999-12-31", "D")


def _filled_inputs(table, log, problems: dict[str, np.ndarray]) -> dict[str, list]:
    n, v, mapping = log.n_rows, log.values, log.columns.fields

    def raw(name: str) -> np.ndarray:
        return (np.asarray(table.columns[mapping[name]], dtype=object) if name in mapping
                else np.full(n, None, dtype=object))

    out: dict[str, list] = {}
    for c in INPUT_COLUMNS:
        name, cells = c.key, raw(c.key)
        blank = np.fromiter(map(_blank_cell, cells.tolist()), dtype=bool, count=n)
        bad = problems[name] != "" if name in problems else np.zeros(n, dtype=bool)
        if name in ("part_time", "front_line"):
            read = mon.flag_reading(log, name)
            typed = np.where(read == "", None, read)
            bad = (read == "") & ~blank
        elif name in _FLAG_FIELDS:
            typed = np.where(v[name], "Yes", np.where(blank, None, "No"))
        elif name == "kind":
            typed = np.where(v["team"], "Team", np.where(blank, None, "Individual"))
        elif name == "award_date":
            when = v[name]
            ok = ~np.isnat(when) & (when >= _FIRST_EXCEL_DAY) & (when <= _LAST_EXCEL_DAY)
            days = when.astype(dt.date).tolist() if n else []
            typed = np.array([dt.datetime.combine(d, dt.time()) if k else None
                              for d, k in zip(days, ok.tolist(), strict=True)] + [None], dtype=object)[:-1]
            bad = ~ok & ~blank
        elif name == "amount":
            amount = v[name]
            typed = np.where(np.isnan(amount), None, amount).astype(object)
            bad = np.isnan(amount) & ~blank
        else:  # text: trimmed, "" where blank or an error value
            typed = np.where(v[name] == "", None, v[name]).astype(object)
            bad = (v[name] == "") & ~blank
        kept = [_kept(x) for x in cells[bad].tolist()]
        typed = np.asarray(typed, dtype=object).copy()
        typed[bad] = np.array(kept + [None], dtype=object)[:-1] if kept else typed[bad]
        typed[blank & ~bad] = None
        out[name] = typed.tolist()
    return out


def fill_values(table, log, judgement, settings: dict) -> Filled:
    """Every cell a filled copy writes, from the layer's reading and judgement (see :func:`write_filled`).

    The calculated columns are what the template's formulas give for the same inputs: the
    judgement's results on judged rows (TRUE/FALSE, the reason, the totals), the layer's
    problems per input and their reasons on the rows it could not judge (``#VALUE!``, or the
    core's error value such as ``#N/A`` where no rules are in force), blanks on blank rows.
    """
    n = log.n_rows
    if n > DATA_ROWS:
        raise ValueError(f"{n:,} award rows do not fit the template's {DATA_ROWS:,} rows")
    j, v = judgement, log.values
    m = mon.monitoring(log, j, settings)
    problems = _field_problems(log, n)
    inputs = _filled_inputs(table, log, problems)
    joined = np.full(n, "", dtype=object)
    for name in PROBLEM_FIELDS:
        p = problems[name]
        joined = np.where(p == "", joined, np.where(joined == "", p, joined + "; " + p))
    judged, blank = np.asarray(j.judged, dtype=bool), np.asarray(log.blank_row, dtype=bool)
    no_id = np.array([x is None for x in inputs["employee_id"]], dtype=bool)
    ok = np.empty(n, dtype=object)
    ok[judged] = j.ok[judged].tolist()
    core = ~judged & ~blank & (joined == "")
    ok[core] = [_CORE_ERRORS.get(t, "#VALUE!") for t in j.reason[core].tolist()]
    ok[~judged & ~blank & ~core] = "#VALUE!"
    ok[blank] = ""
    log_row = np.where(judged, np.arange(1, n + 1), 0)
    rolling = np.where(judged, j.rolling_total_gbp, 0.0).astype(object)
    team_rows = judged & v["team"]
    team = np.where(team_rows, j.team_total_gbp, 0.0).astype(object)
    team[judged & ~v["team"]] = ""
    for col in (rolling, team):
        col[~judged] = ok[~judged]
        col[~judged & no_id] = ""
    days = np.where(judged, (v["award_date"] - np.datetime64("1899-12-30", "D")).astype("int64"), 0)
    order_key = np.where(judged, days * ORDER_SCALE + log_row, 0).astype(object)
    team_amount = np.where(team_rows, v["amount"], 0.0).astype(object)
    team_amount[~team_rows] = ""
    yes = v["not_eligible"]
    checked = joined == ""  # rows without a problem: what KENT_AWARD_OK is given
    kind_blank = np.array([x is None for x in inputs["kind"]], dtype=bool)
    calculated = {
        "log_row": _blank_where(log_row.astype(object), ~judged),
        "not_eligible": np.where(joined != "", NOT_ELIGIBLE_CHECK, np.where(no_id, "", np.where(yes, "Yes", "No"))),
        "within_scheme": ok,
        "reason": np.where(blank, "", j.reason),
        "rolling_total_gbp": rolling,
        "team_total_gbp": team,
        "grade_band": np.where(no_id, "", m.grade_band),
        "order_key": _blank_where(order_key, ~judged),
        "team_amount_gbp": team_amount,
        "kind_check": np.where(checked, np.where(v["team"], "Team", np.where(kind_blank, "", "Individual")), ""),
        "work_ref_check": np.where(checked, v["work_ref"], ""),
        "endorsed_check": np.where(checked & ~no_id, np.where(v["endorsed"], "Yes", "No"), ""),
        "part_time_read": m.part_time,
        "front_line_read": m.front_line,
        **{f"problems_{k}": p for k, p in problems.items()},
        "problems": joined,
        "employee_id_check": _blank_where(np.array([_excel_trim(x) for x in inputs["employee_id"]] + [None],
                                                   dtype=object)[:-1], ~judged),
    }
    calculated = {k: [_plain(x) for x in np.asarray(col, dtype=object).tolist()] for k, col in calculated.items()}
    return Filled(inputs, calculated, m)


def _excel_trim(x: Any) -> str:
    """Excel's TRIM of a text cell: spaces off both ends, runs of spaces inside made one."""
    return "" if x is None else " ".join(p for p in str(x).split(" ") if p)


def _blank_where(col: np.ndarray, mask: np.ndarray) -> np.ndarray:
    col = col.copy()
    col[mask] = ""
    return col


def _plain(x: Any) -> Any:
    """numpy scalars as Python values (XlsxWriter writes by type)."""
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return float(x)
    if isinstance(x, np.floating):
        return float(x)
    return x


def _names(wb, settings: dict) -> None:
    lists = common.quote_sheet(LISTS)
    slots = _grade_slots(settings)
    wb.define_name("GradeBands", f"={lists}!$A${FIRST_ROW}:$B${FIRST_ROW + slots - 1}")
    wb.define_name("Bands", f"={lists}!$D${FIRST_ROW}:$D${FIRST_ROW + BAND_SLOTS - 1}")
    wb.define_name("Directorates", f"={lists}!$F${FIRST_ROW}:$F${FIRST_ROW + DIRECTORATE_SLOTS - 1}")
    for k, name in enumerate(("MaxAward", "MaxRollingTotal", "RollingMonths")):
        wb.define_name(name, f"={lists}!$I${FIRST_ROW + k}")
    m = common.quote_sheet(MONITORING)
    wb.define_name("PeriodFrom", f"={m}!$B${_PERIOD_ROW}")
    wb.define_name("PeriodTo", f"={m}!$B${_PERIOD_ROW + 1}")
    for name, key in _LOG_NAMES.items():
        wb.define_name(name, f"={common.quote_sheet(LOG)}!{_rng(key)}")


def _log_sheet(wb, styles: common.Styles, cells: dict[str, list], values: dict[str, list] | None) -> None:
    ws = wb.add_worksheet(LOG)
    common.write_title(ws, styles, "Recognition cash award log",
                       "One row per payment to one employee (yellow). The grey columns check each award "
                       "against the whole log; red = outside the scheme, amber = could not be checked.")
    common.write_text(ws, 2, 0, f"Limits: {_money(_MAX_AWARD)} an award (a team award: all its rows together); "
                          f"{_money(_MAX_TOTAL)} per employee in {_MONTHS:.0f} months. Not for Teachers' "
                          "terms or staff under the capability procedure; the same work is not rewarded twice; "
                          "team awards need a senior manager's endorsement.", styles.note)
    n = len(cells[INPUT_COLUMNS[0].key])
    data = [[cells[c.key][i] for c in INPUT_COLUMNS] for i in range(n)]
    common.write_inputs(ws, styles, INPUT_COLUMNS, 0, data)
    # A number that is not a date (a serial below 61) in the date column keeps a number format:
    # with the date format a reader would see a date in January 1900, not the number typed.
    for i, v in enumerate(cells["award_date"]):
        if isinstance(v, float):
            common.write_number(ws, FIRST_ROW - 1 + i, _COL["award_date"], v, styles.input("general"))
    common.write_headers(ws, styles, CALC_COLUMNS, len(INPUT_COLUMNS), inputs=False)
    formulas = log_formulas()
    for c in CALC_COLUMNS:
        common.write_calc_column(ws, styles, _COL[c.key], c, formulas[c.key], None if values is None
                                 else values[c.key])
    for key in HELPER_KEYS:  # hidden helpers, the last columns
        ws.set_column(_COL[key], _COL[key], CALC_COLUMNS[_COL[key] - len(INPUT_COLUMNS)].width, None,
                      {"hidden": True})
    _conditional_formats(wb, ws, styles)
    last = FIRST_ROW + DATA_ROWS - 2  # 0-based index of the last data row
    ws.autofilter(HEADER_ROW - 1, 0, last, LAST_COL)
    ws.freeze_panes(HEADER_ROW, 2)
    common.setup_print(ws, LAST_COL, last, landscape=True, header_rows=f"{HEADER_ROW}:{HEADER_ROW}",
                       title="Recognition cash award log")
    common.protect(ws)


def _conditional_formats(wb, ws, styles: common.Styles) -> None:
    breach = wb.add_format({"bg_color": "#FF7C80", "font_color": "#9C0006", "bold": True})
    rules = conditional_rules()
    formats = [breach] * (len(rules) - 2) + [styles.warn, styles.bad]
    for (cells, formula), fmt in zip(rules, formats, strict=True):
        ws.conditional_format(cells, {"type": "formula", "criteria": formula, "format": fmt})


def _monitoring_sheet(wb, styles: common.Styles, settings: dict, m: mon.Monitoring) -> None:
    ws = wb.add_worksheet(MONITORING)
    common.write_title(ws, styles, "Monitoring: equity of application",
                       "Awards the check could judge, by award date in the period below. The scheme asks for "
                       "particular emphasis on lower paid, part-time and front-line employees.")
    for j, (_, _, width) in enumerate(_MON_HEADERS):
        ws.set_column(j, j, width)
    date_rule = common.date_validation("Type a date (dd/mm/yyyy).")
    for k, (label, key) in enumerate((("Period from", "period_start"), ("Period to", "period_end"))):
        r = _PERIOD_ROW - 1 + k
        common.write_text(ws, r, 0, label, styles.bold)
        ws.write_datetime(r, 1, common.cell_value(settings[key]), styles.input("date"))
        common.data_validation(ws, r, 1, r, 1, {"input_title": label, "input_message": "First and last award dates "
                                        "counted (both included).", "error_title": label, **date_rule})
    common.write_text(ws, _PERIOD_ROW - 1, 2, f"Default: the {_MONTHS:.0f} months to "
                                        f"{settings['as_of']:%d/%m/%Y}. Type other dates for another period.",
                    styles.note)
    cached = monitoring_values(m, settings)
    formulas = _summary_formulas()
    kinds = {"period_check": "text", "total_gbp": "gbp"}
    for k, (key, label) in enumerate(_SUMMARY_LABELS.items()):
        r = _SUMMARY_ROW - 1 + k
        common.write_text(ws, r, 0, label, styles.bold)
        common.write_formula(ws, r, 1, formulas[key], styles.calc(kinds.get(key, "int")), cached[f"B{r + 1}"])
    lists = common.quote_sheet(LISTS)
    headcount_rule = common.number_validation(1, 10_000_000, "Type the number of staff in the group "
                                              "(a whole number above 0).", whole=True)
    headcounts = settings.get("headcounts") or {}
    for t in _tables(settings):
        common.write_text(ws, t.first - 3, 0, t.title, styles.subtitle)
        for j, (key, header, _) in enumerate(_MON_HEADERS):
            common.write_text(ws, t.first - 2, j, header, styles.header_input if key == "headcount" else styles.header)
        ws.set_row(t.first - 2, 40)
        for i, row in enumerate(t.rows):
            r = t.first + i
            label_ref = f"$A{r}"
            if row.kind == "slot":
                src = f"{lists}!${_SLOTS[t.key][2]}${FIRST_ROW + row.slot}"
                common.write_formula(ws, r - 1, 0, f'=IF({src}="","",{src})', styles.calc("text"), cached[f"A{r}"])
            else:
                common.write_text(ws, r - 1, 0, row.label, styles.plain("text", bold=row.kind == "all"))
            headcount = headcounts.get((t.key, row.label))
            fmt = styles.input("int")
            if headcount is None:
                ws.write_blank(r - 1, 1, None, fmt)
            else:
                common.write_number(ws, r - 1, 1, float(headcount), fmt)
            common.data_validation(ws, r - 1, 1, r - 1, 1, {
                "input_title": "Headcount in group",
                "input_message": "Staff in this group (optional): gives awards per 100 staff.",
                "error_title": "Headcount", **headcount_rule})
            for key, formula in _row_formulas(t, r, row, label_ref).items():
                col = _MON_COL[key]
                common.write_formula(ws, r - 1, col, formula, styles.calc(_MON_KIND[key], bold=row.kind == "all"),
                                 cached[f"{xl_col_to_name(col)}{r}"])
    _chart(wb, ws, settings)
    ws.freeze_panes(3, 1)
    last_table = _tables(settings)[-1]
    common.setup_print(ws, len(_MON_HEADERS) - 1, last_table.first + len(last_table.rows) - 2, landscape=True,
                       title="Award monitoring")
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
    chart.set_y_axis({"name": "Total £", "num_format": common.GBP_CHART_FORMAT})
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
        common.write_text(ws, hr, j, text, styles.header)
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
            common.write_text(ws, r, 0, grade, g_fmt)
        if band is None:
            ws.write_blank(r, 1, None, styles.input("text"))
        else:
            common.write_text(ws, r, 1, band, styles.input("text"))
    common.data_validation(ws, FIRST_ROW - 1, 1, FIRST_ROW - 2 + len(table), 1, {
        "input_title": "Grade band", "input_message": "The band this grade counts in on Monitoring.",
        "error_title": "Grade band", **band_rule})
    bands = list(settings["bands"]) + [""] * (BAND_SLOTS - len(settings["bands"]))
    dirs = list(settings["directorates"]) + [""] * (DIRECTORATE_SLOTS - len(settings["directorates"]))
    for j, items in ((3, bands), (5, dirs)):
        for i, text in enumerate(items):
            r = FIRST_ROW - 1 + i
            if text:
                common.write_text(ws, r, j, text, styles.input("text"))
            else:
                ws.write_blank(r, j, None, styles.input("text"))
        col = xl_col_to_name(j)
        last = FIRST_ROW + len(items) - 1
        common.data_validation(ws, FIRST_ROW - 1, j, last - 1, j, {
            "validate": "custom", "value": f"=COUNTIF(${col}${FIRST_ROW}:${col}${last},{col}{FIRST_ROW})<=1",
            "input_title": "Names", "input_message": "Each name once; the Monitoring rows follow this list.",
            "error_title": "Names", "error_message": "This name is already in the list."})
    as_of = settings.get("as_of")
    for k, name in enumerate(("max_award_gbp", "max_rolling_total_gbp", "rolling_period_months")):
        p = params.parameter("awards", name)
        r = FIRST_ROW - 1 + k
        common.write_text(ws, r, 7, p.description, styles.plain("text"))
        common.write_number(ws, r, 8, _limit(name, as_of), styles.plain("gbp0" if p.unit == "GBP" else "int"))
        entry = p.entries[max(0, int(p.index(np.array([as_of or EXAMPLE_AS_OF], dtype="datetime64[D]"))[0]))]
        common.write_text(ws, r, 9, f"{entry.source} (in force from {entry.start.astype(dt.date):%d/%m/%Y}; "
                              f"xl_kent/parameters/awards.toml)", styles.plain("text"))
    ws.freeze_panes(HEADER_ROW, 0)
    last = FIRST_ROW + max(len(table), DIRECTORATE_SLOTS) - 2
    common.setup_print(ws, 9, last, landscape=True, title="Lists")
    common.protect(ws)
