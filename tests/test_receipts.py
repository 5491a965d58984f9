"""Receipts (issue 13, items 1 and 7): a signed JSON of a survey's chains that the evaluated department keeps;
``manyi verify --receipt`` names what it covers that a database no longer holds, even after a rewrite by
someone who has the chain key, a restored older copy (a lost or truncated WAL), and on a backup read from
read-only media; a damaged file is reported as such."""
import json
import re
import shutil
from pathlib import Path

import pytest

from survey_app.store import open_store
from survey_app.store.chain import head_mac
from survey_app.store.receipts import digest, fingerprint, signature_ok
from tests.helpers import YINING_ANSWERS

ANSWERS = sorted(YINING_ANSWERS.items())


def _save(database, survey_id, point, key):
    return database.save_response(survey_id=survey_id, point_id=point, questionnaire_version=1, submission_key=key,
                                  answers=ANSWERS, seconds_on_page=40, language="zh-CN", device_hash=None)


@pytest.fixture
def survey(database, yining):
    survey_id, codes = yining
    points = [database.point_by_code(code)[0]["id"] for code in codes]
    for i in range(8):
        _save(database, survey_id, points[i % 2], f"r-{i}")
    return survey_id, points


def _roll_back(database, point: int, count: int) -> list[int]:
    """What a holder of the database AND the key can do: delete a point's newest responses and move its head
    back, MACed with the key. Returns the point's response ids as they were, newest first."""
    newest = [r["id"] for r in database.query("select id from responses where point_id = ? order by id desc", [point])]
    for rid in newest[:count]:
        database.execute("delete from answers where response_id = ?", [rid])
        database.execute("delete from responses where id = ?", [rid])
    keep = database.query("select id, hash from responses where id = ?", [newest[count]])[0]
    database.execute("update chain_heads set response_id = ?, hash = ?, mac = ? where point_id = ?",
                     [keep["id"], keep["hash"], head_mac(database.backend.chain_key, "point", point, keep["id"],
                                                         keep["hash"]), point])
    return newest


def _recount(database) -> None:
    """The rest of a consistent rewrite: tallies and counts recomputed from what is left."""
    database.execute("delete from tallies")
    database.execute("insert into tallies (survey_id, point_id, question_id, value, n) select r.survey_id, r.point_id,"
                     " a.question_id, a.value, count(*) from answers a join responses r on r.id = a.response_id"
                     " group by 1, 2, 3, 4")
    database.execute("delete from response_counts")
    database.execute("insert into response_counts (survey_id, point_id, hour, status, n) select survey_id, point_id,"
                     " substr(submitted_at, 1, 13), status, count(*) from responses group by 1, 2, 3, 4")


def _verify(runner, app, receipt_path, db=None):
    args = ["verify", "--receipt", str(receipt_path)] + (["--db", db] if db else [])
    result = runner.invoke(args=args)
    return result.exit_code, result.output


