"""纸质问卷: the survey's questionnaire as a form to print and hand out to those who do not scan the QR code.

The same questionnaire version as the phone form, numbered as it numbers its questions (wording.question_number) so a
paper answer reads like a phone one; a box to tick (□) before every option, in 四号 (14 pt) for older readers; the
survey's collection points to tick, and a 问卷编号 line the evaluator fills in when collecting the forms, so that each
paper form can be counted once and traced to where it was handed out.
"""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ..safetext import xml_text
from . import _docx
from .wording import question_number

FORM_SIZE = Pt(14)  # 四号: the phone form's large type, on paper
BOX = "□"


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
    boxes = "    ".join(f"{BOX} {point.name}" for point in result.points)
    if boxes:
        _line(doc, f"采集点（请勾选）：{boxes}")
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
        for question in section.questions:
            _line(doc, f"{question_number(q, question.id)}. {question.text}{_kind(question)}", bold=True,
                  before=8).paragraph_format.keep_with_next = True
            if question.options:
                options = _line(doc, "    ".join(f"{BOX} {o.code}. {o.label}" for o in question.options), indent=28)
                options.paragraph_format.keep_together = True
            else:
                for _ in range(3):
                    _line(doc, "_" * 34, indent=28)
    _line(doc, str(q.closing), align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    return doc


def write(export, out) -> None:
    document(export.result).save(out)
