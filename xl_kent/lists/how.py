"""The "How" columns of the bulk outputs: each figure of a row explained in plain English.

``xl-kent recalc`` writes, beside the figures of :mod:`xl_kent.lists.figures`, one "How"
column for each group of figures a KENT_ function gives (leave, the modelled sick pay,
redundancy, notice), and ``xl-kent absences`` one beside each absence's figures. Each
sentence is the core's own explanation (``leave_explained``, ``sick_pay_explained``,
``redundancy_explained``, ``notice_explained``, ``sick_pay_log_explained``) of the very
call that gave the figure, with the same inputs, so that the number in the sentence is
the number in the figure's column, and the same words as the budget template's How
columns (where the same KENT_ functions explain the same calls).

A row gets a sentence wherever its figure was worked out; where the figure is blank (a
problem in a column it needs, or a figure that does not apply, such as sick pay for
casual staff) the How cell is blank too, and the Errors sheet gives the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import words
from ..leave import leave_explained
from ..money import round_pennies
from ..notice import notice_explained
from ..redundancy import redundancy_explained
from ..sick_pay import sick_pay_explained
from ..sick_pay_log import sick_pay_log_explained

__all__ = ["How", "STAFF_HOW", "HOW_HEADERS", "NOT_EMPLOYED", "staff_how", "ABSENCE_HOW", "absence_how", "AWARD_HOW",
           "award_how", "with_how"]


@dataclass(frozen=True)
class How:
    """A How column: its name, the template's header, the figure it follows, what it says."""

    name: str
    label: str
    after: str
    meaning: str


STAFF_HOW: tuple[How, ...] = (
    How("leave_how", "How the leave was worked out", "leave_value_gbp",
        "how the leave accrued to the as-of date was reached (KENT_LEAVE_ACCRUAL's explanation)"),
    How("sick_pay_how", "How the sick pay was worked out", "sick_absence_cost_gbp",
        "the modelled absence's sick pay (KENT_SICKPAY's explanation)"),
    How("redundancy_how", "How the redundancy pay was worked out", "redundancy_pay_gbp",
        "how the redundancy weeks were reached (KENT_REDUNDANCY_WEEKS' explanation)"),
    How("notice_how", "How the notice was worked out", "notice_pay_gbp",
        "the notice that applies and its pay in lieu (KENT_NOTICE's explanation)"),
)
ABSENCE_HOW = How("how", "How it was worked out", "ssp_days_left",
                  "the absence's sick pay as the record gives it (KENT_SICKPAY_LOG's explanation)")
#: Headers of the How columns (read back as results of an earlier run, never as inputs).
HOW_HEADERS: tuple[str, ...] = tuple(x for h in STAFF_HOW for x in (h.name, h.label))


#: What a How cell says when the person is not employed on the day a figure is worked out for
#: (the figure is 0): fixed words, the same in ``recalc`` and in the budget template.
NOT_EMPLOYED = {
    "sick_pay_how": "Not employed on the modelled absence's first day: no sick pay (£0.00)",
    "redundancy_how": "Not employed on the redundancy date: no redundancy payment (0 weeks)",
    "notice_how": "Not employed on the redundancy date: no notice to give (0 days)",
}


def _employed_on(start: np.ndarray, end: np.ndarray, day: np.datetime64) -> np.ndarray:
    return (start <= day) & (np.isnat(end) | (end >= day))


