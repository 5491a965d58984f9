"""A throwaway PostgreSQL server for the tests: Debian's postgresql binaries, a fresh cluster in a short
/tmp folder, Unix socket only (no TCP), trust auth, superuser postgres. Stopped by PID, folder removed.

With MANYI_TEST_PG set (a libpq URL of an existing server that may create databases) that server is used
instead and nothing is started. Missing or broken PostgreSQL raises RuntimeError: never a silent skip."""
import atexit
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg
from psycopg import sql

SETTINGS = {"listen_addresses": "''", "port": "5432", "max_connections": "200", "shared_buffers": "128MB",
            "fsync": "on", "synchronous_commit": "on", "logging_collector": "off"}


def find_bindir() -> Path:
    """/usr/lib/postgresql/<highest version>/bin (Debian), else wherever initdb is on PATH."""
    def version(p: Path):
        return tuple(int(x) if x.isdigit() else 0 for x in p.parent.parent.name.split("."))
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=version, reverse=True)
    if on_path := shutil.which("initdb"):
        found.append(Path(on_path).resolve())
    if found and (found[0].parent / "postgres").exists():
        return found[0].parent
    raise RuntimeError("PostgreSQL not found: no /usr/lib/postgresql/*/bin/{initdb,postgres}, no initdb on PATH "
                       "(run `make system-deps`, or set MANYI_TEST_PG to the URL of a server)")


class Cluster:
    def __init__(self, startup_timeout: float = 60.0):
        self.external = os.environ.get("MANYI_TEST_PG") or None
        self.timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.dir: Path | None = None
        self._created: set[str] = set()
        if self.external:
            if not self.external.startswith(("postgresql://", "postgres://")):
                raise RuntimeError(f"MANYI_TEST_PG must be a postgresql:// URL, not {self.external!r}")
            try:
                self._admin().close()  # fail now, loudly, when it is unreachable
            except psycopg.Error as e:
                raise RuntimeError(f"MANYI_TEST_PG: cannot connect to {self.external}: {e}") from e
            return
        self.bindir = find_bindir()
        self._as = {}
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            pw = pwd.getpwnam("postgres")  # KeyError: no postgres user (make system-deps creates it)
            self._as = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
        # short on purpose: the socket path (dir + "/.s.PGSQL.5432") must stay under 107 bytes
        self.dir = Path(tempfile.mkdtemp(prefix="pg", dir="/tmp" if os.path.isdir("/tmp") else None))
        atexit.register(self.stop)
        if self._as:
            os.chown(self.dir, self._as["user"], self._as["group"])  # mode stays 0o700
        self.data, self.log = self.dir / "data", self.dir / "log"
        try:
            done = subprocess.run([self.bindir / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                                   "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"], cwd=self.dir,
                                  env=self._env(), capture_output=True, text=True, **self._as)
            if done.returncode:
                raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}{done.stderr}")
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.write("\n# tests/pg_cluster.py\n" + "".join(f"{k} = {v}\n" for k, v in SETTINGS.items())
                           + f"unix_socket_directories = '{self.dir}'\n")
            self.start_server()
        except BaseException:
            self.stop()
            raise

    def _local(self):
        if self.external:
            raise RuntimeError("MANYI_TEST_PG: an external server cannot be started or stopped by the tests")

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        return env | {"HOME": str(self.dir), "LC_ALL": "C.UTF-8"}

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def start_server(self):
        """Start the postmaster (our child: self.proc.pid) and wait until it accepts connections."""
        self._local()
        if self.proc and self.proc.poll() is None:
            return
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([self.bindir / "postgres", "-D", str(self.data)], cwd=self.dir,
                                         env=self._env(), stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True, **self._as)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=5).close()
                return
            except psycopg.OperationalError as e:
                error = e
            if self.proc.poll() is not None or time.monotonic() > deadline:
                why = f"exited with {self.proc.returncode}" if self.proc.poll() is not None else "timed out"
                self.stop_server(immediate=True)
                raise RuntimeError(f"PostgreSQL did not start ({why}; last error: {error}); "
                                   f"server log {self.log}:\n{self.log_tail()}")
            time.sleep(0.05)

    def stop_server(self, immediate: bool = False, timeout: float = 15.0):
        """Fast shutdown (SIGINT: clients are disconnected, clean checkpoint) or, with immediate=True,
        SIGQUIT (like a crash: WAL recovery at the next start). Escalates to SIGQUIT, then SIGKILL."""
        self._local()
        for sig in [signal.SIGQUIT] if immediate else [signal.SIGINT, signal.SIGQUIT]:
            if not self.proc or self.proc.poll() is not None:
                return
            self.proc.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout)
        if self.proc.poll() is None:
            self.proc.kill()  # the backends notice their postmaster's death and exit by themselves
            self.proc.wait()

    def restart(self, immediate: bool = False):
        self.stop_server(immediate=immediate)
        self.start_server()

    def stop(self):
        """Stop the server and remove the folder (or, with MANYI_TEST_PG, drop the databases we made)."""
        if self.external:
            for name in list(self._created):
                self.drop_database(name)
            return
        self.stop_server()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        atexit.unregister(self.stop)

    def url(self, dbname: str = "postgres") -> str:
        if self.external:
            parts = urllib.parse.urlsplit(self.external)
            return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(dbname, safe="")))
        return f"postgresql://postgres@/{urllib.parse.quote(dbname, safe='')}?host={self.dir}&port=5432"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url("postgres") if not self.external else self.external, autocommit=True)

    def create_database(self, name: str, template: str | None = None):
        """CREATE DATABASE name [TEMPLATE template]. The template must have no open connections."""
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self._admin() as conn:
            conn.execute(query)
        self._created.add(name)

    def drop_database(self, name: str):
        """DROP DATABASE IF EXISTS name WITH (FORCE): open connections to it are terminated."""
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        self._created.discard(name)
