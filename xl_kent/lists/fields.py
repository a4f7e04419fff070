"""Columns of a staff list or an award log: which header is which field.

One mapping for every command and template that reads such a file. A header matches a
field when it equals the field's name, its template label or one of its aliases,
ignoring case, spaces, underscores, hyphens and punctuation (``"Date of Birth"``,
``"date_of_birth"`` and ``"DOB"`` are one field); ``--map "Pay=annual_salary"`` names
any other header. The result, a :class:`ColumnMap`, says for every column of the file
how it is used:

* read as a field (by its name, an alias, ``--map``, or as the closest header: see below);
* a result of an earlier xl-kent run or template (``status``, ``Pay cost after award £``):
  not read, since it is computed again;
* not used: named in one warning line, with the field it may be meant for.

All missing required fields are named in one message, each with the closest header
found. A required field that no header names exactly is read from the closest header
when that one is close (:data:`ADOPT_SCORE`), is close to no other field, and its cells
read as the field's kind; the run says so in a warning. Nothing else is guessed.

Examples
--------
>>> fields = (Field("employee_id", "id", True, ("emp no",)), Field("grade", "grade", True),
...           Field("notes", "text", False))
>>> schema = Schema("list", fields, results=("status", "pay_gbp", "leave_days"))
>>> m = map_columns(["Emp No", "Grade", "Remarks", "status", "pay_gbp", "leave_days"], schema)
>>> m.fields, m.unused, m.results
({'employee_id': 0, 'grade': 1}, [2], [3, 4, 5])
>>> map_columns(["Emp No", "Grade", "Status"], schema).unused  # one "Status" column is the user's own
[2]
>>> map_columns(["Emp No (payroll)", "Grade"], schema).how
{'employee_id': 'closest header'}
>>> try:
...     map_columns(["Reference", "Pay band"], schema)
... except ColumnError as e:
...     print(e)
missing required columns: employee_id, grade; name them with --map "HEADER=field"; headers found: 'Reference', 'Pay band'; employee_id is also read as 'emp no'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

__all__ = [
    "ADOPT_SCORE",
    "EARLIER_RESULTS_MIN",
    "SUGGEST_SCORE",
    "ColumnError",
    "ColumnMap",
    "Field",
    "Schema",
    "fits_kind",
    "header_scorer",
    "map_columns",
    "normalise_header",
    "parse_map_options",
    "similarity",
]

#: A header at least this similar to a missing required field is read as it (with a warning).
ADOPT_SCORE = 0.8
#: A header at least this similar to a field is named as its closest header.
SUGGEST_SCORE = 0.65
#: Result headers a file needs before its result columns are taken as an earlier xl-kent run's.
EARLIER_RESULTS_MIN = 3
#: Another field this close to the same header makes the closest match ambiguous (not adopted).
_RIVAL_MARGIN = 0.05


@dataclass(frozen=True)
class Field:
    """A column a list can have.

    ``kind`` is how its cells are read: ``"id"``, ``"text"``, ``"grade"``, ``"contract"``,
    ``"number"``, ``"date"`` or ``"bool"``. ``label`` is the header our templates give it
    (a known name too). ``avoid`` holds words that rule a header out as this field's
    closest match (``"fte"`` for the actual annual salary).
    """

    name: str
    kind: str
    required: bool
    aliases: tuple[str, ...] = ()
    meaning: str = ""
    label: str = ""
    avoid: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every text a header may have to be read as this field."""
        return (self.name, *((self.label,) if self.label else ()), *self.aliases)


@dataclass(frozen=True)
class Schema:
    """The fields of one kind of list, and the result headers of our own outputs and templates."""

    name: str
    fields: tuple[Field, ...]
    results: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


class ColumnError(Exception):
    """A column problem that stops the run (missing, ambiguous, bad ``--map``); one message."""


