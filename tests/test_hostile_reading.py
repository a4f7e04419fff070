"""Hostile and damaged files: refused with one clean line, by the reader and by the command.

Every class of :mod:`hostile` goes through :func:`xl_kent.lists.source.read_list` (an
:class:`~xl_kent.files.reading.InputFileError` naming the reason) and through
``xl-kent recalc`` in a subprocess under a memory limit (``RLIMIT_AS``) and a time limit:
exit code 2, stderr one line of at most 300 characters starting ``xl-kent``, no traceback,
nothing written. Mutated workbooks (cut short, bytes flipped, XML changed) are read in
process (a table, or a clean refusal) and a few through the command (exit 0, 1 or 2, no
traceback). The peak memory and time of each command run are printed (``pytest -s``).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from unittest import mock

import hostile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_kent.files import _xlsx_guard, reading
from xl_kent.files.reading import InputFileError, read_table
from xl_kent.lists.fields import ColumnError
from xl_kent.lists.figures import STAFF_SCHEMA
from xl_kent.lists.source import Loaded, read_list

MEMORY_LIMIT = 1536 << 20  # address space of each command run (the refusals need ~100 MB)
TIME_LIMIT = 60.0  # seconds a command run may take before it is killed (the refusals take ~1 s)
MAX_LINE = 300
ROOT = Path(__file__).resolve().parents[1]
CASES = hostile.XLSX + hostile.CSV


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Each hostile file, built once: label -> path."""
    out = {}
    for label, build, _word in CASES:
        folder = tmp_path_factory.mktemp(_slug(label))
        out[label] = build(folder)
    return out


def _reason(message: str, path: Path) -> str:
    """The message without the file's path (which may contain any word)."""
    return message.replace(str(path), "")


# ---------------------------------------------------------------- in process
@pytest.mark.parametrize("label, word", [(c[0], c[2]) for c in CASES], ids=[_slug(c[0]) for c in CASES])
def test_reader_refuses_in_one_line(built, label, word):
    path = built[label]
    t0 = time.perf_counter()
    with pytest.raises(InputFileError) as err:
        read_list(path, STAFF_SCHEMA)
    message = str(err.value)
    assert time.perf_counter() - t0 < 10
    assert "\n" not in message and len(message) <= reading.MAX_MESSAGE_CHARS
    assert message.startswith(str(path)) and word in _reason(message, path), message


def test_one_line_csv_refused_with_a_lowered_limit(tmp_path, monkeypatch):
    """The line limit, on a small file: the limit lowered to 1 MB, a 3 MB line."""
    monkeypatch.setattr(reading, "MAX_CSV_LINE_BYTES", 1 << 20)
    path = hostile.write_one_line_csv(tmp_path, 3 << 20)
    with pytest.raises(InputFileError, match="line over 1 MB"):
        read_table(path)
    # a line just under the limit is read
    path.write_bytes(b"x" * ((1 << 20) - 10) + b",b\n1,2\n")
    assert read_table(path).headers == ["x" * ((1 << 20) - 10), "b"]


def test_long_token_refused(tmp_path, monkeypatch):
    """A tag over the token limit (lowered to 1 MB; random text, so the ratio check passes)."""
    import random

    monkeypatch.setattr(_xlsx_guard, "MAX_TOKEN_BYTES", 1 << 20)
    rnd = random.Random(3)
    junk = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3 << 20))
    path = hostile._with_sheet(tmp_path, "token.xlsx", lambda x: x.replace(
        "<sheetData>", f'<sheetData><row r="1" x="{junk}"></row>', 1))
    with pytest.raises(InputFileError, match="tag or comment over 1 MB"):
        read_table(path)


