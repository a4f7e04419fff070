"""xl_kent.frame: the bulk commands' work over pandas and polars DataFrames = the commands on a CSV file."""

from __future__ import annotations

import datetime as dt
import io
from contextlib import redirect_stderr
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_kent import frame
from xl_kent.files.reading import read_table
from xl_kent.files.writing import Sheet, csv_column, write_csv
from xl_kent.lists import synth
from xl_kent.lists.fields import ColumnError as CommandColumnError
from xl_kent_cli.cli import main

AS_OF = synth.SAMPLE_AS_OF
LIBRARIES = ["pandas", "polars"]


@pytest.fixture(params=LIBRARIES)
def lib(request):
    pytest.importorskip(request.param)
    return request.param


# ---------------------------------------------------------------- helpers


def _mixed(c: np.ndarray) -> bool:
    return c.dtype == object and len(set(map(type, c.tolist())) - {type(None)}) > 1


def _as_text(c: np.ndarray) -> np.ndarray:
    out = np.array(csv_column(c), dtype=object)
    out[out == ""] = None
    return out


def make_frame(headers, columns, lib: str):
    """A DataFrame of ``lib`` holding typed columns: pandas keeps a column of numbers and text
    ("TBC") as its object cells; polars, which has no such column, holds it as text."""
    if lib == "pandas":
        import pandas as pd

        return pd.DataFrame({h: c for h, c in zip(headers, columns, strict=True)})
    import polars as pl

    return pl.DataFrame([pl.Series(h, (_as_text(c) if _mixed(c) else c).tolist(), strict=False)
                         if c.dtype == object else pl.Series(h, c) for h, c in zip(headers, columns, strict=True)])


def frame_type(lib: str):
    if lib == "pandas":
        import pandas as pd

        return pd.DataFrame
    import polars as pl

    return pl.DataFrame


def names(df, lib: str) -> list[str]:
    return [str(c) for c in df.columns]


def column(df, k: int, lib: str) -> list:
    """Column ``k`` as Python cells (None for NaN, NaT and nulls)."""
    if lib == "pandas":
        import pandas as pd

        values = df.iloc[:, k].tolist()
        return [None if (not isinstance(v, str) and pd.isna(v)) else v.to_pydatetime()
                if isinstance(v, pd.Timestamp) else v for v in values]
    values = df.to_series(k).to_list()
    return [None if isinstance(v, float) and v != v else v for v in values]


def texts(values: list) -> list[str]:
    """Cells as the CSV writer writes them (NaN = blank)."""
    return csv_column(np.array(values + [None], dtype=object))[:-1]  # (a trailing None keeps it an object array)


def write(path: Path, sample: synth.Sample) -> Path:
    """The sample as a CSV file, each cell as the CSV writer writes it (TRUE for True)."""
    write_csv(path, Sheet("Sample", sample.headers, sample.columns))
    return path


