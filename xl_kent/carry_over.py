"""Annual leave carried over at the end of the leave year (Kent Scheme G.2.L-O).

At the end of a leave year (31 March) an employee's untaken leave is carried into the new
year up to a limit, and the rest is lost:

* G.2.L: up to ``leave.carry_over_max_days`` with the manager's agreement, pro rata for
  part-time staff;
* G.2.M: up to ``leave.carry_over_sickness_max_days`` when long-term sickness absence
  stopped the employee taking the leave;
* G.2.N: leave deferred (accrued over more than one year) by agreement, the days agreed,
  up to ``leave.carry_over_deferred_max_days``;
* G.2.O: someone who leaves before the year ends carries nothing over: untaken leave is
  taken before the last day (payment in lieu only exceptionally), leave taken beyond the
  pro rata entitlement is recovered from the final salary.

Every limit is pro rata for part-time staff: the limit x weekly hours /
``leave.carry_over_pro_rata_weekly_hours`` (decided: G.2.L says so, and the same reading is
applied to G.2.M and G.2.N, since leave days of part-time staff are counted as
standard-length days). The limit that applies is the largest the row qualifies for. The
readings are in docs/leave-carry-over.md.

:func:`carry_over` gives, per row, the limit, the days carried and lost, the reason code of
the limit (:data:`WHY_AGREED` ...) and an error code; :func:`why_words` gives each row's
reason as words, from the small table :func:`why_texts`.

Examples
--------
Full time, 14 days untaken: 10 carried, 4 lost. Half time (18.5 hours): 5 carried.

>>> r = carry_over([14.0, 14.0, 25.0, 40.0], [37, 18.5, 37, 37], [False, False, True, False],
...                [0, 0, 0, 35], "2026-03-31")
>>> r.limit_days.tolist(), r.carried_days.tolist(), r.lost_days.tolist()
([10.0, 5.0, 20.0, 30.0], [10.0, 5.0, 20.0, 30.0], [4.0, 9.0, 5.0, 10.0])
>>> why_words(r.why, "2026-03-31")[3]
"the deferral agreed is above the scheme's most (G.2.N): capped at 30 days, pro rata for part-time"
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import params
from ._arrays import (
    answers_not_columns,
    broadcast_rows,
    dates,
    flag_errors,
    flags,
    floats,
    not_columns_result,
)
from .errors import OK, first_reason, reason

__all__ = [
    "WHY_AGREED",
    "WHY_SICK",
    "WHY_DEFERRED",
    "WHY_DEFERRED_CAPPED",
    "WHY_LEAVER",
    "WHY_NONE",
    "CarryOver",
    "carry_over",
    "why_texts",
    "why_words",
]

#: The limit that applies: up to the G.2.L days with the manager's agreement.
WHY_AGREED = 0
#: Long-term sickness stopped the leave being taken (G.2.M).
WHY_SICK = 1
#: A deferral agreed (G.2.N), within the scheme's most.
WHY_DEFERRED = 2
#: A deferral agreed above the scheme's most: capped at it.
WHY_DEFERRED_CAPPED = 3
#: A leaver: nothing carried over (G.2.O).
WHY_LEAVER = 4
#: No limit worked out (a bad row).
WHY_NONE = -1

_E_UNTAKEN = reason("#VALUE!", "untaken leave at the year end is not a number")
_E_DEFERRAL = reason("#VALUE!", "deferral_agreed_days is not a number")
_E_DEFERRAL_NEGATIVE = reason("#NUM!", "deferral_agreed_days is negative")
_E_RULES = reason("#N/A", "no carry-over rules are in force on the leave year end")


def _hours_error(full: float) -> int:
    return reason("#NUM!", f"weekly_hours is outside 0 to {full:g}")


def _p(name: str) -> params.Parameter:
    return params.parameter("leave", name)


_LIMITS = ("carry_over_max_days", "carry_over_sickness_max_days", "carry_over_deferred_max_days",
           "carry_over_pro_rata_weekly_hours")


class CarryOver(NamedTuple):
    """Result of :func:`carry_over`; ``nan`` (and ``why`` :data:`WHY_NONE`) on a bad row."""

    limit_days: np.ndarray  # the most that may be carried into the new leave year
    carried_days: np.ndarray  # untaken days carried, 0 to the limit (0 when none are untaken)
    lost_days: np.ndarray  # untaken days above the limit
    why: np.ndarray  # int8 code of the limit that applies (WHY_...)
    error: np.ndarray  # int32 reason codes (xl_kent.errors)


@answers_not_columns(lambda: not_columns_result(CarryOver, why=np.int8(WHY_NONE)))
def carry_over(untaken_days, weekly_hours, long_term_sick, deferral_agreed_days, on, leaving=False) -> CarryOver:
    """Leave carried into the new leave year and lost, per row (G.2.L-O).

    Parameters
    ----------
    untaken_days : array_like of float
        Untaken leave at the end of the leave year (entitlement + brought forward - taken),
        in the scheme's days (standard-length days for part-time staff). Negative (leave
        taken ahead) carries and loses nothing.
    weekly_hours : array_like of float
        Contracted hours a week, above 0 up to the full-time week: the limits are pro rata.
    long_term_sick : array_like of bool
        Long-term sickness absence stopped the employee taking the leave (G.2.M).
    deferral_agreed_days : array_like of float
        Days of leave the manager agreed to defer (G.2.N); 0 for none. Above the scheme's
        most (pro rata) it is capped, with its own reason.
    on : date
        The leave year's last day (the rules in force then).
    leaving : array_like of bool, optional
        Employment ends before the leave year does (G.2.O): limit 0, nothing carried or lost.

    Returns
    -------
    CarryOver
        ``limit_days`` the largest limit the row qualifies for; ``carried_days`` =
        ``min(untaken, limit)``, not below 0; ``lost_days`` = ``untaken - limit``, not below 0.

    Examples
    --------
    The limits at their edges: exactly the limit is carried whole, a quarter day over it is lost.

    >>> r = carry_over([10.0, 10.25, 5.0, 20.0, 30.0], [37, 37, 18.5, 37, 37], [False, False, False, True, False],
    ...                [0, 0, 0, 0, 30], "2026-03-31")
    >>> r.carried_days.tolist(), r.lost_days.tolist(), r.why.tolist()
    ([10.0, 10.0, 5.0, 20.0, 30.0], [0.0, 0.25, 0.0, 0.0, 0.0], [0, 0, 0, 1, 2])

    A deferral below the usual limit leaves it; a leaver carries nothing; bad rows say why:

    >>> r = carry_over([12.0, 3.0, np.nan, 8.0], [37, 37, 37, 40], False, [4, 0, 0, 0], "2026-03-31",
    ...                leaving=[False, True, False, False])
    >>> r.carried_days.tolist(), r.why.tolist()
    ([10.0, 0.0, nan, nan], [0, 4, -1, -1])
    >>> from xl_kent.errors import describe
    >>> describe(r.error)
    [(2, '#VALUE!', 'untaken leave at the year end is not a number'), (3, '#NUM!', 'weekly_hours is outside 0 to 37')]
    """
    (sick, sick_bad), (leaver, leaver_bad) = flags(long_term_sick), flags(leaving)
    (untaken, hours, sick, deferral, leaver, when), shape = broadcast_rows(
        floats(untaken_days), floats(weekly_hours), sick, floats(deferral_agreed_days), leaver, dates(on))
    (agreed, sickness, deferred_max, full), in_force = params.lookup(when, *(_p(n) for n in _LIMITS))
    full_week = float(_p("carry_over_pro_rata_weekly_hours").value_on(None))
    with np.errstate(invalid="ignore"):
        error = first_reason(
            (~in_force, _E_RULES),
            (np.isnan(untaken), _E_UNTAKEN),
            (~((hours > 0) & (hours <= full)), _hours_error(full_week)),
            (np.isnan(deferral), _E_DEFERRAL),
            (deferral < 0, _E_DEFERRAL_NEGATIVE),
        )
    error = flag_errors(error, shape, long_term_sick=sick_bad, leaving=leaver_bad)
    share = hours / full
    usual = np.where(sick, sickness, agreed) * share
    most = deferred_max * share
    deferred = np.minimum(deferral, most)
    limit = np.where(leaver, 0.0, np.maximum(usual, deferred))
    why = np.select([leaver, deferred > usual, sick], [WHY_LEAVER, WHY_DEFERRED, WHY_SICK], WHY_AGREED)
    why = np.where((why == WHY_DEFERRED) & (deferral > most), WHY_DEFERRED_CAPPED, why)
    bad = error != OK
    limit = np.where(bad, np.nan, limit)
    carried = np.where(bad, np.nan, np.clip(untaken, 0.0, limit))
    lost = np.where(bad, np.nan, np.where(leaver, 0.0, np.maximum(untaken - limit, 0.0)))
    why = np.where(bad, WHY_NONE, why).astype(np.int8)
    return CarryOver(*[a.reshape(shape) for a in (limit, carried, lost, why, error)])


def why_texts(on) -> tuple[str, ...]:
    """The words of each limit (indexed by its ``WHY_`` code), with the rules in force on ``on``.

    >>> why_texts("2026-03-31")[0]
    "up to 10 days (pro rata for part-time) with the manager's agreement (G.2.L)"
    """
    agreed, sickness, most = (float(_p(n).value_on(on)) for n in _LIMITS[:3])
    return (
        f"up to {agreed:g} days (pro rata for part-time) with the manager's agreement (G.2.L)",
        f"up to {sickness:g} days (pro rata for part-time): long-term sickness stopped the leave being taken (G.2.M)",
        f"the deferral agreed (G.2.N), within the scheme's most of {most:g} days, pro rata for part-time",
        f"the deferral agreed is above the scheme's most (G.2.N): capped at {most:g} days, pro rata for part-time",
        "leaves before the leave year ends: nothing is carried over, untaken leave is taken before the last day "
        "(G.2.O)",
    )


def why_words(why, on) -> np.ndarray:
    """Each row's limit in words (:func:`why_texts` of its date); ``""`` for :data:`WHY_NONE`.

    >>> why_words([1, -1], "2026-03-31").tolist()
    ['up to 20 days (pro rata for part-time): long-term sickness stopped the leave being taken (G.2.M)', '']
    """
    code = np.asarray(why, dtype=np.int64)
    when = np.broadcast_to(np.asarray(on, dtype="datetime64[D]"), code.shape)
    out = np.full(code.shape, "", dtype=object)
    first = _p(_LIMITS[0]).first_date
    for day in np.unique(when[code >= 0]).tolist():  # a loop over the distinct dates, not rows
        day = np.datetime64(day, "D")
        if day < first:
            continue
        table = np.array([*why_texts(day), ""], dtype=object)
        rows = (when == day) & (code >= 0)
        out[rows] = table[code[rows]]
    return out
