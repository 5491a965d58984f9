"""Satisfaction by group (by district, age band, service window): each group's rate and score with their
intervals, and whether the group differs from the rest of the survey.

Per group: n, the satisfied count, the rate with its two-sided Clopper–Pearson interval (exact, as the
survey's own rates: ``analysis.verdicts``) and, with a points ladder,
the score with its two-sided Gaffke interval (the app's score method, ``analysis.scores``). Each group is
compared with the *rest* of the survey (all other groups pooled; the overall figure contains the group
itself): the rate by Newcombe's hybrid score interval, the score by Welch's t (``analysis.compare``).
The p-values of one breakdown are one family, adjusted together (Holm by default) over the groups that
are compared (two groups holding every answer are one comparison, each the other's rest: left as they
are); a group is *marked* higher or lower only when its adjusted p is below 1 − confidence_level.
Unadjusted, a page of 20 districts that do not differ at all would mark at least one in about two surveys
out of three (1 − 0.95²⁰ = 0.64).

Small groups (n < ``min_n``) get their rate and score but are not compared: no difference, no p, never
marked, and not in the family (their answers still count in every other group's rest). Nor is a group
whose rest is smaller than ``min_n`` (15 answers against the other 2: no defensible "higher"). A group
without answers has rate and score None. Labels (an unanswered group's too) pass through as given, in order.

The total is the whole survey's figure; with ``population`` (N, the survey's population size) its intervals
use N as the survey's own figures do — the rate's is the exact hypergeometric one, the score's carries the
finite-population correction (a group's part of N is unknown: the groups' intervals use no N).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import _checks
from .compare import Comparison, adjust_p_values, compare_rates, compare_scores
from .intervals import proportion_interval
from .rates import satisfaction_rate
from .scores import _ladder, satisfaction_score

ADJUST_METHODS = ("holm", "bh", "bonferroni", "none")
SCORE_DIFFERENCE = "welch-bounded"  # analysis.compare: Welch with a pseudo-answer at each end of the ladder
METHOD = "rate: Clopper-Pearson interval, Newcombe difference; score: Gaffke interval, bounded Welch difference"


@dataclass(frozen=True)
class BreakdownRow:
    """One group (or, as ``Breakdown.total``, the whole survey with ``label`` None and no comparison).

    ``rate_difference``/``score_difference`` compare the group with the rest of the survey (group − rest);
    ``p_value``/``score_p_value`` are theirs, ``adjusted_p``/``score_adjusted_p`` adjusted over the
    breakdown's compared groups; ``direction`` is "higher" or "lower" when ``marked``, else None.
    """

    label: object
    n: int
    satisfied: int
    rate: float | None
    rate_low: float | None
    rate_high: float | None
    score: float | None
    score_low: float | None
    score_high: float | None
    small: bool
    rate_difference: Comparison | None = None
    score_difference: Comparison | None = None
    p_value: float | None = None
    adjusted_p: float | None = None
    score_p_value: float | None = None
    score_adjusted_p: float | None = None
    marked: bool = False
    score_marked: bool = False
    direction: str | None = None
    score_direction: str | None = None


@dataclass(frozen=True)
class Breakdown:
    """``rows`` in the caller's order of groups, ``total`` for the whole survey, and how they were made."""

    rows: tuple[BreakdownRow, ...]
    total: BreakdownRow
    confidence_level: float
    min_n: int
    adjust: str
    method: str = METHOD


