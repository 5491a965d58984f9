"""Evaluators: accounts and their per-survey grants (sessions: sessions.py; the login throttle: throttle.py).

Every change is written with its audit line, in one transaction: an account's creation, new password, disabling
and enabling in the account chain (account_log.py), a grant or revoke in the survey's chain. ``by``: who made
the change (an evaluator's username, ``cli`` and the operator's login for a command, ``system``)."""
from __future__ import annotations

from typing import NamedTuple

from .account_log import granted_as_recorded
from .audit import LINE_COLUMNS, SYSTEM
from .common import Audit, iso_time, utcnow
from .sessions import revoke_all
from .surveys import insert_survey

# A grant counts only while its survey's chain records it (account_log.granted_as_recorded): its head and line
_GRANT_JOIN = ("left join survey_heads h on h.survey_id = g.survey_id"
               " left join audit_log l on l.id = h.audit_id and l.survey_id = g.survey_id")
_USER = "select id, username, password_hash, created_at, disabled_at from users where "


def _username(conn, user_id: int) -> str:
    return conn.value("select username from users where id = ?", [user_id]) or f"user {user_id}"


def _still_member(conn, actor: int | None, survey_id: int) -> None:
    """Inside a grant's or revoke's transaction, once the survey's chain head is taken (and its grants checked
    against what the chain recorded): refuse (NotAMember) unless the acting evaluator holds the survey."""
    if actor is not None and conn.value("select 1 from grants where user_id = ? and survey_id = ?",
                                        [actor, survey_id]) is None:
        raise NotAMember("the acting evaluator no longer holds the survey")


class Granted(NamedTuple):
    """A user's grants, read in one query: the surveys shown (as their chains record the grant: ``can_see``), newest
    first with point and response counts, and the ids of those withheld (a grant row the chain does not record)."""

    shown: list[dict]
    withheld: list[int]


class Members(NamedTuple):
    """Who may see a survey, as its chain records (``can_see``): user_id, username, since (the grant's time) and
    disabled_at, longest-standing first; and how many grant rows of it the chain does not record (withheld)."""

    shown: list[dict]
    withheld: int


class NotAMember(Exception):
    """The evaluator acting on a survey's members no longer holds it (another evaluator removed them since their
    page was drawn), or would remove themselves: nothing was written, so a survey never ends with no member."""


