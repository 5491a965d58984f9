"""Commands for several servers on one PostgreSQL (README, "Deploying on PostgreSQL")."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..store import get_store
from .common import ManyiCommand


@click.command("rotate-secret-key", cls=ManyiCommand)
@with_appcontext
def rotate_secret_key_command():
    """Make this shell's FLASK_SECRET_KEY the deployment's secret key (PostgreSQL).

    Each server refuses to start with another secret key than the one whose fingerprint the database
    records. To change the key: set the new FLASK_SECRET_KEY on every server, run this command with it,
    then restart every server. The change is a line in every survey's audit log. Citizens' open forms come back filled in with a fresh key (their next
    tap stores them); evaluators log in again.

    Example: FLASK_SECRET_KEY=<the new key> manyi rotate-secret-key
    """
    from .. import DEV_SECRET
    from ..store.keys import weak_key

    secret = current_app.config["SECRET_KEY"]
    if not secret or secret == DEV_SECRET:
        raise click.ClickException("set FLASK_SECRET_KEY (or SECRET_KEY in instance/config.py) to the new key first")
    if why := weak_key(secret, "FLASK_SECRET_KEY"):  # servers would refuse to start with it (check_deployable)
        raise click.ClickException(f"{why}; nothing recorded")
    store = get_store()
    if store.kind != "postgresql":
        click.echo("Nothing to record: a single SQLite server checks no secret key fingerprint; restart it with"
                   " the new key.")
        return
    before, now = store.record_secret_key(secret)
    if before == now:
        click.echo(f"The database already records this key (fingerprint {now}); nothing changed.")
        return
    click.echo(f"Recorded the secret key fingerprint {now} (was {before or 'none'}) in {store.describe()}, with a"
               " line in every survey's audit log: servers with this key now start, servers with the old one are refused at their next start;"
               " restart every server with the new key.")
