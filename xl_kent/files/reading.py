"""Read a staff list (xlsx or CSV) into columns of cells, refusing unsafe or broken files.

:func:`read_table` returns a :class:`Table`: the header row as text and one object array
of cells per column, exactly as the file holds them (no type guessing for CSV). Anything
that cannot be read safely raises :class:`InputFileError`, whose message is one line
naming the file and the reason. The rules (see ``docs/files.md``):

* the file type comes from its content (a zip is a workbook; an old binary ``.xls`` or an
  OpenDocument file is refused), else from the extension: ``.xlsx``/``.xlsm`` workbooks,
  ``.csv``/``.txt`` text;
* the header is the first row that is not blank; data rows follow it, blank rows inside
  the data are kept (as rows of ``None``) and blank rows after the last data are dropped,
  as are trailing columns with neither a header nor data;
* xlsx cells: ``None`` (blank or empty text), ``str``, ``float``, ``bool``,
  ``datetime.datetime``/``date``/``time``/``timedelta`` for date and time cells, and an
  error cell as its error text (``"#N/A"``, ``"#VALUE!"``, ...). Excel's ``_xHHHH_``
  escapes in text are decoded (by the reader, as Excel does);
* CSV cells: each field's text exactly as in the file, ``None`` for an empty field.
  UTF-8 (with or without a byte-order mark), else UTF-16 with a byte-order mark, else
  Windows-1252; the delimiter is whichever of comma, semicolon or tab is most common in
  the header line (comma on a tie); any line endings. Short rows are padded with ``None``;
  extra fields are kept in extra columns headed ``""``.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np

__all__ = ["InputFileError", "Table", "read_table", "MAX_CSV_BYTES", "MAX_CSV_CELLS"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
SUPPORTED = "an Excel workbook (.xlsx, .xlsm) or a CSV file (.csv, .txt)"
# CSV limits: bytes of the file, and fields (rows x columns) kept.
MAX_CSV_BYTES = 2 << 30
MAX_CSV_CELLS = 50_000_000
# Rows parsed and turned into columns at a time (bounds the transient row lists).
CSV_BLOCK_ROWS = 100_000
# Longest CSV field in characters (Excel's cell limit is 32,767; this only stops runaway quotes).
CSV_MAX_FIELD_CHARS = 1 << 20
# Bytes pyarrow parses at a time (a quoted field may not span two blocks: longer ones go to Python).
ARROW_BLOCK_BYTES = 16 << 20
# Bytes of the header line looked at to choose the delimiter.
SNIFF_BYTES = 64 << 10
_DELIMITERS = (",", ";", "\t")
# Share of repeated values in a column's first block above which its text is de-duplicated.
_DEDUPE_BELOW_UNIQUE_SHARE = 0.5


class InputFileError(Exception):
    """A file that cannot be read safely; ``str(err)`` is one line naming the file and the reason."""


@dataclass
class Table:
    """A staff list as read: header texts and one object array of cells per column.

    >>> t = Table(["id"], [np.array(["E1", None], dtype=object)], first_row=2, sheet=None, kind="csv")
    >>> t.n_rows
    2
    """

    headers: list[str]
    columns: list[np.ndarray]
    first_row: int
    sheet: str | None
    kind: str

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


def read_table(path, *, sheet: str | None = None) -> Table:
    """Read a workbook sheet or a CSV file.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    sheet : str, optional
        The worksheet to read (xlsx only); default the first sheet.

    Returns
    -------
    Table

    Raises
    ------
    InputFileError
        The file is missing, empty, of an unsupported type, damaged, or unsafe (zip bomb,
        XML with a DTD, absurd sheet size); the message is one line for the user.
    """
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
        return _read_xlsx(p, sheet)
    if suffix in XLSX_SUFFIXES:
        raise InputFileError(f"{p}: is not a valid Excel workbook (not a zip file)")
    if suffix in CSV_SUFFIXES:
        return _read_csv(p, size)
    raise InputFileError(f"{p}: {suffix or 'a file without an extension'} is not supported; "
                         f"give {SUPPORTED}")


# ---------------------------------------------------------------- xlsx
def _read_xlsx(p: Path, sheet: str | None) -> Table:
    from . import _xlsx_guard as guard

    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputFileError(f"{p}: is damaged or not a workbook ({_reason(exc)})") from None
    try:
        with zf:
            guard.check_directory(zf)
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                if "mimetype" in names and b"opendocument" in zf.read("mimetype")[:100]:
                    raise guard.GuardError("is an OpenDocument spreadsheet; save it as .xlsx or CSV")
                raise guard.GuardError("is a zip file but not an Excel workbook (no xl/workbook.xml)")
            sheets = _sheet_parts(zf, guard)
            if not sheets:
                raise guard.GuardError("has no worksheets")
            if sheet is None:
                sheet_name, part = sheets[0]
            else:
                found = [s for s in sheets if s[0] == sheet] or [s for s in sheets if s[0].lower() == sheet.lower()]
                if not found:
                    raise guard.GuardError(f"has no sheet {sheet!r} (it has {', '.join(repr(s) for s, _ in sheets)})")
                sheet_name, part = found[0]
            if part not in names:
                raise guard.GuardError(f"is damaged: sheet {sheet_name!r} has no part {part}")
            for info in zf.infolist():  # every XML part the reader may parse: no DTDs
                if info.filename.endswith((".xml", ".rels")) and info.filename != part:
                    guard.check_prolog(zf, info)
                    if info.filename == "xl/sharedStrings.xml":  # real size, whatever the directory says
                        for _ in guard.inflate(zf, info):
                            pass
            errors = guard.scan_sheet(zf, zf.getinfo(part))
    except guard.GuardError as exc:
        raise InputFileError(f"{p}: {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise InputFileError(f"{p}: is damaged ({_reason(exc)})") from None
    rows = _calamine_rows(p, sheet_name)
    return _table_from_rows(rows, errors, sheet_name, p)


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _sheet_parts(zf: zipfile.ZipFile, guard) -> list[tuple[str, str]]:
    """(sheet name, part path) of each worksheet, in workbook order."""
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
                out.append((elem.get("name", ""), target))
    return out


def _calamine_rows(p: Path, sheet_name: str) -> list[list]:
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(p))
        try:
            return wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        finally:
            wb.close()
    except python_calamine.CalamineError as exc:
        raise InputFileError(f"{p}: cannot be read ({_reason(exc)})") from None
    except (ValueError, OSError) as exc:
        raise InputFileError(f"{p}: cannot be read ({_reason(exc)})") from None


def _table_from_rows(rows: list[list], errors: dict[tuple[int, int], str], sheet_name: str, p: Path) -> Table:
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
    return _table_from_grid(grid, sheet_name, "xlsx", p)


def _table_from_grid(grid: np.ndarray, sheet_name: str, kind: str, p: Path) -> Table:
    """Header = first non-blank row; drop trailing blank rows and trailing empty columns."""
    filled = grid != None  # noqa: E711  (elementwise)
    row_has = filled.any(axis=1)
    nonblank = np.flatnonzero(row_has)
    if nonblank.size == 0:
        raise InputFileError(f"{p}: has no header row (sheet {sheet_name!r} is blank)")
    top, bottom = int(nonblank[0]), int(nonblank[-1])
    grid = grid[top:bottom + 1]
    col_has = filled[top:bottom + 1].any(axis=0)
    grid = grid[:, : int(np.flatnonzero(col_has)[-1]) + 1]
    headers = [_header_text(v) for v in grid[0].tolist()]
    columns = [np.ascontiguousarray(grid[1:, j]) for j in range(grid.shape[1])]
    return Table(headers, columns, first_row=top + 2, sheet=sheet_name, kind=kind)


def _header_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v).strip()


# ---------------------------------------------------------------- csv
def _read_csv(p: Path, size: int) -> Table:
    if size > MAX_CSV_BYTES:
        raise InputFileError(f"{p}: is {size / 2**20:,.0f} MB; CSV files up to {MAX_CSV_BYTES / 2**20:,.0f} MB "
                             "are read")
    encoding = _csv_encoding(p)
    try:
        with open(p, encoding=encoding, newline="") as f:
            head = f.read(SNIFF_BYTES)
            if not head.strip():
                raise InputFileError(f"{p}: is empty")
            first_line = head.splitlines()[0] if head.splitlines() else head
            delimiter = max(_DELIMITERS, key=lambda d: (first_line.count(d), d == ","))
            if encoding == "utf-8-sig":
                fast = _csv_arrow(p, head, delimiter)
                if fast is not None:
                    return fast
            f.seek(0)  # (the utf-8-sig and utf-16 codecs drop a byte-order mark)
            text = f.read()
            if '"' not in text and "\r" not in text.replace("\r\n", ""):
                fast = _csv_unquoted(text, delimiter, p)
                if fast is not None:
                    return fast
            del text
            f.seek(0)
            old_limit = csv.field_size_limit(CSV_MAX_FIELD_CHARS)
            try:
                table = _csv_columns(csv.reader(f, delimiter=delimiter, strict=False), p)
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


def _csv_columns(reader, p: Path) -> Table:
    """Parse records in blocks into per-column object arrays (``None`` for empty fields)."""
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(f"{p}: is empty") from None
    skipped = 0
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


def _csv_unquoted(text: str, delimiter: str, p: Path) -> Table | None:
    """The fast path for CSV without quotes: every line split in C, blocks made into columns.

    Returns None (use the csv module) if the rows are ragged or blank lines lead the file.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    del text
    while lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0]:
        return None
    width = lines[0].count(delimiter) + 1
    if any(line.count(delimiter) != width - 1 for line in lines if line):
        return None
    n_rows = len(lines) - 1
    if n_rows * width > MAX_CSV_CELLS:
        raise InputFileError(f"{p}: has more than {MAX_CSV_CELLS:,} fields (rows x columns)")
    header = lines[0].split(delimiter)
    memos: list[dict | None] = [None] * width
    blocks: list[list[np.ndarray]] = []
    blank = delimiter * (width - 1)
    for start in range(1, n_rows + 1, CSV_BLOCK_ROWS):
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
    return _csv_table(header, width, blocks, n_rows, skipped=0)


def _csv_arrow(p: Path, head: str, delimiter: str) -> Table | None:
    """The fast path for UTF-8 CSV: pyarrow parses the file in C, every field as text.

    Returns None (use the Python reader) where the two might differ or pyarrow cannot say:
    no pyarrow, a blank first line, rows of other lengths than the header (ragged rows,
    blank lines), a field longer than the limit, anything pyarrow refuses.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    try:
        header = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, strict=False), [])
    except csv.Error:
        return None
    if not any(header) or (len(head) == SNIFF_BYTES and "\n" not in head and "\r" not in head):
        return None
    width = len(header)
    names = [f"c{j}" for j in range(width)]
    try:
        table = pacsv.read_csv(
            p,
            read_options=pacsv.ReadOptions(column_names=names, block_size=ARROW_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                             escape_char=False, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except (pa.ArrowException, OSError):
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
    return _csv_table(header, width, [[c[1:] for c in columns]], n_rows, skipped=0, filled_rows=filled_rows)


def _nones(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)
