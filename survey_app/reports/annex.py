"""附件3 满意度问卷报告 as DOCX: the blocks of ``annex_text`` laid out in Word, charts included."""
from __future__ import annotations

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from . import _docx, annex_text, charts

TABLE_WIDTHS = (Cm(8.6), Cm(3.0), Cm(3.0))  # 选项 | 人数 | 占比: the C51 table's 14.6 cm (c51.PAPER_WIDTHS)


def document(result):
    """The annex as a python-docx Document (``write`` saves it)."""
    charts.cjk_family()  # fail before building anything when no CJK font is installed
    doc = _docx.new_document()
    new_page = False
    for block in annex_text.blocks(result):
        block = _docx.safe_block(block)  # stored text (title, points, texts) as Word can hold it
        kind = block[0]
        if kind == "title":
            doc.add_paragraph(block[1], style="Title")
            _docx.unrecorded(doc, result)  # settings changed outside Manyi: said under the title
        elif kind == "subtitle":
            doc.add_paragraph(block[1], style="Subtitle")
        elif kind in ("h1", "h2", "h3"):
            doc.add_heading(block[1], level=int(kind[1]))
        elif kind == "p":
            _docx.body(doc, block[1])
        elif kind == "options":
            _docx.body(doc, block[1]).paragraph_format.left_indent = Pt(24)
        elif kind == "figure":
            _, qr, caption = block
            _picture(doc, charts.question_chart(qr, caption.split(" ", 1)[1]), caption)
        elif kind == "forest":
            _, table, figure, axis_label, caption, target = block
            _picture(doc, charts.forest_chart(table, figure, caption.split(" ", 1)[1], axis_label, target), caption)
        elif kind == "table":  # a 频数表: its caption above it, kept with it; its rounding note under it
            _, caption, rows, note = block
            above = doc.add_paragraph(caption, style="Caption").paragraph_format
            above.keep_with_next, above.space_before = True, Pt(12)  # apart from the chart's caption above it
            _docx.grid(doc, rows, TABLE_WIDTHS, bold_rows=(0, len(rows) - 1), center_columns=(1, 2), header=True)
            if note:
                _docx.body(doc, note, indent=False).runs[0].font.size = Pt(10.5)  # 五号, as the caption
            continue  # a table is no paragraph to start a new page
        elif kind == "page-break":
            new_page = True  # set on the next paragraph: a break paragraph can spill onto an empty page
            continue
        elif kind in ("center", "center-bold", "bold"):
            paragraph = _docx.body(doc, "", indent=False, align=None if kind == "bold" else WD_ALIGN_PARAGRAPH.CENTER)
            paragraph.add_run(block[1]).bold = kind != "center"
            if kind == "bold":  # a title, as a heading looks: apart from the text above, kept with the text below
                paragraph.paragraph_format.space_before, paragraph.paragraph_format.keep_with_next = Pt(6), True
        elif kind == "plain":
            _docx.body(doc, block[1], indent=False)
        elif kind == "right":
            _docx.body(doc, block[1], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        else:
            raise ValueError(f"unknown annex block {kind!r}")
        if new_page:
            doc.paragraphs[-1].paragraph_format.page_break_before = True
            new_page = False
    return doc


def _picture(doc, png: bytes, caption: str) -> None:
    doc.add_picture(io.BytesIO(png), width=Cm(14))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True  # the caption stays under its chart
    doc.add_paragraph(caption, style="Caption")


def write(export, out) -> None:
    document(export.result).save(out)
