"""A survey's satisfaction rate just below its target never prints as reaching it by rounding, wherever it is
printed: 189 of 199 answers in the top two (94.97 %) against 95 % reads 94.97%, not 95.0%, on the dashboard
(the item's line, the breakdowns' 合计 and groups), in the annex (the item's paragraph, the groups), in the
XLSX (汇总, 交叉-* sheets: the number format, the stored value unchanged) and in ``manyi analyse`` on the JSON
download; against a target it meets (90 %) the same rate keeps one decimal (95.0%)."""
import html
import io
import itertools
import re

import docx
import openpyxl
import pytest

from analysis.cli import main as analyse
from tests.reports_helpers import download
from tests.yining import submit_all, yining_rows

RATE = 100 * 189 / 199  # 94.9749 %


@pytest.fixture
def just_below(app, client, database, yining):
    """The Yining survey judged on its top-two rate, q5 answered 189 A + 10 C over its two points."""
    survey_id, (hall, window) = yining
    database.update_survey(survey_id, c51_figure="top2")
    rows = [{**row, "q5": "A" if i < 189 else "C"}
            for i, row in enumerate(itertools.islice(itertools.cycle(yining_rows()), 199))]
    submit_all(client, hall, rows[::2])
    submit_all(client, window, rows[1::2])
    return survey_id


def _page(admin_client, survey_id) -> str:
    return html.unescape(admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True))


def _annex(admin_client, survey_id) -> str:
    document = docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex").get_data()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _shown(value, fmt: str) -> str:
    """A percent cell as Excel shows it (the number format's decimals)."""
    places = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
    return f"{100 * value:.{places}f}%"


def _xlsx_rates(admin_client, survey_id) -> dict:
    """sheet -> [(row label, value, format)] of the cells holding 189/199 (to 10⁻⁶)."""
    book = openpyxl.load_workbook(io.BytesIO(download(admin_client, survey_id, "xlsx").get_data()))
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, float) and abs(c.value - RATE / 100) < 1e-6:
                    found.setdefault(ws.title, []).append((row[0].value, c.value, c.number_format))
    return found


def _cli(admin_client, survey_id, tmp_path, capsys) -> str:
    path = tmp_path / "survey.json"
    path.write_bytes(download(admin_client, survey_id, "json").get_data())
    assert analyse([str(path)]) == 0
    return capsys.readouterr().out


def test_a_rate_just_below_the_target_prints_below_it_everywhere(database, admin_client, just_below, tmp_path,
                                                                   capsys):
    page = _page(admin_client, just_below)
    assert "满意率（前两项） 94.97%（189/199；" in page                      # the item's line
    footer = re.search(r'<tfoot><tr data-group="合计">.*?</tr></tfoot>', page, re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", footer, re.S)]
    assert cells[2].startswith("94.97%（") and "95.0%" not in footer  # the breakdowns' 合计
    annex = _annex(admin_client, just_below)
    assert "合计）为 94.97%（95% 置信区间" in annex and "合计）为 95.0%" not in annex
    cells = _xlsx_rates(admin_client, just_below)
    assert set(cells) >= {"汇总", "交叉-按采集点"}
    for sheet, found in cells.items():
        for label, value, fmt in found:
            assert value == pytest.approx(0.949749) and _shown(value, fmt) == "94.97%", (sheet, label, fmt)
    assert any(label == "合计" for label, *_ in cells["交叉-按采集点"])
    out = _cli(admin_client, just_below, tmp_path, capsys)
    assert "rate (满意率（前两项）): 94.97%" in out and "rate (满意率（前两项）): 95.0%" not in out

    database.update_survey(just_below, target=90.0)  # met: one decimal, as every figure above its target
    page = _page(admin_client, just_below)
    assert "满意率（前两项） 95.0%（189/199；" in page and "94.97%" not in page
    assert "合计）为 95.0%（95% 置信区间" in _annex(admin_client, just_below)
    for found in _xlsx_rates(admin_client, just_below).values():
        assert {fmt for *_, fmt in found} == {"0.0%"}
    assert "rate (满意率（前两项）): 95.0%" in _cli(admin_client, just_below, tmp_path, capsys)
