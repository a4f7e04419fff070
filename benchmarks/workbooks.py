"""The template workbooks at full size: ``python3 -m benchmarks.workbooks [--rows 5000]``.

For each template, with a synthetic staff list / award log of ``--rows`` rows (the
templates' full 5,000 by default):

* **compute**: the one computation the commands and the filled copies use
  (:func:`xl_kent.lists.figures.compute`, :func:`xl_kent.lists.award_log.judge` with
  :func:`xl_kent.lists.monitoring.monitoring`) over the whole list, against a plain per-row
  loop (the same call on one row at a time, as one formula per row would; timed on a sample
  and scaled);
* **fill**: ``xl-kent fill`` end to end (read the file, compute, write the workbook);
* **LibreOffice**: the formula template with the rows, loaded and fully recalculated
  (``calculateAll``) in a headless LibreOffice 25.2 with the xl-kent extension, and every
  calculated cell of the data sheet compared with the computation (a fast wrong answer
  cannot pass). Skipped, with the reason, where LibreOffice is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from workbooks import awards, budget, common
from xl_kent.files.reading import Table
from xl_kent.lists import monitoring
from xl_kent.lists.award_log import AWARD_SCHEMA, judge, read_award_log
from xl_kent.lists.figures import STAFF_SCHEMA, default_settings, read_and_compute
from xl_kent.lists.source import read_list
from xl_kent_cli import cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import lo_calc  # noqa: E402  (the tests' LibreOffice helper)

AS_OF = "2027-03-31"


def _timed(f, *args, **kwargs):
    t0 = time.perf_counter()
    out = f(*args, **kwargs)
    return out, time.perf_counter() - t0


def _rows_of(table: Table, rows: range) -> Table:
    return Table(table.headers, [c[rows.start:rows.stop] for c in table.columns], table.first_row, table.sheet,
                 table.kind)


def _same(got, want) -> bool:
    """A cell LibreOffice calculated against compute's value (as tests/test_workbook_budget.py
    compares them: nan and None are a blank cell)."""
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got in ("", None)
    if isinstance(want, bool):
        return got in (want, float(want))
    if isinstance(want, str):
        return got == want or (want == "" and got is None)
    return isinstance(got, float) and abs(got - want) <= 1e-6 * max(1.0, abs(want))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks.workbooks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=common.DATA_ROWS, help="rows per workbook (default 5,000)")
    parser.add_argument("--per-row-sample", type=int, default=100, help="rows timed one at a time (default 100)")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the LibreOffice recalculation")
    args = parser.parse_args(argv)
    n = args.rows
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        staff_file, log_file = tmp / "staff.xlsx", tmp / "awards.xlsx"
        cli.main(["sample", "--rows", str(n), "-o", str(staff_file), "--awards", str(tmp / "a.xlsx"), "--seed", "3"])
        cli.main(["sample", "--rows", str(n * 4), "-o", str(tmp / "s4.xlsx"), "--awards", str(log_file),
                  "--seed", "4"])
        staff_list = read_list(staff_file, STAFF_SCHEMA)
        log_list = read_list(log_file, AWARD_SCHEMA)
        log_table = _rows_of(log_list.table, range(0, n))
        settings = default_settings(AS_OF)
        award_settings = awards.default_settings(awards.EXAMPLE_AS_OF)
        print(f"{staff_list.table.n_rows:,} staff rows, {log_table.n_rows:,} award rows")
        print(f"{'step':<52}{'time':>10}{'rows/s':>12}")

        def line(label, seconds, rows):
            print(f"{label:<52}{seconds:>9.3f}s{rows / seconds:>12,.0f}")

        (staff, fig), t_staff = _timed(read_and_compute, staff_list.table, settings)
        line("staff: read, check and compute, one call", t_staff, staff.n_rows)
        k = min(args.per_row_sample, staff.n_rows)
        _, t_loop = _timed(lambda: [read_and_compute(_rows_of(staff_list.table, range(i, i + 1)), settings)
                                    for i in range(k)])
        t_loop_all = t_loop / k * staff.n_rows
        line(f"staff: the same per row (scaled from {k})", t_loop_all, staff.n_rows)
        print(f"{'  ratio per-row / one call':<52}{t_loop_all / t_staff:>9.0f}x")

        def award_figures(table):
            log = read_award_log(table)
            j = judge(log, table)
            return log, j, monitoring.monitoring(log, j, award_settings)

        (log, j, _m), t_awards = _timed(award_figures, log_table)
        line("awards: read, judge and monitor, one call", t_awards, log.n_rows)

        quiet = contextlib.redirect_stdout(io.StringIO())
        with quiet:
            _, t_fill = _timed(cli.main, ["fill", "budget", "--staff", str(staff_file), "-o", str(tmp / "budget_filled.xlsx"),
                                          "--as-of", AS_OF, "--pension-rate", "20", "--pay-award", "3"])
        line("xl-kent fill budget (read, compute, write)", t_fill, staff.n_rows)
        with contextlib.redirect_stdout(io.StringIO()):
            _, t_fill = _timed(cli.main, ["fill", "awards", "--log", str(log_file), "-o",
                                          str(tmp / "awards_filled.xlsx")])
        line("xl-kent fill awards (read, judge, write)", t_fill, log_list.table.n_rows)

        if args.no_libreoffice:
            return 0
        reason = lo_calc.unavailable_reason()
        if reason:
            print(f"LibreOffice: skipped ({reason})")
            return 0
        rows = _template_rows(staff_list.table, staff)
        with lo_calc.Calc.started(tmp / "lo") as calc:
            path = tmp / f"formulas_{budget.FILE_NAME}"
            common.save_atomically(path, lambda f: budget.build(f, rows, settings))
            book = calc.recalculate(path)
            line("LibreOffice Staff: load (computes once)", book.load_seconds, len(rows))
            line("LibreOffice Staff: calculateAll", book.calc_seconds, len(rows))
            _, want = read_and_compute(budget.staff_table(rows), settings)
            bad = 0
            for c in budget.CALC_COLUMNS:
                if c.key not in want.values:
                    continue
                letter = budget.staff_column_letter(c.key)
                got = book.column("Staff", f"{letter}{common.FIRST_ROW}:{letter}{common.FIRST_ROW + len(rows) - 1}")
                values = want.values[c.key]
                if c.key.startswith("redundancy"):
                    values = np.where(want.at_risk, values, np.nan)
                values = values.tolist()
                if c.key == "unreduced_pension":  # the template writes the flag as Yes / No
                    values = [{True: "Yes", False: "No"}.get(x, "") for x in values]
                bad += sum(not _same(g, w) for g, w in zip(got, values, strict=True))
            print(f"  Staff: {len(budget.CALC_COLUMNS)} columns x {len(rows):,} rows checked, {bad} differ from "
                  "the computation")
            path = tmp / f"formulas_{awards.FILE_NAME}"
            common.save_atomically(path, lambda f: awards.build(f, _award_rows(log_table, log), award_settings))
            book = calc.recalculate(path)
            line("LibreOffice Award log: load (computes once)", book.load_seconds, log.n_rows)
            line("LibreOffice Award log: calculateAll", book.calc_seconds, log.n_rows)
    return 0


def _template_rows(table: Table, staff) -> list[dict]:
    """The staff list as rows for the template (each field's cells as the layer read them)."""
    from workbooks.budget import STAFF_FIELDS

    out = []
    for i in range(staff.n_rows):
        row = {}
        for f in STAFF_FIELDS:
            col = staff.columns.fields.get(f.name)
            if col is None:
                continue
            v = table.columns[col][i]
            if v is not None:
                row[f.name] = v
        out.append(row)
    return out


def _award_rows(table: Table, log) -> list[dict]:
    from xl_kent.lists.award_log import AWARD_FIELDS

    out = []
    for i in range(log.n_rows):
        row = {}
        for f in AWARD_FIELDS:
            col = log.columns.fields.get(f.name)
            if col is not None and table.columns[col][i] is not None:
                v = table.columns[col][i]
                row[f.name] = ("Yes" if v else "No") if isinstance(v, bool) else v
        out.append(row)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