def run_cli(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(args)
    return code, err.getvalue()


def read_output(out: Path):
    """The three CSVs of a command: (headers, columns of text) of the main sheet, of Errors, and Summary pairs."""
    main_t = read_table(out)
    errors = read_table(out.with_name(out.stem + ".errors.csv"))
    summary = read_table(out.with_name(out.stem + ".summary.csv"))
    return main_t, errors, summary


def cli_texts(col: np.ndarray) -> list[str]:
    return ["" if v is None else v for v in col.tolist()]


def _uk(text: str) -> str:
    """An ISO date's text as the Errors sheet shows a date cell (31/03/2027)."""
    try:
        return dt.date.fromisoformat(text).strftime("%d/%m/%Y") if len(text) == 10 else text
    except ValueError:
        return text


def assert_same_as_cli(result: frame.Result, out: Path, code: int, lib: str):
    """The figures, problems, summary and exit code are the command's, column by column."""
    t, errors, summary = read_output(out)
    assert result.exit_code == code
    assert isinstance(result.figures, frame_type(lib)) and isinstance(result.problems, frame_type(lib))
    assert names(result.figures, lib) == t.headers
    for k, h in enumerate(t.headers):
        assert texts(column(result.figures, k, lib)) == cli_texts(t.columns[k]), h
    assert names(result.problems, lib) == errors.headers == list(frame.PROBLEM_COLUMNS)
    if errors.n_rows:
        for k, h in enumerate(errors.headers):
            want, got = cli_texts(errors.columns[k]), texts(column(result.problems, k, lib))
            if h == "value":  # a CSV cell is its text; a DataFrame's date cell is shown as a workbook's date is
                want, got = [_uk(v) for v in want], [_uk(v) for v in got]
            assert got == want, h
    else:
        assert len(result.problems) == 0
    keep = [str(out.parent) not in v for v in cli_texts(summary.columns[1])]  # not the items naming input files
    items = [kv for kv, k in zip(result.summary, keep, strict=True) if k]
    want = [(k, v) for k, v, x in zip(cli_texts(summary.columns[0]), cli_texts(summary.columns[1]), keep,
                                      strict=True) if x]
    assert [k for k, _ in items] == [k for k, _ in want]
    assert texts([v for _, v in items]) == [v for _, v in want]


# ---------------------------------------------------------------- the commands' own results


def test_recalc_is_the_command_on_the_same_list_written_to_csv(lib, tmp_path):
    s = synth.staff_sample(300, 12, seed=3)
    src = write(tmp_path / "staff.csv", s)
    out = tmp_path / "staff.recalc.csv"
    code, _ = run_cli(["recalc", str(src), "--as-of", "31/03/2027", "--pay-award", "2.5", "--pension-rate", "19",
                       "--absence-days", "60", "--grade-max", "KR7=30000,KR9=38000", "-o", str(out)])
    df = make_frame(s.headers, s.columns, lib)
    r = frame.recalc(df, "31/03/2027", pay_award_pct=0.025, pension_rate=0.19, absence_days=60,
                     grade_max={7: 30000, 9: 38000})
    assert code == 1 and len(r.figures) == len(df) == 300
    assert_same_as_cli(r, out, code, lib)
    assert len(r.problems) > 0 and set(column(r.problems, 0, lib)) >= {k + 2 for k in s.manifest.bad_rows}


def test_recalc_without_how_and_read_by_the_library_from_the_csv(lib, tmp_path):
    """A CSV read by pandas or polars (their own typing: ids as integers, dates as text) gives the
    command's figures for that CSV."""
    s = synth.staff_sample(150, 6, seed=11)
    src = write(tmp_path / "staff.csv", s)
    out = tmp_path / "out.csv"
    code, _ = run_cli(["recalc", str(src), "--as-of", "2027-03-31", "--no-how", "-o", str(out)])
    if lib == "pandas":
        import pandas as pd

        df = pd.read_csv(src)
    else:
        import polars as pl

        df = pl.read_csv(src, infer_schema_length=None)
    r = frame.recalc(df, np.datetime64("2027-03-31"), how=False)
    assert not any(h.endswith("_how") for h in names(r.figures, lib))
    assert_same_as_cli(r, out, code, lib)


def test_awards_is_the_command(lib, tmp_path):
    s = synth.staff_sample(200, 0, seed=2)
    a = synth.award_sample(s.columns[0], 120, seed=2)
    src = write(tmp_path / "awards.csv", a)
    out = tmp_path / "awards.checked.csv"
    code, _ = run_cli(["awards", str(src), "-o", str(out)])
    r = frame.awards(make_frame(a.headers, a.columns, lib))
    assert code == 1 and names(r.figures, lib)[-1] == "how"
    assert_same_as_cli(r, out, code, lib)


def test_absences_is_the_command_with_and_without_as_of(lib, tmp_path):
    s = synth.staff_sample(300, 0, seed=4)
    a = synth.absence_sample(s, 200, seed=4)
    src = write(tmp_path / "absences.csv", a)
    for as_of in (None, "2027-03-31"):
        out = tmp_path / f"sickpay{as_of is None}.csv"
        code, _ = run_cli(["absences", str(src), "-o", str(out), *(["--as-of", as_of] if as_of else [])])
        r = frame.absences(make_frame(a.headers, a.columns, lib), as_of=as_of)
        assert ("as_of_full_pay_days_left" in names(r.figures, lib)) == (as_of is not None)
        assert_same_as_cli(r, out, code, lib)


def test_recalc_with_an_absence_record_is_the_command_with_absences(lib, tmp_path):
    s = synth.staff_sample(250, 5, seed=6)
    a = synth.absence_sample(s, 150, seed=6)
    staff_csv, record_csv = write(tmp_path / "staff.csv", s), write(tmp_path / "absences.csv", a)
    out = tmp_path / "staff.recalc.csv"
    code, _ = run_cli(["recalc", str(staff_csv), "--as-of", "31/03/2027", "--absences", str(record_csv),
                       "-o", str(out)])
    r = frame.recalc(make_frame(s.headers, s.columns, lib), AS_OF, absences=make_frame(a.headers, a.columns, lib))
    assert_same_as_cli(r, out, code, lib)


def test_user_headers_by_name_and_by_columns_as_map(lib, tmp_path):
    headers = ["Emp No", "Grade", "Pay", "DOB", "CSD", "Notes"]
    columns = [np.array(["1001", "1002", "1003"], dtype=object), np.array(["KR6", "KR9", "KR6"], dtype=object),
               np.array([30000.0, 41000.0, 25000.0]),
               np.array(["1980-02-01", "1975-06-30", "1999-01-01"], dtype="datetime64[D]"),
               np.array(["2010-04-01", "2001-09-01", "2024-01-01"], dtype="datetime64[D]"),
               np.array(["a", None, "c"], dtype=object)]
    src = tmp_path / "staff.csv"
    write_csv(src, Sheet("Staff", headers, columns))
    out = tmp_path / "out.csv"
    code, _ = run_cli(["recalc", str(src), "--as-of", "2027-03-31", "--map", "Pay=annual_salary", "-o", str(out)])
    df = make_frame(headers, columns, lib)
    r = frame.recalc(df, "2027-03-31", columns={"Pay": "annual_salary"})
    assert code == 0 and r.exit_code == 0
    assert_same_as_cli(r, out, code, lib)
    assert ("column: 'Pay'", "read as annual_salary (--map)") in r.summary
    assert ("column: 'Emp No'", "read as employee_id") in r.summary  # an alias, by name
    # the carried columns are the user's own, with their own types
    assert column(r.figures, 2, lib) == [30000.0, 41000.0, 25000.0]
    assert column(r.figures, 5, lib) == ["a", None, "c"]
    with pytest.raises(frame.ColumnError, match="is not a column name"):
        frame.recalc(df, "2027-03-31", columns={"Pay": "wages"})


# ---------------------------------------------------------------- bad cells and bad columns


def test_a_bad_cell_is_a_problem_row_not_an_exception(lib):
    headers = ["Employee ID", "Grade", "Annual Salary", "Date of Birth", "Continuous Service Date"]
    salary = np.array([30000.0, "TBC", None, float("inf")], dtype=object)
    columns = [np.array([1.0, 2.0, 3.0, 4.0]), np.array(["KR6", "KR6", "KR99", "KR6"], dtype=object), salary,
               np.array(["1980-01-01", "1980-01-01", "1980-01-01", "1890-01-01"], dtype="datetime64[D]"),
               np.array(["2010-01-01", "2010-01-01", "NaT", "2010-01-01"], dtype="datetime64[D]")]
    r = frame.recalc(make_frame(headers, columns, lib), AS_OF)
    status = column(r.figures, names(r.figures, lib).index("status"), lib)
    assert len(status) == 4 and status[0] == "OK"
    assert status[1] == "annual_salary is not a number"
    assert "annual_salary is blank" in status[2] and "service_start is blank" in status[2]
    assert "annual_salary" in status[3]  # an infinity (polars: a text column, "#NUM!" as the CSV writer writes it)
    rows = column(r.problems, 0, lib)
    assert sorted(set(rows)) == [3, 4, 5]  # header row 1, first data row 2
    reasons = column(r.problems, 4, lib)
    assert ("annual_salary is not a number" in reasons) and r.exit_code == 1
    values = column(r.problems, 3, lib)
    assert values[rows.index(3)] == "TBC"


def test_an_infinity_is_not_a_number_as_in_a_csv_file(lib):
    headers = ["Employee ID", "Grade", "Annual Salary", "Date of Birth", "Continuous Service Date"]
    columns = [np.array(["E1", "E2"], dtype=object), np.array(["KR6", "KR6"], dtype=object),
               np.array([np.inf, np.nan]), np.array(["1980-01-01"] * 2, dtype="datetime64[D]"),
               np.array(["2010-01-01"] * 2, dtype="datetime64[D]")]
    r = frame.recalc(make_frame(headers, columns, lib), AS_OF)
    assert column(r.figures, names(r.figures, lib).index("status"), lib) == ["annual_salary is not a number",
                                                                              "annual_salary is blank"]
    assert column(r.problems, 3, lib) == ["inf", None]


def test_pandas_columns_come_back_with_their_own_dtypes_and_index():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"Employee ID": pd.array([1001, None, 1003], dtype="Int64"),
                       "Grade": pd.Categorical(["KR6", "KR6", "KR9"]),
                       "Annual Salary": [30000, 25000, 41000],
                       "Date of Birth": pd.to_datetime(["1980-01-01", "1981-01-01", "1970-05-05"]),
                       "Continuous Service Date": ["01/04/2010", "01/04/2012", "01/09/2001"]},
                      index=pd.Index(["a", "b", "c"], name="key"))
    r = frame.recalc(df, AS_OF, how=False)
    assert list(r.figures.index) == ["a", "b", "c"] and r.figures.index.name == "key"
    for h in df.columns:
        assert r.figures[h].dtype == df[h].dtype, h
    assert r.figures["status"].tolist() == ["OK", "employee_id is blank", "OK"]
    assert r.problems["row"].tolist() == [3]


