"""Command line: ``xl-kent recalc``, ``awards``, ``fill``, ``template``, ``sample`` and ``demo``.

* ``xl-kent recalc STAFF.xlsx --as-of 31/03/2027`` recalculates a whole staff list
  (leave, sick pay, redundancy per row) into ``STAFF.recalc.xlsx``;
* ``xl-kent awards LOG.xlsx`` checks an award log with KENT_AWARD_OK on every row;
* ``xl-kent fill budget --staff staff.xlsx -o budget.xlsx`` writes a filled copy of a
  template workbook with the values the core computes (no add-in needed to open it);
* ``xl-kent template budget -o my_budget.xlsx`` writes a copy of a blank template;
* ``xl-kent sample --rows 1000 -o staff.xlsx`` writes a synthetic staff list;
* ``xl-kent demo`` does all three on a small sample and shows the result.

See ``docs/bulk.md`` and ``docs/workbooks.md``. The heavy work is in :mod:`xl_kent.bulk`, imported only when a
command runs (``import xl_kent_cli.cli`` stays light and needs no spreadsheet library).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from xl_kent import __version__

EXIT_CODES = """exit codes:
  0  output written, every row OK
  1  output written, some rows have problems (listed on the Errors sheet and in the
     status column{awards})
  2  usage error, unreadable or empty input, missing column: nothing written
  3  output refused (it is the input file) or could not be written: nothing written"""


def _date(text: str) -> np.datetime64:
    """An ``--as-of`` date: ISO 2027-03-31 or UK 31/03/2027 (never US month/day)."""
    from xl_kent.cells import GOOD
    from xl_kent.lists.staff import _date_from_text

    days, status = _date_from_text(text)
    if status != GOOD:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (write 2027-03-31 or 31/03/2027)")
    return np.datetime64(days, "D")


def _rows(text: str) -> int:
    try:
        n = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return n


def _days(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (1 <= v < 10_000):
        raise argparse.ArgumentTypeError("must be at least 1 calendar day")
    return v


def _table(headers: Sequence[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, rule, *body])


def _cell(v, money: bool = False) -> str:
    import datetime as dt

    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, float):
        if money:
            return f"{v:,.2f}"
        return str(int(v)) if v.is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")
    return str(v)


def cmd_recalc(args, out, err) -> int:
    from . import recalc

    return recalc.run(args.input, args.as_of, args.output, args.absence_days, args.map, args.sheet, out, err)


def cmd_awards(args, out, err) -> int:
    from . import awards as award_log

    return award_log.run(args.input, args.output, args.map, args.sheet, out, err)


def _percent(text: str) -> float:
    """A ``--pay-award`` percentage: ``3.5`` or ``3.5%`` -> 0.035."""
    try:
        v = float(text.strip().rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage (write 3.5 for 3.5%)") from None
    if not (-50 <= v <= 100):
        raise argparse.ArgumentTypeError("must be a percentage between -50 and 100")
    return v / 100


def _as_date(d):
    import datetime as dt

    return None if d is None else dt.date.fromisoformat(str(d))


def cmd_fill(args, out, err) -> int:
    if args.template == "budget":
        from workbooks import budget

        return budget.fill(args.staff, args.output, as_of=_as_date(args.as_of), absence_days=args.absence_days,
                           pay_award=args.pay_award, maps=args.map, sheet=args.sheet, out=out, err=err)
    from workbooks import awards

    return awards.fill(args.log, args.output, maps=args.map, sheet=args.sheet,
                       period_start=_as_date(args.period_from), period_end=_as_date(args.period_to),
                       out=out, err=err)


def cmd_template(args, out, err) -> int:
    from workbooks.build import template_path
    from xl_kent.files.writing import OutputFileError

    from . import recalc

    source = template_path(args.template)
    target = Path(args.output or source.name)
    if target.exists() and not args.force:
        print(f"xl-kent template: error: {target} exists: refusing to replace it (use --force)", file=err)
        return recalc.EXIT_OUTPUT
    try:
        from workbooks.common import save_atomically

        save_atomically(target, lambda f: f.write(source.read_bytes()), input_path=source)
    except OutputFileError as e:
        print(f"xl-kent template: error: {e}", file=err)
        return recalc.EXIT_OUTPUT
    print(f"{target}: blank {args.template} template (see its How to use sheet)", file=out)
    return 0


def cmd_sample(args, out, err) -> int:
    from xl_kent.files.writing import OutputFileError
    from xl_kent.lists import synth

    from . import recalc
    from .progress import Progress

    targets = [Path(args.output)] + ([Path(args.awards)] if args.awards else [])
    for p in targets:
        if p.suffix.lower() not in (".xlsx", ".csv"):
            print(f"xl-kent sample: error: {p}: the name must end in .xlsx or .csv", file=err)
            return recalc.EXIT_USAGE
        if p.exists() and not args.force:
            print(f"xl-kent sample: error: {p} exists: refusing to replace it with synthetic data "
                  "(use --force)", file=err)
            return recalc.EXIT_OUTPUT
    try:
        s = synth.staff_sample(args.rows, args.bad, args.seed, args.as_of)
    except ValueError as e:
        print(f"xl-kent sample: error: {e}", file=err)
        return recalc.EXIT_USAGE
    try:
        with Progress(f"writing {targets[0].name}", args.rows, stream=err) as bar:
            synth.write_sample(targets[0], s, "Staff", bar)
        print(f"{targets[0]}: {synth.describe_sample(s, args.as_of)}", file=out)
        if args.awards:
            a = synth.award_sample(s.columns[0], max(1, args.rows // 4), args.seed, args.as_of)
            synth.write_sample(targets[1], a, "Awards")
            print(f"{targets[1]}: {len(a.columns[0]):,} synthetic award rows", file=out)
    except OutputFileError as e:
        print(f"xl-kent sample: error: {e}", file=err)
        return recalc.EXIT_OUTPUT
    return 0


#: Columns of the recalculated list shown by ``xl-kent demo``.
_DEMO_COLUMNS = ["Employee ID", "Grade", "Weekly Hours", "leave_year_entitlement_days", "leave_accrued_hours",
                 "sick_absence_cost_gbp", "redundancy_weeks", "redundancy_pay_gbp", "status"]


def demo(out=None, rows: int = 200, bad: int = 6, folder=None, err=None) -> int:
    """Generate a small synthetic staff list and award log, recalculate and check them, show it."""
    from xl_kent.files.reading import read_table
    from xl_kent.lists import synth

    from . import awards as award_log
    from . import recalc

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    with tempfile.TemporaryDirectory(prefix="xl-kent-demo-") as tmp:
        where = Path(folder) if folder else Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        staff_path, awards_path = where / "staff.xlsx", where / "awards.xlsx"
        names = ("staff.xlsx", "awards.xlsx", "staff.recalc.xlsx", "awards.checked.xlsx", "budget.xlsx",
                 "award_tracking.xlsx")
        there = [n for n in names if (where / n).exists()]
        if there:
            print(f"xl-kent demo: error: {where} already has {', '.join(there)}: choose an empty folder",
                  file=err)
            return recalc.EXIT_OUTPUT
        as_of = synth.SAMPLE_AS_OF
        s = synth.staff_sample(rows, bad, seed=2027, as_of=as_of)
        synth.write_sample(staff_path, s, "Staff")
        a = synth.award_sample(s.columns[0], max(10, rows // 5), seed=2027, as_of=as_of)
        synth.write_sample(awards_path, a, "Awards")
        print(f"xl-kent {__version__} demo: Kent Scheme rules over a whole staff list\n", file=out)
        print(f"$ xl-kent sample --rows {rows} --bad {bad} -o staff.xlsx --awards awards.xlsx", file=out)
        print(f"{synth.describe_sample(s, as_of)}\n", file=out)
        print(f"$ xl-kent recalc staff.xlsx --as-of {str(as_of)}", file=out)
        code = recalc.run(staff_path, as_of, out=out, err=err)
        if code not in (recalc.EXIT_OK, recalc.EXIT_PROBLEMS):
            return code
        result = staff_path.with_name("staff.recalc.xlsx")
        staff = read_table(result)
        idx = [staff.headers.index(h) for h in _DEMO_COLUMNS]
        first = [[_cell(staff.columns[i][r], _DEMO_COLUMNS[k].endswith("_gbp")) for k, i in enumerate(idx)]
                 for r in range(min(8, staff.n_rows))]
        print("\nFirst rows of staff.recalc.xlsx (some of its columns):\n", file=out)
        print(_table(["id", "grade", "hours", "leave yr days", "accrued h", "sick cost £", "red. weeks",
                      "red. pay £", "status"], first), file=out)
        errors = read_table(result, sheet="Errors")
        body = [[_cell(errors.columns[i][r]) for i in range(len(errors.headers))] for r in range(errors.n_rows)]
        print("\nErrors sheet (the bad rows seeded on purpose; every other row computed):\n", file=out)
        print(_table(errors.headers, body), file=out)
        print("\n$ xl-kent awards awards.xlsx", file=out)
        code = award_log.run(awards_path, out=out, err=err)
        if code not in (recalc.EXIT_OK, recalc.EXIT_PROBLEMS):
            return code
        log = read_table(awards_path.with_name("awards.checked.xlsx"))
        ok = log.columns[log.headers.index("award_ok")]
        cols = [log.headers.index(h) for h in ("Employee ID", "Award Date", "Amount", "Kind", "Work Reference",
                                               "rolling_12_month_total_gbp", "reason")]
        flagged = [[_cell(log.columns[i][r], k in (2, 5)) for k, i in enumerate(cols)]
                   for r in range(log.n_rows) if ok[r] is False][:8]
        if flagged:
            print("\nAwards outside the scheme:\n", file=out)
            print(_table(["employee", "date", "amount £", "kind", "work", "12-month £", "reason"], flagged),
                  file=out)
        print(f"\n$ xl-kent fill budget --staff staff.xlsx -o budget.xlsx --as-of {str(as_of)}", file=out)
        from workbooks import awards as award_template
        from workbooks import budget

        # the fill warnings are part of the story here: shown on stdout with the rest
        code = budget.fill(staff_path, where / "budget.xlsx", as_of=_as_date(as_of), out=out, err=out)
        if code not in (recalc.EXIT_OK, recalc.EXIT_PROBLEMS):
            return code
        print("\n$ xl-kent fill awards --log awards.xlsx -o award_tracking.xlsx", file=out)
        code = award_template.fill(awards_path, where / "award_tracking.xlsx", period_end=_as_date(as_of),
                                   out=out, err=out)
        if code not in (recalc.EXIT_OK, recalc.EXIT_PROBLEMS):
            return code
        if folder:
            print(f"\nFiles are in {where}", file=out)
        else:
            print("\n(The files were written to a temporary folder, now removed: `xl-kent demo --dir DIR` "
                  "keeps them.)", file=out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="xl-kent", formatter_class=fmt,
        description="Kent County Council's Kent Scheme employment rules, from the command line.",
        epilog="examples:\n  xl-kent demo\n  xl-kent recalc staff.xlsx --as-of 31/03/2027\n"
               "  xl-kent awards awards.xlsx\n  xl-kent fill budget --staff staff.xlsx -o budget_2026.xlsx\n"
               "  xl-kent sample --rows 10000 --bad 20 -o staff.xlsx\n\n"
               "`xl-kent COMMAND --help` describes each command; docs/bulk.md has the details.",
    )
    parser.add_argument("--version", action="version", version=f"xl-kent {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "recalc", formatter_class=fmt, help="recalculate a whole staff list (leave, sick pay, redundancy)",
        description="Recalculate every row of a staff list (xlsx or CSV): annual leave for the leave year "
                    "and accrued to the as-of date (days and hours), sick pay allowance left and the cost of "
                    "a modelled absence, redundancy weeks and pay. Writes a new file with the original columns "
                    "untouched and the results beside them, an Errors sheet and a Summary sheet.",
        epilog="columns (matched ignoring case, spaces and punctuation; aliases in docs/bulk.md):\n"
               "  required: employee_id, grade, annual_salary, date_of_birth, service_start\n"
               "  optional: name, cost_centre, contract_type, weekly_hours, hours_worked,\n"
               "            employment_start, employment_end, prior_sick_days, multiplier\n\n"
               "examples:\n  xl-kent recalc staff.xlsx --as-of 31/03/2027\n"
               "  xl-kent recalc staff.csv --as-of 2027-03-31 --absence-days 60 -o results.xlsx\n"
               '  xl-kent recalc staff.xlsx --as-of 31/03/2027 --map "Pay=annual_salary" --map "Born=dob"\n\n'
               + EXIT_CODES.format(awards=""),
    )
    p.add_argument("input", metavar="STAFF", help="staff list, .xlsx or .csv")
    p.add_argument("--as-of", required=True, type=_date, metavar="DATE",
                   help="date to calculate on: 2027-03-31 or 31/03/2027 (day/month/year)")
    from .recalc import DEFAULT_ABSENCE_DAYS

    p.add_argument("--absence-days", type=_days, default=DEFAULT_ABSENCE_DAYS, metavar="N",
                   help=f"calendar days of the modelled sickness absence from the as-of date "
                        f"(default {DEFAULT_ABSENCE_DAYS})")
    _common(p, "STAFF.recalc.xlsx (STAFF.recalc.csv for a CSV)")
    p.set_defaults(run=cmd_recalc)

    p = sub.add_parser(
        "awards", formatter_class=fmt, help="check an award log with KENT_AWARD_OK on every row",
        description="Check every row of a cash award log (xlsx or CSV) against the whole log with "
                    "KENT_AWARD_OK, and write the log back with award_ok, reason, the employee's rolling "
                    "12-month total and the team award total beside it, plus Errors and Summary sheets.",
        epilog="columns: employee_id, award_date, amount (required); kind (team/individual),\n"
               "  work_ref, endorsed, ineligible (optional)\n\n"
               "examples:\n  xl-kent awards awards.xlsx\n  xl-kent awards awards.csv -o checked.xlsx\n\n"
               + EXIT_CODES.format(awards=", or some awards are outside the scheme"),
    )
    p.add_argument("input", metavar="LOG", help="award log, .xlsx or .csv")
    _common(p, "LOG.checked.xlsx (LOG.checked.csv for a CSV)")
    p.set_defaults(run=cmd_awards)

    p = sub.add_parser(
        "fill", formatter_class=fmt, help="write a filled copy of a template workbook, values computed by the core",
        description="Write a copy of a template workbook filled with a staff list or an award log, with every "
                    "KENT_ result computed by xl-kent and written as a value: the same numbers as the "
                    "template's formulas, and it opens in any Excel without Python or the add-in. "
                    "Summary and Monitoring keep their ordinary formulas. The input is never changed; the "
                    "output is written whole or not at all.",
        epilog="examples:\n  xl-kent fill budget --staff staff.xlsx -o budget_2026.xlsx\n"
               "  xl-kent fill budget --staff staff.csv --as-of 31/03/2027 --pay-award 3.2 -o budget.xlsx\n"
               "  xl-kent fill awards --log awards.xlsx -o awards_checked.xlsx\n\n"
               "columns are matched like `xl-kent recalc` (docs/bulk.md); docs/workbooks.md has the details.\n\n"
               + EXIT_CODES.format(awards=""),
    )
    fill = p.add_subparsers(dest="template", metavar="TEMPLATE", required=True)
    q = fill.add_parser("budget", formatter_class=fmt, help="the budget planning workbook, from a staff list",
                        description="Fill the budget planning workbook from a staff list (xlsx or CSV).")
    q.add_argument("--staff", required=True, metavar="FILE", help="staff list, .xlsx or .csv")
    q.add_argument("-o", "--output", required=True, metavar="OUT", help="workbook to write (.xlsx)")
    q.add_argument("--as-of", type=_date, metavar="DATE",
                   help="as-of date: 2027-03-31 or 31/03/2027 (default: today); its leave year is budgeted")
    q.add_argument("--absence-days", type=_days, metavar="N",
                   help="calendar days of the modelled sickness absence (default: the template's)")
    q.add_argument("--pay-award", type=_percent, metavar="PCT",
                   help="pay award from 1 April, in percent: 3.5 (default: the template's)")
    _map_and_sheet(q)
    q.set_defaults(run=cmd_fill)
    q = fill.add_parser("awards", formatter_class=fmt, help="the award tracking workbook, from an award log",
                        description="Fill the award tracking workbook from an award log (xlsx or CSV).")
    q.add_argument("--log", required=True, metavar="FILE", help="award log, .xlsx or .csv")
    q.add_argument("-o", "--output", required=True, metavar="OUT", help="workbook to write (.xlsx)")
    q.add_argument("--from", dest="period_from", type=_date, metavar="DATE",
                   help="first day of the monitoring period (default: 12 months before --to)")
    q.add_argument("--to", dest="period_to", type=_date, metavar="DATE",
                   help="last day of the monitoring period (default: today)")
    _map_and_sheet(q)
    q.set_defaults(run=cmd_fill)

    p = sub.add_parser(
        "template", formatter_class=fmt, help="write a copy of a blank template workbook",
        description="Write a copy of the blank budget planning or award tracking template (with its example "
                    "rows) to fill in Excel or LibreOffice with the KENT_ functions set up.",
        epilog="examples:\n  xl-kent template budget -o my_budget.xlsx\n  xl-kent template awards",
    )
    p.add_argument("template", choices=["budget", "awards"], help="which template")
    p.add_argument("-o", "--output", metavar="OUT", help="file to write (default: the template's own name)")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    p.set_defaults(run=cmd_template)

    from xl_kent.lists.synth import SAMPLE_AS_OF, SAMPLE_ROWS

    p = sub.add_parser(
        "sample", formatter_class=fmt, help="write a synthetic staff list (and award log)",
        description="Write a realistic synthetic staff list: grades, salaries within invented grade ranges, "
                    "ages, service, part-time staff, casual and relief workers, joiners and leavers. "
                    "--bad K seeds K deliberately bad rows (blank date, text salary, impossible age, unknown "
                    "grade, duplicate id, end before start). The same --seed gives the same file.",
        epilog="examples:\n  xl-kent sample --rows 1000 -o staff.xlsx\n"
               "  xl-kent sample --rows 1000000 --bad 50 -o staff.csv --awards awards.csv",
    )
    p.add_argument("--rows", type=_rows, default=SAMPLE_ROWS, metavar="N", help=f"rows to write (default {SAMPLE_ROWS})")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="staff list to write, .xlsx or .csv")
    p.add_argument("--bad", type=_rows, default=0, metavar="K", help="deliberately bad rows (default 0)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--awards", metavar="FILE", help="also write an award log for these staff (.xlsx or .csv)")
    p.add_argument("--as-of", type=_date, default=SAMPLE_AS_OF, metavar="DATE",
                   help=f"date the sample is made for (default {SAMPLE_AS_OF})")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(run=cmd_sample)

    p = sub.add_parser(
        "demo", formatter_class=fmt, help="sample + recalc + awards + fill on a small list, and show the result",
        description="Write a 200-row synthetic staff list with a few bad rows and an award log, run "
                    "`xl-kent recalc` and `xl-kent awards` on them, fill both template workbooks with them "
                    "(`xl-kent fill`), and print the summaries, the first rows and the Errors sheet.",
        epilog="examples:\n  xl-kent demo\n  xl-kent demo --dir demo-files",
    )
    p.add_argument("--dir", metavar="DIR", help="keep the files in DIR (default: a temporary folder)")
    p.set_defaults(run=lambda args, out, err: demo(out, folder=args.dir, err=err))
    return parser


def _common(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument("-o", "--output", metavar="OUT", help=f"file to write, .xlsx or .csv (default {default_out})")
    _map_and_sheet(p)


def _map_and_sheet(p: argparse.ArgumentParser) -> None:
    p.add_argument("--map", action="append", metavar='"HEADER=field"',
                   help="read a column with another header as a field; repeatable or comma separated")
    p.add_argument("--sheet", metavar="NAME", help="worksheet to read (default: the first)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.run(args, sys.stdout, sys.stderr)
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (keep Python's exit flush quiet)
        return 0
    except KeyboardInterrupt:
        print("xl-kent: interrupted; no output file was left half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
