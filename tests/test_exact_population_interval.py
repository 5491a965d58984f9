"""With a population N, a rate's two-sided interval is the exact hypergeometric one (analysis.hypergeometric):
lower = min{M : P_M(X ≥ x) > α/2}/N, upper = max{M : P_M(X ≤ x) > α/2}/N, checked here by brute force over
every population count M with scipy.stats.hypergeom. It holds the one-sided bound that decides the verdict,
the breakdowns' 合计 row and the C51 points at the interval's ends read it, and without N nothing changes."""
import pytest
from scipy import stats

from analysis import (DEFAULT_RULE, RULES, breakdown, proportion_interval, rate_verdict, satisfaction_rate,
                      verdict_points)
from analysis.formatting import pct


def _scipy_two_sided(x, n, total, level=0.95):
    tail = (1 - level) / 2
    counts = range(x, total - (n - x) + 1)
    low = min(m for m in counts if stats.hypergeom.sf(x - 1, total, m, n) > tail)
    high = max(m for m in counts if stats.hypergeom.cdf(x, total, m, n) > tail)
    return low / total, high / total


def test_50_of_50_from_60_is_96_7_to_100_percent():
    """Wilson with the finite-population correction said 98.7%–100%; 57 satisfied of 60 is still possible."""
    r = satisfaction_rate({"A": 50}, satisfied={"A"}, population=60)
    assert (r.ci.low, r.ci.high) == pytest.approx((58 / 60, 1.0), abs=1e-12)
    assert (pct(100 * r.ci.low), pct(100 * r.ci.high)) == ("96.7%", "100.0%")
    assert r.method == "hypergeometric" and r.population == 60


def test_48_of_50_from_60_is_the_scipy_interval():
    r = satisfaction_rate({"A": 48, "C": 2}, satisfied={"A"}, population=60)
    v = rate_verdict(48, 50, target=0.95, population=60)
    expected = _scipy_two_sided(48, 50, 60)
    assert (r.ci.low, r.ci.high) == pytest.approx(expected, abs=1e-12)
    assert (v.ci.low, v.ci.high) == pytest.approx(expected, abs=1e-12)
    assert "hypergeometric" in v.interval_method


@pytest.mark.parametrize(("x", "n", "total"), [(50, 50, 60), (48, 50, 60), (48, 50, 500), (0, 10, 40), (7, 20, 21),
                                                (30, 40, 41), (1, 1, 3), (45, 50, 1000), (25, 25, 30)])
def test_the_interval_is_exact_and_holds_the_deciding_bound(x, n, total):
    v = rate_verdict(x, n, target=0.9, population=total)
    assert (v.ci.low, v.ci.high) == pytest.approx(_scipy_two_sided(x, n, total), abs=1e-12)
    assert v.ci.low <= v.low <= v.high <= v.ci.high   # both one-sided 95 % bounds lie within the 95 % interval
    assert v.ci.low <= v.bound <= v.ci.high
    assert x / total <= v.ci.low and v.ci.high <= (x + total - n) / total


def test_one_sided_rate_intervals_with_n_are_the_verdicts_bounds():
    v = rate_verdict(48, 50, target=0.95, population=60)
    greater = satisfaction_rate({"A": 48, "C": 2}, satisfied={"A"}, population=60, alternative="greater")
    less = satisfaction_rate({"A": 48, "C": 2}, satisfied={"A"}, population=60, alternative="less")
    assert (greater.ci.low, greater.ci.high) == (v.low, 1.0) and (less.ci.low, less.ci.high) == (0.0, v.high)


def test_the_c51_points_at_the_interval_ends_follow_the_exact_interval():
    rule = RULES[DEFAULT_RULE]
    v = rate_verdict(50, 50, target=0.95, population=60)
    points = verdict_points(v, rule=rule)
    assert points.at_low.value_pct == 96.7 and points.at_high.value_pct == 100.0
    at_low = verdict_points(rate_verdict(58, 60, target=0.95, population=60), rule=rule)   # 96.7 %, as printed
    assert points.points_low == at_low.at_estimate.points


def test_the_breakdown_total_reads_the_same_interval_as_the_headline():
    groups = {"男": {"A": 30}, "女": {"A": 20}}
    res = breakdown(groups, satisfied={"A"}, population=60)
    v = rate_verdict(50, 50, target=0.95, population=60)
    assert (res.total.rate_low, res.total.rate_high) == pytest.approx((v.ci.low, v.ci.high), abs=1e-12)


def test_without_a_population_the_rate_keeps_its_method_and_the_verdict_prints_the_exact_interval():
    """satisfaction_rate keeps its method (Wilson by default); a verdict prints the Clopper–Pearson interval,
    exact as its bounds, so that the interval beside it always holds the bound that decides."""
    r = satisfaction_rate({"A": 48, "C": 2}, satisfied={"A"})
    w = proportion_interval(48, 50, method="wilson")
    assert (r.ci.low, r.ci.high, r.method) == (w.low, w.high, "wilson")
    v = rate_verdict(48, 50, target=0.95)
    exact = proportion_interval(48, 50, method="clopper-pearson")
    assert v.interval_method == "clopper-pearson" and (v.ci.low, v.ci.high) == (exact.low, exact.high)


def test_a_design_effect_with_n_keeps_the_corrected_method():
    r = satisfaction_rate({"A": 48, "C": 2}, satisfied={"A"}, population=60, design_effect=2.0)
    assert r.method == "wilson" and 48 / 60 <= r.ci.low and r.ci.high <= 58 / 60
