"""A staff list worked out a block of rows at a time gives what it gives worked out whole.

``xl-kent recalc`` reads a big CSV into coded columns (:class:`xl_kent.files.reading.ArrowColumns`),
works the list out a block of rows at a time (:class:`xl_kent_cli.recalc._Recalc`) as the
writer asks for the rows (:class:`xl_kent.files.writing.RowBlocks`), and keeps only the parts of
its totals (:func:`xl_kent.lists.figures.chunk_sums`). These tests hold every block size (the
totals' chunk made small so that small lists have many blocks) to the same bytes, Errors lines
and Summary as one block of the whole list, with the one check that looks across rows (the
repeated employee id) spanning blocks.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_kent.files.reading import ArrowColumns, coded, read_table
from xl_kent.lists import figures, synth
from xl_kent.lists.figures import STAFF_SCHEMA, chunk_sums, default_settings, finish
from xl_kent.lists.source import read_list
from xl_kent_cli import output as o
from xl_kent_cli import recalc

AS_OF = "2027-03-31"


@pytest.fixture
def small_chunks(monkeypatch):
    """Totals summed in chunks of 4 rows, so blocks of a few rows keep every total exact."""
    monkeypatch.setattr(figures, "SUM_CHUNK_ROWS", 4)
    return 4


def _csv_list(tmp_path, rows: int, bad: int, seed: int, duplicates: int = 0):
    """A synthetic staff list written as CSV (with ``duplicates`` ids copied onto rows far apart), read back."""
    sample = synth.staff_sample(rows, bad, seed=seed)
    if duplicates:
        ids = sample.columns[0]
        rng = np.random.default_rng(seed)
        for _ in range(duplicates):
            a, b = rng.integers(0, rows, 2)
            ids[b] = ids[a]
    path = tmp_path / f"staff_{rows}_{seed}.csv"
    synth.write_sample(path, sample)
    return path, read_list(path, STAFF_SCHEMA)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal cell for cell, floats by their bits (NaN included)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        return bool(np.array_equal(a.view(np.int64), b.view(np.int64)))
    if a.dtype.kind == "M":
        return bool(np.array_equal(a.view(np.int64), b.view(np.int64)))
    return a.tolist() == b.tolist()


def _outcomes_equal(x: o.Outcome, y: o.Outcome) -> None:
    assert x.headers == y.headers and x.formats == y.formats
    for h, a, b in zip(x.headers, x.columns, y.columns, strict=True):
        assert _same(a, b), h
    for a, b in zip(x.errors_columns, y.errors_columns, strict=True):
        assert np.asarray(a).tolist() == np.asarray(b).tolist()
    run = [("xl-kent", None)]  # the run line names the day: the same run
    assert [i for i in x.summary if i[0] not in dict(run)] == [i for i in y.summary if i[0] not in dict(run)]
    assert (x.n_rows, x.n_problem_rows, x.notes) == (y.n_rows, y.n_problem_rows, y.notes)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.integers(1, 90), bad=st.integers(0, 12), seed=st.integers(0, 10_000),
       blocks=st.sampled_from([4, 8, 12, 36]), duplicates=st.integers(0, 4))
def test_any_block_size_gives_the_whole_lists_outcome(tmp_path, small_chunks, rows, bad, seed, blocks, duplicates):
    path, loaded = _csv_list(tmp_path, rows, min(bad, rows // 3), seed, duplicates)
    s = default_settings(AS_OF)
    whole = recalc.recalc_table(loaded.table, s, loaded.columns, str(path), block_rows=1 << 30)
    blocked = recalc.recalc_table(loaded.table, s, loaded.columns, str(path), block_rows=blocks)
    _outcomes_equal(whole, blocked)


def test_a_repeated_id_is_found_across_blocks(tmp_path, small_chunks):
    path, loaded = _csv_list(tmp_path, 40, 0, seed=3)
    ids = loaded.table.columns[0]
    first, last = ids[0], ids[39]
    assert first != last
    table = loaded.table
    # the same id on the first row and the last (different blocks of 4)
    col = np.array(ids, dtype=object)
    col[39] = first
    table = type(table)(table.headers, [col, *table.columns[1:]], table.first_row, table.sheet, table.kind)
    out = recalc.recalc_table(table, default_settings(AS_OF), loaded.columns, block_rows=4)
    status = out.columns[out.headers.index("status")]
    assert "more than one row" in status[0] and "more than one row" in status[39]
    assert sum("more than one row" in str(r) for r in out.errors_columns[4]) == 2


def test_the_written_files_are_the_same_streamed_or_whole(tmp_path, small_chunks):
    """What ``recalc`` writes (figures worked out as the writer takes the rows) is what the whole
    outcome writes: the three CSVs byte for byte but the run line, and the workbook cell for cell."""
    path, loaded = _csv_list(tmp_path, 75, 9, seed=11, duplicates=2)
    s = default_settings(AS_OF)
    for suffix in (".csv", ".xlsx"):
        streamed = recalc.recalc_stream(loaded.table, s, loaded.columns, str(path), block_rows=8)
        whole = recalc.recalc_table(loaded.table, s, loaded.columns, str(path), block_rows=1 << 30)
        a, b = tmp_path / f"streamed{suffix}", tmp_path / f"whole{suffix}"
        o.write_outcome(streamed, a, path, "Staff")
        o.write_outcome(whole, b, path, "Staff")
        assert streamed.summary == whole.summary and streamed.n_problem_rows == whole.n_problem_rows > 0
        if suffix == ".csv":
            for x, y in zip(o._output_set(a), o._output_set(b), strict=True):
                assert x.read_bytes() == y.read_bytes(), x.name
        else:
            for sheet in ("Staff", "Errors", "Summary"):
                ta, tb = read_table(a, sheet=sheet), read_table(b, sheet=sheet)
                assert ta.headers == tb.headers
                assert [c.tolist() for c in ta.columns] == [c.tolist() for c in tb.columns]


def test_a_failure_while_a_block_is_worked_out_leaves_no_file(tmp_path, small_chunks, monkeypatch):
    path, loaded = _csv_list(tmp_path, 30, 0, seed=5)
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    streamed = recalc.recalc_stream(loaded.table, default_settings(AS_OF), loaded.columns, block_rows=8)
    calls = []
    real = recalc.compute

    def third_block_fails(*a, **k):
        calls.append(1)
        if len(calls) == 3:
            raise ZeroDivisionError("bug")
        return real(*a, **k)

    monkeypatch.setattr(recalc, "compute", third_block_fails)
    with pytest.raises(ZeroDivisionError):
        o.write_outcome(streamed, out, path, "Staff")
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out")) == ["out.csv"]


def test_the_csv_reader_keeps_columns_coded_until_used(tmp_path):
    path, loaded = _csv_list(tmp_path, 50, 3, seed=2)
    table = read_table(path)
    assert isinstance(table.columns, ArrowColumns) and table.n_rows == 50
    block = table.rows(10, 27)
    assert block.first_row == table.first_row + 10 and block.n_rows == 17
    for j in range(len(table.headers)):
        part = block.columns[j]
        assert coded(part) is not None  # (parsed per distinct text, like the whole column)
        assert part.tolist() == table.cells(j)[10:27].tolist() == table.columns[j][10:27].tolist()
    assert table.rows(45, 99).n_rows == 5 and table.rows(60, 70).n_rows == 0


def test_blank_rows_are_told_from_the_coded_columns_as_from_the_cells(tmp_path):
    """The blank-row check reads a coded column's blanks off its coded form (no column made
    for it) and gives the rows the made cells give: spaces alone are blank, in a column of
    repeated texts and in one of distinct texts (ids), and rows blank but for one cell are not."""
    from xl_kent.lists.fields import map_columns
    from xl_kent.lists.parse import blank_rows

    head = "Employee ID,Grade,Notes,Unused,Annual Salary,Date of Birth,Service Start"
    rows = [f"{1000 + i},KR{3 + i % 3},,x{i},{20000 + i},1980-01-01,2010-01-01" for i in range(60)]
    rows[5] = ",,,,,,"  # blank
    rows[17] = "  ,   ,,,,,"  # spaces alone: blank
    rows[30] = ",,,only this,,,"  # not blank
    rows[41] = ", ,,  ,,,"  # blank
    rows[52] = ",KR4,,,,,"  # not blank
    path = tmp_path / "gaps.csv"
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    table = read_table(path)
    assert isinstance(table.columns, ArrowColumns)
    columns = map_columns(table.headers, STAFF_SCHEMA)
    got = columns.blank_rows(table)
    assert all(table.columns._made[j] is None for j in range(len(table.headers)))  # nothing made
    made = blank_rows([table.columns[j] for j in range(len(table.headers))], table.n_rows)
    assert got.tolist() == made.tolist()
    assert np.flatnonzero(got).tolist() == [5, 17, 41]
    for j in range(len(table.headers)):
        everything = np.arange(table.n_rows)
        assert table.columns.none_on(j, everything).tolist() == np.equal(table.cells(j), None).tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=False, width=64),
                          st.floats(-1e6, 1e6)), max_size=60),
       st.integers(1, 7), st.data())
def test_a_total_is_the_same_whichever_blocks_its_rows_come_in(values, chunk, data):
    """The parts of a total, added up block by block, give the total of the whole, to the bit:
    the correctly rounded sum of the chunks' sums."""
    import xl_kent.lists.figures as f

    old = f.SUM_CHUNK_ROWS
    f.SUM_CHUNK_ROWS = chunk
    try:
        a = np.array(values, dtype=np.float64)
        where = np.array(data.draw(st.lists(st.booleans(), min_size=len(a), max_size=len(a))), dtype=bool)
        whole = finish({"t": chunk_sums(a, where)})["t"]
        blocks = data.draw(st.integers(1, 4)) * chunk
        parts: list[float] = []
        for start in range(0, max(len(a), 1), blocks):
            parts += chunk_sums(a[start:start + blocks], where[start:start + blocks]) if len(a) else [0.0]
        by_blocks = finish({"t": parts})["t"]  # (math.fsum raises where a partial sum passes the largest float)
        assert by_blocks == whole or (math.isnan(whole) and math.isnan(by_blocks))
        finite = a[where & np.isfinite(a)]
        if finite.size and np.isfinite(finite).all() and np.abs(finite).max() < 1e300:
            assert whole == pytest.approx(math.fsum(finite.tolist()), rel=1e-12, abs=1e-9)
    finally:
        f.SUM_CHUNK_ROWS = old


