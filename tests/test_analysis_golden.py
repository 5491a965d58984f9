"""The Yining 2024 reconstruction against ../shared/golden/yining_expected.json.

Source of every reference value: yining_expected.json (computed with scipy 1.17 and statsmodels 0.15,
cross-checked against each other to < 5e-13). Deterministic values: abs 1e-9. Bootstrap values:
Monte-Carlo, abs 0.5 score points with the file's seeds (rng = default_rng(20240601 + item index)).
"""

import json
from pathlib import Path

import numpy as np
import pytest

from analysis import (composite_score, indicator_points, percent_table, proportion_interval, satisfaction_rate,
                      satisfaction_score, target_test)

GOLDEN = Path(__file__).resolve().parents[1].parent / "shared" / "golden"
YINING = json.loads((GOLDEN / "yining_expected.json").read_text(encoding="utf-8"))
ITEMS = YINING["items"]
CODES = "ABCDE"
ABS = 1e-9           # yining_expected.json, deterministic values
BOOT_ABS = 0.5       # yining_expected.json, bootstrap values (Monte-Carlo)
METHODS = {"wilson_95": "wilson", "clopper_pearson_95": "clopper-pearson", "jeffreys_95": "jeffreys",
           "agresti_coull_95": "agresti-coull", "wilsoncc_95_scipy": "wilson-cc"}
LADDERS = ["s100_80_60_40_20", "s100_80_60_30_0", "likert_5_to_1"]
BOXES = {"top2_box": {"A", "B"}, "top3_box": {"A", "B", "C"}}


def counts_of(item):
    return dict(zip(CODES, item["counts"]))


def cases(*keys):
    return [(name, box, key) for name in ITEMS for box in BOXES for key in keys]


@pytest.mark.parametrize(("name", "box", "key"), cases(*METHODS))
def test_rate_intervals_match_golden(name, box, key):
    """yining_expected.json <item>.<box>.<method>_95 (statsmodels proportion_confint / scipy); abs 1e-9."""
    expected = ITEMS[name][box]
    rate = satisfaction_rate(counts_of(ITEMS[name]), satisfied=BOXES[box], method=METHODS[key])
    assert rate.satisfied_count == expected["count"]
    assert rate.n == expected["nobs"] == 50
    assert rate.rate == pytest.approx(expected["p_hat"], abs=ABS)
    assert rate.ci.low == pytest.approx(expected[key][0], abs=ABS)
    if key == "jeffreys_95" and expected["count"] == expected["nobs"]:
        # Deliberate deviation: the golden value is statsmodels' unmodified Jeffreys bound (0.99999 for
        # 50 of 50), which lies below the estimate 1.0. We apply Brown, Cai & DasGupta's (2001) boundary
        # modification (upper bound 1 at x = n), as DescTools' BinomCI does.
        assert expected[key][1] < expected["p_hat"] == 1.0
        assert rate.ci.high == 1.0
    else:
        assert rate.ci.high == pytest.approx(expected[key][1], abs=ABS)


@pytest.mark.parametrize(("name", "box", "key"), cases("clopper_pearson", "wilson"))
def test_one_sided_lower_bounds_match_golden(name, box, key):
    """yining_expected.json <item>.<box>.one_sided_95_lower_bound (scipy alternative='greater'); abs 1e-9."""
    expected = ITEMS[name][box]
    method = "clopper-pearson" if key == "clopper_pearson" else key
    result = proportion_interval(expected["count"], expected["nobs"], method=method, alternative="greater")
    assert result.low == pytest.approx(expected["one_sided_95_lower_bound"][key], abs=ABS)
    assert result.high == 1.0


@pytest.mark.parametrize(("name", "box", "target"), [(n, b, t) for n, b, _ in cases("x")
                                                     for t in ("0.95", "0.90", "0.80")])
def test_target_test_p_values_match_golden(name, box, target):
    """yining_expected.json <item>.<box>.exact_binomial_tests_vs_target (scipy binomtest); abs 1e-9."""
    expected = ITEMS[name][box]
    result = target_test(expected["count"], expected["nobs"], target=float(target))
    reference = expected["exact_binomial_tests_vs_target"][target]
    assert result.p_value == pytest.approx(reference["p_value_less"], abs=ABS)
    assert result.p_value_above == pytest.approx(reference["p_value_greater"], abs=ABS)


@pytest.mark.parametrize(("name", "ladder"), [(n, s) for n in ITEMS for s in LADDERS])
def test_score_t_interval_matches_golden(name, ladder):
    """yining_expected.json <item>.scores.<ladder>: mean, sd, se and the clipped t interval; abs 1e-9."""
    expected = ITEMS[name]["scores"][ladder]
    score = satisfaction_score(counts_of(ITEMS[name]), points=dict(zip(CODES, expected["scores"])))
    assert score.score == pytest.approx(expected["mean"], abs=ABS)
    assert score.sd == pytest.approx(expected["sd_ddof1"], abs=ABS)
    assert score.se == pytest.approx(expected["se"], abs=ABS)
    assert score.ci.low == pytest.approx(expected["t_interval_95_clipped_to_scale"][0], abs=ABS)
    assert score.ci.high == pytest.approx(expected["t_interval_95_clipped_to_scale"][1], abs=ABS)
    assert score.clipped == (expected["t_interval_95"] != expected["t_interval_95_clipped_to_scale"])


