"""Recalculate a whole staff list: leave, sick pay and redundancy per row, by the core.

:func:`recalc_table` takes a table read from a file (:class:`xl_kent.files.reading.Table`),
maps and validates its columns (:mod:`xl_kent.lists.staff`) and calls the rule functions
of the core once per result over all rows (never a rule re-implemented here):

* leave (G.1, G.2): :func:`xl_kent.leave.leave_accrual` for the whole leave year
  containing the as-of date (as_of = the year's 31 March) and accrued to the as-of date,
  in days and hours; casual and relief rows accrue hours on ``hours_worked``;
* sick pay (J.2): :func:`xl_kent.sick_pay.sick_pay_allowance` for the full- and half-pay
  days left for an absence starting on the as-of date, and
  :func:`xl_kent.sick_pay.sick_pay` for the cost of a modelled absence of
  ``absence_days`` calendar days from the as-of date;
* redundancy (I.2.G): :func:`xl_kent.redundancy.redundancy_weeks` on age and complete
  years of service on the as-of date (the modelled termination date), with the row's
  multiplier, and the pay at actual weekly pay.

The result is an :class:`Outcome`: the original columns untouched, the result columns
and ``status`` beside them, an Errors table (one line per problem) and a Summary.
:func:`run` does the whole command: read, compute, write atomically, print.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xl_kent import __version__
from xl_kent.errors import OK, reason_text
from xl_kent.leave import (
    E_EMPLOYMENT_ORDER,
    E_GRADE,
    E_GRADE_BLANK,
    E_HOURS_RANGE,
    E_SERVICE_START,
    E_WORKED_BLANK,
    E_WORKED_RANGE,
    leave_accrual,
    leave_year_bounds,
)
from xl_kent.lists import staff as st
from xl_kent.money import round_pennies
from xl_kent.redundancy import redundancy_pay_gbp, redundancy_weeks, weekly_pay_gbp
from xl_kent.sick_pay import sick_pay, sick_pay_allowance

from .progress import Progress, stage

__all__ = [
    "DEFAULT_ABSENCE_DAYS",
    "RESULT_COLUMNS",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "EXIT_OUTPUT",
    "Outcome",
    "recalc_table",
    "default_output",
    "run",
]

#: Calendar days of the modelled sickness absence when ``--absence-days`` is not given:
#: four weeks, a common trigger point for a long-term absence review.
DEFAULT_ABSENCE_DAYS = 28

#: Exit codes of ``xl-kent recalc`` and ``xl-kent awards``.
EXIT_OK = 0  # output written, every row OK
EXIT_PROBLEMS = 1  # output written, some rows have problems (see the Errors sheet)
EXIT_USAGE = 2  # usage error, unreadable input, missing column, no data rows: nothing written
EXIT_OUTPUT = 3  # output refused (same as the input) or could not be written: nothing written

#: Result columns: (header, format for the writer, meaning). Units are in the names.
RESULT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("in_post_on_as_of", "general", "TRUE when employed on the as-of date (started, not yet left)"),
    ("age_years", "integer", "age in completed years on the as-of date"),
    ("service_years", "integer", "complete years of continuous service on the as-of date"),
    ("leave_year_entitlement_days", "days", "annual leave for the whole leave year containing the as-of date"),
    ("leave_year_entitlement_hours", "hours", "the same in hours (part-time: by the scheme's hours rule)"),
    ("leave_accrued_days", "days", "annual leave accrued from the leave year start to the as-of date"),
    ("leave_accrued_hours", "hours", "the same in hours; casual and relief: hours accrued on hours_worked"),
    ("sick_full_pay_days_left", "days", "calendar days of full sick pay left for an absence from the as-of date"),
    ("sick_half_pay_days_left", "days", "calendar days of half sick pay left"),
    ("sick_absence_cost_gbp", "gbp", "gross pay for the modelled absence (--absence-days from the as-of date)"),
    ("weekly_pay_gbp", "gbp", "actual weekly pay, annual_salary / 365 * 7"),
    ("redundancy_weeks", "number", "weeks' pay due if made redundant on the as-of date (with the multiplier)"),
    ("redundancy_pay_gbp", "gbp", "redundancy_weeks times weekly_pay_gbp"),
)
_MONEY = {name for name, fmt, _ in RESULT_COLUMNS if fmt == "gbp"}

# Core reason codes that name an input column: reported against that column.
_CORE_FIELD = {
    E_GRADE: "grade", E_GRADE_BLANK: "grade", E_SERVICE_START: "service_start",
    E_HOURS_RANGE: "weekly_hours", E_EMPLOYMENT_ORDER: "employment_end",
    E_WORKED_BLANK: "hours_worked", E_WORKED_RANGE: "hours_worked",
}

# Inputs each result needs: a problem on any of them leaves the result blank.
_NEEDS = {
    "in_post": ("service_start", "employment_start", "employment_end"),
    "leave": ("contract_type", "grade", "service_start", "employment_start", "employment_end", "weekly_hours"),
    "casual": ("contract_type", "hours_worked"),
    "relief": ("contract_type", "grade", "service_start", "hours_worked"),
    "sick": ("contract_type", "service_start", "employment_start", "employment_end", "prior_sick_days"),
    "salary": ("annual_salary",),
    "redundancy": ("contract_type", "date_of_birth", "service_start", "employment_start", "employment_end",
                   "multiplier"),
}


@dataclass
class Outcome:
    """What a bulk command writes: the main sheet, Errors, Summary, and counts."""

    headers: list[str]
    columns: list[np.ndarray]
    formats: list[str]
    errors_headers: list[str]
    errors_columns: list[np.ndarray]
    summary: list[tuple[str, object]]
    n_rows: int
    n_problem_rows: int
    notes: list[str] = field(default_factory=list)  # extra lines for the printed summary
    n_flagged: int = 0  # rows that are fine as data but need attention (awards outside the scheme)

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEMS if self.n_problem_rows or self.n_flagged else EXIT_OK


def _subset(mask: np.ndarray) -> np.ndarray:
    return np.flatnonzero(mask)


def _by_grade(values: dict[str, np.ndarray], rows: np.ndarray):
    """``(grade text, rows)`` for each distinct grade among ``rows``."""
    inverse = values["grade_index"][rows]
    order = np.argsort(inverse, kind="stable")
    cuts = np.flatnonzero(np.diff(inverse[order])) + 1
    for part in np.split(order, cuts):
        if part.size:
            yield str(values["grade_labels"][inverse[part[0]]]), rows[part]


def _core_problems(problems: st.Problems, rows: np.ndarray, error: np.ndarray, column: str) -> None:
    """Report core errors on ``rows`` (whose inputs passed validation) by reason."""
    bad = error != OK
    if not bad.any():
        return
    for code in np.unique(error[bad]).tolist():
        problems.add(rows[error == code], _CORE_FIELD.get(code, column), reason_text(code))


def compute(staff: st.Staff, as_of, absence_days: float, progress=None) -> dict[str, np.ndarray]:
    """The result columns for a parsed staff list (problems found by the core are added).

    ``progress``, when given, is called with the number of steps done (of 4).
    """
    as_of = np.datetime64(as_of, "D")
    n = staff.n_rows
    v, probs, contract = staff.values, staff.problems, staff.contract
    blank = staff.blank_row

    def clean(key: str) -> np.ndarray:
        return ~(probs.rows_with(n, _NEEDS[key]) | blank)

    salaried, casual, relief = contract == "salaried", contract == "casual", contract == "relief"
    service, start, end = v["service_start"], v["employment_start"], v["employment_end"]
    out = {name: np.full(n, np.nan) for name, _, _ in RESULT_COLUMNS}

    known = clean("in_post") & ~np.isnat(start)
    in_post_bool = (start <= as_of) & (np.isnat(end) | (end >= as_of))
    in_post = np.full(n, None, dtype=object)
    in_post[known] = in_post_bool[known]
    out["in_post_on_as_of"] = in_post
    out["age_years"] = np.where(~probs.rows_with(n, ["date_of_birth"]), v["age_years"], np.nan)
    out["service_years"] = np.where(~probs.rows_with(n, ["service_start"]), v["service_years"], np.nan)

    # Leave (G.1, G.2): the whole leave year (as_of = its last day) and to the as-of date.
    _year_start, next_year = leave_year_bounds(np.array([as_of]))
    year_end = next_year[0] - np.timedelta64(1, "D")
    # One call per distinct grade (a loop over grades, not rows): the grade is parsed once.
    for grade, rows in _by_grade(v, _subset(salaried & clean("leave"))):
        hours = v["weekly_hours"][rows]
        for name, on, unit in (("leave_year_entitlement_days", year_end, "days"),
                               ("leave_year_entitlement_hours", year_end, "hours"),
                               ("leave_accrued_days", as_of, "days"), ("leave_accrued_hours", as_of, "hours")):
            r = leave_accrual(grade, service[rows], on, hours, start[rows], end[rows], unit)
            out[name][rows] = r.value
            _core_problems(probs, rows, r.error, name)
    for grade, rows in _by_grade(v, _subset((casual & clean("casual")) | (relief & clean("relief")))):
        r = leave_accrual(grade, service[rows], as_of, v["hours_worked"][rows], None, None,
                          contract[rows].astype(str))
        out["leave_accrued_hours"][rows] = r.value
        _core_problems(probs, rows, r.error, "leave_accrued_hours")
    if progress:
        progress(2)

    # Sick pay (J.2): allowance left, and a modelled absence from the as-of date.
    sick_rows = salaried & (in_post == True) & clean("sick")  # noqa: E712 (object array of True/False/None)
    rows = _subset(sick_rows)
    r = sick_pay_allowance(service[rows], as_of, v["prior_sick_days"][rows])
    out["sick_full_pay_days_left"][rows] = r.full_pay_days
    out["sick_half_pay_days_left"][rows] = r.half_pay_days
    _core_problems(probs, rows, r.error, "sick_full_pay_days_left")
    allowed = np.zeros(n, dtype=bool)
    allowed[rows[r.error == OK]] = True
    rows = _subset(allowed & clean("salary"))
    c = sick_pay(service[rows], as_of, float(absence_days), v["annual_salary"][rows], v["prior_sick_days"][rows])
    out["sick_absence_cost_gbp"][rows] = c.pay_gbp
    _core_problems(probs, rows, c.error, "sick_absence_cost_gbp")
    if progress:
        progress(3)

    # Redundancy (I.2.G): on the as-of date as the termination date, at actual weekly pay.
    pay_rows = _subset(salaried & clean("salary"))
    out["weekly_pay_gbp"][pay_rows] = weekly_pay_gbp(v["annual_salary"][pay_rows], as_of)
    rows = _subset(salaried & (in_post == True) & clean("redundancy"))  # noqa: E712
    r = redundancy_weeks(v["age_years"][rows], v["service_years"][rows], v["multiplier"][rows],
                         termination_date=as_of)
    out["redundancy_weeks"][rows] = r.weeks
    _core_problems(probs, rows, r.error, "redundancy_weeks")
    salary = np.where(np.isnan(out["weekly_pay_gbp"]), np.nan, v["annual_salary"])
    out["redundancy_pay_gbp"] = redundancy_pay_gbp(out["redundancy_weeks"], salary, as_of)
    if progress:
        progress(4)
    return out


def _display(cells: np.ndarray) -> np.ndarray:
    """Cells as short text for the Errors sheet's ``value`` column."""
    out = np.empty(cells.shape[0], dtype=object)
    for i, c in enumerate(cells.tolist()):
        if c is None:
            out[i] = ""
        elif isinstance(c, dt.datetime):
            out[i] = f"{c:%d/%m/%Y}" if c.time() == dt.time() else f"{c:%d/%m/%Y %H:%M:%S}"
        elif isinstance(c, dt.date):
            out[i] = f"{c:%d/%m/%Y}"
        elif isinstance(c, float) and c.is_integer():
            out[i] = str(int(c))
        else:
            out[i] = str(c)
    return out


