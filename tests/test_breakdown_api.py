"""Breakdowns by group: each row's figures against the one-group functions and scipy, the comparison with
the rest of the survey, the family adjustment and its marks, small and empty groups, bad input."""

import doctest
import importlib
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import (Breakdown, BreakdownRow, adjust_p_values, breakdown, compare_rates, compare_scores,
                      proportion_interval, satisfaction_score)

LADDER = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}
TOP2 = {"A", "B"}


def newcombe_by_hand(x1, n1, x2, n2, level):
    """Newcombe's method 10 from scipy's Wilson intervals, independent of analysis/."""
    w1 = stats.binomtest(x1, n1).proportion_ci(confidence_level=level, method="wilson")
    w2 = stats.binomtest(x2, n2).proportion_ci(confidence_level=level, method="wilson")
    p1, p2 = x1 / n1, x2 / n2
    return p1 - p2 - math.hypot(p1 - w1.low, w2.high - p2), p1 - p2 + math.hypot(w1.high - p1, p2 - w2.low)


def test_docstring_examples_hold():
    result = doctest.testmod(importlib.import_module("analysis.breakdown"))   # the package's name is the function
    assert result.attempted > 0 and result.failed == 0


def test_rows_carry_the_one_group_figures():
    groups = {"城区": {"A": 30, "B": 10, "C": 5, "E": 1}, "乡镇": {"A": 12, "B": 8, "C": 6, "D": 4}}
    b = breakdown(groups, satisfied=TOP2, points=LADDER)
    assert isinstance(b, Breakdown) and all(isinstance(r, BreakdownRow) for r in b.rows)
    for row, (label, counts) in zip(b.rows, groups.items()):
        n, x = sum(counts.values()), counts.get("A", 0) + counts.get("B", 0)
        exact = proportion_interval(x, n, method="clopper-pearson")  # the survey's own rates' interval
        scipy_exact = stats.binomtest(x, n).proportion_ci(method="exact")
        score = satisfaction_score(counts, points=LADDER, method="gaffke")
        assert (row.label, row.n, row.satisfied, row.rate) == (label, n, x, x / n)
        assert (row.rate_low, row.rate_high) == (exact.low, exact.high)
        assert row.rate_low == pytest.approx(scipy_exact.low, abs=1e-12)
        assert row.rate_high == pytest.approx(scipy_exact.high, abs=1e-12)
        assert (row.score, row.score_low, row.score_high) == (score.score, score.low, score.high)
    everyone = {"A": 42, "B": 18, "C": 11, "D": 4, "E": 1}
    assert (b.total.label, b.total.n, b.total.satisfied) == (None, 76, 60)
    total = proportion_interval(60, 76, method="clopper-pearson")
    assert (b.total.rate_low, b.total.rate_high) == (total.low, total.high)
    assert b.total.score == pytest.approx(satisfaction_score(everyone, points=LADDER).score)
    assert b.total.rate_difference is None and not b.total.marked
    assert (b.confidence_level, b.min_n, b.adjust) == (0.95, 10, "holm")
    assert "Newcombe" in b.method and "Clopper-Pearson" in b.method and "Gaffke" in b.method and "Welch" in b.method


def test_each_group_is_compared_with_the_rest_of_the_survey():
    groups = {"a": {"A": 20, "C": 5}, "b": {"A": 10, "B": 5, "D": 10}, "c": {"B": 30, "E": 3}}
    b = breakdown(groups, satisfied=TOP2, points=LADDER)
    # "a" against b and c pooled: 45 satisfied of 58; scores against {"A": 10, "B": 35, "D": 10, "E": 3}
    a = b.rows[0]
    assert a.rate_difference == compare_rates(20, 25, 45, 58)
    assert a.score_difference == compare_scores(groups["a"], {"A": 10, "B": 35, "D": 10, "E": 3}, points=LADDER,
                                                method="welch-bounded")
    xa = np.repeat([100, 60], [20, 5])
    rest = np.repeat([100, 80, 40, 20], [10, 35, 10, 3])
    # Welch's t with each variance from the answers plus one pseudo-answer at each end of the ladder
    v1, v2 = (np.append(x, [20, 100]).var(ddof=1) / len(x) for x in (xa, rest))
    t = (xa.mean() - rest.mean()) / np.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 ** 2 / (len(xa) - 1) + v2 ** 2 / (len(rest) - 1))
    assert a.score_difference.p_value == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-9)
    assert compare_scores(groups["a"], {"A": 10, "B": 35, "D": 10, "E": 3}, points=LADDER).p_value == \
        pytest.approx(stats.ttest_ind(xa, rest, equal_var=False).pvalue, rel=1e-9)  # plain Welch stays scipy's


