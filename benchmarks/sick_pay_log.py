"""Benchmark ``sick_pay_log`` (KENT_SICKPAY_LOG's core) against plain per-row loops.

Usage (from the project root)::

    python -m benchmarks.sick_pay_log [--employees E] [--per-employee K] [--busy B]
                                      [--loop-sample M] [--ref-sample R] [--seed S]

1. The core over an absence record of ``E * K`` rows (default 200,000 employees with 5
   absences each: 1,000,000 rows), rows shuffled, integer ids; best of 3 after a warm-up.
   Target: at most 1.5 s. The same record with text ids ("E000123") is timed too.
2. A skewed record of the same size: one employee with ``B`` absences (default 2,000)
   in place of ``B / K`` ordinary employees, so the loop over "the k-th absence of every
   employee" runs ``B`` times. Target: at most 3 s.
3. The baselines, over the absences of a sample of employees (``M`` rows, default
   20,000): a plain per-row Python loop (:func:`plain_loop`: floats, ``datetime.date``,
   a dict of employees, closed forms), best of 5; and the slow exact reference
   (``tests/reference.py``, day by day in fractions) over ``R`` rows (default 1,000).
   Each prints its rows per second, the core's speed-up over it, and the share of
   rows where it gives the core's pay.

All times are wall clock (``time.perf_counter``) with a ``gc.collect()`` before each
timed call. Targets print PASS or MISS; the exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import bisect
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

from xl_kent import params
from xl_kent.sick_pay_log import sick_pay_log

from .run import best_of, machine

TARGET_UNIFORM_S = 1.5
TARGET_SKEWED_S = 3.0
REPEAT = 3
LOOP_REPEAT = 5

FIRST = np.datetime64("2023-06-01", "D")  # first absences from here (the record reaches back 12 months)
SPREAD_DAYS = 3 * 365  # ... over three years


# ---------------------------------------------------------------------------
# Synthetic absence records
# ---------------------------------------------------------------------------


def record(employees: int, per_employee: int, seed: int, busy: int = 0) -> dict[str, np.ndarray]:
    """An absence record, rows shuffled: ``per_employee`` absences for each employee, in
    date order with gaps of a day to a year (many within 56 days: linked SSP); lengths
    mostly 1 to 5 days, some weeks, a few months. With ``busy``, employee 0 has ``busy``
    absences (short, close together) instead, and the record keeps its size."""
    rng = np.random.default_rng(seed)
    lengths = rng.choice([1, 1, 2, 3, 4, 5, 7, 10, 14, 30, 60, 120, 200], (employees, per_employee),
                         p=[.2, .1, .15, .12, .1, .08, .07, .05, .05, .04, .02, .01, .01])
    gaps = rng.choice([1, 7, 20, 40, 56, 57, 90, 150, 250, 365], (employees, per_employee))
    start = FIRST + rng.integers(0, SPREAD_DAYS, employees).astype("timedelta64[D]")
    offsets = np.cumsum(gaps + lengths, axis=1) - lengths - gaps[:, :1]
    first = start[:, None] + offsets.astype("timedelta64[D]")
    last = first + (lengths - 1).astype("timedelta64[D]")
    emp = np.repeat(np.arange(employees), per_employee).reshape(employees, per_employee)
    service = start - rng.integers(30, 12_000, employees).astype("timedelta64[D]")
    salary = rng.uniform(6_000, 90_000, employees).round(2)
    temp = rng.random(employees) < 0.03
    cols = dict(
        employee=emp.reshape(-1), first=first.reshape(-1), last=last.reshape(-1),
        service=np.repeat(service, per_employee), salary=np.repeat(salary, per_employee),
        temp=np.repeat(temp, per_employee),
    )
    if busy:
        n = busy
        gaps_b = rng.choice([0, 1, 2, 3, 5, 10], n)
        lengths_b = rng.choice([1, 2, 3, 4, 5, 8], n)
        first_b = FIRST + (np.cumsum(gaps_b + lengths_b) - lengths_b).astype("timedelta64[D]")
        cols["employee"][:n] = 0
        cols["first"][:n] = first_b
        cols["last"][:n] = first_b + (lengths_b - 1).astype("timedelta64[D]")
        cols["service"][:n] = FIRST - np.timedelta64(4_000, "D")
        cols["salary"][:n] = 30_000.0
        cols["temp"][:n] = False
    order = rng.permutation(employees * per_employee)
    out = {k: v[order] for k, v in cols.items()}
    out["employee_text"] = np.char.add("E", np.char.zfill(out["employee"].astype(str), 6))
    return out


def sample(rec: dict[str, np.ndarray], rows: int) -> dict[str, np.ndarray]:
    """The absences of the employees with the smallest ids, about ``rows`` rows."""
    ids = np.sort(np.unique(rec["employee"]))
    per = len(rec["employee"]) / len(ids)
    keep = np.isin(rec["employee"], ids[1 : 1 + max(1, int(rows / per))])  # not the busy employee 0
    return {k: v[keep] for k, v in rec.items()}


def core(rec, ids="employee"):
    return sick_pay_log(rec[ids], rec["first"], rec["last"], rec["service"], rec["salary"], rec["temp"])


# ---------------------------------------------------------------------------
# The plain per-row loop
# ---------------------------------------------------------------------------


def _p(family, name, on=None):
    return params.parameter(family, name).value_on(on)


_DAYS_PER_YEAR = float(_p("pay", "days_per_year"))
_DAYS_PER_WEEK = float(_p("pay", "days_per_week"))
_DAYS_PER_MONTH = _DAYS_PER_YEAR / float(_p("pay", "months_per_year"))
_BANDS = [(b["from_months"], b["full_months"], b["half_months"]) for b in _p("sick_pay", "service_bands")]
_TEMP = (float(_p("sick_pay", "temporary_short_full_months")), float(_p("sick_pay", "temporary_short_half_months")))
_ROLLING = int(_p("sick_pay", "rolling_period_months"))
_NAMES = ("lower_earnings_limit_gbp", "waiting_days", "min_absence_days", "earnings_replacement_rate",
          "max_weeks", "linking_gap_days")
_STARTS = sorted({e.start.item() for n in _NAMES for e in params.parameter("ssp", n).entries})
_RULES = [tuple(float(_p("ssp", n, d)) for n in _NAMES) for d in _STARTS]
_RATE = params.parameter("ssp", "weekly_rate_gbp")
_RATE_STARTS = [e.start.item().toordinal() for e in _RATE.entries]
_RATE_VALUES = [float(e.value) for e in _RATE.entries]


def _edate(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, min(d.day, day))
        except ValueError:
            continue
    raise ValueError(d)


def _overlap(a, b, c, d):
    lo, hi = max(a, c), min(b, d)
    return hi - lo if hi > lo else 0.0


def plain_loop(employee, first, last, service, salary, temp) -> list:
    """KENT_SICKPAY_LOG's pay for each row, one row at a time in plain Python."""
    out: list = [None] * len(first)
    by_employee: dict = {}
    for i, e in enumerate(employee):
        if e is None or first[i] is None or last[i] is None or service[i] is None or salary[i] is None:
            out[i] = "#VALUE!"
        elif last[i] < first[i] or service[i] > first[i] or salary[i] <= 0:
            out[i] = "#NUM!"
        else:
            by_employee.setdefault(str(e).strip().lower(), []).append(i)
    for rows in by_employee.values():
        rows.sort(key=lambda i: first[i])
        for a in range(len(rows)):  # overlaps: both rows are errors
            for b in range(a + 1, len(rows)):
                if first[rows[b]] > last[rows[a]]:
                    break
                out[rows[a]] = out[rows[b]] = "#VALUE!"
        keep = [i for i in rows if out[i] is None]
        history = []  # (first day ordinal, paid days)
        series_last, used, waited = None, 0.0, 0.0
        for i in keep:
            f, n = first[i].toordinal(), float((last[i] - first[i]).days + 1)
            w0 = _edate(first[i], -_ROLLING).toordinal()
            prior = 0.0
            for fp, paid in history:
                if fp + paid > w0:
                    prior += paid if fp >= w0 else fp + paid - w0
            ss, ab = service[i], first[i]
            months = (ab.year - ss.year) * 12 + ab.month - ss.month - (ab.day < ss.day)
            if temp[i]:
                full_m, half_m = _TEMP
            else:
                full_m = half_m = 0.0
                for from_months, fm, hm in _BANDS:
                    if months >= from_months:
                        full_m, half_m = fm, hm
            full_allow, half_allow = full_m * _DAYS_PER_MONTH, half_m * _DAYS_PER_MONTH
            rem_full = max(0.0, full_allow - prior)
            rem_half = max(0.0, half_allow - max(0.0, prior - full_allow))
            full = min(n, rem_full)
            half = min(n - full, rem_half)
            history.append((f, full + half))

            lel, waiting, min_absence, replacement, max_weeks, gap = _RULES[bisect.bisect_right(_STARTS, ab) - 1]
            daily = salary[i] / _DAYS_PER_YEAR
            piw = n >= min_absence
            near = series_last is not None and f - series_last - 1 <= gap
            if piw and not near:
                used = waited = 0.0
            max_days = max_weeks * _DAYS_PER_WEEK
            pay = daily * full + daily / 2 * half
            if piw:
                wait_left = max(0.0, waiting - waited)
                if daily * _DAYS_PER_WEEK >= lel:
                    lo, hi = wait_left, wait_left + min(max(0.0, max_days - used), max(0.0, n - wait_left))
                    used += hi - lo
                    cap = replacement * daily if replacement > 0 else float("inf")
                    p = bisect.bisect_right(_RATE_STARTS, f + lo) - 1
                    while p < len(_RATE_STARTS) and _RATE_STARTS[p] < f + hi:
                        a = max(lo, _RATE_STARTS[p] - f)
                        b = min(hi, _RATE_STARTS[p + 1] - f) if p + 1 < len(_RATE_STARTS) else hi
                        d_ssp = min(_RATE_VALUES[p] / _DAYS_PER_WEEK, cap)
                        pay += min(daily / 2, d_ssp) * _overlap(a, b, full, full + half)
                        pay += d_ssp * _overlap(a, b, full + half, n)
                        p += 1
                waited += min(n, wait_left)
                series_last = last[i].toordinal()
            out[i] = pay
    return out


