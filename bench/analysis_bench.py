"""Closed-form proportion intervals (analysis) vs. scipy.stats.binomtest(...).proportion_ci, 1,000 items.

Run:  .venv/bin/python bench/analysis_bench.py            (writes the analysis section of bench/RESULTS.md)
      .venv/bin/python bench/analysis_bench.py --no-write  (prints only)

Items: n ~ U{20..2000} answers, rate ~ U(0.6, 1.0), x ~ Binomial(n, rate), seed 20240601. Each timing is the
best of 5 passes over all 1,000 items (the best, not the mean, is the usual choice for CPU-bound micro
benchmarks: noise only ever adds time). Agreement is the largest |difference| of either bound.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import scipy
from scipy import special, stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import proportion_interval  # noqa: E402

ITEMS, REPEATS, SEED = 1000, 9, 20240601
START, END = "<!-- analysis -->", "<!-- /analysis -->"


def items():
    rng = np.random.default_rng(SEED)
    n = rng.integers(20, 2001, size=ITEMS)
    x = rng.binomial(n, rng.uniform(0.6, 1.0, size=ITEMS))
    return [(int(a), int(b)) for a, b in zip(x, n)]


def best_of(fn, data):
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = fn(data)
        times.append(time.perf_counter() - start)
    return min(times), result


def ours(method):
    return lambda data: [(r.low, r.high) for r in (proportion_interval(x, n, method=method) for x, n in data)]


def theirs(method):
    return lambda data: [tuple(stats.binomtest(x, n).proportion_ci(0.95, method=method)) for x, n in data]


def wilson_vectorised(data):
    x, n = (np.array(col, dtype=float) for col in zip(*data))
    z = special.ndtri(0.975)
    centre = (x + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * np.sqrt(x * (n - x) / n + z * z / 4)
    return list(zip(np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)))


def diff(a, b):
    return max(max(abs(p - q), abs(r - s)) for (p, r), (q, s) in zip(a, b))


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"uname -m": platform.machine(), "nproc": os.cpu_count(), "cpu": cpu,
            "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "date": datetime.date.today().isoformat()}


def run() -> tuple[list[dict], dict]:
    data = items()
    rows, scipy_wilson = [], None
    for label, method, scipy_method in (("Wilson", "wilson", "wilson"),
                                        ("Clopper–Pearson", "clopper-pearson", "exact")):
        t_ours, r_ours = best_of(ours(method), data)
        t_scipy, r_scipy = best_of(theirs(scipy_method), data)
        scipy_wilson = scipy_wilson or (t_scipy, r_scipy)
        rows.append({"interval": label, "ours": t_ours, "scipy": t_scipy, "ratio": t_scipy / t_ours,
                     "diff": diff(r_ours, r_scipy), "how": f"`proportion_interval(x, n, method=\"{method}\")`"})
    t_vec, r_vec = best_of(wilson_vectorised, data)
    rows.append({"interval": "Wilson, numpy arrays", "ours": t_vec, "scipy": scipy_wilson[0],
                 "ratio": scipy_wilson[0] / t_vec, "diff": diff(r_vec, scipy_wilson[1]),
                 "how": "the same closed form over arrays (not in the API)"})
    return rows, machine()


def section(rows, info) -> str:
    lines = [START, "## Analysis: closed-form intervals vs. scipy", "",
             f"`bench/analysis_bench.py`: {ITEMS:,} items (n from 20 to 2,000, rates 0.6–1.0, seed {SEED}), "
             f"95 % two-sided intervals, best of {REPEATS} passes. scipy = "
             "`scipy.stats.binomtest(x, n).proportion_ci(0.95, method)` (`\"wilson\"`, `\"exact\"`).", "",
             "| interval | ours, 1,000 items | scipy, 1,000 items | scipy / ours | max abs diff | ours is |",
             "|---|---:|---:|---:|---:|---|"]
    for row in rows:
        lines.append(f"| {row['interval']} | {row['ours'] * 1e3:.2f} ms | {row['scipy'] * 1e3:.1f} ms | "
                     f"{row['ratio']:,.0f}× | {row['diff']:.1e} | {row['how']} |")
    lines += ["", "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".", "",
              "Why the gap: `binomtest` first computes a p-value (two-sided against p = 0.5, a sum over the "
              "binomial pmf) and builds a result object; its Clopper–Pearson interval then finds each bound by "
              "root-finding on `binom.sf`/`binom.cdf`. Here Wilson is the closed form and Clopper–Pearson two "
              "direct beta quantiles (`scipy.special.betaincinv`), the same numbers to 5e-13. Timings on this "
              "shared 2-CPU machine move by ±30 % between runs (other work runs beside them). The per-call figure includes input checks and a frozen result object "
              "(about 2.5 µs of Python per call); only the bare closed form over arrays comes near the "
              "\"about 2,400×\" quoted in issue 4, so the ratio above is the one to quote for the API.", END]
    return "\n".join(lines)


def write(text: str, path: Path) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in old and END in old:
        head, rest = old.split(START, 1)
        new = head + text + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    tmp = path.with_suffix(".md.analysis-tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args(argv)
    rows, info = run()
    text = section(rows, info)
    print(text)
    if not args.no_write:
        write(text, ROOT / "bench" / "RESULTS.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
