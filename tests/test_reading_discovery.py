"""Finding the data in a file: which worksheet, which header row (``read_table(scorer=...)``, ``list_sheets``)."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.chart import BarChart, Reference

from xl_kent.files import reading
from xl_kent.files.reading import HEADER_SCAN_ROWS, InputFileError, SheetInfo, Table, list_sheets, read_table

HEADERS = ["Employee ID", "Name", "Salary"]
DATA = [["E1", "Ann", 32000.5], ["E2", None, 31000.0], ["E3", "Cy", None]]
TITLES = [["Kent County Council: staff list"], ["Fill in one row per employee; do not change row 4."],
          ["Rows 5 onwards"]]
HOW_TO = [["How to use this workbook"], [None], ["Put the staff on the Staff sheet."],
          ["Each person has an Employee ID, a name and a salary."], ["Then run xl-kent."]]


def words_scorer(known=HEADERS, need=None):
    """Score = how many cells of a row are known header words; complete when ``need`` of them are."""
    need = len(known) if need is None else need
    calls = []

    def scorer(rows):
        calls.append(rows)
        best, at = 0, None
        for i, row in enumerate(rows):
            n = sum(1 for v in row if isinstance(v, str) and v.strip() in known)
            if n > best:
                best, at = n, i
        return float(best), at, best >= need

    scorer.calls = calls
    return scorer


def book(path, sheets: dict[str, list[list]], hidden=(), very_hidden=()):
    """A workbook with the given sheets (name -> rows, in order)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
        if name in very_hidden:
            ws.sheet_state = "veryHidden"
    wb.save(path)
    return path


def as_lists(t: Table):
    return [c.tolist() for c in t.columns]


def columns_of(rows):
    return [list(c) for c in zip(*rows, strict=True)]


def count_loads(monkeypatch) -> list[str]:
    """Record the name of each sheet :func:`reading._load_sheet` loads."""
    loaded: list[str] = []
    real = reading._load_sheet

    def counting(book_, part):
        loaded.append(part.name)
        return real(book_, part)

    monkeypatch.setattr(reading, "_load_sheet", counting)
    return loaded


# ---------------------------------------------------------------- the template layout
def template(path):
    staff = [*TITLES, HEADERS, *DATA]
    return book(path, {"How to use": HOW_TO, "Staff": staff, "Lists": [["Grades"], ["KR6"], ["KR7"]]})


def test_template_layout_finds_the_data_sheet_and_row_4(tmp_path, monkeypatch):
    path = template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    for r in range(5 + len(DATA), 60):  # pre-sized: styled blank cells below the data
        wb["Staff"].cell(r, 1).number_format = "@"
    wb.save(path)
    loaded = count_loads(monkeypatch)
    scorer = words_scorer()
    t = read_table(path, scorer=scorer)
    assert (t.sheet, t.kind, t.header_row, t.first_row, t.n_rows) == ("Staff", "xlsx", 4, 5, 3)
    assert t.headers == HEADERS
    assert as_lists(t) == columns_of(DATA)
    assert t.skipped_sheets == ["How to use"]
    assert loaded == ["How to use", "Staff"]  # complete on Staff: Lists is never loaded
    assert scorer.calls[1][:4] == [[TITLES[0][0], None, None], [TITLES[1][0], None, None],
                                   [TITLES[2][0], None, None], HEADERS]


def test_template_layout_without_a_scorer_reads_the_first_sheet_as_before(tmp_path):
    t = read_table(template(tmp_path / "t.xlsx"))
    assert (t.sheet, t.header_row, t.first_row, t.skipped_sheets) == ("How to use", 1, 2, [])
    assert t.headers == ["How to use this workbook"]


def test_title_cells_wider_than_the_header_do_not_make_columns(tmp_path):
    rows = [["A title", None, None, None, "printed 1 April"], [None], HEADERS, *DATA]
    t = read_table(book(tmp_path / "w.xlsx", {"Staff": rows}), scorer=words_scorer())
    assert t.headers == HEADERS and t.header_row == 3 and as_lists(t) == columns_of(DATA)
    rows[4] = [*DATA[1], None, "note"]  # a data cell beyond the header still makes a column
    t = read_table(book(tmp_path / "w2.xlsx", {"Staff": rows}), scorer=words_scorer())
    assert t.headers == [*HEADERS, "", ""]
    assert t.columns[4].tolist() == [None, "note", None]


