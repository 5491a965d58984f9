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
- ``"proportional"`` (seeds 003 and 004 score their unmet indicators so): 完成值/指标值 × 分值, capped at
  the weight, no floor (90 % of a 95 % target of 10 points → 9.47). The reading does not apply either.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import MappingProxyType

from ._text import sentence
from .formatting import below_digits, fixed, num, rounded

READINGS = ("linear", "floor", "ceil")
KINDS = ("deduction", "completion", "proportional")


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
    indicator: str = "“服务对象满意度”"  # the indicator as the province's table names it (the working paper's title)
    title: str = ""  # the rule's name as the settings page offers it, in Chinese (the preset's code otherwise)
    satisfaction: bool = True  # it scores a satisfaction figure (C52's 投诉处置率 does not): the pages offer only these

    @property
    def display_name(self) -> str:
        """What a page or a document calls the rule: its Chinese ``title``, or its ``name`` when it has none."""
        return self.title or self.name

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
    Rule("xinjiang-c51", 5, 95, per_point=0.3, min_benchmark_pct=80, indicator="C51“服务对象满意度”",
         title="新疆部门整体绩效评价 C51 服务对象满意度",
         source="seed 000, Xinjiang 2024 department-wide template, indicator C51 (line 309; no 扣完为止 there: "
                "that is C52's wording, line 310; points never go below 0)",
         text="满意度达95%，则得满分，每降低1%，扣0.3分（标杆值根据历史数据、绩效目标、考核目标等确定，"
              "通常不低于80%，若低于则需要作出说明）。"),
    Rule("xinjiang-c52", 3, 95, per_point=0.2, indicator="C52“投诉处置率”", satisfaction=False,
         title="新疆部门整体绩效评价 C52 投诉处置率",
         source="seed 000, indicator C52 (complaint handling rate)",
         text="投诉处置率≥95%得满分，每降低1%扣0.2分，扣完为止。"),
    Rule("jiangxi-window", 8, 95, per_point=0.4, indicator="“窗口办理业务群众满意度”",
         title="江西（南昌）窗口办理业务群众满意度",
         source="seed 001, Jiangxi/Nanchang 2022, window-service satisfaction",
         text="满意度≥95%得100%权重分，否则每下降1%扣5%权重分（0.4分），扣完为止。"),
    Rule("jiangxi-staff", 2, 90, per_point=0.1, indicator="“部门职工满意度”", title="江西（南昌）部门职工满意度",
         source="seed 001, Jiangxi/Nanchang 2022, staff satisfaction",
         text="满意度≥90%得100%权重分，否则每下降1%扣5%权重分（0.1分），扣完为止。"),
    Rule("completion-60", 5, 90, kind="completion", title="青海自评表：满意度按完成率计分（完成率 60% 以下不得分）",
         source="seed 002, Qinghai self-evaluation tables (weight 5, target ≥90%)",
         text="完成指标值的记全部分值；未完成的，完成率≥60%时得分=（实际完成率−60%）/（1−60%）×指标分值，否则0分。"),
    Rule("kashgar-10", 10, 95, kind="proportional", indicator="“待遇享受人员满意度”",
         title="喀什社保基金评价：待遇享受人员满意度（未达目标按完成比例计分）",
         source="seed 003, Kashgar 2022 social-insurance fund evaluation: C51 weight 10, target ≥95% (line 202: "
                "待遇享受人员满意度 ≥95%, 10 分; line 449: 95% 与预期目标一致，不扣分，得 10 分). Its other unmet "
                "indicators are scored 完成值/指标值 × 分值 with no floor: line 193/411 参保人数 40.28万 of ≥41万, "
                "5 分 → 4.91 (40.28/41 × 5); line 195 预算执行率 92.1% of ≥95%, 5 分 → 4.85 (92.1/95 × 5). "
                "The same reading is applied to satisfaction.",
         text="满意度≥95%得满分；未达到的，得分=实际完成值/目标值×指标分值（10分）。（原报告仅列目标值≥95%，"
              "其未完成指标均按“完成值/指标值×分值”计分，如参保人数40.28万人/41万人×5分=4.91分。）"),
    Rule("urumqi-10", 10, 95, kind="proportional", title="乌鲁木齐高新区自评：满意度（未达目标按完成率计分，不设下限）",
         source="seed 004, Urumqi high-tech zone 2023 self-evaluation: satisfaction weight 10, target 95% (line 129: "
                "完成率 100%，自评得分 10 分). Its unmet indicators are scored 完成率 × 分值 with no 60% floor: line 99 "
                "预算经费 完成率 40.77%, 权重 12 分 → 4.89 (40.77% × 12). The same reading is applied to satisfaction.",
         text="满意度≥95%得满分；未达到的，得分=完成率（实际完成值/目标值）×指标分值（10分），不设下限。"
              "（原报告为自评表，未完成指标按完成率计分，如预算经费完成率40.77%×12分=4.89分。）"),
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
    raise ValueError(f"unknown rule {rule!r}; presets: {', '.join(map(repr, RULES))} (in Python, a Rule object may be passed instead)")


