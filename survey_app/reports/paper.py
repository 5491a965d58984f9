"""纸质问卷: the survey's questionnaire as a form to print and hand out to those who do not scan the QR code.

The same questionnaire version as the phone form, numbered as it numbers its questions (wording.question_number) so a
paper answer reads like a phone one; a box to tick (□) before every option, in 四号 (14 pt) for older readers; the
survey's collection points to tick, and a 问卷编号 line the evaluator fills in when collecting the forms, so that each
paper form can be counted once and traced to where it was handed out.
"""
from __future__ import annotations

import unicodedata

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ..safetext import xml_text
from . import _docx
from .wording import question_number

FORM_SIZE = Pt(14)  # 四号: the phone form's large type, on paper
BOX = "□"
LINE_EMS = 26  # a line's width in 四号 characters: A4's 14.64 cm text width less the options' indent


def _ems(text: str) -> float:
    """The width of ``text`` in 四号 characters: a Chinese character (or □) is one, a Latin letter or space half."""
    return sum(1 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def _packed(items: list[str], width: float) -> list[str]:
    """``items`` on as few lines as fit ``width`` characters, four spaces apart, none broken over two lines."""
    lines: list[str] = []
    for item in items:
        if lines and _ems(lines[-1] + "    " + item) <= width:
            lines[-1] += "    " + item
        else:
            lines.append(item)
    return lines


def _line(doc, text: str = "", *, bold: bool = False, align=None, indent: float = 0, before: float = 0):
    paragraph = _docx.body(doc, "", indent=False, align=align)
    run = paragraph.add_run(xml_text(text))
    run.font.size, run.bold = FORM_SIZE, bold
    paragraph.paragraph_format.left_indent = Pt(indent)
    paragraph.paragraph_format.space_before = Pt(before)
    return paragraph


def _kind(question) -> str:
    if question.type == "multiple" and "多选" not in str(question.text):
        return "（可多选）"
    return "" if question.required else "（选填）"


def document(result):
    """The paper form as a python-docx Document (``write`` saves it)."""
    q = result.questionnaire
    doc = _docx.new_document()
    doc.add_paragraph(xml_text(str(q.title)), style="Title")
    lead = "采集点（请勾选）："
    for number, line in enumerate(_packed([f"{BOX} {point.name}" for point in result.points], LINE_EMS + 2 - _ems(lead))):
        _line(doc, (lead if number == 0 else "") + line, indent=0 if number == 0 else _ems(lead) * 14)
    _line(doc, "问卷编号：____________（由评价机构收回时填写）")
    for text in str(q.invitation).splitlines():
        if text.strip():
            paragraph = _line(doc, text.strip(), before=6)
            if not text.strip().endswith("："):  # the greeting stays flush left, as in 附件3
                paragraph.paragraph_format.first_line_indent = Pt(28)
    if q.signature:
        _line(doc, q.signature, align=WD_ALIGN_PARAGRAPH.RIGHT)
    for section in q.sections:
        heading = doc.add_heading(xml_text(str(section.title)), level=3)
        heading.paragraph_format.space_before = Pt(12)
        for run in heading.runs:
            run.font.size = FORM_SIZE  # not smaller than the questions under it
        for question in section.questions:
            _line(doc, f"{question_number(q, question.id)}. {question.text}{_kind(question)}", bold=True,
                  before=8).paragraph_format.keep_with_next = True
            choices = [f"{BOX} {o.code}. {o.label}" for o in question.options]
            if choices and _ems("    ".join(choices)) <= LINE_EMS:  # on one line when they fit, else one a line:
                _line(doc, "    ".join(choices), indent=28)  # never an option broken over two lines
            elif choices:
                for number, choice in enumerate(choices, 1):
                    _line(doc, choice, indent=28).paragraph_format.keep_with_next = number < len(choices)
            if not choices:
                for _ in range(3):
                    _line(doc, "_" * 34, indent=28)
    _line(doc, str(q.closing), align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    return doc


def write(export, out) -> None:
    document(export.result).save(out)
