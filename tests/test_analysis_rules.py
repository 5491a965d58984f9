"""Indicator points (C51 and friends) against ../shared/golden/c51_grid.json, and the rules' texts.

Source of reference values: c51_grid.json (values stored rounded to 10 decimals; abs 1e-9).
"""

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import RULES, Rule, indicator_points, indicator_points_range

GOLDEN = Path(__file__).resolve().parents[1].parent / "shared" / "golden"
GRID = json.loads((GOLDEN / "c51_grid.json").read_text(encoding="utf-8"))
ABS = 1e-9   # c51_grid.json
PRESET = {"R1": "xinjiang-c51", "R2_window": "jiangxi-window", "R2_staff": "jiangxi-staff",
          "R4_C52_complaints": "xinjiang-c52"}


def r3_rule(variant):
    spec = GRID["r3_variants"][variant]
    return dataclasses.replace(RULES["completion-60"], weight=spec["weight"], target_pct=spec["target_pct"])


DEDUCTION_CASES = [(row["satisfaction_pct"], key, reading) for row in GRID["grid"] for key in PRESET
                   for reading in ("linear", "floor", "ceil")]


@pytest.mark.parametrize(("value", "key", "reading"), DEDUCTION_CASES)
def test_deduction_rules_match_grid(value, key, reading):
    """c51_grid.json grid[<value>].<rule>_<reading>; abs 1e-9."""
    expected = next(row for row in GRID["grid"] if row["satisfaction_pct"] == value)[f"{key}_{reading}"]
    result = indicator_points(value, rule=PRESET[key], reading=reading)
    assert result.points == pytest.approx(expected, abs=ABS)
    assert result.reading == reading
    assert result.maximum == GRID["rules"][key]["weight"]


@pytest.mark.parametrize(("value", "variant"), [(row["satisfaction_pct"], v) for row in GRID["grid"]
                                                for v in GRID["r3_variants"]])
def test_completion_rule_matches_grid(value, variant):
    """c51_grid.json grid[<value>].R3_<variant> (60 % completion rule); abs 1e-9."""
    expected = next(row for row in GRID["grid"] if row["satisfaction_pct"] == value)[variant]
    result = indicator_points(value, rule=r3_rule(variant))
    assert result.points == pytest.approx(expected, abs=ABS)
    assert result.reading == "n/a"


@pytest.mark.parametrize("label", list(GRID["yining_examples"]))
def test_yining_examples_match_grid(label):
    """c51_grid.json yining_examples: R1 linear/floor and R3 (target 95, weight 5); abs 1e-9."""
    example = GRID["yining_examples"][label]
    value = example["satisfaction_pct"]
    assert indicator_points(value, rule="xinjiang-c51").points == pytest.approx(example["R1_linear"], abs=ABS)
    assert indicator_points(value, rule="xinjiang-c51", reading="floor").points == pytest.approx(
        example["R1_floor"], abs=ABS)
    assert indicator_points(value, rule=r3_rule("R3_target95_w5")).points == pytest.approx(
        example["R3_target95_w5"], abs=ABS)


def test_presets_carry_the_grid_parameters():
    """c51_grid.json rules: weight, threshold and per-point deduction of each preset."""
    for key, name in PRESET.items():
        spec, rule = GRID["rules"][key], RULES[name]
        assert (rule.weight, rule.target_pct, rule.per_point) == (spec["weight"], spec["threshold_pct"],
                                                                  spec["per_point"])


@pytest.mark.parametrize("key", list(GRID["linear_zero_crossing_pct"]))
def test_linear_zero_crossing(key):
    """c51_grid.json linear_zero_crossing_pct: points reach 0 there and not above; abs 1e-9."""
    crossing = GRID["linear_zero_crossing_pct"][key]
    assert indicator_points(crossing, rule=PRESET[key]).points == pytest.approx(0, abs=ABS)
    assert indicator_points(crossing + 0.5, rule=PRESET[key]).points > 0


def test_floor_guard_against_binary_noise():
    """95 − 90.2 is 4.7999… in binary; the floor reading must still count 4 whole points (4.8 → 4)."""
    result = indicator_points(90.2, rule="xinjiang-c51", reading="floor")
    assert result.points == pytest.approx(5 - 0.3 * 4, abs=ABS)
    assert indicator_points(94, rule="xinjiang-c51", reading="ceil").points == pytest.approx(4.7, abs=ABS)


