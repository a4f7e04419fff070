"""Checks of an xlsx file the project writes, without Excel: each says what is wrong, in words.

Every check takes the path of an xlsx and returns a list of problems (empty: the file passes),
so that a failing test says which part, cell or zip member is wrong and why:

- :func:`well_formed`: every ``*.xml`` / ``*.rels`` part parses (lxml), so no control character
  or unescaped ``&`` anywhere, formula cached values included;
- :func:`openxml_audit`: the Open XML SDK rules (``openxml-audit --policy permissive -f
  microsoft365``); the permissive policy reports schema errors as warnings and still exits 0,
  so every finding counts except the advice that inline strings will move to a shared-string
  table when Excel saves (inline strings are valid SpreadsheetML);
- :func:`zip_layout`: each member's local header agrees with the central directory (name,
  method, flags, sizes and CRC), with no Zip64 extra field on a part under 4 GiB (SheetJS
  refuses those), the members do not overlap and their CRCs hold;
- :func:`readers_agree`: SheetJS (npm ``xlsx`` 0.18.5, through ``sheetjs_dump.js``, ``WTF`` mode:
  it throws on what it would otherwise pass over), python-calamine and openpyxl read the same
  sheets and the same non-empty cells with the same values (formula cells by their cached
  values, dates as serial numbers, numbers exactly). Two reader quirks are allowed for:
  calamine reads an error cell as empty, and openpyxl 3.1 leaves Excel's ``_xHHHH_`` escapes in
  text as they are (:func:`openpyxl_text`);
- :func:`libreoffice_agrees`: LibreOffice (every file loaded and saved again in one headless
  session, :func:`libreoffice_resave`) holds the same constant cells as SheetJS (or openpyxl if
  SheetJS cannot read the file); formula cells and the cells of an array formula's range are
  left out (LibreOffice may recalculate them), and numbers agree to the 15 significant digits
  LibreOffice writes;
- :func:`excel_limits`: no text over 32,767 UTF-16 units, no number beyond +-9.99999999999999E+307
  (nor infinite or NaN), no formula over 8,192 characters, cells within 1,048,576 rows and
  16,384 columns, valid sheet names (1 to 31 characters, none of ``[]:*?/\\``, not starting or
  ending with ``'``, not "History", unique ignoring case);
- :func:`text_kept_as_text`: hostile text of the input (formula-looking text, control
  characters, markup) is in the file as text, and no formula was made of it.

The tools: :func:`openxml_audit_command` (the ``openxml_audit`` module of this Python, else the
``openxml-audit`` script beside it or on ``PATH``) and :func:`sheetjs_package` (run by ``node``:
the SheetJS package named by ``XL_KENT_SHEETJS``, by default
``$XL_KENT_NODE_DIR/node_modules/xlsx`` with ``XL_KENT_NODE_DIR`` defaulting to
``~/.cache/xl-kent-node``: where ``.ci/run`` installs it). :func:`missing_tool` skips a test
whose tool is absent, or fails it when ``XL_KENT_REQUIRE_LIBREOFFICE=1`` or ``CI`` is set.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

HERE = Path(__file__).resolve().parent
SHEETJS_DUMP = HERE / "sheetjs_dump.js"
SHEETJS_VERSION = "0.18.5"

EXCEL_MAX_TEXT = 32_767  # UTF-16 code units a cell
EXCEL_MAX_NUMBER = 9.99999999999999e307
EXCEL_MAX_FORMULA = 8_192
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
ERROR_TEXTS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!",
               "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!", "#PYTHON!"}
# openxml-audit's advice that is not a defect: Excel reads inline strings and moves them to a
# shared-string table only when it saves the workbook.
AUDIT_ADVICE = re.compile(r"inline-string cell\(s\).*no populated `xl/sharedStrings\.xml`")
SHOWN = 8  # differences shown per comparison

_ZIP64_LIMIT = 0xFFFFFFFF
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
_C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REL_SHARED_STRINGS = "/sharedStrings"
_REL_OFFICE_DOCUMENT = "/officeDocument"

Cells = dict[tuple[int, int], tuple[str, Any]]  # (row, col) 0-based -> (kind, value); kinds n s b e


# ---------------------------------------------------------------- tools
def require_tools() -> bool:
    """Whether a missing tool must fail the test (CI) rather than skip it."""
    return os.environ.get("XL_KENT_REQUIRE_LIBREOFFICE") == "1" or bool(os.environ.get("CI"))


def missing_tool(reason: str) -> None:
    """Skip the calling test for a missing tool, or fail it where the tools are required."""
    import pytest

    if require_tools():
        pytest.fail(f"required here (XL_KENT_REQUIRE_LIBREOFFICE=1 or CI set): {reason}")
    pytest.skip(reason)


def openxml_audit_command() -> list[str] | None:
    """How to run openxml-audit from this Python's environment, or None."""
    if importlib.util.find_spec("openxml_audit") is not None:
        return [sys.executable, "-m", "openxml_audit"]
    beside = Path(sys.executable).parent / "openxml-audit"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("openxml-audit")
    return [found] if found else None


