"""Command line: ``xl-kent demo`` prints the four rules over the built-in sample.

``xl-kent demo`` applies KENT_LEAVE_ACCRUAL, KENT_SICKPAY, KENT_REDUNDANCY_WEEKS and
KENT_AWARD_OK (through the same core) to the small staff list and award log of
:mod:`xl_kent.sample`, and prints them as tables: one row per person or award, bad
rows with their Excel error value and the reason.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import numpy as np

from . import __version__, cells, sample
from .awards import award_ok, explain
from .errors import OK, excel_error, reason_text
from .leave import leave_accrual
from .money import round_pennies
from .redundancy import redundancy_pay_gbp, redundancy_weeks
from .sick_pay import sick_pay


def _column(rows: list[dict], key: str, kind: str) -> cells.Column:
    converter = {"date": cells.to_dates, "number": cells.to_numbers,
                 "text": cells.to_text, "bool": cells.to_bools}[kind]
    return converter([r[key] for r in rows])


def _fmt(value, error: int, kind: str = "num") -> str:
    if error != OK:
        return excel_error(error)
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if kind == "gbp":
        return f"£{value:,.2f}"
    if isinstance(value, str):
        return value
    return f"{value:g}"


def _table(headers: Sequence[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, rule, *body])


def _age_years(birth: np.ndarray, on: np.datetime64) -> np.ndarray:
    from .dates import MONTHS_PER_YEAR, complete_months

    months = complete_months(birth, on)
    return np.where(np.isnat(birth), np.nan, months // MONTHS_PER_YEAR)


def demo(out=sys.stdout) -> int:
    """Print the four functions over the built-in staff list and award log."""
    staff = sample.STAFF
    as_of = np.datetime64(sample.AS_OF)
    grade = _column(staff, "grade", "text").values
    service = _column(staff, "service_start", "date").values
    start = _column(staff, "start", "date").values
    end = _column(staff, "end", "date").values
    hours = _column(staff, "weekly_hours", "number").values
    worked = _column(staff, "hours_worked", "number").values
    salary_col = _column(staff, "salary", "number")
    salary = salary_col.values
    contract = np.array([r["contract"] for r in staff])
    salaried = contract == "salaried"

    unit = np.where(salaried, "days", contract)
    leave = leave_accrual(grade, service, as_of, np.where(salaried, hours, worked), start, end, unit)
    leave_hours = leave_accrual(grade, service, as_of, hours, start, end, "hours")

    sick = sick_pay(service, np.datetime64(sample.ABSENCE_START), sample.ABSENCE_DAYS, salary,
                    _column(staff, "prior_sick_days", "number").values)
    age = _age_years(_column(staff, "birth", "date").values, as_of)
    service_years = np.where(np.isnat(service), np.nan,
                             _age_years(service, as_of))
    mult = _column(staff, "multiplier", "number").values
    red = redundancy_weeks(age, service_years, np.where(np.isnan(mult), 1.0, mult))
    red_pay = round_pennies(redundancy_pay_gbp(red.weeks, salary))

    print(f"xl-kent {__version__} demo: Kent Scheme rules over the built-in staff list", file=out)
    print(f"Leave year to {sample.AS_OF:%d %B %Y}; modelled absence of {sample.ABSENCE_DAYS} days "
          f"from {sample.ABSENCE_START:%d %B %Y}.\n", file=out)
    rows, notes = [], []
    salary_bad = salary_col.status != cells.GOOD
    for i, r in enumerate(staff):
        is_casual_or_relief = not salaried[i]
        leave_txt = _fmt(leave.value[i], leave.error[i])
        if is_casual_or_relief and leave.error[i] == OK:
            leave_txt += f" h/{r['hours_worked']:g} h"
        rows.append([
            r["id"], r["name"], str(r["grade"]), r["contract"],
            leave_txt,
            "" if is_casual_or_relief else _fmt(leave_hours.value[i], leave_hours.error[i]),
            "" if is_casual_or_relief else _fmt(sick.full_pay_days[i], sick.error[i]),
            "" if is_casual_or_relief else _fmt(sick.half_pay_days[i], sick.error[i]),
            "" if is_casual_or_relief else ("#VALUE!" if salary_bad[i] else _fmt(sick.pay_gbp[i], sick.error[i], "gbp")),
            "" if is_casual_or_relief else _fmt(red.weeks[i], red.error[i]),
            "" if is_casual_or_relief else ("#VALUE!" if salary_bad[i] else _fmt(red_pay[i], red.error[i], "gbp")),
        ])
        for label, code in (("leave", leave.error[i]), ("sick pay", sick.error[i]), ("redundancy", red.error[i])):
            if code != OK and not (is_casual_or_relief and label != "leave"):
                notes.append(f"  {r['id']} {label}: {excel_error(code)} {reason_text(code)}")
        if salary_bad[i] and not is_casual_or_relief:
            notes.append(f"  {r['id']} salary: #VALUE! annual_salary is not a number ({r['salary']!r})")
    headers = ["Id", "Name", "Grade", "Contract", "Leave (days)", "Leave (h)",
               "Full-pay days", "Half-pay days", "Sick pay", "Red. weeks", "Red. pay"]
    print(_table(headers, rows), file=out)
    print("\nLeave: KENT_LEAVE_ACCRUAL (casual and relief: hours accrued on hours worked). "
          "Sick pay: KENT_SICKPAY.\nRedundancy: KENT_REDUNDANCY_WEEKS at actual weekly pay "
          "(with each person's enhancement multiplier).", file=out)
    if notes:
        print("\nRows with errors (the other rows are unaffected):", file=out)
        print("\n".join(dict.fromkeys(notes)), file=out)

    log = sample.AWARDS
    result = award_ok(
        _column(log, "employee", "text").values,
        _column(log, "date", "date").values,
        _column(log, "amount", "number").values,
        np.array([r["kind"] == "team" for r in log]),
        _column(log, "ref", "text").values,
        _column(log, "endorsed", "bool").values,
        _column(log, "ineligible", "bool").values,
    )
    words = explain(result.rule, result.error)
    arows = []
    for i, r in enumerate(log):
        arows.append([
            r["employee"], f"{r['date']:%d/%m/%Y}",
            "" if r["amount"] is None else f"£{r['amount']:,.2f}", r["kind"], r["ref"],
            _fmt(result.ok[i], result.error[i]),
            "" if result.error[i] != OK else f"£{result.rolling_total_gbp[i]:,.2f}",
            str(words[i]),
        ])
    print("\nAward log: KENT_AWARD_OK over the whole log\n", file=out)
    print(_table(["Employee", "Date", "Amount", "Kind", "Work", "OK?", "12-month total", "Why"],
                 arows), file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="xl-kent",
        description="Kent County Council's Kent Scheme employment rules, from the command line.",
    )
    parser.add_argument("--version", action="version", version=f"xl-kent {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("demo", help="print the four functions over the built-in staff list and award log",
                   description="Print KENT_LEAVE_ACCRUAL, KENT_SICKPAY, KENT_REDUNDANCY_WEEKS and "
                               "KENT_AWARD_OK over the built-in sample staff list and award log.")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return demo()
        parser.print_help()
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (keep Python's exit flush quiet)
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
