"""The figure that feeds C51 (a rate or a score, as the survey says), its one verdict and its points.

``results.compute`` calls ``headline(...)``; every page, file and command prints what it returns
(``Headline.verdict_text`` is the one sentence of the judgement).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import analysis
from analysis.formatting import ends, num_below, pct_below

from .questionnaires import Questionnaire

CONFIDENCE = 0.95
SCORE_METHOD = "gaffke"  # the scores' intervals and bounds (analysis.score_bounds): one method for both
RATE_METHOD = "clopper-pearson"  # the rates' two-sided intervals: exact, as the one-sided bounds that decide, so
# an interval printed beside a verdict always holds the deciding bound (Wilson's did not at small n: 9 of 11)
MIN_POINTS_FOR_DESIGN_EFFECT = 10  # fewer points: the cluster design effect is noise (issue 12), not shown


@dataclass(frozen=True)
class Stratum:
    """One collection point of a stratified headline: its share of the 办件量 (normalised over the points with
    answers), its answers and its own figure (in percent for a rate, on the ladder for a score)."""

    point_id: int
    share: float
    n: int
    value: float


STRATIFIED = "（按办件量分层估计）"  # after the label of a stratified figure, wherever it is printed
# what analysis.stratified_score_verdict computes: one gamma interval (Fay & Feuer) of the points' shortfalls from
# full marks pooled with weights by 办件量 (not each point's interval, then weighted)
STRATIFIED_SCORE_INTERVAL = "分层估计，各采集点距满分的差距按办件量加权合并后，求 Fay–Feuer 伽马区间"
STRATIFIED_RATE_INTERVAL = "分层估计，各采集点不满意人数按办件量加权合并后，求 Fay–Feuer 伽马区间"


@dataclass(frozen=True)
class Headline:
    """The figure that feeds C51: its one verdict (``analysis.Verdict``), the points, and how they print.

    ``value``, ``low``, ``high``, ``bound`` and ``target`` are as printed, in ``unit``: a rate in percent (96.0
    for 96.0%), a score on its ladder (97.6 for 97.6 分)."""

    figure: str  # "score" or "rate"
    label: str  # e.g. 满意度得分 or 满意率（前两项）
    judgement: analysis.Verdict
    points: analysis.PointsRange
    method: str  # the two-sided interval, in Chinese
    bound_method: str  # what decides the verdict, in Chinese
    successes: int | None = None  # the satisfied count behind a rate
    notes: tuple[str, ...] = ()
    strata: tuple[Stratum, ...] = ()  # a stratified figure's points (empty: a simple estimate)
    satisfied: tuple[str, ...] = ()  # the option codes a rate counts as satisfied (empty for a score)
    histogram: tuple[tuple[float, int], ...] = ()  # a single item's score: (points, count) of its answers

    @property
    def _scale(self) -> float:
        return 100.0 if self.figure == "rate" else 1.0

    @property
    def unit(self) -> str:
        """"%" for a rate, "分" for a score: the unit of ``value``, ``low``, ``high``, ``bound`` and ``target``."""
        return "%" if self.figure == "rate" else "分"

    @property
    def value(self) -> float:
        return self._scale * self.judgement.estimate

    def text(self, x: float) -> str:
        """``x`` in the headline's unit as printed and scored: '96.0%', '97.6 分'; a figure below the target
        never prints as reaching it (94.95%, not 95.0%: ``analysis.formatting.pct_below``)."""
        return pct_below(x, self.target) if self.figure == "rate" else f"{num_below(x, self.target)} 分"

    def ends_text(self, low: float, high: float) -> tuple[str, str]:
        """Two ends of one interval as ``text`` prints them, with as many decimals each: ('91.47 分', '100.00 分')."""
        unit = "%" if self.figure == "rate" else " 分"
        return tuple(f"{end}{unit}" for end in ends(low, high, self.unit, self.target))

    @property
    def low(self) -> float:
        return self._scale * self.judgement.ci.low

    @property
    def high(self) -> float:
        return self._scale * self.judgement.ci.high

    @property
    def bound(self) -> float:
        """The one-sided bound that decides (the lower one when the estimate is at or above the target)."""
        return self._scale * self.judgement.bound

    @property
    def target(self) -> float:
        return self._scale * self.judgement.target

    @property
    def n(self) -> int:
        return self.judgement.n

    @property
    def verdict(self) -> str:
        return self.judgement.verdict

    @property
    def n_to_resolve(self) -> int | None:
        return self.judgement.n_to_resolve

    @property
    def verdict_text(self) -> str:
        """'单侧 95% 置信下限 87.9%低于目标值 95%，在抽样误差范围内尚不能排除总体满意度低于目标': printed everywhere."""
        return analysis.verdict_text(self.judgement)


def survey_rule(survey: dict) -> analysis.Rule:
    """The survey's C51 rule (``analysis.DEFAULT_RULE`` when it names none or an unknown one), with the
    survey's own target: one target for the verdict and the points."""
    base = analysis.RULES.get(survey.get("rule") or "", analysis.RULES[analysis.DEFAULT_RULE])
    target = float(survey["target"]) if survey.get("target") is not None else base.target_pct
    text = base.text
    if target != base.target_pct:  # the published standard stays as published; the override is said
        num = analysis.formatting.num
        text += (f"（本项目预期目标为≥{num(target)}%，不同于上述标准中的{num(base.target_pct)}%；"
                 f"本底稿按预期目标{num(target)}%计分。）")
    return dataclasses.replace(base, target_pct=target, text=text)


