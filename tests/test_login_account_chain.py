"""A login checks the account chain: an account changed in the database behind Manyi's back opens no session.

Someone holding the database file but not the chain key could set an evaluator's password hash, enable a
disabled account or add one, then log in through the web and exclude answers, each exclusion a genuine line
under that name. Once the password matches, the login compares the account's row with what the account
chain's newest line recorded (store/account_log.py, ``as_recorded``) and refuses with CHANGED, changing
nothing but the login throttle's count (a failed check, as a disabled account's right password is). An open
session whose account is so changed ends at its next page. Changes made through Manyi, and accounts made
before the account chain (recorded as found at the next start), log in as before.
"""
import logging

import pytest

from survey_app import create_app
from survey_app.admin.auth import CHANGED, hash_password
from survey_app.store import EXTENSION
from survey_app.store.account_log import password_stamp
from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD, csrf, login

PASSWORD, ATTACKER = "first-long-password", "known-to-the-attacker"


def _rows(database) -> dict:
    """What a refused login must not change: accounts, audit lines, sessions."""
    return {"users": database.query("select * from users order by id"),
            "audit": database.query("select id, hash from audit_log order by id"),
            "sessions": database.query("select * from sessions order by id_hash")}


def _refused(client, database, username: str, password: str, caplog) -> None:
    before = _rows(database)
    with caplog.at_level(logging.WARNING, logger="survey_app.admin.auth"):
        page = login(client, username, password)
    text = page.get_data(as_text=True)
    assert page.status_code == 403 and CHANGED in text and "Traceback" not in text
    with client.session_transaction() as cookie:
        assert "sid" not in cookie  # no session cookie granting access
    assert client.get("/admin/").status_code == 302  # no session: back to the login page
    assert _rows(database) == before
    assert any("changed outside Manyi" in r.getMessage() and username in r.getMessage() for r in caplog.records)
    attempt = database.query("select username, success from login_attempts order by id desc")[0]
    assert attempt == {"username": username, "success": 0}  # counted as a failed check


@pytest.fixture
def people(database, yining):
    """wang (the evaluator, granted the Yining survey) and li, made through Manyi; returns the survey id."""
    survey_id, _ = yining
    database.grant(database.create_user(EVALUATOR, hash_password(EVALUATOR_PASSWORD)), survey_id)
    database.create_user("li", hash_password(PASSWORD))
    assert database.verify().ok
    return survey_id


def test_a_password_hash_set_in_the_database_is_refused_and_nothing_written(client, database, people, caplog):
    database.execute("update users set password_hash = ? where username = ?", [hash_password(ATTACKER), EVALUATOR])
    _refused(client, database, EVALUATOR, ATTACKER, caplog)
    wrong = login(client, EVALUATOR, "not-the-password")  # a wrong password learns nothing more than before
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.get_data(as_text=True)
    assert CHANGED not in wrong.get_data(as_text=True)
    failures = database.query("select failures from login_counters where scope = 'user' and key = ?", [EVALUATOR])
    assert failures == [{"failures": 2}]  # the refusal and the wrong password: both failed checks


def test_the_newest_account_line_edited_to_match_the_forged_hash_is_refused_too(client, database, people, caplog):
    """The line's state alone would say the forged hash is genuine; its link, made with the key, says not."""
    old = database.user_by_name(EVALUATOR)["password_hash"]
    forged = hash_password(ATTACKER)
    database.execute("update users set password_hash = ? where username = ?", [forged, EVALUATOR])
    database.execute("update audit_log set state = replace(state, ?, ?) where id = (select audit_id from"
                     " accounts_head)", [password_stamp(old), password_stamp(forged)])
    assert database.query("select count(*) as n from audit_log where state like ?",
                          [f"%{password_stamp(forged)}%"])[0]["n"] == 1
    _refused(client, database, EVALUATOR, ATTACKER, caplog)


def test_the_head_moved_back_to_the_line_before_a_password_change_is_refused(client, database, people, caplog):
    """An old password put back with the head pointed at the genuine line that recorded it: the head's MAC
    names the line it was moved to, so the move is seen."""
    old = database.user_by_name("li")["password_hash"]
    before = database.query("select audit_id, hash from accounts_head")[0]
    assert database.set_password("li", hash_password("a-newer-long-password"), by="cli:ops")
    database.execute("update users set password_hash = ? where username = 'li'", [old])
    database.execute("update accounts_head set audit_id = ?, hash = ?", [before["audit_id"], before["hash"]])
    _refused(client, database, "li", PASSWORD, caplog)


