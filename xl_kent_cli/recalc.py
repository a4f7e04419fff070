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

from xl_kent.files.reading import cells_equal
from xl_kent.lists.figures import (
    CARRY_OVER_TOTALS,
    FIGURES,
    RESTRUCTURE_TOTALS,
    STAFF_SCHEMA,
    SUM_CHUNK_ROWS,
    TOTALS,
    Figures,
    Settings,
    add_parts,
    carry_over_totals,
    chunk_sums,
    compute,
    finish,
    notes_for,
    read_staff,
    restructure_totals,
    total_parts,
    totals,
    totals_of,
)
from xl_kent.lists.how import STAFF_HOW, staff_how, with_how
from xl_kent.lists.problems import by_count
from xl_kent.lists.staff import repeated_ids
from xl_kent.money import round_pennies

from . import output as o

__all__ = ["BLOCK_ROWS", "RESULT_COLUMNS", "recalc_stream", "recalc_table", "run", "settings_items", "totals_items"]

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


def totals_items(fig: Figures | dict, rows: np.ndarray | None = None) -> list[tuple[str, object]]:
    """The totals over the rows OK, in the budget Summary's words and order: the year-end
    carry-over totals (:data:`CARRY_OVER_TOTALS`) after the leave liability, the restructure's
    parts last. ``fig`` is the figures, or the parts of their totals (:func:`total_parts`)."""
    if isinstance(fig, dict):
        t, carried, restructure = totals_of(fig)
        t = {**t, **carried, **restructure}
    else:
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


#: Rows worked out at a time: a multiple of the totals' chunk (:data:`SUM_CHUNK_ROWS`), so every
#: total is the same to the last bit as the list's worked out whole.
BLOCK_ROWS = SUM_CHUNK_ROWS