def normalise_header(text) -> str:
    """Header text for matching: lower case, letters and digits only.

    >>> normalise_header("Sick Days (12 months)")
    'sickdays12months'
    """
    return re.sub(r"[^0-9a-z]", "", str(text if text is not None else "").casefold())


def _words(text) -> frozenset[str]:
    return frozenset(re.findall(r"[0-9a-z]+", str(text if text is not None else "").casefold()))


def _same_word(a: str, b: str) -> bool:
    """Words that are one: equal, or one a prefix of the other of 3 letters or more ("emp", "employee")."""
    return a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)))


def similarity(header, label) -> float:
    """How alike a header and one of a field's names are, 0 to 1.

    The best of: every word of the name among the header's (``"Salary (actual)"`` and
    ``"salary"``), or, for a header of two words or more, every word of the header among
    the name's: 0.8 and more, by the share of words in common; the share of words in
    common; for texts of six letters or more, how alike their letters are (difflib, for
    typing errors such as ``"Date of brith"``; below 0.85 it counts for less). A word
    matches another that it starts (``"Emp. No"``, ``"Cont. Service"``).

    >>> round(similarity("Salary (actual)", "salary"), 2), round(similarity("Date of brith", "date of birth"), 2)
    (0.9, 0.91)
    >>> similarity("Emp. Number", "employee number"), similarity("Paid hours", "id")
    (1.0, 0.0)
    """
    a, b = normalise_header(header), normalise_header(label)
    if not a or not b:
        return 0.0
    wa, wb = _words(header), _words(label)
    in_label = [w for w in wa if any(_same_word(w, x) for x in wb)]
    in_header = [x for x in wb if any(_same_word(w, x) for w in wa)]
    shared = len(in_label) / (len(wa) + len(wb) - len(in_label)) if wa and wb else 0.0
    contained = 0.0
    if wa and wb and len(in_header) == len(wb):
        contained = 0.8 + 0.2 * len(wb) / max(len(wa), len(wb))
    elif len(wa) >= 2 and len(in_label) == len(wa):
        contained = 0.8 + 0.2 * len(wa) / max(len(wa), len(wb))
    letters = 0.0
    if min(len(a), len(b)) >= 6:
        letters = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
        letters = letters if letters >= 0.85 else 0.75 * letters
    return min(1.0, max(contained, shared, letters))


def _lookup(schema: Schema) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in schema.fields:
        for label in f.names:
            out.setdefault(normalise_header(label), f.name)
    return out


def parse_map_options(options: Iterable[str] | None, schema: Schema) -> dict[str, str]:
    """``--map`` options (``"Pay=annual_salary"``, repeatable or comma separated) as
    ``{normalised header: field name}``. A field may be named by any of its names.

    >>> s = Schema("list", (Field("annual_salary", "number", True, ("salary",)),))
    >>> parse_map_options(["Pay = salary"], s)
    {'pay': 'annual_salary'}
    """
    lookup = _lookup(schema)
    out: dict[str, str] = {}
    for option in options or ():
        for part in str(option).split(","):
            if not part.strip():
                continue
            header, sep, target = part.partition("=")
            if not sep or not header.strip() or not target.strip():
                raise ColumnError(f'--map "{part.strip()}": write it as "HEADER IN FILE=field name"')
            name = lookup.get(normalise_header(target))
            if name is None:
                raise ColumnError(f'--map "{part.strip()}": "{target.strip()}" is not a column name; '
                                  f"use one of: {', '.join(f.name for f in schema.fields)}")
            out[normalise_header(header)] = name
    return out


