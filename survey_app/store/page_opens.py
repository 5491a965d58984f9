"""Page opens of the respondent form, counted in memory per process and written in batches (see
fieldwork.py's docstring for what counts once and why the write never waits).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

FLUSH_SECONDS = 5.0
FLUSH_OPENS = 200
_UPSERT = ("insert into page_opens (point_id, day, n) values (?, ?, ?)"
           " on conflict (point_id, day) do update set n = page_opens.n + excluded.n")
# one row per counted device (or first-visit address) per point and day: inserted, or already there
_KEY = "insert into page_open_keys (point_id, day, who) values (?, ?, ?) on conflict do nothing"
SEEN_LIMIT = 100_000  # hashes of devices and addresses this process knows are counted (~10 MB at most)
KEEP_KEY_DAYS = 1  # besides today's: a day that just ended may still be flushed by a late worker
log = logging.getLogger(__name__)


@dataclass
class OpenBatch:
    """Opens not yet written: ``counts`` each counted as it came (no ``who``: the store's own callers), and
    ``keyed`` the opens of a device or address, (point id, day, who) -> an alias, or None (a first visit's
    new device token, stored with its address's open so the phone's next visit is not counted again)."""
    counts: dict[tuple[int, str], int] = field(default_factory=dict)
    keyed: dict[tuple[int, str, str], str | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.counts or self.keyed)

    def merge(self, other: "OpenBatch") -> None:
        for key, n in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + n
        for key, alias in other.keyed.items():
            self.keyed.setdefault(key, alias)

    def per_day(self) -> dict[tuple[int, str], int]:
        """At most this many opens per (point id, day) (keyed ones may be counted already)."""
        out = dict(self.counts)
        aliases = {(point_id, day, alias) for (point_id, day, _), alias in self.keyed.items() if alias}
        for point_id, day, who in self.keyed:
            if (point_id, day, who) not in aliases:  # a first visit's device, counted with its address
                out[(point_id, day)] = out.get((point_id, day), 0) + 1
        return out


class OpenCounter:
    """Page opens per (point id, day) not yet written, of this process (a forked worker starts empty:
    what its parent counted is its parent's to write)."""

    def __init__(self, *, seconds: float = FLUSH_SECONDS, limit: int = FLUSH_OPENS, clock=time.monotonic):
        self.seconds, self.limit, self.clock = seconds, limit, clock
        self._start()

    def _start(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self.flushing = threading.Lock()  # one flush at a time per process
        self._pending = OpenBatch()
        self._seen: set[tuple[int, str, str]] = set()  # written (or pending) keys: their repeats are not even sent
        self._since = 0  # opens added since the last flush was tried
        self._due = self.clock() + self.seconds

    def reset_after_fork(self) -> None:
        """Start empty in a process forked since: the parent's counts (and locks) are not this one's."""
        if self._pid != os.getpid():
            self._start()

    def add(self, point_id: int, day: str, who: str | None = None, alias: str | None = None) -> bool:
        """Count one open (``who``: once per device or address, see the module's doc); whether a flush is due."""
        self.reset_after_fork()
        with self._lock:
            if who is None:
                key = (point_id, day)
                self._pending.counts[key] = self._pending.counts.get(key, 0) + 1
            elif (point_id, day, who) in self._seen:
                return False
            else:
                self._pending.keyed[(point_id, day, who)] = alias
                self._seen.add((point_id, day, who))
            self._since += 1
            return self._since >= self.limit or self.clock() >= self._due

    def take(self) -> OpenBatch:
        """Everything pending, which the caller now writes (or gives back)."""
        self.reset_after_fork()
        with self._lock:
            batch, self._pending, self._since = self._pending, OpenBatch(), 0
            self._due = self.clock() + self.seconds
            return batch

    def give_back(self, batch: OpenBatch) -> None:
        """Counts a flush could not write: kept for the next one."""
        with self._lock:
            self._pending.merge(batch)

    def remember(self, stored: set[tuple[int, str, str]]) -> None:
        """Keys now in the database (a flush wrote them, or found them there): not sent again."""
        with self._lock:
            if len(self._seen) + len(stored) > SEEN_LIMIT:  # the database still counts each once
                self._seen = set(self._pending.keyed)
            self._seen |= stored

    def due(self) -> bool:
        """Whether opens wait that FLUSH_SECONDS have passed since the last flush."""
        self.reset_after_fork()
        with self._lock:
            return bool(self._pending) and self.clock() >= self._due

    @property
    def pending(self) -> dict[tuple[int, str], int]:
        """(point id, day) -> opens not yet written (at most: a device's may be in the database already)."""
        with self._lock:
            return self._pending.per_day()


def _write_opens(conn, batch: OpenBatch) -> set[tuple[int, str, str]]:
    """Add the batch's opens to page_opens: a keyed open only if its device or address had none at the point
    that day (and a first visit's alias, its new device, none either); drop the keys of earlier days. Returns
    the keys now stored (an alias only when stored: a phone behind a shared address counts at its next visit)."""
    added, stored = dict(batch.counts), set()
    for (point_id, day, who), alias in sorted(batch.keyed.items()):
        counted = conn.execute(_KEY, [point_id, day, who]).rowcount == 1
        stored.add((point_id, day, who))
        if counted and alias is not None:
            counted = conn.execute(_KEY, [point_id, day, alias]).rowcount == 1
            stored.add((point_id, day, alias))
        if counted:
            added[(point_id, day)] = added.get((point_id, day), 0) + 1
    rows = [(point_id, day, n) for (point_id, day), n in sorted(added.items()) if n]
    if rows:
        conn.executemany(_UPSERT, rows)
    if batch.keyed:
        oldest = min(date.fromisoformat(day) for _, day, _ in batch.keyed) - timedelta(days=KEEP_KEY_DAYS)
        conn.execute("delete from page_open_keys where day < ?", [oldest.isoformat()])
    return stored
