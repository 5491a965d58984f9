"""Security headers on every public page: a CSP without inline-script allowances, nosniff, no framing,
and cookies that are Secure when the public address is https (and still work on plain http)."""
import os
import re
from http.cookies import SimpleCookie

import pytest

from survey_app import create_app
from survey_app.store import EXTENSION, open_store
from tests.helpers import fill
from tests.helpers import NO_DEFENCES


def csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def cookies(response) -> dict[str, str]:
    """name -> the raw Set-Cookie header for it."""
    return {next(iter(SimpleCookie(h))): h for h in response.headers.getlist("Set-Cookie")}


@pytest.fixture
def https_client(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE": str(tmp_path / "https.sqlite3"),
                      "PUBLIC_BASE_URL": "https://manyi.example.cn", **NO_DEFENCES})
    conn = open_store(app.config["DATABASE"])
    survey_id = conn.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1, title="t")
    code = conn.add_point(survey_id, "业务大厅")["code"]
    conn.close()
    yield app.test_client(), code
    app.extensions[EXTENSION].close()


def public_responses(client, code):
    """One response of every kind a citizen can meet."""
    page = client.get(f"/s/{code}")
    return {
        "form": page,
        "thanks": client.post(f"/s/{code}", data=fill(page.get_data(as_text=True))),
        "thanks page": client.get(f"/s/{code}/thanks"),
        "invalid": client.post(f"/s/{code}", data={**fill(client.get(f"/s/{code}").get_data(as_text=True)), "q1": "Z"}),
        "index": client.get("/"),
        "unknown code": client.get("/s/zzzzzzzz"),
        "junk path": client.get("/wp-login.php"),
        "wrong method": client.put(f"/s/{code}"),
    }


def test_every_public_response_has_the_security_headers(client, yining):
    _, (hall, _) = yining
    for kind, response in public_responses(client, hall).items():
        policy = csp(response)
        assert policy["default-src"] == ["'none'"], kind
        assert policy["frame-ancestors"] == ["'none'"], kind
        # no 'unsafe-inline', no 'unsafe-eval', no hosts: 'self' and the page's own nonce
        assert policy["script-src"][0] == "'self'" and policy["script-src"][1:] in ([], policy["style-src"]), kind
        assert not any("unsafe" in v for values in policy.values() for v in values), kind
        assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'none'"], kind
        assert response.headers["X-Content-Type-Options"] == "nosniff", kind
        assert response.headers["X-Frame-Options"] == "DENY", kind
        assert "Strict-Transport-Security" not in response.headers, kind  # plain http: no HSTS


def test_inline_style_and_script_are_allowed_by_their_nonce_only(client, yining):
    """The form's one inline script (it keeps unsent answers on the phone) runs by the page's nonce; no
    other inline script or event handler is in the page."""
    _, (hall, _) = yining
    first, second = client.get(f"/s/{hall}"), client.get(f"/s/{hall}")
    for page in (first, second):
        html = page.get_data(as_text=True)
        [nonce] = re.findall(r'<style nonce="([^"]+)">', html)
        assert csp(page)["style-src"] == [f"'nonce-{nonce}'"]
        assert csp(page)["script-src"] == ["'self'", f"'nonce-{nonce}'"]
        assert re.findall(r"<script[^>]*>", html) == [f'<script nonce="{nonce}">']
        assert not re.search(r"<[^>]*\son\w+=", html)  # no handlers either
    assert csp(first)["style-src"] != csp(second)["style-src"]  # a fresh nonce per page


def test_cookies_are_secure_behind_https(https_client):
    client, code = https_client
    page = client.get(f"/s/{code}", base_url="https://manyi.example.cn")
    login = client.get("/admin/login", base_url="https://manyi.example.cn")
    set = cookies(page) | cookies(login)  # the citizen's device cookie; the evaluator's session (CSRF)
    assert {"session", "mid"} <= set.keys()
    for name, header in set.items():
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header, header
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    body = fill(page.get_data(as_text=True))
    assert client.post(f"/s/{code}", data=body, base_url="https://manyi.example.cn").status_code == 303


def test_cookies_work_on_plain_http_for_the_demo(client, yining):
    _, (hall, _) = yining
    set = cookies(client.get(f"/s/{hall}")) | cookies(client.get("/admin/login"))
    assert {"session", "mid"} <= set.keys()
    for header in set.values():
        assert "Secure" not in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_serving_with_the_development_secret_key_is_refused(tmp_path):
    from survey_app import check_deployable, create_app

    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY"):
        check_deployable(create_app({"SECRET_KEY": "dev", "DATABASE": str(tmp_path / "m.sqlite3")}))
    check_deployable(create_app({"SECRET_KEY": "a-real-secret-0123456789abcdefghij", "DATABASE": str(tmp_path / "m.sqlite3")}))


