"""XLSX (openpyxl, write-only so a million rows stream): 概况, 汇总, 数据, 标签.

概况 and 汇总 are the SurveyResult as tables; 数据 and 标签 are the raw rows and the labels of
``raw`` (same columns as the CSV). Numbers are stored as numbers (rounded by the one rule of
``analysis.formatting.rounded``), times as Excel date-times.
"""
from __future__ import annotations

from analysis.formatting import rounded
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..safetext import xml_text
from . import raw, wording

BOLD = Font(bold=True)


def _bold(ws, values):
    cells = []
    for v in values:
        cell = WriteOnlyCell(ws, value=v)
        cell.font = BOLD
        cells.append(cell)
    return cells


def overview_rows(result):
    """(项目, 值) pairs of the 概况 sheet."""
    s = result.survey
    yield ("评价项目", raw.sheet_text(s["title"]))  # stored text: never a formula
    yield ("被评价单位", raw.sheet_text(s.get("department") or ""))
    yield ("年度", s.get("year") or "")
    yield ("评价机构", raw.sheet_text(s.get("evaluator_org") or ""))
    yield ("问卷", f"{result.questionnaire.title}（{result.questionnaire.key}）")
    total = result.fieldwork.total
    yield ("扫码打开（次）", total.opens)
    yield ("完成率（%，提交÷扫码打开）", None if total.completion_rate_pct is None else rounded(total.completion_rate_pct, 1))
    yield ("发放（份，纸质）", total.issued)
    yield ("办件量（件）", total.served)
    yield ("应答率（%，有效÷办件量）", None if total.response_rate_pct is None else rounded(total.response_rate_pct, 1))
    yield ("回收（份）", result.returned)
    yield ("有效问卷（份）", result.valid)
    yield ("已剔除（份）", result.excluded)
    yield ("有效率（%）", rounded(result.valid_rate_pct, 1))
    for p in result.points:
        yield (f"采集点：{p.name}（回收/有效）", f"{p.returned}/{p.valid}")
    h = result.headline
    if h is None:
        yield ("C51 得分", "尚无有效问卷")
        return
    points = h.points.at_estimate
    unit, digits = ("%", 1) if h.figure == "rate" else ("分", 2)
    side = "下限" if h.judgement.deciding == "lower" else "上限"
    yield ("C51 依据", h.label)
    yield (f"估计值（{unit}）", rounded(h.value_pct, digits))
    yield (f"双侧 95% 置信下限（{unit}）", rounded(h.low_pct, digits))
    yield (f"双侧 95% 置信上限（{unit}）", rounded(h.high_pct, digits))
    yield ("区间方法", h.method)
    yield ("样本量 n", h.n)
    yield (f"预期目标（{unit}）", h.target_pct)
    yield (f"判定依据：单侧 95% 置信{side}（{unit}）",
           rounded(h.bound_pct, digits, "down"))
    yield ("判定方法", h.bound_method)
    yield ("目标判定", h.judgement.verdict_zh)
    yield ("判定说明", h.verdict_text)
    yield ("评分规则", points.rule)
    yield ("C51 得分", points.points)
    yield ("C51 满分", points.maximum)
    yield ("计算过程", points.formula)
    yield ("评价结果", points.sentence)
    yield ("区间下限对应得分", h.points.points_low)
    yield ("区间上限对应得分", h.points.points_high)
    for note in h.notes:
        yield ("说明", note)
    if result.design is not None:
        yield ("设计效应（采集点聚类）", rounded(result.design.design_effect, 4))
        yield ("等效样本量", rounded(result.design.effective_n, 1))
    yield ("计算时间", result.computed_at)


def _estimates(qr):
    """(指标, 估计值, 下限, 上限, 方法) rows for a scale item, in percent / points."""
    role = qr.question.role
    for which, rate in (("rate", qr.rate), ("top2", qr.top2), ("top3", qr.top3)):
        if rate is not None:
            yield (wording.rate_label(role, which), rounded(100 * rate.rate, 4), rounded(100 * rate.ci.low, 4),
                   rounded(100 * rate.ci.high, 4), f"{rate.method}，n = {rate.n}")
    if qr.score is not None:
        s = qr.score
        yield (wording.ROLE_WORDS[role][1], rounded(s.score, 4), rounded(s.ci.low, 4), rounded(s.ci.high, 4),
               f"{s.method}，n = {s.n}")


def _tally_sheet(ws, result):
    for i, qr in enumerate(result.questions, 1):
        q = qr.question
        ws.append(_bold(ws, [f"{i}. {q.id}", str(q.text), wording.TYPE_NAMES[q.type], wording.ROLE_NAMES[q.role]]))
        ws.append(_bold(ws, ["代码", "选项", "人数", "占比（%）"]))
        for row in qr.table.rows:
            label = str(q.option(row.code).label) if q.options else ""
            ws.append([raw.sheet_text(row.code), label, row.count, row.percent])
        ws.append(["合计", "", qr.n, qr.table.total_percent if qr.n else 0.0])
        if qr.table.note and q.type != "multiple":
            ws.append([qr.table.note])
        if q.not_applicable:
            ws.append(["不适用（不计入分母）", "", qr.not_applicable])
        if q.type != "multiple":
            ws.append(["未作答", "", qr.unanswered])
        estimates = list(_estimates(qr))
        if estimates:
            ws.append(_bold(ws, ["指标", "估计值", "95% 下限", "95% 上限", "方法"]))
            for row in estimates:
                ws.append(list(row))
        ws.append([])


def write(export, out) -> None:
    result = export.result
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("概况")
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 90
    for key, value in overview_rows(result):  # texts holding stored ones (point names) as XML can hold them
        ws.append([xml_text(key), xml_text(value) if isinstance(value, str) else value])
    ws = wb.create_sheet("汇总")
    for col, width in zip("ABCDE", (12, 40, 12, 12, 30)):
        ws.column_dimensions[col].width = width
    _tally_sheet(ws, result)
    ws = wb.create_sheet("数据")
    ws.column_dimensions["C"].width = 20
    ws.append(_bold(ws, raw.header(result.questionnaire)))
    for row in raw.rows(export):
        when = WriteOnlyCell(ws, value=row[2])
        when.number_format = "yyyy-mm-dd hh:mm:ss"
        row[2] = when
        ws.append(row)
    ws = wb.create_sheet("标签")
    ws.column_dimensions["C"].width = 60
    for i, row in enumerate(raw.label_rows(result.questionnaire, export.timezone)):
        ws.append(_bold(ws, row) if i == 0 else list(row))
    wb.save(out)
