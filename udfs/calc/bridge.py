"""Calc's add-in calling convention to the Excel layer's, and back.

Calc calls an add-in function with the cells as it holds them: a range
(``com.sun.star.table.XCellRange``, read here with ``getDataArray``) gives rows of
floats and strings, ``""`` for an empty cell and ``None`` for an error cell, whose
error code the component looks up; a value argument (UNO ``any``) gives a float, a
string, rows of them, or nothing when it is left out. Dates are serial numbers
counted from the document's null date. These functions turn that into exactly what
Excel hands an xlwings UDF (scalars for one cell, ``n x 1`` lists for a column,
``None`` for blanks, ``"#N/A"``-style strings for error values), call the function of
:mod:`udfs.functions`, and turn its answer into rows Calc can show, error values
included. No rule is computed here.

The shapes are judged by the Excel layer, as for Excel: a range where a column belongs
must be one column (or one row); a block of two or more rows and columns, a ragged
inline array, or columns of different lengths give the call one ``#VALUE!``, never a
flattened block. :func:`call` itself never raises (a bug answers ``#VALUE!``).

Which arguments are ranges and which are values is fixed per function by
:data:`FUNCTIONS` (and the type library ``XKentFunctions.idl``):

- **range** arguments (the staff or award data) must be a cell or a range. Calc
  hands them over cell by cell, so a blank cell stays blank and an error cell keeps
  its own error, row by row, as in Excel.
- **value** arguments (settings such as ``as_of`` or ``output``, and the optional
  columns) take a literal, a formula such as ``TODAY()``, a cell or a range. Calc
  itself turns a blank single cell into 0 here, so 0 in a date or text argument is
  read as blank (0 is no date, and no valid text value), as is 0 in KENT_NOTICE's
  ``annual_salary`` (0 is no salary); and a range holding an error cell makes Calc
  refuse the whole call (Err:504) before it reaches us.

Examples
--------
>>> out = call("KENT_REDUNDANCY_WEEKS", [RangeCells(((42.0,), ("",), (61.0,)), {}),
...                                       RangeCells(((2.0,), ("",), (None,)), {(2, 0): 32767})])
>>> out[:2]
((2.5,), ('',))
>>> excel_error_of(lo_error_code(out[2][0]))  # the input cell's #N/A, kept in its row
'#N/A'
>>> block = call("KENT_REDUNDANCY_WEEKS", [RangeCells(((42.0, 43.0), (50.0, 51.0)), {}),
...                                         RangeCells(((2.0, 3.0), (4.0, 5.0)), {})])
>>> [[excel_error_of(lo_error_code(v)) for v in row] for row in block]  # 2 x 2: one error
[['#VALUE!']]
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Param",
    "Function",
    "FUNCTIONS",
    "RangeCells",
    "call",
    "error_value",
    "lo_error_code",
    "excel_error_of",
    "to_calc",
    "whole_call_error",
]

# Calc's own error codes (FormulaError) for the Excel error values.
LO_ERROR_CODES = {
    "#NULL!": 521,
    "#DIV/0!": 532,
    "#VALUE!": 519,
    "#REF!": 524,
    "#NAME?": 525,
    "#NUM!": 503,
    "#N/A": 32767,
}
_EXCEL_ERROR_OF_CODE = {code: text for text, code in LO_ERROR_CODES.items()}
# Calc-only errors, as LibreOffice writes them to xlsx: Err:502 (invalid argument)
# becomes #NUM!, Err:526 (no add-in) #NAME?; any other #VALUE!.
_EXCEL_ERROR_OF_CODE.update({502: "#NUM!", 526: "#NAME?"})

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's serial dates, and Calc's default null date
_QUIET_NAN = 0x7FF8000000000000


@dataclass(frozen=True)
class Param:
    """One argument: its RULES.md name, kind of value, and how Calc passes it."""

    name: str
    kind: str  # "date", "number", "text" or "bool"
    takes: str  # "range" (XCellRange: a cell or range) or "value" (any)
    optional: bool = False
    zero_is_blank: bool = False  # a value argument where Calc's 0 for a blank cell is no valid value

    @property
    def idl(self) -> str:
        """The argument's name in the type library (UNO names have no underscores)."""
        head, *rest = self.name.split("_")
        return head + "".join(w.capitalize() for w in rest)


