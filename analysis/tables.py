"""Frequency tables whose percentages are each the correctly rounded share of their own count.

Each percentage is 100·count/n rounded half away from zero to ``decimals`` places, exactly as
``analysis.formatting`` prints it, so equal counts always print equal percentages (10 of 57 is 17.5 %
in every row, table, page and file). The printed column may then add up to 99.9 % or 100.1 %; the table
says so (``adds_up``, ``ROUNDING_NOTE``) and every output prints the note below it, as statistical
yearbooks do. (This replaces the largest-remainder apportionment, which forced the sum to 100 % by
printing some equal counts differently.)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from . import _checks

ROUNDING_NOTE = "因四舍五入，合计可能不等于100%。"


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
    method: str = "each share rounded half up on its own"

    @property
    def total_percent(self) -> float:
        """The sum of the printed percentages (100.0, or e.g. 99.9 when rounding does not add up)."""
        units = sum(round(row.percent * 10**self.decimals) for row in self.rows)
        return units / 10**self.decimals

    @property
    def adds_up(self) -> bool:
        return self.n == 0 or self.total_percent == 100

    @property
    def note(self) -> str:
        """``ROUNDING_NOTE`` when the printed column does not add up to 100, else ''."""
        return "" if self.adds_up else ROUNDING_NOTE

    def as_dict(self) -> dict:
        return {row.code: {"count": row.count, "percent": row.percent} for row in self.rows}


def rounded_percent(count: int, n: int, decimals: int = 1) -> float:
    """100·count/n rounded half away from zero, in exact arithmetic (no binary noise at the half).

    >>> rounded_percent(10, 57), rounded_percent(11, 59), rounded_percent(1, 8)
    (17.5, 18.6, 12.5)
    """
    exact = Fraction(100 * count, n) * 10**decimals
    units = int(exact + Fraction(1, 2))  # non-negative: half away from zero is half up
    return units / 10**decimals


def percent_table(counts, *, decimals=1) -> PercentTable:
    """Counts and their percentages (``decimals`` places), each rounded on its own.

    >>> [r.percent for r in percent_table({"18-30": 11, "31-45": 19, "46-60": 17, "60+": 3}).rows]
    [22.0, 38.0, 34.0, 6.0]
    >>> t = percent_table({"a": 1, "b": 1, "c": 1})
    >>> [r.percent for r in t.rows], t.total_percent, t.note
    ([33.3, 33.3, 33.3], 99.9, '因四舍五入，合计可能不等于100%。')
    """
    checked = _checks.counts(counts)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise ValueError(f"decimals must be a whole number from 0 to 6, got {decimals!r}")
    n = sum(checked.values())
    rows = tuple(Row(code, c, rounded_percent(c, n, decimals), c / n) for code, c in checked.items())
    return PercentTable(rows, n, decimals)