class _Recalc:
    """``recalc`` of one list, a block of rows at a time: :meth:`make` gives the output columns
    of rows ``start`` to ``stop`` (called in order, each block once), :meth:`finish` the Errors
    lines and the Summary of them all. Each block is read, checked and computed by the one
    computation (:func:`read_staff`, :func:`compute`) on its own rows; the only check that
    looks across rows, the repeated employee id, is made on the whole list first
    (:func:`repeated_ids`). With an absence record the list is one block (its use counts the
    employees of the record not in the list)."""

    def __init__(self, table, settings: Settings, columns=None, overrides=None, record=None,
                 record_source: str | None = None, how: bool = True, block_rows: int = BLOCK_ROWS):
        from xl_kent.lists.fields import map_columns
        from xl_kent.lists.staff import column_fits

        if columns is None:
            columns = map_columns(table.headers, STAFF_SCHEMA, overrides, column_fits(table))
        self.table, self.settings, self.columns, self.how = table, settings, columns, how
        self.record, self.record_source = record, record_source or "the absence record"
        n = table.n_rows
        self.n_rows = n
        self.block_rows = max(n, 1) if record is not None else block_rows
        self.repeated = repeated_ids(table, columns) if record is None and n > self.block_rows else None
        self.keep = [j for j in range(len(table.headers)) if j not in set(columns.results)]
        names = [f.name for f in FIGURES]
        self.names = with_how(names, STAFF_HOW) if how else names
        self.headers = [table.headers[j] for j in self.keep] + self.names + ["status"]
        self.formats = ["general"] * len(self.keep) + [_FORMAT.get(name, "text") for name in self.names] + ["text"]
        self.errors: list[list[np.ndarray]] = []
        self.reasons: dict[str, int] = {}
        self.parts: dict = {}
        self.counts: dict[str, float] = {}
        self.any_redeployed = False
        self.use = None
        self.present: set[str] = set()
        self.ids: np.ndarray | None = None  # the employee ids of the block made last
        self.done = 0

    def make(self, start: int, stop: int) -> list[np.ndarray]:
        """The output columns of rows ``start`` to ``stop``: the input columns kept, the figures
        (money rounded to pennies), the How columns and the status."""
        if start != self.done:
            raise ValueError(f"blocks are made in order: rows {start}-{stop} asked for after {self.done}")
        s = self.settings
        block = self.table.rows(start, stop) if (start, stop) != (0, self.n_rows) else self.table
        if self.record is None:
            repeated = None if self.repeated is None else self.repeated[start:stop]
            staff = read_staff(block, s.as_of, columns=self.columns, schema=STAFF_SCHEMA, repeated=repeated)
            fig = compute(staff, s, block)
        else:
            from xl_kent.lists.absence_log import staff_figures

            staff, fig, self.use = staff_figures(block, s, self.columns, self.record, self.record_source)
        self.present = staff.present
        data = [block.columns[j] for j in self.keep]
        said = staff_how(staff, s, fig.values, fig.values["sick_prior_paid_days"]) if self.how else {}
        for name in self.names:
            a = said[name] if name in said else fig.values[name]
            data.append(round_pennies(a) if name in _MONEY else a)
        data.append(fig.status)
        self._add(block, staff, fig)
        self.done = stop
        return data

    def _add(self, block, staff, fig) -> None:
        """Count the block's rows into the Errors lines and the Summary."""
        pt = fig.problems
        ids = staff.values["employee_id"]
        self.ids = ids
        self.errors.append([pt.rows + block.first_row, ids[pt.rows], pt.columns, pt.values, pt.reasons])
        for reason, count in pt.counts:
            self.reasons[reason] = self.reasons.get(reason, 0) + count
        add_parts(self.parts, total_parts(fig))
        ok = fig.ok
        v = staff.values
        s = self.settings
        in_post = cells_equal(fig.values["in_post_on_as_of"], True)  # (an object column of True/False/None)
        contract = staff.contract
        counts = {
            "rows OK": ok,
            "rows with problems": None,
            "blank": staff.blank_row,
            "in post": ok & in_post,
            "salaried": ok & (contract == "salaried"),
            "casual": ok & (contract == "casual"),
            "relief": ok & (contract == "relief"),
            "part-time": ok & (contract == "salaried") & (v["weekly_hours"] < s.full_time_weekly_hours),
            "leavers": ok & (v["employment_end"] <= s.as_of),
            "joiners": ok & (v["employment_start"] >= s.leave_year_start) & (v["employment_start"] <= s.as_of),
            "redundancy entitled": ok & (fig.values["redundancy_weeks"] > 0),
        }
        for key, mask in counts.items():
            n = pt.problem_rows if mask is None else int(np.count_nonzero(mask))
            self.counts[key] = self.counts.get(key, 0) + n
        self.counts["problems listed"] = self.counts.get("problems listed", 0) + int(pt.rows.shape[0])
        add_parts(self.parts, {
            "leave_year_entitlement_days*": chunk_sums(fig.values["leave_year_entitlement_days"], ok),
            "leave_accrued_days*": chunk_sums(fig.values["leave_accrued_days"], ok),
            "leave_taken_days*": chunk_sums(v["leave_taken_days"], ok),
            "redundancy_weeks*": chunk_sums(fig.values["redundancy_weeks"], ok),
            "redundancy_pay_gbp*": chunk_sums(fig.values["redundancy_pay_gbp"], ok),
        })
        self.any_redeployed |= bool((v["redeployed_grade_status"] == 0).any())

    def finish(self, source: str | None = None) -> dict:
        """The Errors columns, the Summary, the problem rows and the notes, once every block is made."""
        if self.done != self.n_rows or (self.n_rows == 0 and not self.errors):
            if self.n_rows == 0:
                self.make(0, 0)
            else:
                raise ValueError(f"rows {self.done}-{self.n_rows} were not made")
        table, s, cm, use = self.table, self.settings, self.columns, self.use
        errors_columns = [np.concatenate([np.asarray(e[k], dtype=object if k else np.int64) for e in self.errors])
                          for k in range(5)]
        c = self.counts
        done = finish(self.parts)

        def total(key: str) -> float:
            v = done[key + "*"]
            return float(round_pennies(v)) if key.endswith("_gbp") else float(v)

        by_reason = sorted(self.reasons.items(), key=by_count)  # (as problem_table orders them)
        lines = [*cm.warnings(), *notes_for(self.present, self.any_redeployed, s),
                 *(use.lines if use is not None else ())]
        ok_rows = int(c["rows OK"])
        summary: list[tuple[str, object]] = [
            *o.summary_head("recalc", source, table),
            *settings_items(s),
            *(use.items if use is not None else ()),
            ("rows read", self.n_rows),
            ("rows OK", ok_rows),
            ("rows with problems", int(c["rows with problems"])),
            ("blank rows inside the list (kept, not computed)", int(c["blank"])),
            ("problems listed on the Errors sheet", int(c["problems listed"])),
        ]
        summary += [(f"rows with: {reason}", count) for reason, count in by_reason]
        summary += [("totals below are over the rows OK only", ok_rows), *totals_items(self.parts)]
        summary += [
            ("in post on the as-of date", int(c["in post"])),
            ("salaried / casual / relief", " / ".join(str(int(c[k])) for k in ("salaried", "casual", "relief"))),
            ("part-time (weekly_hours below full time)", int(c["part-time"])),
            ("leavers (employment_end on or before the as-of date)", int(c["leavers"])),
            ("joiners in the leave year", int(c["joiners"])),
            ("leave year entitlement, total days", total("leave_year_entitlement_days")),
            ("leave accrued to the as-of date, total days", total("leave_accrued_days")),
            ("leave taken, total days", total("leave_taken_days")),
            ("employed on the redundancy date with a redundancy entitlement (weeks above 0)",
             int(c["redundancy entitled"])),
            ("redundancy, total weeks (everyone employed on the redundancy date)", total("redundancy_weeks")),
            ("redundancy, total cost £ (everyone employed on the redundancy date)", total("redundancy_pay_gbp")),
        ]
        summary += [("note", line) for line in lines]
        summary += [(f"column: {h!r}" if h else "column: (no header)", how) for h, how in cm.describe()]
        return {"errors_columns": errors_columns, "summary": summary, "n_problem_rows": int(c["rows with problems"]),
                "notes": lines}


