"""Does the satisfaction rate meet its target (e.g. "满意度 ≥ 95%")? An exact binomial answer.

The verdict uses the one-sided Clopper–Pearson bounds at ``confidence_level``:

- ``"met"``: the lower bound is ≥ target (the data show the target is met, with that confidence);
- ``"missed"``: the upper bound is < target (the data show a shortfall);
- ``"unresolved"``: neither; ``n_to_resolve`` is the sample size at which the *observed* rate
  would settle it (None if the observed rate equals the target, which no sample size settles).

The p-values are ``scipy.stats.binomtest(x, n, p=target)``'s: ``p_value`` tests H0 "true rate ≥ target"
against a shortfall (alternative ``"less"``; small = evidence the target is missed), ``p_value_above``
tests H0 "true rate ≤ target" (alternative ``"greater"``; small = evidence the target is exceeded).

This is the plain binomial test; the verdict every page prints is ``analysis.verdicts``' (which uses it
without a population and adds the hypergeometric test, strata and scores).
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy import stats

from . import _checks
from .intervals import bounds

VERDICTS = ("met", "missed", "unresolved")
# The one wording of the three verdicts: the dashboard, the documents and the CLI all use these.
VERDICTS_ZH = {"met": "达到预期目标", "missed": "未达到预期目标", "unresolved": "按当前样本量尚不能判定是否达到目标"}
_LIMIT = 10**9


@dataclass(frozen=True)
class TargetTest:
    successes: int
    n: int
    rate: float
    target: float
    p_value: float
    p_value_above: float
    low: float
    high: float
    verdict: str
    n_to_resolve: int | None
    confidence_level: float
    method: str = "exact binomial (one-sided Clopper-Pearson bounds)"

    @property
    def verdict_zh(self) -> str:
        return VERDICTS_ZH[self.verdict]

    @property
    def resolves_as(self) -> str | None:
        """The verdict the observed rate would reach at ``n_to_resolve`` ("met" or "missed")."""
        if self.n_to_resolve is None:
            return None
        return "met" if self.rate > self.target else "missed"


def target_test(successes, n, *, target, confidence_level=0.95):
    """Exact one-sided binomial test of "true rate ≥ target" (rates as fractions).

    >>> t = target_test(48, 50, target=0.95)
    >>> t.verdict, round(t.low, 6)
    ('unresolved', 0.879386)
    """
    x, size = _checks.successes(successes, n)
    goal = _checks.fraction(target, "target")
    level = _checks.confidence_level(confidence_level)
    p_less = float(stats.binomtest(x, size, p=goal, alternative="less").pvalue)
    p_greater = float(stats.binomtest(x, size, p=goal, alternative="greater").pvalue)
    low, high = _one_sided(x, size, level)
    verdict = _verdict(low, high, goal)
    needed = None if verdict != "unresolved" else resolving_n(x / size, size, goal, level)
    return TargetTest(x, size, x / size, goal, p_less, p_greater, low, high, verdict, needed, level)


def _one_sided(x, n, level):
    low = bounds(x, n, level, "clopper-pearson", "greater")[0]
    high = bounds(x, n, level, "clopper-pearson", "less")[1]
    return low, high


def _verdict(low, high, goal):
    if low >= goal:
        return "met"
    if high < goal:
        return "missed"
    return "unresolved"


def resolving_n(rate: float, n: int, target: float, confidence_level: float) -> int | None:
    """Smallest m > n at which a sample with the same observed rate would be met/missed.

    The count at m is taken as rate·m (a real number: the beta quantiles accept it), which keeps the
    observed rate fixed instead of jumping with rounding. None when rate == target or beyond 10⁹.
    """
    if rate == target:
        return None

    def resolved(m: int) -> bool:
        low, high = _one_sided(rate * m, m, confidence_level)
        return low >= target if rate > target else high < target

    low_m, high_m = n, max(n + 1, 2 * n)
    while not resolved(high_m):
        if high_m > _LIMIT:
            return None
        low_m, high_m = high_m, high_m * 2
    while high_m - low_m > 1:
        mid = (low_m + high_m) // 2
        if resolved(mid):
            high_m = mid
        else:
            low_m = mid
    return high_m
