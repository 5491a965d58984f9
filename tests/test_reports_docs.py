"""The 附件3 annex and the C51 working paper (DOCX, HTML) read back with python-docx, and the
charts' Chinese text drawn with a real CJK font (no fallback, no tofu)."""
import html
import io
import re
import warnings

import docx
import pytest
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from analysis.formatting import num
from survey_app import questionnaires, reports
from survey_app.reports import annex_text, c51, charts
from tests.reports_helpers import download, exclude_one_q5_c, filled, result_of  # noqa: F401

AGE = "18-30 岁人员 11 人，占比 22.0%；31-45 岁人员 19 人，占比 38.0%；46-60 岁人员 17 人，占比 34.0%；60 岁以上人员 3 人，占比 6.0%。"
GENDER = "男性 22 人，占比 44.0%；女性 28 人，占比 56.0%。"
Q5 = "46 人表示对伊宁市医疗保障局整体工作非常满意，占比 92.0%；2 人表示对伊宁市医疗保障局整体工作比较满意，占比 4.0%"


def _docx(response):
    return docx.Document(io.BytesIO(response.get_data()))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_annex_follows_the_seed_with_correct_numbers(admin_client, filled):
    response = download(admin_client, filled, "docx-annex")
    assert response.mimetype.endswith("wordprocessingml.document")
    document = _docx(response)
    text = _text(document)
    assert text.startswith("附件3 满意度问卷报告\n2024年伊宁市医疗保障局部门整体绩效满意度调查")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、满意度调查背景", "二、研究设计", "三、调研实施", "四、调查结果分析", "五、结论"]
    for part in ("（一）调研对象", "（二）调研内容", "（三）调研方法", "（四）抽样方式", "（五）问卷的设计",
                 "（六）问卷的发放和回收", "（一）基本信息", "（二）项目实施分析", "在业务大厅、1号窗口张贴问卷二维码"):
        assert part in text
    assert ("问卷页面共被扫码打开 50 次（每台手机在每个采集点每天计一次，刷新或重复打开不再计），提交 50 份（完成率 100.0%），"
            "有效问卷 50 份，有效率为 100.0%。") in text  # what one open is: the completion rate's denominator
    assert "实际发放" not in text and "应答率" not in text  # no 办件量 entered: no rate, and no note to the evaluator
    assert "2024 年伊宁市医疗保障局部门整体绩效项目问卷调研中，" + AGE in text
    assert GENDER in text and Q5 in text
    assert "没有受访者表示对伊宁市医疗保障局整体工作不太满意或不满意。" in text
    for misprint in ("占比 48", "占比 42", "占比 58", "97.2"):  # the seed's slips
        assert misprint not in text
    assert ("结果显示受访者满意度得分为 97.6 分（百分制，评分标准中的“95%”按 95 分理解）。按评分标准以样本结果计分：97.6 分不低于"
            "目标值 95 分，不扣分。统计说明：单侧 95% 置信下限 92.49 分低于目标值 95 分，在抽样误差范围内尚不能排除总体满意度低于目标"
            "（不影响按评分标准计分）。综上，该指标满分 5 分，得分 5 分。") in text
    assert "满意度得分为 97.6 分（双侧 95% 置信区间" in text and "达到预期设定目标" not in text


def test_annex_numbers_each_chart_and_puts_its_caption_below_it(admin_client, filled):
    document = _docx(download(admin_client, filled, "docx-annex"))
    paragraphs = document.paragraphs
    captions = [(i, p.text) for i, p in enumerate(paragraphs) if p.style.name == "Caption" and p.text.startswith("图")]
    assert [t.split(" ")[0] for _, t in captions] == [f"图{n}" for n in range(1, 11)]  # 8-10: 分组比较
    tables = [p.text.split(" ")[0] for p in paragraphs if p.style.name == "Caption" and not p.text.startswith("图")]
    assert tables == [f"表{n}" for n in range(1, 8)]  # each question's 频数表 (tests/test_documents_for_evaluators.py)
    assert captions[0][1] == "图1 调研样本中年龄分布情况" and captions[6][1] == "图7 伊宁市医疗保障局整体工作的调研结果"
    for i, caption in captions:
        assert paragraphs[i - 1]._p.xpath(".//pic:pic"), f"no chart above {caption}"
        number = caption.split(" ")[0]
        assert any(f"绘制了{number}，" in p.text for p in paragraphs[:i])  # the text cites its figure
    assert len(document.inline_shapes) == 10