def staff_how(staff, settings, values: dict[str, np.ndarray], prior_paid_days=None) -> dict[str, np.ndarray]:
    """The How columns of a staff list (:data:`STAFF_HOW`): the KENT_ function's explanation of
    the call that gave each figure, from the inputs ``compute`` used and its figures ``values``
    (which rows have one); :data:`NOT_EMPLOYED` where the figure is 0 for someone not employed
    on the day; ``""`` where a figure was not worked out."""
    s, v, n = settings, staff.values, staff.n_rows
    contract = staff.contract
    service, start, end = v["service_start"], v["employment_start"], v["employment_end"]
    grade = v["grade"]
    out = {h.name: np.full(n, "", dtype=object) for h in STAFF_HOW}

    # Leave accrued to the as-of date (salaried: days; casual and relief: hours on hours worked).
    salaried = contract == "salaried"
    rows = np.flatnonzero(salaried & np.isfinite(values["leave_accrued_days"]))
    out["leave_how"][rows] = leave_explained(grade[rows], service[rows], s.as_of, v["weekly_hours"][rows],
                                                   start[rows], end[rows], "days")
    rows = np.flatnonzero(~salaried & np.isfinite(values["leave_accrued_hours"]))
    out["leave_how"][rows] = leave_explained(grade[rows], service[rows], s.as_of, v["hours_worked"][rows],
                                                   None, None, contract[rows].astype(str))

    # Sick pay: the modelled absence, for those employed on its first day.
    employed = _employed_on(start, end, s.absence_start)
    prior = v["prior_sick_days"] if prior_paid_days is None else np.asarray(prior_paid_days, dtype=np.float64)
    cost = np.isfinite(values["sick_absence_cost_gbp"])
    rows = np.flatnonzero(cost & employed)
    out["sick_pay_how"][rows] = sick_pay_explained(service[rows], s.absence_start, float(s.absence_days),
                                                            v["annual_salary"][rows], prior[rows])
    out["sick_pay_how"][cost & ~employed] = NOT_EMPLOYED["sick_pay_how"]

    # Redundancy weeks and notice, on the redundancy date.
    on_date = _employed_on(start, end, s.redundancy_date)
    weeks = np.isfinite(values["redundancy_weeks"])
    rows = np.flatnonzero(weeks & on_date)
    out["redundancy_how"][rows] = redundancy_explained(
        values["age_years"][rows], values["service_years"][rows], v["multiplier"][rows],
        termination_date=s.redundancy_date)
    out["redundancy_how"][weeks & ~on_date] = NOT_EMPLOYED["redundancy_how"]
    days = np.isfinite(values["notice_days"])
    rows = np.flatnonzero(days & on_date)
    salary = np.where(np.isfinite(values["notice_pay_gbp"][rows]), v["annual_salary"][rows], np.nan)
    out["notice_how"][rows] = notice_explained(grade[rows], service[rows], s.redundancy_date, salary)
    out["notice_how"][days & ~on_date] = NOT_EMPLOYED["notice_how"]
    return out


def absence_how(record) -> np.ndarray:
    """The How column of an absence record worked out (:func:`xl_kent.lists.absence_log.compute`):
    the same call over the same rows (those with a problem take no part); ``""`` on them."""
    log = record.log
    v = log.values
    ids = np.where(record.ok, record.employee_ids, "").astype(object)
    said = sick_pay_log_explained(ids, v["first_day"], v["last_day"], v["service_start"], v["annual_salary"],
                                  v["temporary_short"])
    return np.where(record.ok, said, "").astype(object)


def with_how(names: list[str], how: tuple[How, ...]) -> list[str]:
    """``names`` with each How column placed right after the figure it explains.

    >>> with_how(["a", "leave_value_gbp", "b"], STAFF_HOW[:1])
    ['a', 'leave_value_gbp', 'leave_how', 'b']
    """
    out = []
    for name in names:
        out.append(name)
        out += [h.name for h in how if h.after == name]
    return out


AWARD_HOW = How("how", "How it was judged", "team_award_total_gbp",
                "the award and the totals it was judged on against the limits in force on its date, and the verdict")


def award_how(judgement) -> np.ndarray:
    """The How column of an award log judged (:func:`xl_kent.lists.award_log.judge`): the
    amount and kind, the team's total, the employee's 12-month total against the limits in
    force on the award date, and the verdict ("within the scheme", or the rule broken as
    ``KENT_AWARD_OK`` explains it), and, on a row judged beside a problem row of the same
    employee or work (:func:`~xl_kent.lists.award_log.beside_problems`), that it was judged
    without that row; ``""`` on rows not judged."""
    from .. import awards
    from .award_log import BESIDE_PROBLEMS_WORDS

    j, v = judgement, judgement.log.values
    on = v["award_date"]
    limit, _ = awards._p("max_award_gbp").at(on)
    total, _ = awards._p("max_rolling_total_gbp").at(on)
    months, _ = awards._p("rolling_period_months").at(on)
    team = j.judged & np.isfinite(j.team_total_gbp)
    amount = words.gbp(round_pennies(v["amount"]))
    kind = words.choose([team], [" team award"], " individual award")
    team_part = words.join("; the team award for this work comes to ", words.gbp(round_pennies(j.team_total_gbp)),
                           where=team)
    within = words.choose([j.ok], [": within the scheme"], "")
    rule = np.where(j.judged, j.rule, 0)  # rows not judged (no date, say) have no rule to name
    verdict = words.join(": not within the scheme (", awards.explain(rule, None, on), ")", where=j.judged & ~j.ok)
    said = words.join(
        amount, kind, " (limit ", words.gbp(limit), " an award)", team_part,
        "; the employee's awards in the ", words.number(months, 0), " months to ", words.day_text(on),
        ", this one included, come to ", words.gbp(round_pennies(j.rolling_total_gbp)),
        " (limit ", words.gbp(total), ")", within, verdict,
        words.choose([j.beside], [BESIDE_PROBLEMS_WORDS], ""),
    )
    return np.where(j.judged, said, "").astype(object)
