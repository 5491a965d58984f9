"""Answers stuffed into a closed survey through a status reopened behind Manyi's back are named by verify.

Someone holding the database file but not the chain key sets a closed survey's status back to open (or clears its
end date) with SQL, posts answers through the citizens' form (each a genuine link of its point's chain: the
server stores them), and puts the status back. The survey's settings then match its chain again, and verify
passed. It now replays each survey's recorded states (store/collection_times.py) and names every scanned answer
stored while they said the survey took none; answers stored while it was open, or a moment after it closed (a
worker's cached reading, servers' clocks), are not named.
"""
from datetime import date, datetime, timedelta, timezone

import pytest

from survey_app.store import Audit
from survey_app.store import responses as stored_responses
from tests.helpers import fill


def _answer(client, code: str) -> int:
    form = client.get(f"/s/{code}")
    assert form.status_code == 200
    return client.post(f"/s/{code}", data=fill(form.get_data(as_text=True))).status_code


def _fetched(app, code: str):
    """A citizen's browser with the form (and its key) fetched now; ``post()`` sends it."""
    client = app.test_client()
    body = fill(client.get(f"/s/{code}").get_data(as_text=True))
    return lambda: client.post(f"/s/{code}", data=body).status_code


@pytest.fixture
def later(monkeypatch):
    """Answers from now on are stored as if ``minutes`` after the closing (the form's reply is the same)."""
    def move(minutes: float) -> None:
        moment = datetime.now(timezone.utc) + timedelta(minutes=minutes)
        monkeypatch.setattr(stored_responses, "utcnow", lambda: moment.isoformat(timespec="microseconds"))
    return move


def test_answers_posted_while_the_status_was_reopened_in_the_database_are_named(app, database, yining, later):
    survey_id, codes = yining
    assert _answer(app.test_client(), codes[0]) == 303  # while open: genuine
    kept = _fetched(app, codes[0])  # a key fetched before the survey closed
    database.update_survey(survey_id, status="closed", audit=Audit("wang", "closed"))
    later(10)
    assert kept() == 410  # the form refuses it
    database.execute("update surveys set status = 'open' where id = ?", [survey_id])
    database._points_seen.clear()  # as every worker's reading, within POINT_CACHE_SECONDS
    assert [_answer(app.test_client(), code) for code in codes] == [303, 303]
    database.execute("update surveys set status = 'closed' where id = ?", [survey_id])
    check = database.verify()
    assert not check.ok
    stuffed = [rid for (rid,) in database.execute("select id from responses order by id").fetchall()][1:]
    assert [rid for rid, _ in check.bad_responses] == stuffed
    assert all("status closed" in why and "behind Manyi's back" in why for _, why in check.bad_responses)


def test_answers_posted_while_the_end_date_was_cleared_in_the_database_are_named(app, database, yining, later):
    survey_id, codes = yining
    ended = (date.today() - timedelta(days=5)).isoformat()
    kept = _fetched(app, codes[0])
    database.update_survey(survey_id, closes_on=ended, audit=Audit("wang", "settings", "结束日期"))
    later(10)
    assert kept() == 410
    database.execute("update surveys set closes_on = null where id = ?", [survey_id])
    database._points_seen.clear()
    assert _answer(app.test_client(), codes[1]) == 303
    database.execute("update surveys set closes_on = ? where id = ?", [ended, survey_id])
    check = database.verify()
    assert len(check.bad_responses) == 1 and f"closed on {ended}" in check.bad_responses[0][1]


def test_answers_stored_while_open_a_moment_after_closing_and_after_reopening_are_not_named(app, database, yining,
                                                                                           later):
    survey_id, codes = yining
    assert _answer(app.test_client(), codes[0]) == 303
    database.update_survey(survey_id, status="closed", audit=Audit("wang", "closed"))
    database.execute("update surveys set status = 'open' where id = ?", [survey_id])
    database._points_seen.clear()  # another worker's reading from before the closing, still cached
    assert _answer(app.test_client(), codes[0]) == 303
    database.execute("update surveys set status = 'closed' where id = ?", [survey_id])
    later(10)
    database.update_survey(survey_id, status="open", audit=Audit("wang", "open"))  # 重新开放收集
    later(11)
    assert _answer(app.test_client(), codes[1]) == 303
    assert database.verify().ok