def test_legit_far_cells_and_implicit_cells_are_read(tmp_path):
    """Cells without references are placed as the reader places them (and read), and a
    lone far cell within the limits is read: the guard refuses only what is too big."""
    cells = "".join(f"<c><v>{j}</v></c>" for j in range(1, 4))
    path = hostile._with_sheet(tmp_path, "implicit.xlsx", lambda x: hostile._before_end(
        x, f'<row r="30">{cells}</row><row><c r="E31"><v>5</v></c><c><v>6</v></c></row>'))
    t = read_table(path)
    col = {h: c for h, c in zip(t.headers, t.columns, strict=True)}
    first = t.headers[0]
    assert col[first][30 - t.first_row] == 1.0 and t.columns[2][30 - t.first_row] == 3.0
    assert t.columns[4][31 - t.first_row] == 5.0 and t.columns[5][31 - t.first_row] == 6.0


def test_shared_strings_within_the_limit_are_read(tmp_path, monkeypatch):
    """The expansion limit counts shared-string cells at their string's length."""
    path = hostile.write_shared_string_expansion(tmp_path, cells=200, chars=1000)
    monkeypatch.setattr(_xlsx_guard, "MAX_TEXT_CHARS", 200 * 1000 + 1000)
    t = read_table(path)
    assert t.n_rows == 199 and len(t.headers[0]) == 1000
    monkeypatch.setattr(_xlsx_guard, "MAX_TEXT_CHARS", 150 * 1000)
    with pytest.raises(InputFileError, match="150,000,000|150,000 characters"):
        read_table(path)


def test_formulas_do_not_count_as_text(tmp_path, monkeypatch):
    """The bulk count takes every text (formulas too); over the limit, the event scan counts
    exactly (values only) before anything is refused."""
    formula = "<f>" + "SUM(A1:A9)+" * 200 + "0</f>"
    cells = "".join(f'<row r="{i}"><c r="A{i}">{formula}<v>1</v></c></row>' for i in range(30, 130))
    path = hostile._with_sheet(tmp_path, "formulas.xlsx", lambda x: hostile._before_end(x, cells))
    monkeypatch.setattr(_xlsx_guard, "MAX_TEXT_CHARS", 50_000)  # formulas: 220,000 characters; values: ~1,000
    assert read_table(path).n_rows == 128


def test_error_cells_still_found(tmp_path):
    """The guard still returns the error cells (t="e"), with or without references."""
    path = hostile._with_sheet(tmp_path, "errors.xlsx", lambda x: hostile._before_end(
        x, '<row r="25"><c r="B25" t="e"><v>#N/A</v></c><c t=\'e\'><v>#DIV/0!</v></c></row>'))
    t = read_table(path)
    assert t.columns[1][25 - t.first_row] == "#N/A" and t.columns[2][25 - t.first_row] == "#DIV/0!"


def test_messages_are_short(tmp_path):
    """Long names in messages are shortened: a sheet list, a long path's message."""
    sheet = "S" * 5000
    path = hostile.sample_workbook(tmp_path)
    with pytest.raises(InputFileError) as err:
        read_table(path, sheet=sheet)
    assert len(str(err.value)) <= reading.MAX_MESSAGE_CHARS and "has no sheet" in str(err.value)


