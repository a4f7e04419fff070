"""The per-person figures of a staff list, computed once for every command and template.

``xl-kent recalc`` writes them all; ``xl-kent fill budget`` writes the budget template's
share of them (and the template's own formulas give the same numbers, a LibreOffice test
proves it); both print the same totals (:func:`totals`). For one list and one set of
:class:`Settings`, the same rows are flagged with the same reasons and every figure is
the same, whichever command shows it.

The figures (:data:`FIGURES`), each from the rules of the core (never re-implemented
here) and the settings:

* employment: in post on the as-of date; full-time equivalent; the share of the leave
  year employed (days employed from the later of the leave year start and the employment
  start to the earlier of its end and the employment end, over the days of the year);
* leave (G.1, G.2): the leave year's entitlement (``leave_accrual`` to the year's last
  day) and leave accrued to the as-of date, in days and hours; casual and relief rows
  accrue hours on hours worked; untaken days (accrued less taken) and their value at the
  row's hourly pay (weekly pay / weekly hours, a standard day of 7.4 hours);
* sick pay (J.2): the full- and half-pay allowance left, and the cost of a modelled
  absence (``settings.absence_days`` from ``settings.absence_start``) for those employed
  on its first day (0 for the others), to the penny as ``KENT_SICKPAY`` gives it;
* pay and on-costs: weekly pay (annual salary / 365 * 7); the pay cost of the leave year
  after the pay award, salary * (1 + award) * share of the year; employer NI on the pay
  cost above the annual threshold pro-rated by the same share; pension and the
  apprenticeship levy on the pay cost; the total;
* redundancy (I.2.G): age and completed years of service on the redundancy date, the
  weeks due if made redundant then (0 when not employed on that date) and their cost at
  actual weekly pay;
* the rest of a restructure, for posts at risk: the notice KCC gives from the redundancy
  date and its pay in lieu (:func:`xl_kent.notice.notice`, as ``KENT_NOTICE`` gives it);
  whether redundancy brings an unreduced pension (L.4.E,
  :func:`xl_kent.restructure.unreduced_pension_on_redundancy`) and the pension fund's
  strain cost typed for it; and, for staff redeployed to a lower grade, the Loss of
  Earnings Compensation (chapter I Appendix 1, :func:`xl_kent.restructure.loss_of_earnings`)
  from the tops of the grades in ``settings.grade_max``. :func:`restructure_totals` adds
  them up by part;
* year-end carry-over (G.2.L-O, :mod:`xl_kent.carry_over`): untaken leave at the leave
  year end (the year's entitlement + leave brought forward - leave taken), the carry-over
  limit and why, the days carried forward and lost, and the liability of the days carried
  at the rate of ``leave_value_gbp``; for leavers (employment ends by the year end), leave
  still to take before the last day or taken beyond the entitlement, with their values.
  :func:`carry_over_totals` adds them up (docs/leave-carry-over.md).

A figure is left blank (NaN) on a row with a problem in a column it depends on
(:data:`NEEDS`), and where it does not apply (pay for casual staff, say): blank means
"not computed", never 0. Money is not rounded here.

Examples
--------
>>> from xl_kent.files.reading import Table
>>> cols = {"Employee ID": ["E1"], "Grade": ["KR6"], "Annual salary": [36500.0],
...         "Date of birth": ["1980-01-01"], "Continuous service date": ["2023-04-01"]}
>>> t = Table(list(cols), [np.array(v, dtype=object) for v in cols.values()], 2, None, "xlsx")
>>> s = default_settings("2027-03-31", pension_rate=0.2, pay_award_pct=0.0)
>>> f = compute(read_staff(t, s.as_of), s)
>>> f.status.tolist(), float(f.values["pay_cost_gbp"][0]), float(f.values["leave_year_entitlement_days"][0])
(['OK'], 36500.0, 27.0)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from .. import params
from .._arrays import fast
from ..carry_over import WHY_NONE, carry_over, why_words
from ..cells import BLANK, GOOD
from ..dates import MONTHS_PER_YEAR, complete_months
from ..errors import OK, reason_text
from ..files.reading import cells_equal, labelled
from ..leave import (
    E_EMPLOYMENT_ORDER,
    E_GRADE,
    E_GRADE_BLANK,
    E_HOURS_RANGE,
    E_SERVICE_START,
    E_WORKED_BLANK,
    E_WORKED_RANGE,
    _leave_accrual_parsed,
    _salaried_leave,
    leave_accrual,
    leave_year_bounds,
    parse_grades,
)
from ..money import round_pennies
from ..notice import notice
from ..redundancy import redundancy_pay_gbp, redundancy_weeks, weekly_pay_gbp
from ..restructure import loss_of_earnings, unreduced_pension_on_redundancy
from ..sick_pay import sick_pay, sick_pay_allowance
from .how import HOW_HEADERS
from .problems import BLANK_ROW, Problems, ProblemTable, problem_table
from .staff import STAFF_FIELDS, Staff, read_staff, staff_schema

__all__ = [
    "FIGURES",
    "NEEDS",
    "STAFF_SCHEMA",
    "Figure",
    "Figures",
    "Settings",
    "SettingsError",
    "compute",
    "default_settings",
    "figure",
    "notes",
    "read_staff",
    "totals",
    "TOTALS",
    "TOTAL_KEYS",
    "cost_centres",
    "read_and_compute",
    "RESTRUCTURE_TOTALS",
    "restructure_totals",
    "CARRY_OVER_TOTALS",
    "carry_over_totals",
    "parse_grade_max",
]


@dataclass(frozen=True)
class Figure:
    """A per-person figure: its column name (units in it), the template's header, its
    number format for the writers, and what it means."""

    name: str
    label: str
    format: str
    meaning: str


FIGURES: tuple[Figure, ...] = (
    Figure("in_post_on_as_of", "In post on the as-of date", "general",
           "TRUE when employed on the as-of date (started, not yet left)"),
    Figure("age_years", "Age at redundancy date", "integer",
           "age in completed years on the redundancy date (the as-of date unless set)"),
    Figure("service_years", "Completed years of service at redundancy date", "integer",
           "complete years of continuous service on the redundancy date; blank when it starts after it"),
    Figure("fte", "FTE", "number", "weekly hours / the full-time week (blank hours = 1)"),
    Figure("year_share", "Share of leave year employed", "number",
           "days employed in the leave year / days in the leave year"),
    Figure("leave_year_entitlement_days", "Leave entitlement this leave year (days)", "days",
           "annual leave for the whole leave year containing the as-of date, pro rata for part-time, joiners "
           "and leavers"),
    Figure("leave_year_entitlement_hours", "Leave entitlement this leave year (hours)", "hours",
           "the same in hours (part-time by the scheme's hours rule)"),
    Figure("leave_accrued_days", "Leave accrued to as-of date (days)", "days",
           "annual leave accrued from the leave year start to the as-of date"),
    Figure("leave_accrued_hours", "Leave accrued to as-of date (hours)", "hours",
           "the same in hours; casual and relief: hours accrued on the hours worked"),
    Figure("leave_untaken_days", "Untaken leave (days)", "days",
           "leave accrued to the as-of date less leave taken; negative when taken ahead of accrual"),
    Figure("leave_value_gbp", "Value of untaken leave £", "gbp",
           "untaken days x 7.4 hours x hourly pay (weekly pay / weekly hours); negative when taken ahead"),
    Figure("sick_prior_paid_days", "Paid sick days used, last 12 months", "days",
           "paid sick days of the 12 months before the modelled absence start that the sick pay figures use: the "
           "typed prior_sick_days, or (with an absence record) the days of its paid absences in those 12 months"),
    Figure("sick_full_pay_days_left", "Full sick pay left (days)", "days",
           "calendar days of full sick pay left for an absence from the modelled absence start"),
    Figure("sick_half_pay_days_left", "Half sick pay left (days)", "days", "calendar days of half sick pay left"),
    Figure("sick_absence_cost_gbp", "Sick pay cost of the modelled absence £", "gbp",
           "gross pay for the modelled absence; 0 when not employed on its first day"),
    Figure("weekly_pay_gbp", "Weekly pay £", "gbp", "actual weekly pay, annual_salary / 365 * 7"),
    Figure("pay_cost_gbp", "Pay cost after award £", "gbp",
           "annual_salary x (1 + pay award) x share of the leave year employed"),
    Figure("employer_ni_gbp", "Employer NI £", "gbp",
           "NI rate x (pay cost - the annual threshold x share of the year), not below 0"),
    Figure("pension_gbp", "Employer pension £", "gbp", "pay cost x the employer pension rate"),
    Figure("levy_gbp", "Apprenticeship levy £", "gbp", "pay cost x the levy rate"),
    Figure("total_cost_gbp", "Total employment cost £", "gbp", "pay cost + NI + pension + levy"),
    Figure("redundancy_weeks", "Redundancy weeks", "number",
           "weeks' pay due if made redundant on the redundancy date (with the multiplier); 0 when not "
           "employed on it"),
    Figure("redundancy_pay_gbp", "Redundancy cost £", "gbp", "redundancy_weeks x weekly_pay_gbp"),
    Figure("notice_days", "Notice (days)", "days",
           "posts at risk: calendar days of the notice KCC gives from the redundancy date (KENT_NOTICE: the longer "
           "of contractual notice by grade and statutory notice by service); 0 when not employed on it"),
    Figure("notice_pay_gbp", "Pay in lieu of notice £", "gbp",
           "posts at risk: notice_days at actual pay, annual_salary / 365 a day (KENT_NOTICE \"pay\")"),
    Figure("unreduced_pension", "Unreduced pension on redundancy?", "general",
           "posts at risk: TRUE for an LGPS member aged 55 or over with 2 years' service or more on the "
           "redundancy date (Kent Scheme L.4.E), who must take an immediate unreduced pension"),
    Figure("pension_strain_cost_gbp", "Pension strain cost counted £", "gbp",
           "the typed pension_strain_gbp on a row whose unreduced_pension is TRUE; blank otherwise"),
    Figure("lec_annual_gbp", "Loss of earnings compensation a year £", "gbp",
           "redeployed rows: annual_salary (capped at the top of the grade two above the new one) less the top of "
           "the new grade, not below 0; 0 for the same or a higher grade"),
    Figure("lec_cost_gbp", "Loss of earnings compensation, all instalments £", "gbp",
           "lec_annual_gbp / 12 x the 18 monthly instalments"),
    Figure("leave_year_end_untaken_days", "Untaken leave at the leave year end (days)", "days",
           "leave_year_entitlement_days + leave_brought_forward_days - leave_taken_days: the leave left at the year "
           "end if no more is taken after the as-of date; negative when taken ahead"),
    Figure("carry_over_limit_days", "Carry-over limit (days)", "days",
           "the most that may be carried into the new leave year (G.2.L-N, pro rata for part-time); 0 for a leaver"),
    Figure("carry_over_limit_why", "Carry-over limit: why", "text",
           "which limit applies: the manager's agreement (G.2.L), long-term sickness (G.2.M), a deferral agreed "
           "(G.2.N), or leaving (G.2.O)"),
    Figure("leave_carried_days", "Leave carried forward (days)", "days",
           "untaken leave at the year end up to the carry-over limit, not below 0 (the manager's agreement assumed)"),
    Figure("leave_lost_days", "Leave lost at the year end (days)", "days",
           "untaken leave at the year end above the carry-over limit; 0 for a leaver"),
    Figure("leave_carried_liability_gbp", "Year-end leave liability £", "gbp",
           "leave_carried_days x 7.4 hours x hourly pay (weekly pay / weekly hours), the rate of leave_value_gbp: "
           "the accumulated absences accrual at the leave year end"),
    Figure("leaver_leave_to_take_days", "Leaver: leave still to take (days)", "days",
           "leavers (employment ends by the leave year end): untaken leave at the last day, to be taken before it "
           "(G.2.O); blank for others"),
    Figure("leaver_leave_to_take_gbp", "Leaver: value of leave still to take £", "gbp",
           "leaver_leave_to_take_days at the rate of leave_value_gbp (paid in lieu only exceptionally)"),
    Figure("leaver_leave_overtaken_days", "Leaver: leave taken beyond entitlement (days)", "days",
           "leavers: leave taken beyond the pro rata entitlement to the last day and the leave brought forward"),
    Figure("leaver_recovery_gbp", "Leaver: recovery from final salary £", "gbp",
           "leaver_leave_overtaken_days at the rate of leave_value_gbp, recovered from the final salary (G.2.O)"),
)
_BY_NAME = {f.name: f for f in FIGURES}


def figure(name: str) -> Figure:
    return _BY_NAME[name]


#: The input fields each group of figures depends on: a problem on any of them leaves
#: the group's figures blank on that row (a blank row leaves every figure blank).
NEEDS: dict[str, tuple[str, ...]] = {
    "employment": ("contract_type", "service_start", "employment_start", "employment_end"),
    "age": ("date_of_birth",),
    "service": ("service_start",),
    "fte": ("contract_type", "weekly_hours"),
    "leave": ("contract_type", "grade", "service_start", "employment_start", "employment_end", "weekly_hours"),
    "casual": ("contract_type", "hours_worked"),
    "relief": ("contract_type", "grade", "service_start", "hours_worked"),
    "taken": ("leave_taken_days",),
    "sick": ("contract_type", "service_start", "employment_start", "employment_end", "prior_sick_days"),
    "salary": ("contract_type", "annual_salary"),
    "redundancy": ("contract_type", "date_of_birth", "service_start", "employment_start", "employment_end",
                   "multiplier", "at_risk"),
    "notice": ("contract_type", "grade", "service_start", "employment_start", "employment_end", "at_risk"),
    "pension": ("contract_type", "date_of_birth", "service_start", "employment_start", "employment_end", "at_risk",
                "lgps_member"),
    "strain": ("pension_strain_gbp",),
    "lec": ("contract_type", "grade", "annual_salary", "redeployed_grade", "weekly_hours"),
    "carry_over": ("leave_brought_forward_days", "long_term_sick", "deferral_agreed_days"),
}

#: The budget template's hidden helper columns (workbooks.budget.HELPER_COLUMNS): results, not inputs.
_TEMPLATE_HELPERS = ("Helper: 1",)
_RESULT_HEADERS = tuple(x for f in FIGURES for x in (f.name, f.label)) + ("status", "Status")
#: The staff-list schema: the fields, and the result headers of our outputs and templates
#: (recognised when a result is read back, and not read).
STAFF_SCHEMA = staff_schema(_RESULT_HEADERS + HOW_HEADERS + tuple(f"Problems: {f.label}" for f in STAFF_FIELDS)
                            + _TEMPLATE_HELPERS)


class SettingsError(ValueError):
    """Settings the rules cannot be applied with (a date before the rules in the parameters)."""


@dataclass(frozen=True)
class Settings:
    """What the figures are computed for: the dates, the modelled absence and the rates.

    ``examples`` names the settings that still hold an EXAMPLE value (a command says so);
    ``sources`` says where each default came from.
    """

    as_of: np.datetime64
    absence_start: np.datetime64
    absence_days: float
    redundancy_date: np.datetime64
    pay_award_pct: float
    employer_ni_rate: float
    ni_threshold_gbp: float
    pension_rate: float
    levy_rate: float
    hours_per_day: float
    full_time_weekly_hours: float
    examples: frozenset[str] = frozenset()
    sources: dict[str, str] = field(default_factory=dict, compare=False)
    #: The tops of the grades' salary scales (KR number, £ a year), given by the user: the
    #: budget template's Assumptions table, ``recalc --grade-max`` (see :func:`parse_grade_max`).
    grade_max: tuple[tuple[int, float], ...] = ()

    @cached_property  # (asked for many times a block; the settings never change)
    def leave_year_start(self) -> np.datetime64:
        return leave_year_bounds(np.array([self.as_of]))[0][0]

    @cached_property
    def leave_year_end(self) -> np.datetime64:
        return leave_year_bounds(np.array([self.as_of]))[1][0] - np.timedelta64(1, "D")

    def with_(self, **changes) -> Settings:
        """A copy with some settings given (``None`` keeps the value); a given example is no
        longer an example."""
        given = {k: v for k, v in changes.items() if v is not None}
        for k in ("as_of", "absence_start", "redundancy_date"):
            if k in given:
                given[k] = np.datetime64(given[k], "D")
        for k in ("absence_days", "pay_award_pct", "employer_ni_rate", "ni_threshold_gbp", "pension_rate",
                  "levy_rate"):
            if k in given:
                given[k] = float(given[k])
        sources = {k: v for k, v in self.sources.items() if k not in given}  # a given value has no default source
        return replace(self, examples=self.examples - set(given), sources=sources, **given)

    def check(self) -> Settings:
        """The settings, or :class:`SettingsError` when a date is before the rules it needs:
        the leave rules for the as-of date, the sick pay and SSP rules for the absence start,
        the redundancy, notice and restructure rules for the redundancy date (so that no
        restructure figure is left blank for want of a rule); or a modelled absence below 1 day."""
        for day, families, what in ((self.as_of, ("leave",), "the as-of date"),
                                    (self.absence_start, ("sick_pay", "ssp"), "the modelled absence start"),
                                    (self.redundancy_date, ("redundancy", "notice", "restructure"),
                                     "the redundancy date")):
            first = max(p.first_date for f in families for p in params.family(f).values())
            if day < first:
                raise SettingsError(f"{what} {_uk(day)} is before the {' and '.join(families)} rules in the "
                                    f"parameters (from {_uk(first)}): choose a later date")
        if not self.absence_days >= 1:
            raise SettingsError(f"the modelled absence of {self.absence_days:g} days is below 1 calendar day")
        return self


def _param(family: str, name: str, on: np.datetime64, what: str):
    p = params.parameter(family, name)
    if on < p.first_date:
        raise SettingsError(f"no {what} in force on {_uk(on)} (the parameters start on {_uk(p.first_date)}): "
                            "choose a later date")
    i = int(p.index(np.array([on], dtype="datetime64[D]"))[0])
    return p.entries[i].value, p.entries[i].source


def _uk(d) -> str:
    return dt.date.fromisoformat(str(np.datetime64(d, "D"))).strftime("%d/%m/%Y")


def default_settings(as_of, **given) -> Settings:
    """The settings for ``as_of``, with the defaults for what is not ``given``.

    Defaults: the modelled absence starts on the as-of date and lasts
    ``modelling.modelled_absence_days``; the redundancy date is the as-of date; the
    on-cost rates are those in force on 6 April inside the leave year (the tax year the
    leave year's pay falls in, ``oncosts.toml``); the pay award and the pension rate are
    EXAMPLES (``modelling.pay_award_example``, ``oncosts.employer_pension_rate_example``)
    until given. Raises :class:`SettingsError` for an as-of date before the rules.

    >>> s = default_settings("2026-11-23")
    >>> sorted(s.examples), s.employer_ni_rate, str(s.leave_year_end)
    (['pay_award_pct', 'pension_rate'], 0.15, '2027-03-31')
    """
    as_of = np.datetime64(as_of, "D")
    _param("leave", "grade_bands", as_of, "leave rules")
    start = leave_year_bounds(np.array([as_of]))[0][0]
    tax = np.datetime64(f"{str(start)[:4]}-04-06", "D")
    values, sources = {}, {}
    for key, (family, name, what, on) in {
        "employer_ni_rate": ("oncosts", "employer_ni_rate", "employer NI rate", tax),
        "ni_threshold_gbp": ("oncosts", "employer_ni_threshold_gbp_per_year", "employer NI threshold", tax),
        "levy_rate": ("oncosts", "apprenticeship_levy_rate", "apprenticeship levy rate", tax),
        "pension_rate": ("oncosts", "employer_pension_rate_example", "example pension rate", tax),
        "pay_award_pct": ("modelling", "pay_award_example", "example pay award", start),
        "absence_days": ("modelling", "modelled_absence_days", "modelled absence", start),
        "hours_per_day": ("leave", "hours_per_day", "standard day", start),
        "full_time_weekly_hours": ("leave", "full_time_weekly_hours", "full-time week", start),
    }.items():
        v, src = _param(family, name, on, what)
        values[key], sources[key] = float(v), src
    base = Settings(as_of=as_of, absence_start=as_of, redundancy_date=as_of,
                    examples=frozenset({"pay_award_pct", "pension_rate"}), sources=sources, **values)
    return base.with_(**given).check()


def notes(staff: Staff, settings: Settings) -> list[str]:
    """The warning lines every command prints for a list and its settings: examples still
    in use, and the columns whose absence changes a total."""
    return notes_for(staff.present, bool((staff.values["redeployed_grade_status"] == 0).any()), settings)


def notes_for(present: set[str], any_redeployed: bool, settings: Settings) -> list[str]:
    """:func:`notes` of a list with the fields ``present``, some row of which is redeployed
    (``any_redeployed``): for a list worked out a block of rows at a time."""
    lines = []
    if "pension_rate" in settings.examples:
        lines.append(f"the employer pension rate {settings.pension_rate:.1%} is an EXAMPLE, not your rate: "
                     "give --pension-rate (the Kent Pension Fund's rate for the employer)")
    if "pay_award_pct" in settings.examples:
        lines.append(f"the pay award {settings.pay_award_pct:.1%} is an EXAMPLE: give --pay-award (0 for none)")
    if "leave_taken_days" not in present:
        lines.append("no leave-taken column: the leave liability assumes no leave has been taken this leave "
                     "year (it is the leave accrued to the as-of date)")
    if any_redeployed and not settings.grade_max:
        lines.append("no grade maxima given: the Loss of Earnings Compensation of the redeployed rows cannot be "
                     "worked out (give --grade-max \"KR7=30000,KR9=38000\" from the Kent Scheme salary scales)")
    if "at_risk" not in present:
        lines.append("no at-risk column: no post is at risk, so the restructure's redundancy cost is 0 "
                     "(redundancy figures are still given for everyone employed on the redundancy date)")
    return lines


@dataclass
class Figures:
    """The figures of every row, its status and its problems."""

    values: dict[str, np.ndarray]  # figure name -> float64 (in_post_on_as_of: object True/False/None)
    status: np.ndarray  # "OK" or the reasons, per row
    problems: ProblemTable
    ok: np.ndarray  # status is OK
    settings: Settings
    at_risk: np.ndarray  # bool: marked at risk of redundancy

    @property
    def n_rows(self) -> int:
        return self.status.shape[0]


# Core reason codes that name an input column: reported against that column.
_CORE_FIELD = {
    E_GRADE: "grade", E_GRADE_BLANK: "grade", E_SERVICE_START: "service_start",
    E_HOURS_RANGE: "weekly_hours", E_EMPLOYMENT_ORDER: "employment_end",
    E_WORKED_BLANK: "hours_worked", E_WORKED_RANGE: "hours_worked",
}


def _core_problems(problems: Problems, rows: np.ndarray, error: np.ndarray, column: str) -> None:
    """Report core errors on ``rows`` (whose inputs passed the checks) by reason."""
    bad = error != OK
    if not bad.any():
        return
    for code in np.unique(error[bad]).tolist():
        problems.add(rows[error == code], _CORE_FIELD.get(code, column), reason_text(code))


#: The salaried leave figures: the whole leave year's in days and hours, then to the as-of date.
_LEAVE_FIGURES = ("leave_year_entitlement_days", "leave_year_entitlement_hours", "leave_accrued_days",
                  "leave_accrued_hours")


def _salaried_leave_figures(out: dict, problems: Problems, values: dict[str, np.ndarray], rows: np.ndarray,
                            on: tuple) -> None:
    """:data:`_LEAVE_FIGURES` of the salaried ``rows``: two calls (the leave year's last day, the
    as-of date ``on``), each giving days and hours, instead of four calls per distinct grade;
    the same figures, and the same problems in the same order (grade by grade, figure by figure)."""
    v = values
    parsed = _parsed_grades(v, rows)
    errors = []
    for day in on:  # the leave year's last day, then the as-of date
        days, hours, error = _salaried_leave(None, v["service_start"][rows], day, v["weekly_hours"][rows],
                                             v["employment_start"][rows], v["employment_end"][rows], parsed)
        out[_LEAVE_FIGURES[len(errors)]][rows] = days
        out[_LEAVE_FIGURES[len(errors) + 1]][rows] = hours
        errors += [error, error]
    _problems_by_grade(problems, v, rows, errors, _LEAVE_FIGURES)


def _parsed_grades(values: dict[str, np.ndarray], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`~xl_kent.leave.parse_grades` of each row's grade, the text :func:`_by_grade` gives
    it, parsed once per distinct grade."""
    code, blank = parse_grades(np.array([str(g) for g in values["grade_labels"].tolist()]))
    index = values["grade_index"][rows]
    return code[index], blank[index]


def _problems_by_grade(problems: Problems, values: dict[str, np.ndarray], rows: np.ndarray, errors: list,
                       names: tuple) -> None:
    """Core errors of one call over ``rows`` (``errors[i]`` for figure ``names[i]``), added grade by grade
    and figure by figure, as calls per distinct grade add them; nothing to do when no row is bad."""
    if not any((e != OK).any() for e in errors):
        return
    at = np.zeros(int(rows.max(initial=-1)) + 1, dtype=np.intp)
    at[rows] = np.arange(rows.shape[0])
    for _grade, part in _by_grade(values, rows):  # a loop over grades, not rows
        for name, error in zip(names, errors, strict=True):
            _core_problems(problems, part, error[at[part]], name)


def _by_grade(values: dict[str, np.ndarray], rows: np.ndarray):
    """``(grade text, rows)`` for each distinct grade among ``rows`` (a loop over grades, not rows)."""
    inverse = values["grade_index"][rows]
    order = np.argsort(inverse, kind="stable")
    cuts = np.flatnonzero(np.diff(inverse[order])) + 1
    for part in np.split(order, cuts):
        if part.size:
            yield str(values["grade_labels"][inverse[part[0]]]), rows[part]


def _employed_on(start: np.ndarray, end: np.ndarray, day: np.datetime64) -> np.ndarray:
    return (start <= day) & (np.isnat(end) | (end >= day))


def _completed_years(d: np.ndarray, on: np.datetime64) -> np.ndarray:
    years = (complete_months(d, np.full(d.shape, on)) // MONTHS_PER_YEAR).astype(np.float64)
    return np.where(np.isnat(d) | (d > on), np.nan, years)


def compute(staff: Staff, settings: Settings, table=None, progress=None, prior_paid_days=None) -> Figures:
    """Every figure of :data:`FIGURES` for a checked staff list; problems the rules find are
    added to the list's. ``table`` (the file read) gives the Errors lines their cells;
    ``progress``, when given, is called with the steps done (of 4).

    ``prior_paid_days`` (one number per row), when given, are the paid sick days of the 12
    months before the modelled absence start, taken from an absence record
    (:func:`xl_kent.lists.absence_log.staff_figures`), instead of the typed
    ``prior_sick_days`` column."""
    s = settings
    n = staff.n_rows
    v, probs, contract = staff.values, staff.problems, staff.contract

    def clean(*groups: str) -> np.ndarray:
        fields = {f for g in groups for f in NEEDS[g]}
        return ~(probs.rows_with(n, fields) | staff.blank_row)

    salaried, casual, relief = contract == "salaried", contract == "casual", contract == "relief"
    service, start, end = v["service_start"], v["employment_start"], v["employment_end"]
    out = {f.name: np.full(n, np.nan) for f in FIGURES}
    lys, lye = s.leave_year_start, s.leave_year_end

    # Employment.
    known = clean("employment") & ~np.isnat(start)
    out["in_post_on_as_of"] = _object_flags(np.where(known, _employed_on(start, end, s.as_of), np.nan))
    out["age_years"] = np.where(clean("age"), _completed_years(v["date_of_birth"], s.redundancy_date), np.nan)
    out["service_years"] = np.where(clean("service"), _completed_years(service, s.redundancy_date), np.nan)
    rows = salaried & clean("fte")
    out["fte"] = np.where(rows, v["weekly_hours"] / s.full_time_weekly_hours, np.nan)
    first = np.maximum(start, lys)
    last = np.where(np.isnat(end), lye, np.minimum(end, lye))
    days = (last - first).astype("timedelta64[D]").astype(np.float64) + 1
    year_days = float((lye - lys).astype(np.int64) + 1)
    share = np.where(days > 0, days / year_days, 0.0)
    out["year_share"] = np.where(known & ~casual & ~relief, share, np.nan)
    if progress:
        progress(1)

    # Leave (G.1, G.2): the whole leave year (as_of = its last day) and to the as-of date.
    leave_rows = np.flatnonzero(salaried & clean("leave"))
    if fast():
        _salaried_leave_figures(out, probs, v, leave_rows, (lye, s.as_of))
    else:  # one call per distinct grade and figure
        for grade, rows in _by_grade(v, leave_rows):
            hours = v["weekly_hours"][rows]
            for name, on, unit in zip(_LEAVE_FIGURES, (lye, lye, s.as_of, s.as_of), ("days", "hours") * 2,
                                      strict=True):
                r = leave_accrual(grade, service[rows], on, hours, start[rows], end[rows], unit)
                out[name][rows] = r.value
                _core_problems(probs, rows, r.error, name)
    hourly_rows = np.flatnonzero((casual & clean("casual")) | (relief & clean("relief")))
    if fast():  # one call; the problems as the calls per grade add them
        r = _leave_accrual_parsed(_parsed_grades(v, hourly_rows), service[hourly_rows], s.as_of,
                                  v["hours_worked"][hourly_rows], None, None, contract[hourly_rows].astype(str))
        out["leave_accrued_hours"][hourly_rows] = r.value
        _problems_by_grade(probs, v, hourly_rows, [r.error], ("leave_accrued_hours",))
    else:
        for grade, rows in _by_grade(v, hourly_rows):
            r = leave_accrual(grade, service[rows], s.as_of, v["hours_worked"][rows], None, None,
                              contract[rows].astype(str))
            out["leave_accrued_hours"][rows] = r.value
            _core_problems(probs, rows, r.error, "leave_accrued_hours")
    taken_ok = clean("taken")
    out["leave_untaken_days"] = np.where(taken_ok, out["leave_accrued_days"] - v["leave_taken_days"], np.nan)
    weekly = np.where(salaried & clean("salary"), weekly_pay_gbp(v["annual_salary"], s.as_of), np.nan)
    out["weekly_pay_gbp"] = weekly
    with np.errstate(all="ignore"):  # a typing-error row (1e308 days) is a problem row, not a warning
        hourly = weekly / (out["fte"] * s.full_time_weekly_hours)
        out["leave_value_gbp"] = out["leave_untaken_days"] * s.hours_per_day * hourly
    _carry_over(out, staff, s, clean, salaried, s.hours_per_day * hourly)
    if progress:
        progress(2)

    # Sick pay (J.2): allowance left and the modelled absence, for those employed on its first day.
    sick_ok = salaried & clean("sick")
    prior = v["prior_sick_days"] if prior_paid_days is None else np.asarray(prior_paid_days, dtype=np.float64)
    out["sick_prior_paid_days"] = np.where(sick_ok, prior, np.nan)
    employed = _employed_on(start, end, s.absence_start)
    rows = np.flatnonzero(sick_ok & employed)
    r = sick_pay_allowance(service[rows], s.absence_start, prior[rows])
    out["sick_full_pay_days_left"][rows] = r.full_pay_days
    out["sick_half_pay_days_left"][rows] = r.half_pay_days
    _core_problems(probs, rows, r.error, "sick_full_pay_days_left")
    cost_ok = sick_ok & clean("salary")
    out["sick_absence_cost_gbp"] = np.where(cost_ok & ~employed, 0.0, np.nan)
    allowed = np.zeros(n, dtype=bool)
    allowed[rows[r.error == OK]] = True
    rows = np.flatnonzero(allowed & cost_ok)
    c = sick_pay(service[rows], s.absence_start, float(s.absence_days), v["annual_salary"][rows],
                 prior[rows])
    out["sick_absence_cost_gbp"][rows] = round_pennies(c.pay_gbp)  # as KENT_SICKPAY gives it
    _core_problems(probs, rows, c.error, "sick_absence_cost_gbp")
    if progress:
        progress(3)

    # Pay and on-costs for the leave year.
    pay_ok = salaried & clean("salary", "employment")
    pay = np.where(pay_ok, v["annual_salary"] * (1 + s.pay_award_pct) * share, np.nan)
    out["pay_cost_gbp"] = pay
    threshold = s.ni_threshold_gbp * share
    out["employer_ni_gbp"] = s.employer_ni_rate * np.where(pay > threshold, pay - threshold, 0.0)
    out["employer_ni_gbp"][~pay_ok] = np.nan
    out["pension_gbp"] = pay * s.pension_rate
    out["levy_gbp"] = pay * s.levy_rate
    out["total_cost_gbp"] = pay + out["employer_ni_gbp"] + out["pension_gbp"] + out["levy_gbp"]

    # Redundancy (I.2.G) on the redundancy date, for those employed on it (0 for the others).
    red_ok = salaried & clean("redundancy")
    on_date = _employed_on(start, end, s.redundancy_date)
    rows = np.flatnonzero(red_ok & on_date)
    r = redundancy_weeks(out["age_years"][rows], out["service_years"][rows], v["multiplier"][rows],
                         termination_date=s.redundancy_date)
    out["redundancy_weeks"] = np.where(red_ok & ~on_date, 0.0, np.nan)
    out["redundancy_weeks"][rows] = r.weeks
    _core_problems(probs, rows, r.error, "redundancy_weeks")
    salary = np.where(np.isnan(weekly), np.nan, v["annual_salary"])
    out["redundancy_pay_gbp"] = redundancy_pay_gbp(out["redundancy_weeks"], salary, s.redundancy_date)
    _restructure(out, staff, s, clean, salaried, on_date)
    if progress:
        progress(4)

    headers = table.headers if table is not None else [f.label for f in STAFF_FIELDS]
    columns = table.columns if table is not None else [np.full(n, None, dtype=object)] * len(headers)
    mapping = staff.mapping if table is not None else {f.name: j for j, f in enumerate(STAFF_FIELDS)}
    pt = problem_table(probs, n, headers, columns, mapping, [f.name for f in FIGURES], blank=staff.blank_row,
                       places=_places(mapping))
    ok = cells_equal(pt.status, "OK")
    at_risk = v["at_risk"] & (v["at_risk_status"] == 0)
    return Figures(out, pt.status, pt, ok, settings, at_risk)


def _places(mapping: dict[str, int]) -> dict[str, float]:
    """Where a field not in the file (with an absence record: ``prior_sick_days``) puts its
    reasons in a row's status: just after the column of the field before it (STAFF_FIELDS
    order), as the budget template's Status joins its helpers.

    >>> p = _places({"employee_id": 0, "grade": 1})
    >>> 1 < p["contract_type"] < p["weekly_hours"] < 2
    True
    """
    out: dict[str, float] = {}
    last, k = -1.0, 0
    for f in STAFF_FIELDS:
        if f.name in mapping:
            last, k = float(mapping[f.name]), 0
        else:
            k += 1
            out[f.name] = last + 0.5 + k * 1e-3
    return out


def _carry_over(out: dict, staff: Staff, s: Settings, clean, salaried: np.ndarray, day_gbp: np.ndarray) -> None:
    """The year-end carry-over figures (G.2.L-O, :func:`xl_kent.carry_over.carry_over`) of the
    salaried rows: untaken leave at the year end, the limit and why, days carried and lost, the
    liability at ``day_gbp`` (the rate of ``leave_value_gbp``); for leavers, leave still to take
    or taken beyond the entitlement, and their value."""
    v, n = staff.values, staff.n_rows
    rows = np.flatnonzero(salaried & clean("leave", "taken", "carry_over"))
    end = v["employment_end"][rows]
    leaving = ~np.isnat(end) & (end <= s.leave_year_end)
    untaken = (out["leave_year_entitlement_days"][rows] + v["leave_brought_forward_days"][rows]
               - v["leave_taken_days"][rows])
    r = carry_over(untaken, v["weekly_hours"][rows], v["long_term_sick"][rows], v["deferral_agreed_days"][rows],
                   s.leave_year_end, leaving)
    _core_problems(staff.problems, rows, r.error, "carry_over_limit_days")
    good = r.error == OK
    for name in ("leave_year_end_untaken_days", "carry_over_limit_days", "leave_carried_days", "leave_lost_days",
                 "leaver_leave_to_take_days", "leaver_leave_overtaken_days"):
        out[name] = np.full(n, np.nan)
    out["leave_year_end_untaken_days"][rows] = np.where(good, untaken, np.nan)
    out["carry_over_limit_days"][rows] = r.limit_days
    out["leave_carried_days"][rows] = r.carried_days
    out["leave_lost_days"][rows] = r.lost_days
    why = np.full(n, WHY_NONE, dtype=np.int8)
    why[rows] = r.why
    present = np.unique(why[why != WHY_NONE])  # (each limit's words made once; blank where none)
    words = [*why_words(present, s.leave_year_end).tolist(), None]
    out["carry_over_limit_why"] = labelled(words, np.where(why == WHY_NONE, len(present), np.searchsorted(present, why)))
    gone = rows[good & leaving]
    left = untaken[good & leaving]
    out["leaver_leave_to_take_days"][gone] = np.maximum(left, 0.0)
    out["leaver_leave_overtaken_days"][gone] = np.maximum(-left, 0.0)
    with np.errstate(all="ignore"):
        out["leave_carried_liability_gbp"] = out["leave_carried_days"] * day_gbp
        out["leaver_leave_to_take_gbp"] = out["leaver_leave_to_take_days"] * day_gbp
        out["leaver_recovery_gbp"] = out["leaver_leave_overtaken_days"] * day_gbp


def _object_flags(flag: np.ndarray) -> np.ndarray:
    """1.0/0.0/nan as True/False/None (an object column, as ``in_post_on_as_of``), kept coded."""
    return labelled(_FLAG_LABELS, np.where(flag == 1, 1, np.where(flag == 0, 2, 0)))


_FLAG_LABELS = np.array([None, True, False], dtype=object)


def _restructure(out: dict, staff: Staff, s: Settings, clean, salaried: np.ndarray, on_date: np.ndarray) -> None:
    """Notice and pay in lieu, the unreduced pension flag and strain cost, Loss of Earnings
    Compensation (see the module docstring); problems go to ``staff.problems``."""
    v, probs, n = staff.values, staff.problems, staff.n_rows
    risk = v["at_risk"] & (v["at_risk_status"] == 0)
    # Notice from the redundancy date (I.2.E, L.2-3), as KENT_NOTICE gives it.
    notice_ok = salaried & risk & clean("notice")
    rows = np.flatnonzero(notice_ok & on_date)
    r = notice(v["grade"][rows], v["service_start"][rows], s.redundancy_date, v["annual_salary"][rows])
    out["notice_days"] = np.where(notice_ok & ~on_date, 0.0, np.nan)
    out["notice_days"][rows] = r.days
    _core_problems(probs, rows, r.error, "notice_days")
    pay_ok = notice_ok & clean("salary")
    out["notice_pay_gbp"] = np.where(pay_ok & ~on_date, 0.0, np.nan)
    paid = pay_ok[rows]
    out["notice_pay_gbp"][rows[paid]] = round_pennies(r.pay_gbp[paid])
    _core_problems(probs, rows[paid], np.where(r.error[paid] == OK, r.pay_error[paid], OK), "notice_pay_gbp")

    # Unreduced pension on redundancy (L.4.E) and the strain cost the fund quotes for it.
    pension_ok = salaried & risk & clean("pension")
    flag = unreduced_pension_on_redundancy(out["age_years"], out["service_years"], v["lgps_member"],
                                           s.redundancy_date)
    flag = np.where(pension_ok, np.where(on_date, flag, 0.0), np.nan)
    out["unreduced_pension"] = _object_flags(flag)
    strain_given = v["pension_strain_gbp_status"] == 0
    strain_ok = clean("strain")
    out["pension_strain_cost_gbp"] = np.where((flag == 1) & strain_ok & strain_given, v["pension_strain_gbp"],
                                              np.nan)
    not_at_risk, no_pension = strain_words(s.redundancy_date)
    filled = ~staff.blank_row
    risk_read = (v["at_risk_status"] == GOOD) | (v["at_risk_status"] == BLANK)
    probs.add(filled & strain_given & strain_ok & ~risk & risk_read, "pension_strain_gbp", not_at_risk)
    probs.add(strain_given & strain_ok & (flag == 0), "pension_strain_gbp", no_pension)

    # Loss of Earnings Compensation (chapter I Appendix 1) for the redeployed rows.
    lec_ok = salaried & (v["redeployed_grade_status"] == 0) & clean("lec")
    rows = np.flatnonzero(lec_ok)
    tops = dict(s.grade_max)
    r = loss_of_earnings(v["grade"][rows], v["redeployed_grade"][rows], v["annual_salary"][rows], tops,
                         s.redundancy_date, out["fte"][rows])  # (a part-timer: the tops pro rata)
    out["lec_annual_gbp"] = np.full(n, np.nan)
    out["lec_cost_gbp"] = np.full(n, np.nan)
    out["lec_annual_gbp"][rows] = r.annual_gbp
    out["lec_cost_gbp"][rows] = r.cost_gbp
    for g in np.unique(r.missing_grade[r.missing_grade >= 0]).tolist():  # a loop over grades, not rows
        probs.add(rows[r.missing_grade == g], "redeployed_grade", missing_top_words(g))
    probs.add(rows[r.named_grade], "redeployed_grade", NAMED_LEC)


#: A redeployed row whose grade or new grade is a named grade.
NAMED_LEC = ("Loss of Earnings Compensation is not worked out for KR Entry or Apprentice (two grades above is not "
             "defined for them)")


def strain_words(on) -> tuple[str, str]:
    """The reasons for a pension strain cost typed where it does not count: on a row not at risk,
    and on a row at risk without the unreduced pension (the rule in force on ``on``)."""
    age = params.parameter("restructure", "unreduced_pension_min_age_years").value_on(on)
    years = params.parameter("restructure", "unreduced_pension_min_service_years").value_on(on)
    return ("pension_strain_gbp is given on a row not marked at risk (it counts for an unreduced pension on "
            "redundancy only)",
            f"pension_strain_gbp is given but redundancy brings no unreduced pension (that needs age {age:g} or "
            f"over and {years:g} years' service or more on the redundancy date, and LGPS membership)")


def missing_top_words(grade: int) -> str:
    """The reason for a redeployed row whose grade maximum is missing."""
    return f"the top of KR{grade} is not in the grade maximum table (Assumptions sheet; recalc --grade-max)"


def parse_grade_max(text: str) -> tuple[tuple[int, float], ...]:
    """``"KR7=30000, KR9=38000"`` as ``((7, 30000.0), (9, 38000.0))``; :class:`SettingsError`
    for anything else (a grade that is no KR number, a top that is not a number above 0).

    >>> parse_grade_max("KR7=30000; kr 9 = 38000.50")
    ((7, 30000.0), (9, 38000.5))

    A grade given twice with two tops is refused (the last one used to win, with no word).
    """
    out: dict[int, float] = {}
    for part in (p.strip() for p in text.replace(";", ",").split(",") if p.strip()):
        grade, eq, top = part.partition("=")
        g = grade.strip().upper().replace(" ", "")
        g = g[2:] if g.startswith("KR") else g
        try:
            value = float(top.strip().replace("£", "").replace("_", ""))
        except ValueError:
            value = float("nan")
        if not eq or not g.isdigit() or not value > 0:
            raise SettingsError(f"--grade-max {part!r}: write each grade as KR7=30000 (the top of the grade's "
                                "salary scale, £ a year)")
        if int(g) in out and out[int(g)] != value:  # (two tops for one grade: which is meant is a guess)
            raise SettingsError(f"--grade-max gives KR{int(g)} twice ({out[int(g)]:g} and {value:g}): give each "
                                "grade's top once")
        out[int(g)] = value
    return tuple(sorted(out.items()))


#: The totals of :func:`totals` and their words, in the order of the budget template's Summary.
TOTALS: tuple[tuple[str, str], ...] = (
    ("headcount", "Headcount (rows OK)"),
    ("fte", "FTE"),
    ("pay_cost_gbp", "Pay cost after award £"),
    ("oncosts_gbp", "On-costs £ (NI, pension, levy)"),
    ("total_cost_gbp", "Total cost £"),
    ("leave_liability_gbp", "Leave liability £"),
    ("sick_pay_cost_gbp", "Sick pay cost of the modelled absence £"),
    ("at_risk_headcount", "At risk (headcount)"),
    ("redundancy_cost_gbp", "Redundancy cost £ (posts at risk)"),
    ("rows_with_problems", "Rows with problems"),
)
TOTAL_KEYS = tuple(k for k, _ in TOTALS)


#: Rows summed at a time in a total. A total is the correctly rounded sum (``math.fsum``) of the
#: sums of these chunks of rows, so it is the same to the last bit whether a list is worked out
#: whole or a block of rows at a time (blocks that start at multiples of it), and does not
#: drift with the length of the list as a running float sum does.
SUM_CHUNK_ROWS = 1 << 14

Parts = dict[str, list[float]]


def chunk_sums(values: np.ndarray, where: np.ndarray) -> list[float]:
    """The sums of ``values`` on the rows ``where`` (NaN counted as 0), one per chunk of
    :data:`SUM_CHUNK_ROWS` rows: the parts of a total (:func:`add_parts`, :func:`finish`).

    >>> chunk_sums(np.array([1.5, np.nan, 2.0]), np.array([True, True, False]))
    [1.5]
    """
    x = np.where(where & ~np.isnan(values), values, 0.0)
    return [float(x[s:s + SUM_CHUNK_ROWS].sum()) for s in range(0, max(len(x), 1), SUM_CHUNK_ROWS)]


def _counts(mask: np.ndarray) -> list[float]:
    return [float(np.count_nonzero(mask))]


def add_parts(into: Parts, parts: Parts) -> Parts:
    """The parts of two sets of rows together (``into``, changed and returned)."""
    for key, values in parts.items():
        into.setdefault(key, []).extend(values)
    return into


def finish(parts: Parts) -> dict[str, float]:
    """Each total of its parts: their correctly rounded sum.

    >>> finish({"fte": [0.1, 0.2, 0.3], "headcount": [2.0, 1.0]})
    {'fte': 0.6, 'headcount': 3.0}

    A sum beyond the largest float is infinite and a sum of opposite infinities NaN
    (written as ``#NUM!`` and blank), never an error:

    >>> finish({"a": [8.98846567431158e307, 8.98846567431158e307], "b": [1e308, 1e308, -1e308], "c": [float("inf"), -float("inf")]})
    {'a': inf, 'b': 1e+308, 'c': nan}
    """
    return {key: _exact_sum(values) for key, values in parts.items()}


def _exact_sum(values: list[float]) -> float:
    """The correctly rounded sum of ``values`` (``math.fsum``), also where a partial sum
    passes the largest float (``fsum`` raises there): then the sum of the values scaled by
    2**-64 (exact but for subnormal values), scaled back."""
    try:
        return math.fsum(values)
    except OverflowError:
        scaled = math.fsum(math.ldexp(v, -64) for v in values)
        try:
            return math.ldexp(scaled, 64)
        except OverflowError:  # the sum itself is beyond the largest float
            return math.copysign(math.inf, scaled)
    except ValueError:  # inf and -inf
        return math.nan


def total_parts(fig: Figures, rows: np.ndarray | None = None) -> Parts:
    """The parts (:func:`chunk_sums`) of :func:`totals`, :func:`restructure_totals` and
    :func:`carry_over_totals`, for adding up blocks of rows of one list (:func:`add_parts`);
    :func:`totals_of` makes the totals of them."""
    return {**_totals_parts(fig, rows), **_restructure_parts(fig, rows), **_carry_over_parts(fig, rows)}


def totals_of(parts: Parts) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """:func:`totals`, :func:`carry_over_totals` and :func:`restructure_totals` of the
    parts of :func:`total_parts`."""
    done = finish(parts)
    return (_totals_done(done), {key: done[key] for key, _ in CARRY_OVER_TOTALS}, _restructure_done(done))


def _ok_rows(fig: Figures, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    sel = np.ones(fig.n_rows, dtype=bool) if rows is None else rows
    return sel, sel & fig.ok


def _totals_parts(fig: Figures, rows: np.ndarray | None) -> Parts:
    sel, ok = _ok_rows(fig, rows)
    v = fig.values
    blank = cells_equal(fig.status, BLANK_ROW)
    parts = {name: chunk_sums(v[name], ok) for name in
             ("fte", "pay_cost_gbp", "employer_ni_gbp", "pension_gbp", "levy_gbp", "total_cost_gbp")}
    return {
        **parts,
        "headcount": _counts(ok),
        "leave_liability_gbp": chunk_sums(v["leave_value_gbp"], ok),
        "sick_pay_cost_gbp": chunk_sums(v["sick_absence_cost_gbp"], ok),
        "at_risk_headcount": _counts(ok & fig.at_risk),
        "redundancy_cost_gbp": chunk_sums(v["redundancy_pay_gbp"], ok & fig.at_risk),
        "rows_with_problems": _counts(sel & ~fig.ok & ~blank),
    }


def _totals_done(done: dict[str, float]) -> dict[str, float]:
    out = {key: done[key] for key in TOTAL_KEYS if key != "oncosts_gbp"}
    out["oncosts_gbp"] = done["employer_ni_gbp"] + done["pension_gbp"] + done["levy_gbp"]
    return {key: out[key] for key in TOTAL_KEYS}


def totals(fig: Figures, rows: np.ndarray | None = None) -> dict[str, float]:
    """The totals of the rows OK among ``rows`` (a mask; default every row): headcount, FTE,
    pay, on-costs, total cost, leave liability, sick pay cost of the modelled absence,
    at-risk headcount and redundancy cost of the posts at risk; and the rows with problems.

    A figure is summed over the rows whose status is OK only, so a doubtful row is never in
    a total; it is counted in ``rows_with_problems`` instead (a blank row is not a row).
    Each sum is exact to the last bit (:data:`SUM_CHUNK_ROWS`).
    """
    return _totals_done(finish(_totals_parts(fig, rows)))


#: The parts of a restructure's cost (:func:`restructure_totals`), in the Summary's order.
RESTRUCTURE_TOTALS: tuple[tuple[str, str], ...] = (
    ("notice_pay_gbp", "Pay in lieu of notice £"),
    ("redundancy_pay_gbp", "Redundancy pay £"),
    ("untaken_leave_gbp", "Untaken leave £"),
    ("pension_strain_gbp", "Pension strain cost £"),
    ("lec_gbp", "Loss of earnings compensation £"),
    ("restructure_cost_gbp", "Restructure cost £"),
    ("unreduced_pension_headcount", "Unreduced pension on redundancy (headcount)"),
    ("strain_not_quoted", "Of which no strain cost typed"),
    ("redeployed_headcount", "Redeployed (headcount)"),
)


def _restructure_parts(fig: Figures, rows: np.ndarray | None) -> Parts:
    _sel, ok = _ok_rows(fig, rows)
    v = fig.values
    risk = ok & fig.at_risk
    flag = ok & cells_equal(v["unreduced_pension"], True)  # (an object column of True/False/None)
    redeployed = ok & ~np.isnan(v["lec_cost_gbp"])
    return {
        "notice_pay_gbp": chunk_sums(v["notice_pay_gbp"], risk),
        "redundancy_pay_gbp": chunk_sums(v["redundancy_pay_gbp"], risk),
        "untaken_leave_gbp": chunk_sums(v["leave_value_gbp"], risk),
        "pension_strain_gbp": chunk_sums(v["pension_strain_cost_gbp"], flag),
        "lec_gbp": chunk_sums(v["lec_cost_gbp"], redeployed),
        "unreduced_pension_headcount": _counts(flag),
        "strain_not_quoted": _counts(flag & np.isnan(v["pension_strain_cost_gbp"])),
        "redeployed_headcount": _counts(redeployed),
    }


def _restructure_done(done: dict[str, float]) -> dict[str, float]:
    parts = {key: done[key] for key in ("notice_pay_gbp", "redundancy_pay_gbp", "untaken_leave_gbp",
                                        "pension_strain_gbp", "lec_gbp")}
    return {**parts, "restructure_cost_gbp": sum(parts.values()),
            **{key: done[key] for key in ("unreduced_pension_headcount", "strain_not_quoted",
                                          "redeployed_headcount")}}


def restructure_totals(fig: Figures, rows: np.ndarray | None = None) -> dict[str, float]:
    """A restructure's cost over the rows OK among ``rows``, each part on its own: pay in lieu
    of notice, redundancy pay and the value of untaken leave of the posts at risk, the pension
    strain cost of those with an unreduced pension, the Loss of Earnings Compensation (all
    instalments) of the redeployed; their sum; and the headcounts (a flagged row without a
    strain quote is counted, its strain is not guessed)."""
    return _restructure_done(finish(_restructure_parts(fig, rows)))


#: The year-end carry-over totals (:func:`carry_over_totals`), beside :data:`TOTALS` (on the budget
#: template's Summary and recalc's, after the leave liability).
CARRY_OVER_TOTALS: tuple[tuple[str, str], ...] = (
    ("leave_year_end_untaken_days", "Untaken leave at the leave year end (days)"),
    ("leave_carried_days", "Leave carried forward (days)"),
    ("leave_lost_days", "Leave lost at the year end (days)"),
    ("leave_carried_liability_gbp", "Year-end leave liability £ (accumulated absences)"),
    ("leaver_leave_to_take_days", "Leavers: leave still to take (days)"),
    ("leaver_leave_to_take_gbp", "Leavers: value of leave still to take £"),
    ("leaver_leave_overtaken_days", "Leavers: leave taken beyond entitlement (days)"),
    ("leaver_recovery_gbp", "Leavers: recovery from final salary £"),
)


def _carry_over_parts(fig: Figures, rows: np.ndarray | None) -> Parts:
    _sel, ok = _ok_rows(fig, rows)
    return {key: chunk_sums(fig.values[key], ok) for key, _ in CARRY_OVER_TOTALS}


def carry_over_totals(fig: Figures, rows: np.ndarray | None = None) -> dict[str, float]:
    """The year-end carry-over figures summed over the rows OK among ``rows`` (a mask, e.g. one
    cost centre's rows; default every row), as :func:`totals` sums the others."""
    return finish(_carry_over_parts(fig, rows))


def cost_centres(staff: Staff) -> tuple[list[str], np.ndarray]:
    """The distinct cost centres of a list (trimmed; compared ignoring case; first spelling
    kept), alphabetical, and each row's index into them (-1 for a blank cost centre)."""
    text = staff.values["cost_centre"]
    folded = np.array([t.casefold() for t in text.tolist()], dtype=object) if text.size else text
    keys = sorted({k for k in folded.tolist() if k})
    spelling: dict[str, str] = {}
    for t, k in zip(text.tolist(), folded.tolist(), strict=True):
        if k:
            spelling.setdefault(k, t)
    index = {k: i for i, k in enumerate(keys)}
    where = np.array([index.get(k, -1) for k in folded.tolist()], dtype=np.int64)
    return [spelling[k] for k in keys], where


def read_and_compute(table, settings: Settings, overrides=None, columns=None) -> tuple[Staff, Figures]:
    """Read, check and compute a staff list in one call."""
    staff = read_staff(table, settings.as_of, overrides, columns=columns, schema=STAFF_SCHEMA)
    return staff, compute(staff, settings, table)
