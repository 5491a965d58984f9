"""The settings page's sample-size planner: n for a margin (as before) and n to show the target with
80 % power, and a plain warning when the survey's target_n cannot show its target at all; the annex's
sentences on what a sample size can show (reports/planning_text.py)."""
import re

import pytest

from analysis import max_provable_rate, min_successes_to_show, power_sample_size, target_power
from survey_app.reports.planning_text import ceiling_sentence, planning_rate, planning_sentences, power_sentence

NEW = "/admin/surveys/new"
WARNING_50 = "n = 50 时即使全部满意，单侧 95% 置信下限也只有 94.2%，无法证明满意率达到 95%。"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def target_n(html: str) -> str:
    return re.search(r'<input[^>]*name="target_n"[^>]*value="(\d+)"|<input[^>]*value="(\d+)"[^>]*name="target_n"',
                     html).group(1)


# --- the page -----------------------------------------------------------------------------------------


def test_new_survey_page_warns_that_50_cannot_show_95(admin_client):
    """The default n = 50 against the default rule's 95 %: all satisfied gives a bound of 0.05^(1/50)."""
    page = text(admin_client.get(NEW).get_data(as_text=True))
    assert "目标样本量 " + WARNING_50 in page
    assert 'name="plan_p"' in admin_client.get(NEW).get_data(as_text=True)


def test_planner_shows_the_margin_n_and_the_power_n(admin_client):
    html = admin_client.get(NEW + "?plan_t=95&plan_p=97&plan_e=5").get_data(as_text=True)
    page = text(html)
    assert "按允许误差：需要有效问卷 n = 45 份（预期满意率 97.0%，允许误差 ±5.0 个百分点）" in page
    plan = power_sample_size(expected_rate=0.97, target=0.95)
    assert plan.n == 694
    assert ("按检验效能：若真实满意率为 97.0%，要以 80% 的检验效能证明满意率达到 95%（单侧 95% 置信下限不低于目标），"
            "需要有效问卷 n = 694 份。") in page
    assert target_n(html) == "694"          # the larger of the two goes into the form ...
    assert "无法证明" not in page           # ... and 694 answers can show 95 %


def test_planner_with_a_population(admin_client):
    html = admin_client.get(NEW + "?plan_t=95&plan_p=97&plan_e=5&plan_N=1000").get_data(as_text=True)
    n = power_sample_size(expected_rate=0.97, target=0.95, population=1000).n
    assert n == 414 and f"需要有效问卷 n = {n} 份" in text(html) and target_n(html) == "414"


def test_planner_when_the_expected_rate_is_below_the_target(admin_client):
    """The margin n still fills the form; the power line says no n can show the target."""
    html = admin_client.get(NEW + "?plan_p=90&plan_e=5&plan_N=500").get_data(as_text=True)
    page = text(html)
    assert "n = 109" in page and target_n(html) == "109"
    assert "预期满意率 90.0% 不高于目标 95%，任何样本量都无法以足够的检验效能证明满意率达到 95%。" in page


def test_planner_takes_the_target_from_the_survey(admin_client, yining, database):
    """Edit page of a survey with target 90 and n = 50: 50 of 50 can show 90 %, so no warning; the
    planner's defaults are the survey's target and target + 2."""
    survey_id, _ = yining
    database.update_survey(survey_id, target=90.0)
    html = admin_client.get(f"/admin/surveys/{survey_id}/edit").get_data(as_text=True)
    assert re.search(r'name="plan_t"[^>]*value="90.0"', html) and re.search(r'name="plan_p"[^>]*value="92.0"', html)
    assert "无法证明" not in text(html)
    database.update_survey(survey_id, target=95.0, c51_figure="top2")  # C51 from the rate: 50 cannot show 95 %
    assert "目标样本量 " + WARNING_50 in text(admin_client.get(f"/admin/surveys/{survey_id}/edit").get_data(as_text=True))


