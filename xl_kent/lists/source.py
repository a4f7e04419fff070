"""Open a user's file as a staff list or an award log: the one reader every command uses.

:func:`read_list` finds the sheet and the header row (our templates' How to use sheet,
title rows above the header and hidden sheets are passed over; ``sheet`` overrides),
maps the columns (:func:`xl_kent.lists.fields.map_columns`) and refuses, in one
message, a file that cannot be read, has no data rows or lacks required columns.

Examples
--------
>>> import tempfile, pathlib
>>> from xl_kent.lists.figures import STAFF_SCHEMA
>>> with tempfile.TemporaryDirectory() as d:
...     p = pathlib.Path(d) / "staff.csv"
...     _ = p.write_text("Budget 2026/27\\n\\nEmp No,Grade,Salary,DOB,CSD,Notes\\n"
...                      "E1,KR6,30000,01/02/1980,01/04/2010,x\\n", encoding="utf-8")
...     got = read_list(p, STAFF_SCHEMA)
>>> got.table.header_row, got.columns.fields["annual_salary"], got.columns.warnings()
(3, 2, ["columns not used: 'Notes'"])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..files.reading import InputFileError, Table, quote_names, read_table
from . import parse
from .fields import (
    FITS_SAMPLE_ROWS,
    ColumnMap,
    Schema,
    fits_kind,
    header_scorer,
    map_columns,
    parse_map_options,
)
from .parse import blank_rows
from .problems import cut_short_warning

__all__ = ["Loaded", "NoDataRows", "content_checks", "read_list"]


class NoDataRows(InputFileError):
    """The file or sheet has no data row: no header, nothing below it, or only an earlier run's
    results (a caller may take that as "nothing given")."""


@dataclass
class Loaded:
    """A list file read: the table (cells as in the file) and how its columns are used."""

    table: Table
    columns: ColumnMap
    moved_1904: tuple[str, ...] = ()  # headers of date columns whose plain numbers count from 1904
    notes: tuple[str, ...] = ()  # warnings about the file as read, for the command to print

    def where(self) -> str:
        """Where the data was found, for a note ("" when it is the obvious place: the first
        sheet, header on row 1): sheet, header row, sheets passed over."""
        t = self.table
        header_row = getattr(t, "header_row", 1)
        skipped = getattr(t, "skipped_sheets", [])
        if header_row == 1 and not skipped and not self.moved_1904:
            return ""
        parts = [f"sheet {t.sheet!r}"] if t.sheet else []
        if header_row != 1:
            parts.append(f"header on row {header_row}")
        if skipped:
            parts.append("passed over: " + ", ".join(repr(s) for s in skipped))
        if self.moved_1904:
            parts.append("the workbook counts dates from 1904 (Excel for Mac's 1904 date system): the plain "
                         f"numbers in {quote_names(list(self.moved_1904))} are read as dates in it")
        return ", ".join(parts)


def read_list(path, schema: Schema, *, sheet: str | None = None, maps=None) -> Loaded:
    """Read ``path`` (xlsx or CSV) as a list of ``schema``'s kind.

    Raises :class:`xl_kent.files.reading.InputFileError` (unreadable, unsafe, empty, no
    data rows) and :class:`xl_kent.lists.fields.ColumnError` (a bad ``--map``, missing or
    ambiguous columns); each message is for the user as it stands.
    """
    overrides = parse_map_options(maps, schema)
    try:
        table = read_table(path, sheet=sheet, scorer=header_scorer(schema))
    except OSError as e:
        raise InputFileError(f"cannot read {path}: {e.strerror or e}") from None
    if not any(h for h in table.headers):
        raise NoDataRows(f"{path}: no header row (the file or sheet is empty)")
    if table.n_rows == 0:
        raise NoDataRows(f"{path}: no data rows below the header (headers found: "
                             f"{quote_names([h for h in table.headers if h])})")
    kinds = {f.name: f.kind for f in schema.fields}

    head = table.rows(0, FITS_SAMPLE_ROWS)  # (a big CSV's columns are not made whole to be sampled)

    def fits(name: str, col: int) -> bool:
        return fits_kind(kinds[name], head.columns[col])

    def has_data(col: int) -> bool:
        return not blank_rows([partial(table.cells, col)], table.n_rows).all()

    columns = map_columns(table.headers, schema, overrides, fits, has_data)
    table = _without_result_rows(table, columns)
    if table.n_rows == 0:
        raise NoDataRows(f"{path}: no data rows below the header (only results of an earlier run)")
    notes = content_checks(path, table, columns, schema)
    table, moved = _dates_in_1900_system(table, columns, [f.name for f in schema.fields if f.kind == "date"])
    columns.notes = [*cut_short_warning(table, columns), *columns.note_warnings(table),
                     *hidden_warnings(table, columns), *excel_text_warnings(table)]
    return Loaded(table, columns, moved, notes)


def excel_text_warnings(table: Table) -> list[str]:
    """The line for a CSV's cells written ``="0501"`` (:attr:`Table.excel_text`): read as the
    text Excel shows (``0501``), not as the formula's text."""
    found = getattr(table, "excel_text", None) or {}
    if not found:
        return []
    n = sum(found.values())
    names = ", ".join(repr(table.headers[j]) if table.headers[j] else f"column {j + 1}" for j in sorted(found))
    return [f"{n:,} cell(s) written =\"...\" (in {names}: Excel's way to keep text such as an id's leading zeros) "
            "are read as the text inside, as Excel shows them: =\"0501\" is 0501"]