def indicator_points(value_pct, *, rule, reading="linear", verdict=None, label="满意度", figure=None) -> IndicatorPoints:
    """Points for a satisfaction of ``value_pct`` percent (0–100) under ``rule``.

    Without ``verdict`` the sentence is the rule's own reading of the value, as the seeds write it (``figure``
    "score" writes the value in 分, as an interval end of a score is; default: the verdict's, else "rate"). Pages
    and documents call ``verdict_points``, which passes the figure's ``Verdict`` so that the sentence
    states the one judgement and the bound that decides it (``label`` names the figure: 满意率, 满意度得分).

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
    figure = figure or (verdict.figure if verdict is not None else None)
    value = _value(s, t, figure)  # the scored figure in the formula with the digits the page prints it
    figure = figure or "rate"
    if spec.kind == "completion":
        used = "n/a"
        points, formula = _completion(s, t, w, met, value)
    elif spec.kind == "proportional":
        used = "n/a"
        points, formula = _proportional(s, t, w, met, value)
    else:
        used = reading
        points, formula = _deduction(s, t, w, spec, reading, met, value)
    points = round(points, 10) + 0.0
    notes = ()
    if spec.min_benchmark_pct is not None and t < spec.min_benchmark_pct:
        notes = (f"标杆值{num(t)}%低于{num(spec.min_benchmark_pct)}%，需要作出说明。",)
    text = sentence(value=s, target=t, weight=w, points=points, met=met, spec=spec, reading=used, verdict=verdict,
                    figure=figure, label=label)
    return IndicatorPoints(points, w, s, t, met, spec.name, used, formula, text, notes)


def _value(s: float, t: float, figure: str | None = None) -> str:
    """The scored value in a formula, as the pages print the figure: a survey's rate with one decimal (96.0, beside
    满意率为 96.0%), a score, or a bare value as the seeds write it, as ``num`` (97.6, 96); more where it is below
    the target (94.95 against 95, never "95 ≥ 95")."""
    return fixed(s, below_digits(s, t, 1)) if figure == "rate" else num(s, below_digits(s, t, 2))


def _deduction(s, t, w, spec, reading, met, value):
    if met:
        return w, f"{value} ≥ {num(t)} ⇒ {num(w)}"
    gap = round(t - s, 9)
    k = {"linear": gap, "floor": math.floor(gap), "ceil": math.ceil(gap)}[reading]
    shown = {"linear": f"({num(t)} − {value})", "floor": f"floor({num(t)} − {value})",
             "ceil": f"ceil({num(t)} − {value})"}[reading]
    points = max(spec.floor_points, w - spec.per_point * k)
    return points, (f"max({num(spec.floor_points)}, {num(w)} − {num(spec.per_point)} × {shown}) = "
                    f"max({num(spec.floor_points)}, {num(w)} − {num(spec.per_point)} × {num(k)}) = "
                    f"{num(round(points, 10))}")


def _completion(s, t, w, met, value):
    if met:
        return w, f"{value} ≥ {num(t)} ⇒ {num(w)}"
    r = s / t
    if r < 0.6:
        return 0.0, f"r = {value} / {num(t)} = {num(r, 4)} < 0.6 ⇒ 0"
    points = (r - 0.6) / 0.4 * w
    return points, f"r = {value} / {num(t)} = {num(r, 4)}; ({num(r, 4)} − 0.6) / 0.4 × {num(w)} = {num(points)}"


def _proportional(s, t, w, met, value):
    if met:
        return w, f"{value} ≥ {num(t)} ⇒ {num(w)}"
    points = min(w, s / t * w)
    return points, f"{value} / {num(t)} × {num(w)} = {num(points)}"


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


def verdict_points(verdict, *, rule, reading="linear", label=None) -> PointsRange:
    """C51 points for the figure a ``Verdict`` judges, at its estimate and at its two-sided interval's ends.

    The rule scores the figure *as printed* (a rate in percent to 0.1, a score to 0.01), so that an
    examiner who redoes the sum from the document gets the same points. A score feeds a percentage rule
    only on a 0–100 ladder (its target "95%" is read as 95 分). The sentence at the estimate states the
    verdict; ``label`` defaults to 满意率 or 满意度得分.
    """
    if verdict.figure == "rate":
        scale, digits, name = 100.0, 1, label or "满意率"
    else:
        if verdict.scale[0] < 0 or verdict.scale[1] != 100:
            raise ValueError(f"a score on the ladder {verdict.scale} cannot be scored as a percentage; "
                             "use a 0–100 ladder or the rate")
        scale, digits, name = 1.0, 2, label or "满意度得分"
    target = scale * verdict.target  # a figure printed and scored never reaches the target by rounding (94.95 %)
    low, value, high = (rounded(scale * x, below_digits(scale * x, target, digits))
                        for x in (verdict.ci.low, verdict.estimate, verdict.ci.high))
    return PointsRange(indicator_points(min(low, value), rule=rule, reading=reading, label=name, figure=verdict.figure),
                       indicator_points(value, rule=rule, reading=reading, verdict=verdict, label=name),
                       indicator_points(max(high, value), rule=rule, reading=reading, label=name, figure=verdict.figure))
