"""Independent, deliberately slow, per-row reference implementation of the four
Kent County Council (Kent Scheme) rules described in /work/shared/RULES.md.

Purpose: differential testing of the fast, vectorised implementation. This module
must stay independent of ``xl_kent`` and ``udfs`` (it imports neither), uses only
the standard library, and favours obviously-correct loops over speed:

* sick pay walks the absence one calendar day at a time;
* redundancy counts back year by year;
* leave accrual iterates over every calendar date of the leave year;
* the award checker uses plain nested loops over the log.

Arithmetic is exact (``fractions.Fraction``).  Float inputs are read as the decimal
number they print as (``Fraction(str(x))``, i.e. 0.1 means one tenth, as a user typing
into Excel means it), and results are converted to ``float`` only on return.  Nothing
is rounded to the penny here (money results are unrounded; the caller rounds at the
output edge).

Every invalid row raises ``ValueError("reason")``.

Policy numbers are hard-coded below ON PURPOSE (this file is the independent check on
the fast code's dated parameter data); each one cites its source.
"""

from __future__ import annotations

import math
import numbers
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "sick_pay_row",
    "redundancy_weeks_row",
    "leave_accrual_row",
    "award_ok_log",
    "sick_pay_log_rows",
    "notice_row",
    "notice_rows",
    # small helpers, exported so the example tests can check them directly
    "datedif_months",
    "edate",
    "uplift_start",
    "round_half",
    "hours_rule",
    "leave_year_bounds",
    "ssp_weekly_rate_on",
]

# ---------------------------------------------------------------------------
# Policy constants
# ---------------------------------------------------------------------------

# --- Sick pay: Kent Scheme T&Cs chapter J.2.A (policy/002_..., "Sick Pay Entitlement"),
# as decided in RULES.md "KENT_SICKPAY".  (lower bound of complete months of service,
# months at full pay, months at half pay); the last band whose lower bound <= m applies.
SICK_PAY_BANDS = (
    (0, 1, 0),   # "1 month full pay - Up to 4 months' service"
    (4, 1, 2),   # "1 month full + 2 months half - During year 1 (after 4 months)"
    (12, 2, 2),  # "During year 2"
    (24, 4, 4),  # "During year 3"
    (36, 5, 5),  # "During year 4 & 5"
    (60, 6, 6),  # "After year 5"
)
# Temporary contract of 4 months or less: statutory sick pay only (chapter J.2.A "Temporary Staff").
SICK_PAY_TEMPORARY_SHORT = (0, 0)
# A month of sick pay = 1/12 of annual salary at the daily rate salary/365, i.e. 365/12 days
# (chapter B.2.D apportionment "Annual salary / 365 x 7 = weekly salary"; RULES.md).
DAYS_PER_YEAR = 365
DAYS_PER_SICK_MONTH = Fraction(DAYS_PER_YEAR, 12)
DAYS_PER_WEEK = 7

# --- Statutory Sick Pay weekly flat rate, changing each 6 April
# (Social Security Contributions and Benefits Act 1992 s.157 as uprated by the annual
# Social Security Benefits Up-rating Orders; RULES.md lists 2023/24 onwards, brief adds 2022/23).
SSP_WEEKLY_RATES = (
    (date(2022, 4, 6), Fraction("99.35")),
    (date(2023, 4, 6), Fraction("109.40")),
    (date(2024, 4, 6), Fraction("116.75")),
    (date(2025, 4, 6), Fraction("118.75")),
    (date(2026, 4, 6), Fraction("123.25")),
)
# --- SSP lower earnings limit (NICs LEL, SSCBA 1992 s.153 / Sch.11 para 2(c)), by the
# tax year in force at absence_start; not applied from the 2026 reform.
SSP_LOWER_EARNINGS_LIMITS = (
    (date(2022, 4, 6), Fraction(123)),
    (date(2023, 4, 6), Fraction(123)),
    (date(2024, 4, 6), Fraction(123)),
    (date(2025, 4, 6), Fraction(125)),
)
# --- Employment Rights Act 2025 SSP reform, for absences starting on/after this date:
# no waiting days, no lower earnings limit, rate = min(flat rate, 80% of weekly earnings).
SSP_REFORM_DATE = date(2026, 4, 6)
SSP_REFORM_EARNINGS_FRACTION = Fraction(80, 100)
# --- Pre-reform SSP conditions (chapter J.2.B "Conditions of SSP"; SSCBA 1992 s.152, s.155):
SSP_MIN_PIW_DAYS = 4          # "4 days of sickness in a row", else no SSP
SSP_WAITING_DAYS = 3          # first 3 qualifying days are waiting days
# --- SSP maximum: 28 weeks in one absence (chapter J.2.B; SSCBA 1992 s.155(4)).
SSP_MAX_DAYS = 28 * 7         # 196

