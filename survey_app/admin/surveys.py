"""Evaluators: list surveys, set one up, add collection points and their QR codes, open and close,
and watch the dashboard. Every figure comes from ``results.compute``; the pages only render it."""
from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request, send_file,
                   url_for)

import analysis
from analysis.formatting import num

from .. import breakdowns, fieldwork, qr, questionnaires, results
from ..questionnaires import fill
from ..headline import rate_method, survey_rule
from ..reports import planning_text, wording
from ..safetext import file_name
from ..store import Audit, get_store, is_row_id
from . import compare, planner
from .weighting import panel as weighting_panel
from .auth import login_required, survey_or_404
from .forms import PointForm, PointsFieldworkForm, StatusForm, SurveySettingsForm, status_label

bp = Blueprint("surveys", __name__)  # /admin/ and /admin/surveys/...
POSTER_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
              "frame-ancestors 'none'; base-uri 'none'")


@bp.app_template_filter("local_time")
def local_time(value: str | None) -> str:
    """A stored UTC time as local time (TIMEZONE), e.g. 2024-08-13 10:42:07."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _catalogue():
    return questionnaires.catalogue().load_all()


def _questionnaire(survey: dict):
    """The survey's questionnaire version (a friendly 503 page when its file is gone: see web.py)."""
    return questionnaires.catalogue().for_survey(survey)


def _user() -> str:
    return g.current_user["username"]


def _settings_page(template: str, form, survey=None, status=200, year_note=""):
    catalogue = {} if survey else _catalogue()  # a new survey's: the one chosen, else the first offered
    chosen = _questionnaire(survey) if survey else catalogue.get(form.questionnaire.data or next(iter(catalogue), ""))
    plan = planner.build(request.args, form, fill=request.method == "GET", questionnaire=chosen,
                         survey=survey)  # sample sizes
    return render_template(template, form=form, survey=survey, planner=plan, rules=analysis.RULES,
                           year_note=year_note), status


@bp.get("/")
@login_required
def index():
    surveys = get_store().surveys_for_user(g.current_user["id"])
    tz = current_app.config["TIMEZONE"]
    return render_template("admin/index.html", surveys=surveys, status_label=lambda s: status_label(s, tz))


@bp.route("/surveys/new", methods=["GET", "POST"])
@login_required
def new_survey():
    catalogue = _catalogue()
    form = SurveySettingsForm(questionnaires=catalogue, year=date.today().year)
    if not form.validate_on_submit():
        return _settings_page("admin/survey_form.html", form, status=400 if request.method == "POST" else 200)
    q = catalogue[form.questionnaire.data]
    values = form.values()
    if _missing_settings(form, q, values):
        return _settings_page("admin/survey_form.html", form, status=400)
    filled = fill.fill(q, values)
    if (note := fill.year_note(filled, values["year"])) and request.form.get("confirm_year") != "1":
        return _settings_page("admin/survey_form.html", form, status=400, year_note=note)  # asked before saving
    values["title"] = (values["title"] or "").strip() or str(filled.title)
    survey_id = get_store().create_survey_for(g.current_user["id"], questionnaire_id=q.id,
                                     questionnaire_version=q.version, questionnaire_digest=q.digest,
                                     status="draft",
                                     audit=Audit(_user(), "create", values["title"]), **values)
    flash("评价项目已创建。下一步：添加采集点，下载二维码海报，然后开放收集。")
    return redirect(url_for(".dashboard", survey_id=survey_id))


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@login_required
def edit_survey(survey_id):
    survey = survey_or_404(survey_id)
    form = SurveySettingsForm(data=_form_data(survey), chosen=_questionnaire(survey), kept_rule=survey.get("rule"))
    del form.questionnaire  # fixed at creation: the responses were given to that version
    if not form.validate_on_submit():
        return _settings_page("admin/survey_form.html", form, survey, 400 if request.method == "POST" else 200)
    values = form.values()
    if _missing_settings(form, _questionnaire(survey), values):
        return _settings_page("admin/survey_form.html", form, survey, 400)
    values["title"] = (values["title"] or "").strip() or survey["title"]
    labels = {f.name: re.sub(r"（[^（）]*）$", "", str(f.label.text)).strip() or f.name for f in form}  # 目标值（%，…） → 目标值
    get_store().update_survey(survey_id, audit=Audit(_user(), "settings", _changes(survey, values, labels)), **values)
    flash("设置已保存。")
    return redirect(url_for(".dashboard", survey_id=survey_id))


