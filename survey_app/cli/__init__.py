"""Command line: `manyi COMMAND` (or `flask --app survey_app COMMAND`). Each command is thin.

Here: setting up surveys, questionnaires, serving and analyse; demo.py: qr, demo; data.py: accounts,
verify, backup, copy-db, export; receipts.py: receipt, anchor; common.py: what they share.
"""
from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from analysis import DEFAULT_RULE, RULES

from .. import qr, questionnaires
from ..questionnaires import fill
from ..store import get_store
from . import data, demo, export, receipts, servers, users
from .common import (ROW_ID, Manyi, ManyiAppGroup, ManyiCommand, Percent, clean_line, configured, database_mode, find_questionnaire, instance_path,
                     new_key_note, opens_database, unmatched_surveys)


@opens_database("create")
@click.command("init-db", cls=ManyiCommand)
@with_appcontext
def init_db_command():
    """Create or upgrade the database (safe to re-run; never drops data).

    Example: manyi init-db
    """
    get_store().migrate()
    click.echo(f"Database ready: {get_store().describe()}")
    if note := new_key_note():
        click.echo(note)


@click.command("create-survey", cls=ManyiCommand)
@click.argument("questionnaire")
@click.option("--title", callback=clean_line, help="Survey title (default: the questionnaire's title).")
@click.option("--department", default="", callback=clean_line, help="被评价单位, e.g. 伊宁市医疗保障局.")
@click.option("--year", type=click.IntRange(1900, 2200), help="Evaluation year, e.g. 2024.")
@click.option("--evaluator", "evaluator_org", default="", callback=clean_line, help="评价机构.")
@click.option("--target", type=Percent(), default=95.0, show_default=True,
              help="Target in % (a score's target in 分), above 1 and at most 100: 95 or 95% (never 0.95).")
@click.option("--target-n", type=click.IntRange(1), default=50, show_default=True, help="Target sample size.")
@click.option("--population", type=click.IntRange(1), help="Population size N (exact hypergeometric rate intervals, finite-population correction of scores).")
@click.option("--opens", "opens_on", help="First day (YYYY-MM-DD).")
@click.option("--closes", "closes_on", help="Last day (YYYY-MM-DD).")
@click.option("--rule", default=DEFAULT_RULE, show_default=True,
              type=click.Choice(sorted(name for name, rule in RULES.items() if rule.satisfaction)),
              help="C51 scoring rule preset (those that score a satisfaction figure).")
@with_appcontext
def create_survey_command(questionnaire, title, **fields):
    """Create a survey from a questionnaire file (id or id@version) and print its id.

    Example: manyi create-survey yining-2024-public --department 伊宁市医疗保障局 --year 2024 --target 95
    """
    q = find_questionnaire(questionnaire)
    for name, option in (("opens_on", "--opens"), ("closes_on", "--closes")):
        _check_date(fields[name], option)
    if fields["opens_on"] and fields["closes_on"] and fields["closes_on"] < fields["opens_on"]:
        raise click.BadParameter(f"{fields['closes_on']} is before --opens {fields['opens_on']}", param_hint="--closes")
    if needed := [OPTIONS[s] for s in fill.missing(q, fields)]:
        raise click.UsageError(f"{q.key}'s texts name the survey's {', '.join(needed)} (questionnaires/README.md,"
                               f" placeholders): give {' and '.join(needed)}")
    filled = fill.fill(q, fields)
    title = title or str(filled.title)
    survey_id = get_store().create_survey(questionnaire_id=q.id, questionnaire_version=q.version,
                                          questionnaire_digest=q.digest, title=title, **fields)
    click.echo(f"Survey {survey_id}: {title} ({q.key})")
    if other := fill.other_years(filled, fields["year"]):
        click.echo(f"Note: citizens read the questionnaire's title and invitation, which say {'、'.join(other)} "
                   f"年, not {fields['year']}. For a {fields['year']} survey copy the questionnaire file with the "
                   "year changed (questionnaires/README.md) and create the survey from the copy.", err=True)


OPTIONS = {"year": "--year", "department": "--department", "evaluator_org": "--evaluator"}  # fill.missing's settings


def _check_date(value, name):
    from datetime import date

    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a date like 2024-08-13", param_hint=name) from None


