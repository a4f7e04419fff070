"""The command line end to end: files in, files out, exit codes, messages, nothing lost."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xl_kent.files.reading import read_table
from xl_kent.leave import leave_accrual
from xl_kent.lists import synth
from xl_kent.lists.figures import default_settings
from xl_kent.redundancy import redundancy_weeks
from xl_kent_cli import cli, recalc
from xl_kent_cli.demo import demo

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2027-03-31"


def run(*argv) -> tuple[int, str, str]:
    """``xl-kent ARGV`` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as e:  # argparse usage errors
        code = e.code
    finally:
        sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def subprocess_run(*argv, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "xl_kent_cli", *map(str, argv)], capture_output=True, text=True,
                          timeout=180, cwd=cwd or ROOT, env=env)


def same_cell(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b


def assert_rows_kept(src: Path, result: Path):
    """Every input row appears once, in order, with its own columns unchanged."""
    before, after = read_table(src), read_table(result)
    assert after.n_rows == before.n_rows
    assert after.headers[: len(before.headers)] == before.headers
    for a, b in zip(before.columns, after.columns, strict=False):
        bad = [i for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)) if not same_cell(x, y)]
        assert not bad, (bad[:5], a[bad[:5]], b[bad[:5]])
    return before, after


@pytest.fixture(scope="module")
def staff_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("staff")
    paths = {}
    for ext in ("xlsx", "csv"):
        code, out, err = run("sample", "--rows", 600, "--bad", 12, "--seed", 3, "-o", d / f"staff.{ext}",
                             "--awards", d / f"awards.{ext}")
        assert code == 0, err
        paths[ext] = d / f"staff.{ext}"
    return paths


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
def test_recalc_keeps_every_row_and_explains_the_bad_ones(staff_files, ext):
    src = staff_files[ext]
    code, out, err = run("recalc", src, "--as-of", "31/03/2027")
    assert code == 1, err
    result = src.with_name(f"staff.recalc.{ext}")
    before, after = assert_rows_kept(src, result)
    sample = synth.staff_sample(600, bad=12, seed=3)
    status = after.columns[after.headers.index("status")]
    assert np.flatnonzero(status != "OK").tolist() == sample.manifest.bad_rows
    errors = read_table(result, sheet="Errors") if ext == "xlsx" else read_table(
        result.with_name("staff.recalc.errors.csv"))
    rows = sorted({int(float(r)) - 2 for r in errors.columns[0]})
    assert rows == sample.manifest.bad_rows
    ids = sorted({int(float(i)) for i in errors.columns[1]})
    assert ids == sorted({i for v in sample.manifest.ids.values() for i in v})
    assert f"rows with problems: {len(sample.manifest.bad_rows)}" in out
    assert "have problems: see" in out and "exit code 1" in out
    summary = read_table(result, sheet="Summary") if ext == "xlsx" else read_table(
        result.with_name("staff.recalc.summary.csv"))
    items = dict(zip(summary.columns[0].tolist(), summary.columns[1].tolist(), strict=True))
    assert float(items["rows read"]) == 600 and float(items["rows OK"]) == 600 - len(sample.manifest.bad_rows)


