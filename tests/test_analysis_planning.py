"""Target tests, sample planning, design effects and percent tables."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fractions import Fraction

from analysis.tables import rounded_percent
from analysis import (cluster_design_effect, design_effect, margin_of_error, percent_table, proportion_interval,
                      sample_size, target_test)

# --- target_test -----------------------------------------------------------------------------------


def test_verdicts_follow_the_one_sided_bounds():
    met = target_test(199, 200, target=0.95)
    missed = target_test(80, 100, target=0.95)
    assert met.verdict == "met" and met.low >= 0.95 and met.n_to_resolve is None
    assert missed.verdict == "missed" and missed.high < 0.95 and missed.p_value < 0.05
    assert met.low == pytest.approx(proportion_interval(199, 200, method="clopper-pearson",
                                                        alternative="greater").low)


def test_all_satisfied_at_50_resolves_at_59():
    """50 of 50 vs 95 %: the one-sided lower bound 0.05^(1/m) reaches 0.95 first at m = 59."""
    result = target_test(50, 50, target=0.95)
    assert result.verdict == "unresolved" and result.resolves_as == "met"
    assert result.n_to_resolve == 59 == math.ceil(math.log(0.05) / math.log(0.95))


@settings(max_examples=60, deadline=None)
@given(st.integers(10, 400), st.floats(0.02, 0.98), st.sampled_from([0.8, 0.9, 0.95]))
def test_n_to_resolve_is_the_first_resolving_size(n, share, target):
    x = round(share * n)
    result = target_test(x, n, target=target)
    if result.verdict != "unresolved" or result.n_to_resolve is None:
        return
    m, rate = result.n_to_resolve, x / n
    from analysis.targets import _one_sided
    low, high = _one_sided(rate * m, m, 0.95)
    before_low, before_high = _one_sided(rate * (m - 1), m - 1, 0.95)
    if result.resolves_as == "met":
        assert low >= target > before_low or m - 1 == n
    else:
        assert high < target <= before_high or m - 1 == n


def test_observed_rate_equal_to_target_never_resolves():
    result = target_test(19, 20, target=0.95)
    assert result.verdict == "unresolved" and result.n_to_resolve is None and result.resolves_as is None


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((48, 50), {"target": 95}, r"target must be a fraction in \(0, 1\), got 95 \(a fraction: did you mean 0.95\?\)"),
    ((48, 50), {"target": 0}, "target must be a fraction"),
    ((51, 50), {"target": 0.9}, "must not exceed n"),
    ((0, 0), {"target": 0.9}, "n must be positive"),
])
def test_target_test_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        target_test(*args, **kwargs)


# --- sample_size / margin_of_error ------------------------------------------------------------------


def test_sample_size_textbook_values():
    """Cochran: p = 0.5, e = 0.05, 95 % → 384.15 → 385; with N = 1000 → 278; deff 2 doubles n0."""
    assert sample_size(expected_rate=0.5, margin=0.05) == 385
    assert sample_size(expected_rate=0.5, margin=0.05, population=1000) == 278
    assert sample_size(expected_rate=0.5, margin=0.05, design_effect=2) == 769
    assert sample_size(expected_rate=0.5, margin=0.03) == 1068


def test_sample_size_rounds_before_the_ceiling():
    """n0 that is a whole number up to binary noise must not be pushed to the next integer."""
    from analysis.intervals import z_value
    z = z_value(0.95)
    e = z * math.sqrt(0.25 / 103)       # n0 = z²·0.25/e² comes out as 103.00000000000001
    assert z * z * 0.25 / (e * e) > 103
    assert sample_size(expected_rate=0.5, margin=e) == 103


@settings(max_examples=200)
@given(st.floats(0.05, 0.95), st.floats(0.01, 0.2), st.one_of(st.none(), st.integers(50, 100_000)))
def test_margin_of_error_inverts_sample_size(p, e, population):
    n = sample_size(expected_rate=p, margin=e, population=population)
    if population is not None:
        n = min(n, population)
    assert margin_of_error(rate=p, n=n, population=population) <= e + 1e-12
    if n > 1:
        assert margin_of_error(rate=p, n=n - 1, population=population) > e - 1e-9


def test_margin_of_error_with_population():
    plain = margin_of_error(rate=0.9, n=100)
    assert plain == pytest.approx(1.959963984540054 * math.sqrt(0.09 / 100))
    assert margin_of_error(rate=0.9, n=100, population=500) == pytest.approx(plain * math.sqrt(400 / 499))
    assert margin_of_error(rate=0.9, n=100, population=100) == 0.0


@pytest.mark.parametrize(("call", "message"), [
    (lambda: sample_size(expected_rate=95, margin=0.05), "did you mean 0.95"),
    (lambda: sample_size(expected_rate=0.9, margin=0), "margin must be a fraction"),
    (lambda: sample_size(expected_rate=0.9, margin=0.05, design_effect=0), "design_effect must be a positive"),
    (lambda: sample_size(expected_rate=0.9, margin=0.05, population=1), "population must be at least 2"),
    (lambda: margin_of_error(rate=0.9, n=0), "n must be positive"),
    (lambda: margin_of_error(rate=0.9, n=10, population=5), "larger than the population"),
    (lambda: design_effect(cluster_size=0.5, icc=0.1), "cluster_size must be at least 1"),
    (lambda: design_effect(cluster_size=10, icc=2), r"icc must lie in \[-1, 1\]"),
])
def test_planning_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- design effects ---------------------------------------------------------------------------------


def test_kish_design_effect():
    assert design_effect(cluster_size=25, icc=0.05) == pytest.approx(2.2)
    assert design_effect(cluster_size=1, icc=0.3) == 1.0


def test_cluster_design_effect_from_collection_points():
    alike = cluster_design_effect({"window 1": (18, 20), "window 2": (27, 30), "window 3": (9, 10)})
    assert alike.design_effect < 1 and alike.effective_n == alike.n == 60     # never more precise than SRS
    apart = cluster_design_effect({"window 1": (20, 20), "window 2": (10, 30), "window 3": (10, 10)})
    assert apart.design_effect > 3 and apart.effective_n == pytest.approx(60 / apart.design_effect)
    srs = proportion_interval(40, 60)
    assert apart.ci.width > srs.ci.width and apart.rate == pytest.approx(40 / 60)
    with pytest.raises(ValueError, match="at least 2 collection points"):
        cluster_design_effect({"only": (3, 4)})
    with pytest.raises(ValueError, match=r"satisfied_count \(5\) exceeds n \(4\)"):
        cluster_design_effect({"a": (5, 4), "b": (1, 2)})


# --- percent_table ----------------------------------------------------------------------------------


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=12).filter(lambda c: sum(c) > 0),
       st.integers(0, 3))
def test_each_percentage_is_its_own_count_correctly_rounded(counts, decimals):
    """Equal counts print equal percentages; the column may miss 100 by rounding, and then says so."""
    table = percent_table({f"o{i}": c for i, c in enumerate(counts)}, decimals=decimals)
    for row, count in zip(table.rows, counts):
        exact = Fraction(100 * count, table.n)
        assert row.count == count
        assert abs(Fraction(row.percent).limit_denominator(10**decimals) - exact) <= Fraction(1, 2 * 10**decimals)
        assert row.percent == rounded_percent(count, table.n, decimals)
    by_count = {}
    for row in table.rows:
        assert by_count.setdefault(row.count, row.percent) == row.percent
    assert table.adds_up == (table.total_percent == 100) and (table.note == "") == table.adds_up


def test_percent_table_fixes_the_annex_ages_and_notes_rounding():
    """Seed 000 printed the ages 11/19/17/3 of 50 as 22 + 48 + 34 + 6 = 110 %; equal counts print alike."""
    table = percent_table({"18-30": 11, "31-45": 19, "46-60": 17, "60+": 3})
    assert [row.percent for row in table.rows] == [22.0, 38.0, 34.0, 6.0] and table.note == ""
    thirds = percent_table({"a": 1, "b": 1, "c": 1})
    assert [row.percent for row in thirds.rows] == [33.3, 33.3, 33.3]
    assert thirds.total_percent == 99.9 and thirds.note == "因四舍五入，合计可能不等于100%。"
    # the cases: 10 of 57 is 17.5 % wherever it appears; 11 of 59 is 18.6 % (18.64 %)
    assert {r.percent for r in percent_table({"a": 10, "b": 10, "c": 37}).rows if r.count == 10} == {17.5}
    assert percent_table({"a": 11, "b": 48}).rows[0].percent == 18.6


def test_percent_table_bad_input():
    with pytest.raises(ValueError, match=r"no answers \(n = 0\)"):
        percent_table({"A": 0})
    with pytest.raises(ValueError, match="must not be negative"):
        percent_table({"A": -2, "B": 5})
    with pytest.raises(ValueError, match="decimals must be a whole number from 0 to 6"):
        percent_table({"A": 1}, decimals=-1)


def test_a_design_effect_below_one_is_refused_as_in_estimation():
    from analysis import sample_size
    with pytest.raises(ValueError, match="at least 1"):
        sample_size(expected_rate=0.5, margin=0.05, design_effect=0.5)
    assert sample_size(expected_rate=0.5, margin=0.05, design_effect=1) == 385  # z²·p(1−p)/e², as before
