"""xlwings Lite: the wheel installs with numpy alone under Pyodide, the worksheet functions import and
compute without the desktop packages, and `xl-kent lite` writes the two files of a Lite workbook."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from xl_kent import __version__
from xl_kent_cli import cli, lite

ROOT = Path(__file__).resolve().parents[1]
URL = f"https://files.example.org/wheels/xl_kent-{__version__}-py3-none-any.whl"

#: What Pyodide (xlwings Lite) cannot or need not install: the udfs must work without them.
DESKTOP = ("xlwings", "pyarrow", "python_calamine", "openpyxl", "xlsxwriter", "defusedxml")

#: The environment markers of Pyodide, as micropip evaluates them (Python 3.12, emscripten).
PYODIDE = {"sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
           "platform_machine": "wasm32", "python_version": "3.12", "python_full_version": "3.12.7",
           "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}

_BLOCKER = f"""
import importlib.abc, sys
BLOCKED = {DESKTOP!r}
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is not installed (blocked: xlwings Lite has no such package)")
        return None
sys.meta_path.insert(0, Blocker())
for name in list(sys.modules):
    if name.split(".")[0] in BLOCKED:
        del sys.modules[name]
"""


def _run(code: str, cwd: Path = ROOT) -> str:
    env_code = _BLOCKER + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", env_code], capture_output=True, text=True, cwd=cwd,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_udfs_import_and_compute_without_the_desktop_packages():
    """Every KENT_ function, called as xlwings Lite calls it (dates as Excel serial numbers, a column as a
    flat list or a list of rows), with xlwings, pyarrow, python-calamine, openpyxl, xlsxwriter and
    defusedxml unimportable."""
    out = _run("""
        import udfs
        d = lambda y, m, day: float((__import__("datetime").date(y, m, day) - __import__("datetime").date(1899, 12, 30)).days)
        got = {
            "KENT_SICKPAY": udfs.KENT_SICKPAY(d(2020, 1, 6), d(2025, 5, 1), 10, 36500),
            "KENT_SICKPAY column": udfs.KENT_SICKPAY([[d(2020, 1, 6)], [None]], d(2025, 5, 1), [[10], [None]], 36500),
            "KENT_SICKPAY_LOG": udfs.KENT_SICKPAY_LOG("E1", d(2025, 5, 1), d(2025, 5, 10), d(2018, 1, 1), 36500),
            "KENT_REDUNDANCY_WEEKS": udfs.KENT_REDUNDANCY_WEEKS([[61], [30]], [[20], [40]]),
            "KENT_LEAVE_ACCRUAL": udfs.KENT_LEAVE_ACCRUAL("KR6", d(2015, 6, 1), d(2026, 3, 31)),
            "KENT_NOTICE": udfs.KENT_NOTICE("KR6", d(2016, 3, 1), d(2026, 3, 1)),
            "KENT_AWARD_OK": udfs.KENT_AWARD_OK([["E1"], ["E1"], ["E1"]], [[d(2025, 1, 10)], [d(2025, 6, 1)],
                                                [d(2026, 1, 9)]], [[400], [500], [200]], explain=True),
        }
        import sys
        loaded = sorted({m.split(".")[0] for m in sys.modules} & set(BLOCKED))
        print(repr((got, loaded)))
    """)
    got, loaded = eval(out)  # noqa: S307 (our own subprocess's repr)
    assert loaded == []
    assert got == {
        "KENT_SICKPAY": 1000.0,
        "KENT_SICKPAY column": [[1000.0], [""]],
        "KENT_SICKPAY_LOG": 1000.0,
        "KENT_REDUNDANCY_WEEKS": [[30.0], ["#NUM!"]],
        "KENT_LEAVE_ACCRUAL": 29.0,
        "KENT_NOTICE": 70.0,
        "KENT_AWARD_OK": [["OK"], ["OK"], ["Over the £1,000 limit for one employee in 12 months"]],
    }


def _wheel_metadata(tmp_path: Path) -> tuple[str, list[str]]:
    """Build the wheel from a copy of the source (no stale build/ folder) and return its METADATA and
    file names. pip builds it offline-fast without isolation when setuptools and wheel are installed,
    else in its own isolated environment."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for pkg in ("xl_kent", "xl_kent_cli", "udfs", "workbooks"):
        shutil.copytree(ROOT / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path / "dist"
    command = [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)]
    try:
        import setuptools
        import wheel  # noqa: F401

        if int(setuptools.__version__.split(".")[0]) >= 68:
            command.append("--no-build-isolation")
    except ImportError:
        pass
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"cannot build the wheel here: {done.stderr.strip()[-400:]}")
    (whl,) = out.glob("xl_kent-*.whl")
    assert whl.name == f"xl_kent-{__version__}-py3-none-any.whl", "not a pure-Python wheel"
    with zipfile.ZipFile(whl) as z:
        return z.read(f"xl_kent-{__version__}.dist-info/METADATA").decode(), z.namelist()


