"""Excel functions of xl-kent (xlwings UDF module ``udfs``).

>>> from udfs import KENT_SICKPAY, KENT_REDUNDANCY_WEEKS, KENT_LEAVE_ACCRUAL, KENT_AWARD_OK, KENT_SICKPAY_LOG
>>> from udfs import KENT_NOTICE
"""

from .functions import (
    KENT_AWARD_OK,
    KENT_LEAVE_ACCRUAL,
    KENT_NOTICE,
    KENT_REDUNDANCY_WEEKS,
    KENT_SICKPAY,
    KENT_SICKPAY_LOG,
)

__all__ = ["KENT_SICKPAY", "KENT_REDUNDANCY_WEEKS", "KENT_LEAVE_ACCRUAL", "KENT_AWARD_OK", "KENT_SICKPAY_LOG",
           "KENT_NOTICE"]
