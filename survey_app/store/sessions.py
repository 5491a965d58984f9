"""Evaluators' sessions, kept on the server. The browser's signed cookie holds only a random session id;
the ``sessions`` table holds its SHA-256 hash (a copied database opens no session), who it belongs to,
when it began and was last seen, and when it was revoked. Logging out, a new password and
``manyi revoke-sessions`` end a session at its next request; so do the idle and absolute lifetimes, and an
account changed behind Manyi's back (its row no longer what the account chain recorded: account_log.py).

Times come from the Store's ``wall_clock`` (base.py; tests move it). ``last_seen_at`` is written at
most once per ``TOUCH_SECONDS`` a session, so most page views stay reads.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from .account_log import RECORD_COLUMNS, RECORD_JOIN, as_recorded
from .common import StorageUnavailable, iso_time
from .servers import CLOCK_SLACK_SECONDS

TOUCH_SECONDS = 60
KEEP_SECONDS = 86400  # a session's record is kept this long past its absolute lifetime, then deleted


@dataclass(frozen=True)
class SessionCheck:
    """A session as the request found it: ``user`` ({"id", "username"}) when it is alive, else why it
    ended: "missing" (no such record), "revoked", "changed" (the account is not what the account chain
    recorded), "idle", "expired" (past its absolute lifetime) or "clock" (begun in the future: this server's
    clock was set back)."""
    user: dict | None
    ended: str | None = None


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _seconds(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


class Sessions:
    def start_session(self, user_id: int, *, max_seconds: float, user_agent: str = "",
                      client_hash: str = "") -> str:
        """A new session for the user; returns its id, for the cookie (the table holds only its hash).
        Records ended longer than a day ago are deleted on the way."""
        session_id, now = secrets.token_urlsafe(32), self.wall_clock()

        def body(conn):
            conn.execute("insert into sessions (id_hash, user_id, created_at, last_seen_at, user_agent, client_hash)"
                         " values (?, ?, ?, ?, ?, ?)", [session_hash(session_id), user_id, iso_time(now),
                                                        iso_time(now), user_agent[:200], client_hash])
            conn.execute("delete from sessions where created_at < ?", [iso_time(now - max_seconds - KEEP_SECONDS)])
        self._write(body)
        return session_id

    def check_session(self, session_id: str, *, idle_seconds: float, max_seconds: float) -> SessionCheck:
        """Whether the session is alive now; notes that it was seen (at most once per TOUCH_SECONDS)."""
        found = self._read().row(  # the account's row and the account chain's newest line: one snapshot
            f"select s.user_id, s.created_at as began_at, s.last_seen_at, s.revoked_at, {RECORD_COLUMNS} from"
            f" sessions s join users u on u.id = s.user_id {RECORD_JOIN} where s.id_hash = ?",
            [session_hash(session_id)])
        if found is None:
            return SessionCheck(None, "missing")
        if found["revoked_at"] is not None or found["disabled_at"] is not None:  # manyi disable-user
            return SessionCheck(None, "revoked")
        if not as_recorded(self._chain_key(), found):  # a hash swapped in, an account enabled behind Manyi's back
            return SessionCheck(None, "changed")
        now = self.wall_clock()
        age, idle = now - _seconds(found["began_at"]), now - _seconds(found["last_seen_at"])
        if age < -CLOCK_SLACK_SECONDS:  # begun further "in the future" than servers' clocks may differ
            return SessionCheck(None, "clock")
        if age >= max_seconds:
            return SessionCheck(None, "expired")
        if idle >= idle_seconds:
            return SessionCheck(None, "idle")
        if idle >= TOUCH_SECONDS:
            try:
                self._write(lambda conn: conn.execute(  # a crash may lose it: never waits for a standby
                    "update sessions set last_seen_at = ? where id_hash = ? and revoked_at is null",
                    [iso_time(now), session_hash(session_id)]), durable=False)
            except StorageUnavailable:
                pass  # the database is busy: the page is still a read, and a later one notes the time
        return SessionCheck({"id": found["user_id"], "username": found["username"]})

    def end_session(self, session_id: str) -> bool:
        """Revoke one session (logging out); False if it had ended already."""
        return self._write(lambda conn: conn.execute(
            "update sessions set revoked_at = ? where id_hash = ? and revoked_at is null",
            [iso_time(self.wall_clock()), session_hash(session_id)]).rowcount == 1)

    def revoke_sessions(self, user_id: int) -> int:
        """End every open session of a user at their next request; returns how many there were."""
        return self._write(lambda conn: revoke_all(conn, user_id, iso_time(self.wall_clock())))


def revoke_all(conn, user_id: int, at: str) -> int:
    """Inside a write: end every open session of the user (also used when the password changes)."""
    return conn.execute("update sessions set revoked_at = ? where user_id = ? and revoked_at is null",
                        [at, user_id]).rowcount
