"""Stratified verdicts: collection points weighted by their share of the transactions served (办件量).

The estimate is Σ w_h·estimate_h over the points (strata) with the evaluator's shares w_h; the verdict
rests on one-sided bounds as every ``Verdict`` does (see ``analysis.verdicts``):

- a rate: Korn & Graubard's (1998) Clopper–Pearson bounds at the effective sample size
  p(1 − p)/Var(p_st) (R's ``survey::svyciprop(method = "beta")`` without its degrees-of-freedom factor),
  Var(p_st) = Σ w_h²·p_h(1 − p_h)/n_h;
- a score: the same idea for a bounded mean. The points' answers, weighted by the shares, give a
  distribution of the ladder's values with mean Σ w_h·m_h and variance σ²; Var(m_st) = Σ w_h²·s_h²/n_h
  (s_h² the point's variance, divisor n_h); Gaffke's bound (``analysis.score_bounds``) of that distribution
  taken as n_eff = σ²/Var(m_st) answers (``analysis.effective_score_bounds``). On a two-value ladder it is
  the rate's bound; with shares proportional to the points' answers it is the simple Gaffke bound of all
  answers, as Korn–Graubard is Clopper–Pearson's. (Until 2026-12 each point's bound at α/H was weighted
  instead, Bonferroni: valid but far too wide, so entering 办件量 in proportion to the answers could turn
  达到 into 尚不能判定.)

Both cap n_eff at n and at the shares' own effective size 1/Σ(w_h²/n_h) (Kish's): a point whose few answers
happen to agree has variance 0 and would otherwise count as measured exactly (3 answers with a 90 % share
made "met" come out 72 % of the time at a true mean below the target). Proportional shares give n.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from . import _checks
from .intervals import Interval, bounds
from .score_bounds import effective_score_bounds
from .scores import ScoreResult
from .verdicts import STRATIFIED, STRATIFIED_SCORE, Verdict, _decide


def _share(name, share, *, empty: bool) -> float:
    """A stratum's share, checked: a number ≥ 0, and 0 when the stratum has no answers."""
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not math.isfinite(share) or share < 0:
        raise ValueError(f"strata[{name!r}]: share must be a number ≥ 0, got {share!r}")
    if share > 0 and empty:
        raise ValueError(f"strata[{name!r}] has a share of the transactions but no answers")
    return float(share)


def _effective_n(n: int, sigma2: float, variance: float, shares: list[tuple[float, int]]) -> float:
    """σ²/Var(estimate), capped at n and at the design's own effective size 1/Σ(w_h²/n_h): a point whose few
    answers happen to agree (variance 0) must not count as measured exactly (3 answers with a 90 % share
    would otherwise have the precision of all n). Proportional shares give n, so nothing changes there."""
    design = 1 / sum(w * w / m for w, m in shares if w > 0)
    cap = min(n, design)
    return cap if variance <= 0 else min(cap, sigma2 / variance)


