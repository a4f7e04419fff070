"""Weeks' pay due on redundancy (Kent Scheme I.2.G and the Appendix 2 ready reckoner).

Counting back from the termination date, each complete year of service (up to
``max_service_years``) earns the weeks of the age band the person was in for the
whole of that year: 0.5 week under 22, 1 week from 22, 1.5 weeks from 41 (parameter
``redundancy.age_bands``). Under ``min_service_years`` nothing is due. A
discretionary multiplier (1 to 2) enhances the weeks, capped at ``max_weeks``.

The count is a closed form, not a loop over years: a year ``k`` back (``k = 1 ..
service``) began at age ``age - k``, so the years at or above a band's lower age
``t`` number ``clip(age - t, 0, service)``; each band adds its weeks over the band
below for those years.

Examples
--------
>>> redundancy_weeks(42, 2).weeks
array(2.5)
>>> redundancy_weeks([18, 30, 61, 70], [2, 10, 20, 25]).weeks
array([ 1.,  9., 30., 30.])
>>> redundancy_weeks(50, 20, multiplier=2).weeks
array(49.)
>>> r = redundancy_weeks([40, 30], [12, 31])
>>> r.weeks.tolist()[0], describe(r.error)
(12.0, [(1, '#NUM!', 'years_of_service is longer than age')])
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import numpy as np

from . import params
from ._arrays import (
    answers_not_columns,
    blockwise,
    broadcast_rows,
    broadcast_shape,
    dates,
    fast,
    floats,
    not_columns_result,
    not_columns_words,
)
from .errors import OK, describe, first_reason, reason, set_above, set_below, set_error
from .words import explained, join, number, plural

__all__ = ["Redundancy", "redundancy_weeks", "redundancy_explained", "weekly_pay_gbp", "redundancy_pay_gbp",
           "describe"]

E_AGE = reason("#VALUE!", "age is blank or not a number")
E_SERVICE = reason("#VALUE!", "years_of_service is blank or not a number")
E_MULTIPLIER = reason("#VALUE!", "multiplier is not a number")
E_AGE_RANGE = reason("#NUM!", "age is negative")
E_SERVICE_RANGE = reason("#NUM!", "years_of_service is negative")
E_SERVICE_AGE = reason("#NUM!", "years_of_service is longer than age")
E_MULTIPLIER_RANGE = reason("#NUM!", "multiplier is outside 1 to 2")
E_NO_RULES = reason("#N/A", "no redundancy rules are in force on the termination date")
# Plausibility bounds (RULES.md, decided round 2; parameters plausibility.*): words with
# {0} the bound in force on the termination date.
W_AGE_LOW = "age is below {0:.0f}"
W_AGE_HIGH = "age is above {0:.0f}"
W_SERVICE_YOUNG = "years_of_service is more than age - {0:.0f} (service before the {0:.0f}th birthday)"


def _plausible(name: str) -> params.Parameter:
    return params.parameter("plausibility", name)


for _words, _name in ((W_AGE_LOW, "min_age_years"), (W_AGE_HIGH, "max_age_years"),
                      (W_SERVICE_YOUNG, "service_start_min_age_years")):
    reason("#NUM!", _words.format(_plausible(_name).value_on()))  # today's words, as documented


class Redundancy(NamedTuple):
    """Result of :func:`redundancy_weeks` (``nan`` weeks on bad rows)."""

    weeks: np.ndarray
    error: np.ndarray  # reason codes, 0 = good row


def _p(name: str) -> params.Parameter:
    return params.parameter("redundancy", name)


def _on(termination_date) -> np.ndarray:
    """Dates to look parameters up by: the latest entries when no date is given."""
    if termination_date is None:
        return np.array(np.datetime64("9999-12-31", "D"))
    return dates(termination_date)


@answers_not_columns(lambda: not_columns_result(Redundancy))
def redundancy_weeks(age_years, service_years, multiplier=1.0, termination_date=None) -> Redundancy:
    """Weeks' pay due on redundancy for each row.

    Parameters
    ----------
    age_years : array_like of float
        Age in completed years at the termination date (fractions are floored).
    service_years : array_like of float
        Completed years of continuous service (fractions are floored).
    multiplier : array_like of float, optional
        Discretionary enhancement, 1 to 2; the result is capped at 52 weeks.
    termination_date : array_like of dates, optional
        Date the parameters are looked up by; the latest rules when omitted.

    Returns
    -------
    Redundancy
        ``weeks`` (float, halves) and ``error`` codes.
    """
    (age, service, mult, on), shape = broadcast_rows(
        floats(age_years), floats(service_years), floats(multiplier), _on(termination_date)
    )
    on = np.ascontiguousarray(on)
    weeks, error = blockwise(partial(_redundancy_rows, shortcut=fast()), age, service, mult, on)
    return Redundancy(weeks.reshape(shape), error.reshape(shape))


def _redundancy_rows(age, service, mult, on, shortcut=False):
    """The rules over 1-D rows (see :func:`redundancy_weeks`).

    ``shortcut``: the fast paths are on; a block with no bad row and one set of rules then
    skips the per-row checks and masks.
    """
    if shortcut:
        clean = _clean_weeks(age, service, mult, on)
        if clean is not None:
            return clean
    error = first_reason(
        (np.isnan(age), E_AGE),
        (np.isnan(service), E_SERVICE),
        (np.isnan(mult), E_MULTIPLIER),
        (age < 0, E_AGE_RANGE),
        (service < 0, E_SERVICE_RANGE),
    )
    age = np.floor(np.where(error == OK, age, 0.0))
    service = np.floor(np.where(error == OK, service, 0.0))
    # Nobody is 200 and a 5-year-old has no service: #NUM!, never a number (inf included).
    (min_age, max_age, start_age), _ = params.lookup(
        on, *[_plausible(n) for n in ("min_age_years", "max_age_years", "service_start_min_age_years")])
    set_below(error, age, min_age, "#NUM!", W_AGE_LOW)
    set_above(error, age, max_age, "#NUM!", W_AGE_HIGH)
    set_error(error, service > age, E_SERVICE_AGE)
    set_above(error, service, age - start_age, "#NUM!", W_SERVICE_YOUNG, quoted=start_age)

    (min_service, max_service, max_weeks, min_mult, max_mult), in_force = params.lookup(
        on, *[_p(n) for n in ("min_service_years", "max_service_years", "max_weeks",
                              "min_multiplier", "max_multiplier")]
    )
    set_error(error, ~(mult >= min_mult) | ~(mult <= max_mult), E_MULTIPLIER_RANGE)

    bands = _p("age_bands")
    entry = bands.index(on)
    set_error(error, ~(in_force & (entry >= 0)), E_NO_RULES)

    counted = np.minimum(service, max_service)
    weeks = np.zeros(age.shape)
    for i, e in enumerate(bands.entries):  # loop over dated tables, not rows
        rows = entry == i
        weeks = np.where(rows, _band_weeks(e.value, age, counted), weeks)

    weeks = np.where(service < min_service, 0.0, weeks)
    weeks = np.minimum(weeks * np.where(error == OK, mult, 1.0), max_weeks)
    weeks = np.where(error == OK, weeks, np.nan)
    return weeks, error


def _band_weeks(bands, age, counted) -> np.ndarray:
    """Weeks for the ``counted`` years back from ``age`` (floored), by one dated table of
    age bands (I.2.G, Appendix 2): a loop over its few bands, not rows."""
    w = np.zeros(age.shape)
    below = 0.0
    for band in sorted(bands, key=lambda b: b["from_age"]):
        years_in_or_above = np.clip(age - band["from_age"], 0.0, counted)
        w += (band["weeks_per_year"] - below) * years_in_or_above
        below = band["weeks_per_year"]
    return w


def _clean_weeks(age, service, mult, on) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_redundancy_rows` for a block in which no row fails a check and one set of
    rules is in force on every date, or None.

    The checks are made on the block's extremes: the smallest age and service not below
    0 (``nan`` fails every comparison), the floored age within the plausibility bounds
    (flooring keeps the order), the multiplier within its range, and the floored service
    at most the floored age less ``max(0, service_start_min_age_years)`` on every row
    (one difference of whole numbers). The weeks before the multiplier are then read
    from a table by floored age and service (:func:`_weeks_table`).
    """
    if age.shape[0] == 0:
        return None
    values, in_force = params.lookup(
        on, *[_plausible(n) for n in ("min_age_years", "max_age_years", "service_start_min_age_years")],
        *[_p(n) for n in ("min_service_years", "max_service_years", "max_weeks", "min_multiplier",
                          "max_multiplier")], scalars=True)
    entry = _p("age_bands").index_throughout(on)
    if entry is None or any(np.ndim(v) for v in values) or not in_force.all():
        return None
    min_age, max_age, start_age, min_service, max_service, max_weeks, min_mult, max_mult = values
    if not (float(age.min()) >= 0 and float(service.min()) >= 0 and float(mult.min()) >= min_mult
            and float(mult.max()) <= max_mult):
        return None
    if not (np.floor(float(age.min())) >= min_age and np.floor(float(age.max())) <= max_age):
        return None
    if not float(service.max()) <= float(age.max()):
        return None
    # Both are finite and not negative now: truncation is the floor.
    whole_age, whole_service = age.astype(np.intp), service.astype(np.intp)
    if not int((whole_age - whole_service).min()) >= max(0.0, float(start_age)):
        return None
    table = _weeks_table(entry, float(max_age), float(min_service), float(max_service))
    if table is None:
        age, service = np.floor(age), np.floor(service)
        weeks = _band_weeks(_p("age_bands").entries[entry].value, age, np.minimum(service, max_service))
        np.copyto(weeks, 0.0, where=service < min_service)
    else:
        whole_age *= int(max_age) + 1
        whole_age += whole_service
        weeks = np.take(table, whole_age)
    weeks *= mult
    return np.minimum(weeks, max_weeks), np.zeros(age.shape[0], dtype=np.int32)


