"""Which opens of the form count (扫码打开, the completion rate's denominator): one per device per point per
local day. A device is known by its cookie (views.DEVICE_COOKIE) only if this server issued it: its token is
signed, so made-up cookies count as none. A phone's first visit sends no cookie (this response sets it):
it counts once per network address and browser (its User-Agent: the phone model and app version) per point
and day, and its new token is stored with that open, so its next visit does not count again. Repeated GETs
without a cookie (a script) thus add one open per address and day, not one per request. Phones sharing an
address (a hall's Wi-Fi, a carrier's NAT) count their first visits apart when their browsers differ; of
identical ones only the first counts then, the others at their next visit or when they answer. Nothing is stored
but salted hashes per point and day (store/fieldwork.py)."""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from base64 import urlsafe_b64encode
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, request

from ..store import get_store
from .defences import network

log = logging.getLogger(__name__)


def _signature(random: str, secret) -> str:
    digest = hmac.new(str(secret).encode(), f"manyi-device:{random}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest[:12]).decode()


def new_token() -> str:
    """A new device token: random, with this server's signature (shorter than the cookie's 64 characters)."""
    random = secrets.token_urlsafe(16)
    return f"{random}.{_signature(random, current_app.config['SECRET_KEY'])}"


def issued_here(token: str) -> bool:
    """Whether the token was made by new_token with this server's key (or a previous one)."""
    random, _, signature = token.rpartition(".")
    if not random or not signature:
        return False
    keys = (current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or ()))
    return any(hmac.compare_digest(signature, _signature(random, key)) for key in keys)


def _who(kind: str, point_id: int, day: str, value: str) -> str:
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{salt}:open-{kind}:{point_id}:{day}:{value}".encode()).hexdigest()[:24]


def count(point_id: int, token: str, new: bool) -> None:
    """Count an open of the form (or an answer: a device that answers opened it) at the point today, once per
    device or, for a visit without a device this server issued, once per address. Never raises: a page (or a
    stored answer's thank-you) must not fail because its counter did."""
    try:
        day = datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).date().isoformat()
        if not new and issued_here(token):
            get_store().count_open(point_id, day, _who("device", point_id, day, token))
            return
        alias = _who("device", point_id, day, token) if new else None  # the phone's next visit is this one's
        first_visit = f"{network(request.remote_addr)}|{request.headers.get('User-Agent', '')[:300]}"
        get_store().count_open(point_id, day, _who("address", point_id, day, first_visit), alias)
    except Exception:  # noqa: BLE001 (a counter; the page matters more)
        log.exception("counting a page open failed")
