"""The budget planning template (workbooks/budget.py), recalculated by a real LibreOffice, is ``compute``.

The oracle is the one staff-list layer: :func:`xl_kent.lists.staff.read_staff` and
:func:`xl_kent.lists.figures.compute` over a :class:`xl_kent.files.reading.Table` of the
same cells (the template's headers, the values as a reader gets them back). A test copy
of the template holds ~300 generated staff rows and an edge row for every check
(every reason of :func:`xl_kent.lists.staff.staff_checks` that a cell Excel holds can
reach); LibreOffice (with the xl-kent extension) recalculates it once, and every
calculated Staff cell (all 5,000 rows: Status, the figures, the How columns and the hidden
"Problems: ..." helpers), every Summary cell and the calculated Assumptions cells must
equal ``compute``, ``totals`` and the settings. A small sheet of every kind of cell
(error values, booleans, spaces, numbers in the Yes/No column) shows that the checks read
a cell as the layer does. The filled copy (``write_filled``) caches ``compute``'s values,
recalculates to them, and its live formulas follow new rates. Further: the round trip
keeps validation, protection, frozen panes and the chart; the build is deterministic and
spills without ``@``; the examples are all OK; a row's results do not depend on the
other rows (hypothesis, and once in LibreOffice); ``xl-kent recalc`` on the same rows gives
the template's year-end carry-over cells, row by row.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from lo_calc import same

from workbooks import budget, common
from xl_kent import params
from xl_kent.carry_over import why_texts
from xl_kent.files.reading import Table, read_table
from xl_kent.lists.fields import header_scorer
from xl_kent.lists.figures import (
    CARRY_OVER_TOTALS,
    FIGURES,
    STAFF_SCHEMA,
    TOTAL_KEYS,
    carry_over_totals,
    compute,
    default_settings,
    read_and_compute,
    restructure_totals,
    totals,
)
from xl_kent.lists.figures import cost_centres as list_cost_centres
from xl_kent.lists.how import STAFF_HOW, staff_how
from xl_kent.lists.staff import STAFF_FIELDS, check_bounds, read_staff, staff_checks

D = dt.date
FIRST = common.FIRST_ROW
LAST = common.FIRST_ROW + common.DATA_ROWS - 1
AS_OF = np.datetime64(budget.EXAMPLE_AS_OF, "D")
#: Grade maxima for the test (invented): KR7, KR8, KR9, KR11 and KR12 given, KR5 and KR10 not.
GRADE_MAX = ((7, 30_000.0), (8, 34_000.0), (9, 38_000.0), (11, 47_000.0), (12, 52_000.0))
SETTINGS = default_settings(AS_OF, grade_max=GRADE_MAX)
FIELDS = [f.name for f in STAFF_FIELDS]
CALC_KEYS = [c.key for c in budget.CALC_COLUMNS]
PROBLEM_KEYS = [c.key for c in budget.PROBLEM_COLUMNS]
KENT_COLUMNS = {"leave_year_entitlement_days": {"KENTLEAVEACCRUAL"}, "leave_year_entitlement_hours": {"KENTLEAVEACCRUAL"},
                "leave_accrued_days": {"KENTLEAVEACCRUAL"}, "leave_accrued_hours": {"KENTLEAVEACCRUAL"},
                "sick_absence_cost_gbp": {"KENTSICKPAY"}, "redundancy_weeks": {"KENTREDUNDANCYWEEKS"},
                "notice_days": {"KENTNOTICE"}, "notice_pay_gbp": {"KENTNOTICE"},
                "sick_full_pay_days_left": {"KENTSICKPAY"}, "sick_half_pay_days_left": {"KENTSICKPAY"},
                "leave_how": {"KENTLEAVEACCRUAL"}, "sick_pay_how": {"KENTSICKPAY"},
                "redundancy_how": {"KENTREDUNDANCYWEEKS"}, "notice_how": {"KENTNOTICE"}}


# ---------------------------------------------------------------- test rows
def generated_rows(n: int, seed: int = 20261123) -> list[dict]:
    """Realistic staff rows: grades of every band, part-time hours, casual and relief workers,
    joiners, leavers, at-risk posts, multipliers, cost centres of the list, one in another
    case, one not listed, blanks."""
    rng = np.random.default_rng(seed)
    grades = ["KR Entry", "Apprentice"] + [f"KR{k}" for k in range(3, 16)] + ["kr 6", 9.0, "KR 12"]
    centres = [*budget.EXAMPLE_COST_CENTRES, "highways", "Unlisted Team", None]

    def day(lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))

    rows = []
    for i in range(n):
        dob = day(D(1958, 1, 1), D(2008, 6, 30))
        service = day(max(D(1985, 1, 1), D(dob.year + 17, dob.month, 1)), D(2027, 2, 28))
        u = rng.random()
        contract = "Casual" if u < 0.05 else "Relief" if u < 0.08 else (None if u < 0.5 else "Salaried")
        r = {"employee_id": f"G{i:04d}", "name": f"Person {i}", "cost_centre": centres[rng.integers(len(centres))],
             "grade": grades[rng.integers(len(grades))], "contract_type": contract,
             "date_of_birth": dob, "service_start": service}
        if contract in ("Casual", "Relief"):
            r["hours_worked"] = float(rng.choice([0.0, 12.5, 80.0, 212.5, 640.0]))
            if contract == "Casual" and rng.random() < 0.5:
                del r["grade"]
        else:
            r["annual_salary"] = float(round(rng.uniform(17_000, 72_000), 2))
            if rng.random() < 0.35:
                r["weekly_hours"] = float(rng.choice([7.5, 15.0, 18.5, 22.2, 30.0, 36.0, 37.0]))
        if rng.random() < 0.12:
            r["employment_start"] = day(service, D(2027, 3, 1))
        if rng.random() < 0.12:
            end = day(D(2026, 1, 1), D(2027, 12, 31))
            if end >= r.get("employment_start", service):
                r["employment_end"] = end
        if rng.random() < 0.3:
            r["prior_sick_days"] = float(rng.integers(0, 250))
        u = rng.random()
        r["at_risk"] = "Yes" if u < 0.15 else ("No" if u < 0.8 else None)
        if rng.random() < 0.15:
            r["multiplier"] = float(rng.choice([1.0, 1.25, 1.5, 2.0]))
        if rng.random() < 0.7:
            r["leave_taken_days"] = float(rng.integers(0, 26))
        rows.append({k: v for k, v in r.items() if v is not None})
    carry = np.random.default_rng(seed + 1)  # the carry-over inputs: their own draws (the rows above unchanged)
    for r in rows:
        if carry.random() < 0.3:
            r["leave_brought_forward_days"] = float(carry.choice([0.0, 1.5, 2.0, 5.0, 10.0, 12.5]))
        if carry.random() < 0.12:
            r["long_term_sick"] = "Yes" if carry.random() < 0.7 else "No"
        if carry.random() < 0.12:
            r["deferral_agreed_days"] = float(carry.choice([5.0, 12.0, 25.0, 30.0, 35.0]))
    return rows


_BASE = {"name": "Edge", "cost_centre": "Finance", "grade": "KR6", "contract_type": "Salaried",
         "annual_salary": 30_000.0, "date_of_birth": D(1980, 1, 1), "service_start": D(2010, 1, 1), "at_risk": "No"}


def _edge(key: str, **change) -> dict:
    row = {**_BASE, "employee_id": key, **change}
    return {k: v for k, v in row.items() if v is not None}


EDGE_ROWS = [  # what a paste can bring in: every check, and the rows around each
    _edge("X01", employee_id="#N/A"),
    {k: v for k, v in _BASE.items()},  # data but no employee id
    _edge("X50"), _edge("x50"),  # the same id in another case: both rows
    _edge(1001.0), _edge("1001"),  # the number and the text
    _edge("X02", grade="#N/A"), _edge("X03", grade=None), _edge("X04", grade="Manager"), _edge("X05", grade="KR2"),
    _edge("X06", grade=6.0), _edge("X07", grade="kr 06"), _edge("X08", grade="KR 13"), _edge("X09", grade=0.0),
    _edge("X10", contract_type="Agency"), _edge("X11", contract_type="permanent"),
    _edge("X12", contract_type="Fixed  Term"), _edge("X13", contract_type="#N/A"),
    _edge("X14", weekly_hours="full"), _edge("X15", weekly_hours="#VALUE!"), _edge("X16", weekly_hours=40.0),
    _edge("X17", weekly_hours=0.0), _edge("X18", weekly_hours=5.0, annual_salary=900.0),
    _edge("X19", contract_type="Casual", annual_salary=None, grade=None),  # casual without hours worked
    _edge("X20", contract_type="Relief", annual_salary=None),  # relief without hours worked
    _edge("X21", hours_worked="lots"), _edge("X22", hours_worked="#N/A"), _edge("X23", hours_worked=-5.0),
    _edge("X24", contract_type=" casual ", hours_worked=120.0, annual_salary=None, weekly_hours=40.0,
          grade="Manager", at_risk="Yes"),
    _edge("X25", contract_type="Relief", hours_worked=80.0, annual_salary=None, at_risk="Yes"),
    _edge("X26", contract_type="permanent relief", hours_worked=80.0, grade=None, annual_salary=None),
    _edge("X27", contract_type="Casual", hours_worked=30.0, grade="#N/A", service_start="soon",
          date_of_birth=None, annual_salary=None),  # a bad grade and date do not stop a casual row's leave
    _edge("X28", annual_salary="thirty k"), _edge("X29", annual_salary="#N/A"), _edge("X30", annual_salary=None),
    _edge("X31", annual_salary=-5.0), _edge("X32", annual_salary=0.0), _edge("X33", annual_salary=500.0),
    _edge("X34", annual_salary=2_000_000.0), _edge("X35", annual_salary=600_000.0, weekly_hours=18.5),
    _edge("X36", date_of_birth="unknown"), _edge("X37", date_of_birth="#N/A"), _edge("X38", date_of_birth=30.0),
    _edge("X39", date_of_birth=None), _edge("X40", date_of_birth=D(2150, 1, 1)),
    _edge("X41", date_of_birth=D(2015, 1, 1)), _edge("X42", date_of_birth=D(1920, 1, 1)),
    _edge("X43", contract_type="Casual", hours_worked=10.0, annual_salary=None, date_of_birth=None),
    _edge("X44", service_start="soon"), _edge("X45", service_start="#N/A"), _edge("X46", service_start=45.0),
    _edge("X47", service_start=None), _edge("X48", service_start=D(2150, 1, 1)),
    _edge("X49", date_of_birth=D(2000, 5, 1), service_start=D(2014, 1, 1)),  # before the 16th birthday
    _edge("X51", date_of_birth=D(2008, 2, 29), service_start=D(2024, 2, 28)),
    _edge("X52", date_of_birth=D(2008, 2, 29), service_start=D(2024, 2, 29)),
    _edge("X53", employment_start="soon"), _edge("X54", employment_start="#N/A"), _edge("X55", employment_start=10.0),
    _edge("X56", employment_start=D(2150, 1, 1)), _edge("X57", employment_start=D(2005, 1, 1)),
    _edge("X58", employment_end="never"), _edge("X59", employment_end="#DIV/0!"), _edge("X60", employment_end=20.0),
    _edge("X61", employment_end=D(2150, 1, 1)), _edge("X62", employment_end=D(2009, 1, 1)),
    _edge("X63", employment_start=D(2026, 6, 1), employment_end=D(2026, 5, 1)),
    _edge("X64", prior_sick_days="x"), _edge("X65", prior_sick_days="#N/A"), _edge("X66", prior_sick_days=-1.0),
    _edge("X67", prior_sick_days=400.0), _edge("X68", prior_sick_days=366.0),
    _edge("X69", at_risk="maybe"), _edge("X70", at_risk="#N/A"), _edge("X71", at_risk=2.0), _edge("X72", at_risk="y"),
    _edge("X73", at_risk="TRUE"), _edge("X74", at_risk=1.0), _edge("X75", at_risk="0"), _edge("X76", at_risk=True),
    _edge("X77", multiplier="x"), _edge("X78", multiplier="#N/A"), _edge("X79", multiplier=3.0),
    _edge("X80", multiplier=0.5), _edge("X81", multiplier=1.5, at_risk="Yes"),
    _edge("X82", leave_taken_days="five"), _edge("X83", leave_taken_days="#N/A"), _edge("X84", leave_taken_days=-3.0),
    _edge("X85", leave_taken_days=40.0),  # taken far ahead of accrual
    {},  # an interior blank row
    {"name": "   "},  # spaces only: blank too
    _edge("X86", employment_end=D(2025, 12, 31), at_risk="Yes"),  # left before the leave year
    _edge("X87", service_start=D(2027, 1, 4), at_risk="Yes"),  # a future joiner at risk: 0 weeks
    _edge("X88", service_start=D(2025, 6, 1), at_risk="Yes"),  # under 2 years: 0 weeks
    _edge("X89", cost_centre="highways", at_risk="Yes", multiplier=2.0),
    _edge("X90", cost_centre="#N/A"), _edge("X91", cost_centre=None),
    _edge("X92", weekly_hours=18.5, employment_start=D(2026, 9, 1), employment_end=D(2027, 2, 28)),
    _edge("X93", annual_salary=30_000.0, grade="KR14", leave_taken_days=0.0, prior_sick_days=200.0),
    {"employee_id": "X94"},  # an id and nothing else
    _edge("X95", grade="#N/A", annual_salary="TBC", date_of_birth=D(2015, 6, 1), at_risk="maybe"),  # many at once
    # the restructure: LGPS membership, the fund's strain quote, redeployment (Loss of Earnings Compensation)
    _edge("R01", lgps_member="maybe"), _edge("R02", lgps_member="#N/A"),
    _edge("R03", pension_strain_gbp="quote", at_risk="Yes"), _edge("R04", pension_strain_gbp="#N/A"),
    _edge("R05", pension_strain_gbp=-100.0, at_risk="Yes", date_of_birth=D(1960, 1, 1)),
    _edge("R06", at_risk="Yes", date_of_birth=D(1960, 1, 1), pension_strain_gbp=45_000.0),  # counted
    _edge("R07", at_risk="Yes", date_of_birth=D(1960, 1, 1), lgps_member="No", pension_strain_gbp=10_000.0),
    _edge("R08", pension_strain_gbp=5_000.0), _edge("R09", at_risk=None, pension_strain_gbp=5_000.0),
    _edge("R10", at_risk="Yes", date_of_birth=D(1971, 11, 23), service_start=D(2024, 11, 23)),  # 55, 2 years
    _edge("R11", at_risk="Yes", date_of_birth=D(1971, 11, 24), service_start=D(2024, 11, 23),
          pension_strain_gbp=1.0),  # 54 tomorrow
    _edge("R12", at_risk="Yes", date_of_birth=D(1960, 1, 1), service_start=D(2024, 11, 24)),  # 1 year 11 months
    _edge("R13", at_risk="Yes", date_of_birth=D(1960, 1, 1), lgps_member="n"),
    _edge("R14", redeployed_grade="#N/A"), _edge("R15", redeployed_grade="KR2"),
    _edge("R16", at_risk="Yes", redeployed_grade="KR5"),
    _edge("R17", grade="KR10", annual_salary=45_000.0, redeployed_grade="KR7"),  # the policy's example
    _edge("R18", grade="KR9", annual_salary=37_000.0, redeployed_grade="kr 7"),
    _edge("R19", redeployed_grade="KR6"), _edge("R20", redeployed_grade="KR8"),
    _edge("R21", grade="KR12", annual_salary=50_000.0, redeployed_grade="KR10"),  # no top of KR10
    _edge("R22", grade="KR10", annual_salary=45_000.0, redeployed_grade="KR5"),  # no top of KR5
    _edge("R23", grade="KR8", redeployed_grade="Apprentice"), _edge("R24", grade="KR Entry", redeployed_grade="KR3"),
    _edge("R25", grade="KR9", annual_salary=36_000.0, redeployed_grade=7.0),
    _edge("R26", contract_type="Casual", annual_salary=None, hours_worked=10.0, redeployed_grade="KR5"),
    _edge("R27", at_risk="Yes", grade="KR9", service_start=D(2026, 10, 30)),  # under a month: 2 months
    _edge("R28", at_risk="Yes", grade="KR10", service_start=D(2000, 1, 1)),
    _edge("R29", at_risk="Yes", date_of_birth="unknown", pension_strain_gbp=1_000.0),
    _edge("R30", grade="KR12", annual_salary=60_000.0, redeployed_grade="KR11"),  # salary above the top of KR12
    _edge("R31", contract_type="Relief", annual_salary=None, hours_worked=10.0, at_risk="Yes",
          pension_strain_gbp=2_000.0),
    _edge("R32", contract_type="Casual", annual_salary=None, hours_worked=10.0, pension_strain_gbp=2_000.0),
    # the year-end carry-over (G.2.L-O): the checks of its columns, then every limit and the leavers
    _edge("C01", leave_brought_forward_days="lots"), _edge("C02", leave_brought_forward_days="#N/A"),
    _edge("C03", leave_brought_forward_days=-1.0), _edge("C04", leave_brought_forward_days=400.0),
    _edge("C05", leave_brought_forward_days=366.0), _edge("C06", long_term_sick="maybe"),
    _edge("C07", long_term_sick="#N/A"), _edge("C08", deferral_agreed_days="x"),
    _edge("C09", deferral_agreed_days="#N/A"), _edge("C10", deferral_agreed_days=-2.0),
    _edge("C11", deferral_agreed_days=400.0),
    # docs/leave-carry-over.md: KR6, 3 years, 27 days, £36,500 (a day £140): 14 untaken, 10 carried, 4 lost
    _edge("C12", service_start=D(2023, 4, 1), annual_salary=36_500.0, leave_brought_forward_days=2.0,
          leave_taken_days=15.0),
    _edge("C13", service_start=D(2023, 4, 1), annual_salary=36_500.0, weekly_hours=18.5,
          leave_brought_forward_days=2.0, leave_taken_days=15.0),  # 13.5 untaken, 5 carried, 8.5 lost
    _edge("C14", long_term_sick="Yes", leave_brought_forward_days=5.0, leave_taken_days=3.0),  # limit 20
    _edge("C15", deferral_agreed_days=25.0, leave_taken_days=2.0),  # above 10, below 30: 25
    _edge("C16", deferral_agreed_days=35.0, leave_taken_days=1.0),  # above 30: capped
    _edge("C17", deferral_agreed_days=5.0, leave_taken_days=4.0),  # below the usual limit: 10
    _edge("C18", weekly_hours=18.5, deferral_agreed_days=35.0),  # capped at 15 (pro rata)
    _edge("C19", weekly_hours=20.0, long_term_sick="y", leave_brought_forward_days=4.0),  # 20 x 20 / 37
    _edge("C20", service_start=D(2023, 4, 1), annual_salary=36_500.0, employment_end=D(2026, 9, 30),
          leave_taken_days=20.0),  # a leaver who took more than accrued: 6.5 days recovered
    _edge("C21", employment_end=D(2027, 1, 31), leave_taken_days=5.0, leave_brought_forward_days=3.0),  # to take
    _edge("C22", employment_end=D(2027, 3, 31), deferral_agreed_days=20.0),  # leaves on the last day: a leaver
    _edge("C23", employment_end=D(2027, 4, 1), leave_taken_days=10.0),  # after the year end: not a leaver
    _edge("C24", long_term_sick="Y", deferral_agreed_days=15.0),  # sickness above the deferral
    _edge("C25", long_term_sick="Yes", deferral_agreed_days=25.0, leave_taken_days=3.0),  # deferral above it
    _edge("C26", contract_type="Casual", hours_worked=50.0, annual_salary=None, leave_brought_forward_days=3.0),
    _edge("C27", service_start=D(2027, 1, 4), deferral_agreed_days=0.0),  # a joiner
    _edge("C28", annual_salary="TBC", leave_brought_forward_days=2.0),  # days, but no value
    _edge("C29", long_term_sick=1.0), _edge("C30", long_term_sick="TRUE"), _edge("C31", long_term_sick="No"),
    _edge("C32", leave_taken_days=40.0, leave_brought_forward_days=1.0),  # negative at the year end
    _edge("C33", deferral_agreed_days=30.0, leave_taken_days=0.0),  # the scheme's most exactly
    _edge("C34", service_start=D(2023, 4, 1), leave_taken_days=17.0),  # exactly the limit: 10 carried, 0 lost
    _edge("C35", leave_brought_forward_days=3.0, prior_sick_days="x"),  # another column's problem: still worked out
]

#: Checks no cell Excel holds can reach: the reader reads every cell of an id or grade column
#: as text, and Excel holds no date before 1900 (text dates such as "1850-01-01" reach them
#: through the core, but Excel sees text: docs/budget-template.md).
UNREACHABLE = {("employee_id", "wrong_type"), ("grade", "wrong_type"), ("redeployed_grade", "wrong_type"),
               ("date_of_birth", "too_early"),
               ("service_start", "too_early"), ("employment_start", "too_early"), ("employment_end", "too_early"),
               # reached only with a record on the Absences sheet: tests/test_absences.py (LibreOffice too)
               ("prior_sick_days", "record_problem")}


def _table(rows: list[dict]) -> Table:
    return budget.staff_table(rows)


def _helpers(staff, n: int) -> dict[str, list[str]]:
    """Each field's reasons per row, from the layer's problems, in the order of staff_checks."""
    order = {(c.field, c.reason): k for k, c in enumerate(staff_checks(staff.as_of))}
    for _rows, col, why in staff.problems.entries:  # the restructure's checks, after the field's own
        if col in ("pension_strain_gbp", "redeployed_grade") and (col, why) not in order:
            order[(col, why)] = len(order)
    per: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for rows, col, why in staff.problems.entries:
        if (col, why) in order and col:
            for i in rows.tolist():
                per.setdefault((col, i), []).append((order[(col, why)], why))
    return {f"problems_{f}": ["".join("; " + w for _, w in sorted(per.get((f, i), []))) for i in range(n)]
            for f in FIELDS}


def expected(rows: list[dict], s=SETTINGS):
    """What every calculated Staff cell must hold (a list per column), from compute."""
    staff, fig = read_and_compute(_table(rows), s)
    n = len(rows)
    out = {"status": ["" if v == "row is blank" else v for v in fig.status.tolist()]}
    for name in budget.BUDGET_FIGURES:
        if name == "unreduced_pension":
            out[name] = [{True: "Yes", False: "No"}.get(x, "") for x in fig.values[name].tolist()]
            continue
        if name == "carry_over_limit_why":  # words (None: blank)
            out[name] = ["" if x is None else x for x in fig.values[name].tolist()]
            continue
        v = fig.values[name].astype(float)
        if name in ("redundancy_weeks", "redundancy_pay_gbp"):
            v = np.where(fig.at_risk, v, np.nan)
        out[name] = ["" if math.isnan(x) else x for x in v.tolist()]
    # The How columns: recalc's words (staff_how), where the template's KENT_ explain calls must agree.
    said = staff_how(staff, s, fig.values, fig.values["sick_prior_paid_days"])
    for name in budget.HOW_COLUMNS:
        texts = said[name] if name != "redundancy_how" else np.where(fig.at_risk, said[name], "")
        out[name] = texts.tolist()
    out |= _helpers(staff, n)
    return staff, fig, out


def _same(got, want) -> bool:
    return same(got, want, rel_tol=1e-9, abs_tol=1e-6)


def _mismatches(column_of, want: dict[str, list], n: int, keys=CALC_KEYS + PROBLEM_KEYS) -> list:
    bad = []
    for key in keys:
        letter = budget.staff_column_letter(key)
        got = column_of(f"{letter}{FIRST}:{letter}{LAST}")
        assert len(got) == common.DATA_ROWS
        w = want[key] + [""] * (common.DATA_ROWS - n)
        bad += [(key, FIRST + i, g, x) for i, (g, x) in enumerate(zip(got, w, strict=True)) if not _same(g, x)]
    return bad


def _slots(names) -> list[str | None]:
    return list(names) + [None] * (budget.COST_CENTRE_ROWS - len(names))


def _summary_want(staff, fig, slots: list[str | None]) -> list[dict]:
    """One dict per Summary row: each slot (empty: ""), Not in the list, Total."""
    folded = np.array([str(t).casefold() for t in staff.values["cost_centre"].tolist()], dtype=object)
    out, listed = [], np.zeros(fig.n_rows, dtype=bool)
    for name in slots:
        if name is None:
            out.append({k: "" for k in ("cost_centre", *TOTAL_KEYS, *(k for k, _ in CARRY_OVER_TOTALS),
                                        *budget.SUMMARY_RESTRUCTURE)})
            continue
        rows = folded == name.casefold()
        listed |= rows
        out.append({"cost_centre": name, **summary_totals(fig, rows)})
    out.append({"cost_centre": budget.NOT_IN_LIST, **summary_totals(fig, ~listed)})
    out.append({"cost_centre": budget.TOTAL, **summary_totals(fig)})
    return out


def summary_totals(fig, rows=None) -> dict:
    """A Summary row: totals, the year-end carry-over totals and, each in its own column, the
    restructure's parts (restructure_totals)."""
    r = restructure_totals(fig, rows)
    return {**totals(fig, rows), **carry_over_totals(fig, rows), **{k: r[k] for k in budget.SUMMARY_RESTRUCTURE}}


