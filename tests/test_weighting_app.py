"""加权估计 and 量表信度 in the app (issue #14 items 3 and 4): the weighting page saves population shares with
an audit line and refuses bad ones (nothing saved), the dashboard shows the raked figures beside the
unweighted ones and never lets them decide, the weighted rate is the hand computation from the raw answers,
and α is numpy's. Every test that stores something runs on SQLite and PostgreSQL (tests/conftest.py)."""
from __future__ import annotations

import re

import numpy as np
import pytest
from scipy import stats

from analysis.formatting import num, span

from survey_app import questionnaires, reliability, results, weighting
from survey_app.demo_data import yining_rows
from survey_app.questionnaires import QuestionnaireError, parse
from survey_app.reports.weighting_text import weighting_blocks
from survey_app.store import Audit
from tests.admin_helpers import csrf
from tests.helpers import S5_SCALE

GENDER = {"use_gender": "y", "share_gender_A": "48.5", "share_gender_B": "51.5", "source": "部门服务对象台账（2024 年）"}
SATISFIED = {"A", "B"}  # Yining's satisfaction5: 非常满意 and 比较满意 are marked satisfied
POINTS = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}


def fill(database, survey_id, rows):
    point = database.list_points(survey_id)[0]["id"]
    for i, row in enumerate(rows):
        database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1,
                               submission_key=f"w-{i}", answers=sorted((q, c) for q, c in row.items() if c),
                               seconds_on_page=40, language="zh-CN", device_hash=None)


