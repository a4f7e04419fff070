"""The four KENT_ Excel functions (xlwings UDFs) over the numpy core.

Each takes single cells or whole columns and returns one value, or an ``n x 1``
column that spills in Excel 365. Bad rows get an Excel error value with a documented
reason (docs/functions.md); rows whose required inputs are all blank give ``""``.

On Linux the xlwings decorators do nothing, so these are plain Python functions;
on Windows they are the classic add-in's UDFs (UDF Modules: ``udfs``), and in
xlwings Lite/Server the same module serves.
"""

from __future__ import annotations

import numpy as np

from xl_kent.awards import award_ok
from xl_kent.awards import explain as explain_rules
from xl_kent.errors import reason
from xl_kent.leave import leave_accrual
from xl_kent.money import round_pennies
from xl_kent.redundancy import redundancy_weeks
from xl_kent.sick_pay import sick_pay

from ._excel import Arg, ShapeError, convert, respond, whole_call_error
from ._xw import xw

__all__ = ["KENT_SICKPAY", "KENT_REDUNDANCY_WEEKS", "KENT_LEAVE_ACCRUAL", "KENT_AWARD_OK", "ARG_HELP"]

CATEGORY = "Kent Scheme"

E_OUTPUT = reason("#VALUE!", 'output is not one of "pay", "full_days", "half_days", "nil_days", "ssp"')
E_KIND = reason("#VALUE!", 'kind is not "team" or "individual"')

ARG_HELP: dict[str, dict[str, str]] = {
    "KENT_SICKPAY": {
        "service_start": "Continuous service date (includes Modification Order service).",
        "absence_start": "First day of the absence; fixes the sick pay band and SSP rules.",
        "absence_days": "Calendar days of this absence (1 or more).",
        "annual_salary": "Actual annual pay in £ (pro rata for part-time).",
        "prior_paid_days": "Optional. Calendar days of paid sick leave in the 12 months before (default 0).",
        "output": 'Optional. "pay" (default, £), "full_days", "half_days", "nil_days" or "ssp" (£).',
        "temporary_short": "Optional. TRUE for a temporary contract of 4 months or less (SSP only).",
    },
    "KENT_REDUNDANCY_WEEKS": {
        "age": "Age in completed years at the termination date.",
        "years_of_service": "Completed years of continuous service (counts up to 20).",
        "multiplier": "Optional. Discretionary enhancement from 1 (default) to 2; capped at 52 weeks.",
    },
    "KENT_LEAVE_ACCRUAL": {
        "grade": 'Grade: "KR Entry", "Apprentice", "KR3" to "KR13" and above, or the number (6).',
        "service_start": "Continuous service date: the 5-year uplift starts the month after the 5th anniversary.",
        "as_of": "Count leave to this date, in its 1 April - 31 March leave year (31 March = whole year).",
        "weekly_hours": 'Optional. Contracted weekly hours, up to 37 (default). For unit "casual"/"relief": hours worked.',
        "employment_start": "Optional. Start of employment (default: service_start).",
        "employment_end": "Optional. Last day of employment (blank: still employed).",
        "unit": 'Optional. "days" (default), "hours", or "casual"/"relief" for hours accrued on hours worked.',
    },
    "KENT_AWARD_OK": {
        "employee_ids": "Employee of each award payment (the whole award log's column).",
        "award_dates": "Date of each award.",
        "amounts": "Amount paid to this employee, in £.",
        "kinds": 'Optional. "individual" (default when blank) or "team".',
        "work_refs": "Optional. Reference of the work rewarded (team awards are grouped by it).",
        "endorsed": "Optional. TRUE when a team award is endorsed by a senior manager outside the team.",
        "ineligible": "Optional. TRUE for Teachers' terms or under the performance and capability procedure.",
        "explain": 'Optional. TRUE gives "OK" or the first rule broken, in words, instead of TRUE/FALSE.',
    },
}
"""Help for each argument: Excel's function wizard (through xlwings) and Calc's."""


