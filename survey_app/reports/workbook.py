"""XLSX (openpyxl, write-only so a million rows stream): 概况, 汇总, one 交叉-… sheet per breakdown, 数据, 标签.

概况 and 汇总 are the SurveyResult as tables, the 交叉-… sheets its breakdowns (issue #14: by point, by each
background question, by point × question); 数据 and 标签 are the raw rows and the labels of ``raw``
(same columns as the CSV). Numbers are stored as numbers (rounded by the one rule of
``analysis.formatting.rounded``, ``kept`` off a shorter rounding's boundary, so a cell never shows 91.48 where the
page prints 91.47) and formatted by their unit (``sheet_style``: a rate as a fraction shown
in percent, a score in 分 with the digits the pages print), times as Excel date-times; every sheet prints on A4.
"""
from __future__ import annotations

from analysis.formatting import kept
from openpyxl import Workbook

from ..headline import census_text, fpc_note, rate_method
from ..safetext import xml_text
from . import raw, unrecorded_text, wording
from .overview import overview_rows
from .sheet_style import (COUNT, DATETIME, POINTS_DIFFERENCE, POINTS_WIDTH, P_VALUE, RATE, SCORE, autofilter, below,
                          difference_formats, p_format, percentage_points, prepare, range_formats, row, Rows, share,
                          sheet_name)


def _estimates(qr, target=None):
    """(指标, 估计值, 下限, 上限, 方法, 格式) rows for a scale item: a rate as a fraction, a score in 分, each
    figure formatted to show it below the survey's ``target`` when below it (``sheet_style.below``)."""
    role = qr.question.role

    def formats(value, low=None, high=None, percent=True):  # the figure, its interval's ends alike (span)
        return (below(value, target, percent), *range_formats(low, high, target, percent))
    for which, rate in (("rate", qr.rate), ("top2", qr.top2), ("top3", qr.top3)):
        if rate is not None and rate.census:
            yield (wording.rate_label(role, which), _frac(rate.rate), None, None, census_text(rate.population),
                   formats(_frac(rate.rate))[:1])
        elif rate is not None:
            cells = _frac(rate.rate), _frac(rate.ci.low), _frac(rate.ci.high)
            yield (wording.rate_label(role, which), *cells, f"{rate_method(rate.population)}，n = {rate.n}",
                   formats(*cells))
    if qr.score is not None:
        s = qr.score
        census = s.census   # n = N: no interval
        cells = kept(s.score), None if census else kept(s.ci.low), None if census else kept(s.ci.high)
        yield (wording.ROLE_WORDS[role][1], *cells, census_text(s.population) if census else
               f"{'Gaffke 区间' if s.method == 'gaffke' else s.method}{fpc_note(s)}，n = {s.n}",
               formats(*cells, percent=False)[:1 if census else 3])


TALLY_WIDTHS = (14, 40, 11, 11, 11, 34)
# 汇总 stacks a block per question: the header (frozen, printed on each page) names each column's use in a
# block's rows (the question's, its options', its estimates'), which repeat their own headings
TALLY_HEADER = ("题号／代码／指标", "题目／选项", "题型／人数／估计值", "类别／占比／95% 下限", "95% 上限", "方法")


def _tally_sheet(ws, result):
    """Each question: its title, its options' counts and shares (占比, a fraction shown in percent), its
    not-applicable and blank counts and, for a scale item, its estimates with their intervals."""
    wrap = (1, 4)
    out = Rows(ws, len(TALLY_HEADER))
    out.append(row(ws, TALLY_HEADER, bold=True, wrap_columns=range(6)))  # narrow columns: wrapped
    for qr in result.questions:
        q = qr.question  # 题号 as the paper form numbers it, with the id the 数据 sheet's column ends in
        out.append(row(ws, [f"{wording.question_ordinal(result.questionnaire, q.id)}（{q.id}）", str(q.text),
                           wording.TYPE_NAMES[q.type], wording.ROLE_NAMES[q.role]], bold=True, wrap_columns=wrap))
        out.append(row(ws, ["代码", "选项", "人数", "占比"], bold=True))
        for r in qr.table.rows:
            label = str(q.option(r.code).label) if q.options else ""
            out.append(row(ws, [raw.sheet_text(r.code), label, r.count, share(r.percent)], (None, None, COUNT, RATE),
                          wrap_columns=wrap))
        out.append(row(ws, ["合计", "", qr.n, share(qr.table.total_percent if qr.n else 0.0)], (None, None, COUNT, RATE)))
        if qr.table.note:  # the printed shares do not add up to 100.0% (a multiple-choice one's, by 人次, too)
            out.note(qr.table.note)
        if q.not_applicable:
            out.append(row(ws, ["不适用（不计入分母）", "", qr.not_applicable], (None, None, COUNT)))
        if q.type != "multiple":
            out.append(row(ws, ["未作答", "", qr.unanswered], (None, None, COUNT)))
        estimates = list(_estimates(qr, result.target))
        if estimates:
            out.append(row(ws, ["指标", None, "估计值", "95% 下限", "95% 上限", "方法"], bold=True))
            for *values, fmt in estimates:  # the label runs on into the empty column B
                out.append(row(ws, [values[0], None, *values[1:]], (None, None, *fmt), wrap_columns=(5,)))
        out.append([])


