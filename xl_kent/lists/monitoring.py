"""The award tracking template's Monitoring figures, from an award log read by the one layer.

"Equity of application" for a period: awards, £, average, shares, awards outside the
scheme and awards per 100 staff, by grade band, part-time, front-line and directorate.
The figures are what the template's Monitoring formulas give over a log (the tests
prove it cell by cell in LibreOffice), computed from the layer's reading
(:mod:`xl_kent.lists.award_log`) and the workbook's settings. ``xl-kent fill awards``
writes them as the cached values of those formulas; the tests use them as the oracle.

Which rows count (the formulas' ``AwardRollingTotal,"<9.99E+307"`` and period criteria):
rows the layer **judged** (within the scheme or not), dated from ``period_start`` to
``period_end`` (both included). "Outside the scheme" counts the judged rows that are
not OK. Rows that could not be judged are counted once, in the summary.

The groups of each table (:func:`breakdowns`):

* **grade band**: each band of ``settings["bands"]``, matched with the row's grade band
  (:func:`grade_bands`: the template's ``VLOOKUP(TRIM(grade), GradeBands, 2, FALSE)``
  over ``settings["grade_bands"]``: the first grade that matches, case ignored, ``*``
  ``?`` ``~`` as wildcards; ``"Grade blank or not listed"`` for a blank grade, one not in
  the table, or one whose band is blank); then "Grade blank or not listed" and All;
* **part-time / front-line**: "Yes", "No" (the layer's reading of the cell, Yes/No,
  y/n, TRUE/FALSE, 1/0: :func:`flag_reading`), then "Not recorded" (blank or neither)
  and All;
* **directorate**: each name of ``settings["directorates"]`` matched as a COUNTIFS
  criterion with the row's directorate (case ignored, wildcards), then "Not in the list
  (or blank)" and All.

The "rest" row of a table is All minus the groups above it (as the sheet's
``=C23-SUM(C16:C21)``), so a row matched by two groups is counted twice and the rest
goes down, exactly as in the workbook. Measures per group (:data:`MEASURES`): ``count``,
``total_gbp``, ``average_gbp`` (blank when no award), ``share_count`` and ``share_gbp``
(of All; blank when All is 0), ``outside`` and ``per_100`` (awards per 100 staff, from
``settings["headcounts"][(table, label)]`` when above 0, else blank). A blank is ``""``,
as the cell shows it.

Everything is computed over whole columns with numpy: a group is matched once per
distinct value of its column, not once per row.

Examples
--------
>>> import datetime as dt
>>> from xl_kent.files.reading import Table
>>> from xl_kent.lists.award_log import judge, read_award_log
>>> cols = {"Employee ID": ["E1", "E2", "E3", "E4"],
...         "Award date": ["2026-05-01", "2026-06-01", "2026-06-02", "2026-07-01"],
...         "Amount £": [300.0, 650.0, 200.0, "TBC"], "Grade": ["KR6", "kr9", "KR40", "KR6"],
...         "Part-time?": ["Yes", "n", None, "Yes"], "Directorate": ["Growth", "growth", "Other", None]}
>>> t = Table(list(cols), [np.array(v, dtype=object) for v in cols.values()], 5, "Award log", "xlsx")
>>> log = read_award_log(t)
>>> settings = {"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 12, 31),
...             "bands": ("Lower paid", "KR7-KR9"), "directorates": ("Growth",),
...             "grade_bands": (("KR6", "Lower paid"), ("KR9", "KR7-KR9")),
...             "headcounts": {("band", "Lower paid"): 40}}
>>> m = monitoring(log, judge(log, t), settings)
>>> m.summary["judged"], m.summary["not_judged"], m.summary["count"], m.summary["outside"]
(3, 1, 3, 1)
>>> m.grade_band.tolist()
['Lower paid', 'KR7-KR9', 'Grade blank or not listed', 'Lower paid']
>>> m.row("band", "Lower paid")["count"], m.row("band", "Lower paid")["per_100"]
(1, 2.5)
>>> m.row("part_time", "Full-time")["total_gbp"], m.row("part_time", "Not recorded")["count"]
(650.0, 1)
>>> m.row("directorate", "Growth")["share_gbp"], m.row("directorate", NOT_IN_LIST)["count"]
(0.8260869565217391, 1)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..cells import GOOD
from . import parse

__all__ = [
    "ALL_LABEL",
    "MEASURES",
    "NOT_IN_LIST",
    "NOT_RECORDED",
    "PERIOD_MESSAGE",
    "UNLISTED_GRADE",
    "Breakdown",
    "Group",
    "Monitoring",
    "breakdowns",
    "criterion_matches",
    "flag_reading",
    "grade_bands",
    "monitoring",
]

UNLISTED_GRADE = "Grade blank or not listed"
ALL_LABEL = "All awards in the period"
NOT_RECORDED = "Not recorded"
NOT_IN_LIST = "Not in the list (or blank)"
PERIOD_MESSAGE = "Enter two dates: From on or before To"
MEASURES = ("count", "total_gbp", "average_gbp", "share_count", "share_gbp", "outside", "per_100")
#: The summary lines of the Monitoring sheet, in order.
SUMMARY_KEYS = ("period_check", "judged", "not_judged", "count", "total_gbp", "outside")


# ---------------------------------------------------------------------------- the groups
@dataclass(frozen=True)
class Group:
    """One row of a Monitoring table.

    ``kind``: ``"list"`` (a band or directorate of the settings, matched with
    ``criterion`` as COUNTIFS does), ``"fixed"`` (Yes or No of a Yes/No column),
    ``"rest"`` (All minus the groups above) or ``"all"``.
    """

    label: str
    kind: str
    criterion: str = ""


@dataclass(frozen=True)
class Breakdown:
    """One Monitoring table: its key (``"band"``, ``"part_time"``, ``"front_line"``,
    ``"directorate"``) and its groups in sheet order."""

    key: str
    groups: tuple[Group, ...]


def breakdowns(settings: dict) -> tuple[Breakdown, ...]:
    """The four tables and their groups for these settings.

    >>> [g.label for g in breakdowns({"bands": ("Low",), "directorates": ()})[1].groups]
    ['Part-time', 'Full-time', 'Not recorded', 'All awards in the period']
    """
    bands = tuple(Group(b, "list", b) for b in settings["bands"] if b)
    dirs = tuple(Group(d, "list", d) for d in settings["directorates"] if d)
    rest_all = (Group(ALL_LABEL, "all"),)
    return (
        Breakdown("band", bands + (Group(UNLISTED_GRADE, "rest"),) + rest_all),
        Breakdown("part_time", (Group("Part-time", "fixed", "Yes"), Group("Full-time", "fixed", "No"),
                                Group(NOT_RECORDED, "rest")) + rest_all),
        Breakdown("front_line", (Group("Front-line", "fixed", "Yes"), Group("Not front-line", "fixed", "No"),
                                 Group(NOT_RECORDED, "rest")) + rest_all),
        Breakdown("directorate", dirs + (Group(NOT_IN_LIST, "rest"),) + rest_all),
    )


# ---------------------------------------------------------------------------- Excel's matching
def _wildcard(text: str) -> re.Pattern | None:
    """The regex of a text with ``*``/``?`` wildcards (``~`` escapes them), or None without any."""
    if not any(ch in text for ch in "*?~"):
        return None
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == "~" and i + 1 < len(text) and text[i + 1] in "*?~":
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _text_match(text: str) -> Callable[[str], bool]:
    """Which texts equal ``text`` as VLOOKUP and COUNTIFS compare: case ignored, wildcards."""
    pattern = _wildcard(text)
    if pattern is None:
        key = text.casefold()
        return lambda v: v != "" and v.casefold() == key
    return lambda v: v != "" and pattern.fullmatch(v) is not None


def _criterion(text: str) -> Callable[[str], bool]:
    """Which cells (text, ``""`` = blank) a COUNTIFS text criterion matches.

    A leading ``=``, ``<>``, ``<``, ``>``, ``<=`` or ``>=`` is an operator: equality and
    inequality are Excel's; the order of ``<``/``>`` on text is the programs' collation,
    approximated here by case-folded comparison. ``"="`` alone matches blank cells.
    """
    for op in ("<>", "<=", ">=", "=", "<", ">"):
        if text.startswith(op):
            rest = text[len(op):]
            if op == "=":
                return (lambda v: v == "") if rest == "" else _text_match(rest)
            if op == "<>":
                inner = _criterion("=" + rest)
                return lambda v: not inner(v)
            key = rest.casefold()
            cmp = {"<": str.__lt__, ">": str.__gt__, "<=": str.__le__, ">=": str.__ge__}[op]
            return lambda v: v != "" and cmp(v.casefold(), key)
    return _text_match(text)


def criterion_matches(text: str, values: np.ndarray) -> np.ndarray:
    """Mask of ``values`` (text, ``""`` blank) that the COUNTIFS criterion ``text`` matches;
    the criterion is tried once per distinct value.

    >>> criterion_matches("kr*", np.array(["KR6", "Apprentice", "kr10", ""], dtype=object)).tolist()
    [True, False, True, False]
    """
    if values.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    distinct, inverse = parse.factorize(values)
    match = _criterion(text)
    return np.array([match(v) for v in distinct], dtype=bool)[inverse]


# ---------------------------------------------------------------------------- the row columns
def grade_bands(grades: np.ndarray, grade_table: Sequence[tuple[str, str]]) -> np.ndarray:
    """Each row's grade band, as the Award log's Grade band column finds it.

    ``VLOOKUP(TRIM(grade), GradeBands, 2, FALSE)``: the first grade of the table that the
    row's grade matches (case ignored, ``*`` ``?`` ``~`` wildcards in the row's grade), its
    band; :data:`UNLISTED_GRADE` when the grade is blank, not in the table, or its band is
    blank. ``grades`` are trimmed text (``""`` blank), as the layer reads them.

    >>> grade_bands(np.array(["kr6", "", "KR99", "KR*"], dtype=object),
    ...             [("KR5", "Low"), ("KR6", "Low"), ("KR7", "")]).tolist()
    ['Low', 'Grade blank or not listed', 'Grade blank or not listed', 'Low']
    """
    grades = np.asarray(grades, dtype=object)
    if grades.shape[0] == 0:
        return np.zeros(0, dtype=object)
    keys = [(str(g) if g is not None else "", "" if b is None else str(b)) for g, b in grade_table]
    distinct, inverse = parse.factorize(grades)
    found = []
    for g in distinct:
        band = ""
        if g:
            match = _text_match(g)
            band = next((b for k, b in keys if match(k)), "")
        found.append(band or UNLISTED_GRADE)
    return np.array(found, dtype=object)[inverse]


def flag_reading(log, name: str) -> np.ndarray:
    """A Yes/No column as the layer reads it: ``"Yes"``, ``"No"``, or ``""`` (blank or
    neither), per row.

    Yes and No are what :func:`xl_kent.lists.parse.parse_bools` accepts (Yes/No, y/n,
    TRUE/FALSE, 1/0, case and spaces ignored), by the parse status the log keeps.
    """
    if name not in log.columns.fields:
        return np.full(log.n_rows, "", dtype=object)
    yes = np.asarray(log.values[name], dtype=bool)
    return np.where(yes, "Yes", np.where(log.status[name] == GOOD, "No", "")).astype(object)


# ---------------------------------------------------------------------------- the figures
@dataclass
class Monitoring:
    """The Monitoring sheet's figures for one log and one set of settings.

    ``summary``: :data:`SUMMARY_KEYS` -> value (``period_check`` is "OK" or
    :data:`PERIOD_MESSAGE`); ``tables``: table key -> ``[(Group, {measure: value})]`` in
    sheet order; per row of the log: ``counted`` (judged and in the period),
    ``grade_band``, ``part_time`` and ``front_line`` (``"Yes"``/``"No"``/``""``).
    """

    summary: dict[str, Any]
    tables: dict[str, list[tuple[Group, dict[str, Any]]]]
    counted: np.ndarray
    grade_band: np.ndarray
    part_time: np.ndarray
    front_line: np.ndarray
    settings: dict = field(repr=False, default_factory=dict)

    def row(self, table: str, label: str) -> dict[str, Any]:
        """The measures of one group, by its label."""
        return next(v for g, v in self.tables[table] if g.label == label)


def _day(d) -> np.datetime64:
    return np.datetime64(d.date() if isinstance(d, dt.datetime) else d, "D")


def monitoring(log, judgement, settings: dict) -> Monitoring:
    """The Monitoring figures of a log read by :func:`~xl_kent.lists.award_log.read_award_log`
    and judged by :func:`~xl_kent.lists.award_log.judge`, for ``settings`` (the template's:
    ``period_start``, ``period_end``, ``bands``, ``grade_bands``, ``directorates``,
    ``headcounts``)."""
    v = log.values
    judged = np.asarray(judgement.judged, dtype=bool)
    start, end = _day(settings["period_start"]), _day(settings["period_end"])
    when = v["award_date"]
    counted = judged & (when >= start) & (when <= end)
    amount = np.where(counted, v["amount"], 0.0)
    out = counted & ~np.asarray(judgement.ok, dtype=bool)
    band = grade_bands(v["grade"], settings["grade_bands"])
    part_time, front_line = flag_reading(log, "part_time"), flag_reading(log, "front_line")
    column = {"band": band, "part_time": part_time, "front_line": front_line,
              "directorate": np.asarray(v["directorate"], dtype=object)}
    rows = np.flatnonzero(counted)

    def stats(sel: np.ndarray) -> tuple[int, float, int]:  # sel: mask over the counted rows
        picked = rows[sel]
        return int(picked.shape[0]), float(np.sum(amount[picked])), int(np.count_nonzero(out[picked]))

    all_stats = stats(np.ones(rows.shape[0], dtype=bool))
    headcounts = settings.get("headcounts") or {}
    tables: dict[str, list[tuple[Group, dict[str, Any]]]] = {}
    for b in breakdowns(settings):
        values = column[b.key][rows]
        got: dict[int, tuple[int, float, int]] = {}
        for k, g in enumerate(b.groups):
            if g.kind in ("list", "fixed"):
                got[k] = stats(criterion_matches(g.criterion, values))
            elif g.kind == "all":
                got[k] = all_stats
        above = [got[k] for k, g in enumerate(b.groups) if g.kind in ("list", "fixed")]
        for k, g in enumerate(b.groups):
            if g.kind == "rest":  # the sheet's =C23-SUM(C16:C21), measure by measure
                got[k] = (all_stats[0] - sum(s[0] for s in above), all_stats[1] - sum(s[1] for s in above),
                          all_stats[2] - sum(s[2] for s in above))
        tables[b.key] = [(g, _measures(got[k], headcounts.get((b.key, g.label)), all_stats))
                         for k, g in enumerate(b.groups)]
    summary = {
        "period_check": "OK" if start <= end else PERIOD_MESSAGE,
        "judged": int(judged.sum()),
        "not_judged": int((~judged & ~np.asarray(log.blank_row, dtype=bool)).sum()),
        "count": all_stats[0], "total_gbp": all_stats[1], "outside": all_stats[2],
    }
    return Monitoring(summary, tables, counted, band, part_time, front_line, settings)


def _measures(s: tuple[int, float, int], headcount, all_stats: tuple[int, float, int]) -> dict[str, Any]:
    """One group's cells: the formulas' blanks included (``""``)."""
    count, total, outside = s
    per_100: Any = ""
    if isinstance(headcount, (int, float, np.integer, np.floating)) and not isinstance(headcount, bool) \
            and headcount > 0:
        per_100 = count / float(headcount) * 100
    return {
        "count": count,
        "total_gbp": total,
        "average_gbp": "" if count == 0 else total / count,
        "share_count": "" if all_stats[0] == 0 else count / all_stats[0],
        "share_gbp": "" if all_stats[1] == 0 else total / all_stats[1],
        "outside": outside,
        "per_100": per_100,
    }
