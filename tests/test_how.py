"""The How columns of the bulk outputs (issue "Every figure explained", deliverable 2).

Each How cell of ``recalc``, ``absences`` and ``awards`` is the KENT_ function's own
explanation of the call that gave the figure beside it: the test calls the Excel function
(``udfs``, through the shapes Excel hands it) with the row's inputs and compares the words,
checks that the figure inside each sentence is the figure in the column, and that the How
columns of an output read back are results of an earlier run, never inputs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pytest

from udfs import (
    KENT_LEAVE_ACCRUAL,
    KENT_NOTICE,
    KENT_REDUNDANCY_WEEKS,
    KENT_SICKPAY,
    KENT_SICKPAY_LOG,
)
from xl_kent.files.reading import read_table
from xl_kent.lists.how import NOT_EMPLOYED, STAFF_HOW
from xl_kent_cli import cli

AS_OF = "2027-03-31"


def _run(*argv) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return cli.main([str(a) for a in argv])


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("how")
    staff, awards = d / "staff.csv", d / "awards.csv"
    assert _run("sample", "--rows", 300, "--bad", 8, "--seed", 5, "-o", staff, "--awards", awards,
                "--as-of", AS_OF) == 0
    assert _run("recalc", staff, "--as-of", AS_OF, "--redundancy-date", "2027-01-15") in (0, 1)
    assert _run("recalc", staff, "--as-of", AS_OF, "--no-how", "-o", d / "plain.csv") in (0, 1)
    assert _run("awards", awards) in (0, 1)
    return {"staff": staff, "recalc": d / "staff.recalc.csv", "plain": d / "plain.csv",
            "awards": d / "awards.checked.csv", "folder": d}


def _col(t, name):
    return t.columns[t.headers.index(name)]


def _date(v):
    if v in (None, ""):
        return None
    if isinstance(v, dt.datetime):
        return v
    d = dt.date.fromisoformat(str(v)[:10])
    return dt.datetime(d.year, d.month, d.day)


def _num(v, default=None):
    return default if v in (None, "") else float(v)


def test_each_how_column_follows_its_figure_and_no_how_leaves_them_out(outputs):
    t, plain = read_table(outputs["recalc"]), read_table(outputs["plain"])
    for h in STAFF_HOW:
        assert t.headers.index(h.name) == t.headers.index(h.after) + 1
        assert h.name not in plain.headers
    assert [x for x in t.headers if x not in {h.name for h in STAFF_HOW}] == plain.headers


def test_the_how_cells_are_the_excel_functions_explanations_of_the_same_calls(outputs):
    t = read_table(outputs["recalc"])
    redundancy_date = dt.datetime(2027, 1, 15)
    checked = {h.name: 0 for h in STAFF_HOW}
    for r in range(t.n_rows):
        row = {h: t.columns[j][r] for j, h in enumerate(t.headers)}
        contract = str(row.get("Contract") or "").strip().lower()
        if row["sick_pay_how"] not in ("", None, NOT_EMPLOYED["sick_pay_how"]):
            want = KENT_SICKPAY(_date(row["Continuous Service Date"]), dt.datetime(2027, 3, 31), 28,
                                _num(row["Annual Salary"]), _num(row["sick_prior_paid_days"], 0), "explain")
            assert row["sick_pay_how"] == want, r
            checked["sick_pay_how"] += 1
        if row["leave_how"] not in ("", None) and contract in ("", "salaried", "permanent", "fixed term"):
            want = KENT_LEAVE_ACCRUAL(row["Grade"], _date(row["Continuous Service Date"]), dt.datetime(2027, 3, 31),
                                      _num(row["Weekly Hours"], 37), _date(row["Start Date"]),
                                      _date(row["End Date"]), "days", True)
            assert row["leave_how"] == want, r
            checked["leave_how"] += 1
        if row["redundancy_how"] not in ("", None, NOT_EMPLOYED["redundancy_how"]):
            want = KENT_REDUNDANCY_WEEKS(_num(row["age_years"]), _num(row["service_years"]),
                                         _num(row["Redundancy Multiplier"], 1), True)
            assert row["redundancy_how"] == want, r
            checked["redundancy_how"] += 1
        if row["notice_how"] not in ("", None, NOT_EMPLOYED["notice_how"]):
            salary = _num(row["Annual Salary"]) if row["notice_pay_gbp"] not in ("", None) else None
            want = KENT_NOTICE(row["Grade"], _date(row["Continuous Service Date"]), redundancy_date, "explain",
                               salary)
            assert row["notice_how"] == want, r
            checked["notice_how"] += 1
    assert all(k > 5 for k in checked.values()), checked


def test_the_figure_in_each_sentence_is_the_figure_in_its_column(outputs):
    t = read_table(outputs["recalc"])
    pairs = [("sick_pay_how", "sick_absence_cost_gbp", r", (£[\d,]+\.\d\d), of which SSP"),
             ("redundancy_how", "redundancy_weeks", r"(?:= |capped at )([\d.]+) weeks$"),
             ("notice_how", "notice_days", r"so it applies: ([\d,]+) days|same day: ([\d,]+) days"),
             ("leave_how", "leave_accrued_days", r": ([\d.]+) days$")]
    for how, figure, pattern in pairs:
        seen = 0
        for text, value in zip(_col(t, how), _col(t, figure), strict=True):
            if not text or text.startswith("Not employed") or value in ("", None):
                continue
            m = re.search(pattern, text)
            if m is None:
                continue  # (e.g. a casual row's hours, a 0-week row's words: checked above)
            found = next(g for g in m.groups() if g)
            assert float(found.replace("£", "").replace(",", "")) == pytest.approx(float(value), abs=0.005), text
            seen += 1
        assert seen > 5, how


def test_an_output_read_back_recomputes_the_same_how_columns(outputs, tmp_path):
    again = tmp_path / "again.csv"
    assert _run("recalc", outputs["recalc"], "--as-of", AS_OF, "--redundancy-date", "2027-01-15",
                "-o", again) in (0, 1)
    a, b = read_table(outputs["recalc"]), read_table(again)
    assert a.headers == b.headers  # the How columns of the first run are results: not carried twice
    for h in STAFF_HOW:
        assert list(_col(a, h.name)) == list(_col(b, h.name))


def test_the_absence_how_column_is_kent_sickpay_log_explained_over_the_whole_record(tmp_path):
    log = tmp_path / "absences.csv"
    rows = [("E1", "2025-05-01", "2025-05-10"), ("E1", "2025-06-01", "2025-06-05"), ("E2", "2026-05-01", "2026-05-03"),
            ("E2", "2026-05-02", "2026-05-04"), ("", "2026-01-01", "2026-01-02")]
    log.write_text("Employee ID,First day,Last day,Service start,Annual salary\n" +
                   "".join(f"{e},{a},{b},2018-01-01,36500\n" for e, a, b in rows), encoding="utf-8")
    assert _run("absences", log) == 1  # the overlap and the blank id are problem rows
    t = read_table(tmp_path / "absences.sickpay.csv")
    how = list(_col(t, "how"))
    ids = [[e] for e, _, _ in rows]
    firsts = [[_date(a)] for _, a, _ in rows]
    lasts = [[_date(b)] for _, _, b in rows]
    want = KENT_SICKPAY_LOG(ids, firsts, lasts, dt.datetime(2018, 1, 1), 36500, False, "explain")
    assert how[:2] == [want[0][0], want[1][0]] and "linked to the absence ending 10 May 2025" in how[1]
    assert [x or "" for x in how[2:]] == ["", "", ""]  # rows not worked out: the Errors sheet says why
    assert want[2][0] == "overlaps another absence of the same employee"


def test_the_award_how_column_states_the_totals_and_the_verdict(outputs):
    t = read_table(outputs["awards"])
    ok, how, total = _col(t, "award_ok"), _col(t, "how"), _col(t, "rolling_12_month_total_gbp")
    judged = 0
    for k, text in enumerate(how):
        if ok[k] in ("", None):
            assert text in ("", None)
            continue
        judged += 1
        assert f"£{float(total[k]):,.2f}" in text
        within = str(ok[k]).lower() in ("true", "1")
        assert text.endswith(": within the scheme") == within, text
    assert judged > 10
    # the verdict is the reason column's words (KENT_AWARD_OK's explain=TRUE), for every row not within
    reason = _col(t, "reason")
    outside = [k for k in range(len(how)) if ok[k] not in ("", None) and str(ok[k]).lower() not in ("true", "1")]
    assert outside and all(f"not within the scheme ({reason[k]})" in how[k] for k in outside)


def test_a_million_sentences_are_one_vectorised_call():
    """The explanation of a column is one call over the column (not a loop of calls): a
    column of 20,000 rows gives the same words as each row alone, for a sample of rows."""
    rng = np.random.default_rng(3)
    n = 20_000
    age = rng.integers(18, 66, n).astype(float)
    service = np.minimum(rng.integers(0, 40, n), age - 16).astype(float)
    col = KENT_REDUNDANCY_WEEKS([[a] for a in age], [[s] for s in service], 1, True)
    for i in rng.choice(n, 50, replace=False).tolist():
        assert col[i][0] == KENT_REDUNDANCY_WEEKS(age[i], service[i], 1, True)


def test_the_documented_example_sentences_are_what_the_functions_say():
    """docs/functions.md, "Every figure explained": each formula of its table gives its sentence."""
    import udfs

    doc = (Path(__file__).resolve().parents[1] / "docs" / "functions.md").read_text(encoding="utf-8")
    section = doc.split("## Every figure explained", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `=(KENT_\w+)\((.*)\)` \| (.*) \|$", section, flags=re.M)
    assert len(rows) >= 8

    def date(y, m, d):
        return dt.datetime(y, m, d)

    for name, args, sentence in rows:
        parts, depth, cur = [], 0, ""
        for ch in args + ",":  # the formula's arguments, split at its own commas; an empty one is left out
            if ch == "," and depth == 0:
                parts.append(cur.strip() or "None")
                cur = ""
                continue
            depth += (ch == "(") - (ch == ")")
            cur += ch
        python_args = ", ".join(parts).replace("DATE(", "date(").replace("TRUE", "True").replace("FALSE", "False")
        got = eval(f"udfs.{name}({python_args})", {"udfs": udfs, "date": date})  # the doc's own formula
        assert got == sentence, (name, args)
    assert {name for name, _, _ in rows} >= {"KENT_SICKPAY", "KENT_NOTICE", "KENT_REDUNDANCY_WEEKS",
                                             "KENT_LEAVE_ACCRUAL"}
    log_example = "184 of the 196 SSP days of the linked\nseries left"
    assert log_example in section  # the absence record's example (checked in the log's own tests)
