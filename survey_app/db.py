"""The only module that touches SQLite: connection, pragmas, migrations and every statement.

Durability: WAL, and every write transaction's log fsynced before it returns (``_write``: the
guarantee of ``synchronous=FULL``, with the fsync outside the write lock), so an acknowledged
submission survives a crash or a power cut. A response and its answers are written in one
``BEGIN IMMEDIATE`` transaction that also extends the hash chain and the running tallies.
Connections are kept per thread (a connection per request caps throughput at about half);
``close_all`` drops them after a fork.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlite_utils
from sqlite_utils import Migrations

from . import writer
from .writer import StorageUnavailable  # noqa: F401  (db.StorageUnavailable: what callers catch)

BUSY_TIMEOUT_MS = 10_000
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o/1/l/i: codes are read off posters

migrations = Migrations("manyi")
_local = threading.local()


# -- connections ------------------------------------------------------------------------------

def connect(path: str, *, readonly: bool = False) -> sqlite_utils.Database:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")  # + the WAL synced after every write: see _write
    database = sqlite_utils.Database(conn, execute_plugins=False)
    database.writer_path = path if not readonly and path != ":memory:" else None  # see writer.py
    database.path = path if path != ":memory:" else None
    return database


def get(path: str) -> sqlite_utils.Database:
    """This thread's connection to ``path`` (opened once, then reused)."""
    pid = os.getpid()
    cache = getattr(_local, "dbs", None)
    if cache is None or getattr(_local, "pid", None) != pid:
        cache = _local.dbs = {}
        _local.pid = pid
    db = cache.get(path)
    if db is None:
        db = cache[path] = connect(path)
    return db


def close_all() -> None:
    for db in getattr(_local, "dbs", {}).values():
        db.close()
    _local.dbs = {}


_UNAVAILABLE = {5, 6, 8, 10, 13, 14}  # SQLITE_BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN (primary codes)


@contextmanager
def _write(db: sqlite_utils.Database):
    """A write transaction that takes the write lock at once (no read-then-upgrade deadlock), and is
    on disk when this returns: COMMIT writes the WAL frames at ``synchronous=NORMAL``, the turn is
    released, then the WAL is fdatasynced (survey_app/writer.py). A caller acknowledges only after
    that, so nothing acknowledged is lost in a power cut, as with ``synchronous=FULL``."""
    seconds = BUSY_TIMEOUT_MS / 1000
    path = getattr(db, "writer_path", None)  # None: an in-memory or read-only database
    with writer.turn(path, seconds):
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                db.rollback()
                raise
        except sqlite3.OperationalError as e:
            if (getattr(e, "sqlite_errorcode", 0) & 0xFF) in _UNAVAILABLE:
                raise StorageUnavailable(str(e)) from e
            raise
    writer.sync(path)


def make_durable(db: sqlite_utils.Database) -> None:
    """Return once every commit visible now is on disk (before acknowledging something only read,
    e.g. a retried submission another worker stored a moment ago)."""
    writer.sync(getattr(db, "writer_path", None))


# -- migrations (safe to re-run; never drop data) -----------------------------------------------

@migrations(transactional=False)
def m001_wal(db):
    db.execute("PRAGMA journal_mode = WAL")


@migrations()
def m002_core(db):
    db["surveys"].create({
        "id": int, "questionnaire_id": str, "questionnaire_version": int, "title": str,
        "department": str, "year": int, "evaluator_org": str, "target": float, "target_n": int,
        "population": int, "opens_on": str, "closes_on": str, "status": str, "rule": str,
        "c51_figure": str, "background": str, "subjects": str, "created_at": str,
    }, pk="id", not_null={"questionnaire_id", "questionnaire_version", "title", "status"},
        defaults={"status": "open", "target": 95.0, "target_n": 50, "rule": "xinjiang-c51",
                  "c51_figure": "headline"})
    db["points"].create({"id": int, "survey_id": int, "name": str, "code": str, "created_at": str},
                        pk="id", foreign_keys=[("survey_id", "surveys", "id")], not_null={"name", "code"})
    db["points"].create_index(["code"], unique=True)
    db["points"].create_index(["survey_id", "name"], unique=True)
    db["responses"].create({
        "id": int, "survey_id": int, "point_id": int, "questionnaire_version": int,
        "submission_key": str, "submitted_at": str, "seconds_on_page": int, "language": str,
        "device_hash": str, "status": str, "exclude_reason": str, "prev_hash": str, "hash": str,
    }, pk="id", foreign_keys=[("survey_id", "surveys", "id"), ("point_id", "points", "id")],
        not_null={"survey_id", "point_id", "submission_key", "submitted_at", "status", "hash"},
        defaults={"status": "valid"})
    db["responses"].create_index(["submission_key"], unique=True)
    db["responses"].create_index(["survey_id", "point_id", "submitted_at"])
    db["answers"].create({"response_id": int, "question_id": str, "value": str},
                         pk=("response_id", "question_id", "value"),
                         foreign_keys=[("response_id", "responses", "id")])
    # Running counts of valid answers, kept in the submit transaction, so results never scan answers.
    db["tallies"].create({"survey_id": int, "point_id": int, "question_id": str, "value": str, "n": int},
                         pk=("survey_id", "question_id", "value", "point_id"),
                         foreign_keys=[("survey_id", "surveys", "id"), ("point_id", "points", "id")])
    db["audit_log"].create({"id": int, "at": str, "user": str, "action": str, "survey_id": int,
                            "response_id": int, "detail": str}, pk="id")