def test_annex_ends_with_the_questionnaire_and_uses_an_east_asian_font(admin_client, filled):
    document = _docx(download(admin_client, filled, "docx-annex"))
    text = _text(document)
    tail = text[text.index("五、结论"):]
    assert "2024 年伊宁市医疗保障局部门整体绩效评价满意度问卷调查" in tail and "亲爱的先生/女士：" in tail
    assert "7. 您对 2024 年度伊宁市医疗保障局整体工作的满意度如何？（  ）" in tail  # numbered as on the form
    assert "A. 非常满意    B. 比较满意    C. 一般满意    D. 不太满意    E. 不满意" in tail
    assert tail.rstrip().endswith("再次感谢您的参与！")
    rfonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "宋体"


def _paper_rows(document):
    [table] = document.tables
    return [(row.cells[0].text, row.cells[1].text) for row in table.rows]


def test_c51_working_paper_docx_and_html_agree(app, database, admin_client, filled):
    document = _docx(download(admin_client, filled, "docx-c51"))
    text = _text(document)
    assert "C51“服务对象满意度”评价底稿" in text
    assert "项目名称：2024 年伊宁市医疗保障局部门整体绩效" in text and "评价机构：新疆政通众和商务咨询有限公司" in text
    rows = _paper_rows(document)
    assert [head for head, _ in rows] == ["指标解释", "指标权重", "评价标准", "评价依据或数据来源", "评价结果", "指标得分"]
    cells = dict(rows)
    assert cells["指标解释"] == "社会公众或服务对象对实施效果的满意程度。" and cells["指标权重"] == "指标权重：5"
    assert "满意度达95%，则得满分，每降低1%，扣0.3分" in cells["评价标准"] and "扣完为止" not in cells["评价标准"]
    assert re.match(
        "《2024 年伊宁市医疗保障局部门整体绩效评价满意度问卷调查》（扫码在线填写，采集点为业务大厅、1号窗口，有效问卷均提交于 "
        r"\d{4} 年 \d+ 月 \d+ 日；回收问卷 50 份，有效问卷 50 份；系统标记直线作答 10 份、异常集中提交 30 份，未剔除问卷）。"
        "各题统计结果详见附件3 满意度问卷报告《2024年伊宁市医疗保障局部门整体绩效满意度调查》。数据回执：截至 ", cells["评价依据或数据来源"])
    assert cells["评价结果"].startswith(
        "指标评分计算过程及依据：调阅绩效资料，2024 年伊宁市医疗保障局部门整体绩效满意度指标预期目标为≥95%，"
        "实际开展的《2024年伊宁市医疗保障局部门整体绩效满意度调查》中，结果显示受访者满意度得分为 97.6 分（百分制，"
        "评分标准中的“95%”按 95 分理解）。按评分标准以样本结果计分：97.6 分不低于目标值 95 分，不扣分。统计说明：单侧 95% 置信下限 "
        "92.49 分低于目标值 95 分，在抽样误差范围内尚不能排除总体满意度低于目标（不影响按评分标准计分）。综上，该指标满分 5 分，"
        "得分 5 分。")
    h = result_of(app, database, filled).headline
    assert f"该指标得分分别为 {num(h.points.points_low)} 分和 {num(h.points.points_high)} 分" in cells["评价结果"]
    assert f"两端（{num(h.low)} 分、{num(h.high)} 分）" in cells["评价结果"]
    assert cells["指标得分"] == "指标得分：5"
    page = admin_client.get(f"/admin/surveys/{filled}/c51")
    assert page.status_code == 200
    body = html.unescape(page.get_data(as_text=True))
    for head, cell in rows:
        assert f"<th scope=\"row\">{head}</th><td>{cell}</td>" in body


