"""Two-group comparisons: Newcombe against the published table, p-values that agree with the intervals,
Welch against scipy, p-value adjustment against hand-worked examples, bad input."""

import doctest
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import analysis.compare
from analysis import Comparison, adjust_p_values, compare_rates, compare_scores

LADDER = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}

# Newcombe (1998), Statistics in Medicine 17, 873-890, Table II, method 10 (hybrid score, no continuity
# correction): (x1, n1, x2, n2) -> (difference, low, high), all to 4 decimals.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.2000, 0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.6000, 0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.5714, 0.0582, 0.8062)),
    ((5, 56, 0, 29), (0.0893, -0.0381, 0.1926)),
    ((0, 10, 0, 20), (0.0000, -0.1611, 0.2775)),
    ((0, 10, 0, 10), (0.0000, -0.2775, 0.2775)),
    ((10, 10, 0, 20), (1.0000, 0.6791, 1.0000)),
    ((10, 10, 0, 10), (1.0000, 0.6075, 1.0000)),
]


def test_docstring_examples_hold():
    result = doctest.testmod(analysis.compare)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_matches_the_published_table(counts, expected):
    c = compare_rates(*counts)
    assert (round(c.difference, 4), round(c.low, 4), round(c.high, 4)) == expected
    x1, n1, x2, n2 = counts
    assert (c.estimate1, c.estimate2, c.n1, c.n2) == (x1 / n1, x2 / n2, n1, n2)
    assert (c.method, c.confidence_level) == ("newcombe", 0.95)
    assert (c.ci.low, c.ci.high) == (c.low, c.high)


@st.composite
def two_groups(draw, max_n=500):
    n1, n2 = draw(st.integers(1, max_n)), draw(st.integers(1, max_n))
    return draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2


