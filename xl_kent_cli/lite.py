"""``xl-kent lite``: the two files an xlwings Lite workbook needs for the KENT_ functions.

xlwings Lite runs Python inside Excel (Pyodide) and keeps a workbook's code in two editor
tabs: ``main.py`` and ``requirements.txt``. This command writes both into a folder:

* ``requirements.txt`` names numpy and the xl-kent wheel **by the address where IT hosts
  it** (``--wheel-url``, required: Lite installs packages from the web, and there is no
  public copy of xl-kent to fall back on, so a placeholder would only fail later, inside
  Excel). On Pyodide the wheel needs numpy alone (the desktop packages carry
  ``sys_platform != "emscripten"`` markers in pyproject.toml);
* ``main.py`` imports the six functions from ``udfs`` and registers each with xlwings
  Lite's own decorators (``from xlwings import arg, func``), with the argument help of
  :data:`udfs.functions.ARG_HELP`. ``udfs`` already applies the same decorators when Lite's
  xlwings is there, so this is the same registration made visible in the workbook.

See docs/excel-setup.md (Option C) for the steps in Excel.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from xl_kent import __version__

from . import output as o

__all__ = ["FUNCTIONS", "main_py", "requirements_txt", "check_wheel_url", "run"]

PROG = "xl-kent lite"

#: The functions ``main.py`` registers, in the order docs/functions.md lists them.
FUNCTIONS = ("KENT_SICKPAY", "KENT_SICKPAY_LOG", "KENT_REDUNDANCY_WEEKS", "KENT_LEAVE_ACCRUAL", "KENT_NOTICE",
             "KENT_AWARD_OK")

# A wheel's file name: distribution-version(-build)?-python-abi-platform.whl (PEP 427).
_WHEEL = re.compile(r"^(?P<dist>[A-Za-z0-9_.]+)-(?P<version>[^-]+)(-\d[^-]*)?-(?P<tags>[^-]+-[^-]+-[^-]+)\.whl$")


def check_wheel_url(url: str) -> tuple[str, str | None]:
    """The wheel address as written to requirements.txt, and a note (or None); raises
    :class:`~xl_kent_cli.output.UsageError` for an address xlwings Lite cannot install from.

    >>> check_wheel_url("https://files.example.org/wheels/xl_kent-0.1.0-py3-none-any.whl")[0]
    'https://files.example.org/wheels/xl_kent-0.1.0-py3-none-any.whl'
    >>> check_wheel_url("http://files.example.org/xl_kent-0.1.0-py3-none-any.whl")
    Traceback (most recent call last):
    ...
    xl_kent_cli.output.UsageError: --wheel-url must be an https:// address (xlwings Lite runs in a secure web page and cannot download over http): http://files.example.org/xl_kent-0.1.0-py3-none-any.whl
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise o.UsageError("--wheel-url must be an https:// address (xlwings Lite runs in a secure web page "
                           f"and cannot download over http): {url}")
    if any(ch.isspace() for ch in url):
        raise o.UsageError(f"--wheel-url must not contain spaces (write them as %20): {url}")
    name = parts.path.rsplit("/", 1)[-1]
    m = _WHEEL.match(name)
    if not m or m["dist"].lower().replace(".", "_") != "xl_kent":
        raise o.UsageError(f"--wheel-url must end in the wheel's own file name, xl_kent-VERSION-py3-none-any.whl "
                           f"(as `pip wheel . --no-deps -w dist` names it), not {name or 'nothing'!r}")
    if m["tags"] != "py3-none-any":
        raise o.UsageError(f"{name} is not a pure-Python wheel (py3-none-any): xlwings Lite cannot install it")
    note = None
    if m["version"] != __version__:
        note = (f"the wheel is version {m['version']}; this xl-kent is {__version__}: main.py names the "
                "functions of this version")
    return url, note


def requirements_txt(wheel_url: str) -> str:
    """The requirements.txt tab: numpy (unpinned: Pyodide brings its own build) and the wheel."""
    return f"numpy\n{wheel_url}\n"


def main_py() -> str:
    """The main.py tab: the KENT_ functions imported and registered with xlwings Lite."""
    names = ",\n    ".join(sorted(FUNCTIONS))
    registered = "\n".join(f"{name} = _excel({name})" for name in FUNCTIONS)
    return f'''"""The Kent Scheme worksheet functions of xl-kent {__version__} in xlwings Lite.

Written by `xl-kent lite`; the steps are in docs/excel-setup.md (Option C). xlwings Lite
registers every decorated function this file holds, imported ones too. Add your own
functions below if you like; keep these lines.
"""

from xlwings import arg, func

from udfs import (
    {names},
)
from udfs.functions import ARG_HELP


def _excel(f):
    """Register f with xlwings Lite, with the help of each argument (udfs registers them
    the same way as it is imported: doing it again here changes nothing)."""
    for name, doc in reversed(ARG_HELP[f.__name__].items()):
        f = arg(name, doc=doc, err_to_str=True)(f)
    return func(f)


{registered}
'''


def run(folder, wheel_url: str, force: bool, out, err) -> int:
    """Write ``folder/main.py`` and ``folder/requirements.txt``; the exit code."""
    from xl_kent.files.writing import _atomic, all_or_nothing

    try:
        url, note = check_wheel_url(wheel_url)
    except o.UsageError as e:
        o.report(PROG, err, e)
        return o.EXIT_USAGE
    target = Path(folder)
    if target.exists() and not target.is_dir():
        o.report(PROG, err, f"{target} is a file, not a folder")
        return o.EXIT_OUTPUT
    files = {target / "main.py": main_py(), target / "requirements.txt": requirements_txt(url)}
    there = [p for p in files if p.exists()]
    if there and not force:
        o.report(PROG, err, f"{there[0]} exists: refusing to replace it (use --force)")
        return o.EXIT_OUTPUT
    try:
        with o.writing_step(target):
            target.mkdir(parents=True, exist_ok=True)
            with all_or_nothing():  # both files or neither
                for path, text in files.items():
                    with _atomic(path) as f:
                        f.write(text.encode("utf-8"))
    except o.OutputError as e:
        o.report(PROG, err, e, e)
        return o.EXIT_OUTPUT
    if note:
        o.warn(PROG, [note], err)
    for path in files:
        print(f"{path}", file=out)
    print("Paste main.py and requirements.txt into the xlwings Lite tabs of the same names "
          "(docs/excel-setup.md, Option C).", file=out)
    return o.EXIT_OK
