"""Input checks shared by the analysis modules (private).

Every check raises ``ValueError`` with a message that names the argument and the value it got,
so a caller (a view, the CLI) can show it as it is.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

ALTERNATIVES = ("two-sided", "greater", "less")


def count(value, name: str) -> int:
    """A non-negative whole number (ints, numpy ints and integral floats such as 46.0)."""
    if type(value) is int and value >= 0:       # fast path: the common case, ~10x cheaper than the ABCs
        return value
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, numbers.Integral):
        result = int(value)
    elif isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
        result = int(value)
    else:
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if result < 0:
        raise ValueError(f"{name} must not be negative, got {result}")
    return result


def confidence_level(value) -> float:
    if type(value) is float and 0 < value < 1:  # fast path
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ValueError(f"confidence_level must lie strictly between 0 and 1, got {value!r}")
    return float(value)


def alternative(value) -> str:
    if value not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {', '.join(map(repr, ALTERNATIVES))}; got {value!r}")
    return value


def method(value, valid: tuple[str, ...], what: str = "method") -> str:
    if value not in valid:
        raise ValueError(f"unknown {what} {value!r}; valid: {', '.join(map(repr, valid))}")
    return value


def successes(successes, n) -> tuple[int, int]:
    """(successes, n) as whole numbers with 0 ≤ successes ≤ n and n > 0."""
    x, size = count(successes, "successes"), count(n, "n")
    if size == 0:
        raise ValueError("n must be positive, got 0")
    if x > size:
        raise ValueError(f"successes ({x}) must not exceed n ({size})")
    return x, size


def fraction(value, name: str, *, closed: bool = False) -> float:
    """A rate in (0, 1), or [0, 1] with ``closed``; hints at percent input."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = 0 <= value <= 1 if closed else 0 < value < 1
    if not ok:
        span = "[0, 1]" if closed else "(0, 1)"
        hint = f" (a fraction: did you mean {value / 100:g}?)" if ok is False and _looks_like_percent(value) else ""
        raise ValueError(f"{name} must be a fraction in {span}, got {value!r}{hint}")
    return float(value)


def _looks_like_percent(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and 1 < value <= 100


def census(n: int, population: int | None) -> bool:
    """Every one of the population answered (n = N): no sampling error, so no interval and no bound."""
    return population is not None and n >= population


def population(value, n: int | float | None = None) -> int | None:
    """A population size N (None means infinite); N must be at least the sample size n."""
    if value is None:
        return None
    size = count(value, "population")
    if size < 2:
        raise ValueError(f"population must be at least 2, got {size}")
    if n is not None and n > size:
        raise ValueError(f"the sample (n = {n}) is larger than the population ({size})")
    return size


def counts(mapping, name: str = "counts") -> dict:
    """Option code -> count, in the caller's order; the total must be positive."""
    if not isinstance(mapping, Mapping):
        raise ValueError(f"{name} must map option codes to counts, got {type(mapping).__name__}")
    checked = {code: count(c, f"{name}[{code!r}]") for code, c in mapping.items()}
    if sum(checked.values()) == 0:
        raise ValueError(f"{name} has no answers (n = 0)")
    return checked


def fpc_factor(n: float, size: int | None) -> float:
    """sqrt((N - n) / (N - 1)), the finite-population correction of a standard error (1 without N)."""
    if size is None:
        return 1.0
    return math.sqrt(max(size - n, 0) / (size - 1))


def scale(value) -> tuple[float, float]:
    """A score's (min, max) ladder ends as floats: finite, min < max."""
    try:
        low_end, high_end = (float(s) for s in value)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a (min, max) pair of numbers, got {value!r}") from None
    if not (math.isfinite(low_end) and math.isfinite(high_end) and low_end < high_end):
        raise ValueError(f"scale must be a finite (min, max) with min < max, got {value!r}")
    return low_end, high_end
