"""Synthetic staff lists and award logs, for trying the bulk commands and for tests.

Everything here is invented: no real person, and the **salary ranges per grade are
plausible synthetic figures**, not the Kent Scheme pay spine (which is not in the
parameters). The list looks like a real HR extract: a grade mix weighted to the
middle grades, salaries within the grade's range and pro rata for part-time (about
30%), ages 16 to 70, continuous service consistent with age (never before the 16th
birthday), some earlier continuous service (employment start later than service
start), joiners and leavers in the leave year, casual and relief workers with hours
worked, paid sick days in the last 12 months and a few redundancy enhancements.

``bad=K`` seeds K deliberately bad rows, cycling through :data:`BAD_KINDS`; the
:class:`Manifest` says which rows and ids, so that tests can check every one of them
comes out in the Errors sheet and status column. The same seed gives the same file.
Vectorised with :class:`numpy.random.Generator`: a million rows in about a second.

Examples
--------
>>> s = staff_sample(1000, bad=6, seed=1)
>>> len(s.columns[0]), s.headers[:3]
(1000, ['Employee ID', 'Name', 'Cost Centre'])
>>> sorted(s.manifest.kinds)
['blank_date', 'duplicate_id', 'duplicate_originals', 'end_before_start', 'impossible_age', 'text_salary', 'unknown_grade']
>>> len(s.manifest.bad_rows)  # the duplicated id's first row is bad too
7
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from .. import params
from ..dates import MONTHS_PER_YEAR, add_months, complete_months
from ..leave import grade_entitlement_days

__all__ = ["SAMPLE_AS_OF", "SAMPLE_ROWS", "BAD_KINDS", "GRADES", "Manifest", "Sample", "staff_sample", "award_sample",
           "absence_sample", "write_sample"]

#: The date the sample is generated for (ages, service and leavers are set relative
#: to it): the end of the 2026/27 leave year. ``--as-of`` changes it.
SAMPLE_AS_OF = np.datetime64("2027-03-31", "D")

#: Rows of ``xl-kent sample`` when ``--rows`` is not given.
SAMPLE_ROWS = 1000

#: Kinds of deliberately bad rows, in the order they are seeded.
BAD_KINDS = ("blank_date", "text_salary", "impossible_age", "unknown_grade", "duplicate_id", "end_before_start")

#: Grade, share of staff, and a SYNTHETIC full-time salary range in £ (not the pay spine).
GRADES = (
    ("KR Entry", 0.03, 21_000, 22_000), ("Apprentice", 0.02, 14_000, 19_000),
    ("KR3", 0.06, 22_000, 23_200), ("KR4", 0.08, 23_000, 24_600), ("KR5", 0.10, 24_400, 26_500),
    ("KR6", 0.13, 26_000, 29_500), ("KR7", 0.13, 29_000, 32_800), ("KR8", 0.12, 32_500, 37_000),
    ("KR9", 0.10, 36_500, 41_500), ("KR10", 0.08, 41_000, 46_500), ("KR11", 0.06, 46_000, 52_500),
    ("KR12", 0.04, 52_000, 59_000), ("KR13", 0.03, 58_500, 67_000), ("KR14", 0.015, 66_500, 76_000),
    ("KR15", 0.005, 75_000, 90_000),
)
_SURNAMES = np.array("Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Wright Robinson Wood "
                     "Thompson Evans Walker White Roberts Green Hall Khan Clarke Jackson Lewis Hill Harris "
                     "Okafor Martin Cooper King Lee Baker Shah Turner Moore Ali Kaur Murphy Begum Allen "
                     "Mitchell".split(), dtype=object)
_PART_TIME_HOURS = np.array([15.0, 18.5, 22.2, 22.5, 25.0, 29.6, 30.0, 32.0])
_DAYS_PER_YEAR = 365.25  # calendar average, for drawing ages and service only
_COST_CENTRES = 24  # CC101 ... CC124
_AT_RISK_SHARE = 0.08  # posts at risk in a restructure
_NOT_LGPS_SHARE = 0.05  # salaried staff outside the LGPS (invented)
_PENSION_AGE = params.parameter("restructure", "unreduced_pension_min_age_years").value_on(None)
_PENSION_YEARS = params.parameter("restructure", "unreduced_pension_min_service_years").value_on(None)
_LEAVE_TAKEN_SHARE = 0.85  # rows with a leave-taken figure; the others leave it blank (none taken)

STAFF_HEADERS = ["Employee ID", "Name", "Cost Centre", "Grade", "Contract", "Weekly Hours", "Hours Worked",
                 "Annual Salary", "Date of Birth", "Continuous Service Date", "Start Date", "End Date",
                 "Sick Days (12 months)", "At Risk", "Redundancy Multiplier", "Leave Taken (days)", "LGPS member?",
                 "Pension strain cost £"]
STAFF_FORMATS = ["integer", "text", "text", "text", "text", "number", "number", "gbp", "date", "date",
                 "date", "date", "number", "text", "number", "number", "text", "gbp"]
AWARD_HEADERS = ["Employee ID", "Award Date", "Amount", "Kind", "Work Reference", "Endorsed", "Ineligible"]
AWARD_FORMATS = ["integer", "date", "gbp", "text", "text", "general", "general"]


@dataclass
class Manifest:
    """The deliberately bad rows of a sample: 0-based data rows and ids, by kind.

    ``duplicate_originals`` are the good rows whose id a ``duplicate_id`` row copied:
    they come out with a problem too (we cannot know which of the two is right).
    """

    kinds: dict[str, list[int]] = field(default_factory=dict)  # kind -> rows
    ids: dict[str, list[int]] = field(default_factory=dict)  # kind -> employee ids

    @property
    def bad_rows(self) -> list[int]:
        """Every row that must come out with a problem (both rows of a duplicated id)."""
        rows = {r for rs in self.kinds.values() for r in rs}
        return sorted(rows | set(self.kinds.get("duplicate_originals", [])))


@dataclass
class Sample:
    headers: list[str]
    columns: list[np.ndarray]
    formats: list[str]
    manifest: Manifest


def _days(years) -> np.ndarray:
    return (np.asarray(years) * _DAYS_PER_YEAR).astype(np.int64).astype("timedelta64[D]")


def staff_sample(rows: int, bad: int = 0, seed: int = 0, as_of=SAMPLE_AS_OF) -> Sample:
    """A synthetic staff list of ``rows`` rows with ``bad`` deliberately bad rows."""
    if bad > rows:
        raise ValueError(f"cannot seed {bad} bad rows in {rows} rows")
    rng = np.random.default_rng(seed)
    n = rows
    as_of = np.datetime64(as_of, "D")
    year_start = add_months(as_of + np.timedelta64(1, "D"), -MONTHS_PER_YEAR)  # leave year for 31 March

    ids = (1_000_001 + rng.permutation(n)).astype(np.int64)
    initials = np.array([f"{c}. " for c in "ABCDEFGHIJKLMNOPRSTW"], dtype=object)
    names = (initials[:, None] + _SURNAMES[None, :]).reshape(-1)
    name = names[rng.integers(0, names.shape[0], n)]
    centres = np.array([f"CC{k:03d}" for k in range(101, 101 + _COST_CENTRES)], dtype=object)
    cost_centre = centres[rng.integers(0, centres.shape[0], n)]

    contract_code = rng.choice(3, size=n, p=[0.94, 0.04, 0.02])  # salaried, casual, relief
    contract = np.array(["Salaried", "Casual", "Relief"], dtype=object)[contract_code]
    salaried = contract_code == 0
    weights = np.array([g[1] for g in GRADES])
    g = rng.choice(len(GRADES), size=n, p=weights / weights.sum())
    grade = np.array([x[0] for x in GRADES], dtype=object)[g]
    lo = np.array([x[2] for x in GRADES], dtype=float)[g]
    hi = np.array([x[3] for x in GRADES], dtype=float)[g]

    part_time = salaried & (rng.random(n) < 0.30)
    hours = np.where(part_time, _PART_TIME_HOURS[rng.integers(0, _PART_TIME_HOURS.shape[0], n)], 37.0)
    hours = np.where(salaried, hours, np.nan)
    worked = np.where(salaried, np.nan, np.round(rng.uniform(40, 900, n) * 2) / 2)
    salary = np.where(salaried, np.round(rng.uniform(lo, hi) * hours / 37.0), np.nan)

    age = np.clip(rng.normal(44, 12, n), 16.2, 69.8)
    age = np.where(g == 1, np.clip(age, 16.2, 24.0), age)  # apprentices are young
    birth = as_of - _days(age)
    sixteenth = add_months(birth, 16 * MONTHS_PER_YEAR)
    longest = (as_of - sixteenth).astype(np.int64) - 1
    service_days = np.minimum(rng.exponential(9 * _DAYS_PER_YEAR, n).astype(np.int64), longest)
    joiner = rng.random(n) < 0.06  # started in this leave year
    in_year = (as_of - year_start).astype(np.int64)
    service_days = np.where(joiner, np.minimum(rng.integers(0, in_year + 1, n), longest), service_days)
    service = as_of - service_days.astype("timedelta64[D]")
    earlier = (rng.random(n) < 0.15) & (service_days > 400)  # earlier continuous service elsewhere
    start = np.where(earlier, service + (rng.random(n) * service_days).astype("timedelta64[D]"),
                     np.datetime64("NaT"))
    leaver = rng.random(n) < 0.05
    first_day = np.where(np.isnat(start), service, start)
    end_day = first_day + (rng.random(n) * ((as_of - first_day).astype(np.int64) + 1)).astype("timedelta64[D]")
    end = np.where(leaver, np.maximum(end_day, year_start), np.datetime64("NaT"))
    end = np.where(leaver & (end < first_day), first_day, end)

    sick = np.where(rng.random(n) < 0.3, np.minimum(np.round(rng.exponential(12, n)), 250.0), 0.0)
    multiplier = np.where(rng.random(n) < 0.08, rng.choice([1.25, 1.5, 2.0], n), np.nan)
    at_risk = np.where(salaried & (rng.random(n) < _AT_RISK_SHARE), "Yes", "No").astype(object)
    at_risk[~salaried] = None
    # leave taken so far: most of a year's entitlement by the year end, pro rata for part-time; a few ahead
    basic, _after = grade_entitlement_days(grade, as_of)
    full_week = params.parameter("leave", "full_time_weekly_hours").value_on(as_of)
    full_year = np.where(salaried, basic * hours / full_week, np.nan)
    begun = np.maximum(np.where(np.isnat(start), service, start), year_start)  # employed in the leave year:
    ended = np.where(np.isnat(end), as_of, np.minimum(end, as_of))  # from this day to that one
    share = np.clip(((ended - begun).astype(np.int64) + 1) / ((as_of - year_start).astype(np.int64) + 1), 0, 1)
    taken = np.round(full_year * share * rng.uniform(0.2, 1.05, n) * 2) / 2
    taken = np.where(salaried & (rng.random(n) < _LEAVE_TAKEN_SHARE), taken, np.nan)

    # The restructure (drawn after every other column, so that those stay as they were): a few staff
    # outside the LGPS; for most posts at risk that bring an unreduced pension on the as-of date (aged
    # 55+ with 2+ years' service, the ages and service invented above) a strain cost the fund might quote.
    lgps = np.where(salaried & (rng.random(n) < _NOT_LGPS_SHARE), "No", None).astype(object)
    age_years = complete_months(birth, np.full(n, as_of)) // MONTHS_PER_YEAR
    service_years = complete_months(service, np.full(n, as_of)) // MONTHS_PER_YEAR
    flagged = ((at_risk == "Yes") & (lgps == None) & (age_years >= _PENSION_AGE)  # noqa: E711
               & (service_years >= _PENSION_YEARS) & np.isnat(end))
    quote = np.round(rng.uniform(5_000, 120_000, n), -2)
    strain = np.where(flagged & (rng.random(n) < 0.85), quote, np.nan)

    manifest = Manifest()
    salary_col: np.ndarray = salary
    if bad:
        chosen = rng.choice(n, size=bad, replace=False)
        kinds = [BAD_KINDS[k % len(BAD_KINDS)] for k in range(bad)]
        for r, kind in zip(chosen.tolist(), kinds, strict=True):
            manifest.kinds.setdefault(kind, []).append(r)
        # Bad rows are salaried full-time staff, so each fault is the only thing wrong.
        contract[chosen] = "Salaried"
        strain[chosen] = np.nan  # the fault stays the only thing wrong
        hours[chosen], worked[chosen] = 37.0, np.nan
        salary[chosen] = np.round(rng.uniform(lo[chosen], hi[chosen]))
        rows_of = manifest.kinds.get
        service[rows_of("blank_date", [])] = np.datetime64("NaT")
        salary_col = salary.astype(object)
        salary_col[np.isnan(salary)] = None
        salary_col[rows_of("text_salary", [])] = "TBC"
        r = rows_of("impossible_age", [])
        birth[r] = as_of - _days(np.full(len(r), 109.5))  # a typo in the year: aged over 100
        grade[rows_of("unknown_grade", [])] = "KR2"
        r = rows_of("end_before_start", [])
        start[r] = np.maximum(service[r], as_of - np.timedelta64(200, "D"))
        end[r] = start[r] - np.timedelta64(30, "D")
        r = rows_of("duplicate_id", [])
        if r:
            good = np.setdiff1d(np.arange(n), chosen)
            originals = rng.choice(good, size=len(r), replace=False)
            ids[r] = ids[originals]
            manifest.kinds["duplicate_originals"] = sorted(originals.tolist())
        manifest.ids = {k: sorted(ids[v].tolist()) for k, v in manifest.kinds.items()}

    columns = [ids, name, cost_centre, grade, contract, hours, worked, salary_col, birth, service, start, end,
               sick, at_risk, multiplier, taken, lgps, strain]
    return Sample(list(STAFF_HEADERS), columns, list(STAFF_FORMATS), manifest)


def award_sample(employee_ids: np.ndarray, rows: int, seed: int = 0, as_of=SAMPLE_AS_OF) -> Sample:
    """A synthetic award log of ``rows`` payments to the given employees.

    About a third are team awards (several employees sharing a work reference, nearly
    all endorsed); a few employees get several awards a year, so some rows break the
    12-month limit, some the one-award limit, and a few are ineligible: the check has
    something to find.
    """
    rng = np.random.default_rng(seed + 7919)
    as_of = np.datetime64(as_of, "D")
    ids = np.asarray(employee_ids)
    pool = rng.choice(ids, size=max(1, min(ids.shape[0], rows * 2 // 3)), replace=False)
    emp = pool[rng.integers(0, pool.shape[0], rows)]  # about 1.5 awards each, a few with many
    when = as_of - rng.integers(0, 450, rows).astype("timedelta64[D]")
    team = rng.random(rows) < 0.33
    amount = rng.choice([50.0, 75.0, 100.0, 150.0, 200.0, 250.0, 300.0, 400.0, 500.0, 600.0], rows,
                        p=[0.12, 0.12, 0.22, 0.15, 0.15, 0.1, 0.07, 0.04, 0.025, 0.005])
    amount = np.where(team, np.minimum(amount, 150.0), amount)
    n_projects = max(1, rows // 6)
    ref_num = rng.integers(1, n_projects + 1, rows)
    ref = np.where(team, "P-" + ref_num.astype(str).astype(object), "W-" + np.arange(1, rows + 1).astype(str).astype(object))
    ref = ref.astype(object)
    # A few individual awards for work a team award of the same employee covered already.
    team_rows, single_rows = np.flatnonzero(team), np.flatnonzero(~team)
    k = min(max(1, rows // 100), team_rows.shape[0], single_rows.shape[0])
    if k:
        src, dst = rng.choice(team_rows, k, replace=False), rng.choice(single_rows, k, replace=False)
        emp[dst], ref[dst] = emp[src], ref[src]
    kind = np.where(team, "Team", "Individual").astype(object)
    endorsed = np.full(rows, None, dtype=object)
    endorsed[team] = rng.random(int(team.sum())) < 0.9
    ineligible = rng.random(rows) < 0.01
    order = np.argsort(when, kind="stable")
    columns = [emp[order], when[order], amount[order], kind[order], ref[order], endorsed[order], ineligible[order]]
    return Sample(list(AWARD_HEADERS), columns, list(AWARD_FORMATS), Manifest())


ABSENCE_HEADERS = ["Employee ID", "Name", "Start of absence", "End of absence", "Continuous Service Date",
                   "Annual Salary", "Temporary (4 months or less)", "Reason"]
ABSENCE_FORMATS = ["integer", "text", "date", "date", "date", "gbp", "general", "text"]
_REASONS = np.array(["Cold or flu", "Musculoskeletal", "Stress", "Gastro", "Injury", "Operation", "Other"],
                    dtype=object)


def absence_sample(staff: Sample, rows: int, seed: int = 0, as_of=SAMPLE_AS_OF) -> Sample:
    """A synthetic absence record of up to ``rows`` absences of the salaried staff of ``staff``
    (their ids, names, service dates and salaries), in the 18 months to ``as_of`` (absences
    drawn after ``as_of`` or before the service start are left out).

    Most absences are short (1 to 5 days), some a few weeks, a few long-term (up to 8
    months), so that some employees use their full pay and reach half pay, and some
    absences link for SSP (8 weeks or less apart). An employee's absences never overlap.
    The columns are an HR export's ("Start of absence", "End of absence", a Reason that is
    not used). The same seed gives the same record.

    >>> a = absence_sample(staff_sample(200, seed=1), 60, seed=1)
    >>> 0 < len(a.columns[0]) <= 60, a.headers[2:4]
    (True, ['Start of absence', 'End of absence'])
    """
    rng = np.random.default_rng(seed + 104729)
    as_of = np.datetime64(as_of, "D")
    col = dict(zip(staff.headers, staff.columns, strict=True))
    salaried = (col["Contract"] == "Salaried") & np.array([isinstance(v, float) for v in col["Annual Salary"]])
    salaried &= ~np.isnat(col["Continuous Service Date"].astype("datetime64[D]"))
    pool = np.flatnonzero(salaried)
    if rows == 0 or pool.size == 0:
        return Sample(list(ABSENCE_HEADERS), [np.zeros(0, dtype=object)] * len(ABSENCE_HEADERS),
                      list(ABSENCE_FORMATS), Manifest())
    people = rng.choice(pool, size=max(1, min(pool.size, rows // 2)), replace=False)
    who = np.sort(people[rng.integers(0, people.size, rows)])
    length = np.where(rng.random(rows) < 0.75, rng.integers(1, 6, rows),
                      np.where(rng.random(rows) < 0.8, rng.integers(6, 40, rows), rng.integers(40, 240, rows)))
    gap = rng.integers(5, 120, rows)
    first_of_block = np.r_[True, who[1:] != who[:-1]]
    start_of = as_of - np.timedelta64(540, "D")
    offset = gap + np.r_[0, length[:-1]]  # days from the previous absence's first day
    offset[first_of_block] = rng.integers(0, 60, int(first_of_block.sum()))
    block = np.cumsum(first_of_block) - 1
    csum = np.cumsum(offset)
    base = csum[np.flatnonzero(first_of_block)][block] - offset[np.flatnonzero(first_of_block)][block]
    first = start_of + (csum - base).astype("timedelta64[D]")
    last = first + (length - 1).astype("timedelta64[D]")
    service = col["Continuous Service Date"].astype("datetime64[D]")[who]
    keep = (first <= as_of) & (first >= service)  # absences before the service start are not drawn
    who, first, last, service = who[keep], first[keep], last[keep], service[keep]
    temp = np.where(rng.random(who.size) < 0.01, "Yes", None).astype(object)
    reason = _REASONS[rng.integers(0, _REASONS.size, who.size)]
    order = np.argsort(first, kind="stable")
    columns = [col["Employee ID"][who][order], col["Name"][who][order], first[order], last[order], service[order],
               col["Annual Salary"][who][order], temp[order], reason[order]]
    return Sample(list(ABSENCE_HEADERS), columns, list(ABSENCE_FORMATS), Manifest())


def write_sample(path, sample: Sample, sheet: str = "Staff", progress=None) -> None:
    """Write a sample as xlsx or CSV (by the file extension), atomically."""
    from pathlib import Path

    from xl_kent.files.writing import Sheet, write_csv, write_xlsx

    if Path(path).suffix.lower() == ".csv":
        columns = [_csv_ready(c) for c in sample.columns]
        write_csv(path, Sheet(sheet, sample.headers, columns, sample.formats), progress=progress)
        return
    write_xlsx(path, [Sheet(sheet, sample.headers, sample.columns, sample.formats)], progress=progress)


def _csv_ready(c: np.ndarray) -> np.ndarray:
    """A column of numbers with a few text cells ("TBC") as CSV text, the numbers in bulk."""
    if c.dtype != object:
        return c
    cells = c.tolist()
    text = np.array([isinstance(v, str) for v in cells], dtype=bool)
    if text.all():
        return c
    from xl_kent.files.writing import csv_column

    numbers = np.array([np.nan if t or v is None else v for v, t in zip(cells, text, strict=True)], dtype=float)
    out = np.array(csv_column(numbers), dtype=object)
    out[text] = c[text]
    return out


def describe_sample(sample: Sample, as_of=SAMPLE_AS_OF) -> str:
    """One line about a staff sample, for the command line."""
    d = dt.date.fromisoformat(str(np.datetime64(as_of, "D")))
    bad = sample.manifest.bad_rows
    text = f"{len(sample.columns[0]):,} synthetic staff rows (as of {d:%d/%m/%Y})"
    if bad:
        text += f", {len(bad)} of them bad on purpose ({', '.join(k for k in sample.manifest.kinds if k != 'duplicate_originals')})"
    return text
