"""A small built-in staff list and award log, for ``xl-kent demo`` and the docs.

The rows show every feature: full- and part-time staff, a joiner and a leaver in
the leave year, someone crossing the 5-year uplift, a casual and a relief worker,
staff at risk of redundancy with and without an enhancement, and rows with bad
data that get their own error while the others compute.
"""

from __future__ import annotations

import datetime as dt

D = dt.date

#: As-of date of the demo: the end of the 2026/27 leave year.
AS_OF = D(2027, 3, 31)
#: First day of the modelled sickness absence, and its length in calendar days.
ABSENCE_START = D(2026, 9, 1)
ABSENCE_DAYS = 60

STAFF = [
    # id, name, grade, weekly hours, salary, birth, service start, employment start, end,
    # prior paid sick days, contract ("salaried", "casual", "relief"), hours worked a month,
    # enhancement multiplier
    dict(id="K1001", name="A. Patel", grade="KR6", weekly_hours=37, salary=27_500,
         birth=D(1981, 5, 2), service_start=D(2012, 9, 3), start=None, end=None,
         prior_sick_days=0, contract="salaried", hours_worked=None, multiplier=1),
    dict(id="K1002", name="B. Okafor", grade="KR9", weekly_hours=18.5, salary=19_250,
         birth=D(1990, 11, 20), service_start=D(2021, 6, 15), start=None, end=None,
         prior_sick_days=12, contract="salaried", hours_worked=None, multiplier=1),
    dict(id="K1003", name="C. Smith", grade="KR13", weekly_hours=37, salary=58_900,
         birth=D(1966, 1, 30), service_start=D(1999, 4, 12), start=None, end=None,
         prior_sick_days=0, contract="salaried", hours_worked=None, multiplier=1.5),
    dict(id="K1004", name="D. Jones", grade="KR Entry", weekly_hours=30, salary=16_100,
         birth=D(2005, 7, 8), service_start=D(2026, 10, 1), start=D(2026, 10, 1), end=None,
         prior_sick_days=0, contract="salaried", hours_worked=None, multiplier=1),
    dict(id="K1005", name="E. Brown", grade="kr 4", weekly_hours=37, salary=22_300,
         birth=D(1975, 3, 14), service_start=D(2019, 3, 1), start=None, end=D(2026, 12, 31),
         prior_sick_days=45, contract="salaried", hours_worked=None, multiplier=1),
    dict(id="K1006", name="F. Green", grade="KR5", weekly_hours=None, salary=None,
         birth=None, service_start=None, start=None, end=None,
         prior_sick_days=0, contract="casual", hours_worked=20, multiplier=None),
    dict(id="K1007", name="G. White", grade="KR5", weekly_hours=None, salary=None,
         birth=None, service_start=D(2023, 1, 9), start=None, end=None,
         prior_sick_days=0, contract="relief", hours_worked=20, multiplier=None),
    dict(id="K1008", name="H. Black", grade="KR2", weekly_hours=37, salary=21_000,
         birth=D(1988, 2, 29), service_start=D(2016, 2, 1), start=None, end=None,
         prior_sick_days=0, contract="salaried", hours_worked=None, multiplier=1),
    dict(id="K1009", name="I. Grey", grade="KR7", weekly_hours=40, salary="TBC",
         birth=D(1992, 8, 1), service_start=D(2018, 8, 1), start=None, end=None,
         prior_sick_days=0, contract="salaried", hours_worked=None, multiplier=3),
]

AWARDS = [
    # employee, date, amount, kind, work ref, endorsed, ineligible
    dict(employee="K1001", date=D(2026, 5, 12), amount=400, kind="individual", ref="W-101", endorsed=None, ineligible=False),
    dict(employee="K1001", date=D(2026, 9, 30), amount=500, kind="individual", ref="W-117", endorsed=None, ineligible=False),
    dict(employee="K1001", date=D(2027, 2, 1), amount=250, kind="team", ref="P-7", endorsed=True, ineligible=False),
    dict(employee="K1002", date=D(2026, 6, 1), amount=300, kind="team", ref="P-7", endorsed=True, ineligible=False),
    dict(employee="K1002", date=D(2026, 6, 1), amount=100, kind="individual", ref="P-7", endorsed=None, ineligible=False),
    dict(employee="K1003", date=D(2026, 7, 20), amount=600, kind="individual", ref="W-140", endorsed=None, ineligible=False),
    dict(employee="K1004", date=D(2026, 11, 2), amount=150, kind="team", ref="P-9", endorsed=False, ineligible=False),
    dict(employee="K1005", date=D(2026, 8, 8), amount=200, kind="individual", ref="W-150", endorsed=None, ineligible=True),
    dict(employee="K1006", date=D(2026, 8, 8), amount=None, kind="individual", ref="W-151", endorsed=None, ineligible=False),
]
