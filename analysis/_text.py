"""The working-paper (工作底稿) sentence in the seed's style (private); numbers as ``formatting`` prints them.

With a verdict (``rules.verdict_points``) the sentence states the statistical judgement and the one-sided
bound that decides it, then how the rule scores the printed figure; a score is written in 分 and
compared with the target read as 分, a rate in %. Without one (``indicator_points`` on a bare value)
it is the rule's own reading of that value, as the seeds write it.
"""

from __future__ import annotations

from .formatting import above_digits, below_digits, num, pct
from .targets import VERDICTS_ZH

_READING_ZH = {"linear": "（不足1%的部分按比例扣分）", "floor": "（不足1%的部分不扣分）", "ceil": "（不足1%按1%计）"}


def reading_text(reading: str) -> str:
    """A reading of 'each 1% below' in the words the working paper uses: '不足1%的部分按比例扣分' for linear."""
    return _READING_ZH[reading][1:-1]


def level_text(level: float) -> str:
    return f"{num(100 * level, 4)}%"


def value_text(x: float, figure: str, toward: str | None = None) -> str:
    """A rate in percent as '96.0%', a score as '97.6 分' (both already on the 0–100 scale)."""
    return pct(x, toward=toward) if figure == "rate" else f"{num(x, toward=toward)} 分"


def bound_text(verdict) -> str:
    """'单侧 95% 置信下限 87.9%' (the bound that decides, rounded down: see ``formatting``). An upper bound above
    the target that would print as the target (95.07 → 95.0%) gets the decimals that show it is above.
    A census has no bound: '全面调查（无抽样误差），实际值 96.0%'."""
    scale = 100 if verdict.figure == "rate" else 1
    if verdict.census:
        return f"全面调查（无抽样误差），实际值 {value_text(scale * verdict.estimate, verdict.figure)}"
    side = "下限" if verdict.deciding == "lower" else "上限"
    bound, target = scale * verdict.bound, scale * verdict.target
    digits = above_digits(bound, target, 1 if verdict.figure == "rate" else 2)
    shown = pct(bound, digits, "down") if verdict.figure == "rate" else f"{num(bound, digits, 'down')} 分"
    return f"单侧 {level_text(verdict.confidence_level)} 置信{side} {shown}"


def verdict_clause(verdict) -> str:
    """'单侧 95% 置信下限 87.9%低于目标值 95%，在抽样误差范围内尚不能排除总体满意度低于目标' (undecided: what
    sampling error leaves open), '单侧 95% 置信下限 96.1%，不低于目标值 95%，达到预期目标' (decided)."""
    scale = 100 if verdict.figure == "rate" else 1
    target = value_text(scale * verdict.target, verdict.figure).replace(".0%", "%")
    bound = bound_text(verdict)
    if verdict.verdict == "met":
        return f"{bound}，不低于目标值 {target}，{VERDICTS_ZH['met']}"
    if verdict.verdict == "missed":
        return f"{bound}，低于目标值 {target}，{VERDICTS_ZH['missed']}"
    relation = "低于" if verdict.deciding == "lower" else ("高于" if verdict.bound > verdict.target else "等于")
    cannot = "低于目标" if verdict.deciding == "lower" else "达到目标"
    return f"{bound}{relation}目标值 {target}，在抽样误差范围内尚不能排除总体满意度{cannot}"


def sentence(*, value, target, weight, points, met, spec, reading, verdict=None, figure="rate", label="满意度") -> str:
    """"……结果显示受访者满意度为 97.6%，达到预期设定目标。综上，该指标满分 5 分，得分 5 分。"""
    tail = f"综上，该指标满分 {num(weight)} 分，得分 {num(points)} 分。"
    unit = "分" if figure == "score" else "个百分点"
    if figure == "score":
        shown = (f"{label}为 {num(value, below_digits(value, target, 2))} 分（百分制，评分标准中的“{num(target)}%”按 {num(target)} 分理解）")
    else:
        shown = f"{label}为 {pct(value, below_digits(value, target, 1)) if verdict is not None else num(value) + '%'}"
    head = f"该指标预期目标为≥{num(target)}%，结果显示受访者{shown}，"
    note = ""  # an undecided verdict: the scoring and the statistics, each labelled, so they are not read as one claim
    if verdict is None:
        head += "达到预期设定目标。" if met else "未达到预期设定目标，"
    elif verdict.verdict == "unresolved":
        note = f"统计说明：{verdict_clause(verdict)}（不影响按评分标准计分）。"
        head = head[:-1] + "。按评分标准以样本结果计分："
        if met:
            scored = num(value, below_digits(value, target, 2)) + " 分" if figure == "score" else pct(value, below_digits(value, target, 1))
            shown_target = f"{num(target)} 分" if figure == "score" else f"{num(target)}%"
            head += f"{scored}不低于目标值 {shown_target}，不扣分。"
    else:
        head += verdict_clause(verdict) + ("。" if met else "；")
    if met:
        return head + note + tail
    if spec.kind == "completion":
        rate = value / target * 100
        if rate < 60:
            return head + f"完成率为 {num(rate)}%，低于60%，不得分。" + note + tail
        return head + f"完成率为 {num(rate)}%，按（实际完成率−60%）/（1−60%）×指标分值计分。" + note + tail
    if spec.kind == "proportional":
        return head + f"完成率为 {num(value / target * 100)}%，按实际完成值/目标值×指标分值计分。" + note + tail
    lost = round(weight - points, 10)
    per = "每降低1%（按 1 分计）" if figure == "score" else "每降低1%"
    how = f"按{per}扣{num(spec.per_point)}分{_READING_ZH[reading]}"
    if points <= spec.floor_points:
        how += f"，得分不低于 {num(spec.floor_points)} 分"
    return head + f"低于目标 {num(target - value)} {unit}，{how}，扣 {num(lost)} 分。" + note + tail
