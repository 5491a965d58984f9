"""A stratified verdict says "met" at most 5 % of the time when the true weighted figure equals the target,
also when a small point's answers happen to agree (an outside statistician's review: Korn–Graubard said
"met" 12.7 % of the time for a hall of 300 at 0.995 and a window of 20 at 0.905, shares ½/½)."""
import numpy as np
import pytest
from scipy import stats

from analysis import satisfaction_score, stratified_rate_verdict, stratified_score_verdict


def met_probability(ns, rates, shares, target):
    """Exact: the sum over every outcome of the points' binomial counts of P(outcome) where it says "met"."""
    pmf = [stats.binom.pmf(np.arange(n + 1), n, p) for n, p in zip(ns, rates)]
    total = 0.0
    for x1 in np.flatnonzero(pmf[0] > 1e-12):
        for x2 in np.flatnonzero(pmf[1] > 1e-12):
            strata = {"hall": (int(x1), ns[0], shares[0]), "window": (int(x2), ns[1], shares[1])}
            if stratified_rate_verdict(strata, target=target).verdict == "met":
                total += pmf[0][x1] * pmf[1][x2]
    return total


@pytest.mark.parametrize("ns, rates, shares", [
    ((300, 20), (0.995, 0.905), (0.5, 0.5)),   # the reviewer's: 12.7 % with Korn–Graubard
    ((300, 20), (0.99, 0.91), (0.5, 0.5)),     # 9.8 %
    ((100, 25), (0.995, 0.905), (0.5, 0.5)),   # 7.5 %
    ((200, 30), (0.99, 0.91), (0.5, 0.5)),     # 5.8 %
    ((1000, 30), (0.975, 0.925), (0.5, 0.5)),  # 8.4 %
    ((1000, 10), (0.955, 0.905), (0.9, 0.1)),  # 5.9 %
    ((15, 200), (0.9, 0.95 / 0.7 - 0.9 * 0.3 / 0.7), (0.3, 0.7)),  # 6.6 %
])
def test_a_rate_at_the_target_is_met_at_most_5_percent_of_the_time(ns, rates, shares):
    target = sum(w * p for w, p in zip(shares, rates))
    assert met_probability(ns, rates, shares, target - 1e-12) <= 0.05


def test_a_rate_well_above_the_target_is_still_met():
    """Power at a true 0.99 against 0.95, shares in proportion to the answers: 99.8 % (as before)."""
    assert met_probability((300, 20), (0.99, 0.99), (300, 20), 0.95) > 0.99


def test_a_small_unanimous_point_with_half_the_weight_is_not_met():
    v = stratified_rate_verdict({"hall": (298, 300, 0.5), "window": (20, 20, 0.5)}, target=0.95)
    assert v.verdict == "unresolved" and v.low < 0.95   # Korn–Graubard said met, lower bound 0.9548


def test_a_score_at_the_target_is_met_at_most_5_percent_of_the_time():
    """Simulation (seeded): hall n = 300 mean 99.8, window n = 20 mean 91.6 on a 100/80/60/40/20 ladder,
    shares ½/½, target their weighted mean 95.7; Korn–Graubard's Gaffke said "met" 10.6 % of the time."""
    rng = np.random.default_rng(7)
    ladder = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}
    hall, window = np.array([0.99, 0.01, 0, 0, 0]), np.array([0.895, 0, 0, 0, 0.105])
    target = (hall @ [100, 80, 60, 40, 20] + window @ [100, 80, 60, 40, 20]) / 2 - 1e-9
    runs, met = 1500, 0
    for _ in range(runs):
        cells = {name: (satisfaction_score(dict(zip("ABCDE", rng.multinomial(n, p))), points=ladder), 0.5)
                 for name, n, p in (("hall", 300, hall), ("window", 20, window))}
        met += stratified_score_verdict(cells, target=target).verdict == "met"
    assert met / runs <= 0.05 + 0.015   # three standard errors of 1500 runs at 5 %
