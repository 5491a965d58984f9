"""A hall's own tablet on a stand (平板, a kiosk), on which citizen after citizen answers the form (channel 平板).

The evaluator turns a collection point's tablet on (admin/kiosks.py): a random token, shown once as the tablet's
address /k/<token>, of which only the SHA-256 is kept (a token is 18 random bytes: no salt needed). The tablet
holds the token in a cookie (respondent/kiosk.py); a submit carrying a token active for its point is a kiosk's:
none of the per-phone defences, but one answer per ``gap`` seconds per tablet, claimed as a citizen's submit
claims its ceilings (store/stuffing.py: a bucket of one token, refilled once a gap, and its point's minute, so a
kiosk's answers count toward the 异常集中提交 flag). Turning a tablet on or off is a line of the survey's audit chain.
"""
from __future__ import annotations

import hashlib
import re
import secrets

from .common import Audit, utcnow
from .stuffing import Claim

KIOSK = "平板"
_LINE = re.compile(r"（编码 (\w+)）：平板 (\d+) 号$")  # a kiosk_on / kiosk_off line's detail ends: point code, tablet id


def token_hash(token: str) -> str:
    return hashlib.sha256(f"manyi-kiosk:{token}".encode()).hexdigest()


def _point_label(point: dict) -> str:
    return f"{point['name']}（编码 {point['code']}）"


class Kiosks:
    def add_kiosk(self, survey_id: int, point_id: int, *, user: str) -> tuple[int, str]:
        """Turn a tablet on at a point of the survey: (its id, its token, never stored and never shown again),
        with its audit line (kiosk_on) in the same transaction; LookupError for a point of another survey."""
        token = secrets.token_urlsafe(18)

        def body(conn):
            point = conn.row("select id, name, code from points where id = ? and survey_id = ?", [point_id, survey_id])
            if point is None:
                raise LookupError(f"no collection point {point_id} in survey {survey_id}")
            self._survey_unchanged(conn, survey_id)  # else its line would record a forgery as genuine
            kiosk_id = conn.value("insert into kiosks (point_id, token_hash, created_at, created_by)"
                                  " values (?, ?, ?, ?) returning id", [point_id, token_hash(token), utcnow(), user])
            self._audit(conn, Audit(user, "kiosk_on", f"{_point_label(point)}：平板 {kiosk_id} 号"), survey_id)
            return kiosk_id
        return self._write(body), token

    def revoke_kiosk(self, survey_id: int, kiosk_id: int, *, user: str) -> bool:
        """Turn a tablet of the survey off (停用), with its audit line (kiosk_off); False when it was off already;
        LookupError for a tablet of another survey."""
        def body(conn):
            point = conn.row("select p.id, p.name, p.code, k.revoked_at from kiosks k join points p on p.id = k.point_id"
                             " where k.id = ? and p.survey_id = ?", [kiosk_id, survey_id])
            if point is None:
                raise LookupError(f"no tablet {kiosk_id} in survey {survey_id}")
            if point["revoked_at"] is not None:
                return False
            self._survey_unchanged(conn, survey_id)
            if conn.value("update kiosks set revoked_at = ? where id = ? and revoked_at is null returning id",
                          [utcnow(), kiosk_id]) is None:
                return False  # another evaluator's 停用 a moment ago
            self._audit(conn, Audit(user, "kiosk_off", f"{_point_label(point)}：平板 {kiosk_id} 号"), survey_id)
            return True
        return self._write(body)

    def active_kiosks(self, survey_id: int) -> list[dict]:
        """The survey's tablets in use: id, point_id, created_at, created_by, oldest first."""
        return self._read().rows("select k.id, k.point_id, k.created_at, k.created_by from kiosks k join points p"
                                 " on p.id = k.point_id where p.survey_id = ? and k.revoked_at is null order by k.id",
                                 [survey_id])

    def kiosk_for_token(self, token: str) -> dict | None:
        """The tablet in use holding ``token`` (id, point_id and the point's code), or None (unknown, or 停用)."""
        return self._read().row("select k.id, k.point_id, p.code from kiosks k join points p on p.id = k.point_id"
                                " where k.token_hash = ? and k.revoked_at is null", [token_hash(token)])

    def kiosk_claim(self, *, submission_key: str, point_id: int, kiosk_id: int, gap: float, limits) -> Claim:
        """A kiosk submit's claim for ``save_response(claim=…)``: one answer per ``gap`` seconds per tablet (its
        verdict "device" when refused) and its point's minute. ``limits``: the citizens' (pruning follows them)."""
        rate = 1 / max(float(gap), 0.001)  # a bucket of one token, refilled after gap seconds
        key = f"kiosk:{kiosk_id}"
        now = self.wall_clock()
        return Claim({"key": submission_key, "point": point_id, "minute": int(now // 60), "now": now,
                      "dkey": "d:" + key, "drate": rate, "dcap": 1.0, "akey": "a:" + key, "arate": rate, "acap": 1.0},
                     limits)


def unrecorded_kiosks(conn) -> list[str]:
    """``verify``: the tablets in use that their survey's audit chain does not account for, one line each. A row
    of ``kiosks`` is no link of any chain: one inserted (or 停用 undone) in the database behind Manyi's back would
    let a device answer without a phone's limits. Each must have its 设置平板 line, naming its point (by the code, which
    a rename keeps), in that point's survey's chain, and none in use may have a 停用 line there."""
    lines: dict[tuple[int, str, int], set[str]] = {}
    for survey_id, action, detail in conn.execute("select survey_id, action, detail from audit_log where action in"
                                                  " ('kiosk_on', 'kiosk_off') and survey_id is not null").fetchall():
        found = _LINE.search(detail or "")
        if found:
            lines.setdefault((survey_id, found.group(1), int(found.group(2))), set()).add(action)
    problems = []
    for kiosk_id, survey_id, code, revoked in conn.execute("select k.id, p.survey_id, p.code, k.revoked_at from kiosks k"
                                                           " join points p on p.id = k.point_id order by k.id").fetchall():
        recorded = lines.get((survey_id, code, kiosk_id), set())
        if "kiosk_on" not in recorded:
            problems.append(f"tablet {kiosk_id} (point {code}) has no kiosk_on line for that point in its survey's audit"
                            " chain: made or moved in the database behind Manyi's back")
        elif revoked is None and "kiosk_off" in recorded:
            problems.append(f"tablet {kiosk_id} (point {code}) is in use though its survey's audit chain turned"
                            " it off: turned back on in the database behind Manyi's back")
    return problems
