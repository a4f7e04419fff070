"""The budget planning template: staff costs, leave liability, sick pay and redundancy by cost centre.

Finance officers paste a staff list into the Staff sheet, set the Assumptions, and read
the Summary. Sheets, in order: "How to use", "Assumptions", "Staff", "Summary", "Absences",
"xlwings.conf" (see docs/budget-template.md).

The template is a spreadsheet spelling of the project's one staff-list layer: its Staff
inputs are :data:`xl_kent.lists.staff.STAFF_FIELDS` in their order, its checks are
:func:`xl_kent.lists.staff.staff_checks` (same reasons, same order, generated here from
the checks and their bounds), and every calculated cell is the figure
:func:`xl_kent.lists.figures.compute` gives for that row, blank where ``compute`` leaves
it blank. Nothing is computed in Python here: a LibreOffice test recalculates the
template and compares every cell with ``compute`` and ``totals``.

* **Assumptions**: the settings of :class:`xl_kent.lists.figures.Settings` (the as-of
  date, the modelled absence, the redundancy date, the pay award and the on-cost rates),
  the leave year (calculated), two Kent Scheme constants (locked) and the cost centres.
  Each has a defined name used by the formulas.
* **Staff**: the input columns (yellow, the year-end carry-over inputs last); Status, the
  figures and the How columns (grey), each ONE dynamic array formula over the 5,000
  pre-sized rows: KENT_ functions (leave, sick pay, redundancy weeks, notice) and native
  formulas for the rest (the year-end carry-over among them, its limits Kent Scheme
  constants on the Assumptions); one hidden "Problems: ..." column per input that holds its
  reasons.
* **Summary**: per cost centre, "Not in the list" and a Total, over the rows whose Status
  is OK; a stacked column chart.
* **Absences** (optional): the absence record; KENT_SICKPAY_LOG gives each absence's paid
  days, and while the sheet holds a record the Staff sheet's paid sick days come from it.

:func:`build` writes the template; :func:`write_filled` writes the copy ``xl-kent fill
budget`` makes of a list: the KENT_ columns as the values ``compute`` gave, every other
formula kept live with its value cached.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from xlsxwriter.utility import xl_col_to_name

from xl_kent import params
from xl_kent.carry_over import WHY_AGREED, WHY_DEFERRED, WHY_DEFERRED_CAPPED, WHY_LEAVER, WHY_SICK, why_texts
from xl_kent.cells import GOOD
from xl_kent.dates import MAX_EXCEL_SERIAL, MIN_EXCEL_SERIAL, MONTHS_PER_YEAR, add_months
from xl_kent.errors import EXCEL_ERRORS
from xl_kent.leave import leave_year_bounds
from xl_kent.lists import parse
from xl_kent.lists.absence_log import ABSENCES_SHEET
from xl_kent.lists.figures import (
    CARRY_OVER_TOTALS,
    FIGURES,
    NAMED_LEC,
    NEEDS,
    RESTRUCTURE_TOTALS,
    TOTALS,
    Figures,
    Settings,
    carry_over_totals,
    default_settings,
    missing_top_words,
    notes,
    restructure_totals,
    strain_words,
    totals,
)
from xl_kent.lists.figures import cost_centres as list_cost_centres
from xl_kent.lists.how import NOT_EMPLOYED, STAFF_HOW, staff_how
from xl_kent.lists.staff import CONTRACTS, STAFF_FIELDS, Staff, check_bounds, staff_checks

from . import common
from .common import DATA_ROWS, FIRST_ROW, HEADER_ROW, Col

__all__ = [
    "FILE_NAME", "EXAMPLE_AS_OF", "EXAMPLE_COST_CENTRES", "COST_CENTRE_ROWS", "NOT_IN_LIST", "TOTAL",
    "INPUT_COLUMNS", "CALC_COLUMNS", "read_assumptions", "PROBLEM_COLUMNS", "SUMMARY_COLUMNS", "ASSUMPTION_CELLS", "BUDGET_FIGURES",
    "KENT_FIGURES", "EXAMPLE_ROWS", "build", "write_filled", "problem_texts", "summary_names", "staff_table",
    "staff_column_letter",
]

FILE_NAME = "kent_budget_planning.xlsx"
EXAMPLE_AS_OF = dt.date(2026, 11, 23)
"""The committed template's as-of date (fixed, so that the build is deterministic)."""
EXAMPLE_COST_CENTRES = ("Adult Social Care", "Children's Services", "Highways", "Libraries", "Finance")
COST_CENTRE_ROWS = 20
"""Cost centre slots of the template (a filled copy has one per cost centre of its list)."""
NOT_IN_LIST = "Not in the list"
TOTAL = "Total"

_FIELD = {f.name: f for f in STAFF_FIELDS}
_SALARIED_WORDS = sorted(w for w, c in CONTRACTS.items() if c == "salaried")
_CASUAL_WORDS = sorted(w for w, c in CONTRACTS.items() if c == "casual")
_RELIEF_WORDS = sorted(w for w, c in CONTRACTS.items() if c == "relief")
_CONTRACT_CHOICES = ["Salaried", "Casual", "Relief"]
_TRUE_WORDS = sorted(parse._TRUE)  # the words the core reads as Yes (and 1, TRUE)

# The scheme's weekly pay, annual salary / 365 * 7 (B.2.D.3): pay.toml, written into the formula as numbers.
_DAYS_PER_YEAR = f'{params.parameter("pay", "days_per_year").value_on(None):g}'
_DAYS_PER_WEEK = f'{params.parameter("pay", "days_per_week").value_on(None):g}'
# An absence longer than any allowance (12 months of sick pay at most): its full and half pay
# days are the allowance left (KENT_SICKPAY's split, full pay first).
_WHOLE_YEAR_DAYS = f'{params.parameter("pay", "days_per_year").value_on(None) + 1:g}'

# ---------------------------------------------------------------- the Staff columns
_INPUT_KIND = {"employee_id": "text", "name": "text", "cost_centre": "text", "grade": "text",
               "contract_type": "text", "weekly_hours": "hours", "hours_worked": "hours", "annual_salary": "gbp",
               "date_of_birth": "date", "service_start": "date", "employment_start": "date",
               "employment_end": "date", "prior_sick_days": "days", "at_risk": "flag", "multiplier": "number",
               "leave_taken_days": "days", "lgps_member": "flag", "pension_strain_gbp": "gbp",
               "redeployed_grade": "text", "leave_brought_forward_days": "days", "long_term_sick": "flag",
               "deferral_agreed_days": "days"}
_INPUT_WIDTH = {"employee_id": 12, "name": 22, "cost_centre": 20, "grade": 10, "contract_type": 11,
                "weekly_hours": 10, "hours_worked": 12, "annual_salary": 13, "prior_sick_days": 12,
                "at_risk": 10, "multiplier": 11, "leave_taken_days": 12, "lgps_member": 10,
                "pension_strain_gbp": 13, "redeployed_grade": 11, "leave_brought_forward_days": 12,
                "long_term_sick": 12, "deferral_agreed_days": 12}


_PENSION_AGE = float(params.parameter("restructure", "unreduced_pension_min_age_years").value_on(None))
_PENSION_YEARS = float(params.parameter("restructure", "unreduced_pension_min_service_years").value_on(None))
_LEC_MONTHS = float(params.parameter("restructure", "lec_instalment_months").value_on(None))
_LEC_SPAN = int(params.parameter("restructure", "lec_max_grades_above_new").value_on(None))
#: The grades of the Assumptions sheet's grade maximum table (a layout choice: the user fills the tops).
GRADE_MAX_GRADES = tuple(range(3, 21))


#: Rows one Summary chart takes (a 1.3 x scaled chart is about 19 rows of the default height).
_CHART_ROWS = 21


def _input_columns() -> tuple[Col, ...]:
    b = check_bounds(np.datetime64(EXAMPLE_AS_OF, "D"))
    full = b["full_time_weekly_hours"]
    lo, hi = b["min_multiplier"], b["max_multiplier"]
    sick = b["max_paid_sick_days_12_months"]
    most = b["carry_over_plausible_max_days"]
    first = f"{FIRST_ROW}"
    last = f"{FIRST_ROW + DATA_ROWS - 1}"
    help_ = {
        "employee_id": "Required: the employee's payroll number, once (a repeated ID flags every row that has it).",
        "name": "The employee's name (shown only).",
        "cost_centre": "A cost centre from the Assumptions list (drop-down). Others are kept and totalled as "
                       "'Not in the list' on the Summary.",
        "grade": 'Kent Scheme grade: "KR Entry", "Apprentice", "KR3" and above ("KR6", "kr 6" or 6). '
                 "Required for salaried and relief staff.",
        "contract_type": "Salaried (blank = salaried; also Permanent, Fixed term), Casual or Relief (also "
                         "Permanent relief). Casual and relief staff accrue leave on the hours worked.",
        "weekly_hours": f"Salaried: contracted hours a week, above 0 up to {full:g}. Blank = full time ({full:g}).",
        "hours_worked": "Casual and relief (required for them): hours worked in this leave year up to the "
                        "as-of date; leave is accrued on them.",
        "annual_salary": "Salaried (required): actual annual pay in £ before this year's pay award (pro rata for "
                         "part-time).",
        "date_of_birth": "Date of birth (required for salaried staff): age at the redundancy date.",
        "service_start": "Continuous service date (includes Modification Order service): leave uplift, sick pay "
                         "band, redundancy service. Required for salaried and relief staff.",
        "employment_start": "Start of this employment. Blank = the continuous service date. A later date = a "
                            "joiner.",
        "employment_end": "Last day of employment (a leaver). Blank = still employed.",
        "prior_sick_days": "Calendar days of paid sick leave (full or half pay) in the 12 months before the "
                           f"modelled absence, 0 to {sick:g}. Blank = 0. Used only while the Absences sheet is "
                           "empty: with a record there, the days come from it (column 'Paid sick days used').",
        "at_risk": "Yes for posts at risk of redundancy: redundancy weeks and cost are shown for these rows only. "
                   "Blank = No.",
        "multiplier": f"Discretionary redundancy enhancement from {lo:g} to {hi:g}. Blank = {lo:g}.",
        "leave_taken_days": "Days of this leave year's annual leave already taken (standard-length days for "
                            "part-time). Blank = 0.",
        "lgps_member": "Yes for a member of the Local Government Pension Scheme (LGPS). Blank = Yes. With age "
                       f"{_PENSION_AGE:g}+ and {_PENSION_YEARS:g}+ years' service on the redundancy date, a post at "
                       "risk brings an unreduced pension (L.4.E).",
        "pension_strain_gbp": "The strain cost the Kent Pension Fund quotes for this person's unreduced pension on "
                              "redundancy, £. Counted only where 'Unreduced pension on redundancy?' is Yes; typed "
                              "on another row it is a problem of the row.",
        "redeployed_grade": "For staff redeployed to a lower grade instead of redundancy: the new post's grade. "
                            "Loss of Earnings Compensation uses the grade maxima on the Assumptions sheet. Not on "
                            "a row marked at risk.",
        "leave_brought_forward_days": "Days of annual leave brought into this leave year (carried over at the last "
                                      "year end), standard-length days for part-time. Blank = 0. Counted in the "
                                      "untaken leave at the leave year end.",
        "long_term_sick": "Yes when long-term sickness absence stopped this leave year's leave being taken: the "
                          "carry-over limit is the larger one of G.2.M (pro rata for part-time). Blank = No.",
        "deferral_agreed_days": "Days of leave the manager agreed to defer into the new leave year (G.2.N). Above "
                                "the usual limit it raises the carry-over limit, up to the scheme's most (pro rata "
                                "for part-time). Blank = 0.",
    }
    date_rule = common.date_validation("A date, dd/mm/yyyy.")
    validation = {
        "employee_id": {"validate": "custom", "value": f"=COUNTIF($A${first}:$A${last},A{first})=1",
                        "error_type": "warning", "error_message": "This employee ID is already on another row."},
        "cost_centre": {"validate": "list", "source": "=CostCentres", "error_type": "warning",
                        "error_message": "Not in the Assumptions cost centre list: the row is totalled under "
                                         f"'{NOT_IN_LIST}'."},
        "grade": common.grade_validation(),
        "contract_type": {"validate": "list", "source": _CONTRACT_CHOICES, "error_type": "warning",
                          "error_message": "Salaried, Casual or Relief (Permanent, Fixed term and Permanent "
                                           "relief are read too)."},
        "weekly_hours": common.number_validation(0.01, full, f"Weekly hours must be above 0 and at most {full:g} "
                                                             "(leave blank for full time)."),
        "hours_worked": common.number_validation(0, 1_000_000, "Hours worked, 0 or more."),
        "annual_salary": common.number_validation(0.01, b["max_fte_salary_gbp"], "Annual salary in £, above 0."),
        "date_of_birth": date_rule, "service_start": date_rule, "employment_start": date_rule,
        "employment_end": date_rule,
        "prior_sick_days": common.number_validation(0, sick, f"Calendar days from 0 to {sick:g}."),
        "at_risk": common.yes_no_validation(),
        "multiplier": common.number_validation(lo, hi, f"A multiplier from {lo:g} to {hi:g}."),
        "leave_taken_days": common.number_validation(0, 366, "Days from 0 to 366."),
        "lgps_member": common.yes_no_validation(),
        "pension_strain_gbp": common.number_validation(0, 10_000_000, "The fund's strain cost in £, 0 or more."),
        "redeployed_grade": common.grade_validation(),
        "leave_brought_forward_days": common.number_validation(0, most, f"Days from 0 to {most:g}."),
        "long_term_sick": common.yes_no_validation(),
        "deferral_agreed_days": common.number_validation(0, most, f"Days from 0 to {most:g}."),
    }
    return tuple(Col(f.name, f.label, _INPUT_KIND[f.name], _INPUT_WIDTH.get(f.name, 12), help_[f.name],
                     validation.get(f.name)) for f in STAFF_FIELDS)


INPUT_COLUMNS: tuple[Col, ...] = _input_columns()

#: The year-end carry-over figures (G.2.L-O, docs/leave-carry-over.md), beside the in-year leave figures.
CARRY_OVER_FIGURES = ("leave_year_end_untaken_days", "carry_over_limit_days", "carry_over_limit_why",
                      "leave_carried_days", "leave_lost_days", "leave_carried_liability_gbp",
                      "leaver_leave_to_take_days", "leaver_leave_to_take_gbp", "leaver_leave_overtaken_days",
                      "leaver_recovery_gbp")
#: The figures of :data:`xl_kent.lists.figures.FIGURES` the budget shows, in its column order.
BUDGET_FIGURES = ("fte", "year_share", "weekly_pay_gbp", "pay_cost_gbp", "employer_ni_gbp", "pension_gbp",
                  "levy_gbp", "total_cost_gbp", "leave_year_entitlement_days", "leave_year_entitlement_hours",
                  "leave_accrued_days", "leave_accrued_hours", "leave_untaken_days", "leave_value_gbp",
                  *CARRY_OVER_FIGURES, "sick_absence_cost_gbp", "age_years", "service_years", "redundancy_weeks", "redundancy_pay_gbp",
                  "sick_prior_paid_days", "sick_full_pay_days_left", "sick_half_pay_days_left", "notice_days", "notice_pay_gbp", "unreduced_pension",
                  "pension_strain_cost_gbp", "lec_annual_gbp", "lec_cost_gbp")
#: The How columns (each a KENT_ function's explanation of the figures beside it, in words).
HOW_COLUMNS = tuple(h.name for h in STAFF_HOW)
#: The figures a KENT_ function gives (values in a filled copy).
KENT_FIGURES = ("leave_year_entitlement_days", "leave_year_entitlement_hours", "leave_accrued_days",
                "leave_accrued_hours", "sick_absence_cost_gbp", "sick_full_pay_days_left", "sick_half_pay_days_left",
                "redundancy_weeks", "notice_days", "notice_pay_gbp", *HOW_COLUMNS)
#: Shown for rows marked at risk only.
_AT_RISK_ONLY = ("redundancy_weeks", "redundancy_pay_gbp")

_FIGURE = {f.name: f for f in FIGURES}
_CALC_KIND = {"fte": "number", "year_share": "pct", "redundancy_weeks": "weeks", "age_years": "years",
              "notice_days": "days", "unreduced_pension": "text",
              "service_years": "years"}
_FORMAT_KIND = {"number": "number", "integer": "years", "days": "days", "hours": "hours", "gbp": "gbp",
                "general": "general", "text": "text"}