@dataclass
class ColumnMap:
    """How each column of a file is used.

    ``fields``: field name -> column index; ``how``: field name -> ``"name"``,
    ``"--map"`` or ``"closest header"``; ``results``: columns that hold results of an
    earlier run (not read); ``unused``: the other columns with a header or data;
    ``suggest``: column index -> the field it may be meant for. ``blank_by_fields``: a row
    is blank when every column read as a field is (:meth:`carried`), not every column.
    ``notes``: more lines for :meth:`warnings` (the reader's rows cut short).
    """

    headers: list[str]
    fields: dict[str, int]
    how: dict[str, str] = field(default_factory=dict)
    results: list[int] = field(default_factory=list)
    unused: list[int] = field(default_factory=list)
    suggest: dict[int, str] = field(default_factory=dict)
    blank_by_fields: bool = False
    #: More warning lines about the file: rows cut short, cells read as blank although the sheet
    #: shows something (:meth:`note_warnings`).
    notes: list[str] = field(default_factory=list)

    def carried(self) -> ColumnMap:
        """This mapping for a filled template, which carries only the columns read as fields:
        a row with cells only in columns not used is a blank row there (as its formulas see
        it), not a row whose fields are all blank."""
        from dataclasses import replace

        return replace(self, blank_by_fields=True)

    def column_of(self, name: str) -> int | None:
        return self.fields.get(name)

    def warnings(self, what: str = "", option: str = "--map") -> list[str]:
        """The lines a command prints about the columns: every column read by its closest
        header, and every column not used (one line each kind); ``option`` is the command's
        option that names a column (``--absences-map`` for an absence record beside a list)."""
        lines = []
        adopted = [f"{self.headers[i]!r} as {name}" for name, i in self.fields.items()
                   if self.how.get(name) == "closest header"]
        if adopted:
            lines.append("read " + ", ".join(adopted) + " (the closest headers; if one is wrong, name the "
                         f'right column with {option} "HEADER=field")')
        if self.unused:
            named = []
            for i in self.unused:
                text = repr(self.headers[i]) if self.headers[i] else f"column {i + 1} (no header)"
                if i in self.suggest:
                    text += f' (is it {self.suggest[i]}? {option} "{self.headers[i]}={self.suggest[i]}")'
                named.append(text)
            lines.append(f"columns not used{what}: " + ", ".join(named))
        if self.results:
            named = [repr(self.headers[i]) for i in self.results]
            shown = ", ".join(named[:_RESULTS_SHOWN]) + (f" and {len(named) - _RESULTS_SHOWN} more"
                                                        if len(named) > _RESULTS_SHOWN else "")
            lines.append(f"{len(named)} columns of an earlier xl-kent result are not read (computed again): {shown}")
        return lines + list(self.notes)

    def cell_notes(self, table) -> list[tuple[np.ndarray, str, str]]:
        """``(data rows, field, reason)`` for each of the table's notes (:attr:`Table.notes`: a
        formula with no saved result, a cell merged with the one above) on a column read as
        a field: problems of those rows, in words. Notes on other columns are not problems."""
        by_col = {j: name for name, j in self.fields.items()}
        return [(rows, by_col[j], reason) for j, rows, _kind, reason in getattr(table, "notes", ())
                if j in by_col]

    def note_warnings(self, table) -> list[str]:
        """One line for each kind of note on the columns read as fields, counting the cells."""
        counts: dict[str, int] = {}
        by_col = {j for j in self.fields.values()}
        for j, rows, kind, _reason in getattr(table, "notes", ()):
            if j in by_col:
                counts[kind] = counts.get(kind, 0) + int(rows.size)
        lines = []
        if counts.get("unsaved"):
            lines.append(f"{counts['unsaved']:,} cell(s) of the columns read hold a formula with no saved result "
                         "(the file was last saved by a program that does not calculate, such as openpyxl); "
                         "their rows are rows with problems: open the file in Excel or LibreOffice and save it")
        if counts.get("merged"):
            lines.append(f"{counts['merged']:,} cell(s) of the columns read are merged with the cell above or to "
                         "their left, and hold no value of their own; their rows are rows with problems: unmerge "
                         "the cells and fill each row")
        return lines

    def cells(self, table, name: str) -> np.ndarray:
        """The cells of field ``name`` in ``table`` (all blank when the file has no such column)."""
        j = self.fields.get(name)
        if j is not None:
            return table.columns[j]
        from ..files.reading import blank_column

        return blank_column(table.n_rows)

    def blank_rows(self, table) -> np.ndarray:
        """Rows whose cells are all blank, an earlier run's result columns left out (they do not make a row);
        with :attr:`blank_by_fields`, the columns read as fields only."""
        from ..files.reading import ArrowColumns
        from .parse import blank_rows

        results = set(self.results)
        if self.blank_by_fields:
            use = sorted(set(self.fields.values()))
        else:
            use = [j for j in range(len(table.columns)) if j not in results]
        cols = table.columns
        if isinstance(cols, ArrowColumns):  # (told from the coded forms: no column is made for it)
            return blank_rows([(partial(cols.none_on, j), partial(cols.cells, j)) for j in use], table.n_rows)
        blank = blank_rows([cols[j] for j in use], table.n_rows)
        for rows, _name, _reason in self.cell_notes(table):  # (a cell the sheet shows: not a blank row)
            blank[rows] = False
        return blank

    def describe(self) -> list[tuple[str, str]]:
        """``(header, how it is used)`` per column, for a Summary sheet."""
        by_col = {i: name for name, i in self.fields.items()}
        out = []
        for i, h in enumerate(self.headers):
            if i in by_col:
                how = self.how.get(by_col[i], "name")
                out.append((h, f"read as {by_col[i]}" + ("" if how == "name" else f" ({how})")))
            elif i in self.results:
                out.append((h, "an earlier result: not read"))
            elif i in self.unused:
                out.append((h, "not used"))
        return out


