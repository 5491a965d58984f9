"""Commands for evaluator accounts beside create-user, grant and revoke (data.py): users lists them (with
--history: who created, disabled, enabled or re-passworded which account and who granted which survey, when),
disable-user and enable-user stop and restore an account without deleting it (its audit lines keep its name).
Each change is a line of the audit log that manyi verify checks (store/account_log.py)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..store import get_store
from .common import ManyiCommand, local_time, operator


@click.command("users", cls=ManyiCommand)
@click.option("--history", is_flag=True, help="Every account change and every grant or revoke of a survey, oldest"
                                               " first: when (local time), by whom, what, which account.")
@with_appcontext
def users_command(history):
    """List the evaluator accounts: whether each is disabled (since when, in local time), and the surveys it
    may see. With --history: every account created, disabled, enabled or given a new password and every grant
    or revoke of a survey, with who did it and when (the audit log, which manyi verify checks).

    Example: manyi users --history
    """
    if history:
        _history()
        return
    users = get_store().list_users()
    if not users:
        click.echo("No users yet. Create one with: manyi create-user USERNAME")
        return
    statuses = [f"disabled since {local_time(u['disabled_at'])}" if u["disabled_at"] else "active" for u in users]
    width = max(len(s) for s in statuses + ["STATUS"]) + 1
    click.echo(f"{'USERNAME':<20} {'STATUS':<{width}} SURVEYS")
    for user, status in zip(users, statuses):
        surveys = ", ".join(str(s) for s in user["surveys"]) or "-"
        if user["withheld"]:  # grant rows no chain records: they open nothing; verify names them
            surveys += f" (not recorded in the audit chain, so not shown to them: {', '.join(map(str, user['withheld']))}; run manyi verify)"
        click.echo(f"{user['username']:<20} {status:<{width}} {surveys}")


def _history() -> None:
    lines = get_store().account_history()
    if not lines:
        click.echo("No account changes recorded yet.")
        return
    rows = [("WHEN", "BY", "WHAT", "ACCOUNT", "SURVEY")] + [
        (local_time(e["at"]), e["user"], e["action"], e["detail"], "-" if e["survey_id"] is None else str(e["survey_id"]))
        for e in lines]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])


_SAID = {True: ("User {} disabled; their sessions have ended.", "User {} was already disabled; any open session has ended."),
         False: ("User {} enabled: they can log in again.", "User {} was not disabled; nothing changed.")}


def _set_disabled(username: str, disabled: bool) -> None:
    """disable-user and enable-user: the change, with its line in the account chain, or what was already so."""
    changed = get_store().set_disabled(username, disabled, by=operator())
    if changed is None:
        raise click.ClickException(f"no user {username!r}; see: manyi users")
    click.echo(_SAID[disabled][0 if changed else 1].format(username))


@click.command("disable-user", cls=ManyiCommand)
@click.argument("username")
@with_appcontext
def disable_user_command(username):
    """Disable an evaluator account: their sessions end at once and their login is refused (with the message
    of a wrong password). Their grants and audit history stay; undo with: manyi enable-user USERNAME.

    Example: manyi disable-user wang
    """
    _set_disabled(username, True)


@click.command("enable-user", cls=ManyiCommand)
@click.argument("username")
@with_appcontext
def enable_user_command(username):
    """Let a disabled evaluator account log in again (with its old password and grants).

    Example: manyi enable-user wang
    """
    _set_disabled(username, False)
