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
    """Edit page of a survey whose C51 takes the rate, with target 90 and n = 50: 50 of 50 can show 90 %, so no
    warning; the planner's defaults are the survey's target and target + 2. (C51 taking the score, the planner asks
    for no rate: see test_a_score_is_planned_in_points_with_its_margin_first.)"""
    survey_id, _ = yining
    database.update_survey(survey_id, target=90.0, c51_figure="top2")
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
    assert "目标值应大于 1、不超过 100" in page and "总体规模应为不小于 2 的整数" in page
    assert "需要有效问卷" not in page and "任何样本量" not in page


# --- the sentences ----------------------------------------------------------------------------------


def test_planning_rate_is_two_points_up_or_halfway_to_100():
    assert (planning_rate(95), planning_rate(90), planning_rate(98), planning_rate(99)) == (97, 92, 99, 99.5)


def test_planning_sentences_at_50_against_95():
    first, second = planning_sentences(50, 95)
    assert first == WARNING_50
    assert second == ("按预设满意率 97.0%（目标值 95% 加 2 个百分点，为假设值，并非本次调查结果）估算，要以 80% 的检验效能"
                      "证明满意率达到 95%（单侧 95% 置信下限不低于目标），"
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


# --- a score: planned by the score verdict under an assumed answer distribution ----------------------------

from analysis import ladder_spread, score_power_sample_size  # noqa: E402
from tests.reports_helpers import download, filled  # noqa: E402,F401

YINING_Q5 = {100: 46, 80: 2, 60: 2}     # tests/yining.py: q5 46/2/2/0/0, score 97.6, verdict unresolved at n = 50
PLAN = "?plan_t=95&plan_p=97&plan_e=5"


def _power_n(page: str) -> str:
    return re.search(r"按检验效能：若[^。]*?需要有效问卷 n = (\d+) 份", page).group(1)


def test_a_score_is_planned_by_the_score_verdict_from_the_answers_so_far(admin_client, filled):
    """Yining's C51 takes the score: the planner plans the Gaffke verdict on the score under this survey's answers,
    names the score, the distribution and the power, fills that n, never the rate's n = 694 at 97 %."""
    html = admin_client.get(f"/admin/surveys/{filled}/edit{PLAN}").get_data(as_text=True)
    page = text(html)
    plan = score_power_sample_size(values=list(YINING_Q5), shares=list(YINING_Q5.values()), target=95, scale=(20, 100))
    assert plan.n is not None and plan.n != 694
    assert (f"按检验效能：若答案分布为本次调查现有答案的分布（100 分 92.0%、80 分 4.0%、60 分 4.0%，平均得分 97.6 分），"
            f"要以 80% 的检验效能证明满意度得分达到 95 分") in page
    assert _power_n(page) == str(plan.n) and target_n(html) == str(plan.n)
    assert "若真实满意率为" not in page and 'value="92/4/4/0/0"' in html


def test_the_planner_and_the_annex_say_the_same_n_for_the_same_answers(admin_client, filled):
    """The dashboard's and 附件3's sentence under the unresolved score verdict plans from the same answers."""
    from tests.test_one_verdict import _docx_text
    planned = _power_n(text(admin_client.get(f"/admin/surveys/{filled}/edit{PLAN}").get_data(as_text=True)))
    dashboard = text(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    annex = _docx_text(download(admin_client, filled, "docx-annex"))
    for said in (dashboard, annex):
        assert f"若答案分布为本次调查现有答案的分布（100 分 92.0%、80 分 4.0%、60 分 4.0%" in said
        assert re.search(r"满意度得分达到 95 分（.*?），需要有效问卷 n = (\d+) 份", said).group(1) == planned


def test_the_evaluator_changes_the_assumed_distribution(admin_client, yining):
    """The reviewer's 80/17/2/1 (97 % top-2, score 95.2): no n up to 10000 shows 95 分 with 80 % power; a
    malformed distribution is refused with the order it needs."""
    survey_id, _ = yining
    url = f"/admin/surveys/{survey_id}/edit{PLAN}&plan_d="
    page = text(admin_client.get(url + "80/17/2/1/0").get_data(as_text=True))
    assert "若答案分布为所填的分布（100 分 80.0%、80 分 17.0%、60 分 2.0%、40 分 1.0%，平均得分 95.2 分）" in page
    assert "在 n ≤ 10000 的范围内都做不到" in page
    page = text(admin_client.get(url + "87/10/2/1/0").get_data(as_text=True))
    n = score_power_sample_size(values=[100, 80, 60, 40], shares=[87, 10, 2, 1], target=95, scale=(20, 100)).n
    assert _power_n(page) == str(n)
    page = text(admin_client.get(url + "87/10/2").get_data(as_text=True))
    assert "答案分布请按 A/B/C/D/E 的顺序填写各选项的百分比，合计 100" in page and "按检验效能：若" not in page


def test_without_answers_the_plan_states_its_assumed_spread(admin_client, yining):
    survey_id, _ = yining
    page = text(admin_client.get(f"/admin/surveys/{survey_id}/edit{PLAN}").get_data(as_text=True))
    shares = ladder_spread([100, 80, 60, 40, 20], 97)
    n = score_power_sample_size(values=[100, 80, 60, 40, 20], shares=shares, target=95, scale=(20, 100)).n
    assert "若答案分布为假定的分布（平均得分取目标加 2 分，各档人数按同一比例逐档递减）（100 分 86.9%" in page
    assert _power_n(page) == str(n)


def test_an_earlier_compared_survey_gives_the_default_distribution(admin_client, filled, database, evaluator):
    """与上年度比较: the year after, the plan starts from last year's answers."""
    later = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                   title="2025年伊宁市医疗保障局满意度调查", department="伊宁市医疗保障局", year=2025,
                                   target=95.0, target_n=50)
    database.grant(evaluator, later)
    database.update_survey(later, compare_with=filled)
    page = text(admin_client.get(f"/admin/surveys/{later}/edit{PLAN}").get_data(as_text=True))
    title = database.get_survey(filled)["title"]
    assert f"若答案分布为所比较的较早调查“{title}”的答案分布（100 分 92.0%、80 分 4.0%、60 分 4.0%" in page


def test_an_earlier_survey_the_evaluator_may_not_see_stays_hidden(admin_client, filled, database, evaluator):
    """The plan reads a compared survey's answers only while the evaluator is granted it (a revoked grant, or a
    comparison chosen by another evaluator): neither its title nor its answers reach the page."""
    later = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                   title="2025年伊宁市医疗保障局满意度调查", department="伊宁市医疗保障局", year=2025,
                                   target=95.0, target_n=50)
    database.grant(evaluator, later)
    database.update_survey(later, compare_with=filled)
    database.revoke(evaluator, filled)
    page = text(admin_client.get(f"/admin/surveys/{later}/edit{PLAN}").get_data(as_text=True))
    assert database.get_survey(filled)["title"] not in page and "所比较的较早调查" not in page
    assert "若答案分布为假定的分布" in page  # the stated spread, as for a survey without answers


