"""The account chain: who could log in, since when, and who changed that.

Creating an evaluator account, a new password (``manyi create-user --reset``, the 修改密码 page), disabling
and enabling one: each is a line of the audit log without a survey, written in the change's own transaction
and chained under the chain key as a survey's lines are (store/audit.py): an HMAC over the link before it,
the line and the accounts' state after the change; the head (``accounts_head``) carries a MAC of its own.
``verify`` replays the chain and compares the accounts with the state its newest line recorded, so an
account line edited, inserted or removed, or an account added, enabled or given another password behind
Manyi's back, is named. A grant of a survey is a line of that survey's chain (its state says who may see it).
Before its line, a change compares the accounts with what the newest line recorded and refuses
(ChangedOutsideManyi, nothing written) if they differ, else that line would record the forgery as genuine (a
survey's chain likewise: AuditLog._survey_unchanged). A login, and each evaluator page after it, checks the one
account the same way (``as_recorded``): its row against the newest line, whose link and head MAC are checked
with the key, so a password hash swapped in, an account enabled or added behind Manyi's back opens no session.

A line's text names the account, never a password or its hash. The state keeps, per account, its creation,
its disabling and a fingerprint of its stored password hash (SHA-256 of the scrypt hash, salt included): it
tells a hash swapped in the database and says nothing a guess at the password could be checked against.
"""
from __future__ import annotations

import hashlib
import json

from .audit import LINE_COLUMNS, SYSTEM, entry_link, recorded_state
from .chain import _CHAIN_JSON, head_mac
from .common import Audit, ChangedOutsideManyi, utcnow

ACCOUNT_ACTIONS = ("accounts_start", "create_user", "password", "disable_user", "enable_user")
GRANT_ACTIONS = ("grant", "revoke")  # lines of the survey's own chain
TAKE_ACCOUNT_HEAD = {"sqlite": "select audit_id, hash from accounts_head where id = 1",
                     "postgresql": "select audit_id, hash from accounts_head where id = 1 for update"}
# The first line's claim on the head: a second server writing a first line at the same moment waits for it
_CLAIM = "insert into accounts_head (id, audit_id, hash, mac) values (1, 0, '', '') on conflict (id) do nothing"
_FIELDS = ("created", "disabled or enabled", "password")
# An account's row beside the account chain's head and newest line, read in one statement, so in one snapshot (a
# change through Manyi writes the row and its line in one transaction): for ``as_recorded``; ``u`` is users.
RECORD_COLUMNS = "u.username, u.created_at, u.disabled_at, u.password_hash, " + LINE_COLUMNS
RECORD_JOIN = ("left join accounts_head h on h.id = 1"
               " left join audit_log l on l.id = h.audit_id and l.survey_id is null")


def password_stamp(password_hash: str) -> str:
    """What the account chain records of a password: 16 hex digits of SHA-256 of its stored hash."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def accounts_state(conn) -> str:
    """Every account as canonical JSON: [username, created_at, disabled_at, password stamp], by username
    (sorted here, not by the database: the two databases may order text differently)."""
    rows = conn.execute("select username, created_at, disabled_at, password_hash from users").fetchall()
    return _CHAIN_JSON.encode({"accounts": sorted([u, c, d, password_stamp(h or "")] for u, c, d, h in rows)})


def changed_accounts(now: str, recorded: str | None) -> list[str]:
    """Each account that differs from what a line recorded, and how (e.g. "li: not in the account chain")."""
    try:
        then = {a[0]: a for a in json.loads(recorded or "{}")["accounts"]}
    except (KeyError, TypeError, ValueError):  # a state Manyi never writes
        return ["the state the newest account line recorded is not one Manyi writes"]
    current = {a[0]: a for a in json.loads(now)["accounts"]}
    found = []
    for name in sorted(set(then) | set(current)):
        if name not in then:
            found.append(f"{name}: not in the account chain (added)")
        elif name not in current:
            found.append(f"{name}: recorded, no longer there (removed)")
        elif then[name] != current[name]:
            fields = [f for f, a, b in zip(_FIELDS, then[name][1:], current[name][1:]) if a != b]
            found.append(f"{name}: {', '.join(fields)}")
    return found


def as_recorded(key, row: dict) -> bool:
    """Whether an account (a row of RECORD_COLUMNS) is what the account chain's newest line recorded of it: its
    creation, disabling and password stamp, that line's link and the head's MAC checked with the key. Not when
    the chain never recorded it: that line lists no such account, or there is no account chain although the
    account is there (each start records the accounts as found, so a server has one once there are accounts)."""
    accounts = (recorded_state(key, row) or {}).get("accounts")
    mine = [row["username"], row["created_at"], row["disabled_at"], password_stamp(row["password_hash"] or "")]
    return isinstance(accounts, list) and mine in accounts


def granted_as_recorded(key, row: dict, survey_id: int) -> bool:
    """Whether the survey's newest audit line (``row``: its head and line, LINE_COLUMNS, and the account's
    ``username``) lists the account among those who may see it: a grant inserted in the database, or another
    account's grants moved to it (their ids swapped), shows nothing."""
    grants = (recorded_state(key, row, "survey", survey_id) or {}).get("grants")
    return isinstance(grants, list) and row["username"] in grants


