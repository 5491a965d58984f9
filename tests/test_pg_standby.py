"""PostgreSQL with a primary and a streaming standby (README, "Deploying on PostgreSQL"): messages name each
server by host and port, and a command pointed at the standby says so in one line."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from survey_app.store.postgres import redact
from tests.helpers import manyi


def test_messages_name_every_host_with_its_port_and_never_the_password():
    primary = redact("postgresql://manyi:s3cret@127.0.0.1:5441/manyi")
    replica = redact("postgresql://manyi:s3cret@127.0.0.1:5442/manyi")
    assert primary == "postgresql://manyi@127.0.0.1:5441/manyi" and replica == "postgresql://manyi@127.0.0.1:5442/manyi"
    both = redact("postgresql://manyi:s3cret@h1:5432,h2:5433/manyi?target_session_attrs=read-write")
    assert both == "postgresql://manyi@h1:5432,h2:5433/manyi"
    assert redact("postgresql://manyi@h1,h2:6432/manyi") == "postgresql://manyi@h1:5432,h2:6432/manyi"
    assert redact("postgresql://manyi@db.example.cn/manyi") == "postgresql://manyi@db.example.cn:5432/manyi"
    assert redact("postgresql://manyi@[::1]:5442/manyi") == "postgresql://manyi@[::1]:5442/manyi"
    for url in ("postgresql://manyi:s3cret@h1:5432,h2:5432/manyi", "host=h1 password=s3cret dbname=manyi"):
        assert "s3cret" not in redact(url)


@pytest.fixture(scope="module")
def standby(pg, tmp_path_factory):
    """A hot standby of the suite's cluster (pg_basebackup -R, as README says), on its own socket folder, holding
    the demo survey (`manyi demo` on the primary first); yields the primary's URL, the standby's, and the number
    of responses stored. Stopped by PID."""
    if pg.external:
        pytest.skip("MANYI_TEST_PG: a standby of an external server cannot be started here")
    pg.create_database("standby_demo")
    assert manyi("demo", "--no-serve", database=pg.url("standby_demo")).returncode == 0
    folder = Path(tempfile.mkdtemp(prefix="pgs", dir="/tmp"))  # short: the socket path stays under 107 bytes
    if pg._as:
        os.chown(folder, pg._as["user"], pg._as["group"])
    data = folder / "data"
    done = subprocess.run([pg.bindir / "pg_basebackup", "-D", data, "-R", "-X", "stream", "-c", "fast", "--no-sync",
                           "-d", f"host={pg.dir} port=5432 user=postgres application_name=standby1"],
                          env=pg._env(), capture_output=True, text=True, cwd=folder, **pg._as)
    assert done.returncode == 0, done.stderr
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(f"\nunix_socket_directories = '{folder}'\nhot_standby = on\nfsync = off\n")  # a throwaway: no fsync of every file at start
    with open(folder / "log", "ab") as log:
        proc = subprocess.Popen([pg.bindir / "postgres", "-D", str(data)], cwd=folder, env=pg._env(),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, **pg._as)
    url = f"postgresql://postgres@/standby_demo?host={folder}&port=5432"
    with psycopg.connect(pg.url("standby_demo")) as conn:
        stored = conn.execute("select count(*) from responses").fetchone()[0]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with psycopg.connect(url, connect_timeout=5) as conn:
                    assert conn.execute("select pg_is_in_recovery()").fetchone()[0]
                    if conn.execute("select count(*) from responses").fetchone()[0] == stored:
                        break
            except psycopg.OperationalError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (folder / "log").read_text(errors="replace")[:3000]
            time.sleep(0.1)
        yield pg.url("standby_demo"), url, stored
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
        pg.drop_database("standby_demo")


def test_commands_pointed_at_a_standby_say_so_in_one_line(standby):
    _, replica, _ = standby
    for command in (["verify"], ["list-surveys"], ["init-db"]):
        done = manyi(*command, database=replica)
        assert done.returncode != 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
        err = done.stderr.strip()
        assert len(err.splitlines()) == 1 and "read-only transaction" not in err, err
        assert "this is a standby (read-only): point FLASK_DATABASE at the primary, or use manyi verify --db URL" in err
        assert redact(replica) in err, err


def test_verify_db_reads_a_standby(standby):
    primary, replica, stored = standby
    for database in (primary, replica):  # the app's own database: the primary, or the standby itself
        done = manyi("verify", "--db", replica, database=database)
        assert done.returncode == 0 and done.stdout.startswith(f"OK: {stored} responses"), done.stdout + done.stderr
        assert redact(replica) in done.stdout


def test_a_standby_named_as_the_readme_says_becomes_synchronous(pg, standby):
    """README, "A standby": pg_basebackup -R -d "application_name=standby1" names it, and
    synchronous_standby_names = 'FIRST 1 (standby1)' then shows it as sync in pg_stat_replication; a commit
    returns (without the name, every commit would wait for good)."""
    primary, replica, stored = standby
    with psycopg.connect(pg.url("postgres"), autocommit=True) as admin:
        admin.execute("alter system set synchronous_standby_names = 'FIRST 1 (standby1)'")
        admin.execute("select pg_reload_conf()")
        try:
            deadline = time.monotonic() + 30
            while admin.execute("select application_name, sync_state from pg_stat_replication").fetchall() != [
                    ("standby1", "sync")]:
                assert time.monotonic() < deadline, admin.execute("select * from pg_stat_replication").fetchall()
                time.sleep(0.1)
            with psycopg.connect(primary, autocommit=True, options="-c statement_timeout=20000") as conn:
                conn.execute("create table sync_probe (n integer)")  # waits for the standby's flush
                conn.execute("drop table sync_probe")
        finally:
            admin.execute("alter system reset synchronous_standby_names")
            admin.execute("select pg_reload_conf()")
