"""The KENT_ functions in LibreOffice Calc: a Calc add-in extension (``.oxt``).

Build it with ``python3 -m udfs.calc.build`` and install it with
``unopkg add dist/xl-kent.oxt``. The extension calls the same Excel layer
(:mod:`udfs.functions`) and core as Excel does; :mod:`udfs.calc.bridge` only turns
what Calc hands an add-in into what Excel hands a UDF, and the answer back.
"""