# --- Redundancy: chapter I.2.G and Appendix 2 ready reckoner (statutory scale,
# Employment Rights Act 1996 s.162 with the age bands, service capped at 20 years).
REDUNDANCY_MIN_SERVICE = 2
REDUNDANCY_MAX_SERVICE_YEARS = 20
REDUNDANCY_UPPER_AGE = 41     # a year when aged 41+ throughout earns 1.5 weeks
REDUNDANCY_MIDDLE_AGE = 22    # a year when aged 22+ throughout earns 1 week
REDUNDANCY_WEEKS_UPPER = Fraction(3, 2)
REDUNDANCY_WEEKS_MIDDLE = Fraction(1)
REDUNDANCY_WEEKS_LOWER = Fraction(1, 2)
REDUNDANCY_MULTIPLIER_MIN = 1  # chapter I.2.G: "can be doubled, up to a maximum of 52 weeks"
REDUNDANCY_MULTIPLIER_MAX = 2
REDUNDANCY_MAX_WEEKS = 52

# --- Plausibility bounds: RULES.md, decided round 2 (a row beyond them is an error).
PLAUSIBLE_MAX_SALARY = 10_000_000     # KENT_SICKPAY annual_salary
PLAUSIBLE_MAX_PRIOR_DAYS = 366        # KENT_SICKPAY prior_paid_days
PLAUSIBLE_MAX_ABSENCE_DAYS = 3_660    # KENT_SICKPAY absence_days
PLAUSIBLE_MIN_AGE = 16                # KENT_REDUNDANCY_WEEKS age
PLAUSIBLE_MAX_AGE = 100
PLAUSIBLE_SERVICE_START_AGE = 14      # years_of_service at most age - 14
PLAUSIBLE_MAX_HOURS_WORKED = 8_784    # KENT_LEAVE_ACCRUAL casual/relief: 24 hours x 366 days
LEAVE_RULES_FROM = date(2023, 4, 1)   # G.2.A: a leave year starting earlier is not computed

# --- Annual leave: chapter G.2.A table (basic, after 5 years' service) in days.
LEAVE_BAND_LOW = (27, 29)     # KR Entry, Apprentice, KR3 to KR7
LEAVE_BAND_MID = (29, 30)     # KR8 to KR12
LEAVE_BAND_HIGH = (30, 30)    # KR13 and above
LEAVE_LOW_MIN_GRADE, LEAVE_LOW_MAX_GRADE = 3, 7
LEAVE_MID_MIN_GRADE, LEAVE_MID_MAX_GRADE = 8, 12
LEAVE_HIGH_MIN_GRADE = 13
# chapter G.2.B: the uplift starts on the first day of the month following the 5th anniversary.
LEAVE_UPLIFT_YEARS = 5
# chapter G.1: standard week 37 hours, standard day 7.4 hours (7 h 24 min).
FULL_TIME_WEEKLY_HOURS = Fraction(37)
STANDARD_DAY_HOURS = Fraction("7.4")
# chapter G.1 hours rounding rule: fraction (in hundredths) <= 40 down, 41-59 -> .5, >= 60 up.
HOURS_RULE_DOWN_MAX = 40
HOURS_RULE_HALF_MAX = 59
# chapter G.2.I casual staff: 1 / 46.4 weeks x 28 days / 37 x 7.4 = 0.121 hours per hour.
CASUAL_ACCRUAL_RATE = Fraction("0.121")
# chapter G.2.J permanent relief staff: accrual rate per hour worked, by FTE entitlement.
RELIEF_ACCRUAL_RATES = {
    27: Fraction("0.1607"),
    29: Fraction("0.1712"),
    30: Fraction("0.1765"),
}

# --- Cash awards policy (policy/000_...): "no more than £500 per award", "combined total
# cannot exceed £1,000 in an 12-month period".
AWARD_MAX_SINGLE = Fraction(500)
AWARD_MAX_ROLLING = Fraction(1000)
AWARD_ROLLING_MONTHS = 12
# Decided: an amount above £1,000,000 is a typing error (RULES.md round-2 plausibility bounds,
# docs/functions.md); one not a whole number of pence, beyond a millionth of a penny of float
# noise, is an error too (docs/decisions.md).
AWARD_MAX_PLAUSIBLE = Fraction(1_000_000)
AWARD_PENCE_NOISE = Fraction(1, 10**6)

# Award rule numbers (RULES.md "KENT_AWARD_OK").
RULE_OK = 0
RULE_INELIGIBLE = 1
RULE_OVER_500 = 2
RULE_ROLLING_1000 = 3
RULE_DOUBLE_REWARD = 4
RULE_TEAM_NOT_ENDORSED = 5
RULE_INVALID = -1


# ---------------------------------------------------------------------------
# Input helpers
# ---------------------------------------------------------------------------

def _num(x, name):
    """A finite real number as an exact Fraction; bool, text, None, NaN, inf are errors."""
    if x is None:
        raise ValueError(f"{name} is blank")
    if isinstance(x, bool):
        raise ValueError(f"{name} must be a number, not a boolean")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"{name} must be finite")
        return Fraction(x)
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ValueError(f"{name} must be finite")
        return Fraction(repr(x))  # the decimal the float prints as
    if isinstance(x, numbers.Real):  # e.g. other real types
        f = float(x)
        if not math.isfinite(f):
            raise ValueError(f"{name} must be finite")
        return Fraction(repr(f))
    raise ValueError(f"{name} must be a number, got {type(x).__name__}")


