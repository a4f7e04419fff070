"""The xlsx shortcuts give what the general paths give, to the byte.

* the writer: each block of rows built with Arrow's kernels (``_arrow_xlsx``) is the bytes the
  Python builder joins, for every kind of column (floats of every class: whole numbers, 1e16
  and over, below 1e-4, negative zero, NaN, infinities, beyond Excel's largest; ints, bools,
  dates before and after 1 March 1900, datetimes, text needing escapes or the formula guard,
  mixed object columns), and Arrow's float text with ``.0`` added is ``repr`` for every float;
* the reader (see the reading tests below).

``xl_kent._arrays.general_paths()`` selects the general path.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_kent import _arrays
from xl_kent.files import _arrow_xlsx, _xlsx

_FIXED_TIME = time.struct_time((2020, 1, 1, 0, 0, 0, 2, 1, 0))  # the zip's member times


def _reprs(values: np.ndarray) -> list[str]:
    return [repr(v) for v in values.tolist()]


def _boundaries() -> np.ndarray:
    """Floats at and around the points where repr or Arrow change notation."""
    points = [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1.0, 1e9, 1e10, 1e11, 1e15, 1e16, 1e17, 1e21, 1e22,
              9.99999999999999e307, 5e-324, 2.2250738585072014e-308, 2.0 ** 53, 2.0 ** 63, 0.1, 0.5]
    out = []
    for p in points:
        x = np.float64(p)
        for _ in range(3):
            out += [x, -x]
            x = np.nextafter(x, np.inf)
        x = np.float64(p)
        for _ in range(3):
            x = np.nextafter(x, -np.inf)
            out += [x, -x]
    return np.array(out + [0.0, -0.0], dtype=np.float64)


def test_float_texts_are_repr_on_random_bits():
    rng = np.random.default_rng(16)
    bits = rng.integers(0, 2**64, size=400_000, dtype=np.uint64, endpoint=False)
    values = bits.view(np.float64)
    values = values[np.isfinite(values)]
    assert _arrow_xlsx.float_texts(values).to_pylist() == _reprs(values)


def test_float_texts_are_repr_on_decimals_and_boundaries():
    rng = np.random.default_rng(7)
    parts = [_boundaries()]
    for digits in range(0, 18):  # decimals of every length, at every magnitude a staff list has and more
        scale = 10.0 ** rng.integers(-12, 20, size=20_000)
        parts.append(np.round(rng.random(20_000) * scale, digits))
        parts.append(np.round(rng.standard_normal(20_000) * 1e5, digits))
    parts.append(rng.integers(-10**12, 10**12, size=50_000).astype(np.float64))  # whole numbers
    values = np.concatenate(parts)
    assert _arrow_xlsx.float_texts(values).to_pylist() == _reprs(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=50))
def test_float_texts_are_repr_hypothesis(xs):
    values = np.array(xs, dtype=np.float64)
    assert _arrow_xlsx.float_texts(values).to_pylist() == _reprs(values)


def _write(names, sheets, *, general: bool) -> bytes:
    buf = io.BytesIO()
    with mock.patch("time.localtime", return_value=_FIXED_TIME):
        if general:
            with _arrays.general_paths():
                _xlsx.write_workbook(buf, names, sheets)
        else:
            _xlsx.write_workbook(buf, names, sheets)
    return buf.getvalue()


def _assert_same_both_ways(names, sheets):
    fast, general = _write(names, sheets, general=False), _write(names, sheets, general=True)
    assert fast == general


_TEXTS = ["", " ", "  both  ", "\nfirst", "last\t", "plain", "Smith-Jones", "bell\x07", "=1+1", "+x", "-2", "@a", "\tTab", "a\rb", "a\nb", "_x0041_",
          "&<>\"'", "emoji \U0001F600", "lone \ud800 surrogate", "\ufffe", "x" * 20_000, "y" * 40_000, "é" * 3]
_FLOATS = [0.0, -0.0, 1.0, 30000.0, 32893.5, 0.1, 1 / 3, 1e-5, 1.5e-7, 1e10, 123456789012345.6, 1e16, 1e22,
           9.99999999999999e307, 1e308, -1e308, np.inf, -np.inf, np.nan, 5e-324, -1234.5678]
_DATES = [dt.date(2024, 3, 1), dt.date(1900, 3, 1), dt.date(1900, 2, 28), dt.date(1899, 12, 31), dt.date(1, 1, 1),
          dt.date(9999, 12, 31)]
_OBJECTS = _FLOATS + _TEXTS + _DATES + [None, True, False, 7, -(2**70), 2**53 + 1, 10**400,
                                         dt.datetime(2024, 5, 6, 7, 8, 9), dt.datetime(2024, 5, 6),
                                         dt.time(12, 30), dt.timedelta(days=1.5), np.float64(2.5), np.int64(3)]


def _column(kind: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """A column of ``kind``; a "pure" kind of few classes (the shortcut) or everything (the general case)."""
    pick = lambda pool: [pool[i] for i in rng.integers(0, len(pool), size=n)]  # noqa: E731
    if kind == "float":
        return np.round(rng.standard_normal(n) * 10 ** rng.integers(0, 8, size=n), rng.integers(0, 4))
    if kind == "float odd":
        return np.array(pick(_FLOATS), dtype=np.float64)
    if kind == "float32":
        return (rng.standard_normal(n) * 1e3).astype(np.float32)
    if kind == "int":
        return rng.integers(-10**15, 10**15, size=n)
    if kind == "uint":
        return rng.integers(0, 2**64 - 1, size=n, dtype=np.uint64)
    if kind == "bool":
        return rng.random(n) < 0.5
    if kind == "datetime64":
        days = rng.integers(-30_000, 40_000, size=n).astype("datetime64[D]")
        days[rng.random(n) < 0.1] = np.datetime64("NaT")
        return days
    if kind == "unicode":
        return np.array(pick(["a", "bc", "=x", "d<e"]), dtype=str)
    pools = {
        "text": ["", None, "plain", "Smith-Jones", "CC109", "KR9", "Yes", "é" * 3, "emoji \U0001F600",
                 " lead", "trail ", "in  side", "two\nlines", "end\n", " "],
        "text odd": _TEXTS + [None],
        "object float": [None, 1.0, 2.5, 30000.0, 7, -3, 1e-5, 1e16, np.nan],
        "object float odd": [None, 1.0, 2**53 + 1, 10**400, 1e308, np.inf],
        "object bool": [None, True, False],
        "object date": [None, dt.date(2024, 3, 1), dt.date(1990, 12, 31), dt.date(2031, 1, 1)],
        "object date odd": [None, *_DATES, dt.datetime(2024, 5, 6, 7, 8, 9)],
        "object date 1900": [None, dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(2000, 1, 1)],
        "object mixed": _OBJECTS,
    }
    return np.array(pick(pools[kind]) + [None], dtype=object)[:n]


_KINDS = ["float", "float odd", "float32", "int", "uint", "bool", "datetime64", "unicode", "text", "text odd",
          "object float", "object float odd", "object bool", "object date", "object date odd", "object date 1900", "object mixed"]


@pytest.mark.parametrize("kind", _KINDS)
def test_writer_same_bytes_each_kind(kind, monkeypatch):
    monkeypatch.setattr(_xlsx, "BLOCK_ROWS", 37)  # many blocks: some with the odd values, some without
    rng = np.random.default_rng(len(kind))
    n = 200
    cols = [_column(kind, rng, n), _column("float", rng, n)]
    # the odd values in only some blocks: the rest of the column is of the pure kind
    if kind.endswith(" odd"):
        pure = _column(kind.removesuffix(" odd"), rng, n) if kind != "float odd" else _column("float", rng, n)
        keep = (np.arange(n) // 37) % 2 == 0
        cols[0] = np.where(keep, pure, cols[0]).astype(cols[0].dtype) if cols[0].dtype.kind == "O" \
            else np.where(keep, pure, cols[0])
    sheets = [(["a", "b"], cols, [_xlsx.style_of("number"), 0], [10.0, 12.0], True)]
    _assert_same_both_ways(["S"], sheets)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_KINDS), min_size=1, max_size=6), st.integers(0, 120), st.integers(0, 2**32 - 1),
       st.integers(1, 50))
def test_writer_same_bytes_hypothesis(kinds, n, seed, block):
    rng = np.random.default_rng(seed)
    cols = [_column(k, rng, n) for k in kinds]
    headers = [f"h{i}" if i % 3 else f"=h{i}" for i in range(len(kinds))]
    styles = [_xlsx.style_of(f) for f in rng.choice([None, "gbp", "date", "text", "days"], size=len(kinds))]
    sheets = [(headers, cols, styles, [10.0] * len(kinds), bool(seed % 2)),
              (["x"], [np.array(["a", None, "b"], dtype=object)], [0], [8.0], False)]
    with mock.patch.object(_xlsx, "BLOCK_ROWS", block):
        _assert_same_both_ways(["One", "Two's"], sheets)


def test_writer_empty_and_wide_sheets():
    _assert_same_both_ways(["E"], [(["a"], [np.zeros(0)], [0], [9.0], True)])
    _assert_same_both_ways(["E"], [([], [], [], [], False)])
    rng = np.random.default_rng(3)
    wide = [rng.random(5) for _ in range(_arrow_xlsx.MAX_COLUMNS + 2)]  # past the widest block: the Python way
    _assert_same_both_ways(["W"], [([f"c{i}" for i in range(len(wide))], wide, [0] * len(wide),
                                    [9.0] * len(wide), True)])


def _column_bound_reference(col: np.ndarray, index: int) -> int:
    """``_xlsx._column_bound(..., exact=True)`` of an object column as first written (with a Counter)."""
    from collections import Counter

    n = len(col)
    value, text = _xlsx._markup_bytes(index, n)
    items = col.tolist()
    counts = Counter(map(type, items))
    total = n * (max(value, text) + _xlsx._OTHER_BYTES)
    text_types = [t for t in counts if issubclass(t, str)]
    only_text = len(text_types) == 1 and set(counts) <= {text_types[0], type(None)}
    for t, k in counts.items():
        if issubclass(t, str):
            texts = filter(None, items) if only_text else (v for v in items if v.__class__ is t)
            total += _xlsx._CHAR_BYTES * sum(map(len, texts))
        elif issubclass(t, int) and not issubclass(t, bool):
            ints = [v for v in items if v.__class__ is t]
            if max(ints) >= 1 << 63 or min(ints) < -(1 << 63):
                total += k * _xlsx._BIG_INT_BYTES
        elif not issubclass(t, _xlsx._FIXED_WIDTH_TYPES):
            total += k * _xlsx._MAX_TEXT_BYTES
    return total


class _Text(str):
    """A str subclass (counted apart from str)."""


@pytest.mark.parametrize("kind", ["text", "text odd", "object mixed", "object float odd", "object date odd"])
def test_column_bound_unchanged(kind):
    rng = np.random.default_rng(11)
    col = _column(kind, rng, 300)
    extra = np.array([_Text("sub"), 2**64, 5, dt.time(1, 2), object(), "x" * 5, None, 1.5], dtype=object)
    for c in (col, np.concatenate([col, extra])):
        assert _xlsx._column_bound(c, 3, exact=True) == _column_bound_reference(c, 3)


def test_a_pyarrow_writing_floats_otherwise_sends_the_writer_to_python(monkeypatch):
    assert _arrow_xlsx.agrees()
    monkeypatch.setattr(_arrow_xlsx, "_ARROW_POSITIONAL_BELOW", 1e16)  # as if Arrow wrote 1e15 positionally
    _arrow_xlsx.agrees.cache_clear()
    try:
        assert not _arrow_xlsx.agrees()
        assert _xlsx._arrow_builder() is None
    finally:
        monkeypatch.undo()
        _arrow_xlsx.agrees.cache_clear()
    assert _xlsx._arrow_builder() is _arrow_xlsx