def test_a_survey_target_other_than_the_standards_is_said_where_the_standard_is_printed(app, database, admin_client,
                                                                                       filled):
    """The published standard keeps its own words (95%); the survey's own target (90) is said beside it, and
    the points are computed against it: in the working paper and on the dashboard alike."""
    database.update_survey(filled, target=90.0)
    cells = dict(_paper_rows(_docx(download(admin_client, filled, "docx-c51"))))
    said = "（本项目预期目标为≥90%，不同于上述标准中的95%；本底稿按预期目标90%计分。）"
    assert "满意度达95%，则得满分" in cells["评价标准"] and cells["评价标准"].endswith(said)
    assert "预期目标为≥90%" in cells["评价结果"]
    assert said in html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    database.update_survey(filled, target=95.0)
    assert "本项目预期目标为" not in dict(_paper_rows(_docx(download(admin_client, filled, "docx-c51"))))["评价标准"]


def test_excluding_a_response_changes_the_documents_consistently(app, database, admin_client, filled):
    exclude_one_q5_c(database)
    result = result_of(app, database, filled)
    text = _text(_docx(download(admin_client, filled, "docx-annex")))
    # the reason the evaluator gave, with its count: a 财政局 reviewer asks why an answer was dropped
    assert "提交 50 份（完成率 100.0%），剔除无效问卷 1 份（剔除原因：答题过快 1 份），有效问卷 49 份，有效率为 98.0%。" in text
    assert "尚未填写" not in text and "）。）" not in text  # no note to the evaluator, no doubled brackets
    q5 = result.question("q5")
    assert f"1 人表示对伊宁市医疗保障局整体工作一般满意，占比 {q5.percent('C'):.1f}%" in text
    shown = f"{result.headline.value:.2f}".rstrip("0")  # 98.37, as the rule's sentence rounds
    assert f"满意度得分为 {shown} 分" in text
    cells = dict(_paper_rows(_docx(download(admin_client, filled, "docx-c51"))))
    assert "有效问卷 49 份" in cells["评价依据或数据来源"]
    assert f"受访者满意度得分为 {shown} 分" in cells["评价结果"] and f"{shown}%" not in cells["评价结果"]


def test_chart_text_is_drawn_with_a_cjk_font_that_has_every_glyph(app):
    family = charts.cjk_family()
    entry = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert "CJK" in entry or family in ("WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC")
    index = next(f.index for f in font_manager.fontManager.ttflist if f.name == family and f.fname == entry)
    with TTFont(entry, fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap()
    q = questionnaires.catalogue(app).get("yining-2024-public", 1)
    labels = "".join(str(o.label) for question in q.questions for o in question.options) + "人数调研样本中年龄分布情况的结果（）"
    missing = {c for c in labels if ord(c) > 0x2E80 and ord(c) not in cmap}
    assert not missing, f"{entry} lacks {missing}"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" when it falls back
        for question in q.questions:
            labels = [str(o.label) for o in question.options]
            png = charts.bar_chart(f"{question.label}的调研结果", labels, [1] * len(labels), [100 / len(labels)] * len(labels))
            assert png.startswith(b"\x89PNG")


def test_missing_cjk_font_fails_loudly(monkeypatch):
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    charts.cjk_family.cache_clear()
    try:
        with pytest.raises(charts.FontNotFound, match="fonts-noto-cjk"):
            charts.bar_chart("年龄", ["男"], [1], [100.0])
    finally:
        charts.cjk_family.cache_clear()


def test_every_shipped_questionnaire_gives_every_download(app, database):
    """One answer per survey (first option everywhere): no questionnaire shape breaks a format."""
    for key, q in questionnaires.catalogue(app).load_all().items():
        survey_id = database.create_survey(questionnaire_id=q.id, questionnaire_version=q.version, title=key)
        point = database.add_point(survey_id, "大厅")["id"]
        answers = [(x.id, x.codes[0] if x.options else "很好") for x in q.questions]
        database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=q.version,
                         submission_key=key, answers=answers, seconds_on_page=30, language="zh-CN", device_hash=None)
        with reports.open_export(app.extensions["manyi.store"], survey_id, questionnaires.catalogue(app)) as export:
            for fmt in reports.FORMATS:
                out = io.BytesIO()
                reports.write(fmt, export, out)
                assert out.getvalue(), (key, fmt)
            assert c51.paper(export.result).points is not None
            assert any(kind == "figure" for kind, *_ in annex_text.blocks(export.result))


