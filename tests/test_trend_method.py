"""与上年度比较 as a finance bureau's reader checks it: every output names the method that made its numbers.

The score differences are Welch's t with one pseudo-answer at each end of the ladder (``welch-bounded``), not
plain Welch: a reader who redoes the headline's difference with scipy's Welch test gets another interval
(−0.59 至 +9.39 分, p = 0.083, against the printed −2.02 至 +10.82 分). The dashboard, 附件3 and the XLSX must
therefore say so, in the same words (``trend.METHOD_ZH``), and say that the items are not adjusted for
multiple comparisons.
"""
from __future__ import annotations

import io
from collections import Counter

import docx
import openpyxl
import pytest
from scipy import stats

from survey_app import trend
from survey_app.demo_data import yining_2023_rows
from tests.reports_helpers import download
from tests.test_trend import LADDER, earlier_yining, trend_section
from tests.yining import submit_all, yining_rows


@pytest.fixture
def shown(admin_client, client, database, evaluator, yining):
    """The Yining 2024 survey compared with a 2023 one the evaluator may see; returns the survey's id."""
    survey_id, codes = yining
    submit_all(client, codes[0], yining_rows())
    earlier = earlier_yining(database)
    database.grant(evaluator, earlier)
    database.update_survey(survey_id, compare_with=earlier)
    return survey_id


def test_the_printed_score_difference_is_not_plain_welch_so_the_method_says_what_it_is(admin_client, shown):
    now = [LADDER[r["q5"]] for r in yining_rows()]
    before = [LADDER[r["q5"]] for r in yining_2023_rows()]
    plain = stats.ttest_ind(now, before, equal_var=False).confidence_interval(0.95)
    page = trend_section(admin_client.get(f"/admin/surveys/{shown}").get_data(as_text=True))
    q5 = page[page.index('data-question="q5"'):]
    assert "−2.02 至 +10.82 分" in q5  # the pseudo-answers' interval …
    assert f"{plain.low:.2f}".replace("-", "−") + " 至" not in q5  # … not scipy's plain Welch (−0.59 至 +9.39)
    assert trend.METHOD_ZH in page and "虚拟回答" in trend.METHOD_ZH and "未作多重比较校正" in trend.METHOD_ZH
    assert "得分之差为 Welch 区间（分）" not in page  # the bare name a reader could not reproduce


def test_the_annex_and_the_xlsx_name_the_same_method(admin_client, shown):
    annex = docx.Document(io.BytesIO(download(admin_client, shown, "docx-annex").get_data()))
    assert Counter(p.text for p in annex.paragraphs)[trend.METHOD_ZH] == 1
    ws = openpyxl.load_workbook(io.BytesIO(download(admin_client, shown, "xlsx").get_data()))["与上年度比较"]
    first = next(ws.iter_rows(values_only=True))[0]
    assert first.endswith("差值 = 本次 − 上次。" + trend.METHOD_ZH)


