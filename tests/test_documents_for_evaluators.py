"""What a first-time evaluator needs to defend the documents to the 财政局 (the outside review): each number
in one set of words in 附件3 and the C51 底稿, read back from the real DOCX with python-docx."""
import io

import docx

from tests.reports_helpers import download, exclude_one_q5_c, filled, result_of  # noqa: F401


def _docx(client, survey_id, fmt):
    return docx.Document(io.BytesIO(download(client, survey_id, fmt).get_data()))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _paper(document) -> dict:
    return {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}


def test_the_working_paper_cites_the_sample_with_what_was_excluded_and_why(database, admin_client, filled):
    exclude_one_q5_c(database)
    sample = "回收问卷 50 份，剔除无效问卷 1 份（剔除原因：答题过快 1 份），有效问卷 49 份"
    basis = _paper(_docx(admin_client, filled, "docx-c51"))["评价依据或数据来源"]
    assert f"；{sample}；" in basis
    annex = _text(_docx(admin_client, filled, "docx-annex"))
    assert f"本次调查共{sample}，有效率为 98.0%。" in annex  # 五、结论 words it as the 底稿 does


def _stratified(app, database, survey_id):
    """办件量 900/100 at the two points that have answers, and a third point with neither 办件量 nor answers."""
    points = {p["name"]: p["id"] for p in database.point_counts(survey_id)}
    database.set_point_fieldwork(points["业务大厅"], issued=None, served=900, actor="test")
    database.set_point_fieldwork(points["1号窗口"], issued=None, served=100, actor="test")
    database.add_point(survey_id, "2号窗口")
    return result_of(app, database, survey_id)


def test_the_headline_item_says_its_plain_and_its_stratified_figure_and_which_one_c51_uses(app, database, admin_client,
                                                                                          filled):
    h = _stratified(app, database, filled).headline
    assert h.strata and h.label == "满意度得分（按办件量分层估计）"
    plain, stratified = "97.6 分", h.text(h.value)
    assert plain != stratified
    why = (f"全部 50 份有效问卷不加权计算的满意度得分为 {plain}；C51 指标采用{h.label} {stratified}：各采集点的回答按其"
           f"办件量占比加权，使每个采集点按其办理的业务量代表调查期间前来办事的群众（各采集点回收的问卷数与办件量成比例时，两者相同）。")
    document = _docx(admin_client, filled, "docx-annex")
    paragraphs = [p.text for p in document.paragraphs]
    item = paragraphs[paragraphs.index(next(t for t in paragraphs if t.startswith("5. 伊宁市医疗保障局整体工作"))) + 1]
    assert f"该题满意度得分为 {plain}" in item and why in item  # 四（二）5 names both, and which one C51 uses
    conclusion = "\n".join(paragraphs[paragraphs.index("五、结论"):])
    assert f"满意度得分（按办件量分层估计）为 {stratified}" in conclusion and why in conclusion
    assert why in _paper(_docx(admin_client, filled, "docx-c51"))["评价结果"]


def test_a_point_without_its_workload_is_named_wherever_the_workload_is_summed(app, database, admin_client, filled):
    _stratified(app, database, filled)
    unknown = "2号窗口未填报办件量且无有效问卷，未计入办件量合计，也不参与按办件量分层估计的加权"
    annex = _text(_docx(admin_client, filled, "docx-annex"))
    assert f"调查期间各采集点共办理业务 1000 件（{unknown}）" in annex
    assert f"= 900/1000 × " in annex and f"{unknown}。" in annex[annex.index("五、结论"):]
    result = _paper(_docx(admin_client, filled, "docx-c51"))["评价结果"]
    assert "900/1000 × " in result and unknown in result


