"""XLSX (openpyxl, write-only so a million rows stream): 概况, 汇总, one 交叉-… sheet per breakdown, 数据, 标签.

概况 and 汇总 are the SurveyResult as tables, the 交叉-… sheets its breakdowns (issue #14: by point, by each
background question, by point × question); 数据 and 标签 are the raw rows and the labels of ``raw``
(same columns as the CSV). Numbers are stored as numbers (rounded by the one rule of
``analysis.formatting.rounded``), times as Excel date-times.
"""
from __future__ import annotations

import re

from analysis.formatting import above_digits, rounded
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..headline import census_text, fpc_note, rate_method
from ..safetext import xml_text
from . import raw, weighting_text, wording

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
    yield ("有效率（%）", None if result.valid_rate_pct is None else rounded(result.valid_rate_pct, 1))
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
    yield (f"估计值（{unit}）", rounded(h.value, digits))
    if not h.judgement.census:   # a census has no sampling error: no interval, no bound
        yield (f"双侧 95% 置信下限（{unit}）", rounded(h.low, digits))
        yield (f"双侧 95% 置信上限（{unit}）", rounded(h.high, digits))
    yield ("区间方法", h.method)
    yield ("样本量 n", h.n)
    if h.judgement.population:
        yield ("总体规模 N（用于有限总体的区间和判定）", h.judgement.population)
    yield (f"预期目标（{unit}）", h.target)
    if h.judgement.census:
        yield (f"判定依据：全面调查实际值（{unit}）", rounded(h.value, digits))
    else:
        yield (f"判定依据：单侧 95% 置信{side}（{unit}）", rounded(h.bound, above_digits(h.bound, h.target, digits), "down"))
    yield ("判定方法", h.bound_method)
    yield ("目标判定", h.judgement.verdict_zh)
    yield ("判定说明", h.verdict_text)
    yield ("评分规则", points.rule)
    yield ("C51 得分", rounded(points.points, 2))  # as every page and document prints it (formatting.num)
    yield ("C51 满分", points.maximum)
    yield ("计算过程", points.formula)
    yield ("评价结果", points.sentence)
    yield ("区间下限对应得分", rounded(h.points.points_low, 2))
    yield ("区间上限对应得分", rounded(h.points.points_high, 2))
    for note in h.notes:
        yield ("说明", note)
    if result.design is not None:
        yield ("设计效应（采集点聚类）", rounded(result.design.design_effect, 4))
        yield ("等效样本量", rounded(result.design.effective_n, 1))
    yield from weighting_text.raked_rows(result.raked)
    yield ("计算时间", result.computed_at)


def _estimates(qr):
    """(指标, 估计值, 下限, 上限, 方法) rows for a scale item, in percent / points."""
    role = qr.question.role
    for which, rate in (("rate", qr.rate), ("top2", qr.top2), ("top3", qr.top3)):
        if rate is not None and rate.census:
            yield (wording.rate_label(role, which), rounded(100 * rate.rate, 4), None, None, census_text(rate.population))
        elif rate is not None:
            yield (wording.rate_label(role, which), rounded(100 * rate.rate, 4), rounded(100 * rate.ci.low, 4),
                   rounded(100 * rate.ci.high, 4), f"{rate_method(rate.population)}，n = {rate.n}")
    if qr.score is not None:
        s = qr.score
        census = s.census   # n = N: no interval
        yield (wording.ROLE_WORDS[role][1], rounded(s.score, 4), None if census else rounded(s.ci.low, 4),
               None if census else rounded(s.ci.high, 4), census_text(s.population) if census else
               f"{'Gaffke 区间' if s.method == 'gaffke' else s.method}{fpc_note(s.population)}，n = {s.n}")


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


SHEET_NAME_MAX = 31
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
BREAKDOWN_HEADER = ("组别", "有效回答 n", "满意人数", "满意率（%）", "95%置信区间下限", "上限", "满意度得分（分）",
                    "区间下限", "上限", "与其余样本之差（百分点）", "差的区间下限", "差的区间上限", "p 值",
                    "校正后 p 值", "结论", "得分之差（分）", "得分之差区间下限", "得分之差区间上限", "得分 p 值",
                    "得分校正后 p 值", "得分结论")
# number formats by column (None: as stored); p-values to three places, "<0.001" below, as the pages print them
P_FORMAT = '[<0.001]"<0.001";0.000'
BREAKDOWN_FORMATS = (None, "0", "0", "0.0", "0.0", "0.0", "0.00", "0.00", "0.00", "0.0", "0.0", "0.0", P_FORMAT,
                     P_FORMAT, None, "0.00", "0.00", "0.00", P_FORMAT, P_FORMAT, None)


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


def _verdict(row, difference, marked, direction) -> str:
    if row.small:
        return "样本不足"
    if difference is None:
        return "未作比较"
    if marked:
        return "高于其余样本" if direction == "higher" else "低于其余样本"
    return "差异不显著"


def _pct(x):
    return None if x is None else rounded(100 * x, 4)


