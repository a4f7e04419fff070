"""A budget workbook read back keeps its Assumptions: ``recalc`` and ``fill budget`` of a filled
budget (or of the template filled by hand) take the settings not given as options from its
Assumptions sheet, so the figures are the workbook's own; an option given wins, with a warning
where it differs; an as-of date other than the workbook's takes nothing from it, and says so.

Before: the filled budget said pay award 2.5% and pension 18.5%, ``recalc`` of it used the
EXAMPLE 3% and 20% (with the EXAMPLE warning only), and its totals were not the workbook's."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from test_cli import run

from workbooks import budget
from xl_kent.lists.figures import default_settings
from xl_kent_cli.recalc import TOTALS

AS_OF = "31/03/2027"
OPTIONS = ("--pay-award", "2.5", "--pension-rate", "18.5", "--grade-max", "KR7=30000", "--absence-start",
           "01/11/2026")


def _staff_csv(path):
    import csv

    fields = [f.name for f in budget.STAFF_FIELDS]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for r in budget.EXAMPLE_ROWS:
            w.writerow([r.get(k).strftime("%d/%m/%Y") if isinstance(r.get(k), dt.date) else r.get(k, "")
                        for k in fields])
    return path


def _totals(out: str) -> dict[str, str]:
    labels = {label for _, label in TOTALS}
    pairs = (line.split(": ", 1) for line in out.splitlines() if ": " in line)
    return {k: v for k, v in pairs if k in labels}


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    d = tmp_path_factory.mktemp("settings")
    staff = _staff_csv(d / "staff.csv")
    code, out, err = run("fill", "budget", "--staff", staff, "--as-of", AS_OF, *OPTIONS, "-o", d / "b.xlsx")
    assert code in (0, 1), err
    return d, out


def test_recalc_of_a_filled_budget_takes_its_assumptions_and_gives_its_totals(filled):
    d, fill_out = filled
    code, out, err = run("recalc", d / "b.xlsx", "--as-of", AS_OF, "-o", d / "r.csv")
    assert code in (0, 1), err
    assert ("settings taken from the workbook's Assumptions sheet (not given as options): pay award 2.5%, "
            "employer pension rate 18.5%, modelled absence start 01/11/2026, grade maxima KR7=30000") in err
    assert "EXAMPLE" not in err
    want = _totals(fill_out)
    assert len(want) >= 10 and _totals(out) == want  # the workbook's own totals, to the penny
    # the same options given: nothing to say, the same totals
    code, out2, err2 = run("recalc", d / "b.xlsx", "--as-of", AS_OF, *OPTIONS, "-o", d / "r2.csv")
    assert "Assumptions sheet" not in err2 and "Assumptions pay award" not in err2 and _totals(out2) == want


def test_an_option_given_wins_and_says_it_differs(filled):
    d, fill_out = filled
    code, out, err = run("recalc", d / "b.xlsx", "--as-of", AS_OF, "--pay-award", "4", "-o", d / "r3.csv")
    assert ("--pay-award 4% is used, not the workbook's Assumptions pay award (2.5%): the figures differ from "
            "the workbook's own totals") in err
    assert "employer pension rate 18.5%" in err  # (the others still come from the workbook)
    mine, theirs = _totals(out), _totals(fill_out)
    assert mine["Pay cost after award £"] != theirs["Pay cost after award £"]
    assert mine["Sick pay cost of the modelled absence £"] == theirs["Sick pay cost of the modelled absence £"]


def test_another_as_of_date_takes_nothing_from_the_workbook(filled):
    d, _ = filled
    code, out, err = run("recalc", d / "b.xlsx", "--as-of", "30/11/2026", "-o", d / "r4.csv")
    assert ("the workbook's Assumptions are for the as-of date 31/03/2027, this run's is 30/11/2026 (--as-of): "
            "none of its settings are used") in err
    assert "the pay award 3.0% is an EXAMPLE" in err


def test_fill_budget_of_a_filled_budget_keeps_its_assumptions_and_as_of(filled):
    d, fill_out = filled
    code, out, err = run("fill", "budget", "--staff", d / "b.xlsx", "-o", d / "b2.xlsx")  # no --as-of
    assert code in (0, 1), err
    assert _totals(out) == _totals(fill_out)
    found, bad = budget.read_assumptions(d / "b2.xlsx")
    assert not bad and str(found["as_of"]) == "2027-03-31" and found["pay_award_pct"] == pytest.approx(0.025)
    assert found["grade_max"] == ((7, 30000.0),)


def test_the_blank_template_keeps_its_examples(tmp_path):
    template = budget.__file__.replace("budget.py", "kent_budget_planning.xlsx")
    found, bad = budget.read_assumptions(template)
    s = default_settings(found["as_of"])
    assert not bad and found["pay_award_pct"] == s.pay_award_pct and found["pension_rate"] == s.pension_rate
    code, out, err = run("recalc", template, "--as-of", str(found["as_of"]), "-o", tmp_path / "x.csv")
    assert code == 0, err
    assert "settings taken from the workbook's Assumptions" not in err
    assert "the pay award 3.0% is an EXAMPLE" in err and "pension rate 20.0% is an EXAMPLE" in err


def test_a_cell_that_cannot_be_read_is_named_and_not_used(filled, tmp_path):
    d, _ = filled
    path = tmp_path / "typed.xlsx"
    shutil.copy(d / "b.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Assumptions"]
    row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").endswith("(PensionRate)"))
    ws.cell(row, 2).value = "18.5%"  # typed as text
    row = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").endswith("(LevyRate)"))
    ws.cell(row, 2).value = 5.0  # 500%: a percentage typed as a number
    wb.save(path)
    found, bad = budget.read_assumptions(path)
    assert "pension_rate" not in found and "levy_rate" not in found
    assert bad == ["PensionRate ('18.5%') is not a number", "LevyRate (5) is outside 0 to 1"]
