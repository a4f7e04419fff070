"""Build the template workbooks: ``python3 -m workbooks.build``.

Writes ``workbooks/kent_budget_planning.xlsx`` and ``workbooks/kent_award_tracking.xlsx``
(or into ``--out-dir``). The same code and XlsxWriter version give the same bytes
every run; ``--check`` rebuilds into a temporary folder and fails if the committed files
differ in content (cells, formulas, formats, validation, names) from a fresh build.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import awards, budget
from .common import save_atomically

HERE = Path(__file__).resolve().parent
TEMPLATES = {"budget": budget, "awards": awards}


def template_path(name: str, folder: Path = HERE) -> Path:
    """Where the built template ``name`` ("budget" or "awards") lives."""
    return folder / TEMPLATES[name].FILE_NAME


def build_all(folder: Path = HERE) -> list[Path]:
    """Build every template into ``folder``; return the paths written."""
    written = []
    for name, module in TEMPLATES.items():
        written.append(save_atomically(template_path(name, folder), module.build))
    return written


def content(path: Path) -> dict:
    """What a template holds, independent of XlsxWriter's byte layout: every sheet's cells
    (value or formula, number format, locked), data validations, conditional formats,
    merged cells, freeze panes, protection, and the workbook's defined names."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    out: dict = {"names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None and c.number_format == "General" and c.protection.locked:
                    continue
                text = getattr(v, "text", v)  # array formulas
                cells[c.coordinate] = (repr(text), c.number_format, c.protection.locked)
        out[ws.title] = {
            "cells": cells,
            "validations": sorted((str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.errorStyle)
                                  for dv in ws.data_validations.dataValidation),
            "conditional": sorted((str(rng.sqref), tuple(str(r.formula) for r in rules))
                                  for rng, rules in ws.conditional_formatting._cf_rules.items()),
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "freeze": ws.freeze_panes,
            "protected": ws.protection.sheet,
            "charts": len(ws._charts),
        }
    return out


def check(folder: Path = HERE, names: Sequence[str] = tuple(TEMPLATES)) -> list[str]:
    """The templates whose committed file differs from a fresh build (empty: all match)."""
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            fresh = template_path(name, Path(tmp))
            save_atomically(fresh, TEMPLATES[name].build)
            committed = template_path(name, folder)
            if not committed.exists() or content(committed) != content(fresh):
                stale.append(str(committed))
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m workbooks.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=HERE, help="folder to write into (default: workbooks/)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; fail if the committed templates differ from a fresh build")
    args = parser.parse_args(argv)
    if args.check:
        stale = check(args.out_dir)
        for path in stale:
            print(f"{path}: differs from a fresh build; run python3 -m workbooks.build", file=sys.stderr)
        return 1 if stale else 0
    for path in build_all(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
