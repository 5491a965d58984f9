"""What several commands share: a questionnaire named on the command line (id or id@version), the
cleaning of text that is stored (click's ``callback=clean_line``), who ran a command (for its audit line)
and a stored time as commands print it."""
from __future__ import annotations

import errno
import math
import os
import pwd
from pathlib import Path

import click
from flask import current_app, has_app_context
from flask.cli import AppGroup

from .. import percent, questionnaires
from ..localtime import shown
from ..safetext import clean_line as _clean_line
from ..store.common import SQLITE_MAGIC

DATABASE_BY_DEFAULT = "manyi.database_by_default"  # app.extensions: create_app left to its default (Flask's loader)
# a survey, user or point id as the databases store it (signed 64-bit): a bigger number is a usage error
ROW_ID = click.IntRange(1, 2**63 - 1)


class Manyi(click.Group):
    """Mixed into the command groups (`manyi`, and the app's ``app.cli`` that app.test_cli_runner() invokes):
    a command ends with one line, exit 1, never a traceback, on a file that cannot be written or read (naming
    it) and on a change the store refused, the database having been changed behind Manyi's back since the
    audit chain's newest line (ChangedOutsideManyi: nothing written)."""

    def invoke(self, ctx):
        return in_one_line(super().invoke, ctx)


class ManyiCommand(click.Command):
    """Every command's class (``cls=ManyiCommand``): it ends as Manyi says, whichever group runs it; under
    `flask --app survey_app COMMAND` Flask's own group does, which knows nothing of Manyi, and has made the
    app (and so the configured database) before it knew the command: a command that reads an existing
    database then refuses one that start just made (a mistyped FLASK_DATABASE), as under `manyi`."""

    def invoke(self, ctx):
        return in_one_line(self._invoke, ctx)

    def _invoke(self, ctx):
        if (getattr(self, "manyi_database", "existing") == "existing" and has_app_context()
                and current_app.extensions.get(DATABASE_BY_DEFAULT)):
            existing_store()
        return super().invoke(ctx)


def in_one_line(invoke, ctx):
    """``invoke(ctx)``, its refusals and unwritable files ended in one line (Manyi's docstring)."""
    from ..store.common import ChangedOutsideManyi
    try:
        return invoke(ctx)
    except ChangedOutsideManyi as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:
        if e.errno == errno.EPIPE:  # `manyi list-surveys | head -1`: click ends it quietly, as other tools do
            raise
        where = f"{e.filename}: " if e.filename else ""
        raise click.ClickException(f"{where}{e.strerror or e}") from None


class ManyiAppGroup(Manyi, AppGroup):
    """The app's ``app.cli`` (cli.init_app): Flask's app command group, whose commands end as `manyi`'s do."""


def operator() -> str:
    """Who an audit line says made a change from the command line: ``cli:`` and the login the command runs as,
    with the login sudo was run from (``cli:manyi (sudo: li)``); ``cli`` if the system names no login."""
    try:
        login = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a container's uid without a passwd entry
        return "cli"
    sudo = os.environ.get("SUDO_USER", "")
    return f"cli:{login}" + (f" (sudo: {sudo})" if sudo and sudo != login else "")


def local_time(stored: str) -> str:
    """A stored (UTC) time as commands print it: in the server's TIMEZONE, named, e.g. 2024-08-13 10:42:07
    Asia/Shanghai (the web pages show the same local time)."""
    return shown(stored, current_app.config["TIMEZONE"], label="name")


