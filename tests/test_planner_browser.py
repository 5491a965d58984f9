"""The sample-size planner of the new-survey page in Chromium against a real server (tests/live.py): it plans
for the questionnaire chosen on the page, not the one the page opened with, and says which one it planned for."""
from tests.browser import ARTIFACTS, MARKS, PASSWORD, USER, chromium, evaluator_yining, screenshot  # noqa: F401

pytestmark = MARKS
YINING = "yining-2024-public@1"  # [headline] figure = "score": planned in 分, with an assumed answer distribution


def test_the_planner_follows_the_questionnaire_chosen_on_the_page(chromium, live_server_factory):
    server = live_server_factory(lambda conn: evaluator_yining(conn, "planner"))
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    try:
        page.goto(f"{server.url}/admin/surveys/new")
        page.fill("#username", USER)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        first = page.eval_on_selector("#questionnaire", "s => s.value")
        assert first != YINING  # the page opens with another questionnaire, planned as a rate
        planner = page.locator("#planner")
        assert f"估算所按问卷：" in planner.inner_text() and f"（{first}）" in planner.inner_text()
        assert planner.locator("[name=plan_p]").count() == 1 and not page.locator("[data-replan]").is_visible()

        page.select_option("#questionnaire", YINING)
        assert page.locator("[data-replan]").is_visible()  # the plan shown is for the other one: said so
        page.locator("#planner").screenshot(path=str(ARTIFACTS / "planner-replan.png"))
        page.select_option("#questionnaire", first)
        assert not page.locator("[data-replan]").is_visible()
        page.select_option("#questionnaire", YINING)
        page.click("#planner button[type=submit]")

        text = planner.inner_text()
        assert f"（{YINING}）；计入 C51 的数值：满意度得分" in text, text
        assert "允许误差 ±（分）" in text and planner.locator("[name=plan_p]").count() == 0
        assert "按允许误差：" in text and "按检验效能：" in text and "分" in text
        assert page.eval_on_selector("#questionnaire", "s => s.value") == YINING  # the form below says the same
        assert page.eval_on_selector("#target_n", "i => i.value") not in ("", "50")  # the score's n filled in
        screenshot(page, "admin-planner-follows")
    finally:
        context.close()
    assert not [m for m in console if "Content Security Policy" in m], console
