"""A change made behind Manyi's back is not laundered by the next legitimate one (store/audit.py, account_log.py).

Each audit line records the state after its change, and ``verify`` compares the database with the newest
line only. So a grant or an account inserted with SQL, then one ordinary grant or disable through Manyi,
would have the new line record the forgery as genuine and ``verify`` pass again. Before writing its line,
a change compares the state before it with what the chain's newest line recorded, and refuses
(ChangedOutsideManyi, nothing written) if they differ: ``verify`` still names the forgery. The ordinary
changes, from the store, the command line and the browser, still work and verify.
"""
import pytest

from survey_app.admin.auth import hash_password
from survey_app.store import Audit, ChangedOutsideManyi, DamagedDatabase
from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD, csrf, login, post_form
from tests.test_admin import GOOD, NEW

PASSWORD = "first-long-password"


def _problems(database) -> str:
    v = database.verify()
    assert not v.ok
    return "\n".join([f"response {rid}: {what}" for rid, what in v.bad_responses] + list(v.count_problems))


def _lines(database) -> int:
    return database.query("select count(*) as n from audit_log")[0]["n"]


@pytest.fixture
def people(database, yining):
    """li and wang (the evaluator), wang granted the Yining survey; returns (survey id, li's id, wang's id)."""
    survey_id, _ = yining
    li = database.create_user("li", hash_password(PASSWORD))
    wang = database.create_user(EVALUATOR, hash_password(EVALUATOR_PASSWORD))
    database.grant(wang, survey_id)
    assert database.verify().ok
    return survey_id, li, wang


def test_the_refusal_is_a_damaged_database_error():
    assert issubclass(ChangedOutsideManyi, DamagedDatabase)


def test_a_grant_inserted_with_sql_is_not_laundered_by_the_next_grant_or_revoke(database, people):
    survey_id, li, wang = people
    intruder = database.create_user("intruder", hash_password(PASSWORD))
    database.execute("insert into grants (user_id, survey_id, created_at) values (?, ?, '2024-01-01')",
                     [intruder, survey_id])
    assert "grants" in _problems(database)
    before = _lines(database)
    with pytest.raises(ChangedOutsideManyi, match=rf"survey {survey_id} changed outside Manyi since its last audit"
                       r" line \(grants: user 'intruder' granted\).*run manyi verify"):
        database.grant(li, survey_id, by="cli:ops")
    with pytest.raises(ChangedOutsideManyi, match="user 'intruder' granted"):
        database.revoke(wang, survey_id, by="cli:ops")
    with pytest.raises(ChangedOutsideManyi, match="grants"):
        database.update_survey(survey_id, target=90.0)
    with pytest.raises(ChangedOutsideManyi, match="user 'intruder' granted"):  # any line of its chain: a point
        database.add_point(survey_id, "新窗口")
    assert _lines(database) == before  # nothing written
    assert not database.can_see(li, survey_id) and database.can_see(wang, survey_id)
    assert database.get_survey(survey_id)["target"] == 95.0 and len(database.list_points(survey_id)) == 2
    assert "grants" in _problems(database)  # still named
    database.execute("delete from grants where user_id = ?", [intruder])  # put back: Manyi works again
    assert database.grant(li, survey_id, by="cli:ops") and database.verify().ok


def test_a_grant_deleted_with_sql_is_not_laundered(database, people):
    survey_id, li, wang = people
    database.execute("delete from grants where user_id = ?", [wang])
    with pytest.raises(ChangedOutsideManyi, match=f"user '{EVALUATOR}' revoked"):
        database.grant(li, survey_id)
    assert "grants" in _problems(database)


def test_a_setting_changed_with_sql_is_not_laundered_by_the_next_settings_save(database, people):
    survey_id, li, _ = people
    database.execute("update surveys set target = 60 where id = ?", [survey_id])
    with pytest.raises(ChangedOutsideManyi, match=r"\(target\)"):
        database.update_survey(survey_id, title="another title")
    with pytest.raises(ChangedOutsideManyi, match=r"\(target\)"):
        database.grant(li, survey_id)
    assert "target" in _problems(database)


