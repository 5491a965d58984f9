"""What a sample size can show about a rate target, in the evaluators' words (附件3 and the planner).

The numbers are ``analysis.power``'s: the exact one-sided test of the verdict at 95 % (hypergeometric
with a population N), 80 % power; for a score, ``analysis.score_power``'s (the Gaffke bound of the score
verdict, simulated under an assumed answer distribution, which the sentence names). Rates print with ``pct``, targets (a rule's numbers) with ``num``.
"""
from __future__ import annotations

from analysis import (max_provable_rate, min_successes_to_show, power_sample_size, satisfaction_score, score_bounds,
                      score_power, score_power_sample_size, score_sample_size, score_spread, stratified_rate_verdict,
                      stratified_score_verdict, target_power)
from analysis.formatting import num, pct, pct_below

LEVEL, POWER = 0.95, 0.8
BOUND_ZH = "单侧 95% 置信下限"
ANSWERS_NOW = "本次调查现有答案的分布"  # the score's power plan from the answers so far (dashboard, 附件3, planner)


def planning_rate(target_pct: float) -> float:
    """The true rate (%) a plan assumes: 2 points above the target, or halfway to 100 when that reaches 100."""
    return target_pct + 2 if target_pct + 2 < 100 else (target_pct + 100) / 2


def planning_rate_text(target_pct: float) -> str:
    """``planning_rate`` with where it comes from, for a reader of the annex: '预设满意率 97.0%（目标值 95% 加 2 个
    百分点，为假设值，并非本次调查结果）'."""
    how = "加 2 个百分点" if target_pct + 2 < 100 else "与 100% 的中点"
    return f"预设满意率 {pct(planning_rate(target_pct))}（目标值 {num(target_pct)}% {how}，为假设值，并非本次调查结果）"


def planning_score(target: float, top: float) -> float:
    """The mean score a plan assumes when no answers are known: 2 points above the target, or halfway to the
    top of the ladder when that reaches it (``planning_rate`` for a ladder)."""
    return target + 2 if target + 2 < top else (target + top) / 2


def ceiling_sentence(n: int, target_pct: float, *, population: int | None = None) -> str:
    """Whether n answers can show the target at all: the bound when all are satisfied, or the count needed."""
    goal = f"满意率达到 {num(target_pct)}%"
    if target_pct >= 100:
        return f"目标为 100% 时，抽样调查无论样本量多大都无法证明{goal}，只有全面调查可以。"
    best = 100 * max_provable_rate(n, confidence_level=LEVEL, population=population)
    x = min_successes_to_show(n, target=target_pct / 100, confidence_level=LEVEL, population=population)
    if x is None:
        return f"n = {n} 时即使全部满意，{BOUND_ZH}也只有 {pct_below(best, target_pct)}，无法证明{goal}。"
    return (f"n = {n} 时，至少 {x} 人满意（满意率 {pct(100 * x / n)}）才能证明{goal}"
            f"（全部满意时{BOUND_ZH}为 {pct(best)}）。")


def power_plan(target_pct: float, true_pct: float, *, population: int | None = None):
    """``analysis.power_sample_size`` at 80 % power, or None when no sample can show the target."""
    if target_pct >= 100 or true_pct <= target_pct:
        return None
    return power_sample_size(expected_rate=true_pct / 100, target=target_pct / 100, power=POWER,
                             confidence_level=LEVEL, population=population)