def test_the_one_cast_float_text_is_the_python_text():
    """The CSV writer's one-cast path for float columns writes what the Python path writes:
    whole numbers without ``.0``, ``-0.0`` as ``0``, the edges of the cast's range, blanks and ``#NUM!``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from xl_kent._arrays import general_paths
    from xl_kent.files.writing import _arrow_floats, _float_texts

    values = np.array([0.0, -0.0, 27.0, -5.0, 1e-4, 9.99e-5, 1e10, 9999999999.0, 9999999999.5, 1764.54,
                       199.8, 214.60000000000002, 1 / 3, np.nan, np.inf, -np.inf, 2.0**40, 12.5], dtype=np.float64)
    expected = [t if v == v and abs(v) != np.inf else ("" if v != v else "#NUM!")
                for t, v in zip(_float_texts(values), values.tolist(), strict=True)]
    for subset in (values, values[np.isfinite(values) & (np.abs(values) < 1e10)], values[[0, 1, 13]]):
        fast = _arrow_floats(subset, pa, pc).to_pylist()
        with general_paths():
            general = _arrow_floats(subset, pa, pc).to_pylist()
        want = [expected[int(np.flatnonzero((values == v) | (np.isnan(values) & np.isnan(v)))[0])]
                if not (v == 0 and np.signbit(v)) else expected[1] for v in subset.tolist()]
        assert fast == general == want


@settings(max_examples=40, deadline=None)
@given(pool=st.lists(st.one_of(st.integers(-10**6, 10**6).map(lambda k: k / 100),
                               st.integers(-10**4, 10**4).map(float),
                               st.sampled_from([0.0, -0.0, np.nan, np.inf, -np.inf, 1 / 3, 149.08333333333334])),
                     min_size=1, max_size=40),
       seed=st.integers(0, 2**32 - 1), n=st.integers(4000, 9000))
def test_few_distinct_float_column_text_is_the_python_text(pool, seed, n):
    """A long float column of few distinct values (the CSV writer casts each distinct value once
    and the rows take its text) writes what the general path and the Python path write."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from xl_kent._arrays import general_paths
    from xl_kent.files.writing import _PROBE_CELLS, _arrow_floats, _float_texts

    values = np.random.default_rng(seed).choice(np.array(pool, dtype=np.float64), n)
    assert n >= 2 * _PROBE_CELLS and np.unique(values[:_PROBE_CELLS]).size <= _PROBE_CELLS // 4  # the path taken
    want = ["" if v != v else "#NUM!" if abs(v) == np.inf else t
            for t, v in zip(_float_texts(values), values.tolist(), strict=True)]
    fast = _arrow_floats(values, pa, pc).to_pylist()
    with general_paths():
        general = _arrow_floats(values, pa, pc).to_pylist()
    assert fast == general == want


