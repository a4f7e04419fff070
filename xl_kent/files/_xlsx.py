"""A small streaming xlsx writer: the workbook is a zip of XML parts built in bulk.

Private to :mod:`xl_kent.files.writing`, which chose it over XlsxWriter, pyexcelerate and
the Rust-backed writers by measurement (see ``docs/files.md`` and ``benchmarks/writers.py``).
It writes exactly what the bulk recalculation needs and nothing more: numbers, booleans,
dates (as serial numbers with a date format), inline strings (never formulas), one style
per column format, a bold frozen header row, column widths and an autofilter.

Cells are built a column at a time (one list of XML snippets per column, blank cells as
empty strings), then joined a block of rows at a time and streamed into the zip member,
so memory stays bounded by one block whatever the number of rows.

Values Excel cannot hold never fail a write (:mod:`xl_kent.files.limits`, the same rules
as :func:`~xl_kent.files.limits.excel_safe`, applied here again for callers that did not
use it): a number beyond +-9.99999999999999E+307 or infinite is the error ``#NUM!``, NaN a
blank, and text is cut to 32,767 UTF-16 units. A worksheet part is a Zip64 member only
when it could pass zipfile's 2 GiB limit (:func:`part_size_bound`); one that turned out
smaller after all gets its local header rewritten without the Zip64 field
(:func:`_drop_zip64_extra`), so that every local header agrees with the central directory.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import struct
import zipfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape

import numpy as np

from .. import _arrays
from . import _deflate
from ._ordered import OrderedWrites
from .limits import EXCEL_MAX_NUMBER, EXCEL_MAX_TEXT_UNITS, cut_text

# Rows joined and compressed at a time (memory per block ~ rows x columns x 40 bytes).
BLOCK_ROWS = 5_000
# Pieces of a sheet built at once (with Arrow's kernels, which let go of the interpreter lock).
XML_THREADS = 2
# deflate level: zlib's 1 is ~3x faster than its default 6 for ~15% larger files (the sheet
# parts go through ISA-L where it is installed: its 1 is ~4x faster again, see _deflate).
ZIP_LEVEL = 1
# Excel's limits (a fact of the file format, not a choice).
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
EXCEL_MAX_TEXT_CHARS = EXCEL_MAX_TEXT_UNITS  # UTF-16 units, as Excel counts (limits.py)
# A text of at most this many characters fits whatever it holds (a character is 1 or 2 units).
_SURELY_SHORT = EXCEL_MAX_TEXT_CHARS // 2

# Number formats: name -> (custom format code or None for General, built-in id or None).
FORMATS: dict[str, str | None] = {
    "general": None,
    "text": "@",
    "integer": "0",
    "number": "0.00",
    "days": "0.0#",
    "hours": "0.00",
    "gbp": '"\u00a3"#,##0.00;[Red]\\-"\u00a3"#,##0.00',  # Excel's own UK format (SheetJS refuses a bare £)
    "date": "dd/mm/yyyy",
    "percent": "0.00%",
}
# Excel's built-in number format ids for the codes above (custom ones get 164+).
_BUILTIN_IDS = {"@": 49, "0": 1, "0.00": 2, "0.00%": 10}
_FORMAT_NAMES = list(FORMATS)
# Style (cellXfs) index of each format, the bold header and the quote-prefixed text.
_STYLE = {name: i for i, name in enumerate(_FORMAT_NAMES)}
STYLE_HEADER = len(_FORMAT_NAMES)
STYLE_QUOTED = STYLE_HEADER + 1

_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_FIRST_REAL_LEAP_SAFE = np.datetime64("1900-03-01", "D")  # before it, Excel's 1900 leap-day bug
_EPOCH_DATE = dt.date(1899, 12, 30)
_EPOCH_ORDINAL = _EPOCH_DATE.toordinal()
_FIRST_SAFE_DATE = dt.date(1900, 3, 1)

# Text that XML cannot carry as is, or that Excel would read as an escape: control
# characters, non-characters, lone surrogates and literal "_xHHHH_".
_NEEDS_ESCAPE = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_x[0-9A-Fa-f]{4}_")
_CONTROL = re.compile(r"[\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_(?=x[0-9A-Fa-f]{4}_)")
# Starts Excel would take as a formula (see writing.FORMULA_STARTS).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# XML's white space (the S production): a text beginning or ending with one is written xml:space="preserve"
_XML_SPACE = " \t\n\r"
_GUARDED_IN_JOINED = re.compile(r"(?:\A|\n)[=+\-@\t\r]")


def column_letter(index: int) -> str:
    """Excel's column letters for a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(16383)
    ('A', 'Z', 'AA', 'XFD')
    """
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def xml_text(text: str) -> str:
    """Escape text for an XML element, with Excel's ``_xHHHH_`` for characters XML cannot hold.

    >>> xml_text("a<b & c")
    'a&lt;b &amp; c'
    >>> xml_text("bell\\x07 and _x0041_")
    'bell_x0007_ and _x005F_x0041_'
    """
    if not _NEEDS_ESCAPE.search(text):
        return text
    text = _xml_escape(text)
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def excel_serial(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel 1900-system serial numbers of ``datetime64[D]`` dates, and which are writable.

    Dates before 1 March 1900 step back one for Excel's phantom 29 February 1900;
    dates before 1900 (and NaT) cannot be serial numbers.

    >>> s, ok = excel_serial(np.array(["2024-03-01", "1900-01-01", "1899-12-31", "NaT"], "datetime64[D]"))
    >>> s[:2].tolist(), ok.tolist()
    ([45352, 1], [True, True, False, False])
    """
    serial = (days - _EXCEL_EPOCH).astype(np.int64)
    serial = np.where(days < _FIRST_REAL_LEAP_SAFE, serial - 1, serial)
    ok = ~np.isnat(days) & (serial >= 1)
    return serial, ok


