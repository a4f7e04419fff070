"""Employee ids typed two ways, with and without leading zeros (``0501`` and ``501``: Excel
drops a number's leading zeros when it opens a CSV). Ids are matched as text, so the two are
two employees: an award log judges each part against the limits alone, an absence record
splits the rolling year, a staff list does not find the record's absences. Nothing is
changed (they may be two people), but every command says so, naming the ids."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import run

from xl_kent.lists.problems import look_alike_ids


def _plain(ids, others=None):
    """The same by a plain loop over the ids (the reference)."""
    def number(s):
        return s.lstrip("0") or "0"

    def digits(values):
        return {str(v).strip() for v in values if v is not None and str(v).strip().isdigit()}

    mine = digits(ids)
    if others is None:
        groups: dict[str, set[str]] = {}
        for s in mine:
            groups.setdefault(number(s), set()).add(s)
        return sorted(" and ".join(sorted(g)) for g in groups.values() if len(g) > 1)
    theirs = digits(others)
    return sorted(s for s in mine if s not in theirs and any(number(t) == number(s) for t in theirs))


_ID = st.one_of(st.from_regex(r"\A0{0,3}[0-9]{1,3}\Z"), st.sampled_from(["E1", "e1", "", " 07 ", None, "0"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(_ID, max_size=30), st.lists(_ID, max_size=30))
def test_the_ids_typed_two_ways_are_those_of_a_plain_loop(ids, others):
    count, shown = look_alike_ids(ids, limit=10_000)
    want = _plain(ids)
    assert count == len(want) and sorted(shown) == want
    count, shown = look_alike_ids(ids, others=others, limit=10_000)
    want = _plain(ids, others)
    assert count == len(want) and sorted(s.split(" (and ")[0] for s in shown) == want


def test_awards_names_an_employee_typed_two_ways(tmp_path):
    src = tmp_path / "awards.csv"
    src.write_text("Employee ID,Date paid,Amount\n0501,01/05/2026,400\n501,01/07/2026,400\nE7,01/07/2026,50\n",
                   encoding="utf-8")
    code, out, err = run("awards", src, "-o", tmp_path / "out.csv")
    assert code == 0, err
    assert "the award log has 1 employee id(s) typed two ways, with and without leading zeros (0501 and 501)" in err
    assert "judged against the limits alone" in err
    summary = (tmp_path / "out.summary.csv").read_text(encoding="utf-8-sig")
    assert "(0501 and 501)" in summary  # (a note of the Summary too)
    code, _, err = run("fill", "awards", "--log", src, "-o", tmp_path / "filled.xlsx")  # the same lines
    assert code == 0 and "the award log has 1 employee id(s) typed two ways" in err, err
    src.write_text("Employee ID,Date paid,Amount\n0501,01/05/2026,400\n0501,01/07/2026,400\n", encoding="utf-8")
    code, _, err = run("awards", src, "-o", tmp_path / "out2.csv")
    assert "leading zeros" not in err


def test_absences_and_recalc_name_the_ids_typed_two_ways(tmp_path):
    rec = tmp_path / "abs.csv"
    rec.write_text("Employee,First day,Last day,Service start,Annual salary\n"
                   "0501,01/05/2026,10/05/2026,01/01/2018,36500\n"
                   "501,01/07/2026,20/07/2026,01/01/2018,36500\n"
                   "0777,01/07/2026,20/07/2026,05/01/2020,24000\n", encoding="utf-8")
    code, _, err = run("absences", rec, "-o", tmp_path / "a.csv")
    assert code == 0, err
    assert "the absence record has 1 employee id(s) typed two ways, with and without leading zeros (0501 and 501)" \
        in err
    staff = tmp_path / "staff.csv"
    staff.write_text("Employee ID,Grade,Annual salary,Date of birth,Continuous service date\n"
                     "501,KR7,36500,01/01/1980,01/01/2018\n777,KR6,24000,06/06/1995,05/01/2020\n", encoding="utf-8")
    code, _, err = run("recalc", staff, "--as-of", "31/03/2027", "--absence-start", "01/11/2026", "--absences", rec,
                       "--pension-rate", "18.5", "--pay-award", "2.5", "-o", tmp_path / "r.csv")
    assert code == 0, err
    assert "(0501 and 501)" in err  # within the record
    assert ("2 employee id(s) of the absence record are a staff list id typed with or without leading zeros "
            "(0501 (and 501); 0777 (and 777)") in err
