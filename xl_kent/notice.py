"""Notice that KCC gives an employee (Kent Scheme L.1-L.3 and I.2.E).

:func:`notice` gives, per row, the notice KCC must give from ``notice_date``: the
contractual notice of the grade or the statutory notice of the service, whichever
ends later ("statutory or contractual notice will apply, whichever is the longer",
L.1; "statutory notice will be given where it exceeds KCC's own contractual notice",
L.3).

* Contractual notice by grade (L.2.A; parameter ``notice.contractual_months_by_grade``):
  KR Entry, Apprentice and KR3 to KR8: 1 month; KR9: 2 months; KR10 and above:
  3 months. It ends on ``EDATE(notice_date, months)``.
* Statutory notice by continuous service at ``notice_date`` in complete months (as
  ``DATEDIF "M"``; parameter ``notice.statutory_service_bands``): under 1 month none;
  1 month to under 2 years 1 week; 2 to under 12 years 1 week per complete year;
  12 years or more 12 weeks. It ends ``7 * weeks`` days after ``notice_date``.
* ``days`` is the calendar days from ``notice_date`` to the later end; ``pay_gbp``
  is those days at actual pay, ``days * annual_salary / 365`` (B.2.D apportionment),
  unrounded: pay in lieu of notice.

Grades are read by the grade parser of :mod:`xl_kent.leave` ("KR6", "kr 6", 6,
"KR Entry", "Apprentice"). Every row is judged on its own; bad rows get a reason
code and ``nan`` (``NaT`` for the end date), never an exception.

Examples
--------
KR6 with 10 years' service: 10 weeks (70 days) beat 1 month; KR10 with 12 years:
3 months (92 days from 1 March) beat 12 weeks (84 days).

>>> r = notice(["KR6", "KR10"], ["2016-03-01", "2014-03-01"], "2026-03-01")
>>> r.days.tolist(), r.statutory_weeks.tolist(), r.contractual_months.tolist()
([70.0, 92.0], [10.0, 12.0], [1.0, 3.0])
>>> r.end_date.astype(str).tolist()
['2026-05-10', '2026-06-01']

Pay in lieu needs the salary; a bad row keeps its own reason:

>>> r = notice("KR Entry", "2025-01-31", ["2025-12-31", "2024-12-31"], 36500)
>>> r.pay_gbp.tolist()[0], describe(r.error)
(3100.0, [(1, '#NUM!', 'service_start is after notice_date')])
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

from . import params
from ._arrays import blockwise, broadcast_rows, dates, floats
from .dates import EXCEL_EPOCH, MAX_EXCEL_SERIAL, MONTHS_PER_YEAR, add_months, complete_months
from .errors import OK, describe, first_reason, reason, set_above, set_error
from .leave import named_grades, parse_grades

__all__ = ["Notice", "notice", "contractual_months", "statutory_weeks", "describe"]

E_GRADE_BLANK = reason("#VALUE!", "grade is blank")
E_GRADE = reason("#N/A", "grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)")
E_SERVICE_START = reason("#VALUE!", "service_start is blank or not a date")
E_NOTICE_DATE = reason("#VALUE!", "notice_date is blank or not a date")
E_ORDER = reason("#NUM!", "service_start is after notice_date")
E_NO_RULES = reason("#N/A", "no notice rules are in force on notice_date")
E_END = reason("#NUM!", "the notice would end after 31 December 9999, Excel's last date")
E_SALARY = reason("#VALUE!", 'annual_salary is blank or not a number (needed for output "pay")')
E_SALARY_RANGE = reason("#NUM!", "annual_salary is not above 0")
# The salary bound of KENT_SICKPAY (RULES.md, decided round 2; plausibility.max_annual_salary_gbp).
W_SALARY_HIGH = "annual_salary is above £{0:,.0f} (a typing error?)"
reason("#NUM!", W_SALARY_HIGH.format(params.parameter("plausibility", "max_annual_salary_gbp").value_on()))

DAYS_PER_WEEK = 7  # calendar fact, not a policy number
_LAST_DATE = EXCEL_EPOCH + np.timedelta64(MAX_EXCEL_SERIAL, "D")  # 9999-12-31
_SAFE_DATE = np.datetime64("2020-01-01", "D")  # stands in for a bad row's dates until masked


class Notice(NamedTuple):
    """Result of :func:`notice` (``nan`` / ``NaT`` on bad rows).

    ``error`` is the row's reason code for the notice itself; ``pay_error`` is
    ``error``, else the salary's reason (blank, not above 0, a typing error), for
    ``pay_gbp`` only: a row without a salary still has its days and end date.
    """

    days: np.ndarray  # calendar days from notice_date to the end of the notice that applies
    end_date: np.ndarray  # datetime64[D]
    statutory_weeks: np.ndarray
    contractual_months: np.ndarray
    pay_gbp: np.ndarray  # days at actual pay (pay in lieu of notice), unrounded
    error: np.ndarray
    pay_error: np.ndarray


def _p(name: str) -> params.Parameter:
    return params.parameter("notice", name)


def _months_table(bands, top_kr: int) -> tuple[np.ndarray, int]:
    """Contractual months indexed by ``grade code + offset`` (``nan``: no such grade)."""
    names = named_grades()
    offset = len(names) + 1
    top = max(top_kr, *(b["from_kr"] for b in bands), 0)
    months = np.full(offset + top + 1, np.nan)
    for band in bands:  # loop over the few bands of a dated table, not rows
        last = band["to_kr"] if band["to_kr"] > 0 else top
        sel = [offset + k for k in range(band["from_kr"], last + 1)]
        sel += [offset - 2 - names.index(n.upper().replace(" ", "")) for n in band["grades"]
                if n.upper().replace(" ", "") in names]
        months[sel] = band["months"]
    return months, offset


def _months_by_code(code: np.ndarray, on: np.ndarray) -> np.ndarray:
    table = _p("contractual_months_by_grade")
    entry = table.index(on)
    top_kr = int(code.max(initial=0))
    months = np.full(code.shape, np.nan)
    for i, e in enumerate(table.entries):  # loop over dated tables, not rows
        tab, offset = _months_table(e.value, top_kr)
        months = np.where(entry == i, tab[code + offset], months)
    return months


def contractual_months(grade, on) -> np.ndarray:
    """Contractual notice in months for each grade, by the table in force on ``on``.

    An unknown grade (or no table in force) gives ``nan``.

    >>> contractual_months(["KR Entry", "Apprentice", "kr 8", 9, "KR10", "KR13", "KR2"], "2026-01-01").tolist()
    [1.0, 1.0, 1.0, 2.0, 3.0, 3.0, nan]
    """
    code, _blank = parse_grades(np.asarray(grade, dtype=object) if isinstance(grade, list) else grade)
    return _months_by_code(code, np.broadcast_to(dates(on), code.shape))


@cache
def _band_tables() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each dated statutory table as arrays: service edges (months), weeks, weeks per year."""
    return [
        (np.array([b["from_months"] for b in e.value]),
         np.array([b["weeks"] for b in e.value], dtype=float),
         np.array([b["weeks_per_year"] for b in e.value], dtype=float))
        for e in _p("statutory_service_bands").entries
    ]


