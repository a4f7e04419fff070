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
from ._arrays import (
    answers_not_columns,
    blockwise,
    broadcast_rows,
    dates,
    floats,
    not_columns_result,
    not_columns_words,
)
from .dates import EXCEL_EPOCH, MAX_EXCEL_SERIAL, MONTHS_PER_YEAR, add_months, complete_months
from .errors import OK, describe, first_reason, reason, reason_texts, set_above, set_error
from .leave import named_grades, parse_grades
from .money import round_pennies
from .words import day_text, explained, gbp, join, number, plural, years_months

__all__ = ["Notice", "notice", "notice_explained", "contractual_months", "statutory_weeks", "describe"]

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


@answers_not_columns(lambda: not_columns_result(Notice, end_date=np.datetime64("NaT", "D")))
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


def _grade_names(code: np.ndarray) -> np.ndarray:
    """Grade codes as grades in words: ``"KR6"``, ``"KR Entry"``, ``"Apprentice"``."""
    names = named_grades()
    values, inverse = np.unique(code, return_inverse=True)
    texts = [f"KR{c}" if c >= 0 else
             " ".join(w if w == "KR" else w.capitalize() for w in _spelt(names[-2 - c]).split())
             if 0 <= -2 - c < len(names) else "" for c in values.tolist()]
    return np.array(texts or [""], dtype=object)[inverse.reshape(code.shape)]


def _spelt(name: str) -> str:
    """A normalised named grade ("KRENTRY") as the notice table spells it ("KR ENTRY")."""
    for e in _p("contractual_months_by_grade").entries:  # a few dated tables and their bands
        for band in e.value:
            for n in band["grades"]:
                if n.upper().replace(" ", "") == name:
                    return n.upper()
    return name


_SHORT_SPAN = 4096  # spans of values up to this many are looked up in a table (or up to one per row)


def _per_distinct(x: np.ndarray, words) -> np.ndarray:
    """``words(values)`` made once per distinct value of ``x`` and looked up for each row.

    Whole numbers and dates over a short span are looked up in a table of the span
    (no sort); ``NaT`` gives ``""``.
    """
    x = np.asarray(x)
    dated = x.dtype.kind == "M"
    missing = np.isnat(x) if dated else np.zeros(x.shape, dtype=bool)
    whole = x.view(np.int64) if dated else x
    out = None
    if x.size and not missing.all() and (dated or (x.dtype.kind == "f" and np.isfinite(x).all()
                                                   and (x == np.floor(x)).all())):
        lo, hi = whole[~missing].min(), whole[~missing].max()
        if hi - lo < max(x.size, _SHORT_SPAN):
            span = np.arange(lo, hi + 1)
            span = span.astype(x.dtype) if dated else span.astype(np.float64)
            texts = np.asarray(words(span), dtype=object)
            out = texts[np.where(missing, lo, whole).astype(np.int64) - int(lo)]
    if out is None:
        some = missing.any() and not missing.all()
        values, inverse = np.unique(np.where(missing, x[~missing][0], x) if some else x, return_inverse=True)
        out = np.asarray(words(values), dtype=object)[inverse.reshape(x.shape)]
    return np.where(missing, "", out).astype(object) if missing.any() else out


def _possessive(text: np.ndarray, last: np.ndarray) -> np.ndarray:
    """``"2 years'"``, ``"1 month's"``: words of a count whose last number is ``last``."""
    return join(text, np.where(last == 1, "'s", "'"))


def _service_words(months: np.ndarray) -> np.ndarray:
    """Complete months of service as in "4 years 2 months' service", "1 month's service"."""
    m = np.asarray(months, dtype=np.float64)
    years = np.floor(m / MONTHS_PER_YEAR)
    rest = m - years * MONTHS_PER_YEAR
    return _possessive(years_months(m), np.where((rest > 0) | (years == 0), rest, years))


