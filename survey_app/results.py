"""The one computation: stored answers -> analysis -> a frozen SurveyResult.

The dashboard, every download, the annex and the working paper read a SurveyResult; none of
them recomputes a figure. Counts come from the running tallies (valid responses only), so the
result for a million responses costs a few small queries.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import analysis

from . import breakdowns
from .fieldwork import Fieldwork, fieldwork
from .headline import CONFIDENCE, RATE_METHOD, SCORE_METHOD, Headline, cluster_design, headline, strata_for, survey_rule
from .questionnaires import Question, Questionnaire
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
    n: int  # valid responses that answered this question (not-applicable answers included)
    not_applicable: int = 0  # answers with a not-applicable option (不适用): outside the rate's and score's n
    unanswered: int = 0  # valid responses that left the question blank (item non-response)
    rate: analysis.RateResult | None = None  # the scale's satisfied set (e.g. top-2)
    top2: analysis.RateResult | None = None
    top3: analysis.RateResult | None = None
    score: analysis.ScoreResult | None = None

    def count(self, code: str) -> int:
        return next((r.count for r in self.table.rows if r.code == code), 0)

    def percent(self, code: str) -> float:
        return next((r.percent for r in self.table.rows if r.code == code), 0.0)


@dataclass(frozen=True)
class PointProgress:
    id: int
    name: str
    code: str
    returned: int
    valid: int


def _rate_pct(valid: int, returned: int) -> float | None:  # 有效率; None before any answer (0 ÷ 0)
    return 100.0 * valid / returned if returned else None


@dataclass(frozen=True)
class Counts:
    """回收, 有效 and 剔除 for a survey, from the kept counts (no scan of responses)."""
    returned: int
    valid: int
    excluded: int

    @property
    def valid_rate_pct(self) -> float | None:
        return _rate_pct(self.valid, self.returned)


def counts(database, survey_id: int) -> Counts:
    status = database.status_counts(survey_id)
    returned, valid = sum(status.values()), status.get("valid", 0)
    return Counts(returned, valid, returned - valid)


@dataclass(frozen=True)
class SurveyResult:
    survey: dict
    questionnaire: Questionnaire
    returned: int  # 回收 (every submitted questionnaire; what was handed out or opened is in ``fieldwork``)
    valid: int  # 有效
    excluded: int
    points: tuple[PointProgress, ...]
    daily: tuple[tuple[str, str, int], ...]  # (local date, point name, valid responses)
    questions: tuple[QuestionResult, ...]
    headline: Headline | None  # None until the headline item has answers
    design: analysis.ClusterDesign | None = None  # design effect across collection points
    computed_at: str = field(default="")
    digest: tuple[int, str] | None = None  # (responses stored, digest over the survey's hash-chain heads)
    fieldwork: Fieldwork | None = None  # per point: 扫码打开, 发放, 办件量 and the rates they give
    receipt: dict | None = None  # the signed receipt of the chains as of the newest event (store/receipts.py)
    breakdowns: object | None = None  # breakdowns.Breakdowns: by point and group (None: composite headline)
    trend: object | None = None  # trend.Trend against the earlier survey chosen (set by reports.open_export)
    raked: object | None = None  # weighting.Raked: beside the figures, never deciding (reports.open_export)
    reliability: object | None = None  # reliability.Reliability of the questionnaire's composite (reports.open_export)
    exclusions: tuple[tuple[str, int], ...] = ()  # (reason, count) of the excluded responses, most frequent first
    flags: object | None = None  # flags.Flags: the review flags' counts, every status (set by reports.open_export)
    unrecorded: tuple[str, ...] = ()  # settings changed behind Manyi's back (store unrecorded_settings; reports.open_export)

    @property
    def valid_rate_pct(self) -> float | None:  # 有效率 (None before any answer)
        return _rate_pct(self.valid, self.returned)

    @property
    def target(self) -> float:
        """The survey's target (survey["target"], else its rule's): in % for a rate, read as 分 for a score. Every
        satisfaction rate and score, the survey's and its groups', prints below it when below it (``pct_below``)."""
        return survey_rule(self.survey).target_pct

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
                                      population=population, method=RATE_METHOD)


def question_result(question: Question, counts: dict, population=None, valid: int | None = None) -> QuestionResult:
    """Tally, percentages and, for scale items, rates and score of one question.

    The table shows every option, not-applicable ones (不适用, 未办理过) included; the rates and the score
    count the other options only, so an N/A answer is neither satisfied nor dissatisfied. ``valid`` (the
    survey's valid responses) gives the item non-response of a single-choice or text question."""
    ordered = {code: counts.get(code, 0) for code in question.codes} if question.options else dict(counts)
    n = sum(ordered.values())
    if n:
        table = analysis.percent_table(ordered)
    else:
        table = analysis.PercentTable(tuple(analysis.tables.Row(c, 0, 0.0, 0.0) for c in ordered), 0, 1)
    na = sum(ordered.get(code, 0) for code in question.not_applicable)
    blank = max(0, valid - n) if valid is not None and question.type != "multiple" else 0
    scored = {code: ordered[code] for code in question.scored_codes} if question.options else {}
    if question.type != "single" or question.points is None or not sum(scored.values()):
        return QuestionResult(question, table, n, na, blank)
    codes = question.scored_codes
    return QuestionResult(
        question, table, n, na, blank,
        rate=_rate(scored, question.satisfied or codes[:2], population),
        top2=_rate(scored, codes[:2], population), top3=_rate(scored, codes[:3], population),
        score=analysis.satisfaction_score(scored, points=question.points, confidence_level=CONFIDENCE,
                                          population=population, method=SCORE_METHOD))


def compute(database, survey_id: int, questionnaire: Questionnaire, *, timezone: str = "Asia/Shanghai",
            by: tuple[str, ...] = (), min_n: int = breakdowns.MIN_N, adjust: str = breakdowns.ADJUST) -> SurveyResult:
    """Everything the dashboard and the downloads show for one survey (``by``, ``min_n``, ``adjust``: the
    breakdowns' extra grouping questions, smallest group and multiple-comparison control)."""
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
        questions[question.id] = question_result(question, option_counts.get(question.id, {}), population, valid)
    offset = datetime.now(ZoneInfo(timezone)).utcoffset().total_seconds()
    point_counts = database.point_counts(survey_id)
    points = tuple(PointProgress(p["id"], p["name"], p["code"], p["returned"], p["valid"]) for p in point_counts)
    field = fieldwork(database, survey_id, point_counts)
    names = {p.id: p.name for p in points}
    daily = tuple((day, names.get(pid, "?"), n) for day, pid, n in database.daily_counts(survey_id, offset))
    weights = questionnaire.headline.weights
    rows = database.answer_rows(survey_id, list(weights)) if len(weights) > 1 else None
    if rows is not None:   # a not-applicable answer leaves the item out of that respondent's composite
        rows = [{qid: (None if code in questionnaire.question(qid).not_applicable else code)
                 for qid, code in row.items()} for row in rows]
    head = headline(survey, questionnaire, questions, rows, population, strata_for(tallies, questionnaire, field.shares))
    design = cluster_design(tallies, questionnaire)
    result = SurveyResult(survey, questionnaire, returned, valid, returned - valid, points, daily,
                          tuple(questions.values()), head, design,
                          computed_at=datetime.now(ZoneInfo(timezone)).isoformat(timespec="seconds"),
                          digest=database.survey_digest(survey_id), fieldwork=field, receipt=database.receipt(survey_id),
                          exclusions=tuple(database.exclusion_reasons(survey_id)) if returned > valid else ())
    split = breakdowns.compute(database, survey_id, questionnaire, result, by=by, tallies=tallies, min_n=min_n,
                               adjust=adjust)
    return dataclasses.replace(result, breakdowns=split)
