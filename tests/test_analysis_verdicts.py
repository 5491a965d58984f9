"""One verdict per figure (analysis.verdicts): rates (exact binomial, exact hypergeometric with N, stratified)
and scores (analysis.score_bounds), the bound that decides, and the edge cases with their stated answers.

References: Clopper–Pearson bounds from scipy.stats.beta quantiles; the hypergeometric bounds by brute force
over every population count K with scipy.stats.hypergeom (abs 1e-12); the issue's case 25 of 25 from N = 30
against 90 % (p = 0.0002).
"""
import math

import numpy as np
import pytest
from scipy import stats

from analysis import (composite_score, rate_verdict, satisfaction_rate, satisfaction_score, score_verdict,
                      stratified_rate_verdict, verdict_points, verdict_text)
from analysis.formatting import pct

LADDER = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}
Q5 = {"A": 46, "B": 2, "C": 2, "D": 0, "E": 0}


def test_a_rate_is_judged_by_its_one_sided_clopper_pearson_bounds():
    v = rate_verdict(48, 50, target=0.95)
    assert v.low == pytest.approx(stats.beta.ppf(0.05, 48, 3), abs=1e-12)
    assert v.high == pytest.approx(stats.beta.ppf(0.95, 49, 2), abs=1e-12)
    assert (v.verdict, v.deciding, v.n_to_resolve) == ("unresolved", "lower", 1332)
    assert v.p_value == pytest.approx(stats.binomtest(48, 50, 0.95, alternative="greater").pvalue, abs=1e-12)
    assert verdict_text(v) == "单侧 95% 置信下限 87.9%低于目标值 95%，在抽样误差范围内尚不能排除总体满意度低于目标"


def test_49_of_50_against_90_is_met_by_the_printed_lower_bound():
    """The issue's case: the two-sided Wilson interval (89.5–99.6 %) holds 90 %, the one-sided bound decides."""
    v = rate_verdict(49, 50, target=0.9)
    assert v.verdict == "met" and v.low >= 0.9 and v.ci.low < 0.9
    assert verdict_text(v).startswith(f"单侧 95% 置信下限 {pct(100 * v.low, toward='down')}，不低于目标值 90%")


def _brute_force_bounds(x, n, total, alpha):
    counts = range(x, total - (n - x) + 1)
    low = min(k for k in counts if stats.hypergeom.sf(x - 1, total, k, n) > alpha)
    high = max(k for k in counts if stats.hypergeom.cdf(x, total, k, n) > alpha)
    return low / total, high / total


@pytest.mark.parametrize(("x", "n", "total"), [(25, 25, 30), (48, 50, 60), (48, 50, 500), (0, 10, 40), (7, 20, 21),
                                                (30, 40, 41), (1, 1, 3)])
def test_with_a_population_the_bounds_are_the_exact_hypergeometric_ones(x, n, total):
    v = rate_verdict(x, n, target=0.9, population=total)
    assert (v.low, v.high) == pytest.approx(_brute_force_bounds(x, n, total, 0.05), abs=1e-12)
    assert v.population == total and "hypergeometric" in v.method
    assert v.interval_method == "exact hypergeometric, two-sided (population N)"
    assert (v.ci.low, v.ci.high) == pytest.approx(
        (satisfaction_rate({"y": x, "n": n - x}, satisfied={"y"}, population=total).ci.low,
         satisfaction_rate({"y": x, "n": n - x}, satisfied={"y"}, population=total).ci.high), abs=1e-12)


def test_25_of_25_from_30_against_90_percent_is_met_with_p_0_0002():
    v = rate_verdict(25, 25, target=0.9, population=30)
    assert v.verdict == "met" and v.p_value == pytest.approx(26 / math.comb(30, 25), rel=1e-9)
    assert round(v.p_value, 4) == 0.0002
    assert rate_verdict(25, 25, target=0.9).verdict == "unresolved"  # without N: 25/25 shows only 88.7 %


def test_a_census_is_judged_on_the_rate_itself():
    assert rate_verdict(29, 30, target=0.95, population=30).verdict == "met"      # 96.7 %
    assert rate_verdict(28, 30, target=0.95, population=30).verdict == "missed"   # 93.3 %
    assert rate_verdict(30, 30, target=1, population=30).verdict == "met"


def test_a_100_percent_target_is_missed_by_one_short_answer_and_otherwise_unresolved():
    assert rate_verdict(49, 50, target=1).verdict == "missed"
    everyone = rate_verdict(50, 50, target=1)
    assert everyone.verdict == "unresolved" and everyone.n_to_resolve is None