BREAKDOWN_HEADER = ("组别", "有效回答 n", "满意人数", "满意率", "95%置信区间下限", "上限", "满意度得分（分）",
                    "区间下限", "上限", "满意率与其余样本之差（个百分点）", "差的区间下限（个百分点）", "差的区间上限（个百分点）", "p 值",
                    "校正后 p 值", "结论", "得分之差（分）", "得分之差区间下限", "得分之差区间上限", "得分 p 值",
                    "得分校正后 p 值", "得分结论")
# number formats by column (None: text): rates as fractions shown in percent, their differences in
# percentage points (3.2 reads 3.2 个百分点), scores in 分, p-values to three places, "<0.001" below
P_FORMAT = P_VALUE
BREAKDOWN_FORMATS = (None, COUNT, COUNT, RATE, RATE, RATE, SCORE, SCORE, SCORE, *[POINTS_DIFFERENCE] * 3, P_FORMAT,
                     P_FORMAT, None, SCORE, SCORE, SCORE, P_FORMAT, P_FORMAT, None)
BREAKDOWN_WIDTHS = (22,) + (9,) * 8 + (POINTS_WIDTH,) * 3 + (9,) * 2 + (12,) + (9,) * 5 + (12,)


def _verdict(row, difference, marked, direction) -> str:
    if row.small:
        return "样本不足"
    if difference is None:
        return "未作比较"
    if marked:
        return "高于其余样本" if direction == "higher" else "低于其余样本"
    return "差异不显著"


def _frac(x):
    """A rate (a fraction) as the workbook stores it: to 10⁻⁶, i.e. 10⁻⁴ percent, shown as printed (``kept``)."""
    return None if x is None else kept(x, 6)


def _pts(x):  # a score (分) to 10⁻⁴, shown as printed (``kept``)
    return None if x is None else kept(x)


def breakdown_row(row, label, *, scored: bool, total: bool = False) -> list:
    """One group's (or, ``total``, the 合计 row's) cells in the order of BREAKDOWN_HEADER: a small group keeps
    its n and its count, its rate, score and comparisons are left empty and its 结论 is 样本不足."""
    hidden = row.small and not total
    figures = [None] * 6 if hidden else [_frac(row.rate), _frac(row.rate_low), _frac(row.rate_high),
                                         _pts(row.score), _pts(row.score_low), _pts(row.score_high)]
    cells = [label, row.n, row.satisfied, *figures]
    if total:
        return cells + [None] * (len(BREAKDOWN_HEADER) - len(cells))
    rate, score = row.rate_difference, row.score_difference
    cells += [None] * 5 if rate is None else [
        percentage_points(rate.difference), percentage_points(rate.low), percentage_points(rate.high),
        row.p_value, row.adjusted_p]
    cells.append(_verdict(row, rate, row.marked, row.direction))
    cells += [None] * 5 if score is None else [
        _pts(score.difference), _pts(score.low), _pts(score.high), row.score_p_value, row.score_adjusted_p]
    cells.append(_verdict(row, score, row.score_marked, row.score_direction) if scored else None)
    return cells