def test_a_polars_object_column_is_read_as_its_cells():
    pl = pytest.importorskip("polars")
    salary = pl.Series("Annual Salary", np.array([30000.0, "TBC", None], dtype=object), dtype=pl.Object)
    df = pl.DataFrame([pl.Series("Employee ID", ["E1", "E2", "E3"]), pl.Series("Grade", ["KR6"] * 3), salary,
                       pl.Series("Date of Birth", [dt.date(1980, 1, 1)] * 3),
                       pl.Series("Continuous Service Date", [dt.date(2010, 1, 1)] * 3)])
    r = frame.recalc(df, AS_OF, how=False)
    assert r.figures["status"].to_list() == ["OK", "annual_salary is not a number", "annual_salary is blank"]
    assert r.figures["Annual Salary"].dtype == pl.Object and r.figures["Annual Salary"].to_list()[1] == "TBC"
    assert r.figures["pay_cost_gbp"].to_list()[0] > 0


def test_a_missing_required_column_raises_the_commands_column_error(lib, tmp_path):
    headers = ["Employee ID", "Grade", "Date of Birth"]
    columns = [np.array(["E1"], dtype=object), np.array(["KR6"], dtype=object),
               np.array(["1980-01-01"], dtype="datetime64[D]")]
    src = tmp_path / "staff.csv"
    write_csv(src, Sheet("Staff", headers, columns))
    code, err = run_cli(["recalc", str(src), "--as-of", "2027-03-31", "-o", str(tmp_path / "o.csv")])
    assert code == 2
    with pytest.raises(frame.ColumnError) as e:
        frame.recalc(make_frame(headers, columns, lib), AS_OF)
    assert isinstance(e.value, ValueError) and isinstance(e.value, CommandColumnError)
    assert err.strip() == f"xl-kent recalc: error: {e.value}"
    with pytest.raises(frame.ColumnError, match="missing required columns"):
        frame.awards(make_frame(["Employee ID"], [np.array(["E1"], dtype=object)], lib))
    with pytest.raises(frame.ColumnError, match="missing required columns"):
        frame.absences(make_frame(["Employee ID"], [np.array(["E1"], dtype=object)], lib))


