"""The one computation: stored answers -> analysis -> a frozen SurveyResult.

The dashboard, every download, the annex and the working paper read a SurveyResult; none of
them recomputes a figure. Counts come from the running tallies (valid responses only), so the
result for a million responses costs a few small queries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import dataclasses

import analysis

from .questionnaires import Question, Questionnaire

CONFIDENCE = 0.95
C51_FIGURES = {  # survey.c51_figure -> what feeds C51 (the questionnaire's own choice: HEADLINE_FIGURES)
    "headline": "the questionnaire's headline figure",
    "score": "满意度得分 of the headline item(s)",
    "top2": "满意率 (top-2: 非常满意 + 比较满意)",
    "top3": "满意率 (top-3: 非常满意 + 比较满意 + 一般满意)",
}


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    table: analysis.PercentTable  # every option in questionnaire order, zeros included
    n: int  # valid responses that answered this question
    rate: analysis.RateResult | None = None  # the scale's satisfied set (e.g. top-2)
    top2: analysis.RateResult | None = None
    top3: analysis.RateResult | None = None
    score: analysis.ScoreResult | None = None

    def count(self, code: str) -> int:
        return next((r.count for r in self.table.rows if r.code == code), 0)

    def percent(self, code: str) -> float:
        return next((r.percent for r in self.table.rows if r.code == code), 0.0)


@dataclass(frozen=True)
class Headline:
    """The figure that feeds C51: its one verdict (``analysis.Verdict``), the points, and how they print.

    Rates are shown in percent and scores on their ladder (``*_pct`` is either: 96.0 or 97.6)."""

    figure: str  # "score" or "rate"
    label: str  # e.g. 满意度得分 or 满意率（前两项）
    judgement: analysis.Verdict
    points: analysis.PointsRange
    method: str  # the two-sided interval, in Chinese
    bound_method: str  # what decides the verdict, in Chinese
    successes: int | None = None  # the satisfied count behind a rate
    notes: tuple[str, ...] = ()

    @property
    def _scale(self) -> float:
        return 100.0 if self.figure == "rate" else 1.0

    @property
    def value_pct(self) -> float:
        return self._scale * self.judgement.estimate

    @property
    def low_pct(self) -> float:
        return self._scale * self.judgement.ci.low

    @property
    def high_pct(self) -> float:
        return self._scale * self.judgement.ci.high

    @property
    def bound_pct(self) -> float:
        """The one-sided bound that decides (the lower one when the estimate is at or above the target)."""
        return self._scale * self.judgement.bound

    @property
    def target_pct(self) -> float:
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
        """'单侧 95% 置信下限 87.9%，低于目标值 95%，按当前样本量尚不能判定是否达到目标': printed everywhere."""
        return analysis.verdict_text(self.judgement)


@dataclass(frozen=True)
class PointProgress:
    id: int
    name: str
    code: str
    returned: int
    valid: int


def _rate_pct(valid: int, returned: int) -> float:  # 有效率
    return 100.0 * valid / returned if returned else 0.0


@dataclass(frozen=True)
class Counts:
    """回收, 有效 and 剔除 for a survey, from the kept counts (no scan of responses)."""
    returned: int
    valid: int
    excluded: int

    @property
    def valid_rate_pct(self) -> float:
        return _rate_pct(self.valid, self.returned)


def counts(database, survey_id: int) -> Counts:
    status = database.status_counts(survey_id)
    returned, valid = sum(status.values()), status.get("valid", 0)
    return Counts(returned, valid, returned - valid)


@dataclass(frozen=True)
class SurveyResult:
    survey: dict
    questionnaire: Questionnaire
    returned: int  # 回收 (online: every submitted questionnaire; 发放 equals 回收)
    valid: int  # 有效
    excluded: int
    points: tuple[PointProgress, ...]
    daily: tuple[tuple[str, str, int], ...]  # (local date, point name, valid responses)
    questions: tuple[QuestionResult, ...]
    headline: Headline | None  # None until the headline item has answers
    design: analysis.ClusterDesign | None = None  # design effect across collection points
    computed_at: str = field(default="")
    digest: tuple[int, str] | None = None  # (responses stored, digest over the survey's hash-chain heads)

    @property
    def issued(self) -> int:  # 发放
        return self.returned

    @property
    def valid_rate_pct(self) -> float:  # 有效率
        return _rate_pct(self.valid, self.returned)

    @property
    def target_n(self) -> int:
        return int(self.survey.get("target_n") or 0)

    @property
    def progress_pct(self) -> float:
        return min(100.0, 100.0 * self.valid / self.target_n) if self.target_n else 0.0

    def question(self, qid: str) -> QuestionResult:
        return next(q for q in self.questions if q.question.id == qid)


def _rate(counts: dict, codes, population):
    if not sum(counts.values()):
        return None
    return analysis.satisfaction_rate(counts, satisfied=set(codes), confidence_level=CONFIDENCE,
                                      population=population)


def question_result(question: Question, counts: dict, population=None) -> QuestionResult:
    """Tally, percentages and, for scale items, rates and score of one question."""
    ordered = {code: counts.get(code, 0) for code in question.codes} if question.options else dict(counts)
    n = sum(ordered.values())
    if n:
        table = analysis.percent_table(ordered)
    else:
        table = analysis.PercentTable(tuple(analysis.tables.Row(c, 0, 0.0, 0.0) for c in ordered), 0, 1)
    if question.type != "single" or question.points is None or n == 0:
        return QuestionResult(question, table, n)
    codes = question.codes
    return QuestionResult(
        question, table, n,
        rate=_rate(ordered, question.satisfied or codes[:2], population),
        top2=_rate(ordered, codes[:2], population), top3=_rate(ordered, codes[:3], population),
        score=analysis.satisfaction_score(ordered, points=question.points, confidence_level=CONFIDENCE,
                                          population=population))


def survey_rule(survey: dict) -> analysis.Rule:
    """The survey's C51 rule (``analysis.DEFAULT_RULE`` when it names none or an unknown one), with the
    survey's own target: one target for the verdict and the points."""
    base = analysis.RULES.get(survey.get("rule") or "", analysis.RULES[analysis.DEFAULT_RULE])
    target = float(survey["target"]) if survey.get("target") is not None else base.target_pct
    return dataclasses.replace(base, target_pct=target)


