"""A hall's own tablet (平板, store/kiosks.py, respondent/kiosk.py): citizen after citizen answers on it without the
phone-only defences refusing the second one; a tablet 停用 falls back to a phone's rules; a forged token changes
nothing; one answer per KIOSK_MIN_GAP; verify checks the channel; the evaluator's 设置平板 and 停用 are audited.
With the shipped defences (but a phone's ceiling of 2 answers, so three citizens would trip it). On both databases."""
import re

import pytest

from survey_app import create_app, fieldwork
from survey_app.store import EXTENSION, Audit
from survey_app.store import responses as stored_responses
from tests.admin_helpers import csrf
from tests.helpers import YINING_ANSWERS, fill
from tests.yining import _backdate

OTHER = {"age": "C", "gender": "B", "q1": "B", "q2": "A", "q3": "A", "q4": "B", "q5": "A"}


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": database_url(), "DEVICE_BURST": 2})
    yield app
    app.extensions[EXTENSION].close()


@pytest.fixture
def clock(database):
    """The stuffing counters' clock (store.wall_clock), moved by hand: ``clock(seconds)`` moves it on."""
    now = [database.wall_clock()]
    database.wall_clock = lambda: now[0]

    def move(seconds: float) -> None:
        now[0] += seconds
    return move


def _tablet(app, database, yining, point: int = 0):
    """A test client that opened its tablet's address, (client, kiosk id, token, point code)."""
    survey_id, codes = yining
    point_id = database.point_by_code(codes[point])[0]["id"]
    kiosk_id, token = database.add_kiosk(survey_id, point_id, user="wang")
    client = app.test_client()
    opened = client.get(f"/k/{token}")
    assert opened.status_code == 303 and opened.headers["Location"] == f"/s/{codes[point]}"
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/s/" in cookie
    return client, kiosk_id, token, codes[point]


def _answer(client, code: str, answers=None, age: int | None = 60):
    """A person answers the form shown on the device, taking ``age`` seconds (None: at once)."""
    page = client.get(f"/s/{code}")
    assert page.status_code == 200 and "您已提交过本问卷" not in page.get_data(as_text=True)
    body = fill(page.get_data(as_text=True), answers)
    if age is not None:
        body["key"] = _backdate(client, body["key"], age)
    return client.post(f"/s/{code}", data=body), body


def test_three_citizens_in_a_row_on_one_tablet_are_stored_as_kiosk_answers(app, database, yining, clock):
    survey_id, _ = yining
    client, _, _, hall = _tablet(app, database, yining)
    for i, answers in enumerate((YINING_ANSWERS, OTHER, YINING_ANSWERS)):
        reply, _ = _answer(client, hall, answers, age=None if i == 1 else 60)  # the second one: no minimum time
        assert reply.status_code == 303, i
        thanks = client.get(reply.headers["Location"])
        html = thanks.get_data(as_text=True)
        assert thanks.status_code == 200 and "提交成功" in html
        assert f'<meta http-equiv="refresh" content="10;url=/s/{hall}">' in html  # back to a fresh form by itself
        assert re.search(rf'<a class="btn" id="next" href="/s/{hall}">下一位</a>', html)
        clock(app.config["KIOSK_MIN_GAP"])
    rows = database.query("select channel, device_hash from responses where survey_id = ? order by id", [survey_id])
    assert [(r["channel"], r["device_hash"]) for r in rows] == [("平板", None)] * 3  # no device: no 同一设备重复
    counts = database.flag_counts(survey_id, threshold=15, burst=app.config["BURST_PER_MINUTE"])
    assert counts["device"] == 0 and counts["burst"] == 0
    database.flush_opens()
    assert [p["opens"] for p in database.fieldwork(survey_id)] == [0, 0]  # a tablet's pages are no 扫码打开
    assert database.verify().ok
    phone = app.test_client()  # a citizen's own phone after them: 扫码, with its defences
    reply, _ = _answer(phone, hall)
    assert reply.status_code == 303 and database.query("select channel from responses order by id desc")[0]["channel"] == "扫码"
    assert "感谢" in phone.get(reply.headers["Location"]).get_data(as_text=True)
    assert 'http-equiv="refresh"' not in phone.get(reply.headers["Location"]).get_data(as_text=True)