def breakdown_formats(cells, target) -> tuple:
    """BREAKDOWN_FORMATS with a group's rate and score (and their intervals) shown as the page prints them:
    below ``target`` when below it, a score with its own digits, an interval's ends alike (``sheet_style.below``)."""
    figures = (below(cells[3], target), *range_formats(cells[4], cells[5], target),
               below(cells[6], target, False), *range_formats(cells[7], cells[8], target, False))
    rate_difference = difference_formats(*cells[9:12], 1, points=True)
    score_difference = difference_formats(*cells[15:18], 2)
    p_values = tuple(p_format(cells[i]) for i in (12, 13, 18, 19))  # beside 高于/低于: 0.0497, never 0.050
    return (BREAKDOWN_FORMATS[:3] + figures + rate_difference + p_values[:2] + BREAKDOWN_FORMATS[14:15]
            + score_difference + p_values[2:] + BREAKDOWN_FORMATS[20:])


def _breakdown_sheet(ws, breakdowns, table, questionnaire, target=None):
    prepare(ws, BREAKDOWN_WIDTHS, landscape=True, header_row=2, freeze="B3")
    out = Rows(ws, len(BREAKDOWN_HEADER))
    item = breakdowns.item
    title = wording.question_title(questionnaire, item, item.label)  # 第 7 题 伊宁市医疗保障局整体工作
    out.append(row(ws, [xml_text(f"{table.title}（{table.group_label}）：{title}")], bold=True))
    out.append(row(ws, list(BREAKDOWN_HEADER), bold=True, wrap_columns=range(len(BREAKDOWN_HEADER))))
    scored = item.points is not None
    rows = [breakdown_row(r, raw.sheet_text(str(r.label)), scored=scored) for r in table.result.rows]
    for values in rows + [breakdown_row(table.result.total, "合计", scored=scored, total=True)]:
        out.append(row(ws, values, breakdown_formats(values, target), wrap_columns=(0,)))
    autofilter(ws, 2, 2 + len(rows), len(BREAKDOWN_HEADER))  # the groups; 合计 stays below the filter
    out.append([])
    out.note("方法", xml_text(breakdowns.method_text))
    for note in breakdowns.notes:
        out.note("说明", xml_text(note))


def breakdown_sheets(wb, result) -> None:
    """One sheet per breakdown table (交叉-按采集点, 交叉-按年龄, 交叉-按采集点×年龄 ...), none without breakdowns."""
    b = result.breakdowns
    if b is None:
        return
    taken = {name.casefold() for name in wb.sheetnames} | {"数据", "标签", "与上年度比较"}
    for table in b.tables:
        _breakdown_sheet(wb.create_sheet(sheet_name("交叉-" + table.title.replace(" ", ""), taken)), b, table,
                         result.questionnaire, result.target)


TREND_HEADER = ("题目", "本次 n", "本次满意率", "下限", "上限", "上次 n", "上次满意率", "下限", "上限",
                "满意率之差（个百分点）", "下限（个百分点）", "上限（个百分点）", "结论", "本次得分（分）", "下限（分）", "上限（分）", "上次得分（分）", "下限（分）",
                "上限（分）", "得分之差（分）", "下限（分）", "上限（分）", "结论")
TREND_FORMATS = (None, COUNT, *[RATE] * 3, COUNT, *[RATE] * 3, *[POINTS_DIFFERENCE] * 3, None, *[SCORE] * 9, None)
TREND_WIDTHS = (28, 7, 9, 9, 9, 7, 9, 9, 9, *[POINTS_WIDTH] * 3, 11, *[9] * 9, 11)


def trend_formats(r, target: float | None = None) -> tuple:
    """TREND_FORMATS with each figure and each difference shown with the digits the page and the annex print (a rate
    or a score as beside the survey's ``target``, its interval's ends alike, a difference and its ends by ``nums``)."""
    def figure(value, ci, percent):
        ends = range_formats(ci.low, ci.high, target, percent) if ci else (RATE if percent else SCORE,) * 2
        return (below(value, target, percent), *ends)

    def change(c, scale, digits, points=False):
        ends = (None, None, None) if c is None else (scale * c.difference, scale * c.low, scale * c.high)
        return difference_formats(*ends, digits, points)
    return (TREND_FORMATS[:2] + figure(r.rate_now, r.rate_now_ci, True) + TREND_FORMATS[5:6]
            + figure(r.rate_before, r.rate_before_ci, True) + change(r.rate, 100, 1, True) + TREND_FORMATS[12:13]
            + figure(r.score_now, r.score_now_ci, False) + figure(r.score_before, r.score_before_ci, False)
            + change(r.score, 1, 2) + TREND_FORMATS[22:])


