"""Downloads for evaluators: /admin/surveys/<id>/export/<fmt> and the C51 working paper as a page.

Each view checks login and access to the survey (404 otherwise), builds the file from one
SurveyResult inside one database snapshot, and sends it with a Chinese file name (RFC 5987).
Files are spooled to an anonymous temporary file, so a million-row CSV never sits in memory.
"""
from __future__ import annotations

import tempfile
from urllib.parse import quote

from flask import Blueprint, abort, current_app, g, render_template, request, send_file

from .. import breakdowns, flags, questionnaires, reports
from ..admin.auth import login_required, survey_or_404
from ..store import get_store
from . import c51
from .unrecorded_text import setting_names

bp = Blueprint("reports", __name__, url_prefix="/surveys/<int:survey_id>")  # a child of admin: /admin/surveys/...


@bp.record_once
def _download_links(state) -> None:
    """The survey page lists its downloads from reports.FORMATS, the list these routes serve."""
    state.app.jinja_env.globals["download_formats"] = reports.FORMATS


def _export(survey_id: int, include_excluded: bool = False, with_flags: bool = True):
    """The export; ``?adjust=`` and ``?by=`` (the dashboard's 多重比较校正 and 另按题目分组, carried by its download
    links) as the page computed them, so a file's breakdown tables, adjusted p and 高于/低于 are the page's
    (a ``by`` the page would refuse gives the default tables, as the page shows them)."""
    config = current_app.config
    return reports.open_export(get_store(), survey_id, questionnaires.catalogue(),
                               timezone=config["TIMEZONE"], include_excluded=include_excluded,
                               breakdowns=breakdowns.settings(config, request.args.get("adjust")),
                               by=request.args.getlist("by"),
                               viewer=g.current_user["id"],
                               review=flags.settings(config), with_flags=with_flags)


@bp.get("/export/<fmt>")
@login_required
def export(survey_id: int, fmt: str):
    """The file; raw data (CSV, XLSX, SAV) holds the valid responses, all of them with ?include_excluded=1."""
    survey_or_404(survey_id)
    if fmt not in reports.FORMATS:
        abort(404)
    include_excluded = request.args.get("include_excluded") == "1"
    out = tempfile.TemporaryFile()
    try:
        with _export(survey_id, include_excluded, reports.FORMATS[fmt].flags) as data:
            reports.write(fmt, data, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    spec = reports.FORMATS[fmt]
    at = data.result.computed_at
    name = reports.filename(fmt, data.result.survey, include_excluded=include_excluded, at=at)
    response = send_file(out, mimetype=spec.mimetype, as_attachment=True, download_name=name, max_age=0)
    # the Chinese name for every browser of this decade; an old one's ASCII name says which file it is
    response.headers["Content-Disposition"] = (f'attachment; filename="manyi-{survey_id}-{fmt}{reports.stamp(at)}.'
                                               f"{spec.extension}\"; filename*=UTF-8''{quote(name)}")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/c51")
@login_required
def c51_page(survey_id: int):
    survey_or_404(survey_id)
    with _export(survey_id) as data:
        paper = c51.paper(data.result)
    return render_template("reports/c51.html", paper=paper, survey_id=survey_id,  # a warning above the paper:
                           unrecorded=setting_names(data.result.unrecorded))
