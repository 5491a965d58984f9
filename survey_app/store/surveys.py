"""Surveys and their collection points (each with the code printed on its QR poster)."""
from __future__ import annotations

import secrets
import time
import unicodedata

from .audit import SYSTEM
from .chain import head_mac
from .common import Audit, StorageUnavailable, utcnow

SURVEY_FIELDS = ("questionnaire_id", "questionnaire_version", "title", "department", "year",
                 "evaluator_org", "target", "target_n", "population", "opens_on", "closes_on",
                 "status", "rule", "c51_figure", "background", "subjects", "one_per_device", "compare_with", "project",
                 "questionnaire_digest")
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o/1/l/i: codes are read off posters
_POINT_COLUMNS = ("id", "survey_id", "name", "code", "created_at")
# Every citizen's request looks up its point and survey; evaluators change them rarely. Each process
# keeps what it read for POINT_CACHE_SECONDS (its own changes clear it at once), so a survey closed or
# re-dated by an evaluator reaches citizens' pages in every worker within that time. Unknown codes
# are never kept (a point added a moment ago works at once; junk codes cannot fill the memory).
POINT_CACHE_SECONDS = 2.0


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _checked(fields: dict) -> dict:
    unknown = set(fields) - set(SURVEY_FIELDS)
    if unknown:
        raise ValueError(f"unknown survey field(s): {sorted(unknown)}")
    return fields


def insert_survey(conn, fields: dict) -> int:
    row = {**_checked(fields), "created_at": utcnow()}
    return conn.value(f"insert into surveys ({', '.join(row)}) values ({', '.join('?' * len(row))}) returning id",
                      list(row.values()))


