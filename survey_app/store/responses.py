"""Responses: the submit (response, answers, chain, tallies and counts in one transaction), status
changes, and reading them back."""
from __future__ import annotations

from dataclasses import dataclass

from .chain import chain_link_sql, chain_parts, head_mac, head_mac_sql, link_hash
from .common import Audit, utcnow
from .groups import bump_groups
from .stuffing import Claim, claim_in


@dataclass(frozen=True)
class Saved:
    response_id: int | None
    created: bool  # False when the submission key had already been stored (a retry)
    refused: str | None = None  # the claim's verdict when it refused: "device" or "address" (nothing saved)


_RESPONSE_COLUMNS = ("survey_id", "point_id", "questionnaire_version", "submission_key", "submitted_at",
                     "seconds_on_page", "language", "device_hash", "channel", "status", "prev_hash", "hash")
CHANNELS = ("扫码", "纸质", "平板")  # how a response came in: the citizens' own phone, a paper form a clerk entered (paper.py),
# a hall's own tablet (kiosks.py); assisted (代填) comes next
INSERT_RESPONSE = (f"insert into responses ({', '.join(_RESPONSE_COLUMNS)}) values ({', '.join('?' * 12)})"
                   " on conflict (submission_key) do nothing returning id")
INSERT_ANSWER = "insert into answers (response_id, question_id, value) values (?, ?, ?)"
# The point's head, locked until the commit: the submits at one point take turns, those at other points
# do not wait. PostgreSQL locks the row with FOR UPDATE (no new row version); SQLite keeps its no-op update.
TAKE_HEAD = {"sqlite": "update chain_heads set response_id = response_id where point_id = ? returning hash",
             "postgresql": "select hash from chain_heads where point_id = ? for update"}
MOVE_HEAD = "update chain_heads set response_id = ?, hash = ?, mac = ? where point_id = ?"
BUMP_TALLY = ("insert into tallies (survey_id, point_id, question_id, value, n) values (?, ?, ?, ?, ?)"
              " on conflict (survey_id, question_id, value, point_id) do update set n = tallies.n + excluded.n")
BUMP_COUNT = ("insert into response_counts (survey_id, point_id, hour, status, n) values (?, ?, substr(?, 1, 13), ?, ?)"
              " on conflict (survey_id, point_id, hour, status) do update set n = response_counts.n + excluded.n")


# PostgreSQL: the whole submit is ONE statement, run outside any transaction (its own implicit one, committed
# and flushed before it returns): one round trip, and the point's head is held only while it runs. ``h`` locks
# the head (a submit that waits for it gets the newest version once the holder commits: READ COMMITTED);
# the response's link is computed in SQL from that head (chain.chain_link_sql); nothing happens past the
# response row when its key is stored already (``r`` empty). Every write pulls its rows from ``r`` and ``r``
# from ``h``, so the head is always locked first, as an exclusion takes it. Casts: the values come through
# INSERT … SELECT, where an untyped parameter would be text.
SAVE_PG = (
    "with h as (select hash from chain_heads where point_id = :point for update),"
    " r as (insert into responses (survey_id, point_id, questionnaire_version, submission_key, submitted_at,"
    " seconds_on_page, language, device_hash, channel, status, prev_hash, hash) select :survey::bigint,"
    " :point::bigint, :version::bigint, :key::text, :at::text, :seconds::bigint, :language::text, :device::text,"
    " :channel::text, 'valid', h.hash, "
    + chain_link_sql("h.hash") + " from h on conflict (submission_key) do nothing returning id, hash),"
    " a as (insert into answers (response_id, question_id, value)"
    " select r.id, x.q, x.v from r, unnest(:questions::text[], :values::text[]) as x(q, v)),"
    " m as (update chain_heads set response_id = r.id, hash = r.hash, mac = "
    + head_mac_sql(":point::bigint", "r.id", "r.hash") + " from r where chain_heads.point_id = :point),"
    " t as (insert into tallies (survey_id, point_id, question_id, value, n)"
    " select :survey, :point, x.q, x.v, 1 from r, unnest(:questions::text[], :values::text[]) as x(q, v)"
    " on conflict (survey_id, question_id, value, point_id) do update set n = tallies.n + excluded.n),"
    " c as (insert into response_counts (survey_id, point_id, hour, status, n)"
    " select :survey, :point, substr(:at, 1, 13), 'valid', 1 from r"
    " on conflict (survey_id, point_id, hour, status) do update set n = response_counts.n + excluded.n)"
    " select (select count(*) from h), (select id from r)")