def test_two_columns_read_as_one_field_raise(lib):
    headers = ["Employee ID", "Emp No", "Grade", "Annual Salary", "DOB", "CSD"]
    columns = [np.array([x], dtype=object) for x in ("E1", "E2", "KR6", 30000.0, "1980-01-01", "2010-01-01")]
    with pytest.raises(frame.ColumnError, match="are all read as employee_id"):
        frame.recalc(make_frame(headers, columns, lib), AS_OF)


def test_settings_are_checked_as_the_command_checks_its_options(lib):
    df = make_frame(["Employee ID"], [np.array(["E1"], dtype=object)], lib)
    with pytest.raises(ValueError, match="fraction"):
        frame.recalc(df, AS_OF, pay_award_pct=3.5)  # 350%: the command refuses over 100%
    with pytest.raises(ValueError, match="calendar days"):
        frame.recalc(df, AS_OF, absence_days=0)
    with pytest.raises(ValueError, match="choose a later date"):
        frame.recalc(df, "1990-01-01")
    with pytest.raises(ValueError, match="not a date"):
        frame.recalc(df, "04/13/2027")  # never US month/day
    with pytest.raises(TypeError, match="pension"):
        frame.recalc(df, AS_OF, pension=0.2)
    with pytest.raises(ValueError, match="no data rows"):
        frame.recalc(make_frame(["Employee ID"], [np.array([], dtype=object)], lib), AS_OF)


