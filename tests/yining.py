"""The Yining 2024 survey's 50 answers, reconstructed from the counts printed in 附件3 (seed 000).

The report gives only marginal counts per item, so the rows are one reconstruction whose every
item matches them exactly: age A..D 11/19/17/3, gender A 22 B 28, q1 28/11/6/3/2, q2 41/4/3/2/0,
q3 38/6/4/2/0, q4 33/12/3/2/0, q5 46/2/2/0/0 (→ Q5 score 97.6, C51 5 of 5).

    from tests.yining import yining_rows, submit_all
    submit_all(client, code, yining_rows())          # 50 responses through the real /s/<code> route
"""
from __future__ import annotations

from itsdangerous import URLSafeSerializer

from survey_app.demo_data import YINING_COUNTS, yining_rows  # noqa: F401  (re-exported for tests)
from tests.helpers import hidden_fields
from tests.submitter import DEVICE_COOKIE, KEY_SALT


def _backdate(client, key: str, seconds: int) -> str:
    """The same submission key, as if the form had been rendered ``seconds`` earlier."""
    signer = URLSafeSerializer(client.application.config["SECRET_KEY"], salt=KEY_SALT)
    nonce, code, issued, device = signer.loads(key)
    return signer.dumps([nonce, code, issued - seconds, device])


def submit_one(client, code: str, answers: dict[str, str], *, seconds: int | None = None,
               new_device: bool = True):
    """GET /s/<code>, POST the answers with the page's hidden fields; returns the POST response.

    ``seconds`` backdates the form (time on page); ``new_device`` drops the device cookie first,
    so each submission looks like a different phone (False: the same phone again).
    """
    if new_device:
        client.delete_cookie(DEVICE_COOKIE)
    page = client.get(f"/s/{code}")
    assert page.status_code == 200, page.status_code
    body = hidden_fields(page.get_data(as_text=True))
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