def _missing_settings(form, q, values: dict) -> bool:
    """Put a message beside each setting the questionnaire's texts name ({year} …: questionnaires/fill.py) that
    is empty; True if there was one."""
    missing = fill.missing(q, values)
    for setting in missing:
        getattr(form, setting).errors.append(fill.missing_message(setting))
    return bool(missing)


def _form_data(survey: dict) -> dict:
    data = dict(survey)
    for name in ("opens_on", "closes_on"):
        data[name] = date.fromisoformat(survey[name]) if survey.get(name) else None
    return data


def _changes(before: dict, after: dict, labels: dict) -> str:
    """'目标值：95 → 100；开始日期：2026-11-01 → （空）', as the audit log shows a settings change."""
    def shown(value) -> str:
        return "（空）" if value in (None, "") else num(value) if isinstance(value, float) else str(value)
    return "；".join(f"{labels.get(k, k)}：{shown(before.get(k))} → {shown(v)}"
                    for k, v in after.items() if before.get(k) != v)[:2000]


@bp.post("/surveys/<int:survey_id>/points")
@login_required
def add_point(survey_id):
    survey_or_404(survey_id)
    form = PointForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        known = {p["name"] for p in get_store().list_points(survey_id)}
        point = get_store().add_point(survey_id, name, audit=Audit(_user(), "add_point", name))
        if point["name"] != name:
            flash(f"已有名称相近的采集点“{point['name']}”（仅空格、全角半角或大小写不同，编码 {point['code']}），"
                  "未重复添加。")
        else:
            flash(f"采集点“{point['name']}”已存在（编码 {point['code']}），未重复添加。" if name in known
                  else f"采集点“{point['name']}”已添加，编码 {point['code']}。")
    else:
        for errors in form.errors.values():
            flash("；".join(errors), "error")
    return redirect(url_for(".dashboard", survey_id=survey_id) + "#points")


