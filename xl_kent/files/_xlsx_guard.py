"""Checks an xlsx file must pass before a sheet of it is loaded (private to ``reading``).

A workbook is a zip of XML parts, and both layers can be made hostile: a zip member that
inflates to gigabytes (a zip bomb, possibly with a forged size in the zip directory), an
XML part with a DTD (entity expansion, external entities), a sheet whose cells sit so far
apart that the dense grid the reader builds would not fit in memory, or a few long shared
strings that many cells repeat. The reader (python-calamine) would allocate all of that
before it could report anything, and a failed allocation there ends the process.

So every part the reader parses is inflated here from its raw deflate stream (counting the
real bytes, whatever the zip directory claims) and **parsed** here first, chunk by chunk,
with expat (no DTD, no entities, no external references; bounded depth, names and token
size): the sheet's cell references in any quoting or spacing, cells without a reference
placed as the reader places them, the rows, the declared dimension, the number of cells and
the characters the cells expand to through the shared strings. Nothing big is allocated
before these checks pass. The limits are module constants, documented in ``docs/files.md``.

A sheet (or shared-string table) written as Excel writes it is accounted in bulk, with
numpy over the positions of ``<`` and ``>`` while expat checks the XML without a call per
element (see "the sheet, in bulk" below), the two side by side on two threads; any other
part is parsed element by element.
"""

from __future__ import annotations

import itertools
import posixpath
import re
import struct
import threading
import time
import zipfile
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple
from xml.parsers import expat

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._arrays import fast
from . import _deflate

# ---- limits (documented in docs/files.md, with the reason for each) ----
# Members in the zip (a workbook has a few dozen).
MAX_ZIP_MEMBERS = 10_000
# Uncompressed bytes of one part: a 1,000,000-row x 15-column sheet is ~150 MB.
MAX_PART_BYTES = 1 << 30
# Uncompressed bytes of all parts together.
MAX_TOTAL_BYTES = 2 << 30
# Compression ratio allowed for parts above RATIO_FLOOR_BYTES (real sheets: ~5-20).
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 16 << 20
# Uncompressed bytes of the parts read whole (workbook, relationships, styles): a few KB in
# real files, a few MB with thousands of styles or names.
MAX_SMALL_PART_BYTES = 64 << 20
# Cells of the grid read (rows x columns from A1 to the farthest cell), and cells in a sheet.
MAX_CELLS = 20_000_000
# Characters the cells of a sheet expand to (their text, numbers as written, and each
# shared-string cell counted at its string's length), and characters of all shared strings.
# A real 1,000,000-row x 20-column staff list is ~100 million; the reader holds each
# character twice (Rust, then Python), so this bounds the text to ~1-2 GB of memory.
MAX_TEXT_CHARS = 400_000_000
# Strings in the shared-string table (each is an object in the reader, however short).
MAX_SHARED_STRINGS = 20_000_000
# Merged ranges in a sheet (each is kept, to tell the rows it covers; Excel sheets have a few).
MAX_MERGED_RANGES = 1_000_000
# Nesting of XML elements (a worksheet nests ~8 deep; each level costs the parser memory).
MAX_XML_DEPTH = 256
# Distinct element and attribute names in one part (a worksheet uses ~40; each is kept).
MAX_XML_NAMES = 10_000
# Bytes of one XML token (a tag with its attributes, a comment): the parser holds it whole.
MAX_TOKEN_BYTES = 16 << 20
# Bytes of an XML part's start searched for a DTD, in the parts the reader does not parse.
PROLOG_BYTES = 1 << 20
# Raw bytes read and inflated at a time.
CHUNK_BYTES = 1 << 20
# Excel's grid: a cell reference or row number beyond it is refused.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_MAX_ZIP_VERSION = 63  # the highest "version needed to extract" Python's zipfile reads (Excel writes 20)
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_ANY_REF = re.compile(r"([A-Za-z]{1,12})([0-9]{1,24})")
_ROW = re.compile(r"[A-Za-z]{0,3}([0-9]{1,7})")
_ANY_ROW = re.compile(r"[A-Za-z]{0,12}([0-9]{1,24})")
# A start tag and its attributes as written (for the small parts, checked against the parse).
_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_ATTR = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_RAW_WINDOW = 256  # bytes kept from the previous chunk, for a cell value that spans two


class GuardError(Exception):
    """The reason a workbook is refused (the caller adds the file name)."""


