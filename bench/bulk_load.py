"""Append many responses fast (benchmarks, imports), exactly as if each had been submitted: responses,
answers, tallies, hourly response counts and every point's hash chain, so ``store.verify()`` passes.

    bulk_load(store, survey_id=1, questionnaire_version=1, rows=[(point_id, submitted_at, [(q, v), ...]), ...])

One write transaction per ``batch`` responses (``store._write``). SQLite: ``executemany`` in that
transaction. PostgreSQL: ``COPY`` for responses and answers, the few tally and count rows as upserts.
Each batch first takes the head of every point it writes to (``select ... for update``, the lock a
submit takes), so submits arriving meanwhile chain after it instead of forking a chain.

Row ids: SQLite hands out max(id) + 1 inside its write lock. On PostgreSQL the ids are drawn from the
identity sequence itself (``nextval`` once per response, after the heads are locked), so the sequence
is already past them afterwards and a submit running beside the load can never take one of them
(``setval(max(id))`` after explicit ids would race with such a submit).

Check:  .venv/bin/python bench/bulk_load.py   (2,000 responses over 20 points, between real submits, on
SQLite and on a throwaway PostgreSQL cluster; ``store.verify()`` must pass on both)
"""
from __future__ import annotations

import secrets
from collections import Counter
from itertools import islice

from survey_app.store.chain import head_mac, link_hash
from survey_app.store.responses import BUMP_COUNT, BUMP_TALLY, MOVE_HEAD

RESPONSE_COLUMNS = ("id", "survey_id", "point_id", "questionnaire_version", "submission_key", "submitted_at",
                    "seconds_on_page", "language", "device_hash", "channel", "status", "prev_hash", "hash")
ANSWER_COLUMNS = ("response_id", "question_id", "value")
HEADS = {
    "sqlite": "select point_id, hash from chain_heads where point_id in ({marks})",
    "postgresql": "select point_id, hash from chain_heads where point_id in ({marks}) order by point_id for update",
}


def bulk_load(store, *, survey_id: int, questionnaire_version: int, rows, batch: int = 50_000) -> int:
    """Append ``rows`` ((point_id, submitted_at ISO text, [(question_id, value), ...]) each) as valid
    responses in transactions of ``batch``; returns the number written."""
    rows, written, key = iter(rows), 0, store._chain_key()
    while chunk := list(islice(rows, batch)):
        store._write(lambda conn: _append(conn, key, survey_id, questionnaire_version, chunk))
        written += len(chunk)
    return written


def _append(conn, key, survey_id: int, version: int, chunk: list) -> None:
    """One batch: links and head MACs under the store's chain ``key``, exactly as ``save_response`` makes them."""
    points = sorted({point_id for point_id, _, _ in chunk})
    heads = dict(conn.execute(HEADS[conn.kind].format(marks=", ".join("?" * len(points))), points).fetchall())
    missing = set(points) - set(heads)
    if missing:
        raise LookupError(f"no collection point (chain head) with id {sorted(missing)}")
    ids = _new_ids(conn, len(chunk))
    responses, answers, tallies, counts, newest = [], [], Counter(), Counter(), {}
    for rid, (point_id, submitted_at, items) in zip(ids, chunk):
        response = {"survey_id": survey_id, "point_id": point_id, "questionnaire_version": version,
                    "submission_key": secrets.token_urlsafe(12), "submitted_at": submitted_at,
                    "seconds_on_page": None, "language": "zh-CN", "device_hash": None, "channel": "扫码"}
        prev = heads[point_id]
        heads[point_id] = digest = link_hash(key, prev, response, items)
        newest[point_id] = rid
        responses.append((rid, survey_id, point_id, version, response["submission_key"], submitted_at,
                          None, "zh-CN", None, "扫码", "valid", prev, digest))
        answers.extend((rid, q, v) for q, v in items)
        tallies.update((point_id, q, v) for q, v in items)
        counts[(point_id, submitted_at[:13])] += 1
    if conn.kind == "postgresql":
        _copy(conn, "responses", RESPONSE_COLUMNS, responses)
        _copy(conn, "answers", ANSWER_COLUMNS, answers)
    else:
        conn.executemany(f"insert into responses ({', '.join(RESPONSE_COLUMNS)}) values "
                         f"({', '.join('?' * len(RESPONSE_COLUMNS))})", responses)
        conn.executemany("insert into answers (response_id, question_id, value) values (?, ?, ?)", answers)
    # In one order, as every submit bumps them, so a submit beside the load never locks crosswise.
    conn.executemany(BUMP_TALLY, [(survey_id, p, q, v, n) for (p, q, v), n in sorted(tallies.items())])
    conn.executemany(BUMP_COUNT, [(survey_id, p, hour, "valid", n) for (p, hour), n in sorted(counts.items())])
    conn.executemany(MOVE_HEAD, [(newest[p], heads[p], head_mac(key, "point", p, newest[p], heads[p]), p)
                                 for p in sorted(newest)])


def _new_ids(conn, n: int) -> list[int]:
    if conn.kind == "postgresql":
        return sorted(r[0] for r in conn.execute(
            "select nextval(pg_get_serial_sequence('responses', 'id')) from generate_series(1, ?)", [n]).fetchall())
    start = conn.value("select coalesce(max(id), 0) from responses") + 1
    return list(range(start, start + n))


def _copy(conn, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """PostgreSQL's COPY FROM STDIN through psycopg 3 (the one place this file touches the driver)."""
    with conn.raw.cursor().copy(f"copy {table} ({', '.join(columns)}) from stdin") as copy:
        for row in rows:
            copy.write_row(row)


def _check(url: str, n: int = 2000, points: int = 20) -> bool:
    import random
    from datetime import datetime, timedelta, timezone

    from survey_app.store import open_store

    store = open_store(url)
    try:
        store.migrate()
        survey_id = store.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="bulk")
        ids = [store.add_point(survey_id, f"{i}号窗口")["id"] for i in range(points)]

        def submit(k: int) -> None:
            store.save_response(survey_id=survey_id, point_id=ids[k % points], questionnaire_version=1,
                                submission_key=f"real-{k}", answers=[("q1", "A"), ("q2", "B")], seconds_on_page=30,
                                language="zh-CN", device_hash=None)
        for k in range(5):
            submit(k)
        rng, start = random.Random(1), datetime(2024, 8, 1, tzinfo=timezone.utc)
        rows = [(rng.choice(ids), (start + timedelta(minutes=7 * i)).isoformat(timespec="microseconds"),
                 [("age", rng.choice("ABCD")), ("q1", rng.choice("ABCDE")), ("q2", rng.choice("AB"))]) for i in range(n)]
        bulk_load(store, survey_id=survey_id, questionnaire_version=1, rows=rows, batch=700)
        for k in range(5, 10):
            submit(k)
        result = store.verify()
        print(f"{store.kind}: {result.responses:,} responses, verify {'passes' if result.ok else 'FAILS'}"
              f"{'' if result.ok else f': {result.bad_responses[:3]} {result.count_problems[:3]}'}")
        return result.ok
    finally:
        store.close()


if __name__ == "__main__":
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.pg_cluster import Cluster

    with tempfile.TemporaryDirectory(prefix="manyi-bulk-") as folder:
        ok = _check(str(Path(folder) / "bulk.sqlite3"))
    cluster = Cluster()
    try:
        cluster.create_database("bulk")
        ok = _check(cluster.url("bulk")) and ok
    finally:
        cluster.stop()
    sys.exit(0 if ok else 1)