@click.command("add-point", cls=ManyiCommand)
@click.argument("survey_id", type=ROW_ID)
@click.argument("name", callback=clean_line)
@with_appcontext
def add_point_command(survey_id, name):
    """Add a collection point (a hall or window) to a survey and print its URL.

    Example: manyi add-point 1 业务大厅
    """
    if not name:
        raise click.BadParameter("a name such as 业务大厅", param_hint="NAME")
    try:
        point = get_store().add_point(survey_id, name)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"{point['name']}: {qr.point_url(current_app.config['PUBLIC_BASE_URL'], point['code'])}")


@click.command("list-surveys", cls=ManyiCommand)
@with_appcontext
def list_surveys_command():
    """List surveys with their collection points and response counts.

    Example: manyi list-surveys
    """
    base = current_app.config["PUBLIC_BASE_URL"]
    surveys = get_store().list_surveys()
    if not surveys:
        click.echo("No surveys yet. Create one with: manyi create-survey yining-2024-public")
    for s in surveys:
        click.echo(f"{s['id']}  {s['title']}  [{s['questionnaire_id']}@{s['questionnaire_version']}, "
                   f"{s['status']}]  {s['responses']} responses")
        for p in get_store().list_points(s["id"]):
            click.echo(f"    {p['name']}: {qr.point_url(base, p['code'])}")


@opens_database("later")  # needs no app: under `flask --app` too (ManyiCommand)
@click.command("serve", cls=ManyiCommand)
@click.option("--bind", default="127.0.0.1:5000", show_default=True, help="Address:port to listen on.")
@click.option("--workers", type=click.IntRange(1, 256), default=None, help="Worker processes (default: 2 × cores).")
@click.option("--behind-proxy", is_flag=True,
              help="A buffering reverse proxy (nginx with deploy/nginx-manyi.conf) is in front: allow a --bind "
                   "address other than loopback.")
def serve_command(bind, workers, behind_proxy):
    """Serve Manyi with gunicorn and the recommended settings (use `manyi run` for development).

    Put nginx with deploy/nginx-manyi.conf in front and listen on loopback (README, "Deploying").
    Gunicorn's sync workers serve one connection each, so a few idle or slow clients would stop every
    page: serve refuses any other address unless --behind-proxy says a buffering proxy is in front.

    Example: FLASK_SECRET_KEY=... FLASK_PUBLIC_BASE_URL=https://manyi.example.cn FLASK_TRUSTED_PROXIES=1 manyi serve --bind 127.0.0.1:8000
    """
    if not behind_proxy and not is_loopback(bind):
        raise click.ClickException(
            f"not listening on {bind}: each gunicorn worker waits on one connection, so a few idle or slow "
            "clients would stop every page. Listen on 127.0.0.1 behind nginx (deploy/nginx-manyi.conf), "
            "or add --behind-proxy if a buffering proxy is already in front.")
    database = str(configured("DATABASE") or os.path.join(instance_path(), "manyi.sqlite3"))
    if not database.startswith(("postgresql://", "postgres://")) and not Path(database.removeprefix("sqlite:///")).exists():
        raise click.ClickException(f"no database at {database}: check FLASK_DATABASE, or run manyi init-db first"
                                   " (serve never starts an empty database, where answers would go unseen)")
    workers = workers or 2 * (os.cpu_count() or 1)
    args = ["gunicorn", "--config", "python:survey_app.gunicorn_conf", "--bind", bind,
            "--workers", str(workers), "survey_app.wsgi:app"]
    os.execvp(sys.executable, [sys.executable, "-m", *args])


def is_loopback(bind: str) -> bool:
    """Whether a gunicorn --bind address is reachable only from this machine: a Unix socket, localhost,
    127.0.0.0/8 or ::1. A name or an empty host (every address) is not."""
    if bind.startswith("unix:"):
        return True
    address = bind.removeprefix("tcp://")
    if address.startswith("["):
        host = address[1:address.find("]")]
    else:
        host = address.rsplit(":", 1)[0] if address.count(":") == 1 else address
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.group("questionnaires", cls=Manyi)
def questionnaires_group():
    """Check and list questionnaire files (the format is in questionnaires/README.md)."""