def test_annex_states_the_sampling_honestly_and_the_design_effect(app, database, admin_client, filled):
    text = _text(_docx(download(admin_client, filled, "docx-annex")))
    assert "自愿扫码作答" in text and "方便抽样（自选择样本），不是概率抽样" in text and "随机拦访" not in text
    r = result_of(app, database, filled)
    assert r.design is None  # two points: the cluster design effect would be noise, so it is not shown
    assert "设计效应" not in text


def test_a_multiple_choice_background_question_is_counted_in_selections(app, database):
    survey_id = database.create_survey(questionnaire_id="kashgar-benefit-recipients", questionnaire_version=1,
                                 title="喀什", department="喀什地区社会保险事业管理局", year=2022)
    point = database.add_point(survey_id, "大厅")["id"]
    q = questionnaires.catalogue(app).get("kashgar-benefit-recipients", 1)
    multi = next(x for x in q.questions if x.type == "multiple" and x.role == "demographic")
    answers = [(x.id, x.codes[0]) for x in q.questions if x.options and x.type == "single"]
    answers += [(multi.id, multi.codes[0]), (multi.id, multi.codes[1])]
    database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key="m1",
                     answers=answers, seconds_on_page=60, language="zh-CN", device_hash=None)
    r = reports.results.compute(database, survey_id, q)
    text = annex_text.paragraph(r, r.question(multi.id), 1)
    assert "调研中（多选题，共 2 人次选择，占比按人次计）" in text and "1 人次，占比 50.0%" in text  # out of what


def test_a_project_name_entered_is_the_documents_project(app, database, admin_client, filled):
    """项目名称 was always "{年度} 年{单位}部门整体绩效" (a window-service survey printed 部门整体绩效 in its 底稿):
    entered on the settings page, it is what the annex and the working paper print, and it is audited."""
    from tests.admin_helpers import post_form
    edit = f"/admin/surveys/{filled}/edit"
    page = admin_client.get(edit).get_data(as_text=True)
    assert "项目名称（附件3与评价底稿中）" in page
    survey = database.get_survey(filled)
    data = {k: (str(v) if v is not None else "") for k, v in survey.items()
            if k in ("title", "department", "year", "evaluator_org", "rule", "c51_figure", "target_n", "target")}
    assert post_form(admin_client, edit, edit, {**data, "project": "2024 年伊宁市医疗保障局窗口服务"}).status_code == 302
    assert database.get_survey(filled)["project"] == "2024 年伊宁市医疗保障局窗口服务"
    for fmt in ("docx-annex", "docx-c51"):
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, filled, fmt).get_data())).paragraphs)
        assert "2024 年伊宁市医疗保障局窗口服务" in text and "部门整体绩效的受益人员" not in text, fmt
    assert "项目名称（附件3与评价底稿中）：（空） → 2024 年伊宁市医疗保障局窗口服务" not in str(database.audit_entries(filled))
    assert any("项目名称：（空） → 2024 年伊宁市医疗保障局窗口服务" in e["detail"] for e in database.audit_entries(filled))
    assert database.verify().ok


@pytest.mark.sqlite_only  # the page layout, not the storage
def test_both_documents_are_a4_with_their_own_file_properties(admin_client, filled):
    """Chinese reports are A4; python-docx's template is US Letter (8.5 × 11 in) and says 2013, python-docx."""
    from datetime import datetime

    from docx.shared import Mm

    for kind in ("docx-annex", "docx-c51"):
        document = _docx(download(admin_client, filled, kind))
        for section in document.sections:
            assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297), kind
            assert section.page_width - section.left_margin - section.right_margin > Mm(140)
        props = document.core_properties
        assert props.author == "Manyi" and props.created.year == datetime.now().year, kind


