"""Test helper: recalculate an xlsx in a real LibreOffice Calc with the xl-kent extension.

>>> with Calc.started(tmp_dir) as calc:          # doctest: +SKIP
...     book = calc.recalculate("staff.xlsx")
...     book.cell("Staff", "E2")

:meth:`Calc.started` builds the extension (``python3 -m udfs.calc.build``), makes a
throwaway LibreOffice profile that recalculates every formula of an xlsx on load
(``OOXMLRecalcMode`` 0, "always"), and starts ``lo_worker.py`` in LibreOffice's own Python, which drives a headless
``soffice`` over UNO and calls ``calculateAll()`` on every workbook it loads. The
values come back as Python values: numbers (dates as serial numbers), text, ``""``
for an empty cell, and :class:`CellError` for an error value.

:func:`unavailable_reason` says why this cannot run here (no LibreOffice, or no
Python with ``uno``); tests skip with that reason, unless the environment variable
``XL_KENT_REQUIRE_LIBREOFFICE=1`` is set (as CI does), in which case they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from udfs.calc import build
from udfs.calc.bridge import excel_error_of

HERE = Path(__file__).resolve().parent
WORKER = HERE / "lo_worker.py"
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class CellError(str):
    """An error value computed by Calc, as Excel writes it: ``CellError("#N/A") == "#N/A"``."""

    def __repr__(self) -> str:
        return f"CellError({str(self)!r})"


@dataclass
class Workbook:
    """Every sheet's used area after recalculation: values and formulas, row by row."""

    values: dict[str, list[list[Any]]]
    formulas: dict[str, list[list[str]]]
    load_seconds: float
    calc_seconds: float

    def cell(self, sheet: str, ref: str) -> Any:
        row, col = _rc(ref)
        rows = self.values[sheet]
        if row >= len(rows) or col >= len(rows[row]):
            return ""
        return rows[row][col]

    def column(self, sheet: str, ref_range: str) -> list[Any]:
        """Values of a one-column range such as ``"E2:E20"``."""
        first, last = ref_range.split(":")
        (r0, c0), (r1, _) = _rc(first), _rc(last)
        return [self.cell(sheet, _ref(r, c0)) for r in range(r0, r1 + 1)]


def same(got: Any, want: Any, rel_tol: float = 1e-12, abs_tol: float = 1e-9) -> bool:
    """A value read back from Calc equals the expected one: an error by its code, a blank as
    ``""``, TRUE/FALSE as Calc's 1/0, a number within the tolerances, text exactly."""
    import math

    if isinstance(want, str) and want.startswith("#"):
        return isinstance(got, CellError) and got == want
    if want == "" or want is None:
        return got == ""
    if isinstance(want, bool):
        return got == float(want)
    if isinstance(want, float | int):
        return isinstance(got, float) and math.isclose(got, want, rel_tol=rel_tol, abs_tol=abs_tol)
    return got == want


def _rc(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha()).upper()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1


