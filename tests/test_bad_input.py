"""Bad input on the respondent page gets a clear 4xx in Chinese, changes nothing, and is never a 500.

Every test first stores one good response (so tallies exist and a change would show), then compares
the full contents of responses, answers and tallies before and after the bad request.
"""
import html as htmllib
import re
from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer

from survey_app import questionnaires
from tests.helpers import YINING_ANSWERS, fill

FORM = "application/x-www-form-urlencoded"
MSG_EXPIRED = "本页已经更新"
MSG_CHOICE = "所选内容不在选项之中"
MSG_REQUIRED = "请选择一项后再提交"
MSG_NOT_FOUND = "没有找到这个页面"
MSG_MALFORMED = (MSG_EXPIRED, "请求内容有误", MSG_CHOICE)  # any of these tells the citizen what to do


def snapshot(database) -> dict:
    """Everything a submission can change, row for row."""
    return {table: list(database.query(f"select * from {table} order by 1, 2, 3"))
            for table in ("responses", "answers", "tallies", "surveys", "points")}


def text(response) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


@pytest.fixture
def hall(client, yining, database):
    """A point code of an open survey that already holds one good response; returns (code, snapshot)."""
    _, (code, _) = yining
    assert client.post(f"/s/{code}", data=fill(client.get(f"/s/{code}").get_data(as_text=True))).status_code == 303
    before = snapshot(database)
    assert len(before["responses"]) == 1 and len(before["tallies"]) == 7
    return code


def fresh_form(client, code) -> dict:
    """The body of a correctly filled form with a new submission key."""
    return fill(client.get(f"/s/{code}").get_data(as_text=True))


def assert_refused(response, database, before, status, message):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    messages = (message,) if isinstance(message, str) else message
    assert any(m in text(response) for m in messages), (messages, text(response)[-600:])
    assert snapshot(database) == before


