"""Each printed share is its own count rounded, so a 频数表's 占比 column can add up to 99.9%: under exactly
those tables 附件3 prints "注：因四舍五入，合计可能不等于100%。", and under no other (as the dashboard and the
XLSX 汇总 sheet do, a multiple-choice table by 人次 included). Read back from the DOCX: the note is decided
from the shares the table itself prints, not from what the code meant to print."""
import io
from decimal import Decimal

import docx
import openpyxl
from docx.table import Table
from docx.text.paragraph import Paragraph

from analysis.tables import ROUNDING_NOTE
from survey_app import reports
from survey_app.questionnaires import catalogue

NOTE = "注：" + ROUNDING_NOTE
# three window customers: age A/B/C (33.3% each, 合计 99.9%), gender A/A/B (66.7% + 33.3% = 100.0%), business
# (multiple choice) A+B, C+D, E+F (16.7% of 6 人次 each, 合计 100.2%), attitude A/B/C (99.9%), overall A/A/B (100.0%)
ANSWERS = [
    {"age": "A", "gender": "A", "business": ["A", "B"], "attitude": "A", "overall": "A"},
    {"age": "B", "gender": "A", "business": ["C", "D"], "attitude": "B", "overall": "A"},
    {"age": "C", "gender": "B", "business": ["E", "F"], "attitude": "C", "overall": "B"},
]
SAME = {"efficiency": "A", "informing": "A", "waiting": "A", "channels": "B"}


def _survey(database, answers) -> int:
    survey_id = database.create_survey(questionnaire_id="nanchang-window", questionnaire_version=1, title="窗口服务")
    point = database.add_point(survey_id, "1号窗口")["id"]
    for i, given in enumerate(answers):
        pairs = [(qid, v) for qid, value in {**SAME, **given}.items()
                 for v in (value if isinstance(value, list) else [value])]
        database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key=f"k{i}",
                               answers=pairs, seconds_on_page=75, language="zh-CN", device_hash=None)
    return survey_id


def _download(app, survey_id, fmt) -> bytes:
    out = io.BytesIO()
    with reports.open_export(app.extensions["manyi.store"], survey_id, catalogue(app)) as export:
        reports.write(fmt, export, out)
    return out.getvalue()


def frequency_tables(document):
    """(caption, printed shares, 合计 share, the paragraph right under the table) of each 频数表, in order."""
    body = list(document.element.body.iterchildren())
    found = []
    for i, element in enumerate(body):
        if element.tag.endswith("}tbl"):
            rows = [[c.text for c in r.cells] for r in Table(element, document).rows]
            if rows[0][0] != "选项":
                continue  # the questionnaire print or another table
            caption = Paragraph(body[i - 1], document).text
            after = Paragraph(body[i + 1], document).text if body[i + 1].tag.endswith("}p") else ""
            shares = [Decimal(r[2].rstrip("%")) for r in rows[1:-1]]
            found.append((caption, shares, rows[-1][2], after))
    return found


def test_the_note_is_under_every_table_whose_shares_do_not_add_up_and_under_no_other(app, database):
    survey_id = _survey(database, ANSWERS)
    tables = frequency_tables(docx.Document(io.BytesIO(_download(app, survey_id, "docx-annex"))))
    assert len(tables) == 9  # every answered choice question: payout (optional) has no answer, suggestion is text
    noted = []
    for caption, shares, total, after in tables:
        assert total == f"{sum(shares)}%"  # the 合计 row prints the sum of the printed shares
        assert (after == NOTE) == (sum(shares) != 100), (caption, shares, after)
        if after == NOTE:
            noted.append(caption.split(" ", 1)[1])
    assert noted == ["受访者年龄频数分布（问卷第 1 题）", "受访者办理业务类型频数分布（问卷第 3 题）",
                     "服务态度频数分布（问卷第 5 题）"], noted  # a multiple-choice one (by 人次) too
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(_download(app, survey_id, "docx-annex"))).paragraphs)
    assert text.count(ROUNDING_NOTE) == 3  # said under the table, not again in the item's paragraph


def test_a_survey_whose_shares_all_add_up_prints_no_note(app, database):
    survey_id = _survey(database, [ANSWERS[0], ANSWERS[0]])  # two identical answers: 100.0% or 50.0% + 50.0%
    tables = frequency_tables(docx.Document(io.BytesIO(_download(app, survey_id, "docx-annex"))))
    assert tables and all(sum(shares) == 100 and after != NOTE for _, shares, _, after in tables)


def test_the_xlsx_and_the_dashboard_note_the_same_tables_as_the_annex(app, database, evaluator, admin_client):
    survey_id = _survey(database, ANSWERS)
    rows = list(openpyxl.load_workbook(io.BytesIO(_download(app, survey_id, "xlsx")))["汇总"].iter_rows(values_only=True))
    noted, block = [], None
    for row, below in zip(rows, rows[1:]):
        if str(row[0]).startswith("第 "):  # 第 3 题（business）: a question's block
            block = row[0]
        elif row[0] == "合计" and below[0] == ROUNDING_NOTE:
            noted.append(block)
    assert noted == ["第 1 题（age）", "第 3 题（business）", "第 5 题（attitude）"]  # the multiple-choice one too
    database.grant(evaluator, survey_id)
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    tallies = page[page.index('id="tallies"'):]
    blocks = {qid: tallies[start:tallies.find('data-question="', start + 1)]
              for qid in ("age", "gender", "business", "attitude", "overall")
              for start in [tallies.index(f'data-question="{qid}"')]}
    assert [qid for qid, block in blocks.items() if ROUNDING_NOTE in block] == ["age", "business", "attitude"]