def test_a_stratified_rate_names_its_plain_rate_of_the_same_options(app, database, admin_client, filled):
    database.update_survey(filled, c51_figure="top2")
    h = _stratified(app, database, filled).headline
    assert h.label == "满意率（前两项）（按办件量分层估计）"
    annex = _text(_docx(admin_client, filled, "docx-annex"))
    assert f"全部 50 份有效问卷不加权计算的满意率（前两项）为 96.0%；C51 指标采用{h.label} {h.text(h.value)}：" in annex


def test_a_question_has_the_number_on_the_citizens_form_in_the_annex_and_on_the_dashboard(app, admin_client, yining,
                                                                                            filled):
    """The form numbers its questions on across its sections (1–7); the questionnaire printed at the end of 附件3,
    the annex's own headings and tables and the dashboard all give a question that number."""
    form = admin_client.get(f"/s/{yining[1][0]}").get_data(as_text=True)
    assert "3. 您是否了解本地的医保政策？" in form and "7. 您对 2024 年度伊宁市医疗保障局整体工作的满意度如何？" in form
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    assert "3. 您是否了解本地的医保政策？" in page
    paragraphs = [p.text for p in _docx(admin_client, filled, "docx-annex").paragraphs]
    questionnaire = paragraphs[paragraphs.index("二、项目实施问题"):]
    assert questionnaire[1] == "3. 您是否了解本地的医保政策？（  ）"
    assert "7. 您对 2024 年度伊宁市医疗保障局整体工作的满意度如何？（  ）" in questionnaire
    assert not any(line.startswith(("1. ", "5. 您对 2024")) for line in questionnaire)
    assert "1. 了解医保政策的结果分析（问卷第 3 题）" in paragraphs
    assert "5. 伊宁市医疗保障局整体工作的结果分析（问卷第 7 题）" in paragraphs
    assert "1. 受访者年龄构成（问卷第 1 题）" in paragraphs


def test_each_choice_question_has_a_word_frequency_table_with_its_chart(admin_client, filled):
    """选项 | 人数 | 占比 with a 合计 row, a real Word table (evaluators paste tables), laid out as the C51 table
    (Table Grid, 14.6 cm of A4's 14.64 between the margins), its caption above it and the chart of the same question
    just before it."""
    document = _docx(admin_client, filled, "docx-annex")
    assert len(document.tables) == 7  # every question of the Yining form is a choice question
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows == [["选项", "人数", "占比"], ["18-30 岁", "11", "22.0%"], ["31-45 岁", "19", "38.0%"],
                    ["46-60 岁", "17", "34.0%"], ["60 岁以上", "3", "6.0%"], ["合计", "50", "100.0%"]]
    last = [[c.text for c in row.cells] for row in document.tables[6].rows]
    assert last[1] == ["非常满意", "46", "92.0%"] and last[-2] == ["不满意", "0", "0.0%"] and last[-1][0] == "合计"
    for table in document.tables:
        assert table.style.name == "Table Grid"
        widths = [int(col.get(docx.oxml.ns.qn("w:w"))) for col in table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]
        assert abs(sum(widths) - 8277) <= 3  # 14.6 cm in twips, as c51.py's 2.8 + 11.8 cm
    body = list(document.element.body.iterchildren())
    first = body.index(document.tables[0]._tbl)
    texts = ["".join(t.text or "" for t in el.iter(docx.oxml.ns.qn("w:t"))) for el in body]
    assert texts[first - 1] == "表1 受访者年龄频数分布（问卷第 1 题）"
    assert texts[first - 2] == "图1 调研样本中年龄分布情况" and texts[first + 1] == "2. 受访者性别构成（问卷第 2 题）"
    seventh = body.index(document.tables[6]._tbl)
    assert texts[seventh - 1] == "表7 伊宁市医疗保障局整体工作频数分布（问卷第 7 题）"


