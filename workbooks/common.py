"""Shared parts of the two template workbooks (built with XlsxWriter).

Both templates are laid out the same way, so that what HR learns on one works on the
other:

* rows 1-3 of a data sheet hold its title and a one-line instruction; row 4 holds the
  column headers (frozen); data rows start on row 5 (:data:`FIRST_ROW`) and the input
  area is pre-sized (:data:`DATA_ROWS`, 5,000 rows);
* input cells are pale yellow and **unlocked**, calculated cells are grey and locked,
  and every sheet is protected **without a password** (Review > Unprotect Sheet);
* each calculated column is **one formula** (a dynamic array over the whole pre-sized
  input area), written with XlsxWriter's ``write_dynamic_array_formula`` so that
  Excel 365 spills it without the implicit-intersection ``@``. Older Excel shows the same
  formula as a classic array formula over the same fixed range (see docs/workbooks.md).

A template is built in one of two modes by its module (:mod:`workbooks.budget`,
:mod:`workbooks.awards`): ``filled=False`` writes the KENT_ formulas (the template
itself, and the test copies that LibreOffice recalculates); ``filled=True`` writes
the values the core computes instead of the KENT_ formulas (``xl-kent fill``: no add-in
needed to open it).
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from xl_kent.files.limits import EXCEL_MAX_NUMBER, cut_text
from xl_kent.files.writing import OutputFileError, _atomic, _check_output

__all__ = [
    "BOOLEAN_FORMAT", "BUILD_TIMESTAMP", "GBP_FORMAT", "GBP_CHART_FORMAT", "CONF_SPARE_ROWS", "HowTo", "OutputFileError", "DATA_ROWS", "ERROR_MEANINGS", "FIRST_ROW", "HEADER_ROW",
    "Col", "Styles", "add_how_to_sheet", "add_xlwings_conf_sheet", "cached", "cell_value", "col_range", "data_validation",
    "excel_text", "filled_rows", "validation", "write_array_formula", "write_formula", "write_number", "write_text",
    "grade_choices", "new_workbook", "protect", "save_atomically", "setup_print", "write_inputs",
    "write_title", "write_headers", "write_calc_column", "yes_no_validation", "date_validation",
    "number_validation", "grade_validation", "quote_sheet", "ref", "rel",
]

HEADER_ROW = 4  # Excel row number of the column headers
FIRST_ROW = 5  # Excel row number of the first data row
DATA_ROWS = 5_000  # pre-sized input rows: one array formula per column covers them all
HIGHEST_LISTED_KR = 20  # the grade drop-downs offer up to KR20 (a template choice, not a policy limit)
BUILD_TIMESTAMP = dt.datetime(2026, 11, 23)  # fixed document date: the same bytes every build

BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'
"""Shows 1/0 as TRUE/FALSE: LibreOffice returns an add-in's booleans as 1/0, Excel as booleans."""

UDF_MODULE = "udfs"

ERROR_MEANINGS: tuple[tuple[str, str], ...] = (
    ("#VALUE!", "A required input is blank; text where a number or date belongs; or a choice the "
                "function does not recognise."),
    ("#NUM!", "A number or date out of range: a negative value, service longer than age, weekly hours "
              "outside 0-37, salary not above 0, dates in an impossible order, a date before 1 March 1900."),
    ("#N/A", "Unknown grade, or no Kent Scheme rates in force for the row's date."),
    ("#NAME?", "The KENT_ functions are not available: the add-in is not set up on this computer "
               "(see Set-up above), or use `xl-kent fill` for a copy with values."),
    ("(blank)", "Every required input of the row is blank: the row is not used yet."),
    ("(text that looks like an error)", "Windows classic xlwings add-in only: errors arrive as text. "
                                        "The totals on this workbook skip them."),
)

_PALETTE = {
    "navy": "#1F3864", "header": "#1F4E78", "input": "#FFF2CC", "calc": "#EDEDED",
    "note": "#595959", "border": "#BFBFBF", "bad": "#FFC7CE", "bad_text": "#9C0006",
    "warn": "#FFEB9C", "warn_text": "#9C5700", "good": "#C6EFCE",
}