def test_every_failure_is_one_line(tmp_path, monkeypatch):
    """A library's panic (a BaseException), a lack of memory, any other error while reading:
    an InputFileError of one line. Ctrl-C goes on up."""
    class PanicException(BaseException):  # as pyo3 defines it
        pass

    def panic(*_args, **_kwargs):
        raise PanicException("index out of bounds: the len is 3 but the index is 7\nstack backtrace: ...")

    with pytest.raises(InputFileError, match="spreadsheet reader failed on it: index out of bounds") as err:
        reading._calamine(tmp_path / "x.xlsx", panic)
    assert "\n" not in str(err.value)
    path = tmp_path / "staff.csv"
    path.write_text("Employee ID,Salary\nE1,1\n", encoding="utf-8")
    for exc, words in [(MemoryError(), "too big to read in the memory available"),
                       (RecursionError(), "nested too deeply"), (LookupError("unknown encoding: x"), "cannot be read"),
                       (NotImplementedError("zip file version 18.7"), "feature that cannot be read"),
                       (PanicException("boom"), "spreadsheet reader failed")]:
        def fail(*_args, exc=exc, **_kwargs):
            raise exc

        monkeypatch.setattr(reading, "_read_csv", fail)
        with pytest.raises(InputFileError, match=words):
            read_table(path)
    monkeypatch.setattr(reading, "_read_csv", lambda *_a, **_k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        read_table(path)


def test_shared_strings_case_and_duplicates(tmp_path):
    """The reader finds parts ignoring case: a shared-string part named otherwise is still
    checked, and two members whose names differ only in case are refused."""
    path = hostile.write_shared_string_expansion(tmp_path, name="case.xlsx")
    parts = hostile.parts_of(path)
    parts["xl/SharedStrings.XML"] = parts.pop(hostile.STRINGS)
    renamed = hostile.write_zip(tmp_path / "renamed.xlsx", parts)
    with pytest.raises(InputFileError, match="characters of text"):
        read_table(renamed)
    parts[hostile.STRINGS] = b'<sst xmlns="x"><si><t>a</t></si></sst>'
    twice = hostile.write_zip(tmp_path / "twice.xlsx", parts)
    with pytest.raises(InputFileError, match="two parts named"):
        read_table(twice)


@pytest.mark.parametrize("part, old, new, words", [
    ("xl/_rels/workbook.xml.rels", 'Target="worksheets/sheet1.xml"', 'Target="worksheets/sheet&#49;.xml"',
     "character references"),
    ("xl/workbook.xml", "</sheets>", '<sheet name="STAFF" sheetId="2" r:id="rId1"/></sheets>', "two sheets named"),
    ("_rels/.rels", 'Target="xl/workbook.xml"', 'Target="xl/other.xml"', "not xl/workbook.xml"),
])
def test_workbook_parts_read_as_the_reader_reads_them(tmp_path, part, old, new, words):
    """Where the reader would take another part than the checks (a target written with a
    character reference, two sheets of one name, the workbook elsewhere), the file is refused."""
    parts = hostile.parts_of(hostile.sample_workbook(tmp_path))
    assert old.encode() in parts[part]
    parts[part] = parts[part].replace(old.encode(), new.encode(), 1)
    with pytest.raises(InputFileError, match=words):
        read_table(hostile.write_zip(tmp_path / "changed.xlsx", parts))


# ---------------------------------------------------------------- mutants
@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    return [hostile.sample_workbook(folder, 20, "ours.xlsx"),
            hostile.sample_workbook(folder, 20, "openpyxl.xlsx", shared_strings=True)]


def test_mutated_workbooks_read_or_refused(samples, tmp_path):
    """500 damaged copies: each is a list read or a clean refusal, never another exception."""
    outcomes = {"read": 0, "refused": 0}
    for k, sample in enumerate(samples):
        for i, (how, data) in enumerate(hostile.mutants(sample, 250, seed=k)):
            path = tmp_path / f"m{k}-{i}.xlsx"
            path.write_bytes(data)
            try:
                got = read_list(path, STAFF_SCHEMA)
            except (InputFileError, ColumnError) as e:
                assert "\n" not in str(e) and len(str(e)) <= reading.MAX_MESSAGE_CHARS, (how, str(e))
                outcomes["refused"] += 1
            except BaseException as e:  # noqa: B036 (a panic is a BaseException)
                pytest.fail(f"mutant {i} of {sample.name} ({how}): {type(e).__name__}: {e}")
            else:
                assert isinstance(got, Loaded)
                outcomes["read"] += 1
            path.unlink()
    assert outcomes["read"] > 20 and outcomes["refused"] > 100, outcomes


# ---------------------------------------------------------------- through the command
def run_command(path: Path, out: Path) -> tuple[int, str, float, float]:
    """``xl-kent recalc PATH -o OUT`` under the memory and time limits:
    (exit code, stderr, seconds, peak memory in MB)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    err_path = out.with_name(out.name + ".stderr")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("XL_KENT_DEBUG", None)
    with open(err_path, "wb") as err, open(os.devnull, "wb") as null:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "xl_kent_cli", "recalc", str(path), "--as-of", "2027-03-31",
                                 "-o", str(out)], stdout=null, stderr=err, preexec_fn=limit, cwd=ROOT, env=env)
        timer = threading.Timer(TIME_LIMIT, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    err_path.unlink()
    return code, stderr, seconds, usage.ru_maxrss / 1024


@pytest.mark.parametrize("label, word", [(c[0], c[2]) for c in CASES], ids=[_slug(c[0]) for c in CASES])
def test_command_refuses_in_one_line(built, tmp_path, label, word):
    path = built[label]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "OUT.xlsx"
    code, stderr, seconds, peak_mb = run_command(path, out)
    print(f"\n{label}: exit {code}, {seconds:.2f} s, peak {peak_mb:,.0f} MB")
    lines = stderr.splitlines()
    assert code == 2, stderr[-2000:]
    assert len(lines) == 1 and len(lines[0]) <= MAX_LINE and lines[0].startswith("xl-kent"), stderr[:2000]
    assert "Traceback" not in stderr and word in _reason(lines[0], path), lines[0]
    assert list(out_dir.iterdir()) == []  # nothing written, not even a temporary file
    assert seconds < TIME_LIMIT


def test_mutants_through_the_command(samples, tmp_path):
    """30 damaged copies through the command: exit 0, 1 or 2, no traceback, one error line."""
    for k, sample in enumerate(samples):
        for i, (how, data) in enumerate(hostile.mutants(sample, 15, seed=100 + k)):
            path = tmp_path / f"c{k}-{i}.xlsx"
            path.write_bytes(data)
            out_dir = tmp_path / f"out{k}-{i}"
            out_dir.mkdir()
            code, stderr, _seconds, _peak = run_command(path, out_dir / "OUT.xlsx")
            assert code in (0, 1, 2), (how, code, stderr[-2000:])
            assert "Traceback" not in stderr, (how, stderr[-2000:])
            if code == 2:
                errors = [ln for ln in stderr.splitlines() if ": error: " in ln]
                assert len(errors) == 1 and len(errors[0]) <= MAX_LINE, (how, stderr)
                assert list(out_dir.iterdir()) == [], how


# ---------------------------------------------------------------- the scans against the reader
_TYPES = [None, "n", "s", "e", "inlineStr", "str", "b"]
_SPACES = [" "] * 6 + ["  ", "\t", "\n", " \r\n "]  # (mostly as Excel writes, so the bulk scan runs)


@st.composite
def sheets(draw):
    """A worksheet's XML, written in the ways the reader accepts: references or none (rows
    and cells), any case, quotes and spacing, every cell type, comments, blank cells."""
    strings = draw(st.lists(st.integers(0, 300), min_size=1, max_size=4))
    rows = []
    row_no = 0
    for _ in range(draw(st.integers(0, 6))):
        row_no = draw(st.one_of(st.just(row_no + 1), st.integers(1, 40), st.integers(1, 1_048_576)))
        attrs = f' r="{row_no}"' if draw(st.booleans()) else ""
        cells = []
        for _ in range(draw(st.integers(0, 5))):
            sp = draw(st.sampled_from(_SPACES))
            q = draw(st.sampled_from(['"'] * 6 + ["'"]))
            parts = []
            if draw(st.integers(0, 3)):
                col = draw(st.one_of(st.integers(1, 30), st.integers(1, 16_384)))
                row = draw(st.one_of(st.just(row_no or 1), st.integers(1, 60)))
                letters = _xlsx_guard._letters(col)
                letters = letters.lower() if draw(st.integers(0, 5)) == 0 else letters
                parts.append(f"r{draw(st.sampled_from(['='] * 6 + [' = ']))}{q}{letters}{row}{q}")
            kind = draw(st.sampled_from(_TYPES))
            if kind:
                parts.append(f"t={q}{kind}{q}")
            if draw(st.booleans()):
                parts.append(f"s={q}1{q}")
            order = parts if draw(st.integers(0, 2)) else draw(st.permutations(parts))
            tag = "<c" + "".join(sp + p for p in order)
            value = {None: "<v>12.5</v>", "n": "<v>3</v>", "s": f"<v>{draw(st.integers(0, len(strings)))}</v>",
                     "e": "<v>#N/A</v>", "inlineStr": f"<is><t>{'x' * draw(st.integers(0, 50))}</t></is>",
                     "str": "<v>abc</v>", "b": "<v>1</v>"}[kind]
            shape = draw(st.integers(0, 8))
            if shape == 0:
                cells.append(tag + "/>")
            elif shape == 1:
                cells.append(tag + "><f>SUM(A1:A2)</f>" + value + "</c>")
            elif shape == 3:  # a formula with no saved result (no <v>, an empty one, <v/>), as openpyxl saves it
                saved = draw(st.sampled_from(["", "<v></v>", "<v/>"]))
                cells.append(tag + "><f" + draw(st.sampled_from([">1+1</f>", ' t="shared" si="0"/>'])) + saved + "</c>")
            elif shape == 2:
                cells.append(tag + "><!-- a comment -->" + value + "</c>")
            else:
                cells.append(tag + ">" + value + "</c>")
        rows.append(f"<row{attrs}>{''.join(cells)}</row>")
        if draw(st.integers(0, 6)) == 0:
            rows.append('<c r="B3"><v>1</v></c>')  # a cell outside any row
    dim = draw(st.sampled_from(["", '<dimension ref="A1:C3"/>', '<dimension ref="A1"/>']))
    merged = draw(st.lists(st.sampled_from(["A2:A5", "b3:C3", "A1", "D4:E9", "Z9:Y1", "A1:XFD1048577"]), max_size=3))
    merges = (f'<mergeCells count="{len(merged)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merged)
              + "</mergeCells>") if merged else ""
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{hostile.NS}">{dim}'
           f"<sheetData>{''.join(rows)}</sheetData>{merges}</worksheet>")
    sst = "".join(f"<si><t>{'y' * n}</t></si>" for n in strings)
    return xml, f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{hostile.NS}">{sst}</sst>'


@pytest.fixture(scope="module")
def base_parts(tmp_path_factory):
    path = hostile.write_shared_string_expansion(tmp_path_factory.mktemp("base"), cells=2, chars=3)
    return hostile.parts_of(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=sheets())
def test_scans_agree_and_bound_the_reader(sheet, base_parts, tmp_path):
    """The bulk scan (where it applies) and the event scans agree, and bound what the
    reader (python-calamine) builds: its farthest cell, and the text of its string cells."""
    import python_calamine

    xml, sst = sheet
    parts = dict(base_parts)
    parts[hostile.SHEET], parts[hostile.STRINGS] = xml.encode(), sst.encode()
    path = hostile.write_zip(tmp_path / "s.xlsx", parts)
    with zipfile.ZipFile(path) as zf, mock.patch.object(_xlsx_guard, "MAX_CELLS", 5_000):
        strings = _xlsx_guard.scan_shared_strings(zf, zf.getinfo(hostile.STRINGS))
        info = zf.getinfo(hostile.SHEET)
        outcomes = {}
        for how in ("bulk", "events", "exact"):
            try:
                outcomes[how] = _xlsx_guard.measure_sheet(zf, info, strings, how)
            except _xlsx_guard.GuardError as e:
                outcomes[how] = str(e)
    exact, events, bulk = outcomes["exact"], outcomes["events"], outcomes["bulk"]
    assert type(exact) is type(events) and (isinstance(exact, str) or exact == events)
    if not isinstance(exact, str):
        assert (events.errors.unsaved, events.errors.merged) == (exact.errors.unsaved, exact.errors.merged)
    if bulk is not None and not isinstance(exact, str):
        assert not isinstance(bulk, str), bulk
        assert bulk.cells == exact.cells and bulk.max_col == exact.max_col and bulk.errors == exact.errors
        assert (bulk.errors.unsaved, bulk.errors.merged) == (exact.errors.unsaved, exact.errors.merged)
        assert bulk.max_row == exact.max_row and bulk.chars >= exact.chars
    if isinstance(exact, str):
        return  # refused: nothing is loaded
    try:
        ws = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Staff")
        rows = ws.to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 (the reader refuses it: no allocation to bound)
        return
    height, width = len(rows), max(map(len, rows), default=0)
    assert height <= max(exact.max_row, 0) or width == 0
    assert width <= exact.max_col or height == 0
    assert sum(len(v) for r in rows for v in r if isinstance(v, str)) <= exact.chars


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=sheets())
def test_loading_beside_the_check_gives_the_scans_outcome(sheet, base_parts, tmp_path):
    """scan_then_load (the reader's parse beside expat's last pass) gives the error cells or
    the refusal that scan_sheet alone gives, returns the load's result only when the part
    passed, and starts the load only after the accounting bounded the part: a part refused
    for anything but its XML's form is never loaded."""
    xml, sst = sheet
    parts = dict(base_parts)
    parts[hostile.SHEET], parts[hostile.STRINGS] = xml.encode(), sst.encode()
    path = hostile.write_zip(tmp_path / "s.xlsx", parts)
    loads = []

    def load():
        loads.append(1)
        return "loaded"

    with zipfile.ZipFile(path) as zf, mock.patch.object(_xlsx_guard, "MAX_CELLS", 5_000), \
            mock.patch.object(_xlsx_guard, "_arrays_threads", lambda: 2):
        strings = _xlsx_guard.scan_shared_strings(zf, zf.getinfo(hostile.STRINGS))
        info = zf.getinfo(hostile.SHEET)
        try:
            alone = _xlsx_guard.scan_sheet(zf, info, strings)
        except _xlsx_guard.GuardError as e:
            alone = str(e)
        try:
            beside = _xlsx_guard.scan_then_load(zf, info, strings, load)
        except _xlsx_guard.GuardError as e:
            beside = str(e)
    if isinstance(alone, str):
        assert beside == alone
        assert not loads or "is not well-formed XML" in alone, alone
    else:
        assert beside == (alone, "loaded") and loads == [1]