def test_a_point_with_answers_but_no_workload_says_why_c51_is_not_stratified(app, database, admin_client, filled):
    """An outside re-review: clearing one point's 办件量 switched C51 from the stratified to the plain figure with
    no word anywhere. The dashboard, 附件3 and the 底稿 now say which point lacks it and what C51 then is."""
    points = {p["name"]: p["id"] for p in database.point_counts(filled)}
    database.set_point_fieldwork(points["业务大厅"], issued=None, served=900, actor="test")  # 1号窗口 has answers, no 办件量
    result = result_of(app, database, filled)
    assert not result.headline.strata
    valid = next(p.valid for p in result.fieldwork.points if p.name == "1号窗口")
    said = f"1号窗口（有效问卷 {valid} 份）未填报办件量，C51 指标未按办件量分层估计，按全部有效问卷不加权计算。"
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    assert said in page
    annex = "\n".join(p.text for p in _docx(admin_client, filled, "docx-annex").paragraphs)
    assert said in annex.split("五、结论")[1]
    assert said in _paper(_docx(admin_client, filled, "docx-c51"))["评价结果"]
    database.set_point_fieldwork(points["1号窗口"], issued=None, served=100, actor="test")  # complete: stratified
    assert "未按办件量分层估计" not in admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)


def test_both_documents_give_the_days_the_valid_answers_were_submitted(app, database, admin_client, yining,
                                                                      monkeypatch):
    """三（一）调研开展情况 and the 底稿's 评价依据 date the survey by its first and last valid answer in local time
    (20:00 UTC on 12 August is the 13th in Yining's offices), say the dates are those of the answers, not of a
    visit the data cannot show, and the 底稿 names the points and where the tallies are (附件3)."""
    import survey_app.store.responses as responses
    from tests.yining import submit_all, yining_rows

    survey_id, (hall, window) = yining
    rows = yining_rows()
    monkeypatch.setattr(responses, "utcnow", lambda: "2025-08-12T20:00:00.000000+00:00")
    submit_all(admin_client, hall, rows[:30])
    monkeypatch.setattr(responses, "utcnow", lambda: "2025-08-20T03:00:00.000000+00:00")
    submit_all(admin_client, window, rows[30:])
    monkeypatch.undo()
    period = "有效问卷提交于 2025 年 8 月 13 日至 2025 年 8 月 20 日"
    annex = [p.text for p in _docx(admin_client, survey_id, "docx-annex").paragraphs]
    assert annex[annex.index("（一）调研开展情况") + 1] == (
        "根据项目进度安排，项目组在业务大厅、1号窗口张贴问卷二维码，对2024 年伊宁市医疗保障局部门整体绩效的受益人员进行"
        f"问卷的发放与回收，{period}。")
    basis = _paper(_docx(admin_client, survey_id, "docx-c51"))["评价依据或数据来源"]
    assert basis.startswith("《2024 年伊宁市医疗保障局部门整体绩效评价满意度问卷调查》（扫码在线填写，采集点为业务大厅、"
                            f"1号窗口，{period}；回收问卷 50 份，有效问卷 50 份；")
    assert "）。各题统计结果详见附件3 满意度问卷报告《2024年伊宁市医疗保障局部门整体绩效满意度调查》。数据回执：" in basis
    result = _paper(_docx(admin_client, survey_id, "docx-c51"))["评价结果"]
    assert "实际开展的《2024年伊宁市医疗保障局部门整体绩效满意度调查》中" in result  # the report the 依据 names
    for rid in [r["id"] for r in database.query("select id from responses order by id")][30:]:
        assert database.set_response_status(rid, status="excluded", reason="现场核实为测试", user="pingjia")
    one_day = "有效问卷均提交于 2025 年 8 月 13 日"  # an excluded answer dates nothing
    assert f"问卷的发放与回收，{one_day}。" in _text(_docx(admin_client, survey_id, "docx-annex"))
    assert f"1号窗口，{one_day}；回收问卷 50 份，剔除无效问卷 20 份" in _paper(
        _docx(admin_client, survey_id, "docx-c51"))["评价依据或数据来源"]


