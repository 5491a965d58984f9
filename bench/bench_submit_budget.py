"""Where a submit's CPU goes: Manyi's submit against the bare apps of bench/bench_submit.py, in process,
on SQLite and on PostgreSQL, to show what the ≥ 0.8 × bare throughput goal leaves for the storage.

Run:  .venv/bin/python bench/bench_submit_budget.py [--requests 2000] [--rounds 3] [--backends sqlite,postgresql] [--no-write]

Each variant serves ``--requests`` POSTs through Flask's test client (no HTTP server, no wrk: the same
overhead for every variant), one after the other, the variants interleaved round by round; figures are
medians over rounds. "app CPU" is the Python process's CPU time per request (``time.process_time``: user
and system, the WAL fdatasync's included on SQLite); "server CPU" is the PostgreSQL backend's (utime +
stime from /proc/<backend pid>/stat; the WAL writer and checkpointer are not counted). The variants:

- bare, no insert: bench/bare_app.py's view with its database call taken out (Flask's floor);
- bare: bench/bare_app.py or bench/bare_pg_app.py as bench_submit.py serves it (one INSERT per POST);
- Manyi, no storage: the citizen's submit with ``save_response`` replaced by nothing (view, key, answers,
  defences' checks, the 303);
- Manyi, one tiny insert: ``save_response`` replaced by one INSERT of the bare app's row through the
  store's own durable write (PostgreSQL: one autocommitted statement; SQLite: the write turn and the sync);
- Manyi: the submit as shipped (claim, response, answers, chain, tallies, counts).

The last column divides bare's CPU (app + server) by the variant's: on a machine whose CPUs are the limit,
as in bench_submit.py's runs where the app, PostgreSQL and wrk share two vCPUs, it bounds the throughput
ratio the variant can reach.
"""
from __future__ import annotations

import importlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from common import bench_parser, finish, machine  # noqa: E402

from flask import Flask, request

from bench_submit import BARE_SCHEMA, STUFFING, hall  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.store import get_store, open_store  # noqa: E402
from survey_app.store.responses import Saved  # noqa: E402
from tests.helpers import YINING_ANSWERS  # noqa: E402
from tests.live import SECRET, prepare_database  # noqa: E402
from tests.submitter import new_nonce, signed_key  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
VARIANTS = ("bare, no insert", "bare", "Manyi, no storage", "Manyi, one tiny insert", "Manyi")
TINY = "insert into rows (key, body) values (?, ?)"


def backend_cpu(pid: int | None) -> float:
    """Seconds of CPU a PostgreSQL backend has used (0 without one)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def floor_app() -> Flask:
    """The bare apps' view without their database call."""
    app = Flask("floor")

    @app.post("/submit")
    def submit():
        request.form.get("key", "")
        request.form.get("q5", "")
        return "", 303, {"Location": "/thanks"}
    return app


def bare_app(url: str):
    """bench/bare_app.py or bench/bare_pg_app.py on ``url`` (each reads BARE_DATABASE when imported)."""
    os.environ["BARE_DATABASE"] = url
    module = importlib.import_module("bench.bare_pg_app" if url.startswith("postgresql") else "bench.bare_app")
    module = importlib.reload(module)
    pid = None
    if url.startswith("postgresql"):
        pid = module.database().info.backend_pid
    else:
        module.database()
    return module.app, pid


def manyi(url: str, codes: list[str], mode: str):
    """(test client, codes, device cookie, backend pid) with ``save_response`` as ``mode`` says."""
    app = create_app({"SECRET_KEY": SECRET, "DATABASE": url, "PUBLIC_BASE_URL": "http://127.0.0.1", **STUFFING})
    with app.app_context():
        store = get_store()
        if mode == "none":
            store.save_response = lambda **kw: Saved(1, True)
        elif mode == "tiny":
            def tiny(**kw):
                body = lambda conn: conn.execute(TINY, (kw["submission_key"], "x"))  # noqa: E731
                if store.kind == "postgresql":
                    store.backend.write(body, transaction=False)
                else:
                    store.backend.write(body)
                return Saved(1, True)
            store.save_response = tiny
        client = app.test_client()
        client.get(f"/s/{codes[0]}")
        device = client.get_cookie("mid").value
        pid = store.backend.connection().raw.info.backend_pid if store.kind == "postgresql" else None
    return client, codes, device, pid


def measure(client, bodies: list[tuple[str, str]], pid: int | None) -> tuple[float, float]:
    """(app CPU, server CPU) in ms per request over ``bodies``."""
    server, cpu = backend_cpu(pid), time.process_time()
    for path, body in bodies:
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        if response.status_code != 303:
            raise RuntimeError(f"{path} answered {response.status_code}")
    n = len(bodies)
    return (time.process_time() - cpu) * 1000 / n, (backend_cpu(pid) - server) * 1000 / n