@migrations()
def m003_response_counts(db):
    # Responses per point, UTC hour and status, kept in the submit and exclude transactions, so the
    # dashboard's progress, status and daily figures never scan responses (bench/: 1M responses).
    db["response_counts"].create({"survey_id": int, "point_id": int, "hour": str, "status": str, "n": int},
                                 pk=("survey_id", "point_id", "hour", "status"))
    db.execute("insert into response_counts (survey_id, point_id, hour, status, n)"
               " select survey_id, point_id, substr(submitted_at, 1, 13), status, count(*) from responses"
               " group by 1, 2, 3, 4")


@migrations()
def m004_evaluators(db):
    """Evaluator accounts, their per-survey grants, login attempts (throttling) and review indexes."""
    db["users"].create({"id": int, "username": str, "password_hash": str, "created_at": str},
                       pk="id", not_null={"username", "password_hash"})
    db["users"].create_index(["username"], unique=True)
    db["grants"].create({"user_id": int, "survey_id": int, "created_at": str}, pk=("user_id", "survey_id"),
                        foreign_keys=[("user_id", "users", "id"), ("survey_id", "surveys", "id")])
    db["grants"].create_index(["survey_id"])
    # No raw IPs: the client is a salted hash. Rows older than LOGIN_ATTEMPTS_KEEP_DAYS are pruned.
    db["login_attempts"].create({"id": int, "at": str, "username": str, "client_hash": str, "success": int},
                                pk="id", not_null={"at", "username", "success"})
    db["login_attempts"].create_index(["username", "at"])
    db["login_attempts"].create_index(["client_hash", "at"])
    db["login_attempts"].create_index(["at"])
    # Review page: newest first within a survey and status, flags per page from indexes.
    db["responses"].create_index(["survey_id", "status"])
    db["responses"].create_index(["survey_id", "device_hash"])
    db["responses"].create_index(["survey_id", "seconds_on_page"])



@migrations()
def m005_review_order(db):
    # The review page walks a survey's responses newest first (keyset on id) without sorting them.
    db["responses"].create_index(["survey_id", "id"])


@migrations()
def m006_fewer_submit_pages(db):
    # Nothing reads by (survey, point, time) since m003's counts: one index fewer for every submit to write.
    db.execute("drop index if exists idx_responses_survey_id_point_id_submitted_at")


def migrate(db: sqlite_utils.Database) -> None:
    migrations.apply(db)


# -- helpers ----------------------------------------------------------------------------------

def is_row_id(n: int) -> bool:
    """Whether ``n`` can be a row id (SQLite's are signed 64-bit; a bigger int from a URL would overflow)."""
    return 0 < n < 2**63


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


# -- surveys and points -----------------------------------------------------------------------

SURVEY_FIELDS = ("questionnaire_id", "questionnaire_version", "title", "department", "year",
                 "evaluator_org", "target", "target_n", "population", "opens_on", "closes_on",
                 "status", "rule", "c51_figure", "background", "subjects")


def create_survey(db, **fields) -> int:
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise ValueError(f"unknown survey field(s): {sorted(unknown)}")
    with _write(db):
        return db["surveys"].insert({**fields, "created_at": utcnow()}).last_pk


@dataclass(frozen=True)
class Audit:
    """The audit-log line for a change, written in the change's own transaction: both or neither."""
    user: str
    action: str
    detail: str = ""


def update_survey(db, survey_id: int, *, audit: Audit | None = None, **fields) -> None:
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise ValueError(f"unknown survey field(s): {sorted(unknown)}")
    with _write(db):
        db["surveys"].update(survey_id, fields)
        _audit(db, audit, survey_id)
    _points_seen.clear()  # this process's citizens see the change at once, others within POINT_CACHE_SECONDS


def get_survey(db, survey_id: int) -> dict | None:
    rows = list(db.query("select * from surveys where id = ?", [survey_id]))
    return rows[0] if rows else None


def find_survey(db, *, title: str) -> dict | None:
    rows = list(db.query("select * from surveys where title = ? order by id limit 1", [title]))
    return rows[0] if rows else None


