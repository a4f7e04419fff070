"""The KENT_ Excel functions (xlwings UDFs) over the numpy core.

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
from xl_kent.errors import OK, reason, reason_texts
from xl_kent.leave import leave_accrual, leave_explained
from xl_kent.money import round_pennies
from xl_kent.notice import notice, notice_explained
from xl_kent.redundancy import redundancy_explained, redundancy_weeks
from xl_kent.sick_pay import sick_pay, sick_pay_explained
from xl_kent.sick_pay_log import OUTPUTS as sick_pay_log_outputs
from xl_kent.sick_pay_log import sick_pay_log, sick_pay_log_explained

from ._excel import Arg, CallError, convert, last_resort, respond
from ._xw import xw

__all__ = ["KENT_SICKPAY", "KENT_REDUNDANCY_WEEKS", "KENT_LEAVE_ACCRUAL", "KENT_AWARD_OK", "KENT_SICKPAY_LOG",
           "KENT_NOTICE", "ARG_HELP"]

CATEGORY = "Kent Scheme"

E_OUTPUT = reason("#VALUE!", 'output is not one of "pay", "full_days", "half_days", "nil_days", "ssp", "explain"')
E_KIND = reason("#VALUE!", 'kind is not "team" or "individual"')
E_NOTICE_OUTPUT = reason("#VALUE!", 'output is not one of "days", "end_date", "statutory_weeks", '
                                    '"contractual_months", "pay", "explain"')

ARG_HELP: dict[str, dict[str, str]] = {
    "KENT_SICKPAY": {
        "service_start": "Continuous service date (includes Modification Order service).",
        "absence_start": "First day of the absence; fixes the sick pay band and SSP rules.",
        "absence_days": "Calendar days of this absence (1 or more).",
        "annual_salary": "Actual annual pay in £ (pro rata for part-time).",
        "prior_paid_days": "Optional. Calendar days of paid sick leave in the 12 months before (default 0).",
        "output": 'Optional. "pay" (default, £), "full_days", "half_days", "nil_days", "ssp" (£), or "explain" '
                  '(how the figures were reached, in words).',
        "temporary_short": "Optional. TRUE for a temporary contract of 4 months or less (SSP only).",
    },
    "KENT_REDUNDANCY_WEEKS": {
        "age": "Age in completed years at the termination date.",
        "years_of_service": "Completed years of continuous service (counts up to 20).",
        "multiplier": "Optional. Discretionary enhancement from 1 (default) to 2; capped at 52 weeks.",
        "explain": "Optional. TRUE gives how the weeks were reached, in words (or why the row is wrong).",
    },
    "KENT_LEAVE_ACCRUAL": {
        "grade": 'Grade: "KR Entry", "Apprentice", "KR3" to "KR13" and above, or the number (6).',
        "service_start": "Continuous service date: the 5-year uplift starts the month after the 5th anniversary.",
        "as_of": "Count leave to this date, in its 1 April - 31 March leave year (31 March = whole year).",
        "weekly_hours": 'Optional. Contracted weekly hours, up to 37 (default). For unit "casual"/"relief": hours worked.',
        "employment_start": "Optional. Start of employment (default: service_start).",
        "employment_end": "Optional. Last day of employment (blank: still employed).",
        "unit": 'Optional. "days" (default), "hours", or "casual"/"relief" for hours accrued on hours worked.',
        "explain": "Optional. TRUE gives how the leave was reached, in words (or why the row is wrong).",
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
    "KENT_SICKPAY_LOG": {
        "employee_ids": "Employee of each absence (the whole absence record's column); 1001 matches \"1001\".",
        "first_days": "First day of incapacity of each absence.",
        "last_days": "Last day of incapacity (included): the absence is last - first + 1 calendar days.",
        "service_starts": "Continuous service date, per row (fixes the band on the absence's first day).",
        "annual_salaries": "Actual annual pay in £, per row (pro rata for part-time).",
        "temporary_short": "Optional. TRUE for a temporary contract of 4 months or less (SSP only); per row.",
        "output": 'Optional. "pay" (default, £), "full_days", "half_days", "nil_days", "ssp" (£), '
                  '"prior_paid_days", "ssp_days_left" or "explain" (how, in words).',
    },
    "KENT_NOTICE": {
        "grade": 'Grade: "KR Entry", "Apprentice", "KR3" to "KR13" and above, or the number (6).',
        "service_start": "Continuous service date: statutory notice counts complete months of service to notice_date.",
        "notice_date": "Day KCC gives notice: the notice runs from it.",
        "output": 'Optional. "days" (default), "end_date" (a date), "statutory_weeks", "contractual_months", '
                  '"pay" (pay in lieu, £) or "explain" (which notice applies and why, in words).',
        "annual_salary": 'Optional. Actual annual pay in £; needed for output "pay" (days x salary / 365).',
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

# Each UDF answers a malformed call (ragged or 2-D ranges, columns of different lengths)
# with the one error value of _excel.CallError, and, should a bug raise anyway, with
# _excel.last_resort's #VALUE!: nothing raises into Excel.


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
        v = rows.values
        r = sick_pay(
            v["service_start"], v["absence_start"], v["absence_days"], v["annual_salary"],
            v["prior_paid_days"], v["temporary_short"],
        )
        which = np.char.lower(v["output"].astype(str))
        value = np.select(
            [which == o for o in _SICKPAY_OUTPUTS],
            [round_pennies(r.pay_gbp), r.full_pay_days, r.half_pay_days, r.nil_pay_days,
             round_pennies(r.ssp_gbp)],
            np.nan,
        )
        explain = which == "explain"
        error = np.where(np.isin(which, _SICKPAY_OUTPUTS) | explain, r.error, E_OUTPUT)
        words = None
        if explain.any():  # the sentences only when asked for (they cost more than the figures)
            words = sick_pay_explained(
                v["service_start"], v["absence_start"], v["absence_days"], v["annual_salary"],
                v["prior_paid_days"], v["temporary_short"],
            )
        return respond(rows, value, error, words, explain)
    except CallError as bad:
        return bad.answer
    except Exception:  # last resort: a bug must never crash Excel
        return last_resort("KENT_SICKPAY", (service_start, absence_start, absence_days, annual_salary,
                                            prior_paid_days, output, temporary_short))


@_documented("KENT_REDUNDANCY_WEEKS")
def KENT_REDUNDANCY_WEEKS(age, years_of_service, multiplier=1, explain=False):
    """Weeks' pay due on redundancy (Kent Scheme I.2.G, Appendix 2 ready reckoner), times the enhancement multiplier, at most 52 weeks. Under 2 years' service gives 0. Works on single cells or whole columns.

    Examples
    --------
    >>> KENT_REDUNDANCY_WEEKS(42, 2)
    2.5
    >>> KENT_REDUNDANCY_WEEKS([[61], [30], ["#N/A"]], [[20], [40], [5]])
    [[30.0], ['#NUM!'], ['#N/A']]
    >>> KENT_REDUNDANCY_WEEKS([[42], [30]], [[2], [40]], explain=True)  # how, or why not, in words
    [["Age 42 with 2 years' service: 1 year at 1.5 weeks (aged 41 or over all year) + 1 year at 1 week (aged 22 to 40) = 2.5 weeks"], ['years_of_service is longer than age']]
    """
    try:
        rows = convert([
            Arg("age", age, "number"),
            Arg("years_of_service", years_of_service, "number"),
            Arg("multiplier", multiplier, "number", False, 1),
            Arg("explain", explain, "bool", False, False),  # one setting, or one per row
        ])
        v = rows.values
        r = redundancy_weeks(v["age"], v["years_of_service"], v["multiplier"])
        said = v["explain"]
        words = redundancy_explained(v["age"], v["years_of_service"], v["multiplier"]) if said.any() else None
        return respond(rows, r.weeks, r.error, words, said)
    except CallError as bad:
        return bad.answer
    except Exception:  # last resort: a bug must never crash Excel
        return last_resort("KENT_REDUNDANCY_WEEKS", (age, years_of_service, multiplier, explain))


@_documented("KENT_LEAVE_ACCRUAL")
def KENT_LEAVE_ACCRUAL(
    grade,
    service_start,
    as_of,
    weekly_hours=37,
    employment_start=None,
    employment_end=None,
    unit="days",
    explain=False,
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
            Arg("grade", grade, "text", needs_grade),
            Arg("service_start", service_start, "date", needs_grade),
            Arg("as_of", as_of, "date"),
            Arg("weekly_hours", weekly_hours, "number", False, None),
            Arg("employment_start", employment_start, "date", False),
            Arg("employment_end", employment_end, "date", False),
            Arg("unit", unit, "text", False, "days"),
            Arg("explain", explain, "bool", False, False),  # one setting, or one per row
        ])
        v = rows.values
        inputs = (v["grade"], v["service_start"], v["as_of"], v["weekly_hours"],
                  v["employment_start"], v["employment_end"], v["unit"])
        r = leave_accrual(*inputs)
        value = np.where(np.isnan(r.value), r.value, np.round(r.value, 10))  # float noise only
        said = v["explain"]
        words = leave_explained(*inputs) if said.any() else None
        return respond(rows, value, r.error, words, said)
    except CallError as bad:
        return bad.answer
    except Exception:  # last resort: a bug must never crash Excel
        return last_resort("KENT_LEAVE_ACCRUAL", (grade, service_start, as_of, weekly_hours,
                                                  employment_start, employment_end, unit, explain))


def needs_grade(values: dict[str, np.ndarray]) -> np.ndarray:
    """The rows that need a grade and a service date: all but casual accrual (unit per row)."""
    unit = values["unit"]
    if unit.size and (unit == unit[0]).all():  # one unit for all rows (the usual call)
        return np.full(unit.shape, str(unit[0]).lower() != "casual")
    return np.char.lower(unit.astype(str)) != "casual"


def unit_needs_grade(unit) -> bool:
    """Casual accrual needs no grade or service date; every other unit does (one unit)."""
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
            Arg("explain", explain, "bool", False, False),  # one setting, or one per row
        ])
        v = rows.values
        kind = np.char.lower(v["kinds"].astype(str))
        bad_kind = ~np.isin(kind, ("team", "individual"))
        error = rows.error
        # Rows that are blank or already bad must not count towards anyone's totals.
        usable = (error == OK) & ~rows.blank & ~bad_kind
        r = award_ok(
            np.where(usable, v["employee_ids"], ""), v["award_dates"],
            np.where(usable, v["amounts"], np.nan), kind == "team",
            v["work_refs"], v["endorsed"], v["ineligible"],
        )
        error = np.where(error != OK, error, np.where(bad_kind, E_KIND, r.error))
        value = np.asarray(r.ok, dtype=object)
        if not v["explain"].any():
            return respond(rows, value, error)
        # Explained, a bad row gives its reason in words, not an error value (RULES.md, "Every
        # figure explained"; docs/functions.md), as every other function's explanation does.
        said = np.where(error != OK, reason_texts(error), explain_rules(r.rule, None, v["award_dates"]))
        return respond(rows, value, error, said, v["explain"])
    except CallError as bad:
        return bad.answer
    except Exception:  # last resort: a bug must never crash Excel
        return last_resort("KENT_AWARD_OK", (employee_ids, award_dates, amounts, kinds, work_refs,
                                             endorsed, ineligible, explain))


_LOG_OUTPUTS = ("pay", *(o for o in sick_pay_log_outputs if o != "pay"))  # the default first, as documented
E_LOG_OUTPUT = reason("#VALUE!", "output is not one of " + ", ".join(f'"{o}"' for o in (*_LOG_OUTPUTS, "explain")))
_MONEY_OUTPUTS = ("pay", "ssp")  # in £: rounded to the penny at the edge; the others are days
# The arguments that are facts of the absence record: a row where one of them cannot be read
# takes no part in the other rows' figures. ``output`` is only a choice of what to show.
_LOG_FACTS = ("employee_ids", "first_days", "last_days", "service_starts", "annual_salaries", "temporary_short")


@_documented("KENT_SICKPAY_LOG")
def KENT_SICKPAY_LOG(
    employee_ids,
    first_days,
    last_days,
    service_starts,
    annual_salaries,
    temporary_short=False,
    output="pay",
):
    """Kent Scheme sick pay over an absence record (chapter J.2): for each absence, KENT_SICKPAY's figures with the paid sick days of the last 12 months and linked SSP read from the record itself. Judges every row against the whole record.

    Examples
    --------
    >>> import datetime as dt
    >>> KENT_SICKPAY_LOG([["E1"], ["e1"]], [[dt.date(2025, 5, 1)], [dt.date(2025, 6, 1)]],
    ...                  [[dt.date(2025, 5, 10)], [dt.date(2025, 6, 5)]], dt.date(2018, 1, 1), 36500,
    ...                  output="prior_paid_days")
    [[0.0], [10.0]]
    >>> KENT_SICKPAY_LOG("E1", dt.date(2025, 5, 1), dt.date(2025, 5, 10), dt.date(2018, 1, 1), 36500)
    1000.0
    """
    try:
        rows = convert([
            Arg("employee_ids", employee_ids, "text"),
            Arg("first_days", first_days, "date"),
            Arg("last_days", last_days, "date"),
            Arg("service_starts", service_starts, "date"),
            Arg("annual_salaries", annual_salaries, "number"),
            Arg("temporary_short", temporary_short, "bool", False, False),
            Arg("output", output, "text", False, "pay"),
        ])
        v = rows.values
        # Rows that are blank or cannot be read take no part in the record (a blank id
        # leaves a row out of the core's record); their own answer is the conversion's.
        unreadable = np.logical_or.reduce([rows.problems[name] for name in _LOG_FACTS])
        which = v["output"]
        if which.size and (which == which[0]).all():  # one output for every row (the usual call)
            which = str(which[0])
        chosen = np.char.lower(np.char.strip(np.asarray(which, dtype=str)))
        explain = chosen == "explain"
        unknown = ~np.isin(chosen, _LOG_OUTPUTS) & ~explain
        if explain.any() or unknown.any():  # the core works out "pay" for those rows (the sentence holds it)
            which = "pay" if (explain | unknown).all() else np.where(explain | unknown, "pay", which)
        r = sick_pay_log(
            np.where(unreadable, "", v["employee_ids"]), v["first_days"], v["last_days"],
            v["service_starts"], v["annual_salaries"], v["temporary_short"], which,
        )
        money = np.isin(chosen, _MONEY_OUTPUTS)
        value = np.where(money, round_pennies(r.value), np.round(r.value, 10))  # days: float noise only
        words = None
        if explain.any():  # the same record, the same rows left out
            words = sick_pay_log_explained(
                np.where(unreadable, "", v["employee_ids"]), v["first_days"], v["last_days"],
                v["service_starts"], v["annual_salaries"], v["temporary_short"],
            )
        return respond(rows, value, np.where(unknown, E_LOG_OUTPUT, r.error), words, explain)
    except CallError as bad:
        return bad.answer
    except Exception:  # last resort: a bug must never crash Excel
        return last_resort("KENT_SICKPAY_LOG", (employee_ids, first_days, last_days, service_starts,
                                                annual_salaries, temporary_short, output))


_NOTICE_OUTPUTS = ("days", "end_date", "statutory_weeks", "contractual_months", "pay")


def needs_salary(values: dict[str, np.ndarray]) -> np.ndarray:
    """The rows that need a salary: output "pay" (output per row, or one for all)."""
    which = values["output"]
    if which.size and (which == which[0]).all():  # one output for all rows (the usual call)
        return np.full(which.shape, str(which[0]).lower() == "pay")
    return np.char.lower(which.astype(str)) == "pay"


def as_excel_dates(days: np.ndarray) -> np.ndarray:
    """``datetime64[D]`` as ``datetime.datetime`` at midnight (an object array; ``None`` for NaT).

    xlwings writes a ``datetime`` as a date: the classic add-in hands Excel a date value
    (shown date-formatted), xlwings Lite a number in the workbook's date format; Calc's
    bridge turns it into the document's serial number.
    """
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[us]").astype(object)


@_documented("KENT_NOTICE")
def KENT_NOTICE(grade, service_start, notice_date, output="days", annual_salary=None):
    """Notice KCC gives (Kent Scheme L.1-L.3, I.2.E): contractual notice of the grade or statutory notice of the service, whichever ends later. Days (default), end date, statutory weeks, contractual months or pay in lieu. Works on single cells or whole columns.

    Examples
    --------
    >>> import datetime as dt
    >>> KENT_NOTICE("KR6", dt.date(2016, 3, 1), dt.date(2026, 3, 1))
    70.0
    >>> KENT_NOTICE("KR10", dt.date(2014, 3, 1), dt.date(2026, 3, 1), "end_date")
    datetime.datetime(2026, 6, 1, 0, 0)
    >>> KENT_NOTICE([["KR9"], [None], ["KR2"]], dt.date(2020, 1, 1), dt.date(2026, 1, 31), "pay", 36500)
    [[5900.0], [''], ['#N/A']]
    >>> KENT_NOTICE("KR2", dt.date(2020, 1, 1), dt.date(2026, 1, 31), "explain")
    'grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)'
    """
    try:
        rows = convert([
            Arg("grade", grade, "text"),
            Arg("service_start", service_start, "date"),
            Arg("notice_date", notice_date, "date"),
            Arg("output", output, "text", False, "days"),
            Arg("annual_salary", annual_salary, "number", needs_salary),
        ])
        v = rows.values
        r = notice(v["grade"], v["service_start"], v["notice_date"], v["annual_salary"])
        which = np.char.lower(v["output"].astype(str))
        value = np.select(
            [which == o for o in ("days", "statutory_weeks", "contractual_months", "pay")],
            [r.days, r.statutory_weeks, r.contractual_months, round_pennies(r.pay_gbp)],
            np.nan,
        )
        dated = which == "end_date"
        if dated.any():  # dates as dates; the numbers of the other rows are finite or in error
            value = np.where(dated, as_excel_dates(r.end_date), value.astype(object))
        error = np.where(which == "pay", r.pay_error, r.error)
        explain = which == "explain"
        error = np.where(np.isin(which, _NOTICE_OUTPUTS) | explain, error, E_NOTICE_OUTPUT)
        words = None
        if explain.any():
            words = notice_explained(v["grade"], v["service_start"], v["notice_date"], v["annual_salary"])
        return respond(rows, value, error, words, explain)
    except CallError as bad:
        return bad.answer
    except Exception:  # last resort: a bug must never crash Excel
        return last_resort("KENT_NOTICE", (grade, service_start, notice_date, output, annual_salary))