def test_scorer_sees_rows_from_the_first_non_blank_one_with_blank_rows_kept(tmp_path):
    rows = [[None], [None], ["Title"], [None], HEADERS, *DATA]
    rows += [[f"E{i}", "x", 1.0] for i in range(10, 60)]
    ws_rows = rows
    scorer = words_scorer()
    t = read_table(book(tmp_path / "w.xlsx", {"Staff": ws_rows}), scorer=scorer)
    seen = scorer.calls[0]
    assert len(seen) == HEADER_SCAN_ROWS
    assert seen[0] == ["Title", None, None] and seen[1] == [None, None, None] and seen[2] == HEADERS
    assert (t.header_row, t.first_row, t.n_rows) == (5, 6, 3 + 50)
    assert t.columns[0].tolist()[:3] == ["E1", "E2", "E3"]


def test_header_below_the_scan_window_is_not_found(tmp_path):
    rows = [["Title"]] + [[f"note {i}"] for i in range(HEADER_SCAN_ROWS)] + [HEADERS, *DATA]
    t = read_table(book(tmp_path / "w.xlsx", {"Staff": rows}), scorer=words_scorer())
    assert t.header_row == 1 and t.headers[0] == "Title"


@pytest.mark.parametrize("index", [None, 1, 99, -1, True])
def test_a_header_index_that_is_none_blank_or_outside_means_the_first_non_blank_row(tmp_path, index):
    path = book(tmp_path / "w.xlsx", {"Staff": [[None], ["Title"], [None], HEADERS, *DATA]})
    t = read_table(path, scorer=lambda rows: (5.0, index, False))
    assert (t.header_row, t.headers[0]) == (2, "Title")
    t = read_table(path, scorer=lambda rows: (5.0, 2, False))
    assert (t.header_row, t.headers) == (4, HEADERS)


def test_error_cells_are_shown_to_the_scorer_as_their_text(tmp_path):
    path = book(tmp_path / "w.xlsx", {"Staff": [["Title"], HEADERS, ["E1", "Ann", None]]})
    wb = openpyxl.load_workbook(path)
    wb["Staff"]["C3"] = "#N/A"
    wb["Staff"]["C3"].data_type = "e"
    wb.save(path)
    scorer = words_scorer()
    t = read_table(path, scorer=scorer)
    assert scorer.calls[0][2] == ["E1", "Ann", "#N/A"]
    assert t.header_row == 2 and as_lists(t) == [["E1"], ["Ann"], ["#N/A"]]


# ---------------------------------------------------------------- hidden sheets
@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_skipped(tmp_path, state, monkeypatch):
    sheets = {"Secret": [HEADERS, ["S1", "Spy", 1.0]], "Staff": [HEADERS, *DATA]}
    path = book(tmp_path / "h.xlsx", sheets, **({"hidden": ["Secret"]} if state == "hidden"
                                                 else {"very_hidden": ["Secret"]}))
    loaded = count_loads(monkeypatch)
    t = read_table(path)
    assert t.sheet == "Staff" and as_lists(t) == columns_of(DATA) and t.skipped_sheets == []
    t = read_table(path, scorer=words_scorer())  # Secret would be complete too: never looked at
    assert t.sheet == "Staff" and t.skipped_sheets == []
    assert loaded == ["Staff", "Staff"]


def test_sheet_naming_a_hidden_sheet_reads_it(tmp_path):
    sheets = {"Staff": [HEADERS, *DATA], "Secret": [["Hidden title"], HEADERS, ["S1", "Spy", 1.0]]}
    path = book(tmp_path / "h.xlsx", sheets, hidden=["Secret"])
    t = read_table(path, sheet="Secret")
    assert (t.sheet, t.header_row, t.headers) == ("Secret", 1, ["Hidden title", "", ""])
    t = read_table(path, sheet="secret", scorer=words_scorer())
    assert (t.sheet, t.header_row, t.first_row, t.headers) == ("Secret", 2, 3, HEADERS)
    assert as_lists(t) == [["S1"], ["Spy"], [1.0]] and t.skipped_sheets == []


def test_sheet_with_a_scorer_reads_only_that_sheet(tmp_path, monkeypatch):
    path = book(tmp_path / "w.xlsx", {"Staff": [HEADERS, *DATA], "Other": [["x"], ["Title"], HEADERS, DATA[0]]})
    loaded = count_loads(monkeypatch)
    t = read_table(path, sheet="Other", scorer=words_scorer())
    assert loaded == ["Other"] and (t.sheet, t.header_row, t.n_rows) == ("Other", 3, 1)


