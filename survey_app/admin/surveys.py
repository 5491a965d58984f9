"""Evaluators: list surveys, set one up, open and close it, and watch the dashboard (its collection points,
QR codes and fieldwork records: points.py). Every figure comes from ``results.compute``; the pages only render it."""
from __future__ import annotations

import math
import re
from datetime import date

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

import analysis
from analysis.formatting import num

from .. import breakdowns, questionnaires, results
from ..localtime import shown
from ..questionnaires import fill
from ..headline import rate_method, survey_rule
from ..reports import planning_text, wording
from ..reports.unrecorded_text import setting_names
from ..store import Audit, get_store
from . import compare, planner
from .weighting import panel as weighting_panel
from .auth import login_required, survey_or_404
from .forms import SURVEY_STATUS_LABELS, PointForm, StatusForm, SurveySettingsForm, status_label
from .shared import acting_user, survey_questionnaire

bp = Blueprint("surveys", __name__)  # /admin/ and /admin/surveys/...


@bp.app_template_filter("local_time")
def local_time(value: str | None) -> str:
    """A stored UTC time as local time (TIMEZONE), e.g. 2024-08-13 10:42:07."""
    return shown(value, current_app.config["TIMEZONE"])


def _catalogue():
    return questionnaires.catalogue().load_all()


def _settings_page(template: str, form, survey=None, status=200, year_note=""):
    catalogue = {} if survey else _catalogue()  # a new survey's: the one chosen, else the first offered
    chosen = survey_questionnaire(survey) if survey else catalogue.get(form.questionnaire.data or next(iter(catalogue), ""))
    if not survey and chosen is not None and not form.questionnaire.data:
        form.questionnaire.data = chosen.key  # the one planned for, as the planner's form carries it
    plan = planner.build(request.args, form, fill=request.method == "GET", questionnaire=chosen,
                         survey=survey)  # sample sizes
    return render_template(template, form=form, survey=survey, planner=plan, rules=analysis.RULES,
                           year_note=year_note), status


@bp.get("/")
@login_required
def index():
    surveys, withheld = get_store().surveys_granted(g.current_user["id"])  # one query for both
    tz = current_app.config["TIMEZONE"]
    return render_template("admin/index.html", surveys=[s for s in surveys if s["status"] != "archived"],
                           deleted=[s for s in surveys if s["status"] == "archived"], withheld=withheld,
                           status_label=lambda s: status_label(s, tz))


@bp.route("/surveys/new", methods=["GET", "POST"])
@login_required
def new_survey():
    catalogue = _catalogue()
    chosen = planner.carried(request.args, catalogue) if request.method == "GET" else {}  # as the planner asked
    form = SurveySettingsForm(questionnaires=catalogue, year=date.today().year, **chosen)
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
                                     audit=Audit(acting_user(), "create", values["title"]), **values)
    flash("评价项目已创建。下一步：添加采集点，下载二维码海报，然后开放收集。")
    return redirect(url_for(".dashboard", survey_id=survey_id))


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@login_required
def edit_survey(survey_id):
    survey = survey_or_404(survey_id)
    asked = planner.carried(request.args) if request.method == "GET" else {}  # the C51 figure the planner asked for
    form = SurveySettingsForm(data=_form_data(survey) | asked, chosen=survey_questionnaire(survey),
                              kept_rule=survey.get("rule"))
    del form.questionnaire  # fixed at creation: the responses were given to that version
    if not form.validate_on_submit():
        return _settings_page("admin/survey_form.html", form, survey, 400 if request.method == "POST" else 200)
    values = form.values()
    if _missing_settings(form, survey_questionnaire(survey), values):
        return _settings_page("admin/survey_form.html", form, survey, 400)
    values["title"] = (values["title"] or "").strip() or survey["title"]
    labels = {f.name: re.sub(r"（[^（）]*）$", "", str(f.label.text)).strip() or f.name for f in form}  # 目标值（%，…） → 目标值
    get_store().update_survey(survey_id, audit=Audit(acting_user(), "settings", _changes(survey, values, labels)), **values)
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


