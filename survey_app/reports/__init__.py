"""Downloads: raw data (CSV, XLSX, SPSS), the JSON summary, the 附件3 annex and the C51 working paper.

Every file is written from one ``Export``: a SurveyResult (``results.compute``) plus the database
snapshot it was computed from, so the raw rows of a download and its tallies always agree. No
module here computes a figure; they format what the SurveyResult holds.

    with reports.open_export(store, survey_id, questionnaires.catalogue()) as export:
        reports.write("xlsx", export, out)           # out: a binary file
        name = reports.filename("xlsx", export.result.survey)
"""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module

from .. import flags, questionnaires, results
from ..breakdowns import chosen_by
from ..safetext import file_name


@dataclass(frozen=True)
class Format:
    module: str  # module in this package with a ``write(export, out)`` (or the named function)
    function: str
    extension: str
    mimetype: str
    name: str  # what the file is, in the evaluator's words (goes into the file name)
    label: str  # the link on the survey page
    on_page: bool = True  # listed among the survey page's downloads (all are in the routes and `manyi export`)
    raw: bool = False  # one row per response: valid ones only, unless asked to include the excluded ones
    flags: bool = False  # prints the review flags' counts (counting 直线作答 reads every response)


# The one list of downloads: the routes (/admin/surveys/<id>/export/<key>), `manyi export --format` and
# the survey page's links (a Jinja global set in views.py) all read it, in this order.
FORMATS = {
    "csv": Format("raw", "write_csv", "csv", "text/csv", "原始数据", "原始数据 CSV（Excel）",
                  raw=True),
    "labels": Format("raw", "write_labels", "csv", "text/csv", "变量与选项标签",
                     "变量与选项标签 CSV（含各选项分值）"),
    "xlsx": Format("workbook", "write", "xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "数据与汇总",
                   "原始数据与频数表 XLSX", raw=True, flags=True),
    "sav": Format("spss", "write", "sav", "application/x-spss-sav", "SPSS数据", "SPSS 数据 .sav", raw=True),
    "json": Format("summary", "write", "json", "application/json", "结果摘要", "结果摘要 JSON"),
    "receipt": Format("summary", "write_receipt", "json", "application/json", "数据回执",
                      "数据回执（交被评价单位保存）"),
    "docx-annex": Format("annex", "write", "docx",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         "附件3满意度问卷报告", "附件3 满意度问卷报告 DOCX", flags=True),
    "docx-c51": Format("c51", "write", "docx",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       "C51评价底稿", "C51 评价底稿 DOCX", flags=True),
    "docx-paper": Format("paper", "write", "docx",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         "纸质问卷", "纸质问卷 DOCX（打印后发放给不扫码的群众）"),
    "xlsx-paper": Format("paper_sheet", "write", "xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "纸质问卷录入表",
                         "纸质问卷录入表 XLSX（在 Excel 中录入纸质问卷，再在“录入纸质问卷”页导入）"),
}


@dataclass(frozen=True)
class Export:
    result: results.SurveyResult
    database: object  # the read-only snapshot the result was computed from (raw rows read it too)
    timezone: str
    include_excluded: bool = False  # raw rows: the excluded responses too (their status and reason in columns)
    by_refused: str | None = None  # why the questions asked for (``by``) were not added: the default tables shown


class UnknownSurvey(LookupError):
    """No survey with that id."""