def test_no_visible_worksheet_is_refused(tmp_path):
    path = book(tmp_path / "h.xlsx", {"Data": [HEADERS, *DATA]})
    wb = openpyxl.load_workbook(path)
    chart = BarChart()
    chart.add_data(Reference(wb["Data"], min_col=3, min_row=1, max_row=4))
    wb.create_chartsheet("Chart").add_chart(chart)
    wb["Data"].sheet_state = "hidden"
    wb.active = 1
    wb.save(path)
    assert list_sheets(path) == [SheetInfo("Data", False)]
    for scorer in (None, words_scorer()):
        with pytest.raises(InputFileError, match="no visible worksheet") as err:
            read_table(path, scorer=scorer)
        assert "'Data'" in str(err.value) and "\n" not in str(err.value)
    assert read_table(path, sheet="Data").headers == HEADERS


# ---------------------------------------------------------------- choosing among sheets
def test_a_complete_sheet_stops_the_search(tmp_path, monkeypatch):
    sheets = {"Staff": [HEADERS, *DATA], "Errors": [["Row", "Problem"]], "Summary": [["Total", 3]]}
    path = book(tmp_path / "recalc.xlsx", sheets)  # a recalc output: the data sheet first
    loaded = count_loads(monkeypatch)
    scorer = words_scorer()
    t = read_table(path, scorer=scorer)
    assert loaded == ["Staff"] and len(scorer.calls) == 1
    assert (t.sheet, t.skipped_sheets, t.header_row) == ("Staff", [], 1)
    assert as_lists(t) == columns_of(DATA)


def test_without_a_complete_sheet_every_visible_sheet_is_looked_at_and_the_best_wins(tmp_path, monkeypatch):
    sheets = {"One": [["Employee ID", "x"], ["E9", "y"]], "Two": [["t"], ["Employee ID", "Name"], ["E1", "Ann"]],
              "Three": [["Name"], ["Bob"]]}
    path = book(tmp_path / "w.xlsx", sheets)
    loaded = count_loads(monkeypatch)
    t = read_table(path, scorer=words_scorer())
    assert loaded == ["One", "Two", "Three"]
    assert (t.sheet, t.header_row, t.headers, t.skipped_sheets) == ("Two", 2, ["Employee ID", "Name"],
                                                                    ["One", "Three"])
    assert as_lists(t) == [["E1"], ["Ann"]]


def test_ties_go_to_the_earlier_sheet(tmp_path):
    sheets = {"First": [["Title"], ["Employee ID", "Name"], ["E1", "Ann"]],
              "Second": [["Employee ID", "Name"], ["E2", "Bob"]]}
    t = read_table(book(tmp_path / "w.xlsx", sheets), scorer=words_scorer())
    assert (t.sheet, t.header_row, t.skipped_sheets) == ("First", 2, ["Second"])
    assert as_lists(t) == [["E1"], ["Ann"]]


def test_all_zero_scores_fall_back_to_the_first_visible_sheet_and_its_first_non_blank_row(tmp_path):
    sheets = {"Hidden": [["a"]], "Notes": [[None], [None, "Some notes"], [None, "more"]], "Data": [["p", "q"]]}
    path = book(tmp_path / "w.xlsx", sheets, hidden=["Hidden"])
    calls = []

    def zero(rows):
        calls.append(rows)
        return 0.0, 1, False  # an index with a zero score is not a header

    t = read_table(path, scorer=zero)
    assert len(calls) == 2
    assert (t.sheet, t.header_row, t.first_row, t.skipped_sheets) == ("Notes", 2, 3, ["Data"])
    assert t.headers == ["", "Some notes"] and as_lists(t) == [[None], ["more"]]


def test_a_blank_sheet_scores_zero_without_calling_the_scorer(tmp_path):
    path = book(tmp_path / "w.xlsx", {"Blank": [], "Staff": [["Title"], HEADERS, *DATA]})
    scorer = words_scorer()
    t = read_table(path, scorer=scorer)
    assert len(scorer.calls) == 1 and (t.sheet, t.header_row, t.skipped_sheets) == ("Staff", 2, ["Blank"])
    with pytest.raises(InputFileError, match="has no header row"):
        read_table(path)


