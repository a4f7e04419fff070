"""``xl-kent awards``: the award log checked row by row equals award_ok over the whole log."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_recalc import Table, cells

from xl_kent.awards import award_ok, explain
from xl_kent.files.reading import read_table
from xl_kent.lists import synth
from xl_kent.lists.award_log import BESIDE_PROBLEMS_WORDS
from xl_kent.lists.fields import ColumnError
from xl_kent.money import round_pennies
from xl_kent_cli import awards as award_log


def log_table(rows: list[dict]) -> Table:
    headers = list(dict.fromkeys(k for r in rows for k in r))
    return Table(headers, [np.array([r.get(h) for r in rows], dtype=object) for h in headers])


def col(o, name):
    return o.columns[o.headers.index(name)]


def test_sample_log_equals_award_ok_over_the_whole_log():
    s = synth.staff_sample(400, seed=2)
    a = synth.award_sample(s.columns[0], 300, seed=2)
    t = Table(a.headers, [cells(c) for c in a.columns])
    o = award_log.check_table(t)
    h = dict(zip(a.headers, a.columns, strict=True))
    team = h["Kind"] == "Team"
    endorsed = np.array([bool(v) for v in h["Endorsed"]])
    want = award_ok(h["Employee ID"], h["Award Date"], h["Amount"], team, h["Work Reference"], endorsed,
                    h["Ineligible"])
    assert col(o, "award_ok").tolist() == want.ok.tolist()
    assert col(o, "reason").tolist() == explain(want.rule, want.error, h["Award Date"]).tolist()
    np.testing.assert_array_equal(col(o, "rolling_12_month_total_gbp"), round_pennies(want.rolling_total_gbp))
    assert o.n_problem_rows == 0 and o.n_flagged == int((~want.ok).sum())
    assert o.exit_code == (1 if o.n_flagged else 0)
    assert all(rule in dict(o.summary) for rule in [f"outside: {t}" for t in explain(np.arange(1, 6)).tolist()])


def test_bad_cells_are_not_judged_and_count_in_no_totals():
    rows = [
        dict(employee_id="E1", date="01/05/2026", amount="£400", kind="individual", ref="W1"),
        dict(employee_id="E1", date="2026-06-01", amount="TBC", kind="individual", ref="W2"),
        dict(employee_id="E1", date="2026-07-01", amount=700, kind="bonus", ref="W3"),
        dict(employee_id="E1", date="31/02/2026", amount=700, kind="team", ref="W4"),
        dict(employee_id=None, date=dt.date(2026, 8, 1), amount=100, kind=None, ref=None),
        dict(employee_id="E1", date=dt.date(2026, 9, 1), amount=600, kind="Individual", ref="W5", endorsed="maybe"),
        dict(employee_id="e1", date=dt.date(2026, 10, 1), amount=500, kind=None, ref="W6"),
    ]
    o = award_log.check_table(log_table(rows))
    assert col(o, "award_ok").tolist() == [True, None, None, None, None, None, True]
    assert col(o, "reason").tolist()[1:6] == [
        "amount is not a number", "kind is not team or individual", "award_date is not a date",
        "employee_id is blank", "endorsed is not Yes or No"]
    # The rows not judged count in no one's 12-month total: 400 + 500.
    assert col(o, "rolling_12_month_total_gbp").tolist()[6] == 900
    assert o.n_problem_rows == 5 and o.exit_code == 1
    assert o.errors_columns[2].tolist() == ["amount", "kind", "date", "employee_id", "endorsed"]


def test_rows_judged_beside_a_problem_row_are_counted_and_warned_of():
    """A judged row of the same employee or work as a row not judged is judged without it:
    the command says how many such rows there are (they may change once it is fixed)."""
    rows = [
        dict(employee_id="E1", date="01/06/2026", amount=300, kind="team", ref="W1", endorsed="yes"),
        dict(employee_id="E2", date="01/06/2026", amount=300, kind="tem", ref="w1 ", endorsed="yes"),
        dict(employee_id="E3", date="01/06/2026", amount=200, kind="individual", ref="W2"),
        dict(employee_id="e3 ", date="01/07/2026", amount="TBC", kind="individual", ref="W3"),
        dict(employee_id="E4", date="01/06/2026", amount=200, kind="individual", ref="W4"),
        dict(employee_id=None, date=None, amount=None, kind=None, ref=None),
    ]
    o = award_log.check_table(log_table(rows))
    summary = dict(o.summary)
    assert col(o, "award_ok").tolist() == [True, None, True, None, True, None]
    # E1 shares the work W1 with row 2, E3 is the employee of row 4; E4 and the blank row are apart.
    assert summary["awards judged beside a problem row of the same employee or work"] == 2
    assert any(line.startswith("2 judged award(s) share an employee or a work reference") for line in o.notes)
    # The How column says so on those rows, and only on those (the verdict's words unchanged before it).
    how = col(o, "how").tolist()
    beside = [BESIDE_PROBLEMS_WORDS in (text or "") for text in how]
    assert beside == [True, False, True, False, False, False]
    assert how[0].endswith(": within the scheme" + BESIDE_PROBLEMS_WORDS)
    clean = award_log.check_table(log_table([rows[0], rows[2], rows[4]]))
    assert dict(clean.summary)["awards judged beside a problem row of the same employee or work"] == 0
    assert not any("share an employee" in line for line in clean.notes)
    assert not any(BESIDE_PROBLEMS_WORDS in text for text in col(clean, "how").tolist())
    assert [t.removesuffix(BESIDE_PROBLEMS_WORDS) for t in (how[0], how[2], how[4])] == col(clean, "how").tolist()


def test_fill_awards_warns_of_rows_judged_beside_a_problem_row(tmp_path):
    """``fill awards`` gives the warning ``xl-kent awards`` gives, for the same log."""
    from test_cli import run

    path = tmp_path / "log.csv"
    path.write_text("Employee ID,Award Date,Amount,Kind,Work Reference,Endorsed\n"
                    "E1,01/06/2026,300,team,W1,yes\n"
                    "E2,01/06/2026,300,tem,W1,yes\n"
                    "E4,01/06/2026,200,individual,W4,\n", encoding="utf-8")
    code, _out, err = run("fill", "awards", "--log", path, "-o", tmp_path / "t.xlsx", "--to", "2026-11-30")
    assert code == 1
    assert "1 judged award(s) share an employee or a work reference with a row that has a problem" in err
    code, _out, err2 = run("awards", path, "-o", tmp_path / "a.xlsx")
    assert code == 1 and "1 judged award(s) share an employee or a work reference" in err2


def test_team_awards_with_no_work_reference_column_are_refused(tmp_path):
    """Three team rows of £300 for one piece of work, the work's column headed "Proj code"
    (not matched): each was judged on its own amount, all within the scheme, exit 0. With team
    rows and no work reference column, the log is refused and the likely column named; read
    with ``--map`` the team award is over £500. ("Project code" itself is read as the work
    reference: test_kind_and_work_ref_headers_of_real_logs.)"""
    from test_cli import run

    path = tmp_path / "log.csv"
    path.write_text("Staff No,Date of award,Value,Type,Proj code,Endorsed\n"
                    "A1,01/05/2027,300,Team,PX,Yes\n"
                    "A2,01/05/2027,300,Team,PX,Yes\n"
                    "A3,02/05/2027,300,Team,PX,Yes\n", encoding="utf-8")
    for argv in (("awards", path, "-o", tmp_path / "a.csv"), ("fill", "awards", "--log", path, "-o", tmp_path / "t.xlsx")):
        code, _out, err = run(*argv)
        assert code == 2, err
        assert "3 team award row(s) but no work reference column" in err and "'Proj code'" in err
        assert "Traceback" not in err
    assert not (tmp_path / "a.csv").exists() and not (tmp_path / "t.xlsx").exists()
    code, _out, err = run("awards", path, "--map", "Proj code=work_ref", "-o", tmp_path / "a.csv")
    assert code == 1, err
    t = read_table(tmp_path / "a.csv")
    assert col(t, "reason").tolist() == ["Over the £500 limit for one award"] * 3
    only_individual = log_table([dict(employee_id="E1", date="2026-05-01", amount=100, kind="individual")])
    assert col(award_log.check_table(only_individual), "award_ok").tolist() == [True]  # (no team row: no need)


def test_kind_and_work_ref_headers_of_real_logs(tmp_path):
    """"Team/Individual" and "Project code" are the kind and the work reference; a column not
    read that holds only Team and Individual (headed "Award category") stops the run, naming
    it: before, every team award was judged as an individual one, each within the scheme,
    exit 0, with only "columns not used" said."""
    from test_cli import run

    rows = ("501,01/05/2026,400,Individual,,Great\n502,02/05/2026,300,Team,P1,Team\n"
            "503,02/05/2026,300,Team,P1,Team\n504,02/05/2026,300,team ,P1,Team\n")
    path = tmp_path / "log.csv"
    path.write_text("Staff number,Payment date,Value (£),Team/Individual,Project code,Notes\n" + rows, encoding="utf-8")
    code, _out, err = run("awards", path, "-o", tmp_path / "a.csv")
    assert code == 1 and "columns not used: 'Notes'" in err, err
    t = read_table(tmp_path / "a.csv")
    assert col(t, "reason").tolist()[1:] == ["Over the £500 limit for one award"] * 3  # (£900 for P1)
    path.write_text("Staff number,Payment date,Value (£),Award category,Project code,Notes\n" + rows, encoding="utf-8")
    for argv in (("awards", path, "-o", tmp_path / "b.csv"), ("fill", "awards", "--log", path, "-o", tmp_path / "b.xlsx")):
        code, _out, err = run(*argv)
        assert code == 2 and not (tmp_path / "b.csv").exists() and not (tmp_path / "b.xlsx").exists()
        assert ("column 'Award category' holds team and individual awards but is not read as the kind of award"
                in err and '--map "Award category=kind"' in err), err
    code, _out, err = run("awards", path, "--map", "Award category=kind", "-o", tmp_path / "c.csv")
    assert code == 1 and col(read_table(tmp_path / "c.csv"), "reason").tolist() == col(t, "reason").tolist()


def test_the_users_own_reason_and_how_columns_survive_a_round_trip(tmp_path):
    """A log with its own "Reason" and "how" columns, checked, then the result checked again:
    the user's columns were taken for ours the second time (an earlier result, not read) and
    dropped. Ours are the last of each name (a result's columns come after the input's)."""
    from test_cli import run

    path = tmp_path / "log.csv"
    path.write_text("Employee ID,Award date,Amount,Kind,Reason,how\n"
                    "E1,01/04/2027,200,Individual,Covered sickness absence,by email\n"
                    "E2,02/04/2027,300,Individual,Great project,phone\n", encoding="utf-8")
    first, again = tmp_path / "once.csv", tmp_path / "twice.csv"
    assert run("awards", path, "-o", first)[0] == 0
    code, _out, err = run("awards", first, "-o", again)
    assert code == 0, err
    a, b = read_table(first), read_table(again)
    assert b.headers == a.headers == ["Employee ID", "Award date", "Amount", "Kind", "Reason", "how", "award_ok",
                                      "reason", "rolling_12_month_total_gbp", "team_award_total_gbp", "how"]
    assert [c.tolist() for c in b.columns] == [c.tolist() for c in a.columns]
    assert b.columns[4].tolist() == ["Covered sickness absence", "Great project"]
    assert "columns not used: 'Reason', 'how'" in err


def test_award_columns_by_alias_and_missing_amount():
    t = log_table([dict(**{"Staff Number": "E1", "Date Paid": "2026-05-01", "Award Amount": 100})])
    assert col(award_log.check_table(t), "award_ok").tolist() == [True]
    with pytest.raises(ColumnError, match="missing required column: amount"):
        award_log.check_table(log_table([dict(employee_id="E1", date="2026-05-01")]))


def test_the_award_templates_own_columns_are_read_and_judged():
    """Teachers' terms, the capability procedure and a generic ineligible column all make a row not eligible;
    "Individual or team" and "Team award endorsed?" are the kind and the endorsement."""
    d = dt.date(2026, 5, 1)
    t = log_table([
        {"Employee ID": "A", "Award date": d, "Amount £": 100, "Teachers' terms?": "Yes"},
        {"Employee ID": "B", "Award date": d, "Amount £": 100, "Capability procedure?": "Yes"},
        {"Employee ID": "C", "Award date": d, "Amount £": 100, "Not eligible (other reason)?": "Yes"},
        {"Employee ID": "D", "Award date": d, "Amount £": 100, "Individual or team": "Team", "Work reference": "P",
         "Team award endorsed?": "No"},
        {"Employee ID": "E", "Award date": d, "Amount £": 100, "Individual or team": "Team", "Work reference": "Q",
         "Team award endorsed?": "Yes", "Teachers' terms?": "No", "Capability procedure?": "No"},
    ])
    o = award_log.check_table(t)
    assert col(o, "award_ok").tolist() == [False, False, False, False, True]
    assert o.notes == []  # every column is used


@pytest.mark.parametrize("ids", [["E1", "e1", "E 2", ""], [1, 1, 2, 3], ["É1", "é1", "E123456789", None]])
def test_a_two_dimensional_log_is_the_flat_log_in_its_shape(ids):
    """Ids and references broadcast with the other columns: a 2 x 2 log gives the 4-row log's
    results in a 2 x 2 shape (it used to raise for a 2-D id column)."""
    when = np.array(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"], dtype="datetime64[D]")
    amount = np.array([100.0, 200.0, 300.0, 50.0])
    team = np.array([True, False, True, False])
    refs = np.array(["W1", "w1", "W1", ""])
    ids = np.array(ids, dtype=object)
    flat = award_ok(ids, when, amount, team, refs)
    square = award_ok(ids.reshape(2, 2), when.reshape(2, 2), amount.reshape(2, 2), team.reshape(2, 2),
                      refs.reshape(2, 2))
    for a, b in zip(flat, square, strict=True):
        assert np.shape(b) == (2, 2)
        assert np.array_equal(np.asarray(a), np.asarray(b).reshape(-1), equal_nan=np.asarray(a).dtype.kind == "f")


def test_award_totals_are_exact_pence_and_a_fraction_of_a_penny_is_a_problem():
    """A team award of exactly £500.00 in three rows is within the limit, its total shown as 500;
    an amount of 500.004 is a problem row, not "£500.00 ... over the £500 limit"."""
    rows = [dict(employee_id=e, date="2026-05-01", amount=a, kind="team", ref="T9", endorsed="yes")
            for e, a in (("F1", 218.86), ("F2", 176.34), ("F3", 104.80))]
    rows.append(dict(employee_id="F4", date="2026-05-01", amount=500.004, kind="individual", ref="W1"))
    o = award_log.check_table(log_table(rows))
    assert col(o, "award_ok").tolist() == [True, True, True, None]
    assert col(o, "reason").tolist() == ["OK", "OK", "OK", "amount is not a whole number of pence"]
    assert col(o, "team_award_total_gbp").tolist()[:3] == [500.0] * 3
    assert "the team award for this work comes to £500.00" in col(o, "how")[0]
    assert o.n_problem_rows == 1
