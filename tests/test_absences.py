"""Absence records: ``xl-kent absences``, ``recalc --absences``, ``fill budget --absences`` and the
budget template's Absences sheet, each against the one core (:mod:`xl_kent.sick_pay_log`).

Records are typed the way HR types them: their own headers, a title row, a Reason column we do
not use, an overlap, a blank row, a bad date. Every row in is a row out; the Errors sheet says
what is wrong in words; recalc and fill budget take the same paid sick days from a record; the
project's own output read back in is recognised as an earlier result.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import run, same_cell

from xl_kent.dates import add_months
from xl_kent.files.reading import Table, read_table
from xl_kent.lists import synth
from xl_kent.lists.absence_log import ABSENCE_SCHEMA, compute, prior_paid_days, read_absence_log
from xl_kent.lists.fields import header_scorer
from xl_kent.lists.figures import STAFF_SCHEMA, default_settings
from xl_kent.sick_pay import sick_pay_allowance
from xl_kent.sick_pay_log import allowance_left, paid_days_before, sick_pay_log

D = dt.date
AS_OF = "2027-03-31"
RATES = ("--pension-rate", "18.5", "--pay-award", "2.5")
HEADERS = ["Emp No", "Start of absence", "End of absence", "Continuous service date", "Salary", "Reason"]
ROWS = [
    ["E1", D(2026, 5, 1), D(2026, 5, 10), D(2018, 1, 1), 36_500.0, "Flu"],
    ["e1 ", D(2026, 6, 1), D(2026, 6, 5), D(2018, 1, 1), 36_500.0, "Back"],  # links to the first for SSP
    ["E2", D(2026, 7, 1), D(2026, 7, 20), D(2026, 1, 5), 24_000.0, "Stress"],
    ["E2", D(2026, 7, 15), D(2026, 7, 25), D(2026, 1, 5), 24_000.0, "Overlap"],  # overlaps the row above
    [None, None, None, None, None, None],  # a blank row inside the record
    ["E3", "31/02/2026", D(2026, 3, 5), D(2015, 4, 1), 30_000.0, "Bad date"],
    [1001.0, D(2025, 11, 3), D(2026, 4, 30), D(2024, 2, 1), 28_000.0, "Operation"],  # long: full, then half pay
    ["1001", D(2026, 9, 7), D(2026, 9, 30), D(2024, 2, 1), 28_000.0, "Again"],  # the same employee as text
]
GOOD = [0, 1, 6, 7]
OVERLAP, BLANK, BAD_DATE = [2, 3], 4, 5


def _xlsx(path: Path, headers, rows, title=("Sickness absence extract, Kent HR", "")) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Absences"
    for line in title:
        ws.append([line] if line else [])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.fixture()
def record(tmp_path) -> Path:
    return _xlsx(tmp_path / "absences.xlsx", HEADERS, ROWS)


def _read(path: Path, sheet=None):
    return read_table(path, sheet=sheet, scorer=None if sheet else header_scorer(ABSENCE_SCHEMA))


def _columns(path: Path, sheet=None) -> dict[str, np.ndarray]:
    t = _read(path, sheet)
    return {h: c for h, c in zip(t.headers, t.columns, strict=True)}


def assert_rows_kept(src: Path, result: Path) -> None:
    """Every input row appears once, in order, with its own columns unchanged."""
    before, after = _read(src), _read(result)
    assert after.n_rows == before.n_rows
    assert after.headers[: len(before.headers)] == before.headers
    for a, b in zip(before.columns, after.columns, strict=False):
        bad = [i for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)) if not same_cell(x, y)]
        assert not bad, (bad[:5], a[bad[:5]], b[bad[:5]])


def _num(v) -> float:
    return math.nan if v is None or v == "" else float(v)


def _core(rows):
    """The core over the good rows only (the others take no part)."""
    ids = [str(r[0]).strip() if not isinstance(r[0], float) else str(int(r[0])) for r in rows]
    return sick_pay_log(ids, [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows], [r[4] for r in rows])


# ---------------------------------------------------------------- xl-kent absences
def test_a_typed_record_keeps_every_row_and_says_what_is_wrong(record):
    code, out, err = run("absences", record)
    assert code == 1, err
    result = record.with_name("absences.sickpay.xlsx")
    assert_rows_kept(record, result)
    col = _columns(result)
    status = col["status"].tolist()
    assert [status[i] for i in GOOD] == ["OK"] * 4
    assert status[OVERLAP[0]] == status[OVERLAP[1]] == "overlaps another absence of the same employee"
    assert status[BLANK] == "row is blank"
    assert status[BAD_DATE] == "first_day is not a date"
    errors = _columns(result, "Errors")
    lines = list(zip(errors["row"].tolist(), errors["column"].tolist(), errors["value"].tolist(),
                     errors["reason"].tolist(), strict=True))
    assert (9, "Start of absence", "31/02/2026", "first_day is not a date") in [(int(r), c, v, w) for r, c, v, w in
                                                                                  lines]
    assert sorted(int(r) for r in errors["row"].tolist()) == [6, 7, 9]  # file rows: title, blank, header, data
    assert "columns not used: 'Reason'" in err
    assert "rows with problems (not worked out, add no paid days): 3" in out and "exit code 1" in out


def test_the_figures_are_the_core_over_the_rows_that_take_part(record):
    code, _, err = run("absences", record, "-o", record.with_name("out.xlsx"))
    assert code == 1, err
    col = _columns(record.with_name("out.xlsx"))
    want = _core([ROWS[i] for i in GOOD])
    for name, w in (("full_pay_days", want.full_pay_days), ("half_pay_days", want.half_pay_days),
                    ("nil_pay_days", want.nil_pay_days), ("prior_paid_days", want.prior_paid_days),
                    ("ssp_days_left", want.ssp_days_left), ("ssp_gbp", want.ssp_gbp)):
        got = [_num(col[name][i]) for i in GOOD]
        np.testing.assert_allclose(got, w, rtol=1e-9, atol=0.005 if name.endswith("gbp") else 1e-9, err_msg=name)
    np.testing.assert_allclose([_num(col["pay_gbp"][i]) for i in GOOD], np.round(want.pay_gbp, 2), atol=0.005)
    assert _num(col["prior_paid_days"][1]) == 10.0  # E1's first absence, paid in full
    assert _num(col["prior_paid_days"][7]) > 0  # 1001 the number and "1001" the text are one employee
    for i in (*OVERLAP, BLANK, BAD_DATE):
        assert all(math.isnan(_num(col[n][i])) for n in ("full_pay_days", "pay_gbp", "prior_paid_days"))
    summary = dict(zip(*_columns(record.with_name("out.xlsx"), "Summary").values(), strict=True))
    assert summary["rows read"] == 8 and summary["employees in the record (rows OK)"] == 2
    assert summary["rows with: overlaps another absence of the same employee"] == 2
    assert abs(summary["total sick pay £"] - round(float(want.pay_gbp.sum()), 2)) < 0.011


def test_as_of_gives_each_row_its_employees_allowance_on_that_day(record):
    code, out, err = run("absences", record, "--as-of", "01/11/2026", "-o", record.with_name("asof.xlsx"))
    assert code == 1, err
    col = _columns(record.with_name("asof.xlsx"))
    assert list(col)[-4:] == ["as_of_paid_days_12_months", "as_of_full_pay_days_left", "as_of_half_pay_days_left",
                              "status"]
    good = [ROWS[i] for i in GOOD]
    paid = _core(good).full_pay_days + _core(good).half_pay_days
    ids = ["E1", "E1", "1001", "1001"]
    want = allowance_left(ids, [r[1] for r in good], paid, ids, "2026-11-01", [r[3] for r in good])
    np.testing.assert_allclose([_num(col["as_of_paid_days_12_months"][i]) for i in GOOD], want.prior_paid_days)
    np.testing.assert_allclose([_num(col["as_of_full_pay_days_left"][i]) for i in GOOD], want.full_pay_days)
    np.testing.assert_allclose([_num(col["as_of_half_pay_days_left"][i]) for i in GOOD], want.half_pay_days)
    assert _num(col["as_of_paid_days_12_months"][0]) == 15.0  # E1: 10 + 5 days, both in the rolling year
    assert math.isnan(_num(col["as_of_full_pay_days_left"][BAD_DATE]))
    assert "as-of date (allowance for an absence starting that day): 01/11/2026" in out


def test_exit_codes(tmp_path, record):
    clean = _xlsx(tmp_path / "clean.xlsx", HEADERS, [ROWS[i] for i in GOOD])
    assert run("absences", clean)[0] == 0
    code, _, err = run("absences", _xlsx(tmp_path / "nocols.xlsx", ["Emp No", "When"], [["E1", D(2026, 1, 1)]]))
    assert code == 2 and "missing required columns" in err and "first_day" in err and err.count("\n") == 1
    assert run("absences", tmp_path / "missing.xlsx")[0] == 2
    assert run("absences", record, "-o", record)[0] == 3
    assert run("absences", record, "-o", tmp_path / "out.txt")[0] == 2
    assert not (tmp_path / "out.txt").exists()


def test_a_csv_record_gives_a_csv_and_its_two_side_files(tmp_path):
    s = synth.staff_sample(120, seed=5)
    a = synth.absence_sample(s, 80, seed=5)
    src = tmp_path / "absences.csv"
    synth.write_sample(src, a, "Absences")
    code, out, err = run("absences", src, "--as-of", AS_OF)
    assert code == 0, err + out
    result = tmp_path / "absences.sickpay.csv"
    assert_rows_kept(src, result)
    for side in ("absences.sickpay.errors.csv", "absences.sickpay.summary.csv"):
        assert (tmp_path / side).exists()
    assert "columns not used: 'Name', 'Reason'" in err


def test_its_own_output_read_back_is_recognised_and_worked_out_again(record, tmp_path):
    first = tmp_path / "first.xlsx"
    assert run("absences", record, "--as-of", "01/11/2026", "-o", first)[0] == 1
    again = tmp_path / "again.xlsx"
    code, _, err = run("absences", first, "--as-of", "01/11/2026", "-o", again)
    assert code == 1, err
    assert "columns of an earlier xl-kent result are not read" in err
    a, b = _columns(first), _columns(again)
    assert list(a) == list(b)  # one set of result columns, not two
    for h in a:
        assert [str(x) for x in a[h].tolist()] == [str(x) for x in b[h].tolist()], h


# ---------------------------------------------------------------- recalc and fill budget --absences
#: A staff row's status when its employee has a row with a problem in the record (E2's overlap).
RECORD_PROBLEM = "prior_sick_days is not worked out: a row of the absence record for this employee has a problem"
STAFF_HEADERS = ["Employee ID", "Grade", "Annual Salary", "Date of Birth", "Continuous Service Date",
                 "Sick Days (12 months)"]
STAFF = [
    ["E1", "KR7", 36_500.0, D(1980, 1, 1), D(2018, 1, 1), 99.0],
    ["1001", "KR5", 28_000.0, D(1990, 3, 3), D(2024, 2, 1), 0.0],
    ["E2", "KR6", 24_000.0, D(1995, 6, 6), D(2026, 1, 5), "lots"],  # the typed column is not read with a record
    ["E9", "KR8", 40_000.0, D(1985, 9, 9), D(2012, 9, 1), 12.0],  # no absence in the record: 0
]


@pytest.fixture()
def staff(tmp_path) -> Path:
    return _xlsx(tmp_path / "staff.xlsx", STAFF_HEADERS, STAFF, title=())


def _recalc_col(path):
    return _columns(path)


def test_recalc_and_fill_budget_take_the_same_paid_days_from_the_record(staff, record, tmp_path):
    start = "01/11/2026"
    code, out, err = run("recalc", staff, "--as-of", AS_OF, "--absence-start", start, *RATES,
                         "--absences", record, "-o", tmp_path / "r.xlsx")
    assert code == 1, err  # E2's two absences overlap: E2's paid sick days cannot be worked out
    assert "is not used: the absence record gives the paid sick days" in err
    assert "row(s) of the absence record have problems and add no paid sick days" in err
    assert "1 staff row(s) have no sick pay figures: their employee has a row with a problem" in err
    assert "staff rows with no absence in the record (0 paid sick days): 1" in out  # E9
    assert "staff rows not worked out: a record row of theirs has a problem: 1" in out  # E2
    r = _recalc_col(tmp_path / "r.xlsx")
    assert r["status"].tolist()[2] == RECORD_PROBLEM
    assert r["status"].tolist()[:2] + r["status"].tolist()[3:] == ["OK"] * 3
    code, fout, ferr = run("fill", "budget", "--staff", staff, "--as-of", AS_OF, "--absence-start", start, *RATES,
                           "--absences", record, "-o", tmp_path / "b.xlsx")
    assert code == 1, ferr
    assert "1 staff row(s) have no sick pay figures" in ferr
    assert "is not used: the absence record gives the paid sick days" in ferr
    b = read_table(tmp_path / "b.xlsx", sheet="Staff", scorer=header_scorer(STAFF_SCHEMA))
    bcol = {h: c for h, c in zip(b.headers, b.columns, strict=True)}
    got_r = [_num(x) for x in r["sick_prior_paid_days"].tolist()]
    got_b = [_num(x) for x in bcol["Paid sick days used, last 12 months"].tolist()[:4]]
    np.testing.assert_allclose(got_r, got_b, rtol=1e-12)  # (an xlsx number keeps 15-17 digits)
    cost_r = [_num(x) for x in r["sick_absence_cost_gbp"].tolist()]
    cost_b = [_num(x) for x in bcol["Sick pay cost of the modelled absence £"].tolist()[:4]]
    np.testing.assert_allclose(cost_r, cost_b, rtol=1e-12)
    # the one core: the record's paid days in the 12 months before the modelled absence start
    good = [ROWS[i] for i in GOOD]
    core = _core(good)
    want = paid_days_before(["E1", "E1", "1001", "1001"], [x[1] for x in good],
                            core.full_pay_days + core.half_pay_days, ["E1", "1001", "E2", "E9"], "2026-11-01")
    want[2] = np.nan  # E2: not worked out (a problem row), not the 0 days of its rows worked out
    np.testing.assert_allclose(got_r, want)
    assert got_r[3] == 0.0 and got_r[0] == 15.0 and math.isnan(cost_r[2])
    a = sick_pay_allowance(D(2018, 1, 1), "2026-11-01", 15.0)
    assert _num(r["sick_full_pay_days_left"][0]) == float(a.full_pay_days)
    # the budget's Absences sheet holds the record as read, and its cached figures are the core's
    ab = read_table(tmp_path / "b.xlsx", sheet="Absences", scorer=header_scorer(ABSENCE_SCHEMA))
    acol = {h: c for h, c in zip(ab.headers, ab.columns, strict=True)}
    assert ab.n_rows == len(ROWS)
    np.testing.assert_allclose([_num(acol["Full pay days"][i]) for i in GOOD], core.full_pay_days)
    assert acol["Status"][BAD_DATE] == "first_day is not a date"


def test_without_a_record_the_typed_column_is_used(staff, tmp_path):
    code, _, err = run("recalc", staff, "--as-of", AS_OF, *RATES, "-o", tmp_path / "r.xlsx")
    assert code == 1  # "lots" is not a number
    r = _recalc_col(tmp_path / "r.xlsx")
    assert _num(r["sick_prior_paid_days"][0]) == 99.0 and math.isnan(_num(r["sick_prior_paid_days"][2]))


def test_a_record_that_cannot_be_used_stops_the_run(staff, tmp_path):
    bad = _xlsx(tmp_path / "bad.xlsx", ["Emp No", "When"], [["E1", D(2026, 1, 1)]])
    code, _, err = run("recalc", staff, "--as-of", AS_OF, "--absences", bad, "-o", tmp_path / "r.xlsx")
    assert code == 2 and "missing required columns" in err and not (tmp_path / "r.xlsx").exists()
    # which of the two files, and the record's own option (not the staff list's --map)
    assert "--absences bad.xlsx: missing" in err and '--absences-map "HEADER=field"' in err
    assert " --map" not in err
    code, _, err = run("recalc", staff, "--as-of", AS_OF, "--absences", staff, "-o", tmp_path / "r.xlsx")
    assert code == 2


def test_a_filled_budget_read_back_takes_the_paid_days_from_its_own_absences_sheet(staff, record, tmp_path):
    """A filled budget's Staff sheet has no typed paid sick days (its formulas take them from its
    Absences sheet): ``recalc`` and ``fill budget`` of that workbook take them from that sheet
    too, as the workbook does, so the round trip gives the budget's own figures."""
    start = "01/11/2026"
    opts = ("--as-of", AS_OF, "--absence-start", start, *RATES)
    code, _, err = run("fill", "budget", "--staff", staff, *opts, "--absences", record, "-o", tmp_path / "b.xlsx")
    assert code == 1, err  # E2's overlapping absences
    code, _, err = run("recalc", staff, *opts, "--absences", record, "-o", tmp_path / "want.xlsx")
    want = _recalc_col(tmp_path / "want.xlsx")
    code, out, err = run("recalc", tmp_path / "b.xlsx", *opts, "-o", tmp_path / "back.xlsx")
    assert code == 1, err
    assert "taken from the workbook's own sheet 'Absences'" in err
    back = _recalc_col(tmp_path / "back.xlsx")
    assert back["status"].tolist() == want["status"].tolist() and RECORD_PROBLEM in want["status"].tolist()
    for name in ("sick_prior_paid_days", "sick_absence_cost_gbp", "sick_full_pay_days_left"):
        assert [_num(x) for x in back[name].tolist()] == [_num(x) for x in want[name].tolist()], name
    assert _num(back["sick_prior_paid_days"][0]) == 15.0
    # fill budget of the filled budget: the same figures, and its Absences sheet again
    code, _, err = run("fill", "budget", "--staff", tmp_path / "b.xlsx", *opts, "-o", tmp_path / "b2.xlsx")
    assert code == 1, err
    b2 = read_table(tmp_path / "b2.xlsx", sheet="Staff", scorer=header_scorer(STAFF_SCHEMA))
    used = b2.columns[b2.headers.index("Paid sick days used, last 12 months")].tolist()[:4]
    np.testing.assert_allclose([_num(x) for x in used], [_num(x) for x in want["sick_prior_paid_days"].tolist()],
                               rtol=1e-12)  # (an xlsx number keeps 15-17 digits)
    assert read_table(tmp_path / "b2.xlsx", sheet="Absences", scorer=header_scorer(ABSENCE_SCHEMA)).n_rows == len(ROWS)
    # the sheet named as the record: the same; the staff sheet itself as the record: refused
    code, _, err = run("recalc", tmp_path / "b.xlsx", *opts, "--absences", tmp_path / "b.xlsx",
                       "--absences-sheet", "Absences", "-o", tmp_path / "named.xlsx")
    assert code == 1, err
    assert _recalc_col(tmp_path / "named.xlsx")["sick_prior_paid_days"].tolist() == back["sick_prior_paid_days"].tolist()
    code, _, err = run("recalc", tmp_path / "b.xlsx", *opts, "--absences", tmp_path / "b.xlsx",
                       "-o", tmp_path / "self.xlsx")
    assert code == 2 and "--absences-sheet" in err
    # a blank template's empty Absences sheet is no record: the typed column, as in the workbook
    code, _, err = run("fill", "budget", "--staff", staff, *opts, "-o", tmp_path / "typed.xlsx")
    code, _, err = run("recalc", tmp_path / "typed.xlsx", *opts, "-o", tmp_path / "typed_back.xlsx")
    assert "sheet 'Absences'" not in err
    assert _num(_recalc_col(tmp_path / "typed_back.xlsx")["sick_prior_paid_days"][0]) == 99.0


