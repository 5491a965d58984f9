"""Manyi (满意): QR-code satisfaction surveys for budget-performance evaluation."""
from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, render_template
from flask_wtf.csrf import CSRFProtect

DEV_SECRET = "dev"
REPO_QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"
csrf = CSRFProtect()


def check_deployable(app: Flask) -> None:
    """Refuse to serve with the development secret key (sessions and submission keys would be forgeable),
    or a weak one (store/keys.py, weak_key: a word typed by hand rather than a random key),
    and, on PostgreSQL, with another secret key than the other servers' (store.check_secret_key). Warn (one
    line on stderr, at the start of `manyi serve` or gunicorn) when the public address is plain http."""
    if app.config["SECRET_KEY"] == DEV_SECRET:
        raise RuntimeError("Set FLASK_SECRET_KEY (or SECRET_KEY in instance/config.py) before serving Manyi.")
    if not str(app.config["SECRET_KEY"] or "").strip():  # `FLASK_SECRET_KEY=` in /etc/manyi.env, a failed $(…)
        raise RuntimeError("FLASK_SECRET_KEY is empty: set it to a random key (python3 -c 'import secrets;"
                           " print(secrets.token_hex(32))') before serving Manyi.")
    from .store import check_secret_key, weak_chain_key
    from .store.keys import weak_key

    if why := weak_key(app.config["SECRET_KEY"], "FLASK_SECRET_KEY"):
        raise RuntimeError(f"Manyi will not serve: {why}")
    check_secret_key(app)
    for warning in (weak_chain_key(app), plain_http_warning(app.config["PUBLIC_BASE_URL"])):
        if warning:
            print(warning, file=sys.stderr, flush=True)


def plain_http_warning(base: str) -> str | None:
    """The warning for an http:// PUBLIC_BASE_URL that phones reach from outside (Secure cookies and HSTS follow
    its scheme alone, so an https proxy in front of it changes nothing); None for https, and for this
    machine's or a private network's address (make demo, a LAN trial)."""
    parts = urlsplit(base)
    if parts.scheme != "http":
        return None
    host = parts.hostname or ""
    try:
        address = ipaddress.ip_address(host)
        local = address.is_loopback or address.is_private or address.is_link_local
    except ValueError:
        local = host == "localhost" or host.endswith((".localhost", ".local"))
    if local:
        return None
    return (f"Warning: PUBLIC_BASE_URL is {base} (http): session cookies will not be marked Secure, no HSTS is"
            " sent, and QR codes will point to http://; set FLASK_PUBLIC_BASE_URL=https://... if Manyi is reached"
            " over HTTPS (e.g. behind a TLS proxy).")


def create_app(test_config: dict | None = None, *, database: str | None = None) -> Flask:
    """The app. ``database``: "create" (the server, init-db, demo; the default) creates or upgrades the database;
    "existing" (the other commands) refuses one that is not there yet; "later" leaves it unopened until a
    command asks for it (cli/common.py, existing_store): verify --db and questionnaires need no database.
    Left to the default by Flask's loader (`flask --app survey_app COMMAND`, before it knows the command):
    the command then refuses a database this start made (cli/common.py, ManyiCommand)."""
    from . import flags

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=DEV_SECRET,
        DATABASE=os.path.join(app.instance_path, "manyi.sqlite3"),
        QUESTIONNAIRE_DIR=str(REPO_QUESTIONNAIRES),
        PUBLIC_BASE_URL="http://127.0.0.1:5000",
        TIMEZONE="Asia/Shanghai",
        # Breakdowns (交叉分析): groups with fewer answers are 样本不足; differences adjusted by Holm (or bh, bonferroni).
        BREAKDOWN_MIN_N=10, BREAKDOWN_ADJUST="holm",
        # A citizen may pause; the token outlives a long wait, and an expired one keeps the answers.
        WTF_CSRF_TIME_LIMIT=4 * 3600,
        WTF_CSRF_SSL_STRICT=False,  # WeChat's in-app browser may send no Referer
        # Stuffing defences (respondent/defences.py; the numbers and reasons in README.md, "Ballot stuffing"):
        # a submission key lives 2 hours; a hall's address takes 30 answers at once, then 10 a minute;
        # a phone 5, then 1 every 10 minutes; a point taking more than 20 in a minute is flagged.
        SUBMISSION_KEY_MAX_AGE=2 * 3600,
        SUBMISSION_MIN_SECONDS=None,  # None: max(8, one second per question)
        DEVICE_BURST=5, DEVICE_PER_MINUTE=0.1,
        ADDRESS_BURST=30, ADDRESS_PER_MINUTE=10,
        BURST_PER_MINUTE=flags.BURST_PER_MINUTE,
        ANSWERED_PAGE=True,  # a phone that answered sees 您已提交过本问卷 (with a link to answer for someone else)
        KIOSK_MIN_GAP=20,  # seconds between two answers on one hall tablet (平板: respondent/kiosk.py)
        MAX_CONTENT_LENGTH=64 * 1024,
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        # A logged-in evaluator's POST (web.py): the settings form's 背景 and 调研对象 take 4,000 characters each,
        # up to 12 bytes apiece URL-encoded (~100 KB). deploy/nginx-manyi.conf allows the same under /admin/.
        ADMIN_MAX_CONTENT_LENGTH=256 * 1024,
        PAPER_IMPORT_MAX_LENGTH=4 * 1024 * 1024,  # a 纸质问卷录入表 of 5,000 forms (paper_import.MAX_ROWS) fits
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Reverse proxies in front (nginx, Caddy): trust that many X-Forwarded-For/-Proto hops, so the
        # login throttle sees each client rather than the proxy. 0 when Manyi faces the network itself.
        TRUSTED_PROXIES=0,
        # Several servers on PostgreSQL: one whose clock differs from the database server's by more than this
        # refuses to start (keys, sessions and response times depend on it; README, "Deploying on PostgreSQL").
        MAX_CLOCK_SKEW_SECONDS=5,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    app.config["PUBLIC_BASE_URL"] = app.config["PUBLIC_BASE_URL"].rstrip("/")
    if app.config["PUBLIC_BASE_URL"].startswith("https://"):
        app.config.update(SESSION_COOKIE_SECURE=True)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    csrf.init_app(app)
    from . import admin, cli, questionnaires, respondent, store, web

    questionnaires.init_app(app)  # app.extensions["manyi.catalogue"]: the QUESTIONNAIRE_DIR files
    if database is None:
        if test_config is None:
            app.extensions[cli.common.DATABASE_BY_DEFAULT] = True
        database = "create"
    if database != "later":
        opened = store.init_app(app, create=database == "create")
        if database == "create":  # the server's start (and init-db, demo) upgrades: surveys without a digest get
            # their questionnaire's as found now (schema.py, m015); every later load compares with it
            opened.record_questionnaire_digests(questionnaires.catalogue(app).digest_of)
    web.init_app(app)
    respondent.init_app(app)  # citizens, /s/<code>; app.extensions["manyi.forms"]: their form classes
    admin.init_app(app)  # evaluators, /admin: login, surveys, dashboard, data-quality review, downloads
    cli.init_app(app)

    @app.get("/")
    def index():
        return render_template("index.html")

    return app
