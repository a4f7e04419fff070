"""Bulk recalculation on in-memory tables: mapping, parsing, validation, results = the core."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_kent.leave import leave_accrual, leave_year_bounds
from xl_kent.lists import staff, synth
from xl_kent.lists.fields import ColumnError, map_columns, parse_map_options
from xl_kent.lists.figures import STAFF_SCHEMA, default_settings
from xl_kent.money import round_pennies
from xl_kent.redundancy import redundancy_pay_gbp, redundancy_weeks
from xl_kent.sick_pay import sick_pay, sick_pay_allowance
from xl_kent_cli import recalc
from xl_kent_cli.output import EXIT_PROBLEMS, Outcome

AS_OF = np.datetime64("2027-03-31")


@dataclass
class Table:  # the shape of xl_kent.files.reading.Table
    headers: list
    columns: list
    first_row: int = 2
    sheet: str | None = None
    kind: str = "xlsx"

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


def cells(a: np.ndarray) -> np.ndarray:
    """A typed sample column as the cells an xlsx reader gives (None for blanks)."""
    if a.dtype.kind == "M":
        return np.array([None if np.isnat(x) else x.astype(dt.date) for x in a], dtype=object)
    if a.dtype.kind == "f":
        o = a.astype(object)
        o[np.isnan(a)] = None
        return o
    out = a.astype(object)
    out[[isinstance(v, float) and v != v for v in out]] = None
    return out


def sample_table(rows=400, bad=0, seed=5) -> tuple[Table, synth.Sample]:
    s = synth.staff_sample(rows, bad, seed=seed, as_of=AS_OF)
    return Table(list(s.headers), [cells(c) for c in s.columns]), s


def table(rows: list[dict]) -> Table:
    headers = list(dict.fromkeys(k for r in rows for k in r))
    return Table(headers, [np.array([r.get(h) for r in rows], dtype=object) for h in headers])


GOOD = dict(employee_id="E1", grade="KR6", annual_salary=36500.0, date_of_birth=dt.date(1980, 5, 1),
            service_start=dt.date(2015, 4, 1))


def result(outcome: Outcome, name: str) -> np.ndarray:
    return outcome.columns[outcome.headers.index(name)]


def test_good_sample_has_no_problems_and_keeps_columns():
    t, _ = sample_table(600, bad=0)
    o = recalc.recalc_table(t, default_settings(AS_OF))
    assert o.n_problem_rows == 0 and o.exit_code == 0
    assert (result(o, "status") == "OK").all()
    assert o.headers[: len(t.headers)] == t.headers
    for a, b in zip(o.columns[: len(t.headers)], t.columns, strict=True):
        assert a is b  # the original columns are passed through untouched


def test_results_equal_direct_core_calls():
    t, s = sample_table(500, bad=0, seed=11)
    o = recalc.recalc_table(t, default_settings(AS_OF, absence_days=45))
    h = dict(zip(s.headers, s.columns, strict=True))
    contract = h["Contract"].astype(str)
    sal = contract == "Salaried"
    service, birth = h["Continuous Service Date"], h["Date of Birth"]
    start = np.where(np.isnat(h["Start Date"]), service, h["Start Date"])
    end = h["End Date"]
    hours = h["Weekly Hours"]
    grade = h["Grade"].astype(str)
    _, nxt = leave_year_bounds(np.array([AS_OF]))
    year_end = nxt[0] - np.timedelta64(1, "D")
    for name, on, unit in (("leave_year_entitlement_days", year_end, "days"),
                           ("leave_year_entitlement_hours", year_end, "hours"),
                           ("leave_accrued_days", AS_OF, "days")):
        want = leave_accrual(grade[sal], service[sal], on, hours[sal], start[sal], end[sal], unit).value
        np.testing.assert_array_equal(result(o, name)[sal].astype(float), want)
    hourly = ~sal
    want = leave_accrual(grade[hourly], service[hourly], AS_OF, h["Hours Worked"][hourly], None, None,
                         np.char.lower(contract[hourly])).value
    np.testing.assert_array_equal(result(o, "leave_accrued_hours")[hourly].astype(float), want)

    in_post = sal & (start <= AS_OF) & (np.isnat(end) | (end >= AS_OF))
    assert (result(o, "in_post_on_as_of")[sal] == in_post[sal]).all()
    prior = h["Sick Days (12 months)"]
    allow = sick_pay_allowance(service[in_post], AS_OF, prior[in_post])
    np.testing.assert_array_equal(result(o, "sick_full_pay_days_left")[in_post], allow.full_pay_days)
    cost = sick_pay(service[in_post], AS_OF, 45, h["Annual Salary"][in_post], prior[in_post]).pay_gbp
    np.testing.assert_array_equal(result(o, "sick_absence_cost_gbp")[in_post], round_pennies(cost))
    assert (result(o, "sick_absence_cost_gbp")[sal & ~in_post] == 0).all()  # not employed: costs nothing
    assert np.isnan(result(o, "sick_absence_cost_gbp")[~sal]).all()  # casual and relief: not modelled

    def years(a, b):
        ya, ma, da = [x.astype(int) for x in (a.astype("datetime64[Y]").astype(int) + 1970,
                                                a.astype("datetime64[M]").astype(int) % 12,
                                                (a - a.astype("datetime64[M]")).astype(int))]
        yb, mb, db = b.astype("datetime64[Y]").astype(int) + 1970, b.astype("datetime64[M]").astype(int) % 12, \
            (b - b.astype("datetime64[M]")).astype(int)
        return ((yb - ya) * 12 + (mb - ma) - (db < da)) // 12

    age, svc = years(birth[in_post], AS_OF), years(service[in_post], AS_OF)
    mult = np.nan_to_num(h["Redundancy Multiplier"][in_post], nan=1.0)
    weeks = redundancy_weeks(age, svc, mult, termination_date=AS_OF).weeks
    np.testing.assert_array_equal(result(o, "redundancy_weeks")[in_post], weeks)
    pay = redundancy_pay_gbp(weeks, h["Annual Salary"][in_post], AS_OF)
    np.testing.assert_array_equal(result(o, "redundancy_pay_gbp")[in_post], round_pennies(pay))
    assert (result(o, "age_years")[in_post] == age).all()


@pytest.mark.parametrize("bad", [6, 25])
def test_seeded_bad_rows_come_out_exactly(bad):
    t, s = sample_table(800, bad=bad, seed=bad)
    o = recalc.recalc_table(t, default_settings(AS_OF))
    status = result(o, "status")
    assert np.flatnonzero(status != "OK").tolist() == s.manifest.bad_rows
    assert o.n_problem_rows == len(s.manifest.bad_rows) and o.exit_code == EXIT_PROBLEMS
    rows, ids, column, _value, reason = o.errors_columns
    assert sorted(set((rows - 2).tolist())) == s.manifest.bad_rows
    ids_by_kind = {k: sorted(int(i) for i in ids[np.isin(rows - 2, v)]) for k, v in s.manifest.kinds.items()}
    assert ids_by_kind == s.manifest.ids
    expect = {"blank_date": ("Continuous Service Date", "service_start is blank"),
              "text_salary": ("Annual Salary", "annual_salary is not a number"),
              "impossible_age": ("Date of Birth", "age on the as-of date is over 100"),
              "unknown_grade": ("Grade", "grade is not a Kent Scheme grade"),
              "duplicate_id": ("Employee ID", "employee_id is on more than one row"),
              "duplicate_originals": ("Employee ID", "employee_id is on more than one row"),
              "end_before_start": ("End Date", "employment_end is before employment_start")}
    for kind, kind_rows in s.manifest.kinds.items():
        for r in kind_rows:
            sel = rows - 2 == r
            assert (column[sel] == expect[kind][0]).all(), (kind, column[sel])
            assert all(x.startswith(expect[kind][1]) for x in reason[sel]), (kind, reason[sel])
    counts = dict(o.summary)
    assert counts["rows with problems"] == len(s.manifest.bad_rows)
    assert counts["rows OK"] == 800 - len(s.manifest.bad_rows)


def test_bad_row_keeps_what_can_be_computed():
    o = recalc.recalc_table(table([dict(GOOD, annual_salary="TBC")]), default_settings(AS_OF))
    assert result(o, "status")[0] == "annual_salary is not a number"
    assert result(o, "leave_year_entitlement_days")[0] == 29  # leave needs no salary
    assert result(o, "redundancy_weeks")[0] > 0 and np.isnan(result(o, "redundancy_pay_gbp")[0])
    assert not np.isnan(result(o, "sick_full_pay_days_left")[0])
    assert np.isnan(result(o, "sick_absence_cost_gbp")[0])
    rows, ids, column, value, reason = o.errors_columns
    assert (rows.tolist(), ids.tolist(), column.tolist(), value.tolist()) == ([2], ["E1"], ["annual_salary"], ["TBC"])


def test_text_dates_iso_uk_serial_and_money_from_csv_cells():
    rows = [dict(GOOD, employee_id=f"E{i}", date_of_birth=d, annual_salary=pay, service_start="01/04/2015")
            for i, (d, pay) in enumerate([("1980-05-01", "36500"), ("01/05/1980", "£36,500.00"),
                                          ("29343", "36,500"), ("1 May 1980", " 36500 ")])]
    o = recalc.recalc_table(table(rows), default_settings(AS_OF))
    assert (result(o, "status") == "OK").all(), result(o, "status")
    assert (result(o, "age_years") == 46).all()
    assert (result(o, "weekly_pay_gbp") == 700).all()


def test_us_dates_and_bad_cells_are_problems_never_guessed():
    rows = [dict(GOOD, employee_id="E1", date_of_birth="05/13/1980"),  # 13th month: a US date
            dict(GOOD, employee_id="E2", date_of_birth="31/02/1980"),
            dict(GOOD, employee_id="E3", weekly_hours="#N/A"),
            dict(GOOD, employee_id="E4", service_start=30),  # Excel serial below 61
            dict(GOOD, employee_id="E5", date_of_birth=dt.date(2015, 1, 1)),
            dict(GOOD, employee_id="E6", weekly_hours=40),
            dict(GOOD, employee_id="E7", multiplier=3),
            dict(GOOD, employee_id="E8", contract_type="agency"),
            dict(GOOD, employee_id="E9", service_start=dt.date(1990, 1, 1))]
    o = recalc.recalc_table(table(rows), default_settings(AS_OF))
    assert result(o, "status").tolist() == [
        "date_of_birth is not a date", "date_of_birth is not a date", "weekly_hours holds an Excel error value",
        "service_start is outside Excel's dates (serial below 61 or after 9999)",
        "age on the as-of date is under 16", "weekly_hours is outside 0 to 37", "multiplier is outside 1 to 2",
        "contract_type is not salaried, casual or relief", "service_start is before the 16th birthday"]


def test_duplicate_ids_flag_every_row_with_the_id():
    rows = [dict(GOOD, employee_id=i) for i in ("E1", "e1 ", "E2", 1001, "1001")]
    o = recalc.recalc_table(table(rows), default_settings(AS_OF))
    assert (result(o, "status") != "OK").tolist() == [True, True, False, True, True]


def test_a_blank_row_in_the_middle_is_kept_as_it_is_and_is_no_problem():
    rows = [GOOD, {k: None for k in GOOD}, dict(GOOD, employee_id="E2")]
    o = recalc.recalc_table(table(rows), default_settings(AS_OF))
    assert result(o, "status").tolist() == ["OK", "row is blank", "OK"]
    assert o.errors_columns[0].tolist() == [] and o.n_problem_rows == 0 and o.exit_code == 0
    assert result(o, "in_post_on_as_of")[1] is None and np.isnan(result(o, "pay_cost_gbp")[1])
    summary = dict(o.summary)
    assert summary["blank rows inside the list (kept, not computed)"] == 1 and summary["Rows with problems"] == 0


def test_leavers_and_future_joiners_are_not_in_post_but_fine():
    rows = [dict(GOOD, employee_id="L", employment_end=dt.date(2026, 12, 31)),
            dict(GOOD, employee_id="J", service_start=dt.date(2027, 6, 1))]
    o = recalc.recalc_table(table(rows), default_settings(AS_OF))
    assert result(o, "status").tolist() == ["OK", "OK"]
    assert result(o, "in_post_on_as_of").tolist() == [False, False]
    # not employed on the redundancy date or the absence start: no redundancy pay, no sick pay (0, not blank)
    assert (result(o, "redundancy_weeks") == 0).all() and (result(o, "sick_absence_cost_gbp") == 0).all()
    assert result(o, "leave_year_entitlement_days")[0] == 22  # 29 days * 275/365 to the nearest half
    assert result(o, "leave_accrued_days")[1] == 0


def test_casual_and_relief_rows_accrue_hours_on_hours_worked():
    rows = [dict(GOOD, employee_id="C", contract_type="Casual", hours_worked=20, annual_salary=None),
            dict(GOOD, employee_id="R", contract_type="relief", hours_worked=20, grade="KR5",
                 service_start=dt.date(2024, 1, 1), annual_salary=None),
            dict(GOOD, employee_id="X", contract_type="casual", hours_worked=None)]
    o = recalc.recalc_table(table(rows), default_settings(AS_OF))
    assert result(o, "status").tolist()[:2] == ["OK", "OK"]
    assert result(o, "leave_accrued_hours")[:2].round(4).tolist() == [2.42, 3.0]
    assert result(o, "status")[2] == "hours_worked is blank (needed for casual and relief)"


def test_missing_required_column_is_one_line_naming_it():
    t = Table(["Emp No", "Grade", "Salary", "CSD"], [np.array(["E1"], dtype=object)] * 4)
    with pytest.raises(ColumnError) as e:
        recalc.recalc_table(t, default_settings(AS_OF))
    msg = str(e.value)
    assert "\n" not in msg and "date_of_birth" in msg and "'Emp No', 'Grade', 'Salary', 'CSD'" in msg


def test_every_missing_required_column_is_named_in_one_message_with_the_closest_header():
    t = Table(["Payroll Ref", "Job", "Pay Rate", "Born", "Cont. Service"], [np.array(["x"], dtype=object)] * 5)
    with pytest.raises(ColumnError) as e:
        map_columns(t.headers, STAFF_SCHEMA)
    msg = str(e.value)
    for name in ("grade", "annual_salary", "date_of_birth"):
        assert name in msg
    assert "employee_id" not in msg  # "Payroll Ref" is an alias
    assert "service_start" not in msg  # "Cont. Service" is read as the closest header (its cells aside)


def test_map_option_and_ambiguous_columns():
    t = Table(["Ref", "Band", "Pay", "Born", "Since", "Notes"],
              [np.array(v, dtype=object) for v in (["E1"], ["KR6"], [36500.0], ["1980-05-01"], ["2015-04-01"], ["x"])])
    maps = parse_map_options(["Ref=employee_id,Band=grade", "Pay=salary", "Born=dob", "Since=csd"], STAFF_SCHEMA)
    o = recalc.recalc_table(t, default_settings(AS_OF), overrides=maps)
    assert result(o, "status").tolist() == ["OK"] and o.headers[:6] == t.headers
    with pytest.raises(ColumnError, match="are all read as annual_salary"):
        map_columns(["id", "grade", "Salary", "annual salary", "dob", "csd"], STAFF_SCHEMA)
    with pytest.raises(ColumnError, match="not a column name"):
        parse_map_options(["Pay=wages"], STAFF_SCHEMA)
    with pytest.raises(ColumnError, match='no column "wages"'):
        map_columns(t.headers, STAFF_SCHEMA, {"wages": "annual_salary"})


def test_summary_totals_are_over_ok_rows():
    t, s = sample_table(300, bad=6, seed=9)
    o = recalc.recalc_table(t, default_settings(AS_OF))
    summary = dict(o.summary)
    ok = result(o, "status") == "OK"
    assert summary["leave accrued to the as-of date, total days"] == np.nansum(result(o, "leave_accrued_days")[ok])
    assert summary["redundancy, total cost £ (everyone employed on the redundancy date)"] == pytest.approx(
        np.nansum(result(o, "redundancy_pay_gbp")[ok]))
    # the total is of the unrounded figures, the column shows each rounded to the penny
    assert summary["Pay cost after award £"] == pytest.approx(np.nansum(result(o, "pay_cost_gbp")[ok]),
                                                              abs=0.005 * ok.sum())
    assert not any(np.isnan(v) for k, v in summary.items() if isinstance(v, float))


def test_docs_list_every_column_alias_result_and_exit_code():
    from pathlib import Path

    from xl_kent.lists import award_log

    doc = (Path(__file__).resolve().parents[1] / "docs" / "bulk.md").read_text(encoding="utf-8")
    for f in (*staff.STAFF_FIELDS, *award_log.AWARD_FIELDS):
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{f.name}` |")), "")
        assert row and all(alias in row for alias in f.aliases), f.name
    for name, _, _ in (*recalc.RESULT_COLUMNS, *award_log.AWARD_RESULTS):
        assert f"`{name}`" in doc
    bounds = staff.check_bounds(AS_OF)
    assert f"default **{default_settings(AS_OF).absence_days:g}**" in doc
    assert f"age {bounds['min_age_years']:g} to {bounds['max_age_years']:g}" in doc


def test_progress_bars_only_on_a_terminal_and_for_long_runs():
    import io

    from xl_kent_cli.progress import LONG_RUN_ROWS, Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert not Progress("writing", LONG_RUN_ROWS, stream=io.StringIO()).enabled
    assert not Progress("writing", 100, stream=Tty()).enabled
    bar = Progress("computing", 4, stream=Tty(), unit="steps", rows=LONG_RUN_ROWS)
    assert bar.enabled
    bar.update(2, force=True)
    bar.close()
    assert "computing" in bar.stream.getvalue() and bar.stream.getvalue().endswith("\n")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=4)), max_size=30))
def test_distinct_is_dict_fromkeys(cells):
    from xl_kent.lists.parse import _distinct
    from xl_kent.lists.parse import repeated as _repeated

    distinct, inverse = _distinct(cells)
    assert distinct == list(dict.fromkeys(cells)) and [distinct[i] for i in inverse] == cells
    texts = [c or "" for c in cells]
    dup = _repeated(texts)
    expect = [texts.count(t) > 1 for t in texts]
    assert (dup is None and not any(expect)) or dup.tolist() == expect
