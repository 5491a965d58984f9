"""Commands for evaluator accounts and for keeping the data: create-user, grant, revoke, revoke-sessions,
verify, backup, copy-db (export: export.py; receipt and anchor: receipts.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app, has_app_context
from flask.cli import with_appcontext

from ..safetext import clean_line
from .common import ROW_ID, ManyiCommand, configured, existing_store, instance_path, opens_database, operator
from .receipts import check_receipts, identities, read_receipts, receipt_counts
from ..store import ChainKey, DamagedDatabase, NotPermitted, configured_chain_key, MissingChainKey, WrongChainKey, StorageUnavailable, get_store, is_postgres_url, is_row_id, open_store


@click.command("create-user", cls=ManyiCommand)
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--reset", is_flag=True, help="Set a new password for an existing user (ends their sessions).")
@with_appcontext
def create_user_command(username, password_stdin, reset):
    """Create an evaluator account (the password is asked for, hidden, unless --password-stdin).

    Example: manyi create-user wang   then   manyi grant wang 1
    """
    from ..admin.auth import hash_password
    from ..admin.forms import MIN_PASSWORD_LENGTH

    username = username.strip()
    if not username or len(username) > 64 or clean_line(username) != username:
        raise click.BadParameter("a username of 1 to 64 characters, without control characters",
                                 param_hint="USERNAME")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if reset:
        if not get_store().set_password(username, hash_password(password), by=operator()):
            raise click.ClickException(f"no user {username!r}; create it without --reset")
        click.echo(f"Password of {username} changed.")
        return
    try:
        get_store().create_user(username, hash_password(password), by=operator())
    except ValueError:
        raise click.ClickException(f"user {username!r} already exists (new password: --reset)") from None
    click.echo(f"User {username} created. Give access with: manyi grant {username} SURVEY_ID")


def _user_and_survey(username: str, survey_id: int) -> int:
    """The user's id, or a clear error for an unknown user or survey."""
    user = get_store().user_by_name(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}; create it with: manyi create-user {username}")
    if not is_row_id(survey_id) or get_store().get_survey(survey_id) is None:
        raise click.ClickException(f"no survey with id {survey_id}; see: manyi list-surveys")
    return user["id"]


@click.command("grant", cls=ManyiCommand)
@click.argument("username")
@click.argument("survey_id", type=ROW_ID)
@with_appcontext
def grant_command(username, survey_id):
    """Let an evaluator see a survey (its dashboard, review page and downloads).

    Example: manyi grant wang 1
    """
    get_store().grant(_user_and_survey(username, survey_id), survey_id, by=operator())
    click.echo(f"{username} can now see survey {survey_id}.")


@click.command("revoke", cls=ManyiCommand)
@click.argument("username")
@click.argument("survey_id", type=ROW_ID)
@with_appcontext
def revoke_command(username, survey_id):
    """End an evaluator's access to a survey (takes effect at their next page).

    Example: manyi revoke wang 1
    """
    if get_store().revoke(_user_and_survey(username, survey_id), survey_id, by=operator()):
        click.echo(f"{username} can no longer see survey {survey_id}.")
    else:
        click.echo(f"{username} could not see survey {survey_id}; nothing changed.")


