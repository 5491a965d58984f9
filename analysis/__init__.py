"""Manyi's statistics: pure functions over counts and numbers (numpy, scipy, standard library).

Glossary (one vocabulary everywhere):

- *rate* (满意率): the share of answers whose option counts as satisfied, a fraction in [0, 1]
  (e.g. top-2 box A+B: 48 of 50 = 0.96). ``satisfaction_rate``, ``proportion_interval``, ``target_test``.
- *score* (满意度得分): the mean of the points each answer earns on a ladder given by the caller
  (e.g. A..E = 100/80/60/40/20: Yining Q5 scores 97.6). ``satisfaction_score``, ``composite_score``.
- *points* (指标得分): what an indicator such as C51 awards for a satisfaction percentage under a
  scoring rule (5 of 5 for ≥ 95 %). ``indicator_points``, ``RULES``, ``DEFAULT_RULE`` (seed 000's C51).
- *target*: the benchmark a figure is held against (fraction for a rate, the score's scale for a score,
  percent in rules); the *verdict* is met / missed / unresolved, one per figure, decided by a printed
  one-sided bound: ``rate_verdict``, ``stratified_rate_verdict``, ``score_verdict`` (``analysis.verdicts``).
- *printing*: ``analysis.formatting`` (``pct``, ``fixed``, ``num``, ``rounded``, ``span`` for an interval) is the one number format of
  every page, file and command.

Conventions: keyword-only options, ``confidence_level`` (never alpha), a closed ``method=`` set that
raises ValueError naming the valid ones, ``alternative`` in {"two-sided", "greater", "less"},
``rng=`` for anything random, frozen result dataclasses carrying n, method and confidence_level.
The command line lives in ``analysis.cli`` (``python -m analysis FILE``) and is not imported here.
"""

from ._checks import census
from .intervals import Interval, ProportionInterval, proportion_interval
from .hypergeometric import population_bounds
from .planning import (ClusterDesign, cluster_design_effect, design_effect, margin_of_error, sample_size,
                       score_sample_size, score_spread)
from .power import PowerPlan, max_provable_rate, min_successes_to_show, power_sample_size, target_power
from .score_power import ScorePowerPlan, ladder_spread, score_power, score_power_sample_size
from .rates import RateResult, satisfaction_rate
from .rules import DEFAULT_RULE, RULES, IndicatorPoints, PointsRange, Rule, indicator_points, indicator_points_range, verdict_points
from .score_bounds import ScoreBounds, effective_score_bounds, score_bounds
from .scores import ScoreResult, composite_score, satisfaction_score, score_interval
from .tables import PercentTable, percent_table
from .targets import TargetTest, target_test
from .strata import stratified_rate_verdict, stratified_score_verdict, weighted_cells_interval
from .verdicts import Verdict, rate_verdict, score_verdict, verdict_text
from . import fpc  # N beside a score: whether it moved the printed interval, in words (analysis.fpc)
from .compare import Comparison, adjust_p_values, compare_rates, compare_scores
from .breakdown import Breakdown, BreakdownRow, breakdown
from .weighting import (RakeResult, WeightedEstimate, cells_effective_n, rake_weights, weighted_estimates,
                        weighted_mean_interval, weighted_rate_interval)
from .reliability import Reliability, cronbach_alpha, cronbach_alpha_from_covariance

__all__ = [
    "census", "population_bounds",
    "DEFAULT_RULE", "RULES", "ClusterDesign", "IndicatorPoints", "Interval", "PercentTable", "PointsRange",
    "ProportionInterval", "RateResult", "Rule", "ScoreBounds", "ScoreResult", "TargetTest", "Verdict",
    "cluster_design_effect", "composite_score", "design_effect", "indicator_points", "indicator_points_range",
    "margin_of_error", "percent_table", "proportion_interval", "rate_verdict", "sample_size", "satisfaction_rate",
    "score_sample_size", "score_spread",
    "satisfaction_score", "effective_score_bounds", "score_bounds", "score_interval", "score_verdict", "stratified_rate_verdict", "stratified_score_verdict", "weighted_cells_interval", "target_test", "verdict_points", "verdict_text",
    "PowerPlan", "ScorePowerPlan", "ladder_spread", "score_power", "score_power_sample_size", "max_provable_rate", "min_successes_to_show", "power_sample_size", "target_power",
    "Comparison", "adjust_p_values", "compare_rates", "compare_scores", "Breakdown", "BreakdownRow", "breakdown",
    "RakeResult", "WeightedEstimate", "cells_effective_n", "rake_weights", "weighted_estimates", "weighted_mean_interval", "weighted_rate_interval", "Reliability", "cronbach_alpha", "cronbach_alpha_from_covariance",
]