def recalc_stream(table, settings: Settings, columns=None, source: str | None = None, overrides=None, record=None,
                  record_source: str | None = None, how: bool = True, block_rows: int = BLOCK_ROWS) -> o.Outcome:
    """:func:`recalc_table` with the main sheet's columns made a block of rows at a time as the
    writer asks for them (:class:`xl_kent.files.writing.RowBlocks`): the Errors sheet, the
    Summary and the counts are filled in when the last block is made (``outcome.finish()``;
    :func:`xl_kent_cli.output.write_outcome` calls it). A list of a million rows is never
    held whole, as cells or as figures."""
    from xl_kent.files.writing import RowBlocks

    run = _Recalc(table, settings, columns, overrides, record, record_source, how, block_rows)
    outcome = o.Outcome(run.headers, RowBlocks(run.n_rows, run.make, run.block_rows), run.formats,
                        ["row", "employee_id", "column", "value", "reason"], [], [], run.n_rows, 0, [],
                        first_row=getattr(table, "first_row", 2), ids=lambda: run.ids)

    def finished() -> None:
        outcome.__dict__.update(run.finish(source))

    outcome.finish = finished
    return outcome


def recalc_table(table, settings: Settings, columns=None, source: str | None = None, progress=None,
                 overrides=None, record=None, record_source: str | None = None, how: bool = True,
                 block_rows: int = BLOCK_ROWS) -> o.Outcome:
    """Read, check and compute a staff list read from a file; see the module docstring.

    ``columns`` is the column mapping made by the reader (else made here from ``overrides``).
    ``record`` (an absence record worked out, :func:`xl_kent.lists.absence_log.compute`) gives
    every employee's paid sick days of the 12 months before the modelled absence start, instead
    of a typed column (:func:`xl_kent.lists.absence_log.staff_figures`, as ``fill budget`` does).
    ``how`` adds the How columns (:data:`xl_kent.lists.how.STAFF_HOW`), each beside the figures
    it explains. Raises :class:`xl_kent.lists.fields.ColumnError` for a missing or ambiguous column.

    The list is worked out ``block_rows`` rows at a time (:class:`_Recalc`), the columns of
    the blocks joined: the same outcome as :func:`recalc_stream` writes.
    """
    run = _Recalc(table, settings, columns, overrides, record, record_source, how, block_rows)
    n = run.n_rows
    blocks, ids = [], []
    for start in range(0, n, run.block_rows):
        blocks.append(run.make(start, min(start + run.block_rows, n)))
        ids.append(run.ids)
    if progress:
        progress(3)
    data = [np.concatenate([b[k] for b in blocks]) if len(blocks) > 1 else blocks[0][k]
            for k in range(len(run.headers))] if blocks else [np.zeros(0, dtype=object) for _ in run.headers]
    del blocks
    done = run.finish(source)
    ids = np.concatenate(ids) if len(ids) > 1 else ids[0] if ids else run.ids
    return o.Outcome(run.headers, data, run.formats, ["row", "employee_id", "column", "value", "reason"],
                     done["errors_columns"], done["summary"], n, done["n_problem_rows"], done["notes"],
                     first_row=getattr(table, "first_row", 2), ids=ids)