_RATE_LABELS = {"top3": "满意率（前三项）", "top2": "满意率（前两项）"}
_SCORE_METHODS = {"t": "t 分布单侧界（截断至量表范围）"}
_BOUND_METHODS = {analysis.verdicts.EXACT: "精确二项检验", analysis.verdicts.HYPERGEOMETRIC: "精确超几何检验（有限总体）",
                  analysis.verdicts.CENSUS: "全面调查（n = N），无抽样误差",
                  analysis.verdicts.STRATIFIED: "按采集点办件量分层估计（Korn–Graubard 精确区间）"}


def _headline(survey: dict, q: Questionnaire, questions: dict, rows, population, strata) -> Headline | None:
    figure = survey.get("c51_figure") or "headline"
    if figure == "headline":
        figure = "score" if q.headline.figure == "score" else "rate"
    rule = survey_rule(survey)
    target = rule.target_pct
    weights = q.headline.weights
    notes = () if population is not None or not survey.get("population") else (
        f"填写的总体数 N = {survey['population']} 小于有效问卷数，未作有限总体校正，请核对总体数。",)
    if len(weights) == 1:
        item = questions[next(iter(weights))]
        if item.n == 0:
            return None
        if figure != "score":
            rate = {"top3": item.top3, "top2": item.top2}.get(figure, item.rate)
            label = _RATE_LABELS.get(figure, "满意率")
            if strata:
                satisfied = set(rate.satisfied)
                judged = analysis.stratified_rate_verdict(
                    {p: (sum(n for code, n in counts.items() if code in satisfied), sum(counts.values()), share)
                     for p, (counts, share) in strata.items()}, target=target / 100, confidence_level=CONFIDENCE)
                method = "分层估计，Clopper–Pearson 区间（等效样本量）"
            else:
                judged = analysis.rate_verdict(rate.satisfied_count, rate.n, target=target / 100,
                                               confidence_level=CONFIDENCE, population=population)
                method = "Wilson 区间" + ("（有限总体校正）" if population else "")
            return Headline("rate", label, judged, analysis.verdict_points(judged, rule=rule, label="满意率"),
                            method, _BOUND_METHODS[judged.method], rate.satisfied_count, notes)
        score, label = item.score, "满意度得分"
    else:
        if not rows:
            return None
        ladders = {qid: q.question(qid).points for qid in weights}
        score = analysis.composite_score(rows, points=ladders, weights=dict(weights), population=population,
                                         confidence_level=CONFIDENCE)
        label = "综合满意度得分"
    judged = analysis.score_verdict(score, target=target, confidence_level=CONFIDENCE)
    return Headline("score", label, judged, analysis.verdict_points(judged, rule=rule, label=label),
                    _zh(judged.interval_method), _zh(judged.method), None, notes)