def test_recalc_results_equal_the_core_on_the_rows_read(staff_files):
    src = staff_files["xlsx"]
    code, _, err = run("recalc", src, "--as-of", AS_OF, "-o", src.with_name("core.xlsx"))
    assert code == 1, err
    t = read_table(src.with_name("core.xlsx"))
    col = {h: t.columns[i] for i, h in enumerate(t.headers)}
    ok = (col["status"] == "OK") & (col["Contract"] == "Salaried")
    to_date = np.vectorize(lambda d: np.datetime64(d, "D") if d is not None else np.datetime64("NaT"),
                           otypes=["datetime64[D]"])
    service = to_date(col["Continuous Service Date"][ok])
    start = np.where(np.isnat(to_date(col["Start Date"][ok])), service, to_date(col["Start Date"][ok]))
    end = to_date(col["End Date"][ok])
    want = leave_accrual(col["Grade"][ok].astype(str), service, AS_OF, col["Weekly Hours"][ok].astype(float),
                         start, end, "hours").value
    np.testing.assert_array_equal(col["leave_accrued_hours"][ok].astype(float), want)
    in_post = ok & (col["in_post_on_as_of"] == True)  # noqa: E712
    age = col["age_years"][in_post].astype(float)
    years = col["service_years"][in_post].astype(float)
    mult = np.array([1.0 if m is None else m for m in col["Redundancy Multiplier"][in_post]])
    weeks = redundancy_weeks(age, years, mult, termination_date=AS_OF).weeks
    np.testing.assert_array_equal(col["redundancy_weeks"][in_post].astype(float), weeks)
    births = to_date(col["Date of Birth"][in_post])
    assert ((np.datetime64(AS_OF) - births).astype(int) // 366 <= age).all()


def test_good_list_exits_0(tmp_path):
    src = tmp_path / "good.xlsx"
    assert run("sample", "--rows", 300, "-o", src)[0] == 0
    code, out, _ = run("recalc", src, "--as-of", AS_OF)
    assert code == 0 and "rows with problems: 0" in out
    assert_rows_kept(src, tmp_path / "good.recalc.xlsx")


def write(path: Path, text: str, encoding="utf-8", newline="\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


CSV = """Employee ID,Grade,Annual Salary,Date of Birth,Continuous Service Date,Weekly Hours
E1,KR6,"£36,500",1980-05-01,01/04/2015,37
E2,kr 9,36500,01/05/1980,42095,18.5
E3,KR6,36500,29343,2015-04-01,
E4,KR6,36500,05/13/1980,2015-04-01,37
"""


def test_csv_with_bom_crlf_serial_iso_and_uk_dates(tmp_path):
    src = write(tmp_path / "staff.csv", CSV, "utf-8-sig", "\r\n")
    code, out, err = run("recalc", src, "--as-of", AS_OF)
    assert code == 1, err
    t = read_table(tmp_path / "staff.recalc.csv")
    status = t.columns[t.headers.index("status")].tolist()
    assert status == ["OK", "OK", "OK", "date_of_birth is not a date"]  # 05/13/1980 is a US date
    assert t.headers[0] == "Employee ID"  # the BOM is not part of the header
    age = t.columns[t.headers.index("age_years")].tolist()
    assert age[:3] == ["46", "46", "46"]
    errors = read_table(tmp_path / "staff.recalc.errors.csv")
    assert errors.columns[2].tolist() == ["Date of Birth"] and errors.columns[3].tolist() == ["05/13/1980"]
    assert errors.columns[0].tolist() == ["5"]  # the file's row number


def test_map_option_and_missing_column_message(tmp_path):
    src = write(tmp_path / "odd.csv", "Ref,Band,Pay,Born,Since\nE1,KR6,36500,1980-05-01,2015-04-01\n")
    code, _, err = run("recalc", src, "--as-of", AS_OF)
    assert code == 2 and not (tmp_path / "odd.recalc.csv").exists()
    line = err.strip()
    assert "\n" not in line and "missing required columns: employee_id" in line and "grade" in line
    assert "'Ref', 'Band', 'Pay', 'Born', 'Since'" in line
    code, out, err = run("recalc", src, "--as-of", AS_OF, "--map", "Ref=employee_id,Band=grade",
                         "--map", "Pay=annual_salary", "--map", "Born=date_of_birth", "--map", "Since=service_start")
    assert code == 0, err


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"Employee ID,Grade,Annual Salary,Date of Birth,Continuous Service Date\r\n", "no data rows"),
])
def test_empty_and_header_only_files_write_nothing(tmp_path, content, message):
    src = tmp_path / "staff.csv"
    src.write_bytes(content)
    code, _, err = run("recalc", src, "--as-of", AS_OF)
    assert code == 2 and message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["staff.csv"]