def _summary_mismatches(cell_of, want: list[dict]) -> list:
    bad = []
    for k, row in enumerate(want):
        for j, c in enumerate(budget.SUMMARY_COLUMNS):
            got = cell_of(f"{chr(65 + j)}{FIRST + k}")
            if not same(got, row[c.key], rel_tol=1e-9, abs_tol=1e-5):
                bad.append((row["cost_centre"], c.key, got, row[c.key]))
    return bad


# ---------------------------------------------------------------- the test copy in LibreOffice
#: Edge rows also placed on the sheet's last rows (row independence, once in LibreOffice).
TAIL = [EDGE_ROWS[k] for k in (0, 2, 4, 7, 19, 24, 27, 40, 49, 63, 80)]


def _test_rows() -> list[dict]:
    rows = generated_rows(300) + EDGE_ROWS
    return rows + [{} for _ in range(common.DATA_ROWS - len(rows) - len(TAIL))] + \
        [{**r, "employee_id": f"T{k}"} if not str(r.get("employee_id", "#")).startswith("#") else r
         for k, r in enumerate(TAIL)]  # (other ids than the edge rows': no duplicate)


@pytest.fixture(scope="module")
def test_copy(calc, tmp_path_factory):
    folder = tmp_path_factory.mktemp("budget")
    rows = _test_rows()
    path = folder / "budget_test.xlsx"
    budget.build(path, rows, SETTINGS)
    book = calc.recalculate(path, save_as=folder / "saved.xlsx")
    staff, fig, want = expected(rows)
    return {"book": book, "rows": rows, "staff": staff, "fig": fig, "want": want, "path": path,
            "saved": folder / "saved.xlsx", "folder": folder}