ContentCheck = Callable[[str, int], bool]


def map_columns(headers: Sequence[str], schema: Schema, overrides: dict[str, str] | None = None,
                fits: ContentCheck | None = None, has_data: Callable[[int], bool] | None = None) -> ColumnMap:
    """Map a file's headers to the schema's fields; see the module docstring.

    ``fits(field_name, column_index)``, when given, says whether a column's cells read as
    the field's kind: a required field is read from its closest header only then.
    ``has_data(column_index)`` says whether a column without a header holds data (it is then
    named as not used). Headers of our own results are taken as an earlier run's only when
    at least :data:`EARLIER_RESULTS_MIN` of them are there.

    Raises :class:`ColumnError` (one message) for missing required fields, two columns
    matching one field, or a ``--map`` header that is not in the file.

    >>> s = Schema("list", (Field("date_of_birth", "date", True, ("dob",)),))
    >>> m = map_columns(["Date of brith"], s)
    >>> m.fields, m.how
    ({'date_of_birth': 0}, {'date_of_birth': 'closest header'})
    """
    overrides = overrides or {}
    norm = [normalise_header(h) for h in headers]
    for header in overrides:
        if header not in norm:
            found = ", ".join(repr(h) for h in headers if h)
            raise ColumnError(f'--map: no column "{header}" in the file; headers found: {found or "(none)"}')
    lookup = _lookup(schema)
    results = {normalise_header(r) for r in schema.results}
    claimed: dict[str, list[int]] = {}
    how: dict[str, str] = {}
    for i, h in enumerate(norm):
        if not h:
            continue
        if h in overrides:
            claimed.setdefault(overrides[h], []).append(i)
            how[overrides[h]] = "--map"
        elif h in lookup:
            claimed.setdefault(lookup[h], []).append(i)
    for name, cols in claimed.items():
        if len(cols) > 1:
            names = " and ".join(repr(headers[i]) for i in cols)
            raise ColumnError(f"columns {names} are all read as {name}: rename one or use --map")
    mapping = {name: cols[0] for name, cols in claimed.items()}
    taken = set(mapping.values())
    result_cols = [i for i, h in enumerate(norm) if h in results and i not in taken and h not in overrides]
    # A result header twice: ours is the last (an output adds its results after the input's
    # columns); the one before is the user's own ("Reason" beside our "reason"), kept as theirs.
    last = {norm[i]: i for i in result_cols}
    result_cols = sorted(last.values())
    if len({norm[i] for i in result_cols}) < EARLIER_RESULTS_MIN:
        result_cols = []  # a user's own "Status" column is theirs: only a file of ours has several results
    free = [i for i in range(len(headers)) if i not in taken and i not in result_cols
            and (norm[i] or (has_data is not None and has_data(i)))]
    best = _closest(headers, [i for i in free if norm[i]], schema, [f for f in schema.fields if f.name not in mapping])
    # A missing required field takes its closest header when nothing else competes for it.
    missing = [f for f in schema.fields if f.required and f.name not in mapping]
    for f in missing:
        pick = best.get(f.name)
        if pick is None:
            continue
        col, score = pick
        rivals = [g for g, (c, s) in best.items() if c == col and g != f.name and s >= score - _RIVAL_MARGIN]
        words = _words(headers[col])
        if (score >= ADOPT_SCORE and not rivals and not (words & set(f.avoid))
                and (fits is None or fits(f.name, col))):
            mapping[f.name] = col
            how[f.name] = "closest header"
            free.remove(col)
    still = [f for f in schema.fields if f.required and f.name not in mapping]
    if still:
        raise ColumnError(_missing_message(still, headers, best))
    suggest = {}
    avoid = {f.name: set(f.avoid) for f in schema.fields}
    for name, (col, score) in best.items():
        if col in free and score >= SUGGEST_SCORE and name not in mapping and not (_words(headers[col]) & avoid[name]):
            if col not in suggest or score > best[suggest[col]][1]:
                suggest[col] = name
    return ColumnMap(list(headers), mapping, {k: v for k, v in how.items() if k in mapping}, result_cols, free,
                     suggest)