def test_with_a_stratified_c51_figure_the_comparison_says_its_figures_are_unweighted(admin_client, client, database,
                                                                                    evaluator, yining):
    """With 办件量 at every point C51 takes the stratified score (97.25 分 here), while the comparison, like the
    earlier survey, counts every answer alike (97.6 分): 附件3 printed both as 本年度满意度得分 without a word."""
    from tests.reports_helpers import result_of
    survey_id, codes = yining
    rows = yining_rows()
    submit_all(client, codes[0], rows[:30])
    submit_all(client, codes[1], rows[30:])
    earlier = earlier_yining(database)
    database.grant(evaluator, earlier)
    database.update_survey(survey_id, compare_with=earlier)
    assert "data-basis" not in trend_section(admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))
    points = [p["id"] for p in database.list_points(survey_id)]
    database.set_points_fieldwork(survey_id, {points[0]: (None, 1000), points[1]: (None, 3000)}, actor="wang")
    h = result_of(admin_client.application, database, survey_id).headline
    assert h.strata and h.text(h.value) != "97.6 分"
    said = f"本次 C51 指标采用{h.label} {h.text(h.value)}，与此处不加权的数字不同。"
    page = trend_section(admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))
    assert said in page and "全部有效问卷不加权计算" in page and "97.6 分" in page
    annex = [p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex").get_data())).paragraphs]
    compared = next(p for p in annex if p.startswith("比较对象为"))
    assert "本年度满意度得分为 97.6 分" in compared and compared.endswith(said)
    # so does the breakdowns' 合计 row (every answer, unweighted), on the page and in the annex's method paragraph
    total = f"合计行按全部有效问卷不加权计算，C51 指标采用的按办件量分层估计为 {h.text(h.value)}，两者口径不同。"
    dashboard = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert total in dashboard[dashboard.index('id="breakdowns"'):] and any(total in p for p in annex)


def test_every_score_difference_prints_with_two_decimals(admin_client, shown):
    """q4's difference is 2.8 (−4.997 至 +10.597): it printed '+2.8 分（−5.0 至 +10.6 分）' beside '+2.40 分' in the
    same table and the same annex paragraph."""
    page = trend_section(admin_client.get(f"/admin/surveys/{shown}").get_data(as_text=True))
    q4 = page[page.index('data-question="q4"'):]
    q4 = q4[:q4.index("</table>")]
    assert "+2.80 分<br>" in q4 and "95% 置信区间 −5.00 至 +10.60 分" in q4
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, shown, "docx-annex").get_data())).paragraphs)
    assert "较上年度变化 +2.80 分（95% 置信区间 −5.00 至 +10.60 分）" in annex and "+2.8 分" not in annex


def test_an_item_with_fewer_answers_than_a_breakdown_group_needs_is_not_compared(app, admin_client, database,
                                                                                  evaluator):
    """3 answers this year (the rest 不适用) against 12 last year: 0/3 against 12/12 satisfied gave 差异显著 on the
    page, where a breakdown would call a group of 3 样本不足; now neither figure is compared, and it says why."""
    from survey_app import questionnaires
    from tests.test_trend import store_rows, trend_of
    q = questionnaires.catalogue(app).get("nanchang-window", 2)
    ids = []
    for year, payout in ((2024, "D" * 3 + "F" * 9), (2023, "A" * 12)):
        survey_id = database.create_survey(questionnaire_id=q.id, questionnaire_version=2, title=f"窗口 {year}",
                                           department="青云谱区医疗保障局", year=year)
        store_rows(database, survey_id, [{"age": "A", "gender": "A", "overall": "A", "payout": code} for code in payout],
                   f"w{year}", version=2)
        database.grant(evaluator, survey_id)
        ids.append(survey_id)
    database.update_survey(ids[0], compare_with=ids[1])
    t = trend_of(app, database, ids[0])
    small = next(r for r in t.rows if r.question_id == "payout")
    assert (small.n_now, small.n_before) == (3, 12) and small.rate is None and small.score is None
    assert analysis_significant(0, 3, 12, 12)  # what the page said before: a 3-answer 显著
    head = next(r for r in t.rows if r.question_id == "overall")
    assert head.rate is not None and (head.n_now, head.n_before) == (12, 12)
    page = trend_section(admin_client.get(f"/admin/surveys/{ids[0]}").get_data(as_text=True))
    payout = page[page.index('data-question="payout"'):]
    payout = payout[:payout.index("</table>")]
    assert "有效回答少于 10 份（样本不足），不作比较" in payout and "差异显著" not in payout
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, ids[0], "docx-annex").get_data())).paragraphs)
    assert f"“{small.label}”有效回答少于 10 份（样本不足），不作比较" in annex


def analysis_significant(x1, n1, x2, n2) -> bool:
    import analysis
    c = analysis.compare_rates(x1, n1, x2, n2)
    return c.high < 0 or c.low > 0
