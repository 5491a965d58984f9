"""A real Manyi server for tests: gunicorn (survey_app/gunicorn_conf.py, sync workers) in a subprocess
on a free port of 127.0.0.1, with its SQLite file in tmp_path.

    server = start_live_server(tmp_path, prepare=lambda conn: ...)   # or the fixtures below
    server.url, server.db_path, server.pid, server.worker_pids(), server.stop()

``prepare(conn)`` runs on the migrated database file before the server starts (create surveys and
points there: the server only reads them). Registered from tests/conftest.py via ``pytest_plugins``.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from survey_app.store import open_store
from tests.helpers import NO_DEFENCES

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO / "survey_app" / "gunicorn_conf.py"
SECRET = "live-server-test-secret-0123456789abcdef"
YINING_TITLE = "2024年伊宁市医疗保障局部门整体绩效满意度调查"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url_path: str, port: int, *, timeout: float = 5.0, headers: dict | None = None):
    """(status, headers, body bytes) of one GET on 127.0.0.1:port (connection closed afterwards)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", url_path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


class LiveServer:
    """One gunicorn master and its workers; ``stop()`` is idempotent."""

    def __init__(self, tmp_path: Path, *, workers: int = 2, name: str = "live", database: str | None = None,
                 config: dict | None = None):
        self.tmp_path = Path(tmp_path)
        # settings passed as FLASK_* (JSON values); default: the stuffing defences out of the way (tests.helpers)
        self.config = NO_DEFENCES if config is None else config
        self.db_path = database or str(self.tmp_path / f"{name}.sqlite3")  # a file or a postgresql:// URL
        self.log_path = self.tmp_path / f"{name}-gunicorn.log"
        self.workers = workers
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.prepared = None  # what prepare(conn) returned

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def connect(self):
        """A store of its own on the server's database (close it when done)."""
        return open_store(self.db_path)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def worker_pids(self) -> list[int]:
        """PIDs of the master's current worker processes (Linux /proc)."""
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def start(self, *, timeout: float = 20.0) -> "LiveServer":
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") or k == "FLASK_CHAIN_KEY"}
        for attempt in range(3):  # the free port may be taken between probing and binding
            self.port = free_port()
            env.update(FLASK_SECRET_KEY=SECRET, FLASK_DATABASE=self.db_path, FLASK_PUBLIC_BASE_URL=self.url)
            env.update({f"FLASK_{k}": json.dumps(v) for k, v in self.config.items()})
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF),
                     "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}", "survey_app.wsgi:app"],
                    cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            if self._wait_until_answering(timeout):
                return self
            self.stop()
        raise RuntimeError(f"gunicorn did not start on 127.0.0.1; log:\n{self.log()[-3000:]}")

    def _wait_until_answering(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                status, _, _ = get("/", self.port, timeout=2)
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def stop(self, *, timeout: float = 10.0) -> None:
        """Terminate the master (gunicorn stops its workers), then kill what is left."""
        if self.proc is None:
            return
        workers = self.worker_pids()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        for pid in workers:  # orphans only if the master was killed before it reaped them
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None


def prepare_database(path: str, prepare: Callable | None = None):
    """Migrate the file and run ``prepare(conn)`` on it; returns what prepare returned."""
    conn = open_store(path)
    try:
        conn.migrate()
        return prepare(conn) if prepare else None
    finally:
        conn.close()


def start_live_server(tmp_path: Path, prepare: Callable | None = None, *, workers: int = 2,
                      name: str = "live", database: str | None = None) -> LiveServer:
    """Prepare the database in ``tmp_path``, start gunicorn on it and wait until it answers.

    The caller stops it (``server.stop()``); ``server.prepared`` holds what ``prepare`` returned.
    """
    server = LiveServer(tmp_path, workers=workers, name=name, database=database)
    server.prepared = prepare_database(server.db_path, prepare)
    return server.start()


def add_yining(conn) -> dict:
    """The Yining 2024 survey with two points: {"survey_id": .., "codes": [hall, window]}."""
    survey_id = conn.create_survey(questionnaire_id="yining-2024-public", questionnaire_version=1,
                                 title=YINING_TITLE, department="伊宁市医疗保障局", year=2024, target=95.0, target_n=50)
    return {"survey_id": survey_id, "codes": [conn.add_point(survey_id, n)["code"] for n in ("业务大厅", "1号窗口")]}


@pytest.fixture
def live_server_factory(tmp_path, database_url):
    """start(prepare=None, *, workers=2, name="live") -> LiveServer; every server is stopped at teardown."""
    servers = []

    def start(prepare: Callable | None = None, *, workers: int = 2, name: str = "live") -> LiveServer:
        server = start_live_server(tmp_path, prepare, workers=workers, name=name,  # stops itself if it fails
                                   database=database_url(name))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def live_server(live_server_factory):
    """A running server with the Yining survey and two points.

    ``server.prepared`` is {"survey_id": .., "codes": [hall code, window code]}.
    """
    return live_server_factory(add_yining)
