"""The UNO component of the Calc extension: Calc calls these methods.

Copied into the ``.oxt`` as ``xl_kent_calc.py`` by :mod:`udfs.calc.build`. It runs
inside LibreOffice, in LibreOffice's own Python, and only reads the cells Calc hands
over; :mod:`udfs.calc.bridge` (bundled in the extension's ``pythonpath`` with the
core and numpy) does the rest.
"""

import os
import sys

import unohelper

try:
    from xlkent import XKentFunctions
except ImportError:  # unopkg registers the component before the type library is live
    XKentFunctions = object

IMPLEMENTATION = "xlkent.KentFunctions"
SERVICES = ("com.sun.star.sheet.AddIn",)
_BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pythonpath")


def _bridge():
    # The bundled core and numpy come first, before any numpy of the system's Python.
    if sys.path[:1] != [_BUNDLED]:
        sys.path.insert(0, _BUNDLED)
    from udfs.calc import bridge

    return bridge


def _null_date(options):
    import datetime as dt

    try:
        d = options.getPropertyValue("NullDate")
        return dt.date(d.Year, d.Month, d.Day)
    except Exception:  # no document options: Calc's default null date
        return None


def _range_cells(bridge, rng):
    rows = rng.getDataArray()
    errors = {(r, c): rng.getCellByPosition(c, r).getError()
              for r, row in enumerate(rows) for c, v in enumerate(row) if v is None}
    return bridge.RangeCells(rows, errors)


class KentFunctions(unohelper.Base, XKentFunctions):
    """KENT_SICKPAY, KENT_REDUNDANCY_WEEKS, KENT_LEAVE_ACCRUAL, KENT_AWARD_OK, KENT_SICKPAY_LOG and KENT_NOTICE."""

    def __init__(self, ctx):
        self.ctx = ctx

    def _call(self, name, options, args):
        bridge = _bridge()
        try:
            spec = bridge.BY_NAME[name]
            values = [_range_cells(bridge, a) if p.takes == "range" else a
                      for p, a in zip(spec.params, args, strict=True)]
            return bridge.call(name, values, _null_date(options))
        except Exception as exc:  # never let an exception reach Calc: #VALUE!
            print(f"xl-kent: {name} failed: {exc!r}", file=sys.stderr)
            return bridge.whole_call_error()

    def kentSickPay(self, options, serviceStart, absenceStart, absenceDays, annualSalary,
                    priorPaidDays, output, temporaryShort):
        return self._call("KENT_SICKPAY", options, (serviceStart, absenceStart, absenceDays, annualSalary,
                                                    priorPaidDays, output, temporaryShort))

    def kentRedundancyWeeks(self, options, age, yearsOfService, multiplier, explain):
        return self._call("KENT_REDUNDANCY_WEEKS", options, (age, yearsOfService, multiplier, explain))

    def kentLeaveAccrual(self, options, grade, serviceStart, asOf, weeklyHours, employmentStart,
                         employmentEnd, unit, explain):
        return self._call("KENT_LEAVE_ACCRUAL", options, (grade, serviceStart, asOf, weeklyHours,
                                                          employmentStart, employmentEnd, unit, explain))

    def kentAwardOk(self, options, employeeIds, awardDates, amounts, kinds, workRefs, endorsed,
                    ineligible, explain):
        return self._call("KENT_AWARD_OK", options, (employeeIds, awardDates, amounts, kinds, workRefs,
                                                     endorsed, ineligible, explain))

    def kentSickPayLog(self, options, employeeIds, firstDays, lastDays, serviceStarts, annualSalaries,
                       temporaryShort, output):
        return self._call("KENT_SICKPAY_LOG", options, (employeeIds, firstDays, lastDays, serviceStarts,
                                                        annualSalaries, temporaryShort, output))

    def kentNotice(self, options, grade, serviceStart, noticeDate, output, annualSalary):
        return self._call("KENT_NOTICE", options, (grade, serviceStart, noticeDate, output, annualSalary))

    # com.sun.star.lang.XServiceName
    def getServiceName(self):
        return IMPLEMENTATION


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(KentFunctions, IMPLEMENTATION, SERVICES)