def _serial_of(value: dt.date) -> int | float | None:
    if isinstance(value, dt.datetime):
        value_date = value.date()
        fraction = (value - dt.datetime.combine(value_date, dt.time(), value.tzinfo)).total_seconds() / 86_400
    else:
        value_date, fraction = value, 0.0
    serial = (value_date - _EPOCH_DATE).days
    if serial < 61:  # before 1 March 1900: Excel's phantom leap day  # calendar fact, not a policy number
        serial -= 1
    if serial < 1:
        return None
    return serial + fraction if fraction else serial


def _as_date(v: dt.date) -> dt.date:
    return v.date() if isinstance(v, dt.datetime) else v


class _Cells:
    """Builds the XML of one column's cells; ``r_prefix`` is ``'<c r="B'``."""

    def __init__(self, letter: str, style: int, quoted_style: int = STYLE_QUOTED):
        s = f' s="{style}"' if style else ""
        self.letter = letter
        self.open = f'<c r="{letter}'
        self.num = f'"{s}><v>'
        self.date = f'" s="{_STYLE["date"]}"><v>'  # dates from the input always show as dates
        self.bool = f'"{s} t="b"><v>'
        self.err = f'"{s} t="e"><v>'
        # text that begins or ends with white space keeps it with xml:space="preserve" (as
        # Excel, openpyxl and XlsxWriter write it); other text is written without it
        self.text = f'"{s} t="inlineStr"><is><t>'
        self.quoted = f'" s="{quoted_style}" t="inlineStr"><is><t>'
        self.text_kept = f'"{s} t="inlineStr"><is><t xml:space="preserve">'
        self.quoted_kept = f'" s="{quoted_style}" t="inlineStr"><is><t xml:space="preserve">'

    # -- one cell of any type (object columns) --
    def one(self, rn: str, v) -> str:
        if v is None:
            return ""
        if isinstance(v, str):
            return self.string(rn, v)
        if isinstance(v, (bool, np.bool_)):
            return f"{self.open}{rn}{self.bool}{int(v)}</v></c>"
        if isinstance(v, (int, np.integer)):
            if abs(int(v)) > EXCEL_MAX_NUMBER:
                return f"{self.open}{rn}{self.err}#NUM!</v></c>"
            return f"{self.open}{rn}{self.num}{int(v)}</v></c>"
        if isinstance(v, (float, np.floating)):
            v = float(v)
            if math.isnan(v):
                return ""
            if not abs(v) <= EXCEL_MAX_NUMBER:  # infinite or beyond Excel's largest
                return f"{self.open}{rn}{self.err}#NUM!</v></c>"
            return f"{self.open}{rn}{self.num}{v!r}</v></c>"
        if isinstance(v, (dt.date, np.datetime64)):
            if isinstance(v, np.datetime64):
                if np.isnat(v):
                    return ""
                v = v.astype("datetime64[us]").item()
                if not isinstance(v, dt.date):  # out of datetime's range
                    return self.string(rn, str(v))
            serial = _serial_of(v)
            if serial is None:
                return self.string(rn, v.isoformat())
            return f"{self.open}{rn}{self.date}{serial!r}</v></c>"
        if isinstance(v, dt.timedelta):
            return f"{self.open}{rn}{self.num}{v.total_seconds() / 86_400!r}</v></c>"
        return self.string(rn, str(v))

    def string(self, rn: str, v: str) -> str:
        if not v:
            return ""
        if len(v) > _SURELY_SHORT:
            v = cut_text(v, EXCEL_MAX_TEXT_CHARS)
        kept = v[0] in _XML_SPACE or v[-1] in _XML_SPACE
        if v.startswith(_FORMULA_STARTS):
            head = self.quoted_kept if kept else self.quoted
        else:
            head = self.text_kept if kept else self.text
        return f"{self.open}{rn}{head}{xml_text(v)}</t></is></c>"

    # -- a whole column at once --
    def column(self, values: np.ndarray, rns: Sequence[str]) -> list[str]:
        kind = values.dtype.kind
        if kind == "f":
            return self._floats(values, rns)
        if kind in "iu":
            o, m = self.open, self.num
            return [f"{o}{r}{m}{v}</v></c>" for r, v in zip(rns, values.tolist(), strict=True)]
        if kind == "b":
            o, m = self.open, self.bool
            return [f"{o}{r}{m}{int(v)}</v></c>" for r, v in zip(rns, values.tolist(), strict=True)]
        if kind == "M":
            serial, ok = excel_serial(values.astype("datetime64[D]"))
            o, m = self.open, self.date
            out = [f"{o}{r}{m}{v}</v></c>" if good else ""
                   for r, v, good in zip(rns, serial.tolist(), ok.tolist(), strict=True)]
            if not ok.all():  # dates before 1900: ISO text
                bad = np.flatnonzero(~ok & ~np.isnat(values))
                for i in bad.tolist():
                    out[i] = self.string(rns[i], str(values[i].astype("datetime64[D]")))
            return out
        if kind in "UST":
            return self._strings(values.astype(str).tolist(), rns)
        items = values.tolist()
        types = set(map(type, items))
        if types <= {str, type(None)}:
            return self._strings(items, rns)
        if types <= {float, int, type(None)}:
            try:
                floats = np.array([np.nan if v is None else v for v in items], dtype=np.float64)
            except OverflowError:  # an int beyond any float: cell by cell (#NUM!)
                pass
            else:
                return self._floats(floats, rns)
        if types <= {bool, type(None)}:
            o, m = self.open, self.bool
            return [f"{o}{r}{m}{int(v)}</v></c>" if v is not None else "" for r, v in zip(rns, items, strict=True)]
        if types <= {dt.datetime, dt.date, type(None)}:
            dates = [v for v in items if v is not None]
            if (dates and _as_date(min(dates, key=_as_date)) >= _FIRST_SAFE_DATE
                    and not any(isinstance(v, dt.datetime) and (v.hour or v.minute or v.second or v.microsecond)
                                for v in dates)):
                o, m = self.open, self.date
                return [f"{o}{r}{m}{v.toordinal() - _EPOCH_ORDINAL}</v></c>" if v is not None else ""
                        for r, v in zip(rns, items, strict=True)]
        one = self.one
        return [one(r, v) for r, v in zip(rns, items, strict=True)]

    @staticmethod
    def plain_strings(items: list) -> bool:
        """Whether these texts (``str`` or ``None``) are written as they are: none needs escaping,
        the formula guard or the length check. One search over the block's text decides (a false
        alarm from a line break inside a cell only costs time)."""
        texts = [v for v in items if v]
        joined = "\n".join(texts)
        return not (_NEEDS_ESCAPE.search(joined) or _GUARDED_IN_JOINED.search(joined)
                    or max(map(len, texts), default=0) > _SURELY_SHORT)

    def _strings(self, items: list, rns: Sequence[str]) -> list[str]:
        if not self.plain_strings(items):
            string = self.string
            return [string(r, v) if v else "" for r, v in zip(rns, items, strict=True)]
        o, m, kept = self.open, self.text, self.text_kept
        return [(f"{o}{r}{kept if v[0] in _XML_SPACE or v[-1] in _XML_SPACE else m}{v}</t></is></c>" if v else "")
                for r, v in zip(rns, items, strict=True)]

    def _floats(self, values: np.ndarray, rns: Sequence[str]) -> list[str]:
        with np.errstate(over="ignore"):
            values = values.astype(np.float64, copy=False)
        o, m = self.open, self.num
        with np.errstate(invalid="ignore"):
            fits = np.abs(values) <= EXCEL_MAX_NUMBER  # False for NaN, infinities and beyond Excel's largest
        if fits.all():
            return [f"{o}{r}{m}{v!r}</v></c>" for r, v in zip(rns, values.tolist(), strict=True)]
        out = [f"{o}{r}{m}{v!r}</v></c>" if ok else ""
               for r, v, ok in zip(rns, values.tolist(), fits.tolist(), strict=True)]
        for i in np.flatnonzero(~fits & ~np.isnan(values)).tolist():
            out[i] = f"{o}{rns[i]}{self.err}#NUM!</v></c>"
        return out