_CALC_WIDTH = {"carry_over_limit_why": 60}
_HOW = {
    "fte": "Salaried rows.",
    "year_share": "Salaried rows: from the later of the leave year start and the employment start (or the "
                  "continuous service date) to the earlier of the leave year end and the employment end.",
    "weekly_pay_gbp": "Salaried rows.",
    "pay_cost_gbp": "PayAwardPct on the Assumptions.",
    "employer_ni_gbp": "EmployerNIRate and NIThresholdYear on the Assumptions.",
    "pension_gbp": "PensionRate on the Assumptions.",
    "levy_gbp": "LevyRate on the Assumptions.",
    "total_cost_gbp": "Salaried rows.",
    "leave_year_entitlement_days": "KENT_LEAVE_ACCRUAL to the leave year end, salaried rows.",
    "leave_year_entitlement_hours": "KENT_LEAVE_ACCRUAL to the leave year end, salaried rows.",
    "leave_accrued_days": "KENT_LEAVE_ACCRUAL to the as-of date, salaried rows.",
    "leave_accrued_hours": 'KENT_LEAVE_ACCRUAL to the as-of date; casual and relief rows with unit "casual" or '
                           '"relief" on the hours worked.',
    "leave_untaken_days": "Salaried rows.",
    "leave_value_gbp": "StandardDayHours and FullTimeWeeklyHours on the Assumptions.",
    "sick_absence_cost_gbp": "KENT_SICKPAY for the Assumptions' modelled absence with the paid sick days used "
                             "(the last column), salaried rows.",
    "sick_prior_paid_days": "From the Absences sheet when it holds a record (each absence's paid days inside "
                            "the 12 months before AbsenceStart, summed by Employee ID), else the typed Paid sick "
                            "days column (blank = 0); salaried rows.",
    "sick_full_pay_days_left": "KENT_SICKPAY(service start, AbsenceStart, a whole year's absence, 1, paid sick days "
                               'used, "full_days"): the full pay days an absence starting on AbsenceStart can have '
                               "(the days do not depend on the salary: 1 stands in, from a hidden helper column), "
                               "rows employed on AbsenceStart.",
    "sick_half_pay_days_left": 'As Full sick pay left, with "half_days".',
    "age_years": "Every row with a date of birth.",
    "service_years": "Every row with a continuous service date.",
    "redundancy_weeks": "KENT_REDUNDANCY_WEEKS(age, service, multiplier), salaried rows marked at risk only.",
    "redundancy_pay_gbp": "Rows marked at risk only.",
    "notice_days": "KENT_NOTICE(grade, service start, RedundancyDate), salaried rows marked at risk only.",
    "notice_pay_gbp": 'KENT_NOTICE(grade, service start, RedundancyDate, "pay", annual salary): pay in lieu at '
                      "actual pay, rows marked at risk only.",
    "unreduced_pension": "Yes or No, salaried rows marked at risk only.",
    "pension_strain_cost_gbp": "The typed Pension strain cost £ where the row has the unreduced pension.",
    "lec_annual_gbp": "Rows with a Redeployed to grade: the tops of the grades from the Assumptions' grade "
                      "maximum table.",
    "lec_cost_gbp": f"Loss of earnings compensation a year / 12 x {_LEC_MONTHS:g} monthly instalments.",
    "leave_year_end_untaken_days": "Salaried rows: Leave entitlement this leave year + Leave brought forward - "
                                   "Leave taken (blank = 0).",
    "carry_over_limit_days": "The largest limit the row qualifies for, x weekly hours / "
                             "CarryOverProRataWeeklyHours: CarryOverMaxDays; CarryOverSicknessMaxDays with "
                             "long-term sickness; the deferral agreed, up to CarryOverDeferredMaxDays; 0 for a "
                             "leaver (employment ends by LeaveYearEnd). The limits are on the Assumptions.",
    "carry_over_limit_why": "The words of xl-kent recalc's carry_over_limit_why, with the Kent Scheme section.",
    "leave_carried_days": "The manager's agreement is assumed.",
    "leave_lost_days": "Salaried rows.",
    "leave_carried_liability_gbp": "Leave carried forward x StandardDayHours x weekly pay / (FTE x "
                                   "FullTimeWeeklyHours), the rate of the value of untaken leave.",
    "leaver_leave_to_take_days": "Leavers only: the untaken leave at the year end when positive.",
    "leaver_leave_to_take_gbp": "At the rate of the value of untaken leave.",
    "leaver_leave_overtaken_days": "Leavers only: minus the untaken leave at the year end when negative.",
    "leaver_recovery_gbp": "At the rate of the value of untaken leave.",
}


def _needs(name: str) -> tuple[str, ...]:
    """The NEEDS groups of each budget figure (as :func:`xl_kent.lists.figures.compute` gates it)."""
    return {
        "fte": ("fte",), "year_share": ("employment",), "weekly_pay_gbp": ("salary",),
        "pay_cost_gbp": ("salary", "employment"), "employer_ni_gbp": ("salary", "employment"),
        "pension_gbp": ("salary", "employment"), "levy_gbp": ("salary", "employment"),
        "total_cost_gbp": ("salary", "employment"), "leave_year_entitlement_days": ("leave",),
        "leave_year_entitlement_hours": ("leave",), "leave_accrued_days": ("leave",),
        "leave_accrued_hours": ("leave", "casual", "relief"), "leave_untaken_days": ("leave", "taken"),
        "leave_value_gbp": ("leave", "taken", "salary", "fte"), "sick_absence_cost_gbp": ("sick", "salary"),
        "sick_prior_paid_days": ("sick",), "sick_full_pay_days_left": ("sick",), "sick_half_pay_days_left": ("sick",),
        "age_years": ("age",), "service_years": ("service",), "redundancy_weeks": ("redundancy",),
        "redundancy_pay_gbp": ("redundancy", "salary"),
        "notice_days": ("notice",), "notice_pay_gbp": ("notice", "salary"), "unreduced_pension": ("pension",),
        "pension_strain_cost_gbp": ("pension", "strain"), "lec_annual_gbp": ("lec",), "lec_cost_gbp": ("lec",),
        **{k: ("leave", "taken", "carry_over") for k in ("leave_year_end_untaken_days", "carry_over_limit_days",
                                                          "carry_over_limit_why", "leave_carried_days",
                                                          "leave_lost_days", "leaver_leave_to_take_days",
                                                          "leaver_leave_overtaken_days")},
        **{k: ("leave", "taken", "carry_over", "salary", "fte") for k in ("leave_carried_liability_gbp",
                                                                           "leaver_leave_to_take_gbp",
                                                                           "leaver_recovery_gbp")},
    }[name]


def _calc_help(name: str) -> str:
    fields = {f for g in _needs(name) for f in NEEDS[g]}
    words = ", ".join(f.label for f in STAFF_FIELDS if f.name in fields)
    return f"{_FIGURE[name].meaning[:1].upper()}{_FIGURE[name].meaning[1:]}. {_HOW[name]} Blank when the row has " \
           f"a problem in: {words}."


CALC_COLUMNS: tuple[Col, ...] = (
    Col("status", "Status", "general", 34,
        '"OK", or every problem of the row in words (the same words and order as xl-kent recalc), column by '
        "column. A figure is left blank when a column it uses has a problem. Blank for a blank row."),
    *(Col(n, _FIGURE[n].label, _CALC_KIND.get(n, _FORMAT_KIND[_FIGURE[n].format]), _CALC_WIDTH.get(n, 12),
          _calc_help(n)) for n in BUDGET_FIGURES),
    *(Col(h.name, h.label, "text", 40,
          f"{h.meaning[:1].upper()}{h.meaning[1:]}: the same words as xl-kent recalc's {h.name} column. Blank "
          f"where the figure is blank; the Person sheet shows it for one employee.")
      for h in STAFF_HOW),
)

PROBLEM_COLUMNS: tuple[Col, ...] = tuple(
    Col(f"problems_{f.name}", f"Problems: {f.label}", "general", 18,
        f'Hidden helper: the problems of "{f.label}" in this row, each as "; reason" (blank when none).')
    for f in STAFF_FIELDS)

#: The restructure parts the Summary shows beside the redundancy cost (:func:`restructure_totals`).
SUMMARY_RESTRUCTURE = ("notice_pay_gbp", "untaken_leave_gbp", "pension_strain_gbp", "lec_gbp", "restructure_cost_gbp")
_SUMMARY_ARRAYS = ("at_risk_headcount", "untaken_leave_gbp", "restructure_cost_gbp")

_CARRY_OVER_SUMMARY_HELP = {
    "leave_year_end_untaken_days": "Year-end carry-over: sum of the untaken leave at the leave year end over the OK "
                                   "rows (salaried).",
    "leave_carried_days": "Year-end carry-over: sum of the leave carried forward over the OK rows.",
    "leave_lost_days": "Year-end carry-over: sum of the leave lost at the year end (above the carry-over limit) "
                       "over the OK rows.",
    "leave_carried_liability_gbp": "Year-end carry-over: the accumulated absences accrual, the value of the leave "
                                   "carried forward over the OK rows (docs/leave-carry-over.md).",
    "leaver_leave_to_take_days": "Year-end carry-over: leavers' leave still to take before the last day, OK rows.",
    "leaver_leave_to_take_gbp": "Year-end carry-over: its value (paid in lieu only exceptionally), OK rows.",
    "leaver_leave_overtaken_days": "Year-end carry-over: leavers' leave taken beyond the entitlement, OK rows.",
    "leaver_recovery_gbp": "Year-end carry-over: the amount to recover from leavers' final salaries, OK rows.",
}
#: The Summary's columns: the totals of :data:`TOTALS` with the year-end carry-over totals
#: (:data:`CARRY_OVER_TOTALS`) beside the (in-year) leave liability, then the restructure's parts.
SUMMARY_COLUMNS: tuple[Col, ...] = (
    Col("cost_centre", "Cost centre", "text", 26, "The cost centres of the Assumptions list, in its order."),
    *(c for k, label in TOTALS for c in (Col(k, label, {"headcount": "int", "at_risk_headcount": "int", "rows_with_problems": "int",
                     "fte": "number"}.get(k, "gbp0"), 13,
          {"headcount": 'Rows whose Status is "OK".',
           "fte": "Sum of FTE over the OK rows.",
           "pay_cost_gbp": "Sum of pay cost after the award over the OK rows.",
           "oncosts_gbp": "Sum of employer NI, pension and levy over the OK rows.",
           "total_cost_gbp": "Sum of total employment cost over the OK rows.",
           "leave_liability_gbp": "Sum of the value of untaken leave (net) over the OK rows.",
           "sick_pay_cost_gbp": "Sum of the sick pay cost of the modelled absence over the OK rows.",
           "at_risk_headcount": "OK rows marked at risk of redundancy.",
           "redundancy_cost_gbp": "Sum of the redundancy cost of the OK rows marked at risk.",
           "rows_with_problems": 'Rows with data whose Status is not "OK" (left out of every other column).'}[k]),
        *(Col(key, words, "gbp0" if key.endswith("_gbp") else "number", 13, _CARRY_OVER_SUMMARY_HELP[key])
          for key, words in CARRY_OVER_TOTALS if k == "leave_liability_gbp"))),
    *(Col(k, label, "gbp0", 13, {
        "notice_pay_gbp": "Restructure: pay in lieu of notice of the OK rows marked at risk (KENT_NOTICE).",
        "untaken_leave_gbp": "Restructure: value of untaken leave of the OK rows marked at risk.",
        "pension_strain_gbp": "Restructure: the pension strain cost typed for the OK rows with an unreduced pension "
                              "on redundancy.",
        "lec_gbp": "Restructure: Loss of Earnings Compensation, all instalments, of the OK redeployed rows.",
        "restructure_cost_gbp": "Restructure: notice pay + redundancy cost + untaken leave + pension strain + "
                                "Loss of Earnings Compensation."}[k])
      for k, label in RESTRUCTURE_TOTALS if k in SUMMARY_RESTRUCTURE),
)

#: Hidden helper columns of values (not formulas): on every row of the template, on the rows of a filled copy.
HELPER_COLUMNS: tuple[Col, ...] = (
    Col("one_gbp", "Helper: 1", "number", 6,
        "Hidden helper: 1 on every row, the salary KENT_SICKPAY is given for the sick pay days left (the days do "
        "not depend on the salary; LibreOffice Calc takes a range there, not a number)."),
)
_HELPER_VALUES = {"one_gbp": 1.0}

_STAFF_COLS = INPUT_COLUMNS + CALC_COLUMNS + PROBLEM_COLUMNS + HELPER_COLUMNS
_COL_INDEX = {c.key: j for j, c in enumerate(_STAFF_COLS)}
FIRST_CALC = len(INPUT_COLUMNS)
FIRST_PROBLEM = FIRST_CALC + len(CALC_COLUMNS)
LAST_SHOWN = FIRST_PROBLEM - 1
_SUMMARY_FIRST = FIRST_ROW  # Excel row of the first cost centre row on the Summary


# ---------------------------------------------------------------- the Absences sheet
#: Defined names on the Absences sheet: the record's filled rows, and the rolling year's first day.
ABSENCE_ROWS_NAME = "AbsenceRecordRows"
ABSENCE_WINDOW_NAME = "AbsenceWindowStart"
#: The Absences sheet holds no record (or is not there): the typed paid sick days are used.
_NO_RECORD = f"(IFERROR({ABSENCE_ROWS_NAME},0)=0)"
_ABS_KIND = {"employee_id": "text", "first_day": "date", "last_day": "date", "service_start": "date",
             "annual_salary": "gbp", "temporary_short": "flag"}


def _absence_inputs() -> tuple[Col, ...]:
    from xl_kent.lists.absence_log import ABSENCE_FIELDS

    help_ = {
        "employee_id": "The employee's ID as on the Staff sheet (matched ignoring case): one row per absence.",
        "first_day": "First day of incapacity.",
        "last_day": "Last day of incapacity (included; the day before the return to work).",
        "service_start": "Continuous service date on the absence: fixes its sick pay band.",
        "annual_salary": "Actual annual pay in £ at the absence (pro rata for part-time).",
        "temporary_short": "Yes for a temporary contract of 4 months or less (statutory sick pay only). Blank = No.",
    }
    date_rule = common.date_validation("A date, dd/mm/yyyy.")
    validation = {"first_day": date_rule, "last_day": date_rule, "service_start": date_rule,
                  "annual_salary": common.number_validation(0.01, 10_000_000, "Annual salary in £, above 0."),
                  "temporary_short": common.yes_no_validation()}
    return tuple(Col(f.name, f.label, _ABS_KIND[f.name], 13 if f.name != "temporary_short" else 12,
                     help_[f.name], validation.get(f.name)) for f in ABSENCE_FIELDS)


ABSENCE_INPUTS: tuple[Col, ...] = _absence_inputs()
ABSENCE_CALC: tuple[Col, ...] = (
    Col("full_days", "Full pay days", "days", 11, 'KENT_SICKPAY_LOG(..., "full_days") over the whole record: '
        "calendar days of the absence at full pay (the earlier absences' paid days of the 12 months before it "
        "come off first)."),
    Col("half_days", "Half pay days", "days", 11, 'KENT_SICKPAY_LOG(..., "half_days"): calendar days at half '
        "pay."),
    Col("paid_days", "Paid days", "days", 11, "Full + half pay days: the absence's paid span starts on its "
        "first day."),
    Col("window_days", "Paid days in the 12 months before the modelled absence", "days", 16,
        "The days of the paid span inside the rolling year before AbsenceStart (from AbsenceWindowStart to the "
        "day before AbsenceStart). The Staff sheet's 'Paid sick days used' sums them by Employee ID."),
    Col("status", "Status", "general", 30, '"OK", or why the row is not worked out (its KENT_SICKPAY_LOG '
        "error: a blank or bad cell, overlapping absences of one employee, ...). Blank for a blank row."),
    Col("match_id", "Employee ID as matched", "general", 14,
        "Hidden helper: the Employee ID without the spaces at its ends (TRIM), as KENT_SICKPAY_LOG links the "
        "absences: the Staff sheet's paid sick days and problems match it, so a pasted 'E1001 ' counts for E1001."),
)
_ABS_COLS = ABSENCE_INPUTS + ABSENCE_CALC
_ABS_INDEX = {c.key: j for j, c in enumerate(_ABS_COLS)}


def _criterion_text(x: str) -> str:
    """The cell ``x`` as the text of an exact COUNTIFS/SUMIF criterion: its ``~ * ?`` escaped."""
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({x},"~","~~"),"*","~*"),"?","~?")'


def staff_column_letter(key: str) -> str:
    """The Staff sheet column letter of an input field, "status", a figure or a "problems_<field>" helper."""
    return xl_col_to_name(_COL_INDEX[key])


# ---------------------------------------------------------------- the Assumptions sheet
@dataclass(frozen=True)
class _Setting:
    name: str  # defined name
    key: str  # Settings attribute ("" when calculated)
    label: str
    kind: str
    fixed: bool = False  # feeds KENT_ values: fixed in a filled copy


