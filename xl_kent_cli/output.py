"""What every command shares: exit codes, one-line errors, the output paths, writing an outcome
(main sheet, Errors, Summary) atomically, and printing warnings and summaries.

Exit codes: 0 written, every row OK; 1 written, some rows have problems (or awards are
outside the scheme); 2 the input or the command line is unusable, or reading or computing
failed, nothing written; 3 the output is refused or cannot be written, nothing written;
130 interrupted (Ctrl-C), 143 terminated (SIGTERM), nothing half-written.

A failure is one line ``xl-kent COMMAND: error: ...`` of at most :data:`MAX_ERROR_CHARS`
characters, whatever went wrong (an unexpected exception is named as an internal error);
``XL_KENT_DEBUG=1`` also prints the traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xl_kent import __version__

from .progress import Progress, stage

__all__ = [
    "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "EXIT_OUTPUT", "EXIT_INTERRUPTED", "EXIT_TERMINATED", "UsageError",
    "OutputError", "Terminated", "Outcome", "check_paths", "default_output", "error_line", "excel_safe_outcome",
    "failure",
    "guarded", "report_reading", "side_files", "summary_head", "write_outcome", "writing_step", "print_summary", "warn",
    "reading", "run_line", "uk_date",
]

EXIT_OK = 0  # output written, every row OK
EXIT_PROBLEMS = 1  # output written, some rows have problems (see the Errors sheet)
EXIT_USAGE = 2  # usage error, unreadable input, missing column, no data rows: nothing written
EXIT_OUTPUT = 3  # output refused (same as the input) or could not be written: nothing written
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT): nothing half-written is left
EXIT_TERMINATED = 143  # SIGTERM (128 + 15), handled as Ctrl-C

#: The longest error line (longer messages end in "...").
MAX_ERROR_CHARS = 300
#: Set to 1 to print the traceback after an error line.
DEBUG_ENV = "XL_KENT_DEBUG"

#: Input files from this size get a "reading ..." line on a terminal (about 20,000 rows).
_LONG_READ_BYTES = 1 << 20


class UsageError(Exception):
    """A problem with the command line or the input (exit code 2); one message."""


class OutputError(Exception):
    """The output was refused or could not be written (exit code 3); one message."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as Ctrl-C raises KeyboardInterrupt (exit code 143)."""


# Line breaks, tabs and other control characters (and the bidirectional overrides) of a message.
_SPACES = re.compile(r"\s+")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def error_line(prog: str, message: object, limit: int = MAX_ERROR_CHARS) -> str:
    r"""One line ``PROG: error: MESSAGE`` of at most ``limit`` characters: line breaks become spaces,
    control characters ``?``, and a longer message loses its middle, marked ``...`` (its start
    says what is wrong, its end often what to do).

    >>> error_line("xl-kent recalc", "bad\nfile \x1b[31m")
    'xl-kent recalc: error: bad file ?[31m'
    >>> line = error_line("xl-kent", "missing columns: " + "x" * 10_000_000 + "; headers found: 'Ref'")
    >>> len(line), line[:32], "x...x" in line, line[-22:]
    (300, 'xl-kent: error: missing columns:', True, "; headers found: 'Ref'")
    """
    text = _text(message)
    if len(text) > 8 * limit:  # a huge message: only its ends can be shown
        text = f"{_clean(text[:4 * limit])} ... {_clean(text[-4 * limit:])}"
    line = _clean(f"{prog}: error: {text}").strip()
    if len(line) <= limit:
        return line
    keep = limit - 3
    head = keep * 3 // 5
    return line[:head] + "..." + line[len(line) - (keep - head):]


def _clean(text: str) -> str:
    return _CONTROLS.sub("?", _SPACES.sub(" ", text))


def _text(e: object) -> str:
    """``str(e)``, even when that fails."""
    try:
        return str(e)
    except BaseException:  # noqa: BLE001 (a broken __str__ is no reason for a traceback)
        return type(e).__name__


def failure(e: BaseException, doing: str) -> str:
    """The message of an unexpected exception ``e`` raised while ``doing`` (``"reading staff.xlsx"``):
    an internal error named by its class, or a lack of memory said in words.

    >>> failure(LookupError("no codec"), "reading staff.csv")
    'internal error while reading staff.csv (LookupError): no codec'
    >>> failure(MemoryError(), "computing the figures")
    'not enough memory while computing the figures: close other programs, or split the list'
    """
    if isinstance(e, MemoryError):
        return f"not enough memory while {doing}: close other programs, or split the list"
    text = _text(e)
    return f"internal error while {doing} ({type(e).__name__})" + (f": {text}" if text else "")