class SheetCells(dict):
    """A sheet's error cells ``{(row, column): text}`` (1-based), as the fast reader reports
    them blank, with two more things the scan noticed on its way through every cell:

    ``unsaved``: the ``(row, column)`` of each cell holding a formula with no saved result (no
    ``<v>``, or an empty one, except ``t="str"`` with an empty ``<v>``: Excel's saved empty
    text), which the reader reads as blank (openpyxl saves every formula so);

    ``merged``: each merged range ``(first row, first column, last row, last column)`` of
    the sheet's ``<mergeCells>`` (only its first cell holds a value: the reader reads the
    others as blank).

    ``hidden_rows``, ``hidden_columns``: which rows (``<row hidden="1">``: hidden by hand, by
    a filter or in a collapsed outline) and columns (``<col hidden="1">``) Excel hides, a
    bool by 1-based number (``None``: none); ``filtered``: the sheet has a filter set on a
    column (``<autoFilter>`` with a ``<filterColumn>``). The reader reads them like the others.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unsaved: list[tuple[int, int]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.hidden_rows: np.ndarray | None = None  # (made at the first hidden row: 1 MB)
        self.hidden_columns: np.ndarray | None = None
        self.filtered = False

    def hide_rows(self, rows) -> None:
        """Mark ``rows`` (1-based numbers within Excel's grid, an int or a list) hidden."""
        if self.hidden_rows is None:
            self.hidden_rows = np.zeros(EXCEL_ROWS + 1, dtype=bool)
        self.hidden_rows[rows] = True

    def hide_columns(self, first: int, last: int) -> None:
        """Mark the columns ``first`` to ``last`` (1-based, within Excel's grid) hidden."""
        if self.hidden_columns is None:
            self.hidden_columns = np.zeros(EXCEL_COLUMNS + 1, dtype=bool)
        self.hidden_columns[first:last + 1] = True

    def joined(self, other: SheetCells) -> SheetCells:
        """This and ``other`` together (``other``'s error texts where both have a cell)."""
        out = SheetCells(self | other)
        out.unsaved = sorted(set(self.unsaved) | set(getattr(other, "unsaved", [])))
        out.merged = sorted(set(self.merged) | set(getattr(other, "merged", [])))
        for name in ("hidden_rows", "hidden_columns"):
            mine, theirs = getattr(self, name), getattr(other, name, None)
            setattr(out, name, mine if theirs is None else theirs if mine is None else mine | theirs)
        out.filtered = self.filtered or getattr(other, "filtered", False)
        return out


def hidden_value(text: str) -> bool:
    """Whether an attribute's value is an xsd:boolean true (``1`` or ``true``), as ``hidden`` is.

    >>> hidden_value("1"), hidden_value(" true "), hidden_value("0"), hidden_value("")
    (True, True, False, False)
    """
    return ascii_lower(text.strip()) in ("1", "true")


def column_span(first: str | None, last: str | None) -> tuple[int, int] | None:
    """The columns ``(first, last)`` of a ``<col min= max=>`` (``max`` missing: ``min``),
    within Excel's grid; None where ``min`` is not a column number.

    >>> column_span("3", "5"), column_span("2", None), column_span("x", "2"), column_span("1", "99999")
    ((3, 5), (2, 2), None, (1, 16384))
    """
    def number(text: str | None) -> int | None:
        text = (text or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else None

    a, b = number(first), number(last)
    if a is None or a < 1 or a > EXCEL_COLUMNS:
        return None
    b = a if b is None else min(max(a, b), EXCEL_COLUMNS)
    return a, b


def merged_range(ref: str) -> tuple[int, int, int, int] | None:
    """``(first row, first column, last row, last column)`` of a merged range's ``ref``
    (``"B5:B9"``); None where it is not a range of two cells or more (the reader ignores it).

    >>> merged_range("G5:G9"), merged_range("b2:a1"), merged_range("A1"), merged_range("A1:A1")
    ((5, 7, 9, 7), (1, 1, 2, 2), None, None)
    """
    first, sep, last = ref.strip().partition(":")
    a, b = _REF.fullmatch(first.strip()), _REF.fullmatch(last.strip())
    if not sep or not a or not b:
        return None
    r1, c1, r2, c2 = int(a.group(2)), column_index(a.group(1)), int(b.group(2)), column_index(b.group(1))
    r1, r2 = sorted((r1, r2))
    c1, c2 = sorted((c1, c2))
    if (r1, c1) == (r2, c2) or r1 < 1 or c1 < 1 or r2 > EXCEL_ROWS or c2 > EXCEL_COLUMNS:
        return None
    return r1, c1, r2, c2


def _too_many_merged(count: int) -> None:
    if count > MAX_MERGED_RANGES:
        raise GuardError(f"the sheet has over {MAX_MERGED_RANGES:,} merged ranges (limit)")


class _Stop(Exception):
    """Ends a parse early (the prolog check has seen the root element)."""


def column_index(letters: str) -> int:
    """1-based column number of column letters.

    >>> column_index("A"), column_index("Z"), column_index("AA"), column_index("XFD")
    (1, 26, 27, 16384)
    """
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _short(text: str, limit: int = 60) -> str:
    r"""``text`` for a message: at most ``limit`` characters, a line break or a tab as a space
    (a header typed over two lines, Alt+Enter in Excel), other control characters as ``?``.

    >>> _short("Annual\nSalary"), _short("a\x1bb")
    ('Annual Salary', 'a?b')
    """
    text = "".join(ch if ch.isprintable() else " " if ch in "\r\n\t" else "?"
                   for ch in text[: limit + 1].replace("\r\n", "\n"))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def ascii_lower(name: str) -> str:
    """A part name with ASCII letters in lower case (how the reader matches part names)."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}


# ---------------------------------------------------------------- the zip
def check_directory(zf: zipfile.ZipFile) -> None:
    """Refuse a zip whose directory declares a bomb (too many, too big or too compressed
    members), two members with the same name, or members that Excel could not have written
    (encrypted, another compression method, a newer zip version)."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise GuardError(f"the zip has {len(infos):,} parts (limit {MAX_ZIP_MEMBERS:,})")
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = _short(info.filename)
        key = ascii_lower(info.filename)
        if key in seen:
            raise GuardError(f"the zip holds two parts named {name}; the file is damaged or was altered")
        seen.add(key)
        if info.flag_bits & 0x1:
            raise GuardError("is password-protected (its parts are encrypted); save an unprotected copy "
                             "as .xlsx and read that")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise GuardError(f"part {name} uses compression method {info.compress_type}, which Excel does "
                             "not write; the file is damaged or was not saved by Excel")
        if info.extract_version > _MAX_ZIP_VERSION:
            raise GuardError(f"part {name} needs zip version {info.extract_version / 10:.1f} to unpack, "
                             "which Excel does not write; the file is damaged")
        total += info.file_size
        _check_size(info.filename, info.file_size, info.compress_size)
    if total > MAX_TOTAL_BYTES:
        raise GuardError(f"its parts would unpack to {total / 2**20:,.0f} MB (limit {MAX_TOTAL_BYTES / 2**20:,.0f} MB); "
                         "it may be a zip bomb")


def part_index(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip's members by their name in ASCII lower case (the reader's lookup ignores case)."""
    return {ascii_lower(info.filename): info for info in zf.infolist()}


def _check_size(name: str, size: int, compressed: int) -> None:
    if size > MAX_PART_BYTES:
        raise GuardError(f"part {_short(name)} would unpack to {size / 2**20:,.0f} MB "
                         f"(limit {MAX_PART_BYTES / 2**20:,.0f} MB); it may be a zip bomb")
    if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(compressed, 1):
        raise GuardError(f"part {_short(name)} is compressed {size / max(compressed, 1):,.0f} to 1 "
                         f"(limit {MAX_RATIO} to 1); it may be a zip bomb")


def inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int | None = None) -> Iterator[bytes]:
    """Yield a member's uncompressed bytes in chunks, counting them against the limits.

    The raw deflate stream is inflated here, so a size forged in the zip directory does not
    help a bomb: a stream longer than the size declared is refused as soon as it passes it.
    A stream that ends early or fails its checksum is refused as damaged. ``limit`` stops
    early (the chunks seen so far are all yielded).
    """
    name = _short(info.filename)
    fp = zf.fp
    if fp is None:
        raise GuardError("the zip is closed")
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise GuardError(f"part {name} is damaged")
    fields = _LOCAL_HEADER.unpack(header)
    fp.seek(info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])
    if info.flag_bits & 0x1:
        raise GuardError("is password-protected (its parts are encrypted); save an unprotected copy")
    method = info.compress_type
    if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise GuardError(f"part {name} uses a compression Excel does not write")
    inflater = _deflate.decompressobj() if method == zipfile.ZIP_DEFLATED else None
    left = info.compress_size
    done = 0
    crc = 0
    while left > 0:
        raw = fp.read(min(CHUNK_BYTES, left))
        if not raw:
            raise GuardError(f"part {name} is cut short (the file is truncated)")
        left -= len(raw)
        pieces = [raw] if inflater is None else _inflate_piece(inflater, raw, name)
        for piece in pieces:
            if not piece:
                continue
            done += len(piece)
            if done > info.file_size:
                raise GuardError(f"part {name} unpacks to more than the {info.file_size:,} bytes its zip "
                                 "directory declares; it may be a zip bomb, or the file is damaged")
            _check_size(info.filename, done, info.compress_size)
            crc = _deflate.crc32(piece, crc)
            yield piece
            if limit is not None and done >= limit:
                return
        if inflater is not None and inflater.eof:
            break
    if (inflater is not None and not inflater.eof) or done != info.file_size:
        raise GuardError(f"part {name} is cut short (the file is truncated or damaged)")
    if crc != info.CRC:
        raise GuardError(f"part {name} is damaged (its checksum does not match)")


def _inflate_piece(inflater, raw: bytes, name: str) -> Iterator[bytes]:
    """The bytes ``raw`` inflates to, at most ``CHUNK_BYTES * 8`` at a time. A piece cut at that
    size may leave input in ``unconsumed_tail`` (zlib) or output held inside the inflater with
    all the input taken (ISA-L): either way it is asked again, until a piece comes back short."""
    most = CHUNK_BYTES * 8
    try:
        out = inflater.decompress(raw, most)
        while True:
            yield out
            if inflater.eof or (not inflater.unconsumed_tail and len(out) < most):
                break
            out = inflater.decompress(inflater.unconsumed_tail, most)
    except _deflate.ERRORS as exc:
        raise GuardError(f"part {name} is damaged ({exc})") from None


def read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """A whole small part (at most :data:`MAX_SMALL_PART_BYTES`), inflated with the limits."""
    info = zf.getinfo(name)
    _check_small(info)
    return b"".join(inflate(zf, info))


def _check_small(info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_SMALL_PART_BYTES:
        raise GuardError(f"part {_short(info.filename)} is {info.file_size / 2**20:,.0f} MB "
                         f"(limit {MAX_SMALL_PART_BYTES / 2**20:,.0f} MB for this part)")


def parse_xml(data: bytes, name: str):
    """Parse a small part into an element tree with defusedxml, refusing DTDs, entities and
    external references (used by tests on written files)."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise GuardError(f"part {name} declares a DTD or entities ({type(exc).__name__}); "
                         "such XML is refused for safety") from None
    except SafeET.ParseError as exc:
        raise GuardError(f"part {name} is not well-formed XML ({exc})") from None


# ---------------------------------------------------------------- parsing XML
def _parser(name: str):
    """An expat parser (no namespace processing: names as written) that refuses a DTD."""
    p = expat.ParserCreate()

    def refuse(*_args):
        raise GuardError(f"part {name} declares a DTD or entities; such XML is refused for safety")

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.UnparsedEntityDeclHandler = refuse
    p.ExternalEntityRefHandler = refuse
    return p


def _run(p, chunks: Iterable[bytes], name: str, after: Callable[[], None] | None = None,
         window: list | None = None, whole: bool = True) -> None:
    """Feed ``chunks`` to ``p`` and finish; expat's and the encoding's errors become refusals.

    ``after`` runs after each chunk; ``window`` (``[bytes, offset]``) is kept as the last
    bytes fed with the stream offset of their first byte, for handlers that read raw values.
    ``whole=False``: the chunks are only the part's start (the document is not finished).
    """
    fed = 0
    try:
        for chunk in chunks:
            if window is not None:
                keep = window[0][-_RAW_WINDOW:]
                window[0], window[1] = keep + chunk, fed - len(keep)
            _parse(p, chunk, False, name)
            fed += len(chunk)
            if fed - p.CurrentByteIndex > MAX_TOKEN_BYTES:
                raise GuardError(f"part {name} has an XML tag or comment over {MAX_TOKEN_BYTES >> 20} MB long; "
                                 "the file is damaged or hostile")
            if len(p.intern) > MAX_XML_NAMES:
                raise GuardError(f"part {name} uses over {MAX_XML_NAMES:,} different XML names; "
                                 "the file is damaged or hostile")
            if after is not None:
                after()
        if whole:
            _parse(p, b"", True, name)
            if after is not None:
                after()
    except _Stop:
        return


def _parse(p, data: bytes, final: bool, name: str) -> None:
    """``p.Parse``, its errors (not the handlers') as refusals."""
    try:
        p.Parse(data, final)
    except expat.ExpatError as exc:
        raise GuardError(f"part {name} is not well-formed XML ({expat.ErrorString(exc.code)}, "
                         f"line {exc.lineno:,})") from None
    except (LookupError, ValueError) as exc:  # an encoding Python does not know ("UTFg8"), or a multi-byte one
        if isinstance(exc, (KeyError, IndexError)) or "encoding" not in str(exc):
            raise  # (a handler's error)
        raise GuardError(f"part {name} declares a text encoding that cannot be read ({_short(str(exc), 80)})") from None


def _too_deep(name: str) -> GuardError:
    return GuardError(f"part {name} nests XML elements over {MAX_XML_DEPTH} deep; the file is damaged or hostile")


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a part with a DTD: it can only come before the root element, so read to it
    (at most :data:`PROLOG_BYTES`; a longer prolog has no DTD at its start)."""
    name = _short(info.filename)
    p = _parser(name)

    def start(_name, _attrs):
        raise _Stop

    p.StartElementHandler = start
    _run(p, inflate(zf, info, limit=PROLOG_BYTES), name, whole=info.file_size <= PROLOG_BYTES)


def check_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Parse a whole part the reader reads but we need nothing from (the styles), with the
    limits: no DTD, bounded depth, names and tokens, well-formed."""
    name = _short(info.filename)
    _check_small(info)
    p = _parser(name)
    depth = 0

    def start(_name, _attrs):
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _too_deep(name)

    def end(_name):
        nonlocal depth
        depth -= 1

    p.StartElementHandler, p.EndElementHandler = start, end
    _run(p, inflate(zf, info), name)


class Element(NamedTuple):
    """An element of a small part: its local name, its attributes (parsed) and its start tag as written."""

    local: str
    attrs: dict[str, str]
    raw: bytes

    def as_written(self, keys: Iterable[str]) -> bool:
        """Whether the attributes ``keys`` (those present) are written without escapes or
        line breaks, so the reader, which takes them as written, sees what we see."""
        raw = {m.group(1).decode("utf-8", "replace"): (m.group(2) if m.group(2) is not None else m.group(3))
               for m in _ATTR.finditer(self.raw)}
        for key in keys:
            if key in self.attrs and raw.get(key, b"").decode("utf-8", "replace") != self.attrs[key]:
                return False
        return True


def scan_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, interest: frozenset[str]) -> list[Element]:
    """Parse a small part whole (workbook, relationships) with the limits; the elements whose
    local name is in ``interest``, in document order."""
    name = _short(info.filename)
    _check_small(info)
    data = b"".join(inflate(zf, info))
    p = _parser(name)
    found: list[Element] = []
    depth = 0

    def start(tag, attrs):
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _too_deep(name)
        local = _local(tag)
        if local in interest:
            m = _TAG.match(data, p.CurrentByteIndex)
            found.append(Element(local, attrs, m.group(0) if m else b""))

    def end(_tag):
        nonlocal depth
        depth -= 1

    p.StartElementHandler, p.EndElementHandler = start, end
    _run(p, [data], name)
    return found


