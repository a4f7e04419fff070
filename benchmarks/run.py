"""Benchmark the numpy core against its one-pass floor, a plain per-row Python loop, and the Excel functions.

Usage (from the project root)::

    PYTHONPATH=. python -m benchmarks.run [--rows N] [--loop-sample M] [--udf-rows K]
                                          [--rounds R] [--seed S] [--profile [FUNCTION]]

1. The core: each of the four functions of ``xl_kent`` over ``N`` synthetic rows
   (default 1,000,000), best of 3 calls after one warm-up. Leave accrual and the
   award check are timed twice: with numbers (grade 6, integer ids) and with text
   (grade "KR6", ids "E000123").
2. The floor, measured beside each function in the same round: one numpy pass that
   reads the function's inputs once (dates as their int64 day numbers, booleans as
   bytes) and writes one float64 output, best of 7, single-threaded. award_ok's floor
   also sorts its employee keys once (``np.sort``), since judging a log needs the
   awards of each employee together. Target (issue 16): each function within 30x
   its floor.
3. The baselines: the plain per-row loops of :mod:`benchmarks.per_row` over ``M`` rows
   (default 20,000), best of 5, extrapolated to rows per second, and the core called
   once per row (as one formula per cell would) over 2,000 rows. The award loop runs
   over its own ``M``-row log with the same awards per employee as the big one, since
   the award rules judge each row against the whole log.
4. Totals: the four functions with numbers (target under 0.35 s) and with text; each
   text form against its numeric form (target at most 1.3x).
5. The Excel functions (``udfs``) over ``K`` rows (default 100,000) given as Excel
   passes a range (``n x 1`` nested lists, ``datetime.datetime`` dates), best of 3.

Everything is measured ``R`` times (default 3 rounds, one after another) and each
figure is printed as the minimum and the median of the rounds, so that one noisy
moment on a shared machine shows as a spread, not as a figure. Targets print PASS or
MISS on the median; the exit status is 0 either way. Times are wall clock
(``time.perf_counter``) with the garbage collector on (as in Excel) and a
``gc.collect()`` before each timed call. ``--profile`` adds a profile of the slowest
core function (or the one named): its costliest lines and numpy calls.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import xl_kent
from udfs import KENT_AWARD_OK, KENT_LEAVE_ACCRUAL, KENT_REDUNDANCY_WEEKS, KENT_SICKPAY

from . import per_row, synthetic

TARGET_FLOOR_RATIO = 30.0  # issue 16: each function within 30x its one-pass floor
TARGET_CORE_S = 0.35  # issue 16: the four functions together, numeric grades and ids
TARGET_TEXT_RATIO = 1.3  # issue 16: text grades and ids at most 1.3x the numeric figure
TARGET_UDF_S = 0.5
REPEAT = 3
FLOOR_REPEAT = 7  # the floor is a few milliseconds: more repeats find its best time
LOOP_REPEAT = 5  # the loops are cheap; more repeats steady the best time on a noisy machine
CALL_SAMPLE = 2_000  # rows for the "one call per row" baseline (one formula per cell)


def best_of(fn: Callable[[], Any], repeat: int = REPEAT, warmup: int = 0) -> float:
    """Best wall-clock seconds of ``repeat`` calls, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{platform.platform()} | {cpu} | {os.cpu_count()} CPUs | "
            f"Python {platform.python_version()} | numpy {np.__version__}")


def _rate(x: float) -> str:
    return f"{x:,.0f}"


def _flag(ok: bool) -> str:
    return "PASS" if ok else "MISS"


# ---------------------------------------------------------------------------
# The cases: one core call over N rows and its per-row loop over M rows
# ---------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    family: str  # which of the four functions
    primary: bool  # counted in the four-function total
    core: Callable[[], Any]  # over the N-row data
    core_sample: Callable[[], np.ndarray]  # over the loop sample: values to compare
    loop: Callable[[], list]  # per-row loop over the sample
    close: bool = True  # compare floats with a tolerance (else exactly)
    calls: Callable[[], list] | None = None  # the core called once per row (CALL_SAMPLE rows)
    floor: Callable[[], Any] | None = None  # one numpy pass over the same inputs (see one_pass)
    numeric: str | None = None  # for a text form: the name of its numeric form


