"""Numbers, money, dates and sentences as words, over whole columns (the explanations).

The explanations of the KENT_ functions (RULES.md, "Every figure explained") are one
line of plain English per row, built from the same arrays the rules computed. The
numbers are formatted here, once per distinct value (a staff list repeats its day
counts, bands and dates), and a sentence is put together from its parts in one pass per
row (:func:`join`): the only per-row step is gluing strings, about a microsecond a part.

Every helper takes arrays of any shape (or scalars) and returns an object array of
``str`` of the same shape; ``nan`` or ``NaT`` gives ``""`` (a part left out).

Examples
--------
>>> gbp([4000, 1234567.891, 0.5, -3]).tolist()
['£4,000.00', '£1,234,567.89', '£0.50', '-£3.00']
>>> number([152.0833, 40, 2.5, 1234.5]).tolist()
['152.08', '40', '2.5', '1,234.5']
>>> day_text(np.array(["2025-07-01", "NaT"], dtype="datetime64[D]")).tolist()
['1 Jul 2025', '']
>>> join("Age ", number([42, 30]), np.array(["", " (at most)"], dtype=object)).tolist()
['Age 42', 'Age 30 (at most)']
>>> plural([1, 2.5], "week").tolist()
['1 week', '2.5 weeks']
"""

from __future__ import annotations

import numpy as np

from .dates import MONTHS_PER_YEAR, year_month_day
from .errors import OK, reason_texts

__all__ = ["number", "gbp", "day_text", "plural", "join", "choose", "years_months", "explained"]

_MONTHS = np.array(["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
                   dtype=object)


def _per_value(x: np.ndarray, fmt) -> np.ndarray:
    """``fmt`` applied once per distinct value of the float array ``x`` (``""`` for nan)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, "", dtype=object)
    ok = np.isfinite(x)
    if not ok.any():
        return out
    values, inverse = np.unique(x[ok], return_inverse=True)
    texts = np.array([fmt(float(v)) for v in values], dtype=object)
    out[ok] = texts[inverse.ravel()]
    return out


def _number(v: float, decimals: int) -> str:
    text = f"{v:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(x, decimals: int = 2) -> np.ndarray:
    """``x`` to ``decimals`` places, trailing zeros dropped, thousands separated.

    >>> number([0.4166666, 30.0, -0.0001], 2).tolist()
    ['0.42', '30', '0']
    """
    return _per_value(x, lambda v: _number(v, decimals))


def _gbp(v: float) -> str:
    text = f"£{abs(v):,.2f}"
    return "-" + text if v < 0 and text != "£0.00" else text


def gbp(x) -> np.ndarray:
    """Pounds as ``£1,234.56`` (already rounded by the caller where it matters)."""
    return _per_value(x, _gbp)


def day_text(d) -> np.ndarray:
    """Dates as ``1 Jul 2025`` (UK order, month in three letters); ``NaT`` gives ``""``."""
    d = np.asarray(d, dtype="datetime64[D]")
    out = np.full(d.shape, "", dtype=object)
    ok = ~np.isnat(d)
    if not ok.any():
        return out
    values, inverse = np.unique(d[ok], return_inverse=True)
    y, m, day = year_month_day(values)
    texts = np.array([f"{a} {b} {c}" for a, b, c in zip(day.tolist(), _MONTHS[m].tolist(), y.tolist(), strict=True)],
                     dtype=object)
    out[ok] = texts[inverse.ravel()]
    return out


def plural(x, one: str, many: str | None = None, decimals: int = 2) -> np.ndarray:
    """``"1 week"``, ``"2.5 weeks"``: the number and its unit, singular only for exactly 1."""
    x = np.asarray(x, dtype=np.float64)
    many = one + "s" if many is None else many
    unit = np.where(x == 1, " " + one, " " + many).astype(object)
    return join(number(x, decimals), unit, where=~np.isnan(x))


def choose(conditions, choices, default="") -> np.ndarray:
    """``np.select`` for words: the first true condition's choice, else ``default``."""
    conditions = [np.asarray(c, dtype=bool) for c in conditions]
    shape = np.broadcast_shapes(*[c.shape for c in conditions]) if conditions else ()
    out = np.full(shape, default, dtype=object)
    for c, v in zip(reversed(conditions), reversed(list(choices)), strict=True):
        out = np.where(c, v, out)
    return np.asarray(out, dtype=object)


def join(*parts, where=None) -> np.ndarray:
    """Each row's parts glued together; a ``str`` part is the same for every row, and a
    ``None`` part (a row a phrase does not apply to) is left out.

    ``where`` (optional, boolean) keeps the sentence only on those rows (``""`` elsewhere).
    """
    arrays = [np.asarray(p, dtype=object) for p in parts]
    shape = np.broadcast_shapes(*[a.shape for a in arrays], *(() if where is None else (np.shape(where),)))
    cols = [np.broadcast_to(a, shape).ravel() for a in arrays]
    if not cols:
        return np.full(shape, "", dtype=object)
    out = np.empty(len(cols[0]), dtype=object)
    try:
        out[:] = ["".join(row) for row in zip(*cols, strict=True)]
    except TypeError:  # a None (or other non-text) part: left out, in a second, slower pass
        cols = [np.where(np.equal(c, None), "", c).astype(str).astype(object) for c in cols]
        out[:] = ["".join(row) for row in zip(*cols, strict=True)]
    out = out.reshape(shape)
    if where is not None:
        out = np.where(np.broadcast_to(np.asarray(where, dtype=bool), shape), out, "").astype(object)
    return out


def years_months(months) -> np.ndarray:
    """Complete months of service in words: ``"4 years 2 months"``, ``"1 year"``, ``"7 months"``.

    >>> years_months([50, 12, 7, 0, 25]).tolist()
    ['4 years 2 months', '1 year', '7 months', '0 months', '2 years 1 month']
    """
    m = np.asarray(months, dtype=np.float64)
    y = np.floor(m / MONTHS_PER_YEAR)
    r = m - y * MONTHS_PER_YEAR
    years = np.where(y > 0, plural(y, "year", decimals=0), "")
    rest = np.where((r > 0) | (y == 0), plural(r, "month", decimals=0), "")
    gap = np.where((y > 0) & ((r > 0) | (y == 0)), " ", "")
    return join(years, gap, rest, where=~np.isnan(m))


def explained(sentences, error) -> np.ndarray:
    """The sentence of each good row, the reason in words of each bad row (the core's own)."""
    error = np.asarray(error)
    return np.where(error == OK, np.asarray(sentences, dtype=object), reason_texts(error)).astype(object)
