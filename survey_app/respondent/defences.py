"""Stuffing defences a busy hall never trips (issue #13 item 2; numbers and reasons in README.md, "Ballot
stuffing"): the submission key's lifetime and minimum age, the honeypot field, the device and address
ceilings (counted in the database: store/stuffing.py) and which channels they apply to.

Configuration (create_app's defaults; each may be set in instance/config.py or FLASK_*):
SUBMISSION_KEY_MAX_AGE (seconds, 7200), SUBMISSION_MIN_SECONDS (None: max(8, one second per question)),
DEVICE_BURST / DEVICE_PER_MINUTE (5 at once, then 1 every 10 minutes), ADDRESS_BURST / ADDRESS_PER_MINUTE
(30 at once, then 10 a minute), BURST_PER_MINUTE (a point taking more submits than this in a minute is
flagged 异常集中提交: 20).
"""
from __future__ import annotations

import hashlib
import ipaddress

from flask import current_app, request

from ..store import Limits

HONEYPOT = "website"  # a text field hidden from people (form.html); a filled one is a program's
# How a response came in. The QR code (扫码) is the citizens' own phone: every defence applies. Kiosks,
# clerks' paper entry and assisted answering (planned) are exempt from the device and address ceilings,
# the minimum time and the speeder flag: a clerk enters many forms quickly from one machine. The lead's
# chain work stores each response's channel (default 扫码); views.post passes it here.
SCAN = "扫码"
CHECKED_CHANNELS = frozenset({SCAN})


def checked(channel: str) -> bool:
    """Whether the limits, the minimum time and the speeder flag apply to a submit of this channel."""
    return channel in CHECKED_CHANNELS


def min_seconds(questionnaire) -> int:
    """The least plausible time from showing a form to its submit: SUBMISSION_MIN_SECONDS, else one
    second per question and at least 8 (the Yining form, 7 questions: 8 s; below the speeder flag's
    max(15, 2 s per question), so a script racing this minimum is still flagged)."""
    configured = current_app.config.get("SUBMISSION_MIN_SECONDS")
    return int(configured) if configured is not None else max(8, len(questionnaire.questions))


def limits() -> Limits:
    c = current_app.config
    return Limits(device_capacity=float(c["DEVICE_BURST"]), device_per_minute=float(c["DEVICE_PER_MINUTE"]),
                  address_capacity=float(c["ADDRESS_BURST"]), address_per_minute=float(c["ADDRESS_PER_MINUTE"]),
                  burst=int(c["BURST_PER_MINUTE"]))


def address_key(survey_id: int) -> str:
    """The client's network address, salted and hashed per survey (never stored raw). Behind a reverse
    proxy, TRUSTED_PROXIES makes this the citizen's address rather than the proxy's."""
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{salt}:submit-address:{survey_id}:{network(request.remote_addr)}".encode()).hexdigest()[:24]


def network(address: str | None) -> str:
    """What one subscriber holds: an IPv4 address, or an IPv6 address's /64 (a host gets a whole /64, so its
    full addresses would each get their own ceiling)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or ""
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))
