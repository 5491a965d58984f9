"""The baseline of bench/bench_submit.py: a bare Flask app that inserts one row per POST with
sqlite-utils into a WAL file at synchronous=FULL, one kept connection per worker process.
Served by gunicorn with the same settings as Manyi: `gunicorn -c survey_app/gunicorn_conf.py bench.bare_app:app`.
"""
import os
import sqlite3

import sqlite_utils
from flask import Flask, request

app = Flask(__name__)
PATH = os.environ["BARE_DATABASE"]
_db = {}


def database() -> sqlite_utils.Database:
    if _db.get("pid") != os.getpid():  # opened after the fork, kept for the worker's life
        conn = sqlite3.connect(PATH)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA busy_timeout = 10000")
        _db.update(pid=os.getpid(), db=sqlite_utils.Database(conn))
        _db["db"]["rows"].create({"id": int, "key": str, "body": str}, pk="id", if_not_exists=True)
    return _db["db"]


@app.get("/")
def index():
    return "ok"


@app.post("/submit")
def submit():
    database()["rows"].insert({"key": request.form.get("key", ""), "body": request.form.get("q5", "")})
    return "", 303, {"Location": "/thanks"}