def list_surveys(db) -> list[dict]:
    return list(db.query(
        "select s.*, (select coalesce(sum(n), 0) from response_counts c where c.survey_id = s.id) as responses,"
        " (select count(*) from points p where p.survey_id = s.id) as points from surveys s order by s.id"))


def add_point(db, survey_id: int, name: str) -> dict:
    """Add a collection point (or return the existing one of that name: adding twice is harmless)."""
    if get_survey(db, survey_id) is None:
        raise ValueError(f"no survey with id {survey_id}")
    with _write(db):  # the check inside the write lock: two evaluators adding the same name get one point
        existing = db.execute("select id from points where survey_id = ? and name = ?", [survey_id, name]).fetchone()
        if existing:
            return db["points"].get(existing[0])
        while True:
            code = new_code()
            if not list(db.query("select 1 from points where code = ?", [code])):
                break
        pk = db["points"].insert({"survey_id": survey_id, "name": name, "code": code,
                                  "created_at": utcnow()}).last_pk
    return db["points"].get(pk)


def list_points(db, survey_id: int) -> list[dict]:
    return list(db.query("select * from points where survey_id = ? order by id", [survey_id]))


def point_by_code(db, code: str) -> tuple[dict, dict] | None:
    """(point, survey) for a collection-point code, or None (one query: every respondent request asks)."""
    cursor = db.conn.execute(
        f"select {', '.join('p.' + c for c in _POINT_COLUMNS)}, s.* from points p"
        " join surveys s on s.id = p.survey_id where p.code = ?", [code])
    row = cursor.fetchone()
    if row is None:
        return None
    k = len(_POINT_COLUMNS)
    return dict(zip(_POINT_COLUMNS, row[:k])), dict(zip([d[0] for d in cursor.description[k:]], row[k:]))


_POINT_COLUMNS = ("id", "survey_id", "name", "code", "created_at")

# Every citizen's request looks up its point and survey; evaluators change them rarely. Each process
# keeps what it read for POINT_CACHE_SECONDS (its own changes clear it at once), so a survey closed or
# re-dated by an evaluator reaches citizens' pages in every worker within that time. Unknown codes
# are never kept (a point added a moment ago works at once; junk codes cannot fill the memory).
POINT_CACHE_SECONDS = 2.0
_points_seen: dict[tuple[str, str], tuple[float, tuple[dict, dict]]] = {}
_clock = time.monotonic  # tests move it


def point_for_citizen(db, code: str) -> tuple[dict, dict] | None:
    """``point_by_code``, read at most POINT_CACHE_SECONDS ago (copies: callers may change them)."""
    path = getattr(db, "path", None)
    if path is None:  # an in-memory database: nothing to key the cache by
        return point_by_code(db, code)
    key, now = (path, code), _clock()
    seen = _points_seen.get(key)
    if seen is None or seen[0] < now:
        found = point_by_code(db, code)
        if found is None:
            return None
        seen = _points_seen[key] = (now + POINT_CACHE_SECONDS, found)
    point, survey = seen[1]
    return dict(point), dict(survey)


# -- responses --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Saved:
    response_id: int
    created: bool  # False when the submission key had already been stored (a retry)


# json.dumps with these arguments builds a new encoder per call; one built once writes the same bytes.
_CHAIN_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def chain_hash(prev_hash: str, response: dict, answers: list[tuple[str, str]]) -> str:
    """The hash that chains a response to the one before it; ``verify`` recomputes it."""
    body = _CHAIN_JSON.encode({
        "prev": prev_hash, "survey": response["survey_id"], "point": response["point_id"],
        "version": response["questionnaire_version"], "key": response["submission_key"],
        "at": response["submitted_at"], "answers": sorted(answers),
    })
    return hashlib.sha256(body.encode()).hexdigest()


_RESPONSE_COLUMNS = ("survey_id", "point_id", "questionnaire_version", "submission_key", "submitted_at",
                     "seconds_on_page", "language", "device_hash", "status", "prev_hash", "hash")
_INSERT_RESPONSE = (f"insert into responses ({', '.join(_RESPONSE_COLUMNS)}) values ({', '.join('?' * 11)})"
                    " on conflict (submission_key) do nothing returning id")