def trend_sheet(wb, result) -> None:
    """与上年度比较 (when an earlier survey was chosen): each item in both surveys with the two-sided 95 %
    intervals, and the differences (this − earlier) with theirs; rates as fractions shown in percent, their
    differences in percentage points (6.0 reads 6.0 个百分点), scores in 分, as the page."""
    t = result.trend
    if t is None:
        return
    ws = wb.create_sheet("与上年度比较")
    prepare(ws, TREND_WIDTHS, landscape=True, header_row=2, freeze="B3")
    out = Rows(ws, len(TREND_HEADER))
    out.note(xml_text(f"比较对象：第 {t.earlier['id']} 号“{t.earlier['title']}”（{t.earlier.get('year') or '—'} 年）；"
                     "差值 = 本次 − 上次。" + t.method_text))
    out.append(row(ws, list(TREND_HEADER), bold=True, wrap_columns=range(len(TREND_HEADER))))

    def figure(value, ci, unit):
        return [None if value is None else unit(value)] + ([None, None] if ci is None else [unit(ci.low), unit(ci.high)])

    def difference(c, significant, unit):
        if c is None:
            return [None, None, None, "不作比较"]
        return [unit(c.difference), unit(c.low), unit(c.high), "差异显著" if significant else "差异不显著"]

    def score(x):
        return kept(x)

    for r in t.rows:
        title = wording.question_title(result.questionnaire, result.questionnaire.question(r.question_id), r.label)
        out.append(row(ws, [xml_text(title), r.n_now, *figure(r.rate_now, r.rate_now_ci, _frac),
                           r.n_before, *figure(r.rate_before, r.rate_before_ci, _frac),
                           *difference(r.rate, r.rate_significant, percentage_points), *figure(r.score_now, r.score_now_ci, score),
                           *figure(r.score_before, r.score_before_ci, score),
                           *difference(r.score, r.score_significant, score)], trend_formats(r, result.target), wrap_columns=(0,)))
    autofilter(ws, 2, 2 + len(t.rows), len(TREND_HEADER))


def write(export, out) -> None:
    result = export.result
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("概况")
    alarm = unrecorded_text.warning(result.unrecorded)  # settings changed outside Manyi: the first row says so
    prepare(ws, (30, 60, 12), header_row=2 if alarm else 1)
    overview = Rows(ws, 3)
    if alarm:
        overview.note(alarm, bold=True)
    overview.append(row(ws, ["项目", "值"], bold=True))
    for key, value, *more in overview_rows(result):  # texts holding stored ones (point names) as XML can hold them
        fmt, *extra = more or [None]
        overview.append(row(ws, [xml_text(key), xml_text(value) if isinstance(value, str) else value, *extra],
                            (None, fmt, fmt), wrap_columns=(0, 1)))
    ws = wb.create_sheet("汇总")
    prepare(ws, TALLY_WIDTHS, header_row=1)
    _tally_sheet(ws, result)
    breakdown_sheets(wb, result)
    trend_sheet(wb, result)
    ws = wb.create_sheet("数据")
    header = raw.header(result.questionnaire)
    prepare(ws, (8, 14, 19, 8, 7, 7, 14, *[12] * (len(header) - 7)), landscape=True, header_row=1, freeze="B2")
    Rows(ws, len(header)).append(row(ws, header, bold=True, wrap_columns=range(len(header))))  # 第 7 题 …（q5）: wrapped
    n = 0
    for n, values in enumerate(raw.rows(export), 1):  # a million rows: only the first four cells are styled
        values[:4] = row(ws, values[:4], (COUNT, None, DATETIME, COUNT))
        ws.append(values)
    autofilter(ws, 1, 1 + n, len(header))
    ws = wb.create_sheet("标签")
    prepare(ws, (30, 8, 60), header_row=1)
    labels = Rows(ws, 3)
    n = 0
    for n, values in enumerate(raw.label_rows(result.questionnaire, export.timezone)):
        labels.append(row(ws, list(values), bold=n == 0, wrap_columns=(0, 2)))
    autofilter(ws, 1, 1 + n, 3)
    wb.save(out)
