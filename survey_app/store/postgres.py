"""PostgreSQL, for deployments that outgrow one machine: several app servers, a standby.

The same guarantees as on SQLite: every write is one transaction, committed with
``synchronous_commit=on`` before anything is acknowledged; a lost connection, a lock or statement
timeout becomes StorageUnavailable (the 503 with the form kept) and the next request reconnects;
deadlocks and serialization failures are retried a bounded number of times; downloads read one
``REPEATABLE READ READ ONLY`` snapshot. Connections are kept per thread and opened again after a fork.

With a synchronous standby (``synchronous_standby_names``) that is down, a COMMIT waits for it forever and
no server timeout ends that wait: each commit has a client-side deadline (pg_deadline.py) and a commit whose
wait for the standby was cancelled is not acknowledged (``_on_notice``). Counters a crash may lose commit
with ``synchronous_commit`` off (``write(durable=False)``): a page view never waits for a standby.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import urllib.parse
import weakref
from contextlib import contextmanager
from glob import glob

import psycopg
from psycopg import errors

from . import schema_pg
from .common import Conn, PerThread, StorageUnavailable
from .pg_deadline import WATCHDOG

TIMEOUT_MS = 10_000
COMMIT_DEADLINE_MS = TIMEOUT_MS  # a write's commit still running after this is cancelled (pg_deadline.py)
RETRIES = 3  # deadlocks and serialization failures: the transaction is run again, at most this often
Error = psycopg.Error
IntegrityError = psycopg.IntegrityError


def _options(*, timeouts: bool = True) -> str:
    """Every connection commits synchronously in UTC; a request's also gives up on locks and slow statements
    (a download's snapshot, a backup, a migration or a copy may take minutes and keep no timeouts)."""
    if not timeouts:
        return "-c synchronous_commit=on -c timezone=UTC -c statement_timeout=0 -c lock_timeout=0"
    return (f"-c synchronous_commit=on -c statement_timeout={TIMEOUT_MS} -c lock_timeout={TIMEOUT_MS}"
            " -c idle_in_transaction_session_timeout=60000 -c timezone=UTC")


def _in_transaction(*, durable: bool) -> str:
    """Behind PgBouncer in transaction mode a session's startup ``options`` are refused or ignored
    (``ignore_startup_parameters = extra_float_digits,options``), so each write sets what ``_options`` sets,
    for its own transaction only: one statement."""
    settings = {"statement_timeout": TIMEOUT_MS, "lock_timeout": TIMEOUT_MS,
                "idle_in_transaction_session_timeout": 60000, "synchronous_commit": "on" if durable else "off"}
    return "select " + ", ".join(f"set_config('{k}', '{v}', true)" for k, v in settings.items())


def unavailable(conn: Conn, error: Exception) -> StorageUnavailable | None:
    """The errors that mean "not now" rather than a bug: the connection lost, a lock or statement
    timeout. (Deadlocks and serialization failures are retried by ``write`` first.)"""
    if isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)) and (conn.raw.closed or conn.raw.broken):
        return StorageUnavailable(f"the connection to PostgreSQL was lost: {' '.join(str(error).split())}")
    if isinstance(error, (errors.QueryCanceled, errors.LockNotAvailable, errors.AdminShutdown,
                          errors.CannotConnectNow)):
        return StorageUnavailable(" ".join(str(error).split()))
    return None


# PostgreSQL ends a commit's wait for a synchronous standby early (our deadline's cancel, or the session
# terminated) with a WARNING, and the COMMIT then succeeds: committed here, perhaps not on the standby, so
# not to be acknowledged. "canceling wait for synchronous replication due to user request" has no SQLSTATE
# of its own (01000, the generic warning; psycopg's Diagnostic gives sqlstate "01000", severity_nonlocalized
# "WARNING"); "canceling the wait for synchronous replication and terminating connection due to
# administrator command" has 57P01. The text may be translated (lc_messages), so any WARNING with either
# code during a write fails that write: Manyi's statements raise no warnings of their own, and a write
# wrongly failed is retried by the citizen with the same key and thanked then.
SYNC_REP_CANCELLED = ("01000", "57P01")


class _Connection(psycopg.Connection):
    unreplicated: str | None = None  # set by _on_notice during a write; checked (and reset) by ``write``


