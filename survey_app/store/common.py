"""Small things every storage module shares: the error callers catch, the time format, row ids,
the audit line a change carries, and the one SQL text both databases read."""
from __future__ import annotations

import os
import re
import secrets
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache


SQLITE_MAGIC = b"SQLite format 3\x00"  # the first bytes of every SQLite database file


class StorageUnavailable(RuntimeError):
    """The database could not take a write now (locked past the busy timeout, disk full, I/O error,
    the server gone): nothing was acknowledged; the caller may show the form again and let the citizen
    retry the same key."""


class DamagedDatabase(RuntimeError):
    """The database cannot be read to its end: a damaged or truncated file (not a server that is away)."""


class ChangedOutsideManyi(DamagedDatabase):
    """A change refused: what its audit line would record (the accounts, a survey's settings or who may see
    it) was already changed behind Manyi's back since the chain's newest line, which the new line would
    record as genuine. Nothing was written; ``manyi verify`` names the change."""


@dataclass(frozen=True)
class Audit:
    """The audit-log line for a change, written in the change's own transaction: both or neither."""
    user: str
    action: str
    detail: str = ""


def is_row_id(n: int) -> bool:
    """Whether ``n`` can be a row id (signed 64-bit on both databases; a bigger int from a URL would overflow)."""
    return 0 < n < 2**63


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def iso_time(seconds: float) -> str:
    """Seconds since the epoch in the stored time format (``utcnow``'s): such texts sort as their times do."""
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="microseconds")


_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"])*\"|::|\?|:[A-Za-z_]\w*|%")


@lru_cache(maxsize=1024)  # a pure function of the SQL text (reads no file, no database)
def pyformat(sql: str) -> str:
    """The SQL text as psycopg reads it: ``?`` → ``%s``, ``:name`` → ``%(name)s``, ``%`` → ``%%``,
    quoted strings and ``::`` casts left alone (but for their ``%``)."""
    def swap(m: re.Match) -> str:
        token = m.group(0)
        if token[0] in "'\"":
            return token.replace("%", "%%")
        if token == "::":
            return token
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return f"%({token[1:]})s"
    return _TOKENS.sub(swap, sql)


class Conn:
    """One database connection as the store's modules use it, the same on SQLite and PostgreSQL:
    ``?`` and ``:name`` parameters, rows as tuples or dicts."""

    def __init__(self, raw, kind: str, unavailable=None, reopen=None, rows=None):
        self.raw = raw
        self.kind = kind
        self._translate = pyformat if kind == "postgresql" else str
        self._unavailable = unavailable or (lambda conn, error: None)  # a driver error -> StorageUnavailable or None
        self._reopen = reopen  # a new driver connection, for a read that found this one lost
        self._rows = rows  # (cursor, raw, sql, params) -> the cursor callers read (SQLite: text that is not UTF-8)

    @contextmanager
    def _errors(self):
        """A driver error that means "not now" (see the backend's ``unavailable``) as StorageUnavailable."""
        try:
            yield
        except Exception as e:
            failure = self._unavailable(self, e)
            if failure is None:
                raise
            raise failure from e

    def execute(self, sql: str, params=()):
        # A read outside any transaction may run again on a new connection if this one was lost (a
        # restarted server): nothing it did can have counted. Writes never do (``write`` gives a 503).
        rerun = self._reopen is not None and self.raw.info.transaction_status == 0 \
            and sql.lstrip()[:6].lower() == "select"
        try:
            with self._errors():
                cursor = self.raw.execute(self._translate(sql), params)
                return cursor if self._rows is None else self._rows(cursor, self.raw, sql, params)
        except StorageUnavailable:
            if not (rerun and (self.raw.closed or self.raw.broken)):
                raise
        self.raw.close()
        self.raw = self._reopen()
        with self._errors():
            return self.raw.execute(self._translate(sql), params)

    def executemany(self, sql: str, seq) -> None:
        with self._errors():
            if self.kind == "postgresql":
                self.raw.cursor().executemany(self._translate(sql), seq)
            else:
                self.raw.executemany(sql, seq)

    def one(self, sql: str, params=()) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def value(self, sql: str, params=()):
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def rows(self, sql: str, params=()) -> list[dict]:
        cursor = self.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def row(self, sql: str, params=()) -> dict | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def stream(self, sql: str, params=()):
        """Rows one at a time from the server (a named cursor on PostgreSQL: a million rows never
        sit in memory; inside a snapshot's transaction)."""
        if self.kind == "postgresql" and self.raw.info.transaction_status != 0:  # in a transaction (a snapshot)
            with self.raw.cursor(name=f"manyi_{secrets.token_hex(4)}") as cursor:
                cursor.itersize = 5000
                cursor.execute(self._translate(sql), params)
                yield from cursor
        else:
            yield from self.execute(sql, params)


class _ThreadToken:
    """Held only by a thread's local storage: collected when the thread ends, which closes its connection."""


class PerThread:
    """A backend's connections: one per thread and process (opened again after a fork), each
    remembered so that ``close`` can close them all, and closed when its thread ends (a threaded
    development server starts a thread per request)."""

    def __init__(self):
        self._local = threading.local()
        self._opened: list[tuple[int, Conn]] = []  # (pid, connection) of every thread's
        self._opening = threading.Lock()

    def _kept(self) -> Conn | None:
        """This thread's connection, if it opened one in this process."""
        if getattr(self._local, "pid", None) != os.getpid():
            return None
        return getattr(self._local, "conn", None)

    def _keep(self, conn: Conn) -> Conn:
        entry = (os.getpid(), conn)
        token = _ThreadToken()
        self._local.conn, self._local.pid, self._local.token = conn, entry[0], token
        with self._opening:
            self._opened.append(entry)
        weakref.finalize(token, self._forget, entry)
        return conn

    def _forget(self, entry: tuple) -> None:
        """A thread ended (or ``close`` dropped the thread-locals): close its connection."""
        with self._opening:
            if entry not in self._opened:
                return  # closed already
            self._opened.remove(entry)
        if entry[0] == os.getpid():
            entry[1].raw.close()

    def close(self) -> None:
        """Close every connection this process opened (each thread opens another on its next use).
        Connections inherited from a parent process are left alone: closing one would end the parent's."""
        pid = os.getpid()
        with self._opening:
            mine = [c for p, c in self._opened if p == pid]
            self._opened = [(p, c) for p, c in self._opened if p != pid]
        for conn in mine:
            conn.raw.close()
        self._local = threading.local()
