"""Does the satisfaction rate meet its target (e.g. "满意度 ≥ 95%")? An exact binomial answer.

The verdict uses the one-sided Clopper–Pearson bounds at ``confidence_level``:

- ``"met"``: the lower bound is ≥ target (the data show the target is met, with that confidence);
- ``"missed"``: the upper bound is < target (the data show a shortfall);
- ``"unresolved"``: neither; ``n_to_resolve`` is the sample size at which the *observed* rate
  would settle it (None if the observed rate equals the target, which no sample size settles).

The p-values are ``scipy.stats.binomtest(x, n, p=target)``'s: ``p_value`` tests H0 "true rate ≥ target"
against a shortfall (alternative ``"less"``; small = evidence the target is missed), ``p_value_above``
tests H0 "true rate ≤ target" (alternative ``"greater"``; small = evidence the target is exceeded).

``rate_verdict`` adds the 100 % target (no test can confirm it); ``score_target_test`` gives the same
three verdicts for a score (满意度得分) from one-sided t bounds.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from scipy import stats

from . import _checks
from .intervals import bounds

VERDICTS = ("met", "missed", "unresolved")
# The one wording of the three verdicts: the dashboard, the documents and the CLI all use these.
VERDICTS_ZH = {"met": "达到预期目标", "missed": "未达到预期目标", "unresolved": "按当前样本量尚不能判定是否达到目标"}
_LIMIT = 10**9
CERTAIN = "100 % target: missed once one answer is outside the satisfied set, else unresolved"


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


@dataclass(frozen=True)
class RateVerdict:
    """A rate held against its target: the verdict, the n that would settle it, and the exact test."""

    verdict: str
    n_to_resolve: int | None
    test: TargetTest | None  # None for a 100 % target, which no sample can show to be met
    method: str

    @property
    def verdict_zh(self) -> str:
        return VERDICTS_ZH[self.verdict]


def rate_verdict(successes, n, *, target, confidence_level=0.95) -> RateVerdict:
    """The verdict on "rate ≥ target" for a target in (0, 1] (the C51 headline when it is a rate).

    Below 1 it is ``target_test``'s. A 100 % target is different: no sample shows it met, while one
    answer outside the satisfied set proves it missed, so the verdict is "missed" or "unresolved"
    and there is no test and no ``n_to_resolve``.

    >>> rate_verdict(48, 50, target=0.95).verdict, rate_verdict(48, 50, target=1).verdict
    ('unresolved', 'missed')
    """
    x, size = _checks.successes(successes, n)
    if _checks.fraction(target, "target", closed=True) == 1:
        return RateVerdict("missed" if x < size else "unresolved", None, None, CERTAIN)
    test = target_test(x, size, target=target, confidence_level=confidence_level)
    return RateVerdict(test.verdict, test.n_to_resolve, test, test.method)


@dataclass(frozen=True)
class ScoreTargetTest:
    """A score held against its target (on the score's scale): one-sided bounds and the verdict."""

    score: float
    n: int
    target: float
    low: float
    high: float
    verdict: str
    confidence_level: float
    method: str = "one-sided t bounds, clipped to the ladder"

    @property
    def verdict_zh(self) -> str:
        return VERDICTS_ZH[self.verdict]


def score_target_test(score, *, target, confidence_level=0.95) -> ScoreTargetTest:
    """Does a satisfaction score meet ``target`` (e.g. 95 on the 0–100 ladder)? One-sided t bounds.

    ``score`` is a ``ScoreResult`` with method "t" (``satisfaction_score`` or ``composite_score``, at any
    level): its mean, its standard error (finite-population corrected when it has a population), n and
    ladder are used. The bounds are mean ∓ t(confidence_level, n − 1)·se, clipped to the ladder: "met"
    if the lower bound is ≥ target, "missed" if the upper bound is < target, else "unresolved". At a true
    mean equal to the target a false "met" has probability 1 − confidence_level for normal data and
    about that for answers spread over the ladder, but more for answers piled at its top (simulated:
    8.4 % instead of 5 % at n = 50 for 80/10/10 % on 100/80/60; tests/test_analysis_verdicts.py).
    One answer, or answers all alike (sd = 0), say nothing about the spread: "unresolved", never a
    zero-width "met".

    >>> from analysis import satisfaction_score
    >>> s = satisfaction_score({"A": 46, "B": 2, "C": 2}, points={"A": 100, "B": 80, "C": 60})
    >>> t = score_target_test(s, target=95)
    >>> t.verdict, round(t.low, 6), round(t.high, 6)
    ('met', 95.536342, 99.663658)
    """
    if getattr(score, "method", None) != "t":
        raise ValueError(f"score_target_test needs a score with method='t', got {getattr(score, 'method', score)!r}")
    if isinstance(target, bool) or not isinstance(target, numbers.Real) or not math.isfinite(target):
        raise ValueError(f"target must be a number on the score's scale, got {target!r}")
    level = _checks.confidence_level(confidence_level)
    low, high = score.scale  # one answer: the whole ladder, as score_interval gives it
    if score.n >= 2:
        half = float(stats.t.ppf(level, score.n - 1)) * score.se
        low, high = max(score.score - half, low), min(score.score + half, high)
    verdict = "unresolved" if score.n < 2 or score.sd == 0 else _verdict(low, high, target)
    return ScoreTargetTest(score.score, score.n, float(target), float(low), float(high), verdict, level)