# ---------------------------------------------------------------- figures by hand (the policy)


def test_sick_pay_of_one_absence_by_hand(lib):
    """36,500 a year is 100.00 a day (J.2: a month is a twelfth of the salary, 365/12 days): 10 days of
    full pay are £1,000.00 (11 years' service: 6 months full pay). The SSP inside it, from 6 April 2026
    from day 1, is 10 days at £123.25 / 7 = £176.07."""
    headers = ["Employee ID", "First day", "Last day", "Service start", "Annual salary"]
    columns = [np.array(["E1"], dtype=object), np.array(["2026-06-01"], dtype="datetime64[D]"),
               np.array(["2026-06-10"], dtype="datetime64[D]"), np.array(["2015-04-01"], dtype="datetime64[D]"),
               np.array([36500.0])]
    r = frame.absences(make_frame(headers, columns, lib))
    got = {h: column(r.figures, k, lib)[0] for k, h in enumerate(names(r.figures, lib))}
    assert got["calendar_days"] == 10 and got["full_pay_days"] == 10 and got["half_pay_days"] == 0
    assert got["pay_gbp"] == 1000.0
    assert got["ssp_gbp"] == pytest.approx(176.07, abs=0.006)
    assert got["status"] == "OK" and r.exit_code == 0


def test_an_award_over_the_limit_by_hand(lib):
    """Cash awards policy: an individual award over £500 is outside the scheme; two more of £300 make
    the employee's 12 months £1,100 (over £1,000): the last one is outside too."""
    headers = ["Employee ID", "Award Date", "Amount"]
    columns = [np.array(["E1", "E2", "E2", "E2"], dtype=object),
               np.array(["2026-05-01", "2026-05-01", "2026-06-01", "2026-07-01"], dtype="datetime64[D]"),
               np.array([600.0, 500.0, 300.0, 300.0])]
    r = frame.awards(make_frame(headers, columns, lib), how=False)
    k = names(r.figures, lib)
    assert column(r.figures, k.index("award_ok"), lib) == [False, True, True, False]
    assert column(r.figures, k.index("rolling_12_month_total_gbp"), lib)[1:] == [500.0, 800.0, 1100.0]
    assert r.exit_code == 1
    assert dict(r.summary)["awards outside the scheme"] == 2


# ---------------------------------------------------------------- libraries, sample data, any cells


def test_pyarrow_in_pyarrow_out_and_same_figures_as_pandas_and_polars():
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    s = synth.staff_sample(120, 4, seed=9)
    cols = [_as_text(c) if _mixed(c) else c for c in s.columns]
    at = pa.table({h: c for h, c in zip(s.headers, cols, strict=True)})
    ra = frame.recalc(at, AS_OF)
    rp = frame.recalc(pd.DataFrame({h: c for h, c in zip(s.headers, cols, strict=True)}), AS_OF)
    rl = frame.recalc(pl.from_arrow(at), AS_OF)
    assert isinstance(ra.figures, pa.Table) and isinstance(ra.problems, pa.Table)
    for k, h in enumerate(ra.figures.column_names):
        want = texts([None if isinstance(v, float) and v != v else v for v in ra.figures.column(k).to_pylist()])
        assert texts(column(rp.figures, k, "pandas")) == want, h
        assert texts(column(rl.figures, k, "polars")) == want, h
    assert ra.problems.to_pylist() == rl.problems.to_dicts()
    def items(r):
        return [kv for kv in r.summary if kv[0] != "input file"]

    assert items(ra) == items(rp) == items(rl) and ra.exit_code == rp.exit_code == rl.exit_code
    sf = rl.summary_frame()
    assert isinstance(sf, pl.DataFrame) and sf.columns == ["item", "value"] and sf.height == len(rl.summary)