def test_loading_beside_the_check_waits_for_it(tmp_path):
    """On a big sheet the load runs while expat checks the part, on another thread, and its
    failure is raised in the caller's thread; a part malformed after its last cell is refused
    and what was loaded is dropped."""
    import threading

    path = hostile.sample_workbook(tmp_path, rows=3_000)
    names = []

    def load():
        names.append(threading.current_thread().name)
        raise ValueError("the reader failed")

    with zipfile.ZipFile(path) as zf, mock.patch.object(_xlsx_guard, "_arrays_threads", lambda: 2):
        info = zf.getinfo(hostile.SHEET)
        with pytest.raises(ValueError, match="the reader failed"):
            _xlsx_guard.scan_then_load(zf, info, _xlsx_guard.NO_STRINGS, load)
    assert names == ["xlsx-reader"]
    parts = hostile.parts_of(path)
    parts[hostile.SHEET] = parts[hostile.SHEET].replace(b"</sheetData>", b"</sheetData><a></b>")  # (balanced, mismatched)
    broken = hostile.write_zip(tmp_path / "broken.xlsx", parts)
    with zipfile.ZipFile(broken) as zf, mock.patch.object(_xlsx_guard, "_arrays_threads", lambda: 2):
        info = zf.getinfo(hostile.SHEET)
        with pytest.raises(_xlsx_guard.GuardError, match="not well-formed"):
            _xlsx_guard.scan_then_load(zf, info, _xlsx_guard.NO_STRINGS, lambda: names.append("loaded"))
    assert names[-1] == "loaded"  # (it ran beside the check, and its result was dropped)


