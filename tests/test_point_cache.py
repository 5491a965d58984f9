"""The citizens' point lookup (db.point_for_citizen): each process keeps a point and its survey for
db.POINT_CACHE_SECONDS, its own changes clear it at once, and unknown codes are never kept."""
import pytest

from survey_app import db


@pytest.fixture
def clock(monkeypatch):
    """The point cache's clock under the test's hand."""
    now = [1000.0]
    monkeypatch.setattr(db, "_clock", lambda: now[0])
    db._points_seen.clear()
    yield now
    db._points_seen.clear()


def test_it_reads_what_point_by_code_reads(database, yining, clock):
    _, (hall, _) = yining
    assert db.point_for_citizen(database, hall) == db.point_by_code(database, hall)
    assert db.point_for_citizen(database, "nosuchcd") is None


def test_a_change_from_another_process_shows_within_the_cache_time(app, database, yining, clock):
    survey_id, (hall, _) = yining
    assert db.point_for_citizen(database, hall)[1]["status"] == "open"
    other = db.connect(app.config["DATABASE"])  # another worker's connection: it cannot clear our cache
    other.execute("update surveys set status = 'closed' where id = ?", [survey_id])
    other.close()
    clock[0] += db.POINT_CACHE_SECONDS / 2
    assert db.point_for_citizen(database, hall)[1]["status"] == "open"  # kept
    clock[0] += db.POINT_CACHE_SECONDS
    assert db.point_for_citizen(database, hall)[1]["status"] == "closed"


def test_this_processs_own_change_shows_at_once(client, database, yining, clock):
    survey_id, (hall, _) = yining
    assert client.get(f"/s/{hall}").status_code == 200
    db.update_survey(database, survey_id, status="closed")
    assert client.get(f"/s/{hall}").status_code == 410


def test_an_unknown_code_is_not_kept_so_a_new_point_works_at_once(database, yining, clock):
    survey_id, _ = yining
    code = "zz23zz45"
    assert db.point_for_citizen(database, code) is None
    database.execute("insert into points (survey_id, name, code, created_at) values (?, '新窗口', ?, '')",
                     [survey_id, code])
    assert db.point_for_citizen(database, code)[0]["name"] == "新窗口"


def test_callers_get_copies(database, yining, clock):
    _, (hall, _) = yining
    point, survey = db.point_for_citizen(database, hall)
    survey["status"] = "changed by a caller"
    assert db.point_for_citizen(database, hall)[1]["status"] == "open"
