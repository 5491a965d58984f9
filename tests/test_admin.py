"""Evaluators set up a survey in the browser, add points, download QR codes, open and close it,
and watch the dashboard: the Yining figures appear when its 50 answers arrive through /s/<code>."""
import io
import re
from urllib.parse import quote

import docx
import pytest
import zxingcpp
from PIL import Image

import analysis
from survey_app import questionnaires, reports
from tests.admin_helpers import post_form
from tests.yining import YINING_COUNTS, submit_all, yining_rows

NEW = "/admin/surveys/new"
GOOD = {"questionnaire": "yining-2024-public@1", "title": "", "department": "伊宁市医疗保障局", "year": "2024",
        "evaluator_org": "新疆政通众和商务咨询有限公司", "target": "95", "rule": "xinjiang-c51", "c51_figure": "headline",
        "target_n": "50", "population": "", "opens_on": "2024-08-13", "closes_on": "2024-08-31",
        "background": "", "subjects": ""}


def create(client, **changes):
    return post_form(client, NEW, NEW, {**GOOD, **changes})


def tally(html: str, qid: str) -> list[tuple[str, int, str]]:
    """(option label, count, percent) rows of one question's table on the dashboard."""
    table = re.search(rf'<table class="tally" data-question="{qid}">(.*?)</table>', html, re.S).group(1)
    return [(label, int(n), pct) for label, n, pct in re.findall(
        r'<tr><td>\w\. ([^<]+)</td><td class="num">(\d+)</td><td class="num">([\d.]+%)</td>', table)]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html, flags=re.S)))


def test_create_a_survey_in_the_browser(app, admin_client, database, evaluator):
    form = admin_client.get(NEW).get_data(as_text=True)
    assert "yining-2024-public@1" in form and "nanchang-window" in form
    assert "每降低1%，扣0.3分" in form  # each rule's text is shown beside it
    response = create(admin_client)
    assert response.status_code == 302
    survey_id = int(response.headers["Location"].rsplit("/", 1)[1])
    survey = database.get_survey(survey_id)
    assert survey["status"] == "draft" and survey["title"] == "2024 年伊宁市医疗保障局部门整体绩效评价满意度问卷调查"
    assert (survey["questionnaire_id"], survey["questionnaire_version"], survey["target"], survey["target_n"]) == (
        "yining-2024-public", 1, 95.0, 50)
    assert survey["questionnaire_digest"] == questionnaires.catalogue(app).get("yining-2024-public", 1).digest
    assert (survey["opens_on"], survey["closes_on"], survey["population"]) == ("2024-08-13", "2024-08-31", None)
    assert survey["background"] is None and survey["subjects"] is None  # the annex writes them (one wording)
    annex = admin_client.get(f"/admin/surveys/{survey_id}/export/docx-annex", buffered=True)
    words = "\n".join(p.text for p in docx.Document(io.BytesIO(annex.get_data())).paragraphs)
    assert ("本次绩效评价满意度调研旨在通过对2024 年伊宁市医疗保障局部门整体绩效的受益人员进行问卷调查，"
            "了解受益群众对其实施效果的满意程度，为评价财政资金使用效益提供服务对象满意度方面的依据。") in words
    assert "本次问卷调查的对象为2024 年伊宁市医疗保障局部门整体绩效的受益人员。" in words
    assert database.can_see(evaluator, survey_id)  # the creator is granted it
    assert "添加采集点" in admin_client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_project_names_hint_is_a_real_name(admin_client, yining):
    """项目名称 left blank reads as "{年度} 年{被评价单位}部门整体绩效": the hint writes it out, never the template."""
    survey_id, _ = yining
    blank = text(admin_client.get(NEW).get_data(as_text=True))
    assert "留空则按评价年度和被评价单位写作，如“2025 年伊宁市医疗保障局部门整体绩效”" in blank
    edit = text(admin_client.get(f"/admin/surveys/{survey_id}/edit").get_data(as_text=True))
    assert "留空则写作“2024 年伊宁市医疗保障局部门整体绩效”（部门整体绩效评价）" in edit
    typed = text(create(admin_client, department="霍城县人力资源和社会保障局", year="2025", target="x").get_data(as_text=True))
    assert "留空则写作“2025 年霍城县人力资源和社会保障局部门整体绩效”" in typed
    assert "年度 年被评价单位" not in blank + edit + typed


