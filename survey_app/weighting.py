"""加权估计 and 信度 (issue #14 items 3 and 4): raked figures beside the unweighted ones, and Cronbach's α of
a composite. Neither ever decides the verdict: that is ``results.compute``'s headline (unweighted, or
stratified by the points' 办件量), and the raked figures are shown beside it, for reference.

Raking (``analysis.rake_weights``) runs over the respondents who count in the headline figure (an answer
that is not 不适用) and answered every raked question; respondents who left a raked question blank are
left out of the weighted estimate and counted (``Raked.left_out``). A rate is the headline item's
satisfied share (its ``satisfied`` options, top-2 without them; top-2 or top-3 when the survey's C51
figure says so); a headline of several weighted items has a composite score and no rate.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import analysis
from analysis.formatting import pct

from .questionnaires.model import Question, Questionnaire
from .store.margins import MAX_QUESTIONS

INTERVALS = ("加权估计的 95% 置信区间：满意率和得分均按各权重组加权的不满意程度计算 Fay–Feuer 伽马区间（与按办件量分层的"
             "估计同一方法）：答卷少而权重大的组决定区间宽度，其答卷全部相同时也不视为精确；未计入迭代加权本身可能带来的"
             "精度提高。")
NOTE = ("加权估计仅供参考：目标判定和 C51 得分只依据未加权估计（填写了各采集点办件量时为按办件量分层的估计），"
        "加权结果不改变判定。")
SHARE_SLACK = 1e-3 + 1e-9  # shares (fractions) add up to 1 within this (the page's ±0.1 %); then rescaled
MAX_ITERATIONS = 100


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    share: float  # population share (0–1), as entered and rescaled to add up to 1
    respondents: int  # in the weighted estimate
    weight: float | None  # mean weight per respondent of the level (None: nobody)


@dataclass(frozen=True)
class RakedQuestion:
    id: str
    label: str
    levels: tuple[Level, ...]


@dataclass(frozen=True)
class Raked:
    """The headline's weighted figures beside the unweighted ones (rates 0–1, scores on the ladder)."""

    questions: tuple[RakedQuestion, ...]
    figure_label: str  # the rate's label (满意率（前两项）...), or 综合满意度得分 for a composite headline
    unweighted_rate: float | None  # None for a composite headline
    weighted_rate: float | None
    unweighted_score: float
    weighted_score: float
    weighted_rate_ci: analysis.Interval | None  # 95 %, two-sided (INTERVALS says how)
    weighted_score_ci: analysis.Interval | None  # None with fewer than 2 respondents
    unweighted_n: int  # respondents counted in the unweighted figure
    n: int  # of them, in the weighted estimate (answered every raked question)
    left_out: int  # counted unweighted, left a raked question blank: outside the weighted estimate
    effective_n: float  # Kish: (Σw)² / Σw²
    design_effect: float  # n / effective_n
    iterations: int
    weights: Mapping[tuple, float]  # cell (one code per raked question) -> weight per respondent
    cells: Mapping[tuple, int]  # cell -> respondents
    note: str = NOTE
    intervals: str = INTERVALS


