"""录入纸质问卷 (admin/paper.py, store/paper.py): an evaluator enters the paper forms handed out at a point, by the
问卷编号 on each; one number is stored once; an incomplete form is stored and excluded; every entry is chained and
audited; the dashboard and the rates count paper apart from scanned answers. On both databases."""
import pytest

from survey_app import fieldwork, results
from survey_app.store import Audit, BadPaperNumber, number_of, paper_key, paper_number
from tests.admin_helpers import EVALUATOR, csrf, login
from tests.helpers import YINING_ANSWERS


def _page(survey_id: int) -> str:
    return f"/admin/surveys/{survey_id}/paper"


def _enter(client, survey_id: int, number, point_id, answers=None, **kwargs):
    token = csrf(client.get(_page(survey_id)).get_data(as_text=True))
    data = {"csrf_token": token, "number": number, "point": str(point_id),
            **(YINING_ANSWERS if answers is None else answers)}
    return client.post(_page(survey_id), data=data, **kwargs)


def _point_ids(database, survey_id):
    return [p["id"] for p in database.list_points(survey_id)]


def test_a_paper_form_is_stored_as_paper_chained_audited_and_counted(admin_client, database, yining):
    survey_id, _ = yining
    hall, window = _point_ids(database, survey_id)
    page = admin_client.get(_page(survey_id)).get_data(as_text=True)
    assert "录入纸质问卷" in page and "业务大厅" in page and 'name="q5"' in page

    reply = _enter(admin_client, survey_id, "００７", window, follow_redirects=True)  # full-width, leading zeros
    text = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "第 7 号纸质问卷已录入（采集点：1号窗口，本项目第 1 份）" in text
    [row] = database.query("select * from responses where survey_id = ?", [survey_id])
    assert (row["channel"], row["point_id"], row["status"], number_of(row["submission_key"])) == ("纸质", window, "valid", "7")
    assert row["seconds_on_page"] is None and row["device_hash"] is None
    assert sorted(database.get_response(row["id"])["answers"]) == sorted(YINING_ANSWERS.items())
    [line] = [e for e in database.audit_entries(survey_id) if e["action"] == "paper"]
    assert (line["user"], line["response_id"], line["detail"]) == (EVALUATOR, row["id"], "第 7 号纸质问卷")
    assert database.verify().ok

    r = results.counts(database, survey_id)
    assert (r.returned, r.valid) == (1, 1)
    point = {p.id: p for p in fieldwork.fieldwork(database, survey_id, database.point_counts(survey_id)).points}
    assert (point[window].paper, point[window].scanned, point[hall].paper) == (1, 0, 0)
    dashboard = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "扫码提交 0 份，纸质录入 1 份" in dashboard and "已录入 1 份" in dashboard


def test_one_number_is_stored_once(admin_client, database, yining):
    survey_id, _ = yining
    hall, _window = _point_ids(database, survey_id)
    assert _enter(admin_client, survey_id, "12", hall).status_code == 302
    again = _enter(admin_client, survey_id, "012", hall, follow_redirects=True)  # a double click, or typed twice
    assert "第 12 号纸质问卷此前已录入，内容相同，未重复保存" in again.get_data(as_text=True)
    other = _enter(admin_client, survey_id, "12", hall, {**YINING_ANSWERS, "q5": "E"})  # another form, same number
    assert other.status_code == 409
    text = other.get_data(as_text=True)
    assert "第 12 号纸质问卷此前已录入（答案与本次不同），本次未保存" in text
    assert 'value="E" checked' in text  # the answers typed are kept: correct the number and save again
    assert database.response_count(survey_id) == 1
    assert _enter(admin_client, survey_id, "13", hall, {**YINING_ANSWERS, "q5": "E"}).status_code == 302
    assert database.response_count(survey_id) == 2 and database.verify().ok


def test_one_number_at_another_point_is_not_called_the_same_form(admin_client, database, yining):
    survey_id, _ = yining
    hall, window = _point_ids(database, survey_id)
    assert _enter(admin_client, survey_id, "12", hall).status_code == 302
    other = _enter(admin_client, survey_id, "12", window)  # same ticks, but handed out at another point
    text = other.get_data(as_text=True)
    assert other.status_code == 409 and "内容相同" not in text
    assert "第 12 号纸质问卷此前已录入（采集点与本次不同：录入为业务大厅），本次未保存" in text
    both = _enter(admin_client, survey_id, "12", window, {**YINING_ANSWERS, "q5": "E"}).get_data(as_text=True)
    assert "第 12 号纸质问卷此前已录入（采集点、答案与本次不同：录入为业务大厅），本次未保存" in both
    [row] = database.query("select point_id from responses where survey_id = ?", [survey_id])
    assert row["point_id"] == hall