def _closest(headers: Sequence[str], free: list[int], schema: Schema,
             fields: Iterable[Field]) -> dict[str, tuple[int, float]]:
    """For each field, the free column most like it and how alike (0 to 1)."""
    out: dict[str, tuple[int, float]] = {}
    for f in fields:
        scored = [(max(similarity(headers[i], label) for label in f.names), i) for i in free]
        if scored:
            score, col = max(scored, key=lambda x: (x[0], -x[1]))
            out[f.name] = (col, score)
    return out


def _missing_message(missing: list[Field], headers: Sequence[str], best: dict[str, tuple[int, float]]) -> str:
    """One line of at most :data:`_MESSAGE_CHARS` characters that names every missing field
    (with its closest header when there is one), how to name them, the headers found, and,
    where there is room, the other names each field is read by."""
    named = [h for h in headers if h]
    if len(named) == 1 and len(missing) > 1:  # one header for a whole list: the file is split by another character
        found = [c for c in "|:^~" if c in named[0]]  # (commas, semicolons and tabs are read)
        if found:
            head = named[0] if len(named[0]) <= _HEADER_CHARS else named[0][:_HEADER_CHARS] + "..."
            return (f"only one column found, headed {head!r}: the file's columns are separated by "
                    f"{found[0]!r}, which is not read; save it as CSV (comma, semicolon or tab) or .xlsx")
    parts = []
    example = None
    for f in missing:
        pick = best.get(f.name)
        if pick and pick[1] >= SUGGEST_SCORE and not (_words(headers[pick[0]]) & set(f.avoid)):
            parts.append(f"{f.name} (closest header: {headers[pick[0]]!r})")
            example = example or f'--map "{headers[pick[0]]}={f.name}"'
        else:
            parts.append(f.name)
    word = "column" if len(missing) == 1 else "columns"
    text = f"missing required {word}: " + ", ".join(parts)
    text += '; name them with --map "HEADER=field"' + (f", e.g. {example}" if example else "")
    named = [repr(h if len(h) <= _HEADER_CHARS else h[:_HEADER_CHARS - len("...")] + "...") for h in headers if h]
    shown: list[str] = []
    for k, h in enumerate(named):  # as many headers as the line has room for
        rest = len(named) - k - 1
        tail = f" and {rest:,} more" if rest else ""
        if len(text) + len("; headers found: ") + len(", ".join([*shown, h])) + len(tail) > _MESSAGE_CHARS - _ROOM:
            break
        shown.append(h)
    more = len(named) - len(shown)
    if not named:
        text += "; headers found: (none)"
    elif shown:
        text += "; headers found: " + ", ".join(shown) + (f" and {more:,} more" if more else "")
    else:
        text += f"; {len(named):,} headers found"
    for f in missing:  # the other names each field is read by, while they fit
        if f.aliases and f.name in parts and (len(text) + len(f.name) + len(f.aliases[0]) + _ROOM) <= _MESSAGE_CHARS:
            text += f"; {f.name} is also read as {f.aliases[0]!r}"
    return text