def test_recalc_says_how_the_records_columns_were_read(staff, tmp_path):
    """The record's columns read by their closest header, and those not used, are said by
    ``recalc --absences`` as by ``xl-kent absences`` (the paid days come from them), with the
    option that names a record's column; employees of the record not in the list are warned of."""
    rtw = _xlsx(tmp_path / "rtw.xlsx", ["Emp No", "First day", "Last sick day", "Continuous service date",
                                        "Salary", "Notes"],
                [["E1", D(2026, 6, 1), D(2026, 6, 11), D(2018, 1, 1), 36_500.0, "x"],
                 ["E77", D(2026, 6, 1), D(2026, 6, 3), D(2018, 1, 1), 36_500.0, ""]])
    code, out, err = run("recalc", staff, "--as-of", AS_OF, *RATES, "--absences", rtw, "-o", tmp_path / "r.xlsx")
    assert "absence record: read 'Last sick day' as last_day" in err
    assert '--absences-map "HEADER=field"' in err
    assert "absence record: columns not used: 'Notes'" in err
    assert "1 employee(s) of the absence record are not in the staff list" in err
    summary = dict(zip(*[c.tolist() for c in read_table(tmp_path / "r.xlsx", sheet="Summary").columns[:2]],
                       strict=True))
    assert summary["absence record column: 'Last sick day'"] == "read as last_day (closest header)"
    assert summary["absence record column: 'Notes'"] == "not used"