def finite(ctx, param, value):
    """A click callback: refuse NaN (click's FloatRange lets it through)."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("is not a number")
    return value


class Percent(click.ParamType):
    """A target in % (a score's in 分) as the settings form reads it (survey_app/percent.py): 95 and 95% are 95;
    0.95 is refused (it would be 0.95 %, reached by one satisfied answer), as is anything not above 1 and at
    most 100."""

    name = "percent"

    def convert(self, value, param, ctx):
        try:
            number = float(value) if isinstance(value, (int, float)) else percent.read(value)
        except ValueError:
            self.fail(f"{value!r} is not a number", param, ctx)
        found = percent.check(number)
        if found == "fraction":
            self.fail(f"{value} would be read as {value} % (or {value} 分): give the target as a percentage, "
                      "e.g. 95 for 95 % (a score's in 分, e.g. 90); 目标值按百分数填写，95% 请填 95", param, ctx)
        if found == "range":
            self.fail(f"{value} is not above 1 and at most 100 (a percentage, e.g. 95; a score's in 分)", param, ctx)
        return number


def not_a_database(path: Path) -> None:
    """Refuse to write a download over a database file (a mistyped --out would wipe a survey's answers)."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except (FileNotFoundError, IsADirectoryError):
        return
    if head == SQLITE_MAGIC:
        raise click.ClickException(f"{path} is a SQLite database: not replaced; choose another --out")


def find_questionnaire(ref: str):
    """The questionnaire ``id`` (newest version) or ``id@version``, or a usage error naming the known ones."""
    qid, _, version = ref.partition("@")
    try:
        return questionnaires.catalogue().get(qid, int(version) if version else None)
    except (KeyError, ValueError):
        known = ", ".join(sorted(questionnaires.catalogue().load_all()))
        raise click.BadParameter(f"unknown questionnaire {ref!r}; known: {known}") from None


def unmatched_surveys() -> tuple[int, list[str]]:
    """(surveys checked, one line per survey whose questionnaire file is gone or no longer reads as when the
    survey was created) in the app's database; (0, [why]) when there is none to check. No database is made."""
    from flask import current_app

    from ..store import EXTENSION, StartupError, StorageUnavailable, get_store, init_app

    try:
        if EXTENSION not in current_app.extensions:
            init_app(current_app, create=False)
        surveys = get_store().list_surveys()
    except (StartupError, StorageUnavailable) as e:
        return 0, [f"surveys not checked: {' '.join(str(e.code if isinstance(e, StartupError) else e).split())}"]
    catalogue, lines = questionnaires.catalogue(), []
    for survey in surveys:
        try:
            catalogue.for_survey(survey)
        except questionnaires.ChangedQuestionnaire as e:
            lines.append(f"CHANGED survey {survey['id']} {survey['title']}: {e}")
        except questionnaires.MissingQuestionnaire as e:
            lines.append(f"MISSING survey {survey['id']} {survey['title']}: {e}; put that file back")
    return len(surveys), lines


def clean_line(ctx, param, value):
    """A click callback: a one-line text option or argument as stored (safetext.clean_line)."""
    return _clean_line(value)


def opens_database(how: str):
    """Mark a command with how the app it starts opens the database (create_app's ``database``): "create"
    (init-db, demo), "later" (opened only if it calls existing_store()); unmarked: "existing", refused if
    it is not there yet."""
    def mark(command: click.Command) -> click.Command:
        command.manyi_database = how
        return command
    return mark


def database_mode() -> str:
    """How the command being run opens the app's database (opens_database)."""
    ctx = click.get_current_context(silent=True)
    return getattr(ctx.command, "manyi_database", "existing") if ctx is not None else "existing"


def existing_store():
    """The app's store, for a command that reads what is stored: refused, and the empty file removed, when
    the app's start-up just created it (a mistyped FLASK_DATABASE would otherwise verify or export nothing).
    Opened now if the command's app left it for later."""
    from flask import current_app

    from ..store import EXTENSION, get_store, init_app

    if EXTENSION not in current_app.extensions:
        init_app(current_app, create=False)
    store = get_store()
    if store.fresh and not store.list_surveys():
        for suffix in ("", "-wal", "-shm", "-writer.lock"):
            Path(store.path + suffix).unlink(missing_ok=True)
        written = getattr(store.backend.chain_key, "written", "")
        if written:  # made by this same start-up for the database just removed: it keys nothing
            Path(written).unlink(missing_ok=True)
        raise click.ClickException(f"no database at {store.path}: check FLASK_DATABASE (to start a new one,"
                                   " run manyi init-db)")
    return store


def new_key_note() -> str | None:
    """What init-db and demo say when the app's start just wrote instance/chain.key (no key was configured)."""
    from ..store import get_store

    written = getattr(get_store().backend.chain_key, "written", "")
    return (f"Wrote a new chain key to {written} (mode 0600). Back it up now, apart from the database and its"
            " backups: without it manyi verify cannot check the answers and the server refuses this database."
            if written else None)


def configured(name: str, default=None):
    """A setting as the app would read it (instance/config.py, then FLASK_<NAME>), without starting the app
    (which would open, and might create, the database)."""
    from flask import Config

    config = Config(instance_path())
    config.from_pyfile("config.py", silent=True)
    config.from_prefixed_env()
    value = config.get(name, default)
    return value.strip() if isinstance(value, str) else value


def instance_path() -> str:
    """The app's instance folder (instance/ beside the package), found as Flask finds it, without the app."""
    from flask import Flask

    return Flask("survey_app").instance_path
