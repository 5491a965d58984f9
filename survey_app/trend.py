"""与上年度比较 (issue #14): this survey against an earlier survey of the same department, item by item.

The evaluator chooses the earlier survey (``surveys.compare_with``); the two questionnaires must share
the compared items, by question id and options (codes, points, satisfied and not-applicable marks), and
the headline item must be among them (``comparable_items``, else ``NotComparable``: a ValueError whose
message names the question and the difference, with the same in Chinese for the page).

For every shared satisfaction item (a single-choice question with points or satisfied options) the
difference now − before of the rate (the satisfied options, top-2 when none are marked, as results.py
counts them; not-applicable answers in neither n) with Newcombe's interval, and of the score with
Welch's interval (``analysis.compare_rates``, ``analysis.compare_scores``). Both surveys' figures come
from ``results.compute``; nothing here reads answers of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

import analysis

from . import breakdowns, results
from .headline import CONFIDENCE, RATE_METHOD, SCORE_METHOD
from .questionnaires import Question, Questionnaire
from .reports.wording import question_number

# How the differences are computed, in the evaluator's words: one text for the dashboard, 附件3 and the XLSX, so
# that a reader who redoes a score difference with plain Welch (it differs) is told about the pseudo-answers
METHOD_ZH = ("两次调查为相互独立的样本：率之差的 95% 置信区间按 Newcombe 方法（由两次的 Wilson 区间合成）计算，"
             "得分之差的 95% 置信区间按 Welch 方法计算（各次方差计入量表两端各一个虚拟回答，以免全选一档时误作无抽样误差）；"
             "区间不包含 0 时为“差异显著”（具有统计学意义），否则为“差异不显著”；各题逐一比较，未作多重比较校正，"
             "题目较多时个别“显著”可能出于偶然。两次调查均由受访者自愿扫码作答，区间只反映随机抽样误差，"
             "不反映两次受访人群构成的不同。")

# What can differ between two versions of an item, as the English error and the Chinese message name it
_ASPECTS = (("option codes", "选项", lambda q: q.codes),
            ("points", "选项分值", lambda q: tuple(o.points for o in q.options)),
            ("satisfied options", "计为满意的选项", lambda q: tuple(sorted(q.satisfied))),
            ("not-applicable options", "不适用类选项", lambda q: tuple(sorted(q.not_applicable))))


class NotComparable(ValueError):
    """The headline item is missing from the earlier questionnaire, or its options differ. ``str(e)`` names
    the question and the difference in English; ``message_zh`` says the same for the evaluator's page."""

    def __init__(self, message: str, message_zh: str):
        super().__init__(message)
        self.message_zh = message_zh


def is_satisfaction_item(question: Question) -> bool:
    """A single-choice item with a rate: its options carry points or satisfied marks."""
    return question.type == "single" and bool(question.options) and (
        question.points is not None or bool(question.satisfied))


def _shown(values, *, missing: str = "-", empty: str = "none") -> str:
    return ", ".join(missing if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in values) or empty


def _difference(now: Questionnaire, before: Questionnaire, qid: str) -> tuple[str, str] | None:
    """Why item ``qid`` cannot be compared, (in English naming the question, in Chinese after its label);
    None when it can."""
    label = now.question(qid).label
    try:
        old = before.question(qid)
    except KeyError:
        return f"question {qid} ({label}) is not in the earlier questionnaire {before.key}", "在所选调查的问卷中没有"
    if not is_satisfaction_item(old):
        return (f"question {qid} ({label}) is not a rated single-choice item in {before.key}",
                "在所选调查的问卷中不是同样的满意度单选题")
    for english, chinese, values in _ASPECTS:
        a, b = values(now.question(qid)), values(old)
        if a != b:
            return (f"question {qid} ({label}): {english} differ: now {_shown(a)}, before {_shown(b)}",
                    f"的{chinese}与所选调查不同（本次 {_shown(a, missing='—', empty='无')}；"
                    f"所选调查 {_shown(b, missing='—', empty='无')}）")
    return None


def _match(now: Questionnaire, before: Questionnaire) -> tuple[tuple[str, ...], dict[str, tuple[str, str]]]:
    """(comparable ids in questionnaire order, {id: (English, Chinese) reason} of the others)."""
    ids, skipped = [], {}
    for question in now.questions:
        if is_satisfaction_item(question):
            why = _difference(now, before, question.id)
            if why is None:
                ids.append(question.id)
            else:
                skipped[question.id] = why
    return tuple(ids), skipped