@click.command("revoke-sessions", cls=ManyiCommand)
@click.argument("username")
@with_appcontext
def revoke_sessions_command(username):
    """Log an evaluator out everywhere (a lost phone, a shared computer): each of their sessions ends at
    its next page. Their password stays; to change it: manyi create-user USERNAME --reset.

    Example: manyi revoke-sessions wang
    """
    user = get_store().user_by_name(username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    click.echo(f"Ended {get_store().revoke_sessions(user['id'])} open session(s) of {username}.")


def _open_db(path: str | None, *, readonly: bool = False, key=None):
    if path is None:
        return existing_store()
    if not is_postgres_url(path) and not Path(path.removeprefix("sqlite:///")).is_file():
        raise click.ClickException(f"no database file at {path}")
    if not is_postgres_url(path) and _starts_with(Path(path.removeprefix("sqlite:///")), b"PGDMP"):
        raise click.ClickException(f"{path} is a pg_dump archive: restore it into a new database owned by the"
                                   " app's role (as a PostgreSQL superuser: createdb -O ROLE NEWDB, then pg_restore"
                                   f" --no-owner --role ROLE --dbname NEWDB {path}), then: manyi verify --db NEWDB-URL")
    if key is None and has_app_context():  # the app's, without opening its database (it may be away)
        configured_key = current_app.config.get("CHAIN_KEY")
        key = ChainKey(str(configured_key)) if configured_key else configured_chain_key(current_app.instance_path)
    return open_store(path, chain_key=key, readonly=readonly)


def _starts_with(path: Path, magic: bytes) -> bool:
    with open(path, "rb") as f:
        return f.read(len(magic)) == magic


def _key_file(path: str | None):
    if path is None:
        return None
    try:
        return ChainKey(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise click.ClickException(f"cannot read the chain key in {path}: {getattr(e, 'strerror', None) or e}") from None


@opens_database("later")
@click.command("verify", cls=ManyiCommand)
@click.option("--db", "path", help="Database file or postgresql:// URL (default: the app's).")
@click.option("--receipt", "receipt_file", type=click.Path(dir_okay=False),
              help="A receipt (manyi receipt) or an anchors file (manyi anchor): also check that nothing it covers"
                   " is missing or rewritten.")
@click.option("--key-file", "key_file", type=click.Path(dir_okay=False),
              help="With --db: the chain key that database was keyed with, if not the app's (a backup from"
                   " before a key rotation).")
@with_appcontext
def verify_command(path, receipt_file, key_file):
    """Check every chain (with the chain key), replay exclusions, recount the tallies; exit 1 and name each
    problem. With --receipt, also name what the receipt covers that the database no longer holds, and print
    its 回执摘要, key fingerprint and local time as the annex and the working paper print them.

    Example: manyi verify --db /media/backup/manyi-2024-08-13.sqlite3 --receipt 回执-1.json
    """
    if key_file and path is None:
        raise click.UsageError("--key-file goes with --db (the app's own database uses the app's key)")
    receipts = read_receipts(receipt_file) if receipt_file else None
    database = _open_db(path, readonly=True, key=_key_file(key_file))
    try:
        result = database.verify()
        missing = check_receipts(database, receipts) if receipts else []
    except WrongChainKey as e:
        raise click.ClickException(f"{e}: verify it with that key (--key-file FILE)") from None
    except MissingChainKey:
        raise click.ClickException(f"no chain key to verify {database.describe()} with: set FLASK_CHAIN_KEY or"
                                   " give --key-file FILE") from None
    except (StorageUnavailable, NotPermitted) as e:
        raise click.ClickException(f"cannot read {database.describe()}: {e}") from None
    except DamagedDatabase as e:  # a damaged or truncated file
        raise click.ClickException(f"{database.describe()} is damaged: {' '.join(str(e).split())}"
                                   + ("; " + "; ".join(receipt_counts(receipts)) if receipts else "")) from None
    finally:
        if path is not None:
            database.close()
    for response_id, problem in result.bad_responses:
        click.echo(f"response {response_id}: {problem}")
    for problem in result.count_problems + tuple(missing):
        click.echo(problem)
    if receipts and receipts.torn:
        click.echo(f"note: {receipt_file}, line {receipts.torn}: cut short by an append that did not finish; left out")
    identity = "".join("\n" + line for line in identities(receipts)) if receipts else ""  # as the documents print it
    if not result.ok or missing:
        click.echo(f"FAILED: {len(result.bad_responses)} response problem(s), {len(result.count_problems)}"
                   f" other problem(s) (counts, chain heads, audit log, settings)"
                   + (f", {len(missing)} problem(s) with {receipt_file}" if receipts else "")
                   + f" in {result.responses} responses ({database.describe()})" + identity)
        sys.exit(1)
    checked = "" if not receipts else (
        f"; everything the receipt of {receipts.receipts[0][1]['as_of']} covers is there" if receipts.single else
        f"; everything the {len(receipts.receipts)} lines of {receipt_file} cover is there")
    click.echo(f"OK: {result.responses} responses, hash chains and tallies intact{checked} ({database.describe()})"
               + identity)


@click.command("backup", cls=ManyiCommand)
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target):
    """Write a consistent copy of the database to TARGET while the server keeps taking answers
    (SQLite: a database file; PostgreSQL: a pg_dump archive in custom format).

    Example: manyi backup backups/manyi-2024-08-13.sqlite3 && manyi verify --db backups/manyi-2024-08-13.sqlite3
    """
    if not target.strip():
        raise click.UsageError("TARGET is empty: name the backup file, e.g. backups/manyi-2024-08-13.sqlite3")
    if Path(target).exists():  # the live file itself, or an older backup or a receipt: never replaced
        raise click.ClickException(f"{target} exists already: back up to a new file name")
    try:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise click.ClickException(f"cannot create the folder for {target}: {e.strerror}") from None
    store = existing_store()
    try:
        count = store.backup(target)
    except StorageUnavailable as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Backup written: {target} ({count} responses, from {store.describe()})")
    if store.kind == "postgresql":
        click.echo(f"Restore it into a new database, never the live one, as a PostgreSQL superuser: createdb -O ROLE"
                   f" NEWDB, then pg_restore --no-owner --role ROLE --dbname NEWDB {target}; then: manyi verify --db"
                   " NEWDB-URL (README, \"Deploying on PostgreSQL\", Backups)")


@opens_database("later")  # needs no app: under `flask --app` too (ManyiCommand)
@click.command("copy-db", cls=ManyiCommand)
@click.argument("source")
@click.argument("destination")
def copy_db_command(source, destination):
    """Copy a whole deployment from SOURCE to DESTINATION (a SQLite file or a postgresql:// URL), during a
    maintenance stop: it refuses while SOURCE is being written to and refuses a DESTINATION that holds
    data; every value it had to change is named; then the copy is verified (counts, tallies, every chain).

    Example: manyi copy-db instance/manyi.sqlite3 postgresql://manyi@db.example.cn/manyi
    """
    from ..store.copy import CopyRefused, copy_database

    # one key for both: CHAIN_KEY (FLASK_CHAIN_KEY or instance/config.py), else instance/chain.key (never a new one)
    chain_key = configured("CHAIN_KEY")
    key = ChainKey(str(chain_key)) if chain_key else configured_chain_key(instance_path())
    if key is None:
        raise click.ClickException("no chain key: set FLASK_CHAIN_KEY to the key the source was keyed with"
                                   " (the contents of its instance/chain.key)")
    src, dst = _open_db(source, key=key), open_store(destination, chain_key=key)
    try:
        report = copy_database(src, dst)
    except WrongChainKey as e:
        raise click.ClickException(f"{e}: nothing copied; set FLASK_CHAIN_KEY to the key of the source,"
                                   f" {src.describe()} (the copy keeps it)") from None
    except (CopyRefused, StorageUnavailable, MissingChainKey) as e:
        raise click.ClickException(str(e)) from None
    finally:
        src.close()
        dst.close()
    for table, n in report.rows.items():
        click.echo(f"{table}: {n} rows")
    for change in report.changed:
        click.echo(f"CHANGED {change}")
    for problem in report.problems:
        click.echo(f"PROBLEM {problem}")
    if report.problems:
        click.echo(f"FAILED: the copy in {dst.describe()} does not match {src.describe()}")
        sys.exit(1)
    click.echo(f"OK: copied to {dst.describe()} and verified ({report.rows.get('responses', 0)} responses,"
               f" {len(report.changed)} value(s) changed)")
