"""The PostgreSQL submit as one statement (store/responses.py SAVE_PG, run outside a transaction): its chain
link is computed by PostgreSQL and must be link_hash's byte for byte (HMAC under the chain key); submits that queue for one point's head
each link to the newest head; a retried key never stores twice; the tallies and counts stay exact."""
import hashlib
import json
import random

import psycopg
import pytest

from survey_app.store import ChainKey, open_store
from survey_app.store.chain import chain_parts, link_hash
from survey_app.store.common import Conn
from survey_app.store.responses import Saved
from tests.helpers import YINING_ANSWERS, at_once

pytestmark = pytest.mark.postgresql_only
ANSWERS = sorted(YINING_ANSWERS.items())


def submit(store, survey_id, point_id, key, answers=ANSWERS):
    return store.save_response(survey_id=survey_id, point_id=point_id, questionnaire_version=1,
                               submission_key=key, answers=answers, seconds_on_page=30, language="zh-CN",
                               device_hash=None)


@pytest.fixture
def points(database, yining):
    survey_id, codes = yining
    return survey_id, [database.point_by_code(c)[0]["id"] for c in codes]


def stored_answers(database, response_id):
    return [tuple(a) for a in database.execute("select question_id, value from answers where response_id = ?",
                                               [response_id]).fetchall()]


AWKWARD_HEADS = ["", "0" * 64, 'a"b\\c', "tab\there\nnew\rline\b\f", "\x01\x1f\x7f", "中文é🙂", "\\u0000"]


@pytest.mark.parametrize("head", AWKWARD_HEADS)
def test_the_link_computed_by_postgresql_is_link_hash_byte_for_byte(database, points, head):
    """Whatever a head holds (hex in practice; anything after tampering), PostgreSQL hashes what
    link_hash does: HMAC(key, before || to_json(prev) || after) with chain_parts' two halves."""
    survey_id, (point, _) = points
    database.execute("update chain_heads set hash = ? where point_id = ?", [head, point])
    answers = ANSWERS + [("q_text", 'quote " back \\ slash \n 中文 \u2028 "prev":""')]
    saved = submit(database, survey_id, point, 'key-"prev":""-\\-中', answers)
    row = database.query("select * from responses where id = ?", [saved.response_id])[0]
    assert row["prev_hash"] == head
    assert row["hash"] == link_hash(database.backend.chain_key, head, row, stored_answers(database, saved.response_id))
    assert database.query("select response_id, hash from chain_heads where point_id = ?", [point]) \
        == [{"response_id": saved.response_id, "hash": row["hash"]}]
    assert not database.verify().ok or head == ""  # a head written behind Manyi's back fails its MAC


def test_chain_parts_cut_where_the_previous_hash_goes():
    response = {"survey_id": 3, "point_id": 7, "questionnaire_version": 2, "submission_key": '"prev":""',
                "submitted_at": "2024-05-01T00:00:00.000000+00:00", "seconds_on_page": None,
                "language": '"prev":""', "device_hash": None, "channel": "扫码"}
    answers = [("q1", '","prev":"'), ("q2", "5")]
    before, after = chain_parts(response, answers)
    assert before.endswith(b'"prev":') and after == b',"seconds":null,"survey":3,"version":2}'
    key = ChainKey("a key")
    for prev in AWKWARD_HEADS:
        text = json.dumps(prev, ensure_ascii=False).encode()
        assert key.mac(before + text + after) == link_hash(key, prev, response, answers)


def test_a_submit_is_one_statement_outside_any_transaction(database, points, monkeypatch):
    survey_id, (point, _) = points
    submit(database, survey_id, point, "warm")  # the connection opened
    sent = []
    execute = Conn.execute

    def counted(self, sql, params=()):
        sent.append(sql)
        return execute(self, sql, params)
    monkeypatch.setattr(Conn, "execute", counted)
    monkeypatch.setattr(psycopg.Connection, "transaction", lambda *a, **k: pytest.fail("a transaction block"))
    assert submit(database, survey_id, point, "one").created
    assert len(sent) == 1  # one round trip: no BEGIN, no COMMIT, no head read first
    first = database.response_for_key("one")
    sent.clear()
    assert submit(database, survey_id, point, "one") == Saved(first, False)
    assert len(sent) == 2  # a retry: the statement, then the lookup of the stored answer's id