def save_response(db, *, survey_id: int, point_id: int, questionnaire_version: int,
                  submission_key: str, answers: list[tuple[str, str]], seconds_on_page: int | None,
                  language: str, device_hash: str | None) -> Saved:
    """Store a response and its answers in one transaction; a known submission key stores nothing.

    The submit hot path: plain sqlite3 calls on sqlite-utils' connection, and as little as possible
    inside the write lock (every other writer waits for it)."""
    conn = db.conn
    with _write(db):
        last = conn.execute("select hash from responses order by id desc limit 1").fetchone()
        response = {"survey_id": survey_id, "point_id": point_id, "questionnaire_version": questionnaire_version,
                    "submission_key": submission_key, "submitted_at": utcnow()}
        prev = last[0] if last else ""
        digest = chain_hash(prev, response, answers)
        inserted = conn.execute(_INSERT_RESPONSE, (
            survey_id, point_id, questionnaire_version, submission_key, response["submitted_at"], seconds_on_page,
            language, device_hash, "valid", prev, digest)).fetchone()
        if inserted is None:  # a retry: the key is stored already
            return Saved(response_for_key(db, submission_key), False)
        rid = inserted[0]
        conn.executemany("insert into answers (response_id, question_id, value) values (?, ?, ?)",
                         [(rid, q, v) for q, v in answers])
        _bump_tallies(db, survey_id, point_id, answers, +1)
        _bump_count(db, survey_id, point_id, response["submitted_at"], "valid", +1)
    return Saved(rid, True)


_BUMP_TALLY = ("insert into tallies (survey_id, point_id, question_id, value, n) values (?, ?, ?, ?, ?)"
               " on conflict (survey_id, question_id, value, point_id) do update set n = n + excluded.n")
_BUMP_COUNT = ("insert into response_counts (survey_id, point_id, hour, status, n) values (?, ?, substr(?, 1, 13), ?, ?)"
               " on conflict (survey_id, point_id, hour, status) do update set n = n + excluded.n")


def _bump_tallies(db, survey_id: int, point_id: int, answers, delta: int) -> None:
    db.conn.executemany(_BUMP_TALLY, [(survey_id, point_id, q, v, delta) for q, v in answers])


def _bump_count(db, survey_id: int, point_id: int, submitted_at: str, status: str, delta: int) -> None:
    db.conn.execute(_BUMP_COUNT, (survey_id, point_id, submitted_at, status, delta))


def response_for_key(db, submission_key: str) -> int | None:
    row = db.execute("select id from responses where submission_key = ?", [submission_key]).fetchone()
    return row[0] if row else None


def chain_head(db) -> tuple[int, str] | None:
    """(id, hash) of the newest response: write it down, and a later `manyi verify` shows nothing
    before it was changed or removed (the hash covers every earlier response)."""
    row = db.execute("select id, hash from responses order by id desc limit 1").fetchone()
    return (row[0], row[1]) if row else None


def response_count(db, survey_id: int | None = None) -> int:
    if survey_id is None:
        return db.execute("select count(*) from responses").fetchone()[0]
    return db.execute("select count(*) from responses where survey_id = ?", [survey_id]).fetchone()[0]


def get_response(db, response_id: int) -> dict | None:
    rows = list(db.query("select * from responses where id = ?", [response_id]))
    if not rows:
        return None
    row = rows[0]
    row["answers"] = [(a["question_id"], a["value"]) for a in db.query(
        "select question_id, value from answers where response_id = ? order by question_id, value",
        [response_id])]
    return row


def tallies(db, survey_id: int) -> list[dict]:
    """Valid-answer counts per point, question and value (rows with n = 0 left out)."""
    return list(db.query(
        "select point_id, question_id, value, n from tallies where survey_id = ? and n > 0",
        [survey_id]))



def set_response_status(db, response_id: int, *, status: str, reason: str, user: str) -> bool:
    """Exclude (status 'excluded', with a reason) or restore ('valid') a response; never deletes.

    The tallies follow in the same transaction and the change is logged with user and time.
    Returns False when the response already had that status (nothing changed).
    """
    if status not in ("valid", "excluded"):
        raise ValueError(f"status must be 'valid' or 'excluded', got {status!r}")
    if status == "excluded" and not (reason or "").strip():
        raise ValueError("excluding a response needs a reason")
    with _write(db):
        row = db.execute("select survey_id, point_id, status, submitted_at from responses where id = ?",
                         [response_id]).fetchone()
        if row is None:
            raise LookupError(f"no response with id {response_id}")
        survey_id, point_id, current, submitted_at = row
        if current == status:
            return False
        _bump_count(db, survey_id, point_id, submitted_at, current, -1)
        _bump_count(db, survey_id, point_id, submitted_at, status, +1)
        db.execute("update responses set status = ?, exclude_reason = ? where id = ?",
                   [status, reason.strip() if status == "excluded" else None, response_id])
        answers = db.execute("select question_id, value from answers where response_id = ?", [response_id]).fetchall()
        _bump_tallies(db, survey_id, point_id, answers, -1 if status == "excluded" else +1)
        _audit(db, Audit(user, "exclude" if status == "excluded" else "restore", reason.strip()), survey_id, response_id)
    return True


def audit_entries(db, survey_id: int) -> list[dict]:
    return list(db.query("select * from audit_log where survey_id = ? order by id", [survey_id]))