@settings(max_examples=300)
@given(two_groups(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_newcombe_is_built_from_scipys_wilson_intervals(groups, level):
    """Method 10 from scipy.stats.binomtest(...).proportion_ci(method="wilson"); abs 1e-9."""
    x1, n1, x2, n2 = groups
    w1 = stats.binomtest(x1, n1).proportion_ci(confidence_level=level, method="wilson")
    w2 = stats.binomtest(x2, n2).proportion_ci(confidence_level=level, method="wilson")
    p1, p2 = x1 / n1, x2 / n2
    c = compare_rates(x1, n1, x2, n2, confidence_level=level)
    assert c.difference == pytest.approx(p1 - p2, abs=1e-12)
    assert c.low == pytest.approx(p1 - p2 - math.hypot(p1 - w1.low, w2.high - p2), abs=1e-9)
    assert c.high == pytest.approx(p1 - p2 + math.hypot(w1.high - p1, p2 - w2.low), abs=1e-9)
    assert -1 <= c.low <= c.difference <= c.high <= 1


@pytest.mark.parametrize("method", ["newcombe", "wald"])
def test_p_value_agrees_with_the_interval_for_every_small_table(method):
    """All x1 ≤ n1 ≤ 12, x2 ≤ n2 ≤ 12 at 95 %: p < 0.05 exactly when 0 lies outside [low, high]."""
    checked = 0
    for n1 in range(1, 13):
        for x1 in range(n1 + 1):
            for n2 in range(1, 13):
                for x2 in range(n2 + 1):
                    c = compare_rates(x1, n1, x2, n2, method=method)
                    assert (c.p_value < 0.05) == (not c.low <= 0 <= c.high), (x1, n1, x2, n2, c)
                    assert 0 <= c.p_value <= 1
                    checked += 1
    assert checked == 90 * 90


@settings(max_examples=300)
@given(two_groups(max_n=3000), st.floats(0.5, 0.999), st.sampled_from(["newcombe", "wald"]))
def test_p_value_agrees_with_the_interval_at_any_level(groups, level, method):
    c = compare_rates(*groups, confidence_level=level, method=method)
    assert (c.p_value < 1 - level) == (not c.low <= 0 <= c.high)


@settings(max_examples=200)
@given(two_groups())
def test_newcombe_p_is_where_the_interval_touches_zero(groups):
    """At confidence level 1 − p the near end of the interval is 0 (the definition of the p-value)."""
    c = compare_rates(*groups)
    if c.difference == 0:
        assert c.p_value == 1.0
    elif c.p_value > 1e-6:   # closer to 1, the level 1 − p itself is too coarse a float
        at_p = compare_rates(*groups, confidence_level=1 - c.p_value)
        assert (at_p.low if c.difference > 0 else at_p.high) == pytest.approx(0, abs=1e-9)


@settings(max_examples=200)
@given(two_groups(), st.sampled_from(["newcombe", "wald"]))
def test_swapping_the_groups_mirrors_the_result(groups, method):
    x1, n1, x2, n2 = groups
    ab, ba = compare_rates(x1, n1, x2, n2, method=method), compare_rates(x2, n2, x1, n1, method=method)
    assert ab.difference == -ba.difference
    assert ab.low == pytest.approx(-ba.high, abs=1e-12) and ab.high == pytest.approx(-ba.low, abs=1e-12)
    assert ab.p_value == pytest.approx(ba.p_value, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("counts", [(0, 5, 0, 7), (5, 5, 7, 7), (3, 6, 4, 8), (0, 1, 0, 1)])
def test_equal_rates_give_p_one(counts):
    for method in ("newcombe", "wald"):
        c = compare_rates(*counts, method=method)
        assert c.difference == 0 and c.p_value == 1.0 and c.low <= 0 <= c.high


def test_the_boundaries_all_and_none():
    c = compare_rates(5, 5, 0, 5)
    assert c.difference == 1.0 and c.high == 1.0 and 0 < c.low < 1
    assert 0 < c.p_value < 0.05
    assert compare_rates(0, 5, 5, 5).p_value == pytest.approx(c.p_value)
    huge = compare_rates(10**6, 10**6, 0, 10**6)   # far beyond any printable level: p underflows to 0
    assert huge.p_value == 0.0 and huge.low > 0.99
    tiny = compare_rates(1, 1, 0, 1)   # one answer each: nothing to show
    assert tiny.p_value > 0.05 and tiny.low < 0


@settings(max_examples=200)
@given(two_groups(max_n=2000), st.sampled_from([0.9, 0.95, 0.99]))
def test_wald_is_the_unpooled_z_test(groups, level):
    x1, n1, x2, n2 = groups
    p1, p2 = x1 / n1, x2 / n2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    c = compare_rates(x1, n1, x2, n2, confidence_level=level, method="wald")
    z = stats.norm.ppf(0.5 + level / 2)
    assert c.low == pytest.approx(max(-1, p1 - p2 - z * se), abs=1e-12)
    assert c.high == pytest.approx(min(1, p1 - p2 + z * se), abs=1e-12)
    if se > 0:
        assert c.p_value == pytest.approx(2 * stats.norm.sf(abs(p1 - p2) / se), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(("args", "message"), [
    ((6, 5, 1, 5), "x1 (6) must not exceed n1 (5)"),
    ((1, 5, 1, 0), "n2 must be at least 1"),
    ((-1, 5, 1, 5), "x1 must not be negative"),
    ((2.5, 5, 1, 5), "x1 must be a whole number"),
    ((1, 5, True, 5), "x2 must be a whole number"),
    ((1, "5", 1, 5), "n1 must be a whole number"),
])
def test_rates_bad_input(args, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compare_rates(*args)


def test_rates_bad_options():
    with pytest.raises(ValueError, match="valid: 'newcombe', 'wald'"):
        compare_rates(1, 5, 2, 5, method="wilson")
    with pytest.raises(ValueError, match="confidence_level"):
        compare_rates(1, 5, 2, 5, confidence_level=95)
    with pytest.raises(TypeError):
        compare_rates(1, 5, 2, 5, 0.9)   # options are keyword-only


@settings(max_examples=200)
@given(st.lists(st.integers(0, 30), min_size=5, max_size=5).filter(lambda c: sum(c) >= 2),
       st.lists(st.integers(0, 30), min_size=5, max_size=5).filter(lambda c: sum(c) >= 2),
       st.sampled_from([0.9, 0.95, 0.99]))
def test_welch_matches_scipy_ttest_ind(a, b, level):
    """scipy.stats.ttest_ind(equal_var=False) on the expanded answers: p and interval, rel 1e-9."""
    xa, xb = np.repeat([100, 80, 60, 40, 20], a), np.repeat([100, 80, 60, 40, 20], b)
    c = compare_scores(dict(zip("ABCDE", a)), dict(zip("ABCDE", b)), points=LADDER, confidence_level=level)
    assert c.difference == pytest.approx(xa.mean() - xb.mean(), abs=1e-9)
    assert (c.estimate1, c.estimate2, c.n1, c.n2) == (pytest.approx(xa.mean()), pytest.approx(xb.mean()),
                                                      len(xa), len(xb))
    if xa.var() + xb.var() > 0:
        ref = stats.ttest_ind(xa, xb, equal_var=False)
        ci = ref.confidence_interval(confidence_level=level)
        assert c.p_value == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-15)
        assert c.low == pytest.approx(ci.low, rel=1e-9, abs=1e-9)
        assert c.high == pytest.approx(ci.high, rel=1e-9, abs=1e-9)
        assert (c.p_value < 1 - level) == (not c.low <= 0 <= c.high)


def test_scores_ignore_codes_off_the_ladder():
    """A not-applicable option ("F", no points) is not an answer on the ladder."""
    with_na = compare_scores({"A": 8, "B": 2, "F": 30}, {"A": 4, "B": 4, "C": 2, "F": 1}, points=LADDER)
    without = compare_scores({"A": 8, "B": 2}, {"A": 4, "B": 4, "C": 2}, points=LADDER)
    assert with_na == without
    assert (without.n1, without.n2, without.method) == (10, 10, "welch")


def test_scores_without_spread():
    same = compare_scores({"A": 3}, {"A": 5}, points=LADDER)
    assert (same.difference, same.low, same.high, same.p_value) == (0.0, 0.0, 0.0, 1.0)
    apart = compare_scores({"A": 3}, {"B": 5}, points=LADDER)
    assert (apart.difference, apart.low, apart.high, apart.p_value) == (20.0, 20.0, 20.0, 0.0)
    one_sided = compare_scores({"A": 3}, {"A": 2, "B": 2}, points=LADDER)   # Welch with df = n2 − 1:
    ref = stats.ttest_1samp([100, 100, 80, 80], 100)   # the one-sample t test against the constant group
    assert one_sided.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_scores_bad_input():
    with pytest.raises(ValueError, match="a_counts has 1 answer"):
        compare_scores({"A": 1, "F": 9}, {"A": 4, "B": 4}, points=LADDER)
    with pytest.raises(ValueError, match="b_counts has 0 answer"):
        compare_scores({"A": 3}, {}, points=LADDER)
    with pytest.raises(ValueError, match=r"b_counts\['B'\] must not be negative"):
        compare_scores({"A": 3}, {"A": 3, "B": -1}, points=LADDER)
    with pytest.raises(ValueError, match="valid: 'welch'"):
        compare_scores({"A": 3}, {"A": 3}, points=LADDER, method="t")
    with pytest.raises(ValueError, match="points"):
        compare_scores({"A": 3}, {"A": 3}, points={})


def test_holm_and_bh_by_hand():
    p = [0.01, 0.04, 0.03, 0.005]
    # sorted 0.005, 0.01, 0.03, 0.04; Holm ×4, ×3, ×2, ×1 = 0.02, 0.03, 0.06, 0.04 -> running max
    assert adjust_p_values(p) == pytest.approx([0.03, 0.06, 0.06, 0.02], abs=1e-15)
    # BH ×4/1, ×4/2, ×4/3, ×4/4 = 0.02, 0.02, 0.04, 0.04 -> running min from the top
    assert adjust_p_values(p, method="bh") == pytest.approx([0.02, 0.04, 0.04, 0.02], abs=1e-15)
    assert adjust_p_values(p, method="bonferroni") == pytest.approx([0.04, 0.16, 0.12, 0.02], abs=1e-15)
    # sorted 0.3, 0.5, 0.9: ×3, ×2, ×1 = 0.9, 1.0 (capped), 0.9 -> running max 0.9, 1.0, 1.0
    assert adjust_p_values([0.5, 0.3, 0.9]) == pytest.approx([1.0, 0.9, 1.0], abs=1e-15)
    assert adjust_p_values([0.02, 0.02]).tolist() == [0.04, 0.04]   # ties move together


@settings(max_examples=300)
@given(st.lists(st.floats(0, 1), max_size=30))
def test_adjustments_are_monotone_and_bounded(p):
    p_array = np.array(p)
    holm, bh, bonf = (adjust_p_values(p, method=m) for m in ("holm", "bh", "bonferroni"))
    assert np.allclose(bh, stats.false_discovery_control(p_array, method="bh")) if p else bh.size == 0
    for adjusted in (holm, bh, bonf):
        assert adjusted.shape == p_array.shape
        assert np.all(adjusted >= p_array - 1e-15) and np.all(adjusted <= 1)
        order = np.argsort(p_array, kind="stable")
        assert np.all(np.diff(adjusted[order]) >= -1e-15)   # the order of the p-values is kept
    assert np.all(bh <= holm + 1e-15) and np.all(holm <= bonf + 1e-15)


def test_adjust_bad_input():
    assert adjust_p_values([]).shape == (0,)
    for bad in ([0.1, float("nan")], [0.1, 1.5], [-0.01]):
        with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
            adjust_p_values(bad)
    with pytest.raises(ValueError, match="valid: 'holm', 'bh', 'bonferroni'"):
        adjust_p_values([0.1], method="hochberg")
    with pytest.raises(ValueError, match="flat"):
        adjust_p_values([[0.1, 0.2]])
    with pytest.raises(ValueError, match="numbers"):
        adjust_p_values(["a"])


def test_comparison_is_frozen():
    c = compare_rates(1, 2, 1, 2)
    assert isinstance(c, Comparison)
    with pytest.raises(AttributeError):
        c.p_value = 0.0