def test_nothing_to_judge_and_an_out_of_date_population_raise():
    with pytest.raises(ValueError, match="n = 0|n must be"):
        rate_verdict(0, 0, target=0.9)
    with pytest.raises(ValueError, match="population"):
        rate_verdict(40, 50, target=0.9, population=30)
    with pytest.raises(ValueError, match=r"target must be a fraction"):
        rate_verdict(48, 50, target=95)


def test_a_stratified_rate_follows_the_weights_and_fay_feuer():
    """Fay & Feuer's gamma bound on the weighted dissatisfied: a_h = w_h/n_h, q = Σ a_h·d_h, v = Σ a_h²·d_h,
    the lower bound of the rate 1 − Gamma⁻¹(0.95; (q + a_max)²/(v + a_max²), scale (v + a_max²)/(q + a_max))."""
    strata = {"hall": (45, 50, 0.8), "window": (20, 25, 0.2)}
    v = stratified_rate_verdict(strata, target=0.75)
    p = 0.8 * 0.9 + 0.2 * 0.8
    a, d = (0.8 / 50, 0.2 / 25), (5, 5)
    q, var, top = sum(x * y for x, y in zip(a, d)), sum(x * x * y for x, y in zip(a, d)), max(a)
    assert v.estimate == pytest.approx(p, abs=1e-12) and v.n == 75
    upper = stats.gamma.ppf(0.95, (q + top) ** 2 / (var + top ** 2), scale=(var + top ** 2) / (q + top))
    assert v.low == pytest.approx(1 - upper, abs=1e-9)
    assert v.high == pytest.approx(1 - stats.gamma.ppf(0.05, q * q / var, scale=var / q), abs=1e-9)
    assert v.verdict == "met" and v.method.startswith("stratified")
    # unweighted, the smaller window pulls the estimate the other way
    assert rate_verdict(65, 75, target=0.75).estimate < v.estimate


def test_a_stratum_with_a_share_but_no_answers_is_refused():
    with pytest.raises(ValueError, match="no answers"):
        stratified_rate_verdict({"hall": (45, 50, 0.8), "window": (0, 0, 0.2)}, target=0.9)


def test_a_design_effect_below_one_is_refused():
    with pytest.raises(ValueError, match="design_effect"):
        satisfaction_rate(Q5, satisfied={"A", "B"}, design_effect=0.8)


def test_the_printed_deciding_bound_never_contradicts_the_verdict():
    """Bounds print rounded down: met ⇔ printed lower bound ≥ target, missed ⇔ printed upper bound < target
    (every x ≤ n ≤ 300)."""
    for n in range(1, 301):
        for x in range(n + 1):
            v = rate_verdict(x, n, target=0.95)
            printed = float(pct(100 * v.low, toward="down")[:-1])
            assert (v.verdict == "met") == (printed >= 95)
            printed_high = float(pct(100 * v.high, toward="down")[:-1])
            assert (v.verdict == "missed") == (printed_high < 95)


def test_a_score_is_judged_by_score_bounds_and_the_points_sentence_says_so():
    score = satisfaction_score(Q5, points=LADDER)
    v = score_verdict(score, target=95)
    assert v.figure == "score" and v.n == 50 and v.low <= 97.6 <= v.high
    assert v.verdict == ("met" if v.low >= 95 else "unresolved")
    points = verdict_points(v, rule="xinjiang-c51")
    sentence = points.at_estimate.sentence
    assert "满意度得分为 97.6 分（百分制，评分标准中的“95%”按 95 分理解）" in sentence
    assert "单侧 95% 置信下限" in sentence and "分，" in sentence and "97.6%" not in sentence


def test_all_answers_at_the_top_do_not_prove_a_100_score():
    v = score_verdict(satisfaction_score({"A": 50}, points=LADDER), target=100)
    assert v.verdict == "unresolved" and v.low < 100


def test_a_composite_score_is_judged_the_same_way():
    rows = [{"q3": "A", "q5": "A"}] * 30 + [{"q3": "B", "q5": "C"}] * 10
    score = composite_score(rows, points=LADDER, weights={"q3": 1, "q5": 2})
    v = score_verdict(score, target=90)
    assert v.n == 40 and v.low <= score.score <= v.high


def _false_met_share(probabilities, target, n=50, samples=2000):
    draws = np.random.default_rng(2024).multinomial(n, probabilities, size=samples)
    met = 0
    for d in draws:
        score = satisfaction_score(dict(zip("ABCDE", map(int, d))), points=LADDER)
        met += score_verdict(score, target=target).verdict == "met"
    return met / samples


