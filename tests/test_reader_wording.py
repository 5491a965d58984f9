"""The outside review's reading of the verdict and the arithmetic (a 财政局 reader of 附件3 and the C51 底稿): the
scoring and the statistical statement read as two different things, said once; read back from the real DOCX."""
import html
import io

import docx

from tests.reports_helpers import download, filled, result_of  # noqa: F401

SCORED = "按评分标准以样本结果计分：97.6 分不低于目标值 95 分，不扣分。"
STATISTICS = ("统计说明：单侧 95% 置信下限 92.49 分低于目标值 95 分，在抽样误差范围内尚不能排除总体满意度低于目标"
              "（不影响按评分标准计分）。")


def _docx(client, survey_id, fmt):
    return docx.Document(io.BytesIO(download(client, survey_id, fmt).get_data()))


def _conclusion(client, survey_id) -> str:
    text = "\n".join(p.text for p in _docx(client, survey_id, "docx-annex").paragraphs)
    return text[text.index("五、结论"):]


def test_the_scoring_and_the_statistical_statement_are_two_labelled_statements_said_once(
        app, database, admin_client, filled):
    h = result_of(app, database, filled).headline
    assert h.verdict == "unresolved"
    conclusion = _conclusion(admin_client, filled)
    assert SCORED + STATISTICS + "综上，该指标满分 5 分，得分 5 分。" in conclusion
    assert conclusion.count(h.verdict_text) == 1 and "目标判定：" not in conclusion
    assert "按当前样本量尚不能判定" not in conclusion and "不低于目标值 95 分，按评分标准以调查结果计分" not in conclusion
    assert "是否达到目标以单侧置信界判定（Gaffke 有界均值精确单侧界），双侧区间仅作说明。" in conclusion
    paper = {r.cells[0].text: r.cells[1].text for r in _docx(admin_client, filled, "docx-c51").tables[0].rows}
    assert SCORED + STATISTICS in paper["评价结果"]
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    assert h.verdict_text in page and "在抽样误差范围内尚不能排除总体满意度低于目标" in page


def _sample_size_paragraph(client, survey_id) -> str:
    (paragraph,) = [p for p in _conclusion(client, survey_id).split("\n") if p.startswith("关于样本量：")]
    return paragraph


def test_the_sample_size_paragraph_names_the_assumed_rate_and_asks_nothing_of_the_answers(
        app, database, admin_client, filled):
    score = _sample_size_paragraph(admin_client, filled)
    assert "高分档" not in score and "足以证明满意度得分达到 95 分；现有答案尚不能证明。" in score
    assert "若答案分布为本次调查现有答案的分布（100 分 92.0%、80 分 4.0%、60 分 4.0%" in score  # its source, named
    database.update_survey(filled, c51_figure="top2")  # a rate: the power plan assumes target + 2 points
    rate = _sample_size_paragraph(admin_client, filled)
    assert ("按预设满意率 97.0%（目标值 95% 加 2 个百分点，为假设值，并非本次调查结果）估算，要以 80% 的检验效能证明"
            "满意率达到 95%（单侧 95% 置信下限不低于目标），需要有效问卷 n = 694 份；") in rate
    assert "若真实满意率为" not in rate and "高分档" not in rate


def test_the_points_at_the_interval_ends_name_the_two_sided_interval(app, database, admin_client, filled):
    """The verdict reads the one-sided bound (92.49 分); the points' range the two-sided interval's ends: named so."""
    ends = "按双侧 95% 置信区间两端（91.47 分、99.36 分）计，该指标得分分别为 3.94 分和 5 分。"
    assert ends in _conclusion(admin_client, filled)
    paper = {r.cells[0].text: r.cells[1].text for r in _docx(admin_client, filled, "docx-c51").tables[0].rows}
    assert ends in paper["评价结果"] and "按 95% 置信区间两端" not in paper["评价结果"]


def test_the_working_paper_writes_its_arithmetic_in_words_and_units(app, database, admin_client, filled):
    paper = {r.cells[0].text: r.cells[1].text for r in _docx(admin_client, filled, "docx-c51").tables[0].rows}
    assert "计算过程：97.6 分 ≥ 95 分，得满分 5 分。" in paper["评价结果"] and "⇒" not in paper["评价结果"]
    database.update_survey(filled, c51_figure="top2")  # a rate: which options count, from the questionnaire
    paper = {r.cells[0].text: r.cells[1].text for r in _docx(admin_client, filled, "docx-c51").tables[0].rows}
    assert ("满意率（前两项）＝选择“非常满意”“比较满意”的人数 ÷ 有效问卷数 = 48 ÷ 50 × 100% = 96.0%。"
            "计算过程：96.0% ≥ 95%，得满分 5 分。") in paper["评价结果"]
    assert "满意人数 48 ÷ n 50" not in paper["评价结果"]
    database.update_survey(filled, c51_figure="top3")
    paper = {r.cells[0].text: r.cells[1].text for r in _docx(admin_client, filled, "docx-c51").tables[0].rows}
    assert "＝选择“非常满意”“比较满意”“一般满意”的人数 ÷ 有效问卷数 = 50 ÷ 50 × 100% = 100.0%" in paper["评价结果"]


def test_the_ends_print_with_the_decimals_of_the_interval(app, database, filled):
    """An upper end of 100 beside 91.47 reads '100.00 分', as the interval '91.47–100.00 分' prints it."""
    h = result_of(app, database, filled).headline
    assert h.ends_text(91.47, 100) == ("91.47 分", "100.00 分") and h.ends_text(92.5, 99.25) == ("92.50 分", "99.25 分")
