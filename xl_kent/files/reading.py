"""Read a staff list (xlsx or CSV) into columns of cells, refusing unsafe or broken files.

:func:`read_table` returns a :class:`Table`: the header row as text and one object array
of cells per column, exactly as the file holds them (no type guessing for CSV).
:func:`list_sheets` lists a workbook's worksheets and whether each is visible. Anything
that cannot be read safely raises :class:`InputFileError`, whose message is one line
naming the file and the reason. The rules (see ``docs/files.md``):

* the file type comes from its content (a zip is a workbook; an old binary ``.xls`` or an
  OpenDocument file is refused), else from the extension: ``.xlsx``/``.xlsm`` workbooks,
  ``.csv``/``.txt`` text;
* the sheet read is the one named (``sheet=``, hidden or not), else the first *visible*
  worksheet. With a ``scorer`` (a function the caller gives that rates how well a row
  matches the expected column headers, see :data:`Scorer`), the visible worksheets are
  tried in workbook order: the first whose header row is complete is read (the others
  are not loaded), else the best-scoring one (the earlier on a tie), else (every score
  0) the first visible one. Chart sheets are never read;
* the header is the first row that is not blank; with a ``scorer``, it is the row the
  scorer picks among the :data:`HEADER_SCAN_ROWS` rows from that one on (for CSV, those
  within the first :data:`SNIFF_BYTES` characters); rows above it, such as titles, are
  not data. Data rows follow the header; blank rows inside the data
  are kept (as rows of ``None``) and blank rows after the last data are dropped, as are
  trailing columns with neither a header nor data (cells above the header do not count);
* xlsx cells: ``None`` (blank or empty text), ``str``, ``float``, ``bool``,
  ``datetime.datetime``/``date``/``time``/``timedelta`` for date and time cells, and an
  error cell as its error text (``"#N/A"``, ``"#VALUE!"``, ...). Excel's ``_xHHHH_``
  escapes in text are decoded (by the reader, as Excel does);
* CSV cells: each field's text exactly as in the file, ``None`` for an empty field.
  UTF-8 (with or without a byte-order mark), else UTF-16 with a byte-order mark, else
  Windows-1252; the delimiter is whichever of comma, semicolon or tab is most common in
  the first line that is not empty (comma on a tie); with a ``scorer``, the other two are
  tried as well and the one whose header scores best is kept (that first guess on a tie).
  Any line endings. Short rows are padded with ``None``; extra fields are kept in extra
  columns headed ``""``. Rows are counted as records (a quoted line break stays inside
  its row).
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
import os
import zipfile
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = ["HEADER_SCAN_ROWS", "InputFileError", "MAX_CSV_BYTES", "MAX_CSV_CELLS", "Scorer", "SheetInfo", "Table",
           "list_sheets", "read_table"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
SUPPORTED = "an Excel workbook (.xlsx, .xlsm) or a CSV file (.csv, .txt)"
# Rows (from the first non-blank one) a scorer is shown to find the header in.
HEADER_SCAN_ROWS = 30
# CSV limits: bytes of the file, and fields (rows x columns) kept.
MAX_CSV_BYTES = 2 << 30
MAX_CSV_CELLS = 50_000_000
# Rows parsed and turned into columns at a time (bounds the transient row lists).
CSV_BLOCK_ROWS = 100_000
# Longest CSV field in characters (Excel's cell limit is 32,767; this only stops runaway quotes).
CSV_MAX_FIELD_CHARS = 1 << 20
# Bytes pyarrow parses at a time (a quoted field may not span two blocks: longer ones go to Python).
ARROW_BLOCK_BYTES = 16 << 20
# Characters at the start of a CSV file looked at for the delimiter and the header row.
SNIFF_BYTES = 64 << 10
_DELIMITERS = (",", ";", "\t")
# Share of repeated values in a column's first block above which its text is de-duplicated.
_DEDUPE_BELOW_UNIQUE_SHARE = 0.5

Scorer = Callable[[list[list]], tuple[float, "int | None", bool]]
"""``scorer(rows) -> (score, header_index, complete)``, given by the caller of :func:`read_table`.