def sheetjs_package() -> Path:
    if os.environ.get("XL_KENT_SHEETJS"):
        return Path(os.environ["XL_KENT_SHEETJS"])
    node_dir = os.environ.get("XL_KENT_NODE_DIR") or Path.home() / ".cache" / "xl-kent-node"
    return Path(node_dir) / "node_modules" / "xlsx"


def sheetjs_unavailable() -> str | None:
    """Why SheetJS cannot run here, or None."""
    if not shutil.which("node"):
        return "node is not installed (SheetJS, the npm package xlsx, runs in node; .ci/run installs both)"
    package = sheetjs_package()
    manifest = package / "package.json"
    if not manifest.exists():
        return (f"SheetJS is not installed at {package} (set XL_KENT_SHEETJS, or run "
                f"npm install --no-save --prefix ~/.cache/xl-kent-node xlsx@{SHEETJS_VERSION})")
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != SHEETJS_VERSION:
        return f"SheetJS at {package} is version {version}, not {SHEETJS_VERSION}"
    return None


def openxml_audit_unavailable() -> str | None:
    if openxml_audit_command() is None:
        return "openxml-audit is not installed (pip install openxml-audit; it is in the test extra)"
    return None


# ---------------------------------------------------------------- 1. well-formed parts
def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def well_formed(path: Path) -> list[str]:
    """Every ``*.xml`` and ``*.rels`` part of the zip parses as XML."""
    from lxml import etree

    problems = []
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        return [f"not a zip file: {e}"]
    with zf:
        parts = [n for n in zf.namelist() if n.lower().endswith((".xml", ".rels"))]
        if "[Content_Types].xml" not in zf.namelist():
            problems.append("no [Content_Types].xml part")
        for name in parts:
            data = zf.read(name)
            try:
                etree.fromstring(data, _parser())
            except etree.XMLSyntaxError as e:
                line, col = (e.position if e.position else (0, 0))
                problems.append(f"{name}: not well-formed XML: {e.msg} (line {line}, column {col}): "
                                f"{_context(data, line, col)}")
    return problems


def _context(data: bytes, line: int, col: int) -> str:
    try:
        text = data.decode("utf-8", "replace").split("\n")[max(line - 1, 0)]
    except IndexError:
        return ""
    return repr(text[max(col - 60, 0): col + 40])


# ---------------------------------------------------------------- 2. Open XML SDK rules
def openxml_audit(path: Path, timeout: float = 600) -> list[str]:
    """``openxml-audit --policy permissive -f microsoft365 -m 0 -o json PATH``: exit 0 and no finding
    but the inline-string advice."""
    command = openxml_audit_command()
    if command is None:
        return ["openxml-audit is not installed"]
    done = subprocess.run([*command, "--policy", "permissive", "-f", "microsoft365", "-m", "0", "-o", "json",
                           str(path)], capture_output=True, text=True, timeout=timeout)
    return audit_problems(done.returncode, done.stdout, done.stderr)


def audit_problems(returncode: int, stdout: str, stderr: str) -> list[str]:
    """The problems of one openxml-audit run (exit code and JSON report)."""
    problems = []
    if returncode != 0:
        problems.append(f"openxml-audit exited {returncode}: {stderr.strip()[-400:]}")
    try:
        reports = json.loads(stdout)
    except json.JSONDecodeError:
        return [*problems, f"openxml-audit wrote no JSON report: {stdout[:300]!r} {stderr[-300:]!r}"]
    for report in reports:
        if not report.get("valid", False):
            problems.append(f"openxml-audit: not valid ({report.get('error_count')} errors)")
        for finding in report.get("errors", []):
            if finding.get("type") == "semantic" and finding.get("severity") == "warning" \
                    and AUDIT_ADVICE.search(finding.get("description", "")):
                continue
            problems.append(f"openxml-audit {finding.get('type')} {finding.get('severity')}: "
                            f"{finding.get('part_uri')} {finding.get('path') or ''} "
                            f"<{finding.get('node')}>: {finding.get('description')}")
    return problems


