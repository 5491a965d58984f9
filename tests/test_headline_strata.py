"""Points are strata (issue 12, items 6 and 7): with every point's 办件量 entered, the headline rate is the
stratified estimate and its verdict decides; without it, the simple estimate. The annex reports page opens,
the completion rate and, with 办件量, the response rate instead of "发放 = 回收"."""
import html
import io
import re

import docx
import pytest

import analysis
from tests.reports_helpers import download, filled, result_of  # noqa: F401


def _points(database, survey_id):
    return {p["name"]: p["id"] for p in database.point_counts(survey_id)}


def _annex(client, survey_id) -> str:
    document = docx.Document(io.BytesIO(download(client, survey_id, "docx-annex").get_data()))
    return "\n".join(p.text for p in document.paragraphs)


def test_with_every_points_transactions_the_headline_is_stratified(app, database, admin_client, filled):
    database.update_survey(filled, c51_figure="top2")
    simple = result_of(app, database, filled).headline
    assert simple.judgement.method == analysis.verdicts.EXACT
    ids = _points(database, filled)
    database.set_point_fieldwork(ids["业务大厅"], issued=None, served=900, actor="test")
    database.set_point_fieldwork(ids["1号窗口"], issued=None, served=100, actor="test")
    result = result_of(app, database, filled)
    h = result.headline
    assert h.judgement.method == analysis.verdicts.STRATIFIED and "分层" in h.bound_method
    per_point = {}
    for t in database.tallies(filled):
        if t["question_id"] == "q5":
            x, n = per_point.get(t["point_id"], (0, 0))
            per_point[t["point_id"]] = (x + (t["n"] if t["value"] in ("A", "B") else 0), n + t["n"])
    shares = {ids["业务大厅"]: 0.9, ids["1号窗口"]: 0.1}
    expected = sum(shares[p] * x / n for p, (x, n) in per_point.items())
    assert h.judgement.estimate == pytest.approx(expected, abs=1e-12)
    assert h.points.at_estimate.value_pct == analysis.formatting.rounded(100 * expected, 1)
    assert h.label == "满意率（前两项）（按办件量分层估计）" and [s.n for s in h.strata] == [30, 20]
    # the page and the annex say which estimate decides
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    assert "按采集点办件量分层估计" in page and h.verdict_text in page
    basis = page[page.index("data-strata"):page.index("</td>", page.index("data-strata"))]
    hall, window = per_point[ids["业务大厅"]], per_point[ids["1号窗口"]]
    assert f"900/1000 × {hall[0]}/{hall[1]} + 100/1000 × {window[0]}/{window[1]}" in basis  # redone by hand exactly
    assert f"业务大厅：办件量 900 件（占比 90.0%），有效回答 {hall[1]} 份，满意 {hall[0]} 份" in basis
    annex = _annex(admin_client, filled)
    assert "有效问卷占办件量的" in annex and "（应答率）" in annex


def test_a_missing_points_transactions_keep_the_simple_estimate(app, database, admin_client, filled):
    database.update_survey(filled, c51_figure="top2")
    ids = _points(database, filled)
    database.set_point_fieldwork(ids["业务大厅"], issued=None, served=900, actor="test")
    h = result_of(app, database, filled).headline
    assert h.judgement.method == analysis.verdicts.EXACT
    annex = _annex(admin_client, filled)
    assert "应答率" not in annex and "发放 50 份" not in annex


def test_the_annex_says_what_a_convenience_sample_means(admin_client, filled):
    annex = _annex(admin_client, filled)
    assert "方便抽样" in annex and "不在区间之内" in annex
    assert "实际发放" not in annex


def test_the_design_effect_is_not_shown_across_two_points(app, database, filled):
    assert result_of(app, database, filled).design is None