_RATE_LABELS = {"top3": "满意率（前三项）", "top2": "满意率（前两项）"}
_SCORE_METHODS = {"gaffke, two-sided": "Gaffke 区间（有界均值的精确方法）", "gaffke": "Gaffke 有界均值精确单侧界",
                  "t": "t 分布单侧界（截断至量表范围）"}
_BOUND_METHODS = {analysis.verdicts.EXACT: "精确二项检验", analysis.verdicts.HYPERGEOMETRIC: "精确超几何检验（有限总体）",
                  analysis.verdicts.CENSUS: "全面调查（n = N），无抽样误差",
                  analysis.verdicts.STRATIFIED: "按采集点办件量分层估计，加权不满意人数的 Fay–Feuer 伽马界",
                  analysis.verdicts.STRATIFIED_SCORE: "按采集点办件量分层估计，加权距满分差距的 Fay–Feuer 伽马界（与分层满意率同法）"}


def figure_judged(c51_figure: str | None, q: Questionnaire) -> str:
    """What C51 judges for a survey's setting ("headline" or None: the questionnaire's own): "score", "rate",
    "top2" or "top3". A score only on a ladder reaching 100 (a target of 95 read as 95 分): chosen for a 1–5
    ladder, the rate. The headline, the settings page's planner and the documents read this one rule."""
    figure = c51_figure or "headline"
    if figure == "headline":
        figure = "score" if q.headline.figure == "score" else "rate"
    weights = q.headline.weights
    if figure == "score" and len(weights) == 1 and max(q.question(next(iter(weights))).points.values()) != 100:
        return "rate"
    return figure


def headline(survey: dict, q: Questionnaire, questions: dict, rows, population, strata) -> Headline | None:
    chosen = survey.get("c51_figure") or "headline"
    figure = figure_judged(chosen, q)
    rule = survey_rule(survey)
    target = rule.target_pct
    weights = q.headline.weights
    notes = () if population is not None or not survey.get("population") else (
        f"填写的总体数 N = {survey['population']} 小于有效问卷数，未按有限总体计算，请核对总体数。",)
    if strata and any(not sum(counts.values()) for counts, _ in strata.values()):
        notes += ("有采集点填写了办件量但尚无有效问卷，暂按全部问卷简单估计，未作分层估计。",)
        strata = None
    if len(weights) == 1:
        item = questions[next(iter(weights))]
        if item.rate is None:   # no answers, or every answer not applicable: nothing to judge
            return None
        if chosen == "score" and figure == "rate":  # chosen for a 1–5 ladder, say (figure_judged)
            notes += ("问卷的量表不是百分制（最高一档不是 100 分），满意度得分不能按评分规则计分，改按满意率计。",)
        if figure != "score":
            rate = {"top3": item.top3, "top2": item.top2}.get(figure, item.rate)
            label = _RATE_LABELS.get(figure, "满意率")
            layers = ()
            if strata:
                satisfied = set(rate.satisfied)
                cells = {p: (sum(n for code, n in counts.items() if code in satisfied), sum(counts.values()), share)
                         for p, (counts, share) in strata.items()}
                judged = analysis.stratified_rate_verdict(cells, target=target / 100, confidence_level=CONFIDENCE)
                method = STRATIFIED_RATE_INTERVAL
                layers = _layers({p: (n, share, 100 * x / n) for p, (x, n, share) in cells.items()})
                label += STRATIFIED
            else:
                judged = analysis.rate_verdict(rate.satisfied_count, rate.n, target=target / 100,
                                               confidence_level=CONFIDENCE, population=population,
                                               interval_method=RATE_METHOD)
                method = census_text(population) if judged.census else rate_method(population)
            return Headline("rate", label, judged, analysis.verdict_points(
                                judged, rule=rule, label=label),
                            method, _bound_method(judged, population), rate.satisfied_count, notes, layers,
                            tuple(sorted(rate.satisfied)))
        score, label = item.score, "满意度得分"
        if strata:
            ladder = item.question.points
            cells = {p: (analysis.satisfaction_score(counts, points=ladder, method=SCORE_METHOD), share)
                     for p, (counts, share) in strata.items()}
            judged = analysis.stratified_score_verdict(cells, target=target, confidence_level=CONFIDENCE)
            label += STRATIFIED
            return Headline("score", label, judged, analysis.verdict_points(judged, rule=rule, label=label),
                            STRATIFIED_SCORE_INTERVAL, _BOUND_METHODS[judged.method], None, notes,
                            _layers({p: (sc.n, share, sc.score) for p, (sc, share) in cells.items()}))
    else:
        if not rows or all(code is None for row in rows for code in row.values()):
            return None
        ladders = {qid: q.question(qid).points for qid in weights}
        score = analysis.composite_score(rows, points=ladders, weights=dict(weights), population=population,
                                         confidence_level=CONFIDENCE, method=SCORE_METHOD)
        label = "综合满意度得分"
    judged = analysis.score_verdict(score, target=target, confidence_level=CONFIDENCE)
    if judged.census:
        return Headline("score", label, judged, analysis.verdict_points(judged, rule=rule, label=label),
                        census_text(score.population), census_text(score.population), None, notes)
    return Headline("score", label, judged, analysis.verdict_points(judged, rule=rule, label=label),
                    _zh(judged.interval_method) + fpc_note(score),
                    _zh(judged.method) + _note(analysis.fpc.bound_note(judged, score)), None, notes,
                    histogram=score.histogram if len(weights) == 1 else ())


