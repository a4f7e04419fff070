"""The Monitoring figures (xl_kent/lists/monitoring.py) from the award-log layer's reading.

The LibreOffice comparison with the template's formulas is in test_workbook_awards.py; here
each definition is checked on small logs against a plain count written in the test, and the
figures of a full-size log are checked to take well under a second.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pytest

from xl_kent.files.reading import Table
from xl_kent.lists import monitoring as mon
from xl_kent.lists.award_log import judge, read_award_log

D = dt.date
HEADERS = {"employee_id": "Employee ID", "award_date": "Award date", "amount": "Amount £", "grade": "Grade",
           "part_time": "Part-time?", "front_line": "Front-line?", "directorate": "Directorate",
           "kind": "Individual or team", "work_ref": "Work reference", "endorsed": "Team award endorsed?"}

SETTINGS = {
    "period_start": D(2026, 1, 1), "period_end": D(2026, 12, 31),
    "bands": ("Low", "Mid", "Low*"), "grade_bands": (("KR5", "Low"), ("KR6", "Low"), ("KR9", "Mid"),
                                                     ("KR12", ""), ("KR6", "Mid")),
    "directorates": ("Growth", "G*", "<>Growth"),
    "headcounts": {("band", "Low"): 8, ("part_time", "Part-time"): 0, ("directorate", "Growth"): "ten"},
}


def _log(rows: list[dict]):
    names = list(HEADERS)
    t = Table([HEADERS[k] for k in names], [np.array([r.get(k) for r in rows], dtype=object) for k in names],
              5, "Award log", "xlsx")
    log = read_award_log(t)
    return t, log, judge(log, t)


ROWS = [
    dict(employee_id="E1", award_date="2026-02-01", amount=100.0, grade="kr5", part_time="Y", front_line="no",
         directorate="growth"),
    dict(employee_id="E2", award_date="2026-03-01", amount=650.0, grade=" KR9 ", part_time="FALSE",
         front_line=True, directorate="Grow"),  # over the limit: outside
    dict(employee_id="E3", award_date="2026-04-01", amount=200.0, grade="KR12", part_time="maybe",
         directorate="Other"),  # a grade whose band is blank; a Yes/No cell that is neither
    dict(employee_id="E4", award_date="2025-12-31", amount=300.0, grade="KR6", part_time="yes"),  # before the period
    dict(employee_id="E5", award_date="2026-05-01", amount="TBC", grade="KR6", part_time="yes"),  # not judged
    dict(employee_id="E6", award_date="2026-12-31", amount=50.0, grade="KR6", part_time=1, directorate="Growth"),
    dict(),  # a blank row: neither judged nor counted as not judged
    dict(employee_id="E7", award_date="2026-06-01", amount=25.0, grade="KR99", part_time=0, front_line="Y"),
]


@pytest.fixture(scope="module")
def figures():
    t, log, j = _log(ROWS)
    return SimpleNamespace(table=t, log=log, j=j, m=mon.monitoring(log, j, SETTINGS))


def test_only_judged_rows_in_the_period_count(figures):
    m = figures.m
    assert m.counted.tolist() == [True, True, True, False, False, True, False, True]
    assert m.summary == {"period_check": "OK", "judged": 6, "not_judged": 1, "count": 5, "total_gbp": 1025.0,
                         "outside": 1}
    assert m.row("band", mon.ALL_LABEL) == {"count": 5, "total_gbp": 1025.0, "average_gbp": 205.0,
                                            "share_count": 1.0, "share_gbp": 1.0, "outside": 1, "per_100": ""}


def test_grade_bands_are_the_templates_vlookup(figures):
    assert figures.m.grade_band.tolist() == ["Low", "Mid", mon.UNLISTED_GRADE, "Low", "Low", "Low",
                                             mon.UNLISTED_GRADE, mon.UNLISTED_GRADE]
    table = [("KR Entry", "Lower"), ("KR10", "KR10-KR12"), ("KR1*", "star"), ("KR6", "six")]
    got = mon.grade_bands(np.array(["kr1?", "KR*", "KR1~*", "", "kr 6", "KR6"], dtype=object), table)
    assert got.tolist() == ["KR10-KR12", "Lower", "star", mon.UNLISTED_GRADE, mon.UNLISTED_GRADE, "six"]


def test_yes_no_cells_are_read_as_the_layer_reads_them(figures):
    m = figures.m
    assert m.part_time.tolist() == ["Yes", "No", "", "Yes", "Yes", "Yes", "", "No"]
    assert m.front_line.tolist() == ["No", "Yes", "", "", "", "", "", "Yes"]
    t = Table(["Employee ID", "Award date", "Amount"], [np.array([v], dtype=object) for v in ("E1", "2026-01-01", 1.0)],
              2, None, "csv")
    assert mon.flag_reading(read_award_log(t), "front_line").tolist() == [""]  # no such column: nothing recorded


def test_each_group_counts_what_its_criterion_matches(figures):
    m = figures.m
    low = m.row("band", "Low")
    assert (low["count"], low["total_gbp"], low["per_100"]) == (2, 150.0, 25.0)  # E1 and E6: 2 / 8 * 100
    assert m.row("band", "Low*")["count"] == 2  # a band name is a COUNTIFS criterion: * is a wildcard
    # the rest is All less the groups above: a row matched twice is taken twice
    assert m.row("band", mon.UNLISTED_GRADE)["count"] == 5 - 2 - 1 - 2
    pt = {g.label: v["count"] for g, v in m.tables["part_time"]}
    assert pt == {"Part-time": 2, "Full-time": 2, mon.NOT_RECORDED: 1, mon.ALL_LABEL: 5}
    assert m.row("part_time", "Part-time")["per_100"] == ""  # a headcount of 0 gives no rate
    d = {g.label: v["count"] for g, v in m.tables["directorate"]}
    assert d == {"Growth": 2, "G*": 3, "<>Growth": 3, mon.NOT_IN_LIST: 5 - 8, mon.ALL_LABEL: 5}
    assert m.row("directorate", "Growth")["per_100"] == ""  # a headcount that is not a number
    out = m.row("directorate", "G*")
    assert (out["outside"], out["share_gbp"]) == (1, pytest.approx(800 / 1025))


def test_criteria_follow_countifs():
    v = np.array(["E1", "e1", "E1 ", "E*", "E77", "", "Over", "ok"], dtype=object)

    def hits(c):
        return v[mon.criterion_matches(c, v)].tolist()

    assert hits("e1") == ["E1", "e1"]
    assert hits("E*") == ["E1", "e1", "E1 ", "E*", "E77"]
    assert hits("E?") == ["E1", "e1", "E*"]
    assert hits("E~*") == ["E*"]
    assert hits("=") == [""]
    assert hits("<>OK") == ["E1", "e1", "E1 ", "E*", "E77", "", "Over"]
    assert hits("=e1") == ["E1", "e1"]
    assert hits(">E5") == ["E77", "Over", "ok"]


def test_empty_period_and_blank_shares():
    s = {**SETTINGS, "period_start": D(2027, 1, 1), "period_end": D(2026, 1, 1)}
    t, log, j = _log(ROWS)
    m = mon.monitoring(log, j, s)
    assert m.summary["period_check"] == mon.PERIOD_MESSAGE and m.summary["count"] == 0
    assert m.row("band", "Low") == {"count": 0, "total_gbp": 0.0, "average_gbp": "", "share_count": "",
                                    "share_gbp": "", "outside": 0, "per_100": 0.0}
    assert [g.label for g, _ in m.tables["band"]] == ["Low", "Mid", "Low*", mon.UNLISTED_GRADE, mon.ALL_LABEL]


def test_a_full_log_is_monitored_whole():
    """5,000 awards (a full template): every award is counted once in the directorate table.
    (Speed is measured by benchmarks.workbooks, not asserted here.)"""
    rng = np.random.default_rng(5)
    n = 5000
    rows = [dict(employee_id=f"E{int(k)}", award_date=D(2026, 1, 1) + dt.timedelta(days=int(d)),
                 amount=float(a), grade=g, part_time=p, directorate=f"D{int(k) % 20}")
            for k, d, a, g, p in zip(rng.integers(0, 900, n), rng.integers(0, 365, n),
                                     rng.choice([100, 200, 300], n), rng.choice(["KR5", "KR9", "kr6"], n),
                                     rng.choice(["Yes", "No", None], n), strict=True)]
    t, log, j = _log(rows)
    s = {**SETTINGS, "directorates": tuple(f"D{k}" for k in range(15))}
    m = mon.monitoring(log, j, s)
    groups = sum(v["count"] for g, v in m.tables["directorate"] if g.kind == "list")
    assert groups + m.row("directorate", mon.NOT_IN_LIST)["count"] == m.summary["count"] > 4000