def _zh(method: str) -> str:
    """A score bound's method in Chinese (the English name when there is no translation yet)."""
    return next((zh for name, zh in _SCORE_METHODS.items() if method.startswith(name)), method)


def compute(database, survey_id: int, questionnaire: Questionnaire, *, timezone: str = "Asia/Shanghai") -> SurveyResult:
    """Everything the dashboard and the downloads show for one survey."""
    survey = database.get_survey(survey_id)
    tally = counts(database, survey_id)
    returned, valid = tally.returned, tally.valid
    option_counts: dict[str, dict[str, int]] = {}
    tallies = database.tallies(survey_id)
    for t in tallies:
        option_counts.setdefault(t["question_id"], {}).setdefault(t["value"], 0)
        option_counts[t["question_id"]][t["value"]] += t["n"]
    population = survey.get("population")
    if population is not None and population < max(2, valid):
        population = None  # out of date (fewer than the answers already in): no correction rather than a 500
    questions = {}
    for question in questionnaire.questions:
        questions[question.id] = question_result(question, option_counts.get(question.id, {}), population)
    offset = datetime.now(ZoneInfo(timezone)).utcoffset().total_seconds()
    points = tuple(PointProgress(p["id"], p["name"], p["code"], p["returned"], p["valid"])
                   for p in database.point_counts(survey_id))
    names = {p.id: p.name for p in points}
    daily = tuple((day, names.get(pid, "?"), n) for day, pid, n in database.daily_counts(survey_id, offset))
    weights = questionnaire.headline.weights
    rows = database.answer_rows(survey_id, list(weights)) if len(weights) > 1 else None
    headline = _headline(survey, questionnaire, questions, rows, population, None)
    design = _design(tallies, questionnaire)
    return SurveyResult(survey, questionnaire, returned, valid, returned - valid, points, daily,
                        tuple(questions.values()), headline, design,
                        computed_at=datetime.now(ZoneInfo(timezone)).isoformat(timespec="seconds"),
                        digest=database.survey_digest(survey_id))


def _design(tallies: list[dict], questionnaire: Questionnaire) -> analysis.ClusterDesign | None:
    """Design effect of the headline item's satisfied share across collection points (≥ 2 points)."""
    qid = next(iter(questionnaire.headline.weights))
    question = questionnaire.question(qid)
    satisfied = question.satisfied or frozenset(question.codes[:2])
    groups = {}
    for t in tallies:
        if t["question_id"] == qid:
            x, m = groups.get(t["point_id"], (0, 0))
            groups[t["point_id"]] = (x + (t["n"] if t["value"] in satisfied else 0), m + t["n"])
    groups = {k: v for k, v in groups.items() if v[1]}
    if len(groups) < 2:
        return None
    return analysis.cluster_design_effect(groups, confidence_level=CONFIDENCE)
