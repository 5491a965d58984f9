"""Behind PgBouncer in transaction mode (``pgbouncer=1`` in the URL; PgBouncer with
``ignore_startup_parameters = extra_float_digits,options``) the connection's startup options never reach
PostgreSQL: each write sets its timeouts and synchronous_commit for its own transaction, so a write behind a
lock gives up as it does on a direct connection (StorageUnavailable: the 503 with the answers kept)."""
import psycopg
import pytest

from survey_app.store import StorageUnavailable, open_store, postgres
from tests.helpers import YINING_ANSWERS, within
from tests.pgbouncer import PgBouncer

pytestmark = pytest.mark.postgresql_only
SETTINGS = ("select current_setting('statement_timeout'), current_setting('lock_timeout'),"
            " current_setting('idle_in_transaction_session_timeout'), current_setting('synchronous_commit')")


@pytest.fixture
def bounced(app, database, yining):
    """(a store through PgBouncer, the direct URL, the survey id, a point id)."""
    direct = app.config["DATABASE"]
    bouncer = PgBouncer(direct)
    dbname = psycopg.conninfo.conninfo_to_dict(direct)["dbname"]
    store = open_store(bouncer.url(dbname, pgbouncer="1"))
    try:
        yield store, direct, yining[0], database.point_by_code(yining[1][0])[0]["id"]
    finally:
        store.close()
        bouncer.stop()


def test_each_write_sets_the_timeouts_its_connection_could_not(bounced):
    store, *_ = bounced
    assert store.execute("show statement_timeout").fetchone() == ("0",)  # the startup options were dropped
    in_effect = ("10s", "10s", "1min", "on")
    assert store._write(lambda conn: conn.one(SETTINGS)) == in_effect
    assert store.backend.write(lambda conn: conn.one(SETTINGS), transaction=False) == in_effect
    assert store._write(lambda conn: conn.one(SETTINGS), durable=False) == in_effect[:3] + ("off",)
    assert store.execute("show lock_timeout").fetchone() == ("0",)  # for the write's transaction only


def test_a_write_behind_a_lock_gives_up_at_the_timeout(bounced, monkeypatch):
    store, direct, survey_id, point_id = bounced
    monkeypatch.setattr(postgres, "TIMEOUT_MS", 1000)  # the writes' lock and statement timeouts
    with psycopg.connect(direct) as holder:  # a transaction holding the point's chain head and its row
        holder.execute("select 1 from chain_heads where point_id = %s for update", [point_id])
        holder.execute("select 1 from points where id = %s for update", [point_id])

        def submit():
            return store.save_response(survey_id=survey_id, point_id=point_id, questionnaire_version=1,
                                       submission_key="k-behind-a-lock", answers=sorted(YINING_ANSWERS.items()),
                                       seconds_on_page=30, language="zh-CN", device_hash=None)
        with pytest.raises(StorageUnavailable, match="timeout"):
            within(4, submit)  # one statement, autocommitted
        with pytest.raises(StorageUnavailable, match="timeout"):
            within(4, lambda: store.set_point_fieldwork(point_id, issued=10, served=20, actor="t"))  # a transaction
        holder.rollback()
    assert store.response_count() == 0
    saved = submit()  # the lock released: the same key is stored, once
    assert saved.created and store.response_count() == 1
