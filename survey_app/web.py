"""Cross-cutting web concerns: security headers and friendly error pages."""
from __future__ import annotations

import secrets

from flask import g, render_template, request
from werkzeug.exceptions import HTTPException

from . import db
from .questionnaires import MissingQuestionnaire


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(12)
    return g.csp_nonce


def init_app(app) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response):
        nonce = g.get("csp_nonce")
        style = f"'nonce-{nonce}'" if nonce else "'self'"
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'none'; style-src {style}; img-src 'self' data:; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    @app.errorhandler(db.StorageUnavailable)
    def storage_unavailable(e):  # nothing was written; evaluators may simply retry
        return render_template("error.html", code=503, public=request.path.startswith("/s/")), 503

    @app.errorhandler(MissingQuestionnaire)
    def missing_questionnaire(e: MissingQuestionnaire):
        if request.path.startswith("/s/"):  # citizens: the friendly "try later" page
            return render_template("error.html", code=503, public=True), 503
        return render_template("admin/missing_questionnaire.html", survey=e.survey), 503

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if e.response is not None:  # a view built its own page (e.g. survey closed)
            return e.response
        public = request.path.startswith("/s/") or request.path == "/"
        return render_template("error.html", code=e.code, public=public), e.code