def headline_item(questionnaire: Questionnaire) -> str:
    """The headline item (the heaviest one of a weighted combination)."""
    weights = questionnaire.headline.weights
    return max(weights, key=lambda qid: weights[qid])


def comparable_items(now: Questionnaire, before: Questionnaire) -> tuple[str, ...]:
    """Ids of the satisfaction items present in both questionnaires with the same options, in ``now``'s order.

    Raises NotComparable (a ValueError) naming the question and the difference when a headline item of
    ``now`` is not among them."""
    return _comparable(now, before)[0]


def _comparable(now: Questionnaire, before: Questionnaire) -> tuple[tuple[str, ...], dict[str, tuple[str, str]]]:
    """``_match``'s (ids, skipped), NotComparable when a headline item is skipped (every headline item has
    points, so it is either compared or skipped: questionnaires/parse.py)."""
    ids, skipped = _match(now, before)
    for qid in now.headline.weights:
        if qid in skipped:
            english, chinese = skipped[qid]
            raise NotComparable(f"cannot compare {now.key} with {before.key}: headline item {english}",
                                f"无法比较：主指标题目“{now.question(qid).label}”（本次问卷第 {question_number(now, qid)} 题，"
                                f"问卷文件中为 {qid}）{chinese}。"
                                "两次调查的主指标题目及其选项必须一致，未作更改。")
    return ids, skipped


@dataclass(frozen=True)
class TrendRow:
    """One item now and before. Rates are shares (0–1), scores on the 0–100 ladder; differences now − before."""

    question_id: str
    label: str
    role: str
    n_now: int  # answers counted by the rate and score (not-applicable ones left out)
    n_before: int
    satisfied_now: int
    satisfied_before: int
    counts_now: tuple[tuple[str, int], ...]  # (code, count) of the scored options: the figures' raw counts
    counts_before: tuple[tuple[str, int], ...]
    rate_now: float | None
    rate_before: float | None
    rate: analysis.Comparison | None  # None when either survey has fewer than min_n answers to the item
    score_now: float | None
    score_before: float | None
    score: analysis.Comparison | None  # None without points, or with fewer than min_n answers on either side
    # each survey's own two-sided 95 % intervals, as its dashboard prints them (Clopper–Pearson, or the exact
    # hypergeometric one with the survey's N; Gaffke for a score, finite-population corrected with N)
    rate_now_ci: analysis.Interval | None = None
    rate_before_ci: analysis.Interval | None = None
    score_now_ci: analysis.Interval | None = None
    score_before_ci: analysis.Interval | None = None

    @property
    def rate_significant(self) -> bool:
        return excludes_zero(self.rate)

    @property
    def score_significant(self) -> bool:
        return excludes_zero(self.score)


def excludes_zero(comparison: analysis.Comparison | None) -> bool:
    """Whether the difference's interval leaves out 0 (差异显著)."""
    return comparison is not None and (comparison.low > 0 or comparison.high < 0)


@dataclass(frozen=True)
class Trend:
    earlier: dict  # the earlier survey (its title names it wherever it is shown)
    survey: dict  # this survey
    valid_now: int
    valid_before: int
    figure: str  # the headline's figure, "score" or "rate": which difference the annex leads with
    rows: tuple[TrendRow, ...]
    headline: TrendRow
    skipped: tuple[tuple[str, str], ...]  # (label, why in Chinese) of the satisfaction items not compared
    min_n: int = breakdowns.MIN_N  # an item with fewer answers in either survey is not compared (样本不足)
    method_text: str = METHOD_ZH  # how the differences are computed, as every output names it
    basis: str = ""  # when either survey's C51 figure is stratified: that the figures here are not (``basis_text``)

    @property
    def too_few(self) -> str:
        """Why an item is not compared: '有效回答少于 10 份（样本不足），不作比较' (in either survey)."""
        return f"有效回答少于 {self.min_n} 份（样本不足），不作比较"

    @property
    def when(self) -> str:
        """'上年度' when the earlier survey is of the year before, else '2022年度' (or '较早调查' without a year)."""
        year, now = self.earlier.get("year"), self.survey.get("year")
        return "上年度" if year and now and year == now - 1 else f"{year}年度" if year else "较早调查"


def _counts(qr: results.QuestionResult) -> dict[str, int]:
    return {code: qr.count(code) for code in qr.question.scored_codes}


