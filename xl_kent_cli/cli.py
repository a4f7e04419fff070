"""The ``xl-kent`` command line: ``recalc``, ``awards``, ``absences``, ``fill``, ``template``, ``sample``, ``lite`` and ``demo``.

* ``xl-kent recalc STAFF.xlsx --as-of 31/03/2027`` computes every per-person figure of a
  staff list (leave, sick pay of a modelled absence, redundancy, pay and on-costs) into
  ``STAFF.recalc.xlsx``;
* ``xl-kent awards LOG.xlsx`` judges an award log with KENT_AWARD_OK on every row;
* ``xl-kent absences LOG.xlsx`` works out sick pay for every absence of an absence record
  (KENT_SICKPAY_LOG); ``recalc`` and ``fill budget`` take paid sick days from it with ``--absences``;
* ``xl-kent fill budget --staff staff.xlsx -o budget.xlsx`` writes a filled copy of the
  budget template (the same reading, checks and figures as recalc);
* ``xl-kent template budget -o my_budget.xlsx`` writes a copy of a blank template;
* ``xl-kent sample --rows 1000 -o staff.xlsx`` writes a synthetic staff list;
* ``xl-kent demo`` runs them on a small sample and shows the result.

Every command reads its file through the one reader and checks (:mod:`xl_kent.lists`).
See ``docs/bulk.md`` and ``docs/workbooks.md``. The heavy modules are imported only when
a command runs (``import xl_kent_cli.cli`` stays light).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from xl_kent import __version__

from . import output as o

EXIT_CODES = """exit codes:
  0  output written, every row OK
  1  output written, some rows have problems (listed on the Errors sheet and in the
     status column{awards})
  2  usage error, unreadable or empty input, missing column, or reading or computing
     failed: nothing written
  3  output refused (it is the input file or a folder) or could not be written:
     nothing written (a CSV and its side files are written together or not at all)
  130 interrupted (Ctrl-C), 143 terminated (SIGTERM): nothing half-written is left
  An error is one line; XL_KENT_DEBUG=1 also prints the traceback."""


def _date(text: str) -> np.datetime64:
    """A date option: ISO 2027-03-31 or UK 31/03/2027 (never US month/day)."""
    from xl_kent.cells import GOOD
    from xl_kent.lists.parse import date_from_text

    days, status = date_from_text(text)
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
    if not (1 <= v <= _MAX_ABSENCE_DAYS):
        raise argparse.ArgumentTypeError(f"must be 1 to {_MAX_ABSENCE_DAYS:,} calendar days")
    return v


#: The longest absence the sick pay rules take (``KENT_SICKPAY``'s plausibility limit, RULES.md).
_MAX_ABSENCE_DAYS = 3660


def _percent(text: str) -> float:
    """A percentage option: ``3.5`` or ``3.5%`` -> 0.035."""
    try:
        v = float(text.strip().rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage (write 3.5 for 3.5%)") from None
    if not (-50 <= v <= 100):
        raise argparse.ArgumentTypeError("must be a percentage between -50 and 100")
    return v / 100


def _rate(text: str) -> float:
    """A rate option (NI, pension, levy): a percentage of 0 or more."""
    v = _percent(text)
    if v < 0:
        raise argparse.ArgumentTypeError("must be a percentage of 0 or more")
    return v


#: A rate typed below this (as a percentage) looks like a fraction: 0.2 for 20%.
FRACTION_LIKE_PCT = 1.0


def _money(text: str) -> float:
    try:
        v = float(text.strip().lstrip("£").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount in £") from None
    if not (0 <= v < 1e9):
        raise argparse.ArgumentTypeError("must be £0 or more")
    return v


def _settings_options(p: argparse.ArgumentParser, as_of_required: bool) -> None:
    """The settings of the per-person figures, the same for recalc and fill budget (the
    defaults in the help come from the parameter files)."""
    from xl_kent import params

    def latest(family: str, name: str) -> float:
        return float(params.parameter(family, name).value_on(None))

    days, award = latest("modelling", "modelled_absence_days"), latest("modelling", "pay_award_example")
    pension, levy = latest("oncosts", "employer_pension_rate_example"), latest("oncosts", "apprenticeship_levy_rate")
    g = p.add_argument_group("settings (the same for recalc and fill budget)")
    g.add_argument("--as-of", required=as_of_required, type=_date, metavar="DATE",
                   help="date to calculate on: 2027-03-31 or 31/03/2027 (day/month/year)"
                        + ("" if as_of_required else "; default today"))
    g.add_argument("--absence-start", type=_date, metavar="DATE",
                   help="first day of the sickness absence modelled for everyone (default: the as-of date)")
    g.add_argument("--absence-days", type=_days, metavar="N",
                   help=f"calendar days of the modelled absence (default {days:g})")
    g.add_argument("--redundancy-date", type=_date, metavar="DATE",
                   help="termination date for redundancy: age, service and weeks (default: the as-of date)")
    g.add_argument("--pay-award", type=_percent, metavar="PCT",
                   help=f"pay award from 1 April in percent, 3.5 (default: an EXAMPLE {award * 100:g}%%; 0 for none)")
    g.add_argument("--ni-rate", type=_rate, metavar="PCT",
                   help="employer NI rate in percent (default: the rate in force for the tax year)")
    g.add_argument("--ni-threshold", type=_money, metavar="GBP",
                   help="employer NI threshold, £ a year (default: the threshold in force)")
    g.add_argument("--pension-rate", type=_rate, metavar="PCT",
                   help=f"employer pension (LGPS) rate in percent (default: an EXAMPLE {pension * 100:g}%%: give yours)")
    g.add_argument("--levy-rate", type=_rate, metavar="PCT",
                   help=f"apprenticeship levy rate in percent (default: the rate in force, {levy * 100:g}%%)")
    g.add_argument("--grade-max", metavar='"KR7=30000,KR9=38000"',
                   help="the top of each grade's salary scale, £ a year, from the Kent Scheme salary scales: "
                        "for the Loss of Earnings Compensation of redeployed staff (default: none)")


def _settings(args, prog: str, err):
    """The settings from the options; None (after a message) when they cannot be used."""
    import datetime as dt

    from xl_kent.lists.figures import SettingsError, default_settings, parse_grade_max

    as_of = args.as_of if args.as_of is not None else np.datetime64(dt.date.today(), "D")
    for option, value in (("--pay-award", args.pay_award), ("--pension-rate", args.pension_rate)):
        if value is not None and 0 < value * 100 < FRACTION_LIKE_PCT:  # 0.2: 0.2%, or 20% as a fraction?
            print(f"{prog}: warning: {option} {value * 100:g} is read as {value * 100:g}%, not "
                  f"{value * 10_000:g}%: the option is in percent (write {value * 10_000:g} for {value * 10_000:g}%)",
                  file=err)
    try:
        grade_max = parse_grade_max(args.grade_max) if getattr(args, "grade_max", None) else None
        return default_settings(as_of, absence_start=args.absence_start, absence_days=args.absence_days,
                                redundancy_date=args.redundancy_date, pay_award_pct=args.pay_award,
                                employer_ni_rate=args.ni_rate, ni_threshold_gbp=args.ni_threshold,
                                pension_rate=args.pension_rate, levy_rate=args.levy_rate, grade_max=grade_max)
    except SettingsError as e:
        print(f"{prog}: error: {e}", file=err)
        return None


def _options(args) -> dict:
    """The settings given on the command line (None where an option was not given): a budget
    workbook's Assumptions give the others (:func:`xl_kent_cli.recalc.workbook_settings`)."""
    from xl_kent.lists.figures import SettingsError, parse_grade_max

    try:
        grade_max = parse_grade_max(args.grade_max) if getattr(args, "grade_max", None) else None
    except SettingsError:  # (refused by _settings already)
        grade_max = None
    return {"as_of": args.as_of, "absence_start": args.absence_start, "absence_days": args.absence_days,
            "redundancy_date": args.redundancy_date, "pay_award_pct": args.pay_award,
            "employer_ni_rate": args.ni_rate, "ni_threshold_gbp": args.ni_threshold,
            "pension_rate": args.pension_rate, "levy_rate": args.levy_rate, "grade_max": grade_max}