@pytest.mark.parametrize("empty", ["", "  "])
def test_serving_with_an_empty_secret_key_is_refused_in_one_line(tmp_path, empty):
    """`FLASK_SECRET_KEY=` in /etc/manyi.env (or a `$(…)` that failed) served citizens' forms signed with no key
    and answered 500 at the evaluators' login: refused before gunicorn listens."""
    import os
    import subprocess

    from survey_app import check_deployable, create_app
    from tests.helpers import CHECKOUT_ENV, MANYI

    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY is empty"):
        check_deployable(create_app({"SECRET_KEY": empty, "DATABASE": str(tmp_path / "m.sqlite3")}))
    env = {"PATH": "/usr/bin:/bin", "FLASK_SECRET_KEY": empty, "FLASK_CHAIN_KEY": os.environ["FLASK_CHAIN_KEY"],
           "FLASK_DATABASE": str(tmp_path / "m.sqlite3"), **CHECKOUT_ENV}
    done = subprocess.run([MANYI, "serve", "--bind", "127.0.0.1:0", "--workers", "1"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: FLASK_SECRET_KEY is empty"), done.stderr


def test_citizens_pages_have_a_null_session_even_with_an_evaluators_cookie(app, client, yining):
    """A browser that is also logged in as an evaluator sends its session cookie to /s/ too: the
    citizen's page neither reads it nor sends a session cookie back."""
    from flask import session
    from flask.sessions import NullSession

    _, (hall, _) = yining
    client.set_cookie("session", "anything")
    with app.test_request_context(f"/s/{hall}"):
        assert isinstance(session._get_current_object(), NullSession)
    with app.test_request_context("/admin/"):
        assert not isinstance(session._get_current_object(), NullSession)
    page = client.get(f"/s/{hall}")
    assert page.status_code == 200 and "session=" not in " ".join(page.headers.getlist("Set-Cookie"))


def test_every_evaluators_page_is_never_cached_and_citizens_pages_keep_theirs(admin_client, yining):
    """Individual answers, free text and settings must not come back from the browser's cache after logout
    on a shared office PC: every /admin/ response says no-store (pages, errors, redirects, downloads). The
    citizens' pages keep what they had: the form and the repeat page no-store, the rest unset."""
    survey_id, (hall, _) = yining
    base = f"/admin/surveys/{survey_id}"
    for url in ("/admin/", base, f"{base}/edit", f"{base}/responses", f"{base}/c51", f"{base}/points",
                f"{base}/export/xlsx", "/admin/password", "/admin/no-such-page", "/admin/surveys/999999"):
        with admin_client.get(url) as response:  # a download streams a file: closed here
            assert response.status_code in (200, 404), url
            assert response.headers.get("Cache-Control") == "no-store", url
    client = admin_client.application.test_client()  # logged out: the login page and the redirect to it
    for url in ("/admin/login", base, "/admin"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    page = client.get(f"/s/{hall}")
    assert page.headers["Cache-Control"] == "no-store"
    assert client.post(f"/s/{hall}", data=fill(page.get_data(as_text=True))).status_code == 303
    assert client.get(f"/s/{hall}").headers["Cache-Control"] == "no-store"  # 您已提交过本问卷
    for url in (f"/s/{hall}/thanks", "/", "/s/zzzzzzzz"):
        assert "Cache-Control" not in client.get(url).headers, url
    with client.get("/static/admin.css") as css:
        assert css.headers["Cache-Control"] == "no-cache"  # Flask's static default


@pytest.mark.parametrize("base, warned", [
    ("http://manyi.example.cn", True), ("http://120.77.1.2:8000/", True), ("http://[240e::1]", True),
    ("https://manyi.example.cn", False), ("http://127.0.0.1:5000", False), ("http://localhost:5000", False),
    ("http://192.168.1.20:5000", False), ("http://10.0.0.5", False), ("http://[::1]:5000", False)])
def test_a_plain_http_public_address_is_warned_about_at_start_unless_local(tmp_path, base, warned):
    """Secure cookies and HSTS follow PUBLIC_BASE_URL's scheme alone: an http:// address behind a TLS proxy
    would silently give non-Secure session cookies. The server's start (gunicorn, as `manyi serve` runs it)
    says so in one line; this machine's or a private network's address (make demo, a LAN trial) stays quiet."""
    import subprocess
    import sys

    from survey_app import plain_http_warning

    assert (plain_http_warning(base) is not None) == warned
    if base not in ("http://manyi.example.cn", "http://127.0.0.1:5000"):
        return
    env = {**os.environ, "FLASK_SECRET_KEY": "a-real-secret-0123456789abcdefghij", "FLASK_DATABASE": str(tmp_path / "m.sqlite3"),
           "FLASK_PUBLIC_BASE_URL": base}
    started = subprocess.run([sys.executable, "-c", "import survey_app.wsgi"], env=env, capture_output=True,
                             text=True, timeout=120, cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    lines = [line for line in started.stderr.splitlines() if "PUBLIC_BASE_URL" in line]
    if warned:
        assert len(lines) == 1 and "Secure" in lines[0] and "QR codes will point to http" in lines[0], started.stderr
    else:
        assert lines == [] and "Warning" not in started.stderr, started.stderr