def _date(x, name):
    """A date (datetime is accepted, its time of day ignored)."""
    if x is None:
        raise ValueError(f"{name} is blank")
    if isinstance(x, datetime):
        return x.date()
    if isinstance(x, date):
        return x
    raise ValueError(f"{name} must be a date, got {type(x).__name__}")


def _optional_date(x, name):
    return None if x is None else _date(x, name)


def _bool(x, name, default):
    if x is None:
        return default
    if isinstance(x, bool):
        return x
    raise ValueError(f"{name} must be TRUE or FALSE")


def _is_true(x):
    """Only a real TRUE (or the number 1) counts as TRUE."""
    if x is True:
        return True
    if isinstance(x, bool):
        return False
    if isinstance(x, (int, float)) and x == 1:
        return True
    return False


# ---------------------------------------------------------------------------
# Date helpers
# ---------------------------------------------------------------------------

def datedif_months(start, end):
    """Excel DATEDIF(start, end, "M"): complete months (RULES.md common conventions)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def _add_months_clamped(d, months):
    """Same day `months` later/earlier, clamped to the month's last day (Excel EDATE)."""
    total = d.year * 12 + (d.month - 1) + months
    y, m0 = divmod(total, 12)
    m = m0 + 1
    day = d.day
    while True:
        try:
            return date(y, m, day)
        except ValueError:
            day -= 1


def edate(d, months):
    """Excel EDATE: EDATE(2024-02-29, -12) = 2023-02-28."""
    return _add_months_clamped(d, months)


def uplift_start(service_start):
    """First day of the month after the 5th anniversary of service_start (chapter G.2.B).

    The anniversary of 29 February falls in February, so the uplift starts on 1 March.
    """
    anniversary_year = service_start.year + LEAVE_UPLIFT_YEARS
    anniversary_month = service_start.month  # the anniversary is always in the same month
    if anniversary_month == 12:
        return date(anniversary_year + 1, 1, 1)
    return date(anniversary_year, anniversary_month + 1, 1)


def leave_year_bounds(as_of):
    """(1 April, 31 March) of the leave year containing as_of."""
    y = as_of.year if as_of.month >= 4 else as_of.year - 1
    return date(y, 4, 1), date(y + 1, 3, 31)


def _all_days(first, last):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


# ---------------------------------------------------------------------------
# Rounding helpers
# ---------------------------------------------------------------------------

def round_half(x):
    """Nearest half (day), an exact quarter rounding up.  Returns a Fraction."""
    x = _num(x, "value")
    return Fraction(math.floor(x * 2 + Fraction(1, 2)), 2)


def hours_rule(x):
    """The scheme's hours rounding (chapter G.1, G.2.J).

    Take the value to 2 decimals (half up), then a fraction .00-.40 rounds down,
    .41-.59 becomes .5, .60 and above rounds up.  Returns a Fraction.
    """
    x = _num(x, "value")
    if x < 0:
        raise ValueError("hours must not be negative")
    hundredths = math.floor(x * 100 + Fraction(1, 2))
    whole, frac = divmod(hundredths, 100)
    if frac <= HOURS_RULE_DOWN_MAX:
        return Fraction(whole)
    if frac <= HOURS_RULE_HALF_MAX:
        return Fraction(whole) + Fraction(1, 2)
    return Fraction(whole + 1)


# ---------------------------------------------------------------------------
# 1. Sick pay
# ---------------------------------------------------------------------------

def _dated_lookup(table, on, what):
    value = None
    for effective, v in table:
        if effective <= on:
            value = v
    if value is None:
        raise ValueError(f"no {what} in force on {on.isoformat()}")
    return value


def ssp_weekly_rate_on(day):
    """Weekly SSP flat rate in force on a calendar day (the latest entry stays in force)."""
    return _dated_lookup(SSP_WEEKLY_RATES, day, "SSP rate")


def _sick_pay_band(months, temporary_short):
    if temporary_short:
        return SICK_PAY_TEMPORARY_SHORT
    full, half = None, None
    for lower, f, h in SICK_PAY_BANDS:
        if months >= lower:
            full, half = f, h
    return full, half


