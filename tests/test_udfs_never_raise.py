"""No cell value, however odd, makes a KENT_ function raise: bad rows get errors."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from udfs import KENT_AWARD_OK, KENT_LEAVE_ACCRUAL, KENT_REDUNDANCY_WEEKS, KENT_SICKPAY

cells = st.one_of(
    st.none(),
    st.just(""),
    st.sampled_from(["#N/A", "#VALUE!", "#DIV/0!", "#REF!", " ", "KR6", "team", "yes", "days", "12", "x"]),
    st.text(max_size=6),
    st.booleans(),
    st.integers(-10**6, 10**7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31)),
)
columns = st.integers(1, 12).flatmap(lambda n: st.lists(st.lists(cells, min_size=8, max_size=8), min_size=n, max_size=n))


def _check(result, n):
    assert isinstance(result, list) and len(result) == n
    for (v,) in result:
        assert v == "" or isinstance(v, (bool, float, str)), v
        if isinstance(v, float):
            assert not math.isnan(v)
        if isinstance(v, str) and v:
            assert v.startswith("#") or v == "OK" or v[0].isupper()


@settings(max_examples=300, deadline=None)
@given(rows=columns)
def test_any_cells_give_values_or_errors_never_an_exception(rows):
    col = [[[r[i]] for r in rows] for i in range(8)]
    n = len(rows)
    _check(KENT_SICKPAY(*col[:4], col[4], col[5], col[6]), n)
    _check(KENT_REDUNDANCY_WEEKS(*col[:3]), n)
    _check(KENT_LEAVE_ACCRUAL(*col[:7]), n)
    _check(KENT_AWARD_OK(*col[:7], True), n)
    _check(KENT_AWARD_OK(*col[:7]), n)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(cells, min_size=8, max_size=8))
def test_single_odd_cells_give_one_value(values):
    for f, k in ((KENT_SICKPAY, 7), (KENT_REDUNDANCY_WEEKS, 3), (KENT_LEAVE_ACCRUAL, 7), (KENT_AWARD_OK, 7)):
        v = f(*values[:k])
        assert v == "" or isinstance(v, (bool, float, str, np.bool_)), (f.__name__, v)
