"""``xl-kent awards LOG``: judge every row of a cash award log against the whole log.

The log is read by the one reader and the one award-log layer
(:mod:`xl_kent.lists.award_log`), the same as ``xl-kent fill awards`` and the award
tracking template: the template's own columns (Individual or team, Team award endorsed?,
Teachers' terms?, Capability procedure?) are read, so a log typed in the template, or a
filled copy, is judged the same here. The log is written back untouched with
``award_ok``, ``reason``, ``rolling_12_month_total_gbp`` and ``team_award_total_gbp``
beside it, plus Errors and Summary sheets.
"""

from __future__ import annotations

import sys

import numpy as np

from xl_kent.awards import RULES, explain
from xl_kent.lists.award_log import (
    AWARD_RESULTS,
    AWARD_SCHEMA,
    judge,
    judgement_notes,
    read_award_log,
)
from xl_kent.lists.how import AWARD_HOW, award_how
from xl_kent.money import round_pennies

from . import output as o
from .progress import Progress

__all__ = ["check_table", "run"]


def check_table(table, columns=None, source: str | None = None, overrides=None, how: bool = True) -> o.Outcome:
    """Judge every row of an award log read from a file; ``how`` adds the How column (each
    verdict explained in words, :func:`xl_kent.lists.how.award_how`)."""
    log = read_award_log(table, overrides, columns=columns)
    j = judge(log, table)
    n = table.n_rows
    cm = log.columns
    keep = [c for c in range(len(table.headers)) if c not in set(cm.results)]
    ok = np.full(n, None, dtype=object)
    ok[j.judged] = j.ok[j.judged]
    data = [table.columns[c] for c in keep] + [ok, j.reason, round_pennies(j.rolling_total_gbp),
                                               round_pennies(j.team_total_gbp)]
    headers = [table.headers[c] for c in keep] + [name for name, _, _ in AWARD_RESULTS]
    formats = ["general"] * len(keep) + [f for _, f, _ in AWARD_RESULTS]
    if how:
        data.append(award_how(j))
        headers.append(AWARD_HOW.name)
        formats.append("text")
    pt = j.problems
    first = getattr(table, "first_row", 2)
    ids = log.values["employee_id"]
    errors_columns = [pt.rows + first, ids[pt.rows], pt.columns, pt.values, pt.reasons]
    within = j.judged & j.ok
    outside = j.judged & ~j.ok
    amount = log.values["amount"]
    lines = cm.warnings()
    beside = int(j.beside.sum())
    lines += judgement_notes(log, j)
    summary: list[tuple[str, object]] = [
        *o.summary_head("awards", source, table),
        ("rows read", n),
        ("rows judged", int(j.judged.sum())),
        ("awards within the scheme", int(within.sum())),
        ("awards outside the scheme", int(outside.sum())),
    ]
    limits = explain(np.arange(1, len(RULES)), None)
    for k, text in enumerate(limits.tolist(), start=1):
        summary.append((f"outside: {text}", int((outside & (j.rule == k)).sum())))
    summary += [
        ("rows with problems (not judged)", pt.problem_rows),
        ("blank rows inside the log (kept, not judged)", int(log.blank_row.sum())),
        ("awards judged beside a problem row of the same employee or work", beside),
        ("problems listed on the Errors sheet", int(pt.rows.shape[0])),
    ]
    summary += [(f"rows with: {t}", c) for t, c in pt.counts]
    summary += [
        ("total paid within the scheme £", float(round_pennies(np.sum(amount[within])))),
        ("total paid outside the scheme £", float(round_pennies(np.sum(amount[outside])))),
        ("employees in the log", int(np.unique(np.char.lower(ids[j.judged].astype(str))).shape[0])),
    ]
    summary += [("note", line) for line in lines]
    summary += [(f"column: {h!r}" if h else "column: (no header)", how) for h, how in cm.describe()]
    return o.Outcome(headers, data, formats, ["row", "employee_id", "column", "value", "reason"], errors_columns,
                     summary, n, pt.problem_rows, lines, n_flagged=int(outside.sum()),
                     first_row=first, ids=ids)


def run(input_path, output=None, maps=None, sheet=None, out=None, err=None, how: bool = True) -> int:
    """``xl-kent awards``: read, check, write atomically, print; returns the exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    prog = "xl-kent awards"

    def work():
        target = o.check_paths(input_path, output or o.default_output(input_path, "checked"))
        loaded = o.reading(input_path, AWARD_SCHEMA, sheet, maps, err)
        with Progress("checking", 1, stream=err, unit="steps", rows=loaded.table.n_rows):
            outcome = check_table(loaded.table, loaded.columns, str(input_path), how=how)
        return loaded, outcome, o.write_outcome(outcome, target, input_path, "Awards", err)

    done, result = o.guarded(prog, err, work, doing="checking the award log")
    if not done:
        return result
    loaded, outcome, written = result
    o.report_reading(prog, loaded, outcome.notes, err)
    o.print_summary(outcome, written, out, where_column="the reason column")
    if outcome.n_flagged:
        print(f"{outcome.n_flagged:,} award(s) are outside the scheme: see the reason column "
              f"(exit code {o.EXIT_PROBLEMS})", file=out)
    return outcome.exit_code
