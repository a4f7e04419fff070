"""``xl-kent recalc STAFF --as-of DATE``: every per-person figure of a whole staff list.

The list is read by the one reader (:func:`xl_kent.lists.source.read_list`), checked by the
one set of checks (:mod:`xl_kent.lists.staff`) and computed by the one computation
(:mod:`xl_kent.lists.figures`), the same as ``xl-kent fill budget`` and the budget
template. The output holds the original columns untouched (results of an earlier run are
computed again, not carried twice), every figure of
:data:`xl_kent.lists.figures.FIGURES` and ``status`` beside them, an Errors sheet (one line
per problem) and a Summary (the settings, how each column was read, the problems by
reason, and the totals over the rows OK).
"""

from __future__ import annotations

import sys

import numpy as np

from xl_kent.lists.figures import (
    CARRY_OVER_TOTALS,
    FIGURES,
    RESTRUCTURE_TOTALS,
    STAFF_SCHEMA,
    TOTALS,
    Figures,
    Settings,
    carry_over_totals,
    compute,
    notes,
    read_staff,
    restructure_totals,
    totals,
)
from xl_kent.lists.how import STAFF_HOW, staff_how, with_how
from xl_kent.money import round_pennies

from . import output as o
from .progress import Progress

__all__ = ["RESULT_COLUMNS", "recalc_table", "run", "settings_items", "totals_items"]

#: Result columns: (header, format for the writer, meaning). Units are in the names.
RESULT_COLUMNS: tuple[tuple[str, str, str], ...] = tuple(
    x for f in FIGURES for x in ((f.name, f.format, f.meaning),
                                 *((h.name, "text", h.meaning) for h in STAFF_HOW if h.after == f.name)))
_MONEY = {f.name for f in FIGURES if f.format == "gbp"}
_FORMAT = {f.name: f.format for f in FIGURES}


def _rate(settings: Settings, key: str) -> str:
    text = f"{getattr(settings, key) * 100:.4g}%"
    if key in settings.examples:
        return f"{text} (EXAMPLE: replace it)"
    source = settings.sources.get(key) if key != "pay_award_pct" else None
    return f"{text} ({source})" if source else text


def settings_items(settings: Settings) -> list[tuple[str, object]]:
    """The settings as Summary items: dates, the modelled absence, the rates and their sources."""
    s = settings
    return [
        ("as-of date", o.uk_date(s.as_of)),
        ("leave year", f"{o.uk_date(s.leave_year_start)} to {o.uk_date(s.leave_year_end)}"),
        ("modelled sickness absence: first day", o.uk_date(s.absence_start)),
        ("modelled sickness absence: calendar days", float(s.absence_days)),
        ("redundancy date (age, service and redundancy weeks)", o.uk_date(s.redundancy_date)),
        ("pay award from 1 April", _rate(s, "pay_award_pct")),
        ("employer NI rate", _rate(s, "employer_ni_rate")),
        ("employer NI threshold £ a year", float(s.ni_threshold_gbp)),
        ("employer pension rate", _rate(s, "pension_rate")),
        ("apprenticeship levy rate", _rate(s, "levy_rate")),
        ("grade maxima £ a year (Loss of Earnings Compensation; --grade-max)",
         ", ".join(f"KR{g}={top:g}" for g, top in s.grade_max) or "none given"),
    ]


def totals_items(fig: Figures, rows: np.ndarray | None = None) -> list[tuple[str, object]]:
    """The totals over the rows OK, in the budget Summary's words and order: the year-end
    carry-over totals (:data:`CARRY_OVER_TOTALS`) after the leave liability, the restructure's
    parts last."""
    t = {**totals(fig, rows), **carry_over_totals(fig, rows), **restructure_totals(fig, rows)}
    cut = [k for k, _ in TOTALS].index("leave_liability_gbp") + 1
    out: list[tuple[str, object]] = []
    for key, label in (*TOTALS[:cut], *CARRY_OVER_TOTALS, *TOTALS[cut:], *RESTRUCTURE_TOTALS):
        if key == "redundancy_pay_gbp":  # the same sum as "Redundancy cost £ (posts at risk)"
            continue
        v = t[key]
        if key in ("headcount", "at_risk_headcount", "rows_with_problems", "unreduced_pension_headcount",
                   "strain_not_quoted", "redeployed_headcount"):
            out.append((label, int(v)))
        elif label.endswith("£") or "£" in label:
            out.append((label, float(round_pennies(v))))
        else:
            out.append((label, float(v)))
    return out


