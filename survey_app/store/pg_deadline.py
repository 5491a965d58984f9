"""A client-side deadline for PostgreSQL commits, kept by one watchdog thread per process.

With synchronous replication (``synchronous_standby_names``) and the standby down, a COMMIT waits for the
standby forever: ``statement_timeout`` does not end that wait, only a cancel request does. A write arms
the watchdog around its commit; a commit still running at its deadline is cancelled (``cancel_safe``),
which ends the wait with PostgreSQL's WARNING "canceling wait for synchronous replication" (turned into
StorageUnavailable by postgres.py's notice handler) or, for a statement still running, QueryCanceled.

The hot path (``arm`` and ``disarm`` around every write) takes an uncontended lock twice and sets a dict
entry: no thread, timer or signal per write. The watchdog never sleeps longer than the shortest deadline
ever armed, so a deadline armed while it sleeps (always at least that far away) is never overslept.
"""
from __future__ import annotations

import logging
import os
import threading
import time

RECANCEL_SECONDS = 0.5  # a cancel that found the session between statements is sent again this often
log = logging.getLogger(__name__)


class _Armed:
    __slots__ = ("raw", "deadline")

    def __init__(self, raw, deadline: float):
        self.raw, self.deadline = raw, deadline


class Watchdog:
    def __init__(self):
        self._lock = threading.Lock()  # held while a cancel is sent: disarm waits for it (no stray cancel)
        self._armed: dict[int, _Armed] = {}
        self._pid = None
        self._longest_sleep = 60.0
        self._wake = threading.Event()

    def arm(self, raw, seconds: float) -> _Armed:
        """Cancel ``raw``'s current statement if it still runs ``seconds`` from now (until ``disarm``)."""
        entry = _Armed(raw, time.monotonic() + seconds)
        with self._lock:
            if self._pid != os.getpid():  # first use in this process (gunicorn forks after start-up)
                self._start()
            self._armed[id(entry)] = entry
            if seconds < self._longest_sleep:  # rare: the first arm, or a test's shorter deadline
                self._longest_sleep = seconds
                self._wake.set()
        return entry

    def disarm(self, entry: _Armed) -> None:
        """Done: no cancel is sent after this returns (one being sent is waited for)."""
        with self._lock:
            self._armed.pop(id(entry), None)

    def _after_fork(self) -> None:
        """In a forked child: the parent's lock may have been held by its watchdog thread, which is gone."""
        self._lock, self._armed, self._pid = threading.Lock(), {}, None

    def _start(self) -> None:
        self._pid, self._armed, self._wake = os.getpid(), {}, threading.Event()
        threading.Thread(target=self._run, args=(self._pid,), name="manyi-commit-deadline", daemon=True).start()

    def _run(self, pid: int) -> None:
        while self._pid == pid:
            with self._lock:
                now = time.monotonic()
                for entry in list(self._armed.values()):
                    if entry.deadline <= now:
                        entry.deadline = now + RECANCEL_SECONDS
                        try:
                            entry.raw.cancel_safe(timeout=RECANCEL_SECONDS * 4)
                        except Exception as e:  # noqa: BLE001 (the server is gone: the write fails by itself)
                            log.warning("cancelling a write past its deadline failed: %s", e)
                next_deadline = min((e.deadline for e in self._armed.values()), default=now + self._longest_sleep)
                wake = self._wake
                wake.clear()
            wake.wait(max(0.0, min(next_deadline - time.monotonic(), self._longest_sleep)))


WATCHDOG = Watchdog()
os.register_at_fork(after_in_child=WATCHDOG._after_fork)