@dataclass(frozen=True)
class Function:
    name: str  # the Excel (and Calc) name
    method: str  # the method of XKentFunctions
    params: tuple[Param, ...]


def _p(name, kind, takes, optional=False, zero_is_blank=False) -> Param:
    return Param(name, kind, takes, optional, zero_is_blank)


FUNCTIONS: tuple[Function, ...] = (
    Function("KENT_SICKPAY", "kentSickPay", (
        _p("service_start", "date", "range"),
        _p("absence_start", "date", "value"),
        _p("absence_days", "number", "value"),
        _p("annual_salary", "number", "range"),
        _p("prior_paid_days", "number", "value", True),
        _p("output", "text", "value", True),
        _p("temporary_short", "bool", "value", True),
    )),
    Function("KENT_REDUNDANCY_WEEKS", "kentRedundancyWeeks", (
        _p("age", "number", "range"),
        _p("years_of_service", "number", "range"),
        _p("multiplier", "number", "value", True),
        _p("explain", "bool", "value", True),
    )),
    Function("KENT_LEAVE_ACCRUAL", "kentLeaveAccrual", (
        _p("grade", "text", "range"),
        _p("service_start", "date", "range"),
        _p("as_of", "date", "value"),
        _p("weekly_hours", "number", "value", True),
        _p("employment_start", "date", "value", True),
        _p("employment_end", "date", "value", True),
        _p("unit", "text", "value", True),
        _p("explain", "bool", "value", True),
    )),
    Function("KENT_AWARD_OK", "kentAwardOk", (
        _p("employee_ids", "text", "range"),
        _p("award_dates", "date", "range"),
        _p("amounts", "number", "range"),
        _p("kinds", "text", "value", True),
        _p("work_refs", "text", "value", True),
        _p("endorsed", "bool", "value", True),
        _p("ineligible", "bool", "value", True),
        _p("explain", "bool", "value", True),
    )),
    Function("KENT_SICKPAY_LOG", "kentSickPayLog", (
        _p("employee_ids", "text", "range"),
        _p("first_days", "date", "range"),
        _p("last_days", "date", "range"),
        _p("service_starts", "date", "range"),
        _p("annual_salaries", "number", "range"),
        _p("temporary_short", "bool", "value", True),
        _p("output", "text", "value", True),
    )),
    Function("KENT_NOTICE", "kentNotice", (
        _p("grade", "text", "range"),
        _p("service_start", "date", "range"),
        _p("notice_date", "date", "value"),
        _p("output", "text", "value", True),
        _p("annual_salary", "number", "value", True, zero_is_blank=True),
    )),
)
BY_NAME = {f.name: f for f in FUNCTIONS}


@dataclass(frozen=True)
class RangeCells:
    """A range argument as read from Calc: ``getDataArray()`` rows, and the error
    code of each error cell keyed by ``(row, column)`` within the range."""

    rows: tuple
    errors: dict


def error_value(excel_error: str) -> float:
    """The double Calc reads as an error value: a quiet NaN carrying the error code."""
    code = LO_ERROR_CODES.get(excel_error, LO_ERROR_CODES["#VALUE!"])
    return struct.unpack("<d", struct.pack("<Q", _QUIET_NAN | code))[0]


def lo_error_code(value: Any) -> int | None:
    """The Calc error code carried by an :func:`error_value` double (None for others).

    >>> lo_error_code(error_value("#N/A")), lo_error_code(1.5), lo_error_code("x")
    (32767, None, None)
    """
    if not isinstance(value, float) or not math.isnan(value):
        return None
    return struct.unpack("<Q", struct.pack("<d", value))[0] & 0xFFFF


