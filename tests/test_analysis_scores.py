"""Satisfaction scores and composites: t and bootstrap intervals, clipping, degenerate data."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import composite_score, satisfaction_score, score_interval

LADDER = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}


@settings(max_examples=200)
@given(st.lists(st.integers(0, 40), min_size=5, max_size=5).filter(lambda c: sum(c) >= 2),
       st.sampled_from([0.9, 0.95, 0.99]))
def test_t_interval_matches_scipy_and_stays_on_the_ladder(counts, level):
    """scipy.stats.t.interval on the expanded answers, intersected with [20, 100]; abs 1e-9."""
    score = satisfaction_score(dict(zip("ABCDE", counts)), points=LADDER, confidence_level=level)
    values = np.repeat([100, 80, 60, 40, 20], counts)
    assert score.score == pytest.approx(values.mean(), abs=1e-9)
    assert 20 <= score.ci.low <= score.score <= score.ci.high <= 100
    if values.std() > 0:
        low, high = stats.t.interval(level, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
        assert score.ci.low == pytest.approx(max(low, 20), abs=1e-9)
        assert score.ci.high == pytest.approx(min(high, 100), abs=1e-9)
    assert (score.n, score.method, score.confidence_level) == (sum(counts), "t", level)


@pytest.mark.parametrize("method", ["t", "bca", "percentile"])
def test_all_equal_answers_give_a_zero_width_interval(method):
    score = satisfaction_score({"A": 30, "B": 0}, points=LADDER, method=method, rng=np.random.default_rng(1))
    assert (score.score, score.ci.low, score.ci.high) == (100.0, 100.0, 100.0)
    assert not np.isnan(score.sd) and score.sd == 0.0


def test_single_answer_gives_the_whole_ladder():
    score = satisfaction_score({"B": 1}, points=LADDER)
    assert (score.score, score.ci.low, score.ci.high) == (80.0, 20.0, 100.0)


def test_plain_t_interval_passes_100_near_the_ceiling_and_is_clipped():
    """Yining Q5: mean 97.6, t interval up to 100.07 before clipping (yining_expected.json)."""
    score = satisfaction_score({"A": 46, "B": 2, "C": 2}, points=LADDER)
    assert score.clipped and score.ci.high == 100.0 and score.scale == (20.0, 100.0)


def test_bootstrap_needs_an_rng_and_is_reproducible():
    counts = {"A": 30, "B": 10, "C": 6, "D": 4}
    with pytest.raises(ValueError, match="pass rng=np.random.default_rng"):
        satisfaction_score(counts, points=LADDER, method="bca")
    first = satisfaction_score(counts, points=LADDER, method="bca", rng=np.random.default_rng(7), n_resamples=999)
    again = satisfaction_score(counts, points=LADDER, method="bca", rng=np.random.default_rng(7), n_resamples=999)
    assert first == again and first.method == "bca"
    assert first.ci.low < first.score < first.ci.high


def test_finite_population_narrows_the_score_interval():
    counts = {"A": 30, "B": 10, "C": 6, "D": 4}
    free = satisfaction_score(counts, points=LADDER)
    small = satisfaction_score(counts, points=LADDER, population=80)
    census = satisfaction_score(counts, points=LADDER, population=50)
    assert free.ci.width > small.ci.width > census.ci.width == 0.0
    with pytest.raises(ValueError, match="population= is supported with method='t' only"):
        satisfaction_score(counts, points=LADDER, population=80, method="bca", rng=np.random.default_rng(0))


@pytest.mark.parametrize(("counts", "kwargs", "message"), [
    ({"A": 3, "X": 1}, {}, "points gives no value for option"),
    ({"A": 0}, {}, r"no answers \(n = 0\)"),
    ({"A": 3}, {"method": "z"}, "unknown method 'z'; valid: 't', 'gaffke', 'bca', 'percentile'"),
    ({"A": 3}, {"confidence_level": 0}, "confidence_level must lie strictly between 0 and 1"),
    ({"A": 3}, {"points": {"A": "high"}}, "points\\['A'\\] must be a number"),
])
def test_score_bad_input(counts, kwargs, message):
    kwargs.setdefault("points", LADDER)
    with pytest.raises(ValueError, match=message):
        satisfaction_score(counts, **kwargs)


def test_unused_option_without_points_is_fine():
    """An option nobody chose (e.g. 不清楚 with count 0) needs no points."""
    assert satisfaction_score({"A": 2, "B": 2, "X": 0}, points=LADDER).score == 90.0


def test_composite_interval_depends_on_how_answers_go_together():
    """Same item scores, different pairing of answers: the composite interval must differ,
    which an average of item intervals cannot show."""
    agree = [{"q1": c, "q2": c} for c in "AAAABBCCDE"]
    disagree = [{"q1": a, "q2": b} for a, b in zip("AAAABBCCDE", "EDCCBBAAAA")]
    together = composite_score(agree, points=LADDER)
    apart = composite_score(disagree, points=LADDER)
    assert together.score == pytest.approx(apart.score)
    assert together.ci.width > apart.ci.width


def test_composite_weights_and_missing_answers():
    rows = [{"q1": "A", "q2": "E"}, {"q1": "A", "q2": None}, {"q1": "C", "q2": "C"}]
    result = composite_score(rows, points=LADDER, weights={"q1": 3, "q2": 1})
    # respondent 1: (3·100 + 20)/4 = 80; respondent 2 answered q1 only: 100; respondent 3: 60
    assert result.score == pytest.approx((80 + 100 + 60) / 3)
    assert result.n == 3


def test_composite_per_item_ladders_and_errors():
    ladders = {"q1": LADDER, "q2": {"Y": 1, "N": 0}}
    result = composite_score([{"q1": "A", "q2": "Y"}, {"q1": "E", "q2": "N"}], points=ladders)
    assert result.score == pytest.approx((50.5 + 10) / 2) and result.scale == (0.0, 100.0)
    with pytest.raises(ValueError, match="has no points on its ladder"):
        composite_score([{"q1": "Z"}], points=LADDER)
    with pytest.raises(ValueError, match="weights are all zero"):
        composite_score([{"q1": "A"}], points=LADDER, weights={"q1": 0})
    with pytest.raises(ValueError, match="responses is empty"):
        composite_score([], points=LADDER)


def test_score_interval_on_plain_values():
    result = score_interval([3.0, 4.0, 5.0, 4.0], scale=(1, 5))
    assert result.score == 4.0 and 1 <= result.ci.low < 4 < result.ci.high <= 5


@pytest.mark.parametrize(("values", "scale"), [([100, float("nan"), 80], (20, 100)), ([100, 200, 80], (20, 100)),
                                               ([100, 80], (100, 20))])
def test_score_interval_refuses_values_off_the_scale_with_any_method(values, scale):
    """An outside review: with method="t" a NaN gave score NaN and 200 gave 126.7 with an interval [20, 100]."""
    from analysis.scores import score_interval
    for method in ("t", "gaffke"):
        with pytest.raises(ValueError, match="scale"):
            score_interval(values, scale=scale, method=method)
    assert score_interval([100 + 1e-13, 80], scale=(20, 100)).score == 90.0  # a composite's rounding is on the scale
