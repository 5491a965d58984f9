"""The Yining 2024 survey's 50 answers, reconstructed from the counts printed in 附件3 (seed 000).

The report gives only marginal counts per item, so the rows are one reconstruction whose every
item matches them exactly: age A..D 11/19/17/3, gender A 22 B 28, q1 28/11/6/3/2, q2 41/4/3/2/0,
q3 38/6/4/2/0, q4 33/12/3/2/0, q5 46/2/2/0/0 (→ Q5 score 97.6, C51 5 of 5).

    from tests.yining import yining_rows, submit_all
    submit_all(client, code, yining_rows())          # 50 responses through the real /s/<code> route
"""
from __future__ import annotations

import re

from itsdangerous import URLSafeSerializer

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


def _hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input id="\w+" name="(\w+)" type="hidden" value="([^"]*)">', html))


def _backdate(client, key: str, seconds: int) -> str:
    """The same submission key, as if the form had been rendered ``seconds`` earlier."""
    signer = URLSafeSerializer(client.application.config["SECRET_KEY"], salt="manyi-submission-key")
    nonce, code, issued = signer.loads(key)
    return signer.dumps([nonce, code, issued - seconds])


def submit_one(client, code: str, answers: dict[str, str], *, seconds: int | None = None,
               new_device: bool = True):
    """GET /s/<code>, POST the answers with the page's hidden fields; returns the POST response.

    ``seconds`` backdates the form (time on page); ``new_device`` drops the device cookie first,
    so each submission looks like a different phone (False: the same phone again).
    """
    if new_device:
        client.delete_cookie("mid")
    page = client.get(f"/s/{code}")
    assert page.status_code == 200, page.status_code
    body = _hidden(page.get_data(as_text=True))
    if seconds is not None:
        body["key"] = _backdate(client, body["key"], seconds)
    return client.post(f"/s/{code}", data={**body, **answers})


def submit_all(client, code: str, rows: list[dict[str, str]], *, seconds: int | None = 60,
               new_device: bool = True) -> None:
    """Submit every row through the real respondent route; each must be stored (303 to thanks).

    Default: 60 s on the page and a fresh device each, so the rows raise no speeder or device flag.
    """
    for row in rows:
        posted = submit_one(client, code, row, seconds=seconds, new_device=new_device)
        assert posted.status_code == 303, (posted.status_code, row)
