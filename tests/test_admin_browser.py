"""An evaluator's desktop browser: Debian's Chromium (headless) against a real gunicorn server
(tests/live.py). Logs in through the form, opens the dashboard and the review page, checks what is
on screen and that the page loads nothing from elsewhere and breaks no CSP rule. Screenshots go to
tests/artifacts/ for a human look."""
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from survey_app.admin.auth import hash_password
from tests.live import add_yining
from tests.yining import yining_rows

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
USER, PASSWORD = "wang", "browser-test-password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent: install Debian's chromium"),
]


def _prepare(conn) -> dict:
    """The Yining survey with its 50 answers split over two points (response 11 a speeder, 4 and 8
    from one phone) and an evaluator granted the survey."""
    made = add_yining(conn)
    survey_id, (hall, window) = made["survey_id"], made["codes"]
    points = {p["code"]: p["id"] for p in conn.list_points(survey_id)}
    for i, row in enumerate(yining_rows()):
        conn.save_response(survey_id=survey_id, point_id=points[hall if i < 30 else window],
                         questionnaire_version=1, submission_key=f"browser-{i}", answers=sorted(row.items()),
                         seconds_on_page=4 if i == 10 else 75, language="zh-CN",
                         device_hash="same-phone" if i in (3, 7) else f"phone-{i}")
    conn.grant(conn.create_user(USER, hash_password(PASSWORD)), survey_id)
    return made


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def test_dashboard_and_review_render_in_chromium(chromium, live_server_factory):
    server = live_server_factory(_prepare)
    survey_id = server.prepared["survey_id"]
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    elsewhere, console = [], []
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(server.url) else None)
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    try:
        page.goto(f"{server.url}/admin/surveys/{survey_id}")
        assert "/admin/login" in page.url
        page.fill("#username", USER)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        assert page.url == f"{server.url}/admin/surveys/{survey_id}"

        # the stylesheet applied (no CSP block): cards are white boxes, the header is blue
        assert page.eval_on_selector("header.top", "e => getComputedStyle(e).backgroundColor") == "rgb(21, 84, 176)"
        body = page.inner_text("main")
        for shown in ("有效问卷\n50", "有效率\n100.0%", "满意度得分", "97.6", "按当前样本量尚不能判定是否达到目标",
                      "单侧 95% 置信下限 92.49 分", "5 / 5", "扫码打开"):
            assert shown in body, shown
        q5 = page.inner_text('table.tally[data-question="q5"]')
        assert "非常满意\t46\t92.0%" in q5 and "合计\t50\t100.0%" in q5
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "admin-dashboard.png"), full_page=True)

        page.click("text=数据质量审核")
        assert page.locator("span.flag.device").count() == 2 and page.locator("span.flag.speeder").count() == 1
        speeder = page.locator("tr", has=page.locator("span.flag.speeder"))
        speeder.locator("input[name=reason]").fill("用时 4 秒，现场核实为误触")
        speeder.locator("button", has_text="剔除").click()
        assert "已剔除" in page.inner_text("main")
        assert "用时 4 秒，现场核实为误触" in page.inner_text("#audit") and USER in page.inner_text("#audit")
        page.screenshot(path=str(ARTIFACTS / "admin-review.png"), full_page=True)
        page.click("p.crumbs a >> nth=1")  # back to the dashboard
        body = page.inner_text("main")
        assert "有效问卷\n49" in body and "有效率\n98.0%" in body

        page.goto(f"{server.url}/admin/surveys/new?plan_p=90&plan_e=5&plan_N=500")
        assert "n = 109" in page.inner_text("#planner")
        page.screenshot(path=str(ARTIFACTS / "admin-new-survey.png"), full_page=True)

        page.click("header.top >> text=修改密码")
        page.fill("#current", PASSWORD)
        page.fill("#new", "browser-new-passphrase")
        page.fill("#confirm", "browser-new-passphrase")
        page.click("button:has-text('保存新密码')")
        assert page.url == f"{server.url}/admin/" and "密码已修改" in page.inner_text("main")
    finally:
        context.close()
    assert elsewhere == []
    assert not [m for m in console if "Content Security Policy" in m], console
