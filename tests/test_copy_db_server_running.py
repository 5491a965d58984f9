"""`manyi copy-db` from a SQLite file that a server still holds open, idle (so the write turn is free): it used
to copy, and the server went on storing answers in the old file after the move. Now refused in one line naming
the process, nothing copied; once that process is stopped the copy goes ahead."""
import os
import signal
import subprocess
import sys

import pytest

from tests.helpers import demo_database, manyi

pytestmark = pytest.mark.sqlite_only  # the source is a SQLite file (the PostgreSQL source's check is its own)

HOLDER = """import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("select count(*) from responses").fetchone()
print("open", flush=True)
time.sleep(120)
"""


def test_copy_db_refuses_a_source_another_process_holds_open(tmp_path):
    source = demo_database(str(tmp_path / "manyi.sqlite3"))
    target = tmp_path / "copy.sqlite3"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, source], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "open\n"  # a server's worker, idle between two answers
        done = manyi("copy-db", source, str(target), database=str(tmp_path / "app.sqlite3"))
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
        assert done.stderr.startswith(f"Error: {source} is held open by {holder.pid} (")
        assert "stop the Manyi servers" in done.stderr and done.stderr.count("\n") == 1, done.stderr
        assert not target.exists()
    finally:
        os.kill(holder.pid, signal.SIGTERM)
        holder.wait(timeout=30)
        holder.stdout.close()
    done = manyi("copy-db", source, str(target), database=str(tmp_path / "app2.sqlite3"))
    assert done.returncode == 0 and "OK: copied" in done.stdout, done.stdout + done.stderr