#: The longest message about missing columns (an error line is at most 300 characters).
_MESSAGE_CHARS = 260
#: A header shown in that message is cut to this many characters.
_HEADER_CHARS = 40
#: Characters kept free for the words around a header or an alias.
_ROOM = 16


#: Earlier result columns named in the warning (all of them are on the Summary sheet).
_RESULTS_SHOWN = 4


def header_scorer(schema: Schema) -> Callable[[list[list]], tuple[float, int | None, bool]]:
    """A scorer for :func:`xl_kent.files.reading.read_table`: which of a sheet's top rows
    is the header of this kind of list, and how well it matches.

    A row scores the number of distinct fields its cells name exactly (a known result
    header counts half); the best row wins (the first on a tie). ``complete`` when it
    names every required field.

    >>> s = Schema("list", (Field("employee_id", "id", True), Field("grade", "grade", True)))
    >>> header_scorer(s)([["Budget 2026"], [], ["Employee ID", "Grade", "Notes"]])
    (2.0, 2, True)
    """
    lookup = _lookup(schema)
    results = {normalise_header(r) for r in schema.results}
    required = set(schema.required)

    def score(rows: list[list]) -> tuple[float, int | None, bool]:
        best: tuple[float, int | None, bool] = (0.0, None, False)
        for k, row in enumerate(rows):
            texts = [normalise_header(v) for v in row if isinstance(v, str)]
            named = {lookup[t] for t in texts if t in lookup}
            s = len(named) + 0.5 * sum(1 for t in texts if t in results and t not in lookup)
            if s > best[0]:
                best = (float(s), k, required <= named)
        return best

    return score


#: The first cells of a column looked at to see whether it holds what a field needs.
FITS_SAMPLE_ROWS = 2000


def fits_kind(kind: str, cells: np.ndarray, share: float = 0.9) -> bool:
    """Whether at least ``share`` of a column's non-blank cells read as ``kind``.

    >>> fits_kind("date", np.array(["01/04/2024", None, "2024-05-01"], dtype=object))
    True
    >>> fits_kind("number", np.array(["TBC", "n/a", "30000"], dtype=object))
    False
    """

    from ..cells import BLANK, GOOD, WRONG_TYPE
    from .parse import parse_bools, parse_dates, parse_numbers, parse_text  # the same reading as the checks

    sample = np.asarray(cells, dtype=object)[:FITS_SAMPLE_ROWS]
    if kind == "date":
        _, status = parse_dates(sample)
    elif kind == "number":
        _, status = parse_numbers(sample)
    elif kind == "grade":
        from ..leave import grade_entitlement_days

        text, status = parse_text(sample)
        basic, _ = grade_entitlement_days(np.where(status == GOOD, text, "").astype(object),
                                          np.datetime64("today", "D"))
        status = np.where((status == GOOD) & np.isnan(basic), WRONG_TYPE, status)
    elif kind == "bool":
        _, status = parse_bools(sample)
    else:
        return True
    filled = status != BLANK
    return bool(filled.any()) and float((status[filled] == GOOD).mean()) >= share