def _planner(html: str) -> str:
    return text(html.split('id="planner"')[1].split("</section>")[0])


def test_a_score_is_planned_in_points_with_its_margin_first(admin_client, filled):
    """Yining's questionnaire says [headline] figure = "score": C51 takes the 满意度得分, so the planner plans that
    figure: a margin in 分 from the answers' spread (z²·s²/e², s = 8.62 分 for 92/4/4 % at 100/80/60), then the score
    verdict's power; it asks for no expected rate and prints no 个百分点. The larger n fills 目标样本量."""
    from analysis import score_sample_size
    url = f"/admin/surveys/{filled}/edit?plan_t=95&plan_e="
    html = admin_client.get(url + "2").get_data(as_text=True)
    planner = _planner(html)
    n = score_sample_size(values=list(YINING_Q5), shares=list(YINING_Q5.values()), margin=2)
    assert n == 72
    margin = (f"按允许误差：需要有效问卷 n = {n} 份（满意度得分，答案分布为本次调查现有答案的分布，平均得分 97.6 分、"
              "标准差 8.62 分，允许误差 ±2 分）")
    assert margin in planner and planner.index(margin) < planner.index("按检验效能：若")
    assert "个百分点" not in planner and "预期满意率" not in planner and 'name="plan_p"' not in html
    assert "允许误差 ±（分）" in planner and "目标值（分）" in planner
    power = int(_power_n(planner))
    assert power > n and target_n(html) == str(power)          # the power n is the larger: it fills the form
    html = admin_client.get(url + "0.5").get_data(as_text=True)   # ±0.5 分: the margin's n is the larger
    wide = score_sample_size(values=list(YINING_Q5), shares=list(YINING_Q5.values()), margin=0.5)
    assert wide > power and f"需要有效问卷 n = {wide} 份（满意度得分" in _planner(html) and target_n(html) == str(wide)
    planner = _planner(admin_client.get(url + "60").get_data(as_text=True))
    assert "允许误差应在 0.1 到 50 分之间。" in planner and "需要有效问卷" not in planner


