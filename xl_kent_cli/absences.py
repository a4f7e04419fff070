"""``xl-kent absences LOG``: sick pay for every absence of an absence record (KENT_SICKPAY_LOG).

The record is read by the one reader and the one absence-record layer
(:mod:`xl_kent.lists.absence_log`), worked out by one call of the core over the whole record
(:func:`xl_kent.sick_pay_log.sick_pay_log`), and written back untouched with the figures of
:data:`xl_kent.lists.absence_log.ABSENCE_RESULTS` and ``status`` beside it, plus Errors and
Summary sheets. With ``--as-of DATE`` each row also gets its employee's allowance for an
absence starting on that day (:data:`~xl_kent.lists.absence_log.AS_OF_RESULTS`), repeated on
each of the employee's rows: the output stays one sheet (one CSV) of one row per input row.
"""

from __future__ import annotations

import sys

import numpy as np

from xl_kent.lists.absence_log import (
    ABSENCE_RESULTS,
    ABSENCE_SCHEMA,
    AS_OF_RESULTS,
    as_of_allowance,
    compute,
    employees,
    read_absence_log,
    record_notes,
)
from xl_kent.lists.how import ABSENCE_HOW, absence_how
from xl_kent.money import round_pennies

from . import output as o
from .progress import Progress

__all__ = ["absences_table", "run"]


def absences_table(table, columns=None, source: str | None = None, overrides=None, as_of=None,
                   how: bool = True) -> o.Outcome:
    """Work out every row of an absence record read from a file; ``how`` adds the How column
    (each absence's figures explained in words, :func:`xl_kent.lists.how.absence_how`)."""
    log = read_absence_log(table, overrides, columns=columns)
    r = compute(log, table)
    n = table.n_rows
    cm = log.columns
    keep = [c for c in range(len(table.headers)) if c not in set(cm.results)]
    results = list(ABSENCE_RESULTS)
    figures = dict(r.values)
    if as_of is not None:
        figures |= as_of_allowance(r, as_of)
        results = results[:-1] + list(AS_OF_RESULTS) + results[-1:]  # status stays last
    if how:
        figures[ABSENCE_HOW.name] = absence_how(r)
        at = [name for name, _, _ in results].index(ABSENCE_HOW.after) + 1
        results = results[:at] + [(ABSENCE_HOW.name, "text", ABSENCE_HOW.meaning)] + results[at:]
    data = [table.columns[c] for c in keep]
    for name, _, _ in results:
        data.append(r.status if name == "status" else figures[name])
    headers = [table.headers[c] for c in keep] + [name for name, _, _ in results]
    formats = ["general"] * len(keep) + [f for _, f, _ in results]
    pt = r.problems
    first = getattr(table, "first_row", 2)
    ids = log.values["employee_id"]
    errors_columns = [pt.rows + first, ids[pt.rows], pt.columns, pt.values, pt.reasons]
    ok = r.ok
    v = r.values
    lines = cm.warnings() + record_notes(r)
    summary: list[tuple[str, object]] = [
        *o.summary_head("absences", source, table),
        ("rows read", n),
        ("rows OK (worked out)", int(ok.sum())),
        ("rows with problems (not worked out, add no paid days)", pt.problem_rows),
        ("blank rows inside the record (kept, not worked out)", int(log.blank_row.sum())),
        ("problems listed on the Errors sheet", int(pt.rows.shape[0])),
    ]
    summary += [(f"rows with: {t}", c) for t, c in pt.counts]
    summary += [
        ("employees in the record (rows OK)", employees(r)),
        ("total calendar days absent (rows OK)", float(np.nansum(np.where(ok, v["calendar_days"], np.nan)))),
        ("total full pay days", float(np.nansum(v["full_pay_days"]))),
        ("total half pay days", float(np.nansum(v["half_pay_days"]))),
        ("total nil pay days", float(np.nansum(v["nil_pay_days"]))),
        ("total sick pay £", float(round_pennies(np.nansum(v["pay_gbp"])))),
        ("total SSP £ (within the pay)", float(round_pennies(np.nansum(v["ssp_gbp"])))),
    ]
    if as_of is not None:
        a = figures
        summary += [
            ("as-of date (allowance for an absence starting that day)", o.uk_date(as_of)),
            ("rows with an allowance on the as-of date", int(np.isfinite(a["as_of_full_pay_days_left"]).sum())),
            ("employees with no full sick pay left on the as-of date",
             employees(r, np.isfinite(a["as_of_full_pay_days_left"]) & (a["as_of_full_pay_days_left"] <= 0))),
        ]
    summary += [("note", "the record must reach back 12 months (and 8 weeks for SSP) before the first absence "
                         "whose figures matter: what it does not hold is taken as no absence")]
    summary += [("note", line) for line in lines]
    summary += [(f"column: {h!r}" if h else "column: (no header)", how) for h, how in cm.describe()]
    return o.Outcome(headers, data, formats, ["row", "employee_id", "column", "value", "reason"], errors_columns,
                     summary, n, pt.problem_rows, lines, first_row=first, ids=ids)


def run(input_path, output=None, maps=None, sheet=None, as_of=None, out=None, err=None, how: bool = True) -> int:
    """``xl-kent absences``: read, work out, write atomically, print; returns the exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    prog = "xl-kent absences"

    def work():
        target = o.check_paths(input_path, output or o.default_output(input_path, "sickpay"))
        loaded = o.reading(input_path, ABSENCE_SCHEMA, sheet, maps, err)
        with Progress("working out", 1, stream=err, unit="steps", rows=loaded.table.n_rows):
            outcome = absences_table(loaded.table, loaded.columns, str(input_path), as_of=as_of, how=how)
        return loaded, outcome, o.write_outcome(outcome, target, input_path, "Absences", err)

    done, result = o.guarded(prog, err, work, doing="working out the absence record")
    if not done:
        return result
    loaded, outcome, written = result
    o.report_reading(prog, loaded, outcome.notes, err)
    o.print_summary(outcome, written, out)
    return outcome.exit_code