def test_the_sample_data_as_input(lib):
    """The `sample` command's list (a few bad rows on purpose) and its award log: every bad row has a
    problem, every other row is OK, and the awards are judged."""
    s = synth.staff_sample(400, 20, seed=0)
    r = frame.recalc(make_frame(s.headers, s.columns, lib), AS_OF)
    status = column(r.figures, names(r.figures, lib).index("status"), lib)
    bad = set(s.manifest.bad_rows)
    assert len(status) == 400
    assert all(status[k] != "OK" for k in bad)
    assert all(status[k] == "OK" for k in range(400) if k not in bad)
    a = synth.award_sample(s.columns[0], 100, seed=0)
    ra = frame.awards(make_frame(a.headers, a.columns, lib))
    assert len(ra.figures) == 100 and dict(ra.summary)["rows judged"] == 100


_CELL = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6),
                  st.sampled_from(["KR6", "KR99", "TBC", "#N/A", "01/04/2010", "2010-04-01", "31/02/2010", "yes"]),
                  st.integers(-(2**62), 2**62), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), st.booleans())
_STAFF = ["Employee ID", "Grade", "Annual Salary", "Date of Birth", "Continuous Service Date", "Weekly Hours",
          "End Date", "At Risk"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 6).flatmap(lambda n: st.lists(st.lists(_CELL, min_size=n, max_size=n),
                                                    min_size=len(_STAFF), max_size=len(_STAFF))),
       st.sampled_from(LIBRARIES))
def test_any_cells_give_a_row_each_and_never_raise(cols, lib):
    """Any cells (one kind per column, as a DataFrame holds them) give one output row per input row,
    a status per row, and a problem line for every row whose status is not OK."""
    pytest.importorskip(lib)
    arrays = []
    for c in cols:
        kinds = {type(v) for v in c if v is not None}
        if len(kinds) > 1:  # a DataFrame column holds one kind: mixed cells as text
            c = [None if v is None else str(v) for v in c]
        arrays.append(np.array(c + [None], dtype=object)[:-1])
    df = make_frame(_STAFF, arrays, lib)
    n = len(cols[0])
    r = frame.recalc(df, AS_OF)
    assert len(r.figures) == n and r.exit_code in (0, 1)
    status = column(r.figures, names(r.figures, lib).index("status"), lib)
    bad_rows = {k + 2 for k, v in enumerate(status) if v not in ("OK", "row is blank")}  # a blank row is kept
    assert set(column(r.problems, 0, lib)) == bad_rows
    assert r.exit_code == (1 if bad_rows else 0)
    for f in (frame.awards, frame.absences):  # the same columns read as the other lists: never a traceback
        try:
            got = f(df)
        except frame.ColumnError:
            continue
        assert len(got.figures) == n


# ---------------------------------------------------------------- pandas cells as they are (not as Arrow makes them)

_ONE_STAFF = {"Grade": "KR6", "Annual Salary": 30000.0, "Date of Birth": "1980-02-01",
          "Continuous Service Date": "2010-04-01"}
_KW = dict(pay_award_pct=0.03, pension_rate=0.2, how=False)


def _cli_on_csv(df, tmp_path):
    """``xl-kent recalc`` on ``df.to_csv`` (the same data as a user's file): its status column."""
    src, out = tmp_path / "staff.csv", tmp_path / "staff.recalc.csv"
    df.to_csv(src, index=False)
    with redirect_stderr(io.StringIO()):
        main(["recalc", str(src), "--as-of", "31/03/2027", "--pay-award", "3", "--pension-rate", "20",
              "--no-how", "-o", str(out)])
    t = read_table(out)
    return t.columns[t.headers.index("status")].tolist()