_WEEKS_TABLES: dict[tuple, tuple] = {}
#: The weeks table by age and service is built for plausible ages below this bound only (a table
#: of ages x ages float64: 8 MB at 1,024); a size limit of the shortcut, not a policy number.
_TABLE_MAX_AGES = 1 << 10


def _weeks_table(entry: int, max_age: float, min_service: float, max_service: float) -> np.ndarray | None:
    """The weeks before any multiplier for each floored age ``a`` and service ``s`` (``s <=
    a``) up to ``max_age``, as ``table[a * (max_age + 1) + s]``: the general path's own
    operations (:func:`_band_weeks`, then 0 under ``min_service``) over every pair. None
    when the bounds are not whole numbers or the table would be large."""
    bands = _p("age_bands").entries[entry].value
    key = (entry, id(bands), max_age, min_service, max_service)
    cached = _WEEKS_TABLES.get(key)
    if cached is None or cached[0] is not bands:  # kept with its bands: the id stays theirs
        table = None
        if max_age == int(max_age) and 0 <= max_age < _TABLE_MAX_AGES:
            size = int(max_age) + 1
            age, service = (g.astype(np.float64).ravel() for g in np.indices((size, size)))
            table = _band_weeks(bands, age, np.minimum(service, max_service))
            np.copyto(table, 0.0, where=service < min_service)
        cached = _WEEKS_TABLES[key] = (bands, table)
    return cached[1]


