"""Stuffing defences a busy hall never trips (issue #13 item 2), with the shipped defaults: keys expire,
a form answered too fast is offered back, device and address ceilings answer politely and keep the
answers, a point flooded in a minute is flagged 异常集中提交 on the dashboard, a honeypot, the repeat page
for a phone that answered, the strict one-per-device setting, and bulk exclude/restore, each audited."""
import re

import pytest

from survey_app import create_app
from survey_app.respondent import defences
from survey_app.store import EXTENSION
from tests.admin_helpers import csrf
from tests.helpers import YINING_ANSWERS, fill, hidden_fields
from tests.submitter import DEVICE_COOKIE, new_nonce, signed_key
from tests.yining import _backdate

OTHER = {"age": "C", "gender": "B", "q1": "B", "q2": "A", "q3": "A", "q4": "B", "q5": "A"}


@pytest.fixture
def app(database_url):
    """The app with the shipped defaults (conftest's turns the defences off for other tests)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": database_url()})
    yield app
    app.extensions[EXTENSION].close()


def page_body(client, code: str, *, age: int | None = 60, query: str = "", answers=None, **kwargs) -> dict:
    """The POST body of a freshly shown form, its key backdated ``age`` seconds (None: as issued)."""
    html = client.get(f"/s/{code}{query}", **kwargs).get_data(as_text=True)
    body = fill(html, answers)
    if age is not None:
        body["key"] = _backdate(client, body["key"], age)
    return body


def submit(client, code: str, *, new_device: bool = True, age: int = 60, answers=None, addr: str = "127.0.0.1"):
    if new_device:
        client.delete_cookie(DEVICE_COOKIE)
        client.delete_cookie("mdone", path="/s/")
    environ = {"REMOTE_ADDR": addr}
    body = page_body(client, code, age=age, query="" if new_device else "?another=1", answers=answers,
                     environ_base=environ)
    return client.post(f"/s/{code}", data=body, environ_base=environ)


def test_an_expired_key_brings_the_form_back_filled_in(client, yining, database, app):
    _, (hall, _) = yining
    body = page_body(client, hall, age=app.config["SUBMISSION_KEY_MAX_AGE"] + 1, answers=OTHER)
    page = client.post(f"/s/{hall}", data=body)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "本页已经更新" in html and "您已填写的答案都保留着" in html
    assert 'name="q1" value="B" checked' in html and 'name="age" value="C" checked' in html
    assert html.count('<button type="submit"') == 2  # one right under the notice: nothing to change, tap again
    assert database.response_count() == 0
    again = fill(html, OTHER)
    assert again["key"] != body["key"]
    # the citizen taps 提交 again at once: the renewed key counts the time already spent (no "too fast")
    assert client.post(f"/s/{hall}", data=again).status_code == 303 and database.response_count() == 1


def test_a_forged_key_gets_a_new_one_without_credit(client, yining, database):
    """Only an expired key of this server's proves time spent: any other key gets a fresh one, and a
    submit straight after is 'too fast' (a script cannot skip the minimum time by posting junk first)."""
    _, (hall, _) = yining
    body = page_body(client, hall, age=None, answers=OTHER)
    page = client.post(f"/s/{hall}", data={**body, "key": "junk"})
    assert page.status_code == 400 and "本页已经更新" in page.get_data(as_text=True)
    again = client.post(f"/s/{hall}", data=fill(page.get_data(as_text=True), OTHER))
    assert again.status_code == 400 and "您填写得很快" in again.get_data(as_text=True)
    assert database.response_count() == 0


def test_a_key_a_year_old_is_not_accepted(client, yining, database):
    _, (hall, _) = yining
    assert client.post(f"/s/{hall}", data=page_body(client, hall, age=365 * 86400)).status_code == 400
    assert database.response_count() == 0


def test_a_form_answered_too_fast_is_kept_and_offered_back(client, yining, database):
    _, (hall, _) = yining
    body = page_body(client, hall, age=3, answers=OTHER)  # 3 s: under max(8, 7 questions)
    page = client.post(f"/s/{hall}", data=body)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "您填写得很快，答卷还没有保存" in html
    assert 'name="q1" value="B" checked' in html and 'name="q4" value="B" checked' in html
    assert hidden_fields(html)["key"] == body["key"]  # the same key: its age keeps counting
    assert database.response_count() == 0
    body["key"] = _backdate(client, body["key"], 6)  # a few seconds later: 9 s since the form was shown
    assert client.post(f"/s/{hall}", data=body).status_code == 303 and database.response_count() == 1


def test_a_second_tap_at_once_is_told_honestly_how_long_to_wait(client, yining, database):
    """Answered in about a second, then 提交 tapped again at once: the notice once promised 再次点击“提交”即可
    both times while the second tap was refused too. The minimum time stays (a script posting twice without
    a pause stores nothing more); the notice says how long to wait, and waiting that long stores it."""
    _, (hall, _) = yining
    first = client.post(f"/s/{hall}", data=page_body(client, hall, age=1, answers=OTHER))
    assert first.status_code == 400 and database.response_count() == 0
    again = client.post(f"/s/{hall}", data=fill(first.get_data(as_text=True), OTHER))  # tapped again at once
    html = again.get_data(as_text=True)
    notice = re.search(r'<p class="notice" role="alert">(.*?)</p>', html, re.S).group(1)
    assert again.status_code == 400 and database.response_count() == 0
    assert "即可" not in notice and "答卷还没有保存" in notice and "您已填写的答案都保留着" in notice
    wait = int(re.search(r"请稍等 (\d+) 秒", notice).group(1))
    assert 5 <= wait <= 7  # 8 s for the 7-question form, about 1–3 s of it spent
    body = fill(html, OTHER)
    body["key"] = _backdate(client, body["key"], wait)  # the citizen waits as told, then taps
    assert client.post(f"/s/{hall}", data=body).status_code == 303 and database.response_count() == 1


def test_the_readme_says_what_the_too_fast_notice_says():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("- **Minimum time.**"):readme.index("- **Ceilings**")]
    assert "请稍等" in section and "即可" not in section and "the next tap stores it" not in section


def test_the_minimum_time_follows_the_form_length(app):
    with app.app_context():
        assert defences.min_seconds(type("Q", (), {"questions": [0] * 7})) == 8
        assert defences.min_seconds(type("Q", (), {"questions": [0] * 20})) == 20
        app.config["SUBMISSION_MIN_SECONDS"] = 3
        assert defences.min_seconds(type("Q", (), {"questions": [0] * 20})) == 3


def test_the_same_phone_sees_the_repeat_page_and_may_answer_for_someone_else(admin_client, yining, database):
    survey_id, (hall, _) = yining
    client = admin_client
    assert submit(client, hall).status_code == 303
    again = client.get(f"/s/{hall}")
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "您已提交过本问卷，谢谢" in html and 'name="key"' not in html
    assert '<a class="btn" href="?another=1">再填写一份</a>' in html  # a button-sized link
    english = client.get(f"/s/{hall}?lang=en").get_data(as_text=True)  # a button's label, capitalised as "Submit"
    assert '<a class="btn" href="?another=1&amp;lang=en">Answer once more</a>' in english
    assert submit(client, hall, new_device=False, answers=OTHER).status_code == 303  # asked for: stored, flagged
    assert database.response_count() == 2
    flags = database.review_page(survey_id, threshold=15, scale_qids=["q1", "q2", "q3", "q4", "q5"])
    assert [row["device"] for row in flags] == [1, 1]


def test_the_back_button_after_submitting_stores_nothing_more(client, yining, database):
    _, (hall, _) = yining
    body = page_body(client, hall)
    assert client.post(f"/s/{hall}", data=body).status_code == 303
    assert "您已提交过本问卷" in client.get(f"/s/{hall}").get_data(as_text=True)  # a reloaded page
    for _ in range(3):  # a page kept by the browser, posted again: the same answers are thanked (a retry) ...
        assert client.post(f"/s/{hall}", data=body).status_code == 303
    for _ in range(3):  # ... changed ones are told they were not stored again, never thanked as if they were
        again = client.post(f"/s/{hall}", data={**body, "q1": "E"})
        assert again.status_code == 409 and "您已提交过本问卷" in again.get_data(as_text=True)
        assert "再填写一份" in again.get_data(as_text=True)
    assert database.response_count() == 1


def test_a_retry_is_compared_with_the_answers_stored_under_its_key(database, yining):
    """What the back button's and a lost reply's retry is checked against (the views' _stored_as): the
    answers stored under the key, sorted, or None when no response has it."""
    survey_id, (hall, _) = yining
    answers = [("q5", "A"), ("age", "B"), ("q1", "C")]
    database.save_response(survey_id=survey_id, point_id=database.point_by_code(hall)[0]["id"],
                           questionnaire_version=1, submission_key="stored-key", answers=answers, seconds_on_page=30,
                           language="zh-CN", device_hash=None)
    assert database.stored_answers("stored-key") == sorted(answers)
    assert database.stored_answers("another-key") is None
def test_a_shared_phones_restored_key_never_thanks_the_next_person_for_nothing(client, yining, database):
    """The form's script restores a page's answers and key after a lost reply; if the next person on the phone
    answers that page, the key is already stored with other answers: they are told so (您已提交过本问卷, with
    再填写一份), not thanked for answers that were not stored, and the page clears what the phone kept."""
    _, (hall, _) = yining
    body = page_body(client, hall)
    assert client.post(f"/s/{hall}", data=body).status_code == 303
    client.delete_cookie("mdone", path="/s/")  # the reply, and its cookie, never reached the phone
    page = client.post(f"/s/{hall}", data={**body, **OTHER})
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "您已提交过本问卷" in html and 'localStorage.removeItem("manyi:"' in html
    assert database.response_count() == 1
    [stored] = database.query("select id from responses")
    assert sorted(database.get_response(stored["id"])["answers"]) == sorted(YINING_ANSWERS.items())  # the first's
    for answers in (None, OTHER):  # even when the stored key has expired by then
        expired = {**body, **(answers or {}), "key": _backdate(client, body["key"], 3 * 3600)}
        late = client.post(f"/s/{hall}", data=expired)
        assert late.status_code == (303 if answers is None else 409)
    assert database.response_count() == 1


def test_an_expired_key_is_renewed_with_its_nonce_and_the_time_spent(client, yining, database, app):
    """One form page stores at most one answer however often its key is renewed, and the stored time on page
    is the real one (a renewed key counted 8 s and got flagged 用时过短)."""
    _, (hall, _) = yining
    old = page_body(client, hall, age=app.config["SUBMISSION_KEY_MAX_AGE"] + 60, answers=OTHER)
    renewals = [hidden_fields(client.post(f"/s/{hall}", data=old).get_data(as_text=True))["key"] for _ in range(3)]
    assert client.post(f"/s/{hall}", data={**old, "key": renewals[0]}).status_code == 303  # at once: not too fast
    for key in [old["key"], *renewals]:  # the old key and every renewal of it: thanks, nothing more stored
        assert client.post(f"/s/{hall}", data={**old, "key": key}).status_code == 303
    [row] = database.query("select seconds_on_page from responses")
    assert database.response_count() == 1 and row["seconds_on_page"] >= app.config["SUBMISSION_KEY_MAX_AGE"]


def test_one_answer_per_device_when_the_survey_says_so(client, yining, database, app):
    survey_id, (hall, window) = yining
    database.update_survey(survey_id, one_per_device=1)
    body = page_body(client, hall)
    assert client.post(f"/s/{hall}", data=body).status_code == 303
    page = client.get(f"/s/{hall}?another=1").get_data(as_text=True)
    assert "您已提交过本问卷" in page and "本问卷每台设备限答一次" in page and "another" not in page
    device = client.get_cookie(DEVICE_COOKIE).value
    second = {**body, "key": _backdate(client, signed_key(app.config["SECRET_KEY"], window, new_nonce(), device), 60)}
    refused = client.post(f"/s/{window}", data=second)  # another point of the survey, the same phone
    assert refused.status_code == 409 and "您已提交过本问卷" in refused.get_data(as_text=True)
    assert client.post(f"/s/{hall}", data=body).status_code == 303  # the first answer's retry: thanked
    assert database.response_count() == 1
    other_phone = app.test_client()
    assert submit(other_phone, hall).status_code == 303 and database.response_count() == 2


def test_a_filled_honeypot_stores_nothing_and_keeps_the_answers(client, yining, database):
    _, (hall, _) = yining
    body = page_body(client, hall, answers=OTHER)
    page = client.post(f"/s/{hall}", data={**body, "website": "http://cheap-pills.example"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "应当留空的一栏被填写了" in html and 'name="q1" value="B" checked' in html
    assert database.response_count() == 0
    assert client.post(f"/s/{hall}", data=fill(html, OTHER)).status_code == 303 and database.response_count() == 1


def test_the_address_ceiling_answers_politely_and_keeps_the_answers(client, yining, database, app):
    _, (hall, _) = yining
    start = database.wall_clock()
    database.wall_clock = lambda: start
    for _ in range(app.config["ADDRESS_BURST"]):  # 30 phones on one hall's Wi-Fi at once: all stored
        assert submit(client, hall).status_code == 303
    client.delete_cookie(DEVICE_COOKIE)
    client.delete_cookie("mdone", path="/s/")
    body = page_body(client, hall, answers=OTHER)
    page = client.post(f"/s/{hall}", data=body)
    html = page.get_data(as_text=True)
    assert page.status_code == 429 and "此刻这个网络上提交的答卷较多，您的答卷还没有保存" in html
    assert 'name="q1" value="B" checked' in html and hidden_fields(html)["key"] == body["key"]
    assert database.response_count() == 30
    assert submit(app.test_client(), hall, addr="10.1.2.3").status_code == 303  # another network: not held back
    database.wall_clock = lambda: start + 6.5  # 6.5 s later the hall's address has one answer more (10 a minute)
    assert client.post(f"/s/{hall}", data=body).status_code == 303
    assert client.post(f"/s/{hall}", data=page_body(client, hall, query="?another=1")).status_code == 429
    assert database.response_count() == 32


def test_the_device_ceiling_answers_politely(client, yining, database, app):
    _, (hall, _) = yining
    for _ in range(app.config["DEVICE_BURST"]):
        assert submit(client, hall, new_device=False).status_code == 303
    page = submit(client, hall, new_device=False, answers=OTHER)
    assert page.status_code == 429 and "这台手机刚刚已经提交了多份答卷" in page.get_data(as_text=True)
    assert 'name="q1" value="B" checked' in page.get_data(as_text=True)
    assert database.response_count() == 5


def test_a_flooded_point_is_flagged_on_the_dashboard_and_review(admin_client, yining, database):
    survey_id, (hall, window) = yining
    now = database.wall_clock()
    database.wall_clock = lambda: now  # the claims' minute (the responses' own times are a moment apart)
    assert submit(admin_client, window, addr="10.9.9.9").status_code == 303  # the other point: quiet
    statuses = [submit(admin_client, hall).status_code for _ in range(35)]  # one address, fresh cookies
    assert statuses.count(303) == 30 and statuses.count(429) == 5  # the address ceiling
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    card = page.split('id="bursts"')[1].split("</section>")[0]
    assert "异常集中提交" in page and "业务大厅" in card and "<td class=\"num\">35</td>" in card
    review = admin_client.get(f"/admin/surveys/{survey_id}/responses?flag=burst").get_data(as_text=True)
    assert len(re.findall(r'<span class="flag burst">', review)) == 30
    assert database.flag_counts(survey_id, threshold=15, burst=20)["burst"] == 30
    quiet = admin_client.get(f"/admin/surveys/{survey_id}/responses?flag=none").get_data(as_text=True)
    assert len(re.findall(r'<tr id="r\d+"', quiet)) == 1  # the window's answer carries no flag


def test_a_hall_at_its_pace_is_never_flagged(client, yining, database):
    survey_id, (hall, _) = yining
    for _ in range(12):  # a dozen people in one minute at one hall, one address
        assert submit(client, hall).status_code == 303
    assert database.burst_minutes(survey_id, burst=20) == []
    assert database.flag_counts(survey_id, threshold=15, burst=20)["burst"] == 0


def test_bulk_exclude_and_restore_by_flag_each_audited(admin_client, yining, database):
    survey_id, (hall, window) = yining
    now = database.wall_clock()
    database.wall_clock = lambda: now
    assert submit(admin_client, window, addr="10.9.9.9").status_code == 303
    for _ in range(25):
        submit(admin_client, hall)
    url = f"/admin/surveys/{survey_id}/responses"
    preview = admin_client.get(f"{url}?bflag=burst&bpoint=&bsince=&buntil=").get_data(as_text=True)
    assert "有效 <b>25</b> 份，已剔除 <b>0</b> 份" in preview
    hall_numbers = "、".join(str(n) for n in range(2, 27))  # which ones, by 编号 (the window's answer is 第 1 份)
    assert f'id="bulk-valid-numbers">有效问卷编号：{hall_numbers}</p>' in preview and "已剔除问卷编号" not in preview
    token = csrf(preview)
    form = {"csrf_token": token, "bflag": "burst", "bpoint": "", "bsince": "", "buntil": "",
            "expected_valid": "25", "expected_excluded": "0"}
    assert admin_client.post(f"{url}/bulk", data={**form, "action": "exclude", "reason": " "}).status_code == 302
    assert database.status_counts(survey_id) == {"valid": 26}  # no reason: nothing changed
    assert admin_client.post(f"{url}/bulk", data={**form, "action": "exclude", "reason": "x",
                                                  "expected_valid": "24"}).status_code == 302
    assert database.status_counts(survey_id) == {"valid": 26}  # the count moved since the preview: nothing
    done = admin_client.post(f"{url}/bulk", data={**form, "action": "exclude", "reason": "同一网络集中提交（现场核实）"})
    assert done.status_code == 302 and "bflag=burst" in done.headers["Location"]
    assert "已批量剔除 25 份问卷" in admin_client.get(done.headers["Location"]).get_data(as_text=True)
    assert database.status_counts(survey_id) == {"valid": 1, "excluded": 25}
    again = admin_client.get(f"{url}?bflag=burst&bpoint=&bsince=&buntil=").get_data(as_text=True)
    assert f"已剔除问卷编号：{hall_numbers}</p>" in again and "有效问卷编号" not in again
    log = [e for e in database.audit_entries(survey_id) if e["action"] in ("exclude", "restore")]
    assert len(log) == 25 and {(e["user"], e["detail"]) for e in log} == {("wang", "同一网络集中提交（现场核实）")}
    assert sorted(e["response_id"] for e in log) == sorted(r["id"] for r in database.query(
        "select id from responses where status = 'excluded'"))
    tallied = database.execute("select sum(n) from tallies where question_id = 'q5'").fetchone()[0]
    assert tallied == 1  # the tallies followed each exclusion
    restore = {**form, "expected_valid": "0", "expected_excluded": "25", "action": "restore", "reason": "复核后恢复"}
    unsaid = admin_client.post(f"{url}/bulk", data={**restore, "reason": " "})
    assert "批量恢复需要填写原因" in admin_client.get(unsaid.headers["Location"]).get_data(as_text=True)
    assert database.status_counts(survey_id) == {"valid": 1, "excluded": 25}  # no reason: nothing restored
    assert admin_client.post(f"{url}/bulk", data=restore).status_code == 302
    assert database.status_counts(survey_id) == {"valid": 26}
    assert [e["detail"] for e in database.audit_entries(survey_id) if e["action"] == "restore"] == ["复核后恢复"] * 25


def test_bulk_selection_by_point_and_time(database, yining, admin_client):
    survey_id, (hall, window) = yining
    submit(admin_client, hall)
    submit(admin_client, window, addr="10.9.9.9")
    args = {"threshold": 15, "scale_qids": ["q1"], "burst": 20}
    everything = database.select_responses(survey_id, **args)
    assert len(everything) == 2
    point = database.point_by_code(window)[0]["id"]
    assert len(database.select_responses(survey_id, point_id=point, **args)) == 1
    assert database.select_responses(survey_id, since="2999-01-01", **args) == []
    assert len(database.select_responses(survey_id, until="2999-01-01", **args)) == 2
    with pytest.raises(ValueError):
        database.select_responses(survey_id, flag="nonsense", **args)
    url = f"/admin/surveys/{survey_id}/responses"  # a period that ends before it starts: said, not "0 found"
    page = admin_client.get(f"{url}?bflag=all&bpoint=&bsince=2024-09-02&buntil=2024-09-01", follow_redirects=True)
    assert "结束时间早于开始时间" in page.get_data(as_text=True)
    for query, said in (("bflag=all&bsince=0001-01-01", "时间应在 2000 年至 2100 年之间"),
                        ("bflag=all&bsince=2024-13-45", "时间格式不正确"), ("bflag=all&bsince=2000-01-0x", "时间格式不正确"),
                        ("bflag=nonsense", "所选标记不在列表中"), ("bflag=all&bpoint=99999", "所选采集点不属于本项目")):
        page = admin_client.get(f"{url}?{query}", follow_redirects=True)
        assert page.status_code == 200 and said in page.get_data(as_text=True), query


def test_kiosk_paper_and_assisted_entry_are_exempt(app, yining):
    """The hook for the channels planned next: no minimum time, no ceilings for them."""
    _, (hall, _) = yining
    assert defences.checked(defences.SCAN)
    with app.test_request_context(f"/s/{hall}", method="POST"):
        point, survey = app.extensions[EXTENSION].point_for_citizen(hall)
        q = type("Q", (), {"questions": [0] * 7})
        args = (point, survey, q, new_nonce(), 0, "d" * 20, {})
        assert defences.refusal(*args, channel=defences.SCAN) == ("too_fast", None)
        assert defences.refusal(*args, channel="协助填写") == (None, None)  # no minimum time, no claim


def test_one_ipv6_host_counts_as_one_address(client, yining, database, app):
    """A host holds a whole /64: each of its addresses is the same network for the ceiling."""
    _, (hall, _) = yining
    start = database.wall_clock()
    database.wall_clock = lambda: start
    for i in range(app.config["ADDRESS_BURST"]):
        assert submit(client, hall, addr=f"2001:db8:1:2::{i + 1:x}").status_code == 303
    assert submit(client, hall, addr="2001:db8:1:2:ffff::99").status_code == 429
    assert submit(client, hall, addr="2001:db8:1:3::1").status_code == 303  # the next /64: another subscriber
    assert database.response_count() == app.config["ADDRESS_BURST"] + 1


def test_the_network_of_an_address():
    from survey_app.respondent.defences import network
    assert network("2001:db8:1:2:3:4:5:6") == network("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert network("::ffff:10.1.2.3") == network("10.1.2.3") == "10.1.2.3" and network(None) == ""