_RANGES_SHOWN = 5  # runs of hidden rows a warning names, then how many more rows


def row_runs(numbers: Sequence[int], limit: int = _RANGES_SHOWN) -> str:
    """Row numbers (ascending) as runs for a message: at most ``limit`` runs, then how many
    more rows.

    >>> row_runs([7, 8, 9, 25]), row_runs([3]), row_runs([1, 3, 5, 7, 8], 2)
    ('rows 7-9, 25', 'row 3', 'rows 1, 3 and 3 more')
    """
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    shown = ", ".join(f"{a:,}" if a == b else f"{a:,}-{b:,}" for a, b in runs[:limit])
    rest = sum(b - a + 1 for a, b in runs[limit:])
    return ("row " if len(numbers) == 1 else "rows ") + shown + (f" and {rest:,} more" if rest else "")


def hidden_warnings(table: Table, columns: ColumnMap) -> list[str]:
    """The warning lines for the data rows Excel hides (by hand or by a filter) that are not
    blank, and for the hidden columns read as fields (:attr:`Table.hidden`): they are read
    like the others, and the figures and totals include them, though the user may think them
    left out. ``[]`` for a sheet that hides nothing of the list."""
    hidden = getattr(table, "hidden", None)
    if hidden is None:
        return []
    where = f"sheet {table.sheet!r}: " if table.sheet else ""
    lines = []
    rows = hidden.rows
    if rows.size:
        rows = rows[~columns.blank_rows(table)[rows]]  # (a blank row changes no figure)
    if rows.size:
        n = int(rows.size)
        how = "the sheet is filtered: " if hidden.filtered else ""
        lines.append(f"{where}{n:,} row{'s' if n > 1 else ''} hidden in Excel ({how}"
                     f"{row_runs((rows + table.first_row).tolist())}) {'are' if n > 1 else 'is'} read like the "
                     f"others: the figures and totals include {'them' if n > 1 else 'it'}; to leave "
                     f"{'them' if n > 1 else 'it'} out, delete {'them' if n > 1 else 'it'} from the list")
    by_col = {j: name for name, j in columns.fields.items()}
    read = [j for j in hidden.columns if j in by_col]
    if read:
        from ..files._xlsx import column_letter

        named = [f"{column_letter(j)} ({table.headers[j]!r}, read as {by_col[j]})" if table.headers[j]
                 else f"{column_letter(j)} (read as {by_col[j]})" for j in read]
        many = len(read) > 1
        lines.append(f"{where}column{'s' if many else ''} {', '.join(named[:-1]) + ' and ' if many else ''}"
                     f"{named[-1]} {'are' if many else 'is'} hidden in Excel: {'they are' if many else 'it is'} "
                     f"read like the others, and the figures use {'them' if many else 'it'}")
    return lines