def sick_pay_row(service_start, absence_start, absence_days, annual_salary,
                 prior_paid_days=0.0, temporary_short=False):
    """Contractual sick pay for one absence, walked day by day.

    Returns a dict of floats: full_days, half_days, nil_days, ssp, pay (unrounded).
    """
    service_start = _date(service_start, "service_start")
    absence_start = _date(absence_start, "absence_start")
    n = _num(absence_days, "absence_days")
    salary = _num(annual_salary, "annual_salary")
    prior = Fraction(0) if prior_paid_days is None else _num(prior_paid_days, "prior_paid_days")
    temporary_short = _bool(temporary_short, "temporary_short", False)
    if service_start > absence_start:
        raise ValueError("service_start is after absence_start")
    # No SSP rules are known before the first rate: the whole row is refused
    # (decided reading: no rules in force on absence_start -> #N/A).
    ssp_weekly_rate_on(absence_start)
    if n < 1:
        raise ValueError("absence_days must be at least 1")
    if salary <= 0:
        raise ValueError("annual_salary must be positive")
    if prior < 0:
        raise ValueError("prior_paid_days must not be negative")
    if n > PLAUSIBLE_MAX_ABSENCE_DAYS or salary > PLAUSIBLE_MAX_SALARY or prior > PLAUSIBLE_MAX_PRIOR_DAYS:
        raise ValueError("implausible absence_days, annual_salary or prior_paid_days (round 2)")

    # Entitlement fixed at the start of the absence.
    months = datedif_months(service_start, absence_start)
    full_months, half_months = _sick_pay_band(months, temporary_short)
    allowance_full = full_months * DAYS_PER_SICK_MONTH
    allowance_half = half_months * DAYS_PER_SICK_MONTH
    # Rolling year: prior paid days come off the full-pay allowance first.
    full_left = max(Fraction(0), allowance_full - prior)
    half_left = max(Fraction(0), allowance_half - max(Fraction(0), prior - allowance_full))

    daily_pay = salary / DAYS_PER_YEAR
    weekly_earnings = salary / DAYS_PER_YEAR * DAYS_PER_WEEK

    # Which SSP regime: chosen by absence_start.
    reform = absence_start >= SSP_REFORM_DATE
    if reform:
        first_ssp_index = 0
        ssp_possible = True
    else:
        first_ssp_index = SSP_WAITING_DAYS
        if n < SSP_MIN_PIW_DAYS:
            ssp_possible = False
        else:
            lel = _dated_lookup(SSP_LOWER_EARNINGS_LIMITS, absence_start,
                                "SSP lower earnings limit")
            ssp_possible = weekly_earnings >= lel

    n_calendar_days = math.ceil(n)
    full_total = half_total = nil_total = Fraction(0)
    ssp_total = pay_total = Fraction(0)
    ssp_days_used = 0
    for i in range(n_calendar_days):
        day = absence_start + timedelta(days=i)
        weight = min(Fraction(1), n - i)  # the last day may be a fraction of a day

        # Daily SSP for this calendar day.
        daily_ssp = Fraction(0)
        if ssp_possible and i >= first_ssp_index and ssp_days_used < SSP_MAX_DAYS:
            weekly_rate = ssp_weekly_rate_on(day)
            if reform:
                weekly_rate = min(weekly_rate, SSP_REFORM_EARNINGS_FRACTION * weekly_earnings)
            daily_ssp = weekly_rate / DAYS_PER_WEEK
            ssp_days_used += 1

        # Contractual band for this day: full first, then half, then nil.
        f = min(weight, full_left)
        full_left -= f
        h = min(weight - f, half_left)
        half_left -= h
        z = weight - f - h

        full_total += f
        half_total += h
        nil_total += z
        ssp_total += weight * daily_ssp
        pay_total += (f * daily_pay
                      + h * min(daily_pay, daily_pay / 2 + daily_ssp)
                      + z * daily_ssp)

    return {
        "full_days": float(full_total),
        "half_days": float(half_total),
        "nil_days": float(nil_total),
        "ssp": float(ssp_total),
        "pay": float(pay_total),
    }


# ---------------------------------------------------------------------------
# 2. Redundancy weeks
# ---------------------------------------------------------------------------

def redundancy_weeks_row(age, service, multiplier=1.0):
    """Weeks' pay due on redundancy (chapter I.2.G, Appendix 2), counting back year by year."""
    age_x = _num(age, "age")
    service_x = _num(service, "service")
    mult = Fraction(1) if multiplier is None else _num(multiplier, "multiplier")
    if age_x < 0:
        raise ValueError("age must not be negative")
    if service_x < 0:
        raise ValueError("service must not be negative")
    if math.floor(service_x) > math.floor(age_x):  # completed years (decided reading)
        raise ValueError("service is longer than age")
    if not PLAUSIBLE_MIN_AGE <= math.floor(age_x) <= PLAUSIBLE_MAX_AGE:
        raise ValueError("age is outside 16 to 100 (round 2)")
    if math.floor(service_x) > math.floor(age_x) - PLAUSIBLE_SERVICE_START_AGE:
        raise ValueError("service is more than age - 14 (round 2)")
    if mult < REDUNDANCY_MULTIPLIER_MIN or mult > REDUNDANCY_MULTIPLIER_MAX:
        raise ValueError("multiplier must be between 1 and 2")

    a = math.floor(age_x)
    s = math.floor(service_x)
    if s < REDUNDANCY_MIN_SERVICE:
        return 0.0
    weeks = Fraction(0)
    for k in range(1, min(s, REDUNDANCY_MAX_SERVICE_YEARS) + 1):
        age_at_start_of_that_year = a - k
        if age_at_start_of_that_year >= REDUNDANCY_UPPER_AGE:
            weeks += REDUNDANCY_WEEKS_UPPER
        elif age_at_start_of_that_year >= REDUNDANCY_MIDDLE_AGE:
            weeks += REDUNDANCY_WEEKS_MIDDLE
        else:
            weeks += REDUNDANCY_WEEKS_LOWER
    return float(min(weeks * mult, Fraction(REDUNDANCY_MAX_WEEKS)))


# ---------------------------------------------------------------------------
# 3. Leave accrual
# ---------------------------------------------------------------------------

