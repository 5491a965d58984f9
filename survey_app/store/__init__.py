"""The only package that touches a database: SQLite by default, PostgreSQL when ``DATABASE`` (or
``FLASK_DATABASE``) is a ``postgresql://`` URL. A ``Store``, built in ``create_app`` and kept in
``app.extensions``, owns the connections (per thread and process), the write transactions, read
snapshots for downloads, and the citizens' point cache. Its methods come from one module per concern:
surveys.py, responses.py, counts.py, review.py, accounts.py, account_log.py, sessions.py, throttle.py, audit.py,
chain.py, integrity.py, fieldwork.py, groups.py, paper.py, kiosks.py.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from .account_anchor import AccountAnchor
from .account_log import AccountLog
from .accounts import Accounts, Members, NotAMember
from .audit import AuditLog
from .base import Base
from .bulk import BulkReview
from .chain import Chains, KeyedRecordMissing, MissingChainKey, WrongChainKey, chain_hash, survey_digest
from .common import Audit, ChangedOutsideManyi, StorageUnavailable, is_row_id, utcnow
from .counts import Counts
from .fieldwork import FieldworkRecords, PointNameTaken
from .files import access_hint, file_owner
from .groups import Groups
from .integrity import DamagedDatabase, Integrity, NotPermitted, Verification
from .receipts import Receipts
from .keys import ChainKey, key_from_env
from .kiosks import KIOSK, Kiosks
from .margins import Margins
from .paper import PAPER, BadPaperNumber, Entered, PaperEntry, number_of, paper_key, paper_number
from .responses import Responses, Saved
from .review import REVIEW_FLAGS, Review
from .servers import ClockSkew, Servers, WrongSecretKey, secret_fingerprint
from .sessions import Sessions
from .stuffing import Limits, Stuffing
from .surveys import POINT_CACHE_SECONDS, SURVEY_FIELDS, Surveys, same_name
from .throttle import LoginThrottle

__all__ = ["EXTENSION", "KIOSK", "Members", "NotAMember", "PAPER", "BadPaperNumber", "Entered", "number_of", "paper_key", "paper_number", "Audit", "ClockSkew", "WrongSecretKey", "check_secret_key", "secret_fingerprint", "Limits", "POINT_CACHE_SECONDS", "REVIEW_FLAGS", "SURVEY_FIELDS", "Saved", "StartupError", "same_name", "PointNameTaken",
           "StorageUnavailable", "ChangedOutsideManyi", "Store", "ChainKey", "DamagedDatabase", "NotPermitted", "WrongChainKey", "MissingChainKey", "KeyedRecordMissing", "is_postgres_url", "Verification", "configured_chain_key", "chain_hash", "get_store", "init_app", "is_row_id",
           "open_store", "survey_digest", "utcnow"]
EXTENSION = "manyi.store"


class Store(Surveys, Responses, Counts, Review, Accounts, AccountLog, AccountAnchor, Sessions, LoginThrottle, AuditLog, Chains, Integrity,
            Receipts, FieldworkRecords, Stuffing, BulkReview, Groups, Margins, PaperEntry, Kiosks, Servers, Base):
    """One deployment's data. ``store.snapshot()`` gives the same methods over one read transaction."""

    fresh = False  # a SQLite file this process's start-up created (nothing was there)

    @property
    def path(self) -> str | None:
        """The SQLite file (None on PostgreSQL or in memory)."""
        return None if self.kind != "sqlite" or self.backend.memory else self.backend.path

    def describe(self) -> str:
        """Where the data is, without a password: for messages."""
        return self.backend.describe()


