"""What the two databases must agree on: the same tables and columns from the same named migrations,
migrations that several servers may start at once, races closed by constraints (not by SQLite's one
writer), and a start-up that names a database it cannot use in one line."""
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from survey_app import create_app
from survey_app.store import StartupError, open_store
from survey_app.store.schema_pg import POSTGRES
from tests.helpers import CHECKOUT_ENV, YINING_ANSWERS, at_once

MANYI = str(Path(sys.executable).parent / "manyi")


def sqlite_columns(store) -> dict[str, list[str]]:
    tables = [r["name"] for r in store.query("select name from sqlite_master where type = 'table'"
                                             " and name not like 'sqlite_%' and name != '_sqlite_migrations'")]
    return {t: sorted(r["name"] for r in store.query(f"pragma table_info({t})")) for t in tables}


def postgres_columns(store) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in store.query("select table_name, column_name from information_schema.columns"
                           " where table_schema = 'public' and table_name != 'manyi_migrations'"):
        out.setdefault(row["table_name"], []).append(row["column_name"])
    return {t: sorted(c) for t, c in out.items()}


def test_both_databases_get_the_same_tables_and_columns_from_the_same_migrations(tmp_path, pg):
    lite = open_store(str(tmp_path / "m.sqlite3"))
    lite.migrate()
    pg.create_database("schema_check")
    server = open_store(pg.url("schema_check"))
    server.migrate()
    try:
        assert sqlite_columns(lite) == postgres_columns(server)
        assert "chain_heads" in sqlite_columns(lite) and "store_meta" in sqlite_columns(lite)
        names = [r["name"] for r in lite.query("select name from _sqlite_migrations order by name")]
        assert names == [r["name"] for r in server.query("select name from manyi_migrations order by name")]
        assert names[0] == "m001_wal" and names == sorted(POSTGRES)  # every migration, on both
    finally:
        lite.close()
        server.close()
        pg.drop_database("schema_check")


def test_servers_starting_at_once_migrate_once(pg):
    pg.create_database("migrate_race")
    url, errors = pg.url("migrate_race"), []

    def start():
        store = open_store(url)
        try:
            store.migrate()
        except Exception as e:  # noqa: BLE001 (collected and shown below)
            errors.append(repr(e))
        finally:
            store.close()
    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store = open_store(url)
    try:
        assert errors == []
        assert store.query("select count(*) as n, count(distinct name) as d from manyi_migrations") == [{"n": len(POSTGRES), "d": len(POSTGRES)}]
    finally:
        store.close()
        pg.drop_database("migrate_race")


@pytest.fixture
def two_stores(app):
    """The app's store and several more on the same database, as separate servers would have."""
    url = app.config["DATABASE"]
    stores = [open_store(url) for _ in range(8)]
    yield stores
    for store in stores:
        store.close()


def test_the_same_point_added_at_once_is_one_point(database, yining, two_stores):
    survey_id, _ = yining
    found = at_once(8, lambda i: two_stores[i].add_point(survey_id, "3号窗口"))
    assert len({p["id"] for p in found}) == 1 and len({p["code"] for p in found}) == 1
    assert [p["name"] for p in database.list_points(survey_id)].count("3号窗口") == 1


def test_the_same_username_created_at_once_is_one_account(database, two_stores):
    found = at_once(8, lambda i: two_stores[i].create_user("zhang", f"hash-{i}"))
    created = [r for r in found if isinstance(r, int)]
    assert len(created) == 1
    assert all(isinstance(r, ValueError) for r in found if not isinstance(r, int))
    assert database.query("select count(*) as n from users") == [{"n": 1}]


def test_a_grant_made_at_once_is_logged_once(database, yining, two_stores):
    user = database.create_user("li", "hash")
    found = at_once(8, lambda i: two_stores[i].grant(user, yining[0], by="cli"))
    assert found.count(True) == 1 and found.count(False) == 7
    assert len([e for e in database.audit_entries(yining[0]) if e["action"] == "grant"]) == 1


def test_an_exclusion_made_at_once_counts_once(database, yining, two_stores):
    survey_id, (hall, _) = yining
    point = database.point_by_code(hall)[0]
    saved = database.save_response(survey_id=survey_id, point_id=point["id"], questionnaire_version=1,
                                   submission_key="race-1", answers=sorted(YINING_ANSWERS.items()),
                                   seconds_on_page=30, language="zh-CN", device_hash=None)
    found = at_once(8, lambda i: two_stores[i].set_response_status(saved.response_id, status="excluded",
                                                                   reason="重复", user=f"u{i}"))
    assert found.count(True) == 1 and found.count(False) == 7
    assert database.status_counts(survey_id) == {"excluded": 1}
    assert database.tallies(survey_id) == [] and database.verify().ok


def test_submits_at_once_at_several_points_keep_every_chain(database, yining, two_stores):
    survey_id, codes = yining
    points = [database.point_by_code(c)[0]["id"] for c in codes]
    found = at_once(8, lambda i: two_stores[i].save_response(
        survey_id=survey_id, point_id=points[i % 2], questionnaire_version=1, submission_key=f"k{i}",
        answers=sorted(YINING_ANSWERS.items()), seconds_on_page=30, language="zh-CN", device_hash=None))
    assert all(s.created for s in found)
    assert database.response_count(survey_id) == 8 and database.verify().ok


