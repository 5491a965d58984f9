"""How the XLSX sheets look and print: one number format per unit, A4 page setup, frozen headers, filters.

Units, as every page and document prints them (``analysis.formatting``): a rate (满意率, 占比, 有效率) is
stored as a fraction and shown in percent with one decimal (0.976 -> 97.6%), a difference of two rates in
percentage points, stored as points and said so in its header and its cell (4.0 -> "4.0 个百分点", never
"4.0%", which would read as a relative change), a score in 分 with the decimals the pages and documents print
it with (``formatting.num``: 97.55, 97.6, 95; an interval's two ends alike, 91.47 and 100.00), a count as a
whole number, a p-value to three places ("<0.001" below). A figure keeps the value the workbook always
stored; only its unit (a fraction, not 97.6) and its display change: the cell shows the printed figure's digits.

Every sheet prints on A4 (paperSize 9), fitted to one page wide and as many pages long as it needs, with
its header row repeated on each page; long texts wrap in their columns, in rows as tall as they need (``Rows``:
neither Excel nor LibreOffice grows a row the file gives no height), and a long note wraps across the table
rather than running on to the right, where it would widen the printed page and shrink the table to fit it.
"""
from __future__ import annotations

import math
import re
import unicodedata

from analysis.formatting import kept, num_below, nums, p_value, pct_below, places, rounded, span
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..safetext import xml_text

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")  # the other cells of a row made tall for a wrapped text: level with its first line
RATE = "0.0%"       # a fraction shown in percent: 0.976 -> 97.6%
POINTS_DIFFERENCE = '0.0" 个百分点"'  # a difference of rates, stored in percentage points: 4.0 -> 4.0 个百分点
POINTS_WIDTH = 17  # its column: "-100.0 个百分点" (a Chinese character two '0's wide); narrower, Excel shows ####
SCORE = "0.00"      # 分: a score difference, a stated two decimals (formatting.nums); a score itself: ``below``
COUNT = "0"
P_VALUE = '[<0.001]"<0.001";0.000'  # as the pages print p (p_text)
DATETIME = "yyyy-mm-dd hh:mm:ss"
DATE = "yyyy-mm-dd"
A4 = 9  # ECMA-376 paperSize
PAGE_FOOTER = "&A　第 &P 页，共 &N 页"  # Excel's codes: the sheet's name, the page, the pages


def decimals(digits: int, percent: bool = False) -> str:
    """A number format with ``digits`` decimals: decimals(3) == '0.000', decimals(1, True) == '0.0%'."""
    return ("0." + "0" * digits if digits else "0") + ("%" if percent else "")


def shown(text: str, percent: bool = False) -> str:
    """The number format that shows a cell with the digits of ``text`` as printed: shown('97.6') == '0.0',
    shown('94.97%', True) == '0.00%'."""
    return decimals(places(text), percent)


def below(value, target: float | None, percent: bool = True) -> str:
    """The number format of a satisfaction rate (a fraction, ``percent``) or score (in 分) that shows it as every
    page prints it beside the survey's ``target`` (% or 分): a rate with one decimal, more when below the target
    (0.949749 against 95 reads 94.97%, never 95.0%: ``pct_below``), a score as ``num_below`` prints it (97.6 reads
    97.6, 95 reads 95, never 97.60 or 95.00)."""
    if value is None:
        return RATE if percent else SCORE
    return shown(pct_below(100 * value, target) if percent else num_below(value, target), percent)


def range_formats(low, high, target: float | None, percent: bool = True) -> tuple[str, str]:
    """The number formats of an interval's two ends as ``formatting.span`` prints the range (both ends with the
    decimals of the one that has more: 91.47 and 100.00, 94.97% and 99.50%)."""
    if low is None or high is None:
        return below(low, target, percent), below(high, target, percent)
    text = span(100 * low, 100 * high, "%", target) if percent else span(low, high, "", target)
    return (shown(text, percent),) * 2


def difference_formats(difference, low, high, digits: int, points: bool = False) -> tuple[str, str, str]:
    """The number formats of a difference and its interval's ends (in the printed unit: 分, or percentage points
    with ``points``) as ``formatting.nums`` prints the three alike: '+4.40 分', never 4.4 in the cell."""
    if difference is None or low is None or high is None:
        return (POINTS_DIFFERENCE if points else SCORE,) * 3
    fmt = decimals(places(nums(difference, low, high, digits=digits)[0]))
    return (fmt + '" 个百分点"' if points else fmt,) * 3


def p_format(p) -> str:
    """The number format of a p-value as the page prints it beside the verdict it decides (``formatting.p_value``):
    three places, more where three would print a significant p as 0.05 (0.0497 reads 0.0497, never 0.050)."""
    digits = 3 if p is None or p_value(p) == "<0.001" else places(p_value(p))
    return f'[<0.001]"<0.001";{decimals(digits)}'


