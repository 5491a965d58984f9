"""Evaluator login: every /admin page needs it, surveys are per user, attempts are throttled,
passwords are scrypt hashes, logout and every admin form need a CSRF token."""
import pytest

from survey_app.admin.auth import hash_password
from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD, csrf, login, post_form


def _admin_gets(survey_id: int, point_id: int = 1) -> list[str]:
    base = f"/admin/surveys/{survey_id}"
    return ["/admin/", "/admin/surveys/new", base, f"{base}/edit", f"{base}/responses",
            f"{base}/points/{point_id}/png", f"{base}/points/{point_id}/svg", f"{base}/points/{point_id}/poster",
            f"{base}/export/csv", f"{base}/export/xlsx", f"{base}/export/docx-annex", f"{base}/c51"]


def test_every_admin_page_redirects_to_login_when_logged_out(client, yining, evaluator):
    survey_id, _ = yining
    for url in _admin_gets(survey_id):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/admin/login?next="), url


def test_admin_posts_when_logged_out_change_nothing(client, yining, database):
    survey_id, _ = yining
    token = csrf(client.get("/admin/login").get_data(as_text=True))
    for url, data in ((f"/admin/surveys/{survey_id}/points", {"name": "新窗口"}),
                      (f"/admin/surveys/{survey_id}/status", {"action": "closed"}),
                      ("/admin/surveys/new", {"questionnaire": "yining-2024-public@1", "department": "x", "year": "2024"})):
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"], url
    assert len(database.list_points(survey_id)) == 2
    assert database.get_survey(survey_id)["status"] == "open"
    assert len(database.list_surveys()) == 1


def test_login_then_back_to_the_page_asked_for_then_logout(client, yining, evaluator, database):
    survey_id, _ = yining
    database.grant(evaluator, survey_id)
    asked = client.get(f"/admin/surveys/{survey_id}").headers["Location"]
    response = login(client, next_url=asked.split("next=", 1)[1])
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/surveys/{survey_id}"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/admin/")
    assert page.status_code == 200 and "2024年伊宁市医疗保障局部门整体绩效满意度调查" in page.get_data(as_text=True)

    logout = post_form(client, "/admin/", "/admin/logout", {})
    assert logout.status_code == 302 and logout.headers["Location"] == "/admin/login"
    assert "您已退出登录" in client.get("/admin/login").get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_never_redirects_off_site(client, evaluator):
    response = login(client, next_url="//evil.example.com/admin")
    assert response.headers["Location"] == "/admin/"


def test_wrong_password_and_unknown_user_get_the_same_message(client, evaluator):
    for username, password in ((EVALUATOR, "wrong-password"), ("nobody", EVALUATOR_PASSWORD)):
        response = login(client, username, password)
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_passwords_are_stored_as_scrypt_hashes(database, evaluator):
    stored = database.get_user(evaluator)["password_hash"]
    assert stored.startswith("scrypt:") and EVALUATOR_PASSWORD not in stored


def test_sixth_failed_login_is_throttled_even_with_the_right_password(client, evaluator, database):
    for _ in range(5):
        assert login(client, EVALUATOR, "wrong-password").status_code == 401
    throttled = login(client, EVALUATOR, EVALUATOR_PASSWORD)
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    assert "登录失败次数过多" in throttled.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # not logged in
    # another evaluator from the same office is not locked out by wang's mistakes
    database.create_user("li", hash_password("li-password-1"))
    assert login(client, "li", "li-password-1").status_code == 302


def test_throttle_ends_after_the_window(client, evaluator, database, monkeypatch):
    now = [database.wall_clock()]
    monkeypatch.setattr(database, "wall_clock", lambda: now[0])
    for _ in range(5):
        login(client, EVALUATOR, "wrong-password")
    assert login(client).status_code == 429
    now[0] += 15 * 60 - 1
    assert login(client).status_code == 429
    now[0] += 1
    assert login(client).status_code == 302


def test_a_successful_login_resets_the_count(client, evaluator):
    for _ in range(4):
        login(client, EVALUATOR, "wrong-password")
    assert login(client).status_code == 302
    for _ in range(4):
        assert login(client, EVALUATOR, "wrong-password").status_code == 401


def test_one_client_trying_many_usernames_is_throttled_and_no_raw_ip_is_stored(app, client, database):
    app.config["LOGIN_MAX_FAILURES_PER_CLIENT"] = 3
    for name in ("a1", "a2", "a3"):
        assert login(client, name, "guess-guess").status_code == 401
    assert login(client, "a4", "guess-guess").status_code == 429
    columns = {d[0] for d in database.execute("select * from login_attempts where 1 = 0").description}
    assert columns == {"id", "at", "username", "client_hash", "success"}
    for row in database.query("select client_hash from login_attempts"):
        assert "127.0.0.1" not in row["client_hash"] and len(row["client_hash"]) == 24


def test_a_user_cannot_see_or_export_another_evaluators_survey(admin_client, database, yining):
    other = database.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                             title="别家的评价项目", department="别的局", year=2024)
    point = database.add_point(other, "大厅")
    li = database.create_user("li", hash_password("li-password-1"))
    database.grant(li, other)
    assert "别家的评价项目" not in admin_client.get("/admin/").get_data(as_text=True)
    for url in _admin_gets(other, point["id"]):
        if url.startswith(f"/admin/surveys/{other}"):
            assert admin_client.get(url).status_code == 404, url
    for url, data in ((f"/admin/surveys/{other}/points", {"name": "新窗口"}),
                      (f"/admin/surveys/{other}/status", {"action": "closed"}),
                      (f"/admin/surveys/{other}/edit", {"department": "x", "year": "2024", "target": "90",
                                                         "target_n": "5", "rule": "xinjiang-c51", "c51_figure": "score"})):
        assert post_form(admin_client, "/admin/", url, data).status_code == 404, url
    assert len(database.list_points(other)) == 1 and database.get_survey(other)["status"] == "open"
    # ... and a point of another survey is not reachable through one's own survey either
    assert admin_client.get(f"/admin/surveys/{yining[0]}/points/{point['id']}/png").status_code == 404


