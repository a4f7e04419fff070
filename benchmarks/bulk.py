"""Time ``xl-kent recalc`` end to end on big staff lists, and an openpyxl-only pipeline.

``python3 -m benchmarks.bulk`` generates (with :mod:`xl_kent.lists.synth`) a 100,000-row
xlsx staff list and a 1,000,000-row CSV, each with 50 bad rows, then in a fresh
subprocess each:

* ``recalc`` of the xlsx into an xlsx (read / compute / write timed apart);
* ``recalc`` of the CSV into a CSV;
* the same 100,000-row xlsx through an openpyxl-only pipeline: ``openpyxl`` read-only
  load, the same computation, ``openpyxl`` write-only workbook with the same three sheets.

Each child reports its own peak memory (``ru_maxrss``); the parent also reads
``RUSAGE_CHILDREN``. It prints seconds, rows per second, the openpyxl/xl-kent ratio and
PASS/MISS against the targets of issue 5: 100k xlsx within 10 s, 1M CSV within 10 s, peak
memory under 2 GB. Timings on a shared machine vary by +-20%; no test asserts them.

Options: ``--xlsx-rows N``, ``--csv-rows N`` (0 skips), ``--no-openpyxl``, ``--keep DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2027-03-31"
BAD_ROWS = 50
TARGET_XLSX_S = 10.0
TARGET_CSV_S = 10.0
TARGET_RSS_GB = 2.0


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # kB on Linux


def child_recalc(src: str, out: str) -> dict:
    """One ``xl-kent recalc`` run, in the phases the command goes through."""
    from xl_kent.lists.figures import STAFF_SCHEMA, default_settings
    from xl_kent_cli import output, recalc

    t0 = time.perf_counter()
    loaded = output.reading(src, STAFF_SCHEMA)
    table = loaded.table
    t1 = time.perf_counter()
    outcome = recalc.recalc_table(table, default_settings(AS_OF), loaded.columns, source=src)
    t2 = time.perf_counter()
    output.write_outcome(outcome, Path(out), src, "Staff")
    t3 = time.perf_counter()
    return dict(rows=table.n_rows, read=t1 - t0, compute=t2 - t1, write=t3 - t2, total=t3 - t0,
                problems=outcome.n_problem_rows, rss_gb=_rss_gb())


def child_openpyxl(src: str, out: str) -> dict:
    """The same job with openpyxl only: read-only load, same compute, write-only save."""
    import datetime as dt

    import numpy as np
    import openpyxl

    from xl_kent.files.reading import Table
    from xl_kent.lists.figures import default_settings
    from xl_kent_cli import recalc

    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(src, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    headers = [("" if h is None else str(h)) for h in next(rows)]
    data = list(rows)
    wb.close()
    columns = [np.array([r[i] if i < len(r) else None for r in data], dtype=object) for i in range(len(headers))]
    table = Table(headers, columns, 2, ws.title, "xlsx")
    t1 = time.perf_counter()
    outcome = recalc.recalc_table(table, default_settings(AS_OF), source=src)
    t2 = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)

    def sheet(name, head, cols):
        ws = book.create_sheet(name)
        ws.append(head)
        lists = [c.tolist() for c in cols]
        for row in zip(*lists, strict=True):
            ws.append([None if (isinstance(v, float) and v != v) else v for v in row])

    def plain(c):
        if c.dtype.kind == "M":
            return np.array([None if np.isnat(d) else d.astype(dt.date) for d in c], dtype=object)
        return c

    sheet("Staff", outcome.headers, [plain(c) for c in outcome.columns])
    sheet("Errors", outcome.errors_headers, outcome.errors_columns)
    sheet("Summary", ["item", "value"], [np.array([k for k, _ in outcome.summary], dtype=object),
                                         np.array([v for _, v in outcome.summary], dtype=object)])
    book.save(out)
    t3 = time.perf_counter()
    return dict(rows=table.n_rows, read=t1 - t0, compute=t2 - t1, write=t3 - t2, total=t3 - t0,
                problems=outcome.n_problem_rows, rss_gb=_rss_gb())


def _spawn(kind: str, src: Path, out: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "benchmarks.bulk", "--child", kind, str(src), str(out)],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    result["children_rss_gb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return result


def _line(label: str, r: dict) -> str:
    return (f"{label:<34} {r['rows']:>9,} rows  read {r['read']:6.2f} s  compute {r['compute']:5.2f} s  "
            f"write {r['write']:6.2f} s  total {r['total']:6.2f} s  ({r['rows'] / r['total']:>9,.0f} rows/s)  "
            f"process {r['wall']:6.2f} s  peak {r['rss_gb']:.2f} GB")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m benchmarks.bulk", description=__doc__.split("\n\n")[0])
    p.add_argument("--xlsx-rows", type=int, default=100_000)
    p.add_argument("--csv-rows", type=int, default=1_000_000)
    p.add_argument("--no-openpyxl", action="store_true")
    p.add_argument("--keep", metavar="DIR", help="keep the generated files in DIR")
    p.add_argument("--child", nargs=3, metavar=("KIND", "SRC", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, src, out = args.child
        result = child_recalc(src, out) if kind == "recalc" else child_openpyxl(src, out)
        print(json.dumps(result))
        return 0

    from xl_kent.lists import synth

    with tempfile.TemporaryDirectory(prefix="xl-kent-bench-") as tmp:
        d = Path(args.keep) if args.keep else Path(tmp)
        d.mkdir(parents=True, exist_ok=True)
        print(f"xl-kent bulk benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}); "
              f"as of {AS_OF}, {BAD_ROWS} bad rows in each list\n")
        results = {}
        if args.xlsx_rows:
            src = d / "staff.xlsx"
            t = time.perf_counter()
            synth.write_sample(src, synth.staff_sample(args.xlsx_rows, BAD_ROWS, seed=1))
            print(f"generated {src.name}: {args.xlsx_rows:,} rows in {time.perf_counter() - t:.1f} s "
                  f"({src.stat().st_size / 2**20:.1f} MB)")
            results["xlsx"] = _spawn("recalc", src, d / "staff.recalc.xlsx")
            print(_line("xl-kent recalc xlsx -> xlsx", results["xlsx"]))
            if not args.no_openpyxl:
                results["openpyxl"] = _spawn("openpyxl", src, d / "staff.openpyxl.xlsx")
                print(_line("openpyxl-only pipeline xlsx -> xlsx", results["openpyxl"]))
        if args.csv_rows:
            src = d / "staff.csv"
            t = time.perf_counter()
            synth.write_sample(src, synth.staff_sample(args.csv_rows, BAD_ROWS, seed=2))
            print(f"generated {src.name}: {args.csv_rows:,} rows in {time.perf_counter() - t:.1f} s "
                  f"({src.stat().st_size / 2**20:.1f} MB)")
            results["csv"] = _spawn("recalc", src, d / "staff.recalc.csv")
            print(_line("xl-kent recalc csv -> csv", results["csv"]))

        print()
        if "xlsx" in results and "openpyxl" in results:
            print(f"openpyxl-only / xl-kent on the xlsx: {results['openpyxl']['total'] / results['xlsx']['total']:.1f}x "
                  f"(read {results['openpyxl']['read'] / results['xlsx']['read']:.1f}x, "
                  f"write {results['openpyxl']['write'] / results['xlsx']['write']:.1f}x)")

        def verdict(ok):
            return "PASS" if ok else "MISS"

        if "xlsx" in results:
            r = results["xlsx"]
            print(f"target {r['rows']:,}-row xlsx within {TARGET_XLSX_S:g} s (issue: 100,000): {r['total']:.2f} s "
                  f"(process {r['wall']:.2f} s) {verdict(r['wall'] <= TARGET_XLSX_S)}")
        if "csv" in results:
            r = results["csv"]
            print(f"target {r['rows']:,}-row CSV within {TARGET_CSV_S:g} s (issue: 1,000,000): {r['total']:.2f} s "
                  f"(process {r['wall']:.2f} s) {verdict(r['wall'] <= TARGET_CSV_S)}")
        ours = [results[k]["rss_gb"] for k in ("xlsx", "csv") if k in results]
        if ours:
            peak = max(ours)
            print(f"target peak memory under {TARGET_RSS_GB:g} GB: {peak:.2f} GB {verdict(peak < TARGET_RSS_GB)}"
                  f" (RUSAGE_CHILDREN, all children incl. openpyxl: "
                  f"{max(r['children_rss_gb'] for r in results.values()):.2f} GB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