def _expected(e: BaseException) -> bool:
    """Exceptions that are not failures: they go on up (Ctrl-C, SIGTERM, sys.exit)."""
    return isinstance(e, (KeyboardInterrupt, SystemExit, GeneratorExit))


def report(prog: str, err, message: object, e: BaseException | None = None) -> None:
    """Print the one error line on ``err`` (and the traceback of ``e`` when ``XL_KENT_DEBUG`` is set)."""
    with contextlib.suppress(Exception):
        if e is not None and os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            traceback.print_exception(e, file=err)
        print(error_line(prog, message), file=err)


class _Computing(Exception):
    """An exception raised while a block of rows was worked out for the writer (see :func:`writing_step`)."""

    def __init__(self, error: BaseException):
        super().__init__(error)
        self.error = error


@contextlib.contextmanager
def writing_step(output):
    """Around a step that writes ``output``: an unexpected exception is an :class:`OutputError` (exit 3),
    an :class:`OSError` or :class:`~xl_kent.files.writing.OutputFileError` one line for the user."""
    from xl_kent.files.writing import OutputFileError

    try:
        yield
    except (OutputError, UsageError):
        raise
    except _Computing as e:  # the figures of a block, worked out as it is written: not a writing error
        raise e.error from None
    except OutputFileError as e:
        raise OutputError(str(e)) from e
    except OSError as e:
        raise OutputError(f"cannot write {output}: {e.strerror or e}") from e
    except BaseException as e:
        if _expected(e):
            raise
        raise OutputError(failure(e, f"writing {Path(output).name}")) from e


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
    first_row: int = 2  # the input file's row number of the first data row (for the Errors sheet)
    ids: np.ndarray | None = None  # each row's employee id (for the Errors sheet)
    # A list made a block of rows at a time (``columns`` a RowBlocks, ``ids`` giving the last block's
    # ids): fills in the Errors columns, the Summary and the counts once the last block is made.
    finish: object = None

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEMS if self.n_problem_rows or self.n_flagged else EXIT_OK


def summary_head(command: str, source, table) -> list[tuple[str, object]]:
    """The first Summary items of every bulk command: the run line, the file, sheet and header row read."""
    return [
        ("xl-kent", run_line(command)),
        ("input file", source or ""),
        ("sheet", getattr(table, "sheet", None) or ""),
        ("header row", int(getattr(table, "header_row", 1))),
    ]


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
    """Refuse an output of another type than ``suffixes``, and (before anything is read) an output,
    or a CSV output's side file, that is the input file or a folder."""
    out = Path(output)
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"output {out}: the name must end in {' or '.join(suffixes)}")
    for p in _output_set(out):
        same = os.path.abspath(p) == os.path.abspath(input_path)
        try:
            same = same or (p.exists() and os.path.samefile(p, input_path))
        except OSError:
            pass
        if same:
            which = "the output" if p == out else f"the output's side file {p.name}"
            raise OutputError(f"refusing to write {which} over the input file {input_path}: choose another -o")
        if p.is_dir():
            raise OutputError(f"cannot write {p}: it is a folder; give another -o")
    return out


def _output_set(output: Path) -> list[Path]:
    """The files an output is made of: a workbook, or a CSV and its two side files."""
    return [output, *side_files(output)] if output.suffix.lower() == ".csv" else [output]


