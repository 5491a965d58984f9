"""Commands for evaluator accounts beside create-user, grant and revoke (data.py): users lists them,
disable-user and enable-user stop and restore an account without deleting it (its audit lines keep its name)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..store import get_store


@click.command("users")
@with_appcontext
def users_command():
    """List the evaluator accounts: whether each is disabled, and the surveys it may see.

    Example: manyi users
    """
    users = get_store().list_users()
    if not users:
        click.echo("No users yet. Create one with: manyi create-user USERNAME")
        return
    click.echo(f"{'USERNAME':<20} {'STATUS':<32} SURVEYS")
    for user in users:
        status = f"disabled since {user['disabled_at'][:16].replace('T', ' ')} UTC" if user["disabled_at"] else "active"
        surveys = ", ".join(str(s) for s in user["surveys"]) or "-"
        click.echo(f"{user['username']:<20} {status:<32} {surveys}")


@click.command("disable-user")
@click.argument("username")
@with_appcontext
def disable_user_command(username):
    """Disable an evaluator account: their sessions end at once and their login is refused (with the message
    of a wrong password). Their grants and audit history stay; undo with: manyi enable-user USERNAME.

    Example: manyi disable-user wang
    """
    changed = get_store().set_disabled(username, True)
    if changed is None:
        raise click.ClickException(f"no user {username!r}; see: manyi users")
    click.echo(f"User {username} disabled; their sessions have ended." if changed
               else f"User {username} was already disabled; any open session has ended.")


@click.command("enable-user")
@click.argument("username")
@with_appcontext
def enable_user_command(username):
    """Let a disabled evaluator account log in again (with its old password and grants).

    Example: manyi enable-user wang
    """
    changed = get_store().set_disabled(username, False)
    if changed is None:
        raise click.ClickException(f"no user {username!r}; see: manyi users")
    click.echo(f"User {username} enabled: they can log in again." if changed
               else f"User {username} was not disabled; nothing changed.")