# ---------------------------------------------------------------- shared strings
class SharedStrings(NamedTuple):
    """The shared-string table as the reader numbers it: each string's length in characters
    (counted as UTF-8 bytes of its text as written, never fewer), the total and the longest."""

    lengths: np.ndarray
    total: int
    longest: int


NO_STRINGS = SharedStrings(np.zeros(0, dtype=np.int64), 0, 0)


def _tag_len(name: str, attrs: dict) -> int:
    """The shortest a start tag with this name and these attributes can be written."""
    return len(name) + 2 + sum(len(k) + len(v) + 4 for k, v in attrs.items())


def scan_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, how: str = "any") -> SharedStrings:
    """Parse the shared-string table with the limits; the length of each string.

    A string (``<si>``) is the text of its ``<t>`` elements (phonetic runs, ``<rPh>``, are not
    read); every ``<si>`` is numbered, one without text too, as in the reader. The total and the
    count are bounded by :data:`MAX_TEXT_CHARS` and :data:`MAX_SHARED_STRINGS`. Plain
    strings are measured in bulk (``how="events"``: element by element; tests compare).
    """
    if how == "any":
        got = _bulk_strings(zf, info)
        if got is not None:
            return got
    name = _short(info.filename)
    p = _parser(name)
    lengths = array("q")
    total = 0
    depth = 0
    in_si = False
    cur = 0
    rph = 0
    t_at = -1
    t_tag = 0

    def start(tag, attrs):
        nonlocal depth, in_si, cur, rph, t_at, t_tag
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _too_deep(name)
        local = _local(tag)
        if local == "si":
            if in_si:
                raise GuardError(f"part {name} has a shared string inside another; the file is damaged")
            in_si, cur, rph = True, 0, 0
        elif not in_si:
            return
        elif local == "t":
            if t_at >= 0:
                raise GuardError(f"part {name} has a text element inside another; the file is damaged")
            t_at, t_tag = p.CurrentByteIndex, _tag_len(tag, attrs)
        elif local == "rPh":
            rph += 1

    def end(tag):
        nonlocal depth, in_si, cur, rph, t_at, total
        depth -= 1
        local = _local(tag)
        if not in_si:
            return
        if local == "t" and t_at >= 0:
            if not rph:
                cur += max(p.CurrentByteIndex - t_at - t_tag, 0)
            t_at = -1
        elif local == "rPh":
            rph -= 1
        elif local == "si":
            in_si = False
            lengths.append(cur)  # (every <si> is numbered, an empty one too, as the reader does)
            total += cur

    def after() -> None:
        if len(lengths) > MAX_SHARED_STRINGS:
            raise GuardError(f"part {name} has over {MAX_SHARED_STRINGS:,} shared strings (limit)")
        if total > MAX_TEXT_CHARS:
            raise GuardError(f"its shared strings hold over {MAX_TEXT_CHARS:,} characters (limit); "
                             "the file is too big to read safely")

    p.StartElementHandler, p.EndElementHandler = start, end
    _run(p, inflate(zf, info), name, after=after)
    out = np.frombuffer(lengths, dtype=np.int64) if len(lengths) else np.zeros(0, dtype=np.int64)
    return SharedStrings(out, total, int(out.max()) if len(out) else 0)


# ---------------------------------------------------------------- the sheet
_C, _ROW_K, _V, _T, _DIM, _DATA, _F, _MERGE, _OTHER = 1, 2, 3, 4, 5, 6, 7, 8, 0
_COL, _FILTER = 9, 10
_KINDS = {"c": _C, "row": _ROW_K, "v": _V, "t": _T, "dimension": _DIM, "sheetData": _DATA, "f": _F,
          "mergeCell": _MERGE, "col": _COL, "filterColumn": _FILTER}
_PRESERVE = {"xml:space": "preserve"}


def _ref(ref: str, name: str) -> tuple[int, int]:
    """(row, column), 1-based, of a cell reference; refused if it is not one or is outside Excel's grid."""
    m = _ANY_REF.fullmatch(ref)
    if not m:
        raise GuardError(f"part {name} has a cell reference {_short(ref, 30)!r} that is not one; "
                         "the file is damaged")
    row, col = int(m.group(2)), column_index(m.group(1))
    if not (1 <= row <= EXCEL_ROWS and col <= EXCEL_COLUMNS):
        raise GuardError(f"part {name} has a cell {_short(ref, 30)} outside Excel's grid (A1:XFD1048576); "
                         "the file is damaged or hostile")
    return row, col


def _row_number(r: str, name: str) -> int:
    m = _ROW.fullmatch(r) or _ANY_ROW.fullmatch(r)
    if not m or not (1 <= int(m.group(1)) <= EXCEL_ROWS):
        raise GuardError(f"part {name} has a row number {_short(r, 30)!r} outside Excel's grid "
                         f"(1 to {EXCEL_ROWS:,}); the file is damaged or hostile")
    return int(m.group(1))


def _check_area(max_row: int, max_col: int, verb: str) -> None:
    if max_row * max_col > MAX_CELLS:
        raise GuardError(f"the sheet {verb} {_letters(max_col)}{max_row} ({max_row:,} rows x {max_col:,} columns, "
                         f"limit {MAX_CELLS:,} cells)")


def _empty_element(window: list, start: int, end: int) -> bool:
    """Whether the element whose start tag begins at byte ``start`` of the part and which ends
    at ``end`` is written empty (``<v/>``: the first ``>`` after its start is its last byte),
    from the bytes kept (``window``); a long one is not."""
    data, base = window
    if end - start > 64 or start < base:
        return False
    raw = data[start - base:end - base]
    return raw.endswith(b"/>") and raw.find(b">") == len(raw) - 1


class _Restart(Exception):
    """The fast sheet scan met a cell without a reference: scan again, placing every cell."""


def scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo,
               strings: SharedStrings = NO_STRINGS) -> dict[tuple[int, int], str]:
    """Parse a worksheet part before it is loaded; return its error cells.

    Refuses a DTD, malformed XML, a cell reference or row number outside Excel's grid, a
    declared dimension or farthest cell beyond :data:`MAX_CELLS` (rows x columns from A1),
    more than :data:`MAX_CELLS` cells, and cells whose text (shared strings at their
    length, ``strings``) is over :data:`MAX_TEXT_CHARS` characters. Every cell counts,
    blank or not. Cells without a reference are placed as the reader places them: after
    the cell before in the same ``<row>``, in the row of that ``<row>`` (one past the row
    before, if it has no number).

    Returns ``{(row, column): "#N/A", ...}`` (1-based) for the cells of type ``e`` (errors),
    which the fast reader reports as blank.

    When every cell has a reference (as Excel writes them), its position is its reference
    and the reader's row and column counting is not followed; at the first cell without
    one the part is parsed again, following it.
    """
    return measure_sheet(zf, info, strings).errors