def test_a_tablet_of_another_point_answers_there_as_a_phone(app, database, yining, clock):
    client, _, _, _ = _tablet(app, database, yining, point=0)
    window = yining[1][1]
    reply, _ = _answer(client, window, age=None)
    assert reply.status_code == 400 and "您填写得很快" in reply.get_data(as_text=True)  # the minimum time applies
    assert database.response_count() == 0


def test_a_tablet_turned_off_falls_back_to_a_phones_rules(app, database, yining, clock):
    survey_id, _ = yining
    client, kiosk_id, token, hall = _tablet(app, database, yining)
    assert _answer(client, hall)[0].status_code == 303
    assert database.revoke_kiosk(survey_id, kiosk_id, user="wang") is True
    assert database.revoke_kiosk(survey_id, kiosk_id, user="wang") is False  # once
    page = client.get(f"/s/{hall}")
    assert "您已提交过本问卷" in page.get_data(as_text=True)  # a phone that answered
    assert re.search(r"mkiosk=; Expires=Thu, 01 Jan 1970[^,]*,? ?[^;]*; .*Path=/s/", page.headers["Set-Cookie"])
    clock(app.config["KIOSK_MIN_GAP"])
    client.set_cookie("mkiosk", token, path="/s/")  # a browser that kept it: ignored all the same
    body = fill(client.get(f"/s/{hall}?another=1").get_data(as_text=True), OTHER)
    reply = client.post(f"/s/{hall}", data=body)
    assert reply.status_code == 400 and "您填写得很快" in reply.get_data(as_text=True)
    assert client.get(f"/k/{token}").status_code == 404
    body["key"] = _backdate(client, body["key"], 60)
    assert client.post(f"/s/{hall}", data=body).status_code == 303
    rows = database.query("select channel, device_hash from responses order by id")
    assert [r["channel"] for r in rows] == ["平板", "扫码"] and rows[1]["device_hash"] is not None


def test_a_forged_token_is_a_404_and_changes_nothing(app, database, yining):
    survey_id, (hall, _) = yining
    lines = len(database.audit_entries(survey_id))
    client = app.test_client()
    for token in ("x" * 24, "x" * 500, "%00", "../admin"):
        reply = client.get(f"/k/{token}")
        assert reply.status_code == 404 and "没有找到这个页面" in reply.get_data(as_text=True), token
        assert "mkiosk" not in reply.headers.get("Set-Cookie", "")
    client.set_cookie("mkiosk", "forged-token-of-some-tablet", path="/s/")
    reply, _ = _answer(client, hall, age=None)
    assert reply.status_code == 400 and "您填写得很快" in reply.get_data(as_text=True)  # a phone's rules
    assert database.response_count() == 0 and len(database.audit_entries(survey_id)) == lines
    assert database.query("select count(*) as n from kiosks")[0]["n"] == 0


def test_a_tablet_takes_one_answer_per_gap_and_keeps_the_answers(app, database, yining, clock):
    client, _, _, hall = _tablet(app, database, yining)
    assert _answer(client, hall)[0].status_code == 303
    clock(app.config["KIOSK_MIN_GAP"] - 5)
    reply, body = _answer(client, hall, OTHER)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 429 and "这台平板刚刚提交过一份答卷" in html and "您已填写的答案都保留着" in html
    assert 'name="q1" value="B" checked' in html and 'name="age" value="C" checked' in html
    assert database.response_count() == 1
    clock(5)
    assert client.post(f"/s/{hall}", data=body).status_code == 303  # the same page, tapped again
    assert database.response_count() == 2


def test_a_tablets_answers_count_toward_the_points_burst_flag(app, database, yining):
    survey_id, _ = yining
    app.config.update(KIOSK_MIN_GAP=0, BURST_PER_MINUTE=2)
    client, _, _, hall = _tablet(app, database, yining)
    for _ in range(3):
        assert _answer(client, hall)[0].status_code == 303
    assert database.flag_counts(survey_id, threshold=15, burst=2)["burst"] == 3


def test_verify_names_a_tablets_answer_whose_channel_was_changed(app, database, yining, clock):
    survey_id, _ = yining
    client, _, _, hall = _tablet(app, database, yining)
    assert _answer(client, hall)[0].status_code == 303
    point_id = database.point_by_code(hall)[0]["id"]
    database.set_points_fieldwork(survey_id, {}, names={point_id: "政务服务大厅"}, actor="wang")  # its code stays
    assert database.verify().ok
    database.execute("update responses set channel = '纸质'")
    check = database.verify()
    assert not check.ok and len(check.bad_responses) == 1


