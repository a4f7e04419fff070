"""Measure the xlsx writer candidates on the bulk recalculation's typical output.

Usage (from the project root)::

    python3 -m benchmarks.writers [--rows N] [--only NAME[,NAME...]] [--repeat R]

The data: ``N`` rows (default 100,000) x 35 columns, as ``xl-kent recalc`` writes them:
15 input columns as read from a workbook (object arrays mixing text, floats, datetimes,
booleans and blanks) and 20 float result columns (some NaN = blank), with per-column
number formats (dates, pounds, days). Each candidate writes the same data to a file in a
temporary directory, best of ``R`` runs (default 1: the slow ones take most of a
minute); the figures are wall-clock seconds, microseconds per cell and rows per second,
and the chosen writer (``handwritten``, :mod:`xl_kent.files._xlsx`) is marked. A candidate
whose library is not installed is reported and skipped.

Candidates: XlsxWriter in ``constant_memory`` mode (one ``write_*`` call a cell),
pyexcelerate (a whole list of rows at once), rustpy-xlsxwriter (records as dicts, Rust
writer), rvgsrust-xlsxwriter (rust_xlsxwriter bindings, one ``write_column`` call a
column), and the hand-written streaming writer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import tempfile
import time
from collections.abc import Callable

import numpy as np

from xl_kent.files.writing import Sheet, write_xlsx

N_INPUT, N_RESULT = 15, 20


def typical_output(n_rows: int, seed: int = 5) -> Sheet:
    """The benchmark's sheet: 15 mixed input columns and 20 float result columns."""
    rng = np.random.default_rng(seed)
    headers, columns, formats = [], [], []

    def obj(values) -> np.ndarray:
        out = np.empty(n_rows, dtype=object)
        out[:] = values
        return out

    ids = obj([f"E{i:06d}" for i in range(n_rows)])
    surnames = np.array(["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Patel"])
    grades = np.array(["KR3", "KR6", "KR9", "KR11", "KR13"])
    starts = np.datetime64("1985-01-01") + rng.integers(0, 14_000, n_rows)
    start_dt = obj(starts.astype("datetime64[us]").astype(object))
    birth_dt = obj((starts - rng.integers(7_000, 15_000, n_rows)).astype("datetime64[us]").astype(object))
    first_sick = obj((np.datetime64("2024-01-01") + rng.integers(0, 700, n_rows)).astype("datetime64[us]")
                     .astype(object))
    first_sick[rng.random(n_rows) < 0.3] = None
    text_cols = [ids, obj(surnames[rng.integers(0, len(surnames), n_rows)].tolist()),
                 obj(grades[rng.integers(0, len(grades), n_rows)].tolist()),
                 obj([f"Directorate {i % 7}" for i in range(n_rows)]),
                 obj(["Full time" if x else "Part time" for x in rng.random(n_rows) < 0.7])]
    num_cols = [obj(np.round(rng.uniform(20_000, 60_000, n_rows), 2).tolist()),
                obj(rng.integers(1, 38, n_rows).astype(float).tolist()),
                obj(np.round(rng.uniform(0, 1, n_rows), 4).tolist()),
                obj(rng.integers(0, 30, n_rows).astype(float).tolist()),
                obj(rng.integers(0, 10, n_rows).astype(float).tolist())]
    other = [start_dt, birth_dt, first_sick, obj((rng.random(n_rows) < 0.5).tolist()),
             obj([None if x < 0.2 else "yes" for x in rng.random(n_rows)])]
    for i, col in enumerate(text_cols + num_cols + other):
        headers.append(f"Input {i + 1}")
        columns.append(col)
        formats.append(None)
    kinds = ["gbp", "days", "number", "hours", "integer"]
    for i in range(N_RESULT):
        col = np.round(rng.uniform(0, 5_000, n_rows), 2)
        col[rng.random(n_rows) < 0.05] = np.nan
        headers.append(f"Result {i + 1}")
        columns.append(col)
        formats.append(kinds[i % len(kinds)])
    return Sheet("Staff", headers, columns, formats)


def _rows(sheet: Sheet) -> list[list]:
    """Row-major Python values (None for blanks) for the row-oriented libraries."""
    cols = []
    for col in sheet.columns:
        if col.dtype.kind == "f":
            values = col.tolist()
            cols.append([None if v != v else v for v in values])
        else:
            cols.append(col.tolist())
    return [list(r) for r in zip(*cols, strict=True)]


