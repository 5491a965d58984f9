"""A questionnaire's texts can name the survey ({year}, {department}, {evaluator}: questionnaires/fill.py): one
file serves every year and department, and citizens read this survey's year, not the file's. A file written for
one year and chosen for another is pointed out to the evaluator."""
import io
from pathlib import Path

import docx
import pytest

from survey_app import questionnaires
from survey_app.questionnaires import Catalogue, QuestionnaireError, fill
from tests.test_admin import GOOD, NEW, create, text
from tests.helpers import YINING_ANSWERS
from tests.yining import submit_all

TEMPLATE = "healthcare-security-public@1"
SETTINGS = {"questionnaire": TEMPLATE, "department": "伊宁县医疗保障局", "year": "2025",
            "evaluator_org": "某某绩效评价咨询有限公司", "title": "", "opens_on": "", "closes_on": ""}


def survey_of(q, **settings) -> dict:
    return {"id": 1, "questionnaire_id": q.id, "questionnaire_version": q.version, "questionnaire_digest": q.digest,
            **settings}


def test_the_catalogue_fills_a_surveys_settings_into_every_text():
    catalogue = Catalogue("questionnaires")
    q = catalogue.get("healthcare-security-public", 1)
    assert q.placeholders == {"year", "department", "evaluator"}
    one = catalogue.for_survey(survey_of(q, year=2025, department="伊宁县医疗保障局", evaluator_org="某某公司"))
    assert str(one.title) == "2025 年伊宁县医疗保障局部门整体绩效评价满意度问卷调查"
    assert "2025 年伊宁县医疗保障局部门整体绩效" in str(one.invitation) and one.signature == "某某公司"
    assert str(one.question("q5").text) == "您对 2025 年度伊宁县医疗保障局整体工作的满意度如何？"
    assert one.question("q5").text.get("en").endswith("伊宁县医疗保障局 in 2025?")
    assert one.digest == q.digest  # the file's, as recorded on the survey
    assert catalogue.for_survey(survey_of(q, year=2025, department="伊宁县医疗保障局", evaluator_org="某某公司")) is one
    other = catalogue.for_survey(survey_of(q, year=2026, department="霍城县医疗保障局", evaluator_org="某某公司"))
    assert str(other.title) == "2026 年霍城县医疗保障局部门整体绩效评价满意度问卷调查"
    assert not any("{" in t for t in fill.texts(other))
    plain = catalogue.get("yining-2024-public", 1)  # no placeholders: the parsed file itself
    assert catalogue.for_survey(survey_of(plain, year=2030, department="x")) is plain


def test_an_unknown_placeholder_is_an_error_in_the_file(tmp_path):
    source = Path("questionnaires/healthcare-security-public.toml").read_text(encoding="utf-8")
    (tmp_path / "typo.toml").write_text(source.replace("{year} 年度", "{yaer} 年度"), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match=r"unknown placeholder \{yaer\}.*\{year\}, \{department\}, \{evaluator\}"):
        questionnaires.load(tmp_path / "typo.toml")
    (tmp_path / "braces.toml").write_text(source.replace('"您的性别："', '"您的性别 { 单选 }："'), encoding="utf-8")
    assert questionnaires.load(tmp_path / "braces.toml")  # braces that name nothing are text


def test_citizens_read_the_surveys_year_department_and_firm(app, admin_client, database):
    response = create(admin_client, **SETTINGS)
    assert response.status_code == 302
    survey_id = int(response.headers["Location"].rsplit("/", 1)[1])
    survey = database.get_survey(survey_id)
    assert survey["title"] == "2025 年伊宁县医疗保障局部门整体绩效评价满意度问卷调查"  # the default title, filled
    dashboard = text(admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))
    assert "注意：群众看到的问卷文字" not in dashboard and "问卷落款" not in dashboard  # {evaluator} is filled in
    code = database.add_point(survey_id, "大厅")["code"]
    database.update_survey(survey_id, status="open")
    form = admin_client.get(f"/s/{code}").get_data(as_text=True)
    assert "2025 年伊宁县医疗保障局部门整体绩效评价满意度问卷调查" in form
    assert "您对 2025 年度伊宁县医疗保障局整体工作的满意度如何？" in form and "某某绩效评价咨询有限公司" in form
    assert "{" + "year}" not in form and "2024" not in form and "伊宁市" not in form
    submit_all(admin_client, code, [YINING_ANSWERS])  # the filled copy keeps the file's digest: stored
    assert database.response_count(survey_id) == 1
    annex = admin_client.get(f"/admin/surveys/{survey_id}/export/docx-annex", buffered=True)
    words = "\n".join(p.text for p in docx.Document(io.BytesIO(annex.get_data())).paragraphs)
    assert "2025 年度伊宁县医疗保障局整体工作" in words and "{" + "department}" not in words
    # the settings change what citizens read from now on (the digest is the file's: no "changed questionnaire")
    edit = {k: v for k, v in {**GOOD, **SETTINGS, "year": "2026"}.items() if k != "questionnaire"}
    from tests.admin_helpers import post_form
    assert post_form(admin_client, f"/admin/surveys/{survey_id}/edit", f"/admin/surveys/{survey_id}/edit",
                     edit).status_code == 302
    assert "您对 2026 年度伊宁县医疗保障局整体工作" in admin_client.get(f"/s/{code}").get_data(as_text=True)