def test_verify_names_a_tablets_answer_stored_while_the_survey_was_closed(app, database, yining, clock, monkeypatch):
    from datetime import datetime, timedelta, timezone
    survey_id, _ = yining
    client, _, _, hall = _tablet(app, database, yining)
    database.update_survey(survey_id, status="closed", audit=Audit("wang", "closed"))
    moment = datetime.now(timezone.utc) + timedelta(minutes=10)
    monkeypatch.setattr(stored_responses, "utcnow", lambda: moment.isoformat(timespec="microseconds"))
    assert client.get(f"/s/{hall}").status_code == 410  # the form refuses a tablet too
    database.execute("update surveys set status = 'open' where id = ?", [survey_id])
    database._points_seen.clear()
    assert _answer(client, hall)[0].status_code == 303
    database.execute("update surveys set status = 'closed' where id = ?", [survey_id])
    check = database.verify()
    assert [why for _, why in check.bad_responses] and "status closed" in check.bad_responses[0][1]


def test_the_evaluator_turns_a_tablet_on_and_off_on_the_points_page(admin_client, database, yining):
    survey_id, (hall, _) = yining
    point_id = database.point_by_code(hall)[0]["id"]
    url = f"/admin/surveys/{survey_id}/points"
    page = admin_client.get(url).get_data(as_text=True)
    assert "设置平板" in page
    reply = admin_client.post(f"{url}/{point_id}/kiosk", data={"csrf_token": csrf(page)})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    [address] = re.findall(r"http://127.0.0.1:5000/k/([A-Za-z0-9_-]{24})</code>", html)
    assert "data:image/svg+xml;base64," in html  # its QR code, to open it on the tablet
    assert admin_client.get(f"/k/{address}").status_code == 303
    again = admin_client.get(url).get_data(as_text=True)
    assert address not in again and "停用" in again  # shown once; listed with 停用
    [kiosk] = database.active_kiosks(survey_id)
    assert kiosk["point_id"] == point_id and kiosk["created_by"] == "wang"
    reply = admin_client.post(f"{url}/kiosks/{kiosk['id']}/off", data={"csrf_token": csrf(again)}, follow_redirects=True)
    assert reply.status_code == 200 and "已停用" in reply.get_data(as_text=True)
    assert database.active_kiosks(survey_id) == [] and admin_client.get(f"/k/{address}").status_code == 404
    lines = [(e["action"], e["user"], e["detail"]) for e in database.audit_entries(survey_id)][-2:]
    assert lines == [("kiosk_on", "wang", f"业务大厅（编码 {hall}）：平板 {kiosk['id']} 号"),
                     ("kiosk_off", "wang", f"业务大厅（编码 {hall}）：平板 {kiosk['id']} 号")]
    log = admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)
    assert "设置平板" in log and "停用平板" in log
    written = len(database.audit_entries(survey_id))
    for bad in (f"{url}/99999/kiosk", f"{url}/abc/kiosk", f"{url}/kiosks/99999/off", f"{url}/kiosks/{10**30}/off"):
        assert admin_client.post(bad, data={"csrf_token": csrf(again)}).status_code == 404, bad
    off_again = admin_client.post(f"{url}/kiosks/{kiosk['id']}/off", data={"csrf_token": csrf(again)}, follow_redirects=True)
    assert off_again.status_code == 200 and "此前已停用" in off_again.get_data(as_text=True)
    assert admin_client.post(f"{url}/{point_id}/kiosk", data={}).status_code == 400  # no CSRF token: nothing made
    assert len(database.audit_entries(survey_id)) == written and database.active_kiosks(survey_id) == []
    assert database.verify().ok