def power_sentence(target_pct: float, true_pct: float, *, n: int | None = None, population: int | None = None,
                   plan=None, assumed: str | None = None) -> str:
    """The n that shows the target with 80 % power at a true rate of ``true_pct`` (and the power at ``n``);
    ``assumed`` names that rate and its source ('按预设满意率 97.0%（…）估算'), else it reads '若真实满意率为 97.0%'
    (the planner, where the evaluator typed it)."""
    goal = f"满意率达到 {num(target_pct)}%"
    plan = plan or power_plan(target_pct, true_pct, population=population)
    if plan is None:
        return (f"目标为 100% 时，任何样本量都无法以抽样证明{goal}。" if target_pct >= 100 else
                f"预期满意率 {pct(true_pct)} 不高于目标 {num(target_pct)}%，任何样本量都无法以足够的检验效能证明{goal}。")
    head = (f"按{assumed}估算" if assumed else f"若真实满意率为 {pct(true_pct)}") + f"，要以 {pct(100 * POWER, 0)} 的检验效能证明{goal}（{BOUND_ZH}不低于目标）"
    top = min(plan.limit, plan.population or plan.limit)
    need = f"需要有效问卷 n = {plan.n} 份" if plan.n else f"在 n ≤ {top} 的范围内都做不到"
    if n:
        power = target_power(n, true_rate=true_pct / 100, target=target_pct / 100, confidence_level=LEVEL,
                             population=population)
        need += f"；n = {n} 时检验效能为 {pct(100 * power)}"
    return f"{head}，{need}。"


def score_power_plan(target: float, values, shares, scale: tuple[float, float], *, population: int | None = None):
    """``analysis.score_power_sample_size`` at 80 % power for answers spread as ``shares`` over ``values``."""
    return score_power_sample_size(values=list(values), shares=list(shares), target=target, scale=scale, power=POWER,
                                   confidence_level=LEVEL, population=population)


def score_margin_plan(values, shares, margin: float, source: str, *, population: int | None = None) -> tuple[int, str]:
    """The n that estimates the score within ± ``margin`` 分 (``analysis.score_sample_size``) for answers spread as
    ``shares`` over ``values`` (``source`` says whence), and its sentence: '需要有效问卷 n = 72 份（满意度得分，…）'."""
    n = score_sample_size(values=list(values), shares=list(shares), margin=margin, confidence_level=LEVEL,
                          population=population)
    mean, sd = score_spread(values, shares)
    of = f"，总体 N = {population}" if population else ""
    return n, (f"需要有效问卷 n = {n} 份（满意度得分，答案分布为{source}，平均得分 {num(mean)} 分、标准差 "
               f"{num(sd)} 分，允许误差 ±{num(margin)} 分{of}）。")


def score_power_sentence(target: float, values, shares, scale: tuple[float, float], source: str, *,
                         n: int | None = None, population: int | None = None, plan=None) -> str:
    """The n that shows a score target with 80 % power if the answers are spread as ``shares`` over ``values``
    (``source`` says where that spread comes from), and the power at ``n``."""
    goal = f"满意度得分达到 {num(target)} 分"
    plan = plan or score_power_plan(target, values, shares, scale, population=population)
    spread = "、".join(f"{num(v)} 分 {pct(100 * s)}" for v, s in sorted(zip(plan.values, plan.shares), reverse=True))
    head = f"若答案分布为{source}（{spread}，平均得分 {num(plan.score)} 分）"
    if plan.n is None and plan.score <= target:
        return f"{head}，平均得分不高于目标 {num(target)} 分，任何样本量都无法以足够的检验效能证明{goal}。"
    need = (f"需要有效问卷 n = {plan.n} 份" if plan.n else f"在 n ≤ {plan.limit} 的范围内都做不到")
    if n:
        power = score_power(n, values=plan.values, shares=plan.shares, target=target, scale=scale,
                            confidence_level=LEVEL, population=population)
        need += f"；n = {n} 时检验效能为 {pct(100 * power)}"
    return (f"{head}，要以 {pct(100 * POWER, 0)} 的检验效能证明{goal}（满意度得分的{BOUND_ZH}不低于目标；"
            f"按该分布模拟 {plan.draws} 次估算），{need}。")


def planning_sentences(n_valid: int, target_pct: float, *, population: int | None = None) -> list[str]:
    """The annex's sentences on what ``n_valid`` answers can show about a target of ``target_pct`` %."""
    if target_pct >= 100:
        return [ceiling_sentence(max(n_valid, 1), target_pct)]
    first = [ceiling_sentence(n_valid, target_pct, population=population)] if n_valid > 0 else []
    return first + [power_sentence(target_pct, planning_rate(target_pct), n=n_valid or None, population=population,
                                   assumed=planning_rate_text(target_pct))]


