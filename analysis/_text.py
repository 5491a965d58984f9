"""The working-paper (工作底稿) sentence in the seed's style (private); numbers as ``formatting.num`` prints them."""

from __future__ import annotations

from .formatting import num

_READING_ZH = {"linear": "（不足1%的部分按比例扣分）", "floor": "（不足1%的部分不扣分）", "ceil": "（不足1%按1%计）"}


def sentence(*, value, target, weight, points, met, spec, reading) -> str:
    """"……结果显示受访者满意度为 97.6%，达到预期设定目标。综上，该指标满分 5 分，得分 5 分。"""
    head = f"该指标预期目标为≥{num(target)}%，结果显示受访者满意度为 {num(value)}%，"
    tail = f"综上，该指标满分 {num(weight)} 分，得分 {num(points)} 分。"
    if met:
        return head + "达到预期设定目标。" + tail
    head += "未达到预期设定目标，"
    if spec.kind == "completion":
        rate = value / target * 100
        if rate < 60:
            return head + f"完成率为 {num(rate)}%，低于60%，不得分。" + tail
        return head + f"完成率为 {num(rate)}%，按（实际完成率−60%）/（1−60%）×指标分值计分。" + tail
    lost = round(weight - points, 10)
    how = f"按每降低1%扣{num(spec.per_point)}分{_READING_ZH[reading]}"
    if points <= spec.floor_points:
        how += "，扣完为止"
    return head + f"低于目标 {num(target - value)} 个百分点，{how}，扣 {num(lost)} 分。" + tail