@contextmanager
def open_export(store, survey_id: int, catalogue: questionnaires.Catalogue, *,
                timezone: str = "Asia/Shanghai", include_excluded: bool = False, breakdowns: dict | None = None,
                by=(), viewer: int | None = None, review: dict | None = None, with_flags: bool = True):
    """An Export of one survey, computed inside one read transaction of the ``store``. Its raw rows are
    the valid responses, or every response returned with ``include_excluded``. ``breakdowns``: the
    breakdowns' ``min_n`` and ``adjust`` (``breakdowns.settings``); ``by``: the question ids asked to be
    added to them, read as the page reads them (``breakdowns.chosen_by``; refused: Export.by_refused says
    why). ``viewer``: the evaluator's user id; the
    trend is left out unless they may see the earlier survey (the command line, with no viewer, sees all).
    ``review``: the review flags' thresholds (``flags.settings``; their defaults without it); ``with_flags``
    False leaves their counts out (None), for a download that does not print them (Format.flags)."""
    _fold_first(store, survey_id, catalogue, by)
    with store.snapshot() as conn:
        survey = conn.get_survey(survey_id)
        if survey is None:
            raise UnknownSurvey(f"no survey with id {survey_id}")
        questionnaire = catalogue.for_survey(survey)
        added, refused = chosen_by(questionnaire, by)
        result = results.compute(conn, survey_id, questionnaire, timezone=timezone, by=added,
                                 **(breakdowns or {}))
        if with_flags:
            result = dataclasses.replace(result, flags=flags.counts(conn, survey_id, questionnaire, review))
        # the settings that differ from what the audit chain recorded, read in this snapshot: every file warns
        result = dataclasses.replace(result, unrecorded=tuple(conn.unrecorded_settings(survey_id)))
        yield Export(_with_comparisons(conn, result, catalogue, timezone, viewer), conn, timezone,
                     include_excluded, refused)


def _fold_first(store, survey_id: int, catalogue, by=()) -> None:
    """Fold the group and item-pair counts the export reads (the questions ``by`` asked for among them), so its
    snapshot reads them rather than count every response again (nothing to do for an unknown survey or a
    missing questionnaire: the export says so)."""
    from .. import breakdowns, reliability

    survey = store.get_survey(survey_id)
    try:
        questionnaire = catalogue.for_survey(survey) if survey else None
    except LookupError:
        questionnaire = None
    if questionnaire is not None:
        pairs = breakdowns.group_pairs(questionnaire, chosen_by(questionnaire, by)[0])
        store.fold_groups(survey_id, pairs + reliability.item_pairs(questionnaire))


def _with_comparisons(conn, result, catalogue, timezone: str, viewer: int | None):
    """The result with its trend (when an earlier survey was chosen and can still be compared), its raked
    figures (when shares were entered and they still rake) and its composite's reliability."""
    from .. import reliability, trend, weighting

    survey, questionnaire = result.survey, result.questionnaire
    earlier = survey.get("compare_with")
    try:
        hidden = earlier is not None and viewer is not None and not conn.can_see(viewer, earlier)
        compared = None if hidden else trend.trend_for(conn, survey, result, catalogue, timezone=timezone)
    except (LookupError, ValueError):  # the earlier survey or its file is gone, or its items changed since
        compared = None
    try:
        raked = weighting.raked_figures(conn, survey, questionnaire)
    except ValueError:  # the answers no longer rake: the dashboard says why; the documents leave it out
        raked = None
    return dataclasses.replace(result, trend=compared, raked=raked,
                               reliability=reliability.reliability_for(conn, survey, questionnaire))


def write(fmt: str, export: Export, out) -> None:
    """Write the download ``fmt`` (a key of FORMATS) of ``export`` to the binary file ``out``."""
    try:
        spec = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}") from None
    getattr(import_module(f".{spec.module}", __name__), spec.function)(export, out)


def filename(fmt: str, survey: dict, *, include_excluded: bool = False, at: str = "") -> str:
    """E.g. ``2024年伊宁市医疗保障局部门整体绩效满意度调查-附件3满意度问卷报告-20261203-1738.docx`` (safetext.file_name:
    no path separators, no control or bidi characters). ``at`` is the time the data were read (``computed_at``,
    ISO): downloads before and after a 剔除 get different names, and the evaluator can tell which is newer."""
    spec = FORMATS[fmt]
    title = file_name(survey["title"])
    name = spec.name + ("（含已剔除）" if include_excluded and spec.raw else "")
    return f"{title or 'survey-' + str(survey['id'])}-{name}{stamp(at)}.{spec.extension}"


def stamp(at: str) -> str:
    """'-20261203-1738' for '2026-12-03T17:38:58+08:00' (local time, to the minute); '' without a time."""
    return f"-{at[:10].replace('-', '')}-{at[11:16].replace(':', '')}" if len(at) >= 16 else ""
