"""Dated policy parameters: every rate, band, limit and day count of the rules.

The numbers live in TOML files in ``xl_kent/parameters/``, one file per rule family,
in the style of OpenFisca and PolicyEngine-UK: each parameter has a description, a
unit and a list of dated entries, each with the date it is in force from, its value
and its source (policy section or statute). A new April rate is a new entry; code is
never edited for it.

A parameter is looked up per row by that row's date: the entry in force is the last
one whose ``from`` date is on or before the row's date. A date before the first entry
has no parameter in force, which the rule functions report as ``#N/A``.

Examples
--------
>>> rate = parameter("ssp", "weekly_rate_gbp")
>>> rate.unit
'GBP/week'
>>> values, in_force = rate.at(np.array(["2026-04-05", "2026-04-06", "2020-01-01"],
...                                     dtype="datetime64[D]"))
>>> values.tolist(), in_force.tolist()
([118.75, 123.25, nan], [True, True, False])
>>> rate.value_on("2024-05-01")
116.75
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import numpy as np

from . import _arrays

__all__ = ["Entry", "Parameter", "parameter", "family", "families", "lookup", "ready_reckoner"]

_PACKAGE = "xl_kent.parameters"
NO_DATE = np.datetime64("NaT", "D")
#: Day numbers (days since 1970) at or below this are NaT (the smallest int64) or too far
#: from any parameter's dates for a table lookup: they take the general search.
_FAR_PAST_DAY = -(2**40)
#: Parameters whose first and last entries are further apart than this many days (about
#: 1,100 years) are looked up by the general search, not by a table by day.
_MAX_TABLE_DAYS = 400_000


@dataclass(frozen=True)
class Entry:
    """One dated value of a parameter."""

    start: np.datetime64
    value: Any
    source: str


@dataclass(frozen=True)
class Parameter:
    """A parameter with its dated entries, ascending by start date."""

    family: str
    name: str
    description: str
    unit: str
    entries: tuple[Entry, ...]

    @cached_property
    def starts(self) -> np.ndarray:
        """Start dates of the entries, ``datetime64[D]``, ascending."""
        return np.array([e.start for e in self.entries], dtype="datetime64[D]")

    @cached_property
    def numbers(self) -> np.ndarray | None:
        """The entries' values as floats, then ``nan`` (for "none in force"); None if not numeric."""
        try:
            return np.array([float(e.value) for e in self.entries] + [np.nan])
        except (TypeError, ValueError):
            return None

    def index(self, dates: np.ndarray) -> np.ndarray:
        """Index of the entry in force on each date; ``-1`` where none is (or NaT)."""
        dates = np.asarray(dates, dtype="datetime64[D]")
        if _arrays.fast():
            span = _day_span(dates)
            table = _DayTable.of(self.starts)
            if span is not None and table is not None:
                return table.periods(dates, span)
        return _entry_index(self.starts, dates)

    def index_throughout(self, dates: np.ndarray) -> int | None:
        """The index of the entry in force on every one of ``dates``, or None when there is
        not one such entry (several, none in force somewhere, a NaT, no dates).

        >>> rate = parameter("ssp", "weekly_rate_gbp")
        >>> rate.index_throughout(np.array(["2025-04-06", "2026-04-05"], dtype="datetime64[D]"))
        3
        >>> rate.index_throughout(np.array(["2025-04-06", "2026-04-06"], dtype="datetime64[D]")) is None
        True
        """
        dates = np.asarray(dates, dtype="datetime64[D]")
        span = _day_span(dates)
        if span is None:  # no dates, or a NaT: none in force on it
            return None
        table = _DayTable.of(self.starts)
        if table is None:
            entry = self.index(dates)
            first = int(entry.flat[0])
            return first if first >= 0 and (entry == first).all() else None
        first, last = (int(table.period[table.slot(d)]) for d in span)
        return first if first == last and first >= 0 else None

    def at(self, dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Numeric value in force on each date, and whether one is in force.

        Rows with no entry in force get ``nan``.
        """
        (values,), in_force = lookup(dates, self)
        return np.broadcast_to(values, in_force.shape).copy(), in_force

    def value_on(self, date: Any = None) -> Any:
        """The value in force on one date (the latest entry when ``date`` is None)."""
        if date is None:
            return self.entries[-1].value
        i = int(self.index(np.array([date], dtype="datetime64[D]"))[0])
        if i < 0:
            raise LookupError(f"{self.family}.{self.name}: no value in force on {date}")
        return self.entries[i].value

    @property
    def first_date(self) -> np.datetime64:
        """Date from which the parameter is first in force."""
        return self.entries[0].start


def _entry_index(starts: np.ndarray, dates: np.ndarray) -> np.ndarray:
    if starts.shape[0] == 1:  # one entry: in force from its date on (NaT compares False)
        return np.where(dates >= starts[0], 0, -1)
    idx = np.searchsorted(starts, dates, side="right") - 1
    return np.where(np.isnat(dates), -1, idx)


def lookup(dates, *parameters: Parameter, scalars: bool = False) -> tuple[list[np.ndarray], np.ndarray]:
    """Values of several numeric parameters on each date, and where all are in force.

    Parameters that share their entry dates share one search, and a parameter whose
    value never changes is returned as a scalar (it broadcasts), so looking up many
    parameters over a million rows costs little more than one. Rows where any of the
    parameters has no entry in force get ``nan`` for it and ``False`` in the mask.
    With ``scalars=True``, a parameter that has one value on every row (all rows in
    force, in periods where it has that value) is returned as a scalar too, even if it
    changes on other dates; the mask is always an array of the dates' shape.

    >>> (rate, waiting), ok = lookup(np.array(["2026-04-05", "2026-04-06"], dtype="datetime64[D]"),
    ...                              parameter("ssp", "weekly_rate_gbp"), parameter("ssp", "waiting_days"))
    >>> rate.tolist(), waiting.tolist(), ok.tolist()
    ([118.75, 123.25], [3.0, 0.0], [True, True])
    >>> (rate, waiting), ok = lookup(np.array(["2026-04-06", "2026-05-01"], dtype="datetime64[D]"),
    ...                              parameter("ssp", "weekly_rate_gbp"), parameter("ssp", "waiting_days"),
    ...                              scalars=True)
    >>> float(rate), float(waiting), ok.tolist()
    (123.25, 0.0, [True, True])
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    union, by_period, all_in_force, constant = _union_starts(parameters)
    if _arrays.fast():
        span = _day_span(dates)
        table = _DayTable.of(union)
        if span is not None and table is not None:
            return _lookup_by_table(dates, span, table, union, by_period, all_in_force, constant, scalars)
    # One search for all the parameters: the period between two consecutive start
    # dates of any of them; -1 (before every start, or NaT) picks the last slot,
    # which holds "not in force".
    period = _entry_index(union, dates)
    in_force = all_in_force[period]
    everywhere = bool(in_force.all())
    out = []
    for values, fixed in zip(by_period, constant, strict=True):
        if fixed is not None and everywhere:  # never changes: a scalar broadcasts
            out.append(np.float64(fixed))
        else:
            out.append(values[period])
    return out, in_force


def _union_starts(parameters):
    """For a set of parameters: the union of their start dates, each parameter's
    value in each period between them (``nan`` when not in force), whether all are
    in force in each period, and the value of those that never change."""
    key = tuple((p.family, p.name) for p in parameters)
    cached = _UNION_CACHE.get(key)
    if cached is None or any(a is not b for a, b in zip(cached[-1], parameters, strict=True)):
        union = np.unique(np.concatenate([p.starts for p in parameters]))
        by_period, ok = [], np.ones(union.shape[0] + 1, dtype=bool)
        for p in parameters:
            entry = np.append(np.searchsorted(p.starts, union, side="right") - 1, -1)
            by_period.append(p.numbers[entry])  # numbers[-1] is nan
            ok &= entry >= 0
        constant = [float(p.numbers[0]) if p.numbers.shape[0] == 2 else None for p in parameters]
        cached = _UNION_CACHE[key] = (union, by_period, ok, constant, parameters)
    return cached[:-1]


_UNION_CACHE: dict[tuple, tuple] = {}


# --- Lookups by day number (the fast path) -----------------------------------------
# A binary search of datetime64 dates costs about 6 ns a row; a gather from a small
# table indexed by day costs under 1 ns. Dates only change the answer between the day
# before the first start and the last start, so a table covers just those days and
# ``np.take(..., mode="clip")`` sends every earlier day to its first slot (none in
# force) and every later day to its last (the latest entry). NaT, the smallest int64,
# would clip to the last slot: blocks with a NaT take the general search instead.
def _day_span(dates: np.ndarray) -> tuple[int, int] | None:
    """The first and last day number of ``dates``, or None if a table cannot be used
    (no dates, or a NaT among them)."""
    if dates.size == 0:
        return None
    days = dates.view(np.int64)
    first = int(days.min())
    if first <= _FAR_PAST_DAY:
        return None
    return first, int(days.max())


class _DayTable:
    """The period in force on each day from the day before the first start to the last."""

    _cache: dict[bytes, _DayTable] = {}

    def __init__(self, starts: np.ndarray):
        self.starts = starts
        self.base = int(starts[0].astype(np.int64)) - 1  # table slot 0 is the day before the first start
        days = np.arange(self.base, int(starts[-1].astype(np.int64)) + 1).view("datetime64[D]")
        self.period = _entry_index(starts, days).astype(np.intp)

    @classmethod
    def of(cls, starts: np.ndarray) -> _DayTable | None:
        """The table of these start dates (built once per distinct set of dates), or None
        when they lie too far apart for a table (the general search is used)."""
        key = starts.tobytes()
        table = cls._cache.get(key, False)
        if table is False:
            wide = int((starts[-1] - starts[0]).astype(np.int64)) > _MAX_TABLE_DAYS
            table = cls._cache[key] = None if wide else cls(starts)
        return table

    def slot(self, day: int) -> int:
        """Table slot of one day number."""
        return min(max(day - self.base, 0), self.period.shape[0] - 1)

    def slots(self, dates: np.ndarray) -> np.ndarray:
        """Table slots of the dates' day numbers (before clipping: ``np.take`` clips)."""
        return dates.view(np.int64) - self.base

    def periods(self, dates: np.ndarray, span: tuple[int, int]) -> np.ndarray:
        """As :func:`_entry_index` for dates without NaT whose first and last day are ``span``."""
        first, last = (int(self.period[self.slot(d)]) for d in span)
        if first == last:  # every date in one period (periods ascend with the dates)
            return np.full(dates.shape, first, dtype=np.intp)
        return np.take(self.period, self.slots(dates), mode="clip")


def _lookup_by_table(dates, span, table, union, by_period, all_in_force, constant, scalars):
    """:func:`lookup` for dates without NaT whose first and last day are ``span``, by
    ``table``, the :class:`_DayTable` of ``union``."""
    first, last = (int(table.period[table.slot(d)]) for d in span)
    key = (id(union), first, last, scalars)
    plan = _PLANS.get(key)
    if plan is None or plan[0] is not union:
        plan = _PLANS[key] = (union, *_plan(table, first, last, by_period, all_in_force, constant, scalars))
    _, in_force_plan, value_plans = plan
    slots = None
    out = []
    for kind, x in (in_force_plan, *value_plans):
        if kind == "scalar":
            out.append(x)
        elif kind == "fill":
            out.append(np.full(dates.shape, x))
        else:  # "take": a table by day
            if slots is None:
                slots = table.slots(dates)
            out.append(np.take(x, slots, mode="clip"))
    return out[1:], out[0]


def _plan(table, first, last, by_period, all_in_force, constant, scalars):
    """How :func:`_lookup_by_table` finds the mask and each value when the dates fall in
    the periods ``first`` to ``last`` of ``table``: ``("scalar", value)``, ``("fill",
    value)`` (an array of one value) or ``("take", table by day)``."""
    # Periods ascend with the dates: every row falls in a period from ``first`` to ``last``.
    # ``first`` is -1 (none in force) when some date is before every start.
    seen = all_in_force[first:last + 1] if first >= 0 else all_in_force[-1:]
    everywhere = bool(seen.all())
    if first == last:  # every row in one period: one value each
        plans = [("scalar", np.float64(values[first])) if everywhere and (scalars or fixed is not None)
                 else ("fill", values[first]) for values, fixed in zip(by_period, constant, strict=True)]
        return ("fill", everywhere), plans
    in_force = ("fill", True) if everywhere else ("take", _values_by_day(table, all_in_force))
    plans = []
    for values, fixed in zip(by_period, constant, strict=True):
        if everywhere and fixed is not None:  # never changes: a scalar broadcasts
            plans.append(("scalar", np.float64(fixed)))
        elif everywhere and scalars and (values[first:last + 1] == values[first]).all():
            plans.append(("scalar", np.float64(values[first])))
        else:
            plans.append(("take", _values_by_day(table, values)))
    return in_force, plans


_PLANS: dict[tuple, tuple] = {}

_BY_DAY_CACHE: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _values_by_day(table: _DayTable, values: np.ndarray) -> np.ndarray:
    """``values[period]`` on each day of ``table`` (``values[-1]``: none in force); built
    once per array of values (the arrays of :func:`_union_starts`, which are kept)."""
    cached = _BY_DAY_CACHE.get(id(values))
    if cached is None or cached[0] is not values or cached[1] is not table.period:
        cached = _BY_DAY_CACHE[id(values)] = (values, table.period, values[table.period])
    return cached[2]


def _load_family(name: str) -> dict[str, Parameter]:
    text = resources.files(_PACKAGE).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    out = {}
    for pname, spec in data.items():
        entries = []
        for raw in spec["values"]:
            start = raw["from"]
            if not isinstance(start, dt.date):
                raise ValueError(f"{name}.{pname}: 'from' must be a TOML date, got {start!r}")
            entries.append(Entry(np.datetime64(start, "D"), raw["value"], raw["source"]))
        out[pname] = Parameter(
            family=name,
            name=pname,
            description=spec["description"],
            unit=spec["unit"],
            entries=tuple(entries),
        )
    return out


def families() -> list[str]:
    """Names of all parameter files (rule families)."""
    return sorted(
        p.name.removesuffix(".toml")
        for p in resources.files(_PACKAGE).iterdir()
        if p.name.endswith(".toml")
    )


@cache
def family(name: str) -> dict[str, Parameter]:
    """All parameters of one rule family (``pay``, ``ssp``, ``sick_pay`` ...)."""
    return _load_family(name)


def parameter(family_name: str, name: str) -> Parameter:
    """One parameter, e.g. ``parameter("ssp", "weekly_rate_gbp")``."""
    return family(family_name)[name]


@cache
def ready_reckoner() -> np.ndarray:
    """The Appendix 2 ready reckoner as a structured array (age_years, service_years, weeks)."""
    text = resources.files(_PACKAGE).joinpath("redundancy_ready_reckoner.csv").read_text(
        encoding="utf-8"
    )
    rows = [r for r in csv.reader(line for line in text.splitlines() if not line.startswith("#"))]
    header, body = rows[0], rows[1:]
    assert header == ["age_years", "service_years", "weeks"], header
    return np.array(
        [(int(a), int(s), float(w)) for a, s, w in body],
        dtype=[("age_years", "i4"), ("service_years", "i4"), ("weeks", "f8")],
    )
