"""Receipts: a small signed JSON of a survey's chain heads and counts, for the evaluated department to keep.

``store.receipt(survey_id)`` signs, with an Ed25519 key derived from the chain key, what the survey's chains
hold now: per point the number of responses, the newest one's id and link; the audit chain's length and
head; the 回收/有效/剔除 counts; the time of the newest of them (``as_of``), so unchanged data always gives
the same receipt, and the annex and the working paper print the same digest. Anyone can check the signature with the public key printed in
the annex and the working paper (no server secret needed). ``store.check_receipt(receipt)`` later names
every way the database no longer extends it: responses missing (deleted, or lost with a truncated or
damaged WAL), a head rewritten, audit lines gone, counts that went down.

What a holder of both the database and the chain key can still do: rewrite everything *after* a receipt
consistently, or everything before the first receipt. What the receipts then still catch: any rewrite or
deletion of what a receipt a department kept covers, since its signature cannot be made to fit other heads
without the key — and a key holder who re-signs shows a receipt that differs from the department's copy.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .audit import SYSTEM, UPGRADE_ACTIONS, entry_link
from .common import iso_time
from .integrity import reading_damage
from .servers import CLOCK_SLACK_SECONDS


FORMAT = "manyi-receipt-1"


def _canonical(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signing_key(chain_key) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(chain_key.derive("receipt signing key"))


def public_key_hex(chain_key) -> str:
    return signing_key(chain_key).public_key().public_bytes_raw().hex()


def fingerprint(public_hex: str) -> str:
    """What the documents print: the public key's SHA-256, grouped for reading aloud."""
    digest = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:20].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 20, 4))


def digest(receipt: dict) -> str:
    """The receipt's own SHA-256 (over its canonical JSON, signature included, so not the file's bytes: a
    receipt pretty-printed or on one line has the same digest)."""
    return hashlib.sha256(_canonical(receipt)).hexdigest()


def short_digest(receipt: dict) -> str:
    """The 回执摘要 the annex, the working paper, the survey page and ``manyi verify --receipt`` print."""
    return digest(receipt)[:16]


def signature_ok(receipt: dict) -> bool:
    """Whether the receipt's signature fits its body and the public key it names (no secret needed)."""
    try:
        body = {k: v for k, v in receipt.items() if k != "signature"}
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(receipt["public_key"]))
        key.verify(bytes.fromhex(receipt["signature"]), _canonical(body))
        return True
    except (KeyError, ValueError, TypeError, InvalidSignature):
        return False


