"""One figure prints the same on the dashboard, in the annex, in the working paper and in the JSON
summary (analysis/formatting.py): a score as the rule's sentence prints it, a percentage with one decimal."""
import html
import io
import json
import re
import tempfile

import docx

from analysis.formatting import num, pct
from tests.reports_helpers import download, exclude_one_q5_c, filled, result_of  # noqa: F401


def _docx_text(response) -> str:
    document = docx.Document(io.BytesIO(response.get_data()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_headline_score_and_the_valid_rate_print_alike_everywhere(app, database, admin_client, filled):
    exclude_one_q5_c(database)  # Q5: (46·100 + 2·80 + 60) / 49 = 98.367…, valid 49 of 50
    result = result_of(app, database, filled)
    score, valid_rate = num(result.headline.value), pct(result.valid_rate_pct)
    assert (score, valid_rate) == ("98.37", "98.0%")
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    annex = _docx_text(download(admin_client, filled, "docx-annex"))
    paper = _docx_text(download(admin_client, filled, "docx-c51"))
    c51_page = html.unescape(admin_client.get(f"/admin/surveys/{filled}/c51").get_data(as_text=True))
    assert f'<span class="big">{score} 分</span>' in page and f"= {score} 分" in page
    assert f"满意度得分为 {score} 分" in annex and f"{score}%" not in annex  # a score is never printed as a rate
    for text in (paper, c51_page):
        assert f"受访者满意度得分为 {score} 分" in text and f"满意度得分 {score} 分" in text and f"{score}%" not in text
    assert f'<span class="v">{valid_rate}</span>' in page and f"有效率为 {valid_rate}" in annex
    summary = json.loads(download(admin_client, filled, "json").get_data())
    assert num(summary["headline"]["value"]) == score and summary["headline"]["unit"] == "分"
    # the workbook holds it in 分 shown with two decimals, the SPSS file's q5_score (FILTER BY valid) averages to it
    import openpyxl
    import pyreadstat
    cells = {r[0].value: r[1] for r in openpyxl.load_workbook(
        io.BytesIO(download(admin_client, filled, "xlsx").get_data()))["概况"].iter_rows()}
    assert num(cells["估计值（分）"].value) == score and cells["估计值（分）"].number_format == "0.00"
    assert pct(100 * cells["有效率"].value) == valid_rate and cells["有效率"].number_format == "0.0%"
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/data.sav"
        with open(path, "wb") as f:
            f.write(download(admin_client, filled, "sav?include_excluded=1").get_data())
        df, _ = pyreadstat.read_sav(path)
    assert num(df.loc[df["valid"] == 1, "q5_score"].mean()) == score
    low, high = num(result.headline.low), num(result.headline.high)
    assert f"95% 置信区间 {low}–{high} 分" in page and f"95% 置信区间 {low}–{high} 分" in annex  # one range format
    # each item's own figures on the page: every figure with its unit and its interval
    q5 = result.question("q5")
    estimates = re.findall(r"<p class=\"small\" data-estimates>(.*?)</p>", page, re.S)
    line = next(e for e in estimates if f"{num(q5.score.score)} 分（95% 置信区间" in e)
    assert f"{num(q5.score.ci.low)}–{num(q5.score.ci.high)} 分）" in line
    top2 = q5.top2
    assert f"（{top2.satisfied_count}/{top2.n}；95% 置信区间 {100 * top2.ci.low:.1f}%–{100 * top2.ci.high:.1f}%）" in line
    # the annex writes the same rate's range the same way (formatting.span), never "86.5 – 98.9%"
    assert f"{100 * top2.ci.low:.1f}%–{100 * top2.ci.high:.1f}%" in annex and " – " not in line


def test_a_rate_interval_prints_the_same_in_the_sentence_and_beside_the_points(app, database, admin_client, filled):
    database.update_survey(filled, c51_figure="top2")  # 48 of 50: Clopper–Pearson 86.3 %–99.5 %
    result = result_of(app, database, filled)
    low, high = pct(result.headline.low), pct(result.headline.high)
    paper = _docx_text(download(admin_client, filled, "docx-c51"))
    assert f"95% 置信区间 {low}–{high}" in paper and f"两端（{low}、{high}）" in paper
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    shown = re.findall(r'<td>(?:区间下限|点估计|区间上限)</td><td class="num">([\d.]+%)</td>', page)
    assert shown == [low, pct(result.headline.value), high]


def test_a_score_interval_prints_the_same_in_the_sentence_and_beside_the_points(app, database, admin_client, filled):
    """The Yining answers less the four below 非常满意 on Q5: 46 × 100 分, the interval's upper end 100.00 分. The C51
    table's 区间下限/上限 rows print the ends as the range above them and the 底稿 do ('100.00 分', not '100 分'), so
    an evaluator copying either copies the same figure."""
    for (rid,) in database.execute("select r.id from responses r join answers a on a.response_id = r.id"
                                   " where a.question_id = 'q5' and a.value <> 'A'").fetchall():
        assert database.set_response_status(rid, status="excluded", reason="测试", user="pingjia")
    h = result_of(app, database, filled).headline
    low, high = h.ends_text(h.low, h.high)
    assert high == "100.00 分"  # an end with trailing zeros, the case a bare number would print as '100 分'
    paper = _docx_text(download(admin_client, filled, "docx-c51"))
    assert f"两端（{low}、{high}）" in paper
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    assert f"95% 置信区间 {low.removesuffix(' 分')}–{high}" in page
    shown = re.findall(r'<td>(?:区间下限|点估计|区间上限)</td><td class="num">([\d.]+ 分)</td>', page)
    assert shown == [low, h.text(h.value), high]


def test_the_cluster_design_effect_prints_alike_on_the_page_in_the_annex_and_in_the_workbook(app, database,
                                                                                             admin_client, yining):
    """From ten collection points on, the dashboard and 附件3 print the design effect to 0.01 and the effective n to
    0.1; the workbook's 概况 showed the same deff to 0.0001 (1.2346 beside 1.23)."""
    import openpyxl

    from analysis.formatting import fixed
    from tests.reports_helpers import shown
    survey_id, _ = yining
    points = [database.add_point(survey_id, f"窗口{i}")["id"] for i in range(10)]
    key = 0
    for i, point in enumerate(points):
        for j in range(12):
            code = "A" if j < 6 + (i % 5) else ("C" if j % 2 else "D")
            key += 1
            database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1,
                                   submission_key=f"d-{key}", answers=[("q5", code)], seconds_on_page=60,
                                   language="zh-CN", device_hash=None)
    design = result_of(app, database, survey_id).design
    assert design is not None and len(fixed(design.design_effect, 4).rstrip("0")) > 4  # more digits than shown
    deff, n_eff = fixed(design.design_effect, 2), fixed(design.effective_n)
    page = html.unescape(admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))
    assert f"设计效应 deff = {deff}（" in page and f"等效样本量 {n_eff}；" in page
    annex = _docx_text(download(admin_client, survey_id, "docx-annex"))
    assert f"设计效应为 {deff}，等效样本量约 {n_eff} 份" in annex
    cells = {r[0].value: r[1] for r in openpyxl.load_workbook(
        io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))["概况"].iter_rows()}
    assert (shown(cells["设计效应（采集点聚类）"]), shown(cells["等效样本量"])) == (deff, n_eff)