def test_a_total_beyond_the_largest_float_is_infinite_not_an_error():
    """math.fsum raises where a partial sum passes the largest float; a total never does: the
    exact sum of its parts where that is a float (1e308 + 1e308 - 1e308), infinite where it is
    not, NaN for opposite infinities."""
    import xl_kent.lists.figures as f

    big = 8.988465674311579e307  # (twice it is exactly the largest float)
    for values, want in (([0.0, big, 0.0, 0.0, big], sys.float_info.max), ([1e308, 1e308, -1e308], 1e308),
                         ([2.0**1023, 2.0**1023], math.inf), ([-(2.0**1023), -(2.0**1023), 1.0], -math.inf),
                         ([math.inf, -math.inf], math.nan)):
        a = np.array(values)
        for chunk in (1, 2, 1 << 14):
            old, f.SUM_CHUNK_ROWS = f.SUM_CHUNK_ROWS, chunk
            try:
                got = finish({"t": chunk_sums(a, np.ones(len(a), dtype=bool))})["t"]
            finally:
                f.SUM_CHUNK_ROWS = old
            if chunk == 1:  # each value a part of its own: the exact sum (a chunk's own sum may overflow first)
                assert got == want or (math.isnan(want) and math.isnan(got)), (values, got)
            else:
                assert isinstance(got, float)