def statutory_weeks(service_months, on) -> np.ndarray:
    """Statutory notice in weeks for ``service_months`` complete months of service.

    The table in force on ``on`` is used (``nan`` where none is, or for negative service).

    >>> statutory_weeks(np.array([0, 1, 23, 24, 143, 144, 240]), np.datetime64("2026-01-01")).tolist()
    [0.0, 1.0, 1.0, 2.0, 11.0, 12.0, 12.0]
    """
    m = np.asarray(service_months)
    on = np.broadcast_to(np.asarray(on, dtype="datetime64[D]"), m.shape)
    entry = _p("statutory_service_bands").index(on)
    years = np.floor_divide(m, MONTHS_PER_YEAR)
    weeks = np.full(m.shape, np.nan)
    for i, (edges, base, per_year) in enumerate(_band_tables()):  # dated entries, not rows
        b = np.searchsorted(edges, m, side="right") - 1
        inside = (entry == i) & (b >= 0)
        b = np.clip(b, 0, None)
        weeks = np.where(inside, base[b] + per_year[b] * years, weeks)
    return weeks


def notice(grade, service_start, notice_date, annual_salary_gbp=None) -> Notice:
    """Notice KCC gives from ``notice_date``, per row: the longer of contractual and statutory.

    Parameters
    ----------
    grade : array_like
        "KR Entry", "Apprentice", "KR3" and above, "kr 6", or the number 6.
    service_start : array_like of dates
        Continuous service date (``datetime64``, ``date`` or Excel serial).
    notice_date : array_like of dates
        Day notice is given: service is counted to it and the notice runs from it.
    annual_salary_gbp : array_like of float, optional
        Actual annual pay, for ``pay_gbp`` only (its problems go to ``pay_error``).

    Returns
    -------
    Notice
        ``days``, ``end_date``, ``statutory_weeks``, ``contractual_months``,
        ``pay_gbp``, ``error`` and ``pay_error``.

    Examples
    --------
    EDATE ends a month's notice on the last day of a shorter month:

    >>> r = notice("KR3", "2023-06-01", ["2026-01-31", "2024-01-31"])
    >>> r.end_date.astype(str).tolist(), r.days.tolist()
    (['2026-02-28', '2024-02-29'], [28.0, 29.0])
    """
    code, grade_blank = parse_grades(np.asarray(grade, dtype=object) if isinstance(grade, list) else grade)
    columns, shape = broadcast_rows(code, grade_blank, dates(service_start), dates(notice_date),
                                    floats(annual_salary_gbp))
    out = blockwise(_notice_rows, *columns)
    return Notice(*[a.reshape(shape) for a in out])