def _grade_band(grade):
    """(basic, after 5 years) days for a grade written "KR6", "kr 6", "KR 6", 6, 6.0,
    "6", "KR Entry", "Apprentice" (case- and space-insensitive)."""
    if grade is None:
        raise ValueError("grade is blank")
    if isinstance(grade, bool):
        raise ValueError("grade must not be a boolean")
    number = None
    if isinstance(grade, str):
        key = "".join(grade.split()).upper()
        if key in ("KRENTRY", "APPRENTICE"):
            return LEAVE_BAND_LOW
        if key.startswith("KR"):
            key = key[2:]
        if key and key.isascii() and key.isdigit():
            number = int(key)
        else:
            raise ValueError(f"unknown grade {grade!r}")
    else:
        value = _num(grade, "grade")
        if value.denominator != 1:
            raise ValueError(f"unknown grade {grade!r}")
        number = int(value)
    if LEAVE_LOW_MIN_GRADE <= number <= LEAVE_LOW_MAX_GRADE:
        return LEAVE_BAND_LOW
    if LEAVE_MID_MIN_GRADE <= number <= LEAVE_MID_MAX_GRADE:
        return LEAVE_BAND_MID
    if number >= LEAVE_HIGH_MIN_GRADE:
        return LEAVE_BAND_HIGH
    raise ValueError(f"unknown grade {grade!r}")


def _unit(unit):
    if unit is None:
        return "days"
    if not isinstance(unit, str):
        raise ValueError("unit must be text")
    u = unit.strip().lower()
    if u not in ("days", "hours", "casual", "relief"):
        raise ValueError(f"unknown unit {unit!r}")
    return u


def leave_accrual_row(grade, service_start, as_of, weekly_hours=37.0,
                      employment_start=None, employment_end=None, unit="days"):
    """Annual leave accrued in the leave year containing as_of (chapter G.1, G.2).

    unit "days"/"hours": weekly_hours is the contracted week (0 < h <= 37).
    unit "casual"/"relief": the 4th argument is the HOURS WORKED in the period.
    """
    u = _unit(unit)
    as_of = _date(as_of, "as_of")
    emp_start = _optional_date(employment_start, "employment_start")
    emp_end = _optional_date(employment_end, "employment_end")

    if leave_year_bounds(as_of)[0] < LEAVE_RULES_FROM:
        raise ValueError("the leave year starts before the leave rules (round 2)")
    if u in ("casual", "relief"):
        hours_worked = _num(weekly_hours, "hours worked")
        if hours_worked < 0:
            raise ValueError("hours worked must not be negative")
        if hours_worked > PLAUSIBLE_MAX_HOURS_WORKED:
            raise ValueError("hours worked is above 8,784 (round 2)")
        if emp_start is None and service_start is not None:
            emp_start = _date(service_start, "service_start")  # round 2: blank start = service start
        if emp_start is not None and emp_end is not None and emp_end < emp_start:
            raise ValueError("employment_end is before employment_start")
        if u == "casual":
            # grade and service_start are ignored
            return float(CASUAL_ACCRUAL_RATE * hours_worked)
        basic, after5 = _grade_band(grade)
        service = _date(service_start, "service_start")
        entitlement = after5 if uplift_start(service) <= as_of else basic
        return float(hours_rule(RELIEF_ACCRUAL_RATES[entitlement] * hours_worked))

    # unit days / hours
    basic, after5 = _grade_band(grade)
    service = _date(service_start, "service_start")
    hours = FULL_TIME_WEEKLY_HOURS if weekly_hours is None else _num(weekly_hours, "weekly_hours")
    if not (0 < hours <= FULL_TIME_WEEKLY_HOURS):
        raise ValueError("weekly_hours must be more than 0 and at most 37")
    if emp_start is None:
        emp_start = service
    if emp_end is not None and emp_end < emp_start:
        raise ValueError("employment_end is before employment_start")

    year_first, year_last = leave_year_bounds(as_of)
    up = uplift_start(service)
    d_year = 0
    days = 0
    days_up = 0
    for day in _all_days(year_first, year_last):
        d_year += 1
        employed = emp_start <= day and (emp_end is None or day <= emp_end)
        if employed and day <= as_of:
            days += 1
            if day >= up:
                days_up += 1

    basic_part = Fraction(basic * days, d_year)
    uplift_part = Fraction((after5 - basic) * days_up, d_year)
    days_unrounded = basic_part + uplift_part
    full_time = hours == FULL_TIME_WEEKLY_HOURS

    if u == "days":
        if full_time:
            return float(round_half(basic_part) + round_half(uplift_part))
        return float(round_half(days_unrounded * hours / FULL_TIME_WEEKLY_HOURS))
    # u == "hours"
    if full_time:
        return float((round_half(basic_part) + round_half(uplift_part)) * STANDARD_DAY_HOURS)
    return float(hours_rule(days_unrounded * STANDARD_DAY_HOURS * hours / FULL_TIME_WEEKLY_HOURS))


# ---------------------------------------------------------------------------
# 4. Cash award log
# ---------------------------------------------------------------------------

