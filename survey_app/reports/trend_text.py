"""The annex's 与上年度比较 section (issue #14), as blocks like annex_text's: ("h2", text), ("p", text).

Written only when the evaluator chose an earlier survey (``trend`` is not None). Every figure is read from
the ``trend.Trend``; scores are in 分, differences of rates in 个百分点, never mixed. A difference is called
提高 or 降低 only when its 95% interval leaves out 0 (差异显著); otherwise it is a 变化.
"""
from __future__ import annotations

from analysis.formatting import num_below, nums, pct_below, span

from ..trend import Trend, TrendRow, excludes_zero
from .wording import ROLE_WORDS
from .wording import minus as _minus



def _signed(text: str, x: float) -> str:
    return ("+" if x > 0 and text.lstrip("0.") else "") + _minus(text)


def _change(comparison, unit: str, when: str, digits) -> str:
    """'较上年度提高 5.2 分（95% 置信区间 +1.1 至 +9.3 分），差异显著' (the ends signed, as the page prints them)."""
    texts = digits(comparison.difference, comparison.low, comparison.high)  # the figure and its ends alike
    d, low, high = (_signed(t, x) for t, x in zip(texts, (comparison.difference, comparison.low, comparison.high)))
    if excludes_zero(comparison):
        verb = ("提高 " if comparison.difference > 0 else "降低 ") + texts[0].lstrip("-")
        verdict = "差异显著"
    else:
        verb, verdict = "变化 " + d, "差异不显著"
    return f"较{when}{verb} {unit}（95% 置信区间 {low} 至 {high} {unit}），{verdict}"


def _points(*xs: float) -> list[str]:  # rate differences (shares) in percentage points, as the page's
    return nums(*(100 * x for x in xs), digits=1)


def score_text(row: TrendRow, when: str, target: float | None = None) -> str | None:
    """'满意度得分为 97.6 分，较上年度提高 4.4 分（95% 置信区间 …分），差异显著'; None without a score. Beside the
    survey's ``target`` a score prints as the item's own line prints it (``num_below``: never reaching it by rounding)."""
    if row.score is None:
        return None
    return (f"{ROLE_WORDS[row.role][1]}为 {num_below(row.score_now, target)} 分{_ci(row.score_now_ci, target)}，"
            f"{when}为 {num_below(row.score_before, target)} 分{_ci(row.score_before_ci, target)}，"
            f"{_change(row.score, '分', when, nums)}")


def _ci(interval, target: float | None = None) -> str:
    """'（95% 置信区间 91.47–99.36 分）' after a score (``formatting.span``); nothing without one."""
    return "" if interval is None else f"（95% 置信区间 {span(interval.low, interval.high, '分', target)}）"


def _rate_ci(interval, target: float | None = None) -> str:
    """'；95% 置信区间 86.5%–98.9%' after a rate's count, as the rest of the annex writes a rate's range."""
    return "" if interval is None else f"；95% 置信区间 {span(100 * interval.low, 100 * interval.high, '%', target)}"


def rate_text(row: TrendRow, when: str, target: float | None = None) -> str | None:
    """'满意率为 96.0%（48/50；95% 置信区间 86.5%–98.9%），上年度为 90.0%（45/50；95% 置信区间 78.6%–95.7%），
    较上年度变化 +6.0 个百分点（…个百分点），差异不显著'."""
    if row.rate is None:
        return None
    return (f"{ROLE_WORDS[row.role][0]}为 {pct_below(100 * row.rate_now, target)}（{row.satisfied_now}/{row.n_now}"
            f"{_rate_ci(row.rate_now_ci, target)}），{when}为 {pct_below(100 * row.rate_before, target)}（"
            f"{row.satisfied_before}/{row.n_before}{_rate_ci(row.rate_before_ci, target)}），"
            f"{_change(row.rate, '个百分点', when, _points)}")


def _item(row: TrendRow, when: str, lead_with: str, target: float | None) -> list[str]:
    texts = [score_text(row, when, target), rate_text(row, when, target)]
    return [t for t in (texts if lead_with == "score" else texts[::-1]) if t]


def trend_blocks(trend: Trend | None, target: float | None = None) -> list[tuple]:
    """The section's blocks; [] when no earlier survey was chosen. ``target``: the survey's, beside which no figure
    prints as reaching it by rounding (as the annex's item sections print the same figures)."""
    if trend is None:
        return []
    before, head, when = trend.earlier, trend.headline, trend.when
    year = f"{before['year']}年，" if when == "上年度" else ""
    blocks = [("h2", f"与{when}比较")]
    intro = (f"比较对象为“{before['title']}”，两次调查的主指标题目“{head.label}”及其选项相同。"
             f"与{when}（{year}有效问卷 {trend.valid_before} 份）相比，")
    texts = _item(head, when, trend.figure, target)
    if texts:
        blocks.append(("p", intro + "本年度" + "；".join(texts) + "。" + trend.basis))
    else:
        blocks.append(("p", intro + f"主指标题目在本年度或{when}的{trend.too_few}。"))
    others = [r for r in trend.rows if r is not head]
    parts = []
    for row in others:
        texts = _item(row, when, "score", target)
        parts.append(f"“{row.label}”" + (texts[0] if texts else trend.too_few))
    if parts:
        blocks.append(("p", "分题目看，" + "；".join(parts) + "。"))
    if trend.skipped:
        blocks.append(("p", "以下题目未作比较：" + "；".join(f"“{label}”{why}" for label, why in trend.skipped) + "。"))
    blocks.append(("p", trend.method_text))
    return blocks
