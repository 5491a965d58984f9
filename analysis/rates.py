"""The satisfaction *rate* (满意率): the share of answers whose option counts as satisfied."""

from __future__ import annotations

from dataclasses import dataclass

from . import _checks
from . import hypergeometric
from .intervals import METHODS, Interval, WithInterval, bounds


@dataclass(frozen=True)
class RateResult(WithInterval):
    """``rate`` = satisfied_count / n, with ``ci`` from ``method`` at the confidence level: the method asked
    for, or "hypergeometric" (``analysis.hypergeometric``) when a population size N was given.

    ``effective_n`` is the sample size the interval was computed from: n itself, n / design_effect
    with a design effect, or n / design_effect × (N − 1)/(N − n) with both a design effect and N.
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
    With a population size N (answers drawn without replacement from N people) the interval is the exact
    hypergeometric one, whatever ``method`` says (``result.method`` is then "hypergeometric"): 50 of 50 from
    N = 60 gives 96.7 %–100 %, and it holds the one-sided bound a verdict reads (a census, n = N, gives a
    zero-width interval). With a design effect (clustered collection) the sample is no simple random one: the
    effective sample size is divided by it and ``method`` used, with N through the finite-population
    correction n·(N − 1)/(N − n), kept within [x/N, (x + N − n)/N].

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
    elif size is not None and deff == 1:       # a simple random sample without replacement: exact
        n_eff = float(n)
        low, high = hypergeometric.population_bounds(x, n, size, level, alternative)
        method = hypergeometric.METHOD
    else:
        n_eff = n / deff / _checks.fpc_factor(n, size) ** 2
        low, high = bounds(rate * n_eff, n_eff, level, method, alternative)
        if size is not None:                    # the rates N people can have once x of n are known satisfied
            low, high = max(low, x / size), min(high, (x + size - n) / size)
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
