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
    # the rules core and the staff-list layer (its checks and figures); not the file layer's byte
    # sizes, nor the invented figures of the synthetic sample
    paths = [*(ROOT / "xl_kent").glob("*.py"), *(p for p in (ROOT / "xl_kent" / "lists").glob("*.py")
                                                 if p.name != "synth.py")]
    for path in sorted(paths):
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
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {stripped}")
    assert not offenders, "\n".join(offenders)


# The layers, bottom up: what each package may import of the project (itself included).
LAYERS = {
    "xl_kent": {"xl_kent"},  # the rules core: rules, parameters, dates, cell conversion, errors
    "xl_kent.files": {"xl_kent", "xl_kent.files"},  # reading and writing files
    "xl_kent.lists": {"xl_kent", "xl_kent.files", "xl_kent.lists"},  # mapping, checks, the per-person figures
    "udfs": {"xl_kent", "udfs"},  # the Excel layer: coercion only
    "workbooks": {"xl_kent", "xl_kent.files", "xl_kent.lists", "udfs", "workbooks"},  # templates
    "xl_kent_cli": {"xl_kent", "xl_kent.files", "xl_kent.lists", "udfs", "workbooks", "xl_kent_cli"},  # commands
    # Python users' entry point over the commands' work
    "xl_kent.frame": {"xl_kent", "xl_kent.files", "xl_kent.lists", "udfs", "workbooks", "xl_kent_cli",
                      "xl_kent.frame"},
}


def _layer(module: str) -> str | None:
    for name in sorted(LAYERS, key=len, reverse=True):
        if module == name or module.startswith(name + "."):
            return name
    return None


def _imports(path: Path, package: str) -> set[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):  # imports inside functions count too
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                found.add(node.module)
    return found


def test_no_module_imports_a_higher_layer():
    """Rules core at the bottom; files and staff lists above it; commands, Excel layer and templates on top."""
    offenders = []
    for top in ("xl_kent", "udfs", "workbooks", "xl_kent_cli"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            module = ".".join(rel.parts)
            package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
            own = _layer(module)
            for imported in _imports(path, package):
                layer = _layer(imported)
                if layer is not None and layer not in LAYERS[own]:
                    offenders.append(f"{rel}: imports {imported} ({layer} is above {own})")
    assert not offenders, "\n".join(offenders)