def test_an_unsafe_later_sheet_is_refused_when_it_is_looked_at(tmp_path):
    good = book(tmp_path / "w.xlsx", {"Notes": [["notes"]], "Staff": [HEADERS, *DATA]})
    with zipfile.ZipFile(good) as zf:
        sheet2 = zf.read("xl/worksheets/sheet2.xml").decode()
    far = sheet2.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = far.encode() if info.filename == "xl/worksheets/sheet2.xml" else zin.read(info.filename)
            zout.writestr(info.filename, data)
    assert read_table(bad).headers == ["notes"]  # the first visible sheet alone is loaded
    with pytest.raises(InputFileError, match="XFD1048576") as err:
        read_table(bad, scorer=words_scorer())
    assert str(err.value).startswith(str(bad))


# ---------------------------------------------------------------- CSV title lines
CSV_TEXT = ("Kent County Council staff list\r\nAs at 1 April 2024\r\nEmployee ID,Name,Salary\r\n"
            "E1,Ann,32000.50\r\nE2,,31000\r\n\r\nE4,Di,\r\n")
CSV_COLUMNS = [["E1", "E2", None, "E4"], ["Ann", None, None, "Di"], ["32000.50", "31000", None, None]]


def csv_paths(monkeypatch) -> list[str]:
    """Record which CSV reader produced the table (the fast ones return None to pass on)."""
    used: list[str] = []
    for name in ("_csv_arrow", "_csv_unquoted", "_csv_columns"):
        real = getattr(reading, name)

        def wrapped(*args, _real=real, _name=name):
            out = _real(*args)
            if out is not None:
                used.append(_name)
            return out

        monkeypatch.setattr(reading, name, wrapped)
    return used


@pytest.mark.parametrize(("variant", "off", "path"), [
    ("utf-8", (), "_csv_arrow"),
    ("utf-8", ("_csv_arrow",), "_csv_unquoted"),
    ("utf-8", ("_csv_arrow", "_csv_unquoted"), "_csv_columns"),
    ("quoted", (), "_csv_arrow"),
    ("quoted", ("_csv_arrow",), "_csv_columns"),
    ("cp1252", (), "_csv_unquoted"),
    ("cp1252", ("_csv_unquoted",), "_csv_columns"),
    ("quoted title", (), "_csv_arrow"),
    ("quoted title", ("_csv_arrow",), "_csv_columns"),
])
def test_csv_title_lines_above_the_header(tmp_path, monkeypatch, variant, off, path):
    text, columns = CSV_TEXT, [list(c) for c in CSV_COLUMNS]
    if variant == "quoted":
        text = text.replace("E1,Ann,", 'E1,"Smith, Ann",')
        columns[1][0] = "Smith, Ann"
    if variant == "quoted title":  # a line break inside a quoted title: still one row
        text = text.replace("Kent County Council staff list", '"Kent County\r\nCouncil, staff list"')
    if variant == "cp1252":
        text = text.replace("Ann", "Zoë")
        columns[1][0] = "Zoë"
    data = text.encode("cp1252" if variant == "cp1252" else "utf-8")
    if variant == "cp1252":  # really not UTF-8
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    (tmp_path / "s.csv").write_bytes(data)
    used = csv_paths(monkeypatch)
    for name in off:
        monkeypatch.setattr(reading, name, lambda *a: None)
    t = read_table(tmp_path / "s.csv", scorer=words_scorer())
    assert used == [path]
    assert (t.kind, t.sheet, t.header_row, t.first_row, t.skipped_sheets) == ("csv", None, 3, 4, [])
    assert t.headers == HEADERS
    assert as_lists(t) == columns


def test_csv_without_a_scorer_still_takes_the_first_non_blank_line(tmp_path):
    (tmp_path / "s.csv").write_text(CSV_TEXT, encoding="utf-8", newline="")
    t = read_table(tmp_path / "s.csv")
    assert (t.header_row, t.first_row, t.headers) == (1, 2, ["Kent County Council staff list", "", ""])
    assert t.columns[0].tolist()[:2] == ["As at 1 April 2024", "Employee ID"]


