"""A census (every one of the population answered, n = N) has no sampling error: no output prints an interval
or a one-sided bound for its C51 figure beside 全面调查（n = N），无抽样误差."""
import html
import json

import pytest

from analysis.cli import main as analyse
from tests.reports_helpers import download, filled, result_of  # noqa: F401
from tests.test_one_verdict import _docx_text, _xlsx_cells


@pytest.mark.parametrize("figure", ["top2", "score"])
def test_a_census_prints_no_interval_and_no_bound(figure, app, database, admin_client, filled, tmp_path, capsys):
    database.update_survey(filled, c51_figure=figure, population=50)
    h = result_of(app, database, filled).headline
    assert h.n == 50 and h.judgement.population == 50
    assert h.method == h.bound_method == "全面调查（n = N = 50），无抽样误差"
    assert h.verdict_text.startswith("全面调查（无抽样误差），实际值 ")
    page = html.unescape(admin_client.get(f"/admin/surveys/{filled}").get_data(as_text=True))
    c51_page = html.unescape(admin_client.get(f"/admin/surveys/{filled}/c51").get_data(as_text=True))
    docs = [_docx_text(download(admin_client, filled, fmt)) for fmt in ("docx-annex", "docx-c51")]
    # the breakdown tables' method note says the 合计 row is the census too (no N correction of a census)
    assert "合计行为全面调查（n = N = 50），无抽样误差" in page and "合计行为全面调查（n = N = 50），无抽样误差" in docs[0]
    for shown in (page, c51_page, *docs):
        assert h.verdict_text in shown and "全面调查（n = N = 50），无抽样误差" in shown
        for wording in ("双侧 95% 置信区间", "单侧 95% 置信", "以单侧置信界判定", "置信区间两端", "有限总体校正",
                        "精确超几何区间"):
            assert wording not in shown, wording
    cells = _xlsx_cells(download(admin_client, filled, "xlsx"))
    assert not [k for k in cells if "置信" in k] and cells["区间方法"] == h.method
    summary = json.loads(download(admin_client, filled, "json").get_data())
    assert summary["headline"]["verdict_text"] == h.verdict_text
    path = tmp_path / "survey.json"
    path.write_bytes(json.dumps(summary, ensure_ascii=False).encode())
    assert analyse([str(path)]) == 0
    out = capsys.readouterr().out
    assert h.verdict_text in out and "CI" not in out.split("target ≥")[0].split("rate (")[1]
