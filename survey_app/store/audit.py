"""The audit log: who changed what and when, written in the change's own transaction, and chained.

Each line is a link of its survey's chain (store/chain.py): HMAC over the previous link, the line and the
survey's figure-affecting ``state`` after the change (questionnaire and its digest, target, target n, population, rule,
C51 figure, the points' 发放/办件量, who may see it). Lines without a survey form the account chain (account_log.py). ``verify`` replays the chain: a forged exclusion, an edited or
deleted line, or a target changed behind Manyi's back breaks it.
"""
from __future__ import annotations

import hashlib
import json

from .chain import _CHAIN_JSON, head_mac
from .common import Audit, ChangedOutsideManyi, utcnow

STATE_FIELDS = ("questionnaire_id", "questionnaire_version", "target", "target_n", "population", "rule",
                "c51_figure")
MORE_FIELDS = ("title", "department", "year", "evaluator_org", "opens_on", "closes_on", "status", "background",
               "subjects", "one_per_device", "compare_with", "project",  # recorded since 2026-12
               "questionnaire_digest")  # since m015: a digest rewritten behind Manyi's back is named by verify
TAKE_SURVEY_HEAD = {"sqlite": "select audit_id, hash from survey_heads where survey_id = ?",
                    "postgresql": "select audit_id, hash from survey_heads where survey_id = ? for update"}
SYSTEM = "system"  # the user of lines no evaluator wrote (a survey made or changed by a command)
# A chain's head (h) and the line it names (l), for ``recorded_state``
LINE_COLUMNS = ('h.audit_id as head_id, h.hash as head_hash, h.mac as head_mac, l.at as line_at, l."user" as line_user,'
                " l.action as line_action, l.response_id as line_response, l.detail as line_detail,"
                " l.state as line_state, l.prev_hash as line_prev, l.hash as line_hash")  # h: a head, l: its line


def survey_state(conn, survey_id: int, columns: tuple[str, ...] | None = None, *, margins: bool = True) -> str:
    """The survey's state as canonical JSON ('' for a survey that does not exist): every setting, its points
    (id, name, code, 发放 and 办件量), its population margins and the evaluators granted it (since m018), so
    that any change made outside Manyi (a point renamed or removed, a title or a weighting share edited, a grant
    inserted) differs from what its chain recorded.
    Lines written before 2026-12 recorded only STATE_FIELDS and the fieldwork: ``state_differs`` compares
    what a line recorded. ``columns``: the survey fields a file being verified has (a backup made before a
    later migration lacks the newer ones, which its lines never recorded)."""
    fields = STATE_FIELDS + MORE_FIELDS if columns is None else tuple(f for f in STATE_FIELDS + MORE_FIELDS
                                                                      if f in columns)
    row = conn.one(f"select {', '.join(fields)} from surveys where id = ?", [survey_id])
    if row is None:
        return ""
    state = dict(zip(fields, row))
    state["target"] = None if state["target"] is None else float(state["target"])
    state["fieldwork"] = [list(r) for r in conn.execute(
        "select id, issued, served from points where survey_id = ? and (issued is not null or served is not null)"
        " order by id", [survey_id]).fetchall()]
    state["points"] = [list(r) for r in conn.execute(
        "select id, name, code from points where survey_id = ? order by id", [survey_id]).fetchall()]
    state["margins"] = [[q, v, float(share)] for q, v, share in conn.execute(
        "select question_id, value, share from population_margins where survey_id = ? order by question_id, value",
        [survey_id]).fetchall()] if margins else []
    state["grants"] = sorted(name for (name,) in conn.execute(  # who may see it (sorted here: collations differ)
        "select u.username from grants g join users u on u.id = g.user_id where g.survey_id = ?", [survey_id]).fetchall())
    return _CHAIN_JSON.encode(state)