def test_an_unreachable_database_stops_start_up_with_one_line(tmp_path):
    url = f"postgresql://manyi@/nosuchdb?host={tmp_path}"  # no server listens there
    with pytest.raises(StartupError) as raised:
        create_app({"SECRET_KEY": "t", "DATABASE": url})
    message = str(raised.value)
    assert "\n" not in message and "postgresql://manyi@" in message and "cannot" in message
    env = {"FLASK_DATABASE": url, "PATH": "/usr/bin:/bin", "FLASK_CHAIN_KEY": os.environ["FLASK_CHAIN_KEY"], **CHECKOUT_ENV}
    done = subprocess.run([MANYI, "init-db"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "cannot" in done.stderr, done.stderr
    keyless = {k: v for k, v in env.items() if k != "FLASK_CHAIN_KEY"}  # and without a key: one line too
    done = subprocess.run([MANYI, "init-db"], env=keyless, capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0


def test_a_file_that_is_not_a_database_stops_start_up_with_one_line(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StartupError) as raised:
        create_app({"SECRET_KEY": "t", "DATABASE": str(junk)})
    assert str(junk) in str(raised.value) and "\n" not in str(raised.value)


def test_a_url_marked_pgbouncer_turns_prepared_statements_off(pg):
    store = open_store(pg.url("manyi_template") + "&pgbouncer=1")
    plain = open_store(pg.url("manyi_template"))
    try:
        assert store.response_count() == 0  # libpq never sees Manyi's own parameter
        assert store.backend.connection().raw.prepare_threshold is None
        assert plain.backend.connection().raw.prepare_threshold == 5  # psycopg's default
    finally:
        store.close()
        plain.close()


@pytest.mark.postgresql_only
def test_every_connection_commits_synchronously_and_gives_up_on_locks(database):
    settings = {r["name"]: r["setting"] for r in database.query(
        "select name, setting from pg_settings where name in"
        " ('synchronous_commit', 'lock_timeout', 'statement_timeout', 'TimeZone')")}
    assert settings == {"synchronous_commit": "on", "lock_timeout": "10000", "statement_timeout": "10000",
                        "TimeZone": "UTC"}


@pytest.mark.postgresql_only
def test_a_postgresql_url_makes_no_folder(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    create_app({"SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]}).extensions["manyi.store"].close()
    assert list(tmp_path.iterdir()) == []  # the URL was never taken for a file path


def test_a_threads_connection_is_closed_when_the_thread_ends(database):
    """A threaded server starts a thread per request: their connections must not pile up."""
    import gc

    for _ in range(20):
        thread = threading.Thread(target=database.response_count)
        thread.start()
        thread.join()
    gc.collect()
    assert len(database.backend._opened) <= 1  # this thread's own, if it has one


def test_exclusions_beside_submits_at_one_point_never_deadlock(database, yining, two_stores):
    """An evaluator excludes and restores while citizens submit at the same point: each takes the point's
    head first, so none waits for another crosswise (PostgreSQL would break such a wait after a second)."""
    import time

    survey_id, (hall, _) = yining
    point = database.point_by_code(hall)[0]["id"]
    first = database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key="x0",
                                   answers=sorted(YINING_ANSWERS.items()), seconds_on_page=30, language="zh-CN",
                                   device_hash=None).response_id
    stop, failures = time.monotonic() + 2.0, []

    def citizen(i):
        n = 0
        while time.monotonic() < stop:
            n += 1
            two_stores[i].save_response(survey_id=survey_id, point_id=point, questionnaire_version=1,
                                        submission_key=f"s{i}-{n}", answers=sorted(YINING_ANSWERS.items()),
                                        seconds_on_page=30, language="zh-CN", device_hash=None)

    def evaluator(i):
        n = 0
        while time.monotonic() < stop:
            n += 1
            two_stores[i].set_response_status(first, status="excluded" if n % 2 else "valid", reason="复核", user="u")
    found = at_once(4, lambda i: citizen(i) if i < 3 else evaluator(i))
    failures = [r for r in found if isinstance(r, Exception)]
    assert failures == [] and database.verify().ok
    if database.kind == "postgresql":  # a deadlock is retried unseen: PostgreSQL's own count tells
        for store in two_stores:
            store.close()  # a session reports its statistics when it ends
        time.sleep(0.5)
        assert database.query("select deadlocks from pg_stat_database where datname = current_database()") \
            == [{"deadlocks": 0}]


@pytest.mark.sqlite_only  # PostgreSQL refuses such bytes when they are written
def test_a_read_that_meets_bytes_that_are_not_utf8_reads_on(tmp_path):
    """A bad row in the middle of a streamed read: the rows before it are not handed out twice, the bad
    bytes come back as U+FFFD, the rows after it follow, and the next read decodes strictly again."""
    import sqlite3

    from survey_app.store.common import Conn
    from survey_app.store.sqlite import Rows

    raw = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)
    raw.execute("create table t (id integer primary key, v text)")
    raw.executemany("insert into t (v) values (?)", [(f"行{i}",) for i in range(2500)])
    raw.execute("update t set v = cast(x'ff' || cast('尾' as blob) as text) where id = 1500")
    conn = Conn(raw, "sqlite", rows=Rows)
    cursor = conn.execute("select id, v from t order by id")
    first = cursor.fetchmany(1200)
    rest = list(cursor)
    ids = [row[0] for row in first + rest]
    assert ids == list(range(1, 2501))
    assert (first + rest)[1499][1] == "\ufffd尾" and rest[-1][1] == "行2499"
    assert conn.value("select v from t where id = 2") == "行1" and raw.text_factory is str
    with pytest.raises(sqlite3.OperationalError, match="decode"):  # a write is never run twice to read it
        conn.execute("update t set v = v where id = 1500 returning v").fetchall()