@pytest.mark.parametrize(("probabilities", "target"), [([0.8, 0.1, 0.1, 0, 0], 94), ([0.85, 0.05, 0.1, 0, 0], 95),
                                                        ([0, 0.25, 0.5, 0.25, 0], 60)])
def test_false_met_at_the_boundary_stays_within_the_level(probabilities, target):
    """Simulated (seed 2024, 2000 samples of n = 50) at a true mean equal to the target: 'met' ≤ 5 % + 1 %
    (the old t bound gave 8.4 % for 80/10/10 %)."""
    assert _false_met_share(probabilities, target) <= 0.06


def test_score_verdict_refuses_what_it_cannot_judge():
    with pytest.raises(ValueError, match="target must be a number"):
        score_verdict(satisfaction_score(Q5, points=LADDER), target=float("nan"))
    with pytest.raises(ValueError, match="ScoreResult"):
        score_verdict(97.6, target=95)


def test_a_score_on_another_ladder_cannot_feed_a_percentage_rule():
    score = satisfaction_score({"A": 40, "B": 10}, points={"A": 5, "B": 4})
    with pytest.raises(ValueError, match="0–100 ladder"):
        verdict_points(score_verdict(score, target=4.5), rule="xinjiang-c51")


@pytest.mark.parametrize("total", [None, 60, 500, 10**7])
def test_the_verdict_and_the_planner_agree_on_what_a_count_shows(total):
    """"met" exactly from the smallest count the planner says can show the target (one sum for both)."""
    from analysis import min_successes_to_show

    for n in (10, 25, 50):
        x_min = min_successes_to_show(n, target=0.9, population=total)
        for x in range(n + 1):
            met = rate_verdict(x, n, target=0.9, population=total).verdict == "met"
            assert met == (x_min is not None and x >= x_min), (n, x, x_min)


def test_a_stratified_score_is_fay_feuer_on_the_shortfall_from_the_top():
    """Σ w_h·m_h, and the gamma bound of the answers' weighted shortfall (100 − y)/80 on the 20–100 ladder."""
    from analysis import stratified_score_verdict

    hall = satisfaction_score({"A": 90, "B": 10}, points=LADDER)
    window = satisfaction_score({"A": 30, "C": 10}, points=LADDER)
    v = stratified_score_verdict({"hall": (hall, 3), "window": (window, 1)}, target=90)
    assert v.estimate == pytest.approx(0.75 * 98 + 0.25 * 90, abs=1e-12)
    a = (0.75 / 100, 0.25 / 40)
    s1, s2 = (10 * 0.25, 10 * 0.5), (10 * 0.25 ** 2, 10 * 0.5 ** 2)
    q, var, top = a[0] * s1[0] + a[1] * s1[1], a[0] ** 2 * s2[0] + a[1] ** 2 * s2[1], max(a)
    upper = stats.gamma.ppf(0.95, (q + top) ** 2 / (var + top ** 2), scale=(var + top ** 2) / (q + top))
    assert v.low == pytest.approx(100 - 80 * upper, abs=1e-9)
    assert v.high == pytest.approx(100 - 80 * stats.gamma.ppf(0.05, q * q / var, scale=var / q), abs=1e-9)
    assert v.method.startswith("stratified") and v.n == 140
    with pytest.raises(ValueError, match="no answers"):
        stratified_score_verdict({"hall": (hall, 0.8), "empty": (None, 0.2)}, target=90)


def test_shares_in_proportion_to_the_answers_stay_close_to_the_simple_bound():
    """Entering 办件量 proportional to the answers must not change the verdict (it did when each point's bound
    was Bonferroni-adjusted): 29 and 20 answers, 办件量 290 and 200. The gamma bound is a little lower than
    Gaffke's of all answers (it treats the shortfall as Poisson), never higher."""
    from analysis import score_verdict, stratified_score_verdict

    hall = satisfaction_score({"A": 28, "B": 1}, points=LADDER)
    window = satisfaction_score({"A": 17, "B": 1, "C": 2}, points=LADDER)
    pooled = satisfaction_score({"A": 45, "B": 2, "C": 2}, points=LADDER, method="gaffke")
    v = stratified_score_verdict({"hall": (hall, 290), "window": (window, 200)}, target=90)
    simple = score_verdict(pooled, target=90)
    assert v.estimate == pytest.approx(simple.estimate, abs=1e-9)
    assert simple.low - 2 < v.low <= simple.low and v.verdict == simple.verdict == "met"


