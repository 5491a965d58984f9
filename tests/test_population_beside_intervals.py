"""The N used is printed beside every interval it moves: the dashboard's 各题频数 estimates and the breakdown
tables' 合计 rows, with a population N, say N = 60 beside their intervals: a rate's is the exact hypergeometric
interval (精确超几何区间（有限总体，N = 60）), a score's carries the finite-population correction."""
import html
import re

from tests.reports_helpers import filled, result_of  # noqa: F401


def test_every_interval_moved_by_n_says_n_on_the_dashboard(app, database, admin_client, filled):
    database.update_survey(filled, population=60)
    r = result_of(app, database, filled)
    assert r.breakdowns.population == 60
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    lines = re.findall(r"<p class=\"small\" data-estimates>(.*?)</p>", page, re.S)
    assert lines
    for line in lines:
        scores = re.findall(r"分（95% 置信区间 [^（）]*", line)
        rates = re.findall(r"\d/\d+；95% 置信区间 [^（）]*（[^（）]*）", line)
        assert scores and all("有限总体校正，N = 60" in ci for ci in scores), line
        assert rates and all(ci.endswith("精确超几何区间（有限总体，N = 60）") for ci in rates), line
    totals = [re.sub(r"<[^>]+>", "", row) for row in re.findall(r'<tr data-group="合计">(.*?)</tr>', page, re.S)]
    assert totals
    for row in totals:
        rate, *score = re.findall(r"（[^（）]*–[^（）]*(?:（[^（）]*）)?）", row)
        assert rate.endswith("；精确超几何区间（有限总体，N = 60））"), row
        assert all("；有限总体校正，N = 60，抽样比 83.3%）" in cell for cell in score), row


def test_an_n_that_leaves_a_score_interval_as_it_is_is_not_called_a_correction(app, database, admin_client, filled):
    """50 of N = 500: every score interval prints as without N; the dashboard's lines and 合计 rows say N and the
    sampling fraction, and that the correction changed nothing, never '有限总体校正，N = 500' alone."""
    plain = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    database.update_survey(filled, population=500)
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    said = "总体 N = 500，抽样比 10.0%，有限总体校正对区间无影响"
    lines = re.findall(r"<p class=\"small\" data-estimates>(.*?)</p>", page, re.S)
    before = re.findall(r"<p class=\"small\" data-estimates>(.*?)</p>", plain, re.S)
    assert lines and len(lines) == len(before)
    for line, old in zip(lines, before):
        scores = re.findall(r"分（95% 置信区间 ([^（）；]*)；([^（）]*)", line)
        assert scores and all(note == said for _, note in scores), line
        assert [ci for ci, _ in scores] == re.findall(r"分（95% 置信区间 ([^（）；]*)）", old)  # as without N
    totals = [re.sub(r"<[^>]+>", "", row) for row in re.findall(r'<tr data-group="合计">(.*?)</tr>', page, re.S)]
    assert totals and all(f"；{said}）" in row for row in totals)
    assert "有限总体校正，N" not in page


def test_without_n_no_correction_is_claimed(app, database, admin_client, filled):
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    assert "有限总体校正" not in page and "精确超几何区间" not in page


def test_manyi_analyse_says_the_n_beside_a_score_interval_too(app, database, admin_client, filled, tmp_path, capsys):
    """`manyi analyse` on the JSON download prints each item's score interval with N = 60 (98.00 at the top, moved
    by N) and says so as the page does, beside the rate's hypergeometric interval; without N it claims none."""
    from analysis.cli import main as analyse
    from tests.reports_helpers import download
    database.update_survey(filled, population=60)
    path = tmp_path / "survey.json"
    path.write_bytes(download(admin_client, filled, "json").get_data())
    assert analyse([str(path)]) == 0
    scores = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  score (")]
    assert scores and all(line.endswith("(gaffke; 有限总体校正，N = 60，抽样比 83.3%)") for line in scores), scores
    assert any("91.47–98.00 分" in line for line in scores)
    database.update_survey(filled, population=None)
    path.write_bytes(download(admin_client, filled, "json").get_data())
    assert analyse([str(path)]) == 0
    assert "有限总体校正" not in capsys.readouterr().out
