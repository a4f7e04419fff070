"""The command line: ``xl-kent demo`` and ``--help``."""

from __future__ import annotations

import io
import subprocess
import sys

from xl_kent import cli, sample


def test_demo_prints_every_staff_row_and_award():
    out = io.StringIO()
    assert cli.demo(out) == 0
    text = out.getvalue()
    for person in sample.STAFF:
        assert person["id"] in text
    assert text.count("\nK10") >= len(sample.STAFF)
    for label in ("Leave (days)", "Sick pay", "Red. weeks", "Award log", "12-month total"):
        assert label in text
    # Bad rows are shown with their error and reason; the others still compute.
    assert "#N/A" in text and "#VALUE!" in text and "#NUM!" in text
    assert "grade is not a Kent Scheme grade" in text
    assert "Over the £500 limit for one award" in text


def test_command_line_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "xl_kent.cli", "demo"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "A. Patel" in done.stdout
    helped = subprocess.run([sys.executable, "-m", "xl_kent.cli", "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "demo" in helped.stdout
