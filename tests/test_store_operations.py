"""Operating Manyi on PostgreSQL: the server going away while citizens submit, backups with pg_dump,
and moving a deployment between SQLite and PostgreSQL with ``manyi copy-db``."""
import os
import subprocess
import sys

import pytest

from survey_app.store import open_store
from survey_app.store.postgres import pg_tool
from tests.helpers import demo_database, fill, manyi
from tests.yining import submit_all, yining_rows



@pytest.mark.postgresql_only
def test_the_server_going_away_gives_503_with_the_form_kept_and_recovers_by_itself(pg, client, yining, database,
                                                                                  monkeypatch):
    _, (hall, _) = yining
    first = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    assert client.post(f"/s/{hall}", data=first).status_code == 303
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    # answering takes longer than the point cache keeps a reading: the submit's lookup finds the server away
    monkeypatch.setattr(database, "clock", lambda: 10**9)
    pg.stop_server(immediate=True)  # a crash: nothing is shut down cleanly
    try:
        down = client.post(f"/s/{hall}", data=body)
        page = down.get_data(as_text=True)
        assert down.status_code == 503 and "您的答卷还没有保存" in page
        assert 'name="q4" value="C" checked' in page  # the answers come back
        assert client.get(f"/s/{hall}?lang=en").status_code in (200, 503)  # never a 500
    finally:
        pg.start_server()
    retry = client.post(f"/s/{hall}", data=fill(page))  # the same key, once the server is back
    assert retry.status_code == 303
    assert client.post(f"/s/{hall}", data=fill(page)).status_code == 303  # a second retry stores nothing
    assert database.response_count() == 2 and database.verify().ok


@pytest.mark.postgresql_only
def test_after_a_quick_restart_the_next_citizen_is_served_not_refused(pg, client, yining, database, monkeypatch):
    """The server restarted between two requests: the kept connection is found lost on the next read,
    which runs again on a new one (a write is never run twice: it gives the 503 above)."""
    _, (hall, _) = yining
    assert client.get(f"/s/{hall}").status_code == 200
    pg.restart()
    monkeypatch.setattr(database, "clock", lambda: 10**9)  # the point cache has expired: a real read
    page = client.get(f"/s/{hall}")
    assert page.status_code == 200
    assert client.post(f"/s/{hall}", data=fill(page.get_data(as_text=True))).status_code == 303
    assert database.response_count() == 1


@pytest.mark.postgresql_only
def test_backup_writes_a_pg_dump_archive_that_restores_and_verifies(pg, app, client, yining, database, tmp_path):
    submit_all(client, yining[1][0], yining_rows()[:12])
    target = tmp_path / "backup.dump"
    done = manyi("backup", str(target), database=app.config["DATABASE"])
    assert done.returncode == 0, done.stderr
    assert f"Backup written: {target} (12 responses, from " in done.stdout and "pg_restore" in done.stdout
    assert target.stat().st_mode & 0o777 == 0o600  # the answers: readable by the server's user only (README)
    archive = manyi("verify", "--db", str(target))  # the archive itself is no database: say how to check it
    assert archive.returncode == 1 and "is a pg_dump archive: restore it" in archive.stderr
    pg.create_database("restored")
    try:
        restore = subprocess.run([pg_tool("pg_restore"), "--no-owner", "--dbname", pg.url("restored"), str(target)],
                                 capture_output=True, text=True, timeout=120)
        assert restore.returncode == 0, restore.stderr
        check = manyi("verify", "--db", pg.url("restored"))
        assert check.returncode == 0 and "OK: 12 responses" in check.stdout, check.stdout + check.stderr
    finally:
        pg.drop_database("restored")


