"""Crash safety: citizens submit to a multi-worker gunicorn while workers are SIGKILLed at random
moments, and once the whole server (master and workers), on SQLite and on PostgreSQL. After a restart every submission that got
its 303 is in the database exactly once, and `manyi verify` passes.

``crash_run`` is also the soak in bench/soak_crash.py (5,000+ submissions); here it is bounded to a
few hundred submissions and about half a minute. Only 127.0.0.1; every process is stopped by PID.
"""
from __future__ import annotations

import os
import random
import signal
import threading
import time
from pathlib import Path

from tests.live import SECRET, LiveServer, add_yining, prepare_database
from tests.submitter import Citizen, new_nonce

RETRY_FOR = 20.0  # seconds a citizen keeps retrying one submission (covers a whole-server restart)


def _kill(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
        return True
    except ProcessLookupError:
        return False


def crash_run(tmp_path: Path, *, n: int, citizens: int = 6, workers: int = 3, worker_kills: int = 10,
              seed: int = 0, database: str | None = None) -> dict:
    """Submit ``n`` responses while killing workers ``worker_kills`` times and the whole server once
    (half-way). Returns the figures and the sets to check; the server is stopped on return."""
    rng = random.Random(seed)
    server = LiveServer(tmp_path, workers=workers, name="crash", database=database)
    prepared = prepare_database(server.db_path, add_yining)
    server.start()
    hall, window = prepared["codes"]
    attempts = iter(range(n))
    lock = threading.Lock()
    acked, unanswered, refused = [], [], []
    done = threading.Event()

    def citizen(i: int):
        phone = Citizen(lambda: server.port, (hall, window)[i % 2], SECRET)
        while True:
            with lock:
                if next(attempts, None) is None:
                    break
            nonce = new_nonce()
            status = phone.submit(phone.body(nonce), retry_for=RETRY_FOR)
            with lock:
                (acked if status == 303 else unanswered if status is None else refused).append(
                    (nonce, status if status in (303, None) else (status, phone.last_page[phone.last_page.find("<h1"):][:700])))
        phone.close()

    def killer():
        progress = lambda: len(acked) + len(unanswered) + len(refused)  # noqa: E731
        marks = sorted(rng.sample(range(n // 20, n - n // 20), worker_kills))
        whole_at = n // 2
        kills = {"workers": 0, "server": 0}
        while not done.is_set() and (marks or whole_at is not None):
            time.sleep(0.005 + rng.random() * 0.02)
            if whole_at is not None and progress() >= whole_at:
                workers_now = server.worker_pids()
                _kill(server.pid)  # the whole server at once: master, then every worker
                for pid in workers_now:
                    _kill(pid)
                server.proc.wait(10)
                server.proc = None
                server.start()  # a restart on the same file (a new port: the citizens follow)
                kills["server"] += 1
                whole_at = None
            elif marks and progress() >= marks[0]:
                marks.pop(0)
                pids = server.worker_pids()
                if pids and _kill(rng.choice(pids)):
                    kills["workers"] += 1
        return kills

    kills: dict = {}
    killer_thread = threading.Thread(target=lambda: kills.update(killer()))
    threads = [threading.Thread(target=citizen, args=(i,)) for i in range(citizens)]
    started = time.monotonic()
    try:
        killer_thread.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        done.set()
        killer_thread.join(60)
    finally:
        done.set()
        server.stop()
    seconds = time.monotonic() - started

    server.start()  # the restart after which everything acknowledged must be there
    try:
        conn = server.connect()
        try:
            stored = {}
            for key, count in conn.execute("select submission_key, count(*) from responses group by submission_key"):
                stored[key] = count
            verification = conn.verify()
            total = conn.response_count()
        finally:
            conn.close()
    finally:
        server.stop()
    acked_keys = {k for k, _ in acked}
    return {
        "n": n, "acked": len(acked), "unanswered": len(unanswered), "refused": len(refused),
        "lost": len(acked_keys - stored.keys()), "twice": sum(1 for c in stored.values() if c > 1),
        "stored": total, "worker_kills": kills.get("workers", 0), "server_kills": kills.get("server", 0),
        "verify_ok": verification.ok, "verification": verification, "seconds": seconds,
        "refused_statuses": sorted({s for _, s in refused}), "log_500": " 500 " in server.log(),
    }


def test_acknowledged_submissions_survive_killed_workers_and_a_killed_server(tmp_path, database_url):
    r = crash_run(tmp_path, n=600, worker_kills=8, database=database_url("crash"))
    assert r["server_kills"] == 1 and r["worker_kills"] >= 6
    assert r["lost"] == 0, r
    assert r["twice"] == 0, r
    assert r["refused"] == 0, r["refused_statuses"]
    assert r["acked"] >= 0.95 * r["n"], r  # retries on the same key get nearly every submission through
    assert r["acked"] <= r["stored"] <= r["n"]
    assert r["verify_ok"], r["verification"]
    assert not r["log_500"]
