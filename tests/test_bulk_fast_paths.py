"""The bulk CSV shortcuts (issue 16) give the general path's results to the last bit.

The CSV reader keeps each column's Arrow form beside its object array
(:func:`xl_kent.files.reading.coded`); parsing, the Excel-safety checks and the CSV writer
use it when the shortcuts are on. Each test compares the result with the shortcuts on and
within :func:`xl_kent._arrays.general_paths` (values bit for bit, NaN equal to NaN, and
every status code), over cells that hit both a shortcut and the general case.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_kent._arrays import fast, general_paths
from xl_kent.files import limits, reading, writing
from xl_kent.lists import parse

# Cells a staff list's CSV holds: numbers, text numbers, £ text, dates as text, blanks,
# spaces, Excel error texts, yes/no in any case, formulas, quotes, commas, non-ASCII.
CELLS = ["32000", "41.5", " 12 ", "£32,000.50", "-£1,000", "1e3", "nan", "inf", "0", "1", "1.0", "TBC",
         "2024-04-01", "01/04/2024", "04/13/2024", "31/02/2024", "45383", "60", "1 April 2024", "01-Apr-2024",
         "2024-4-1", "2024-04-01 10:30", "", " ", "  \t", "#N/A", "#value!", " #REF! ", "#name?", "Yes", "NO",
         "y", "n", "TRUE", "false", "True", "maybe", "=1+1", "+44 1622", "-", "-12.5", '"quoted"', "a,b",
         "line\nbreak", "Café", "ＫＲ６", "KR6", "kr 6", " KR3", "Apprentice", "Salaried", "casual", " Relief ",
         "\u00a012\u00a0", "x\x01y"]
PARSERS = {
    "numbers": parse.parse_numbers,
    "dates": parse.parse_dates,
    "text": parse.parse_text,
    "bools": parse.parse_bools,
    "indexed": lambda c: parse._parse_text_indexed(c)[:2],
}


def _csv_file(tmp_path, headers: list[str], columns: list[list[str]], name: str = "t.csv"):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headers)
    w.writerows(zip(*columns, strict=True))
    p = tmp_path / name
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind in "fM":
        return np.array_equal(a.view(np.int64), b.view(np.int64))  # bit for bit (the same NaN, -0.0)
    return np.array_equal(a, b)


def _both(fn, *args):
    got = fn(*args)
    with general_paths():
        want = fn(*args)
    return got, want


columns_strategy = st.lists(
    st.tuples(st.lists(st.sampled_from(CELLS), min_size=1, max_size=6),  # a column's few distinct cells
              st.booleans()),  # unique per row (an id-like column) or drawn from the few
    min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=columns_strategy, n_rows=st.integers(1, 60), seed=st.integers(0, 2**16))
def test_parsing_a_csv_column_shortcut_equals_general(tmp_path, spec, n_rows, seed):
    rng = np.random.default_rng(seed)
    columns = []
    for pool, unique in spec:
        if unique:  # distinct cells (ids), some with spaces or an error value, or all plain
            cells = [f"{pool[0].strip()[:3]}E{i}" for i in range(n_rows)]
            if rng.random() < 0.5:
                cells[int(rng.integers(n_rows))] = str(rng.choice(pool))
        else:
            cells = [str(c) for c in rng.choice(pool, n_rows)]
        columns.append(cells)
    if not any(c for col in columns for c in col):
        columns[0][0] = "x"  # (a file of blanks only has no data rows)
    p = _csv_file(tmp_path, [f"h{j}" for j in range(len(columns))], columns)
    table = reading.read_table(p)
    for j, col in enumerate(table.columns):
        expected = [v or None for v in columns[j]][:len(col)]
        assert col.tolist() == expected  # the reader's cells are the file's texts
        for name, fn in PARSERS.items():
            got, want = _both(fn, col)
            for g, w in zip(got, want, strict=True):
                assert _same(g, w), (name, columns[j])


def test_the_reader_codes_repeated_and_unique_columns(tmp_path):
    n = 400
    p = _csv_file(tmp_path, ["id", "grade", "blank"], [[f"E{i}" for i in range(n)],
                                                        ["KR6", "KR3", ""] * (n // 4) + ["KR7"] * (n - 3 * (n // 4)),
                                                        [""] * (n - 1) + ["x"]])
    t = reading.read_table(p)
    ids, grade, _blank = (reading.coded(c) for c in t.columns)
    assert ids.labels is None and ids.text.to_pylist() == t.columns[0].tolist()
    assert grade.labels[grade.codes].tolist() == t.columns[1].tolist()
    assert grade.labels.tolist() == parse._distinct(t.columns[1].tolist())[0]  # the general path's order
    assert reading.coded(t.columns[1][:10]) is None  # a slice is not the column
    with pytest.raises(ValueError, match="read-only"):  # the cells read cannot be changed in place...
        t.columns[1][5] = t.columns[1][0]
    assert reading.coded(t.columns[1]) is grade
    block = t.rows(0, 50)
    assert reading.coded(block.columns[1]) is not None
    t.columns[1].flags.writeable = True  # ...unless made writeable again, when every cell is looked at
    assert reading.coded(t.columns[1]) is grade
    t.columns[1][5] = t.columns[1][0]  # another label's object: the two forms no longer agree
    assert reading.coded(t.columns[1]) is None
    t.columns[0].flags.writeable = True
    t.columns[0][7] = "E7"  # an equal text, another object
    assert reading.coded(t.columns[0]) is None
    got, want = _both(parse._parse_text_indexed, t.columns[1])
    assert _same(got[0], want[0]) and got[0][5] == got[0][0]


@pytest.mark.parametrize("cells", [["E1", "e1", "E2"] * 900, [f"É{i}" for i in range(2000)] + ["é1"],
                                   [f"E{i}" for i in range(3000)], [" E1"] + [f"E{i}" for i in range(3000)],
                                   ["#N/A"] + [f"E{i}" for i in range(3000)],
                                   [str(10**17 + i) for i in range(3000)], [str(i) for i in range(3000)] + ["17"],
                                   [str(i) for i in range(3000)] + ["017"], [str(i) for i in range(3000)] + ["0"],
                                   [str(10**18 + i) for i in range(3000)] + [str(10**18)]])
def test_ids_and_their_duplicates_shortcut_equals_general(tmp_path, cells):
    t = reading.read_table(_csv_file(tmp_path, ["id"], [cells]))
    col = t.columns[0]
    got, want = _both(parse._parse_text_indexed, col)
    assert _same(got[0], want[0]) and _same(got[1], want[1])

    def dup(indexed):
        texts = indexed[2] if indexed[2] is not None and not isinstance(indexed[2], tuple) else indexed[0].tolist()
        return parse.repeated(texts, fold=True)

    d1, d2 = dup(got), dup(want)
    assert (d1 is None and d2 is None) or np.array_equal(d1, d2)
    assert (d2 is None) == (len({c.strip().casefold() for c in cells}) == len(cells))


def _staff_csv(tmp_path, rows: int, bad: int, seed: int, name: str):
    from xl_kent.lists import synth

    s = synth.staff_sample(rows, bad=bad, seed=seed)
    p = tmp_path / name
    synth.write_sample(p, s)
    return p


@pytest.mark.parametrize(("rows", "bad"), [(300, 0), (3000, 12)])
def test_read_staff_shortcut_equals_general(tmp_path, rows, bad):
    from xl_kent.lists.figures import STAFF_SCHEMA
    from xl_kent.lists.source import read_list
    from xl_kent.lists.staff import read_staff

    loaded = read_list(_staff_csv(tmp_path, rows, bad, 7, "staff.csv"), STAFF_SCHEMA)
    got, want = _both(lambda: read_staff(loaded.table, "2027-03-31", columns=loaded.columns, schema=STAFF_SCHEMA))
    assert got.values.keys() == want.values.keys()
    for k in got.values:
        assert _same(got.values[k], want.values[k]), k
    assert np.array_equal(got.contract, want.contract) and np.array_equal(got.blank_row, want.blank_row)
    assert [(r.tolist(), c, w) for r, c, w in got.problems.entries] == \
        [(r.tolist(), c, w) for r, c, w in want.problems.entries]


@pytest.mark.parametrize(("rows", "bad", "extra"), [(500, 0, None), (2500, 10, "formulas")])
def test_recalc_csv_output_bytes_shortcut_equals_general(tmp_path, rows, bad, extra):
    from xl_kent.lists.figures import default_settings
    from xl_kent_cli import recalc

    src = _staff_csv(tmp_path, rows, bad, 3, "staff.csv")
    if extra:  # text the writer must guard, quote or escape, in columns it writes back as read
        lines = src.read_text(encoding="utf-8").splitlines()
        odd = ['"=SUM(A1)"', '"Smith, J"', '"say ""hi"""', '"-"', '"+44"', '"x\x01y"', '" KR6 "', '"Zoë"']
        lines = [lines[0]] + [ln.replace(",", f",{odd[i % len(odd)]},", 1) if i % 7 == 0 else
                              ln.replace(",", ",plain,", 1) for i, ln in enumerate(lines[1:])]
        lines[0] = lines[0].replace(",", ",Notes,", 1)
        src.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    out_fast, out_general = tmp_path / "fast.csv", tmp_path / "general.csv"
    settings_ = default_settings("2027-03-31")
    codes = []
    for out in (out_fast, out_general):
        if out is out_general:
            with general_paths():
                codes.append(recalc.run(src, settings_, out, out=io.StringIO(), err=io.StringIO(), how=False))
        else:
            codes.append(recalc.run(src, settings_, out, out=io.StringIO(), err=io.StringIO(), how=False))
    assert codes[0] == codes[1]
    for suffix in ("", ".errors", ".summary"):
        a = out_fast.with_name(f"fast{suffix}.csv").read_bytes()
        b = out_general.with_name(f"general{suffix}.csv").read_bytes()
        assert a == b, suffix


floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0.0, -0.0, 1e-4, 9.99e-5, 1e10, 9999999999.5, 1e15, 999999999999999.0, 0.1,
                                    2.675, 1 / 3, -1e-300, 1e300]),
                   st.integers(-10**12, 10**12).map(lambda k: k / 100),
                   st.integers(-10**6, 10**6).map(float))


@settings(max_examples=200, deadline=None)
@given(values=st.lists(floats, min_size=1, max_size=80))
def test_float_fields_arrow_equal_python(values):
    import pyarrow as pa
    import pyarrow.compute as pc

    v = np.array(values, dtype=np.float64)
    assert writing._arrow_floats(v, pa, pc).to_pylist() == writing._float_texts(v)


texts = st.one_of(st.sampled_from(CELLS + ["OK", "=HYPERLINK(1)", "@x", "\tx", "12,5", 'a"b']),
                  st.text(max_size=8))


@settings(max_examples=60, deadline=None)
@given(cells=st.lists(st.one_of(st.none(), texts), min_size=1, max_size=50), repeat=st.integers(1, 60),
       mixed=st.sampled_from([None, True, 1, 1.0, 2.5]))
def test_csv_writer_and_excel_safe_shortcut_equals_general(cells, repeat, mixed):
    col = np.empty(len(cells) * repeat + 1, dtype=object)
    col[:-1] = cells * repeat  # few distinct values: each formatted once
    col[-1] = mixed  # True == 1 == 1.0: never keyed together with text
    sheet = writing.Sheet("S", ["t", "n"], [col, np.arange(len(col), dtype=np.float64) / 8])
    got, want = _both(lambda: _written(sheet))
    assert got == want
    (g_h, g_c, g_i), (w_h, w_c, w_i) = _both(lambda: limits.excel_safe(sheet.headers, sheet.columns, csv=True))
    assert g_h == w_h and g_i == w_i and all(np.array_equal(a, b) for a, b in zip(g_c, w_c, strict=True))