def _blank(x):
    return x is None or (isinstance(x, str) and x.strip() == "")


def _norm_key(x):
    """Identity used to match employee ids / work refs: text is stripped and
    case-folded; a number matches its text (1001.0 == 1001 == "1001"), as decided in
    docs/decisions.md."""
    if isinstance(x, str):
        return ("s", x.strip().casefold())
    if isinstance(x, float) and x.is_integer():
        return ("s", str(int(x)))
    if isinstance(x, int):
        return ("s", str(x))
    return ("s", repr(float(x)))


def _parse_award_row(row):
    """Returns a normalised dict, or None when the row is invalid."""
    try:
        emp = row.get("employee_id")
        if _blank(emp) or isinstance(emp, bool):
            return None
        if isinstance(emp, float) and not math.isfinite(emp):
            return None
        d = _date(row.get("award_date"), "award_date")
        amount = _num(row.get("amount"), "amount")
        if amount <= 0 or amount > AWARD_MAX_PLAUSIBLE:
            return None
        # Money is paid in whole pence (docs/decisions.md): an amount more than float noise
        # from a whole number of pence is a problem row; within it, the amount is those pence.
        pence = amount * 100
        whole = round(pence)
        if abs(pence - whole) > AWARD_PENCE_NOISE:
            return None
        amount = Fraction(whole, 100)
        kind = row.get("kind")
        if _blank(kind):
            kind = "individual"
        elif isinstance(kind, str) and kind.strip().lower() in ("team", "individual"):
            kind = kind.strip().lower()
        else:
            return None
        ref = row.get("work_ref")
        ref_key = None if _blank(ref) else _norm_key(ref)
        return {
            "emp": _norm_key(emp),
            "date": d,
            "amount": amount,
            "kind": kind,
            "ref": ref_key,
            "endorsed": _is_true(row.get("endorsed")),
            "ineligible": _is_true(row.get("ineligible")),
        }
    except (ValueError, TypeError, AttributeError):
        return None


def award_ok_log(rows):
    """Judge every row of a cash-award log against the whole log.

    Returns [(ok, first_failed_rule)], rule 0 when OK, -1 for an invalid row.
    """
    parsed = [_parse_award_row(r) for r in rows]
    results = []
    for i, me in enumerate(parsed):
        if me is None:
            results.append((False, RULE_INVALID))
            continue

        # Rule 1: ineligible employee.
        if me["ineligible"]:
            results.append((False, RULE_INELIGIBLE))
            continue

        # Rule 2: over £500 per award (team: all team rows for the same work).
        if me["kind"] == "team" and me["ref"] is not None:
            award_total = Fraction(0)
            for other in parsed:
                if other is not None and other["kind"] == "team" and other["ref"] == me["ref"]:
                    award_total += other["amount"]
        else:
            award_total = me["amount"]
        if award_total > AWARD_MAX_SINGLE:
            results.append((False, RULE_OVER_500))
            continue

        # Rule 3: rolling 12 months for this employee, up to and including this row.
        window_start_exclusive = edate(me["date"], -AWARD_ROLLING_MONTHS)
        rolling = Fraction(0)
        for j, other in enumerate(parsed):
            if other is None or other["emp"] != me["emp"]:
                continue
            if other["date"] <= window_start_exclusive:
                continue
            if other["date"] < me["date"] or (other["date"] == me["date"] and j <= i):
                rolling += other["amount"]
        if rolling > AWARD_MAX_ROLLING:
            results.append((False, RULE_ROLLING_1000))
            continue

        # Rule 4: same employee, same work, both a team and an individual award.
        double = False
        if me["ref"] is not None:
            kinds = set()
            for other in parsed:
                if other is not None and other["emp"] == me["emp"] and other["ref"] == me["ref"]:
                    kinds.add(other["kind"])
            double = kinds == {"team", "individual"}
        if double:
            results.append((False, RULE_DOUBLE_REWARD))
            continue

        # Rule 5: team award not endorsed by a senior manager outside the team.
        if me["kind"] == "team" and not me["endorsed"]:
            results.append((False, RULE_TEAM_NOT_ENDORSED))
            continue

        results.append((True, RULE_OK))
    return results


# ---------------------------------------------------------------------------
# 5. Sick pay over an absence record (RULES.md "KENT_SICKPAY_LOG")
# ---------------------------------------------------------------------------

# SSP linking: two periods of incapacity for work (PIWs) separated by not more than 8 weeks
# are one (SSCBA 1992 s.152(3); chapter J.2.B "off sick within 8 weeks or less of a previous
# SSP claim"; RULES.md: linked when first - previous_last - 1 <= 56).
SSP_LINK_GAP_DAYS = 56
# The rolling year: paid sick leave in the previous 12 months (chapter J.2.A).
ROLLING_YEAR_MONTHS = 12