def multipart(fields: list[tuple[str, bytes]], boundary: str = "manyi-boundary") -> tuple[bytes, str]:
    body = b"".join(b"--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary.encode(), name.encode(), value) for name, value in fields)
    return body + b"--%s--\r\n" % boundary.encode(), f"multipart/form-data; boundary={boundary}"


# -- answers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["Z", "a", "AB", "A ", "A\x00", "1", "非常满意", "A" * 5000])
def test_unknown_option_code_is_refused_beside_the_question(client, hall, database, value):
    before = snapshot(database)
    page = client.post(f"/s/{hall}", data={**fresh_form(client, hall), "q2": value})
    assert_refused(page, database, before, 400, MSG_CHOICE)
    fieldset = re.search(r'<fieldset id="f-q2" class="err"[^>]*>.*?</fieldset>', text(page), re.S)
    assert fieldset and MSG_CHOICE in fieldset.group(0)
    assert 'name="q1" value="A" checked' in text(page)  # the other answers are kept


@pytest.mark.parametrize("question", list(YINING_ANSWERS))
def test_missing_required_answer_is_named_and_the_rest_kept(client, hall, database, question):
    before = snapshot(database)
    body = {k: v for k, v in fresh_form(client, hall).items() if k != question}
    page = client.post(f"/s/{hall}", data=body)
    assert_refused(page, database, before, 400, MSG_REQUIRED)
    html = text(page)
    assert re.search(rf'<fieldset id="f-{question}" class="err" aria-describedby="e-{question}">\s*<legend[^>]*>.*?'
                     rf'</legend>\s*<p class="msg" id="e-{question}">{MSG_REQUIRED}',
                     html, re.S)
    assert html.count('class="err"') == 1
    for other, value in YINING_ANSWERS.items():
        if other != question:
            assert f'name="{other}" value="{value}" checked' in html


def test_empty_form_names_every_question(client, hall, database):
    before = snapshot(database)
    body = {k: v for k, v in fresh_form(client, hall).items() if k in ("csrf_token", "key", "lang")}
    page = client.post(f"/s/{hall}", data=body)
    assert_refused(page, database, before, 400, "还有题目需要您补充")
    assert text(page).count(MSG_REQUIRED) == len(YINING_ANSWERS)


# -- tokens ---------------------------------------------------------------------------------------

def test_a_key_from_another_browser_is_refused(app, client, hall, database):
    """The key is the form's CSRF token: bound to the browser's device cookie, so a key fetched by
    another browser (a cross-site page that got its own key) does not work with this browser's cookie."""
    before = snapshot(database)
    mine = fresh_form(client, hall)
    other = app.test_client()
    theirs = fresh_form(other, hall)
    for poster, body in ((client, theirs), (other, mine)):
        page = poster.post(f"/s/{hall}", data=body)
        assert_refused(page, database, before, 400, MSG_EXPIRED)
        assert 'name="q4" value="C" checked' in text(page)  # answers kept for the retry
        retry = fill(page.get_data(as_text=True))
        assert retry["key"] != body["key"]
    changed = app.test_client()
    body = fresh_form(changed, hall)
    changed.set_cookie("mid", "another-device-token")  # the cookie was replaced after the page was shown
    assert_refused(changed.post(f"/s/{hall}", data=body), database, before, 400, MSG_EXPIRED)
    page = client.post(f"/s/{hall}", data=mine)  # the right browser with its own key is thanked
    assert page.status_code == 303 and database.response_count() == len(before["responses"]) + 1


def test_the_citizen_form_sets_no_session_cookie(app, hall):
    page = app.test_client().get(f"/s/{hall}")
    cookies = [h.split("=")[0] for h in page.headers.getlist("Set-Cookie")]
    assert cookies == ["mid"]
    assert "csrf_token" not in page.get_data(as_text=True)


def test_forged_or_missing_submission_key_is_refused(app, client, hall, yining, database):
    _, (_, window) = yining
    before = snapshot(database)
    body = fresh_form(client, hall)
    nonce, code, issued, digest = URLSafeSerializer(app.config["SECRET_KEY"], salt="manyi-submission-key").loads(
        body["key"])
    forged = {
        "missing": None, "empty": "",
        "bad signature": body["key"][:-3] + ("AAA" if not body["key"].endswith("AAA") else "BBB"),
        "other secret": URLSafeSerializer("not-the-secret", salt="manyi-submission-key").dumps(
            [nonce, code, issued, digest]),
        "other point": URLSafeSerializer(app.config["SECRET_KEY"], salt="manyi-submission-key").dumps(
            [nonce, window, issued, digest]),
        "other browser": URLSafeSerializer(app.config["SECRET_KEY"], salt="manyi-submission-key").dumps(
            [nonce, code, issued, "0" * 16]),
        "before keys named the browser": URLSafeSerializer(app.config["SECRET_KEY"], salt="manyi-submission-key").dumps(
            [nonce, code, issued]),
        "wrong shape": URLSafeSerializer(app.config["SECRET_KEY"], salt="manyi-submission-key").dumps({"a": 1}),
        "over-long": "k" * 5000,
    }
    for name, key in forged.items():
        sent = {k: v for k, v in body.items() if k != "key"}
        if key is not None:
            sent["key"] = key
        page = client.post(f"/s/{hall}", data=sent)
        assert_refused(page, database, before, 400, MSG_EXPIRED)
        new_key = fill(page.get_data(as_text=True))["key"]
        assert new_key and new_key != key, name  # the page comes back with a fresh, valid key


# -- bodies ---------------------------------------------------------------------------------------

def test_one_megabyte_body_is_refused(client, hall, database):
    before = snapshot(database)
    body = fresh_form(client, hall)
    big = urlencode({**body, "q1": "A" * (1 << 20)}).encode()
    assert_refused(client.post(f"/s/{hall}", data=big, content_type=FORM), database, before, 413, "提交的内容过长")
    data, content_type = multipart([(k, v.encode()) for k, v in body.items()] + [("note", b"x" * (1 << 20))])
    assert_refused(client.post(f"/s/{hall}", data=data, content_type=content_type),
                   database, before, 413, "提交的内容过长")


@pytest.mark.parametrize("where", ["an answer", "an unknown field", "a field name", "the key"])
def test_invalid_utf8_urlencoded_body_is_refused(client, hall, database, where):
    before = snapshot(database)
    body = urlencode(fresh_form(client, hall)).encode()
    raw = {"an answer": body.replace(b"q1=A", b"q1=\xff\xfe"), "an unknown field": body + b"&note=\xc3\x28",
           "a field name": body + b"&\xff=A", "the key": body.replace(b"key=", b"key=\xff")}[where]
    page = client.post(f"/s/{hall}", data=raw, content_type=FORM)
    assert 400 <= page.status_code < 500
    assert_refused(page, database, before, page.status_code, MSG_MALFORMED)


@pytest.mark.parametrize("where", ["an answer", "an unknown field", "the key", "the language"])
def test_invalid_utf8_multipart_body_is_refused(client, hall, database, where):
    before = snapshot(database)
    fields = [(k, v.encode()) for k, v in fresh_form(client, hall).items()]
    target = {"an answer": "q3", "the key": "key", "the language": "lang"}.get(where)
    fields = [(k, b"\xff\xfe" + v if k == target else v) for k, v in fields]
    if where == "an unknown field":
        fields.append(("note", "意见".encode() + b"\xc3\x28"))
    data, content_type = multipart(fields)
    page = client.post(f"/s/{hall}", data=data, content_type=content_type)
    assert 400 <= page.status_code < 500
    assert_refused(page, database, before, page.status_code, MSG_MALFORMED)


@pytest.mark.parametrize("charset", ["us-ascii", "iso-8859-1", '"gbk"'])
def test_a_multipart_part_in_another_charset_is_refused(client, hall, database, charset):
    """Werkzeug decodes a part by its declared charset: UTF-8 text read as ASCII or Latin-1 would be stored
    as U+FFFD or mojibake. Our page posts UTF-8 urlencoded; such a part comes only from a crafted client."""
    before = snapshot(database)
    data, content_type = multipart([(k, v.encode()) for k, v in fresh_form(client, hall).items()])
    part = (b'--manyi-boundary\r\nContent-Disposition: form-data; name="note"\r\n'
            b"Content-Type: text/plain; charset=%s\r\n\r\n%s\r\n" % (charset.encode(), "窗口态度很好".encode()))
    page = client.post(f"/s/{hall}", data=part + data, content_type=content_type)
    assert_refused(page, database, before, 400, MSG_MALFORMED)


@pytest.mark.parametrize("name", ["q1", "note"])  # a question's name, or a field the form does not have
def test_a_file_part_is_refused(client, hall, database, name):
    """The form has no file field: a file part (which once reached a text question's cleaning as a file
    object: a 500) is refused, even beside a clean answer sheet, and nothing is stored."""
    before = snapshot(database)
    data, content_type = multipart([(k, v.encode()) for k, v in fresh_form(client, hall).items()])
    part = (b'--manyi-boundary\r\nContent-Disposition: form-data; name="%s"; filename="a.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\nx\r\n" % name.encode())
    page = client.post(f"/s/{hall}", data=part + data, content_type=content_type)
    assert_refused(page, database, before, 400, MSG_MALFORMED)


def test_broken_multipart_and_garbage_bodies_are_refused(client, hall, database):
    before = snapshot(database)
    for data, content_type in [(b"--b\r\nbroken", "multipart/form-data; boundary=b"),
                               (b"q1=A", "multipart/form-data"),
                               (b"\x00\x01\x02" * 100, FORM),
                               (b'{"q1": "A"}', "application/json"),
                               (b"", FORM)]:
        page = client.post(f"/s/{hall}", data=data, content_type=content_type)
        assert_refused(page, database, before, 400, MSG_EXPIRED)


# -- addresses ------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["zzzzzzzz", "ZZZZZZZZ", "a", "2345678", "%ff%fe", "..", "xx'; drop table points;--"])
def test_unknown_point_code_gets_a_friendly_404(client, hall, database, code):
    before = snapshot(database)
    body = fresh_form(client, hall)
    for response in (client.get(f"/s/{code}"), client.post(f"/s/{code}", data=body),
                     client.get(f"/s/{code}/thanks")):
        assert_refused(response, database, before, 404, MSG_NOT_FOUND)


@pytest.mark.parametrize("length", [33, 200, 3000])
def test_over_long_code_gets_a_friendly_404(client, hall, database, length):
    before = snapshot(database)
    code = (hall * length)[:length]
    body = fresh_form(client, hall)
    for response in (client.get(f"/s/{code}"), client.post(f"/s/{code}", data=body),
                     client.get(f"/s/{code}/thanks")):
        assert_refused(response, database, before, 404, MSG_NOT_FOUND)


@pytest.mark.parametrize("path", ["/junk", "/s", "/s/", "/wp-login.php", "/.env", "/s/{code}/extra",
                                  "/s/{code}/thanks/again", "/static/../../etc/passwd", "/%ff%fe", "/s/%00"])
def test_junk_paths_get_a_friendly_404(client, hall, database, path):
    before = snapshot(database)
    body = fresh_form(client, hall)
    path = path.format(code=hall)
    assert_refused(client.get(path), database, before, 404, MSG_NOT_FOUND)
    posted = client.post(path, data=body)  # /static/<path> exists for GET only: 405
    assert_refused(posted, database, before, posted.status_code,
                   {404: MSG_NOT_FOUND, 405: "不支持此操作"}.get(posted.status_code, "a 404 or a 405"))


@pytest.mark.parametrize("method, path", [("POST", "/"), ("POST", "/s/{code}/thanks"), ("PUT", "/s/{code}"),
                                          ("DELETE", "/s/{code}"), ("PATCH", "/s/{code}")])
def test_wrong_method_gets_a_friendly_405(client, hall, database, method, path):
    before = snapshot(database)
    response = client.open(path.format(code=hall), method=method, data=fresh_form(client, hall))
    assert_refused(response, database, before, 405, "不支持此操作")


# -- survey state ---------------------------------------------------------------------------------

def local_day(offset: int) -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=offset)).isoformat()