def test_a_return_to_work_date_is_never_read_as_the_last_day(tmp_path):
    """The return to work is the day after the last day of incapacity: read as ``last_day`` by
    its closest header (with a warning only), every absence had a day too many, status OK. Such
    a header is never adopted nor suggested; named with --map, it is read as the user says."""
    for header in ("Return to work date", "Date of return to work", "Fit to return", "RTW date"):
        path = _xlsx(tmp_path / "rtw.xlsx", ["Staff No", "First day off", header, "Service start", "Annual salary"],
                     [["101", D(2025, 1, 6), D(2025, 1, 21), D(2020, 1, 15), 30_000.0]], title=())
        code, _, err = run("absences", path, "-o", tmp_path / "rtw.out.csv")
        assert code == 2 and "missing required column: last_day" in err, (header, err)
        assert f'--map "{header}=last_day"' not in err and "closest header" not in err, err


# ---------------------------------------------------------------- the core
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "a", "B", "C", ""]), st.integers(0, 900), st.floats(0, 400)),
                max_size=25), st.integers(200, 1000))
def test_paid_days_before_is_a_plain_loop(absences, on):
    base = np.datetime64("2024-01-01", "D")
    ids = [a[0] for a in absences]
    first = [base + np.timedelta64(a[1], "D") for a in absences]
    paid = [a[2] for a in absences]
    day = base + np.timedelta64(on, "D")
    got = paid_days_before(ids, first, paid, ["A", "B", "Z"], day) if absences else np.zeros(3)
    lo = float(add_months(np.array([day]), -12)[0].astype(np.int64))
    want = []
    for who in ("a", "b", "z"):
        total = 0.0
        for i, f, p in zip(ids, first, paid, strict=True):
            if i.casefold() != who:
                continue
            s = float(f.astype(np.int64))
            total += max(0.0, min(s + p, float(day.astype(np.int64))) - max(s, lo))
        want.append(total)
    np.testing.assert_allclose(got, want, atol=1e-9)


