"""The XLSX as an evaluator opens and prints it (read back with openpyxl): every sheet on A4 one page wide
with its header row repeated and frozen, filters on the tables, long texts wrapped, and every number
formatted by its unit (a rate as a fraction shown 97.6%, a score in 分 as 97.55), as the dashboard prints it."""
import io

import openpyxl
import pytest

from analysis.formatting import rounded
from tests.reports_helpers import download, filled, result_of  # noqa: F401


@pytest.fixture
def book(admin_client, filled):
    return openpyxl.load_workbook(io.BytesIO(download(admin_client, filled, "xlsx").get_data()))


def test_every_sheet_prints_on_a4_one_page_wide(book):
    for ws in book.worksheets:
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title  # as long as it needs
    assert book["概况"].page_setup.orientation == "portrait"
    assert book["数据"].page_setup.orientation == book["交叉-按年龄"].page_setup.orientation == "landscape"


def test_tables_have_a_frozen_repeated_header_and_a_filter(book):
    expected = {"概况": ("A2", None), "汇总": ("A2", None), "数据": ("B2", "A1:"), "标签": ("A2", "A1:"),
                "交叉-按采集点": ("B3", "A2:")}
    for name, (freeze, ref) in expected.items():
        ws = book[name]
        assert ws.freeze_panes == freeze, name
        header = int(freeze[1:]) - 1
        assert ws.print_title_rows == f"${header}:${header}", name  # repeated on every printed page
        if ref:
            assert ws.auto_filter.ref.startswith(ref), name
    # 汇总 stacks one block per question: its header row names what each column holds in the blocks' rows
    # (the question's, its options', its estimates'), which repeat their own headings
    assert [c.value for c in book["汇总"][1]] == ["题号／代码／指标", "题目／选项", "题型／人数／估计值",
                                                 "类别／占比／95% 下限", "95% 上限", "方法"]
    assert book["汇总"]["A2"].value == "第 1 题（age）" and book["汇总"]["D1"].font.bold and book["汇总"]["D1"].alignment.wrap_text
    data = book["数据"]
    assert data.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(data.max_column)}51"  # 50 answers
    # the filter on a 交叉 sheet covers the groups, not the 合计 row below them
    cross = book["交叉-按采集点"]
    last = int(cross.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert cross.cell(last, 1).value == "1号窗口" and cross.cell(last + 1, 1).value == "合计"


def test_overview_wraps_long_texts_within_the_page(book):
    ws = book["概况"]
    assert ws.column_dimensions["A"].width + ws.column_dimensions["B"].width <= 95  # fits A4 portrait at ~100 %
    verdict = next(r for r in ws.iter_rows() if r[0].value == "评价结果")
    assert verdict[1].alignment.wrap_text and len(verdict[1].value) > ws.column_dimensions["B"].width


def test_numbers_are_formatted_by_their_unit(app, database, filled, book):
    result = result_of(app, database, filled)
    overview = {r[0].value: r[1:] for r in book["概况"].iter_rows()}
    value, = overview["有效率"][:1]
    assert (value.value, value.number_format) == (1.0, "0.0%")  # shown 100.0%, as the page
    # a score and the points show the digits the page and the documents print: 97.6 分 and 5 分, never 97.60 or 5.00
    assert (overview["估计值（分）"][0].value, overview["估计值（分）"][0].number_format) == (97.6, "0.0")
    assert (overview["C51 得分"][0].value, overview["C51 得分"][0].number_format) == (5, "0")
    assert overview["回收（份）"][0].number_format == "0"
    hall = overview["采集点：业务大厅（回收、有效，份）"]  # two numbers in two cells, never "30/30"
    assert (hall[0].value, hall[1].value) == (30, 30) and hall[0].number_format == hall[1].number_format == "0"
    # the 汇总 sheet: shares and rates as fractions in percent, a score as printed (97.6), its interval's ends in 分
    # to 0.01
    rows = list(book["汇总"].iter_rows())
    q5 = next(i for i, r in enumerate(rows) if r[0].value == "第 7 题（q5）")
    share = next(r for r in rows[q5:] if r[0].value == "A")
    assert (share[3].value, share[3].number_format) == (0.92, "0.0%")
    header = next(r for r in rows[q5:] if r[0].value == "指标")
    assert [c.value for c in header[2:5]] == ["估计值", "95% 下限", "95% 上限"]
    rate = next(r for r in rows[q5:] if str(r[0].value).startswith("满意率"))
    score = next(r for r in rows[q5:] if r[0].value == "满意度得分")
    assert [c.number_format for c in rate[2:5]] == ["0.0%"] * 3
    assert [c.number_format for c in score[2:5]] == ["0.0", "0.00", "0.00"]  # 97.6 分（91.47–99.36 分）
    qr = result.question("q5")
    assert rate[2].value == pytest.approx(qr.rate.rate, abs=1e-6) and 0 < rate[3].value < rate[4].value <= 1
    assert [c.value for c in score[2:5]] == pytest.approx([rounded(qr.score.score, 4), rounded(qr.score.ci.low, 4),
                                                           rounded(qr.score.ci.high, 4)])
    # no number anywhere is left in General format (an interval end would show 64.7585)
    for ws in book.worksheets:
        for r in ws.iter_rows(min_row=2):
            for c in r:
                if isinstance(c.value, float):
                    assert c.number_format != "General", (ws.title, c.coordinate, c.value)