@answers_not_columns(lambda: np.array(np.nan))
def weekly_pay_gbp(annual_salary_gbp, on=None) -> np.ndarray:
    """Actual weekly pay, ``annual_salary / 365 * 7`` (B.2.D; I.2.G: no statutory cap).

    >>> float(weekly_pay_gbp(36500))
    700.0
    """
    salary = floats(annual_salary_gbp)
    on = _on(on)
    shape = broadcast_shape(salary.shape, on.shape)
    salary, on = np.broadcast_to(salary, shape), np.broadcast_to(on, shape)
    days_per_year, _ = params.parameter("pay", "days_per_year").at(on)
    days_per_week, _ = params.parameter("pay", "days_per_week").at(on)
    return salary / days_per_year * days_per_week


@answers_not_columns(lambda: np.array(np.nan))
def redundancy_pay_gbp(weeks, annual_salary_gbp, on=None) -> np.ndarray:
    """Redundancy pay: weeks times actual weekly pay (unrounded; ``nan`` propagates).

    >>> float(redundancy_pay_gbp(2.5, 36500))
    1750.0
    """
    weeks = floats(weeks)
    weekly = weekly_pay_gbp(annual_salary_gbp, on)
    broadcast_shape(weeks.shape, weekly.shape)
    with np.errstate(over="ignore"):  # a huge number of weeks: inf, not a warning
        return weeks * weekly


