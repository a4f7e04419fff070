"""The writers given a sheet's columns a block of rows at a time (``RowBlocks``, ``Later``).

A :class:`RowBlocks` sheet must write the bytes of the same sheet given whole columns (the
blocks joined): CSV byte for byte, xlsx byte for byte with the zip's times pinned (but where
the Zip64 decision differs: then the cells, and the file passes ``xlsx_checks``), shortcuts
on and off. ``make`` is called once a block, in order, in the calling thread; a ``Later``
sheet is made once the sheets before it are written; an error or Ctrl-C in ``make`` leaves
the old file as it was and no temporary file.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import threading
import time
import zipfile
from pathlib import Path
from unittest import mock

import numpy as np
import openpyxl
import pytest
import xlsx_checks as xc
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_kent import _arrays
from xl_kent.files import _xlsx, writing
from xl_kent.files.reading import coded, read_table
from xl_kent.files.writing import Later, OutputFileError, RowBlocks, Sheet, write_csv, write_xlsx

_FIXED_TIME = time.struct_time((2020, 1, 1, 0, 0, 0, 2, 1, 0))  # the zip's member times

_OBJECTS = [None, "", "plain", "Smith-Jones", "=1+1", "+44 1622", "-12.5", "@x", "\ttab", "a,b", 'say "hi"',
            "two\nlines", "_x0041_", "bell\x07", "é" * 3, 1.5, 30000.0, float("nan"), float("inf"), 7, True, False,
            dt.date(2024, 3, 1), dt.date(1899, 12, 31), dt.datetime(2024, 5, 6, 7, 8, 9), dt.datetime(2024, 5, 6)]
_REASONS = [None, "ok", "=guarded", "quoted, text", "missing salary"]
KINDS = ["float", "float odd", "int", "bool", "datetime64", "object", "repeated", "ids", "unicode"]


def _column(kind: str, rng: np.random.Generator, n: int) -> np.ndarray:
    pick = lambda pool: [pool[i] for i in rng.integers(0, len(pool), size=n)]  # noqa: E731
    if kind == "float":
        return np.round(rng.standard_normal(n) * 1e4, 2)
    if kind == "float odd":
        return np.array(pick([0.0, -0.0, 1.0, 1 / 3, 1e-5, 1e16, 1e308, np.nan, np.inf, -np.inf]), dtype=np.float64)
    if kind == "int":
        return rng.integers(-10**12, 10**12, size=n)
    if kind == "bool":
        return rng.random(n) < 0.5
    if kind == "datetime64":
        days = rng.integers(-30_000, 40_000, size=n).astype("datetime64[D]")
        days[rng.random(n) < 0.2] = np.datetime64("NaT")
        return days
    if kind == "unicode":
        return np.array(pick(["a", "b,c", "=x", "d<e"]), dtype=str)
    if kind == "ids":
        return np.array([f"E{i:06d}" if i % 7 else None for i in rng.permutation(n)], dtype=object)
    pool = _OBJECTS if kind == "object" else _REASONS
    col = np.empty(n, dtype=object)
    col[:] = pick(pool)
    return col


def _sheet_pair(kinds, n, seed, block_rows, copies=True):
    """The same sheet given whole and as RowBlocks (blocks copied or sliced), and the calls log."""
    rng = np.random.default_rng(seed)
    cols = [_column(k, rng, n) for k in kinds]
    headers = [f"=h{i}" if i % 3 == 0 else f"h{i}" for i in range(len(kinds))]
    formats = [["number", "text", None, "date", "gbp"][i % 5] for i in range(len(kinds))]
    calls = []

    def make(a, b):
        calls.append((a, b, threading.current_thread() is threading.main_thread()))
        return [c[a:b].copy() if copies else c[a:b] for c in cols]

    whole = Sheet("Data", headers, cols, formats)
    blocks = Sheet("Data", headers, RowBlocks(n, make, block_rows), formats)
    return whole, blocks, calls


def _expected_calls(n, b):
    return [(a, min(a + b, n), True) for a in range(0, n, b)] or [(0, 0, True)]


def _csv_bytes(tmp: Path, sheet: Sheet, name: str) -> bytes:
    write_csv(tmp / name, sheet)
    return (tmp / name).read_bytes()


def _xlsx_bytes(sheets) -> bytes:
    buf = io.BytesIO()
    with mock.patch("time.localtime", return_value=_FIXED_TIME):
        names = [s.name for s in sheets]
        specs = [writing._later_spec(s, i == 0) if isinstance(s, Later) else writing._xlsx_spec(s, i == 0)
                 for i, s in enumerate(sheets)]
        _xlsx.write_workbook(buf, names, specs)
    return buf.getvalue()


def _write_xlsx(path: Path, sheets) -> bytes:
    with mock.patch("time.localtime", return_value=_FIXED_TIME):
        write_xlsx(path, sheets)
    return path.read_bytes()


# ---------------------------------------------------------------- same bytes
@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(KINDS), min_size=1, max_size=6), st.sampled_from([0, 1, 2, 6, 7, 8, 13, 14, 50]),
       st.sampled_from([1, 2, 7, 13, 64]), st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
def test_csv_blocks_same_bytes(tmp_path_factory, kinds, n, block_rows, seed, general, copies):
    tmp = tmp_path_factory.mktemp("csv")
    whole, blocks, calls = _sheet_pair(kinds, n, seed, block_rows, copies)
    with mock.patch.object(writing, "CSV_BLOCK_ROWS", 5):  # pieces that cross the blocks' edges
        if general:
            with _arrays.general_paths():
                got = _csv_bytes(tmp, blocks, "b.csv")
        else:
            got = _csv_bytes(tmp, blocks, "b.csv")
        assert got == _csv_bytes(tmp, whole, "w.csv")
        with _arrays.general_paths():
            assert got == _csv_bytes(tmp, whole, "g.csv")
    assert calls == _expected_calls(n, block_rows)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(KINDS), min_size=1, max_size=6), st.sampled_from([0, 1, 2, 6, 7, 8, 13, 14, 230]),
       st.sampled_from([1, 2, 7, 13, 64, 199, 200]), st.integers(0, 2**32 - 1), st.booleans(), st.booleans())
def test_xlsx_blocks_same_bytes(kinds, n, block_rows, seed, general, copies):
    whole, blocks, calls = _sheet_pair(kinds, n, seed, block_rows, copies)
    later = Later("Errors", lambda: Sheet("Errors", ["row", "problem"],
                                          [np.arange(3), np.array(["a", None, "=b"], dtype=object)]))
    given_whole = Sheet("Errors", ["row", "problem"], [np.arange(3), np.array(["a", None, "=b"], dtype=object)])
    with mock.patch.object(_xlsx, "BLOCK_ROWS", 5):  # XML pieces that cross the blocks' edges
        want = _xlsx_bytes([whole, given_whole])
        if general:
            with _arrays.general_paths():
                got = _xlsx_bytes([blocks, later])
        else:
            got = _xlsx_bytes([blocks, later])
    assert got == want
    assert calls == _expected_calls(n, block_rows)


@pytest.mark.parametrize("n", [0, 1, 65_535, 65_536, 65_537])
def test_default_block_edges_same_bytes(tmp_path, n, monkeypatch):
    # (from ~9,000 rows, text columns given in blocks could pass 2 GiB: no Zip64 either way here)
    monkeypatch.setattr(_xlsx, "ZIP64_FROM_BYTES", 1 << 60)
    kinds = ["float", "repeated", "ids", "datetime64", "object"]
    whole, blocks, calls = _sheet_pair(kinds, n, 5, 65_536, copies=False)
    assert _csv_bytes(tmp_path, blocks, "b.csv") == _csv_bytes(tmp_path, whole, "w.csv")
    assert calls == _expected_calls(n, 65_536)
    whole, blocks, calls = _sheet_pair(kinds, n, 5, 65_536, copies=False)
    assert _write_xlsx(tmp_path / "b.xlsx", [blocks]) == _write_xlsx(tmp_path / "w.xlsx", [whole])
    assert calls == _expected_calls(n, 65_536)


def test_blocks_cut_from_read_columns_take_the_coded_shortcut(tmp_path):
    n = 3_000
    src = tmp_path / "in.csv"
    reasons = ["ok", "=x", '"a,b"']
    rows = [f"E{i:05d},{reasons[i % 3]},{i * 0.5}" for i in range(n)]
    src.write_text("id,reason,pay\n" + "\n".join(rows) + "\n", encoding="utf-8")
    table = read_table(src)
    cols = list(table.columns)
    assert len(cols) == 3
    assert all(writing._coded_view(c, coded)[0] is not None for c in cols)  # read coded
    c, at = writing._coded_view(cols[1][1000:2000], coded)  # a plain slice of a column of few texts
    assert c is not None and at == 1000 and c.labels is not None
    assert writing._coded_view(cols[1][1000:2000].copy(), coded)[0] is None
    assert all(writing._coded_view(c, coded)[0] is not None for c in table.rows(1000, 2000).columns)
    whole = Sheet("S", ["id", "reason", "pay"], cols)
    for make in (lambda a, b: [c[a:b] for c in cols], lambda a, b: list(table.rows(a, b).columns)):
        blocks = Sheet("S", ["id", "reason", "pay"], RowBlocks(n, make, 700))
        with mock.patch.object(writing, "CSV_BLOCK_ROWS", 300):
            got = _csv_bytes(tmp_path, blocks, "b.csv")
            assert got == _csv_bytes(tmp_path, whole, "w.csv")
            with _arrays.general_paths():
                assert got == _csv_bytes(tmp_path, whole, "g.csv")
        assert got.count(b"'=x") == 1_000 and got.count(b'"a,b"') == 1_000


# ---------------------------------------------------------------- the calls
def test_a_sheet_of_no_rows_makes_one_empty_block(tmp_path):
    calls = []

    def make(a, b):
        calls.append((a, b))
        return [np.zeros(0), np.zeros(0, "datetime64[D]")]

    blocks = Sheet("S", ["a", "when"], RowBlocks(0, make, 10))
    whole = Sheet("S", ["a", "when"], [np.zeros(0), np.zeros(0, "datetime64[D]")])
    assert _csv_bytes(tmp_path, blocks, "b.csv") == _csv_bytes(tmp_path, whole, "w.csv")
    assert calls == [(0, 0)]
    calls.clear()
    assert _write_xlsx(tmp_path / "b.xlsx", [blocks]) == _write_xlsx(tmp_path / "w.xlsx", [whole])
    assert calls == [(0, 0)]  # (and the date column got its date width from it)


def test_later_is_made_after_the_sheets_before_it_are_written(tmp_path):
    n, done, seen = 40, [], []
    main = Sheet("Data", ["x"], RowBlocks(n, lambda a, b: done.append(b) or [np.arange(a, b) * 1.0], 7))

    def errors():
        seen.append((list(done), list(progress)))
        return Sheet("Errors", ["made after"], [np.array([len(done)])])

    progress: list[int] = []
    three = Later("Three", lambda: Sheet("Three", ["y"], RowBlocks(1, lambda a, b: [np.array([seen[0][0][-1]])])))
    write_xlsx(tmp_path / "o.xlsx", [main, Later("Errors", errors), three], progress=progress.append)
    assert seen == [([7, 14, 21, 28, 35, 40], [7, 14, 21, 28, 35, 40])]  # every block made and written first
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    assert wb.sheetnames == ["Data", "Errors", "Three"]
    assert wb["Errors"]["A2"].value == 6 and wb["Three"]["A2"].value == 40 and wb["Data"]["A41"].value == 39.0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_block_is_made_only_when_the_one_before_is_being_written(tmp_path, fmt, monkeypatch):
    # the xlsx writer makes the first blocks ahead for the widths: blocks of WIDTH_SAMPLE_ROWS rows here
    monkeypatch.setattr(writing, "CSV_BLOCK_ROWS", 50)
    monkeypatch.setattr(_xlsx, "BLOCK_ROWS", 50)
    b, n, written, seen = writing.WIDTH_SAMPLE_ROWS, 2_000, [0], []

    def make(a, c):
        seen.append((a, written[0]))
        return [np.arange(a, c) * 0.5, np.array([f"=t{i}" for i in range(a, c)], dtype=object)]

    sheet = Sheet("S", ["a", "b"], RowBlocks(n, make, b))
    if fmt == "csv":
        write_csv(tmp_path / "o.csv", sheet, progress=lambda k: written.__setitem__(0, k))
    else:
        write_xlsx(tmp_path / "o.xlsx", [sheet], progress=lambda k: written.__setitem__(0, k))
    assert [a for a, _ in seen] == list(range(0, n, b))
    # when block k is made, every row before block k - 1 is written (block k - 1 is being formatted)
    assert all(done >= max(a - b, 0) for a, done in seen), seen
    assert written[0] == n


def test_a_later_sheet_must_be_the_sheet_named(tmp_path):
    main = Sheet("Data", ["x"], [np.arange(3.0)])
    with pytest.raises(ValueError, match="must return a Sheet named so"):
        write_xlsx(tmp_path / "o.xlsx", [main, Later("Errors", lambda: Sheet("Other", ["x"], [np.arange(2)]))])
    with pytest.raises(ValueError, match="used twice"):
        write_xlsx(tmp_path / "o.xlsx", [main, Later("data", lambda: main)])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad, message", [
    (lambda a, b: [np.arange(a, b)], "2 headers but 1 columns in the block of rows"),
    (lambda a, b: [np.arange(a, b), np.arange(a, b + 1)], "each must be"),
    (lambda a, b: [np.arange(a, b), np.zeros((b - a, 1))], "1-D"),
    (lambda a, b: [np.arange(a, b), list(range(a, b))], "1-D"),
    (lambda a, b: np.zeros((2, b - a)), "2 headers but ndarray columns"),
])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_bad_block_is_a_value_error_and_no_file(tmp_path, bad, message, fmt):
    def make(a, b):
        return [np.arange(a, b), np.arange(a, b)] if a == 0 else bad(a, b)

    sheet = Sheet("S", ["a", "b"], RowBlocks(10, make, 4))
    with pytest.raises(ValueError, match=message) as err:
        (write_csv if fmt == "csv" else lambda p, s: write_xlsx(p, [s]))(tmp_path / f"o.{fmt}", sheet)
    assert not isinstance(err.value, OutputFileError)
    assert list(tmp_path.iterdir()) == []


def test_a_column_that_changes_kind_is_refused_in_xlsx(tmp_path):
    def make(a, b):
        return [np.arange(a, b) * 1.0 if a == 0 else np.array(["t"] * (b - a), dtype=object)]

    with pytest.raises(ValueError, match="keeps its kind"):
        write_xlsx(tmp_path / "o.xlsx", [Sheet("S", ["a"], RowBlocks(10, make, 4))])
    assert list(tmp_path.iterdir()) == []
    # a kind that can take no more bytes a cell is fine (ints after floats)
    ok = Sheet("S", ["a"], RowBlocks(10, lambda a, b: [np.arange(a, b) * (1.0 if a else 1)], 4))
    write_xlsx(tmp_path / "o.xlsx", [ok])
    assert openpyxl.load_workbook(tmp_path / "o.xlsx")["S"]["A11"].value == 9


@pytest.mark.parametrize("n_rows, block_rows", [(-1, 5), (5, 0), (2.5, 5)])
def test_bad_row_blocks_are_refused_up_front(tmp_path, n_rows, block_rows):
    calls = []
    sheet = Sheet("S", ["a"], RowBlocks(n_rows, lambda a, b: calls.append(a) or [np.zeros(b - a)], block_rows))
    for write in (lambda: write_csv(tmp_path / "o.csv", sheet), lambda: write_xlsx(tmp_path / "o.xlsx", [sheet])):
        with pytest.raises(ValueError, match="n_rows|block_rows"):
            write()
    assert calls == [] and list(tmp_path.iterdir()) == []


def test_too_many_rows_are_refused_before_any_block_is_made(tmp_path):
    calls = []
    sheet = Sheet("S", ["a"], RowBlocks(_xlsx.EXCEL_MAX_ROWS, lambda a, b: calls.append(a) or [np.zeros(b - a)]))
    with pytest.raises(OutputFileError, match="do not fit Excel"):
        write_xlsx(tmp_path / "o.xlsx", [sheet])
    assert calls == [] and list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- all or nothing
class _Stop(Exception):
    pass


@pytest.mark.parametrize("error", [_Stop, KeyboardInterrupt])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("at", [0, 3, 9])
def test_make_that_raises_leaves_the_old_file(tmp_path, error, fmt, at):
    out = tmp_path / f"o.{fmt}"
    out.write_bytes(b"the old file")

    def make(a, b):
        if a == at:
            raise error("stop")
        return [np.arange(a, b) * 0.5, np.array([f"t{i}" for i in range(a, b)], dtype=object)]

    sheet = Sheet("S", ["a", "b"], RowBlocks(10, make, 3 if at else 4))
    with pytest.raises(error):
        if fmt == "csv":
            write_csv(out, sheet)
        else:
            write_xlsx(out, [sheet, Sheet("E", ["x"], [np.arange(2)])])
    assert out.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


@pytest.mark.parametrize("error", [_Stop, KeyboardInterrupt])
def test_a_later_that_raises_leaves_the_old_file(tmp_path, error):
    out = tmp_path / "o.xlsx"
    out.write_bytes(b"the old file")

    def boom():
        raise error("stop")

    with pytest.raises(error):
        write_xlsx(out, [Sheet("S", ["a"], RowBlocks(10, lambda a, b: [np.arange(a, b)], 3)), Later("E", boom)])
    assert out.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_in_all_or_nothing_a_make_that_raises_leaves_every_old_file(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"old a")
    (tmp_path / "b.csv").write_bytes(b"old b")

    def make(a, b):
        if a >= 6:
            raise _Stop("stop")
        return [np.arange(a, b)]

    with pytest.raises(_Stop), writing.all_or_nothing():
        write_csv(tmp_path / "a.csv", Sheet("A", ["x"], [np.arange(3)]))
        write_csv(tmp_path / "b.csv", Sheet("B", ["x"], RowBlocks(10, make, 3)))
    assert (tmp_path / "a.csv").read_bytes() == b"old a" and (tmp_path / "b.csv").read_bytes() == b"old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


# ---------------------------------------------------------------- Zip64 decided from the first block
def test_blocks_bound_is_never_below_the_whole_columns_bound():
    rng = np.random.default_rng(2)
    for kind in KINDS:
        col = _column(kind, rng, 500)
        assert _xlsx.blocks_size_bound(["h"], 500, [col.dtype.kind]) >= _xlsx.part_size_bound(["h"], [col])


def _cells_of(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_a_sheet_written_with_zip64_where_whole_columns_are_not(tmp_path, monkeypatch):
    whole, blocks, _ = _sheet_pair(["float", "object", "repeated", "datetime64", "ids"], 3_000, 9, 1_000)
    with mock.patch.object(_xlsx, "ZIP64_FROM_BYTES", 0):  # every object column scanned: the bound at its lowest
        exact = _xlsx.part_size_bound(whole.headers, whole.columns)
    assume = _xlsx.blocks_size_bound(whole.headers, 3_000, [c.dtype.kind for c in whole.columns])
    assert assume > 2 * exact
    monkeypatch.setattr(_xlsx, "ZIP64_FROM_BYTES", (exact + assume) // 2)  # whole: no Zip64; blocks: Zip64
    w = _write_xlsx(tmp_path / "w.xlsx", [whole, Sheet("E", ["x"], [np.arange(2)])])
    b = _write_xlsx(tmp_path / "b.xlsx", [blocks, Later("E", lambda: Sheet("E", ["x"], [np.arange(2)]))])
    assert w != b and len(b) == len(w) + 20  # the same but for the local header's padding field
    with zipfile.ZipFile(tmp_path / "w.xlsx") as zw, zipfile.ZipFile(tmp_path / "b.xlsx") as zb:
        assert [i.filename for i in zw.infolist()] == [i.filename for i in zb.infolist()]
        for i in zw.infolist():
            assert zw.read(i.filename) == zb.read(i.filename)
    with open(tmp_path / "b.xlsx", "rb") as raw, zipfile.ZipFile(tmp_path / "b.xlsx") as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        raw.seek(info.header_offset + 30 + len(info.filename))
        assert raw.read(4) == struct.pack("<HH", 0xD935, 16)  # the Zip64 field turned padding
    assert xc.zip_layout(tmp_path / "b.xlsx") == []
    assert xc.well_formed(tmp_path / "b.xlsx") == []
    assert xc.excel_limits(tmp_path / "b.xlsx") == []
    if xc.sheetjs_unavailable() is None:
        assert xc.readers_agree(tmp_path / "b.xlsx") == []
    else:
        assert xc.compare_cells("calamine", xc.calamine_cells(tmp_path / "b.xlsx"),
                                "openpyxl", xc.openpyxl_cells(tmp_path / "b.xlsx"), same=xc._same_openpyxl,
                                b_without_errors=False) == []
    assert _cells_of(tmp_path / "b.xlsx") == _cells_of(tmp_path / "w.xlsx")
    assert xc.calamine_cells(tmp_path / "b.xlsx") == xc.calamine_cells(tmp_path / "w.xlsx")
    ours_b, ours_w = read_table(tmp_path / "b.xlsx"), read_table(tmp_path / "w.xlsx")
    assert ours_b.headers == ours_w.headers
    for cb, cw in zip(ours_b.columns, ours_w.columns, strict=True):
        assert cb.dtype == cw.dtype and cb.tolist() == cw.tolist() or np.array_equal(cb, cw, equal_nan=True)
