"""Two groups compared: a difference of rates or of scores, with an interval and a p-value that agree.

- ``compare_rates``: x1/n1 − x2/n2. ``"newcombe"`` (the default) is Newcombe's hybrid score interval
  (R. G. Newcombe (1998), "Interval estimation for the difference between independent proportions:
  comparison of eleven methods", Statistics in Medicine 17, 873–890, method 10), built from the two
  Wilson intervals without continuity correction: with (lᵢ, uᵢ) the Wilson bounds of pᵢ,
  low = d − √((p₁ − l₁)² + (u₂ − p₂)²), high = d + √((u₁ − p₁)² + (p₂ − l₂)²).
  Its p-value is the smallest α whose (1 − α) interval leaves out 0 (Brent's method on the interval's
  z; the interval widens as z grows), so p < 1 − confidence_level exactly when 0 lies outside
  [low, high]; equal rates give p = 1. ``"wald"`` (p̂₁ − p̂₂ ± z·se, unpooled) and its z test are
  offered for comparison, never the default.
- ``compare_scores``: difference of mean points, Welch's t interval and two-sided Welch test (the same
  as ``scipy.stats.ttest_ind(equal_var=False)`` on the expanded answers). Both groups without spread
  give a zero-width interval at the difference and p = 1 (equal means) or 0 (different means).
- ``adjust_p_values``: Holm (the default), Benjamini–Hochberg or Bonferroni, for a family of tests
  (the rows of a breakdown), in the input's order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from . import _checks, intervals
from .intervals import Interval, z_value
from .scores import _ladder

RATE_METHODS = ("newcombe", "wald")
SCORE_METHODS = ("welch", "welch-bounded")
ADJUST_METHODS = ("holm", "bh", "bonferroni")
_Z_MAX = 40.0   # 2·Φ(−40) is below the smallest float: a gap still open there has p = 0


@dataclass(frozen=True)
class Comparison:
    """``difference`` = estimate1 − estimate2 with its two-sided interval and the matching p-value."""

    difference: float
    low: float
    high: float
    p_value: float
    estimate1: float
    estimate2: float
    n1: int
    n2: int
    method: str
    confidence_level: float

    @property
    def ci(self) -> Interval:
        return Interval(self.low, self.high)


def compare_rates(x1, n1, x2, n2, *, confidence_level=0.95, method="newcombe") -> Comparison:
    """Difference of two rates, x1/n1 − x2/n2, with its interval and two-sided p-value.

    >>> c = compare_rates(56, 70, 48, 80)   # Newcombe (1998), Table II: 0.0524 to 0.3339
    >>> round(c.difference, 4), round(c.low, 4), round(c.high, 4)
    (0.2, 0.0524, 0.3339)
    """
    a, size1 = _group(x1, n1, 1)
    b, size2 = _group(x2, n2, 2)
    level = _checks.confidence_level(confidence_level)
    _checks.method(method, RATE_METHODS)
    p1, p2 = a / size1, b / size2
    d = p1 - p2
    if method == "wald":
        se = math.sqrt(p1 * (1 - p1) / size1 + p2 * (1 - p2) / size2)
        half = z_value(level) * se
        low, high = max(-1.0, d - half), min(1.0, d + half)
        p = 1.0 if d == 0 else 0.0 if se == 0 else float(2 * special.ndtr(-abs(d) / se))
    else:
        low, high = _newcombe(a, size1, b, size2, z_value(level))
        p = _newcombe_p(a, size1, b, size2)
    return Comparison(d, low, high, p, p1, p2, size1, size2, method, level)


def _group(x, n, which):
    size = _checks.count(n, f"n{which}")
    if size == 0:
        raise ValueError(f"n{which} must be at least 1, got 0")
    count = _checks.count(x, f"x{which}")
    if count > size:
        raise ValueError(f"x{which} ({count}) must not exceed n{which} ({size})")
    return count, size


def _newcombe(x1, n1, x2, n2, z):
    """(low, high) of Newcombe's method 10 at the normal quantile z (z, not the level, so that levels
    closer to 1 than a float can say still work in the p-value's search)."""
    l1, u1 = _wilson(x1, n1, z)
    l2, u2 = _wilson(x2, n2, z)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


def _wilson(x, n, z):
    """``intervals``' Wilson bounds at z, exact at the edges as ``intervals.bounds`` makes them."""
    low, high = intervals._wilson(x, n, z)
    return (0.0 if x == 0 else max(0.0, low)), (1.0 if x == n else min(1.0, high))


def _newcombe_p(x1, n1, x2, n2):
    """Smallest α whose (1 − α) Newcombe interval leaves out 0: 2·Φ(−z*) at the z* where the near end
    reaches 0 (it moves towards 0 as z grows, since Wilson intervals nest, and passes 0 before z = ∞)."""
    if x1 / n1 == x2 / n2:
        return 1.0
    if x1 / n1 < x2 / n2:   # the upper end for (1, 2) is minus the lower end for (2, 1)
        x1, n1, x2, n2 = x2, n2, x1, n1

    def near_end(z):
        return _newcombe(x1, n1, x2, n2, z)[0]

    if near_end(_Z_MAX) > 0:
        return 0.0
    z_star = optimize.brentq(near_end, 0.0, _Z_MAX, xtol=1e-14, rtol=4 * np.finfo(float).eps)
    return float(2 * special.ndtr(-z_star))