@pytest.mark.parametrize(("index", "name"), list(enumerate(ITEMS)))
@pytest.mark.parametrize("method", ["bca", "percentile"])
def test_score_bootstrap_matches_golden(index, name, method):
    """yining_expected.json <item>.scores.s100_80_60_40_20.bootstrap_*_95, seed 20240601 + index; abs 0.5."""
    expected = ITEMS[name]["scores"]["s100_80_60_40_20"]
    key = "bootstrap_BCa_95" if method == "bca" else "bootstrap_percentile_95"
    score = satisfaction_score(counts_of(ITEMS[name]), points=dict(zip(CODES, expected["scores"])), method=method,
                               rng=np.random.default_rng(20240601 + index))
    assert score.ci.low == pytest.approx(expected[key][0], abs=BOOT_ABS)
    assert score.ci.high == pytest.approx(expected[key][1], abs=BOOT_ABS)


def test_yining_q5_reconstruction():
    """Seed 000's Q5 (46/2/2/0/0 of 50): score 97.6, top-2 96 %, top-3 100 %, C51 5 of 5, 95 % unresolved."""
    q5 = {"A": 46, "B": 2, "C": 2, "D": 0, "E": 0}
    ladder = {"A": 100, "B": 80, "C": 60, "D": 40, "E": 20}
    score = satisfaction_score(q5, points=ladder)
    top2 = satisfaction_rate(q5, satisfied={"A", "B"})
    top3 = satisfaction_rate(q5, satisfied={"A", "B", "C"})
    assert score.score == pytest.approx(97.6, abs=ABS)
    assert (top2.rate, top3.rate) == (0.96, 1.0)
    for value in (score.score, top2.rate * 100, top3.rate * 100):
        points = indicator_points(value, rule="xinjiang-c51")
        assert (points.points, points.maximum) == (5.0, 5.0)
    sentence = indicator_points(score.score, rule="xinjiang-c51").sentence
    assert sentence.endswith("结果显示受访者满意度为 97.6%，达到预期设定目标。综上，该指标满分 5 分，得分 5 分。")
    verdict = target_test(top2.satisfied_count, top2.n, target=0.95)
    assert verdict.verdict == "unresolved"
    assert verdict.n_to_resolve is not None and verdict.n_to_resolve > 50


def test_report_figure_97_6_is_reproduced_and_97_2_is_not():
    """yining_expected.json report_figure_reconciliation: 97.6 = Q5 weighted; 97.2 from no common definition."""
    reconciliation = YINING["report_figure_reconciliation"]["candidates_percent"]
    q5 = counts_of(ITEMS["Q5_overall"])
    common = {
        "Q5 weighted 100/80/60/40/20": satisfaction_score(q5, points=dict(zip(CODES, [100, 80, 60, 40, 20]))).score,
        "Q5 weighted 100/80/60/30/0": satisfaction_score(q5, points=dict(zip(CODES, [100, 80, 60, 30, 0]))).score,
        "Q5 top2 share": satisfaction_rate(q5, satisfied={"A", "B"}).rate * 100,
        "Q5 top3 share": satisfaction_rate(q5, satisfied={"A", "B", "C"}).rate * 100,
    }
    for label, value in common.items():
        assert value == pytest.approx(reconciliation[label], abs=ABS)
        assert value != pytest.approx(97.2, abs=0.05)


def test_composite_is_per_respondent_and_matches_golden_mean():
    """yining_expected.json composite: equal-weight Q2/Q3/Q5 on 100/80/60/40/20 = 94.4; abs 1e-9.

    The annex gives only marginal counts, so respondents are paired in sorted order (any pairing has
    the same mean); the interval is that of the 50 composites, not an average of item intervals.
    """
    golden = YINING["composite"]
    ladder = dict(zip(CODES, [100, 80, 60, 40, 20]))
    columns = {name: [c for c, k in zip(CODES, ITEMS[name]["counts"]) for _ in range(k)] for name in golden["items"]}
    responses = [dict(zip(columns, answers)) for answers in zip(*columns.values())]
    result = composite_score(responses, points=ladder)
    assert result.n == 50
    assert result.score == pytest.approx(golden["equal_weight_mean_of_satisfaction_items_s100_80_60_40_20"], abs=ABS)
    item_scores = [satisfaction_score(counts_of(ITEMS[name]), points=ladder) for name in golden["items"]]
    averaged_low = sum(s.ci.low for s in item_scores) / 3
    assert result.ci.low != pytest.approx(averaged_low, abs=1e-6)
    assert result.ci.low < result.score < result.ci.high


def test_demographics_percent_table_adds_to_100():
    """yining_expected.json demographics: ages 11/19/17/3 -> 22/38/34/6 % (the annex printed 48 % for 19/50)."""
    ages = {k: v for k, v in YINING["demographics"]["age_bands"].items() if not k.startswith("_")}
    table = percent_table(ages)
    assert [row.percent for row in table.rows] == [100 * s for s in YINING["demographics"]["age_shares"].values()]
    assert table.total_percent == 100.0
    gender = {k: v for k, v in YINING["demographics"]["gender"].items() if not k.startswith("_")}
    assert [row.percent for row in percent_table(gender).rows] == [56.0, 44.0]


def test_shares_match_golden():
    """yining_expected.json <item>.shares; exact at one decimal."""
    for item in ITEMS.values():
        table = percent_table(counts_of(item))
        assert [row.percent for row in table.rows] == [round(100 * s, 1) for s in item["shares"]]