GBP_FORMAT = '"£"#,##0.00;[Red]\\-"£"#,##0.00'
"""Excel's own UK currency format (Format Cells > Currency, £, red negatives): the £ quoted, as
Excel writes it. A bare £ is not a format character: SheetJS's parser refuses it and other
readers may show the number unformatted."""

GBP_CHART_FORMAT = '"£"#,##0'
"""The £ axis of a chart, in whole pounds."""

_NUMBER_FORMATS = {
    "text": "@", "date": "dd/mm/yyyy", "gbp": GBP_FORMAT, "gbp0": '"£"#,##0;[Red]\\-"£"#,##0',
    "number": "0.00", "int": "0", "days": '0.0 "days"', "hours": '0.00 "hrs"', "weeks": '0.0 "wks"',
    "pct": "0.0%", "flag": "@", "bool": BOOLEAN_FORMAT, "years": "0", "general": "General",
    "wrap": "General",  # a sentence, wrapped in its cell (the Person sheet's explanations)
}


@dataclass(frozen=True)
class Col:
    """One column of a data sheet.

    ``kind`` picks the number format (:data:`_NUMBER_FORMATS`: ``"text"``, ``"date"``,
    ``"gbp"``, ``"days"``, ``"hours"``, ``"pct"``, ``"flag"`` (Yes/No), ``"bool"``, ...);
    ``validation`` is XlsxWriter ``data_validation`` options (input columns only);
    ``help`` is shown as the header cell's comment and on the How to use sheet.
    """

    key: str
    header: str
    kind: str
    width: float
    help: str
    validation: dict | None = None