def test_long_names_are_stopped_by_the_browser_where_the_label_says_and_refused_by_the_server(admin_client, yining,
                                                                                               database):
    """A browser stops typing at maxlength (the server's own limit): the label says it; a longer name sent anyway
    is refused with a message, never cut short and stored."""
    survey_id, _ = yining
    page = admin_client.get(NEW).get_data(as_text=True)
    for name, label, limit in (("title", "评价项目名称", 200), ("department", "被评价单位", 100),
                               ("project", "项目名称（附件3与评价底稿中）", 100), ("background", "一、满意度调查背景", 4000)):
        assert re.search(rf'name="{name}"', page) and f'maxlength="{limit}"' in re.search(
            rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
        assert f"{label}<span class=\"muted\">（最多 {limit} 字）</span>" in page
    before = database.list_surveys()
    refused = create(admin_client, title="题" * 600)
    assert refused.status_code == 400 and "名称请控制在 200 字以内" in refused.get_data(as_text=True)
    assert database.list_surveys() == before
    dashboard = f"/admin/surveys/{survey_id}"
    assert "采集点名称<span class=\"muted\">（最多 60 字）</span>" in admin_client.get(dashboard).get_data(as_text=True)
    added = post_form(admin_client, dashboard, dashboard + "/points", {"name": "点" * 300})
    assert "名称请控制在 60 字以内" in admin_client.get(added.headers["Location"]).get_data(as_text=True)
    assert [p["name"] for p in database.list_points(survey_id)] == ["业务大厅", "1号窗口"]


def test_the_rule_list_names_satisfaction_rules_in_chinese(admin_client):
    """The C51 rules by their Chinese names, not codes; C52's 投诉处置率 scores no satisfaction figure: not offered."""
    page = admin_client.get(NEW).get_data(as_text=True)
    offered = re.findall(r'<input type="radio" name="rule" value="([^"]+)"[^>]*>\s*<span><b>([^<]+)</b>', page)
    assert [code for code, _ in offered] == [n for n, r in analysis.RULES.items() if n != "xinjiang-c52"]
    assert offered[0][1] == "新疆部门整体绩效评价 C51 服务对象满意度（5 分，目标 95%）"
    assert not any(code in label for code, label in offered) and "投诉处置率" not in page
    assert "请从列表中选择" in create(admin_client, rule="xinjiang-c52").get_data(as_text=True)


def test_a_survey_stored_with_the_c52_rule_still_saves(admin_client, yining, database):
    """A code stored before (by `manyi create-survey --rule xinjiang-c52`, say) stays valid for that survey."""
    survey_id, _ = yining
    database.update_survey(survey_id, rule="xinjiang-c52")
    edit = f"/admin/surveys/{survey_id}/edit"
    assert "不是满意度指标，请改选" in admin_client.get(edit).get_data(as_text=True)
    data = {**{k: v for k, v in GOOD.items() if k != "questionnaire"}, "rule": "xinjiang-c52", "target_n": "60"}
    assert post_form(admin_client, edit, edit, data).status_code == 302
    assert (database.get_survey(survey_id)["rule"], database.get_survey(survey_id)["target_n"]) == ("xinjiang-c52", 60)


@pytest.mark.parametrize("changes, message", [
    ({"target": "150"}, "目标值应大于 1、不超过 100"),
    ({"target": "-5"}, "目标值应大于 1、不超过 100"),
    ({"target": "0.95"}, "目标值按百分制得分填写：95 分请填 95（您填写的是 0.95）"),  # Yining's C51 takes its score
    ({"target": "abc"}, "请输入数字"),
    ({"target": "nan"}, "请输入数字"),
    ({"target": "inf"}, "请输入数字"),
    ({"opens_on": "2024-13-45"}, "请输入日期"),
    ({"closes_on": "31/08/2024"}, "请输入日期"),
    ({"opens_on": "2024-09-01", "closes_on": "2024-08-01"}, "结束日期不能早于开始日期"),
    ({"opens_on": "0001-01-01"}, "日期应在 2000 年至 2100 年之间"),
    ({"closes_on": "9999-12-31"}, "日期应在 2000 年至 2100 年之间"),
    ({"background": "背" * 4001}, "请控制在 4000 字以内"),
    ({"rule": "made-up-rule"}, "请从列表中选择"),
    ({"c51_figure": "median"}, "请从列表中选择"),
    ({"questionnaire": "no-such-questionnaire@1"}, "请从列表中选择"),
    ({"year": "二〇二四"}, "请输入整数"),
    ({"target_n": "0"}, "目标样本量应为 1 到 10,000,000 之间的整数"),
    ({"target_n": "9" * 30}, "目标样本量应为 1 到 10,000,000 之间的整数"),
    ({"target_n": "60", "population": "49"}, "目标样本量（60）大于总体规模 N（49）"),
    ({"population": "-3"}, "总体规模应为不小于 2 的整数"),
    ({"department": ""}, "请填写被评价单位"),
])
def test_bad_settings_get_a_message_and_change_nothing(admin_client, database, changes, message):
    before = database.list_surveys()
    response = create(admin_client, **changes)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "尚未保存任何内容" in page
    assert database.list_surveys() == before


def test_non_numeric_or_huge_ids_are_404_not_500(admin_client, yining):
    survey_id, _ = yining
    for url in ("/admin/surveys/abc", "/admin/surveys/-1", "/admin/surveys/1.5/edit", f"/admin/surveys/{10**30}",
                f"/admin/surveys/{2**63}/responses", f"/admin/surveys/{survey_id}/points/{10**25}/png",
                f"/admin/surveys/{survey_id}/points/x/png", f"/admin/surveys/{survey_id}/points/1/gif",
                f"/admin/surveys/{survey_id}/responses?before=99999999999999999999999&flag=zzz&status=;drop"):
        assert admin_client.get(url).status_code in (404, 200), url
    assert admin_client.get(f"/admin/surveys/{survey_id}/responses?before=abc").status_code == 200
    assert post_form(admin_client, "/admin/", f"/admin/surveys/{survey_id}/responses/{10**30}",
                     {"action": "exclude", "reason": "x"}).status_code == 404


def test_sample_size_planner_shows_n_and_fills_the_target(admin_client):
    page = admin_client.get(NEW + "?plan_p=90&plan_e=5&plan_N=500").get_data(as_text=True)
    assert "n = 109" in page  # analysis.sample_size(expected_rate=0.9, margin=0.05, population=500)
    assert 'id="target_n" inputmode="numeric" name="target_n" size="8" type="number" value="109"' in page \
        or re.search(r'name="target_n"[^>]*value="109"', page)
    bad = admin_client.get(NEW + "?plan_p=150&plan_e=x").get_data(as_text=True)
    assert "预期满意率应大于 1、小于 100" in bad and "请输入数字" in bad


def test_edit_settings_later(admin_client, yining, database):
    survey_id, _ = yining
    edit = f"/admin/surveys/{survey_id}/edit"
    page = admin_client.get(edit).get_data(as_text=True)
    assert 'value="伊宁市医疗保障局"' in page and "创建后不可更换" in page
    data = {**GOOD, "target": "90", "rule": "jiangxi-staff", "c51_figure": "top2", "target_n": "120",
            "population": "3000", "title": "改名后的项目"}
    data.pop("questionnaire")
    assert post_form(admin_client, edit, edit, data).status_code == 302
    survey = database.get_survey(survey_id)
    assert (survey["target"], survey["rule"], survey["c51_figure"], survey["target_n"], survey["population"],
            survey["title"]) == (90.0, "jiangxi-staff", "top2", 120, 3000, "改名后的项目")
    assert survey["questionnaire_id"] == "yining-2024-public"
    assert post_form(admin_client, edit, edit, {**data, "target": "101"}).status_code == 400
    assert database.get_survey(survey_id)["target"] == 90.0
    assert [e["action"] for e in database.audit_entries(survey_id) if e["action"] != "add_point"] == ["create", "grant", "settings"]  # its chain opens at creation, then the creator's grant
    detail = [e["detail"] for e in database.audit_entries(survey_id) if e["action"] == "settings"][0]
    assert "目标值：95 → 90" in detail and "总体规模 N：（空） → 3000" in detail  # the form's words, not field names
    assert post_form(admin_client, edit, edit, {**data, "subjects": "窗口办事群众"}).status_code == 302
    detail = [e["detail"] for e in database.audit_entries(survey_id) if e["action"] == "settings"][-1]
    assert detail.startswith("（一）调研对象：（空） → 窗口办事群众"), detail  # a label that is all parenthesis
    log = admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)
    assert "修改设置" in log and "目标值：95 → 90" in log


