"""A population size N beside a score's interval and its verdict's bound: whether the finite-population
correction moved what is printed, and the words every page, file and command uses for it.

A score's Gaffke bounds hold for sampling without replacement as they stand (``score_bounds``); N only
tightens them by what the sample makes certain about the whole population, which matters when the sample
is a large part of it. Far from that, the printed interval is the one without N, and saying "有限总体校正"
beside it would claim a correction that changed nothing: the note then says so, with the sampling fraction
that explains why.

>>> population_note(60, 50, moved=True)
'有限总体校正，N = 60，抽样比 83.3%'
>>> population_note(100000, 50, moved=False)
'总体 N = 100000，抽样比 0.05%，有限总体校正对区间无影响'
>>> population_note(2000000, 50, moved=False, of="单侧界")
'总体 N = 2000000，抽样比不足 0.01%，有限总体校正对单侧界无影响'
"""

from __future__ import annotations

import numpy as np

from ._text import bound_text
from .formatting import num, pct, span
from .scores import ScoreResult, score_interval
from .verdicts import Verdict, score_verdict


def population_note(population: int, n: int, *, moved: bool, of: str = "区间") -> str:
    """The words for N beside a score's interval (``of="区间"``) or bound (``of="单侧界"``), ``moved`` or not."""
    share = 100 * n / population
    fraction = (f"抽样比 {pct(share)}" if share >= 1 else f"抽样比 {num(share)}%" if share >= 0.005
                else "抽样比不足 0.01%")  # 50 of 100000: 0.05 %, not a rounded 0.1 %
    if moved:
        return f"有限总体校正，N = {population}，{fraction}"
    return f"总体 N = {population}，{fraction}，有限总体校正对{of}无影响"


def interval_note(score: ScoreResult) -> str:
    """'' without N (or for a census, printed without an interval); else ``population_note`` on whether N moved
    the interval as ``span`` prints it."""
    if not score.population or score.n >= score.population:
        return ""
    plain = without_population(score)
    moved = span(score.ci.low, score.ci.high, "分") != span(plain.ci.low, plain.ci.high, "分")
    return population_note(score.population, score.n, moved=moved)


def bound_note(verdict: Verdict, score: ScoreResult) -> str:
    """As ``interval_note``, for the one-sided bound that decides ``verdict`` (``score_verdict(score, ...)``), as
    ``bound_text`` prints it."""
    if not score.population or score.n >= score.population:
        return ""
    plain = score_verdict(without_population(score), target=verdict.target, confidence_level=verdict.confidence_level)
    return population_note(score.population, score.n, moved=bound_text(verdict) != bound_text(plain), of="单侧界")


def without_population(score: ScoreResult) -> ScoreResult:
    """The same answers' result with no population size (an infinite population)."""
    values, counts = zip(*score.histogram)
    return score_interval(np.repeat(values, counts), scale=score.scale, confidence_level=score.confidence_level,
                          method=score.method)