class StartupError(SystemExit):
    """The database named in the configuration cannot be used: one line, no traceback."""


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def open_store(url: str, *, chain_key: ChainKey | bytes | str | None = None, readonly: bool = False,
               wall_clock=None) -> Store:
    """A Store for a SQLite path (or ``sqlite:///path``) or a ``postgresql://`` URL (no connection yet),
    with the chain key given or ``FLASK_CHAIN_KEY`` (None: it can read, but not write or verify links).
    ``wall_clock``: seconds since the epoch (time.time; tests give a server a clock that is off)."""
    if is_postgres_url(url):
        from .postgres import PostgresBackend

        backend = PostgresBackend(url)
    elif re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", url) and not url.startswith("sqlite:///") or re.match(
            r"(postgres(ql)?|sqlite):(?!//)", url):
        shown = re.sub(r"^([^:]*:/*[^:/@]*):.*@", r"\1:***@", url)  # no password in a message (it may hold @)
        raise StartupError(f"Manyi cannot use the database {shown}: not a file path, sqlite:///path (relative)"
                           " or sqlite:////path (absolute), nor postgresql://…")
    else:
        from .sqlite import SQLiteBackend

        backend = SQLiteBackend(url.removeprefix("sqlite:///"), readonly=readonly)
    if chain_key is None:
        backend.chain_key = key_from_env()
    else:
        backend.chain_key = chain_key if isinstance(chain_key, ChainKey) else ChainKey(chain_key)
    backend.wall_clock = wall_clock
    return Store(backend)


def configured_chain_key(instance_path: str) -> ChainKey | None:
    """FLASK_CHAIN_KEY, else the instance folder's chain.key if there is one; never makes a key."""
    path = Path(instance_path) / "chain.key"
    return key_from_env() or (ChainKey(path.read_text(encoding="utf-8")) if path.exists() else None)


def app_chain_key(app, *, postgres: bool) -> ChainKey:
    """The app's chain key: ``CHAIN_KEY`` (FLASK_CHAIN_KEY) or instance/chain.key; a single SQLite server
    writes the file on its first start, PostgreSQL (several servers) refuses to start without a key."""
    configured = app.config.get("CHAIN_KEY")
    if configured not in (None, ""):
        return _from(ChainKey(str(configured)), "CHAIN_KEY (FLASK_CHAIN_KEY or instance/config.py)")
    if key_from_env() is not None:  # also when a test or a command builds the app without the environment
        return _from(key_from_env(), "FLASK_CHAIN_KEY")
    path = Path(app.instance_path) / "chain.key"
    try:
        return _key_file(path, postgres)
    except OSError as e:  # a key written by root (a command run as root) that the server's user cannot read
        raise StartupError(f"Manyi cannot use the chain key file {path}: {e.strerror}{file_owner(path)}: it must"
                           " belong to the user the server runs as (chown it), or set FLASK_CHAIN_KEY") from None


def _key_file(path: Path, postgres: bool) -> ChainKey:
    if path.exists():
        return _from(ChainKey(path.read_text(encoding="utf-8")), str(path))
    if postgres:
        raise StartupError("Manyi on PostgreSQL needs a chain key that every server shares: set FLASK_CHAIN_KEY "
                           "(e.g. the output of `python -c \"import secrets; print(secrets.token_hex(32))\"`); "
                           "each server would otherwise make its own and no one could verify the chains.")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of this server wrote it a moment ago
        return ChainKey(path.read_text(encoding="utf-8"))
    with os.fdopen(descriptor, "w", encoding="utf-8") as f:
        f.write(secrets.token_hex(32) + "\n")
    key = _from(ChainKey(path.read_text(encoding="utf-8")), f"{path}, written just now because there was none: if"
                " this deployment had a key, delete this file and put the old one back")
    key.written = str(path)  # a command that then refuses its new, empty database removes the key with it
    return key


def _from(key: ChainKey, source: str) -> ChainKey:
    key.source = source  # named when the database was keyed with another key
    return key