def bump_tallies(conn, survey_id: int, point_id: int, answers, delta: int) -> None:
    # In one order everywhere, so two transactions on PostgreSQL never lock the same rows crosswise.
    conn.executemany(BUMP_TALLY, [(survey_id, point_id, q, v, delta) for q, v in sorted(answers)])


def bump_count(conn, survey_id: int, point_id: int, submitted_at: str, status: str, delta: int) -> None:
    conn.execute(BUMP_COUNT, (survey_id, point_id, submitted_at, status, delta))


def insert_response(conn, key, response: dict, answers) -> int | None:
    """Inside a write transaction: the response (a dict of _RESPONSE_COLUMNS but status and the links), its
    answers, its point's chain link, tallies and hourly count; None when its submission key is stored already
    (nothing written). The submit's steps one statement each (PostgreSQL's citizens' submit is SAVE_PG)."""
    point_id = response["point_id"]
    prev = conn.value(TAKE_HEAD[conn.kind], (point_id,))
    if prev is None:
        raise LookupError(f"no collection point with id {point_id}")
    response["submitted_at"] = utcnow()
    digest = link_hash(key, prev, response, answers)
    rid = conn.value(INSERT_RESPONSE, (
        response["survey_id"], point_id, response["questionnaire_version"], response["submission_key"],
        response["submitted_at"], response["seconds_on_page"], response["language"], response["device_hash"],
        response["channel"], "valid", prev, digest))
    if rid is None:
        return None
    conn.executemany(INSERT_ANSWER, [(rid, q, v) for q, v in answers])
    conn.execute(MOVE_HEAD, (rid, digest, head_mac(key, "point", point_id, rid, digest), point_id))
    bump_tallies(conn, response["survey_id"], point_id, answers, +1)
    bump_count(conn, response["survey_id"], point_id, response["submitted_at"], "valid", +1)
    return rid