def test_two_evaluators_entering_one_number_at_once_store_it_once(app, admin_client, database, yining):
    from survey_app.admin.auth import hash_password
    from tests.helpers import at_once

    survey_id, _ = yining
    hall, window = _point_ids(database, survey_id)
    database.grant(database.create_user("li", hash_password("li-password-1234567")), survey_id)
    other = app.test_client()
    assert login(other, "li", "li-password-1234567").status_code == 302
    clients = [admin_client, other] * 3
    tokens = [csrf(c.get(_page(survey_id)).get_data(as_text=True)) for c in clients]

    def enter(i, number, point):
        return clients[i].post(_page(survey_id), data={"csrf_token": tokens[i], "number": number,
                                                       "point": str(point), **YINING_ANSWERS}).status_code
    assert at_once(6, lambda i: enter(i, "77", hall)) == [302] * 6  # the same form: stored once, the rest told so
    statuses = at_once(6, lambda i: enter(i, "78", hall if i == 0 else window))  # one typed at the wrong point
    assert database.response_count(survey_id) == 2 and database.verify().ok
    [point] = database.query("select point_id from responses where submission_key = ?", [paper_key(survey_id, "78")])
    assert statuses.count(302) == (1 if point["point_id"] == hall else 5)  # the others: 409, the point differs
    assert sorted(e["detail"] for e in database.audit_entries(survey_id) if e["action"] == "paper") == [
        "第 77 号纸质问卷", "第 78 号纸质问卷"]


def test_the_page_lists_the_last_forms_entered_newest_first(admin_client, database, yining):
    import re

    survey_id, _ = yining
    hall, window = _point_ids(database, survey_id)
    for number in range(1, 8):
        answers = {**YINING_ANSWERS, "q5": ""} if number == 6 else None
        assert _enter(admin_client, survey_id, str(number), window if number == 7 else hall, answers).status_code == 302
    page = admin_client.get(_page(survey_id)).get_data(as_text=True)
    recent = page.split('id="recent"')[1].split("</table>")[0]
    rows = [re.sub(r"<[^>]+>", "|", row) for row in recent.split("<tr>")[2:]]
    assert [re.search(r"\|(\w+)\|", row).group(1) for row in rows] == ["7", "6", "5", "4", "3"]
    assert "1号窗口" in rows[0] and EVALUATOR in rows[0] and "有效" in rows[0]
    assert "已剔除（纸质问卷漏答必答题：第 7 题）" in rows[1]
    assert "最近录入的 5 份" in page


def test_an_incomplete_form_is_returned_not_valid(admin_client, database, yining):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    answers = {**YINING_ANSWERS, "q2": "", "q4": ""}  # 未作答 on two required questions
    reply = _enter(admin_client, survey_id, "A-3", hall, answers, follow_redirects=True)
    assert "第 A-3 号纸质问卷已录入" in reply.get_data(as_text=True)
    assert "因漏答必答题（第 4 题、第 6 题）按无效问卷剔除" in reply.get_data(as_text=True)
    [row] = database.query("select * from responses where survey_id = ?", [survey_id])
    assert row["status"] == "excluded" and row["exclude_reason"] == "纸质问卷漏答必答题：第 4 题、第 6 题"
    r = results.counts(database, survey_id)
    assert (r.returned, r.valid, r.excluded) == (1, 0, 1)
    assert [e["action"] for e in database.audit_entries(survey_id)][-2:] == ["paper", "exclude"]
    assert database.verify().ok


@pytest.mark.parametrize("number, point, answers, message", [
    ("", None, None, "请填写问卷编号"),
    ("12 号", None, None, "问卷编号应为 1–20 位数字、字母或连字符"),
    ("1" * 21, None, None, "问卷编号应为 1–20 位数字、字母或连字符"),
    ("5", "", None, "请选择这份问卷发放的采集点"),
    ("5", "999999", None, "请选择这份问卷发放的采集点"),
    ("5", None, {**YINING_ANSWERS, "q1": "Z"}, "所填内容有误"),
    ("5", None, {"q1": ""}, "一题也没有录入"),
])
def test_bad_entries_store_nothing_and_say_why(admin_client, database, yining, number, point, answers, message):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    reply = _enter(admin_client, survey_id, number, hall if point is None else point, answers)
    assert reply.status_code == 400 and message in reply.get_data(as_text=True)
    assert database.response_count(survey_id) == 0