def python_columns(rec):
    return ([int(x) for x in rec["employee"]], [d.item() for d in rec["first"]], [d.item() for d in rec["last"]],
            [d.item() for d in rec["service"]], [float(x) for x in rec["salary"]], [bool(x) for x in rec["temp"]])


def agreement(values: list, pay: np.ndarray) -> float:
    got = np.array([v if isinstance(v, float) else np.nan for v in values])
    same = np.isclose(got, pay, rtol=1e-9, atol=1e-6, equal_nan=True)
    return float(np.mean(same)) if len(same) else 1.0


def _flag(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.sick_pay_log", description=__doc__.split("\n")[0])
    ap.add_argument("--employees", type=int, default=200_000)
    ap.add_argument("--per-employee", type=int, default=5)
    ap.add_argument("--busy", type=int, default=2_000, help="absences of the one busy employee (skewed record)")
    ap.add_argument("--loop-sample", type=int, default=20_000, help="rows for the plain per-row loop")
    ap.add_argument("--ref-sample", type=int, default=1_000, help="rows for the exact reference")
    ap.add_argument("--seed", type=int, default=20260406)
    args = ap.parse_args(argv)
    e, k = args.employees, args.per_employee
    rows = e * k
    started = time.perf_counter()
    print(f"sick_pay_log benchmark: {rows:,} absence rows ({e:,} employees x {k}); skewed: one employee "
          f"with {args.busy:,} absences | seed {args.seed}")
    print(f"machine: {machine()}")

    uniform = record(e, k, args.seed)
    skewed = record(e, k, args.seed, busy=args.busy)
    t_uniform = best_of(lambda: core(uniform), warmup=1)
    t_text = best_of(lambda: core(uniform, "employee_text"), warmup=1)
    t_skewed = best_of(lambda: core(skewed), warmup=1)
    r = core(uniform)
    bad = int((r.error != 0).sum())
    print(f"\ncore, best of {REPEAT} after a warm-up ({bad:,} rows in error in the uniform record)")
    print(f"  uniform record, int ids:  {t_uniform:6.3f} s  {rows / t_uniform:>12,.0f} rows/s  "
          f"<= {TARGET_UNIFORM_S} s: {_flag(t_uniform <= TARGET_UNIFORM_S)}")
    print(f"  uniform record, text ids: {t_text:6.3f} s  {rows / t_text:>12,.0f} rows/s")
    print(f"  skewed record, int ids:   {t_skewed:6.3f} s  {rows / t_skewed:>12,.0f} rows/s  "
          f"<= {TARGET_SKEWED_S} s: {_flag(t_skewed <= TARGET_SKEWED_S)}")

    loop_rec = sample(uniform, args.loop_sample)
    cols = python_columns(loop_rec)
    loop_pay = core(loop_rec).pay_gbp
    t_loop = best_of(lambda: plain_loop(*cols), repeat=LOOP_REPEAT)
    m = len(loop_rec["first"])
    loop_rate, core_rate = m / t_loop, rows / t_uniform
    print(f"\nplain per-row Python loop over {m:,} rows (best of {LOOP_REPEAT}): {loop_rate:,.0f} rows/s; "
          f"core {core_rate / loop_rate:,.1f}x faster; agrees on {100 * agreement(plain_loop(*cols), loop_pay):.1f}% "
          f"of rows")

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import reference

    ref_rec = sample(uniform, args.ref_sample)
    rcols = python_columns(ref_rec)
    t0 = time.perf_counter()
    want = reference.sick_pay_log_rows(*rcols)
    t_ref = time.perf_counter() - t0
    ref_pay = [w.get("pay", "#ERR") for w in want]
    rn = len(ref_rec["first"])
    print(f"exact reference (tests/reference.py, day by day, fractions) over {rn:,} rows: {rn / t_ref:,.0f} rows/s; "
          f"core {core_rate / (rn / t_ref):,.0f}x faster; agrees on "
          f"{100 * agreement(ref_pay, core(ref_rec).pay_gbp):.1f}% of rows")
    print(f"\nrun time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