def test_a_true_among_numbers_is_not_a_number_as_in_the_csv(tmp_path):
    """An object column of floats and a True: Arrow alone reads the True as 1.0 (1 day taken,
    1 hour a week), silently; it is "not a number", as the command says of the same file."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"Employee ID": ["E1", "E2"], **_ONE_STAFF,
                       "Weekly Hours": pd.Series([18.5, True], dtype=object),
                       "Leave Taken (days)": pd.Series([5.0, True], dtype=object)})
    r = frame.recalc(df, "31/03/2027", **_KW)
    assert r.figures["status"].tolist()[1] == "weekly_hours is not a number; leave_taken_days is not a number"
    assert r.figures["status"].tolist() == _cli_on_csv(df, tmp_path)
    assert r.figures["fte"].tolist()[0] == 0.5 and r.exit_code == 1


def test_aware_datetimes_of_several_offsets_keep_each_its_own_day():
    """One object column of datetimes with different UTC offsets (GMT and BST): each is its own
    wall-clock day, as when it is alone (Arrow would move them all into the first one's zone)."""
    pd = pytest.importorskip("pandas")
    ends = pd.Series([dt.datetime.fromisoformat("2026-12-31T00:00+00:00"),
                      dt.datetime.fromisoformat("2027-03-31T00:00+01:00")], dtype=object)
    df = pd.DataFrame({"Employee ID": ["E1", "E2"], **_ONE_STAFF, "End Date": ends})
    both = frame.recalc(df, "31/03/2027", **_KW).figures
    alone = frame.recalc(df.iloc[1:], "31/03/2027", **_KW).figures
    cols = ["in_post_on_as_of", "year_share", "pay_cost_gbp", "status"]
    assert both.loc[1, cols].tolist() == alone.loc[1, cols].tolist()
    assert bool(both.loc[1, "in_post_on_as_of"]) and not bool(both.loc[0, "in_post_on_as_of"])


@pytest.mark.parametrize("ids", [[2**53, 2**53 + 1], [-(2**53) - 1, -(2**53) - 2], "decimal"])
def test_whole_numbers_beyond_two_to_the_53_are_their_digits(ids, tmp_path):
    """Ids beyond 2**53 are read as their digits (two ids, not one float shared), as from a CSV file."""
    pd = pytest.importorskip("pandas")
    import decimal

    if ids == "decimal":
        ids = [decimal.Decimal("12345678901234567890"), decimal.Decimal("12345678901234567891")]
    df = pd.DataFrame({"Employee ID": ids, **_ONE_STAFF})
    r = frame.recalc(df, "31/03/2027", **_KW)
    assert r.figures["status"].tolist() == ["OK", "OK"] == _cli_on_csv(df, tmp_path)
    assert frame._cells(pa.array([2**53 + 1, 3])).tolist() == [str(2**53 + 1), 3.0]


def test_a_number_as_the_as_of_date_is_an_excel_serial_as_for_the_command():
    staff = pa.table({"Employee ID": ["E1"], **{k: [v] for k, v in _ONE_STAFF.items()}})
    r = frame.recalc(staff, 46477, **_KW)  # --as-of 46477: 31/03/2027
    assert r.summary == frame.recalc(staff, "31/03/2027", **_KW).summary
    with pytest.raises(ValueError, match="not a date"):
        frame.recalc(staff, True, **_KW)


def test_period_columns_are_days_or_not_dates():
    """A daily Period is its day; a month's Period is not a date (Arrow would give its ordinal number)."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"Employee ID": ["E1", "E2"], **_ONE_STAFF})
    df["Date of Birth"] = pd.period_range("1980-02-01", periods=2, freq="D")
    r = frame.recalc(df, "31/03/2027", **_KW)
    want = frame.recalc(df.assign(**{"Date of Birth": ["1980-02-01", "1980-02-02"]}), "31/03/2027", **_KW)
    assert r.figures["status"].tolist() == ["OK", "OK"]
    assert r.figures["age_years"].tolist() == want.figures["age_years"].tolist()
    df["Date of Birth"] = pd.period_range("1980-02", periods=2, freq="M")
    assert frame.recalc(df, "31/03/2027", **_KW).figures["status"].tolist() == ["date_of_birth is not a date"] * 2


def test_pandas_column_names_come_back_as_given():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({0: ["E1"], " Grade ": ["KR6"], 2: [30000.0], 3: ["1980-02-01"], 4: ["2010-04-01"]})
    r = frame.recalc(df, "31/03/2027", columns={"0": "employee_id", "2": "annual_salary", "3": "date_of_birth",
                                                "4": "service_start"}, **_KW)
    assert list(r.figures.columns[:5]) == [0, " Grade ", 2, 3, 4]
    assert r.figures[0].tolist() == ["E1"] and r.figures["status"].tolist() == ["OK"]


def test_float32_is_the_number_written_and_a_duration_is_not_a_number(tmp_path):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"Employee ID": ["E1"], **_ONE_STAFF, "Weekly Hours": np.array([22.2], np.float32)})
    r = frame.recalc(df, "31/03/2027", pay_award_pct=0.03, pension_rate=0.2)
    assert "x 22.2 / 37 hours a week" in r.figures["leave_how"].tolist()[0]
    assert frame._cells(pa.array(np.array([22.2, np.nan], np.float32))).tolist() == [22.2, None]
    df["Weekly Hours"] = pd.to_timedelta([20], unit="s")
    assert frame.recalc(df, "31/03/2027", **_KW).figures["status"].tolist() == ["weekly_hours is not a number"]


def test_a_polars_type_pyarrow_cannot_take_is_read_by_its_cells():
    pl = pytest.importorskip("polars")
    try:
        ids = pl.Series("Employee ID", [1, 2**100], dtype=pl.Int128)
    except (AttributeError, TypeError, OverflowError):
        pytest.skip("this polars has no Int128")
    df = pl.DataFrame([ids, *[pl.Series(k, [v, v]) for k, v in _ONE_STAFF.items()]])
    r = frame.recalc(df, "31/03/2027", **_KW)
    assert r.figures["status"].to_list() == ["OK", "OK"] and r.exit_code == 0


def test_the_command_reads_pandas_own_csv_of_aware_datetimes_as_the_frame_does(tmp_path):
    """pandas writes an aware datetime with its offset ("2027-03-31 00:00:00+01:00"): the command
    reads the day written, the frame the wall-clock day: the same."""
    pd = pytest.importorskip("pandas")
    ends = pd.to_datetime(["2026-12-31", "2027-03-31"]).tz_localize("Europe/London")
    df = pd.DataFrame({"Employee ID": ["E1", "E2"], **_ONE_STAFF, "End Date": ends})
    r = frame.recalc(df, "31/03/2027", **_KW)
    assert r.figures["status"].tolist() == ["OK", "OK"] == _cli_on_csv(df, tmp_path)
    assert "+01:00" in (tmp_path / "staff.csv").read_text(encoding="utf-8")


def test_us_dates_and_a_header_repeated_in_another_order_are_refused_as_in_a_file():
    """The whole-list checks of a file's cells apply to a DataFrame too (one path): a date
    column written month/day, and a header row pasted below in another column order."""
    pd = pytest.importorskip("pandas")
    staff = {**_ONE_STAFF, "Date of Birth": ["1/13/1980", "2/14/1981", "1/6/1963"]}
    df = pd.DataFrame({"Employee ID": ["E1", "E2", "E3"], **staff})
    with pytest.raises(frame.ColumnError, match=r"is written month/day \(US\)"):
        frame.recalc(df, "31/03/2027", **_KW)
    df = pd.DataFrame({"Employee ID": ["E1", "Employee ID", "E3"], "Grade": ["KR6", "Annual Salary", "KR6"],
                       "Annual Salary": [30000.0, "Grade", 30000.0],
                       "Date of Birth": ["1980-02-01", "Date of Birth", "1980-02-01"],
                       "Continuous Service Date": ["2010-04-01", "Continuous Service Date", "2010-04-01"]})
    with pytest.raises(frame.ColumnError, match="repeats the header with the columns in another order"):
        frame.recalc(df, "31/03/2027", **_KW)
    df.loc[1, ["Grade", "Annual Salary"]] = ["Grade", "Annual Salary"]  # the header's own order: a problem row
    assert frame.recalc(df, "31/03/2027", **_KW).figures["status"].tolist()[1] != "OK"
