"""The budget planning template: staff costs, leave liability, sick pay and redundancy by cost centre.

Finance officers paste a staff list into the Staff sheet, set the Assumptions, and read
the Summary. Sheets, in order: "How to use", "Assumptions", "Staff", "Summary",
"xlwings.conf" (see docs/budget-template.md).

* **Assumptions**: the as-of date, the leave year, the pay award, on-cost rates, the
  modelled sickness absence and redundancy date, two Kent Scheme constants (locked) and
  the list of cost centres. Each setting is a defined name used by the formulas.
* **Staff**: 14 input columns (yellow) and 19 calculated columns (grey), each ONE
  formula over the 5,000 pre-sized rows: three KENT_ functions (leave, sick pay,
  redundancy weeks) and native formulas for the rest (FTE, share of the leave year
  employed, pay and on-costs, age and service, leave liability, a Status column).
* **Summary**: per cost centre of the list, "Not in the list" and a Total: SUMIFS and
  COUNTIFS over the Staff columns that skip error rows; a stacked column chart.

:func:`model` computes every calculated cell in Python from the same input rows: the
KENT_ columns by calling :mod:`udfs` over whole columns (as Excel hands them), the
native columns by replicating each formula's semantics over numpy arrays (blanks,
error values and their propagation included). :func:`build` writes the template
(``filled=False``) or a copy with the model's values (``filled=True``, used by
``xl-kent fill budget``).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xl_kent import params

from . import common
from .common import DATA_ROWS, FIRST_ROW, HEADER_ROW, Col

__all__ = [
    "FILE_NAME", "EXAMPLE_AS_OF", "EXAMPLE_PAY_AWARD", "EXAMPLE_COST_CENTRES", "COST_CENTRE_ROWS",
    "INPUT_COLUMNS", "CALC_COLUMNS", "SUMMARY_COLUMNS", "ASSUMPTION_CELLS", "EXAMPLE_ROWS",
    "BudgetModel", "default_assumptions", "model", "build", "read_staff_rows", "fill",
    "staff_column_letter", "summary_row_labels",
]

FILE_NAME = "kent_budget_planning.xlsx"
EXAMPLE_AS_OF = dt.date(2026, 11, 23)
"""The committed template's as-of date (fixed, so that the build is deterministic)."""
EXAMPLE_PAY_AWARD = 0.03
"""An EXAMPLE pay award (3% from 1 April): replace it with the award agreed for the year."""
EXAMPLE_COST_CENTRES = ("Adult Social Care", "Children's Services", "Highways", "Libraries", "Finance")
COST_CENTRE_ROWS = 20
NOT_IN_LIST = "Not in the list"
TOTAL = "Total"
YES, NO = "Yes", "No"

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ERROR_VALUES = frozenset(("#N/A", "#VALUE!", "#NUM!", "#DIV/0!", "#REF!", "#NAME?", "#NULL!"))


# ---------------------------------------------------------------- parameters
def _value_on(family: str, name: str, on: dt.date | None) -> float:
    p = params.parameter(family, name)
    try:
        return float(p.value_on(on))
    except LookupError:
        raise ValueError(f"no {family}.{name} in force on {on:%d/%m/%Y}: choose a later as-of date") from None


def _source_on(family: str, name: str, on: dt.date | None) -> str:
    p = params.parameter(family, name)
    if on is None:
        return p.entries[-1].source
    i = int(p.index(np.array([on], dtype="datetime64[D]"))[0])
    return p.entries[max(i, 0)].source


_FULL_WEEK = _value_on("leave", "full_time_weekly_hours", None)
_DAY_HOURS = _value_on("leave", "hours_per_day", None)
_MIN_MULT = _value_on("redundancy", "min_multiplier", None)
_MAX_MULT = _value_on("redundancy", "max_multiplier", None)
# the scheme's weekly pay, annual salary / 365 * 7 (B.2.D.3): pay.toml, written into the formula as numbers
_DAYS_PER_YEAR = f'{_value_on("pay", "days_per_year", None):g}'
_DAYS_PER_WEEK = f'{_value_on("pay", "days_per_week", None):g}'

# ---------------------------------------------------------------- the Staff columns
INPUT_COLUMNS: tuple[Col, ...] = (
    Col("employee_id", "Employee ID", "text", 12,
        "Required: the employee's payroll number. A row without it is not counted (its Status says so).",
        {"validate": "custom", "value": f"=COUNTIF($A${FIRST_ROW}:$A${FIRST_ROW + DATA_ROWS - 1},A{FIRST_ROW})=1",
         "error_type": "warning", "error_message": "This employee ID is already on another row."}),
    Col("name", "Name", "text", 22, "The employee's name (shown only)."),
    Col("cost_centre", "Cost centre", "text", 20,
        "A cost centre from the Assumptions list (drop-down). Others are kept and totalled as "
        "'Not in the list' on the Summary.",
        {"validate": "list", "source": "=CostCentres", "error_type": "warning",
         "error_message": "Not in the Assumptions cost centre list: the row is totalled under 'Not in the list'."}),
    Col("grade", "Grade", "text", 10,
        'Kent Scheme grade: "KR Entry", "Apprentice", "KR3" to "KR20" (or the number, 6).',
        common.grade_validation()),
    Col("weekly_hours", "Weekly hours", "hours", 10,
        f"Contracted hours a week, above 0 up to {_FULL_WEEK:g}. Blank = full time ({_FULL_WEEK:g}).",
        common.number_validation(0.01, _FULL_WEEK, f"Weekly hours must be above 0 and at most {_FULL_WEEK:g} "
                                                   "(leave blank for full time).")),
    Col("annual_salary_gbp", "Annual salary £", "gbp", 13,
        "Actual annual pay in £ before this year's pay award (pro rata for part-time).",
        common.number_validation(0.01, 1_000_000, "Annual salary in £, above 0.")),
    Col("date_of_birth", "Date of birth", "date", 12, "Date of birth (for age at the redundancy date).",
        common.date_validation("A date, dd/mm/yyyy.")),
    Col("service_start", "Continuous service date", "date", 12,
        "Continuous service date (includes Modification Order service): leave uplift, sick pay band, "
        "redundancy service.", common.date_validation("A date, dd/mm/yyyy.")),
    Col("employment_start", "Employment start", "date", 12,
        "Start of this employment. Blank = the continuous service date. A future date = a joiner.",
        common.date_validation("A date, dd/mm/yyyy.")),
    Col("employment_end", "Employment end", "date", 12,
        "Last day of employment (a leaver). Blank = still employed.",
        common.date_validation("A date, dd/mm/yyyy.")),
    Col("prior_sick_days", "Paid sick days, last 12 months", "days", 12,
        "Calendar days of paid sick leave (full or half pay) in the 12 months before the modelled absence. "
        "Blank = 0.", common.number_validation(0, 366, "Calendar days from 0 to 366.")),
    Col("at_risk", "At risk of redundancy", "flag", 10,
        "Yes for posts at risk: redundancy weeks and cost are shown for these rows only.",
        common.yes_no_validation()),
    Col("multiplier", "Redundancy multiplier", "number", 11,
        f"Discretionary enhancement from {_MIN_MULT:g} to {_MAX_MULT:g}. Blank = {_MIN_MULT:g}.",
        common.number_validation(_MIN_MULT, _MAX_MULT, f"A multiplier from {_MIN_MULT:g} to {_MAX_MULT:g}.")),
    Col("leave_taken_days", "Leave taken this leave year (days)", "days", 12,
        f"Days of this leave year's annual leave already taken (standard {_DAY_HOURS:g}-hour days for part-time). "
        "Blank = 0.",
        common.number_validation(0, 366, "Days from 0 to 366.")),
)

CALC_COLUMNS: tuple[Col, ...] = (
    Col("status", "Status", "general", 30,
        '"OK", or "Check: ..." naming the parts that failed (pay, leave, sick pay, redundancy, at risk) '
        "so that the row's inputs can be fixed. Error values and error-looking text both count as failed."),
    Col("fte", "FTE", "number", 8, "Weekly hours / the full-time week (blank hours = 1.00)."),
    Col("year_share", "Share of leave year employed", "pct", 10,
        "Days employed between the leave year start and end (from employment start, or the continuous "
        "service date, to employment end) / days in the leave year."),
    Col("weekly_pay_gbp", "Weekly pay £", "gbp", 11,
        f"Annual salary / {_DAYS_PER_YEAR} * {_DAYS_PER_WEEK} (the scheme's weekly pay)."),
    Col("pay_cost_gbp", "Pay cost after award £", "gbp", 13,
        "Annual salary x (1 + pay award) x share of the leave year employed."),
    Col("employer_ni_gbp", "Employer NI £", "gbp", 12,
        "NI rate x (pay cost - the annual threshold x share of the year), not below 0."),
    Col("pension_gbp", "Employer pension £", "gbp", 12, "Pay cost x the employer pension rate."),
    Col("levy_gbp", "Apprenticeship levy £", "gbp", 12, "Pay cost x the levy rate."),
    Col("total_cost_gbp", "Total employment cost £", "gbp", 13, "Pay cost + NI + pension + levy."),
    Col("leave_year_days", "Leave entitlement this leave year (days)", "days", 12,
        "KENT_LEAVE_ACCRUAL to the leave year end, in days: the year's entitlement, pro rata for "
        "part-time, joiners and leavers."),
    Col("leave_year_hours", "Leave entitlement this leave year (hours)", "hours", 12,
        "The same in hours (part-time by the scheme's hours rule)."),
    Col("leave_accrued_days", "Leave accrued to as-of date (days)", "days", 12,
        "KENT_LEAVE_ACCRUAL to the as-of date, in days."),
    Col("leave_untaken_days", "Untaken leave (days)", "days", 11,
        "Accrued - taken. Negative = leave taken ahead of accrual."),
    Col("leave_value_gbp", "Value of untaken leave £", "gbp", 12,
        f"Untaken days x {_DAY_HOURS:g} hours x hourly rate (weekly pay / weekly hours). Negative when taken ahead."),
    Col("sick_pay_cost_gbp", "Sick pay cost of the modelled absence £", "gbp", 13,
        "KENT_SICKPAY pay for the Assumptions absence; 0 when not employed on the absence start."),
    Col("age_years", "Age at redundancy date", "years", 9,
        "Completed years from the date of birth to the redundancy date (as DATEDIF 'Y')."),
    Col("service_years", "Completed years of service at redundancy date", "years", 10,
        "Completed years from the continuous service date to the redundancy date; blank when the "
        "service starts after it."),
    Col("redundancy_weeks", "Redundancy weeks", "weeks", 10,
        "KENT_REDUNDANCY_WEEKS(age, service, multiplier), at-risk rows only."),
    Col("redundancy_cost_gbp", "Redundancy cost £", "gbp", 12, "Redundancy weeks x weekly pay, at-risk rows only."),
)