def status_counts(db, survey_id: int) -> dict[str, int]:
    """Responses per status (valid / excluded) for a survey."""
    return {row[0]: row[1] for row in db.execute(
        "select status, sum(n) from response_counts where survey_id = ? group by status having sum(n) > 0",
        [survey_id])}


def point_counts(db, survey_id: int) -> list[dict]:
    """Each collection point with its returned and valid response counts."""
    return list(db.query(
        "select p.id, p.name, p.code, coalesce(sum(c.n), 0) as returned,"
        " coalesce(sum(case when c.status = 'valid' then c.n end), 0) as valid"
        " from points p left join response_counts c on c.survey_id = p.survey_id and c.point_id = p.id"
        " where p.survey_id = ? group by p.id order by p.id", [survey_id]))


def daily_counts(db, survey_id: int, utc_offset_seconds: float) -> list[tuple[str, int, int]]:
    """(local date, point id, valid responses) for a survey, by day."""
    shift = f"{int(utc_offset_seconds):+d} seconds"
    if int(utc_offset_seconds) % 3600 == 0:  # whole-hour zones (all of China): the hourly counts suffice
        return [tuple(row) for row in db.execute(
            "select date(hour || ':00:00', ?) as day, point_id, sum(n) from response_counts"
            " where survey_id = ? and status = 'valid' group by day, point_id having sum(n) > 0"
            " order by day, point_id", [shift, survey_id])]
    return [tuple(row) for row in db.execute(
        "select date(submitted_at, ?) as day, point_id, count(*) from responses"
        " where survey_id = ? and status = 'valid' group by day, point_id order by day, point_id",
        [shift, survey_id])]


def answer_rows(db, survey_id: int, question_ids: list[str]) -> list[dict[str, str]]:
    """Per valid respondent, their answers to ``question_ids`` (for composites across items)."""
    marks = ", ".join("?" for _ in question_ids)
    rows: dict[int, dict[str, str]] = {}
    for rid, qid, value in db.execute(
            "select a.response_id, a.question_id, a.value from answers a join responses r on r.id = a.response_id"
            f" where r.survey_id = ? and r.status = 'valid' and a.question_id in ({marks})",
            [survey_id, *question_ids]):
        rows.setdefault(rid, {})[qid] = value
    return list(rows.values())


# -- integrity: verify, backup, bulk load -------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    responses: int  # responses checked
    bad_responses: tuple[tuple[int, str], ...]  # (response id, what does not match)
    count_problems: tuple[str, ...]  # tallies or response counts that differ from a recount

    @property
    def ok(self) -> bool:
        return not self.bad_responses and not self.count_problems


def _answers_by_response(db):
    """(response id, [(question, value), ...]) in id order, streamed."""
    rid, items = None, []
    for response_id, q, v in db.execute("select response_id, question_id, value from answers order by response_id"):
        if response_id != rid:
            if rid is not None:
                yield rid, items
            rid, items = response_id, []
        items.append((q, v))
    if rid is not None:
        yield rid, items


def verify(db) -> Verification:
    """Recompute the hash chain and recount tallies and response counts; name every mismatch.

    A response is named when its stored hash does not match its fields and answers (an edit), or
    when its link does not match the hash before it (a response removed or re-hashed before it).
    """
    bad, checked, prev = [], 0, ""
    answers = _answers_by_response(db)
    pending = next(answers, None)
    for row in db.query("select id, survey_id, point_id, questionnaire_version, submission_key, submitted_at,"
                        " prev_hash, hash from responses order by id"):
        while pending is not None and pending[0] < row["id"]:
            bad.append((pending[0], "answers without a response"))
            pending = next(answers, None)
        mine = []
        if pending is not None and pending[0] == row["id"]:
            mine, pending = pending[1], next(answers, None)
        checked += 1
        if row["prev_hash"] != prev:
            bad.append((row["id"], "link to the previous response does not match (a response removed or re-hashed)"))
        if chain_hash(row["prev_hash"], row, mine) != row["hash"]:
            bad.append((row["id"], "stored hash does not match its fields and answers (edited)"))
        prev = row["hash"]
    while pending is not None:
        bad.append((pending[0], "answers without a response"))
        pending = next(answers, None)
    for rid, status, logged in db.execute(  # an exclusion or restore done outside Manyi leaves no audit entry
            "select r.id, r.status, (select action from audit_log l where l.response_id = r.id"
            " and l.action in ('exclude', 'restore') order by l.id desc limit 1) from responses r"
            " where r.status = 'excluded' or exists (select 1 from audit_log l where l.response_id = r.id)"):
        if (status == "excluded") != (logged == "exclude"):
            bad.append((rid, f"status {status!r} does not match the audit log (last entry: {logged or 'none'})"))
    problems = []
    recount = {tuple(r[:4]): r[4] for r in db.execute(
        "select r.survey_id, r.point_id, a.question_id, a.value, count(*) from answers a"
        " join responses r on r.id = a.response_id where r.status = 'valid' group by 1, 2, 3, 4")}
    kept = {tuple(r[:4]): r[4] for r in db.execute(
        "select survey_id, point_id, question_id, value, n from tallies where n != 0")}
    for k in sorted(set(recount) | set(kept), key=repr):
        if recount.get(k, 0) != kept.get(k, 0):
            problems.append(f"tally survey {k[0]} point {k[1]} {k[2]}={k[3]!r}: kept {kept.get(k, 0)},"
                            f" recount {recount.get(k, 0)}")
    recount = {tuple(r[:4]): r[4] for r in db.execute(
        "select survey_id, point_id, substr(submitted_at, 1, 13), status, count(*) from responses group by 1, 2, 3, 4")}
    kept = {tuple(r[:4]): r[4] for r in db.execute(
        "select survey_id, point_id, hour, status, n from response_counts where n != 0")}
    for k in sorted(set(recount) | set(kept), key=repr):
        if recount.get(k, 0) != kept.get(k, 0):
            problems.append(f"response count survey {k[0]} point {k[1]} hour {k[2]} {k[3]}: kept {kept.get(k, 0)},"
                            f" recount {recount.get(k, 0)}")
    return Verification(checked, tuple(bad), tuple(problems))


