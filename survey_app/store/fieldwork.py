"""The fieldwork record of each collection point: what the evaluator enters once (paper forms handed
out, transactions served while collecting) and how often the respondent page was opened there.

Page opens are a counter per point and local day. An open counts once per device (or, for a phone's first
visit, which has no device cookie yet, once per network address) per point and day: the respondent view
passes ``who``, a salted hash of the device token or the address for that point and day
(respondent/opens.py), and page_open_keys keeps those hashes of today and yesterday only, so a script
repeating GETs adds one open, not one per request. Counting must not slow the page or take the write
turn per view, so each process adds opens up in memory (``store.opens``, an ``OpenCounter``: page_opens.py) and writes
them once FLUSH_SECONDS or FLUSH_OPENS have passed, at the end of the request that finds them due (an
open, or a thank-you page: a quiet hall's last opens are not left waiting for the next one), and when the
store is closed. That write never waits: if the database is busy (SQLite: another writer holds the turn or
the lock; PostgreSQL: a row lock held past a fifth of a second) the counts stay in memory for
the next flush. The counter is less durable than an answer, by choice: the write is not fsynced (the
next submit's sync carries it), and a worker that crashes or is killed loses the opens it had not yet
written (at most FLUSH_SECONDS' worth, or FLUSH_OPENS).
"""
from __future__ import annotations

import logging

from .common import Audit, StorageUnavailable
from .page_opens import OpenCounter, _write_opens
from .surveys import same_name

MAX_FIELDWORK = 10**9  # forms handed out or transactions served at one point: more is a typing slip
_NO_WAIT = 0.001  # seconds: SQLite's write turn is taken only if it is free (or freed within this)
log = logging.getLogger(__name__)


