"""One hash chain per collection point, and the migration that brought them: a database from before
(one global chain) keeps every response verifiable, and its old chain becomes every point chain's first
link, so removing its newest responses is still found. Deadlocks and serialization failures on
PostgreSQL are retried."""
import psycopg
import pytest

from survey_app import create_app
from survey_app.store import chain_hash, open_store
from tests.helpers import YINING_ANSWERS

ANSWERS = sorted(YINING_ANSWERS.items())


def save(store, point_id: int, key: str):
    return store.save_response(survey_id=1, point_id=point_id, questionnaire_version=1, submission_key=key,
                               answers=ANSWERS, seconds_on_page=30, language="zh-CN", device_hash=None)


def make_pre_chain_file(path: str) -> None:
    """A file as Manyi wrote it before per-point chains (migrations m001-m006, one global chain):
    made with today's code, then taken back to that state."""
    store = open_store(path)
    store.migrate()
    sid = store.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="旧库")
    points = [store.add_point(sid, name)["id"] for name in ("业务大厅", "1号窗口")]
    for i in range(6):
        save(store, points[i % 2], f"old-{i}")
    prev = ""
    for row in store.query("select * from responses order by id"):  # re-link as one global chain
        answers = [tuple(a) for a in store.execute("select question_id, value from answers where response_id = ?",
                                                   [row["id"]]).fetchall()]
        digest = chain_hash(prev, row, answers)
        store.execute("update responses set prev_hash = ?, hash = ? where id = ?", [prev, digest, row["id"]])
        prev = digest
    store.execute("drop table chain_heads")
    store.execute("drop table store_meta")
    store.execute("drop table survey_heads")  # and back before the keyed chains (m012)
    store.execute("update audit_log set state = null, prev_hash = null, hash = null")
    for column in ("state", "prev_hash", "hash"):
        store.execute(f"alter table audit_log drop column {column}")
    store.execute("drop index idx_responses_not_scanned")  # on the channel column (m019)
    store.execute("alter table responses drop column channel")
    store.execute("delete from _sqlite_migrations where name in ('m007_point_chains', 'm012_keyed_chains',"
                  " 'm019_not_scanned_index')")
    store.close()


@pytest.fixture
def old_file(tmp_path):
    path = str(tmp_path / "old.sqlite3")
    make_pre_chain_file(path)
    return path


def test_an_old_backup_still_verifies_as_one_chain(old_file):
    store = open_store(old_file)  # verify reads it without migrating (a backup is checked as it is)
    try:
        assert store.verify().ok and store.verify().responses == 6
    finally:
        store.close()


def test_migrating_an_old_file_keeps_every_response_and_verifies(old_file):
    create_app({"SECRET_KEY": "t", "DATABASE": old_file})  # start-up migrates
    store = open_store(old_file)
    try:
        meta = store.store_meta()
        newest = store.query("select id, hash from responses order by id desc limit 1")[0]
        assert (meta["legacy_last_id"], meta["genesis"]) == (str(newest["id"]), newest["hash"])
        assert meta["keyed_from_response"] == str(newest["id"])  # its plain links stay plain, verified as such
        assert store.response_count() == 6 and store.verify().ok
        for i in range(4):  # new answers chain per point, starting from the old chain's head
            save(store, 1 + i % 2, f"new-{i}")
        first_new = store.query("select prev_hash from responses where id = 7")[0]
        assert first_new["prev_hash"] == newest["hash"]
        assert store.verify().ok
        store.execute("delete from answers where response_id = 6")  # the old chain's newest, removed
        store.execute("delete from responses where id = 6")
        result = store.verify()
        assert not result.ok
        assert any("does not end at its recorded head" in p for p in result.count_problems), result
    finally:
        store.close()


def test_removing_a_points_newest_response_is_found(database, yining):
    survey_id, codes = yining
    points = [database.point_by_code(c)[0]["id"] for c in codes]
    for i in range(4):
        database.save_response(survey_id=survey_id, point_id=points[i % 2], questionnaire_version=1,
                               submission_key=f"k{i}", answers=ANSWERS, seconds_on_page=30, language="zh-CN",
                               device_hash=None)
    newest = database.query("select max(id) as id from responses where point_id = ?", [points[1]])[0]["id"]
    database.execute("delete from answers where response_id = ?", [newest])
    database.execute("delete from response_counts")  # hide the count too: only the chain head is left
    database.execute("delete from responses where id = ?", [newest])
    result = database.verify()
    assert any(f"chain head of point {points[1]}: kept response {newest}" in p for p in result.count_problems)


@pytest.mark.postgresql_only
def test_a_serialization_failure_is_run_again_and_a_lasting_one_gives_503(database):
    from survey_app.store import StorageUnavailable

    tries = []

    def flaky(conn):
        tries.append(conn.value("select txid_current()"))  # a real transaction each time
        if len(tries) < 3:
            raise psycopg.errors.SerializationFailure("could not serialize access")
        return "done"
    assert database._write(flaky) == "done" and len(tries) == 3 and len(set(tries)) == 3

    def always(conn):
        raise psycopg.errors.DeadlockDetected("deadlock detected")
    with pytest.raises(StorageUnavailable):
        database._write(always)