def recalc_table(table, settings: Settings, columns=None, source: str | None = None, progress=None,
                 overrides=None, record=None, record_source: str | None = None, how: bool = True) -> o.Outcome:
    """Read, check and compute a staff list read from a file; see the module docstring.

    ``columns`` is the column mapping made by the reader (else made here from ``overrides``).
    ``record`` (an absence record worked out, :func:`xl_kent.lists.absence_log.compute`) gives
    every employee's paid sick days of the 12 months before the modelled absence start, instead
    of a typed column (:func:`xl_kent.lists.absence_log.staff_figures`, as ``fill budget`` does).
    ``how`` adds the How columns (:data:`xl_kent.lists.how.STAFF_HOW`), each beside the figures
    it explains. Raises :class:`xl_kent.lists.fields.ColumnError` for a missing or ambiguous column.
    """
    use = None
    if record is None:
        staff = read_staff(table, settings.as_of, overrides, columns=columns, schema=STAFF_SCHEMA)
        if progress:
            progress(1)
        fig = compute(staff, settings, table)
    else:
        from xl_kent.lists.absence_log import staff_figures
        from xl_kent.lists.fields import map_columns

        if columns is None:
            columns = map_columns(table.headers, STAFF_SCHEMA, overrides)
        staff, fig, use = staff_figures(table, settings, columns, record, record_source or "the absence record")
    if progress:
        progress(3)
    n = table.n_rows
    cm = staff.columns
    keep = [j for j in range(len(table.headers)) if j not in set(cm.results)]
    names = [f.name for f in FIGURES]
    said = {}
    if how:  # the same inputs and figures: the number in each sentence is the one in its column
        said = staff_how(staff, settings, fig.values, fig.values["sick_prior_paid_days"])
        names = with_how(names, STAFF_HOW)
    data = [table.columns[j] for j in keep]
    for name in names:
        a = said[name] if name in said else fig.values[name]
        data.append(round_pennies(a) if name in _MONEY else a)
    data.append(fig.status)
    headers = [table.headers[j] for j in keep] + names + ["status"]
    formats = ["general"] * len(keep) + [_FORMAT.get(name, "text") for name in names] + ["text"]

    pt = fig.problems
    first = getattr(table, "first_row", 2)
    ids = staff.values["employee_id"]
    errors_columns = [pt.rows + first, ids[pt.rows], pt.columns, pt.values, pt.reasons]

    ok = fig.ok
    v = staff.values
    s = settings
    in_post = fig.values["in_post_on_as_of"] == True  # noqa: E712 (object array of True/False/None)
    contract = staff.contract

    def total(name, where=ok):
        a = fig.values[name][where]
        return float(round_pennies(np.nansum(a))) if name in _MONEY else float(np.nansum(a))

    lines = [*cm.warnings(), *notes(staff, settings), *(use.lines if use is not None else ())]
    summary: list[tuple[str, object]] = [
        *o.summary_head("recalc", source, table),
        *settings_items(settings),
        *(use.items if use is not None else ()),
        ("rows read", n),
        ("rows OK", int(ok.sum())),
        ("rows with problems", pt.problem_rows),
        ("blank rows inside the list (kept, not computed)", int(staff.blank_row.sum())),
        ("problems listed on the Errors sheet", int(pt.rows.shape[0])),
    ]
    summary += [(f"rows with: {reason}", count) for reason, count in pt.counts]
    summary += [("totals below are over the rows OK only", int(ok.sum())), *totals_items(fig)]
    summary += [
        ("in post on the as-of date", int((ok & in_post).sum())),
        ("salaried / casual / relief", " / ".join(str(int((ok & (contract == c)).sum()))
                                                  for c in ("salaried", "casual", "relief"))),
        ("part-time (weekly_hours below full time)",
         int((ok & (contract == "salaried") & (v["weekly_hours"] < s.full_time_weekly_hours)).sum())),
        ("leavers (employment_end on or before the as-of date)", int((ok & (v["employment_end"] <= s.as_of)).sum())),
        ("joiners in the leave year", int((ok & (v["employment_start"] >= s.leave_year_start)
                                           & (v["employment_start"] <= s.as_of)).sum())),
        ("leave year entitlement, total days", total("leave_year_entitlement_days")),
        ("leave accrued to the as-of date, total days", total("leave_accrued_days")),
        ("leave taken, total days", float(np.nansum(np.where(ok, v["leave_taken_days"], np.nan)))),
        ("employed on the redundancy date with a redundancy entitlement (weeks above 0)",
         int((ok & (fig.values["redundancy_weeks"] > 0)).sum())),
        ("redundancy, total weeks (everyone employed on the redundancy date)", total("redundancy_weeks")),
        ("redundancy, total cost £ (everyone employed on the redundancy date)", total("redundancy_pay_gbp")),
    ]
    summary += [("note", line) for line in lines]
    summary += [(f"column: {h!r}" if h else "column: (no header)", how) for h, how in cm.describe()]
    return o.Outcome(headers, data, formats, ["row", "employee_id", "column", "value", "reason"], errors_columns,
                     summary, n, pt.problem_rows, lines, first_row=first, ids=ids)