_SETTINGS: tuple[_Setting, ...] = (
    _Setting("AsOfDate", "as_of", "As-of date", "date", True),
    _Setting("LeaveYearStart", "", "Leave year start (1 April)", "date"),
    _Setting("LeaveYearEnd", "", "Leave year end", "date"),
    _Setting("PayAwardPct", "pay_award_pct", "Pay award from 1 April", "pct"),
    _Setting("EmployerNIRate", "employer_ni_rate", "Employer NI rate", "pct"),
    _Setting("NIThresholdYear", "ni_threshold_gbp", "Employer NI threshold (£ a year)", "gbp"),
    _Setting("PensionRate", "pension_rate", "Employer pension rate (LGPS)", "pct"),
    _Setting("LevyRate", "levy_rate", "Apprenticeship levy rate", "pct"),
    _Setting("AbsenceStart", "absence_start", "Modelled absence: first day", "date", True),
    _Setting("AbsenceDays", "absence_days", "Modelled absence: calendar days", "days", True),
    _Setting("RedundancyDate", "redundancy_date", "Redundancy modelling: termination date", "date", True),
)
_CONSTANTS: tuple[_Setting, ...] = (
    _Setting("StandardDayHours", "hours_per_day", "Standard working day (hours)", "hours"),
    _Setting("FullTimeWeeklyHours", "full_time_weekly_hours", "Full-time week (hours)", "hours"),
)
#: The year-end carry-over limits (defined name, leave.toml parameter, label): Kent Scheme constants
#: below the others, locked, the values in force at the leave year end written at build time.
_CARRY_OVER_CONSTANTS: tuple[tuple[str, str, str], ...] = (
    ("CarryOverMaxDays", "carry_over_max_days", "Carry-over limit (days, G.2.L)"),
    ("CarryOverSicknessMaxDays", "carry_over_sickness_max_days",
     "Carry-over limit after long-term sickness (days, G.2.M)"),
    ("CarryOverDeferredMaxDays", "carry_over_deferred_max_days", "Most leave deferred by agreement (days, G.2.N)"),
    ("CarryOverProRataWeeklyHours", "carry_over_pro_rata_weekly_hours",
     "Carry-over limits pro rata to (weekly hours)"),
)
_SETTINGS_FIRST = FIRST_ROW  # Excel row of AsOfDate
_CONSTANTS_FIRST = _SETTINGS_FIRST + len(_SETTINGS) + 2
_CARRY_OVER_FIRST = _CONSTANTS_FIRST + len(_CONSTANTS)  # Excel row of CarryOverMaxDays
_CC_HEADER = _CARRY_OVER_FIRST + len(_CARRY_OVER_CONSTANTS) + 2
_CC_FIRST = _CC_HEADER + 1

ASSUMPTION_CELLS: dict[str, str] = {
    **{s.name: f"B{_SETTINGS_FIRST + i}" for i, s in enumerate(_SETTINGS)},
    **{s.name: f"B{_CONSTANTS_FIRST + i}" for i, s in enumerate(_CONSTANTS)},
    **{name: f"B{_CARRY_OVER_FIRST + i}" for i, (name, _p, _l) in enumerate(_CARRY_OVER_CONSTANTS)},
    "CostCentres": f"B{_CC_FIRST}:B{_CC_FIRST + COST_CENTRE_ROWS - 1}",
}
"""Where each defined name of the template's Assumptions sheet points (A1 references; a filled
copy's CostCentres covers its own list)."""

_LEAVE_YEAR_MONTH = int(params.parameter("leave", "leave_year_start_month").value_on(None))


def _leave_year_end(on) -> np.datetime64:
    """The last day of the leave year containing ``on`` (as :attr:`Settings.leave_year_end`)."""
    return leave_year_bounds(np.array([np.datetime64(on, "D")]))[1][0] - np.timedelta64(1, "D")


def _carry_over_constant(name: str, on) -> tuple[float, str]:
    """A carry-over parameter's value and source in force on ``on`` (the latest before its first date)."""
    p = params.parameter("leave", name)
    i = int(p.index(np.array([on], dtype="datetime64[D]"))[0]) if np.datetime64(on, "D") >= p.first_date else -1
    return float(p.entries[i].value), p.entries[i].source
_ABSENCE_DAYS = float(params.parameter("modelling", "modelled_absence_days").value_on(None))


# ---------------------------------------------------------------- example rows
_D = dt.date
EXAMPLE_ROWS: tuple[dict, ...] = (
    # Full time, KR6 basic band (under 5 years), some leave taken.
    {"employee_id": "E1001", "name": "Amira Khan", "cost_centre": "Adult Social Care", "grade": "KR6",
     "contract_type": "Salaried", "annual_salary": 28_500.0, "date_of_birth": _D(1988, 5, 14),
     "service_start": _D(2022, 9, 5), "at_risk": "No", "leave_taken_days": 12.0},
    # Part time (18.5 hours), KR7 after the 5-year uplift, prior sick days.
    {"employee_id": "E1002", "name": "Ben Carter", "cost_centre": "Adult Social Care", "grade": "KR7",
     "contract_type": "Salaried", "weekly_hours": 18.5, "annual_salary": 15_400.0, "date_of_birth": _D(1975, 2, 2),
     "service_start": _D(2009, 4, 20), "prior_sick_days": 14.0, "at_risk": "No", "leave_taken_days": 8.0},
    # At risk with 20+ years and a multiplier; KR10 after the uplift.
    {"employee_id": "E1003", "name": "Chloe Davies", "cost_centre": "Children's Services", "grade": "KR10",
     "contract_type": "Salaried", "annual_salary": 41_000.0, "date_of_birth": _D(1970, 8, 30),
     "service_start": _D(2004, 1, 12), "at_risk": "Yes", "multiplier": 1.5, "leave_taken_days": 15.0},
    # At risk with under 2 years (no redundancy pay), part time, KR9 basic band.
    {"employee_id": "E1004", "name": "Daniel Evans", "cost_centre": "Children's Services", "grade": "KR9",
     "contract_type": "Salaried", "weekly_hours": 30.0, "annual_salary": 26_700.0, "date_of_birth": _D(1992, 11, 3),
     "service_start": _D(2025, 6, 2), "at_risk": "Yes", "leave_taken_days": 9.0},
    # KR13 and above, long service.
    {"employee_id": "E1005", "name": "Grace Fisher", "cost_centre": "Highways", "grade": "KR13",
     "contract_type": "Salaried", "annual_salary": 58_000.0, "date_of_birth": _D(1979, 3, 21),
     "service_start": _D(2015, 3, 1), "at_risk": "No", "leave_taken_days": 2.0},
    # KR Entry, joined last year: leave taken ahead of accrual.
    {"employee_id": "E1006", "name": "Harry Green", "cost_centre": "Highways", "grade": "KR Entry",
     "contract_type": "Salaried", "annual_salary": 23_500.0, "date_of_birth": _D(2004, 7, 9),
     "service_start": _D(2025, 9, 1), "at_risk": "No", "leave_taken_days": 22.0},
    # Apprentice.
    {"employee_id": "E1007", "name": "Isla Hughes", "cost_centre": "Libraries", "grade": "Apprentice",
     "contract_type": "Salaried", "annual_salary": 17_000.0, "date_of_birth": _D(2007, 1, 15),
     "service_start": _D(2026, 1, 5), "at_risk": "No", "leave_taken_days": 5.0},
    # A leaver within the leave year, part time.
    {"employee_id": "E1008", "name": "Jack Irving", "cost_centre": "Libraries", "grade": "KR4",
     "contract_type": "Salaried", "weekly_hours": 22.2, "annual_salary": 13_900.0, "date_of_birth": _D(1966, 12, 1),
     "service_start": _D(2012, 10, 1), "employment_end": _D(2027, 1, 31), "at_risk": "No",
     "leave_taken_days": 10.0},
    # The 5-year uplift starts within the leave year (anniversary 16 August 2026: from 1 September).
    {"employee_id": "E1009", "name": "Kate Jones", "cost_centre": "Finance", "grade": "KR11",
     "contract_type": "Salaried", "annual_salary": 47_000.0, "date_of_birth": _D(1985, 6, 25),
     "service_start": _D(2021, 8, 16), "at_risk": "No", "leave_taken_days": 14.0},
    # A future joiner within the leave year.
    {"employee_id": "E1010", "name": "Liam King", "cost_centre": "Finance", "grade": "KR8",
     "contract_type": "Salaried", "annual_salary": 35_000.0, "date_of_birth": _D(1990, 4, 18),
     "service_start": _D(2027, 1, 4), "at_risk": "No"},
    # Long sickness record: prior paid sick days reduce the modelled absence's pay.
    {"employee_id": "E1011", "name": "Mia Lewis", "cost_centre": "Adult Social Care", "grade": "KR5",
     "contract_type": "Salaried", "annual_salary": 25_000.0, "date_of_birth": _D(1972, 9, 12),
     "service_start": _D(2000, 5, 8), "prior_sick_days": 150.0, "at_risk": "No", "leave_taken_days": 16.0},
    # At risk with 27 years (service counts up to 20), Modification Order service before KCC.
    {"employee_id": "E1012", "name": "Noah Morgan", "cost_centre": "Highways", "grade": "KR12",
     "contract_type": "Salaried", "annual_salary": 44_000.0, "date_of_birth": _D(1968, 2, 27),
     "service_start": _D(1999, 9, 6), "employment_start": _D(2003, 4, 1), "at_risk": "Yes",
     "leave_taken_days": 18.0},
    # A casual worker: leave accrues in hours on the hours worked (no salary, no pay cost).
    {"employee_id": "E1013", "name": "Olivia Price", "cost_centre": "Libraries", "contract_type": "Casual",
     "hours_worked": 212.5, "date_of_birth": _D(1996, 10, 2), "service_start": _D(2024, 5, 13), "at_risk": "No"},
)


# ---------------------------------------------------------------- formulas
def _q(text: str) -> str:
    """A formula string literal."""
    return '"' + text.replace('"', '""') + '"'


def _serial(d) -> int:
    return int((np.datetime64(d, "D") - np.datetime64("1899-12-30", "D")).astype(np.int64))


_ERROR_LIST = "|" + "|".join(EXCEL_ERRORS) + "|"
_LAST_SERIAL = MAX_EXCEL_SERIAL + 1  # first serial the core does not read as a date


def _grade_table(on: np.datetime64) -> tuple[list[str], list[tuple[int, int | None]]]:
    """The grade table in force on ``on`` (as :func:`xl_kent.lists.staff.read_staff` picks it):
    its named grades as ``_grade_code`` compares them ("KRENTRY"), and its KR numbers as
    merged ranges (None: no upper end)."""
    p = params.parameter("leave", "grade_bands")
    bands = p.value_on(on if on >= p.first_date else None)
    names = sorted({n.upper().replace(" ", "") for b in bands for n in b["grades"]})
    spans = sorted((b["from_kr"], b["to_kr"] if b["to_kr"] > 0 else None) for b in bands)
    merged: list[list] = []
    for lo, hi in spans:
        if merged and merged[-1][1] is None:
            continue  # inside an open-ended range
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = None if hi is None else max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return names, [(lo, hi) for lo, hi in merged]