# ---------------------------------------------------------------- 3. zip layout
def zip_layout(path: Path) -> list[str]:
    """Local headers agree with the central directory; no Zip64 extra field where none is needed."""
    problems = []
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        return [f"not a zip file: {e}"]
    with zf, open(path, "rb") as raw:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        for name in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"{name}: {names.count(name)} members of that name in the central directory")
        spans = []
        for info in infos:
            problems += _local_header_problems(raw, info)
            raw.seek(info.header_offset + 26)
            name_len, extra_len = struct.unpack("<2H", raw.read(4))
            spans.append((info.header_offset, info.header_offset + 30 + name_len + extra_len + info.compress_size,
                          info.filename))
        spans.sort()
        for (_, end, a), (start, _, b) in zip(spans, spans[1:], strict=False):
            if start < end:
                problems.append(f"members {a} and {b} overlap (the first ends at byte {end}, the next starts at {start})")
        if spans and spans[-1][1] > zf.start_dir:
            problems.append(f"member {spans[-1][2]} runs into the central directory")
        try:
            bad = zf.testzip()
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as e:
            problems.append(f"a member cannot be read: {e}")
        else:
            if bad is not None:
                problems.append(f"{bad}: CRC or size does not match the data")
    return problems


def _local_header_problems(raw, info: zipfile.ZipInfo) -> list[str]:
    name = info.filename
    raw.seek(info.header_offset)
    head = raw.read(_LOCAL_HEADER.size)
    if len(head) < _LOCAL_HEADER.size:
        return [f"{name}: local header at byte {info.header_offset} is cut short"]
    (signature, _version, _system, flags, method, _time, _date, crc, csize, usize, name_len,
     extra_len) = _LOCAL_HEADER.unpack(head)
    if signature != b"PK\x03\x04":
        return [f"{name}: no local header signature at byte {info.header_offset} ({signature!r})"]
    local_name_bytes = raw.read(name_len)
    extra = raw.read(extra_len)
    local_name = local_name_bytes.decode("utf-8" if flags & 0x800 else "cp437", "replace")
    problems = []
    if local_name != name:
        problems.append(f"{name}: the local header names it {local_name!r}")
    if method != info.compress_type:
        problems.append(f"{name}: compression method {method} in the local header, {info.compress_type} "
                        "in the central directory")
    if flags & 0x1:
        problems.append(f"{name}: encrypted")
    if (flags ^ info.flag_bits) & 0x0809:  # encrypted, data descriptor, UTF-8 name
        problems.append(f"{name}: general purpose flags {flags:#06x} in the local header, "
                        f"{info.flag_bits:#06x} in the central directory")
    fields = _extra_fields(extra)
    if fields is None:
        problems.append(f"{name}: the local header's extra field is malformed ({extra.hex()})")
        fields = {}
    small = info.file_size < _ZIP64_LIMIT and info.compress_size < _ZIP64_LIMIT \
        and info.header_offset < _ZIP64_LIMIT
    if 0x0001 in fields and small:
        problems.append(f"{name}: Zip64 extra field in the local header of a {info.file_size:,}-byte part "
                        f"(local sizes {csize:#x}/{usize:#x}; the central directory says "
                        f"{info.compress_size:,}/{info.file_size:,}): SheetJS refuses this")
    if not flags & 0x8:
        if 0x0001 in fields and (csize == _ZIP64_LIMIT or usize == _ZIP64_LIMIT):
            z = fields[0x0001]
            values = struct.unpack(f"<{len(z) // 8}Q", z[: len(z) // 8 * 8])
            it = iter(values)
            usize = next(it, usize) if usize == _ZIP64_LIMIT else usize
            csize = next(it, csize) if csize == _ZIP64_LIMIT else csize
        for what, local, central in (("CRC", crc, info.CRC), ("compressed size", csize, info.compress_size),
                                     ("size", usize, info.file_size)):
            if local != central:
                problems.append(f"{name}: {what} {local:,} in the local header, {central:,} in the central directory")
    return problems


def _extra_fields(extra: bytes) -> dict[int, bytes] | None:
    fields, i = {}, 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack_from("<2H", extra, i)
        if i + 4 + size > len(extra):
            return None
        fields[tag] = extra[i + 4: i + 4 + size]
        i += 4 + size
    return fields if i == len(extra) else None


# ---------------------------------------------------------------- the file's own cells (lxml)
@dataclass
class RawSheet:
    name: str
    part: str
    state: str = "visible"
    cells: Cells = field(default_factory=dict)
    numbers_text: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    arrays: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 of array formulas

    def in_array(self, rc: tuple[int, int]) -> bool:
        """Whether the cell is in the range of an array formula (a spilled or CSE result)."""
        if "_array_cells" not in self.__dict__:
            area = sum((r1 - r0 + 1) * (c1 - c0 + 1) for r0, c0, r1, c1 in self.arrays)
            self.__dict__["_array_cells"] = {(r, c) for r0, c0, r1, c1 in self.arrays
                                             for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                                             } if area <= 5_000_000 else None
        cells = self.__dict__["_array_cells"]
        if cells is not None:
            return rc in cells
        r, c = rc
        return any(r0 <= r <= r1 and c0 <= c <= c1 for r0, c0, r1, c1 in self.arrays)


@dataclass
class RawBook:
    sheets: list[RawSheet]
    shared_strings: list[str]
    problems: list[str]


def unescape(text: str) -> str:
    """Excel's reading of ``_xHHHH_`` in a string (``_x005F_`` is a literal ``_``)."""
    if "_x" not in text:
        return text
    out = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return out.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text_of(element) -> str:
    """The text of an ``<is>`` or ``<si>``: its ``<t>`` runs, phonetic runs left out."""
    if element is None:
        return ""
    parts = []
    for t in element.iter():
        if _local(t.tag) == "t" and not any(_local(a.tag) == "rPh" for a in t.iterancestors()):
            parts.append(t.text or "")
    return unescape("".join(parts))


def parse_ref(ref: str) -> tuple[int, int] | None:
    m = _REF.fullmatch(ref.replace("$", ""))
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def ref_of(rc: tuple[int, int]) -> str:
    r, c = rc
    letters, c = "", c + 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = []
    for p in (PurePosixPath(base).parent / target).parts:
        if p == "..":
            if parts:
                parts.pop()
        elif p != ".":
            parts.append(p)
    return "/".join(parts)


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type, resolved target)."""
    from lxml import etree

    p = PurePosixPath(part)
    rels_name = str(p.parent / "_rels" / f"{p.name}.rels") if str(p.parent) != "." else f"_rels/{p.name}.rels"
    if rels_name not in zf.namelist():
        return {}
    root = etree.fromstring(zf.read(rels_name), etree.XMLParser(recover=True, huge_tree=True))
    out = {}
    for rel in root:
        if rel.get("TargetMode") == "External":
            continue
        out[rel.get("Id")] = (rel.get("Type", ""), _resolve(part, rel.get("Target", "")))
    return out


def read_raw(path: Path) -> RawBook:
    """Every sheet's cells as the XML holds them (lxml, recovering from bad XML so that the other
    checks can still look): values decoded, formulas and array-formula ranges kept. The last few
    files read are kept (the checks of one file share a reading)."""
    stat = Path(path).stat()
    return _read_raw(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=3)
def _read_raw(path: str, _size: int, _mtime: int) -> RawBook:
    from lxml import etree

    problems: list[str] = []
    with zipfile.ZipFile(path) as zf:
        recover = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False, no_network=True)
        package = _rels(zf, "")
        workbook = next((t for typ, t in package.values() if typ.endswith(_REL_OFFICE_DOCUMENT)), "xl/workbook.xml")
        rels = _rels(zf, workbook)
        shared: list[str] = []
        for typ, target in rels.values():
            if typ.endswith(_REL_SHARED_STRINGS) and target in zf.namelist():
                root = etree.fromstring(zf.read(target), recover)
                shared = [_text_of(si) for si in root if _local(si.tag) == "si"]
        root = etree.fromstring(zf.read(workbook), recover)
        sheets = []
        for el in root.iter():
            if _local(el.tag) != "sheet":
                continue
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            typ, target = rels.get(rid, ("", ""))
            sheet = RawSheet(el.get("name", ""), target, el.get("state", "visible"))
            sheets.append(sheet)
            if target not in zf.namelist():
                problems.append(f"sheet {sheet.name!r}: its part {target!r} is missing")
                continue
            if typ.endswith("/worksheet"):
                with zf.open(target) as stream:
                    _read_sheet(stream, sheet, shared, problems)
    return RawBook(sheets, shared, problems)


def _read_sheet(stream, sheet: RawSheet, shared: list[str], problems: list[str]) -> None:
    from lxml import etree

    row = col = -1
    cells, numbers, formulas = sheet.cells, sheet.numbers_text, sheet.formulas
    for _, el in etree.iterparse(stream, events=("end",), tag="{*}c", recover=True, huge_tree=True):
        ref = el.get("r")
        rc = parse_ref(ref) if ref else None
        parent = el.getparent()
        if rc is None:
            if parent is not None and parent.get("r"):
                row = int(parent.get("r")) - 1
            rc = (row, col + 1)
        row, col = rc
        t = el.get("t", "n")
        v = f = inline = None
        for child in el:
            tag = child.tag
            name = tag[tag.rfind("}") + 1:] if isinstance(tag, str) else ""
            if name == "v":
                v = child.text or ""
            elif name == "f":
                f = child
            elif name == "is":
                inline = child
        if f is not None:
            formulas[rc] = f.text or ""
            if f.get("t") == "array" and f.get("ref"):
                ends = [parse_ref(x) for x in f.get("ref").split(":")]
                if all(ends):
                    (r0, c0), (r1, c1) = ends[0], ends[-1]
                    sheet.arrays.append((r0, c0, r1, c1))
        value: tuple[str, Any] | None = None
        if t == "n":
            if v:
                numbers[rc] = v
                try:
                    value = ("n", float(v))
                except ValueError:
                    problems.append(f"sheet {sheet.name!r} {ref_of(rc)}: {v!r} is not a number")
        elif t == "s":
            if v is not None:
                try:
                    value = ("s", shared[int(v)])
                except (ValueError, IndexError):
                    problems.append(f"sheet {sheet.name!r} {ref_of(rc)}: shared string {v!r} does not exist")
        elif t == "inlineStr":
            value = ("s", _text_of(inline))
        elif v is not None:
            if t == "str":
                value = ("s", unescape(v))
            elif t == "b":
                value = ("b", v.strip() in ("1", "true"))
            elif t == "e":
                value = ("e", v)
            elif t == "d":
                value = ("d", v)
        if value is not None and value != ("s", ""):
            cells[rc] = value
        el.clear(keep_tail=True)
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]


# ---------------------------------------------------------------- 4. three readers
class ReaderError(Exception):
    """A reader refused the file."""


def sheetjs_cells(path: Path, timeout: float = 300) -> tuple[list[str], dict[str, Cells]]:
    """Sheet names and cells as SheetJS reads them (formula cells by their cached values)."""
    env = dict(os.environ, XL_KENT_SHEETJS=str(sheetjs_package()))
    done = subprocess.run(["node", str(SHEETJS_DUMP), str(path)], capture_output=True, timeout=timeout, env=env)
    if done.returncode != 0:
        raise ReaderError(done.stderr.decode("utf-8", "replace").strip()[-600:] or f"exit {done.returncode}")
    book = json.loads(done.stdout)
    names, sheets = [], {}
    for s in book["sheets"]:
        cells: Cells = {}
        for address, kind, value, _has_formula in s["cells"]:
            rc = parse_ref(address)
            if value is None or rc is None:
                continue
            if kind == "s":
                if value == "":
                    continue
                cells[rc] = ("s", value)
            elif kind == "n":
                cells[rc] = ("n", float(value))
            elif kind == "b":
                cells[rc] = ("b", bool(value))
            elif kind == "e":
                cells[rc] = ("e", value)
            else:
                cells[rc] = (kind, value)
        names.append(s["name"])
        sheets[s["name"]] = cells
    return names, sheets


def _serial(v) -> float:
    from openpyxl.utils.datetime import to_excel

    return float(to_excel(v))


def _python_value(v) -> tuple[str, Any] | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int | float):
        return ("n", float(v))
    if isinstance(v, str):
        return ("s", v)
    if isinstance(v, dt.datetime | dt.date | dt.time | dt.timedelta):
        return ("n", _serial(v))
    return ("?", repr(v))


def calamine_cells(path: Path) -> tuple[list[str], dict[str, Cells]]:
    """Sheet names and cells as python-calamine reads them (an error cell reads as empty)."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        sheets = {}
        for name in names:
            cells: Cells = {}
            for r, row in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False)):
                for c, v in enumerate(row):
                    value = _python_value(v)
                    if value is not None:
                        cells[(r, c)] = value
            sheets[name] = cells
    except Exception as e:  # calamine raises its own error types
        raise ReaderError(f"{type(e).__name__}: {e}") from e
    return names, sheets


