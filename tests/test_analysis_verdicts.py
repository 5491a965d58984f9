"""The C51 headline's verdict (met / missed / unresolved) for a score and for a rate.

Reference values: the Yining Q5 counts 46/2/2/0/0 of 50 (yining_expected.json: score 97.6, top-2 48/50);
bounds are checked against a direct computation with scipy.stats.t (abs 1e-12).
"""
import numpy as np
import pytest
from scipy import stats

from analysis import (composite_score, rate_verdict, satisfaction_score, score_target_test,
                      target_test)

LADDER = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}
Q5 = {"A": 46, "B": 2, "C": 2, "D": 0, "E": 0}


def test_yining_score_meets_95_with_the_one_sided_t_bound():
    score = satisfaction_score(Q5, points=LADDER)
    test = score_target_test(score, target=95)
    se = float(np.std([100] * 46 + [80] * 2 + [60] * 2, ddof=1)) / np.sqrt(50)
    assert test.low == pytest.approx(97.6 - stats.t.ppf(0.95, 49) * se, abs=1e-12)
    assert test.high == pytest.approx(min(100.0, 97.6 + stats.t.ppf(0.95, 49) * se), abs=1e-12)
    assert (test.verdict, test.verdict_zh) == ("met", "达到预期目标")
    assert test.n == 50 and test.confidence_level == 0.95 and "one-sided t" in test.method


def test_score_verdict_is_the_same_as_the_two_sided_interval_at_twice_the_error():
    """The one-sided bound at 95 % is the end of the two-sided 90 % interval (what results.py used before)."""
    for counts in (Q5, {"A": 3, "B": 10, "C": 20, "D": 10, "E": 7}, {"A": 20, "B": 20, "C": 1}):
        score = satisfaction_score(counts, points=LADDER)
        wider = satisfaction_score(counts, points=LADDER, confidence_level=2 * 0.95 - 1)
        for target in (50, 60, 70, 80, 90, 95, 97.6, 99):
            test = score_target_test(score, target=target)
            assert (test.low, test.high) == (wider.ci.low, wider.ci.high)
            expected = "met" if wider.ci.low >= target else "missed" if wider.ci.high < target else "unresolved"
            assert test.verdict == expected


def test_low_scores_miss_the_target():
    score = satisfaction_score({"A": 3, "B": 10, "C": 20, "D": 10, "E": 7}, points=LADDER)
    assert score_target_test(score, target=80).verdict == "missed"


def test_answers_all_alike_or_a_single_answer_prove_nothing():
    alike = score_target_test(satisfaction_score({"A": 2}, points=LADDER), target=95)
    assert alike.verdict == "unresolved" and alike.low == alike.high == 100.0
    one = score_target_test(satisfaction_score({"B": 1}, points=LADDER), target=70)
    assert one.verdict == "unresolved" and (one.low, one.high) == (20.0, 100.0)


def test_a_census_has_no_sampling_error_so_the_verdict_is_certain():
    census = satisfaction_score({"A": 3, "B": 1}, points=LADDER, population=4)
    assert score_target_test(census, target=95).verdict == "met"
    assert score_target_test(census, target=96).verdict == "missed"


def test_a_composite_score_gets_its_verdict_the_same_way():
    rows = [{"q3": "A", "q5": "A"}] * 30 + [{"q3": "B", "q5": "C"}] * 10
    score = composite_score(rows, points=LADDER, weights={"q3": 1, "q5": 2})
    wider = composite_score(rows, points=LADDER, weights={"q3": 1, "q5": 2}, confidence_level=0.9)
    test = score_target_test(score, target=90)
    assert (test.low, test.high) == pytest.approx((wider.ci.low, wider.ci.high), abs=1e-12)


def _false_met_share(probabilities, target, n=50, samples=2000):
    draws = np.random.default_rng(2024).multinomial(n, probabilities, size=samples)
    verdicts = [score_target_test(satisfaction_score(dict(zip("ABCDE", map(int, d))), points=LADDER),
                                  target=target).verdict for d in draws]
    return verdicts.count("met") / samples


@pytest.mark.parametrize(("probabilities", "target"), [([0, 0.25, 0.5, 0.25, 0], 60), ([0.2] * 5, 60)])
def test_false_met_at_the_boundary_stays_within_the_level(probabilities, target):
    """Simulated (seed 2024, 2000 samples of n = 50) at a true mean equal to the target: 'met' ≤ 5 % + 1 %."""
    assert _false_met_share(probabilities, target) <= 0.06


@pytest.mark.xfail(strict=True, reason="known: the t bound is optimistic for answers piled at the top of the "
                                       "ladder (8.4 % false 'met' at n = 50); DESIGN section 7 asks for ≤ 5 %")
def test_false_met_at_the_boundary_stays_within_the_level_for_answers_near_the_ceiling():
    """80/10/10 % A/B/C has a true mean of 94 (seed 2024, 2000 samples of n = 50)."""
    assert _false_met_share([0.8, 0.1, 0.1, 0, 0], 94) <= 0.06


def test_score_target_test_refuses_what_it_cannot_judge():
    boot = satisfaction_score(Q5, points=LADDER, method="percentile", rng=np.random.default_rng(1), n_resamples=99)
    with pytest.raises(ValueError, match="method='t'"):
        score_target_test(boot, target=95)
    with pytest.raises(ValueError, match="target must be a number"):
        score_target_test(satisfaction_score(Q5, points=LADDER), target=float("nan"))
    with pytest.raises(ValueError, match="confidence_level"):
        score_target_test(satisfaction_score(Q5, points=LADDER), target=95, confidence_level=95)


def test_rate_verdict_below_100_percent_is_the_exact_test():
    verdict = rate_verdict(48, 50, target=0.95)
    assert verdict.test == target_test(48, 50, target=0.95)
    assert (verdict.verdict, verdict.n_to_resolve) == (verdict.test.verdict, verdict.test.n_to_resolve)
    assert verdict.verdict == "unresolved" and verdict.method == verdict.test.method


def test_a_100_percent_target_is_missed_by_one_unsatisfied_answer_and_never_shown_met():
    missed = rate_verdict(48, 50, target=1)
    assert (missed.verdict, missed.n_to_resolve, missed.test) == ("missed", None, None)
    assert missed.verdict_zh == "未达到预期目标"
    everyone = rate_verdict(50, 50, target=1.0)
    assert (everyone.verdict, everyone.n_to_resolve, everyone.test) == ("unresolved", None, None)


def test_rate_verdict_takes_a_fraction():
    with pytest.raises(ValueError, match=r"target must be a fraction in \[0, 1\], got 95"):
        rate_verdict(48, 50, target=95)