def _band_words(i: int) -> np.ndarray:
    """Words after the weeks of each band of dated statutory table ``i`` (the band's rule)."""
    edges, base, per_year = _band_tables()[i]
    after = []
    for b in range(len(edges)):  # the few bands of one table
        start = _service_words(edges[b]).item()
        upto = _service_words(edges[b + 1]).item() if b + 1 < len(edges) else ""
        if base[b] == 0 and per_year[b] == 0:
            after.append(f"no statutory notice (under {upto} service)" if upto else "no statutory notice")
        elif per_year[b] > 0:
            plus = f"{plural(base[b], 'week').item()} plus " if base[b] > 0 else ""
            each = plural(per_year[b], "week").item()
            after.append(f" ({plus}{each} per complete year from {start} service)")
        elif upto:
            after.append(f" ({years_months(edges[b]).item()} to under {upto} service)")
        else:
            after.append(f" (the maximum, from {start} service)")
    return np.array(after, dtype=object)


def _statutory_words(key: np.ndarray, width: int) -> np.ndarray:
    """``": statutory notice 10 weeks (1 week per complete year ...)"`` for each key.

    ``key = (weeks * tables + table) * width + band``: the weeks, the dated statutory
    table and the band of it that the service falls in.
    """
    tables = len(_band_tables())
    band = (key % width).astype(np.int64)
    table = ((key // width) % tables).astype(np.int64)
    weeks = key // width // tables
    rule = np.full(key.shape, "", dtype=object)
    for i in range(tables):  # dated tables, not rows
        words = _band_words(i)
        rule = np.where(table == i, words[np.minimum(band, len(words) - 1)], rule)
    return join(": ", np.where(weeks == 0, "", join("statutory notice ", plural(weeks, "week"))), rule)


@answers_not_columns(not_columns_words)
def notice_explained(grade, service_start, notice_date, annual_salary_gbp=None) -> np.ndarray:
    """How :func:`notice` reached each row's notice, in one line of plain English.

    Same arguments and broadcasting as :func:`notice`. The sentence gives the
    contractual notice of the grade and the statutory notice of the service, each
    with its end, which applies, and the figure: days and end date (as
    ``KENT_NOTICE`` returns them). With a salary it adds the pay in lieu of notice
    (``KENT_NOTICE`` output "pay"), or why it cannot be worked out; a blank salary
    leaves the pay out. A bad row gives its reason in words.

    Returns
    -------
    numpy.ndarray
        ``str`` objects, the broadcast shape of the inputs (0-d for scalars).

    Examples
    --------
    >>> str(notice_explained("KR6", "2016-03-01", "2026-03-01"))  # doctest: +NORMALIZE_WHITESPACE
    "KR6: contractual notice 1 month, ending 1 Apr 2026; 10 years' service at 1 Mar 2026: statutory
    notice 10 weeks (1 week per complete year from 2 years' service), ending 10 May 2026; the statutory
    notice ends later, so it applies: 70 days, to 10 May 2026"
    >>> str(notice_explained("KR Entry", "2026-02-20", "2026-03-01", 36500))  # doctest: +NORMALIZE_WHITESPACE
    "KR Entry: contractual notice 1 month, ending 1 Apr 2026; 0 months' service at 1 Mar 2026: no
    statutory notice (under 1 month's service), so the contractual notice applies: 31 days, to 1 Apr
    2026; pay in lieu of notice: 31 days at £100.00 a day (£36,500.00 a year / 365) = £3,100.00"
    >>> notice_explained(["KR2", "KR6"], "2016-03-01", ["2026-03-01", "2010-01-01"]).tolist()
    ['grade is not a Kent Scheme grade (KR Entry, Apprentice, KR3 and above)',
     'service_start is after notice_date']
    """
    r = notice(grade, service_start, notice_date, annual_salary_gbp)
    shape = r.days.shape
    code, _blank = parse_grades(np.asarray(grade, dtype=object) if isinstance(grade, list) else grade)
    (code, ss, nd, salary), _ = broadcast_rows(code, dates(service_start), dates(notice_date),
                                               floats(annual_salary_gbp))
    error = r.error.reshape(-1)
    good = error == OK
    ss = np.where(good, ss, _SAFE_DATE)
    nd = np.where(good, nd, _SAFE_DATE)
    months = np.where(good, r.contractual_months.reshape(-1), 0)
    weeks = np.where(good, r.statutory_weeks.reshape(-1), 0)
    service = complete_months(ss, nd)
    contract_end = add_months(nd, months.astype(np.int64))
    statute_end = nd + (DAYS_PER_WEEK * weeks).astype("timedelta64[D]")

    # Words are made once per distinct value (a staff list repeats its grades, services
    # and day counts), then looked up; only the glue of the parts is per row.
    entry = _p("statutory_service_bands").index(nd)
    band = np.zeros(nd.shape, dtype=np.int64)
    for i, (edges, _, _) in enumerate(_band_tables()):  # dated tables, not rows
        here = np.clip(np.searchsorted(edges, service, side="right") - 1, 0, None)
        band = np.where((entry == i) & good, here, band)
    none = weeks == 0
    # the statutory notice in words: one per table, band and weeks
    width = len(max(_band_tables(), key=len)[0])
    key = (weeks * len(_band_tables()) + np.maximum(entry, 0)) * width + band
    statutory = _per_distinct(key.astype(float), lambda k: _statutory_words(k, width))
    statute_ends = _per_distinct(np.where(none, np.datetime64("NaT", "D"), statute_end),
                                 lambda d: join(", ending ", day_text(d)))
    which = np.select(
        [none, statute_end > contract_end, contract_end > statute_end],
        [", so the contractual notice applies: ", "; the statutory notice ends later, so it applies: ",
         "; the contractual notice ends later, so it applies: "],
        "; both end on the same day: ").astype(object)
    head = _per_distinct((code * MONTHS_PER_YEAR + months).astype(float), lambda k: join(
        _grade_names((k // MONTHS_PER_YEAR).astype(np.int64)), ": contractual notice ",
        plural(k % MONTHS_PER_YEAR, "month"), ", ending "))
    days = r.days.reshape(-1)

    (days_per_year,), _ = params.lookup(nd, params.parameter("pay", "days_per_year"))
    pay_error = r.pay_error.reshape(-1)
    paid = pay_error == OK
    pay = np.full(nd.shape, "", dtype=object)
    rows = np.flatnonzero(paid)
    if rows.size:
        def rate(a, y):  # "£100.00 a day (£36,500.00 a year / 365) = "
            return join(gbp(round_pennies(a / y)), " a day (", gbp(round_pennies(a)), " a year / ", number(y),
                        ") = ")

        a = salary[rows]
        if np.ndim(days_per_year) == 0:  # one rule for every row: once per distinct salary
            rates = _per_distinct(a, lambda v: rate(v, days_per_year))
        else:
            rates = rate(a, days_per_year[rows])
        paid_days = _per_distinct(days[rows], lambda x: plural(x, "day"))
        pay[rows] = join("; pay in lieu of notice: ", paid_days, " at ", rates,
                         gbp(round_pennies(r.pay_gbp.reshape(-1)[rows])))
    rows = np.flatnonzero(~paid & good & ~np.isnan(salary))
    if rows.size:
        pay[rows] = join("; the pay in lieu cannot be worked out: ", reason_texts(pay_error[rows]))

    sentences = join(
        head, _per_distinct(contract_end, day_text), "; ",
        _per_distinct(service.astype(float), lambda m: join(_service_words(m), " service at ")),
        _per_distinct(nd, day_text), statutory, statute_ends, which,
        _per_distinct(days, lambda x: join(plural(x, "day"), ", to ")),
        _per_distinct(r.end_date.reshape(-1), day_text),
        pay, where=good)
    return explained(sentences, error).reshape(shape)