def _receipt(runner, tmp_path, survey_id):
    out = tmp_path / "回执.json"
    result = runner.invoke(args=["receipt", str(survey_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "digest" in result.output and "public key" in result.output
    return out, json.loads(out.read_text(encoding="utf-8"))


def test_a_receipt_is_signed_deterministic_and_checks_without_secrets(database, survey):
    survey_id, _ = survey
    receipt = database.receipt(survey_id)
    assert signature_ok(receipt) and receipt == database.receipt(survey_id)  # same data, same receipt
    assert receipt["counts"] == {"returned": 8, "valid": 8, "excluded": 0}
    assert sum(p["responses"] for p in receipt["points"]) == 8
    forged = {**receipt, "counts": {**receipt["counts"], "returned": 80}}
    assert not signature_ok(forged)
    assert database.check_receipt(forged) == ["the receipt's signature does not fit its content (the receipt was altered)"]
    assert database.check_receipt(receipt) == []


def test_verify_with_the_receipt_passes_on_the_intact_database(app, runner, database, survey, tmp_path):
    path, _ = _receipt(runner, tmp_path, survey[0])
    code, out = _verify(runner, app, path)
    assert code == 0 and out.startswith("OK"), out


def test_a_key_holder_deleting_the_newest_responses_is_caught_by_the_receipt(app, runner, database, survey, tmp_path):
    """Someone with the database AND the key rolls the hall back two answers, recounts and re-MACs the head:
    plain verify passes, the receipt does not."""
    survey_id, (hall, _) = survey
    path, receipt = _receipt(runner, tmp_path, survey_id)
    newest = _roll_back(database, hall, 2)
    _recount(database)
    assert database.verify().ok  # the key holder's rewrite is consistent ...
    code, out = _verify(runner, app, path)
    assert code == 1  # ... but not with what the department kept
    hall_code = next(p["code"] for p in receipt["points"] if p["point_id"] == hall)
    assert f"point {hall_code}: the receipt holds 4 responses up to response id {newest[0]}; the database holds 2 of them: 2 missing" in out


@pytest.mark.sqlite_only  # a restored older file stands for a truncated or damaged WAL: acknowledged answers gone
def test_an_older_copy_restored_in_place_misses_what_the_receipt_covers(app, runner, database, survey, tmp_path):
    survey_id, points = survey
    older = str(tmp_path / "older.sqlite3")
    database.backup(older)
    for i in range(3):
        _save(database, survey_id, points[0], f"late-{i}")
    path, _ = _receipt(runner, tmp_path, survey_id)
    code, out = _verify(runner, app, path, db=older)
    assert code == 1 and "3 missing" in out and "survey" in out


@pytest.mark.sqlite_only
def test_verify_reads_a_backup_on_read_only_media(app, runner, database, survey, tmp_path, monkeypatch):
    """A backup on read-only media: SQLite cannot make its -shm there, so verify reads it immutable."""
    survey_id, _ = survey
    path, _ = _receipt(runner, tmp_path, survey_id)
    media = tmp_path / "dvd"
    media.mkdir()
    copy = str(media / "backup.sqlite3")
    database.backup(copy)
    before = sorted(p.name for p in media.iterdir())
    import survey_app.store.sqlite as sqlite_backend

    monkeypatch.setattr(sqlite_backend, "writable_folder", lambda _: False)  # as a DVD looks (root writes anywhere)
    code, out = _verify(runner, app, path, db=copy)
    assert code == 0, out
    assert sorted(p.name for p in media.iterdir()) == before  # nothing written next to it: no lock, -wal or -shm


@pytest.mark.sqlite_only
def test_a_damaged_file_is_reported_as_damaged_with_what_the_receipt_covers(app, runner, database, survey, tmp_path):
    survey_id, _ = survey
    path, receipt = _receipt(runner, tmp_path, survey_id)
    copy = tmp_path / "damaged.sqlite3"
    database.backup(str(copy))
    data = bytearray(copy.read_bytes())
    for offset in range(4096 * 2, min(len(data), 4096 * 6)):
        data[offset] = 0xA5  # pages of the tables overwritten
    copy.write_bytes(bytes(data))
    code, out = _verify(runner, app, path, db=str(copy))
    assert code == 1
    assert "is damaged" in out or "FAILED" in out
    if "is damaged" in out:
        assert f"covers {receipt['points'][0]['responses']} responses" in out


def test_the_documents_print_the_receipt_and_the_page_offers_it(app, database, survey, admin_client):
    from tests.reports_helpers import download

    survey_id, _ = survey
    receipt = json.loads(download(admin_client, survey_id, "receipt").get_data())
    assert signature_ok(receipt)
    import docx
    import io

    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex")
                                                                .get_data())).paragraphs)
    assert f"回执摘要 {digest(receipt)[:16]}" in annex and fingerprint(receipt["public_key"]) in annex
    paper = docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-c51").get_data()))
    cells = "\n".join(c.text for t in paper.tables for row in t.rows for c in row.cells)
    assert f"回执摘要 {digest(receipt)[:16]}" in cells
    page = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert f"/admin/surveys/{survey_id}/export/receipt" in page
    # one code everywhere: the page prints the documents' receipt digest, and no other digest of the chains
    assert f"回执摘要 {digest(receipt)[:16]}" in page and "数据校验码" not in page
    assert re.search(r"截至 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d（UTC\+8）的数据", page)  # the zone: the file says UTC
    assert database.survey_digest(survey_id)[1][:16] not in page


