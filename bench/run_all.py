"""`make bench`: run every benchmark and soak; each rewrites its own marked section of bench/RESULTS.md.

Run:  .venv/bin/python bench/run_all.py [NAME ...]   (names: analysis page-weight submit submit-budget results breakdowns crash-soak fuzz-soak verdict-sim slow-clients)
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = {  # name -> script (each writes its own <!-- name --> section)
    "analysis": "analysis_bench.py",
    "page-weight": "bench_page_weight.py",
    "submit": "bench_submit.py",
    "submit-budget": "bench_submit_budget.py",
    "results": "bench_results.py",
    "breakdowns": "bench_breakdowns.py",
    "crash-soak": "soak_crash.py",
    "fuzz-soak": "soak_fuzz.py",
    "verdict-sim": "verdict_sim.py",
    "slow-clients": "bench_slow_clients.py",
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown bench {unknown}; known: {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        started = time.monotonic()
        print(f"== {name} ({BENCHES[name]})", flush=True)
        code = subprocess.run([sys.executable, str(HERE / BENCHES[name])], cwd=HERE.parent).returncode
        print(f"== {name}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