def _written(sheet) -> bytes:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "o.csv"
        try:
            writing.write_csv(p, sheet)
        except writing.OutputFileError as e:  # a NUL character: refused, both ways
            return str(e).replace(d, "")
        return p.read_bytes()


def test_excel_safe_on_a_coded_csv_column_with_control_characters(tmp_path):
    cells = [f"E{i}" for i in range(2000)] + ["bad\x01id"]
    t = reading.read_table(_csv_file(tmp_path, ["id", "team"], [cells, ["A\x02", "B"] * 1000 + ["C"]]))
    assert all(reading.coded(c) is not None for c in t.columns)
    got, want = _both(lambda: limits.excel_safe(t.headers, t.columns, csv=True))
    assert got[2] == want[2] and len(got[2]) == 1001
    assert all(np.array_equal(a, b) for a, b in zip(got[1], want[1], strict=True))


def test_shortcuts_switch():
    assert fast()
    with general_paths():
        assert not fast()


number_texts = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-10**20, 10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.sampled_from(["1e5", "1E5", "+5", "-0", "-0.0", ".5", "5.", "-.5", "+.5e-2", "0001", "00.5", "1e400", "-1e400",
                     "1e-400", "4.9e-324", "1.7976931348623159e308", "inf", "-inf", "nan", "NaN", "Infinity",
                     "nan(1)", "123456789012345678901234567890", "2.675"]))
odd_texts = st.sampled_from(["TBC", " 5", "5 ", "1_000", "١٢", "\u00a05", "£32,000.50", "1,000", "#N/A", "x"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(number_texts, min_size=20, max_size=60), odd=st.lists(odd_texts, max_size=2),
       seed=st.integers(0, 2**16))
def test_a_column_of_many_distinct_numbers_parsed_by_arrow_equals_general(tmp_path, texts, odd, seed):
    """A CSV column of many distinct number texts (salaries) is parsed by Arrow in one go; the
    values and statuses are those of the general code, bit for bit, with the texts Arrow reads
    as NaN or infinite, and a column Arrow cannot read (one odd text) read the general way."""
    rng = np.random.default_rng(seed)
    cells = [f"{rng.integers(10**6)}.{i:04d}" for i in range(1200)]  # many distinct (above the probe's limit)
    for t in texts + odd:
        cells[int(rng.integers(len(cells)))] = t
    cells[int(rng.integers(len(cells)))] = ""  # a blank cell
    t = reading.read_table(_csv_file(tmp_path, ["pay", "n"], [cells, ["1"] * len(cells)]))
    col = t.columns[0]
    c = reading.coded(col)
    assert c is not None and c.labels is None  # kept as Arrow text
    idx = np.flatnonzero(np.not_equal(col, None))
    assert (parse._arrow_numbers(col, idx) is None) == (not all(_arrow_reads(x) for x in col[idx].tolist()))
    got, want = _both(parse.parse_numbers, col)
    assert _same(got[0], want[0]) and _same(got[1], want[1])


def _arrow_reads(text: str) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.cast(pa.array([text]), pa.float64())
    except pa.ArrowInvalid:
        return False
    return True