@pytest.mark.parametrize("change, named", [
    ("insert into users (username, password_hash, created_at) values ('intruder', 'x', '2024-01-01')",
     "intruder: not in the account chain (added)"),
    ("update users set disabled_at = null where username = 'li'", "li: disabled or enabled"),
    ("update users set password_hash = 'scrypt:known-to-the-attacker' where username = 'li'", "li: password"),
])
def test_an_account_changed_with_sql_is_not_laundered_by_the_next_account_change(database, people, change, named):
    database.set_disabled("li", True)
    assert database.verify().ok
    database.execute(change)
    before = _lines(database)
    for attempt in (lambda: database.set_disabled(EVALUATOR, True, by="cli:ops"),
                    lambda: database.set_disabled("li", False, by="cli:ops"),
                    lambda: database.set_password(EVALUATOR, hash_password("another-long-one")),
                    lambda: database.create_user("zhao", hash_password(PASSWORD))):
        with pytest.raises(ChangedOutsideManyi, match=r"accounts changed outside Manyi since the last audit line"
                           rf" \({named.replace('(', '.').replace(')', '.')}\).*run manyi verify"):
            attempt()
    assert _lines(database) == before and database.user_by_name("zhao") is None
    assert database.user_by_name(EVALUATOR)["disabled_at"] is None
    assert "accounts differ from what the account chain recorded" in (problems := _problems(database))
    assert named in problems


def test_the_commands_refuse_with_one_line_not_a_traceback(runner, database, people):
    survey_id, _, _ = people
    database.execute("update users set disabled_at = '2024-01-01T00:00:00+00:00' where username = 'li'")
    result = runner.invoke(args=["disable-user", EVALUATOR])
    assert result.exit_code == 1 and "accounts changed outside Manyi" in result.output
    assert "li: disabled or enabled" in result.output and "Traceback" not in result.output
    database.execute("insert into users (username, password_hash, created_at) values ('x', 'x', '2024-01-01')")
    database.execute("insert into grants (user_id, survey_id, created_at) values"
                     " ((select id from users where username = 'x'), ?, '2024-01-01')", [survey_id])
    result = runner.invoke(args=["grant", "li", str(survey_id)])
    assert result.exit_code == 1 and "user 'x' granted" in result.output


@pytest.mark.parametrize("group", ["app.cli", "manyi"])
def test_both_command_groups_refuse_with_the_same_one_line(group, app, runner, database, people):
    """`manyi` (cli_group) and the app's own group (app.cli: `flask --app survey_app`, app.test_cli_runner())
    are both Manyi groups: the refusal is their one invoke's, no command carries its own handling."""
    from click.testing import CliRunner

    from survey_app.cli import cli_group
    from survey_app.cli.common import Manyi
    database.execute("update users set disabled_at = '2024-01-01T00:00:00+00:00' where username = 'li'")
    before = _lines(database)
    if group == "app.cli":
        assert isinstance(app.cli, Manyi)
        result = runner.invoke(args=["disable-user", EVALUATOR])
    else:
        env = {"FLASK_DATABASE": app.config["DATABASE"], "FLASK_SECRET_KEY": "t"}
        result = CliRunner().invoke(cli_group(), ["disable-user", EVALUATOR], env=env)
    assert result.exit_code == 1 and result.output.startswith("Error: accounts changed outside Manyi since the last"
                                                              " audit line (li: disabled or enabled)"), result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert _lines(database) == before and database.user_by_name(EVALUATOR)["disabled_at"] is None


def test_the_browser_shows_a_chinese_page_not_a_500(app, database, people):
    survey_id, _, wang = people
    client = app.test_client()
    assert login(client).status_code == 302
    database.execute("insert into users (username, password_hash, created_at) values ('intruder', 'x', '2024-01-01')")
    token = csrf(client.get("/admin/password").get_data(as_text=True))
    new = "a-new-long-passphrase"
    page = client.post("/admin/password", data={"csrf_token": token, "current": EVALUATOR_PASSWORD, "new": new,
                                                "confirm": new})
    assert page.status_code == 409 and "绕过本系统修改" in page.get_data(as_text=True)
    assert database.user_by_name(EVALUATOR)["password_hash"] != hash_password(new)
    database.execute("delete from users where username = 'intruder'")
    assert database.verify().ok
    database.execute("update surveys set target_n = 10 where id = ?", [survey_id])
    edit = f"/admin/surveys/{survey_id}/edit"
    data = {**{k: v for k, v in GOOD.items() if k != "questionnaire"}, "target_n": "60"}
    page = post_form(client, edit, edit, data)
    assert page.status_code == 409 and "manyi verify" in page.get_data(as_text=True)
    assert database.get_survey(survey_id)["target_n"] == 10 and "target_n" in _problems(database)


