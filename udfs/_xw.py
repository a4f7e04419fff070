"""xlwings, or stand-in decorators where it is not installed.

* Windows (the xl-kent add-in and the classic xlwings add-in): xlwings' COM decorators, read
  by Import Functions / ``ImportPythonUDFsToAddin``.
* xlwings Lite (Pyodide) and xlwings Server: their own xlwings, whose decorators register the
  functions when ``main.py`` imports them (``xl-kent lite`` writes that main.py). The wheel
  needs numpy alone there: nothing in ``udfs`` or the core imports another desktop package.
* Linux and macOS desktop Python: xlwings' decorators do nothing.
* LibreOffice's Python (the Calc extension), which has no xlwings: the stand-ins below let
  ``udfs.functions`` import unchanged (Calc's help text comes from the extension's configuration).
"""

from __future__ import annotations

try:
    import xlwings as xw
except ImportError:  # LibreOffice's Python (the Calc extension)

    class _Decorators:
        @staticmethod
        def func(*_args, **_kwargs):
            return lambda f: f

        @staticmethod
        def arg(*_args, **_kwargs):
            return lambda f: f

    xw = _Decorators()

__all__ = ["xw"]
