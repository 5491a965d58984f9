"""Planning by power (analysis/power.py): the count that shows a target, the power of the exact
one-sided test, the n that reaches a power for good (saw-tooth), and sample_size's target form."""
import doctest
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import analysis.power
from analysis import (max_provable_rate, min_successes_to_show, power_sample_size, proportion_interval,
                      rate_verdict, sample_size, target_power, target_test)
from analysis.power import hypergeometric_sf


def cp_low(x, n):
    return proportion_interval(x, n, method="clopper-pearson", alternative="greater").low if x else 0.0


def brute_x_min(n, target, population=None):
    """Smallest x that shows the target, by trying every x (the definitions of the module docstring)."""
    for x in range(n + 1):
        if population is None:
            if x and cp_low(x, n) >= target:
                return x
        else:
            k0 = math.ceil(round(target * population, 9)) - 1
            if x and stats.hypergeom.sf(x - 1, population, k0, n) <= 0.05:
                return x
    return None


def exact_sf(x, n, N, K):
    """P(X ≥ x) for the hypergeometric distribution in exact rational arithmetic."""
    top = sum(math.comb(K, k) * math.comb(N - K, n - k) for k in range(max(x, 0), min(n, K) + 1))
    return Fraction(top, math.comb(N, n))


def test_docstring_examples_hold():
    result = doctest.testmod(analysis.power)
    assert result.attempted > 0 and result.failed == 0


# --- what a sample size can show --------------------------------------------------------------------


def test_50_all_satisfied_cannot_show_95():
    """Clopper–Pearson's one-sided bound at x = n is α^(1/n): 0.05^(1/50) = 0.9418 < 0.95 (abs 1e-12)."""
    assert max_provable_rate(50) == pytest.approx(0.05 ** (1 / 50), abs=1e-12)
    assert round(max_provable_rate(50), 4) == 0.9418
    assert min_successes_to_show(50, target=0.95) is None
    assert min_successes_to_show(59, target=0.95) == 59 == math.ceil(math.log(0.05) / math.log(0.95))


@pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 0.95, 0.99])
def test_min_successes_is_where_target_test_turns_met(target):
    for n in [1, 2, 5, 13, 50, 59, 100, 299, 600]:
        x = min_successes_to_show(n, target=target)
        assert x == brute_x_min(n, target)
        if x is not None:
            assert target_test(x, n, target=target).verdict == "met"
            assert rate_verdict(x, n, target=target).verdict == "met"
        if x is None or x > 0:
            below = n if x is None else x - 1
            assert target_test(below, n, target=target).verdict != "met"


@pytest.mark.parametrize(("population", "target"), [(30, 0.9), (60, 0.95), (500, 0.95), (1000, 0.95), (3000, 0.9)])
def test_min_successes_with_a_population_is_the_hypergeometric_test(population, target):
    """With N: "met" iff P(X ≥ x | N, ceil(target·N) − 1, n) ≤ 0.05; the verdict with N agrees."""
    for n in sorted(m for m in {1, 5, 20, 25, 49, 50, population // 2, population - 1, population} if m <= population):
        x = min_successes_to_show(n, target=target, population=population)
        assert x == brute_x_min(n, target, population), n
        if x is not None:
            assert rate_verdict(x, n, target=target, population=population).verdict == "met"
        below = n if x is None else x - 1
        assert rate_verdict(below, n, target=target, population=population).verdict != "met"


def test_min_successes_census_and_small_populations():
    """n = N has no sampling error: the count at the target itself (950 of 1000 for 95 %)."""
    assert min_successes_to_show(1000, target=0.95, population=1000) == 950
    assert max_provable_rate(1000, population=1000) == 1.0
    assert min_successes_to_show(25, target=0.9, population=30) == 24      # 24 of 25 leave at most 27 of 30
    assert min_successes_to_show(5, target=0.05, population=100) == brute_x_min(5, 0.05, 100) == 2


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 400), st.floats(0.3, 0.995), st.one_of(st.none(), st.integers(2, 5000)))
def test_max_provable_rate_decides_whether_any_count_shows_the_target(n, target, population):
    if population is not None and n > population:
        n = population
    possible = min_successes_to_show(n, target=target, population=population) is not None
    assert possible == (max_provable_rate(n, population=population) >= target)


def test_max_provable_rate_with_a_population():
    """K_L = min{K : C(K, n)/C(N, n) > 0.05}, checked in exact arithmetic (N = 1000, n = 50: 944)."""
    for n, N in [(50, 1000), (50, 60), (10, 10**6)]:
        k = round(max_provable_rate(n, population=N) * N)
        assert exact_sf(n, n, N, k) > Fraction(1, 20) >= exact_sf(n, n, N, k - 1)
    assert max_provable_rate(50, population=1000) == 0.944


