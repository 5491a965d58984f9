"""The satisfaction *score* (满意度得分): the mean of the points each answer earns on a ladder.

The ladder is the caller's (e.g. A..E = 100/80/60/40/20). Intervals:

- ``"t"``: mean ± t(1 − α/2, n − 1) · sd/√n (× √((N − n)/(N − 1)) with a population N), then
  intersected with the ladder's range: near the ceiling the plain t interval passes 100.
- ``"gaffke"``: the two one-sided Gaffke bounds of ``analysis.score_bounds``, each at (1 + level)/2:
  valid in finite samples for any answers on the ladder (the app and the command line use it, so the
  interval shown and the verdict's bound come from one method).
- ``"bca"`` / ``"percentile"``: ``scipy.stats.bootstrap`` with the caller's ``rng`` (required).

All-equal answers give a zero-width interval at the score (never NaN). A single answer gives the
whole ladder range: one answer says nothing about spread.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from . import _checks
from .intervals import Interval, WithInterval
from .score_bounds import score_bounds

METHODS = ("t", "gaffke", "bca", "percentile")


@dataclass(frozen=True)
class ScoreResult(WithInterval):
    """``score`` (on the ladder's scale) with ``ci``; ``scale`` is the ladder's (min, max)."""

    score: float
    ci: Interval
    n: int
    method: str
    confidence_level: float
    sd: float
    se: float
    scale: tuple[float, float]
    clipped: bool = False
    population: int | None = None
    histogram: tuple[tuple[float, int], ...] = ()  # (value, count) of the answers, for score_bounds


def satisfaction_score(counts, *, points, confidence_level=0.95, method="t", population=None, rng=None,
                       n_resamples=9999):
    """Weighted score Σ count·points / n with its interval.

    >>> s = satisfaction_score({"A": 46, "B": 2, "C": 2}, points={"A": 100, "B": 80, "C": 60, "D": 40, "E": 20})
    >>> round(s.score, 9), round(s.ci.low, 6), s.ci.high
    (97.6, 95.126424, 100.0)
    """
    checked = _checks.counts(counts)
    ladder = _ladder(points)
    missing = [code for code, c in checked.items() if c and code not in ladder]
    if missing:
        raise ValueError(f"points gives no value for option(s) {', '.join(map(repr, missing))}")
    values = np.repeat([ladder[code] for code, c in checked.items() if c],
                       [c for c in checked.values() if c])
    return score_interval(values, scale=_scale(ladder), confidence_level=confidence_level, method=method,
                          population=population, rng=rng, n_resamples=n_resamples)


def composite_score(responses, *, points, weights=None, confidence_level=0.95, method="t", population=None,
                    rng=None, n_resamples=9999):
    """Per-respondent weighted composite over several items, then the score interval.

    ``responses`` is a sequence of respondents, each a mapping item -> option code (an item left out
    or mapped to None is unanswered). ``points`` is one ladder for every item or a mapping
    item -> ladder; ``weights`` maps item -> weight (default: equal). A respondent's composite is
    Σ w_j·points_j / Σ w_j over the items they answered; respondents who answered none are left out.
    The interval is that of the composites' mean, never an average of item intervals.
    """
    rows = list(responses)
    if not rows:
        raise ValueError("responses is empty (n = 0)")
    items = list(dict.fromkeys(item for row in rows for item in row))
    ladders = _ladders(points, items)
    weight = _weights(weights, items)
    values = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise ValueError(f"responses[{i}] must map item -> option code, got {type(row).__name__}")
        total = wsum = 0.0
        for item, code in row.items():
            if code is None:
                continue
            if code not in ladders[item]:
                raise ValueError(f"responses[{i}][{item!r}] = {code!r} has no points on its ladder")
            total += weight[item] * ladders[item][code]
            wsum += weight[item]
        if wsum > 0:
            values.append(total / wsum)
    if not values:
        raise ValueError("no respondent answered a weighted item (n = 0)")
    lows = [_scale(ladders[item])[0] for item in items if weight[item] > 0]
    highs = [_scale(ladders[item])[1] for item in items if weight[item] > 0]
    return score_interval(np.asarray(values, dtype=float), scale=(min(lows), max(highs)),
                          confidence_level=confidence_level, method=method, population=population, rng=rng,
                          n_resamples=n_resamples)


def score_interval(values, *, scale, confidence_level=0.95, method="t", population=None, rng=None,
                   n_resamples=9999):
    """Mean of per-respondent ``values`` with its interval, clipped to ``scale`` = (min, max)."""
    level = _checks.confidence_level(confidence_level)
    _checks.method(method, METHODS)
    x = np.asarray(values, dtype=float)
    n = int(x.size)
    if n == 0:
        raise ValueError("no answers (n = 0)")
    low_end, high_end = float(scale[0]), float(scale[1])
    if not (math.isfinite(low_end) and math.isfinite(high_end) and low_end < high_end):
        raise ValueError(f"scale must be (min, max) with min < max, got {scale!r}")
    slack = 1e-9 * (high_end - low_end)  # a weighted composite of 100s may come out 100.00000000000001
    if not np.all(np.isfinite(x)) or np.any((x < low_end - slack) | (x > high_end + slack)):
        raise ValueError(f"every value must be a number on the scale {scale!r} (a NaN or a value off the ladder)")
    x = np.clip(x, low_end, high_end)
    size = _checks.population(population, n)
    if method not in ("t", "gaffke"):
        if size is not None:
            raise ValueError(f"population= is supported with method='t' only, not {method!r}")
        if rng is None:
            raise ValueError(f"method={method!r} is random: pass rng=np.random.default_rng(seed)")
    all_equal = bool(np.all(x == x[0]))
    mean = float(x[0]) if all_equal else float(x.mean())
    sd = 0.0 if all_equal else float(x.std(ddof=1))
    se = sd / math.sqrt(n) * _checks.fpc_factor(n, size)
    distinct, counts = np.unique(x, return_counts=True)
    if n == 1:
        low, high = low_end, high_end
    elif method == "gaffke":   # answers all alike still get an honest bound (50 × 100 → 95.35 at 95 %)
        bounds = score_bounds(distinct, counts, scale=(low_end, high_end), confidence_level=0.5 + level / 2,
                              population=size)
        low, high = bounds.low, bounds.high
    elif all_equal or se == 0.0:
        low = high = mean
    elif method == "t":
        half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
        low, high = mean - half, mean + half
    else:
        generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        boot = stats.bootstrap((x,), np.mean, n_resamples=n_resamples, method=method.upper()
                               if method == "bca" else "percentile", confidence_level=level, rng=generator)
        low, high = float(boot.confidence_interval.low), float(boot.confidence_interval.high)
    clipped = low < low_end or high > high_end
    ci = Interval(max(low, low_end), min(high, high_end))
    histogram = tuple(zip(distinct.tolist(), counts.tolist()))
    return ScoreResult(mean, ci, n, method, level, sd, se, (low_end, high_end), clipped, size, histogram)


def _ladder(points) -> dict:
    if not isinstance(points, Mapping) or not points:
        raise ValueError("points must map option codes to numbers, e.g. {'A': 100, 'B': 80, ...}")
    ladder = {}
    for code, value in points.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"points[{code!r}] must be a number, got {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"points[{code!r}] must be finite, got {value!r}")
        ladder[code] = number
    return ladder


def _scale(ladder) -> tuple[float, float]:
    return min(ladder.values()), max(ladder.values())


def _ladders(points, items) -> dict:
    if isinstance(points, Mapping) and points and all(isinstance(v, Mapping) for v in points.values()):
        missing = [item for item in items if item not in points]
        if missing:
            raise ValueError(f"points gives no ladder for item(s) {', '.join(map(repr, missing))}")
        return {item: _ladder(points[item]) for item in items}
    ladder = _ladder(points)
    return {item: ladder for item in items}


def _weights(weights, items) -> dict:
    if weights is None:
        return {item: 1.0 for item in items}
    if not isinstance(weights, Mapping):
        raise ValueError("weights must map item -> weight")
    result = {}
    for item in items:
        w = weights.get(item, 0.0)
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not math.isfinite(w) or w < 0:
            raise ValueError(f"weights[{item!r}] must be a non-negative number, got {w!r}")
        result[item] = float(w)
    if not any(result.values()):
        raise ValueError("weights are all zero")
    return result
