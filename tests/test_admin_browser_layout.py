"""The evaluator's pages on a 1366×768 laptop (the outside review's screen) in Debian's Chromium against a
real gunicorn server: what must be seen is seen, and figures do not break across lines. Screenshots go
to tests/artifacts/ for a human look."""
import pytest

from tests.browser import ARTIFACTS, MARKS, PASSWORD, USER, chromium, evaluator_yining, screenshot  # noqa: F401

LAPTOP = {"width": 1366, "height": 768}
LONG_TITLE = ("2024年伊宁市医疗保障局部门整体绩效满意度调查（含城乡居民医保参保缴费、异地就医备案、"
              "门诊慢特病待遇认定及医疗救助窗口服务）第二轮补充调查")

pytestmark = MARKS


def _prepare(conn) -> dict:
    """The Yining survey with its 50 answers split over two points, a second survey with a long title,
    and an evaluator granted both."""
    made = evaluator_yining(conn, "layout")
    long_id = conn.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title=LONG_TITLE,
                                 department="伊宁市医疗保障局", year=2024, target=95.0, target_n=50)
    conn.grant(made["user_id"], long_id)
    return made


def _logged_in(chromium, live_server_factory, **screen):
    """A logged-in evaluator's page on ``screen`` (Playwright context options); ``page.server`` is the server."""
    server = live_server_factory(_prepare)
    context = chromium.new_context(locale="zh-CN", device_scale_factor=1, **screen)
    page = context.new_page()
    page.goto(f"{server.url}/admin/login")
    page.fill("#username", USER)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.server = server
    return page


@pytest.fixture
def laptop(chromium, live_server_factory):
    """A logged-in evaluator's page at 1366×768."""
    page = _logged_in(chromium, live_server_factory, viewport=LAPTOP)
    yield page
    page.context.close()


@pytest.fixture
def phone(chromium, live_server_factory):
    """The same evaluator on a 390×844 phone (checking progress in the hall)."""
    page = _logged_in(chromium, live_server_factory, viewport={"width": 390, "height": 844}, is_mobile=True,
                      has_touch=True)
    yield page
    page.context.close()