def _styles_xml() -> str:
    custom = [(code, 164 + i) for i, code in enumerate(
        c for c in dict.fromkeys(FORMATS.values()) if c is not None and c not in _BUILTIN_IDS)]
    ids = {**_BUILTIN_IDS, **dict(custom)}
    num_fmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{_xml_escape(c, {chr(34): "&quot;"})}"/>'
                       for c, i in custom)
    xfs = []
    for name in _FORMAT_NAMES:
        code = FORMATS[name]
        fid = 0 if code is None else ids[code]
        apply = ' applyNumberFormat="1"' if fid else ""
        xfs.append(f'<xf numFmtId="{fid}" fontId="0" fillId="0" borderId="0" xfId="0"{apply}/>')
    xfs.append('<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>')
    xfs.append('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="{len(custom)}">{num_fmts}</numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>'
    )


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(n_sheets: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{_CT}.worksheet+xml"/>'
                     for i in range(n_sheets))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            f"{sheets}</Types>")


_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
              '</Relationships>')


def _workbook_xml(names: Sequence[str], filters: Sequence[str | None]) -> str:
    sheets = "".join(f'<sheet name="{_xml_escape(n, {chr(34): "&quot;"})}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                     for i, n in enumerate(names))
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">{_sheet_ref(n)}!{ref}</definedName>'
        for i, (n, ref) in enumerate(zip(names, filters, strict=True)) if ref)
    defined = f"<definedNames>{defined}</definedNames>" if defined else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook {_NS} {_NS_R}><bookViews><workbookView/></bookViews>'
            f"<sheets>{sheets}</sheets>{defined}</workbook>")