@bp.post("/surveys/<int:survey_id>/status")
@login_required
def set_status(survey_id):
    """开放收集 / 结束收集; 删除 (status archived, once collection has ended; nothing is removed) and 恢复 (back
    to 已结束, or 未开放 when it has no answer)."""
    survey = survey_or_404(survey_id)
    form = StatusForm()
    action = form.action.data
    allowed = ("unarchive",) if survey["status"] == "archived" else ("open", "closed", "archived")
    if not form.validate_on_submit() or action not in allowed:
        abort(400)
    if action == "archived" and not form.confirm.data:
        flash("未删除：请先勾选“我确认删除此项目”。", "error")
        return redirect(url_for(".dashboard", survey_id=survey_id))
    status = action
    if action == "unarchive":
        status = "closed" if get_store().response_count(survey_id) else "draft"
    elif action == "archived" and survey["status"] == "open":
        flash("请先结束收集，再删除此项目。", "error")
        return redirect(url_for(".dashboard", survey_id=survey_id))
    if status == survey["status"]:  # a second click, or another tab: nothing to change, no second audit line
        flash(f"此项目已是“{SURVEY_STATUS_LABELS[status]}”，未作更改。")
        return redirect(url_for(".dashboard", survey_id=survey_id))
    get_store().update_survey(survey_id, status=status, audit=Audit(acting_user(), action))
    flash({"open": "已开放收集，群众扫码即可填写。", "closed": "已结束收集，新的提交将不再接受。如是误点，点击“重新开放收集”即可恢复。",
           "archived": "已删除此项目：它不再显示在项目列表中，群众无法提交；问卷、结果和审核日志均保留，可在项目列表底部恢复。",
           "unarchive": f"已恢复此项目（{SURVEY_STATUS_LABELS[status]}）。"}[action])
    if action == "archived":
        return redirect(url_for(".index"))
    return redirect(url_for(".dashboard", survey_id=survey_id))


RAKE_ON_VIEW = 20_000  # valid responses up to which the dashboard rakes on every view (reading each answer)


@bp.get("/surveys/<int:survey_id>")
@login_required
def dashboard(survey_id):
    survey = survey_or_404(survey_id)
    questionnaire = survey_questionnaire(survey)
    # a question that cannot group (text, multiple choice, unknown) is refused before any work
    by, breakdown_error = breakdowns.chosen_by(questionnaire, request.args.getlist("by"))
    settings = breakdowns.settings(current_app.config, request.args.get("adjust"))
    result = results.compute(get_store(), survey_id, questionnaire, timezone=current_app.config["TIMEZONE"],
                             by=by, **settings)
    return render_template(
        "admin/dashboard.html", survey=survey, r=result, by=by, breakdown_error=breakdown_error,
        adjust_methods=breakdowns.ADJUST_ZH, max_by=breakdowns.MAX_BY, q=questionnaire, daily=_daily_table(result),
        per_point_target=math.ceil(result.target_n / len(result.points)) if result.points else 0,
        status_text=status_label(survey, current_app.config["TIMEZONE"]), year_note=fill.year_note(questionnaire, survey["year"]),
        signature_note=fill.signature_note(questionnaire, survey.get("evaluator_org")),
        rule=survey_rule(survey), base_url=current_app.config["PUBLIC_BASE_URL"],
        role_words=wording.ROLE_WORDS, rate_label=wording.rate_label, rate_method=rate_method,
        question_number=wording.question_number,  # 各题频数 numbered as the form, the annex and the downloads
        receipt=wording.receipt_text(result), strata=wording.strata_text(result), basis=wording.basis_text(result),
        unstratified=wording.unstratified_text(result),
        can_show=planning_text.headline_sentences(result.headline),
        point_form=PointForm(), status_form=StatusForm(), bursts=_bursts(survey_id),
        trend=compare.dashboard_trend(survey, result), compare_form=compare.compare_form(survey),
        unrecorded=setting_names(get_store().unrecorded_settings(survey_id)),  # changed behind Manyi's back: a warning
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
    note = wording.PAPER_DATED.strip("（）") if result.fieldwork.total.paper else ""  # as 附件3 dates them
    return {"names": names, "rows": rows, "max": max((total for _, _, total in rows), default=0), "note": note}