def run_backend(kind: str, requests: int, rounds: int, cluster) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="manyi-bench-budget-"))
    if kind == "postgresql":
        for name in ("bare", "none", "tiny", "full"):
            cluster.create_database(name)
        urls = {name: cluster.url(name) for name in ("bare", "none", "tiny", "full")}
    else:
        urls = {name: str(tmp / f"{name}.sqlite3") for name in ("bare", "none", "tiny", "full")}
    codes = {name: prepare_database(urls[name], hall)["codes"] for name in ("none", "tiny", "full")}
    store = open_store(urls["tiny"])
    store.execute(BARE_SCHEMA[kind])
    store.close()
    bare, bare_pid = bare_app(urls["bare"])
    clients = {"bare, no insert": (floor_app().test_client(), None, None, None),
               "bare": (bare.test_client(), None, None, bare_pid)}
    for variant, name, mode in (("Manyi, no storage", "none", "none"), ("Manyi, one tiny insert", "tiny", "tiny"),
                                ("Manyi", "full", "full")):
        clients[variant] = manyi(urls[name], codes[name], mode)
    bare_body = urlencode({"key": "k" * 80, "lang": "zh-CN", **YINING_ANSWERS})
    results = {v: [] for v in VARIANTS}
    for r in range(rounds + 1):  # round 0 warms every variant up (statements prepared, pages cached)
        for variant in VARIANTS:
            client, codes, device, pid = clients[variant]
            if codes is None:
                bodies = [("/submit", bare_body)] * requests
            else:  # a fresh key per submit, signed 60 s ago (past the minimum time), cycling over the points
                issued = int(time.time()) - 60
                bodies = [(f"/s/{codes[j % len(codes)]}", urlencode({
                    "key": signed_key(SECRET, codes[j % len(codes)], new_nonce(), device, issued=issued),
                    "lang": "zh-CN", **YINING_ANSWERS})) for j in range(requests if r else requests // 4)]
            figures = measure(client, bodies if r else bodies[:requests // 4], pid)
            if r:
                results[variant].append(figures)
    return {v: (statistics.median(a for a, _ in f), statistics.median(s for _, s in f)) for v, f in results.items()}


def section(data: dict, requests: int, rounds: int) -> str:
    lines = [
        "## Where a submit's CPU goes (in process)", "",
        f"`bench/bench_submit_budget.py --requests {requests} --rounds {rounds}`: each variant serves {requests:,} "
        f"POSTs through Flask's test client, variants interleaved, medians over {rounds} rounds (see the script's "
        "docstring for the variants). CPU in ms per request; the last column is bare's app + server CPU divided "
        "by the variant's: the throughput ratio a CPU-bound machine allows.",
    ]
    for kind, figures in data["backends"].items():
        bare = sum(figures["bare"])
        lines += ["", f"### {'PostgreSQL' if kind == 'postgresql' else 'SQLite'}", "",
                  "| variant | app CPU | server CPU | total | bare's total / this |",
                  "|---|---:|---:|---:|---:|"]
        for variant in VARIANTS:
            app_cpu, server_cpu = figures[variant]
            server = f"{server_cpu:.3f}" if kind == "postgresql" else "—"
            lines.append(f"| {variant} | {app_cpu:.3f} | {server} | {app_cpu + server_cpu:.3f} "
                         f"| {bare / (app_cpu + server_cpu):.0%} |")
    for kind, figures in data["backends"].items():
        bare, tiny = sum(figures["bare"]), sum(figures["Manyi, one tiny insert"])
        lines += ["", f"{'PostgreSQL' if kind == 'postgresql' else 'SQLite'}: Manyi with all of its storage replaced "
                  f"by the bare app's one insert needs {tiny / bare:.2f} × bare's CPU per request (a CPU-bound ceiling of "
                  f"{bare / tiny:.0%}); as shipped {sum(figures['Manyi']) / bare:.2f} ×."]
    lines += ["", machine(("flask", "werkzeug", "sqlite-utils", "psycopg")) + (f" {data['server']}." if data["server"] else "")]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="requests per variant and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated: sqlite, postgresql")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not backends or set(backends) - set(BACKENDS):
        parser.error(f"--backends: choose from {', '.join(BACKENDS)}")
    cluster, data = None, {"backends": {}, "server": None}
    try:
        if "postgresql" in backends:
            from tests.pg_cluster import Cluster

            cluster = Cluster()
            probe = open_store(cluster.url("postgres"))
            data["server"] = "PostgreSQL " + probe.execute("show server_version").fetchone()[0].split()[0]
            probe.close()
        for kind in backends:
            data["backends"][kind] = run_backend(kind, args.requests, args.rounds, cluster)
            print(kind, data["backends"][kind], flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    return finish("submit-budget", section(data, args.requests, args.rounds), args)


if __name__ == "__main__":
    sys.exit(main())