@pytest.mark.parametrize("change", [{"status": "closed"}, {"closes_on": "yesterday"}])
def test_closed_survey_gets_a_friendly_410(client, hall, yining, database, change):
    survey_id, _ = yining
    body = fresh_form(client, hall)  # the citizen opened the page before the survey closed
    database.update_survey(survey_id, **{k: local_day(-1) if v == "yesterday" else v for k, v in change.items()})
    before = snapshot(database)
    for response in (client.get(f"/s/{hall}"), client.post(f"/s/{hall}", data=body)):
        assert_refused(response, database, before, 410, "本次问卷调查已经结束")
        assert "2024 年伊宁市医疗保障局部门整体绩效评价满意度问卷调查" in text(response)  # the form's own title
    assert "您的答卷未能保存" in text(response)  # a form sent after the end: said plainly that it is not kept


@pytest.mark.parametrize("change", [{"opens_on": "tomorrow"}, {"status": "draft"}])
def test_not_yet_open_survey_gets_a_friendly_403(client, hall, yining, database, change):
    survey_id, _ = yining
    body = fresh_form(client, hall)
    database.update_survey(survey_id, **{k: local_day(1) if v == "tomorrow" else v for k, v in change.items()})
    before = snapshot(database)
    for response in (client.get(f"/s/{hall}"), client.post(f"/s/{hall}", data=body)):
        assert_refused(response, database, before, 403, "本次问卷调查尚未开始")
        if "opens_on" in change:
            year, month, day = (int(x) for x in local_day(1).split("-"))
            assert f"将于{year}年{month}月{day}日开始" in text(response)