class FieldworkRecords:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not hasattr(self.backend, "opens"):  # owned with the connections: a snapshot view shares it
            self.backend.opens = OpenCounter()
        self.opens = self.backend.opens

    # -- page opens ----------------------------------------------------------------------------------

    def count_open(self, point_id: int, day: str, who: str | None = None, alias: str | None = None) -> None:
        """One open of the respondent form at a point on ``day`` (the local date, YYYY-MM-DD), counted once
        per ``who`` (a device's or an address's hash for that point and day; None: counted as it comes).
        Never raises: a page view must not fail because its counter did."""
        try:
            if self.opens.add(point_id, day, who, alias):
                self.flush_opens()
        except Exception:  # noqa: BLE001 (a counter; the page matters more)
            log.exception("counting a page open failed")

    def flush_opens_if_due(self) -> None:
        """Write this process's opens if they have waited FLUSH_SECONDS (the thank-you page calls it, so the
        opens of a quiet hall reach the database, and every report, within seconds). Never raises."""
        try:
            if self.opens.due():
                self.flush_opens()
        except Exception:  # noqa: BLE001 (a counter; the page matters more)
            log.exception("writing page opens failed")

    def flush_opens(self) -> bool:
        """Write the opens counted in this process, if the database takes a write now; whether all were
        written (False: they are kept for the next flush). Never raises."""
        self.opens.reset_after_fork()
        if not self.opens.flushing.acquire(blocking=False):
            return False  # another thread of this process is writing them
        try:
            batch = self.opens.take()
            if not batch:
                return True
            try:
                stored = self._write_now(lambda conn: _write_opens(conn, batch))
            except Exception as e:  # noqa: BLE001 (kept and tried again; the page never sees it)
                self.opens.give_back(batch)
                if not isinstance(e, StorageUnavailable):
                    log.warning("page opens kept for later: %s", e)
                return False
            self.opens.remember(stored)
            return True
        finally:
            self.opens.flushing.release()

    def _write_now(self, body):
        """``body(conn)`` in a write transaction if the database takes one at once, else
        StorageUnavailable at once (never the busy timeout a submission may wait). Not fsynced (PostgreSQL:
        synchronous_commit off, never waiting for a standby): the next durable write syncs it. The one place
        where this differs between the two databases."""
        if self.kind == "postgresql":
            def short(conn):
                conn.execute("select set_config('lock_timeout', '200', true), set_config('statement_timeout', '2000', true)")
                return body(conn)
            return self._write(short, durable=False)  # synchronous_commit off: never waits for a standby
        backend = self.backend
        conn = backend.connection()
        if backend.writer is None:  # in memory: no other writer
            return backend._transaction(conn, body)
        with backend.writer.turn(_NO_WAIT):
            before = conn.raw.execute("pragma busy_timeout").fetchone()[0]
            conn.raw.execute("pragma busy_timeout = 0")  # a connection outside the turn holding the lock
            try:
                return backend._transaction(conn, body)
            finally:
                conn.raw.execute(f"pragma busy_timeout = {int(before)}")

    def close(self) -> None:
        self.flush_opens()
        super().close()

    # -- the evaluator's record ----------------------------------------------------------------------

    def set_point_fieldwork(self, point_id: int, *, issued: int | None, served: int | None, actor: str) -> dict:
        """Record a point's paper forms handed out and transactions served (None: not known), with
        its audit-log line in the same transaction; returns the point."""
        _check_counts(issued, served)

        def body(conn):
            before = conn.row("select survey_id, name, issued, served from points where id = ?", [point_id])
            if before is None:
                raise ValueError(f"no collection point with id {point_id}")
            self._survey_unchanged(conn, before["survey_id"])  # else its line would record a forgery as genuine
            _record(self, conn, point_id, before, issued, served, actor)
            return before["survey_id"]
        survey_id = self._write(body)
        return self.get_point(survey_id, point_id)

    def set_points_fieldwork(self, survey_id: int, records: dict[int, tuple[int | None, int | None]], *,
                             actor: str, names: dict[int, str] | None = None) -> list[dict]:
        """Record several points' (issued, served) of one survey, and rename points (``names``), in one
        transaction: all or none. A renamed point keeps its code (printed QR codes still work) and gets a
        ``rename_point`` audit line; each point whose record changes gets its own ``fieldwork`` line, as
        ``set_point_fieldwork`` writes it; an unchanged one is neither written nor logged. Two points whose
        names would read the same (``same_name``) are refused. Returns the changes, in point order: point_id,
        name and name_before, issued and served before and after."""
        for issued, served in records.values():
            _check_counts(issued, served)
        names = {pid: (name or "").strip() for pid, name in (names or {}).items()}
        if not all(names.values()):
            raise ValueError("a collection point's name cannot be empty")

        def body(conn):
            self._survey_unchanged(conn, survey_id)  # else its lines would record a forgery as genuine
            points = {row["id"]: row for row in conn.rows(
                "select id, survey_id, name, code, issued, served from points where survey_id = ? order by id",
                [survey_id])}
            if unknown := (set(records) | set(names)) - set(points):
                raise ValueError(f"no collection point with id {min(unknown)} in survey {survey_id}")
            final = {pid: names.get(pid, row["name"]) for pid, row in points.items()}
            renamed = [pid for pid in sorted(names) if names[pid] != points[pid]["name"]]
            for pid in renamed:  # names alike from before same_name existed stay as they are, unless renamed
                if any(other != pid and same_name(final[pid], final[other]) for other in final):
                    raise PointNameTaken(f"two collection points would both be named {final[pid]!r}")
            for pid in renamed:  # first out of the way: a swap of two names never meets the unique index
                conn.execute("update points set name = ? where id = ?", [f"{points[pid]['code']}·{pid}", pid])
            for pid in renamed:
                conn.execute("update points set name = ? where id = ?", [final[pid], pid])
                self._audit(conn, Audit(actor, "rename_point", f"{points[pid]['name']} → {final[pid]}"
                                                               f"（编码 {points[pid]['code']}）"), survey_id)
            changed = []
            for pid in sorted(set(records) | set(renamed)):
                before = dict(points[pid], name=final[pid])
                issued, served = records.get(pid, (before["issued"], before["served"]))
                if (issued, served) != (before["issued"], before["served"]):
                    _record(self, conn, pid, before, issued, served, actor)
                elif pid not in renamed:
                    continue
                changed.append({"point_id": pid, "name": final[pid], "name_before": points[pid]["name"],
                                "issued_before": before["issued"], "served_before": before["served"],
                                "issued": issued, "served": served})
            return changed
        return self._write(body)

    def fieldwork(self, survey_id: int) -> list[dict]:
        """Per collection point of the survey: point_id, name, code, issued, served (None when not
        entered) and opens (page opens written so far, plus this process's not yet written; other
        workers' last few seconds may be missing)."""
        rows = self._read().rows(
            "select p.id as point_id, p.name, p.code, p.issued, p.served,"
            " coalesce((select sum(o.n) from page_opens o where o.point_id = p.id), 0) as opens"
            " from points p where p.survey_id = ? order by p.id", [survey_id])
        pending = self.opens.pending
        for row in rows:
            row["opens"] = int(row["opens"]) + sum(n for (point, _), n in pending.items() if point == row["point_id"])
        return rows


class PointNameTaken(ValueError):
    """A rename that would give two points of one survey names that read the same (``same_name``)."""


def _check_counts(issued, served) -> None:
    for name, value in (("issued", issued), ("served", served)):
        if value is not None and (type(value) is not int or not 0 <= value <= MAX_FIELDWORK):
            raise ValueError(f"{name} must be a whole number from 0 to {MAX_FIELDWORK} or None, not {value!r}")


def _record(store, conn, point_id: int, before: dict, issued: int | None, served: int | None, actor: str) -> None:
    """Inside a write transaction: a point's new record and its audit-log line."""
    conn.execute("update points set issued = ?, served = ? where id = ?", [issued, served, point_id])
    detail = (f"{before['name']}：发放份数 {_shown(before['issued'])} → {_shown(issued)}；"
              f"办件量 {_shown(before['served'])} → {_shown(served)}")
    store._audit(conn, Audit(actor, "fieldwork", detail), before["survey_id"])


def _shown(value: int | None) -> str:
    return "—" if value is None else str(value)
