"""Cross-cutting web concerns: security headers, friendly error pages and the number filters."""
from __future__ import annotations

import secrets

from flask import abort, g, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException

from analysis import formatting, fpc

from .questionnaires import ChangedQuestionnaire, MissingQuestionnaire
from .respondent import is_citizen_request
from .safetext import printable
from .store import ChangedOutsideManyi, StorageUnavailable


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(12)
    return g.csp_nonce


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer built once per set of keys rather than on
    every request (every request opens the session; building the signer was ~2 % of a submit)."""

    def __init__(self):
        self._signers = {}

    def get_signing_serializer(self, app):
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if keys not in self._signers:
            self._signers[keys] = super().get_signing_serializer(app)
        return self._signers[keys]

    def open_session(self, app, request):
        """Citizens' pages (/s/…) have no session: a null one, which refuses writes, so none can
        slip in; reading nothing from a cookie also saves a signature check per submit."""
        if is_citizen_request(request):
            return self.make_null_session(app)
        return super().open_session(app, request)


def csp(style_src: str) -> str:
    scripts = "'self'" if style_src == "'self'" else f"'self' {style_src}"  # a page's nonce covers its inline script
    return (f"default-src 'none'; style-src {style_src}; img-src 'self' data:; script-src {scripts}; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def has_nul(request) -> bool:
    """Whether the path, the query or (for evaluators' pages) the form holds U+0000, which no field
    needs and PostgreSQL's text cannot store. Citizens' text answers are cleaned by their form."""
    if "\x00" in request.path or any("\x00" in v for _, vs in request.args.lists() for v in vs):
        return True
    return not is_citizen_request(request) and any("\x00" in v for _, vs in request.form.lists() for v in vs)


def is_admin_path(path: str) -> bool:
    """Whether the path is an evaluator's (/admin and below, their login and error pages included)."""
    return path == "/admin" or path.startswith("/admin/")


def init_app(app) -> None:
    app.session_interface = SessionInterface()
    app.jinja_env.finalize = printable  # before any template is compiled: finalize is compiled in
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    # Numbers on pages print as in the files and commands: {{ x|pct }}, {{ x|fixed }}, {{ x|num }}.
    app.jinja_env.filters.update(pct=formatting.pct, fixed=formatting.fixed, num=formatting.num, span=formatting.span,
                                 pct_below=formatting.pct_below, num_below=formatting.num_below,
                                 nums=lambda xs, digits=2: formatting.nums(*xs, digits=digits), p_value=formatting.p_value,
                                 fpc_note=fpc.interval_note)  # N beside a score's interval

    def admin_body_limit():
        """A logged-in evaluator's POST may be larger than MAX_CONTENT_LENGTH (the settings form at its field
        limits is ~100 KB); the citizens' pages and the login form keep the small limit."""
        if request.method == "POST" and is_admin_path(request.path) and isinstance(session.get("sid"), str):
            request.max_content_length = app.config[
                "PAPER_IMPORT_MAX_LENGTH" if request.path.endswith("/paper/import") else "ADMIN_MAX_CONTENT_LENGTH"]

    # first of all: before any form is read (CSRFProtect's check, registered earlier, and refuse_nul read it)
    app.before_request_funcs.setdefault(None, []).insert(0, admin_body_limit)

    @app.before_request
    def refuse_nul():  # refused at the edge: the same answer on SQLite and PostgreSQL, nothing changed
        if has_nul(request):
            abort(404 if "\x00" in request.path else 400)

    fixed = [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin")]
    if app.config.get("SESSION_COOKIE_SECURE"):
        fixed.append(("Strict-Transport-Security", "max-age=31536000"))

    @app.after_request
    def security_headers(response):
        headers = response.headers
        if "Content-Security-Policy" not in headers:
            nonce = g.get("csp_nonce")
            headers["Content-Security-Policy"] = csp(f"'nonce-{nonce}'" if nonce else "'self'")
        headers.extend(fixed)  # every response is new: nothing to replace
        if is_admin_path(request.path):  # answers, free text, settings: never shown again from the browser's
            headers["Cache-Control"] = "no-store"  # cache (a shared office PC after logout); citizens' as they set
        return response

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(e):  # nothing was written; evaluators may simply retry
        return render_template("error.html", code=503, public=is_citizen_request(request)), 503

    @app.errorhandler(ChangedOutsideManyi)
    def changed_outside(e):  # nothing was written: the database was changed behind Manyi's back (manyi verify)
        if not request.path.startswith("/admin/"):
            return render_template("error.html", code=409, public=is_citizen_request(request)), 409
        message = ("数据库中的账号、授权或项目设置已被绕过本系统修改（与审计记录不符），为免将其记作正常操作，"
                   "本次操作未执行。请联系系统管理员运行 manyi verify 核查。")
        return render_template("admin/error.html", code=409, message=message), 409

    @app.errorhandler(MissingQuestionnaire)
    def missing_questionnaire(e: MissingQuestionnaire):
        if is_citizen_request(request):  # citizens: the friendly "try later" page
            return render_template("error.html", code=503, public=True), 503
        changed = e if isinstance(e, ChangedQuestionnaire) else None  # the file is there, but reads otherwise
        return render_template("admin/missing_questionnaire.html", survey=e.survey, changed=changed), 503

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.response is not None:  # a view built its own page (e.g. survey closed)
            return e.response
        if request.path.startswith("/admin/"):  # an unknown evaluator URL: the evaluators' page, not the citizens'
            from .admin.auth import admin_error, load_user
            if "current_user" not in g:  # no evaluator view matched, so none loaded the login: the header needs it
                try:
                    load_user()
                except StorageUnavailable:
                    g.current_user = None
            return admin_error(e)
        public = is_citizen_request(request) or request.path == "/"
        return render_template("error.html", code=e.code, public=public), e.code