@dataclass
class ProblemTable:
    """Problems flattened and sorted by row, then column order."""

    rows: np.ndarray  # 0-based data rows
    columns: np.ndarray  # column labels (file headers or result names), object
    values: np.ndarray  # the cell as text ("" for a result column), object
    reasons: np.ndarray  # reason text, object
    status: np.ndarray  # per data row: "OK" or the reasons joined by "; "
    problem_rows: int
    counts: list[tuple[str, int]]  # reason -> rows, most frequent first


def problem_table(problems: st.Problems, n: int, headers: list[str], table_columns: list[np.ndarray],
                  mapping: dict[str, int], extra_order: list[str]) -> ProblemTable:
    """Flatten :class:`~xl_kent.lists.staff.Problems` for the Errors sheet and the status column."""
    entries = problems.entries
    reasons = list(dict.fromkeys(t for _, _, t in entries))
    labels: list[str] = []
    order: list[int] = []
    for _, col, _ in entries:
        if col in mapping:
            labels.append(headers[mapping[col]])
            order.append(mapping[col])
        elif col == "":
            labels.append("")
            order.append(-1)
        else:
            labels.append(col)
            order.append(len(headers) + (extra_order.index(col) if col in extra_order else len(extra_order)))
    if entries:
        rows = np.concatenate([r for r, _, _ in entries])
        which = np.concatenate([np.full(r.shape[0], k) for k, (r, _, _) in enumerate(entries)])
    else:
        rows = which = np.zeros(0, dtype=np.int64)
    col_order = np.array(order + [0], dtype=np.int64)[which]
    reason_id = np.array([reasons.index(t) for _, _, t in entries] + [0], dtype=np.int64)[which]
    sort = np.lexsort((reason_id, col_order, rows))
    rows, which, reason_id = rows[sort], which[sort], reason_id[sort]
    reason_text_arr = np.array(reasons + [""], dtype=object)[reason_id]
    label_arr = np.array(labels + [""], dtype=object)[which]
    values = np.full(rows.shape[0], "", dtype=object)
    for k, (_r, col, _t) in enumerate(entries):  # one gather per problem kind, not per row
        if col in mapping:
            sel = np.flatnonzero(which == k)
            values[sel] = _display(table_columns[mapping[col]][rows[sel]])
    status = np.full(n, "OK", dtype=object)
    if rows.size:
        first = np.r_[True, rows[1:] != rows[:-1]]
        single = first & np.r_[first[1:], True]
        status[rows[single]] = reason_text_arr[single]
        multi = np.flatnonzero(first & ~single)
        starts = np.flatnonzero(first)
        ends = np.r_[starts[1:], rows.shape[0]]
        where = {s: e for s, e in zip(starts.tolist(), ends.tolist(), strict=True)}
        for s in multi.tolist():  # rows with several problems only
            status[rows[s]] = "; ".join(dict.fromkeys(reason_text_arr[s:where[s]].tolist()))
    counts: list[tuple[str, int]] = []
    for k, t in enumerate(reasons):
        r = rows[reason_id == k]
        counts.append((t, int(np.unique(r).shape[0])))
    counts.sort(key=lambda x: -x[1])
    problem_rows = int(np.unique(rows).shape[0])
    return ProblemTable(rows, label_arr, values, reason_text_arr, status, problem_rows, counts)