def _distinct_texts(table: Table, j: int) -> list[str]:
    """The distinct text cells of column ``j`` (a CSV column told from its coded form)."""
    from ..files.reading import ArrowColumns

    cols = table.columns
    if isinstance(cols, ArrowColumns):
        twin = cols.twin(j)
        if twin.labels is not None:
            return [v for v in twin.labels.tolist() if isinstance(v, str)]
        import pyarrow.compute as pc

        return [v for v in pc.unique(twin.text).to_pylist() if v is not None]
    col = cols[j]
    if str not in set(map(type, col)):  # (the usual xlsx date column: no text; map and set run in C)
        return []
    return list({v for v in col.tolist() if type(v) is str})


US_DATES_MIN = 2  # month/day-only texts in a column with no day/month-only one: a US column
_MONTHS, _LONGEST_MONTH_DAYS = 12, 31  # calendar fact, not a policy number


def _refuse_us_dates(path, table: Table, columns: ColumnMap, date_fields: list[str]) -> None:
    """Refuse a date column written month/day (US): dates are read day/month, never US
    (docs/bulk.md), so one with a 13th month or more is "not a date" (a problem row), but one
    like ``04/05/1980`` is read as 4 May: in a column written month/day most of its rows
    would be wrong with no problem shown. A column is taken as US when at least
    :data:`US_DATES_MIN` distinct dates in it have a second number above 12 (only month/day
    reads them) and none has a first number above 12 (only day/month reads that)."""
    for name in date_fields:
        j = columns.fields.get(name)
        if j is None:
            continue
        us: list[tuple[str, int]] = []  # (text, its second number) of the dates only month/day reads
        for text in _distinct_texts(table, j):
            m = parse._UK.match(text.strip())  # (the reader's own day/month/year form)
            if m is None:
                continue
            first, second = int(m[1]), int(m[2])
            if first > _MONTHS and 1 <= second <= _MONTHS:  # only day/month reads it: a UK column
                break
            if 1 <= first <= _MONTHS and _MONTHS < second <= _LONGEST_MONTH_DAYS:
                us.append((text.strip(), second))
        else:
            if len(us) < US_DATES_MIN:
                continue
            example, month = min(us)
            raise InputFileError(
                f"{path}: column {table.headers[j]!r} ({name}) is written month/day (US): {example!r} has no "
                f"month {month}, and no date in it has a day above 12 first; "
                "xl-kent reads dates day/month, so '04/05/1980' would be 4 May. Write the dates as "
                "dd/mm/yyyy or yyyy-mm-dd (or as date cells)")


def _header_texts_on(table: Table, j: int, texts: frozenset[str], rows: np.ndarray | None = None) -> np.ndarray:
    """Which cells of column ``j`` (on ``rows``) are, trimmed and in lower case, one of ``texts``
    (bool). A CSV column is told from its coded form (each distinct text tested once, or Arrow's
    kernels), not made."""
    from ..files.reading import ArrowColumns

    cols = table.columns
    if isinstance(cols, ArrowColumns):
        twin = cols.twin(j)
        if twin.labels is not None:
            hit = np.fromiter((isinstance(v, str) and v.strip().lower() in texts for v in twin.labels.tolist()),
                              dtype=bool, count=len(twin.labels))
            return hit[twin.codes if rows is None else twin.codes[rows]]
        import pyarrow as pa
        import pyarrow.compute as pc

        text = twin.text if rows is None else twin.text.take(rows)
        hit = pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(text)), value_set=pa.array(sorted(texts), pa.string()))
        return np.asarray(pc.fill_null(hit, False), dtype=bool)
    col = cols[j] if rows is None else cols[j][rows]
    return np.fromiter((type(v) is str and v.strip().lower() in texts for v in col.tolist()), dtype=bool,
                       count=len(col))