def share(percent_value, digits: int = 1, toward: str | None = None):
    """A figure held in percent (96.04) as the fraction a percent-formatted cell stores (0.96 for one
    decimal), rounded as it prints; None stays None."""
    if percent_value is None:
        return None
    return rounded(percent_value / 100, digits + 2, toward)


def percentage_points(difference):
    """A difference of two rates (fractions) as a POINTS_DIFFERENCE cell stores it: in percentage points, to
    10⁻⁴ (0.032 -> 3.2); None stays None."""
    return None if difference is None else kept(100 * difference)


def cell(ws, value, fmt: str | None = None, *, bold: bool = False, wrap: bool = False):
    c = WriteOnlyCell(ws, value=value)
    if fmt and value is not None and not isinstance(value, (str, bool)):
        c.number_format = fmt
    if bold:
        c.font = BOLD
    if wrap:
        c.alignment = WRAP
    return c


def row(ws, values, formats=(), *, bold: bool = False, wrap_columns=()):
    """Cells for ``ws.append``: each value with its format (by position), wrapped in ``wrap_columns`` (0-based)."""
    formats = tuple(formats) + (None,) * max(0, len(values) - len(formats))
    return [cell(ws, v, f, bold=bold, wrap=i in wrap_columns and isinstance(v, str))
            for i, (v, f) in enumerate(zip(values, formats))]


def prepare(ws, widths, *, landscape: bool = False, header_row: int | None = None, freeze: str | None = None):
    """Before the first row: column widths, A4 one page wide, the header row frozen and repeated on each page, and
    each printed page footed with its sheet's name and number (汇总　第 1 页，共 2 页)."""
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages long as needed
    ws.print_options.gridLines = True
    ws.oddFooter.center.text = PAGE_FOOTER
    if header_row:
        ws.freeze_panes = freeze or f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"


def autofilter(ws, header_row: int, last_row: int, columns: int) -> None:
    """A filter on the table from its header row to ``last_row`` (after the rows are written)."""
    if columns and last_row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last_row}"


LINE_HEIGHT = 16.5  # points: a line of 11-pt text with a Chinese font (Excel's default row, 15, clips it)
DEFAULT_WIDTH = 8.43  # a column no width was given


def text_width(text: str) -> int:
    """The text's width in a cell, in widths of '0': a Chinese (full-width) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def line_count(text: str, width: float) -> int:
    """The lines a wrapped ``text`` takes in a cell ``width`` wide (a cell's padding left off its width)."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


class Rows:
    """Appends rows to a write-only sheet ``columns`` wide (``ws.append`` cannot tell a row's number), each row
    as tall as its wrapped texts need, and a note merged across the table."""

    def __init__(self, ws, columns: int):
        self.ws, self.columns, self.count = ws, columns, 0

    def width(self, first: int, last: int | None = None) -> float:
        """Columns ``first``..``last`` (1-based) together, in widths of '0'."""
        dims = [self.ws.column_dimensions.get(get_column_letter(i)) for i in range(first, (last or first) + 1)]
        return sum(d.width if d is not None and d.width else DEFAULT_WIDTH for d in dims)

    def append(self, cells, merged: int | None = None) -> None:
        """Append ``cells`` (values or WriteOnlyCells); the last one spans the table's remaining columns when
        ``merged`` is its 1-based column."""
        self.count += 1
        lines = 1
        for i, c in enumerate(cells, 1):
            alignment = getattr(c, "alignment", None)
            if alignment is not None and alignment.wrap_text and isinstance(c.value, str):
                lines = max(lines, line_count(c.value, self.width(i, self.columns if i == merged else None)))
        if lines > 1:
            self.ws.row_dimensions[self.count].height = lines * LINE_HEIGHT
            for c in cells:
                if hasattr(c, "alignment") and not c.alignment.wrap_text:  # a cell, not a bare value
                    c.alignment = TOP
        if merged is not None and merged < self.columns:
            self.ws.merged_cells.add(f"{get_column_letter(merged)}{self.count}:"
                                     f"{get_column_letter(self.columns)}{self.count}")
        self.ws.append(cells)

    def note(self, *texts, bold: bool = False) -> None:
        """A row of ``texts`` whose last wraps across the rest of the table (a method, a caveat)."""
        cells = [cell(self.ws, t, bold=bold) for t in texts[:-1]] + [cell(self.ws, texts[-1], bold=bold, wrap=True)]
        self.append(cells, merged=len(texts))


SHEET_NAME_MAX = 31
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A worksheet name from ``title`` Excel accepts: no []:*?/\\, no outer apostrophe, at most 31
    characters, unique (case-insensitively) among ``taken``, which it joins."""
    name = _NOT_IN_SHEET_NAME.sub("_", xml_text(str(title))).strip().strip("'") or "表"
    name = name[:SHEET_NAME_MAX]
    k = 1
    while name.casefold() in taken or name.casefold() == "history":
        k += 1
        suffix = f"({k})"
        name = name[:SHEET_NAME_MAX - len(suffix)].rstrip("'") + suffix
    taken.add(name.casefold())
    return name