def test_a_rate_is_planned_in_percentage_points(admin_client, filled, database):
    """The same survey with C51 on the top-2 rate: the planner asks for the expected rate and plans in 个百分点."""
    database.update_survey(filled, c51_figure="top2")
    html = admin_client.get(f"/admin/surveys/{filled}/edit?plan_t=95&plan_p=97&plan_e=5").get_data(as_text=True)
    planner = _planner(html)
    assert "按允许误差：需要有效问卷 n = 45 份（预期满意率 97.0%，允许误差 ±5.0 个百分点）" in planner
    assert "满意度得分" not in planner and 'name="plan_p"' in html and "允许误差 ±（百分点）" in planner


def test_the_plans_mean_score_prints_as_the_headline_score(admin_client, filled, database):
    """Under an undecided score verdict the dashboard and 附件3 plan from the answers so far, whose mean is the
    headline score itself: one Q5 answer C excluded, 98.37 分 beside the verdict and 98.37 分 in the plan, never
    98.4 分; the settings page's planner says the same."""
    from tests.reports_helpers import exclude_one_q5_c
    from tests.test_one_verdict import _docx_text
    exclude_one_q5_c(database)
    dashboard = text(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    annex = _docx_text(download(admin_client, filled, "docx-annex"))
    planner = _planner(admin_client.get(f"/admin/surveys/{filled}/edit?plan_t=95&plan_e=2").get_data(as_text=True))
    assert "满意度得分 98.37 分" in dashboard
    for said in (dashboard, annex, planner):
        assert "平均得分 98.37 分" in said and "98.4 分" not in said


# --- the questionnaire planned for (the planner's form carries the settings form's choice) --------------------


def test_the_planner_plans_for_the_questionnaire_its_form_carries(admin_client):
    """估算 sends the questionnaire and the C51 figure chosen in the settings form (tests/test_planner_browser.py
    keeps them in step in Chromium); without JavaScript the page names the questionnaire it planned for."""
    html = admin_client.get(NEW).get_data(as_text=True)
    first = re.search(r'<input type="hidden" name="questionnaire" value="([^"]+)"', html).group(1)
    assert first != "yining-2024-public@1" and f"（{first}）；计入 C51 的数值：满意率" in _planner(html)
    html = admin_client.get(NEW + "?questionnaire=yining-2024-public%401&c51_figure=headline&plan_t=95&plan_e=2"
                            ).get_data(as_text=True)
    planner = _planner(html)
    assert "估算所按问卷：" in planner and "（yining-2024-public@1）；计入 C51 的数值：满意度得分" in planner
    assert "允许误差 ±（分）" in planner and "需要有效问卷" in planner and 'name="plan_p"' not in html
    assert re.search(r'<option selected value="yining-2024-public@1">|<option value="yining-2024-public@1" selected',
                     html)  # the settings form below opens with the questionnaire planned for
    html = admin_client.get(NEW + "?questionnaire=yining-2024-public%401&c51_figure=top2&plan_t=95&plan_p=97&plan_e=5"
                            ).get_data(as_text=True)
    assert "按允许误差：需要有效问卷 n = 45 份（预期满意率 97.0%" in _planner(html)   # the top-2 rate, as chosen


def test_a_questionnaire_or_figure_the_form_does_not_offer_is_ignored(admin_client):
    html = admin_client.get(NEW + "?questionnaire=nope%409&c51_figure=nope&plan_t=95&plan_p=97&plan_e=5")
    assert html.status_code == 200
    page = html.get_data(as_text=True)
    assert "nope" not in page and "需要有效问卷 n = 45 份" in _planner(page)


def test_the_edit_page_plans_for_the_c51_figure_chosen_and_saves_nothing(admin_client, filled, database):
    """Yining's survey takes the score; 估算 with 满意率（前两项） chosen on the page plans the rate, the radio stays
    on it, and nothing is saved until the settings form is."""
    before = database.get_survey(filled)["c51_figure"]
    html = admin_client.get(f"/admin/surveys/{filled}/edit?c51_figure=top2&plan_t=95&plan_p=97&plan_e=5"
                            ).get_data(as_text=True)
    assert "按允许误差：需要有效问卷 n = 45 份（预期满意率 97.0%" in _planner(html)
    assert re.search(r'<input type="radio" name="c51_figure" value="top2" checked>', html)
    assert database.get_survey(filled)["c51_figure"] == before != "top2"