def _fmt_date(d) -> str:
    return dt.date.fromisoformat(str(np.datetime64(d, "D"))).strftime("%d/%m/%Y")


def recalc_table(table, as_of, absence_days: float = DEFAULT_ABSENCE_DAYS, overrides=None,
                 source: str | None = None, progress=None) -> Outcome:
    """Recalculate a staff list read from a file; see the module docstring.

    Raises :class:`~xl_kent.lists.staff.ColumnError` for a missing or ambiguous column.
    """
    as_of = np.datetime64(as_of, "D")
    staff = st.read_staff(table, as_of, overrides)
    if progress:
        progress(1)
    results = compute(staff, as_of, absence_days, progress)
    n = table.n_rows
    names = [name for name, _, _ in RESULT_COLUMNS]
    pt = problem_table(staff.problems, n, table.headers, table.columns, staff.mapping, names)
    ids = staff.values["employee_id"]

    columns = [*table.columns]
    for name in names:
        a = results[name]
        columns.append(round_pennies(a) if name in _MONEY else a)
    columns.append(pt.status)
    headers = [*table.headers, *names, "status"]
    formats = ["general"] * len(table.headers) + [f for _, f, _ in RESULT_COLUMNS] + ["text"]

    first = getattr(table, "first_row", 2)
    errors_headers = ["row", "employee_id", "column", "value", "reason"]
    errors_columns = [pt.rows + first, ids[pt.rows], pt.columns, pt.values, pt.reasons]

    ok = pt.status == "OK"
    in_post = results["in_post_on_as_of"] == True  # noqa: E712
    year_start, next_year = leave_year_bounds(np.array([as_of]))

    def total(name):
        a = results[name][ok]
        return float(round_pennies(np.nansum(a))) if name in _MONEY else float(np.nansum(a))

    summary: list[tuple[str, object]] = [
        ("xl-kent", f"xl-kent {__version__} recalc, run {dt.date.today():%d/%m/%Y}"),
        ("input file", source or ""),
        ("sheet", getattr(table, "sheet", None) or ""),
        ("as-of date", _fmt_date(as_of)),
        ("leave year", f"{_fmt_date(year_start[0])} to {_fmt_date(next_year[0] - np.timedelta64(1, 'D'))}"),
        ("modelled sickness absence (calendar days from the as-of date)", float(absence_days)),
        ("rows read", n),
        ("rows OK", int(ok.sum())),
        ("rows with problems", pt.problem_rows),
        ("problems listed on the Errors sheet", int(pt.rows.shape[0])),
    ]
    summary += [(f"rows with: {reason}", count) for reason, count in pt.counts]
    summary += [
        ("totals below are over the rows OK only", int(ok.sum())),
        ("in post on the as-of date", int((ok & in_post).sum())),
        ("salaried / casual / relief", " / ".join(
            str(int((ok & (staff.contract == c)).sum())) for c in ("salaried", "casual", "relief"))),
        ("part-time (weekly_hours below full time)", int((ok & (staff.contract == "salaried")
                                                          & (staff.values["weekly_hours"] < _full_week(as_of))).sum())),
        ("leavers (employment_end on or before the as-of date)", int((ok & (staff.values["employment_end"] <= as_of)).sum())),
        ("joiners in the leave year", int((ok & (staff.values["employment_start"] >= year_start[0])
                                           & (staff.values["employment_start"] <= as_of)).sum())),
        ("leave year entitlement, total days", total("leave_year_entitlement_days")),
        ("leave accrued to the as-of date, total days (before leave taken)", total("leave_accrued_days")),
        ("modelled sickness absence, total cost £", total("sick_absence_cost_gbp")),
        ("in post with a redundancy entitlement (weeks above 0)",
         int((ok & (results["redundancy_weeks"] > 0)).sum())),
        ("redundancy, total weeks", total("redundancy_weeks")),
        ("redundancy, total cost £ (everyone in post, at actual weekly pay)", total("redundancy_pay_gbp")),
    ]
    notes = []
    clash = sorted(set(table.headers) & {*names, "status"})
    if clash:
        notes.append(f"note: the input already has column(s) {', '.join(clash)} (a recalc output?); "
                     "they are carried as they are and the new results follow them")
    return Outcome(headers, columns, formats, errors_headers, errors_columns, summary, n, pt.problem_rows, notes)


