"""Counts for breakdowns (交叉分析, issue #14): one item's answers per collection point and per answer to a
grouping question (a demographic question; ``''`` = 未作答).

Measured (bench/bench_breakdowns.py): a scan of every response at a million takes seconds, and counting
groups in the submit transaction would add a row per grouping question to every citizen's submit. So the
counts are *folded* on demand: ``group_tallies`` holds each (group, item) pair's counts up to the response
in ``group_folds``; a breakdown folds the responses that came in since (a few, usually) and reads. Excluding
or restoring a folded response moves its group counts in the same transaction (``bump_groups``).

The folded counts are checked against ``tallies`` (kept by every submit) under the survey's chain heads, so
no submit commits meanwhile; any difference (on PostgreSQL an id handed out before a later one can commit
after it) makes the pair fold again from the start. Reads run in one snapshot: stored counts plus the
unfolded tail, checked against the tallies again, else counted from the responses outright.
"""
from __future__ import annotations

from collections import Counter
from contextlib import nullcontext

from .common import StorageUnavailable

FOLD_CHUNK = 20_000  # responses per fold transaction: a cold fold never holds the heads for long
_COUNT = ("select r.point_id, coalesce(g.value, '') as group_value, h.value, count(*) as n from responses r"
          " join answers h on h.response_id = r.id and h.question_id = :item"
          " left join answers g on g.response_id = r.id and g.question_id = :group"
          " where r.survey_id = :survey and r.id > :after and r.id <= :upto and r.status = 'valid'"
          " group by r.point_id, coalesce(g.value, ''), h.value")
_FOLD = ("insert into group_tallies (survey_id, point_id, group_id, group_value, question_id, value, n)"
         " select :survey, point_id, cast(:group as text), group_value, cast(:item as text), value, n from (" + _COUNT + ") as c where true"
         " on conflict (survey_id, group_id, question_id, point_id, group_value, value)"
         " do update set n = group_tallies.n + excluded.n")
# PostgreSQL: every submit to the survey locks its point's head FOR UPDATE; holding them all FOR SHARE
# lets the in-flight submits commit first and keeps new ones waiting while the fold runs. SQLite: the
# write transaction already excludes every other writer.
_HOLD_HEADS = {"postgresql": "select 1 from chain_heads where point_id in (select id from points where survey_id = :survey)"
                              " order by point_id for share",
               "sqlite": None}
_BUMP = ("insert into group_tallies (survey_id, point_id, group_id, group_value, question_id, value, n)"
         " select f.survey_id, r.point_id, f.group_id, coalesce(g.value, ''), f.question_id, h.value, :delta"
         " from group_folds f join responses r on r.id = :response and r.survey_id = f.survey_id"
         " join answers h on h.response_id = r.id and h.question_id = f.question_id"
         " left join answers g on g.response_id = r.id and g.question_id = f.group_id"
         " where f.response_id >= r.id"
         " on conflict (survey_id, group_id, question_id, point_id, group_value, value)"
         " do update set n = group_tallies.n + excluded.n")


def bump_groups(conn, response_id: int, delta: int) -> None:
    """Move the folded group counts of a response whose status changed (in that change's transaction)."""
    conn.execute(_BUMP, {"response": response_id, "delta": delta})


def _key(rows) -> Counter:
    counts: Counter = Counter()
    for point, group_value, value, n in rows:
        counts[(point, group_value, value)] += n
    return counts


def counted(conn, survey_id: int, group_id: str, item_id: str, *, after: int = 0, upto: int = 2**62) -> Counter:
    """(point, group value, item value) -> valid answers, counted from the responses with after < id ≤ upto."""
    return _key(conn.execute(_COUNT, {"survey": survey_id, "group": group_id, "item": item_id, "after": after,
                                      "upto": upto}).fetchall())


def stored(conn, survey_id: int, group_id: str, item_id: str) -> Counter:
    """The folded counts of a (group, item) pair, as group_tallies keeps them."""
    return _key(conn.execute("select point_id, group_value, value, n from group_tallies where survey_id = ?"
                             " and group_id = ? and question_id = ?", [survey_id, group_id, item_id]).fetchall())


