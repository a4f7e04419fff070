"""xl-kent: Kent County Council's Kent Scheme employment rules as a numpy core.

The rule families, each a flat function over numpy arrays (one row or a million,
one code path), with every number in the dated parameter files of
``xl_kent/parameters/``:

* :func:`xl_kent.sick_pay.sick_pay` — contractual sick pay and SSP (chapter J.2);
* :func:`xl_kent.sick_pay_log.sick_pay_log` — the same over an absence record, with the
  rolling year and linked SSP read from the record (J.2);
* :func:`xl_kent.redundancy.redundancy_weeks` — weeks' pay on redundancy (I.2.G);
* :func:`xl_kent.leave.leave_accrual` — annual leave accrued (G.1, G.2);
* :func:`xl_kent.notice.notice` — notice KCC gives, contractual or statutory (L.1-L.3, I.2.E);
* :func:`xl_kent.awards.award_ok` — recognition cash award checks.

Each returns its values and an ``error`` array of reason codes (see
:mod:`xl_kent.errors`); a bad row never raises for the batch. The Excel functions
built on this core are in the ``udfs`` package.
"""

from .awards import award_ok
from .leave import leave_accrual
from .notice import notice
from .redundancy import redundancy_pay_gbp, redundancy_weeks, weekly_pay_gbp
from .sick_pay import sick_pay
from .sick_pay_log import sick_pay_log

__version__ = "0.1.0"

__all__ = [
    "award_ok",
    "leave_accrual",
    "notice",
    "redundancy_pay_gbp",
    "redundancy_weeks",
    "sick_pay",
    "sick_pay_log",
    "weekly_pay_gbp",
    "__version__",
]
