"""xlwings, or stand-in decorators where it is not installed.

On Windows and in xlwings Lite/Server the decorators register the functions with
Excel; on Linux they do nothing. LibreOffice runs the Calc extension with its own
Python, which has no xlwings: there the stand-ins below let ``udfs.functions``
import unchanged (Calc's help text comes from the extension's configuration).
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