def _documented(name: str):
    """Register ``name`` with xlwings, one ``xw.arg`` per argument of :data:`ARG_HELP`."""

    def wrap(f):
        for arg, doc in reversed(ARG_HELP[name].items()):
            f = xw.arg(arg, doc=doc, err_to_str=True)(f)
        return xw.func(category=CATEGORY)(f)

    return wrap


_SICKPAY_OUTPUTS = ("pay", "full_days", "half_days", "nil_days", "ssp")


def _is_range(*values) -> bool:
    return any(isinstance(v, (list, tuple, np.ndarray)) for v in values)


@_documented("KENT_SICKPAY")
def KENT_SICKPAY(
    service_start,
    absence_start,
    absence_days,
    annual_salary,
    prior_paid_days=0,
    output="pay",
    temporary_short=False,
):
    """Kent Scheme sick pay for one absence (chapter J.2): gross £ paid, or the full, half or nil pay days, or the statutory sick pay within it. Works on single cells or whole columns.

    Examples
    --------
    >>> import datetime as dt
    >>> KENT_SICKPAY(dt.datetime(2020, 1, 6), dt.datetime(2025, 5, 1), 10, 36500)
    1000.0
    >>> KENT_SICKPAY([[dt.date(2020, 1, 6)], [None], ["soon"]], dt.date(2025, 5, 1),
    ...              [[10], [None], [5]], 36500)
    [[1000.0], [''], ['#VALUE!']]
    """
    try:
        rows = convert([
            Arg("service_start", service_start, "date"),
            Arg("absence_start", absence_start, "date"),
            Arg("absence_days", absence_days, "number"),
            Arg("annual_salary", annual_salary, "number"),
            Arg("prior_paid_days", prior_paid_days, "number", False, 0),
            Arg("output", output, "text", False, "pay"),
            Arg("temporary_short", temporary_short, "bool", False, False),
        ])
    except ShapeError:
        return whole_call_error(_is_range(service_start, absence_start, absence_days, annual_salary))
    v = rows.values
    r = sick_pay(
        v["service_start"], v["absence_start"], v["absence_days"], v["annual_salary"],
        v["prior_paid_days"], v["temporary_short"],
    )
    which = np.char.lower(v["output"].astype(str))
    value = np.select(
        [which == o for o in _SICKPAY_OUTPUTS],
        [round_pennies(r.pay_gbp), r.full_pay_days, r.half_pay_days, r.nil_pay_days, round_pennies(r.ssp_gbp)],
        np.nan,
    )
    error = np.where(np.isin(which, _SICKPAY_OUTPUTS), r.error, E_OUTPUT)
    return respond(rows, value, error)


@_documented("KENT_REDUNDANCY_WEEKS")
def KENT_REDUNDANCY_WEEKS(age, years_of_service, multiplier=1):
    """Weeks' pay due on redundancy (Kent Scheme I.2.G, Appendix 2 ready reckoner), times the enhancement multiplier, at most 52 weeks. Under 2 years' service gives 0. Works on single cells or whole columns.

    Examples
    --------
    >>> KENT_REDUNDANCY_WEEKS(42, 2)
    2.5
    >>> KENT_REDUNDANCY_WEEKS([[61], [30], ["#N/A"]], [[20], [40], [5]])
    [[30.0], ['#NUM!'], ['#N/A']]
    """
    try:
        rows = convert([
            Arg("age", age, "number"),
            Arg("years_of_service", years_of_service, "number"),
            Arg("multiplier", multiplier, "number", False, 1),
        ])
    except ShapeError:
        return whole_call_error(_is_range(age, years_of_service))
    v = rows.values
    r = redundancy_weeks(v["age"], v["years_of_service"], v["multiplier"])
    return respond(rows, r.weeks, r.error)


