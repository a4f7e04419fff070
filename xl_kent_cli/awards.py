"""Check a whole award log with KENT_AWARD_OK: ``xl-kent awards LOG.xlsx|LOG.csv``.

The log's columns are mapped like a staff list's (:data:`AWARD_FIELDS`, case, spaces and
punctuation ignored, ``--map`` for other names); each row is parsed, and
:func:`xl_kent.awards.award_ok` judges every row against the whole log, with
:func:`xl_kent.awards.explain` for the reason in plain words. The log is written back
untouched with ``award_ok``, ``reason``, ``rolling_12_month_total_gbp`` and
``team_award_total_gbp`` beside it, plus Errors and Summary sheets.

A row whose cells cannot be read (a text amount, a date that is not a date, a kind
that is neither team nor individual, an endorsed or ineligible cell that is not
TRUE/FALSE) is not judged and counts in no one's totals, as the core does with its own
error rows: nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np

from xl_kent import __version__
from xl_kent.awards import RULES, award_ok, explain
from xl_kent.errors import OK, reason_text
from xl_kent.lists import staff as st
from xl_kent.money import round_pennies

from . import recalc as rc
from .progress import Progress

__all__ = ["AWARD_FIELDS", "AWARD_RESULTS", "check_table", "run"]

AWARD_FIELDS: tuple[st.Field, ...] = (
    st.Field("employee_id", "id", True,
             ("employee number", "employee no", "emp id", "emp no", "staff id", "staff number",
              "payroll number", "id"), "employee paid"),
    st.Field("award_date", "date", True, ("date", "date of award", "date paid", "payment date", "paid on"),
             "date of the award"),
    st.Field("amount", "number", True, ("amount gbp", "award amount", "amount paid", "value", "award", "payment"),
             "payment to this employee in £, above 0"),
    st.Field("kind", "text", False, ("type", "award type", "team or individual", "award kind"),
             "team or individual; blank = individual"),
    st.Field("work_ref", "text", False, ("work reference", "work ref", "reference", "ref", "project"),
             "reference of the work rewarded; blank never matches another row"),
    st.Field("endorsed", "bool", False, ("endorsed by senior manager", "senior manager endorsed"),
             "team award endorsed by a senior manager outside the team (TRUE/FALSE); blank = FALSE"),
    st.Field("ineligible", "bool", False, ("not eligible", "excluded"),
             "Teachers' terms or under the performance and capability procedure; blank = FALSE"),
)

AWARD_RESULTS = (
    ("award_ok", "general", "TRUE when the award is within the scheme, FALSE when not, blank if not judged"),
    ("reason", "text", '"OK", the first rule broken, or why the row could not be judged'),
    ("rolling_12_month_total_gbp", "gbp", "the employee's awards in the 12 months to this one, this one included"),
    ("team_award_total_gbp", "gbp", "team rows: the whole team award for the work reference"),
)


def check_table(table, overrides=None, source: str | None = None) -> rc.Outcome:
    """Judge every row of an award log read from a file."""
    mapping = st.map_columns(table.headers, AWARD_FIELDS, overrides)
    n = table.n_rows
    problems = st.Problems()
    blank_row = st._blank_rows(table.columns, n)
    problems.add(blank_row, "", "row is blank")
    filled = ~blank_row

    def col(name):
        return table.columns[mapping[name]] if name in mapping else np.full(n, None, dtype=object)

    ids, id_status = st.parse_text(col("employee_id"))
    st._status_problems(problems, "employee_id", id_status, "text", filled)
    when, status = st.parse_dates(col("award_date"))
    st._status_problems(problems, "award_date", status, "a date", filled)
    amount, status = st.parse_numbers(col("amount"))
    st._status_problems(problems, "amount", status, "a number", filled)
    problems.add(filled & (amount <= 0), "amount", "amount is not above 0")
    kind, status = st.parse_text(col("kind"))
    words = {s: s.casefold() for s in dict.fromkeys(kind.tolist())}
    low = np.array([words[s] for s in kind.tolist()], dtype=object) if n else kind
    problems.add(filled & (status == st.GOOD) & (low != "team") & (low != "individual"), "kind",
                 "kind is not team or individual")
    st._status_problems(problems, "kind", np.where(status == st.WRONG_TYPE, st.GOOD, status), "text")
    team = low == "team"
    refs, status = st.parse_text(col("work_ref"))
    st._status_problems(problems, "work_ref", np.where(status == st.WRONG_TYPE, st.GOOD, status), "text")
    flags = {}
    for name in ("endorsed", "ineligible"):
        flags[name], status = st.parse_bools(col(name))
        st._status_problems(problems, name, status, "TRUE or FALSE")

    bad_input = problems.rows_with(n) | blank_row
    # Rows that cannot be read are not judged and count in no totals (amount left blank).
    r = award_ok(np.where(bad_input, "", ids).astype(object), when, np.where(bad_input, np.nan, amount),
                 team, refs, flags["endorsed"], flags["ineligible"])
    judged = ~bad_input & (r.error == OK)
    core_bad = ~bad_input & (r.error != OK)
    for code in np.unique(r.error[core_bad]).tolist():
        problems.add(core_bad & (r.error == code), "", reason_text(code))

    names = [name for name, _, _ in AWARD_RESULTS]
    pt = rc.problem_table(problems, n, table.headers, table.columns, mapping, names)
    ok = np.full(n, None, dtype=object)
    ok[judged] = r.ok[judged]
    words_out = explain(r.rule, r.error, when)
    reason = np.where(judged, words_out, pt.status).astype(object)
    rolling = np.where(judged, round_pennies(r.rolling_total_gbp), np.nan)
    team_total = np.where(judged & team, round_pennies(r.team_total_gbp), np.nan)
    columns = [*table.columns, ok, reason, rolling, team_total]
    headers = [*table.headers, *names]
    formats = ["general"] * len(table.headers) + [f for _, f, _ in AWARD_RESULTS]

    first = getattr(table, "first_row", 2)
    errors_columns = [pt.rows + first, ids[pt.rows], pt.columns, pt.values, pt.reasons]
    within = judged & r.ok
    outside = judged & ~r.ok
    summary: list[tuple[str, object]] = [
        ("xl-kent", f"xl-kent {__version__} awards, run {dt.date.today():%d/%m/%Y}"),
        ("input file", source or ""),
        ("sheet", getattr(table, "sheet", None) or ""),
        ("rows read", n),
        ("rows judged", int(judged.sum())),
        ("awards within the scheme", int(within.sum())),
        ("awards outside the scheme", int(outside.sum())),
    ]
    limits = explain(np.arange(1, len(RULES)), None)
    for k, text in enumerate(limits.tolist(), start=1):
        summary.append((f"outside: {text}", int((outside & (r.rule == k)).sum())))
    summary += [
        ("rows with problems (not judged)", pt.problem_rows),
        ("problems listed on the Errors sheet", int(pt.rows.shape[0])),
    ]
    summary += [(f"rows with: {t}", c) for t, c in pt.counts]
    summary += [
        ("total paid within the scheme £", float(round_pennies(np.sum(amount[within])))),
        ("total paid outside the scheme £", float(round_pennies(np.sum(amount[outside])))),
        ("employees in the log", int(np.unique(np.char.lower(ids[judged].astype(str))).shape[0])),
    ]
    return rc.Outcome(headers, columns, formats, ["row", "employee_id", "column", "value", "reason"],
                      errors_columns, summary, n, pt.problem_rows, n_flagged=int(outside.sum()))


def run(input_path, output=None, maps=None, sheet=None, out=None, err=None) -> int:
    """``xl-kent awards``: read, check, write atomically, print; returns the exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        output = rc.check_paths(input_path, output or rc.default_output(input_path, "checked"))
        overrides = st.parse_map_options(maps, AWARD_FIELDS)
        table = rc.read_input(input_path, sheet, err)
        with Progress("checking", 1, stream=err, unit="steps", rows=table.n_rows):
            outcome = check_table(table, overrides, str(input_path))
        written = rc.write_outcome(outcome, output, input_path, "Awards", err)
    except (rc.UsageError, st.ColumnError) as e:
        print(f"xl-kent awards: error: {e}", file=err)
        return rc.EXIT_USAGE
    except rc.OutputError as e:
        print(f"xl-kent awards: error: {e}", file=err)
        return rc.EXIT_OUTPUT
    rc.print_summary(outcome, written, out)
    if outcome.n_flagged:
        print(f"{outcome.n_flagged:,} award(s) are outside the scheme: see the reason column "
              f"(exit code {rc.EXIT_PROBLEMS})", file=out)
    return outcome.exit_code