def test_the_working_paper_shows_the_figures_arithmetic_as_the_dashboard_does(admin_client, filled):
    """The 财政局 redoes the sum from the 底稿: the operands of 97.6 分, not only '97.6 ≥ 95 ⇒ 5'."""
    basis = "题目“伊宁市医疗保障局整体工作”：Σ(人数 × 分值) ÷ n = (46×100 + 2×80 + 2×60 + 0×40 + 0×20) ÷ 50 = 97.6 分"
    document = _docx(download(admin_client, filled, "docx-c51"))
    cells = dict(_paper_rows(document))
    assert f"满意度得分的计算：{basis}。计算过程：97.6 分 ≥ 95 分，得满分 5 分。" in cells["评价结果"]
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    assert f"<tr><th>计算依据</th><td>{basis}</td></tr>" in page
    section = document.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin
    assert sum(column.width for column in document.tables[0].columns) <= usable  # the table fits A4


def test_the_documents_name_the_indicator_of_the_surveys_rule(database, admin_client, filled):
    """A Jiangxi window survey is scored as 窗口办理业务群众满意度 (8 分), not as Xinjiang's C51."""
    database.update_survey(filled, rule="jiangxi-window")
    paper = _docx(download(admin_client, filled, "docx-c51"))
    assert _text(paper).startswith("“窗口办理业务群众满意度”评价底稿") and "C51" not in _text(paper)
    assert "“窗口办理业务群众满意度”指标：按照评分标准“满意度≥95%得100%权重分" in _text(
        _docx(download(admin_client, filled, "docx-annex")))
    database.update_survey(filled, rule="xinjiang-c51")
    assert _text(_docx(download(admin_client, filled, "docx-c51"))).startswith("C51“服务对象满意度”评价底稿")


def test_a_background_question_some_skipped_says_what_its_shares_are_out_of(tmp_path):
    """An optional 性别 skipped by 2 of 50: '男性 22 人，占比 45.8%' is out of the 48 who answered, and the annex says
    so and how many skipped, as it does for the items (an auditor redoing 22/50 gets 44.0%)."""
    from pathlib import Path

    from survey_app import create_app
    from survey_app.store import open_store
    from tests.yining import yining_rows
    source = (Path(__file__).resolve().parents[1] / "questionnaires" / "yining-2024-public.toml").read_text(encoding="utf-8")
    folder = tmp_path / "q"
    folder.mkdir()
    marker = 'text = { zh-CN = "您的性别：", en = "Your gender:" }\n'
    assert marker in source
    (folder / "yining.toml").write_text(source.replace(marker, marker + "required = false\n"), encoding="utf-8")
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "g.sqlite3"),
                      "QUESTIONNAIRE_DIR": str(folder)})
    store = open_store(app.config["DATABASE"])
    try:
        survey_id = store.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="伊宁",
                                        department="伊宁市医疗保障局", year=2024)
        point = store.add_point(survey_id, "大厅")["id"]
        rows = yining_rows()
        skipped = [i for i, row in enumerate(rows) if row["gender"] == "B"][:2]  # two women: 22 men, 26 women
        for i, row in enumerate(rows):
            skip = i in skipped
            store.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key=f"g{i}",
                                answers=[(k, v) for k, v in row.items() if not (skip and k == "gender")],
                                seconds_on_page=60, language="zh-CN", device_hash=None)
        with reports.open_export(store, survey_id, questionnaires.catalogue(app)) as export:
            out = io.BytesIO()
            reports.write("docx-annex", export, out)
    finally:
        store.close()
    text = _text(docx.Document(io.BytesIO(out.getvalue())))
    assert ("男性 22 人，占比 45.8%；女性 26 人，占比 54.2%。占比按作答本题的 48 人计，另有 2 份有效问卷未作答本题。"
            in text)
    assert "60 岁以上人员 3 人，占比 6.0%。根据" not in text and "占比 6.0%。占比按" not in text  # 年龄: all answered
