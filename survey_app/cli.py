"""Command line: `manyi COMMAND` (or `flask --app survey_app COMMAND`). Each command is thin."""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Config, current_app
from flask.cli import FlaskGroup, with_appcontext

from . import db, qr, questionnaires

DEMO_TITLE = "2024年伊宁市医疗保障局部门整体绩效满意度调查（演示）"
DEMO_POINTS = ("业务大厅", "1号窗口")
DEMO_QUESTIONNAIRE = "yining-2024-public"
DEMO_SURVEY = {"department": "伊宁市医疗保障局", "year": 2024, "evaluator_org": "新疆政通众和商务咨询有限公司",
               "target": 95.0, "target_n": 50}


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


@click.command("create-user")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--reset", is_flag=True, help="Set a new password for an existing user (ends their sessions).")
@with_appcontext
def create_user_command(username, password_stdin, reset):
    """Create an evaluator account (the password is asked for, hidden, unless --password-stdin).

    Example: manyi create-user wang   then   manyi grant wang 1
    """
    from .auth import MIN_PASSWORD_LENGTH, hash_password

    username = username.strip()
    if not username or len(username) > 64:
        raise click.BadParameter("a username of 1 to 64 characters", param_hint="USERNAME")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if reset:
        if not db.set_password(_db(), username, hash_password(password)):
            raise click.ClickException(f"no user {username!r}; create it without --reset")
        click.echo(f"Password of {username} changed.")
        return
    try:
        db.create_user(_db(), username, hash_password(password))
    except ValueError:
        raise click.ClickException(f"user {username!r} already exists (new password: --reset)") from None
    click.echo(f"User {username} created. Give access with: manyi grant {username} SURVEY_ID")


@click.command("grant")
@click.argument("username")
@click.argument("survey_id", type=int)
@with_appcontext
def grant_command(username, survey_id):
    """Let an evaluator see a survey (its dashboard, review page and downloads).

    Example: manyi grant wang 1
    """
    user = db.user_by_name(_db(), username)
    if user is None:
        raise click.ClickException(f"no user {username!r}; create it with: manyi create-user {username}")
    if not 0 < survey_id < 2**63 or db.get_survey(_db(), survey_id) is None:
        raise click.ClickException(f"no survey with id {survey_id}; see: manyi list-surveys")
    db.grant(_db(), user["id"], survey_id)
    click.echo(f"{username} can now see survey {survey_id}.")


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


def _qr_dir(survey_id: int) -> Path:
    return Path(current_app.instance_path) / "qr" / str(survey_id)


def _write_qr_files(survey: dict, out: Path) -> None:
    """Write PNG, SVG and poster for every point of ``survey`` into ``out`` and echo URLs and paths."""
    base = current_app.config["PUBLIC_BASE_URL"]
    for point in db.list_points(_db(), survey["id"]):
        paths = qr.write_point_files(out, base, survey, point)
        click.echo(f"{point['name']}: {qr.point_url(base, point['code'])}")
        for path in paths:
            click.echo(f"    {path}")


@click.command("qr")
@click.argument("survey_id", type=int)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the files (default: INSTANCE/qr/SURVEY_ID).")
@with_appcontext
def qr_command(survey_id, out):
    """Write a QR code (PNG, SVG) and a printable A4 poster (HTML) for every point of a survey.

    Example: FLASK_PUBLIC_BASE_URL=https://manyi.example.cn manyi qr 1 --out posters/
    """
    survey = db.get_survey(_db(), survey_id)
    if survey is None:
        raise click.ClickException(f"no survey with id {survey_id}; see: manyi list-surveys")
    if not db.list_points(_db(), survey_id):
        raise click.ClickException(f"survey {survey_id} has no collection points yet; "
                                   f"add one with: manyi add-point {survey_id} 业务大厅")
    _write_qr_files(survey, out or _qr_dir(survey_id))


def _demo_survey() -> dict:
    """The demo survey and its two points, created on the first run and found on later ones."""
    survey = db.find_survey(_db(), title=DEMO_TITLE)
    if survey is None:
        q = _questionnaire(DEMO_QUESTIONNAIRE)
        survey_id = db.create_survey(_db(), questionnaire_id=q.id, questionnaire_version=q.version,
                                     title=DEMO_TITLE, **DEMO_SURVEY)
        survey = db.get_survey(_db(), survey_id)
    for name in DEMO_POINTS:
        db.add_point(_db(), survey["id"], name)
    return survey


