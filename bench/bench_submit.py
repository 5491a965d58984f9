"""Durable submits per second: Manyi under `manyi serve`'s gunicorn settings vs a bare Flask app that
inserts one row with sqlite-utils at synchronous=FULL, same run, same machine, same load tool (wrk).

Run:  .venv/bin/python bench/bench_submit.py [--seconds 4] [--rounds 10] [--no-write]

Both servers: gunicorn with survey_app/gunicorn_conf.py (sync workers, access log on), the same
number of workers, on 127.0.0.1; stopped by PID. Both acknowledge a submit only once it is on disk:
the bare app commits at synchronous=FULL (the WAL fsynced inside COMMIT); Manyi commits at NORMAL
and fdatasyncs the WAL after releasing the write lock, before the 303 (survey_app/writer.py). wrk rotates through pre-made bodies, each a valid Yining
answer sheet with a fresh submission key. The keys are signed in this script with the server's
SECRET_KEY and the salt of survey_app/forms.py, as the server itself issues them (tests/submitter.py),
so no GET is needed per submit; the device cookie the keys are bound to comes from one GET.
After each run the stored rows are counted: every request must have stored a new response.
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, fmt_int, machine, tool_version, bench_parser, finish  # noqa: E402

from survey_app import db  # noqa: E402
from tests.live import GUNICORN_CONF, SECRET, LiveServer, add_yining, free_port, prepare_database  # noqa: E402
from tests.submitter import Citizen, new_nonce  # noqa: E402

WORKERS = 2 * (os.cpu_count() or 1)  # `manyi serve`'s default
CONCURRENCY = (16, 64)
LUA = r"""
local bodies, i, step = {}, 0, 1
function setup(thread) thread:set("id", #threads_seen) table.insert(threads_seen, thread) end
threads_seen = {}
function init(args)
  local n = 0
  for line in io.lines(args[1]) do n = n + 1; bodies[n] = line end
  step = tonumber(args[2]); i = id + 1 - step
  wrk.method = "POST"; wrk.path = args[3]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = args[4]
end
function request()
  i = i + step
  if i > #bodies then i = id + 1 end
  return wrk.format(nil, nil, nil, bodies[i])
end
"""


class BareServer(LiveServer):
    """tests/live.py's server with the bare app in place of Manyi (same gunicorn config and workers)."""

    def start(self, *, timeout: float = 20.0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        env["BARE_DATABASE"] = self.db_path
        self.port = free_port()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), "--workers", str(self.workers),
                 "--bind", f"127.0.0.1:{self.port}", "bench.bare_app:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if not self._wait_until_answering(timeout):
            self.stop()
            raise RuntimeError(f"bare app did not start:\n{self.log()[-2000:]}")
        return self


def parse_wrk(out: str) -> dict:
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
        return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "requests": total, "non3xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else ""}


def bodies_file(tmp: Path, citizen: Citizen, count: int) -> Path:
    path = tmp / f"bodies-{new_nonce()}.txt"
    path.write_text("\n".join(citizen.body(new_nonce()).decode() for _ in range(count)) + "\n")
    return path


def wrk(port: int, path: str, bodies: Path, cookie: str, *, connections: int, seconds: float, lua: Path) -> dict:
    threads = 2
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{int(seconds)}s", "--latency", "--timeout", "10s",
           "-s", str(lua), f"http://127.0.0.1:{port}", "--", str(bodies), str(threads), path, cookie]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr}\n{out.stdout}")
    return parse_wrk(out.stdout)


def count_rows(path: str, table: str) -> int:
    conn = open_store(path)
    try:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]  # table is one of two constants
    finally:
        conn.close()