def test_a_stratified_score_on_two_values_is_the_stratified_rates_bound():
    """On a ladder of two values the score is a rate: Gaffke at n_eff is Clopper–Pearson at n_eff."""
    from analysis import stratified_rate_verdict, stratified_score_verdict

    two = {"A": 100, "B": 0}
    a = satisfaction_score({"A": 40, "B": 10}, points=two)
    b = satisfaction_score({"A": 18, "B": 2}, points=two)
    score = stratified_score_verdict({"a": (a, 0.3), "b": (b, 0.7)}, target=80)
    rate = stratified_rate_verdict({"a": (40, 50, 0.3), "b": (18, 20, 0.7)}, target=0.8)
    assert score.low == pytest.approx(100 * rate.low, abs=1e-6) and score.high == pytest.approx(100 * rate.high, abs=1e-6)


def test_false_met_of_a_stratified_score_stays_within_the_level():
    """Two points at true score exactly 95 (80/15/5 % and 90/5/0/5 %), shares 0.6/0.4, n = 60 and 40."""
    from analysis import stratified_score_verdict

    rng = np.random.default_rng(7)
    p1, p2 = [0.8, 0.15, 0.05, 0, 0], [0.9, 0.05, 0, 0.05, 0]
    true = 0.6 * np.dot(p1, [100, 80, 60, 40, 20]) + 0.4 * np.dot(p2, [100, 80, 60, 40, 20])
    met = 0
    for _ in range(400):
        a, b = rng.multinomial(60, p1), rng.multinomial(40, p2)
        s1 = satisfaction_score(dict(zip("ABCDE", map(int, a))), points=LADDER)
        s2 = satisfaction_score(dict(zip("ABCDE", map(int, b))), points=LADDER)
        met += stratified_score_verdict({"1": (s1, 0.6), "2": (s2, 0.4)}, target=true).verdict == "met"
    assert met / 400 <= 0.05


def test_a_heavy_point_whose_few_answers_agree_is_not_taken_as_measured_exactly():
    """3 answers at the top with a 90 % share and 500 mixed ones with 10 %: the 3 have variance 0, so σ²/Var
    alone would give them the precision of all 503. The design's effective size 1/Σ(w²/n) ≈ 3.3 caps it,
    for the score and for the rate alike."""
    from analysis import stratified_rate_verdict, stratified_score_verdict

    few = satisfaction_score({"A": 3}, points=LADDER)
    many = satisfaction_score({"A": 250, "E": 250}, points=LADDER)
    v = stratified_score_verdict({"big": (few, 0.9), "small": (many, 0.1)}, target=88)
    assert v.estimate == pytest.approx(0.9 * 100 + 0.1 * 60) and v.verdict != "met" and v.low < 88
    r = stratified_rate_verdict({"big": (3, 3, 0.9), "small": (250, 500, 0.1)}, target=0.85)
    assert r.estimate == pytest.approx(0.95) and r.verdict != "met"


def test_an_upper_bound_just_above_the_target_prints_above_it():
    """Bounds print rounded down; an upper bound of 95.07% would print as 95.0% "高于目标值 95%": it gets the
    decimals that show it above. One that rounds clearly below or above keeps one decimal."""
    v = rate_verdict(36, 41, target=0.95)
    assert v.verdict == "unresolved" and 0.9505 < v.high < 0.951
    text = verdict_text(v)
    assert text.startswith("单侧 95% 置信上限 95.0") and "高于目标值 95%" in text
    shown = float(text.split("上限 ")[1].split("%")[0])
    assert 95 < shown <= 100 * v.high
    assert verdict_text(rate_verdict(16, 19, target=0.95)).startswith("单侧 95% 置信上限 95.5%高于目标值 95%，在抽样误差范围内尚不能排除总体满意度达到目标")


def test_an_interval_with_a_population_stays_within_the_rates_n_people_can_have():
    """48 of 50 satisfied from N = 60: between 48/60 = 80% and 58/60 = 96.7% are satisfied, whatever the
    corrected interval says; the points at the interval's ends read the same interval."""
    from analysis import rate_verdict, satisfaction_rate, verdict_points, RULES, DEFAULT_RULE
    v = rate_verdict(48, 50, target=0.95, population=60)
    assert 48 / 60 <= v.ci.low and v.ci.high == pytest.approx(58 / 60)
    r = satisfaction_rate({"A": 48, "C": 2}, satisfied={"A"}, population=60)
    assert (r.ci.low, r.ci.high) == pytest.approx((v.ci.low, v.ci.high))
    points = verdict_points(v, rule=RULES[DEFAULT_RULE])
    at_high = verdict_points(rate_verdict(58, 60, target=0.95, population=60), rule=RULES[DEFAULT_RULE])
    assert points.points_high == at_high.at_estimate.points