def test_add_points_and_download_their_qr_codes(admin_client, database, app):
    survey_id = int(create(admin_client).headers["Location"].rsplit("/", 1)[1])
    dashboard = f"/admin/surveys/{survey_id}"
    for name in ("业务大厅", "1号窗口", "业务大厅"):  # adding twice is harmless, and said so
        assert post_form(admin_client, dashboard, f"{dashboard}/points", {"name": name}).status_code == 302
        said = admin_client.get(dashboard).get_data(as_text=True)
    assert "采集点“业务大厅”已存在" in said and "未重复添加" in said
    assert post_form(admin_client, dashboard, f"{dashboard}/points", {"name": "  "}).status_code == 302
    points = database.list_points(survey_id)
    assert [p["name"] for p in points] == ["业务大厅", "1号窗口"]
    page = admin_client.get(dashboard).get_data(as_text=True)
    assert "请填写采集点名称" in page  # the blank name was refused with a message
    hall = points[0]
    url = f"http://127.0.0.1:5000/s/{hall['code']}"
    assert url in page

    png = admin_client.get(f"{dashboard}/points/{hall['id']}/png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert "attachment" in png.headers["Content-Disposition"]
    assert f'filename="manyi-point-{hall["code"]}.png"' in png.headers["Content-Disposition"]  # an old browser's
    assert f"filename*=UTF-8''{quote('业务大厅-' + hall['code'] + '.png')}" in png.headers["Content-Disposition"]
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))] == [url]
    svg = admin_client.get(f"{dashboard}/points/{hall['id']}/svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    poster = admin_client.get(f"{dashboard}/points/{hall['id']}/poster")
    html = poster.get_data(as_text=True)
    assert poster.status_code == 200 and poster.mimetype == "text/html"
    assert "业务大厅" in html and hall["code"] in html and url in html and "<svg" in html
    assert "style-src 'unsafe-inline'" in poster.headers["Content-Security-Policy"]  # the poster's own CSS
    assert "script-src" not in poster.headers["Content-Security-Policy"]


def test_open_and_close_the_survey(admin_client, database, client):
    survey_id = int(create(admin_client, opens_on="", closes_on="").headers["Location"].rsplit("/", 1)[1])
    dashboard = f"/admin/surveys/{survey_id}"
    post_form(admin_client, dashboard, f"{dashboard}/points", {"name": "业务大厅"})
    code = database.list_points(survey_id)[0]["code"]
    assert admin_client.get(f"/s/{code}").status_code == 403  # draft: not yet open
    assert "开放收集" in admin_client.get(dashboard).get_data(as_text=True)
    post_form(admin_client, dashboard, f"{dashboard}/status", {"action": "open"})
    assert database.get_survey(survey_id)["status"] == "open"
    assert admin_client.get(f"/s/{code}").status_code == 200
    closed = post_form(admin_client, dashboard, f"{dashboard}/status", {"action": "closed"}, follow_redirects=True)
    assert database.get_survey(survey_id)["status"] == "closed"
    assert "如是误点，点击“重新开放收集”即可恢复" in closed.get_data(as_text=True)  # one click, no confirmation
    assert admin_client.get(f"/s/{code}").status_code == 410
    assert post_form(admin_client, dashboard, f"{dashboard}/status", {"action": "deleted"}).status_code == 400
    assert database.get_survey(survey_id)["status"] == "closed"
    assert [e["action"] for e in database.audit_entries(survey_id) if e["action"] != "add_point"] == ["create", "grant", "open", "closed"]


def test_dashboard_shows_the_yining_figures(admin_client, yining):
    survey_id, (hall, window) = yining
    rows = yining_rows()
    submit_all(admin_client, hall, rows[:30])
    submit_all(admin_client, window, rows[30:])
    html = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert tally(html, "q5") == [("非常满意", 46, "92.0%"), ("比较满意", 2, "4.0%"), ("一般满意", 2, "4.0%"),
                                 ("不太满意", 0, "0.0%"), ("不满意", 0, "0.0%")]
    assert tally(html, "gender") == [("男", 22, "44.0%"), ("女", 28, "56.0%")]
    assert [(n, pct) for _, n, pct in tally(html, "age")] == [(11, "22.0%"), (19, "38.0%"), (17, "34.0%"), (3, "6.0%")]
    for qid, counts in YINING_COUNTS.items():  # every item of the annex, counts as printed in 附件3
        assert [n for _, n, _ in tally(html, qid)] == list(counts.values()), qid
        assert re.search(rf'data-question="{qid}">.*?<tfoot><tr><th>合计</th><th class="num">50</th>'
                         r'<th class="num">100.0%</th>', html, re.S), qid
    page = text(html)
    assert "满意度得分 97.6 分 （双侧 95% 置信区间 91.47–99.36 分" in page
    assert "(46×100 + 2×80 + 2×60 + 0×40 + 0×20) ÷ 50 = 97.6 分" in page  # traceable to the counts
    assert "点估计 97.6 分 5 / 5" in page
    assert "单侧 95% 置信下限 92.49 分低于目标值 95 分，在抽样误差范围内尚不能排除总体满意度低于目标" in page
    assert "结果显示受访者满意度得分为 97.6 分（百分制" in page and "达到预期设定目标" not in page
    assert "扫码打开 50" in page and "回收 50" in page and "有效问卷 50" in page and "有效率 100.0% 50 ÷ 50" in page
    assert "有效问卷 50 / 目标 n = 50（100.0%）" in page
    assert "业务大厅 " in page and " 30 30 " in page and " 20 20 " in page  # per point: returned, valid
    assert "设计效应 deff" not in page  # two points: no cluster diagnostic
    links = re.findall(rf'href="/admin/surveys/{survey_id}/export/([\w-]+)"[^>]*>([^<]+)<', html)
    assert [fmt for fmt, _ in links] == ["csv", "labels", "xlsx", "sav", "json", "receipt", "docx-annex", "docx-c51", "docx-paper", "xlsx-paper"]
    assert links == [(fmt, spec.label) for fmt, spec in reports.FORMATS.items() if spec.on_page]  # the one list
    assert f'href="/admin/surveys/{survey_id}/c51"' in html


def test_dashboard_rate_figure_with_an_unresolved_verdict(admin_client, yining, database):
    survey_id, (hall, _) = yining
    database.update_survey(survey_id, c51_figure="top2")
    submit_all(admin_client, hall, yining_rows())
    page = text(admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))
    assert "满意率（前两项） 96.0%" in page and "满意率（前两项）＝选择“非常满意”“比较满意”的人数 ÷ 有效问卷数 = 48 ÷ 50 × 100% = 96.0%" in page
    assert "按当前样本量尚不能判定是否达到目标" in page and "有效样本约达 n = 1332 时单侧置信界才越过目标值；这只有约一半把握" in page