def test_prior_paid_days_of_the_layer_is_the_core():
    t = Table(HEADERS, [np.array([r[j] for r in ROWS], dtype=object)
                                                  for j in range(len(HEADERS))], 2, None, "xlsx")
    rec = compute(read_absence_log(t), t)
    got = prior_paid_days(rec, np.array(["E1", "1001", "nobody"], dtype=object), "2026-11-01")
    assert got.tolist()[0] == 15.0 and got.tolist()[2] == 0.0
    assert ABSENCE_SCHEMA.required == ("employee_id", "first_day", "last_day", "service_start", "annual_salary")
    s = default_settings(AS_OF)
    assert s.absence_start == np.datetime64(AS_OF)


# ---------------------------------------------------------------- the budget template's Absences sheet
TEMPLATE_ABSENCES = [  # the committed template's as-of date is the modelled absence start: 23/11/2026
    {"employee_id": "E1001", "first_day": D(2026, 2, 2), "last_day": D(2026, 2, 20), "service_start": D(2022, 9, 5),
     "annual_salary": 28_500.0},
    {"employee_id": " e1001 ", "first_day": D(2026, 3, 9), "last_day": D(2026, 3, 13), "service_start": D(2022, 9, 5),
     "annual_salary": 28_500.0},  # pasted with spaces: the same employee (KENT_SICKPAY_LOG and the Staff sums)
    {"employee_id": "E1002", "first_day": D(2025, 10, 6), "last_day": D(2026, 1, 30), "service_start": D(2009, 4, 20),
     "annual_salary": 15_400.0},  # straddles the rolling year's start (23/11/2025)
    {"employee_id": "E1011", "first_day": D(2026, 4, 1), "last_day": D(2026, 9, 30), "service_start": D(2025, 5, 8),
     "annual_salary": 25_000.0},  # under 24 months' service: full, then half pay
    {"employee_id": "E1011", "first_day": D(2026, 9, 20), "last_day": D(2026, 9, 25), "service_start": D(2025, 5, 8),
     "annual_salary": 25_000.0},  # overlaps the row above: both rows add nothing
    {},  # a blank row
    {"employee_id": "E1005", "first_day": D(2026, 11, 23), "last_day": D(2026, 11, 30),
     "service_start": D(2015, 3, 1), "annual_salary": 58_000.0},  # starts on AbsenceStart: outside the year
    {"employee_id": "E1009", "first_day": D(2026, 6, 1), "last_day": D(2026, 6, 12), "service_start": D(2021, 8, 16),
     "annual_salary": 47_000.0, "temporary_short": "Yes"},  # SSP only: no paid days
]


