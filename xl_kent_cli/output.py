"""What every command shares: exit codes, one-line errors, the output paths, writing an outcome
(main sheet, Errors, Summary) atomically, and printing warnings and summaries.

Exit codes: 0 written, every row OK; 1 written, some rows have problems (or awards are
outside the scheme); 2 the input or the command line is unusable, nothing written; 3 the
output is refused or cannot be written, nothing written; 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xl_kent import __version__

from .progress import Progress, stage

__all__ = [
    "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "EXIT_OUTPUT", "EXIT_INTERRUPTED", "UsageError", "OutputError",
    "Outcome", "check_paths", "default_output", "guarded", "report_reading", "side_files", "write_outcome",
    "print_summary", "warn",
    "reading", "run_line", "uk_date",
]

EXIT_OK = 0  # output written, every row OK
EXIT_PROBLEMS = 1  # output written, some rows have problems (see the Errors sheet)
EXIT_USAGE = 2  # usage error, unreadable input, missing column, no data rows: nothing written
EXIT_OUTPUT = 3  # output refused (same as the input) or could not be written: nothing written
EXIT_INTERRUPTED = 130

#: Input files from this size get a "reading ..." line on a terminal (about 20,000 rows).
_LONG_READ_BYTES = 1 << 20


class UsageError(Exception):
    """A problem with the command line or the input (exit code 2); one message."""


class OutputError(Exception):
    """The output was refused or could not be written (exit code 3); one message."""


@dataclass
class Outcome:
    """What a bulk command writes: the main sheet, Errors, Summary, and counts."""

    headers: list[str]
    columns: list[np.ndarray]
    formats: list[str]
    errors_headers: list[str]
    errors_columns: list[np.ndarray]
    summary: list[tuple[str, object]]
    n_rows: int
    n_problem_rows: int
    notes: list[str] = field(default_factory=list)  # warning lines, printed on stderr
    n_flagged: int = 0  # rows that are fine as data but need attention (awards outside the scheme)

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEMS if self.n_problem_rows or self.n_flagged else EXIT_OK


def uk_date(d) -> str:
    """``dd/mm/yyyy`` of a date or ``datetime64``."""
    return dt.date.fromisoformat(str(np.datetime64(d, "D"))).strftime("%d/%m/%Y")


def run_line(command: str) -> str:
    return f"xl-kent {__version__} {command}, run {dt.date.today():%d/%m/%Y}"


def default_output(input_path, suffix: str) -> Path:
    """``STAFF.xlsx`` -> ``STAFF.recalc.xlsx`` beside it (CSV stays CSV).

    >>> default_output("/data/staff.csv", "recalc").name
    'staff.recalc.csv'
    """
    p = Path(input_path)
    ext = ".csv" if p.suffix.lower() == ".csv" else ".xlsx"
    return p.with_name(f"{p.stem}.{suffix}{ext}")


def side_files(output: Path) -> tuple[Path, Path]:
    """Where a CSV output's Errors and Summary go: ``OUT.errors.csv``, ``OUT.summary.csv``."""
    stem = output.with_suffix("")
    return Path(f"{stem}.errors.csv"), Path(f"{stem}.summary.csv")


def check_paths(input_path, output, suffixes: Sequence[str] = (".xlsx", ".csv")) -> Path:
    """Refuse an output equal to the input, or of another type than ``suffixes``."""
    out = Path(output)
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"output {out}: the name must end in {' or '.join(suffixes)}")
    same = os.path.abspath(out) == os.path.abspath(input_path)
    try:
        same = same or (out.exists() and os.path.samefile(out, input_path))
    except OSError:
        pass
    if same:
        raise OutputError(f"refusing to write the output over the input file {input_path}: choose another -o")
    return out