# --- power ------------------------------------------------------------------------------------------


def test_the_old_planners_1332_has_about_half_the_power():
    """Issue #12: n = 1332 (the n at which 48/50 = 96 % would resolve) shows 95 % only about half the
    time when the true rate is 96 %: 52 %. Brute force: Σ binom.pmf over x ≥ x_min (abs 1e-12)."""
    power = target_power(1332, true_rate=0.96, target=0.95)
    x = brute_x_min(1332, 0.95)
    assert power == pytest.approx(sum(stats.binom.pmf(k, 1332, 0.96) for k in range(x, 1333)), abs=1e-12)
    assert round(power, 2) == 0.52


@pytest.mark.parametrize(("n", "rate", "target"), [(50, 0.99, 0.9), (200, 0.97, 0.95), (59, 1.0, 0.95),
                                                  (694, 0.97, 0.95), (1000, 0.5, 0.45), (30, 0.0, 0.5)])
def test_power_against_brute_force_binomial(n, rate, target):
    x = brute_x_min(n, target)
    expected = 0.0 if x is None else sum(stats.binom.pmf(k, n, rate) for k in range(x, n + 1))
    assert target_power(n, true_rate=rate, target=target) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("n", "N", "rate", "target"), [(50, 60, 0.97, 0.95), (200, 1000, 0.97, 0.95),
                                                       (25, 30, 0.95, 0.9), (400, 3000, 0.93, 0.9)])
def test_power_against_brute_force_hypergeometric(n, N, rate, target):
    """rate·N satisfied in the population (halves rounded up), n drawn without replacement (scipy, rel 1e-9)."""
    x, k1 = brute_x_min(n, target, N), math.floor(rate * N + 0.5)
    expected = 0.0 if x is None else sum(stats.hypergeom.pmf(k, N, k1, n) for k in range(x, n + 1))
    assert target_power(n, true_rate=rate, target=target, population=N) == pytest.approx(expected, rel=1e-9)


def test_power_with_a_huge_population_is_the_binomial_power():
    binomial = target_power(694, true_rate=0.97, target=0.95)
    assert target_power(694, true_rate=0.97, target=0.95, population=10**9) == pytest.approx(binomial, abs=1e-6)


def test_hypergeometric_tail_is_exact():
    """The tail summed in analysis.power against exact rational arithmetic (rel 1e-11, up to N = 10⁹, where
    scipy.stats.hypergeom is off by ~1e-7), and against scipy for moderate N (rel 1e-9)."""
    rng = np.random.default_rng(12)
    for _ in range(150):
        N = int(rng.choice([7, 60, 1000, 10**6, 10**9]))
        n = int(rng.integers(1, min(N, 250) + 1))
        K = int(N * rng.choice([0.5, 0.9, 0.95, 0.97])) if rng.random() < 0.7 else int(rng.integers(0, N + 1))
        x = int(rng.integers(-1, n + 2))
        exact = float(exact_sf(x, n, N, K))
        assert hypergeometric_sf(np.array([x]), np.array([n]), N, K)[0] == pytest.approx(exact, rel=1e-11, abs=1e-300)
    for N, K, n in [(500, 475, 120), (3000, 2849, 700), (20000, 19000, 2000)]:
        xs = np.arange(0, n + 2)
        assert np.allclose(hypergeometric_sf(xs, np.full(xs.size, n), N, K), stats.hypergeom.sf(xs - 1, N, K, n),
                           rtol=1e-9, atol=1e-300)


# --- power_sample_size ------------------------------------------------------------------------------


def brute_plan(rate, target, limit, population=None, goal=0.8):
    """(smallest n from which the power stays ≥ goal up to limit, first n where it reaches goal), from
    every n's power computed with scipy: the x_min of each n tried at x_min(n − 1) and x_min(n − 1) + 1."""
    def works(x, n):
        if not 1 <= x <= n:
            return False
        if population is None:
            return cp_low(x, n) >= target
        return stats.hypergeom.sf(x - 1, population, math.ceil(round(target * population, 9)) - 1, n) <= 0.05

    powers, x = [], 1                    # x = n + 1 stands for "no count shows the target"
    top = limit if population is None else min(limit, population)
    for n in range(1, top + 1):
        x = x if works(x, n) else x + 1
        if not works(x, n):
            powers.append(0.0)
        elif population is None:
            powers.append(stats.binom.sf(x - 1, n, rate))
        else:
            powers.append(stats.hypergeom.sf(x - 1, population, math.floor(rate * population + 0.5), n))
    short = [n for n, p in enumerate(powers, 1) if p < goal]
    first = next(n for n, p in enumerate(powers, 1) if p >= goal)
    return (short[-1] + 1 if short else 1), first