def rate_method(population: int | None) -> str:
    """A rate's two-sided interval, in Chinese: 'Clopper–Pearson 精确区间' (``RATE_METHOD``), or with a population N
    the exact hypergeometric one, '精确超几何区间（有限总体，N = 60）' (``analysis.hypergeometric``). Every page,
    file and command words it so."""
    return analysis.hypergeometric.interval_text(population) if population else "Clopper–Pearson 精确区间"


def fpc_note(score) -> str:
    """'（有限总体校正，N = 60，抽样比 83.3%）' after the method of a score's interval that N moved, so anyone can
    recompute it, '（总体 N = 500，抽样比 10.0%，有限总体校正对区间无影响）' when N leaves the printed interval as
    it is (``analysis.fpc``); '' without N (a rate's interval with N is the exact one: ``rate_method``)."""
    return _note(analysis.fpc.interval_note(score))


def _note(text: str) -> str:
    return f"（{text}）" if text else ""


def _bound_method(judged, population: int | None) -> str:
    if judged.method == analysis.verdicts.HYPERGEOMETRIC:
        return f"精确超几何检验（有限总体，N = {population}）"
    if judged.method == analysis.verdicts.CENSUS:
        return census_text(population)
    return _BOUND_METHODS[judged.method]


def census_text(population: int) -> str:
    """The method of a census (n = N), printed in place of an interval and a bound: it has neither."""
    return f"全面调查（n = N = {population}），无抽样误差"


def _layers(cells: dict) -> tuple[Stratum, ...]:
    """point -> (n, share, figure) as Strata, the shares normalised as the stratified verdicts do."""
    total = sum(share for _, share, _ in cells.values())
    return tuple(Stratum(p, share / total, n, value) for p, (n, share, value) in sorted(cells.items()))


def _zh(method: str) -> str:
    """A score bound's method in Chinese (the English name when there is no translation yet)."""
    return next((zh for name, zh in _SCORE_METHODS.items() if method.startswith(name)), method)


def _point_counts(tallies: list[dict], questionnaire: Questionnaire) -> dict:
    """point id -> {option code: count} of the headline item, not-applicable answers left out."""
    qid = next(iter(questionnaire.headline.weights))
    question = questionnaire.question(qid)
    groups: dict = {}
    for t in tallies:
        if t["question_id"] == qid and t["value"] not in question.not_applicable:
            counts = groups.setdefault(t["point_id"], {})
            counts[t["value"]] = counts.get(t["value"], 0) + t["n"]
    return {k: v for k, v in groups.items() if sum(v.values())}


def strata_for(tallies: list[dict], questionnaire: Questionnaire, shares: dict | None) -> dict | None:
    """point id -> (counts, share) for a stratified headline rate, when every point's share of the
    transactions is known (``shares``: point id -> share) and there are at least two points."""
    if not shares or len(questionnaire.headline.weights) != 1:
        return None
    groups = _point_counts(tallies, questionnaire)
    if len(groups) < 2 or any(point not in shares for point in groups):
        return None
    return {point: (groups.get(point, {}), share) for point, share in shares.items() if share > 0 or point in groups}


def cluster_design(tallies: list[dict], questionnaire: Questionnaire) -> analysis.ClusterDesign | None:
    """Design effect of the headline item's satisfied share across collection points: a diagnostic, shown
    only from ``MIN_POINTS_FOR_DESIGN_EFFECT`` points on (across two points it exceeds 1.5 in a fifth of
    samples with no clustering at all). It never narrows an interval and never decides the verdict."""
    question = questionnaire.question(next(iter(questionnaire.headline.weights)))
    satisfied = question.satisfied or frozenset(question.scored_codes[:2])
    groups = {point: (sum(n for code, n in counts.items() if code in satisfied), sum(counts.values()))
              for point, counts in _point_counts(tallies, questionnaire).items()}
    if len(groups) < MIN_POINTS_FOR_DESIGN_EFFECT:
        return None
    return analysis.cluster_design_effect(groups, confidence_level=CONFIDENCE, method=RATE_METHOD)
