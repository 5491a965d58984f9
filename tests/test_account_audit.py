"""Who could log in, since when, and who changed that: account changes and grants are audit lines that
``manyi users --history`` shows in local time and that ``manyi verify`` checks (store/account_log.py).

Each account command and the 修改密码 page writes its line naming who did it and whose account it was, never
a password or its hash; a grant of a survey is a line of that survey's chain. Then the attacks of someone
holding the database without the chain key: an account line edited, removed or made up, an account added,
enabled or given another password in the users table, a grant inserted, all named by verify (exit 1).
"""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from survey_app import create_app
from survey_app.admin.auth import hash_password
from survey_app.cli.common import operator
from survey_app.store import open_store
from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD, csrf, login
from tests.helpers import at_once

PASSWORD, NEW = "first-long-password", "a-new-long-passphrase"


def _cli(runner, *args, password: str | None = None):
    result = runner.invoke(args=list(args), input=None if password is None else password + "\n")
    assert result.exit_code == 0, result.output
    return result.output


def _problems(database) -> str:
    v = database.verify()
    assert not v.ok
    return "\n".join([f"response {rid}: {what}" for rid, what in v.bad_responses] + list(v.count_problems))


def _account_lines(database) -> list[dict]:
    return database.query('select id, "user", action, detail from audit_log where survey_id is null order by id')


@pytest.fixture
def accounts(app, runner, database, yining):
    """li made, re-passworded, disabled and enabled from the command line and granted and refused the Yining
    survey; wang (the evaluator) made too and granted it. Returns the survey's id."""
    survey_id, _ = yining
    _cli(runner, "create-user", "li", "--password-stdin", password=PASSWORD)
    _cli(runner, "create-user", "li", "--reset", "--password-stdin", password=NEW)
    _cli(runner, "disable-user", "li")
    _cli(runner, "enable-user", "li")
    _cli(runner, "grant", "li", str(survey_id))
    _cli(runner, "revoke", "li", str(survey_id))
    _cli(runner, "create-user", EVALUATOR, "--password-stdin", password=EVALUATOR_PASSWORD)
    _cli(runner, "grant", EVALUATOR, str(survey_id))
    assert database.verify().ok
    return survey_id


def test_each_account_change_is_a_line_naming_who_and_whose_never_a_password(app, runner, database, accounts):
    client = app.test_client()
    assert login(client).status_code == 302
    token = csrf(client.get("/admin/password").get_data(as_text=True))
    assert client.post("/admin/password", data={"csrf_token": token, "current": EVALUATOR_PASSWORD, "new": NEW,
                                                "confirm": NEW}).status_code == 302
    me = operator()
    assert [(e["user"], e["action"], e["detail"]) for e in _account_lines(database)] == [
        (me, "create_user", "li"), (me, "password", "li"), (me, "disable_user", "li"), (me, "enable_user", "li"),
        (me, "create_user", EVALUATOR), (EVALUATOR, "password", EVALUATOR)]  # the 修改密码 page: by the evaluator
    granted = [(e["user"], e["action"], e["detail"]) for e in database.audit_entries(accounts)
               if e["action"] in ("grant", "revoke")]
    assert granted == [(me, "grant", "li"), (me, "revoke", "li"), (me, "grant", EVALUATOR)]
    assert _cli(runner, "disable-user", "li") and _cli(runner, "disable-user", "li")  # the second changes nothing
    assert [e["action"] for e in _account_lines(database)][-2:] == ["password", "disable_user"]
    stored = database.query('select at, "user", action, detail, state from audit_log')
    secrets = [PASSWORD, NEW, EVALUATOR_PASSWORD] + [u["password_hash"] for u in database.query(
        "select password_hash from users")]
    assert not [s for s in secrets for line in stored for text in line.values() if text and s in text]
    assert database.verify().ok


def test_users_history_answers_who_did_what_to_which_account_when_in_local_time(app, runner, database, accounts):
    zone = app.config["TIMEZONE"]
    history = _cli(runner, "users", "--history").splitlines()
    assert history[0].split() == ["WHEN", "BY", "WHAT", "ACCOUNT", "SURVEY"]
    lines = [e for e in database.query('select at, "user", action, survey_id, detail from audit_log order by id')
             if e["survey_id"] is None or e["action"] in ("grant", "revoke")]
    assert len(history) == 1 + len(lines) == 1 + 8
    for printed, line in zip(history[1:], lines):
        local = datetime.fromisoformat(line["at"]).astimezone(ZoneInfo(zone))
        assert printed.startswith(f"{local:%Y-%m-%d %H:%M:%S} {zone}  "), printed
        assert printed.split()[3:] == [line["user"], line["action"], line["detail"], str(line["survey_id"] or "-")]
    assert "UTC" not in "\n".join(history)


def test_users_prints_when_an_account_was_disabled_in_local_time_with_its_zone(app, runner, database, accounts):
    _cli(runner, "disable-user", "li")
    disabled_at = database.user_by_name("li")["disabled_at"]
    local = datetime.fromisoformat(disabled_at).astimezone(ZoneInfo(app.config["TIMEZONE"]))
    listed = [line for line in _cli(runner, "users").splitlines() if line.startswith("li ")]
    assert f"disabled since {local:%Y-%m-%d %H:%M:%S} {app.config['TIMEZONE']}" in listed[0]
    assert "UTC" not in listed[0] and listed[0].endswith(" -")


