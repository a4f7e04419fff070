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
  its row). A quote never closed (its field would run to the end of the file, taking every
  row after it) is refused, naming the row.
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import _xlsx_guard as guard

__all__ = ["CutShort", "HEADER_SCAN_ROWS", "InputFileError", "MAX_ARROW_CSV_CELLS", "MAX_CSV_BYTES", "MAX_CSV_CELLS", "MAX_CSV_COLUMNS", "Scorer",
           "SheetInfo", "Table", "list_sheets", "read_table"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
SUPPORTED = "an Excel workbook (.xlsx, .xlsm) or a CSV file (.csv, .txt)"
# Rows (from the first non-blank one) a scorer is shown to find the header in.
HEADER_SCAN_ROWS = 30
# CSV limits: bytes of the file, and fields (rows x columns) kept.
MAX_CSV_BYTES = 2 << 30
MAX_CSV_CELLS = 50_000_000
# Fields of a UTF-8 CSV read by pyarrow (kept coded: a code of 1-4 bytes a field, or Arrow text;
# a command that holds the list whole makes its columns, 8 bytes a field): 5.5 million rows of 18.
MAX_ARROW_CSV_CELLS = 100_000_000
# Columns of a CSV file: Excel's limit (a sheet has at most 16,384 columns, XFD).
MAX_CSV_COLUMNS = 16_384
# Bytes of one line of a CSV file, checked before the file is parsed: a staff list's line is
# a few hundred bytes; a runaway line would otherwise be held whole in memory.
MAX_CSV_LINE_BYTES = 16 << 20
# Characters of an error message (one line): the command adds its name and stays under 300.
MAX_MESSAGE_CHARS = 270
# Rows parsed and turned into columns at a time (bounds the transient row lists).
CSV_BLOCK_ROWS = 100_000
# Longest CSV field in characters (Excel's cell limit is 32,767; this only stops runaway quotes).
CSV_MAX_FIELD_CHARS = 1 << 20
# Bytes pyarrow parses at a time (a record longer than this goes to the Python reader).
ARROW_BLOCK_BYTES = 1 << 20
# pyarrow's streaming reader parses ahead on threads (faster, and more blocks held at once).
ARROW_THREADS = True
# Bytes of a CSV file decoded at a time to learn its encoding (the text of a chunk is held once).
_ENCODING_CHUNK_BYTES = 1 << 20
# Characters at the start of a CSV file looked at for the delimiter and the header row.
SNIFF_BYTES = 64 << 10
_DELIMITERS = (",", ";", "\t")
# A line the Python CSV reader is given after the file's last: read as a record of its own, it
# says the file ended outside a quoted field; at the end of a field, that a quote opened in the
# field was never closed (the field ran to the end of the file). A text file holds no NUL.
_END_OF_FILE = "\x00xl-kent: end of file\x00"
# A line inside a quoted field is taken for a row of the file (a stray quote read the rows
# after it into one cell) when it holds as many delimiters as the header (its fields less one),
# and at least this many: a line of a note with one comma is never a row (no list has fewer
# than three columns it needs).
_ROW_MIN_DELIMITERS = 2
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
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
    """A file that cannot be read safely; ``str(err)`` is one line naming the file and the reason.

    The message is made one line (line breaks and control characters become spaces) of at
    most :data:`MAX_MESSAGE_CHARS` characters (a longer one loses its middle, marked ``...``).

    >>> e = InputFileError("staff.csv: bad\\nline " + "x" * 1000 + " end")
    >>> len(str(e)), str(e)[:20], str(e)[-6:]
    (270, 'staff.csv: bad line ', 'xx end')
    """

    def __init__(self, message: object = ""):
        super().__init__(_one_line(str(message)))


def _one_line(text: str, limit: int | None = None) -> str:
    """``text`` on one line of at most ``limit`` characters (default :data:`MAX_MESSAGE_CHARS`)."""
    limit = MAX_MESSAGE_CHARS if limit is None else limit
    if len(text) > 4 * limit:
        text = text[: 2 * limit] + " ... " + text[-2 * limit:]
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if len(text) <= limit:
        return text
    head = (limit - 3) * 2 // 3
    return text[:head] + "..." + text[len(text) - (limit - 3 - head):]


def quote_names(names: Sequence[str], limit: int = 6) -> str:
    """Names for a message, quoted and shortened: at most ``limit``, then how many more.

    >>> quote_names(["a", "b"]), quote_names([f"c{i}" for i in range(10)], 3)
    ("'a', 'b'", "'c0', 'c1', 'c2' and 7 more")
    """
    shown = ", ".join(repr(guard._short(str(n).strip(), 40)) for n in names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


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
    date1904 : bool
        The workbook counts its serial numbers from 1904 (Excel for Mac's old date system,
        ``<workbookPr date1904="1"/>``): a date typed as a plain number is that many days
        after 1 January 1904, not after 31 December 1899. Date cells are read as the dates
        they show either way; :func:`xl_kent.lists.source.read_list` moves the plain numbers
        of date columns to the 1900 system.
    excel_text : dict of int to int
        CSV: per column, how many cells were written ``="0501"`` (the way to keep text such as
        leading zeros that Excel shows as ``0501``) and are read as the text inside, as Excel
        shows them (:func:`excel_text_cells`).
    cut_short : CutShort or None
        CSV: the data rows with fewer fields than the header (their missing cells read as
        ``None``), when there are any.
    notes : list of (int, numpy.ndarray, str, str)
        Cells the reader read as blank although the sheet shows something there (xlsx only):
        ``(column, data rows, kind, reason)``, the rows 0-based; ``kind`` is ``"unsaved"`` (a
        formula with no saved result) or ``"merged"`` (not the first cell of a merged range),
        ``reason`` says so in words, naming the column by its header (:func:`cell_notes`).
    hidden : Hidden or None
        The data rows and the columns Excel hides (xlsx only; read like the others), when
        there are any (:func:`hidden_of`).

    Examples
    --------
    >>> t = Table(["id"], [np.array(["E1", None], dtype=object)], first_row=2, sheet=None, kind="csv")
    >>> t.n_rows, t.header_row, t.skipped_sheets
    (2, 1, [])
    """

    headers: list[str]
    columns: Sequence[np.ndarray]
    first_row: int
    sheet: str | None
    kind: str
    header_row: int = 0
    skipped_sheets: list[str] = field(default_factory=list)
    date1904: bool = False
    excel_text: dict[int, int] = field(default_factory=dict)
    cut_short: CutShort | None = None
    notes: list[tuple[int, np.ndarray, str, str]] = field(default_factory=list)
    hidden: Hidden | None = None

    def __post_init__(self):
        if self.header_row <= 0:
            self.header_row = self.first_row - 1

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        if isinstance(self.columns, ArrowColumns):
            return self.columns.n_rows
        return len(self.columns[0]) if self.columns else 0

    def rows(self, start: int, stop: int) -> Table:
        """The data rows ``start`` to ``stop`` (0-based, ``stop`` excluded) as a table of their own:
        the same headers, ``first_row`` moved on by ``start`` (so a problem's row number is the
        file's), each column a view (a CSV column read by pyarrow is made only when used, and
        keeps its coded form, :func:`coded`). Reading a big list a block of rows at a time this
        way holds one block's cells, not the list's.

        >>> t = Table(["id"], [np.array(["E1", "E2", "E3"], dtype=object)], first_row=5, sheet=None, kind="csv")
        >>> b = t.rows(1, 3)
        >>> b.columns[0].tolist(), b.first_row, b.header_row
        (['E2', 'E3'], 6, 4)
        """
        n = self.n_rows
        start, stop = max(0, min(start, n)), max(0, min(stop, n))
        stop = max(start, stop)
        if isinstance(self.columns, ArrowColumns):
            cols: Sequence[np.ndarray] = self.columns.rows(start, stop)
        else:
            cols = []
            for c in self.columns:
                part = c[start:stop]
                twin = coded(c)
                if twin is not None:
                    _register(part, _sliced(twin, start, stop))
                cols.append(part)
        notes = []
        for j, rows, kind, reason in self.notes:
            on = rows[(rows >= start) & (rows < stop)] - start
            if on.size:
                notes.append((j, on, kind, reason))
        return Table(self.headers, cols, first_row=self.first_row + start, sheet=self.sheet, kind=self.kind,
                     header_row=self.header_row, skipped_sheets=self.skipped_sheets, date1904=self.date1904,
                     excel_text=self.excel_text,
                     cut_short=None if self.cut_short is None else self.cut_short.on(start, stop), notes=notes,
                     hidden=None if self.hidden is None else self.hidden.on(start, stop))

    def cells(self, j: int, rows: np.ndarray | None = None) -> np.ndarray:
        """The cells of column ``j`` (on ``rows``, an index array, when given) as an object
        array, without keeping them: a CSV column read by pyarrow is made for the call only."""
        if isinstance(self.columns, ArrowColumns):
            return self.columns.cells(j, rows)
        col = self.columns[j]
        return col if rows is None else col[rows]


class CutShort(NamedTuple):
    """The data rows of a CSV file cut short: fewer fields than the header's ``width``.

    ``rows`` are 0-based data rows (ascending), ``fields`` how many fields each has (at least
    1: a blank line is a blank row, not a short one). Only rows with a field that is not
    empty are listed (a row of empty fields is a blank row however many it has).

    >>> c = CutShort(np.array([1, 4]), np.array([3, 2]), 5)
    >>> c.on(2, 6).rows.tolist(), c.on(2, 6).fields.tolist()
    ([2], [2])
    """

    rows: np.ndarray
    fields: np.ndarray
    width: int

    def on(self, start: int, stop: int) -> CutShort:
        """The rows ``start`` to ``stop`` of these (as :meth:`Table.rows` numbers them)."""
        a, b = np.searchsorted(self.rows, [start, stop])
        return CutShort(self.rows[a:b] - start, self.fields[a:b], self.width)


class Hidden(NamedTuple):
    """What Excel hides of a sheet's table (:attr:`Table.hidden`): ``rows``, its data rows
    hidden (0-based, ascending: by hand, by a filter, in a collapsed outline), ``columns``,
    its columns hidden (0-based), and ``filtered``, whether the sheet has a filter set on a
    column. The reader reads them like the others; the user may think them left out.

    >>> h = Hidden(np.array([1, 4, 5]), (2,), True)
    >>> h.on(2, 6).rows.tolist(), h.on(2, 6).columns
    ([2, 3], (2,))
    """

    rows: np.ndarray
    columns: tuple[int, ...]
    filtered: bool

    def on(self, start: int, stop: int) -> Hidden:
        """The rows ``start`` to ``stop`` of these (as :meth:`Table.rows` numbers them)."""
        a, b = np.searchsorted(self.rows, [start, stop])
        return Hidden(self.rows[a:b] - start, self.columns, self.filtered)


class ArrowColumns(Sequence):
    """The columns of a CSV file read by pyarrow, each made an object array of cells (``None``
    for blank, else text) the first time it is used, and kept from then on.

    Until then a column is only its coded form (:class:`Coded`: distinct texts and small
    codes, or the Arrow text), a few bytes a row; :meth:`Table.rows` takes blocks of rows
    from it without making the whole column.
    """

    def __init__(self, twins: Sequence[Coded], n_rows: int):
        self._twins = list(twins)
        self._made: list[np.ndarray | None] = [None] * len(self._twins)
        self.n_rows = n_rows

    def __len__(self) -> int:
        return len(self._twins)

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        j = operator.index(j)
        if j < 0:
            j += len(self)
        if not 0 <= j < len(self):
            raise IndexError("column index out of range")
        col = self._made[j]
        if col is None:
            col = self._made[j] = _made(self._twins[j], None)
        return col

    def twin(self, j: int) -> Coded:
        """Column ``j``'s coded form."""
        return self._twins[j]

    def cells(self, j: int, rows: np.ndarray | None = None) -> np.ndarray:
        """Column ``j`` (on ``rows``) made for the caller only (the made column when there is one)."""
        col = self._made[j]
        if col is not None:
            return col if rows is None else col[rows]
        return _made(self._twins[j], rows)

    def none_on(self, j: int, rows: np.ndarray) -> np.ndarray:
        """Which cells of column ``j`` on ``rows`` are ``None`` (bool), the column not made:
        ``np.equal(self.cells(j, rows), None)``, read off the coded form."""
        col = self._made[j]
        if col is not None:
            return np.equal(col[rows], None)
        twin = self._twins[j]
        if twin.labels is not None:
            return np.equal(twin.labels, None)[twin.codes[rows]]
        return ~_valid_rows(twin.text)[rows]

    def rows(self, start: int, stop: int) -> ArrowColumns:
        """Rows ``start`` to ``stop`` of every column, still coded."""
        return ArrowColumns([_sliced(t, start, stop) for t in self._twins], stop - start)


def _sliced(twin: Coded, start: int, stop: int) -> Coded:
    """Rows ``start`` to ``stop`` of a coded column (views)."""
    if twin.labels is not None:
        return Coded(twin.labels, twin.codes[start:stop], None)
    return Coded(None, None, twin.text.slice(start, stop - start))


def _made(twin: Coded, rows: np.ndarray | None) -> np.ndarray:
    """The object column of a coded form (on ``rows``), registered with its coded form when whole."""
    if twin.labels is not None:
        codes = twin.codes if rows is None else twin.codes[rows]
        col = twin.labels[codes]
        part = Coded(twin.labels, codes, None)
    else:
        text = twin.text if rows is None else twin.text.take(rows)
        col = _objects(text)
        part = Coded(None, None, text)
    _register(col, part)
    return col


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
    with _reading(path):
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
    with _reading(path):
        p, kind, size = _file_kind(path)
        if kind == "csv":
            _check_csv_size(p, size)
            return [SheetInfo("", True)]
        with _open_zip(p) as zf:
            with _guarded(p):
                book = _workbook_sheets(zf)
                _check_parts(zf, book)
        return [SheetInfo(s.name, s.visible) for s in book.sheets]


@contextmanager
def _reading(path):
    """Around reading ``path``: any failure becomes an :class:`InputFileError` of one line
    (a lack of memory, a library's error or panic: python-calamine's ``PanicException``
    derives from ``BaseException``). Ctrl-C and exits go on up."""
    try:
        yield
    except InputFileError:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except guard.GuardError as exc:
        raise InputFileError(f"{path}: {exc}") from None
    except MemoryError:
        raise InputFileError(f"{path}: is too big to read in the memory available; "
                             "close other programs or split the list") from None
    except RecursionError:
        raise InputFileError(f"{path}: is nested too deeply to read; the file is damaged or hostile") from None
    except BaseException as exc:  # noqa: B036 (a library's panic is a BaseException)
        raise InputFileError(f"{path}: cannot be read ({_failure(exc)})") from None


def _failure(exc: BaseException) -> str:
    """What went wrong, in words, for an unexpected error while reading."""
    kind = type(exc).__name__
    if kind == "PanicException":
        return f"the spreadsheet reader failed on this file: {_reason(exc)}; the file is probably damaged"
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, struct.error)):
        return f"the file is damaged: {_reason(exc)}"
    if isinstance(exc, UnicodeError):
        return f"its text is not in a known encoding: {_reason(exc)}"
    if isinstance(exc, (LookupError, NotImplementedError)):
        return f"it uses a feature that cannot be read: {_reason(exc)}"
    if isinstance(exc, OSError):
        return exc.strerror or _reason(exc)
    return f"{kind}: {_reason(exc)}"


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
        if _encrypted(p):
            raise InputFileError(f"{p}: is password-protected (encrypted); open it in Excel and save a copy "
                                 "without the password (File > Info > Protect Workbook), then read that")
        raise InputFileError(f"{p}: is an old-style .xls workbook; save it as .xlsx or CSV")
    if magic.startswith(b"PK"):
        return p, "xlsx", size
    if suffix in XLSX_SUFFIXES:
        raise InputFileError(f"{p}: is not a valid Excel workbook (not a zip file)")
    if suffix in CSV_SUFFIXES:
        return p, "csv", size
    raise InputFileError(f"{p}: {suffix or 'a file without an extension'} is not supported; "
                         f"give {SUPPORTED}")


