"""录入纸质问卷 in Debian's Chromium against a real gunicorn, as an evaluator types in a stack of paper forms: the
point stays chosen from one form to the next, 未作答 clears a mistaken tick, every form is stored once."""
import pytest

from tests.browser import MARKS, chromium, evaluator_yining, logged_in  # noqa: F401 (chromium: a fixture)

pytestmark = MARKS


@pytest.fixture
def server(live_server_factory):
    return live_server_factory(lambda conn: evaluator_yining(conn, "paper"))


def test_an_evaluator_enters_a_stack_of_paper_forms(chromium, server):
    page = logged_in(chromium, server)
    context = page.context
    survey = f"/admin/surveys/{server.prepared['survey_id']}"
    page.goto(server.url + survey)
    page.click("text=录入纸质问卷")
    assert page.url.endswith(f"{survey}/paper")
    before = int(page.inner_text("#entered"))
    page.select_option("#point", label="1号窗口")
    for number in ("101", "102"):
        page.fill("#number", number)
        for question, option in (("age", "B"), ("gender", "A"), ("q1", "A"), ("q2", "B"), ("q3", "A"), ("q4", "C"), ("q5", "E")):
            page.check(f"input[name={question}][value={option}]")
        page.check("input[name=q5][value='']")  # a tick entered by mistake, cleared: the form left q5 blank
        page.click("form.paper button[type=submit]")
        assert f"第 {number} 号纸质问卷已录入" in page.inner_text(".flash")
        assert "漏答必答题（第 7 题）" in page.inner_text(".flash")
        assert page.input_value("#point") == page.eval_on_selector("#point option:checked", "o => o.value")
        assert page.eval_on_selector("#point option:checked", "o => o.textContent") == "1号窗口"  # kept for the next
        assert page.input_value("#number") == ""  # a blank form for the next one
    page.fill("#number", "101")  # the first one typed again
    for question, option in (("age", "B"), ("gender", "A"), ("q1", "A"), ("q2", "B"), ("q3", "A"), ("q4", "C")):
        page.check(f"input[name={question}][value={option}]")
    page.click("form.paper button[type=submit]")
    assert "第 101 号纸质问卷此前已录入，内容相同，未重复保存" in page.inner_text(".flash")
    assert int(page.inner_text("#entered")) == before + 2
    assert page.eval_on_selector_all("#recent tbody tr td:first-child", "cells => cells.map(c => c.textContent)") == [
        "102", "101"]  # where the clerk is in the stack
    context.close()
    conn = server.connect()
    try:
        rows = conn.query("select channel, status, exclude_reason from responses where channel = '纸质'")
    finally:
        conn.close()
    assert rows == [{"channel": "纸质", "status": "excluded", "exclude_reason": "纸质问卷漏答必答题：第 7 题"}] * 2


def test_an_evaluator_downloads_the_table_types_in_excel_and_imports_it(chromium, server, tmp_path):
    import openpyxl

    page = logged_in(chromium, server, accept_downloads=True)
    context = page.context
    page.goto(f"{server.url}/admin/surveys/{server.prepared['survey_id']}/paper")
    with page.expect_download() as download:
        page.click("#import >> text=纸质问卷录入表 XLSX")
    path = tmp_path / "录入表.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)  # as a typist fills it in Excel
    book["录入"].append(["12", "1号窗口", "B", "A", "A", "B", "A", "C", "A"])
    book["录入"].append(["13", "业务大厅", "C", "B", "B", "B", "B", "B", "B"])
    book.save(path)
    page.set_input_files("input[name=table]", str(path))
    page.click("#import button[type=submit]")
    assert "“录入表.xlsx”共 2 份：2 份已导入" in page.inner_text(".flash")
    assert page.inner_text("#entered") == "2"
    context.close()