def style(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


def test_the_change_password_link_is_seen_in_the_header_as_log_out_is(laptop):
    """修改密码 once took the header's own blue (the page's link colour) and could not be seen."""
    page = laptop
    page.goto(f"{page.server.url}/admin/")
    header = style(page, "header.top", "backgroundColor")
    link, button = "header.top a:has-text('修改密码')", "header.top button:has-text('退出登录')"
    assert style(page, link, "color") != header
    for prop in ("color", "borderTopColor", "borderTopStyle", "backgroundColor", "textDecorationLine", "fontSize"):
        assert style(page, link, prop) == style(page, button, prop), prop
    heights = [page.locator(s).bounding_box()["height"] for s in (link, button)]
    assert abs(heights[0] - heights[1]) <= 1, heights  # the same box, side by side
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admin-header-1366.png"), clip={"x": 0, "y": 0, "width": 1366, "height": 60})
    page.click(link)
    assert page.url.endswith("/admin/password")


ONE_LINE = """() => {
  // every '（…）' holding an interval ('–' or '至') in a breakdown cell: the lines its text is laid out on
  const out = {checked: 0, broken: []};
  for (const cell of document.querySelectorAll("table.breakdown td, table.breakdown th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
    const text = nodes.map(n => n.data).join("");
    for (const m of text.matchAll(/（[^（）；]*?(–|至)[^（）；]*?[）；]/g)) {
      const range = document.createRange();
      let start = m.index, end = m.index + m[0].length, seen = 0;
      for (const n of nodes) {
        if (start >= seen && start <= seen + n.length) range.setStart(n, start - seen);
        if (end >= seen && end <= seen + n.length) { range.setEnd(n, end - seen); break; }
        seen += n.length;
      }
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      out.checked += 1;  // on two lines: one piece starts below where another ends
      if (rects.some(a => rects.some(b => a.top >= b.bottom - 1))) out.broken.push(m[0]);
    }
  }
  return out;
}"""


def test_intervals_stay_on_one_line_in_the_breakdown_tables(laptop):
    """'93.3%（77.9%– / 99.2%）' broke across lines at 1366 px: an interval is one figure."""
    page = laptop
    page.goto(f"{page.server.url}/admin/surveys/{page.server.prepared['survey_id']}")
    broken = page.evaluate(ONE_LINE)
    assert broken["checked"] >= 4 and broken["broken"] == [], broken
    overflowing = page.evaluate("""() => [...document.querySelectorAll("table.breakdown")].filter(t =>
        t.getBoundingClientRect().right > t.closest(".card").getBoundingClientRect().right - 1).map(t => t.dataset.breakdown)""")
    assert overflowing == []  # kept on one line, yet every table within its card
    screenshot(page, "admin-dashboard-1366")


def test_a_long_survey_title_leaves_the_department_column_readable(laptop):
    """A long title once squeezed 被评价单位 to one character per line in the survey list."""
    page = laptop
    page.goto(f"{page.server.url}/admin/")
    for row in page.locator("main table tbody tr").all():
        department = row.locator("td").nth(2)
        assert department.inner_text() == "伊宁市医疗保障局"
        font = float(department.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        line = float(department.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert department.evaluate("e => e.getBoundingClientRect().width") >= 8 * font  # 8 characters wide
        assert department.evaluate("e => e.getBoundingClientRect().height") <= 2 * line + 12  # at most 2 lines
    for header in page.locator("main table thead th").all():  # 编号, 回收: short, never one character a line
        assert header.evaluate("e => e.getBoundingClientRect().height") <= line + 12, header.inner_text()
    screenshot(page, "admin-survey-list-1366")


def test_the_points_page_saves_what_was_typed_in_every_row_with_one_button(laptop):
    page = laptop
    survey_id = page.server.prepared["survey_id"]
    page.goto(f"{page.server.url}/admin/surveys/{survey_id}/points")
    served = page.locator("#points input[name$='-served']")
    assert served.count() == 2 and page.locator("#points button[type=submit]").count() == 1
    served.nth(0).fill("100")
    served.nth(1).fill("-5")
    page.click("#points button:has-text('保存')")
    assert "办件量不能为负数" in page.inner_text("#points") and served.nth(0).input_value() == "100"
    screenshot(page, "admin-points-refused")
    served.nth(1).fill("80")
    page.click("#points button:has-text('保存')")
    assert "已保存：业务大厅 办件量 — → 100；1号窗口 办件量 — → 80。" in page.inner_text("main")
    assert [served.nth(i).input_value() for i in range(2)] == ["100", "80"]
    screenshot(page, "admin-points-saved")


def test_the_review_page_heads_answer_columns_by_the_forms_number_on_one_line(laptop):
    """The review page's answer columns once read q1…q5 (question 3…7 of the paper form); now 第 N 题 on one
    line with the short heading under it, and the table still fits the laptop's width."""
    page = laptop
    page.goto(f"{page.server.url}/admin/surveys/{page.server.prepared['survey_id']}/responses")
    heads = page.evaluate("""() => [...document.querySelectorAll("table.responses th.ans")].map(th => {
      const range = document.createRange();
      range.selectNodeContents(th.firstChild);  // the text node '第 7 题' before the <br>
      return [th.firstChild.textContent, range.getClientRects().length];
    })""")
    assert heads == [[f"第 {n} 题", 1] for n in range(1, 8)], heads
    table, main = page.evaluate("""() => [document.querySelector("table.responses").getBoundingClientRect().right,
                                          document.querySelector("main").getBoundingClientRect().right]""")
    assert table <= main
    screenshot(page, "admin-review-1366")


def test_on_a_phone_wide_tables_scroll_in_place_and_the_page_keeps_the_screens_width(phone):
    """At 390 px the survey list, the dashboard and the review table once made the whole page 600–1100 px wide,
    the header and the buttons sliding off with every sideways swipe: a wide table now scrolls within itself."""
    page, survey = phone, phone.server.prepared["survey_id"]
    for path in ("/admin/", f"/admin/surveys/{survey}", f"/admin/surveys/{survey}/points",
                 f"/admin/surveys/{survey}/responses"):
        page.goto(f"{page.server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert page.eval_on_selector("table.responses", "t => t.scrollWidth > t.clientWidth")  # its columns all there
    screenshot(page, "admin-review-390")


def test_another_question_can_be_added_to_the_breakdowns_twice_and_taken_away(laptop):
    """另按题目分组 was one menu: a second question chosen replaced the first, so only a hand-made URL reached two."""
    page = laptop
    page.goto(f"{page.server.url}/admin/surveys/{page.server.prepared['survey_id']}")
    tables = "() => [...document.querySelectorAll('table.breakdown')].map(t => t.dataset.breakdown)"
    before = page.evaluate(tables)
    for qid in ("q3", "q4"):
        page.select_option("#breakdowns select[name=by]", qid)
        with page.expect_navigation():  # the GET form's new page, before reading or changing it
            page.click("#breakdowns button:has-text('重新分析')")
    added = [t for t in page.evaluate(tables) if t not in before and "×" not in t]  # beside point × q3, point × q4
    assert added == ["q3", "q4"], page.evaluate(tables)
    page.uncheck("#breakdowns input[type=checkbox][value=q3]")
    with page.expect_navigation():
        page.click("#breakdowns button:has-text('重新分析')")
    assert [t for t in page.evaluate(tables) if t not in before and "×" not in t] == ["q4"]