class Receipts:
    def receipt_state(self, survey_id: int) -> dict:
        """What the survey's chains and counts hold now (unsigned), as of its newest stored event, read in
        one snapshot (heads, audit head and counts of one moment, even while evaluators exclude): the same
        data gives the same receipt (Ed25519 signatures are deterministic), whenever it is made."""
        if self._pinned is None:
            with self.snapshot() as snap:
                return snap.receipt_state(survey_id)
        conn = self._read()
        # a point with nothing since the upgrade from one global chain (head 0, the old chain's head): its chain
        # covers its responses in the old chain, so its newest one there is where the receipt says it is
        points = conn.rows(
            "select p.id as point_id, p.code, coalesce(o.id, h.response_id) as head_id,"
            " coalesce(o.hash, h.hash) as head,"
            " coalesce((select sum(c.n) from response_counts c where c.point_id = p.id), 0) as responses,"
            " (select r.submitted_at from responses r where r.id = coalesce(o.id, h.response_id)) as at"
            " from points p join chain_heads h on h.point_id = p.id left join responses o on h.response_id = 0"
            f" and o.id = (select max(r.id) from responses r where r.point_id = p.id and r.id <= {_LEGACY_LAST})"
            " where p.survey_id = ? order by p.id", [survey_id])
        audit = conn.one("select h.audit_id, h.hash, l.at from survey_heads h left join audit_log l on l.id = h.audit_id"
                         " where h.survey_id = ?", [survey_id])
        lines = conn.value("select count(*) from audit_log where survey_id = ?", [survey_id])
        status = dict(conn.execute("select status, sum(n) from response_counts where survey_id = ? group by status",
                                   [survey_id]).fetchall())
        times = [p.pop("at") or "" for p in points] + [(audit[2] or "") if audit else ""]
        return {"format": FORMAT, "survey_id": survey_id, "as_of": max(times),
                "points": [{k: (int(v) if k in ("point_id", "head_id", "responses") else v) for k, v in p.items()}
                           for p in points],
                "audit": {"lines": int(lines), "head_id": int(audit[0]) if audit else 0,
                          "head": audit[1] if audit else ""},
                "counts": {"returned": int(sum(status.values())), "valid": int(status.get("valid", 0)),
                           "excluded": int(status.get("excluded", 0))}}

    def receipt(self, survey_id: int) -> dict:
        """A signed receipt of the survey as it stands now."""
        key = self._chain_key()
        body = {**self.receipt_state(survey_id), "public_key": public_key_hex(key)}
        return {**body, "signature": signing_key(key).sign(_canonical(body)).hex()}

    def check_receipt(self, receipt: dict) -> list[str]:
        """Every way this database does not extend ``receipt`` (empty: it does)."""
        with reading_damage():
            return self._check_receipt(receipt)

    def _check_receipt(self, receipt: dict) -> list[str]:
        if not signature_ok(receipt):
            return ["the receipt's signature does not fit its content (the receipt was altered)"]
        problems = []
        key = getattr(self.backend, "chain_key", None)
        if key is not None and receipt["public_key"] != public_key_hex(key):  # another deployment's, or another key:
            return [f"the receipt was signed with another key (fingerprint {fingerprint(receipt['public_key'])}) than"
                    f" this database's chain key ({fingerprint(public_key_hex(key))}): not checked against this data"]
        conn = self._read()
        if conn.value("select 1 from surveys where id = ?", [receipt["survey_id"]]) is None:
            return [f"survey {receipt['survey_id']} of the receipt is not in this database"]
        meta = self.store_meta() if self._has_table("store_meta") else {}
        receipt = {**receipt, "points": [_covered(conn, p, meta) for p in receipt["points"]]}
        for p in receipt["points"]:
            upto = p["head_id"]
            now = conn.value("select count(*) from responses where point_id = ? and id <= ?", [p["point_id"], upto])
            if now < p["responses"]:
                problems.append(f"point {p['code']}: the receipt holds {p['responses']} responses up to response id"
                                f" {upto}; the database holds {now} of them: {p['responses'] - now} missing")
            elif (upto or p.get("legacy")) and p["stored"] != p["head"]:
                problems.append(f"point {p['code']}: the chain up to response id {upto} was rewritten (a"
                                " response at or before it edited, removed or replaced)")
        audit = receipt["audit"]
        returned = conn.value("select count(*) from responses where survey_id = ?", [receipt["survey_id"]])
        lines = conn.value("select count(*) from audit_log where survey_id = ? and id <= ?",
                           [receipt["survey_id"], audit["head_id"]])
        head = conn.value("select hash from audit_log where id = ? and survey_id = ?",
                          [audit["head_id"], receipt["survey_id"]])
        if lines < audit["lines"]:
            problems.append(f"audit log: the receipt holds {audit['lines']} line(s); {audit['lines'] - lines} missing")
        elif audit["head_id"] and head != audit["head"]:
            lost = bool(problems) or returned < receipt["counts"]["returned"]
            problems.append(_audit_head_differs(conn, key, receipt, lost))
        if returned < receipt["counts"]["returned"]:
            problems.append(f"survey {receipt['survey_id']}: {receipt['counts']['returned']} responses at the"
                            f" receipt, {returned} now ({receipt['counts']['returned'] - returned} missing)")
        return [p for p in problems if p] + _status_then(conn, receipt, lines < audit["lines"])


def _audit_head_differs(conn, key, receipt: dict, missing: bool) -> str | None:
    """What it means that the receipt's audit head is not the line the database holds there. An upgrade writes
    its lines dated as the line before them (audit.upgrade_time), so a backup made before the upgrade, restored
    and upgraded again, holds the very same line; versions before 2027-01 dated them with the clock: such a
    line, re-written, differs from the receipt's in its time only if the lines before it were kept, which the
    receipt cannot show unless its own time is the line's (``as_of``, a line newer than every response)."""
    audit = receipt["audit"]
    line = conn.one('select id, at, "user", action, survey_id, response_id, detail, state, prev_hash from audit_log'
                    " where id = ? and survey_id = ?", [audit["head_id"], receipt["survey_id"]])
    entry = dict(zip(("id", "at", "user", "action", "survey_id", "response_id", "detail", "state", "prev"), line or ()))
    if not line or (entry["user"], entry["action"]) not in {(SYSTEM, a) for a in UPGRADE_ACTIONS}:
        return (f"audit log: the log up to entry id {audit['head_id']} was rewritten (an entry at or before it"
                " edited, removed or replaced)")
    if key is not None and entry_link(key, entry["prev"] or "", {**entry, "at": receipt["as_of"]}) == audit["head"]:
        return None  # the same line, written again with another time: everything before it is the receipt's
    return (f"audit log: entry id {entry['id']}, the newest the receipt covers, is not the one the receipt signed but"
            f" an upgrade's line ({entry['action']}) written again at {entry['at']}: the database is a backup made"
            " before the upgrade, restored and started again ("
            + ("what it lost of what the receipt covers is named here" if missing else
               "none of the responses or audit lines the receipt covers is missing")
            + "), or the log up to that line was rewritten. The receipt cannot tell which (a version before 2027-01"
            " dated that line with the clock): compare the lines before it with an export, receipt or anchors file"
            " made before the upgrade")