def read_record(path, sheet=None, maps=None, err=None, staff_path=None, staff_sheet=None, given: bool = True):
    """An absence record read and worked out for ``--absences`` (``xl-kent absences``' reading):
    a :class:`~xl_kent.lists.absence_log.AbsenceFigures`; a record that cannot be used is a
    :class:`~xl_kent_cli.output.UsageError` (exit 2, nothing written). The record may be
    another sheet of the staff list's workbook (``sheet`` named, not ``staff_sheet``). A record
    ``given`` with ``--absences`` is named in the message, with its own ``--absences-map``."""
    from pathlib import Path

    from xl_kent.lists.absence_log import ABSENCE_SCHEMA, read_absence_log
    from xl_kent.lists.absence_log import compute as compute_record

    if staff_path is not None and Path(path).resolve() == Path(staff_path).resolve() and (
            sheet is None or staff_sheet is None or sheet.casefold() == staff_sheet.casefold()):
        raise o.UsageError(f"--absences {path}: the absence record is the staff list itself; give the record's file"
                           + ("" if staff_sheet is None else
                              f", or its sheet with --absences-sheet (the staff list is sheet {staff_sheet!r})"))
    try:
        loaded = o.reading(path, ABSENCE_SCHEMA, sheet, maps, err)
    except o.UsageError as e:  # (say which of the two files: the staff list's columns are not the record's)
        if not given:
            raise
        import re

        said = re.sub(r"(?<![\w-])--map\b", "--absences-map", str(e))  # (the record's own option)
        raise o.UsageError(f"--absences {Path(path).name}: {said}") from (e.__cause__ or e)
    return compute_record(read_absence_log(loaded.table, columns=loaded.columns), loaded.table)


def workbook_sheets(path) -> list[str]:
    """The worksheet names of a staff list given as a workbook ([] for CSV, or when they cannot be
    listed: the staff sheet was read, so a second look that fails only means nothing more is read)."""
    from pathlib import Path

    from xl_kent.files.reading import list_sheets

    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return []
    try:
        return [s.name for s in list_sheets(path)]
    except Exception:  # noqa: BLE001
        return []


def staff_record(input_path, loaded, absences=None, absences_sheet=None, absences_maps=None, err=None,
                 sheets: list[str] | None = None):
    """The absence record a staff list is worked out with, as ``(record, source, lines)``.

    The record given (``--absences``); else, when the staff list is a workbook with a sheet
    ``Absences`` (a filled budget) holding at least one absence, that sheet, as the
    workbook's own formulas take the paid sick days from it once it has a cell (the budget
    template's override rule); else None (the typed column). An ``Absences`` sheet that
    does not read as an absence record is not used, and a warning line says so. ``sheets``:
    the workbook's sheet names (:func:`workbook_sheets`), when the caller has them."""
    from xl_kent.lists.absence_log import ABSENCES_SHEET
    from xl_kent.lists.source import NoDataRows

    staff_sheet = getattr(loaded.table, "sheet", None)
    if absences is not None:
        record = read_record(absences, absences_sheet, absences_maps, err, input_path, staff_sheet)
        where = str(absences) + (f" (sheet {absences_sheet!r})" if absences_sheet else "")
        return record, where, []
    if not staff_sheet or staff_sheet.casefold() == ABSENCES_SHEET.casefold():
        return None, None, []
    if ABSENCES_SHEET not in (workbook_sheets(input_path) if sheets is None else sheets):
        return None, None, []
    try:
        record = read_record(input_path, ABSENCES_SHEET, None, err, input_path, staff_sheet, given=False)
    except o.UsageError as e:
        if isinstance(e.__cause__, NoDataRows):  # an empty sheet: the typed column, as in the workbook
            return None, None, []
        return None, None, [f"the workbook's sheet {ABSENCES_SHEET!r} is not read as an absence record ({e}): the "
                            "paid sick days are the staff list's own column"]
    if record.log.blank_row.all():
        return None, None, []
    return record, f"the workbook's own sheet {ABSENCES_SHEET!r} ({input_path})", []


