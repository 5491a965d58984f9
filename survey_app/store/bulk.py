"""Bulk review (issue #13 item 2): the responses that match a flag, a point and a time range, excluded or
restored together with one reason. Each response goes through ``set_response_status`` (responses.py), so
each change moves its tallies and is audited exactly as a single one; BATCH responses share a transaction,
so a large selection never holds the write turn long enough to keep citizens' submits waiting."""
from __future__ import annotations

from .review import REVIEW_FLAGS, _flag_sql

BATCH = 200


class BulkReview:
    def select_responses(self, survey_id: int, *, threshold: int, scale_qids: list[str], burst: int,
                         flag: str | None = None, point_id: int | None = None, since: str | None = None,
                         until: str | None = None, status: str | None = None) -> list[int]:
        """Ids (oldest first) of the survey's responses with ``flag`` (one of REVIEW_FLAGS, "any" or None for
        all), at ``point_id``, submitted in [since, until) (stored UTC time texts), with ``status``."""
        flags = _flag_sql(scale_qids, self.kind)
        params = {"survey_id": survey_id, "threshold": threshold, "burst": burst,
                  **{f"q{i}": q for i, q in enumerate(scale_qids)}}
        where = ["r.survey_id = :survey_id"]
        for name, column, op, value in (("point", "r.point_id", "=", point_id), ("since", "r.submitted_at", ">=", since),
                                        ("until", "r.submitted_at", "<", until), ("status", "r.status", "=", status)):
            if value is not None:
                where.append(f"{column} {op} :{name}")
                params[name] = value
        if flag in REVIEW_FLAGS:
            where.append(flags[flag])
        elif flag == "any":
            where.append("(" + " or ".join(flags.values()) + ")")
        elif flag is not None:
            raise ValueError(f"flag must be one of {', '.join(REVIEW_FLAGS)} or 'any', not {flag!r}")
        sql = f"select r.id from responses r where {' and '.join(where)} order by r.id"
        return [row[0] for row in self._read().execute(sql, params).fetchall()]

    def set_statuses(self, response_ids: list[int], *, status: str, reason: str, user: str) -> int:
        """``set_response_status`` for each response (each audited), BATCH to a transaction; the number
        that changed (those that had the status already are left as they are)."""
        changed = 0
        for start in range(0, len(response_ids), BATCH):
            batch = response_ids[start:start + BATCH]

            def body(conn, batch=batch):
                return sum(self.set_response_status(rid, status=status, reason=reason, user=user) for rid in batch)
            changed += self._write(body)
        return changed