class SheetScan(NamedTuple):
    """What :func:`measure_sheet` found: the farthest row and column (1-based, over every
    cell, blank or not), the cells, the characters they expand to, and the error cells."""

    max_row: int
    max_col: int
    cells: int
    chars: int
    errors: SheetCells


def measure_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, strings: SharedStrings = NO_STRINGS,
                  how: str = "any") -> SheetScan:
    """:func:`scan_sheet`'s parse and checks, with what it measured.

    ``how``: ``"any"`` (the bulk scan where it applies, else the event scan), ``"bulk"``
    (``None`` where it does not apply), ``"events"`` (every element through a handler,
    following the reader's placing only after a cell without a reference) or ``"exact"``
    (following it throughout). Tests compare them.
    """
    if how in ("any", "bulk"):
        got = _bulk_scan(zf, info, strings)
        if got is not None or how == "bulk":
            return got
    try:
        return _scan_sheet(zf, info, strings, exact=how == "exact")
    except _Restart:
        return _scan_sheet(zf, info, strings, exact=True)


def scan_then_load(zf: zipfile.ZipFile, info: zipfile.ZipInfo, strings: SharedStrings,
                   load: Callable[[], object]) -> tuple[dict[tuple[int, int], str], object]:
    """:func:`scan_sheet`, then ``load()`` (the reader's parse of the part): the error cells
    and what ``load`` returned, or the scan's refusal (``load``'s result is then dropped).

    Where the bulk scan applies, ``load`` does not wait for the whole check: it starts on a
    thread of its own as soon as every cell of the part has been accounted for (their
    number, the farthest of them and their text are within the limits: what the reader's
    memory depends on), while expat checks in this thread that the part is well-formed; its
    result is returned only when that check passes too. The refusal, if any, is the one the
    scan alone gives (see :func:`_account_then_parse`). Elsewhere (the event scan, threads
    or the shortcuts off) ``load`` runs after the whole check.
    """
    how = "any"
    if fast() and _arrays_threads() >= 2:
        state = _Bulk(_short(info.filename), strings)
        outcome = _account_then_parse(zf, info, _CUT, state.measure, state.commit, load, lambda: state.depth == 0)
        if outcome is not None:
            return state.errors, outcome[0]
        how = "events"  # (the bulk scan does not apply: not tried again)
    errors = measure_sheet(zf, info, strings, how).errors
    return errors, load()


def _arrays_threads() -> int:
    from .. import _arrays

    return _arrays.THREADS


