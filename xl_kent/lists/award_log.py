"""A cash award log: its columns, its cells, one set of checks, and the judgement of every row.

``xl-kent awards`` and ``xl-kent fill awards`` (and so the award tracking template) read a
log here. The fields include the award template's own columns, so that a log typed in the
template, or a filled copy, is judged the same by both: "Individual or team", "Team award
endorsed?", "Teachers' terms?" and "Capability procedure?" are the kind, the endorsement
and the two reasons a person is not eligible. A generic ``ineligible`` column (TRUE/FALSE)
is read too; a row is not eligible when any of the three says so.

A row whose judgement inputs cannot be read (no employee, a text amount or one not above
0, a date that is not a date, a kind that is neither team nor individual, a Yes/No cell
that is neither) is **not judged** and counts in no one's totals, as the core does with
its own error rows. The columns used only for monitoring (grade, part-time, front-line,
directorate) are read but never stop a judgement.

Examples
--------
>>> from xl_kent.files.reading import Table
>>> cols = {"Employee ID": ["E1", "E1"], "Award date": ["2026-05-01", "2026-06-01"],
...         "Amount £": [300.0, 150.0], "Individual or team": ["Team", "Team"],
...         "Work reference": ["P1", "P1"], "Team award endorsed?": ["Yes", "No"]}
>>> t = Table(list(cols), [np.array(v, dtype=object) for v in cols.values()], 5, "Award log", "xlsx")
>>> j = judge(read_award_log(t))
>>> j.ok.tolist(), j.reason.tolist()
([True, False], ['OK', 'Team award not endorsed by a senior manager outside the team'])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..awards import _codes, award_ok, explain
from ..errors import OK, reason_text
from . import parse
from .fields import ColumnError, ColumnMap, Field, Schema, fits_kind, map_columns
from .how import AWARD_HOW
from .problems import Problems, ProblemTable, add_unreadable, add_unseen_cells, problem_table
from .staff import _ID_ALIASES, SERIAL_WORDS, Check, check_bounds, year_words  # as a staff list

__all__ = ["AWARD_FIELDS", "AWARD_RESULTS", "AWARD_SCHEMA", "AwardLog", "Judgement", "award_checks",
           "beside_problems", "beside_problems_note", "judge", "judgement_notes", "read_award_log"]

AWARD_FIELDS: tuple[Field, ...] = (
    Field("employee_id", "id", True, _ID_ALIASES, "employee paid", "Employee ID"),
    Field("name", "text", False, ("employee name", "full name", "staff name"), "for you; not checked", "Name"),
    Field("grade", "grade", False, ("pay grade", "kr grade", "kent scheme grade"), "for the grade band (monitoring)",
          "Grade"),
    Field("part_time", "bool", False, ("part time", "part timer", "pt"), "Yes for part-time staff (monitoring)",
          "Part-time?"),
    Field("directorate", "text", False, ("division",), "directorate (monitoring)", "Directorate"),
    Field("front_line", "bool", False, ("front line", "front line staff", "frontline staff"),
          "Yes for front-line staff (monitoring)", "Front-line?"),
    Field("award_date", "date", True, ("date", "date of award", "date paid", "payment date", "paid on"),
          "date of the award", "Award date"),
    Field("amount", "number", True, ("amount gbp", "award amount", "amount paid", "value", "award", "payment"),
          "payment to this employee in £, above 0", "Amount £"),
    Field("kind", "text", False, ("type", "award type", "team or individual", "award kind", "individual or team",
                                  "team individual", "individual team"),
          "team or individual; blank = individual", "Individual or team"),
    Field("work_ref", "text", False, ("work reference", "work ref", "reference", "ref", "project", "project code",
                                      "project ref", "project reference", "work code"),
          "reference of the work rewarded; blank never matches another row", "Work reference"),
    Field("endorsed", "bool", False, ("endorsed by senior manager", "senior manager endorsed", "team award endorsed"),
          "team award endorsed by a senior manager outside the team (Yes/No); blank = No", "Team award endorsed?"),
    Field("teachers_terms", "bool", False, ("teachers terms", "on teachers terms", "teachers terms and conditions"),
          "Yes: on Teachers' terms (not eligible); blank = No", "Teachers' terms?"),
    Field("capability_procedure", "bool", False, ("capability", "under capability procedure",
                                                  "performance and capability procedure"),
          "Yes: under the performance and capability procedure (not eligible); blank = No",
          "Capability procedure?"),
    Field("ineligible", "bool", False, ("not eligible", "excluded"),
          "Yes: not eligible for another reason; blank = No", "Not eligible (other reason)?"),
)
_FIELD = {f.name: f for f in AWARD_FIELDS}

#: Result columns of ``xl-kent awards``: (header, format, meaning).
AWARD_RESULTS = (
    ("award_ok", "general", "TRUE when the award is within the scheme, FALSE when not, blank if not judged"),
    ("reason", "text", '"OK", the first rule broken, or why the row could not be judged'),
    ("rolling_12_month_total_gbp", "gbp", "the employee's awards in the 12 months to this one, this one included"),
    ("team_award_total_gbp", "gbp", "team rows: the whole team award for the work reference"),
)
#: The award tracking template's calculated columns (results when a filled copy is read back).
_TEMPLATE_RESULTS = ("Log row (judged)", "Not eligible (any reason)?", "Within the scheme?", "Reason",
                     "Employee's awards in 12 months £", "Team award total £", "Grade band", "Order key (judged)",
                     "Team row amount (judged)", "Individual or team (for the check)",
                     "Work reference (for the check)", "Team award endorsed (for the check)", "Part-time (read)",
                     "Front-line (read)", "Problems (row)", "Employee ID (for the totals)",
                     *(f"Problems: {f.label}" for f in AWARD_FIELDS if f.name in (
                         "employee_id", "award_date", "amount", "kind", "work_ref", "endorsed", "teachers_terms",
                         "capability_procedure", "ineligible")))
AWARD_SCHEMA = Schema("award log", AWARD_FIELDS, tuple(r for r, _, _ in AWARD_RESULTS) + _TEMPLATE_RESULTS
                      + (AWARD_HOW.name, AWARD_HOW.label))

_JUDGED_BY = ("employee_id", "award_date", "amount", "kind", "work_ref", "endorsed", "teachers_terms",
              "capability_procedure", "ineligible")
_FLAGS = ("endorsed", "teachers_terms", "capability_procedure", "ineligible")


@dataclass
class AwardLog:
    """An award log read and checked: typed columns by field name, problems, the mapping."""

    n_rows: int
    columns: ColumnMap
    values: dict[str, np.ndarray]
    blank_row: np.ndarray
    problems: Problems
    status: dict[str, np.ndarray]  # each field's parse status per row (GOOD, BLANK, ...)

    @property
    def present(self) -> set[str]:
        return set(self.columns.fields)


_READ_WORDS = {"id": "text", "date": "a date", "number": "a number", "bool": "Yes or No", "text": "text"}


def award_checks(on=None) -> tuple[Check, ...]:
    """Every check of an award row that stops its judgement, in the order they run, with the
    words (and the date bounds in force on ``on``, default today). The award template's
    checks take their words from here.

    >>> [c.reason for c in award_checks() if c.field == "amount"]
    ['amount is not a number', 'amount holds an Excel error value', 'amount is blank', 'amount is not above 0']
    """
    b = check_bounds(np.datetime64("today", "D") if on is None else on)
    checks: list[Check] = []

    def unreadable(name: str, blank: bool = False, wrong_type: bool = True) -> None:
        kind = _FIELD[name].kind
        if wrong_type:
            checks.append(Check(name, "wrong_type", f"{name} is not {_READ_WORDS[kind]}"))
        checks.append(Check(name, "error_value", f"{name} holds an Excel error value"))
        if kind == "date":
            checks.append(Check(name, "serial", f"{name} {SERIAL_WORDS}"))
        if blank:
            checks.append(Check(name, "blank", f"{name} is blank"))

    unreadable("employee_id", blank=True)
    unreadable("award_date", blank=True)
    checks.append(Check("award_date", "too_early", f"award_date is before {year_words(b['earliest_date'], True)} "
                                                   "(a typing error?)"))
    checks.append(Check("award_date", "too_late", f"award_date is after {year_words(b['latest_date'], False)} "
                                                  "(a typing error?)"))
    unreadable("amount", blank=True)
    checks.append(Check("amount", "not_positive", "amount is not above 0"))
    unreadable("kind", wrong_type=False)
    checks.append(Check("kind", "unknown", "kind is not team or individual"))
    unreadable("work_ref", wrong_type=False)
    for name in _FLAGS:
        unreadable(name)
    return tuple(checks)


def _need_work_refs(columns: ColumnMap, team: np.ndarray) -> None:
    """Refuse a log with team awards and no work reference column. Rule 2 adds up a team
    award's rows by their work reference and rule 4 finds the same work rewarded twice by it;
    with no column every team row would be judged on its own amount (as a blank reference is,
    docs/decisions.md), three rows of £300 for one piece of work each within the scheme."""
    if "work_ref" in columns.fields or not team.any():
        return
    guess = [columns.headers[i] for i, name in columns.suggest.items() if name == "work_ref"]
    hint = (f'is it {guess[0]!r}? --map "{guess[0]}=work_ref"' if guess
            else 'name it with --map "HEADER=work_ref", or add a Work Reference column')
    raise ColumnError(f"the log has {int(team.sum()):,} team award row(s) but no work reference column: "
                      "a team award's rows could not be added up (the £500 limit) nor the same work found "
                      f"rewarded twice; {hint}")


def _need_kind(table, columns: ColumnMap) -> None:
    """Refuse a log whose team or individual column is not read (its header not one of the
    kind field's names): a column not used that holds "Team" and "Individual" (and blanks)
    only. Every team award would be judged as an individual one (its rows not added up, its
    endorsement not asked for), each within the scheme, with one warning line only."""
    if "kind" in columns.fields:
        return
    for j in columns.unused:
        cells = np.asarray(table.columns[j], dtype=object)
        texts = {str(v).strip().casefold() for v in np.unique(cells[cells != None].astype(str))}  # noqa: E711
        texts.discard("")
        if "team" in texts and texts <= {"team", "individual"}:
            head = columns.headers[j]
            raise ColumnError(f"column {head!r} holds team and individual awards but is not read as the kind of "
                              f"award: every team award would be judged as an individual one; name it with "
                              f'--map "{head}=kind"')


def read_award_log(table, overrides: dict[str, str] | None = None, *, columns: ColumnMap | None = None
                   ) -> AwardLog:
    """Map, read and check an award log (a :class:`xl_kent.files.reading.Table`).

    Raises :class:`xl_kent.lists.fields.ColumnError` for missing or ambiguous columns.
    """
    if columns is None:
        columns = map_columns(table.headers, AWARD_SCHEMA, overrides,
                              lambda name, col: fits_kind(_FIELD[name].kind, table.columns[col]))
    n = table.n_rows
    problems = Problems()
    blank_row = columns.blank_rows(table)
    filled = ~blank_row  # a blank row inside the log is kept as it is: not a problem, not judged
    explained = add_unseen_cells(problems, table, columns, filled)  # (cells the reader could not see)

    def col(name):
        return columns.cells(table, name)

    words = {(c.field, c.id): c.reason for c in award_checks()}

    def unreadable(name: str, status: np.ndarray, blank: bool = False) -> None:
        on = filled & ~explained[name] if name in explained else filled
        add_unreadable(problems, on, name, status, words, blank)

    values: dict[str, np.ndarray] = {}
    statuses: dict[str, np.ndarray] = {}
    ids, status = parse.parse_text(col("employee_id"))
    values["employee_id"] = ids
    unreadable("employee_id", status, blank=True)
    statuses["employee_id"] = status
    for name in ("name", "grade", "directorate"):
        values[name], statuses[name] = parse.parse_text(col(name))
    for name in ("part_time", "front_line"):
        values[name], statuses[name] = parse.parse_bools(col(name))
    when, status = parse.parse_dates(col("award_date"))
    values["award_date"], statuses["award_date"] = when, status
    unreadable("award_date", status, blank=True)
    b = check_bounds(np.datetime64("today", "D"))
    problems.add(filled & (when < b["earliest_date"]), "award_date", words[("award_date", "too_early")])
    problems.add(filled & (when > b["latest_date"]), "award_date", words[("award_date", "too_late")])
    amount, status = parse.parse_numbers(col("amount"))
    values["amount"], statuses["amount"] = amount, status
    unreadable("amount", status, blank=True)
    problems.add(filled & (amount <= 0), "amount", words[("amount", "not_positive")])
    kind, status = parse.parse_text(col("kind"))
    statuses["kind"] = status
    folded = {s: s.casefold() for s in dict.fromkeys(kind.tolist())}
    low = np.array([folded[s] for s in kind.tolist()], dtype=object) if n else kind
    unreadable("kind", status)  # any text is read; only an error value is a problem here
    problems.add(filled & (status == parse.GOOD) & (low != "team") & (low != "individual"), "kind",
                 words[("kind", "unknown")])
    values["team"] = low == "team"
    _need_kind(table, columns)
    _need_work_refs(columns, filled & values["team"])
    refs, status = parse.parse_text(col("work_ref"))
    values["work_ref"], statuses["work_ref"] = refs, status
    unreadable("work_ref", status)
    for name in _FLAGS:
        values[name], status = parse.parse_bools(col(name))
        statuses[name] = status
        unreadable(name, status)
    values["not_eligible"] = values["teachers_terms"] | values["capability_procedure"] | values["ineligible"]
    return AwardLog(n, columns, values, blank_row, problems, statuses)


@dataclass
class Judgement:
    """Every row of a log judged against the whole log.

    ``judged``: the row could be read and the core judged it; ``ok``: within the scheme
    (False where not judged); ``rule``: the first rule broken (0 = none); ``reason``:
    "OK", the rule in words, or why the row was not judged; ``rolling_total_gbp`` and
    ``team_total_gbp``: NaN where not judged (the team total on team rows only).
    """

    judged: np.ndarray
    ok: np.ndarray
    rule: np.ndarray
    reason: np.ndarray
    rolling_total_gbp: np.ndarray
    team_total_gbp: np.ndarray
    problems: ProblemTable
    log: AwardLog

    @cached_property
    def beside(self) -> np.ndarray:
        """:func:`beside_problems` of this judgement, worked out once (the Summary, the warning
        and the How column all ask for it)."""
        return beside_problems(self)


def judge(log: AwardLog, table=None) -> Judgement:
    """Judge every row with :func:`xl_kent.awards.award_ok` over the whole log.

    Rows that cannot be read are not judged and count in no totals (their amount is left
    out); the core's own errors are added as problems. ``table`` (the file read) gives the
    Errors lines their cells.
    """
    v, n = log.values, log.n_rows
    bad_input = log.problems.rows_with(n, _JUDGED_BY) | log.blank_row
    r = award_ok(np.where(bad_input, "", v["employee_id"]).astype(object), v["award_date"],
                 np.where(bad_input, np.nan, v["amount"]), v["team"], v["work_ref"], v["endorsed"],
                 v["not_eligible"])
    judged = ~bad_input & (r.error == OK)
    core_bad = ~bad_input & (r.error != OK)
    for code in np.unique(r.error[core_bad]).tolist():
        log.problems.add(core_bad & (r.error == code), "", reason_text(code))
    headers = table.headers if table is not None else [f.label or f.name for f in AWARD_FIELDS]
    columns = table.columns if table is not None else [np.full(n, None, dtype=object)] * len(headers)
    mapping = log.columns.fields if table is not None else {f.name: j for j, f in enumerate(AWARD_FIELDS)}
    pt = problem_table(log.problems, n, headers, columns, mapping, [name for name, _, _ in AWARD_RESULTS],
                       blank=log.blank_row)
    words = explain(r.rule, r.error, v["award_date"])
    reason = np.where(judged, words, pt.status).astype(object)
    rolling = np.where(judged, r.rolling_total_gbp, np.nan)
    team = np.where(judged & v["team"], r.team_total_gbp, np.nan)
    return Judgement(judged, judged & r.ok, np.where(judged, r.rule, 0), reason, rolling, team, pt, log)


def beside_problems(j: Judgement) -> np.ndarray:
    """Judged rows that share an employee or a work reference with a row that was not judged
    (a problem row; blank rows do not count).

    A row not judged counts in no one's totals, so the verdicts of these rows leave it out:
    an employee's rolling total without that award, a team's total without that row. They
    may change once the problem row is fixed, and the commands say how many there are.
    Ids and references match as the rules match them (trimmed, ignoring case).
    """
    v, n = j.log.values, j.log.n_rows
    unjudged = ~j.judged & ~j.log.blank_row
    out = np.zeros(n, dtype=bool)
    if not unjudged.any():
        return out
    for key in ("employee_id", "work_ref"):
        codes = _codes(v[key], n, ordered=False)
        shared = np.unique(codes[unjudged & (codes >= 0)])
        if shared.size:
            out |= j.judged & np.isin(codes, shared)
    return out


#: What the How column adds on a row judged beside a problem row (:func:`beside_problems`).
BESIDE_PROBLEMS_WORDS = ("; judged without a row of the same employee or work that has a problem (see the "
                         "Errors sheet): this may change once that row is fixed")


def beside_problems_note(j: Judgement) -> str | None:
    """The one line the commands print (and the Summary notes) when some judged rows are
    judged beside a problem row (:func:`beside_problems`), or None."""
    beside = int(j.beside.sum())
    if not beside:
        return None
    return (f"{beside:,} judged award(s) share an employee or a work reference with a row that has a "
            "problem; their verdicts and totals leave that row out and may change once it is fixed")


def judgement_notes(log: AwardLog, j: Judgement) -> list[str]:
    """The warning lines of a judged log, the same for ``awards``, ``fill awards`` and the
    DataFrame API (the column lines apart): :func:`beside_problems_note`, and the employee ids
    typed two ways, with and without leading zeros (:func:`~.problems.look_alike_ids`)."""
    from .problems import look_alike_ids, look_alike_warning

    twice = look_alike_warning(*look_alike_ids(log.values["employee_id"][~log.blank_row]), "the award log",
                               "each way's awards are judged against the limits alone")
    return [line for line in (beside_problems_note(j), twice) if line]