class Accounts:
    def create_user(self, username: str, password_hash: str, *, by: str = SYSTEM) -> int:
        """A new evaluator account; ValueError if the username is taken (the unique index decides)."""
        def body(conn):
            self._accounts_unchanged(conn)  # else this line would record an account forged since as genuine
            user_id = conn.value("insert into users (username, password_hash, created_at) values (?, ?, ?)"
                                 " on conflict (username) do nothing returning id", [username, password_hash, utcnow()])
            if user_id is not None:
                self._account_audit(conn, Audit(by, "create_user", username))
            return user_id
        user_id = self._write(body)
        if user_id is None:
            raise ValueError(f"user {username!r} already exists")
        return user_id

    def set_password(self, username: str, password_hash: str, *, by: str = SYSTEM) -> bool:
        """A new password, which ends every session of the user in the same transaction; False if there
        is no such user."""
        def body(conn):
            self._accounts_unchanged(conn)
            user_id = conn.value("update users set password_hash = ? where username = ? returning id",
                                 [password_hash, username])
            if user_id is not None:
                revoke_all(conn, user_id, iso_time(self.wall_clock()))
                self._account_audit(conn, Audit(by, "password", username))
            return user_id is not None
        return self._write(body)

    def set_disabled(self, username: str, disabled: bool, *, by: str = SYSTEM) -> bool | None:
        """Disable an account (its sessions end in the same transaction; it cannot log in; its audit lines
        stay as they are) or enable it again; whether that changed anything, None if there is no such user."""
        def body(conn):
            self._accounts_unchanged(conn)
            user_id = conn.value("select id from users where username = ?", [username])
            if user_id is None:
                return None
            now = iso_time(self.wall_clock())
            if disabled:
                changed = conn.execute("update users set disabled_at = ? where id = ? and disabled_at is null",
                                       [now, user_id]).rowcount == 1
                revoke_all(conn, user_id, now)  # also any started since (none can be, but it costs nothing)
            else:
                changed = conn.execute("update users set disabled_at = null where id = ? and disabled_at is not null",
                                       [user_id]).rowcount == 1
            if changed:
                self._account_audit(conn, Audit(by, "disable_user" if disabled else "enable_user", username))
            return changed
        return self._write(body)

    def list_users(self) -> list[dict]:
        """Every account: id, username, created_at, disabled_at (None: active), ``surveys``, the ids of the surveys
        it was granted as their chains record, and ``withheld``, those of grant rows no chain records (made in the
        database: they open nothing, as ``can_see`` reads them)."""
        users = self._read().rows("select id, username, created_at, disabled_at from users order by username")
        key, grants, withheld = self._chain_key(), {}, {}
        for row in self._read().rows(f"select g.user_id, g.survey_id, u.username, {LINE_COLUMNS} from grants g join users u"
                                     f" on u.id = g.user_id {_GRANT_JOIN} order by g.user_id, g.survey_id"):
            kept = grants if granted_as_recorded(key, row, row["survey_id"]) else withheld
            kept.setdefault(row["user_id"], []).append(row["survey_id"])
        return [{**user, "surveys": grants.get(user["id"], []), "withheld": withheld.get(user["id"], [])}
                for user in users]

    def get_user(self, user_id: int) -> dict | None:
        return self._read().row(_USER + "id = ?", [user_id])

    def user_by_name(self, username: str) -> dict | None:
        return self._read().row(_USER + "username = ?", [username])

    def grant(self, user_id: int, survey_id: int, *, by: str = SYSTEM, actor: int | None = None) -> bool:
        """Let a user see a survey, with a line in its chain naming them; False if they already could (then
        nothing is logged). ``actor``: the acting evaluator's id (项目成员), who must still hold it (NotAMember)."""
        def body(conn):
            self._survey_unchanged(conn, survey_id)  # else this line would record a grant forged since as genuine
            _still_member(conn, actor, survey_id)
            changed = conn.execute("insert into grants (user_id, survey_id, created_at) values (?, ?, ?)"
                                   " on conflict do nothing", [user_id, survey_id, utcnow()]).rowcount == 1
            if changed:
                self._audit(conn, Audit(by, "grant", _username(conn, user_id)), survey_id)
            return changed
        return self._write(body)

    def revoke(self, user_id: int, survey_id: int, *, by: str = SYSTEM, actor: int | None = None) -> bool:
        """End a user's access to a survey (at their next request), with a line in its chain naming them;
        False if they had none. ``actor``: the acting evaluator's id (项目成员), who must be another account still
        holding it (else NotAMember), so the survey keeps a member: two evaluators removing each other at once
        take turns on the survey's chain head, and the second finds they are no longer a member."""
        def body(conn):
            self._survey_unchanged(conn, survey_id)  # takes the chain head: one grant or revoke at a time
            if actor == user_id:
                raise NotAMember("an evaluator cannot remove themselves from a survey")
            _still_member(conn, actor, survey_id)
            changed = conn.execute("delete from grants where user_id = ? and survey_id = ?",
                                   [user_id, survey_id]).rowcount == 1
            if changed:
                self._audit(conn, Audit(by, "revoke", _username(conn, user_id)), survey_id)
            return changed
        return self._write(body)

    def survey_members(self, survey_id: int) -> Members:
        """The survey's members as its chain records them (项目成员), read in one query; a grant row the chain does
        not record (made in the database) is counted in ``withheld``, never listed."""
        rows = self._read().rows(
            f"select g.user_id, g.created_at as since, u.username, u.disabled_at, {LINE_COLUMNS} from grants g"
            f" join users u on u.id = g.user_id {_GRANT_JOIN} where g.survey_id = ? order by g.created_at, g.user_id",
            [survey_id])
        key, shown = self._chain_key(), []
        for row in rows:
            if granted_as_recorded(key, row, survey_id):
                shown.append({name: row[name] for name in ("user_id", "username", "since", "disabled_at")})
        return Members(shown, len(rows) - len(shown))

    def can_see(self, user_id: int, survey_id: int) -> bool:
        """Whether the user was granted the survey, as its chain records (a grant row inserted in the database,
        or another account's moved to this one, counts for nothing)."""
        row = self._read().row(f"select u.username, {LINE_COLUMNS} from grants g join users u on u.id = g.user_id"
                               f" {_GRANT_JOIN} where g.user_id = ? and g.survey_id = ?", [user_id, survey_id])
        return row is not None and granted_as_recorded(self._chain_key(), row, survey_id)

    def create_survey_for(self, user_id: int, *, audit: Audit | None = None, **fields) -> int:
        """Create a survey and grant it to its creator, in one transaction (two lines: its creation, the grant)."""
        audit = audit or Audit(SYSTEM, "create", "")

        def body(conn):
            survey_id = insert_survey(conn, fields)
            self._audit(conn, audit, survey_id)  # opens the survey's chain
            conn.execute("insert into grants (user_id, survey_id, created_at) values (?, ?, ?)",
                         [user_id, survey_id, utcnow()])
            self._audit(conn, Audit(audit.user, "grant", _username(conn, user_id)), survey_id)
            return survey_id
        return self._write(body)

    def surveys_for_user(self, user_id: int) -> list[dict]:
        """The surveys a user was granted (as their chains record: ``can_see``), newest first, with point and
        response counts."""
        return self.surveys_granted(user_id).shown

    def surveys_withheld(self, user_id: int) -> list[int]:
        """The ids of the surveys the user holds a grant row for that their chains do not record (a grant made,
        or an audit line changed, in the database): shown nowhere, and the pages say why (``manyi verify``)."""
        return self.surveys_granted(user_id).withheld

    def surveys_granted(self, user_id: int) -> Granted:
        """Both ``surveys_for_user`` and ``surveys_withheld`` from one query (the survey list shows both)."""
        rows = self._read().rows(
            "select s.*, (select count(*) from points p where p.survey_id = s.id) as points,"
            " (select coalesce(sum(n), 0) from response_counts c where c.survey_id = s.id) as responses,"
            " (select coalesce(sum(n), 0) from response_counts c where c.survey_id = s.id and c.status = 'valid')"
            f" as valid, u.username as grant_username, {LINE_COLUMNS.replace(' as ', ' as grant_')}"
            f" from surveys s join grants g on g.survey_id = s.id join users u on u.id = g.user_id {_GRANT_JOIN}"
            " where g.user_id = ? order by s.id desc", [user_id])
        key, shown, withheld = self._chain_key(), [], []
        for row in rows:
            line = {name[len("grant_"):]: row.pop(name) for name in list(row) if name.startswith("grant_")}
            if granted_as_recorded(key, line, row["id"]):
                shown.append(row)
            else:
                withheld.append(row["id"])
        return Granted(shown, withheld)
