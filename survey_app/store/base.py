"""What every part of the Store shares: the backend, this thread's connection or a pinned snapshot,
and the write transaction."""
from __future__ import annotations

import time
from contextlib import contextmanager

from .common import Conn


class Base:
    def __init__(self, backend, *, pinned: Conn | None = None):
        self.backend = backend
        self.kind = backend.kind
        self._pinned = pinned
        self.wall_clock = getattr(backend, "wall_clock", None) or time.time  # seconds since the epoch, for sessions and the login throttle (tests move it)

    def _read(self) -> Conn:
        return self._pinned if self._pinned is not None else self.backend.connection()

    def _write(self, body, *, durable: bool = True):
        """Run ``body(conn)`` in one write transaction, durable when this returns. ``durable=False``: for
        what a crash may lose (a counter, a last-seen time): SQLite does not fsync it, PostgreSQL commits it
        with synchronous_commit off (it never waits for the disk or a synchronous standby)."""
        if self._pinned is not None:
            raise RuntimeError("a snapshot is read-only")
        return self.backend.write(body, durable=durable)

    @contextmanager
    def snapshot(self):
        """This store seen through one read-only transaction: every query sees the same data, so a
        download's raw rows and its tallies agree while citizens keep submitting."""
        with self.backend.snapshot() as conn:
            yield type(self)(self.backend, pinned=conn)

    # -- raw access for tests and maintenance tools (``?`` parameters on both databases) ----------

    def execute(self, sql: str, params=()):
        return self._read().execute(sql, params)

    def query(self, sql: str, params=()) -> list[dict]:
        return self._read().rows(sql, params)

    def _has_table(self, name: str) -> bool:
        if self.kind == "sqlite":
            sql = "select 1 from sqlite_master where type = 'table' and name = ?"
        else:
            sql = "select to_regclass(?)"
        return self._read().value(sql, [name]) is not None

    def make_durable(self) -> None:
        """Return once every commit visible now is on disk (before acknowledging something only read,
        e.g. a retried submission another worker stored a moment ago)."""
        self.backend.make_durable()

    def migrate(self) -> None:
        """Create or upgrade the schema; with a chain key, start (or check) the keyed chains, and the account
        chain of accounts made before it."""
        self.backend.migrate()
        if getattr(self.backend, "chain_key", None) is not None:
            self.key_chains()
            self.open_account_chain()

    def backup(self, target: str) -> int:
        return self.backend.backup(target)

    def close(self) -> None:
        self.backend.close()