def test_a_receipt_of_another_database_or_a_bad_file_is_refused(app, runner, database, survey, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, out = _verify(runner, app, bad)
    assert code != 0 and "is not a Manyi receipt (not JSON)" in out and "Traceback" not in out
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    code, out = _verify(runner, app, other)
    assert code != 0 and "is not a Manyi receipt" in out


def test_a_keyless_copy_is_not_trusted(app, database, survey, tmp_path):
    receipt = database.receipt(survey[0])
    stranger = open_store(app.config["DATABASE"], chain_key="another key")
    try:
        problems = stranger.check_receipt(receipt)  # one line naming both keys, no misleading "rewritten" lines
        assert len(problems) == 1 and "signed with another key" in problems[0]
        assert fingerprint(receipt["public_key"]) in problems[0] and "not checked against this data" in problems[0]
    finally:
        stranger.close()
    other = open_store(str(tmp_path / "other.sqlite3"), chain_key=database.backend.chain_key)  # same key, other data
    try:
        other.migrate()
        assert other.check_receipt(receipt) == [f"survey {survey[0]} of the receipt is not in this database"]
    finally:
        other.close()



@pytest.mark.sqlite_only
def test_a_flipped_byte_in_the_wal_loses_answers_and_the_receipt_names_them(app, runner, database, survey, tmp_path):
    """The issue's case: a byte flipped in the write-ahead log makes SQLite drop every commit after it, and a
    verify without a receipt says intact. A crash-consistent copy (file and -wal, taken while the server runs)
    is damaged in its WAL; verify --receipt counts what is gone."""
    survey_id, points = survey
    for i in range(12):
        _save(database, survey_id, points[i % 2], f"wal-{i}")
    path, receipt = _receipt(runner, tmp_path, survey_id)
    source = database.path
    copy = tmp_path / "copy" / "manyi.sqlite3"
    copy.parent.mkdir()
    shutil.copyfile(source, copy)
    wal = bytearray(Path(source + "-wal").read_bytes())
    assert len(wal) > 32 + 4096 * 4, "the answers are still in the WAL"
    frame = 32 + (4096 + 24) * (len(wal) // (4096 + 24) // 2)  # a frame in the middle
    wal[frame + 24 + 100] ^= 0xFF
    (copy.parent / "manyi.sqlite3-wal").write_bytes(bytes(wal))
    code, out = _verify(runner, app, path, db=str(copy))
    assert code == 1 and "missing" in out, out


# -- the anchors file (manyi anchor, hourly): every survey's receipt, appended outside the database ---------------

def _anchor(runner, path):
    result = runner.invoke(args=["anchor", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_anchor_appends_a_line_only_for_surveys_that_changed(app, runner, database, survey, tmp_path):
    survey_id, points = survey
    other = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="另一项调查",
                                   department="某局", year=2024, target=90.0)
    path = tmp_path / "anchors" / "heads.jsonl"
    path.parent.mkdir()
    assert "Appended 2 receipt(s)" in _anchor(runner, path)
    assert [r["survey_id"] for r in _lines(path)] == [survey_id, other]
    assert "Appended 0 receipt(s)" in _anchor(runner, path) and len(_lines(path)) == 2  # nothing changed
    _save(database, survey_id, points[0], "after-the-anchor")
    assert "Appended 1 receipt(s)" in _anchor(runner, path)
    lines = _lines(path)
    assert len(lines) == 3 and lines[-1]["survey_id"] == survey_id and lines[-1]["counts"]["returned"] == 9
    assert all(signature_ok(r) for r in lines) and lines[-1] == database.receipt(survey_id)
    code, out = _verify(runner, app, path)
    assert code == 0 and out.startswith("OK"), out


def test_the_anchors_catch_a_key_holder_rolling_back_a_point(app, runner, database, survey, tmp_path):
    """The newest line of each survey is checked against the data: two answers deleted and the head re-MACed
    with the key is caught, and named with its survey and line."""
    survey_id, (hall, _) = survey
    path = tmp_path / "heads.jsonl"
    _anchor(runner, path)
    _save(database, survey_id, hall, "late-1")
    _anchor(runner, path)
    _roll_back(database, hall, 2)
    code, out = _verify(runner, app, path)
    assert code == 1
    assert f"line 2 (survey {survey_id}, as of " in out and "2 missing" in out and "FAILED" in out
    # anchoring the rewritten state is refused: it would hide the rewrite from every later check
    before = path.read_text(encoding="utf-8")
    result = runner.invoke(args=["anchor", str(path)])
    assert result.exit_code == 1 and "nothing appended" in result.output and "2 missing" in result.output
    assert path.read_text(encoding="utf-8") == before
    # the key holder appends a line signed for the rewritten state (an append-only file allows appends):
    # the older lines still hold what was there, and verify reads every line
    _recount(database)
    assert database.verify().ok
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(database.receipt(survey_id)) + "\n")
    code, out = _verify(runner, app, path)
    assert code == 1 and "line 2 (survey" in out and "line 3" not in out


def test_an_altered_or_torn_anchors_file_is_reported(app, runner, database, survey, tmp_path):
    survey_id, points = survey
    path = tmp_path / "heads.jsonl"
    _anchor(runner, path)
    _save(database, survey_id, points[0], "late-1")
    _anchor(runner, path)
    first, second = path.read_text(encoding="utf-8").splitlines()
    forged = json.loads(first)
    forged["counts"]["returned"] = 800
    path.write_text(json.dumps(forged) + "\n" + second + "\n", encoding="utf-8")
    code, out = _verify(runner, app, path)
    assert code == 1 and "line 1 (survey " in out and "the receipt's signature does not fit its content" in out
    path.write_text(first + "\n" + second[:40], encoding="utf-8")  # an append cut short (a crash mid-write)
    code, out = _verify(runner, app, path)  # the complete lines are checked; the cut one is named and left out
    assert code == 0 and "line 2: cut short by an append that did not finish; left out" in out, out
    result = runner.invoke(args=["anchor", str(path)])  # never appends after a torn line: says how to repair
    assert result.exit_code != 0 and "line 2: cut short" in result.output and "Remove that" in result.output
    assert path.read_text(encoding="utf-8") == first + "\n" + second[:40]
    receipt_path, _ = _receipt(runner, tmp_path, survey_id)  # a kept receipt is never appended to nor replaced
    kept = receipt_path.read_text(encoding="utf-8")
    result = runner.invoke(args=["anchor", str(receipt_path)])
    assert result.exit_code != 0 and "is a single receipt" in result.output
    result = runner.invoke(args=["receipt", str(survey_id), "--out", str(receipt_path)])
    assert result.exit_code != 0 and "exists already" in result.output and receipt_path.read_text(encoding="utf-8") == kept
    result = runner.invoke(args=["receipt", str(survey_id), "--out", str(tmp_path / "no-such-folder" / "r.json")])
    assert result.exit_code != 0 and "cannot write" in result.output and "Traceback" not in result.output
    result = runner.invoke(args=["anchor", str(tmp_path / "no-such-folder" / "heads.jsonl")])
    assert result.exit_code != 0 and "cannot append to" in result.output and "Traceback" not in result.output


def test_backup_never_replaces_a_file_and_anchor_refuses_an_empty_database(app, runner, database, survey, tmp_path):
    """`manyi backup` onto the live file (or any existing file) would swap the file under the running server's
    open connections: refused, nothing changed. An anchor run against a database with no survey (a cron job
    without FLASK_DATABASE) fails instead of anchoring nothing every hour."""
    kept = tmp_path / "r.json"
    kept.write_text("{}", encoding="utf-8")
    live = [app.config["DATABASE"]] if database.kind == "sqlite" else []
    for target in live + [str(kept)]:
        result = runner.invoke(args=["backup", target])
        assert result.exit_code != 0 and "exists already" in result.output
    assert kept.read_text(encoding="utf-8") == "{}" and database.response_count() == 8
    from survey_app import create_app
    from survey_app.store import EXTENSION

    empty = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "empty.sqlite3")})
    try:
        result = empty.test_cli_runner().invoke(args=["anchor", str(tmp_path / "heads.jsonl")])
    finally:
        empty.extensions[EXTENSION].close()
    assert result.exit_code != 0 and "holds no survey: nothing to anchor" in result.output
    assert not (tmp_path / "heads.jsonl").exists()


