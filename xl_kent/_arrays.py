"""Small array helpers shared by the rule modules (no rules here)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

from . import cells as _cells


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


def broadcast_rows(*args):
    """Broadcast inputs against each other and flatten them to 1-D rows.

    Returns the flattened arrays and the broadcast shape (``()`` for all-scalar
    input), so a rule computes on 1-D rows and hands results back in that shape.
    """
    arrays = [np.asarray(a) for a in args]
    shape = np.broadcast_shapes(*[a.shape for a in arrays])
    flat = [np.broadcast_to(a, shape).reshape(-1) for a in arrays]
    return flat, shape


def floats(x) -> np.ndarray:
    """Numbers as float64; ``None`` becomes ``nan``. Booleans are refused."""
    if x is None:
        return np.array(np.nan)
    a = np.asarray(x)
    if a.dtype.kind == "f":
        return a.astype(np.float64, copy=False)
    if a.dtype.kind in "iu":
        return a.astype(np.float64)
    if a.dtype.kind == "b":
        raise TypeError("booleans are not numbers")
    from .cells import to_numbers

    return to_numbers(a.reshape(-1)).values.reshape(a.shape)


def bools(x) -> np.ndarray:
    """Booleans; ``None`` becomes ``False``."""
    if x is None:
        return np.array(False)
    a = np.asarray(x)
    if a.dtype.kind == "b":
        return a
    if a.dtype.kind in "iuf":
        return a == 1
    from .cells import to_bools

    return to_bools(a.reshape(-1)).values.reshape(a.shape)


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


def factorize_text(a: np.ndarray, fold: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
    """Distinct labels of a text array and each row's index into them.

    Like ``np.unique(a, return_inverse=True)``, but short ASCII/Latin-1 text (up to 8
    characters, such as "KR6" or "E000123") is packed exactly into one 64-bit integer
    per row first, so the sort is of integers, not strings (about 6x faster).

    With ``fold=True`` the labels are matched ignoring ASCII case (rows with "KR6"
    and "kr6" get one code; the label shown is one of them); this is done only on
    the fast path, and ``None`` is returned when the text does not allow it (longer,
    non-ASCII, or with spaces to trim), so that the caller folds another way.

    >>> labels, codes = factorize_text(np.array(["KR6", "kr6", "KR6", "E1"]))
    >>> labels.tolist(), codes.tolist()
    (['E1', 'KR6', 'kr6'], [1, 2, 1, 0])
    >>> factorize_text(np.array(["KR6", "kr6", "E1"]), fold=True)[1].tolist()
    [1, 1, 0]
    """
    a = np.asarray(a)
    if a.dtype.kind != "U":
        a = a.astype(str)
    width = a.dtype.itemsize // 4
    if a.size and 0 < width <= 8:
        chars = np.ascontiguousarray(a.reshape(-1)).view(np.uint32).reshape(-1, width)
        top = int(chars.max())
        if fold:
            whitespace = (chars == 32) | ((chars >= 9) & (chars <= 13))
            if top >= 128 or whitespace.any():
                return None
            upper = (chars >= 65) & (chars <= 90)
            chars = np.where(upper, chars + 32, chars)  # ASCII lower case
        if top < 256:
            packed = np.zeros(chars.shape[0], dtype=np.uint64)
            for i in range(width):  # loop over character positions, not rows
                packed |= chars[:, i].astype(np.uint64) << np.uint64(8 * (width - 1 - i))
            _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
            return a.reshape(-1)[first], inverse.reshape(a.shape)
    if fold:
        return None
    labels, inverse = np.unique(a, return_inverse=True)
    return labels, inverse.reshape(a.shape)
