"""``manyi analyse`` on a survey's JSON download judges the figure the dashboard judges: the same satisfied
codes (top-2, top-3), the same figure (rate or score), the same population N, so the same estimate, interval,
deciding bound, verdict and C51 points."""
import html
import json

import pytest

import analysis
from analysis.cli import main as analyse
from tests.reports_helpers import download, filled, result_of  # noqa: F401
from tests.helpers import S5_SCALE

CASES = {
    "top2": {"c51_figure": "top2"},
    "top3": {"c51_figure": "top3"},
    "score": {"c51_figure": "score"},
    "top3-with-N": {"c51_figure": "top3", "population": 60},
    "score-with-N": {"c51_figure": "score", "population": 60},
}


@pytest.mark.parametrize("case", list(CASES))
def test_analyse_on_the_download_agrees_with_the_dashboard(case, app, database, admin_client, filled, tmp_path,
                                                           capsys):
    database.update_survey(filled, **CASES[case])
    h = result_of(app, database, filled).headline
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    assert h.verdict_text in page
    path = tmp_path / "survey.json"
    path.write_bytes(download(admin_client, filled, "json").get_data())
    assert analyse([str(path), "--json"]) == 0
    item = json.loads(capsys.readouterr().out)["items"][0]
    v = item["verdict"]
    assert v["figure"] == h.figure and v["n"] == h.n and v["population"] == h.judgement.population
    assert v["estimate"] == pytest.approx(h.judgement.estimate) and v["verdict"] == h.verdict
    assert (v["low"], v["high"]) == pytest.approx((h.judgement.low, h.judgement.high))
    assert (v["ci"]["low"], v["ci"]["high"]) == pytest.approx((h.judgement.ci.low, h.judgement.ci.high))
    points = item["points"]
    assert points["at_estimate"]["points"] == pytest.approx(h.points.at_estimate.points)
    assert (points["points_low"], points["points_high"]) == pytest.approx((h.points.points_low, h.points.points_high))
    assert analyse([str(path)]) == 0
    assert h.verdict_text in capsys.readouterr().out


def test_manyi_analyse_names_questions_and_verdicts_as_the_documents_do(app, database, admin_client, filled,
                                                                         runner, tmp_path):
    """`manyi analyse` on the download names each question by the form's number and text, as the review page,
    the raw data and the SPSS labels do ('第 7 题 您对…', never 'q5'), prints the dashboard's 目标判定 and
    判定依据 (no raw 'unresolved'), the rule by its name and the points at the interval's ends as the documents."""
    from analysis.formatting import num
    from survey_app.reports.wording import question_title
    r = result_of(app, database, filled)
    h, q = r.headline, r.questionnaire
    path = tmp_path / "survey.json"
    path.write_bytes(download(admin_client, filled, "json").get_data())
    result = runner.invoke(args=["analyse", str(path)])
    assert result.exit_code == 0, result.output
    out = result.output
    lines = out.splitlines()
    assert f"{question_title(q, q.question('q5'), str(q.question('q5').text))}  (n = {h.n})" in lines
    assert lines[2].startswith("第 7 题 您对 2024 年度伊宁市医疗保障局整体工作的满意度如何？")
    for qid in ("q1", "q2", "q3", "q4", "q5"):   # every item, judged or left out, by its number on the form
        assert question_title(q, q.question(qid), str(q.question(qid).text)) in out
    words = set(out.replace("（", " ").replace("(", " ").replace(",", " ").split())
    assert not words & {"q1", "q2", "q3", "q4", "q5", "unresolved", "met", "missed", "linear"}, out
    assert f"{h.judgement.verdict_zh} — {h.verdict_text}" in out and h.verdict_text in out
    assert f"at the interval's ends {num(h.points.points_low)} and {num(h.points.points_high)}\n" in out
    assert "新疆部门整体绩效评价 C51 服务对象满意度" in out and "[gaffke]" not in out


def test_the_top3_case_differs_from_the_questionnaires_own_rate(app, database, filled):
    """The data make top-3 and A+B different figures, so the test above can tell them apart."""
    database.update_survey(filled, c51_figure="top3")
    r = result_of(app, database, filled)
    q5 = next(qr for qr in r.questions if qr.question.id == "q5")
    assert q5.top3.satisfied_count != q5.rate.satisfied_count
    assert r.headline.satisfied == ("A", "B", "C")


@pytest.mark.parametrize("figure, label", [("top3", "满意率（前三项）"), ("top2", "满意率（前两项）")])
def test_the_working_paper_sentence_names_the_rate_it_judges(figure, label, app, database, admin_client, filled,
                                                             tmp_path, capsys):
    """The sentence 结果显示受访者满意率（前三项）为 …% names the figure its label names, in every output."""
    from tests.test_one_verdict import _docx_text, _xlsx_cells
    database.update_survey(filled, c51_figure=figure)
    h = result_of(app, database, filled).headline
    said = f"结果显示受访者{label}为 "
    assert h.label == label and said in h.points.at_estimate.sentence
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    c51_page = html.unescape(admin_client.get(f"/admin/surveys/{filled}/c51").get_data(as_text=True))
    assert said in page and said in c51_page
    assert any(isinstance(v, str) and said in v for v in _xlsx_cells(download(admin_client, filled, "xlsx")).values())
    for fmt in ("docx-annex", "docx-c51"):
        assert said in _docx_text(download(admin_client, filled, fmt)), fmt
    path = tmp_path / "survey.json"
    path.write_bytes(download(admin_client, filled, "json").get_data())
    assert analyse([str(path)]) == 0
    out = capsys.readouterr().out
    assert h.points.at_estimate.sentence in out
    assert f"  rate ({label}): {analysis.formatting.pct(h.value)}" in out   # the headline's label, not A+B+C


