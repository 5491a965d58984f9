"""A percentage as an evaluator types it (目标值, 预期满意率), one rule for the settings form, the sample-size
planner and `manyi create-survey --target`: "95", "95%", "95 %" and "９５％" all read as 95, and a value of at
most 1 is refused, never read as 0.95 % (which a single satisfied answer reaches, with full points). It is
a fraction typed where a percentage is asked. A score's target (in 分, on a ladder up to 100) follows the same
rule: 0.9 分 is as surely a slip for 90.

No Flask here: the command line reads its option with it too."""
from __future__ import annotations

import math
import unicodedata

from analysis.formatting import num

RATE, SCORE, EITHER = "%", "分", "%/分"  # what the number is: a rate, a score, or not known yet (the form's figure)
_HOW = {RATE: "按百分数填写：{e}% 请填 {e}", SCORE: "按百分制得分填写：{e} 分请填 {e}",
        EITHER: "按百分数填写：{e}% 请填 {e}，满意度得分 90 分请填 90"}
_AS = {RATE: "按百分数填写，如 {e}", SCORE: "按百分制得分填写，如 {e}", EITHER: "按百分数填写，如 {e}；满意度得分按分填写，如 90"}


def read(text) -> float:
    """The number in ``text``, a percent sign after it allowed (half or full width, spaces around it).
    ValueError when there is no finite number."""
    plain = unicodedata.normalize("NFKC", str(text)).strip()
    if plain.endswith("%"):
        plain = plain[:-1].rstrip()
    value = float(plain)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def check(value: float, *, below_100: bool = False) -> str | None:
    """None when ``value`` is a percentage (or a score in 分) the pages can judge: above 1, at most 100
    (below 100 with ``below_100``); else "fraction" (0 < value ≤ 1: 0.95 typed for 95) or "range"."""
    if 0 < value <= 1:
        return "fraction"
    if not 1 < value <= 100 or (below_100 and value >= 100):
        return "range"
    return None


def problem(value: float, what: str, unit: str = RATE, *, example: float = 95, below_100: bool = False,
            typed: str | None = None) -> str | None:
    """The one message for ``value`` (None when it is fine), naming ``what`` and what to type, e.g.
    "目标值按百分数填写：95% 请填 95（您填写的是 0.95）。" ``unit`` is RATE, SCORE or EITHER (not known)."""
    found = check(value, below_100=below_100)
    e = num(example)
    if found == "fraction" and check(value * 100, below_100=below_100) is None:
        e = num(value * 100, 6)  # 0.95 typed: "95% 请填 95", the value they meant
    if found == "fraction":
        return f"{what}{_HOW[unit].format(e=e)}（您填写的是 {typed or num(value, 6)}）。"
    if found == "range":
        return f"{what}应大于 1、{'小于' if below_100 else '不超过'} 100，{_AS[unit].format(e=e)}。"
    return None