def test_an_unknown_point_stores_nothing(database, points):
    survey_id, _ = points
    with pytest.raises(LookupError):
        submit(database, survey_id, 10**9, "nowhere")
    assert database.response_count() == 0 and database.response_for_key("nowhere") is None


def test_sixteen_citizens_at_one_point_make_one_valid_chain_with_exact_counts(database, points):
    """16 threads × 50 submits queue for one head: each must link to the head its predecessor left,
    not the one its statement's snapshot saw."""
    survey_id, (point, other) = points
    per_thread = 50
    found = at_once(16, lambda i: [submit(database, survey_id, point, f"t{i}-{n}").created
                                   for n in range(per_thread)])
    assert not [r for r in found if isinstance(r, Exception)], found
    assert all(all(r) for r in found)
    total = 16 * per_thread
    assert database.response_count(survey_id) == total
    rows = database.query("select id, prev_hash, hash from responses where point_id = ? order by id", [point])
    assert len(rows) == total
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:]))  # one unbroken line
    head = database.query("select response_id, hash from chain_heads where point_id = ?", [point])[0]
    assert head == {"response_id": rows[-1]["id"], "hash": rows[-1]["hash"]}
    tallies = database.query("select question_id, value, n from tallies where point_id = ?", [point])
    assert sorted((t["question_id"], t["value"], t["n"]) for t in tallies) == [(q, v, total) for q, v in ANSWERS]
    assert database.query("select sum(n) as n from response_counts where point_id = ?", [point]) == [{"n": total}]
    result = database.verify()
    assert result.ok and result.responses == total, result


def test_retries_of_the_same_keys_at_once_store_each_once(database, points):
    """16 threads send the same 30 keys over two points in their own orders (a phone retrying while
    its first try is still in flight): one response per key, every caller told the same id."""
    survey_id, pair = points
    keys = [f"k{n}" for n in range(30)]

    def citizen(i):
        order = keys[:]
        random.Random(i).shuffle(order)
        return {k: submit(database, survey_id, pair[int(k[1:]) % 2], k) for k in order}
    found = at_once(16, citizen)
    assert not [r for r in found if isinstance(r, Exception)], found
    for k in keys:
        answers = [f[k] for f in found]
        assert len({s.response_id for s in answers}) == 1 and None not in {s.response_id for s in answers}
        assert [s.created for s in answers].count(True) == 1
    assert database.response_count(survey_id) == len(keys)
    tallies = database.query("select sum(n) as n from tallies where survey_id = ?", [survey_id])
    assert tallies == [{"n": len(keys) * len(ANSWERS)}]
    assert database.verify().ok


def test_submits_beside_exclusions_and_other_servers_at_one_point_verify(database, points, app):
    """Submits from several stores (servers) while an evaluator excludes and restores at the same point:
    the exclusion takes the head first, as the one statement does; no deadlock, every count exact."""
    survey_id, (point, _) = points
    first = submit(database, survey_id, point, "first").response_id
    stores = [open_store(app.config["DATABASE"]) for _ in range(4)]
    try:
        def work(i):
            if i == 0:
                for n in range(40):
                    stores[0].set_response_status(first, status="excluded" if n % 2 == 0 else "valid",
                                                  reason="复核", user="u")
                return None
            return [submit(stores[i], survey_id, point, f"s{i}-{n}").created for n in range(60)]
        found = at_once(4, work)
    finally:
        for store in stores:
            store.close()
    assert not [r for r in found if isinstance(r, Exception)], found
    assert database.response_count(survey_id) == 1 + 3 * 60
    assert database.verify().ok
