"""Hostile and broken input files, written into a folder, for tests of the readers.

Each ``write_*`` function writes one file into ``folder`` and returns its path; the files
are small on disk (the biggest is the 20 MB one-line CSV) whatever they claim or unpack
to. :data:`XLSX` and :data:`CSV` list them with what a reader must say, so that a test
can run every class; :func:`mutants` yields truncated and byte-flipped copies of a sample
workbook, and :func:`sample_workbook` writes such a sample.

The classes (see ``docs/files.md``, "Hostile files"):

* sheet geometry: a far cell written with single quotes, with a tab inside the cell tag,
  in lower case, with a namespace prefix, in a UTF-16 sheet; a far row whose cells have no
  reference (16,384 of them, so the grid is the whole sheet), or only one inside another
  attribute's value; a reference past Excel's last row;
* memory through shared strings: one 32,000-character string shown by 50,000 cells, and
  by 300,000 cells;
* a zip bomb whose zip directory (and local header) claims 30 KB but whose stream
  inflates to a gigabyte;
* XML declaring ``encoding="UTFg8"``; a zip member with compression method 99, or
  needing zip version 18.7; a password-protected (encrypted) workbook, which is an OLE
  compound file holding ``EncryptionInfo`` and ``EncryptedPackage`` streams;
* deep nesting, an XML tag longer than the token limit, 200,000 different element names;
* CSV: a header of 1,000,000 columns, and a single line longer than the line limit.
"""

from __future__ import annotations

import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


# ---------------------------------------------------------------- a sample and re-zipping
def sample_workbook(folder, rows: int = 20, name: str = "sample.xlsx", *, shared_strings: bool = False) -> Path:
    """A valid staff list (synthetic) of ``rows`` rows: written by our writer (inline
    strings), or with ``shared_strings`` by openpyxl (shared strings, as Excel writes)."""
    from xl_kent.lists.synth import staff_sample, write_sample

    path = Path(folder) / name
    sample = staff_sample(rows, bad=2, seed=7)
    if not shared_strings:
        write_sample(path, sample)
        return path
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws.append(sample.headers)
    for i in range(rows):
        ws.append([_plain(c[i]) for c in sample.columns])
    wb.save(path)
    return path


def _plain(v):
    import datetime as dt

    import numpy as np

    if isinstance(v, np.datetime64):
        return None if np.isnat(v) else dt.date.fromisoformat(str(v.astype("datetime64[D]")))
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


def parts_of(path) -> dict[str, bytes]:
    """The members of a zip, uncompressed, in order."""
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info.filename) for info in zf.infolist()}