class Styles:
    """The formats of one workbook, by name: ``styles.input("date")``, ``styles.calc("gbp")``."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        self._base = base
        self.title = wb.add_format({**base, "bold": True, "font_size": 14, "font_color": _PALETTE["navy"]})
        self.subtitle = wb.add_format({**base, "bold": True, "font_size": 11, "font_color": _PALETTE["navy"]})
        self.note = wb.add_format({**base, "italic": True, "font_color": _PALETTE["note"]})
        self.text = wb.add_format({**base, "text_wrap": True})
        self.bold = wb.add_format({**base, "bold": True, "text_wrap": True})
        self.header = wb.add_format({**base, "bold": True, "text_wrap": True, "font_color": "#FFFFFF",
                                     "bg_color": _PALETTE["header"], "border": 1,
                                     "border_color": _PALETTE["border"], "valign": "vcenter"})
        self.header_input = wb.add_format({**base, "bold": True, "text_wrap": True, "bg_color": _PALETTE["input"],
                                           "border": 1, "border_color": _PALETTE["border"], "valign": "vcenter"})
        self.bad = wb.add_format({"bg_color": _PALETTE["bad"], "font_color": _PALETTE["bad_text"]})
        self.warn = wb.add_format({"bg_color": _PALETTE["warn"], "font_color": _PALETTE["warn_text"]})
        self.good = wb.add_format({"bg_color": _PALETTE["good"]})
        self._cache: dict[tuple, Any] = {}

    def _fmt(self, role: str, kind: str, bold: bool = False):
        key = (role, kind, bold)
        if key not in self._cache:
            props = {**self._base, "num_format": _NUMBER_FORMATS[kind], "border": 1,
                     "border_color": _PALETTE["border"], "bold": bold}
            if role == "input":
                props.update(bg_color=_PALETTE["input"], locked=False)
            elif role == "calc":
                props.update(bg_color=_PALETTE["calc"])
            if kind == "text":
                props["text_wrap"] = False
            if kind == "wrap":
                props["text_wrap"] = True
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]

    def input(self, kind: str):
        """An unlocked, pale yellow input cell of this kind."""
        return self._fmt("input", kind)

    def calc(self, kind: str, bold: bool = False):
        """A locked, grey calculated cell of this kind."""
        return self._fmt("calc", kind, bold)

    def plain(self, kind: str, bold: bool = False):
        """A locked cell with a border and no fill (summary tables)."""
        return self._fmt("plain", kind, bold)


def new_workbook(target, title: str, subject: str) -> tuple[xlsxwriter.Workbook, Styles]:
    """An XlsxWriter workbook with fixed properties (same bytes every build) and its styles.

    ``target`` is a path or a binary file object.
    """
    wb = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_numbers": False,
                                      "strings_to_urls": False, "default_date_format": "dd/mm/yyyy"})
    wb.set_properties({"title": title, "subject": subject, "author": "xl-kent", "company": "Kent County Council",
                       "comments": "Built by python3 -m workbooks.build (xl-kent)", "created": BUILD_TIMESTAMP})
    wb.set_calc_mode("auto")
    return wb, Styles(wb)


def save_atomically(path, build: Callable[[Any], None], input_path=None) -> Path:
    """Run ``build(file_object)`` into a temporary file beside ``path``, then move it into place.

    The output is written whole or not at all, and it may not be the input file.
    Raises :class:`xl_kent.files.writing.OutputFileError`.
    """
    out = _check_output(path, input_path)
    with _atomic(out) as f:
        build(f)
    return out


# ---------------------------------------------------------------- cells and ranges
def col_range(col: int, rows: int = DATA_ROWS, sheet: str | None = None, absolute: bool = True) -> str:
    """The data range of a column (0-based ``col``): ``$E$5:$E$5004``, or with its sheet."""
    letter = xl_col_to_name(col)
    d = "$" if absolute else ""
    ref = f"{d}{letter}{d}{FIRST_ROW}:{d}{letter}{d}{FIRST_ROW + rows - 1}"
    return f"{quote_sheet(sheet)}!{ref}" if sheet else ref


def quote_sheet(name: str) -> str:
    return f"'{name}'" if any(not (ch.isalnum() or ch == "_") for ch in name) else name


def cell_value(v: Any) -> Any:
    """A Python value as it is written into an input cell: dates as datetimes, None as blank."""
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return v


# ---------------------------------------------------------------- what may reach XlsxWriter
# Not XML characters, and not escaped by XlsxWriter: U+FFFE, U+FFFF and lone surrogates.
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")
# C0 control characters but tab and line feed, as XlsxWriter escapes them in cell text (not in
# a write_formula result nor in attributes), and text that reads as such an escape.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f]")
_ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")


def excel_text(value: Any, *, controls: str = "keep") -> str:
    """Text as it may be handed to XlsxWriter: every string that reaches a template workbook
    goes through here (through :func:`write_text`, :func:`write_formula`,
    :func:`write_array_formula`, :func:`data_validation` and :func:`cached`).

    * cut to Excel's 32,767 characters, counted in UTF-16 units as Excel does, never
      between the halves of a surrogate pair (:func:`xl_kent.files.limits.cut_text`);
    * U+FFFE, U+FFFF and lone surrogates, which XML cannot hold and XlsxWriter does not
      escape, become U+FFFD;
    * control characters (C0 but tab and line feed; XML 1.0 cannot hold them, not even as
      character references), by ``controls``:

      - ``"keep"``: cell text, comments and an array formula's result, which XlsxWriter
        escapes itself as Excel does (``_xHHHH_``); they read back exactly;
      - ``"escape"``: a :func:`write_formula` result, which XlsxWriter writes as given:
        escaped here the way XlsxWriter escapes cell text (``_xHHHH_``, and a literal
        ``_xHHHH_`` as ``_x005F_xHHHH_``), so that the cached result reads back as the
        text the formula gives (Excel, SheetJS and python-calamine decode it; openpyxl
        leaves every ``_xHHHH_`` as it is, in cell text too). Where XlsxWriter copies such
        a result into a chart's cache it escapes it a second time: a chart label shows the
        escape until Excel refreshes the chart from its cells;
      - ``"remove"``: attributes (data validation titles, messages and list items), where
        XlsxWriter escapes nothing and Excel has no escape: removed.

    >>> excel_text("Fin\\x01ance"), excel_text("Fin\\x01ance _x0041_", controls="escape")
    ('Fin\\x01ance', 'Fin_x0001_ance _x005F_x0041_')
    >>> excel_text("Fin\\x01ance", controls="remove"), len(excel_text("x" * 40_000)), excel_text("a\\ufffeb")
    ('Finance', 32767, 'a\\ufffdb')
    """
    text = value if isinstance(value, str) else str(value)
    text = cut_text(text)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("\ufffd", text)
    if controls == "escape":
        if "_x" in text:
            text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
        if _CONTROLS.search(text):
            text = _CONTROLS.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    elif controls == "remove":
        if _CONTROLS.search(text):
            text = _CONTROLS.sub("", text)
    elif controls != "keep":
        raise ValueError(f"controls must be 'keep', 'escape' or 'remove', not {controls!r}")
    return text


def _beyond(v: Any) -> bool:
    """A number Excel cannot hold (infinite or beyond +-9.99999999999999E+307); NaN is blank, not this."""
    return abs(v) > EXCEL_MAX_NUMBER if isinstance(v, int) else not (abs(v) <= EXCEL_MAX_NUMBER or math.isnan(v))


def cached(value: Any, *, escaped: bool = False) -> Any:
    """A formula's cached result as it may be handed to XlsxWriter: text through
    :func:`excel_text` (``escaped``: for :func:`write_formula`, which XlsxWriter writes
    without escaping), numpy scalars as Python values, NaN and None as ``""`` (blank), a
    number Excel cannot hold as ``"#NUM!"`` (an error value for :func:`write_formula`; for
    an array formula XlsxWriter can only write it as that text).

    >>> cached("Fin\\x01ance"), cached("Fin\\x01ance", escaped=True), cached(float("inf")), cached(-1e308)
    ('Fin\\x01ance', 'Fin_x0001_ance', '#NUM!', '#NUM!')
    >>> cached(float("nan")), cached(None), cached(2.5)
    ('', '', 2.5)
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return excel_text(value, controls="escape" if escaped else "keep")
    if hasattr(value, "item") and not isinstance(value, (bool, int, float)):  # a numpy scalar
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ""
        return "#NUM!" if _beyond(value) else value
    return value


