"""An awareness item is reported with 知晓率 and 知晓度得分, never with 满意率 or 满意度得分: on the
dashboard, in the XLSX workbook and in the 附件3 annex (the Haidong insured persons' questionnaire,
whose "awareness" item mirrors the indicator 医保重要政策知晓率)."""
import io

import docx
import openpyxl

from survey_app import questionnaires
from tests.admin_helpers import login
from tests.reports_helpers import download


def _haidong(app, database, evaluator):
    q = questionnaires.catalogue(app).get("haidong-insured", 1)
    survey_id = database.create_survey(questionnaire_id=q.id, questionnaire_version=q.version, title="平安区医保服务")
    point = database.add_point(survey_id, "大厅")
    for i, code in enumerate("AABBC" * 4):  # 20 responses; every chosen question gets the same code
        answers = sorted((x.id, code if code in x.codes else x.codes[0]) for x in q.questions if x.options)
        database.save_response(survey_id=survey_id, point_id=point["id"], questionnaire_version=q.version,
                         submission_key=f"k{i}", answers=answers, seconds_on_page=40, language="zh-CN",
                         device_hash=None)
    database.grant(evaluator, survey_id)
    return survey_id, q


def test_the_awareness_item_is_named_as_awareness_everywhere(app, client, database, evaluator):
    survey_id, q = _haidong(app, database, evaluator)
    assert q.question("awareness").role == "awareness"
    assert login(client).status_code == 302

    page = client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    block = page[page.index('data-question="awareness"'):page.index('data-question="settlement"')]
    assert "知晓度得分 " in block and "知晓率（前两项） 80.0%" in block
    assert "满意度得分" not in block and "满意率" not in block
    settle = page[page.index('data-question="settlement"'):]
    assert "满意度得分 " in settle and "满意率（前两项）" in settle

    wb = openpyxl.load_workbook(io.BytesIO(download(client, survey_id, "xlsx").get_data()))
    rows = [r for r in wb["汇总"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).endswith("（awareness）"))
    end = next(i for i, r in enumerate(rows) if i > start and r[0] and str(r[0]).startswith("第 "))
    labels = [r[0] for r in rows[start:end]]
    assert {"知晓率（知晓选项）", "知晓率（前两项）", "知晓率（前三项）", "知晓度得分"} <= set(labels)
    assert not any(str(x).startswith("满意") for x in labels)

    annex = docx.Document(io.BytesIO(download(client, survey_id, "docx-annex").get_data()))
    text = "\n".join(p.text for p in annex.paragraphs)
    assert "该题知晓度得分为" in text and "知晓率（“非常了解”与“比较了解”合计）" in text
