"""Durability of an acknowledged write: SQLite runs in WAL mode with synchronous=NORMAL, and every
write transaction fsyncs the write-ahead log after COMMIT and before it returns (SQLiteBackend.write,
Writer.sync in survey_app/store/) — the guarantee of synchronous=FULL, with the fsync outside the write lock.

A power cut cannot be staged here; these tests check the parts the guarantee rests on, on a real
SQLite file: the journal mode and sync level, that the fsync happens on the WAL after the commit is
visible and before save_response returns (and with the writer lock free, so it is shared), and that
a failing fsync is reported, never acknowledged.
"""
import errno
import fcntl
import os

import pytest

from survey_app.store import Saved, open_store
from survey_app.store import sqlite_writer as writer
from tests.helpers import YINING_ANSWERS, fill

pytestmark = pytest.mark.sqlite_only  # the WAL, its fsync and the writer flock are SQLite's
ANSWERS = sorted(YINING_ANSWERS.items())


def _save(database, key: str) -> Saved:
    return database.save_response(survey_id=1, point_id=1, questionnaire_version=1, submission_key=key,
                            answers=ANSWERS, seconds_on_page=30, language="zh-CN", device_hash=None)


@pytest.fixture
def stored(tmp_path):
    path = str(tmp_path / "d.sqlite3")
    database = open_store(path)
    database.migrate()
    sid = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="t")
    database.add_point(sid, "大厅")
    yield path, database
    database.close()


def test_the_database_runs_in_wal_mode_with_normal_sync(stored):
    path, database = stored
    assert database.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert database.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL: WAL header synced on restart


def test_a_saved_response_is_committed_then_its_wal_fsynced_before_save_returns(stored, monkeypatch):
    path, database = stored
    other = open_store(path)
    seen = []
    real_sync = writer.datasync  # os.fdatasync, as SQLite uses on Linux

    def watching_fsync(fd):
        target = os.readlink(f"/proc/self/fd/{fd}")
        committed = other.execute("select count(*) from responses where submission_key = 'k1'").fetchone()[0]
        probe = os.open(path + "-writer.lock", os.O_RDWR)
        try:  # the writer lock is free: the next submit need not wait for this fsync
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(probe, fcntl.LOCK_UN)
            lock_free = True
        except BlockingIOError:
            lock_free = False
        finally:
            os.close(probe)
        seen.append((target, committed, lock_free))
        real_sync(fd)

    monkeypatch.setattr(writer, "datasync", watching_fsync)
    saved = _save(database, "k1")
    assert saved.created
    assert seen == [(os.path.realpath(path) + "-wal", 1, True)]
    other.close()


def test_every_write_transaction_fsyncs_the_wal(stored, monkeypatch):
    path, database = stored
    synced = []
    monkeypatch.setattr(writer, "datasync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")))
    rid = _save(database, "k2").response_id
    database.set_response_status(rid, status="excluded", reason="test", user="t")
    database.add_point(1, "窗口")
    # the migrations' sync, then keying the chains (a write of its own, synced as every write is)
    assert synced == [os.path.realpath(path) + "-wal"] * 3


def test_a_failed_fsync_is_not_acknowledged_and_the_retry_is_thanked(app, client, yining, database, monkeypatch):
    _, (hall, _) = yining
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))

    def broken(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(writer, "datasync", broken)
    page = client.post(f"/s/{hall}", data=body)
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "您的答卷还没有保存" in html  # durability unknown: never a thank-you
    assert 'name="q4" value="C" checked' in html and fill(html)["key"] == body["key"]
    monkeypatch.undo()
    retry = client.post(f"/s/{hall}", data=fill(html))  # the same key: the commit did survive, so thanked
    assert retry.status_code == 303 and database.response_count() == 1


# -- the WAL descriptor (survey_app/store/sqlite_writer.py) ---------------------------------------------------

def test_no_wal_file_means_nothing_is_left_to_sync(tmp_path, monkeypatch):
    synced = []
    monkeypatch.setattr(writer, "datasync", synced.append)
    writer.Writer(str(tmp_path / "gone.sqlite3")).sync()  # the last connection checkpointed and removed the WAL
    assert synced == []


def test_a_wal_made_anew_is_synced_through_a_fresh_descriptor(tmp_path, monkeypatch):
    """The descriptor is kept between syncs; once the WAL it points to is removed (the last connection
    closed) and a new one is made, syncing the old, unlinked file would protect nothing."""
    path = str(tmp_path / "again.sqlite3")
    synced = []  # (links of the synced file, whether it is the WAL at the path now)
    monkeypatch.setattr(writer, "datasync", lambda fd: synced.append(
        (os.fstat(fd).st_nlink, os.path.samestat(os.fstat(fd), os.stat(path + "-wal")))))
    kept = writer.Writer(path)  # one writer across both files, as a worker keeps it
    first = open_store(path)
    first.execute("pragma journal_mode = wal")
    first.execute("create table t0 (x)")
    kept.sync()
    first.close()  # the last connection: SQLite checkpoints and removes the WAL
    assert not os.path.exists(path + "-wal")
    second = open_store(path)
    second.execute("create table t (x)")  # a new WAL file
    kept.sync()
    second.close()
    assert synced == [(1, True), (1, True)]


def test_a_retry_is_thanked_only_once_the_stored_answer_is_on_disk(app, client, yining, database, monkeypatch):
    """Another worker committed the answer but has not synced yet; the phone's retry must not be told it is
    stored (thanked, or 您已提交过本问卷 for a sheet that differs, here one the hot path does not take) before
    a sync."""
    _, (hall, _) = yining
    body = fill(client.get(f"/s/{hall}").get_data(as_text=True))
    assert client.post(f"/s/{hall}", data=body).status_code == 303
    synced = []
    monkeypatch.setattr(writer, "datasync", synced.append)
    retry = client.post(f"/s/{hall}", data={**body, "q5": "Z"})  # the same key, another (not clean) sheet
    assert retry.status_code == 409 and "您已提交过本问卷" in retry.get_data(as_text=True)
    assert len(synced) == 1 and database.response_count() == 1


def test_start_up_syncs_the_migrations(tmp_path, monkeypatch):
    """Migrations commit outside the write turn (and outside its sync): start-up syncs them."""
    from survey_app import create_app

    synced = []
    monkeypatch.setattr(writer, "datasync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")))
    path = tmp_path / "fresh.sqlite3"
    keep = open_store(str(path))  # another connection keeps the WAL file (as running workers do)
    keep.execute("pragma journal_mode = wal")
    create_app({"SECRET_KEY": "t", "DATABASE": str(path)})
    # the migrations' sync, then keying the chains (a write of its own, synced as every write is)
    assert synced and set(synced) == {os.path.realpath(path) + "-wal"}
    keep.close()