def cmd_recalc(args, out, err) -> int:
    from . import recalc

    settings = _settings(args, "xl-kent recalc", err)
    if settings is None:
        return o.EXIT_USAGE
    return recalc.run(args.input, settings, args.output, args.map, args.sheet, out, err, absences=args.absences,
                      absences_sheet=args.absences_sheet, absences_maps=args.absences_map, how=args.how,
                      options=_options(args))


def cmd_absences(args, out, err) -> int:
    from . import absences

    return absences.run(args.input, args.output, args.map, args.sheet, args.as_of, out, err, how=args.how)


def cmd_awards(args, out, err) -> int:
    from . import awards

    return awards.run(args.input, args.output, args.map, args.sheet, out, err, how=args.how)


def cmd_fill(args, out, err) -> int:
    from . import fill

    if args.template == "budget":
        settings = _settings(args, "xl-kent fill budget", err)
        if settings is None:
            return o.EXIT_USAGE
        return fill.fill_budget(args.staff, args.output, settings, maps=args.map, sheet=args.sheet, out=out,
                                err=err, absences=args.absences, absences_sheet=args.absences_sheet,
                                absences_maps=args.absences_map, options=_options(args))
    return fill.fill_awards(args.log, args.output, period_start=args.period_from, period_end=args.period_to,
                            maps=args.map, sheet=args.sheet, out=out, err=err)