def _log_row(employee_id, first_day, last_day, service_start, annual_salary, temporary_short):
    """One row of an absence record on its own: its parsed values, or ValueError."""
    if employee_id is None or _blank(employee_id) or (isinstance(employee_id, float) and math.isnan(employee_id)):
        raise ValueError("employee id is blank")
    first = _date(first_day, "first_day")
    last = _date(last_day, "last_day")
    if last < first:
        raise ValueError("last_day is before first_day")
    days = (last - first).days + 1
    # Every check of KENT_SICKPAY for the row's own values (and nothing paid before).
    sick_pay_row(service_start, first, days, annual_salary, 0, temporary_short)
    return {
        "emp": _norm_key(employee_id),
        "first": first,
        "last": last,
        "days": days,
        "service_start": _date(service_start, "service_start"),
        "salary": _num(annual_salary, "annual_salary"),
        "temporary_short": _bool(temporary_short, "temporary_short", False),
    }


def _paid_days_within(history, window_first, window_last):
    """Days from window_first to window_last (both included) on which earlier absences
    were paid: an absence's paid days are its first `paid` days, a part day by its fraction."""
    total = Fraction(0)
    for first, paid in history:
        i = 0
        while i < paid:
            day = first + timedelta(days=i)
            if window_first <= day <= window_last:
                total += min(Fraction(1), paid - i)
            i += 1
    return total


def sick_pay_log_rows(employee_ids, first_days, last_days, service_starts, annual_salaries,
                      temporary_short=None):
    """KENT_SICKPAY_LOG over a whole record, each employee's absences walked in date order,
    each absence walked day by day.

    Returns one dict per row: full_days, half_days, nil_days, ssp, pay, prior_paid_days,
    ssp_days_left (floats, unrounded), or {"error": reason} for a row in error.
    """
    count = len(first_days)
    temporary_short = [False] * count if temporary_short is None else temporary_short
    rows, results = [], [None] * count
    for i in range(count):
        try:
            rows.append(_log_row(employee_ids[i], first_days[i], last_days[i], service_starts[i],
                                 annual_salaries[i], temporary_short[i]))
        except ValueError as e:
            rows.append(None)
            results[i] = {"error": str(e)}

    # Two absences of the same employee that share a day are both errors.
    for i in range(count):
        for j in range(count):
            a, b = rows[i], rows[j]
            if i != j and a is not None and b is not None and a["emp"] == b["emp"] \
                    and a["first"] <= b["last"] and b["first"] <= a["last"]:
                results[i] = {"error": "overlaps another absence of the same employee"}
    taking_part = [i for i in range(count) if rows[i] is not None and results[i] is None]

    for emp in {rows[i]["emp"] for i in taking_part}:
        mine = sorted((i for i in taking_part if rows[i]["emp"] == emp), key=lambda i: rows[i]["first"])
        history = []  # (first day, paid days) of the earlier absences
        piw_last = None  # last day of the latest PIW of the employee
        series_ssp_days = 0  # SSP days paid in the linked series
        series_waiting_days = 0  # waiting days served in the linked series
        for i in mine:
            r = rows[i]
            first, days, salary = r["first"], r["days"], r["salary"]
            reform = first >= SSP_REFORM_DATE

            # The rolling year: EDATE(first, -12) up to the day before the absence.
            prior = _paid_days_within(history, edate(first, -ROLLING_YEAR_MONTHS), first - timedelta(days=1))
            months = datedif_months(r["service_start"], first)
            full_months, half_months = _sick_pay_band(months, r["temporary_short"])
            full_allowance = full_months * DAYS_PER_SICK_MONTH
            half_allowance = half_months * DAYS_PER_SICK_MONTH
            full_left = max(Fraction(0), full_allowance - prior)
            half_left = max(Fraction(0), half_allowance - max(Fraction(0), prior - full_allowance))

            # SSP linking: before the reform an absence under 4 days is no PIW.
            piw = reform or days >= SSP_MIN_PIW_DAYS
            near = piw_last is not None and (first - piw_last).days - 1 <= SSP_LINK_GAP_DAYS
            if piw and not near:
                series_ssp_days = 0
                series_waiting_days = 0
            daily_pay = salary / DAYS_PER_YEAR
            weekly_earnings = daily_pay * DAYS_PER_WEEK
            if not piw:
                entitled = False
            elif reform:
                entitled = True
            else:
                entitled = weekly_earnings >= _dated_lookup(SSP_LOWER_EARNINGS_LIMITS, first,
                                                            "SSP lower earnings limit")
            waiting_days = 0 if reform else SSP_WAITING_DAYS

            full_total = half_total = nil_total = ssp_total = pay_total = Fraction(0)
            for d in range(days):
                day = first + timedelta(days=d)
                daily_ssp = Fraction(0)
                if piw and series_waiting_days < waiting_days:
                    series_waiting_days += 1  # a waiting day: no SSP
                elif entitled and series_ssp_days < SSP_MAX_DAYS:
                    weekly_rate = ssp_weekly_rate_on(day)
                    if reform:
                        weekly_rate = min(weekly_rate, SSP_REFORM_EARNINGS_FRACTION * weekly_earnings)
                    daily_ssp = weekly_rate / DAYS_PER_WEEK
                    series_ssp_days += 1
                f = min(Fraction(1), full_left)
                full_left -= f
                h = min(1 - f, half_left)
                half_left -= h
                z = 1 - f - h
                full_total += f
                half_total += h
                nil_total += z
                ssp_total += daily_ssp
                pay_total += f * daily_pay + h * min(daily_pay, daily_pay / 2 + daily_ssp) + z * daily_ssp

            history.append((first, full_total + half_total))
            if piw:
                piw_last = r["last"]
                left = SSP_MAX_DAYS - series_ssp_days
            else:
                left = SSP_MAX_DAYS - series_ssp_days if near else SSP_MAX_DAYS
            results[i] = {
                "full_days": float(full_total),
                "half_days": float(half_total),
                "nil_days": float(nil_total),
                "ssp": float(ssp_total),
                "pay": float(pay_total),
                "prior_paid_days": float(prior),
                "ssp_days_left": float(left),
            }
    return results