@pytest.mark.parametrize("setting", ["evaluator_org", "department"])
def test_a_survey_is_not_created_while_a_named_setting_is_empty(admin_client, database, setting):
    before = len(database.surveys_for_user(1)) if hasattr(database, "surveys_for_user") else None
    response = create(admin_client, **{**SETTINGS, setting: ""})
    assert response.status_code == 400
    page = text(response.get_data(as_text=True))
    label = {"evaluator_org": "评价机构", "department": "被评价单位"}[setting]
    assert f"所选问卷的文字写有{label}" in page or "请填写被评价单位" in page
    if before is not None:
        assert len(database.surveys_for_user(1)) == before


def test_the_cli_asks_for_the_settings_the_texts_name(app, runner, database):
    result = runner.invoke(args=["create-survey", "healthcare-security-public", "--year", "2025",
                                 "--department", "伊宁县医疗保障局"])
    assert result.exit_code == 2 and "give --evaluator" in result.output and "Traceback" not in result.output
    result = runner.invoke(args=["create-survey", "healthcare-security-public", "--year", "2025",
                                 "--department", "伊宁县医疗保障局", "--evaluator", "某某公司"])
    assert result.exit_code == 0, result.output
    assert "Survey 1: 2025 年伊宁县医疗保障局部门整体绩效评价满意度问卷调查" in result.output
    assert "Note:" not in result.output


def test_a_file_written_for_another_year_is_asked_about_before_saving(admin_client, database):
    """The verbatim Yining 2024 file chosen for a 2025 survey: the form comes back, nothing saved, saying what
    citizens would read and what to choose instead; created only when the evaluator confirms, and the survey's
    page keeps saying it."""
    count = database.query("select count(*) as n from surveys")[0]["n"]
    asked = create(admin_client, year="2025")
    assert asked.status_code == 400 and database.query("select count(*) as n from surveys")[0]["n"] == count
    note = "注意：群众看到的问卷文字写的是 2024 年，本调查的评价年度为 2025 年"
    page = text(asked.get_data(as_text=True))
    assert note in page and "healthcare-security-public" in page and "{year}" not in page
    assert 'name="confirm_year"' in asked.get_data(as_text=True)
    response = create(admin_client, year="2025", confirm_year="1")
    assert response.status_code == 302
    assert note in text(admin_client.get(response.headers["Location"]).get_data(as_text=True))  # it stays
    same_year = create(admin_client, year="2024")
    assert same_year.status_code == 302
    assert "注意：群众看到的问卷文字" not in text(admin_client.get(same_year.headers["Location"]).get_data(as_text=True))


def test_the_new_survey_page_lists_a_template_by_what_it_fills_in(admin_client):
    page = admin_client.get(NEW).get_data(as_text=True)
    assert "【评价年度】年【被评价单位】部门整体绩效评价满意度问卷调查（healthcare-security-public@1）" in page


def test_a_form_signed_by_another_firm_is_pointed_out_on_the_surveys_page(admin_client, database):
    """nanchang-window is signed (落款) 江西正效咨询管理有限公司, the seed's firm: another firm's survey with it shows
    citizens that name under the form (the poster names the survey's firm) and the annex prints it, so the survey's
    page says so and what to choose instead; the firm that wrote it, or a file that signs {evaluator}, is not warned."""
    note = "注意：群众看到的问卷落款是“江西正效咨询管理有限公司”，本项目的评价机构是“某某绩效评价咨询有限公司”"
    window = {"questionnaire": "nanchang-window@2", "department": "青云谱区医疗保障局", "year": "2024"}
    other = create(admin_client, **window, evaluator_org="某某绩效评价咨询有限公司")
    assert other.status_code == 302
    page = text(admin_client.get(other.headers["Location"]).get_data(as_text=True))
    assert note in page and "healthcare-security-public" in page and 'signature = &#34;{evaluator}&#34;' in page
    same = create(admin_client, **window, evaluator_org=" 江西正效咨询管理有限公司")
    assert same.status_code == 302
    assert "问卷落款" not in text(admin_client.get(same.headers["Location"]).get_data(as_text=True))
    yining = create(admin_client)  # signed 新疆政通众和商务咨询有限公司, the survey's own firm
    assert "问卷落款" not in text(admin_client.get(yining.headers["Location"]).get_data(as_text=True))