def cmd_template(args, out, err) -> int:
    from workbooks.build import template_path
    from workbooks.common import save_atomically

    source = template_path(args.template)
    target = Path(args.output or source.name)
    if target.exists() and not args.force:
        print(f"xl-kent template: error: {target} exists: refusing to replace it (use --force)", file=err)
        return o.EXIT_OUTPUT
    try:
        with o.writing_step(target):
            save_atomically(target, lambda f: f.write(source.read_bytes()), input_path=source)
    except o.OutputError as e:
        o.report("xl-kent template", err, e, e)
        return o.EXIT_OUTPUT
    print(f"{target}: blank {args.template} template (see its How to use sheet)", file=out)
    return o.EXIT_OK


def cmd_sample(args, out, err) -> int:
    from xl_kent.files.writing import all_or_nothing
    from xl_kent.lists import synth

    from .progress import Progress

    prog = "xl-kent sample"
    targets = [Path(args.output)] + ([Path(args.awards)] if args.awards else [])
    for p in targets:
        if p.suffix.lower() not in (".xlsx", ".csv"):
            o.report(prog, err, f"{p}: the name must end in .xlsx or .csv")
            return o.EXIT_USAGE
        if p.exists() and not args.force:
            o.report(prog, err, f"{p} exists: refusing to replace it with synthetic data (use --force)")
            return o.EXIT_OUTPUT
    if len(targets) == 2 and os.path.abspath(targets[0]) == os.path.abspath(targets[1]):
        o.report(prog, err, f"{targets[0]}: the staff list and the award log need different names")
        return o.EXIT_USAGE

    def make():
        try:
            s = synth.staff_sample(args.rows, args.bad, args.seed, args.as_of)
        except ValueError as e:
            raise o.UsageError(str(e)) from e
        a = synth.award_sample(s.columns[0], max(1, args.rows // 4), args.seed, args.as_of) if args.awards else None
        with o.writing_step(targets[0]), all_or_nothing():  # the list and its log: both or neither
            with Progress(f"writing {targets[0].name}", args.rows, stream=err) as bar:
                synth.write_sample(targets[0], s, "Staff", bar)
            if a is not None:
                synth.write_sample(targets[1], a, "Awards")
        return s, a

    done, result = o.guarded(prog, err, make, doing="making the sample")
    if not done:
        return result
    s, a = result
    print(f"{targets[0]}: {synth.describe_sample(s, args.as_of)}", file=out)
    if a is not None:
        print(f"{targets[1]}: {len(a.columns[0]):,} synthetic award rows", file=out)
    return o.EXIT_OK


def cmd_demo(args, out, err) -> int:
    from .demo import demo

    return demo(out, folder=args.dir, err=err)


_STAFF_COLUMNS = """columns (matched ignoring case, spaces and punctuation; aliases in docs/bulk.md):
  required: employee_id, grade, annual_salary, date_of_birth, service_start
  optional: name, cost_centre, contract_type, weekly_hours, hours_worked, employment_start,
            employment_end, prior_sick_days, at_risk, multiplier, leave_taken_days
  A required column that no header names exactly is read from the closest header (said in a
  warning); every other column is named as not used."""


def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="xl-kent", formatter_class=fmt,
        description="Kent County Council's Kent Scheme employment rules, from the command line.",
        epilog="examples:\n  xl-kent demo\n  xl-kent recalc staff.xlsx --as-of 31/03/2027 --pension-rate 18.5\n"
               "  xl-kent awards awards.xlsx\n  xl-kent absences absences.xlsx --as-of 31/03/2027\n"
               "  xl-kent fill budget --staff staff.xlsx -o budget_2026.xlsx\n"
               "  xl-kent sample --rows 10000 --bad 20 -o staff.xlsx\n\n"
               "`xl-kent COMMAND --help` describes each command; docs/bulk.md has the details.",
    )
    parser.add_argument("--version", action="version", version=f"xl-kent {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "recalc", formatter_class=fmt,
        help="every per-person figure of a staff list (leave, sick pay, redundancy, pay and on-costs)",
        description="Compute every per-person figure of a staff list (xlsx or CSV): annual leave for the leave "
                    "year and accrued to the as-of date (days and hours), untaken leave and its value, sick pay "
                    "allowance left and the cost of a modelled absence, redundancy weeks and pay, pay after the "
                    "award with employer NI, pension and levy. Writes a new file with the original columns "
                    "untouched and the figures beside them, an Errors sheet and a Summary sheet. The same "
                    "reading, checks and figures as `xl-kent fill budget`.",
        epilog=_STAFF_COLUMNS + "\n\nexamples:\n  xl-kent recalc staff.xlsx --as-of 31/03/2027 --pension-rate 18.5\n"
               "  xl-kent recalc staff.csv --as-of 2027-03-31 --absence-days 60 -o results.xlsx\n"
               '  xl-kent recalc staff.xlsx --as-of 31/03/2027 --map "Pay=annual_salary" --map "Born=dob"\n\n'
               + EXIT_CODES.format(awards=""),
    )
    p.add_argument("input", metavar="STAFF", help="staff list, .xlsx or .csv (a filled budget template too)")
    _settings_options(p, as_of_required=True)
    _absences_options(p)
    _common(p, "STAFF.recalc.xlsx (STAFF.recalc.csv for a CSV)")
    _how_option(p)
    p.set_defaults(run=cmd_recalc)

    p = sub.add_parser(
        "awards", formatter_class=fmt, help="check an award log with KENT_AWARD_OK on every row",
        description="Check every row of a cash award log (xlsx or CSV) against the whole log with "
                    "KENT_AWARD_OK, and write the log back with award_ok, reason, the employee's rolling "
                    "12-month total and the team award total beside it, plus Errors and Summary sheets. The "
                    "award tracking template's own columns (Individual or team, Team award endorsed?, "
                    "Teachers' terms?, Capability procedure?) are read too.",
        epilog="columns: employee_id, award_date, amount (required); kind (team/individual), work_ref,\n"
               "  endorsed, teachers_terms, capability_procedure, ineligible (optional); name, grade,\n"
               "  part_time, directorate, front_line (carried, for the template's monitoring)\n\n"
               "examples:\n  xl-kent awards awards.xlsx\n  xl-kent awards award_tracking.xlsx -o checked.xlsx\n\n"
               + EXIT_CODES.format(awards=", or some awards are outside the scheme"),
    )
    p.add_argument("input", metavar="LOG", help="award log, .xlsx or .csv (a filled award template too)")
    _common(p, "LOG.checked.xlsx (LOG.checked.csv for a CSV)")
    _how_option(p)
    p.set_defaults(run=cmd_awards)

    p = sub.add_parser(
        "absences", formatter_class=fmt, help="sick pay for every absence of an absence record (KENT_SICKPAY_LOG)",
        description="Work out contractual and statutory sick pay for every absence of an absence record (xlsx or "
                    "CSV, one row per absence of one employee) with KENT_SICKPAY_LOG over the whole record: each "
                    "absence's paid sick days of the 12 months before it come from the employee's earlier "
                    "absences, and SSP links absences 8 weeks or less apart. Writes the record back untouched "
                    "with calendar_days, full_pay_days, half_pay_days, nil_pay_days, ssp_gbp, pay_gbp, "
                    "prior_paid_days, ssp_days_left and status beside it, plus Errors and Summary sheets. "
                    "--as-of DATE adds, on each row, its employee's paid days of the 12 months before DATE and the "
                    "full and half sick pay left for an absence starting on DATE.",
        epilog="columns: employee_id, first_day, last_day, service_start, annual_salary (required);\n"
               "  temporary_short (Yes for a temporary contract of 4 months or less; optional).\n"
               "  Read as well: Employee ID, Emp No, Start of absence, Absence start, First day of absence,\n"
               "  End of absence, Last day, Continuous service date, Salary, Annual pay ... (docs/bulk.md).\n"
               "  Every other column (name, reason, notes) is carried and named as not used.\n\n"
               "examples:\n  xl-kent absences absences.xlsx\n"
               "  xl-kent absences hr-absences.csv --as-of 31/03/2027 -o sick_pay.xlsx\n"
               "  xl-kent recalc staff.xlsx --as-of 31/03/2027 --absences absences.xlsx\n\n"
               + EXIT_CODES.format(awards=""),
    )
    p.add_argument("input", metavar="LOG", help="absence record, .xlsx or .csv (a filled budget's Absences too)")
    p.add_argument("--as-of", type=_date, metavar="DATE",
                   help="also give each employee's full and half sick pay left for an absence starting on DATE")
    _common(p, "LOG.sickpay.xlsx (LOG.sickpay.csv for a CSV)")
    _how_option(p)
    p.set_defaults(run=cmd_absences)

    p = sub.add_parser(
        "fill", formatter_class=fmt, help="write a filled copy of a template workbook",
        description="Write a copy of a template workbook filled with a staff list or an award log. The KENT_ "
                    "results are computed by xl-kent and written as values (it opens in any Excel without "
                    "Python or the add-in); the template's ordinary formulas stay formulas, so a changed rate "
                    "on Assumptions changes the totals. The input is never changed; the output is written whole "
                    "or not at all.",
        epilog="examples:\n  xl-kent fill budget --staff staff.xlsx -o budget_2026.xlsx --pension-rate 18.5\n"
               "  xl-kent fill budget --staff staff.csv --as-of 31/03/2027 --pay-award 3.2 -o budget.xlsx\n"
               "  xl-kent fill awards --log awards.xlsx -o awards_checked.xlsx\n\n"
               "columns are matched like `xl-kent recalc` (docs/bulk.md); docs/workbooks.md has the details.\n\n"
               + EXIT_CODES.format(awards=""),
    )
    fill = p.add_subparsers(dest="template", metavar="TEMPLATE", required=True)
    q = fill.add_parser("budget", formatter_class=fmt, help="the budget planning workbook, from a staff list",
                        description="Fill the budget planning workbook from a staff list (xlsx or CSV): the same "
                                    "reading, checks and figures as `xl-kent recalc`.",
                        epilog=_STAFF_COLUMNS)
    q.add_argument("--staff", required=True, metavar="FILE", help="staff list, .xlsx or .csv")
    q.add_argument("-o", "--output", required=True, metavar="OUT", help="workbook to write (.xlsx)")
    _settings_options(q, as_of_required=False)
    _absences_options(q)
    _map_and_sheet(q)
    q.set_defaults(run=cmd_fill)
    q = fill.add_parser("awards", formatter_class=fmt, help="the award tracking workbook, from an award log",
                        description="Fill the award tracking workbook from an award log (xlsx or CSV): the same "
                                    "reading and judgement as `xl-kent awards`.")
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
                    "ages, service, part-time staff, casual and relief workers, joiners and leavers, posts at "
                    "risk and leave taken. --bad K seeds K deliberately bad rows (blank date, text salary, "
                    "impossible age, unknown grade, duplicate id, end before start). The same --seed gives the "
                    "same file.",
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
                    "(`xl-kent fill`), read a filled copy back, and print the summaries, the first rows and the "
                    "Errors sheet.",
        epilog="examples:\n  xl-kent demo\n  xl-kent demo --dir demo-files",
    )
    p.add_argument("--dir", metavar="DIR", help="keep the files in DIR (default: a temporary folder)")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser(
        "lite", formatter_class=fmt, help="write main.py and requirements.txt for an xlwings Lite workbook",
        description="Write the two files an xlwings Lite workbook needs for the KENT_ functions: main.py "
                    "(the functions imported from udfs and registered with xlwings Lite's decorators) and "
                    "requirements.txt (numpy and the xl-kent wheel). xlwings Lite installs packages from the "
                    "web, so build the wheel (pip wheel . --no-deps -w dist), put it on an https:// address "
                    "that allows cross-origin downloads, and give that address: --wheel-url is required.",
        epilog="examples:\n  xl-kent lite --wheel-url https://files.example.org/wheels/xl_kent-0.1.0-py3-none-any.whl\n"
               "  xl-kent lite -o kent-lite --wheel-url https://.../xl_kent-0.1.0-py3-none-any.whl --force\n\n"
               "then paste each file into the xlwings Lite tab of the same name (docs/excel-setup.md, Option C).",
    )
    p.add_argument("-o", "--output", default="xl-kent-lite", metavar="FOLDER",
                   help="folder to write main.py and requirements.txt into (default xl-kent-lite)")
    p.add_argument("--wheel-url", required=True, metavar="URL",
                   help="https:// address of the xl_kent-VERSION-py3-none-any.whl that IT hosts (required)")
    p.add_argument("--force", action="store_true", help="replace main.py and requirements.txt if they exist")
    p.set_defaults(run=cmd_lite)
    return parser


