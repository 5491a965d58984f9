"""`manyi export`: a download of a survey written to a file, as the survey page's links give it; `manyi import-paper`:
the 纸质问卷录入表 typed in, imported as the 录入纸质问卷 page imports it."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import breakdowns, flags, questionnaires, reports
from ..reports import unrecorded_text
from .common import ROW_ID, ManyiCommand, existing_store, not_a_database, operator


def _at_most(ctx, param, value):
    """``--by`` given more often than the page allows is refused (the page and its links keep the first ones)."""
    if len(set(value)) > breakdowns.MAX_BY:
        raise click.BadParameter(f"at most {breakdowns.MAX_BY} questions")
    return value


@click.command("export", cls=ManyiCommand)
@click.argument("survey_id", type=ROW_ID)
@click.option("--format", "fmt", required=True, type=click.Choice(list(reports.FORMATS)),
              help="What to write (labels: the CSV's variable and code labels).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: the download's name in the current folder).")
@click.option("--include-excluded", is_flag=True,
              help="Raw data (csv, xlsx, sav): the excluded responses too (default: valid responses only).")
@click.option("--by", "by", multiple=True, metavar="QUESTION_ID", callback=_at_most,
              help=f"Add the breakdowns (交叉分析) by this question, as 另按题目分组 on the survey page does; "
                   f"repeat for up to {breakdowns.MAX_BY} (the XLSX, JSON and 附件3 show them).")
@click.option("--adjust", type=click.Choice(["holm", "bh", "bonferroni"]),
              help="The breakdowns' 多重比较校正, as chosen on the survey page (default: FLASK_BREAKDOWN_ADJUST, else holm).")
@with_appcontext
def export_command(survey_id, fmt, out, include_excluded, by, adjust):
    """Write a download of a survey: raw data, tallies, SPSS, JSON, the 附件3 annex or the C51 working paper.

    Example: manyi export 1 --format docx-annex --out 附件3.docx
    """
    config = current_app.config
    try:
        with reports.open_export(existing_store(), survey_id, questionnaires.catalogue(),
                                 timezone=config["TIMEZONE"], include_excluded=include_excluded,
                                 breakdowns=breakdowns.settings(config, adjust), review=flags.settings(config),
                                 by=by, with_flags=reports.FORMATS[fmt].flags) as data:
            if data.by_refused:  # the page says so and shows the default tables; asked for here, it is refused
                raise click.ClickException(f"--by: {data.by_refused}")
            out = out or Path(reports.filename(fmt, data.result.survey, include_excluded=include_excluded,
                                               at=data.result.computed_at))
            not_a_database(out)
            with open(out, "xb" if fmt == "receipt" else "wb") as f:  # a kept receipt is never replaced
                reports.write(fmt, data, f)
            alarm = unrecorded_text.warning(data.result.unrecorded)  # the line the file prints, the exit code as ever
    except FileExistsError:
        raise click.ClickException(f"{out} exists already: choose a new file name (receipts are kept, not"
                                   " replaced)") from None
    except questionnaires.ChangedQuestionnaire as e:  # says what to do with the file itself
        raise click.ClickException(str(e)) from None
    except LookupError as e:
        raise click.ClickException(f"{e}; see: manyi list-surveys") from None
    if alarm:
        click.echo(f"Warning: survey {survey_id}: {alarm}", err=True)
    click.echo(f"Wrote {out}")


@click.command("import-paper", cls=ManyiCommand)
@click.argument("survey_id", type=ROW_ID)
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_paper_command(survey_id, table):
    """Import a 纸质问卷录入表 (the XLSX `manyi export SURVEY_ID --format xlsx-paper` writes, typed in; or a CSV
    saved from it) as the 录入纸质问卷 page does: all or nothing, every problem named by its line; forms stored
    before with the same answers are not stored again. The audit log names the login that ran the command.

    Example: manyi import-paper 1 录入表.xlsx
    """
    from .. import paper_import

    store = existing_store()
    survey = store.get_survey(survey_id)
    if survey is None:
        raise click.ClickException(f"no survey {survey_id}; see: manyi list-surveys")
    if survey["status"] == "archived":
        raise click.ClickException(f"survey {survey_id} is deleted (archived): restore it on its page first; nothing imported")
    try:
        questionnaire = questionnaires.catalogue().for_survey(survey)
        rows = paper_import.parse(paper_import.read_table(table.name, table.read_bytes()), questionnaire,
                                  store.list_points(survey_id))
        counts = paper_import.store_rows(store, survey_id, questionnaire, rows, operator())
    except paper_import.ImportProblems as problems:
        raise click.ClickException(f"{table} not imported (nothing stored):\n" + "\n".join(problems.problems)) from None
    except questionnaires.ChangedQuestionnaire as e:
        raise click.ClickException(str(e)) from None
    click.echo(paper_import.outcome_text(table.name, rows, counts))
    if counts["other"]:
        raise click.ClickException(f"{counts['other']} {paper_import.OTHER}")