def _possessive(years: np.ndarray) -> np.ndarray:
    """``"2 years'"``, ``"1 year's"``: a count of years as in "2 years' service"."""
    return join(plural(years, "year", decimals=0), np.where(years == 1, "'s", "'"))


@answers_not_columns(not_columns_words)
def redundancy_explained(age_years, service_years, multiplier=1.0, termination_date=None) -> np.ndarray:
    """How :func:`redundancy_weeks` reached each row's weeks, in one line of plain English.

    Same arguments and broadcasting as :func:`redundancy_weeks`; the weeks in the
    sentence are its weeks (as ``KENT_REDUNDANCY_WEEKS`` returns them). A bad row
    gives its reason in words.

    Returns
    -------
    numpy.ndarray
        ``str`` objects, the broadcast shape of the inputs (0-d for scalars).

    Examples
    --------
    >>> str(redundancy_explained(42, 2))  # doctest: +NORMALIZE_WHITESPACE
    "Age 42 with 2 years' service: 1 year at 1.5 weeks (aged 41 or over all year) + 1 year at 1 week
    (aged 22 to 40) = 2.5 weeks"
    >>> redundancy_explained([30, 61], [1, 25], [1, 2]).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ["Age 30 with 1 year's service: under 2 years' service: no redundancy payment (0 weeks)",
     "Age 61 with 25 years' service, of which the last 20 years count (the most that can): 20 years
     at 1.5 weeks (aged 41 or over all year) = 30 weeks, times the multiplier 2 = 60 weeks, capped
     at 52 weeks"]
    >>> str(redundancy_explained(30, 40))
    'years_of_service is longer than age'
    """
    r = redundancy_weeks(age_years, service_years, multiplier, termination_date)
    shape = r.weeks.shape
    (age, service, mult, on), _ = broadcast_rows(floats(age_years), floats(service_years), floats(multiplier),
                                                 _on(termination_date))
    error = r.error.reshape(-1)
    good = error == OK
    with np.errstate(invalid="ignore"):
        age = np.floor(np.where(good, age, 0.0))
        service = np.floor(np.where(good, service, 0.0))
        mult = np.where(good, mult, 1.0)
    on = np.where(good, on, np.datetime64("9999-12-31", "D"))
    weeks = r.weeks.reshape(-1)
    # A staff list repeats its ages and services: each distinct row is put in words once
    # (the rules in force count as part of the row, by their entries' indexes); only the
    # multiplier's words, where there is one, are per row.
    # Where the weeks are the figure itself (no multiplier), they are part of the row too.
    figure = np.where((mult == 1) | (weeks == 0), weeks, -1.0)
    names = ("age_bands", "min_service_years", "max_service_years", "max_weeks")
    key = _distinct_key(age, service, np.unique(figure, return_inverse=True)[1].reshape(-1),
                        *[_p(n).index(on) + 1 for n in names])
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    steps = _redundancy_steps(age[first], service[first], on[first], figure[first])
    base, raw, none = (x[inverse] for x in steps)
    (max_weeks,), _ = params.lookup(on, _p("max_weeks"))
    enhanced = raw * mult
    over = enhanced > max_weeks
    tail = np.full(weeks.shape, "", dtype=object)
    rows = np.flatnonzero(~none & ((mult != 1) | over))
    if rows.size:
        m, e, o, w = mult[rows], enhanced[rows], over[rows], weeks[rows]
        times = np.where(m != 1, join(", times the multiplier ", number(m, 4), " = ",
                                      plural(np.where(o, e, w), "week", decimals=4)), "")
        tail[rows] = join(times, np.where(o, join(", capped at ", plural(w, "week", decimals=4)), ""))
    return explained(join(base, tail), error).reshape(shape)


