"""Stored times (UTC, ISO 8601) as people read them: in the deployment's TIMEZONE (Asia/Shanghai unless
configured). One place for every page, file and command:

- ``shown(t, zone)``: '2024-08-13 10:42:07' (the evaluator's pages);
- ``shown(t, zone, label="name")``: '2024-08-13 10:42:07 Asia/Shanghai' (commands, where the reader may be on
  a server set to UTC);
- ``shown(t, zone, label="offset")``: '2024-08-13 10:42:07（UTC+8）' (the documents, beside a receipt file that
  says UTC);
- ``naive(t, zone)``: the local time without a zone, what Excel and SPSS cells hold.
"""
from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo


def local(stored: str, zone: str | tzinfo) -> datetime:
    """The stored UTC time in ``zone`` (a name such as 'Asia/Shanghai', or a tzinfo)."""
    return datetime.fromisoformat(stored).astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)


def naive(stored: str, zone: str | tzinfo) -> datetime:
    """``local`` without its zone and microseconds: a spreadsheet's or SPSS's date-time cell."""
    return local(stored, zone).replace(tzinfo=None, microsecond=0)


def shown(stored: str | None, zone: str | tzinfo, *, label: str = "") -> str:
    """'2024-08-13 10:42:07', with the zone's name (``label="name"``) or its UTC offset (``label="offset"``,
    '（UTC+8）'); "" for no time; a text that is not a time comes back as it was stored."""
    if not stored:
        return ""
    try:
        moment = local(stored, zone)
    except ValueError:
        return stored[:19].replace("T", " ")
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if label == "name":
        return f"{text} {zone if isinstance(zone, str) else moment.tzname()}"
    if label == "offset":
        minutes = int(moment.utcoffset().total_seconds() // 60)
        hours = f"UTC{'+' if minutes >= 0 else '−'}{abs(minutes) // 60}"
        return f"{text}（{hours}{f':{abs(minutes) % 60:02d}' if minutes % 60 else ''}）"
    return text
