"""Evaluator accounts: log in and out, sessions, throttled attempts, per-survey access. Citizens never log in.

Passwords are scrypt hashes (werkzeug). A login starts a session kept in the database
(store/sessions.py); Flask's signed cookie carries its random id and a digest of the account that logged
in (id and username), which the record must go on naming: a session record given another account's id in the
database opens nothing. The session ends at once when the evaluator logs out, when the password changes (this
browser goes on with a new session), by ``manyi revoke-sessions``, after ``SESSION_IDLE_MINUTES`` without a
page, and ``SESSION_MAX_HOURS`` after the login. After ``LOGIN_MAX_FAILURES`` failed password checks for one username (or
``LOGIN_MAX_FAILURES_PER_CLIENT`` from one client) within ``LOGIN_WINDOW_SECONDS``, the login answers
429 with Retry-After, even for the right password. Each check is counted before it is made
(store/throttle.py), by username and by a salted hash of the client address (never the raw address). A
survey is visible only to the users granted it, as its chain records (store/accounts.py ``can_see``); any
other id answers 404, so ids reveal nothing.

Once the password matched, the login also asks the store whether the account is what the account chain last
recorded of it (store/account_log.py): a password hash swapped in, an account enabled or added in the database
behind Manyi's back is refused with CHANGED (counted as a failed check, as a disabled account's right password
is), logged, and nothing else is written; a session whose account is changed so ends at its next page.
"""
from __future__ import annotations

import functools
import hashlib
import logging

from flask import (Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request,
                   session, url_for)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash

from ..store import get_store, is_row_id
from .forms import MIN_PASSWORD_LENGTH, LoginForm, PasswordForm

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)  # /admin/login, /admin/password, /admin/logout
DEFAULTS = {"LOGIN_MAX_FAILURES": 5, "LOGIN_MAX_FAILURES_PER_CLIENT": 20, "LOGIN_WINDOW_SECONDS": 15 * 60,
            "LOGIN_ATTEMPTS_KEEP_DAYS": 30, "SESSION_IDLE_MINUTES": 120, "SESSION_MAX_HOURS": 12}
ERRORS = {400: "请求内容有误（表单可能已过期，或含有无法保存的字符、过长的内容），请返回刷新页面后重试。", 403: "您没有访问此页面的权限。",
          404: "没有找到这个页面，或您没有该评价项目的访问权限。", 429: "操作过于频繁，请稍后再试。",
          413: "提交的内容过长，未保存。请返回上一页，精简较长的文字后再提交（登录已失效时，请先重新登录）。"}
CHANGED = "该账户的数据在 Manyi 之外被修改过（与账户审计记录不一致），暂不能登录。请管理员运行 manyi verify 查明并恢复。"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@functools.cache
def _dummy_hash() -> str:  # checked for unknown usernames, so timing does not tell who exists
    return hash_password("manyi-no-such-user")


def _cfg(name: str):
    return current_app.config.get(name, DEFAULTS[name])


def _ended(why: str) -> str:
    """Why the evaluator has to log in again, in their words."""
    if why == "idle":
        return f"您已超过 {_cfg('SESSION_IDLE_MINUTES')} 分钟未操作，为安全起见已退出登录，请重新登录。"
    if why == "expired":
        return f"本次登录已超过 {_cfg('SESSION_MAX_HOURS')} 小时，为安全起见请重新登录。"
    if why == "changed":
        return CHANGED
    return "登录已失效（已退出、密码已修改或登录已被撤销），请重新登录。"


def load_user() -> None:
    """g.current_user for an evaluator's page (run before each one: admin/__init__.py) from the session
    record the cookie names, or g.session_ended saying why it ended; citizens' pages, / and static files
    never use the login."""
    g.current_user = g.session_ended = None
    session_id = session.get("sid")
    if not isinstance(session_id, str):
        return
    found = get_store().check_session(session_id, idle_seconds=60 * _cfg("SESSION_IDLE_MINUTES"),
                                      max_seconds=3600 * _cfg("SESSION_MAX_HOURS"))
    user, ended = found.user, found.ended
    if user is not None and session.get("who") != _who(user["id"], user["username"]):
        # the session's record names another account than the one that logged in (its user_id set in the
        # database; the cookie, signed with the secret key, says who logged in): ended, never acted on
        user, ended = None, "changed" if "who" in session else "missing"
    if user is None:
        session.pop("sid")
        if ended == "changed":
            log.warning("session ended: an account was changed outside Manyi (not what the account chain recorded);"
                        " run manyi verify")
        g.session_ended = _ended(ended)
    else:
        g.current_user = user


def _start_session(user_id: int, username: str) -> None:
    """This browser's new session: a fresh id (nothing carried over from before), only its hash stored."""
    if isinstance(old := session.get("sid"), str):
        get_store().end_session(old)
    session.clear()
    session["sid"] = get_store().start_session(user_id, max_seconds=3600 * _cfg("SESSION_MAX_HOURS"),
                                               user_agent=request.user_agent.string, client_hash=_client_hash())
    session["who"] = _who(user_id, username)  # who logged in: the record must go on naming them


