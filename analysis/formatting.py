"""How numbers are printed: one family for every page, file and command (and the rules' sentences).

- a *percentage* (满意率, 占比, 有效率, a rate's interval) prints with one decimal, as the percent
  tables give it: ``pct(96) == "96.0%"``;
- a *score* (满意度得分, its interval) and the numbers a scoring *rule* works with (the value it
  scores, the target, the weight, the points, the operands of its formula) print with up to two
  decimals and no trailing zeros, so that the working paper's sentence, its formula and the score
  agree and the deduction can be redone by hand: ``num(97.551) == "97.55"``, ``num(5.0) == "5"``;
- other statistics with a stated number of decimals: ``fixed(5.4712, 2) == "5.47"`` (a design effect);
- an *interval* (a rate's or a score's two ends) prints as one range, each end in full and an en dash
  between them without spaces, both ends with the decimals of the one that has more:
  ``span(86.54, 98.9) == "86.5%–98.9%"``, ``span(95.126, 100, "分") == "95.13–100.00 分"``.

One rounding rule everywhere: the decimal value, with binary noise below 10⁻⁹ removed first (so that
100 × 1/80 and 100 / 80 both give 1.25), rounded half away from zero as a calculator or a spreadsheet
does (6.25 → "6.3", 2.675 → "2.68"). Equal values therefore print equally on every page and in every
file. ``rounded`` gives the same rounding as a number, for spreadsheet cells.

A *deciding bound* (the one-sided confidence bound a verdict rests on) is rounded down instead
(``toward="down"``), so that the printed bound and a target on the printed grid (95 %, 95 分) compare as
the unrounded ones do: b ≥ T exactly when floor(b) ≥ T, and b < T exactly when floor(b) < T. A lower
bound of 94.96 % prints "94.9%", never a "95.0%" beside 按当前样本量尚不能判定 against a 95 % target, and an
upper bound of 94.96 % prints "94.9%" beside 未达到预期目标.

>>> pct(100 * 47 / 49), fixed(97.551), num(97.551), num(5.0), pct(6.25), rounded(6.25)
('95.9%', '97.6', '97.55', '5', '6.3%', 6.3)
>>> pct(94.96, toward="down"), pct(94.91, toward="up"), num(95.126424, toward="down")
('94.9%', '95.0%', '95.12')

A *satisfaction figure* (a rate or a score, the survey's or a group's) printed where its target applies goes
through ``pct_below`` / ``num_below`` (and ``span(..., target=...)``): below the target it never prints as
reaching it, 189 of 199 satisfied against 95 % prints "94.97%", not "95.0%"; at or above it keeps one decimal.

>>> pct_below(100 * 189 / 199, 95), pct_below(96, 95), num_below(94.996, 95), span(94.96, 98.2, target=95)
('94.97%', '96.0%', '94.996', '94.96%–98.20%')
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

_NOISE_DIGITS = 9
_TOWARD = {None: ROUND_HALF_UP, "down": ROUND_FLOOR, "up": ROUND_CEILING}


def _decimal(x: float, digits: int, toward: str | None = None) -> Decimal:
    value = Decimal(repr(round(float(x), _NOISE_DIGITS)))
    value = value.quantize(Decimal(1).scaleb(-digits), rounding=_TOWARD[toward])
    return value.copy_abs() if value == 0 else value  # never "-0.0"


def rounded(x: float, digits: int = 1, toward: str | None = None) -> float:
    """``x`` rounded as it prints, as a number: ``rounded(6.25) == 6.3``, ``rounded(97.55102, 4) == 97.551``."""
    return float(_decimal(x, digits, toward)) if math.isfinite(x) else float(x)


def kept(x: float, digits: int = 4) -> float:
    """``x`` to ``digits`` decimals for a spreadsheet cell that shows fewer: ``rounded``, except where that would
    carry it across a shorter rounding (91.47496 → 91.475, which a cell showing two decimals reads 91.48 where
    the page prints 91.47): then cut toward zero, which keeps every rounding to fewer decimals as ``x`` has it.

    >>> kept(91.47179), kept(91.47496), fixed(kept(91.47496), 2), kept(-1.00496, 4)
    (91.4718, 91.4749, '91.47', -1.0049)
    """
    value = rounded(x, digits)
    if not math.isfinite(x) or all(fixed(value, d) == fixed(x, d) for d in range(digits)):
        return value
    return rounded(x, digits, "down" if x > 0 else "up")


def fixed(x: float, digits: int = 1, toward: str | None = None) -> str:
    """Exactly ``digits`` decimals: ``fixed(97.551) == "97.6"``, ``fixed(100) == "100.0"``, ``fixed(5.47, 2) == "5.47"``."""
    if not math.isfinite(x):
        return f"{x:.{digits}f}"
    return format(_decimal(x, digits, toward), "f")


def above_digits(x: float, target: float, digits: int) -> int:
    """The decimals (``digits`` or more, at most 6) at which ``x`` rounded down still prints above ``target``
    when it is above it: an upper bound of 95.07 against 95 prints 95.07, not 95.0."""
    while x > target and float(fixed(x, digits, "down")) <= target and digits < 6:
        digits += 1
    return digits


def below_digits(x: float, target: float, digits: int) -> int:
    """The decimals (``digits`` or more, at most 6) at which ``x`` below ``target`` still prints below it: a
    figure never reaches its target by rounding (94.95 % against 95 % prints 94.95%, not 95.0%, and is scored
    so); a figure at or above its target keeps ``digits``."""
    while x < target and rounded(x, digits) >= target and digits < 6:
        digits += 1
    return digits


def num(x: float, digits: int = 2, toward: str | None = None) -> str:
    """At most ``digits`` decimals, no trailing zeros: ``num(97.6) == "97.6"``, ``num(5.0) == "5"``,
    ``num(4.3421) == "4.34"``, ``num(100, 0) == "100"``."""
    text = fixed(x, digits, toward)
    return text.rstrip("0").rstrip(".") if "." in text else text


def span(low: float, high: float, unit: str = "%", target: float | None = None) -> str:
    """An interval as every page, file and command prints it: a rate's ends in percent with ``pct``
    ('86.5%–98.9%'), a score's with ``num`` and its unit once at the end ('95.13–100.00 分'); with a
    ``target`` an end below it never prints as reaching it (``pct_below``, ``num_below``); both ends show as many
    decimals ('78.11–95.80 分', not '78.11–95.8 分'), each end rounded to them (``ends``)."""
    if unit == "%":
        return "–".join(f"{end}%" for end in ends(low, high, unit, target))
    return "–".join(ends(low, high, unit, target)) + (f" {unit}" if unit else "")


def ends(low: float, high: float, unit: str = "%", target: float | None = None) -> list[str]:
    """An interval's two ends as ``span`` prints them, without the unit: each end rounded itself to the decimals of
    the end that needs more (``pct_below`` / ``num_below``), so a rate's 78.1865 beside a 96.6725 kept off a 96.7
    target reads 78.19 (not 78.2 padded to 78.20): ``ends(78.1865, 96.6725, "%", 96.7) == ["78.19", "96.67"]``."""
    def one(x):
        return pct_below(x, target)[:-1] if unit == "%" else num_below(x, target)
    digits = max(places(one(low)), places(one(high)))
    return [fixed(low, digits), fixed(high, digits)]


def nums(*xs: float, digits: int = 2) -> list[str]:
    """A score difference and its interval's ends (or any figures read together) with ``digits`` decimals each:
    ``nums(10, -17.466, 37.466) == ["10.00", "-17.47", "37.47"]``, never '+10 (−17.47 至 +37.47)'; always
    ``digits``, so the rows of one table agree: ``nums(2.8, -4.9967, 10.5967) == ["2.80", "-5.00", "10.60"]``
    beside '+2.40 (−7.18 至 +11.98)', never '+2.8 (−5.0 至 +10.6)'. Three figures are (difference, low, high): an
    interval that leaves out 0 (差异显著) gets the decimals that keep its near end off zero, all three alike:
    ``nums(15, 0.0276, 36.04, digits=1) == ["15.00", "0.03", "36.04"]``, never '0.0 至 +36.0' beside 显著."""
    if len(xs) == 3 and (xs[1] > 0 or xs[2] < 0):
        near = xs[1] if xs[1] > 0 else xs[2]
        while digits < 6 and _decimal(near, digits) == 0:
            digits += 1
    return [fixed(x, digits) for x in xs]


def places(text: str) -> int:
    """The decimals a printed figure shows, so that a spreadsheet cell can show the same digits:
    ``places("97.6 分") == 1``, ``places("95") == 0``, ``places("94.97%") == 2``, ``places("91.47–99.36 分") == 2``."""
    _, point, after = text.partition(".")
    return len(after) - len(after.lstrip("0123456789")) if point else 0


def pct_below(x: float, target: float | None, digits: int = 1) -> str:
    """A satisfaction rate (in percent) as printed beside its ``target`` (in percent): one decimal, more when
    one would print a rate below the target as reaching it: ``pct_below(100 * 189 / 199, 95) == "94.97%"``,
    ``pct_below(96, 95) == "96.0%"``; no target (None): ``pct``."""
    return pct(x, digits if target is None else below_digits(x, target, digits))


def num_below(x: float, target: float | None, digits: int = 2) -> str:
    """A satisfaction score (in 分) as printed beside its ``target`` (in 分): ``num``, with more decimals when
    a score below the target would print as reaching it: ``num_below(94.996, 95) == "94.996"``."""
    return num(x, digits if target is None else below_digits(x, target, digits))


def p_value(p: float, alpha: float = 0.05, digits: int = 3) -> str:
    """A p-value beside the verdict it decides at ``alpha``: three decimals, '<0.001' below 0.001, and more decimals
    where three would print a significant p as ``alpha``: ``p_value(0.0496) == "0.0496"`` beside 高于其余样本,
    ``p_value(0.0504) == "0.050"`` beside 差异不显著, never "0.050" for both."""
    if p < 0.001:
        return "<0.001"
    return fixed(p, below_digits(p, alpha, digits))  # at or above alpha, "0.050" reads as not below it: right


def pct(x: float, digits: int = 1, toward: str | None = None) -> str:
    """A percentage (``x`` already in percent) with ``digits`` decimals: ``pct(22) == "22.0%"``."""
    return fixed(x, digits, toward) + "%"