@pytest.mark.postgresql_only
def test_verify_as_a_role_that_may_not_read_the_restored_tables_says_so(pg):
    """A dump restored by one role, checked as another: a permission problem, never "damaged"."""
    import psycopg

    pg.create_database("others", template="manyi_template")
    admin = psycopg.connect(pg.url("postgres"), autocommit=True)
    try:
        admin.execute("create role manyi_reader login")
        other = pg.url("others").replace("postgres@", "manyi_reader@", 1)
        done = manyi("verify", "--db", other)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
        assert "permission denied" in done.stderr and "damaged" not in done.stderr
        assert "Restore the backup as the app's role" in done.stderr
    finally:
        pg.drop_database("others")
        admin.execute("drop role if exists manyi_reader")
        admin.close()


@pytest.fixture
def demo_file(tmp_path):
    """The demo deployment on SQLite: the Yining survey, its 50 answers, an evaluator."""
    return demo_database(str(tmp_path / "demo.sqlite3"))


def test_copy_db_moves_the_demo_to_postgresql_and_back_with_the_same_figures(pg, demo_file, tmp_path):
    pg.create_database("moved")
    url = pg.url("moved")
    try:
        done = manyi("copy-db", demo_file, url)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "responses: 100 rows" in done.stdout and "OK: copied" in done.stdout and "0 value(s) changed" in done.stdout
        source, copy = open_store(demo_file), open_store(url)
        try:
            [survey] = [s for s in copy.list_surveys() if s["year"] == 2024]  # the demo, beside last year's
            assert copy.survey_digest(survey["id"]) == source.survey_digest(survey["id"])
            assert copy.tallies(survey["id"]) == source.tallies(survey["id"])
            new = copy.add_point(survey["id"], "新窗口")  # ids go on after the copied ones
            assert new["id"] > max(p["id"] for p in source.list_points(survey["id"]))
        finally:
            source.close()
            copy.close()
        assert manyi("verify", "--db", url).returncode == 0
        back = tmp_path / "back.sqlite3"
        returned = manyi("copy-db", url, str(back))
        assert returned.returncode == 0, returned.stdout + returned.stderr
        for made in tmp_path.glob("back.sqlite3*"):  # the copy, its -wal and -shm: the owner's only
            assert made.stat().st_mode & 0o777 == 0o600, made
        assert manyi("verify", "--db", str(back)).returncode == 0
    finally:
        pg.drop_database("moved")


def test_copy_db_refuses_a_destination_that_holds_data(pg, demo_file, tmp_path):
    other = tmp_path / "other.sqlite3"
    assert manyi("copy-db", demo_file, str(other)).returncode == 0
    again = manyi("copy-db", demo_file, str(other))
    assert again.returncode == 1 and "is not empty" in again.stderr and "Traceback" not in again.stderr


def test_copy_db_into_a_database_set_up_with_init_db_takes_the_source_key(pg, demo_file):
    """README order: `FLASK_CHAIN_KEY=new manyi init-db` on PostgreSQL, then copy-db with the SQLite key: the
    empty, keyed destination takes the source's key and the copy verifies."""
    pg.create_database("initialised")
    url = pg.url("initialised")
    try:
        assert manyi("init-db", database=url, key="a new key made for postgresql, 0123456789").returncode == 0
        done = manyi("copy-db", demo_file, url)
        assert done.returncode == 0 and "OK: copied" in done.stdout, done.stdout + done.stderr
        check = manyi("verify", "--db", url)
        assert check.returncode == 0 and check.stdout.startswith("OK: 100 responses"), check.stdout + check.stderr
    finally:
        pg.drop_database("initialised")


def test_copy_db_into_a_database_holding_data_under_another_key_says_it_is_not_empty(demo_file, tmp_path):
    other = str(tmp_path / "other.sqlite3")
    assert manyi("init-db", database=other, key="another deployment's key, 0123456789abcdef").returncode == 0
    assert manyi("create-user", "li", "--password-stdin", database=other, key="another deployment's key, 0123456789abcdef",
                 input="a long password\n").returncode == 0
    refused = manyi("copy-db", demo_file, other)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert f"{other} is not empty (" in refused.stderr and "users" in refused.stderr  # and its account chain
    assert "keyed with" not in refused.stderr


