"""Tamper evidence (`manyi verify`) and online backups (`manyi backup`).

An answer edited directly in the SQLite file is named by `manyi verify`, which exits non-zero; an
intact database exits 0. A backup taken while a real server takes submissions holds every response
acknowledged before the backup began, and verifies.
"""
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import YINING_ANSWERS
from tests.live import SECRET
from tests.submitter import Citizen, new_nonce
from survey_app.store import chain_hash, open_store

MANYI = str(Path(sys.executable).parent / "manyi")


def store(database, survey_id, point_code, n):
    point = database.point_by_code(point_code)[0]
    for i in range(n):
        answers = {**YINING_ANSWERS, "q5": "ABCDE"[i % 5]}
        database.save_response(survey_id=survey_id, point_id=point["id"], questionnaire_version=1,
                         submission_key=new_nonce(), answers=sorted(answers.items()), seconds_on_page=30,
                         language="zh-CN", device_hash=None)


@pytest.fixture
def stored(app, yining, database):
    survey_id, (hall, window) = yining
    store(database, survey_id, hall, 3)
    store(database, survey_id, window, 2)
    return app.config["DATABASE"]


def verify(runner, path):
    result = runner.invoke(args=["verify", "--db", path])
    return result.exit_code, result.output


def test_intact_database_verifies(runner, stored):
    code, out = verify(runner, stored)
    assert code == 0 and out.strip().startswith("OK: 5 responses, hash chains and tallies intact ("), out


@pytest.mark.parametrize("before", ["m014", "m013"])
def test_a_keyed_backup_made_before_a_later_migration_still_verifies(runner, stored, database, before):
    """verify reads a backup as it is, unmigrated: one made before 项目名称 (m014) or before the breakdown tables
    (m013) lacks their columns and tables, and must verify, not be called damaged (a review found both)."""
    database.group_counts(database.list_surveys()[0]["id"], "gender", "q5")  # some folded counts, as a live file has
    database.execute("alter table surveys drop column project")
    if before == "m013":
        for table in ("group_tallies", "group_folds", "population_margins"):
            database.execute(f"drop table {table}")
        database.execute("alter table surveys drop column compare_with")
    code, out = verify(runner, stored)
    assert code == 0 and out.startswith("OK: 5 responses"), out


def test_edited_answer_is_named_and_verify_fails(runner, stored, database):
    database.execute("update answers set value = 'E' where response_id = 2 and question_id = 'q5'")
    code, out = verify(runner, stored)
    assert code == 1
    assert "response 2: stored hash does not match its fields and answers (edited)" in out
    assert "tally survey 1 point 1 q5='E': kept 0, recount 1" in out  # the recount disagrees as well
    assert "response 1:" not in out and "response 3:" not in out


def _rehash_with_q5_e(database, response_id):
    row = database.get_response(response_id)
    answers = [(q, "E" if q == "q5" else v) for q, v in row["answers"]]
    database.execute("update answers set value = 'E' where response_id = ? and question_id = 'q5'", [response_id])
    database.execute("update responses set hash = ? where id = ?",
                     [chain_hash(row["prev_hash"], row, answers), response_id])


def test_edit_with_a_recomputed_hash_breaks_the_next_link_at_its_point(runner, stored, database):
    _rehash_with_q5_e(database, 2)  # responses 1-3 are the hall's chain, 4-5 the window's
    code, out = verify(runner, stored)
    assert code == 1
    assert "response 3: link to the previous response does not match" in out
    # without the chain key the rewriter cannot make the edited response's own link match either
    assert "response 2: stored hash does not match its fields and answers (edited)" in out
    assert "response 4:" not in out and "response 5:" not in out  # the window's chain is its own


def test_rehashing_a_points_newest_response_is_caught_by_its_chain_head(runner, stored, database):
    _rehash_with_q5_e(database, 5)
    code, out = verify(runner, stored)
    assert code == 1 and "chain head of point 2 (response 5) does not match the newest stored hash" in out
    assert "response 5: stored hash does not match its fields and answers (edited)" in out


def test_deleted_response_and_padded_tally_are_found(runner, stored, database):
    database.execute("delete from answers where response_id = 2")
    database.execute("delete from responses where id = 2")
    code, out = verify(runner, stored)
    assert code == 1 and "response 3: link to the previous response does not match" in out
    assert "response count survey 1 point 1" in out


def test_padded_tally_alone_is_found(runner, stored, database):
    database.execute("update tallies set n = n + 10 where question_id = 'q5' and value = 'A'")
    code, out = verify(runner, stored)
    assert code == 1 and "q5='A': kept 11, recount 1" in out


def test_excluded_and_restored_responses_still_verify(runner, stored, database):
    database.set_response_status(2, status="excluded", reason="重复提交", user="t")
    assert verify(runner, stored)[0] == 0
    database.set_response_status(2, status="valid", reason="核实无误", user="t")
    assert verify(runner, stored)[0] == 0


def test_an_exclusion_made_behind_manyis_back_is_named(runner, stored, database):
    """Status flipped in SQL with the tallies and counts 'fixed' to match: no audit entry, so verify names it."""
    database.execute("update responses set status = 'excluded' where id = 4")
    database.execute("update tallies set n = n - 1 where (survey_id, point_id, question_id, value) in"
                     " (select r.survey_id, r.point_id, a.question_id, a.value from answers a"
                     " join responses r on r.id = a.response_id where r.id = 4)")
    database.execute("update response_counts set n = n - 1 where status = 'valid' and (survey_id, point_id, hour) ="
                     " (select survey_id, point_id, substr(submitted_at, 1, 13) from responses where id = 4)")
    database.execute("insert into response_counts (survey_id, point_id, hour, status, n) select survey_id, point_id,"
                     " substr(submitted_at, 1, 13), 'excluded', 1 from responses where id = 4")
    code, out = verify(runner, stored)
    assert code == 1 and "response 4: status 'excluded' does not match the audit log (last entry: none)" in out


