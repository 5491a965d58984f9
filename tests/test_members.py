"""项目成员: evaluators add a colleague's account to a survey by username and remove one, in the browser, each
change a grant or revoke line of the survey's chain naming who made it; a grant row the chain does not record is
never listed; bad input changes nothing; a survey never ends with no member. Both databases."""
import threading

import pytest

from survey_app.admin.auth import hash_password
from survey_app.store import Audit, NotAMember
from tests.admin_helpers import EVALUATOR, login, post_form

COLLEAGUE, COLLEAGUE_PASSWORD = "li", "li-password-2024"


@pytest.fixture
def colleague(database):
    """A second evaluator account (not yet a member of anything); returns its user id."""
    return database.create_user(COLLEAGUE, hash_password(COLLEAGUE_PASSWORD))


def _add(client, survey_id: int, username: str):
    page = f"/admin/surveys/{survey_id}/members"
    return post_form(client, page, page, {"username": username})


def _remove(client, survey_id: int, user_id: int):
    page = f"/admin/surveys/{survey_id}/members"
    return post_form(client, page, f"{page}/{user_id}/remove", {})


def _members(database, survey_id: int) -> list[str]:
    return [m["username"] for m in database.survey_members(survey_id).shown]


def _state(database, survey_id: int) -> tuple:
    """Everything a members change could write: the grant rows and the survey's audit lines."""
    return (database.query("select user_id, survey_id from grants order by user_id, survey_id"),
            [(e["id"], e["action"], e["detail"]) for e in database.audit_entries(survey_id)])


def test_a_colleague_added_by_username_sees_the_survey_and_removed_one_gets_404(app, admin_client, database, yining,
                                                                               evaluator, colleague):
    survey_id = yining[0]
    dashboard = admin_client.get(f"/admin/surveys/{survey_id}").get_data(as_text=True)
    assert f'href="/admin/surveys/{survey_id}/members">项目成员</a>' in dashboard
    theirs = app.test_client()
    assert login(theirs, COLLEAGUE, COLLEAGUE_PASSWORD).status_code == 302
    assert theirs.get(f"/admin/surveys/{survey_id}").status_code == 404  # not yet a member

    added = _add(admin_client, survey_id, f"  {COLLEAGUE} ")  # as pasted, with spaces
    assert added.status_code == 302 and added.headers["Location"].endswith(f"/admin/surveys/{survey_id}/members")
    page = admin_client.get(added.headers["Location"]).get_data(as_text=True)
    assert f"已添加成员“{COLLEAGUE}”" in page and f'id="member-{colleague}"' in page
    assert _members(database, survey_id) == [EVALUATOR, COLLEAGUE] and database.can_see(colleague, survey_id)
    grant = database.audit_entries(survey_id)[-1]
    assert (grant["action"], grant["user"], grant["detail"]) == ("grant", EVALUATOR, COLLEAGUE)  # who did it, whom
    assert theirs.get(f"/admin/surveys/{survey_id}").status_code == 200
    assert f"/admin/surveys/{survey_id}\"" in theirs.get("/admin/").get_data(as_text=True)
    log = admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)
    assert "授予查看权限" in log

    # removed: their next page is a 404
    removed = _remove(admin_client, survey_id, colleague)
    assert removed.status_code == 302
    assert f"已移除成员“{COLLEAGUE}”" in admin_client.get(removed.headers["Location"]).get_data(as_text=True)
    assert _members(database, survey_id) == [EVALUATOR] and not database.can_see(colleague, survey_id)
    revoke = database.audit_entries(survey_id)[-1]
    assert (revoke["action"], revoke["user"], revoke["detail"]) == ("revoke", EVALUATOR, COLLEAGUE)
    assert theirs.get(f"/admin/surveys/{survey_id}").status_code == 404
    assert theirs.get(f"/admin/surveys/{survey_id}/members").status_code == 404
    assert "取消查看权限" in admin_client.get(f"/admin/surveys/{survey_id}/responses").get_data(as_text=True)