def _as_numbers(a: np.ndarray) -> np.ndarray:
    """An input as the numbers one pass reads: dates as int64 days, booleans as bytes."""
    a = np.asarray(a)
    if a.dtype.kind == "M":
        return a.view(np.int64)
    if a.dtype.kind == "b":
        return a.view(np.uint8)
    return a


def one_pass(*inputs: np.ndarray, sort_keys: np.ndarray | None = None) -> np.ndarray:
    """The floor: one numpy pass that reads each input once and writes one float64 output.

    ``out = a + b``, then ``out += c`` and so on, into one preallocated array (the output
    stays in cache while the inputs stream through); with ``sort_keys`` the keys are also
    sorted once. Nothing a rule over these inputs does can take less.

    >>> one_pass(np.array([1.0, 2.0]), np.array(["2026-01-01", "1970-01-02"], dtype="datetime64[D]")).tolist()
    [20455.0, 3.0]
    """
    cols = [_as_numbers(a) for a in inputs]
    out = np.empty(cols[0].shape[0])
    np.add(cols[0], cols[1], out=out) if len(cols) > 1 else np.copyto(out, cols[0])
    for c in cols[2:]:
        np.add(out, c, out=out)
    if sort_keys is not None:
        np.sort(sort_keys)
    return out


def build_cases(staff, log, staff_m, log_m) -> list[Case]:
    s, m, lg, lm = staff, staff_m, log, log_m
    py = synthetic.python_column
    # Plain Python lists for the loops, built once, outside the timings.
    c = {k: py(getattr(m, k)) for k in (
        "service_start", "absence_start", "absence_days", "salary_gbp", "prior_paid_days",
        "temporary_short", "age_years", "service_years", "multiplier", "grade_num",
        "grade_text", "as_of", "weekly_hours", "employment_end")}
    a = {k: py(getattr(lm, k)) for k in (
        "employee_code", "employee_text", "award_date", "amount_gbp", "team", "work_ref_code",
        "work_ref_text", "endorsed", "ineligible")}

    def sick(d):
        return xl_kent.sick_pay(d.service_start, d.absence_start, d.absence_days, d.salary_gbp,
                                d.prior_paid_days, d.temporary_short)

    def redundancy(d):
        return xl_kent.redundancy_weeks(d.age_years, d.service_years, d.multiplier)

    def leave(d, grade):
        return xl_kent.leave_accrual(getattr(d, grade), d.service_start, d.as_of, d.weekly_hours,
                                     None, d.employment_end, "days")

    def award(d, ids, refs):
        return xl_kent.award_ok(getattr(d, ids), d.award_date, d.amount_gbp, d.team,
                                getattr(d, refs), d.endorsed, d.ineligible)

    q = CALL_SAMPLE

    def sick_calls():
        return [xl_kent.sick_pay(m.service_start[i], m.absence_start[i], m.absence_days[i],
                                 m.salary_gbp[i], m.prior_paid_days[i], m.temporary_short[i])
                for i in range(q)]

    def redundancy_calls():
        return [xl_kent.redundancy_weeks(m.age_years[i], m.service_years[i], m.multiplier[i])
                for i in range(q)]

    def leave_calls(grade):
        g = getattr(m, grade)
        return [xl_kent.leave_accrual(g[i], m.service_start[i], m.as_of[i], m.weekly_hours[i],
                                      None, m.employment_end[i], "days") for i in range(q)]

    floors = {
        "sick_pay": lambda: one_pass(s.service_start, s.absence_start, s.absence_days, s.salary_gbp,
                                     s.prior_paid_days, s.temporary_short),
        "redundancy_weeks": lambda: one_pass(s.age_years, s.service_years, s.multiplier),
        "leave_accrual": lambda: one_pass(s.grade_num, s.service_start, s.as_of, s.weekly_hours,
                                          s.employment_end),
        "award_ok": lambda: one_pass(lg.employee_code, lg.award_date, lg.amount_gbp, lg.team,
                                     lg.work_ref_code, lg.endorsed, lg.ineligible,
                                     sort_keys=lg.employee_code),
    }
    cases = [
        Case("sick_pay", "sick_pay", True, lambda: sick(s), lambda: sick(m).pay_gbp,
             lambda: per_row.sick_pay_rows(c["service_start"], c["absence_start"], c["absence_days"],
                                           c["salary_gbp"], c["prior_paid_days"],
                                           c["temporary_short"]), calls=sick_calls),
        Case("redundancy_weeks", "redundancy_weeks", True, lambda: redundancy(s),
             lambda: redundancy(m).weeks,
             lambda: per_row.redundancy_weeks_rows(c["age_years"], c["service_years"],
                                                   c["multiplier"]), calls=redundancy_calls),
    ]
    for grade, label, primary in (("grade_num", "grade 6", True), ("grade_text", 'grade "KR6"', False)):
        cases.append(Case(
            f"leave_accrual [{label}]", "leave_accrual", primary,
            lambda g=grade: leave(s, g), lambda g=grade: leave(m, g).value,
            lambda g=grade: per_row.leave_accrual_rows(c[g], c["service_start"], c["as_of"],
                                                       c["weekly_hours"], c["employment_end"]),
            calls=lambda g=grade: leave_calls(g),
        ))
    for ids, refs, label, primary in (("employee_code", "work_ref_code", "int ids", True),
                                      ("employee_text", "work_ref_text", "text ids", False)):
        cases.append(Case(
            f"award_ok [{label}]", "award_ok", primary,
            lambda i=ids, r=refs: award(lg, i, r), lambda i=ids, r=refs: award(lm, i, r).ok,
            lambda i=ids, r=refs: per_row.award_ok_rows(a[i], a["award_date"], a["amount_gbp"],
                                                        a["team"], a[r], a["endorsed"],
                                                        a["ineligible"]),
            close=False,
        ))
    for case in cases:
        case.floor = floors[case.family]
        if not case.primary:
            case.numeric = next(c.name for c in cases if c.family == case.family and c.primary)
    return cases


