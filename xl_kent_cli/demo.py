"""``xl-kent demo``: the whole path from a staff list to a figure, on a small synthetic sample.

It writes a 200-row staff list (a few bad rows on purpose, posts at risk, leave taken) and
an award log, then runs what a user runs: ``recalc``, ``awards``, ``fill budget`` and
``fill awards``, and reads the filled budget back with ``recalc`` to show that the figures
are the same whichever way they are read.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from xl_kent import __version__

from . import output as o

__all__ = ["demo"]

#: Columns of the recalculated list shown by the demo: (header, shown as, money).
_DEMO_COLUMNS = (("Employee ID", "id", False), ("Grade", "grade", False), ("Weekly Hours", "hours", False),
                 ("leave_year_entitlement_days", "leave yr days", False), ("leave_value_gbp", "untaken £", True),
                 ("sick_absence_cost_gbp", "sick cost £", True), ("total_cost_gbp", "total cost £", True),
                 ("redundancy_pay_gbp", "red. pay £", True), ("status", "status", False))
_NAMES = ("staff.xlsx", "awards.xlsx", "absences.xlsx", "absences.sickpay.xlsx", "staff.recalc.xlsx",
          "awards.checked.xlsx", "budget.xlsx",
          "award_tracking.xlsx", "budget.recalc.xlsx")


def _table(headers, rows) -> str:
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


def _summary_value(path: Path, item: str):
    from xl_kent.files.reading import read_table

    t = read_table(path, sheet="Summary")
    items, values = t.columns[0].tolist(), t.columns[1].tolist()
    return values[items.index(item)] if item in items else None


def demo(out=None, rows: int = 200, bad: int = 6, folder=None, err=None) -> int:
    """Generate a small staff list and award log, run every command on them, show the result."""
    from xl_kent.files.reading import read_table
    from xl_kent.lists import synth
    from xl_kent.lists.figures import TOTALS, default_settings

    from . import absences, awards, fill, recalc

    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    with tempfile.TemporaryDirectory(prefix="xl-kent-demo-") as tmp:
        where = Path(folder) if folder else Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        there = [n for n in _NAMES if (where / n).exists()]
        if there:
            print(f"xl-kent demo: error: {where} already has {', '.join(there)}: choose an empty folder", file=err)
            return o.EXIT_OUTPUT
        staff_path, awards_path = where / "staff.xlsx", where / "awards.xlsx"
        as_of = synth.SAMPLE_AS_OF
        s = synth.staff_sample(rows, bad, seed=2027, as_of=as_of)
        synth.write_sample(staff_path, s, "Staff")
        a = synth.award_sample(s.columns[0], max(10, rows // 5), seed=2027, as_of=as_of)
        synth.write_sample(awards_path, a, "Awards")
        absences_path = where / "absences.xlsx"
        synth.write_sample(absences_path, synth.absence_sample(s, max(10, rows // 2), seed=2027, as_of=as_of),
                           "Absences")
        settings = default_settings(as_of)
        print(f"xl-kent {__version__} demo: Kent Scheme rules over a whole staff list\n", file=out)
        print(f"$ xl-kent sample --rows {rows} --bad {bad} -o staff.xlsx --awards awards.xlsx", file=out)
        print(f"{synth.describe_sample(s, as_of)}\n", file=out)

        print(f"$ xl-kent recalc staff.xlsx --as-of {as_of}", file=out)
        code = recalc.run(staff_path, settings, out=out, err=out)  # the warnings are part of the story
        if code not in (o.EXIT_OK, o.EXIT_PROBLEMS):
            return code
        result = where / "staff.recalc.xlsx"
        staff = read_table(result)
        idx = [staff.headers.index(h) for h, _, _ in _DEMO_COLUMNS]
        first = [[_cell(staff.columns[i][r], m) for i, (_, _, m) in zip(idx, _DEMO_COLUMNS, strict=True)]
                 for r in range(min(8, staff.n_rows))]
        print("\nFirst rows of staff.recalc.xlsx (some of its columns):\n", file=out)
        print(_table([shown for _, shown, _ in _DEMO_COLUMNS], first), file=out)
        how = staff.columns[staff.headers.index("sick_pay_how")]
        said = [(_cell(staff.columns[0][r]), how[r]) for r in range(staff.n_rows)  # a sentence, not "Not employed"
                if isinstance(how[r], str) and " years " in how[r][:12]][:1]
        for who, text in said:
            print(f"\nEvery figure is explained in words in the How columns; {who}'s sick pay:\n  {text}", file=out)
        errors = read_table(result, sheet="Errors")
        body = [[_cell(errors.columns[i][r]) for i in range(len(errors.headers))] for r in range(errors.n_rows)]
        print("\nErrors sheet (the bad rows seeded on purpose; every other row computed):\n", file=out)
        print(_table(errors.headers, body), file=out)

        print("\n$ xl-kent awards awards.xlsx", file=out)
        code = awards.run(awards_path, out=out, err=out)
        if code not in (o.EXIT_OK, o.EXIT_PROBLEMS):
            return code
        log = read_table(where / "awards.checked.xlsx")
        ok = log.columns[log.headers.index("award_ok")]
        cols = [log.headers.index(h) for h in ("Employee ID", "Award Date", "Amount", "Kind", "Work Reference",
                                               "rolling_12_month_total_gbp", "reason")]
        flagged = [[_cell(log.columns[i][r], k in (2, 5)) for k, i in enumerate(cols)]
                   for r in range(log.n_rows) if ok[r] is False][:8]
        if flagged:
            print("\nAwards outside the scheme:\n", file=out)
            print(_table(["employee", "date", "amount £", "kind", "work", "12-month £", "reason"], flagged),
                  file=out)

        print(f"\n$ xl-kent absences absences.xlsx --as-of {as_of}     (sick pay from the absence record)", file=out)
        code = absences.run(absences_path, as_of=as_of, out=out, err=out)
        if code not in (o.EXIT_OK, o.EXIT_PROBLEMS):
            return code

        print(f"\n$ xl-kent fill budget --staff staff.xlsx -o budget.xlsx --as-of {as_of}", file=out)
        code = fill.fill_budget(staff_path, where / "budget.xlsx", settings, out=out, err=out)
        if code not in (o.EXIT_OK, o.EXIT_PROBLEMS):
            return code
        print(f"\n$ xl-kent fill awards --log awards.xlsx -o award_tracking.xlsx --to {as_of}", file=out)
        code = fill.fill_awards(awards_path, where / "award_tracking.xlsx", period_end=as_of, out=out, err=out)
        if code not in (o.EXIT_OK, o.EXIT_PROBLEMS):
            return code

        print(f"\n$ xl-kent recalc budget.xlsx --as-of {as_of}     (the filled budget, read back)", file=out)
        again = where / "budget.recalc.xlsx"
        quiet = _Null()
        code = recalc.run(where / "budget.xlsx", settings, again, out=quiet, err=quiet)
        if code not in (o.EXIT_OK, o.EXIT_PROBLEMS):
            return code
        same = all(_summary_value(result, label) == _summary_value(again, label) for _, label in TOTALS)
        print("the totals of budget.recalc.xlsx and staff.recalc.xlsx are " + ("the same" if same else "DIFFERENT"),
              file=out)
        if folder:
            print(f"\nFiles are in {where}", file=out)
        else:
            print("\n(The files were written to a temporary folder, now removed: `xl-kent demo --dir DIR` "
                  "keeps them.)", file=out)
    return o.EXIT_OK


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