def test_power_plan_is_the_first_n_that_stays_above_the_goal():
    """Power is saw-toothed: it first reaches 80 % at n = 601 but dips below again 47 times before 694."""
    plan = power_sample_size(expected_rate=0.97, target=0.95, limit=1500)
    stays, first = brute_plan(0.97, 0.95, 1500)
    assert plan.n == stays == 694 and first == 601
    assert plan.power >= 0.8 > target_power(693, true_rate=0.97, target=0.95)
    assert target_power(601, true_rate=0.97, target=0.95) >= 0.8
    assert plan.method.startswith("exact binomial") and plan.goal_power == 0.8


def test_power_plan_with_a_population_saw_tooth():
    plan = power_sample_size(expected_rate=0.97, target=0.95, population=1000)
    stays, first = brute_plan(0.97, 0.95, 10_000, population=1000)
    assert plan.n == stays == 414 and first < stays and plan.population == 1000
    assert plan.method.startswith("exact hypergeometric")


def test_power_plan_design_effect_and_limit():
    base = power_sample_size(expected_rate=0.97, target=0.95)
    double = power_sample_size(expected_rate=0.97, target=0.95, design_effect=1.5)
    assert double.n == math.ceil(1.5 * base.n) and double.power == base.power and double.design_effect == 1.5
    capped = power_sample_size(expected_rate=0.97, target=0.95, design_effect=3, population=1000)
    assert capped.n == 1000                                   # never more than the population
    short = power_sample_size(expected_rate=0.97, target=0.95, limit=600)
    assert short.n is None and short.power == pytest.approx(target_power(600, true_rate=0.97, target=0.95))


def test_sample_size_target_form():
    assert sample_size(expected_rate=0.97, target=0.95) == 694
    assert sample_size(expected_rate=0.97, target=0.95, power=0.9) == power_sample_size(
        expected_rate=0.97, target=0.95, power=0.9).n
    assert sample_size(expected_rate=0.97, target=0.95, population=1000, design_effect=2) == 828
    assert sample_size(expected_rate=0.9, margin=0.05, population=500) == 109      # the margin form as before


@pytest.mark.parametrize(("call", "message"), [
    (lambda: sample_size(expected_rate=0.97), "exactly one of margin"),
    (lambda: sample_size(expected_rate=0.97, margin=0.05, target=0.95), "exactly one of margin"),
    (lambda: sample_size(expected_rate=0.97, margin=0.05, power=0.8), "power applies to planning for a target"),
    (lambda: sample_size(expected_rate=0.991, target=0.99), "no sample size up to 10000"),
    (lambda: power_sample_size(expected_rate=0.95, target=0.95), r"expected_rate \(0.95\) must exceed target"),
    (lambda: power_sample_size(expected_rate=0.97, target=95), "did you mean 0.95"),
    (lambda: power_sample_size(expected_rate=0.97, target=0.95, power=1), "power must be a fraction"),
    (lambda: power_sample_size(expected_rate=0.97, target=0.95, design_effect=0), "design_effect must be a number of at least 1"),
    (lambda: power_sample_size(expected_rate=0.97, target=0.95, design_effect=0.5), "at least 1"),  # halved n before
    (lambda: power_sample_size(expected_rate=0.97, target=0.95, limit=0), "limit must be positive"),
    (lambda: target_power(0, true_rate=0.9, target=0.8), "n must be positive"),
    (lambda: target_power(60, true_rate=0.9, target=0.8, population=50), "larger than the population"),
    (lambda: min_successes_to_show(10, target=1.0), "target must be a fraction"),
    (lambda: max_provable_rate(5, confidence_level=95), "confidence_level must lie strictly between"),
])
def test_power_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- a score: the power of the score verdict (analysis.score_power) ----------------------------------------

LADDER = [100, 80, 60, 40, 20]


