"""An evaluator changes their own password in the browser (/admin/password): the old one stops
working, this browser stays logged in, other sessions end, and a wrong current password is refused
and counted against the login throttle."""
from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD, csrf, login

PAGE = "/admin/password"
NEW = "a-new-long-passphrase"


def _post(client, **fields):
    token = csrf(client.get(PAGE).get_data(as_text=True))
    data = {"current": EVALUATOR_PASSWORD, "new": NEW, "confirm": NEW, **fields}
    return client.post(PAGE, data={"csrf_token": token, **data})


def test_the_new_password_works_and_the_old_one_and_other_sessions_end(app, admin_client, database):
    other = app.test_client()
    assert login(other).status_code == 302 and other.get("/admin/").status_code == 200
    assert "修改密码" in admin_client.get("/admin/").get_data(as_text=True)
    response = _post(admin_client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert "密码已修改" in admin_client.get("/admin/").get_data(as_text=True)  # still logged in here
    assert other.get("/admin/").status_code == 302  # the other browser's session ended
    fresh = app.test_client()
    assert login(fresh).status_code == 401
    assert login(fresh, EVALUATOR, NEW).status_code == 302


def test_wrong_or_unmatched_input_changes_nothing_and_says_why(admin_client, database):
    before = database.user_by_name(EVALUATOR)["password_hash"]
    cases = [({"current": "not-my-password"}, "当前密码不正确。"),
             ({"new": "short", "confirm": "short"}, "新密码需要 8 到 256 个字符。"),
             ({"confirm": NEW + "x"}, "两次输入的新密码不一致。"),
             ({"current": ""}, "请输入当前密码。")]
    for fields, message in cases:
        response = _post(admin_client, **fields)
        assert response.status_code == 400 and message in response.get_data(as_text=True), fields
    assert database.user_by_name(EVALUATOR)["password_hash"] == before
    assert admin_client.post(PAGE, data={"current": EVALUATOR_PASSWORD, "new": NEW, "confirm": NEW}).status_code == 400


def test_guessing_the_current_password_hits_the_login_throttle(app, admin_client, database):
    app.config["LOGIN_MAX_FAILURES"] = 3
    before = database.user_by_name(EVALUATOR)["password_hash"]
    for _ in range(3):
        assert _post(admin_client, current="guess").status_code == 400
    response = _post(admin_client)  # even the right password waits now
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert "密码输入错误次数过多" in response.get_data(as_text=True)
    assert database.user_by_name(EVALUATOR)["password_hash"] == before


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