def test_sentence_and_formula_for_a_shortfall():
    result = indicator_points(93.6, rule="xinjiang-c51")
    assert result.points == pytest.approx(4.58, abs=ABS)
    assert "max(0, 5 − 0.3 × (95 − 93.6)) = max(0, 5 − 0.3 × 1.4) = 4.58" == result.formula
    assert "未达到预期设定目标" in result.sentence
    assert result.sentence.endswith("综上，该指标满分 5 分，得分 4.58 分。")
    floor = indicator_points(93.6, rule="xinjiang-c51", reading="floor")
    assert "floor(95 − 93.6)" in floor.formula and "不足1%的部分不扣分" in floor.sentence


def test_sentence_for_zero_points_says_the_floor_not_cs52s_wording():
    """Seed 000's C51 has no 扣完为止 (that is C52's wording): the sentence says points stop at 0."""
    result = indicator_points(60, rule="xinjiang-c51")
    assert result.points == 0.0
    assert "得分不低于 0 分" in result.sentence and result.sentence.endswith("得分 0 分。")
    assert "扣完为止" not in RULES["xinjiang-c51"].text and "扣完为止" in RULES["xinjiang-c52"].text


def test_completion_sentence_names_the_completion_rate():
    result = indicator_points(85, rule="completion-60")
    assert result.points == pytest.approx((85 / 90 - 0.6) / 0.4 * 5, abs=ABS)
    assert "完成率为 94.44%" in result.sentence


def test_benchmark_below_80_needs_an_explanation():
    """Seed 000, C51: 标杆值通常不低于80%，若低于则需要作出说明."""
    low_benchmark = dataclasses.replace(RULES["xinjiang-c51"], target_pct=75)
    result = indicator_points(70, rule=low_benchmark)
    assert any("需要作出说明" in note for note in result.notes)
    assert indicator_points(70, rule="xinjiang-c51").notes == ()


def test_seeds_003_and_004_presets_use_their_reports_proportional_reading():
    """Seed 003 scores unmet indicators 完成值/指标值 × 分值 (40.28/41 × 5 = 4.91, 92.1/95 × 5 = 4.85) and seed
    004 完成率 × 分值 with no floor (40.77 % × 12 = 4.89); read so, 90 % of 95 % gives 9.47 of 10 and 55 % 5.79."""
    kashgar, urumqi = RULES["kashgar-10"], RULES["urumqi-10"]
    assert (kashgar.weight, kashgar.target_pct, urumqi.weight, urumqi.target_pct) == (10, 95, 10, 95)
    assert kashgar.kind == urumqi.kind == "proportional"
    assert "line 411" in kashgar.source.replace("193/411", "line 411") and "line 99" in urumqi.source
    for rule in ("kashgar-10", "urumqi-10"):
        assert round(indicator_points(90, rule=rule).points, 2) == 9.47
        assert round(indicator_points(55, rule=rule).points, 2) == 5.79
        assert indicator_points(95, rule=rule).points == 10.0
    # the seeds' own sums, read by the same rule kind
    seed = dataclasses.replace(kashgar, weight=5, target_pct=41 / 41 * 100)
    assert round(indicator_points(40.28 / 41 * 100, rule=seed).points, 2) == 4.91
    assert round(indicator_points(92.1, rule=dataclasses.replace(kashgar, weight=5)).points, 2) == 4.85
    assert round(indicator_points(40.77, rule=dataclasses.replace(urumqi, weight=12, target_pct=100)).points, 2) == 4.89
    assert "完成率为 94.74%" in indicator_points(90, rule="urumqi-10").sentence


# Every preset at 100, at its target, just below (target − 0.1), halfway to 0 and at 0 (hand-computed).
PRESET_GOLDEN = {
    "xinjiang-c51": (5, 5, 5 - 0.03, 5 - 0.3 * 47.5, 0),
    "xinjiang-c52": (3, 3, 3 - 0.02, 0, 0),
    "jiangxi-window": (8, 8, 8 - 0.04, 0, 0),
    "jiangxi-staff": (2, 2, 2 - 0.01, 0, 0),
    "completion-60": (5, 5, (89.9 / 90 - 0.6) / 0.4 * 5, 0, 0),
    "kashgar-10": (10, 10, 94.9 / 95 * 10, 47.5 / 95 * 10, 0),
    "urumqi-10": (10, 10, 94.9 / 95 * 10, 47.5 / 95 * 10, 0),
}


@pytest.mark.parametrize("name", list(RULES))
def test_every_preset_has_golden_points(name):
    rule = RULES[name]
    t = rule.target_pct
    values = (100, t, round(t - 0.1, 10), t / 2, 0)
    got = tuple(indicator_points(v, rule=name).points for v in values)
    expected = tuple(max(0.0, x) for x in PRESET_GOLDEN[name])
    assert got == pytest.approx(expected, abs=1e-9)
    assert set(PRESET_GOLDEN) == set(RULES)


