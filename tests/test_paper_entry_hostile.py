"""录入纸质问卷 (admin/paper.py, store/paper.py) under attack, on both databases: a POST without its CSRF token, an
evaluator not granted the survey, another survey's point, odd numbers and texts, a body too large, a survey changed
behind Manyi's back, a busy database. Each is answered with a page (never a 500) and stores nothing."""
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from survey_app import questionnaires
from survey_app.admin.auth import hash_password
from survey_app.store import open_store, paper_key, paper_number
from tests.admin_helpers import csrf, login
from tests.helpers import YINING_ANSWERS
from tests.test_paper_entry import _enter, _page, _point_ids


def _other_survey(app, database, questionnaire="yining-2024-public") -> int:
    q = questionnaires.catalogue(app).get(questionnaire, 1)
    return database.create_survey(questionnaire_id=q.id, questionnaire_version=1, questionnaire_digest=q.digest,
                                  title="另一项目", department="某局", year=2024, evaluator_org="某机构", target=95.0,
                                  target_n=50)


def test_a_post_without_its_csrf_token_stores_nothing(admin_client, database, yining):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    reply = admin_client.post(_page(survey_id), data={"number": "1", "point": str(hall), **YINING_ANSWERS})
    assert reply.status_code == 400 and "缺少安全令牌" in reply.get_data(as_text=True)
    assert database.response_count() == 0


def test_an_evaluator_not_granted_the_survey_gets_404(client, database, yining):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    database.create_user("li", hash_password("li-password-1234567"))
    assert login(client, "li", "li-password-1234567").status_code == 302
    assert client.get(_page(survey_id)).status_code == 404
    token = csrf(client.get("/admin/").get_data(as_text=True))
    reply = client.post(_page(survey_id), data={"csrf_token": token, "number": "1", "point": str(hall), **YINING_ANSWERS})
    assert reply.status_code == 404 and database.response_count() == 0


def test_another_surveys_point_is_refused(app, admin_client, database, yining):
    survey_id, _ = yining
    elsewhere = database.add_point(_other_survey(app, database), "别处")["id"]
    reply = _enter(admin_client, survey_id, "1", elsewhere)
    assert reply.status_code == 400 and "请选择这份问卷发放的采集点" in reply.get_data(as_text=True)
    assert database.response_count() == 0


NUMBERS = st.from_regex(r"[0-9A-Z][0-9A-Z-]{0,19}", fullmatch=True) | st.integers(0, 999).map(str)


@given(st.integers(1, 120), st.integers(1, 120), NUMBERS, NUMBERS)
@example(1, 11, "17", "7")  # survey 1's number 17 and survey 11's number 7
def test_two_surveys_numbers_never_share_a_key(a, b, x, y):
    x, y = paper_number(x), paper_number(y)
    assert (paper_key(a, x) == paper_key(b, y)) == ((a, x) == (b, y))


def test_one_number_in_two_surveys_is_two_forms(app, admin_client, database, yining):
    survey_id, _ = yining
    other = _other_survey(app, database)
    database.add_point(other, "大厅")
    database.grant(database.query("select id from users")[0]["id"], other)
    for sid in (survey_id, other):
        assert _enter(admin_client, sid, "7", _point_ids(database, sid)[0]).status_code == 302
    assert database.response_count(survey_id) == database.response_count(other) == 1 and database.verify().ok


@pytest.mark.parametrize("number", ["1" * 100_000, "1\x00", "7\ufffe", "٣", "1:7", "paper:1:7", "\u202e12"])
def test_odd_numbers_are_refused(admin_client, database, yining, number):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    assert _enter(admin_client, survey_id, number, hall).status_code == 400
    assert database.response_count() == 0


def test_a_body_too_large_is_refused(admin_client, database, yining):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    reply = _enter(admin_client, survey_id, "1", hall, {**YINING_ANSWERS, "q5": "A" * 10_000_000})
    assert reply.status_code == 413 and database.response_count() == 0


def test_a_text_answer_is_stored_clean(app, admin_client, database):
    survey_id = _other_survey(app, database, "nanchang-window")
    point = database.add_point(survey_id, "窗口")["id"]
    database.grant(database.query("select id from users")[0]["id"], survey_id)
    answers = {"age": "B", "gender": "A", "business": "A", "efficiency": "A", "attitude": "A", "informing": "A",
               "waiting": "A", "channels": "A", "overall": "A", "suggestion": "好\ufffe\u202e评\x0b"}
    assert _enter(admin_client, survey_id, "1", point, answers).status_code == 302
    assert database.query("select value from answers where question_id = 'suggestion'") == [{"value": "好评"}]


def test_a_survey_changed_behind_manyis_back_takes_no_form(admin_client, database, yining):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    database.execute("update surveys set target = 50 where id = ?", [survey_id])
    reply = _enter(admin_client, survey_id, "1", hall)
    assert reply.status_code == 409 and "绕过本系统修改" in reply.get_data(as_text=True)
    assert database.response_count() == 0


def test_a_busy_database_gives_the_form_back_and_the_retry_stores_once(app, admin_client, database, yining, backend):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    blocker = open_store(app.config["DATABASE"])
    token = csrf(admin_client.get(_page(survey_id)).get_data(as_text=True))
    if backend == "sqlite":
        database.execute("PRAGMA busy_timeout = 50")
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    else:
        database.execute("set lock_timeout = 50")
        blocker.execute("begin")
        blocker.execute("select * from chain_heads for update")  # another server holds every point's head
    data = {"csrf_token": token, "number": "8", "point": str(hall), **YINING_ANSWERS}
    try:
        busy = admin_client.post(_page(survey_id), data=data)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    page = busy.get_data(as_text=True)
    assert busy.status_code == 503 and "这份问卷未保存" in page
    assert 'value="8"' in page and 'name="q4" value="C" checked' in page and database.response_count() == 0
    assert admin_client.post(_page(survey_id), data=data).status_code == 302
    assert admin_client.post(_page(survey_id), data=data).status_code == 302 and database.response_count() == 1

