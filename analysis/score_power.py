"""Planning by power for a score: how many answers make the score verdict "met"?

The verdict on "score ≥ target" (``verdicts.score_verdict``) is "met" when Gaffke's one-sided lower bound
(``score_bounds``) reaches the target. For an assumed distribution of the answers over the ladder (shares
per value) the *power* at n answers is the chance of that. The same mean score can come from very different
spreads (87/10/2/1 % on 100/80/60/40 scores 96.6, 80/17/2/1 % scores 95.2: both 97 % top-2), so a score is
planned from a distribution, never from a rate.

- ``score_power``: the power at n, by a seeded simulation of ``draws`` samples (with replacement, or without
  from a population of N with round(share·N) answers per value). The samples are nested (common random
  numbers): each replicate is one seeded stream of answers and its sample of n is the stream's first n, so
  every n reads the same replicates one answer more at a time and the power is (near-)monotone in n, not a
  fresh ±1.3 % draw at each n (87/10/2/1: 0.811 at the planned 381 and 0.792 at 384 before). Each sample's
  verdict is the exact one of ``score_bounds``: low ≥ target iff P(R ≤ target) ≤ 1 − level for Gaffke's R
  (``score_bounds.cdf``, one vectorised characteristic-function inversion for all samples), or, with N,
  when the certain range (Σx + (N − n)·min)/N reaches the target; n ≥ N is a census (mean ≥ target).
  The seed is fixed (``seed`` and the block of answers), so the same inputs give the same power on every page
  and run.
- ``score_power_sample_size``: the smallest n ≤ ``limit`` whose simulated power reaches ``power``, found by
  doubling from the fewest answers that could show the target, then bisection (power grows with n);
  None when even ``limit`` does not. 0.1–0.3 s for a five-point ladder.
- ``ladder_spread``: a stated default when no earlier answers exist: shares falling by a constant ratio
  from the top of the ladder, with the given mean score.

>>> plan = score_power_sample_size(values=[100, 80, 60, 40], shares=[87, 10, 2, 1], target=95, scale=(20, 100))
>>> plan.n, plan.power >= 0.8, round(plan.score, 1)
(388, True, 96.6)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _checks
from .score_bounds import cdf

DRAWS = 1000
SEED = 20240813
BLOCK = 256  # answers per seeded block of the replicates' streams
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


class Answers:
    """``draws`` replicate streams of answers (indices into the ladder's values, drawn with probabilities ``p``, or
    without replacement from a population of N), made in blocks of ``BLOCK`` seeded by (``seed``, block): the first
    n answers of a stream are the same however far it is read, so ``counts(n)`` of every n are nested samples.
    A block is drawn as its counts (multinomial, or hypergeometric from what the replicate has not drawn yet) and
    put in order (a seeded random order of those answers) only when an n ends inside it: the same answers as
    drawing one at a time, at the cost of a multinomial per block."""

    def __init__(self, p, population, draws, seed):
        self.p, self.draws, self.seed = p, draws, seed
        self.left = None
        if population is not None:
            colours = np.floor(p * population + 0.5).astype(np.int64)
            colours[np.argmax(colours)] += population - int(colours.sum())   # whole answers adding up to N
            self.left = np.tile(colours, (draws, 1))                          # what each replicate has not drawn
        self.starts = [np.zeros((draws, p.size), dtype=np.int64)]   # each replicate's counts before each block
        self.ordered: dict = {}

    def _grow(self) -> None:
        rng = np.random.default_rng([self.seed, len(self.starts) - 1])
        if self.left is None:
            block = rng.multinomial(BLOCK, self.p, size=self.draws)
        else:                                       # without replacement: one value after another
            block = np.zeros_like(self.left)
            size = np.full(self.draws, min(BLOCK, int(self.left[0].sum())))
            rest = self.left.sum(axis=1)
            for c in range(self.p.size):
                rest = rest - self.left[:, c]
                block[:, c] = rng.hypergeometric(self.left[:, c], rest, size) if c < self.p.size - 1 else size
                size = size - block[:, c]
            self.left = self.left - block
        self.starts.append(self.starts[-1] + block)

    def _order(self, b: int):
        """Block ``b``'s answers in each replicate, in a seeded random order: (draws, BLOCK) value indices."""
        if b not in self.ordered:
            ends = np.cumsum(self.starts[b + 1] - self.starts[b], axis=1)[:, :-1]
            sorted_ = (np.arange(BLOCK)[None, :, None] >= ends[:, None, :]).sum(axis=2)
            self.ordered[b] = np.random.default_rng([self.seed, b, 1]).permuted(sorted_, axis=1)
        return self.ordered[b]

    def counts(self, n: int):
        """(draws, values) counts of each stream's first n answers."""
        block, rest = divmod(n, BLOCK)
        while len(self.starts) <= block + (rest > 0):
            self._grow()
        if not rest:
            return self.starts[block]
        head = self._order(block)[:, :rest]
        return self.starts[block] + (head[:, :, None] == np.arange(self.p.size)).sum(axis=1)


def _met_share(n, x, p, target, low_end, level, population, draws, answers) -> float:
    """The share of the ``draws`` nested samples of n answers (``answers``) whose verdict is "met"."""
    if population is not None and n >= population:
        return float(np.dot(x, p) >= target)  # a census: the population's own mean
    counts = answers.counts(n).astype(float)
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
    0.08
    """
    size = _checks.count(n, "n")
    if size == 0:
        raise ValueError("n must be positive, got 0")
    x, p, low_end, _ = _distribution(values, shares, scale)
    level = _checks.confidence_level(confidence_level)
    total = _checks.population(population)
    count = _checks.count(draws, "draws")
    return _met_share(min(size, total or size), x, p, float(target), low_end, level, total, count,
                      Answers(p, total, count, seed))


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
    answers = Answers(p, total, count, seed)   # one set of streams: every n searched reads the same replicates

    def at(n):
        return _met_share(n, x, p, goal, low_end, level, total, count, answers)

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
