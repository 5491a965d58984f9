"""How the processes that write one SQLite file take turns and make their commits durable, without
SQLite itself (survey_app/db.py runs the transactions).

- The write turn: a flock on ``<database>-writer.lock``. Writers queue in the kernel, which wakes the
  next one at once, instead of in SQLite's busy handler, which sleeps 1, 2, 5, 10 … ms between tries
  and leaves the lock idle (with several gunicorn workers that halved submits per second).
- Group commit: SQLite commits at ``synchronous=NORMAL`` (the WAL frames are written, not synced);
  the WAL is then fdatasynced after the turn is released and before anything is acknowledged.
  ``<database>-sync`` holds two counters shared by every process: the number of the last commit
  (raised inside the write turn, after COMMIT) and the number up to which the WAL is known to be
  synced (written inside the sync turn); each is written by one turn only.
  A writer whose commit is already covered by someone else's fdatasync skips its own; otherwise one
  writer at a time (a flock on the counters' file) reads the commit number, fdatasyncs, and records
  it, covering every commit that queued behind it meanwhile. Power-cut durability is that of
  ``synchronous=FULL``: no acknowledgement before the fdatasync that covers the commit.

A process that dies releases its flocks. Every wait is bounded (``take_turn``): a stuck process gives
StorageUnavailable (a 503 with the form kept), never a hang.
"""
from __future__ import annotations

import fcntl
import os
import signal
import struct
import threading
import time
from contextlib import contextmanager

_COUNTERS = struct.Struct("<QQ")  # last commit number (written in the write turn), synced up to (in the sync turn)
_NUMBER = struct.Struct("<Q")
_local = threading.local()
_threads = threading.RLock()  # one writer at a time among this process's threads
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


def _let_the_current_commit_finish(database: str) -> None:
    """A writer inside its turn now is about to COMMIT (a tenth of a millisecond): wait for it, up to
    about half a millisecond, so that the sync about to start covers its commit as well."""
    probe = _fd(f"{database}-writer.lock", "probe")
    for _ in range(5):
        try:
            fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            time.sleep(0.00005)
            continue
        fcntl.flock(probe, fcntl.LOCK_UN)
        return


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


class Turn:
    """Inside ``turn()``: call ``committed()`` right after COMMIT to number the commit."""

    def __init__(self, database: str | None):
        self.counters = _fd(f"{database}-sync") if database else None
        self.number = 0

    def committed(self) -> None:
        if self.counters is not None:
            self.number = _read(self.counters)[0] + 1
            os.pwrite(self.counters, _NUMBER.pack(self.number), 0)


@contextmanager
def turn(database: str | None, seconds: float):
    """This process's turn to write ``database`` (None: an in-memory or read-only one, no turn)."""
    if not _threads.acquire(timeout=seconds):  # another thread of this process is stuck in its turn
        raise StorageUnavailable("another writer held the database past the busy timeout")
    try:
        if database is None or getattr(_local, "held", False):  # this thread holds the turn already
            yield Turn(None)
            return
        fd = _fd(f"{database}-writer.lock")
        take_turn(fd, seconds)
        _local.held = True
        try:
            yield Turn(database)
        finally:
            _local.held = False
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _threads.release()


def _read(fd: int) -> tuple[int, int]:
    data = os.pread(fd, _COUNTERS.size, 0)
    return _COUNTERS.unpack(data) if len(data) == _COUNTERS.size else (0, 0)


def make_durable(database: str | None, number: int | None, seconds: float) -> None:
    """Return once the WAL is synced past commit ``number`` (None: past every commit visible now).

    Skips the fdatasync when one that began after the commit has finished (its number is at most
    the recorded ``synced``, and ``synced`` at most the last commit: anything else is not trusted).
    An fdatasync that fails leaves the commit's durability unknown: StorageUnavailable, so the
    citizen retries the same key (and is thanked if the commit did survive)."""
    if database is None:
        return
    if number is None:  # a commit is visible before its writer numbers it: let that writer finish
        with turn(database, seconds):
            pass
    counters = _fd(f"{database}-sync")
    last, synced = _read(counters)
    if number is None:
        number = last
    if number <= synced <= last:
        return
    # The sync turn excludes other processes; threads of one process share the descriptor, so two of
    # them may sync at once. That costs a sync, never safety: each records only what it read before
    # its own fdatasync, and a lower record than before only means more syncing.
    with _sync_turn(counters, seconds):
        last, synced = _read(counters)
        if number <= synced <= last:
            return  # the syncer before us covered this commit
        _let_the_current_commit_finish(database)
        _sync(database, counters)


def sync_now(database: str | None, seconds: float) -> None:
    """Sync the WAL whatever the counters say (after commits made outside a turn, e.g. migrations)."""
    if database is None:
        return
    counters = _fd(f"{database}-sync")
    with _sync_turn(counters, seconds):
        _sync(database, counters)


@contextmanager
def _sync_turn(counters: int, seconds: float):
    take_turn(counters, seconds)
    try:
        yield
    finally:
        fcntl.flock(counters, fcntl.LOCK_UN)


def _sync(database: str, counters: int) -> None:
    """fdatasync the WAL and record the last commit number read before it (in the sync turn)."""
    last = _read(counters)[0]
    try:
        fd = os.open(f"{database}-wal", os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:  # the last connection checkpointed the log into the (synced) file
        return
    try:
        datasync(fd)  # every commit numbered ≤ last was written to the WAL before this call
    except OSError as e:
        raise StorageUnavailable(f"syncing the write-ahead log failed: {e}") from e
    finally:
        os.close(fd)
    os.pwrite(counters, _NUMBER.pack(last), _NUMBER.size)