def test_every_calculated_staff_cell_equals_compute(test_copy):
    bad = _mismatches(lambda r: test_copy["book"].column("Staff", r), test_copy["want"], len(test_copy["rows"]))
    assert not bad, f"{len(bad)} cells differ (column, row, LibreOffice, compute): {bad[:10]}"


def test_every_summary_cell_equals_totals(test_copy):
    want = _summary_want(test_copy["staff"], test_copy["fig"], _slots(budget.EXAMPLE_COST_CENTRES))
    bad = _summary_mismatches(lambda r: test_copy["book"].cell("Summary", r), want)
    assert not bad, f"(row, column, LibreOffice, totals): {bad}"


def test_recalc_gives_the_templates_carry_over_columns_row_by_row(test_copy):
    """``xl-kent recalc`` (recalc_table) on the same rows: its status and carry-over columns are
    the LibreOffice-recalculated template's cells, row by row (recalc's money to the penny)."""
    from xl_kent_cli.recalc import recalc_table

    rows, book = test_copy["rows"], test_copy["book"]
    n = len(rows)
    outcome = recalc_table(_table(rows), SETTINGS)
    written = dict(zip(outcome.headers, outcome.columns, strict=True))
    bad, numbers = [], 0
    for key in ("status", *budget.CARRY_OVER_FIGURES):
        letter = budget.staff_column_letter(key)
        got = book.column("Staff", f"{letter}{FIRST}:{letter}{FIRST + n - 1}")
        for i, (g, w) in enumerate(zip(got, written[key].tolist(), strict=True)):
            if w is None or (isinstance(w, float) and math.isnan(w)) or w == "row is blank":
                w = ""
            if isinstance(w, float) and isinstance(g, float):
                numbers += 1
                ok = abs(g - w) <= (0.005 if key.endswith("_gbp") else 1e-6)
            else:
                ok = g == w
            if not ok:
                bad.append((key, FIRST + i, g, w))
    assert not bad, f"{len(bad)} cells differ (column, row, LibreOffice, recalc): {bad[:10]}"
    assert numbers > 2_000