def test_only_evaluators_granted_the_survey_enter_paper(client, database, yining):
    survey_id, _ = yining
    assert client.get(_page(survey_id)).status_code == 302  # to the login page
    assert client.post(_page(survey_id), data={"number": "1"}).status_code in (302, 400)
    assert database.response_count(survey_id) == 0


def test_paper_answers_take_no_speeder_device_or_burst_flag(admin_client, database, yining):
    import time

    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    minute = int(time.time() // 60)  # citizens' submits at the point came in a burst around the entries
    for m in range(minute - 1, minute + 3):
        database.execute("insert into point_pace (point_id, minute, n) values (?, ?, 500)", [hall, m])
    for number in range(1, 4):
        assert _enter(admin_client, survey_id, str(number), hall).status_code == 302
    counts = database.flag_counts(survey_id, threshold=10**6, burst=0, scale_qids=[])
    assert counts["speeder"] == counts["device"] == counts["burst"] == 0


def test_a_deleted_survey_takes_no_paper_form(admin_client, database, yining):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    database.update_survey(survey_id, status="archived", audit=Audit(EVALUATOR, "archived"))
    reply = _enter(admin_client, survey_id, "1", hall, follow_redirects=True)
    assert "此项目已删除，未作任何修改" in reply.get_data(as_text=True)
    assert database.response_count(survey_id) == 0
    page = admin_client.get(_page(survey_id)).get_data(as_text=True)  # no form to fill in only to be refused
    assert 'class="card paper"' not in page and "此项目已删除，不能录入纸质问卷" in page


def test_paper_numbers_read_as_the_clerk_wrote_them():
    assert [paper_number(t) for t in ("7", "007", "０１２", " a-12 ", "B7")] == ["7", "7", "12", "A-12", "B7"]
    for bad in ("", "-1", "12号", "1 2", "x" * 21, None):
        with pytest.raises(BadPaperNumber):
            paper_number(bad)


def test_the_review_page_and_every_raw_download_name_the_paper_form(admin_client, database, yining, tmp_path):
    import csv
    import io

    import pyreadstat

    survey_id, codes = yining
    hall, _ = _point_ids(database, survey_id)
    assert _enter(admin_client, survey_id, "B-9", hall, {**YINING_ANSWERS, "q3": ""}).status_code == 302
    page = admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)
    assert "纸质 B-9 号" in page and "录入纸质问卷" in page  # the row, and the audit line's action
    reply = admin_client.get(f"/admin/surveys/{survey_id}/export/csv?include_excluded=1", buffered=True)
    [row] = list(csv.DictReader(io.StringIO(reply.get_data().decode("utf-8-sig"))))
    assert (row["来源"], row["纸质问卷编号"], row["状态"]) == ("纸质", "B-9", "已剔除")
    sav = tmp_path / "paper.sav"
    sav.write_bytes(admin_client.get(f"/admin/surveys/{survey_id}/export/sav?include_excluded=1", buffered=True).get_data())
    df, meta = pyreadstat.read_sav(str(sav))
    assert df["paper_number"].tolist() == ["B-9"] and meta.variable_value_labels["channel"][df["channel"][0]] == "纸质"


