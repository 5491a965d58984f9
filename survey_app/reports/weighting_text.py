"""加权估计 and 量表信度 in the annex's words: blocks (("h3", ...), ("p", ...)) for ``annex_text`` to lay out.

The raked figures are written beside the unweighted ones and said, in so many words, not to decide the
verdict; every figure names the counts behind it (n, the effective n), so it can be traced.
"""
from __future__ import annotations

import math

from analysis.formatting import fixed, num, pct, rounded, span

from .sheet_style import below, range_formats
from .wording import minus


def weighting_blocks(raked, reliability) -> list[tuple]:
    """Annex blocks for ``raked`` (a ``weighting.Raked`` or None) and ``reliability`` (a
    ``reliability.Reliability`` or None); [] when there is neither."""
    blocks: list[tuple] = []
    if raked is not None:
        blocks += [("h3", "加权估计（仅供参考）"), ("p", _raked_text(raked)), ("p", raked.intervals), ("p", raked.note)]
    if reliability is not None:
        blocks += [("h3", "量表信度"), ("p", _reliability_text(reliability))]
    return blocks


def raked_rows(raked):
    """(item, value[, format]) rows of the weighted figures for the XLSX 概况 sheet, rounded as the dashboard
    prints them (a rate to 0.1 %, stored as a fraction, a score to 0.01 分 with the page's digits, the effective n to 0.1, the design
    effect to 0.01); none unweighted."""
    if raked is None:
        return
    yield ("加权估计（仅供参考，不用于判定）", "按" + "、".join(q.label for q in raked.questions) + "的总体占比迭代加权")
    if raked.weighted_rate is not None:
        yield (f"加权{raked.figure_label}", rounded(raked.weighted_rate, 3), "0.0%")
        ci = raked.weighted_rate_ci
        if ci:
            yield (f"加权{raked.figure_label} 95% 置信下限", rounded(ci.low, 3), "0.0%")
            yield (f"加权{raked.figure_label} 95% 置信上限", rounded(ci.high, 3), "0.0%")
    yield ("加权满意度得分（分）", rounded(raked.weighted_score, 2), below(raked.weighted_score, None, percent=False))
    ci = raked.weighted_score_ci
    if ci:  # the ends alike, as the page's range prints them (formatting.span)
        low, high = range_formats(ci.low, ci.high, None, percent=False)
        yield ("加权满意度得分 95% 置信下限（分）", rounded(ci.low, 2), low)
        yield ("加权满意度得分 95% 置信上限（分）", rounded(ci.high, 2), high)
    yield ("加权估计的有效问卷 n", raked.n, "0")
    yield ("Kish 有效样本量", rounded(raked.effective_n, 1), "0.0")
    yield ("加权设计效应", rounded(raked.design_effect, 2), "0.00")


def _raked_text(raked) -> str:
    margins = "；".join(f"{q.label}（" + "、".join(f"{lv.label} {pct(100 * lv.share)}" for lv in q.levels) + "）"
                       for q in raked.questions)
    figures = []
    if raked.weighted_rate is not None:
        ci = raked.weighted_rate_ci
        figures.append(f"{raked.figure_label}由未加权的 {pct(100 * raked.unweighted_rate)} 变为加权后的 "
                       f"{pct(100 * raked.weighted_rate)}（95% 置信区间 {span(100 * ci.low, 100 * ci.high)}）")
    ci = raked.weighted_score_ci
    figures.append(f"满意度得分由未加权的 {num(raked.unweighted_score)} 分变为加权后的 {num(raked.weighted_score)} 分"
                   + (f"（95% 置信区间 {span(ci.low, ci.high, '分')}）" if ci else ""))
    text = (f"按服务对象的总体构成（{margins}）对有效问卷进行迭代加权（raking，{raked.iterations} 轮收敛）后，"
            f"{'，'.join(figures)}。加权估计基于 {raked.n} 份有效问卷（未加权估计 {raked.unweighted_n} 份），"
            f"Kish 有效样本量约 {fixed(raked.effective_n)} 份，加权带来的设计效应为 {fixed(raked.design_effect, 2)}。")
    if raked.left_out:
        text += f"另有 {raked.left_out} 份问卷未回答加权所用的基本信息题，未计入加权估计。"
    return text


def _reliability_text(rel) -> str:
    names = "、".join(f"“{name}”" for _, name in rel.items)
    if rel.alpha is None:
        return f"{rel.composite.label}（{names}）：{rel.error}"
    items = "，".join(f"“{name}”{_r(it)}" for _, name, it, _ in rel.rows)
    dropped = f"；另有 {rel.dropped} 份问卷有题目未答或选择“不适用”，未计入" if rel.dropped else ""
    return (f"{rel.composite.label}由{names}共 {len(rel.items)} 道题组成，按回答齐全的 {rel.n} 份有效问卷计算"
            f"{dropped}，Cronbach's α 系数为 {_r(rel.alpha)}"
            f"（{_alpha_reading(rel.alpha)}）。"
            f"各题的校正题总相关系数（该题与其余各题之和的相关）为：{items}。")


def _alpha_reading(alpha: float) -> str:
    if alpha >= 0.7:
        return "一般认为 0.7 以上内部一致性较好"
    if alpha < 0:
        return "为负值，各题回答之间几乎不相关甚至负相关，不宜合成一个得分"
    return "低于常用的 0.7，各题测量的内容不尽一致"


def _r(x: float) -> str:
    """A correlation or α with three decimals ('—' when undefined: an item everyone answered alike)."""
    return "—" if x is None or not math.isfinite(x) else minus(fixed(x, 3))