def _full_week(as_of) -> float:
    return st._leave_param("full_time_weekly_hours", np.datetime64(as_of, "D"))


# ---------------------------------------------------------------------------- the command


#: Input files from this size get a "reading ..." line on a terminal (about 20,000 rows).
_LONG_READ_BYTES = 1 << 20


class UsageError(Exception):
    """A problem with the command line or the input (exit code 2); one line."""


class OutputError(Exception):
    """The output was refused or could not be written (exit code 3); one line."""


def default_output(input_path, suffix: str) -> Path:
    """``STAFF.xlsx`` -> ``STAFF.recalc.xlsx`` beside it (CSV stays CSV).

    >>> default_output("/data/staff.csv", "recalc").name
    'staff.recalc.csv'
    """
    p = Path(input_path)
    ext = ".csv" if p.suffix.lower() == ".csv" else ".xlsx"
    return p.with_name(f"{p.stem}.{suffix}{ext}")


def side_files(output: Path) -> tuple[Path, Path]:
    """Where a CSV output's Errors and Summary go: ``OUT.errors.csv``, ``OUT.summary.csv``."""
    stem = output.with_suffix("")
    return Path(f"{stem}.errors.csv"), Path(f"{stem}.summary.csv")


def check_paths(input_path, output) -> Path:
    """Refuse an output equal to the input, or not ``.xlsx``/``.csv``."""
    out = Path(output)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise UsageError(f"output {out}: the name must end in .xlsx or .csv")
    same = os.path.abspath(out) == os.path.abspath(input_path)
    try:
        same = same or (out.exists() and os.path.samefile(out, input_path))
    except OSError:
        pass
    if same:
        raise OutputError(f"refusing to write the output over the input file {input_path}: choose another -o")
    return out


