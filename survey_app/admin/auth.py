"""Evaluator accounts: log in and out, throttled attempts, per-survey access. Citizens never log in.

Passwords are scrypt hashes (werkzeug). After ``LOGIN_MAX_FAILURES`` failed attempts for one
username (or ``LOGIN_MAX_FAILURES_PER_CLIENT`` from one client) within ``LOGIN_WINDOW_SECONDS``, the
login answers 429 with Retry-After, even for the right password. Attempts are stored in SQLite,
keyed by username and a salted hash of the client address (never the raw address). A survey is
visible only to the users granted it; any other id answers 404, so ids reveal nothing.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
from datetime import datetime, timedelta, timezone

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash

from ..store import get_store, is_row_id
from .forms import MIN_PASSWORD_LENGTH, LoginForm, PasswordForm

bp = Blueprint("auth", __name__)  # /admin/login, /admin/password, /admin/logout
DEFAULTS = {"LOGIN_MAX_FAILURES": 5, "LOGIN_MAX_FAILURES_PER_CLIENT": 20, "LOGIN_WINDOW_SECONDS": 15 * 60,
            "LOGIN_ATTEMPTS_KEEP_DAYS": 30}
ERRORS = {400: "请求内容有误（表单可能已过期），请返回刷新页面后重试。", 403: "您没有访问此页面的权限。",
          404: "没有找到这个页面，或您没有该评价项目的访问权限。", 429: "操作过于频繁，请稍后再试。"}


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@functools.cache
def _dummy_hash() -> str:  # checked for unknown usernames, so timing does not tell who exists
    return hash_password("manyi-no-such-user")


def _cfg(name: str):
    return current_app.config.get(name, DEFAULTS[name])


def _fingerprint(password_hash: str) -> str:  # changes with the password, which ends every old session
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def load_user() -> None:
    """g.current_user for an evaluator's page (run before each one: admin/__init__.py); citizens'
    pages, / and static files never use the login."""
    g.current_user = None
    user_id = session.get("user_id")
    if isinstance(user_id, int):
        user = get_store().get_user(user_id)
        if user and hmac.compare_digest(session.get("auth", ""), _fingerprint(user["password_hash"])):
            g.current_user = {"id": user["id"], "username": user["username"]}


@bp.app_context_processor
def inject_user() -> dict:
    return {"current_user": g.get("current_user")}


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("current_user") is None:
            return redirect(url_for("admin.auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped


def survey_or_404(survey_id: int) -> dict:
    """The survey if the logged-in user was granted it; 404 otherwise (whether or not it exists)."""
    user = g.get("current_user")
    survey = get_store().get_survey(survey_id) if user and is_row_id(survey_id) else None
    if survey is None or not get_store().can_see(user["id"], survey_id):
        abort(404)
    return survey


def admin_error(e: HTTPException):
    """Error pages for evaluators (registered once, on the parent blueprint: admin/__init__.py)."""
    if e.response is not None:
        return e.response
    message = "表单已过期或缺少安全令牌，请返回刷新页面后重试。" if isinstance(e, CSRFError) else ERRORS.get(e.code)
    return render_template("admin/error.html", code=e.code, message=message or e.description), e.code


def _client_hash() -> str:
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{salt}:login-client:{request.remote_addr}".encode()).hexdigest()[:24]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _retry_after(username: str, client: str) -> int | None:
    """Seconds until a throttled username or client may try again; None when not throttled."""
    now, window = datetime.now(timezone.utc), timedelta(seconds=_cfg("LOGIN_WINDOW_SECONDS"))
    by_user, by_client = get_store().recent_failures(username=username, client_hash=client, since=_iso(now - window))
    waits = [(datetime.fromisoformat(oldest) + window - now).total_seconds()
             for (count, oldest), limit in ((by_user, _cfg("LOGIN_MAX_FAILURES")),
                                            (by_client, _cfg("LOGIN_MAX_FAILURES_PER_CLIENT")))
             if count >= limit]
    return max(1, int(max(waits)) + 1) if waits else None


def _record_attempt(username: str, client: str, success: bool) -> None:
    keep = _iso(datetime.now(timezone.utc) - timedelta(days=_cfg("LOGIN_ATTEMPTS_KEEP_DAYS")))
    get_store().record_login_attempt(username=username, client_hash=client, success=success, keep_since=keep)


def _check(username: str, password: str) -> dict | None:
    user = get_store().user_by_name(username)
    ok = check_password_hash(user["password_hash"] if user else _dummy_hash(), password)
    return user if ok and user else None


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("admin.surveys.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form), 400 if request.method == "POST" else 200
    username, client = form.username.data.strip(), _client_hash()
    wait = _retry_after(username, client)
    if wait is not None:
        form.form_errors.append(f"登录失败次数过多，请 {-(-wait // 60)} 分钟后再试。")
        return render_template("admin/login.html", form=form), 429, {"Retry-After": str(wait)}
    user = _check(username, form.password.data)
    _record_attempt(username, client, bool(user))
    if user is None:
        form.form_errors.append("用户名或密码不正确。")
        return render_template("admin/login.html", form=form), 401
    session.clear()
    session.update(user_id=user["id"], auth=_fingerprint(user["password_hash"]))
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """An evaluator sets a new password: this browser stays logged in, every other session ends. A
    wrong current password counts as a failed login (the same throttle), so a borrowed session
    cannot be used to guess it."""
    form = PasswordForm()

    def page(status: int, headers: dict | None = None):
        return render_template("admin/password.html", form=form, min_length=MIN_PASSWORD_LENGTH), status, headers

    if not form.validate_on_submit():
        return page(400 if request.method == "POST" else 200)
    username, client = g.current_user["username"], _client_hash()
    wait = _retry_after(username, client)
    if wait is not None:
        form.form_errors.append(f"密码输入错误次数过多，请 {-(-wait // 60)} 分钟后再试。")
        return page(429, {"Retry-After": str(wait)})
    if _check(username, form.current.data) is None:
        _record_attempt(username, client, False)
        form.current.errors = ["当前密码不正确。"]
        return page(400)
    new_hash = hash_password(form.new.data)
    get_store().set_password(username, new_hash)
    session["auth"] = _fingerprint(new_hash)
    flash("密码已修改。其他设备上的登录已退出。")
    return redirect(url_for("admin.surveys.index"))


@bp.post("/logout")
def logout():
    session.clear()
    flash("您已退出登录。")
    return redirect(url_for("admin.auth.login"))
