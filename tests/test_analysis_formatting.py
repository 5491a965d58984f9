"""The one number format of every page, file and command (analysis/formatting.py)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import formatting
from analysis.formatting import fixed, num, num_below, pct, pct_below, rounded, span


def test_a_percentage_prints_with_one_decimal_and_other_statistics_with_the_stated_decimals():
    assert [pct(22), pct(100), pct(96.0), pct(0)] == ["22.0%", "100.0%", "96.0%", "0.0%"]
    assert [fixed(97.55102040816327), fixed(100), fixed(5.4712, 2)] == ["97.6", "100.0", "5.47"]


def test_a_score_or_a_number_of_the_rule_drops_trailing_zeros():
    assert [num(97.6), num(5.0), num(4.3421), num(0.15), num(100, 0), num(10, 0)] == \
        ["97.6", "5", "4.34", "0.15", "100", "10"]


def test_ties_round_half_away_from_zero_as_a_calculator_does():
    assert [pct(6.25), fixed(0.125, 2), num(2.675), num(4.625)] == ["6.3%", "0.13", "2.68", "4.63"]
    assert rounded(6.25) == 6.3 and rounded(97.55102040816327, 4) == 97.551


def test_equal_shares_print_equally_however_they_were_computed():
    """1 of 80 as 100 × (1/80), 100 / 80 and 100.0 × 1 / 80; 7 of 40 likewise."""
    for x, n in ((1, 80), (7, 40), (1, 16), (47, 49), (2, 3)):
        assert len({pct(100 * (x / n)), pct(100 / n * x), pct(100.0 * x / n)}) == 1


def test_no_negative_zero():
    assert [num(-0.001), fixed(-0.04), pct(-0.0), num(-0.0)] == ["0", "0.0", "0.0%", "0"]


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_a_share_prints_as_its_exact_decimal_rounded_half_up(x, n):
    """Against exact integer arithmetic: round(1000·x/n) with halves up, then one decimal."""
    x = min(x, n)
    tenths, remainder = divmod(2000 * x, 2 * n)
    tenths += remainder >= n  # the half (remainder == n) goes up
    assert pct(100 * x / n) == f"{tenths // 10}.{tenths % 10}%"


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_not_a_number_prints_as_python_does(value):
    assert fixed(value) == f"{value:.1f}" and num(value) == f"{value:.2f}"


def test_an_interval_prints_as_one_range_everywhere():
    """formatting.span: each end in full, an en dash, no spaces; a score's unit once at the end."""
    from analysis.formatting import span
    assert span(86.5399, 98.8961) == "86.5%–98.9%"
    assert span(95.126, 100, "分") == "95.13–100.00 分" and span(95.126, 100, "") == "95.13–100.00"
    assert span(78.11, 95.8, "分") == "78.11–95.80 分" and span(91, 97.5, "分") == "91.0–97.5 分"
    assert span(94.96, 98.2) == "95.0%–98.2%"  # no target: one decimal each


def test_a_satisfaction_figure_just_below_its_target_never_prints_as_reaching_it():
    """189 of 199 (94.97 %) against 95 % prints 94.97%, not 95.0%; at or above the target one decimal stays."""
    assert pct_below(100 * 189 / 199, 95) == "94.97%" and pct_below(96, 95) == "96.0%"
    assert pct_below(95, 95) == "95.0%" and pct_below(100 * 189 / 199, 90) == "95.0%"
    assert pct_below(100 * 189 / 199, None) == "95.0%"  # no target: pct
    assert num_below(94.996, 95) == "94.996" and num_below(97.551, 95) == "97.55"
    assert span(94.96, 98.2, target=95) == "94.96%–98.20%" and span(94.996, 100, "分", 95) == "94.996–100.000 分"


def test_the_points_at_an_intervals_ends_print_as_the_interval_does():
    """'按双侧 95% 置信区间两端（91.47 分、100.00 分）' beside '91.47–100.00 分': one figure, one set of decimals."""
    from analysis.formatting import ends
    assert ends(91.47, 100, "分") == ["91.47", "100.00"] and ends(96.0, 98.25, "分") == ["96.00", "98.25"]
    assert ends(float("nan"), 95.1, "分") == ["nan", "95.1"]


def test_each_end_of_an_interval_is_rounded_to_the_shared_decimals_not_padded():
    """A rate interval whose upper end is kept off a 96.7 % target (96.6725 → 96.67%) prints its lower end 78.1865 %
    as 78.19%, never 78.2% padded to '78.20%'; a score's 99.3632 beside 94.996 (below 95) reads 99.363, not 99.360."""
    from analysis.formatting import ends
    assert span(78.1865, 96.6725, "%", 96.7) == "78.19%–96.67%" and ends(78.1865, 96.6725, "%", 96.7) == ["78.19", "96.67"]
    assert span(94.996, 99.3632, "分", 95) == "94.996–99.363 分"


def test_a_difference_and_its_interval_ends_print_alike():
    """'+10 (−17.47 至 +37.47)' read as a figure rounded to whole points: the three print with one decimals."""
    from types import SimpleNamespace

    from survey_app.reports.breakdown_text import _difference

    assert formatting.nums(10, -17.466, 37.466) == ["10.00", "-17.47", "37.47"]
    assert formatting.nums(4.4, -2.02, 10.8) == ["4.40", "-2.02", "10.80"]
    assert formatting.nums(5, 1, 9) == ["5.00", "1.00", "9.00"]
    # every row of a table with two decimals: not '+2.8 (−5.0 至 +10.6)' beside '+2.40 (−7.18 至 +11.98)'
    assert formatting.nums(2.8, -4.9967, 10.5967) == ["2.80", "-5.00", "10.60"]
    row = SimpleNamespace(score_difference=SimpleNamespace(difference=10.0, low=-17.466, high=37.466))
    assert _difference(row, "score") == "差 10.00 分，95% 置信区间 −17.47 至 37.47 分"


@given(st.lists(st.floats(-1000, 1000, allow_nan=False), min_size=1, max_size=3))
def test_figures_read_together_always_carry_the_same_decimals(xs):
    """A column of score differences reads as one rule whatever the values happen to round to."""
    decimals = {len(text.partition(".")[2]) for text in formatting.nums(*xs)}
    assert len(decimals) == 1  # alike, two unless a (difference, low, high) leaving out 0 needs more (test_p_value_printing)
    assert decimals == {2} or (len(xs) == 3 and (xs[1] > 0 or xs[2] < 0) and decimals.pop() > 2)


def test_places_counts_the_decimals_a_printed_figure_shows():
    """What a spreadsheet cell's number format copies so the cell shows the page's digits (sheet_style.shown)."""
    from analysis.formatting import num, places, span
    assert [places(t) for t in (num(97.6), num(95.0), num(92.494), "94.97%", span(91.47, 100, "分"), "nan")] == \
        [1, 0, 2, 2, 2, 0]
