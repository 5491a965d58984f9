"""The documents disclose the review flags' counts (the outside review: every retained answer could be flagged
and a reader could not tell): 附件3 三（二） and the C51 底稿's 评价依据 say how many responses each flag marked,
the counts the review page shows, and how many review excluded. Read back from the real DOCX."""
import dataclasses
import io
import re

import docx

from survey_app import flags
from survey_app.reports import wording
from tests.reports_helpers import download, exclude_one_q5_c, filled, result_of  # noqa: F401


def _docx(client, survey_id, fmt):
    return docx.Document(io.BytesIO(download(client, survey_id, fmt).get_data()))


def test_the_annex_and_the_working_paper_say_what_the_flags_marked_as_the_review_page_counts(
        app, database, admin_client, filled):
    exclude_one_q5_c(database)
    page = admin_client.get(f"/admin/surveys/{filled}/responses").get_data(as_text=True)
    assert re.search(r"异常集中提交：[^（]*（30 份", page)  # the review page's own counts
    assert "直线作答：所有已答的量表题（≥ 4 个选项）选了同一选项（10 份）" in page
    annex = "\n".join(p.text for p in _docx(admin_client, filled, "docx-annex").paragraphs)
    returns = annex[annex.index("（二）问卷回收情况"):annex.index("四、调查结果分析")]
    assert ("系统标记：直线作答 10 份、异常集中提交 30 份（一份可有多项标记；标记只作提示，是否剔除由评价人员判断）；"
            "全部问卷共剔除 1 份。" in returns)
    paper = {r.cells[0].text: r.cells[1].text for r in _docx(admin_client, filled, "docx-c51").tables[0].rows}
    assert ("有效问卷 49 份；系统标记直线作答 10 份、异常集中提交 30 份，全部问卷共剔除 1 份）。"
            in paper["评价依据或数据来源"])


def test_no_flag_is_said_as_none(app, database, filled):
    result = result_of(app, database, filled)
    clean = dataclasses.replace(result, flags=flags.Flags(dict.fromkeys(flags.LABELS, 0), 15, 20))
    assert wording.flags_text(clean) == "系统标记：无；未剔除问卷。"
    assert wording.flags_text(clean, short=True) == "无系统标记"
    one = dataclasses.replace(clean, flags=flags.Flags({**clean.flags.counts, "speeder": 3}, 15, 20))
    assert wording.flags_text(one) == "系统标记：用时过短 3 份（标记只作提示，是否剔除由评价人员判断）；未剔除问卷。"
    assert wording.flags_text(one, short=True) == "系统标记用时过短 3 份，未剔除问卷"


def test_no_document_says_flagged_answers_were_reviewed_when_no_one_excluded_any(app, database, admin_client, filled):
    """Manyi records exclusions, not which answers an evaluator looked at: with answers flagged (直线作答 10, 异常集中提交 30) and none excluded
    (the review page never opened), neither the annex nor the working paper may claim they were 复核ed and kept."""
    annex = "\n".join(p.text for p in _docx(admin_client, filled, "docx-annex").paragraphs)
    returns = annex[annex.index("（二）问卷回收情况"):annex.index("四、调查结果分析")]
    conclusion = annex[annex.index("五、结论"):]
    design = annex[annex.index("（六）问卷的发放和回收"):annex.index("三、调研实施")]  # said of every survey
    assert "可疑答卷自动标记，是否剔除由评价人员判断" in design
    paper = {r.cells[0].text: r.cells[1].text for r in _docx(admin_client, filled, "docx-c51").tables[0].rows}
    html = admin_client.get(f"/admin/surveys/{filled}/c51").get_data(as_text=True)
    for text in (design, returns, conclusion, paper["评价依据或数据来源"], html):
        assert "复核" not in text and "保留" not in text
    assert "直线作答 10 份、异常集中提交 30 份（一份可有多项标记；标记只作提示，是否剔除由评价人员判断）；未剔除问卷。" in returns
    assert "系统标记直线作答 10 份、异常集中提交 30 份，未剔除问卷）。" in paper["评价依据或数据来源"]


def test_the_review_page_leaves_straight_liners_uncounted_past_the_limit(app, database, admin_client, filled):
    """Counting 直线作答 reads every answer: past STRAIGHT_COUNTED_UP_TO responses the page says where to look."""
    app.config["STRAIGHT_COUNTED_UP_TO"] = 49  # the survey holds 50
    page = admin_client.get(f"/admin/surveys/{filled}/responses").get_data(as_text=True)
    assert "直线作答：所有已答的量表题（≥ 4 个选项）选了同一选项（本项目问卷较多，此处不汇总份数；按此标记筛选即可查看）" in page
    assert re.search(r"异常集中提交：[^（]*（30 份", page)  # the others are still counted