def _encrypted(p: Path) -> bool:
    """Whether a compound (OLE) file holds Excel's encrypted package: the streams
    ``EncryptionInfo`` and ``EncryptedPackage``, named in UTF-16 in its directory."""
    wanted = {"EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le")}
    found: set[bytes] = set()
    tail = b""
    with open(p, "rb") as f:
        while chunk := f.read(16 << 20):
            data = tail + chunk
            found.update(w for w in wanted if w in data)
            if found == wanted:
                return True
            tail = data[-64:]
    return False


def _reason(exc: BaseException) -> str:
    """The first line of an exception's message (shortened), else its class name."""
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 (a broken __str__)
        text = ""
    line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return guard._short(line, 120)


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
    part: str  # the part the relationship names, resolved from xl/ (ASCII lower case)
    visible: bool
    members: tuple[str, ...]  # the zip members the reader may load for it (each is checked)


@dataclass
class _Workbook:
    """A workbook's worksheets and the parts the reader parses whole (zip member names)."""

    sheets: list[_Part]
    strings: str | None = None
    styles: tuple[str, ...] = ()
    whole: frozenset[str] = frozenset()  # parsed completely by the checks
    date1904: bool = False  # serial numbers count from 1904 (Table.date1904)


def _open_zip(p: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(p)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except MemoryError:
        raise
    except NotImplementedError as exc:  # a zip feature Python (and Excel) does not use
        raise InputFileError(f"{p}: uses a zip feature Excel does not write ({_reason(exc)}); "
                             "the file is damaged or was not saved by Excel") from None
    except Exception as exc:  # noqa: BLE001 (BadZipFile, struct.error, ...)
        raise InputFileError(f"{p}: is damaged or not a workbook ({_reason(exc)})") from None


@contextmanager
def _guarded(p: Path):
    """Turn the guard's refusals and zip errors inside the block into :class:`InputFileError`."""
    try:
        yield
    except guard.GuardError as exc:
        raise InputFileError(f"{p}: {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, struct.error, zlib.error) as exc:
        raise InputFileError(f"{p}: is damaged ({_reason(exc)})") from None


_OFFICE_DOCUMENT = "/officedocument"


def _workbook_sheets(zf: zipfile.ZipFile) -> _Workbook:
    """Check the zip directory and the workbook's parts; the worksheets, in workbook order.

    The reader finds parts by name ignoring case, so they are looked up here the same way
    (two names differing only in case are refused by the directory check)."""
    guard.check_directory(zf)
    index = guard.part_index(zf)
    wb = index.get("xl/workbook.xml")
    if wb is None:
        mimetype = index.get("mimetype")
        if mimetype is not None and mimetype.file_size < 1000 and b"opendocument" in guard.read_part(
                zf, mimetype.filename):
            raise guard.GuardError("is an OpenDocument spreadsheet; save it as .xlsx or CSV")
        if index.get("xl/workbook.bin") is not None:
            raise guard.GuardError("is an Excel binary workbook (.xlsb); save it as .xlsx (Excel Workbook) or CSV")
        raise guard.GuardError("is a zip file but not an Excel workbook (no xl/workbook.xml)")
    whole = {wb.filename}
    root = index.get("_rels/.rels")
    if root is not None:
        whole.add(root.filename)
        for rel in guard.scan_small(zf, root, frozenset({"Relationship"})):
            target = rel.attrs.get("Target", "")
            if (guard.ascii_lower(rel.attrs.get("Type", "")).endswith(_OFFICE_DOCUMENT)
                    and guard.ascii_lower(os.path.normpath(target.lstrip("/")).replace(os.sep, "/"))
                    != "xl/workbook.xml"):
                raise guard.GuardError(f"has its workbook in {guard._short(target)!r}, not xl/workbook.xml; "
                                       "open it in Excel and save it again as .xlsx")
    rels = index.get("xl/_rels/workbook.xml.rels")
    targets: dict[str | None, str] = {}
    strings, styles = {"xl/sharedstrings.xml"}, {"xl/styles.xml"}
    if rels is not None:
        whole.add(rels.filename)
        for rel in guard.scan_small(zf, rels, frozenset({"Relationship"})):
            if not rel.as_written(("Id", "Target")):
                raise guard.GuardError("has a relationship written with character references; "
                                       "the file is damaged or was altered")
            target = rel.attrs.get("Target", "")
            targets[rel.attrs.get("Id")] = target
            kind = guard.ascii_lower(rel.attrs.get("Type", ""))
            if kind.endswith("/sharedstrings"):
                strings.update(guard.reader_paths(target))
            elif kind.endswith("/styles"):
                styles.update(guard.reader_paths(target))
    found = sorted({index[n].filename for n in strings if n in index})
    if len(found) > 1:
        raise guard.GuardError(f"has two shared-string parts ({quote_names(found)}); the file is damaged or was altered")
    book = _Workbook(_sheet_parts(zf, wb, targets, index), found[0] if found else None,
                     tuple(sorted({index[n].filename for n in styles if n in index})),
                     date1904=_date1904(zf, wb))
    if not book.sheets:
        raise guard.GuardError("has no worksheets")
    book.whole = frozenset(whole | set(book.styles) | ({book.strings} if book.strings else set()))
    return book


def _date1904(zf: zipfile.ZipFile, wb: zipfile.ZipInfo) -> bool:
    """Whether the workbook counts serial numbers from 1904 (``<workbookPr date1904="1"/>``;
    ECMA-376 Part 1, 18.2.28: an xsd:boolean, so ``1`` or ``true``)."""
    return any(guard.ascii_lower(e.attrs.get("date1904", "").strip()) in ("1", "true")
               for e in guard.scan_small(zf, wb, frozenset({"workbookPr"})))


def _sheet_parts(zf: zipfile.ZipFile, wb: zipfile.ZipInfo, targets: dict, index: dict) -> list[_Part]:
    """(sheet name, part, visible, zip members) of each worksheet, in workbook order."""
    out = []
    seen: set[str] = set()
    for elem in guard.scan_small(zf, wb, frozenset({"sheet"})):
        name = elem.attrs.get("name", "")
        if name.casefold() in seen:
            raise guard.GuardError(f"has two sheets named {guard._short(name)!r}; the file is damaged")
        seen.add(name.casefold())
        ids = [k for k in elem.attrs if k.rpartition(":")[2] == "id"]
        if len(ids) > 1 or not elem.as_written(ids):
            raise guard.GuardError(f"sheet {guard._short(name)!r} has an unusual relationship; "
                                   "the file is damaged or was altered")
        target = targets.get(elem.attrs[ids[0]], "") if ids else ""
        if not target:
            continue
        paths = guard.reader_paths(target)
        if "worksheets/" in paths[0]:
            hidden = elem.attrs.get("state", "visible").lower() in ("hidden", "veryhidden")
            members = tuple(dict.fromkeys(index[n].filename for n in paths if n in index))
            out.append(_Part(name, paths[0], not hidden, members))
    return out


def _check_parts(zf: zipfile.ZipFile, book: _Workbook) -> guard.SharedStrings:
    """Refuse a DTD in any XML part; parse whole the styles and the shared strings (the
    reader loads them when the workbook is opened) with the limits. Returns the shared
    strings' lengths, for the sheet checks."""
    for info in zf.infolist():
        if info.filename.lower().endswith((".xml", ".rels")) and info.filename not in book.whole:
            guard.check_prolog(zf, info)
    for name in book.styles:
        guard.check_xml(zf, zf.getinfo(name))
    if book.strings is None:
        return guard.NO_STRINGS
    return guard.scan_shared_strings(zf, zf.getinfo(book.strings))


def _candidates(sheets: list[_Part], sheet: str | None) -> list[_Part]:
    """The named sheet, else the visible worksheets in workbook order."""
    if sheet is not None:
        found = [s for s in sheets if s.name == sheet] or [s for s in sheets if s.name.lower() == sheet.lower()]
        if not found:
            raise guard.GuardError(f"has no sheet {guard._short(sheet)!r} (it has {quote_names([s.name for s in sheets])})")
        return found[:1]
    visible = [s for s in sheets if s.visible]
    if not visible:
        raise guard.GuardError(f"has no visible worksheet (hidden: {quote_names([s.name for s in sheets])}); "
                               "name the sheet to read")
    return visible


class _Book:
    """A checked workbook being read: the open zip (for the guard) and the calamine reader."""

    def __init__(self, p: Path, zf: zipfile.ZipFile, strings: guard.SharedStrings):
        self.p, self.zf, self.strings = p, zf, strings
        self._reader = None

    def reader(self):
        """The calamine workbook, opened on first use (after the workbook-wide checks)."""
        if self._reader is None:
            import python_calamine

            if self.p.suffix.lower() in (".xlsx", ".xlsm"):
                self._reader = _calamine(self.p, python_calamine.CalamineWorkbook.from_path, str(self.p))
            else:  # (calamine picks its reader by the name: an .xlsx named .xlsb or .ods is read by content)
                with open(self.p, "rb") as f:
                    self._reader = _calamine(self.p, python_calamine.CalamineWorkbook.from_filelike, f)
        return self._reader

    def rows(self, ws, nrows: int | None = None) -> list[list]:
        """A loaded sheet's rows from row 1 and column A (``nrows``: at most that many)."""
        return _calamine(self.p, ws.to_python, skip_empty_area=False, nrows=nrows)

    def close(self) -> None:
        if self._reader is not None:
            reader, self._reader = self._reader, None
            try:
                reader.close()
            except Exception:  # noqa: BLE001,S110 (closing after a failure: nothing to report)
                pass


def _calamine(p: Path, fn, *args, **kwargs):
    """A call into python-calamine: its errors, and its panics (``PanicException``, a
    ``BaseException``), become :class:`InputFileError`."""
    try:
        return fn(*args, **kwargs)
    except (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: B036
        if type(exc).__name__ == "PanicException":
            raise InputFileError(f"{p}: cannot be read (the spreadsheet reader failed on it: {_reason(exc)}); "
                                 "the file is probably damaged") from None
        if type(exc).__name__ == "PasswordError":
            raise InputFileError(f"{p}: is password-protected; save a copy without the password") from None
        raise InputFileError(f"{p}: cannot be read ({_reason(exc)})") from None


def _load_sheet(book: _Book, part: _Part) -> tuple[object, dict[tuple[int, int], str]]:
    """Check one worksheet part with the guard, then have calamine parse it (beside the
    guard's last pass where it can: :func:`guard.scan_then_load`).

    Returns the calamine sheet and the sheet's error cells ``{(row, column): text}``.
    """
    def load():
        return _calamine(book.p, book.reader().get_sheet_by_name, part.name)

    with _guarded(book.p):
        if not part.members:
            raise guard.GuardError(f"is damaged: sheet {guard._short(part.name)!r} has no part {part.part}")
        if len(part.members) == 1:  # (as written: one part; calamine loads while expat checks it)
            errors, ws = guard.scan_then_load(book.zf, book.zf.getinfo(part.members[0]), book.strings, load)
            return ws, errors
        errors = guard.SheetCells()
        for member in part.members:  # (a name written unusually: several candidates)
            errors = guard.scan_sheet(book.zf, book.zf.getinfo(member), book.strings).joined(errors)
    return load(), errors


def _read_xlsx(p: Path, sheet: str | None, scorer: Scorer | None) -> Table:
    with _open_zip(p) as zf:
        with _guarded(p):
            wb = _workbook_sheets(zf)
            candidates = _candidates(wb.sheets, sheet)
            strings = _check_parts(zf, wb)
        book = _Book(p, zf, strings)
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
    grid, filled = _filled_grid(rows, errors, whole=True)
    del rows
    table = _table_from_grid(grid, chosen.name, "xlsx", p, header_at, skipped, filled)
    table.date1904 = wb.date1904
    table.notes = cell_notes(errors, table)
    table.hidden = hidden_of(errors, table)
    return table


def hidden_of(cells, table: Table) -> Hidden | None:
    """The data rows and columns of ``table`` Excel hides, from the guard's scan (``cells``:
    :class:`guard.SheetCells`); None when it hides none (rows above the header, such as a
    hidden title, and below the last data row do not count)."""
    by_row, by_col = getattr(cells, "hidden_rows", None), getattr(cells, "hidden_columns", None)
    first = table.first_row
    rows = np.zeros(0, dtype=np.int64)
    if by_row is not None and table.n_rows:
        rows = np.flatnonzero(by_row[first:first + table.n_rows]).astype(np.int64)
    columns = () if by_col is None else tuple(np.flatnonzero(by_col[1:len(table.columns) + 1]).tolist())
    if not rows.size and not columns:
        return None
    return Hidden(rows, columns, bool(getattr(cells, "filtered", False)))


#: What a note's reason says of a formula cell with no saved result, after the column's name.
UNSAVED_REASON = ("holds a formula with no saved result (the file was last saved by a program that does not "
                  "calculate, such as openpyxl): open it in Excel or LibreOffice and save it")


def _column_name(table: Table, j: int) -> str:
    h = table.headers[j] if j < len(table.headers) else ""
    return repr(guard._short(h, 40)) if h else f"column {guard._letters(j + 1)}"


def cell_notes(cells, table: Table) -> list[tuple[int, np.ndarray, str, str]]:
    """The cells of ``table``'s data rows the reader read as blank although the sheet shows
    something there, from the guard's scan (``cells``: :class:`guard.SheetCells`), as
    :attr:`Table.notes`: each formula cell with no saved result, and each cell of a merged
    range but its first (a range over several rows: the rows after its first, "merged with
    the cell above"; along a row: the cells right of the first, "merged with the cell to its
    left"). One note per column and kind, or per column and merged range."""
    n, width, first = table.n_rows, len(table.columns), table.first_row
    notes: list[tuple[int, np.ndarray, str, str]] = []
    unsaved = getattr(cells, "unsaved", [])
    if unsaved and n:
        at = np.array(unsaved, dtype=np.int64).reshape(-1, 2)
        rows, cols = at[:, 0] - first, at[:, 1] - 1
        keep = (rows >= 0) & (rows < n) & (cols < width)
        rows, cols = rows[keep], cols[keep]
        for j in np.unique(cols).tolist():
            notes.append((j, np.unique(rows[cols == j]), "unsaved", f"{_column_name(table, j)} {UNSAVED_REASON}"))
    for r1, c1, r2, c2 in getattr(cells, "merged", []):
        if r2 < first or r1 >= first + n or c1 > width:
            continue  # (above the data, as a merged title or header, or below it, or right of it)
        span = f"rows {r1:,}-{r2:,}" if c1 == c2 else f"{guard._letters(c1)}{r1}:{guard._letters(c2)}{r2}"
        below = np.arange(max(r1 + 1, first), min(r2, first + n - 1) + 1, dtype=np.int64) - first
        for j in range(c1 - 1, min(c2, width)):
            name = _column_name(table, j)
            if below.size:
                notes.append((j, below, "merged", f"{name} is merged with the cell above ({span}): only the first "
                              "row of a merged range holds the value; unmerge the cells and fill each row"))
            if j > c1 - 1 and first <= r1:
                notes.append((j, np.array([r1 - first], dtype=np.int64), "merged",
                              f"{name} is merged with the cell to its left ({span}): only the first cell of a "
                              "merged range holds the value; unmerge the cells and fill each one"))
    return notes


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
    return _filled_grid(rows, errors)[0]


def _filled_grid(rows: list[list], errors: dict[tuple[int, int], str],
                 whole: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_grid`, and which of its cells are not ``None`` (bool, the same shape). A cell
    holding a formula with no saved result (``errors.unsaved``) is ``None`` but counts as
    filled (the sheet shows something there); ``whole`` (the rows are the whole sheet): the
    grid reaches such cells past the reader's last row or column."""
    unsaved = getattr(errors, "unsaved", ())
    if whole and unsaved:
        far_row, far_col = max(r for r, _ in unsaved), max(c for _, c in unsaved)
        width = max(map(len, rows), default=0)
        if far_col > width:
            rows = [r + [""] * (far_col - len(r)) for r in rows]
            width = far_col
        if far_row > len(rows):
            rows = rows + [[""] * width for _ in range(far_row - len(rows))]
    width = max(map(len, rows), default=0)
    if any(len(r) != width for r in rows):  # not from calamine's dense grid, but be safe
        rows = [r + [""] * (width - len(r)) for r in rows]
    grid = np.empty((len(rows), width), dtype=object)
    if rows and width:
        grid[:] = rows
    blank = grid == ""  # the reader gives "" for blank cells (and for error cells, fixed below)
    grid[blank] = None
    # not None: not blank, nor None from the reader (it gives none; with the shortcuts on, None,
    # one object, is found by its address instead of a comparison per cell)
    from .._arrays import fast as shortcuts

    flat = _addresses(grid.reshape(-1)) if grid.size and shortcuts() else None
    if flat is None:
        filled = grid != None  # noqa: E711  (elementwise)
    else:
        filled = ~blank & (flat != id(None)).reshape(grid.shape)
    for (r, c), text in errors.items():
        if r <= grid.shape[0] and c <= grid.shape[1]:
            grid[r - 1, c - 1] = text
            filled[r - 1, c - 1] = True
    for r, c in unsaved:  # (a formula the sheet shows: its row and column are not blank)
        if r <= grid.shape[0] and c <= grid.shape[1]:
            filled[r - 1, c - 1] = True
    return grid, filled


def _table_from_grid(grid: np.ndarray, sheet_name: str, kind: str, p: Path, header_at: int | None = None,
                     skipped: Sequence[str] = (), filled: np.ndarray | None = None) -> Table:
    """Header = row ``header_at`` (default: the first non-blank row); drop trailing blank
    rows and trailing columns empty from the header down. ``filled``: which cells are not
    ``None``, when known."""
    if filled is None:
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
                reader = csv.reader(chain(f, (_END_OF_FILE,)), delimiter=delimiter, strict=False)
                table = _csv_columns(reader, p, skip)
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
    """UTF-8 (BOM or not) if the whole file decodes as UTF-8; UTF-16 with a BOM; else cp1252.

    The same pass refuses NUL bytes (not UTF-16) and a line over :data:`MAX_CSV_LINE_BYTES`
    (any of CR, LF ends a line), before anything holds the file in memory."""
    with open(p, "rb") as f:
        start = f.read(4)
        utf16 = start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8 = not utf16
        pos = 0
        line_start = 0  # where the current line began
        while chunk := f.read(_ENCODING_CHUNK_BYTES):
            if not utf16 and b"\x00" in chunk:
                raise InputFileError(f"{p}: is not a text file (it contains NUL bytes)")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8 = False
                    bad_at = pos + max(exc.start - len(exc.object) + len(chunk), 0)  # (the decoder may hold back a few bytes)
            line_start = _check_lines(p, chunk, pos, line_start)
            pos += len(chunk)
        _check_lines(p, b"\n", pos, line_start)
        if utf16:
            return "utf-16"
        if utf8:
            try:
                decoder.decode(b"", final=True)
                return "utf-8-sig"
            except UnicodeDecodeError:
                bad_at = max(pos - 3, 0)
        _refuse_mixed_encodings(p, f, bad_at)
    return "cp1252"


# A character of two to four bytes as UTF-8 writes it (é is C3 A9): Windows-1252 text has such
# pairs only as unlikely letters ("Ã©").
_UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _refuse_mixed_encodings(p: Path, f, bad_at: int) -> None:
    """Refuse a file that is UTF-8 but for some bytes (a line pasted in from a Windows-1252
    file, say): read as Windows-1252, every accented letter of the rest would change
    ("Zoë" becoming "ZoÃ«") in the output, with no word said."""
    f.seek(0)
    seen = False
    while chunk := f.read(_ENCODING_CHUNK_BYTES):
        if _UTF8_CHARACTER.search(chunk):
            seen = True
            break
    if not seen:
        return
    f.seek(0)
    line = f.read(bad_at).count(b"\n") + 1
    f.seek(bad_at)
    byte = f.read(1)
    raise InputFileError(
        f"{p}: mixes text encodings: it is UTF-8 (accented letters such as 'é' as two bytes) but for "
        f"byte 0x{byte.hex().upper() or '??'} on line {line:,}, which UTF-8 cannot hold (Windows-1252's "
        "'£' or an accented letter?): save the file again as \"CSV UTF-8\", or retype that text")


def _check_lines(p: Path, chunk: bytes, pos: int, line_start: int) -> int:
    """Refuse a line longer than :data:`MAX_CSV_LINE_BYTES` that ``chunk`` (at ``pos`` in the
    file) ends or continues; return where the line open at the chunk's end began."""
    first = min((i for i in (chunk.find(b"\n"), chunk.find(b"\r")) if i >= 0), default=-1)
    end = pos + (first if first >= 0 else len(chunk))
    if end - line_start > MAX_CSV_LINE_BYTES or (len(chunk) > MAX_CSV_LINE_BYTES and first >= 0
                                                 and _longest_line(chunk) > MAX_CSV_LINE_BYTES):
        raise InputFileError(f"{p}: has a line over {MAX_CSV_LINE_BYTES / 2**20:,.0f} MB long; it is not a "
                             "list of rows (or a quote is missing), so it is not read")
    if first < 0:
        return line_start
    return pos + max(chunk.rfind(b"\n"), chunk.rfind(b"\r")) + 1


def _longest_line(chunk: bytes) -> int:
    return max(map(len, chunk.replace(b"\r", b"\n").split(b"\n")))


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
    if header == [_END_OF_FILE]:
        raise InputFileError(f"{p}: has no header row (every row is blank)")
    _unclosed_quote(p, reader, header, skipped + 1, header)
    _check_width(p, header)
    need = _row_delimiters(len(header))
    line = reader.line_num  # the last line read
    blocks: list[list[np.ndarray]] = []
    width = len(header)
    memos: list[dict | None] | None = None
    excel_text: dict[int, int] = {}  # column -> cells written ="..." (read as the text inside)
    n_rows = 0
    short_rows: list[np.ndarray] = []
    short_fields: list[np.ndarray] = []
    while rows := list(islice(reader, CSV_BLOCK_ROWS)):
        first_line, line = line + 1, reader.line_num
        lines = line - first_line + 1  # (the physical lines of these records)
        if rows[-1] == [_END_OF_FILE]:  # (the record after the file's last: the file ended outside quotes)
            del rows[-1]
            lines -= 1
            if not rows:
                break
        else:
            _unclosed_quote(p, reader, rows[-1], skipped + 2 + n_rows + len(rows) - 1, header)
        if lines > len(rows):  # a quoted field holds a line break: does it hold rows of the file?
            _rows_in_one_cell(p, rows, first_line, lines - len(rows), skipped + 2 + n_rows, header,
                              reader.dialect.delimiter, need)
        n_rows += len(rows)
        lengths = set(map(len, rows))
        if min(lengths) < len(header):  # rows cut short (a loop over those rows only)
            fields = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
            at = np.flatnonzero((fields > 0) & (fields < len(header)))
            at = at[[any(rows[i]) for i in at.tolist()]] if at.size else at
            short_rows.append(at + (n_rows - len(rows)))
            short_fields.append(fields[at])
        if max(lengths) > MAX_CSV_COLUMNS:
            i = next(i for i, r in enumerate(rows) if len(r) == max(lengths))
            _check_width(p, [], max(lengths), row=skipped + 2 + n_rows - len(rows) + i)
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
            values, k = excel_text_cells(values)
            if k:
                excel_text[j] = excel_text.get(j, 0) + k
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            cols.append(arr)
        blocks.append(cols)
        del rows
    short = None
    if short_rows:
        short = (np.concatenate(short_rows), np.concatenate(short_fields))
    table = _csv_table(header, width, blocks, n_rows, skipped, short=short)
    table.excel_text = {j: k for j, k in excel_text.items() if j < len(table.columns)}
    return table


def _unclosed_quote(p: Path, reader, record: list[str], row: int, header: list[str]) -> None:
    """Refuse the file if ``record`` (the last record read, on file row ``row``) ends with
    :data:`_END_OF_FILE`: a quote it opens is never closed, so the rest of the file was read
    into its last field. A quote opened on the file's last line (nothing read past that
    line's end) is only taken off the field (``record`` is changed in place)."""
    if not record or not record[-1].endswith(_END_OF_FILE):
        return
    rest = record[-1] = record[-1][: -len(_END_OF_FILE)]
    text = "".join(record[:-1]) + rest  # (its other fields may hold quoted line breaks too)
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    lines = reader.line_num - 1  # (the lines of the file: the reader was given one more)
    line = lines - breaks + (1 if rest.endswith(("\n", "\r")) else 0)
    if lines <= line:
        return
    column = len(record) - 1
    name = header[column].strip() if column < len(header) and record is not header else ""
    where = f"row {row:,}" + (f" (line {line:,} of the file)" if line != row else "")
    cell = f"column {guard._short(name, 30)!r}" if name else f"field {column + 1}"
    raise InputFileError(
        f'{p}: {where} opens a quoted field (a " mark, in {cell}) that is never closed: the rest of the file '
        f"({lines - line:,} more line(s)) was read into one cell; close the quote or remove it")


# A CSV field written as Excel's text formula: ="0501" (Excel shows 0501; inner quotes doubled).
_EXCEL_TEXT = re.compile(r'^="((?:[^"]|"")*)"$')
_EXCEL_TEXT_ARROW = r'^="((?:[^"]|"")*)"$'


def excel_text_cells(values: list) -> tuple[list, int]:
    """CSV fields written ``="0501"`` (a text formula: HR and payroll exports write ids so that
    Excel keeps their leading zeros) as the text Excel shows, ``0501``, and how many there were.

    >>> excel_text_cells(['="0501"', "E1", None, '="5"" pipe"', '=A1'])
    (['0501', 'E1', None, '5" pipe', '=A1'], 2)
    """
    if not any(v is not None and v.startswith('="') for v in values):
        return values, 0
    out, n = [], 0
    for v in values:
        m = _EXCEL_TEXT.match(v) if v is not None and v.startswith('="') else None
        if m is not None:
            v, n = m.group(1).replace('""', '"'), n + 1
        out.append(v)
    return out, n


def _arrow_excel_text(col, pc) -> tuple[object, int]:
    """:func:`excel_text_cells` on a pyarrow string array (its kernels: nothing per cell in Python).
    A column with no ``=`` byte at all (the usual case) is passed by one numpy look at its bytes."""
    data = col.buffers()[2]  # (None: no text at all)
    if data is None or not (np.frombuffer(data, dtype=np.uint8) == ord("=")).any():
        return col, 0
    starts = pc.starts_with(col, '="')
    if not pc.any(starts).as_py():
        return col, 0
    hit = pc.and_(starts, pc.match_substring_regex(col, _EXCEL_TEXT_ARROW)).fill_null(False)
    n = int(pc.sum(hit).as_py() or 0)
    if not n:
        return col, 0
    inner = pc.replace_substring(pc.replace_substring_regex(col, _EXCEL_TEXT_ARROW, r"\1"), '""', '"')
    return pc.if_else(hit, inner, col), n


def _row_delimiters(width: int) -> int:
    """The delimiters a line inside a quoted field holds to be taken for a row of the file
    (the header's ``width`` fields less one, at least :data:`_ROW_MIN_DELIMITERS`)."""
    return max(width - 1, _ROW_MIN_DELIMITERS)


def _breaks(text: str) -> int:
    """The line breaks in ``text`` (CR LF, CR or LF)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _rows_in_a_field(record: list[str], delimiter: str, need: int) -> tuple[int, int, int] | None:
    """The first field of ``record`` whose line breaks took whole rows of the file into it, as
    (its index, the line breaks in the record before it, the line breaks in it); None if none.

    A stray ``"`` opens a quoted field that the next ``"``, lines later, closes: the lines in
    between are rows of the file read as the field's text. A field is taken to hold rows when
    a line wholly inside it holds ``need`` delimiters, or when both the line it opens on and
    the line it closes on do (that line's fields outside it counted, one delimiter each): a
    row (or two) read into the cell. An address over two lines, a note with a comma, holds
    far fewer.

    >>> _rows_in_a_field(["E1", "Ann,KR7,36500\\nE2,Bob,KR6,24000\\nE3,Dan ", "KR5", "28000"], ",", 3)
    (1, 0, 2)
    >>> _rows_in_a_field(["E1", "Ann,KR7,36500\\nE2,Dan ", "KR5", "28000"], ",", 3)
    (1, 0, 1)
    >>> _rows_in_a_field(["E1", "Ann", "12 High St, Flat 2\\nMaidstone, Kent", "28000"], ",", 3) is None
    True
    """
    with_breaks = [k for k, v in enumerate(record) if "\n" in v or "\r" in v]
    before = 0
    for i, k in enumerate(with_breaks):
        lines = _LINE_BREAK.split(record[k])
        opens = (k if i == 0 else k - with_breaks[i - 1]) + lines[0].count(delimiter)
        closes = lines[-1].count(delimiter) + \
            ((with_breaks[i + 1] if i + 1 < len(with_breaks) else len(record) - 1) - k)
        if (opens >= need and closes >= need) or any(ln.count(delimiter) >= need for ln in lines[1:-1]):
            return k, before, len(lines) - 1
        before += len(lines) - 1
    return None


def _rows_in_one_cell(p: Path, rows: list[list[str]], line: int, breaks: int, row: int, header: list[str],
                      delimiter: str, need: int) -> None:
    """Refuse the file if a record of ``rows`` (the first on line ``line`` of the file, file row
    ``row``; ``breaks`` line breaks in all) has a quoted field that took whole rows of the file
    into it (:func:`_rows_in_a_field`).

    Only records with a line break and enough delimiters in their fields are looked at: a field
    holding rows holds ``need`` delimiters or, its record wider than the header, at least
    ``2 * need`` less the delimiters between the record's fields. The look ends at the last
    record with a line break."""
    for i, record in enumerate(rows):
        text = "\x00".join(record)  # (no field holds a NUL: a CR and an LF in two fields are no line break)
        if "\n" not in text and "\r" not in text:
            continue
        if text.count(delimiter) >= min(need, 2 * need - len(record) + 1):
            found = _rows_in_a_field(record, delimiter, need)
            if found is not None:
                k, before, within = found
                line += i + sum(_breaks("\x00".join(r)) for r in rows[:i])
                _refuse_rows_in_one_cell(p, row + i, line + before, within, header, k)
        breaks -= _breaks(text)
        if breaks <= 0:  # (the rest hold none)
            return


def _refuse_rows_in_one_cell(p: Path, row: int, line: int, breaks: int, header: list[str], column: int) -> None:
    name = header[column].strip() if column < len(header) else ""
    cell = f"column {guard._short(name, 30)!r}" if name else f"field {column + 1}"
    raise InputFileError(
        f'{p}: row {row:,} opens a quoted field (a " mark, in {cell}) on line {line:,}, closed only on line '
        f"{line + breaks:,} of the file: {breaks + 1:,} lines that look like rows were read into one cell; remove "
        'the stray " or save the file again from Excel')


def _arrow_rows_in_a_field(batch, delimiter: str, need: int) -> bool:
    """Whether a record of a pyarrow batch (each record as wide as the header) has a field that
    took whole rows of the file into it (:func:`_rows_in_a_field`; the Python reader names it).

    Only a column whose bytes hold a line break is looked at, and in it only the fields with
    a line break and ``need`` delimiters, found in its bytes (the delimiter and the line
    breaks are ASCII: no byte of another character is one): a field holding rows has as many
    (a line inside it; or its first and last lines, which with the record's fields outside it,
    fewer than ``need``, hold ``need`` each)."""
    suspects: set[int] = set()
    for j in range(batch.num_columns):
        col = batch.column(j)
        if col.buffers()[2] is None:
            continue
        offsets, data = utf8_layout(col)
        start = int(offsets[0])
        data = data[start:int(offsets[-1])]  # (the bytes of these cells)
        raw = data.tobytes()  # (searched in C, quicker than any look at each field)
        if b"\n" not in raw and b"\r" not in raw:
            continue
        del raw
        at = np.unique(np.searchsorted(offsets, np.flatnonzero((data == ord("\n")) | (data == ord("\r"))) + start,
                                       side="right") - 1)
        marks = np.flatnonzero(data == ord(delimiter)) + start
        count = np.searchsorted(marks, offsets[at + 1]) - np.searchsorted(marks, offsets[at])
        suspects.update(at[count >= need].tolist())
    for i in sorted(suspects):
        record = [batch.column(j)[i].as_py() or "" for j in range(batch.num_columns)]
        if _rows_in_a_field(record, delimiter, need) is not None:
            return True
    return False


def _csv_table(header: list[str], width: int, blocks: list[list[np.ndarray]], n_rows: int, skipped: int,
               filled_rows: np.ndarray | None = None, short: tuple[np.ndarray, np.ndarray] | None = None) -> Table:
    """Join the blocks of columns; drop trailing blank rows and trailing empty, unheaded columns.

    ``filled_rows`` (rows with a field that is not empty) is worked out when not given;
    ``short``: the data rows with fewer fields than ``header`` and how many each has."""
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
    cut = None
    if short is not None:  # (short of a header field dropped as empty is not short)
        rows, fields = short
        within = min(len(header), keep)
        on = (rows < last) & (fields < within)
        if on.any():
            cut = CutShort(rows[on], fields[on], within)
    return Table(headers[:keep], columns[:keep], first_row=skipped + 2, sheet=None, kind="csv", cut_short=cut)


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
    if width > MAX_CSV_COLUMNS:
        _check_width(p, lines[skip].split(delimiter, 3)[:3] + [""] * (width - 3), width)
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

    The file is read a block (:data:`ARROW_BLOCK_BYTES`) at a time, and each column is kept
    only in its coded form (:class:`_CodedBuilder`): a column with many repeated texts as its
    distinct cells and each row's index into them, any other column as its Arrow text. The
    table's columns are :class:`ArrowColumns`: a column becomes an object array (each distinct
    text one Python object) only when it is used, and :meth:`Table.rows` takes blocks of rows
    still coded, so a big list is never held as Python objects whole.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    if not any(header):
        return None
    _check_width(p, header)
    width = len(header)
    need = _row_delimiters(width)
    names = [f"c{j}" for j in range(width)]
    try:
        pool = pa.system_memory_pool()  # (freed blocks go back to the C library: see _give_back)
        batches = pacsv.open_csv(
            p, memory_pool=pool,
            read_options=pacsv.ReadOptions(column_names=names, block_size=ARROW_BLOCK_BYTES, skip_rows=skip_lines,
                                           use_threads=ARROW_THREADS),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                             escape_char=False, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
        columns = [_CodedBuilder() for _ in range(width)]
        excel_text: dict[int, int] = {}
        filled: list[np.ndarray] = []
        last = None  # the last record read (one row)
        n_rows = -1  # (the header record is read as a row)
        for batch in batches:  # a block of the file at a time: the file is never held whole as text
            if batch.num_rows:
                last = batch.slice(batch.num_rows - 1)  # (the header record too, while it is the only one)
            if n_rows < 0:
                if not batch.num_rows:
                    continue
                if [batch.column(j)[0].as_py() or "" for j in range(width)] != header:
                    return None
                batch = batch.slice(1)
            n_rows = max(n_rows, 0) + batch.num_rows
            if n_rows * width > MAX_ARROW_CSV_CELLS:
                raise InputFileError(f"{p}: has more than {MAX_ARROW_CSV_CELLS:,} fields (rows x columns)")
            rows_filled = np.zeros(batch.num_rows, dtype=bool)
            for j in range(width):
                col = batch.column(j)
                offsets = _arrow_offsets(col)
                if len(col) and int(np.diff(offsets).max()) > CSV_MAX_FIELD_CHARS and \
                        (pc.max(pc.utf8_length(col)).as_py() or 0) > CSV_MAX_FIELD_CHARS:  # (bytes >= characters)
                    return None
                rows_filled |= _valid_rows(col)
                col, k = _arrow_excel_text(col, pc)
                if k:
                    excel_text[j] = excel_text.get(j, 0) + k
                columns[j].add(col, pc, pool)
            if _arrow_rows_in_a_field(batch, delimiter, need):
                return None  # (a stray quote took rows of the file into one cell: the Python reader names the lines)
            filled.append(rows_filled)
            del batch
        del batches  # (the reader holds its buffers while it lives)
        if _breaks_in(last, pc):
            return None  # (the last record holds a line break: is a quote left open? The Python reader says)
    except (pa.ArrowException, OSError):
        return None
    if n_rows < 0:
        return None
    # Trailing blank rows are not data (as _csv_table does).
    filled_rows = np.concatenate(filled) if filled else np.zeros(0, dtype=bool)
    del filled
    n_rows = int(np.flatnonzero(filled_rows)[-1]) + 1 if filled_rows.any() else 0
    twins = [c.done(n_rows, pa) for c in columns]
    del columns
    # Trailing columns with neither header nor data are not data (as _csv_table does).
    headers = [h.strip() for h in header]
    keep = width
    while keep > 1 and headers[keep - 1] == "" and _all_blank(twins[keep - 1]):
        keep -= 1
    _give_back()
    return Table(headers[:keep], ArrowColumns(twins[:keep], n_rows), first_row=skip + 2, sheet=None, kind="csv",
                 excel_text={j: k for j, k in excel_text.items() if j < keep})


def _breaks_in(record, pc) -> bool:
    """Whether a one-row pyarrow batch holds a line break in a field (a quote never closed
    makes the last record run to the end of the file, over its line breaks)."""
    return record is not None and any(
        pc.any(pc.match_substring_regex(record.column(j), "[\r\n]")).as_py() for j in range(record.num_columns))


def _objects(text) -> np.ndarray:
    """A pyarrow string array as an object array of ``str`` and ``None``."""
    col = text.to_numpy(zero_copy_only=False)
    return col if col.dtype == object else col.astype(object)  # (an all-null array: objects too)


def int_values(a) -> np.ndarray:
    """The values of a pyarrow integer array without nulls, read in place."""
    import pyarrow as pa

    kind = "i" if pa.types.is_signed_integer(a.type) else "u"
    return np.frombuffer(a.buffers()[1], dtype=f"{kind}{a.type.bit_width // 8}")[a.offset:a.offset + len(a)]


def _give_back() -> None:
    """Hand the memory the parse of a big file freed back to the system (glibc keeps freed
    blocks for reuse; on other C libraries there is nothing to do), so the run's peak is what
    it holds, not what it once parsed."""
    import ctypes
    import ctypes.util

    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except ImportError:
        pass
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def _all_blank(twin: Coded) -> bool:
    """Whether a coded column has no cell (every one null)."""
    if twin.labels is not None:
        return not any(v is not None for v in twin.labels[np.unique(twin.codes)].tolist())
    return twin.text.null_count == len(twin.text)


class _CodedBuilder:
    """One CSV column's coded form (:class:`Coded`), made a batch of rows at a time as pyarrow
    parses the file: a column whose first batch repeats its texts as distinct labels and codes
    (labels in order of first appearance, the blank as ``None``: as one ``dictionary_encode``
    of the whole column gives them), any other column (ids) as Arrow text. Each batch's
    distinct texts are looked up among the labels so far in C (``index_in``), the new ones
    appended in the order they appear."""

    def __init__(self):
        self.text: list | None = None  # Arrow text chunks (ids)
        self.labels = None  # Arrow text: the distinct texts so far (null: the blank)
        self.codes: list[np.ndarray] = []

    def add(self, col, pc, pool) -> None:
        if self.text is None and self.labels is None:  # the first batch decides
            distinct = pc.count_distinct(col, memory_pool=pool).as_py()
            if len(col) and distinct >= _DEDUPE_BELOW_UNIQUE_SHARE * len(col):
                self.text = []
        if self.text is not None:
            self.text.append(col)
            return
        enc = pc.dictionary_encode(col, null_encoding="encode", memory_pool=pool)
        batch = enc.dictionary
        if self.labels is None:
            self.labels = batch
            to_global = np.arange(len(batch), dtype=np.uint32)
        else:
            at = pc.index_in(batch, value_set=self.labels, skip_nulls=False, memory_pool=pool)
            known = _valid_rows(at)
            to_global = np.empty(len(batch), dtype=np.uint32)
            to_global[known] = int_values(at.filter(pc.is_valid(at)))
            new = np.flatnonzero(~known)
            if new.size:
                to_global[new] = len(self.labels) + np.arange(new.size, dtype=np.uint32)
                import pyarrow as pa

                self.labels = pa.concat_arrays([self.labels, batch.filter(pc.is_null(at))])
        self.codes.append(to_global[int_values(enc.indices)])

    def done(self, n_rows: int, pa) -> Coded:
        if self.text is not None:
            text = pa.concat_arrays(self.text) if self.text else pa.array([], type=pa.string())
            return Coded(None, None, text.slice(0, n_rows))
        labels = self.labels if self.labels is not None else pa.array([None], type=pa.string())
        labels = _objects(labels)
        self.labels = None
        codes = np.concatenate(self.codes)[:n_rows] if self.codes else np.zeros(n_rows, dtype=np.uint32)
        return Coded(labels, codes.astype(_code_type(len(labels))), None)


def _code_type(n_labels: int) -> type:
    """The smallest unsigned integer type that indexes ``n_labels`` labels.

    >>> _code_type(3), _code_type(300), _code_type(70_000)
    (<class 'numpy.uint8'>, <class 'numpy.uint16'>, <class 'numpy.uint32'>)
    """
    return np.uint8 if n_labels <= 1 << 8 else np.uint16 if n_labels <= 1 << 16 else np.uint32


def _valid_rows(s) -> np.ndarray:
    """Which cells of a pyarrow array are not null, read off its validity bitmap (bool)."""
    n = len(s)
    if not s.null_count:
        return np.ones(n, dtype=bool)
    bits = np.frombuffer(s.buffers()[0], dtype=np.uint8)
    return np.unpackbits(bits, bitorder="little")[s.offset:s.offset + n].astype(bool)


def utf8_layout(s) -> tuple[np.ndarray, np.ndarray]:
    """The offsets (``n + 1``) and the UTF-8 bytes of a pyarrow string array (read in place).

    >>> import pyarrow as pa
    >>> offsets, data = utf8_layout(pa.array(["ab", "", "é"]))
    >>> offsets.tolist(), bytes(data).decode()
    ([0, 2, 2, 4], 'abé')
    """
    _validity, offsets, data = s.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int32)[s.offset:s.offset + len(s) + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data


def _arrow_offsets(s) -> np.ndarray:
    """The ``n + 1`` offsets of an Arrow string array into its UTF-8 bytes."""
    return np.frombuffer(s.buffers()[1], dtype=np.int32)[s.offset:s.offset + len(s) + 1]


class Coded(NamedTuple):
    """A column of text cells read by pyarrow, in the form it came in (:func:`coded`).

    Either ``labels`` (the distinct cells, ``None`` for blank, in order of first appearance)
    and ``codes`` (each row's index into them), or ``text`` (a pyarrow string array, null
    for blank): the same cells as the object column.
    """

    labels: np.ndarray | None
    codes: np.ndarray | None
    text: object | None


# id(column) -> (weak reference to the column, its Coded form, what it held: the objects' addresses).
_CODED: dict[int, tuple] = {}


def _addresses(col: np.ndarray) -> np.ndarray | None:
    """The addresses of the objects an object array holds, read off its buffer (no reference
    is taken), or None for an array that is not one contiguous run of pointers."""
    import ctypes

    if col.dtype != object or col.ndim != 1 or not col.flags.c_contiguous or col.itemsize != 8:
        return None
    if not len(col):
        return np.zeros(0, dtype=np.uint64)
    raw = (ctypes.c_uint64 * len(col)).from_address(col.__array_interface__["data"][0])
    return np.frombuffer(raw, dtype=np.uint64)


def _label_ids(labels: np.ndarray) -> np.ndarray:
    """The addresses of the objects ``labels`` holds (worked out once for labels blocks share)."""
    from .._arrays import once_per_array

    return once_per_array("label ids", lambda v: np.fromiter(map(id, v), dtype=np.uint64, count=len(v)), labels)


def _register(col: np.ndarray, twin: Coded) -> None:
    """Keep ``twin`` as the coded form of ``col`` while ``col`` lives, with what ``col`` holds:
    :func:`coded` gives it only while ``col`` holds those very objects (a cell changed in place
    drops it)."""
    import weakref

    if _addresses(col) is None:
        return
    col.flags.writeable = False  # (read only: coded() need not look at every cell again)
    if twin.labels is not None:  # the objects are the labels' (they stay alive in the twin)
        held = (_label_ids(twin.labels), None)
    else:  # a copy keeps the objects alive, so no other object can take one's address
        held = (None, col.copy())
    key = id(col)

    def gone(ref, key=key):
        entry = _CODED.get(key)
        if entry is not None and entry[0] is ref:
            del _CODED[key]

    _CODED[key] = (weakref.ref(col, gone), twin, held)


def labelled(labels: Sequence, codes: np.ndarray) -> np.ndarray:
    """``labels[codes]`` as an object column, its coded form kept (:func:`coded`): for a column
    of few distinct cells a computation makes (a status, a reason, a flag), which the checks
    for Excel and the CSV writer then look at once per distinct cell, as a column read.

    >>> c = labelled(np.array(["OK", None], dtype=object), np.array([0, 1, 0]))
    >>> c.tolist(), coded(c).labels.tolist(), coded(c).codes.tolist()
    (['OK', None, 'OK'], ['OK', None], [0, 1, 0])
    """
    labels = labels if isinstance(labels, np.ndarray) and labels.dtype == object else np.array(labels, dtype=object)
    codes = np.asarray(codes).astype(_code_type(len(labels)), copy=False)
    col = labels[codes]
    _register(col, Coded(labels, codes, None))
    return col


def blank_column(n: int) -> np.ndarray:
    """``n`` blank cells (``None``), coded as one distinct cell (a column a file does not have).

    The column is read only, so one is made per length and shared (a list read a block at a
    time asks for one per missing field and block).

    >>> c = blank_column(3)
    >>> c.tolist(), coded(c).labels.tolist(), coded(c).codes.tolist(), blank_column(3) is c
    ([None, None, None], [None], [0, 0, 0], True)
    """
    col = _BLANK_COLUMNS.get(n)
    if col is None:
        col = _nones(n)
        _register(col, Coded(_BLANK_LABELS, np.zeros(n, dtype=np.uint8), None))
        if len(_BLANK_COLUMNS) >= 4:
            _BLANK_COLUMNS.clear()
        _BLANK_COLUMNS[n] = col
    return col


_BLANK_LABELS = np.full(1, None, dtype=object)
_BLANK_COLUMNS: dict[int, np.ndarray] = {}  # length -> the shared blank column (read only)


def cells_equal(col: np.ndarray, value) -> np.ndarray:
    """``col == value`` cell by cell (a bool array), compared once per distinct cell for a
    coded column (:func:`coded`; shortcuts on).

    >>> cells_equal(labelled(["OK", "x"], np.array([0, 1, 0])), "OK").tolist()
    [True, False, True]
    """
    from .._arrays import fast

    c = coded(col) if fast() else None
    if c is not None and c.labels is not None:
        return np.asarray(c.labels == value, dtype=bool)[c.codes]
    return np.asarray(col == value, dtype=bool)


def coded(col) -> Coded | None:
    """The coded form of a column the CSV reader made (that very array, or a block of it from
    :meth:`Table.rows`, not a copy or another slice, holding the objects it was made with: a
    cell changed since is noticed), or None.

    >>> coded(np.array(["a"], dtype=object)) is None
    True
    """
    entry = _CODED.get(id(col))
    if entry is None or entry[0]() is not col:
        return None
    twin, (label_ids, copy) = entry[1], entry[2]
    if _read_only(col):  # made read only when registered, and not made writeable since
        return twin
    now = _addresses(col)
    then = label_ids[twin.codes] if label_ids is not None else _addresses(copy)
    if now is None or not np.array_equal(now, then):
        return None
    return twin


def _read_only(col: np.ndarray) -> bool:
    """Whether no cell of ``col`` can have changed since it was made read only: it is, and so is
    the array it is a view of."""
    base = col.base
    return not col.flags.writeable and not (isinstance(base, np.ndarray) and base.flags.writeable)


def _check_width(p: Path, header: list[str], width: int | None = None, row: int | None = None) -> None:
    """Refuse a header (or the record on file row ``row``) of more than :data:`MAX_CSV_COLUMNS` fields."""
    width = len(header) if width is None else width
    if width <= MAX_CSV_COLUMNS:
        return
    where = f"row {row:,} has" if row else "its header row has"
    first = f": {quote_names(header, 3)}" if header and not row else ""
    raise InputFileError(f"{p}: {where} {width:,} columns{first}; a list can have at most {MAX_CSV_COLUMNS:,} "
                         "(Excel's limit); check the delimiter or split the file")


def _nones(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)