def test_a_status_other_than_valid_or_excluded_is_named(database, survey):
    """A holder without the key 'voids' a response and recounts: it drops out of every figure, in no audit line."""
    rid = database.query("select id from responses order by id limit 1")[0]["id"]
    database.execute("update responses set status = 'void' where id = ?", [rid])
    _recount(database)
    found = database.verify()
    assert (rid, "status 'void' does not match the audit log (last entry: none)") in found.bad_responses


def test_a_key_holder_back_dating_an_exclusion_is_caught_by_the_receipt(app, runner, database, survey, tmp_path,
                                                                        monkeypatch):
    """With the key, exclusions can be written as if made before the receipt: plain verify passes, the receipt
    names the line the log did not hold when it was signed."""
    import survey_app.store.audit as audit
    survey_id, _ = survey
    path, receipt = _receipt(runner, tmp_path, survey_id)
    rid = database.query("select id from responses order by id limit 1")[0]["id"]
    monkeypatch.setattr(audit, "utcnow", lambda: "2020-01-01T00:00:00")
    assert database.set_response_status(rid, status="excluded", reason="答题过快", user="demo")
    monkeypatch.undo()
    assert database.verify().ok and database.receipt(survey_id)["counts"]["excluded"] == 1
    code, out = _verify(runner, app, path)
    assert code == 1 and "1 audit line(s) dated before the receipt's time" in out and "back-dated" in out, out