def stratified_rate_verdict(strata, *, target, confidence_level=0.95) -> Verdict:
    """The verdict on a rate from strata (collection points) weighted by their known shares.

    ``strata`` maps a point to ``(satisfied, n, share)``; the shares (e.g. each point's part of the
    transactions served during fieldwork) are normalised over the strata that have answers. A stratum
    with a share but no answers raises: its rate is unknown. p_st = Σ w_h·p_h, Var = Σ w_h²·p_h(1 − p_h)/n_h.

    >>> v = stratified_rate_verdict({"A": (45, 50, 0.8), "B": (20, 25, 0.2)}, target=0.75)
    >>> round(v.estimate, 3), round(v.low, 4), v.verdict
    (0.88, 0.796, 'met')
    """
    if not isinstance(strata, Mapping) or not strata:
        raise ValueError("strata must map each point to (satisfied, n, share)")
    goal = _checks.fraction(target, "target", closed=True)
    level = _checks.confidence_level(confidence_level)
    rows = []
    for name, triple in strata.items():
        try:
            x_raw, n_raw, share = triple
        except (TypeError, ValueError):
            raise ValueError(f"strata[{name!r}] must be (satisfied, n, share), got {triple!r}") from None
        x, m = _checks.count(x_raw, f"strata[{name!r}] satisfied"), _checks.count(n_raw, f"strata[{name!r}] n")
        if x > m:
            raise ValueError(f"strata[{name!r}]: satisfied ({x}) exceeds n ({m})")
        rows.append((x, m, _share(name, share, empty=m == 0)))
    weight_total = sum(w for _, m, w in rows if m)
    if weight_total <= 0:
        raise ValueError("the strata's shares are all zero")
    n = sum(m for _, m, _ in rows)
    estimate = sum(w / weight_total * x / m for x, m, w in rows if m)
    variance = sum((w / weight_total) ** 2 * (x / m) * (1 - x / m) / m for x, m, w in rows if m)
    n_eff = _effective_n(n, estimate * (1 - estimate), variance, [(w / weight_total, m) for _, m, w in rows if m])
    low = bounds(estimate * n_eff, n_eff, level, "clopper-pearson", "greater")[0]
    high = bounds(estimate * n_eff, n_eff, level, "clopper-pearson", "less")[1]
    ci = Interval(*bounds(estimate * n_eff, n_eff, level, "clopper-pearson", "two-sided"))
    return Verdict("rate", estimate, goal, n, low, high, ci, _decide(low, high, goal), level, STRATIFIED,
                   "clopper-pearson at the effective sample size (stratified)")


def stratified_score_verdict(strata, *, target, confidence_level=0.95) -> Verdict:
    """The verdict on a score from strata weighted by their shares: ``strata`` maps a point to
    ``(ScoreResult, share)`` (a stratum with a share and no answers raises: its score is unknown).

    >>> from analysis import satisfaction_score
    >>> ladder = {"A": 100, "B": 80, "C": 60}
    >>> v = stratified_score_verdict({"hall": (satisfaction_score({"A": 90, "B": 10}, points=ladder), 0.8),
    ...                               "window": (satisfaction_score({"A": 30, "C": 10}, points=ladder), 0.2)},
    ...                              target=90)
    >>> round(v.estimate, 2), v.verdict
    (96.4, 'met')
    """
    if not isinstance(strata, Mapping) or not strata:
        raise ValueError("strata must map each point to (ScoreResult, share)")
    level = _checks.confidence_level(confidence_level)
    rows = []
    for name, pair in strata.items():
        try:
            score, share = pair
        except (TypeError, ValueError):
            raise ValueError(f"strata[{name!r}] must be (ScoreResult, share), got {pair!r}") from None
        weight = _share(name, share, empty=score is None)
        if score is None:
            continue
        if not isinstance(score, ScoreResult):
            raise ValueError(f"strata[{name!r}]: need a ScoreResult, got {type(score).__name__}")
        rows.append((score, weight))
    total = sum(w for _, w in rows)
    if total <= 0:
        raise ValueError("the strata's shares are all zero")
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not math.isfinite(target):
        raise ValueError(f"target must be a number on the score's scale, got {target!r}")
    scale = (min(s.scale[0] for s, _ in rows), max(s.scale[1] for s, _ in rows))
    n = sum(s.n for s, _ in rows)
    values, shares, variance = [], [], 0.0
    for score, w in rows:
        share = w / total
        x, c = zip(*score.histogram)
        values += x
        shares += [share * k / score.n for k in c]
        spread = sum(k * (v - score.score) ** 2 for v, k in zip(x, c)) / score.n
        variance += share ** 2 * spread / score.n
    estimate = sum(p * v for p, v in zip(shares, values))
    sigma2 = sum(p * (v - estimate) ** 2 for p, v in zip(shares, values))
    n_eff = _effective_n(n, sigma2, variance, [(w / total, s.n) for s, w in rows])
    one = effective_score_bounds(values, shares, n_eff, scale=scale, confidence_level=level)
    two = effective_score_bounds(values, shares, n_eff, scale=scale, confidence_level=1 - (1 - level) / 2)
    return Verdict("score", estimate, float(target), n, one.low, one.high, Interval(two.low, two.high),
                   _decide(one.low, one.high, float(target)), level, STRATIFIED_SCORE,
                   "Gaffke bounds at the effective sample size (stratified), two-sided", None, None, None, scale)