def cmd_lite(args, out, err) -> int:
    from . import lite

    return lite.run(args.output, args.wheel_url, args.force, out, err)


def _absences_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("paid sick days from an absence record (instead of a typed column)")
    g.add_argument("--absences", metavar="LOG",
                   help="absence record (.xlsx or .csv, one row per absence): each employee's paid sick days of "
                        "the 12 months before the modelled absence start are taken from it (as `xl-kent "
                        "absences` works it out); a typed paid-sick-days column is then not used")
    g.add_argument("--absences-sheet", metavar="NAME", help="worksheet of the absence record to read")
    g.add_argument("--absences-map", action="append", metavar='"HEADER=field"',
                   help="read a column of the absence record with another header as a field; repeatable")


def _how_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-how", dest="how", action="store_false",
                   help="leave out the How columns (each figure explained in words); faster for very long lists")


def _common(p: argparse.ArgumentParser, default_out: str) -> None:
    p.add_argument("-o", "--output", metavar="OUT", help=f"file to write, .xlsx or .csv (default {default_out})")
    _map_and_sheet(p)


def _map_and_sheet(p: argparse.ArgumentParser) -> None:
    p.add_argument("--map", action="append", metavar='"HEADER=field"',
                   help="read a column with another header as a field; repeatable or comma separated")
    p.add_argument("--sheet", metavar="NAME",
                   help="worksheet to read (default: the first visible sheet that holds the columns)")


