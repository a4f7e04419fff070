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

from dataclasses import dataclass
from functools import partial

import numpy as np

from ..files.reading import InputFileError, Table, quote_names, read_table
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

__all__ = ["Loaded", "NoDataRows", "read_list"]


class NoDataRows(InputFileError):
    """The file or sheet has no data row: no header, nothing below it, or only an earlier run's
    results (a caller may take that as "nothing given")."""


@dataclass
class Loaded:
    """A list file read: the table (cells as in the file) and how its columns are used."""

    table: Table
    columns: ColumnMap

    def where(self) -> str:
        """Where the data was found, for a note ("" when it is the obvious place: the first
        sheet, header on row 1): sheet, header row, sheets passed over."""
        t = self.table
        header_row = getattr(t, "header_row", 1)
        skipped = getattr(t, "skipped_sheets", [])
        if header_row == 1 and not skipped:
            return ""
        parts = [f"sheet {t.sheet!r}"] if t.sheet else []
        if header_row != 1:
            parts.append(f"header on row {header_row}")
        if skipped:
            parts.append("passed over: " + ", ".join(repr(s) for s in skipped))
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
    return Loaded(table, columns)


def _without_result_rows(table: Table, columns: ColumnMap) -> Table:
    """The table without trailing rows whose only cells are results of an earlier run (a
    template's formula columns pre-sized below the data)."""
    inputs = [j for j in range(len(table.headers)) if j not in set(columns.results)]
    if len(inputs) == len(table.headers) or not table.n_rows:
        return table
    filled = ~blank_rows([partial(table.cells, j) for j in inputs], table.n_rows)
    last = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
    if last == table.n_rows:
        return table
    return table.rows(0, last)