def write_zip(path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip of ``parts`` (name -> bytes), in order."""
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return Path(path)


def _with_sheet(folder, name: str, edit: Callable[[str], str], base: Path | None = None) -> Path:
    """A copy of the sample workbook whose sheet XML is ``edit(xml)``."""
    base = base or sample_workbook(folder, name="base-" + name)
    parts = parts_of(base)
    parts[SHEET] = edit(parts[SHEET].decode()).encode()
    return write_zip(Path(folder) / name, parts)


def _before_end(xml: str, extra: str) -> str:
    """``extra`` inserted at the end of the sheet data (or instead of an empty one)."""
    if "</sheetData>" in xml:
        return xml.replace("</sheetData>", extra + "</sheetData>", 1)
    return xml.replace("<sheetData/>", f"<sheetData>{extra}</sheetData>", 1)


# ---------------------------------------------------------------- sheet geometry
def write_far_cell_single_quotes(folder) -> Path:
    """A cell at XFD1048576 whose reference is in single quotes (a regex for r="..." misses it)."""
    return _with_sheet(folder, "far_cell_quotes.xlsx", lambda x: _before_end(
        x, "<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>"))


def write_far_cell_tab(folder) -> Path:
    """A cell at XFD1048576 with a tab, not a space, inside its tag."""
    return _with_sheet(folder, "far_cell_tab.xlsx", lambda x: _before_end(
        x, '<row\tr="1048576"><c\tr="XFD1048576"\tt="inlineStr"><is><t>x</t></is></c></row>'))


def write_far_row_implicit_cells(folder) -> Path:
    """Row 1048576 holding 16,384 cells without references: the reader puts them at
    A1048576 to XFD1048576, a grid of the whole sheet, with no far reference written."""
    cells = "<c><v>1</v></c>" * 16_384
    return _with_sheet(folder, "far_row_implicit.xlsx", lambda x: _before_end(x, f'<row r="1048576">{cells}</row>'))


def write_lowercase_far_cell(folder) -> Path:
    """A far cell written in lower case (the reader accepts ``xfd1048576``)."""
    return _with_sheet(folder, "far_cell_lower.xlsx", lambda x: _before_end(
        x, '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>'))


def write_fake_reference_in_value(folder) -> Path:
    """16,384 cells in row 1048576 whose only ``r="A1"`` is inside another attribute's
    value: they have no reference, so the reader puts them at A1048576 to XFD1048576."""
    cells = """<c s=' r="A1"'><v>1</v></c>""" * 16_384
    return _with_sheet(folder, "fake_reference.xlsx", lambda x: _before_end(x, f'<row r="1048576">{cells}</row>'))


def write_prefixed_far_cell(folder) -> Path:
    """A far cell written with a namespace prefix (``<x:c>``): the reader matches local names."""
    return _with_sheet(folder, "prefixed_far_cell.xlsx", lambda x: _before_end(
        x, f'<x:row xmlns:x="{NS}" r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'))


def write_utf16_far_cell(folder) -> Path:
    """The sheet in UTF-16 (with a byte-order mark), holding a far cell."""
    base = sample_workbook(folder, name="base-utf16.xlsx")
    parts = parts_of(base)
    xml = _before_end(parts[SHEET].decode(), '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    parts[SHEET] = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).encode("utf-16")
    return write_zip(Path(folder) / "utf16_far_cell.xlsx", parts)


def write_many_names(folder, names: int = 200_000) -> Path:
    """Elements of ``names`` different names in the sheet (a parser keeps every name)."""
    extra = "".join(f"<n{i}/>" for i in range(names))
    return _with_sheet(folder, "many_names.xlsx", lambda x: x.replace("</worksheet>", extra + "</worksheet>", 1))


def write_cell_outside_grid(folder) -> Path:
    """A cell reference past Excel's last row (the reader's row arithmetic would overflow)."""
    return _with_sheet(folder, "cell_outside_grid.xlsx", lambda x: _before_end(
        x, '<row r="9"><c r="A4294967297"><v>1</v></c></row>'))


# ---------------------------------------------------------------- shared strings
def write_shared_string_expansion(folder, cells: int = 50_000, chars: int = 32_000,
                                  name: str = "shared_expansion.xlsx") -> Path:
    """One ``chars``-character shared string shown by ``cells`` cells (a column of them):
    a small file whose cells expand to ``cells x chars`` characters."""
    base = sample_workbook(folder, name="base-" + name)
    parts = parts_of(base)
    parts[STRINGS] = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{cells}" uniqueCount="1">'
                      f"<si><t>{'x' * chars}</t></si></sst>").encode()
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, cells + 1))
    parts[SHEET] = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><dimension ref="A1:A{cells}"/>'
                    f"<sheetData>{rows}</sheetData></worksheet>").encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    if "sharedStrings" not in rels:
        rels = rels.replace("</Relationships>", '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
                            'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                            "</Relationships>")
        parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    return write_zip(Path(folder) / name, parts)


def write_shared_string_expansion_big(folder) -> Path:
    """The same with 300,000 cells (9.6 billion characters)."""
    return write_shared_string_expansion(folder, cells=300_000, name="shared_expansion_big.xlsx")


# ---------------------------------------------------------------- the zip
def write_forged_size_bomb(folder, unpacked: int = 3 << 30, claimed: int = 30_000) -> Path:
    """A sheet whose zip directory and local header say ``claimed`` bytes but whose deflate
    stream inflates to ``unpacked`` bytes (well-formed XML: the sheet, then spaces). The
    stream repeats one fully flushed block of 1 MB of spaces, so building it is instant and
    the file is about 1 MB per GB."""
    base = sample_workbook(folder, name="base-bomb.xlsx")
    parts = parts_of(base)
    path = Path(folder) / "forged_bomb.xlsx"
    head, tail = parts[SHEET].split(b"</sheetData>", 1)
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    spaces = block.compress(b" " * (1 << 20)) + block.flush(zlib.Z_FULL_FLUSH)
    data = start + spaces * (max(unpacked - len(head), 0) >> 20) + comp.compress(b"</sheetData>" + tail) + comp.flush()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    _replace_member(path, SHEET, data, crc=0, size=claimed)
    return path


def _replace_member(path: Path, name: str, raw: bytes, crc: int, size: int) -> None:
    """Rewrite a zip with member ``name``'s compressed bytes, CRC and uncompressed size set
    in both its local header and the central directory (deflate)."""
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        blobs = {i.filename: _raw_member(path, i) for i in infos}
    out = bytearray()
    central = bytearray()
    for info in infos:
        body = raw if info.filename == name else blobs[info.filename]
        fname = info.filename.encode()
        this_crc = crc if info.filename == name else info.CRC
        this_size = size if info.filename == name else info.file_size
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8 if info.filename == name else info.compress_type,
                           0, 0x21, this_crc, len(body), this_size, len(fname), 0) + fname + body
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0,
                               8 if info.filename == name else info.compress_type, 0, 0x21, this_crc, len(body),
                               this_size, len(fname), 0, 0, 0, 0, 0, offset) + fname
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(infos), len(infos), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))


def _raw_member(path: Path, info: zipfile.ZipInfo) -> bytes:
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        header = f.read(30)
        n, m = struct.unpack("<2H", header[26:30])
        f.seek(info.header_offset + 30 + n + m)
        return f.read(info.compress_size)


def _patch_member_header(path: Path, name: str, field: str, value: int) -> None:
    """Set ``field`` ("method" or "version") of member ``name`` in both zip headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
        cd_start = zf.start_dir
    local = info.header_offset
    if field == "method":
        struct.pack_into("<H", data, local + 8, value)
    else:
        struct.pack_into("<H", data, local + 4, value)
    pos = cd_start
    while data[pos:pos + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<3H", data, pos + 28)
        if data[pos + 46:pos + 46 + n] == name.encode():
            if field == "method":
                struct.pack_into("<H", data, pos + 10, value)
            else:
                struct.pack_into("<H", data, pos + 6, value)
        pos += 46 + n + m + k
    path.write_bytes(bytes(data))


def write_compression_99(folder) -> Path:
    """The sheet's compression method set to 99 (AES, which Excel does not write)."""
    path = write_zip(Path(folder) / "method99.xlsx", parts_of(sample_workbook(folder, name="base-m99.xlsx")))
    _patch_member_header(path, SHEET, "method", 99)
    return path


def write_zip_version_187(folder) -> Path:
    """The sheet needing zip version 18.7 to extract."""
    path = write_zip(Path(folder) / "version187.xlsx", parts_of(sample_workbook(folder, name="base-v187.xlsx")))
    _patch_member_header(path, SHEET, "version", 187)
    return path


def write_bad_encoding(folder) -> Path:
    """The sheet's XML declares ``encoding="UTFg8"``."""
    return _with_sheet(folder, "encoding_utfg8.xlsx",
                       lambda x: x.replace('encoding="UTF-8"', 'encoding="UTFg8"', 1))


def write_deep_nesting(folder, depth: int = 100_000) -> Path:
    """Elements nested ``depth`` deep inside the sheet (each level costs a parser memory)."""
    return _with_sheet(folder, "deep_nesting.xlsx",
                       lambda x: x.replace("</worksheet>", "<a>" * depth + "</a>" * depth + "</worksheet>", 1))


def write_long_token(folder, size: int = 20 << 20) -> Path:
    """An attribute value of ``size`` bytes (a parser holds a tag whole): random letters
    ``a``/``b``, which compress only ~8 to 1, so the zip checks pass and the XML parse must
    refuse it (the file is ~3 MB)."""
    table = bytes(97 + (i & 1) for i in range(256))
    value = random.Random(5).randbytes(size).translate(table).decode()
    return _with_sheet(folder, "long_token.xlsx", lambda x: x.replace(
        "<sheetData>", f'<sheetData><row r="1" x="{value}"></row>', 1))


# ---------------------------------------------------------------- an encrypted workbook
def write_encrypted(folder) -> Path:
    """What Excel writes for a password-protected workbook: an OLE compound file (CFB,
    version 3) whose directory holds the streams ``EncryptionInfo`` and ``EncryptedPackage``
    (and the ``\\x06DataSpaces`` storage); the streams here are short and meaningless."""
    sector = 512
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = struct.pack("<8s16s5H6s9L", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6,
                         b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109L", 0, *([free] * 108))
    fat = struct.pack("<128L", fat_sect, end, end, *([free] * 125))

    def entry(name: str, kind: int, child=free, left=free, right=free, start=end, size=0) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBB3L16sLQQLQ", raw, len(raw), kind, 1, left, right, child, b"\0" * 16, 0, 0, 0,
                           start, size)

    directory = (entry("Root Entry", 5, child=1)
                 + entry("EncryptionInfo", 2, right=2, start=2, size=64)
                 + entry("EncryptedPackage", 2, right=3, start=2, size=64)
                 + entry("\x06DataSpaces", 1))
    data = b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\0" * (sector - 8)
    path = Path(folder) / "encrypted.xlsx"
    path.write_bytes(header + fat + directory + data)
    return path


# ---------------------------------------------------------------- CSV
def write_wide_csv_header(folder, columns: int = 1_000_000) -> Path:
    """A CSV file whose header has ``columns`` columns (and one data row)."""
    path = Path(folder) / "wide_header.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(f"c{i}" for i in range(columns)) + "\n")
        f.write(",".join("1" for _ in range(10)) + "\n")
    return path


def write_one_line_csv(folder, size: int = 20 << 20) -> Path:
    """A CSV file of one line of ``size`` bytes (over the line limit of 16 MB by default;
    a test may lower the limit and pass a smaller size)."""
    path = Path(folder) / "one_line.csv"
    block = b"Employee ID,Salary," * 4096
    with open(path, "wb") as f:
        left = size
        while left > 0:
            f.write(block[:left])
            left -= len(block)
    return path


# ---------------------------------------------------------------- the list
XLSX: list[tuple[str, Callable[[Path], Path], str]] = [
    ("far cell, single quotes", write_far_cell_single_quotes, "XFD1048576"),
    ("far cell, tab in tag", write_far_cell_tab, "XFD1048576"),
    ("far row, cells without reference", write_far_row_implicit_cells, "1,048,576 rows"),
    ("far cell, lower case", write_lowercase_far_cell, "XFD1048576"),
    ("cell outside Excel's grid", write_cell_outside_grid, "grid"),
    ("reference only inside a value", write_fake_reference_in_value, "1,048,576 rows"),
    ("far cell, prefixed tag", write_prefixed_far_cell, "XFD1048576"),
    ("far cell, UTF-16 sheet", write_utf16_far_cell, "XFD1048576"),
    ("many XML names", write_many_names, "names"),
    ("shared string x 50,000 cells", write_shared_string_expansion, "characters"),
    ("shared string x 300,000 cells", write_shared_string_expansion_big, "characters"),
    ("zip bomb, forged size", write_forged_size_bomb, "zip bomb"),
    ("encoding UTFg8", write_bad_encoding, "encoding"),
    ("compression method 99", write_compression_99, "compression"),
    ("zip version 18.7", write_zip_version_187, "18.7"),
    ("encrypted workbook", write_encrypted, "password"),
    ("deep nesting", write_deep_nesting, "deep"),
    ("long XML token", write_long_token, "long"),
]
"""(label, builder, a word the refusal must contain) for each hostile workbook."""

CSV: list[tuple[str, Callable[[Path], Path], str]] = [
    ("1,000,000-column header", write_wide_csv_header, "1,000,000 columns"),
    ("one 20 MB line", write_one_line_csv, "line"),
]
"""The same for CSV files."""


# ---------------------------------------------------------------- mutants
def mutants(sample_path, n: int, seed: int = 0) -> Iterator[tuple[str, bytes]]:
    """``n`` damaged copies of the workbook ``sample_path``: ``(what was done, bytes)``.

    A third are cut short at a random length, a third have 1-8 random bytes changed
    anywhere (mostly in compressed data), and a third have one XML part changed (bytes
    flipped, deleted or repeated in its uncompressed text) and re-zipped with a valid
    checksum, so that the XML itself reaches the parsers.
    """
    rnd = random.Random(seed)
    data = Path(sample_path).read_bytes()
    parts = parts_of(sample_path)
    xml_names = [k for k in parts if k.endswith((".xml", ".rels"))]
    for i in range(n):
        how = i % 3
        if how == 0:
            cut = rnd.randrange(0, len(data))
            yield f"cut at {cut}", data[:cut]
        elif how == 1:
            out = bytearray(data)
            for _ in range(rnd.randint(1, 8)):
                out[rnd.randrange(len(out))] = rnd.randrange(256)
            yield "bytes flipped", bytes(out)
        else:
            name = rnd.choice(xml_names)
            body = bytearray(parts[name])
            at = rnd.randrange(max(len(body), 1))
            op = rnd.choice(("flip", "delete", "repeat", "digit"))
            if op == "flip":
                for _ in range(rnd.randint(1, 4)):
                    body[rnd.randrange(len(body))] = rnd.randrange(256)
            elif op == "delete":
                del body[at:at + rnd.randint(1, 40)]
            elif op == "repeat":
                body[at:at] = body[at:at + rnd.randint(1, 200)] * rnd.randint(2, 50)
            else:  # a digit changed, e.g. in a cell reference or a shared-string number
                digits = [j for j, b in enumerate(body) if 48 <= b <= 57]
                if digits:
                    body[rnd.choice(digits)] = rnd.choice(b"0123456789")
            changed = dict(parts)
            changed[name] = bytes(body)
            yield f"{name}: {op}", _zip_bytes(changed)


def _zip_bytes(parts: dict[str, bytes]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return buf.getvalue()