``rows`` are the first :data:`HEADER_SCAN_ROWS` rows of a sheet or CSV file from its
first non-blank row on, as lists of cells (``None`` for blank; blank rows are kept, so an
index is a row offset). A sheet's rows are all as wide as its used range, from column A;
a CSV file's rows have the fields each record has (``[]`` for a blank line). ``score``
rates the best header row found (0 = none), ``header_index`` is its index in ``rows``
(``None``: no header found, the first non-blank row is taken) and ``complete`` says
whether it holds every required column.
"""


class InputFileError(Exception):
    """A file that cannot be read safely; ``str(err)`` is one line naming the file and the reason."""


@dataclass(frozen=True)
class SheetInfo:
    """A worksheet of a workbook, as :func:`list_sheets` gives it.

    Attributes
    ----------
    name : str
        The sheet's name (``""`` for a CSV file).
    visible : bool
        False for a hidden or "very hidden" sheet.
    """

    name: str
    visible: bool


@dataclass
class Table:
    """A staff list as read: header texts and one object array of cells per column.

    Attributes
    ----------
    headers : list of str
        The header row's texts, stripped (``""`` for an empty header cell).
    columns : list of numpy.ndarray
        One object array of cells per header, all the same length.
    first_row : int
        The 1-based row of the sheet (CSV: record of the file) of data row 0.
    sheet : str or None
        The worksheet read (``None`` for CSV).
    kind : str
        ``"xlsx"`` or ``"csv"``.
    header_row : int
        The 1-based row of the header; by default the row above ``first_row``.
    skipped_sheets : list of str
        The visible worksheets looked at (with a scorer) and not chosen, in workbook order.

    Examples
    --------
    >>> t = Table(["id"], [np.array(["E1", None], dtype=object)], first_row=2, sheet=None, kind="csv")
    >>> t.n_rows, t.header_row, t.skipped_sheets
    (2, 1, [])
    """

    headers: list[str]
    columns: list[np.ndarray]
    first_row: int
    sheet: str | None
    kind: str
    header_row: int = 0
    skipped_sheets: list[str] = field(default_factory=list)

    def __post_init__(self):
        if self.header_row <= 0:
            self.header_row = self.first_row - 1

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        return len(self.columns[0]) if self.columns else 0


def read_table(path, *, sheet: str | None = None, scorer: Scorer | None = None) -> Table:
    """Read a workbook sheet or a CSV file.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    sheet : str, optional
        The worksheet to read (xlsx only; exact name, else case-insensitive; a hidden
        sheet is read when named). Default: the first visible worksheet, or with a
        ``scorer`` the visible worksheet whose header it rates best.
    scorer : callable, optional
        ``scorer(rows) -> (score, header_index, complete)`` (see :data:`Scorer`): chooses
        the header row among the first :data:`HEADER_SCAN_ROWS` rows from the first
        non-blank one, and (xlsx, no ``sheet``) the sheet: the first visible worksheet
        whose header is ``complete``, else the highest score (the earlier sheet on a
        tie), else (every score 0) the first visible worksheet with its first non-blank
        row as the header. A ``header_index`` that is ``None``, outside ``rows`` or of a
        blank row means the first non-blank row.

    Returns
    -------
    Table
        With ``header_row`` and ``first_row`` the file's rows of the header and of data
        row 0, and ``skipped_sheets`` the visible sheets looked at and not chosen.

    Raises
    ------
    InputFileError
        The file is missing, empty, of an unsupported type, damaged, or unsafe (zip bomb,
        XML with a DTD, absurd sheet size), or has no such sheet or no visible worksheet;
        the message is one line for the user.
    """
    p, kind, size = _file_kind(path)
    if kind == "xlsx":
        return _read_xlsx(p, sheet, scorer)
    return _read_csv(p, size, scorer)


def list_sheets(path) -> list[SheetInfo]:
    """The worksheets of a workbook in workbook order, with their visibility.

    Parameters
    ----------
    path : str or os.PathLike
        An xlsx workbook or a CSV file.

    Returns
    -------
    list of SheetInfo
        One per worksheet (chart sheets and other kinds of sheet are not listed); for a
        CSV file ``[SheetInfo("", True)]``.

    Raises
    ------
    InputFileError
        As :func:`read_table`, for the checks made before a sheet is loaded (the file,
        the zip, the workbook's XML parts; a CSV file's size).
    """
    p, kind, size = _file_kind(path)
    if kind == "csv":
        _check_csv_size(p, size)
        return [SheetInfo("", True)]
    from . import _xlsx_guard as guard

    with _open_zip(p) as zf:
        with _guarded(p, guard):
            parts = _workbook_sheets(zf, guard)
            _check_parts(zf, guard, skip=None)
    return [SheetInfo(s.name, s.visible) for s in parts]


def _file_kind(path) -> tuple[Path, str, int]:
    """The path, ``"xlsx"`` or ``"csv"`` (from the content, else the extension), and the size."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputFileError(f"{p}: no such file") from None
    except OSError as exc:
        raise InputFileError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    if p.is_dir():
        raise InputFileError(f"{p}: is a folder, not a file")
    if size == 0:
        raise InputFileError(f"{p}: is empty")
    try:
        with open(p, "rb") as f:
            magic = f.read(8)
    except OSError as exc:
        raise InputFileError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    suffix = p.suffix.lower()
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(f"{p}: is an old-style .xls workbook or a password-protected one; "
                             f"save it as .xlsx (without a password) or CSV")
    if magic.startswith(b"PK"):
        return p, "xlsx", size
    if suffix in XLSX_SUFFIXES:
        raise InputFileError(f"{p}: is not a valid Excel workbook (not a zip file)")
    if suffix in CSV_SUFFIXES:
        return p, "csv", size
    raise InputFileError(f"{p}: {suffix or 'a file without an extension'} is not supported; "
                         f"give {SUPPORTED}")


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _valid_index(k, rows: list[list]) -> int | None:
    """The scorer's header index if it names a non-blank row of ``rows``, else None."""
    if k is None or isinstance(k, bool):
        return None
    try:
        k = operator.index(k)
    except TypeError:
        return None
    if 0 <= k < len(rows) and any(v is not None for v in rows[k]):
        return k
    return None