def write_outcome(outcome: Outcome, output: Path, input_path, main_sheet: str, stream=None) -> list[Path]:
    """Write the outcome atomically: a workbook with Errors and Summary sheets, or three CSVs."""
    from xl_kent.files.writing import OutputFileError, Sheet, write_csv, write_xlsx

    stream = sys.stderr if stream is None else stream
    errors = Sheet("Errors", outcome.errors_headers, outcome.errors_columns,
                   ["integer", "text", "text", "text", "text"])
    items = np.array([k for k, _ in outcome.summary], dtype=object)
    vals = np.array([v for _, v in outcome.summary] or [], dtype=object)
    summary = Sheet("Summary", ["item", "value"], [items, vals], ["text", "general"], [60.0, 40.0])
    main = Sheet(main_sheet, outcome.headers, outcome.columns, outcome.formats)
    bar = Progress(f"writing {output.name}", outcome.n_rows, stream=stream)
    try:
        if output.suffix.lower() == ".csv":
            err_path, sum_path = side_files(output)
            write_csv(err_path, errors, input_path=input_path)
            write_csv(sum_path, summary, input_path=input_path)
            write_csv(output, main, input_path=input_path, progress=bar)
            written = [output, err_path, sum_path]
        else:
            write_xlsx(output, [main, errors, summary], input_path=input_path, progress=bar)
            written = [output]
    except OutputFileError as e:
        raise OutputError(str(e)) from e
    except OSError as e:
        raise OutputError(f"cannot write {output}: {e.strerror or e}") from e
    finally:
        bar.close()
    return written