def compare_scores(a_counts, b_counts, *, points, confidence_level=0.95, method="welch") -> Comparison:
    """Difference of two scores (mean points, a − b) with Welch's t interval and two-sided test.

    ``a_counts`` and ``b_counts`` map option code -> count; codes that ``points`` leaves out (a "not
    applicable" option) are not answers on the ladder and are ignored. Each group needs at least two
    answers on the ladder (one answer has no spread to compare).

    ``method="welch-bounded"`` (what Manyi's pages use): Welch's t with each group's variance taken from
    its answers plus one pseudo-answer at each end of the ladder (the means are the answers' own), and
    the interval clipped to the ladder's range. Satisfaction answers pile up on the top option: 12 of 12
    非常满意 has no spread, and plain Welch then treats that group's score as known exactly and calls a
    +12.7-point difference significant at p = 5e-14 while the group's own Gaffke interval reaches 78.8.
    The pseudo-answers matter at small n and vanish at large n; interval and p still come from one t.

    >>> ladder = {"A": 100, "B": 80, "C": 60}
    >>> c = compare_scores({"A": 8, "B": 2}, {"A": 4, "B": 4, "C": 2}, points=ladder)
    >>> round(c.difference, 9), round(c.p_value, 4)
    (12.0, 0.0526)
    """
    ladder = _ladder(points)
    level = _checks.confidence_level(confidence_level)
    _checks.method(method, SCORE_METHODS)
    bounded = method == "welch-bounded"
    mean1, var1, size1 = _moments(a_counts, "a_counts", ladder, bounded)
    mean2, var2, size2 = _moments(b_counts, "b_counts", ladder, bounded)
    d = mean1 - mean2
    s1, s2 = var1 / size1, var2 / size2
    if s1 + s2 == 0:   # no spread in either group: the difference is known exactly
        return Comparison(d, d, d, 1.0 if d == 0 else 0.0, mean1, mean2, size1, size2, method, level)
    se = math.sqrt(s1 + s2)
    df = (s1 + s2) ** 2 / (s1 ** 2 / (size1 - 1) + s2 ** 2 / (size2 - 1))
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se
    p = float(2 * stats.t.sf(abs(d) / se, df))
    low, high = d - half, d + half
    if bounded:  # no difference of two means on the ladder lies outside ±(its range)
        span = max(ladder.values()) - min(ladder.values())
        low, high = max(low, -span), min(high, span)
    return Comparison(d, low, high, p, mean1, mean2, size1, size2, method, level)


def _moments(counts, name, ladder, bounded=False):
    """(mean, variance with ddof 1, n) of the answers on the ladder; ``bounded``: the variance of the
    answers plus one pseudo-answer at each end of the ladder (the mean and n are the answers' own)."""
    if not isinstance(counts, Mapping):
        raise ValueError(f"{name} must map option codes to counts, got {type(counts).__name__}")
    checked = {code: _checks.count(c, f"{name}[{code!r}]") for code, c in counts.items()}
    used = [(ladder[code], c) for code, c in checked.items() if code in ladder and c]
    size = sum(c for _, c in used)
    if size < 2:
        raise ValueError(f"{name} has {size} answer(s) on the points ladder; comparing scores needs at least 2")
    values = np.array([v for v, _ in used])
    weights = np.array([c for _, c in used], dtype=float)
    mean = float(values[0]) if np.all(values == values[0]) else float(weights @ values / size)
    if bounded:
        values = np.append(values, [min(ladder.values()), max(ladder.values())])
        weights = np.append(weights, [1.0, 1.0])
        centre = float(weights @ values / (size + 2))
        return mean, float(weights @ (values - centre) ** 2 / (size + 1)), size
    if np.all(values == values[0]):
        return mean, 0.0, size
    return mean, float(weights @ (values - mean) ** 2 / (size - 1)), size


def adjust_p_values(p_values, *, method="holm") -> np.ndarray:
    """Adjusted p-values, in the input's order, capped at 1.

    - ``"holm"``: step-down, p₍ᵢ₎·(m − i + 1), made non-decreasing in the order of the p-values
      (controls the familywise error rate, never less powerful than Bonferroni);
    - ``"bh"``: Benjamini–Hochberg step-up, p₍ᵢ₎·m/i, made non-increasing from the largest down
      (controls the false discovery rate);
    - ``"bonferroni"``: p·m.

    >>> adjust_p_values([0.01, 0.04, 0.03, 0.005]).round(6).tolist()
    [0.03, 0.06, 0.06, 0.02]
    """
    _checks.method(method, ADJUST_METHODS)
    try:
        p = np.asarray(p_values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"p_values must be numbers in [0, 1], got {p_values!r}") from None
    if p.ndim != 1:
        raise ValueError(f"p_values must be a flat sequence, got an array of shape {p.shape}")
    bad = [v for v in p.tolist() if not 0 <= v <= 1]   # NaN fails both comparisons
    if bad:
        raise ValueError(f"p_values must lie in [0, 1]; got {', '.join(map(repr, bad))}")
    m = p.size
    if method == "bonferroni":
        return np.minimum(1.0, p * m)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "holm":
        adjusted = np.maximum.accumulate(np.minimum(1.0, ranked * (m - np.arange(m))))
    else:
        adjusted = np.minimum(1.0, np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1])
    result = np.empty(m)
    result[order] = adjusted
    return result
