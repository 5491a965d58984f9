"""The only package that touches a database: SQLite by default, PostgreSQL when ``DATABASE`` (or
``FLASK_DATABASE``) is a ``postgresql://`` URL. A ``Store``, built in ``create_app`` and kept in
``app.extensions``, owns the connections (per thread and process), the write transactions, read
snapshots for downloads, and the citizens' point cache. Its methods come from one module per concern:
surveys.py, responses.py, counts.py, review.py, accounts.py, audit.py, chain.py, integrity.py,
fieldwork.py.
"""
from __future__ import annotations

from pathlib import Path

from .accounts import Accounts
from .audit import AuditLog
from .base import Base
from .chain import Chains, chain_hash, survey_digest
from .common import Audit, StorageUnavailable, is_row_id, utcnow
from .counts import Counts
from .fieldwork import FieldworkRecords
from .integrity import Integrity, Verification
from .responses import Responses, Saved
from .review import REVIEW_FLAGS, Review
from .surveys import POINT_CACHE_SECONDS, SURVEY_FIELDS, Surveys

__all__ = ["EXTENSION", "Audit", "POINT_CACHE_SECONDS", "REVIEW_FLAGS", "SURVEY_FIELDS", "Saved", "StartupError",
           "StorageUnavailable", "Store", "is_postgres_url", "Verification", "chain_hash", "get_store", "init_app", "is_row_id",
           "open_store", "survey_digest", "utcnow"]
EXTENSION = "manyi.store"


class Store(Surveys, Responses, Counts, Review, Accounts, AuditLog, Chains, Integrity, FieldworkRecords, Base):
    """One deployment's data. ``store.snapshot()`` gives the same methods over one read transaction."""

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


def open_store(url: str) -> Store:
    """A Store for a SQLite path (or ``sqlite:///path``) or a ``postgresql://`` URL (no connection yet)."""
    if is_postgres_url(url):
        from .postgres import PostgresBackend

        return Store(PostgresBackend(url))
    from .sqlite import SQLiteBackend

    return Store(SQLiteBackend(url.removeprefix("sqlite:///")))


def init_app(app) -> Store:
    """Open the app's store and create or upgrade its schema (migrations are safe to re-run)."""
    url = str(app.config["DATABASE"])
    store = open_store(url)
    if store.path:  # a SQLite file: its folder (instance/ by default) is made on first start
        Path(store.path).parent.mkdir(parents=True, exist_ok=True)
    try:
        store.migrate()
    except StorageUnavailable as e:
        raise StartupError(f"Manyi cannot use the database {store.describe()}: {' '.join(str(e).split())}") from None
    except Exception as e:  # a file that is not a database, a server that refuses the schema
        if type(e).__module__.split(".")[0] not in ("sqlite3", "psycopg"):
            raise
        raise StartupError(f"Manyi cannot use the database {store.describe()}: {' '.join(str(e).split())}") from None
    finally:
        store.close()  # the migration's connections stay in this process (gunicorn forks after this)
    app.extensions[EXTENSION] = store
    return store


def get_store() -> Store:
    """The current app's store."""
    from flask import current_app

    return current_app.extensions[EXTENSION]