def test_points_range_shows_sampling_luck():
    """Yining Q2 score 93.6 with its t interval 89.24–97.96: 4.58 points now, 3.27 to 5 at the ends."""
    result = indicator_points_range(89.236350913662, 93.6, 97.963649086338, rule="xinjiang-c51")
    assert result.points == pytest.approx(4.58, abs=ABS)
    assert result.points_low == pytest.approx(5 - 0.3 * (95 - 89.236350913662), abs=1e-9)
    assert result.points_high == 5.0
    assert result.spread == pytest.approx(result.points_high - result.points_low)
    with pytest.raises(ValueError, match="value_low_pct"):
        indicator_points_range(95, 90, 99, rule="xinjiang-c51")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"value_pct": 97.6, "rule": "xinjiang-c99"}, "unknown rule 'xinjiang-c99'; presets: 'xinjiang-c51'"),
    ({"value_pct": 97.6, "rule": "xinjiang-c51", "reading": "round"}, "unknown reading 'round'; valid: 'linear'"),
    ({"value_pct": 101, "rule": "xinjiang-c51"}, r"value_pct must be a percentage in \[0, 100\]"),
    ({"value_pct": -1, "rule": "xinjiang-c51"}, "value_pct must be a percentage"),
])
def test_bad_rule_input_raises(kwargs, message):
    value = kwargs.pop("value_pct")
    with pytest.raises(ValueError, match=message):
        indicator_points(value, **kwargs)


def test_custom_rule_validation():
    with pytest.raises(ValueError, match="unknown rule kind"):
        Rule("x", 5, 95, kind="bonus")
    with pytest.raises(ValueError, match="per_point > 0"):
        Rule("x", 5, 95)


@given(st.sampled_from(sorted(RULES)), st.sampled_from(["linear", "floor", "ceil"]),
       st.floats(0, 100), st.floats(0, 100))
def test_points_are_bounded_and_monotone(name, reading, a, b):
    low, high = sorted((a, b))
    p_low = indicator_points(low, rule=name, reading=reading)
    p_high = indicator_points(high, rule=name, reading=reading)
    assert 0 <= p_low.points <= p_high.points <= p_high.maximum


def test_the_points_at_a_scores_interval_ends_are_written_in_fen():
    """A score's interval ends are scored and written as scores (分, 个百分点 never), as its estimate is."""
    from analysis import satisfaction_score, score_verdict, verdict_points

    score = satisfaction_score({"A": 40, "B": 6, "C": 4}, points={"A": 100, "B": 80, "C": 60, "D": 40, "E": 20},
                               method="gaffke")
    points = verdict_points(score_verdict(score, target=95), rule="xinjiang-c51")
    for end in (points.at_low, points.at_high):
        assert "满意度得分为" in end.sentence and "分（百分制" in end.sentence and "%，" not in end.sentence.split("结果显示")[1]
    assert "个百分点" not in points.at_low.sentence and "低于目标" in points.at_low.sentence


def test_a_figure_just_below_the_target_is_printed_and_scored_below_it():
    """1,899 of 2,000 is 94.95 %: printed to one decimal it would read 95.0 % and get full marks 按实际值;
    it prints as 94.95% and is scored as that (found by a statistician's review)."""
    from analysis import rate_verdict, satisfaction_score, score_verdict, verdict_points

    points = verdict_points(rate_verdict(1899, 2000, target=0.95), rule="xinjiang-c51")
    assert points.at_estimate.value_pct == 94.95 and points.at_estimate.points == 4.985
    assert "满意率为 94.95%" in points.at_estimate.sentence and "不扣分" not in points.at_estimate.sentence
    assert "(95 − 94.95)" in points.at_estimate.formula
    # a score of 94.996 against 95 prints 94.996 分, never 95 分; one at the target keeps two decimals
    score = satisfaction_score({"A": 3749, "B": 1251}, points={"A": 100, "B": 80, "C": 60, "D": 40, "E": 20})
    below = verdict_points(score_verdict(score, target=95), rule="xinjiang-c51").at_estimate
    assert below.value_pct == 94.996 and "满意度得分为 94.996 分" in below.sentence and below.points < 5
    on = verdict_points(rate_verdict(95, 100, target=0.95), rule="xinjiang-c51").at_estimate
    assert on.value_pct == 95.0 and on.points == 5 and "满意率为 95.0%" in on.sentence


def test_every_preset_has_a_chinese_title_and_only_c52_scores_no_satisfaction():
    """The settings page offers the presets by title, and only those that score a satisfaction figure."""
    assert all(rule.title and not rule.title.isascii() for rule in RULES.values())
    assert [name for name, rule in RULES.items() if not rule.satisfaction] == ["xinjiang-c52"]