def test_a_member_removes_a_colleague_but_never_themselves(app, admin_client, database, yining, evaluator, colleague):
    survey_id = yining[0]
    database.grant(colleague, survey_id, by="cli")
    page = admin_client.get(f"/admin/surveys/{survey_id}/members").get_data(as_text=True)
    assert f"/members/{colleague}/remove" in page and f"/members/{evaluator}/remove" not in page  # no 移除 for oneself
    before = _state(database, survey_id)
    refused = _remove(admin_client, survey_id, evaluator)  # posted anyway
    assert refused.status_code == 302
    assert "不能将自己移出本项目：如需退出，请另一位项目成员在本页将您移除" in admin_client.get(
        refused.headers["Location"]).get_data(as_text=True)
    assert _state(database, survey_id) == before
    theirs = app.test_client()
    assert login(theirs, COLLEAGUE, COLLEAGUE_PASSWORD).status_code == 302
    assert _remove(theirs, survey_id, evaluator).status_code == 302  # the colleague can remove them
    assert _members(database, survey_id) == [COLLEAGUE]
    assert admin_client.get(f"/admin/surveys/{survey_id}/members").status_code == 404


def test_an_evaluator_removed_meanwhile_cannot_remove_the_last_member(database, yining, evaluator, colleague):
    """Two members removing each other at once: the store takes turns on the survey's chain head, and the second
    finds its evaluator no longer holds the survey; nothing is written, the survey keeps a member."""
    survey_id = yining[0]
    database.grant(evaluator, survey_id)
    database.grant(colleague, survey_id)
    assert database.revoke(evaluator, survey_id, by=COLLEAGUE, actor=colleague)
    before = _state(database, survey_id)
    with pytest.raises(NotAMember):
        database.revoke(colleague, survey_id, by=EVALUATOR, actor=evaluator)
    with pytest.raises(NotAMember):
        database.grant(evaluator, survey_id, by=EVALUATOR, actor=evaluator)
    with pytest.raises(NotAMember):
        database.revoke(colleague, survey_id, by=COLLEAGUE, actor=colleague)  # nor themselves
    assert _state(database, survey_id) == before and _members(database, survey_id) == [COLLEAGUE]


def _archived(database, survey_id):
    database.update_survey(survey_id, status="archived", audit=Audit("cli", "archived"))


@pytest.mark.parametrize("case", ["empty", "unknown", "already a member", "disabled", "too long", "no csrf",
                                  "remove oneself", "remove a non-member", "remove an unknown id", "remove no csrf",
                                  "deleted survey add", "deleted survey remove", "account added in the database"])
def test_bad_input_changes_nothing(admin_client, database, yining, evaluator, colleague, case):
    survey_id = yining[0]
    page = f"/admin/surveys/{survey_id}/members"
    database.create_user("zhao", hash_password("zhao-password-2024"))
    database.set_disabled("zhao", True)
    database.execute("insert into users (username, password_hash, created_at) values ('forged', ?, ?)",
                     [hash_password("forged-password-2024"), "2024-01-01T00:00:00+00:00"])  # not in the account chain
    if case.startswith("deleted"):
        database.grant(colleague, survey_id)
        _archived(database, survey_id)
    before = _state(database, survey_id)
    expected = {  # what the evaluator reads, and the status
        "empty": ("", "请输入同事的用户名。", 400),
        "unknown": ("nobody", "没有用户名为“nobody”的账户，请核对拼写", 400),
        "already a member": (EVALUATOR, f"“{EVALUATOR}”已是本项目成员，未作更改。", 302),
        "disabled": ("zhao", "账户“zhao”已停用，不能添加为成员", 400),
        "too long": ("x" * 65, "请控制在 64 字以内。", 400),
        "deleted survey add": (COLLEAGUE, "此项目已删除，未作任何修改", 302),
        "account added in the database": ("forged", "账户“forged”的数据在 Manyi 之外被修改过", 400),
    }
    if case in expected:
        username, message, status = expected[case]
        answer = _add(admin_client, survey_id, username)
    elif case == "no csrf":
        answer, message, status = admin_client.post(page, data={"username": COLLEAGUE}), "缺少安全令牌", 400
    elif case == "remove no csrf":
        database.grant(colleague, survey_id)
        before = _state(database, survey_id)
        answer, message, status = admin_client.post(f"{page}/{colleague}/remove"), "缺少安全令牌", 400
    else:
        target = {"remove oneself": evaluator, "remove a non-member": colleague, "remove an unknown id": 10**15,
                  "deleted survey remove": colleague}[case]
        answer = _remove(admin_client, survey_id, target)
        message = {"remove oneself": "不能将自己移出本项目", "deleted survey remove": "此项目已删除，未作任何修改"}.get(
            case, "该账户已不是本项目成员")
        status = 302
    assert answer.status_code == status
    shown = admin_client.get(answer.headers["Location"]).get_data(as_text=True) if status == 302 \
        else answer.get_data(as_text=True)
    assert message in shown
    assert _state(database, survey_id) == before


