"""Sample planning and clustering: sample size, margin of error, design effect.

- ``sample_size``: n0 = z²·p(1 − p)/e², times the design effect, then Cochran's finite-population
  correction n = n0/(1 + (n0 − 1)/N); the ceiling is taken after rounding to 9 decimals, so that
  1067.0000000000002 (binary noise) asks for 1067 people, not 1068. With ``target`` instead of
  ``margin``: the n whose exact one-sided test shows the target with the given power (``analysis.power``).
- ``score_sample_size``: the same for a score (满意度得分) within ± a margin in 分: n0 = z²·s²/e², s the standard
  deviation of the answers' points under an assumed spread over the ladder (``score_spread``), then the design
  effect and the finite-population correction as above (a normal approximation, as the rate's Wald form).
- ``margin_of_error``: the inverse, z·√(p(1 − p)/n) (× √((N − n)/(N − 1)) with N).
- ``design_effect``: 1 + (m − 1)·ICC for clusters of m answers with intra-cluster correlation ICC.
- ``cluster_design_effect``: the design effect estimated from answers grouped by collection point
  (ratio estimator, between-cluster variance), the effective sample size n/deff and the rate's
  interval computed from it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

from . import _checks
from .intervals import METHODS, Interval, bounds, z_value
from .power import power_sample_size


def sample_size(*, expected_rate, margin=None, target=None, power=None, confidence_level=0.95, design_effect=1.0,
                population=None) -> int:
    """Answers needed to estimate a rate near ``expected_rate`` within ± ``margin``, or to show ``target``.

    Give exactly one of ``margin`` (precision: the Wald form of the module docstring) or ``target``
    (power, default 0.8, of the exact one-sided test "rate ≥ target" when the true rate is
    ``expected_rate``: ``power.power_sample_size``, which also gives the power reached; a ValueError
    when no n up to 10,000 reaches it). Rates are fractions.

    >>> sample_size(expected_rate=0.5, margin=0.03)
    1068
    >>> sample_size(expected_rate=0.9, margin=0.05, population=500)
    109
    >>> sample_size(expected_rate=0.97, target=0.95)
    694
    """
    if (margin is None) == (target is None):
        raise ValueError("give exactly one of margin (plan for precision) or target (plan for power)")
    if target is not None:
        plan = power_sample_size(expected_rate=expected_rate, target=target, power=0.8 if power is None else power,
                                 confidence_level=confidence_level, design_effect=design_effect, population=population)
        if plan.n is None:
            raise ValueError(f"no sample size up to {plan.limit} reaches power {plan.goal_power:g} "
                             f"(at n = {plan.limit} it is {plan.power:.3f}); see power_sample_size(limit=...)")
        return plan.n
    if power is not None:
        raise ValueError("power applies to planning for a target, not to a margin")
    p = _checks.fraction(expected_rate, "expected_rate")
    e = _checks.fraction(margin, "margin")
    level = _checks.confidence_level(confidence_level)
    deff = _positive(design_effect, "design_effect")
    if deff < 1:
        raise ValueError(f"design_effect must be at least 1 (below 1 would plan fewer answers than a simple random"
                         f" sample needs, which no estimate here allows), got {design_effect!r}")
    size = _checks.population(population)
    z = z_value(level)
    n = z * z * p * (1 - p) / (e * e) * deff
    if size is not None:
        n = n / (1 + (n - 1) / size)
    return max(1, math.ceil(round(n, 9)))


def score_spread(values, shares) -> tuple[float, float]:
    """(mean, standard deviation) of the points ``values`` answered in proportion to ``shares`` (any positive total).

    >>> score_spread([100, 80, 60], [92, 4, 4])
    (97.6, 8.616263691415206)
    """
    try:
        xs, ps = [float(v) for v in values], [float(s) for s in shares]
    except (TypeError, ValueError):
        raise ValueError("values and shares must be numbers") from None
    if not xs or len(xs) != len(ps) or not all(map(math.isfinite, xs + ps)) or min(ps) < 0 or sum(ps) <= 0:
        raise ValueError("values and shares must be finite numbers of one length, shares ≥ 0 with a positive total")
    total = sum(ps)
    mean = sum(x * p for x, p in zip(xs, ps)) / total
    return mean, math.sqrt(sum(p * (x - mean) ** 2 for x, p in zip(xs, ps)) / total)


def score_sample_size(*, values, shares, margin, confidence_level=0.95, design_effect=1.0, population=None) -> int:
    """Answers needed to estimate a score within ± ``margin`` 分 when the answers spread as ``shares`` over the
    points ``values``: z²·s²/e² (``score_spread``'s s), times the design effect, with Cochran's correction for N.

    >>> score_sample_size(values=[100, 80, 60], shares=[92, 4, 4], margin=2)
    72
    >>> score_sample_size(values=[100, 80, 60], shares=[92, 4, 4], margin=2, population=100)
    42
    """
    _, sd = score_spread(values, shares)
    e = _positive(margin, "margin")
    level = _checks.confidence_level(confidence_level)
    deff = _positive(design_effect, "design_effect")
    if deff < 1:
        raise ValueError(f"design_effect must be at least 1, got {design_effect!r}")
    size = _checks.population(population)
    z = z_value(level)
    n = z * z * sd * sd / (e * e) * deff
    if size is not None:
        n = n / (1 + (n - 1) / size)
    return max(1, math.ceil(round(n, 9)))


def margin_of_error(*, rate, n, confidence_level=0.95, population=None) -> float:
    """Wald half-width z·√(p(1 − p)/n), times √((N − n)/(N − 1)) when the population N is given."""
    p = _checks.fraction(rate, "rate", closed=True)
    size_n = _checks.count(n, "n")
    if size_n == 0:
        raise ValueError("n must be positive, got 0")
    level = _checks.confidence_level(confidence_level)
    size = _checks.population(population, size_n)
    return z_value(level) * math.sqrt(p * (1 - p) / size_n) * _checks.fpc_factor(size_n, size)


def design_effect(*, cluster_size, icc) -> float:
    """Kish's design effect 1 + (m − 1)·ICC for an average cluster size m."""
    m = _positive(cluster_size, "cluster_size")
    if m < 1:
        raise ValueError(f"cluster_size must be at least 1, got {cluster_size!r}")
    if isinstance(icc, bool) or not isinstance(icc, numbers.Real) or not -1 <= icc <= 1:
        raise ValueError(f"icc must lie in [-1, 1], got {icc!r}")
    return 1 + (m - 1) * float(icc)


@dataclass(frozen=True)
class ClusterDesign:
    """Rate over all groups, the estimated design effect and the interval from n/deff.

    ``design_effect`` is the estimate as computed (it can fall below 1 when groups are more alike
    than chance); the interval uses max(1, deff) so it never claims more precision than a simple
    random sample of the same size.
    """

    rate: float
    ci: Interval
    n: int
    satisfied_count: int
    groups: int
    design_effect: float
    effective_n: float
    method: str
    confidence_level: float


def cluster_design_effect(groups, *, confidence_level=0.95, method="wilson") -> ClusterDesign:
    """Design effect of a rate collected at several points (e.g. QR codes at different windows).

    ``groups`` maps collection point -> (satisfied_count, n). With p = Σx/Σm over k groups,
    Var_cluster = k/(k − 1)·Σ(x_i − p·m_i)²/(Σm)² and Var_srs = p(1 − p)/n; deff = their ratio.
    """
    if not isinstance(groups, Mapping) or len(groups) < 2:
        raise ValueError("groups must map at least 2 collection points to (satisfied_count, n)")
    level = _checks.confidence_level(confidence_level)
    _checks.method(method, METHODS)
    pairs = []
    for name, pair in groups.items():
        try:
            x_raw, m_raw = pair
        except (TypeError, ValueError):
            raise ValueError(f"groups[{name!r}] must be a pair (satisfied_count, n), got {pair!r}") from None
        x, m = _checks.count(x_raw, f"groups[{name!r}] satisfied_count"), _checks.count(m_raw, f"groups[{name!r}] n")
        if x > m:
            raise ValueError(f"groups[{name!r}]: satisfied_count ({x}) exceeds n ({m})")
        pairs.append((x, m))
    k, n = len(pairs), sum(m for _, m in pairs)
    if n == 0:
        raise ValueError("groups hold no answers (n = 0)")
    x_total = sum(x for x, _ in pairs)
    p = x_total / n
    if 0 < p < 1:
        var_cluster = k / (k - 1) * sum((x - p * m) ** 2 for x, m in pairs) / n**2
        deff = var_cluster / (p * (1 - p) / n)
    else:
        deff = 1.0                      # every answer alike: no variance to inflate
    n_eff = n / max(1.0, deff)
    low, high = bounds(p * n_eff, n_eff, level, method, "two-sided")
    return ClusterDesign(p, Interval(low, high), n, x_total, k, deff, n_eff, method, level)


def _positive(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)