def test_editing_deleting_or_making_up_an_account_line_is_found(runner, database, accounts):
    line = _account_lines(database)[2]  # li disabled
    database.execute("update audit_log set \"user\" = 'someone-else' where id = ?", [line["id"]])
    assert f"account audit line {line['id']} does not match its link" in _problems(database)
    failed = runner.invoke(args=["verify"])
    assert failed.exit_code == 1 and f"account audit line {line['id']}" in failed.output
    database.execute("update audit_log set \"user\" = ? where id = ?", [operator(), line["id"]])
    assert database.verify().ok
    newest = _account_lines(database)[-1]
    database.execute("delete from audit_log where id = ?", [newest["id"]])
    assert f"accounts: the chain head is audit line {newest['id']}" in _problems(database)


def test_removing_the_whole_account_chain_is_found(database, accounts):
    database.execute("delete from audit_log where survey_id is null")
    database.execute("delete from accounts_head")
    assert "2 account(s) but no account chain" in _problems(database)


def test_an_account_line_placed_among_the_lines_before_keying_is_found(database, accounts):
    free = database.query("select min(id) - 1 as id from audit_log")[0]["id"]  # an id no line of a chain has
    assert free <= int(database.store_meta()["keyed_from_audit"])
    database.execute('insert into audit_log (id, at, "user", action, detail) values (?, ?, ?, ?, ?)',
                     [free, "2020-01-01T00:00:00+00:00", "cli", "disable_user", "li"])
    assert "placed before the chains were keyed" in _problems(database)


@pytest.mark.parametrize("change, named", [
    ("insert into users (username, password_hash, created_at) values ('intruder', 'x', '2024-01-01')",
     "intruder: not in the account chain (added)"),
    ("update users set password_hash = 'scrypt:known-to-the-attacker' where username = 'li'", "li: password"),
    ("update users set disabled_at = '2024-01-01T00:00:00+00:00' where username = 'li'", "li: disabled or enabled"),
    ("update users set created_at = '2020-01-01T00:00:00+00:00' where username = 'wang'", "wang: created"),
    ("update users set username = 'li2' where username = 'li'", "li: recorded, no longer there (removed)"),
])
def test_an_account_changed_in_the_users_table_behind_manyis_back_is_found(database, accounts, change, named):
    database.execute(change)
    problems = _problems(database)
    assert "accounts differ from what the account chain recorded" in problems and named in problems


def test_a_grant_inserted_behind_manyis_back_is_found(database, accounts):
    li = database.user_by_name("li")["id"]
    database.execute("insert into grants (user_id, survey_id, created_at) values (?, ?, '2024-01-01')", [li, accounts])
    assert f"survey {accounts}: its settings" in (problems := _problems(database)) and "grants" in problems
    database.execute("delete from grants where user_id = ?", [li])
    assert database.verify().ok
    database.grant(li, accounts, by="cli:ops")  # through Manyi: a line in the survey's chain
    assert database.verify().ok and database.audit_entries(accounts)[-1]["detail"] == "li"


def test_accounts_made_before_the_account_chain_are_recorded_at_the_next_start(app, database, backend):
    """A database from before the account chain (its accounts in no line, no head table, m018 not applied)
    verifies as it did; the next start records its accounts as found, and from then on they are checked."""
    database.create_user("li", hash_password(PASSWORD))
    database.create_user(EVALUATOR, hash_password(EVALUATOR_PASSWORD))
    database.execute("delete from audit_log where survey_id is null")
    database.execute("drop table accounts_head")
    migrations = "_sqlite_migrations" if backend == "sqlite" else "manyi_migrations"
    database.execute(f"delete from {migrations} where name = 'm018_account_chain'")
    assert database.verify().ok
    create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": app.config["DATABASE"]})
    assert [(e["user"], e["action"], e["detail"]) for e in _account_lines(database)] == [
        ("system", "accounts_start", "2 account(s) as found")]
    assert database.verify().ok
    database.execute("update users set disabled_at = '2024-01-01T00:00:00+00:00' where username = 'li'")
    assert "li: disabled or enabled" in _problems(database)


def test_accounts_made_at_once_by_several_servers_form_one_chain(app, database):
    """The account chain's first line on a new database, and the lines after it, from 8 servers at once."""
    stores = [open_store(app.config["DATABASE"]) for _ in range(8)]
    try:
        made = at_once(8, lambda i: stores[i].create_user(f"user{i}", hash_password(PASSWORD)))
        assert all(isinstance(m, int) for m in made), made
        at_once(8, lambda i: stores[i].set_disabled(f"user{i}", True, by="cli"))
    finally:
        for store in stores:
            store.close()
    assert len(_account_lines(database)) == 16 and database.verify().ok


def test_users_lists_the_surveys_an_account_may_see_as_their_chains_record(runner, database, accounts):
    li = database.user_by_name("li")["id"]
    database.execute("insert into grants (user_id, survey_id, created_at) values (?, ?, '2024-01-01')", [li, accounts])
    [listed] = [line for line in _cli(runner, "users").splitlines() if line.startswith("li ")]
    assert listed.split()[2] == "-"  # a grant row no chain records opens nothing, and is not listed as a survey li sees
    assert f"not recorded in the audit chain, so not shown to them: {accounts}; run manyi verify" in listed
    assert database.list_users()[[u["username"] for u in database.list_users()].index("li")]["surveys"] == []