def check_margins(questionnaire: Questionnaire, margins: dict) -> list[tuple[Question, dict[str, float]]]:
    """The raked questions in questionnaire order with their shares, or ValueError in Chinese naming the
    question and option: one or two single-choice demographic questions, a share for every option and
    for no other, no negative share, shares adding up to 100 %."""
    if not margins:
        raise ValueError("未填写任何总体占比。")
    if len(margins) > MAX_QUESTIONS:
        raise ValueError(f"最多用 {MAX_QUESTIONS} 道基本信息题加权，现有 {len(margins)} 道。")
    known = {q.id: q for q in questionnaire.questions}
    for qid in margins:
        q = known.get(qid)
        if q is None or q.role != "demographic" or q.type != "single":
            raise ValueError(f"题目 {qid} 不是本问卷的单选基本信息题，不能用于加权。")
    checked = []
    for q in questionnaire.questions:
        if q.id not in margins:
            continue
        shares = margins[q.id]
        unknown = [code for code in shares if code not in q.codes]
        if unknown:
            raise ValueError(f"“{q.heading}”没有选项 {'、'.join(map(str, unknown))}，请核对选项。")
        missing = [str(q.option(code).label) for code in q.codes if code not in shares]
        if missing:
            raise ValueError(f"请填写“{q.heading}”每个选项的总体占比（缺：{'、'.join(missing)}）。")
        for code, share in shares.items():
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
                raise ValueError(f"“{q.heading}”选项“{q.option(code).label}”的总体占比应在 0% 到 100% 之间。")
        total = sum(shares.values())
        if abs(total - 1) > SHARE_SLACK:
            raise ValueError(f"“{q.heading}”各选项的总体占比合计为 {pct(100 * total, 2)}，应为 100%。")
        checked.append((q, {code: shares[code] / total for code in q.codes}))
    return checked


def _headline_value(row: dict, questionnaire: Questionnaire) -> tuple[str | None, float] | None:
    """(the single headline item's code, points) or (None, composite) for a respondent; None when they do
    not count (no answer, or 不适用 on every headline item)."""
    weights = questionnaire.headline.weights
    total = wsum = 0.0
    code = None
    for qid, w in weights.items():
        q = questionnaire.question(qid)
        code = row.get(qid)
        if code is None or code in q.not_applicable or code not in q.points:
            continue
        total += w * q.points[code]
        wsum += w
    if not wsum:
        return None
    return (code if len(weights) == 1 else None), total / wsum


def _satisfied(questionnaire: Questionnaire, figure: str) -> tuple[frozenset[str] | None, str]:
    weights = questionnaire.headline.weights
    if len(weights) > 1:
        return None, "综合满意度得分"
    q = questionnaire.question(next(iter(weights)))
    codes = q.scored_codes
    if figure in ("top2", "top3"):
        return frozenset(codes[:int(figure[-1])]), f"满意率（前{'两三'[int(figure[-1]) - 2]}项）"
    return (q.satisfied or frozenset(codes[:2])), ("满意率" if q.satisfied else "满意率（前两项）")


