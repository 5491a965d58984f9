"""Answers stored while their survey took none: the citizens' form stores a scanned answer (channel 扫码) only
while the survey's status is 收集中 (open) and the day is within its dates, and every audit line records the status
and the dates in effect from then on (its ``state``). Someone holding the database but not the chain key could set a
closed survey's status back to open (or move its end date) behind Manyi's back, post answers through the form (each
a genuine link of its point's chain), and put the status back: the settings then match the chain again and every
other check passes. ``verify`` replays each survey's recorded states and names every scanned answer stored while
they said the survey took none.

Slack, so that nothing stored honestly is named: GRACE_SECONDS on either side of a line that opened or closed the
survey (each worker keeps its reading of a survey for POINT_CACHE_SECONDS; servers' clocks may differ by up to
MAX_CLOCK_SKEW_SECONDS), and a day on either side of the dates (they are local days, in the server's TIMEZONE; the
stored times are UTC). A hall's tablet (平板) answers through the same form, refused by the same status, so its
answers are checked too. Paper and assisted entry (other channels) are not refused by the form's status, so they
are not checked; nor are lines from before 2026-12, which recorded no status.
"""
from __future__ import annotations

import bisect
import json
from datetime import date, datetime, time, timedelta, timezone

from .common import iso_time
from .responses import CHANNELS

GRACE_SECONDS = 30
FORM_CHANNELS = (CHANNELS[0], CHANNELS[2])  # 扫码 and 平板: the channels the citizens' form stores
_END = "9999-12-31T00:00:00.000000+00:00"  # after every stored time


def _day_start(day: str, shift: int) -> str:
    """The UTC start of ``day`` (an ISO date) moved by ``shift`` days, in the stored time format."""
    moment = datetime.combine(date.fromisoformat(day) + timedelta(days=shift), time(), timezone.utc)
    return iso_time(moment.timestamp())


def _shifted(at: str, seconds: float) -> str:
    return iso_time(datetime.fromisoformat(at).timestamp() + seconds)


def _refusing(state: dict, since: str, until: str) -> list[tuple[str, str, str]]:
    """The periods within [since, until) in which a survey in ``state`` refused scanned answers, with why."""
    status = state["status"]
    if status != "open":
        return [(since, until, f"status {status}")]
    periods = []
    if state.get("opens_on"):  # the local day before the UTC day before it: surely before it opened
        periods.append((since, min(until, _day_start(state["opens_on"], -1)), f"opens on {state['opens_on']}"))
    if state.get("closes_on"):  # from the UTC day two days after its last day
        periods.append((max(since, _day_start(state["closes_on"], 2)), until, f"closed on {state['closes_on']}"))
    return periods


def _periods(lines: list[tuple[str, dict]]) -> list[tuple[str, str, str]]:
    """A survey's lines (time, recorded state), oldest first, as the sorted periods in which it refused scanned
    answers, each shrunk by GRACE_SECONDS at both ends."""
    found = []
    for i, (at, state) in enumerate(lines):
        if "status" not in state:  # a line from before 2026-12: the status then is not known
            continue
        until = lines[i + 1][0] if i + 1 < len(lines) else _END
        for start, end, why in _refusing(state, at, until):
            start, end = _shifted(start, GRACE_SECONDS), _shifted(end, -GRACE_SECONDS) if end != _END else _END
            if start < end:
                found.append((start, end, why))
    return sorted(found)


def answers_while_closed(conn) -> list[tuple[int, str]]:
    """(response id, why) for every scanned answer stored while its survey's recorded state refused them."""
    lines: dict[int, list[tuple[str, dict]]] = {}
    for survey_id, at, state in conn.execute("select survey_id, at, state from audit_log where survey_id is not null"
                                             " and state is not null order by id").fetchall():
        try:
            recorded = json.loads(state)
        except ValueError:  # a state Manyi never writes: the chain's own check names it
            continue
        if isinstance(recorded, dict):
            lines.setdefault(survey_id, []).append((at, recorded))
    periods = {survey_id: _periods(survey_lines) for survey_id, survey_lines in lines.items()}
    starts = {survey_id: [p[0] for p in found] for survey_id, found in periods.items()}
    bad = []
    for rid, survey_id, at in conn.stream("select id, survey_id, submitted_at from responses where channel in"
                                          " (?, ?) order by id", FORM_CHANNELS):
        i = bisect.bisect_right(starts.get(survey_id, []), at) - 1
        if i >= 0 and at < periods[survey_id][i][1]:
            bad.append((rid, f"an answer from the form stored while its survey's audit chain recorded it taking none"
                             f" ({periods[survey_id][i][2]}): its status or dates changed behind Manyi's back"))
    return bad