# ---------------------------------------------------------------------------
# KENT_NOTICE: notice that KCC gives (RULES.md; Kent Scheme L.1-L.3, I.2.E)
# ---------------------------------------------------------------------------

# Kent Scheme L.2.A: "Grade KR8 and below 1 Month, Grade KR9 2 Months, Grade KR10 and
# above 3 Months"; RULES.md: KR Entry, Apprentice and KR3 to KR8 are the 1-month grades.
NOTICE_LOWEST_KR = 3
NOTICE_ONE_MONTH_TOP_KR = 8
NOTICE_TWO_MONTH_KR = 9
# Kent Scheme I.2.E and L.3 (ERA 1996 s.86): 1 month but less than 2 years: 1 week;
# 2 years but less than 12 years: 1 week per year; 12 years or more: 12 weeks.
NOTICE_MIN_SERVICE_MONTHS = 1
NOTICE_PER_YEAR_FROM_YEARS = 2
NOTICE_MAX_WEEKS = 12
NOTICE_DAYS_PER_YEAR = 365  # B.2.D apportionment: pay in lieu is days * salary / 365
NOTICE_RULES_FROM = date(2015, 7, 1)  # chapter L is dated July 2015


def _notice_contract_months(grade):
    if grade is None or (isinstance(grade, str) and not grade.strip()):
        raise ValueError("grade is blank")
    if isinstance(grade, bool):
        raise ValueError("grade must not be a boolean")
    if isinstance(grade, str):
        key = "".join(grade.split()).upper()
        if key in ("KRENTRY", "APPRENTICE"):
            return 1
        if key.startswith("KR"):
            key = key[2:]
        if not (key and key.isascii() and key.isdigit()):
            raise ValueError(f"unknown grade {grade!r}")
        number = int(key)
    else:
        value = _num(grade, "grade")
        if value.denominator != 1:
            raise ValueError(f"unknown grade {grade!r}")
        number = int(value)
    if number < NOTICE_LOWEST_KR:
        raise ValueError(f"unknown grade {grade!r}")
    if number <= NOTICE_ONE_MONTH_TOP_KR:
        return 1
    if number == NOTICE_TWO_MONTH_KR:
        return 2
    return 3


def notice_row(grade, service_start, notice_date, annual_salary=None):
    """One row of KENT_NOTICE: a dict of days, end_date, statutory_weeks,
    contractual_months and pay (``None`` without a salary, the ValueError for a bad one).
    Raises ValueError for a bad row."""
    months = _notice_contract_months(grade)
    start = _date(service_start, "service_start")
    given = _date(notice_date, "notice_date")
    if start > given:
        raise ValueError("service_start is after notice_date")
    if given < NOTICE_RULES_FROM:
        raise ValueError("no notice rules in force")
    # Complete years of service, counted one anniversary at a time from the complete months.
    service_months = datedif_months(start, given)
    years = 0
    while (years + 1) * 12 <= service_months:
        years += 1
    if service_months < NOTICE_MIN_SERVICE_MONTHS:
        weeks = 0
    elif years < NOTICE_PER_YEAR_FROM_YEARS:
        weeks = 1
    else:
        weeks = min(years, NOTICE_MAX_WEEKS)
    statutory_end = given
    for _ in range(7 * weeks):  # a day at a time
        statutory_end += timedelta(days=1)
    contractual_end = edate(given, months)
    end = statutory_end if statutory_end > contractual_end else contractual_end
    days = 0
    day = given
    while day < end:
        day += timedelta(days=1)
        days += 1
    pay = None  # no salary: no pay, but the notice stands
    if annual_salary is not None:
        try:
            salary = _num(annual_salary, "annual_salary")
            if salary <= 0:
                raise ValueError("annual_salary is not above 0")
            pay = float(Fraction(days) * salary / NOTICE_DAYS_PER_YEAR)
        except ValueError as exc:  # a bad salary spoils the pay only
            pay = exc
    return {"days": days, "end_date": end, "statutory_weeks": weeks, "contractual_months": months, "pay": pay}


def notice_rows(grades, service_starts, notice_dates, annual_salaries=None):
    """KENT_NOTICE over rows: for each, :func:`notice_row`'s dict, or the ValueError it raised."""
    salaries = [None] * len(grades) if annual_salaries is None else annual_salaries
    out = []
    for row in zip(grades, service_starts, notice_dates, salaries, strict=True):
        try:
            out.append(notice_row(*row))
        except ValueError as exc:
            out.append(exc)
    return out