def _account_then_parse(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cuts: tuple[bytes, ...],
                        measure: Callable[[bytes], object], commit: Callable[[object], bool],
                        load: Callable[[], object], balanced: Callable[[], bool]) -> tuple[object] | None:
    """:func:`_bulk_feed` in two passes, and ``load`` beside the second: every region is
    accounted first (``measure`` on two worker threads, two regions at a time, while this
    thread inflates the next; ``commit`` here, in order), then ``load`` starts on a thread
    while expat parses the part (inflated again: 0.16 s for a 67 MB sheet, on this thread
    while the other loads).

    ``(load's result,)``, or ``None`` where the bulk scan does not apply (``commit`` said
    so, the part is not UTF-8, or ``balanced()`` is false after the last region: the event
    scan then reads the part; ``load`` has not run). Refusals come in the order of the
    one-pass scan, where region k is accounted before it is parsed and parsed before region
    k+1 is inflated: when the accounting stops at a region, the regions before it are parsed
    first, and expat's refusal there comes first (a region measured ahead of one that stops
    is dropped unseen). ``load`` starts only after every region is accounted, so it never
    reads a part the accounting would refuse; it is waited for before any refusal (so
    nothing runs on after one), but not after an interrupt.
    """
    name = _short(info.filename)
    done = 0  # regions accounted
    pool = _worker(2) if fast() else None
    ahead: deque = deque()  # the regions measured or being measured, in order

    def settle(keep: int) -> None:
        nonlocal done
        while len(ahead) > keep:
            if not commit(ahead.popleft().result()):
                raise _Restart
            done += 1

    try:
        raw = _regions(zf, info, cuts)
        first = True
        while True:
            try:
                region = next(raw)  # (inflated while the workers measure the regions before)
            except StopIteration:
                break
            except (GuardError, _Restart):
                settle(0)  # a damaged part, a bomb, a runaway token: after the regions before
                raise
            body = _after_declaration(region) if first else region
            first = False
            ahead.append(pool.submit(measure, body) if pool is not None else _Now(measure(body)))
            del region, body
            settle(2 if pool is not None else 0)
        settle(0)
    except (_Restart, GuardError) as exc:
        _stop(pool, ahead)
        # the regions before this one are parsed first (expat's refusal there comes first)
        _run(_parser(name), _parsed(itertools.islice(_regions(zf, info, cuts), done)), name, whole=False)
        if isinstance(exc, _Restart):
            return None
        raise
    finally:
        _stop(pool, ahead)
    if pool is not None and info.file_size >= _TRIM_AFTER_BYTES:
        _give_back_memory()  # (the workers' freed arenas, before the reader loads)
    if not balanced():
        return None
    got: list = []

    def loading() -> None:
        try:
            got.append((load(),))
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
            got.append(exc)

    thread = threading.Thread(target=loading, name="xlsx-reader", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # (no thread to be had: load after the check)
        thread = None
    try:
        _run(_parser(name), _parsed(_regions(zf, info, cuts)), name)
    except Exception:
        if thread is not None:
            thread.join()
        raise
    if thread is None:
        loading()
    else:
        thread.join()
    if isinstance(got[0], BaseException):
        raise got[0]
    return got[0]


class _Now:
    """A result already at hand, as a future's (no worker thread)."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def _stop(pool, ahead: deque) -> None:
    """The measures queued dropped and the workers stopped (those running finish first)."""
    ahead.clear()
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _parsed(regions: Iterable[bytes]) -> Iterator[memoryview]:
    for region in regions:
        yield from _slices(region)


def _regions(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cuts: tuple[bytes, ...]) -> Iterator[bytes]:
    """A part inflated and cut into regions of whole elements: each ends after the last of
    ``cuts`` that closes, or before the last that opens, in the bytes inflated so far."""
    tail = b""
    for chunk in inflate(zf, info):
        data = tail + chunk
        cut = 0
        for mark in cuts:
            at = data.rfind(mark)
            if at >= 0:
                cut = max(cut, at + len(mark) if mark[1] == 47 else at)
        if cut <= 0:
            if len(data) > MAX_TOKEN_BYTES:
                raise _Restart
            tail = data
            continue
        tail = data[cut:]
        yield data[:cut]
    if tail:
        yield tail


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, strings: SharedStrings, exact: bool) -> SheetScan:
    name = _short(info.filename)
    p = _parser(name)
    kinds: dict[str, int] = {}
    columns: dict[str, int] = {}  # column letters seen -> column number
    errors = SheetCells()
    sidx: list[bytes] = []  # shared-string numbers (as written) of the cells since the last chunk
    window: list = [b"", 0]
    lengths, longest = strings.lengths, strings.longest
    depth = 0
    n_cells = 0
    chars = 0
    max_row = max_col = 0
    row0 = 0  # the reader's current row (0-based)
    row_n = 0  # the number of the current <row>, and as written (if it has one)
    row_digits: str | None = None
    base_r: str | None = None  # a cell without r goes ``off`` columns after the cell base_r
    off = 0  # (or at column ``off``, 0-based, when the row has had no cell with r)
    ctype: str | None = None
    cell_r: str | None = None
    cell_at = (0, 0)
    text_at = -1
    text_tag = 0
    formula = False  # the current cell has an <f>
    saved = 0  # its <v>: 0 none, 1 empty, 2 with text

    def kind(tag: str) -> int:
        k = _KINDS.get(_local(tag), _OTHER)
        kinds[tag] = k
        if len(kinds) > MAX_XML_NAMES:
            raise GuardError(f"part {name} uses over {MAX_XML_NAMES:,} different XML names; the file is damaged")
        return k

    def far(row: int, col: int) -> None:
        nonlocal max_row, max_col
        if row > max_row:
            max_row = row
        if col > max_col:
            max_col = col
        if max_row * max_col > MAX_CELLS:
            _check_area(max_row, max_col, "has cells as far as")

    def start_fast(tag, attrs):
        nonlocal depth, n_cells, max_row, max_col, ctype, cell_r, text_at, text_tag, formula, saved
        depth += 1
        try:
            k = kinds[tag]
        except KeyError:
            k = kind(tag)
        if depth > MAX_XML_DEPTH:
            raise _too_deep(name)
        if k == _C:
            n_cells += 1
            formula, saved = False, 0
            ctype = attrs.get("t")
            r = cell_r = attrs.get("r")
            if r is not None and row_digits is not None and r.endswith(row_digits):  # as in every real file
                col = columns.get(r[:-len(row_digits)])
                if col is not None:
                    if row_n > max_row:
                        max_row = row_n
                    if col > max_col:
                        far(max_row, col)
                    return
            if r is None:
                raise _Restart
            row, col = _ref(r, name)
            columns[r[:len(r) - len(str(row))]] = col
            far(row, col)
        elif k == _V or k == _T:  # (text_start, inline: the most frequent element after c)
            if text_at >= 0:
                raise GuardError(f"part {name} has a value inside a value; the file is damaged")
            text_at = p.CurrentByteIndex
            if not attrs:
                text_tag = len(tag) + 2
            elif attrs == _PRESERVE:
                text_tag = len(tag) + 23
            else:
                text_tag = _tag_len(tag, attrs)
        elif k:
            other_start(k, attrs)

    def start_exact(tag, attrs):
        nonlocal depth, n_cells, ctype, cell_r, cell_at, base_r, off, formula, saved
        depth += 1
        try:
            k = kinds[tag]
        except KeyError:
            k = kind(tag)
        if depth > MAX_XML_DEPTH:
            raise _too_deep(name)
        if k == _C:
            n_cells += 1
            formula, saved = False, 0
            ctype = attrs.get("t")
            r = cell_r = attrs.get("r")
            if r is not None:
                base_r, off = r, 1
                row, col = _ref(r, name)
            else:
                col = (_ref(base_r, name)[1] if base_r is not None else 1) + off  # (the reader's col_index + 1)
                row = row0 + 1
                off += 1
                cell_at = (row, col)
            far(row, col)
        elif k == _V or k == _T:
            text_start(tag, attrs)
        elif k:
            other_start(k, attrs)

    def text_start(tag, attrs):
        nonlocal text_at, text_tag
        if text_at >= 0:
            raise GuardError(f"part {name} has a value inside a value; the file is damaged")
        text_at = p.CurrentByteIndex
        if not attrs:
            text_tag = len(tag) + 2
        elif attrs == _PRESERVE:
            text_tag = len(tag) + 23
        else:
            text_tag = _tag_len(tag, attrs)

    def other_start(k, attrs):
        nonlocal row0, row_n, row_digits, base_r, off, formula
        if k == _F:
            formula = True
        elif k == _MERGE:
            got = merged_range(attrs.get("ref", ""))
            if got is not None:
                errors.merged.append(got)
                _too_many_merged(len(errors.merged))
        elif k == _ROW_K:
            r = attrs.get("r")
            if r is not None:
                row_n = int(r) if r.isascii() and r.isdigit() and 0 < len(r) <= 7 and r[0] != "0" else 0
                if not 1 <= row_n <= EXCEL_ROWS:
                    row_n = _row_number(r, name)
                    row_digits = None
                else:
                    row_digits = r
                row0 = row_n - 1
            else:
                row_n, row_digits = row0 + 1, None
            hidden = attrs.get("hidden")
            if hidden is not None and hidden_value(hidden):
                errors.hide_rows(row_n)
        elif k == _COL:
            span = column_span(attrs.get("min"), attrs.get("max"))
            if span is not None and hidden_value(attrs.get("hidden", "")):
                errors.hide_columns(*span)
        elif k == _FILTER:
            errors.filtered = True
        elif k == _DIM:
            ref = attrs.get("ref", "")
            last_row = last_col = 0
            for part in ref.split(":"):
                m = _REF.fullmatch(part.strip())
                if m:
                    last_row, last_col = max(last_row, int(m.group(2))), max(last_col, column_index(m.group(1)))
            _check_area(last_row, last_col, "declares")
        elif k == _DATA:
            row0, row_digits, base_r, off = 0, None, None, 0

    def end(tag):
        nonlocal depth, row0, row_digits, base_r, off, text_at, chars, formula, saved
        depth -= 1
        k = kinds[tag]
        if k == _V or k == _T:
            if text_at < 0:
                return
            at = p.CurrentByteIndex
            span = at - text_at - text_tag
            text_at = -1
            if formula:
                saved = max(saved, 2 if span > 0 and not _empty_element(window, at - span - text_tag, at)
                            else 1)
            if span <= 0:
                return
            if k == _T or (ctype != "s" and ctype != "e"):
                chars += span
                return
            a = at - span
            data, base = window
            raw = data[a - base:at - base] if a >= base and span <= 64 else None
            if ctype == "e":
                if raw is not None:
                    pos = _ref(cell_r, name) if cell_r is not None else cell_at
                    errors[pos] = raw.decode("utf-8", "replace")
            elif raw is None or span > 18:
                chars += longest
            else:
                sidx.append(raw)
        elif k == _C:
            if formula:
                formula = False
                if saved == 0 or (saved == 1 and ctype != "str"):  # (t="str", <v></v>: saved empty text)
                    errors.unsaved.append(_ref(cell_r, name) if cell_r is not None else cell_at)
        elif k == _ROW_K:
            row0 += 1
            row_digits, base_r, off = None, None, 0

    def after() -> None:
        nonlocal chars
        if sidx:
            chars += _shared_chars(sidx, lengths, longest)
            sidx.clear()
        if n_cells > MAX_CELLS:
            raise GuardError(f"the sheet has over {MAX_CELLS:,} cells (limit)")
        if chars > MAX_TEXT_CHARS:
            raise GuardError(f"the sheet's cells hold over {MAX_TEXT_CHARS:,} characters of text "
                             "(a long shared string counts in every cell that shows it); "
                             "the file is too big to read safely")

    p.StartElementHandler = start_exact if exact else start_fast
    p.EndElementHandler = end
    _run(p, inflate(zf, info), name, after=after, window=window)
    return SheetScan(max_row, max_col, n_cells, chars, errors)


# ---------------------------------------------------------------- the sheet, in bulk
# A well-formed part (expat says so, at the end) without comments, CDATA sections or
# processing instructions (after the XML declaration) has no "<" but at the start of a tag
# (text and attribute values cannot hold one), and when no attribute value holds a ">",
# every tag ends at the first ">" after its "<". Then the tags are found exactly by the
# positions of "<" and ">" (numpy), the cells' references from the bytes after each cell's
# "<" (numpy), and the other attributes of cell tags by regular expressions that follow the
# attribute grammar. This reads a real sheet in about a third of the time
# the event scan takes; anything outside this simple form (a comment, a cell without a
# reference, a prefixed cell tag, a typed cell whose value is not its first child, many
# tags of other names) leaves the part to the event scan.
_ATTRS = rb"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))"""
_CELL_S = re.compile(rb' t="s"><v>([0-9]{0,18})</v>')  # (checked to be every t="s")
_CELL_E = re.compile(rb'<c r="([^"]*)"[^>]* t="e"><v>([^<]{0,64})</v>')
_MERGE_TAG = re.compile(rb"<mergeCell(?=[\s/>])[^>]*>")
_HIDING_TAG = re.compile(rb"<(?:row|col)(?=[\s/>])[^>]*?\shidden\s*=[^>]*>")
_HIDING_COL = re.compile(rb"<col(?=[\s/>])[^>]*?\shidden\s*=[^>]*>")
# a <row> tag's number and its hidden attribute, the attributes between written name="value"
# with no character reference (as Excel, openpyxl and XlsxWriter write them)
_HIDDEN_ROW = re.compile(rb'<row r="([1-9][0-9]{0,6})"(?: [A-Za-z][A-Za-z0-9:]*="[^"&]*")*? hidden="(1|true|0|false)"')
_DIMENSION = re.compile(rb"<dimension" + _ATTRS + rb'*?\s+ref\s*=\s*"([^"]*)"')
_PREFIXED = re.compile(rb":(?:c|row|v|t|is|f|r|sheetData|dimension|mergeCell)[\s/>]")  # (a text may match: no harm)
_PARSE_BYTES = 64 << 10  # bytes expat parses at a time in the bulk scan (see _slices)
_TRIM_AFTER_BYTES = 16 << 20  # a part this big, scanned on two threads, gives its memory back after
_REF_HEAD = np.frombuffer(b' r="', dtype=np.uint8)
_REF_BYTES = 11  # a reference's bytes after '<c r="' looked at: at most 3 letters and 7 digits, then '"'
_REF_POS = np.arange(_REF_BYTES)
_PAD = bytes(2 + 4 + _REF_BYTES)  # zeros after a region: a cell tag at its end still has a reference window
_OTHER_BYTE, _LETTER, _DIGIT, _QUOTE = range(4)
_REF_CLASS = np.zeros(256, dtype=np.uint8)
_REF_CLASS[list(range(65, 91)) + list(range(97, 123))] = _LETTER
_REF_CLASS[48:58] = _DIGIT
_REF_CLASS[34] = _QUOTE
_CUT = (b"</c>", b"</row>", b"<row")
_FAST_OTHER_TAGS = 100_000  # tags of other names than the cells' (bounds the names expat keeps)
_DELIMS = np.zeros(256, dtype=bool)
_DELIMS[[0, 9, 10, 13, 32, 47, 62]] = True
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 13, 32]] = True
_SPACE_OR_APOSTROPHE = _SPACE.copy()
_SPACE_OR_APOSTROPHE[39] = True
_BANG = np.zeros(256, dtype=bool)
_BANG[[33, 63]] = True  # "<!", "<?"
_CORE1 = np.zeros(256, dtype=bool)
_CORE1[list(b"cvtfr")] = True


# Where a region's measure stopped (:class:`_Measured`), in the order of the checks.
_AT_TAGS, _AT_CELLS, _AT_TYPES, _AT_DIMENSION = 1, 2, 3, 4


