"""The downloads as an evaluator prints them or pastes them into a 评价报告, read back from the real files
(openpyxl, python-docx; no office suite): in the XLSX no text runs past a table's last column (a printer
fitting the page to the run-on text shrinks the table to unreadable) and every wrapped text's row is tall
enough to show it (neither Excel nor LibreOffice grows a row the file gives no height); the Word files number
their pages, say their text is Chinese, keep their tables within the text width, single-spaced, and keep each
频数表 on one page with its header row marked."""
import io
from datetime import datetime
import math
import re
import unicodedata

import docx
import openpyxl
import pytest
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from openpyxl.utils import get_column_letter

from survey_app.reports import charts
from tests.reports_helpers import download, filled  # noqa: F401

ONE_LINE = 15  # points: Excel's default row height


@pytest.fixture
def book(admin_client, filled):
    return openpyxl.load_workbook(io.BytesIO(download(admin_client, filled, "xlsx").get_data()))


def _width(text: str) -> float:
    """A text's printed width in widths of '0', counted leniently: a Chinese character as 1.8 (LibreOffice
    prints it ~1.6 wide, Excel ~2)."""
    return sum(1.8 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_width(ws, column: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(column))
    return dim.width if dim is not None and dim.width else 8.43


def _span(ws, cell) -> tuple[int, int]:
    """The columns a cell covers: its merged range's, or its own."""
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            return merged.min_col, merged.max_col
    return cell.column, cell.column


def test_no_text_runs_past_the_last_column_of_its_table(book):
    for ws in book.worksheets:
        last = ws.max_column  # the table's last column: the printed page is as wide as the cells written
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.alignment.wrap_text:
                    continue
                # an unwrapped text may run on into the empty cells to its right, never past the table
                room = sum(_column_width(ws, c) for c in range(cell.column, last + 1))
                assert _width(cell.value) <= room, (ws.title, cell.coordinate, cell.value[:30])


def test_every_wrapped_text_has_a_row_tall_enough_to_show_it(book):
    checked = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                    continue
                first, last = _span(ws, cell)
                usable = sum(_column_width(ws, c) for c in range(first, last + 1)) - 1
                lines = sum(max(1, math.ceil(_width(part) / usable)) for part in cell.value.split("\n"))
                if lines > 1:
                    height = ws.row_dimensions[cell.row].height or ONE_LINE
                    assert height >= lines * ONE_LINE, (ws.title, cell.coordinate, lines, height, cell.value[:30])
                    checked += 1
    assert checked > 10  # 概况's 评价结果, 汇总's headers, each 交叉 sheet's header and 方法, 数据's header
    method = next(r for r in book["交叉-按采集点"].iter_rows() if r[0].value == "方法")
    assert len(method[1].value) > 200 and _span(book["交叉-按采集点"], method[1]) == (2, 21)  # across the table


def _shown(value: float, fmt: str) -> str:
    """The text Excel shows for a number in the workbook's formats (sheet_style: 0.00, 0.0%, '0.0" 个百分点"', p)."""
    if fmt.startswith("[<0.001]"):
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    digits, percent, suffix = re.fullmatch(r'0(?:\.(0+))?(%?)(?:"(.*)")?', fmt).groups()
    places = len(digits or "")
    return (f"{100 * value:.{places}f}%" if percent else f"{value:.{places}f}") + (suffix or "")


def test_no_number_is_too_wide_for_its_column(book):
    """A number wider than its column shows as ##### in Excel: each number cell's column holds the widest value
    of its format (-100.0 个百分点, 100.0%, -100.00), a Chinese character counted 2.1 '0's wide (Excel's)."""
    def excel_width(text):
        return sum(2.1 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    checked = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, bool) or not isinstance(cell.value, (int, float)):
                    continue
                fmt = cell.number_format
                widest = max(excel_width(_shown(v, fmt)) for v in (cell.value, 1.0 if "%" in fmt else -100.0))
                assert widest <= _column_width(ws, cell.column), (ws.title, cell.coordinate, fmt)
                checked.add(fmt)
    assert '0.0" 个百分点"' in checked and "0.0%" in checked and "0.00" in checked


def _document(admin_client, survey_id, fmt):
    return docx.Document(io.BytesIO(download(admin_client, survey_id, fmt).get_data()))


@pytest.fixture
def documents(admin_client, filled):
    return {fmt: _document(admin_client, filled, fmt) for fmt in ("docx-annex", "docx-c51")}


def test_both_documents_number_their_pages_and_say_their_text_is_chinese(documents):
    for fmt, document in documents.items():
        for section in document.sections:
            footer = section.footer._element
            fields = [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]
            assert fields == ["PAGE", "NUMPAGES"], fmt
            assert "".join(t.text for t in footer.iter(qn("w:t"))) == "第 1 页，共 1 页", fmt
        defaults = document.styles.element.find(qn("w:docDefaults"))
        assert defaults.find(".//" + qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN", fmt  # not en-US


def test_tables_fit_the_text_width_and_are_single_spaced_and_centred_in_each_row(documents):
    for fmt, document in documents.items():
        section = document.sections[0]
        text_width = section.page_width - section.left_margin - section.right_margin
        assert document.tables, fmt
        for table in document.tables:
            grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
            assert sum(grid) * 635 <= text_width, fmt  # twentieths of a point -> EMU
            for row in table.rows:
                for cell in row.cells:
                    assert cell.vertical_alignment == WD_CELL_VERTICAL_ALIGNMENT.CENTER, (fmt, cell.text)
                    for p in cell.paragraphs:
                        assert p.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE, (fmt, p.text)


def test_each_frequency_table_keeps_on_one_page_with_its_header_marked(documents):
    tables = documents["docx-annex"].tables
    assert len(tables) >= 7  # one 频数表 per question
    for table in tables:
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None  # repeated should the table ever break
        assert all(r.trPr is not None and r.trPr.find(qn("w:cantSplit")) is not None for r in rows)
        for row in table.rows[:-1]:  # each row keeps with the next: the table moves to a page as a whole
            assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in row.cells)
        assert table.rows[1].cells[0].text != "选项"  # only the header row is marked as one
        assert rows[1].trPr.find(qn("w:tblHeader")) is None


def test_the_reports_table_of_contents_gets_the_annexs_sections_only(documents):
    """A report's 目录 lists the Heading paragraphs: the questionnaire printed at the end has its sections as bold
    titles, not headings that would sit in the 目录 under 五、结论."""
    paragraphs = documents["docx-annex"].paragraphs
    headings = [i for i, p in enumerate(paragraphs) if p.style.name.startswith("Heading")]
    conclusion = next(i for i in headings if paragraphs[i].text == "五、结论")
    assert headings[-1] == conclusion  # nothing after the conclusion is a heading
    sections = [p for p in paragraphs[conclusion:] if p.text in ("一、基本信息", "二、项目实施问题")]
    assert len(sections) == 2
    for p in sections:
        assert p.style.name == "Normal" and all(r.bold for r in p.runs) and p.paragraph_format.keep_with_next


def test_a_tall_rows_cells_all_start_at_its_top(book):
    """In a row made tall for a wrapped text, a number or label sits level with the text's first line, not at the
    bottom (Excel's default) beside it."""
    tall = 0
    for ws in book.worksheets:
        for r, dim in ws.row_dimensions.items():
            if dim.height and dim.height > ONE_LINE:
                tall += 1
                for cell in ws[r]:
                    if cell.value is not None:
                        assert cell.alignment.vertical == "top", (ws.title, cell.coordinate)
    assert tall > 10


def test_the_overviews_time_is_a_date_time_not_text(book):
    """计算时间 as a date-time cell (as 数据's 提交时间), not an ISO text Excel cannot sort or reformat."""
    computed = next(r for r in book["概况"].iter_rows() if r[0].value == "计算时间")[1]
    assert isinstance(computed.value, datetime) and computed.number_format == "yyyy-mm-dd hh:mm:ss"


BUSINESS = ["参保登记、缴费", "医疗费用报销", "异地就医备案", "医保电子凭证、医保卡", "门诊慢特病、“两病”待遇", "政策咨询", "其他"]


@pytest.mark.parametrize("labels", [BUSINESS[:5], BUSINESS, BUSINESS + ["线上办理", "电话咨询", "投诉建议"],
                                    ["定点医院", "基层定点医疗机构（乡镇卫生院、社区卫生服务中心、村卫生室等）", "定点零售药店"]])
def test_a_bar_charts_labels_never_overlap(labels):
    """Drawn as the annex embeds it (nanchang-window's 办理业务 has 7 options of up to 12 characters): no two option
    labels under the bars and no two count labels above them overlap, all stay inside the picture, and no line of
    a label starts with a closing punctuation mark."""
    n = len(labels)
    counts = [20 - (i % 3) for i in range(n)]  # bars of about one height: their labels side by side
    fig = charts.bar_figure("调研样本中办理业务类型分布情况", labels, counts, [100 * c / sum(counts) for c in counts])
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    for texts in (ax.get_xticklabels(), ax.texts):
        boxes = [t.get_window_extent(renderer) for t in texts]
        assert len(boxes) == n
        for a, b in zip(boxes, boxes[1:]):
            assert a.x1 <= b.x0, (labels, n)  # left to right, apart
        for box in boxes:
            assert 0 <= box.x0 and box.x1 <= fig.bbox.width and 0 <= box.y0 and box.y1 <= fig.bbox.height
    for tick in ax.get_xticklabels():  # 参保登记、/缴费, never 参保登记/、缴费
        assert not any(line.startswith(tuple("、，。；：）”")) for line in tick.get_text().split("\n")), tick.get_text()
    title = ax.title.get_window_extent(renderer)
    assert all(t.get_window_extent(renderer).y1 <= title.y0 for t in ax.texts)  # below the chart's title


def test_a_long_group_name_is_cut_after_two_full_lines():
    """A forest chart's group (haidong's 基层定点医疗机构（乡镇卫生院、…）) shows two lines of its name, the second
    ending in "…", never a line of "…" alone."""
    name = "基层定点医疗机构（乡镇卫生院、社区卫生服务中心、村卫生室等）"
    first, second = charts._label(name).split("\n")
    assert first == name[:12] and second == name[12:23] + "…"
    assert charts._label("业务大厅") == "业务大厅" and charts._label(name, 40) == name


def test_every_printed_sheet_page_says_its_sheet_and_number(book):
    """Printed, 汇总 and 数据 run to several pages each: each page's footer names its sheet and page (第 1 页，共 2 页)."""
    for ws in book.worksheets:
        assert ws.oddFooter.center.text == "&A　第 &P 页，共 &N 页", ws.title


def test_the_working_papers_labels_break_evenly(documents):
    """The label column holds five 12-pt characters a line, not six: 评价依据或/数据来源, not 评价依据或数/据来源
    (Word's cell margins, 0.19 cm a side, taken off)."""
    table = documents["docx-c51"].tables[0]
    label = int(table._tbl.tblGrid.findall(qn("w:gridCol"))[0].get(qn("w:w")))  # twips
    assert (label - 2 * 108) // 240 == 5
    assert [r.cells[0].text for r in table.rows][3] == "评价依据或数据来源"