#: How a setting is said in the lines about a budget workbook's Assumptions (its option, its words).
_SETTING_WORDS: dict[str, tuple[str, str]] = {
    "as_of": ("--as-of", "as-of date"), "absence_start": ("--absence-start", "modelled absence start"),
    "absence_days": ("--absence-days", "modelled absence days"),
    "redundancy_date": ("--redundancy-date", "redundancy date"), "pay_award_pct": ("--pay-award", "pay award"),
    "employer_ni_rate": ("--ni-rate", "employer NI rate"), "ni_threshold_gbp": ("--ni-threshold", "NI threshold"),
    "pension_rate": ("--pension-rate", "employer pension rate"), "levy_rate": ("--levy-rate", "levy rate"),
    "grade_max": ("--grade-max", "grade maxima"),
}


def _said(key: str, v) -> str:
    if isinstance(v, np.datetime64):
        return o.uk_date(v)
    if key == "grade_max":
        return ", ".join(f"KR{g}={top:g}" for g, top in v) or "none"
    if key.endswith("_pct") or key.endswith("_rate"):
        return f"{v * 100:.4g}%"
    return f"{v:,.2f}" if key.endswith("_gbp") else f"{v:g}"


def _same(a, b) -> bool:
    if isinstance(a, np.datetime64) or isinstance(b, np.datetime64):
        return np.datetime64(a, "D") == np.datetime64(b, "D")
    if isinstance(a, tuple) or isinstance(b, tuple):
        return tuple(a) == tuple(b)
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def workbook_settings(input_path, loaded, settings: Settings, options: dict | None,
                      sheets: list[str]) -> tuple[Settings, list[str]]:
    """The settings for a staff list that is a budget workbook (its sheet ``Staff`` beside an
    ``Assumptions`` sheet: a filled copy, or the template filled by hand), and the lines to say.

    The workbook's own totals use its Assumptions, so a setting not given as an option is taken
    from there (the pay award, the on-cost rates, the modelled absence, the redundancy date,
    the grade maxima), as its Absences sheet gives the paid sick days
    (:func:`staff_record`); an option given wins, with a warning where it differs from the
    workbook's value. When the as-of date given differs from the workbook's, nothing is taken
    (its rates and dates are for another day), and a warning says so. ``options``: the
    settings given on the command line (None: the caller's settings are used as they are).
    A value the workbook holds that is still the parameter files' EXAMPLE stays an EXAMPLE."""
    if options is None or "Assumptions" not in sheets or getattr(loaded.table, "sheet", None) != "Staff":
        return settings, []
    from dataclasses import replace

    from workbooks.budget import read_assumptions
    from xl_kent.lists.figures import SettingsError, default_settings

    found, bad = read_assumptions(input_path)
    if not found:
        return settings, []
    lines = [f"the workbook's Assumptions sheet: {b}: not used" for b in bad]
    given = {k: v for k, v in options.items() if v is not None}
    as_of = given.get("as_of", found.get("as_of"))
    if "as_of" in found and not _same(as_of, found["as_of"]):
        lines.append(f"the workbook's Assumptions are for the as-of date {o.uk_date(found['as_of'])}, this run's is "
                     f"{o.uk_date(as_of)} (--as-of): none of its settings are used, so the figures are not the "
                     "workbook's own")
        return settings, lines
    taken = {k: v for k, v in found.items() if k not in given and k != "as_of"}
    for k in sorted(set(given) & set(found)):
        if k != "as_of" and not _same(given[k], found[k]):
            option, words = _SETTING_WORDS[k]
            lines.append(f"{option} {_said(k, given[k])} is used, not the workbook's Assumptions {words} "
                         f"({_said(k, found[k])}): the figures differ from the workbook's own totals")
    try:
        made = default_settings(as_of if as_of is not None else settings.as_of,
                                **{k: v for k, v in {**taken, **given}.items() if k != "as_of"})
    except SettingsError as e:
        raise o.UsageError(f"the workbook's Assumptions sheet: {e}") from e
    # What the defaults would be: a value the same as its default keeps the default's source
    # (an EXAMPLE stays one); the others are the workbook's, and said.
    plain = default_settings(made.as_of, **{k: v for k, v in given.items() if k != "as_of"})
    own = {k: v for k, v in taken.items() if not _same(v, getattr(plain, k))}
    made = replace(made, examples=made.examples | (plain.examples - set(own) - set(given)),
                   sources={**made.sources, **{k: plain.sources[k] for k in taken if k not in own and k in plain.sources},
                            **{k: "the workbook's Assumptions sheet" for k in own}})
    if own:
        lines.append("settings taken from the workbook's Assumptions sheet (not given as options): "
                     + ", ".join(f"{_SETTING_WORDS[k][1]} {_said(k, v)}" for k, v in own.items()))
    return made, lines