def test_manyi_command_exit_codes(stored, database):
    """The installed console script, as an evaluator runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") or k == "FLASK_CHAIN_KEY"}
    env["FLASK_DATABASE"] = stored  # the app's own database too (not a developer's instance/ file)
    ok = subprocess.run([MANYI, "verify", "--db", stored], capture_output=True, text=True, env=env, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    database.execute("update answers set value = 'C' where response_id = 5 and question_id = 'q1'")
    bad = subprocess.run([MANYI, "verify", "--db", stored], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 1 and "response 5:" in bad.stdout


def test_verify_on_a_missing_file_says_so(runner, tmp_path):
    code, out = verify(runner, str(tmp_path / "nope.sqlite3"))
    assert code == 1 and "no database file" in out


@pytest.mark.sqlite_only  # the copy is read back as a SQLite file; test_store_operations.py backs up PostgreSQL
def test_backup_during_submissions_holds_everything_acknowledged_before_it(live_server, tmp_path):
    hall = live_server.prepared["codes"][0]
    acked: list[tuple[float, str]] = []  # (time the 303 arrived, nonce)
    stop = threading.Event()

    def citizen():
        phone = Citizen(lambda: live_server.port, hall, SECRET)
        while not stop.is_set():
            nonce = new_nonce()
            if phone.submit(phone.body(nonce)) == 303:
                acked.append((time.monotonic(), nonce))
        phone.close()

    threads = [threading.Thread(target=citizen) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        copy = str(tmp_path / "backups" / "copy.sqlite3")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") or k == "FLASK_CHAIN_KEY"}
        env.update(FLASK_DATABASE=live_server.db_path, FLASK_SECRET_KEY=SECRET)
        began = time.monotonic()
        out = subprocess.run([MANYI, "backup", copy], capture_output=True, text=True, env=env, timeout=60)
        ended = time.monotonic()
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert out.returncode == 0 and "Backup written" in out.stdout, out.stdout + out.stderr
    before = {nonce for at, nonce in acked if at < began}
    after = {nonce for at, nonce in acked if at > ended}
    assert len(before) > 50 and after, "submissions must run before and after the backup"

    restored = str(tmp_path / "restored.sqlite3")
    shutil.copyfile(copy, restored)  # a restore is a file copy: the backup is one self-contained file
    conn = open_store(restored)
    try:
        keys = {row[0] for row in conn.execute("select submission_key from responses")}
        assert before <= keys
        assert conn.verify().ok
    finally:
        conn.close()
    assert subprocess.run([MANYI, "verify", "--db", restored], capture_output=True, env=env, timeout=60).returncode == 0
    live = live_server.connect()
    try:
        assert live.response_count() > len(keys)  # the server kept taking answers after the copy
        assert live.verify().ok
    finally:
        live.close()


def test_the_chain_hash_format_is_fixed():
    """Every stored hash was computed this way: a change to the format would make `manyi verify`
    report every existing response as edited. The body is written out here by hand."""
    import hashlib

    response = {"survey_id": 1, "point_id": 2, "questionnaire_version": 1, "submission_key": "k-1",
                "submitted_at": "2026-11-23T07:00:00.000000+00:00"}
    answers = [("q5", "A"), ("age", "B"), ("note", '很好，"谢谢"\n')]
    body = ('{"answers":[["age","B"],["note","很好，\\"谢谢\\"\\n"],["q5","A"]],'
            '"at":"2026-11-23T07:00:00.000000+00:00","key":"k-1","point":2,"prev":"","survey":1,"version":1}')
    assert chain_hash("", response, answers) == hashlib.sha256(body.encode()).hexdigest()


def test_verifying_a_backup_leaves_nothing_beside_it_and_a_running_servers_files_alone(tmp_path):
    """`manyi verify --db BACKUP` only reads: no empty BACKUP-wal and BACKUP-shm are left in the backups
    folder, the file is unchanged; the -wal and -shm of a database a server has open stay where they are."""
    import hashlib

    from tests.helpers import demo_database, manyi

    live = demo_database(str(tmp_path / "live.sqlite3"))
    backups = tmp_path / "backups"
    backups.mkdir()
    backup = backups / "manyi-2024-08-13.sqlite3"
    assert manyi("backup", str(backup), database=live).returncode == 0
    state = lambda: (sorted(os.listdir(backups)), hashlib.sha256(backup.read_bytes()).hexdigest())  # noqa: E731
    before = state()
    done = manyi("verify", "--db", str(backup), database=live)
    assert done.returncode == 0 and done.stdout.startswith("OK:"), done.stdout + done.stderr
    assert state() == before == (["manyi-2024-08-13.sqlite3"], before[1])

    server = open_store(live)  # a server with the database open: its -wal and -shm are there
    try:
        surveys = server.list_surveys()
        assert os.path.exists(live + "-wal") and os.path.exists(live + "-shm")
        done = manyi("verify", "--db", live, database=live)
        assert done.returncode == 0 and done.stdout.startswith("OK:"), done.stdout + done.stderr
        assert os.path.exists(live + "-wal") and os.path.exists(live + "-shm")
        assert server.list_surveys() == surveys
    finally:
        server.close()
