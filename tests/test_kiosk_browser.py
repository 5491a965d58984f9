"""A hall's tablet in Debian's Chromium against a real gunicorn, with the shipped defences (a phone's ceiling of
2 answers and its minimum time on): the evaluator sets up 业务大厅's tablet, opens its address on the tablet, and
three citizens answer on it one after the other, none refused; the first thank-you page goes back to a fresh form by
itself, the others by 下一位. After 停用 the tablet is a phone that answered."""
import pytest

from tests.browser import MARKS, chromium, evaluator_yining, logged_in, screenshot  # noqa: F401 (chromium: a fixture)
from tests.live import LiveServer, prepare_database

pytestmark = MARKS
ANSWERS = [{"age": "B", "gender": "A", "q1": "A", "q2": "B", "q3": "A", "q4": "C", "q5": "A"},
           {"age": "C", "gender": "B", "q1": "B", "q2": "A", "q3": "A", "q4": "B", "q5": "A"},
           {"age": "A", "gender": "A", "q1": "A", "q2": "A", "q3": "B", "q4": "A", "q5": "B"}]


@pytest.fixture
def server(tmp_path, database_url):
    server = LiveServer(tmp_path, database=database_url("kiosk"), config={"DEVICE_BURST": 2, "KIOSK_MIN_GAP": 0})
    server.prepared = prepare_database(server.db_path, lambda conn: evaluator_yining(conn, "kiosk"))
    server.start()
    yield server
    server.stop()


def test_three_citizens_answer_one_after_the_other_on_a_halls_tablet(chromium, server):
    admin = logged_in(chromium, server)
    evaluator = admin.context
    points = f"{server.url}/admin/surveys/{server.prepared['survey_id']}/points"
    admin.goto(points)
    admin.click("button[aria-label='为业务大厅设置平板']")
    address = admin.inner_text("#kiosk-url")
    assert address.startswith(f"{server.url}/k/") and admin.is_visible("#kiosks img[alt='平板地址二维码']")
    screenshot(admin, "admin-kiosk-set-up")
    admin.goto(points)
    assert admin.locator("#kiosk-url").count() == 0 and "平板 1 号" in admin.inner_text("#kiosks")

    tablet = chromium.new_context(viewport={"width": 800, "height": 1280}, locale="zh-CN").new_page()
    tablet.goto(address)
    hall = server.prepared["codes"][0]
    assert tablet.url == f"{server.url}/s/{hall}"
    tablet.check("input[name=age][value=B]")  # someone starts, then walks away
    tablet.goto(address)
    assert "已为您恢复" not in tablet.inner_text("main")  # the next person does not get their answers
    for i, answers in enumerate(ANSWERS):
        assert "已为您恢复" not in tablet.inner_text("main")  # the last person's answers are not shown
        for question, option in answers.items():
            tablet.check(f"input[name={question}][value={option}]")
        tablet.click("#send")
        assert "提交成功" in tablet.inner_text("h1"), i
        if i == 0:
            screenshot(tablet, "kiosk-thanks")
        if i == 0:  # nobody touches it: back to a fresh form by itself (<meta http-equiv="refresh">)
            tablet.wait_for_url(f"{server.url}/s/{hall}", timeout=30_000)
        else:
            tablet.click("#next")
        tablet.wait_for_selector("#send")
    conn = server.connect()
    try:
        rows = conn.query("select channel, device_hash from responses where submission_key not like 'kiosk-%'"
                          " order by id")
    finally:
        conn.close()
    assert rows == [{"channel": "平板", "device_hash": None}] * 3

    admin.click("#kiosks button[aria-label='停用平板 1 号']")
    assert "平板 1 号已停用" in admin.inner_text(".flash")
    tablet.reload()
    assert "您已提交过本问卷" in tablet.inner_text("main")  # now a phone that answered
    tablet.goto(address)
    assert "没有找到这个页面" in tablet.inner_text("main")
    evaluator.close()