def test_the_background_claims_no_more_than_a_questionnaire_can_show(admin_client, filled):
    """一、满意度调查背景 no longer says the survey 评估财政资金使用的效率和效益 (a questionnaire measures satisfaction,
    not how efficiently money was spent): it is one basis for judging the spending; the settings page's hint
    quotes the same sentence the annex prints when the field is left empty."""
    import html
    paragraphs = [p.text for p in _docx(admin_client, filled, "docx-annex").paragraphs]
    said = paragraphs[paragraphs.index("一、满意度调查背景") + 1]
    tail = "了解受益群众对其实施效果的满意程度，为评价财政资金使用效益提供服务对象满意度方面的依据。"
    assert said == f"本次绩效评价满意度调研旨在通过对2024 年伊宁市医疗保障局部门整体绩效的受益人员进行问卷调查，{tail}"
    assert "效率" not in said
    hint = html.unescape(admin_client.get(f"/admin/surveys/{filled}/edit").get_data(as_text=True))
    assert f"“本次绩效评价满意度调研旨在通过对……的受益人员进行问卷调查，{tail}”" in hint


def test_with_every_answer_excluded_the_annex_does_not_say_none_was_returned(database, admin_client, filled):
    """调研开展情况 dates the survey by its valid answers; with all 50 excluded it has no date to give, but the
    questionnaires were returned: it says there is no valid one, not 尚未回收问卷 beside 回收问卷 50 份."""
    for rid in [r["id"] for r in database.query("select id from responses")]:
        assert database.set_response_status(rid, status="excluded", reason="现场核实为测试", user="pingjia")
    paragraphs = [p.text for p in _docx(admin_client, filled, "docx-annex").paragraphs]
    said = paragraphs[paragraphs.index("（一）调研开展情况") + 1]
    assert said.endswith("对2024 年伊宁市医疗保障局部门整体绩效的受益人员进行问卷的发放与回收，暂无有效问卷。")
    assert "尚未回收问卷" not in paragraphs and "回收问卷 50 份，剔除无效问卷 50 份" in "\n".join(paragraphs)


def test_an_evaluators_own_subjects_are_not_called_beneficiaries_or_walk_in_citizens(database, admin_client, filled):
    """A staff survey (部门职工满意度) has its own 调研对象: the annex then no longer says elsewhere that 受益人员 or
    前来办事的群众 answered; 调研方法, 抽样方式, 调研开展情况 and the self-selection note name 调查对象."""
    database.update_survey(filled, subjects="本次问卷调查的对象为伊宁市医疗保障局在职职工。")
    paragraphs = [p.text for p in _docx(admin_client, filled, "docx-annex").paragraphs]

    def under(heading):
        return paragraphs[paragraphs.index(heading) + 1]
    assert under("（一）调研对象") == "本次问卷调查的对象为伊宁市医疗保障局在职职工。"
    assert under("（三）调研方法").startswith("针对本次调查对象开展在线问卷调查：在业务大厅、1号窗口张贴问卷二维码")
    assert "由调查对象自愿扫码作答，计划样本量 50 份" in under("（四）抽样方式")
    assert "对本次调查对象进行问卷的发放与回收" in under("（一）调研开展情况")
    design = "\n".join(paragraphs[paragraphs.index("二、研究设计"):paragraphs.index("四、调查结果分析")])
    assert "受益人员" not in design and "办事的群众" not in design and "服务对象" not in design
    import html
    hint = html.unescape(admin_client.get(f"/admin/surveys/{filled}/edit").get_data(as_text=True))
    assert "填写后，附件3 的调研方法、抽样方式和调研开展情况改称“调查对象”" in hint  # the settings page says so
    database.update_survey(filled, subjects=None)
    default = [p.text for p in _docx(admin_client, filled, "docx-annex").paragraphs]
    assert "由前来办事的群众自愿扫码作答" in "\n".join(default)