def _ref(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _value(v: Any) -> Any:
    return CellError(excel_error_of(v["error"])) if isinstance(v, dict) else v


@cache
def uno_python() -> str | None:
    """A Python that can ``import uno`` (LibreOffice's own), or None."""
    candidates = [os.environ.get("XL_KENT_UNO_PYTHON"), "/usr/bin/python3",
                  "/usr/lib/libreoffice/program/python", shutil.which("python3")]
    for exe in filter(None, candidates):
        if Path(exe).exists() and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0:
            return exe
    return None


def unavailable_reason() -> str | None:
    if not shutil.which("soffice"):
        return "LibreOffice (soffice) is not installed; .ci/run installs LibreOffice 25.2"
    if uno_python() is None:
        return "no Python with the uno module (Debian package python3-uno)"
    return None


def _office_environment() -> dict[str, str]:
    """The environment for LibreOffice: no virtual environment or Python settings of ours.

    LibreOffice's embedded Python finds its home from ``PATH``: with a virtual
    environment's ``bin`` first on ``PATH`` it loads that environment's site-packages and
    standard library, and fails (``std::bad_alloc`` when the extension is added).
    """
    env = {k: v for k, v in os.environ.items()
           if k not in {"VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "CONDA_PREFIX"}}
    office_dir = str(Path(shutil.which("soffice")).resolve().parent)
    env["PATH"] = os.pathsep.join(dict.fromkeys([str(Path(shutil.which("soffice")).parent), office_dir,
                                                 "/usr/local/bin", "/usr/bin", "/bin"]))
    env["SAL_USE_VCLPLUGIN"] = "svp"
    return env


class Calc:
    """A running headless LibreOffice with the extension installed in a throwaway profile."""

    def __init__(self, worker: subprocess.Popen):
        self._worker = worker

    @classmethod
    @contextmanager
    def started(cls, workdir: Path, extension: Path | None = None, recalc_on_load: bool = True):
        """Start LibreOffice; ``recalc_on_load=False`` keeps an xlsx's cached values on load
        (so that a benchmark times ``calculateAll`` alone)."""
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        workdir = Path(workdir)
        extension = extension or build.build(workdir / "xl-kent.oxt")
        profile = workdir / "profile"
        profile_url = profile.resolve().as_uri()
        env = _office_environment()
        (profile / "user").mkdir(parents=True, exist_ok=True)
        settings = RECALC_ALWAYS if recalc_on_load else RECALC_ALWAYS.replace("<value>0</value>", "<value>1</value>")
        (profile / "user" / "registrymodifications.xcu").write_text(settings, encoding="utf-8")
        worker = subprocess.Popen([uno_python(), str(WORKER), profile_url, str(extension)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, env=env)
        ready = worker.stdout.readline()
        if not ready.startswith('{"ready"'):
            worker.kill()
            raise RuntimeError(f"LibreOffice worker did not start: {ready!r}")
        calc = cls(worker)
        try:
            yield calc
        finally:
            calc.close()

    def recalculate(self, path: Path | str, save_as: Path | str | None = None) -> Workbook:
        """Load ``path``, recalculate every formula, and return every sheet's values."""
        request = {"cmd": "recalc", "path": str(Path(path).resolve()),
                   "save_as": str(Path(save_as).resolve()) if save_as else None}
        answer = self._ask(request)
        sheets = answer["sheets"]
        return Workbook(
            values={name: [[_value(v) for v in row] for row in s["values"]] for name, s in sheets.items()},
            formulas={name: s["formulas"] for name, s in sheets.items()},
            load_seconds=answer["load_seconds"],
            calc_seconds=answer["calc_seconds"],
        )

    def render(self, path: Path | str, shots: list[dict]) -> list[str]:
        """Recalculate ``path`` and export each shot, ``{"sheet": "Staff", "range": "A1:P20",
        "pdf": "out.pdf"}``, as a PDF of that range alone (the README's pictures)."""
        request = {"cmd": "render", "path": str(Path(path).resolve()),
                   "shots": [{**s, "pdf": str(Path(s["pdf"]).resolve())} for s in shots]}
        return self._ask(request)["rendered"]

    def describe(self, prefix: str = "KENT_") -> list[dict]:
        """What Calc's function wizard shows for the functions named ``prefix...``."""
        return self._ask({"cmd": "describe", "prefix": prefix})["functions"]

    def _ask(self, request: dict) -> dict:
        self._worker.stdin.write(json.dumps(request) + "\n")
        self._worker.stdin.flush()
        answer = json.loads(self._worker.stdout.readline())
        if "failed" in answer:
            raise RuntimeError(f"LibreOffice failed: {answer['failed']}")
        return answer

    def close(self) -> None:
        if self._worker.poll() is None:
            try:
                self._worker.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self._worker.stdin.flush()
                self._worker.wait(60)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self._worker.kill()


def require_or_skip():
    """Skip the calling test when LibreOffice is absent, unless CI requires it."""
    import pytest

    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get("XL_KENT_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"LibreOffice is required here (XL_KENT_REQUIRE_LIBREOFFICE=1): {reason}")
    pytest.skip(reason)


if __name__ == "__main__":  # python3 tests/lo_calc.py BOOK.xlsx: print the recalculated values
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, Calc.started(Path(tmp)) as calc:
        book = calc.recalculate(sys.argv[1])
        for name, rows in book.values.items():
            print(f"== {name}")
            for row in rows:
                print(row)