def test_an_unresolved_verdict_says_what_the_sample_size_can_show(database, admin_client, filled):
    annex = _annex(admin_client, filled)   # the score 97.6: Gaffke's bound 92.49 < 95
    assert ("关于样本量：n = 50 时，若全部选择最高一档，单侧 95% 置信下限可达 95.34 分，足以证明满意度得分达到 95 分；"
            "现有答案尚不能证明") in annex  # not "只到 95.34 分", as if 95.34 were below 95
    database.update_survey(filled, target=96.0)
    annex = _annex(admin_client, filled)
    assert ("n = 50 时即使全部选择最高一档，满意度得分的单侧 95% 置信下限也只有 95.34 分，无法证明满意度得分达到 96 分；"
            "即使全部选择最高一档，也至少需要有效问卷 n = 59 份") in annex  # 20 + 80·0.05^(1/n) ≥ 96 from n = 59
    database.update_survey(filled, target=95.0)
    database.update_survey(filled, c51_figure="top2")  # 48 of 50 against 95 %
    annex = _annex(admin_client, filled)
    assert "n = 50 时即使全部满意，单侧 95% 置信下限也只有 94.2%，无法证明满意率达到 95%。" in annex
    assert "要以 80% 的检验效能证明满意率达到 95%" in annex
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    assert "无法证明满意率达到 95%" in page


def test_a_score_headline_is_stratified_too(app, database, admin_client, filled):
    ids = _points(database, filled)
    database.set_point_fieldwork(ids["业务大厅"], issued=None, served=900, actor="test")
    database.set_point_fieldwork(ids["1号窗口"], issued=None, served=100, actor="test")
    h = result_of(app, database, filled).headline
    assert h.figure == "score" and h.judgement.method == analysis.strata.STRATIFIED_SCORE
    per_point = {}
    for t in database.tallies(filled):
        if t["question_id"] == "q5":
            total, n = per_point.get(t["point_id"], (0.0, 0))
            per_point[t["point_id"]] = (total + t["n"] * {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}[t["value"]],
                                        n + t["n"])
    expected = 0.9 * per_point[ids["业务大厅"]][0] / per_point[ids["业务大厅"]][1] \
        + 0.1 * per_point[ids["1号窗口"]][0] / per_point[ids["1号窗口"]][1]
    assert h.judgement.estimate == pytest.approx(expected, abs=1e-9)
    assert h.judgement.low <= h.judgement.estimate <= h.judgement.high and "分层" in h.bound_method
    # one label for the stratified figure wherever it is printed, and its own arithmetic on the page
    assert h.label == "满意度得分（按办件量分层估计）" and "满意度得分（按办件量分层估计）" in h.points.at_estimate.sentence
    assert [(s.point_id, s.share, s.n) for s in h.strata] == [(ids["业务大厅"], pytest.approx(0.9), 30),
                                                              (ids["1号窗口"], pytest.approx(0.1), 20)]
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    basis = page[page.index("data-strata"):page.index("</td>", page.index("data-strata"))]
    hall, window = (per_point[ids[name]][0] for name in ("业务大厅", "1号窗口"))
    from analysis.formatting import num
    # exact operands (办件量 and points as counts), so the printed sum can be redone by hand or in Excel
    assert f"900/1000 × {num(hall)}/30 + 100/1000 × {num(window)}/20" in basis and f"= {num(h.value)} 分" in basis
    redone = sum(float(a) / float(b) * float(c) / float(d)
                 for a, b, c, d in re.findall(r"(\d+)/(\d+) × ([\d.]+)/(\d+)", basis))
    assert num(redone) == num(h.value)
    assert f"业务大厅：办件量 900 件（占比 90.0%），有效回答 30 份，得分合计 {num(hall)} 分" in basis
    assert "Σ(人数 × 分值)" not in page
    for text in (_annex(admin_client, filled),
                 "\n".join(c.text for t in docx.Document(io.BytesIO(download(admin_client, filled, "docx-c51").get_data())).tables
                           for row in t.rows for c in row.cells)):
        assert f"满意度得分（按办件量分层估计）为 {num(h.value)} 分" in text or f"满意度得分（按办件量分层估计）{num(h.value)}" in text
        # the documents carry the same exact arithmetic as the page (the annex said 97.6 and 97.13 with no shares)
        assert f"900/1000 × {num(hall)}/30 + 100/1000 × {num(window)}/20 = {num(h.value)} 分" in text
        assert "业务大厅：办件量 900 件（占比 90.0%），有效回答 30 份" in text