def test_a_status_changed_before_the_receipt_without_its_audit_line_is_named(database, survey):
    """The receipt's signed 有效/剔除 counts are checked against the audit log up to the receipt."""
    survey_id, _ = survey
    receipt = database.receipt(survey_id)
    forged = {**receipt, "counts": {**receipt["counts"], "valid": 7, "excluded": 1}}
    body = {k: v for k, v in forged.items() if k != "signature"}
    from survey_app.store.receipts import _canonical, signing_key
    forged["signature"] = signing_key(database.backend.chain_key).sign(_canonical(body)).hex()
    assert any("the receipt signed 7 有效 and 1 剔除" in p for p in database.check_receipt(forged))
    assert database.check_receipt(receipt) == []


def test_a_receipt_is_read_in_one_snapshot_while_evaluators_exclude(app, database, survey, monkeypatch):
    """An exclusion committed between the receipt's audit-head and count queries must not make a receipt that
    signs counts its own audit head cannot explain (a false 'status changed' alarm that would stop anchoring)."""
    survey_id, _ = survey
    rid = database.query("select id from responses order by id limit 1")[0]["id"]
    other = open_store(app.config["DATABASE"])  # another evaluator's server
    real_snapshot, fired = database.snapshot, []

    class Interleaved:
        def __init__(self, conn):
            self.conn = conn

        def __getattr__(self, name):
            return getattr(self.conn, name)

        def execute(self, sql, params=()):
            if "from response_counts where survey_id = ? group by status" in sql and not fired:
                fired.append(other.set_response_status(rid, status="excluded", reason="重复", user="wang"))
            return self.conn.execute(sql, params)

    def snapshot():
        class Wrapped:
            def __enter__(self_inner):
                self_inner.cm = real_snapshot()
                snap = self_inner.cm.__enter__()
                read = snap._read
                snap._read = lambda: Interleaved(read())
                return snap

            def __exit__(self_inner, *exc):
                return self_inner.cm.__exit__(*exc)
        return Wrapped()

    monkeypatch.setattr(database, "snapshot", snapshot)
    try:
        receipt = database.receipt(survey_id)
    finally:
        other.close()
    assert fired == [True] and receipt["counts"]["excluded"] == 0  # the receipt's moment: before the exclusion
    monkeypatch.undo()
    assert database.check_receipt(receipt) == [] and database.receipt(survey_id)["counts"]["excluded"] == 1


def test_a_key_holder_back_dating_responses_is_caught_by_the_receipt(app, runner, database, survey, tmp_path,
                                                                     monkeypatch):
    """With the key, answers can be added after a receipt as if stored before it, at a point the receipt had
    and at one added since: plain verify passes, the receipt names them as back-dated."""
    import survey_app.store.responses as responses
    survey_id, points = survey
    path, _ = _receipt(runner, tmp_path, survey_id)
    new_point = database.add_point(survey_id, "3号窗口")["id"]
    monkeypatch.setattr(responses, "utcnow", lambda: "2020-01-01T00:00:00.000000+00:00")
    first = _save(database, survey_id, points[0], "late-1").response_id
    _save(database, survey_id, new_point, "late-2")
    monkeypatch.undo()
    _save(database, survey_id, points[1], "on-time")  # stored now, dated now: nothing to name
    assert database.verify().ok
    code, out = _verify(runner, app, path)
    assert code == 1 and f"2 response(s) dated before the receipt's time" in out and f"response {first}" in out, out


