"""Integrity: recompute every hash chain and recount tallies and response counts."""
from __future__ import annotations

from dataclasses import dataclass

from .chain import chain_hash


@dataclass(frozen=True)
class Verification:
    responses: int  # responses checked
    bad_responses: tuple[tuple[int, str], ...]  # (response id, what does not match)
    count_problems: tuple[str, ...]  # tallies, response counts or chain heads that differ from a recount

    @property
    def ok(self) -> bool:
        return not self.bad_responses and not self.count_problems


def _answers_by_response(conn):
    """(response id, [(question, value), ...]) in id order, streamed."""
    rid, items = None, []
    for response_id, q, v in conn.stream("select response_id, question_id, value from answers order by response_id"):
        if response_id != rid:
            if rid is not None:
                yield rid, items
            rid, items = response_id, []
        items.append((q, v))
    if rid is not None:
        yield rid, items


_RECOUNT_TALLIES = ("select r.survey_id, r.point_id, a.question_id, a.value, count(*) from answers a"
                    " join responses r on r.id = a.response_id where r.status = 'valid' group by 1, 2, 3, 4")
_RECOUNT_RESPONSES = ("select survey_id, point_id, substr(submitted_at, 1, 13), status, count(*) from responses"
                      " group by 1, 2, 3, 4")


def _differences(conn, recount_sql: str, kept_sql: str, name) -> list[str]:
    """Each key whose running count (``kept_sql``: four key columns and n) differs from a recount."""
    recount = {tuple(r[:4]): r[4] for r in conn.execute(recount_sql).fetchall()}
    kept = {tuple(r[:4]): r[4] for r in conn.execute(kept_sql + " where n != 0").fetchall()}
    return [f"{name(k)}: kept {kept.get(k, 0)}, recount {recount.get(k, 0)}"
            for k in sorted(set(recount) | set(kept), key=repr) if recount.get(k, 0) != kept.get(k, 0)]


_COLUMNS = ("id", "survey_id", "point_id", "questionnaire_version", "submission_key", "submitted_at",
            "prev_hash", "hash")


class Integrity:
    def verify(self) -> Verification:
        """Recompute the hash chains and recount tallies and response counts; name every mismatch.

        Read in one snapshot. A response is named when its stored hash does not match its fields and
        answers (an edit), or when its link does not match the hash before it in its chain (a response
        removed or re-hashed before it); a chain head that is not its point's newest response names
        the newest responses removed.
        """
        with self.snapshot() as snap:
            return snap._verify(snap._read())

    def _verify(self, conn) -> Verification:
        if self._has_table("store_meta"):
            meta = self.store_meta()
            legacy_last, genesis = int(meta.get("legacy_last_id", "0")), meta.get("genesis", "")
        else:  # a file from before per-point chains (an old backup): one global chain
            legacy_last, genesis = 2**63, conn.value("select hash from responses order by id desc limit 1") or ""
        bad, checked, legacy_prev = [], 0, ""
        heads: dict[int, tuple[int, str]] = {}  # point -> (last response id, its hash)
        answers = _answers_by_response(conn)  # a second cursor of the same snapshot
        pending = next(answers, None)
        for values in conn.stream(f"select {', '.join(_COLUMNS)} from responses order by id"):
            row = dict(zip(_COLUMNS, values))
            while pending is not None and pending[0] < row["id"]:
                bad.append((pending[0], "answers without a response"))
                pending = next(answers, None)
            mine = []
            if pending is not None and pending[0] == row["id"]:
                mine, pending = pending[1], next(answers, None)
            checked += 1
            if row["id"] <= legacy_last:
                prev, legacy_prev = legacy_prev, row["hash"]
            else:
                prev = heads.get(row["point_id"], (0, genesis))[1]
                heads[row["point_id"]] = (row["id"], row["hash"])
            if row["prev_hash"] != prev:
                bad.append((row["id"], "link to the previous response does not match (a response removed or re-hashed)"))
            if chain_hash(row["prev_hash"], row, mine) != row["hash"]:
                bad.append((row["id"], "stored hash does not match its fields and answers (edited)"))
        while pending is not None:
            bad.append((pending[0], "answers without a response"))
            pending = next(answers, None)
        problems = []
        if legacy_prev != genesis:
            problems.append("the chain kept from before per-point chains does not end at its recorded head"
                            " (its newest responses were removed or changed)")
        kept_heads = conn.execute("select point_id, response_id, hash from chain_heads").fetchall() \
            if legacy_last < 2**63 else []
        for point_id, response_id, head in kept_heads:
            newest = heads.get(point_id, (0, genesis))
            if newest[0] != response_id:
                problems.append(f"chain head of point {point_id}: kept response {response_id}, newest stored"
                                f" {newest[0]} (responses removed or added behind Manyi's back)")
            elif newest[1] != head:
                problems.append(f"chain head of point {point_id} (response {response_id}) does not match the newest"
                                " stored hash (the newest response re-hashed, or the head changed)")
        for rid, status, logged in conn.execute(  # an exclusion or restore done outside Manyi leaves no audit entry
                "select r.id, r.status, (select action from audit_log l where l.response_id = r.id"
                " and l.action in ('exclude', 'restore') order by l.id desc limit 1) from responses r"
                " where r.status = 'excluded' or exists (select 1 from audit_log l where l.response_id = r.id)"
                " order by r.id").fetchall():
            if (status == "excluded") != (logged == "exclude"):
                bad.append((rid, f"status {status!r} does not match the audit log (last entry: {logged or 'none'})"))
        problems += _differences(conn, _RECOUNT_TALLIES, "select survey_id, point_id, question_id, value, n from tallies",
                                 lambda k: f"tally survey {k[0]} point {k[1]} {k[2]}={k[3]!r}")
        problems += _differences(conn, _RECOUNT_RESPONSES, "select survey_id, point_id, hour, status, n from response_counts",
                                 lambda k: f"response count survey {k[0]} point {k[1]} hour {k[2]} {k[3]}")
        return Verification(checked, tuple(bad), tuple(problems))