def command() -> int:
    """The ``xl-kent`` console command and ``python -m xl_kent_cli``: :func:`main` in a process of
    its own, where pyarrow is first kept from importing pandas (:func:`_pyarrow_without_pandas`)."""
    _pyarrow_without_pandas()
    return main()


def _pyarrow_without_pandas() -> None:
    """Keep pyarrow, in this process, from importing pandas, which no command uses: pyarrow
    looks for pandas once, on its first conversion of Python values, and then holds it (about
    45 MB and 0.2 s a run, a tenth of the peak memory of a million-row ``recalc``). The look
    is made here with pandas out of reach, so pyarrow takes it as absent. Not done where pandas
    is already imported, nor by :func:`main` (a test or a notebook calling it may want pandas
    from pyarrow afterwards)."""
    if "pandas" in sys.modules:
        return

    class NoPandas:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name.partition(".")[0] == "pandas":
                raise ImportError("pandas is not used by the xl-kent command")
            return None

    finder = NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        import pyarrow

        pyarrow.array([0])
    except ImportError:  # no pyarrow: the commands take their pure-Python paths
        pass
    finally:
        sys.meta_path.remove(finder)


def main(argv: Sequence[str] | None = None) -> int:
    """``xl-kent ARGV``: the exit code. Nothing raises out of it but SystemExit (from ``--help`` and
    usage errors): every failure is one line on stderr and an exit code; Ctrl-C gives 130 and
    SIGTERM 143, after the temporary files are removed."""
    with _sigterm_as_interrupt():
        try:
            parser = build_parser()
            args = parser.parse_args(argv)
            if args.command is None:
                parser.print_help()
                return o.EXIT_USAGE
            return args.run(args, sys.stdout, sys.stderr)
        except BrokenPipeError:  # output piped into `head` and closed early: not an error
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (keep Python's exit flush quiet)
            return o.EXIT_OK
        except KeyboardInterrupt as e:
            code = o.EXIT_TERMINATED if isinstance(e, o.Terminated) else o.EXIT_INTERRUPTED
            with contextlib.suppress(Exception):
                what = "interrupted (SIGTERM)" if code == o.EXIT_TERMINATED else "interrupted"
                print(f"xl-kent: {what}; no output file was left half-written", file=sys.stderr)
            return code
        except SystemExit:
            raise
        except BaseException as e:  # a failure no command caught (they catch their own): one line
            return _failed(e)


def _failed(e: BaseException) -> int:
    """The one line and exit code of an exception that reached :func:`main`."""
    from xl_kent.files.writing import OutputFileError

    if isinstance(e, o.UsageError):
        code, message = o.EXIT_USAGE, o._text(e)
    elif isinstance(e, (o.OutputError, OutputFileError)):
        code, message = o.EXIT_OUTPUT, o._text(e)
    else:
        code, message = o.EXIT_USAGE, o.failure(e, "running the command")
    o.report("xl-kent", sys.stderr, message, e)
    return code


def _on_sigterm(signum, frame) -> None:
    raise o.Terminated()


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM raises :class:`output.Terminated` (a KeyboardInterrupt) in the main thread, as Ctrl-C
    does, so the same clean-up runs; the old handler is put back after."""
    old = None
    if hasattr(signal, "SIGTERM") and threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError):
            old = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        if old is not None:
            signal.signal(signal.SIGTERM, old)


if __name__ == "__main__":
    raise SystemExit(main())
