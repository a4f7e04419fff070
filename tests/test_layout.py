"""The shape of the project: a pure numpy core, documented reasons, no policy literals."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import xl_kent.awards  # noqa: F401  (registers every reason)
import xl_kent.leave  # noqa: F401
import xl_kent.redundancy  # noqa: F401
import xl_kent.sick_pay  # noqa: F401
from xl_kent import errors

ROOT = Path(__file__).resolve().parents[1]


def test_core_imports_neither_xlwings_nor_openpyxl():
    code = ("import sys, xl_kent, xl_kent_cli.cli, xl_kent.files.reading, xl_kent.files.writing; "
            "bad = {'xlwings', 'openpyxl', 'python_calamine'} & set(sys.modules); print(sorted(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_every_error_reason_is_documented():
    """Each reason a core function can give appears, word for word, in docs/functions.md."""
    import udfs  # noqa: F401  (registers the Excel layer's reasons)

    doc = (ROOT / "docs" / "functions.md").read_text(encoding="utf-8")
    missing = [text for excel, text in errors._table[1:]
               if "{" not in text and " holds the error value " not in text
               and not re.search(r" is (not (a date|a number|TRUE or FALSE|text)|blank|outside Excel's dates .*)$", text)
               and text not in doc]
    assert not missing, missing


def test_no_policy_numbers_in_core_code():
    """Rates, bands, limits and day counts live in the parameter files, not in code."""
    pattern = re.compile(
        r"(?<![\w.])(500|1000|1_000|27|29|30|7\.4|37|0\.121|0\.16\d+|0\.17\d+|109\.4|116\.75|"
        r"118\.75|123\.25|125|196|365|12|28|52|41|22|20)(?![\w.])"
    )
    offenders = []
    for path in sorted((ROOT / "xl_kent").glob("*.py")):
        in_doc = False
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.count('"""') == 1:
                in_doc = not in_doc
                continue
            if in_doc or stripped.startswith(("#", ">>>", '"""', "...")) or line.endswith("# calendar fact, not a policy number"):
                continue
            code = line.split("#", 1)[0]
            code = re.sub(r"\"[^\"]*\"|'[^']*'", "", code)  # strings: messages, dtypes
            if pattern.search(code):
                offenders.append(f"{path.name}:{n}: {stripped}")
    assert not offenders, "\n".join(offenders)