def test_the_calculated_assumptions_are_the_settings_leave_year(test_copy):
    book = test_copy["book"]
    for name, day in (("LeaveYearStart", SETTINGS.leave_year_start), ("LeaveYearEnd", SETTINGS.leave_year_end)):
        got = book.cell("Assumptions", budget.ASSUMPTION_CELLS[name])
        assert got == budget._serial(day), name
    for name, parameter, _label in budget._CARRY_OVER_CONSTANTS:  # the carry-over limits, from leave.toml
        want = float(params.parameter("leave", parameter).value_on(SETTINGS.leave_year_end))
        assert book.cell("Assumptions", budget.ASSUMPTION_CELLS[name]) == want, name


def test_status_is_the_helpers_joined(test_copy):
    """The Status column is its row's helpers joined (and "OK"), as compute's status is."""
    want, n = test_copy["want"], len(test_copy["rows"])
    for i in range(n):
        joined = "".join(want[k][i] for k in PROBLEM_KEYS)
        status = want["status"][i]
        assert status == ("" if status == "" else "OK" if not joined else joined[2:]), i


def test_the_test_data_reach_every_check_and_every_kind_of_result(test_copy):
    """Guard against a vacuous comparison: every check of staff_checks is reached (but the six no
    cell Excel holds can reach), every figure has numbers and blanks, and the rows give each
    kind of outcome."""
    staff, fig, want = test_copy["staff"], test_copy["fig"], test_copy["want"]
    n = len(test_copy["rows"])
    reasons = {(col, why) for _, col, why in staff.problems.entries}
    for c in staff_checks(AS_OF):
        if c.field and (c.field, c.id) not in UNREACHABLE:
            assert (c.field, c.reason) in reasons, (c.field, c.id)
    for name in budget.BUDGET_FIGURES:
        values = want[name][:n]
        if name == "unreduced_pension":
            assert {"", "Yes", "No"} <= set(values)
            continue
        if name == "carry_over_limit_why":  # every limit's words, and blanks
            assert set(values) == {"", *why_texts(SETTINGS.leave_year_end)}
            continue
        assert any(v == "" for v in values) and any(isinstance(v, float) for v in values), name
    restructure = {(col, why) for _, col, why in staff.problems.entries if col in ("pension_strain_gbp",
                                                                                    "redeployed_grade")}
    for words in ("not marked at risk", "brings no unreduced pension", "the top of KR10 is", "the top of KR5 is",
                  "KR Entry or Apprentice"):
        assert any(words in why for _, why in restructure), words
    assert any(isinstance(v, float) and v > 0 for v in want["lec_annual_gbp"])
    assert any(v == 0.0 for v in want["lec_annual_gbp"]) and any(v > 0 for v in want["pension_strain_cost_gbp"]
                                                                 if isinstance(v, float))
    assert any(isinstance(v, float) and v < 0 for v in want["leave_untaken_days"])
    # the carry-over: days lost and carried, limits of every size (part-time, sick, deferred below and
    # above the scheme's most), leavers with leave to take and leave overtaken, brought forward days
    for name in ("leave_lost_days", "leave_carried_liability_gbp", "leaver_leave_to_take_days", "leaver_recovery_gbp",
                 "leaver_leave_overtaken_days"):
        assert any(isinstance(v, float) and v > 0 for v in want[name]), name
    limits = {round(v, 6) for v in want["carry_over_limit_days"] if isinstance(v, float)}
    assert {0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, round(400 / 37, 6)} <= limits, sorted(limits)
    assert any(isinstance(v, float) and v < 0 for v in want["leave_year_end_untaken_days"])
    assert sum(isinstance(r.get("leave_brought_forward_days"), float) and r["leave_brought_forward_days"] > 0
               for r in test_copy["rows"]) > 50
    assert any(isinstance(v, float) and v > 0 for v in want["redundancy_pay_gbp"])
    assert any(v == 0.0 for v in want["redundancy_weeks"]) and any(v == 0.0 for v in want["sick_absence_cost_gbp"])
    assert sum(s == "OK" for s in want["status"]) > 250 and sum(s not in ("", "OK") for s in want["status"]) > 70
    assert "" in want["status"][:n]  # the interior blank rows
    assert sum(";" in s for s in want["status"]) >= 3  # rows with several problems
    casual = [i for i, r in enumerate(test_copy["rows"]) if str(r.get("contract_type", "")).strip() == "Casual"]
    assert any(isinstance(want["leave_accrued_hours"][i], float) for i in casual)
    t = totals(fig)
    assert t["headcount"] > 250 and t["at_risk_headcount"] > 10 and t["rows_with_problems"] > 70
    # the unreachable checks: no reader gives an id or a grade the status "not text"
    zoo = [True, 3.5, dt.datetime(2024, 1, 1), dt.time(12, 0), "x", None, "#N/A", " ", -1.0]
    tab = _table([{"employee_id": v, "grade": v} for v in zoo])
    assert not [w for _, _, w in read_staff(tab, AS_OF).problems.entries if w.endswith("is not text")
                or w == "grade is not a grade"]
    assert np.datetime64("1899-12-30") + np.timedelta64(61, "D") > check_bounds(AS_OF)["earliest_date"]