def test_a_small_group_all_very_satisfied_is_not_taken_as_known_exactly():
    """12 of 12 非常满意 has no spread: plain Welch calls +12.7 points significant at p = 5e-14; the
    bounded Welch the breakdown uses does not, agreeing with the group's own wide Gaffke interval."""
    groups = {"窗口1": {"A": 12}, "窗口2": {"A": 10, "B": 20}, "窗口3": {"A": 12, "B": 18}}
    b = breakdown(groups, satisfied={"A", "B"}, points=LADDER)
    one = b.rows[0]
    assert one.score_low < 80 and not one.score_marked and one.score_p_value > 0.05
    assert compare_scores(groups["窗口1"], {"A": 22, "B": 38}, points=LADDER).p_value < 1e-10  # plain Welch
    assert -80 <= one.score_difference.low <= one.score_difference.high <= 80  # clipped to the ladder's range
    p = [row.p_value for row in b.rows]
    assert [row.adjusted_p for row in b.rows] == pytest.approx(adjust_p_values(p, method="holm").tolist())
    score_p = [row.score_p_value for row in b.rows]
    assert [row.score_adjusted_p for row in b.rows] == pytest.approx(adjust_p_values(score_p).tolist())


def test_a_group_of_17_is_not_marked_on_a_nominal_p_below_005():
    """14 of 17 against 268 of 283 (a survey of 300, the rest at two windows): Newcombe p = 0.037 on its own,
    but three groups make a family of three; Holm triples the smallest p, and the 98.33 % interval (the same
    decision) holds 0."""
    b = breakdown({"窗口一": {"A": 14, "D": 3}, "窗口二": {"A": 134, "D": 8}, "窗口三": {"A": 134, "D": 7}},
                  satisfied={"A"})
    row = b.rows[0]
    assert row.n == 17 and not row.small
    assert 0.025 < row.p_value < 0.05
    assert row.adjusted_p == pytest.approx(3 * row.p_value)
    low, high = newcombe_by_hand(14, 17, 268, 283, 1 - 0.05 / 3)
    assert low < 0 < high
    assert not row.marked and row.direction is None
    assert not b.rows[1].marked and not b.rows[2].marked
    # the same 17 against one other window holding the rest: one comparison, nothing to adjust, marked
    two = breakdown({"窗口一": {"A": 14, "D": 3}, "其他": {"A": 268, "D": 15}}, satisfied={"A"})
    assert two.rows[0].adjusted_p == two.rows[0].p_value and two.rows[0].marked


def test_a_group_of_17_is_marked_when_the_difference_is_real():
    b = breakdown({"窗口一": {"A": 8, "D": 9}, "其他": {"A": 270, "D": 13}}, satisfied={"A"})
    low, high = newcombe_by_hand(8, 17, 270, 283, 0.975)
    assert high < 0
    assert b.rows[0].marked and b.rows[0].direction == "lower"
    assert b.rows[1].marked and b.rows[1].direction == "higher"
    assert b.rows[0].rate_difference.difference == pytest.approx(8 / 17 - 270 / 283)


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=6),
       st.tuples(st.integers(0, 200), st.integers(0, 200)))
def test_small_groups_are_never_marked(small_groups, big):
    groups = {f"g{i}": {"A": s, "E": u} for i, (s, u) in enumerate(small_groups) if s + u < 10}
    groups["big"] = {"A": big[0], "E": big[1]}
    b = breakdown(groups, satisfied={"A"})
    for row in b.rows:
        if row.n < 10:
            assert row.small and not row.marked and row.direction is None
            assert row.p_value is row.adjusted_p is row.rate_difference is None
        if row.n == 0:
            assert row.rate is row.rate_low is row.score is None


def test_an_extreme_small_group_is_still_not_compared():
    b = breakdown({"小": {"E": 9}, "大": {"A": 291}}, satisfied={"A"})
    small, big = b.rows
    assert small.small and small.rate == 0.0 and small.rate_high < 0.35 and not small.marked
    assert not big.small and big.rate_difference is None and not big.marked  # its rest is the 9: too few


def test_a_group_is_compared_only_with_a_rest_of_min_n_answers():
    """15 answers against a rest of 2 (an outside review found "明显高于其余样本" on such a table): not compared;
    with a rest of min_n it is, and a family of one is left unadjusted."""
    b = breakdown({"综合窗口": {"A": 15}, "小窗口": {"C": 1, "E": 1}}, satisfied={"A"}, points=LADDER)
    assert all(r.rate_difference is None and r.score_difference is None and not r.marked for r in b.rows)
    b = breakdown({"综合窗口": {"A": 15}, "小窗口": {"C": 5, "E": 5}}, satisfied={"A"}, points=LADDER)
    big = b.rows[0]
    assert big.rate_difference is not None and big.marked and big.adjusted_p == big.p_value


def test_the_total_carries_the_finite_population_correction_as_the_survey_figure_does():
    from analysis import satisfaction_rate, satisfaction_score
    groups = {"东区": {"A": 20, "C": 5}, "西区": {"A": 10, "B": 5}}
    b = breakdown(groups, satisfied={"A", "B"}, points=LADDER, population=80)
    pooled = {"A": 30, "B": 5, "C": 5}
    rate = satisfaction_rate(pooled, satisfied={"A", "B"}, population=80)
    score = satisfaction_score(pooled, points=LADDER, method="gaffke", population=80)
    assert (b.total.rate_low, b.total.rate_high) == (rate.ci.low, rate.ci.high)
    assert (b.total.score_low, b.total.score_high) == (score.ci.low, score.ci.high)
    plain = breakdown(groups, satisfied={"A", "B"}, points=LADDER)
    assert plain.total.rate_low < b.total.rate_low and plain.rows == b.rows  # the groups: no correction