def write_handwritten(sheet: Sheet, path: str) -> None:
    write_xlsx(path, [sheet])


def write_xlsxwriter(sheet: Sheet, path: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                    "strings_to_numbers": False, "strings_to_urls": False})
    ws = wb.add_worksheet(sheet.name)
    fmt = {k: wb.add_format({"num_format": v}) for k, v in
           {"gbp": '"£"#,##0.00;[Red]\\-"£"#,##0.00', "days": "0.0#", "number": "0.00", "hours": "0.00", "integer": "0",
            "date": "dd/mm/yyyy"}.items()}
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, sheet.headers, bold)
    col_fmt = [fmt.get(f) if f else None for f in sheet.formats]
    rows = _rows(sheet)
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v)
            elif isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, fmt["date"])
            elif isinstance(v, bool):
                ws.write_boolean(r, c, v)
            else:
                ws.write_number(r, c, v, col_fmt[c])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(sheet.headers) - 1)
    wb.close()


def write_pyexcelerate(sheet: Sheet, path: str) -> None:
    from pyexcelerate import Style, Workbook

    wb = Workbook()
    # pyexcelerate turns text starting with "=" into formulas: guard (none in this data).
    ws = wb.new_sheet(sheet.name, data=[sheet.headers, *_rows(sheet)])
    ws.set_row_style(1, Style(font=None))
    wb.save(path)


def write_rustpy(sheet: Sheet, path: str) -> None:
    import rustpy_xlsxwriter

    rows = _rows(sheet)
    records = [dict(zip(sheet.headers, r, strict=True)) for r in rows]
    rustpy_xlsxwriter.write_worksheet(records, path, sheet_name=sheet.name, freeze_row=1,
                                      bold_headers=True, autofilter=True, datetime_format="dd/mm/yyyy")


def write_rvgsrust(sheet: Sheet, path: str) -> None:
    import rvgsrust_xlsxwriter as rx

    wb = rx.Workbook(path)
    ws = wb.add_worksheet(sheet.name)
    date_fmt = wb.add_format().set_num_format("dd/mm/yyyy")
    ws.write_row(0, 0, sheet.headers)
    for c, col in enumerate(sheet.columns):
        if col.dtype.kind == "f":
            values = col.tolist()
            ws.write_column(1, c, [None if v != v else v for v in values])
        elif any(isinstance(v, dt.datetime) for v in col[:100]):
            for r, v in enumerate(col.tolist(), 1):
                if v is not None:
                    ws.write_datetime_py(r, c, v, date_fmt)
        else:
            ws.write_column(1, c, col.tolist())
    wb.close()


CANDIDATES: dict[str, Callable[[Sheet, str], None]] = {
    "xlsxwriter-constant-memory": write_xlsxwriter,
    "pyexcelerate": write_pyexcelerate,
    "rustpy-xlsxwriter": write_rustpy,
    "rvgsrust-xlsxwriter": write_rvgsrust,
    "handwritten": write_handwritten,
}
CHOSEN = "handwritten"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", default="", help="comma-separated candidate names")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    names = [n for n in CANDIDATES if not args.only or n in args.only.split(",")]
    sheet = typical_output(args.rows)
    n_cells = args.rows * len(sheet.headers)
    print(f"{args.rows:,} rows x {len(sheet.headers)} columns = {n_cells:,} cells, best of {args.repeat}")
    print(f"{'writer':28} {'seconds':>8} {'us/cell':>8} {'rows/s':>10} {'MB':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            path = os.path.join(tmp, f"{name}.xlsx")
            best = float("inf")
            try:
                for _ in range(args.repeat):
                    gc.collect()
                    t0 = time.perf_counter()
                    CANDIDATES[name](sheet, path)
                    best = min(best, time.perf_counter() - t0)
            except ImportError as exc:
                print(f"{name:28} skipped: {exc}")
                continue
            size_mb = os.path.getsize(path) / 1e6
            mark = "  <- chosen" if name == CHOSEN else ""
            print(f"{name:28} {best:8.2f} {best / n_cells * 1e6:8.2f} {args.rows / best:10,.0f} {size_mb:6.1f}{mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