def recorded_state(key, row: dict, kind: str = "accounts", owner: int = 0) -> dict | None:
    """The state a chain's newest line recorded (``row``: LINE_COLUMNS of its head and line), when that line is the
    head's, its link checks with the key and the head's MAC names it (``kind``/``owner``: "accounts"/0 or
    "survey"/its id); else None."""
    if row["line_hash"] is None or row["line_hash"] != row["head_hash"]:
        return None
    if row["head_mac"] != head_mac(key, kind, owner, row["head_id"], row["head_hash"]):
        return None
    entry = {"at": row["line_at"], "user": row["line_user"], "action": row["line_action"],
             "survey_id": owner if kind == "survey" else None, "response_id": row["line_response"],
             "detail": row["line_detail"], "state": row["line_state"]}
    if entry_link(key, row["line_prev"] or "", entry) != row["line_hash"]:
        return None
    try:
        state = json.loads(row["line_state"] or "")
    except (TypeError, ValueError):  # a state Manyi never writes
        return None
    return state if isinstance(state, dict) else None


def state_differs(now: str, recorded: str | None) -> bool:
    """Whether the state now differs from what an audit line recorded, in what that line recorded."""
    return bool(changed_settings(now, recorded))


def changed_settings(now: str, recorded: str | None) -> list[str]:
    """The settings (state keys) that differ from what an audit line recorded, in what that line recorded
    (["survey"]: the survey itself was added or removed)."""
    if not now or not recorded:
        return [] if now == (recorded or "") else ["survey"]
    then, current = json.loads(recorded), json.loads(now)
    return [k for k, v in sorted(then.items()) if current.get(k) != v]


UPGRADE_ACTIONS = ("chain_start", "keyed_record_v2", "state")  # the lines an upgrade writes (user SYSTEM)


def upgrade_time(conn, survey_id: int) -> str:
    """The time a line an upgrade writes is dated with: the newest of the survey's lines before it (else the
    survey's creation), not the clock's, so that a backup made before the upgrade, restored and upgraded again,
    writes the very same line, whose link the receipts and anchors made since then signed."""
    return (conn.value("select max(at) from audit_log where survey_id = ?", [survey_id])
            or conn.value("select created_at from surveys where id = ?", [survey_id]) or "")


def digest_differs(now: str, recorded: str | None) -> bool:
    """Whether the questionnaire digest now differs from the one an audit line recorded (lines before m015
    recorded none)."""
    if not now or not recorded or "questionnaire_digest" not in (then := json.loads(recorded)):
        return False
    return json.loads(now).get("questionnaire_digest") != then["questionnaire_digest"]


def entry_link(key, prev: str, entry: dict) -> str:
    """The keyed link of one audit line (``entry``: at, user, action, survey_id, response_id, detail, state)."""
    return key.mac(_CHAIN_JSON.encode({
        "prev": prev, "at": entry["at"], "user": entry["user"], "action": entry["action"],
        "survey": entry["survey_id"], "response": entry["response_id"], "detail": entry["detail"],
        "state": entry["state"]}))


def legacy_digest(entries: list[dict]) -> str:
    """The first keyed line's link to the lines written before the chains were keyed."""
    text = json.dumps([[e["id"], e["at"], e["user"], e["action"], e["response_id"], e["detail"]] for e in entries],
                      ensure_ascii=False, separators=(",", ":"))
    return "legacy:" + hashlib.sha256(text.encode()).hexdigest()


def _grants_said(now: str, recorded: str) -> str:
    """Who was granted or revoked outside Manyi, for the refusal's message ('' if the grants did not change)."""
    then, current = set(json.loads(recorded).get("grants", [])), set(json.loads(now).get("grants", []))
    said = [f"user '{u}' granted" for u in sorted(current - then)] + [f"user '{u}' revoked" for u in sorted(then - current)]
    return ", ".join(said)


def _refuse_drift(survey_id: int, now: str, recorded: str | None, only: tuple[str, ...] | None = None) -> None:
    """ChangedOutsideManyi if the survey's state ``now`` differs from what its newest line recorded (``only``:
    in those keys of it), naming what differs."""
    changed = [k for k in changed_settings(now, recorded) if only is None or k in only]
    if changed:
        grants = _grants_said(now, recorded) if "grants" in changed and now and recorded else ""
        raise ChangedOutsideManyi(
            f"survey {survey_id} changed outside Manyi since its last audit line ({', '.join(changed)}"
            f"{': ' + grants if grants else ''}); nothing was changed; run manyi verify")