def test_a_score_target_is_warned_about_as_a_score(admin_client, yining, database):
    """Yining's C51 takes the score: 50 answers all at 100 give a bound of 95.34 分, which shows 95 分 but
    not 96 分; the warning says so in 分, as the dashboard does, never as a rate."""
    survey_id, _ = yining
    page = text(admin_client.get(f"/admin/surveys/{survey_id}/edit").get_data(as_text=True))
    assert "无法证明" not in page
    database.update_survey(survey_id, target=96.0)
    page = text(admin_client.get(f"/admin/surveys/{survey_id}/edit").get_data(as_text=True))
    assert ("目标样本量 n = 50 时即使全部选择最高一档，满意度得分的单侧 95% 置信下限也只有 95.34 分，"
            "无法证明满意度得分达到 96 分") in page and "满意率达到 96%" not in page.split("按检验效能")[0]


def test_a_planned_population_is_the_warnings_population_too(admin_client):
    """Planned for N = 10, the form gets n = 10: a census, which needs no warning."""
    html = admin_client.get(NEW + "?plan_t=95&plan_p=97&plan_e=5&plan_N=10").get_data(as_text=True)
    assert target_n(html) == "10" and "无法证明" not in text(html)


def test_planner_bad_input(admin_client):
    page = text(admin_client.get(NEW + "?plan_t=0&plan_p=97&plan_e=5&plan_N=1").get_data(as_text=True))
    assert "目标值应在 0 到 100 之间" in page and "总体规模应为不小于 2 的整数" in page
    assert "需要有效问卷" not in page and "任何样本量" not in page


# --- the sentences ----------------------------------------------------------------------------------


def test_planning_rate_is_two_points_up_or_halfway_to_100():
    assert (planning_rate(95), planning_rate(90), planning_rate(98), planning_rate(99)) == (97, 92, 99, 99.5)


def test_planning_sentences_at_50_against_95():
    first, second = planning_sentences(50, 95)
    assert first == WARNING_50
    assert second == ("若真实满意率为 97.0%，要以 80% 的检验效能证明满意率达到 95%（单侧 95% 置信下限不低于目标），"
                      "需要有效问卷 n = 694 份；n = 50 时检验效能为 0.0%。")


def test_planning_sentences_when_the_target_can_be_shown():
    first, second = planning_sentences(200, 95)
    x = min_successes_to_show(200, target=0.95)
    assert x == 196 and first == ("n = 200 时，至少 196 人满意（满意率 98.0%）才能证明满意率达到 95%"
                                  "（全部满意时单侧 95% 置信下限为 98.5%）。")
    assert f"n = 200 时检验效能为 {100 * target_power(200, true_rate=0.97, target=0.95):.1f}%" in second


def test_planning_sentences_with_a_population():
    first, second = planning_sentences(50, 95, population=60)
    assert first.startswith("n = 50 时，至少 49 人满意") and "需要有效问卷 n = 54 份" in second
    assert "94.4%" in planning_sentences(50, 95, population=1000)[0]
    assert round(max_provable_rate(50, population=1000), 3) == 0.944


def test_planning_sentences_edge_cases():
    assert planning_sentences(100, 100) == ["目标为 100% 时，抽样调查无论样本量多大都无法证明满意率达到 100%，只有全面调查可以。"]
    only = planning_sentences(0, 90)
    assert len(only) == 1 and "需要有效问卷 n = 1365 份。" in only[0] and "检验效能为" not in only[0]
    assert "n ≤ 10000 的范围内都做不到" in power_sentence(99.9, 99.95)


def test_a_bound_just_below_the_target_never_prints_as_the_target():
    """n = 58: 0.05^(1/58) ≈ 94.97 %, which one decimal would print as "95.0%" next to "无法证明 95%"."""
    assert round(100 * max_provable_rate(58), 2) == 94.97
    assert "也只有 94.97%，无法证明满意率达到 95%" in ceiling_sentence(58, 95)


@pytest.mark.parametrize("n", [1, 20, 59, 300])
def test_ceiling_sentence_agrees_with_min_successes(n):
    cannot = "无法证明" in ceiling_sentence(n, 95)
    assert cannot == (min_successes_to_show(n, target=0.95) is None)
