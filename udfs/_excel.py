"""The thin Excel layer: cells in, core call, a column (or one value) out.

Whatever Excel, xlwings or LibreOffice hands a function (one cell, a 1-D list, an
``n x 1`` nested list or a numpy array; dates as ``datetime`` or serial numbers;
blanks as ``None`` or ``""``; error values as ``"#N/A"`` strings; stray text) is
converted here with :mod:`xl_kent.cells`. Each row gets its own error value; the
others get their results. Nothing here raises for bad data.

The shape of a call is judged here, in one place (:func:`convert`): every range
argument must read as one column (a 1-D list, ``n x 1``, or one row ``1 x n``), and the
columns must have one length (a single cell, or a one-cell range, is used for every
row). A call that breaks this (a ragged range, a block ``n x 2`` or wider, columns of
different lengths) raises :class:`CallError`, whose :attr:`CallError.answer` is the one
error value the UDF returns: never a flattened block, never an exception in Excel.
:func:`last_resort` is what each UDF returns if a bug raises anyway.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xl_kent import cells
from xl_kent.errors import OK, excel_errors, reason, reason_texts

log = logging.getLogger("xl_kent.udfs")

#: Excel's largest number (9.99999999999999E+307): a result beyond it is not shown.
MAX_EXCEL_NUMBER = 9.99999999999999e307
E_RESULT = reason("#NUM!", "the result is not a finite number Excel can show")

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
    # True, False, or per row: a function of the converted values (name -> array) giving
    # the rows that need this argument (a casual worker's leave needs no grade).
    required: bool | Callable[[dict[str, np.ndarray]], np.ndarray] = True
    default: Any = None  # used for an omitted or blank optional argument


@dataclass
class Rows:
    """Converted arguments: typed 1-D arrays of one length, plus row bookkeeping."""

    values: dict[str, np.ndarray]
    error: np.ndarray  # reason codes from conversion (0 = fine so far)
    blank: np.ndarray  # rows whose required inputs are all blank -> ""
    is_range: bool  # any argument was a range: answer with a column
    n: int
    # Per argument, the rows where it could not be read (an error value, the wrong type,
    # out of range, or blank where required): a log function leaves such rows out of the
    # log when the bad argument is a fact of the record, not a choice of what to show.
    problems: dict[str, np.ndarray] = field(default_factory=dict)


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


class CallError(Exception):
    """The call's ranges cannot be read as columns of one length: the whole call is
    one ``#VALUE!`` (:attr:`answer`), a single value or a one-cell column."""

    def __init__(self, why: str, any_range: bool):
        super().__init__(why)
        self.answer = whole_call_error(any_range)


ShapeError = CallError  # the earlier name