def _ensure_secret_key(path: Path) -> bool:
    """Append a random SECRET_KEY to the instance config.py unless it sets one; True if written."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text:
        config = Config(str(path.parent))
        config.from_pyfile(path.name)
        if config.get("SECRET_KEY"):
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        os.chmod(path, 0o600)
        f.write(("\n" if text and not text.endswith("\n") else "")
                + "# Written once by `manyi demo`. Keep it secret; changing it invalidates open forms.\n"
                + f"SECRET_KEY = {secrets.token_hex(32)!r}\n")
    return True


def _reachability_note(host: str, port: int) -> str | None:
    """A hint when the QR codes point somewhere a phone will not find this server."""
    base = current_app.config["PUBLIC_BASE_URL"]
    url = urlsplit(base)
    local = url.hostname in ("127.0.0.1", "localhost")
    if local and host not in ("127.0.0.1", "localhost"):
        return (f"Note: the QR codes point to {base}, which a phone cannot reach. For phones on this network: "
                f"make demo HOST=0.0.0.0 PUBLIC_BASE_URL=http://<LAN-IP>:{port} (the LAN IP: hostname -I)")
    if (local or url.hostname == host) and (url.port or 80) != port:
        return f"Note: the QR codes point to {base} but the server listens on port {port}; set FLASK_PUBLIC_BASE_URL."
    return None


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: all).")
@click.option("--port", type=int, default=5000, show_default=True, help="Port to listen on.")
@click.option("--no-serve", is_flag=True, help="Set everything up and print the URLs, but do not serve.")
@with_appcontext
def demo_command(host, port, no_serve):
    """Set up the demo (Yining 2024 survey, two points, QR posters) and serve it until Ctrl-C.

    Safe to re-run: the demo survey and its points are found again, never duplicated.

    Example: FLASK_PUBLIC_BASE_URL=http://192.168.1.23:5000 manyi demo --host 0.0.0.0
    """
    survey = _demo_survey()
    config_py = Path(current_app.instance_path) / "config.py"
    if _ensure_secret_key(config_py):
        click.echo(f"Wrote a random SECRET_KEY to {config_py}")
    out = _qr_dir(survey["id"])
    click.echo(f"Survey {survey['id']}: {survey['title']}\nRespondent pages (scan or open on a phone):")
    _write_qr_files(survey, out)
    click.echo(f"Posters to print on A4 (open in a browser): {out}/*-poster.html")
    note = _reachability_note(host, port)
    if note:
        click.echo(note)
    if no_serve:
        return
    from werkzeug.serving import run_simple

    from . import create_app

    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C stops)")
    run_simple(host, port, create_app(), threaded=True)  # a fresh app reads the new SECRET_KEY


@click.group("questionnaires")
def questionnaires_group():
    """Check and list questionnaire files (the format is in questionnaires/README.md)."""


@questionnaires_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def questionnaires_check_command(files):
    """Load every questionnaire file (or the FILES given) and print OK or the error; exit 1 on any error.

    Example: manyi questionnaires check questionnaires/yining-2024-public.toml
    """
    paths = files or sorted(Path(current_app.config["QUESTIONNAIRE_DIR"]).glob("*.toml"))
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
    if errors:
        sys.exit(1)


@questionnaires_group.command("list")
@with_appcontext
def questionnaires_list_command():
    """List the questionnaires that create-survey accepts (id@version, title, size).

    Example: manyi questionnaires list
    """
    directory = current_app.config["QUESTIONNAIRE_DIR"]
    for key, q in questionnaires.load_all(directory).items():
        click.echo(f"{key}  {q.title}  ({len(q.questions)} questions; {', '.join(q.languages)})  {q.path}")
    broken = questionnaires.errors(directory)
    if broken:
        click.echo(f"{len(broken)} file(s) left out because they do not load; see: manyi questionnaires check")


@click.command("analyse", context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def analyse_command(args):
    """Analyse item counts from a CSV or JSON file (same as `python -m analysis FILE`).

    Example: manyi analyse analysis/examples/yining_2024.json --rule xinjiang-c51 --target 95
    Run `manyi analyse --help` for every option.
    """
    from analysis.cli import main as analysis_main

    raise SystemExit(analysis_main(list(args)))


def _open_db(path: str | None):
    if path is None:
        return _db()
    if not Path(path).is_file():
        raise click.ClickException(f"no database file at {path}")
    return db.connect(path)


@click.command("verify")
@click.option("--db", "path", type=click.Path(dir_okay=False), help="Database file (default: the app's).")
@with_appcontext
def verify_command(path):
    """Check the hash chain of every response and recount the tallies; exit 1 and name each problem.

    Example: manyi verify --db backups/manyi-2024-08-13.sqlite3
    """
    database = _open_db(path)
    try:
        result = db.verify(database)
    finally:
        if path is not None:
            database.close()
    for response_id, problem in result.bad_responses:
        click.echo(f"response {response_id}: {problem}")
    for problem in result.count_problems:
        click.echo(problem)
    if not result.ok:
        click.echo(f"FAILED: {len(result.bad_responses)} response problem(s), {len(result.count_problems)}"
                   f" count problem(s) in {result.responses} responses")
        sys.exit(1)
    click.echo(f"OK: {result.responses} responses, hash chain and tallies intact")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target):
    """Write a consistent copy of the database to TARGET while the server keeps taking answers.

    Example: manyi backup backups/manyi-2024-08-13.sqlite3 && manyi verify --db backups/manyi-2024-08-13.sqlite3
    """
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    count = db.backup(_db(), target)
    click.echo(f"Backup written: {target} ({count} responses)")


@click.command("export")
@click.argument("survey_id", type=int)
@click.option("--format", "fmt", required=True, type=click.Choice(["csv", "labels", "xlsx", "sav", "json",
              "docx-annex", "docx-c51"]), help="What to write (labels: the CSV's variable and code labels).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: the download's name in the current folder).")
@with_appcontext
def export_command(survey_id, fmt, out):
    """Write a download of a survey: raw data, tallies, SPSS, JSON, the 附件3 annex or the C51 working paper.

    Example: manyi export 1 --format docx-annex --out 附件3.docx
    """
    from . import reports

    config = current_app.config
    try:
        with reports.open_export(config["DATABASE"], survey_id, config["QUESTIONNAIRE_DIR"],
                                 timezone=config["TIMEZONE"]) as data:
            out = out or Path(reports.filename(fmt, data.result.survey))
            with open(out, "wb") as f:
                reports.write(fmt, data, f)
    except LookupError as e:
        raise click.ClickException(f"{e}; see: manyi list-surveys") from None
    click.echo(f"Wrote {out}")


def init_app(app) -> None:
    for command in (init_db_command, create_survey_command, add_point_command, list_surveys_command,
                    serve_command, qr_command, demo_command, questionnaires_group, analyse_command,
                    verify_command, backup_command, export_command, create_user_command, grant_command):
        app.cli.add_command(command)


def main() -> None:
    from . import create_app

    FlaskGroup(create_app=create_app, help="Manyi (满意): satisfaction surveys for C51.")()