def run(seconds: float, rounds: int, workers: int = WORKERS) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="manyi-bench-submit-"))
    lua = tmp / "rotate.lua"
    lua.write_text(LUA)
    results = {("app", c): [] for c in CONCURRENCY} | {("bare", c): [] for c in CONCURRENCY}
    per_body = int(3000 * (seconds + 3))  # generous: a body is never reused within a run
    app = LiveServer(tmp, workers=workers, name="app")
    app.prepared = prepare_database(app.db_path, add_yining)
    bare = BareServer(tmp, workers=workers, name="bare")
    conn = open_store(bare.db_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn["rows"].create({"id": int, "key": str, "body": str}, pk="id", if_not_exists=True)
    conn.close()
    try:
        app.start()
        bare.start()
        hall = app.prepared["codes"][0]
        citizen = Citizen(lambda: app.port, hall, SECRET)
        citizen.open_session()
        cookie = "; ".join(f"{k}={v}" for k, v in citizen.cookies.items())
        for r in range(rounds):
            for c in CONCURRENCY:
                pair = (("bare", bare, "/submit", "rows"), ("app", app, f"/s/{hall}", "responses"))
                # Whichever runs second in a pair ran ~5 % slower in A/A runs here: alternate the order.
                for name, server, path, table in pair if r % 2 == 0 else pair[::-1]:
                    bodies = bodies_file(tmp, citizen, per_body)
                    before = count_rows(server.db_path, table)
                    wrk(server.port, path, bodies, cookie, connections=c, seconds=1, lua=lua)  # warm-up
                    mid = count_rows(server.db_path, table)
                    result = wrk(server.port, path, bodies_file(tmp, citizen, per_body), cookie,
                                 connections=c, seconds=seconds, lua=lua)
                    result["stored"] = count_rows(server.db_path, table) - mid
                    result["warmup_stored"] = mid - before
                    results[(name, c)].append(result)
                    print(f"round {r + 1} {name:4} c={c:<3} {result['rps']:8.1f} req/s  p50 {result['p50']:.1f} ms"
                          f"  p99 {result['p99']:.1f} ms  requests {result['requests']} stored {result['stored']}"
                          f"  non-3xx {result['non3xx']} {result['socket_errors']}", flush=True)
                    bodies.unlink()
        app_log = app.log()
    finally:
        app.stop()
        bare.stop()
        db.close_all()
    app_conn = open_store(app.db_path)
    try:
        verified = app_conn.verify()
    finally:
        app_conn.close()
    return {"results": results, "workers": workers, "seconds": seconds, "rounds": rounds,
            "verify_ok": verified.ok, "responses": verified.responses, "app_500": " 500 " in app_log}


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def paired_ratio(app: list[dict], bare: list[dict], key: str) -> float:
    """The median over rounds of app/bare, each pair run back to back: the machine's drift between
    rounds (other work on its shared CPUs) cancels out within a pair."""
    return statistics.median(a[key] / b[key] for a, b in zip(app, bare))


def section(data: dict) -> str:
    rows, verdicts = [], []
    for c in CONCURRENCY:
        a, b = data["results"][("app", c)], data["results"][("bare", c)]
        rps_a, rps_b = median_of(a, "rps"), median_of(b, "rps")
        p50_a, p50_b, p99_a, p99_b = (median_of(a, "p50"), median_of(b, "p50"), median_of(a, "p99"), median_of(b, "p99"))
        ratio, tail = paired_ratio(a, b, "rps"), paired_ratio(a, b, "p99")
        ok = ratio >= 0.8 and tail <= 1.5
        verdicts.append(ok)
        fresh = all(r["stored"] >= r["requests"] - r["non3xx"] for r in a)
        by_round = ", ".join(f"{x['rps'] / y['rps']:.0%}" for x, y in zip(a, b))
        rows.append(f"| {c} | {fmt_int(rps_b)} | {p50_b:.1f} / {p99_b:.1f} | {fmt_int(rps_a)} | {p50_a:.1f} / {p99_a:.1f} "
                    f"| **{ratio:.0%}** ({by_round}) | **{tail:.2f}×** | {'met' if ok else 'missed'} | "
                    f"{sum(r['requests'] for r in a):,} / {sum(r['stored'] for r in a):,}{'' if fresh else ' (!)'} |")
    return "\n".join([
        "## Submits: Manyi vs bare Flask + one sqlite-utils insert",
        "",
        f"`bench/bench_submit.py`: wrk ({tool_version(['wrk', '-v'])}), 2 threads, {data['seconds']:g} s per run after a "
        f"1 s warm-up, {data['rounds']} rounds, bare and app back to back in each (bare first in odd rounds, app first in even ones); req/s and latencies are medians over "
        "rounds, the ratios the medians of the per-round ratios. Both behind gunicorn with "
        f"`survey_app/gunicorn_conf.py` and {data['workers']} sync workers (`manyi serve`'s default), WAL, one kept "
        "connection per worker, and a submit acknowledged only once on disk: bare commits at `synchronous=FULL` "
        "(the WAL fsynced inside COMMIT); Manyi commits at `NORMAL` and syncs the WAL after releasing its write "
        "lock, before the 303 (the same guarantee). Manyi: POST `/s/<code>` "
        "with a valid Yining answer sheet and a fresh submission key bound to the device cookie (303); bare: "
        "POST `/submit`, one row inserted (303). Goal: ≥ 80 % of bare throughput, p99 ≤ 1.5 × bare.",
        "",
        "| concurrency | bare req/s | bare p50 / p99 ms | Manyi req/s | Manyi p50 / p99 ms | throughput ratio (by round) | p99 ratio | goal | Manyi requests / new responses |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|",
        *rows,
        "",
        f"Every Manyi request stored a new response (last column: requests counted by wrk in the window ≤ new rows, which include the requests still in flight when the window closed); after the run "
        f"`db.verify` on the {fmt_int(data['responses'])} stored responses: {'intact' if data['verify_ok'] else 'FAILED'}; "
        f"500s in the server log: {'yes' if data['app_500'] else 'none'}.",
        "",
        machine(),
    ])


def main(argv=None) -> int:
    parser = bench_parser(__doc__)
    # Many short pairs rather than a few long ones: the host's busy spells (seconds long) then fall
    # on both members of a pair alike, and the median of the pairs' ratios settles.
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args(argv)
    data = run(args.seconds, args.rounds, args.workers)
    text = section(data)
    return finish("submit", text, args)


if __name__ == "__main__":
    sys.exit(main())
