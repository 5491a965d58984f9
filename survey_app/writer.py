"""How the processes that write one SQLite file take turns and make their commits durable, without
SQLite itself (survey_app/db.py runs the transactions).

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

_local = threading.local()
_threads = threading.RLock()  # one writer at a time among this process's threads
_reopening = threading.Lock()
_files: dict[tuple[int, str, str], int] = {}  # (pid, path, role) -> fd, opened after any fork
# What SQLite itself calls on Linux: the data and the size, without the journal commit an mtime costs.
datasync = getattr(os, "fdatasync", os.fsync)


class StorageUnavailable(RuntimeError):
    """The database could not take a write now (locked past the busy timeout, disk full, I/O error):
    nothing was acknowledged; the caller may show the form again and let the citizen retry the same key."""


class _TurnTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _TurnTimeout


def _fd(path: str, role: str = "lock") -> int:
    """This process's descriptor for ``path``; another ``role`` gets its own open file, whose flocks
    conflict with the first's even within this process."""
    key = (os.getpid(), path, role)
    fd = _files.get(key)
    if fd is None:
        fd = _files[key] = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    return fd


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


@contextmanager
def turn(database: str | None, seconds: float):
    """This process's turn to write ``database`` (None: an in-memory or read-only one, no turn)."""
    if not _threads.acquire(timeout=seconds):  # another thread of this process is stuck in its turn
        raise StorageUnavailable("another writer held the database past the busy timeout")
    try:
        if database is None or getattr(_local, "held", False):  # this thread holds the turn already
            yield
            return
        fd = _fd(f"{database}-writer.lock")
        take_turn(fd, seconds)
        _local.held = True
        try:
            yield
        finally:
            _local.held = False
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _threads.release()


def sync(database: str | None) -> None:
    """Return once every commit to ``database`` visible now is on disk: fdatasync its WAL.

    A commit is visible only after its frames are written to the WAL, so this covers it, whoever made
    it (a retried key stored a moment ago by another worker is thanked only after this). An fdatasync
    that fails leaves the commit's durability unknown: StorageUnavailable, so the citizen retries
    the same key (and is thanked if the commit did survive)."""
    if database is None:
        return
    fd = _wal(database)
    if fd is None:  # the last connection checkpointed the log into the (synced) file and removed it
        return
    try:
        datasync(fd)
    except OSError as e:
        raise StorageUnavailable(f"syncing the write-ahead log failed: {e}") from e


def _wal(database: str) -> int | None:
    """This process's descriptor for the WAL, kept open (an fstat per submit instead of an open and a
    close), and opened again if the file it points to was removed (after the last connection closed)."""
    key = (os.getpid(), f"{database}-wal", "wal")
    fd = _files.get(key)
    if fd is not None and os.fstat(fd).st_nlink:
        return fd
    with _reopening:
        current = _files.get(key)
        if current is not None and current != fd and os.fstat(current).st_nlink:
            return current  # another thread reopened it meanwhile
        if current is not None:
            os.close(current)
            del _files[key]
        try:
            fd = _files[key] = os.open(key[1], os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
    return fd
