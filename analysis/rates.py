"""The satisfaction *rate* (满意率): the share of answers whose option counts as satisfied."""

from __future__ import annotations

from dataclasses import dataclass

from . import _checks
from .intervals import METHODS, Interval, WithInterval, bounds, within_population


@dataclass(frozen=True)
class RateResult(WithInterval):
    """``rate`` = satisfied_count / n, with ``ci`` from the stated method and confidence level.

    ``effective_n`` is the sample size the interval was computed from: n itself, or
    n / design_effect × (N − 1)/(N − n) when a design effect or a population size N was given.
    """

    rate: float
    ci: Interval
    n: int
    satisfied_count: int
    satisfied: tuple
    method: str
    confidence_level: float
    alternative: str = "two-sided"
    population: int | None = None
    design_effect: float = 1.0
    effective_n: float = 0.0


def satisfaction_rate(counts, *, satisfied, confidence_level=0.95, method="wilson", population=None,
                      design_effect=1.0, alternative="two-sided"):
    """Rate of answers in ``satisfied`` among all answers in ``counts``, with its interval.

    ``counts`` maps option code -> count (codes missing from ``counts`` count as 0 answers);
    ``satisfied`` is the set of codes that count, e.g. {"A", "B"} for the top-2 box.
    With a population size N the finite-population correction is applied through the effective
    sample size n·(N − 1)/(N − n), the interval kept within the rates N people can have once x of n are
    known satisfied, [x/N, (x + N − n)/N] (a census, n = N, gives a zero-width interval); with a design
    effect (clustered collection) the effective sample size is divided by it.

    >>> r = satisfaction_rate({"A": 46, "B": 2, "C": 2, "D": 0, "E": 0}, satisfied={"A", "B"})
    >>> r.rate, r.satisfied_count, r.n, round(r.ci.low, 4)
    (0.96, 48, 50, 0.8654)
    """
    checked = _checks.counts(counts)
    if isinstance(satisfied, str):
        raise ValueError(f"satisfied must be a collection of option codes, not the string {satisfied!r}")
    codes = tuple(satisfied)
    if not codes:
        raise ValueError("satisfied names no option code")
    level = _checks.confidence_level(confidence_level)
    _checks.method(method, METHODS)
    _checks.alternative(alternative)
    n = sum(checked.values())
    size = _checks.population(population, n)
    deff = _positive(design_effect, "design_effect")
    if deff < 1:
        raise ValueError(f"design_effect must be at least 1 (a design effect below 1 would narrow the interval "
                         f"beyond a simple random sample's), got {design_effect!r}")
    x = sum(checked.get(code, 0) for code in set(codes))
    rate = x / n
    if size is not None and n >= size:          # census: no sampling error
        n_eff = float("inf")
        low = high = rate
        low = 0.0 if alternative == "less" else low
        high = 1.0 if alternative == "greater" else high
    else:
        n_eff = n / deff / _checks.fpc_factor(n, size) ** 2
        low, high = within_population(*bounds(rate * n_eff, n_eff, level, method, alternative), x, n, size)
    ordered = tuple(code for code in checked if code in set(codes)) + tuple(
        sorted((set(codes) - set(checked)), key=str))
    return RateResult(rate, Interval(low, high), n, x, ordered, method, level, alternative, size, deff, n_eff)


def _positive(value, name):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return number
