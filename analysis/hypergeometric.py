"""Exact bounds for a rate whose answers were drawn without replacement from a population of N people.

x satisfied of n answers, drawn from N people of whom K are satisfied: X ~ Hypergeometric(N, K, n). Each
bound inverts the exact hypergeometric test at a tail probability t — α for a one-sided bound at level
1 − α, α/2 for each end of a two-sided interval at level 1 − α:

- lower = min{K : P_K(X ≥ x) > t} / N   (x/N at x = 0 ... at least x/N always)
- upper = max{K : P_K(X ≤ x) > t} / N   (at most (x + N − n)/N, the rates N people can still have)

A two-sided interval's tail (α/2) is smaller than the one-sided bound's (α), so the one-sided bound that
decides a verdict (``analysis.verdicts``) always lies within the two-sided interval at the same level:
50 of 50 from N = 60 gives the two-sided 95 % interval 58/60–60/60 (96.7 %–100 %) and the one-sided 95 %
lower bound 59/60 (98.3 %). ``analysis.rates`` and ``analysis.verdicts`` read their N-aware bounds here.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .power import hypergeometric_sf

METHOD = "hypergeometric"  # a RateResult's ``method`` when its interval is the exact one of this module


def interval_text(population: int) -> str:
    """The interval's name as every page, file and command prints it: '精确超几何区间（有限总体，N = 60）'."""
    return f"精确超几何区间（有限总体，N = {population}）"


def population_sf(x: int, n: int, total: int, k: int) -> float:
    """P(X ≥ x) for X ~ Hypergeometric(N = total, K = k, n): ``power.hypergeometric_sf``, the same sum the
    planner uses (exact to ~1e-12 for any N; scipy's drifts by ~1e-7 at N ≥ 10⁷)."""
    return float(hypergeometric_sf(np.array([x]), np.array([n]), total, k)[0])


def population_bounds(x: int, n: int, total: int, level: float, alternative: str = "two-sided") -> tuple[float, float]:
    """(low, high) as fractions of N for x of n from a population of ``total``, at confidence ``level``:
    two-sided, or one-sided ("greater": the lower bound, high = 1; "less": the upper bound, low = 0).

    >>> population_bounds(50, 50, 60, 0.95)
    (0.9666666666666667, 1.0)
    >>> population_bounds(50, 50, 60, 0.95, "greater")
    (0.9833333333333333, 1.0)
    """
    tail = (1.0 - level) / 2 if alternative == "two-sided" else 1.0 - level
    k_min, k_max = x, total - (n - x)

    def first(fast, exact):
        """Smallest K in [k_min, k_max] with ``exact(K)`` true (monotone in K): found by bisection on ``fast``
        (scipy's C sum, ~1e-11 from the exact one), then settled on the exact sum, which decides. The
        exact sum costs O(√n) Python-level steps: at n = 10⁶ it took 25 s for the ~50 steps of a bisection."""
        lo, hi = k_min, k_max
        while lo < hi:
            mid = (lo + hi) // 2
            if fast(mid):
                hi = mid
            else:
                lo = mid + 1
        while lo > k_min and exact(lo - 1):
            lo -= 1
        while lo < k_max and not exact(lo):
            lo += 1
        return lo

    low, high = 0.0, 1.0
    if alternative != "less" and x > 0:
        low = first(lambda k: stats.hypergeom.sf(x - 1, total, k, n) > tail,
                    lambda k: population_sf(x, n, total, k) > tail) / total
    elif alternative != "less":
        low = k_min / total
    if alternative != "greater":
        top = k_max
        if x < n and 1.0 - population_sf(x + 1, n, total, k_max) <= tail:
            top = first(lambda k: stats.hypergeom.cdf(x, total, k, n) <= tail,
                        lambda k: 1.0 - population_sf(x + 1, n, total, k) <= tail) - 1
        high = top / total
    return low, high