def _row(question: Question, now: results.QuestionResult, before: results.QuestionResult, survey: dict,
         min_n: int) -> TrendRow:
    a, b = _counts(now), _counts(before)
    # this survey's definition for both years (top-3 when its C51 figure is top-3), as its breakdowns count
    satisfied = breakdowns.satisfied_codes(survey, question)
    n1, n2 = sum(a.values()), sum(b.values())
    x1, x2 = (sum(c for code, c in counts.items() if code in satisfied) for counts in (a, b))
    enough = min(n1, n2) >= max(min_n, 2)  # as a breakdown's group: fewer answers are 样本不足, not compared
    rate = analysis.compare_rates(x1, n1, x2, n2, confidence_level=CONFIDENCE) if enough else None
    points = question.points
    score = (analysis.compare_scores(a, b, points=points, confidence_level=CONFIDENCE, method="welch-bounded")
             if points is not None and enough else None)

    def mean(counts, n):
        return sum(points[code] * c for code, c in counts.items()) / n if points is not None and n else None

    def rate_ci(x, n, population):  # with the survey's population N, as its dashboard: the exact hypergeometric
        if not n:
            return None
        if population:
            return analysis.Interval(*analysis.hypergeometric.population_bounds(x, n, population, CONFIDENCE))
        ci = analysis.proportion_interval(x, n, confidence_level=CONFIDENCE, method=RATE_METHOD)
        return analysis.Interval(ci.low, ci.high)

    def score_ci(counts, n, population):
        if points is None or not n:
            return None
        s = analysis.satisfaction_score(counts, points=points, confidence_level=CONFIDENCE, method=SCORE_METHOD,
                                        population=population)
        return analysis.Interval(s.low, s.high)

    n_now, n_before = (qr.rate.population if qr.rate else None for qr in (now, before))  # N as results used it
    return TrendRow(question.id, question.label, question.role, n1, n2, x1, x2, tuple(a.items()), tuple(b.items()),
                    x1 / n1 if n1 else None, x2 / n2 if n2 else None, rate, mean(a, n1), mean(b, n2), score,
                    rate_ci(x1, n1, n_now), rate_ci(x2, n2, n_before), score_ci(a, n1, n_now),
                    score_ci(b, n2, n_before))


def compare(result: results.SurveyResult, earlier: results.SurveyResult) -> Trend:
    """The trend of ``result`` against ``earlier`` (NotComparable when their headline items differ)."""
    now, before = result.questionnaire, earlier.questionnaire
    ids, skipped = _comparable(now, before)
    head_id = headline_item(now)
    min_n = result.breakdowns.min_n if result.breakdowns else breakdowns.MIN_N  # BREAKDOWN_MIN_N, as the groups
    rows = tuple(_row(now.question(qid), result.question(qid), earlier.question(qid),
                      result.survey if qid == head_id else {}, min_n) for qid in ids)
    figure = result.headline.figure if result.headline else now.headline.figure
    head = next(r for r in rows if r.question_id == head_id)
    why = tuple((now.question(qid).label, chinese) for qid, (_, chinese) in skipped.items())
    return Trend(earlier.survey, result.survey, result.valid, earlier.valid, figure, rows, head, why,
                 min_n=min_n, basis=basis_text(result, earlier))


def basis_text(result: results.SurveyResult, earlier: results.SurveyResult) -> str:
    """'' unless a survey's C51 figure is stratified by 办件量: then the compared figures (every valid answer
    unweighted, alike in both years) differ from that figure, and the dashboard and 附件3 say so beside them:
    '比较按两次调查的全部有效问卷不加权计算，两次口径一致；本次 C51 指标采用满意度得分（按办件量分层估计） 97.25 分，
    与此处不加权的数字不同。'"""
    stratified = [f"{name} C51 指标采用{h.label} {h.text(h.value)}"
                  for name, h in (("本次", result.headline), ("上次", earlier.headline)) if h is not None and h.strata]
    if not stratified:
        return ""
    return ("比较按两次调查的全部有效问卷不加权计算，两次口径一致；" + "，".join(stratified)
            + "，与此处不加权的数字不同。")


def trend_for(store, survey: dict, result: results.SurveyResult, catalogue, *, timezone: str) -> Trend | None:
    """The trend of ``survey`` (whose result is ``result``) against the survey it is compared with; None
    when none was chosen. Raises MissingQuestionnaire when the earlier survey's file is gone, NotComparable
    when the items differ, LookupError when the earlier survey no longer exists."""
    earlier_id = survey.get("compare_with")
    if earlier_id is None:
        return None
    earlier = store.get_survey(earlier_id)
    if earlier is None:
        raise LookupError(f"survey {survey['id']} is compared with survey {earlier_id}, which does not exist")
    before = results.compute(store, earlier_id, catalogue.for_survey(earlier), timezone=timezone)
    return compare(result, before)