def test_loading_beside_the_check_refuses_in_the_scans_order(tmp_path):
    """A big part malformed near its start and with a cell too far near its end: the refusal
    is the malformed XML (the one-pass scan parses a region before it accounts the next),
    and nothing is loaded; the far cell alone is refused as too far, unloaded too."""
    path = hostile.sample_workbook(tmp_path, rows=20_000)
    parts = hostile.parts_of(path)
    xml = parts[hostile.SHEET]
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    assert len(xml) > 4 * _xlsx_guard.CHUNK_BYTES  # (several regions)
    for name, sheet in [("both", xml.replace(b'<row r="3"', b'<a></b><row r="3"', 1).replace(b"</sheetData>", far)),
                        ("far", xml.replace(b"</sheetData>", far))]:
        parts[hostile.SHEET] = sheet
        bad = hostile.write_zip(tmp_path / f"{name}.xlsx", parts)
        loads = mock.Mock(return_value="loaded")
        with zipfile.ZipFile(bad) as zf, mock.patch.object(_xlsx_guard, "_arrays_threads", lambda: 2):
            info = zf.getinfo(hostile.SHEET)
            with pytest.raises(_xlsx_guard.GuardError) as alone:
                _xlsx_guard.scan_sheet(zf, info, _xlsx_guard.NO_STRINGS)
            with pytest.raises(_xlsx_guard.GuardError) as beside:
                _xlsx_guard.scan_then_load(zf, info, _xlsx_guard.NO_STRINGS, loads)
        assert str(beside.value) == str(alone.value)
        assert ("not well-formed" in str(alone.value)) == (name == "both"), str(alone.value)
        loads.assert_not_called()