def agreement(loop_values: list, core_values: np.ndarray, close: bool) -> float:
    """Share of rows where the loop and the core give the same value."""
    core_values = np.asarray(core_values)
    if close:
        lv = np.array([v if isinstance(v, float) else np.nan for v in loop_values])
        same = np.isclose(lv, core_values.astype(float), rtol=1e-9, atol=1e-6, equal_nan=True)
    else:
        same = np.array(loop_values, dtype=object) == core_values.astype(object)
    return float(np.mean(same)) if len(same) else 1.0


# ---------------------------------------------------------------------------
# Profiling the slowest core function
# ---------------------------------------------------------------------------


def line_times(fn: Callable[[], Any], code) -> dict[int, float]:
    """Wall time spent on each line of the function whose code object is ``code``.

    A minimal tracer: only frames of ``code`` are traced line by line, so the
    overhead is one trace call per line executed there (negligible next to
    million-row numpy operations). A line's time includes the calls it makes.
    """
    times: dict[int, float] = {}
    state = {"line": None, "t": 0.0}

    def local(frame, event, arg):
        now = time.perf_counter()
        if state["line"] is not None:
            times[state["line"]] = times.get(state["line"], 0.0) + now - state["t"]
        state["line"] = frame.f_lineno if event == "line" else None
        state["t"] = time.perf_counter()
        return local

    def global_(frame, event, arg):
        if frame.f_code is code:
            state["line"], state["t"] = None, time.perf_counter()
            return local
        return None

    sys.settrace(global_)
    try:
        fn()
    finally:
        sys.settrace(None)
    return times


def profile(case: Case, top: int = 8) -> None:
    import inspect
    import linecache

    func = getattr(xl_kent, case.family)
    case.core()  # warm
    times = line_times(case.core, func.__code__)
    total = sum(times.values())
    print(f"\nprofile: {case.name} over the N rows (one call, {total:.3f} s traced)")
    print("  costliest lines (time includes the calls made on the line):")
    path = inspect.getsourcefile(func)
    rel = os.path.relpath(path)
    for line, t in sorted(times.items(), key=lambda kv: -kv[1])[:top]:
        src = linecache.getline(path, line).strip()
        print(f"  {t:7.3f} s {100 * t / total:4.0f}%  {rel}:{line}  {src[:70]}")

    prof = cProfile.Profile()
    gc.collect()
    prof.enable()
    case.core()
    prof.disable()
    stats = pstats.Stats(prof)
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]  # by own time
    print("  costliest functions by own time (cProfile):")
    for (file, line, name), (_cc, ncalls, tottime, _cumtime, _callers) in rows:
        where = name if file == "~" else f"{os.path.basename(file)}:{line} {name}"
        print(f"  {tottime:7.3f} s  {ncalls:5d} calls  {where[:80]}")