class AccountLog:
    def account_as_recorded(self, username: str) -> bool:
        """Whether the account is what the account chain last recorded of it (``as_recorded``): a login
        checks it once the password matched. False for an unknown username too."""
        row = self._read().row(f"select {RECORD_COLUMNS} from users u {RECORD_JOIN} where u.username = ?", [username])
        return row is not None and as_recorded(self._chain_key(), row)

    def _accounts_unchanged(self, conn) -> None:
        """Inside a write transaction, before a change to the accounts: take the account chain's head and refuse
        (ChangedOutsideManyi) if the accounts already differ from what its newest line recorded; else the
        change's line would record an account added or changed behind Manyi's back as genuine."""
        head = conn.one(TAKE_ACCOUNT_HEAD[conn.kind])
        if head is None or not head[0]:  # no account chain yet: its first line records the accounts as found
            return
        changed = changed_accounts(accounts_state(conn),
                                   conn.value("select state from audit_log where id = ?", [head[0]]))
        if changed:
            raise ChangedOutsideManyi("accounts changed outside Manyi since the last audit line ("
                                      + "; ".join(changed) + "); nothing was changed; run manyi verify")

    def _account_audit(self, conn, audit: Audit) -> None:
        """Inside a write transaction: the account chain's line for what the transaction changes (after it)."""
        key = self._chain_key()
        head = conn.one(TAKE_ACCOUNT_HEAD[conn.kind])
        if head is None:  # the chain's first line
            conn.execute(_CLAIM)
            head = conn.one(TAKE_ACCOUNT_HEAD[conn.kind])
        entry = {"at": utcnow(), "user": audit.user, "action": audit.action, "survey_id": None, "response_id": None,
                 "detail": audit.detail, "state": accounts_state(conn)}
        link = entry_link(key, head[1], entry)
        audit_id = conn.value('insert into audit_log (at, "user", action, survey_id, response_id, detail, state,'
                              " prev_hash, hash) values (?, ?, ?, null, null, ?, ?, ?, ?) returning id",
                              [entry["at"], audit.user, audit.action, audit.detail, entry["state"], head[1], link])
        conn.execute("update accounts_head set audit_id = ?, hash = ?, mac = ? where id = 1",
                     [audit_id, link, head_mac(key, "accounts", 0, audit_id, link)])

    def open_account_chain(self) -> bool:
        """At start: accounts made before the account chain get its first line, recording them as found (a
        database without accounts starts it with its first one); whether it wrote that line now."""
        conn = self._read()
        if conn.value("select 1 from accounts_head") is not None or not conn.value("select count(*) from users"):
            return False

        def body(conn):
            if conn.value(_CLAIM + " returning id") is None:  # another server starting at once opened it
                return False
            found = conn.value("select count(*) from users")
            self._account_audit(conn, Audit(SYSTEM, "accounts_start", f"{found} account(s) as found"))
            return True
        return self._write(body)

    def account_history(self) -> list[dict]:
        """The account lines and every survey's grant and revoke lines, oldest first: id, at, user (who did it),
        action, survey_id (None: an account line) and detail (the account; older grant lines: a sentence)."""
        return self._read().rows(
            'select id, at, "user", action, survey_id, detail from audit_log where (survey_id is null and action in'
            f" ({', '.join('?' * len(ACCOUNT_ACTIONS))})) or (survey_id is not null and action in ('grant', 'revoke'))"
            " order by id", list(ACCOUNT_ACTIONS))


def verify_account_chain(conn, key, audit_last: int, has_head: bool) -> list[str]:
    """The account chain's links, head and MAC, and the accounts against the state its newest line recorded.
    ``audit_last``: the last audit line before the chains were keyed; ``has_head``: the database has the
    accounts_head table (a backup made before it has no account chain, unless it has a trace of one)."""
    problems, last = [], None
    for entry in conn.rows('select id, at, "user", action, survey_id, response_id, detail, state, prev_hash, hash'
                           " from audit_log where survey_id is null order by id"):
        if entry["id"] <= audit_last:  # before keying no version wrote an account line
            if entry["action"] in ACCOUNT_ACTIONS:
                problems.append(f"audit line {entry['id']}: an account line placed before the chains were keyed"
                                " (inserted behind Manyi's back)")
            continue
        if entry["prev_hash"] != (last["hash"] if last is not None else ""):
            problems.append(f"account audit line {entry['id']}: its link to the line before does not match (a line"
                            " removed, inserted or re-linked)")
        if entry["hash"] != entry_link(key, entry["prev_hash"] or "", entry):
            problems.append(f"account audit line {entry['id']} does not match its link (edited or forged)")
        last = entry
    traced = any("grants" in json.loads(state or "{}") for (state,) in conn.execute(
        "select l.state from survey_heads h join audit_log l on l.id = h.audit_id").fetchall())
    head = conn.one("select audit_id, hash, mac from accounts_head") if has_head else None
    if head is None and last is None:
        accounts = conn.value("select count(*) from users")
        if (has_head or traced) and accounts:  # a version with account chains wrote it: it was removed
            problems.append(f"{accounts} account(s) but no account chain (its lines and head removed behind"
                            " Manyi's back)" + ("" if has_head else ", and the table of its head dropped"))
        return problems
    if head is None or last is None:
        return problems + ["accounts: the account chain " + ("head" if head is None else "lines") + " missing"
                           " (removed behind Manyi's back)"]
    if (head[0], head[1]) != (last["id"], last["hash"]):
        problems.append(f"accounts: the chain head is audit line {head[0]}, the newest account line is {last['id']}"
                        " (lines removed or added behind Manyi's back)")
    if head[2] != head_mac(key, "accounts", 0, head[0], head[1]):
        problems.append("accounts: the account chain's head does not match its MAC")
    changed = changed_accounts(accounts_state(conn), last["state"])
    if changed:
        problems.append("accounts differ from what the account chain recorded (changed behind Manyi's back): "
                        + "; ".join(changed))
    return problems