# ---------------------------------------------------------------- xlsx
class _Part(NamedTuple):
    name: str
    part: str
    visible: bool


def _open_zip(p: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputFileError(f"{p}: is damaged or not a workbook ({_reason(exc)})") from None


@contextmanager
def _guarded(p: Path, guard):
    """Turn the guard's refusals and zip errors inside the block into :class:`InputFileError`."""
    try:
        yield
    except guard.GuardError as exc:
        raise InputFileError(f"{p}: {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise InputFileError(f"{p}: is damaged ({_reason(exc)})") from None


def _workbook_sheets(zf: zipfile.ZipFile, guard) -> list[_Part]:
    """Check the zip directory and the workbook part; the worksheets, in workbook order."""
    guard.check_directory(zf)
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and b"opendocument" in zf.read("mimetype")[:100]:
            raise guard.GuardError("is an OpenDocument spreadsheet; save it as .xlsx or CSV")
        raise guard.GuardError("is a zip file but not an Excel workbook (no xl/workbook.xml)")
    sheets = _sheet_parts(zf, guard)
    if not sheets:
        raise guard.GuardError("has no worksheets")
    return sheets


def _sheet_parts(zf: zipfile.ZipFile, guard) -> list[_Part]:
    """(sheet name, part path, visible) of each worksheet, in workbook order."""
    wb = guard.parse_xml(guard.read_part(zf, "xl/workbook.xml"), "xl/workbook.xml")
    rels_name = "xl/_rels/workbook.xml.rels"
    targets = {}
    if rels_name in zf.namelist():
        rels = guard.parse_xml(guard.read_part(zf, rels_name), rels_name)
        for rel in rels:
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = os.path.normpath(target).replace(os.sep, "/")
    out = []
    for elem in wb.iter():
        if elem.tag.rsplit("}", 1)[-1] == "sheet":
            rid = next((v for k, v in elem.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            target = targets.get(rid, "")
            if "worksheets/" in target:
                hidden = elem.get("state", "visible").lower() in ("hidden", "veryhidden")
                out.append(_Part(elem.get("name", ""), target, not hidden))
    return out


def _check_parts(zf: zipfile.ZipFile, guard, skip: str | None) -> None:
    """Refuse a DTD in any XML part the reader may parse (``skip``: the sheet part
    :func:`_load_sheet` checks anyway) and a bomb in the shared strings."""
    for info in zf.infolist():
        if info.filename.endswith((".xml", ".rels")) and info.filename != skip:
            guard.check_prolog(zf, info)
            if info.filename == "xl/sharedStrings.xml":  # real size, whatever the directory says
                for _ in guard.inflate(zf, info):
                    pass


def _candidates(sheets: list[_Part], sheet: str | None, guard) -> list[_Part]:
    """The named sheet, else the visible worksheets in workbook order."""
    if sheet is not None:
        found = [s for s in sheets if s.name == sheet] or [s for s in sheets if s.name.lower() == sheet.lower()]
        if not found:
            raise guard.GuardError(f"has no sheet {sheet!r} (it has {', '.join(repr(s.name) for s in sheets)})")
        return found[:1]
    visible = [s for s in sheets if s.visible]
    if not visible:
        raise guard.GuardError(f"has no visible worksheet (hidden: {', '.join(repr(s.name) for s in sheets)}); "
                               "name the sheet to read")
    return visible


class _Book:
    """A checked workbook being read: the open zip (for the guard) and the calamine reader."""

    def __init__(self, p: Path, zf: zipfile.ZipFile, guard):
        self.p, self.zf, self.guard = p, zf, guard
        self.names = set(zf.namelist())
        self._reader = None

    def reader(self):
        """The calamine workbook, opened on first use (after the workbook-wide checks)."""
        if self._reader is None:
            import python_calamine

            self._reader = _calamine(self.p, python_calamine.CalamineWorkbook.from_path, str(self.p))
        return self._reader

    def rows(self, ws, nrows: int | None = None) -> list[list]:
        """A loaded sheet's rows from row 1 and column A (``nrows``: at most that many)."""
        return _calamine(self.p, ws.to_python, skip_empty_area=False, nrows=nrows)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _calamine(p: Path, fn, *args, **kwargs):
    import python_calamine

    try:
        return fn(*args, **kwargs)
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise InputFileError(f"{p}: cannot be read ({_reason(exc)})") from None


def _load_sheet(book: _Book, part: _Part) -> tuple[object, dict[tuple[int, int], str]]:
    """Check one worksheet part with the guard, then have calamine parse it.

    Returns the calamine sheet and the sheet's error cells ``{(row, column): text}``.
    """
    with _guarded(book.p, book.guard):
        if part.part not in book.names:
            raise book.guard.GuardError(f"is damaged: sheet {part.name!r} has no part {part.part}")
        errors = book.guard.scan_sheet(book.zf, book.zf.getinfo(part.part))
    ws = _calamine(book.p, book.reader().get_sheet_by_name, part.name)
    return ws, errors


def _read_xlsx(p: Path, sheet: str | None, scorer: Scorer | None) -> Table:
    from . import _xlsx_guard as guard

    with _open_zip(p) as zf:
        with _guarded(p, guard):
            candidates = _candidates(_workbook_sheets(zf, guard), sheet, guard)
            _check_parts(zf, guard, skip=candidates[0].part)
        book = _Book(p, zf, guard)
        try:
            if scorer is None:
                chosen, header_at, skipped = candidates[0], None, []
                ws, errors = _load_sheet(book, chosen)
            else:
                chosen, ws, errors, header_at, skipped = _choose_sheet(book, candidates, scorer)
            rows = book.rows(ws)
            del ws
        finally:
            book.close()
    return _table_from_grid(_grid(rows, errors), chosen.name, "xlsx", p, header_at, skipped)


def _choose_sheet(book: _Book, candidates: list[_Part], scorer: Scorer):
    """Load the candidates in turn and keep the one whose header the scorer rates best.

    Returns ``(part, calamine sheet, error cells, header grid row or None, skipped names)``;
    only the best sheet so far stays loaded, and a complete header stops the search.
    """
    best = None  # (score, part, ws, errors, header grid row)
    looked: list[str] = []
    for part in candidates:
        ws, errors = _load_sheet(book, part)
        looked.append(part.name)
        top, window = _top_rows(book, ws, errors)
        score, k, complete = (0.0, None, False) if top is None else scorer(window)
        score = max(float(score or 0), 0.0)
        k = _valid_index(k, window)
        header_at = None if k is None or (score == 0 and not complete) else top + k
        if complete or best is None or score > best[0]:
            best = (score, part, ws, errors, header_at)
            if complete:
                break
        del ws, errors
    _, part, ws, errors, header_at = best
    return part, ws, errors, header_at, [n for n in looked if n != part.name]


def _top_rows(book: _Book, ws, errors: dict) -> tuple[int | None, list[list]]:
    """The grid row of a sheet's first non-blank row and the :data:`HEADER_SCAN_ROWS`
    rows from it (cells as :func:`_grid` gives them); ``(None, [])`` for a blank sheet."""
    starts = [r - 1 for r, _ in errors]
    if ws.start is not None:
        starts.append(ws.start[0])
    if not starts:
        return None, []
    n = min(starts) + HEADER_SCAN_ROWS
    while True:
        rows = book.rows(ws, nrows=n)
        grid = _grid(rows, errors)
        nonblank = np.flatnonzero((grid != None).any(axis=1))  # noqa: E711
        ended = len(rows) < n
        if len(nonblank):
            top = int(nonblank[0])
            if ended or top + HEADER_SCAN_ROWS <= n:
                return top, grid[top:top + HEADER_SCAN_ROWS].tolist()
            n = top + HEADER_SCAN_ROWS
        elif ended:
            return None, []
        else:  # the used range starts with empty text: look further
            n *= 2


def _grid(rows: list[list], errors: dict[tuple[int, int], str]) -> np.ndarray:
    """Calamine's rows as an object grid: ``None`` for blank, error cells as their text."""
    width = max(map(len, rows), default=0)
    if any(len(r) != width for r in rows):  # not from calamine's dense grid, but be safe
        rows = [r + [""] * (width - len(r)) for r in rows]
    grid = np.empty((len(rows), width), dtype=object)
    if rows and width:
        grid[:] = rows
    grid[grid == ""] = None  # the reader gives "" for blank cells (and for error cells, fixed below)
    for (r, c), text in errors.items():
        if r <= grid.shape[0] and c <= grid.shape[1]:
            grid[r - 1, c - 1] = text
    return grid


def _table_from_grid(grid: np.ndarray, sheet_name: str, kind: str, p: Path, header_at: int | None = None,
                     skipped: Sequence[str] = ()) -> Table:
    """Header = row ``header_at`` (default: the first non-blank row); drop trailing blank
    rows and trailing columns empty from the header down."""
    filled = grid != None  # noqa: E711  (elementwise)
    row_has = filled.any(axis=1)
    nonblank = np.flatnonzero(row_has)
    if nonblank.size == 0:
        raise InputFileError(f"{p}: has no header row (sheet {sheet_name!r} is blank)")
    top = int(nonblank[0]) if header_at is None else header_at
    bottom = int(nonblank[-1])
    grid = grid[top:bottom + 1]
    col_has = filled[top:bottom + 1].any(axis=0)
    grid = grid[:, : int(np.flatnonzero(col_has)[-1]) + 1]
    headers = [_header_text(v) for v in grid[0].tolist()]
    columns = [np.ascontiguousarray(grid[1:, j]) for j in range(grid.shape[1])]
    return Table(headers, columns, first_row=top + 2, sheet=sheet_name, kind=kind, header_row=top + 1,
                 skipped_sheets=list(skipped))


def _header_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v).strip()


# ---------------------------------------------------------------- csv
def _check_csv_size(p: Path, size: int) -> None:
    if size > MAX_CSV_BYTES:
        raise InputFileError(f"{p}: is {size / 2**20:,.0f} MB; CSV files up to {MAX_CSV_BYTES / 2**20:,.0f} MB "
                             "are read")


def _read_csv(p: Path, size: int, scorer: Scorer | None) -> Table:
    _check_csv_size(p, size)
    encoding = _csv_encoding(p)
    try:
        with open(p, encoding=encoding, newline="") as f:
            head = f.read(SNIFF_BYTES)
            if not head.strip():
                raise InputFileError(f"{p}: is empty")
            start = _csv_start(head, len(head) < SNIFF_BYTES, scorer)
            delimiter, skip = start.delimiter, start.skip
            if encoding == "utf-8-sig" and skip is not None:
                fast = _csv_arrow(p, start.header, skip, start.skip_lines, delimiter)
                if fast is not None:
                    return fast
            f.seek(0)  # (the utf-8-sig and utf-16 codecs drop a byte-order mark)
            text = f.read()
            if '"' not in text and "\r" not in text.replace("\r\n", ""):
                fast = _csv_unquoted(text, delimiter, p, skip)
                if fast is not None:
                    return fast
            del text
            f.seek(0)
            old_limit = csv.field_size_limit(CSV_MAX_FIELD_CHARS)
            try:
                table = _csv_columns(csv.reader(f, delimiter=delimiter, strict=False), p, skip)
            finally:
                csv.field_size_limit(old_limit)
    except InputFileError:
        raise
    except csv.Error as exc:
        raise InputFileError(f"{p}: is not valid CSV ({_reason(exc)})") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{p}: is not text in a known encoding ({_reason(exc)})") from None
    except OSError as exc:
        raise InputFileError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    return table


class _Peek(NamedTuple):
    """The complete records at the start of a CSV file, parsed with one delimiter."""

    records: list[list[str]]
    line_ends: list[int]  # physical lines up to the end of each record
    lead: int | None  # the first non-blank record (None: none complete in the head)


class _Start(NamedTuple):
    """Where a CSV file's header is: the delimiter, the records and physical lines before
    the header, and the header's fields (``skip`` None: not known from the head)."""

    delimiter: str
    skip: int | None
    skip_lines: int
    header: list[str] | None


def _sniff_delimiter(head: str) -> str:
    """The most common of comma, semicolon and tab in the first line that is not empty (comma on a tie)."""
    line = next((ln for ln in head.splitlines() if ln), "")
    return max(_DELIMITERS, key=lambda d: (line.count(d), d == ","))


def _peek(head: str, delimiter: str, whole: bool) -> _Peek:
    """Parse the head of the file up to :data:`HEADER_SCAN_ROWS` records past the first
    non-blank one, keeping only records known to be complete (``whole``: the head is the file)."""
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, strict=False)
    records: list[list[str]] = []
    ends: list[int] = []
    lead = None
    try:
        for record in reader:
            records.append(record)
            ends.append(reader.line_num)
            if lead is None and any(record):
                lead = len(records) - 1
            if lead is not None and len(records) > lead + HEADER_SCAN_ROWS:
                del records[-1], ends[-1]  # the one after those needed: they are complete
                whole = True
                break
    except csv.Error:  # the full read reports it
        whole = True
    if not whole and records:  # the last record may go on past the head
        del records[-1], ends[-1]
        if lead is not None and lead >= len(records):
            lead = None
    return _Peek(records, ends, lead)


def _csv_start(head: str, whole: bool, scorer: Scorer | None) -> _Start:
    """Choose the delimiter and the header record (with a scorer, among the first records)."""
    guess = _sniff_delimiter(head)
    peek = _peek(head, guess, whole)
    chosen = (guess, peek, peek.lead)
    if scorer is not None and peek.lead is not None:
        best = None  # (score, complete, delimiter, peek, header record)
        for d in (guess, *(d for d in _DELIMITERS if d != guess)):
            pk = peek if d == guess else _peek(head, d, whole)
            if pk.lead is None:
                continue
            window = [[v or None for v in r] for r in pk.records[pk.lead:pk.lead + HEADER_SCAN_ROWS]]
            score, k, complete = scorer(window)
            score = max(float(score or 0), 0.0)
            k = _valid_index(k, window)
            at = pk.lead + (k if k is not None and (score > 0 or complete) else 0)
            if complete or best is None or score > best[0]:
                best = (score, complete, d, pk, at)
                if complete:
                    break
        if best is not None and (best[0] > 0 or best[1]):
            chosen = best[2:]
    delimiter, peek, at = chosen
    if at is None:
        return _Start(delimiter, None, 0, None)
    return _Start(delimiter, at, peek.line_ends[at - 1] if at else 0, peek.records[at])


def _csv_encoding(p: Path) -> str:
    """UTF-8 (BOM or not) if the whole file decodes as UTF-8; UTF-16 with a BOM; else cp1252."""
    with open(p, "rb") as f:
        start = f.read(4)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(16 << 20):
                if b"\x00" in chunk:
                    raise InputFileError(f"{p}: is not a text file (it contains NUL bytes)")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    return "cp1252"


def _csv_columns(reader, p: Path, skip: int | None = None) -> Table:
    """Parse records in blocks into per-column object arrays (``None`` for empty fields).

    ``skip``: the records before the header (default: the blank ones)."""
    skipped = 0
    if skip:
        for _ in range(skip):
            next(reader, None)
        skipped = skip
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(f"{p}: is empty") from None
    while not any(header):  # leading blank lines: the header is the first non-blank row
        skipped += 1
        try:
            header = next(reader)
        except StopIteration:
            raise InputFileError(f"{p}: has no header row (every row is blank)") from None
    blocks: list[list[np.ndarray]] = []
    width = len(header)
    memos: list[dict | None] | None = None
    n_rows = 0
    while rows := list(islice(reader, CSV_BLOCK_ROWS)):
        n_rows += len(rows)
        lengths = set(map(len, rows))
        if max(lengths) > width:  # extra fields: new columns, headed "", padded back
            for cols in blocks:
                cols.extend(_nones(len(cols[0]) if cols else 0) for _ in range(max(lengths) - width))
            width = max(lengths)
        if (n_rows * width) > MAX_CSV_CELLS:
            raise InputFileError(f"{p}: has more than {MAX_CSV_CELLS:,} fields (rows x columns)")
        if lengths != {width}:
            rows = [r if len(r) == width else r + [""] * (width - len(r)) for r in rows]
        if memos is None:
            memos = [None] * width
        memos.extend([None] * (width - len(memos)))
        cols = []
        for j, col in enumerate(zip(*rows, strict=True)):
            if memos[j] is None and len(set(col)) < _DEDUPE_BELOW_UNIQUE_SHARE * len(col):
                memos[j] = {}
            memo = memos[j]
            if memo is not None:  # repeated text shares one str object
                setdefault = memo.setdefault
                values = [setdefault(v, v) if v else None for v in col]
            else:
                values = [v or None for v in col]
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            cols.append(arr)
        blocks.append(cols)
        del rows
    return _csv_table(header, width, blocks, n_rows, skipped)


def _csv_table(header: list[str], width: int, blocks: list[list[np.ndarray]], n_rows: int, skipped: int,
               filled_rows: np.ndarray | None = None) -> Table:
    """Join the blocks of columns; drop trailing blank rows and trailing empty, unheaded columns.

    ``filled_rows`` (rows with a field that is not empty) is worked out when not given."""
    headers = [h.strip() for h in header] + [""] * (width - len(header))
    if blocks:
        columns = [np.concatenate([b[j] for b in blocks]) if len(blocks) > 1 else blocks[0][j]
                   for j in range(width)]
    else:
        columns = [_nones(0) for _ in range(width)]
    del blocks
    # Trailing blank rows (and columns with neither header nor data) are not data.
    if filled_rows is None:
        filled_rows = np.zeros(n_rows, dtype=bool)
        for c in columns:
            filled_rows |= c != None  # noqa: E711
    last = int(np.flatnonzero(filled_rows)[-1]) + 1 if filled_rows.any() else 0
    if last < n_rows:
        columns = [c[:last] for c in columns]
    keep = len(columns)
    while keep > 1 and headers[keep - 1] == "" and not (columns[keep - 1] != None).any():  # noqa: E711
        keep -= 1
    return Table(headers[:keep], columns[:keep], first_row=skipped + 2, sheet=None, kind="csv")


def _csv_unquoted(text: str, delimiter: str, p: Path, skip: int | None) -> Table | None:
    """The fast path for CSV without quotes: every line split in C, blocks made into columns.

    ``skip``: the lines before the header (without quotes or lone carriage returns, a line
    is a record). Returns None (use the csv module) if the rows after the header are
    ragged or the header is not known.
    """
    if skip is None:
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    del text
    while lines and lines[-1] == "":
        lines.pop()
    if skip >= len(lines) or not lines[skip].replace(delimiter, ""):
        return None
    width = lines[skip].count(delimiter) + 1
    if any(line.count(delimiter) != width - 1 for line in islice(lines, skip + 1, None) if line):
        return None
    n_rows = len(lines) - skip - 1
    if n_rows * width > MAX_CSV_CELLS:
        raise InputFileError(f"{p}: has more than {MAX_CSV_CELLS:,} fields (rows x columns)")
    header = lines[skip].split(delimiter)
    memos: list[dict | None] = [None] * width
    blocks: list[list[np.ndarray]] = []
    blank = delimiter * (width - 1)
    for start in range(skip + 1, len(lines), CSV_BLOCK_ROWS):
        block = lines[start:start + CSV_BLOCK_ROWS]
        block = [line or blank for line in block]  # an empty line is a row of blanks
        flat = np.empty(len(block) * width, dtype=object)
        flat[:] = delimiter.join(block).split(delimiter)
        grid = flat.reshape(len(block), width)
        cols = []
        for j in range(width):
            col = grid[:, j].tolist()
            if memos[j] is None and len(set(col)) < _DEDUPE_BELOW_UNIQUE_SHARE * len(col):
                memos[j] = {}
            memo = memos[j]
            values = [memo.setdefault(v, v) if v else None for v in col] if memo is not None else \
                [v or None for v in col]
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            cols.append(arr)
        blocks.append(cols)
    del lines
    return _csv_table(header, width, blocks, n_rows, skipped=skip)


def _csv_arrow(p: Path, header: list[str], skip: int, skip_lines: int, delimiter: str) -> Table | None:
    """The fast path for UTF-8 CSV: pyarrow parses the file in C, every field as text.

    ``header`` is the header record as the Python reader parsed it, after ``skip`` records
    (``skip_lines`` physical lines, which pyarrow skips unparsed). Returns None (use the
    Python reader) where the two might differ or pyarrow cannot say: no pyarrow, rows of
    other lengths than the header (ragged rows, blank lines), a field longer than the
    limit, a first row that is not ``header``, anything pyarrow refuses.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    if not any(header):
        return None
    width = len(header)
    names = [f"c{j}" for j in range(width)]
    try:
        table = pacsv.read_csv(
            p,
            read_options=pacsv.ReadOptions(column_names=names, block_size=ARROW_BLOCK_BYTES, skip_rows=skip_lines),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                             escape_char=False, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except (pa.ArrowException, OSError):
        return None
    if table.num_rows == 0:
        return None
    n_rows = table.num_rows - 1
    if n_rows * width > MAX_CSV_CELLS:
        raise InputFileError(f"{p}: has more than {MAX_CSV_CELLS:,} fields (rows x columns)")
    columns = []
    for j in range(width):
        col = table.column(j).combine_chunks()
        if len(col) and (pc.max(pc.utf8_length(col)).as_py() or 0) > CSV_MAX_FIELD_CHARS:
            return None
        sample = col.slice(1, CSV_BLOCK_ROWS)
        if pc.count_distinct(sample).as_py() >= _DEDUPE_BELOW_UNIQUE_SHARE * len(sample):  # ids, names
            columns.append(col.to_numpy(zero_copy_only=False))
            continue
        coded = col.dictionary_encode()  # repeated values: each distinct text becomes one str object
        texts = np.empty(len(coded.dictionary) + 1, dtype=object)
        texts[:-1] = coded.dictionary.to_numpy(zero_copy_only=False)
        texts[-1] = None
        columns.append(texts[coded.indices.fill_null(-1).to_numpy()])
    if [c[0] or "" for c in columns] != header:
        return None
    filled_rows = np.zeros(n_rows, dtype=bool)
    for j in range(width):
        filled_rows |= table.column(j).slice(1).is_valid().to_numpy(zero_copy_only=False)
    return _csv_table(header, width, [[c[1:] for c in columns]], n_rows, skipped=skip, filled_rows=filled_rows)


def _nones(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)