def post(client, survey_id, data):
    url = f"/admin/surveys/{survey_id}/weighting"
    token = csrf(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def margin_lines(database, survey_id):
    return [e for e in database.audit_entries(survey_id) if e["action"] == "population_margins"]


@pytest.fixture
def filled(admin_client, database, yining):
    fill(database, yining[0], yining_rows())
    return yining[0]


def test_the_page_saves_valid_shares_with_an_audit_line(admin_client, database, filled):
    page = admin_client.get(f"/admin/surveys/{filled}/weighting")
    assert page.status_code == 200 and "总体占比" in page.get_data(as_text=True)
    saved = post(admin_client, filled, GENDER)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/admin/surveys/{filled}#weighting")
    assert database.population_margins(filled) == {"gender": pytest.approx({"A": 0.485, "B": 0.515})}
    [line] = margin_lines(database, filled)
    assert line["user"] == "wang" and "部门服务对象台账（2024 年）" in line["detail"] and "男 48.5%" in line["detail"]
    again = admin_client.get(f"/admin/surveys/{filled}/weighting").get_data(as_text=True)
    assert 'value="48.5"' in again and "部门服务对象台账（2024 年）" in again  # the form shows what is stored
    typed = {**GENDER, "share_gender_A": "48%", "share_gender_B": "５２ ％"}  # as the target field takes them
    assert post(admin_client, filled, typed).status_code == 302
    assert database.population_margins(filled) == {"gender": pytest.approx({"A": 0.48, "B": 0.52})}


@pytest.mark.parametrize("change, message", [
    ({"share_gender_B": "50.5"}, "合计为 99%，应为 100%"),
    ({"share_gender_X": "10"}, "不对应本问卷任何基本信息题的选项"),
    ({"share_gender_B": "-1"}, "占比不能为负数"),
    ({"share_gender_B": ""}, "请填写“性别”每个选项的总体占比"),
    ({"use_age": "y"}, "请填写“年龄”每个选项的总体占比"),
    ({"use_gender": ""}, "请勾选用于加权的基本信息题"),
    ({"source": ""}, "请填写总体占比的来源"),
])
def test_bad_shares_are_refused_in_chinese_and_nothing_is_saved(admin_client, database, filled, change, message):
    assert post(admin_client, filled, {**GENDER, "share_gender_B": "41.5", "share_gender_A": "58.5"}).status_code == 302
    before, lines = database.population_margins(filled), len(margin_lines(database, filled))
    refused = post(admin_client, filled, {k: v for k, v in {**GENDER, **change}.items() if v != ""})
    assert refused.status_code == 400
    assert message in refused.get_data(as_text=True) and "尚未保存任何内容" in refused.get_data(as_text=True)
    assert database.population_margins(filled) == before and len(margin_lines(database, filled)) == lines


def test_an_empty_target_cell_is_refused_with_its_message(admin_client, database, yining):
    survey_id = yining[0]
    fill(database, survey_id, [{**row, "age": "C" if row["age"] == "D" else row["age"]} for row in yining_rows()])
    refused = post(admin_client, survey_id, {"use_age": "y", "share_age_A": "20", "share_age_B": "30",
                                             "share_age_C": "40", "share_age_D": "10", "source": "户籍统计"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "“年龄”的选项“60 岁以上”总体占比 10.00%，但计入加权的有效问卷中无人选择该项" in html
    assert database.population_margins(survey_id) == {} and margin_lines(database, survey_id) == []


def test_a_raking_that_does_not_converge_is_refused(admin_client, database, yining):
    survey_id = yining[0]  # every man is 18-30, every woman 31-45: no weights give 50/50 and 20/80
    fill(database, survey_id, [{"gender": "A", "age": "A", "q5": "A"}] * 5 + [{"gender": "B", "age": "B", "q5": "B"}] * 5)
    refused = post(admin_client, survey_id, {**GENDER, "share_gender_A": "50", "share_gender_B": "50", "use_age": "y",
                                             "share_age_A": "20", "share_age_B": "80", "share_age_C": "0",
                                             "share_age_D": "0"})
    assert refused.status_code == 400 and "仍未收敛" in refused.get_data(as_text=True)
    assert database.population_margins(survey_id) == {}


def test_more_than_two_questions_or_an_unknown_option_is_a_value_error_in_the_api(app, database, filled):
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    survey = database.get_survey(filled)
    with pytest.raises(ValueError, match="“性别”没有选项 X"):
        weighting.save_margins(database, survey, q, {"gender": {"A": 0.5, "B": 0.4, "X": 0.1}}, audit=Audit("wang", "m"))
    with pytest.raises(ValueError, match="合计为 99.00%"):
        weighting.check_margins(q, {"gender": {"A": 0.49, "B": 0.5}})
    with pytest.raises(ValueError, match="q5 不是本问卷的单选基本信息题"):
        weighting.check_margins(q, {"q5": {"A": 1.0}})
    with pytest.raises(ValueError, match="at most 2 questions"):
        database.set_population_margins(filled, {"a": {"A": 1.0}, "b": {"A": 1.0}, "c": {"A": 1.0}}, audit=Audit("w", "m"))
    with pytest.raises(ValueError, match="share from 0 to 1"):
        database.set_population_margins(filled, {"gender": {"A": 48.5}}, audit=Audit("w", "m"))
    assert database.population_margins(filled) == {} and margin_lines(database, filled) == []


def test_margins_are_replaced_whole_and_cleared(admin_client, database, filled):
    database.set_population_margins(filled, {"age": {"A": 0.25, "B": 0.25, "C": 0.25, "D": 0.25}},
                                    audit=Audit("wang", "population_margins", "来源：x\n"))
    assert post(admin_client, filled, GENDER).status_code == 302
    assert set(database.population_margins(filled)) == {"gender"}
    token = csrf(admin_client.get(f"/admin/surveys/{filled}/weighting").get_data(as_text=True))
    cleared = admin_client.post(f"/admin/surveys/{filled}/weighting/clear", data={"csrf_token": token})
    assert cleared.status_code == 302 and database.population_margins(filled) == {}
    assert margin_lines(database, filled)[-1]["detail"].startswith("清除总体占比")
    assert 'data-figure="weighted"' not in admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)


def _verdict(html: str) -> tuple[str, str]:
    section = html[html.index('id="headline"'):html.index('id="tallies"')]
    return re.search(r'class="verdict (\w+)"', section).group(1), re.search(r'id="verdict-text">([^<]*)<', section).group(1)


def test_the_dashboard_shows_weighted_figures_beside_the_unweighted_and_the_verdict_is_unchanged(
        app, admin_client, database, filled):
    before = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    assert 'id="weighting"' in before and "未填写总体占比" in before
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    headline = results.compute(database, filled, q).headline
    assert post(admin_client, filled, {**GENDER, "use_age": "y", "share_age_A": "15", "share_age_B": "25",
                                       "share_age_C": "35", "share_age_D": "25"}).status_code == 302
    after = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    card = after[after.index('id="weighting"'):after.index('id="downloads"')]
    raked = weighting.raked_figures(database, database.get_survey(filled), q)
    assert re.search(r'data-figure="unweighted">.*?96\.0%.*?97\.6 分', card, re.S)  # q5: 48 of 50; 97.6
    weighted_row = card.split('data-figure="weighted"')[1].split("</tr>")[0]
    assert f'{100 * raked.weighted_rate:.1f}%' in weighted_row
    ci, sci = raked.weighted_rate_ci, raked.weighted_score_ci
    assert f"95% 置信区间 {100 * ci.low:.1f}%–{100 * ci.high:.1f}%" in weighted_row
    assert f"95% 置信区间 {num(sci.low)}–{num(sci.high)} 分" in weighted_row and "Fay–Feuer" in card
    assert "Kish 有效样本量" in card and "设计效应" in card and "部门服务对象台账（2024 年）" in card
    # the count of answers is 有效问卷 n, never 有效样本 beside Kish's 有效样本量 (35.3 against 50 read as a contradiction)
    assert "有效问卷 n" in card and "有效样本 n" not in card and "简单比例" not in card  # a score is no 比例
    assert "目标判定和 C51 得分只依据未加权估计" in card
    assert raked.weighted_score != pytest.approx(97.6)  # the weights did move the figure ...
    assert _verdict(after) == _verdict(before)  # ... and the verdict stayed
    assert results.compute(database, filled, q).headline == headline


def test_the_weighted_rate_is_the_hand_computation_from_the_raw_answers(app, database, filled):
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    survey = database.get_survey(filled)
    database.set_population_margins(filled, {"gender": {"A": 0.485, "B": 0.515}}, audit=Audit("wang", "m"))
    raked = weighting.raked_figures(database, survey, q)
    raw = database.query("select a.response_id, a.question_id, a.value from answers a join responses r"
                         " on r.id = a.response_id where r.survey_id = ? and r.status = 'valid'", [filled])
    people: dict = {}
    for row in raw:
        people.setdefault(row["response_id"], {})[row["question_id"]] = row["value"]
    w = [raked.weights[(p["gender"],)] for p in people.values()]
    assert len(w) == raked.n == 50 and raked.left_out == 0
    # one raked question: the weight is share × n / count (22 men, 28 women), whatever the iterations
    assert raked.weights[("A",)] == pytest.approx(0.485 * 50 / 22, abs=1e-9)
    assert raked.weights[("B",)] == pytest.approx(0.515 * 50 / 28, abs=1e-9)
    sat = [p["q5"] in SATISFIED for p in people.values()]
    assert raked.weighted_rate == pytest.approx(np.dot(w, sat) / sum(w), abs=1e-12)
    assert raked.weighted_score == pytest.approx(np.dot(w, [POINTS[p["q5"]] for p in people.values()]) / sum(w), abs=1e-12)
    assert raked.effective_n == pytest.approx(sum(w) ** 2 / np.dot(w, w), abs=1e-9)  # Kish
    assert raked.design_effect == pytest.approx(50 / raked.effective_n)
    assert (raked.unweighted_rate, raked.unweighted_score) == (pytest.approx(0.96), pytest.approx(97.6))
    # the intervals from the same raw answers, by Fay & Feuer's gamma bounds on the weighted shortfall from the top
    # (each answer's weight share a_i; one more answer at the heaviest weight for the bound away from the top)
    y = np.array([POINTS[p["q5"]] for p in people.values()], dtype=float)
    share = np.array(w, dtype=float) / sum(w)
    for shortfall, (end_low, end_high), got in ((1.0 - np.array(sat, dtype=float), (0.0, 1.0), raked.weighted_rate_ci),
                                                ((100.0 - y) / 80.0, (20.0, 100.0), raked.weighted_score_ci)):
        q, v, top = float(share @ shortfall), float(share ** 2 @ shortfall ** 2), float(share.max())
        far = stats.gamma.ppf(0.975, (q + top) ** 2 / (v + top * top), scale=(v + top * top) / (q + top))
        near = stats.gamma.ppf(0.025, q * q / v, scale=v / q) if q > 0 else 0.0
        span = end_high - end_low
        assert (got.low, got.high) == pytest.approx((end_high - span * min(1.0, far), end_high - span * near), abs=1e-9)
    assert raked.weighted_score_ci.low < raked.weighted_score < raked.weighted_score_ci.high <= 100


def test_a_blank_raked_question_is_left_out_of_the_weighted_estimate_and_counted(app, database, yining):
    rows = yining_rows()
    rows[0] = {**rows[0], "gender": None}
    fill(database, yining[0], rows)
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    database.set_population_margins(yining[0], {"gender": {"A": 0.5, "B": 0.5}}, audit=Audit("wang", "m"))
    raked = weighting.raked_figures(database, database.get_survey(yining[0]), q)
    assert (raked.unweighted_n, raked.n, raked.left_out) == (50, 49, 1)


def test_margins_that_no_longer_rake_show_their_message_on_the_dashboard(admin_client, database, yining):
    fill(database, yining[0], [{**row, "gender": "A"} for row in yining_rows()])  # no woman answered
    database.set_population_margins(yining[0], {"gender": {"A": 0.5, "B": 0.5}}, audit=Audit("wang", "m"))
    page = admin_client.get(f"/admin/surveys/{yining[0]}")
    assert page.status_code == 200 and "按现有答卷无法加权" in page.get_data(as_text=True)


def _alpha(matrix):
    """Cronbach's α and corrected item–total correlations, straight from the definition with numpy."""
    x = np.asarray(matrix, dtype=float)
    k, total = x.shape[1], x.sum(axis=1)
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total.var(ddof=1))
    return alpha, [np.corrcoef(x[:, i], total - x[:, i])[0, 1] for i in range(k)]


def test_alpha_on_the_yining_data_is_numpys(app, admin_client, database, filled):
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    rel = reliability.reliability_for(database, database.get_survey(filled), q)
    alpha, item_total = _alpha([[POINTS[row[i]] for i in ("q2", "q3", "q5")] for row in yining_rows()])
    assert rel.composite.id == "satisfaction" and rel.n == 50 and rel.dropped == 0
    assert rel.alpha == pytest.approx(alpha, abs=1e-12)
    assert rel.item_total == pytest.approx(item_total, abs=1e-12)
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    assert "data-alpha" not in page and "?reliability=1" in page  # on demand: it reads every answer
    page = admin_client.get(f"/admin/surveys/{filled}?reliability=1").get_data(as_text=True)
    assert 'data-alpha>' + f'{alpha:.3f}<'.replace('-', '−') in page and 'id="reliability"' in page


def test_alpha_leaves_out_incomplete_and_not_applicable_rows():
    text = COMPOSITE_TOML.replace('{ code = "E", label = "不满意", points = 20 },',
                                  '{ code = "E", label = "不满意", points = 20 },\n  { code = "X", label = "未办理过", not_applicable = true },')
    q = parse(_toml(text), "c.toml")
    rows = [{"q2": "A", "q3": "A"}, {"q2": "B", "q3": "C"}, {"q2": "C", "q3": "D"}, {"q2": "X", "q3": "A"}, {"q2": "A"}]
    rel = reliability.reliability(q, q.composites[0], rows)
    assert (rel.n, rel.dropped) == (3, 2)
    assert rel.alpha == pytest.approx(_alpha([[100, 100], [80, 60], [60, 40]])[0], abs=1e-12)


COMPOSITE_TOML = '''
id = "c"
version = 1
title = "测试"
invitation = "您好，仅用于统计分析。"
[headline]
questions = { q2 = 1, q3 = 3 }
''' + S5_SCALE + '''[[composites]]
id = "both"
label = "两题"
items = ["q2", "q3"]
[[sections]]
title = "一"
[[sections.questions]]
id = "sex"
text = "您的性别："
role = "demographic"
options = [{ code = "M", label = "男" }, { code = "F", label = "女" }]
[[sections.questions]]
id = "q2"
text = "满意吗？"
role = "satisfaction"
scale = "s5"
[[sections.questions]]
id = "q3"
text = "满意吗？"
role = "satisfaction"
scale = "s5"
[[sections.questions]]
id = "aware"
text = "了解吗？"
role = "awareness"
scale = "s5"
'''


def _toml(text):
    import tomllib

    return tomllib.loads(text)


def test_a_composite_headline_is_raked_on_its_composite_score():
    q = parse(_toml(COMPOSITE_TOML), "c.toml")
    rows = [{"sex": "M", "q2": "A", "q3": "C"}] * 3 + [{"sex": "F", "q2": "B", "q3": "A"}]
    raked = weighting.rake(q, {"sex": {"M": 0.5, "F": 0.5}}, rows)
    m, f = (100 + 3 * 60) / 4, (80 + 3 * 100) / 4  # per respondent: Σ w·points / Σ w (weights 1 : 3)
    assert raked.weighted_rate is None and raked.figure_label == "综合满意度得分"
    assert raked.unweighted_score == pytest.approx((3 * m + f) / 4)
    assert raked.weighted_score == pytest.approx((m + f) / 2)


@pytest.mark.parametrize("composite, message", [
    ('items = ["q2", "q9"]', "composite 1, field 'items': unknown question 'q9'"),
    ('items = ["q2", "sex"]', "composite 1, field 'items': question 'sex' must be a single-choice satisfaction item"),
    ('items = ["q2"]', "composite 1, field 'items': must list at least two question ids"),
    ('items = ["q2", "q2"]', "composite 1, field 'items': a question is listed twice"),
    ('items = ["q2", "q3"]\nweight = 2', "composite 1: unknown field(s) ['weight']"),
])
def test_a_broken_composite_names_the_file_and_field(composite, message):
    text = COMPOSITE_TOML.replace('items = ["q2", "q3"]', composite)
    with pytest.raises(QuestionnaireError) as e:
        parse(_toml(text), "c.toml")
    assert str(e.value).startswith("c.toml, ") and message in str(e.value)


def test_a_composite_needs_one_points_ladder():
    text = COMPOSITE_TOML.replace('scale = "s5"\n[[sections.questions]]\nid = "aware"',
                                  'options = [{ code = "A", label = "是", points = 100, satisfied = true },'
                                  ' { code = "B", label = "否", points = 0 }]\n[[sections.questions]]\nid = "aware"')
    with pytest.raises(QuestionnaireError, match="every item must have the same options and points"):
        parse(_toml(text), "c.toml")


def test_the_annex_blocks_say_the_raked_figures_never_decide(app, database, filled):
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    survey = database.get_survey(filled)
    assert weighting_blocks(None, None) == []
    database.set_population_margins(filled, {"gender": {"A": 0.485, "B": 0.515}}, audit=Audit("wang", "m"))
    raked, rel = weighting.raked_figures(database, survey, q), reliability.reliability_for(database, survey, q)
    blocks = weighting_blocks(raked, rel)
    assert [b[0] for b in blocks] == ["h3", "p", "p", "p", "h3", "p"]
    text = "".join(b[1] for b in blocks)
    ci, sci = raked.weighted_rate_ci, raked.weighted_score_ci
    assert f"（95% 置信区间 {100 * ci.low:.1f}%–{100 * ci.high:.1f}%）" in text and "Fay–Feuer" in text
    assert f"（95% 置信区间 {num(sci.low)}–{num(sci.high)} 分）" in text
    assert "满意率由未加权的 96.0% 变为加权后的" in text and "满意度得分由未加权的 97.6 分" in text
    assert "性别（男 48.5%、女 51.5%）" in text and f"Kish 有效样本量约 {raked.effective_n:.1f} 份" in text
    assert "不改变判定" in text and f"Cronbach's α 系数为 {rel.alpha:.3f}".replace('-', '−') in text


def test_a_large_survey_rakes_when_asked_not_on_every_view(admin_client, database, filled, monkeypatch):
    """Raking reads every answer: past RAKE_ON_VIEW valid responses the dashboard offers it as a link."""
    from survey_app.admin import surveys

    assert post(admin_client, filled, GENDER).status_code == 302
    monkeypatch.setattr(surveys, "RAKE_ON_VIEW", 10)
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    card = page[page.index('id="weighting"'):page.index('id="downloads"')]
    assert "?weighting=1" in card and 'data-figure="weighted"' not in card and "未填写总体占比" not in card
    page = admin_client.get(f"/admin/surveys/{filled}?weighting=1").get_data(as_text=True)
    assert 'data-figure="weighted"' in page[page.index('id="weighting"'):]


def test_alpha_from_folded_pair_counts_is_alpha_from_the_rows(app, database, filled):
    """Every respondent answered every item: α comes from the tallies and the folded pair counts (no answer
    read); it equals the listwise computation on the rows. A blank item sends it back to the rows."""
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    survey = database.get_survey(filled)
    composite = reliability.composites(q)[0]
    counted = reliability.reliability_for(database, survey, q)
    listwise = reliability.reliability(q, composite, database.answer_rows(filled, list(composite.items)))
    assert database.query("select count(*) as n from group_folds")[0]["n"] == 3  # q2×q3, q2×q5, q3×q5
    assert counted.alpha == pytest.approx(listwise.alpha, abs=1e-12) and counted.n == listwise.n == 50
    assert counted.item_total == pytest.approx(listwise.item_total, abs=1e-12)
    assert counted.alpha_if_deleted == pytest.approx(listwise.alpha_if_deleted, abs=1e-12)
    point = database.list_points(filled)[0]["id"]
    database.save_response(survey_id=filled, point_id=point, questionnaire_version=1, submission_key="blank-q3",
                           answers=[("q2", "A"), ("q5", "B")], seconds_on_page=60, language="zh-CN", device_hash=None)
    mixed = reliability.reliability_for(database, survey, q)
    assert mixed.n == 50 and mixed.dropped == 1  # the rows, listwise: the new one has no q3


def test_the_weighted_figures_are_in_the_json_beside_the_unweighted(app, database, filled, admin_client):
    import json

    from tests.reports_helpers import download
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    database.set_population_margins(filled, {"gender": {"A": 0.485, "B": 0.515}}, audit=Audit("wang", "m"))
    raked = weighting.raked_figures(database, database.get_survey(filled), q)
    got = json.loads(download(admin_client, filled, "json").get_data())["weighting"]
    assert got["decides"] is False and got["raked_questions"] == ["gender"]
    assert got["weighted_score"] == pytest.approx(raked.weighted_score)
    assert got["weighted_score_ci"] == {"low": pytest.approx(raked.weighted_score_ci.low),
                                        "high": pytest.approx(raked.weighted_score_ci.high)}
    assert got["effective_n"] == pytest.approx(raked.effective_n) and got["unweighted_score"] == pytest.approx(97.6)


def test_the_xlsx_gives_the_weighted_figures_the_dashboard_shows(app, admin_client, database, filled):
    """概况 gives the weighted rate and score with their intervals, the weighted n, Kish's effective n and the
    design effect, rounded as the dashboard prints them; the verdict rows are the unweighted ones still."""
    import io

    import openpyxl

    from analysis.formatting import rounded
    from tests.reports_helpers import download, shown
    database.set_population_margins(filled, {"gender": {"A": 0.485, "B": 0.515}}, audit=Audit("wang", "m"))
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    k = weighting.raked_figures(database, database.get_survey(filled), q)
    book = openpyxl.load_workbook(io.BytesIO(download(admin_client, filled, "xlsx").get_data()))
    cells = {row[0]: row[1] for row in book["概况"].iter_rows(values_only=True)}
    formats = {row[0].value: row[1].number_format for row in book["概况"].iter_rows()}
    # a rate is a fraction shown in percent with one decimal, as the page prints it
    assert cells[f"加权{k.figure_label}"] == pytest.approx(rounded(100 * k.weighted_rate, 1) / 100, abs=1e-12)
    assert (cells[f"加权{k.figure_label} 95% 置信下限"], cells[f"加权{k.figure_label} 95% 置信上限"]) == pytest.approx((
        rounded(100 * k.weighted_rate_ci.low, 1) / 100, rounded(100 * k.weighted_rate_ci.high, 1) / 100), abs=1e-12)
    assert formats[f"加权{k.figure_label}"] == "0.0%"
    # the weighted score shows the page's digits (formatting.num), its interval's ends alike (formatting.span)
    shown_cells = {row[0].value: shown(row[1]) for row in book["概况"].iter_rows()}
    assert shown_cells["加权满意度得分（分）"] == num(k.weighted_score)
    assert [shown_cells[f"加权满意度得分 95% 置信{end}（分）"] for end in ("下限", "上限")] == span(
        k.weighted_score_ci.low, k.weighted_score_ci.high, "").split("–")
    assert cells["加权满意度得分（分）"] == rounded(k.weighted_score, 2)
    assert (cells["加权满意度得分 95% 置信下限（分）"], cells["加权满意度得分 95% 置信上限（分）"]) == (
        rounded(k.weighted_score_ci.low, 2), rounded(k.weighted_score_ci.high, 2))
    assert (cells["加权估计的有效问卷 n"], cells["Kish 有效样本量"], cells["加权设计效应"]) == (
        k.n, rounded(k.effective_n, 1), rounded(k.design_effect, 2))
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    assert f"{k.effective_n:.1f}" in page and f"{k.design_effect:.2f}" in page


def test_a_constant_item_makes_alpha_incalculable_in_the_annex_not_zero(app, admin_client, database, yining):
    """Every respondent answered “医保结算流程” (q2) 非常满意: α is undefined, not 0.000, and the annex names the
    item and gives no reading of α and no item–total correlations (outside review: α 0.000, 各题测量的内容不尽一致)."""
    import io

    import docx

    from tests.reports_helpers import download
    fill(database, yining[0], [{**row, "q2": "A"} for row in yining_rows()])
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    rel = reliability.reliability_for(database, database.get_survey(yining[0]), q)
    label = q.question("q2").label
    assert rel.alpha is None and rel.error == f"Cronbach's α 系数无法计算（“{label}”题所有受访者回答相同）。"
    document = docx.Document(io.BytesIO(download(admin_client, yining[0], "docx-annex").get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "量表信度分析" in text
    assert f"无法计算（“{label}”题所有受访者回答相同）" in text
    for wrong in ("0.000", "不尽一致", "校正题总相关", "内部一致性"):
        assert wrong not in text
    page = admin_client.get(f"/admin/surveys/{yining[0]}?reliability=1").get_data(as_text=True)
    assert f"无法计算（“{label}”题所有受访者回答相同）" in page and "data-alpha" not in page


def test_alpha_over_every_item_alike_names_them_all():
    q = parse(_toml(COMPOSITE_TOML), "c.toml")
    rel = reliability.reliability(q, q.composites[0], [{"q2": "A", "q3": "B"}] * 4)
    assert rel.alpha is None and rel.error == "Cronbach's α 系数无法计算（“满意吗？”、“满意吗？”题所有受访者回答相同）。"