def _repeated_header(path, table: Table, columns: ColumnMap) -> tuple[str, ...]:
    """Rows below the header that repeat it (two exports pasted one below the other).

    A data row is a header row when the cells of at least three quarters of the columns read
    (two at least) are header texts of the file. With the columns in the header's own order it
    is one problem row among the others (its cells are not numbers or dates), and a warning
    says what it is. In another order the rows below it would be read under the wrong headers,
    every figure wrong with no problem shown: the file is refused.
    """
    used = sorted(set(columns.fields.values()))
    texts = frozenset(h.strip().lower() for h in table.headers if h and h.strip())
    if len(used) < 2 or not table.n_rows:
        return ()
    first = columns.fields.get(next(iter(columns.fields)))  # (a list's first field: its id, always read)
    rows = np.flatnonzero(_header_texts_on(table, first, texts))
    if not rows.size:
        return ()
    hits = sum(_header_texts_on(table, j, texts, rows).astype(np.int64) for j in used)
    rows = rows[hits * 4 >= 3 * len(used)]
    if not rows.size:
        return ()
    moved = []  # (row, column, text) of a header text under another column's header
    for j in used:  # (a loop over the columns read, each over the header rows found at once)
        own = table.headers[j].strip().lower()
        for i, v in zip(rows.tolist(), table.cells(j, rows).tolist(), strict=True):
            if isinstance(v, str) and v.strip().lower() != own and v.strip().lower() in texts:
                moved.append((i, j, v.strip()))
                break
    moved.sort()
    numbers = [table.first_row + i for i in rows.tolist()]
    shown = ", ".join(f"{n:,}" for n in numbers[:5]) + (f" and {len(numbers) - 5:,} more" if len(numbers) > 5 else "")
    if moved:
        i, j, v = moved[0]
        raise InputFileError(
            f"{path}: row {table.first_row + i:,} repeats the header with the columns in another order "
            f"({v!r} under {table.headers[j]!r}): the rows below it would be read under the wrong "
            "headers; give the list one header row and one column order")
    return (f"row{'s' if len(numbers) > 1 else ''} {shown} repeat{'' if len(numbers) > 1 else 's'} the header "
            "row (two lists pasted one below the other?): a problem row, not computed; delete it",)


def content_checks(where, table: Table, columns: ColumnMap, schema: Schema) -> tuple[str, ...]:
    """The checks of a list's cells as a whole, once its columns are mapped (every reader of
    lists: files here, DataFrames in :mod:`xl_kent.frame`): a header repeated below it
    (a warning, or refused when in another column order) and a date column written month/day
    (refused). Returns the warning lines; raises :class:`InputFileError` (message starting
    ``where``) for a list that cannot be read right."""
    notes = _repeated_header(where, table, columns)
    _refuse_us_dates(where, table, columns, [f.name for f in schema.fields if f.kind == "date"])
    return notes


# Days from Excel's 1900-system day 0 (31 December 1899, as Excel counts) to the 1904 system's
# day 0 (1 January 1904): a serial number n of a 1904 workbook is serial n + 1,462 of the 1900 one.
SERIAL_1904_TO_1900_DAYS = 1462


def _dates_in_1900_system(table: Table, columns: ColumnMap, date_fields: list[str]) -> tuple[Table, tuple[str, ...]]:
    """A 1904 workbook's date columns with their plain numbers as 1900-system serial numbers
    (what every reader after this one, and every file xl-kent writes, counts in), and the
    headers of the columns changed. Date cells (``datetime``) are the dates they show already;
    text is read as text (a serial number typed as text counts from 1900, as in a CSV)."""
    if not getattr(table, "date1904", False):
        return table, ()
    cols = list(table.columns)
    moved = []
    for name in date_fields:
        j = columns.fields.get(name)
        if j is None:
            continue
        col = cols[j]
        number = np.fromiter((type(v) in (int, float) for v in col.tolist()), dtype=bool, count=len(col))
        if not number.any():
            continue
        col = col.copy()
        col[number] = [v + SERIAL_1904_TO_1900_DAYS for v in col[number].tolist()]
        cols[j] = col
        moved.append(table.headers[j] or f"column {j + 1}")
    if not moved:
        return table, ()
    from dataclasses import replace

    return replace(table, columns=cols, date1904=False), tuple(moved)


def _without_result_rows(table: Table, columns: ColumnMap) -> Table:
    """The table without trailing rows whose only cells are results of an earlier run (a
    template's formula columns pre-sized below the data)."""
    inputs = [j for j in range(len(table.headers)) if j not in set(columns.results)]
    if len(inputs) == len(table.headers) or not table.n_rows:
        return table
    filled = ~blank_rows([partial(table.cells, j) for j in inputs], table.n_rows)
    for rows, _name, _reason in columns.cell_notes(table):  # (a cell the sheet shows is not blank)
        filled[rows] = True
    last = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
    if last == table.n_rows:
        return table
    return table.rows(0, last)

