"""Planning by power for a score: how many answers make the score verdict "met"?

The verdict on "score ≥ target" (``verdicts.score_verdict``) is "met" when Gaffke's one-sided lower bound
(``score_bounds``) reaches the target. For an assumed distribution of the answers over the ladder (shares
per value) the *power* at n answers is the chance of that. The same mean score can come from very different
spreads (87/10/2/1 % on 100/80/60/40 scores 96.6, 80/17/2/1 % scores 95.2: both 97 % top-2), so a score is
planned from a distribution, never from a rate.

- ``score_power``: the power at n, by a seeded simulation of ``draws`` samples (multinomial, or
  multivariate hypergeometric from a population of N with round(share·N) answers per value). Each sample's
  verdict is the exact one of ``score_bounds``: low ≥ target iff P(R ≤ target) ≤ 1 − level for Gaffke's R
  (``score_bounds.cdf``, one vectorised characteristic-function inversion for all samples), or, with N,
  when the certain range (Σx + (N − n)·min)/N reaches the target; n ≥ N is a census (mean ≥ target).
  The seed is fixed (from ``seed`` and n), so the same inputs give the same power on every page and run.
- ``score_power_sample_size``: the smallest n ≤ ``limit`` whose simulated power reaches ``power``, found by
  doubling from the fewest answers that could show the target, then bisection (power grows with n);
  None when even ``limit`` does not. 0.1–0.3 s for a five-point ladder.
- ``ladder_spread``: a stated default when no earlier answers exist: shares falling by a constant ratio
  from the top of the ladder, with the given mean score.

>>> plan = score_power_sample_size(values=[100, 80, 60, 40], shares=[87, 10, 2, 1], target=95, scale=(20, 100))
>>> plan.n, plan.power >= 0.8, round(plan.score, 1)
(381, True, 96.6)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _checks
from .score_bounds import cdf

DRAWS = 1000
SEED = 20240813
LIMIT = 10_000
METHOD = "seeded simulation of Gaffke's one-sided lower bound (score_bounds)"


@dataclass(frozen=True)
class ScorePowerPlan:
    """The planned n (None if no n ≤ ``limit`` reaches ``goal_power``) and the power it gives (at ``limit``
    when n is None), for answers spread as ``shares`` (fractions, summing to 1) over ``values``."""

    n: int | None
    values: tuple[float, ...]
    shares: tuple[float, ...]
    score: float                # the assumed mean score
    target: float
    power: float
    goal_power: float
    confidence_level: float
    population: int | None
    limit: int
    draws: int
    method: str = METHOD


def _distribution(values, shares, scale):
    low_end, high_end = _checks.scale(scale)
    try:
        x = np.asarray(values, dtype=float).ravel()
        p = np.asarray(shares, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError("values and shares must be numbers") from None
    if x.size == 0 or x.size != p.size:
        raise ValueError(f"values ({x.size}) and shares ({p.size}) must be non-empty and of one length")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(p)) and np.all(p >= 0) and p.sum() > 0):
        raise ValueError("shares must be numbers ≥ 0 with a positive total, values finite numbers")
    if x.min() < low_end or x.max() > high_end:
        raise ValueError(f"values must lie on the scale {low_end:g}–{high_end:g}")
    # one canonical form (ascending distinct values with a share), so a ladder listed top first with a 0 % rung
    # and the same answers as a histogram draw the same samples
    x, inverse = np.unique(x, return_inverse=True)
    p = np.bincount(inverse.ravel(), weights=p, minlength=x.size)
    keep = p > 0
    return x[keep], p[keep] / p.sum(), low_end, high_end


def _met_share(n, x, p, target, low_end, level, population, draws, seed) -> float:
    """The share of ``draws`` seeded samples of n answers whose verdict is "met"."""
    rng = np.random.default_rng([seed, n])
    if population is None:
        counts = rng.multinomial(n, p, size=draws).astype(float)
    else:
        if n >= population:
            return float(np.dot(x, p) >= target)  # a census: the population's own mean
        colours = np.floor(p * population + 0.5).astype(np.int64)
        colours[np.argmax(colours)] += population - int(colours.sum())   # whole answers adding up to N
        counts = rng.multivariate_hypergeometric(colours, n, size=draws).astype(float)
    if n == 1 or target <= low_end:
        return float(target <= low_end)             # one answer: the bound is the scale's bottom
    xs = np.append(x, low_end)                      # Gaffke's pseudo answer at the bottom of the scale
    cs = np.column_stack([counts, np.ones(draws)])
    met = cdf(xs, cs, np.full(draws, float(target))) <= 1.0 - level
    if population is not None:                      # what the sample makes certain about the population
        certain = (counts @ x + (population - n) * low_end) / population
        met |= certain >= target
    return float(met.mean())


def score_power(n, *, values, shares, target, scale, confidence_level=0.95, population=None, draws=DRAWS,
                seed=SEED) -> float:
    """The chance that n answers, spread as ``shares`` over ``values``, make the score verdict "met".

    >>> round(score_power(694, values=[100, 80, 60, 40], shares=[80, 17, 2, 1], target=95, scale=(20, 100)), 2)
    0.07
    """
    size = _checks.count(n, "n")
    if size == 0:
        raise ValueError("n must be positive, got 0")
    x, p, low_end, _ = _distribution(values, shares, scale)
    level = _checks.confidence_level(confidence_level)
    total = _checks.population(population)
    return _met_share(min(size, total or size), x, p, float(target), low_end, level, total,
                      _checks.count(draws, "draws"), seed)


def score_power_sample_size(*, values, shares, target, scale, power=0.8, confidence_level=0.95, population=None,
                            limit=LIMIT, draws=DRAWS, seed=SEED) -> ScorePowerPlan:
    """The fewest answers whose score verdict is "met" with probability ≥ ``power`` (``score_power``)."""
    x, p, low_end, _ = _distribution(values, shares, scale)
    goal_power = _checks.fraction(power, "power")
    level = _checks.confidence_level(confidence_level)
    total = _checks.population(population)
    top = min(_checks.count(limit, "limit"), total or limit)
    count = _checks.count(draws, "draws")
    goal = float(target)

    def at(n):
        return _met_share(n, x, p, goal, low_end, level, total, count, seed)

    def plan(n, reached):
        return ScorePowerPlan(n, tuple(float(v) for v in x), tuple(float(s) for s in p), float(np.dot(x, p)), goal,
                              reached, goal_power, level, total, top, count)

    if top < 1:
        raise ValueError("limit must be positive, got 0")
    if float(np.dot(x, p)) <= goal:
        return plan(None, at(top))
    # below the fewest answers that, all at the top value, show the target (Clopper–Pearson's α^(1/n)), the
    # power is 0: start there and double, then bisect (power grows with n)
    highest = float(x[p > 0].max())
    reach = (goal - low_end) / (highest - low_end)
    low = 0 if reach <= 0 else top if reach >= 1 else max(0, math.ceil(math.log(1 - level) / math.log(reach)) - 1)
    if total is not None and low >= total:
        low = total - 1                      # a census shows what its mean shows
    high = min(top, max(2 * low, 1))
    reached = at(high)
    while reached < goal_power and high < top:
        low, high = high, min(top, 2 * high)
        reached = at(high)
    if reached < goal_power:
        return plan(None, reached)
    while high - low > 1:                    # power(low) < goal (or low below every sample), power(high) ≥ goal
        middle = (low + high) // 2
        value = at(middle)
        if value >= goal_power:
            high, reached = middle, value
        else:
            low = middle
    return plan(high, reached)


def ladder_spread(values, score) -> tuple[float, ...]:
    """Shares over ``values`` (any order) falling by one ratio r from the top value down (r⁰, r¹, r², …,
    normalised) whose mean is ``score``: a stated assumption when no answers are known yet.

    >>> [round(s, 3) for s in ladder_spread([100, 80, 60, 40, 20], 97)]
    [0.869, 0.114, 0.015, 0.002, 0.0]
    """
    x = np.asarray(values, dtype=float).ravel()
    order = np.argsort(-x, kind="stable")
    ranked = x[order]
    if not ranked.size or not ranked[-1] < float(score) < ranked[0]:
        raise ValueError(f"score must lie strictly between the lowest and highest value, got {score!r}")

    def shares(r):
        w = r ** np.arange(ranked.size)
        return w / w.sum()

    low, high = 0.0, 1.0
    while float(np.dot(ranked, shares(high))) > score:      # a ratio above 1 puts weight at the bottom
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if float(np.dot(ranked, shares(middle))) > score else (low, middle)
    out = np.empty(ranked.size)
    out[order] = shares((low + high) / 2)
    return tuple(float(s) for s in out)