def test_dashboard_of_an_empty_survey(admin_client, yining):
    survey_id, _ = yining
    page = text(admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))
    assert "尚无有效问卷" in page and "暂无 C51 结果" in page and "有效率 — 0 ÷ 0" in page and "有效率 0.0%" not in page  # 0 ÷ 0 is no rate
    assert "合计 0 —" in page and "合计 0 0.0%" not in page  # a share of nothing is no share either


def test_an_unknown_evaluator_address_gets_the_evaluators_page(admin_client):
    page = admin_client.get("/admin/no-such-page")
    body = page.get_data(as_text=True)
    assert page.status_code == 404 and "没有找到这个页面，或您没有该评价项目的访问权限" in body and "二维码" not in body
    assert "退出登录" in body and "修改密码" in body  # the header of a logged-in evaluator, as on every other page


def test_an_unknown_evaluator_address_offers_no_logout_to_someone_not_logged_in(client):
    body = client.get("/admin/no-such-page").get_data(as_text=True)
    assert "没有找到这个页面" in body and "退出登录" not in body


@pytest.mark.parametrize(("dates", "said"), [({"closes_on": "2000-01-31"}, "已过结束日期，群众无法提交"),
                                             ({"opens_on": "2099-01-01"}, "未到开始日期，群众暂不能提交"),
                                             ({}, None)])
