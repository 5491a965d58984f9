"""The review page's queries: data-quality flags computed in SQL for one page of responses."""
from __future__ import annotations

from .paper import number_of
from .stuffing import burst_sql

REVIEW_FLAGS = ("speeder", "straight", "device", "burst")


def _flag_sql(scale_qids: list[str], kind: str) -> dict[str, str]:
    """Each flag as a condition on a response ``r`` (true or false, never null); ``burst`` (异常集中提交,
    store/stuffing.py) needs the parameter ``:burst``."""
    marks = ", ".join(f":q{i}" for i in range(len(scale_qids))) or "null"
    return {
        "speeder": "(r.seconds_on_page is not null and r.seconds_on_page < :threshold)",
        "straight": ("(select count(*) >= 2 and count(distinct a.value) = 1 from answers a"
                     f" where a.response_id = r.id and a.question_id in ({marks}))"),
        "device": ("(r.device_hash is not null and exists (select 1 from responses r2 where"
                   " r2.survey_id = r.survey_id and r2.device_hash = r.device_hash and r2.id != r.id))"),
        "burst": burst_sql(kind),
    }


class Review:
    def review_page(self, survey_id: int, *, threshold: int, scale_qids: list[str], status: str | None = None,
                    flag: str | None = None, before: int | None = None, limit: int = 50,
                    burst: int = 20) -> list[dict]:
        """Up to ``limit`` responses, newest first (keyset: ids below ``before``), each with its flags
        (speeder: fewer than ``threshold`` seconds; straight: every answered scale item in ``scale_qids``
        has the same code, at least two answered; device: another response of the survey from the same
        device). ``flag`` keeps one flag, "any" or "none"; ``status`` keeps valid or excluded. Each row has its
        ``number`` within the survey (response_numbers), the 编号 evaluators see."""
        flags = _flag_sql(scale_qids, self.kind)
        params = {"survey_id": survey_id, "threshold": threshold, "limit": limit, "burst": burst,
                  **{f"q{i}": q for i, q in enumerate(scale_qids)}}
        where = ["r.survey_id = :survey_id"]
        if status is not None:
            where.append("r.status = :status")
            params["status"] = status
        if before is not None:
            where.append("r.id < :before")
            params["before"] = before
        if flag in REVIEW_FLAGS:
            where.append(flags[flag])
        elif flag == "any":
            where.append("(" + " or ".join(flags.values()) + ")")
        elif flag == "none":
            where.append("not (" + " or ".join(flags.values()) + ")")
        # SQLite: walk the survey's ids newest first on an index (no sort of a million rows), testing
        # the flags row by row until the page is full. PostgreSQL's planner finds that walk itself.
        index = ""
        if self.kind == "sqlite":
            index = " indexed by " + ("idx_responses_survey_id_status" if status is not None
                                      else "idx_responses_survey_id_id")
        sql = ("select r.id, r.point_id, p.name as point_name, r.submitted_at, r.seconds_on_page, r.language,"
               " r.device_hash, r.status, r.exclude_reason, r.channel, r.submission_key, "
               + ", ".join(f"case when {expr} then 1 else 0 end as {name}" for name, expr in flags.items())
               + f" from responses r{index} join points p on p.id = r.point_id where " + " and ".join(where)
               + " order by r.id desc limit :limit")
        rows = self._read().rows(sql, params)
        numbers = self.response_numbers(survey_id, [row["id"] for row in rows])
        return [{**row, "number": numbers[row["id"]], "paper_number": number_of(row.pop("submission_key"))}
                for row in rows]

    def response_numbers(self, survey_id: int, response_ids: list[int]) -> dict[int, int]:
        """{response id: its number within the survey}: 第 N 份 in the order returned (ids), excluded
        responses counted, as the raw downloads number them; a survey's numbers never move with another
        survey's activity. Counted on the (survey_id, id) index in the gaps between the ids asked for:
        a page costs one walk up to its newest id, no stored column and nothing more for a submit."""
        conn = self._read()
        out, number, after = {}, 0, 0
        for rid in sorted(set(response_ids)):
            number += conn.value("select count(*) from responses where survey_id = ? and id > ? and id <= ?",
                                 [survey_id, after, rid])
            out[rid] = number
            after = rid
        return out

    def answers_for(self, response_ids: list[int]) -> dict[int, dict[str, str]]:
        """{response id: {question id: value}} for a page of responses (several values joined by ',')."""
        if not response_ids:
            return {}
        marks = ", ".join("?" for _ in response_ids)
        out: dict[int, dict[str, str]] = {rid: {} for rid in response_ids}
        for rid, qid, value in self._read().execute(
                f"select response_id, question_id, value from answers where response_id in ({marks})"
                " order by response_id, question_id, value", response_ids).fetchall():
            have = out[rid].get(qid)
            out[rid][qid] = value if have is None else f"{have},{value}"
        return out

    def flag_counts(self, survey_id: int, *, threshold: int, burst: int = 20,
                    scale_qids: list[str] | None = None) -> dict[str, int]:
        """Speeders and responses sharing a device with another response (all statuses), from indexes;
        responses in a point's 异常集中提交 minute (a walk of the survey, only when it had such a minute);
        with ``scale_qids``, straight-liners too (a walk of the survey: the documents count them, the review
        page does not)."""
        conn = self._read()
        out = {}
        if scale_qids is not None:
            params = {"survey_id": survey_id, **{f"q{i}": q for i, q in enumerate(scale_qids)}}
            out["straight"] = int(conn.value("select count(*) from responses r where r.survey_id = :survey_id and "
                                             + _flag_sql(scale_qids, self.kind)["straight"], params))
        bursts = 0
        if self.burst_minutes(survey_id, burst=burst):
            bursts = conn.value(f"select count(*) from responses r where r.survey_id = :survey_id and {burst_sql(self.kind)}",
                                {"survey_id": survey_id, "burst": burst})
        speeders = conn.value("select count(*) from responses where survey_id = ? and seconds_on_page < ?",
                              [survey_id, threshold])
        devices = conn.value(
            "select coalesce(sum(n), 0) from (select count(*) as n from responses where survey_id = ?"
            " and device_hash is not null group by device_hash having count(*) > 1) as shared", [survey_id])
        return {"speeder": int(speeders), **out, "device": int(devices), "burst": int(bursts)}