def test_the_annex_the_working_paper_and_the_workbook_say_what_came_on_paper(app, admin_client, database, yining):
    import io

    import docx
    import openpyxl

    from tests.helpers import fill
    from tests.reports_helpers import download

    survey_id, codes = yining
    hall, window = _point_ids(database, survey_id)
    citizen = app.test_client()
    assert citizen.post(f"/s/{codes[0]}", data=fill(citizen.get(f"/s/{codes[0]}").get_data(as_text=True))).status_code == 303
    assert _enter(admin_client, survey_id, "1", hall).status_code == 302
    assert _enter(admin_client, survey_id, "2", window, {**YINING_ANSWERS, "q1": ""}).status_code == 302  # incomplete
    database.set_point_fieldwork(hall, issued=3, served=None, actor=EVALUATOR)
    database.set_point_fieldwork(window, issued=1, served=None, actor=EVALUATOR)  # each point's own forms
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex").get_data())).paragraphs)
    assert "由评价人员按问卷编号逐份录入系统" in annex and "其中纸质问卷 2 份" in annex
    assert "扫码提交 1 份" in annex and "另发放纸质问卷 4 份，收回并录入纸质问卷 2 份（纸质回收率 50.0%），合计回收 3 份" in annex
    assert "漏答必答题的纸质问卷计入回收，按无效问卷剔除" in annex
    assert "纸质问卷没有答题用时和手机信息，不作用时过短、同一设备重复和异常集中提交标记" in annex  # 系统标记 read aright
    assert "扫码答卷和纸质问卷均由受访者自愿作答，属于方便抽样" in annex  # paper is no probability sample either
    assert "更愿意扫码作答" not in annex and "更愿意作答" in annex
    paper = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-c51").get_data())).paragraphs)
    cells = "\n".join(c.text for t in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-c51").get_data())).tables
                      for row in t.rows for c in row.cells)
    assert "纸质问卷录入 2 份" in paper + cells
    book = openpyxl.load_workbook(io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))
    rows = {r[0]: r[1] for r in book.worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert rows["纸质问卷录入（份）"] == 2 and rows["纸质回收率（录入÷发放）"] == 0.5 and rows["回收（份）"] == 3
    dashboard = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "纸质回收率" in dashboard and "扫码提交 1 份，纸质录入 2 份" in dashboard


def test_no_paper_return_rate_over_a_part_of_the_forms_handed_out(admin_client, database, yining):
    import io

    import docx
    import openpyxl

    from tests.reports_helpers import download

    survey_id, _ = yining
    hall, window = _point_ids(database, survey_id)
    for number, point in (("1", hall), ("2", window), ("3", window), ("4", window)):
        assert _enter(admin_client, survey_id, number, point).status_code == 302
    database.set_point_fieldwork(hall, issued=2, served=None, actor=EVALUATOR)  # the window's 发放 not entered
    total = fieldwork.fieldwork(database, survey_id, database.point_counts(survey_id)).total
    assert total.paper == 4 and total.paper_rate_pct is None  # not 4 ÷ 2 = 200 %
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex").get_data())).paragraphs)
    assert "纸质回收率" not in annex and "问卷调研中，收回并录入纸质问卷 4 份，有效问卷 4 份" in annex  # paper only
    book = openpyxl.load_workbook(io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))
    rows = {r[0]: r[1] for r in book.worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert rows["纸质问卷录入（份）"] == 4 and rows["纸质回收率（录入÷发放）"] in (None, "—")
    dashboard = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "填写发放份数后显示纸质回收率" in dashboard and "（尚未填写：1号窗口）" in dashboard
    database.set_point_fieldwork(window, issued=5, served=None, actor=EVALUATOR)
    total = fieldwork.fieldwork(database, survey_id, database.point_counts(survey_id)).total
    assert (total.issued, total.paper_rate_pct) == (7, 100.0 * 4 / 7)


def test_more_forms_entered_than_handed_out_gives_no_paper_return_rate(admin_client, database, yining):
    import io

    import docx

    from tests.reports_helpers import download

    survey_id, _ = yining
    hall, window = _point_ids(database, survey_id)
    for number in ("1", "2", "3"):
        assert _enter(admin_client, survey_id, number, hall).status_code == 302
    database.set_point_fieldwork(hall, issued=2, served=None, actor=EVALUATOR)  # a typo: 3 forms came back
    database.set_point_fieldwork(window, issued=10, served=None, actor=EVALUATOR)
    field = fieldwork.fieldwork(database, survey_id, database.point_counts(survey_id))
    point = {p.id: p for p in field.points}
    assert point[hall].paper_rate_pct is None and field.total.paper_rate_pct is None  # not 150 %, nor 3 ÷ 12
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex").get_data())).paragraphs)
    assert "纸质回收率" not in annex
    dashboard = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert "纸质录入份数多于发放份数，请核对发放份数：业务大厅" in dashboard


def test_the_survey_dates_say_a_paper_form_is_dated_by_its_entry(app, admin_client, database, yining):
    import io

    import docx
    import openpyxl

    from tests.helpers import fill
    from tests.reports_helpers import download

    survey_id, codes = yining
    hall, _ = _point_ids(database, survey_id)

    def texts():
        annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex").get_data())).paragraphs)
        c51 = docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-c51").get_data()))
        cells = "\n".join(c.text for t in c51.tables for row in t.rows for c in row.cells)
        book = openpyxl.load_workbook(io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))
        labels = "\n".join(str(r[0]) for r in book.worksheets[0].iter_rows(values_only=True) if r and r[0])
        return annex, cells, labels
    citizen = app.test_client()
    assert citizen.post(f"/s/{codes[0]}", data=fill(citizen.get(f"/s/{codes[0]}").get_data(as_text=True))).status_code == 303
    annex, cells, labels = texts()
    assert "有效问卷均提交于" in annex and "录入" not in annex.split("有效问卷均提交于")[1].split("。")[0]
    assert _enter(admin_client, survey_id, "1", hall).status_code == 302
    annex, cells, labels = texts()
    for text in (annex, cells):
        assert "（纸质问卷按录入系统的日期计）" in text.split("有效问卷均提交于")[1].split("。")[0]
    assert "调查结束日期（末份有效问卷，纸质问卷按录入日期）" in labels
    daily = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True).split('id="daily"')[1].split("</section>")[0]
    assert "纸质问卷按录入系统的日期计" in daily