class Surveys:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._points_seen: dict[str, tuple[float, tuple[dict, dict]]] = {}
        self.clock = time.monotonic  # tests move it

    def create_survey(self, **fields) -> int:
        _checked(fields)

        def body(conn):
            survey_id = insert_survey(conn, fields)
            self._audit(conn, Audit(SYSTEM, "create", ""), survey_id)  # opens the survey's chain
            return survey_id
        return self._write(body)

    def update_survey(self, survey_id: int, *, audit: Audit | None = None, **fields) -> None:
        _checked(fields)

        def body(conn):
            self._survey_unchanged(conn, survey_id)  # else this line would record a change made since as genuine
            if fields:
                conn.execute(f"update surveys set {', '.join(f'{k} = ?' for k in fields)} where id = ?",
                             [*fields.values(), survey_id])
            # every change is a link of the survey's chain, recording the settings after it
            self._audit(conn, audit or Audit(SYSTEM, "settings", ", ".join(sorted(fields))), survey_id)
        self._write(body)
        self._points_seen.clear()  # this process's citizens see the change at once, others within POINT_CACHE_SECONDS

    def record_questionnaire_digests(self, digest_of) -> list[int]:
        """Record the questionnaire digest of every survey that has none yet (made before m015, or by a server
        not yet upgraded) as ``digest_of(questionnaire_id, version)`` finds it now (None: its file is not
        there; tried again at the next start). Each is a line of the survey's audit chain. Returns their ids."""
        done = []
        for survey_id, qid, version in self._read().execute(
                "select id, questionnaire_id, questionnaire_version from surveys where questionnaire_digest is null"
                " order by id").fetchall():
            found = digest_of(qid, version)
            if not found:
                continue

            def body(conn, survey_id=survey_id, found=found):
                if conn.value("update surveys set questionnaire_digest = ? where id = ? and questionnaire_digest"
                              " is null returning id", [found, survey_id]) is None:
                    return False  # another server starting at once recorded it first
                self._audit(conn, Audit(SYSTEM, "questionnaire_digest", f"{qid}@{version} as found: {found[:12]}"),
                            survey_id)
                return True
            if self._write(body):
                done.append(survey_id)
        if done:
            self._points_seen.clear()
        return done

    def get_survey(self, survey_id: int) -> dict | None:
        return self._read().row("select * from surveys where id = ?", [survey_id])

    def find_survey(self, *, title: str) -> dict | None:
        return self._read().row("select * from surveys where title = ? order by id limit 1", [title])

    def list_surveys(self) -> list[dict]:
        return self._read().rows(
            "select s.*, (select coalesce(sum(n), 0) from response_counts c where c.survey_id = s.id) as responses,"
            " (select count(*) from points p where p.survey_id = s.id) as points from surveys s order by s.id")

    def add_point(self, survey_id: int, name: str, *, audit: Audit | None = None) -> dict:
        """Add a collection point (or return the existing one of that name: adding twice is harmless; so is a
        name that differs only in spaces, full- or half-width forms or case: ``same_name``). The unique name
        per survey and the unique code decide, not a check before the insert."""
        if self.get_survey(survey_id) is None:
            raise ValueError(f"no survey with id {survey_id}")

        def body(conn):
            for pid, known in conn.execute("select id, name from points where survey_id = ?", [survey_id]).fetchall():
                if known != name and same_name(known, name):
                    return pid
            if conn.value("select id from points where survey_id = ? and name = ?", [survey_id, name]) is None:
                self._survey_unchanged(conn, survey_id)  # else the new point's line would record a forgery as genuine
            while True:
                pid = conn.value("insert into points (survey_id, name, code, created_at) values (?, ?, ?, ?)"
                                 " on conflict do nothing returning id", [survey_id, name, new_code(), utcnow()])
                if pid is not None:
                    genesis = conn.value("select value from store_meta where key = 'genesis'")
                    conn.execute("insert into chain_heads (point_id, response_id, hash, mac) values (?, 0, ?, ?)",
                                 [pid, genesis, head_mac(self._chain_key(), "point", pid, 0, genesis)])
                    self._audit(conn, audit or Audit(SYSTEM, "add_point", name), survey_id)  # the points are state
                    return pid
                existing = conn.value("select id from points where survey_id = ? and name = ?", [survey_id, name])
                if existing is not None:
                    return existing  # else the code was taken: draw another
        return self.get_point(survey_id, self._write(body))

    def list_points(self, survey_id: int) -> list[dict]:
        return self._read().rows("select * from points where survey_id = ? order by id", [survey_id])

    def get_point(self, survey_id: int, point_id: int) -> dict | None:
        return self._read().row("select * from points where id = ? and survey_id = ?", [point_id, survey_id])

    def point_by_code(self, code: str) -> tuple[dict, dict] | None:
        """(point, survey) for a collection-point code, or None (one query: every respondent request asks)."""
        cursor = self._read().execute(
            f"select {', '.join('p.' + c for c in _POINT_COLUMNS)}, s.* from points p"
            " join surveys s on s.id = p.survey_id where p.code = ?", [code])
        row = cursor.fetchone()
        if row is None:
            return None
        k = len(_POINT_COLUMNS)
        return dict(zip(_POINT_COLUMNS, row[:k])), dict(zip([d[0] for d in cursor.description[k:]], row[k:]))

    def point_for_citizen(self, code: str) -> tuple[dict, dict] | None:
        """``point_by_code``, read at most POINT_CACHE_SECONDS ago (copies: callers may change them); while
        the database cannot be reached, the last reading of a code this process has seen (the submit
        then keeps the answers and says 系统繁忙, instead of a bare error page)."""
        now = self.clock()
        seen = self._points_seen.get(code)
        if seen is None or seen[0] < now:
            try:
                found = self.point_by_code(code)
            except StorageUnavailable:
                if seen is None:
                    raise
                found = seen[1]  # the database is away: the last reading, so the form comes back filled in
            if found is None:
                return None
            seen = self._points_seen[code] = (now + POINT_CACHE_SECONDS, found)
        point, survey = seen[1]
        return dict(point), dict(survey)


def same_name(a: str, b: str) -> bool:
    """Whether two point names read the same to an evaluator: 综合窗口, 综合　窗口 and ＡＢ窗口 / ab窗口."""
    def key(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return key(a) == key(b)