class _Formulas:
    """The Staff and Summary formulas, generated from the checks, NEEDS and the settings' names."""

    def __init__(self, on: np.datetime64):
        self.on = on
        self.b = check_bounds(on)
        self.checks = staff_checks(on)
        self.year_end = _leave_year_end(on)

    # ranges
    def r(self, key: str, sheet: str | None = None) -> str:
        return common.col_range(_COL_INDEX[key], sheet=sheet)

    def p(self, field: str) -> str:
        return self.r(f"problems_{field}")

    # pieces
    @property
    def filled(self) -> str:
        """The row holds something (not every input blank or spaces)."""
        return "((" + "+".join(f'IFERROR(TRIM({self.r(f.name)})<>"",TRUE)' for f in STAFF_FIELDS) + ")>0)"

    def _words(self, x: str, words: Sequence[str]) -> str:
        return "(" + "+".join(f"({x}={_q(w)})" for w in words) + ")"

    @property
    def _ct(self) -> str:
        return f'IFERROR(LOWER(TRIM({self.r("contract_type")})),"#")'

    @property
    def salaried(self) -> str:
        return self._words(self._ct, ["", *_SALARIED_WORDS])

    @property
    def casual(self) -> str:
        return self._words(self._ct, _CASUAL_WORDS)

    @property
    def relief(self) -> str:
        return self._words(self._ct, _RELIEF_WORDS)

    @property
    def not_casual_relief(self) -> str:
        return f"(1-{self.casual}-{self.relief})"

    @property
    def at_risk(self) -> str:
        return self._words(f'IFERROR(LOWER(TRIM({self.r("at_risk")})),"#")', _TRUE_WORDS)

    def applies(self, which: str) -> str | None:
        return {"filled": None, "salaried": self.salaried, "salaried_relief": f"({self.salaried}+{self.relief})",
                "casual_relief": f"({self.casual}+{self.relief})",
                "not_casual_relief": self.not_casual_relief}[which]

    @staticmethod
    def error_text(x: str) -> str:
        """Text that is an Excel error value's name ("#N/A"), as the core reads it."""
        return f'ISNUMBER(FIND(CONCATENATE("|",UPPER(TRIM({x})),"|"),{_q(_ERROR_LIST)}))*ISERROR(FIND("|",{x}))'

    def status(self, field: str) -> str:
        """0 read, 1 blank, 2 an error value, 3 not of the field's kind, 4 a serial below 61."""
        x, kind = self.r(field), _FIELD[field].kind
        err = self.error_text(x)
        if kind in ("id", "text", "grade"):
            return f'IF(ISERROR({x}),2,IF(TRIM({x})="",1,IF({err},2,0)))'
        if kind == "bool":
            known = self._words(f"LOWER(TRIM({x}))", sorted(parse._TRUE | parse._FALSE))
            return f'IF(ISERROR({x}),2,IF(TRIM({x})="",1,IF({err},2,IF({known},0,3))))'
        good = "0" if kind == "number" else f"IF(({x}<{MIN_EXCEL_SERIAL})+({x}>={_LAST_SERIAL}),4,0)"
        return (f'IF(ISERROR({x}),2,IF(ISLOGICAL({x}),3,IF(ISNUMBER({x}),{good},'
                f'IF(TRIM({x})="",1,IF({err},2,3)))))')

    def good_date(self, field: str) -> str:
        x = self.r(field)
        return f"IF(ISNUMBER({x}),({x}>={MIN_EXCEL_SERIAL})*({x}<{_LAST_SERIAL})*(1-ISLOGICAL({x})),0)"

    @staticmethod
    def years(d: str, on: str) -> str:
        """Completed years from ``d`` to ``on`` (DATEDIF "Y"; negative when ``on`` is before ``d``)."""
        return f"(YEAR({on})-YEAR({d})-((MONTH({on})*100+DAY({on}))<(MONTH({d})*100+DAY({d}))))"

    @staticmethod
    def birthday(d: str, years: int) -> str:
        """EDATE(d, 12 * years) without EDATE (which older Excel refuses over arrays): 29 February
        becomes 28 February in a year without it."""
        same = f"DATE(YEAR({d})+{years},MONTH({d}),DAY({d}))"
        return f"IF(DAY({same})=DAY({d}),{same},DATE(YEAR({d})+{years},MONTH({d})+1,0))"

    def valid_grade(self, field: str = "grade") -> str:
        """The grade names a Kent Scheme grade (as xl_kent.leave._grade_code reads it)."""
        names, spans = _grade_table(self.on)
        g = f'SUBSTITUTE(UPPER({self.r(field)})," ","")'
        named = "+".join(f"({g}={_q(n)})" for n in names) or "0"
        r = f'IF(LEFT({g},2)="KR",MID({g},3,999),{g})'
        digits = r
        for k in range(10):
            digits = f'SUBSTITUTE({digits},"{k}","")'
        n = f"VALUE({r})"
        bands = "+".join(f"({n}>={lo})" + ("" if hi is None else f"*({n}<={hi})") for lo, hi in spans) or "0"
        return f'(({named})+IF(({digits}="")*({r}<>""),{bands},0)>0)'

    def fte_salary(self) -> str:
        x, h = self.r("annual_salary"), self.r("weekly_hours")
        ok = f"IF(ISNUMBER({h}),({h}>0)*({h}<=FullTimeWeeklyHours)*(1-ISLOGICAL({h})),0)"
        return f"{x}*FullTimeWeeklyHours/IF({ok}*{self.not_casual_relief},{h},FullTimeWeeklyHours)"

    def value_check(self, field: str, check: str) -> str:
        """The condition of one check on a read cell of ``field`` (its status is 0)."""
        b, x = self.b, self.r(field)
        age = self.years(x, "AsOfDate")
        birth = self.r("date_of_birth")
        if check == "duplicate":
            esc = _criterion_text(x)
            return f'IFERROR(COUNTIF({x},CONCATENATE("=",{esc})),0)>1'
        if check == "unknown" and field in ("grade", "redeployed_grade"):
            return f"(1-{self.valid_grade(field)})"
        if check == "at_risk" and field == "redeployed_grade":
            return self.at_risk
        if check == "casual" and field == "at_risk":  # Yes on a casual or relief row
            return self.at_risk
        if check == "casual":  # the rows it applies to (casual, relief) are the condition
            return "1"
        if check == "range" and field == "weekly_hours":
            return f"(({x}<=0)+({x}>FullTimeWeeklyHours))"
        if check in ("negative",):
            return f"({x}<0)"
        if check == "not_positive":
            return f"({x}<=0)"
        if check == "too_low":
            return f"({x}>0)*({self.fte_salary()}<{b['min_fte_salary_gbp']:g})"
        if check == "too_high":
            return f"({x}>0)*({self.fte_salary()}>{b['max_fte_salary_gbp']:g})"
        if check == "too_early":
            return f"({x}<{_serial(b['earliest_date'])})"
        if check == "too_late":
            return f"({x}>{_serial(b['latest_date'])})"
        if check == "too_young":
            return f"({age}<{b['min_age_years']:g})"
        if check == "too_old":
            return f"({age}>{b['max_age_years']:g})"
        if check == "before_16":
            born = self.years(birth, "AsOfDate")
            return (f"IF({self.good_date('date_of_birth')},({born}>={b['min_age_years']:g})*"
                    f"({born}<={b['max_age_years']:g})*({x}<{self.birthday(birth, int(b['min_age_years']))}),0)")
        if check == "before_service":
            s = self.r("service_start")
            return f"IF({self.good_date('service_start')},{x}<{s},0)"
        if check == "before_start":
            s, e = self.r("service_start"), self.r("employment_start")
            return (f"IF({self.good_date('employment_start')},{x}<{e},"
                    f"IF({self.good_date('service_start')},{x}<{s},0))")
        if check == "too_many" and field == "prior_sick_days":
            return f"({x}>{b['max_paid_sick_days_12_months']:g})"
        if check == "too_many":  # the carry-over days (a typing error above a leave year's days)
            return f"({x}>{b['carry_over_plausible_max_days']:g})"
        if check == "range" and field == "multiplier":
            return f"(({x}<{b['min_multiplier']:g})+({x}>{b['max_multiplier']:g}))"
        raise ValueError(f"the budget template has no formula for the check {field}.{check}: add one")

    def problems(self, field: str) -> str:
        """The helper formula of ``field``: its reasons as "; reason; reason" (or "").

        Each reason is ``REPT("; reason", condition)``, the pieces joined by CONCATENATE in the
        order of :func:`staff_checks` (a cell has one read status, so at most one of the
        unreadable reasons, and the value checks only on a read cell). LibreOffice computes
        IF or CHOOSE with array branches slowly, and ``&`` of two such arrays wrongly: neither
        is used here.
        """
        mine = [c for c in self.checks if c.field == field]
        by_id = {c.id: c for c in mine}
        if field == "contract_type":
            c = by_id["unknown"]
            return f'=REPT({_q("; " + c.reason)},(({self.salaried}+{self.casual}+{self.relief})=0)*1)'
        if not mine:  # no checks: "" on every row (an array, so that it fills the column)
            return f'=IF(ISERROR({self.r(field)}),"","")'
        st = self.status(field)
        # The typed paid sick days are checked only while the Absences sheet is empty (else not used).
        gate = f"*{_NO_RECORD}" if field == "prior_sick_days" else ""
        code = {"error_value": 2, "wrong_type": 3, "serial": 4}
        parts = []
        for c in mine:
            if c.id == "record_problem":  # only while the Absences sheet holds a record
                applies = self.applies(c.applies)
                parts.append(f'REPT({_q("; " + c.reason)},(1-{_NO_RECORD})*{self.filled}*{self.record_problem()}'
                             f'{"*" + applies if applies else ""})')
                continue
            if c.id in code:
                if _FIELD[field].kind not in ("id", "text", "grade") or c.id != "wrong_type":  # never 3 for text
                    parts.append(f'REPT({_q("; " + c.reason)},({st}={code[c.id]})*1{gate})')
                continue
            if c.id == "blank":
                cond = f"({st}=1)*{self.filled}"
            else:  # a check of the value: on a read cell (status 0) only; IFERROR for the other cells
                cond = f"({st}=0)*IFERROR({self.value_check(field, c.id)},0)"
            applies = self.applies(c.applies)
            parts.append(f'REPT({_q("; " + c.reason)},{cond}{"*" + applies if applies else ""}{gate})')
        parts += self.restructure_problems(field)
        return "=" + (parts[0] if len(parts) == 1 else f"CONCATENATE({','.join(parts)})")

    # the restructure's checks that need other columns (xl_kent.lists.figures._restructure)
    def clean_filled(self, *groups: str, but: str = "") -> str:
        """As :meth:`clean`, from the inputs only (no Status: the helpers use it)."""
        fields = {f for g in groups for f in NEEDS[g]} - {but}
        return "".join(f'*({self.p(f.name)}="")' for f in STAFF_FIELDS if f.name in fields)[1:]

    def pension_flag(self, known_clean: str) -> tuple[str, str]:
        """(the flag is known, the flag is Yes) as 0/1 arrays: an LGPS member (blank = Yes) at risk, aged
        55+ with 2+ years' service on the redundancy date, employed on it (L.4.E)."""
        x = self.r("lgps_member")
        member = (f'IFERROR((TRIM({x})="")+'
                  f'{self._words(f"LOWER(TRIM({x}))", _TRUE_WORDS)},0)')
        dob, j = self.r("date_of_birth"), self.r("service_start")
        yes = (f'{self.employed_on("RedundancyDate")}*{member}*({self.years(dob, "RedundancyDate")}>={_PENSION_AGE:g})'
               f'*({self.years(j, "RedundancyDate")}>={_PENSION_YEARS:g})')
        return f"{known_clean}*{self.not_casual_relief}*{self.at_risk}", yes

    def grade_number(self, field: str) -> str:
        """The KR number of a valid grade (-1 for a named grade): "KR10", "kr 10" and 10 are 10."""
        return f'IFERROR(VALUE(SUBSTITUTE(SUBSTITUTE(UPPER({self.r(field)})," ",""),"KR","")),-1)'

    def named_grade(self, field: str) -> str:
        names, _spans = _grade_table(self.on)
        g = f'SUBSTITUTE(UPPER({self.r(field)})," ","")'
        return "(" + ("+".join(f"({g}={_q(n)})" for n in names) or "0") + ")"

    def lec_parts(self) -> dict[str, str]:
        """The pieces of Loss of Earnings Compensation (chapter I Appendix 1) as array expressions."""
        old, new = self.grade_number("grade"), self.grade_number("redeployed_grade")
        named = f'(({self.named_grade("grade")}+{self.named_grade("redeployed_grade")})>0)'
        down = f"({new}<{old})*(1-{named})"
        cap = f"({old}-({old}>{new}+{_LEC_SPAN})*({old}-{new}-{_LEC_SPAN}))"

        def has(k: str) -> str:
            return f'(COUNTIFS(GradeMaxGrades,{k},GradeMaxTops,">0")>0)'

        def top(k: str) -> str:
            return f"SUMIFS(GradeMaxTops,GradeMaxGrades,{k})"

        # The tops are full-time salaries: pro rata to the row's FTE, as its salary is (B.2.C).
        fte = self.r("fte")
        h, tc, tn = self.r("annual_salary"), f"{top(cap)}*{fte}", f"{top(new)}*{fte}"
        m = f"({h}-({h}>{tc})*({h}-{tc}))"
        return {"named": named, "down": down, "missing": f"({down}*(((1-{has(new)})+(1-{has(cap)}))>0))",
                "missing_grade": f"({new}*(1-{has(new)})+{cap}*{has(new)})",
                "annual": f"{down}*(({m}-{tn})>0)*({m}-{tn})"}

    def restructure_problems(self, field: str) -> list[str]:
        if field == "pension_strain_gbp":
            st, x = self.status(field), self.r(field)
            given = f"({st}=0)*IFERROR({x}>=0,0)*{self.not_casual_relief}"
            known, yes = self.pension_flag(f'{self.filled}*{self.clean_filled("pension")}')
            risk_st = self.status("at_risk")
            not_at_risk, no_pension = strain_words(self.on)
            return [f'REPT({_q("; " + not_at_risk)},IFERROR({given}*(1-{self.at_risk})*({risk_st}<=1),0))',
                    f'REPT({_q("; " + no_pension)},IFERROR({given}*{known}*(1-{yes}),0))']
        if field == "redeployed_grade":
            st = self.status(field)
            gate = (f"({st}=0)*{self.valid_grade(field)}*(1-{self.at_risk})*{self.salaried}*"
                    f'{self.clean_filled("lec", but="redeployed_grade")}')
            lec = self.lec_parts()
            before, after = missing_top_words("{}").split("{}")
            before, after = _q("; " + before), _q(after)
            return [f'REPT(CONCATENATE({before},{lec["missing_grade"]},{after}),IFERROR({gate}*{lec["missing"]},0))',
                    f'REPT({_q("; " + NAMED_LEC)},IFERROR({gate}*{lec["named"]},0))']
        return []

    # the figures
    def clean(self, *groups: str) -> str:
        fields = {f for g in groups for f in NEEDS[g]}
        clean = "".join(f'*({self.p(f.name)}="")' for f in STAFF_FIELDS if f.name in fields)
        return f'({self.r("status")}<>""){clean}'

    def employed_on(self, day: str) -> str:
        s = f'IF(ISNUMBER({self.r("employment_start")}),{self.r("employment_start")},{self.r("service_start")})'
        end = self.r("employment_end")
        return f"({s}<={day})*IF(ISNUMBER({end}),{end}>={day},1)"

    def figures(self) -> dict[str, str]:
        r = self.r
        D, F, G, H, DOB, J, K, L, M, MULT, P = (r(k) for k in (
            "grade", "weekly_hours", "hours_worked", "annual_salary", "date_of_birth", "service_start",
            "employment_start", "employment_end", "prior_sick_days", "multiplier", "leave_taken_days"))
        FTE, YS, WP, PC, NI, PEN, LEVY, AD, LU, AGE, SVC, RW = (r(k) for k in (
            "fte", "year_share", "weekly_pay_gbp", "pay_cost_gbp", "employer_ni_gbp", "pension_gbp", "levy_gbp",
            "leave_accrued_days", "leave_untaken_days", "age_years", "service_years", "redundancy_weeks"))
        PRIOR, ONE = r("sick_prior_paid_days"), r("one_gbp")
        ncr, cas, rel = self.not_casual_relief, self.casual, self.relief
        s = f"IF(ISNUMBER({K}),{K},{J})"
        s_lo = f"IF({s}>LeaveYearStart,{s},LeaveYearStart)"
        e_hi = f"IF(ISNUMBER({L}),IF({L}<LeaveYearEnd,{L},LeaveYearEnd),LeaveYearEnd)"
        days = f"({e_hi}-{s_lo}+1)"

        def leave(on: str, unit: str) -> str:
            return f'KENT_LEAVE_ACCRUAL({D},{J},{on},{F},{K},{L},"{unit}")'

        def worked(unit: str) -> str:
            if unit == "casual":  # no grade or service date: the FTE column, blank on a casual row, stands in
                return f'KENT_LEAVE_ACCRUAL({FTE},{FTE},AsOfDate,{G},"","","{unit}")'
            return f'KENT_LEAVE_ACCRUAL({D},{J},AsOfDate,{G},"","","{unit}")'

        def completed(d: str, group: str) -> str:
            return (f'IF({self.clean(group)}*ISNUMBER({d}),IF({d}<=RedundancyDate,'
                    f'{self.years(d, "RedundancyDate")},""),"")')

        f = {
            "fte": (f'IF({self.clean("fte")}*{ncr},IF(ISNUMBER({F}),{F},FullTimeWeeklyHours)/FullTimeWeeklyHours,'
                    '"")'),
            "year_share": f'IF({self.clean("employment")}*{ncr},IF({days}>0,{days}/(LeaveYearEnd-LeaveYearStart+1),'
                          '0),"")',
            "weekly_pay_gbp": f'IF({self.clean("salary")}*{ncr},{H}/{_DAYS_PER_YEAR}*{_DAYS_PER_WEEK},"")',
            "pay_cost_gbp": f'IF(ISNUMBER({WP})*ISNUMBER({YS}),{H}*(1+PayAwardPct)*{YS},"")',
            "employer_ni_gbp": (f'IF(ISNUMBER({PC}),EmployerNIRate*IF({PC}>NIThresholdYear*{YS},'
                                f'{PC}-NIThresholdYear*{YS},0),"")'),
            "pension_gbp": f'IF(ISNUMBER({PC}),{PC}*PensionRate,"")',
            "levy_gbp": f'IF(ISNUMBER({PC}),{PC}*LevyRate,"")',
            "total_cost_gbp": f'IF(ISNUMBER({PC}),{PC}+{NI}+{PEN}+{LEVY},"")',
            "leave_year_entitlement_days": f'IF({self.clean("leave")}*{ncr},{leave("LeaveYearEnd", "days")},"")',
            "leave_year_entitlement_hours": f'IF({self.clean("leave")}*{ncr},{leave("LeaveYearEnd", "hours")},"")',
            "leave_accrued_days": f'IF({self.clean("leave")}*{ncr},{leave("AsOfDate", "days")},"")',
            "leave_accrued_hours": (f'IF({self.clean("leave")}*{ncr},{leave("AsOfDate", "hours")},'
                                    f'IF({self.clean("casual")}*{cas},{worked("casual")},'
                                    f'IF({self.clean("relief")}*{rel},{worked("relief")},"")))'),
            "leave_untaken_days": f'IF({self.clean("taken")}*ISNUMBER({AD}),{AD}-IF(ISNUMBER({P}),{P},0),"")',
            "leave_value_gbp": (f'IF(ISNUMBER({LU})*ISNUMBER({WP})*ISNUMBER({FTE}),'
                                f'{LU}*StandardDayHours*({WP}/({FTE}*FullTimeWeeklyHours)),"")'),
            "sick_absence_cost_gbp": (f'IF({self.clean("sick", "salary")}*{ncr},IF({self.employed_on("AbsenceStart")},'
                                      f'KENT_SICKPAY({J},AbsenceStart,AbsenceDays,{H},{PRIOR}),0),"")'),
            "sick_prior_paid_days": (f'IF({self.clean("sick")}*{ncr},IF({_NO_RECORD},'
                                     f'IF(ISNUMBER({M}),{M},0),{self.record_days()}),"")'),
            **{f"sick_{part}_pay_days_left": (f'IF({self.clean("sick")}*{ncr}*{self.employed_on("AbsenceStart")},'
                                              f'KENT_SICKPAY({J},AbsenceStart,{_WHOLE_YEAR_DAYS},{ONE},{PRIOR},'
                                              f'"{part}_days"),"")') for part in ("full", "half")},
            "age_years": completed(DOB, "age"),
            "service_years": completed(J, "service"),
            "redundancy_weeks": (f'IF({self.clean("redundancy")}*{ncr}*{self.at_risk},'
                                 f'IF({self.employed_on("RedundancyDate")},'
                                 f'KENT_REDUNDANCY_WEEKS({AGE},{SVC},{MULT}),0),"")'),
            "redundancy_pay_gbp": f'IF(ISNUMBER({RW})*ISNUMBER({WP}),{RW}*{WP},"")',
            **self.restructure_figures(),
            **self.carry_over_figures(),
        }
        f.update(self.how())
        every = "CONCATENATE(" + ",".join(self.p(fl.name) for fl in STAFF_FIELDS) + ")"
        out = {"status": f'=IF({self.filled},IF({every}="","OK",MID({every},3,32767)),"")'}
        out.update({k: "=" + v for k, v in f.items()})
        out.update({f"problems_{fl.name}": self.problems(fl.name) for fl in STAFF_FIELDS})
        return out

    def how(self) -> dict[str, str]:
        """The How columns: each figure's KENT_ call again, explained (xl_kent.lists.how.staff_how)."""
        r = self.r
        D, F, G, H, J, K, L, MULT = (r(k) for k in ("grade", "weekly_hours", "hours_worked", "annual_salary",
                                                     "service_start", "employment_start", "employment_end",
                                                     "multiplier"))
        FTE, AD, AH, SC, AGE, SVC, RW, ND, NP, PRIOR = (r(k) for k in (
            "fte", "leave_accrued_days", "leave_accrued_hours", "sick_absence_cost_gbp", "age_years",
            "service_years", "redundancy_weeks", "notice_days", "notice_pay_gbp", "sick_prior_paid_days"))
        sick_on, red_on = self.employed_on("AbsenceStart"), self.employed_on("RedundancyDate")
        return {
            "leave_how": (f'IF(ISNUMBER({AD}),KENT_LEAVE_ACCRUAL({D},{J},AsOfDate,{F},{K},{L},"days",TRUE),'
                          f'IF(ISNUMBER({AH})*{self.casual},'
                          f'KENT_LEAVE_ACCRUAL({FTE},{FTE},AsOfDate,{G},"","","casual",TRUE),'
                          f'IF(ISNUMBER({AH})*{self.relief},'
                          f'KENT_LEAVE_ACCRUAL({D},{J},AsOfDate,{G},"","","relief",TRUE),"")))'),
            "sick_pay_how": (f'IF(ISNUMBER({SC}),IF({sick_on},'
                             f'KENT_SICKPAY({J},AbsenceStart,AbsenceDays,{H},{PRIOR},"explain"),'
                             f'{_q(NOT_EMPLOYED["sick_pay_how"])}),"")'),
            "redundancy_how": (f'IF(ISNUMBER({RW}),IF({red_on},KENT_REDUNDANCY_WEEKS({AGE},{SVC},{MULT},TRUE),'
                               f'{_q(NOT_EMPLOYED["redundancy_how"])}),"")'),
            "notice_how": (f'IF(ISNUMBER({ND}),IF({red_on},'
                           f'KENT_NOTICE({D},{J},RedundancyDate,"explain",IF(ISNUMBER({NP}),{H},"")),'
                           f'{_q(NOT_EMPLOYED["notice_how"])}),"")'),
        }

    @staticmethod
    def _larger(a: str, b: str) -> str:
        """The larger of ``a`` and ``b`` by arithmetic over 0/1 masks, not ``IF`` (LibreOffice
        computes an ``IF`` whose branches are arrays slowly). Exact for finite values: one term
        is the value times 1, the other a finite value times 0 (``b + (a > b) * (a - b)`` would
        round)."""
        return f"({a}*({a}>={b})+{b}*({a}<{b}))"

    @staticmethod
    def _smaller(a: str, b: str) -> str:
        """The smaller of ``a`` and ``b``, as :meth:`_larger`."""
        return f"({a}*({a}<={b})+{b}*({a}>{b}))"

    def carry_over_figures(self) -> dict[str, str]:
        r"""The year-end carry-over figures (G.2.L-O) as ``compute`` gives them
        (:func:`xl_kent.lists.figures._carry_over`, :func:`xl_kent.carry_over.carry_over`): the
        limits are the Assumptions' carry-over constants, the words :func:`why_texts`.

        Inside the outer ``IF`` that leaves a cell blank, everything is arithmetic over 0/1
        masks (min and max by :meth:`_larger` and :meth:`_smaller`, a clip at 0 as
        ``(x>0)*x+0``, the ``+0`` turning -0 into 0; the words by ``CHOOSE`` over an index built
        the same way): LibreOffice computes nested ``IF`` functions with array branches, and an
        ``IFERROR`` inside an array ``IF``, slowly. The only ``IF`` functions left inside read a blank
        (or spaces) input as 0 or the full-time week: their branches are a cell range and a
        constant. The inputs need no error guard there: a row whose inputs hold an error value
        has a problem, so its untaken leave is blank and the outer ``IF`` leaves the cell blank.

        Examples
        --------
        A leaver's leave still to take: untaken leave (AL) clipped at 0.

        >>> import re
        >>> f = _Formulas(np.datetime64("2026-12-01")).carry_over_figures()
        >>> f["leaver_leave_to_take_days"].split(",")[1]
        '($AL$5:$AL$5004>0)*$AL$5:$AL$5004+0'

        Besides the outer one, no ``IF`` but those reading a blank input:

        >>> leaf = r"IF\(ISNUMBER\((\$\w+\$\d+:\$\w+\$\d+)\),\1,(0|FullTimeWeeklyHours)\)"
        >>> [k for k, v in f.items() if "IF" in re.sub(leaf, "", v)[3:]], len(f)
        ([], 10)
        """
        r = self.r
        E, BF, P, F, L, DEF = (r(k) for k in ("leave_year_entitlement_days", "leave_brought_forward_days",
                                              "leave_taken_days", "weekly_hours", "employment_end",
                                              "deferral_agreed_days"))
        U, LIM, CAR, TT, OT, WP, FTE = (r(k) for k in ("leave_year_end_untaken_days", "carry_over_limit_days",
                                                       "leave_carried_days", "leaver_leave_to_take_days",
                                                       "leaver_leave_overtaken_days", "weekly_pay_gbp", "fte"))

        def given(x: str) -> str:  # blank (or spaces) = 0
            return f"IF(ISNUMBER({x}),{x},0)"

        leaving = f"(ISNUMBER({L})*({L}<=LeaveYearEnd))"  # G.2.O: leaves before the leave year ends
        staying = f"(1-{leaving})"
        share = f"(IF(ISNUMBER({F}),{F},FullTimeWeeklyHours)/CarryOverProRataWeeklyHours)"  # pro rata (G.2.L)
        # No IFERROR: on a row with an error value in the cell the outer IF gives "" (see above).
        sick = self._words(f"LOWER(TRIM({r('long_term_sick')}))", _TRUE_WORDS)  # G.2.M
        usual = f"((CarryOverSicknessMaxDays*{sick}+CarryOverMaxDays*(1-{sick}))*{share})"
        most = f"(CarryOverDeferredMaxDays*{share})"  # G.2.N
        deferral = given(DEF)
        deferred = self._smaller(deferral, most)
        above = f"({deferred}>{usual})"  # the deferral sets the limit
        # The limit's WHY_ code (as carry_over: leaver, else deferral above the usual limit, capped
        # or not, else long-term sickness, else agreed), 1 + it picks the words.
        code = (f"({leaving}*{WHY_LEAVER}+{staying}*({above}*({WHY_DEFERRED}*({deferral}<={most})"
                f"+{WHY_DEFERRED_CAPPED}*({deferral}>{most}))+(1-{above})*({WHY_SICK}*{sick}"
                f"+{WHY_AGREED}*(1-{sick}))))")
        words = ",".join(_q(w) for w in why_texts(self.year_end))  # indexed by the WHY_ codes 0-4
        day_gbp = f"(StandardDayHours*({WP}/({FTE}*FullTimeWeeklyHours)))"
        valued = f"ISNUMBER({WP})*ISNUMBER({FTE})"
        return {
            "leave_year_end_untaken_days": (f'IF({self.clean("taken", "carry_over")}*ISNUMBER({E}),'
                                            f'{E}+{given(BF)}-{given(P)},"")'),
            # G.2.O: a leaver's limit is 0; else the larger of the usual limit and the deferral (capped).
            "carry_over_limit_days": f'IF(ISNUMBER({U}),{staying}*{self._larger(deferred, usual)},"")',
            "carry_over_limit_why": f'IF(ISNUMBER({U}),CHOOSE(1+{code},{words}),"")',
            # The untaken days between 0 and the limit; those above it are lost (none for a leaver).
            "leave_carried_days": f'IF(ISNUMBER({LIM}),({U}>{LIM})*{LIM}+({U}>0)*({U}<={LIM})*{U}+0,"")',
            "leave_lost_days": f'IF(ISNUMBER({LIM}),{staying}*({U}>{LIM})*({U}-{LIM})+0,"")',
            "leave_carried_liability_gbp": f'IF(ISNUMBER({CAR})*{valued},{CAR}*{day_gbp},"")',
            "leaver_leave_to_take_days": f'IF(ISNUMBER({U})*{leaving},({U}>0)*{U}+0,"")',
            "leaver_leave_to_take_gbp": f'IF(ISNUMBER({TT})*{valued},{TT}*{day_gbp},"")',
            "leaver_leave_overtaken_days": f'IF(ISNUMBER({U})*{leaving},({U}<0)*-{U}+0,"")',
            "leaver_recovery_gbp": f'IF(ISNUMBER({OT})*{valued},{OT}*{day_gbp},"")',
        }

    def restructure_figures(self) -> dict[str, str]:
        r = self.r
        D, H, J, X, UP, LA = (r(k) for k in ("grade", "annual_salary", "service_start", "pension_strain_gbp",
                                             "unreduced_pension", "lec_annual_gbp"))
        ncr, risk, on = self.not_casual_relief, self.at_risk, self.employed_on("RedundancyDate")
        known, yes = self.pension_flag(self.clean("pension"))
        return {
            "notice_days": f'IF({self.clean("notice")}*{ncr}*{risk},IF({on},KENT_NOTICE({D},{J},RedundancyDate),0),"")',
            "notice_pay_gbp": (f'IF({self.clean("notice", "salary")}*{ncr}*{risk},'
                               f'IF({on},KENT_NOTICE({D},{J},RedundancyDate,"pay",{H}),0),"")'),
            "unreduced_pension": f'IF({known},IF({yes},"Yes","No"),"")',
            "pension_strain_cost_gbp": f'IF(({UP}="Yes")*{self.clean("strain")}*ISNUMBER({X}),{X},"")',
            "lec_annual_gbp": (f'IF({self.clean("lec")}*{ncr}*({self.status("redeployed_grade")}=0),'
                               f'{self.lec_parts()["annual"]},"")'),
            "lec_cost_gbp": f'IF(ISNUMBER({LA}),{LA}/{MONTHS_PER_YEAR}*{_LEC_MONTHS:g},"")',
        }

    def record_days(self) -> str:
        """Each Staff row's paid sick days from the Absences sheet: SUMIF of the absences' days
        inside the rolling year before AbsenceStart, by Employee ID (an exact criterion, its
        ``~ * ?`` escaped, ``=`` in front, as the duplicate-id check); 0 when none."""
        x = self.r("employee_id")
        esc = _criterion_text(f"TRIM({x})")
        ids, days = (common.col_range(_ABS_INDEX[k], sheet=ABSENCES_SHEET) for k in ("match_id", "window_days"))
        return f'IFERROR(SUMIF({ids},CONCATENATE("=",{esc}),{days}),0)'

    def record_problem(self) -> str:
        """1 where the row's Employee ID has a row on the Absences sheet that is not worked out
        (its Status neither "OK" nor blank; ids matched as :meth:`record_days` sums them)."""
        x = self.r("employee_id")
        esc = _criterion_text(f"TRIM({x})")
        ids, status = (common.col_range(_ABS_INDEX[k], sheet=ABSENCES_SHEET) for k in ("match_id", "status"))
        return (f'IFERROR((TRIM({x})<>"")*(COUNTIFS({ids},CONCATENATE("=",{esc}),{status},"<>OK",'
                f'{status},"?*")>0),0)')

    # the Summary
    def measures(self, crit: str) -> dict[str, str]:
        """The Summary's formulas for one row; ``crit`` is ``,Staff!CC,$A5`` (or "" for the Total)."""
        st = "Staff"
        status, cc, risk = (self.r(k, st) for k in ("status", "cost_centre", "at_risk"))
        ok = f'{status},"OK"{crit}'

        def sumifs(key: str) -> str:
            col = self.r(key, st)
            return f'SUMIFS({col},{ok},{col},"<9.99E+307")'

        at_risk = self._words(f'IFERROR(LOWER(TRIM({risk})),"#")', _TRUE_WORDS)
        match = f"*IFERROR({cc}={crit.rsplit(',', 1)[-1]},0)" if crit else ""
        return {
            "headcount": f"COUNTIFS({ok})",
            "fte": sumifs("fte"),
            "pay_cost_gbp": sumifs("pay_cost_gbp"),
            "oncosts_gbp": "+".join(sumifs(k) for k in ("employer_ni_gbp", "pension_gbp", "levy_gbp")),
            "total_cost_gbp": sumifs("total_cost_gbp"),
            "leave_liability_gbp": sumifs("leave_value_gbp"),
            "sick_pay_cost_gbp": sumifs("sick_absence_cost_gbp"),
            "at_risk_headcount": f'SUMPRODUCT(({status}="OK"){match}*{at_risk})',
            "redundancy_cost_gbp": sumifs("redundancy_pay_gbp"),
            "rows_with_problems": f'COUNTIFS({status},"?*"{crit})-COUNTIFS({ok})',
            **{key: sumifs(key) for key, _ in CARRY_OVER_TOTALS},
            **self.restructure_measures(crit),
        }

    def restructure_measures(self, crit: str) -> dict[str, str]:
        st = "Staff"
        status, cc, risk, leave = (self.r(k, st) for k in ("status", "cost_centre", "at_risk", "leave_value_gbp"))
        ok = f'{status},"OK"{crit}'

        def sumifs(key: str) -> str:
            col = self.r(key, st)
            return f'SUMIFS({col},{ok},{col},"<9.99E+307")'

        at_risk = self._words(f'IFERROR(LOWER(TRIM({risk})),"#")', _TRUE_WORDS)
        match = f"*IFERROR({cc}={crit.rsplit(',', 1)[-1]},0)" if crit else ""
        parts = {
            "notice_pay_gbp": sumifs("notice_pay_gbp"),
            "untaken_leave_gbp": f'SUMPRODUCT(({status}="OK"){match}*{at_risk}*IFERROR({leave}*1,0))',
            "pension_strain_gbp": sumifs("pension_strain_cost_gbp"),
            "lec_gbp": sumifs("lec_cost_gbp"),
        }
        total = "+".join([parts["notice_pay_gbp"], sumifs("redundancy_pay_gbp"), *list(parts.values())[1:]])
        return {**parts, "restructure_cost_gbp": total}