# ---------------------------------------------------------------------------
# The UDFs as Excel calls them
# ---------------------------------------------------------------------------


def udf_cases(staff_k, log_k) -> list[tuple[str, Callable[[], Any]]]:
    x = synthetic.staff_excel(staff_k)
    w = synthetic.awards_excel(log_k)
    return [
        ("KENT_SICKPAY", lambda: KENT_SICKPAY(
            x["service_start"], x["absence_start"], x["absence_days"], x["salary_gbp"],
            x["prior_paid_days"], "pay", x["temporary_short"])),
        ("KENT_REDUNDANCY_WEEKS", lambda: KENT_REDUNDANCY_WEEKS(
            x["age_years"], x["service_years"], x["multiplier"])),
        ("KENT_LEAVE_ACCRUAL", lambda: KENT_LEAVE_ACCRUAL(
            x["grade_text"], x["service_start"], x["as_of"], x["weekly_hours"], None,
            x["employment_end"], "days")),
        ("KENT_AWARD_OK", lambda: KENT_AWARD_OK(
            w["employee_ids"], w["award_dates"], w["amounts"], w["kinds"], w["work_refs"],
            w["endorsed"], w["ineligible"])),
    ]


def _error_cells(result) -> int:
    return sum(1 for (v,) in result if isinstance(v, str) and v.startswith("#"))


# ---------------------------------------------------------------------------