def test_the_status_badge_says_when_the_dates_turn_citizens_away(admin_client, client, yining, database, dates, said):
    """收集中 with an end date already past turned every citizen away while the badge said 收集中."""
    survey_id, codes = yining
    database.update_survey(survey_id, status="open", **dates)
    for url in ("/admin/", f"/admin/surveys/{survey_id}"):
        page = admin_client.get(url).get_data(as_text=True)
        assert "收集中" in page
        assert (said in page) if said else ("群众无法提交" not in page and "群众暂不能提交" not in page)
    citizen = client.get(f"/s/{codes[0]}")
    assert citizen.status_code == {None: 200, "已过结束日期，群众无法提交": 410}.get(said, 403)


def test_a_point_name_that_only_looks_different_is_the_same_point(admin_client, yining, database):
    """An evaluator's review added 综合窗口 + U+200B and 综合　窗口 beside 综合窗口: three points, two of them empty in
    every annex. Invisible characters are dropped and names that differ in spaces, width or case are one point."""
    survey_id, _ = yining
    dashboard = f"/admin/surveys/{survey_id}"
    post_form(admin_client, dashboard, f"{dashboard}/points", {"name": "综合窗口"})
    for look_alike in ("综合窗口\u200b", "综合　窗口", " 综合 窗口 ", "\ufeff综合窗口"):
        page = post_form(admin_client, dashboard, f"{dashboard}/points", {"name": look_alike},
                         follow_redirects=True).get_data(as_text=True)
        assert "未重复添加" in page, look_alike
    assert [p["name"] for p in database.list_points(survey_id)] == ["业务大厅", "1号窗口", "综合窗口"]
    assert database.add_point(survey_id, "ＡＢ窗口")["name"] == database.add_point(survey_id, "ab窗口")["name"]