def excel_error_of(lo_code: int) -> str:
    """The Excel error value for one of Calc's error codes (``getError()``)."""
    return _EXCEL_ERROR_OF_CODE.get(lo_code, "#VALUE!")


def _date_offset(null_date: dt.date | None) -> float:
    """Days to add to a Calc serial number to get Excel's serial number."""
    return 0.0 if null_date is None else float((null_date - _EXCEL_EPOCH).days)


def _cell(v: Any, kind: str, offset: float) -> Any:
    if kind == "date" and isinstance(v, float):
        return v + offset
    return v


def _from_range(cells: RangeCells, kind: str, offset: float) -> Any:
    rows = [
        [excel_error_of(cells.errors.get((r, c), 0)) if v is None else _cell(v, kind, offset)
         for c, v in enumerate(row)]
        for r, row in enumerate(cells.rows)
    ]
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]  # one cell: a scalar, as Excel hands it
    return rows


def _from_value(v: Any, kind: str, offset: float, zero_is_blank: bool = False) -> Any:
    if isinstance(v, tuple):  # an inline array or a range passed by value: rows of cells
        return [[_cell(x, kind, offset) for x in row] if isinstance(row, tuple) else _cell(row, kind, offset)
                for row in v]  # a ragged one stays ragged: the Excel layer refuses it
    if isinstance(v, float) and v == 0.0 and (kind in ("date", "text") or zero_is_blank):
        return None  # Calc hands a blank single cell over as 0
    return _cell(v, kind, offset)


def to_calc(result: Any, offset: float = 0.0) -> tuple:
    """An Excel-layer answer as rows for Calc: errors as error values, blanks as "",
    TRUE/FALSE as 1/0 (format the cells as BOOLEAN to see TRUE/FALSE), dates as the
    document's serial numbers (``offset`` as for the arguments; format the cells as dates).

    >>> to_calc([[dt.datetime(2026, 6, 1)], [2.5], ["#N/A"]])[:2]
    ((46174.0,), (2.5,))
    """
    rows = result if isinstance(result, list) else [[result]]
    return tuple(tuple(_calc_value(v, offset) for v in row) for row in rows)


def _calc_value(v: Any, offset: float = 0.0) -> Any:
    if isinstance(v, dt.date):  # a datetime too: Excel's serial, counted from the document's null date
        day = v.date() if isinstance(v, dt.datetime) else v
        return float((day - _EXCEL_EPOCH).days) - offset
    if isinstance(v, str):
        return error_value(v) if v in LO_ERROR_CODES else v
    if v is None:
        return ""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        # TRUE/FALSE as 1/0, Calc's own booleans: a UNO boolean inside an array result
        # is not read reliably by Calc (FALSE can come out as 1).
        return 1.0 if v else 0.0
    v = float(v)
    return v if math.isfinite(v) else error_value("#NUM!")


def whole_call_error() -> tuple:
    """The answer when a call fails as a whole: #VALUE!."""
    return ((error_value("#VALUE!"),),)


def call(name: str, args: list[Any], null_date: dt.date | None = None) -> tuple:
    """Call the Excel function ``name`` with the arguments as Calc passed them.

    ``args`` holds, in order, a :class:`RangeCells` for each range argument and the
    raw value (``None`` when left out) for each value argument.
    """
    from udfs import _excel, functions  # the same Excel layer the xlwings add-in uses

    try:
        spec = BY_NAME[name]
        offset = _date_offset(null_date)
        kwargs = {}
        for p, a in zip(spec.params, args, strict=False):
            if isinstance(a, RangeCells):
                kwargs[p.name] = _from_range(a, p.kind, offset)
            elif a is not None:
                kwargs[p.name] = _from_value(a, p.kind, offset, p.zero_is_blank)
        return to_calc(getattr(functions, name)(**kwargs), offset)
    except Exception:  # last resort: a bug must never reach Calc as an exception
        _excel.last_resort(name, ())
        return whole_call_error()
