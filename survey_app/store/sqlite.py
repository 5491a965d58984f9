"""SQLite, the embedded default: one file, WAL, and every write transaction's log fsynced before it
returns (the guarantee of ``synchronous=FULL``, with the fsync outside the write lock: see
sqlite_writer.py), so an acknowledged submission survives a crash or a power cut. Connections are
kept per thread and opened again after a fork."""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager

import sqlite_utils

from . import schema
from .common import Conn, PerThread, StorageUnavailable
from .sqlite_writer import Writer

BUSY_TIMEOUT_MS = 10_000
_UNAVAILABLE = {5, 6, 8, 10, 13, 14}  # SQLITE_BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN (primary codes)
Error = sqlite3.Error
IntegrityError = sqlite3.IntegrityError


class Rows:
    """A cursor whose rows survive text that is not UTF-8. Manyi never stores such bytes, but whoever
    holds the file can (``cast(x'ff' as text)``), and SQLite hands them to Python as they are: Python's
    ``sqlite3`` then refuses the row, and a page or download would fail for good. A read that meets
    one runs again with the bad bytes read as U+FFFD, so every page still opens and ``verify`` names the
    changed record (its MAC no longer matches). Only reads run again; other rows cost nothing extra."""
    __slots__ = ("_cursor", "_raw", "_sql", "_params", "_given", "_left", "lenient")

    def __init__(self, cursor, raw, sql, params):
        self._cursor, self._raw, self._sql, self._params = cursor, raw, sql, params
        self._given = 0  # rows handed out so far
        self._left = None  # the rest of the rows, once read again leniently
        self.lenient = False  # whether it was (copy-db reports it)

    description = property(lambda self: self._cursor.description)
    rowcount = property(lambda self: self._cursor.rowcount)
    lastrowid = property(lambda self: self._cursor.lastrowid)

    def _read(self, count):
        """Up to ``count`` rows (all with None)."""
        if self._left is None:
            try:
                rows = self._cursor.fetchall() if count is None else self._cursor.fetchmany(count)
            except sqlite3.OperationalError as e:
                if not str(e).startswith("Could not decode to UTF-8") or not _rereadable(self._sql):
                    raise
                self._left, self.lenient = self._lenient(), True
        if self._left is not None:
            rows, self._left = (self._left, []) if count is None else (self._left[:count], self._left[count:])
        self._given += len(rows)
        return rows

    def _lenient(self) -> list:
        """The whole result again, bad bytes as U+FFFD, less the rows already handed out."""
        self._raw.text_factory = _lenient_text
        try:
            return self._raw.execute(self._sql, self._params).fetchall()[self._given:]
        finally:
            self._raw.text_factory = str

    def fetchone(self):
        rows = self._read(1)
        return rows[0] if rows else None

    def fetchmany(self, size: int = 1000) -> list:
        return self._read(size)

    def fetchall(self) -> list:
        return self._read(None)

    def __iter__(self):
        while rows := self._read(1000):
            yield from rows


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _rereadable(sql: str) -> bool:
    return sql.lstrip()[:6].lower() in ("select", "pragma")  # not a write's RETURNING: it would run twice


WAL_FILES = ("-wal", "-shm")


def writable_folder(path: str) -> bool:
    return os.access(os.path.dirname(os.path.abspath(path)), os.W_OK)


def connect(path: str, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        # On read-only media (a backup on a DVD or a write-protected stick) SQLite cannot make the -shm it
        # reads through: ``immutable=1`` then reads the file as it is, taking no locks.
        frozen = "" if writable_folder(path) else "&immutable=1"
        conn = sqlite3.connect(f"file:{path}?mode=ro{frozen}", uri=True, check_same_thread=False, isolation_level=None)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)  # BEGIN is ours
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")  # + the WAL synced after every write: see write()
    return conn


