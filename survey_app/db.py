"""The only module that touches SQLite: connection, pragmas, migrations and every statement.

Durability: WAL with ``synchronous=FULL``, so an acknowledged submission survives a crash or a
power cut. A response and its answers are written in one ``BEGIN IMMEDIATE`` transaction that
also extends the hash chain and the running tallies. Connections are kept per thread (a
connection per request caps throughput at about half); ``close_all`` drops them after a fork.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlite_utils
from sqlite_utils import Migrations

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
    conn.execute("PRAGMA synchronous = FULL")
    return sqlite_utils.Database(conn, execute_plugins=False)


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


@contextmanager
def _write(db: sqlite_utils.Database):
    """A write transaction that takes the write lock at once (no read-then-upgrade deadlock)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")


# -- migrations (safe to re-run; never drop) -------------------------------------------------

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


def migrate(db: sqlite_utils.Database) -> None:
    migrations.apply(db)


# -- helpers ----------------------------------------------------------------------------------

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


def update_survey(db, survey_id: int, **fields) -> None:
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise ValueError(f"unknown survey field(s): {sorted(unknown)}")
    with _write(db):
        db["surveys"].update(survey_id, fields)


def get_survey(db, survey_id: int) -> dict | None:
    rows = list(db.query("select * from surveys where id = ?", [survey_id]))
    return rows[0] if rows else None


def find_survey(db, *, title: str) -> dict | None:
    rows = list(db.query("select * from surveys where title = ? order by id limit 1", [title]))
    return rows[0] if rows else None


def list_surveys(db) -> list[dict]:
    return list(db.query(
        "select s.*, (select count(*) from responses r where r.survey_id = s.id) as responses,"
        " (select count(*) from points p where p.survey_id = s.id) as points from surveys s order by s.id"))


def add_point(db, survey_id: int, name: str) -> dict:
    """Add a collection point (or return the existing one of that name: adding twice is harmless)."""
    existing = list(db.query("select * from points where survey_id = ? and name = ?", [survey_id, name]))
    if existing:
        return existing[0]
    if get_survey(db, survey_id) is None:
        raise ValueError(f"no survey with id {survey_id}")
    with _write(db):
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
    """(point, survey) for a collection-point code, or None."""
    rows = list(db.query("select * from points where code = ?", [code]))
    if not rows:
        return None
    return rows[0], get_survey(db, rows[0]["survey_id"])


# -- responses --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Saved:
    response_id: int
    created: bool  # False when the submission key had already been stored (a retry)


def chain_hash(prev_hash: str, response: dict, answers: list[tuple[str, str]]) -> str:
    """The hash that chains a response to the one before it; ``verify`` recomputes it."""
    body = json.dumps({
        "prev": prev_hash, "survey": response["survey_id"], "point": response["point_id"],
        "version": response["questionnaire_version"], "key": response["submission_key"],
        "at": response["submitted_at"], "answers": sorted(answers),
    }, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def save_response(db, *, survey_id: int, point_id: int, questionnaire_version: int,
                  submission_key: str, answers: list[tuple[str, str]], seconds_on_page: int | None,
                  language: str, device_hash: str | None) -> Saved:
    """Store a response and its answers in one transaction; a known submission key stores nothing."""
    with _write(db):
        known = db.execute("select id from responses where submission_key = ?", [submission_key]).fetchone()
        if known:
            return Saved(known[0], False)
        last = db.execute("select hash from responses order by id desc limit 1").fetchone()
        response = {
            "survey_id": survey_id, "point_id": point_id, "questionnaire_version": questionnaire_version,
            "submission_key": submission_key, "submitted_at": utcnow(), "seconds_on_page": seconds_on_page,
            "language": language, "device_hash": device_hash, "status": "valid",
            "prev_hash": last[0] if last else "",
        }
        response["hash"] = chain_hash(response["prev_hash"], response, answers)
        cursor = db.execute(
            "insert into responses (" + ", ".join(response) + ") values ("
            + ", ".join("?" for _ in response) + ")", list(response.values()))
        rid = cursor.lastrowid
        db.conn.executemany("insert into answers (response_id, question_id, value) values (?, ?, ?)",
                            [(rid, q, v) for q, v in answers])
        _bump_tallies(db, survey_id, point_id, answers, +1)
    return Saved(rid, True)


def _bump_tallies(db, survey_id: int, point_id: int, answers, delta: int) -> None:
    db.conn.executemany(
        "insert into tallies (survey_id, point_id, question_id, value, n) values (?, ?, ?, ?, ?)"
        " on conflict (survey_id, question_id, value, point_id) do update set n = n + excluded.n",
        [(survey_id, point_id, q, v, delta) for q, v in answers])


def response_for_key(db, submission_key: str) -> int | None:
    row = db.execute("select id from responses where submission_key = ?", [submission_key]).fetchone()
    return row[0] if row else None


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
        row = db.execute("select survey_id, point_id, status from responses where id = ?", [response_id]).fetchone()
        if row is None:
            raise LookupError(f"no response with id {response_id}")
        survey_id, point_id, current = row
        if current == status:
            return False
        db.execute("update responses set status = ?, exclude_reason = ? where id = ?",
                   [status, reason.strip() if status == "excluded" else None, response_id])
        answers = db.execute("select question_id, value from answers where response_id = ?", [response_id]).fetchall()
        _bump_tallies(db, survey_id, point_id, answers, -1 if status == "excluded" else +1)
        db.execute("insert into audit_log (at, user, action, survey_id, response_id, detail) values (?, ?, ?, ?, ?, ?)",
                   [utcnow(), user, "exclude" if status == "excluded" else "restore", survey_id, response_id,
                    reason.strip()])
    return True


def audit_entries(db, survey_id: int) -> list[dict]:
    return list(db.query("select * from audit_log where survey_id = ? order by id", [survey_id]))


def status_counts(db, survey_id: int) -> dict[str, int]:
    """Responses per status (valid / excluded) for a survey."""
    return {row[0]: row[1] for row in db.execute(
        "select status, count(*) from responses where survey_id = ? group by status", [survey_id])}


def point_counts(db, survey_id: int) -> list[dict]:
    """Each collection point with its returned and valid response counts."""
    return list(db.query(
        "select p.id, p.name, p.code, count(r.id) as returned,"
        " coalesce(sum(r.status = 'valid'), 0) as valid"
        " from points p left join responses r on r.point_id = p.id"
        " where p.survey_id = ? group by p.id order by p.id", [survey_id]))


def daily_counts(db, survey_id: int, utc_offset_seconds: float) -> list[tuple[str, int, int]]:
    """(local date, point id, valid responses) for a survey, by day."""
    shift = f"{int(utc_offset_seconds):+d} seconds"
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
    finally:
        db.close()