def test_copy_db_refuses_while_the_source_is_being_written_to(demo_file, tmp_path):
    lock = demo_file + "-writer.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, time; "
                               f"fd = os.open({lock!r}, os.O_RDWR | os.O_CREAT); fcntl.flock(fd, fcntl.LOCK_EX); "
                               "print('held', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"  # a server in the middle of a write
        refused = manyi("copy-db", demo_file, str(tmp_path / "copy.sqlite3"))
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert refused.returncode == 1 and "is being written to" in refused.stderr
    assert not (tmp_path / "copy.sqlite3").exists() or open_store(str(tmp_path / "copy.sqlite3")).response_count() == 0


def test_copy_db_names_every_value_postgresql_cannot_hold(pg, demo_file):
    source = open_store(demo_file, chain_key=os.environ["FLASK_CHAIN_KEY"])
    source.update_survey(1, department="a\x00b")  # as an older version stored it (the edge cleans it today)
    assert source.verify().ok
    source.close()
    pg.create_database("nul")
    try:
        done = manyi("copy-db", demo_file, pg.url("nul"))
        assert "CHANGED surveys row 1 column department: U+0000 replaced by U+FFFD" in done.stdout, done.stdout
        assert done.returncode == 0, done.stdout  # the change is recorded in the survey's chain: the copy verifies
        copy = open_store(pg.url("nul"), chain_key=os.environ["FLASK_CHAIN_KEY"])
        try:
            assert copy.audit_entries(1)[-1]["action"] == "copy" and copy.get_survey(1)["department"] == "a\ufffdb"
        finally:
            copy.close()
    finally:
        pg.drop_database("nul")


def test_copy_db_names_text_that_is_not_utf8_in_the_source(pg, demo_file):
    """Bytes a file holder wrote past Manyi (not UTF-8) reach the copy as U+FFFD, said in the report; the check
    after the copy names the changed answer, as verify on the source does."""
    source = open_store(demo_file, chain_key=os.environ["FLASK_CHAIN_KEY"])
    source.execute("update answers set value = cast(x'41ff' as text) where response_id = 3 and question_id = 'q5'")
    source.close()
    pg.create_database("bytes")
    try:
        done = manyi("copy-db", demo_file, pg.url("bytes"))
        assert "answers: text that is not UTF-8 (written into the source behind Manyi's back) copied as U+FFFD" \
            in done.stdout, done.stdout
        assert done.returncode == 1 and "response 3" in done.stdout + done.stderr, done.stdout + done.stderr
    finally:
        pg.drop_database("bytes")


def test_the_demo_runs_on_postgresql_with_the_yining_figures(pg, tmp_path):
    """As the README says: FLASK_DATABASE=postgresql://… manyi init-db && manyi demo."""
    import json

    pg.create_database("demo")
    url = pg.url("demo")
    try:
        assert manyi("init-db", database=url).returncode == 0
        done = manyi("demo", "--no-serve", database=url)
        assert done.returncode == 0, done.stdout + done.stderr
        out = tmp_path / "demo.json"
        assert manyi("export", "1", "--format", "json", "--out", str(out), database=url).returncode == 0
        result = json.loads(out.read_text(encoding="utf-8"))
        assert result["counts"]["valid"] == 50 and round(result["headline"]["value"], 1) == 97.6
        assert (result["headline"]["c51"]["points"], result["headline"]["c51"]["maximum"]) == (5, 5)
        assert manyi("verify", database=url).returncode == 0
    finally:
        pg.drop_database("demo")


def test_a_command_on_an_empty_postgresql_database_neither_migrates_nor_keys_it(pg):
    """Only init-db (and demo) set up a database: list-surveys on an empty one says there is none."""
    pg.create_database("bare")
    url = pg.url("bare")
    try:
        refused = manyi("list-surveys", database=url, key="abc")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stdout + refused.stderr
        assert "no database at" in refused.stderr and "manyi init-db" in refused.stderr
        store = open_store(url)
        try:
            assert not store._has_table("store_meta") and not store._has_table("surveys")
        finally:
            store.close()
    finally:
        pg.drop_database("bare")