def _by_item_value(counts: Counter) -> Counter:
    totals: Counter = Counter()
    for (point, _, value), n in counts.items():
        totals[(point, value)] += n
    return +totals


_MARK = "select response_id from group_folds where survey_id = ? and group_id = ? and question_id = ?"
_NEWEST = "select max(id) from responses where survey_id = ?"


class Groups:
    def group_counts(self, survey_id: int, group_id: str, item_id: str) -> list[dict]:
        """The valid answers to ``item_id`` per point and answer to ``group_id`` (single choice; ``''`` for
        respondents who left it blank): rows of point_id, group_value, value, n (n > 0), sorted."""
        if self._pinned is None:
            self.fold_groups(survey_id, [(group_id, item_id)])
        with self.snapshot() if self._pinned is None else nullcontext(self) as store:
            counts = store._folded_counts(survey_id, group_id, item_id)
        return [{"point_id": p, "group_value": g, "value": v, "n": n} for (p, g, v), n in sorted(counts.items()) if n > 0]

    def fold_groups(self, survey_id: int, pairs) -> None:
        """Bring the folded counts of each (group, item) pair up to date, e.g. before a download reads them
        in its snapshot (a snapshot cannot fold: it would count the unfolded responses every time). A
        read-only store (a backup) or a busy database folds nothing: the reads count what is not folded."""
        if getattr(self.backend, "readonly", False):
            return
        for group_id, item_id in pairs:
            try:
                self._fold(survey_id, group_id, item_id)
            except StorageUnavailable:
                return

    def _folded_counts(self, survey_id: int, group_id: str, item_id: str) -> Counter:
        conn = self._read()
        mark = conn.value(_MARK, [survey_id, group_id, item_id]) or 0
        counts = stored(conn, survey_id, group_id, item_id)
        counts.update(counted(conn, survey_id, group_id, item_id, after=mark))
        if not self._agrees(conn, survey_id, item_id, counts):
            counts = counted(conn, survey_id, group_id, item_id)
        return counts

    @staticmethod
    def _agrees(conn, survey_id: int, item_id: str, counts: Counter) -> bool:
        """Whether ``counts``, summed over the groups, are the item's tallies point by point."""
        tallies = +Counter({(p, v): n for p, v, n in conn.execute(
            "select point_id, value, n from tallies where survey_id = ? and question_id = ?",
            [survey_id, item_id]).fetchall()})
        return _by_item_value(counts) == tallies

    def _fold(self, survey_id: int, group_id: str, item_id: str) -> None:
        """Fold the responses since the pair's mark, FOLD_CHUNK at a time; the last chunk checks the result.
        Nothing new since the mark: no write at all (a dashboard view then costs citizens' submits nothing)."""
        conn, key = self._read(), [survey_id, group_id, item_id]
        mark = conn.value(_MARK, key)
        if mark is not None and mark >= (conn.value(_NEWEST, [survey_id]) or 0) \
                and self._agrees(conn, survey_id, item_id, stored(conn, *key)):
            return
        params = {"survey": survey_id, "group": group_id, "item": item_id}

        def body(conn):
            if _HOLD_HEADS[conn.kind]:
                conn.execute(_HOLD_HEADS[conn.kind], {"survey": survey_id})
            conn.execute("insert into group_folds (survey_id, group_id, question_id, response_id) select ?, ?, ?,"
                         " coalesce((select min(id) from responses where survey_id = ?), 1) - 1 where true"
                         " on conflict do nothing", [*key, survey_id])
            mark, newest = conn.value(_MARK, key), conn.value(_NEWEST, [survey_id]) or 0
            upto = min(newest, mark + FOLD_CHUNK)
            if upto > mark:
                conn.execute(_FOLD, {**params, "after": mark, "upto": upto})
                conn.execute("update group_folds set response_id = ? where survey_id = ? and group_id = ?"
                             " and question_id = ?", [upto, *key])
            if upto < newest:
                return False  # more chunks to go
            if not self._agrees(conn, survey_id, item_id, stored(conn, *key)):
                conn.execute("delete from group_tallies where survey_id = ? and group_id = ? and question_id = ?", key)
                conn.execute(_FOLD, {**params, "after": 0, "upto": newest})
            return True
        while not self._write(body):
            pass