def test_the_rates_the_review_page_the_downloads_and_the_annex_count_tablets_apart(app, admin_client, database,
                                                                                     yining, clock, tmp_path):
    import csv
    import io

    import docx
    import pyreadstat

    from tests.reports_helpers import download

    survey_id, _ = yining
    client, _, _, hall = _tablet(app, database, yining)
    for _ in range(3):
        assert _answer(client, hall)[0].status_code == 303
        clock(app.config["KIOSK_MIN_GAP"])
    phone = app.test_client()
    assert _answer(phone, hall)[0].status_code == 303
    database.flush_opens()
    point = {p.code: p for p in fieldwork.fieldwork(database, survey_id, database.point_counts(survey_id)).points}[hall]
    assert (point.returned, point.kiosk, point.scanned, point.opens, point.completion_rate_pct) == (4, 3, 1, 1, 100.0)
    page = admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)
    assert page.count('title="群众在采集点平板上填写">平板</span>') == 3
    rows = list(csv.DictReader(io.StringIO(download(admin_client, survey_id, "csv").get_data().decode("utf-8-sig"))))
    assert [r["来源"] for r in rows] == ["平板", "平板", "平板", "扫码"]
    sav = tmp_path / "kiosk.sav"
    sav.write_bytes(download(admin_client, survey_id, "sav").get_data())
    df, meta = pyreadstat.read_sav(str(sav))
    assert df["channel"].tolist() == [3, 3, 3, 1] and meta.variable_value_labels["channel"][3] == "平板"
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex").get_data())).paragraphs)
    assert "不便使用手机的受访者可在平板上逐个填写同一问卷" in annex and "其中平板填写 3 份" in annex
    assert "扫码提交 1 份（完成率 100.0%）；另在采集点平板上填写 3 份，合计回收 4 份" in annex
    assert "平板上的打开和提交不计入扫码打开和完成率" in annex
    assert "扫码答卷和平板答卷均由受访者自愿作答，属于方便抽样" in annex
    c51 = docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-c51").get_data()))
    assert "采集点平板填写 3 份" in "\n".join(c.text for t in c51.tables for row in t.rows for c in row.cells)
    dashboard = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "扫码提交 1 份，平板填写 3 份" in dashboard


@pytest.mark.sqlite_only  # copy-db from the SQLite file to a PostgreSQL database of the throwaway cluster
def test_copy_db_moves_the_tablets_and_their_answers(pg, app, database, yining, clock):
    from tests.helpers import copied_to_postgresql

    survey_id, _ = yining
    client, kiosk_id, token, hall = _tablet(app, database, yining)
    assert _answer(client, hall)[0].status_code == 303
    with copied_to_postgresql(pg, database, app.config["DATABASE"], "kiosk_moved") as copy:
        assert copy.kiosk_for_token(token)["id"] == kiosk_id and copy.verify().ok
        assert copy.channel_counts(survey_id) == {copy.point_by_code(hall)[0]["id"]: {"平板": 1}}
        later, _ = copy.add_kiosk(survey_id, copy.point_by_code(hall)[0]["id"], user="wang")
        assert later > kiosk_id  # the ids continue after the copied ones


@pytest.mark.parametrize("change", [
    "insert into kiosks (point_id, token_hash, created_at) select id, 'made-behind-manyis-back', 'x' from points"
    " where code = :hall",  # a tablet no evaluator set up
    "update kiosks set revoked_at = null",  # 停用 undone
    "update kiosks set point_id = (select id from points where code <> :hall)"])  # moved to the other point
def test_verify_names_a_tablet_made_or_turned_back_on_in_the_database(app, database, yining, change):
    survey_id, (hall, _) = yining
    point_id = database.point_by_code(hall)[0]["id"]
    kiosk_id, _ = database.add_kiosk(survey_id, point_id, user="wang")
    if "revoked_at = null" in change:
        database.revoke_kiosk(survey_id, kiosk_id, user="wang")
    assert database.verify().ok
    database.execute(change.replace(":hall", "?"), [hall] if ":hall" in change else [])
    check = database.verify()
    assert not check.ok and any("behind Manyi's back" in p and "tablet" in p for p in check.count_problems)


def test_the_tablets_cookie_is_secure_behind_https(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": database_url(),
                      "PUBLIC_BASE_URL": "https://manyi.example.cn"})
    try:
        database = app.extensions[EXTENSION]
        survey_id = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="t")
        point = database.add_point(survey_id, "业务大厅")
        _, token = database.add_kiosk(survey_id, point["id"], user="wang")
        cookie = app.test_client().get(f"/k/{token}", base_url="https://manyi.example.cn").headers["Set-Cookie"]
        assert cookie.startswith("mkiosk=") and "; Secure" in cookie and "HttpOnly" in cookie
    finally:
        app.extensions[EXTENSION].close()


def test_the_honeypot_still_applies_on_a_tablet(app, database, yining):
    client, _, _, hall = _tablet(app, database, yining)
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    reply = client.post(f"/s/{hall}", data={**body, "website": "http://spam.example"})
    assert reply.status_code == 400 and "页面中应当留空的一栏被填写了" in reply.get_data(as_text=True)
    assert database.response_count() == 0
