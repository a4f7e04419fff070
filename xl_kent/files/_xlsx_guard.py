"""Checks an xlsx file must pass before a sheet of it is loaded (private to ``reading``).

A workbook is a zip of XML parts, and both layers can be made hostile: a zip member that
inflates to gigabytes (a zip bomb, possibly with a forged size in the zip directory), an
XML part with a DTD (entity expansion, external entities), or a sheet whose cells sit so
far apart that the dense grid the reader builds would not fit in memory. These checks
run on the zip directory and on the raw compressed bytes (inflated here, with a budget,
whatever sizes the directory claims), so nothing big is allocated before they pass.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

# ---- limits (documented in docs/files.md) ----
# Members in the zip (a workbook has a few dozen).
MAX_ZIP_MEMBERS = 10_000
# Uncompressed bytes of one part: a 1,000,000-row x 15-column sheet is ~150 MB.
MAX_PART_BYTES = 1 << 30
# Uncompressed bytes of all parts together.
MAX_TOTAL_BYTES = 2 << 30
# Compression ratio allowed for parts above RATIO_FLOOR_BYTES (real sheets: ~5-20).
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 16 << 20
# Cells of the grid read (rows x columns from A1 to the farthest cell).
MAX_CELLS = 20_000_000
# Bytes of an XML part's start searched for a DTD and the <dimension> element.
PROLOG_BYTES = 1 << 20
# Raw bytes read and inflated at a time.
CHUNK_BYTES = 1 << 20

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


class GuardError(Exception):
    """The reason a workbook is refused (the caller adds the file name)."""


def column_index(letters: str) -> int:
    """1-based column number of column letters.

    >>> column_index("A"), column_index("Z"), column_index("AA"), column_index("XFD")
    (1, 26, 27, 16384)
    """
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def check_directory(zf: zipfile.ZipFile) -> None:
    """Refuse a zip whose directory declares a bomb: too many, too big or too compressed members."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise GuardError(f"the zip has {len(infos):,} parts (limit {MAX_ZIP_MEMBERS:,})")
    total = 0
    for info in infos:
        total += info.file_size
        _check_size(info.filename, info.file_size, info.compress_size)
    if total > MAX_TOTAL_BYTES:
        raise GuardError(f"its parts would unpack to {total / 2**20:,.0f} MB (limit {MAX_TOTAL_BYTES / 2**20:,.0f} MB); "
                         "it may be a zip bomb")


def _check_size(name: str, size: int, compressed: int) -> None:
    if size > MAX_PART_BYTES:
        raise GuardError(f"part {name} would unpack to {size / 2**20:,.0f} MB "
                         f"(limit {MAX_PART_BYTES / 2**20:,.0f} MB); it may be a zip bomb")
    if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(compressed, 1):
        raise GuardError(f"part {name} is compressed {size / max(compressed, 1):,.0f} to 1 "
                         f"(limit {MAX_RATIO} to 1); it may be a zip bomb")


def inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int | None = None) -> Iterator[bytes]:
    """Yield a member's uncompressed bytes in chunks, counting them against the limits.

    The raw deflate stream is inflated here, so a size forged in the zip directory does
    not help a bomb. ``limit`` stops early (the chunks seen so far are all yielded).
    """
    fp = zf.fp
    if fp is None:
        raise GuardError("the zip is closed")
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise GuardError(f"part {info.filename} is damaged")
    fields = _LOCAL_HEADER.unpack(header)
    fp.seek(info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])
    if info.flag_bits & 0x1:
        raise GuardError("it is encrypted")
    method = info.compress_type
    if method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise GuardError(f"part {info.filename} uses a compression Excel does not write")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if method == zipfile.ZIP_DEFLATED else None
    left = info.compress_size
    done = 0
    while left > 0:
        raw = fp.read(min(CHUNK_BYTES, left))
        if not raw:
            raise GuardError(f"part {info.filename} is cut short (the file is truncated)")
        left -= len(raw)
        pieces = [raw] if inflater is None else _inflate_piece(inflater, raw, info.filename)
        for piece in pieces:
            done += len(piece)
            _check_size(info.filename, done, info.compress_size)
            yield piece
            if limit is not None and done >= limit:
                return
        if inflater is not None and inflater.eof:
            break


def _inflate_piece(inflater, raw: bytes, name: str) -> Iterator[bytes]:
    try:
        out = inflater.decompress(raw, CHUNK_BYTES * 8)
        while True:
            yield out
            if not inflater.unconsumed_tail:
                break
            out = inflater.decompress(inflater.unconsumed_tail, CHUNK_BYTES * 8)
    except zlib.error as exc:
        raise GuardError(f"part {name} is damaged ({exc})") from None


def read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """A whole (small) part, inflated with the limits and parsed-checked for a DTD by the caller."""
    return b"".join(inflate(zf, zf.getinfo(name)))


def parse_xml(data: bytes, name: str):
    """Parse a part with defusedxml, refusing DTDs, entities and external references."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise GuardError(f"part {name} declares a DTD or entities ({type(exc).__name__}); "
                         "such XML is refused for safety") from None
    except SafeET.ParseError as exc:
        raise GuardError(f"part {name} is not well-formed XML ({exc})") from None


class _Feed:
    """A file-like over chunks, handing out at most ``size`` bytes a read and keeping
    every chunk it pulled (``seen``), so a scan can start again from the beginning."""

    def __init__(self, chunks: Iterator[bytes]):
        self.chunks = chunks
        self.seen: list[bytes] = []
        self._current = b""
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        while self._offset >= len(self._current):
            chunk = next(self.chunks, None)
            if chunk is None:
                return b""
            self.seen.append(chunk)
            self._current, self._offset = chunk, 0
        stop = len(self._current) if size is None or size < 0 else self._offset + size
        out = self._current[self._offset:stop]
        self._offset += len(out)
        return out


def check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a part with a DTD: it can only come before the root element, so read to it."""
    feed = _Feed(inflate(zf, info, limit=PROLOG_BYTES))
    _parse_start(feed, info.filename, stop_at="root")


