"""Command line: `manyi COMMAND` (or `flask --app survey_app COMMAND`). Each command is thin."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import db, questionnaires

DEMO_TITLE = "2024年伊宁市医疗保障局部门整体绩效满意度调查（演示）"
DEMO_POINTS = ("业务大厅", "1号窗口")


def _db():
    return db.get_db()


def _questionnaire(ref: str):
    qid, _, version = ref.partition("@")
    try:
        return questionnaires.get(current_app.config["QUESTIONNAIRE_DIR"], qid, int(version) if version else None)
    except (KeyError, ValueError):
        known = ", ".join(sorted(questionnaires.load_all(current_app.config["QUESTIONNAIRE_DIR"])))
        raise click.BadParameter(f"unknown questionnaire {ref!r}; known: {known}") from None


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database (safe to re-run; never drops data).

    Example: manyi init-db
    """
    db.migrate(_db())
    click.echo(f"Database ready: {current_app.config['DATABASE']}")


@click.command("create-survey")
@click.argument("questionnaire")
@click.option("--title", help="Survey title (default: the questionnaire's title).")
@click.option("--department", default="", help="被评价单位, e.g. 伊宁市医疗保障局.")
@click.option("--year", type=int, help="Evaluation year, e.g. 2024.")
@click.option("--evaluator", "evaluator_org", default="", help="评价机构.")
@click.option("--target", type=click.FloatRange(0, 100), default=95.0, show_default=True, help="Target in %.")
@click.option("--target-n", type=click.IntRange(1), default=50, show_default=True, help="Target sample size.")
@click.option("--population", type=click.IntRange(1), help="Population size N (finite-population correction).")
@click.option("--opens", "opens_on", help="First day (YYYY-MM-DD).")
@click.option("--closes", "closes_on", help="Last day (YYYY-MM-DD).")
@click.option("--rule", default="xinjiang-c51", show_default=True, help="C51 scoring rule preset.")
@with_appcontext
def create_survey_command(questionnaire, title, **fields):
    """Create a survey from a questionnaire file (id or id@version) and print its id.

    Example: manyi create-survey yining-2024-public --department 伊宁市医疗保障局 --year 2024 --target 95
    """
    q = _questionnaire(questionnaire)
    for name in ("opens_on", "closes_on"):
        _check_date(fields[name], name)
    survey_id = db.create_survey(_db(), questionnaire_id=q.id, questionnaire_version=q.version,
                                 title=title or str(q.title), **fields)
    click.echo(f"Survey {survey_id}: {title or q.title} ({q.key})")


def _check_date(value, name):
    from datetime import date

    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a date like 2024-08-13", param_hint=name) from None


@click.command("add-point")
@click.argument("survey_id", type=int)
@click.argument("name")
@with_appcontext
def add_point_command(survey_id, name):
    """Add a collection point (a hall or window) to a survey and print its URL.

    Example: manyi add-point 1 业务大厅
    """
    try:
        point = db.add_point(_db(), survey_id, name)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"{point['name']}: {current_app.config['PUBLIC_BASE_URL']}/s/{point['code']}")


@click.command("list-surveys")
@with_appcontext
def list_surveys_command():
    """List surveys with their collection points and response counts.

    Example: manyi list-surveys
    """
    base = current_app.config["PUBLIC_BASE_URL"]
    surveys = db.list_surveys(_db())
    if not surveys:
        click.echo("No surveys yet. Create one with: manyi create-survey yining-2024-public")
    for s in surveys:
        click.echo(f"{s['id']}  {s['title']}  [{s['questionnaire_id']}@{s['questionnaire_version']}, "
                   f"{s['status']}]  {s['responses']} responses")
        for p in db.list_points(_db(), s["id"]):
            click.echo(f"    {p['name']}: {base}/s/{p['code']}")


@click.command("serve")
@click.option("--bind", default="127.0.0.1:5000", show_default=True, help="Address:port to listen on.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: 2 × cores).")
def serve_command(bind, workers):
    """Serve Manyi with gunicorn and the recommended settings (use `flask run` for development).

    Example: FLASK_SECRET_KEY=... FLASK_PUBLIC_BASE_URL=https://manyi.example.cn manyi serve --bind 0.0.0.0:8000
    """
    workers = workers or 2 * (os.cpu_count() or 1)
    args = ["gunicorn", "--config", "python:survey_app.gunicorn_conf", "--bind", bind,
            "--workers", str(workers), "survey_app.wsgi:app"]
    os.execvp(sys.executable, [sys.executable, "-m", *args])


def init_app(app) -> None:
    for command in (init_db_command, create_survey_command, add_point_command, list_surveys_command,
                    serve_command):
        app.cli.add_command(command)


def main() -> None:
    from . import create_app

    FlaskGroup(create_app=create_app, help="Manyi (满意): satisfaction surveys for C51.")()
