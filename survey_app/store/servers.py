"""What several app servers on one PostgreSQL must share, checked when each starts (store.init_app):

* the clock: submission keys carry the time the form was shown, sessions their start, responses and audit
  lines the time they were stored. A server whose clock is minutes off tells citizens 您填写得很快 on every
  tap (or lets a form through at once), logs evaluators out as they move between servers, and dates its
  answers minutes early, which ``manyi verify --receipt`` reports as back-dated. Start-up compares this
  server's clock with the database server's (one ``clock_timestamp()`` between two local readings) and
  refuses a difference above MAX_CLOCK_SKEW_SECONDS.
* the secret key (FLASK_SECRET_KEY): it signs citizens' submission keys and evaluators' session cookies and
  salts the stuffing limits' hashes. The database keeps a fingerprint of it (an HMAC of a fixed label under
  the key, never the key), written by the first server that starts; a server with another key is refused,
  naming both fingerprints. ``manyi rotate-secret-key`` records a new key's fingerprint, with a
  ``secret_key`` line in every survey's audit chain (the key is the deployment's, the chains are the surveys').

A single SQLite server checks neither: there is one clock, and a key lost with instance/config.py and made
again only sends open forms back with a fresh key and evaluators to the login page.
"""
from __future__ import annotations

import hashlib
import hmac

from .common import Audit

SECRET_META = "secret_key_fingerprint"
# How far apart times stamped by different servers (or by one whose clock stepped since it started) may be
# before Manyi calls one wrong, after the fact: a session begun further "in the future" has ended
# (store/sessions.py), and a response or audit line dated further before a receipt's time is back-dated
# (store/receipts.py, ``verify --receipt``; a line also commits a moment after it is stamped). Far wider
# than MAX_CLOCK_SKEW_SECONDS (5 s, config) on purpose: that is a gate at start, where refusing costs a
# restart after syncing NTP; this judges what is already stored, where too tight a bound logs evaluators
# out or calls a department's answers back-dated for a clock that drifted. Not configurable: a receipt
# must verify the same on any machine, away from the servers' configuration.
CLOCK_SLACK_SECONDS = 300
SAMPLES = 3  # clock readings; the one with the shortest round trip is kept


class ClockSkew(Exception):
    """This server's clock differs from the database server's by more than allowed."""


class WrongSecretKey(Exception):
    """This server's secret key is not the one the other servers (the database) use."""


def secret_fingerprint(secret: str | bytes) -> str:
    """A short name of the secret key (not the key): the HMAC of a fixed label under it."""
    raw = secret.encode() if isinstance(secret, str) else bytes(secret)
    return hmac.new(raw, b"manyi secret-key fingerprint", hashlib.sha256).hexdigest()[:16]


def describe_skew(skew: float) -> str:
    """"612 s ahead of" / "3 s behind" (``skew``: this server minus the database server)."""
    return f"{abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'}"


class Servers:
    def clock_skew(self) -> float | None:
        """This server's clock minus the database server's, in seconds (None on SQLite: one machine). Of
        SAMPLES readings, the one with the shortest round trip (its midpoint is the closest guess)."""
        if self.kind != "postgresql":
            return None
        conn, best = self._read(), None
        for _ in range(SAMPLES):
            before = self.wall_clock()
            database = float(conn.value("select extract(epoch from clock_timestamp())"))
            after = self.wall_clock()
            if best is None or after - before < best[0]:
                best = (after - before, (before + after) / 2 - database)
        return best[1]

    def check_clock(self, max_skew: float) -> float | None:
        """The skew (clock_skew); raise ClockSkew, in one line, when it exceeds ``max_skew`` seconds."""
        skew = self.clock_skew()
        if skew is not None and abs(skew) > max_skew:
            raise ClockSkew(f"this server's clock is {describe_skew(skew)} the database server's (PostgreSQL at"
                            f" {self.describe()}; at most {max_skew:g} s allowed, MAX_CLOCK_SKEW_SECONDS): sync"
                            " both with NTP (chrony) before starting; keys, sessions and response times depend on it")
        return skew

    def check_secret_key(self, secret: str | bytes) -> str:
        """Record the secret key's fingerprint if none is (the first server to start), else raise
        WrongSecretKey when it is another key's. Returns the recorded fingerprint."""
        mine = secret_fingerprint(secret)
        recorded = self._write(lambda conn: conn.value(
            "insert into store_meta (key, value) values (?, ?) on conflict (key) do update set value ="
            " store_meta.value returning value", [SECRET_META, mine]))
        if recorded != mine:
            raise WrongSecretKey(
                f"this server's secret key (FLASK_SECRET_KEY, fingerprint {mine}) is not the one the database"
                f" {self.describe()} records for the other servers (fingerprint {recorded}): give every server"
                " the same FLASK_SECRET_KEY, or, to change it, set the new key on every server and run"
                " `manyi rotate-secret-key` (README, \"Deploying on PostgreSQL\")")
        return mine

    def record_secret_key(self, secret: str | bytes, *, actor: str = "cli") -> tuple[str | None, str]:
        """Make ``secret`` the deployment's key (rotation): (the fingerprint recorded before, the new one).
        A change is written, in the same transaction, as a ``secret_key`` line in every survey's audit chain."""
        mine = secret_fingerprint(secret)

        def body(conn):
            before = conn.value("select value from store_meta where key = ?", [SECRET_META])
            if before == mine:
                return before
            conn.execute("insert into store_meta (key, value) values (?, ?) on conflict (key) do update set"
                         " value = excluded.value", [SECRET_META, mine])
            audit = Audit(actor, "secret_key", f"FLASK_SECRET_KEY fingerprint {before or 'none'} → {mine}")
            for (survey_id,) in conn.execute("select id from surveys order by id").fetchall():
                self._audit(conn, audit, survey_id)
            return before
        return self._write(body), mine