def _parse_start(feed: _Feed, name: str, stop_at: str) -> str | None:
    """Parse the start of a part; return the sheet's ``<dimension ref>`` when ``stop_at="sheetData"``."""
    dimension = None
    try:
        for _event, elem in SafeET.iterparse(feed, events=("start",), forbid_dtd=True):
            if stop_at == "root":
                break
            tag = elem.tag.rsplit("}", 1)[-1]
            if tag == "dimension":
                dimension = elem.get("ref")
            elif tag == "sheetData":
                break
    except DefusedXmlException as exc:
        raise GuardError(f"part {name} declares a DTD or entities ({type(exc).__name__}); "
                         "such XML is refused for safety") from None
    except SafeET.ParseError as exc:
        if feed.seen and sum(map(len, feed.seen)) >= PROLOG_BYTES:
            return dimension  # a prolog longer than we read: it has no DTD at its start
        raise GuardError(f"part {name} is not well-formed XML ({exc})") from None
    return dimension


def _greater(limit: str, alphabet: str) -> str:
    """A regex for strings of ``alphabet`` as long as ``limit`` and greater than it."""
    branches = []
    for i, ch in enumerate(limit):
        pos = alphabet.index(ch)
        if pos + 1 < len(alphabet):
            rest = len(limit) - i - 1
            branches.append(f"{re.escape(limit[:i])}[{alphabet[pos + 1]}-{alphabet[-1]}]"
                            f"[{alphabet[0]}-{alphabet[-1]}]{{{rest}}}")
    return "|".join(branches) or "(?!)"


def scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[tuple[int, int], str]:
    """Check a worksheet part before it is loaded; return its error cells.

    Refuses a DTD, a declared or actual grid over :data:`MAX_CELLS`, and returns
    ``{(row, column): "#N/A", ...}`` (1-based) for the cells of type ``e`` (errors),
    which the fast reader reports as blank.

    Only cell references beyond the ``<dimension>`` the sheet declares are examined one
    by one (a regex finds them; honest files have none), so the scan costs about one
    inflate of the part.
    """
    feed = _Feed(inflate(zf, info))
    dimension = _parse_start(feed, info.filename, stop_at="sheetData")
    max_col, max_row = 0, 0
    if dimension:
        for letters, digits in _REF.findall(dimension.upper()):
            max_col, max_row = max(max_col, column_index(letters)), max(max_row, int(digits))
        _check_area(max_row, max_col, "declares")
    if max_row and max_col:
        letters = _letters(max_col)
        digits = str(max_row)
        beyond = re.compile(
            (rf' r="(?:[A-Z]{{{len(letters) + 1},}}|{_greater(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")})[0-9]'
             rf'| r="[A-Z]+(?:[0-9]{{{len(digits) + 1},}}|{_greater(digits, "0123456789")})"').encode())
    else:  # no dimension: every cell reference is examined
        beyond = re.compile(rb' r="[A-Z]+[0-9]+"')
    ref_in = re.compile(rb' r="([A-Z]+)([0-9]+)"')
    errors: dict[tuple[int, int], str] = {}
    n_cells = 0
    tail = b""
    for chunk in _chain(feed.seen, feed):
        # Keep the last cell (or tag) for the next chunk, so no cell or reference is split;
        # the empty chunk at the end flushes it.
        data = tail + chunk
        if chunk:
            cut = data.rfind(b"<c ")
            if cut <= 0:
                cut = data.rfind(b"<")
            data, tail = data[:cut], data[cut:]
        else:
            tail = b""
        n_cells += data.count(b"<c ") + data.count(b"<c>")
        for m in beyond.finditer(data):
            ref = ref_in.match(data, m.start())
            if ref:
                max_col = max(max_col, column_index(ref.group(1).decode()))
                max_row = max(max_row, int(ref.group(2)))
        if max_row * max_col > MAX_CELLS:
            _check_area(max_row, max_col, "has cells as far as")
        if b't="e"' in data:
            _errors_in(data, errors)
    if n_cells > MAX_CELLS:
        raise GuardError(f"the sheet has {n_cells:,} cells (limit {MAX_CELLS:,})")
    return errors


def _chain(seen: list[bytes], feed: _Feed) -> Iterator[bytes]:
    yield from seen
    yield from feed.chunks
    yield b""


def _check_area(max_row: int, max_col: int, verb: str) -> None:
    if max_row * max_col > MAX_CELLS:
        raise GuardError(f"the sheet {verb} {_letters(max_col)}{max_row} ({max_row:,} rows x {max_col:,} columns, "
                         f"limit {MAX_CELLS:,} cells)")


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


_ERROR_CELL = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)


def _errors_in(data: bytes, errors: dict) -> None:
    for m in _ERROR_CELL.finditer(data):
        ref = re.search(rb'\br="([A-Z]+)([0-9]+)"', m.group(0)[: m.group(0).find(b">")])
        if ref:
            errors[(int(ref.group(2)), column_index(ref.group(1).decode()))] = m.group(1).decode(
                "utf-8", "replace")