# The lines whose change may alter who may see the survey (the rest check it is as the newest line recorded),
# and the lines written at start-up or by copy-db (an upgrade's lines pass ``at``), which refuse nothing
GRANTS_CHANGED_BY = ("grant", "revoke", "copy", "secret_key", "questionnaire_digest")


class AuditLog:
    def _survey_unchanged(self, conn, survey_id: int) -> None:
        """Inside a write transaction, before a change to a survey's settings or grants: take its chain head and
        refuse (ChangedOutsideManyi) if the survey's state already differs from what its newest line recorded;
        else the change's line would record a change made behind Manyi's back as genuine."""
        head = conn.one(TAKE_SURVEY_HEAD[conn.kind], [survey_id])
        if head is not None:  # else a survey without a chain yet (its first line opens it)
            _refuse_drift(survey_id, survey_state(conn, survey_id),
                          conn.value("select state from audit_log where id = ?", [head[0]]))

    def _audit(self, conn, audit: Audit | None, survey_id: int, response_id: int | None = None, *,
               prev: str | None = None, at: str | None = None) -> None:
        """Inside a write transaction: the chained audit line for what the transaction changes (after it), dated
        now unless ``at`` is given (an upgrade's line: ``upgrade_time``)."""
        if audit is None:
            return
        key = self._chain_key()
        head = conn.one(TAKE_SURVEY_HEAD[conn.kind], [survey_id])
        link_from = prev if prev is not None else (head[1] if head else "")
        entry = {"at": at or utcnow(), "user": audit.user, "action": audit.action, "survey_id": survey_id,
                 "response_id": response_id, "detail": audit.detail, "state": survey_state(conn, survey_id)}
        if head is not None and at is None and prev is None and audit.action not in GRANTS_CHANGED_BY:
            # a change that grants no one: who may see the survey is still as the newest line recorded, else a
            # grant made behind Manyi's back would be recorded as genuine (grant and revoke check before)
            _refuse_drift(survey_id, entry["state"],
                          conn.value("select state from audit_log where id = ?", [head[0]]), ("grants",))
        link = entry_link(key, link_from, entry)
        audit_id = conn.value('insert into audit_log (at, "user", action, survey_id, response_id, detail, state,'
                              " prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
                              [entry["at"], entry["user"], entry["action"], survey_id, response_id, entry["detail"],
                               entry["state"], link_from, link])
        mac = head_mac(key, "survey", survey_id, audit_id, link)
        conn.execute("insert into survey_heads (survey_id, audit_id, hash, mac) values (?, ?, ?, ?)"
                     " on conflict (survey_id) do update set audit_id = excluded.audit_id, hash = excluded.hash,"
                     " mac = excluded.mac", [survey_id, audit_id, link, mac])

    def unrecorded_settings(self, survey_id: int) -> list[str]:
        """What of the survey's state (``survey_state``) differs from what its newest audit line recorded, that line's
        link and its head's MAC checked with the key, read in one snapshot: [] when all is as recorded, ["chain"]
        when the line or its head does not check. The dashboard warns, for a target, a rule, a 办件量 or a
        weighting share set behind Manyi's back changes its verdict before anyone runs verify. On a snapshot
        (``snapshot()``), read in it: a download's warning is about the very data it was computed from."""
        if self._pinned is None:
            with self.snapshot() as snap:
                return snap.unrecorded_settings(survey_id)
        conn = self._read()
        row = conn.row(f"select {LINE_COLUMNS} from survey_heads h left join audit_log l on l.id = h.audit_id"
                       " and l.survey_id = h.survey_id where h.survey_id = ?", [survey_id])
        recorded = recorded_state(self._chain_key(), row, "survey", survey_id) if row else None
        if recorded is None:
            return ["chain"]
        return changed_settings(survey_state(conn, survey_id), row["line_state"])

    def audit_entries(self, survey_id: int) -> list[dict]:
        return self._read().rows("select * from audit_log where survey_id = ? order by id", [survey_id])