def _who(user_id: int, username: str) -> str:
    """The account that logged in, as the cookie carries it (a digest: the cookie is signed, not encrypted)."""
    return hashlib.sha256(f"{user_id}:{username}".encode()).hexdigest()[:16]


@bp.app_context_processor
def inject_user() -> dict:
    return {"current_user": g.get("current_user")}


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("current_user") is None:
            if g.get("session_ended"):
                flash(g.session_ended, "error")
            return redirect(url_for("admin.auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped


WITHHELD = ("此项目的授权记录或审核日志与 Manyi 的记录不符（数据库在 Manyi 之外被修改过），为免显示可能被改动的数据，"
            "暂不显示。请联系系统管理员运行 manyi verify 核查。")


def survey_or_404(survey_id: int) -> dict:
    """The survey if the logged-in user was granted it; 404 otherwise (whether or not it exists), but 409 saying
    why when the user holds a grant row the survey's chain does not record (changed in the database)."""
    user = g.get("current_user")
    survey = get_store().get_survey(survey_id) if user and is_row_id(survey_id) else None
    if survey is None:
        abort(404)
    if not get_store().can_see(user["id"], survey_id):
        if survey_id in get_store().surveys_withheld(user["id"]):  # a grant row its chain does not record
            abort(make_response(render_template("admin/error.html", code=409, message=WITHHELD), 409))
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


def _claim(username: str, client: str) -> int | None:
    """Count the password check about to be made; None to go ahead, else the seconds to wait."""
    return get_store().claim_login_check(
        username=username, client_hash=client, window_seconds=_cfg("LOGIN_WINDOW_SECONDS"),
        limits=(_cfg("LOGIN_MAX_FAILURES"), _cfg("LOGIN_MAX_FAILURES_PER_CLIENT")))


def _settle(username: str, client: str, outcome: str) -> None:
    """What the claimed check found: "failed", "login" or "confirmed" (store/throttle.py)."""
    get_store().settle_login_check(username=username, client_hash=client, outcome=outcome,
                                   window_seconds=_cfg("LOGIN_WINDOW_SECONDS"),
                                   keep_seconds=86400 * _cfg("LOGIN_ATTEMPTS_KEEP_DAYS"))


def _check(username: str, password: str) -> dict | None:
    user = get_store().user_by_name(username)
    ok = check_password_hash(user["password_hash"] if user else _dummy_hash(), password)
    return user if ok and user and user["disabled_at"] is None else None  # disabled: as a wrong password


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
    wait = _claim(username, client)
    if wait is not None:
        form.form_errors.append(f"登录失败次数过多，请 {-(-wait // 60)} 分钟后再试。")
        return render_template("admin/login.html", form=form), 429, {"Retry-After": str(wait)}
    user = _check(username, form.password.data)
    changed = user is not None and not get_store().account_as_recorded(user["username"])
    _settle(username, client, "failed" if user is None or changed else "login")
    if user is None:
        form.form_errors.append("用户名或密码不正确。")
        return render_template("admin/login.html", form=form), 401
    if changed:
        log.warning("login refused: account %r was changed outside Manyi (not what the account chain recorded);"
                    " run manyi verify", user["username"])
        form.form_errors.append(CHANGED)
        return render_template("admin/login.html", form=form), 403
    _start_session(user["id"], user["username"])
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """An evaluator sets a new password: every session of theirs ends, this browser goes on in a new one. A
    wrong current password counts as a failed login (the same throttle), so a borrowed session
    cannot be used to guess it."""
    form = PasswordForm()

    def page(status: int, headers: dict | None = None):
        return render_template("admin/password.html", form=form, min_length=MIN_PASSWORD_LENGTH), status, headers

    if not form.validate_on_submit():
        return page(400 if request.method == "POST" else 200)
    username, client = g.current_user["username"], _client_hash()
    wait = _claim(username, client)
    if wait is not None:
        form.form_errors.append(f"密码输入错误次数过多，请 {-(-wait // 60)} 分钟后再试。")
        return page(429, {"Retry-After": str(wait)})
    if _check(username, form.current.data) is None:
        _settle(username, client, "failed")
        form.current.errors = ["当前密码不正确。"]
        return page(400)
    _settle(username, client, "confirmed")
    get_store().set_password(username, hash_password(form.new.data), by=username)  # ends every session of the user
    _start_session(g.current_user["id"], g.current_user["username"])
    flash("密码已修改。其他设备上的登录已退出。")
    return redirect(url_for("admin.surveys.index"))


@bp.post("/logout")
def logout():
    """End this browser's session in the database (a copy of the cookie opens nothing afterwards)."""
    if isinstance(session_id := session.get("sid"), str):
        get_store().end_session(session_id)
    session.clear()
    flash("您已退出登录。")
    return redirect(url_for("admin.auth.login"))
