"""A primary whose synchronous standby is down (``synchronous_standby_names = 'ghost'``, a standby that never
connects: every synchronous commit waits for it forever, and statement_timeout does not end that wait).
A submit gets the 503 page with its answers kept within the commit deadline, never a hang; a page open
(a counter, committed with synchronous_commit off) never waits; a commit whose wait was cancelled is not
acknowledged; the retry after the standby is back is thanked and stores nothing twice."""
import threading
import time

import psycopg
import pytest

from survey_app import create_app, questionnaires
from survey_app.store import EXTENSION, StorageUnavailable, open_store
from survey_app.store.page_opens import OpenCounter
from tests.helpers import NO_DEFENCES, fill, within

pytestmark = pytest.mark.postgresql_only
DEADLINE_MS = 1500


@pytest.fixture(scope="module")
def ghost():
    """A throwaway cluster, migrated, then told its commits wait for the standby 'ghost'."""
    from tests.pg_cluster import Cluster

    cluster = Cluster()
    cluster.create_database("manyi")
    store = open_store(cluster.url("manyi"))
    store.migrate()
    store.close()
    yield cluster
    cluster.stop()


def standby(cluster, name: str | None) -> None:
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
        if name is None:
            admin.execute("alter system reset synchronous_standby_names")
        else:
            admin.execute(f"alter system set synchronous_standby_names = '{name}'")
        admin.execute("select pg_reload_conf()")
    time.sleep(0.3)  # the reload reaches the backends asynchronously


@pytest.fixture
def site(ghost, backend):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": ghost.url("manyi"), **NO_DEFENCES})
    database = app.extensions[EXTENSION]
    database.backend.commit_deadline_ms = DEADLINE_MS
    database.backend.opens = database.opens = OpenCounter(seconds=0)  # every open is written at once
    survey_id = database.create_survey(
        questionnaire_id="yining-2024-public", questionnaire_version=1, title="t", department="d", year=2024,
        questionnaire_digest=questionnaires.catalogue(app).get("yining-2024-public", 1).digest,
        evaluator_org="e", target=95.0, target_n=50)
    code = database.add_point(survey_id, "业务大厅")["code"]
    standby(ghost, "ghost")
    try:
        yield app, database, survey_id, code
    finally:
        standby(ghost, None)  # also releases a commit still waiting (a test that failed)
        database.close()


def test_a_submit_gets_the_503_page_within_the_deadline_and_the_retry_is_thanked_once(ghost, site):
    app, database, _, hall = site
    client = app.test_client()
    page, seconds = within(5, lambda: client.get(f"/s/{hall}"))
    assert page.status_code == 200 and seconds < 1  # the open was written: with synchronous_commit off
    assert database.query("select n from page_opens") == [{"n": 1}]
    body = fill(page.get_data(as_text=True))
    answer, seconds = within(DEADLINE_MS / 1000 + 5, lambda: client.post(f"/s/{hall}", data=body))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 503 and "您的答卷还没有保存" in html and seconds < DEADLINE_MS / 1000 + 2
    assert 'name="q4" value="C" checked' in html and fill(html)["key"] == body["key"]
    assert database.response_count() == 1  # committed here: a cancelled wait for the standby keeps it
    early, seconds = within(DEADLINE_MS / 1000 + 5, lambda: client.post(f"/s/{hall}", data=fill(html)))
    html = early.get_data(as_text=True)  # a retry while the standby is still down: stored here, not confirmed
    assert early.status_code == 503 and "您的答卷还没有保存" in html and seconds < DEADLINE_MS / 1000 + 2
    assert 'name="q4" value="C" checked' in html and fill(html)["key"] == body["key"]
    standby(ghost, None)
    retry, _ = within(5, lambda: client.post(f"/s/{hall}", data=fill(html)))
    assert retry.status_code == 303 and database.response_count() == 1


def test_an_admin_write_fails_within_the_deadline(ghost, site):
    _, database, survey_id, _ = site
    with pytest.raises(StorageUnavailable, match="synchronous standby"):
        _, seconds = within(DEADLINE_MS / 1000 + 5, lambda: database.add_point(survey_id, "1号窗口"))


def test_a_wait_cancelled_by_someone_else_is_not_acknowledged(ghost, site):
    """pg_cancel_backend (an operator, a pooler) ends the wait with a WARNING and a successful COMMIT: the
    write must fail all the same (the notice handler), whatever the deadline."""
    _, database, survey_id, _ = site
    database.backend.commit_deadline_ms = 60_000

    def cancel_waiting():
        with psycopg.connect(ghost.url("postgres"), autocommit=True) as admin:
            for _ in range(100):
                if admin.execute("select pg_cancel_backend(pid) from pg_stat_activity"
                                 " where wait_event = 'SyncRep'").fetchall():
                    return
                time.sleep(0.05)
    canceller = threading.Thread(target=cancel_waiting)
    canceller.start()
    try:
        with pytest.raises(StorageUnavailable, match="synchronous"):
            within(10, lambda: database.add_point(survey_id, "2号窗口"))
    finally:
        canceller.join()
    assert [p["name"] for p in database.query("select name from points order by id")][-1] == "2号窗口"