SUMMARY_COLUMNS: tuple[Col, ...] = (
    Col("cost_centre", "Cost centre", "text", 26, "The cost centres of the Assumptions list, in its order."),
    Col("headcount", "Headcount", "int", 10, "Rows with an employee ID."),
    Col("fte", "FTE", "number", 9, "Sum of FTE (weekly hours / the full-time week)."),
    Col("pay_cost_gbp", "Pay cost after award £", "gbp0", 14, "Sum of pay cost after the award."),
    Col("oncosts_gbp", "On-costs £ (NI, pension, levy)", "gbp0", 14, "Sum of employer NI, pension and levy."),
    Col("total_cost_gbp", "Total cost £", "gbp0", 14, "Sum of total employment cost."),
    Col("leave_liability_gbp", "Leave liability £", "gbp0", 13, "Sum of the value of untaken leave (net)."),
    Col("sick_pay_cost_gbp", "Sick pay cost of the modelled absence £", "gbp0", 14,
        "Sum of the sick pay cost if every person had the modelled absence."),
    Col("at_risk_headcount", "At risk (headcount)", "int", 10, "Rows with an employee ID marked at risk."),
    Col("redundancy_cost_gbp", "Redundancy cost £", "gbp0", 13, "Sum of redundancy cost of at-risk rows."),
    Col("rows_with_problems", "Rows with problems", "int", 10, 'Rows whose Status starts "Check".'),
)

_INPUT_KEYS = tuple(c.key for c in INPUT_COLUMNS)
_COL_INDEX = {c.key: j for j, c in enumerate(INPUT_COLUMNS + CALC_COLUMNS)}
FIRST_CALC = len(INPUT_COLUMNS)
_SUMMARY_FIRST = FIRST_ROW  # Excel row of the first cost centre row on the Summary
_NOT_IN_LIST_ROW = _SUMMARY_FIRST + COST_CENTRE_ROWS
_TOTAL_ROW = _NOT_IN_LIST_ROW + 1


def staff_column_letter(key: str) -> str:
    """The Staff sheet column letter of an input or calculated column."""
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(_COL_INDEX[key])


# ---------------------------------------------------------------- the Assumptions sheet
@dataclass(frozen=True)
class _Setting:
    name: str  # defined name
    key: str  # key of default_assumptions() (None: calculated)
    label: str
    kind: str


_SETTINGS: tuple[_Setting, ...] = (
    _Setting("AsOfDate", "as_of", "As-of date", "date"),
    _Setting("LeaveYearStart", "leave_year_start", "Leave year start (1 April)", "date"),
    _Setting("LeaveYearEnd", "", "Leave year end", "date"),
    _Setting("PayAwardPct", "pay_award_pct", "Pay award from 1 April", "pct"),
    _Setting("EmployerNIRate", "employer_ni_rate", "Employer NI rate", "pct"),
    _Setting("NIThresholdYear", "ni_threshold_year", "Employer NI threshold (£ a year)", "gbp"),
    _Setting("PensionRate", "pension_rate", "Employer pension rate (LGPS)", "pct"),
    _Setting("LevyRate", "levy_rate", "Apprenticeship levy rate", "pct"),
    _Setting("AbsenceStart", "absence_start", "Modelled absence: first day", "date"),
    _Setting("AbsenceDays", "absence_days", "Modelled absence: calendar days", "days"),
    _Setting("RedundancyDate", "redundancy_date", "Redundancy modelling: termination date", "date"),
)
_CONSTANTS: tuple[_Setting, ...] = (
    _Setting("StandardDayHours", "hours_per_day", "Standard working day (hours)", "hours"),
    _Setting("FullTimeWeeklyHours", "full_time_weekly_hours", "Full-time week (hours)", "hours"),
)
_SETTINGS_FIRST = FIRST_ROW  # Excel row of AsOfDate
_CONSTANTS_FIRST = _SETTINGS_FIRST + len(_SETTINGS) + 2
_CC_HEADER = _CONSTANTS_FIRST + len(_CONSTANTS) + 2
_CC_FIRST = _CC_HEADER + 1

ASSUMPTION_CELLS: dict[str, str] = {
    **{s.name: f"B{_SETTINGS_FIRST + i}" for i, s in enumerate(_SETTINGS)},
    **{s.name: f"B{_CONSTANTS_FIRST + i}" for i, s in enumerate(_CONSTANTS)},
    "CostCentres": f"B{_CC_FIRST}:B{_CC_FIRST + COST_CENTRE_ROWS - 1}",
}
"""Where each defined name of the Assumptions sheet points (the sheet's A1 references)."""


def _leave_year_start(as_of: dt.date) -> dt.date:
    month = int(_value_on("leave", "leave_year_start_month", as_of))
    year = as_of.year if (as_of.month, as_of.day) >= (month, 1) else as_of.year - 1
    return dt.date(year, month, 1)


