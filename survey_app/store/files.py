"""Why a SQLite database could not be opened or written: the files beside it (the database, its -wal, -shm and
-writer.lock) and its folder that the user running Manyi may not use, named in the one-line refusal. The usual
cause is a backup restored, or a command run, as root while the server runs as its own user."""
from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

REFUSALS = ("unable to open database file", "readonly database")  # SQLite's words for a file it may not use


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _blocked(path: Path, mode: int) -> str | None:
    """'path (owner's, mode 0600)' when this user may not use path as ``mode`` asks, else None."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError:  # a folder on the way that this user may not enter
        return f"{path} (unreadable)"
    if os.access(path, mode):
        return None
    return f"{path} ({_user(info.st_uid)}'s, mode {stat.S_IMODE(info.st_mode):04o})"


def access_hint(path: str | None, error: BaseException) -> str:
    """'' unless ``error`` is SQLite refusing to open or write the database at ``path`` and some file of it (or
    its folder) is one this user may not read and write; then a clause naming them, their owner and mode."""
    if path is None or not any(words in str(error) for words in REFUSALS):
        return ""
    database = Path(path)
    files = [database, *(database.with_name(database.name + end) for end in ("-wal", "-shm", "-writer.lock"))]
    blocked = [b for b in (_blocked(f, os.R_OK | os.W_OK) for f in files) if b]
    if folder := _blocked(database.parent, os.W_OK | os.X_OK):
        blocked.append(folder)
    if not blocked:
        return ""
    return (f" (user {_user(os.geteuid())} may not read and write {', '.join(blocked)}: the database, its -wal, -shm"
            " and -writer.lock files and its folder must belong to the user the server runs as; chown them to it"
            " and run manyi as that user)")


def file_owner(path: Path) -> str:
    """' (root's, mode 0600; this runs as user manyi)' for a file this user may not use; '' if it cannot tell."""
    try:
        info = path.stat()
    except OSError:
        return f" (this runs as user {_user(os.geteuid())})"
    return f" ({_user(info.st_uid)}'s, mode {stat.S_IMODE(info.st_mode):04o}; this runs as user {_user(os.geteuid())})"
