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

__all__ = ["Entry", "Parameter", "parameter", "family", "families", "lookup", "ready_reckoner"]

_PACKAGE = "xl_kent.parameters"
NO_DATE = np.datetime64("NaT", "D")


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
        return _entry_index(self.starts, np.asarray(dates, dtype="datetime64[D]"))

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


def lookup(dates, *parameters: Parameter) -> tuple[list[np.ndarray], np.ndarray]:
    """Values of several numeric parameters on each date, and where all are in force.

    Parameters that share their entry dates share one search, and a parameter whose
    value never changes is returned as a scalar (it broadcasts), so looking up many
    parameters over a million rows costs little more than one. Rows where any of the
    parameters has no entry in force get ``nan`` for it and ``False`` in the mask.

    >>> (rate, waiting), ok = lookup(np.array(["2026-04-05", "2026-04-06"], dtype="datetime64[D]"),
    ...                              parameter("ssp", "weekly_rate_gbp"), parameter("ssp", "waiting_days"))
    >>> rate.tolist(), waiting.tolist(), ok.tolist()
    ([118.75, 123.25], [3.0, 0.0], [True, True])
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    union, by_period, all_in_force, constant = _union_starts(parameters)
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