# -- anything at all ------------------------------------------------------------------------------

answer_values = st.one_of(st.sampled_from(["A", "B", "C", "D", "E", "F", ""]), st.text(max_size=12))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(answers=st.dictionaries(st.sampled_from(sorted(YINING_ANSWERS) + ["x", "lang"]), answer_values))
def test_any_answers_either_store_exactly_them_or_change_nothing(app, client, hall, database, answers):
    """Whatever the values, the outcome is a thank-you with exactly those answers stored, or a 400."""
    questionnaire = questionnaires.catalogue(app).get("yining-2024-public", 1)
    before = snapshot(database)
    body = {**{k: v for k, v in fresh_form(client, hall).items() if k not in YINING_ANSWERS}, **answers}
    response = client.post(f"/s/{hall}", data=body)
    valid = all(answers.get(q.id) in q.codes for q in questionnaire.questions)
    if valid:
        assert response.status_code == 303
        [new] = [r for r in snapshot(database)["responses"] if r not in before["responses"]]
        stored = {(a["question_id"], a["value"]) for a in database.query(
            "select * from answers where response_id = ?", [new["id"]])}
        assert stored == {(q, answers[q]) for q in YINING_ANSWERS}
    else:
        garbled = any("\ufffd" in v for v in answers.values())  # U+FFFD is how broken bytes arrive
        assert_refused(response, database, before, 400, MSG_MALFORMED if garbled else "还有题目需要您补充")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=st.binary(max_size=300), content_type=st.sampled_from([FORM, "multipart/form-data; boundary=b",
                                                                   "text/plain", "application/octet-stream"]))
def test_any_body_without_a_valid_key_changes_nothing(client, hall, database, raw, content_type):
    before = snapshot(database)
    response = client.post(f"/s/{hall}", data=raw, content_type=content_type)
    assert_refused(response, database, before, 400, MSG_MALFORMED)
