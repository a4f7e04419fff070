"""``xl-kent fill budget`` and ``xl-kent fill awards``: a template workbook filled with a list.

The list is read, checked and computed exactly as ``xl-kent recalc`` and ``xl-kent
awards`` do it (one reader, one set of checks, one computation); the template module
(:mod:`workbooks.budget`, :mod:`workbooks.awards`) lays the result out: the KENT_ results
as values (no add-in needed to open the copy), the template's ordinary formulas kept so
that the copy stays a live model. The printed totals are the same lines as recalc's.
"""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np

from xl_kent.lists.award_log import AWARD_SCHEMA, judge, judgement_notes, read_award_log
from xl_kent.lists.figures import STAFF_SCHEMA, Settings, compute, notes, read_staff

from . import output as o
from .recalc import settings_items, totals_items

__all__ = ["fill_budget", "fill_awards"]


def _write(out_path, input_path, write) -> object:
    """Write the filled workbook atomically; every failure (an unexpected one too) is an OutputError."""
    from workbooks import common

    with o.writing_step(out_path):
        return common.save_atomically(out_path, write, input_path)


def fill_budget(input_path, output, settings: Settings, *, maps=None, sheet=None, out=None, err=None,
                absences=None, absences_sheet=None, absences_maps=None, options: dict | None = None) -> int:
    """``xl-kent fill budget --staff STAFF -o OUT``: the budget workbook filled from a staff list.

    With ``absences`` (an absence record), every employee's paid sick days of the 12 months
    before the modelled absence come from the record, as ``recalc --absences`` takes them
    (:func:`xl_kent.lists.absence_log.staff_figures`), and the record fills the Absences sheet.
    Exit codes as ``xl-kent recalc``: 0 every row OK, 1 written but some rows have problems,
    2 input unusable, 3 output refused or not writable (nothing written).
    """
    from workbooks import budget
    from workbooks.common import DATA_ROWS

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    prog = "xl-kent fill budget"

    def work():
        out_path = o.check_paths(input_path, output, (".xlsx",))
        if absences is not None:
            o.check_paths(absences, out_path, (".xlsx",))  # the output is never the record either
        loaded = o.reading(input_path, STAFF_SCHEMA, sheet, maps, err)
        table = loaded.table
        if table.n_rows > DATA_ROWS:
            raise o.UsageError(f"{input_path}: {table.n_rows:,} staff rows; the template holds {DATA_ROWS:,}. "
                               "Split the list (e.g. by cost centre) or use `xl-kent recalc` for whole lists")
        from .recalc import staff_record, workbook_settings, workbook_sheets

        sheets = workbook_sheets(input_path)
        settings, lines = workbook_settings(input_path, loaded, given_settings, options, sheets)
        record, source, more = staff_record(input_path, loaded, absences, absences_sheet, absences_maps, err, sheets)
        columns, note = carried(loaded, table, "budget")
        lines += more + note
        if record is None:
            staff = read_staff(table, settings.as_of, columns=columns, schema=STAFF_SCHEMA)
            fig = compute(staff, settings, table)
            use = None
        else:
            from xl_kent.lists.absence_log import staff_figures

            if record.n_rows > DATA_ROWS:
                raise o.UsageError(f"{source}: {record.n_rows:,} absence rows; the template's Absences sheet "
                                   f"holds {DATA_ROWS:,}. Keep the 12 months (and 8 weeks) before the modelled "
                                   "absence, or use `xl-kent recalc --absences`")
            staff, fig, use = staff_figures(table, settings, columns, record, source)
        written = _write(out_path, input_path, lambda f: budget.write_filled(f, table, staff, fig, record=record))
        return loaded, settings, staff, fig, use, written, lines

    given_settings = settings
    done, result = o.guarded(prog, err, work)
    if not done:
        return result
    loaded, settings, staff, fig, use, written, lines = result
    table = loaded.table
    o.report_reading(prog, loaded, [*lines, *staff.columns.warnings(" by the budget"), *notes(staff, settings),
                                    *(use.lines if use is not None else ())], err)
    pt = fig.problems
    print(o.run_line("fill budget"), file=out)
    print(f"staff rows read: {table.n_rows:,}; rows OK: {int(fig.ok.sum()):,}; rows with problems: "
          f"{pt.problem_rows:,}", file=out)
    for reason, count in pt.counts[:12]:
        print(f"  rows with: {reason}: {count:,}", file=out)
    for k, v in settings_items(settings) + (use.items if use is not None else []) + totals_items(fig):
        print(f"{k}: {o._shown(k, v)}", file=out)
    print(f"written: {written}", file=out)
    if pt.problem_rows:
        print(f"{pt.problem_rows:,} row(s) have problems: see the Status column (exit code {o.EXIT_PROBLEMS})",
              file=out)
        return o.EXIT_PROBLEMS
    return o.EXIT_OK


