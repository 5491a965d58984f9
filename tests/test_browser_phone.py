"""What a citizen's phone meets beyond the plain flow (tests/test_browser.py): the connection lost at the
moment of 提交 (the form's small script keeps the answers on the phone, with their key, until sent), and a
right-to-left (Uyghur) page, which must fit the screen and show Chinese fallback text left to right."""
import pytest

from survey_app.store import EXTENSION
from tests.helpers import YINING_ANSWERS, rtl_app
from tests.browser import MARKS, chromium, screenshot  # noqa: F401 (chromium: a fixture)
from tests.test_browser import PHONE, WECHAT_UA, option, tap_row

pytestmark = MARKS


@pytest.fixture
def phone_js(chromium):  # noqa: F811
    """The WeChat-like phone with JavaScript on (WeChat's browser runs it; test_browser.py's phone has it off)."""
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                   user_agent=WECHAT_UA, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def stored(live_server) -> int:
    conn = live_server.connect()
    try:
        return conn.response_count()
    finally:
        conn.close()


def checked(page) -> dict:
    return page.evaluate("() => Object.fromEntries([...document.querySelectorAll('input:checked')]"
                         ".map(e => [e.name, e.value]))")


def test_answers_survive_a_lost_connection_and_are_stored_once(live_server, phone_js):
    hall = live_server.prepared["codes"][0]
    form_url = f"{live_server.url}/s/{hall}"
    phone_js.goto(form_url)
    for question, code in YINING_ANSWERS.items():
        tap_row(phone_js, question, code)
    phone_js.context.set_offline(True)
    phone_js.locator("#send").click()  # offline: the script keeps the page and says so
    assert phone_js.locator("#offline").is_visible() and "网络已断开" in phone_js.locator("#offline").inner_text()
    assert phone_js.url == form_url
    screenshot(phone_js, "browser-6-offline")

    phone_js.context.set_offline(False)
    phone_js.goto(form_url)  # the citizen opens the link again (or comes Back) once connected
    assert checked(phone_js) == YINING_ANSWERS
    assert phone_js.get_by_text("已为您恢复上次填写但还没有提交的答案").is_visible()
    phone_js.locator("#send").click()
    phone_js.wait_for_url(f"**/s/{hall}/thanks")

    phone_js.goto(form_url)  # sent: nothing is restored for the next person
    assert checked(phone_js) == {} and not phone_js.get_by_text("已为您恢复").count()
    assert stored(live_server) == 1


def test_someone_elses_unsent_answers_can_be_cleared(live_server, phone_js):
    """A shared phone: the answers a first person left unsent come back for the next, who can clear them."""
    hall = live_server.prepared["codes"][0]
    form_url = f"{live_server.url}/s/{hall}"
    phone_js.goto(form_url)
    tap_row(phone_js, "q1", "E")
    phone_js.goto(form_url)
    assert checked(phone_js) == {"q1": "E"}
    phone_js.get_by_role("button", name="清空，重新填写").click()
    phone_js.wait_for_load_state()
    assert checked(phone_js) == {} and not phone_js.get_by_text("已为您恢复").count()
    phone_js.goto(form_url)
    assert checked(phone_js) == {}


def test_a_form_sent_but_not_acknowledged_is_not_stored_twice(live_server, phone_js):
    """The answer reached the server but the thank-you page did not reach the phone: the restored form
    carries the same key, so sending it again shows the thank-you and stores nothing more."""
    hall = live_server.prepared["codes"][0]
    form_url = f"{live_server.url}/s/{hall}"
    phone_js.goto(form_url)
    for question, code in YINING_ANSWERS.items():
        tap_row(phone_js, question, code)

    def reply_lost(route):  # the POST reaches the server and is stored; its reply never reaches the phone
        if route.request.method == "POST":
            assert route.fetch(max_redirects=0).status == 303
            route.abort()
        else:
            route.continue_()

    phone_js.route(form_url, reply_lost)
    phone_js.locator("#send").click()
    phone_js.wait_for_load_state()
    phone_js.unroute(form_url)
    assert stored(live_server) == 1
    phone_js.goto(form_url)
    assert checked(phone_js) == YINING_ANSWERS
    phone_js.locator("#send").click()
    phone_js.wait_for_url(f"**/s/{hall}/thanks")
    assert stored(live_server) == 1


