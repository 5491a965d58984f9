"""Proportion intervals and satisfaction rates: cross-checked against scipy, properties, bad input."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import proportion_interval, satisfaction_rate

METHODS = ["wilson", "clopper-pearson", "jeffreys", "agresti-coull", "wald", "wilson-cc"]
SCIPY = {"wilson": "wilson", "clopper-pearson": "exact", "wilson-cc": "wilsoncc"}
ALTERNATIVES = ["two-sided", "greater", "less"]


@st.composite
def counts(draw, max_n=2000):
    n = draw(st.integers(1, max_n))
    return draw(st.integers(0, n)), n


@settings(max_examples=300)
@given(counts(), st.sampled_from(sorted(SCIPY)), st.sampled_from(ALTERNATIVES),
       st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_matches_scipy_binomtest(xn, method, alternative, level):
    """scipy.stats.binomtest(x, n, alternative=...).proportion_ci(level, method); abs 1e-9."""
    x, n = xn
    ours = proportion_interval(x, n, confidence_level=level, method=method, alternative=alternative)
    ref = stats.binomtest(x, n, alternative=alternative).proportion_ci(confidence_level=level, method=SCIPY[method])
    assert ours.low == pytest.approx(ref.low, abs=1e-9)
    assert ours.high == pytest.approx(ref.high, abs=1e-9)


@settings(max_examples=200)
@given(counts(), st.sampled_from([0.9, 0.95, 0.99]))
def test_jeffreys_matches_scipy_beta(xn, level):
    """Jeffreys = Beta(x + ½, n − x + ½) quantiles (scipy.stats.beta.ppf); abs 1e-9."""
    x, n = xn
    ours = proportion_interval(x, n, confidence_level=level, method="jeffreys")
    tail = (1 - level) / 2
    if 0 < x < n:   # at the edges the Brown-Cai-DasGupta modification applies (see test_edges_zero_and_all)
        assert ours.low == pytest.approx(stats.beta.ppf(tail, x + 0.5, n - x + 0.5), abs=1e-9)
        assert ours.high == pytest.approx(stats.beta.ppf(1 - tail, x + 0.5, n - x + 0.5), abs=1e-9)
    if x == 0:
        assert ours.low == 0.0
        assert ours.high == pytest.approx(stats.beta.ppf(1 - tail, 0.5, n + 0.5), abs=1e-9)


@settings(max_examples=300)
@given(counts(), st.sampled_from(METHODS), st.sampled_from(ALTERNATIVES), st.floats(0.8, 0.999))
def test_bounds_are_ordered_and_inside_unit_interval(xn, method, alternative, level):
    """(Below ~0.6 a one-sided Jeffreys bound is near the posterior median, which can pass x/n.)"""
    x, n = xn
    r = proportion_interval(x, n, confidence_level=level, method=method, alternative=alternative)
    assert 0.0 <= r.low <= r.estimate <= r.high <= 1.0
    assert r.estimate == x / n and r.n == n and r.method == method and r.confidence_level == level
    assert (r.ci.low, r.ci.high) == (r.low, r.high)


@given(counts(), st.sampled_from(["wilson", "clopper-pearson", "jeffreys"]))
def test_wider_at_higher_confidence(xn, method):
    x, n = xn
    narrow = proportion_interval(x, n, confidence_level=0.9, method=method)
    wide = proportion_interval(x, n, confidence_level=0.99, method=method)
    assert wide.low <= narrow.low + 1e-12 and narrow.high <= wide.high + 1e-12


def test_one_sided_intervals_keep_one_end():
    greater = proportion_interval(48, 50, alternative="greater", method="clopper-pearson")
    less = proportion_interval(48, 50, alternative="less", method="clopper-pearson")
    assert greater.high == 1.0 and less.low == 0.0
    two_sided_90 = proportion_interval(48, 50, confidence_level=0.9, method="clopper-pearson")
    assert greater.low == pytest.approx(two_sided_90.low, abs=1e-12)
    assert less.high == pytest.approx(two_sided_90.high, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_edges_zero_and_all(method):
    zero, full = proportion_interval(0, 30, method=method), proportion_interval(30, 30, method=method)
    assert zero.estimate == 0 and full.estimate == 1
    assert 0 <= zero.low <= zero.high <= 1 and 0 <= full.low <= full.high <= 1
    assert zero.low == 0.0 and full.high == 1.0
    assert proportion_interval(0, 30, method="clopper-pearson").high == pytest.approx(1 - 0.025 ** (1 / 30))


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((5, 0), {}, "n must be positive"),
    ((6, 5), {}, r"successes \(6\) must not exceed n \(5\)"),
    ((-1, 5), {}, "successes must not be negative"),
    ((2.5, 5), {}, "successes must be a whole number"),
    ((2, 5), {"confidence_level": 95}, "confidence_level must lie strictly between 0 and 1"),
    ((2, 5), {"confidence_level": 1.0}, "confidence_level"),
    ((2, 5), {"method": "exact"}, "unknown method 'exact'; valid: 'wilson', 'clopper-pearson', 'jeffreys'"),
    ((2, 5), {"method": "Wilson"}, "unknown method 'Wilson'"),
    ((2, 5), {"alternative": "two_sided"}, "alternative must be one of"),
])
def test_bad_input_raises_precise_errors(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        proportion_interval(*args, **kwargs)


def test_satisfaction_rate_renders():
    rate = satisfaction_rate({"A": 46, "B": 2, "C": 2, "D": 0, "E": 0}, satisfied={"A", "B"})
    assert (rate.rate, rate.satisfied_count, rate.n, rate.method, rate.confidence_level) == (0.96, 48, 50, "wilson",
                                                                                            0.95)
    assert rate.satisfied == ("A", "B")
    assert rate.ci.low < rate.rate < rate.ci.high


def test_satisfaction_rate_finite_population_narrows_and_census_is_exact():
    counts = {"A": 40, "B": 5, "C": 5}
    free = satisfaction_rate(counts, satisfied={"A", "B"})
    small = satisfaction_rate(counts, satisfied={"A", "B"}, population=60)
    census = satisfaction_rate(counts, satisfied={"A", "B"}, population=50)
    assert free.ci.width > small.ci.width > 0
    assert small.effective_n == 50 and small.method == "hypergeometric"   # the exact interval, from n itself
    assert (census.ci.low, census.ci.high) == (0.9, 0.9)
    # N far above n: the exact hypergeometric interval becomes the exact binomial one (Clopper–Pearson)
    far = satisfaction_rate(counts, satisfied={"A", "B"}, population=10**9)
    exact = proportion_interval(45, 50, method="clopper-pearson")
    assert (far.ci.low, far.ci.high) == pytest.approx((exact.low, exact.high), abs=1e-6)


def test_satisfaction_rate_design_effect_widens():
    counts = {"A": 40, "B": 5, "C": 5}
    plain = satisfaction_rate(counts, satisfied={"A"})
    clustered = satisfaction_rate(counts, satisfied={"A"}, design_effect=2.0)
    assert clustered.ci.width > plain.ci.width and clustered.effective_n == 25


@pytest.mark.parametrize(("counts", "kwargs", "message"), [
    ({"A": 0, "B": 0}, {"satisfied": {"A"}}, r"counts has no answers \(n = 0\)"),
    ({"A": -1, "B": 3}, {"satisfied": {"A"}}, r"counts\['A'\] must not be negative"),
    ({"A": 3}, {"satisfied": "AB"}, "not the string 'AB'"),
    ({"A": 3}, {"satisfied": set()}, "satisfied names no option code"),
    ({"A": 3}, {"satisfied": {"A"}, "population": 2}, r"the sample \(n = 3\) is larger than the population"),
    ([("A", 3)], {"satisfied": {"A"}}, "counts must map option codes to counts"),
])
def test_satisfaction_rate_bad_input(counts, kwargs, message):
    with pytest.raises(ValueError, match=message):
        satisfaction_rate(counts, **kwargs)


def test_missing_satisfied_code_counts_as_zero():
    """Stores may omit options nobody chose: a satisfied code absent from counts contributes 0."""
    assert satisfaction_rate({"A": 3, "C": 1}, satisfied={"A", "B"}).satisfied_count == 3


def test_wilson_is_closed_form_at_n_1e6():
    r = proportion_interval(999_000, 1_000_000)
    assert math.isclose(r.high - r.low, 2 * 1.959963984540054 * math.sqrt(0.999 * 0.001 / 1e6), rel_tol=1e-3)
