"""Crash soak: tests/test_crash.py's crash_run at scale — N submissions to a 3-worker gunicorn while
workers are SIGKILLed at random moments and the whole server once; then count what was lost.
Goal: 0 lost of ≥ 5,000.

Run:  .venv/bin/python bench/soak_crash.py [--n 5000] [--kills 40] [--no-write]
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import machine, bench_parser, finish  # noqa: E402

from tests.test_crash import crash_run  # noqa: E402


def main(argv=None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--kills", type=int, default=40)
    args = parser.parse_args(argv)
    r = crash_run(Path(tempfile.mkdtemp(prefix="manyi-soak-crash-")), n=args.n, worker_kills=args.kills, seed=7)
    ok = r["lost"] == 0 and r["twice"] == 0 and r["verify_ok"] and r["n"] >= 5000
    text = "\n".join([
        "## Crash soak: SIGKILLed workers and server",
        "",
        f"`bench/soak_crash.py` (the `crash_run` of tests/test_crash.py): {r['n']:,} submissions from 6 citizens (each "
        "retries a dropped submit with the same key for up to 20 s, as a phone would) to gunicorn with 3 sync workers "
        f"on 127.0.0.1; {r['worker_kills']} workers SIGKILLed at random moments and the whole server (master and every "
        f"worker) SIGKILLed once half-way and restarted on the same file; {r['seconds']:.0f} s. After a final restart:",
        "",
        "| submissions | acknowledged (303) | never answered | refused | stored | acknowledged but lost | stored twice | `manyi verify` | goal |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---|",
        f"| {r['n']:,} | {r['acked']:,} | {r['unanswered']:,} | {r['refused']:,} | {r['stored']:,} | **{r['lost']}** "
        f"| {r['twice']} | {'passes' if r['verify_ok'] else 'FAILS'} | {'met' if ok else 'missed'} |",
        "",
        "SIGKILL tests process crashes, not power cuts: a killed process loses nothing the kernel already has. "
        "Power-cut durability rests on the fsync of the write-ahead log after every COMMIT and before the 303 "
        "(`survey_app/store/sqlite_writer.py`, tests/test_durability.py), which this machine cannot cut power to test.",
        "",
        machine(),
    ])
    return finish("crash-soak", text, args, ok)


if __name__ == "__main__":
    sys.exit(main())