def _pts(x):
    return None if x is None else rounded(x, 4)


def breakdown_row(row, label, *, scored: bool, total: bool = False) -> list:
    """One group's (or, ``total``, the 合计 row's) cells in the order of BREAKDOWN_HEADER: a small group keeps
    its n and its count, its rate, score and comparisons are left empty and its 结论 is 样本不足."""
    hidden = row.small and not total
    figures = [None] * 6 if hidden else [_pct(row.rate), _pct(row.rate_low), _pct(row.rate_high),
                                         _pts(row.score), _pts(row.score_low), _pts(row.score_high)]
    cells = [label, row.n, row.satisfied, *figures]
    if total:
        return cells + [None] * (len(BREAKDOWN_HEADER) - len(cells))
    rate, score = row.rate_difference, row.score_difference
    cells += [None] * 5 if rate is None else [
        _pct(rate.difference), _pct(rate.low), _pct(rate.high), row.p_value, row.adjusted_p]
    cells.append(_verdict(row, rate, row.marked, row.direction))
    cells += [None] * 5 if score is None else [
        _pts(score.difference), _pts(score.low), _pts(score.high), row.score_p_value, row.score_adjusted_p]
    cells.append(_verdict(row, score, row.score_marked, row.score_direction) if scored else None)
    return cells


def _breakdown_sheet(ws, breakdowns, table):
    ws.column_dimensions["A"].width = 24
    item = breakdowns.item
    ws.append(_bold(ws, [xml_text(f"{table.title}（{table.group_label}）：{item.label}（{item.id}）")]))
    ws.append(_bold(ws, list(BREAKDOWN_HEADER)))
    scored = item.points is not None
    rows = [breakdown_row(row, raw.sheet_text(str(row.label)), scored=scored) for row in table.result.rows]
    for values in rows + [breakdown_row(table.result.total, "合计", scored=scored, total=True)]:
        cells = []
        for value, fmt in zip(values, BREAKDOWN_FORMATS):
            cell = WriteOnlyCell(ws, value=value)
            if fmt and value is not None:
                cell.number_format = fmt
            cells.append(cell)
        ws.append(cells)
    ws.append([])
    ws.append(["方法", xml_text(breakdowns.method_text)])
    for note in breakdowns.notes:
        ws.append(["说明", xml_text(note)])


def breakdown_sheets(wb, result) -> None:
    """One sheet per breakdown table (交叉-按采集点, 交叉-按年龄, 交叉-按采集点×年龄 ...), none without breakdowns."""
    b = result.breakdowns
    if b is None:
        return
    taken = {name.casefold() for name in wb.sheetnames} | {"数据", "标签", "与上年度比较"}
    for table in b.tables:
        _breakdown_sheet(wb.create_sheet(sheet_name("交叉-" + table.title.replace(" ", ""), taken)), b, table)


TREND_HEADER = ("题目", "本次 n", "本次满意率（%）", "下限（%）", "上限（%）", "上次 n", "上次满意率（%）", "下限（%）",
                "上限（%）", "满意率之差（百分点）", "下限（百分点）", "上限（百分点）", "结论", "本次得分（分）", "下限（分）",
                "上限（分）", "上次得分（分）", "下限（分）", "上限（分）", "得分之差（分）", "下限（分）", "上限（分）", "结论")


def trend_sheet(wb, result) -> None:
    """与上年度比较 (when an earlier survey was chosen): each item in both surveys with the two-sided 95 %
    intervals, and the differences (this − earlier) with theirs; rates in %, scores in 分, as the page."""
    t = result.trend
    if t is None:
        return
    ws = wb.create_sheet("与上年度比较")
    ws.column_dimensions["A"].width = 30
    ws.append([xml_text(f"比较对象：第 {t.earlier['id']} 号“{t.earlier['title']}”（{t.earlier.get('year') or '—'} 年）；"
                        "差值 = 本次 − 上次；区间为双侧 95% 置信区间，不含 0 时差异显著")])
    ws.append(_bold(ws, list(TREND_HEADER)))

    def figure(value, ci, scale):
        return [None if value is None else rounded(scale * value, 4)] + (
            [None, None] if ci is None else [rounded(scale * ci.low, 4), rounded(scale * ci.high, 4)])

    def difference(c, significant, scale):
        if c is None:
            return [None, None, None, "不作比较"]
        return [rounded(scale * c.difference, 4), rounded(scale * c.low, 4), rounded(scale * c.high, 4),
                "差异显著" if significant else "差异不显著"]

    for r in t.rows:
        ws.append([xml_text(f"{r.label}（{r.question_id}）"), r.n_now, *figure(r.rate_now, r.rate_now_ci, 100),
                   r.n_before, *figure(r.rate_before, r.rate_before_ci, 100),
                   *difference(r.rate, r.rate_significant, 100), *figure(r.score_now, r.score_now_ci, 1),
                   *figure(r.score_before, r.score_before_ci, 1), *difference(r.score, r.score_significant, 1)])


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
    breakdown_sheets(wb, result)
    trend_sheet(wb, result)
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