def _spread(values: list[float], fmt: str = "{:.3f}") -> str:
    """``min / median`` of a figure over the rounds."""
    return f"{fmt.format(min(values))} / {fmt.format(float(np.median(values)))}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows for the core (N)")
    ap.add_argument("--loop-sample", type=int, default=20_000, help="rows for the per-row loop (M)")
    ap.add_argument("--udf-rows", type=int, default=100_000, help="rows for the Excel functions (K)")
    ap.add_argument("--rounds", type=int, default=3, help="times everything is measured (R)")
    ap.add_argument("--seed", type=int, default=20260401)
    ap.add_argument("--profile", nargs="?", const="", metavar="FUNCTION",
                    help="profile the slowest core function (or the one named)")
    args = ap.parse_args(argv)
    n, m, k, rounds = args.rows, args.loop_sample, args.udf_rows, max(1, args.rounds)
    started = time.perf_counter()

    print(f"xl-kent benchmarks: core N={n:,} rows | loop sample M={m:,} | UDF K={k:,} | "
          f"{rounds} rounds | seed {args.seed}")
    print(f"machine: {machine()}")
    print(f"load average (1 min) before the run: {os.getloadavg()[0]:.2f}")
    t0 = time.perf_counter()
    staff = synthetic.staff(max(n, m, k), args.seed)
    log = synthetic.award_log(n, args.seed)
    log_m = synthetic.award_log(m, args.seed)
    log_k = synthetic.award_log(k, args.seed)
    staff_n, staff_m, staff_k = staff.head(n), staff.head(m), staff.head(k)
    cases = build_cases(staff_n, log, staff_m, log_m)
    print(f"synthetic data: {time.perf_counter() - t0:.1f} s "
          f"(staff list, and award logs with ~4 awards per employee over 3 years)")

    # Each round measures every case's core, floor and loop one after another, so that a
    # ratio compares times taken moments apart on the same (shared, noisy) machine.
    core_s = {c.name: [] for c in cases}
    floor_s = {c.name: [] for c in cases}
    loop_rate = {c.name: [] for c in cases}
    calls_rate = {c.name: [] for c in cases}
    for _ in range(rounds):
        for case in cases:
            floor_s[case.name].append(best_of(case.floor, repeat=FLOOR_REPEAT, warmup=1))
            core_s[case.name].append(best_of(case.core, warmup=1))
            loop_rate[case.name].append(m / best_of(case.loop, repeat=LOOP_REPEAT))
            if case.calls:
                calls_rate[case.name].append(CALL_SAMPLE / best_of(case.calls, repeat=REPEAT))
    agree = {c.name: agreement(c.loop(), c.core_sample(), c.close) for c in cases}

    def ratio(a: dict, b: dict, name: str, name_b: str | None = None) -> list[float]:
        return [x / y for x, y in zip(a[name], b[name_b or name], strict=True)]

    print(f"\ncore: best of {REPEAT} after a warm-up over N rows | floor: one numpy pass over the same "
          f"inputs, best of {FLOOR_REPEAT}\nloop: plain per-row Python, best of {LOOP_REPEAT} over M rows | "
          f"calls: the core once per row, {CALL_SAMPLE:,} rows\n"
          f"each figure: min / median of {rounds} rounds; PASS/MISS on the median")
    head = (f"{'function':<28}{'core s':>16}{'floor s':>18}{'x floor':>14}{'<=30x':>7}"
            f"{'vs loop':>14}{'vs calls':>16}{'agree':>8}")
    print(head)
    print("-" * len(head))
    floor_ok = True
    for case in cases:
        x_floor = ratio(core_s, floor_s, case.name)
        vs_loop = [loop_core / loop for loop_core, loop in
                   zip([n / c for c in core_s[case.name]], loop_rate[case.name], strict=True)]
        ok = float(np.median(x_floor)) <= TARGET_FLOOR_RATIO
        floor_ok &= ok
        if calls_rate[case.name]:
            vs_calls = _spread([n / c / r for c, r in zip(core_s[case.name], calls_rate[case.name],
                                                            strict=True)], "{:,.0f}")
        else:
            vs_calls = "n/a"
        print(f"{case.name:<28}{_spread(core_s[case.name]):>16}{_spread(floor_s[case.name], '{:.4f}'):>18}"
              f"{_spread(x_floor, '{:.1f}'):>14}{_flag(ok):>7}{_spread(vs_loop, '{:.1f}'):>14}"
              f"{vs_calls:>16}{100 * agree[case.name]:>7.1f}%")
    print("x floor = core / floor; vs loop, vs calls = core rows/s over the baseline's rows/s\n"
          "agree = share of the M sample rows where the loop gives the core's value (the loop keeps\n"
          "        the SSP rate at the absence start; the core re-rates each 6 April)\n"
          "award_ok has no per-row calls: each row is judged against the whole log")

    primary = [c for c in cases if c.primary]
    totals = [sum(core_s[c.name][i] for c in primary) for i in range(rounds)]
    text_form = {c.family: c.name for c in primary}
    text_form.update({c.family: c.name for c in cases if not c.primary})
    text_totals = [sum(core_s[name][i] for name in text_form.values()) for i in range(rounds)]
    print(f"\ntotal core, 4 functions over N rows (grade 6, int ids):      {_spread(totals)} s  "
          f"< {TARGET_CORE_S} s: {_flag(float(np.median(totals)) < TARGET_CORE_S)}")
    print(f'total core, 4 functions over N rows (grade "KR6", text ids): {_spread(text_totals)} s')
    text_ok = True
    for case in cases:
        if case.numeric:
            r = ratio(core_s, core_s, case.name, case.numeric)
            ok = float(np.median(r)) <= TARGET_TEXT_RATIO
            text_ok &= ok
            print(f"{case.name} / {case.numeric}: {_spread(r, '{:.2f}')}x  "
                  f"<= {TARGET_TEXT_RATIO}x: {_flag(ok)}")
    print(f"every function within {TARGET_FLOOR_RATIO:.0f}x its floor: {_flag(floor_ok)}")

    print(f"\nExcel functions over K rows as Excel passes them (n x 1 lists, datetime.datetime), "
          f"best of {REPEAT}")
    head = f"{'function':<24}{'seconds':>9}{'rows/s':>12}{'< 0.5 s':>9}{'error cells':>13}"
    print(head)
    print("-" * len(head))
    for name, call in udf_cases(staff_k, log_k):
        secs = best_of(call)
        errors = _error_cells(call())
        print(f"{name:<24}{secs:>9.3f}{_rate(k / secs):>12}{_flag(secs < TARGET_UDF_S):>9}{errors:>13}")

    if args.profile is not None:
        want = args.profile
        pool = [c for c in cases if c.primary]
        if want:
            pool = [c for c in cases if want in c.name] or pool
        slowest = max(pool, key=lambda c: min(core_s[c.name]))
        profile(slowest)

    print(f"\nrun time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
