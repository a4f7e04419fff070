"""A restructure's costs beyond redundancy pay: the unreduced pension flag and Loss of Earnings
Compensation (Kent Scheme L.4.E; chapter I, Appendix 1).

* :func:`unreduced_pension_on_redundancy`: an LGPS member made redundant at 55 or over with
  two years' pensionable service or more must take an immediate unreduced pension (L.4.E;
  chapter L Appendix 1), and the pension fund charges the employer a strain cost for it.
  Parameters ``restructure.unreduced_pension_min_age_years`` and
  ``restructure.unreduced_pension_min_service_years``.
* :func:`loss_of_earnings`: someone redeployed to a lower grade is appointed at the top of
  the new grade and is paid, in ``restructure.lec_instalment_months`` monthly instalments,
  the difference between the salary before redeployment and the top of the new grade; when
  the new grade is more than ``restructure.lec_max_grades_above_new`` grades below the old
  one, protection only reaches the top of the grade that many grades above the new grade
  (the policy's example: KR10 to KR7 gets the top of KR9 less the top of KR7).

The tops of the grades (the Kent Scheme salary scales) are not in the policy text: the
caller gives them (the budget template's Assumptions sheet, ``xl-kent recalc --grade-max``).
A needed top that is not given is reported in ``missing_grade``, never taken as 0.

Examples
--------
The policy's own example, with tops of KR7 £30,000 and KR9 £38,000 (invented figures):
a KR10 on £45,000 redeployed to KR7 is protected up to the top of KR9.

>>> tops = {7: 30000.0, 8: 34000.0, 9: 38000.0}
>>> r = loss_of_earnings("KR10", "KR7", 45000.0, tops, "2026-11-23")
>>> float(r.annual_gbp), int(r.protected_grade), float(r.cost_gbp)
(8000.0, 9, 12000.0)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import params
from ._arrays import (
    answers_not_columns,
    broadcast_rows,
    broadcast_shape,
    dates,
    flags,
    floats,
    not_columns_result,
)
from .dates import MONTHS_PER_YEAR
from .leave import parse_grades

__all__ = ["LossOfEarnings", "loss_of_earnings", "unreduced_pension_on_redundancy"]


def _p(name: str) -> params.Parameter:
    return params.parameter("restructure", name)




@answers_not_columns(lambda: np.array(np.nan))
def unreduced_pension_on_redundancy(age_years, service_years, lgps_member, on) -> np.ndarray:
    """Whether redundancy on ``on`` brings an immediate unreduced pension (L.4.E), per row.

    ``age_years`` and ``service_years`` are completed years on the redundancy date;
    ``service_years`` stands for the pensionable service (see the docs). Returns a float
    array: 1.0 yes, 0.0 no, ``nan`` where age, service or ``on`` is unknown, or no rule
    is in force on ``on``.

    >>> unreduced_pension_on_redundancy([55, 54, 60, 60, np.nan], [2, 30, 1, 5, 5],
    ...                                  [True, True, True, False, True], "2026-11-23").tolist()
    [1.0, 0.0, 0.0, 0.0, nan]
    """
    member, member_bad = flags(lgps_member)
    (age, service, member, when), shape = broadcast_rows(floats(age_years), floats(service_years), member, dates(on))
    (min_age, min_service), in_force = params.lookup(when, _p("unreduced_pension_min_age_years"),
                                                     _p("unreduced_pension_min_service_years"))
    yes = member & (age >= min_age) & (service >= min_service)
    known = in_force & ~np.isnan(age) & ~np.isnan(service)
    if member_bad is not None:  # lgps_member neither TRUE nor FALSE: not known
        known &= ~np.broadcast_to(member_bad, shape).reshape(-1)
    return np.where(known, yes.astype(np.float64), np.nan).reshape(shape)


class LossOfEarnings(NamedTuple):
    """Result of :func:`loss_of_earnings`; ``nan`` where it cannot be worked out.

    ``missing_grade`` is the KR number of the first grade whose top is needed and not
    given (-1: none missing); ``named_grade`` marks rows where the old or new grade is a
    named grade (KR Entry, Apprentice), for which "two grades above" is not defined;
    ``unknown_grade`` marks rows whose old or new grade is not a grade.
    """

    annual_gbp: np.ndarray  # the yearly difference protected
    monthly_gbp: np.ndarray  # one instalment
    cost_gbp: np.ndarray  # every instalment: annual / 12 * instalment months
    protected_grade: np.ndarray  # KR number whose top caps the protection (-1: none)
    missing_grade: np.ndarray
    named_grade: np.ndarray
    unknown_grade: np.ndarray


@answers_not_columns(lambda: not_columns_result(
    LossOfEarnings, protected_grade=-1, missing_grade=-1, named_grade=False, unknown_grade=False))
def loss_of_earnings(old_grade, new_grade, annual_salary_gbp, top_of_grade: dict[int, float], on,
                     fte=1.0) -> LossOfEarnings:
    """Loss of Earnings Compensation for redeployment from ``old_grade`` to ``new_grade`` on ``on``.

    Parameters
    ----------
    old_grade, new_grade : array_like
        Grades as :func:`xl_kent.leave.parse_grades` reads them ("KR10", 10).
    annual_salary_gbp : array_like of float
        Annual salary before the redeployment.
    top_of_grade : dict
        KR number -> the top of that grade's salary scale, £ a year (from the user).
    on : date
        Date of the redeployment (the parameters in force then).
    fte : array_like of float, optional
        The share of a full-time week worked (weekly hours / the full-time week; 1 by
        default). The tops of the grades are full-time salaries and a part-timer's salary is
        pro rata (Kent Scheme B.2.C), so the tops are taken pro rata too: the new post at the
        same hours (docs/decisions.md).

    Returns
    -------
    LossOfEarnings
        A new grade at or above the old one gives 0 (appointment at the existing salary,
        principle 1); otherwise ``min(salary, top(min(old, new + 2))) - top(new)``, not
        below 0, a year, paid in 18 monthly instalments.

    Examples
    --------
    One grade down is protected to the salary; a missing top is said, not guessed:

    >>> r = loss_of_earnings(["KR8", "KR8", "KR6", "KR5"], ["KR7", "KR8", "KR3", 4], 33000.0,
    ...                      {7: 30000.0, 8: 34000.0}, "2026-11-23")
    >>> r.annual_gbp.tolist(), r.missing_grade.tolist()
    ([3000.0, 0.0, nan, nan], [-1, -1, 3, 4])

    Half time, the salary and the tops are halves (a full-time £33,000 less the KR7 top is
    £3,000 a year; half of it at half the hours):

    >>> float(loss_of_earnings("KR8", "KR7", 16500.0, {7: 30000.0, 8: 34000.0}, "2026-11-23", 0.5).annual_gbp)
    1500.0
    """
    old, old_blank = parse_grades(np.asarray(old_grade, dtype=object) if isinstance(old_grade, list) else old_grade)
    new, new_blank = parse_grades(np.asarray(new_grade, dtype=object) if isinstance(new_grade, list) else new_grade)
    salary = floats(annual_salary_gbp)
    share = floats(fte)
    when = dates(on)
    shape = broadcast_shape(old.shape, new.shape, salary.shape, old_blank.shape, new_blank.shape, when.shape,
                            share.shape)
    old, new, salary, old_blank, new_blank, when, share = (
        np.broadcast_to(a, shape) for a in (old, new, salary, old_blank, new_blank, when, share))
    share = np.where(share > 0, share, np.nan)  # (no hours: nothing to pro-rate by)
    (months, span), in_force = params.lookup(when, _p("lec_instalment_months"), _p("lec_max_grades_above_new"))
    unknown = (old == -1) | (new == -1) | old_blank | new_blank
    named = ~unknown & ((old < -1) | (new < -1))
    down = ~unknown & ~named & (new < old)
    cap = np.where(down & in_force, np.minimum(old, new + np.nan_to_num(span).astype(np.int64)), -1)

    def top(code: np.ndarray) -> np.ndarray:
        out = np.full(code.shape, np.nan)
        for grade, value in top_of_grade.items():  # a loop over the few grades of the table
            v = float(value) if value is not None else np.nan
            out = np.where(code == int(grade), v if v > 0 else np.nan, out)
        return out

    top_new, top_cap = top(np.where(down, new, -1)), top(cap)
    missing = np.where(down & np.isnan(top_new), new, np.where(down & np.isnan(top_cap), cap, -1))
    annual = np.maximum(np.minimum(salary, top_cap * share) - top_new * share, 0.0)  # (the tops pro rata)
    annual = np.where(down, annual, np.where(~unknown & ~named & in_force, 0.0, np.nan))
    annual = np.where((missing >= 0) | ~in_force | (down & (np.isnan(salary) | np.isnan(share))), np.nan, annual)
    monthly = annual / MONTHS_PER_YEAR
    return LossOfEarnings(annual, monthly, monthly * months, np.where(down, cap, -1).astype(np.int64),
                          missing.astype(np.int64), named, unknown)