def _on_notice(ref):
    def handler(diag: psycopg.errors.Diagnostic) -> None:
        raw = ref()
        if raw is not None and diag.severity_nonlocalized == "WARNING" and diag.sqlstate in SYNC_REP_CANCELLED:
            raw.unreplicated = diag.message_primary or diag.sqlstate
    return handler


def connect(url: str, *, timeouts: bool = True, **kwargs) -> psycopg.Connection:
    try:
        raw = _Connection.connect(url, autocommit=True, connect_timeout=10, options=_options(timeouts=timeouts),
                                  application_name="manyi", **kwargs)
    except psycopg.OperationalError as e:
        raise StorageUnavailable(f"cannot connect to PostgreSQL: {' '.join(str(e).split())}") from e
    raw.add_notice_handler(_on_notice(weakref.ref(raw)))  # a weak reference: no cycle keeps it open
    return raw


def redact(url: str) -> str:
    """The URL without its password (for messages): every host with its port, so a primary and its standby
    on one machine, or the hosts of a multi-host URL, are told apart."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    hosts = str(info.get("host") or "").split(",")
    ports = str(info.get("port") or "").split(",")
    ports = ports * len(hosts) if len(ports) == 1 else ports + [""] * (len(hosts) - len(ports))
    default = os.environ.get("PGPORT") or "5432"  # libpq's, where the URL gives none
    where = ",".join(f"{f'[{h}]' if ':' in h else h}:{p or default}" for h, p in zip(hosts, ports))
    return f"postgresql://{info.get('user', '')}@{where}/{info.get('dbname', '')}"


def pg_tool(name: str) -> str:
    """A PostgreSQL client program: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise StorageUnavailable(f"{name} not found (install Debian's postgresql-client)")
    return candidates[-1]