def backup(db, path: str) -> int:
    """A consistent copy of the whole database in ``path`` (SQLite's online backup API, one step,
    so it is a snapshot even while submissions arrive); returns the number of responses copied."""
    tmp = f"{path}.partial"
    if os.path.exists(tmp):
        os.remove(tmp)
    target = sqlite3.connect(tmp)
    try:
        db.conn.backup(target)  # pages=-1: the whole file under one read lock
        count = target.execute("select count(*) from responses").fetchone()[0]
    finally:
        target.close()
    os.replace(tmp, path)
    return count


def bulk_load(db, *, survey_id: int, questionnaire_version: int, rows, batch: int = 50_000) -> int:
    """Append many responses fast (benchmarks, imports): ``rows`` yields (point_id, submitted_at,
    answers). Responses, answers, tallies, counts and the hash chain come out exactly as if each had
    been submitted, in transactions of ``batch`` responses. Returns the number written."""
    from collections import Counter

    written = 0
    rows = iter(rows)
    while True:
        chunk = [r for _, r in zip(range(batch), rows)]
        if not chunk:
            return written
        with _write(db):
            rid, prev = chain_head(db) or (0, "")
            responses, answers, tallies, counts = [], [], Counter(), Counter()
            for point_id, submitted_at, items in chunk:
                rid += 1
                response = {"survey_id": survey_id, "point_id": point_id, "questionnaire_version": questionnaire_version,
                            "submission_key": secrets.token_urlsafe(12), "submitted_at": submitted_at}
                link, prev = prev, chain_hash(prev, response, items)
                responses.append((rid, *response.values(), "zh-CN", "valid", link, prev))
                answers.extend((rid, q, v) for q, v in items)
                tallies.update((point_id, q, v) for q, v in items)
                counts[(point_id, submitted_at[:13])] += 1
            db.conn.executemany(
                "insert into responses (id, survey_id, point_id, questionnaire_version, submission_key, submitted_at,"
                " language, status, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", responses)
            db.conn.executemany("insert into answers (response_id, question_id, value) values (?, ?, ?)", answers)
            db.conn.executemany(_BUMP_TALLY, [(survey_id, p, q, v, n) for (p, q, v), n in tallies.items()])
            db.conn.executemany(_BUMP_COUNT, [(survey_id, p, h, "valid", n) for (p, h), n in counts.items()])
        written += len(chunk)


def stream_responses(db, survey_id: int):
    """Every response of a survey (valid and excluded) with its point name and answers, in id order.

    One query joining the answers, read from the cursor one row at a time: a million responses
    never sit in memory. Yields dicts with ``answers`` = {question_id: [values]}.
    """
    cursor = db.execute(
        "select r.id, p.name, r.submitted_at, r.seconds_on_page, r.language, r.status, r.exclude_reason,"
        " a.question_id, a.value from responses r join points p on p.id = r.point_id"
        " left join answers a on a.response_id = r.id where r.survey_id = ? order by r.id", [survey_id])
    current = None
    for rid, point, at, seconds, language, status, reason, qid, value in cursor:
        if current is None or current["id"] != rid:
            if current is not None:
                yield current
            current = {"id": rid, "point": point, "submitted_at": at, "seconds_on_page": seconds,
                       "language": language, "status": status, "exclude_reason": reason, "answers": {}}
        if qid is not None:
            current["answers"].setdefault(qid, []).append(value)
    if current is not None:
        yield current


