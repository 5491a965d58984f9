"""How the processes that write one SQLite file take turns and make their commits durable, without
SQLite itself (survey_app/store/sqlite.py runs the transactions).

- The write turn: a flock on ``<database>-writer.lock``. Writers queue in the kernel, which wakes the
  next one at once, instead of in SQLite's busy handler, which sleeps 1, 2, 5, 10 … ms between tries
  and leaves the lock idle (with several gunicorn workers that halved submits per second).
- The sync: SQLite commits at ``synchronous=NORMAL`` (the WAL frames are written, not synced); the
  WAL is then fdatasynced after the turn is released and before anything is acknowledged, so the
  next writer need not wait for this one's disk flush. Power-cut durability is that of
  ``synchronous=FULL``: no acknowledgement before an fdatasync that began after the commit.
  Concurrent fdatasyncs of one file are merged by the kernel (the ext4 journal commits them
  together); a group commit of our own in user space, with shared counters that let a writer skip
  its sync, was measured slower than this (bench/RESULTS.md, session 3).

A process that dies releases its flocks. Every wait is bounded (``take_turn``): a stuck process gives
StorageUnavailable (a 503 with the form kept), never a hang.
"""
from __future__ import annotations

import fcntl
import os
import signal
import threading
import time
from contextlib import contextmanager

from .common import StorageUnavailable

# What SQLite itself calls on Linux: the data and the size, without the journal commit an mtime costs.
datasync = getattr(os, "fdatasync", os.fsync)


class _TurnTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _TurnTimeout


def take_turn(fd: int, seconds: float) -> None:
    """An exclusive flock on ``fd``, waiting at most ``seconds``. The wait blocks in the kernel; a
    gunicorn sync worker serves requests on its main thread, where an interval timer bounds the wait.
    Other threads poll."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # uncontended: no timer, no signal handler
        return
    except BlockingIOError:
        pass
    if threading.current_thread() is not threading.main_thread():
        deadline = time.monotonic() + seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StorageUnavailable("another writer held the database past the busy timeout") from None
                time.sleep(0.0005)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            fcntl.flock(fd, fcntl.LOCK_EX)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TurnTimeout:
        fcntl.flock(fd, fcntl.LOCK_UN)  # in case the timer fired just after the lock was granted
        raise StorageUnavailable("another writer held the database past the busy timeout") from None
    finally:
        signal.signal(signal.SIGALRM, previous)


class Writer:
    """The write turn and the WAL sync for one database file, with this process's descriptors
    (opened again after a fork: they are keyed by process id)."""

    def __init__(self, database: str):
        self.database = database
        self._local = threading.local()
        self._threads = threading.RLock()  # one writer at a time among this process's threads
        self._reopening = threading.Lock()
        self._files: dict[tuple[int, str], int] = {}  # (pid, role) -> fd

    def _fd(self, role: str, path: str, flags: int) -> int | None:
        key = (os.getpid(), role)
        fd = self._files.get(key)
        if fd is None:
            fd = self._files[key] = os.open(path, flags | os.O_CLOEXEC, 0o600)
        return fd

    @contextmanager
    def turn(self, seconds: float):
        """This process's turn to write the database."""
        if not self._threads.acquire(timeout=seconds):  # another thread of this process is stuck in its turn
            raise StorageUnavailable("another writer held the database past the busy timeout")
        try:
            if getattr(self._local, "held", False):  # this thread holds the turn already
                yield
                return
            fd = self._fd("lock", f"{self.database}-writer.lock", os.O_RDWR | os.O_CREAT)
            take_turn(fd, seconds)
            self._local.held = True
            try:
                yield
            finally:
                self._local.held = False
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def sync(self) -> None:
        """Return once every commit to the database visible now is on disk: fdatasync its WAL.

        A commit is visible only after its frames are written to the WAL, so this covers it, whoever made
        it (a retried key stored a moment ago by another worker is thanked only after this). An fdatasync
        that fails leaves the commit's durability unknown: StorageUnavailable, so the citizen retries
        the same key (and is thanked if the commit did survive)."""
        fd = self._wal()
        if fd is None:  # the last connection checkpointed the log into the (synced) file and removed it
            return
        try:
            datasync(fd)
        except OSError as e:
            raise StorageUnavailable(f"syncing the write-ahead log failed: {e}") from e

    def _wal(self) -> int | None:
        """This process's descriptor for the WAL, kept open (an fstat per submit instead of an open and a
        close), and opened again if the file it points to was removed (after the last connection closed)."""
        key = (os.getpid(), "wal")
        fd = self._files.get(key)
        if fd is not None and os.fstat(fd).st_nlink:
            return fd
        with self._reopening:
            current = self._files.get(key)
            if current is not None and current != fd and os.fstat(current).st_nlink:
                return current  # another thread reopened it meanwhile
            if current is not None:
                os.close(current)
                del self._files[key]
            try:
                fd = self._files[key] = os.open(f"{self.database}-wal", os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                return None
        return fd

    def close(self) -> None:
        """Close this process's descriptors (a test or a command that is done with the file)."""
        pid = os.getpid()
        for key in [k for k in self._files if k[0] == pid]:
            os.close(self._files.pop(key))