def test_the_kent_columns_call_the_extension_and_every_column_is_one_array_formula(test_copy):
    formulas = test_copy["book"].formulas["Staff"]
    for key in CALC_KEYS + PROBLEM_KEYS:
        j = budget._COL_INDEX[key]
        top, bottom = formulas[FIRST - 1][j], formulas[LAST - 1][j]
        assert top.startswith("{=") and top == bottom, key  # one array formula over all 5,000 rows
        called = set(re.findall(r"XLKENT\.KENTFUNCTIONS\.(\w+)\(", top))
        assert called == KENT_COLUMNS.get(key, set()), key
        assert "KENT_" not in top, f"{key}: a KENT_ name LibreOffice did not bind"


def test_xl_kent_reads_the_template_back_as_the_test_does(test_copy):
    """The built file read back (header row found by the scorer) gives compute the same rows,
    but for the documented case: a number below 61 in a date column (a reader turns a date
    cell into a date in January or February 1900)."""
    t = read_table(test_copy["path"], sheet="Staff", scorer=header_scorer(STAFF_SCHEMA))
    staff, fig = read_and_compute(t, SETTINGS)
    rows = test_copy["rows"]
    small = {i for i, r in enumerate(rows) for f in ("date_of_birth", "service_start", "employment_start",
                                                       "employment_end") if isinstance(r.get(f), float)}
    want = test_copy["fig"].status.tolist()
    got = fig.status.tolist()[: len(rows)]
    assert [g for i, g in enumerate(got) if i not in small] == [w for i, w in enumerate(want) if i not in small]
    assert all(got[i] != want[i] for i in small)


def test_validation_protection_frozen_panes_and_chart_survive_the_round_trip(test_copy):
    saved = test_copy["saved"]
    wb = openpyxl.load_workbook(saved)
    assert wb.sheetnames == ["How to use", "Assumptions", "Staff", "Summary", "Person", "Absences", "xlwings.conf"]
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
    staff = wb["Staff"]
    for c in budget.INPUT_COLUMNS:
        letter = budget.staff_column_letter(c.key)
        assert staff[f"{letter}{FIRST}"].protection.locked is False, c.key
        assert staff[f"{letter}{LAST}"].protection.locked is False, c.key
    for c in budget.CALC_COLUMNS + budget.PROBLEM_COLUMNS:
        assert staff[f"{budget.staff_column_letter(c.key)}{FIRST}"].protection.locked is not False
    assert [staff.cell(common.HEADER_ROW, j + 1).value for j in range(len(budget._STAFF_COLS))] == \
        [f.label for f in STAFF_FIELDS] + ["Status"] + [next(f.label for f in FIGURES if f.name == n)
                                                        for n in budget.BUDGET_FIGURES] + \
        [h.label for h in STAFF_HOW] + [f"Problems: {f.label}" for f in STAFF_FIELDS] + \
        [c.header for c in budget.HELPER_COLUMNS]
    hidden = {j for d in staff.column_dimensions.values() if d.hidden for j in range(d.min, d.max + 1)}
    assert hidden == {budget._COL_INDEX[c.key] + 1 for c in budget.PROBLEM_COLUMNS + budget.HELPER_COLUMNS}
    rules = {str(dv.sqref): dv for dv in staff.data_validations.dataValidation}

    def rule(key):
        letter = budget.staff_column_letter(key)
        return rules[f"{letter}{FIRST}:{letter}{LAST}"]

    grade = rule("grade")
    assert grade.type == "list" and "KR Entry" in grade.formula1 and "KR6" in grade.formula1
    hours = rule("weekly_hours")
    assert hours.type == "decimal" and float(hours.formula2) == SETTINGS.full_time_weekly_hours
    for key in ("date_of_birth", "service_start", "employment_start", "employment_end"):
        assert rule(key).type == "date", key
    assert rule("at_risk").type == "list" and rule("at_risk").formula1 == '"Yes,No"'
    assert rule("contract_type").type == "list" and rule("contract_type").formula1 == '"Salaried,Casual,Relief"'
    cc = rule("cost_centre")
    assert cc.type == "list" and cc.formula1 == "CostCentres" and cc.errorStyle == "warning"
    assert rule("multiplier").type == "decimal" and rule("hours_worked").type == "decimal"
    conditional = [str(r.formula) for rules in staff.conditional_formatting._cf_rules.values() for r in rules]
    assert any("ISERROR" in f for f in conditional) and any('"OK"' in f for f in conditional)
    assert staff.freeze_panes == "C5"
    assert wb["Summary"].freeze_panes == "B5"
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    for name, ref in budget.ASSUMPTION_CELLS.items():
        assert names[name] == "Assumptions!" + re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref), name
    assert len(wb["Summary"]._charts) == 2  # pay and on-costs; the restructure's parts
    assert any(n.startswith("xl/charts/chart") for n in zipfile.ZipFile(saved).namelist())


# ---------------------------------------------------------------- every kind of cell
class _Err(str):
    """An error value cell (written as a formula that gives it)."""


_FORMULA_OF = {"#N/A": "=NA()", "#VALUE!": '=1+"x"', "#DIV/0!": "=1/0", "#NUM!": "=SQRT(-1)"}


def _zoo_rows() -> list[dict]:
    """Cells a paste brings that the test copy cannot hold as typed values: error values,
    booleans, numbers and words in the Yes/No column, spaces."""
    rows = []
    for field, values in {
        "employee_id": [_Err("#N/A"), "  ", True], "name": [_Err("#N/A")], "cost_centre": [_Err("#DIV/0!")],
        "grade": [_Err("#N/A"), True, "  "], "contract_type": [_Err("#N/A"), "  ", 1.0],
        "weekly_hours": [_Err("#NUM!"), "  "], "hours_worked": [_Err("#N/A")], "annual_salary": [_Err("#VALUE!")],
        "date_of_birth": [_Err("#N/A"), 0.0, 2958466.0, "  "], "service_start": [_Err("#N/A")],
        "employment_start": [_Err("#N/A")], "employment_end": [_Err("#N/A")], "prior_sick_days": [_Err("#N/A")],
        "at_risk": [_Err("#N/A"), True, False, 0.0, 1.5, " Yes ", "n", "1.0", "  "],
        "multiplier": [_Err("#N/A")], "leave_taken_days": [_Err("#N/A"), "  "],
        "lgps_member": [_Err("#N/A"), True, 0.0, " no ", "  "], "pension_strain_gbp": [_Err("#N/A"), "  "],
        "redeployed_grade": [_Err("#N/A"), True, "  "],
        "leave_brought_forward_days": [_Err("#N/A"), "  "], "deferral_agreed_days": [_Err("#DIV/0!"), "  "],
        "long_term_sick": [_Err("#N/A"), True, False, 0.0, 2.0, " Yes ", "n", "  "],
    }.items():
        for v in values:
            rows.append({**_BASE, "employee_id": f"Z{len(rows):02d}", field: v})
    rows.append({"name": _Err("#N/A")})  # an error value makes a row
    return rows


