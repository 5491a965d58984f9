"""Stratified verdicts: collection points weighted by their share of the transactions served (办件量).

The estimate is Σ w_h·estimate_h over the points (strata) with the evaluator's shares w_h; the verdict
rests on one-sided bounds as every ``Verdict`` does (see ``analysis.verdicts``). Both bounds are Fay & Feuer's
(1997) gamma bounds for a weighted sum of counts (the method NCHS and SEER use for age-standardised rates),
applied to the shortfall from "all satisfied":

- a rate: the dissatisfied answers d_h, each weighted a_h = w_h/n_h; shortfall q = Σ a_h·d_h = 1 − p_st,
  v = Σ a_h²·d_h; the bound on q is the gamma quantile with mean q + a_max and variance v + a_max²
  (one more dissatisfied answer at the heaviest per-answer weight a_max), so p_st ≥ 1 − that;
- a score on a ladder [L, U]: each answer's shortfall (U − y)/(U − L) in [0, 1] in place of d_h's 0/1, v from
  the squared shortfalls. On a two-value ladder it is the rate's bound.

Why not Korn & Graubard (Clopper–Pearson, or Gaffke for a score, at the effective n = p(1 − p)/Var), used
until 2027-01: its variance Σ w_h²·p_h(1 − p_h)/n_h is 0 for a point whose answers happen to agree, so a
small unanimous point with half the weight counted as measured exactly. Exact enumeration at a true
weighted rate equal to the target 0.95 (hall n = 300 at 0.995 + window n = 20 at 0.905, shares ½/½) gave
"met" 12.7 % of the time (9.8 % at 0.99/0.91; 7.5 % for n = 100/25; 5.8 % for n = 200/30; 8.4 % for n =
1000/30); scores 10.6 % (simulation, hall mean 99.8 of 300, window 91.6 of 20). With the gamma bound the
largest false "met" over a grid of two and three points (n 5–1000, shares ½/½ to 0.9/0.1 either way, rates
0.90–0.995 per point combining to 0.95) is 3.7 % (exact enumeration, tests/test_strata_boundary.py); for
scores the reviewer's case falls from 10.6 % to 0 % (3,000 runs) and no cell of a 400-run grid (n 20–1000,
answers A/E, A/B or A/B/C) passed 1.3 %. Meanwhile the power at a true 0.99 against 0.95 is unchanged where the points carry weight
in proportion to their answers (e.g. n = 300/20 with shares 0.94/0.06: 99.8 % before and after; 50/50 at
½/½: 73.6 %). It falls where a small point carries a large share (200/30 at ½/½: 72.8 % → 9.9 %): there a
unanimous small point is as likely under a true rate at the target, and no valid bound can say "met". For
scores it costs more where answers sit mid-ladder (true mean 99 against 95, A/B answers, n = 200/30 at ½/½:
99 % → 56 %; A/E answers 50/50: 90 % → 66 %): the bound allows one more answer at the bottom of the ladder.
The gamma treats dissatisfied answers as Poisson, so the bounds are a little wider than Clopper–Pearson's
for one point, and wider still for rates far below 1 (the dissatisfied no longer rare).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from scipy import stats

from . import _checks
from .intervals import Interval
from .scores import ScoreResult
from .verdicts import STRATIFIED, STRATIFIED_SCORE, Verdict, _decide


def _share(name, share, *, empty: bool) -> float:
    """A stratum's share, checked: a number ≥ 0, and 0 when the stratum has no answers."""
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not math.isfinite(share) or share < 0:
        raise ValueError(f"strata[{name!r}]: share must be a number ≥ 0, got {share!r}")
    if share > 0 and empty:
        raise ValueError(f"strata[{name!r}] has a share of the transactions but no answers")
    return float(share)


def _shortfall_bounds(rows, level: float) -> tuple[float, float]:
    """Fay & Feuer's (1997) bounds on the weighted shortfall q = Σ a_h·S_h, one-sided at ``level``: ``rows``
    are (a_h, S_h, Q_h) with a_h = w_h/n_h, S_h a point's summed shortfalls (each in [0, 1]) and Q_h their
    squares. Lower: gamma with mean q, variance v = Σ a_h²·Q_h; upper: mean q + a_max, variance v + a_max²."""
    q = sum(a * s for a, s, _ in rows)
    v = sum(a * a * sq for a, _, sq in rows)
    top = max(a for a, _, _ in rows)
    low = 0.0 if q <= 0 or v <= 0 else float(stats.gamma.ppf(1 - level, q * q / v, scale=v / q))
    high = float(stats.gamma.ppf(level, (q + top) ** 2 / (v + top * top), scale=(v + top * top) / (q + top)))
    return max(0.0, low), min(1.0, high)