def _sheet_ref(name: str) -> str:
    quoted = name.replace("'", "''")
    return _xml_escape(f"'{quoted}'")


def _workbook_rels(n_sheets: int) -> str:
    rels = "".join(f'<Relationship Id="rId{i + 1}" Type="{_REL}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                   for i in range(n_sheets))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{n_sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>")


# ---------------------------------------------------------------- the zip member of a sheet
# zipfile's limit: a member from this size needs Zip64 (force_zip64 when it is opened).
ZIP64_FROM_BYTES = zipfile.ZIP64_LIMIT
_ROW_MARKUP_BYTES = 32  # '<row r="1048576">' ... '</row>'
_SHEET_MARKUP_BYTES = 8_192  # the part's head and tail, but for the <col> elements
_COL_ELEMENT_BYTES = 80
_CHAR_BYTES = 7  # UTF-8 bytes of one character at most, escaped ('_x0001_' for a control character)
_NUMBER_BYTES = 24  # the longest repr of a float64 ('-2.2250738585072014e-308')
_OTHER_BYTES = 48  # an int64, a bool, a date's serial number or ISO text, an error value
_MAX_TEXT_BYTES = _CHAR_BYTES * EXCEL_MAX_TEXT_CHARS  # a text cell once cut to Excel's limit
_BIG_INT_BYTES = 320  # a Python int up to 9.99999999999999E+307 written in full
# Android zipalign's padding id: an extra field readers skip (it stands in for a Zip64 field
# that turned out not to be needed, so that the data need not move).
_PADDING_EXTRA_ID = 0xD935
# Cells written in at most _OTHER_BYTES whatever their value.
_FIXED_WIDTH_TYPES = (float, bool, np.integer, np.floating, np.bool_, dt.date, dt.time, dt.timedelta, np.datetime64,
                      np.timedelta64, type(None))


def _markup_bytes(index: int, n_rows: int) -> tuple[int, int]:
    """Bytes of a cell's markup at most in column ``index`` (0-based) of a sheet of ``n_rows``
    rows: a value cell (``<c r="B9" s="NN"><v>`` ... ``</v></c>``) and a text cell."""
    b = _Cells(column_letter(index), 99)  # a two-digit style: the longest attribute
    ref = len(b.open) + len(str(n_rows + 1))
    value = ref + max(len(b.num), len(b.err), len(b.bool), len(b.date)) + len("</v></c>")
    text = ref + max(len(b.text_kept), len(b.quoted_kept)) + len("</t></is></c>")
    return value, text


def _column_bound(col: np.ndarray, index: int, exact: bool) -> int:
    """Bytes the cells of one column can take at most; an object column is scanned only if ``exact``."""
    n = len(col)
    value, text = _markup_bytes(index, n)
    kind = col.dtype.kind
    if kind == "f":
        return n * (value + _NUMBER_BYTES)
    if kind in "US":
        chars = col.dtype.itemsize // (4 if kind == "U" else 1)
        return n * (text + _CHAR_BYTES * min(chars, EXCEL_MAX_TEXT_CHARS))
    if kind != "O":  # ints, bools, dates (a date before 1900 is its ISO text)
        return n * (max(value, text) + _OTHER_BYTES)
    if not exact:
        return n * (text + max(_MAX_TEXT_BYTES, _BIG_INT_BYTES))
    items = col.tolist()
    types = set(map(type, items))  # (how many of a type: counted only for the few that need it)
    total = n * (max(value, text) + _OTHER_BYTES)
    text_types = [t for t in types if issubclass(t, str)]
    only_text = len(text_types) == 1 and types <= {text_types[0], type(None)}
    for t in types:
        if issubclass(t, str):
            texts = filter(None, items) if only_text else (v for v in items if v.__class__ is t)
            total += _CHAR_BYTES * sum(map(len, texts))
        elif issubclass(t, int) and not issubclass(t, bool):
            ints = [v for v in items if v.__class__ is t]
            if max(ints) >= 1 << 63 or min(ints) < -(1 << 63):
                total += len(ints) * _BIG_INT_BYTES
        elif not issubclass(t, _FIXED_WIDTH_TYPES):  # written as str(value)
            total += sum(1 for v in items if v.__class__ is t) * _MAX_TEXT_BYTES
    return total


def _fixed_bytes(headers: Sequence[str], n_rows: int) -> int:
    """Bytes of a worksheet part at most but for its data cells: its head and tail, the header
    row, and each row's markup."""
    return (_SHEET_MARKUP_BYTES + len(headers) * _COL_ELEMENT_BYTES + n_rows * _ROW_MARKUP_BYTES
            + sum(_markup_bytes(j, 1)[1] + _CHAR_BYTES * min(len(h), EXCEL_MAX_TEXT_CHARS)
                  for j, h in enumerate(headers)))


def part_size_bound(headers: Sequence[str], columns: Sequence[np.ndarray]) -> int:
    """An upper bound of the bytes of a worksheet part's XML, from its data.

    Every cell is counted at the most its kind can take once written (its markup, and a
    float 24 characters, a text 7 bytes a character: an escaped control character; a text
    column of fixed width by its width); object columns are scanned (their texts' lengths)
    only while counting them at the longest text Excel holds passes :data:`ZIP64_FROM_BYTES`.

    >>> 30_000 < part_size_bound(["x"], [np.zeros(1_000)]) < 120_000  # the part: 45,587 bytes
    True
    """
    n_rows = len(columns[0]) if columns else 0
    fixed = _fixed_bytes(headers, n_rows)
    bounds = [_column_bound(c, j, exact=False) for j, c in enumerate(columns)]
    # scan the object columns, the largest bound first, until the total is under the limit
    for j in sorted((j for j, c in enumerate(columns) if c.dtype.kind == "O"), key=lambda j: -bounds[j]):
        if not _needs_zip64(fixed + sum(bounds)):
            break
        bounds[j] = _column_bound(columns[j], j, exact=True)
    return fixed + sum(bounds)


def _cell_bound(kind: str, index: int, n_rows: int) -> int:
    """Bytes one cell of a column of this dtype kind takes at most, whatever its value (text and
    objects: the longest text Excel holds, all of it escaped), as :func:`_column_bound` counts."""
    value, text = _markup_bytes(index, n_rows)
    if kind == "f":
        return value + _NUMBER_BYTES
    if kind in "iubM":
        return max(value, text) + _OTHER_BYTES
    return text + max(_MAX_TEXT_BYTES, _BIG_INT_BYTES)


def blocks_size_bound(headers: Sequence[str], n_rows: int, kinds: Sequence[str]) -> int:
    """:func:`part_size_bound` of a sheet of ``n_rows`` rows of which only the first block is made:
    each column's cells counted at the most a cell of its kind (``kinds``: the first block's dtype
    kinds) can take. An upper bound as long as the later blocks keep those kinds
    (:func:`_check_kinds`); never below :func:`part_size_bound` of the whole columns (which can
    also scan the texts' lengths), so the whole columns' Zip64 decision is never missed.

    >>> blocks_size_bound(["x"], 1_000, ["f"]) == part_size_bound(["x"], [np.zeros(1_000)])
    True
    """
    fixed = _fixed_bytes(headers, n_rows)
    return fixed + sum(n_rows * _cell_bound(k, j, n_rows) for j, k in enumerate(kinds))


def _check_kinds(headers: Sequence[str], first: Sequence[np.dtype], cols: Sequence[np.ndarray],
                 start: int, stop: int, n_rows: int) -> None:
    """Refuse a block whose column can take more bytes a cell than the first block's kind of it
    (``first``: its dtypes; the size of the sheet's zip member was decided from them)."""
    for j, (a, b) in enumerate(zip(first, cols, strict=True)):
        if a.kind != b.dtype.kind and _cell_bound(b.dtype.kind, j, n_rows) > _cell_bound(a.kind, j, n_rows):
            raise SheetError(f"column {headers[j]!r}: {b.dtype} values in the block of rows {start:,} to {stop:,} "
                             f"but {a} in the first block; a column keeps its kind of values from block to block")


def _needs_zip64(bound: int) -> bool:
    # deflate can add a little to data that does not compress: 5 bytes per 16 KiB block, and more
    return bound + bound // 1_000 + 1_024 > ZIP64_FROM_BYTES


def _drop_zip64_extra(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Rewrite the local header of a member written with ``force_zip64`` whose sizes turned out
    to fit 32 bits: the central directory then has no Zip64 field for it, and a local header
    that has one is what SheetJS (and, reportedly, Excel) refuse. The 20 bytes of the Zip64
    field become a padding field of the same length, so the data does not move."""
    if (info.flag_bits & 0x08 or info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
            or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)):
        return
    saved = info.extra, info.extract_version, info.create_version
    written = len(info.FileHeader(zip64=True))  # what zipfile wrote when the member closed
    info.extra = saved[0] + struct.pack("<2H", _PADDING_EXTRA_ID, 16) + bytes(16)
    info.extract_version = info.create_version = zipfile.DEFAULT_VERSION
    header = info.FileHeader(zip64=False)
    info.extra = saved[0]
    if len(header) != written:  # not the layout expected: leave the member as zipfile wrote it
        info.extract_version, info.create_version = saved[1:]
        return
    fp = zf.fp  # the output file (write-only): seek back to the header, then to the end again
    end = fp.tell()
    fp.seek(info.header_offset)
    fp.write(header)
    fp.seek(end)


class SheetError(ValueError):
    """A malformed sheet or block (a programming error, not the data's fault)."""


@dataclass
class Blocks:
    """A sheet's rows made a block at a time (from :class:`xl_kent.files.writing.RowBlocks`):
    ``ready``, the blocks made already (at least the first), and ``rest``, an iterator that makes
    the next one (in the thread that iterates it) each time it is asked; each block is
    ``(start, stop, columns)``, consecutive, the columns ``stop - start`` long."""

    n_rows: int
    ready: deque
    rest: Iterator[tuple[int, int, list[np.ndarray]]]

    def __iter__(self) -> Iterator[tuple[int, int, list[np.ndarray]]]:
        while self.ready:  # (each dropped as it is handed over: only the blocks in use are held)
            yield self.ready.popleft()
        yield from self.rest


def check_fits(n_rows: int, n_cols: int) -> None:
    """Raise ValueError for a sheet bigger than Excel's grid (a header row and ``n_rows`` rows)."""
    if n_rows + 1 > EXCEL_MAX_ROWS or n_cols > EXCEL_MAX_COLS:
        raise ValueError(f"{n_rows + 1:,} rows x {n_cols:,} columns do not fit Excel's "
                         f"{EXCEL_MAX_ROWS:,} x {EXCEL_MAX_COLS:,}")


def _rows_xml(arrow, builders: Sequence, columns: Sequence[np.ndarray], start: int, stop: int, row0: int) -> bytes:
    """The XML of rows ``start`` to ``stop`` of ``columns``, the first of them being data row ``row0 + start``."""
    rns = [str(r) for r in range(row0 + start + 2, row0 + stop + 2)]
    data = arrow.block_xml(builders, columns, start, stop, rns) if arrow is not None else None
    if data is None:
        cells = [b.column(col[start:stop], rns) for b, col in zip(builders, columns, strict=True)]
        opens = [f'<row r="{r}">' for r in rns]
        closes = ["</row>"] * len(rns)
        data = "".join([x for row in zip(opens, *cells, closes, strict=True) for x in row]).encode()
    return data


def write_sheet_part(zf: zipfile.ZipFile, index: int, headers: Sequence[str],
                     columns: Sequence[np.ndarray] | Blocks, styles: Sequence[int], widths: Sequence[float], *,
                     autofilter: bool, first: bool, progress: Callable[[int], None] | None,
                     rows_before: int) -> str | None:
    """Stream one worksheet into ``zf``; return its autofilter range (or None).

    ``columns`` are whole columns, or :class:`Blocks`: then each block is made in this thread
    while a helper thread builds the XML of the one before (and another compresses it), and
    the bytes are those of the same rows given whole (the XML is cut into the same
    :data:`BLOCK_ROWS` pieces before compression), but for the Zip64 decision
    (:func:`blocks_size_bound`).
    """
    blocks = columns if isinstance(columns, Blocks) else None
    n_rows = blocks.n_rows if blocks is not None else len(columns[0]) if columns else 0
    n_cols = len(headers)
    check_fits(n_rows, n_cols)
    letters = [column_letter(i) for i in range(max(n_cols, 1))]
    last = f"{letters[n_cols - 1]}{n_rows + 1}" if n_cols else "A1"
    ref = f"A1:{last}"
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w:.2f}" customWidth="1"/>'
                   for i, w in enumerate(widths))
    pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
    selected = ' tabSelected="1"' if first else ""
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet {_NS} {_NS_R}><dimension ref="{ref}"/>'
            f'<sheetViews><sheetView workbookViewId="0"{selected}>{pane}'
            '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')
    header_row = "".join(
        _Cells(letters[i], STYLE_HEADER, quoted_style=STYLE_HEADER).string("1", h) for i, h in enumerate(headers))
    builders = [_Cells(letters[i], styles[i]) for i in range(n_cols)]
    if blocks is not None:
        first_dtypes = [c.dtype for c in blocks.ready[0][2]]
        zip64 = _needs_zip64(blocks_size_bound(headers, n_rows, [d.kind for d in first_dtypes]))
    else:
        zip64 = _needs_zip64(part_size_bound(headers, columns))
    name = f"xl/worksheets/sheet{index + 1}.xml"
    # the shortcut: each block's cells built with Arrow's kernels (the same bytes, see _arrow_xlsx)
    arrow = _arrow_builder() if _arrays.fast() else None
    if arrow is not None and n_cols > arrow.MAX_COLUMNS:
        arrow = None
    # deflate releases the GIL: compress block k in a helper thread while block k+1 is built.
    with zf.open(name, "w", force_zip64=zip64) as out, \
            ThreadPoolExecutor(max_workers=1) as pool:
        _deflate.speed_up(out, ZIP_LEVEL)
        out.write(head.encode())
        out.write(f'<row r="1">{header_row}</row>'.encode())
        if blocks is not None:
            _write_blocks(out, pool, blocks, headers, first_dtypes, builders, arrow, progress, rows_before)
        else:
            pending = None
            for start in range(0, n_rows, BLOCK_ROWS):
                stop = min(start + BLOCK_ROWS, n_rows)
                data = _rows_xml(arrow, builders, columns, start, stop, 0)
                if pending is not None:
                    pending.result()
                pending = pool.submit(out.write, data)
                if progress is not None:
                    progress(rows_before + stop)
            if pending is not None:
                pending.result()
        tail = "</sheetData>"
        if autofilter and n_cols:
            tail += f'<autoFilter ref="{ref}"/>'
        tail += ('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                 "</worksheet>")
        out.write(tail.encode())
    if zip64:
        _drop_zip64_extra(zf, zf.getinfo(name))
    return f"$A$1:${letters[n_cols - 1]}${n_rows + 1}" if autofilter and n_cols else None


def _write_blocks(out, compressor: ThreadPoolExecutor, blocks: Blocks, headers: Sequence[str],
                  first_dtypes: Sequence[np.dtype], builders: Sequence, arrow,
                  progress: Callable[[int], None] | None, rows_before: int) -> None:
    """The rows of a :class:`Blocks` sheet: each block made here (the calling thread) while a
    builder thread cuts the block before into pieces, :data:`XML_THREADS` threads turn the
    pieces into XML (one thread without Arrow) and ``compressor`` writes and compresses them,
    in order. At most one block is cut while the next is made, and at most
    :data:`XML_THREADS` pieces are in hand at once.

    The XML is built a :data:`BLOCK_ROWS` piece at a time, cut at the same rows as whole
    columns are, a piece over two blocks from their rows joined: the cells of a piece are
    written from the piece's values together (an object column of numbers only is written as
    floats: ``7`` as ``7.0``), and the compressed bytes depend on how the text is fed to deflate.
    """
    n_rows = blocks.n_rows
    held: list[list[np.ndarray]] = []  # the rows since the last cut, one list of columns a block (builder thread)
    state = {"cut": min(BLOCK_ROWS, n_rows), "from": 0}
    # Arrow's kernels let go of the interpreter lock: two pieces are built at once, and
    # written in order (the compressor takes them one after another, as they were cut).
    xml_threads = XML_THREADS if arrow is not None else 1

    def emit(cols: Sequence[np.ndarray], start: int, stop: int, row0: int) -> None:
        pieces.add(functools.partial(_rows_xml, arrow, builders, cols, start, stop, row0), out.write)
        pieces.settle(xml_threads)

    def build(start: int, stop: int, cols: list[np.ndarray]) -> None:
        at = start
        while at < stop:
            upto = min(stop, state["cut"])
            if upto < state["cut"]:  # the piece goes on in the next block: keep these rows (a copy: few)
                held.append([c[at - start:upto - start].copy() for c in cols])
                return
            if held:
                piece = [np.concatenate([*(h[j] for h in held), c[at - start:upto - start]])
                         for j, c in enumerate(cols)]
                held.clear()
                emit(piece, 0, upto - state["from"], state["from"])
                del piece
            else:
                emit(cols, at - start, upto - start, start)
            state["from"], state["cut"] = upto, min(upto + BLOCK_ROWS, n_rows)
            at = upto

    with ThreadPoolExecutor(max_workers=1) as builder, ThreadPoolExecutor(max_workers=xml_threads) as xml_pool:
        pieces = OrderedWrites(xml_pool, compressor)
        pending = None
        try:
            for start, stop, cols in blocks:  # made here, in order
                if start:
                    _check_kinds(headers, first_dtypes, cols, start, stop, n_rows)
                if pending is not None:
                    pending.result()
                    if progress is not None:
                        progress(rows_before + start)
                pending = builder.submit(build, start, stop, cols)
                del cols
            if pending is not None:
                pending.result()
            pieces.settle(0)
        except BaseException:  # an error or Ctrl-C: the block and the pieces queued are dropped, not built
            if pending is not None:
                pending.cancel()
            pieces.cancel()
            raise
    if progress is not None and n_rows:
        progress(rows_before + n_rows)


def _arrow_builder():
    """The Arrow block builder (:mod:`._arrow_xlsx`), or None without pyarrow (xlwings Lite) or
    with a pyarrow whose float text is not as it expects (:func:`._arrow_xlsx.agrees`)."""
    try:
        from . import _arrow_xlsx
    except ImportError:
        return None
    return _arrow_xlsx if _arrow_xlsx.agrees() else None


def write_workbook(fileobj, names: Sequence[str], sheets: Sequence[tuple], *,
                   progress: Callable[[int], None] | None = None) -> None:
    """Write a workbook to an open binary file.

    ``sheets`` holds ``(headers, columns, styles, widths, autofilter)`` per sheet, where
    ``styles`` are style indices from :data:`_STYLE` (see :func:`style_of`) and ``columns``
    whole columns or :class:`Blocks`; or, in place of a tuple, a function that returns it,
    called once every sheet before it is written.
    """
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as zf:
        zf.writestr("[Content_Types].xml", _content_types(len(sheets)))
        zf.writestr("_rels/.rels", _ROOT_RELS)
        filters = []
        rows_done = 0
        for i, spec in enumerate(sheets):
            headers, columns, styles, widths, autofilter = spec() if callable(spec) else spec
            filters.append(write_sheet_part(zf, i, headers, columns, styles, widths, autofilter=autofilter,
                                            first=i == 0, progress=progress, rows_before=rows_done))
            rows_done += columns.n_rows if isinstance(columns, Blocks) else len(columns[0]) if columns else 0
            del spec, columns
        zf.writestr("xl/workbook.xml", _workbook_xml(names, filters))
        zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        zf.writestr("xl/styles.xml", _styles_xml())


def style_of(format_name: str | None) -> int:
    """Style index of a column format name (``None`` = general).

    >>> style_of(None), style_of("gbp") == _STYLE["gbp"]
    (0, True)
    """
    if format_name is None:
        return 0
    try:
        return _STYLE[format_name]
    except KeyError:
        raise ValueError(f"unknown column format {format_name!r}; use one of {', '.join(_FORMAT_NAMES)}") from None
