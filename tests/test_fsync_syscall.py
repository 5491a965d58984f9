"""The WAL sync, seen as a system call: a real gunicorn (tests/live.py) runs with tests/fsync_shim.c
preloaded (LD_PRELOAD; built here with gcc), which logs every fdatasync/fsync with the file's path,
every write to a ``-wal`` file (SQLite's commit) and every HTTP response written to a socket, each
with CLOCK_MONOTONIC times. A citizen submits once; the answer counts as durable only if, in the
worker that answered, a sync of the database's WAL began after the commit's last WAL write and
ended before the 303 was written to the socket (and the citizen got the 303 after that).

tests/test_durability.py watches ``sqlite_writer.datasync``, a module attribute; this watches the C
library, so it also fails if the sync is made elsewhere, later or not at all. PostgreSQL's fsync is the
server's (``synchronous_commit=on``, checked in tests/test_store_backends.py).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.live import SECRET, add_yining
from tests.submitter import Citizen, new_nonce

pytestmark = pytest.mark.sqlite_only  # the WAL and its fdatasync are SQLite's (and Manyi's sqlite_writer)
SHIM = Path(__file__).resolve().parent / "fsync_shim.c"


def build_shim(out: Path) -> Path:
    """tests/fsync_shim.c compiled into ``out``/fsync_shim.so (gcc is part of every build machine)."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.fail("no C compiler (gcc) on PATH: the fsync shim cannot be built (apt-get install gcc)")
    so = out / "fsync_shim.so"
    subprocess.run([gcc, "-shared", "-fPIC", "-O2", "-Wall", "-o", str(so), str(SHIM), "-ldl"],
                   check=True, capture_output=True, text=True)
    return so


def read_log(path: Path, start: int = 0) -> list[tuple[str, int, int, int, str]]:
    """(event, pid, start ns, end ns, path or status line) for each line from byte ``start`` on."""
    text = path.read_bytes()[start:].decode("utf-8", "replace")
    rows = []
    for line in text.splitlines():
        event, pid, began, ended, what = line.split(" ", 4)
        rows.append((event, int(pid), int(began), int(ended), what))
    return rows


def test_the_wal_is_fdatasynced_after_the_commit_and_before_the_thank_you(tmp_path, live_server_factory, monkeypatch):
    log = tmp_path / "syscalls.log"
    monkeypatch.setenv("LD_PRELOAD", str(build_shim(tmp_path)))
    monkeypatch.setenv("FSYNC_SHIM_LOG", str(log))
    server = live_server_factory(add_yining, workers=1)
    wal = os.path.realpath(server.db_path) + "-wal"
    phone = Citizen(lambda: server.port, server.prepared["codes"][0], SECRET)
    body = phone.body(new_nonce())  # the GET for the device cookie happens here, before the window
    offset = log.stat().st_size if log.exists() else 0

    sent = time.monotonic_ns()
    status = phone.submit(body)
    received = time.monotonic_ns()
    phone.close()
    assert status == 303, phone.last_page[:500]

    deadline = time.monotonic() + 5  # the shim logs a call once it has returned: the 303 may arrive first
    while True:
        calls = [c for c in read_log(log, offset) if sent <= c[2] <= received]
        replies = [c for c in calls if c[0] == "reply" and c[4].startswith("HTTP/1.1_303")]
        if replies or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(replies) == 1, f"the shim saw no single 303 written to a socket: {calls}"
    _, worker, replied, _, _ = replies[0]
    before_reply = [c for c in calls if c[1] == worker and c[3] <= replied]
    commits = [c for c in before_reply if c[0] == "wal" and c[4] == wal]
    assert commits, f"no write to {wal} before the 303: the answer was not committed through SQLite's WAL"
    committed = max(c[3] for c in commits)  # the commit frame is the transaction's last WAL write
    syncs = [c for c in calls if c[0] == "sync" and c[4] == wal]
    assert any(c[1] == worker and c[2] >= committed and c[3] <= replied for c in syncs), (
        f"no fdatasync/fsync of {wal} between the commit (t={committed}) and the 303 (t={replied}); "
        f"syncs seen: {syncs}")
    assert replied <= received
