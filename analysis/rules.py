"""Indicator *points* (C51 and friends): turning a satisfaction percentage into points.

Rules are data: ``RULES`` maps a preset name to a ``Rule``; a custom ``Rule(...)`` works the same.
Two kinds:

- ``"deduction"``: full ``weight`` when value ≥ target, else max(floor, weight − per_point·k), where k
  is the shortfall in percentage points read as ``linear`` (k = T − s, the default: 94.5 % deducts
  half a step), ``floor`` (only whole points count: 94.5 % deducts nothing) or ``ceil`` (a started
  point counts as a whole one, "不足1%按1%计"). T − s is rounded to 9 decimals before floor/ceil
  (95 − 90.2 is 4.7999… in binary).
- ``"completion"`` (self-evaluation tables, seed 002): full weight when met; otherwise with
  r = value/target, (r − 0.6)/0.4 × weight if r ≥ 0.6, else 0. No "per 1 %" wording, so the reading
  does not apply (the result says ``reading="n/a"``).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import MappingProxyType

from ._text import sentence
from .formatting import num

READINGS = ("linear", "floor", "ceil")
KINDS = ("deduction", "completion")


@dataclass(frozen=True)
class Rule:
    name: str
    weight: float
    target_pct: float
    kind: str = "deduction"
    per_point: float = 0.0
    floor_points: float = 0.0
    min_benchmark_pct: float | None = None
    source: str = ""
    text: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown rule kind {self.kind!r}; valid: {', '.join(map(repr, KINDS))}")
        if not self.weight > 0:
            raise ValueError(f"rule {self.name!r}: weight must be positive, got {self.weight!r}")
        if not 0 < self.target_pct <= 100:
            raise ValueError(f"rule {self.name!r}: target_pct must lie in (0, 100], got {self.target_pct!r}")
        if self.kind == "deduction" and not self.per_point > 0:
            raise ValueError(f"rule {self.name!r}: a deduction rule needs per_point > 0")


DEFAULT_RULE = "xinjiang-c51"  # seed 000's C51: the preset used wherever none is named
RULES = MappingProxyType({rule.name: rule for rule in (
    Rule("xinjiang-c51", 5, 95, per_point=0.3, min_benchmark_pct=80,
         source="seed 000, Xinjiang 2024 department-wide template, indicator C51",
         text="满意度达95%得满分，每降低1%扣0.3分，扣完为止；标杆值通常不低于80%，若低于则需要作出说明。"),
    Rule("xinjiang-c52", 3, 95, per_point=0.2,
         source="seed 000, indicator C52 (complaint handling rate)",
         text="投诉处置率≥95%得满分，每降低1%扣0.2分，扣完为止。"),
    Rule("jiangxi-window", 8, 95, per_point=0.4,
         source="seed 001, Jiangxi/Nanchang 2022, window-service satisfaction",
         text="满意度≥95%得100%权重分，否则每下降1%扣5%权重分（0.4分），扣完为止。"),
    Rule("jiangxi-staff", 2, 90, per_point=0.1,
         source="seed 001, Jiangxi/Nanchang 2022, staff satisfaction",
         text="满意度≥90%得100%权重分，否则每下降1%扣5%权重分（0.1分），扣完为止。"),
    Rule("completion-60", 5, 90, kind="completion",
         source="seed 002, Qinghai self-evaluation tables (weight 5, target ≥90%)",
         text="完成指标值的记全部分值；未完成的，完成率≥60%时得分=（实际完成率−60%）/（1−60%）×指标分值，否则0分。"),
    Rule("kashgar-10", 10, 95, per_point=0.6,
         source="seed 003, Kashgar 2022 social-insurance fund evaluation (states only: weight 10, ≥95%). "
                "Chosen: its wording ('不扣分') implies a deduction rule in a Xinjiang third-party evaluation, "
                "so the Xinjiang C51 slope scaled to the weight (0.3 of 5 = 6% of the weight per 1%), which "
                "keeps C51's zero point (78.3%) just below its 80% benchmark.",
         text="满意度≥95%得满分，每降低1%扣0.6分（6%权重分），扣完为止。（原报告仅列目标值≥95%，"
              "扣分幅度按新疆C51规则“每降低1%扣0.3分（5分的6%）”折算至10分权重。）"),
    Rule("urumqi-10", 10, 95, kind="completion",
         source="seed 004, Urumqi high-tech zone 2023 self-evaluation (states only: weight 10, 95%). "
                "Chosen: it is a self-evaluation (自评) that reasons through the 完成率 (completion rate), so "
                "the national self-evaluation completion rule of seed 002.",
         text="完成指标值的记全部分值；未完成的，完成率≥60%时得分=（实际完成率−60%）/（1−60%）×10，否则0分。"
              "（原报告为自评表，仅列目标值95%并按完成率计分，故采用自评表通用的完成率计分规则。）"),
)})


@dataclass(frozen=True)
class IndicatorPoints:
    points: float
    maximum: float
    value_pct: float
    target_pct: float
    met: bool
    rule: str
    reading: str
    formula: str
    sentence: str
    notes: tuple[str, ...] = ()


def resolve_rule(rule) -> Rule:
    if isinstance(rule, Rule):
        return rule
    if isinstance(rule, str) and rule in RULES:
        return RULES[rule]
    raise ValueError(f"unknown rule {rule!r}; presets: {', '.join(map(repr, RULES))} (or pass a Rule)")


def indicator_points(value_pct, *, rule, reading="linear") -> IndicatorPoints:
    """Points for a satisfaction of ``value_pct`` percent (0–100) under ``rule``.

    >>> r = indicator_points(97.6, rule="xinjiang-c51")
    >>> r.points, r.maximum
    (5.0, 5.0)
    >>> r.sentence.endswith("结果显示受访者满意度为 97.6%，达到预期设定目标。综上，该指标满分 5 分，得分 5 分。")
    True
    """
    spec = resolve_rule(rule)
    if reading not in READINGS:
        raise ValueError(f"unknown reading {reading!r}; valid: {', '.join(map(repr, READINGS))}")
    if isinstance(value_pct, bool) or not isinstance(value_pct, numbers.Real) or not 0 <= value_pct <= 100:
        raise ValueError(f"value_pct must be a percentage in [0, 100], got {value_pct!r}")
    s, t, w = float(value_pct), float(spec.target_pct), float(spec.weight)
    met = s >= t
    if spec.kind == "completion":
        used = "n/a"
        points, formula = _completion(s, t, w, met)
    else:
        used = reading
        points, formula = _deduction(s, t, w, spec, reading, met)
    points = round(points, 10) + 0.0
    notes = ()
    if spec.min_benchmark_pct is not None and t < spec.min_benchmark_pct:
        notes = (f"标杆值{num(t)}%低于{num(spec.min_benchmark_pct)}%，需要作出说明。",)
    text = sentence(value=s, target=t, weight=w, points=points, met=met, spec=spec, reading=used)
    return IndicatorPoints(points, w, s, t, met, spec.name, used, formula, text, notes)


def _deduction(s, t, w, spec, reading, met):
    if met:
        return w, f"{num(s)} ≥ {num(t)} ⇒ {num(w)}"
    gap = round(t - s, 9)
    k = {"linear": gap, "floor": math.floor(gap), "ceil": math.ceil(gap)}[reading]
    shown = {"linear": f"({num(t)} − {num(s)})", "floor": f"floor({num(t)} − {num(s)})",
             "ceil": f"ceil({num(t)} − {num(s)})"}[reading]
    points = max(spec.floor_points, w - spec.per_point * k)
    return points, (f"max({num(spec.floor_points)}, {num(w)} − {num(spec.per_point)} × {shown}) = "
                    f"max({num(spec.floor_points)}, {num(w)} − {num(spec.per_point)} × {num(k)}) = "
                    f"{num(round(points, 10))}")


def _completion(s, t, w, met):
    if met:
        return w, f"{num(s)} ≥ {num(t)} ⇒ {num(w)}"
    r = s / t
    if r < 0.6:
        return 0.0, f"r = {num(s)} / {num(t)} = {num(r, 4)} < 0.6 ⇒ 0"
    points = (r - 0.6) / 0.4 * w
    return points, f"r = {num(s)} / {num(t)} = {num(r, 4)}; ({num(r, 4)} − 0.6) / 0.4 × {num(w)} = {num(points)}"


@dataclass(frozen=True)
class PointsRange:
    """Points at the estimate and at the two ends of its interval (same rule and reading)."""

    at_low: IndicatorPoints
    at_estimate: IndicatorPoints
    at_high: IndicatorPoints

    @property
    def points(self) -> float:
        return self.at_estimate.points

    @property
    def points_low(self) -> float:
        return self.at_low.points

    @property
    def points_high(self) -> float:
        return self.at_high.points

    @property
    def spread(self) -> float:
        """How many points sampling luck can move the result within the interval."""
        return self.points_high - self.points_low


def indicator_points_range(value_low_pct, value_pct, value_high_pct, *, rule, reading="linear") -> PointsRange:
    """Points now and at the interval's ends, so an evaluator sees what sampling luck is worth."""
    if not value_low_pct <= value_pct <= value_high_pct:
        raise ValueError(f"need value_low_pct ≤ value_pct ≤ value_high_pct, got "
                         f"{value_low_pct!r}, {value_pct!r}, {value_high_pct!r}")
    return PointsRange(*(indicator_points(v, rule=rule, reading=reading)
                         for v in (value_low_pct, value_pct, value_high_pct)))
