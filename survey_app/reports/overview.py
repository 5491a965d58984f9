"""The XLSX 概况 sheet's rows: the survey, its sample (with the dates, the 剔除 reasons and the receipt the
annex prints), the headline with its interval, verdict and C51 points, and the weighted figures; each value
from the one source the annex and the working paper print it from (``wording``, the SurveyResult)."""
from __future__ import annotations

from datetime import date, datetime

import analysis
from analysis import formatting
from analysis.formatting import above_digits, rounded

from . import raw, weighting_text, wording
from .sheet_style import COUNT, DATE, DATETIME, RATE, SCORE, decimals, share, shown


def overview_rows(result):
    """(项目, 值[, 格式]) rows of the 概况 sheet: a rate as a fraction shown in percent, a score in 分; a
    collection point's 回收 and 有效 in two numeric cells."""
    s = result.survey
    yield ("评价项目", raw.sheet_text(s["title"]))  # stored text: never a formula
    yield ("被评价单位", raw.sheet_text(s.get("department") or ""))
    yield ("年度", s.get("year") or "", COUNT)
    yield ("评价机构", raw.sheet_text(s.get("evaluator_org") or ""))
    yield ("问卷", f"{result.questionnaire.title}（{result.questionnaire.key}）")
    days = wording.survey_days(result)  # the annex's 调研开展情况 dates
    if days:
        yield ("调查开始日期（首份有效问卷）", date.fromisoformat(days[0]), DATE)
        entered = "，纸质问卷按录入日期" if result.fieldwork.total.paper else ""  # as wording.PAPER_DATED says
        yield (f"调查结束日期（末份有效问卷{entered}）", date.fromisoformat(days[1]), DATE)
    total = result.fieldwork.total
    yield ("扫码打开（次）", total.opens, COUNT)
    yield ("完成率（扫码提交÷扫码打开）", share(total.completion_rate_pct), RATE)
    if total.kiosk:  # answers on a hall's own tablet (store/kiosks.py): not in the completion rate
        yield ("平板填写（份）", total.kiosk, COUNT)
    yield ("发放（份，纸质）", total.issued, COUNT)
    if total.paper:  # entered paper forms (admin/paper.py): their count and their own rate
        yield ("纸质问卷录入（份）", total.paper, COUNT)
        yield ("纸质回收率（录入÷发放）", share(total.paper_rate_pct), RATE)
    yield ("办件量（件）", total.served, COUNT)
    yield ("应答率（有效÷办件量）", share(total.response_rate_pct), RATE)
    yield ("回收（份）", result.returned, COUNT)
    yield ("有效问卷（份）", result.valid, COUNT)
    yield ("已剔除（份）", result.excluded, COUNT)
    for reason, n in result.exclusions:  # the reasons the annex gives (wording.exclusions_text)
        yield (f"剔除原因：{reason}（份）", n, COUNT)
    yield ("有效率", share(result.valid_rate_pct), RATE)
    for p in result.points:
        yield (f"采集点：{p.name}（回收、有效，份）", p.returned, COUNT, p.valid)
    receipt = wording.receipt_facts(result)  # as the annex and the working paper print it
    if receipt:
        yield ("数据回执摘要", receipt[1])
        yield ("评价机构签名公钥指纹", receipt[2])
        yield ("回执数据截至", receipt[0])
    h = result.headline
    if h is None:
        yield ("C51 得分", "尚无有效问卷")
        return
    points = h.points.at_estimate
    rate = h.figure == "rate"
    unit, digits = ("", 1) if rate else ("（分）", 2)

    def figure(x, text, toward=None):  # in the headline's unit (a fraction in percent, or 分), shown with the
        places = formatting.places(text)  # digits of ``text``, as the pages and documents print it
        return (share(x, places, toward) if rate else rounded(x, places, toward)), decimals(places, rate)

    side = "下限" if h.judgement.deciding == "lower" else "上限"
    yield ("C51 依据", h.label)
    yield (f"估计值{unit}", *figure(h.value, h.text(h.value)))
    if not h.judgement.census:   # a census has no sampling error: no interval, no bound
        low, high = h.ends_text(h.low, h.high)  # both ends alike, as the range prints
        yield (f"双侧 95% 置信下限{unit}", *figure(h.low, low))
        yield (f"双侧 95% 置信上限{unit}", *figure(h.high, high))
    yield ("区间方法", h.method)
    yield ("样本量 n", h.n, COUNT)
    if h.judgement.population:
        yield ("总体规模 N（用于有限总体的区间和判定）", h.judgement.population, COUNT)
    yield (f"预期目标{unit}", *figure(h.target, formatting.num(h.target)))  # a rule's number: '95%', '95 分'
    if h.judgement.census:
        yield (f"判定依据：全面调查实际值{unit}", *figure(h.value, h.text(h.value)))
    else:
        places = above_digits(h.bound, h.target, digits)  # as the verdict's sentence prints it, rounded down
        text = (formatting.pct if rate else formatting.num)(h.bound, places, "down")
        yield (f"判定依据：单侧 95% 置信{side}{unit}", *figure(h.bound, text, "down"))
    yield ("判定方法", h.bound_method)
    yield ("目标判定", h.judgement.verdict_zh)
    yield ("判定说明", h.verdict_text)
    rule = analysis.RULES.get(points.rule)  # as the annex names it: the rule's title, never its code
    yield ("评分规则", rule.display_name if rule else points.rule)
    yield ("C51 得分", *_points(points.points))  # as every page and document prints it (formatting.num)
    yield ("C51 满分", *_points(points.maximum))
    yield ("计算过程", wording.formula_text(h))
    yield ("评价结果", points.sentence)
    yield ("双侧 95% 区间下限对应得分", *_points(h.points.points_low))
    yield ("双侧 95% 区间上限对应得分", *_points(h.points.points_high))
    for note in h.notes:
        yield ("说明", note)
    if result.design is not None:
        # as the dashboard and 附件3 print them: deff to 0.01, the effective n to 0.1 (kept off a rounding boundary)
        yield ("设计效应（采集点聚类）", formatting.kept(result.design.design_effect), "0.00")
        yield ("等效样本量", formatting.kept(result.design.effective_n), "0.0")
    yield from weighting_text.raked_rows(result.raked)
    if result.computed_at:  # the local time it was read (ISO with its offset) as Excel's date-time, as 数据's 提交时间
        yield ("计算时间", datetime.fromisoformat(result.computed_at).replace(tzinfo=None), DATETIME)


def _points(x: float) -> tuple[float, str]:
    """C51 points as a cell: the value and the digits ``formatting.num`` prints ('5', '3.94'), never '5.00'."""
    return rounded(x, 2), shown(formatting.num(x))
