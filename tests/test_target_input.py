"""A target (目标值) and the planner's expected rate are typed as percentages (survey_app/percent.py): 0.95 is
refused with one message that says to type 95, never read as 0.95 % (which one satisfied answer reaches, with
full points); "95%", "95 %" and "９５％" read as 95. The settings form, the sample-size planner and
`manyi create-survey --target` keep the one rule; a score's target (in 分) too."""
import re

import pytest

from survey_app import percent
from tests.admin_helpers import post_form

pytestmark = pytest.mark.sqlite_only  # reading what was typed, not storing it: test_admin.py runs both databases

NEW = "/admin/surveys/new"
GOOD = {"questionnaire": "yining-2024-public@1", "title": "", "department": "伊宁市医疗保障局", "year": "2024",
        "evaluator_org": "", "target": "95", "rule": "xinjiang-c51", "c51_figure": "top2", "target_n": "50",
        "population": "", "opens_on": "", "closes_on": "", "background": "", "subjects": ""}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def field_errors(html: str, name: str) -> list[str]:
    """The messages shown under the settings form's field ``name``."""
    block = re.search(rf'<div class="field[^"]*">\s*<label for="{name}">.*?</div>', html, re.S).group(0)
    return re.findall(r'<span class="err" role="alert">([^<]*)</span>', block)


@pytest.mark.parametrize("typed, value", [("95", 95.0), ("95%", 95.0), ("95 %", 95.0), ("９５％", 95.0),
                                          (" 92.5％ ", 92.5), ("100", 100.0)])
def test_a_percentage_reads_with_or_without_its_sign(typed, value):
    assert percent.read(typed) == value and percent.problem(value, "目标值") is None


@pytest.mark.parametrize("typed", ["abc", "nan", "inf", "", "%", "95%%"])
def test_what_is_no_number_is_refused(typed):
    with pytest.raises(ValueError):
        percent.read(typed)


def test_a_fraction_is_refused_saying_what_to_type():
    assert percent.problem(0.95, "目标值", typed="0.95") == "目标值按百分数填写：95% 请填 95（您填写的是 0.95）。"
    assert percent.problem(0.9, "目标值", percent.SCORE, example=90) == \
        "目标值按百分制得分填写：90 分请填 90（您填写的是 0.9）。"
    assert percent.problem(1, "预期满意率", example=97, below_100=True) == \
        "预期满意率按百分数填写：97% 请填 97（您填写的是 1）。"
    assert percent.check(1.5) is None and percent.check(0.95) == "fraction" and percent.check(0) == "range"
    assert percent.check(100) is None and percent.check(100, below_100=True) == "range"


def test_the_settings_form_refuses_095_with_one_message(admin_client, database):
    before = database.list_surveys()
    page = post_form(admin_client, NEW, NEW, {**GOOD, "target": "0.95"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and database.list_surveys() == before
    assert field_errors(html, "target") == ["目标值按百分数填写：95% 请填 95（您填写的是 0.95）。"]


def test_a_score_targets_message_is_in_fen(admin_client):
    """Yining's C51 takes the 总体工作满意度得分 (on a ladder to 100): its target is in 分, as label and message say."""
    html = post_form(admin_client, NEW, NEW, {**GOOD, "c51_figure": "headline", "target": "0.9"}).get_data(as_text=True)
    assert field_errors(html, "target") == ["目标值按百分制得分填写：90 分请填 90（您填写的是 0.9）。"]
    assert "目标值（分，满意度得分按百分制" in html


@pytest.mark.parametrize("typed", ["95%", "95 %", "９５％"])
def test_the_settings_form_reads_95_percent_as_95(admin_client, database, typed):
    page = post_form(admin_client, NEW, NEW, {**GOOD, "target": typed})
    assert page.status_code == 302, field_errors(page.get_data(as_text=True), "target")
    assert database.get_survey(int(page.headers["Location"].rsplit("/", 1)[1]))["target"] == 95.0


@pytest.mark.parametrize("typed, message", [("abc", "请输入数字，如 95。"), ("150", "目标值应大于 1、不超过 100，按百分数填写，如 95。")])
def test_a_bad_target_gets_exactly_one_message(admin_client, typed, message):
    html = post_form(admin_client, NEW, NEW, {**GOOD, "target": typed}).get_data(as_text=True)
    assert field_errors(html, "target") == [message]


def test_editing_settings_refuses_095_too(admin_client, yining, database):
    survey_id, _ = yining
    edit = f"/admin/surveys/{survey_id}/edit"
    data = {k: v for k, v in GOOD.items() if k != "questionnaire"}
    page = post_form(admin_client, edit, edit, {**data, "target": "0.95"})
    assert page.status_code == 400 and "请填 95（您填写的是 0.95）" in page.get_data(as_text=True)
    assert database.get_survey(survey_id)["target"] == 95.0


def test_the_planner_refuses_095_and_097_instead_of_planning_n_1(admin_client):
    page = text(admin_client.get(NEW + "?plan_t=0.95&plan_p=0.97&plan_e=5").get_data(as_text=True))
    assert "目标值按百分数填写：95% 请填 95（您填写的是 0.95）。" in page
    assert "预期满意率按百分数填写：97% 请填 97（您填写的是 0.97）。" in page
    assert "需要有效问卷" not in page and "0.95%" not in page and "1.0%" not in page


def test_a_score_plans_target_is_in_fen(admin_client, yining):
    """Editing Yining (C51 takes its score): the planner's target is in 分, as its label and message say."""
    survey_id, _ = yining
    page = text(admin_client.get(f"/admin/surveys/{survey_id}/edit?plan_t=0.9&plan_p=97&plan_e=5").get_data(as_text=True))
    assert "目标值（分）" in page and "目标值按百分制得分填写：90 分请填 90（您填写的是 0.9）。" in page
    assert "需要有效问卷" not in page


def test_the_planner_reads_95_percent(admin_client):
    page = text(admin_client.get(NEW + "?plan_t=95%25&plan_p=97%25&plan_e=5").get_data(as_text=True))
    assert "按允许误差：需要有效问卷 n = 45 份（预期满意率 97.0%" in page and "请输入数字" not in page


def test_the_command_line_keeps_the_same_rule(runner, database):
    refused = runner.invoke(args=["create-survey", "yining-2024-public", "--target", "0.95"])
    assert refused.exit_code == 2 and "give the target as a percentage, e.g. 95" in refused.output
    assert database.list_surveys() == []
    done = runner.invoke(args=["create-survey", "yining-2024-public", "--target", "95%"])
    assert done.exit_code == 0, done.output
    assert [s["target"] for s in database.list_surveys()] == [95.0]