@bp.get("/surveys/<int:survey_id>/points/<int:point_id>/<any(png, svg, poster):kind>")
@login_required
def point_qr(survey_id, point_id, kind):
    survey = survey_or_404(survey_id)
    point = get_store().get_point(survey_id, point_id) if is_row_id(point_id) else None
    if point is None:
        abort(404)
    url = qr.point_url(current_app.config["PUBLIC_BASE_URL"], point["code"])
    if kind == "poster":
        page = qr.poster_html(survey["title"], point["name"], point["code"], url,
                              evaluator=survey.get("evaluator_org") or "", invitation=str(_questionnaire(survey).invitation))
        return page, 200, {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": POSTER_CSP}
    data, mimetype = (qr.png_bytes(url), "image/png") if kind == "png" else (qr.svg_bytes(url), "image/svg+xml")
    name = f"{file_name(point['name'])}-{point['code']}.{kind}"
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    # an old browser's ASCII name says what it is ("-9a2za84n.png" was all that was left of 业务大厅-9a2za84n.png)
    response.headers["Content-Disposition"] = (f'attachment; filename="manyi-point-{point["code"]}.{kind}";'
                                               f" filename*=UTF-8''{quote(name)}")
    return response


def _points_page(survey: dict, form: PointsFieldworkForm | None = None, status: int = 200):
    """The 采集点 page: one form with every point's fieldwork record (``form``: as posted, with its errors)
    and the rates they give."""
    database = get_store()
    form = form or PointsFieldworkForm(database.list_points(survey["id"]), formdata=None)
    work = fieldwork.fieldwork(database, survey["id"], database.point_counts(survey["id"]))
    return render_template("admin/points.html", survey=survey, form=form, fieldwork=work), status


@bp.get("/surveys/<int:survey_id>/points")
@login_required
def points(survey_id):
    return _points_page(survey_or_404(survey_id))


@bp.post("/surveys/<int:survey_id>/points/fieldwork")
@login_required
def points_fieldwork(survey_id):
    """Save every point's 发放份数 and 办件量 (blank: not known) at once; a bad value anywhere saves nothing."""
    survey = survey_or_404(survey_id)
    database = get_store()
    form = PointsFieldworkForm(database.list_points(survey_id))
    valid = {p["id"]: p["valid"] for p in database.point_counts(survey_id)}
    ok = form.validate_on_submit()
    for point, row, sent in form.rows:
        if sent and row.validate() and row.served.data is not None and row.served.data < valid.get(point["id"], 0):
            row.served.errors.append(f"填写的 {row.served.data} 件少于该采集点已有的有效问卷（{valid[point['id']]} 份）："
                                     "每份有效问卷都来自一次办件，请核对后重新填写；不知道可留空。")
        ok = ok and not (sent and row.errors)  # 0 would also drop its answers from 分层估计
    if not ok:
        return _points_page(survey, form, 400)
    changed = database.set_points_fieldwork(survey_id, {p["id"]: (row.issued.data, row.served.data)
                                                        for p, row, sent in form.rows if sent}, actor=_user())
    flash(f"已保存：{_fieldwork_changes(changed)}。" if changed else "发放份数与办件量没有改动。")
    return redirect(url_for(".points", survey_id=survey_id))


def _fieldwork_changes(changed: list[dict]) -> str:
    """'1号窗口 办件量 120 → 100；2号窗口 发放份数 — → 30，办件量 — → 80', as the flash names what was saved."""
    def shown(value) -> str:
        return "—" if value is None else str(value)
    return "；".join(f"{c['name']} " + "，".join(f"{label} {shown(c[key + '_before'])} → {shown(c[key])}"
                                                for key, label in (("issued", "发放份数"), ("served", "办件量"))
                                                if c[key + "_before"] != c[key]) for c in changed)


@bp.post("/surveys/<int:survey_id>/status")
@login_required
def set_status(survey_id):
    survey_or_404(survey_id)
    form = StatusForm()
    if not form.validate_on_submit() or form.action.data not in ("open", "closed"):
        abort(400)
    get_store().update_survey(survey_id, status=form.action.data, audit=Audit(_user(), form.action.data))
    flash("已开放收集，群众扫码即可填写。" if form.action.data == "open" else "已结束收集，新的提交将不再接受。")
    return redirect(url_for(".dashboard", survey_id=survey_id))


RAKE_ON_VIEW = 20_000  # valid responses up to which the dashboard rakes on every view (reading each answer)


@bp.get("/surveys/<int:survey_id>")
@login_required
def dashboard(survey_id):
    survey = survey_or_404(survey_id)
    questionnaire = _questionnaire(survey)
    settings = breakdowns.settings(current_app.config, request.args.get("adjust"))
    by = tuple(qid for qid in request.args.getlist("by") if qid)[:3]
    item = next(iter(questionnaire.headline.weights))
    try:  # a question that cannot group (text, multiple choice, unknown) is refused before any work
        for qid in by:
            breakdowns.check_group_question(questionnaire, qid, item)
        breakdown_error = None
    except ValueError as error:
        breakdown_error, by = str(error), ()
    result = results.compute(get_store(), survey_id, questionnaire, timezone=current_app.config["TIMEZONE"],
                             by=by, **settings)
    return render_template(
        "admin/dashboard.html", survey=survey, r=result, by=by, breakdown_error=breakdown_error,
        adjust_methods=breakdowns.ADJUST_ZH, q=questionnaire, daily=_daily_table(result),
        per_point_target=math.ceil(result.target_n / len(result.points)) if result.points else 0,
        status_text=status_label(survey, current_app.config["TIMEZONE"]), year_note=fill.year_note(questionnaire, survey["year"]),
        rule=survey_rule(survey), base_url=current_app.config["PUBLIC_BASE_URL"],
        role_words=wording.ROLE_WORDS, rate_label=wording.rate_label, rate_method=rate_method,
        receipt=wording.receipt_text(result), strata=wording.strata_text(result), basis=wording.basis_text(result),
        unstratified=wording.unstratified_text(result),
        can_show=planning_text.headline_sentences(result.headline),
        point_form=PointForm(), status_form=StatusForm(), bursts=_bursts(survey_id),
        trend=compare.dashboard_trend(survey, result), compare_form=compare.compare_form(survey),
        weighting=weighting_panel(get_store(), survey, questionnaire,
                                  alpha=request.args.get("reliability") == "1",
                                  rake=result.valid <= RAKE_ON_VIEW or request.args.get("weighting") == "1"))


def _bursts(survey_id: int) -> dict:
    """异常集中提交: the minutes in which a point took more submits than a hall plausibly can (store/stuffing.py)."""
    from ..store.common import iso_time
    from .review import review_limits

    burst = review_limits()["burst"]
    rows = get_store().burst_minutes(survey_id, burst=burst)
    return {"burst": burst, "rows": [{**row, "at": iso_time(row["minute"] * 60)} for row in rows]}


def _daily_table(result) -> dict:
    """result.daily pivoted for display: days × points, with each day's total (valid responses)."""
    names = [p.name for p in result.points]
    cells: dict[str, dict[str, int]] = {}
    for day, name, n in result.daily:
        cells.setdefault(day, {})[name] = n
    rows = [(day, [cells[day].get(name, 0) for name in names], sum(cells[day].values())) for day in sorted(cells)]
    return {"names": names, "rows": rows, "max": max((total for _, _, total in rows), default=0)}
