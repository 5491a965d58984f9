"""Stuffing defences a busy hall never trips (issue #13 item 2; numbers and reasons in README.md, "Ballot
stuffing"): the submission key's lifetime and minimum age, the honeypot field, the device and address
ceilings (counted in the database: store/stuffing.py) and which channels they apply to.

Configuration (create_app's defaults; each may be set in instance/config.py or FLASK_*):
SUBMISSION_KEY_MAX_AGE (seconds, 7200), SUBMISSION_MIN_SECONDS (None: max(8, one second per question)),
DEVICE_BURST / DEVICE_PER_MINUTE (5 at once, then 1 every 10 minutes), ADDRESS_BURST / ADDRESS_PER_MINUTE
(30 at once, then 10 a minute), BURST_PER_MINUTE (a point taking more submits than this in a minute is
flagged 异常集中提交: 20), KIOSK_MIN_GAP (seconds between two answers on one hall tablet, 平板: 20).
"""
from __future__ import annotations

import hashlib
import ipaddress

from flask import current_app, request

from ..store import KIOSK, Limits, get_store

HONEYPOT = "website"  # a text field hidden from people (form.html); a filled one is a program's
# How a response came in. The QR code (扫码) is the citizens' own phone: every defence applies. A hall's own
# tablet (平板, KIOSK: respondent/kiosk.py), clerks' paper entry and assisted answering (planned) are exempt from
# the device and address ceilings and the minimum time: one machine serves many people. A tablet takes one
# answer per KIOSK_MIN_GAP seconds instead; views.post passes the channel here. The speeder flag still reads a
# tablet's time on the form (shown before the person came, so never shorter than theirs); paper has none.
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


def refusal(point, survey, questionnaire, nonce, seconds, device_hash, formdata, *, channel, kiosk_id=None):
    """(why a clean answer sheet with a good key is not saved now: a notice kind, "repeat" or "stored",
    or None; the claim the save makes, or None). The honeypot and the strict setting apply to every channel;
    the minimum time and the ceilings only to checked ones (kiosks, paper and assisted entry are exempt); a
    tablet's (``kiosk_id``) claim is its one answer per KIOSK_MIN_GAP and its point's minute (store/kiosks.py)."""
    if formdata.get(HONEYPOT):
        return "honeypot", None
    if checked(channel) and seconds < min_seconds(questionnaire):
        return "too_fast", None
    database = get_store()
    if survey.get("one_per_device") and device_hash is not None:  # 每台设备限答一次
        stored = database.device_submission_key(survey["id"], device_hash)
        if stored is not None:
            return ("stored" if stored == nonce else "repeat"), None
    if channel == KIOSK and kiosk_id is not None:
        return None, database.kiosk_claim(submission_key=nonce, point_id=point["id"], kiosk_id=kiosk_id,
                                          gap=float(current_app.config["KIOSK_MIN_GAP"]), limits=limits())
    if not checked(channel):
        return None, None
    return None, database.claim(submission_key=nonce, point_id=point["id"], device_key=device_hash,
                                address_key=address_key(survey["id"]), limits=limits())
