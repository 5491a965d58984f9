"""Free text typed by citizens: stored clean (no control characters, \\n line breaks), never read as a
formula by Excel, and never able to break a download."""
import csv
import io

import docx
import openpyxl
import pytest

from survey_app import questionnaires
from tests.admin_helpers import login
from tests.helpers import hidden_fields
from tests.reports_helpers import download

NASTY = '=HYPERLINK("http://evil.example","点此查看")\x0b\r\n第二行'


@pytest.fixture
def window(app, client, database, evaluator):
    """The Nanchang window survey with one answer whose suggestion is NASTY; the evaluator logged in."""
    survey_id = database.create_survey(questionnaire_id="nanchang-window", questionnaire_version=1, title="窗口")
    code = database.add_point(survey_id, "1号窗口")["code"]
    q = questionnaires.catalogue(app).get("nanchang-window", 1)
    answers = {x.id: x.codes[0] for x in q.questions if x.options and x.required}
    page = client.get(f"/s/{code}").get_data(as_text=True)
    assert client.post(f"/s/{code}", data={**hidden_fields(page), **answers, "suggestion": NASTY}).status_code == 303
    database.grant(evaluator, survey_id)
    assert login(client).status_code == 302
    return survey_id


def test_the_stored_text_has_no_control_characters(window, database):
    [value] = [a["value"] for a in database.query("select value from answers where question_id = 'suggestion'")]
    assert value == '=HYPERLINK("http://evil.example","点此查看")\n第二行'


def test_xlsx_and_csv_show_the_text_but_never_as_a_formula(client, window):
    book = openpyxl.load_workbook(io.BytesIO(download(client, window, "xlsx").get_data()))
    sheet = book["数据"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=next(i for i, h in enumerate(header, 1) if h.endswith("（suggestion）")))
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")
    rows = list(csv.reader(io.StringIO(download(client, window, "csv").get_data().decode("utf-8-sig"))))
    assert rows[1][rows[0].index(header[cell.column - 1])].startswith("'=HYPERLINK")  # the same header


def test_the_annex_lists_what_was_rated_not_the_suggestions_box_among_the_aspects(client, window):
    """二（二）调研内容 names the aspects citizens rated (办事效率…窗口服务总体情况); 意见建议 is a text box, no
    评价 of anything, so it is not one of them (四 still says how many suggestions came in)."""
    document = docx.Document(io.BytesIO(download(client, window, "docx-annex").get_data()))
    paragraphs = [p.text for p in document.paragraphs]
    content = paragraphs[paragraphs.index("（二）调研内容") + 1]
    assert "办事效率" in content and content.endswith("窗口服务总体情况等方面的评价。") and "意见建议" not in content
    assert "本题为文字题，1 份有效问卷填写了本题，原文见原始数据 CSV 和“数据与汇总”XLSX 文件“数据”工作表中的“第 11 题 意见建议（suggestion）”列。" in paragraphs


def test_a_text_answer_too_long_only_because_of_line_breaks_is_accepted(app, client, database):
    survey_id = database.create_survey(questionnaire_id="nanchang-window", questionnaire_version=1, title="窗口")
    code = database.add_point(survey_id, "大厅")["code"]
    q = questionnaires.catalogue(app).get("nanchang-window", 1)
    answers = {x.id: x.codes[0] for x in q.questions if x.options and x.required}
    text = "意见\r\n" * 100  # 300 characters in the browser's count (a line break is one), 400 as sent
    page = client.get(f"/s/{code}").get_data(as_text=True)
    assert client.post(f"/s/{code}", data={**hidden_fields(page), **answers, "suggestion": text}).status_code == 303


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_replacement_character_the_citizen_typed_is_kept(app, client, database, encoding):
    """U+FFFD (�) pasted from a garbled message is valid UTF-8: stored as typed, not refused as broken
    bytes (which a body with bytes that are not UTF-8 still is: tests/test_bad_input.py)."""
    survey_id = database.create_survey(questionnaire_id="nanchang-window", questionnaire_version=1, title="窗口")
    code = database.add_point(survey_id, "大厅")["code"]
    q = questionnaires.catalogue(app).get("nanchang-window", 1)
    answers = {x.id: x.codes[0] for x in q.questions if x.options and x.required}
    page = client.get(f"/s/{code}").get_data(as_text=True)
    body = {**hidden_fields(page), **answers, "suggestion": "收到的短信是\ufffd\ufffd乱码"}
    content_type = "multipart/form-data" if encoding == "multipart" else None
    assert client.post(f"/s/{code}", data=body, content_type=content_type).status_code == 303
    [value] = [a["value"] for a in database.query("select value from answers where question_id = 'suggestion'")]
    assert value == "收到的短信是\ufffd\ufffd乱码"


def test_the_annex_counts_the_text_answers_and_names_the_download_column_that_holds_them(app, client, database,
                                                                                        window):
    """四 does not reprint what citizens typed: it says how many valid questionnaires filled the box in, how many
    left it empty, and the exact column of the XLSX 数据 sheet (and the CSV) where the words are."""
    code = database.query("select code from points where survey_id = ?", [window])[0]["code"]
    q = questionnaires.catalogue(app).get("nanchang-window", 1)
    page = client.get(f"/s/{code}").get_data(as_text=True)
    answers = {x.id: x.codes[0] for x in q.questions if x.options and x.required}
    assert client.post(f"/s/{code}", data={**hidden_fields(page), **answers}).status_code == 303  # no suggestion
    paragraphs = [p.text for p in docx.Document(io.BytesIO(download(client, window, "docx-annex").get_data())).paragraphs]
    [said] = [p for p in paragraphs if p.startswith("本题为文字题")]
    assert said.startswith("本题为文字题，1 份有效问卷填写了本题（1 份未填写），原文见原始数据 CSV 和“数据与汇总”XLSX 文件“数据”工作表中的“")
    column = said.split("工作表中的“")[1].removesuffix("”列。")
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, window, "xlsx").get_data()))["数据"]
    header = [c.value for c in sheet[1]]
    assert column in header and sheet.cell(row=2, column=header.index(column) + 1).value.endswith("第二行")
    rows = list(csv.reader(io.StringIO(download(client, window, "csv").get_data().decode("utf-8-sig"))))
    assert column in rows[0]
