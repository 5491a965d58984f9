"""An evaluator's session stays the account that logged in, and a survey is shown only to the evaluators its
chain records as granted it.

Someone holding the database file but not the keys (evaluator wang, say, who also reads the file) could point
his own session's record at another account (``update sessions set user_id = …``): his browser then acted as
li, on li's surveys, each 剔除 a genuine chained line under li's name, and ``manyi verify`` passed. Or insert a
grant row for himself (or swap two accounts' ids, so that li's grants became his): verify names that, but the
pages showed the survey, its answers and every download until someone ran it. The login cookie, signed with the
secret key, names who logged in, and a grant counts only when the survey's newest audit line (its link and head
MAC checked with the chain key) lists the account.
"""
import pytest

from survey_app.admin.auth import CHANGED, hash_password
from tests.admin_helpers import EVALUATOR, csrf, login
from tests.helpers import fill

LI_PASSWORD = "li-long-password-2024"


@pytest.fixture
def li_survey(database, evaluator, yining):
    """li, granted the Yining survey through Manyi; wang (the evaluator) not granted it. Returns (survey, li)."""
    survey_id, _ = yining
    li = database.create_user("li", hash_password(LI_PASSWORD))
    database.grant(li, survey_id)
    assert database.verify().ok
    return survey_id, li


def _audit(database):
    return database.query("select id, hash from audit_log order by id")


def test_a_session_record_pointed_at_another_account_opens_nothing(client, database, li_survey):
    survey_id, li = li_survey
    assert login(client).status_code == 302 and client.get("/admin/").status_code == 200
    assert client.get(f"/admin/surveys/{survey_id}").status_code == 404
    database.execute("update sessions set user_id = ?", [li])
    before = _audit(database)
    page = client.get(f"/admin/surveys/{survey_id}", follow_redirects=True)
    assert "/admin/login" in page.request.path and CHANGED in page.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # the session is gone, not only this page
    assert _audit(database) == before
    assert login(client).status_code == 302  # wang logs in again as himself, still without li's survey
    assert client.get(f"/admin/surveys/{survey_id}").status_code == 404


def test_a_session_record_pointed_at_another_account_cannot_exclude(app, client, database, li_survey, yining):
    survey_id, li = li_survey
    citizen = app.test_client()
    code = yining[1][0]
    assert citizen.post(f"/s/{code}", data=fill(citizen.get(f"/s/{code}").get_data(as_text=True))).status_code == 303
    response_id = database.query("select id from responses")[0]["id"]
    assert login(client).status_code == 302
    database.execute("update sessions set user_id = ?", [li])
    before = _audit(database)
    page = f"/admin/surveys/{survey_id}/responses"
    token = csrf(client.get(page, follow_redirects=True).get_data(as_text=True))  # this browser's own token
    posted = client.post(f"{page}/{response_id}", data={"csrf_token": token, "action": "exclude", "reason": "冒充"})
    assert posted.status_code == 302 and "/admin/login" in posted.headers["Location"]
    assert _audit(database) == before
    assert database.query("select status from responses") == [{"status": "valid"}]


@pytest.mark.parametrize("how", ["inserted", "ids swapped"])
def test_a_grant_made_in_the_database_shows_nothing(client, database, li_survey, how):
    survey_id, li = li_survey
    wang = database.user_by_name(EVALUATOR)["id"]
    if how == "inserted":
        database.execute("insert into grants (user_id, survey_id, created_at) values (?, ?, ?)",
                         [wang, survey_id, "2024-01-01T00:00:00+00:00"])
    else:  # wang's login and password now on li's id (and li's on wang's): li's grants read as wang's
        # the account chain records accounts by name: it reads the same; the grants (by id) now say wang
        database.execute("update users set username = 'tmp' where id = ?", [li])
        database.execute("update users set username = 'li' where id = ?", [wang])
        database.execute("update users set username = ? where username = 'tmp'", [EVALUATOR])
        a, b = database.get_user(li), database.get_user(wang)
        for user, other in ((a, b), (b, a)):
            database.execute("update users set password_hash = ?, created_at = ? where id = ?",
                             [other["password_hash"], other["created_at"], user["id"]])
        database.execute("update sessions set user_id = 0")  # no session to carry over
    assert not database.verify().ok  # verify names it, but the pages must not wait for it
    assert login(client).status_code == 302
    assert client.get("/admin/").status_code == 200
    listed = client.get("/admin/").get_data(as_text=True)
    assert "伊宁市医疗保障局" not in listed and f"另有 1 个项目（第 {survey_id} 号）的授权记录或审核日志与 Manyi 的记录不符" in listed
    for url in (f"/admin/surveys/{survey_id}", f"/admin/surveys/{survey_id}/responses",
                f"/admin/surveys/{survey_id}/export/csv", f"/admin/surveys/{survey_id}/c51"):
        page = client.get(url)  # nothing of the survey, and why: not a bare 404 that reads as "it vanished"
        body = page.get_data(as_text=True)
        assert page.status_code == 409 and "manyi verify" in body and "伊宁市医疗保障局" not in body, url


def test_grants_made_through_manyi_show_the_survey(client, database, li_survey):
    survey_id, _ = li_survey
    wang = database.user_by_name(EVALUATOR)["id"]
    assert database.grant(wang, survey_id, by="cli:ops")
    assert login(client).status_code == 302
    assert client.get(f"/admin/surveys/{survey_id}").status_code == 200
    assert "伊宁市医疗保障局" in client.get("/admin/").get_data(as_text=True)
    assert database.revoke(wang, survey_id, by="cli:ops")
    assert client.get(f"/admin/surveys/{survey_id}").status_code == 404


def test_the_list_reads_the_grants_once_for_the_surveys_shown_and_withheld(app, client, database, li_survey,
                                                                          monkeypatch):
    """The survey list names the surveys shown and the ids withheld from one read of the user's grants (it read
    them twice, once for each); what it shows is as before: wang's own survey, and li's (a grant row inserted in
    the database) withheld and named."""
    from survey_app import questionnaires
    from survey_app.store.common import Conn
    survey_id, _ = li_survey
    wang = database.user_by_name(EVALUATOR)["id"]
    own = database.create_survey_for(
        wang, questionnaire_id="yining-2024-public", questionnaire_version=1, title="王的评价项目",
        questionnaire_digest=questionnaires.catalogue(app).get("yining-2024-public", 1).digest,
        department="伊宁市医疗保障局", year=2025, target=95.0, target_n=50)
    database.execute("insert into grants (user_id, survey_id, created_at) values (?, ?, ?)",
                     [wang, survey_id, "2024-01-01T00:00:00+00:00"])
    assert login(client).status_code == 302
    grants_reads = []
    execute = Conn.execute

    def counted(self, sql, params=()):
        if "join grants g on g.survey_id = s.id" in sql:
            grants_reads.append(sql)
        return execute(self, sql, params)
    monkeypatch.setattr(Conn, "execute", counted)
    listed = client.get("/admin/").get_data(as_text=True)
    assert len(grants_reads) == 1
    assert f'/admin/surveys/{own}"' in listed and "王的评价项目" in listed
    assert f"另有 1 个项目（第 {survey_id} 号）的授权记录或审核日志与 Manyi 的记录不符" in listed
    assert database.surveys_granted(wang) == (database.surveys_for_user(wang), [survey_id])
    assert [s["id"] for s in database.surveys_for_user(wang)] == [own]
