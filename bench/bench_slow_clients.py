"""The citizen page's latency while 200 idle and 200 slow clients hold connections: the documented
deployment (nginx with deploy/nginx-manyi.conf in front of `manyi serve --bind 127.0.0.1:PORT`) against
bare `manyi serve` on loopback.

Run:  .venv/bin/python bench/bench_slow_clients.py [--seconds 20] [--idle 200] [--slow 200] [--no-write]

Both are started as the README's "Deploying" says (tests/deployment.py: the `manyi` console script with
its default workers, FLASK_TRUSTED_PROXIES=1 behind nginx; nginx from Debian's package with the shipped
site file, only ports, a self-signed certificate and log paths replaced). A child process holds the
attack (tests/slow_clients.py): idle connections send nothing; slow ones complete the TLS handshake
(plain TCP for bare serve) and send a GET's headers one byte every 0.5 s, never ending them; either
kind reconnects as soon as the server closes it. Meanwhile a normal client GETs /s/<code> 10 times a
second (open loop, a new HTTPS connection each time, 5 s timeout; a request without a 200 in 5 s counts
as infinitely slow). First the same client with no attack, for comparison. Goal: p99 ≤ 1 s under attack.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import bench_parser, finish, machine, tool_version  # noqa: E402

from tests.deployment import ServeServer, nginx_binary, start_stack  # noqa: E402
from tests.live import add_yining, prepare_database  # noqa: E402
from tests.slow_clients import Attack, percentile, probe  # noqa: E402

os.environ.setdefault("FLASK_CHAIN_KEY", "bench-slow-clients-chain-key-0123456789")  # as tests/conftest.py does
RATE = 10  # citizen page requests per second
TIMEOUT = 5.0


def load() -> str:
    """The load average (1, 5, 15 minutes), as `uptime` shows it."""
    return ", ".join(Path("/proc/loadavg").read_text().split()[:3])


def summary(times: list) -> dict:
    answered = [t for t in times if t is not None]
    return {"n": len(times), "ok": len(answered), "p50": percentile(times, 50), "p99": percentile(times, 99),
            "max": percentile(times, 100), "mean": statistics.fmean(answered) if answered else float("inf")}


def fmt_s(x: float) -> str:
    return "no answer" if x == float("inf") else f"{x * 1000:,.0f} ms" if x < 10 else f"{x:.1f} s"


def run(name: str, url: str, port: int, code: str, *, tls: bool, context, seconds: float, idle: int, slow: int,
        rows: list) -> None:
    quiet = summary(probe(url, f"/s/{code}", seconds=min(seconds, 10), rate=RATE, timeout=TIMEOUT, context=context))
    rows.append((name, "none", quiet, {}, load()))
    print(name, "quiet", quiet, flush=True)
    attack = Attack(port, idle=idle, slow=slow, tls=tls).start()
    try:
        time.sleep(1.0)  # let every connection reach the server
        loaded = summary(probe(url, f"/s/{code}", seconds=seconds, rate=RATE, timeout=TIMEOUT, context=context))
    finally:
        stats = attack.stop()
    rows.append((name, f"{idle} idle + {slow} slow", loaded, stats, load()))
    print(name, "attacked", loaded, stats, flush=True)


def main() -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--idle", type=int, default=200)
    parser.add_argument("--slow", type=int, default=200)
    args = parser.parse_args()
    rows: list = []
    started_load = load()
    with tempfile.TemporaryDirectory(prefix="manyi-slow-") as tmp:
        tmp = Path(tmp)
        (tmp / "stack").mkdir()
        stack = start_stack(tmp / "stack", add_yining)
        try:
            run("nginx + `manyi serve` (documented)", stack.url, stack.nginx.https_port, stack.app.prepared["codes"][0],
                tls=True, context=stack.nginx.ssl_context(), seconds=args.seconds, idle=args.idle, slow=args.slow,
                rows=rows)
            workers = stack.app.workers
        finally:
            stack.stop()
        (tmp / "bare").mkdir()
        bare = ServeServer(tmp / "bare", name="bare")
        bare.prepared = prepare_database(bare.db_path, add_yining)
        bare.start()
        try:
            run("bare `manyi serve` on 127.0.0.1", bare.url, bare.port, bare.prepared["codes"][0], tls=False,
                context=None, seconds=args.seconds, idle=args.idle, slow=args.slow, rows=rows)
        finally:
            bare.stop()

    documented = rows[1][2]
    ok = documented["ok"] == documented["n"] and documented["p99"] <= 1.0
    lines = [
        "## Slow and idle clients (issue #13)",
        "",
        f"`bench/bench_slow_clients.py --seconds {args.seconds:g}`: the citizen page (GET /s/<code>, {RATE} a second, "
        f"open loop, a new connection each, {TIMEOUT:g} s timeout) while a child process holds {args.idle} idle "
        f"connections (nothing sent) and {args.slow} slow ones (TLS handshake done, then a GET's headers one byte "
        "every 0.5 s, never finished), each reopened as soon as the server closes it. Documented: nginx with "
        "deploy/nginx-manyi.conf (HTTPS, self-signed certificate) in front of `manyi serve --bind 127.0.0.1:PORT`; "
        f"bare: `manyi serve` alone on 127.0.0.1 (plain HTTP). Both with serve's default {workers} sync workers, "
        "SQLite, started by tests/deployment.py as the README says. A request with no 200 within the timeout "
        "counts as infinitely slow (\"no answer\"). Load average (1, 5, 15 min) after each run. Goal: p99 ≤ 1 s under attack.",
        "",
        "| server | attack | answered | p50 | p99 | max | attack connections opened / closed by the server | load |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, attack, s, stats, avg in rows:
        opened = f"{stats['opened']:,} / {stats['closed_by_server']:,}" if stats else "–"
        lines.append(f"| {name} | {attack} | {s['ok']}/{s['n']} | {fmt_s(s['p50'])} | {fmt_s(s['p99'])} | "
                     f"{fmt_s(s['max'])} | {opened} | {avg} |")
    bare_loaded = rows[3][2]
    lines += [
        "",
        (f"Documented stack under attack: p99 {fmt_s(documented['p99'])}, {documented['ok']}/{documented['n']} answered: "
         + ("goal met." if ok else "**goal missed**.")),
        f"Bare `manyi serve`: {bare_loaded['ok']}/{bare_loaded['n']} answered under the same attack. Each sync "
        "worker takes one connection and waits for its request, with no read timeout, until gunicorn's worker "
        "timeout (120 s) kills it; the next worker takes the next queued attacker. nginx keeps every waiting "
        "connection in its event loop, bounds each wait (client_header_timeout 10 s: the slow clients are cut off "
        "and reconnect), and hands gunicorn only whole requests.",
        "",
        f"Load average before: {started_load}. {machine()} {tool_version([nginx_binary(), '-v'])}; "
        f"{tool_version(['openssl', 'version'])}.",
    ]
    return finish("slow-clients", "\n".join(lines), args, ok)


if __name__ == "__main__":
    sys.exit(main())