class Responses:
    def save_response(self, *, survey_id: int, point_id: int, questionnaire_version: int,
                      submission_key: str, answers: list[tuple[str, str]], seconds_on_page: int | None,
                      language: str, device_hash: str | None, channel: str = "扫码", claim: Claim | None = None) -> Saved:
        """Store a response and its answers in one transaction; a known submission key stores nothing.

        The submit hot path: plain statements, as few as possible while the point's head is held (on
        PostgreSQL one statement, SAVE_PG). With a ``claim`` (store/stuffing.py) the submit is first counted
        against its device, address and point minute: on SQLite in this same transaction (one write turn,
        one sync), on PostgreSQL as its own statement before; a refused claim saves nothing."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; valid: {', '.join(CHANNELS)}")
        key = self._chain_key()
        response = {"survey_id": survey_id, "point_id": point_id, "questionnaire_version": questionnaire_version,
                    "submission_key": submission_key, "seconds_on_page": seconds_on_page, "language": language,
                    "device_hash": device_hash, "channel": channel}
        if self.kind == "postgresql":
            if claim is not None:
                verdict = self._claim_apart(claim)
                self._maybe_prune(claim)
                if verdict == "stored":
                    return Saved(self.response_for_key(submission_key), False)
                if verdict != "ok":
                    return Saved(None, False, verdict)

            def one_statement(conn):
                response["submitted_at"] = utcnow()
                before, after = chain_parts(response, answers)
                items = sorted(answers)  # the tallies' lock order, as everywhere
                found, rid = conn.one(SAVE_PG, {
                    "survey": survey_id, "point": point_id, "version": questionnaire_version, "key": submission_key,
                    "at": response["submitted_at"], "seconds": seconds_on_page, "language": language,
                    "device": device_hash, "channel": channel, "before": before, "after": after,
                    "ipad": key.ipad, "opad": key.opad,
                    "questions": [q for q, _ in items], "values": [v for _, v in items]})
                if not found:
                    raise LookupError(f"no collection point with id {point_id}")
                if rid is None:  # a retry: the key is stored already (committed: the insert waited for it)
                    return Saved(self.response_for_key(submission_key, conn=conn), False)
                return Saved(rid, True)
            if self._pinned is not None:
                raise RuntimeError("a snapshot is read-only")
            return self.backend.write(one_statement, transaction=False)

        def body(conn):
            verdict = "ok" if claim is None else claim_in(conn, claim)
            if verdict == "stored":
                return Saved(self.response_for_key(submission_key, conn=conn), False)
            if verdict != "ok":
                return Saved(None, False, verdict)  # the point's minute still counts it: committed
            rid = insert_response(conn, key, response, answers)
            if rid is None:  # a retry: the key is stored already
                return Saved(self.response_for_key(submission_key, conn=conn), False)
            return Saved(rid, True)
        saved = self._write(body)
        if claim is not None:
            self._maybe_prune(claim)
        return saved

    def response_for_key(self, submission_key: str, *, conn=None) -> int | None:
        return (conn or self._read()).value("select id from responses where submission_key = ?", [submission_key])

    def stored_answers(self, submission_key: str) -> list[tuple[str, str]] | None:
        """The answers stored under a submission key, sorted (None: no response is), in one query: a retry's
        check of whether it carries the answers stored."""
        rows = self._read().execute("select r.id, a.question_id, a.value from responses r left join answers a on"
                                    " a.response_id = r.id where r.submission_key = ?", [submission_key]).fetchall()
        return sorted((q, v) for _, q, v in rows if q is not None) if rows else None

    def response_count(self, survey_id: int | None = None) -> int:
        if survey_id is None:
            return self._read().value("select count(*) from responses")
        return self._read().value("select count(*) from responses where survey_id = ?", [survey_id])

    def get_response(self, response_id: int) -> dict | None:
        row = self._read().row("select * from responses where id = ?", [response_id])
        if row is not None:
            row["answers"] = [tuple(a) for a in self._read().execute(
                "select question_id, value from answers where response_id = ? order by question_id, value",
                [response_id]).fetchall()]
        return row

    def set_response_status(self, response_id: int, *, status: str, reason: str, user: str) -> bool:
        """Exclude (status 'excluded', with a reason) or restore ('valid') a response; never deletes.

        The tallies follow in the same transaction and the change is logged with user and time.
        Returns False when the response already had that status (nothing changed): the update itself
        decides, so two evaluators excluding at once change it once.
        """
        if status not in ("valid", "excluded"):
            raise ValueError(f"status must be 'valid' or 'excluded', got {status!r}")
        if status == "excluded" and not (reason or "").strip():
            raise ValueError("excluding a response needs a reason")
        current = "valid" if status == "excluded" else "excluded"

        def body(conn):
            row = conn.one("update responses set status = ?, exclude_reason = ? where id = ? and status = ?"
                           " returning survey_id, point_id, submitted_at",
                           [status, reason.strip() if status == "excluded" else None, response_id, current])
            if row is None:
                if conn.value("select 1 from responses where id = ?", [response_id]) is None:
                    raise LookupError(f"no response with id {response_id}")
                return False
            survey_id, point_id, submitted_at = row
            # The point's head first, as a submit takes it: every tally and count row of the point is then
            # changed by one transaction at a time (PostgreSQL runs a statement's CTEs in no promised order).
            conn.value(TAKE_HEAD[conn.kind], (point_id,))
            self._survey_unchanged(conn, survey_id)  # else its line would record a forgery as genuine
            answers = conn.execute("select question_id, value from answers where response_id = ?",
                                   [response_id]).fetchall()
            bump_tallies(conn, survey_id, point_id, answers, -1 if status == "excluded" else +1)
            bump_groups(conn, response_id, -1 if status == "excluded" else +1)
            bump_count(conn, survey_id, point_id, submitted_at, current, -1)
            bump_count(conn, survey_id, point_id, submitted_at, status, +1)
            self._audit(conn, Audit(user, "exclude" if status == "excluded" else "restore", reason.strip()),
                        survey_id, response_id)
            return True
        return self._write(body)

    def stream_responses(self, survey_id: int):
        """Every response of a survey (valid and excluded) with its point name and answers, in id order.

        One query joining the answers, read one row at a time: a million responses never sit in
        memory. Yields dicts with ``answers`` = {question_id: [values]}, ``channel`` and, for a paper form,
        its ``paper_number`` (store/paper.py).
        """
        from .paper import number_of as paper_number_of  # paper.py builds on this module

        rows = self._read().stream(
            "select r.id, p.name, r.submitted_at, r.seconds_on_page, r.language, r.status, r.exclude_reason,"
            " r.channel, r.submission_key, a.question_id, a.value from responses r join points p on p.id = r.point_id"
            " left join answers a on a.response_id = r.id where r.survey_id = ? order by r.id, a.question_id, a.value",
            [survey_id])
        current = None
        for rid, point, at, seconds, language, status, reason, channel, key, qid, value in rows:
            if current is None or current["id"] != rid:
                if current is not None:
                    yield current
                current = {"id": rid, "point": point, "submitted_at": at, "seconds_on_page": seconds,
                           "language": language, "status": status, "exclude_reason": reason, "channel": channel,
                           "paper_number": paper_number_of(key) if channel != CHANNELS[0] else None, "answers": {}}
            if qid is not None:
                current["answers"].setdefault(qid, []).append(value)
        if current is not None:
            yield current