def _distinct_key(*codes: np.ndarray) -> np.ndarray:
    """One int64 per row, equal exactly where all the non-negative whole ``codes`` are."""
    key = np.zeros(codes[0].shape, dtype=np.int64)
    for c in codes:  # a few columns, not rows
        c = c.astype(np.int64)
        key = key * (int(c.max(initial=0)) + 1) + c
    return key


def _redundancy_steps(age, service, on, figure):
    """Words of good rows (1-D; floored age and service) up to the weeks before any multiplier.

    ``figure`` is the row's weeks from :func:`redundancy_weeks` where they close these
    words (no multiplier, or none due), else ``-1``. Returns the words, the weeks before
    any multiplier, and whether the row is under the minimum service (words complete).
    """
    (min_service, max_service, max_weeks), _ = params.lookup(
        on, *[_p(n) for n in ("min_service_years", "max_service_years", "max_weeks")])
    counted = np.minimum(service, max_service)
    bands = _p("age_bands")
    entry = bands.index(on)
    steps = np.full(age.shape, "", dtype=object)
    raw = np.zeros(age.shape)
    for i, e in enumerate(bands.entries):  # loop over dated tables and their few bands, not rows
        rows = np.flatnonzero(entry == i)
        if rows.size == 0:
            continue
        a, c = age[rows], counted[rows]
        table = sorted(e.value, key=lambda b: b["from_age"])
        edges = [b["from_age"] for b in table] + [np.inf]
        text = np.full(rows.shape, "", dtype=object)
        total = np.zeros(rows.shape)
        for j in reversed(range(len(table))):  # the latest years first: counting back
            years = np.clip(a - edges[j], 0.0, c) - np.clip(a - edges[j + 1], 0.0, c)
            per_year = table[j]["weeks_per_year"]
            if j == len(table) - 1:
                label = f"aged {edges[j]:.0f} or over all year"
            elif edges[j] <= 0:
                label = f"aged under {edges[j + 1]:.0f}"
            else:
                label = f"aged {edges[j]:.0f} to {edges[j + 1] - 1:.0f}"
            part = join(plural(years, "year", decimals=0), " at ", plural(per_year, "week"), f" ({label})",
                        where=years > 0)
            sep = np.where((text != "") & (years > 0), " + ", "")
            text = join(text, sep, part)
            total += years * per_year
        steps[rows] = text
        raw[rows] = total

    head = join("Age ", number(age, 0), " with ", _possessive(service), " service")
    capped = np.where(service > max_service,
                      join(", of which the last ", plural(max_service, "year", decimals=0),
                           " count (the most that can)"), "")
    total = np.where((figure >= 0) & (raw <= max_weeks), figure, raw)
    paid = join(head, capped, ": ", steps, " = ", plural(total, "week", decimals=4))
    none = join(head, ": under ", _possessive(min_service), " service: no redundancy payment (",
                plural(np.maximum(figure, 0.0), "week", decimals=4), ")")
    short = service < min_service
    return np.where(short, none, paid).astype(object), np.where(short, 0.0, raw), short