def _write_cell(ws, row: int, col: int, v) -> None:
    if v is None:
        return
    if isinstance(v, _Err):
        ws.write_formula(row, col, _FORMULA_OF[str(v)], None, str(v))
    elif isinstance(v, bool):
        ws.write_boolean(row, col, v)
    elif isinstance(v, float):
        ws.write_number(row, col, v)
    elif isinstance(v, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(v, dt.time()), ws._date_format)
    else:
        ws.write_string(row, col, v)


def test_the_checks_read_every_kind_of_cell_as_the_layer_does(calc, tmp_path):
    """Error values, booleans, spaces, numbers in the Yes/No column: the Status and every helper
    of the template equal the layer's reading of the same cells (as a reader gives them: an
    error cell as its text). (Not here: a boolean in a number or date column, which
    LibreOffice's array formulas see as 1 or 0 while Excel's ISLOGICAL sees it:
    docs/budget-template.md.)"""
    rows = _zoo_rows()
    n = len(rows)
    path = tmp_path / "cells.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Staff")
    ws._date_format = wb.add_format({"num_format": "dd/mm/yyyy"})
    for i, row in enumerate(rows):
        for j, key in enumerate(FIELDS):
            _write_cell(ws, FIRST - 1 + i, j, row.get(key))
    names = wb.add_worksheet("Names")
    for k, (name, value) in enumerate((("AsOfDate", budget._serial(AS_OF)),
                                       ("FullTimeWeeklyHours", SETTINGS.full_time_weekly_hours),
                                       ("RedundancyDate", budget._serial(SETTINGS.redundancy_date)))):
        names.write_number(k, 0, value)
        wb.define_name(name, f"=Names!$A${k + 1}")
    for k, (grade, top) in enumerate(GRADE_MAX):  # the grade maximum table
        names.write_number(k, 1, grade)
        names.write_number(k, 2, top)
    wb.define_name("GradeMaxGrades", f"=Names!$B$1:$B${len(GRADE_MAX)}")
    wb.define_name("GradeMaxTops", f"=Names!$C$1:$C${len(GRADE_MAX)}")
    formulas = budget._Formulas(AS_OF).figures()
    for key in ["status"] + PROBLEM_KEYS:  # over the zoo's rows only (the same formulas, shorter ranges)
        col = budget._COL_INDEX[key]
        ws.write_dynamic_array_formula(FIRST - 1, col, FIRST + n - 2, col,
                                       formulas[key].replace(f"${LAST}", f"${FIRST + n - 1}"))
    wb.close()
    book = calc.recalculate(path)
    table = _table([{k: (str(v) if isinstance(v, _Err) else v) for k, v in r.items()} for r in rows])
    staff = read_staff(table, AS_OF)
    want = _helpers(staff, n)
    fig = compute(staff, SETTINGS, table)
    want["status"] = ["" if v == "row is blank" else v for v in fig.status.tolist()]
    bad = []
    for key in ["status"] + PROBLEM_KEYS:
        letter = budget.staff_column_letter(key)
        got = book.column("Staff", f"{letter}{FIRST}:{letter}{FIRST + n - 1}")
        bad += [(key, rows[i], g, w) for i, (g, w) in enumerate(zip(got, want[key], strict=True)) if g != w]
    assert not bad, bad[:8]


# ---------------------------------------------------------------- the filled copy
@pytest.fixture(scope="module")
def filled(calc, tmp_path_factory):
    folder = tmp_path_factory.mktemp("filled")
    rows = generated_rows(120, seed=7) + EDGE_ROWS
    table = _table(rows)
    staff, fig = read_and_compute(table, SETTINGS)
    path = folder / "filled.xlsx"
    budget.write_filled(path, table, staff, fig)
    book = calc.recalculate(path)
    _, _, want = expected(rows)
    names = budget.summary_names(list_cost_centres(staff)[0])[0]
    return {"rows": rows, "table": table, "staff": staff, "fig": fig, "path": path, "book": book, "want": want,
            "names": names, "folder": folder}


def _cached_grid(path: Path, sheet: str) -> dict[str, object]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {c.coordinate: c.value for row in wb[sheet].iter_rows() for c in row if getattr(c, "coordinate", None)}
    finally:
        wb.close()