def read_record(path, sheet=None, maps=None, err=None, staff_path=None):
    """An absence record read and worked out for ``--absences`` (``xl-kent absences``' reading):
    a :class:`~xl_kent.lists.absence_log.AbsenceFigures`; a record that cannot be used is a
    :class:`~xl_kent_cli.output.UsageError` (exit 2, nothing written)."""
    from pathlib import Path

    from xl_kent.lists.absence_log import ABSENCE_SCHEMA, read_absence_log
    from xl_kent.lists.absence_log import compute as compute_record

    if staff_path is not None and Path(path).resolve() == Path(staff_path).resolve():
        raise o.UsageError(f"--absences {path}: the absence record is the staff list itself; give the record's file")
    loaded = o.reading(path, ABSENCE_SCHEMA, sheet, maps, err)
    return compute_record(read_absence_log(loaded.table, columns=loaded.columns), loaded.table)


def run(input_path, settings: Settings, output=None, maps=None, sheet=None, out=None, err=None, absences=None,
        absences_sheet=None, absences_maps=None, how: bool = True) -> int:
    """``xl-kent recalc``: read, compute, write atomically, print; returns the exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    prog = "xl-kent recalc"

    def work():
        target = o.check_paths(input_path, output or o.default_output(input_path, "recalc"))
        if absences is not None:
            o.check_paths(absences, target)  # the output is never the record either
        loaded = o.reading(input_path, STAFF_SCHEMA, sheet, maps, err)
        record = None if absences is None else read_record(absences, absences_sheet, absences_maps, err,
                                                           input_path)
        with Progress("computing", 4, stream=err, unit="steps", rows=loaded.table.n_rows) as bar:
            outcome = recalc_table(loaded.table, settings, loaded.columns, str(input_path), bar, record=record,
                                   record_source=None if absences is None else str(absences), how=how)
        return loaded, outcome, o.write_outcome(outcome, target, input_path, "Staff", err)

    done, result = o.guarded(prog, err, work)
    if not done:
        return result
    loaded, outcome, written = result
    o.report_reading(prog, loaded, outcome.notes, err)
    o.print_summary(outcome, written, out)
    return outcome.exit_code
