"""One verdict per figure: is the figure that feeds C51 (a rate or a score) at or above its target?

Every page, file and command reads a ``Verdict`` made here, so one figure has one judgement everywhere.
A verdict is decided by one-sided bounds at ``confidence_level`` (95 % by default), both printed:

- ``"met"`` (达到预期目标): the one-sided lower bound is ≥ the target;
- ``"missed"`` (未达到预期目标): the one-sided upper bound is < the target;
- ``"unresolved"`` (按当前样本量尚不能判定): neither.

The bounds, by figure:

- a *rate* without a population size: exact one-sided Clopper–Pearson bounds (the exact binomial test);
- a *rate* with a population N (answers drawn without replacement from N people): exact hypergeometric
  bounds on the population's satisfied count K, lower = min{K : P_K(X ≥ x) > α}/N and upper =
  max{K : P_K(X ≤ x) > α}/N (the exact hypergeometric test; 25 of 25 from N = 30 against 90 % gives
  p = 0.0002, "met"); a census (n = N) has no sampling error and is judged on the rate itself;
- a *stratified rate or score* (points weighted by their share of transactions): ``analysis.strata``;
- a *score*: ``analysis.score_bounds`` (see there for the method and its simulated false-"met" rate).

The two-sided interval printed beside the bound (``ci``) uses the same corrections (N, strata) and says
so in ``interval_method``; with N it is the exact hypergeometric interval (``analysis.hypergeometric``, each
end at α/2), which always holds the one-sided bound that decides (50 of 50 from N = 60: 96.7 %–100 %, lower
bound 98.3 %); the sentence always names the one-sided bound that decides.
Edge cases: a 100 % target is "missed" once one answer falls short and otherwise "unresolved" (no sample
short of a census can show it met); n = 0 and n > N raise ValueError (there is nothing to judge, or N is
out of date); every answer not applicable is n = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from . import _checks, _text
from .hypergeometric import population_bounds, population_sf
from .intervals import Interval, bounds
from .score_bounds import score_bounds
from .scores import ScoreResult
from .targets import VERDICTS_ZH, resolving_n

EXACT = "exact binomial (one-sided Clopper-Pearson bounds)"
HYPERGEOMETRIC = "exact hypergeometric (one-sided bounds on the population count)"
HYPERGEOMETRIC_INTERVAL = "exact hypergeometric, two-sided (population N)"
STRATIFIED = "stratified, Fay-Feuer gamma bound of the weighted dissatisfied"
CENSUS = "census (n = N): no sampling error"
STRATIFIED_SCORE = "stratified, Fay-Feuer gamma bound of the weighted shortfall from the top"


@dataclass(frozen=True)
class Verdict:
    """A figure held against its target. Rates are fractions (target 0.95), scores on their ladder (95).

    ``low``/``high`` are the one-sided bounds at ``confidence_level`` that decide; ``ci`` is the
    two-sided interval at the same level shown beside them (``interval_method``).
    """

    figure: str  # "rate" or "score"
    estimate: float
    target: float
    n: int
    low: float
    high: float
    ci: Interval
    verdict: str
    confidence_level: float
    method: str
    interval_method: str
    population: int | None = None
    n_to_resolve: int | None = None
    p_value: float | None = None  # the exact test of the side that decides (rates without strata)
    scale: tuple[float, float] = (0.0, 1.0)  # the figure's range: (0, 1) for a rate, the ladder's for a score

    @property
    def verdict_zh(self) -> str:
        return VERDICTS_ZH[self.verdict]

    @property
    def census(self) -> bool:
        """Every one of the population answered (n = N, ``_checks.census``): no interval and no bound to print."""
        return _checks.census(self.n, self.population)

    @property
    def deciding(self) -> str:
        """"lower" when the estimate is at or above the target (only the lower bound can show "met"),
        else "upper" (only the upper bound can show "missed")."""
        return "lower" if self.estimate >= self.target else "upper"

    @property
    def bound(self) -> float:
        return self.low if self.deciding == "lower" else self.high


def verdict_text(verdict: Verdict) -> str:
    """The verdict as every output prints it, naming the bound that decides (rounded down, see ``formatting``):

    >>> verdict_text(rate_verdict(48, 50, target=0.95))
    '单侧 95% 置信下限 87.9%低于目标值 95%，在抽样误差范围内尚不能排除总体满意度低于目标'
    """
    return _text.verdict_clause(verdict)


def _decide(low: float, high: float, target: float) -> str:
    if low >= target:
        return "met"
    if high < target:
        return "missed"
    return "unresolved"


def rate_verdict(successes, n, *, target, confidence_level=0.95, population=None,
                 interval_method="clopper-pearson") -> Verdict:
    """The verdict on "rate ≥ target" (fractions), exact, with a population N when one is given.
    ``interval_method`` names the two-sided interval shown without N (Clopper–Pearson by default: exact, as the
    bounds, so it always holds the bound that decides; Wilson's may not at small n: 9 of 11 against 95 %,
    Wilson 52.3–94.9 % beside an exact upper bound of 96.6 %); with N it is the exact hypergeometric one.

    >>> v = rate_verdict(48, 50, target=0.95)
    >>> v.verdict, round(v.low, 4), v.n_to_resolve
    ('unresolved', 0.8794, 1332)
    >>> rate_verdict(25, 25, target=0.9, population=30).verdict
    'met'
    """
    x, size = _checks.successes(successes, n)
    goal = _checks.fraction(target, "target", closed=True)
    level = _checks.confidence_level(confidence_level)
    total = _checks.population(population, size)
    rate = x / size
    if total is not None and size >= total:
        low = high = rate
        ci, method, p_value = Interval(rate, rate), CENSUS, None
    else:
        if total is None:
            low = bounds(x, size, level, "clopper-pearson", "greater")[0]
            high = bounds(x, size, level, "clopper-pearson", "less")[1]
            method = EXACT
            p_value = _binomial_p(x, size, goal, rate >= goal)
        else:
            low = population_bounds(x, size, total, level, "greater")[0]
            high = population_bounds(x, size, total, level, "less")[1]
            method = HYPERGEOMETRIC
            p_value = _hypergeometric_p(x, size, total, goal, rate >= goal)
        ci = Interval(*(bounds(x, size, level, interval_method, "two-sided") if total is None
                        else population_bounds(x, size, total, level)))
    verdict = _decide(low, high, goal)
    needed = None
    if verdict == "unresolved" and total is None and goal < 1:
        needed = resolving_n(rate, size, goal, level)
    label = interval_method if total is None else HYPERGEOMETRIC_INTERVAL
    return Verdict("rate", rate, goal, size, low, high, ci, verdict, level, method, label, total, needed, p_value)


def _binomial_p(x, n, goal, above):
    """p-value of the side that decides: H0 rate ≤ target (shown "met") or H0 rate ≥ target."""
    if goal in (0.0, 1.0):
        return None
    return float(stats.binomtest(x, n, p=goal, alternative="greater" if above else "less").pvalue)


def _hypergeometric_p(x, n, total, goal, above):
    if above:   # H0: K ≤ ceil(goal·N) − 1, the largest count whose rate is below the target
        k0 = math.ceil(round(goal * total, 9)) - 1
        return population_sf(x, n, total, k0) if k0 >= 0 else 0.0
    k0 = math.ceil(round(goal * total, 9))   # H0: K ≥ the smallest count at the target
    return 1.0 - population_sf(x + 1, n, total, k0) if k0 <= total else 0.0


def score_verdict(score: ScoreResult, *, target, confidence_level=0.95) -> Verdict:
    """The verdict on "score ≥ target" (on the score's scale, e.g. 95 of 100) from a ``ScoreResult``.

    The bounds come from ``score_bounds`` over the answers' distribution (kept on the result), with the
    result's population; the two-sided interval shown is the same method's, each side at (1 + level)/2.
    """
    if not isinstance(score, ScoreResult):
        raise ValueError(f"score_verdict needs a ScoreResult, got {type(score).__name__}")
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not math.isfinite(target):
        raise ValueError(f"target must be a number on the score's scale, got {target!r}")
    level = _checks.confidence_level(confidence_level)
    values, counts = zip(*score.histogram)
    one = score_bounds(values, counts, scale=score.scale, confidence_level=level, population=score.population)
    two = score_bounds(values, counts, scale=score.scale, confidence_level=(1 + level) / 2,
                       population=score.population)
    verdict = _decide(one.low, one.high, float(target))
    return Verdict("score", score.score, float(target), score.n, one.low, one.high, Interval(two.low, two.high),
                   verdict, level, one.method, f"{two.method}, two-sided", score.population, None, None,
                   tuple(score.scale))
