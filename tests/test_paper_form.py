"""纸质问卷 (docx-paper): the survey's questionnaire as a Word form to print for those who do not scan: every
question numbered as the phone form numbers it, a box before every option, the survey's points to tick and a
问卷编号 line, in 四号 type; read back from the real DOCX, for a questionnaire with single, multiple and text questions."""
import io

import docx
import pytest
from docx.shared import Pt

from survey_app import questionnaires
from tests.reports_helpers import download


def _form(client, survey_id):
    response = download(client, survey_id, "docx-paper")
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "纸质问卷" in response.headers["Content-Disposition"] or "%E7%BA%B8" in response.headers["Content-Disposition"]
    return docx.Document(io.BytesIO(response.get_data()))


@pytest.fixture
def nanchang(app, database, evaluator, yining):
    """A survey of a questionnaire with multiple-choice and free-text questions, granted to the evaluator."""
    q = questionnaires.catalogue(app).get("nanchang-window", 2)
    survey_id = database.create_survey(questionnaire_id=q.id, questionnaire_version=2, questionnaire_digest=q.digest,
                                       title="南昌窗口满意度调查", department="南昌市行政审批局", year=2024,
                                       evaluator_org="某评价机构", target=95.0, target_n=50)
    for name in ("一楼综合窗口", "二楼不动产窗口"):
        database.add_point(survey_id, name)
    database.grant(evaluator, survey_id)
    return survey_id, q


def test_the_paper_form_asks_every_question_with_a_box_before_every_option(admin_client, nanchang):
    survey_id, q = nanchang
    form = _form(admin_client, survey_id)
    lines = [p.text for p in form.paragraphs]
    text = "\n".join(lines)
    assert lines[0] == str(q.title) and "采集点（请勾选）：□ 一楼综合窗口    □ 二楼不动产窗口" in lines
    assert any(len(line.split("    ")) == 1 and line.startswith("□ ") for line in lines)  # a long scale: one a line
    assert any(line.startswith("问卷编号：") for line in lines)
    kinds = set()
    for number, question in enumerate(q.questions, 1):
        asked = next(i for i, line in enumerate(lines) if line.startswith(f"{number}. {question.text}"))
        following = lines[asked + 1]
        if question.options:  # whole options, on one line when they fit, else one a line
            boxes = [line for line in lines[asked + 1:asked + 1 + len(question.options)] if line.startswith("□")]
            assert [o for line in boxes for o in line.split("    ")] == [f"□ {o.code}. {o.label}" for o in question.options]
            assert len(boxes) in (1, len(question.options)), boxes
        else:
            assert set(following) == {"_"}, following  # lines to write on
        if question.type == "multiple" and "多选" not in str(question.text):
            assert lines[asked].endswith("（可多选）")
        kinds.add(question.type)
    assert {"single", "multiple", "text"} <= kinds  # the questionnaire tests every kind
    assert str(q.closing) in text
    sizes = {run.font.size for p in form.paragraphs[1:] for run in p.runs if run.text.strip() and p.style.name == "Normal"}
    assert sizes == {Pt(14)}  # 四号 throughout the form


def test_the_paper_form_is_among_the_downloads_and_needs_no_answers(admin_client, yining):
    survey_id = yining[0]
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert f"/admin/surveys/{survey_id}/export/docx-paper" in page and "纸质问卷 DOCX" in page
    lines = [p.text for p in _form(admin_client, survey_id).paragraphs]  # an empty survey: the form all the same
    assert "采集点（请勾选）：□ 业务大厅    □ 1号窗口" in lines


def test_the_command_line_writes_the_same_form(runner, yining, tmp_path):
    out = tmp_path / "纸质问卷.docx"
    done = runner.invoke(args=["export", str(yining[0]), "--format", "docx-paper", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert any(p.text.startswith("7. ") for p in docx.Document(str(out)).paragraphs)
