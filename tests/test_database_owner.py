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


def refusal_as_another_user(database: str) -> str:
    """Open ``database`` as a user who may not use it: as root, in a child process that becomes nobody (Manyi's
    modules already loaded, since nobody cannot read root's Python); otherwise the file made unreadable."""
    if os.geteuid() != 0:
        os.chmod(database, 0)
        return refusal(database)
    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's coverage is not collected)
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            os.write(write, refusal(database).encode())
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
        message = refusal_as_another_user(database)
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