def test_corrupted_xlsx_writes_nothing(tmp_path, staff_files):
    data = staff_files["xlsx"].read_bytes()
    src = tmp_path / "broken.xlsx"
    src.write_bytes(data[: len(data) // 2])
    code, _, err = run("recalc", src, "--as-of", AS_OF)
    assert code == 2 and "broken.xlsx" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.xlsx"]


def test_output_over_the_input_is_refused(staff_files):
    src = staff_files["csv"]
    before = src.read_bytes()
    code, _, err = run("recalc", src, "--as-of", AS_OF, "-o", src)
    assert code == 3 and "refusing" in err
    assert src.read_bytes() == before


def test_interrupted_write_leaves_no_file(tmp_path, staff_files, monkeypatch):
    from xl_kent.files import writing

    real_replace = os.replace

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(writing.os, "replace", boom)
    out = tmp_path / "out.xlsx"
    with pytest.raises(KeyboardInterrupt):
        recalc.run(staff_files["xlsx"], default_settings(AS_OF), out, out=io.StringIO(), err=io.StringIO())
    monkeypatch.setattr(writing.os, "replace", real_replace)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_exit_3(staff_files, tmp_path):
    code, _, err = run("recalc", staff_files["csv"], "--as-of", AS_OF, "-o", tmp_path / "no" / "such" / "out.xlsx")
    assert code == 3 and err.count("\n") == 1


def test_usage_errors(staff_files):
    assert run("recalc", staff_files["csv"])[0] == 2  # --as-of is required
    code, _, err = run("recalc", staff_files["csv"], "--as-of", "03/31/2027")
    assert code == 2 and "not a date" in err
    code, _, err = run("recalc", staff_files["csv"], "--as-of", AS_OF, "-o", "out.txt")
    assert code == 2 and ".xlsx or .csv" in err
    assert run("recalc", Path("/no/such/file.xlsx"), "--as-of", AS_OF)[0] == 2


def test_duplicate_ids_are_all_flagged(tmp_path):
    src = write(tmp_path / "d.csv", "id,grade,salary,dob,csd\nE1,KR6,30000,1980-01-01,2010-01-01\n"
                                    "E2,KR6,30000,1980-01-01,2010-01-01\ne1,KR6,30000,1980-01-01,2010-01-01\n")
    code, _, _ = run("recalc", src, "--as-of", AS_OF)
    t = read_table(tmp_path / "d.recalc.csv")
    assert code == 1
    assert (t.columns[-1] != "OK").tolist() == [True, False, True]


def test_awards_command(staff_files):
    for ext in ("xlsx", "csv"):
        src = staff_files[ext].with_name(f"awards.{ext}")
        code, out, err = run("awards", src)
        assert code in (0, 1), err
        result = src.with_name(f"awards.checked.{ext}")
        _, after = assert_rows_kept(src, result)
        assert after.headers[-5:] == ["award_ok", "reason", "rolling_12_month_total_gbp", "team_award_total_gbp",
                                      "how"]
        assert "awards within the scheme" in out


def test_sample_refuses_to_replace_a_file_and_is_reproducible(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run("sample", "--rows", 200, "--bad", 6, "--seed", 9, "-o", a)[0] == 0
    assert run("sample", "--rows", 200, "--bad", 6, "--seed", 9, "-o", b)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    code, _, err = run("sample", "--rows", 10, "-o", a)
    assert code == 3 and "--force" in err and a.read_bytes() == b.read_bytes()
    assert run("sample", "--rows", 10, "-o", a, "--force")[0] == 0


def test_help_on_every_command():
    for command in ([], ["recalc"], ["awards"], ["sample"], ["demo"]):
        code, out, _ = run(*command, "--help")
        assert code == 0 and "usage: xl-kent" in out and "examples:" in out
    code, out, _ = run("recalc", "--help")
    assert "exit codes:" in out and "--map" in out and "--absence-days" in out


def test_demo_runs_fast_and_shows_the_result():
    out = io.StringIO()
    started = dt.datetime.now()
    assert demo(out, err=io.StringIO()) == 0
    text = out.getvalue()
    for label in ("rows with problems: 7", "First rows of staff.recalc.xlsx", "Errors sheet",
                  "annual_salary is not a number", "awards within the scheme", "Awards outside the scheme"):
        assert label in text, label
    assert (dt.datetime.now() - started).total_seconds() < 60  # generous: a few seconds normally


def test_command_line_entry_point_runs_in_a_subprocess(tmp_path):
    done = subprocess_run("demo", "--dir", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Errors sheet" in done.stdout and done.stderr == ""  # no progress bars off a terminal
    assert (tmp_path / "staff.recalc.xlsx").exists()
    code, _, err = run("demo", "--dir", tmp_path)  # never over files already there
    assert code == 3 and "choose an empty folder" in err
    done = subprocess_run("recalc", tmp_path / "staff.xlsx", "--as-of", AS_OF, "-o", tmp_path / "r.csv")
    assert done.returncode == 1 and (tmp_path / "r.errors.csv").exists()


def test_a_larger_list_end_to_end(tmp_path):
    src = tmp_path / "big.csv"
    assert run("sample", "--rows", 20_000, "--bad", 30, "--seed", 1, "-o", src)[0] == 0
    code, out, _ = run("recalc", src, "--as-of", AS_OF, "-o", tmp_path / "big.xlsx")
    assert code == 1
    sample = synth.staff_sample(20_000, bad=30, seed=1)
    t = read_table(tmp_path / "big.xlsx")
    assert t.n_rows == 20_000
    assert np.flatnonzero(t.columns[-1] != "OK").tolist() == sample.manifest.bad_rows


def test_the_command_keeps_pyarrow_from_importing_pandas(tmp_path):
    """``xl-kent`` (``python -m xl_kent_cli``) runs without pandas in memory, and pyarrow's
    conversions still work; ``main`` called in a process (tests, notebooks) leaves pandas alone."""
    pytest.importorskip("pandas")
    probe = ("import sys\nfrom xl_kent_cli.cli import _pyarrow_without_pandas\n_pyarrow_without_pandas()\n"
             "import numpy as np, pyarrow as pa, pyarrow.compute as pc\n"
             "a = pa.array(['x', None]); b = pa.array(np.arange(3.0), mask=np.array([False, True, False]))\n"
             "assert a.to_pylist() == ['x', None] and pc.cast(b, pa.string()).to_pylist() == ['0', None, '2']\n"
             "assert b.to_numpy(zero_copy_only=False)[2] == 2.0\n"
             "print('pandas' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    after_main = ("import sys\nfrom xl_kent_cli.cli import main\nmain(['sample', '--rows', '3', '-o', sys.argv[1]])\n"
                  "import pyarrow as pa\nprint(type(pa.table({'a': [1]}).to_pandas()).__name__)\n")
    done = subprocess.run([sys.executable, "-c", after_main, str(tmp_path / "three.csv")], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "DataFrame"
    staff = tmp_path / "staff.csv"
    assert cli.main(["sample", "--rows", "30", "-o", str(staff)]) == 0
    run = subprocess_run("recalc", staff, "--as-of", "2027-03-31", "-o", tmp_path / "out.csv", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert read_table(tmp_path / "out.csv").n_rows == 30


def _in_1904_system(src: Path, dst: Path, as_numbers: bool) -> Path:
    """``src`` saved again in the Mac 1904 date system: each date a plain serial number of it
    (``as_numbers``) or a date cell (Excel shows the same date either way)."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if as_numbers and isinstance(c.value, (dt.datetime, dt.date)):
                    c.value, c.number_format = to_excel(c.value, CALENDAR_MAC_1904), "General"
    wb.epoch = CALENDAR_MAC_1904
    wb.save(dst)
    return dst


@pytest.mark.parametrize("as_numbers", [True, False])
def test_1904_date_system_dates_are_the_dates_shown(staff_files, tmp_path, as_numbers):
    # A workbook from Excel for Mac's 1904 date system: a date typed as a plain number is that
    # many days after 1 January 1904. Read as 1900 serials, every date moved 4 years and a day
    # (ages, service and redundancy pay all wrong, status OK): the figures must be the 1900 file's.
    src = staff_files["xlsx"]
    code, _, err = run("recalc", src, "--as-of", AS_OF, "-o", tmp_path / "base.csv", "--no-how")
    assert code == 1, err
    mac = _in_1904_system(src, tmp_path / "mac.xlsx", as_numbers)
    code, _, err = run("recalc", mac, "--as-of", AS_OF, "-o", tmp_path / "mac.csv", "--no-how")
    assert code == 1, err
    base, got = read_table(tmp_path / "base.csv"), read_table(tmp_path / "mac.csv")
    assert got.headers == base.headers
    first = base.headers.index("status")
    for j in range(first, len(base.headers)):
        assert got.columns[j].tolist() == base.columns[j].tolist(), base.headers[j]
    assert ("1904 date system" in err) == as_numbers
    if as_numbers:  # the plain numbers written out are the 1900 system's (the output's): read back, the same dates
        back = _cells_as_dates(got, "Date of Birth")
        assert back == _cells_as_dates(read_table(src), "Date of Birth")
    # the award log, through the same reader
    awards = src.with_name("awards.xlsx")
    code, _, err = run("awards", awards, "-o", tmp_path / "a_base.csv")
    assert code in (0, 1), err
    code, _, err = run("awards", _in_1904_system(awards, tmp_path / "a_mac.xlsx", as_numbers), "-o",
                       tmp_path / "a_mac.csv")
    assert code in (0, 1), err
    a_base, a_mac = read_table(tmp_path / "a_base.csv"), read_table(tmp_path / "a_mac.csv")
    for h in ("award_ok", "reason", "rolling_12_month_total_gbp"):
        j = a_base.headers.index(h)
        assert a_mac.columns[j].tolist() == a_base.columns[j].tolist()


def _cells_as_dates(t, header) -> list:
    from xl_kent.lists.parse import parse_dates

    return parse_dates(t.columns[t.headers.index(header)])[0].tolist()


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_a_header_repeated_below_is_named_and_in_another_order_refused(staff_files, tmp_path, ext):
    # Two exports pasted one below the other. With the second's columns in another order, its
    # rows were read under the first's headers (sick days as leave taken: every figure wrong,
    # status OK); now the file is refused. In the same order the header row is one problem row,
    # and a warning says what it is.
    import csv

    with open(staff_files["csv"], newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:41]
    a, b = header.index("Sick Days (12 months)"), header.index("Leave Taken (days)")

    def swapped(row):
        row = list(row)
        row[a], row[b] = row[b], row[a]
        return row

    def save(name, table):
        path = tmp_path / f"{name}.{ext}"
        if ext == "csv":
            with open(path, "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows(table)
        else:
            import openpyxl

            wb = openpyxl.Workbook()
            for row in table:
                wb.active.append(row)
            wb.save(path)
        return path

    same = save("same", [header, *body[:20], header, *body[20:]])
    code, _, err = run("recalc", same, "--as-of", AS_OF, "-o", tmp_path / "same.out.csv", "--no-how")
    assert code == 1, err
    assert "row 22 repeats the header row" in err
    out = read_table(tmp_path / "same.out.csv")
    assert out.n_rows == 41 and out.columns[out.headers.index("status")][20] != "OK"
    other = save("other", [header, *body[:20], swapped(header), *map(swapped, body[20:])])
    code, _, err = run("recalc", other, "--as-of", AS_OF, "-o", tmp_path / "other.out.csv", "--no-how")
    assert code == 2, err
    assert "row 22 repeats the header with the columns in another order" in err
    assert not (tmp_path / "other.out.csv").exists()


def test_a_date_column_written_month_day_is_refused(staff_files, tmp_path):
    # Dates are read day/month. In a column written month/day (US), 1/13/1980 has no 13th month
    # (a problem row) but 1/6/1963 was read as 1 June: most rows wrong with status OK. Such a
    # column is refused; one US-looking typo among UK dates stays a problem row of its own.
    import csv

    with open(staff_files["csv"], newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    j = header.index("Date of Birth")

    def written(fmt):
        out = [header]
        for row in rows[1:]:
            row = list(row)
            with contextlib.suppress(ValueError):
                row[j] = dt.date.fromisoformat(row[j]).strftime(fmt)
            out.append(row)
        return out

    def save(name, table):
        path = tmp_path / name
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(table)
        return path

    code, _, err = run("recalc", save("us.csv", written("%m/%d/%Y")), "--as-of", AS_OF, "--no-how")
    assert code == 2, err
    assert "column 'Date of Birth' (date_of_birth) is written month/day (US)" in err
    assert not (tmp_path / "us.recalc.csv").exists()
    uk = written("%d/%m/%Y")
    typo = next(i for i, r in enumerate(uk[1:], 1) if r[j][:2] <= "12" and r[j][3:5] <= "12")
    uk[typo][j] = uk[typo][j][:3] + "13" + uk[typo][j][5:]  # 04/13/1980: one mistyped date
    code, _, err = run("recalc", save("uk.csv", uk), "--as-of", AS_OF, "--no-how")
    assert code == 1, err
    out = read_table(tmp_path / "uk.recalc.csv")
    assert "date_of_birth is not a date" in out.columns[out.headers.index("status")][typo - 1]


def test_a_file_split_by_pipes_is_told_so(staff_files, tmp_path):
    text = staff_files["csv"].read_text(encoding="utf-8-sig").replace(",", "|")
    src = write(tmp_path / "pipes.csv", text)
    code, _, err = run("recalc", src, "--as-of", AS_OF)
    assert code == 2
    assert "only one column found" in err and "separated by '|', which is not read" in err


def test_a_rate_typed_as_a_fraction_is_warned_of_and_a_negative_rate_refused(staff_files, tmp_path):
    src = staff_files["csv"]
    code, _, err = run("recalc", src, "--as-of", AS_OF, "--pension-rate", "0.2", "--pay-award", "3",
                       "-o", tmp_path / "a.csv", "--no-how")
    assert code == 1 and "--pension-rate 0.2 is read as 0.2%, not 20%" in err
    code, _, err = run("recalc", src, "--as-of", AS_OF, "--pension-rate", "-1", "-o", tmp_path / "b.csv")
    assert code == 2 and "--pension-rate: must be a percentage of 0 or more" in err
    assert not (tmp_path / "b.csv").exists()