def breakdown(groups, *, satisfied, points=None, confidence_level=0.95, min_n=10, adjust="holm",
              population=None) -> Breakdown:
    """Rate (and score, with ``points``) per group, each group compared with the rest of the survey.

    ``groups`` maps a group label to its option counts (code -> count); every code counted is an
    answer (take "not applicable" out first). ``satisfied`` names the codes that count as satisfied;
    ``points`` (optional) is the ladder code -> points and must cover every code answered.

    >>> b = breakdown({"东区": {"A": 40, "C": 10}, "西区": {"A": 20, "C": 30}}, satisfied={"A"})
    >>> [(r.label, r.rate, r.direction) for r in b.rows]
    [('东区', 0.8, 'higher'), ('西区', 0.4, 'lower')]
    """
    level = _checks.confidence_level(confidence_level)
    _checks.method(adjust, ADJUST_METHODS, "adjust")
    smallest = _checks.count(min_n, "min_n")
    if smallest < 1:
        raise ValueError(f"min_n must be at least 1, got {min_n!r}")
    codes = set() if isinstance(satisfied, str) else set(satisfied)
    if not codes:
        raise ValueError(f"satisfied must be a non-empty collection of option codes, got {satisfied!r}")
    ladder = None if points is None else _ladder(points)
    if not isinstance(groups, Mapping):
        raise ValueError(f"groups must map a group label to its option counts, got {type(groups).__name__}")
    tallies = {label: _tally(counts, label, ladder) for label, counts in groups.items()}
    pooled = {}
    for counts in tallies.values():
        for code, c in counts.items():
            pooled[code] = pooled.get(code, 0) + c
    rows = {label: _describe(label, counts, codes, ladder, level, smallest) for label, counts in tallies.items()}
    for label, counts in tallies.items():
        if rows[label]["small"]:
            continue
        rest = {code: c - counts.get(code, 0) for code, c in pooled.items()}
        n, n_rest = rows[label]["n"], sum(rest.values())
        if n_rest < smallest:  # a rest too small to compare with
            continue
        if n_rest > 0:
            rows[label]["rate_difference"] = compare_rates(
                rows[label]["satisfied"], n, sum(c for code, c in rest.items() if code in codes), n_rest,
                confidence_level=level)
        if ladder is not None and n >= 2 and n_rest >= 2:
            rows[label]["score_difference"] = compare_scores(counts, rest, points=ladder, confidence_level=level,
                                                             method=SCORE_DIFFERENCE)
    everyone = sum(pooled.values())
    _mark(rows.values(), "rate_difference", "p_value", "adjusted_p", "marked", "direction", adjust, level, everyone)
    _mark(rows.values(), "score_difference", "score_p_value", "score_adjusted_p", "score_marked",
          "score_direction", adjust, level, everyone)
    total = _describe(None, pooled, codes, ladder, level, smallest, _checks.population(population, everyone)
                      if population is not None and everyone else None)
    return Breakdown(tuple(BreakdownRow(**row) for row in rows.values()), BreakdownRow(**total), level, smallest,
                     adjust)


def _tally(counts, label, ladder) -> dict:
    """The group's counts checked (negative or fractional counts raise), all-zero allowed."""
    if not isinstance(counts, Mapping):
        raise ValueError(f"groups[{label!r}] must map option codes to counts, got {type(counts).__name__}")
    checked = {code: _checks.count(c, f"groups[{label!r}][{code!r}]") for code, c in counts.items()}
    if ladder is not None:
        missing = [code for code, c in checked.items() if c and code not in ladder]
        if missing:
            raise ValueError(f"points gives no value for option(s) {', '.join(map(repr, missing))} "
                             f"answered in group {label!r}")
    return checked


def _describe(label, counts, codes, ladder, level, min_n, population=None) -> dict:
    """The group's own figures: n, satisfied count, rate and score with their intervals (finite-population
    corrected with ``population``)."""
    n = sum(counts.values())
    x = sum(c for code, c in counts.items() if code in codes)
    row = dict(label=label, n=n, satisfied=x, rate=None, rate_low=None, rate_high=None, score=None,
               score_low=None, score_high=None, small=n < min_n)
    if n == 0:
        return row
    if population is None:
        rate = proportion_interval(x, n, confidence_level=level, method="clopper-pearson")
        row.update(rate=rate.estimate, rate_low=rate.low, rate_high=rate.high)
    else:
        rate = satisfaction_rate(counts, satisfied=codes, confidence_level=level, population=population)
        row.update(rate=rate.rate, rate_low=rate.ci.low, rate_high=rate.ci.high)
    if ladder is not None:
        score = satisfaction_score(counts, points=ladder, confidence_level=level, method="gaffke",
                                   population=population)
        row.update(score=score.score, score_low=score.low, score_high=score.high)
    return row


def _mark(rows, difference, p_name, adjusted_name, marked_name, direction_name, adjust, level, everyone) -> None:
    """Fill p, adjusted p, mark and direction of one family (the rows with a ``difference``). Two groups that
    hold every answer between them are one comparison (each is the other's rest): nothing to adjust."""
    family = [row for row in rows if row.get(difference) is not None]
    p_values = [row[difference].p_value for row in family]
    one_test = len(family) == 2 and sum(row["n"] for row in family) == everyone
    adjusted = p_values if adjust == "none" or one_test else adjust_p_values(p_values, method=adjust).tolist()
    for row, p, q in zip(family, p_values, adjusted):
        marked = q < 1 - level
        row.update({p_name: p, adjusted_name: q, marked_name: marked})
        if marked:
            row[direction_name] = "higher" if row[difference].difference > 0 else "lower"