# ---------------------------------------------------------------- values a filled copy caches
_RESTRUCTURE_CHECKED = ("pension_strain_gbp", "redeployed_grade")


def problem_texts(staff: Staff) -> dict[str, np.ndarray]:
    """Each input field's helper text per row, as the template's hidden "Problems: ..." columns
    give it: ``"; reason; reason"`` in the order of :func:`staff_checks`, ``""`` when none.

    Only the checks' own reasons are there (a blank row has none): Status joins them.

    >>> from xl_kent.lists.figures import read_staff
    >>> rows = [{"employee_id": "E1", "grade": "KR2", "annual_salary": -5.0}, {}]
    >>> texts = problem_texts(read_staff(staff_table(rows), "2026-11-23"))
    >>> texts["grade"].tolist(), texts["annual_salary"].tolist()
    (['; grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)', ''], \
['; annual_salary is not above 0', ''])
    >>> texts["date_of_birth"][0]
    '; date_of_birth is blank'
    """
    order = {(c.field, c.reason): k for k, c in enumerate(staff_checks(staff.as_of))}
    out = {f.name: np.full(staff.n_rows, "", dtype=object) for f in STAFF_FIELDS}
    later = {}  # the restructure's checks of other columns (figures._restructure): after the field's own
    for _rows, col, why in staff.problems.entries:
        if col in _RESTRUCTURE_CHECKED and (col, why) not in order:
            later.setdefault((col, why), len(order) + len(later))
    order = {**order, **later}
    found = [(order[(col, why)], rows, col, why) for rows, col, why in staff.problems.entries
             if (col, why) in order and col]
    for _k, rows, col, why in sorted(found, key=lambda e: e[0]):
        out[col][rows] = out[col][rows] + ("; " + why)
    return out


def summary_names(names: Sequence[str]) -> tuple[list[str], list[str]]:
    """The cost centres a Summary row can total (SUMIFS matches them exactly), and those it
    cannot (containing * ? ~, starting with = < >, or longer than 255 characters): these
    are totalled under "Not in the list".

    >>> summary_names(["Finance", "R&D *", "<Ops>", "Highways"])
    (['Finance', 'Highways'], ['R&D *', '<Ops>'])
    """
    ok, left = [], []
    for n in names:
        (left if any(ch in n for ch in "*?~") or n[:1] in "=<>" or len(n) > 255 else ok).append(n)
    return ok, left


def _figure_cells(figures: Figures) -> dict[str, list]:
    """The calculated Staff cells of each row as the template shows them: "" for blank."""
    out: dict[str, list] = {}
    at_risk = figures.at_risk
    for name in BUDGET_FIGURES:
        if name == "unreduced_pension":  # True/False/None as the template's Yes/No/blank
            out[name] = [{True: "Yes", False: "No"}.get(x, "") for x in figures.values[name].tolist()]
            continue
        if _FIGURE[name].format == "text":  # words, None for blank
            out[name] = ["" if x is None else x for x in figures.values[name].tolist()]
            continue
        v = np.asarray(figures.values[name], dtype=np.float64)
        if name in _AT_RISK_ONLY:
            v = np.where(at_risk, v, np.nan)
        out[name] = [("" if np.isnan(x) else x) for x in v.tolist()]
    out["status"] = ["" if s == "row is blank" else s for s in figures.status.tolist()]
    return out


# ---------------------------------------------------------------- the workbook
@dataclass
class _Book:
    """What one workbook holds: rows of inputs, the settings, the cost centre slots, and the
    cached value of every formula cell."""

    inputs: list[list]  # rows of input cell values (Python), one per STAFF_FIELDS
    formats: dict[tuple[int, int], str]  # (row, input column) -> kind, where it differs from the column's
    settings: Settings
    centres: list[str | None]  # the Assumptions list (template: 20 slots; None = an empty slot)
    filled: bool
    cached: dict[str, list]  # calc and helper key -> row values
    summary: dict[tuple[int, str], Any]  # (summary row index, key) -> cached value
    notes: list[str] = field(default_factory=list)  # what the Summary must say about the list (filled copies)
    absences: list[list] = field(default_factory=list)  # rows of the 6 Absences inputs (a filled record)
    absences_cached: dict[str, list] = field(default_factory=dict)  # Absences calc key -> row values


def _settings_or_default(settings: Settings | None) -> Settings:
    return default_settings(np.datetime64(EXAMPLE_AS_OF, "D")) if settings is None else settings


def _typed_cell(v):
    """A value as typed (text, number, date, None) as a reader gets it back from a sheet:
    dates as datetimes at midnight, integers as floats, "" as blank."""
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime.combine(v, dt.time())
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return None if isinstance(v, str) and v == "" else v


def staff_table(rows: Sequence[dict]):
    """The rows (dicts keyed by field name) as a :class:`xl_kent.files.reading.Table` whose
    headers are the template's: the cells as a reader gets them back from the Staff sheet."""
    from xl_kent.files.reading import Table

    columns = [np.array([_typed_cell(r.get(f.name)) for r in rows], dtype=object) for f in STAFF_FIELDS]
    return Table([f.label for f in STAFF_FIELDS], columns, FIRST_ROW, "Staff", "xlsx", HEADER_ROW)


def _cached(staff: Staff, figures: Figures) -> dict[str, list]:
    cached = _figure_cells(figures)
    said = staff_how(staff, figures.settings, figures.values, figures.values["sick_prior_paid_days"])
    for name in HOW_COLUMNS:  # as the template shows them: redundancy for rows at risk only
        texts = said[name] if name != "redundancy_how" else np.where(figures.at_risk, said[name], "")
        cached[name] = texts.tolist()
    for name, texts in problem_texts(staff).items():
        cached[f"problems_{name}"] = texts.tolist()
    return cached


