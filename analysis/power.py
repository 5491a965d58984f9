"""Planning by power: how many answers show "rate ≥ target" with the exact one-sided test?

The verdict "met" (``targets.target_test``) needs the one-sided lower confidence bound to reach the
target. For a sample of n answers this happens exactly when the satisfied count x reaches
``min_successes_to_show(n, target=…)``; the *power* at a true rate p is the chance of that count.

- Without a population (sampling with replacement, or N much larger than n): the one-sided
  Clopper–Pearson lower bound Beta⁻¹(α; x, n − x + 1) (as ``intervals.bounds`` computes it, so the
  count agrees with ``target_test``'s verdict), power = P(Binomial(n, p) ≥ x_min).
- With a population of N (the sample drawn without replacement): the exact hypergeometric test. With
  K_goal = ceil(target·N) (the smallest satisfied count in the population whose share reaches the
  target; target·N rounded to 9 decimals first, so 0.95 × 1000 gives 950), "met" iff
  P(X ≥ x | Hypergeometric(N, K_goal − 1, n)) ≤ α, α = 1 − confidence_level: H0 "at most K_goal − 1
  satisfied in the population" is rejected. Equivalently the exact one-sided lower confidence bound
  of the population count, K_L = min{K : P(X ≥ x | N, K, n) > α}, is ≥ K_goal, i.e. K_L/N ≥ target.
  Power = P(X ≥ x_min) with round(p·N) satisfied in the population (halves rounded up).

The hypergeometric tail is summed here (from one log-pmf, by the ratio of successive terms): it
agrees with exact rational arithmetic to ~1e-12 up to N = 10⁹, where ``scipy.stats.hypergeom`` is
off by ~1e-7 and takes ~1 s per 10⁴ sample sizes (tests/test_analysis_power.py checks against both).

Exact power is saw-toothed in n (it drops each time x_min steps up), so ``power_sample_size`` gives
the smallest n from which the power stays at or above the goal for every larger n up to ``limit``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from . import _checks
from .intervals import bounds, z_value

METHOD = "exact binomial (one-sided Clopper–Pearson lower bound)"
METHOD_POPULATION = "exact hypergeometric (one-sided test of the population count)"
LIMIT = 10_000
_TINY = 1e-17  # a tail sum stops when its next term is below this share of the sum


@dataclass(frozen=True)
class PowerPlan:
    """The planned n (None if no n ≤ ``limit`` reaches ``goal_power``) and the power it gives.

    ``power`` is the power at n/design_effect answers of a simple random sample (at n itself when
    design_effect is 1); when n is None, the power at ``limit``.
    """

    n: int | None
    expected_rate: float
    target: float
    power: float
    goal_power: float
    confidence_level: float
    design_effect: float
    population: int | None
    limit: int
    method: str


def min_successes_to_show(n, *, target, confidence_level=0.95, population=None) -> int | None:
    """Smallest satisfied count x of n whose one-sided lower bound reaches ``target`` (None if x = n cannot).

    Without ``population``: Clopper–Pearson, the count from which ``target_test`` says "met". With a
    population N: the exact hypergeometric test of the module docstring.

    >>> min_successes_to_show(100, target=0.9), min_successes_to_show(50, target=0.95)
    (96, None)
    """
    size = _size(n)
    goal, level = _checks.fraction(target, "target"), _checks.confidence_level(confidence_level)
    N = _checks.population(population, size)
    x = _x_min(np.array([size]), goal, level, N)[0]
    return None if x > size else int(x)


def target_power(n, *, true_rate, target, confidence_level=0.95, population=None) -> float:
    """Probability that n answers give the verdict "met" (lower bound ≥ target) at a true rate.

    >>> round(target_power(1332, true_rate=0.96, target=0.95), 2)
    0.52
    """
    size = _size(n)
    p = _checks.fraction(true_rate, "true_rate", closed=True)
    goal, level = _checks.fraction(target, "target"), _checks.confidence_level(confidence_level)
    N = _checks.population(population, size)
    return float(_power(np.array([size]), p, goal, level, N)[0])


def max_provable_rate(n, *, confidence_level=0.95, population=None) -> float:
    """The one-sided lower bound when all n answers are satisfied: no target above it can be shown.

    Clopper–Pearson α^(1/n) without a population; K_L/N with one (see the module docstring).

    >>> round(max_provable_rate(50), 4)
    0.9418
    """
    size = _size(n)
    level = _checks.confidence_level(confidence_level)
    N = _checks.population(population, size)
    if N is None:
        return bounds(size, size, level, "clopper-pearson", "greater")[0]
    alpha = 1.0 - level
    low, high = size - 1, N          # P(X ≥ n | K) is 0 at K = n − 1 and 1 at K = N
    while high - low > 1:
        mid = (low + high) // 2
        if hypergeometric_sf(np.array([size]), np.array([size]), N, mid)[0] > alpha:
            high = mid
        else:
            low = mid
    return high / N


def power_sample_size(*, expected_rate, target, power=0.8, confidence_level=0.95, design_effect=1.0,
                      population=None, limit=LIMIT) -> PowerPlan:
    """Answers needed so that "met" comes with probability ≥ ``power`` when the true rate is ``expected_rate``.

    Power is saw-toothed in n, so n is the smallest size from which the power stays ≥ ``power`` for
    every larger size up to ``limit`` (with a population N, up to min(limit, N)). A design effect
    deff > 1 plans n_srs for a simple random sample and asks for n = ceil(deff·n_srs) (so that the
    effective size n/deff is n_srs), at most N.

    >>> plan = power_sample_size(expected_rate=0.97, target=0.95)
    >>> plan.n, round(plan.power, 3)
    (694, 0.851)
    """
    p = _checks.fraction(expected_rate, "expected_rate")
    goal = _checks.fraction(target, "target")
    goal_power = _checks.fraction(power, "power")
    level = _checks.confidence_level(confidence_level)
    if isinstance(design_effect, bool) or not isinstance(design_effect, numbers.Real) \
            or not math.isfinite(design_effect) or design_effect < 1:
        raise ValueError(f"design_effect must be a number of at least 1 (below 1 would plan fewer answers than a"
                         f" simple random sample needs), got {design_effect!r}")
    deff = float(design_effect)
    top = _size(limit, "limit")
    N = _checks.population(population)
    if p <= goal:
        raise ValueError(f"expected_rate ({p:g}) must exceed target ({goal:g}): at a true rate at or below the "
                         f"target the verdict 'met' comes with probability at most 1 − confidence_level")
    sizes = np.arange(1, (top if N is None else min(top, N)) + 1)
    powers = _power(sizes, p, goal, level, N)
    short = np.flatnonzero(powers < goal_power)
    if short.size and short[-1] == sizes.size - 1:
        return PowerPlan(None, p, goal, float(powers[-1]), goal_power, level, deff, N, top, _method(N))
    first = short[-1] + 1 if short.size else 0
    n = math.ceil(round(deff * int(sizes[first]), 9))
    n = n if N is None else min(n, N)
    return PowerPlan(n, p, goal, float(powers[first]), goal_power, level, deff, N, top, _method(N))


def _method(N):
    return METHOD if N is None else METHOD_POPULATION


def _size(value, name="n") -> int:
    size = _checks.count(value, name)
    if size == 0:
        raise ValueError(f"{name} must be positive, got 0")
    return size


def _goal_count(target: float, N: int) -> int:
    """K_goal: the fewest satisfied in a population of N whose share reaches ``target``."""
    return math.ceil(round(target * N, 9))


def _power(sizes, p, target, level, N):
    """Power at each sample size in ``sizes`` (an int array)."""
    x = _x_min(sizes, target, level, N)
    if N is None:
        return stats.binom.sf(x - 1, sizes, p)
    return hypergeometric_sf(x, sizes, N, math.floor(round(p * N, 9) + 0.5))


def _x_min(sizes, target, level, N):
    """min_successes_to_show for each size (an int array), n + 1 where none shows the target.

    The search starts at a normal-approximation guess and steps to the first x whose test says
    "met"; the test is monotone in x, so the answer is exact whatever the guess.
    """
    alpha = 1.0 - level
    sizes = np.asarray(sizes, dtype=np.int64)
    if N is None:
        def met(x, n):
            inside = (x >= 1) & (x <= n)
            xs, ns = np.where(inside, x, 1), np.where(inside, n, 1)
            return np.where(inside, special.betaincinv(xs, ns - xs + 1, alpha) >= target, x > n)
        share, fpc = target, 1.0
    else:
        k0 = _goal_count(target, N) - 1

        def met(x, n):
            return np.where(x <= 0, False, np.where(x > n, True, hypergeometric_sf(x, n, N, k0) <= alpha))
        share, fpc = k0 / N, np.sqrt(np.maximum(N - sizes, 0) / max(N - 1, 1))
    spread = np.sqrt(sizes * share * (1 - share)) * fpc
    guess = np.ceil(sizes * share + z_value(level, "greater") * spread + 0.5).astype(np.int64)
    x = np.clip(guess, 1, sizes + 1)
    ok = met(x, sizes)
    lanes = np.flatnonzero(ok)         # x shows the target: step down while x − 1 does too
    while lanes.size:
        lanes = lanes[met(x[lanes] - 1, sizes[lanes])]
        x[lanes] -= 1
    lanes = np.flatnonzero(~ok)        # x does not: step up until it does
    while lanes.size:
        x[lanes] += 1
        lanes = lanes[~met(x[lanes], sizes[lanes])]
    return x


def _log_pmf(k, n, N, K):
    """log P(X = k) for X ~ Hypergeometric(N, K, n); int arrays k, n inside the support, n ≤ N.

    C(n, k)·K(K − 1)…(K − k + 1)·(N − K)…(N − K − n + k + 1) / (N(N − 1)…(N − n + 1)), each factor
    divided by N: the prefix sums of their logs stay small, so the result keeps ~1e-12 absolute
    accuracy even at N = 10⁹ (log-gamma differences there lose 1e-6).
    """
    i = np.arange(int(n.max()))
    def prefix(factors):
        return np.concatenate(([0.0], np.cumsum(np.log(np.maximum(factors, 1) / N))))
    ones = np.ones_like(k)
    log_choose = -np.log1p(n.astype(float)) - special.betaln((n - k + ones).astype(float), (k + ones).astype(float))
    return log_choose + prefix(K - i)[k] + prefix(N - K - i)[n - k] - prefix(N - i)[n]


def hypergeometric_sf(x, n, N, K):
    """P(X ≥ x) for X ~ Hypergeometric(N in the population, K of them satisfied, n drawn); arrays x, n.

    Sums the shorter-tailed side from its first term by the ratio of successive terms: upward from x
    when x lies above the mode, else 1 − the sum downward from x − 1. Terms fall away from the mode,
    so a sum stops once a term is below 1e-17 of it.
    """
    x, n = np.broadcast_arrays(np.asarray(x, dtype=np.int64), np.asarray(n, dtype=np.int64))
    lo, hi = np.maximum(0, n - (N - K)), np.minimum(n, K)
    out = np.where(x <= lo, 1.0, 0.0)
    todo = np.flatnonzero((x > lo) & (x <= hi))
    if not todo.size:
        return out
    xs, ns = x[todo], n[todo]
    mode = np.floor((ns + 1) * ((K + 1) / (N + 2)))  # float: no overflow for any N
    up = xs > mode
    start = np.where(up, xs, xs - 1)
    term = np.exp(_log_pmf(start, ns, N, K))
    k, nf, Kf, rest = start.astype(float), ns.astype(float), float(K), float(N - K)
    total = term.copy()
    end = np.where(up, hi[todo], lo[todo]).astype(float)
    live = np.flatnonzero(k != end)
    while live.size:
        kk, nn, u = k[live], nf[live], up[live]
        ratio = np.where(u, (Kf - kk) * (nn - kk) / ((kk + 1) * (rest - nn + kk + 1)),
                         kk * (rest - nn + kk) / np.maximum((Kf - kk + 1) * (nn - kk + 1), 1.0))
        k[live] = kk + np.where(u, 1.0, -1.0)
        term[live] *= ratio
        total[live] += term[live]
        live = live[(k[live] != end[live]) & (term[live] >= _TINY * total[live])]
    out[todo] = np.where(up, total, 1.0 - total)
    return np.clip(out, 0.0, 1.0)