class _Measured:
    """One region of a part measured on its own (:meth:`_Bulk.measure`): its counts, its
    farthest cell, and where it stopped (``stop``: False where the bulk scan does not apply,
    or the refusal, met at ``stage``)."""

    __slots__ = ("stage", "stop", "tags", "top_depth", "depth", "chars", "others", "cells", "top_row", "top_col",
                 "shared", "errors", "unsaved", "merged", "hidden_rows", "hidden_columns", "filtered")

    def __init__(self):
        self.stage = 0
        self.stop: bool | GuardError | None = None
        self.tags = True  # (False: no tag at all)
        self.top_depth = self.depth = self.chars = self.others = self.cells = 0
        self.top_row = self.top_col = self.shared = 0
        self.errors: list[tuple[tuple[int, int], str]] = []
        self.unsaved: list[tuple[int, int]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.hidden_rows: list[int] = []
        self.hidden_columns: list[tuple[int, int]] = []
        self.filtered = False


def _stopped(m: _Measured) -> bool:
    if m.stop is False:
        return False
    raise m.stop


class _Bulk:
    """The state of a bulk scan across regions of the part."""

    def __init__(self, name: str, strings: SharedStrings):
        self.name, self.strings = name, strings
        self.depth = 0
        self.cells = 0
        self.chars = 0  # all text (formulas and spaces too: never fewer than the event scan counts)
        self.shared = 0  # the shared-string cells at their strings' lengths (exactly as the event scan)
        self.max_row = self.max_col = 0
        self.others = 0
        self.errors = SheetCells()

    def region(self, data: bytes) -> bool:
        """Account for one region (whole tags); False: the bulk scan does not apply."""
        return self.commit(self.measure(data))

    def measure(self, data: bytes) -> _Measured:
        """What one region (whole tags) holds, on its own: in any thread, in any order (the
        scan's totals are not touched); :meth:`commit` adds it to them, in order."""
        m = _Measured()
        try:
            self._measure(data, m)
        except GuardError as exc:
            m.stop = exc
        return m

    def commit(self, m: _Measured) -> bool:
        """Add a region's measure to the scan's totals (regions in their order): the checks
        that depend on the regions before it, and the region's own stop, in the order one
        look at the region makes them. False: the bulk scan does not apply."""
        if m.stage == _AT_TAGS and m.stop is not None:
            return _stopped(m)
        if not m.tags:
            self.chars += m.chars
            return True
        if self.depth + m.top_depth > MAX_XML_DEPTH:
            raise _too_deep(self.name)
        self.depth += m.depth
        self.chars += m.chars
        self.others += m.others
        if self.others > _FAST_OTHER_TAGS:
            return False
        if m.stage == _AT_CELLS and m.stop is not None:
            return _stopped(m)
        if m.cells:
            self.cells += m.cells
            self.max_row, self.max_col = max(self.max_row, m.top_row), max(self.max_col, m.top_col)
            _check_area(self.max_row, self.max_col, "has cells as far as")
            if self.cells > MAX_CELLS:
                raise GuardError(f"the sheet has over {MAX_CELLS:,} cells (limit)")
            if m.stage == _AT_TYPES and m.stop is not None:
                return _stopped(m)
            self.shared += m.shared
            self.errors.update(m.errors)
            self.errors.unsaved.extend(m.unsaved)
        if m.stop is not None:  # (at the dimension, or the merged ranges)
            return _stopped(m)
        if m.merged:
            self.errors.merged.extend(m.merged)
            _too_many_merged(len(self.errors.merged))
        if m.hidden_rows:
            self.errors.hide_rows(m.hidden_rows)
        for first, last in m.hidden_columns:
            self.errors.hide_columns(first, last)
        self.errors.filtered = self.errors.filtered or m.filtered
        if self.shared > MAX_TEXT_CHARS:
            raise GuardError(f"the sheet's cells hold over {MAX_TEXT_CHARS:,} characters of text "
                             "(a long shared string counts in every cell that shows it); "
                             "the file is too big to read safely")
        return self.chars + self.shared <= MAX_TEXT_CHARS  # (else the event scan counts exactly)

    def _measure(self, data: bytes, m: _Measured) -> None:
        m.stage = _AT_TAGS
        if b"\0" in data or (b":" in data and _PREFIXED.search(data)):  # (a colon is rare: one scan of memchr's)
            m.stop = False
            return
        size = len(data)
        a = np.frombuffer(data + _PAD, dtype=np.uint8)  # (padded: names and references are looked at on)
        lt = np.flatnonzero(a == 60)
        if not len(lt):
            m.tags, m.chars = False, size
            return
        ends = np.flatnonzero(a == 62)
        # every ">" ends a tag (none in a value or a text, where Excel writes &gt;)
        if len(ends) != len(lt) or not (lt < ends).all() or (len(lt) > 1 and not (ends[:-1] < lt[1:]).all()):
            m.stop = False
            return
        if int((ends - lt).max()) > MAX_TOKEN_BYTES:
            raise GuardError(f"part {self.name} has an XML tag or comment over {MAX_TOKEN_BYTES >> 20} MB long; "
                             "the file is damaged or hostile")
        after = a[lt + 1]
        if _BANG[after].any():
            m.stop = False  # a comment, CDATA section, DTD or processing instruction
            return
        closing = after == 47
        step = np.ones(len(lt), dtype=np.int8)
        step[a[ends - 1] == 47] = 0
        step[closing] = -1
        profile = np.cumsum(step, dtype=np.int64)
        m.top_depth, m.depth = int(profile.max()), int(profile[-1])
        m.chars = size - int(ends.sum() - lt.sum()) - len(lt)
        # names: those of the cells (c, v, t, f, r, is, row) and how many others (expat keeps each name)
        start = lt + 1 + closing
        first, second = a[start], a[start + 1]
        delim1 = _DELIMS[second]
        rest = np.flatnonzero(~(delim1 & _CORE1[first]))  # not c, v, t, f, r: is, row or another name
        at, first_r, second_r = start[rest], first[rest], second[rest]
        core = ((first_r == 105) & (second_r == 115) & _DELIMS[a[at + 2]]) \
            | ((first_r == 114) & (second_r == 111) & (a[at + 2] == 119) & _DELIMS[a[at + 3]])
        m.others = int(len(rest) - np.count_nonzero(core))
        m.stage = _AT_CELLS
        cells = lt[(first == 99) & delim1 & ~closing]  # the "<" of each cell's start tag
        m.cells = len(cells)
        if m.cells:
            # every attribute written name="value" (no space around "=", no single quotes) and
            # none after a tab or line break: then each cell's type is written ' t="..."'
            eq = np.flatnonzero(a[:size] == 61)
            before, after = a[eq - 1], a[eq + 1]
            named_t = eq[before == 116]
            if len(eq) and (_SPACE[before].any() or _SPACE_OR_APOSTROPHE[after].any()
                            or (_SPACE[a[named_t - 2]] & (a[named_t - 2] != 32)).any()):
                m.stop = False
                return
            if not self._extent(a, cells, m):
                m.stop = False
                return
            m.stage = _AT_TYPES
            if not self._typed(data, a, named_t, m):
                m.stop = False
                return
            f_at = np.flatnonzero((first == 102) & delim1 & ~closing)  # the <f> start tags
            if f_at.size and not self._formulas(data, a, lt, ends, closing, first, delim1, named_t, f_at, m):
                m.stop = False
                return
        m.stage = _AT_DIMENSION
        if ((first == 100) & (second == 105)).any():  # a tag named "di...": every "<dimension" starts one
            self._dimension(data)
        if (first == 109).any() and not self._merged(data, m):  # a tag named "m...": <mergeCell> among them
            m.stop = False
        if b"hidden" in data and not self._hidden(data, m, ((first == 99) & (second == 111)).any()):  # (a tag "co...")
            m.stop = False  # (one search of the bytes: most sheets hide nothing)
        m.filtered = bool(((first == 102) & (second == 105)).any()) and b"<filterColumn" in data  # (a tag "fi...")

    def _extent(self, a: np.ndarray, cells: np.ndarray, m: _Measured) -> bool:
        """The farthest cell of the cells whose start tags begin at ``cells`` in ``a``, read
        off the bytes in bulk. Each tag must begin ``<c r="``, and its reference be 1 to 3
        letters then 1 to 7 digits without a leading zero, then ``"`` (as Excel writes them);
        anything else is left to the event scan (False)."""
        win = sliding_window_view(a, 4 + _REF_BYTES)[cells + 2]  # ' r="' and the reference's bytes
        if not (win[:, :4] == _REF_HEAD).all():
            return False  # a cell without a reference first
        win = win[:, 4:]
        kind = _REF_CLASS[win]
        size = (kind == _QUOTE).argmax(axis=1)  # the reference's length (0: no quote)
        n_letters = (kind != _LETTER).argmax(axis=1)
        n_digits = size - n_letters
        if (n_letters.min() < 1 or n_letters.max() > 3 or n_digits.min() < 1 or n_digits.max() > 7
                or not (np.count_nonzero((kind == _DIGIT) & (_REF_POS < size[:, None]), axis=1) == n_digits).all()):
            return False  # not letters then digits then the quote (a length of 0 has n_digits < 1)
        rows = np.arange(len(cells))
        if (win[rows, n_letters] == 48).any():
            return False  # a row with a leading zero (the event scan reads it)
        # the greatest row: the greatest of the longest numbers (no leading zeros), compared as text
        longest = int(n_digits.max())
        most = np.flatnonzero(n_digits == longest)
        at = most[_greatest(win[most[:, None], size[most, None] - longest + np.arange(longest)])]
        top_row = int(win[at, n_letters[at]:size[at]].tobytes())
        longest = int(n_letters.max())
        most = np.flatnonzero(n_letters == longest)
        at = most[_greatest(win[most, :longest] & 0xDF)]  # (letters in upper case)
        top_col = column_index(win[at, :longest].tobytes().decode("ascii"))
        if top_row > EXCEL_ROWS or top_col > EXCEL_COLUMNS:
            return False  # (the event scan says which cell)
        m.top_row, m.top_col = top_row, top_col  # (the area and the cell count: checked in order by commit)
        return True

    def _typed(self, data: bytes, a: np.ndarray, named_t: np.ndarray, m: _Measured) -> bool:
        """Shared-string cells at their string's length; error cells' texts. Each cell's
        type is written `` t="..."`` (checked), so the cells of a type are counted exactly.
        ``a`` is ``data`` as bytes (padded) and ``named_t`` the positions of its ``=`` after
        a ``t``: each `` t="s"`` or `` t="e"`` in ``data``, wherever it is, has one of them."""
        typed = named_t[(a[named_t - 2] == 32) & (a[named_t + 1] == 34) & (a[named_t + 3] == 34)]
        kind = a[typed + 2]
        n = int(np.count_nonzero(kind == 115))  # data.count(b' t="s"'), a text holding it too
        if n:  # (then the counts differ: the event scan reads it)
            numbers = _CELL_S.findall(data)
            if len(numbers) != n:
                return False  # a shared-string cell whose value is not written <v>N</v> right after its tag
            numbers = [x for x in numbers if x]  # (an empty value is a blank)
            if numbers:
                idx = np.array(numbers, dtype="S18").astype(np.int64)
                lengths = self.strings.lengths
                m.shared += int(lengths[idx[idx < len(lengths)]].sum())
        n = int(np.count_nonzero(kind == 101))  # data.count(b' t="e"')
        if n:
            found = _CELL_E.findall(data)
            if len(found) != n:
                return False
            for r, text in found:
                if text:
                    m.errors.append((_ref(r.decode("ascii", "replace"), self.name), text.decode("utf-8", "replace")))
        return True

    def _formulas(self, data: bytes, a: np.ndarray, lt: np.ndarray, ends: np.ndarray, closing: np.ndarray,
                  first: np.ndarray, delim1: np.ndarray, named_t: np.ndarray, f_at: np.ndarray, m: _Measured) -> bool:
        """The formula cells without a saved result (as the event scan finds them), read off the
        tags in bulk (``f_at``: the tag numbers of the ``<f>`` start tags): each formula must be
        its cell's first child, hold text only, and be followed by the cell's end or by a
        ``<v>`` (empty, or text only) and then the cell's end, as Excel and openpyxl write
        them; else False (the event scan reads the part)."""
        n = len(lt)

        def padded(x: np.ndarray) -> np.ndarray:  # (tag numbers up to n + 2 looked at)
            return np.concatenate([x, np.zeros(3, dtype=x.dtype)])

        selfc = padded(a[ends - 1] == 47)
        named = padded(delim1)
        first_p = padded(first)
        shut = padded(closing)
        c_end = named & (first_p == 99) & shut
        if f_at[0] == 0:
            return False
        cell = f_at - 1
        if not ((first_p[cell] == 99) & named[cell] & ~shut[cell] & ~selfc[cell]).all():
            return False  # the formula is not the first child of a cell
        if not (selfc[f_at] | (named[f_at + 1] & (first_p[f_at + 1] == 102) & shut[f_at + 1])).all():
            return False  # a formula with more than text in it
        after = f_at + np.where(selfc[f_at], 1, 2)
        no_v = c_end[after]
        v = named[after] & (first_p[after] == 118) & ~shut[after]
        if not (no_v | v).all():
            return False  # something else after the formula
        v_self, v_open = v & selfc[after], v & ~selfc[after]
        if not c_end[after[v_self] + 1].all():
            return False
        opened = after[v_open]
        if not (named[opened + 1] & (first_p[opened + 1] == 118) & shut[opened + 1] & c_end[opened + 2]).all():
            return False  # a value with more than text in it, or more after it
        empty = v_self.copy()
        empty[v_open] = lt[np.minimum(opened + 1, n - 1)] == ends[opened] + 1  # (<v></v>)
        lost = np.flatnonzero(no_v | empty)
        if not lost.size:
            return True
        # t="str" with an empty <v>: Excel's saved empty text (attributes are written ' t="..."', checked)
        is_str = named_t[(a[named_t - 2] == 32) & (a[named_t + 1] == 34) & (a[named_t + 2] == 115)
                         & (a[named_t + 3] == 116) & (a[named_t + 4] == 114) & (a[named_t + 5] == 34)]
        str_tags = np.searchsorted(lt, is_str) - 1
        lost = lost[no_v[lost] | ~np.isin(cell[lost], str_tags)]
        for at in lt[cell[lost]].tolist():  # (only the cells without a saved result)
            start = at + 6  # (after '<c r="': every cell tag begins so, checked)
            m.unsaved.append(_ref(data[start:data.index(b'"', start)].decode("ascii", "replace"), self.name))
        return True

    def _merged(self, data: bytes, m: _Measured) -> bool:
        """The merged ranges of the ``<mergeCell>`` tags; False where a ``ref`` is written with a
        character reference (the event scan reads it)."""
        for tag in _MERGE_TAG.findall(data):
            got = _ATTR.findall(tag)
            refs = [(dq or sq) for key, dq, sq in got if key == b"ref"]
            if not refs:
                continue
            if b"&" in refs[0]:
                return False
            got = merged_range(refs[0].decode("ascii", "replace"))
            if got is not None:
                m.merged.append(got)
        return True

    def _hidden(self, data: bytes, m: _Measured, co: bool) -> bool:
        """The rows and columns hidden (``<row r="7" hidden="1">``, ``<col min="3" max="3"
        hidden="1"/>``); False where one is written so that the event scan must read it (a
        hidden row without its number, a value with a character reference). Rows written as
        Excel, openpyxl and XlsxWriter write them are read off one regular expression's
        matches (a filter may hide most rows); each tag's attributes are read otherwise."""
        rows = _HIDDEN_ROW.findall(data)
        cols = _HIDING_COL.findall(data) if co else []  # (co: a tag named "co...", such as <col>)
        if len(rows) + len(cols) != data.count(b"hidden"):
            return self._hiding_tags(data, m)  # (written otherwise, or the word in a text or another value)
        numbers = [r for r, value in rows if value in (b"1", b"true")]
        if numbers:
            got = np.array(numbers, dtype="S7").astype(np.int64)
            if int(got.max()) > EXCEL_ROWS:
                return False
            m.hidden_rows.extend(got.tolist())
        return not cols or self._hiding_tags(b"".join(cols), m)

    def _hiding_tags(self, data: bytes, m: _Measured) -> bool:
        """:meth:`_hidden`, each ``<row>`` and ``<col>`` tag with a ``hidden`` attribute read
        on its own."""
        for tag in _HIDING_TAG.findall(data):
            attrs = {key: (dq or sq) for key, dq, sq in _ATTR.findall(tag)}
            hidden = attrs.get(b"hidden")
            if hidden is None:
                continue  # (" hidden=" in another attribute's value)
            if any(b"&" in v for v in attrs.values()):
                return False
            if not hidden_value(hidden.decode("ascii", "replace")):
                continue
            if tag.startswith(b"<row"):
                r = attrs.get(b"r", b"")
                if not (r.isdigit() and 0 < len(r) <= 7 and r[0] != 48 and int(r) <= EXCEL_ROWS):
                    return False
                m.hidden_rows.append(int(r))
            else:
                span = column_span(attrs.get(b"min", b"").decode("ascii", "replace"),
                                   attrs.get(b"max", b"").decode("ascii", "replace") or None)
                if span is not None:
                    m.hidden_columns.append(span)
        return True

    def _dimension(self, data: bytes) -> None:
        if b"<dimension" in data:
            for ref in _DIMENSION.findall(data):
                last_row = last_col = 0
                for part in ref.decode("ascii", "replace").split(":"):
                    m = _REF.fullmatch(part.strip())
                    if m:
                        last_row = max(last_row, int(m.group(2)))
                        last_col = max(last_col, column_index(m.group(1)))
                _check_area(last_row, last_col, "declares")


def _worker(workers: int = 1):
    """A thread pool of ``workers`` workers for the bulk scan, or None where threads are off
    (``XL_KENT_THREADS=1``) or cannot start (as in Pyodide)."""
    from concurrent.futures import ThreadPoolExecutor

    if _arrays_threads() < 2:
        return None
    try:
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="xlsx-guard")
        pool.submit(int).result()
    except (RuntimeError, OSError):
        return None
    return pool


