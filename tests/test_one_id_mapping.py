"""One column mapping for the employee id: a header a staff list reads as the employee id is read
as the employee id by an award log and an absence record too (a user keeps one "Staff No" header
across their files), and through the commands the same way."""

import pytest

from xl_kent.lists.absence_log import ABSENCE_SCHEMA
from xl_kent.lists.award_log import AWARD_SCHEMA
from xl_kent.lists.fields import map_columns
from xl_kent.lists.staff import STAFF_FIELDS, staff_schema


def _id_headers() -> list[str]:
    field = next(f for f in STAFF_FIELDS if f.name == "employee_id")
    return [field.name, *field.aliases]


@pytest.mark.parametrize("header", _id_headers())
def test_each_staff_id_header_is_the_id_of_every_list(header):
    for shown in (header, header.title(), f" {header.upper()} "):
        for schema in (staff_schema(), AWARD_SCHEMA, ABSENCE_SCHEMA):
            others = [f.name for f in schema.fields if f.required and f.name != "employee_id"]
            fields = map_columns([shown, *others], schema).fields
            assert fields.get("employee_id") == 0, (schema.name, shown)


def test_awards_command_reads_a_staff_no_header(tmp_path):
    """The case found by hand: "Staff No" was read by recalc and refused by awards (exit 2)."""
    from xl_kent_cli.cli import main

    src = tmp_path / "awards.csv"
    src.write_text("Staff No,Date,Amount\n1,2026-05-01,100\n2,2026-05-02,200\n", encoding="utf-8")
    out = tmp_path / "checked.csv"
    assert main(["awards", str(src), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(text) == 3 and text[0].startswith("Staff No,")