@st.composite
def string_tables(draw):
    """A shared-string table: plain strings, rich text runs, phonetic runs, empty items."""
    items = []
    for _ in range(draw(st.integers(1, 8))):
        n = draw(st.integers(0, 40))
        text = "".join(draw(st.sampled_from(["a", "é", "&amp;", "€", " "])) for _ in range(n))
        kind = draw(st.integers(0, 6))
        if kind <= 2:
            attr = ' xml:space="preserve"' if kind == 1 else ""
            items.append(f"<si><t{attr}>{text}</t></si>")
        elif kind == 3:
            items.append(f'<si><r><rPr><b/></rPr><t>{text}</t></r><r><t xml:space="preserve"> {text}</t></r></si>')
        elif kind == 4:
            items.append(f"<si><t>{text}</t><rPh sb=\"0\" eb=\"1\"><t>{'k' * n}</t></rPh></si>")
        elif kind == 5:
            items.append("<si/>" if draw(st.booleans()) else "<si><t/></si>")
        else:
            items.append(f"<si><t>{text}</t></si>\n")
    return items


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=string_tables())
def test_shared_strings_scans_agree_and_bound_the_reader(items, base_parts, tmp_path):
    """The bulk and the event scans of the shared strings agree, number the strings as the
    reader does, and never count fewer characters than it reads."""
    import python_calamine

    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{hostile.NS}">{"".join(items)}</sst>'
    cells = "".join(f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i}</v></c></row>' for i in range(len(items)))
    parts = dict(base_parts)
    parts[hostile.STRINGS] = sst.encode()
    parts[hostile.SHEET] = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{hostile.NS}">'
                            f"<sheetData>{cells}</sheetData></worksheet>").encode()
    path = hostile.write_zip(tmp_path / "s.xlsx", parts)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(hostile.STRINGS)
        events = _xlsx_guard.scan_shared_strings(zf, info, "events")
        bulk = _xlsx_guard._bulk_strings(zf, info)
    if bulk is not None:
        assert bulk.lengths.tolist() == events.lengths.tolist() and bulk.total == events.total
    try:
        rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Staff").to_python(
            skip_empty_area=False)
    except Exception:  # noqa: BLE001 (an index past the reader's table: it refuses the sheet)
        assert len(events.lengths) < len(items)
        return
    got = [r[0] if r else "" for r in rows]
    lengths = events.lengths.tolist()
    for i, value in enumerate(got[:len(lengths)]):
        assert len(str(value)) <= lengths[i], (i, value, lengths)
