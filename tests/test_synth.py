"""The synthetic staff list and award log: reproducible, realistic, bad rows where the manifest says."""

from __future__ import annotations

import numpy as np
import pytest

from xl_kent.dates import MONTHS_PER_YEAR, add_months, complete_months
from xl_kent.lists import synth


def columns(s: synth.Sample) -> dict[str, np.ndarray]:
    return dict(zip(s.headers, s.columns, strict=True))


def test_same_seed_same_sample_other_seed_other_sample():
    a, b, c = (synth.staff_sample(2000, bad=10, seed=k) for k in (4, 4, 5))
    for x, y in zip(a.columns, b.columns, strict=True):
        assert (x.astype(str) == y.astype(str)).all()
    assert a.manifest == b.manifest
    assert (a.columns[0] != c.columns[0]).any()


def test_good_rows_are_realistic():
    s = synth.staff_sample(20_000, seed=1)
    h = columns(s)
    as_of = synth.SAMPLE_AS_OF
    assert len(np.unique(h["Employee ID"])) == 20_000
    age = complete_months(h["Date of Birth"], as_of) // MONTHS_PER_YEAR
    assert age.min() >= 16 and age.max() <= 70
    assert (h["Continuous Service Date"] >= add_months(h["Date of Birth"], 16 * MONTHS_PER_YEAR)).all()
    assert (h["Continuous Service Date"] <= as_of).all()
    start = np.where(np.isnat(h["Start Date"]), h["Continuous Service Date"], h["Start Date"])
    leavers = ~np.isnat(h["End Date"])
    assert (h["End Date"][leavers] >= start[leavers]).all() and 0.03 < leavers.mean() < 0.08
    salaried = h["Contract"] == "Salaried"
    assert 0.9 < salaried.mean() < 0.97
    assert 0.25 < (h["Weekly Hours"][salaried] < 37).mean() < 0.35
    assert np.isnan(h["Hours Worked"][salaried]).all() and (h["Hours Worked"][~salaried] >= 0).all()
    ranges = {g: (lo, hi) for g, _, lo, hi in synth.GRADES}
    full_time_pay = h["Annual Salary"][salaried] * 37 / h["Weekly Hours"][salaried]
    for grade, pay in zip(h["Grade"][salaried], full_time_pay, strict=True):
        lo, hi = ranges[grade]
        assert lo - 1 <= pay <= hi + 1
    assert set(np.unique(h["Grade"])) == set(ranges)


def test_bad_rows_are_where_the_manifest_says():
    s = synth.staff_sample(1000, bad=13, seed=7)
    h, m = columns(s), s.manifest
    assert sum(len(v) for k, v in m.kinds.items() if k != "duplicate_originals") == 13
    assert len(m.kinds["blank_date"]) == 3  # 13 rows cycle through the 6 kinds
    assert np.isnat(h["Continuous Service Date"][m.kinds["blank_date"]]).all()
    assert all(h["Annual Salary"][r] == "TBC" for r in m.kinds["text_salary"])
    assert (h["Grade"][m.kinds["unknown_grade"]] == "KR2").all()
    dup, orig = m.kinds["duplicate_id"], m.kinds["duplicate_originals"]
    assert sorted(h["Employee ID"][dup].tolist()) == sorted(h["Employee ID"][orig].tolist())
    r = m.kinds["end_before_start"]
    assert (h["End Date"][r] < h["Start Date"][r]).all()
    assert m.ids["text_salary"] == sorted(h["Employee ID"][m.kinds["text_salary"]].tolist())
    with pytest.raises(ValueError):
        synth.staff_sample(5, bad=6)


def test_many_rows_are_vectorised():
    s = synth.staff_sample(200_000, bad=50, seed=0)  # a million in about a second (benchmarks/bulk.py)
    assert s.columns[0].shape == (200_000,) and len(s.manifest.bad_rows) > 50


def test_award_sample_uses_the_staff_ids():
    s = synth.staff_sample(500, seed=3)
    a = columns(synth.award_sample(s.columns[0], 200, seed=3))
    assert np.isin(a["Employee ID"], s.columns[0]).all()
    assert (np.diff(a["Award Date"].astype(np.int64)) >= 0).all()
    team = a["Kind"] == "Team"
    assert 0.2 < team.mean() < 0.5 and (a["Amount"] > 0).all()
    assert all(v in (True, False) for v in a["Endorsed"][team])
