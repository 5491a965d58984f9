"""wrk and the bare servers for bench/bench_submit.py: one wrk run over a file of "path body" lines
(each request takes the next line, so a body is never sent twice), its parsed figures, and
tests/live.py's server with a bare app in place of Manyi (same gunicorn config and workers)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from common import ROOT

from survey_app.store import open_store
from tests.live import GUNICORN_CONF, LiveServer, free_port

WORKERS = 2 * (os.cpu_count() or 1)  # `manyi serve`'s default
THREADS = 2
LUA = r"""
local paths, bodies, i, step = {}, {}, 0, 1
threads_seen = {}
function setup(thread) thread:set("id", #threads_seen) table.insert(threads_seen, thread) end
function init(args)
  local n = 0
  for line in io.lines(args[1]) do
    local path, body = line:match("^(%S+) (.*)$")
    n = n + 1; paths[n] = path; bodies[n] = body
  end
  step = tonumber(args[2]); i = id + 1 - step
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = args[3]
end
function request()
  i = i + step
  if i > #bodies then i = id + 1 end
  return wrk.format("POST", paths[i], nil, bodies[i])
end
"""


class BareServer(LiveServer):
    """tests/live.py's server with a bare app (``module``: bench.bare_app or bench.bare_pg_app) in place of Manyi."""

    def __init__(self, *args, module: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.module = module

    def start(self, *, timeout: float = 20.0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") or k == "FLASK_CHAIN_KEY"}
        env["BARE_DATABASE"] = self.db_path
        self.port = free_port()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), "--workers", str(self.workers),
                 "--bind", f"127.0.0.1:{self.port}", f"{self.module}:app"],
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


def wrk(port: int, bodies: Path, cookie: str, *, connections: int, seconds: float) -> dict:
    lua = bodies.parent / "rotate.lua"  # beside the bodies, in the bench's own folder
    if not lua.exists():
        lua.write_text(LUA)
    cmd = ["wrk", "-t", str(THREADS), "-c", str(connections), "-d", f"{int(seconds)}s", "--latency", "--timeout",
           "10s", "-s", str(lua), f"http://127.0.0.1:{port}", "--", str(bodies), str(THREADS), cookie]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}): {out.stderr}\n{out.stdout}")
    return parse_wrk(out.stdout)


def pg_wal(url: str) -> tuple[int, int] | None:
    """PostgreSQL only: (WAL position in bytes, WAL flushes so far per pg_stat_wal), for per-request deltas."""
    if not url.startswith("postgresql://"):
        return None
    store = open_store(url)
    try:
        row = store.execute("select pg_current_wal_lsn() - '0/0'::pg_lsn, (select wal_sync from pg_stat_wal)").fetchone()
        return int(row[0]), int(row[1])
    finally:
        store.close()