@_documented("KENT_LEAVE_ACCRUAL")
def KENT_LEAVE_ACCRUAL(
    grade,
    service_start,
    as_of,
    weekly_hours=37,
    employment_start=None,
    employment_end=None,
    unit="days",
):
    """Annual leave accrued in the leave year to a date (Kent Scheme G.1, G.2), in days or hours, pro rata for part-time, joiners and leavers; or the hours a casual or relief worker accrues on hours worked. Works on single cells or whole columns.

    Examples
    --------
    >>> import datetime as dt
    >>> KENT_LEAVE_ACCRUAL("KR6", dt.date(2015, 6, 1), dt.date(2026, 3, 31))
    29.0
    >>> KENT_LEAVE_ACCRUAL("KR6", dt.date(2015, 6, 1), dt.date(2026, 3, 31), 18.5, unit="hours")
    107.0
    >>> KENT_LEAVE_ACCRUAL(None, None, dt.date(2026, 5, 31), 20, unit="casual")
    2.42
    """
    try:
        rows = convert([
            Arg("grade", grade, "text", unit_needs_grade(unit)),
            Arg("service_start", service_start, "date", unit_needs_grade(unit)),
            Arg("as_of", as_of, "date"),
            Arg("weekly_hours", weekly_hours, "number", False, None),
            Arg("employment_start", employment_start, "date", False),
            Arg("employment_end", employment_end, "date", False),
            Arg("unit", unit, "text", False, "days"),
        ])
    except ShapeError:
        return whole_call_error(_is_range(grade, service_start, as_of))
    v = rows.values
    r = leave_accrual(
        v["grade"], v["service_start"], v["as_of"], v["weekly_hours"],
        v["employment_start"], v["employment_end"], v["unit"],
    )
    value = np.where(np.isnan(r.value), r.value, np.round(r.value, 10))  # float noise only
    return respond(rows, value, r.error)


def unit_needs_grade(unit) -> bool:
    """Casual accrual needs no grade or service date; every other unit does."""
    return not (isinstance(unit, str) and unit.strip().lower() == "casual")


@_documented("KENT_AWARD_OK")
def KENT_AWARD_OK(
    employee_ids,
    award_dates,
    amounts,
    kinds=None,
    work_refs=None,
    endorsed=None,
    ineligible=None,
    explain=False,
):
    """Is each recognition cash award within the scheme? Judges every row of an award log against the whole log: £500 an award, £1,000 an employee in 12 months, no work rewarded twice, team awards endorsed, eligible staff only.

    Examples
    --------
    >>> import datetime as dt
    >>> KENT_AWARD_OK([["E1"], ["E1"], ["E1"]],
    ...               [[dt.date(2025, 1, 10)], [dt.date(2025, 6, 1)], [dt.date(2026, 1, 9)]],
    ...               [[400], [500], [200]], explain=True)
    [['OK'], ['OK'], ['Over the £1,000 limit for one employee in 12 months']]
    """
    try:
        rows = convert([
            Arg("employee_ids", employee_ids, "text"),
            Arg("award_dates", award_dates, "date"),
            Arg("amounts", amounts, "number"),
            Arg("kinds", kinds, "text", False, "individual"),
            Arg("work_refs", work_refs, "text", False),
            Arg("endorsed", endorsed, "bool", False, False),
            Arg("ineligible", ineligible, "bool", False, False),
        ])
        explain_rows = convert([Arg("explain", explain, "bool", False, False)])
    except ShapeError:
        return whole_call_error(_is_range(employee_ids, award_dates, amounts))
    v = rows.values
    kind = np.char.lower(v["kinds"].astype(str))
    bad_kind = ~np.isin(kind, ("team", "individual"))
    # Rows that are blank or already bad must not count towards anyone's totals.
    usable = (rows.error == 0) & ~rows.blank & ~bad_kind
    r = award_ok(
        np.where(usable, v["employee_ids"], ""), v["award_dates"],
        np.where(usable, v["amounts"], np.nan), kind == "team",
        v["work_refs"], v["endorsed"], v["ineligible"],
    )
    error = np.where(bad_kind & (rows.error == 0), E_KIND, r.error)
    want_words = bool(explain_rows.values["explain"][0])
    if want_words:
        value = explain_rules(r.rule, None, v["award_dates"])
    else:
        value = r.ok
    return respond(rows, np.asarray(value, dtype=object), error)
