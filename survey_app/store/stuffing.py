"""Ballot-stuffing counters (issue #13 item 2): token buckets per device and per hashed network address,
and each collection point's submits per minute (the 异常集中提交 flag), kept in two small tables so every
gunicorn worker and every server sees the same counts.

A submit's claim is its own write, before the save and apart from it: on PostgreSQL ONE statement (its own
transaction, committed without waiting for the WAL flush: a lost counter after a crash costs nothing, and
the hot rows, one per hall address and per point-minute, are locked only while the statement runs); on
SQLite one short transaction that is not fdatasynced by itself (the save's sync that follows covers it).

Buckets: ``tokens`` refill at ``rate`` per second up to ``capacity``; a claim takes one token or, when
fewer than one is left, changes nothing and is refused. The device's bucket is tried first and the address's
only when the device got its token, so one phone over its limit does not drain its hall's bucket. A key
that is stored already (a retry, the back button) is answered as such and counts nowhere.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

# The level of a bucket row after refilling, capped, never lowered by a clock that went back.
_LEVEL = ("(case when submit_limits.tokens + (case when :now > submit_limits.at then :now - submit_limits.at"
          " else 0 end) * {rate} > {capacity} then {capacity} else submit_limits.tokens + (case when :now >"
          " submit_limits.at then :now - submit_limits.at else 0 end) * {rate} end)")


def _take(key: str, rate: str, capacity: str, source: str = "", condition: str = "true") -> str:
    """Upsert one bucket: a new row starts full less one; an old one gives a token only when it has one
    (no row comes back otherwise: refused). ``source``: PostgreSQL's FROM of a previous CTE; the WHERE
    is there for SQLite, which needs one in an INSERT … SELECT … ON CONFLICT."""
    level = _LEVEL.format(rate=rate, capacity=capacity)
    select = (f"select cast({key} as text), cast({capacity} as double precision) - 1, cast(:now as double precision)"
              + (f" from {source}" if source else "") + f" where {condition}")
    return (f"insert into submit_limits (key, tokens, at) {select}"
            f" on conflict (key) do update set tokens = {level} - 1, at = :now where {level} >= 1 returning 1")


_STORED = "select 1 from responses where submission_key = :key"
_PACE = ("insert into point_pace (point_id, minute, n) values (:point, :minute, 1)"
         " on conflict (point_id, minute) do update set n = point_pace.n + 1")
# PostgreSQL: the whole claim in one statement. Nothing is counted for a stored key (``k``); the address is
# tried only when the device got its token (``a`` selects from ``d``). set_config(…, true) makes this
# statement's own transaction commit without waiting for the WAL flush.
CLAIM_PG = (
    "with k as (" + _STORED + "),"
    " p as (insert into point_pace (point_id, minute, n) select cast(:point as bigint), cast(:minute as bigint), 1"
    " where not exists (select 1 from k)"
    " on conflict (point_id, minute) do update set n = point_pace.n + 1 returning n),"
    " d as (" + _take(":dkey", ":drate", ":dcap", condition="not exists (select 1 from k)") + "),"
    " a as (" + _take(":akey", ":arate", ":acap", "d") + ")"
    " select (select count(*) from k), (select count(*) from d), (select count(*) from a),"
    " set_config('synchronous_commit', 'off', true)")
TAKE_DEVICE = _take(":dkey", ":drate", ":dcap")  # SQLite: one statement each, in one transaction
TAKE_ADDRESS = _take(":akey", ":arate", ":acap")
_PRUNE = ("delete from point_pace where minute < :old_minute and n <= :burst",
          "delete from submit_limits where at < :old")
PRUNE_EVERY = 200  # one claim in this many also deletes counters that no longer matter


@dataclass(frozen=True)
class Limits:
    """Bucket sizes: ``*_capacity`` answers at once, then ``*_per_minute``; ``burst`` is the 异常集中提交
    threshold (submits a point takes in one minute)."""
    device_capacity: float
    device_per_minute: float
    address_capacity: float
    address_per_minute: float
    burst: int


@dataclass(frozen=True)
class Claim:
    params: dict
    limits: Limits


def claim_in(conn, claim: Claim) -> str:
    """SQLite: the claim's statements inside the caller's write transaction."""
    params = claim.params
    if conn.value(_STORED, params) is not None:
        return "stored"
    conn.execute(_PACE, params)
    if conn.value(TAKE_DEVICE, params) is None:
        return "device"
    return _verdict(0, 1, conn.value(TAKE_ADDRESS, params) is not None)


class Stuffing:
    def claim_submit(self, *, submission_key: str, point_id: int, device_key: str, address_key: str,
                     limits: Limits) -> str:
        """Count one submit against its device, its address and its point's minute, before it is saved:
        "ok" (go ahead), "stored" (the key is stored already: a retry; nothing counted), "device" or
        "address" (that bucket is empty: refused; the point's minute still counts it). The citizen's
        submit passes the same ``Claim`` to ``save_response``, which on SQLite claims in the save's own
        transaction (one write turn, one sync)."""
        claim = self.claim(submission_key=submission_key, point_id=point_id, device_key=device_key,
                           address_key=address_key, limits=limits)
        if self.kind == "postgresql":
            verdict = self._claim_apart(claim)
        else:
            verdict = self.backend.write(lambda conn: claim_in(conn, claim), durable=False)
        self._maybe_prune(claim)
        return verdict

    def claim(self, *, submission_key: str, point_id: int, device_key: str, address_key: str, limits: Limits) -> "Claim":
        """What a submit claims, for ``claim_submit`` or ``save_response(claim=…)``."""
        now = self.wall_clock()
        return Claim({"key": submission_key, "point": point_id, "minute": int(now // 60), "now": now,
                      "dkey": "d:" + device_key, "drate": limits.device_per_minute / 60, "dcap": limits.device_capacity,
                      "akey": "a:" + address_key, "arate": limits.address_per_minute / 60,
                      "acap": limits.address_capacity}, limits)

    def _claim_apart(self, claim: "Claim") -> str:
        """PostgreSQL: the claim as its own statement and transaction (CLAIM_PG)."""
        def one_statement(conn):
            stored, device, address, _ = conn.one(CLAIM_PG, claim.params)
            return _verdict(stored, device, address)
        return self.backend.write(one_statement, transaction=False)

    def _maybe_prune(self, claim: "Claim") -> None:
        if random.randrange(PRUNE_EVERY) == 0:
            self.prune_stuffing_counters(claim.limits)

    def prune_stuffing_counters(self, limits: Limits) -> None:
        """Delete point minutes of an ordinary pace older than ten minutes, and buckets that would be full
        again by now (a row that is gone counts as full)."""
        now = self.wall_clock()
        slowest = min(limits.device_per_minute / limits.device_capacity,
                      limits.address_per_minute / limits.address_capacity) / 60  # of a bucket's capacity a second
        params = {"old_minute": int(now // 60) - 10, "burst": limits.burst, "old": now - 1 / max(slowest, 1e-9)}

        def body(conn):
            for sql in _PRUNE:
                conn.execute(sql, params)
        self._write(body, durable=False)  # deleting counters: a crash may lose it, no submit waits for a standby

    def device_submission_key(self, survey_id: int, device_hash: str) -> str | None:
        """The submission key of the survey's first response from this device, if any (每台设备限答一次)."""
        return self._read().value("select submission_key from responses where survey_id = ? and device_hash = ?"
                                  " order by id limit 1", [survey_id, device_hash])

    # -- the 异常集中提交 flag -----------------------------------------------------------------------

    def burst_minutes(self, survey_id: int, *, burst: int) -> list[dict]:
        """The minutes in which a point of the survey took more than ``burst`` submits (refused ones
        included): [{point_id, point_name, minute (epoch minutes), n}], oldest first."""
        return self._read().rows(
            "select s.point_id, p.name as point_name, s.minute, s.n from point_pace s join points p on p.id = s.point_id"
            " where p.survey_id = ? and s.n > ? order by s.minute, p.name", [survey_id, burst])


def _verdict(stored, device, address) -> str:
    if stored:
        return "stored"
    if not device:
        return "device"
    return "ok" if address else "address"


# A response's minute (epoch minutes) from its submitted_at text, in each dialect: the one place they differ.
RESPONSE_MINUTE = {
    "sqlite": "(cast(strftime('%s', substr(r.submitted_at, 1, 19)) as integer) / 60)",
    "postgresql": "cast(floor(extract(epoch from cast(r.submitted_at as timestamptz)) / 60) as bigint)",
}


def burst_sql(kind: str) -> str:
    """The flag as a condition on a response ``r``: its point took more than ``:burst`` submits in its
    minute or the minute before or after (the claim's clock and the save's differ by a moment)."""
    minute = RESPONSE_MINUTE[kind]
    return (f"(r.channel in ('扫码', '平板') and exists (select 1 from point_pace s where s.point_id = r.point_id and"
            f" s.minute between {minute} - 1 and {minute} + 1 and s.n > :burst))")  # paper entered then is no burst