def beyond_template(loaded, sheets: list[str]) -> list[str]:
    """A warning line when the staff list is the budget template's Staff sheet (a workbook with its
    "Assumptions" sheet: ``sheets``, :func:`workbook_sheets`) with data typed below the template's
    pre-sized rows: the workbook's formulas stop there, so its totals leave those rows out, which
    recalc works out."""
    from workbooks.common import DATA_ROWS, FIRST_ROW

    table = loaded.table
    if "Assumptions" not in sheets or table.n_rows <= DATA_ROWS or getattr(table, "sheet", None) != "Staff" or \
            getattr(table, "first_row", None) != FIRST_ROW:
        return []
    below = np.flatnonzero(~loaded.columns.blank_rows(table.rows(DATA_ROWS, table.n_rows)))
    if not below.size:
        return []
    last = FIRST_ROW + DATA_ROWS - 1
    return [f"{below.size:,} row(s) below row {last:,} of the budget template's Staff sheet (rows "
            f"{last + 1 + int(below[0]):,} to {last + 1 + int(below[-1]):,}): the workbook's formulas stop at row "
            f"{last:,}, so its totals leave them out; recalc works them out"]


def run(input_path, settings: Settings, output=None, maps=None, sheet=None, out=None, err=None, absences=None,
        absences_sheet=None, absences_maps=None, how: bool = True, options: dict | None = None) -> int:
    """``xl-kent recalc``: read, compute, write atomically, print; returns the exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    prog = "xl-kent recalc"

    def work():
        target = o.check_paths(input_path, output or o.default_output(input_path, "recalc"))
        if absences is not None:
            o.check_paths(absences, target)  # the output is never the record either
        loaded = o.reading(input_path, STAFF_SCHEMA, sheet, maps, err)
        sheets = workbook_sheets(input_path)
        used, lines = workbook_settings(input_path, loaded, settings, options, sheets)
        record, source, more = staff_record(input_path, loaded, absences, absences_sheet, absences_maps, err,
                                            sheets)
        lines += more + beyond_template(loaded, sheets)
        # The figures are worked out a block of rows at a time as they are written (one progress bar).
        outcome = recalc_stream(loaded.table, used, loaded.columns, str(input_path), record=record,
                                record_source=source, how=how)
        return loaded, outcome, o.write_outcome(outcome, target, input_path, "Staff", err), lines

    done, result = o.guarded(prog, err, work)
    if not done:
        return result
    loaded, outcome, written, lines = result
    o.report_reading(prog, loaded, [*lines, *outcome.notes], err)
    o.print_summary(outcome, written, out)
    return outcome.exit_code
