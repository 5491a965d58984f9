"""Raw responses: one row per valid response (every response returned, with its status and reason, when
the export includes the excluded ones), one column per question, option codes. A question's column is headed
as the paper form numbers it, '第 7 题 伊宁市医疗保障局整体工作（q5）' (``column``): one header row, so Excel's
filters, sorting and pivot tables read the file as a table; the id at the end is the SPSS variable's name. 编号 is the response's
number within the survey (第 N 份 in the order returned, excluded ones counted), as the review page shows it.

The CSV is UTF-8 with a BOM so that Excel opens it with the Chinese intact. Single choice: the
option code; multiple choice: the codes in questionnaire order joined by ';'; free text: the text.
The labels file (variable, code, label) says what every column and code means. The same rows feed
the XLSX 数据 sheet and the SPSS file.
"""
from __future__ import annotations

import csv
import io

from analysis.formatting import num

from ..localtime import naive
from ..safetext import xml_text
from .wording import question_title

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sheet_text(value: str) -> str:
    """Text typed by a citizen or an evaluator, safe in Excel: never read as a formula (OWASP's leading
    apostrophe for = + - @) and each code point an XLSX file cannot hold as U+FFFD (safetext.xml_text;
    the CSV and SPSS files get the same cells, which are then valid UTF-8 too)."""
    value = xml_text(value)
    return "'" + value if value.startswith(_FORMULA_START) else value

META = (  # (key in Store.stream_responses, column header, what it is)
    ("id", "编号", "本项目第 N 份问卷（按回收顺序，已剔除问卷也计入编号）"),
    ("point", "采集点", "采集点（张贴二维码的大厅或窗口）"),
    ("submitted_at", "提交时间", "提交时间（{tz} 当地时间；纸质问卷为录入系统的时间）"),
    ("seconds_on_page", "答题用时（秒）", "从打开问卷到提交的秒数（纸质问卷无）"),
    ("language", "语言", "作答语言"),
    ("status", "状态", "问卷状态：有效 / 已剔除"),
    ("exclude_reason", "剔除原因", "剔除原因（仅已剔除问卷）"),
    ("channel", "来源", "扫码 = 群众用手机扫码填写；纸质 = 评价人员录入的纸质问卷；平板 = 群众在服务大厅的平板上填写"),
    ("paper_number", "纸质问卷编号", "纸质问卷上所填的问卷编号（仅纸质问卷；录入时按此编号只录一次）"),
)
RESPONSE_STATUS_LABELS = {"valid": "有效", "excluded": "已剔除"}  # a response's status, as every file prints it
LANGUAGE_LABELS = {"zh-CN": "中文", "ug": "维吾尔文", "en": "English"}
MULTI_SEPARATOR = ";"


def column(questionnaire, question) -> str:
    """A question's column header: '第 7 题 伊宁市医疗保障局整体工作（q5）', the form's number and heading first
    (what an evaluator in Excel matches with the paper form and the annex), its id last (the SPSS variable name)."""
    return f"{question_title(questionnaire, question)}（{question.id}）"


def header(questionnaire) -> list[str]:
    return [h for _, h, _ in META] + [column(questionnaire, q) for q in questionnaire.questions]


def answer_cell(question, values: list[str] | None) -> str:
    if not values:
        return ""
    if question.type == "multiple":
        order = {code: i for i, code in enumerate(question.codes)}
        return MULTI_SEPARATOR.join(sorted(values, key=lambda v: order.get(v, len(order))))
    return sheet_text(values[0]) if question.type == "text" else values[0]


def rows(export):
    """Each valid response (or each response, ``export.include_excluded``) as a list of cells (ints as ints,
    time as a local datetime), in the order returned, numbered within the survey."""
    questions = export.result.questionnaire.questions
    for number, r in enumerate(export.database.stream_responses(export.result.survey["id"]), 1):
        if r["status"] != "valid" and not export.include_excluded:
            continue
        yield [number, sheet_text(r["point"]), naive(r["submitted_at"], export.timezone), r["seconds_on_page"],
               r["language"] or "", RESPONSE_STATUS_LABELS[r["status"]], sheet_text(r["exclude_reason"] or ""),
               r["channel"], r["paper_number"] or ""] + [
            answer_cell(q, r["answers"].get(q.id)) for q in questions]


def label_rows(questionnaire, timezone: str):
    """(variable, code, label): every column by its header, with its meaning, then each option code with its label."""
    yield ("变量", "代码", "标签")
    for key, head, meaning in META:
        yield (head, "", meaning.format(tz=timezone))
        if key == "language":
            yield from ((head, code, label) for code, label in LANGUAGE_LABELS.items())
    yield from question_label_rows(questionnaire)


def question_label_rows(questionnaire):
    """(column header, code, label) for each question (its text and kind) and each of its options."""
    for q in questionnaire.questions:
        kind = {"single": "单选", "multiple": f"多选，代码以“{MULTI_SEPARATOR}”分隔", "text": "文字"}[q.type]
        head = column(questionnaire, q)
        yield (head, "", f"{q.text}（{kind}）")
        yield from ((head, o.code, option_text(q, o)) for o in q.options)


def option_text(q, o) -> str:
    """An option's label, with its points on a scored question ("非常满意（100 分）"): the raw data then
    reproduce every score without the annex."""
    points = (q.points or {}).get(o.code)
    return str(o.label) if points is None else f"{o.label}（{num(points)} 分）"


def _csv_out(out):
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    return text, csv.writer(text)


def write_csv(export, out) -> None:
    text, writer = _csv_out(out)
    writer.writerow(header(export.result.questionnaire))
    for row in rows(export):
        row[2] = row[2].strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow(row)
    text.flush()
    text.detach()  # leave ``out`` open for the caller


def write_labels(export, out) -> None:
    text, writer = _csv_out(out)
    writer.writerows(label_rows(export.result.questionnaire, export.timezone))
    text.flush()
    text.detach()