def test_login_form_requires_csrf(client, evaluator, database):
    response = client.post("/admin/login", data={"username": EVALUATOR, "password": EVALUATOR_PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302
    assert database.execute("select count(*) from login_attempts").fetchone()[0] == 0


@pytest.mark.parametrize("url, data", [
    ("/admin/logout", {}),
    ("/admin/surveys/{sid}/points", {"name": "新窗口"}),
    ("/admin/surveys/{sid}/status", {"action": "closed"}),
    ("/admin/surveys/{sid}/edit", {"department": "x", "year": "2024", "target": "90", "target_n": "5",
                                   "rule": "xinjiang-c51", "c51_figure": "score"}),
    ("/admin/surveys/new", {"questionnaire": "yining-2024-public@1", "department": "x", "year": "2024",
                            "target": "90", "target_n": "5", "rule": "xinjiang-c51", "c51_figure": "score"}),
])
def test_admin_forms_require_csrf(admin_client, yining, database, url, data):
    survey_id, _ = yining
    before = (database.get_survey(survey_id), len(database.list_points(survey_id)), len(database.list_surveys()))
    for token in (None, "forged-token"):
        body = data if token is None else {**data, "csrf_token": token}
        response = admin_client.post(url.format(sid=survey_id), data=body)
        assert response.status_code == 400
        assert "安全令牌" in response.get_data(as_text=True)
    assert (database.get_survey(survey_id), len(database.list_points(survey_id)),
            len(database.list_surveys())) == before
    assert admin_client.get("/admin/").status_code == 200  # still logged in


def test_exclude_requires_csrf(admin_client, yining, database):
    from tests.yining import submit_one

    survey_id, (hall, _) = yining
    submit_one(admin_client, hall, {"age": "A", "gender": "A", "q1": "A", "q2": "A", "q3": "A", "q4": "A", "q5": "A"})
    [rid] = [r["id"] for r in database.query("select id from responses")]
    response = admin_client.post(f"/admin/surveys/{survey_id}/responses/{rid}", data={"action": "exclude", "reason": "x"})
    assert response.status_code == 400
    assert database.status_counts(survey_id) == {"valid": 1}


def test_changing_the_password_ends_old_sessions(admin_client, database):
    assert admin_client.get("/admin/").status_code == 200
    database.set_password(EVALUATOR, hash_password("a-new-password-9"))
    assert admin_client.get("/admin/").status_code == 302


def test_cli_create_user_and_grant(app, runner, database, yining):
    survey_id, _ = yining
    result = runner.invoke(args=["create-user", "zhao", "--password-stdin"], input="zhao-secret-1\n")
    assert result.exit_code == 0, result.output
    user = database.user_by_name("zhao")
    assert user["password_hash"].startswith("scrypt:")
    again = runner.invoke(args=["create-user", "zhao", "--password-stdin"], input="zhao-secret-1\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["create-user", "qian", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and database.user_by_name("qian") is None
    prompted = runner.invoke(args=["create-user", "sun"], input="sun-secret-11\nsun-secret-11\n")
    assert prompted.exit_code == 0 and "sun-secret-11" not in prompted.output

    assert runner.invoke(args=["grant", "nobody", str(survey_id)]).exit_code != 0
    assert runner.invoke(args=["grant", "zhao", "999"]).exit_code != 0
    granted = runner.invoke(args=["grant", "zhao", str(survey_id)])
    assert granted.exit_code == 0 and database.can_see(user["id"], survey_id)

    client = app.test_client()
    assert login(client, "zhao", "zhao-secret-1").status_code == 302
    assert client.get(f"/admin/surveys/{survey_id}").status_code == 200

    revoked = runner.invoke(args=["revoke", "zhao", str(survey_id)])
    assert revoked.exit_code == 0 and "can no longer see" in revoked.output
    assert not database.can_see(user["id"], survey_id)
    assert client.get(f"/admin/surveys/{survey_id}").status_code == 404  # at once, in the open session
    assert any(e["action"] == "revoke" for e in database.audit_entries(survey_id))
    again = runner.invoke(args=["revoke", "zhao", str(survey_id)])
    assert again.exit_code == 0 and "nothing changed" in again.output
    assert runner.invoke(args=["revoke", "nobody", str(survey_id)]).exit_code != 0


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own(tmp_path):
    """With TRUSTED_PROXIES = 1 the throttle keys on X-Forwarded-For, so one guesser behind the proxy
    does not lock every evaluator out."""
    from survey_app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "p.sqlite3"),
                      "TRUSTED_PROXIES": 1, "LOGIN_MAX_FAILURES_PER_CLIENT": 3})
    guesser = app.test_client()
    guesser.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.7"
    for name in ("a1", "a2", "a3"):
        assert login(guesser, name, "guess-guess").status_code == 401
    assert login(guesser, "a4", "guess-guess").status_code == 429
    colleague = app.test_client()
    colleague.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.20"
    assert login(colleague, "a5", "guess-guess").status_code == 401  # not 429: another client