def test_the_absences_sheet_in_libreoffice_gives_the_staff_paid_days_of_the_core(calc, tmp_path):
    """The template with a record pasted (KENT_SICKPAY_LOG live), recalculated in LibreOffice: the
    Absences sheet's days and the Staff sheet's 'Paid sick days used' and sick pay cost equal the
    one computation (xl_kent.lists.absence_log.staff_figures over the same cells)."""
    from workbooks import budget, common
    from xl_kent.lists.absence_log import staff_figures
    from xl_kent.lists.fields import map_columns

    s = default_settings(np.datetime64(budget.EXAMPLE_AS_OF, "D"))
    rows = list(budget.EXAMPLE_ROWS)
    path = tmp_path / "with_record.xlsx"
    budget.build(path, rows, s, absences=TEMPLATE_ABSENCES)
    book = calc.recalculate(path)
    t = budget.absence_table(TEMPLATE_ABSENCES)
    rec = compute(read_absence_log(t), t)
    table = budget.staff_table(rows)
    staff, fig, _ = staff_figures(table, s, map_columns(table.headers, STAFF_SCHEMA), rec)
    first = common.FIRST_ROW
    n = len(rows)

    def staff_col(key):
        letter = budget.staff_column_letter(key)
        return book.column("Staff", f"{letter}{first}:{letter}{first + n - 1}")

    def abs_col(key):
        letter = chr(65 + budget._ABS_INDEX[key])
        return book.column("Absences", f"{letter}{first}:{letter}{first + len(TEMPLATE_ABSENCES) - 1}")

    ok = rec.ok
    for key, name in (("full_days", "full_pay_days"), ("half_days", "half_pay_days")):
        got = abs_col(key)
        for i in range(len(TEMPLATE_ABSENCES)):
            if ok[i]:
                assert abs(float(got[i]) - rec.values[name][i]) < 1e-9, (key, i, got[i])
            else:
                assert not isinstance(got[i], float), (key, i, got[i])  # an error or a blank
    got = [_num(x) for x in staff_col("sick_prior_paid_days")]
    want = fig.values["sick_prior_paid_days"].tolist()
    np.testing.assert_allclose(got, want, atol=1e-9)
    assert any(w > 0 for w in want if not math.isnan(w))
    np.testing.assert_allclose([_num(x) for x in staff_col("sick_absence_cost_gbp")],
                               fig.values["sick_absence_cost_gbp"], atol=1e-6)
    status = staff_col("status")
    assert status == [("" if s == "row is blank" else s) for s in fig.status.tolist()]
    e1011 = [i for i, r in enumerate(rows) if r.get("employee_id") == "E1011"]
    assert [i for i, s in enumerate(status) if s != "OK"] == e1011 and status[e1011[0]] == RECORD_PROBLEM
    assert book.cell("Absences", "B3") == sum(1 for r in TEMPLATE_ABSENCES for _ in r)


