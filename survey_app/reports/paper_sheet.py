"""纸质问卷录入表: an XLSX to type a stack of paper forms into in Excel, then import on the 录入纸质问卷 page
(survey_app/paper_import.py reads it back). One row per paper form: 问卷编号, 采集点 and a column per question,
headed as the raw data head it (raw.column: '第 7 题 伊宁市医疗保障局整体工作（q5）'); the points and each single-choice
question's codes offered as drop-down lists, so a typist cannot type what the import would refuse. A 说明 sheet says
how to fill it in and lists every code with its label (raw.question_label_rows).
"""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..safetext import xml_text
from . import raw
from .sheet_style import BOLD, WRAP, prepare

NUMBER, POINT = "问卷编号", "采集点"
ROWS = 2000  # rows offered the drop-down lists (Excel keeps them as ranges: an empty row costs nothing)
GUIDE = (
    "每行录入一份纸质问卷：“问卷编号”为问卷标题下所填的编号（同一编号只录入一次），“采集点”为发放该问卷的采集点。",
    "单选题填选项代码（如 A），可在下拉列表中选；多选题填各选项代码，以“;”分隔（如 A;C）；文字题照录原文。",
    "未作答的题留空；漏答必答题的问卷照实录入，导入时按无效问卷剔除（计入回收、不计入有效）。",
    "录好后在 Manyi 的“录入纸质问卷”页点“导入录入表”：任何一行有误时整份不导入，并列出有误的行；",
    "已导入过、内容相同的行不会重复保存，所以同一份文件补录后可以再次导入。请勿改动第一行的列名。",
)


def _choices(values: list[str]) -> str | None:
    """An Excel list validation's formula for ``values`` (None when it would pass Excel's 255 characters)."""
    text = ",".join(v.replace('"', "") for v in values)
    return f'"{text}"' if 0 < len(text) <= 255 and "," not in "".join(values) else None


def write(export, out) -> None:
    result = export.result
    q = result.questionnaire
    book = Workbook()
    sheet = book.active
    sheet.title = "录入"
    headers = [NUMBER, POINT] + [raw.column(q, question) for question in q.questions]
    sheet.append(headers)
    for c in sheet[1]:
        c.font, c.alignment = BOLD, WRAP
    prepare(sheet, [12, 16] + [18] * len(q.questions), header_row=1, freeze="C2")
    sheet.row_dimensions[1].height = 48
    number_column = sheet.column_dimensions["A"]
    number_column.number_format = "@"  # text: 007 stays 007 as typed (Manyi reads 007 and 7 as one number)
    lists = [(2, _choices([xml_text(p.name) for p in result.points]))]
    lists += [(3 + i, _choices(list(question.codes))) for i, question in enumerate(q.questions) if question.type == "single"]
    for column, formula in lists:
        if formula:
            letter = get_column_letter(column)
            check = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                   errorTitle="不在选项之中", error="请从下拉列表中选择，未作答的题留空。")
            check.add(f"{letter}2:{letter}{ROWS + 1}")
            sheet.add_data_validation(check)
    guide = book.create_sheet("说明")
    for line in (xml_text(str(q.title)), *GUIDE, ""):
        guide.append([line])
    guide.append(["列名", "代码", "含义"])
    for values in raw.question_label_rows(q):
        guide.append([xml_text(str(v)) for v in values])
    guide.column_dimensions["A"].width = 48
    guide.column_dimensions["C"].width = 40
    guide["A1"].font = BOLD
    book.save(out)