def _give_back_memory() -> None:
    """Return the memory the worker thread freed to the system: the C library (glibc) keeps
    a thread's freed blocks in that thread's own arena (~30 MB after a 67 MB sheet), which
    would add to the process's peak later. Nothing where the library has no ``malloc_trim``."""
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except Exception:  # noqa: BLE001 (not glibc: nothing to do)
        return
    trim(0)


def _slices(region: bytes) -> Iterator[memoryview]:
    """A region in pieces of :data:`_PARSE_BYTES` for expat, which keeps the interpreter lock
    for a whole ``Parse`` call: after each piece the lock is let go (``time.sleep(0)``), so
    the other thread (the bulk scan's worker, whose numpy calls each need it for a moment, or
    the reader loading beside the check) does not wait for the interpreter's switch interval
    (5 ms) every time (a third faster here)."""
    view = memoryview(region)
    for start in range(0, len(view), _PARSE_BYTES):
        yield view[start:start + _PARSE_BYTES]
        time.sleep(0)


def _greatest(rows: np.ndarray) -> int:
    """The index of the greatest of the rows of a 2-D ``uint8`` array, compared as text (the first on a tie)."""
    at = np.arange(len(rows))
    for k in range(rows.shape[1]):
        column = rows[at, k]
        at = at[column == column.max()]
        if len(at) == 1:
            break
    return int(at[0])


