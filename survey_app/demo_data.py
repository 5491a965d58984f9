"""The Yining 2024 survey's 50 answers, reconstructed from the counts printed in 附件3 (seed 000),
for the demo (and the tests). The report gives only marginal counts per item, so the rows are one
reconstruction whose every item matches them exactly: age A..D 11/19/17/3, gender A 22 B 28,
q1 28/11/6/3/2, q2 41/4/3/2/0, q3 38/6/4/2/0, q4 33/12/3/2/0, q5 46/2/2/0/0 (→ Q5 score 97.6, C51 5 of 5).
"""
from __future__ import annotations

YINING_COUNTS: dict[str, dict[str, int]] = {
    "age": {"A": 11, "B": 19, "C": 17, "D": 3},
    "gender": {"A": 22, "B": 28},
    "q1": {"A": 28, "B": 11, "C": 6, "D": 3, "E": 2},
    "q2": {"A": 41, "B": 4, "C": 3, "D": 2, "E": 0},
    "q3": {"A": 38, "B": 6, "C": 4, "D": 2, "E": 0},
    "q4": {"A": 33, "B": 12, "C": 3, "D": 2, "E": 0},
    "q5": {"A": 46, "B": 2, "C": 2, "D": 0, "E": 0},
}
N = 50
# Row i takes position (i * step) % 50 of the item's sorted codes; each step is coprime to 50, so
# every item keeps its exact counts while the items are not all lined up (not 28 straight-liners).
_STEPS = {"age": 1, "gender": 7, "q1": 11, "q2": 13, "q3": 17, "q4": 19, "q5": 23}


def _rows(item_counts: dict[str, dict[str, int]]) -> list[dict[str, str]]:
    columns = {qid: [code for code, n in counts.items() for _ in range(n)] for qid, counts in item_counts.items()}
    return [{qid: column[(i * _STEPS[qid]) % N] for qid, column in columns.items()} for i in range(N)]


def yining_rows() -> list[dict[str, str]]:
    """50 answer dicts ({question id: option code}) whose marginal counts are the report's."""
    return _rows(YINING_COUNTS)


# 演示数据（虚构）: a fictional 2023 survey of the same bureau, with the same questionnaire, for the demo's
# 与上年度比较 (issue #14). Invented counts, slightly below 2024's (q5 40/5/3/2/0 → score 93.2 against 97.6);
# never present them as the bureau's real 2023 results.
YINING_2023_COUNTS: dict[str, dict[str, int]] = {
    "age": {"A": 12, "B": 18, "C": 16, "D": 4},
    "gender": {"A": 24, "B": 26},
    "q1": {"A": 25, "B": 12, "C": 7, "D": 4, "E": 2},
    "q2": {"A": 36, "B": 7, "C": 4, "D": 2, "E": 1},
    "q3": {"A": 35, "B": 8, "C": 4, "D": 2, "E": 1},
    "q4": {"A": 30, "B": 13, "C": 4, "D": 2, "E": 1},
    "q5": {"A": 40, "B": 5, "C": 3, "D": 2, "E": 0},
}


def yining_2023_rows() -> list[dict[str, str]]:
    """50 fictional answer dicts for the demo's 2023 survey, laid out as ``yining_rows`` lays out 2024's."""
    return _rows(YINING_2023_COUNTS)
