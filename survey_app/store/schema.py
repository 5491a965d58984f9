"""The schema, as named migrations: the same names on SQLite and PostgreSQL, each applied once
and recorded (SQLite: sqlite-utils' ``_sqlite_migrations``; PostgreSQL: ``manyi_migrations``, under
an advisory lock so several servers starting at once do not race). Safe to re-run; never drops data.

SQLite keeps its sqlite-utils ``create()`` calls (deployed files were made by them); PostgreSQL gets
the same tables and columns as SQL (tests/test_store_schema.py compares the two).
"""
from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("manyi")


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
        # The literal is analysis.DEFAULT_RULE as it was when this migration ran: migrations are frozen
        # history, so it stays a literal here and in POSTGRES below (the code reads DEFAULT_RULE).
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


_RECOUNT = ("insert into response_counts (survey_id, point_id, hour, status, n)"
            " select survey_id, point_id, substr(submitted_at, 1, 13), status, count(*) from responses"
            " group by 1, 2, 3, 4")


@migrations()
def m003_response_counts(db):
    # Responses per point, UTC hour and status, kept in the submit and exclude transactions, so the
    # dashboard's progress, status and daily figures never scan responses (bench/: 1M responses).
    db["response_counts"].create({"survey_id": int, "point_id": int, "hour": str, "status": str, "n": int},
                                 pk=("survey_id", "point_id", "hour", "status"))
    db.execute(_RECOUNT)


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
    for sql in _M004_INDEXES:
        db.execute(sql)


_M004_INDEXES = (
    "create index idx_login_attempts_username_at on login_attempts (username, at)",
    "create index idx_login_attempts_client_hash_at on login_attempts (client_hash, at)",
    "create index idx_login_attempts_at on login_attempts (at)",
    # Review page: newest first within a survey and status, flags per page from indexes.
    "create index idx_responses_survey_id_status on responses (survey_id, status)",
    "create index idx_responses_survey_id_device_hash on responses (survey_id, device_hash)",
    "create index idx_responses_survey_id_seconds_on_page on responses (survey_id, seconds_on_page)",
)
# The review page walks a survey's responses newest first (keyset on id) without sorting them.
_M005 = "create index idx_responses_survey_id_id on responses (survey_id, id)"
# Nothing reads by (survey, point, time) since m003's counts: one index fewer for every submit to write.
_M006 = "drop index if exists idx_responses_survey_id_point_id_submitted_at"


@migrations()
def m005_review_order(db):
    db.execute(_M005)


@migrations()
def m006_fewer_submit_pages(db):
    db.execute(_M006)


# One hash chain per collection point (a global chain makes every submit wait for every other).
# The chain that existed before is kept as it is: its head becomes every point chain's first link
# (the "genesis"), and ``legacy_last_id`` tells verify where the old global chain ends.
_M007_FILL = (
    "insert into store_meta (key, value) select 'legacy_last_id', cast(coalesce(max(id), 0) as text) from responses",
    "insert into store_meta (key, value) values ('genesis',"
    " coalesce((select hash from responses order by id desc limit 1), ''))",
    "insert into chain_heads (point_id, response_id, hash)"
    " select id, 0, (select value from store_meta where key = 'genesis') from points",
)


@migrations()
def m007_point_chains(db):
    db.execute("create table store_meta (key text primary key, value text not null)")
    db.execute("create table chain_heads (point_id integer primary key references points(id),"
               " response_id integer not null, hash text not null)")
    for sql in _M007_FILL:
        db.execute(sql)


# The fieldwork record of a collection point (issue #12 item 7), entered once by the evaluator: paper
# forms handed out and transactions served while collecting (both optional); and the respondent page's
# opens per point and local day, a bare counter (no cookie, no address) added to in batches
# (store/fieldwork.py).
def _m008(integer: str) -> tuple[str, ...]:
    """m008's statements with the id type of each database (SQLite's integer, PostgreSQL's bigint)."""
    return (f"alter table points add column issued {integer} check (issued >= 0)",
            f"alter table points add column served {integer} check (served >= 0)",
            f"create table page_opens (point_id {integer} not null references points(id), day text not null,"
            " n integer not null, primary key (point_id, day))")


@migrations()
def m008_point_fieldwork(db):
    for sql in _m008("integer"):
        db.execute(sql)


# Evaluators' sessions kept on the server (issue #13 item 4, store/sessions.py): the cookie holds a random
# id, this table only its SHA-256 hash; logging out, a new password or ``manyi revoke-sessions`` set
# revoked_at. user_agent and client_hash (salted, never the raw address) are for showing a session.
def _m009(integer: str) -> tuple[str, ...]:
    return (f"create table sessions (id_hash text primary key, user_id {integer} not null references users(id),"
            " created_at text not null, last_seen_at text not null, revoked_at text, user_agent text,"
            " client_hash text)",
            "create index idx_sessions_user_id on sessions (user_id)")


# The login throttle's counters (store/throttle.py): failed password checks per username ('user') and
# per client address hash ('client') in the window that began at window_start, counted by one upsert.
_M010 = ("create table login_counters (scope text not null, key text not null, window_start text not null,"
         " failures integer not null, primary key (scope, key))",
         "create index idx_login_counters_window_start on login_counters (window_start)")


@migrations()
def m009_sessions(db):
    for sql in _m009("integer"):
        db.execute(sql)


@migrations()
def m010_login_counters(db):
    for sql in _M010:
        db.execute(sql)