def write_outcome(outcome: Outcome, output: Path, input_path, main_sheet: str, stream=None) -> list[Path]:
    """Write the outcome atomically: a workbook with Errors and Summary sheets, or three CSVs.

    Values Excel cannot hold are made safe first (:func:`excel_safe_outcome`, a block of rows at
    a time as the writer takes them); ``outcome`` is updated in place to what was written, so its
    summary and exit code count those rows. An outcome made a block of rows at a time
    (:func:`xl_kent_cli.recalc.recalc_stream`) is worked out as it is written: its Errors and
    Summary follow the main sheet.

    The three CSVs are one output: every path is checked first, they are written to temporary
    files and moved into place together (:func:`xl_kent.files.writing.all_or_nothing`), so the
    files on disk are the whole old set or the whole new set. Every failure is an
    :class:`OutputError` (exit 3).
    """
    from xl_kent.files.writing import (
        Later,
        RowBlocks,
        Sheet,
        all_or_nothing,
        check_outputs,
        write_csv,
        write_xlsx,
    )

    stream = sys.stderr if stream is None else stream
    csv = output.suffix.lower() == ".csv"
    with writing_step(output):
        written = check_outputs(_output_set(output), input_path)
        safe = _SafeBlocks(outcome, csv)
        main = Sheet(main_sheet, safe.headers, RowBlocks(outcome.n_rows, safe.make, safe.block_rows),
                     outcome.formats)

        def errors() -> Sheet:
            safe.finish()  # (after the main sheet's last block: the Errors lines are all known)
            return Sheet("Errors", outcome.errors_headers, outcome.errors_columns,
                         ["integer", "text", "text", "text", "text"])

        def summary() -> Sheet:
            items = np.array([k for k, _ in outcome.summary], dtype=object)
            vals = np.array([v for _, v in outcome.summary] or [], dtype=object)
            return Sheet("Summary", ["item", "value"], [items, vals], ["text", "general"], [60.0, 40.0])

        with Progress(f"writing {output.name}", outcome.n_rows, stream=stream) as bar:
            if csv:
                err_path, sum_path = written[1:]
                with all_or_nothing():
                    write_csv(output, main, input_path=input_path, progress=bar)
                    write_csv(err_path, errors(), input_path=input_path)
                    write_csv(sum_path, summary(), input_path=input_path)
            else:
                write_xlsx(output, [main, Later("Errors", errors), Later("Summary", summary)],
                           input_path=input_path, progress=bar)
    return written


class _SafeBlocks:
    """An outcome's main sheet made safe for Excel a block of rows at a time
    (:func:`xl_kent.files.limits.excel_safe`): each change is a line for the Errors sheet, the
    reason in the row's status, and the row counted among the rows with problems; :meth:`finish`
    (once every block is made) adds them to the outcome, with its Errors and Summary made safe."""

    def __init__(self, outcome: Outcome, csv: bool):
        from xl_kent.files.limits import HEADER_ROW, excel_safe
        from xl_kent.files.writing import RowBlocks

        self.outcome, self.csv = outcome, csv
        self.excel_safe, self.header_row = excel_safe, HEADER_ROW
        cols = outcome.columns
        if isinstance(cols, RowBlocks):
            self.source, self.block_rows = cols.make, cols.block_rows
        else:
            self.source, self.block_rows = (lambda start, stop: [c[start:stop] for c in cols]), _SAFE_BLOCK_ROWS
        self.headers, _, self.header_issues = excel_safe(outcome.headers, [np.zeros(0)] * len(outcome.headers),
                                                         csv=csv)
        self.status = outcome.headers.index("status") if "status" in outcome.headers else None
        self.issues: list = list(self.header_issues)
        self.issue_rows: list[np.ndarray] = []
        self.issue_ids: list[np.ndarray] = []
        self.new_problem_rows = 0
        self.finished = False

    def make(self, start: int, stop: int) -> list[np.ndarray]:
        """Rows ``start`` to ``stop`` of the main sheet, made safe."""
        try:
            columns = self.source(start, stop)
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as e:  # (a failure to work out the figures, not to write them)
            raise _Computing(e) from e
        _, columns, issues = self.excel_safe(self.outcome.headers, columns, csv=self.csv)
        issues = [i for i in issues if i.row != self.header_row]  # (the header's are counted once)
        if not issues:
            return columns
        rows = np.array([i.row for i in issues], dtype=np.int64)
        ids = self.outcome.ids() if callable(self.outcome.ids) else \
            (self.outcome.ids[start:stop] if self.outcome.ids is not None else None)
        ids = np.full(stop - start, "", dtype=object) if ids is None else np.asarray(ids, dtype=object)
        self.issues += issues
        self.issue_rows.append(rows + start)
        self.issue_ids.append(ids[rows])
        if self.status is None:
            self.new_problem_rows += int(np.unique(rows).size)
            return columns
        k = self.status
        status = np.array(columns[k], dtype=object)
        data_rows = np.unique(rows)
        self.new_problem_rows += int(np.isin(status[data_rows], ("OK", "", None)).sum())
        for r, i in zip(rows.tolist(), issues, strict=True):  # only the few changed cells, not every row
            status[r] = i.reason if status[r] in ("OK", "", None) else f"{status[r]}; {i.reason}"
        return [*columns[:k], status, *columns[k + 1:]]

    def finish(self) -> None:
        """Add the changes to the outcome: its Errors lines, counts and Summary (made safe too)."""
        if self.finished:
            return
        self.finished = True
        o = self.outcome
        if callable(o.finish):
            o.finish()
        _, errors_columns, _ = self.excel_safe(o.errors_headers, o.errors_columns, csv=self.csv)
        summary = o.summary
        if self.csv:
            items = np.array([k for k, _ in summary], dtype=object)
            vals = np.array([v for _, v in summary] or [], dtype=object)
            _, (items, vals), _ = self.excel_safe(["item", "value"], [items, vals], csv=True)
            summary = list(zip(items.tolist(), vals.tolist(), strict=True))
        o.errors_columns, o.summary = errors_columns, summary
        if not self.issues:
            return
        issues = self.issues
        n_header = len(self.header_issues)
        rows = np.concatenate([np.full(n_header, self.header_row, dtype=np.int64), *self.issue_rows])
        on_row = rows != self.header_row
        ids = np.concatenate([np.full(n_header, "", dtype=object), *self.issue_ids])
        extra = [
            np.where(on_row, rows + o.first_row, o.first_row - 1),
            np.where(on_row, ids, ""),
            np.array([i.header for i in issues], dtype=object),
            np.full(len(issues), "", dtype=object),
            np.array([i.reason for i in issues], dtype=object),
        ]
        o.errors_columns = [np.concatenate([np.asarray(a, dtype=object), b]) for a, b in
                            zip(o.errors_columns, extra, strict=True)]
        n_problem_rows = o.n_problem_rows + self.new_problem_rows
        o.summary = [(k, n_problem_rows if k == "rows with problems" else
                      v + len(issues) if k == "problems listed on the Errors sheet" else v) for k, v in o.summary]
        o.summary.append(("cells changed to fit Excel (see the Errors sheet)", len(issues)))
        o.n_problem_rows = n_problem_rows


