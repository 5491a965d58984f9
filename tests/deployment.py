"""The production deployment the README documents, started for a test or a bench: `manyi serve --bind
127.0.0.1:PORT` (gunicorn with survey_app/gunicorn_conf.py) behind nginx running deploy/nginx-manyi.conf.

    stack = start_stack(tmp_path, prepare=add_yining)   # stack.url (https), stack.app (the ServeServer)
    stack.stop()

nginx runs as a child process, not as the system's service: a main configuration written into tmp
(Debian's nginx.conf settings, with the pid file, logs and temporary files in tmp) includes the shipped
site file, in which only the ports, the certificate (a self-signed one for 127.0.0.1, made with
openssl) and the access log path are replaced. Only 127.0.0.1; every process is stopped by PID.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from tests.live import REPO, SECRET, LiveServer, free_port, prepare_database

SITE = REPO / "deploy" / "nginx-manyi.conf"
MAIN = """\
# Debian's /etc/nginx/nginx.conf settings, every path in {prefix}
{user}worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
daemon off;
events {{
    worker_connections 768;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log {prefix}/access.log;
    gzip on;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found is None:
        raise RuntimeError("nginx is not installed: `make system-deps` installs Debian's nginx package")
    return found


def self_signed(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1, valid for a day (openssl)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def render_site(text: str, *, https_port: int, http_port: int, upstream_port: int, cert: Path, key: Path,
                access_log: Path) -> str:
    """The shipped site file with only ports, certificate and log path replaced; each replaced line
    must be there exactly as often as expected, so a changed file fails here rather than goes untested."""
    replacements = [  # (what, how often, by what)
        ("listen 80;", 1, f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", 1, ""),
        ("listen 443 ssl http2;", 1, f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", 1, ""),
        ("server 127.0.0.1:8000;", 1, f"server 127.0.0.1:{upstream_port};"),
        ("/etc/ssl/manyi/fullchain.pem", 1, str(cert)),
        ("/etc/ssl/manyi/privkey.pem", 1, str(key)),
        ("/var/log/nginx/manyi-access.log", 2, str(access_log)),
    ]
    for old, count, new in replacements:
        if text.count(old) != count:
            raise AssertionError(f"deploy/nginx-manyi.conf: expected {old!r} {count} time(s), found {text.count(old)}")
        text = text.replace(old, new)
    return text


class Nginx:
    """nginx with deploy/nginx-manyi.conf in front of 127.0.0.1:upstream_port; files in ``folder``."""

    def __init__(self, folder: Path, upstream_port: int = 0):
        self.folder = Path(folder)
        self.upstream_port = upstream_port
        self.https_port, self.http_port = free_port(), free_port()  # known before start: the app's address
        self.proc: subprocess.Popen | None = None
        self.cert = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's self-signed certificate."""
        return ssl.create_default_context(cafile=str(self.cert))

    def log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, *, timeout: float = 10.0) -> "Nginx":
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cert, key = self_signed(self.folder)
        site = self.folder / "manyi-site.conf"
        site.write_text(render_site(SITE.read_text(), https_port=self.https_port, http_port=self.http_port,
                                    upstream_port=self.upstream_port, cert=self.cert, key=key,
                                    access_log=self.folder / "manyi-access.log"))
        main = self.folder / "nginx.conf"
        user = "user root;\n" if os.geteuid() == 0 else ""  # as root, nginx's workers would be `nobody`,
        main.write_text(MAIN.format(prefix=self.folder, site=site, user=user))  # who cannot enter tmp
        with open(self.folder / "stderr.log", "ab") as err:
            self.proc = subprocess.Popen([nginx_binary(), "-p", str(self.folder), "-c", str(main),
                                          "-e", str(self.folder / "error.log")],
                                         stdout=err, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not start:\n{self.log()[-2000:]}")

    def stop(self, *, timeout: float = 10.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: nginx's fast shutdown (master and workers)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        self.proc = None


class ServeServer(LiveServer):
    """tests/live.py's server started the documented way: `manyi serve --bind 127.0.0.1:PORT` (the
    console script execs gunicorn, so the child's PID is gunicorn's master). ``workers=None``: serve's default."""

    def __init__(self, tmp_path: Path, *, workers: int | None = None, env: dict | None = None, **kwargs):
        super().__init__(tmp_path, workers=workers or 2 * (os.cpu_count() or 1), **kwargs)
        self.default_workers = workers is None
        self.extra_env = env or {}

    def start(self, *, timeout: float = 20.0) -> "ServeServer":
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") or k == "FLASK_CHAIN_KEY"}
        manyi = Path(sys.executable).parent / "manyi"
        for _ in range(3):  # the free port may be taken between probing and binding
            self.port = free_port()
            env.update(FLASK_SECRET_KEY=SECRET, FLASK_DATABASE=self.db_path, FLASK_PUBLIC_BASE_URL=self.url)
            env.update({f"FLASK_{k}": json.dumps(v) for k, v in getattr(self, "config", {}).items()})  # as LiveServer
            env.update(self.extra_env)
            cmd = [str(manyi), "serve", "--bind", f"127.0.0.1:{self.port}"]
            if not self.default_workers:
                cmd += ["--workers", str(self.workers)]
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL)
            if self._wait_until_answering(timeout):
                return self
            self.stop()
        raise RuntimeError(f"manyi serve did not start; log:\n{self.log()[-3000:]}")


class Stack:
    """nginx (deploy/nginx-manyi.conf) in front of `manyi serve`, as the README's "Deploying" says."""

    def __init__(self, app: ServeServer, nginx: Nginx):
        self.app, self.nginx = app, nginx

    @property
    def url(self) -> str:
        return self.nginx.url

    def stop(self) -> None:
        self.nginx.stop()
        self.app.stop()


def start_stack(tmp_path: Path, prepare: Callable | None = None, *, workers: int | None = None,
                name: str = "stack", database: str | None = None) -> Stack:
    """Prepare the database, start `manyi serve` on loopback and nginx in front; the caller stops it."""
    nginx = Nginx(Path(tmp_path) / f"{name}-nginx")
    app = ServeServer(tmp_path, workers=workers, name=name, database=database,
                      env={"FLASK_PUBLIC_BASE_URL": nginx.url, "FLASK_TRUSTED_PROXIES": "1"})
    app.prepared = prepare_database(app.db_path, prepare)
    app.start()
    nginx.upstream_port = app.port
    try:
        nginx.start()
    except BaseException:
        app.stop()
        raise
    return Stack(app, nginx)
