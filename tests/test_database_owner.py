"""A SQLite database restored (or a command run) as root while the server runs as its own user: the refusal
names, in one line, the files that user may not read and write, with their owner and mode, and the fix."""
import os
import pwd
import shutil
import tempfile

import pytest

from survey_app import create_app
from survey_app.store import StartupError

pytestmark = pytest.mark.sqlite_only  # file ownership is SQLite's concern: PostgreSQL owns its own files


def refusal(database: str) -> str:
    try:
        create_app({"TESTING": True, "DATABASE": database}, database="existing")
    except StartupError as e:
        return str(e)
    return "opened"


def as_another_user(path: str, action) -> str:
    """``action()`` run by a user who may not use ``path``: as root, in a child process that becomes nobody
    (Manyi's modules already loaded, since nobody cannot read root's Python); otherwise the file made unreadable."""
    if os.geteuid() != 0:
        os.chmod(path, 0)
        return action()
    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's coverage is not collected)
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            os.write(write, action().encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(child, 0)
    return message


def test_a_database_owned_by_another_user_is_refused_naming_the_file_its_owner_and_mode():
    folder = tempfile.mkdtemp(prefix="owner")  # in /tmp, so another user can reach the file
    try:
        os.chmod(folder, 0o755)
        database = os.path.join(folder, "manyi.sqlite3")
        create_app({"TESTING": True, "DATABASE": database})  # made by this user (root: as a restore by root)
        assert refusal(database) == "opened"  # every module the child needs is loaded now
        message = as_another_user(database, lambda: refusal(database))
        owner = pwd.getpwuid(os.geteuid()).pw_name
        assert message.startswith(f"Manyi cannot use the database {database}: unable to open database file"), message
        assert f"may not read and write {database} ({owner}'s, mode 0" in message, message
        assert "must belong to the user the server runs as" in message and "\n" not in message
    finally:
        shutil.rmtree(folder)


def test_a_database_this_user_may_use_gets_no_hint(tmp_path):
    database = str(tmp_path / "manyi.sqlite3")
    create_app({"TESTING": True, "DATABASE": database})
    for end in ("-wal", "-shm"):
        if os.path.exists(database + end):
            os.remove(database + end)
    os.mkdir(database + "-wal")  # SQLite cannot open it, for a reason other than its owner
    message = refusal(database)
    assert message == f"Manyi cannot use the database {database}: unable to open database file", message


def test_a_chain_key_file_the_server_user_cannot_read_is_refused_in_one_line(monkeypatch):
    """instance/chain.key written by a command run as root, the server then started as its own user: gunicorn
    printed a PermissionError traceback. Now one line naming the file, its owner and mode, and the fix."""
    from flask import Flask

    from survey_app.store import app_chain_key

    monkeypatch.delenv("FLASK_CHAIN_KEY", raising=False)
    folder = tempfile.mkdtemp(prefix="instance")  # in /tmp, so another user can reach the file
    try:
        os.chmod(folder, 0o755)
        app = Flask("keytest", instance_path=folder)  # a real app whose instance folder is this one
        written = app_chain_key(app, postgres=False)  # the key a first SQLite start writes (mode 0600)
        assert written.written == os.path.join(folder, "chain.key")
        assert app_chain_key(app, postgres=False).fingerprint == written.fingerprint  # read back by its owner

        def read_key() -> str:
            try:
                app_chain_key(app, postgres=False)
            except StartupError as e:
                return str(e)
            return "read"

        message = as_another_user(written.written, read_key)
        owner = pwd.getpwuid(os.geteuid()).pw_name
        assert message.startswith(f"Manyi cannot use the chain key file {written.written}: Permission denied"), message
        assert f"({owner}'s, mode 0" in message and "or set FLASK_CHAIN_KEY" in message and "\n" not in message
    finally:
        shutil.rmtree(folder)