@contextmanager
def snapshot(path: str):
    """A read-only connection inside one read transaction: every query sees the same data, so a
    download's raw rows and its tallies agree while citizens keep submitting."""
    conn = connect(path, readonly=True)
    try:
        conn.execute("BEGIN")
        yield conn
    finally:
        conn.conn.rollback()
        conn.close()

# -- evaluators: users, grants, login attempts ------------------------------------------------

def create_user(db, username: str, password_hash: str) -> int:
    """A new evaluator account; ValueError if the username is taken."""
    with _write(db):
        if db.execute("select 1 from users where username = ?", [username]).fetchone():
            raise ValueError(f"user {username!r} already exists")
        return db["users"].insert({"username": username, "password_hash": password_hash,
                                   "created_at": utcnow()}).last_pk


def set_password(db, username: str, password_hash: str) -> bool:
    with _write(db):
        return db.execute("update users set password_hash = ? where username = ?",
                          [password_hash, username]).rowcount == 1


def get_user(db, user_id: int) -> dict | None:
    rows = list(db.query("select id, username, password_hash, created_at from users where id = ?", [user_id]))
    return rows[0] if rows else None


def user_by_name(db, username: str) -> dict | None:
    rows = list(db.query("select id, username, password_hash, created_at from users where username = ?",
                         [username]))
    return rows[0] if rows else None


def grant(db, user_id: int, survey_id: int, *, audit: Audit | None = None) -> bool:
    """Let a user see a survey; False if they already could (then nothing is logged)."""
    with _write(db):
        changed = db.execute("insert or ignore into grants (user_id, survey_id, created_at) values (?, ?, ?)",
                             [user_id, survey_id, utcnow()]).rowcount == 1
        if changed:
            _audit(db, audit, survey_id)
    return changed


def revoke(db, user_id: int, survey_id: int, *, audit: Audit | None = None) -> bool:
    """End a user's access to a survey (at their next request); False if they had none."""
    with _write(db):
        changed = db.execute("delete from grants where user_id = ? and survey_id = ?",
                             [user_id, survey_id]).rowcount == 1
        if changed:
            _audit(db, audit, survey_id)
    return changed


def can_see(db, user_id: int, survey_id: int) -> bool:
    return db.execute("select 1 from grants where user_id = ? and survey_id = ?",
                      [user_id, survey_id]).fetchone() is not None


def create_survey_for(db, user_id: int, *, audit: Audit | None = None, **fields) -> int:
    """Create a survey and grant it to its creator, in one transaction."""
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise ValueError(f"unknown survey field(s): {sorted(unknown)}")
    with _write(db):
        survey_id = db["surveys"].insert({**fields, "created_at": utcnow()}).last_pk
        db.execute("insert into grants (user_id, survey_id, created_at) values (?, ?, ?)",
                   [user_id, survey_id, utcnow()])
        _audit(db, audit, survey_id)
    return survey_id


def surveys_for_user(db, user_id: int) -> list[dict]:
    """The surveys a user was granted, newest first, with point and response counts."""
    return list(db.query(
        "select s.*, (select count(*) from points p where p.survey_id = s.id) as points,"
        " (select coalesce(sum(n), 0) from response_counts c where c.survey_id = s.id) as responses,"
        " (select coalesce(sum(n), 0) from response_counts c where c.survey_id = s.id and c.status = 'valid')"
        " as valid from surveys s join grants g on g.survey_id = s.id where g.user_id = ? order by s.id desc", [user_id]))


def get_point(db, survey_id: int, point_id: int) -> dict | None:
    rows = list(db.query("select * from points where id = ? and survey_id = ?", [point_id, survey_id]))
    return rows[0] if rows else None


def _audit(db, audit: Audit | None, survey_id: int, response_id: int | None = None) -> None:
    """Inside a write transaction: the audit-log line for what the transaction changes."""
    if audit is not None:
        db.execute("insert into audit_log (at, user, action, survey_id, response_id, detail) values (?, ?, ?, ?, ?, ?)",
                   [utcnow(), audit.user, audit.action, survey_id, response_id, audit.detail])


def record_login_attempt(db, *, username: str, client_hash: str, success: bool, keep_since: str) -> None:
    """Store one login attempt and prune attempts older than ``keep_since`` (UTC ISO time)."""
    with _write(db):
        db.execute("insert into login_attempts (at, username, client_hash, success) values (?, ?, ?, ?)",
                   [utcnow(), username, client_hash, int(success)])
        db.execute("delete from login_attempts where at < ?", [keep_since])


def recent_failures(db, *, username: str, client_hash: str, since: str) -> tuple[tuple[int, str | None], tuple[int, str | None]]:
    """((failures, oldest time) for the username, (failures, oldest time) for the client) after
    ``since``, each counted from that key's last successful login."""
    out = []
    for column, key in (("username", username), ("client_hash", client_hash)):
        count, oldest = db.execute(
            f"select count(*), min(at) from login_attempts where {column} = ? and success = 0 and at > max(?,"
            f" coalesce((select max(at) from login_attempts where {column} = ? and success = 1), ''))",
            [key, since, key]).fetchone()
        out.append((count, oldest))
    return out[0], out[1]


