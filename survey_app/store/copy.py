"""Moving a deployment between databases (SQLite → PostgreSQL when it outgrows one machine, and
back): every table copied as it is, ids kept, during a maintenance stop; then the copy is checked."""
from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass, field
from pathlib import Path

from .common import SQLITE_MAGIC

# In an order that satisfies the foreign keys. The migration records are each database's own.
TABLES = ("surveys", "points", "kiosks", "responses", "answers", "tallies", "response_counts", "audit_log", "users",
          "grants", "login_attempts", "store_meta", "chain_heads", "page_opens", "survey_heads",
          "population_margins", "accounts_head")  # group_tallies and group_folds are derived: the copy folds them again
_WITH_IDS = ("surveys", "points", "kiosks", "responses", "audit_log", "users", "login_attempts")
_KEYS = {"answers": "response_id, question_id, value", "tallies": "survey_id, question_id, value, point_id",
         "response_counts": "survey_id, point_id, hour, status", "grants": "user_id, survey_id",
         "store_meta": "key", "chain_heads": "point_id", "page_opens": "point_id, day",
         "survey_heads": "survey_id", "kiosks": "id", "population_margins": "survey_id, question_id, value", "accounts_head": "id"}
BATCH = 5000


class CopyRefused(RuntimeError):
    """The copy was not started: the source is in use or the destination holds data."""


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    changed: list[str] = field(default_factory=list)  # each value that had to change, and why
    problems: list[str] = field(default_factory=list)  # what the check after the copy found
    recorded: int = 0  # audit lines the copy added (a survey's state with a value it had to change)


def _clean(value, where: str, report: CopyReport):
    """PostgreSQL's text cannot hold U+0000: it becomes U+FFFD, and the report says where."""
    if isinstance(value, str) and "\x00" in value:
        report.changed.append(f"{where}: U+0000 replaced by U+FFFD")
        return value.replace("\x00", "\ufffd")
    return value


def _hold_sqlite_writers(path: str) -> int:
    """Take the SQLite file's write turn for the whole copy, or refuse if a server holds it now."""
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise CopyRefused(f"{path} is being written to: stop the Manyi servers first (a maintenance stop)") from None
    return fd


def _sqlite_openers(path: str) -> list[str]:
    """Other processes holding the SQLite file open, as 'pid (command)': a server left running (idle, so
    the write turn is free) would go on storing answers in the old file after the copy. Read from /proc
    (Linux), so only the processes this user may see: the server's own user, or root, sees the servers."""
    target, found = os.path.realpath(path), []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if int(proc.name) == os.getpid() or not any(os.readlink(fd) == target for fd in (proc / "fd").iterdir()):
                continue
            command = " ".join((proc / "cmdline").read_bytes().decode(errors="replace").replace("\0", " ").split())
        except OSError:  # gone meanwhile, or another user's
            continue
        found.append(f"{proc.name} ({command[:60]})")
    return found


def _other_sessions(store) -> int:
    return store._read().value(
        "select count(*) from pg_stat_activity where datname = current_database() and pid != pg_backend_pid()"
        " and application_name = 'manyi'")


def _sqlite_file(path: str, role: str) -> bool:
    """Whether the SQLite file exists; refused in one line when it cannot be one (a folder, a folder that is
    not there, a file that is not a database). A destination that exists is never replaced."""
    if os.path.isdir(path):
        raise CopyRefused(f"the {role} {path} is a folder: name a database file")
    if not os.path.exists(path):
        if role == "source" or not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise CopyRefused(f"the {role} {path}: no such file or folder")
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as e:
        raise CopyRefused(f"the {role} {path} cannot be read: {e.strerror}") from None
    if head and head != SQLITE_MAGIC:
        raise CopyRefused(f"the {role} {path} is not a SQLite database" + ("" if role == "source" else ": not replaced"))
    return True


def copy_database(source, destination) -> CopyReport:
    """Copy every row of ``source`` into the empty, migrated ``destination`` (two Stores), then check it.
    A new SQLite destination is made readable by its owner only (0600, as its -wal and -shm then are), and
    removed again if the copy fails before it starts."""
    report = CopyReport()
    if source.kind == "sqlite" and source.path:
        _sqlite_file(source.path, "source")
        if openers := _sqlite_openers(source.path):
            raise CopyRefused(f"{source.path} is held open by {', '.join(openers)}: stop the Manyi servers (and"
                              " any manyi command on it) first, a maintenance stop; nothing copied")
    made = destination.kind == "sqlite" and destination.path and not _sqlite_file(destination.path, "destination")
    held = _hold_sqlite_writers(source.path) if source.kind == "sqlite" and source.path else None
    try:
        _copy(source, destination, report, made)
    except Exception as e:
        if made:  # the copy is one transaction: the new file holds nothing of the source, and goes
            destination.close()
            for suffix in ("", "-wal", "-shm", "-writer.lock"):
                Path(destination.path + suffix).unlink(missing_ok=True)
        if type(e).__module__.split(".")[0] in ("sqlite3", "psycopg"):  # a database that cannot be used
            raise CopyRefused(f"cannot copy {source.describe()} to {destination.describe()}:"
                              f" {' '.join(str(e).split())}") from None
        raise
    finally:
        if held is not None:
            os.close(held)  # releases the write turn
    _check(source, destination, report)
    return report


