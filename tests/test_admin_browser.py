"""An evaluator's desktop browser: Debian's Chromium (headless) against a real gunicorn server
(tests/live.py). Logs in through the form, opens the dashboard and the review page, checks what is
on screen and that the page loads nothing from elsewhere and breaks no CSP rule. Screenshots go to
tests/artifacts/ for a human look."""
from tests.browser import MARKS, PASSWORD, USER, chromium, evaluator_yining, screenshot  # noqa: F401

DESKTOP = {"width": 1280, "height": 900}

pytestmark = MARKS


def _prepare(conn) -> dict:
    """The Yining survey with its 50 answers split over two points (response 11 a speeder, 4 and 8
    from one phone) and an evaluator granted the survey."""
    return evaluator_yining(conn, "browser", seconds=lambda i: 4 if i == 10 else 75,
                            device=lambda i: "same-phone" if i in (3, 7) else f"phone-{i}")


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
        screenshot(page, "admin-dashboard")

        page.click("text=数据质量审核")
        assert page.locator("span.flag.device").count() == 2 and page.locator("span.flag.speeder").count() == 1
        speeder = page.locator("tr", has=page.locator("span.flag.speeder"))
        speeder.locator("input[name=reason]").fill("用时 4 秒，现场核实为误触")
        speeder.locator("button", has_text="剔除").click()
        assert "已剔除" in page.inner_text("main")
        assert "用时 4 秒，现场核实为误触" in page.inner_text("#audit") and USER in page.inner_text("#audit")
        screenshot(page, "admin-review")
        page.click("p.crumbs a >> nth=1")  # back to the dashboard
        body = page.inner_text("main")
        assert "有效问卷\n49" in body and "有效率\n98.0%" in body

        page.goto(f"{server.url}/admin/surveys/new?plan_p=90&plan_e=5&plan_N=500")
        assert "n = 109" in page.inner_text("#planner")
        screenshot(page, "admin-new-survey")

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
