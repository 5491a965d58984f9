"""Confidence intervals for a proportion (a satisfaction *rate*).

Closed forms for Wilson, Agresti–Coull and Wald; beta quantiles (``scipy.special.betaincinv``) for
Clopper–Pearson and Jeffreys. They match ``scipy.stats.binomtest(...).proportion_ci`` and statsmodels'
``proportion_confint`` to ~1e-13 (see tests/test_analysis_intervals.py) and are far cheaper to call.

Definitions (x successes of n, z the normal quantile, one-sided intervals use the one-sided quantile):

- wilson:          (x + z²/2)/(n + z²) ± z/(n + z²) · sqrt(x(n − x)/n + z²/4)   (no continuity correction)
- wilson-cc:       Newcombe (1998) method 4, Wilson with continuity correction (scipy's ``"wilsoncc"``)
- clopper-pearson: [Beta⁻¹(α/2; x, n − x + 1), Beta⁻¹(1 − α/2; x + 1, n − x)], 0 at x = 0, 1 at x = n
- jeffreys:        Beta(x + ½, n − x + ½) quantiles α/2 and 1 − α/2, with Brown, Cai & DasGupta's (2001)
                   boundary modification: 0 at x = 0, 1 at x = n (statsmodels leaves it out, which at x = n
                   gives an upper bound below the estimate 1; DescTools' BinomCI does the same as here)
- agresti-coull:   p̃ ± z·sqrt(p̃(1 − p̃)/ñ), ñ = n + z², p̃ = (x + z²/2)/ñ, clipped to [0, 1]
- wald:            p̂ ± z·sqrt(p̂(1 − p̂)/n), clipped (offered for comparison, never the default)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from scipy import special

from . import _checks

METHODS = ("wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald", "wilson-cc")


@dataclass(frozen=True)
class Interval:
    """A plain (low, high) pair, as carried in ``result.ci``."""

    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


class WithInterval:
    """``.low`` and ``.high`` for a result that carries its interval in ``.ci``."""

    @property
    def low(self) -> float:
        return self.ci.low

    @property
    def high(self) -> float:
        return self.ci.high

    @property
    def census(self) -> bool:
        """n = N (``_checks.census``): the interval is the estimate itself, printed as 全面调查, not as an interval."""
        return _checks.census(self.n, getattr(self, "population", None))


@dataclass(frozen=True)
class ProportionInterval:
    """Estimate x/n and its interval; says how it was made."""

    estimate: float
    low: float
    high: float
    successes: int
    n: int
    method: str
    confidence_level: float
    alternative: str = "two-sided"

    @property
    def ci(self) -> Interval:
        return Interval(self.low, self.high)


@lru_cache(maxsize=64)
def z_value(confidence_level: float, alternative: str = "two-sided") -> float:
    """Normal quantile for a two-sided (1 − α/2) or one-sided (1 − α) interval."""
    alpha = 1.0 - confidence_level
    tail = alpha / 2 if alternative == "two-sided" else alpha
    return float(special.ndtri(1.0 - tail))


def proportion_interval(successes, n, *, confidence_level=0.95, method="wilson", alternative="two-sided"):
    """Interval for a proportion from ``successes`` of ``n``.

    >>> r = proportion_interval(48, 50)
    >>> round(r.low, 6), round(r.high, 6)
    (0.865399, 0.988961)

    ``alternative="greater"`` gives the one-sided lower bound (high = 1), ``"less"`` the one-sided
    upper bound (low = 0).
    """
    x, size = _checks.successes(successes, n)
    level = _checks.confidence_level(confidence_level)
    _checks.method(method, METHODS)
    _checks.alternative(alternative)
    low, high = bounds(x, size, level, method, alternative)
    return ProportionInterval(x / size, low, high, x, size, method, level, alternative)


def bounds(x: float, n: float, level: float, method: str, alternative: str) -> tuple[float, float]:
    """(low, high) for already-checked inputs; ``x`` and ``n`` may be real (effective sample sizes)."""
    if method in ("clopper-pearson", "jeffreys"):
        low, high = _beta_bounds(x, n, level, method, alternative)
    else:
        z = z_value(level, alternative)
        low, high = _CLOSED[method](x, n, z)
        low, high = max(0.0, low), min(1.0, high)
        if method in ("wilson", "wilson-cc"):
            # the closed forms are exact at the edges; don't leave 1e-17 of rounding dust
            low = 0.0 if x <= 0 else low
            high = 1.0 if x >= n else high
    if alternative == "greater":
        high = 1.0
    elif alternative == "less":
        low = 0.0
    return low, high


def _beta_bounds(x, n, level, method, alternative):
    tail = (1.0 - level) / 2 if alternative == "two-sided" else 1.0 - level
    if method == "clopper-pearson":
        low = 0.0 if x <= 0 else float(special.betaincinv(x, n - x + 1, tail))
        high = 1.0 if x >= n else float(special.betaincinv(x + 1, n - x, 1.0 - tail))
    else:   # Brown, Cai & DasGupta (2001): 0 at x = 0 and 1 at x = n, so the interval holds x/n
        a, b = x + 0.5, n - x + 0.5
        low = 0.0 if x <= 0 else float(special.betaincinv(a, b, tail))
        high = 1.0 if x >= n else float(special.betaincinv(a, b, 1.0 - tail))
    return low, high


def _wilson(x, n, z):
    z2 = z * z
    centre = (x + z2 / 2) / (n + z2)
    half = z / (n + z2) * math.sqrt(max(x * (n - x) / n, 0.0) + z2 / 4)
    return centre - half, centre + half


def _wilson_cc(x, n, z):
    p, z2, denom = x / n, z * z, 2 * (n + z * z)
    low = (2 * n * p + z2 - 1 - z * math.sqrt(max(z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1), 0.0))) / denom
    high = (2 * n * p + z2 + 1 + z * math.sqrt(max(z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1), 0.0))) / denom
    return low, high


def _agresti_coull(x, n, z):
    n_tilde = n + z * z
    p_tilde = (x + z * z / 2) / n_tilde
    half = z * math.sqrt(p_tilde * (1 - p_tilde) / n_tilde)
    return p_tilde - half, p_tilde + half


def _wald(x, n, z):
    p = x / n
    half = z * math.sqrt(p * (1 - p) / n)
    return p - half, p + half


_CLOSED = {"wilson": _wilson, "wilson-cc": _wilson_cc, "agresti-coull": _agresti_coull, "wald": _wald}
