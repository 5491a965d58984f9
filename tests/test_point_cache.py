"""The citizens' point lookup (Store.point_for_citizen): each process keeps a point and its survey for
POINT_CACHE_SECONDS, its own changes clear it at once, and unknown codes are never kept."""
import pytest

from survey_app.store import POINT_CACHE_SECONDS, open_store


@pytest.fixture
def clock(database, monkeypatch):
    """The point cache's clock under the test's hand."""
    now = [1000.0]
    monkeypatch.setattr(database, "clock", lambda: now[0])
    return now


def test_it_reads_what_point_by_code_reads(database, yining, clock):
    _, (hall, _) = yining
    assert database.point_for_citizen(hall) == database.point_by_code(hall)
    assert database.point_for_citizen("nosuchcd") is None


def test_a_change_from_another_process_shows_within_the_cache_time(app, database, yining, clock):
    survey_id, (hall, _) = yining
    assert database.point_for_citizen(hall)[1]["status"] == "open"
    other = open_store(app.config["DATABASE"])  # another worker's connection: it cannot clear our cache
    other.execute("update surveys set status = 'closed' where id = ?", [survey_id])
    other.close()
    clock[0] += POINT_CACHE_SECONDS / 2
    assert database.point_for_citizen(hall)[1]["status"] == "open"  # kept
    clock[0] += POINT_CACHE_SECONDS
    assert database.point_for_citizen(hall)[1]["status"] == "closed"


def test_this_processs_own_change_shows_at_once(client, database, yining, clock):
    survey_id, (hall, _) = yining
    assert client.get(f"/s/{hall}").status_code == 200
    database.update_survey(survey_id, status="closed")
    assert client.get(f"/s/{hall}").status_code == 410


def test_an_unknown_code_is_not_kept_so_a_new_point_works_at_once(database, yining, clock):
    survey_id, _ = yining
    code = "zz23zz45"
    assert database.point_for_citizen(code) is None
    database.execute("insert into points (survey_id, name, code, created_at) values (?, '新窗口', ?, '')",
                     [survey_id, code])
    assert database.point_for_citizen(code)[0]["name"] == "新窗口"


def test_callers_get_copies(database, yining, clock):
    _, (hall, _) = yining
    point, survey = database.point_for_citizen(hall)
    survey["status"] = "changed by a caller"
    assert database.point_for_citizen(hall)[1]["status"] == "open"