def _summary_cache(staff: Staff, figures: Figures, slots: Sequence[str | None]) -> dict[tuple[int, str], Any]:
    """The Summary's values: each slot's totals ("" for an empty slot), Not in the list, Total."""
    folded = np.array([str(t).casefold() for t in staff.values["cost_centre"].tolist()], dtype=object)
    out: dict[tuple[int, str], Any] = {}
    listed = np.zeros(staff.n_rows, dtype=bool)
    for k, name in enumerate(slots):
        if name is None:
            out |= {(k, c.key): "" for c in SUMMARY_COLUMNS}
            continue
        rows = folded == name.casefold()
        listed |= rows
        out |= {(k, key): v for key, v in summary_totals(figures, rows).items()}
        out[(k, "cost_centre")] = name
    out |= {(len(slots), key): v for key, v in summary_totals(figures, ~listed).items()}
    out |= {(len(slots) + 1, key): v for key, v in summary_totals(figures).items()}
    return out


def summary_totals(figures: Figures, rows: np.ndarray | None = None) -> dict[str, float]:
    """What one Summary row shows: :func:`totals`, the year-end carry-over totals of
    :func:`carry_over_totals` and the restructure parts of :func:`restructure_totals`."""
    r = restructure_totals(figures, rows)
    return {**totals(figures, rows), **carry_over_totals(figures, rows), **{k: r[k] for k in SUMMARY_RESTRUCTURE}}


def build(target, rows: Sequence[dict] | None = None, settings: Settings | None = None,
          absences: Sequence[dict] | None = None) -> None:
    """Write the template to ``target`` (a path or a binary file object).

    ``rows`` (dicts keyed by field name, values as typed: text, numbers, dates, None) default
    to :data:`EXAMPLE_ROWS`; ``settings`` to ``default_settings(EXAMPLE_AS_OF)``. Every
    calculated cell is a formula (KENT_ and native), its value cached as
    :func:`xl_kent.lists.figures.compute` gives it; the cost centre list is
    :data:`EXAMPLE_COST_CENTRES` in 20 slots. ``absences`` (dicts keyed by the absence record's
    field names) are pasted into the Absences sheet (default: none, so the typed paid sick days
    are used); its KENT_SICKPAY_LOG columns stay formulas.
    """
    from xl_kent.lists.figures import read_and_compute

    rows = EXAMPLE_ROWS if rows is None else rows
    if len(rows) > DATA_ROWS:
        raise ValueError(f"{len(rows):,} rows do not fit the template's {DATA_ROWS:,} rows")
    names = [f.name for f in STAFF_FIELDS]
    for i, r in enumerate(rows):
        unknown = set(r) - set(names)
        if unknown:
            raise ValueError(f"row {i + 1}: unknown field(s) {', '.join(sorted(unknown))}")
    s = _settings_or_default(settings)
    centres = list(EXAMPLE_COST_CENTRES) + [None] * (COST_CENTRE_ROWS - len(EXAMPLE_COST_CENTRES))
    if not absences:
        staff, figures = read_and_compute(staff_table(rows), s)
        record = None
    else:
        from xl_kent.lists.absence_log import ABSENCE_FIELDS, compute, read_absence_log, staff_figures
        from xl_kent.lists.fields import map_columns
        from xl_kent.lists.figures import STAFF_SCHEMA

        if len(absences) > DATA_ROWS:
            raise ValueError(f"{len(absences):,} absences do not fit the Absences sheet's {DATA_ROWS:,} rows")
        t = absence_table(absences)
        record = compute(read_absence_log(t), t)
        table = staff_table(rows)
        staff, figures, _use = staff_figures(table, s, map_columns(table.headers, STAFF_SCHEMA), record)
    book = _Book([[r.get(n) for n in names] for r in rows], {}, s, centres, False, _cached(staff, figures),
                 _summary_cache(staff, figures, centres))
    if record is not None:
        book.absences = [[r.get(f.name) for f in ABSENCE_FIELDS] for r in absences]
        book.absences_cached = _filled_absences(record, s)[1]
        book.absences_cached["status"] = ["OK" if ok else "" if st == "row is blank" else _ABSENCE_NOT_WORKED_OUT
                                          for ok, st in zip(record.ok.tolist(), record.status.tolist(), strict=True)]
    _write(target, book)


def absence_table(rows: Sequence[dict]):
    """Absence rows (dicts keyed by the record's field names) as a
    :class:`xl_kent.files.reading.Table` headed as the Absences sheet: the cells as a reader
    gets them back from it."""
    from xl_kent.files.reading import Table
    from xl_kent.lists.absence_log import ABSENCE_FIELDS

    columns = [np.array([_typed_cell(r.get(f.name)) for r in rows], dtype=object) for f in ABSENCE_FIELDS]
    return Table([f.label for f in ABSENCE_FIELDS], columns, FIRST_ROW, ABSENCES_SHEET, "xlsx", HEADER_ROW)


def write_filled(target, table, staff: Staff, figures: Figures, *, cost_centres=None, record=None) -> None:
    """Write the copy ``xl-kent fill budget`` makes of a staff list to ``target`` (a path or a
    binary file object).

    ``table`` is the list as read (:class:`xl_kent.files.reading.Table`), ``staff`` and
    ``figures`` what :func:`xl_kent.lists.staff.read_staff` and
    :func:`xl_kent.lists.figures.compute` made of it (the settings are ``figures.settings``).
    The inputs are written as the core read them (a cell it could not read as its raw
    cell, so that the sheet's checks flag it the same way); the KENT_ columns hold the
    figures as values; every other formula stays live with ``compute``'s value cached. The
    settings that feed the KENT_ values (as-of date, modelled absence, redundancy date) are
    locked. ``cost_centres`` (the names, or what :func:`xl_kent.lists.figures.cost_centres`
    returns; default: that of ``staff``) are the Summary's rows, except names SUMIFS cannot
    match (:func:`summary_names`), which are totalled under "Not in the list".

    Raises ValueError for more than 5,000 rows.
    """
    n = staff.n_rows
    if n > DATA_ROWS:
        raise ValueError(f"{n:,} staff rows do not fit the template's {DATA_ROWS:,} rows")
    if cost_centres is None:
        names = list_cost_centres(staff)[0]
    elif isinstance(cost_centres, tuple) and len(cost_centres) == 2 and isinstance(cost_centres[1], np.ndarray):
        names = list(cost_centres[0])
    else:
        names = list(cost_centres)
    shown, _left = summary_names(names)
    inputs, formats = _filled_inputs(table, staff)
    slots: list[str | None] = list(shown)
    book = _Book(inputs, formats, figures.settings, slots or [None], True, _cached(staff, figures),
                 _summary_cache(staff, figures, slots), notes(staff, figures.settings))
    if record is not None:
        if record.n_rows > DATA_ROWS:
            raise ValueError(f"{record.n_rows:,} absence rows do not fit the Absences sheet's {DATA_ROWS:,} rows")
        book.absences, book.absences_cached = _filled_absences(record, figures.settings)
    _write(target, book)


def _filled_absences(record, settings: Settings) -> tuple[list[list], dict[str, list]]:
    """The Absences sheet of a filled copy: the record's cells as xl-kent read them (a cell it
    could not read as it was), and the values of the calculated columns (``record``'s figures)."""
    from xl_kent.lists.absence_log import ABSENCE_FIELDS, window_days

    n = record.n_rows
    v = record.log.values
    columns: list[list] = []
    for f in ABSENCE_FIELDS:
        raw = record.log.columns.cells(record.table, f.name).tolist() if record.table is not None else [None] * n
        status = v[f.name + "_status"]
        vals = v[f.name].tolist()
        out: list = [None] * n
        for i in range(n):
            if status[i] == GOOD:
                x = vals[i]
                if f.kind == "date":
                    out[i] = dt.datetime.combine(x, dt.time()) if isinstance(x, dt.date) else x
                elif f.kind == "bool":
                    out[i] = "Yes" if x else "No"
                else:
                    out[i] = x
            elif status[i] != 1 and raw[i] is not None:  # unreadable (not blank): as it was
                out[i] = _raw_text(raw[i])
        columns.append(out)
    rows = [list(r) for r in zip(*columns, strict=True)] if n else []

    def cells(a) -> list:
        return ["" if (x is None or (isinstance(x, float) and np.isnan(x))) else float(x) for x in a.tolist()]

    ok = record.ok
    status = ["" if s == "row is blank" else s for s in record.status.tolist()]
    cached = {"full_days": cells(np.where(ok, record.values["full_pay_days"], np.nan)),
              "half_days": cells(np.where(ok, record.values["half_pay_days"], np.nan)),
              "paid_days": cells(np.where(ok, record.values["paid_days"], np.nan)),
              "window_days": cells(window_days(record, settings.absence_start)),
              "status": status,
              "match_id": [_trimmed(r[0]) for r in rows]}
    return rows, cached


def _trimmed(v: Any) -> str:
    """What ``TRIM`` gives for a cell written to the Absences sheet's Employee ID column."""
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return re.sub(" +", " ", str(v)).strip(" ")  # (TRIM: spaces only, inner runs to one)


def _raw_text(v: Any) -> Any:
    """An unreadable cell as it is written back: text stays text, a number stays a number, the
    rest (TRUE/FALSE, dates in a number column, times) becomes its text."""
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        from xl_kent.lists.problems import display

        return str(display(np.array([v], dtype=object))[0])
    return v if isinstance(v, str) else str(v)


def _filled_inputs(table, staff: Staff) -> tuple[list[list], dict[tuple[int, int], str]]:
    """The input cells of a filled copy, and the cells that need a plain number format (an
    unreadable number in a date column: written as a number, not shown as a date)."""
    n = staff.n_rows
    mapping = staff.mapping
    columns: list[list] = []
    formats: dict[tuple[int, int], str] = {}
    for j, f in enumerate(STAFF_FIELDS):
        raw = table.columns[mapping[f.name]] if f.name in mapping else np.full(n, None, dtype=object)
        raw_list = raw.tolist()
        out: list = [None] * n
        if f.name == "contract_type":
            for i, (v, c) in enumerate(zip(raw_list, staff.contract.tolist(), strict=True)):
                if v is None or (isinstance(v, str) and not v.strip()):
                    continue
                out[i] = c.capitalize() if c else _raw_text(v)
            columns.append(out)
            continue
        values = staff.values[f.name]
        status = staff.values[f.name + "_status"]
        good = status == GOOD
        vals = values.tolist()
        for i in np.flatnonzero(good).tolist():
            v = vals[i]
            if f.kind == "date":
                out[i] = dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) else v
            elif f.kind == "bool":
                out[i] = "Yes" if v else "No"
            else:
                out[i] = v
        for i in np.flatnonzero(~good & (status != 1)).tolist():  # unreadable (not blank)
            v = _raw_text(raw_list[i])
            out[i] = v
            if isinstance(v, float) and f.kind == "date":
                formats[(i, j)] = "number"
        columns.append(out)
    return [list(r) for r in zip(*columns, strict=True)] if n else [], formats


def _write(target, book: _Book) -> None:
    wb, styles = common.new_workbook(target, "Kent budget planning",
                                     "Staff budget: pay, on-costs, leave liability, sick pay and redundancy")
    formulas = _Formulas(book.settings.as_of)
    common.add_how_to_sheet(wb, styles, _how_to())
    _assumptions_sheet(wb, styles, book)
    _staff_sheet(wb, styles, book, formulas)
    _summary_sheet(wb, styles, book, formulas)
    _person_sheet(wb, styles, book)
    _absences_sheet(wb, styles, book)
    common.add_xlwings_conf_sheet(wb, styles)
    wb.close()


def _uk(d) -> str:
    return dt.date.fromisoformat(str(np.datetime64(d, "D"))).strftime("%d/%m/%Y")


def _setting_notes(s: Settings, filled: bool) -> dict[str, str]:
    src = s.sources

    def source(key: str) -> str:
        return f"Source: {src[key]}." if key in src else "Given when the copy was filled."

    fixed = (" Fixed by `xl-kent fill budget` (the leave, sick pay and redundancy weeks columns are values "
             "computed for it): fill again to change it.") if filled else ""
    month = dt.date(2000, _LEAVE_YEAR_MONTH, 1).strftime("%B")
    notes = {
        "AsOfDate": "Leave is accrued to this date; the leave year is the one containing it. Age and service are "
                    "checked on it." + fixed,
        "LeaveYearStart": f"Calculated: 1 {month} of the leave year containing the as-of date (G.1). The pay award, "
                          "on-costs and the year's pay cost are for this leave year.",
        "LeaveYearEnd": "Calculated: EDATE(LeaveYearStart, 12) - 1. Leave entitlement is counted to this day.",
        "PayAwardPct": ("EXAMPLE: replace it with the pay award agreed for this leave year (0 for none)"
                        if "pay_award_pct" in s.examples else "The pay award for this leave year")
                       + " (applied to the whole leave year; salaries are entered before the award).",
        "EmployerNIRate": source("employer_ni_rate"),
        "NIThresholdYear": source("ni_threshold_gbp"),
        "PensionRate": ("EXAMPLE, not your rate: set the employer rate from the Kent Pension Fund's rates and "
                        "adjustments certificate. " if "pension_rate" in s.examples else "")
                       + "Applied to every salaried row's pay cost.",
        "LevyRate": source("levy_rate"),
        "AbsenceStart": "First day of a sickness absence modelled for every employee (default: the as-of date). "
                        "Staff not employed on that day cost 0." + fixed,
        "AbsenceDays": f"Calendar days of the modelled absence (default {_ABSENCE_DAYS:g}: a long-term absence "
                       "trigger)." + fixed,
        "RedundancyDate": "Termination date used for age, service and redundancy weeks (default: the as-of "
                          "date)." + fixed,
        "StandardDayHours": source("hours_per_day") + " Locked.",
        "FullTimeWeeklyHours": source("full_time_weekly_hours") + " Locked.",
    }
    return notes


def _setting_value(s: Settings, key: str) -> Any:
    v = getattr(s, key)
    if isinstance(v, np.datetime64):
        return dt.datetime.combine(dt.date.fromisoformat(str(np.datetime64(v, "D"))), dt.time())
    return float(v)


#: The bounds of each Assumptions input read back (its data validation's, as numbers).
_READ_BOUNDS: dict[str, tuple[float, float]] = {
    "pay_award_pct": (-0.5, 1), "employer_ni_rate": (0, 1), "ni_threshold_gbp": (0, 1_000_000),
    "pension_rate": (0, 1), "levy_rate": (0, 1), "absence_days": (1, 3650)}


def read_assumptions(path) -> tuple[dict[str, Any], list[str]]:
    """The settings a budget workbook's Assumptions sheet holds (a filled copy, or the template
    filled by hand), as :func:`xl_kent.lists.figures.default_settings` takes them: ``as_of``,
    the rates, the modelled absence, the redundancy date and the grade maxima; and a line for
    each input that cannot be read (text where a number belongs, out of its bounds).

    Each setting is found by its defined name in column A ("Pay award from 1 April
    (PayAwardPct)"), its value in column B, as the template writes them; the sheet is read by
    the one reader (:func:`xl_kent.files.reading.read_table`). ``({}, [])`` when the workbook
    has no such sheet or it cannot be read.
    """
    from xl_kent.files.reading import read_table

    try:
        t = read_table(path, sheet="Assumptions")
    except Exception:  # noqa: BLE001  (not a budget workbook: nothing is taken from it)
        return {}, []
    cells = [t.headers, *zip(*(c.tolist() for c in t.columns), strict=True)] if len(t.headers) >= 2 else []
    by_name = {x.name: x for x in _SETTINGS if x.key}
    found: dict[str, Any] = {}
    bad: list[str] = []
    grades: list[tuple[int, float]] = []
    in_grades = False
    for row in cells:
        a, b = row[0], row[1]
        label = str(a).strip() if a is not None else ""
        if label.startswith("Grade (GradeMaxGrades)"):
            in_grades = True
            continue
        if in_grades:
            if isinstance(a, float) and a.is_integer() and isinstance(b, float) and b > 0:
                grades.append((int(a), b))
            elif isinstance(a, float) and b is not None and not isinstance(b, float):
                bad.append(f"the top of KR{int(a)} ({b!r}) is not a number")
            elif not isinstance(a, float):
                in_grades = False
            continue
        name = label[label.rfind("(") + 1:-1] if label.endswith(")") else ""
        setting = by_name.get(name)
        if setting is None or b is None:
            continue
        if setting.kind == "date":
            if isinstance(b, dt.date):  # (a datetime too)
                found[setting.key] = np.datetime64(b.date() if isinstance(b, dt.datetime) else b, "D")
            else:
                bad.append(f"{name} ({b!r}) is not a date")
        elif isinstance(b, float) and math.isfinite(b):
            lo, hi = _READ_BOUNDS[setting.key]
            if lo <= b <= hi:
                found[setting.key] = b
            else:
                bad.append(f"{name} ({b:g}) is outside {lo:g} to {hi:g}")
        else:
            bad.append(f"{name} ({b!r}) is not a number")
    if grades:
        found["grade_max"] = tuple(sorted(dict(grades).items()))
    return found, bad


