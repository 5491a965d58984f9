"""Request-size limits agree with the forms: the settings form at its field limits (背景 and 调研对象, 4,000
characters each; URL-encoded Chinese is 9 bytes a character, rarer characters 12) is saved, as it is
through the shipped nginx file (tests/test_slow_clients.py); larger bodies are refused with 413 and a
Chinese page, for evaluators and (politely) for citizens, whose limit stays small."""
from urllib.parse import urlencode

from tests.admin_helpers import csrf
from tests.helpers import fill
from tests.test_admin import GOOD

FORM = "application/x-www-form-urlencoded"


def settings(client, survey_id: int, **changes) -> tuple[str, bytes]:
    edit = f"/admin/surveys/{survey_id}/edit"
    data = {**GOOD, "csrf_token": csrf(client.get(edit).get_data(as_text=True)), **changes}
    data.pop("questionnaire")
    return edit, urlencode(data).encode()


def test_settings_at_the_field_limits_are_saved(admin_client, yining, database, app):
    survey_id, _ = yining
    for char in ("背", "\U00020000"):  # 9 and 12 bytes URL-encoded: both texts together over the citizens' 64 KB
        edit, body = settings(admin_client, survey_id, background=char * 4000, subjects=char * 4000,
                              title="题" * 200, department="单" * 100, evaluator_org="机" * 100, project="项" * 100)
        assert len(body) > app.config["MAX_CONTENT_LENGTH"]
        response = admin_client.post(edit, data=body, content_type=FORM)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        survey = database.get_survey(survey_id)
        assert survey["background"] == survey["subjects"] == char * 4000


def test_a_body_past_the_evaluators_limit_gets_a_chinese_page(admin_client, yining, database, app):
    survey_id, _ = yining
    before = database.get_survey(survey_id)
    edit, body = settings(admin_client, survey_id, background="背" * 40_000)
    assert len(body) > app.config["ADMIN_MAX_CONTENT_LENGTH"]
    response = admin_client.post(edit, data=body, content_type=FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "提交的内容过长，未保存" in page and "Too Large" not in page
    assert response.headers["Cache-Control"] == "no-store"
    assert database.get_survey(survey_id) == before


def test_without_a_login_admin_posts_keep_the_small_limit(client, yining, app):
    """Anyone can post to /admin/login: only a logged-in evaluator's browser gets the larger limit."""
    survey_id, _ = yining
    big = urlencode({"username": "wang", "password": "x", "csrf_token": "t", "pad": "背" * 8000}).encode()
    assert app.config["MAX_CONTENT_LENGTH"] < len(big) < app.config["ADMIN_MAX_CONTENT_LENGTH"]
    for url in ("/admin/login", f"/admin/surveys/{survey_id}/edit"):
        response = client.post(url, data=big, content_type=FORM)
        assert response.status_code == 413 and "提交的内容过长" in response.get_data(as_text=True), url


def test_citizens_keep_the_small_limit_and_a_polite_page(client, yining, app):
    _, (hall, _) = yining
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    big = urlencode({**body, "note": "背" * 8000}).encode()
    assert app.config["MAX_CONTENT_LENGTH"] < len(big) < app.config["ADMIN_MAX_CONTENT_LENGTH"]
    response = client.post(f"/s/{hall}", data=big, content_type=FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "您提交的内容过长，未能保存" in page and "请返回上一页" in page