def _notice_rows(code, grade_blank, ss, nd, salary):
    """The rules over 1-D rows (see :func:`notice`)."""
    error = first_reason(
        (grade_blank, E_GRADE_BLANK),
        (np.isnat(ss), E_SERVICE_START),
        (np.isnat(nd), E_NOTICE_DATE),
        (ss > nd, E_ORDER),
    )
    months = _months_by_code(code, nd)
    service = complete_months(np.where(error == OK, ss, _SAFE_DATE), np.where(error == OK, nd, _SAFE_DATE))
    weeks = statutory_weeks(service, nd)
    (days_per_year,), in_force = params.lookup(nd, params.parameter("pay", "days_per_year"))
    rules = in_force & (_p("contractual_months_by_grade").index(nd) >= 0) & ~np.isnan(weeks)
    set_error(error, ~rules, E_NO_RULES)
    set_error(error, np.isnan(months), E_GRADE)

    good = error == OK
    nd_safe = np.where(good, nd, _SAFE_DATE)
    contract_end = add_months(nd_safe, np.where(good, months, 0).astype(np.int64))
    statute_end = nd_safe + (DAYS_PER_WEEK * np.where(good, weeks, 0)).astype("timedelta64[D]")
    end = np.maximum(contract_end, statute_end)
    set_error(error, end > _LAST_DATE, E_END)

    good = error == OK
    days = np.where(good, (end - nd_safe).astype(np.float64), np.nan)
    pay_error = error.copy()
    set_error(pay_error, np.isnan(salary), E_SALARY)
    set_error(pay_error, ~(salary > 0), E_SALARY_RANGE)
    max_salary, _ = params.parameter("plausibility", "max_annual_salary_gbp").at(nd_safe)
    set_above(pay_error, salary, max_salary, "#NUM!", W_SALARY_HIGH)
    pay = np.where(pay_error == OK, days * salary / np.where(good, days_per_year, 1.0), np.nan)
    return (days, np.where(good, end, np.datetime64("NaT", "D")), np.where(good, weeks, np.nan),
            np.where(good, months, np.nan), pay, error, pay_error)