def openpyxl_cells(path: Path) -> tuple[list[str], dict[str, Cells]]:
    """Sheet names and cells as openpyxl reads them (read-only, cached values). openpyxl 3.1 does not
    decode Excel's ``_xHHHH_`` escapes: see :func:`openpyxl_text`."""
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            names, sheets = list(book.sheetnames), {}
            for ws in book.worksheets:
                cells: Cells = {}
                if hasattr(ws, "reset_dimensions"):
                    ws.reset_dimensions()  # read every row, whatever <dimension> says
                for row in ws.iter_rows():
                    for cell in row:
                        if getattr(cell, "value", None) is None:
                            continue
                        if cell.data_type == "e":
                            cells[(cell.row - 1, cell.column - 1)] = ("e", cell.value)
                            continue
                        value = _python_value(cell.value)
                        if value is not None:
                            cells[(cell.row - 1, cell.column - 1)] = value
                sheets[ws.title] = cells
        finally:
            book.close()
    except Exception as e:  # openpyxl raises whatever its XML parser raises
        raise ReaderError(f"{type(e).__name__}: {e}") from e
    return names, sheets


def excel_escape(text: str) -> str:
    """Text as an xlsx part holds it: characters XML cannot carry as ``_xHHHH_``, and a literal
    ``_xHHHH_`` with its underscore escaped (``_x005F_``)."""
    text = re.sub(r"_(?=x[0-9A-Fa-f]{4}_)", "_x005F_", text)
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]", lambda m: f"_x{ord(m.group()):04X}_", text)