def _as_lo(v):
    """A cached value as lo_calc gives a value: "" for blank, floats, text."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int):
        return float(v)
    if isinstance(v, dt.datetime):
        return float(budget._serial(np.datetime64(v.date(), "D")))
    return v


def test_a_filled_copy_caches_compute_and_holds_no_kent_formula(filled):
    grid = _cached_grid(filled["path"], "Staff")

    def column(ref):
        first, last = ref.split(":")
        letter = re.sub(r"\d", "", first)
        return [_as_lo(grid.get(f"{letter}{r}")) for r in range(int(first[len(letter):]), int(last[len(letter):]) + 1)]

    bad = _mismatches(column, filled["want"], len(filled["rows"]))
    assert not bad, bad[:10]
    sheets = {}
    with zipfile.ZipFile(filled["path"]) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                sheets[name] = z.read(name).decode()
    assert not any("KENT_" in xml for xml in sheets.values())
    staff_xml = sheets["xl/worksheets/sheet3.xml"]
    for key in CALC_KEYS + PROBLEM_KEYS:
        top = re.search(rf'<c r="{budget.staff_column_letter(key)}{FIRST}"[^>]*>(<f[^>]*>)?', staff_xml)
        assert (top.group(1) is None) == (key in budget.KENT_FIGURES), key  # KENT_ values, other formulas live
    summary = _cached_grid(filled["path"], "Summary")
    want = _summary_want(filled["staff"], filled["fig"], filled["names"])
    assert not _summary_mismatches(lambda r: _as_lo(summary.get(r)), want)


def test_a_filled_copy_recalculated_in_libreoffice_is_compute(filled):
    book = filled["book"]
    bad = _mismatches(lambda r: book.column("Staff", r), filled["want"], len(filled["rows"]))
    assert not bad, bad[:10]
    want = _summary_want(filled["staff"], filled["fig"], filled["names"])
    bad = _summary_mismatches(lambda r: book.cell("Summary", r), want)
    assert not bad, bad


def test_a_filled_copy_holds_the_inputs_as_the_layer_read_them(filled):
    """Read back, the filled copy gives compute the same rows (the interior blank row stays)."""
    t = read_table(filled["path"], sheet="Staff", scorer=header_scorer(STAFF_SCHEMA))
    staff, fig = read_and_compute(t, SETTINGS)
    n = len(filled["rows"])
    assert fig.status.tolist()[:n] == filled["fig"].status.tolist()
    for name in budget.BUDGET_FIGURES:
        if name == "carry_over_limit_why":  # words
            assert fig.values[name][:n].tolist() == filled["fig"].values[name].tolist()
            continue
        a, b = fig.values[name][:n].astype(float), filled["fig"].values[name].astype(float)
        assert np.allclose(a, b, equal_nan=True), name
    grid = _cached_grid(filled["path"], "Staff")
    rows = filled["rows"]
    i = rows.index(next(r for r in rows if r.get("employee_id") == "X12"))
    assert grid[f"E{FIRST + i}"] == "Salaried"  # "Fixed  Term" as the layer read it
    i = rows.index(next(r for r in rows if r.get("employee_id") == "X28"))
    assert grid[f"H{FIRST + i}"] == "thirty k"  # kept as it was: the checks flag it
    i = rows.index({})
    assert all(grid.get(f"{chr(65 + j)}{FIRST + i}") is None for j in range(16))


def test_a_filled_copy_has_one_summary_row_per_cost_centre_and_its_chart_covers_them(filled):
    names = filled["names"]
    typed = {r["cost_centre"].casefold() for r in filled["rows"] if r.get("cost_centre") not in (None, "#N/A")}
    assert sorted(n.casefold() for n in names) == sorted(typed)  # each once, ignoring case
    summary = _cached_grid(filled["path"], "Summary")
    labels = [summary.get(f"A{FIRST + k}") for k in range(len(names) + 2)]
    assert labels == [*names, budget.NOT_IN_LIST, budget.TOTAL]
    assert summary.get(f"A{FIRST + len(names) + 2}") is None
    wb = openpyxl.load_workbook(filled["path"])
    assert wb.defined_names["CostCentres"].attr_text == \
        f"Assumptions!$B${budget._CC_FIRST}:$B${budget._CC_FIRST + len(names) - 1}"
    with zipfile.ZipFile(filled["path"]) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    refs = set(re.findall(r"<c:f>([^<]+)</c:f>", chart))
    last = FIRST + len(names)  # the cost centres and Not in the list, not the Total
    assert f"Summary!$A${FIRST}:$A${last}" in refs and f"Summary!$D${FIRST}:$D${last}" in refs


def _assumptions(path: Path):
    return openpyxl.load_workbook(path, read_only=True)["Assumptions"]


def test_a_filled_copy_fixes_the_dates_and_keeps_the_rates_as_inputs(filled):
    ws = _assumptions(filled["path"])
    for name in ("AsOfDate", "AbsenceStart", "AbsenceDays", "RedundancyDate"):
        cell = ws[budget.ASSUMPTION_CELLS[name]]
        assert cell.protection.locked is not False, name
        assert "fill again" in ws[budget.ASSUMPTION_CELLS[name].replace("B", "C")].value, name
    for name in ("PayAwardPct", "EmployerNIRate", "NIThresholdYear", "PensionRate", "LevyRate"):
        assert ws[budget.ASSUMPTION_CELLS[name]].protection.locked is False, name
    for name in ("PayAwardPct", "PensionRate"):  # examples in the default settings
        assert "EXAMPLE" in ws[budget.ASSUMPTION_CELLS[name].replace("B", "C")].value, name
    assert ws[budget.ASSUMPTION_CELLS["AsOfDate"]].value.date() == budget.EXAMPLE_AS_OF
    given = default_settings(AS_OF, pension_rate=0.185)
    staff, fig = read_and_compute(filled["table"], given)
    path = filled["folder"] / "given.xlsx"
    budget.write_filled(path, filled["table"], staff, fig, cost_centres=["Finance", "R&D*"])
    ws = _assumptions(path)
    assert "EXAMPLE" not in ws[budget.ASSUMPTION_CELLS["PensionRate"].replace("B", "C")].value
    assert "EXAMPLE" in ws[budget.ASSUMPTION_CELLS["PayAwardPct"].replace("B", "C")].value
    summary = _cached_grid(path, "Summary")  # the names given, but one SUMIFS cannot match
    assert [summary.get(f"A{FIRST + k}") for k in range(4)] == ["Finance", budget.NOT_IN_LIST, budget.TOTAL, None]


def _set_cell(path: Path, out: Path, sheet_xml: str, values: dict[str, float]) -> None:
    """Copy an xlsx, changing the value of some plain number cells of one sheet."""
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename == sheet_xml:
                xml = data.decode()
                for ref, value in values.items():
                    xml, k = re.subn(rf'(<c r="{ref}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{value!r}</v>", xml)
                    assert k == 1, ref
                data = xml.encode()
            w.writestr(item, data)


def test_new_rates_in_a_filled_copy_give_the_totals_of_compute_with_them(filled, calc):
    path = filled["folder"] / "rates.xlsx"
    _set_cell(filled["path"], path, "xl/worksheets/sheet2.xml",
              {budget.ASSUMPTION_CELLS["PensionRate"]: 0.185, budget.ASSUMPTION_CELLS["PayAwardPct"]: 0.045})
    book = calc.recalculate(path)
    staff, fig = read_and_compute(filled["table"], SETTINGS.with_(pension_rate=0.185, pay_award_pct=0.045))
    want = _summary_want(staff, fig, filled["names"])
    bad = _summary_mismatches(lambda r: book.cell("Summary", r), want)
    assert not bad, bad
    assert want[-1]["pay_cost_gbp"] != _summary_want(filled["staff"], filled["fig"], filled["names"])[-1][
        "pay_cost_gbp"]
    _, _, rows_want = expected(filled["rows"], SETTINGS.with_(pension_rate=0.185, pay_award_pct=0.045))
    bad = _mismatches(lambda r: book.column("Staff", r), rows_want, len(filled["rows"]),
                      keys=["pay_cost_gbp", "pension_gbp", "employer_ni_gbp", "total_cost_gbp", "leave_value_gbp"])
    assert not bad, bad[:5]


def test_write_filled_refuses_more_rows_than_the_template_holds():
    rows = [{"employee_id": f"E{i}"} for i in range(common.DATA_ROWS + 1)]
    table = _table(rows)
    staff = read_staff(table, AS_OF)
    fig = compute(staff, SETTINGS, table)
    with pytest.raises(ValueError, match="5,001 staff rows"):
        budget.write_filled(io.BytesIO(), table, staff, fig)


def test_summary_names_leaves_out_what_sumifs_cannot_match():
    ok, left = budget.summary_names(["Finance", "R&D*", "Q?", "~x", "=A", "<b", ">c", "x" * 256, "Ops"])
    assert ok == ["Finance", "Ops"] and len(left) == 7


# ---------------------------------------------------------------- the build (no LibreOffice)
def _built(rows=None) -> bytes:
    f = io.BytesIO()
    budget.build(f, rows)
    return f.getvalue()


def test_build_is_deterministic():
    assert _built() == _built()


def _sheet_xml(data: bytes, sheet_number: int) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(f"xl/worksheets/sheet{sheet_number}.xml").decode()


def test_every_staff_column_is_one_dynamic_array_without_implicit_intersection():
    data = _built()
    xml = _sheet_xml(data, 3)  # Staff
    cells = re.findall(r'<c r="([A-Z]+)5"([^>]*)><f([^>]*)>([^<]*)</f>', xml)
    by_col = {col: (attrs, fattrs, formula) for col, attrs, fattrs, formula in cells}
    for key in CALC_KEYS + PROBLEM_KEYS:
        letter = budget.staff_column_letter(key)
        attrs, fattrs, formula = by_col[letter]
        assert 'cm="1"' in attrs and 't="array"' in fattrs and f'ref="{letter}5:{letter}{LAST}"' in fattrs, key
        assert "@" not in formula and "_xlfn" not in formula, formula[:80]
        assert ("KENT_" in formula) == (key in KENT_COLUMNS), key
        assert len(html.unescape(formula)) < 8192, key  # Excel's limit for a formula
    assert "_xlfn" not in _sheet_xml(data, 4) and "_xlfn" not in _sheet_xml(data, 2)
    assert len(re.findall(r"<f[ >]", xml)) == len(CALC_KEYS + PROBLEM_KEYS)  # one formula per column
    for _, _, formula in by_col.values():
        code = re.sub(r'"(?:[^"]|"")*"', "", html.unescape(formula))  # string literals (the words) aside
        for literal in ("7.4", "37"):  # scheme constants come from the Assumptions names
            assert not re.search(rf"(?<![\d.$A-Z]){re.escape(literal)}(?![\d.])", code), literal


def test_the_reasons_come_from_staff_checks():
    """Every reason of staff_checks (but "row is blank") is in the formulas, word for word."""
    formulas = budget._Formulas(AS_OF).figures()
    text = "".join(formulas.values())
    for c in staff_checks(AS_OF):
        if c.field and (c.field, c.id) not in {("employee_id", "wrong_type"), ("grade", "wrong_type"),
                                               ("redeployed_grade", "wrong_type")}:
            assert '"; ' + c.reason.replace('"', '""') + '"' in formulas[f"problems_{c.field}"], c.reason
    assert "£1,000,000" in text and "366" in text


def test_the_person_sheet_shows_one_staff_row_and_its_explanations(test_copy):
    """The Person sheet, recalculated: the Employee ID it starts with (the first row OK and at
    risk), found on its Staff row, each line that row's figure as compute gives it, and each
    How line recalc's words for it (the KENT_ explain calls of the Staff sheet)."""
    book, rows, want = test_copy["book"], test_copy["rows"], test_copy["want"]
    i = next(k for k, r in enumerate(rows) if want["status"][k] == "OK" and want["notice_days"][k] != "")
    assert book.cell("Person", "B4") == rows[i]["employee_id"]
    assert book.cell("Person", "B5") == FIRST + i
    labels = {c.key: c.header for c in budget._STAFF_COLS}
    for k, (key, how) in enumerate(budget.PERSON_LINES):
        r = budget._PERSON_FIRST + k
        assert book.cell("Person", f"A{r}") == labels[key]
        shown = want[key][i] if key in want else rows[i].get(key, "")
        assert _same(book.cell("Person", f"B{r}"), "" if shown is None else shown), key
        if how:
            assert book.cell("Person", f"C{r}") == want[how][i] and want[how][i], how
    # every explained line of that person says something
    assert all(book.cell("Person", f"C{budget._PERSON_FIRST + k}") for k, (_, how) in enumerate(budget.PERSON_LINES)
               if how)