def _bulk_scan(zf: zipfile.ZipFile, info: zipfile.ZipInfo, strings: SharedStrings) -> SheetScan | None:
    """The sheet checks in bulk (see above); ``None`` where they do not apply."""
    state = _Bulk(_short(info.filename), strings)
    if not _bulk_feed(zf, info, _CUT, state.region) or state.depth != 0:
        return None
    return SheetScan(state.max_row, state.max_col, state.cells, state.chars + state.shared, state.errors)


def _after_declaration(region: bytes) -> bytes:
    """A part's first region without its byte order mark and XML declaration; :class:`_Restart`
    where the declaration is unfinished or names an encoding other than UTF-8 (or ASCII)."""
    body = region[3:] if region.startswith(b"\xef\xbb\xbf") else region
    if body.startswith(b"<?xml"):
        end = body.find(b"?>")
        declared = re.search(rb"""encoding\s*=\s*["']([^"']*)["']""", body[:max(end, 0)])
        if end < 0 or (declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii")):
            raise _Restart
        body = body[end + 2:]
    return body


def _accounting(account: Callable[[bytes], bool]) -> Callable[[bytes], bytes]:
    """``account`` for a part's regions in order (the first without its declaration): each
    region is handed back, or :class:`_Restart` where the bulk scan does not apply."""
    first = True

    def accounted(region: bytes) -> bytes:
        nonlocal first
        body = region
        if first:
            first = False
            body = _after_declaration(body)
        if not account(body):
            raise _Restart
        return region

    return accounted


def _bulk_feed(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cuts: tuple[bytes, ...],
               account: Callable[[bytes], bool]) -> bool:
    """Inflate a part, cut it into regions of whole elements (after the last of ``cuts``
    that closes, before the last that opens), hand each to ``account`` (its first without
    the XML declaration), then to expat, which checks the whole part. False: ``account``
    said the bulk scan does not apply (or the part is not UTF-8)."""
    name = _short(info.filename)
    p = _parser(name)
    accounted = _accounting(account)

    def pipelined() -> Iterator[bytes]:
        """The regions, each accounted in a worker thread while expat parses the one before
        (numpy and deflate let go of the interpreter lock, expat does not: two cores share the
        work). One region is accounted at a time, in order, and every error is raised where
        the one-by-one order raises it: a region's inflating or accounting only after the
        regions before it are parsed."""
        raw = _regions(zf, info, cuts)
        pool = _worker() if fast() else None
        if pool is None:  # the general path (or no threads): one region after another
            for region in raw:
                yield accounted(region)
            return
        with pool:
            ahead = None  # the accounting of the region after the one being parsed
            while True:
                try:
                    region = next(raw)  # (inflated while the worker accounts the one before)
                except StopIteration:
                    break
                except Exception as exc:  # a damaged part, a bomb, a runaway token: after the regions before
                    if ahead is not None:
                        yield from _slices(ahead.result())
                    raise exc from None
                done = ahead.result() if ahead is not None else None
                ahead = pool.submit(accounted, region)
                if done is not None:
                    yield from _slices(done)  # (parsed while the worker accounts the next)
            if ahead is not None:
                yield from _slices(ahead.result())

    feed = pipelined()
    try:
        _run(p, feed, name)
    except _Restart:
        return False
    finally:
        feed.close()  # (waits for the worker: nothing runs on after a refusal)
        if info.file_size >= _TRIM_AFTER_BYTES and fast():
            _give_back_memory()
    return True


_SI, _T_OPEN, _T_CLOSE, _SI_CLOSE = 1, 2, 3, 4


def _bulk_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> SharedStrings | None:
    """The shared strings in bulk, when each is written ``<si><t>text</t></si>`` (as Excel
    writes plain strings): the tags come in fours, and each length is the bytes between
    the ``<t>`` and the ``</t>``. ``None`` otherwise (rich text, phonetic runs, comments...)."""
    name = _short(info.filename)
    lengths: list[np.ndarray] = []
    state = {"root": 0, "total": 0, "count": 0}

    def account(data: bytes) -> bool:
        if b"\0" in data:
            return False
        size = len(data)
        a = np.frombuffer(data + b"\0\0\0\0", dtype=np.uint8)
        lt = np.flatnonzero(a == 60)
        ends = np.flatnonzero(a == 62)
        if not len(lt):
            return not data.strip()
        if len(ends) != len(lt) or not (lt < ends).all() or (len(lt) > 1 and not (ends[:-1] < lt[1:]).all()):
            return False
        if int((ends - lt).max()) > MAX_TOKEN_BYTES:
            raise GuardError(f"part {name} has an XML tag or comment over {MAX_TOKEN_BYTES >> 20} MB long; "
                             "the file is damaged or hostile")
        closing = a[lt + 1] == 47
        start = lt + 1 + closing
        first, second, third = a[start], a[start + 1], a[start + 2]
        si = (first == 115) & (second == 105) & _DELIMS[third]
        t = (first == 116) & _DELIMS[second]
        root = (first == 115) & (second == 115) & (third == 116) & _DELIMS[a[start + 3]]
        if _BANG[a[lt + 1]].any() or (a[ends - 1] == 47).any() or not (si | t | root).all():
            return False  # another element, a comment, an empty <si/> or <t/>
        n_root = int(np.count_nonzero(root))
        if n_root:  # <sst> first in the part, </sst> last
            keep = ~root
            if not ((root[0] and not closing[0]) or (root[-1] and closing[-1])) or n_root > 2:
                return False
            state["root"] += n_root
            lt, ends, closing, si = lt[keep], ends[keep], closing[keep], si[keep]
        code = np.where(si, np.where(closing, _SI_CLOSE, _SI), np.where(closing, _T_CLOSE, _T_OPEN))
        if len(code) % 4 or not (code.reshape(-1, 4) == (_SI, _T_OPEN, _T_CLOSE, _SI_CLOSE)).all():
            return False
        got = lt[2::4] - ends[1::4] - 1
        lengths.append(got)
        state["count"] += len(got)
        state["total"] += int(got.sum())
        if state["count"] > MAX_SHARED_STRINGS:
            raise GuardError(f"part {name} has over {MAX_SHARED_STRINGS:,} shared strings (limit)")
        if state["total"] > MAX_TEXT_CHARS:
            raise GuardError(f"its shared strings hold over {MAX_TEXT_CHARS:,} characters (limit); "
                             "the file is too big to read safely")
        return size > 0

    if not _bulk_feed(zf, info, (b"</si>",), account) or state["root"] != 2:
        return None
    out = np.concatenate(lengths).astype(np.int64) if lengths else np.zeros(0, dtype=np.int64)
    return SharedStrings(out, state["total"], int(out.max()) if len(out) else 0)


def _shared_chars(sidx: list[bytes], lengths: np.ndarray, longest: int) -> int:
    """Characters of the shared strings numbered ``sidx`` (as written); a number that is not
    plain digits counts as the longest string, one past the table as nothing (the reader refuses it)."""
    if b"".join(sidx).isdigit():
        idx = np.array(sidx, dtype="S18").astype(np.int64)
        return int(lengths[idx[idx < len(lengths)]].sum())
    total = 0
    for raw in sidx:
        if raw.isdigit():
            k = int(raw)
            total += int(lengths[k]) if k < len(lengths) else 0
        else:
            total += longest
    return total


# ---------------------------------------------------------------- where the reader looks
def reader_paths(target: str) -> list[str]:
    """The zip members a workbook relationship's target may name, in ASCII lower case: as
    resolved from ``xl/`` (with ``..`` removed), and as the reader may take it literally.

    >>> reader_paths("worksheets/sheet1.xml")
    ['xl/worksheets/sheet1.xml']
    >>> reader_paths("/xl/worksheets/../worksheets/s.xml")
    ['xl/worksheets/s.xml', 'xl/worksheets/../worksheets/s.xml']
    """
    if target.startswith("/"):
        ours = target.lstrip("/")
    else:
        ours = "xl/" + target
    ours = posixpath.normpath(ours)
    literal = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else "xl/" + target
    out = [ascii_lower(ours)]
    if ascii_lower(literal) not in out:
        out.append(ascii_lower(literal))
    return out