def _assumptions_sheet(wb, styles: common.Styles, book: _Book) -> None:
    s = book.settings
    ws = wb.add_worksheet("Assumptions")
    common.write_title(ws, styles, "Assumptions",
                       "Yellow cells are inputs; each has a name the formulas use (Formulas > Name Manager).")
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 100)
    header = HEADER_ROW - 1
    for j, text in enumerate(("Setting (defined name)", "Value", "Source and help")):
        common.write_text(ws, header, j, text, styles.header)
    ws.set_row(header, 20)
    notes = _setting_notes(s, book.filled)
    validations = {
        "AsOfDate": common.date_validation("A date, dd/mm/yyyy."),
        # (the bounds read_assumptions applies when the workbook is read back: one table of them)
        "PayAwardPct": common.number_validation(*_READ_BOUNDS["pay_award_pct"], "A percentage, e.g. 3.5%."),
        "EmployerNIRate": common.number_validation(*_READ_BOUNDS["employer_ni_rate"], "A rate from 0% to 100%."),
        "NIThresholdYear": common.number_validation(*_READ_BOUNDS["ni_threshold_gbp"], "£ a year, 0 or more."),
        "PensionRate": common.number_validation(*_READ_BOUNDS["pension_rate"], "A rate from 0% to 100%."),
        "LevyRate": common.number_validation(*_READ_BOUNDS["levy_rate"], "A rate from 0% to 100%."),
        "AbsenceStart": common.date_validation("A date, dd/mm/yyyy."),
        "AbsenceDays": common.number_validation(*_READ_BOUNDS["absence_days"], "Calendar days, 1 or more."),
        "RedundancyDate": common.date_validation("A date, dd/mm/yyyy."),
    }
    start, end = (s.leave_year_start, s.leave_year_end)
    calculated = {
        "LeaveYearStart": (f"=DATE(YEAR(AsOfDate)-(MONTH(AsOfDate)<{_LEAVE_YEAR_MONTH}),{_LEAVE_YEAR_MONTH},1)",
                           _serial(start)),
        "LeaveYearEnd": ("=EDATE(LeaveYearStart,12)-1", _serial(end)),
    }
    for i, setting in enumerate(_SETTINGS):
        row = _SETTINGS_FIRST - 1 + i
        common.write_text(ws, row, 0, f"{setting.label} ({setting.name})", styles.bold)
        if setting.key and not (book.filled and setting.fixed):
            common._write_value(ws, row, 1, _setting_value(s, setting.key), styles.input(setting.kind))
            common.data_validation(ws, row, 1, row, 1, {"ignore_blank": False, "input_title": setting.label[:32],
                                                "input_message": notes[setting.name][:255],
                                                **validations[setting.name]})
        elif setting.key:
            common._write_value(ws, row, 1, _setting_value(s, setting.key), styles.calc(setting.kind))
        else:
            formula, value = calculated[setting.name]
            common.write_formula(ws, row, 1, formula, styles.calc("date"), value)
        common.write_text(ws, row, 2, notes[setting.name], styles.text)
        wb.define_name(setting.name, f"=Assumptions!$B${row + 1}")
    common.write_text(ws, _CONSTANTS_FIRST - 2, 0, "Kent Scheme constants used by the formulas (locked)", styles.subtitle)
    for i, setting in enumerate(_CONSTANTS):
        row = _CONSTANTS_FIRST - 1 + i
        common.write_text(ws, row, 0, f"{setting.label} ({setting.name})", styles.bold)
        common.write_number(ws, row, 1, _setting_value(s, setting.key), styles.calc(setting.kind))
        common.write_text(ws, row, 2, notes[setting.name], styles.text)
        wb.define_name(setting.name, f"=Assumptions!$B${row + 1}")
    year_end = s.leave_year_end
    for i, (name, parameter, label) in enumerate(_CARRY_OVER_CONSTANTS):
        row = _CARRY_OVER_FIRST - 1 + i
        value, source = _carry_over_constant(parameter, year_end)
        common.write_text(ws, row, 0, f"{label} ({name})", styles.bold)
        common.write_number(ws, row, 1, value, styles.calc("hours" if name.endswith("Hours") else "days"))
        common.write_text(ws, row, 2, f"Source: {source}, in force on the leave year end ({_uk(year_end)}). The "
                          "year-end carry-over columns of the Staff sheet use it. Locked.", styles.text)
        wb.define_name(name, f"=Assumptions!$B${row + 1}")
    common.write_text(ws, _CC_HEADER - 2, 0, "Cost centres (the Staff drop-down and the Summary rows, in this order)",
                    styles.subtitle)
    for j, text in enumerate(("#", "Cost centre (CostCentres)", "Note")):
        common.write_text(ws, _CC_HEADER - 1, j, text, styles.header)
    slots = len(book.centres)
    first, last = _CC_FIRST - 1, _CC_FIRST - 2 + slots
    for k in range(slots):
        row = first + k
        common.write_number(ws, row, 0, k + 1, styles.plain("int"))
        common._write_value(ws, row, 1, book.centres[k], styles.input("text"))
    note = ("Names as they appear in the Staff sheet's Cost centre column (case is ignored). Each name once; no "
            "* ? ~ and not starting with = < > (the totals use SUMIFS criteria).")
    if book.filled:
        note = ("The cost centres of the staff list (filled by `xl-kent fill budget`; names SUMIFS cannot match "
                "are totalled under 'Not in the list'). " + note)
    common.write_text(ws, first, 2, note, styles.text)
    rng = f"$B${first + 1}:$B${last + 1}"
    cell = f"B{first + 1}"
    common.data_validation(ws, first, 1, last, 1, {
        "validate": "custom",
        "value": (f'=AND(COUNTIF({rng},{cell})=1,ISERROR(FIND("*",{cell})),ISERROR(FIND("?",{cell})),'
                  f'ISERROR(FIND("~",{cell})),ISERROR(FIND(LEFT({cell},1),"=<>")))'),
        "ignore_blank": True, "input_title": "Cost centre",
        "input_message": "A cost centre name, once; no * ? ~ and not starting with = < >.",
        "error_message": "Each cost centre once, without * ? ~ and not starting with = < >."})
    wb.define_name("CostCentres", f"=Assumptions!{rng}")
    last = _grade_max_table(wb, ws, styles, book, last + 3)
    ws.freeze_panes(HEADER_ROW, 0)
    common.setup_print(ws, 2, last, landscape=False, title="Kent budget planning - Assumptions")
    common.protect(ws)


GRADE_MAX_NOTE = ("Fill in from the Kent Scheme salary scales (KNet): the top of each grade's scale, £ a year, "
                  "full time. They are not in the policy text, so the template leaves them blank. Loss of "
                  "Earnings Compensation (chapter I, Appendix 1) uses the top of the new grade and of the grade "
                  f"{_LEC_SPAN} above it; a row that needs a blank one says so in its Status, never 0.")


def _grade_max_table(wb, ws, styles: common.Styles, book: _Book, title_row: int) -> int:
    """The grade maximum table (GradeMaxGrades, GradeMaxTops) from 0-based ``title_row``; its last row."""
    tops = dict(book.settings.grade_max)
    grades = sorted(set(GRADE_MAX_GRADES) | set(tops))
    common.write_text(ws, title_row, 0, "Grade maxima for Loss of Earnings Compensation (redeployed staff)",
                      styles.subtitle)
    for j, text in enumerate(("Grade (GradeMaxGrades)", "Top of the grade £ a year (GradeMaxTops)", "Note")):
        common.write_text(ws, title_row + 1, j, text, styles.header)
    kr = wb.add_format({**styles._base, "num_format": '"KR"0', "border": 1, "border_color": "#A6A6A6"})
    first = title_row + 2
    for k, g in enumerate(grades):
        ws.write_number(first + k, 0, g, kr)
        common._write_value(ws, first + k, 1, tops.get(g), styles.input("gbp"))
    common.write_text(ws, first, 2, GRADE_MAX_NOTE, styles.text)
    last = first + len(grades) - 1
    common.data_validation(ws, first, 1, last, 1, {
        **common.number_validation(0.01, 10_000_000, "The top of the grade's salary scale, £ a year."),
        "input_title": "Top of the grade", "input_message": "£ a year, full time, from the Kent Scheme salary scales."})
    wb.define_name("GradeMaxGrades", f"=Assumptions!$A${first + 1}:$A${last + 1}")
    wb.define_name("GradeMaxTops", f"=Assumptions!$B${first + 1}:$B${last + 1}")
    return last


def _write_column(ws, styles: common.Styles, col: int, c: Col, formula: str | None, values: list) -> None:
    """A calculated column: a dynamic array formula over the 5,000 rows with every cell's value
    cached, or (a filled copy's KENT_ column, ``formula`` None) the values alone."""
    r0 = FIRST_ROW - 1
    fmt = styles.calc(c.kind)
    cells = list(values) + [""] * (DATA_ROWS - len(values))
    if formula is not None:
        top = cells[0]
        common.write_array_formula(ws, r0, col, r0 + DATA_ROWS - 1, col, formula, fmt, top)
        cells = [common.cached(v) for v in cells[1:]]  # the rest of the array's results, cached as its first
        r0 += 1
    for i, v in enumerate(cells):
        if v == "" or v is None:
            ws.write_blank(r0 + i, col, None, fmt)
        elif isinstance(v, str):
            common.write_text(ws, r0 + i, col, v, fmt)
        else:
            common.write_number(ws, r0 + i, col, float(v), fmt)


def _staff_sheet(wb, styles: common.Styles, book: _Book, formulas: _Formulas) -> None:
    ws = wb.add_worksheet("Staff")
    title = ("One row per employee from row 5: paste values into the yellow columns; the grey columns calculate "
             "(5,000 rows). Check the Status column.")
    if book.filled:
        title = ("Filled by xl-kent fill budget: the leave, sick pay and redundancy weeks columns are values "
                 "computed for these rows and the fixed Assumptions; fill again after changing a row.")
    common.write_title(ws, styles, "Staff budget lines", title)
    common.write_text(ws, 2, 0, "Inputs (yellow)", styles.subtitle)
    common.write_text(ws, 2, FIRST_CALC, "Calculated (grey, locked)", styles.subtitle)
    common.write_headers(ws, styles, INPUT_COLUMNS, 0, inputs=True)
    r0 = FIRST_ROW - 1
    for j, c in enumerate(INPUT_COLUMNS):
        fmt = styles.input(c.kind)
        for i in range(DATA_ROWS):
            v = book.inputs[i][j] if i < len(book.inputs) else None
            kind = book.formats.get((i, j))
            common._write_value(ws, r0 + i, j, v, styles.input(kind) if kind else fmt)
        if c.validation:
            options = {"ignore_blank": True, "input_title": c.header[:32], "input_message": c.help[:255],
                       "error_title": c.header[:32], **c.validation}
            common.data_validation(ws, r0, j, r0 + DATA_ROWS - 1, j, options)
    common.write_headers(ws, styles, CALC_COLUMNS + PROBLEM_COLUMNS + HELPER_COLUMNS, FIRST_CALC, inputs=False)
    all_formulas = formulas.figures()
    for c in CALC_COLUMNS + PROBLEM_COLUMNS:
        j = _COL_INDEX[c.key]
        formula = None if book.filled and c.key in KENT_FIGURES else all_formulas[c.key]
        _write_column(ws, styles, j, c, formula, book.cached[c.key])
    # The helpers feed KENT_ calls: every row of the template; a filled copy (its KENT_ columns values)
    # holds them on its rows only, so that its print area is its filled rows (common.filled_rows).
    helper_rows = len(book.inputs) if book.filled else DATA_ROWS
    for c in HELPER_COLUMNS:
        _write_column(ws, styles, _COL_INDEX[c.key], c, None, [_HELPER_VALUES[c.key]] * helper_rows)
    ws.set_column(FIRST_PROBLEM, FIRST_PROBLEM + len(PROBLEM_COLUMNS) - 1, 18, None, {"hidden": True})
    ws.set_column(_COL_INDEX[HELPER_COLUMNS[0].key], _COL_INDEX[HELPER_COLUMNS[-1].key], 6, None, {"hidden": True})
    r1 = FIRST_ROW + DATA_ROWS - 2
    status_col = _COL_INDEX["status"]
    top = common.ref(r0, status_col, absolute=False)
    ws.conditional_format(r0, status_col, r1, status_col,
                          {"type": "formula", "criteria": f'=AND({top}<>"",{top}<>"OK")', "format": styles.bad})
    ws.conditional_format(r0, status_col, r1, status_col,
                          {"type": "formula", "criteria": f'={top}="OK"', "format": styles.good})
    first_num = FIRST_CALC + 1
    ws.conditional_format(r0, first_num, r1, LAST_SHOWN,
                          {"type": "formula", "criteria": f"=ISERROR({common.ref(r0, first_num, absolute=False)})",
                           "format": styles.bad})
    ws.freeze_panes(HEADER_ROW, 2)
    ws.autofilter(HEADER_ROW - 1, 0, r1, LAST_SHOWN)
    common.setup_print(ws, LAST_SHOWN, r1, header_rows=f"{HEADER_ROW}:{HEADER_ROW}",
                       title="Kent budget planning - Staff")
    common.protect(ws)


_ABSENCE_NOT_WORKED_OUT = "not worked out: see the error in Full pay days (a blank or bad cell, or overlapping absences)"


def _absence_formulas() -> dict[str, str]:
    """The Absences sheet's calculated columns: KENT_SICKPAY_LOG over the pasted record, and each
    absence's paid days inside the rolling year before AbsenceStart (min and max by arithmetic:
    LibreOffice computes IF with array branches slowly)."""
    a, b, c, d, e, f = (common.col_range(j) for j in range(len(ABSENCE_INPUTS)))
    full, half, paid = (common.col_range(_ABS_INDEX[k]) for k in ("full_days", "half_days", "paid_days"))
    end = f"({b}+{paid})"
    lo = f"({b}+({ABSENCE_WINDOW_NAME}>{b})*({ABSENCE_WINDOW_NAME}-{b}))"  # the later of first day and window start
    hi = f"({end}-({end}>AbsenceStart)*({end}-AbsenceStart))"  # the earlier of the span's end and AbsenceStart
    inside = f"({hi}-{lo})"
    return {
        "full_days": f'=KENT_SICKPAY_LOG({a},{b},{c},{d},{e},{f},"full_days")',
        "half_days": f'=KENT_SICKPAY_LOG({a},{b},{c},{d},{e},{f},"half_days")',
        "paid_days": f'=IFERROR({full}+{half},"")',
        "window_days": f'=IFERROR(({inside}>0)*{inside},"")',
        "status": f'=IF(ISNUMBER({full}),"OK",IF(ISERROR({full}),'
                  f'{_q(_ABSENCE_NOT_WORKED_OUT)},""))',
        "match_id": f'=IFERROR(TRIM({a}),"")',
    }


def _absences_sheet(wb, styles: common.Styles, book: _Book) -> None:
    ws = wb.add_worksheet(ABSENCES_SHEET)
    title = ("Optional: paste the absence record (one row per absence) into the yellow columns from row 5. "
             "While it holds a row, the Staff sheet's paid sick days come from it and the typed column is not used.")
    if book.filled:
        title = ("Filled by xl-kent fill budget --absences: the record as xl-kent read it; Full and Half pay days "
                 "and Status are values computed with KENT_SICKPAY_LOG.")
    common.write_title(ws, styles, "Absence record (paid sick days of the last 12 months)", title)
    last = FIRST_ROW + DATA_ROWS - 1
    rng = f"$A${FIRST_ROW}:${xl_col_to_name(len(ABSENCE_INPUTS) - 1)}${last}"
    common.write_text(ws, 2, 0, "Rows in the record", styles.bold)
    common.write_formula(ws, 2, 1, f"=COUNTA({rng})", styles.calc("int"), sum(
        1 for r in book.absences for v in r if v not in (None, "")))
    wb.define_name(ABSENCE_ROWS_NAME, f"={ABSENCES_SHEET}!$B$3")
    common.write_text(ws, 2, 2, "Rolling year from", styles.bold)
    start = add_months(np.array([np.datetime64(book.settings.absence_start, "D")]), -12)[0]
    common.write_formula(ws, 2, 3, "=EDATE(AbsenceStart,-12)", styles.calc("date"), _serial(start))
    wb.define_name(ABSENCE_WINDOW_NAME, f"={ABSENCES_SHEET}!$D$3")
    common.write_text(ws, 2, 4, "to the day before AbsenceStart (Assumptions)", styles.note)
    data = book.absences
    common.write_inputs(ws, styles, ABSENCE_INPUTS, 0, data)
    common.write_headers(ws, styles, ABSENCE_CALC, len(ABSENCE_INPUTS), inputs=False)
    formulas = _absence_formulas()
    for c in ABSENCE_CALC:
        j = _ABS_INDEX[c.key]
        formula = None if book.filled and c.key in ("full_days", "half_days", "status") else formulas[c.key]
        _write_column(ws, styles, j, c, formula, book.absences_cached.get(c.key, []))
    ws.set_column(_ABS_INDEX["match_id"], _ABS_INDEX["match_id"], 14, None, {"hidden": True})
    ws.freeze_panes(HEADER_ROW, 1)
    ws.autofilter(HEADER_ROW - 1, 0, last - 1, len(_ABS_COLS) - 1)
    common.setup_print(ws, len(_ABS_COLS) - 1, last - 1, header_rows=f"{HEADER_ROW}:{HEADER_ROW}",
                       title="Kent budget planning - Absences")
    common.protect(ws)


