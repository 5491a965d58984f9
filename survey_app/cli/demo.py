"""Commands for trying Manyi and printing its QR codes: `manyi qr`, `manyi demo`."""
from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Config, current_app
from flask.cli import with_appcontext

from .. import demo_data, qr, questionnaires
from ..store import Audit, get_store
from ..store.audit import SYSTEM
from .common import ROW_ID, ManyiCommand, find_questionnaire, new_key_note, opens_database

DEMO_USER = "demo"
DEMO_TITLE = "2024年伊宁市医疗保障局部门整体绩效满意度调查（演示）"
DEMO_POINTS = ("业务大厅", "1号窗口")
DEMO_QUESTIONNAIRE = "yining-2024-public"
DEMO_SURVEY = {"department": "伊宁市医疗保障局", "year": 2024, "evaluator_org": "新疆政通众和商务咨询有限公司",
               "target": 95.0, "target_n": 50}
# The earlier survey the demo compares with (与上年度比较): fictional, and its title says so wherever it is named.
EARLIER_TITLE = "2023年伊宁市医疗保障局部门整体绩效满意度调查（演示数据（虚构））"
EARLIER_POINT = "业务大厅"


def _qr_dir(survey_id: int) -> Path:
    return Path(current_app.instance_path) / "qr" / str(survey_id)


def _write_qr_files(survey: dict, out: Path) -> None:
    """Write PNG, SVG and poster for every point of ``survey`` into ``out`` and echo URLs and paths."""
    base = current_app.config["PUBLIC_BASE_URL"]
    try:  # the time its invitation states, on the poster
        invitation = str(questionnaires.catalogue().for_survey(survey).invitation)
    except questionnaires.MissingQuestionnaire:
        invitation = ""  # the poster then promises no time
    for point in get_store().list_points(survey["id"]):
        paths = qr.write_point_files(out, base, survey, point, invitation=invitation)
        click.echo(f"{point['name']}: {qr.point_url(base, point['code'])}")
        for path in paths:
            click.echo(f"    {path}")


@click.command("qr", cls=ManyiCommand)
@click.argument("survey_id", type=ROW_ID)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the files (default: INSTANCE/qr/SURVEY_ID).")
@with_appcontext
def qr_command(survey_id, out):
    """Write a QR code (PNG, SVG) and a printable A4 poster (HTML) for every point of a survey.

    Example: FLASK_PUBLIC_BASE_URL=https://manyi.example.cn manyi qr 1 --out posters/
    """
    _check_base_url(current_app.config["PUBLIC_BASE_URL"])
    survey = get_store().get_survey(survey_id)
    if survey is None:
        raise click.ClickException(f"no survey with id {survey_id}; see: manyi list-surveys")
    if not get_store().list_points(survey_id):
        raise click.ClickException(f"survey {survey_id} has no collection points yet; "
                                   f"add one with: manyi add-point {survey_id} 业务大厅")
    _write_qr_files(survey, out or _qr_dir(survey_id))


