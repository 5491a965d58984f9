"""The figures' inputs, read from the running counts kept by every submit and status change."""
from __future__ import annotations

from .schema_channels import NOT_SCANNED

# (local date, point, valid responses) per day: from the hourly counts in whole-hour time zones (all of
# China), else from the responses themselves. One text per database: their date functions differ.
_DAILY_FROM_HOURS = {
    "sqlite": "select date(hour || ':00:00', ?) as day, point_id, sum(n) from response_counts",
    "postgresql": "select to_char(cast(hour || ':00:00' as timestamp) + ? * interval '1 second', 'YYYY-MM-DD')"
                  " as day, point_id, sum(n) from response_counts",
}
_DAILY_FROM_RESPONSES = {
    "sqlite": "select date(substr(submitted_at, 1, 19), ?) as day, point_id, count(*) from responses",
    "postgresql": "select to_char(cast(substr(submitted_at, 1, 19) as timestamp) + ? * interval '1 second',"
                  " 'YYYY-MM-DD') as day, point_id, count(*) from responses",
}


class Counts:
    def channel_counts(self, survey_id: int) -> dict[int, dict[str, int]]:
        """Point id → {channel: answers stored there (valid and excluded)} for the answers that did not come by QR
        code (纸质, 平板), from their index (schema_channels.py): the scanned ones are never read."""
        rows = self._read().execute(f"select point_id, channel, count(*) from responses where survey_id = ?"
                                    f" and {NOT_SCANNED} group by point_id, channel", [survey_id]).fetchall()
        found: dict[int, dict[str, int]] = {}
        for point_id, channel, n in rows:
            found.setdefault(point_id, {})[channel] = int(n)
        return found

    def tallies(self, survey_id: int) -> list[dict]:
        """Valid-answer counts per point, question and value (rows with n = 0 left out)."""
        return self._read().rows("select point_id, question_id, value, n from tallies where survey_id = ? and n > 0"
                                 " order by point_id, question_id, value",
                                 [survey_id])

    def status_counts(self, survey_id: int) -> dict[str, int]:
        """Responses per status (valid / excluded) for a survey."""
        return {row[0]: row[1] for row in self._read().execute(
            "select status, sum(n) from response_counts where survey_id = ? group by status having sum(n) > 0",
            [survey_id]).fetchall()}

    def point_counts(self, survey_id: int) -> list[dict]:
        """Each collection point with its returned and valid response counts."""
        return self._read().rows(
            "select p.id, p.name, p.code, coalesce(sum(c.n), 0) as returned,"
            " coalesce(sum(case when c.status = 'valid' then c.n end), 0) as valid"
            " from points p left join response_counts c on c.survey_id = p.survey_id and c.point_id = p.id"
            " where p.survey_id = ? group by p.id order by p.id", [survey_id])

    def daily_counts(self, survey_id: int, utc_offset_seconds: float) -> list[tuple[str, int, int]]:
        """(local date, point id, valid responses) for a survey, by day."""
        seconds = int(utc_offset_seconds)
        if self.kind == "sqlite":
            shift = f"{seconds:+d} seconds"
        else:
            shift = seconds
        if seconds % 3600 == 0:
            sql = (_DAILY_FROM_HOURS[self.kind] + " where survey_id = ? and status = 'valid'"
                   " group by day, point_id having sum(n) > 0 order by day, point_id")
        else:
            sql = (_DAILY_FROM_RESPONSES[self.kind] + " where survey_id = ? and status = 'valid'"
                   " group by day, point_id order by day, point_id")
        return [tuple(row) for row in self._read().execute(sql, [shift, survey_id]).fetchall()]

    def answer_rows(self, survey_id: int, question_ids: list[str]) -> list[dict[str, str]]:
        """Per valid respondent, their answers to ``question_ids`` (for composites across items)."""
        marks = ", ".join("?" for _ in question_ids)
        rows: dict[int, dict[str, str]] = {}
        for rid, qid, value in self._read().execute(
                "select a.response_id, a.question_id, a.value from answers a join responses r on r.id = a.response_id"
                f" where r.survey_id = ? and r.status = 'valid' and a.question_id in ({marks})"
                " order by a.response_id", [survey_id, *question_ids]).fetchall():
            rows.setdefault(rid, {})[qid] = value
        return list(rows.values())

    def exclusion_reasons(self, survey_id: int) -> list[tuple[str, int]]:
        """(reason, responses excluded for it), most frequent first: what the annex says of 剔除."""
        return [(reason, int(n)) for reason, n in self._read().execute(
            "select exclude_reason, count(*) as n from responses where survey_id = ? and status = 'excluded'"
            " group by exclude_reason order by n desc, exclude_reason", [survey_id]).fetchall()]
