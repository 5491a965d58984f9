"""Paper forms typed into a table (the 纸质问卷录入表 XLSX, reports/paper_sheet.py, or a CSV saved from it), read back
for the 录入纸质问卷 page's import (admin/paper.py). All or nothing: every line is checked before anything is stored,
and every problem is named by its line and column, so the evaluator corrects the file and imports it again.

Columns: 问卷编号, 采集点 (a point's name, or its code), and one per question, headed as the raw data head it
('第 7 题 …（q5）'), or by the question's id alone. Cells: an option's code (a, Ａ and A alike) or its label as printed;
several for a multiple-choice question, separated by ; ， 、 or spaces; a text answer as written; blank = 未作答.
A CSV may be UTF-8 (with or without BOM) or GB18030 (what Chinese Excel's "CSV (逗号分隔)" writes).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from .reports.wording import question_ordinal
from .safetext import clean_text
from .store import BadPaperNumber, paper_number, same_name

MAX_ROWS = 5000
MAX_SHOWN = 20  # problems listed; the rest counted
NUMBER_HEADERS = ("问卷编号", "纸质问卷编号")
POINT_HEADERS = ("采集点",)
_ID_IN_HEADER = re.compile(r"[（(]\s*([A-Za-z_][\w-]*)\s*[)）]\s*$")
_SEPARATORS = re.compile(r"[;；,，、\s]+")


@dataclass(frozen=True)
class PaperRow:
    line: int  # the table's line (1 = the header)
    number: str  # as paper_number gives it
    point_id: int
    answers: list[tuple[str, str]]
    missing: list[str]  # the required questions left blank: '第 3 题'


class ImportProblems(ValueError):
    """What is wrong with the table, a line each (the first MAX_SHOWN, then how many more)."""

    def __init__(self, problems: list[str]):
        shown = problems[:MAX_SHOWN] + ([f"另有 {len(problems) - MAX_SHOWN} 处问题未列出。"] if len(problems) > MAX_SHOWN else [])
        super().__init__("\n".join(shown))
        self.problems = shown


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The cells of an .xlsx file's first sheet or of a CSV file, as text (a whole number stays whole: 7, not 7.0)."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            return [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as e:  # noqa: BLE001 (openpyxl raises many kinds for a file that is no workbook)
            raise ImportProblems(["无法读取这个 XLSX 文件（文件已损坏，或不是 Excel 工作簿）。"]) from e
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportProblems(["无法读取这个 CSV 文件：请在 Excel 中“另存为 CSV UTF-8（逗号分隔）”，或直接上传 XLSX。"])
    return [[cell for cell in row] for row in csv.reader(io.StringIO(text))]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _columns(header: list[str], questionnaire) -> tuple[dict, list[str]]:
    """{'number': i, 'point': i, question id: i} from the header row, and the problems with it."""
    ids = {q.id for q in questionnaire.questions}
    found, problems = {}, []
    for i, raw in enumerate(header):
        name = unicodedata.normalize("NFKC", raw or "").strip()
        if not name:
            continue
        match = _ID_IN_HEADER.search(name)
        key = ("number" if name in NUMBER_HEADERS else "point" if name in POINT_HEADERS
               else match.group(1) if match and match.group(1) in ids else name if name in ids else None)
        if key is None:
            problems.append(f"第 1 行：无法识别的列“{raw}”（请使用录入表的列名）。")
        elif key in found:
            problems.append(f"第 1 行：“{raw}”一列重复。")
        else:
            found[key] = i
    for key, what in (("number", "问卷编号"), ("point", "采集点")):
        if key not in found:
            problems.append(f"第 1 行：缺少“{what}”列。")
    for q in questionnaire.questions:
        if q.id not in found:
            problems.append(f"第 1 行：缺少{question_ordinal(questionnaire, q.id)}（{q.id}）的列。")
    return found, problems


def _codes(question, cell: str) -> list[str] | None:
    """The option codes a cell names (by code or by label), or None if any part names no option."""
    by_label = {unicodedata.normalize("NFKC", str(o.label)).strip(): o.code for o in question.options}
    parts = [cell] if question.type == "single" else [p for p in _SEPARATORS.split(cell) if p]
    codes = []
    for part in parts:
        code = part.upper() if part.upper() in question.codes else by_label.get(part)
        if code is None:
            return None
        codes.append(code)
    return codes


def parse(table: list[list[str]], questionnaire, points: list[dict]) -> list[PaperRow]:
    """The paper forms of ``table`` (header first), or ImportProblems naming every line that cannot be stored."""
    if not table or not any(c.strip() for c in table[0]):
        raise ImportProblems(["文件是空的：第一行应为列名（问卷编号、采集点和各题），其后每行一份问卷。"])
    columns, problems = _columns(table[0], questionnaire)
    if problems:
        raise ImportProblems(problems)
    if len(table) - 1 > MAX_ROWS:
        raise ImportProblems([f"一次最多导入 {MAX_ROWS} 份问卷，本文件有 {len(table) - 1} 行：请分成几个文件导入。"])
    rows, seen = [], {}
    for line, cells in enumerate(table[1:], 2):
        cell = {key: unicodedata.normalize("NFKC", cells[i]).strip() if i < len(cells) else "" for key, i in columns.items()}
        if not any(cell.values()):
            continue  # a blank line
        try:
            number = paper_number(cell["number"])
        except BadPaperNumber:
            problems.append(f"第 {line} 行：问卷编号“{cell['number']}”应为 1–20 位数字、字母或连字符。")
            number = None
        if number is not None and number in seen:
            problems.append(f"第 {line} 行：问卷编号 {number} 与第 {seen[number]} 行重复。")
        elif number is not None:
            seen[number] = line
        point = next((p for p in points if same_name(p["name"], cell["point"]) or p["code"] == cell["point"]), None)
        if point is None:
            problems.append(f"第 {line} 行：采集点“{cell['point']}”不是本项目的采集点"
                            f"（可填：{'、'.join(p['name'] for p in points)}）。")
        answers, missing = [], []
        for q in questionnaire.questions:
            value = cells[columns[q.id]] if columns[q.id] < len(cells) else ""  # a text answer as written
            if q.type == "text":
                text = clean_text(value).strip()
                if len(text) > q.max_length:
                    problems.append(f"第 {line} 行：{question_ordinal(questionnaire, q.id)}超过 {q.max_length} 字。")
                elif text:
                    answers.append((q.id, text))
            elif cell[q.id]:
                codes = _codes(q, cell[q.id])
                if codes is None:
                    problems.append(f"第 {line} 行：{question_ordinal(questionnaire, q.id)}“{cell[q.id]}”不是选项"
                                    f"（可填 {'、'.join(q.codes)}{'，多个以“;”分隔' if q.type == 'multiple' else ''}）。")
                else:
                    answers.extend((q.id, code) for code in sorted(set(codes)))
            if q.required and not any(qid == q.id for qid, _ in answers):
                missing.append(question_ordinal(questionnaire, q.id))
        if not answers:
            problems.append(f"第 {line} 行：一题也没有填写（空白问卷不导入）。")
        if number is not None and point is not None:
            rows.append(PaperRow(line, number, point["id"], answers, missing))
    if problems:
        raise ImportProblems(problems)
    if not rows:
        raise ImportProblems(["文件中没有问卷：第一行为列名，其后每行一份问卷。"])
    return rows


OUTCOME_WORDS = (("stored", "份已导入"), ("excluded", "份已导入并因漏答必答题按无效问卷剔除"),
                 ("same", "份此前已录入、内容相同，未重复保存"))
OTHER = "份的问卷编号在导入时已被录入、答案不同，未保存：请在数据质量审核页核对。"


def differences(stored, point_id: int, answers) -> str:
    """What of a paper form differs from the one stored under its number (``store.stored_paper``): '采集点', '答案',
    '采集点、答案', or '' (nothing stored, or the same form again)."""
    if stored is None:
        return ""
    return "、".join(what for what, d in (("采集点", stored[0] != point_id), ("答案", stored[1] != sorted(answers))) if d)


def store_rows(store, survey_id: int, questionnaire, rows: list[PaperRow], user: str) -> dict[str, int]:
    """Store the parsed forms (each as the 录入纸质问卷 page stores one, audited as ``user``): ImportProblems, and
    nothing stored, when a number was stored before at another point or with other answers; else how many forms were "stored",
    "excluded" (stored, a required question blank), "same" (stored before alike) or "other" (another form took
    the number while this import ran)."""
    problems = []
    for row in rows:
        differs = differences(store.stored_paper(survey_id, row.number), row.point_id, row.answers)
        if differs:
            problems.append(f"第 {row.line} 行：问卷编号 {row.number} 此前已录入，{differs}与本行不同。")
    if problems:
        raise ImportProblems(problems)
    outcomes = store.save_papers(survey_id=survey_id, questionnaire_version=questionnaire.version, user=user,
                                 forms=[(r.number, r.point_id, r.answers, r.missing) for r in rows])
    return {key: outcomes.count(key) for key in ("stored", "excluded", "same", "other")}


def outcome_text(name: str, rows: list[PaperRow], counts: dict[str, int]) -> str:
    """'“录入表.xlsx”共 3 份：2 份已导入，1 份……' (the ``other`` ones are said apart: OTHER)."""
    said = "，".join(f"{counts[key]} {words}" for key, words in OUTCOME_WORDS if counts[key])
    return f"“{name}”共 {len(rows)} 份：{said}。"
