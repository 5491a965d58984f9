"""Word plumbing shared by the annex and the working paper: a document whose text is Chinese-ready.

Word picks the East Asian font from ``w:rFonts/@w:eastAsia``; python-docx only sets the Latin
name, so the styles get 宋体 (SimSun, on every Chinese Windows) for East Asian text and Times New
Roman for Latin. Without SimSun (LibreOffice on Linux) fontconfig substitutes an installed CJK
font such as Noto Serif/Sans CJK SC. Headings drop the theme fonts, which would override these. The text's
East Asian language is 简体中文 (python-docx's template says en-US): Word then sets Chinese punctuation and
line breaking, and a fallback picks the Simplified Chinese glyphs (Noto Serif CJK SC, not the Japanese Sans).
Every page is numbered in the footer (第 1 页，共 3 页), printed on its own or filed as a 底稿.
"""
from __future__ import annotations

from datetime import datetime, timezone

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from ..safetext import xml_text
from .unrecorded_text import warning

EAST_ASIAN = "宋体"
HEADING_EAST_ASIAN = "黑体"
LATIN = "Times New Roman"
SIZES = {"Normal": 12, "Title": 16, "Subtitle": 15, "Heading 1": 14, "Heading 2": 12, "Heading 3": 12,
         "Caption": 10.5}


def _fonts(style, east_asian: str) -> None:
    style.font.name = LATIN
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), LATIN)
    rfonts.set(qn("w:eastAsia"), east_asian)


def new_document() -> Document:
    """A4 with Word's Chinese default margins (python-docx's template is US Letter), styles Chinese-ready,
    and file properties of its own (the template's say python-docx, 2013)."""
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Cm(2.54)
        section.left_margin = section.right_margin = Cm(3.18)
    props = doc.core_properties
    props.author = props.last_modified_by = "Manyi"
    props.created = props.modified = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props.revision, props.comments, props.keywords, props.subject = 1, "", "", ""
    for name, size in SIZES.items():
        style = doc.styles[name]
        _fonts(style, HEADING_EAST_ASIAN if name.startswith(("Heading", "Title")) else EAST_ASIAN)
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        if name != "Normal":
            style.font.bold = name != "Caption"
            style.font.italic = False
    doc.styles["Normal"].paragraph_format.line_spacing = 1.5
    doc.styles["Normal"].paragraph_format.space_after = Pt(0)
    for name in ("Title", "Subtitle", "Caption"):
        doc.styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_title_border(doc.styles["Title"])
    _chinese_language(doc)
    _fonts(doc.styles["Footer"], EAST_ASIAN)
    doc.styles["Footer"].font.size = Pt(SIZES["Caption"])
    for section in doc.sections:
        _page_numbers(section.footer.paragraphs[0])
    return doc


def _chinese_language(doc) -> None:
    """The document's East Asian language (w:docDefaults' w:lang/@w:eastAsia) 简体中文."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_numbers(paragraph) -> None:
    """第 PAGE 页，共 NUMPAGES 页, centred: Word and LibreOffice fill in the fields."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("第 ", "PAGE"), (" 页，共 ", "NUMPAGES"), (" 页", None)):
        paragraph.add_run(text)
        if field:
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), f" {field} ")
            run = OxmlElement("w:r")
            shown = OxmlElement("w:t")
            shown.text = "1"
            run.append(shown)
            simple.append(run)
            paragraph._p.append(simple)


def _no_title_border(style) -> None:
    ppr = style.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)


def safe_block(block: tuple) -> tuple:
    """A block of text to lay out, each string as a Word document can hold it (safetext.xml_text: a
    control character or U+FFFE from old data shows as U+FFFD instead of ending the download in a 500)."""
    return tuple(xml_text(part) if isinstance(part, str) else part for part in block)


def body(doc, text: str, *, indent: bool = True, align=None):
    p = doc.add_paragraph(xml_text(text))
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)  # two Chinese characters
    if align is not None:
        p.alignment = align
    return p


def unrecorded(doc, result) -> None:
    """The warning that the survey's settings were changed outside Manyi (unrecorded_text.warning), bold and red in a
    box of its own under the title, where the evaluator cannot miss it; nothing when all is as recorded."""
    text = warning(result.unrecorded)
    if not text:
        return
    p = doc.add_paragraph()
    border = OxmlElement("w:pBdr")  # first in the new paragraph's pPr: python-docx puts spacing after it, as Word wants
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        for attr, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "C00000")):
            line.set(qn(attr), value)
        border.append(line)
    p._p.get_or_add_pPr().append(border)
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(6)
    run = p.add_run(xml_text(text))
    run.bold, run.font.color.rgb = True, RGBColor(0xC0, 0, 0)


def cell_text(cell, text: str, *, bold: bool = False) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(xml_text(text))
    run.bold = bold


def grid(doc, rows, widths, *, bold_rows=(), bold_columns=(), center_columns=(), header: bool = False):
    """A bordered table (Table Grid) of text ``rows``, its columns ``widths`` wide (the C51 working paper's and the
    annex's 频数表 alike): bold where asked, centred columns where asked, each cell's text centred vertically (a
    number's line is lower than a Chinese label's: top-aligned, it would sit above the label), single-spaced (as a
    report's tables; the body's 1.5 lines would spread the working paper over two pages). A ``header`` table (a 频数表) keeps
    on one page: its first row repeats should it ever break, no row splits, each row keeps with the next."""
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    for i, texts in enumerate(rows):
        cells = table.add_row().cells
        for j, text in enumerate(texts):
            cell_text(cells[j], text, bold=i in bold_rows or j in bold_columns)
            cells[j].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER  # a number level with its row's label
            paragraph = cells[j].paragraphs[0].paragraph_format
            paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.keep_with_next = header and i < len(rows) - 1
            if j in center_columns:
                cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if header:
        for i, tr in enumerate(table._tbl.tr_lst):
            trpr = tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))
            if i == 0:
                trpr.append(OxmlElement("w:tblHeader"))
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width  # w:gridCol (LibreOffice) ...
        for cell in column.cells:
            cell.width = width  # ... and w:tcW (Word)
    return table
