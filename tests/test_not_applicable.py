"""Not-applicable options (issue 12, item 5): 未办理过报销 is tallied and shown, left out of the rate's and
the score's denominator, counted with the item non-response on the dashboard, in the XLSX, the annex and
the JSON, and written to SPSS as a user-missing value. nanchang-window v2's payout item has one."""
import io
import json
import os
import tempfile
from pathlib import Path

import docx
import openpyxl
import pyreadstat
import pytest

from survey_app import questionnaires
from survey_app.questionnaires.model import QuestionnaireError
from survey_app.questionnaires.parse import load
from tests.admin_helpers import login
from tests.reports_helpers import download, result_of
from tests.yining import submit_all


@pytest.fixture
def window(app, client, database, evaluator):
    """nanchang-window v2 with 10 answers: payout 6 × A, 1 × C, 2 × F (never claimed), 1 left blank."""
    survey_id = database.create_survey(questionnaire_id="nanchang-window", questionnaire_version=2, title="窗口")
    code = database.add_point(survey_id, "1号窗口")["code"]
    q = questionnaires.catalogue(app).get("nanchang-window", 2)
    base = {x.id: x.codes[0] for x in q.questions if x.options and x.required}
    payouts = ["A"] * 6 + ["C"] + ["F"] * 2 + [None]
    submit_all(client, code, [{**base, **({"payout": p} if p else {})} for p in payouts])
    database.grant(evaluator, survey_id)
    assert login(client).status_code == 302
    return survey_id


def test_an_na_answer_is_tallied_but_outside_the_denominators(app, database, window):
    payout = result_of(app, database, window).question("payout")
    assert [(row.code, row.count) for row in payout.table.rows] == [
        ("A", 6), ("B", 0), ("C", 1), ("D", 0), ("E", 0), ("F", 2)]
    assert (payout.n, payout.not_applicable, payout.unanswered) == (9, 2, 1)
    assert (payout.rate.satisfied_count, payout.rate.n) == (6, 7)     # 6 of 7, not 6 of 9
    assert payout.score.n == 7 and payout.score.score == pytest.approx((6 * 100 + 60) / 7)


def test_every_output_shows_the_na_and_blank_counts(app, database, client, window):
    page = client.get(f"/admin/surveys/{window}").get_data(as_text=True)
    assert "选择“不适用”类选项 2 人（不计入满意率和得分的分母）；未作答 1 人。" in page
    book = openpyxl.load_workbook(io.BytesIO(download(client, window, "xlsx").get_data()), read_only=True)
    rows = [row[:3] for row in book["汇总"].iter_rows(values_only=True)]
    assert ("不适用（不计入分母）", "", 2) in rows or ("不适用（不计入分母）", None, 2) in rows
    summary = json.loads(download(client, window, "json").get_data())
    payout = next(q for q in summary["questions"] if q["id"] == "payout")
    assert (payout["not_applicable"], payout["unanswered"]) == (2, 1)
    assert [o["not_applicable"] for o in payout["options"]] == [False] * 5 + [True]
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(client, window, "docx-annex").get_data())).paragraphs)
    assert "其中 2 人选择不适用类选项，不计入满意率和得分的计算。另有 1 份有效问卷未作答本题。" in annex
    q = questionnaires.catalogue(app).get("nanchang-window", 2).question("payout")
    na = str(q.option("F").label)
    assert f"2 人选择“{na}”" in annex and f"人表示对{q.label}{na}" not in annex  # not "表示对…未办理过报销"
    d, e = (str(q.option(c).label) for c in "DE")
    assert f"没有受访者表示对{q.label}{str(q.option('B').label)}、{d}或{e}。" in annex  # 、…或, the N/A left out
    assert "问卷调研中，" in annex and "（多选）（多选）" not in annex and "多选）（多选" not in annex
    assert "江西正效咨询管理有限公司制定的满意度调查问卷" in annex  # the questionnaire's own signature


def test_spss_marks_the_na_option_user_missing(client, window):
    data = download(client, window, "sav").get_data()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.sav")
        with open(path, "wb") as f:
            f.write(data)
        df, meta = pyreadstat.read_sav(path, user_missing=True)
    assert meta.missing_ranges["payout"] == [{"lo": 6.0, "hi": 6.0}]
    assert meta.variable_value_labels["payout"][6.0].startswith("F. 未办理过报销")
    # the score variable leaves 不适用 and the blank out (system-missing): its mean is the item's score
    assert df["payout_score"].count() == 7 and df["payout_score"].mean() == pytest.approx((6 * 100 + 60) / 7)


def test_all_answers_not_applicable_leave_no_headline(app, database, client, evaluator):
    survey_id = database.create_survey(questionnaire_id="nanchang-window", questionnaire_version=2, title="窗口")
    database.update_survey(survey_id, c51_figure=None)
    code = database.add_point(survey_id, "1号窗口")["code"]
    q = questionnaires.catalogue(app).get("nanchang-window", 2)
    base = {x.id: x.codes[0] for x in q.questions if x.options and x.required}
    submit_all(client, code, [{**base, "payout": "F"}] * 3)
    payout = result_of(app, database, survey_id).question("payout")
    assert payout.rate is None and payout.score is None and payout.not_applicable == 3


def test_a_questionnaire_cannot_score_an_na_option(tmp_path):
    text = (tmp_path / "q.toml")
    source = (Path(__file__).resolve().parents[1] / "questionnaires" / "nanchang-window-v2.toml").read_text(encoding="utf-8")
    text.write_text(source.replace('not_applicable = true', 'not_applicable = true, points = 0'), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="not-applicable option"):
        load(text)