def write_outcome(outcome: Outcome, output: Path, input_path, main_sheet: str, stream=None) -> list[Path]:
    """Write the outcome atomically: a workbook with Errors and Summary sheets, or three CSVs."""
    from xl_kent.files.writing import OutputFileError, Sheet, write_csv, write_xlsx

    stream = sys.stderr if stream is None else stream
    errors = Sheet("Errors", outcome.errors_headers, outcome.errors_columns,
                   ["integer", "text", "text", "text", "text"])
    items = np.array([k for k, _ in outcome.summary], dtype=object)
    vals = np.array([v for _, v in outcome.summary] or [], dtype=object)
    summary = Sheet("Summary", ["item", "value"], [items, vals], ["text", "general"], [60.0, 40.0])
    main = Sheet(main_sheet, outcome.headers, outcome.columns, outcome.formats)
    bar = Progress(f"writing {output.name}", outcome.n_rows, stream=stream)
    try:
        if output.suffix.lower() == ".csv":
            err_path, sum_path = side_files(output)
            write_csv(err_path, errors, input_path=input_path)
            write_csv(sum_path, summary, input_path=input_path)
            write_csv(output, main, input_path=input_path, progress=bar)
            written = [output, err_path, sum_path]
        else:
            write_xlsx(output, [main, errors, summary], input_path=input_path, progress=bar)
            written = [output]
    except OutputFileError as e:
        raise OutputError(str(e)) from e
    except OSError as e:
        raise OutputError(f"cannot write {output}: {e.strerror or e}") from e
    finally:
        bar.close()
    return written


def reading(path, schema, sheet=None, maps=None, stream=None):
    """Read a list file through the one reader (:func:`xl_kent.lists.source.read_list`);
    every reason it cannot be used is a :class:`UsageError`."""
    from xl_kent.files.reading import InputFileError
    from xl_kent.lists.fields import ColumnError
    from xl_kent.lists.source import read_list

    try:
        big = Path(path).stat().st_size >= _LONG_READ_BYTES
    except OSError:
        big = False
    stage(f"reading {Path(path).name} ...", stream, enabled=None if big else False)
    try:
        return read_list(path, schema, sheet=sheet, maps=maps)
    except (InputFileError, ColumnError) as e:
        raise UsageError(str(e)) from e


def guarded(prog: str, err, work):
    """``work()``, or the exit code of a :class:`UsageError` (2) or :class:`OutputError` (3)
    after its one-line message: ``(True, result)`` or ``(False, exit code)``."""
    try:
        return True, work()
    except UsageError as e:
        print(f"{prog}: error: {e}", file=err)
        return False, EXIT_USAGE
    except OutputError as e:
        print(f"{prog}: error: {e}", file=err)
        return False, EXIT_OUTPUT


def report_reading(prog: str, loaded, lines: Sequence[str], err) -> None:
    """After a successful write: where the data was found (when not the obvious place) and
    the warning lines."""
    where = loaded.where()
    if where:
        print(f"{prog}: reading {where}", file=err)
    warn(prog, lines, err)


def warn(prog: str, lines: Sequence[str], err, limit: int = 12) -> None:
    """Print warning lines on ``err`` (at most ``limit``, then how many more)."""
    for line in list(lines)[:limit]:
        print(f"{prog}: warning: {line}", file=err)
    if len(lines) > limit:
        print(f"{prog}: warning: ... and {len(lines) - limit:,} more", file=err)


def _shown(k: str, v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.2f}" if "£" in k else f"{v:,.2f}".rstrip("0").rstrip(".")
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def print_summary(outcome: Outcome, written: list[Path], out=None, limit: int = 12,
                  skip: Sequence[str] = ("column: ", "note"), where_column: str = "the status column") -> None:
    """The Summary sheet's items on ``out`` (the run line first, reasons up to ``limit``), then
    what was written and, when rows have problems, where to look."""
    out = sys.stdout if out is None else out
    shown = 0
    for k, v in outcome.summary:
        if k == "xl-kent":
            print(v, file=out)
            continue
        if (k in ("sheet", "input file") and not v) or (k == "header row" and v == 1) or any(
                k.startswith(s) for s in skip):
            continue
        if k.startswith("rows with: "):
            if shown >= limit:
                continue
            shown += 1
            k = "  " + k
        print(f"{k}: {_shown(k, v)}", file=out)
    print("written: " + ", ".join(str(p) for p in written), file=out)
    if outcome.n_problem_rows:
        where = "the Errors sheet" if written[0].suffix.lower() == ".xlsx" else str(written[1])
        print(f"{outcome.n_problem_rows:,} row(s) have problems: see {where} and {where_column} "
              f"(exit code {EXIT_PROBLEMS})", file=out)