def test_analyse_names_a_stratified_rate_as_the_dashboard_prints_it(app, database, admin_client, filled, tmp_path,
                                                                    capsys):
    """The refusal names the stratified 满意率 at one decimal, as every page prints it (94.7%, never 94.67%)."""
    from analysis.formatting import pct
    database.update_survey(filled, c51_figure="top2")
    points = {p["name"]: p["id"] for p in database.list_points(filled)}
    database.set_point_fieldwork(points["业务大厅"], issued=None, served=800, actor="test")
    database.set_point_fieldwork(points["1号窗口"], issued=None, served=200, actor="test")
    h = result_of(app, database, filled).headline
    assert h.strata and round(h.value, 1) != round(h.value, 2)   # the two roundings differ here
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    assert pct(h.value) in page
    path = tmp_path / "survey.json"
    path.write_bytes(download(admin_client, filled, "json").get_data())
    assert analyse([str(path)]) == 2
    assert f"{h.label} {pct(h.value)}:" in capsys.readouterr().err


COMPOSITE = '''
id = "composite-demo"
version = 1
title = "综合得分测试问卷"
invitation = "您好，本问卷匿名填写，仅用于统计分析。"
[headline]
questions = { q2 = 0.5, q3 = 0.5 }
figure = "score"
''' + S5_SCALE + '''[[sections]]
title = "一、服务评价"
[[sections.questions]]
id = "q2"
text = "您对办事效率满意吗？"
role = "satisfaction"
scale = "s5"
[[sections.questions]]
id = "q3"
text = "您对服务态度满意吗？"
role = "satisfaction"
scale = "s5"
'''


def test_analyse_on_a_composite_download_never_prints_another_verdict(tmp_path, capsys):
    """A headline weighted over q2 and q3 (综合满意度得分) is one verdict on each respondent's weighted score; the
    download holds the items' counts only, so ``manyi analyse`` names the dashboard's figure and verdict in one
    line and stops (exit 2), rather than judging q2 and q3 one by one; --simple judges the items anyway."""
    from survey_app import create_app, questionnaires, results
    from survey_app.admin.auth import hash_password
    from survey_app.store import EXTENSION, open_store
    from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD, login
    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "composite-demo.toml").write_text(COMPOSITE, encoding="utf-8")
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "c.sqlite3"),
                      "QUESTIONNAIRE_DIR": str(folder)})
    store = open_store(app.config["DATABASE"])
    try:
        survey_id = store.create_survey(questionnaire_id="composite-demo", questionnaire_version=1, title="综合得分测试",
                                        target=95.0, target_n=50)
        point = store.add_point(survey_id, "大厅")["id"]
        rows = [("A", "A")] * 40 + [("A", "B")] * 5 + [("B", "C")] * 5       # q2 45/5, q3 40/5/5
        for i, (q2, q3) in enumerate(rows):
            store.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key=f"c-{i}",
                                answers=[("q2", q2), ("q3", q3)], seconds_on_page=40, language="zh-CN",
                                device_hash=None)
        store.grant(store.create_user(EVALUATOR, hash_password(EVALUATOR_PASSWORD)), survey_id)
        q = questionnaires.catalogue(app).get("composite-demo", 1)
        h = results.compute(store, survey_id, q).headline
    finally:
        store.close()
    try:
        client = app.test_client()
        assert login(client).status_code == 302
        page = html.unescape(client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))
        path = tmp_path / "survey.json"
        path.write_bytes(download(client, survey_id, "json").get_data())
    finally:
        if EXTENSION in app.extensions:
            app.extensions[EXTENSION].close()
    assert h.label == "综合满意度得分" and h.verdict_text in page
    headline = json.loads(path.read_text(encoding="utf-8"))["headline"]
    assert headline["item"] is None and headline["weights"] == {"q2": 0.5, "q3": 0.5}
    assert analyse([str(path)]) == 2
    said = capsys.readouterr()
    assert said.out == "" and len(said.err.strip().splitlines()) == 1
    assert ("weighted composite of 0.5×第 1 题 您对办事效率满意吗？ + 0.5×第 2 题 您对服务态度满意吗？" in said.err
            and "综合满意度得分" in said.err)
    assert h.verdict_text in said.err and "--simple" in said.err
    assert analyse([str(path), "--json"]) == 2 and capsys.readouterr().out == ""
    assert analyse([str(path), "--simple", "--json"]) == 0
    assert [item["id"] for item in json.loads(capsys.readouterr().out)["items"]] == ["q2", "q3"]
