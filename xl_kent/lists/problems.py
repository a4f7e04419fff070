"""Problems found in a list: which rows, which column, and why, in words.

A :class:`Problems` collects ``(rows, column, reason)`` entries as the checks find them;
:func:`problem_table` flattens them for an Errors sheet (one line per problem, sorted by
row, then by column in the file's order, then in the order the checks run) and gives each
row its status: ``"OK"`` or its reasons joined by ``"; "``. The same reasons, in the same
order, for every command and template.

Examples
--------
>>> p = Problems()
>>> p.add(np.array([True, False, True]), "grade", "grade is blank")
>>> p.add(np.array([2]), "employee_id", "employee_id is blank")
>>> t = problem_table(p, 3, ["Employee ID", "Grade"], [np.array(["E1", "E2", None], dtype=object),
...                   np.array([None, "KR6", None], dtype=object)], {"employee_id": 0, "grade": 1})
>>> t.status.tolist()
['grade is blank', 'OK', 'employee_id is blank; grade is blank']
>>> t.columns.tolist(), t.problem_rows
(['Grade', 'Employee ID', 'Grade'], 2)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..cells import BLANK, ERROR, OUT_OF_RANGE, WRONG_TYPE
from ..files.reading import labelled, quote_names

__all__ = ["BLANK_ROW", "Problems", "ProblemTable", "by_count", "problem_table", "add_cut_short", "add_unreadable", "add_unseen_cells",
           "cut_short_warning", "display"]

#: The status of a row whose cells are all blank: kept as it is, not a problem, not computed.
BLANK_ROW = "row is blank"


@dataclass
class Problems:
    """Problems found, kept as arrays: each entry is (rows, column, reason).

    ``column`` is a field name (shown as the file's header) or a result column.
    """

    entries: list[tuple[np.ndarray, str, str]] = field(default_factory=list)

    def add(self, mask_or_rows: np.ndarray, column: str, reason: str) -> None:
        a = np.asarray(mask_or_rows)
        rows = np.flatnonzero(a) if a.dtype == bool else a.astype(np.int64)
        if rows.size:
            self.entries.append((rows, column, reason))

    def rows_with(self, n: int, columns: Iterable[str] | None = None) -> np.ndarray:
        """Mask of rows with a problem (on any of ``columns`` when given)."""
        wanted = None if columns is None else set(columns)
        mask = np.zeros(n, dtype=bool)
        for rows, col, _ in self.entries:
            if wanted is None or col in wanted:
                mask[rows] = True
        return mask


def add_unreadable(problems: Problems, filled: np.ndarray, name: str, status: np.ndarray,
                   words: dict[tuple[str, str], str], blank_is_problem: np.ndarray | bool = False) -> None:
    """Problems for the cells of column ``name`` that its parse could not read, in the checks'
    words (``words[(field, check id)]`` for ``wrong_type``, ``error_value``, ``serial`` and
    ``blank``, where the field has that check), on the rows ``filled``; a blank cell is a
    problem where ``blank_is_problem``."""
    for code, key in ((WRONG_TYPE, "wrong_type"), (ERROR, "error_value"), (OUT_OF_RANGE, "serial")):
        if (name, key) in words:
            problems.add(filled & (status == code), name, words[(name, key)])
    if (name, "blank") in words:
        problems.add(filled & (status == BLANK) & blank_is_problem, name, words[(name, "blank")])


def _cut_short_groups(table, columns):
    """The rows of ``table`` cut short (:attr:`xl_kent.files.reading.Table.cut_short`) by how
    many fields they have: ``(fields, rows, the fields read from columns they lack)``."""
    short = getattr(table, "cut_short", None)
    if short is None or not short.rows.size:
        return
    used = sorted((j, name) for name, j in columns.fields.items())
    for k in np.unique(short.fields).tolist():
        yield k, short.rows[short.fields == k], [(j, name) for j, name in used if j >= k]


def add_unseen_cells(problems: Problems, table, columns, filled: np.ndarray) -> dict[str, np.ndarray]:
    """Problems for the cells the reader could not see, on the rows ``filled``: a CSV line cut
    short (:func:`add_cut_short`), and an xlsx cell read blank that the sheet shows something in
    (a formula with no saved result, a merged cell: :meth:`ColumnMap.cell_notes`). Returns, per
    field, the rows so explained: their cell reads blank, and "... is blank" beside the reason
    would say what the user does not see (:func:`add_unreadable` is given the other rows)."""
    n = filled.shape[0]
    explained: dict[str, np.ndarray] = {}

    def mark(rows: np.ndarray, name: str) -> None:
        explained.setdefault(name, np.zeros(n, dtype=bool))[rows] = True

    add_cut_short(problems, table, columns, filled, mark)  # (first: a row's first reason)
    for rows, name, reason in columns.cell_notes(table):
        problems.add(rows, name, reason)
        mark(rows, name)
    return explained


def add_cut_short(problems: Problems, table, columns, filled: np.ndarray, mark=None) -> None:
    """A problem for each cell a row cut short lacks (a CSV line with fewer fields than the
    header) in a column read as a field, on the rows ``filled``: "row has 15 fields, the header
    18: no cell for 'Leave Taken', 'Sick Days' (the line is cut short)". The missing cells read
    as blank, so the figures that use them are left blank too. Missing cells of columns not
    used are no problem (:func:`cut_short_warning` counts those rows)."""
    for k, rows, missing in _cut_short_groups(table, columns):
        rows = rows[filled[rows]]
        if not missing or not rows.size:
            continue
        reason = (f"row has {k} field{'s' if k != 1 else ''}, the header {table.cut_short.width}: no cell for "
                  f"{quote_names([table.headers[j] for j, _ in missing], 4)} (the line is cut short)")
        for _, name in missing:
            problems.add(rows, name, reason)
            if mark is not None:
                mark(rows, name)


def cut_short_warning(table, columns) -> list[str]:
    """The warning line for the rows of ``table`` cut short (none: ``[]``): how many lack cells
    of columns used (each a problem row, :func:`add_cut_short`) and how many only cells of
    columns not used (read as blank)."""
    used = unused = 0
    for _k, rows, missing in _cut_short_groups(table, columns):
        if missing:
            used += rows.size
        else:
            unused += rows.size
    if not used and not unused:
        return []
    width = table.cut_short.width
    parts = []
    if used:
        parts.append(f"{used:,} lack cells of columns used (problem rows: the status says which)")
    if unused:
        parts.append(f"{unused:,} lack only cells of columns not used (read as blank)")
    return [f"{used + unused:,} row(s) have fewer fields than the header's {width} (lines cut short): "
            + "; ".join(parts)]


def display(cells: np.ndarray) -> np.ndarray:
    """Cells as short text for the Errors sheet's ``value`` column."""
    out = np.empty(cells.shape[0], dtype=object)
    for i, c in enumerate(cells.tolist()):
        if c is None:
            out[i] = ""
        elif isinstance(c, dt.datetime):
            out[i] = f"{c:%d/%m/%Y}" if c.time() == dt.time() else f"{c:%d/%m/%Y %H:%M:%S}"
        elif isinstance(c, dt.date):
            out[i] = f"{c:%d/%m/%Y}"
        elif isinstance(c, float) and c.is_integer():
            out[i] = str(int(c))
        else:
            out[i] = str(c)
    return out


@dataclass
class ProblemTable:
    """Problems flattened and sorted by row, then column order."""

    rows: np.ndarray  # 0-based data rows
    columns: np.ndarray  # column labels (file headers or result names), object
    values: np.ndarray  # the cell as text ("" for a result column), object
    reasons: np.ndarray  # reason text, object
    status: np.ndarray  # per data row: "OK", the reasons joined by "; ", or "row is blank"
    problem_rows: int
    counts: list[tuple[str, int]]  # reason -> rows, most frequent first (then alphabetical: by_count)


def by_count(reason_count: tuple[str, int]) -> tuple[int, str]:
    """The order of the rows-by-reason counts: the most rows first, equal counts alphabetically
    (an order that does not depend on the order the rows come in).

    >>> sorted([("b", 1), ("c", 2), ("a", 1)], key=by_count)
    [('c', 2), ('a', 1), ('b', 1)]
    """
    return -reason_count[1], reason_count[0]


def problem_table(problems: Problems, n: int, headers: list[str], table_columns: list[np.ndarray],
                  mapping: dict[str, int], extra_order: list[str] = (), blank: np.ndarray | None = None,
                  places: dict[str, float] | None = None) -> ProblemTable:
    """Flatten :class:`Problems` for the Errors sheet and the status column; rows in ``blank``
    (all their cells blank) get the status :data:`BLANK_ROW` and are no problem rows.

    A row's reasons go column by column: a mapped column at its place in the file, a column
    not in the file at its place in ``places`` (a number between the columns' indexes) or
    else after them, in the order of ``extra_order``."""
    entries = problems.entries
    reasons = list(dict.fromkeys(t for _, _, t in entries))
    labels: list[str] = []
    order: list[float] = []
    places = places or {}
    for _, col, _ in entries:
        if col in mapping:
            labels.append(headers[mapping[col]])
            order.append(mapping[col])
        elif col in places:
            labels.append(col)
            order.append(places[col])
        elif col == "":
            labels.append("")
            order.append(-1)
        else:
            labels.append(col)
            order.append(len(headers) + (list(extra_order).index(col) if col in extra_order else len(extra_order)))
    if entries:
        rows = np.concatenate([r for r, _, _ in entries])
        which = np.concatenate([np.full(r.shape[0], k) for k, (r, _, _) in enumerate(entries)])
    else:
        rows = which = np.zeros(0, dtype=np.int64)
    col_order = np.array(order + [0], dtype=np.float64)[which]
    number = {t: k for k, t in enumerate(reasons)}  # (a dict: a list's index per entry grows with the reasons)
    reason_id = np.array([number[t] for _, _, t in entries] + [0], dtype=np.int64)[which]
    sort = np.lexsort((reason_id, col_order, rows))
    rows, which, reason_id = rows[sort], which[sort], reason_id[sort]
    reason_text_arr = np.array(reasons + [""], dtype=object)[reason_id]
    label_arr = np.array(labels + [""], dtype=object)[which]
    values = np.full(rows.shape[0], "", dtype=object)
    for k, (_r, col, _t) in enumerate(entries):  # one gather per problem kind, not per row
        if col in mapping:
            sel = np.flatnonzero(which == k)
            values[sel] = display(table_columns[mapping[col]][rows[sel]])
    # The status: "OK", the blank row's, or the row's reasons; kept coded (each distinct status once).
    codes = np.zeros(n, dtype=np.intp)
    if blank is not None:
        codes[blank] = 1
    words: dict[str, int] = {"OK": 0, BLANK_ROW: 1}
    if rows.size:
        first = np.r_[True, rows[1:] != rows[:-1]]
        texts = reason_text_arr[first].tolist()  # (a row with one problem: its reason)
        starts = np.flatnonzero(first)
        ends = np.r_[starts[1:], rows.shape[0]]
        for k in np.flatnonzero(ends - starts > 1).tolist():  # rows with several problems only
            texts[k] = "; ".join(dict.fromkeys(reason_text_arr[starts[k]:ends[k]].tolist()))
        codes[rows[first]] = [words.setdefault(t, len(words)) for t in texts]
    status = labelled(list(words), codes)
    pairs = np.unique(reason_id * (n + 1) + rows) if rows.size else rows  # (each reason's rows, once)
    per_reason = np.bincount(pairs // (n + 1), minlength=len(reasons)) if rows.size else np.zeros(len(reasons), int)
    counts: list[tuple[str, int]] = [(t, int(per_reason[k])) for k, t in enumerate(reasons)]
    counts.sort(key=by_count)
    problem_rows = int(np.unique(rows).shape[0])
    return ProblemTable(rows, label_arr, values, reason_text_arr, status, problem_rows, counts)