def write_text(ws, row: int, col: int, text: Any, fmt=None) -> None:
    """A text cell (a shared string): through :func:`excel_text`."""
    ws.write_string(row, col, excel_text(text), fmt)


def write_number(ws, row: int, col: int, value: Any, fmt=None) -> None:
    """A number cell; NaN is a blank and a number Excel cannot hold the error ``#NUM!`` (a
    formula that gives it, with it cached: XlsxWriter has no error cell), never the number."""
    value = float(value) if not isinstance(value, int) else value
    if isinstance(value, float) and math.isnan(value):
        ws.write_blank(row, col, None, fmt)
    elif _beyond(value):
        ws.write_formula(row, col, _ERROR_FORMULAS["#NUM!"], fmt, "#NUM!")
    else:
        ws.write_number(row, col, value, fmt)


def write_formula(ws, row: int, col: int, formula: str, fmt, value: Any) -> None:
    """One formula cell with its cached result through :func:`cached`."""
    ws.write_formula(row, col, formula, fmt, cached(value, escaped=True))


def write_array_formula(ws, first_row: int, first_col: int, last_row: int, last_col: int, formula: str, fmt,
                        value: Any, dynamic: bool = True) -> None:
    """A dynamic (or classic, ``dynamic=False``) array formula with its first cell's cached
    result through :func:`cached`."""
    write = ws.write_dynamic_array_formula if dynamic else ws.write_array_formula
    write(first_row, first_col, last_row, last_col, formula, fmt, cached(value))


_VALIDATION_TEXT = ("input_title", "input_message", "error_title", "error_message")


def validation(options: dict) -> dict:
    """XlsxWriter ``data_validation`` options with their messages and list items through
    :func:`excel_text` (no control characters: they are XML attributes)."""
    out = dict(options)
    for key in _VALIDATION_TEXT:
        if isinstance(out.get(key), str):
            out[key] = excel_text(out[key], controls="remove")
    if isinstance(out.get("source"), (list, tuple)):
        out["source"] = [excel_text(v, controls="remove") if isinstance(v, str) else v for v in out["source"]]
    return out


