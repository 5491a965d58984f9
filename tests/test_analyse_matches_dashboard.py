"""``manyi analyse`` on a survey's JSON download judges the figure the dashboard judges: the same satisfied
codes (top-2, top-3), the same figure (rate or score), the same population N, so the same estimate, interval,
deciding bound, verdict and C51 points."""
import html
import json

import pytest

import analysis
from analysis.cli import main as analyse
from tests.reports_helpers import download, filled, result_of  # noqa: F401

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