def _check_base_url(base: str) -> None:
    """Posters are printed once and hung for weeks: refuse an address a phone cannot open (no http(s)://),
    and warn (stderr) when it is this machine's own (the default, http://127.0.0.1:5000)."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.ClickException(f"FLASK_PUBLIC_BASE_URL {base!r} is not an address a phone can open: give it"
                                   " with http:// or https://, e.g. https://manyi.example.cn; no poster written")
    host = parts.hostname
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        click.echo(f"Warning: the posters point to {base}, which only this machine can open: set"
                   " FLASK_PUBLIC_BASE_URL to the address phones use (e.g. https://manyi.example.cn)", err=True)


def _demo_survey() -> dict:
    """The demo survey and its two points, created on the first run and found on later ones."""
    survey = get_store().find_survey(title=DEMO_TITLE)
    if survey is None:
        q = find_questionnaire(DEMO_QUESTIONNAIRE)
        survey_id = get_store().create_survey(questionnaire_id=q.id, questionnaire_version=q.version,
                                              questionnaire_digest=q.digest, title=DEMO_TITLE, **DEMO_SURVEY)
        survey = get_store().get_survey(survey_id)
    for name in DEMO_POINTS:
        get_store().add_point(survey["id"], name)
    return survey


def _demo_answers(survey: dict) -> bool:
    """Store the 50 Yining answers once (30 at the first point, 20 at the second, taken in turn so that each point
    gets every age group: the rows are laid out by age); False if already there."""
    points = get_store().list_points(survey["id"])
    stored = False
    for i, row in enumerate(demo_data.yining_rows()):
        saved = get_store().save_response(  # fixed keys: a re-run stores nothing twice
            survey_id=survey["id"], point_id=points[0 if i % 5 < 3 else 1]["id"],
            questionnaire_version=survey["questionnaire_version"], submission_key=f"demo-yining-{i}",
            answers=sorted(row.items()), seconds_on_page=35 + i % 40, language="zh-CN", device_hash=None)
        stored = stored or saved.created
    return stored


def _earlier_survey(survey: dict) -> dict:
    """The fictional 2023 survey (one point, 50 answers with fixed keys), created and filled once, and the
    demo survey compared with it unless it is already compared with something."""
    earlier = get_store().find_survey(title=EARLIER_TITLE)
    if earlier is None:
        earlier = get_store().get_survey(get_store().create_survey(
            questionnaire_id=survey["questionnaire_id"], questionnaire_version=survey["questionnaire_version"],
            questionnaire_digest=survey["questionnaire_digest"], title=EARLIER_TITLE, status="open", **{**DEMO_SURVEY, "year": 2023}))
    point = get_store().add_point(earlier["id"], EARLIER_POINT)
    for i, row in enumerate(demo_data.yining_2023_rows()):
        get_store().save_response(  # fixed keys: a re-run stores nothing twice
            survey_id=earlier["id"], point_id=point["id"], questionnaire_version=earlier["questionnaire_version"],
            submission_key=f"demo-yining-2023-{i}", answers=sorted(row.items()), seconds_on_page=40 + i % 30,
            language="zh-CN", device_hash=None)
    if earlier["status"] == "open":  # answered while open, then closed: verify names answers stored while closed
        get_store().update_survey(earlier["id"], status="closed", audit=Audit(SYSTEM, "closed"))
    if survey["compare_with"] is None:
        get_store().update_survey(survey["id"], compare_with=earlier["id"],
                                  audit=Audit(SYSTEM, "compare", f"compare_with: None → {earlier['id']}"))
    return earlier


def _refuse_real_surveys(no_sample: bool) -> None:
    """A database holding surveys that are not the demo's is a deployment's: no invented data goes into it."""
    others = [s for s in get_store().list_surveys() if s["title"] not in (DEMO_TITLE, EARLIER_TITLE)]
    if others:
        adds = ("the demo survey with two points" if no_sample else
                "the demo survey with 50 reconstructed answers, a fictional 2023 survey with 50 invented answers")
        raise click.ClickException(
            f"{get_store().describe()} holds {len(others)} survey(s) that are not the demo's (e.g. survey"
            f" {others[0]['id']}, {others[0]['title']}): nothing added. The demo would add {adds} and the account"
            f" {DEMO_USER!r}; run it on another database (FLASK_DATABASE=/tmp/manyi-demo.sqlite3), or add --force")


def _demo_evaluator(survey_id: int) -> str:
    """The demo evaluator account, granted the demo survey, with a fresh random password (returned)."""
    from ..admin.auth import hash_password

    password = secrets.token_urlsafe(9)
    if not get_store().set_password(DEMO_USER, hash_password(password)):
        get_store().create_user(DEMO_USER, hash_password(password))
    get_store().grant(get_store().user_by_name(DEMO_USER)["id"], survey_id)
    return password


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


@opens_database("create")
@click.command("demo", cls=ManyiCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: all).")
@click.option("--port", type=int, default=5000, show_default=True, help="Port to listen on.")
@click.option("--no-serve", is_flag=True, help="Set everything up and print the URLs, but do not serve.")
@click.option("--no-sample", is_flag=True, help="Do not store the 50 reconstructed Yining answers.")
@click.option("--force", is_flag=True, help="Add the demo to a database that holds other surveys too.")
@with_appcontext
def demo_command(host, port, no_serve, no_sample, force):
    """Set up the demo (Yining 2024 survey, two points, QR posters) and serve it until Ctrl-C.

    Safe to re-run: the demo survey and its points are found again, never duplicated.

    Example: FLASK_PUBLIC_BASE_URL=http://192.168.1.23:5000 manyi demo --host 0.0.0.0
    """
    if not force:
        _refuse_real_surveys(no_sample)
    survey = _demo_survey()
    if not no_sample and _demo_answers(survey):
        click.echo("Stored the 50 answers reconstructed from the Yining 2024 annex (附件3), so the dashboard"
                   " and downloads have data (skip with --no-sample)")
    earlier = None if no_sample else _earlier_survey(survey)
    if earlier is not None:
        click.echo(f"Survey {earlier['id']}: {earlier['title']} (fictional 2023 answers; the demo survey"
                   " is compared with it under 与上年度比较)")
    config_py = Path(current_app.instance_path) / "config.py"
    if _ensure_secret_key(config_py):
        click.echo(f"Wrote a random SECRET_KEY to {config_py}")
    if note := new_key_note():
        click.echo(note)
    out = _qr_dir(survey["id"])
    click.echo(f"Survey {survey['id']}: {survey['title']}\nRespondent pages (scan or open on a phone):")
    _write_qr_files(survey, out)
    click.echo(f"Posters to print on A4 (open in a browser): {out}/*-poster.html")
    password = _demo_evaluator(survey["id"])
    if earlier is not None:
        get_store().grant(get_store().user_by_name(DEMO_USER)["id"], earlier["id"])
    click.echo(f"Evaluator pages: http://{host}:{port}/admin/  user: {DEMO_USER}  password: {password}"
               " (a new password on every run of the demo)")
    note = _reachability_note(host, port)
    if note:
        click.echo(note)
    if no_serve:
        return
    from werkzeug.serving import run_simple

    from .. import create_app

    click.echo(f"Serving on http://{host}:{port}/ (Ctrl-C stops)")
    run_simple(host, port, create_app(), threaded=True)  # a fresh app reads the new SECRET_KEY
