"""The template workbooks at full size: ``python3 -m benchmarks.workbooks [--rows 5000]``.

For each template, with a synthetic staff list / award log of ``--rows`` rows (the
templates' full 5,000 by default):

* **model**: every calculated cell of the workbook computed in Python (one call per column,
  as the template's formulas are), against a plain per-row loop (the model called on one
  row at a time, as one formula per row would; timed on a sample and scaled);
* **fill**: ``xl-kent fill`` end to end (read the file, compute, write the workbook);
* **LibreOffice**: the formula template filled with the rows, loaded and fully recalculated
  (``calculateAll``) in a headless LibreOffice 25.2 with the xl-kent extension, and every
  calculated column of the data sheet compared with the model (a fast wrong answer cannot
  pass). Skipped, with the reason, where LibreOffice is missing.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from xlsxwriter.utility import xl_col_to_name

from workbooks import awards, budget, common
from xl_kent_cli import cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import lo_calc  # noqa: E402  (the tests' LibreOffice helper)

AS_OF = "2027-03-31"


def _timed(f, *args, **kwargs):
    t0 = time.perf_counter()
    out = f(*args, **kwargs)
    return out, time.perf_counter() - t0


def _same(got, want) -> bool:
    if isinstance(want, bool):
        return got in (want, float(want))
    if isinstance(want, str):
        return got == want
    return isinstance(got, float) and abs(got - want) <= 1e-6 * max(1.0, abs(want))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks.workbooks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=common.DATA_ROWS, help="rows per workbook (default 5,000)")
    parser.add_argument("--per-row-sample", type=int, default=200, help="rows timed one at a time (default 200)")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice recalculation")
    args = parser.parse_args(argv)
    n = args.rows
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        staff_file, log_file = tmp / "staff.xlsx", tmp / "awards.xlsx"
        cli.main(["sample", "--rows", str(n), "-o", str(staff_file), "--awards", str(tmp / "a.xlsx"), "--seed", "3"])
        cli.main(["sample", "--rows", str(n * 4), "-o", str(tmp / "s4.xlsx"), "--awards", str(log_file),
                  "--seed", "4"])
        staff_rows, _ = budget.read_staff_rows(staff_file)
        log_rows, _ = awards.read_award_rows(log_file)
        log_rows = log_rows[:n]
        assumptions = budget.default_assumptions(budget.EXAMPLE_AS_OF)
        settings = awards.default_settings(awards.EXAMPLE_AS_OF)
        print(f"{len(staff_rows):,} staff rows, {len(log_rows):,} award rows")
        print(f"{'step':<44}{'time':>10}{'rows/s':>12}")

        def line(label, seconds, rows):
            print(f"{label:<44}{seconds:>9.3f}s{rows / seconds:>12,.0f}")

        bm, t_budget = _timed(budget.model, staff_rows, assumptions)
        line("budget model, one call per column", t_budget, len(staff_rows))
        k = min(args.per_row_sample, len(staff_rows))
        _, t_loop = _timed(lambda: [budget.model([r], assumptions, data_rows=1) for r in staff_rows[:k]])
        t_loop_all = t_loop / k * len(staff_rows)
        line(f"budget model, per-row loop (scaled from {k})", t_loop_all, len(staff_rows))
        print(f"{'  ratio per-row / per-column':<44}{t_loop_all / t_budget:>9.0f}x")
        am, t_awards = _timed(awards.model, log_rows, settings)
        line("award model, one call per column", t_awards, len(log_rows))

        sink = io.StringIO()
        _, t = _timed(budget.fill, staff_file, tmp / "budget_filled.xlsx", as_of=budget.EXAMPLE_AS_OF,
                      out=sink, err=sink)
        line("xl-kent fill budget (read, compute, write)", t, len(staff_rows))
        _, t = _timed(awards.fill, log_file, tmp / "awards_filled.xlsx", out=sink, err=sink)
        line("xl-kent fill awards (read, compute, write)", t, len(log_rows))

        if args.no_libreoffice:
            return 0
        reason = lo_calc.unavailable_reason()
        if reason:
            print(f"LibreOffice: skipped ({reason})")
            return 0
        with lo_calc.Calc.started(tmp / "lo") as calc:
            for module, rows, sheet, values, extra in (
                (budget, staff_rows, "Staff", bm.staff, assumptions),
                (awards, log_rows, "Award log", am.log, settings),
            ):
                path = tmp / f"formulas_{module.FILE_NAME}"
                common.save_atomically(path, lambda f, module=module, rows=rows, extra=extra: module.build(f, rows, extra))
                book = calc.recalculate(path)
                line(f"LibreOffice {sheet}: load (computes once)", book.load_seconds, len(rows))
                line(f"LibreOffice {sheet}: calculateAll", book.calc_seconds, len(rows))
                first = len(module.INPUT_COLUMNS)
                bad = 0
                for j, col in enumerate(module.CALC_COLUMNS, first):
                    letter = xl_col_to_name(j)
                    got = book.column(sheet, f"{letter}{common.FIRST_ROW}:{letter}{common.FIRST_ROW + common.DATA_ROWS - 1}")
                    bad += sum(not _same(g, w) for g, w in zip(got, values[col.key], strict=True))
                print(f"  {sheet}: {len(module.CALC_COLUMNS)} columns x {common.DATA_ROWS:,} rows checked, "
                      f"{bad} differ from the model")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