def test_a_right_to_left_page_fits_the_screen_and_shows_chinese_fallbacks_left_to_right(tmp_path, phone_js):
    app, code = rtl_app(tmp_path)
    html = app.test_client().get(f"/s/{code}?lang=ug").get_data(as_text=True)
    app.extensions[EXTENSION].close()
    phone_js.set_content(html)
    assert phone_js.evaluate("document.documentElement.dir") == "rtl"
    # the page is no wider than the phone (a honeypot pushed 9,999 px to the left once made it a grey void)
    assert phone_js.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    option(phone_js, "q1", "A").click()
    assert checked(phone_js) == {"q1": "A"}
    # a Chinese fallback label reads left to right: its closing "：" stands right of its first character
    order = phone_js.evaluate("""() => {
        const label = [...document.querySelectorAll('label.opt')].find(l => l.textContent.includes('不满意'));
        const text = [...label.childNodes].find(n => n.nodeType === 3 && n.textContent.includes('不满意'));
        const at = i => { const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1);
                          return r.getBoundingClientRect().left; };
        const first = text.textContent.indexOf('不'), last = text.textContent.length - 1;
        return [at(first), at(last)]; }""")
    assert order[0] < order[1], order
    screenshot(phone_js, "browser-7-rtl")


def test_back_from_the_thank_you_page_after_a_returned_form_shows_a_page_not_a_browser_error(live_server, phone_js):
    """A question left open sends the form back as a POST's reply: Back from the thank-you page must not land on
    the browser's 确认重新提交表单 (ERR_CACHE_MISS) error, a dead end for an older citizen, nor store anything."""
    hall = live_server.prepared["codes"][0]
    form_url = f"{live_server.url}/s/{hall}"
    phone_js.goto(form_url)
    for question, code in YINING_ANSWERS.items():
        if question != "q5":
            tap_row(phone_js, question, code)
    phone_js.locator("#send").click()
    phone_js.wait_for_load_state()
    assert phone_js.locator(".err").count() == 1  # q5 is marked, the other answers are kept
    tap_row(phone_js, "q5", YINING_ANSWERS["q5"])
    phone_js.locator("#send").click()
    phone_js.wait_for_url(f"**/s/{hall}/thanks")
    phone_js.go_back()  # raised net::ERR_CACHE_MISS before
    assert phone_js.url == form_url and phone_js.locator("h1").count() == 1
    phone_js.reload()  # no resubmission either
    assert phone_js.url == form_url
    assert stored(live_server) == 1


def test_an_english_page_at_the_phones_largest_text_needs_no_sideways_scrolling(app, database, phone_js):
    """An older citizen's phone set to its largest text (200 %): a long English word in a question or an option
    ("Retirement", "institutions") made the Kashgar form 392 px wide on a 360 px screen, as a fieldset is at
    least as wide as its longest word."""
    from survey_app import questionnaires

    survey_id = database.create_survey(
        questionnaire_id="kashgar-benefit-recipients", questionnaire_version=1, title="喀什", year=2024,
        questionnaire_digest=questionnaires.catalogue(app).get("kashgar-benefit-recipients", 1).digest,
        department="喀什地区社会保险服务中心", target=95.0, target_n=50)
    code = database.add_point(survey_id, "大厅")["code"]
    phone_js.set_content(app.test_client().get(f"/s/{code}?lang=en").get_data(as_text=True))
    normal = phone_js.locator("h1").bounding_box()["height"]
    phone_js.add_style_tag(content="html{-webkit-text-size-adjust:200%}")  # what Android's font size setting does
    assert phone_js.locator("h1").bounding_box()["height"] > 1.5 * normal
    assert phone_js.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone_js, "browser-8-english-large-text")
