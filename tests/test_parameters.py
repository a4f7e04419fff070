"""The parameter files themselves: well formed, dated, sourced; the ready reckoner."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from xl_kent import params
from xl_kent.redundancy import redundancy_weeks

POLICY = Path(__file__).resolve().parents[2] / "shared" / "policy" / "002_bd61f1b72b7b3c49.txt"


def all_parameters():
    return [p for fam in params.families() for p in params.family(fam).values()]


def test_every_family_loads():
    assert {"pay", "sick_pay", "ssp", "redundancy", "leave", "awards"} <= set(params.families())


@pytest.mark.parametrize("p", all_parameters(), ids=lambda p: f"{p.family}.{p.name}")
def test_parameter_is_described_dated_and_sourced(p):
    assert p.description.strip() and p.unit.strip()
    assert p.entries, "a parameter needs at least one dated entry"
    starts = [e.start for e in p.entries]
    assert all(a < b for a, b in zip(starts, starts[1:], strict=False)), "entries must ascend strictly by date"
    for e in p.entries:
        assert e.source.strip(), f"{p.name} entry from {e.start} has no source"
        assert e.value is not None


def test_raw_files_have_no_stray_keys():
    for fam in params.families():
        text = resources.files("xl_kent.parameters").joinpath(f"{fam}.toml").read_text("utf-8")
        for name, spec in tomllib.loads(text).items():
            assert set(spec) == {"description", "unit", "values"}, (fam, name)
            for entry in spec["values"]:
                assert set(entry) == {"from", "value", "source"}, (fam, name, entry)


def test_lookup_is_per_row_by_date():
    rate = params.parameter("ssp", "weekly_rate_gbp")
    days = np.array(["2023-04-05", "2023-04-06", "2026-04-05", "2026-04-06", "2030-01-01"],
                    dtype="datetime64[D]")
    values, ok = rate.at(days)
    want = [rate.value_on(str(d)) for d in days]
    assert values.tolist() == want and ok.all()
    assert values[0] < values[1] and values[2] < values[3]


def test_before_the_first_entry_nothing_is_in_force():
    rate = params.parameter("ssp", "weekly_rate_gbp")
    before = rate.first_date - np.timedelta64(1, "D")
    _, ok = rate.at(np.array([before]))
    assert not ok[0]
    with pytest.raises(LookupError):
        rate.value_on(before)


def test_a_new_april_rate_is_data_only(monkeypatch):
    """Adding an entry changes results from its date, with no code change."""
    from xl_kent.sick_pay import sick_pay

    rate = params.parameter("ssp", "weekly_rate_gbp")
    before = sick_pay("2010-01-01", "2027-05-01", 300, 9000.0, temporary_short=True).pay_gbp
    new_entry = params.Entry(np.datetime64("2027-04-06"), 140.0, "test: a future up-rating order")
    patched = params.Parameter(rate.family, rate.name, rate.description, rate.unit,
                               rate.entries + (new_entry,))
    fam = dict(params.family("ssp"))
    fam["weekly_rate_gbp"] = patched
    original = params.family
    monkeypatch.setattr(params, "family", lambda name: fam if name == "ssp" else original(name))
    after = sick_pay("2010-01-01", "2027-05-01", 300, 9000.0, temporary_short=True).pay_gbp
    older = sick_pay("2010-01-01", "2026-05-01", 300, 9000.0, temporary_short=True).pay_gbp
    assert after > before
    monkeypatch.undo()
    assert older == sick_pay("2010-01-01", "2026-05-01", 300, 9000.0, temporary_short=True).pay_gbp


# ---------------------------------------------------------------- ready reckoner
def test_ready_reckoner_has_all_665_cells():
    table = params.ready_reckoner()
    assert len(table) == 665
    assert table["age_years"].min() == 18 and table["age_years"].max() == 61
    assert table["service_years"].min() == 2 and table["service_years"].max() == 20


def test_formula_reproduces_every_reckoner_cell():
    table = params.ready_reckoner()
    got = redundancy_weeks(table["age_years"], table["service_years"])
    assert (got.error == 0).all()
    mismatches = np.flatnonzero(got.weeks != table["weeks"])
    assert mismatches.size == 0, table[mismatches][:10]


def test_ages_above_61_use_the_61_row():
    table = params.ready_reckoner()
    row61 = table[table["age_years"] == 61]
    for age in (62, 65, 70, 80):
        got = redundancy_weeks(np.full(len(row61), age), row61["service_years"]).weeks
        assert got.tolist() == row61["weeks"].tolist()


@pytest.mark.skipif(not POLICY.exists(), reason=f"policy text not found at {POLICY}")
def test_reckoner_data_equals_the_policy_text():
    """The CSV is the published Appendix 2, cell for cell."""
    lines = POLICY.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Ready Reckoner for Calculating"))
    cells = {}
    for line in lines[start:start + 60]:
        m = re.match(r"^(\d+)(\*\s*\[\d\])?\t(.*)$", line)
        if not m:
            continue
        for j, c in enumerate(m.group(3).split("\t")):
            c = c.strip()
            if c:
                whole = c.replace("½", "")
                cells[(int(m.group(1)), j + 2)] = (float(whole) if whole else 0.0) + (0.5 if "½" in c else 0.0)
    table = params.ready_reckoner()
    data = {(int(a), int(s)): float(w) for a, s, w in table}
    assert data == cells
