"""The login throttle's counts: failed password checks per username and per client (a salted hash of its
address) within a window (``login_counters``), and the log of attempts (``login_attempts``).

A check is counted *before* the password is compared, by one upsert per key inside one write
transaction, so requests that arrive together cannot all slip under the limit: N simultaneous wrong
passwords make at most the limit's number of comparisons. After the comparison (``settle_login_check``):
a successful login resets the username's count and gives back the client's claim, so a client's earlier
failures still count (logging in to one's own account does not buy more guesses at others); a failure
leaves both counts; a correct current password on the password page gives back both claims.

A window begins at the first failure after the previous window ended. A ``window_start`` in the future
(this server's clock was set back, or another server's runs ahead) is pulled back to now with its count
kept: no lock outlasts the window as the answering server's clock measures it. Times come from the
Store's ``wall_clock`` (base.py).
"""
from __future__ import annotations

import math
from datetime import datetime

from .common import iso_time

_CLAIM = ("insert into login_counters (scope, key, window_start, failures) values (:scope, :key, :now, 1)"
          " on conflict (scope, key) do update set failures = case when login_counters.window_start <= :expired"
          " then 1 else login_counters.failures + 1 end, window_start = case when login_counters.window_start"
          " <= :expired or login_counters.window_start > :now then :now else login_counters.window_start end"
          " returning failures, window_start")
_GIVE_BACK = "update login_counters set failures = failures - 1 where scope = ? and key = ? and failures > 0"
OUTCOMES = {"failed": (), "login": ("client",), "confirmed": ("user", "client")}  # outcome -> claims given back


class LoginThrottle:
    def claim_login_check(self, *, username: str, client_hash: str, limits: tuple[int, int],
                          window_seconds: float) -> int | None:
        """Count one password check against the username and the client (``limits``: per username, per
        client) before it is made. None: go ahead, then ``settle_login_check``. Otherwise the whole
        seconds until the later of the two windows ends, and nothing was counted."""
        keys = (("user", username), ("client", client_hash))

        def body(conn):
            now = self.wall_clock()  # once the write lock is held (SQLite) or the statement runs (PostgreSQL)
            times = {"now": iso_time(now), "expired": iso_time(now - window_seconds)}
            counted = [conn.one(_CLAIM, {**times, "scope": scope, "key": key}) for scope, key in keys]
            ends = [datetime.fromisoformat(start).timestamp() + window_seconds
                    for (failures, start), limit in zip(counted, limits) if failures > limit]
            if not ends:
                return None
            for scope, key in keys:
                conn.execute(_GIVE_BACK, [scope, key])
            return max(1, math.ceil(round(max(ends) - now, 3)))  # stored times keep whole microseconds
        return self._write(body)

    def settle_login_check(self, *, username: str, client_hash: str, outcome: str, window_seconds: float,
                           keep_seconds: float) -> None:
        """What the comparison a claim allowed found: "failed" (both counts stay; logged), "login" (the
        username's count reset, the client's claim given back; logged) or "confirmed" (a correct current
        password on the password page: both claims given back). Log rows older than ``keep_seconds``
        and counters whose window ended are deleted on the way."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        now, keys = self.wall_clock(), {"user": username, "client": client_hash}
        given_back = OUTCOMES[outcome]

        def body(conn):
            if outcome == "login":
                conn.execute("delete from login_counters where scope = 'user' and key = ?", [username])
            for scope in given_back:
                conn.execute(_GIVE_BACK, [scope, keys[scope]])
            if outcome != "confirmed":
                conn.execute("insert into login_attempts (at, username, client_hash, success) values (?, ?, ?, ?)",
                             [iso_time(now), username, client_hash, int(outcome == "login")])
            conn.execute("delete from login_attempts where at < ?", [iso_time(now - keep_seconds)])
            conn.execute("delete from login_counters where window_start < ?", [iso_time(now - window_seconds)])
        self._write(body)