def _edate(d: dt.date, months: int) -> dt.date:
    """Excel's EDATE: the same day ``months`` later, clamped to the month's end."""
    m = d.year * 12 + d.month - 1 + months
    y, mo = divmod(m, 12)
    first_next = dt.date(y + (mo + 1) // 12, (mo + 1) % 12 + 1, 1)
    last = (first_next - dt.timedelta(days=1)).day
    return dt.date(y, mo + 1, min(d.day, last))


def _to_date(v) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def _tax_year_start(leave_year_start: dt.date) -> dt.date:
    """6 April inside the leave year: on-cost rates (NI, levy) change with the tax year."""
    return leave_year_start.replace(month=4, day=6)


def default_assumptions(as_of: dt.date | None = None) -> dict:
    """The Assumptions sheet's starting values for the leave year containing ``as_of``.

    ``as_of`` None uses :data:`EXAMPLE_AS_OF` (the committed template). On-cost rates are the
    parameters in force on the tax year start inside the leave year (6 April), the scheme
    constants those in force on the leave year start
    (``xl_kent/parameters/oncosts.toml``, ``leave.toml``); the pay award is an example.
    Keys: ``as_of``, ``leave_year_start``, ``pay_award_pct``, ``employer_ni_rate``,
    ``ni_threshold_year``, ``pension_rate``, ``levy_rate``, ``absence_start``,
    ``absence_days``, ``redundancy_date``, ``hours_per_day``, ``full_time_weekly_hours``,
    ``cost_centres`` (up to 20 names). Raises ValueError when no rates are in force.
    """
    from xl_kent_cli.recalc import DEFAULT_ABSENCE_DAYS

    as_of = EXAMPLE_AS_OF if as_of is None else _to_date(as_of)
    start = _leave_year_start(as_of)
    end = _edate(start, 12) - dt.timedelta(days=1)
    tax = _tax_year_start(start)
    return {
        "as_of": as_of,
        "leave_year_start": start,
        "pay_award_pct": EXAMPLE_PAY_AWARD,
        "employer_ni_rate": _value_on("oncosts", "employer_ni_rate", tax),
        "ni_threshold_year": _value_on("oncosts", "employer_ni_threshold_gbp_per_year", tax),
        "pension_rate": _value_on("oncosts", "employer_pension_rate_example", tax),
        "levy_rate": _value_on("oncosts", "apprenticeship_levy_rate", tax),
        "absence_start": as_of,
        "absence_days": float(DEFAULT_ABSENCE_DAYS),
        "redundancy_date": end,
        "hours_per_day": _value_on("leave", "hours_per_day", start),
        "full_time_weekly_hours": _value_on("leave", "full_time_weekly_hours", start),
        "cost_centres": list(EXAMPLE_COST_CENTRES),
    }


_DATE_KEYS = ("as_of", "leave_year_start", "absence_start", "redundancy_date")
_NUMBER_KEYS = ("pay_award_pct", "employer_ni_rate", "ni_threshold_year", "pension_rate", "levy_rate",
                "absence_days", "hours_per_day", "full_time_weekly_hours")


def _checked_assumptions(assumptions: dict) -> dict:
    missing = [k for k in (*_DATE_KEYS, *_NUMBER_KEYS, "cost_centres") if k not in assumptions]
    if missing:
        raise ValueError(f"assumptions lack {', '.join(missing)} (start from default_assumptions())")
    a = dict(assumptions)
    for k in _DATE_KEYS:
        a[k] = _to_date(a[k])
    for k in _NUMBER_KEYS:
        a[k] = float(a[k])
    centres = [None if c is None or str(c).strip() == "" else str(c) for c in a["cost_centres"]]
    if len(centres) > COST_CENTRE_ROWS:
        raise ValueError(f"{len(centres)} cost centres: the list has {COST_CENTRE_ROWS} rows")
    folded = [c.casefold() for c in centres if c is not None]
    if len(set(folded)) != len(folded):
        raise ValueError("the cost centre list repeats a name (names are compared ignoring case)")
    a["cost_centres"] = centres + [None] * (COST_CENTRE_ROWS - len(centres))
    return a


# ---------------------------------------------------------------- example rows
_D = dt.date
EXAMPLE_ROWS: tuple[dict, ...] = (
    # Full time, KR6 basic band (under 5 years), some leave taken.
    {"employee_id": "E1001", "name": "Amira Khan", "cost_centre": "Adult Social Care", "grade": "KR6",
     "annual_salary_gbp": 28_500.0, "date_of_birth": _D(1988, 5, 14), "service_start": _D(2022, 9, 5),
     "at_risk": NO, "leave_taken_days": 12.0},
    # Part time (18.5 hours), KR7 after the 5-year uplift, prior sick days.
    {"employee_id": "E1002", "name": "Ben Carter", "cost_centre": "Adult Social Care", "grade": "KR7",
     "weekly_hours": 18.5, "annual_salary_gbp": 15_400.0, "date_of_birth": _D(1975, 2, 2),
     "service_start": _D(2009, 4, 20), "prior_sick_days": 14.0, "at_risk": NO, "leave_taken_days": 8.0},
    # At risk with 20+ years and a multiplier; KR10 after the uplift.
    {"employee_id": "E1003", "name": "Chloe Davies", "cost_centre": "Children's Services", "grade": "KR10",
     "annual_salary_gbp": 41_000.0, "date_of_birth": _D(1970, 8, 30), "service_start": _D(2004, 1, 12),
     "at_risk": YES, "multiplier": 1.5, "leave_taken_days": 15.0},
    # At risk with under 2 years (no redundancy pay), part time, KR9 basic band.
    {"employee_id": "E1004", "name": "Daniel Evans", "cost_centre": "Children's Services", "grade": "KR9",
     "weekly_hours": 30.0, "annual_salary_gbp": 26_700.0, "date_of_birth": _D(1992, 11, 3),
     "service_start": _D(2025, 6, 2), "at_risk": YES, "leave_taken_days": 9.0},
    # KR13 and above, long service.
    {"employee_id": "E1005", "name": "Grace Fisher", "cost_centre": "Highways", "grade": "KR13",
     "annual_salary_gbp": 58_000.0, "date_of_birth": _D(1979, 3, 21), "service_start": _D(2015, 3, 1),
     "at_risk": NO, "leave_taken_days": 2.0},
    # KR Entry, joined last year: leave taken ahead of accrual.
    {"employee_id": "E1006", "name": "Harry Green", "cost_centre": "Highways", "grade": "KR Entry",
     "annual_salary_gbp": 23_500.0, "date_of_birth": _D(2004, 7, 9), "service_start": _D(2025, 9, 1),
     "at_risk": NO, "leave_taken_days": 22.0},
    # Apprentice.
    {"employee_id": "E1007", "name": "Isla Hughes", "cost_centre": "Libraries", "grade": "Apprentice",
     "annual_salary_gbp": 17_000.0, "date_of_birth": _D(2007, 1, 15), "service_start": _D(2026, 1, 5),
     "at_risk": NO, "leave_taken_days": 5.0},
    # A leaver within the leave year, part time.
    {"employee_id": "E1008", "name": "Jack Irving", "cost_centre": "Libraries", "grade": "KR4",
     "weekly_hours": 22.2, "annual_salary_gbp": 13_900.0, "date_of_birth": _D(1966, 12, 1),
     "service_start": _D(2012, 10, 1), "employment_end": _D(2027, 1, 31), "at_risk": NO,
     "leave_taken_days": 10.0},
    # The 5-year uplift starts within the leave year (anniversary 16 August 2026: from 1 September).
    {"employee_id": "E1009", "name": "Kate Jones", "cost_centre": "Finance", "grade": "KR11",
     "annual_salary_gbp": 47_000.0, "date_of_birth": _D(1985, 6, 25), "service_start": _D(2021, 8, 16),
     "at_risk": NO, "leave_taken_days": 14.0},
    # A future joiner within the leave year.
    {"employee_id": "E1010", "name": "Liam King", "cost_centre": "Finance", "grade": "KR8",
     "annual_salary_gbp": 35_000.0, "date_of_birth": _D(1990, 4, 18), "service_start": _D(2027, 1, 4),
     "at_risk": NO},
    # Long sickness record: prior paid sick days reduce the modelled absence's pay.
    {"employee_id": "E1011", "name": "Mia Lewis", "cost_centre": "Adult Social Care", "grade": "KR5",
     "annual_salary_gbp": 25_000.0, "date_of_birth": _D(1972, 9, 12), "service_start": _D(2000, 5, 8),
     "prior_sick_days": 150.0, "at_risk": NO, "leave_taken_days": 16.0},
    # At risk with 27 years (service counts up to 20), Modification Order service before KCC.
    {"employee_id": "E1012", "name": "Noah Morgan", "cost_centre": "Highways", "grade": "KR12",
     "annual_salary_gbp": 44_000.0, "date_of_birth": _D(1968, 2, 27), "service_start": _D(1999, 9, 6),
     "employment_start": _D(2003, 4, 1), "at_risk": YES, "leave_taken_days": 18.0},
)


# ---------------------------------------------------------------- Excel values over columns (the model)
_BLANK, _NUM, _TEXT, _ERR, _BOOL = range(5)


class _X:
    """A column of Excel values: kind per row (blank, number, text, error, boolean),
    the number (dates as serials; booleans 1/0; blank 0) and the text or error code.

    The operations follow Excel's (and Calc's) array semantics as the Staff formulas use
    them: blanks are 0 in arithmetic and "" against text, text that is not a number is
    #VALUE! in arithmetic, the left operand's error wins, IF picks per row."""

    __slots__ = ("kind", "num", "obj")

    def __init__(self, kind: np.ndarray, num: np.ndarray, obj: np.ndarray):
        self.kind, self.num, self.obj = kind, num, obj

    def __len__(self) -> int:
        return self.kind.shape[0]

    @classmethod
    def cells(cls, values: Sequence[Any], errors: bool = False) -> _X:
        """Cell values; with ``errors`` strings such as "#N/A" are error values (a UDF's answer),
        else text (an input cell holding that text)."""
        n = len(values)
        kind = np.zeros(n, dtype=np.int8)
        num = np.zeros(n)
        obj = np.full(n, "", dtype=object)
        for i, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, (bool, np.bool_)):
                kind[i], num[i] = _BOOL, float(v)
            elif isinstance(v, (int, float, np.integer, np.floating)):
                kind[i], num[i] = _NUM, float(v)
            elif isinstance(v, dt.date):
                kind[i], num[i] = _NUM, _serial(v)
            elif errors and isinstance(v, str) and v in _ERROR_VALUES:
                kind[i], obj[i] = _ERR, v
            else:
                kind[i], obj[i] = _TEXT, str(v)
        return cls(kind, num, obj)

    @classmethod
    def const(cls, v: Any, n: int) -> _X:
        one = cls.cells([v], errors=True)
        return cls(np.repeat(one.kind, n), np.repeat(one.num, n), np.repeat(one.obj, n))

    @classmethod
    def error(cls, code: str, n: int) -> _X:
        return cls(np.full(n, _ERR, dtype=np.int8), np.zeros(n), np.full(n, code, dtype=object))

    @classmethod
    def bools(cls, b: np.ndarray) -> _X:
        return cls(np.full(b.shape[0], _BOOL, dtype=np.int8), b.astype(np.float64), np.full(b.shape[0], "", object))

    def values(self) -> list:
        """Python values as a test or a filled copy sees them: floats, text, "#N/A"-style errors,
        booleans; a blank result as ""."""
        out = self.num.tolist()
        for i in np.flatnonzero(self.kind != _NUM).tolist():
            k = self.kind[i]
            out[i] = bool(self.num[i]) if k == _BOOL else ("" if k == _BLANK else self.obj[i])
        return out


def _serial(d: dt.date) -> float:
    if isinstance(d, dt.datetime):
        return (d.date() - _EXCEL_EPOCH).days + (d - dt.datetime(d.year, d.month, d.day)).total_seconds() / 86400
    return float((d - _EXCEL_EPOCH).days)


def _first_error(*errs: np.ndarray) -> np.ndarray:
    """Per row, the first error code among the operands (left to right), or ""."""
    out = errs[0]
    for e in errs[1:]:
        out = np.where(out != "", out, e)
    return out


def _operand(x: _X) -> tuple[np.ndarray, np.ndarray]:
    """A column as numbers for arithmetic, and the error per row ("" if none)."""
    num = x.num.copy()
    err = np.where(x.kind == _ERR, x.obj, "").astype(object)
    for i in np.flatnonzero(x.kind == _TEXT).tolist():
        try:
            v = float(str(x.obj[i]).strip())
            ok = math.isfinite(v) and str(x.obj[i]).strip() != ""
        except ValueError:
            ok = False
        if ok:
            num[i] = v
        else:
            err[i] = "#VALUE!"
    return num, err


def _arith(a: _X, b: _X, op) -> _X:
    an, ae = _operand(a)
    bn, be = _operand(b)
    err = _first_error(ae, be)
    with np.errstate(all="ignore"):
        r = op(an, bn)
    if op is operator.truediv:
        err = np.where((err == "") & (bn == 0), "#DIV/0!", err)
    err = np.where((err == "") & ~np.isfinite(r), "#NUM!", err)
    bad = err != ""
    return _X(np.where(bad, _ERR, _NUM).astype(np.int8), np.where(bad, 0.0, r), np.where(bad, err, "").astype(object))


def _add(a, b):
    return _arith(a, b, operator.add)


def _sub(a, b):
    return _arith(a, b, operator.sub)


def _mul(a, b):
    return _arith(a, b, operator.mul)


def _div(a, b):
    return _arith(a, b, operator.truediv)


_CMP = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq,
        "<>": operator.ne}


def _cmp(a: _X, b: _X, op: str) -> _X:
    """Excel's comparison: numbers < text < booleans; text ignoring case; a blank is 0, ""
    or FALSE by the other side; the left operand's error wins."""
    err = _first_error(np.where(a.kind == _ERR, a.obj, "").astype(object),
                       np.where(b.kind == _ERR, b.obj, "").astype(object))
    f = _CMP[op]
    rank_of = np.array([0, 0, 1, 0, 2])  # blank, number, text, error, boolean
    ra, rb = rank_of[a.kind], rank_of[b.kind]
    ra = np.where(a.kind == _BLANK, rb, ra)
    rb = np.where(b.kind == _BLANK, ra, rb)
    res = np.where(ra != rb, f(ra, rb), False)
    same = ra == rb
    nums = same & (ra != 1)
    res[nums] = f(a.num[nums], b.num[nums])
    texts = np.flatnonzero(same & (ra == 1))
    if texts.size:
        ta = np.array([str(v).casefold() for v in a.obj[texts].tolist()], dtype=object)
        tb = np.array([str(v).casefold() for v in b.obj[texts].tolist()], dtype=object)
        res[texts] = f(ta, tb).astype(bool)
    bad = err != ""
    return _X(np.where(bad, _ERR, _BOOL).astype(np.int8), np.where(bad, 0.0, res.astype(np.float64)),
              np.where(bad, err, "").astype(object))


def _truth(cond: _X) -> tuple[np.ndarray, np.ndarray]:
    """IF's reading of a condition: true per row, and its error ("" if none)."""
    err = np.where(cond.kind == _ERR, cond.obj, "").astype(object)
    err = np.where(cond.kind == _TEXT, "#VALUE!", err).astype(object)
    return (cond.num != 0) & np.isin(cond.kind, (_NUM, _BOOL)), err