def read_input(path, sheet=None, stream=None):
    """Read a staff list or award log; unreadable, empty or header-only is a :class:`UsageError`."""
    from xl_kent.files.reading import InputFileError, read_table

    try:
        big = Path(path).stat().st_size >= _LONG_READ_BYTES
    except OSError:
        big = False
    stage(f"reading {Path(path).name} ...", stream, enabled=None if big else False)
    try:
        table = read_table(path, sheet=sheet)
    except InputFileError as e:
        raise UsageError(str(e)) from e
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror or e}") from e
    if not any(h for h in table.headers):
        raise UsageError(f"{path}: no header row (the file or sheet is empty)")
    if table.n_rows == 0:
        raise UsageError(f"{path}: no data rows below the header (headers found: "
                         f"{', '.join(repr(h) for h in table.headers)})")
    return table


def print_summary(outcome: Outcome, written: list[Path], out=None, limit: int = 12) -> None:
    out = sys.stdout if out is None else out
    for line in outcome.notes:
        print(line, file=out)
    shown = 0
    for k, v in outcome.summary:
        if k == "xl-kent":
            print(v, file=out)
            continue
        if k == "sheet" and not v:
            continue
        if k.startswith("rows with: "):
            if shown >= limit:
                continue
            shown += 1
            k = "  " + k
        if isinstance(v, float):
            v = f"{v:,.2f}" if "£" in k else f"{v:,.2f}".rstrip("0").rstrip(".")
        elif isinstance(v, int):
            v = f"{v:,}"
        print(f"{k}: {v}", file=out)
    print("written: " + ", ".join(str(p) for p in written), file=out)
    if outcome.n_problem_rows:
        where = "the Errors sheet" if written[0].suffix.lower() == ".xlsx" else str(written[1])
        print(f"{outcome.n_problem_rows:,} row(s) have problems: see {where} and the status column "
              f"(exit code {EXIT_PROBLEMS})", file=out)


def run(input_path, as_of, output=None, absence_days: float = DEFAULT_ABSENCE_DAYS, maps=None,
        sheet=None, out=None, err=None) -> int:
    """``xl-kent recalc``: read, compute, write atomically, print; returns the exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        output = check_paths(input_path, output or default_output(input_path, "recalc"))
        overrides = st.parse_map_options(maps, st.STAFF_FIELDS)
        table = read_input(input_path, sheet, err)
        with Progress("computing", 4, stream=err, unit="steps", rows=table.n_rows) as bar:
            outcome = recalc_table(table, as_of, absence_days, overrides, str(input_path), bar)
        written = write_outcome(outcome, output, input_path, "Staff", err)
    except (UsageError, st.ColumnError) as e:
        print(f"xl-kent recalc: error: {e}", file=err)
        return EXIT_USAGE
    except OutputError as e:
        print(f"xl-kent recalc: error: {e}", file=err)
        return EXIT_OUTPUT
    print_summary(outcome, written, out)
    return outcome.exit_code