def init_app(app, *, create: bool = True) -> Store:
    """Open the app's store and create or upgrade its schema (migrations are safe to re-run). ``create=False``
    (every command but init-db and demo): a database that is not there yet is refused, not made."""
    url = str(app.config["DATABASE"] or "").strip()
    if not url:
        raise StartupError("Manyi cannot use the database: FLASK_DATABASE is empty (a file path or postgresql://…)")
    if not create:
        _refuse_absent(url)
    store = open_store(url, chain_key=app_chain_key(app, postgres=is_postgres_url(url)),
                       wall_clock=app.config.get("WALL_CLOCK"))
    if store.path:  # a SQLite file: its folder (instance/ by default) is made on first start
        store.fresh = not Path(store.path).exists()  # made now: commands that read data refuse it (cli/common.py)
        Path(store.path).parent.mkdir(parents=True, exist_ok=True)
    try:
        _refuse_weak_key(store)
        store.migrate()
        store.check_clock(float(app.config["MAX_CLOCK_SKEW_SECONDS"]))  # PostgreSQL: several servers' clocks
    except ClockSkew as e:
        raise StartupError(str(e)) from None
    except (WrongChainKey, KeyedRecordMissing) as e:
        source = getattr(store.backend.chain_key, "source", None)
        raise StartupError(f"Manyi cannot use the database {store.describe()}: {e}"
                           + (f" (the key given is from {source})" if source and isinstance(e, WrongChainKey) else "")) from None
    except StorageUnavailable as e:
        raise StartupError(_cannot_use(store, e)) from None
    except Exception as e:  # a file that is not a database, a server that refuses the schema
        if type(e).__module__.split(".")[0] not in ("sqlite3", "psycopg"):
            raise
        raise StartupError(_cannot_use(store, e)) from None
    finally:
        store.close()  # the migration's connections stay in this process (gunicorn forks after this)
    if store.fresh and Path(store.path).exists():
        os.chmod(store.path, 0o600)  # the answers readable by the server's user only (its -wal and -shm follow)
    app.extensions[EXTENSION] = store
    return store


def _refuse_weak_key(store: Store) -> None:
    """A weak chain key (keys.weak_key) never starts keying a database; one that keyed it already is kept
    (changing it means a new deployment: README, "The chain key"), and serving warns (weak_chain_key)."""
    why = store.backend.chain_key.weakness()
    if why and not (store.path and store.fresh) and store.keyed():
        return
    if why:
        raise StartupError(f"Manyi will not key {store.describe()}: {why}")


def weak_chain_key(app) -> str | None:
    """The warning for a weak chain key the app's database was keyed with before Manyi refused weak keys."""
    store = app.extensions.get(EXTENSION)
    why = store and store.backend.chain_key and store.backend.chain_key.weakness()
    return (f"Warning: {why}. This database was keyed with it before: changing it means a new deployment"
            " (README, \"The chain key\")." if why else None)


def check_secret_key(app) -> None:
    """On PostgreSQL, refuse (StartupError) a server whose SECRET_KEY is not the deployment's (the fingerprint
    the first server recorded: store/servers.py). A single SQLite server keeps today's behaviour: none."""
    store = app.extensions.get(EXTENSION)
    if store is None or store.kind != "postgresql":
        return
    try:
        store.check_secret_key(app.config["SECRET_KEY"])
    except WrongSecretKey as e:
        raise StartupError(f"Manyi will not serve: {e}") from None
    except StorageUnavailable as e:
        raise StartupError(f"Manyi cannot use the database {store.describe()}: {' '.join(str(e).split())}") from None
    finally:
        store.close()  # gunicorn forks after this: each worker opens its own connections


def _refuse_absent(url: str) -> None:
    """Refuse, in one line, a database with no Manyi schema: a SQLite file that is not there, a PostgreSQL
    database without Manyi's tables (a mistyped FLASK_DATABASE would otherwise be created and keyed)."""
    store = open_store(url)
    try:
        if store.path is not None:
            absent = not Path(store.path).exists()
        else:
            absent = store.kind == "postgresql" and not store._has_table("store_meta")
    except StorageUnavailable as e:
        raise StartupError(_cannot_use(store, e)) from None
    except Exception as e:
        if type(e).__module__.split(".")[0] not in ("sqlite3", "psycopg"):
            raise
        raise StartupError(_cannot_use(store, e)) from None
    finally:
        store.close()
    if absent:
        raise StartupError(f"no database at {store.describe()}: check FLASK_DATABASE (to start a new one,"
                           " run manyi init-db)")


def _cannot_use(store: Store, e: BaseException) -> str:
    """The one-line refusal of a database that failed to open, naming the files this user may not use."""
    return f"Manyi cannot use the database {store.describe()}: {' '.join(str(e).split())}{access_hint(store.path, e)}"


def get_store() -> Store:
    """The current app's store."""
    from flask import current_app

    return current_app.extensions[EXTENSION]