def score_ceiling(n: int, scale: tuple[float, float], population: int | None = None) -> float:
    """The one-sided bound of a score when all n answers are at the top of the ladder."""
    return score_bounds([scale[1]], [n], scale=scale, confidence_level=LEVEL, population=population).low


def score_n_needed(target: float, scale: tuple[float, float], population: int | None = None) -> int | None:
    """The fewest answers that, all at the top of the ladder, show a score target (None: none can)."""
    top = population or 10**7
    if target > scale[1] or score_ceiling(top, scale, population) < target:
        return None
    low, high = 1, top
    while low < high:
        middle = (low + high) // 2
        low, high = (middle + 1, high) if score_ceiling(middle, scale, population) < target else (low, middle)
    return low


def score_ceiling_sentence(n: int, target: float, scale: tuple[float, float], population: int | None = None) -> str:
    """What n answers can show about a score target: the one-sided bound when every answer is at the top."""
    best = score_ceiling(n, scale, population)
    goal = f"满意度得分达到 {num(target)} 分"
    if best < target:
        need = score_n_needed(target, scale, population)
        more = f"即使全部选择最高一档，也至少需要有效问卷 n = {need} 份" if need else "需要更多有效问卷"
        return (f"n = {n} 时即使全部选择最高一档，满意度得分的{BOUND_ZH}也只有 {num(best, toward='down')} 分，"
                f"无法证明{goal}；{more}。")
    return (f"n = {n} 时，若全部选择最高一档，{BOUND_ZH}可达 {num(best, toward='down')} 分，足以证明{goal}；"
            "现有答案尚不能证明。")


def stratified_ceiling_sentence(headline) -> str:
    """What a stratified headline's answers can show: its deciding bound were every answer at every point the
    best one (each point keeps its n and its share of the 办件量)."""
    strata, n = headline.strata, sum(s.n for s in headline.strata)
    if headline.figure == "rate":
        best = stratified_rate_verdict({s.point_id: (s.n, s.n, s.share) for s in strata},
                                       target=headline.target / 100, confidence_level=LEVEL).bound * 100
        shown, goal, all_best = pct(best, toward="down"), f"满意率达到 {num(headline.target)}%", "全部满意"
    else:
        low, high = headline.judgement.scale
        ladder = {"top": high, "bottom": low}
        best = stratified_score_verdict({s.point_id: (satisfaction_score({"top": s.n, "bottom": 0}, points=ladder,
                                                                         method="gaffke"), s.share) for s in strata},
                                        target=headline.target, confidence_level=LEVEL).bound
        shown, goal, all_best = f"{num(best, toward='down')} 分", f"满意度得分达到 {num(headline.target)} 分", "全部选择最高一档"
    lead = f"按办件量分层估计，{len(strata)} 个采集点共 n = {n} 份有效问卷时"
    if best < headline.target:
        return f"{lead}即使{all_best}，{BOUND_ZH}也只有 {shown}，无法证明{goal}；需要更多有效问卷，尤其是办件量占比大的采集点。"
    return f"{lead}，若{all_best}，{BOUND_ZH}可达 {shown}，足以证明{goal}；现有答案尚不能证明。"


def headline_sentences(headline) -> list[str]:
    """The sentences the annex and the dashboard print under a verdict that is not "met": what this many
    answers can show, and the n that shows the target with 80 % power (a rate at target + 2 points, a single
item's score under its answers' distribution so far) (for a stratified
    headline, its own ceiling only: the power plan assumes one simple sample)."""
    if headline is None or headline.verdict == "met":
        return []
    if headline.strata:
        return [stratified_ceiling_sentence(headline)]
    if headline.figure == "rate":
        return planning_sentences(headline.n, headline.target, population=headline.judgement.population)
    first = [score_ceiling_sentence(headline.n, headline.target, headline.judgement.scale,
                                    headline.judgement.population)]
    if not headline.histogram:   # a composite: its answers are respondents' weighted means, not one ladder
        return first
    values, counts = zip(*headline.histogram)
    return first + [score_power_sentence(headline.target, values, counts, headline.judgement.scale, ANSWERS_NOW,
                                         n=headline.n, population=headline.judgement.population)]