def fill_awards(input_path, output, *, period_start=None, period_end=None, maps=None, sheet=None, out=None,
                err=None) -> int:
    """``xl-kent fill awards --log LOG -o OUT``: the award tracking workbook filled from a log.

    The monitoring period is ``period_start`` to ``period_end`` (default: the 12 months to
    today). Exit codes as ``xl-kent awards``: 0 every row judged and within the scheme;
    1 written, some rows not judged or outside the scheme; 2 input unusable; 3 output refused.
    """
    from workbooks import awards
    from workbooks.common import DATA_ROWS

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    prog = "xl-kent fill awards"

    def work():
        out_path = o.check_paths(input_path, output, (".xlsx",))
        settings = awards.default_settings(_date(period_end) or dt.date.today())
        if period_start is not None:
            settings["period_start"] = _date(period_start)
        if settings["period_start"] > settings["period_end"]:
            raise o.UsageError(f"the period starts ({settings['period_start']:%d/%m/%Y}) after it ends "
                               f"({settings['period_end']:%d/%m/%Y})")
        loaded = o.reading(input_path, AWARD_SCHEMA, sheet, maps, err)
        table = loaded.table
        if table.n_rows > DATA_ROWS:
            raise o.UsageError(f"{input_path}: {table.n_rows:,} award rows do not fit the template's "
                               f"{DATA_ROWS:,} rows: check a longer log with `xl-kent awards`")
        columns, lines = carried(loaded, table, "award template")
        log = read_award_log(table, columns=columns)
        j = judge(log, table)
        written = _write(out_path, input_path, lambda f: awards.write_filled(f, table, log, j, settings))
        return loaded, settings, log, j, written, lines

    done, result = o.guarded(prog, err, work)
    if not done:
        return result
    loaded, settings, log, j, written, lines = result
    table = loaded.table
    # (the workbook re-judges the rows beside a problem row live once that row is fixed)
    o.report_reading(prog, loaded, [*loaded.columns.warnings(" by the award template"), *lines,
                                    *judgement_notes(log, j)], err)
    pt = j.problems
    within, outside = int((j.judged & j.ok).sum()), int((j.judged & ~j.ok).sum())
    print(o.run_line("fill awards"), file=out)
    print(f"award rows read: {table.n_rows:,}", file=out)
    print(f"within the scheme: {within:,}", file=out)
    print(f"outside the scheme: {outside:,}", file=out)
    print(f"rows with problems (not judged): {pt.problem_rows:,}", file=out)
    for reason, count in pt.counts[:12]:
        print(f"  rows with: {reason}: {count:,}", file=out)
    print(f"monitoring period: {settings['period_start']:%d/%m/%Y} to {settings['period_end']:%d/%m/%Y}",
          file=out)
    print(f"written: {written}", file=out)
    if pt.problem_rows or outside:
        print(f"{pt.problem_rows:,} row(s) not judged, {outside:,} outside the scheme: see the Reason column "
              f"(exit code {o.EXIT_PROBLEMS})", file=out)
        return o.EXIT_PROBLEMS
    return o.EXIT_OK


def carried(loaded, table, template: str):
    """The column mapping of a list filled into a template (:meth:`ColumnMap.carried
    <xl_kent.lists.fields.ColumnMap.carried>`: the copy carries only the columns read as fields,
    so a row with cells only in the others is blank there, as its formulas see it), and the
    warning line when some rows are."""
    columns = loaded.columns.carried()
    became = int((columns.blank_rows(table) & ~loaded.columns.blank_rows(table)).sum())
    if not became:
        return columns, []
    return columns, [f"{became:,} row(s) have cells only in columns not used by the {template}: they are blank rows "
                     "of the filled copy, as its formulas see them"]


def _date(d):
    if d is None:
        return None
    if isinstance(d, dt.date):
        return d
    return dt.date.fromisoformat(str(np.datetime64(d, "D")))