def test_a_stratified_unresolved_verdict_says_what_its_own_sample_can_show(app, database, admin_client, filled):
    """The ceiling sentence under a stratified headline is the stratified bound with every answer at the top
    (each point keeping its n and share), not the simple sample's."""
    from survey_app.reports.planning_text import headline_sentences, score_ceiling_sentence

    ids = _points(database, filled)
    database.set_point_fieldwork(ids["业务大厅"], issued=None, served=200, actor="test")
    database.set_point_fieldwork(ids["1号窗口"], issued=None, served=600, actor="test")
    h = result_of(app, database, filled).headline
    assert h.verdict != "met" and h.strata
    (sentence,) = headline_sentences(h)
    best = analysis.stratified_score_verdict(
        {s.point_id: (analysis.satisfaction_score({"A": s.n}, points={"A": 100, "E": 20}, method="gaffke"), s.share)
         for s in h.strata}, target=95, confidence_level=0.95).bound
    assert sentence.startswith("按办件量分层估计，2 个采集点共 n = 50 份有效问卷时即使全部选择最高一档")
    assert analysis.formatting.num(best, toward="down") + " 分" in sentence
    assert sentence != score_ceiling_sentence(50, 95.0, h.judgement.scale)
    page = admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True)
    assert sentence in page and sentence in _annex(admin_client, filled)


def test_a_population_smaller_than_the_answers_is_ignored_with_a_note(app, database, admin_client, filled):
    """n > N: the stated answer is no finite-population correction and a note asking to check N."""
    database.update_survey(filled, population=30, c51_figure="top2")
    h = result_of(app, database, filled).headline
    assert h.judgement.population is None and h.judgement.method == analysis.verdicts.EXACT
    assert any("总体数 N = 30 小于有效问卷数" in note for note in h.notes)
    assert "总体数 N = 30 小于有效问卷数" in _annex(admin_client, filled)


def test_the_command_line_never_judges_a_stratified_download_differently(app, database, admin_client, filled, tmp_path,
                                                                          capsys):
    """The JSON download holds the totals, not each point's counts: `manyi analyse` on it refuses to give the
    simple estimate's verdict in place of the stratified one, names the one that stands, and judges the totals
    only when asked (--simple)."""
    from analysis.cli import main as analyse

    ids = _points(database, filled)
    database.set_point_fieldwork(ids["业务大厅"], issued=None, served=200, actor="test")
    database.set_point_fieldwork(ids["1号窗口"], issued=None, served=600, actor="test")
    h = result_of(app, database, filled).headline
    path = tmp_path / "survey.json"
    path.write_bytes(download(admin_client, filled, "json").get_data())
    assert analyse([str(path)]) == 2
    err = capsys.readouterr().err
    assert "stratified by the points' 办件量" in err and h.verdict_text in err and "--simple" in err
    assert analyse([str(path), "--simple"]) == 0
    assert "97.6" in capsys.readouterr().out  # the totals' simple score, asked for


def test_a_stratified_scores_interval_is_described_as_computed(app, database, admin_client, filled):
    """The interval is one Gaffke interval of the points' answers pooled with 办件量 weights, at the effective
    sample size (analysis.stratified_score_verdict), not the points' own Gaffke intervals weighted: the method
    printed beside it says so."""
    ids = _points(database, filled)
    database.set_point_fieldwork(ids["业务大厅"], issued=None, served=900, actor="test")
    database.set_point_fieldwork(ids["1号窗口"], issued=None, served=100, actor="test")
    h = result_of(app, database, filled).headline
    assert h.judgement.method == analysis.strata.STRATIFIED_SCORE
    counts = {}
    for t in database.tallies(filled):
        if t["question_id"] == "q5":
            counts.setdefault(t["point_id"], {})[t["value"]] = t["n"]
    ladder = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}
    own = {p: analysis.satisfaction_score(c, points=ladder, method="gaffke") for p, c in counts.items()}
    weighted = [sum(share * getattr(own[ids[name]].ci, end) for name, share in (("业务大厅", 0.9), ("1号窗口", 0.1)))
                for end in ("low", "high")]
    assert weighted != pytest.approx([h.judgement.ci.low, h.judgement.ci.high])  # not what is computed
    assert "加权合并" in h.method and "Fay–Feuer 伽马区间" in h.method
    assert "各采集点 Gaffke 区间按办件量加权" not in h.method
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    assert h.method in page
