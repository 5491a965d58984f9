"""The audit log: who changed what and when, written in the change's own transaction."""
from __future__ import annotations

from .common import Audit, utcnow


class AuditLog:
    @staticmethod
    def _audit(conn, audit: Audit | None, survey_id: int, response_id: int | None = None) -> None:
        """Inside a write transaction: the audit-log line for what the transaction changes."""
        if audit is not None:
            conn.execute('insert into audit_log (at, "user", action, survey_id, response_id, detail)'
                         " values (?, ?, ?, ?, ?, ?)",
                         [utcnow(), audit.user, audit.action, survey_id, response_id, audit.detail])

    def audit_entries(self, survey_id: int) -> list[dict]:
        return self._read().rows("select * from audit_log where survey_id = ? order by id", [survey_id])