def openpyxl_text(text: str) -> set[str]:
    """What openpyxl 3.1 may return for a cell holding ``text``: the text itself, or its escaped form
    as the part holds it (an inline string is not decoded at all; a shared string only loses the
    ``x005F_`` of an escaped underscore)."""
    escaped = excel_escape(text)
    return {text, escaped, escaped.replace("x005F_", "")}


def _same_openpyxl(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    """:func:`_same`, with one side read by openpyxl (``_xHHHH_`` left as it is)."""
    if a[0] == b[0] == "s" and a[1] != b[1]:
        return b[1] in openpyxl_text(a[1]) or a[1] in openpyxl_text(b[1])
    return _same(a, b)


def _same(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "n":
        return a[1] == b[1] or (math.isnan(a[1]) and math.isnan(b[1]))
    return a[1] == b[1]


def _shown(v: tuple[str, Any] | None) -> str:
    if v is None:
        return "empty"
    kind, value = v
    if isinstance(value, str) and len(value) > 60:
        value = f"{value[:40]}...({len(value):,} characters)"
    return f"{kind} {value!r}"


def compare_cells(a_name: str, a: tuple[list[str], dict[str, Cells]], b_name: str,
                  b: tuple[list[str], dict[str, Cells]], *,
                  same: Callable[[tuple[str, Any], tuple[str, Any]], bool] = _same,
                  skip: Callable[[str, tuple[int, int]], bool] | None = None,
                  b_without_errors: bool = False) -> list[str]:
    """Differences between two readings: sheet names, then every cell either holds.
    ``b_without_errors``: ``b`` reads an error cell as empty (calamine), not a difference."""
    problems = []
    if a[0] != b[0]:
        problems.append(f"sheets: {a_name} reads {a[0]}, {b_name} reads {b[0]}")
    for sheet in a[0]:
        if sheet not in b[1]:
            continue
        x, y = a[1][sheet], b[1][sheet]
        diffs = []
        for rc in sorted(set(x) | set(y)):
            if skip is not None and skip(sheet, rc):
                continue
            u, v = x.get(rc), y.get(rc)
            if u is not None and v is not None and same(u, v):
                continue
            if b_without_errors and v is None and u is not None and u[0] == "e":
                continue
            diffs.append(f"{ref_of(rc)}: {a_name} {_shown(u)}, {b_name} {_shown(v)}")
        if diffs:
            problems.append(f"sheet {sheet!r}: {len(diffs):,} cells differ between {a_name} and {b_name}: "
                            + "; ".join(diffs[:SHOWN]) + ("; ..." if len(diffs) > SHOWN else ""))
    return problems


def readers_agree(path: Path, sheetjs=None) -> list[str]:
    """SheetJS reads the file, and it, calamine and openpyxl agree on every sheet and cell.

    ``sheetjs``: a reading already made (or the :class:`ReaderError` it raised)."""
    problems = []
    readings = {}
    for name, reader in (("SheetJS", sheetjs_cells), ("calamine", calamine_cells), ("openpyxl", openpyxl_cells)):
        try:
            if name == "SheetJS" and sheetjs is not None:
                if isinstance(sheetjs, Exception):
                    raise sheetjs
                readings[name] = sheetjs
            else:
                readings[name] = reader(path)
        except ReaderError as e:
            problems.append(f"{name} cannot read the file: {e}")
    order = [n for n in ("SheetJS", "openpyxl", "calamine") if n in readings]
    for other in order[1:]:
        same = _same_openpyxl if "openpyxl" in (order[0], other) else _same
        problems += compare_cells(order[0], readings[order[0]], other, readings[other], same=same,
                                  b_without_errors=other == "calamine")
    return problems


def reference_reading(path: Path, sheetjs=None) -> tuple[str, tuple[list[str], dict[str, Cells]]]:
    """The first reader that reads the file: SheetJS, else openpyxl, else calamine."""
    errors = []
    for name, reader in (("SheetJS", sheetjs_cells), ("openpyxl", openpyxl_cells), ("calamine", calamine_cells)):
        try:
            if name == "SheetJS" and sheetjs is not None:
                if isinstance(sheetjs, Exception):
                    raise sheetjs
                return name, sheetjs
            return name, reader(path)
        except ReaderError as e:
            errors.append(f"{name}: {e}")
    raise ReaderError("; ".join(errors))


def libreoffice_resave(paths: Iterable[Path], folder: Path, timeout: float = 900) -> dict[Path, Path | str]:
    """Load every file in one headless LibreOffice and save it again as xlsx (``soffice --convert-to
    xlsx``, a throwaway profile): each path's re-saved copy, or why there is none."""
    from lo_calc import _office_environment

    folder.mkdir(parents=True, exist_ok=True)
    inputs, outputs = folder / "in", folder / "out"
    inputs.mkdir(exist_ok=True)
    outputs.mkdir(exist_ok=True)
    copies = {}
    for i, path in enumerate(paths):
        copy = inputs / f"{i:03d}.xlsx"
        shutil.copyfile(path, copy)
        copies[path] = copy
    if not copies:
        return {}
    profile = (folder / "profile").resolve().as_uri()
    done = subprocess.run(["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck",
                           f"-env:UserInstallation={profile}", "--convert-to", "xlsx:Calc Office Open XML",
                           "--outdir", str(outputs), *map(str, copies.values())],
                          capture_output=True, text=True, timeout=timeout, env=_office_environment())
    result: dict[Path, Path | str] = {}
    for path, copy in copies.items():
        out = outputs / copy.name
        result[path] = out if out.exists() else (
            f"LibreOffice did not load and save it (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    return result


def libreoffice_agrees(path: Path, resaved: Path | str, sheetjs=None) -> list[str]:
    """LibreOffice's reading (the file loaded and saved again by :func:`libreoffice_resave`, its
    cells read from the XML) holds the same constant cells as the reference reader. Formula cells
    and the cells of an array formula's range are left out (LibreOffice may recalculate them);
    numbers are equal to 15 significant digits, the digits LibreOffice writes."""
    if isinstance(resaved, str):
        return [resaved]
    try:
        ref_name, ref = reference_reading(path, sheetjs)
        lo_book = read_raw(resaved)
    except (ReaderError, zipfile.BadZipFile, OSError, KeyError) as e:
        return [f"cannot compare with LibreOffice: {e}"]
    lo = ([s.name for s in lo_book.sheets], {s.name: s.cells for s in lo_book.sheets})
    raw = {s.name: s for s in read_raw(path).sheets}

    def formula(sheet: str, rc: tuple[int, int]) -> bool:
        s = raw.get(sheet)
        return s is not None and (rc in s.formulas or s.in_array(rc))

    def same(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
        if a[0] == "b" and b[0] == "n":  # LibreOffice keeps TRUE and FALSE as 1 and 0
            return float(a[1]) == b[1]
        if a[0] == b[0] == "n":
            return math.isclose(a[1], b[1], rel_tol=1e-14, abs_tol=0.0) or _same(a, b)
        return (_same_openpyxl if ref_name == "openpyxl" else _same)(a, b)

    return compare_cells(ref_name, ref, "LibreOffice", lo, same=same, skip=formula)


# ---------------------------------------------------------------- 5. Excel's limits
def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def excel_limits(path: Path) -> list[str]:
    """Text, numbers, formulas, cell positions and sheet names within what Excel holds."""
    try:
        book = read_raw(path)
    except (zipfile.BadZipFile, OSError, KeyError) as e:
        return [f"cannot read the workbook's parts: {e}"]
    problems = list(book.problems)
    seen: dict[str, str] = {}
    for sheet in book.sheets:
        name = sheet.name
        bad = sorted(set(name) & SHEET_NAME_FORBIDDEN)
        if not 1 <= len(name) <= 31:
            problems.append(f"sheet name {name!r} has {len(name)} characters (1 to 31)")
        if bad:
            problems.append(f"sheet name {name!r} holds {''.join(bad)!r}")
        if name.startswith("'") or name.endswith("'"):
            problems.append(f"sheet name {name!r} starts or ends with an apostrophe")
        if name.casefold() == "history":
            problems.append("sheet name 'History' is reserved by Excel")
        if _C0.search(name):
            problems.append(f"sheet name {name!r} holds a control character")
        if name.casefold() in seen:
            problems.append(f"sheet names {seen[name.casefold()]!r} and {name!r} are the same to Excel")
        seen[name.casefold()] = name
        over = []
        for rc, (kind, value) in sheet.cells.items():
            if rc[0] >= EXCEL_MAX_ROWS or rc[1] >= EXCEL_MAX_COLS:
                over.append(f"{ref_of(rc)} is outside Excel's grid")
            if kind == "s" and utf16_units(value) > EXCEL_MAX_TEXT:
                over.append(f"{ref_of(rc)} holds {utf16_units(value):,} characters (UTF-16 units; Excel holds "
                            f"{EXCEL_MAX_TEXT:,})")
            elif kind == "n" and not (abs(value) <= EXCEL_MAX_NUMBER):
                over.append(f"{ref_of(rc)} holds the number {sheet.numbers_text.get(rc, value)} (Excel holds "
                            f"up to 9.99999999999999E+307)")
        for rc, text in sheet.formulas.items():
            if len(text) > EXCEL_MAX_FORMULA:
                over.append(f"{ref_of(rc)}: a formula of {len(text):,} characters (Excel holds {EXCEL_MAX_FORMULA:,})")
        if over:
            problems.append(f"sheet {name!r}: {len(over):,} cells beyond Excel's limits: " + "; ".join(over[:SHOWN])
                            + ("; ..." if len(over) > SHOWN else ""))
    for i, text in enumerate(book.shared_strings):
        if utf16_units(text) > EXCEL_MAX_TEXT:
            problems.append(f"shared string {i} holds {utf16_units(text):,} characters (Excel holds {EXCEL_MAX_TEXT:,})")
    return problems


# ---------------------------------------------------------------- hostile text
def text_kept_as_text(path: Path, texts: Iterable[str]) -> list[str]:
    """Each hostile text is in a cell as text (a text with control characters may lose them) and no
    formula of the file is made of one."""
    book = read_raw(path)
    values = {v for s in book.sheets for kind, v in s.cells.values() if kind == "s"}
    formulas = [(s.name, rc, f) for s in book.sheets for rc, f in s.formulas.items()]
    problems = []
    for text in texts:
        if len(text) > EXCEL_MAX_TEXT:
            continue  # held whole nowhere: excel_limits checks what is written instead
        plain = _C0.sub("", text)
        if text not in values and (plain == text or plain not in values):
            problems.append(f"the input text {text!r} is in no cell as text")
        body = text[1:] if text[:1] in "=+-@" else text
        for sheet, rc, f in formulas:
            if f.strip() in (text, body, text.lstrip("=")):
                problems.append(f"sheet {sheet!r} {ref_of(rc)}: the input text {text!r} became the formula {f!r}")
    return problems
