"""A load-generating citizen for live-server tests and bench soaks: one GET (for the device cookie),
then any number of submissions with fresh one-time keys.

The keys are signed here with the server's SECRET_KEY and the salt of survey_app/respondent/forms.py and
bound to the device cookie, exactly as the server would issue them, so a submission needs no fresh GET.
Each key's nonce is the ``submission_key`` the server stores, so the caller can look every
acknowledged submit up.
"""
from __future__ import annotations

import hashlib
import http.client
import secrets
import time
from http.cookies import SimpleCookie
from typing import Callable
from urllib.parse import urlencode

from itsdangerous import URLSafeSerializer

from survey_app.respondent.views import DEVICE_COOKIE
from tests.helpers import YINING_ANSWERS, hidden_fields

KEY_SALT = "manyi-submission-key"  # survey_app/respondent/forms.py


def signed_key(secret: str, code: str, nonce: str, device: str, issued: int | None = None) -> str:
    """A submission key as survey_app/respondent/forms.issue_key makes it, for the browser whose device
    cookie is ``device``."""
    digest = hashlib.sha256(device.encode()).hexdigest()[:16]
    return URLSafeSerializer(secret, salt=KEY_SALT).dumps(
        [nonce, code, int(time.time()) if issued is None else issued, digest])


class Citizen:
    """Submits to /s/<code> on 127.0.0.1:port() (a callable, so a restarted server can move)."""

    def __init__(self, port: Callable[[], int], code: str, secret: str, *, timeout: float = 10.0):
        self.port, self.code, self.secret, self.timeout = port, code, secret, timeout
        self.cookies: dict[str, str] = {}
        self.device: str | None = None  # the device cookie, set by the first GET
        self.last_page = ""  # the body of the last answer (to explain a refusal)
        self.conn: http.client.HTTPConnection | None = None
        self.conn_port: int | None = None

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
        if self.conn is None or self.conn_port != self.port():
            self.close()
            self.conn_port = self.port()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.conn_port, timeout=self.timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except BaseException:
            self.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, text

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def open_session(self) -> None:
        status, html = self._request("GET", f"/s/{self.code}")
        if status != 200:
            raise RuntimeError(f"GET /s/{self.code} answered {status}")
        if "key" not in hidden_fields(html) or DEVICE_COOKIE not in self.cookies:
            raise RuntimeError(f"GET /s/{self.code} gave no form key or no device cookie")
        self.device = self.cookies[DEVICE_COOKIE]

    def body(self, nonce: str, answers: dict | None = None) -> bytes:
        """A filled-in form with a fresh key for ``nonce`` (the first call opens the session)."""
        if self.device is None:
            self.open_session()
        return urlencode({"key": signed_key(self.secret, self.code, nonce, self.device), "lang": "zh-CN",
                          **(YINING_ANSWERS if answers is None else answers)}).encode()

    def submit(self, body: bytes, *, retry_for: float = 0.0) -> int | None:
        """POST one body; on a dropped connection retry the same body for up to ``retry_for`` seconds
        (what a phone on flaky 4G does). The final status, or None when no answer ever came."""
        deadline = time.monotonic() + retry_for
        while True:
            try:
                status, self.last_page = self._request("POST", f"/s/{self.code}", body)
                return status
            except (OSError, http.client.HTTPException, RuntimeError):
                if time.monotonic() >= deadline:
                    return None
                time.sleep(0.02 + 0.05 * secrets.randbelow(4))


def new_nonce() -> str:
    return secrets.token_urlsafe(12)
