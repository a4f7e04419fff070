"""The thin Excel layer: cells in, core call, a column (or one value) out.

Whatever Excel, xlwings or LibreOffice hands a function (one cell, a 1-D list, an
``n x 1`` nested list or a numpy array; dates as ``datetime`` or serial numbers;
blanks as ``None`` or ``""``; error values as ``"#N/A"`` strings; stray text) is
converted here with :mod:`xl_kent.cells`. Each row gets its own error value; the
others get their results. Nothing here raises for bad data.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from xl_kent import cells
from xl_kent.errors import OK, excel_errors, reason

_CONVERTERS: dict[str, Callable[[Any], cells.Column]] = {
    "date": cells.to_dates,
    "number": cells.to_numbers,
    "bool": cells.to_bools,
    "text": cells.to_text,
}
_KIND_WORDS = {"date": "a date", "number": "a number", "bool": "TRUE or FALSE", "text": "text"}


@dataclass(frozen=True)
class Arg:
    """One argument of an Excel function as the UDF received it."""

    name: str
    value: Any
    kind: str  # "date", "number", "bool" or "text"
    required: bool = True
    default: Any = None  # used for an omitted or blank optional argument


@dataclass
class Rows:
    """Converted arguments: typed 1-D arrays of one length, plus row bookkeeping."""

    values: dict[str, np.ndarray]
    error: np.ndarray  # reason codes from conversion (0 = fine so far)
    blank: np.ndarray  # rows whose required inputs are all blank -> ""
    is_range: bool  # any argument was a range: answer with a column
    n: int


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while cells are converted or answered.

    Turning a 100,000-row range into arrays, and the answer back into ``n x 1``
    lists, creates some 10^5 small objects; without the pause the collector rescans
    the whole heap (the workbook's cached ranges included) again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ShapeError(Exception):
    """Column arguments of different lengths: the whole call is #VALUE!."""


def _status_reason(name: str, kind: str, status: int) -> int:
    if status == cells.WRONG_TYPE:
        return reason("#VALUE!", f"{name} is not {_KIND_WORDS[kind]}")
    if status == cells.OUT_OF_RANGE:
        return reason("#NUM!", f"{name} is outside Excel's dates (serial below 61 or after 9999)")
    return reason("#VALUE!", f"{name} is blank")


def convert(args: list[Arg]) -> Rows:
    """Convert every argument to a typed column and mark bad and blank rows."""
    with gc_paused():
        return _convert(args)


def _convert(args: list[Arg]) -> Rows:
    flat = []
    for a in args:
        values, is_range = cells.as_column(a.value)
        flat.append((a, values, is_range))
    lengths = {len(v) for _, v, r in flat if r}
    if len(lengths - {1}) > 1:
        raise ShapeError(f"column arguments have different lengths: {sorted(lengths)}")
    n = max(lengths - {1}, default=1) if lengths else 1
    is_range = any(r for _, _, r in flat)

    out: dict[str, np.ndarray] = {}
    error = np.zeros(n, dtype=np.int32)
    required_blank = []
    required_range_blank = []
    for a, values, arg_is_range in flat:
        col = _CONVERTERS[a.kind](values)
        vals, status = col.values, col.status
        if len(vals) == 1 and n != 1:
            vals = np.repeat(vals, n)
            status = np.repeat(status, n)
            passthrough = None if col.passthrough is None else np.repeat(col.passthrough, n)
            arg_is_range = False
        else:
            passthrough = col.passthrough
        blank = status == cells.BLANK
        if a.required:
            required_blank.append(blank)
            if arg_is_range:
                required_range_blank.append(blank)
        elif a.default is not None:
            default = _CONVERTERS[a.kind]([a.default]).values[0]
            vals = np.where(blank, default, vals)
            status = np.where(blank, cells.GOOD, status)
        # Conversion problems, in argument order (first problem wins).
        if passthrough is not None:
            for value in set(passthrough[status == cells.ERROR].tolist()):  # each error value once
                hit = (status == cells.ERROR) & (passthrough == value) & (error == OK)
                error[hit] = reason(value, f"{a.name} holds the error value {value}")
        for st in (cells.WRONG_TYPE, cells.OUT_OF_RANGE) + ((cells.BLANK,) if a.required else ()):
            hit = (status == st) & (error == OK)
            if hit.any():
                error[hit] = _status_reason(a.name, a.kind, st)
        out[a.name] = vals
    # A row is blank when its required inputs are all blank; with column arguments,
    # only the columns decide (a filled single cell such as an as-of date broadcasts).
    deciding = required_range_blank or required_blank
    blank = np.logical_and.reduce(deciding) if deciding else np.zeros(n, bool)
    return Rows(out, error, blank, is_range, n)


def respond(rows: Rows, values: np.ndarray, core_error: np.ndarray) -> Any:
    """Build the answer: one value, or an ``n x 1`` column for a range call.

    Conversion errors win over the core's; blank rows give ``""``.
    """
    with gc_paused():
        return _respond(rows, values, core_error)


def _respond(rows: Rows, values: np.ndarray, core_error: np.ndarray) -> Any:
    values = np.asarray(values).reshape(-1)
    core_error = np.asarray(core_error).reshape(-1)
    error = np.where(rows.error != OK, rows.error, core_error)
    out = values.tolist()
    bad = np.flatnonzero(error != OK)
    if bad.size:
        for i, text in zip(bad.tolist(), excel_errors(error[bad]).tolist(), strict=True):
            out[i] = text
    for i in np.flatnonzero(rows.blank).tolist():
        out[i] = ""
    if not rows.is_range:
        return out[0]
    return [[v] for v in out]


def whole_call_error(is_range_hint: bool = True) -> Any:
    """The answer when the call itself is malformed (ranges of different lengths)."""
    return [["#VALUE!"]] if is_range_hint else "#VALUE!"