# Ballot-stuffing counters (issue #13 item 2, store/stuffing.py): token buckets per device and per hashed
# address (``key`` 'd:…' / 'a:…', never a raw address), each point's submits per minute (epoch minutes) for
# the 异常集中提交 flag, and the survey setting 每台设备限答一次 (off by default).
def _m010_stuffing(integer: str) -> tuple[str, ...]:
    return ("create table submit_limits (key text primary key, tokens double precision not null,"
            " at double precision not null)",
            f"create table point_pace (point_id {integer} not null, minute {integer} not null, n integer not null,"
            " primary key (point_id, minute))",
            "alter table surveys add column one_per_device integer not null default 0")


@migrations()
def m010_stuffing(db):
    for sql in _m010_stuffing("integer"):
        db.execute(sql)


# Keyed chains (issue #13; store/chain.py, store/keys.py): every response says how it came in (its channel:
# 扫码 for the QR code; paper, kiosk and assisted entry come later); each audit line is a link of its
# survey's chain and carries the survey's figure-affecting state; both kinds of head carry a MAC.
def _m012(integer: str) -> tuple[str, ...]:
    return ("alter table responses add column channel text not null default '扫码'",
            "alter table audit_log add column state text",
            "alter table audit_log add column prev_hash text",
            "alter table audit_log add column hash text",
            "alter table chain_heads add column mac text",
            f"create table survey_heads (survey_id {integer} primary key references surveys(id),"
            f" audit_id {integer} not null, hash text not null, mac text not null)")


@migrations()
def m012_keyed_chains(db):
    for sql in _m012("integer"):
        db.execute(sql)


# Breakdowns (issue #14; store/groups.py): counts of an item's answers per point and per answer to a grouping
# question (group_value '' = 未作答), folded from the responses on demand, each (group, item) pair up to the
# response in group_folds; the earlier survey a survey is compared with (与上年度比较); known population shares
# of a demographic question's options, for raking.
def _m013(integer: str) -> tuple[str, ...]:
    return (f"create table group_tallies (survey_id {integer} not null, point_id {integer} not null,"
            " group_id text not null, group_value text not null, question_id text not null, value text not null,"
            " n integer not null, primary key (survey_id, group_id, question_id, point_id, group_value, value))",
            f"create table group_folds (survey_id {integer} not null, group_id text not null, question_id text"
            f" not null, response_id {integer} not null, primary key (survey_id, group_id, question_id))",
            f"alter table surveys add column compare_with {integer}",
            f"create table population_margins (survey_id {integer} not null references surveys(id),"
            " question_id text not null, value text not null, share double precision not null"
            " check (share >= 0 and share <= 1), primary key (survey_id, question_id, value))")


@migrations()
def m013_breakdowns(db):
    for sql in _m013("integer"):
        db.execute(sql)


# 项目名称 as the annex and the working paper print it, when it is not "{year} 年{department}部门整体绩效"
# (a window-service or a single programme's evaluation): empty keeps that default.
_M014 = "alter table surveys add column project text"


@migrations()
def m014_project_name(db):
    db.execute(_M014)


# The digest of the questionnaire as citizens and the statistics read it (survey_app/questionnaires/digest.py),
# recorded when a survey is created and compared whenever its questionnaire is loaded: a file edited in place
# or another server's different copy under the same id@version is refused, not served. The column is all this
# migration adds (the store does not read questionnaire files): existing surveys get the digest of their file
# as found at the upgrade, by the app's start right after it (create_app -> record_questionnaire_digests);
# a survey whose file is not there then gets it at the first start that finds the file. NULL: not recorded.
_M015 = "alter table surveys add column questionnaire_digest text"


@migrations()
def m015_questionnaire_digest(db):
    """surveys.questionnaire_digest (see _M015): existing surveys get the digest of their questionnaire file
    as found at the upgrade, recorded by the app's start right after this migration."""
    db.execute(_M015)


# Page opens counted once per device (or a first visit's address) per point and day (store/fieldwork.py): the
# salted hashes of today's and yesterday's, per point and day (nothing links them across points or days);
# older days' are deleted as opens are written. Not copied by copy-db (a day's count is in page_opens).
def _m016(integer: str) -> tuple[str, ...]:
    return (f"create table page_open_keys (point_id {integer} not null, day text not null, who text not null,"
            " primary key (point_id, day, who))",
            "create index idx_page_open_keys_day on page_open_keys (day)")


@migrations()
def m016_page_open_keys(db):
    for sql in _m016("integer"):
        db.execute(sql)


# An evaluator account disabled by ``manyi disable-user`` (its sessions end, its login is refused as a wrong
# password would be; its grants and audit lines stay): when, or NULL for an active account.
_M017 = "alter table users add column disabled_at text"


@migrations()
def m017_user_disabled(db):
    db.execute(_M017)


# The account chain's head (store/account_log.py): account lines are audit_log lines without a survey, chained
# as a survey's are; the one row names the newest and carries a MAC, as survey_heads does for a survey.
def _m018(integer: str) -> tuple[str, ...]:
    return (f"create table accounts_head (id {integer} primary key check (id = 1), audit_id {integer} not null,"
            " hash text not null, mac text not null)",)


@migrations()
def m018_account_chain(db):
    for sql in _m018("integer"):
        db.execute(sql)

from . import schema_channels  # noqa: E402,F401  (registers m019 on: this module is full)