def test_score_power_is_the_share_of_samples_whose_score_verdict_is_met():
    """Each simulated sample is judged as analysis.score_verdict judges it: Gaffke's lower bound ≥ target."""
    import numpy as np

    from analysis import score_bounds, score_power
    from analysis.score_power import SEED, Answers
    shares = [0.87, 0.10, 0.02, 0.01, 0.0]
    up = np.array([0.01, 0.02, 0.10, 0.87])          # the canonical form: ascending values, no 0 % rung
    draws = Answers(up, None, 200, SEED).counts(300)  # each replicate's stream, its first 300 answers
    assert draws.shape == (200, 4) and set(draws.sum(axis=1)) == {300}
    met = np.mean([score_bounds([40, 60, 80, 100], c, scale=(20, 100)).low >= 95 for c in draws])
    assert score_power(300, values=LADDER, shares=shares, target=95, scale=(20, 100), draws=200) == met


def test_the_same_top2_rate_plans_very_differently_by_its_score():
    """The reviewer's case: 97 % top-2 either way, scores 96.6 and 95.2; the rate plan's n = 694 gives the score
    verdict ~97 % power for the first and under 15 % for the second, even at n = 2000."""
    from analysis import score_power, score_power_sample_size
    high, low = [87, 10, 2, 1, 0], [80, 17, 2, 1, 0]
    assert score_power(694, values=LADDER, shares=high, target=95, scale=(20, 100)) > 0.9
    assert score_power(2000, values=LADDER, shares=low, target=95, scale=(20, 100)) < 0.2
    plan = score_power_sample_size(values=LADDER, shares=high, target=95, scale=(20, 100))
    assert plan.n < 694 and plan.power >= 0.8 and round(plan.score, 1) == 96.6
    assert score_power(plan.n - 40, values=LADDER, shares=high, target=95, scale=(20, 100)) < 0.8
    none = score_power_sample_size(values=LADDER, shares=low, target=95, scale=(20, 100))
    assert none.n is None and none.power < 0.8 and none.limit == 10_000


def test_score_power_is_seeded_and_one_form_of_a_distribution_draws_the_same():
    """A ladder listed top first with a 0 % rung and the answers as a histogram give the same power and n."""
    from analysis import score_power_sample_size
    a = score_power_sample_size(values=LADDER, shares=[46, 2, 2, 0, 0], target=95, scale=(20, 100))
    b = score_power_sample_size(values=[60, 80, 100], shares=[0.04, 0.04, 0.92], target=95, scale=(20, 100))
    assert a == b and a.n is not None


@pytest.mark.parametrize("shares, population", [([87, 10, 2, 1, 0], None), ([46, 2, 2, 0, 0], None),
                                                ([90, 6, 3, 1, 0], None), ([87, 10, 2, 1, 0], 2000)])
def test_score_power_grows_with_n_and_the_planned_n_keeps_its_power(shares, population):
    """The reviewer's 87/10/2/1 against 95: 0.811 at the planned 381 but 0.792 at 384 and 0.748 at 366, when each n
    drew fresh samples. The samples are nested (each replicate one stream, n its first n answers): over n = plan
    − 60 … plan + 90 the power never falls by more than 2 points below any smaller n's (what is left is the
    sawtooth of a discrete verdict), and from 10 answers past the plan on it stays at 79.5 % or more."""
    import numpy as np

    from analysis import score_power, score_power_sample_size
    kw = dict(values=LADDER, shares=shares, target=95, scale=(20, 100), population=population)
    plan = score_power_sample_size(**kw)
    assert plan.power >= 0.8 and plan.power == score_power(plan.n, **kw)
    ns = list(range(max(2, plan.n - 60), plan.n + 91))
    power = np.array([score_power(n, **kw) for n in ns])
    assert (power - np.maximum.accumulate(power)).min() >= -0.02
    assert power[ns.index(plan.n) + 10:].min() >= 0.795


def test_score_power_with_a_population_and_no_reach():
    from analysis import score_power, score_power_sample_size
    assert score_power(60, values=LADDER, shares=[87, 10, 2, 1, 0], target=95, scale=(20, 100), population=60) == 1.0
    plan = score_power_sample_size(values=LADDER, shares=[87, 10, 2, 1, 0], target=95, scale=(20, 100), population=60)
    assert plan.n is not None and plan.n <= 60
    below = score_power_sample_size(values=LADDER, shares=[60, 40, 0, 0, 0], target=95, scale=(20, 100))
    assert below.n is None and below.score == 92


def test_ladder_spread_has_the_asked_mean():
    from analysis import ladder_spread
    shares = ladder_spread(LADDER, 97)
    assert sum(shares) == pytest.approx(1) and sum(v * s for v, s in zip(LADDER, shares)) == pytest.approx(97)
    assert list(shares) == sorted(shares, reverse=True)
    with pytest.raises(ValueError):
        ladder_spread(LADDER, 100)