def data_validation(ws, first_row: int, first_col: int, last_row: int, last_col: int, options: dict) -> None:
    """``ws.data_validation`` with the options through :func:`validation`."""
    ws.data_validation(first_row, first_col, last_row, last_col, validation(options))


def _write_value(ws, row: int, col: int, value: Any, fmt) -> None:
    """Write one cell by its Python type (never a formula: text is text, whatever it starts with;
    a number Excel cannot hold is the error ``#NUM!``, see :func:`write_number`)."""
    value = cell_value(value)
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        write_number(ws, row, col, value, fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, fmt)
    else:
        write_text(ws, row, col, value, fmt)


def write_title(ws, styles: Styles, title: str, instruction: str) -> None:
    """Rows 1-2: the sheet's title and a one-line instruction."""
    write_text(ws, 0, 0, title, styles.title)
    write_text(ws, 1, 0, instruction, styles.note)
    ws.set_row(0, 22)


def write_headers(ws, styles: Styles, cols: Sequence[Col], first_col: int, inputs: bool) -> None:
    """Row 4: headers, with each column's help as a comment; column widths."""
    r = HEADER_ROW - 1
    ws.set_row(r, 58)
    for j, c in enumerate(cols, first_col):
        write_text(ws, r, j, c.header, styles.header_input if inputs else styles.header)
        ws.write_comment(r, j, excel_text(c.help), {"x_scale": 2, "y_scale": 1.5, "font_name": "Arial"})
        ws.set_column(j, j, c.width)


def write_inputs(ws, styles: Styles, cols: Sequence[Col], first_col: int, data: Sequence[Sequence[Any]] = (),
                 rows: int = DATA_ROWS, prompt_title: str | None = None) -> None:
    """The headers and the whole pre-sized input area of ``cols``: unlocked, formatted,
    validated; ``data`` (rows of Python values, in ``cols`` order) written from row 5."""
    write_headers(ws, styles, cols, first_col, inputs=True)
    if len(data) > rows:
        raise ValueError(f"{len(data)} rows do not fit the template's {rows} input rows")
    r0 = FIRST_ROW - 1
    for j, c in enumerate(cols, first_col):
        fmt = styles.input(c.kind)
        for i in range(rows):
            value = data[i][j - first_col] if i < len(data) else None
            _write_value(ws, r0 + i, j, value, fmt)
        if c.validation:
            options = {"ignore_blank": True, "input_title": (prompt_title or c.header)[:32],
                       "input_message": c.help[:255], "error_title": f"{c.header}"[:32], **c.validation}
            data_validation(ws, r0, j, r0 + rows - 1, j, options)


def write_calc_column(ws, styles: Styles, col: int, c: Col, formula: str | None, values: Sequence[Any] | None,
                      rows: int = DATA_ROWS) -> None:
    """One calculated column: a dynamic array formula over the pre-sized rows, or (filled
    copies) the values, with blanks below the data."""
    r0 = FIRST_ROW - 1
    fmt = styles.calc(c.kind)
    if values is None:
        ws.write_dynamic_array_formula(r0, col, r0 + rows - 1, col, formula, fmt)  # no cached value
        return
    for i in range(rows):
        v = values[i] if i < len(values) else ""
        if isinstance(v, str) and v.startswith("#") and v in _ERROR_FORMULAS:
            ws.write_formula(r0 + i, col, _ERROR_FORMULAS[v], fmt, v)  # an error code: nothing to clean
        else:
            _write_value(ws, r0 + i, col, v, fmt)


_ERROR_FORMULAS = {"#N/A": "=NA()", "#VALUE!": "=#VALUE!", "#NUM!": "=SQRT(-1)", "#DIV/0!": "=1/0",
                   "#REF!": "=#REF!", "#NAME?": "=#NAME?", "#NULL!": "=#NULL!"}
"""How a filled copy writes an error result: a formula that gives that error (with it cached)."""