def _if(cond: _X, a: _X, b: _X) -> _X:
    t, err = _truth(cond)
    kind = np.where(t, a.kind, b.kind)
    num = np.where(t, a.num, b.num)
    obj = np.where(t, a.obj, b.obj)
    bad = err != ""
    return _X(np.where(bad, _ERR, kind).astype(np.int8), np.where(bad, 0.0, num), np.where(bad, err, obj))


def _isnumber(x: _X) -> _X:
    return _X.bools(x.kind == _NUM)


def _date_parts(x: _X) -> tuple[_X, _X, _X]:
    """YEAR, MONTH and DAY of a column of serials."""
    n, err = _operand(x)
    err = np.where((err == "") & (n < 0), "#NUM!", err).astype(object)
    ok = err == ""
    days = np.where(ok, np.floor(n), 0).astype(np.int64)
    d = np.datetime64("1899-12-30") + days.astype("timedelta64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    kind = np.where(ok, _NUM, _ERR).astype(np.int8)
    obj = np.where(ok, "", err).astype(object)
    return tuple(_X(kind, np.where(ok, v, 0).astype(np.float64), obj) for v in (y, m, day))


def _or_blank(x: _X, id_blank: _X) -> _X:
    """IF(employee_id="","",x)."""
    return _if(id_blank, _X.const("", len(x)), x)


# ---------------------------------------------------------------- the model
@dataclass
class BudgetModel:
    """Every calculated cell of the template for one set of input rows.

    ``staff``: calc key -> the column's ``data_rows`` values ("" for blank rows,
    ``"#N/A"``-style strings for errors, floats, and text for Status).
    ``summary``: ``(row label, column key)`` -> value; row labels are the cost centre
    names of the list (a blank list row is ``"(list row k)"``), "Not in the list" and "Total".
    ``assumptions``: the Assumptions sheet's calculated cells by defined name.
    """

    staff: dict[str, list]
    summary: dict[tuple[str, str], Any]
    assumptions: dict[str, Any]
    summary_rows: list[str] = field(default_factory=list)
    inputs: dict[str, list] = field(default_factory=dict)

    def status_counts(self) -> tuple[int, int]:
        """(rows with an employee ID, rows whose Status is not "OK" and not blank)."""
        ids = sum(1 for v in self.inputs.get("employee_id", []) if v not in (None, ""))
        bad = sum(1 for s in self.staff["status"] if isinstance(s, str) and s.startswith("Check"))
        return ids, bad


def summary_row_labels(cost_centres: Sequence[str | None]) -> list[str]:
    """The Summary's row keys: each list entry (or "(list row k)" when blank), then the two totals."""
    labels = [c if c else f"(list row {k})" for k, c in enumerate(cost_centres, 1)]
    return labels + [NOT_IN_LIST, TOTAL]


def _excel_input(v: Any) -> Any:
    """An input value as Excel hands it to a UDF (and as it is written): dates as datetimes,
    numbers as floats, "" as blank."""
    if v is None or (isinstance(v, str) and v == ""):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else dt.datetime.combine(v.astype("datetime64[D]").astype(object), dt.time())
    return str(v)


def model(rows: Sequence[dict], assumptions: dict, data_rows: int = DATA_ROWS) -> BudgetModel:
    """Compute every calculated cell of the template from ``rows`` (dicts keyed by
    :data:`INPUT_COLUMNS` keys) and ``assumptions`` (:func:`default_assumptions`)."""
    import udfs

    a = _checked_assumptions(assumptions)
    if len(rows) > data_rows:
        raise ValueError(f"{len(rows)} rows do not fit the template's {data_rows} rows")
    n = data_rows
    cols: dict[str, list] = {k: [None] * n for k in _INPUT_KEYS}
    for i, r in enumerate(rows):
        unknown = set(r) - set(_INPUT_KEYS)
        if unknown:
            raise ValueError(f"row {i + 1}: unknown column(s) {', '.join(sorted(unknown))}")
        for k, v in r.items():
            cols[k][i] = _excel_input(v)
    x = {k: _X.cells(v) for k, v in cols.items()}

    def column(k):  # as Excel hands a range to a UDF: n x 1
        return [[v] for v in cols[k]]

    def kent(result) -> _X:
        return _X.cells([row[0] for row in result] if isinstance(result, list) else [result] * n, errors=True)

    def c(v):
        return _X.const(v, n)

    lys, lye = a["leave_year_start"], _edate(a["leave_year_start"], 12) - dt.timedelta(days=1)
    LYS, LYE = c(lys), c(lye)
    ABS, RD = c(a["absence_start"]), c(a["redundancy_date"])
    FULL, DAYH = c(a["full_time_weekly_hours"]), c(a["hours_per_day"])
    blank_text = c("")
    A, E, F, G, H, ES, J, L, N = (x[k] for k in ("employee_id", "weekly_hours", "annual_salary_gbp", "date_of_birth",
                                                "service_start", "employment_start", "employment_end", "at_risk",
                                                "leave_taken_days"))
    no_id = _cmp(A, blank_text, "=")

    def is_blank(v):
        return _cmp(v, blank_text, "=")

    out: dict[str, _X] = {}
    # FTE
    out["fte"] = _if(is_blank(E), c(1.0), _if(_isnumber(E), _if(
        _mul(_cmp(E, c(0.0), ">"), _cmp(E, FULL, "<=")), _div(E, FULL), _X.error("#NUM!", n)),
        _X.error("#VALUE!", n)))
    # Share of the leave year employed
    s = _if(is_blank(ES), H, ES)
    start_ok = _if(is_blank(ES), _isnumber(H), _isnumber(ES))
    end_ok = _add(is_blank(J), _isnumber(J))
    e_hi = _if(is_blank(J), LYE, _if(_cmp(J, LYE, "<"), J, LYE))
    s_lo = _if(_cmp(s, LYS, ">"), s, LYS)
    year_days = _add(_sub(LYE, LYS), c(1.0))
    share = _if(_mul(start_ok, end_ok), _if(
        _mul(_cmp(J, blank_text, "<>"), _cmp(J, s, "<")), _X.error("#NUM!", n),
        _if(_cmp(e_hi, s_lo, "<"), c(0.0), _div(_add(_sub(e_hi, s_lo), c(1.0)), year_days))),
        _X.error("#VALUE!", n))
    out["year_share"] = share
    # Pay and on-costs
    weekly = _if(_isnumber(F), _if(_cmp(F, c(0.0), ">"), _mul(_div(F, c(float(_DAYS_PER_YEAR))),
                                                                 c(float(_DAYS_PER_WEEK))),
                                   _X.error("#NUM!", n)), _X.error("#VALUE!", n))
    out["weekly_pay_gbp"] = weekly
    pay = _if(_isnumber(weekly), _mul(_mul(F, _add(c(1.0), c(a["pay_award_pct"]))), share), weekly)
    out["pay_cost_gbp"] = pay
    threshold = _mul(c(a["ni_threshold_year"]), share)
    ni = _mul(c(a["employer_ni_rate"]), _if(_cmp(pay, threshold, ">"), _sub(pay, threshold), c(0.0)))
    out["employer_ni_gbp"] = ni
    pension = _mul(pay, c(a["pension_rate"]))
    levy = _mul(pay, c(a["levy_rate"]))
    out["pension_gbp"], out["levy_gbp"] = pension, levy
    out["total_cost_gbp"] = _add(_add(_add(pay, ni), pension), levy)
    # Leave
    leave_args = (column("grade"), column("service_start"))
    leave_opts = (column("weekly_hours"), column("employment_start"), column("employment_end"))
    lye_dt, as_of_dt = _excel_input(lye), _excel_input(a["as_of"])
    out["leave_year_days"] = kent(udfs.KENT_LEAVE_ACCRUAL(*leave_args, lye_dt, *leave_opts, "days"))
    out["leave_year_hours"] = kent(udfs.KENT_LEAVE_ACCRUAL(*leave_args, lye_dt, *leave_opts, "hours"))
    accrued = kent(udfs.KENT_LEAVE_ACCRUAL(*leave_args, as_of_dt, *leave_opts, "days"))
    out["leave_accrued_days"] = _or_blank(accrued, no_id)
    taken = _if(is_blank(N), c(0.0), _if(_isnumber(N), N, _X.error("#VALUE!", n)))
    untaken = _sub(out["leave_accrued_days"], taken)
    out["leave_untaken_days"] = untaken
    fte = _or_blank(out["fte"], no_id)
    out["leave_value_gbp"] = _div(_mul(_mul(_or_blank(untaken, no_id), DAYH), _or_blank(weekly, no_id)),
                                  _mul(fte, FULL))
    # Sick pay of the modelled absence
    employed = _mul(_cmp(s, ABS, "<="), _add(is_blank(J), _cmp(J, ABS, ">=")))
    sick = kent(udfs.KENT_SICKPAY(column("service_start"), _excel_input(a["absence_start"]), a["absence_days"],
                                  column("annual_salary_gbp"), column("prior_sick_days")))
    share_b = _or_blank(share, no_id)
    out["sick_pay_cost_gbp"] = _if(_isnumber(share_b), _if(employed, sick, c(0.0)), share_b)
    # Age and service at the redundancy date, redundancy weeks and cost
    ry, rm, rd = _date_parts(RD)
    r_md = _add(_mul(rm, c(100.0)), rd)

    def completed_years(d: _X, after: _X) -> _X:
        y, m, day = _date_parts(d)
        years = _sub(_sub(ry, y), _cmp(r_md, _add(_mul(m, c(100.0)), day), "<"))
        return _if(_isnumber(d), _if(_cmp(d, RD, ">"), after, years),
                   _if(is_blank(d), blank_text, _X.error("#VALUE!", n)))

    out["age_years"] = completed_years(G, _X.error("#NUM!", n))
    out["service_years"] = completed_years(H, blank_text)
    at_risk = _cmp(L, c(YES), "=")
    age_b, svc_b = _or_blank(out["age_years"], no_id), _or_blank(out["service_years"], no_id)
    weeks = kent(udfs.KENT_REDUNDANCY_WEEKS([[v] for v in age_b.values()], [[v] for v in svc_b.values()],
                                            column("multiplier")))
    out["redundancy_weeks"] = _if(at_risk, weeks, blank_text)
    weeks_b = _or_blank(out["redundancy_weeks"], no_id)
    out["redundancy_cost_gbp"] = _if(at_risk, _mul(weeks_b, _or_blank(weekly, no_id)), blank_text)

    for k in list(out):
        out[k] = _or_blank(out[k], no_id)
    out["status"] = _status(x, out, no_id)
    staff = {col.key: out[col.key].values() for col in CALC_COLUMNS}
    summary, labels = _summary(cols, staff, a["cost_centres"])
    return BudgetModel(staff, summary, {"LeaveYearEnd": lye}, labels, cols)


def _status_parts() -> list[tuple[str, str]]:
    """(condition kind, words) of each part the Status names, in order."""
    return [("pay", "pay (salary, employment dates)"),
            ("leave", "leave (grade, service date, hours, dates, leave taken)"),
            ("sick", "sick pay (service date, salary, sick days)"),
            ("redundancy", "redundancy (date of birth, service date, multiplier)"),
            ("at_risk", "at risk must be Yes or No")]


def _status(x: dict[str, _X], out: dict[str, _X], no_id: _X) -> _X:
    n = len(no_id)
    num = {k: out[k].kind == _NUM for k in out}
    L = x["at_risk"]
    yes, no, blank = (_truth(_cmp(L, _X.const(v, n), "="))[0] for v in (YES, NO, ""))
    failed = {
        "pay": ~num["total_cost_gbp"],
        "leave": ~(num["leave_year_days"] & num["leave_year_hours"] & num["leave_value_gbp"]),
        "sick": ~num["sick_pay_cost_gbp"],
        "redundancy": yes & ~num["redundancy_cost_gbp"],
        "at_risk": ~yes & ~no & ~blank,
    }
    text = np.full(n, "", dtype=object)
    for key, words in _status_parts():
        text = np.where(failed[key], text + "; " + words, text)
    others = np.zeros(n, dtype=bool)
    for k in _INPUT_KEYS[1:]:
        others |= _truth(_cmp(x[k], _X.const("", n), "<>"))[0]
    status = np.array(["Check: " + t[2:] if t else "OK" for t in text.tolist()], dtype=object)
    id_blank = _truth(no_id)[0]
    status = np.where(id_blank, np.where(others, "Check: employee ID is blank", ""), status)
    return _X(np.where(status == "", _BLANK, _TEXT).astype(np.int8), np.zeros(n), status.astype(object))


def _fsum(values) -> float:
    return math.fsum(values)


def _summary(cols: dict[str, list], staff: dict[str, list], centres: list[str | None]):
    n = len(cols["employee_id"])
    has_id = [v is not None for v in cols["employee_id"]]
    cc = [v.casefold() if isinstance(v, str) else None for v in cols["cost_centre"]]
    at_risk = [isinstance(v, str) and v.casefold() == YES.casefold() for v in cols["at_risk"]]
    problem = [isinstance(s, str) and s.casefold().startswith("check") for s in staff["status"]]

    def numbers(key):
        return [v if isinstance(v, float) and not isinstance(v, bool) and v < 9.99e307 else None
                for v in staff[key]]

    sums = {k: numbers(k) for k in ("fte", "pay_cost_gbp", "employer_ni_gbp", "pension_gbp", "levy_gbp",
                                    "total_cost_gbp", "leave_value_gbp", "sick_pay_cost_gbp",
                                    "redundancy_cost_gbp")}

    def row(sel: list[bool]) -> dict[str, float]:
        def total(k):
            return _fsum(v for v, s in zip(sums[k], sel, strict=True) if s and v is not None)

        return {
            "headcount": float(sum(1 for i in range(n) if sel[i] and has_id[i])),
            "fte": total("fte"),
            "pay_cost_gbp": total("pay_cost_gbp"),
            "oncosts_gbp": total("employer_ni_gbp") + total("pension_gbp") + total("levy_gbp"),
            "total_cost_gbp": total("total_cost_gbp"),
            "leave_liability_gbp": total("leave_value_gbp"),
            "sick_pay_cost_gbp": total("sick_pay_cost_gbp"),
            "at_risk_headcount": float(sum(1 for i in range(n) if sel[i] and has_id[i] and at_risk[i])),
            "redundancy_cost_gbp": total("redundancy_cost_gbp"),
            "rows_with_problems": float(sum(1 for i in range(n) if sel[i] and problem[i])),
        }

    labels = summary_row_labels(centres)
    keys = [c.key for c in SUMMARY_COLUMNS[1:]]
    out: dict[tuple[str, str], Any] = {}
    listed = {k: [] for k in keys}
    for label, centre in zip(labels, centres, strict=False):
        if centre is None:
            out[(label, "cost_centre")] = ""
            for k in keys:
                out[(label, k)] = ""
            continue
        out[(label, "cost_centre")] = centre
        values = row([v == centre.casefold() for v in cc])
        for k in keys:
            out[(label, k)] = values[k]
            listed[k].append(values[k])
    totals = row([True] * n)
    out[(TOTAL, "cost_centre")] = TOTAL
    out[(NOT_IN_LIST, "cost_centre")] = NOT_IN_LIST
    for k in keys:
        out[(TOTAL, k)] = totals[k]
        out[(NOT_IN_LIST, k)] = totals[k] - _fsum(listed[k])
    return out, labels


# ---------------------------------------------------------------- formulas
def _rng(key: str, sheet: str | None = None) -> str:
    return common.col_range(_COL_INDEX[key], sheet=sheet)


def _staff_formulas() -> dict[str, str]:
    """The formula of each calculated Staff column (one dynamic array over the data rows)."""
    A, E, F, G, H, ES, J, K, L, M, N = (_rng(k) for k in (
        "employee_id", "weekly_hours", "annual_salary_gbp", "date_of_birth", "service_start", "employment_start",
        "employment_end", "prior_sick_days", "at_risk", "multiplier", "leave_taken_days"))
    D = _rng("grade")
    r = {k: _rng(k) for k in (c.key for c in CALC_COLUMNS)}
    s = f'IF({ES}="",{H},{ES})'
    e_hi = f'IF({J}="",LeaveYearEnd,IF({J}<LeaveYearEnd,{J},LeaveYearEnd))'
    s_lo = f"IF({s}>LeaveYearStart,{s},LeaveYearStart)"
    rd_md = "(MONTH(RedundancyDate)*100+DAY(RedundancyDate))"

    def years_to_rd(d: str, after: str) -> str:
        return (f'IF(ISNUMBER({d}),IF({d}>RedundancyDate,{after},YEAR(RedundancyDate)-YEAR({d})-'
                f'({rd_md}<(MONTH({d})*100+DAY({d})))),IF({d}="","",#VALUE!))')

    leave = f"{D},{H},{{as_of}},{E},{ES},{J}"
    f = {
        "fte": f'IF({E}="",1,IF(ISNUMBER({E}),IF(({E}>0)*({E}<=FullTimeWeeklyHours),{E}/FullTimeWeeklyHours,'
               f"#NUM!),#VALUE!))",
        "year_share": (f'IF(IF({ES}="",ISNUMBER({H}),ISNUMBER({ES}))*(({J}="")+ISNUMBER({J})),'
                       f'IF(({J}<>"")*({J}<{s}),#NUM!,IF({e_hi}<{s_lo},0,({e_hi}-{s_lo}+1)/'
                       f"(LeaveYearEnd-LeaveYearStart+1))),#VALUE!)"),
        "weekly_pay_gbp": f"IF(ISNUMBER({F}),IF({F}>0,{F}/{_DAYS_PER_YEAR}*{_DAYS_PER_WEEK},#NUM!),#VALUE!)",
        "pay_cost_gbp": f"IF(ISNUMBER({r['weekly_pay_gbp']}),{F}*(1+PayAwardPct)*{r['year_share']},"
                        f"{r['weekly_pay_gbp']})",
        "employer_ni_gbp": (f"EmployerNIRate*IF({r['pay_cost_gbp']}>NIThresholdYear*{r['year_share']},"
                            f"{r['pay_cost_gbp']}-NIThresholdYear*{r['year_share']},0)"),
        "pension_gbp": f"{r['pay_cost_gbp']}*PensionRate",
        "levy_gbp": f"{r['pay_cost_gbp']}*LevyRate",
        "total_cost_gbp": f"{r['pay_cost_gbp']}+{r['employer_ni_gbp']}+{r['pension_gbp']}+{r['levy_gbp']}",
        "leave_year_days": f'KENT_LEAVE_ACCRUAL({leave.format(as_of="LeaveYearEnd")},"days")',
        "leave_year_hours": f'KENT_LEAVE_ACCRUAL({leave.format(as_of="LeaveYearEnd")},"hours")',
        "leave_accrued_days": f'KENT_LEAVE_ACCRUAL({leave.format(as_of="AsOfDate")},"days")',
        "leave_untaken_days": f'{r["leave_accrued_days"]}-IF({N}="",0,IF(ISNUMBER({N}),{N},#VALUE!))',
        "leave_value_gbp": (f"{r['leave_untaken_days']}*StandardDayHours*{r['weekly_pay_gbp']}/"
                            f"({r['fte']}*FullTimeWeeklyHours)"),
        "sick_pay_cost_gbp": (f"IF(ISNUMBER({r['year_share']}),IF(({s}<=AbsenceStart)*(({J}=\"\")+"
                              f"({J}>=AbsenceStart)),KENT_SICKPAY({H},AbsenceStart,AbsenceDays,{F},{K}),0),"
                              f"{r['year_share']})"),
        "age_years": years_to_rd(G, "#NUM!"),
        "service_years": years_to_rd(H, '""'),
        "redundancy_weeks": (f'IF({L}="{YES}",KENT_REDUNDANCY_WEEKS({r["age_years"]},{r["service_years"]},{M}),'
                             f'"")'),
        "redundancy_cost_gbp": f'IF({L}="{YES}",{r["redundancy_weeks"]}*{r["weekly_pay_gbp"]},"")',
    }
    conditions = {
        "pay": (f"ISNUMBER({r['total_cost_gbp']})", True),
        "leave": (f"ISNUMBER({r['leave_year_days']})*ISNUMBER({r['leave_year_hours']})*"
                  f"ISNUMBER({r['leave_value_gbp']})", True),
        "sick": (f"ISNUMBER({r['sick_pay_cost_gbp']})", True),
        "redundancy": (f'({L}="{YES}")*(1-ISNUMBER({r["redundancy_cost_gbp"]}))', False),
        "at_risk": (f'({L}<>"{YES}")*({L}<>"{NO}")*({L}<>"")', False),
    }
    parts = []
    for key, words in _status_parts():
        cond, ok_when_true = conditions[key]
        parts.append(f'IF({cond},"","; {words}")' if ok_when_true else f'IF({cond},"; {words}","")')
    joined = "&".join(parts)
    others = "+".join(f'({_rng(k)}<>"")' for k in _INPUT_KEYS[1:])
    formulas = {k: f'=IF({A}="","",{v})' for k, v in f.items()}
    formulas["status"] = (f'=IF({A}="",IF({others}>0,"Check: employee ID is blank",""),'
                          f'IF({joined}="","OK","Check: "&MID({joined},3,300)))')
    return formulas


def _summary_formulas() -> dict[tuple[int, str], str]:
    """Summary formulas by (Excel row, column key)."""
    st = "Staff"
    cc, ids, risk, status = (_rng(k, st) for k in ("cost_centre", "employee_id", "at_risk", "status"))

    def sumifs(key: str, crit: str) -> str:
        col = _rng(key, st)
        return f'SUMIFS({col}{crit},{col},"<9.99E+307")'

    def measures(crit: str) -> dict[str, str]:
        return {
            "headcount": f'COUNTIFS({ids},"<>"{crit})',
            "fte": sumifs("fte", crit),
            "pay_cost_gbp": sumifs("pay_cost_gbp", crit),
            "oncosts_gbp": "+".join(sumifs(k, crit) for k in ("employer_ni_gbp", "pension_gbp", "levy_gbp")),
            "total_cost_gbp": sumifs("total_cost_gbp", crit),
            "leave_liability_gbp": sumifs("leave_value_gbp", crit),
            "sick_pay_cost_gbp": sumifs("sick_pay_cost_gbp", crit),
            "at_risk_headcount": f'COUNTIFS({ids},"<>",{risk},"{YES}"{crit})',
            "redundancy_cost_gbp": sumifs("redundancy_cost_gbp", crit),
            "rows_with_problems": f'COUNTIFS({status},"Check*"{crit})',
        }

    out: dict[tuple[int, str], str] = {}
    for k in range(COST_CENTRE_ROWS):
        row = _SUMMARY_FIRST + k
        source = f"Assumptions!$B${_CC_FIRST + k}"
        out[(row, "cost_centre")] = f'=IF({source}="","",{source})'
        for key, formula in measures(f",{cc},$A{row}").items():
            out[(row, key)] = f'=IF($A{row}="","",{formula})'
    for key, formula in measures("").items():
        out[(_TOTAL_ROW, key)] = f"={formula}"
    for j, c in enumerate(SUMMARY_COLUMNS[1:], 1):
        letter = _summary_letter(j)
        out[(_NOT_IN_LIST_ROW, c.key)] = (f"={letter}{_TOTAL_ROW}-SUM({letter}{_SUMMARY_FIRST}:"
                                          f"{letter}{_NOT_IN_LIST_ROW - 1})")
    return out


def _summary_letter(j: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(j)


# ---------------------------------------------------------------- the workbook
def build(target, rows: Sequence[dict] | None = None, assumptions: dict | None = None, *,
          filled: bool = False) -> None:
    """Write the workbook to ``target`` (a path or a binary file object).

    ``rows`` None writes :data:`EXAMPLE_ROWS`; ``assumptions`` None :func:`default_assumptions`.
    ``filled=False`` writes the template (KENT_ and native formulas); ``filled=True`` writes
    each calculated Staff column as the model's values (the Summary keeps its formulas).
    """
    rows = EXAMPLE_ROWS if rows is None else rows
    a = default_assumptions() if assumptions is None else assumptions
    _write(target, rows, a, model(rows, a), filled)


def _write(target, rows: Sequence[dict], assumptions: dict, m: BudgetModel, filled: bool) -> None:
    a = _checked_assumptions(assumptions)
    wb, styles = common.new_workbook(target, "Kent budget planning",
                                     "Staff budget: pay, on-costs, leave liability, sick pay and redundancy")
    common.add_how_to_sheet(wb, styles, _how_to())
    _assumptions_sheet(wb, styles, a, m)
    _staff_sheet(wb, styles, rows, m, filled)
    _summary_sheet(wb, styles, m)
    common.add_xlwings_conf_sheet(wb, styles)
    wb.close()


def _setting_notes(a: dict) -> dict[str, str]:
    on = a["leave_year_start"]
    tax = _tax_year_start(on)
    return {
        "AsOfDate": "Leave is accrued to this date; it must lie in the leave year below. "
                    "`xl-kent fill` uses --as-of (default today).",
        "LeaveYearStart": "1 April: the Kent Scheme leave year runs 1 April - 31 March (G.1). The pay award, "
                          "on-costs and the year's pay cost are for this leave year.",
        "LeaveYearEnd": "Calculated: EDATE(LeaveYearStart, 12) - 1. Leave entitlement is counted to this day.",
        "PayAwardPct": (f"EXAMPLE {EXAMPLE_PAY_AWARD:.0%}: replace it with the pay award agreed for this leave year"
                        if a["pay_award_pct"] == EXAMPLE_PAY_AWARD else "The pay award for this leave year")
                       + " (applied to the whole leave year from 1 April; salaries are entered before the award).",
        "EmployerNIRate": f"Source: {_source_on('oncosts', 'employer_ni_rate', tax)}.",
        "NIThresholdYear": f"Source: {_source_on('oncosts', 'employer_ni_threshold_gbp_per_year', tax)}.",
        "PensionRate": "EXAMPLE, not a published rate: set the employer rate from the Kent Pension Fund's "
                       "rates and adjustments certificate. Applied to every row's pay cost.",
        "LevyRate": f"Source: {_source_on('oncosts', 'apprenticeship_levy_rate', tax)}.",
        "AbsenceStart": "First day of a sickness absence modelled for every employee (default: the as-of "
                        "date). Staff not employed on that day cost 0.",
        "AbsenceDays": "Calendar days of the modelled absence (default 28: a long-term absence trigger).",
        "RedundancyDate": "Termination date used for age, service and redundancy weeks (default: the leave "
                          "year end).",
        "StandardDayHours": f"Source: {_source_on('leave', 'hours_per_day', on)}. Locked.",
        "FullTimeWeeklyHours": f"Source: {_source_on('leave', 'full_time_weekly_hours', on)}. Locked.",
    }


def _assumptions_sheet(wb, styles: common.Styles, a: dict, m: BudgetModel) -> None:
    ws = wb.add_worksheet("Assumptions")
    common.write_title(ws, styles, "Assumptions",
                       "Yellow cells are inputs; each has a name the formulas use (Formulas > Name Manager).")
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 100)
    header = HEADER_ROW - 1
    for j, text in enumerate(("Setting (defined name)", "Value", "Source and help")):
        ws.write_string(header, j, text, styles.header)
    ws.set_row(header, 20)
    notes = _setting_notes(a)
    month = int(_value_on("leave", "leave_year_start_month", a["leave_year_start"]))
    validations = {
        "AsOfDate": {"validate": "custom", "value": "=AND(ISNUMBER({c}),{c}>=LeaveYearStart,{c}<=LeaveYearEnd)",
                     "error_message": "The as-of date must lie in the leave year (LeaveYearStart to LeaveYearEnd)."},
        "LeaveYearStart": {"validate": "custom", "value": f"=AND(ISNUMBER({{c}}),DAY({{c}})=1,MONTH({{c}})={month})",
                           "error_message": "The leave year starts on 1 April."},
        "PayAwardPct": common.number_validation(-0.5, 1, "A percentage, e.g. 3.5%."),
        "EmployerNIRate": common.number_validation(0, 1, "A rate from 0% to 100%."),
        "NIThresholdYear": common.number_validation(0, 1_000_000, "£ a year, 0 or more."),
        "PensionRate": common.number_validation(0, 1, "A rate from 0% to 100%."),
        "LevyRate": common.number_validation(0, 1, "A rate from 0% to 100%."),
        "AbsenceStart": common.date_validation("A date, dd/mm/yyyy."),
        "AbsenceDays": common.number_validation(1, 3650, "Calendar days, 1 or more."),
        "RedundancyDate": common.date_validation("A date, dd/mm/yyyy."),
    }
    for i, setting in enumerate(_SETTINGS):
        row = _SETTINGS_FIRST - 1 + i
        cell = f"$B${row + 1}"
        ws.write_string(row, 0, f"{setting.label} ({setting.name})", styles.bold)
        if setting.key:
            common._write_value(ws, row, 1, a[setting.key], styles.input(setting.kind))
            options = dict(validations[setting.name])
            if options.get("validate") == "custom":
                options["value"] = options["value"].replace("{c}", f"B{row + 1}")
            ws.data_validation(row, 1, row, 1, {"ignore_blank": False, "input_title": setting.label[:32],
                                                "input_message": notes[setting.name][:255], **options})
        else:
            ws.write_formula(row, 1, "=EDATE(LeaveYearStart,12)-1", styles.calc("date"),
                             _serial(m.assumptions["LeaveYearEnd"]))
        ws.write_string(row, 2, notes[setting.name], styles.text)
        wb.define_name(setting.name, f"=Assumptions!{cell}")
    ws.write_string(_CONSTANTS_FIRST - 2, 0, "Kent Scheme constants used by the formulas (locked)", styles.subtitle)
    for i, setting in enumerate(_CONSTANTS):
        row = _CONSTANTS_FIRST - 1 + i
        ws.write_string(row, 0, f"{setting.label} ({setting.name})", styles.bold)
        ws.write_number(row, 1, a[setting.key], styles.calc(setting.kind))
        ws.write_string(row, 2, notes[setting.name], styles.text)
        wb.define_name(setting.name, f"=Assumptions!$B${row + 1}")
    ws.write_string(_CC_HEADER - 2, 0, "Cost centres (the Staff drop-down and the Summary rows, in this order)",
                    styles.subtitle)
    for j, text in enumerate(("#", "Cost centre (CostCentres)", "Note")):
        ws.write_string(_CC_HEADER - 1, j, text, styles.header)
    first, last = _CC_FIRST - 1, _CC_FIRST - 2 + COST_CENTRE_ROWS
    for k in range(COST_CENTRE_ROWS):
        row = first + k
        ws.write_number(row, 0, k + 1, styles.plain("int"))
        common._write_value(ws, row, 1, a["cost_centres"][k], styles.input("text"))
    ws.write_string(first, 2, "Names as they appear in the Staff sheet's Cost centre column (case is ignored). "
                              "Each name once; no * ? ~ and not starting with = < > (the totals use "
                              "SUMIFS criteria).", styles.text)
    rng = f"$B${first + 1}:$B${last + 1}"
    ws.data_validation(first, 1, last, 1, {
        "validate": "custom",
        "value": (f'=AND(COUNTIF({rng},B{first + 1})=1,ISERROR(FIND("*",B{first + 1})),'
                  f'ISERROR(FIND("?",B{first + 1})),ISERROR(FIND("~",B{first + 1})),'
                  f'ISERROR(FIND(LEFT(B{first + 1},1),"=<>")))'),
        "ignore_blank": True, "input_title": "Cost centre",
        "input_message": "A cost centre name, once; no * ? ~ and not starting with = < >.",
        "error_message": "Each cost centre once, without * ? ~ and not starting with = < >."})
    wb.define_name("CostCentres", f"=Assumptions!{rng}")
    ws.freeze_panes(HEADER_ROW, 0)
    common.setup_print(ws, 2, last, landscape=False, title="Kent budget planning - Assumptions")
    common.protect(ws)


def _staff_sheet(wb, styles: common.Styles, rows: Sequence[dict], m: BudgetModel, filled: bool) -> None:
    ws = wb.add_worksheet("Staff")
    common.write_title(ws, styles, "Staff budget lines",
                       "One row per employee from row 5: paste values into the yellow columns; the grey columns "
                       "calculate (5,000 rows). Check the Status column.")
    ws.write_string(2, 0, "Inputs (yellow)", styles.subtitle)
    ws.write_string(2, FIRST_CALC, "Calculated (grey, locked)", styles.subtitle)
    data = [[r.get(c.key) for c in INPUT_COLUMNS] for r in rows]
    common.write_inputs(ws, styles, INPUT_COLUMNS, 0, data, DATA_ROWS)
    common.write_headers(ws, styles, CALC_COLUMNS, FIRST_CALC, inputs=False)
    formulas = None if filled else _staff_formulas()
    for j, c in enumerate(CALC_COLUMNS, FIRST_CALC):
        if filled:
            common.write_calc_column(ws, styles, j, c, None, m.staff[c.key])
        else:
            common.write_calc_column(ws, styles, j, c, formulas[c.key], None)
    r0, r1 = FIRST_ROW - 1, FIRST_ROW + DATA_ROWS - 2
    last_col = FIRST_CALC + len(CALC_COLUMNS) - 1
    status_col = _COL_INDEX["status"]
    top = common.ref(r0, status_col, absolute=False)
    ws.conditional_format(r0, status_col, r1, status_col,
                          {"type": "formula", "criteria": f'=LEFT({top},5)="Check"', "format": styles.bad})
    ws.conditional_format(r0, status_col, r1, status_col,
                          {"type": "formula", "criteria": f'={top}="OK"', "format": styles.good})
    first_num = FIRST_CALC + 1
    ws.conditional_format(r0, first_num, r1, last_col,
                          {"type": "formula", "criteria": f"=ISERROR({common.ref(r0, first_num, absolute=False)})",
                           "format": styles.bad})
    ws.freeze_panes(HEADER_ROW, 2)
    ws.autofilter(HEADER_ROW - 1, 0, r1, last_col)
    common.setup_print(ws, last_col, r1, header_rows=f"{HEADER_ROW}:{HEADER_ROW}",
                       title="Kent budget planning - Staff")
    common.protect(ws)


def _summary_sheet(wb, styles: common.Styles, m: BudgetModel) -> None:
    ws = wb.add_worksheet("Summary")
    common.write_title(ws, styles, "Budget summary by cost centre",
                       "Totals of the Staff sheet. Rows with errors are left out of the sums and counted in "
                       "'Rows with problems'.")
    common.write_headers(ws, styles, SUMMARY_COLUMNS, 0, inputs=False)
    formulas = _summary_formulas()
    labels = m.summary_rows
    for k, label in enumerate(labels):
        row = _SUMMARY_FIRST + k
        bold = label in (TOTAL, NOT_IN_LIST)
        for j, c in enumerate(SUMMARY_COLUMNS):
            value = m.summary[(label, c.key)]
            fmt = styles.calc(c.kind, bold=bold)
            formula = formulas.get((row, c.key))
            if formula is None:
                ws.write_string(row - 1, j, value, fmt)
            else:
                ws.write_formula(row - 1, j, formula, fmt, "" if value == "" else value)
    last_data = _SUMMARY_FIRST - 1 + len(labels) - 1
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    cats = f"=Summary!$A${_SUMMARY_FIRST}:$A${_NOT_IN_LIST_ROW}"
    for key, colour in (("pay_cost_gbp", "#1F4E78"), ("oncosts_gbp", "#F4B183")):
        j = [c.key for c in SUMMARY_COLUMNS].index(key)
        letter = _summary_letter(j)
        chart.add_series({"name": f"=Summary!${letter}${HEADER_ROW}", "categories": cats,
                          "values": f"=Summary!${letter}${_SUMMARY_FIRST}:${letter}${_NOT_IN_LIST_ROW}",
                          "fill": {"color": colour}, "gap": 60})
    chart.set_title({"name": "Pay cost and on-costs by cost centre", "name_font": {"size": 12}})
    chart.set_y_axis({"num_format": "£#,##0", "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(last_data + 3, 0, chart, {"x_scale": 2.2, "y_scale": 1.3})
    ws.freeze_panes(HEADER_ROW, 1)
    common.setup_print(ws, len(SUMMARY_COLUMNS) - 1, last_data + 25, header_rows=f"{HEADER_ROW}:{HEADER_ROW}",
                       title="Kent budget planning - Summary")
    common.protect(ws)


def _how_to() -> common.HowTo:
    return common.HowTo(
        title="Kent budget planning",
        purpose="Plan a year's staff budget: pay after the award, on-costs, leave liability, the cost of a "
                "modelled sickness absence and of redundancy for posts at risk, by cost centre.",
        sheets=[
            ("Assumptions", "The as-of date, the leave year, pay award, on-cost rates, the modelled absence and "
                            "redundancy date, and the cost centre list. Yellow cells are inputs."),
            ("Staff", "One row per employee (5,000 rows): yellow inputs, grey calculated columns (one formula "
                      "per column) and a Status column that says which part of a row needs fixing."),
            ("Summary", "Headcount, FTE, pay, on-costs, leave liability, sick pay, at-risk staff and redundancy "
                        "cost for each cost centre of the list, 'Not in the list' and the Total; a chart."),
            ("xlwings.conf", "Settings for the Windows xlwings add-in (leave as is)."),
        ],
        steps=[
            "Assumptions: set the as-of date (within the leave year), the leave year start (1 April), the pay "
            "award, and check the on-cost rates; replace the EXAMPLE pension rate with your employer rate.",
            "Assumptions: list your cost centres (up to 20), each once, in the order the Summary should show.",
            "Staff: paste your staff list as values (Home > Paste > Values) into the yellow columns from row 5. "
            "Salaries are actual annual pay before this year's award; blank weekly hours mean full time.",
            "Mark posts at risk of redundancy 'Yes' (and any enhancement multiplier); enter leave taken so far.",
            "Read the Status column: fix each 'Check: ...' row (the words name the part and the inputs it uses).",
            "Read the Summary. Rows with errors are left out of its sums and counted in 'Rows with problems'.",
            "No add-in? `xl-kent fill budget --staff STAFF.xlsx -o budget.xlsx` writes this workbook with the "
            "results as values.",
        ],
        functions=["KENT_LEAVE_ACCRUAL", "KENT_SICKPAY", "KENT_REDUNDANCY_WEEKS"],
        notes=[
            ("Status", "'OK', or 'Check: ' and each part that failed with the inputs it uses: pay, leave, sick pay, "
                       "redundancy (at-risk rows only), at risk (must be Yes or No). Error values and error-looking "
                       "text both count as failed. A row with inputs but no employee ID is left out of the totals (it counts in Rows with problems)."),
            ("Pay cost (decision)", "Annual salary x (1 + pay award) x the share of the leave year employed "
                                    "(employment start, or the continuous service date, to employment end). "
                                    "The award applies to the whole leave year."),
            ("On-costs (decision)", "Employer NI on the pay cost above the annual threshold pro-rated by the "
                                    "same share (an annual approximation of per-period NI); pension on every "
                                    "row's pay cost (opt-outs are not modelled); levy on every row."),
            ("Leave liability (decision)", "Untaken days = accrued to the as-of date - taken; negative when "
                                           "leave was taken ahead of accrual, and kept negative (the Summary "
                                           "shows the net liability). Value = days x "
                                           f"{_DAY_HOURS:g} hours x weekly pay / weekly hours."),
            ("Sick pay (decision)", "Every employee is modelled with the same absence (Assumptions); an "
                                    "employee not employed on its first day costs 0."),
            ("Redundancy (decision)", "Age and service are completed years at the redundancy date (DATEDIF "
                                      "'Y'); weeks and cost are shown for rows at risk only; service starting "
                                      "after the date leaves service blank (an at-risk row then fails)."),
            ("Older Excel and LibreOffice", "The grey columns are one array formula each; in Excel 2019 and "
                                            "older they are classic array formulas over the 5,000 rows. In "
                                            "LibreOffice press Ctrl+Shift+F9 after opening."),
        ],
    )


# ---------------------------------------------------------------- reading a staff list
_EXTRA_FIELDS = {
    "at_risk": (("at risk", "at risk of redundancy", "redundancy risk", "risk of redundancy"),
                "Yes/No: post at risk of redundancy"),
    "leave_taken_days": (("leave taken", "leave taken days", "annual leave taken", "days taken",
                          "leave days taken"), "days of this leave year's leave already taken"),
}
_RENAMED = {"annual_salary": "annual_salary_gbp"}


def _fields():
    from xl_kent.lists import staff as st

    by_name = {_RENAMED.get(f.name, f.name): f for f in st.STAFF_FIELDS}
    fields = []
    for key in _INPUT_KEYS:
        if key in by_name:
            f = by_name[key]
            aliases = f.aliases + ((f.name,) if f.name != key else ())
            fields.append(st.Field(key, f.kind, f.required, aliases, f.meaning))
        else:
            aliases, meaning = _EXTRA_FIELDS[key]
            fields.append(st.Field(key, "text", False, aliases, meaning))
    return tuple(fields)


def _text_cell(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (dt.datetime, dt.date)):
        return (v.date() if isinstance(v, dt.datetime) else v).isoformat()
    t = str(v).strip()
    return t or None


def _as_typed(v: Any) -> Any:
    """A cell that could not be read as its column's type: kept as text (the template shows the error)."""
    if isinstance(v, str):
        return v.strip()
    return _text_cell(v)


def _convert_column(col: np.ndarray, kind: str) -> tuple[list, list[int], str]:
    """Cells as a person would type them into the template, the rows kept as text, what was expected."""
    from xl_kent.cells import BLANK, GOOD
    from xl_kent.lists import staff as st

    cells = col.tolist()
    if kind == "text":
        return [_text_cell(v) for v in cells], [], "text"
    if kind == "date":
        values, status = st.parse_dates(col)
        what = "a date"
        good = [v.astype(object) if s == GOOD else None for v, s in zip(values, status, strict=True)]
    elif kind == "flag":
        values, status = st.parse_bools(col)
        what = "Yes or No"
        good = [(YES if v else NO) if s == GOOD else None for v, s in zip(values.tolist(), status, strict=True)]
    else:
        values, status = st.parse_numbers(col)
        what = "a number"
        good = [float(v) if s == GOOD else None for v, s in zip(values.tolist(), status, strict=True)]
    out, kept = [], []
    for i, (g, s, raw) in enumerate(zip(good, status.tolist(), cells, strict=True)):
        if s == GOOD:
            out.append(g)
        elif s == BLANK:
            out.append(None)
        else:
            out.append(_as_typed(raw))
            kept.append(i)
    return out, kept, what


def read_staff_rows(path, *, sheet=None, maps=None) -> tuple[list[dict], list[str]]:
    """Read a staff list (xlsx or CSV) into rows for :func:`build` and :func:`model`.

    Headers are matched to :data:`INPUT_COLUMNS` by name and alias (those of
    ``xl_kent.lists.staff.STAFF_FIELDS``, plus at_risk and leave_taken_days; ``maps`` as
    ``--map "Pay=annual_salary_gbp"``). Cells become what a person would type: dates
    (ISO, UK d/m/y, serials), numbers (£ and commas allowed), Yes/No; a cell that cannot
    be read is kept as its text, so that the template shows the error. Blank rows are
    dropped. Returns ``(rows, warnings)``.

    Raises ``xl_kent.lists.staff.ColumnError`` for a missing required column and
    ``xl_kent.files.reading.InputFileError`` for an unreadable file.
    """
    from xl_kent.files.reading import read_table
    from xl_kent.lists import staff as st

    table = read_table(path, sheet=sheet)
    contract = next(f for f in st.STAFF_FIELDS if f.name == "contract_type")
    fields = (*_fields(), contract)
    overrides = st.parse_map_options(maps, fields)
    mapping = st.map_columns(table.headers, fields, overrides)
    warnings: list[str] = []
    unused = [h for i, h in enumerate(table.headers) if i not in mapping.values() and h]
    if unused:
        warnings.append(f"columns not used by the template: {', '.join(repr(h) for h in unused)}")
    if "contract_type" in mapping:  # read only to warn: the template models salaried staff
        contracts = [st.CONTRACTS.get(" ".join(str(v).casefold().split()), "") if v is not None else "salaried"
                     for v in table.columns[mapping.pop("contract_type")].tolist()]
        other = sum(k in ("casual", "relief") for k in contracts)
        if other:
            warnings.append(f"{other} row(s) are casual or relief contracts: the template models salaried staff "
                            f"(their rows need an annual salary and weekly hours, or show Check)")
    kinds = {c.key: ("text" if c.kind == "text" else "date" if c.kind == "date" else "flag" if c.kind == "flag"
                     else "number") for c in INPUT_COLUMNS}
    converted: dict[str, list] = {}
    for key, idx in mapping.items():
        values, kept, what = _convert_column(table.columns[idx], kinds[key])
        converted[key] = values
        header = table.headers[idx]
        for i in kept:
            warnings.append(f"row {table.first_row + i}: {header} {values[i]!r} is not {what}; kept as text "
                            f"(the template shows an error for it)")
    rows = []
    for i in range(table.n_rows):
        row = {k: v[i] for k, v in converted.items() if v[i] is not None}
        if row:
            rows.append(row)
    return rows, warnings


# ---------------------------------------------------------------- xl-kent fill budget
def _cost_centres_of(rows: Sequence[dict]) -> tuple[list[str], list[str]]:
    """The list for a filled copy: the distinct cost centres of the rows (the 20 with most rows,
    alphabetical), and those left out."""
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    bad = []
    for r in rows:
        v = r.get("cost_centre")
        if not isinstance(v, str) or not v.strip():
            continue
        if any(ch in v for ch in "*?~") or v[0] in "=<>":
            bad.append(v)
            continue
        k = v.casefold()
        spelling.setdefault(k, v)
        counts[k] = counts.get(k, 0) + 1
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    chosen = sorted(ranked[:COST_CENTRE_ROWS])
    left = [spelling[k] for k in ranked[COST_CENTRE_ROWS:]] + sorted(set(bad))
    return [spelling[k] for k in chosen], left


def fill(input_path, output, *, as_of=None, absence_days=None, pay_award=None, maps=None, sheet=None,
         out=sys.stdout, err=sys.stderr) -> int:
    """``xl-kent fill budget STAFF -o OUT``: the budget workbook with the results as values.

    Exit codes as ``xl-kent recalc``: 0 every row OK, 1 written but some rows need checking,
    2 input unusable (unreadable, missing column, no rows, more than 5,000 rows), 3 output
    refused or not writable (nothing written).
    """
    from xl_kent.files.reading import InputFileError
    from xl_kent.files.writing import OutputFileError, _check_output
    from xl_kent.lists import staff as st
    from xl_kent_cli import recalc

    prog = "xl-kent fill budget"
    out_path = Path(output)
    if out_path.suffix.lower() != ".xlsx":
        print(f"{prog}: error: output {out_path}: the name must end in .xlsx", file=err)
        return recalc.EXIT_USAGE
    try:
        _check_output(out_path, input_path)
    except OutputFileError as e:
        print(f"{prog}: error: {e}", file=err)
        return recalc.EXIT_OUTPUT
    try:
        rows, warnings = read_staff_rows(input_path, sheet=sheet, maps=maps)
    except (InputFileError, st.ColumnError) as e:
        print(f"{prog}: error: {e}", file=err)
        return recalc.EXIT_USAGE
    except OSError as e:
        print(f"{prog}: error: cannot read {input_path}: {e.strerror or e}", file=err)
        return recalc.EXIT_USAGE
    if not rows:
        print(f"{prog}: error: {input_path}: no staff rows below the header", file=err)
        return recalc.EXIT_USAGE
    if len(rows) > DATA_ROWS:
        print(f"{prog}: error: {input_path}: {len(rows):,} staff rows; the template holds {DATA_ROWS:,}. "
              f"Split the list (e.g. by cost centre) or use `xl-kent recalc` for whole lists.", file=err)
        return recalc.EXIT_USAGE
    try:
        a = default_assumptions(as_of if as_of is not None else dt.date.today())
    except ValueError as e:
        print(f"{prog}: error: {e}", file=err)
        return recalc.EXIT_USAGE
    if absence_days is not None:
        a["absence_days"] = float(absence_days)
    if pay_award is not None:
        a["pay_award_pct"] = float(pay_award)
    a["cost_centres"], left_out = _cost_centres_of(rows)
    for w in warnings[:10]:
        print(f"{prog}: warning: {w}", file=err)
    if len(warnings) > 10:
        print(f"{prog}: warning: ... and {len(warnings) - 10:,} more", file=err)
    if left_out:
        shown = ", ".join(left_out[:5]) + (" ..." if len(left_out) > 5 else "")
        print(f"{prog}: warning: {len(left_out)} cost centre(s) not in the Summary list (totalled under "
              f"'{NOT_IN_LIST}'): {shown}", file=err)
    m = model(rows, a)
    try:
        written = common.save_atomically(out_path, lambda f: _write(f, rows, a, m, True), input_path)
    except OutputFileError as e:
        print(f"{prog}: error: {e}", file=err)
        return recalc.EXIT_OUTPUT
    except OSError as e:
        print(f"{prog}: error: cannot write {out_path}: {e.strerror or e}", file=err)
        return recalc.EXIT_OUTPUT
    _print_summary(m, a, len(rows), written, out)
    _, problems = m.status_counts()
    return recalc.EXIT_PROBLEMS if problems else recalc.EXIT_OK


def _print_summary(m: BudgetModel, a: dict, n_rows: int, written: Path, out) -> None:
    ids, problems = m.status_counts()
    end = _edate(a["leave_year_start"], 12) - dt.timedelta(days=1)

    def money(key):
        return f"£{m.summary[(TOTAL, key)]:,.2f}"

    print(f"staff rows: {n_rows:,} ({ids:,} with an employee ID)", file=out)
    print(f"as of {a['as_of']:%d/%m/%Y}; leave year {a['leave_year_start']:%d/%m/%Y} to {end:%d/%m/%Y}; "
          f"pay award {a['pay_award_pct']:.2%}", file=out)
    print(f"rows with problems: {problems:,}" + (" (see the Status column)" if problems else ""), file=out)
    print(f"pay cost after award: {money('pay_cost_gbp')}", file=out)
    print(f"on-costs (NI, pension, levy): {money('oncosts_gbp')}", file=out)
    print(f"total cost: {money('total_cost_gbp')}", file=out)
    print(f"leave liability: {money('leave_liability_gbp')}", file=out)
    print(f"sick pay cost of a {a['absence_days']:g}-day absence from {a['absence_start']:%d/%m/%Y}: "
          f"{money('sick_pay_cost_gbp')}", file=out)
    print(f"redundancy cost (at risk): {money('redundancy_cost_gbp')}", file=out)
    print(f"written: {written}", file=out)
