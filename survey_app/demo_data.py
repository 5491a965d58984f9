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


def yining_rows() -> list[dict[str, str]]:
    """50 answer dicts ({question id: option code}) whose marginal counts are the report's."""
    columns = {qid: [code for code, n in counts.items() for _ in range(n)] for qid, counts in YINING_COUNTS.items()}
    return [{qid: column[(i * _STEPS[qid]) % N] for qid, column in columns.items()} for i in range(N)]
