"""Benchmark the explanations (``output="explain"``, ``explain=TRUE``) of the five explained functions.

Usage (from the project root)::

    python -m benchmarks.explain [--rows N] [--loop-sample M] [--seed S]

For each of ``sick_pay``, ``sick_pay_log``, ``leave_accrual``, ``redundancy_weeks`` and
``notice`` over ``N`` synthetic rows (default 1,000,000; :mod:`benchmarks.synthetic`),
best of 3 after a warm-up:

1. the floor: the figures alone (the core function, one vectorised call);
2. the explanations: the core's ``*_explained`` function over the same rows (its figures
   included, since each explanation calls the core for them);
3. the baseline: the same explanation function called once per row (as one formula per
   cell would), over ``M`` rows (default 2,000), extrapolated to ``N``.

It prints each time, the explanation's cost as a multiple of the floor, and its speed-up
over the per-row calls. Target (issue "Every figure explained"): a million sentences "in
seconds, not minutes"; here at most 10 s each (printed PASS or MISS; the exit status is 0
either way). Wall clock, ``gc.collect()`` before each timed call.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from xl_kent.leave import leave_accrual, leave_explained
from xl_kent.notice import notice, notice_explained
from xl_kent.redundancy import redundancy_explained, redundancy_weeks
from xl_kent.sick_pay import sick_pay, sick_pay_explained
from xl_kent.sick_pay_log import sick_pay_log, sick_pay_log_explained

from . import synthetic
from .run import best_of, machine
from .sick_pay_log import record

TARGET_S = 10.0


def cases(n: int, seed: int):
    """(name, inputs, figures function, explanation function) over ``n`` rows."""
    s = synthetic.staff(n, seed)
    rec = record(max(1, n // 5), 5, seed)
    rec = {k: v[:n] for k, v in rec.items()}
    log_args = (rec["employee"], rec["first"], rec["last"], rec["service"], rec["salary"], rec["temp"])
    return [
        ("sick_pay", (s.service_start, s.absence_start, s.absence_days, s.salary_gbp, s.prior_paid_days,
                      s.temporary_short), sick_pay, sick_pay_explained),
        ("sick_pay_log", log_args, sick_pay_log, sick_pay_log_explained),
        ("leave_accrual", (s.grade_text, s.service_start, s.as_of, s.weekly_hours, None, s.employment_end),
         leave_accrual, leave_explained),
        ("redundancy_weeks", (s.age_years, s.service_years, s.multiplier), redundancy_weeks, redundancy_explained),
        ("notice", (s.grade_text, s.service_start, s.as_of, s.salary_gbp), notice, notice_explained),
    ]


def _row(args, i: int):
    return tuple(a if a is None or np.ndim(a) == 0 else a[i] for a in args)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.explain", description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--loop-sample", type=int, default=2_000)
    p.add_argument("--seed", type=int, default=20261201)
    a = p.parse_args(argv)
    n, m = a.rows, a.loop_sample
    print(f"explanations over {n:,} rows; per-row baseline over {m:,} rows, extrapolated ({machine()})")
    print(f"{'function':<18}{'figures s':>11}{'explained s':>13}{'x floor':>9}{'per-row s':>12}{'speed-up':>10}"
          f"  target {TARGET_S:g} s")
    for name, args, figures, explained in cases(n, a.seed):
        floor = best_of(lambda f=figures, x=args: f(*x), warmup=1)
        words = best_of(lambda f=explained, x=args: f(*x), warmup=1)
        if name == "sick_pay_log":  # a record is judged whole: per-row calls would lose the links
            loop = float("nan")
        else:
            rows = [_row(args, i) for i in range(m)]
            t0 = time.perf_counter()
            for r in rows:
                explained(*r)
            loop = (time.perf_counter() - t0) * n / m
        speed = loop / words if loop == loop else float("nan")
        flag = "PASS" if words <= TARGET_S else "MISS"
        print(f"{name:<18}{floor:>11.3f}{words:>13.3f}{words / floor:>9.1f}{loop:>12.1f}{speed:>10.1f}  {flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