def protect(ws) -> None:
    """Protect a sheet without a password: input cells stay editable, formulas locked."""
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
                    "format_rows": True, "autofilter": True, "sort": False, "objects": False})


def setup_print(ws, last_col: int, last_row: int, landscape: bool = True, header_rows: str | None = None,
                title: str = "") -> None:
    """A4, fit to one page wide, repeated header rows, footer with page numbers."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_area(0, 0, last_row, last_col)
    if last_row >= FIRST_ROW - 1 + DATA_ROWS - 1:
        # A data sheet: print the filled rows only, not 5,000 mostly empty ones.
        filled = filled_rows(ws)
        if filled is None:
            # The template (its KENT_ columns are formulas): the rows grow as the user types, so the
            # print area is a formula Excel follows (column A holds each row's id). XlsxWriter writes
            # this string as the sheet's _xlnm.Print_Area. LibreOffice ignores a formula print area and
            # prints the whole range there (docs/workbooks.md): Format > Print Ranges > Edit.
            q = quote_sheet(ws.name)
            ws.print_area_range = (f"OFFSET({q}!$A$1,0,0,{HEADER_ROW}+COUNTA({col_range(0, sheet=ws.name)}),"
                                   f"{last_col + 1})")
        else:
            # A filled copy (the KENT_ results are values): a fixed area of the title, the headers and
            # the filled rows, which Excel and LibreOffice both honour.
            ws.print_area(0, 0, HEADER_ROW - 1 + max(1, filled), last_col)
    if header_rows:
        ws.repeat_rows(*[int(x) - 1 for x in header_rows.split(":")])
    ws.set_header(f"&L&\"Arial,Bold\"{title}&R&D")
    ws.set_footer("&L&F - &A&RPage &P of &N")


def filled_rows(ws) -> int | None:
    """The data rows of a sheet being written, up to the last one holding anything (a value, text, a
    formula), or None when a KENT_ function is among its formulas (the template, which needs the
    add-in and grows as the user types). Reads XlsxWriter's table of the cells written so far.

    >>> import io
    >>> wb = xlsxwriter.Workbook(io.BytesIO()); ws = wb.add_worksheet()
    >>> _ = ws.write_number(FIRST_ROW + 2, 1, 5.0), ws.write_blank(FIRST_ROW + 40, 1, None, wb.add_format())
    >>> filled_rows(ws)  # Excel rows 5 to 8
    4
    >>> _ = ws.write_dynamic_array_formula(FIRST_ROW - 1, 3, FIRST_ROW + 10, 3, "=KENT_NOTICE(A5:A16,B5:B16,C5:C16)")
    >>> filled_rows(ws) is None
    True
    """
    last = FIRST_ROW - 2  # no data row yet
    for row, cells in ws.table.items():
        for cell in cells.values():
            kind = type(cell).__name__
            if kind in ("Formula", "ArrayFormula") and "KENT_" in cell.formula:
                return None
            if row > last and row >= FIRST_ROW - 1 and kind != "Blank" and not (
                    kind in ("Formula", "ArrayFormula") and cell.value in ("", None)):
                last = row
    return last - (FIRST_ROW - 2)


def grade_choices() -> list[str]:
    """The grades offered by the grade drop-downs: the named grades, then KR3 to KR20.

    The named grades and the lowest KR number come from the leave grade table
    (``leave.toml``); KR20 as the last offered is the template's choice: grades above it
    can still be typed (the drop-down only warns)."""
    from xl_kent import params  # noqa: PLC0415
    from xl_kent.leave import named_grades  # noqa: PLC0415  (the leave rules' own grade names)

    lowest_kr = min(b["from_kr"] for e in params.parameter("leave", "grade_bands").entries for b in e.value)
    named = {"KRENTRY": "KR Entry", "APPRENTICE": "Apprentice"}
    names = sorted(named_grades(), key=lambda n: n != "KRENTRY")
    return [named.get(n, n.title()) for n in names] + [f"KR{k}" for k in range(lowest_kr, HIGHEST_LISTED_KR + 1)]


def yes_no_validation(message: str = "Choose Yes or No.") -> dict:
    return {"validate": "list", "source": ["Yes", "No"], "error_message": message}


def date_validation(message: str) -> dict:
    return {"validate": "date", "criteria": "between", "minimum": dt.date(1900, 3, 1),
            "maximum": dt.date(2099, 12, 31), "error_message": message}


def number_validation(minimum: float, maximum: float, message: str, whole: bool = False) -> dict:
    return {"validate": "integer" if whole else "decimal", "criteria": "between", "minimum": minimum,
            "maximum": maximum, "error_message": message}


def grade_validation() -> dict:
    return {"validate": "list", "source": grade_choices(), "error_type": "warning",
            "error_message": "Not a Kent Scheme grade from the list. KR21 and above can be kept; "
                             "anything else gives #N/A."}


# ---------------------------------------------------------------- How to use and xlwings.conf
@dataclass
class HowTo:
    """What the How to use sheet says."""

    title: str
    purpose: str
    sheets: list[tuple[str, str]]
    steps: list[str]
    functions: list[str]
    notes: list[tuple[str, str]] = field(default_factory=list)


def _function_lines(names: Iterable[str]) -> list[tuple[str, str]]:
    import udfs  # noqa: PLC0415
    from udfs.functions import ARG_HELP  # noqa: PLC0415

    lines = []
    for name in names:
        f = getattr(udfs, name)
        summary = inspect.getdoc(f).split("\n\n")[0].replace("\n", " ")
        sig = ", ".join(p.name if p.default is inspect.Parameter.empty else f"[{p.name}]"
                        for p in inspect.signature(f).parameters.values())
        args = "\n".join(f"  {a}: {h}" for a, h in ARG_HELP[name].items())
        lines.append((f"{name}({sig})", f"{summary}\n{args}"))
    return lines


def add_how_to_sheet(wb, styles: Styles, how: HowTo) -> None:
    """The first sheet: what each sheet is for, set-up, the functions and their error values."""
    ws = wb.add_worksheet("How to use")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 110)
    ws.hide_gridlines(2)
    write_title(ws, styles, how.title, how.purpose)
    r = 3

    def section(name: str) -> None:
        nonlocal r
        r += 1
        write_text(ws, r, 0, name, styles.subtitle)
        r += 1

    def pair(a: str, b: str) -> None:
        nonlocal r
        write_text(ws, r, 0, a, styles.bold)
        write_text(ws, r, 1, b, styles.text)
        lines = sum(1 + len(part) // 120 for part in b.split("\n"))
        ws.set_row(r, max(15, 13 * lines))
        r += 1

    section("The sheets")
    for name, purpose in how.sheets:
        pair(name, purpose)
    section("Step by step")
    for k, step in enumerate(how.steps, 1):
        pair(f"Step {k}", step)
    section("Colours and protection")
    pair("Yellow cells", "Inputs: type or paste here (Paste Values keeps the checks; pasting formats "
                         "over them can remove the drop-downs).")
    pair("Grey cells", "Calculated: one formula per column covers all 5,000 rows. They are locked; "
                       "the sheets are protected without a password (Review > Unprotect Sheet).")
    section("Set-up: the KENT_ functions")
    pair("Excel 365 with xlwings Lite", "Install the xlwings Lite add-in (Home > Add-ins). IT runs `xl-kent lite "
                                         "--wheel-url URL`: paste its requirements.txt and main.py into the xlwings "
                                         "Lite tabs of the same names (docs/excel-setup.md). Results spill down each "
                                         "grey column; errors are real Excel errors.")
    pair("Windows Excel, xl-kent add-in",
         "IT installs Python 3.11 or later, xl-kent and an xl-kent add-in (.xlam) for each Windows user "
         "(docs/excel-setup.md, A2): this workbook then stays a plain .xlsx and needs no macros of its own.")
    pair("Windows Excel, classic xlwings add-in",
         "IT installs Python 3.11 or later, xl-kent and the xlwings add-in for each Windows user "
         f"(`pip install .`, `xlwings addin install`). The hidden sheet `xlwings.conf` names the UDF module "
         f"({UDF_MODULE}). Save this workbook as macro-enabled (.xlsm), tick Tools > References > xlwings in "
         "the VBA editor (Alt+F11), then xlwings tab > Import Functions. A downloaded or e-mailed .xlsm has "
         "its macros blocked: file Properties > Unblock, or keep it in a Trusted Location. Errors arrive as "
         "text there.")
    pair("Excel 2019 and older", "The grey columns are classic array formulas over the 5,000 rows: "
                                 "they calculate the same; edit one by selecting the whole column range "
                                 "and pressing Ctrl+Shift+Enter.")
    pair("LibreOffice Calc 25.2", "Install the xl-kent extension (`unopkg add xl-kent.oxt`, "
                                  "docs/libreoffice.md). Press Ctrl+Shift+F9 after opening to recalculate; "
                                  "TRUE/FALSE show as TRUE/FALSE through the cell format.")
    pair("No Python at all", "Ask for a filled copy: `xl-kent fill ...` writes this workbook with the "
                             "results as values (same numbers, no add-in needed).")
    section("The functions")
    for head, text in _function_lines(how.functions):
        pair(head, text)
    section("Error values")
    for code, meaning in ERROR_MEANINGS:
        pair(code, meaning)
    if how.notes:
        section("Decisions and notes")
        for a, b in how.notes:
            pair(a, b)
    setup_print(ws, 1, r, landscape=False, title=how.title)
    protect(ws)
    ws.activate()


#: Rows of the xlwings.conf sheet left unlocked below the key in A1, for IT to add settings.
CONF_SPARE_ROWS = 8


def add_xlwings_conf_sheet(wb, styles: Styles) -> None:
    """The ``xlwings.conf`` sheet as the classic add-in reads it: the keys run from A1 down to the
    first blank cell of column A, each with its value in column B (``GetConfigFromSheet`` in
    xlwings.bas: ``A1`` to ``A1.End(xlDown)``, a key's value ``Offset(0, 1)``). So column A holds
    keys only, with no gap; the notes are in column D, out of the way. The value cells and the
    spare rows below the key are unlocked (the sheet is protected like the others).

    The sheet is **hidden**: Excel and LibreOffice print (and export to PDF) only visible sheets,
    so printing the whole workbook leaves it out, and the add-in reads a hidden sheet as any
    other. To edit it: right-click a sheet tab > Unhide > xlwings.conf.

    Only ``UDF Modules`` is set: a key with a blank value would override the user's ribbon
    setting with nothing, so the optional keys are described in the notes, not pre-filled.
    """
    ws = wb.add_worksheet("xlwings.conf")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 2, 3)
    ws.set_column(3, 3, 90)
    write_text(ws, 0, 0, "UDF Modules", styles.input("text"))
    write_text(ws, 0, 1, UDF_MODULE, styles.input("text"))
    for r in range(1, 1 + CONF_SPARE_ROWS):
        ws.write_blank(r, 0, None, styles.input("text"))
        ws.write_blank(r, 1, None, styles.input("text"))
    notes = (
        "Read by the classic xlwings add-in (Windows): each setting's name in column A, its value in "
        "column B, from row 1 down with no blank row (a blank row ends the list).",
        "Settings here override the xlwings ribbon for this workbook. Add a row only if IT asks you to:",
        "Interpreter_Win: the full path of pythonw.exe, e.g. %USERPROFILE%\\kent-env\\Scripts\\pythonw.exe",
        "Conda Path and Conda Env: instead of Interpreter_Win, for Anaconda or Miniconda.",
        "PYTHONPATH: only when xl-kent is run from a folder without being installed.",
        "Leave UDF Modules as udfs. This sheet is hidden so that it is not printed "
        "(right-click a sheet tab > Unhide).",
    )
    for r, text in enumerate(notes):
        write_text(ws, r, 3, text, styles.note)
    protect(ws)
    ws.hide()


def rel(path: os.PathLike | str) -> str:
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def ref(row: int, col: int, absolute: bool = True) -> str:
    """An A1 reference from 0-based row and column."""
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)

