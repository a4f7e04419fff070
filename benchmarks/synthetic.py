"""Seeded synthetic staff lists and award logs for the benchmarks.

Everything is generated with numpy from one seed, so a run is repeatable. The data
is *plausible*, not a copy of any real payroll: the salary ranges by grade are a
smooth invented scale, not the published Kent Scheme pay table. All generated rows
are valid inputs (no blanks, no impossible values), so the benchmarks time the
computation rather than error handling.

* :func:`staff` gives one row per person, with every input the four rules need
  (grade both as text "KR6" and as the number 6).
* :func:`award_log` gives a recognition award log (employee ids both as integer
  codes and as text "E000123"; work references both ways too).
* :func:`excel_column` and the ``*_excel`` helpers turn columns into what Excel hands
  an xlwings function: ``n x 1`` nested lists of ``datetime.datetime``, ``float``,
  ``str`` and ``bool``, with ``None`` for a blank cell.
* :func:`python_column` turns a column into a plain Python list (``datetime.date``,
  ``float``, ``str``, ``bool``, ``None``) for the per-row loop baseline.

>>> s = staff(1000, seed=1)
>>> len(s), s.grade_text[0][:2], bool((s.weekly_hours <= 37).all())
(1000, 'KR', True)
>>> log = award_log(1000, seed=1)
>>> len(log), str(log.employee_text[0])[:1]
(1000, 'E')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np

__all__ = [
    "REFERENCE_DATE",
    "Staff",
    "AwardLog",
    "staff",
    "award_log",
    "excel_column",
    "python_column",
    "staff_excel",
    "awards_excel",
]

#: "Today" of the synthetic HR extract: service starts lie in the 40 years before it.
REFERENCE_DATE = np.datetime64("2026-04-01", "D")
#: The leave year the as-of dates fall in (2026/27), and the termination date range.
AS_OF_FIRST = np.datetime64("2026-04-01", "D")
AS_OF_LAST = np.datetime64("2027-03-31", "D")
#: Absences start in calendar years 2024 to 2027.
ABSENCE_FIRST = np.datetime64("2024-01-01", "D")
ABSENCE_LAST = np.datetime64("2027-12-31", "D")
#: Award logs cover three financial years.
AWARD_FIRST = np.datetime64("2024-04-01", "D")
AWARD_LAST = np.datetime64("2027-03-31", "D")

GRADES = np.arange(3, 16)  # KR3 .. KR15
# More staff in the lower and middle grades than at the top.
GRADE_WEIGHTS = np.array([6, 10, 12, 13, 12, 11, 10, 8, 6, 5, 3, 2, 2], dtype=float)
# Full-time salary: KR3 starts at £22,000, each grade about 11.5% above the one below,
# each grade's range 15% wide (KR15 tops out near £93,000).
SALARY_KR3_GBP = 22_000.0
SALARY_STEP = 1.115
SALARY_RANGE = 1.15
FULL_TIME_HOURS = 37.0
PART_TIME_SHARE = 0.30
YEAR_DAYS = 365.2425


@dataclass(frozen=True)
class _Columns:
    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))

    def head(self, m: int):
        """The first ``m`` rows (rows are in random order, so this is a random sample)."""
        return type(self)(**{f.name: getattr(self, f.name)[:m] for f in fields(self)})


@dataclass(frozen=True)
class Staff(_Columns):
    """One row per person (all arrays of the same length)."""

    grade_num: np.ndarray  # int64, 3..15
    grade_text: np.ndarray  # str "KR3".."KR15"
    weekly_hours: np.ndarray  # float, 37 (full-time) or in (0, 37) (part-time)
    salary_fte_gbp: np.ndarray  # full-time-equivalent annual salary
    salary_gbp: np.ndarray  # actual annual pay (pro rata for part-time)
    birth: np.ndarray  # datetime64[D]
    service_start: np.ndarray  # datetime64[D], within 40 years before REFERENCE_DATE
    as_of: np.ndarray  # datetime64[D] in the 2026/27 leave year; also the termination date
    employment_end: np.ndarray  # datetime64[D]; NaT = still employed (~5% leavers)
    absence_start: np.ndarray  # datetime64[D], 2024..2027, never before service_start
    absence_days: np.ndarray  # float, 1..400 calendar days (mostly short)
    prior_paid_days: np.ndarray  # float, 0..200 (over half are 0)
    temporary_short: np.ndarray  # bool (~1%)
    age_years: np.ndarray  # float, completed years at as_of
    service_years: np.ndarray  # float, completed years of service at as_of
    multiplier: np.ndarray  # float, mostly 1, some 1.5 and 2


@dataclass(frozen=True)
class AwardLog(_Columns):
    """One row per award payment to one employee, in date order (as a log is kept)."""

    employee_code: np.ndarray  # int64
    employee_text: np.ndarray  # str "E000123"
    award_date: np.ndarray  # datetime64[D]
    amount_gbp: np.ndarray  # float, 50..500
    team: np.ndarray  # bool (~20% of rows)
    work_ref_code: np.ndarray  # float code, nan = blank
    work_ref_text: np.ndarray  # str "T000012" (team), "W0000123" (individual), "" = blank
    endorsed: np.ndarray  # bool, mostly True
    ineligible: np.ndarray  # bool (~1%)


def _complete_years(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Excel ``DATEDIF(start, end, "Y")`` for date arrays, as float."""
    ms = start.astype("datetime64[M]")
    me = end.astype("datetime64[M]")
    ds = (start - ms.astype("datetime64[D]")).astype(np.int64)
    de = (end - me.astype("datetime64[D]")).astype(np.int64)
    months = (me - ms).astype(np.int64) - (de < ds)
    return (months // 12).astype(np.float64)


def _compact(a: np.ndarray) -> np.ndarray:
    """Text at its natural width ("KR6" as <U4, not the <U23 numpy's str() gives)."""
    width = max(1, int(np.strings.str_len(a).max(initial=0)))
    return a.astype(f"<U{width}")


def _uniform_dates(rng, first, last, n) -> np.ndarray:
    span = int((last - first).astype(np.int64)) + 1
    return first + rng.integers(0, span, n).astype("timedelta64[D]")


def staff(n: int, seed: int = 20260401) -> Staff:
    """A synthetic staff list of ``n`` people (see :class:`Staff` for the columns)."""
    rng = np.random.default_rng(seed)

    grade = rng.choice(GRADES, size=n, p=GRADE_WEIGHTS / GRADE_WEIGHTS.sum())
    grade_text = _compact(np.char.add("KR", grade.astype(str)))

    part_time = rng.random(n) < PART_TIME_SHARE
    pt_hours = np.round(rng.uniform(3.7, 36.9, n), 1)  # strictly inside (0, 37)
    hours = np.where(part_time, pt_hours, FULL_TIME_HOURS)

    bottom = SALARY_KR3_GBP * SALARY_STEP ** (grade - 3)
    fte = np.round(bottom * rng.uniform(1.0, SALARY_RANGE, n))
    salary = np.round(fte * hours / FULL_TIME_HOURS, 2)

    # Tenure skewed to recent joiners (mean about 11 years), up to 40 years.
    tenure_days = np.floor(40 * YEAR_DAYS * rng.beta(1.2, 3.0, n)).astype(np.int64)
    service_start = REFERENCE_DATE - 1 - tenure_days.astype("timedelta64[D]")
    # Age at joining at least 16, and at most 66 at the reference date.
    tenure_years = tenure_days / YEAR_DAYS
    start_age = rng.uniform(16.0, np.maximum(16.5, 66.0 - tenure_years))
    birth = service_start - np.ceil(start_age * YEAR_DAYS).astype(np.int64).astype("timedelta64[D]")

    as_of = _uniform_dates(rng, AS_OF_FIRST, AS_OF_LAST, n)
    as_of = np.where(rng.random(n) < 0.10, AS_OF_LAST, as_of)  # whole-year reports
    # About 5% leave during the leave year, on or before the as-of date.
    leaver = rng.random(n) < 0.05
    end_from = np.maximum(service_start, AS_OF_FIRST)
    end_span = (as_of - end_from).astype(np.int64)
    end = end_from + np.floor(rng.random(n) * (end_span + 1)).astype(np.int64).astype("timedelta64[D]")
    employment_end = np.where(leaver, end, np.datetime64("NaT", "D"))

    absence_start = _uniform_dates(rng, ABSENCE_FIRST, ABSENCE_LAST, n)
    early = absence_start < service_start  # redraw between service start and the last date
    span = (ABSENCE_LAST - service_start).astype(np.int64) + 1
    redraw = service_start + np.floor(rng.random(n) * span).astype(np.int64).astype("timedelta64[D]")
    absence_start = np.where(early, redraw, absence_start)
    # Mostly short absences, a long tail to 400 days (log-uniform).
    absence_days = np.floor(np.exp(rng.uniform(0.0, np.log(401.0), n)))
    prior = np.where(rng.random(n) < 0.55, 0.0, rng.integers(1, 201, n).astype(float))
    temporary_short = rng.random(n) < 0.01

    age_years = _complete_years(birth, as_of)
    service_years = _complete_years(service_start, as_of)
    multiplier = rng.choice(np.array([1.0, 1.5, 2.0]), size=n, p=[0.85, 0.10, 0.05])

    return Staff(
        grade_num=grade.astype(np.int64),
        grade_text=grade_text,
        weekly_hours=hours,
        salary_fte_gbp=fte,
        salary_gbp=salary,
        birth=birth,
        service_start=service_start,
        as_of=as_of,
        employment_end=employment_end,
        absence_start=absence_start,
        absence_days=absence_days,
        prior_paid_days=prior,
        temporary_short=temporary_short,
        age_years=age_years,
        service_years=service_years,
        multiplier=multiplier,
    )


def award_log(n: int, seed: int = 20260401, awards_per_employee: float = 4.0) -> AwardLog:
    """A synthetic award log of ``n`` rows over three years (see :class:`AwardLog`).

    About ``awards_per_employee`` awards per employee over the three years, so the
    £1,000 rolling limit is reached now and then. About 20% of rows belong to team
    awards (2 to 6 members sharing a work reference and date); about 1% of individual
    rows reward work the same employee also had a team award for; about 1% of rows
    are for ineligible staff; about 90% of rows are endorsed.
    """
    rng = np.random.default_rng(seed + 1)
    n_emp = max(1, int(round(n / awards_per_employee)))

    # Team awards: groups of 2..6 rows sharing a work reference and a date.
    n_team = int(round(0.20 * n)) if n >= 5 else 0
    sizes = rng.integers(2, 7, size=max(1, n_team // 2 + 1))
    team_of_row = np.repeat(np.arange(len(sizes)), sizes)[:n_team]
    n_teams = int(team_of_row.max(initial=-1)) + 1
    team_dates = _uniform_dates(rng, AWARD_FIRST, AWARD_LAST, n_teams)
    team_amount = rng.choice(np.array([50.0, 75.0, 100.0, 125.0, 150.0]), size=n_team)

    n_ind = n - n_team
    ind_dates = _uniform_dates(rng, AWARD_FIRST, AWARD_LAST, n_ind)
    ind_amount = np.round(rng.uniform(50, 500, n_ind) / 5) * 5  # £50..£500 in £5 steps
    ind_ref = np.where(rng.random(n_ind) < 0.7, n_teams + np.arange(n_ind), -1)

    employee = rng.integers(0, n_emp, n)
    date = np.concatenate([team_dates[team_of_row], ind_dates])
    amount = np.concatenate([team_amount, ind_amount])
    team = np.concatenate([np.ones(n_team, bool), np.zeros(n_ind, bool)])
    ref = np.concatenate([team_of_row, ind_ref]).astype(np.int64)

    # ~1% of individual rows: the same employee's team work rewarded again.
    if n_team and n_ind:
        dup = n_team + np.flatnonzero(rng.random(n_ind) < 0.01)
        src = rng.integers(0, n_team, len(dup))
        employee[dup] = employee[src]
        ref[dup] = ref[src]
        date[dup] = date[src] + rng.integers(0, 60, len(dup)).astype("timedelta64[D]")
        date[dup] = np.minimum(date[dup], AWARD_LAST)

    endorsed = rng.random(n) < 0.90
    ineligible = rng.random(n) < 0.01

    order = np.argsort(date, kind="stable")  # a log is kept in date order
    employee, date, amount, team, ref, endorsed, ineligible = (
        a[order] for a in (employee, date, amount, team, ref, endorsed, ineligible)
    )
    ref_text = np.where(
        ref < 0,
        "",
        np.where(
            team,
            np.char.add("T", np.char.zfill(ref.astype(str), 6)),
            np.char.add("W", np.char.zfill(ref.astype(str), 7)),
        ),
    )
    return AwardLog(
        employee_code=employee.astype(np.int64),
        employee_text=_compact(np.char.add("E", np.char.zfill(employee.astype(str), 6))),
        award_date=date,
        amount_gbp=amount,
        team=team,
        work_ref_code=np.where(ref < 0, np.nan, ref.astype(np.float64)),
        work_ref_text=_compact(ref_text),
        endorsed=endorsed,
        ineligible=ineligible,
    )


# ---------------------------------------------------------------------------
# Conversions: Excel shapes and plain Python lists
# ---------------------------------------------------------------------------


def python_column(a: np.ndarray) -> list:
    """A column as a plain Python list: ``date``, ``float``, ``int``, ``str``, ``bool``.

    Blanks (``NaT``, ``nan``, ``""``) become ``None``.
    """
    a = np.asarray(a)
    if a.dtype.kind == "M":
        return a.astype("datetime64[D]").tolist()  # NaT -> None
    if a.dtype.kind == "f":
        return [None if v != v else v for v in a.tolist()]
    if a.dtype.kind in "US":
        return [v if v != "" else None for v in a.tolist()]
    return a.tolist()  # bool, int


def excel_column(a: np.ndarray) -> list[list]:
    """A column as Excel passes a range to an xlwings UDF: an ``n x 1`` nested list.

    Dates become ``datetime.datetime`` (midnight), numbers ``float``, text ``str``,
    booleans ``bool``; a blank cell is ``None``.
    """
    a = np.asarray(a)
    if a.dtype.kind == "M":
        return [[None if d is None else dt.datetime(d.year, d.month, d.day)]
                for d in a.astype("datetime64[D]").tolist()]
    if a.dtype.kind in "iuf":
        return [[None if v != v else v] for v in a.astype(np.float64).tolist()]
    if a.dtype.kind in "US":
        return [[v if v != "" else None] for v in a.tolist()]
    if a.dtype.kind == "b":
        return [[v] for v in a.tolist()]
    raise TypeError(f"no Excel form for dtype {a.dtype}")


def staff_excel(s: Staff) -> dict[str, list[list]]:
    """The staff columns the UDF benchmarks need, in Excel's shapes."""
    names = ("grade_text", "weekly_hours", "salary_gbp", "service_start", "as_of",
             "employment_end", "absence_start", "absence_days", "prior_paid_days",
             "temporary_short", "age_years", "service_years", "multiplier")
    return {k: excel_column(getattr(s, k)) for k in names}


def awards_excel(log: AwardLog) -> dict[str, list[list]]:
    """The award log in Excel's shapes (text ids, "team"/"individual" kinds)."""
    return {
        "employee_ids": excel_column(log.employee_text),
        "award_dates": excel_column(log.award_date),
        "amounts": excel_column(log.amount_gbp),
        "kinds": excel_column(np.where(log.team, "team", "individual")),
        "work_refs": excel_column(log.work_ref_text),
        "endorsed": excel_column(log.endorsed),
        "ineligible": excel_column(log.ineligible),
    }
