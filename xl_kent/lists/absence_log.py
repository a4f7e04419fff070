"""An absence record: its columns, its cells, one set of checks, and sick pay for every absence.

HR keeps an absence record, one row per absence of one employee (first and last day of
incapacity, both included). ``xl-kent absences`` reads it here and gives every absence what
``KENT_SICKPAY_LOG`` gives it (:func:`xl_kent.sick_pay_log.sick_pay_log`, called once for the
whole record): the full, half and nil pay days, the SSP, the pay, the paid sick days the
record gave it, and the SSP days left of its linked series. ``xl-kent recalc --absences`` and
``xl-kent fill budget --absences`` take each employee's paid sick days of the 12 months before
the modelled absence from it (:func:`prior_paid_days`), the same figure for both.

A row whose cells cannot be read (no employee, a date that is not a date, a last day before
the first, a salary that is not a positive number, a Yes/No cell that is neither) is kept, says
what is wrong, and **takes no part** in the other rows' figures (it adds no paid days and neither
makes nor breaks an SSP link), as the core does with its own error rows (two absences of one
employee that overlap are both errors). Every other column (a name, the reason for the absence,
a note) is carried to the output untouched and named in the warning line of columns not used.

Examples
--------
>>> from xl_kent.files.reading import Table
>>> cols = {"Emp No": ["E1", "E1", "E2"], "Start of absence": ["2025-05-01", "2025-06-01", "TBC"],
...         "End of absence": ["2025-05-10", "2025-06-05", "2025-05-04"],
...         "Continuous service date": ["2018-01-01"] * 3, "Salary": [36500.0] * 3}
>>> t = Table(list(cols), [np.array(v, dtype=object) for v in cols.values()], 3, None, "csv")
>>> r = compute(read_absence_log(t), t)
>>> r.values["prior_paid_days"].tolist()[:2], r.values["pay_gbp"].tolist()[:2], r.status.tolist()[2]
([0.0, 10.0], [1000.0, 500.0], 'first_day is not a date')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import OK, reason_text
from ..money import round_pennies
from ..sick_pay_log import E_OVERLAP, allowance_left, paid_days_before, sick_pay_log
from . import parse
from .fields import ColumnMap, Field, Schema, fits_kind, map_columns
from .how import ABSENCE_HOW
from .problems import (
    Problems,
    ProblemTable,
    add_unreadable,
    add_unseen_cells,
    look_alike_ids,
    look_alike_warning,
    problem_table,
)
from .staff import _ID_ALIASES, SERIAL_WORDS, STAFF_FIELDS, Check, check_bounds, staff_checks, year_words

__all__ = ["ABSENCE_FIELDS", "ABSENCE_RESULTS", "ABSENCE_SCHEMA", "AS_OF_RESULTS", "AbsenceLog", "AbsenceFigures",
           "RecordUse", "absence_checks", "as_of_allowance", "compute", "employees", "prior_paid_days",
           "read_absence_log", "record_notes", "staff_figures", "use_record", "window_days", "without_typed_sick_days"]

_STAFF = {f.name: f for f in STAFF_FIELDS}

ABSENCE_FIELDS: tuple[Field, ...] = (
    Field("employee_id", "id", True, ("employee id", *_ID_ALIASES), "employee absent (text or number)",
          "Employee ID"),
    Field("first_day", "date", True,
          ("first day of absence", "start of absence", "absence start", "absence start date", "absence from",
           "first day of sickness", "sickness start", "sickness start date", "start of sickness", "first day off",
           "date from", "from", "start date", "start"),
          "first day of incapacity", "First day"),
    Field("last_day", "date", True,
          ("last day of absence", "end of absence", "absence end", "absence end date", "absence to",
           "last day of sickness", "sickness end", "sickness end date", "end of sickness", "last day off",
           "date to", "to", "end date", "end"),
          "last day of incapacity (included; the day before the return to work)", "Last day",
          # (a return-to-work date is the day after the last day: read as it, every absence had a
          # day too many; such a column is only read when named with --map)
          avoid=("return", "returned", "returning", "rtw", "back", "fit", "resumed", "resume")),
    Field("service_start", "date", True, _STAFF["service_start"].aliases, _STAFF["service_start"].meaning,
          "Service start"),
    Field("annual_salary", "number", True, ("annual salary £", *_STAFF["annual_salary"].aliases),
          "actual annual pay in £ at the absence (pro rata for part-time)", "Annual salary",
          avoid=_STAFF["annual_salary"].avoid),
    Field("temporary_short", "bool", False,
          ("temporary 4 months or less", "temporary contract 4 months or less", "temporary short",
           "short temporary contract", "temporary under 4 months", "temp 4 months or less"),
          "Yes for a temporary contract of 4 months or less (statutory sick pay only); blank = No",
          "Temporary 4 months or less?"),
)
_FIELD = {f.name: f for f in ABSENCE_FIELDS}

#: Result columns of ``xl-kent absences``: (header, format, meaning).
ABSENCE_RESULTS: tuple[tuple[str, str, str], ...] = (
    ("calendar_days", "days", "last_day - first_day + 1"),
    ("full_pay_days", "days", "calendar days of the absence at full pay"),
    ("half_pay_days", "days", "calendar days at half pay"),
    ("nil_pay_days", "days", "calendar days with no contractual sick pay (SSP only)"),
    ("ssp_gbp", "gbp", "statutory sick pay within the absence, whichever band it is paid in"),
    ("pay_gbp", "gbp", "gross pay for the absence (to the penny, as KENT_SICKPAY_LOG gives it)"),
    ("prior_paid_days", "days",
     "paid sick days (full or half pay) of the employee's earlier absences in the 12 months before first_day"),
    ("ssp_days_left", "days", "SSP days left of the 196 of the linked series after this absence"),
    ("status", "text", '"OK", or what is wrong with the row'),
)
#: With ``--as-of DATE``: the employee's allowance for an absence starting that day, on each row.
AS_OF_RESULTS: tuple[tuple[str, str, str], ...] = (
    ("as_of_paid_days_12_months", "days",
     "the employee's paid sick days in the record in the 12 months before the as-of date"),
    ("as_of_full_pay_days_left", "days", "full sick pay left for an absence starting on the as-of date"),
    ("as_of_half_pay_days_left", "days", "half sick pay left for an absence starting on the as-of date"),
)
#: The budget template's calculated Absences columns (results when a filled copy is read back).
_TEMPLATE_RESULTS = ("Full pay days", "Half pay days", "Paid days", "Paid days in the 12 months before the "
                     "modelled absence", "Status")
ABSENCE_SCHEMA = Schema("absence record", ABSENCE_FIELDS,
                        tuple(r for r, _, _ in ABSENCE_RESULTS + AS_OF_RESULTS) + _TEMPLATE_RESULTS
                        + (ABSENCE_HOW.name, ABSENCE_HOW.label))

_READ_WORDS = {"id": "text", "date": "a date", "number": "a number", "bool": "Yes or No", "text": "text"}
_DATES = ("first_day", "last_day", "service_start")
_USED = ("employee_id", "first_day", "last_day", "service_start", "annual_salary", "temporary_short")


def absence_checks(on=None) -> tuple[Check, ...]:
    """Every check of an absence row, in the order they run, with the words (and the bounds in
    force on ``on``, default today). The budget template's Absences checks use these words.

    >>> [c.reason for c in absence_checks() if c.field == "last_day"][-1]
    'last_day is before first_day'
    """
    b = check_bounds(np.datetime64("today", "D") if on is None else on)
    checks: list[Check] = []

    def unreadable(name: str, blank: bool = False) -> None:
        kind = _FIELD[name].kind
        checks.append(Check(name, "wrong_type", f"{name} is not {_READ_WORDS[kind]}"))
        checks.append(Check(name, "error_value", f"{name} holds an Excel error value"))
        if kind == "date":
            checks.append(Check(name, "serial", f"{name} {SERIAL_WORDS}"))
        if blank:
            checks.append(Check(name, "blank", f"{name} is blank"))
        if kind == "date":
            checks.append(Check(name, "too_early", f"{name} is before {year_words(b['earliest_date'], True)} "
                                                   "(a typing error?)"))
            checks.append(Check(name, "too_late", f"{name} is after {year_words(b['latest_date'], False)} "
                                                  "(a typing error?)"))

    unreadable("employee_id", blank=True)
    unreadable("first_day", blank=True)
    unreadable("last_day", blank=True)
    checks.append(Check("last_day", "before_first", "last_day is before first_day"))
    unreadable("service_start", blank=True)
    checks.append(Check("service_start", "after_first", "service_start is after first_day"))
    unreadable("annual_salary", blank=True)
    checks.append(Check("annual_salary", "not_positive", "annual_salary is not above 0"))
    # No weekly hours in a record: only the upper full-time bound can be applied to an actual salary.
    checks.append(Check("annual_salary", "too_high",
                        f"annual_salary is above £{b['max_fte_salary_gbp']:,.0f} a year (a typing error?)"))
    unreadable("temporary_short")
    return tuple(checks)


#: The budget template's sheet of the absence record: a filled budget read back as a staff list
#: takes its paid sick days from it (:func:`xl_kent_cli.recalc.staff_record`).
ABSENCES_SHEET = "Absences"


@dataclass
class AbsenceLog:
    """An absence record read and checked: typed columns by field name, problems, the mapping."""

    n_rows: int
    columns: ColumnMap
    values: dict[str, np.ndarray]
    blank_row: np.ndarray
    problems: Problems

    @property
    def present(self) -> set[str]:
        return set(self.columns.fields)


def read_absence_log(table, overrides: dict[str, str] | None = None, *, columns: ColumnMap | None = None
                     ) -> AbsenceLog:
    """Map, read and check an absence record (a :class:`xl_kent.files.reading.Table`).

    Raises :class:`xl_kent.lists.fields.ColumnError` for missing or ambiguous columns.
    """
    if columns is None:
        columns = map_columns(table.headers, ABSENCE_SCHEMA, overrides,
                              lambda name, col: fits_kind(_FIELD[name].kind, table.columns[col]))
    n = table.n_rows
    problems = Problems()
    blank_row = columns.blank_rows(table)
    filled = ~blank_row
    explained = add_unseen_cells(problems, table, columns, filled)  # (cells the reader could not see)
    words = {(c.field, c.id): c.reason for c in absence_checks()}
    b = check_bounds(np.datetime64("today", "D"))

    def col(name):
        return columns.cells(table, name)

    def unreadable(name: str, status: np.ndarray, blank: bool = False) -> None:
        on = filled & ~explained[name] if name in explained else filled
        add_unreadable(problems, on, name, status, words, blank)

    values: dict[str, np.ndarray] = {}
    values["employee_id"], values["employee_id_status"] = parse.parse_text(col("employee_id"))
    unreadable("employee_id", values["employee_id_status"], blank=True)
    for name in _DATES:
        d, status = parse.parse_dates(col(name))
        values[name], values[name + "_status"] = d, status
        unreadable(name, status, blank=True)
        problems.add(filled & (d < b["earliest_date"]), name, words[(name, "too_early")])
        problems.add(filled & (d > b["latest_date"]), name, words[(name, "too_late")])
        if name == "last_day":
            problems.add(filled & (d < values["first_day"]), name, words[("last_day", "before_first")])
        if name == "service_start":
            problems.add(filled & (d > values["first_day"]), name, words[("service_start", "after_first")])
    salary, status = parse.parse_numbers(col("annual_salary"))
    values["annual_salary"], values["annual_salary_status"] = salary, status
    unreadable("annual_salary", status, blank=True)
    problems.add(filled & (salary <= 0), "annual_salary", words[("annual_salary", "not_positive")])
    problems.add(filled & (salary > b["max_fte_salary_gbp"]), "annual_salary", words[("annual_salary", "too_high")])
    temp, status = parse.parse_bools(col("temporary_short"))
    values["temporary_short"], values["temporary_short_status"] = temp, status
    unreadable("temporary_short", status)
    return AbsenceLog(n, columns, values, blank_row, problems)


@dataclass
class AbsenceFigures:
    """Every absence of a record worked out over the whole record.

    ``values``: the figures of :data:`ABSENCE_RESULTS` (float64, NaN where not worked out;
    ``pay_gbp`` to the penny) and ``paid_days`` (full + half pay days, what the absence adds to
    later rolling years); ``ok``: the row was worked out; ``status``: "OK", the row's problems,
    or "row is blank".
    """

    values: dict[str, np.ndarray]
    status: np.ndarray
    ok: np.ndarray
    problems: ProblemTable
    log: AbsenceLog
    table: object = None  # the file read (its raw cells), when given

    @property
    def n_rows(self) -> int:
        return self.status.shape[0]

    @property
    def employee_ids(self) -> np.ndarray:
        return self.log.values["employee_id"]

    @property
    def first_days(self) -> np.ndarray:
        return self.log.values["first_day"]


def compute(log: AbsenceLog, table=None) -> AbsenceFigures:
    """Every figure of every row by :func:`xl_kent.sick_pay_log.sick_pay_log`, called once for the
    whole record. Rows with a problem are passed to the core as blank (they take no part);
    the core's own errors (overlapping absences, an absence over 3,660 days, no rules in force)
    are added as problems. ``table`` (the file read) gives the Errors lines their cells."""
    v, n = log.values, log.n_rows
    bad_input = log.problems.rows_with(n, _USED) | log.blank_row
    ids = np.where(bad_input, "", v["employee_id"]).astype(object)
    r = sick_pay_log(ids, v["first_day"], v["last_day"], v["service_start"], v["annual_salary"],
                     v["temporary_short"])
    core_bad = ~bad_input & (r.error != OK)
    for code in np.unique(r.error[core_bad]).tolist():
        column = "first_day" if code == E_OVERLAP else ""
        log.problems.add(core_bad & (r.error == code), column, reason_text(code))
    ok = ~bad_input & (r.error == OK)
    days = (v["last_day"] - v["first_day"]).astype("timedelta64[D]").astype(np.float64) + 1.0
    out = {
        "calendar_days": np.where(~log.blank_row & (v["last_day"] >= v["first_day"]), days, np.nan),
        "full_pay_days": r.full_pay_days, "half_pay_days": r.half_pay_days, "nil_pay_days": r.nil_pay_days,
        "ssp_gbp": round_pennies(r.ssp_gbp), "pay_gbp": round_pennies(r.pay_gbp), "prior_paid_days": r.prior_paid_days,
        "ssp_days_left": r.ssp_days_left,
    }
    out = {k: np.where(ok, a, np.nan) if k != "calendar_days" else a for k, a in out.items()}
    out["paid_days"] = np.where(ok, r.full_pay_days + r.half_pay_days, np.nan)
    headers = table.headers if table is not None else [f.label for f in ABSENCE_FIELDS]
    cols = table.columns if table is not None else [np.full(n, None, dtype=object)] * len(headers)
    mapping = log.columns.fields if table is not None else {f.name: j for j, f in enumerate(ABSENCE_FIELDS)}
    pt = problem_table(log.problems, n, headers, cols, mapping, [name for name, _, _ in ABSENCE_RESULTS],
                       blank=log.blank_row)
    return AbsenceFigures(out, pt.status, ok, pt, log, table)


def window_days(record: AbsenceFigures, on_day) -> np.ndarray:
    """Per row, the days of the absence's paid span inside the 12 months before ``on_day``
    (what the row adds to its employee's :func:`prior_paid_days`); NaN on rows not worked out.
    The budget template's Absences sheet shows it beside each absence."""
    n = record.n_rows
    own = np.arange(n).astype(str).astype(object)
    paid = np.where(record.ok, record.values["paid_days"], np.nan)
    days = paid_days_before(np.where(record.ok, own, ""), record.first_days, paid, own, on_day)
    return np.where(record.ok, days, np.nan)


def prior_paid_days(record: AbsenceFigures, employee_ids, on_day) -> np.ndarray:
    """Each employee's paid sick days, by the record, in the 12 months before ``on_day``
    (:func:`xl_kent.sick_pay_log.paid_days_before` over the rows worked out): 0 for an
    employee with no absence in the record; the rows with problems add nothing. This is the
    figure ``recalc --absences`` and ``fill budget --absences`` use for everyone.

    >>> from xl_kent.files.reading import Table
    >>> t = Table(["Employee ID", "First day", "Last day", "Service start", "Annual salary"],
    ...           [np.array(v, dtype=object) for v in (["E1"], ["2026-01-05"], ["2026-01-14"], ["2015-01-01"],
    ...            [30000.0])], 1, None, "csv")
    >>> prior_paid_days(compute(read_absence_log(t)), np.array(["e1", "E2"], dtype=object), "2026-04-01").tolist()
    [10.0, 0.0]
    """
    paid = np.where(record.ok, record.values["paid_days"], np.nan)
    return paid_days_before(np.where(record.ok, record.employee_ids, "").astype(object), record.first_days, paid,
                            np.asarray(employee_ids, dtype=object), on_day)


def as_of_allowance(record: AbsenceFigures, on_day) -> dict[str, np.ndarray]:
    """Per row, the row's employee's allowance for an absence starting on ``on_day``
    (:data:`AS_OF_RESULTS`): the paid days of the record in the 12 months before it, and the
    full and half pay left by the row's own service start and contract
    (:func:`xl_kent.sick_pay_log.allowance_left`). Blank on rows with a problem and where the
    allowance cannot be worked out (service starting after ``on_day``)."""
    v = record.log.values
    ok = record.ok
    ids = np.where(ok, record.employee_ids, "").astype(object)
    paid = np.where(ok, record.values["paid_days"], np.nan)
    a = allowance_left(ids, record.first_days, paid, ids, on_day, v["service_start"], v["temporary_short"])
    good = ok & (a.error == OK)
    return {"as_of_paid_days_12_months": np.where(ok, a.prior_paid_days, np.nan),
            "as_of_full_pay_days_left": np.where(good, a.full_pay_days, np.nan),
            "as_of_half_pay_days_left": np.where(good, a.half_pay_days, np.nan)}


def employees(record: AbsenceFigures, rows: np.ndarray | None = None) -> int:
    """How many distinct employees (ids compared ignoring case) among ``rows`` (default: rows worked out)."""
    sel = record.ok if rows is None else rows
    ids = record.employee_ids[sel]
    return len({str(i).casefold() for i in ids.tolist() if str(i)})


def _among(keys: np.ndarray, wanted: set[str]) -> np.ndarray:
    """Which ``keys`` (an object array of text) are in ``wanted``: one vectorised test, not a
    lookup per row."""
    return np.isin(keys, np.array(sorted(wanted), dtype=object)) if keys.size and wanted else \
        np.zeros(keys.size, dtype=bool)


def record_notes(record: AbsenceFigures) -> list[str]:
    """The warning lines of a record worked out, the same for ``absences`` and for
    ``recalc``/``fill budget --absences`` (the column lines apart): the employee ids typed two
    ways, with and without leading zeros (:func:`~.problems.look_alike_ids`)."""
    twice = look_alike_warning(*look_alike_ids(record.employee_ids[~record.log.blank_row]), "the absence record",
                               "their absences are neither linked nor counted together in the rolling year")
    return [twice] if twice else []


@dataclass
class RecordUse:
    """How a staff list's paid sick days were taken from an absence record: the days per staff
    row, the warning lines and the Summary items (the same for ``recalc`` and ``fill budget``)."""

    prior_paid_days: np.ndarray
    doubtful: np.ndarray  # staff rows whose employee has a record row with a problem: not worked out
    lines: list[str]
    items: list[tuple[str, object]]
    typed_header: str | None  # the staff list's own paid-sick-days column, not used


def without_typed_sick_days(columns: ColumnMap) -> tuple[ColumnMap, str | None]:
    """The staff list's column mapping with its typed ``prior_sick_days`` column (if any) moved to
    the columns not used: with an absence record the record wins, and the typed cells are
    neither read nor checked. Returns the new mapping and that column's header."""
    from dataclasses import replace

    j = columns.fields.get("prior_sick_days")
    if j is None:
        return columns, None
    fields = {k: c for k, c in columns.fields.items() if k != "prior_sick_days"}
    how = {k: h for k, h in columns.how.items() if k != "prior_sick_days"}
    return replace(columns, fields=fields, how=how, unused=sorted([*columns.unused, j])), columns.headers[j]


def use_record(record: AbsenceFigures, staff, on_day, source: str = "the absence record",
               typed_header: str | None = None) -> RecordUse:
    """Each staff row's paid sick days in the 12 months before ``on_day`` (the modelled absence
    start) from ``record`` (:func:`prior_paid_days`), and what a command says about it.

    A staff row with no absence in the record gets 0 (counted); the record's rows with
    problems add nothing (counted in a warning). A salaried staff row whose employee has a row
    with a problem in the record is ``doubtful``: its days would leave that absence out, so
    :func:`staff_figures` makes it a problem row (the record's problem rows with no readable
    id are in the warning only)."""
    ids = staff.values["employee_id"]
    prior = prior_paid_days(record, ids, on_day)
    filled = ~staff.blank_row
    known = {str(i).casefold() for i in record.employee_ids[record.ok].tolist() if str(i)}
    staff_keys = [str(i).casefold() for i in ids.tolist()]
    keys = np.array(staff_keys, dtype=object)
    in_record = _among(keys, known)
    listed = {k for k, f in zip(staff_keys, filled.tolist(), strict=True) if f and k}
    bad = record.problems.problem_rows
    # The record's problem rows by employee (ids as the days are matched: text, ignoring case).
    broken = {str(i).casefold() for i in record.employee_ids[~record.ok & ~record.log.blank_row].tolist() if str(i)}
    doubtful = _among(keys, broken) & filled & (staff.contract == "salaried")
    n_doubtful = int(doubtful.sum())
    day = _uk(on_day)
    lines = [f"paid sick days of the 12 months before the modelled absence start ({day}) are taken from {source}"
             f" ({int(record.ok.sum()):,} absences worked out), not from a typed column"]
    if typed_header is not None:
        lines.append(f"the staff list's column {typed_header!r} is not used: the absence record gives the paid "
                     "sick days")
    # How the record's columns were read, as `xl-kent absences` says it (a column read by its
    # closest header, the columns not used): the days come from them.
    lines += [f"absence record: {line}" for line in record.log.columns.warnings(option="--absences-map")]
    if bad:
        lines.append(f"{bad:,} row(s) of the absence record have problems and add no paid sick days: check it "
                     "with `xl-kent absences`")
    if n_doubtful:
        lines.append(f"{n_doubtful:,} staff row(s) have no sick pay figures: their employee has a row with a problem "
                     "in the absence record, so their paid sick days cannot be worked out (mend the record)")
    record_ids = record.employee_ids[~record.log.blank_row]
    lines += record_notes(record)
    count, shown = look_alike_ids(record_ids, others=ids[filled])
    if count:
        more = f" and {count - len(shown):,} more" if count > len(shown) else ""
        lines.append(f"{count:,} employee id(s) of the absence record are a staff list id typed with or without "
                     f"leading zeros ({'; '.join(shown)}{more}, the staff list's way in brackets): ids are matched "
                     "as text, so their absences are not used for that employee; type each id one way")
    strangers = len(known - listed)
    if strangers:
        lines.append(f"{strangers:,} employee(s) of the absence record are not in the staff list (ids are matched "
                     "as text, ignoring case: 0501 is not 501): their absences are not used")
    items: list[tuple[str, object]] = [
        ("paid sick days of the last 12 months from", source),
        ("absence record: rows worked out", int(record.ok.sum())),
        ("absence record: rows with problems (add no paid sick days)", bad),
        ("staff rows with absences in the record", int((filled & in_record & ~doubtful).sum())),
        ("staff rows with no absence in the record (0 paid sick days)", int((filled & ~in_record & ~doubtful).sum())),
        ("staff rows not worked out: a record row of theirs has a problem", n_doubtful),
        ("employees of the record not in the staff list", len(known - listed)),
    ]
    if typed_header is not None:
        items.append(("typed paid sick days column not used", typed_header))
    items += [(f"absence record column: {h!r}" if h else "absence record column: (no header)", how)
              for h, how in record.log.columns.describe()]
    return RecordUse(prior, doubtful, lines, items, typed_header)


def staff_figures(table, settings, columns: ColumnMap, record: AbsenceFigures | None = None,
                  source: str = "the absence record"):
    """Read, check and compute a staff list, the paid sick days of the last 12 months from an
    absence record when one is given: the one computation of ``recalc`` and ``fill budget``.

    Returns ``(staff, figures, use)``; ``use`` (a :class:`RecordUse`) is None without a record.
    """
    from .figures import STAFF_SCHEMA, compute, read_staff

    use = None
    typed = None
    if record is not None:
        columns, typed = without_typed_sick_days(columns)
    staff = read_staff(table, settings.as_of, columns=columns, schema=STAFF_SCHEMA)
    if record is not None:
        use = use_record(record, staff, settings.absence_start, source, typed)
        reason = {(c.field, c.id): c.reason for c in staff_checks(staff.as_of)}[("prior_sick_days", "record_problem")]
        staff.problems.add(use.doubtful, "prior_sick_days", reason)
    fig = compute(staff, settings, table, prior_paid_days=None if use is None else use.prior_paid_days)
    return staff, fig, use


def _uk(d) -> str:
    import datetime as dt

    return dt.date.fromisoformat(str(np.datetime64(d, "D"))).strftime("%d/%m/%Y")