def _is_range_value(v: Any) -> bool:
    return isinstance(v, (list, tuple)) or (isinstance(v, np.ndarray) and v.ndim > 0)


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
        try:
            values, is_range = cells.as_column(a.value)
        except cells.NotAColumn as exc:
            raise CallError(f"{a.name}: {exc}", True) from None
        flat.append((a, values, is_range))
    lengths = {len(v) for _, v, r in flat if r}
    if len(lengths - {1}) > 1:
        raise CallError(f"column arguments have different lengths: {sorted(lengths)}", True)
    n = max(lengths - {1}, default=1) if lengths else 1
    is_range = any(r for _, _, r in flat)

    out: dict[str, np.ndarray] = {}
    converted = []
    for a, values, arg_is_range in flat:
        col = _CONVERTERS[a.kind](values)
        vals, status, passthrough = col.values, col.status, col.passthrough
        if len(vals) == 1 and n != 1:
            vals = np.repeat(vals, n)
            status = np.repeat(status, n)
            passthrough = None if passthrough is None else np.repeat(passthrough, n)
            arg_is_range = False
        if not a.required and a.default is not None:
            blank = status == cells.BLANK
            default = _CONVERTERS[a.kind]([a.default]).values[0]
            vals = np.where(blank, default, vals)
            status = np.where(blank, cells.GOOD, status)
        out[a.name] = vals
        converted.append((a, status, passthrough, arg_is_range))

    masks: dict[Callable, np.ndarray] = {}  # each per-row requirement computed once
    for a, *_ in converted:
        if callable(a.required) and a.required not in masks:
            masks[a.required] = a.required(out)
    error = np.zeros(n, dtype=np.int32)
    all_blank = np.ones(n, bool)  # required inputs of the row all blank
    range_blank = np.ones(n, bool)  # required column inputs of the row all blank
    has_range = np.zeros(n, bool)  # the row has a required column input
    problems: dict[str, np.ndarray] = {}
    for a, status, passthrough, arg_is_range in converted:
        required = masks[a.required] if callable(a.required) else np.full(n, bool(a.required))
        blank = status == cells.BLANK
        problems[a.name] = (status != cells.GOOD) & (~blank | required)
        all_blank &= blank | ~required
        if arg_is_range:
            range_blank &= blank | ~required
            has_range |= required
        # Conversion problems, in argument order (first problem wins).
        if passthrough is not None:
            for value in set(passthrough[status == cells.ERROR].tolist()):  # each error value once
                hit = (status == cells.ERROR) & (passthrough == value) & (error == OK)
                error[hit] = reason(value, f"{a.name} holds the error value {value}")
        for st in (cells.WRONG_TYPE, cells.OUT_OF_RANGE, cells.BLANK):
            hit = (status == st) & (error == OK)
            if st == cells.BLANK:
                hit &= required
            if hit.any():
                error[hit] = _status_reason(a.name, a.kind, st)
    # A row is blank when its required inputs are all blank; with column arguments,
    # only the columns decide (a filled single cell such as an as-of date broadcasts).
    blank = np.where(has_range, range_blank, all_blank) if any(a.required for a in args) else np.zeros(n, bool)
    return Rows(out, error, blank, is_range, n, problems)


def respond(rows: Rows, values: np.ndarray, core_error: np.ndarray, words: np.ndarray | None = None,
            explain: np.ndarray | None = None) -> Any:
    """Build the answer: one value, or an ``n x 1`` column for a range call.

    Conversion errors win over the core's; blank rows give ``""``. With ``words`` (the
    core's explanation of each row) the rows of ``explain`` show their sentence instead
    of the figure, and a bad row its reason in words (the conversion's reason first)
    instead of an error value (RULES.md, "Every figure explained").
    """
    with gc_paused():
        return _respond(rows, values, core_error, words, explain)


def _respond(rows: Rows, values: np.ndarray, core_error: np.ndarray, words=None, explain=None) -> Any:
    values = np.asarray(values).reshape(-1)
    core_error = np.asarray(core_error).reshape(-1)
    error = np.where(rows.error != OK, rows.error, core_error)
    if values.dtype.kind == "f":  # never inf or nan (or beyond Excel) shown as a number
        with np.errstate(invalid="ignore"):
            shown = np.isfinite(values) & (np.abs(values) <= MAX_EXCEL_NUMBER)
        error = np.where((error == OK) & ~shown, E_RESULT, error)
    if words is not None:
        explain = np.broadcast_to(np.asarray(explain, dtype=bool).reshape(-1), values.shape)
        said = np.where(rows.error != OK, reason_texts(rows.error), np.asarray(words, dtype=object).reshape(-1))
        values = np.where(explain, said, values.astype(object))
        error = np.where(explain, OK, error)
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
    """The answer when the call itself is malformed: one ``#VALUE!`` (in a one-cell
    column when any argument was a range)."""
    return [["#VALUE!"]] if is_range_hint else "#VALUE!"


#: Raise instead of answering ``#VALUE!`` in :func:`last_resort` (the tests set it, so
#: that a bug shows itself instead of hiding behind an error value).
STRICT = False
#: How many calls reached :func:`last_resort` (each one a bug: nothing should).
last_resort_calls = 0


def last_resort(name: str, args: tuple) -> Any:
    """What a UDF answers when it raised anyway: one ``#VALUE!``, never a crash in Excel.

    Call it from an ``except Exception`` handler; the exception is logged. Reaching it
    is a bug: :data:`STRICT` re-raises, and :data:`last_resort_calls` counts.
    """
    global last_resort_calls
    last_resort_calls += 1
    if STRICT:
        raise
    log.exception("%s failed; answered #VALUE!", name)
    return whole_call_error(any(_is_range_value(v) for v in args))