def test_an_exclusion_filed_in_a_made_up_surveys_chain_is_found(app, runner, database, survey, tmp_path):
    """With the key, an exclusion line can be written in the chain of a survey that does not exist, leaving the
    real survey's chain untouched: verify counts only the response's own survey's lines, and names the stray
    chain."""
    from survey_app.store.audit import entry_link
    survey_id, _ = survey
    path, _ = _receipt(runner, tmp_path, survey_id)
    rid = database.query("select id from responses order by id limit 1")[0]["id"]
    at = "2020-01-01T00:00:00.000000+00:00"
    entry = {"at": at, "user": "demo", "action": "exclude", "survey_id": 999, "response_id": rid,
             "detail": "重复作答", "state": ""}
    database.execute("insert into audit_log (at, \"user\", action, survey_id, response_id, detail, state, prev_hash,"
                     " hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [at, "demo", "exclude", 999, rid, "重复作答", "", "", entry_link(database.backend.chain_key, "", entry)])
    database.execute("update responses set status = 'excluded', exclude_reason = '重复作答' where id = ?", [rid])
    _recount(database)
    database.execute("delete from tallies where n = 0")
    found = database.verify()
    assert (rid, "status 'excluded' does not match the audit log (last entry: none)") in found.bad_responses
    assert any("audit lines of survey 999, which is not in this database" in p for p in found.count_problems)
    code, out = _verify(runner, app, path)
    assert code == 1 and "1 audit line(s) dated before the receipt's time" in out and "back-dated" in out, out


def test_a_response_from_a_server_a_minute_behind_is_not_called_back_dated(database, survey, monkeypatch):
    """Servers' clocks may drift apart after the 5 s start check: an answer stored after a receipt by a server
    up to CLOCK_SLACK_SECONDS behind is not back-dated; one dated further before the receipt's time is."""
    from datetime import datetime

    import survey_app.store.responses as responses
    from survey_app.store.common import iso_time
    from survey_app.store.servers import CLOCK_SLACK_SECONDS
    survey_id, points = survey
    receipt = database.receipt(survey_id)
    as_of = datetime.fromisoformat(receipt["as_of"]).timestamp()
    monkeypatch.setattr(responses, "utcnow", lambda: iso_time(as_of - 60))
    _save(database, survey_id, points[0], "a-minute-behind")
    assert database.check_receipt(receipt) == []
    monkeypatch.setattr(responses, "utcnow", lambda: iso_time(as_of - CLOCK_SLACK_SECONDS - 1))
    _save(database, survey_id, points[1], "too-far-behind")
    [problem] = database.check_receipt(receipt)
    assert "1 response(s) dated before the receipt's time" in problem, problem


def test_verify_prints_the_receipt_digest_key_and_local_time_the_documents_print(app, runner, database, survey,
                                                                                   admin_client, tmp_path):
    """The department matches its file to the paper: ``manyi verify --receipt`` prints the 回执摘要, the public
    key's fingerprint and the local time exactly as the annex and the working paper print them (the file's
    as_of is UTC), and the documents tell the department to keep the file, not to run a shell command."""
    import io

    import docx

    from tests.reports_helpers import download
    survey_id, _ = survey
    path = tmp_path / "数据回执.json"
    path.write_bytes(download(admin_client, survey_id, "receipt").get_data())
    receipt = json.loads(path.read_text(encoding="utf-8"))
    annex = "\n".join(p.text for p in docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-annex")
                                                                .get_data())).paragraphs)
    paper = docx.Document(io.BytesIO(download(admin_client, survey_id, "docx-c51").get_data()))
    cells = "\n".join(c.text for t in paper.tables for row in t.rows for c in row.cells)
    printed = re.search(r"截至 (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（UTC\+8）)的数据.*回执摘要 ([0-9a-f]{16})，"
                        r"评价机构签名公钥指纹 ([0-9A-F ]{24})。", annex)
    assert printed, annex
    when, short, key = printed.groups()
    assert when in cells and f"回执摘要 {short}" in cells and key in cells
    code, out = _verify(runner, app, path)
    assert code == 0, out
    assert f"回执摘要 {short}" in out and f"公钥指纹 {key}" in out and when in out
    assert receipt["as_of"][:19].replace("T", " ") in out  # and the file's own UTC time beside it
    for document in (annex, cells):
        assert "manyi verify" not in document
        assert "被评价单位可保存回执文件，日后请评价机构或第三方据此核验数据未被改动。" in document
