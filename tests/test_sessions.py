"""Evaluators' sessions live in the database (issue #13 item 4): logging out, a new password and
``manyi revoke-sessions`` end them at once (a copied cookie opens nothing), idle and absolute lifetimes
end them, and the login throttle counts atomically, keeps a client's failures through a success, and
never locks anyone out for longer than its window when a clock jumps."""
import hashlib
import re
import threading

import pytest

from survey_app.store import open_store
from tests.admin_helpers import EVALUATOR, EVALUATOR_PASSWORD, csrf, login, post_form
from tests.helpers import at_once

ENDED = "登录已失效"
WINDOW = 15 * 60


@pytest.fixture
def clock(database, monkeypatch):
    """The store's wall clock under the test's hand (seconds since the epoch)."""
    now = [float(int(database.wall_clock()))]  # whole seconds: stored times keep microseconds exactly
    monkeypatch.setattr(database, "wall_clock", lambda: now[0])
    return now


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    """A new browser carrying a copy of someone's session cookie: its first admin page."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief, thief.get("/admin/")


def _logged_in(app):
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def test_the_cookie_holds_only_a_random_id_and_the_database_only_its_hash(app, database, evaluator):
    client = _logged_in(app)
    data = app.session_interface.get_signing_serializer(app).loads(_cookie(client))
    assert set(data) <= {"sid", "who", "csrf_token"} and len(data["sid"]) >= 40
    assert EVALUATOR not in str(data)  # "who": a digest of the account that logged in
    [row] = database.query("select * from sessions")
    assert row["id_hash"] == hashlib.sha256(data["sid"].encode()).hexdigest()
    assert data["sid"] not in str(row) and row["user_id"] == evaluator and row["revoked_at"] is None
    assert "127.0.0.1" not in str(row)


def test_logout_ends_the_session_even_for_a_copied_cookie(app, database, evaluator):
    client = _logged_in(app)
    copied = _cookie(client)
    assert _replay(app, copied)[1].status_code == 200  # the copy works while the session is open
    assert post_form(client, "/admin/", "/admin/logout", {}).status_code == 302
    thief, page = _replay(app, copied)
    assert page.status_code == 302 and page.headers["Location"].startswith("/admin/login")
    assert ENDED in thief.get("/admin/login").get_data(as_text=True)
    assert database.query("select count(*) as n from sessions where revoked_at is not null") == [{"n": 1}]


def test_a_new_login_in_the_same_browser_ends_the_session_before_it(app, evaluator):
    client = _logged_in(app)
    before = _cookie(client)
    assert login(client).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert _replay(app, before)[1].status_code == 302


def test_a_password_change_ends_every_other_session_and_renews_this_one(app, evaluator):
    client, other = _logged_in(app), _logged_in(app)
    before = _cookie(client)
    token = csrf(client.get("/admin/password").get_data(as_text=True))
    new = "a-new-long-passphrase"
    changed = client.post("/admin/password", data={"csrf_token": token, "current": EVALUATOR_PASSWORD,
                                                   "new": new, "confirm": new})
    assert changed.status_code == 302
    assert "密码已修改" in client.get("/admin/").get_data(as_text=True)  # this browser goes on...
    assert _replay(app, before)[1].status_code == 302  # ...with a new id: its old cookie is dead
    page = other.get("/admin/")
    assert page.status_code == 302 and ENDED in other.get("/admin/login").get_data(as_text=True)


def test_revoke_sessions_from_the_command_line(app, runner, database, evaluator):
    first, second = _logged_in(app), _logged_in(app)
    result = runner.invoke(args=["revoke-sessions", EVALUATOR])
    assert result.exit_code == 0 and "Ended 2 open session(s) of wang" in result.output
    assert first.get("/admin/").status_code == 302 and second.get("/admin/").status_code == 302
    assert "Ended 0" in runner.invoke(args=["revoke-sessions", EVALUATOR]).output
    unknown = runner.invoke(args=["revoke-sessions", "nobody"])
    assert unknown.exit_code != 0 and "no user 'nobody'" in unknown.output
    assert login(first).status_code == 302 and first.get("/admin/").status_code == 200  # may log in again


def test_a_disabled_account_is_logged_out_and_refused_like_a_wrong_password(app, runner, database, evaluator, yining):
    """manyi disable-user: every session ends at once, the right password is refused with the words of a wrong
    one (nothing tells that the account exists), grants and audit lines stay; manyi users shows it all."""
    from survey_app.admin.auth import hash_password

    survey_id, _ = yining
    database.grant(evaluator, survey_id, by="cli")
    database.create_user("li", hash_password("another-long-pass"))
    first, second = _logged_in(app), _logged_in(app)
    copied = _cookie(first)
    lines_before = database.audit_entries(survey_id)
    result = runner.invoke(args=["disable-user", EVALUATOR])
    assert result.exit_code == 0 and "User wang disabled" in result.output
    assert first.get("/admin/").status_code == 302 and second.get("/admin/").status_code == 302
    assert _replay(app, copied)[1].status_code == 302
    refused, unknown = login(app.test_client()), login(app.test_client(), "nobody-here", EVALUATOR_PASSWORD)
    assert refused.status_code == unknown.status_code == 401
    said = [re.findall(r'role="alert">([^<]+)<', page.get_data(as_text=True)) for page in (refused, unknown)]
    assert said[0] == said[1] and "用户名或密码不正确。" in said[0]
    assert database.can_see(evaluator, survey_id) and database.audit_entries(survey_id) == lines_before
    listed = runner.invoke(args=["users"]).output.splitlines()
    assert listed[0].split() == ["USERNAME", "STATUS", "SURVEYS"]
    assert listed[1].startswith("li ") and listed[1].split()[1:] == ["active", "-"]
    assert listed[2].startswith("wang ") and "disabled since" in listed[2] and listed[2].endswith(f" {survey_id}")
    assert "already disabled" in runner.invoke(args=["disable-user", EVALUATOR]).output
    assert runner.invoke(args=["disable-user", "nobody"]).exit_code != 0
    result = runner.invoke(args=["enable-user", EVALUATOR])
    assert result.exit_code == 0 and "User wang enabled" in result.output
    assert login(first).status_code == 302 and first.get(f"/admin/surveys/{survey_id}").status_code == 200
    assert "was not disabled" in runner.invoke(args=["enable-user", EVALUATOR]).output
    assert runner.invoke(args=["users"]).output.splitlines()[2].split()[1:] == ["active", str(survey_id)]


def test_a_session_ends_after_the_idle_time(app, evaluator, clock):
    client = _logged_in(app)
    for _ in range(3):  # each page within 2 hours of the last keeps it open
        clock[0] += 119 * 60
        assert client.get("/admin/").status_code == 200
    clock[0] += 120 * 60
    page = client.get("/admin/")
    assert page.status_code == 302
    assert "您已超过 120 分钟未操作" in client.get("/admin/login").get_data(as_text=True)


def test_the_idle_time_is_configurable(app, evaluator, clock):
    app.config["SESSION_IDLE_MINUTES"] = 5
    client = _logged_in(app)
    clock[0] += 4 * 60
    assert client.get("/admin/").status_code == 200
    clock[0] += 5 * 60
    assert client.get("/admin/").status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, evaluator, clock):
    app.config["SESSION_MAX_HOURS"] = 3
    client = _logged_in(app)
    for _ in range(5):
        clock[0] += 35 * 60
        assert client.get("/admin/").status_code == 200
    clock[0] += 10 * 60  # past 3 hours since the login
    assert client.get("/admin/").status_code == 302
    assert "本次登录已超过 3 小时" in client.get("/admin/login").get_data(as_text=True)


def test_last_seen_is_written_at_most_once_a_minute(app, database, evaluator, clock):
    client = _logged_in(app)

    def last_seen():
        return database.query("select last_seen_at from sessions")[0]["last_seen_at"]
    first = last_seen()
    for _ in range(5):
        clock[0] += 11
        assert client.get("/admin/").status_code == 200
    assert last_seen() == first
    clock[0] += 5
    client.get("/admin/")
    assert last_seen() > first


def test_a_clock_set_back_ends_sessions_rather_than_lengthening_them(app, evaluator, clock):
    client = _logged_in(app)
    clock[0] -= 2 * 3600
    assert client.get("/admin/").status_code == 302


def test_a_session_begun_by_a_server_minutes_ahead_stays_open(app, evaluator, clock):
    """Servers' clocks may drift apart after the 5 s start check (MAX_CLOCK_SKEW_SECONDS): a session begun on
    one up to CLOCK_SLACK_SECONDS ahead stays open on the others; one begun further "in the future" has ended."""
    from survey_app.store.servers import CLOCK_SLACK_SECONDS
    assert CLOCK_SLACK_SECONDS > app.config["MAX_CLOCK_SKEW_SECONDS"]
    client = _logged_in(app)
    clock[0] -= CLOCK_SLACK_SECONDS - 1
    assert client.get("/admin/").status_code == 200
    clock[0] -= 2
    assert client.get("/admin/").status_code == 302


# -- the login throttle ---------------------------------------------------------------------------


def test_24_wrong_passwords_at_once_make_at_most_5_checks(app, evaluator, monkeypatch):
    from survey_app.admin import auth

    checks, counting = [], threading.Lock()
    real = auth.check_password_hash

    def counted(*args):
        with counting:
            checks.append(1)
        return real(*args)
    monkeypatch.setattr(auth, "check_password_hash", counted)
    clients = [app.test_client() for _ in range(24)]
    tokens = [csrf(c.get("/admin/login").get_data(as_text=True)) for c in clients]
    codes = at_once(24, lambda i: clients[i].post("/admin/login", data={
        "csrf_token": tokens[i], "username": EVALUATOR, "password": f"guess-{i}"}).status_code)
    assert sorted(codes) == [401] * 5 + [429] * 19
    assert len(checks) == 5


def test_servers_claiming_at_once_count_every_claim(app, database):
    stores = [open_store(app.config["DATABASE"]) for _ in range(6)]
    try:
        allowed = at_once(24, lambda i: stores[i % 6].claim_login_check(
            username="wang", client_hash=f"client-{i}", limits=(5, 20), window_seconds=WINDOW))
    finally:
        for store in stores:
            store.close()
    assert sum(wait is None for wait in allowed) == 5, allowed
    assert all(wait is None or 0 < wait <= WINDOW for wait in allowed)
    assert database.query("select failures from login_counters where scope = 'user'") == [{"failures": 5}]


def test_a_success_keeps_the_clients_failures(app, client, evaluator):
    app.config["LOGIN_MAX_FAILURES_PER_CLIENT"] = 5
    for name in ("a1", "a2", "a3", "a4"):
        assert login(client, name, "guess-guess").status_code == 401
    assert login(client).status_code == 302  # one's own account still opens...
    assert login(client, "a5", "guess-guess").status_code == 401  # ...but the 5th failure is the last
    assert login(client, "a6", "guess-guess").status_code == 429
    assert login(client).status_code == 429


def test_many_successes_do_not_buy_more_guesses(app, client, evaluator):
    app.config["LOGIN_MAX_FAILURES_PER_CLIENT"] = 6
    codes = []
    for i in range(12):
        codes.append(login(client, f"x{i}", "guess-guess").status_code)
        login(client)
    assert codes.count(401) == 6 and codes[6:] == [429] * 6


def test_a_server_whose_clock_ran_a_day_ahead_locks_no_one_out_for_a_day(app, client, evaluator, clock):
    real = clock[0]
    clock[0] = real + 86400  # the failures are counted by a server a day ahead
    for _ in range(5):
        assert login(client, EVALUATOR, "wrong-password").status_code == 401
    clock[0] = real  # the clock is put right
    throttled = login(client)
    assert throttled.status_code == 429 and 0 < int(throttled.headers["Retry-After"]) <= WINDOW
    clock[0] += WINDOW
    assert login(client).status_code == 302


def test_a_clock_set_back_less_than_a_window_still_ends_the_lock_within_one(app, client, evaluator, clock):
    for _ in range(5):
        login(client, EVALUATOR, "wrong-password")
    clock[0] -= WINDOW / 2
    throttled = login(client)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) <= WINDOW
    clock[0] += WINDOW
    assert login(client).status_code == 302


def test_throttled_attempts_are_not_counted(app, client, evaluator, clock, database):
    for _ in range(5):
        login(client, EVALUATOR, "wrong-password")
    for _ in range(10):
        clock[0] += 60
        assert login(client, EVALUATOR, "wrong-password").status_code == 429
    clock[0] += WINDOW - 600  # the window from the first failure, not from the last refusal
    assert login(client).status_code == 302
    assert database.query("select count(*) as n from login_attempts") == [{"n": 6}]