def test_a_grant_row_the_chain_does_not_record_is_not_a_member(admin_client, database, yining, evaluator, colleague):
    survey_id = yining[0]
    database.execute("insert into grants (user_id, survey_id, created_at) values (?, ?, '2024-01-01T00:00:00+00:00')",
                     [colleague, survey_id])
    assert _members(database, survey_id) == [EVALUATOR] and database.survey_members(survey_id).withheld == 1
    page = admin_client.get(f"/admin/surveys/{survey_id}/members")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f'id="member-{colleague}"' not in text and f"{COLLEAGUE}</td>" not in text
    assert "另有 1 条授权记录与 Manyi 的审计记录不符" in text
    before = _state(database, survey_id)
    database.create_user("zhao", hash_password("zhao-password-2024"))
    answer = _add(admin_client, survey_id, "zhao")  # the chain would record the forged grant as genuine: refused
    assert answer.status_code == 409 and "manyi verify" in answer.get_data(as_text=True)
    assert _state(database, survey_id) == before


def test_the_survey_list_and_login_page_say_a_member_can_add_a_colleague(client, evaluator):
    login_page = client.get("/admin/login").get_data(as_text=True)
    assert "项目成员" in login_page and "manyi create-user" in login_page
    assert login(client).status_code == 302
    listing = client.get("/admin/").get_data(as_text=True)
    assert "项目成员" in listing and "manyi grant" in listing


@pytest.mark.postgresql_only
def test_two_members_removing_each_other_at_once_leave_one(database, yining, evaluator, colleague):
    """Both revokes wait on the survey's chain head, held by a third transaction; released, one goes first and the
    other finds its evaluator removed (NotAMember): the survey keeps one member, whatever the order."""
    survey_id = yining[0]
    database.grant(evaluator, survey_id)
    database.grant(colleague, survey_id)
    holding, release = threading.Event(), threading.Event()

    def hold(conn):
        conn.one("select audit_id from survey_heads where survey_id = ? for update", [survey_id])
        holding.set()
        release.wait(60)

    outcomes = {}

    def remove(who, whom, name):
        try:
            outcomes[name] = database.revoke(whom, survey_id, by=name, actor=who)
        except NotAMember:
            outcomes[name] = "refused"

    holder = threading.Thread(target=database._write, args=(hold,))
    holder.start()
    assert holding.wait(60)
    both = [threading.Thread(target=remove, args=(evaluator, colleague, EVALUATOR)),
            threading.Thread(target=remove, args=(colleague, evaluator, COLLEAGUE))]
    for thread in both:
        thread.start()
    waiting = 0
    for _ in range(600):  # until both revokes wait for the head (then neither has checked its evaluator yet)
        waiting = database.query("select count(*) as n from pg_stat_activity where wait_event_type = 'Lock'"
                                  " and datname = current_database()")[0]["n"]
        if waiting >= 2:
            break
        threading.Event().wait(0.1)
    assert waiting >= 2
    release.set()
    for thread in (holder, *both):
        thread.join(60)
    assert sorted(map(str, outcomes.values())) == ["True", "refused"], outcomes
    assert len(database.survey_members(survey_id).shown) == 1
    assert [e["action"] for e in database.audit_entries(survey_id)][-1:] == ["revoke"]