def test_a_disabled_account_enabled_in_the_database_is_refused(client, database, people, caplog):
    database.set_disabled("li", True, by="cli:ops")
    database.execute("update users set disabled_at = null where username = 'li'")
    _refused(client, database, "li", PASSWORD, caplog)


def test_an_account_inserted_in_the_database_is_refused(client, database, people, caplog):
    database.execute("insert into users (username, password_hash, created_at) values ('intruder', ?, ?)",
                     [hash_password(ATTACKER), "2024-01-01T00:00:00+00:00"])
    _refused(client, database, "intruder", ATTACKER, caplog)
    assert login(client).status_code == 302  # the other accounts are as recorded: they still log in


def test_an_account_chain_removed_in_the_database_is_refused(client, database, people, caplog):
    """Each start records the accounts as found, so a running server with accounts always has an account chain."""
    database.execute("delete from accounts_head")
    _refused(client, database, EVALUATOR, EVALUATOR_PASSWORD, caplog)
    database.execute("delete from audit_log where survey_id is null")
    _refused(client, database, EVALUATOR, EVALUATOR_PASSWORD, caplog)


def test_an_open_session_ends_when_its_account_is_changed_behind_manyis_back(client, database, people, caplog):
    assert login(client).status_code == 302 and client.get("/admin/").status_code == 200
    original = database.user_by_name(EVALUATOR)["password_hash"]
    database.execute("update users set password_hash = ? where username = ?", [hash_password(ATTACKER), EVALUATOR])
    with caplog.at_level(logging.WARNING, logger="survey_app.admin.auth"):
        page = client.get("/admin/", follow_redirects=True)
    assert "/admin/login" in page.request.path and CHANGED in page.get_data(as_text=True)
    assert any("changed outside Manyi" in r.getMessage() for r in caplog.records)
    database.execute("update users set password_hash = ? where username = ?", [original, EVALUATOR])  # put back
    assert client.get("/admin/").status_code == 302  # this browser's session is gone: log in again
    assert login(client).status_code == 302 and client.get("/admin/").status_code == 200
    assert database.verify().ok


def test_changes_made_through_manyi_still_log_in(app, runner, client, database, people):
    assert login(client).status_code == 302
    token = csrf(client.get("/admin/password").get_data(as_text=True))
    new = "a-new-long-passphrase"
    assert client.post("/admin/password", data={"csrf_token": token, "current": EVALUATOR_PASSWORD, "new": new,
                                                "confirm": new}).status_code == 302
    assert client.get("/admin/").status_code == 200  # the new session of the browser that changed it
    assert login(app.test_client(), password=new).status_code == 302
    reset = runner.invoke(args=["create-user", "li", "--reset", "--password-stdin"], input=ATTACKER + "\n")
    assert reset.exit_code == 0, reset.output
    assert database.set_disabled("li", True) and database.set_disabled("li", False)
    assert login(app.test_client(), "li", ATTACKER).status_code == 302
    assert runner.invoke(args=["create-user", "zhao", "--password-stdin"], input=PASSWORD + "\n").exit_code == 0
    assert login(app.test_client(), "zhao", PASSWORD).status_code == 302
    assert database.verify().ok


def test_accounts_made_before_the_account_chain_log_in_after_the_next_start(app, database, backend, people):
    """A database from before the account chain: its accounts in no line, no head table, m018 not applied.
    The next start records them as found; they log in as before, and from then on are checked."""
    database.execute("delete from audit_log where survey_id is null")
    database.execute("drop table accounts_head")
    migrations = "_sqlite_migrations" if backend == "sqlite" else "manyi_migrations"
    database.execute(f"delete from {migrations} where name = 'm018_account_chain'")
    started = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": app.config["DATABASE"]})
    try:
        client = started.test_client()
        assert login(client).status_code == 302 and client.get("/admin/").status_code == 200
        assert login(started.test_client(), "li", PASSWORD).status_code == 302
        database.execute("update users set password_hash = ? where username = 'li'", [hash_password(ATTACKER)])
        assert login(started.test_client(), "li", ATTACKER).status_code == 403
    finally:
        started.extensions[EXTENSION].close()