# where the old global chain ends (0 on a database made with per-point chains): store_meta, MACed by the keyed record
_LEGACY_LAST = "(select cast(value as bigint) from store_meta where key = 'legacy_last_id')"


def _covered(conn, point: dict, meta: dict) -> dict:
    """The receipt's point with the id it covers responses up to (``head_id``) and the stored link of the response
    its ``head`` names (``stored``). A receipt made before 2027-01 of a point with nothing since the upgrade from
    one global chain says head 0 with the old chain's head (``genesis``): it covers the point's responses in that
    chain, and its head is the link of that chain's newest response."""
    last = int(meta.get("legacy_last_id") or 0)
    if point["head_id"] != 0 or not last or point["head"] != meta.get("genesis"):
        return {**point, "stored": conn.value("select hash from responses where id = ? and point_id = ?",
                                              [point["head_id"], point["point_id"]]) if point["head_id"] else None}
    newest = conn.value("select max(id) from responses where point_id = ? and id <= ?", [point["point_id"], last])
    return {**point, "head_id": int(newest or 0), "stored": conn.value("select hash from responses where id = ?",
                                                                      [last]), "legacy": True}


def _status_then(conn, receipt: dict, lines_missing: bool = False) -> list[str]:
    """The 有效/剔除 counts the receipt signed against the exclusions its audit log held (replayed up to the
    receipt's audit head), and any exclusion or restore line dated before the receipt that came after it."""
    survey_id, audit = receipt["survey_id"], receipt["audit"]
    excluded = conn.value(
        "select count(*) from responses r join audit_log l on l.id = (select max(x.id) from audit_log x"
        " where x.response_id = r.id and x.survey_id = r.survey_id and x.action in ('exclude', 'restore')"
        " and x.id <= ?)"
        " where r.survey_id = ? and l.action = 'exclude'", [audit["head_id"], survey_id])
    counts, problems = receipt["counts"], []
    if (counts["returned"] - excluded, excluded) != (counts["valid"], counts["excluded"]):
        problems.append(f"survey {survey_id}: the receipt signed {counts['valid']} 有效 and {counts['excluded']} 剔除;"
                        f" the responses and the audit log up to the receipt give {counts['returned'] - excluded} and"
                        f" {excluded} ("
                        + ("audit lines it covers are missing, see above)" if lines_missing else
                           "a status changed without its audit line)"))
    # a line stamped in its transaction commits a moment later, and servers' clocks differ: only a line
    # dated CLOCK_SLACK_SECONDS before the receipt's time is called back-dated
    before = (iso_time(datetime.fromisoformat(receipt["as_of"]).timestamp() - CLOCK_SLACK_SECONDS)
              if receipt["as_of"] else "")
    late = conn.execute("select id, action, at from audit_log where id > ? and at < ?"
                        " and action in ('exclude', 'restore') and (survey_id = ? or response_id in"
                        " (select id from responses where survey_id = ?)) order by id",  # or filed under another
                        [audit["head_id"], before, survey_id, survey_id]).fetchall()
    if late:
        problems.append(f"survey {survey_id}: {len(late)} audit line(s) dated before the receipt's time"
                        f" ({receipt['as_of']}) were not in the log the receipt signed (back-dated), e.g. line"
                        f" {late[0][0]} ({late[0][1]}, {late[0][2]})")
    return problems + _responses_backdated(conn, receipt, before)


def _responses_backdated(conn, receipt: dict, before: str) -> list[str]:
    """Responses after a point's head in the receipt (or at a point the receipt did not have) dated
    CLOCK_SLACK_SECONDS or more before the receipt's time: stored since, with an earlier time written in."""
    if not before:
        return []
    survey_id, found = receipt["survey_id"], []
    for p in receipt["points"]:
        found += conn.execute("select id, submitted_at from responses where point_id = ? and id > ?"
                              " and submitted_at < ? order by id", [p["point_id"], p["head_id"], before]).fetchall()
    known = [p["point_id"] for p in receipt["points"]] or [0]
    found += conn.execute(f"select id, submitted_at from responses where survey_id = ? and point_id not in"
                          f" ({', '.join('?' * len(known))}) and submitted_at < ? order by id",
                          [survey_id, *known, before]).fetchall()
    if not found:
        return []
    first = min(found)
    return [f"survey {survey_id}: {len(found)} response(s) dated before the receipt's time ({receipt['as_of']}) were"
            f" not in the chains the receipt signed (back-dated), e.g. response {first[0]} ({first[1]})"]