def _gamma_bounds(rows, level: float, end=(0.0, 1.0)):
    """(one-sided low, one-sided high, two-sided interval) of U − (U − L)·q on the scale ``end`` = (L, U)."""
    lo_end, hi_end = end
    span = hi_end - lo_end
    q_low, q_high = _shortfall_bounds(rows, level)
    two_low, two_high = _shortfall_bounds(rows, 1 - (1 - level) / 2)
    return (hi_end - span * q_high, hi_end - span * q_low, Interval(hi_end - span * two_high, hi_end - span * two_low))


def stratified_rate_verdict(strata, *, target, confidence_level=0.95) -> Verdict:
    """The verdict on a rate from strata (collection points) weighted by their known shares.

    ``strata`` maps a point to ``(satisfied, n, share)``; the shares (e.g. each point's part of the
    transactions served during fieldwork) are normalised over the strata that have answers. A stratum
    with a share but no answers raises: its rate is unknown. p_st = Σ w_h·p_h; bounds as the module says.

    >>> v = stratified_rate_verdict({"A": (45, 50, 0.8), "B": (20, 25, 0.2)}, target=0.75)
    >>> round(v.estimate, 3), round(v.low, 4), v.verdict
    (0.88, 0.7863, 'met')
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
    low, high, ci = _gamma_bounds([(w / weight_total / m, m - x, m - x) for x, m, w in rows if m], level)
    return Verdict("rate", estimate, goal, n, low, high, ci, _decide(low, high, goal), level, STRATIFIED,
                   "fay-feuer gamma interval of the dissatisfied (stratified)")


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
    span = scale[1] - scale[0]
    estimate, shortfalls = 0.0, []
    for score, w in rows:
        x, c = zip(*score.histogram)
        estimate += w / total * score.score
        gap = [(scale[1] - v) / span if span > 0 else 0.0 for v in x]
        shortfalls.append((w / total / score.n, sum(k * g for k, g in zip(c, gap)),
                           sum(k * g * g for k, g in zip(c, gap))))
    low, high, ci = _gamma_bounds(shortfalls, level, scale)
    return Verdict("score", estimate, float(target), n, low, high, ci, _decide(low, high, float(target)), level,
                   STRATIFIED_SCORE, "fay-feuer gamma interval of the shortfall from the top (stratified), two-sided",
                   None, None, None, scale)


def weighted_cells_interval(cells, *, scale=(0.0, 1.0), confidence_level=0.95) -> Interval:
    """The two-sided interval of a weighted mean over weight cells (raking's, post-strata), by the stratified
    verdicts' Fay–Feuer bound on the weighted shortfall from the top of ``scale``: each cell a stratum whose
    share is its part of the weight. ``cells``: (Σw of the cell, {value: answers}) pairs; a rate is values 1
    and 0 on (0, 1). A small cell whose answers all agree is not taken as measured exactly (an effective n
    from the cells' variances did that, as Korn–Graubard's did for the stratified verdicts).

    >>> ci = weighted_cells_interval([(0.5, {1: 178, 0: 2}), (0.5, {1: 16, 0: 4})])
    >>> round(ci.low, 3), round(ci.high, 3)
    (0.739, 0.969)
    """
    lo_end, hi_end = _checks.scale(scale)
    level = _checks.confidence_level(confidence_level)
    rows = [(float(w), {float(v): int(c) for v, c in hist.items() if c}) for w, hist in cells]
    rows = [(w, hist) for w, hist in rows if w > 0 and hist]
    total = sum(w for w, _ in rows)
    if total <= 0:
        raise ValueError("no cell with answers and a positive weight")
    span = hi_end - lo_end
    gamma_rows = []
    for w, hist in rows:
        gaps = {(hi_end - v) / span: c for v, c in hist.items()}
        gamma_rows.append((w / total / sum(hist.values()), sum(g * c for g, c in gaps.items()),
                           sum(g * g * c for g, c in gaps.items())))
    return _gamma_bounds(gamma_rows, level, (lo_end, hi_end))[2]