def test_the_ordinary_changes_still_work_and_verify(app, runner, database, people):
    survey_id, li, wang = people
    assert database.grant(li, survey_id) and database.revoke(li, survey_id) and database.grant(li, survey_id)
    assert database.set_disabled("li", True) and database.set_disabled("li", False)
    assert database.set_password("li", hash_password("yet-another-long-one"))
    database.update_survey(survey_id, target=90.0)
    zhao = database.create_user("zhao", hash_password(PASSWORD))
    made = database.create_survey_for(zhao, questionnaire_id="yining-2024-public", questionnaire_version=1,
                                      title="另一个项目", target=95.0)
    assert database.can_see(zhao, made) and database.grant(li, made)
    for args in (["create-user", "zhou", "--password-stdin"], ["create-user", "zhou", "--reset", "--password-stdin"]):
        assert runner.invoke(args=args, input=PASSWORD + "\n").exit_code == 0
    for args in (["disable-user", "zhou"], ["enable-user", "zhou"], ["grant", "zhou", str(survey_id)],
                 ["revoke", "zhou", str(survey_id)]):
        assert runner.invoke(args=args).exit_code == 0, args
    assert database.verify().ok
    client = app.test_client()
    assert login(client).status_code == 302
    token = csrf(client.get("/admin/password").get_data(as_text=True))
    new = "a-new-long-passphrase"
    assert client.post("/admin/password", data={"csrf_token": token, "current": EVALUATOR_PASSWORD, "new": new,
                                                "confirm": new}).status_code == 302
    assert login(client, password=new).status_code == 302
    created = post_form(client, NEW, NEW, GOOD)
    assert created.status_code == 302
    new_id = int(created.headers["Location"].rsplit("/", 1)[1])
    edit = f"/admin/surveys/{new_id}/edit"
    data = {**{k: v for k, v in GOOD.items() if k != "questionnaire"}, "target_n": "60"}
    assert post_form(client, edit, edit, data).status_code == 302
    assert database.get_survey(new_id)["target_n"] == 60 and database.can_see(wang, new_id)
    assert database.verify().ok


def test_a_setting_changed_with_sql_is_not_laundered_by_a_point_fieldwork_weighting_or_review_line(database, people):
    """Every change that writes a line of the survey's chain checks the whole state first, not only the grants:
    an exclusion, a new point, 发放/办件量, a renamed point or a weighting share would otherwise record a target
    (or a point name) changed with SQL as genuine, and verify would pass again."""
    survey_id, _, _ = people
    points = database.list_points(survey_id)
    rid = database.save_response(survey_id=survey_id, point_id=points[0]["id"], questionnaire_version=1,
                                 submission_key="drift-1", answers=[("Q5", "A")], seconds_on_page=60,
                                 language="zh-CN", device_hash=None).response_id
    assert database.verify().ok
    for forged, named in (("update surveys set target = 60 where id = ?", "target"),
                          ("update points set name = '伪造窗口' where survey_id = ? and name = '1号窗口'", "points")):
        database.execute(forged, [survey_id])
        before = _lines(database)
        for attempt in (
                lambda: database.set_response_status(rid, status="excluded", reason="重复", user="wang"),
                lambda: database.set_statuses([rid], status="excluded", reason="重复", user="wang"),
                lambda: database.add_point(survey_id, "新窗口"),
                lambda: database.set_point_fieldwork(points[0]["id"], issued=50, served=900, actor="wang"),
                lambda: database.set_points_fieldwork(survey_id, {points[0]["id"]: (50, 900)}, actor="wang"),
                lambda: database.set_points_fieldwork(survey_id, {}, actor="wang", names={points[0]["id"]: "大厅"}),
                lambda: database.set_population_margins(survey_id, {"Q1": {"A": 0.5, "B": 0.5}},
                                                        audit=Audit("wang", "margins", "性别"))):
            with pytest.raises(ChangedOutsideManyi, match=rf"\({named}\)"):
                attempt()
        assert _lines(database) == before  # nothing written, nothing changed
        assert database.get_response(rid)["status"] == "valid" and len(database.list_points(survey_id)) == 2
        assert database.list_points(survey_id)[0]["name"] == "业务大厅" and database.list_points(survey_id)[0]["issued"] is None
        assert database.population_margins(survey_id) == {} and named in _problems(database)
        put_back = ("update surveys set target = 95 where id = ?" if named == "target" else
                    "update points set name = '1号窗口' where survey_id = ? and name = '伪造窗口'")
        database.execute(put_back, [survey_id])
        assert database.verify().ok
    assert database.set_response_status(rid, status="excluded", reason="重复", user="wang")  # put back: all work
    assert database.add_point(survey_id, "新窗口")["name"] == "新窗口"
    assert database.set_points_fieldwork(survey_id, {points[0]["id"]: (50, 900)}, actor="wang",
                                         names={points[0]["id"]: "大厅"})
    database.set_population_margins(survey_id, {"Q1": {"A": 0.5, "B": 0.5}}, audit=Audit("wang", "margins", "性别"))
    assert database.verify().ok