class SQLiteBackend(PerThread):
    kind = "sqlite"

    def __init__(self, path: str, *, readonly: bool = False):
        super().__init__()
        self.path = path
        self.memory = path == ":memory:"
        self.readonly = readonly  # ``manyi verify`` on a backup: never writes, works on read-only media
        # a read-only open makes the -wal and -shm of a WAL database when they are not there (close removes them)
        self.made_beside = readonly and not self.memory and not any(os.path.exists(path + s) for s in WAL_FILES)
        self.timeout_ms = BUSY_TIMEOUT_MS  # the longest a write waits for its turn
        self.writer = None if self.memory or readonly else Writer(path)

    def describe(self) -> str:
        return self.path

    def connection(self) -> Conn:
        """This thread's connection (opened once per thread and process, then reused)."""
        return self._kept() or self._keep(Conn(connect(self.path, readonly=self.readonly), self.kind, rows=Rows))

    def write(self, body, *, durable: bool = True):
        """Run ``body(conn)`` in a transaction that takes the write lock at once (no read-then-upgrade
        deadlock) and is on disk when this returns: COMMIT writes the WAL frames at
        ``synchronous=NORMAL``, the turn is released, then the WAL is fdatasynced. A caller
        acknowledges only after that, so nothing acknowledged is lost in a power cut.
        ``durable=False`` skips the fdatasync: for counters a crash may lose (the stuffing claim),
        which the next durable write's sync covers anyway."""
        conn = self.connection()
        seconds = self.timeout_ms / 1000
        if self.writer is None:
            return self._transaction(conn, body)
        with self.writer.turn(seconds):
            result = self._transaction(conn, body)
        if durable:
            self.writer.sync()
        return result

    @staticmethod
    def _transaction(conn: Conn, body):
        raw = conn.raw
        try:
            if raw.in_transaction:  # a write inside a write (this thread holds the turn): one transaction
                return body(conn)
            raw.execute("BEGIN IMMEDIATE")
            try:
                result = body(conn)
                raw.execute("COMMIT")
            except BaseException:
                raw.rollback()
                raise
            return result
        except sqlite3.OperationalError as e:
            if (getattr(e, "sqlite_errorcode", 0) & 0xFF) in _UNAVAILABLE:
                raise StorageUnavailable(str(e)) from e
            raise

    def make_durable(self) -> None:
        if self.writer is not None:
            self.writer.sync()

    @contextmanager
    def snapshot(self):
        """A read-only connection inside one read transaction: every query sees the same data."""
        raw = self.connection().raw if self.memory else connect(self.path, readonly=True)
        try:
            raw.execute("BEGIN")
            yield Conn(raw, self.kind, rows=Rows)
        finally:
            raw.rollback()
            if not self.memory:
                raw.close()

    def migrate(self) -> None:
        """Create or upgrade the schema (safe to re-run, and to run from several workers at once)."""
        conn = sqlite3.connect(self.path)  # sqlite-utils' migrations run their own transactions
        try:
            database = sqlite_utils.Database(conn, execute_plugins=False)
            try:
                schema.migrations.apply(database)
            except sqlite3.OperationalError:
                schema.migrations.apply(database)  # another worker migrated at the same moment
            if self.writer is not None:
                self.writer.sync()  # migrations commit outside write()
        finally:
            conn.close()

    def backup(self, target: str) -> int:
        """A consistent copy of the whole database in ``target`` (SQLite's online backup API, one step,
        so it is a snapshot even while submissions arrive); returns the number of responses copied."""
        tmp = f"{target}.partial"
        if os.path.exists(tmp):
            os.remove(tmp)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # answers: readable by the owner only
        copy = sqlite3.connect(tmp)
        try:
            self.connection().raw.backup(copy)  # pages=-1: the whole file under one read lock
            count = copy.execute("select count(*) from responses").fetchone()[0]
        finally:
            copy.close()
        os.replace(tmp, target)
        return count

    def close(self) -> None:
        """Close every connection this process opened and this process's descriptors."""
        super().close()
        if self.writer is not None:
            self.writer.close()
        if self.made_beside:
            self._remove_wal_files()

    def _remove_wal_files(self) -> None:
        """Leave no empty -wal and -shm beside a file only read (``manyi verify --db BACKUP``): SQLite removes
        them, as at any last connection's close, through a connection that changes nothing; it keeps them if
        another connection (a server started meanwhile) has the database open. Never removed by hand."""
        if not any(os.path.exists(self.path + suffix) for suffix in WAL_FILES):
            return
        try:
            conn = sqlite3.connect(self.path)
            try:
                conn.execute("select 1 from sqlite_master limit 1").fetchall()
            finally:
                conn.close()
        except sqlite3.Error:  # a file this user may only read: the files stay, as before
            pass