#: Rows of an outcome held whole made safe at a time (as the writer takes them).
_SAFE_BLOCK_ROWS = 1 << 16


def excel_safe_outcome(outcome: Outcome, csv: bool = False) -> Outcome:
    """The outcome with every value Excel cannot hold made safe (:func:`xl_kent.files.limits.excel_safe`:
    a number beyond Excel's range is ``#NUM!``, a text over 32,767 characters is cut, control
    characters are escaped in a CSV) and each change a problem of its row: a line on the Errors
    sheet, the reason in the status column, and the row counted among the rows with problems.
    Nothing is changed silently and no run fails for such a value. (What :func:`write_outcome`
    writes, a block of rows at a time.)
    """
    import dataclasses

    changed = dataclasses.replace(outcome)
    safe = _SafeBlocks(changed, csv)
    n = outcome.n_rows
    blocks = [safe.make(start, min(start + safe.block_rows, n)) for start in range(0, n, safe.block_rows)]
    columns = [np.concatenate([b[k] for b in blocks]) if len(blocks) > 1 else blocks[0][k]
               for k in range(len(outcome.headers))] if blocks else list(outcome.columns)
    safe.finish()
    return dataclasses.replace(changed, headers=safe.headers, columns=columns)


def reading(path, schema, sheet=None, maps=None, stream=None):
    """Read a list file through the one reader (:func:`xl_kent.lists.source.read_list`);
    every reason it cannot be used (an unexpected exception too) is a :class:`UsageError`."""
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
    except (UsageError, OutputError):
        raise
    except BaseException as e:  # anything else the reader or a library raised: exit 2, one line
        if _expected(e):
            raise
        raise UsageError(failure(e, f"reading {Path(path).name}")) from e


def guarded(prog: str, err, work, doing: str = "computing the figures"):
    """``work()``, or the exit code of a failure after its one line (:func:`error_line`):
    ``(True, result)`` or ``(False, exit code)``.

    A :class:`UsageError` is exit 2 and an :class:`OutputError` exit 3; any other exception
    (MemoryError, a library's panic, a bug) is an internal error while ``doing`` (reading and
    writing wrap their own), exit 2. KeyboardInterrupt (and :class:`Terminated`) and SystemExit go on up.
    """
    from xl_kent.lists.fields import ColumnError

    try:
        return True, work()
    except (UsageError, ColumnError) as e:  # (a column problem found once the list is read: exit 2 too)
        report(prog, err, e, e)
        return False, EXIT_USAGE
    except OutputError as e:
        report(prog, err, e, e)
        return False, EXIT_OUTPUT
    except BaseException as e:
        if _expected(e):
            raise
        report(prog, err, failure(e, doing), e)
        return False, EXIT_USAGE


def report_reading(prog: str, loaded, lines: Sequence[str], err) -> None:
    """After a successful write: where the data was found (when not the obvious place) and
    the warning lines."""
    where = loaded.where()
    if where:
        print(f"{prog}: reading {where}", file=err)
    warn(prog, [*getattr(loaded, "notes", ()), *lines], err)


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