# -- review: data-quality flags, computed in SQL for one page ----------------------------------

REVIEW_FLAGS = ("speeder", "straight", "device")


def _flag_sql(scale_qids: list[str]) -> dict[str, str]:
    marks = ", ".join(f":q{i}" for i in range(len(scale_qids))) or "null"
    return {
        "speeder": "(r.seconds_on_page is not null and r.seconds_on_page < :threshold)",
        "straight": ("coalesce((select count(*) >= 2 and count(distinct a.value) = 1 from answers a"
                     f" where a.response_id = r.id and a.question_id in ({marks})), 0)"),
        "device": ("(r.device_hash is not null and exists (select 1 from responses r2 where"
                   " r2.survey_id = r.survey_id and r2.device_hash = r.device_hash and r2.id != r.id))"),
    }


def review_page(db, survey_id: int, *, threshold: int, scale_qids: list[str], status: str | None = None,
                flag: str | None = None, before: int | None = None, limit: int = 50) -> list[dict]:
    """Up to ``limit`` responses, newest first (keyset: ids below ``before``), each with its flags
    (speeder: fewer than ``threshold`` seconds; straight: every answered scale item in ``scale_qids``
    has the same code, at least two answered; device: another response of the survey from the same
    device). ``flag`` keeps one flag, "any" or "none"; ``status`` keeps valid or excluded."""
    flags = _flag_sql(scale_qids)
    params = {"survey_id": survey_id, "threshold": threshold, "limit": limit,
              **{f"q{i}": q for i, q in enumerate(scale_qids)}}
    where = ["r.survey_id = :survey_id"]
    if status is not None:
        where.append("r.status = :status")
        params["status"] = status
    if before is not None:
        where.append("r.id < :before")
        params["before"] = before
    if flag in REVIEW_FLAGS:
        where.append(flags[flag])
    elif flag == "any":
        where.append("(" + " or ".join(flags.values()) + ")")
    elif flag == "none":
        where.append("not (" + " or ".join(flags.values()) + ")")
    # Walk the survey's ids newest first on an index (no sort of a million rows), testing the flags
    # row by row until the page is full.
    order = "idx_responses_survey_id_status" if status is not None else "idx_responses_survey_id_id"
    sql = ("select r.id, r.point_id, p.name as point_name, r.submitted_at, r.seconds_on_page, r.language,"
           " r.device_hash, r.status, r.exclude_reason, "
           + ", ".join(f"{expr} as {name}" for name, expr in flags.items())
           + f" from responses r indexed by {order} join points p on p.id = r.point_id where " + " and ".join(where)
           + " order by r.id desc limit :limit")
    return list(db.query(sql, params))


def answers_for(db, response_ids: list[int]) -> dict[int, dict[str, str]]:
    """{response id: {question id: value}} for a page of responses (several values joined by ',')."""
    if not response_ids:
        return {}
    marks = ", ".join("?" for _ in response_ids)
    out: dict[int, dict[str, str]] = {rid: {} for rid in response_ids}
    for rid, qid, value in db.execute(
            f"select response_id, question_id, value from answers where response_id in ({marks})"
            " order by response_id, question_id, value", response_ids):
        have = out[rid].get(qid)
        out[rid][qid] = value if have is None else f"{have},{value}"
    return out


def flag_counts(db, survey_id: int, *, threshold: int) -> dict[str, int]:
    """Speeders and responses sharing a device with another response (all statuses), from indexes."""
    speeders = db.execute("select count(*) from responses where survey_id = ? and seconds_on_page < ?",
                          [survey_id, threshold]).fetchone()[0]
    devices = db.execute(
        "select coalesce(sum(n), 0) from (select count(*) as n from responses where survey_id = ?"
        " and device_hash is not null group by device_hash having count(*) > 1)", [survey_id]).fetchone()[0]
    return {"speeder": speeders, "device": devices}

# -- Flask glue ---------------------------------------------------------------------------------

def get_db() -> sqlite_utils.Database:
    """The current app's database for this thread."""
    from flask import current_app

    return get(current_app.config["DATABASE"])


def init_app(app) -> None:
    """Create or upgrade the schema at start-up (migrations are safe to re-run)."""
    db = connect(app.config["DATABASE"])
    try:
        try:
            migrate(db)
        except sqlite3.OperationalError:
            migrate(db)  # another worker migrated at the same moment; what is left is now pending-free
        writer.sync(getattr(db, "writer_path", None))  # migrations commit outside _write
    finally:
        db.close()
