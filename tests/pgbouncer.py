"""A throwaway PgBouncer in transaction mode in front of a test server (tests/pg_cluster.py): Debian's
pgbouncer, a Unix socket only in a short /tmp folder, trust auth, ``ignore_startup_parameters =
extra_float_digits,options`` as README's PostgreSQL section asks. Stopped by PID, folder removed. Missing
pgbouncer raises RuntimeError: never a silent skip."""
import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

PORT = 6432


class PgBouncer:
    def __init__(self, server_url: str, timeout: float = 30.0):
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not os.path.exists(binary):
            raise RuntimeError("pgbouncer not found (apt-get install pgbouncer)")
        server = psycopg.conninfo.conninfo_to_dict(server_url)
        as_user = {}
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            pw = pwd.getpwnam("postgres")
            as_user = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
        self.dir = Path(tempfile.mkdtemp(prefix="pgb", dir="/tmp"))
        if as_user:
            os.chown(self.dir, as_user["user"], as_user["group"])
        (self.dir / "users.txt").write_text(f'"{server.get("user", "postgres")}" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={server.get('host', '/tmp')} port={server.get('port', 5432)}\n"
            "[pgbouncer]\n"
            f"listen_addr =\nlisten_port = {PORT}\nunix_socket_dir = {self.dir}\n"
            f"auth_type = trust\nauth_file = {self.dir}/users.txt\n"
            "pool_mode = transaction\nignore_startup_parameters = extra_float_digits,options\n"
            "max_client_conn = 100\ndefault_pool_size = 20\n"
            f"logfile = {self.dir}/pgbouncer.log\n")
        self.proc = subprocess.Popen([binary, str(self.dir / "pgbouncer.ini")], cwd=self.dir,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                     start_new_session=True, **as_user)
        deadline = time.monotonic() + timeout
        while not (self.dir / f".s.PGSQL.{PORT}").exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = (self.dir / "pgbouncer.log")
                self.stop()
                raise RuntimeError(f"pgbouncer did not start: {log.read_text() if log.exists() else ''}")
            time.sleep(0.05)

    def url(self, dbname: str, **query: str) -> str:
        extra = "".join(f"&{k}={v}" for k, v in query.items())
        return f"postgresql://postgres@/{dbname}?host={self.dir}&port={PORT}{extra}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # immediate shutdown
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