def test_the_wheel_needs_numpy_alone_in_pyodide(tmp_path):
    from packaging.requirements import Requirement

    metadata, names = _wheel_metadata(tmp_path)
    requires = [Requirement(r) for r in Parser().parsestr(metadata).get_all("Requires-Dist")]
    in_pyodide = sorted(r.name for r in requires if r.marker is None or r.marker.evaluate(PYODIDE))
    assert in_pyodide == ["numpy"], in_pyodide
    desktop = {**PYODIDE, "sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
               "platform_machine": "AMD64"}
    on_windows = {r.name.lower().replace("-", "_") for r in requires if r.marker is None or r.marker.evaluate(desktop)}
    assert on_windows >= {"numpy", *DESKTOP}, on_windows
    # the worksheet functions and their dated parameters are inside
    assert "udfs/functions.py" in names and any(n.startswith("xl_kent/parameters/") and n.endswith(".toml")
                                                for n in names)


def test_lite_writes_main_py_and_requirements_txt(tmp_path, capsys):
    folder = tmp_path / "kent-lite"
    assert cli.main(["lite", "-o", str(folder), "--wheel-url", URL]) == 0
    assert (folder / "requirements.txt").read_text() == f"numpy\n{URL}\n"
    main = (folder / "main.py").read_text()
    assert "from xlwings import arg, func" in main
    for name in lite.FUNCTIONS:
        assert f"{name} = _excel({name})" in main
    assert "main.py" in capsys.readouterr().out
    # never replaced without --force; both files or neither
    assert cli.main(["lite", "-o", str(folder), "--wheel-url", URL]) == 3
    assert "exists" in capsys.readouterr().err
    assert cli.main(["lite", "-o", str(folder), "--wheel-url", URL, "--force"]) == 0


@pytest.mark.parametrize("url, words", [
    ("http://files.example.org/xl_kent-0.1.0-py3-none-any.whl", "https://"),
    ("https://files.example.org/wheels/", "file name"),
    ("https://files.example.org/wheels/other-0.1.0-py3-none-any.whl", "file name"),
    ("https://files.example.org/wheels/xl_kent-0.1.0-cp312-cp312-win_amd64.whl", "pure-Python"),
])
def test_lite_refuses_a_wheel_address_lite_cannot_install(url, words, tmp_path, capsys):
    assert cli.main(["lite", "-o", str(tmp_path / "x"), "--wheel-url", url]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_lite_requires_the_wheel_url(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["lite", "-o", str(tmp_path)])
    assert e.value.code == 2
    assert "--wheel-url" in capsys.readouterr().err


def test_main_py_registers_every_function_with_the_lite_decorators(tmp_path):
    """main.py run as xlwings Lite runs it, with the desktop packages blocked and a stand-in for Lite's
    xlwings that records what each decorator is given."""
    (tmp_path / "main.py").write_text(lite.main_py())
    fake = tmp_path / "fake"
    (fake / "xlwings").mkdir(parents=True)
    (fake / "xlwings" / "__init__.py").write_text(textwrap.dedent("""
        registered = {}
        def func(f=None, **kwargs):
            def inner(f):
                registered.setdefault(f.__name__, {})["func"] = kwargs
                return f
            return inner if f is None else inner(f)
        def arg(name, convert=None, **kwargs):
            def inner(f):
                registered.setdefault(f.__name__, {}).setdefault("args", []).append((name, kwargs))
                return f
            return inner
    """))
    out = _run(f"""
        import sys
        BLOCKED = tuple(b for b in BLOCKED if b != "xlwings")  # the stand-in is Lite's own xlwings
        sys.path[:0] = [{str(fake)!r}, {str(tmp_path)!r}]
        import main, xlwings
        print(repr({{n: sorted({{a for a, _ in r["args"]}}) for n, r in xlwings.registered.items() if "func" in r}}))
        print(repr([n for n in dir(main) if n.startswith("KENT_")]))
    """, cwd=tmp_path)
    registered, exposed = (eval(line) for line in out.strip().splitlines())  # noqa: S307
    from udfs.functions import ARG_HELP

    assert sorted(exposed) == sorted(lite.FUNCTIONS) == sorted(ARG_HELP)
    for name in lite.FUNCTIONS:
        assert registered[name] == sorted(ARG_HELP[name]), name