def test_the_codebook_says_what_a_paper_forms_time_and_seconds_are(admin_client, yining):
    import csv
    import io

    from tests.reports_helpers import download

    survey_id, _ = yining
    labels = list(csv.reader(io.StringIO(download(admin_client, survey_id, "labels").get_data().decode("utf-8-sig"))))
    meaning = {row[0]: row[2] for row in labels if not row[1]}
    assert "纸质问卷为录入系统的时间" in meaning["提交时间"] and "纸质问卷无" in meaning["答题用时（秒）"]


@pytest.mark.parametrize("change", ["update responses set channel = '扫码'",  # passed off as a citizen's own
                                    "update responses set submission_key = 'paper:1:99'"])  # its number changed
def test_verify_names_a_paper_answer_changed_in_the_database(admin_client, database, yining, change):
    survey_id, _ = yining
    hall, _ = _point_ids(database, survey_id)
    assert _enter(admin_client, survey_id, "5", hall).status_code == 302
    assert database.verify().ok
    database.execute(change)
    assert not database.verify().ok


@pytest.mark.sqlite_only  # copy-db from the SQLite file to a PostgreSQL database of the throwaway cluster
def test_copy_db_moves_paper_answers_with_their_number_and_chain(pg, admin_client, database, yining, app):
    from tests.helpers import copied_to_postgresql

    survey_id, _ = yining
    hall, window = _point_ids(database, survey_id)
    assert _enter(admin_client, survey_id, "21", hall).status_code == 302
    assert _enter(admin_client, survey_id, "22", window, {**YINING_ANSWERS, "q3": ""}).status_code == 302
    with copied_to_postgresql(pg, database, app.config["DATABASE"], "paper_moved") as copy:
        assert copy.paper_counts(survey_id) == {hall: 1, window: 1} and copy.verify().ok
        assert [r["paper_number"] for r in copy.stream_responses(survey_id)] == ["21", "22"]


def test_a_survey_answered_on_paper_only_is_described_as_a_paper_survey(admin_client, database, yining):
    import io

    import docx

    from tests.reports_helpers import download

    survey_id, _ = yining
    hall, window = _point_ids(database, survey_id)
    for number, point in (("1", hall), ("2", window), ("3", window)):
        assert _enter(admin_client, survey_id, number, point).status_code == 302
    database.set_point_fieldwork(hall, issued=2, served=None, actor=EVALUATOR)
    database.set_point_fieldwork(window, issued=4, served=None, actor=EVALUATOR)
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex").get_data())).paragraphs)
    for said in ("开展纸质问卷调查：在业务大厅、1号窗口发放纸质问卷", "向前来办事的群众发放纸质问卷，由其自愿填写",
                 "纸质问卷由受访者自愿作答", "问卷以纸质形式发放与回收", "项目组在业务大厅、1号窗口发放纸质问卷",
                 "问卷调研中，发放纸质问卷 6 份，收回并录入纸质问卷 3 份（纸质回收率 50.0%），有效问卷 3 份"):
        assert said in annex, said
    for unsaid in ("二维码", "扫码"):
        assert unsaid not in annex.split("五、")[0], unsaid  # before the questionnaire printed at the end
    paper = docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-c51").get_data()))
    cells = "\n".join(c.text for t in paper.tables for row in t.rows for c in row.cells)
    assert "（纸质问卷录入 3 份，采集点为" in cells and "扫码在线填写" not in cells