def rake(questionnaire: Questionnaire, margins: dict, rows: list[dict], *, figure: str = "headline") -> Raked:
    """Rake the respondents ``rows`` (question id -> code, as ``store.answer_rows`` gives them) to
    ``margins`` (question id -> {code: share}) and weigh the headline; ValueError in Chinese when the
    margins are wrong, a level with a share has nobody, or the raking does not converge."""
    raked = check_margins(questionnaire, margins)
    satisfied, label = _satisfied(questionnaire, figure)
    counted, cells, sums = [], {}, {}
    left_out = 0
    for row in rows:
        value = _headline_value(row, questionnaire)
        if value is None:
            continue
        counted.append(value)
        key = tuple(row.get(q.id) for q, _ in raked)
        if None in key:
            left_out += 1
            continue
        cells[key] = cells.get(key, 0) + 1
        hit, points, ladder = sums.get(key, (0, 0.0, {}))
        ladder[value[1]] = ladder.get(value[1], 0) + 1
        sums[key] = (hit + (satisfied is not None and value[0] in satisfied), points + value[1], ladder)
    if not cells:
        raise ValueError("尚无同时回答了加权所用基本信息题和主指标题的有效问卷，暂不能加权；请在收集到问卷后再填写。")
    for j, (q, shares) in enumerate(raked):
        for code, share in shares.items():
            if share > 0 and not any(key[j] == code for key in cells):
                raise ValueError(f"“{q.heading}”的选项“{q.option(code).label}”总体占比 {pct(100 * share, 2)}，但计入加权的"
                                 f"有效问卷中无人选择该项，无法加权（没有可以放大权重的受访者）。请与相邻选项合并后重新填写，"
                                 f"或不用这道题加权。")
    try:
        result = analysis.rake_weights(cells, [shares for _, shares in raked], max_iterations=MAX_ITERATIONS)
    except ValueError as e:
        if "converge" not in str(e):
            raise ValueError(f"无法加权：{e}") from None
        raise ValueError(f"按所填总体占比迭代 {MAX_ITERATIONS} 轮仍未收敛：样本中缺少这些占比所需的选项组合"
                         "（例如某一年龄段只有一种性别的受访者，或占比为 0 的选项排除了某一组的全部受访者）。"
                         "请合并选项，或只用一道题加权。") from None
    w = result.weights
    total = sum(w[key] * n for key, n in cells.items())
    n_all = len(counted)
    rate = None if satisfied is None else sum(w[k] * s[0] for k, s in sums.items()) / total
    # each cell a stratum weighted by its part of the weight (analysis.weighted_cells_interval: Fay–Feuer, as the
    # stratified verdicts): a small cell whose answers all agree is not taken as measured exactly
    rate_ci = None if satisfied is None else analysis.weighted_cells_interval(
        [(w[k] * cells[k], {1: s[0], 0: cells[k] - s[0]}) for k, s in sums.items()])
    score_ci = None
    if result.n >= 2:
        score_ci = analysis.weighted_cells_interval([(w[k] * cells[k], s[2]) for k, s in sums.items()],
                                                    scale=questionnaire.headline_range())
    return Raked(
        questions=tuple(RakedQuestion(q.id, q.heading, tuple(_level(q, code, share, j, cells, w)
                                                            for code, share in shares.items()))
                        for j, (q, shares) in enumerate(raked)),
        figure_label=label,
        unweighted_rate=None if satisfied is None else sum(c in satisfied for c, _ in counted) / n_all,
        weighted_rate=rate,
        unweighted_score=sum(v for _, v in counted) / n_all,
        weighted_score=sum(w[k] * s[1] for k, s in sums.items()) / total,
        weighted_rate_ci=rate_ci,
        weighted_score_ci=score_ci,
        unweighted_n=n_all, n=result.n, left_out=left_out, effective_n=result.effective_n,
        design_effect=result.design_effect, iterations=result.iterations,
        weights=MappingProxyType(dict(w)), cells=MappingProxyType(dict(cells)))


def _level(q: Question, code: str, share: float, j: int, cells: dict, weights: dict) -> Level:
    members = {key: n for key, n in cells.items() if key[j] == code}
    n = sum(members.values())
    mean = sum(weights[key] * m for key, m in members.items()) / n if n else None
    return Level(code, str(q.option(code).label), share, n, mean)


def raked_figures(store, survey: dict, questionnaire: Questionnaire, margins: dict | None = None) -> Raked | None:
    """The survey's raked figures from its stored margins (``margins``: those, when the caller has read
    them) and valid answers; None when no margins were entered; ValueError (Chinese) when the answers no
    longer rake."""
    margins = store.population_margins(survey["id"]) if margins is None else margins
    return _rake_stored(store, survey, questionnaire, margins) if margins else None


def _rake_stored(store, survey: dict, questionnaire: Questionnaire, margins: dict) -> Raked:
    rows = store.answer_rows(survey["id"], list(dict.fromkeys([*margins, *questionnaire.headline.weights])))
    return rake(questionnaire, margins, rows, figure=survey.get("c51_figure") or "headline")


def save_margins(store, survey: dict, questionnaire: Questionnaire, margins: dict, *, audit) -> Raked:
    """Check ``margins``, rake the stored answers with them, and only then store them (with ``audit``'s
    line, in one transaction); ValueError (Chinese, naming the problem) and nothing saved otherwise."""
    raked = _rake_stored(store, survey, questionnaire, margins)
    store.set_population_margins(survey["id"], {q.id: {lv.code: lv.share for lv in q.levels} for q in raked.questions},
                                 audit=audit)
    return raked
