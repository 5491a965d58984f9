"""A citizen's cheap phone in WeChat: Debian's Chromium (headless, JavaScript off, 360×740, WeChat
user agent) against a real gunicorn server. Screenshots go to tests/artifacts/ for a human look."""
import pytest

from survey_app import REPO_QUESTIONNAIRES, questionnaires
from tests.browser import ARTIFACTS, MARKS, chromium, screenshot  # noqa: F401 (chromium: a fixture)
from tests.helpers import YINING_ANSWERS

WECHAT_UA = ("Mozilla/5.0 (Linux; Android 10; M2006C3LC Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 "
             "MMWEBSDK/20230303 MMWEBID/2585 MicroMessenger/8.0.50.2701(0x28003237) WeChat/arm64 Weixin "
             "NetType/4G Language/zh_CN ABI/arm64")
PHONE = {"width": 360, "height": 740}

pytestmark = MARKS


@pytest.fixture
def phone(chromium):
    """A page in a WeChat-like context with JavaScript disabled (Playwright's evaluate still works)."""
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True, has_touch=True,
                                   device_scale_factor=2, user_agent=WECHAT_UA, locale="zh-CN")
    page = context.new_page()
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith("http://127.0.0.1:") else None)
    page.external_requests = external
    yield page
    context.close()


@pytest.fixture
def yining():
    return questionnaires.Catalogue(REPO_QUESTIONNAIRES).get("yining-2024-public", 1)


def option(page, question: str, code: str):
    return page.locator(f"#f-{question} label.opt").filter(has=page.locator(f'input[value="{code}"]'))


def tap_row(page, question: str, code: str) -> None:
    """Tap the far end of the option's row, away from the radio and the text: the whole row is the label."""
    label = option(page, question, code)
    box = label.bounding_box()
    label.click(position={"x": box["width"] - 12, "y": box["height"] / 2})


def check_phone_layout(page) -> None:
    """Large text, big tap targets, nothing wider than the phone's screen."""
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    small_text = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .filter(e => parseFloat(getComputedStyle(e).fontSize) < 18)
        .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 20))""")
    assert small_text == []
    for label in page.locator("label.opt").all():
        box = label.bounding_box()
        assert box["height"] >= 48, (label.inner_text(), box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (label.inner_text(), box)
    for link in page.locator("main a").all():  # 转到该题 in a sentence too: its padding is the tap target
        assert link.bounding_box()["height"] >= 44, link.inner_text()
    button = page.get_by_role("button", name="提交").bounding_box()
    assert button["height"] >= 48 and button["width"] >= PHONE["width"] / 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling


def test_citizen_answers_all_questions_by_tapping_rows_and_the_answers_are_stored(live_server, phone, yining):
    hall = live_server.prepared["codes"][0]
    phone.goto(f"{live_server.url}/s/{hall}")
    assert phone.title() == yining.title.get("zh-CN")
    first = yining.questions[0]
    assert phone.get_by_text(first.text.get("zh-CN")).first.is_visible()
    assert phone.locator(f"#f-{first.id}").bounding_box()["y"] < PHONE["height"] * 2  # reached with little scrolling
    check_phone_layout(phone)
    screenshot(phone, "browser-1-form")

    for question, code in YINING_ANSWERS.items():
        tap_row(phone, question, code)
        assert option(phone, question, code).locator("input").is_checked(), question
    screenshot(phone, "browser-2-answered")
    phone.get_by_role("button", name="提交").click()

    phone.wait_for_url(f"**/s/{hall}/thanks")
    assert phone.get_by_text("提交成功，谢谢您！").is_visible()
    screenshot(phone, "browser-3-thanks")
    assert phone.external_requests == []
    conn = live_server.connect()
    try:
        [response] = conn.query("select * from responses")
        assert response["point_id"] == conn.point_by_code(hall)[0]["id"] and response["language"] == "zh-CN"
        assert conn.get_response(response["id"])["answers"] == sorted(YINING_ANSWERS.items())
        assert response["device_hash"]  # the device cookie was set and sent without JavaScript
    finally:
        conn.close()


def test_unanswered_question_is_marked_in_chinese_and_given_answers_stay_checked(live_server, phone, yining):
    hall = live_server.prepared["codes"][0]
    phone.goto(f"{live_server.url}/s/{hall}")
    given = {q: c for q, c in YINING_ANSWERS.items() if q != "q3"}
    for question, code in given.items():
        tap_row(phone, question, code)
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_load_state()

    assert phone.get_by_text("还有题目需要您补充").is_visible()
    q3 = phone.locator("#f-q3")
    assert "err" in q3.get_attribute("class")
    assert q3.get_by_text("请选择一项后再提交。").is_visible()
    assert phone.locator('fieldset.err').count() == 1
    for question, code in given.items():
        assert option(phone, question, code).locator("input").is_checked(), question
    assert not phone.locator("#f-q3 input:checked").count()
    check_phone_layout(phone)
    screenshot(phone, "browser-4-missing-answer")
    go = phone.get_by_role("link", name="转到该题").bounding_box()  # tapped a little above its text, it still leads
    phone.touchscreen.tap(go["x"] + go["width"] / 2, go["y"] + 3)
    assert phone.evaluate("location.hash") == "#f-q3", phone.url
    q3.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "browser-5-missing-answer-viewport.png"))

    tap_row(phone, "q3", "A")  # answering the missing question now completes the response
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url(f"**/s/{hall}/thanks#f-q3")  # the browser keeps the fragment over the redirect
    conn = live_server.connect()
    try:
        [response] = conn.query("select id from responses")
        assert conn.get_response(response["id"])["answers"] == sorted({**given, "q3": "A"}.items())
    finally:
        conn.close()