@opens_database("later")
@questionnaires_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def questionnaires_check_command(files):
    """Load every questionnaire file (or the FILES given) and print OK or the error; without FILES, also list
    the surveys whose questionnaire file is gone or differs from the one they were created with; exit 1 on any.

    Example: manyi questionnaires check questionnaires/yining-2024-public.toml
    """
    paths = files or sorted(questionnaires.catalogue().directory.glob("*.toml"))
    seen, errors = {}, 0
    for path in paths:
        try:
            q = questionnaires.load(path)
            if q.key in seen:
                raise questionnaires.QuestionnaireError(f"{path.name}: id and version {q.key} already used by {seen[q.key]}")
        except questionnaires.QuestionnaireError as e:
            errors += 1
            click.echo(f"ERROR {e}")
            continue
        seen[q.key] = path.name
        click.echo(f"OK    {path.name}: {q.key}, {len(q.questions)} questions, languages {', '.join(q.languages)}")
    click.echo(f"{len(paths)} file(s), {errors} error(s)")
    if not files:
        checked, lines = unmatched_surveys()
        for line in lines:
            click.echo(line)
        unmatched = sum(line.startswith(("CHANGED", "MISSING")) for line in lines)
        errors += unmatched
        if checked:
            click.echo(f"{checked} survey(s), {unmatched} whose questionnaire file is gone or changed")
    if errors:
        sys.exit(1)


@opens_database("later")
@questionnaires_group.command("list")
@with_appcontext
def questionnaires_list_command():
    """List the questionnaires that create-survey accepts (id@version, title, size).

    Example: manyi questionnaires list
    """
    catalogue = questionnaires.catalogue()
    for key, q in catalogue.load_all().items():
        click.echo(f"{key}  {q.title}  ({len(q.questions)} questions; {', '.join(q.languages)})  {q.path}")
    broken = catalogue.errors()
    if broken:
        click.echo(f"{len(broken)} file(s) left out because they do not load; see: manyi questionnaires check")


@opens_database("later")
@click.command("analyse", cls=ManyiCommand, context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def analyse_command(args):
    """Analyse item counts from a CSV or JSON file (same as `python -m analysis FILE`).

    Example: manyi analyse analysis/examples/yining_2024.json --rule xinjiang-c51 --target 95
    Run `manyi analyse --help` for every option.
    """
    from analysis.cli import main as analysis_main

    raise SystemExit(analysis_main(list(args)))


COMMANDS = (init_db_command, create_survey_command, add_point_command, list_surveys_command, serve_command,
            questionnaires_group, analyse_command, demo.qr_command, demo.demo_command, data.create_user_command,
            data.grant_command, data.revoke_command, data.revoke_sessions_command, data.verify_command,
            receipts.receipt_command, receipts.check_receipt_command, receipts.anchor_command, data.backup_command, data.copy_db_command,
            export.export_command, export.import_paper_command, servers.rotate_secret_key_command, users.users_command,
            users.disable_user_command, users.enable_user_command)


def init_app(app) -> None:
    """The commands on ``app.cli`` (`flask --app survey_app COMMAND`, app.test_cli_runner()), a Manyi group."""
    group = ManyiAppGroup(app.cli.name, commands=app.cli.commands)
    app.cli = group
    for command in COMMANDS:
        group.add_command(command)


class ManyiGroup(Manyi, FlaskGroup):
    """`manyi`: Flask's command group, whose commands end with one line on a file they cannot read or write.
    The commands are the group's own, so `manyi --help`, `manyi COMMAND --help` and the commands that need
    no app (copy-db, serve, analyse) work while the configured database is unreachable."""

    def list_commands(self, ctx):
        return sorted(click.Group.list_commands(self, ctx))


def version_text() -> str:
    """`manyi --version`: Manyi's own version first (what a bug report needs), then what it runs on."""
    import platform
    from importlib.metadata import version
    return (f"Manyi %(version)s (Python {platform.python_version()}, Flask {version('flask')}, "
            f"psycopg {version('psycopg')})")


def cli_group() -> ManyiGroup:
    from .. import create_app

    def app_for_the_command():  # a mistyped FLASK_DATABASE is refused, not created: only init-db and demo make one
        return create_app(database=database_mode())

    group = ManyiGroup(create_app=app_for_the_command, add_version_option=False,
                       help="Manyi (满意): satisfaction surveys for C51.")
    click.version_option(package_name="manyi", message=version_text(), help="Show Manyi's version.")(group)
    for command in COMMANDS:
        group.add_command(command)
    return group


def main() -> None:
    cli_group()()