def _summary_sheet(wb, styles: common.Styles, book: _Book, formulas: _Formulas) -> None:
    ws = wb.add_worksheet("Summary")
    common.write_title(ws, styles, "Budget summary by cost centre",
                       "Totals of the Staff rows whose Status is OK. Rows with problems are left out of the sums "
                       "and counted in 'Rows with problems'.")
    common.write_headers(ws, styles, SUMMARY_COLUMNS, 0, inputs=False)
    slots = len(book.centres) if not book.filled or book.centres != [None] else 0
    not_in_list, total = _SUMMARY_FIRST + slots, _SUMMARY_FIRST + slots + 1
    keys = [c.key for c in SUMMARY_COLUMNS[1:]]
    cc = formulas.r("cost_centre", "Staff")
    for k in range(slots):
        row = _SUMMARY_FIRST + k
        source = f"Assumptions!$B${_CC_FIRST + k}"
        cells = {"cost_centre": f'=IF({source}="","",{source})'}
        for key, f in formulas.measures(f",{cc},$A{row}").items():
            cells[key] = f'=IF($A{row}="","",{f})'
        _summary_row(ws, styles, row, cells, book, k, bold=False)
    for row, label, k in ((not_in_list, NOT_IN_LIST, slots), (total, TOTAL, slots + 1)):
        cells: dict[str, str] = {}
        for j, key in enumerate(keys, 1):
            letter = xl_col_to_name(j)
            if row == total:
                cells[key] = "=" + formulas.measures("")[key]
            else:
                cells[key] = (f"={letter}{total}-SUM({letter}{_SUMMARY_FIRST}:{letter}{row - 1})" if slots
                              else f"={letter}{total}")
        common.write_text(ws, row - 1, 0, label, styles.calc("text", bold=True))
        _summary_row(ws, styles, row, cells, book, k, bold=True, first=1)
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    first_chart = _SUMMARY_FIRST
    cats = f"=Summary!$A${first_chart}:$A${not_in_list}"
    for key, colour in (("pay_cost_gbp", "#1F4E78"), ("oncosts_gbp", "#F4B183")):
        letter = xl_col_to_name([c.key for c in SUMMARY_COLUMNS].index(key))
        chart.add_series({"name": f"=Summary!${letter}${HEADER_ROW}", "categories": cats,
                          "values": f"=Summary!${letter}${first_chart}:${letter}${not_in_list}",
                          "fill": {"color": colour}, "gap": 60})
    chart.set_title({"name": "Pay cost and on-costs by cost centre", "name_font": {"size": 12}})
    chart.set_y_axis({"num_format": common.GBP_CHART_FORMAT, "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    restructure = wb.add_chart({"type": "column", "subtype": "stacked"})
    for key, colour in (("notice_pay_gbp", "#2E75B6"), ("redundancy_cost_gbp", "#C00000"),
                        ("untaken_leave_gbp", "#70AD47"), ("pension_strain_gbp", "#7030A0"),
                        ("lec_gbp", "#FFC000")):
        letter = xl_col_to_name([c.key for c in SUMMARY_COLUMNS].index(key))
        restructure.add_series({"name": f"=Summary!${letter}${HEADER_ROW}", "categories": cats,
                                "values": f"=Summary!${letter}${first_chart}:${letter}${not_in_list}",
                                "fill": {"color": colour}, "gap": 60})
    restructure.set_title({"name": "Restructure cost by cost centre", "name_font": {"size": 12}})
    restructure.set_y_axis({"num_format": common.GBP_CHART_FORMAT, "major_gridlines": {"visible": True}})
    restructure.set_legend({"position": "bottom"})
    for k, line in enumerate(book.notes):  # e.g. "no leave-taken column: the leave liability assumes ..."
        common.write_text(ws, total + 1 + k, 0, f"Note: {line}", styles.note)
    ws.insert_chart(total + 1 + len(book.notes), 0, chart, {"x_scale": 2.2, "y_scale": 1.3})
    # Below the first chart, not beside it: beside it, it ran past the table's last column and
    # was cut off in print.
    ws.insert_chart(total + 1 + len(book.notes) + _CHART_ROWS, 0, restructure, {"x_scale": 2.2, "y_scale": 1.3})
    ws.freeze_panes(HEADER_ROW, 1)
    common.setup_print(ws, len(SUMMARY_COLUMNS) - 1, total + 2 + len(book.notes) + 2 * _CHART_ROWS, header_rows=f"{HEADER_ROW}:{HEADER_ROW}",
                       title="Kent budget planning - Summary")
    common.protect(ws)


def _summary_row(ws, styles, row: int, cells: dict[str, str], book: _Book, k: int, bold: bool,
                 first: int = 0) -> None:
    for j, c in enumerate(SUMMARY_COLUMNS[first:], first):
        fmt = styles.calc(c.kind, bold=bold)
        value = book.summary.get((k, c.key), "")
        if c.key in _SUMMARY_ARRAYS:  # IFERROR and TRIM over ranges: an array formula in every Excel
            common.write_array_formula(ws, row - 1, j, row - 1, j, cells[c.key], fmt, value)
        else:
            common.write_formula(ws, row - 1, j, cells[c.key], fmt, value)


def _how_to() -> common.HowTo:
    checks = [c for c in staff_checks(np.datetime64(EXAMPLE_AS_OF, "D")) if c.field]
    return common.HowTo(
        title="Kent budget planning",
        purpose="Plan a year's staff budget: pay after the award, on-costs, leave liability and the year-end "
                "leave carry-over, the cost of a modelled sickness absence and of redundancy for posts at risk, by cost centre.",
        sheets=[
            ("Assumptions", "The as-of date (the leave year is the one containing it), pay award, on-cost rates, "
                            "the modelled absence and redundancy date, and the cost centre list. Yellow cells are "
                            "inputs."),
            ("Staff", f"One row per employee (5,000 rows): {len(INPUT_COLUMNS)} yellow input columns; the grey "
                      f"Status column, {len(BUDGET_FIGURES)} figures and {len(HOW_COLUMNS)} How columns (each "
                      "figure explained in words), one formula per column. Hidden helper columns 'Problems: ...' "
                      "hold each input's problems."),
            ("Summary", "Headcount, FTE, pay, on-costs, leave liability, the year-end leave carried, lost and "
                        "its liability, sick pay, at-risk staff and redundancy "
                        "cost for each cost centre of the list, 'Not in the list' and the Total, over the rows "
                        "whose Status is OK; rows with problems are counted; a chart."),
            ("Person", "Type an Employee ID: that Staff row's leave, sick pay allowance left, modelled sick pay, "
                       "redundancy and notice, each with how it was worked out, to explain to the employee."),
            ("Absences", "Optional: the absence record (one row per absence: Employee ID, first and last day, "
                         "service start, annual salary, temporary 4 months or less?). KENT_SICKPAY_LOG works out "
                         "each absence's full and half pay days; the days paid in the 12 months before the "
                         "modelled absence are summed per employee into the Staff sheet's 'Paid sick days used'. "
                         "While it is empty, the typed Paid sick days column is used."),
            ("xlwings.conf", "Settings for the Windows xlwings add-in (leave as is)."),
        ],
        steps=[
            "Assumptions: set the as-of date, the pay award, and check the on-cost rates; replace the EXAMPLE "
            "pension rate and pay award with yours.",
            "Assumptions: list your cost centres (up to 20), each once, in the order the Summary should show.",
            "Staff: paste your staff list as values (Home > Paste > Values) into the yellow columns from row 5. "
            "Salaries are actual annual pay before this year's award; blank weekly hours mean full time; a blank "
            "contract type means salaried. Casual and relief staff need the hours worked this leave year.",
            "Mark posts at risk of redundancy 'Yes' (and any enhancement multiplier); enter leave taken so far, "
            "leave brought forward, long-term sickness and any deferral agreed (the year-end carry-over).",
            "Read the Status column: 'OK', or the row's problems in words (the same words as `xl-kent recalc`). "
            "A figure whose inputs have a problem is left blank; fix the row and it appears.",
            "Read the Summary: only rows whose Status is OK are totalled; the others are counted in 'Rows with "
            "problems'.",
            "No add-in? `xl-kent fill budget --staff STAFF.xlsx -o budget.xlsx` writes this workbook filled "
            "with your list: the KENT_ columns as values, every other formula live.",
        ],
        functions=["KENT_LEAVE_ACCRUAL", "KENT_SICKPAY", "KENT_SICKPAY_LOG", "KENT_REDUNDANCY_WEEKS", "KENT_NOTICE"],
        notes=[
            ("Status", "'OK', or every problem of the row, column by column in the Staff order, each in the "
                       "order the checks run, joined by '; '. Blank for a blank row. The checks (below) are those "
                       "of `xl-kent recalc` and `xl-kent fill budget`, in the same words."),
            *((f"Checks: {f.label}", "; ".join(c.reason for c in checks if c.field == f.name
                                               and (f.kind not in ("id", "grade") or c.id != "wrong_type")))
              for f in STAFF_FIELDS if any(c.field == f.name for c in checks)),
            ("Blank figures", "A figure is blank when a column it uses has a problem (each grey header's note "
                              "names its columns), or when it does not apply: pay for casual and relief staff, "
                              "redundancy for rows not at risk."),
            ("Filled copy", "`xl-kent fill budget` writes the list's rows as xl-kent read them; the leave, sick "
                            "pay and redundancy weeks columns hold values; the checks, Status, pay, on-costs, "
                            "untaken leave and its value, redundancy cost and the Summary stay formulas. The "
                            "as-of date, modelled absence and redundancy date are fixed (locked): fill again to "
                            "change them or a row; the rates stay inputs."),
            ("Pay cost (decision)", "Annual salary x (1 + pay award) x the share of the leave year employed. The "
                                    "award applies to the whole leave year."),
            ("On-costs (decision)", "Employer NI on the pay cost above the annual threshold pro-rated by the "
                                    "same share (an annual approximation of per-period NI); pension on every "
                                    "salaried row's pay cost (opt-outs are not modelled); levy on every row."),
            ("Leave liability (decision)", "Untaken days = accrued to the as-of date - taken; negative when "
                                           "leave was taken ahead of accrual, and kept negative (the Summary "
                                           "shows the net liability). Value = days x StandardDayHours x weekly "
                                           "pay / (FTE x FullTimeWeeklyHours)."),
            ("Year-end carry-over (decision)", "Untaken leave at the leave year end = the year's entitlement + "
                                               "leave brought forward - leave taken (no more leave assumed "
                                               "taken after the as-of date). The limit is the largest the row "
                                               "qualifies for, pro rata for part-time (weekly hours / "
                                               "CarryOverProRataWeeklyHours): CarryOverMaxDays (G.2.L), "
                                               "CarryOverSicknessMaxDays with long-term sickness (G.2.M), the "
                                               "deferral agreed up to CarryOverDeferredMaxDays (G.2.N); 0 for a "
                                               "leaver (G.2.O). The manager's agreement is assumed: the liability "
                                               "is the most that may be carried, at the rate of the value of "
                                               "untaken leave, without on-costs (docs/leave-carry-over.md)."),
            ("Sick pay (decision)", "Every salaried employee is modelled with the same absence (Assumptions); "
                                    "one not employed on its first day costs 0."),
            ("Redundancy (decision)", "Age and service are completed years at the redundancy date; weeks and "
                                      "cost are shown for rows at risk only; someone not employed on the date "
                                      "gets 0 weeks."),
            ("Older Excel and LibreOffice", "The grey columns are one array formula each; in Excel 2019 and "
                                            "older they are classic array formulas over the 5,000 rows. In "
                                            "LibreOffice press Ctrl+Shift+F9 after opening."),
        ],
    )


# ---------------------------------------------------------------- the Person sheet
PERSON_SHEET = "Person"
#: The Person sheet's lines: (Staff column key, label) and the How column that explains it (or None).
PERSON_LINES: tuple[tuple[str, str | None], ...] = (
    ("name", None), ("cost_centre", None), ("grade", None), ("status", None),
    ("leave_year_entitlement_days", None), ("leave_accrued_days", "leave_how"), ("leave_accrued_hours", None),
    ("leave_taken_days", None), ("leave_untaken_days", None), ("leave_value_gbp", None),
    ("leave_brought_forward_days", None), ("leave_year_end_untaken_days", None),
    ("carry_over_limit_days", "carry_over_limit_why"), ("leave_carried_days", None), ("leave_lost_days", None),
    ("leave_carried_liability_gbp", None),
    ("sick_prior_paid_days", None), ("sick_full_pay_days_left", None), ("sick_half_pay_days_left", None),
    ("sick_absence_cost_gbp", "sick_pay_how"),
    ("redundancy_weeks", "redundancy_how"), ("redundancy_pay_gbp", None),
    ("notice_days", "notice_how"), ("notice_pay_gbp", None),
)
_PERSON_ID = "PersonEmployeeID"
_PERSON_ROW = "PersonStaffRow"
_PERSON_FIRST = 7  # Excel row of the first line


def _person_default(book: _Book) -> str | float | None:
    """The Employee ID the Person sheet starts with: the first row OK and at risk (so that every
    line shows a figure), else the first OK row, else the first row with an ID."""
    j = _COL_INDEX["employee_id"]
    status = book.cached.get("status", [])
    notice = book.cached.get("notice_days", [])
    ids = [(i, row[j]) for i, row in enumerate(book.inputs) if row[j] is not None and str(row[j]).strip()]
    for test in (lambda i: status[i] == "OK" and notice[i] != "", lambda i: status[i] == "OK", lambda i: True):
        found = [v for i, v in ids if i < len(status) and test(i)] if status else [v for _, v in ids]
        if found:
            return found[0]
    return None


def _staff_value(book: _Book, key: str, i: int | None) -> Any:
    """What the Staff sheet shows in column ``key`` on data row ``i`` (0-based; None: not found)."""
    if i is None:
        return ""
    if key in book.cached:
        values = book.cached[key]
        return values[i] if i < len(values) else ""
    v = book.inputs[i][_COL_INDEX[key]] if i < len(book.inputs) else None
    v = common.cell_value(v)
    return "" if v is None else v


def _person_sheet(wb, styles: common.Styles, book: _Book) -> None:
    """One employee's figures, each beside its explanation: INDEX into the Staff sheet by the
    Employee ID typed (MATCH on the Staff IDs); the How cells are the Staff sheet's How columns,
    the KENT_ functions' own words. Live in the template and in a filled copy."""
    ws = wb.add_worksheet(PERSON_SHEET)
    common.write_title(ws, styles, "One person's figures, explained",
                       "Type an Employee ID in the yellow cell: that Staff row's figures, each with how it was "
                       "worked out (the KENT_ functions' own words), to explain to the employee.")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 110)
    ids = common.col_range(_COL_INDEX["employee_id"], sheet="Staff")
    default = _person_default(book)
    common.write_text(ws, 3, 0, "Employee ID", styles.bold)
    common._write_value(ws, 3, 1, default, styles.input("text"))
    wb.define_name(_PERSON_ID, f"={PERSON_SHEET}!$B$4")
    found = None
    if default is not None:
        j = _COL_INDEX["employee_id"]
        found = next((i for i, row in enumerate(book.inputs) if row[j] == default), None)
    common.write_text(ws, 4, 0, "Found on Staff row", styles.bold)
    match = f'IFERROR(MATCH({_PERSON_ID},{ids},0),"")'
    common.write_formula(ws, 4, 1, f"=IF(ISNUMBER({match}),{match}+{FIRST_ROW - 1},\"Not in the Staff sheet\")",
                         styles.calc("general"), "Not in the Staff sheet" if found is None else found + FIRST_ROW)
    wb.define_name(_PERSON_ROW, f"={PERSON_SHEET}!$B$5")
    r = _PERSON_FIRST - 2
    for j, head in enumerate(("Figure", "Value", "How it was worked out")):
        common.write_text(ws, r, j, head, styles.header)
    cols = {c.key: c for c in _STAFF_COLS}
    for k, (key, how) in enumerate(PERSON_LINES):
        row = _PERSON_FIRST - 1 + k
        c = cols[key]
        common.write_text(ws, row, 0, c.header, styles.bold)
        at = f"INDEX({common.col_range(_COL_INDEX[key], sheet='Staff')},{_PERSON_ROW}-{FIRST_ROW - 1})"
        value = _staff_value(book, key, found)
        kind = c.kind if key in book.cached else {"date": "date"}.get(c.kind, c.kind)
        common.write_formula(ws, row, 1, f'=IF(ISNUMBER({_PERSON_ROW}),IF({at}="","",{at}),"")',
                             styles.calc(kind), value)
        if how is None:
            ws.write_blank(row, 2, None, styles.calc("text"))
            continue
        said = f"INDEX({common.col_range(_COL_INDEX[how], sheet='Staff')},{_PERSON_ROW}-{FIRST_ROW - 1})"
        # (&"": INDEX of a blank cell is 0, which a blank How cell of the Staff sheet must not show)
        common.write_formula(ws, row, 2, f'=IF(ISNUMBER({_PERSON_ROW}),{said}&"","")', styles.calc("wrap"),
                             _staff_value(book, how, found))
        ws.set_row(row, 54)
    last = _PERSON_FIRST - 1 + len(PERSON_LINES)
    common.write_text(ws, last + 1, 0, "The figures are the Staff sheet's for that row (blank where it has a "
                      "problem: see Status); the Assumptions set the dates.", styles.note)
    common.setup_print(ws, 2, last + 1, title="Kent budget planning - Person")
    common.protect(ws)