def test_the_inputs_are_the_staff_fields_and_the_figures_their_labels():
    assert [c.key for c in budget.INPUT_COLUMNS] == FIELDS
    assert [c.header for c in budget.INPUT_COLUMNS] == [f.label for f in STAFF_FIELDS]
    labels = {f.name: f.label for f in FIGURES}
    assert [c.header for c in budget.CALC_COLUMNS[1:]] == [labels[n] for n in budget.BUDGET_FIGURES] + \
        [h.label for h in STAFF_HOW]
    assert set(budget.KENT_FIGURES) == set(KENT_COLUMNS)
    for c in budget.CALC_COLUMNS + budget.PROBLEM_COLUMNS:
        assert c.header.casefold() in {r.casefold() for r in STAFF_SCHEMA.results}, c.header


def test_example_rows_are_all_ok_and_show_every_feature():
    rows = list(budget.EXAMPLE_ROWS)
    staff, fig, want = expected(rows)
    n = len(rows)
    assert want["status"] == ["OK"] * n
    assert 12 <= n <= 16
    hours = [r.get("weekly_hours") for r in rows]
    assert None in hours and any(h is not None and h < SETTINGS.full_time_weekly_hours for h in hours)
    lys, lye = (dt.date.fromisoformat(str(d)) for d in (SETTINGS.leave_year_start, SETTINGS.leave_year_end))
    assert any(lys <= r.get("employment_end", D(1900, 3, 1)) <= lye for r in rows)  # a leaver
    assert any(budget.EXAMPLE_AS_OF < r.get("employment_start", r["service_start"]) <= lye for r in rows)  # joiner
    year = want["leave_year_entitlement_days"]
    assert any(isinstance(v, float) and v not in (27.0, 29.0, 30.0) and want["fte"][i] == 1.0
               and want["year_share"][i] == 1.0 for i, v in enumerate(year))  # the uplift within the year
    assert {29.0, 30.0} <= set(year)
    at_risk = [i for i in range(n) if rows[i].get("at_risk") == "Yes"]
    assert any(want["service_years"][i] < 2 and want["redundancy_weeks"][i] == 0 for i in at_risk)
    assert any(want["service_years"][i] >= 20 for i in at_risk)
    assert any("multiplier" in rows[i] for i in at_risk)
    assert any(r.get("prior_sick_days") for r in rows)
    assert any(isinstance(v, float) and v < 0 for v in want["leave_untaken_days"])  # taken ahead of accrual
    casual = [i for i in range(n) if rows[i].get("contract_type") == "Casual"]
    assert casual and all(isinstance(want["leave_accrued_hours"][i], float) and rows[i].get("hours_worked")
                          for i in casual)
    assert {r["cost_centre"] for r in rows} == set(budget.EXAMPLE_COST_CENTRES)
    why = set(want["carry_over_limit_why"])  # the year-end carry-over: the usual limit and a leaver's
    assert len(why - {""}) == 2
    assert any(isinstance(v, float) and v > 0 for v in want["leave_lost_days"])
    assert _summary_want(staff, fig, _slots(budget.EXAMPLE_COST_CENTRES))[-2]["headcount"] == 0


def test_build_refuses_rows_it_cannot_place():
    with pytest.raises(ValueError, match="unknown field"):
        budget.build(io.BytesIO(), [{"employee_id": "E", "salary": 1}])
    with pytest.raises(ValueError, match="do not fit"):
        budget.build(io.BytesIO(), [{"employee_id": "E"}] * (common.DATA_ROWS + 1))


def test_the_default_redundancy_date_is_the_as_of_date():
    ws = _assumptions(io.BytesIO(_built()))
    assert ws[budget.ASSUMPTION_CELLS["RedundancyDate"]].value == ws[budget.ASSUMPTION_CELLS["AsOfDate"]].value


# ---------------------------------------------------------------- row independence
_DATES = st.one_of(st.none(), st.dates(D(1950, 1, 1), D(2030, 12, 31)), st.just("soon"), st.just(30.0))
_ROW = st.fixed_dictionaries({
    "cost_centre": st.sampled_from([*budget.EXAMPLE_COST_CENTRES, "finance", "Other", None]),
    "grade": st.sampled_from(["KR6", "kr 9", "KR13", "Apprentice", "KR Entry", "Manager", 6.0, "#N/A", None]),
    "contract_type": st.sampled_from([None, "Salaried", "Casual", "Relief", "Agency"]),
    "weekly_hours": st.one_of(st.none(), st.floats(0, 45), st.just("full")),
    "hours_worked": st.one_of(st.none(), st.floats(-10, 900)),
    "annual_salary": st.one_of(st.none(), st.floats(-100, 90_000), st.just("TBC")),
    "date_of_birth": _DATES, "service_start": _DATES, "employment_start": _DATES, "employment_end": _DATES,
    "prior_sick_days": st.one_of(st.none(), st.floats(0, 400), st.just("#N/A")),
    "at_risk": st.sampled_from(["Yes", "No", None, "maybe", "y", 1.0]),
    "multiplier": st.one_of(st.none(), st.floats(0.5, 3)),
    "leave_taken_days": st.one_of(st.none(), st.floats(-2, 40), st.just("x")),
    "leave_brought_forward_days": st.one_of(st.none(), st.floats(-2, 400), st.just("x")),
    "long_term_sick": st.sampled_from([None, "Yes", "No", "maybe", 1.0]),
    "deferral_agreed_days": st.one_of(st.none(), st.floats(-1, 40)),
})


def _unique(rows: list[dict]) -> list[dict]:
    return [{"employee_id": f"H{k}", **{f: v for f, v in r.items() if v is not None}} for k, r in enumerate(rows)]


@settings(max_examples=25, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_a_row_gives_the_same_status_and_figures_alone_and_inside_a_full_sheet(rows, rnd):
    rows = _unique(rows)
    positions = sorted(rnd.sample(range(common.DATA_ROWS), len(rows)))
    placed: list[dict] = [{} for _ in range(positions[-1] + 1)]
    for p, r in zip(positions, rows, strict=True):
        placed[p] = r
    _, _, whole = expected(placed)
    for p, r in zip(positions, rows, strict=True):
        _, _, alone = expected([r])
        for key, values in alone.items():
            assert _same(whole[key][p], values[0]) or whole[key][p] == values[0], (key, r, values[0], whole[key][p])


def test_a_row_alone_on_the_last_rows_of_libreoffices_sheet_gives_what_it_gives_alone(test_copy):
    """The LibreOffice check of row independence: the edge rows on the sheet's last rows (after
    4,500 blank rows) hold what each gives alone."""
    book, n = test_copy["book"], len(TAIL)
    for k, row in enumerate(test_copy["rows"][-n:]):
        _, _, alone = expected([row])
        for key in CALC_KEYS + PROBLEM_KEYS:
            got = book.cell("Staff", f"{budget.staff_column_letter(key)}{LAST - n + 1 + k}")
            assert _same(got, alone[key][0]), (key, row, got, alone[key][0])
    assert book.cell("Staff", f"{budget.staff_column_letter('status')}{LAST}") != ""
