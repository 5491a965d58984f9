"""The N used is printed beside every interval it moves: the dashboard's 各题频数 estimates and the breakdown
tables' 合计 rows, with a population N, say 有限总体校正，N = 60 beside their intervals."""
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
        intervals = re.findall(r"95% 置信区间 [^（）]*", line)
        assert intervals and all("有限总体校正，N = 60" in ci for ci in intervals), line
    totals = re.findall(r'<tr data-group="合计">(.*?)</tr>', page, re.S)
    assert totals
    for row in totals:
        cells = re.findall(r"（[^（）]*–[^（）]*）", row)
        assert cells and all("有限总体校正，N = 60" in cell for cell in cells), row


def test_without_n_no_correction_is_claimed(app, database, admin_client, filled):
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    assert "有限总体校正" not in page
