"""Frequency tables whose shown percentages add up to exactly 100 %.

Rounding each share on its own can print 22 + 48 + 34 + 6 = 110 % or 33.3 × 3 = 99.9 %. Here the
percentages are apportioned by the largest-remainder (Hamilton) method in units of 10⁻ᵈ %: each row
gets the floor of its exact quota, and the units still missing go to the rows with the largest
remainders (ties: the larger count, then the earlier row). The units sum to 100·10ᵈ exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import _checks


@dataclass(frozen=True)
class Row:
    code: object
    count: int
    percent: float
    share: float


@dataclass(frozen=True)
class PercentTable:
    rows: tuple[Row, ...]
    n: int
    decimals: int
    method: str = "largest remainder"

    @property
    def total_percent(self) -> float:
        units = sum(round(row.percent * 10**self.decimals) for row in self.rows)
        return units / 10**self.decimals

    def as_dict(self) -> dict:
        return {row.code: {"count": row.count, "percent": row.percent} for row in self.rows}


def percent_table(counts, *, decimals=1) -> PercentTable:
    """Counts and percentages (``decimals`` places) that add up to exactly 100.

    >>> [r.percent for r in percent_table({"18-30": 11, "31-45": 19, "46-60": 17, "60+": 3}).rows]
    [22.0, 38.0, 34.0, 6.0]
    >>> [r.percent for r in percent_table({"a": 1, "b": 1, "c": 1}).rows]
    [33.4, 33.3, 33.3]
    """
    checked = _checks.counts(counts)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise ValueError(f"decimals must be a whole number from 0 to 6, got {decimals!r}")
    n = sum(checked.values())
    total_units = 100 * 10**decimals
    # exact integer arithmetic: quota_i = count_i * total_units / n
    floors = {code: c * total_units // n for code, c in checked.items()}
    remainders = {code: c * total_units % n for code, c in checked.items()}
    missing = total_units - sum(floors.values())
    codes = list(checked)
    order = sorted(range(len(codes)), key=lambda i: (-remainders[codes[i]], -checked[codes[i]], i))
    for i in order[:missing]:
        floors[codes[i]] += 1
    rows = tuple(Row(code, checked[code], floors[code] / 10**decimals, checked[code] / n) for code in codes)
    return PercentTable(rows, n, decimals)
