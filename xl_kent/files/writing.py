"""Write result workbooks and CSV files atomically, with text that can never run as a formula.

Two writers: :func:`write_xlsx` (several sheets, formatted) and :func:`write_csv` (one
sheet). A sheet's columns may be given a block of rows at a time (:class:`RowBlocks`, for a
list too big to hold whole), and a workbook's later sheets once the sheets before them are
written (:class:`Later`). Both write to a temporary file beside the output (``.OUT.PID.RANDOM.tmp``) and move
it into place with :func:`os.replace` only once it is complete, so the output is either the
old file or the whole new one, never half a file; they refuse to write over the input file
or a folder. Several files that make one output (a CSV result and its side files) are
written inside :func:`all_or_nothing`: they move into place together, or none does.
Temporary files left by a killed run (their process is gone) are removed when the next
write to the same file starts (:func:`remove_leftovers`). Problems the user can fix (a
folder that does not exist, no permission, a full disk, the output being the input) raise
:class:`OutputFileError` with a one-line message.

The xlsx writer is the small streaming writer in :mod:`xl_kent.files._xlsx`, chosen over
XlsxWriter, pyexcelerate and the Rust-backed writers on PyPI by measurement (see
``docs/files.md``). The rules for values, shared by both writers:

* blank: ``None``, NaN, NaT and empty text are blank cells (empty CSV fields);
* numbers: floats as the shortest text that reads back as the same float (``repr``;
  integral floats without ``.0`` in CSV), infinities as Excel's ``#NUM!`` error;
* dates: ``datetime64`` and ``datetime.date``/``datetime`` values are dates: serial
  numbers shown as ``dd/mm/yyyy`` in xlsx, ISO ``YYYY-MM-DD`` in CSV (with
  `` HH:MM:SS`` only when a datetime has a time of day);
* booleans: xlsx booleans, ``TRUE``/``FALSE`` in CSV;
* text: always a text cell in xlsx (an inline string, never a formula; an Excel error
  string read from the input such as ``#N/A`` is written as that text). Text that
  Excel would take as a formula gets the formula guard, see :func:`guard_csv_text`.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import datetime as dt
import functools
import itertools
import math
import os
import re
import secrets
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import _xlsx
from ._ordered import OrderedWrites
from .reading import utf8_layout

__all__ = ["FORMULA_STARTS", "Later", "OutputFileError", "RowBlocks", "Sheet", "all_or_nothing", "check_outputs",
           "guard_csv_text", "remove_leftovers", "write_csv", "write_xlsx"]

# Leading characters that make Excel (or another spreadsheet) read text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text exempt from the CSV guard: a plain decimal number, optionally signed ("-12.5", "+3", "1e-05").
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Rows converted and written at a time in CSV (bounds the memory of the text built: about 10 MB a block).
CSV_BLOCK_ROWS = 1 << 15
# CSV blocks built at once (in threads; the last one is written while the next ones are built).
CSV_THREADS = 2
# Automatic column widths: characters, measured on the header and the first rows.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH_CHARS = 8.0
MAX_WIDTH_CHARS = 60.0
# Excel's rules for sheet names (a fact of the file format).
_SHEET_NAME_MAX_CHARS = 31
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


class OutputFileError(Exception):
    """An output file that cannot be written; ``str(err)`` is one line for the user."""


# A malformed sheet or block (a programming error): a ValueError never turned into an OutputFileError.
_SheetError = _xlsx.SheetError


@dataclass
class RowBlocks:
    """A sheet's columns made a block of rows at a time (for a list too big to hold whole).

    ``make(start, stop)`` returns one 1-D array per header, each ``stop - start`` long: the
    rows ``start`` to ``stop`` (0-based, ``stop`` excluded). The writers call it for the
    consecutive ranges ``[0, b)``, ``[b, 2b)``, ... (``b = block_rows``, the last one shorter),
    each exactly once, in order, in the calling thread, and make a block only when they need
    it: the next one while the previous one is formatted and written, and (xlsx) the first
    ones before anything, until :data:`WIDTH_SAMPLE_ROWS` rows are there for the automatic
    widths. So ``make`` may keep state (totals, the problems found): when the write ends
    without an error, it has seen every row once. A sheet of no rows calls ``make(0, 0)``
    once (its arrays' dtypes give the automatic widths). An error (or Ctrl-C) in ``make``
    ends the write: no output file, the old one untouched.

    A column keeps its kind of values from block to block (float, whole numbers / booleans /
    dates, or text / objects): the xlsx writer decides the size of the sheet's zip member
    from the first block; a block that breaks it is a ValueError. The bytes written are those
    of the same sheet given whole columns (the blocks joined), with one exception: an xlsx
    sheet whose text could pass 2 GiB (rows x Excel's 32,767 characters a text cell) is
    written as a Zip64 member, turned back into a plain one if it turns out smaller, which
    leaves 20 bytes of padding in its local header (see :func:`_xlsx.part_size_bound`).

    >>> rows = RowBlocks(5, lambda a, b: [np.arange(a, b) * 1.5], block_rows=2)
    >>> Sheet("S", ["x"], rows).n_rows
    5
    """

    n_rows: int
    make: Callable[[int, int], list[np.ndarray]]
    block_rows: int = 65_536


@dataclass
class Later:
    """A sheet known only once the sheets before it are written (:func:`write_xlsx`): ``make()``
    returns the :class:`Sheet` (named ``name``), called once, after every earlier sheet is written
    (so after the last block of a :class:`RowBlocks` sheet before it is made)."""

    name: str
    make: Callable[[], Sheet]


@dataclass
class Sheet:
    """One sheet of results: a header row and equally long columns.

    ``columns`` may be object arrays of cells as read (``None``, ``str``, numbers,
    ``bool``, ``datetime``), float arrays (NaN = blank), ``datetime64`` arrays (NaT =
    blank), bool, int, or text arrays; or a :class:`RowBlocks` that makes such columns a
    block of rows at a time. ``formats`` names a number format per column
    (``"general"``, ``"text"``, ``"integer"``, ``"number"``, ``"days"``, ``"hours"``,
    ``"gbp"``, ``"date"``, ``"percent"``; ``None`` = general) and ``widths`` a width
    per column in characters (``None`` = automatic). CSV ignores both.

    >>> s = Sheet("Summary", ["rows"], [np.array([3.0])])
    >>> s.n_rows
    1
    """

    name: str
    headers: list[str]
    columns: list[np.ndarray] | RowBlocks
    formats: list[str | None] | None = None
    widths: list[float] | None = None

    @property
    def n_rows(self) -> int:
        if isinstance(self.columns, RowBlocks):
            return self.columns.n_rows
        return len(self.columns[0]) if self.columns else 0

    def check(self) -> None:
        """Raise ValueError if the headers, columns, formats and widths do not line up (the blocks
        of a :class:`RowBlocks` are checked as they are made)."""
        n = len(self.headers)
        if isinstance(self.columns, RowBlocks):
            rows = self.columns
            if not isinstance(rows.n_rows, (int, np.integer)) or rows.n_rows < 0:
                raise _SheetError(f"sheet {self.name!r}: n_rows must be a whole number from 0, not {rows.n_rows!r}")
            if not isinstance(rows.block_rows, (int, np.integer)) or rows.block_rows < 1:
                raise _SheetError(f"sheet {self.name!r}: block_rows must be a whole number from 1, "
                                  f"not {rows.block_rows!r}")
            if not callable(rows.make):
                raise _SheetError(f"sheet {self.name!r}: RowBlocks.make is not callable")
        else:
            self._check_columns(self.columns, None)
        for what in ("formats", "widths"):
            given = getattr(self, what)
            if given is not None and len(given) != n:
                raise _SheetError(f"sheet {self.name!r}: {n} headers but {len(given)} {what}")
        if self.formats is not None:
            for f in self.formats:
                _xlsx.style_of(f)

    def _check_columns(self, columns, rows: tuple[int, int] | None) -> None:
        n = len(self.headers)
        where = "" if rows is None else f" in the block of rows {rows[0]:,} to {rows[1]:,}"
        if not isinstance(columns, (list, tuple)) or len(columns) != n:
            got = len(columns) if isinstance(columns, (list, tuple)) else type(columns).__name__
            raise _SheetError(f"sheet {self.name!r}: {n} headers but {got} columns{where}")
        if any(np.ndim(c) != 1 or (rows is not None and not isinstance(c, np.ndarray)) for c in columns):
            raise _SheetError(f"sheet {self.name!r}: every column must be a 1-D array{where}")
        lengths = {len(c) for c in columns}
        if rows is not None and lengths and lengths != {rows[1] - rows[0]}:
            raise _SheetError(f"sheet {self.name!r}: columns of lengths {sorted(lengths)}{where} "
                              f"(each must be {rows[1] - rows[0]:,} long)")
        if len(lengths) > 1:
            raise _SheetError(f"sheet {self.name!r}: columns of different lengths {sorted(lengths)}{where}")

    def _made_blocks(self) -> Iterator[tuple[int, int, list[np.ndarray]]]:
        """A :class:`RowBlocks` sheet's blocks as ``(start, stop, columns)``, consecutive, each made
        (and checked) when the next one is asked for; a sheet of no rows gives one empty block."""
        n, make, b = self.n_rows, self.columns.make, int(self.columns.block_rows)
        for start in range(0, max(n, 1), b):
            stop = min(start + b, n)
            cols = make(start, stop)
            self._check_columns(cols, (start, stop))
            yield start, stop, list(cols)


def guard_csv_text(text: str) -> str:
    """The CSV formula guard: prefix ``'`` to text Excel would read as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading single quote, unless the whole text is a plain decimal number (an optional
    sign, digits with an optional decimal point, an optional exponent), which Excel
    reads as that number and never runs.

    >>> guard_csv_text("=HYPERLINK(\\"http://x\\")"), guard_csv_text("-12.5"), guard_csv_text("+44 1622 694000")
    ('\\'=HYPERLINK("http://x")', '-12.5', "'+44 1622 694000")
    >>> guard_csv_text("Smith-Jones"), guard_csv_text("-")
    ('Smith-Jones', "'-")
    """
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


# ---------------------------------------------------------------- safe output paths
def _check_output(path: str | os.PathLike, input_path: str | os.PathLike | None) -> Path:
    out = Path(path)
    if out.is_dir():
        raise OutputFileError(f"cannot write {out}: it is a folder; give a file name")
    if not out.parent.is_dir():
        raise OutputFileError(f"cannot write {out}: the folder {out.parent} does not exist")
    if input_path is not None:
        inp = Path(input_path)
        same = os.path.realpath(out) == os.path.realpath(inp)
        if not same and out.exists() and inp.exists():
            same = os.path.samefile(out, inp)
        if same:
            raise OutputFileError(f"refusing to write {out}: it is the input file; give another output name")
    return out


def check_outputs(paths: Sequence[str | os.PathLike], input_path: str | os.PathLike | None = None) -> list[Path]:
    """Check every file of an output set before anything is written: none may be a folder, be in
    a folder that does not exist, be the input file, or be named twice.

    Raises
    ------
    OutputFileError
        The first path that cannot be written (one line for the user).
    """
    outs = [_check_output(p, input_path) for p in paths]
    seen: set[str] = set()
    for out in outs:
        key = os.path.normcase(os.path.realpath(out))
        if key in seen:
            raise OutputFileError(f"cannot write {out} twice in one output")
        seen.add(key)
    return outs


def _temp_name(out: Path) -> str:
    """``.OUT.PID.RANDOM.tmp`` beside ``out``: the PID tells a killed run's leftovers from a live writer's."""
    return f".{out.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def _leftover_pid(out: Path, name: str) -> int | None:
    """The PID in ``name`` if it is one of :func:`_temp_name`'s names for ``out`` (else None)."""
    prefix = f".{out.name}."
    if not (name.startswith(prefix) and name.endswith(".tmp")):
        return None
    pid, dot, rand = name[len(prefix):-len(".tmp")].partition(".")
    if not (dot and pid.isascii() and pid.isdigit() and rand and re.fullmatch(r"[A-Za-z0-9_]+", rand)):
        return None
    return int(pid)


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (True when in doubt: its file is kept)."""
    if pid <= 0 or pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        try:
            import ctypes

            kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
            kernel32.OpenProcess.restype = ctypes.c_void_p
            kernel32.GetExitCodeProcess.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_ulong)]
            kernel32.CloseHandle.argtypes = [ctypes.c_void_p]
            handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
            if not handle:
                return ctypes.get_last_error() != 87  # ERROR_INVALID_PARAMETER: no such process
            try:
                code = ctypes.c_ulong()
                if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                    return True
                return code.value == 259  # STILL_ACTIVE
            finally:
                kernel32.CloseHandle(handle)
        except Exception:  # noqa: BLE001 (in doubt, the file is kept)
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, another user's
        return True
    return True


def remove_leftovers(path: str | os.PathLike) -> list[Path]:
    """Remove the temporary files a killed run left beside ``path`` (``.NAME.PID.RANDOM.tmp`` whose
    process ``PID`` is no longer running); a live process's temporary file is never touched.

    Called when a write to ``path`` starts. Returns the files removed.
    """
    out = Path(path)
    try:
        names = os.listdir(out.parent)
    except OSError:
        return []
    removed = []
    for name in names:
        pid = _leftover_pid(out, name)
        if pid is None or _pid_alive(pid):
            continue
        with contextlib.suppress(OSError):
            os.unlink(out.parent / name)
            removed.append(out.parent / name)
    return removed


@dataclass
class _OutputSet:
    """The files of one :func:`all_or_nothing` block: complete temporary files, each with its target."""

    staged: list[tuple[str, Path]]

    def add(self, tmp: str, out: Path) -> None:
        key = os.path.normcase(os.path.realpath(out))
        if any(os.path.normcase(os.path.realpath(o)) == key for _, o in self.staged):
            raise OutputFileError(f"cannot write {out} twice in one output")
        self.staged.append((tmp, out))

    def discard(self) -> None:
        for tmp, _ in self.staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def commit(self) -> None:
        """Move every file into place, or (when a move fails) put every old file back.

        Ctrl-C and SIGTERM are held back while the files move (a few renames in one folder)
        and take effect just after, so they never split the set.
        """
        with _signals_held():
            placed: list[tuple[Path, str | None]] = []  # targets holding the new file, and their old one
            try:
                for tmp, out in self.staged:
                    backup = _set_aside(out)
                    try:
                        os.replace(tmp, out)
                    except BaseException:
                        if backup is not None:
                            _put_back(backup, out, replaced=False)
                        raise
                    placed.append((out, backup))
            except BaseException as exc:
                for out, backup in reversed(placed):
                    if backup is None:
                        with contextlib.suppress(OSError):
                            os.unlink(out)
                    else:
                        _put_back(backup, out, replaced=True)
                self.discard()
                if isinstance(exc, OSError):
                    where = self.staged[min(len(placed), len(self.staged) - 1)][1]
                    raise OutputFileError(f"cannot write {where}: {exc.strerror or exc}; "
                                          "the files already there are unchanged") from exc
                raise
            for _, backup in placed:
                if backup is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(backup)


def _set_aside(out: Path) -> str | None:
    """Keep the old ``out`` under a temporary name (a second link, else a rename); None when there is none."""
    if not os.path.lexists(out):
        return None
    backup = str(out.parent / _temp_name(out))
    try:
        os.link(out, backup, follow_symlinks=False)
    except (OSError, NotImplementedError):
        os.replace(out, backup)
    return backup


def _put_back(backup: str, out: Path, replaced: bool) -> None:
    with contextlib.suppress(OSError):
        if replaced or not os.path.lexists(out):
            os.replace(backup, out)
        else:  # the old file is still in place (the set-aside was a second link)
            os.unlink(backup)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (and SIGHUP) back in the block; one that came is raised again after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    old = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None or signal.getsignal(signum) is None:
            continue
        with contextlib.suppress(ValueError, OSError):
            old[signum] = signal.signal(signum, lambda s, _f: caught.append(s))
    try:
        yield
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])


_OUTPUT_SET: contextvars.ContextVar[_OutputSet | None] = contextvars.ContextVar("xl_kent_output_set", default=None)


@contextlib.contextmanager
def all_or_nothing() -> Iterator[None]:
    """Write several files as one output: every write in the block (:func:`write_csv`,
    :func:`write_xlsx`, and anything else built on :func:`_atomic`) goes to a temporary file
    beside its target, and the files move into place only when the block ends without an
    error. So the files on disk are the whole old set or the whole new set: an error or an
    interruption in the block leaves no new file and the old ones untouched.

    A block inside another joins it.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with all_or_nothing():
    ...     write_csv(d / "a.csv", Sheet("A", ["x"], [np.array([1.0])]))
    ...     [p.name.startswith(".a.csv.") for p in d.iterdir()]  # only a temporary file so far
    [True]
    >>> sorted(p.name for p in d.iterdir())
    ['a.csv']
    """
    if _OUTPUT_SET.get() is not None:
        yield
        return
    batch = _OutputSet([])
    token = _OUTPUT_SET.set(batch)
    try:
        try:
            yield
        finally:
            _OUTPUT_SET.reset(token)
        batch.commit()
    except BaseException:
        batch.discard()
        raise


@contextlib.contextmanager
def _atomic(out: Path) -> Iterator:
    """A binary file object for a temporary file beside ``out``, moved onto it on success (at the
    end of an :func:`all_or_nothing` block when inside one). Leftovers of a killed run's writes to
    ``out`` are removed first."""
    remove_leftovers(out)
    batch = _OUTPUT_SET.get()
    tmp = str(out.parent / _temp_name(out))
    handed = False
    try:
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except OSError as exc:
            raise OutputFileError(f"cannot write {out}: {exc.strerror or exc}") from exc
        with os.fdopen(fd, "wb") as f:
            yield f
        _copy_mode(out, tmp)
        if batch is None:
            os.replace(tmp, out)
        else:
            batch.add(tmp, out)
            handed = True
    except BaseException as exc:
        if not handed:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputFileError(f"cannot write {out}: {exc.strerror or exc}") from exc
        raise


def _copy_mode(out: Path, tmp: str) -> None:
    """Give the new file the old file's permissions, or the usual ones (the temporary file is 0600)."""
    try:
        mode = os.stat(out).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


# ---------------------------------------------------------------- xlsx
def write_xlsx(path, sheets: list[Sheet | Later], *, input_path=None,
               progress: Callable[[int], None] | None = None) -> None:
    """Write sheets to an xlsx workbook atomically.

    Each sheet gets a bold, frozen header row, its column formats and widths; the first
    sheet (the data) also gets an autofilter. Text is always written as text cells.

    Parameters
    ----------
    path : str or os.PathLike
        The workbook to write (replaced whole if it exists).
    sheets : list of Sheet or Later
        The sheets in order; names must be valid, distinct Excel sheet names. A sheet's
        columns may be :class:`RowBlocks` (made a block at a time as the sheet is written);
        a :class:`Later` is made (``make()``) once every sheet before it is written.
    input_path : str or os.PathLike, optional
        The file read; writing over it is refused.
    progress : callable, optional
        Called with the number of rows written so far (all sheets), every few thousand rows
        (every block of a :class:`RowBlocks` sheet).

    Raises
    ------
    OutputFileError
        The output cannot be written, or is the input or a folder, or a sheet does not fit
        Excel's grid (one line for the user).
    ValueError
        Malformed sheets (a programming error): mismatched columns or blocks, bad sheet names.
    """
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    names = [s.name for s in sheets]
    _check_sheet_names(names)
    for s in sheets:
        if isinstance(s, Later):
            if not callable(s.make):
                raise _SheetError(f"sheet {s.name!r}: Later.make is not callable")
        else:
            s.check()
    out = _check_output(path, input_path)
    try:  # refused before anything is made or written
        for s in sheets:
            if not isinstance(s, Later):
                _xlsx.check_fits(s.n_rows, len(s.headers))
    except ValueError as exc:
        raise OutputFileError(f"cannot write {out}: {exc}") from exc
    specs = [functools.partial(_later_spec, s, i == 0) if isinstance(s, Later) else
             functools.partial(_xlsx_spec, s, i == 0) if isinstance(s.columns, RowBlocks) else _xlsx_spec(s, i == 0)
             for i, s in enumerate(sheets)]
    with _atomic(out) as f:
        try:
            _xlsx.write_workbook(f, names, specs, progress=progress)
        except _SheetError:
            raise
        except ValueError as exc:  # data Excel cannot hold (too many rows, too long text)
            raise OutputFileError(f"cannot write {out}: {exc}") from exc


def _xlsx_spec(s: Sheet, first: bool) -> tuple:
    """What :func:`_xlsx.write_workbook` takes for a sheet; a :class:`RowBlocks` sheet's first
    blocks are made here (the widths and the zip member's size come from them)."""
    styles = [_xlsx.style_of(f) for f in (s.formats or [None] * len(s.headers))]
    if not isinstance(s.columns, RowBlocks):
        return s.headers, s.columns, styles, s.widths if s.widths is not None else auto_widths(s), first
    blocks = s._made_blocks()
    ready: deque = deque()
    for block in blocks:  # (a loop left by break leaves the generator where it is)
        ready.append(block)
        if block[1] >= min(WIDTH_SAMPLE_ROWS, s.n_rows):
            break
    if s.widths is not None:
        widths = s.widths
    else:  # the widest of each block's: the width of their first rows together
        sample = [Sheet(s.name, s.headers, [c[:max(WIDTH_SAMPLE_ROWS - start, 0)] for c in cols])
                  for start, _, cols in ready]
        widths = [max(w) for w in zip(*map(auto_widths, sample), strict=True)] if s.headers else []
    return s.headers, _xlsx.Blocks(s.n_rows, ready, blocks), styles, widths, first


def _later_spec(later: Later, first: bool) -> tuple:
    s = later.make()
    if not isinstance(s, Sheet) or s.name != later.name:
        got = repr(s.name) if isinstance(s, Sheet) else type(s).__name__
        raise _SheetError(f"sheet {later.name!r}: Later.make() must return a Sheet named so, not {got}")
    try:
        s.check()
    except ValueError as exc:  # (an unknown format too: a programming error, not the data's)
        raise exc if isinstance(exc, _SheetError) else _SheetError(str(exc)) from exc
    _xlsx.check_fits(s.n_rows, len(s.headers))
    return _xlsx_spec(s, first)


def _check_sheet_names(names: Sequence[str]) -> None:
    seen = set()
    for name in names:
        if not name or len(name) > _SHEET_NAME_MAX_CHARS or _SHEET_NAME_BAD.search(name) or name.startswith("'"):
            raise ValueError(f"{name!r} is not a valid Excel sheet name")
        if name.lower() in seen:
            raise ValueError(f"sheet name {name!r} is used twice")
        seen.add(name.lower())


def auto_widths(sheet: Sheet) -> list[float]:
    """Column widths in characters from the header and the first rows' text.

    >>> auto_widths(Sheet("S", ["id", "a much longer header"], [np.array(["E000001"]), np.array([1.5])]))
    [9.0, 22.0]
    """
    if isinstance(sheet.columns, RowBlocks):
        raise _SheetError(f"sheet {sheet.name!r}: the widths of RowBlocks come from their first blocks (write_xlsx)")
    widths = []
    for header, col in zip(sheet.headers, sheet.columns, strict=True):
        sample = col[:WIDTH_SAMPLE_ROWS]
        if sample.dtype.kind == "f":
            texts = [f"{v:,.2f}" for v in sample.tolist() if v == v and abs(v) != math.inf]
        elif sample.dtype.kind == "M":
            texts = ["dd/mm/yyyy"]
        else:
            texts = [_csv_text(v) for v in sample.tolist()]
        longest = max([len(header), *(len(t) for t in texts)])
        widths.append(float(min(max(longest + 2, MIN_WIDTH_CHARS), MAX_WIDTH_CHARS)))
    return widths


# ---------------------------------------------------------------- csv
def write_csv(path, sheet: Sheet, *, input_path=None, progress: Callable[[int], None] | None = None) -> None:
    """Write one sheet as CSV atomically: UTF-8 with a BOM, ``\\r\\n`` line ends, commas.

    Values follow the module's rules (ISO dates, ``repr`` floats without a trailing
    ``.0``, ``TRUE``/``FALSE``, blanks as empty fields); text gets the formula guard of
    :func:`guard_csv_text` and is otherwise written exactly as given, quoted only
    where CSV needs it (a comma, a double quote or a line break inside).

    Raises
    ------
    OutputFileError
        The output cannot be written, or is the input or a folder (one line for the user).
    """
    sheet.check()
    out = _check_output(path, input_path)
    try:
        import pyarrow  # noqa: F401  (the fast path; without it the pure-Python one)
    except ImportError:
        block_bytes = _python_block
    else:
        block_bytes = _arrow_block

    def build(cols: list[np.ndarray], coded: list, start: int, stop: int) -> bytes:
        """The bytes of rows ``start`` to ``stop`` of ``cols`` (``coded``: their :func:`_coded_fields`)."""
        cols = [col[start:stop] for col in cols]
        if block_bytes is _python_block:
            return _python_block(cols)
        return _arrow_block(cols, [None if c is None else c(start, stop) for c in coded])

    def coding(cols: list[np.ndarray]) -> list:
        return [None] * len(cols) if block_bytes is _python_block else [_coded_fields(col) for col in cols]

    with _atomic(out) as raw:
        raw.write(codecs.BOM_UTF8 + (",".join(_quote_all([guard_csv_text(h) for h in sheet.headers])) + "\r\n").encode())
        with ThreadPoolExecutor(CSV_THREADS) as pool, ThreadPoolExecutor(1) as writer:
            pending: deque = deque()  # (pyarrow's kernels let another block be built meanwhile)
            pieces = OrderedWrites(pool, writer)
            try:
                if isinstance(sheet.columns, RowBlocks):
                    # The next block is made (here, in the calling thread) while the pool formats this
                    # one and the writer thread writes the one before, in order: making, formatting
                    # and writing the file overlap, with at most CSV_THREADS pieces unwritten.
                    for first, last, cols in sheet._made_blocks():
                        coded = coding(cols)
                        for a in range(0, last - first, CSV_BLOCK_ROWS):
                            pieces.add(functools.partial(build, cols, coded, a, a + CSV_BLOCK_ROWS),
                                       functools.partial(_write_piece, raw, out, first + a,
                                                         min(first + a + CSV_BLOCK_ROWS, last), progress))
                        del cols, coded
                        pieces.settle(CSV_THREADS)
                    pieces.settle(0)
                    return
                n = sheet.n_rows
                cols, coded = sheet.columns, coding(sheet.columns)
                starts = range(0, n, CSV_BLOCK_ROWS)
                for start in starts[:CSV_THREADS]:
                    pending.append((0, 0, pool.submit(build, cols, coded, start, start + CSV_BLOCK_ROWS)))
                for k, start in enumerate(starts):
                    stop = min(start + CSV_BLOCK_ROWS, n)
                    block = pending.popleft()[2].result()
                    if k + CSV_THREADS < len(starts):
                        at = starts[k + CSV_THREADS]
                        pending.append((0, 0, pool.submit(build, cols, coded, at, at + CSV_BLOCK_ROWS)))
                    _write_block(raw, block, out, start, stop, progress)
            except BaseException:  # an error or Ctrl-C: the blocks not started are dropped, not built
                for *_, future in pending:
                    future.cancel()
                pieces.cancel()
                raise


def _write_piece(raw, out: Path, start: int, stop: int, progress, block: bytes) -> None:
    """:func:`_write_block`, the block last (as :class:`._ordered.OrderedWrites` hands it)."""
    _write_block(raw, block, out, start, stop, progress)


def _write_block(raw, block: bytes, out: Path, start: int, stop: int, progress) -> None:
    if b"\x00" in block:  # a reader (ours included) takes a NUL byte for a binary file
        raise OutputFileError(f"{out}: a text cell in rows {start + 1}-{stop} holds a NUL character, "
                              "which a CSV file cannot carry; write xlsx instead")
    raw.write(block)
    if progress is not None:
        progress(stop)


def _python_block(columns: list[np.ndarray]) -> bytes:
    """The CSV bytes of a block of rows (``\\r\\n`` after each), one Python list of texts per column."""
    texts = [csv_column(col) for col in columns]
    texts = [_quote_all(t) if col.dtype.kind in "OUS" and _NEEDS_QUOTES.search("".join(t)) else t
             for t, col in zip(texts, columns, strict=True)]
    return ("\r\n".join(map(",".join, zip(*texts, strict=True))) + "\r\n").encode()


def _arrow_block(columns: list[np.ndarray], ready: Sequence | None = None) -> bytes:
    """:func:`_python_block` with the columns formatted and the lines joined by pyarrow, in C.

    Text columns are guarded and quoted with Arrow's string kernels (texts that start like
    a formula and are not plain ASCII go through :func:`guard_csv_text`), float columns are
    cast by Arrow where its text is Python's ``repr`` (checked once, :func:`_arrow_repr_ok`),
    and anything else is formatted by :func:`csv_column`. The bytes are the same. ``ready``
    holds, per column, its fields already made (:func:`_coded_fields`) or None.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not columns or not len(columns[0]):
        return _python_block(columns)
    ready = ready or [None] * len(columns)
    try:
        texts = [_arrow_texts(col, pa, pc) if r is None else r() for col, r in zip(columns, ready, strict=True)]
    except (pa.ArrowException, UnicodeError):  # text UTF-8 cannot carry (lone surrogates): as before
        return _python_block(columns)
    texts[-1] = pc.binary_join_element_wise(texts[-1], pa.scalar("\r\n"), "")  # (the line end: one short column)
    lines = pc.binary_join_element_wise(*texts, ",")
    del texts
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    first, last = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    data = lines.buffers()[2]
    if first == 0 and last == data.size:
        return data.to_pybytes()
    return memoryview(data)[first:last].tobytes()


def _repeated_texts(col: np.ndarray):
    """A column of text and blanks with few distinct values (a reason, a status) as its
    distinct cells and each row's index into them (a :class:`xl_kent.files.reading.Coded`), or None."""
    from .reading import Coded

    items = col.tolist()
    probe = items[:_PROBE_CELLS]
    if not set(map(type, probe)) <= {str, type(None)} or len(set(probe)) > len(probe) // 4:
        return None
    index: dict = {}  # each distinct cell -> the row it first appears on
    first = np.fromiter(map(index.setdefault, items, itertools.count()), dtype=np.int64, count=len(items))
    if not set(map(type, index)) <= {str, type(None)}:  # (True == 1 == 1.0: only text is keyed safely)
        return None
    labels = np.empty(len(index), dtype=object)
    labels[:] = list(index)
    return Coded(labels, np.searchsorted(np.fromiter(index.values(), dtype=np.int64, count=len(index)), first), None)


#: Cells looked at to decide whether a column has few distinct values.
_PROBE_CELLS = 2000


def _coded_fields(col: np.ndarray):
    """For a column the CSV reader coded (:func:`xl_kent.files.reading.coded`; shortcuts on),
    or a text column with few distinct values (:func:`_repeated_texts`):
    ``fields(start, stop)``, giving a function that makes the CSV fields of those rows as
    :func:`_arrow_texts` does, from the reader's Arrow form (repeated texts: each distinct one
    guarded and quoted once). Else None."""
    from .._arrays import fast, once_per_array
    from .reading import coded

    if not fast() or col.dtype.kind != "O":
        return None
    c, at = _coded_view(col, coded)
    c = c or _repeated_texts(col)
    if c is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(col)
    if c.labels is not None:
        try:  # (the labels every block of a column read shares: guarded and quoted once)
            labels = once_per_array("csv fields", lambda v: _arrow_texts(v, pa, pc), c.labels)
        except (pa.ArrowException, UnicodeError):
            return None
        codes = c.codes[at:at + n]
        return lambda start, stop: lambda: labels.take(pa.array(codes[start:stop]))
    text = c.text.slice(at, n)
    return lambda start, stop: lambda: _arrow_guard_quote(text.slice(start, stop - start), pa, pc).fill_null("")


def _coded_view(col: np.ndarray, coded) -> tuple:
    """``(the Coded form, the first row)`` of a column the CSV reader coded, or of a plain slice
    of one (a block of a :class:`RowBlocks` sheet cut from the column read); ``(None, 0)`` else.
    ``coded`` checks that the column read still holds the objects it was read with."""
    c = coded(col)
    if c is not None:
        return c, 0
    base = col.base
    if not (isinstance(base, np.ndarray) and base.dtype == object and base.ndim == 1 and len(col)
            and col.strides == base.strides == (base.itemsize,)):
        return None, 0
    at, rem = divmod(col.__array_interface__["data"][0] - base.__array_interface__["data"][0], base.itemsize)
    if rem or at < 0 or at + len(col) > len(base):
        return None, 0
    c = coded(base)
    return (c, at) if c is not None else (None, 0)


def _arrow_texts(col: np.ndarray, pa, pc):
    """A column's CSV fields as an Arrow string array without nulls (guarded and quoted)."""
    kind = col.dtype.kind
    if kind == "f" and _arrow_repr_ok():
        return _arrow_floats(col.astype(np.float64, copy=False), pa, pc)
    if kind in "iu":
        return pc.cast(pa.array(col), pa.string())
    if kind == "b":
        return pc.if_else(pa.array(col), "TRUE", "FALSE")
    if kind in "OU":
        try:
            arr = pa.array(col)  # typed only when every cell is str (or bool), else mixed: Python
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            arr = None
        if arr is not None and pa.types.is_string(arr.type):
            return _arrow_guard_quote(arr, pa, pc).fill_null("")
        if arr is not None and pa.types.is_boolean(arr.type):
            return pc.if_else(arr, "TRUE", "FALSE").fill_null("")
    texts = csv_column(col)
    if kind in "OUS" and _NEEDS_QUOTES.search("".join(texts)):
        texts = _quote_all(texts)
    return pa.array(texts, type=pa.string())


# Text starting like a formula is guarded unless a plain number (ASCII text; the rest in Python).
_ARROW_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\z"


def _arrow_guard_quote(s, pa, pc):
    """:func:`guard_csv_text` then CSV quoting where needed, on an Arrow string array.

    Which cells start like a formula and which hold a character that needs quotes is read
    off the array's UTF-8 bytes with numpy (those characters are all ASCII).
    """
    if not isinstance(s, pa.StringArray):
        s = pa.array(s, type=pa.string()) if not isinstance(s, pa.ChunkedArray) else s.combine_chunks()
    offsets, data = utf8_layout(s)
    n = len(s)
    first = np.zeros(n, dtype=np.uint8)
    filled = (offsets[1:] > offsets[:-1]) & s.is_valid().to_numpy(zero_copy_only=False)
    first[filled] = data[offsets[:-1][filled]]
    starts = _FORMULA_BYTES[first]
    if starts.any():
        starts = pa.array(starts)
        ascii_ = pc.string_is_ascii(s).fill_null(False)
        plain = pc.match_substring_regex(s, _ARROW_PLAIN_NUMBER).fill_null(False)
        guard = pc.and_(pc.and_(starts, ascii_), pc.invert(plain))
        s = pc.if_else(guard, pc.binary_join_element_wise(pa.scalar("'"), s, ""), s)
        other = pc.and_(starts, pc.invert(ascii_))
        if pc.any(other).as_py():  # non-ASCII: Python's \\d takes any Unicode digit
            fixed = [guard_csv_text(t) for t in s.filter(other).to_pylist()]
            s = pc.replace_with_mask(s, other, pa.array(fixed, type=pa.string()))
        offsets, data = utf8_layout(s)
    at = np.flatnonzero(_QUOTE_BYTES[data[offsets[0]:offsets[-1]]]) + offsets[0]
    if at.size:
        quote = np.zeros(n, dtype=bool)
        quote[np.searchsorted(offsets, at, side="right") - 1] = True
        quoted = pc.binary_join_element_wise(pa.scalar('"'), pc.replace_substring(s, '"', '""'), pa.scalar('"'), "")
        s = pc.if_else(pa.array(quote), quoted, s)
    return s


def _byte_table(chars: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(chars.encode("ascii"))] = True
    return table


_FORMULA_BYTES = _byte_table("".join(FORMULA_STARTS))
_QUOTE_BYTES = _byte_table(',"\r\n')


def _arrow_floats(values: np.ndarray, pa, pc):
    """:func:`_float_texts` as an Arrow string array: Arrow's cast where it prints as ``repr``.

    The cells are sorted into kinds (whole numbers, cast as int64; others Arrow casts as
    ``repr``; the rest, from Python; blanks and ``#NUM!``), each kind made in one go from
    its own values, and the rows put back in order by one gather.
    """
    n = len(values)
    size = np.abs(values)
    finite = np.isfinite(values)
    from .._arrays import fast

    if fast() and _arrow_integral_ok():  # the usual column: one cast, blanks and #NUM! around it
        # Every finite value below the cast's top, and none between 0 and its bottom (a value
        # there is not whole): each is then a whole number (the integer's text) or in the
        # cast's range, the two kinds of the general code below that Arrow's one cast prints.
        with np.errstate(invalid="ignore"):
            beyond = ((size >= _ARROW_REPR_HIGH) & finite) | ((size > 0) & (size < _ARROW_REPR_LOW))
        if not beyond.any():
            arr = pa.array(values + 0.0, mask=None if finite.all() else ~finite)  # (-0.0 + 0.0 is 0.0: "0")
            if n >= 2 * _PROBE_CELLS and pc.count_distinct(arr.slice(0, _PROBE_CELLS)).as_py() <= _PROBE_CELLS // 4:
                # Few distinct values (days, weeks, rates): each distinct one is cast once, by the
                # same cast, and the rows take their text (a hash of the values, no sort); the
                # blank is one more distinct value, its text made once too.
                encoded = pc.dictionary_encode(arr, null_encoding="encode")
                texts = pc.cast(encoded.dictionary, pa.string()).fill_null("").take(encoded.indices)
            else:
                texts = pc.cast(arr, pa.string())
            infinite = np.isinf(values)
            if infinite.any():
                texts = pc.if_else(pa.array(infinite), pa.scalar("#NUM!"), texts)
            return texts.fill_null("") if texts.null_count else texts
    with np.errstate(invalid="ignore"):
        integral = (values == np.round(values)) & (size < 1e15)  # (NaN and infinities are not)
        cast_ok = (size >= _ARROW_REPR_LOW) & (size < _ARROW_REPR_HIGH) & ~integral
    rest = finite & ~integral & ~cast_ok
    kinds = ((integral, lambda v: pc.cast(pa.array(v.astype(np.int64)), pa.string())),
             (cast_ok, lambda v: pc.cast(pa.array(v), pa.string())),
             (rest, lambda v: pa.array(_float_texts(v), type=pa.string())))
    parts = []
    at = np.empty(n, dtype=np.int32)  # each row's place in the parts joined
    base = 0
    for mask, make in kinds:
        k = int(np.count_nonzero(mask))
        if k == n:  # one kind: the rows are in order already
            return make(values)
        if k:
            at[mask] = np.arange(base, base + k, dtype=np.int32)
            parts.append(make(values[mask]))
            base += k
    if base < n:  # NaN blank, infinities Excel's #NUM!
        parts.append(pa.array(["", "#NUM!"], type=pa.string()))
        at[np.isnan(values)] = base
        at[np.isinf(values)] = base + 1
    return pa.concat_arrays(parts).take(pa.array(at))


# Sizes between which Arrow's float to text cast gives Python's repr (shortest round trip,
# no exponent); outside them (and for integral floats) the text comes from Python.
_ARROW_REPR_LOW, _ARROW_REPR_HIGH = 1e-4, 1e10
_ARROW_REPR_PROBES = (0.1, 0.2, 1 / 3, 2 / 3, 1.5, 199.8, 214.60000000000002, 149.08333333333334, 1764.54,
                      0.0001, 0.00012345678901234, 123456789.123, 9999999999.999998, 2.675,
                      1.0000000000000002, 0.30000000000000004, 1234.5, 3.141592653589793)


@functools.cache
def _arrow_integral_ok() -> bool:
    """Whether this pyarrow casts whole-number floats below :data:`_ARROW_REPR_HIGH` to the text of
    the integer (``27.0`` -> ``"27"``, as :func:`_float_texts` writes them), checked once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    probes = np.array([0.0, 1.0, -1.0, 27.0, 100.0, 1e9, 9999999999.0, -123456.0, 2.0**33], dtype=np.float64)
    try:
        got = pc.cast(pa.array(probes), pa.string()).to_pylist()
    except pa.ArrowException:
        return False
    return got == [str(int(v)) for v in probes.tolist()] and _arrow_repr_ok()


@functools.cache
def _arrow_repr_ok() -> bool:
    """Whether this pyarrow's float to text cast prints Python's ``repr`` in the range used."""
    import pyarrow as pa
    import pyarrow.compute as pc

    probes = [s * v for v in _ARROW_REPR_PROBES for s in (1, -1)]
    return pc.cast(pa.array(probes, type=pa.float64()), pa.string()).to_pylist() == [repr(v) for v in probes]


_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def _quote_all(texts: list[str]) -> list[str]:
    """Quote the fields that need it, as Excel and the csv module do (doubling inner quotes)."""
    return ['"' + t.replace('"', '""') + '"' if _NEEDS_QUOTES.search(t) else t for t in texts]


def csv_column(values: np.ndarray) -> list[str]:
    """CSV field text of one column (guarded), in bulk where the dtype allows.

    >>> csv_column(np.array([1.0, 2.5, np.nan, 1e5, -0.1]))
    ['1', '2.5', '', '100000', '-0.1']
    >>> csv_column(np.array(["2024-03-01", "NaT"], "datetime64[D]"))
    ['2024-03-01', '']
    >>> csv_column(np.array([None, "=1+1", 3.0, True, dt.datetime(2024, 3, 1)], dtype=object))
    ['', "'=1+1", '3', 'TRUE', '2024-03-01']
    """
    kind = values.dtype.kind
    if kind == "f":
        return _float_texts(values.astype(np.float64, copy=False))
    if kind in "iu":
        return repr(values.tolist())[1:-1].split(", ") if len(values) else []
    if kind == "b":
        return ["TRUE" if v else "FALSE" for v in values.tolist()]
    if kind == "M":
        days = values.astype("datetime64[D]")
        texts = np.datetime_as_string(days).tolist()
        if not (values == days).all():  # a time of day somewhere
            return [_csv_text(v) for v in values.astype("datetime64[us]").astype(object).tolist()]
        return ["" if t == "NaT" else t for t in texts]
    items = values.tolist()
    types = set(map(type, items))
    if types <= {str, type(None)}:
        texts = [v or "" for v in items]
        if _GUARD_IN_JOINED.search("\n".join(texts)):
            return [guard_csv_text(v) for v in texts]
        return texts
    if types <= {float, type(None)}:
        return _float_texts(np.array([np.nan if v is None else v for v in items], dtype=np.float64))
    return [_csv_text(v) for v in items]


_GUARD_IN_JOINED = re.compile(r"(?:\A|\n)[=+\-@\t\r]")


def _float_texts(values: np.ndarray) -> list[str]:
    # Integral floats of moderate size print as integers; the rest as repr (shortest round trip).
    if not len(values):
        return []
    integral = (values == np.round(values)) & (np.abs(values) < 1e15)
    texts = repr(values.tolist())[1:-1].split(", ")  # one C call: repr of every float
    if integral.any():
        ints = values[integral].astype(np.int64).tolist()
        for i, v in zip(np.flatnonzero(integral).tolist(), ints, strict=True):
            texts[i] = str(v)
    bad = ~np.isfinite(values)
    if bad.any():
        for i in np.flatnonzero(bad).tolist():
            texts[i] = "" if math.isnan(values[i]) else "#NUM!"
    return texts


def _csv_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return guard_csv_text(v)
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return _float_texts(np.array([float(v)]))[0]
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(" ", "seconds")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, np.datetime64):
        return "" if np.isnat(v) else _csv_text(v.astype("datetime64[us]").item())
    return guard_csv_text(str(v))