def _copy(source, destination, report: CopyReport, made: bool) -> None:
    if not all(source._has_table(t) for t in ("chain_heads", "page_opens", "survey_heads", "accounts_head")):  # m007…m018
        raise CopyRefused(f"{source.describe()} is from an older Manyi: run `manyi init-db` on it first")
    if source.kind == "postgresql" and _other_sessions(source):
        raise CopyRefused(f"{source.describe()} has other Manyi connections: stop the servers first")
    if not made:
        _refuse_filled(destination)  # before its key is looked at: a database holding data is never copied into
    source.check_chain_key()  # before anything is written: the copy keeps the source's key
    if made:
        os.close(os.open(destination.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
    destination.backend.migrate()  # the schema only: an empty database keyed by init-db takes the source's key
    with source.snapshot() as snap:
        destination._write(lambda conn: _copy_rows(snap._read(), conn, destination.kind, report))
    if report.changed:
        _record_changed_states(source, destination, report)


def _refuse_filled(destination) -> None:
    """Refuse a destination holding rows (its own store_meta aside: an empty database set up with
    `manyi init-db` is keyed, under its own key, and the source's keyed record replaces it)."""
    filled = [t for t in TABLES if t != "store_meta" and destination._has_table(t)
              and destination._read().value(f"select count(*) from {t}")]
    if filled:
        raise CopyRefused(f"{destination.describe()} is not empty ({', '.join(filled)}): copy into a new database")


def _copy_rows(src, dst, kind: str, report: CopyReport) -> None:
    dst.execute("delete from store_meta")  # the destination's own, from its migration: the source's replace it
    for table in TABLES:
        cursor = src.execute(f"select * from {table} order by {_KEYS.get(table, 'id')}")
        columns = [d[0] for d in cursor.description]
        quoted = ", ".join(f'"{c}"' for c in columns)
        insert = f"insert into {table} ({quoted}) values ({', '.join('?' * len(columns))})"
        count = 0
        while batch := cursor.fetchmany(BATCH):
            rows = [tuple(_clean(v, f"{table} row {row[0]} column {c}", report) for c, v in zip(columns, row))
                    for row in batch]
            dst.executemany(insert, rows)
            count += len(rows)
        if getattr(cursor, "lenient", False):  # store/sqlite.py Rows: bytes that are not UTF-8 in the source
            report.changed.append(f"{table}: text that is not UTF-8 (written into the source behind Manyi's back)"
                                  " copied as U+FFFD")
        report.rows[table] = count
        if kind == "postgresql" and table in _WITH_IDS:  # the next id continues after the copied ones
            dst.execute(f"select setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" coalesce((select max(id) from {table}), 0) + 1, false)")


def _record_changed_states(source, destination, report: CopyReport) -> None:
    """A survey whose settings or point names the copy had to change (and that held what its chain recorded
    in the source) gets an audit line recording its state as copied, so the copy verifies and says why."""
    from .audit import SYSTEM, state_differs, survey_state
    from .common import Audit
    for survey in source.list_surveys():
        sid = survey["id"]
        recorded = source._read().value("select l.state from survey_heads h join audit_log l on l.id = h.audit_id"
                                        " where h.survey_id = ?", [sid])
        if state_differs(survey_state(source._read(), sid), recorded):
            continue  # the source itself does not match its chain: the check after the copy names it

        def body(conn, sid=sid):
            if state_differs(survey_state(conn, sid), recorded):
                destination._audit(conn, Audit(SYSTEM, "copy", "U+0000 replaced by U+FFFD in the copy"), sid)
                report.recorded += 1
        destination._write(body)


def _key(row: dict) -> tuple:
    return tuple(row.values())  # sorted here: the two databases may order text differently (collation)


def _check(source, destination, report: CopyReport) -> None:
    for table in TABLES:
        mine = destination._read().value(f"select count(*) from {table}")
        theirs = source._read().value(f"select count(*) from {table}") + (report.recorded if table == "audit_log" else 0)
        if mine != theirs:
            report.problems.append(f"{table}: {theirs} rows in the source, {mine} in the copy")
    for survey in source.list_surveys():
        if sorted(map(_key, source.tallies(survey["id"]))) != sorted(map(_key, destination.tallies(survey["id"]))):
            report.problems.append(f"survey {survey['id']}: tallies differ")
        if source.survey_digest(survey["id"]) != destination.survey_digest(survey["id"]):
            report.problems.append(f"survey {survey['id']}: the digest of its chain heads differs")
    verification = destination.verify()
    report.problems += [f"response {rid}: {what}" for rid, what in verification.bad_responses]
    report.problems += list(verification.count_problems)
