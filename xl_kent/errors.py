"""Per-row error reasons shared by the core, the Excel layer and the command line.

Every function of the core returns, beside its values, an ``error`` array of small
integer codes: ``0`` for a good row, otherwise a code registered here. A code maps to
the Excel error value shown in a cell and a plain-English reason, so that one bad row
never spoils the others and the reason can always be reported.

Excel error values used (see docs/functions.md):

``#VALUE!``
    a required input is blank, or text where a number or date belongs, or an
    unrecognised choice (``output``, ``unit``, ``kind``).
``#NUM!``
    a number or date outside its possible range, or dates in an impossible order.
``#N/A``
    a lookup failed: an unknown grade, or no parameters in force on the row's date.

An error value found in an input cell (``#DIV/0!``, ``#REF!`` ...) is passed through
unchanged for that row.

Examples
--------
>>> code = reason("#NUM!", "absence_days is below 1")
>>> excel_error(code), reason_text(code)
('#NUM!', 'absence_days is below 1')
>>> reason("#NUM!", "absence_days is below 1") == code
True
>>> excel_error(OK), reason_text(OK)
('', '')
"""

from __future__ import annotations

import sys
import threading

import numpy as np

__all__ = [
    "OK",
    "EXCEL_ERRORS",
    "reason",
    "excel_error",
    "reason_text",
    "first_error",
    "first_reason",
    "set_error",
    "set_above",
    "set_below",
    "describe",
]

#: Code of a good row.
OK = 0

#: Excel error values that may arrive in a cell and are passed through.
EXCEL_ERRORS = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
)

_codes: dict[tuple[str, str], int] = {("", ""): OK}
_table: list[tuple[str, str]] = [("", "")]
_lock = threading.Lock()  # blocks of rows may register a reason from several threads


def reason(excel: str, text: str) -> int:
    """Return the code of the reason ``text`` shown as the Excel error ``excel``.

    The same pair always gives the same code (codes are interned), so modules
    register their reasons once at import time.
    """
    key = (excel, text)
    code = _codes.get(key)
    if code is None:
        with _lock:
            code = _codes.get(key)
            if code is None:
                code = len(_table)
                _table.append(key)
                _codes[key] = code
    return code


def excel_error(code: int) -> str:
    """The Excel error value (``"#NUM!"`` ...) of a reason code; ``""`` for OK."""
    return _table[int(code)][0]


def reason_text(code: int) -> str:
    """The plain-English reason of a reason code; ``""`` for OK."""
    return _table[int(code)][1]


def excel_errors(codes: np.ndarray) -> np.ndarray:
    """Vectorised :func:`excel_error`: an object array of error strings."""
    lookup = np.array([e for e, _ in _table], dtype=object)
    return lookup[np.asarray(codes, dtype=np.intp)]


def reason_texts(codes: np.ndarray) -> np.ndarray:
    """Vectorised :func:`reason_text`: an object array of reasons."""
    lookup = np.array([t for _, t in _table], dtype=object)
    return lookup[np.asarray(codes, dtype=np.intp)]


def first_error(*codes: np.ndarray) -> np.ndarray:
    """Combine several code arrays, keeping the first non-zero code of each row.

    >>> first_error(np.array([0, 2, 0]), np.array([3, 4, 0]))
    array([3, 2, 0], dtype=int32)
    """
    arrays = np.broadcast_arrays(*[np.asarray(c, dtype=np.int32) for c in codes])
    out = np.zeros(arrays[0].shape, dtype=np.int32)
    for c in reversed(arrays):
        out = np.where(c != OK, c, out)
    return out


def first_reason(*checks: tuple[np.ndarray, int]) -> np.ndarray:
    """Reason codes from ``(bad_mask, code)`` checks in priority order; 0 where none fails.

    >>> first_reason((np.array([True, False, False]), 4), (np.array([True, True, False]), 7)).tolist()
    [4, 7, 0]
    """
    if checks and _fast():
        masks = [np.asarray(m) for m, _ in checks]
        if all(m.dtype == bool for m in masks):
            # np.select's choice, written straight into int32, and only for the checks
            # some row fails (usually none): the last check first, the first one wins.
            out = np.zeros(np.broadcast_shapes(*[m.shape for m in masks]), dtype=np.int32)
            for m, (_, code) in zip(reversed(masks), reversed(checks), strict=True):
                if m.any():
                    np.copyto(out, code, where=m)
            return out
    return np.select([m for m, _ in checks], [c for _, c in checks], OK).astype(np.int32)


def set_error(error: np.ndarray, mask: np.ndarray, code: int) -> None:
    """Give ``code`` to the rows in ``mask`` that have no error yet (in place)."""
    if _fast() and not np.any(mask):
        return
    np.copyto(error, code, where=mask & (error == OK))


def _fast() -> bool:
    """The shortcut switch of :mod:`xl_kent._arrays` (found late: it imports this module)."""
    arrays = sys.modules.get(__package__ + "._arrays")
    if arrays is None:
        from . import _arrays as arrays
    return arrays.fast()


def set_above(error: np.ndarray, value: np.ndarray, bound, excel: str, words: str, quoted=None) -> None:
    """Give the rows whose ``value`` is above their ``bound`` the reason ``words.format(q)``.

    ``q`` is the number the words quote: the bound itself, or ``quoted`` (per row) when
    the bound is derived from it (``age - 14`` quotes 14). A plausibility bound is a dated
    parameter, so rows may quote different numbers: each distinct one gets its own reason
    (a loop over bounds, not rows). ``inf`` is above every bound; a ``nan`` bound (none in
    force) checks nothing. Rows that already have an error keep it.

    >>> error = np.zeros(3, dtype=np.int32)
    >>> set_above(error, np.array([366.0, 367.0, np.inf]), 366.0, "#NUM!", "days is above {0:,.0f}")
    >>> describe(error)
    [(1, '#NUM!', 'days is above 366'), (2, '#NUM!', 'days is above 366')]
    """
    _set_bound(error, np.asarray(value) > np.asarray(bound), bound if quoted is None else quoted, excel, words)


def set_below(error: np.ndarray, value: np.ndarray, bound, excel: str, words: str) -> None:
    """As :func:`set_above`, for the rows whose ``value`` is below their ``bound`` (``-inf`` too)."""
    _set_bound(error, np.asarray(value) < np.asarray(bound), bound, excel, words)


def _set_bound(error: np.ndarray, beyond: np.ndarray, quoted, excel: str, words: str) -> None:
    if _fast() and not np.any(beyond):
        return
    hit = beyond & (error == OK)
    if hit.any():
        quoted = np.broadcast_to(np.asarray(quoted, dtype=np.float64), error.shape)
        for q in np.unique(quoted[hit]).tolist():
            np.copyto(error, reason(excel, words.format(q)), where=hit & (quoted == q))


def describe(codes: np.ndarray) -> list[tuple[int, str, str]]:
    """List ``(row, excel_error, reason)`` for every bad row, rows counted from 0 (in the
    flattened order; a single value is row 0)."""
    codes = np.asarray(codes).reshape(-1)
    rows = np.flatnonzero(codes != OK)
    return [(int(r), excel_error(codes[r]), reason_text(codes[r])) for r in rows]