def test_csv_scorer_sees_the_first_rows_as_parsed(tmp_path):
    (tmp_path / "s.csv").write_text("\n\n" + CSV_TEXT, encoding="utf-8", newline="")
    scorer = words_scorer()
    t = read_table(tmp_path / "s.csv", scorer=scorer)
    assert scorer.calls[0][:4] == [["Kent County Council staff list"], ["As at 1 April 2024"], HEADERS,
                                   ["E1", "Ann", "32000.50"]]
    assert scorer.calls[0][4] == ["E2", None, "31000"] and scorer.calls[0][5] == []
    assert (t.header_row, t.first_row) == (5, 6) and as_lists(t) == CSV_COLUMNS


def test_csv_scorer_chooses_the_delimiter_when_a_title_misleads_the_guess(tmp_path):
    text = "Staff list, April 2024\nEmployee ID;Name;Salary\nE1;Ann;1\n"
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    t = read_table(tmp_path / "s.csv", scorer=words_scorer())
    assert (t.headers, t.header_row, as_lists(t)) == (HEADERS, 2, [["E1"], ["Ann"], ["1"]])
    assert read_table(tmp_path / "s.csv").headers == ["Staff list", "April 2024"]


def test_csv_zero_scores_keep_the_first_non_blank_line(tmp_path):
    (tmp_path / "s.csv").write_text("\nid,name\nE1,Ann\n", encoding="utf-8")
    t = read_table(tmp_path / "s.csv", scorer=lambda rows: (0.0, 1, False))
    assert (t.headers, t.header_row, t.first_row, as_lists(t)) == (["id", "name"], 2, 3, [["E1"], ["Ann"]])


def test_csv_delimiter_comes_from_the_first_line_that_is_not_empty(tmp_path):
    (tmp_path / "s.csv").write_text("\n\nid;name\nE1;Ann\n", encoding="utf-8")
    t = read_table(tmp_path / "s.csv")
    assert (t.headers, t.header_row, as_lists(t)) == (["id", "name"], 3, [["E1"], ["Ann"]])


def test_csv_line_of_only_delimiters_is_blank_on_every_path(tmp_path, monkeypatch):
    (tmp_path / "s.csv").write_text(",\nid,name\nE1,Ann\n", encoding="utf-8")
    monkeypatch.setattr(reading, "_csv_arrow", lambda *a: None)
    used = csv_paths(monkeypatch)
    t = read_table(tmp_path / "s.csv")
    assert used == ["_csv_unquoted"]
    assert (t.headers, t.header_row, as_lists(t)) == (["id", "name"], 2, [["E1"], ["Ann"]])


def test_csv_header_beyond_the_peeked_start_is_read_by_the_python_reader(tmp_path):
    long_header = ",".join(f"column {i}" for i in range(9000))  # longer than the characters peeked
    (tmp_path / "s.csv").write_text(long_header + "\n" + ",".join("x" * 9000) + "\n", encoding="utf-8")
    assert len(long_header) > reading.SNIFF_BYTES
    for scorer in (None, words_scorer()):
        t = read_table(tmp_path / "s.csv", scorer=scorer)
        assert len(t.headers) == 9000 and t.headers[-1] == "column 8999" and t.header_row == 1


# ---------------------------------------------------------------- list_sheets and Table
def test_list_sheets_with_hidden_and_chart_sheets(tmp_path):
    path = book(tmp_path / "w.xlsx", {"How to use": HOW_TO, "Staff": [HEADERS, *DATA], "Old": [["x"]],
                                      "Lookups": [["y"]]}, hidden=["Old"], very_hidden=["Lookups"])
    wb = openpyxl.load_workbook(path)
    chart = BarChart()
    chart.add_data(Reference(wb["Staff"], min_col=3, min_row=1, max_row=4))
    wb.create_chartsheet("Chart", 2).add_chart(chart)
    wb.save(path)
    assert openpyxl.load_workbook(path).sheetnames == ["How to use", "Staff", "Chart", "Old", "Lookups"]
    assert list_sheets(path) == [SheetInfo("How to use", True), SheetInfo("Staff", True),
                                 SheetInfo("Old", False), SheetInfo("Lookups", False)]
    t = read_table(path, scorer=words_scorer(need=4))  # never complete: every visible worksheet is looked at
    assert (t.sheet, t.skipped_sheets) == ("Staff", ["How to use"])