def behind_pgbouncer(url: str) -> tuple[str, bool]:
    """The URL without Manyi's own ``pgbouncer=1`` (libpq does not know it), and whether it was there."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if not any(k == "pgbouncer" for k, _ in query):
        return url, False
    kept = [(k, v) for k, v in query if k != "pgbouncer"]
    flag = any(k == "pgbouncer" and v not in ("0", "") for k, v in query)
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(kept))), flag


class PostgresBackend(PerThread):
    kind = "postgresql"

    def __init__(self, url: str):
        super().__init__()
        self.url, pgbouncer = behind_pgbouncer(url)
        # PgBouncer in transaction mode does not keep prepared statements (Debian's version)
        self._connect_options = {"prepare_threshold": None} if pgbouncer else {}
        self.pgbouncer = pgbouncer
        self.commit_deadline_ms = COMMIT_DEADLINE_MS

    def describe(self) -> str:
        return redact(self.url)

    def connection(self) -> Conn:
        conn = self._kept()
        if conn is None or conn.raw.closed or conn.raw.broken:
            conn = self._keep(Conn(connect(self.url, **self._connect_options), self.kind, unavailable,
                                   reopen=lambda: connect(self.url, **self._connect_options)))
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            try:
                conn.raw.close()
            except psycopg.Error:
                pass

    def write(self, body, *, transaction: bool = True, durable: bool = True):
        """Run ``body(conn)`` in one transaction, committed (and flushed, and confirmed by a synchronous
        standby if one is configured) when this returns; StorageUnavailable if that is not known.

        ``transaction=False``: ``body`` makes all its changes in ONE statement, which then is its own
        transaction (autocommit: no BEGIN and COMMIT round trips, committed and flushed before it returns);
        anything else it runs must only read. Inside a write already, it is part of that transaction.
        ``durable=False`` (with a transaction): for what a crash may lose (counters, a last-seen time):
        committed with synchronous_commit off, never waiting for the disk or a standby."""
        for attempt in range(RETRIES + 1):
            conn = self.connection()
            if conn.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                return body(conn)  # a write inside a write: one transaction
            conn.raw.unreplicated = None
            try:
                result = self._once(conn, body, transaction, durable)
            except (errors.SerializationFailure, errors.DeadlockDetected, errors.TransactionRollback):
                # SQLSTATE class 40 (psycopg's classes for it are siblings, not subclasses): run it again
                if attempt == RETRIES:
                    raise StorageUnavailable("the write kept conflicting with others") from None
                continue
            except (psycopg.OperationalError, psycopg.InterfaceError, StorageUnavailable) as e:
                if conn.raw.closed or conn.raw.broken:
                    self._drop()  # the next request connects again
                if isinstance(e, StorageUnavailable):
                    raise
                raise StorageUnavailable(" ".join(str(e).split())) from e
            if getattr(conn.raw, "unreplicated", None):  # committed here, not confirmed by the standby
                raise StorageUnavailable(f"the commit was not confirmed by the synchronous standby: "
                                         f"{conn.raw.unreplicated}")
            return result
        raise AssertionError("unreachable")

    def _once(self, conn: Conn, body, transaction: bool, durable: bool):
        """One attempt of ``write``: its commit (the one statement, or the COMMIT) under the deadline."""
        seconds = self.commit_deadline_ms / 1000
        if not transaction:
            armed = WATCHDOG.arm(conn.raw, seconds)  # a failed statement changed nothing: safe to run again
            try:
                if not self.pgbouncer:
                    return body(conn)
                # Pipelined, the settings and the statement are one implicit transaction (until the Sync
                # at the pipeline's end, which commits it): two round trips instead of one
                with conn.raw.pipeline():
                    conn.raw.execute(_in_transaction(durable=True))
                    return body(conn)
            finally:
                WATCHDOG.disarm(armed)
        armed = None
        try:
            with conn.raw.transaction():
                if self.pgbouncer:
                    conn.raw.execute(_in_transaction(durable=durable))
                elif not durable:
                    conn.raw.execute("select set_config('synchronous_commit', 'off', true)")
                result = body(conn)
                armed = WATCHDOG.arm(conn.raw, seconds)  # the COMMIT, which no statement_timeout bounds
            return result
        finally:
            if armed is not None:
                WATCHDOG.disarm(armed)

    def make_durable(self) -> None:
        """A commit other sessions can see was flushed by its own session first, but a synchronous standby
        may not have it yet (PostgreSQL shows a commit before the standby confirms it; a standby that is
        down never does): commit a transaction of our own that writes to the WAL (a transactional logical
        message, which no decoder here reads; a transaction id alone writes nothing and waits for nothing),
        which returns once the disk and the standby have everything up to it, or fails (deadline, cancelled
        wait) with StorageUnavailable. Only a retry pays for it (its submission key was stored already)."""
        self.write(lambda conn: conn.execute("select pg_logical_emit_message(true, 'manyi', 'durable')"),
                   transaction=False)

    @contextmanager
    def snapshot(self):
        """A separate read-only connection in one REPEATABLE READ transaction."""
        raw = connect(self.url, timeouts=False, **self._connect_options)
        try:
            raw.execute("begin isolation level repeatable read read only")
            yield Conn(raw, self.kind, unavailable)
        finally:
            try:
                if not raw.closed:
                    raw.execute("rollback")
            except psycopg.Error:
                pass  # the session is gone: nothing to roll back
            finally:
                raw.close()

    def migrate(self) -> None:
        raw = connect(self.url, timeouts=False, **self._connect_options)
        try:
            if raw.execute("select pg_is_in_recovery()").fetchone()[0]:  # a hot standby cannot be migrated
                raise StorageUnavailable("this is a standby (read-only): point FLASK_DATABASE at the primary,"
                                         " or use manyi verify --db URL")
            schema_pg.migrate_postgres(raw)
        finally:
            raw.close()

    def backup(self, target: str) -> int:
        """``pg_dump`` in custom format (restore with ``pg_restore``) of one exported snapshot, and the
        number of responses in that same snapshot."""
        tmp = f"{target}.partial"
        if os.path.exists(tmp):
            os.remove(tmp)
        # answers: readable by the owner only (pg_dump keeps the mode of the file it is given)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
        with self.snapshot() as conn:
            snapshot_id = conn.value("select pg_export_snapshot()")
            count = conn.value("select count(*) from responses")
            params = psycopg.conninfo.conninfo_to_dict(self.url)
            password = params.pop("password", None)  # in the environment, not in the process list
            env = {**os.environ, **({"PGPASSWORD": str(password)} if password is not None else {})}
            done = subprocess.run([pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}",
                                   "--file", tmp, "--dbname", psycopg.conninfo.make_conninfo(**params)],
                                  capture_output=True, text=True, env=env)
        if done.returncode != 0:
            os.remove(tmp)
            raise StorageUnavailable(f"pg_dump failed: {done.stderr.strip()}")
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        return count
