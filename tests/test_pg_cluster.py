"""tests/pg_cluster.py: the throwaway PostgreSQL server the storage tests run against."""
import os
import uuid

import psycopg
import pytest

from tests import pg_cluster
from tests.pg_cluster import Cluster


@pytest.fixture(scope="module")
def cluster():
    c = Cluster()
    yield c
    c.stop()


def fresh_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"  # unique, so a shared MANYI_TEST_PG server is fine too


def test_starts_and_answers(cluster):
    with psycopg.connect(cluster.url("postgres")) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("postgres",)
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)
        assert conn.execute("SELECT %s::text", ["满意"]).fetchone() == ("满意",)


def test_listens_on_the_unix_socket_only(cluster):
    if cluster.external:
        pytest.skip("MANYI_TEST_PG: an external server's settings are its own")
    assert len(str(cluster.dir / ".s.PGSQL.5432")) < 107  # the Unix socket path limit
    with psycopg.connect(cluster.url("postgres")) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        assert conn.execute("SHOW fsync").fetchone() == ("on",)
        assert conn.execute("SHOW max_connections").fetchone() == ("200",)
        assert conn.execute("SELECT inet_server_addr()").fetchone() == (None,)  # None over a Unix socket


def test_copies_a_template_with_its_table(cluster):
    template, copy = fresh_name("tpl"), fresh_name("copy")
    cluster.create_database(template)
    try:
        with psycopg.connect(cluster.url(template)) as conn:
            conn.execute("CREATE TABLE answers (id integer PRIMARY KEY, text text NOT NULL)")
            conn.execute("INSERT INTO answers VALUES (1, '很满意')")
        cluster.create_database(copy, template=template)  # the template's connection is closed by now
        with psycopg.connect(cluster.url(copy)) as conn:
            assert conn.execute("SELECT id, text FROM answers").fetchall() == [(1, "很满意")]
            conn.execute("INSERT INTO answers VALUES (2, '满意')")
        with psycopg.connect(cluster.url(template)) as conn:  # the copy is independent of its template
            assert conn.execute("SELECT count(*) FROM answers").fetchone() == (1,)
    finally:
        cluster.drop_database(copy)
        cluster.drop_database(template)
    with psycopg.connect(cluster.url("postgres")) as conn:
        names = {name for (name,) in conn.execute("SELECT datname FROM pg_database")}
    assert not {template, copy} & names


def test_stop_and_start_keep_the_data(cluster):
    if cluster.external:
        pytest.skip("MANYI_TEST_PG: an external server cannot be restarted by the tests")
    name = fresh_name("restart")
    cluster.create_database(name)
    with psycopg.connect(cluster.url(name)) as conn:
        conn.execute("CREATE TABLE t (x integer)")
        conn.execute("INSERT INTO t VALUES (42)")
    idle = psycopg.connect(cluster.url(name))  # an open client does not hold up the fast shutdown
    first_pid = cluster.proc.pid
    cluster.stop_server()
    assert cluster.proc.poll() is not None
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.url(name), connect_timeout=2)
    cluster.start_server()
    assert cluster.proc.pid != first_pid
    with pytest.raises(psycopg.OperationalError):
        idle.execute("SELECT 1")  # the old connection is gone; clients must reconnect
    idle.close()
    with psycopg.connect(cluster.url(name)) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(42,)]
        conn.execute("INSERT INTO t VALUES (43)")  # committed: survives the crash below
    cluster.restart(immediate=True)  # SIGQUIT: no shutdown checkpoint, WAL recovery on start
    with psycopg.connect(cluster.url(name)) as conn:
        assert conn.execute("SELECT x FROM t ORDER BY x").fetchall() == [(42,), (43,)]


def test_a_server_that_cannot_start_fails_loudly(monkeypatch):
    if os.environ.get("MANYI_TEST_PG"):
        pytest.skip("MANYI_TEST_PG: no server is started here")
    monkeypatch.setitem(pg_cluster.SETTINGS, "shared_buffers", "'lots'")
    with pytest.raises(RuntimeError, match=r"(?s)did not start.*shared_buffers") as failed:
        pg_cluster.Cluster()
    assert "server log" in str(failed.value)


def test_an_unreachable_external_server_fails_loudly(monkeypatch):
    monkeypatch.setenv("MANYI_TEST_PG", f"postgresql://postgres@/nodb?host=/nonexistent-{os.getpid()}")
    with pytest.raises(RuntimeError, match="MANYI_TEST_PG: cannot connect"):
        pg_cluster.Cluster()