def test_a_filled_budget_with_a_record_recalculates_to_its_cached_figures(calc, record, tmp_path):
    """E2 (its two absences overlap) also has a multiplier out of range, in a column after the paid
    sick days: the Status's reasons, in the cache and in the formulas, are in the same order."""
    staff = _xlsx(tmp_path / "staff.xlsx", [*STAFF_HEADERS, "Multiplier"],
                  [[*r, 9.0 if r[0] == "E2" else 1.0] for r in STAFF], title=())
    out = tmp_path / "b.xlsx"
    code, _, err = run("fill", "budget", "--staff", staff, "--as-of", AS_OF, "--absence-start", "01/11/2026",
                       *RATES, "--absences", record, "-o", out)
    assert code == 1, err  # E2: a problem row (its record rows overlap), in the cache and in the formulas
    book = calc.recalculate(out)
    from workbooks import budget, common

    b = read_table(out, sheet="Staff", scorer=header_scorer(STAFF_SCHEMA))
    cached = {h: c for h, c in zip(b.headers, b.columns, strict=True)}
    first = common.FIRST_ROW
    for key, label in (("sick_prior_paid_days", "Paid sick days used, last 12 months"),
                       ("sick_absence_cost_gbp", "Sick pay cost of the modelled absence £"), ("status", "Status")):
        letter = budget.staff_column_letter(key)
        got = book.column("Staff", f"{letter}{first}:{letter}{first + len(STAFF) - 1}")
        want = cached[label].tolist()[: len(STAFF)]
        if key == "status":
            assert want[2].startswith(RECORD_PROBLEM + "; multiplier is outside"), want
        for g, w in zip(got, want, strict=True):
            if isinstance(w, str) or w is None:
                assert g == (w or ""), (key, g, w)
            else:
                assert abs(float(g) - float(w)) < 1e-6, (key, g, w)
