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
           "cut_short_warning", "display", "look_alike_ids", "look_alike_warning"]

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


def look_alike_ids(ids, others=None, limit: int = 3) -> tuple[int, list[str]]:
    """Employee ids that are one number typed two ways: ``0501`` and ``501`` (Excel drops a
    number's leading zeros when it opens a CSV, so one employee ends up typed both ways).

    Ids are matched as text everywhere (ignoring case and the spaces at the ends), so such ids
    are two employees, silently: an award log's limits are judged on each part, an absence
    record's rolling year is split. Returns how many numbers are typed two ways and up to
    ``limit`` of them, each as its ways joined by " and ". With ``others`` (the ids of a
    second list), only the numbers typed one way in ``ids`` and another in ``others``.
    Vectorised (pyarrow's string kernels and one group-by), not a loop over the rows.

    >>> look_alike_ids(["0501", "501", "E1", " 501", "00501", "7"])
    (1, ['00501 and 0501 and 501'])
    >>> look_alike_ids(["0501", "E1", "77"], others=["501", "E2", "077", "77"])
    (1, ['0501 (and 501)'])
    >>> look_alike_ids(["E1", "1001"])
    (0, [])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    def digits(values) -> pa.Table:
        values = np.asarray(values, dtype=object)
        try:
            a = pa.array(values, type=pa.string(), from_pandas=True)  # (text ids: no loop)
        except (pa.ArrowException, TypeError):
            a = pa.array(["" if v is None else str(v) for v in values.tolist()], type=pa.string())
        a = pc.fill_null(a, "")
        a = pc.utf8_trim_whitespace(a)
        a = pc.filter(a, pc.and_(pc.utf8_is_digit(a), pc.greater(pc.utf8_length(a), 0)))
        a = pc.unique(a)
        number = pc.utf8_ltrim(a, "0")
        return pa.table({"id": a, "number": pc.if_else(pc.equal(number, ""), "0", number)})

    mine = digits(ids)
    if others is None:
        grouped = mine.group_by("number").aggregate([("id", "count"), ("id", "list")])
        grouped = grouped.filter(pc.greater(grouped["id_count"], 1))
        ways = [" and ".join(sorted(w)) for w in grouped["id_list"].to_pylist()[:limit]]
        return grouped.num_rows, ways
    theirs = digits(others)
    both = mine.join(theirs, "number", join_type="inner", left_suffix="", right_suffix="_other")
    both = both.filter(pc.not_equal(both["id"], both["id_other"]))
    exact = set(theirs["id"].to_pylist())
    pairs: dict[str, set[str]] = {}
    for mine_id, other_id in zip(both["id"].to_pylist(), both["id_other"].to_pylist(), strict=True):
        if mine_id not in exact:  # (typed exactly as in the other list too: it is matched)
            pairs.setdefault(mine_id, set()).add(other_id)
    shown = [f"{k} (and {' and '.join(sorted(v))})" for k, v in sorted(pairs.items())[:limit]]
    return len(pairs), shown


def look_alike_warning(count: int, shown: list[str], what: str, where: str) -> str | None:
    """The warning line of :func:`look_alike_ids` (None when there is none)."""
    if not count:
        return None
    more = f" and {count - len(shown):,} more" if count > len(shown) else ""
    return (f"{what} has {count:,} employee id(s) typed two ways, with and without leading zeros "
            f"({'; '.join(shown)}{more}): ids are matched as text, so each way is a different employee: {where}; "
            "if it is one employee, type the id one way (Excel drops leading zeros when it opens a CSV)")
