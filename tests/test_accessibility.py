"""Every page a citizen or an evaluator meets passes axe-core's checks (WCAG 2 A/AA and best practices), run in
Debian's Chromium against a real gunicorn: no violation of any impact, minor ones included. Many citizens are
over 60 and some use a screen reader; evaluators work long days in these pages.

axe-core comes from npm, pinned in package.json and package-lock.json; `make test` installs it into
node_modules/. The script is evaluated in the page through the DevTools protocol (the pages' Content Security
Policy allows no injected script, and must not be loosened for a test)."""
from pathlib import Path

import pytest

from tests.browser import MARKS, PASSWORD, USER, chromium, evaluator_yining  # noqa: F401 (chromium: a fixture)
from tests.helpers import YINING_ANSWERS
from tests.test_browser import PHONE, WECHAT_UA, tap_row

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
RUN = ("async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v =>"
       " `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`)")

pytestmark = [*MARKS, pytest.mark.skipif(not AXE.exists(), reason=f"{AXE} is absent: run `npm ci` (make test does)")]


def violations(page) -> list[str]:
    """axe-core's violations on the page as it is now, one line each (impact, rule, the first elements)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN)


def _prepare(conn) -> dict:
    """The Yining survey with its answers, its evaluator and a colleague, and a second, closed survey with one point."""
    made = evaluator_yining(conn, "a11y")
    closed = conn.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="已结束的调查",
                                department="伊宁市医疗保障局", year=2024, status="closed")
    made["closed_code"] = conn.add_point(closed, "业务大厅")["code"]
    conn.grant(conn.create_user("li", "not-a-hash"), made["survey_id"])  # 项目成员: a colleague beside its 移除
    return made


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(_prepare)


def test_every_page_a_citizen_meets_passes_axe(chromium, server):
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                   user_agent=WECHAT_UA, locale="zh-CN")
    page = context.new_page()
    form = f"{server.url}/s/{server.prepared['codes'][0]}"
    seen = {}
    page.goto(form)
    seen["form"] = violations(page)
    page.locator("#send").click()  # nothing answered: the form comes back with its messages
    assert page.locator(".err, [role=alert]").count()
    seen["form with errors"] = violations(page)
    for question, code in YINING_ANSWERS.items():
        tap_row(page, question, code)
    page.locator("#send").click()
    page.wait_for_load_state()
    seen[f"after 提交 ({page.url.rsplit('/', 1)[-1]})"] = violations(page)
    page.goto(form)  # the same phone again: 您已提交过本问卷 (or the form, if the answer was held back as fast)
    seen["opened again"] = violations(page)
    for name, url in (("closed survey", f"/s/{server.prepared['closed_code']}"), ("unknown code", "/s/nosuchcode"),
                      ("home", "/")):
        page.goto(server.url + url)
        seen[name] = violations(page)
    context.close()
    conn = server.connect()  # a hall's tablet: its thank-you page with 下一位
    try:
        hall = conn.point_by_code(server.prepared["codes"][0])[0]["id"]
        _, token = conn.add_kiosk(server.prepared["survey_id"], hall, user="wang")
    finally:
        conn.close()
    tablet = chromium.new_context(viewport={"width": 800, "height": 1280}, locale="zh-CN").new_page()
    tablet.goto(f"{server.url}/k/{token}")
    for question, code in YINING_ANSWERS.items():
        tablet.check(f"input[name={question}][value={code}]")
    tablet.click("#send")
    assert tablet.locator("#next").count() == 1
    # its <meta http-equiv="refresh"> is what it is for (README, For evaluators 10): a shared tablet in a hall goes back
    # to a fresh form for the next person, the answer stored already and 下一位 at hand (WCAG 2.2.1's essential
    # exception); only that rule is let pass, on this page only
    seen["tablet thanks"] = [v for v in violations(tablet) if not v.startswith("critical meta-refresh ")]
    tablet.context.close()
    assert {name: found for name, found in seen.items() if found} == {}


def test_every_page_an_evaluator_meets_passes_axe(chromium, server):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    survey = f"/admin/surveys/{server.prepared['survey_id']}"
    point = server.prepared["codes"][0]
    seen = {}
    page.goto(f"{server.url}/admin/login")
    page.fill("#username", USER)
    page.fill("#password", "wrong-password")
    page.click("button[type=submit]")
    seen["login refused"] = violations(page)
    page.fill("#username", USER)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    seen["survey list"] = violations(page)
    pages = [survey, f"{survey}/responses", f"{survey}/responses?flag=any", f"{survey}/points", f"{survey}/edit",
             f"{survey}/weighting", f"{survey}/c51", f"{survey}/members", "/admin/surveys/new", "/admin/password", "/admin/surveys/999999"]
    conn = server.connect()
    try:
        point_id = next(p["id"] for p in conn.list_points(server.prepared["survey_id"]) if p["code"] == point)
    finally:
        conn.close()
    pages.append(f"{survey}/points/{point_id}/poster")
    for url in pages:
        page.goto(server.url + url)
        seen[url] = violations(page)
    page.goto(f"{server.url}{survey}/members")  # 项目成员: an unknown username refused
    page.fill("#username", "nobody")
    page.click("form[action$='/members'] button[type=submit]")
    assert "没有用户名为“nobody”的账户" in page.inner_text("#add")
    seen["members refused"] = violations(page)
    page.goto(f"{server.url}{survey}/paper")  # 录入纸质问卷: as it comes back refused, then after a form is saved
    page.click("form.paper button[type=submit]")
    seen["paper form refused"] = violations(page)
    page.fill("#number", "1")
    page.select_option("#point", label="业务大厅")
    for question, option in YINING_ANSWERS.items():
        page.check(f"input[name={question}][value={option}]")
    page.click("form.paper button[type=submit]")
    assert "第 1 号纸质问卷已录入" in page.inner_text(".flash")
    seen["paper form saved"] = violations(page)
    page.goto(f"{server.url}{survey}/points")  # 设置平板: the tablet's address and QR code, then listed with 停用
    page.click("button[aria-label='为业务大厅设置平板']")
    assert "/k/" in page.inner_text("#kiosk-url")
    seen["tablet set up"] = violations(page)
    page.click("button[aria-label='停用平板 1 号']")
    seen["tablet turned off"] = violations(page)
    context.close()
    assert {name: found for name, found in seen.items() if found} == {}