def test_list_sheets_of_a_csv_and_of_bad_files(tmp_path):
    (tmp_path / "s.csv").write_text("id\nE1\n", encoding="utf-8")
    assert list_sheets(tmp_path / "s.csv") == [SheetInfo("", True)]
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    (tmp_path / "e.xlsx").write_bytes(b"")
    for name in ("missing.xlsx", "x.xlsx", "e.xlsx"):
        with pytest.raises(InputFileError) as listed:
            list_sheets(tmp_path / name)
        with pytest.raises(InputFileError) as read:
            read_table(tmp_path / name)
        assert str(listed.value) == str(read.value) and name in str(listed.value)


def test_list_sheets_refuses_a_dtd_like_read_table(tmp_path):
    good = book(tmp_path / "w.xlsx", {"Staff": [HEADERS, *DATA]})
    bad = tmp_path / "dtd.xlsx"
    dtd = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
           b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, dtd if info.filename == "xl/styles.xml" else zin.read(info.filename))
    with pytest.raises(InputFileError, match="DTD") as listed:
        list_sheets(bad)
    with pytest.raises(InputFileError, match="DTD") as read:
        read_table(bad, scorer=words_scorer())
    assert str(listed.value) == str(read.value)


def test_table_defaults_keep_old_constructors_working():
    t = Table(["id"], [reading._nones(2)], first_row=7, sheet="S", kind="xlsx")
    assert (t.header_row, t.skipped_sheets, t.n_rows) == (6, [], 2)
    t = Table(["id"], [reading._nones(0)], first_row=7, sheet="S", kind="xlsx", header_row=3, skipped_sheets=["A"])
    assert (t.header_row, t.skipped_sheets) == (3, ["A"])


def test_dates_and_numbers_below_a_found_header_are_kept(tmp_path):
    rows = [["Title"], ["Employee ID", "Start", "Hours"], ["E1", dt.datetime(2024, 3, 1), 37]]
    t = read_table(book(tmp_path / "w.xlsx", {"Staff": rows}), scorer=words_scorer(["Employee ID", "Start"]))
    assert t.header_row == 2 and t.columns[1][0] in (dt.datetime(2024, 3, 1), dt.date(2024, 3, 1))
    assert t.columns[2].tolist() == [37.0]


# ---------------------------------------------------------------- the three CSV readers agree with a scorer
def id_scorer(rows):
    at = next((i for i, r in enumerate(rows) if r and r[0] == "id"), None)
    return (0.0, None, False) if at is None else (1.0, at, True)


def _three_ways(path):
    outcomes = []
    for off in ((), ("_csv_arrow",), ("_csv_arrow", "_csv_unquoted")):
        with pytest.MonkeyPatch.context() as m:
            for name in off:
                m.setattr(reading, name, lambda *a: None)
            try:
                t = read_table(path, scorer=id_scorer)
                outcomes.append((t.headers, as_lists(t), t.header_row, t.first_row))
            except InputFileError as exc:
                outcomes.append(("error", str(exc)))
    return outcomes


csv_text = st.lists(st.sampled_from(["a", "id", ",", ";", '"', "\n", "\r", "\r\n", " ", "é", "\t"]),
                    max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(csv_text, csv_text, st.booleans(), st.sampled_from(["utf-8", "cp1252"]))
def test_csv_readers_agree_on_title_lines_and_header_choice(tmp_path_factory, titles, body, bom, encoding):
    path = tmp_path_factory.mktemp("csv") / "in.csv"
    text = titles + "\nid,x\n" + body
    path.write_bytes((b"\xef\xbb\xbf" if bom and encoding == "utf-8" else b"") + text.encode(encoding))
    fast, unquoted, python = _three_ways(path)
    assert fast == unquoted == python


def test_a_column_in_another_unit_is_never_suggested():
    """'Leave taken (hours)' suggested as leave_taken_days (a count of days) would invite a
    wrong figure; 'Holiday hours' as the weekly hours likewise: listed as not used, no suggestion."""
    from xl_kent.lists.fields import map_columns
    from xl_kent.lists.staff import staff_schema

    headers = ["Employee ID", "Grade", "Salary", "DOB", "Continuous service", "Leave taken (hours)",
               "Holiday hours", "Sick hrs last 12 months", "Leave taken dys"]
    cm = map_columns(headers, staff_schema())
    (line,) = [w for w in cm.warnings() if w.startswith("columns not used")]
    for h in ("Leave taken (hours)", "Holiday hours", "Sick hrs last 12 months"):
        assert f"'{h}'" in line and f"'{h}' (is it" not in line, line
    assert "'Leave taken dys' (is it leave_taken_days?" in line  # (a typing error in days: still suggested)
