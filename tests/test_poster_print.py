"""The printed poster (qr.poster_html) keeps every line inside the A4 sheet's margins, whatever the lengths of the
survey's title (≤ 200 characters), the point's name (≤ 60) and the evaluator's name: rendered by Chromium as print,
nothing is cut off by the sheet's edge and the QR code stays square and large enough to scan from a step away."""
import pytest

from survey_app import qr
from tests.browser import MARKS, chromium  # noqa: F401  (the fixture)

pytestmark = MARKS

MM = 96 / 25.4  # CSS pixels per millimetre

CASES = {
    "usual": ("伊宁市政务服务中心2024年度预算绩效评价满意度调查", "一楼大厅", "新疆某某会计师事务所有限公司"),
    "long": ("伊宁市政务服务中心、伊宁市人民政府办公室及所属各单位2024年度部门整体支出预算绩效评价之社会公众满意度问卷调查",
             "伊宁市政务服务中心二楼不动产登记综合受理窗口及税务联合办理窗口",
             "新疆维吾尔自治区某某某某会计师事务所有限责任公司伊犁哈萨克自治州分所"),
    "longest allowed": ("满" * 200, "窗" * 60, "评" * 100),
}

LAYOUT = """() => {
  const sheet = document.querySelector('.sheet'), s = sheet.getBoundingClientRect(), css = getComputedStyle(sheet);
  const inner = {left: s.left + parseFloat(css.borderLeftWidth) + parseFloat(css.paddingLeft),
                 right: s.right - parseFloat(css.borderRightWidth) - parseFloat(css.paddingRight),
                 bottom: s.bottom - parseFloat(css.borderBottomWidth)};
  const outside = [...sheet.children].filter(e => { const r = e.getBoundingClientRect();
    return r.left < inner.left - 0.5 || r.right > inner.right + 0.5 || r.bottom > inner.bottom + 0.5
      || e.scrollWidth > e.clientWidth + 1; }).map(e => e.className || e.tagName);
  const svg = document.querySelector('.qr svg'), code = svg.getBoundingClientRect();
  if (svg.getAttribute('preserveAspectRatio') === 'none' || !svg.getAttribute('viewBox')) return {qr: 'stretched'};
  const spans = [...document.querySelectorAll('.invite span')].map(e => e.getClientRects().length);
  return {outside, overflow: sheet.scrollHeight > sheet.clientHeight + 1, qr: [code.width, code.height], spans};
}"""


@pytest.mark.parametrize("case", CASES)
def test_the_printed_poster_keeps_every_line_inside_the_sheet(chromium, case):  # noqa: F811
    title, point, evaluator = CASES[case]
    page = chromium.new_page()
    try:
        page.set_content(qr.poster_html(title, point, "abcd2345", "https://manyi.example.cn/s/abcd2345",
                                        evaluator=evaluator, invitation="填写大约需要 2 分钟"))
        page.emulate_media(media="print")
        layout = page.evaluate(LAYOUT)
    finally:
        page.close()
    assert layout["outside"] == [] and not layout["overflow"], layout
    assert min(layout["qr"]) >= 70 * MM - 1, layout  # the code is drawn square in its box (viewBox, "meet"): ≥ 7 cm
    assert layout["spans"] == [1, 1], layout  # the invitation breaks between its phrases, never inside one
