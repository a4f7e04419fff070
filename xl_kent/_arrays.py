"""Small array helpers shared by the rule modules (no rules here)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

from . import cells as _cells
from .errors import reason, reason_text

#: The rules take shortcuts where the data allow one (every row in one parameter period,
#: no bad row, a grade given as a number ...), each giving the general path's result to
#: the last bit. ``False`` turns every shortcut off; tests compare both ways
#: (:func:`general_paths`). Read once per call, never per row.
FAST_PATHS = True


@contextmanager
def general_paths() -> Iterator[None]:
    """Within the block, the rules take their general path only (no shortcut).

    >>> with general_paths():
    ...     fast()
    False
    >>> fast()
    True
    """
    global FAST_PATHS
    saved, FAST_PATHS = FAST_PATHS, False
    try:
        yield
    finally:
        FAST_PATHS = saved


def fast() -> bool:
    """Whether the shortcuts are on (see :data:`FAST_PATHS`)."""
    return FAST_PATHS


class NotColumns(ValueError):
    """The inputs of one call cannot be broadcast to one shape (columns of different
    lengths, a 2-D block against a column ...). Raised by :func:`broadcast_rows` and
    :func:`broadcast_shape`, and answered by :func:`answers_not_columns`: it never leaves
    a public function of the core."""


#: The reason of a call whose inputs cannot be broadcast: one error for the call,
#: since no row can be told from another (RULES.md, "Calling from Python and from Excel").
E_NOT_COLUMNS = reason("#VALUE!", "the inputs cannot be read as columns of one length (or single values)")


def broadcast_shape(*shapes) -> tuple[int, ...]:
    """``np.broadcast_shapes``, raising :class:`NotColumns` where the shapes do not broadcast.

    >>> broadcast_shape((3,), (), (3,))
    (3,)
    >>> broadcast_shape((3,), (2,))
    Traceback (most recent call last):
    ...
    xl_kent._arrays.NotColumns: shapes (3,), (2,) cannot be broadcast to one shape
    """
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise NotColumns(f"shapes {', '.join(map(str, shapes))} cannot be broadcast to one shape") from None


def broadcast_rows(*args):
    """Broadcast inputs against each other and flatten them to 1-D rows.

    Returns the flattened arrays and the broadcast shape (``()`` for all-scalar
    input), so a rule computes on 1-D rows and hands results back in that shape.
    Inputs that do not broadcast raise :class:`NotColumns`.
    """
    arrays = [np.asarray(a) for a in args]
    shape = broadcast_shape(*[a.shape for a in arrays])
    flat = [np.broadcast_to(a, shape).reshape(-1) for a in arrays]
    return flat, shape


def not_columns_result(result_type, **fields):
    """The answer of a call whose inputs do not broadcast: one row (0-d fields), every
    ``error`` field :data:`E_NOT_COLUMNS`, every other field ``nan`` unless given.

    >>> from typing import NamedTuple
    >>> class R(NamedTuple):
    ...     weeks: np.ndarray
    ...     error: np.ndarray
    >>> r = not_columns_result(R)
    >>> float(r.weeks), int(r.error) == E_NOT_COLUMNS, r.error.shape
    (nan, True, ())
    """
    def value(name):
        if name == "error" or name.endswith("_error"):
            return np.array(E_NOT_COLUMNS, dtype=np.int32)
        return np.asarray(fields[name]) if name in fields else np.array(np.nan)

    return result_type(*[value(name) for name in result_type._fields])


def not_columns_words() -> np.ndarray:
    """The explanation of a call whose inputs do not broadcast: its reason, 0-d.

    >>> str(not_columns_words())
    'the inputs cannot be read as columns of one length (or single values)'
    """
    return np.array(reason_text(E_NOT_COLUMNS), dtype=object)


def answers_not_columns(answer: Callable[[], object]):
    """Decorator of a public function: a call whose inputs do not broadcast returns
    ``answer()`` (one row that carries :data:`E_NOT_COLUMNS`) instead of raising."""

    def wrap(func):
        @functools.wraps(func)
        def call(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except NotColumns:
                return answer()

        return call

    return wrap


def floats(x) -> np.ndarray:
    """Numbers as float64; ``None`` becomes ``nan``. Booleans are not numbers: ``nan``,
    so that each such row gets its own "not a number" reason.

    >>> floats([True, False]).tolist()
    [nan, nan]
    """
    if x is None:
        return np.array(np.nan)
    a = _cells.as_array(x)
    if a.dtype.kind == "f":
        return a.astype(np.float64, copy=False)
    if a.dtype.kind in "iu":
        return a.astype(np.float64)
    if a.dtype.kind == "b":
        return np.full(a.shape, np.nan)
    from .cells import to_numbers

    return to_numbers(a.reshape(-1)).values.reshape(a.shape)


def bools(x) -> np.ndarray:
    """Booleans; ``None`` becomes ``False`` (see :func:`flags`, which also says where a
    value is not TRUE or FALSE)."""
    return flags(x)[0]


def flags(x) -> tuple[np.ndarray, np.ndarray | None]:
    """Booleans as cells hold them, and where a value is not one: ``(values, bad)``.

    TRUE/FALSE, 1/0 and the words yes/no, y/n, true/false are read (as
    :func:`xl_kent.cells.to_bools`); a blank (``None``, ``nan``) is ``False``. Anything
    else (2, "team", "maybe", an error value) is ``False`` in ``values`` and ``True`` in
    ``bad``, so that the rule gives that row its reason instead of reading it as FALSE.
    ``bad`` is ``None`` when every value is readable (the usual case: no mask to apply).

    >>> flags(np.array([True, False]))
    (array([ True, False]), None)
    >>> values, bad = flags(["yes", "N", 2, "team", None])
    >>> values.tolist(), bad.tolist()
    ([True, False, False, False, False], [False, False, True, True, False])
    """
    if x is None:
        return np.array(False), None
    a = _cells.as_array(x)
    if a.dtype.kind == "b":
        return a, None
    if a.dtype.kind in "iuf":
        with np.errstate(invalid="ignore"):
            bad = ~((a == 0) | (a == 1) | np.isnan(a))
        return a == 1, (bad if bad.any() else None)
    column = _cells.to_bools(a.reshape(-1))
    bad = (column.status != _cells.GOOD) & (column.status != _cells.BLANK)
    return column.values.reshape(a.shape), (bad.reshape(a.shape) if bad.any() else None)


def flag_reason(name: str) -> int:
    """The reason of a row whose ``name`` is not TRUE or FALSE (as the Excel functions word it).

    >>> from xl_kent.errors import reason_text
    >>> reason_text(flag_reason("team"))
    'team is not TRUE or FALSE'
    """
    return reason("#VALUE!", f"{name} is not TRUE or FALSE")


def flag_errors(error: np.ndarray, shape: tuple[int, ...], **bad: np.ndarray | None) -> np.ndarray:
    """``error`` (the 1-D rows of the broadcast ``shape``) with each row whose flag is ``bad``
    (:func:`flags`) given that flag's reason, where the row has no reason yet (in the order
    given: the arguments' order). The same array when no flag is bad.

    >>> from xl_kent.errors import describe
    >>> describe(flag_errors(np.zeros(3, np.int32), (3,), team=np.array([False, True, True]), endorsed=None))
    [(1, '#VALUE!', 'team is not TRUE or FALSE'), (2, '#VALUE!', 'team is not TRUE or FALSE')]
    """
    for name, mask in bad.items():
        if mask is not None:
            rows = np.broadcast_to(mask, shape).reshape(-1)
            error = np.where((error == 0) & rows, flag_reason(name), error).astype(np.int32)
    return error


def dates(x) -> np.ndarray:
    """Dates as ``datetime64[D]`` (see :func:`xl_kent.cells.as_dates`)."""
    return _cells.as_dates(x)


def reshape_out(shape, *arrays):
    """Reshape 1-D results back to the broadcast input shape."""
    out = tuple(a.reshape(shape) for a in arrays)
    return out


def interval_overlap(*bounds: np.ndarray) -> np.ndarray:
    """Length of the intersection of half-open intervals ``[a, b)``.

    ``interval_overlap(a1, b1, a2, b2, ...)``; never negative.
    """
    starts = bounds[0::2]
    ends = bounds[1::2]
    lo = starts[0]
    for s in starts[1:]:
        lo = np.maximum(lo, s)
    hi = ends[0]
    for e in ends[1:]:
        hi = np.minimum(hi, e)
    return np.maximum(hi - lo, 0.0)


#: Rows computed at a time by the row-independent rules. Blocks of this size keep
#: every temporary array in the CPU cache and out of fresh memory pages, which makes
#: a long chain of array operations about 1.5x faster than one pass over a million
#: rows. The loop is over blocks, never over rows; results do not depend on it.
BLOCK_ROWS = 32_768

#: Threads that compute blocks side by side (numpy releases the GIL inside its
#: loops). ``XL_KENT_THREADS=1`` turns this off; where threads cannot start (e.g.
#: Pyodide in xlwings Lite) blocks run one after another. Results are identical.
THREADS = max(1, int(os.environ.get("XL_KENT_THREADS", "0")) or min(4, os.cpu_count() or 1))

_pool: ThreadPoolExecutor | None = None
_pool_failed = False


def thread_pool() -> ThreadPoolExecutor | None:
    global _pool, _pool_failed
    if THREADS < 2 or _pool_failed:
        return None
    if _pool is None:
        try:
            _pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="xl-kent")
            _pool.submit(int).result()  # fails here where threads are not supported
        except (RuntimeError, OSError):
            _pool, _pool_failed = None, True
    return _pool


def blockwise(kernel, *rows: np.ndarray, block: int = BLOCK_ROWS):
    """Run ``kernel`` (1-D arrays in, tuple of 1-D arrays out) block by block.

    The rules' kernels judge each row on its own, so a block gives the same answers
    as the whole array; this only changes speed. Blocks run on a few threads when
    there are several of them.
    """
    n = rows[0].shape[0]

    def run(start):
        # Bad rows carry placeholder values (inf, 0) until they are masked to nan;
        # the float warnings they raise on the way are expected, not news.
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return kernel(*(r[start : start + block] for r in rows))

    if n <= block:
        return run(0)
    starts = range(0, n, block)

    pool = thread_pool() if n >= 4 * block else None
    parts = list(pool.map(run, starts)) if pool is not None else [run(start) for start in starts]
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(len(parts[0])))


def factorize_text(
    a: np.ndarray, fold: bool = False, ordered: bool = True
) -> tuple[np.ndarray, np.ndarray] | None:
    """Distinct labels of a text array and each row's index into them.

    Like ``np.unique(a, return_inverse=True)``, but short ASCII/Latin-1 text (up to 8
    characters, such as "KR6" or "E000123") is packed exactly into one 64-bit integer
    per row first (in the text's sort order), and those integers are factorised by
    hashing, not by sorting the rows (:func:`_factorize_uint64`); the labels and codes
    are the same as ``np.unique``'s, to the last row.

    With ``fold=True`` the labels are matched ignoring ASCII case (rows with "KR6"
    and "kr6" get one code; the label shown is the lower-case text); this is done only
    on the fast path, and ``None`` is returned when the text does not allow it (longer,
    non-ASCII, or with spaces to trim), so that the caller folds another way.

    With ``ordered=False`` the labels may come in any order (the codes still match
    equal text, one code per label): for callers that only group rows, this saves
    sorting the distinct labels.

    >>> labels, codes = factorize_text(np.array(["KR6", "kr6", "KR6", "E1"]))
    >>> labels.tolist(), codes.tolist()
    (['E1', 'KR6', 'kr6'], [1, 2, 1, 0])
    >>> labels, codes = factorize_text(np.array(["KR6", "kr6", "E1"]), fold=True)
    >>> labels.tolist(), codes.tolist()
    (['e1', 'kr6'], [1, 1, 0])
    >>> factorize_text(np.array(["E 1", "e1"]), fold=True) is None
    True
    """
    a = np.asarray(a)
    if a.dtype.kind != "U":
        a = a.astype(str)
    width = a.dtype.itemsize // 4
    if fast() and a.size and 0 < width <= 8:
        flat = np.ascontiguousarray(a.reshape(-1))
        chars = flat.view(np.uint32).reshape(-1, width)
        if int(chars.max()) < 256:
            packed = _pack_chars(chars)
            if fold:
                if (packed & _HIGH_BITS).any():  # a character above 127: not ASCII
                    return None
                packed = _ascii_lower(packed)
            keys, codes = _factorize_uint64(packed, ordered)
            key_bytes = keys.view(np.uint8).reshape(-1, 8)
            if fold and ((key_bytes == 32) | ((key_bytes >= 9) & (key_bytes <= 13))).any():
                return None  # spaces to trim: the caller's general fold
            return _unpack_chars(key_bytes, width), codes.reshape(a.shape)
    if fold:
        return None
    labels, inverse = np.unique(a, return_inverse=True)
    return labels, inverse.reshape(a.shape)


_HIGH_BITS = np.uint64(0x8080808080808080)
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio: Knuth's multiplicative hash
_SMALL_SAMPLE = 1024  # rows sampled to guess the labels of a column with few distinct values
_SMALL_LABELS = 256  # at most this many sampled labels: a perfect-hash table, else a full hash
_HASH_ROWS = 65_536  # from this many rows, pyarrow's hash table (where installed) beats a sort


def _pack_chars(chars: np.ndarray) -> np.ndarray:
    """Rows of up to 8 characters below 256 (``(n, width)`` code points) as one ``uint64`` each.

    The first character is the most significant byte and a shorter text is padded with
    zeros, so the integers sort as the text does.

    >>> chars = np.array(["KR6", "KR10", "E1"]).view(np.uint32).reshape(3, -1)
    >>> [hex(int(p)) for p in _pack_chars(chars)]
    ['0x4b523600', '0x4b523130', '0x45310000']
    """
    n, width = chars.shape
    out = np.zeros((n, 8), dtype=np.uint8)
    if chars.flags.c_contiguous:  # each code point's low byte, read as bytes (a third faster than a cast)
        low = chars.view(np.uint8)[:, 0 if np.little_endian else 3 :: 4]
    else:
        low = chars
    if np.little_endian:
        out[:, :width] = low[:, ::-1]  # the lowest byte last: the last character
    else:
        out[:, 8 - width :] = low
    return out.view(np.uint64).reshape(n)


def _unpack_chars(key_bytes: np.ndarray, width: int) -> np.ndarray:
    """The text of packed keys (their bytes, ``(n, 8)``), as ``<U{width}``: :func:`_pack_chars` undone."""
    chars = key_bytes[:, :width][:, ::-1] if np.little_endian else key_bytes[:, 8 - width :]
    return np.ascontiguousarray(chars, dtype=np.uint32).view(f"<U{width}").reshape(-1)


def _ascii_lower(packed: np.ndarray) -> np.ndarray:
    """ASCII upper-case letters of packed text (every byte below 128) made lower case.

    Eight bytes at a time: a byte is "A"-"Z" when adding 0x3F sets its top bit and
    adding 0x25 does not (no carry crosses a byte below 128); bit 0x20 then lowers it.

    >>> chars = np.array(["KR6", "Ab@[z"]).view(np.uint32).reshape(2, -1)
    >>> _unpack_chars(_ascii_lower(_pack_chars(chars)).view(np.uint8).reshape(-1, 8), 5).tolist()
    ['kr6', 'ab@[z']
    """
    upper = packed + np.uint64(0x3F3F3F3F3F3F3F3F)  # (then in place: two arrays made, not six)
    past_z = packed + np.uint64(0x2525252525252525)
    np.invert(past_z, out=past_z)
    upper &= past_z
    upper &= _HIGH_BITS
    upper >>= np.uint64(2)
    upper |= packed
    return upper


def _factorize_uint64(keys: np.ndarray, ordered: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` without sorting the rows.

    A column with few distinct values (grades, units) is matched against the labels
    of a sample of its rows through a small perfect-hash table, and every row is then
    checked against its label, so that a value the sample missed falls through. Keys
    whose bytes span a compact box (ids such as "E000123": few values per character
    position) are numbered within the box and factorised by a table over it
    (:func:`_dense_codes`). Other columns go through pyarrow's hash table where it is
    installed (not in xlwings Lite), then the distinct labels are sorted and the codes
    renumbered (unless ``ordered`` is False), or else through ``np.unique``. Same
    result every way.

    >>> keys, codes = _factorize_uint64(np.array([7, 3, 7, 9], dtype=np.uint64))
    >>> keys.tolist(), codes.tolist()
    ([3, 7, 9], [1, 0, 1, 2])
    """
    n = keys.shape[0]
    sample = np.unique(keys[:: max(1, n // _SMALL_SAMPLE)])
    if sample.shape[0] <= _SMALL_LABELS:
        codes = _perfect_hash_codes(keys, sample)
        if codes is not None:
            return sample, codes
    dense = _dense_codes(keys)
    if dense is not None:
        return dense
    if n >= _HASH_ROWS:
        try:
            import pyarrow as pa
            import pyarrow.compute as pc
        except ImportError:  # xlwings Lite: numpy only
            pass
        else:
            encoded = pc.dictionary_encode(pa.array(keys, type=pa.uint64()))
            labels = encoded.dictionary.to_numpy(zero_copy_only=False)
            codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
            if not ordered:
                return labels, codes
            order = np.argsort(labels)
            rank = np.empty(order.shape[0], dtype=np.intp)
            rank[order] = np.arange(order.shape[0])
            return labels[order], rank[codes]
    labels, codes = np.unique(keys, return_inverse=True)
    return labels, codes.astype(np.intp, copy=False)


def _perfect_hash_codes(keys: np.ndarray, labels: np.ndarray) -> np.ndarray | None:
    """Each key's index in the sorted, distinct ``labels``, or ``None`` when a key is not one of them.

    A multiplicative hash of the labels into a power-of-two table without collision (a
    few table sizes tried); each row then takes its table entry and is compared with
    that label, so the result never depends on the hash.
    """
    d = labels.shape[0]
    for bits in range(max(4, d.bit_length() + 2), 17):  # a loop over table sizes, not rows
        shift = np.uint64(64 - bits)
        slot = (labels * _FIBONACCI) >> shift
        if np.unique(slot).shape[0] == d:
            break
    else:
        return None
    table = np.zeros(1 << bits, dtype=np.intp)
    table[slot.astype(np.intp)] = np.arange(d)
    codes = table[((keys * _FIBONACCI) >> shift).astype(np.intp)]
    if not (labels[codes] == keys).all():
        return None
    return codes


def _dense_codes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``np.unique(keys, return_inverse=True)`` by a table, when the keys' bytes span a compact box.

    The keys are numbered within their box (:func:`box_numbers`); a table over the box
    marks the numbers present, and its running count numbers them. ``None`` when the box
    is larger than ``4 n + 1024`` (the caller hashes).

    >>> keys, codes = _dense_codes(np.array([0x4530, 0x4531, 0x4630, 0x4531], dtype=np.uint64))
    >>> [hex(int(k)) for k in keys], codes.tolist()
    (['0x4530', '0x4531', '0x4630'], [0, 1, 2, 1])
    """
    boxed = _box(keys)
    if boxed is None:
        return None
    number, size, lo, radix = boxed
    present = np.zeros(size, dtype=bool)
    present[number] = True
    found = np.flatnonzero(present)
    rank = np.zeros(size, dtype=np.intp)
    rank[found] = np.arange(found.shape[0])
    label_bytes = np.empty((found.shape[0], 8), dtype=np.uint8)
    columns = label_bytes if np.little_endian else label_bytes[:, ::-1]  # column k: weight 256**k
    columns[:] = lo  # each position's smallest byte, then the digits added
    left = found
    for k in range(8):  # the keys back from their numbers, byte by byte
        if radix[k] > 1:
            left, byte = np.divmod(left, radix[k])
            columns[:, k] += byte.astype(np.uint8)
    return label_bytes.view(np.uint64).reshape(-1), np.take(rank, number)


def box_numbers(keys: np.ndarray) -> np.ndarray | None:
    """``uint64`` keys as numbers in ``[0, 4 n + 1024]`` in the keys' order (equal keys, equal
    numbers; gaps allowed), when the keys' bytes span a compact box; else ``None``.

    Each byte of a key is taken relative to its position's smallest value and the bytes
    are read as one mixed-radix number (radix = that position's range), which keeps the
    keys' order. For ids such as "E000123" (few values per character position) these
    are codes as good as the distinct keys' ranks for sorting and grouping rows, as whole
    number ids in a compact range are used as they are, without a table.

    >>> box_numbers(np.array([0x4530, 0x4531, 0x4630, 0x4531], dtype=np.uint64)).tolist()
    [0, 1, 2, 1]
    """
    boxed = _box(keys)
    return None if boxed is None else boxed[0]


def _box(keys: np.ndarray) -> tuple[np.ndarray, int, np.ndarray, list[int]] | None:
    """The keys' box numbers, the box's size, each byte position's smallest value and radix."""
    n = keys.shape[0]
    by_byte = keys.view(np.uint8).reshape(n, 8)
    if not np.little_endian:
        by_byte = by_byte[:, ::-1]  # column k: the byte of weight 256**k
    whole = n // 64 * 64  # the minimum and maximum of each byte position, 512 bytes a row
    lo = by_byte[whole:].min(axis=0, initial=255)
    hi = by_byte[whole:].max(axis=0, initial=0)
    if whole:
        block = by_byte[:whole].reshape(-1, 512)
        lo = np.minimum(lo, block.min(axis=0).reshape(64, 8).min(axis=0))
        hi = np.maximum(hi, block.max(axis=0).reshape(64, 8).max(axis=0))
    radix = [int(h) - int(low) + 1 for low, h in zip(lo.tolist(), hi.tolist(), strict=True)]
    size = 1
    for r in radix:
        size *= r
    if size > 4 * n + 1024:
        return None
    number = np.zeros(n, dtype=np.int32 if size < 2**31 else np.int64)
    stride = 1
    for k in range(8):  # a loop over byte positions, not rows
        if radix[k] > 1:
            digit = by_byte[:, k].astype(number.dtype)
            if lo[k]:
                digit -= int(lo[k])
            if stride > 1:
                digit *= stride
            number += digit
            stride *= radix[k]
    return number, size, lo, radix


def packed_text(a: np.ndarray) -> np.ndarray | None:
    """Short ASCII text as ``uint64`` keys matched ignoring case ("" is 0), without numbering them.

    The keys of :func:`factorize_text` with ``fold=True`` before the factorisation: equal
    keys are equal text ignoring ASCII case, for callers that group only some rows
    (:func:`factorize_keys` on those). ``None`` where that function would give ``None``
    (not text, longer than 8 characters, non-ASCII, or with spaces to trim).

    >>> packed_text(np.array(["E1", "e1", "", "F2"])).tolist() == [0x6531, 0x6531, 0, 0x6632]
    True
    >>> packed_text(np.array(["E 1"])) is None
    True
    """
    a = np.asarray(a)
    width = a.dtype.itemsize // 4
    if a.dtype.kind != "U" or not a.size or not 0 < width <= 8:
        return None
    chars = np.ascontiguousarray(a.reshape(-1)).view(np.uint32).reshape(-1, width)
    if int(chars.max()) >= 128:
        return None
    packed = _pack_chars(chars)
    # Spaces to trim: a byte in 9-13 or 32 (one test of 9-32 first: ids rarely hold one)
    if _bytes_between(packed, 9, 32).any() and \
            (_bytes_between(packed, 9, 13) | _bytes_between(packed, 32, 32)).any():
        return None
    return _ascii_lower(packed).reshape(a.shape)


def _bytes_between(packed: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Top bit of each byte of ``packed`` (every byte below 128) set where the byte is in ``[lo, hi]``."""
    from_lo = packed + np.uint64(0x0101010101010101 * (0x80 - lo))
    past_hi = packed + np.uint64(0x0101010101010101 * (0x7F - hi))
    np.invert(past_hi, out=past_hi)  # (in place: two arrays made, not five)
    from_lo &= past_hi
    from_lo &= _HIGH_BITS
    return from_lo


def factorize_keys(keys: np.ndarray, ordered: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` of ``uint64`` keys by hashing (:func:`_factorize_uint64`).

    >>> factorize_keys(np.array([5, 2, 5], dtype=np.uint64))[1].tolist()
    [1, 0, 1]
    """
    keys = np.ascontiguousarray(keys, dtype=np.uint64).reshape(-1)
    return _factorize_uint64(keys, ordered)


# (what, id(array)) -> (weak reference to the array, the result): see once_per_array.
_ONCE: dict[tuple[str, int], tuple] = {}


def once_per_array(what: str, fn, array: np.ndarray):
    """``fn(array)``, worked out once while ``array`` (that very object) lives: for the labels
    of a coded CSV column, which every block of rows of a big list shares and nothing changes
    in place (parsing them, checking them for Excel, their objects' addresses). ``what`` names
    the result, so one array can have several.

    >>> a = np.array(["x", "y"], dtype=object)
    >>> calls = []
    >>> once_per_array("n", lambda v: calls.append(1) or len(v), a), once_per_array("n", len, a), len(calls)
    (2, 2, 1)
    """
    import weakref

    key = (what, id(array))
    entry = _ONCE.get(key)
    if entry is not None and entry[0]() is array:
        return entry[1]
    result = fn(array)

    def gone(ref, key=key):
        held = _ONCE.get(key)
        if held is not None and held[0] is ref:  # (not a newer array that took the same address)
            del _ONCE[key]

    _ONCE[key] = (weakref.ref(array, gone), result)
    return result