def test_labels_pass_through_as_given():
    groups = {"（未作答）": {"A": 5, "C": 6}, "": {"A": 3}, "女": {"A": 40, "B": 2}, None: {"C": 1}}
    b = breakdown(groups, satisfied=TOP2)
    assert [row.label for row in b.rows] == ["（未作答）", "", "女", None]


def test_empty_and_lonely_groups():
    b = breakdown({"有": {"A": 30, "C": 5}, "无": {}, "零": {"A": 0, "C": 0}}, satisfied={"A"}, points=LADDER)
    lonely, empty, zero = b.rows
    assert empty.n == 0 and empty.small and empty.rate is None and empty.score is None
    assert zero.n == 0 and zero.rate is None
    assert not lonely.small and lonely.rate == 30 / 35
    assert lonely.rate_difference is None and lonely.score_difference is None   # there is no rest
    assert lonely.p_value is None and not lonely.marked
    nobody = breakdown({"x": {}}, satisfied={"A"})
    assert nobody.total.n == 0 and nobody.total.rate is None


@pytest.mark.parametrize("adjust", ["holm", "bh", "bonferroni", "none"])
def test_adjust_methods(adjust):
    groups = {g: {"A": a, "C": 40 - a} for g, a in zip("abcde", (38, 30, 35, 20, 33))}
    b = breakdown(groups, satisfied={"A"}, adjust=adjust)
    p = [row.p_value for row in b.rows]
    expected = p if adjust == "none" else adjust_p_values(p, method=adjust).tolist()
    assert [row.adjusted_p for row in b.rows] == pytest.approx(expected)
    for row in b.rows:
        assert row.marked == (row.adjusted_p < 0.05)
        assert row.direction == (None if not row.marked else "higher" if row.rate_difference.difference > 0
                                 else "lower")
    assert b.adjust == adjust
    assert b.rows[3].marked and b.rows[3].direction == "lower"   # 20 of 40 against 136 of 160


def test_score_marks_follow_the_score_family():
    groups = {"a": {"A": 5, "E": 25}, "b": {"A": 28, "B": 2}, "c": {"A": 20, "B": 10}}
    b = breakdown(groups, satisfied=TOP2, points=LADDER, confidence_level=0.9)
    a = b.rows[0]
    assert a.score_marked and a.score_direction == "lower" and a.score_adjusted_p < 0.1
    assert a.score_difference.confidence_level == 0.9 and a.rate_difference.confidence_level == 0.9
    assert all(row.score_marked == (row.score_adjusted_p < 0.1) for row in b.rows)


def test_bad_input():
    good = {"a": {"A": 5}}
    with pytest.raises(ValueError, match="valid: 'holm', 'bh', 'bonferroni', 'none'"):
        breakdown(good, satisfied={"A"}, adjust="fdr")
    with pytest.raises(ValueError, match="min_n must be at least 1"):
        breakdown(good, satisfied={"A"}, min_n=0)
    with pytest.raises(ValueError, match="must not be negative"):
        breakdown({"a": {"A": 5, "B": -1}}, satisfied={"A"})
    with pytest.raises(ValueError, match="points gives no value for option"):
        breakdown({"a": {"A": 5, "F": 1}}, satisfied={"A"}, points=LADDER)
    with pytest.raises(ValueError, match="satisfied"):
        breakdown(good, satisfied="AB")
    with pytest.raises(ValueError, match="groups must map"):
        breakdown([("a", {"A": 1})], satisfied={"A"})
    with pytest.raises(ValueError, match="confidence_level"):
        breakdown(good, satisfied={"A"}, confidence_level=1.5)


def test_two_groups_holding_every_answer_are_one_comparison_not_adjusted_twice():
    """按性别 with two groups: "men vs the rest" is "women vs the rest" turned round; Holm over the pair would
    double the one p-value. With a third (small) group in the rest they are two comparisons again."""
    b = breakdown({"男": {"A": 20, "B": 5, "C": 5}, "女": {"A": 30, "B": 2, "C": 2}}, satisfied=("A", "B"),
                  points={"A": 100, "B": 80, "C": 60})
    for row in b.rows:
        assert row.adjusted_p == row.p_value and row.score_adjusted_p == row.score_p_value
    assert b.rows[0].p_value == pytest.approx(b.rows[1].p_value, rel=1e-9)
    three = breakdown({"男": {"A": 20, "B": 5, "C": 5}, "女": {"A": 30, "B": 2, "C": 2}, "未答": {"A": 3}},
                      satisfied=("A", "B"))
    assert any(row.adjusted_p is not None and row.adjusted_p > row.p_value for row in three.rows)
